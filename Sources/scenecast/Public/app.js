// Scenecast web client: joins a scene over /signal and keeps a copy of it from state:full
// and state:update. In remote mode the server renders this participant's view and streams
// it over WebRTC (remote.js); in local mode the browser draws the plan itself (planview.js).
// Either way the driver's edits go out as commands, over the data channels once they are
// open and over the WebSocket before that.

import { ActivityLog, ParticipantsPanel, PendingList } from './activity.js';
import { SignalClient, signalURL } from './connection.js';
import { bindControls } from './controls.js';
import { formatNumber } from './dom.js';
import { createEditor } from './editing.js';
import { createInbox } from './inbox.js';
import { DEVICE_STYLES, connectionStyle } from './palette.js';
import { ConnectionForm, DetailsPanel, DeviceList } from './panels.js';
import { PlanView } from './planview.js';
import { commands, isSceneRef, joinMessage } from './protocol.js';
import { QualityPanel } from './quality.js';
import { RemoteController } from './remote.js';
import { SceneModel } from './scene.js';
import { loadSettings, resume, setURLParameter } from './settings.js';
import { buildLegend, renderStatus as paintStatus } from './statusbar.js';

const $ = (id) => document.getElementById(id);

const settings = loadSettings();
document.body.classList.toggle('kiosk', settings.kiosk);

// MARK: State

const scene = new SceneModel();
const session = {
  participant: null, // our participant id, from `joined`
  joinedRole: null,
  status: 'connecting',
  live: false, // joined and holding a current state:full
  inspected: null, // an observer's locally focused device
  outOfSyncTimer: null,
  retryAt: 0,
  stoppedReason: '',
  iceServers: [],
  videoRequested: settings.mode !== 'local', // this join asks for media:video
  videoOffered: false, // the server sent an offer for this join
  offerTimer: null,
  offerExpired: false, // no offer came within OFFER_WAIT_MS of joining
  videoStalled: false, // an offer came but no frame followed within FRAME_WAIT_MS
  openedAt: null, // performance.now() when the WebSocket opened, for the first-frame time
  resumed: false, // camera and selection restored after this join
};
const errors = []; // the latest server errors, for the console and automated checks
const dragRefs = new Map(); // command id -> device id whose drop preview waits for it

// MARK: Views

const log = new ActivityLog($('log'), $('toasts'));
const pending = new PendingList($('pending'), $('pending-count'));
const participants = new ParticipantsPanel($('participants'), $('participant-count'));

const plan = new PlanView($('plan-canvas'), {
  onSelect: (id) => (id ? pick(id, { from: 'plan' }) : clearSelection()),
  onDrop: (id, position) => moveDevice(id, position),
  onHover: (id, world) => showReadout(id, world),
});
plan.setScene(scene);

const deviceList = new DeviceList({
  search: $('device-search'),
  list: $('device-list'),
  count: $('device-count'),
  onPick: (id) => pick(id, { from: 'list' }),
});

const details = new DetailsPanel($('details'), {
  rename: (id, name) => send(commands.rename(id, name), `rename to “${name}”`),
  move: (id, position) => moveDevice(id, position),
  remove: (id) => removeDevice(id),
  disconnect: (id) => removeConnection(id),
  pick: (id) => pick(id, { from: 'details' }),
});

const connectionForm = new ConnectionForm($('connection-form'), {
  create: (source, target, kind, direction) =>
    send(
      commands.connect(source, target, kind, direction),
      `${connectionStyle(kind).label.toLowerCase()} ${scene.deviceName(source)} → ${scene.deviceName(target)}`,
    ),
});

buildLegend();

const remote = new RemoteController(
  { video: $('remote-video'), marker: $('walk-marker'), announce: $('remote-announce') },
  {
    scene,
    me: () => myParticipant(),
    canEdit: () => canEdit(),
    sendSignal: (m) => client.send(m),
    rejoin: () => client.reconnect(), // a resized panel asks for its new video size
    sendCommand: (c) => sendCommand(c),
    edit: (c, label) => send(c, label),
    pick: (id) => pick(id, { from: 'video' }),
    clear: () => clearSelection(),
    onMessage: (m) => inbox.handleMessage(m),
    onChange: () => {
      quality.renderLatency();
      renderStatus();
      renderMode();
    },
    onMediaFailed: () => {
      log.warn('The video connection failed; reconnecting.');
      client.reconnect();
    },
  },
);

