// The server's orbit camera, so the client can turn a pixel of the video into a ray and a
// point on the ground. The same model as SceneLedger's Camera+Basis and the renderer's
// ViewProjection (three.js OrbitControls conventions). Pure: no DOM.

const RAD = Math.PI / 180;

const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a, b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a, s) => [a[0] * s, a[1] * s, a[2] * s];
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const normalized = (a) => {
  const l = Math.hypot(a[0], a[1], a[2]);
  return l > 0 ? scale(a, 1 / l) : a;
};

/** Box sizes (width x, height y, depth z) per device kind before scale: the renderer's DeviceBounds. */
export const DEVICE_BOXES = Object.freeze({
  work_center: [4, 2.5, 3],
  robot_arm: [1.5, 2.2, 1.5],
  conveyor: [6, 1, 1.2],
  storage: [3, 4, 2],
  agv: [1.4, 0.5, 1],
  custom: [2, 2, 2],
});

/** Eye, forward, right and up of a `{target, distance, azimuth, elevation, fov}` camera. */
export function cameraBasis(camera) {
  const a = camera.azimuth * RAD;
  const e = camera.elevation * RAD;
  const offset = [Math.cos(e) * Math.sin(a), Math.sin(e), Math.cos(e) * Math.cos(a)];
  const forward = scale(offset, -1);
  const right = [Math.cos(a), 0, -Math.sin(a)];
  const up = cross(right, forward);
  return { eye: add(camera.target, scale(offset, camera.distance)), forward, right, up };
}

/** The ray through pixel (x, y) of a width x height view, origin top left. */
export function pixelRay(camera, x, y, width, height) {
  const basis = cameraBasis(camera);
  const tanHalf = Math.tan((camera.fov * RAD) / 2);
  const ndcX = (2 * x) / width - 1;
  const ndcY = 1 - (2 * y) / height;
  const direction = normalized(
    add(add(basis.forward, scale(basis.right, ndcX * tanHalf * (width / height))), scale(basis.up, ndcY * tanHalf)),
  );
  return { origin: basis.eye, direction };
}

/** Where the ray meets the plane y = `height`, or null when it points away from it. */
export function groundPoint(ray, height = 0) {
  const dy = ray.direction[1];
  if (Math.abs(dy) < 1e-9) return null;
  const t = (height - ray.origin[1]) / dy;
  if (t <= 0) return null;
  return add(ray.origin, scale(ray.direction, t));
}

/** Applies the inverse of the device's X-then-Y-then-Z Euler rotation (degrees) to `v`. */
function unrotate(rotation, v) {
  const [x, y, z] = (rotation ?? [0, 0, 0]).map((d) => (d || 0) * RAD);
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(x), Math.sin(x), Math.cos(y), Math.sin(y), Math.cos(z), Math.sin(z)];
  // Rows of R = Rz * Ry * Rx; the inverse is the transpose.
  const r0 = [cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx];
  const r1 = [sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx];
  const r2 = [-sy, cy * sx, cy * cx];
  return [
    r0[0] * v[0] + r1[0] * v[1] + r2[0] * v[2],
    r0[1] * v[0] + r1[1] * v[1] + r2[1] * v[2],
    r0[2] * v[0] + r1[2] * v[1] + r2[2] * v[2],
  ];
}

/** Distance along `ray` to the device's box (standing on its position), or null for a miss. */
export function rayHitsDevice(ray, device, slack = 0) {
  const size = DEVICE_BOXES[device.kind] ?? DEVICE_BOXES.custom;
  const s = (device.scale ?? [1, 1, 1]).map((v) => v || 1);
  const o = unrotate(device.rotation, sub(ray.origin, device.position ?? [0, 0, 0]));
  const d = unrotate(device.rotation, ray.direction);
  const origin = [o[0] / s[0], o[1] / s[1], o[2] / s[2]];
  const direction = [d[0] / s[0], d[1] / s[1], d[2] / s[2]];
  const low = [-size[0] / 2 - slack, -slack, -size[2] / 2 - slack];
  const high = [size[0] / 2 + slack, size[1] + slack, size[2] / 2 + slack];
  let tMin = -Infinity;
  let tMax = Infinity;
  for (let i = 0; i < 3; i++) {
    if (Math.abs(direction[i]) < 1e-12) {
      if (origin[i] < low[i] || origin[i] > high[i]) return null;
      continue;
    }
    let t1 = (low[i] - origin[i]) / direction[i];
    let t2 = (high[i] - origin[i]) / direction[i];
    if (t1 > t2) [t1, t2] = [t2, t1];
    tMin = Math.max(tMin, t1);
    tMax = Math.min(tMax, t2);
    if (tMin > tMax) return null;
  }
  return tMax >= 0 ? Math.max(tMin, 0) : null;
}

/**
 * The rectangle the video's picture fills inside its element (object-fit: contain):
 * `{left, top, width, height}` in CSS pixels relative to the element.
 */
export function letterbox(elementWidth, elementHeight, videoWidth, videoHeight) {
  if (!videoWidth || !videoHeight || !elementWidth || !elementHeight) {
    return { left: 0, top: 0, width: elementWidth, height: elementHeight };
  }
  const s = Math.min(elementWidth / videoWidth, elementHeight / videoHeight);
  const width = videoWidth * s;
  const height = videoHeight * s;
  return { left: (elementWidth - width) / 2, top: (elementHeight - height) / 2, width, height };
}

/**
 * A point in the element (CSS pixels) to the view's pixel space (`viewWidth` x `viewHeight`),
 * through the letterboxing; null when it falls on the bars.
 */
export function toViewPixel(px, py, box, viewWidth, viewHeight) {
  const u = (px - box.left) / box.width;
  const v = (py - box.top) / box.height;
  if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1)) return null;
  return { x: u * viewWidth, y: v * viewHeight, u, v };
}

/**
 * The size to ask the server for: the element's size in device pixels, scaled to fit
 * 1920x1080 and rounded down to multiples of 8 (even, and I420 rows of both planes need
 * no padding).
 */
export function requestedSize(cssWidth, cssHeight, dpr = 1) {
  let w = Math.max(16, Math.round(cssWidth * dpr));
  let h = Math.max(16, Math.round(cssHeight * dpr));
  const fit = Math.min(1, 1920 / w, 1080 / h);
  w = Math.max(16, Math.floor((w * fit) / 8) * 8);
  h = Math.max(16, Math.floor((h * fit) / 8) * 8);
  return { width: w, height: h };
}

/** World point to view pixels `{x, y}` (origin top left), or null when it is behind the eye. */
export function projectPoint(camera, point, width, height) {
  const basis = cameraBasis(camera);
  const rel = sub(point, basis.eye);
  const z = rel[0] * basis.forward[0] + rel[1] * basis.forward[1] + rel[2] * basis.forward[2];
  if (z <= 1e-6) return null;
  const tanHalf = Math.tan((camera.fov * RAD) / 2);
  const x = (rel[0] * basis.right[0] + rel[1] * basis.right[1] + rel[2] * basis.right[2]) / (z * tanHalf * (width / height));
  const y = (rel[0] * basis.up[0] + rel[1] * basis.up[1] + rel[2] * basis.up[2]) / (z * tanHalf);
  return { x: ((x + 1) / 2) * width, y: ((1 - y) / 2) * height };
}
