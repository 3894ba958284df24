// Paints the plan: grid, connections, devices, labels and highlights, from a frame that
// PlanView assembles. Knows nothing about input.

import { corners, footprint, gridStep, localToWorld, radius } from './geometry.js';
import { connectionStyle, deviceStyle } from './palette.js';
import { CONNECTION_KINDS } from './protocol.js';

const COLORS = {
  background: '#f6f7f9',
  gridMinor: '#e7eaef',
  gridMajor: '#d5dae2',
  axis: '#aeb6c3',
  mine: '#0a6cff',
  other: '#8a3ffc',
  inspected: '#1f2937',
  hover: '#111827',
  label: '#1f2937',
};

/**
 * Frame fields: view (ViewTransform), width, height (CSS pixels), scene, drawOrder
 * ([{device, f}], bottom first), highlights ({mine, others, inspected}), hoverId, and
 * drag ({id, to} while a device is being dragged, else null).
 */
export class PlanPainter {
  constructor(ctx) {
    this.ctx = ctx;
  }

  /** Draws one frame. */
  paint(frame) {
    Object.assign(this, frame);
    this.draw();
  }

  draw() {
    const ctx = this.ctx;
    const dpr = this.ctx.canvas.width / this.width;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = COLORS.background;
    ctx.fillRect(0, 0, this.width, this.height);
    this.drawGrid();
    if (!this.scene) return;
    const shown = this.shownFootprints();
    this.drawConnections(shown);
    for (const { device } of this.drawOrder) {
      const own = shown.get(device.id);
      if (this.visible(own)) this.drawDevice(device, own, 1);
    }
    this.drawLabels(shown);
    this.drawHighlights(shown);
    this.drawScaleNote();
  }

  /** The size of one grid step, in the corner. */
  drawScaleNote() {
    const ctx = this.ctx;
    const step = gridStep(this.view.scale);
    const text = `grid ${step >= 1 ? step : step.toFixed(1)} m`;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.strokeText(text, this.width - 8, this.height - 6);
    ctx.fillStyle = '#6b7280';
    ctx.fillText(text, this.width - 8, this.height - 6);
  }

  /** Footprints as shown right now, with the drag in progress applied. */
  shownFootprints() {
    const shown = new Map();
    for (const { device, f } of this.drawOrder) shown.set(device.id, f);
    const d = this.drag;
    if (d && shown.has(d.id)) shown.set(d.id, footprint({ ...this.scene.devices.get(d.id), position: d.to }));
    return shown;
  }

  visible(f) {
    const [sx, sy] = this.view.toScreen(f.x, f.z);
    const r = radius(f) * this.view.scale + 40; // room for the label
    return sx + r >= 0 && sy + r >= 0 && sx - r <= this.width && sy - r <= this.height;
  }

  drawGrid() {
    const ctx = this.ctx;
    const step = gridStep(this.view.scale);
    const [x0, z0] = this.view.toWorld(0, 0);
    const [x1, z1] = this.view.toWorld(this.width, this.height);
    const lines = (from, to, draw) => {
      for (let k = Math.floor(from / step); k * step <= to; k++) draw(k * step, k % 5 === 0);
    };
    ctx.lineWidth = 1;
    for (const major of [false, true]) {
      ctx.strokeStyle = major ? COLORS.gridMajor : COLORS.gridMinor;
      ctx.beginPath();
      lines(x0, x1, (x, isMajor) => {
        if (isMajor !== major) return;
        const sx = Math.round(this.view.toScreen(x, 0)[0]) + 0.5;
        ctx.moveTo(sx, 0);
        ctx.lineTo(sx, this.height);
      });
      lines(z0, z1, (z, isMajor) => {
        if (isMajor !== major) return;
        const sy = Math.round(this.view.toScreen(0, z)[1]) + 0.5;
        ctx.moveTo(0, sy);
        ctx.lineTo(this.width, sy);
      });
      ctx.stroke();
    }
    const [ox, oy] = this.view.toScreen(0, 0);
    ctx.strokeStyle = COLORS.axis;
    ctx.beginPath();
    ctx.moveTo(Math.round(ox) + 0.5, 0);
    ctx.lineTo(Math.round(ox) + 0.5, this.height);
    ctx.moveTo(0, Math.round(oy) + 0.5);
    ctx.lineTo(this.width, Math.round(oy) + 0.5);
    ctx.stroke();
  }

