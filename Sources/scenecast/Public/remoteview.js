// Input on the remote-rendered video: mouse, touch and keyboard turned into intents
// (orbit, pan, zoom, click, device drag, pointer, walk). The element draws nothing itself;
// the server's frames show every effect.

import { letterbox, toViewPixel } from './camera.js';

/** Cover (crop) instead of letterboxing while the crop is at most this share of a side. */
export const MAX_COVER_CROP = 0.04;

/**
 * Where the picture lies in the element (CSS pixels): covering it, centred and cropped a
 * little, when the shapes differ by at most `MAX_COVER_CROP` (the video's size is rounded
 * to multiples of 8, and panels change a few pixels), so no black band shows; letterboxed
 * (centred, whole) when they differ more, e.g. an observer watching a driver's other-shaped
 * view. `cover` says which, for the element's `object-fit`; `left`/`top` are negative when
 * cropped. Pointer mapping goes through this same box either way.
 */
export function videoFit(elementWidth, elementHeight, videoWidth, videoHeight) {
  const contain = letterbox(elementWidth, elementHeight, videoWidth, videoHeight);
  if (!videoWidth || !videoHeight || !elementWidth || !elementHeight) return { ...contain, cover: false };
  const s = Math.max(elementWidth / videoWidth, elementHeight / videoHeight);
  const width = videoWidth * s;
  const height = videoHeight * s;
  if (Math.max(1 - elementWidth / width, 1 - elementHeight / height) > MAX_COVER_CROP) return { ...contain, cover: false };
  return { left: (elementWidth - width) / 2, top: (elementHeight - height) / 2, width, height, cover: true };
}

const CLICK_SLOP_PX = 4;
const ORBIT_DEG_PER_HEIGHT = 360; // a drag across the picture's height turns the camera a full circle
const KEY_ORBIT_DEG = 5;
const KEY_PAN = 0.05; // view heights per key press
const KEY_ZOOM = 1.15;

export class RemoteView {
  /**
   * @param {HTMLVideoElement} video
   * @param {{viewSize(): {width:number,height:number}, orbit(dAz:number, dEl:number): void,
   *          pan(dx:number, dy:number): void, zoom(factor:number): void, click(p:object): void,
   *          pointer(p:object): void, canDrag(p:object): boolean, drag(p:object, done:boolean): void,
   *          walk(step:number): void, choose(): void, clear(): void}} intents
   */
  constructor(video, intents) {
    this.video = video;
    this.intents = intents;
    this.pointers = new Map(); // pointerId -> [x, y] in element CSS pixels
    this.gesture = null;
    this.releaseTab = false;
    this.bind();
  }

  bind() {
    const v = this.video;
    v.addEventListener('pointerdown', (e) => this.down(e));
    v.addEventListener('pointermove', (e) => this.move(e));
    v.addEventListener('pointerup', (e) => this.up(e));
    v.addEventListener('pointercancel', (e) => this.up(e, true));
    v.addEventListener('contextmenu', (e) => e.preventDefault());
    v.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    v.addEventListener('keydown', (e) => this.key(e));
    v.addEventListener('blur', () => (this.releaseTab = false));
  }

  /** The picture's rectangle in the element, through its cover crop or letterboxing (`videoFit`). */
  box() {
    const rect = this.video.getBoundingClientRect();
    const size = this.intents.viewSize();
    return { rect, fit: videoFit(rect.width, rect.height, this.video.videoWidth || size.width, this.video.videoHeight || size.height) };
  }

  /** A pointer event's position in the view's pixel space, or null on the bars. */
  viewPoint(e) {
    const { rect, fit } = this.box();
    const size = this.intents.viewSize();
    return toViewPixel(e.clientX - rect.left, e.clientY - rect.top, fit, size.width, size.height);
  }

  local(e) {
    const rect = this.video.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  }