const quality = new QualityPanel($('quality'), {
  media: () => remote.media,
  latency: () => remote.latency.summary(),
  context: () => ({ scene: scene.id, participant: session.participant, mode: viewMode(), role: myRole() }),
  onProbe: () => remote.latency.run().catch((error) => log.warn(`Latency test failed: ${error.message}`)),
});

// MARK: Connection

const client = new SignalClient({
  url: signalURL(),
  makeJoin: () => {
    session.videoRequested = settings.mode !== 'local';
    renderMode(); // the video element must be laid out to measure it
    const video = session.videoRequested ? remote.measure() : null;
    return joinMessage({ scene: settings.scene, role: settings.role, name: settings.name, actor: settings.actor, video });
  },
  onMessage: (message) => inbox.handleMessage(message),
  onStatus: handleStatus,
});
const inbox = createInbox({
  session, scene, log, plan, pending, dragRefs, errors, remote, client,
  render, renderAll, renderStatus, renderMode, setRequestedRole,
  me: () => myParticipant(), role: () => myRole(), canEdit: () => canEdit(),
  send: (c, label) => send(c, label), sendCommand: (c) => sendCommand(c),
});

function handleStatus(status, detail) {
  const wasLive = session.live;
  session.status = status;
  if (status === 'open') session.openedAt = performance.now();
  if (status !== 'open') {
    session.live = false;
    session.participant = null;
    session.videoOffered = false;
    clearTimeout(session.offerTimer);
    remote.closeMedia();
    inbox.reset();
    if (wasLive || pending.size) dropInFlight();
  }
  if (status === 'waiting') {
    session.retryAt = detail.retryAt;
    const wait = formatNumber(detail.delay / 1000, 1);
    log.info(wasLive ? `Disconnected (${detail.reason}); reconnecting in ${wait} s.` : `Could not connect (${detail.reason}); retrying in ${wait} s.`);
  }
  if (status === 'stopped') session.stoppedReason = detail.reason ?? '';
  renderStatus();
  renderEditability();
  renderSelection();
  renderMode();
}

/** Commands in flight when the socket dropped may or may not have been applied: the fresh state:full will tell. */
function dropInFlight() {
  const lost = pending.clear();
  dragRefs.clear();
  plan.clearOverrides();
  if (lost.length) log.warn(`The connection dropped before ${lost.length} command(s) were confirmed; the reloaded scene shows what was applied.`);
}

// MARK: Commands

const editor = createEditor({
  scene,
  session,
  client,
  media: () => remote.media,
  plan,
  deviceList,
  pending,
  log,
  dragRefs,
  renderSelection: () => renderSelection(),
});
const { myParticipant, myRole, canEdit, send, sendCommand, focusedDevice, pick, clearSelection } = editor;
const { moveDevice, removeDevice, removeConnection, editBlockReason } = editor;

// MARK: Rendering

function renderAll() {
  render({ devices: true, connections: true, participants: true, scene: true });
}

function render(changed) {
  if (changed.devices || changed.connections) plan.refresh();
  if (changed.scene) {
    $('scene-name').textContent = scene.name || 'Untitled scene';
    $('scene-version').textContent = String(scene.version);
    document.title = `${scene.name || 'Scene'} · Scenecast`;
  }
  if (changed.devices) connectionForm.update(scene, focusedDevice(), true);
  if (changed.participants) participants.render(scene, session.participant, settings.name);
  if (session.inspected && !scene.devices.has(session.inspected)) session.inspected = null;
  renderSelection(changed);
  renderEditability();
  if (changed.participants) {
    renderStatus();
    const me = myParticipant();
    if (me && session.live && session.resumed) resume.save(scene.id, { camera: me.camera, selection: me.selection });
    remote.placeMarker();
  }
  $('plan-summary').textContent = `${scene.name}: ${scene.devices.size} devices, ${scene.connections.size} connections.`;
}

let shownSelection = { focus: undefined, editable: undefined };

/** Redraws what depends on the selection; with `changed`, only what those changes can affect
 *  (participant updates such as pointer moves arrive often). */
