// The /signal wire protocol as the server defines it (Sources/CommandBus): the join
// message, the command envelope and each command's `data`. Pure: no DOM, no sockets.

export const DEVICE_KINDS = ['work_center', 'robot_arm', 'conveyor', 'storage', 'agv', 'custom'];
export const CONNECTION_KINDS = ['production', 'material', 'data', 'power'];
export const DIRECTIONS = ['forward', 'backward', 'both'];
export const ROLES = ['driver', 'observer'];

/** Limits the server enforces (CommandLimits.swift); checked here to explain refusals early. */
export const LIMITS = Object.freeze({
  nameMax: 200,
  maxCoordinate: 100_000,
});

/** Error codes after which retrying the same join is pointless. */
export const FATAL_JOIN_CODES = new Set([
  'unknown_scene', 'invalid_id', 'missing_field', 'unexpected_field', 'out_of_range', 'wrong_type', 'bad_json',
]);

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUUID(text) {
  return typeof text === 'string' && UUID_PATTERN.test(text);
}

/** 16 bytes as a lowercase UUID string. */
function formatUUID(b) {
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random (v4) UUID, lowercase. `crypto.randomUUID` exists only in secure contexts,
 *  and plant tablets often reach the server over plain http, hence the fallback. */
export function newUUID() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return formatUUID(b);
}

/** A time-ordered (version 7, RFC 9562) UUID for a new command id, lowercase.
 *  The ledger's idempotency index is keyed by the command id: time-ordered ids append at
 *  its right edge where random ones touch a random page per command. Ids from one page
 *  increase strictly: 12 bits after the millisecond time count within a millisecond. */
let v7Last = { millis: 0, counter: 0 };
export function newCommandId(now = Date.now()) {
  const b = crypto.getRandomValues(new Uint8Array(16));
  let millis = Math.max(Math.floor(now), v7Last.millis);
  let counter;
  if (millis > v7Last.millis) {
    counter = ((b[6] << 8) | b[7]) & 0x7ff;
  } else if (v7Last.counter < 0xfff) {
    counter = v7Last.counter + 1;
  } else {
    millis += 1;
    counter = 0;
  }
  v7Last = { millis, counter };
  let t = millis;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = 0x70 | ((counter >> 8) & 0x0f);
  b[7] = counter & 0xff;
  b[8] = (b[8] & 0x3f) | 0x80;
  return formatUUID(b);
}

/** A scene reference the server accepts: "demo" or a UUID. */
export function isSceneRef(text) {
  return text === 'demo' || isUUID(text);
}

/** Why `name` is not a valid device or participant name, or null when it is. */
export function nameProblem(name, { allowEmpty = false } = {}) {
  const length = [...name].length;
  if (length === 0 && !allowEmpty) return 'The name must not be empty.';
  if (length > LIMITS.nameMax) return `The name must be at most ${LIMITS.nameMax} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'The name must not contain control characters.';
  return null;
}

/** Why `position` is not a valid position, or null when it is. */
export function positionProblem(position) {
  if (!Array.isArray(position) || position.length !== 3) return 'A position needs three numbers.';
  if (!position.every((v) => Number.isFinite(v) && Math.abs(v) <= LIMITS.maxCoordinate)) {
    return `Each coordinate must be a number between -${LIMITS.maxCoordinate} and ${LIMITS.maxCoordinate}.`;
  }
  return null;
}

/** `{"type":"join",...}`; `name` may be empty, `actor` is the pseudonymous visitor id.
 *  With `video` ({width, height}), the server streams a rendered view of that size. */
export function joinMessage({ scene, role, name, actor, video = null }) {
  const message = { type: 'join', scene, role, name: name ?? '' };
  if (isUUID(actor)) message.actor = actor.toLowerCase();
  if (video) Object.assign(message, { media: 'video', width: video.width, height: video.height });
  if (video?.codecs?.length) message.codecs = video.codecs;
  return message;
}

/** The command envelope: exactly `id`, `type`, `timestamp` (ms) and `data`. */
export function envelope(type, data, { id = newCommandId(), now = Date.now() } = {}) {
  return { id, type, timestamp: Math.floor(now), data };
}

/** Builders for the `data` of each command this client sends. */
export const commands = {
  select: (deviceId) => envelope('device:select', { deviceId: deviceId ?? null }),
  drag: (deviceId, position) => envelope('device:drag', { deviceId, position }),
  remove: (deviceId) => envelope('device:remove', { deviceId }),
  rename: (deviceId, name) => envelope('device:update', { deviceId, name }),
  connect: (sourceDeviceId, targetDeviceId, kind, direction = 'forward') =>
    envelope('connection:create', { sourceDeviceId, targetDeviceId, type: kind, direction }),
  disconnect: (connectionId) => envelope('connection:remove', { connectionId }),
  camera: (camera) =>
    envelope('camera:set', {
      target: camera.target,
      distance: camera.distance,
      azimuth: camera.azimuth,
      elevation: camera.elevation,
      fov: camera.fov,
    }),
};

/** Rounds a coordinate to the centimetre, which keeps positions readable in the ledger. */
export function roundCoordinate(value) {
  return Math.round(value * 100) / 100;
}
