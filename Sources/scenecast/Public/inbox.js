// Messages from the server, over the WebSocket or the `commands` data channel: joining,
// the WebRTC offer and candidates, scene state, acks and errors.

import { FATAL_JOIN_CODES, commands } from './protocol.js';
import { resume } from './settings.js';

const GAP_GRACE_MS = 2000;
const OFFER_WAIT_MS = 5000; // in auto mode, how long to wait for video before drawing locally
const FRAME_WAIT_MS = 10_000; // and for the first frame after the offer

export function createInbox(app) {
  const { session, scene, log, plan, pending, dragRefs, errors, remote, client } = app;
  const early = new Map(); // first version -> state:update that arrived ahead of its predecessor

  function handleMessage(message) {
    switch (message.type) {
      case 'joined':
        session.participant = message.participant;
        session.joinedRole = message.role;
        session.iceServers = message.iceServers ?? [];
        session.resumed = false;
        replayLink(message.session);
        log.info(`Joined as ${message.role}.`);
        if (session.videoRequested) {
          clearTimeout(session.offerTimer);
          session.offerExpired = false;
          session.offerTimer = setTimeout(() => {
            session.offerExpired = true;
            if (!session.videoOffered) log.info('The server sent no video; the plan is drawn in this browser.');
            app.renderMode();
            app.renderStatus();
          }, OFFER_WAIT_MS);
        }
        break;
      case 'offer':
        session.videoOffered = true;
        session.videoStalled = false;
        clearTimeout(session.offerTimer);
        remote.offer(message, session.iceServers);
        // In auto mode, a stream that never shows a frame gives way to the local plan.
        session.offerTimer = setTimeout(() => {
          if (remote.media?.firstFrameAt !== null) return;
          session.videoStalled = true;
          log.warn('No video frame arrived within 10 s of the offer.');
          app.renderMode();
          app.renderStatus();
        }, FRAME_WAIT_MS);
        app.renderMode();
        break;
      case 'ice':
        remote.ice(message);
        break;
      case 'view':
        remote.viewChanged(message);
        break;
      case 'state:full':
        receiveFull(message);
        break;
      case 'state:update':
        receiveUpdate(message);
        break;
      case 'presence':
        if (scene.loaded) app.render(scene.applyPresence(message));
        break;
      case 'ack':
        settle(message.ref);
        break;
      case 'error':
        receiveError(message);
        break;
      default:
        break; // later protocol additions
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
    early.clear();
    if (wasLive) log.info(`Scene reloaded at version ${scene.version}.`);
    app.renderAll();
    app.renderStatus();
    resumeView();
  }

  /** After a (re)join, puts back this tab's last camera and selection. */
  function resumeView() {
    const me = app.me();
    if (session.resumed || !me) return;
    session.resumed = true;
    const saved = resume.load(scene.id);
    if (!saved) return;
    if (saved.camera && JSON.stringify(saved.camera) !== JSON.stringify(me.camera)) app.sendCommand(commands.camera(saved.camera));
    if (saved.selection && scene.devices.has(saved.selection) && app.canEdit()) app.send(commands.select(saved.selection), 'resume');
  }

  function receiveUpdate(message) {
    const myRoleBefore = app.role();
    const result = scene.applyUpdate(message);
    if (result.status === 'stale') return;
    if (result.status === 'gap' && scene.loaded && message.version > scene.version) {
      // The data channel and the WebSocket can overtake each other: hold it for its turn.
      early.set(message.from ?? message.version - (message.changes?.length ?? 0) + 1, message);
    }
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
    const myRoleAfter = app.role();
    if (myRoleBefore === 'driver' && myRoleAfter === 'observer') {
      // Stay an observer across reconnects rather than take the scene back unasked.
      app.setRequestedRole('observer');
      log.warn('Another driver joined: you are observing now. Choose Driver as your role to edit again.');
    }
    app.render(result.changed);
    const next = early.get(scene.version + 1);
    if (next) {
      early.delete(scene.version + 1);
      receiveUpdate(next);
    } else if (!early.size) {
      clearTimeout(session.outOfSyncTimer);
      session.outOfSyncTimer = null;
    }
  }

  function receiveError(message) {
    const entry = message.ref ? pending.resolve(message.ref) : null;
    errors.push({ ref: message.ref ?? null, code: message.code, message: message.message, at: Date.now() });
    if (errors.length > 50) errors.shift();
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

  /** Forgets held updates (the connection dropped; a fresh state:full comes next). */
  function reset() {
    early.clear();
  }

  return { handleMessage, reset };
}

/** Points "Replay this session" at a replay of this session, in a tab of its own. */
function replayLink(sessionID) {
  const link = document.getElementById('replay-link');
  if (!link || !sessionID) return;
  link.href = `replay.html?session=${encodeURIComponent(sessionID)}`;
  link.hidden = false;
}
