// Input-to-photon latency, measured on the real path. A `latency:probe` bumps the scene's
// probe counter; while it is odd the server draws the probe marker, a 32x32 square in the
// frame's top-left corner (black left half, white right half), and while it is even it
// draws nothing there. Probes therefore go in pairs: the first shows the marker, the
// second takes it away, so nobody sees it when no probe runs. For each probe we note the
// send time and watch every displayed frame (requestVideoFrameCallback), reading the
// corner's pixels through a small canvas, until the marker appeared or went away.

export const SAMPLE_LIMIT = 100;
const PROBE_TIMEOUT_MS = 3000;
const MARKER_PX = 32;

/** The q-quantile (0..1) of `values` by the nearest-rank method; null when empty. */
export function percentile(values, q) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}

export class LatencyTester {
  /**
   * @param {{video: HTMLVideoElement, sendProbe(probeId: string): boolean, onChange?(): void}} options
   */
  constructor({ video, sendProbe, onChange }) {
    this.video = video;
    this.sendProbe = sendProbe;
    this.onChange = onChange ?? (() => {});
    this.canvas = document.createElement('canvas');
    this.canvas.width = 4;
    this.canvas.height = 4;
    this.context = this.canvas.getContext('2d', { willReadFrequently: true });
    this.samples = [];
    this.split = [];
    this.lost = 0;
    this.running = false;
    this.sequence = 0;
  }

  /** Mean luma of a `size`-pixel square of the displayed frame at video pixel (x, y). */
  meanLuma(x, y, size) {
    this.context.drawImage(this.video, x, y, size, size, 0, 0, 4, 4);
    const data = this.context.getImageData(0, 0, 4, 4).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    return sum / (data.length / 4);
  }

  /** Whether the displayed frame shows the probe marker (true), not (false), or has no video (null). */
  markerShown() {
    const v = this.video;
    if (!v.videoWidth || !v.videoHeight) return null;
    // Each half's inner part only: encoder blur spreads along the edges.
    const half = MARKER_PX / 2, inset = MARKER_PX / 8, side = half - 2 * inset;
    return this.meanLuma(inset, inset + half / 2, side) < 70 && this.meanLuma(half + inset, inset + half / 2, side) > 185;
  }

  /** The next displayed frame's callback time and metadata. */
  nextFrame() {
    return new Promise((resolve) => this.video.requestVideoFrameCallback((now, meta) => resolve({ now, meta })));
  }

  /** Waits for a frame with video; whether it shows the marker, or null after `ms`. */
  async currentMarker(ms = PROBE_TIMEOUT_MS) {
    const deadline = performance.now() + ms;
    while (performance.now() < deadline) {
      const shown = this.markerShown();
      if (shown !== null) return shown;
      await Promise.race([this.nextFrame(), sleep(100)]);
    }
    return null;
  }

  /** One probe: milliseconds from sending to the first displayed frame where the marker appeared or went away, or null. */
  async probeOnce() {
    const before = await this.currentMarker();
    if (before === null) return null;
    const probeId = `probe-${Date.now().toString(36)}-${++this.sequence}`;
    const framePromise = this.nextFrame();
    const sentAt = performance.now();
    if (!this.sendProbe(probeId)) return null;
    const deadline = sentAt + PROBE_TIMEOUT_MS;
    let frame = framePromise;
    while (performance.now() < deadline) {
      const shown = await Promise.race([frame, sleep(deadline - performance.now()).then(() => null)]);
      if (!shown) break;
      frame = this.nextFrame(); // ask for the next one before reading this one
      if (this.markerShown() === !before) {
        // The compositor's expected display time of this frame is the photon time; the
        // callback time when the browser gives none (or an earlier one).
        const shownAt = Math.max(shown.meta?.expectedDisplayTime ?? 0, shown.now);
        // Where the time went: the frame's last packet arrived at `receiveTime` (WebRTC
        // sources only), so sent → received is the server and the network, the rest the browser.
        const received = shown.meta?.receiveTime;
        if (received && received >= sentAt && received <= shownAt) {
          this.split.push({ received: received - sentAt, browser: shownAt - received });
          if (this.split.length > SAMPLE_LIMIT) this.split.shift();
        }
        return Math.max(0, shownAt - sentAt);
      }
    }
    return null;
  }

  /** Runs `count` probes one after another; resolves with the summary. */
  async run(count = SAMPLE_LIMIT) {
    if (this.running) return this.summary();
    if (!this.video.requestVideoFrameCallback) throw new Error('this browser has no requestVideoFrameCallback');
    this.running = true;
    this.onChange();
    try {
      for (let i = 0; i < count && this.running; i++) {
        this.record(await this.probeOnce());
        // A short random gap, so probes do not lock to the frame clock's phase.
        await sleep(20 + Math.random() * 40);
      }
      // Never leave the marker on screen: an odd count (or a stop) ends with one more probe.
      if ((await this.currentMarker(1000)) === true) this.record(await this.probeOnce());
    } finally {
      this.running = false;
      this.onChange();
    }
    return this.summary();
  }

  /** Counts one probe's result: its milliseconds, or null for a lost one. */
  record(ms) {
    if (ms === null) this.lost += 1;
    else {
      this.samples.push(ms);
      if (this.samples.length > SAMPLE_LIMIT) this.samples.shift();
    }
    this.onChange();
  }

  stop() {
    this.running = false;
  }

  reset() {
    this.samples = [];
    this.split = [];
    this.lost = 0;
    this.onChange();
  }

  summary() {
    const s = this.samples;
    return {
      count: s.length,
      lost: this.lost,
      running: this.running,
      p50: percentile(s, 0.5),
      p95: percentile(s, 0.95),
      p99: percentile(s, 0.99),
      samples: [...s],
      // Medians of the two shares, over the probes whose frame carried a receive time.
      receivedP50: percentile(this.split.map((x) => x.received), 0.5),
      browserP50: percentile(this.split.map((x) => x.browser), 0.5),
    };
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
