// The top bar's connection status and retry countdown, and the plan legend.

import { el } from './dom.js';
import { CONNECTION_STYLES, DEVICE_STYLES } from './palette.js';

const $ = (id) => document.getElementById(id);

/** Shows `session.status` (connecting, open, waiting, stopped) with the role and the video state. */
export function renderStatus(session, role, videoNote) {
  const status = $('connection-status');
  const retry = $('retry-button');
  let text;
  let kind = session.status;
  switch (session.status) {
    case 'connecting':
      text = 'Connecting…';
      break;
    case 'open':
      text = session.live ? `Live · ${role ?? ''}${videoNote ? ` · ${videoNote}` : ''}` : 'Joining…';
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

export function buildLegend() {
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