  drawConnections(shown) {
    const ctx = this.ctx;
    const focus = this.highlights.mine ?? this.highlights.inspected;
    for (const c of this.scene.connections.values()) {
      const a = shown.get(c.source);
      const b = shown.get(c.target);
      if (!a || !b) continue;
      let [ax, ay] = this.view.toScreen(a.x, a.z);
      let [bx, by] = this.view.toScreen(b.x, b.z);
      const length = Math.hypot(bx - ax, by - ay);
      if (length < 1) continue;
      // Parallel connections of different kinds between the same devices sit side by side.
      const ux = (bx - ax) / length;
      const uy = (by - ay) / length;
      const shift = (CONNECTION_KINDS.indexOf(c.kind) - 1.5) * 3;
      ax -= uy * shift;
      ay += ux * shift;
      bx -= uy * shift;
      by += ux * shift;
      if (Math.max(ax, bx) < 0 || Math.min(ax, bx) > this.width || Math.max(ay, by) < 0 || Math.min(ay, by) > this.height) {
        continue;
      }
      const touched = focus && (c.source === focus || c.target === focus);
      ctx.globalAlpha = focus && !touched ? 0.35 : 0.9;
      ctx.strokeStyle = ctx.fillStyle = connectionStyle(c.kind).color;
      ctx.lineWidth = touched ? 2.5 : 1.5;
      ctx.beginPath();
      ctx.moveTo(ax, ay);
      ctx.lineTo(bx, by);
      ctx.stroke();
      const mx = (ax + bx) / 2;
      const my = (ay + by) / 2;
      if (c.direction === 'backward') this.arrowHead(mx, my, -ux, -uy);
      else if (c.direction === 'both') {
        this.arrowHead(mx + ux * 5, my + uy * 5, ux, uy);
        this.arrowHead(mx - ux * 5, my - uy * 5, -ux, -uy);
      } else this.arrowHead(mx, my, ux, uy);
    }
    ctx.globalAlpha = 1;
  }

  /** A filled triangle with its tip `size` px ahead of (x, y) in direction (ux, uy). */
  arrowHead(x, y, ux, uy, size = 6) {
    const ctx = this.ctx;
    ctx.beginPath();
    ctx.moveTo(x + ux * size, y + uy * size);
    ctx.lineTo(x - ux * size - uy * size * 0.8, y - uy * size + ux * size * 0.8);
    ctx.lineTo(x - ux * size + uy * size * 0.8, y - uy * size - ux * size * 0.8);
    ctx.closePath();
    ctx.fill();
  }

  outline(f, grow = 0) {
    const ctx = this.ctx;
    const g = grow / this.view.scale;
    const pts = corners({ ...f, halfW: f.halfW + g, halfD: f.halfD + g });
    ctx.beginPath();
    pts.forEach(([x, z], i) => {
      const [sx, sy] = this.view.toScreen(x, z);
      if (i === 0) ctx.moveTo(sx, sy);
      else ctx.lineTo(sx, sy);
    });
    ctx.closePath();
  }