function renderSelection(changed = null) {
  const focus = focusedDevice();
  const editable = canEdit();
  const moved = !changed || focus !== shownSelection.focus || editable !== shownSelection.editable;
  shownSelection = { focus, editable };
  if (moved || changed.participants) {
    const others = new Map();
    for (const p of scene.participants.values()) {
      if (p.id !== session.participant && p.selection) others.set(p.selection, p.role);
    }
    const mine = myParticipant()?.selection ?? null;
    plan.setHighlights({ mine, others, inspected: myRole() === 'driver' ? null : session.inspected });
  }
  if (moved || changed.devices) deviceList.update(scene, focus);
  if (moved || changed.devices || changed.connections) details.render(scene, focus, editable);
  if (moved) connectionForm.update(scene, focus, false);
}

function renderEditability() {
  const editable = canEdit();
  plan.setEditable(editable);
  for (const fieldset of document.querySelectorAll('fieldset.edit-controls')) fieldset.disabled = !editable;
  const note = $('edit-note');
  note.hidden = editable;
  note.textContent = editable ? '' : `Editing is off: ${editBlockReason()}`;
  $('role-select').value = settings.role;
}

function renderStatus() {
  let note = '';
  const playing = remote.media?.firstFrameAt != null;
  if (session.live && session.videoRequested) {
    note = playing ? 'video' : session.offerExpired || session.videoStalled ? 'no video' : 'waiting for video';
  }
  paintStatus(session, myRole(), note);
}

/** 'remote' while the server streams (or may still stream) this view, else 'local'. */
function viewMode() {
  if (settings.mode === 'local') return 'local';
  if (settings.mode === 'remote') return 'remote';
  if (session.videoStalled && !remote.media?.firstFrameAt) return 'local';
  return session.videoOffered || (session.videoRequested && !session.offerExpired) ? 'remote' : 'local';
}

function renderMode() {
  const mode = viewMode();
  $('remote-section').hidden = mode !== 'remote';
  $('plan-section').hidden = mode !== 'local';
  document.body.dataset.mode = mode;
  for (const radio of document.querySelectorAll('input[name="view-mode"]')) radio.checked = radio.value === settings.mode;
  $('follow-driver').hidden = mode !== 'remote' || !remote.canFollow();
  if (mode === 'local') plan.resize();
}

$('follow-driver').addEventListener('click', () => remote.follow());

function showReadout(id, world) {
  const readout = $('plan-readout');
  const device = id ? scene.devices.get(id) : null;
  const where = world ? `x ${world[0].toFixed(2)}  z ${world[1].toFixed(2)}` : '';
  readout.textContent = device ? `${device.name} · ${DEVICE_STYLES[device.kind]?.label ?? device.kind} — ${where}` : where;
}

// MARK: Controls

/** The role used for the next join, kept in the URL so a reload keeps it too. */
function setRequestedRole(role) {
  settings.role = role;
  setURLParameter('role', role);
}

bindControls({
  settings,
  session,
  scene,
  log,
  client,
  plan,
  onNameSaved: () => participants.render(scene, session.participant, settings.name),
  setRequestedRole,
  clearSelection,
  removeSelected: () => {
    const id = myRole() === 'driver' ? myParticipant()?.selection : null;
    if (id) removeDevice(id);
    else if (!canEdit()) log.warn(`Nothing removed: ${editBlockReason() || 'select a device first.'}`);
  },
  renderStatus,
});
renderAll();
// For the browser console and automated checks: the live objects, read-only handle.
window.scenecast = Object.freeze({
  scene,
  session,
  plan,
  client,
  pending,
  remote,
  errors,
  /** Sends a raw command envelope the way the client's own commands go. */
  sendCommand: (command) => sendCommand(command),
  get mode() {
    return viewMode();
  },
  get latency() {
    return remote.latency.summary();
  },
  get quality() {
    return quality.quality;
  },
  get timing() {
    const first = remote.media?.firstFrameAt ?? null;
    return { openedAt: session.openedAt, firstFrameAt: first, firstFrameMs: first !== null && session.openedAt !== null ? first - session.openedAt : null };
  },
});
renderMode();
if (isSceneRef(settings.scene)) {
  client.start();
} else {
  client.stop(`“${settings.scene}” is not a scene id (a UUID) or “demo”`);
  log.error('invalid_id', 'The ?scene= parameter must be a scene id (a UUID) or “demo”.');
}
