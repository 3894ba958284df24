// Scenecast web client (local render): joins a scene over /signal, keeps a copy of it from
// state:full and state:update, draws the plan itself and sends the driver's edits as commands.

import { ActivityLog, ParticipantsPanel, PendingList } from './activity.js';
import { SignalClient, signalURL } from './connection.js';
import { el, formatNumber } from './dom.js';
import { ConnectionForm, DetailsPanel, DeviceList } from './panels.js';
import { CONNECTION_STYLES, DEVICE_STYLES, connectionStyle } from './palette.js';
import { PlanView } from './planview.js';
import { FATAL_JOIN_CODES, ROLES, commands, isSceneRef, isUUID, joinMessage, nameProblem, newUUID } from './protocol.js';
import { SceneModel } from './scene.js';

const $ = (id) => document.getElementById(id);
const GAP_GRACE_MS = 2000;

// MARK: Settings from the URL and this browser

const storage = {
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch {
      /* private mode: the value lives for this page only */
    }
  },
};

const params = new URLSearchParams(location.search);
const settings = {
  scene: params.get('scene') || 'demo',
  role: ROLES.includes(params.get('role')) ? params.get('role') : 'driver',
  name: storage.get('scenecast.name') ?? '',
  actor: storage.get('scenecast.actor'),
};
if (!isUUID(settings.actor)) {
  settings.actor = newUUID();
  storage.set('scenecast.actor', settings.actor);
}

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
};
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

// MARK: Connection

const client = new SignalClient({
  url: signalURL(),
  makeJoin: () => joinMessage({ scene: settings.scene, role: settings.role, name: settings.name, actor: settings.actor }),
  onMessage: handleMessage,
  onStatus: handleStatus,
});

