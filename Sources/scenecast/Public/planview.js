// The plan view: a top-down drawing of the scene on a <canvas>, with client-side pan and
// zoom, and device picking and dragging reported to the app through callbacks.

import { ViewTransform, bounds, contains, footprint } from './geometry.js';
import { PlanPainter } from './planpainter.js';
import { roundCoordinate } from './protocol.js';

const DRAG_THRESHOLD_PX = 4;
const HIT_SLACK_PX = 4;

export class PlanView {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{onSelect(id: string|null): void, onDrop(id: string, position: number[]): void,
   *          onHover?(id: string|null, world: number[]|null): void}} callbacks
   */
  constructor(canvas, callbacks) {
    this.canvas = canvas;
    this.painter = new PlanPainter(canvas.getContext('2d'));
    this.callbacks = callbacks;
    this.view = new ViewTransform();
    this.scene = null;
    this.editable = false;
    this.highlights = { mine: null, others: new Map(), inspected: null };
    this.overrides = new Map(); // device id -> position shown until the server confirms a drop
    this.drawOrder = []; // [{device, f}], largest first so small devices stay on top and win picks
    this.hoverId = null;
    this.gesture = null;
    this.pointers = new Map();
    this.width = 0;
    this.height = 0;
    this.frame = 0;
    this.fitted = false;

    this.bindEvents();
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  setScene(scene) {
    this.scene = scene;
    this.refresh();
  }

  /** Call after devices changed. */
  refresh() {
    const items = [];
    for (const device of this.scene?.devices.values() ?? []) {
      const shown = this.overrides.has(device.id) ? { ...device, position: this.overrides.get(device.id) } : device;
      items.push({ device, f: footprint(shown) });
    }
    items.sort((a, b) => b.f.halfW * b.f.halfD - a.f.halfW * a.f.halfD);
    this.drawOrder = items;
    if (this.gesture?.kind === 'drag' && !this.scene.devices.has(this.gesture.id)) this.gesture = null;
    this.invalidate();
  }

  setEditable(editable) {
    this.editable = editable;
    if (!editable && this.gesture?.kind === 'drag') this.gesture = null;
    this.invalidate();
  }

  /** mine: my selection; others: device id -> who selected it; inspected: a locally focused device. */
  setHighlights(highlights) {
    this.highlights = { others: new Map(), ...highlights };
    this.invalidate();
  }

  /** Shows a device at `position` (or its own position again, with null) until told otherwise. */
  setOverride(id, position) {
    if (position) this.overrides.set(id, position);
    else this.overrides.delete(id);
    this.refresh();
  }

  clearOverrides() {
    this.overrides.clear();
    this.refresh();
  }

  /** Fits the whole plant into the view; `ifFirst` only does it once, for the first scene. */
  fit({ ifFirst = false } = {}) {
    if (ifFirst && this.fitted) return;
    if (!this.width) return; // not laid out yet; resize() fits later
    this.view.fit(bounds(this.drawOrder.map((i) => i.f)), this.width, this.height);
    this.fitted = this.drawOrder.length > 0;
    this.invalidate();
  }

  zoomBy(factor) {
    this.view.zoomAt(factor, this.width / 2, this.height / 2);
    this.invalidate();
  }

  panBy(dx, dy) {
    this.view.panBy(dx, dy);
    this.invalidate();
  }

  /** Centres the view on a device without changing the zoom. */
  reveal(id) {
    const item = this.drawOrder.find((i) => i.device.id === id);
    if (!item) return;
    const [sx, sy] = this.view.toScreen(item.f.x, item.f.z);
    const margin = 60;
    if (sx < margin || sy < margin || sx > this.width - margin || sy > this.height - margin) {
      this.panBy(this.width / 2 - sx, this.height / 2 - sy);
    }
  }

  deviceAt(sx, sy) {
    const [x, z] = this.view.toWorld(sx, sy);
    const slack = HIT_SLACK_PX / this.view.scale;
    for (let i = this.drawOrder.length - 1; i >= 0; i--) {
      if (contains(this.drawOrder[i].f, x, z, slack)) return this.drawOrder[i].device.id;
    }
    return null;
  }

  invalidate() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.width) return;
      const g = this.gesture;
      this.painter.paint({
        view: this.view,
        width: this.width,
        height: this.height,
        scene: this.scene,
        drawOrder: this.drawOrder,
        highlights: this.highlights,
        hoverId: this.hoverId,
        drag: g?.kind === 'drag' && g.to ? { id: g.id, to: g.to } : null,
      });
    });
  }

  resize() {
    const rect = this.canvas.getBoundingClientRect();
    const width = Math.round(rect.width);
    const height = Math.round(rect.height);
    if (width < 2 || height < 2) return; // hidden; keep the last size
    const dpr = window.devicePixelRatio || 1;
    if (this.width) this.view.panBy((width - this.width) / 2, (height - this.height) / 2); // keep the centre
    this.width = width;
    this.height = height;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    if (!this.fitted && this.drawOrder.length) this.fit();
    this.invalidate();
  }

  // MARK: Input

  bindEvents() {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => this.pointerDown(e));
    c.addEventListener('pointermove', (e) => this.pointerMove(e));
    c.addEventListener('pointerup', (e) => this.pointerUp(e));
    c.addEventListener('pointercancel', (e) => this.pointerUp(e, true));
    c.addEventListener('pointerleave', () => this.setHover(null, null));
    c.addEventListener('contextmenu', (e) => e.preventDefault());
    c.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    c.addEventListener('keydown', (e) => this.keyDown(e));
  }

  localPoint(e) {
    const rect = this.canvas.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  }

  pointerDown(e) {
    const [sx, sy] = this.localPoint(e);
    this.pointers.set(e.pointerId, [sx, sy]);
    this.canvas.setPointerCapture(e.pointerId);
    this.canvas.focus({ preventScroll: true });
    if (this.pointers.size === 2) {
      this.gesture = { kind: 'pinch', ...this.pinchState() };
      return;
    }
    if (this.pointers.size > 2) return;
    const panButton = e.button === 1 || e.button === 2;
    const id = panButton ? null : this.deviceAt(sx, sy);
    if (id) {
      const device = this.scene.devices.get(id);
      const position = this.overrides.get(id) ?? device.position;
      this.gesture = { kind: 'press', id, start: [sx, sy], from: [...position], world: this.view.toWorld(sx, sy) };
    } else {
      this.gesture = { kind: 'pan', start: [sx, sy], last: [sx, sy], moved: false, empty: !panButton };
    }
  }

  pointerMove(e) {
    const [sx, sy] = this.localPoint(e);
    if (this.pointers.has(e.pointerId)) this.pointers.set(e.pointerId, [sx, sy]);
    const g = this.gesture;
    if (!g) {
      this.setHover(this.deviceAt(sx, sy), this.view.toWorld(sx, sy));
      return;
    }
    if (g.kind === 'pinch') {
      if (this.pointers.size < 2) return;
      const now = this.pinchState();
      this.view.zoomAt(now.distance / g.distance, g.mid[0], g.mid[1]);
      this.view.panBy(now.mid[0] - g.mid[0], now.mid[1] - g.mid[1]);
      Object.assign(g, now);
      this.invalidate();
      return;
    }
    const far = Math.hypot(sx - g.start[0], sy - g.start[1]) > DRAG_THRESHOLD_PX;
    if (g.kind === 'pan') {
      if (!g.moved && !far) return;
      g.moved = true;
      this.view.panBy(sx - g.last[0], sy - g.last[1]);
      g.last = [sx, sy];
      this.canvas.style.cursor = 'grabbing';
      this.invalidate();
    } else if (g.kind === 'press' && far) {
      // Drivers drag the device; for anyone else a drag that starts on a device pans.
      if (this.editable) Object.assign(g, { kind: 'drag' });
      else this.gesture = { kind: 'pan', start: g.start, last: [sx, sy], moved: true, empty: false };
    }
    if (g.kind === 'drag') {
      const [wx, wz] = this.view.toWorld(sx, sy);
      g.to = [roundCoordinate(g.from[0] + wx - g.world[0]), g.from[1], roundCoordinate(g.from[2] + wz - g.world[1])];
      this.canvas.style.cursor = 'grabbing';
      this.setHover(g.id, [wx, wz]);
      this.invalidate();
    }
  }

  pointerUp(e, cancelled = false) {
    this.pointers.delete(e.pointerId);
    const g = this.gesture;
    if (!g) return;
    if (g.kind === 'pinch') {
      if (this.pointers.size === 0) this.gesture = null;
      return;
    }
    this.gesture = null;
    this.canvas.style.cursor = '';
    if (cancelled) {
      this.invalidate();
      return;
    }
    if (g.kind === 'press') {
      this.callbacks.onSelect(g.id);
    } else if (g.kind === 'drag' && g.to) {
      this.overrides.set(g.id, g.to);
      this.refresh();
      this.callbacks.onDrop(g.id, g.to);
    } else if (g.kind === 'pan' && !g.moved && g.empty) {
      this.callbacks.onSelect(null);
    }
    this.invalidate();
  }

  pinchState() {
    const [a, b] = [...this.pointers.values()];
    return { distance: Math.max(1, Math.hypot(a[0] - b[0], a[1] - b[1])), mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] };
  }

  wheel(e) {
    e.preventDefault();
    const [sx, sy] = this.localPoint(e);
    const lines = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    this.view.zoomAt(Math.exp(-e.deltaY * lines * 0.0015), sx, sy);
    this.invalidate();
  }

  keyDown(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const step = e.shiftKey ? 160 : 40;
    const actions = {
      ArrowLeft: () => this.panBy(step, 0),
      ArrowRight: () => this.panBy(-step, 0),
      ArrowUp: () => this.panBy(0, step),
      ArrowDown: () => this.panBy(0, -step),
      '+': () => this.zoomBy(1.25),
      '=': () => this.zoomBy(1.25),
      '-': () => this.zoomBy(0.8),
      '0': () => this.fit(),
      f: () => this.fit(),
    };
    if (e.key === 'Escape' && this.gesture?.kind === 'drag') {
      // Cancels the drag only; the app's Escape (clear selection) must not run too.
      this.gesture = null;
      this.canvas.style.cursor = '';
      this.invalidate();
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    const action = actions[e.key];
    if (action) {
      action();
      e.preventDefault();
    }
  }

  setHover(id, world) {
    if (id !== this.hoverId) {
      this.hoverId = id;
      this.invalidate();
    }
    if (!this.gesture) this.canvas.style.cursor = id ? (this.editable ? 'move' : 'pointer') : '';
    this.callbacks.onHover?.(id, world);
  }
}