  drawDevice(device, f, alpha) {
    const ctx = this.ctx;
    const style = deviceStyle(device.kind);
    ctx.globalAlpha = alpha;
    this.outline(f);
    ctx.fillStyle = style.fill;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = style.stroke;
    ctx.stroke();
    // A notch on the local +x edge shows which way the device faces.
    const size = Math.min(f.halfW, f.halfD) * this.view.scale;
    if (size > 5) {
      const [tx, tz] = localToWorld(f, f.halfW, 0);
      const [bx1, bz1] = localToWorld(f, f.halfW - Math.min(f.halfD, f.halfW) * 0.5, -f.halfD * 0.35);
      const [bx2, bz2] = localToWorld(f, f.halfW - Math.min(f.halfD, f.halfW) * 0.5, f.halfD * 0.35);
      ctx.beginPath();
      ctx.moveTo(...this.view.toScreen(tx, tz));
      ctx.lineTo(...this.view.toScreen(bx1, bz1));
      ctx.lineTo(...this.view.toScreen(bx2, bz2));
      ctx.closePath();
      ctx.fillStyle = style.stroke;
      ctx.globalAlpha = alpha * 0.45;
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }

  drawLabels(shown) {
    if (this.view.scale < 9) return;
    const ctx = this.ctx;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(255,255,255,0.85)';
    ctx.fillStyle = COLORS.label;
    for (const { device } of this.drawOrder) {
      const f = shown.get(device.id);
      if (!this.visible(f)) continue;
      const [sx, sy] = this.view.toScreen(f.x, f.z);
      const text = this.fitText(device.name, Math.max(2 * f.halfW * this.view.scale, 56) + 8);
      if (!text) continue;
      ctx.strokeText(text, sx, sy);
      ctx.fillText(text, sx, sy);
    }
  }

  fitText(text, maxWidth) {
    if (this.ctx.measureText(text).width <= maxWidth) return text;
    let chars = [...text];
    while (chars.length > 1 && this.ctx.measureText(chars.join('') + '…').width > maxWidth) chars = chars.slice(0, -1);
    return chars.length > 1 ? chars.join('') + '…' : '';
  }

  drawHighlights(shown) {
    const ctx = this.ctx;
    const { mine, others, inspected } = this.highlights;
    ctx.lineJoin = 'miter';
    for (const [id, who] of others) {
      const f = shown.get(id);
      if (!f || id === mine) continue;
      ctx.setLineDash([5, 4]);
      ctx.strokeStyle = COLORS.other;
      ctx.lineWidth = 2;
      this.outline(f, 5);
      ctx.stroke();
      ctx.setLineDash([]);
      this.tag(f, who, COLORS.other);
    }
    if (inspected && inspected !== mine && shown.has(inspected)) {
      ctx.setLineDash([2, 3]);
      ctx.strokeStyle = COLORS.inspected;
      ctx.lineWidth = 2;
      this.outline(shown.get(inspected), 4);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (this.hoverId && shown.has(this.hoverId)) {
      ctx.strokeStyle = COLORS.hover;
      ctx.lineWidth = 1.5;
      this.outline(shown.get(this.hoverId), 1.5);
      ctx.stroke();
    }
    if (mine && shown.has(mine)) {
      const f = shown.get(mine);
      if (this.drag?.id === mine) {
        // Where it was, while it is being dragged.
        ctx.setLineDash([4, 4]);
        ctx.strokeStyle = COLORS.mine;
        ctx.lineWidth = 1;
        this.outline(footprint(this.scene.devices.get(mine)));
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.strokeStyle = COLORS.mine;
      ctx.lineWidth = 3;
      this.outline(f, 4);
      ctx.stroke();
    }
    const d = this.drag;
    if (d && shown.has(d.id)) {
      const f = shown.get(d.id);
      const [sx, sy] = this.view.toScreen(f.x, f.z);
      this.badge(`x ${d.to[0].toFixed(2)}  z ${d.to[2].toFixed(2)}`, sx, sy - radius(f) * this.view.scale - 14, COLORS.mine);
    }
  }

  /** A small coloured label above a device, naming who selected it. */
  tag(f, text, color) {
    const [sx, sy] = this.view.toScreen(f.x, f.z);
    this.badge(text, sx, sy - radius(f) * this.view.scale - 12, color);
  }

  badge(text, x, y, color) {
    const ctx = this.ctx;
    ctx.font = '11px system-ui, sans-serif';
    const w = ctx.measureText(text).width + 10;
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.roundRect(x - w / 2, y - 9, w, 18, 4);
    ctx.fill();
    ctx.fillStyle = '#fff';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, x, y);
  }
}
