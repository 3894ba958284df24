// Scenecast replay page (/replay.html?session=<id>): opens a replay of a recorded session
// over /signal (`replay:open`), shows the server's video of it through WebRTC, and drives
// it with replay:seek / play / pause / step / speed. Open it in a second tab beside the
// live view to compare then and now.

import { signalURL } from './connection.js';
import { MediaSession } from './rtc.js';
import { Timeline } from './timeline.js';

const $ = (id) => document.getElementById(id);
const status = $('replay-status');
const play = $('replay-play');
const speed = $('replay-speed');
const position = $('replay-position');
const controls = [play, speed, $('replay-back'), $('replay-forward')];

let socket = null;
let media = null;
let state = null; // the latest replay:state
// For automated checks: states seen, errors, and the last seek's timing as this page saw
// it (ms from sending replay:seek to its replay:state, and to the first frame shown after).
const replay = { errors: [], states: 0, seekStateMs: null, seekFrameMs: null };
window.scenecastReplay = replay;

const timeline = new Timeline({
  range: $('replay-seek'),
  canvas: $('replay-marks'),
  onSeek: (micros) => {
    replay.seekSentAt = performance.now();
    send({ type: 'replay:seek', at: offsetText(micros - state.span.startUs) });
  },
});

// An offset from the session's start as exact seconds with microseconds (`12.000347s`):
// rounding to milliseconds could land just before the last event and miss it.
function offsetText(micros) {
  const us = Math.max(0, Math.round(micros));
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}s`;
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function setStatus(text) {
  status.textContent = text;
}

function showState(message) {
  const first = state === null;
  state = message;
  replay.states += 1;
  replay.version = message.version;
  replay.lastVersion = message.span.lastVersion;
  if (first || message.marks) timeline.setSpan(message.span, message.marks);
  stateAt = performance.now();
  timeline.show(message.playheadUs ?? message.sceneTimeUs);
  if (message.playing && !gliding) {
    gliding = true;
    requestAnimationFrame(glide);
  }
  for (const control of controls) control.disabled = false;
  play.textContent = message.playing ? '⏸ Pause' : '▶ Play';
  play.setAttribute('aria-label', message.playing ? 'Pause' : 'Play');
  speed.value = String(message.speed);
  position.textContent = `version ${message.version} of ${message.span.firstVersion}–${message.span.lastVersion}, ${message.sceneTime}`;
}

// While playing, the server sends at most about five states a second; between them the
// timeline's handle glides on at the playing speed, never past the session's end.
let stateAt = 0;
let gliding = false; // one animation loop at a time
function glide() {
  if (!state?.playing) {
    gliding = false;
    return;
  }
  const elapsedUs = (performance.now() - stateAt) * 1000 * state.speed;
  timeline.show(Math.min(state.span.endUs, (state.playheadUs ?? state.sceneTimeUs) + elapsedUs));
  requestAnimationFrame(glide);
}

function receive(message) {
  switch (message.type) {
    case 'replay:state':
      showState(message);
      timeSeek();
      break;
    case 'replay:error':
      replay.errors.push(message);
      setStatus(`${message.message} (${message.code})`);
      break;
    case 'offer':
      media?.acceptOffer(message.sdp).catch((error) => setStatus(`Video negotiation failed: ${error}`));
      break;
    case 'ice':
      media?.remoteCandidate(message);
      break;
    case 'error':
      setStatus(`${message.message ?? 'error'} (${message.code ?? 'error'})`);
      break;
    default:
      break;
  }
}

/** The first replay:state after a seek answers it; the next frame shown is its picture. */
function timeSeek() {
  const sentAt = replay.seekSentAt;
  if (sentAt == null) return;
  replay.seekSentAt = null;
  replay.seekStateMs = performance.now() - sentAt;
  const video = $('replay-video');
  video.requestVideoFrameCallback?.((now, meta) => {
    replay.seekFrameMs = Math.max(now, meta?.expectedDisplayTime ?? 0) - sentAt;
  });
}

function open(session) {
  socket?.close();
  media?.close?.();
  state = null;
  setStatus('Opening…');
  socket = new WebSocket(signalURL());
  media = new MediaSession({
    video: $('replay-video'),
    iceServers: [],
    sendSignal: send,
    onMessage: receive,
    onState: (s) => setStatus(s === 'frame' || s === 'connected' ? 'Replaying' : `Video: ${s}`),
  });
  socket.addEventListener('open', () => {
    const video = $('replay-video');
    const width = Math.min(1920, Math.max(320, Math.round((video.clientWidth || 1280) / 2) * 2));
    send({ type: 'replay:open', session, width, height: Math.round((width * 9) / 32) * 2 });
  });
  socket.addEventListener('message', (event) => {
    try {
      receive(JSON.parse(event.data));
    } catch (error) {
      console.warn('scenecast: unreadable message', error);
    }
  });
  socket.addEventListener('close', () => setStatus('Disconnected'));
}

play.addEventListener('click', () => send(state?.playing ? { type: 'replay:pause' } : { type: 'replay:play', speed: Number(speed.value) }));
$('replay-back').addEventListener('click', () => send({ type: 'replay:step', direction: -1 }));
$('replay-forward').addEventListener('click', () => send({ type: 'replay:step', direction: 1 }));
speed.addEventListener('change', () => send({ type: 'replay:speed', speed: Number(speed.value) }));
document.addEventListener('keydown', (event) => {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement || !state) return;
  if (event.key === ' ' || event.key === 'k') play.click();
  else if (event.key === ',') $('replay-back').click();
  else if (event.key === '.') $('replay-forward').click();
  else return;
  event.preventDefault();
});

$('replay-open').addEventListener('submit', (event) => {
  event.preventDefault();
  const session = $('replay-session').value.trim();
  const url = new URL(window.location.href);
  url.searchParams.set('session', session);
  window.history.replaceState(null, '', url);
  open(session);
});

const initial = new URLSearchParams(window.location.search).get('session');
if (initial) {
  $('replay-session').value = initial;
  open(initial);
} else {
  setStatus('Give a session id to replay');
}