  down(e) {
    this.video.focus({ preventScroll: true });
    try {
      this.video.setPointerCapture(e.pointerId);
    } catch {
      /* a pointer the browser no longer tracks: no capture, the gesture still works */
    }
    this.pointers.set(e.pointerId, this.local(e));
    if (this.pointers.size === 2) {
      this.gesture = { kind: 'pinch', ...this.pinch() };
      return;
    }
    if (this.pointers.size > 2) return;
    const start = this.local(e);
    const point = this.viewPoint(e);
    const pan = e.button === 2 || e.button === 1 || e.shiftKey;
    if (!pan && e.pointerType === 'mouse' && point && this.intents.canDrag(point)) {
      this.gesture = { kind: 'press-device', start, last: start, point };
    } else {
      this.gesture = { kind: pan ? 'pan' : 'orbit', start, last: start, moved: false, point };
    }
    e.preventDefault();
  }

  move(e) {
    const now = this.local(e);
    if (this.pointers.has(e.pointerId)) this.pointers.set(e.pointerId, now);
    const point = this.viewPoint(e);
    if (point) this.intents.pointer(point);
    const g = this.gesture;
    if (!g) return;
    if (g.kind === 'pinch') {
      if (this.pointers.size < 2) return;
      const p = this.pinch();
      const height = this.box().fit.height || 1;
      this.intents.zoom(g.distance / p.distance);
      this.intents.pan(-(p.mid[0] - g.mid[0]) / height, (p.mid[1] - g.mid[1]) / height);
      Object.assign(g, p);
      return;
    }
    const far = Math.hypot(now[0] - g.start[0], now[1] - g.start[1]) > CLICK_SLOP_PX;
    if (!g.moved && !far) return;
    g.moved = true;
    if (g.kind === 'press-device') g.kind = 'drag';
    const dx = now[0] - g.last[0];
    const dy = now[1] - g.last[1];
    g.last = now;
    const height = this.box().fit.height || 1;
    if (g.kind === 'orbit') this.intents.orbit((-dx / height) * ORBIT_DEG_PER_HEIGHT, (dy / height) * ORBIT_DEG_PER_HEIGHT);
    else if (g.kind === 'pan') this.intents.pan(-dx / height, dy / height);
    else if (g.kind === 'drag' && point) this.intents.drag(point, false);
  }

  up(e, cancelled = false) {
    this.pointers.delete(e.pointerId);
    const g = this.gesture;
    if (!g) return;
    if (g.kind === 'pinch') {
      if (this.pointers.size === 0) this.gesture = null;
      return;
    }
    this.gesture = null;
    if (cancelled) return;
    const point = this.viewPoint(e) ?? g.point;
    if (g.kind === 'drag') this.intents.drag(point, true);
    else if (!g.moved && g.kind !== 'pan' && g.point) this.intents.click(g.point);
  }

  pinch() {
    const [a, b] = [...this.pointers.values()];
    return { distance: Math.max(1, Math.hypot(a[0] - b[0], a[1] - b[1])), mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] };
  }

  wheel(e) {
    e.preventDefault();
    const lines = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    this.intents.zoom(Math.exp(e.deltaY * lines * 0.0015));
  }

  key(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const big = e.shiftKey ? 3 : 1;
    const actions = {
      ArrowLeft: () => this.intents.orbit(-KEY_ORBIT_DEG * big, 0),
      ArrowRight: () => this.intents.orbit(KEY_ORBIT_DEG * big, 0),
      ArrowUp: () => this.intents.orbit(0, KEY_ORBIT_DEG * big),
      ArrowDown: () => this.intents.orbit(0, -KEY_ORBIT_DEG * big),
      a: () => this.intents.pan(-KEY_PAN * big, 0),
      d: () => this.intents.pan(KEY_PAN * big, 0),
      w: () => this.intents.pan(0, KEY_PAN * big),
      s: () => this.intents.pan(0, -KEY_PAN * big),
      '+': () => this.intents.zoom(1 / KEY_ZOOM),
      '=': () => this.intents.zoom(1 / KEY_ZOOM),
      '-': () => this.intents.zoom(KEY_ZOOM),
      Enter: () => this.intents.choose(),
    };
    if (e.key === 'Tab') {
      // Tab walks the devices; after Escape, Tab leaves the video as usual.
      if (this.releaseTab) return;
      this.intents.walk(e.shiftKey ? -1 : 1);
      e.preventDefault();
      return;
    }
    if (e.key === 'Escape') {
      this.intents.clear();
      this.releaseTab = true;
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    const action = actions[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    if (action) {
      action();
      e.preventDefault();
    }
  }
}
