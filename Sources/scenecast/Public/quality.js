// The connection-quality panel: RTT, frame rate, bitrate, packet loss and decode time from
// getStats() once a second, the measured input latency, and the same figures POSTed to
// /api/metrics every 5 s.

import { el, formatNumber } from './dom.js';

const POLL_MS = 1000;
const REPORT_MS = 5000;

/** Derived figures from two successive inbound-rtp / candidate-pair snapshots. Pure. */
export function deriveQuality(previous, current) {
  const inbound = current?.inbound;
  if (!inbound) return null;
  const prev = previous?.inbound;
  const seconds = prev ? (current.at - previous.at) / 1000 : 0;
  const received = inbound.packetsReceived ?? 0;
  const lost = Math.max(0, inbound.packetsLost ?? 0);
  const q = {
    width: inbound.frameWidth ?? 0,
    height: inbound.frameHeight ?? 0,
    framesDecoded: inbound.framesDecoded ?? 0,
    framesDropped: inbound.framesDropped ?? 0,
    fps: inbound.framesPerSecond ?? null,
    bitrateKbps: null,
    lossPercent: received + lost > 0 ? (100 * lost) / (received + lost) : 0,
    decodeMs: inbound.framesDecoded ? (1000 * (inbound.totalDecodeTime ?? 0)) / inbound.framesDecoded : null,
    jitterBufferMs:
      inbound.jitterBufferEmittedCount ? (1000 * (inbound.jitterBufferDelay ?? 0)) / inbound.jitterBufferEmittedCount : null,
    rttMs: current.pair?.currentRoundTripTime !== undefined ? current.pair.currentRoundTripTime * 1000 : null,
    decoder: inbound.decoderImplementation ?? '',
    codec: '',
  };
  if (prev && seconds > 0) {
    q.bitrateKbps = (8 * ((inbound.bytesReceived ?? 0) - (prev.bytesReceived ?? 0))) / seconds / 1000;
    if (q.fps === null) q.fps = ((inbound.framesDecoded ?? 0) - (prev.framesDecoded ?? 0)) / seconds;
  }
  return q;
}

export class QualityPanel {
  /**
   * @param {HTMLElement} root the panel's body
   * @param {{media(): import('./rtc.js').MediaSession|null, latency(): object, context(): object,
   *          onProbe(): void}} sources
   */
  constructor(root, sources) {
    this.root = root;
    this.sources = sources;
    this.previous = null;
    this.quality = null;
    this.metricsRoute = true;
    this.values = new Map();
    const rows = [
      ['size', 'Video size'],
      ['fps', 'Frame rate'],
      ['bitrate', 'Bitrate'],
      ['rtt', 'Round trip'],
      ['loss', 'Packet loss'],
      ['decode', 'Decode time'],
      ['frames', 'Frames decoded'],
      ['latency', 'Input latency p50 / p95 / p99'],
    ];
    const list = el('dl', { class: 'facts quality' });
    for (const [key, label] of rows) {
      const value = el('dd', { id: `quality-${key}`, text: '—' });
      this.values.set(key, value);
      list.append(el('dt', { text: label }), value);
    }
    this.probeButton = el('button', {
      type: 'button',
      id: 'latency-run',
      text: 'Measure latency (100 probes)',
      'aria-label': 'Measure the input-to-photon latency with 100 probes',
      on: { click: () => sources.onProbe() },
    });
    this.note = el('p', { class: 'hint', id: 'quality-note', text: 'No video yet.' });
    root.replaceChildren(list, this.probeButton, this.note);
    setInterval(() => this.poll(), POLL_MS);
    setInterval(() => this.report(), REPORT_MS);
  }

  async poll() {
    const media = this.sources.media();
    if (!media) {
      this.previous = null;
      this.quality = null;
      this.note.textContent = 'No video: the local plan view draws the scene in this browser.';
      this.renderLatency();
      return;
    }
    let current;
    try {
      current = await media.stats();
    } catch {
      return;
    }
    this.quality = deriveQuality(this.previous, current);
    this.previous = current;
    this.render();
  }

  set(key, text) {
    const node = this.values.get(key);
    if (node.textContent !== text) node.textContent = text;
  }

  render() {
    const q = this.quality;
    const n = (v, unit, digits = 1) => (v === null || v === undefined ? '—' : `${formatNumber(v, digits)} ${unit}`);
    this.note.textContent = q ? (q.decoder ? `Decoder: ${q.decoder}.` : '') : 'Waiting for video…';
    this.set('size', q?.width ? `${q.width} × ${q.height}` : '—');
    this.set('fps', n(q?.fps, 'fps'));
    this.set('bitrate', q?.bitrateKbps === null || !q ? '—' : `${formatNumber(q.bitrateKbps / 1000, 2)} Mb/s`);
    this.set('rtt', n(q?.rttMs, 'ms'));
    this.set('loss', q ? `${formatNumber(q.lossPercent, 2)} %` : '—');
    this.set('decode', n(q?.decodeMs, 'ms', 2));
    this.set('frames', q ? String(q.framesDecoded) : '—');
    this.renderLatency();
  }

  renderLatency() {
    const l = this.sources.latency();
    const ms = (v) => (v === null ? '—' : formatNumber(v, 1));
    const text = l.count ? `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)} ms (${l.count} samples${l.lost ? `, ${l.lost} lost` : ''})` : '—';
    this.set('latency', l.running ? `${text} · measuring…` : text);
    this.probeButton.disabled = l.running || !this.sources.media();
  }

  /** POSTs the latest figures; stops after the server says it has no such route. */
  async report() {
    if (!this.metricsRoute) return;
    const context = this.sources.context();
    if (!context.participant) return;
    const l = this.sources.latency();
    const body = {
      ...context,
      at: Date.now(),
      quality: this.quality,
      latency: { count: l.count, lost: l.lost, p50: l.p50, p95: l.p95, p99: l.p99 },
    };
    try {
      const response = await fetch('/api/metrics', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        keepalive: true,
      });
      if (response.status === 404 || response.status === 405) this.metricsRoute = false;
    } catch {
      /* offline: the next report tries again */
    }
  }
}