function handleStatus(status, detail) {
  const wasLive = session.live;
  session.status = status;
  if (status !== 'open') {
    session.live = false;
    session.participant = null;
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
}

/** Commands in flight when the socket dropped may or may not have been applied: the fresh state:full will tell. */
function dropInFlight() {
  const lost = pending.clear();
  dragRefs.clear();
  plan.clearOverrides();
  if (lost.length) log.warn(`The connection dropped before ${lost.length} command(s) were confirmed; the reloaded scene shows what was applied.`);
}

function handleMessage(message) {
  switch (message.type) {
    case 'joined':
      session.participant = message.participant;
      session.joinedRole = message.role;
      log.info(`Joined as ${message.role}.`);
      break;
    case 'state:full':
      receiveFull(message);
      break;
    case 'state:update':
      receiveUpdate(message);
      break;
    case 'ack':
      settle(message.ref);
      break;
    case 'error':
      receiveError(message);
      break;
    default:
      break; // later protocol additions (WebRTC signalling) are not for this client
  }
}

function receiveFull(message) {
  const wasLive = scene.loaded;
  scene.loadFull(message);
  clearTimeout(session.outOfSyncTimer);
  session.outOfSyncTimer = null;
  session.live = session.participant !== null;
  client.markHealthy();
  plan.clearOverrides();
  plan.fit({ ifFirst: true });
  if (wasLive) log.info(`Scene reloaded at version ${scene.version}.`);
  renderAll();
  renderStatus();
}

function receiveUpdate(message) {
  const myRoleBefore = myRole();
  const result = scene.applyUpdate(message);
  if (result.status === 'stale') return;
  if (result.status === 'gap') {
    // Normally a state:full follows at once (the server rebuilt its state); if not, rejoin.
    if (!session.outOfSyncTimer) {
      session.outOfSyncTimer = setTimeout(() => {
        session.outOfSyncTimer = null;
        log.warn('Missed scene updates; reconnecting to reload the scene.');
        client.reconnect();
      }, GAP_GRACE_MS);
    }
    return;
  }
  for (const op of result.unknown) log.warn(`Ignored an unknown change “${op}”.`);
  if (message.ref) {
    pending.applied(message.ref);
    dropPreview(message.ref);
  }
  const myRoleAfter = myRole();
  if (myRoleBefore === 'driver' && myRoleAfter === 'observer') {
    // Stay an observer across reconnects rather than take the scene back unasked.
    setRequestedRole('observer');
    log.warn('Another driver joined: you are observing now. Choose Driver as your role to edit again.');
  }
  render(result.changed);
}

function receiveError(message) {
  const entry = message.ref ? pending.resolve(message.ref) : null;
  if (message.ref) dropPreview(message.ref);
  if (!session.participant) {
    log.error(message.code, message.message, 'Could not join');
    if (FATAL_JOIN_CODES.has(message.code)) client.stop(`${message.code}: ${message.message}`);
    else client.reconnect();
    return;
  }
  log.error(message.code, message.message, entry ? `${entry.type} (${entry.label})` : null);
}

function settle(ref) {
  pending.resolve(ref);
  dropPreview(ref);
}

function dropPreview(ref) {
  const id = dragRefs.get(ref);
  if (!id) return;
  dragRefs.delete(ref);
  plan.setOverride(id, null);
}

// MARK: Commands

function myParticipant() {
  return session.participant ? scene.participants.get(session.participant) : null;
}

function myRole() {
  return myParticipant()?.role ?? session.joinedRole;
}

function canEdit() {
  return session.live && client.isOpen && myRole() === 'driver';
}

/** Sends a command; it stays in the pending list until its ack or error. */
function send(command, label) {
  if (!canEdit()) {
    log.warn(`Not sent (${command.type}): ${editBlockReason()}`);
    return null;
  }
  if (!client.send(command)) {
    log.warn(`Not sent (${command.type}): the connection is down.`);
    return null;
  }
  pending.add(command.id, command.type, label);
  return command.id;
}

/** The device the panels show: the driver's selection, or what an observer looks at. */
function focusedDevice() {
  if (myRole() === 'driver') return myParticipant()?.selection ?? null;
  return session.inspected ?? driverSelection();
}

function driverSelection() {
  for (const p of scene.participants.values()) if (p.role === 'driver' && p.selection) return p.selection;
  return null;
}

function pick(id, { from }) {
  if (!scene.devices.has(id)) return;
  if (from !== 'plan') plan.reveal(id);
  if (from !== 'list') deviceList.reveal(id);
  if (myRole() === 'driver' && canEdit()) {
    if (myParticipant()?.selection !== id) send(commands.select(id), scene.deviceName(id));
    return;
  }
  session.inspected = id;
  renderSelection();
}

function clearSelection() {
  session.inspected = null;
  if (canEdit() && myParticipant()?.selection) send(commands.select(null), 'clear selection');
  renderSelection();
}

function moveDevice(id, position) {
  const device = scene.devices.get(id);
  if (!device) return;
  if (canEdit() && myParticipant()?.selection !== id) send(commands.select(id), device.name);
  const ref = send(commands.drag(id, position), `${device.name} to ${position.map((v) => formatNumber(v)).join(', ')}`);
  if (ref) {
    dragRefs.set(ref, id);
    plan.setOverride(id, position);
  } else {
    plan.setOverride(id, null);
  }
}

function removeDevice(id) {
  if (!scene.devices.has(id)) return;
  send(commands.remove(id), scene.deviceName(id));
}

function removeConnection(id) {
  const c = scene.connections.get(id);
  if (!c) return;
  send(commands.disconnect(id), `${scene.deviceName(c.source)} → ${scene.deviceName(c.target)}`);
}

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
  if (changed.participants) renderStatus();
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

function editBlockReason() {
  if (!session.live) return 'you are offline; edits resume once the scene is back.';
  if (myRole() !== 'driver') return 'you are observing. Switch the role to Driver to edit.';
  return '';
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
  const status = $('connection-status');
  const retry = $('retry-button');
  let text;
  let kind = session.status;
  switch (session.status) {
    case 'connecting':
      text = 'Connecting…';
      break;
    case 'open':
      text = session.live ? `Live · ${myRole() ?? ''}` : 'Joining…';
      kind = session.live ? 'live' : 'connecting';
      break;
    case 'waiting':
      text = 'Offline · reconnecting';
      break;
    case 'stopped':
      text = `Stopped · ${session.stoppedReason}`;
      break;
    default:
      text = session.status;
  }
  // The live region changes only with the state; the countdown beside it is not announced.
  if (status.textContent !== text) status.textContent = text;
  status.className = `status status-${kind}`;
  const seconds = Math.max(0, Math.ceil((session.retryAt - Date.now()) / 1000));
  $('retry-countdown').textContent = session.status === 'waiting' ? `in ${seconds} s` : '';
  retry.hidden = !(session.status === 'waiting' || session.status === 'stopped');
}

function showReadout(id, world) {
  const readout = $('plan-readout');
  const device = id ? scene.devices.get(id) : null;
  const where = world ? `x ${world[0].toFixed(2)}  z ${world[1].toFixed(2)}` : '';
  readout.textContent = device ? `${device.name} · ${DEVICE_STYLES[device.kind]?.label ?? device.kind} — ${where}` : where;
}

function buildLegend() {
  $('legend-devices').replaceChildren(
    ...Object.values(DEVICE_STYLES).map((s) =>
      el('li', {}, el('span', { class: 'swatch', 'aria-hidden': 'true', style: `--fill:${s.fill};--stroke:${s.stroke}` }), s.label),
    ),
  );
  $('legend-connections').replaceChildren(
    ...Object.values(CONNECTION_STYLES).map((s) =>
      el('li', {}, el('span', { class: 'line-swatch', 'aria-hidden': 'true', style: `--color:${s.color}` }), s.label),
    ),
  );
}

// MARK: Controls

/** The role used for the next join, kept in the URL so a reload keeps it too. */
function setRequestedRole(role) {
  settings.role = role;
  const url = new URL(location.href);
  url.searchParams.set('role', role);
  history.replaceState(null, '', url);
}

function bindControls() {
  const nameInput = $('name-input');
  nameInput.value = settings.name;
  nameInput.addEventListener('change', () => {
    const name = nameInput.value.trim();
    const problem = nameProblem(name, { allowEmpty: true });
    if (problem) {
      log.warn(problem);
      nameInput.value = settings.name;
      return;
    }
    settings.name = name;
    storage.set('scenecast.name', name);
    log.info('Name saved; it is sent when you next join.');
    participants.render(scene, session.participant, settings.name);
  });
  $('identity-form').addEventListener('submit', (e) => e.preventDefault());

  $('role-select').addEventListener('change', (e) => {
    setRequestedRole(e.target.value);
    log.info(`Rejoining as ${settings.role}…`);
    client.restart();
  });

  $('retry-button').addEventListener('click', () => (session.status === 'stopped' ? client.start() : client.retryNow()));
  $('zoom-in').addEventListener('click', () => plan.zoomBy(1.25));
  $('zoom-out').addEventListener('click', () => plan.zoomBy(0.8));
  $('zoom-fit').addEventListener('click', () => plan.fit());

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target;
    const typing =
      t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || t.isContentEditable;
    // Escape in the (already empty) search box still clears the selection.
    if (typing && !(e.key === 'Escape' && t === $('device-search'))) return;
    if (e.key === 'Escape') {
      clearSelection();
      e.preventDefault();
    } else if (e.key === 'Delete' || (e.key === 'Backspace' && t === $('plan-canvas'))) {
      const id = myRole() === 'driver' ? myParticipant()?.selection : null;
      if (id) removeDevice(id);
      else if (!canEdit()) log.warn(`Nothing removed: ${editBlockReason() || 'select a device first.'}`);
      e.preventDefault();
    }
  });

  window.addEventListener('online', () => client.retryNow());
  window.addEventListener('pagehide', () => client.stop('page closed'));
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) client.start();
  });
  setInterval(() => session.status === 'waiting' && renderStatus(), 500);
}

bindControls();
renderAll();
// For the browser console and automated checks: the live objects, read-only handle.
window.scenecast = Object.freeze({ scene, session, plan, client, pending });
if (isSceneRef(settings.scene)) {
  client.start();
} else {
  client.stop(`“${settings.scene}” is not a scene id (a UUID) or “demo”`);
  log.error('invalid_id', 'The ?scene= parameter must be a scene id (a UUID) or “demo”.');
}
