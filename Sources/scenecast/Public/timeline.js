// The replay timeline: a range input over the session's scene time, with the recorded
// events drawn as ticks on a canvas above it.

export class Timeline {
  /** @param {{range: HTMLInputElement, canvas: HTMLCanvasElement, onSeek(micros: number): void}} options */
  constructor({ range, canvas, onSeek }) {
    this.range = range;
    this.canvas = canvas;
    this.span = null;
    this.marks = [];
    this.dragging = false;
    range.addEventListener('input', () => (this.dragging = true));
    range.addEventListener('change', () => {
      this.dragging = false;
      if (this.span) onSeek(this.micros(Number(range.value)));
    });
    window.addEventListener('resize', () => this.draw());
  }

  /** The session's span (`startUs`, `endUs`) and its event marks (microseconds). */
  setSpan(span, marks) {
    this.span = span;
    if (Array.isArray(marks)) this.marks = marks;
    this.range.disabled = false;
    this.draw();
  }

  /** Moves the handle to a scene time, unless the user is dragging it. */
  show(micros) {
    if (!this.span || this.dragging) return;
    const width = Math.max(1, this.span.endUs - this.span.startUs);
    this.range.value = String(Math.round(((micros - this.span.startUs) / width) * Number(this.range.max)));
  }

  micros(value) {
    const width = this.span.endUs - this.span.startUs;
    return Math.round(this.span.startUs + (value / Number(this.range.max)) * width);
  }

  draw() {
    const canvas = this.canvas;
    canvas.width = canvas.clientWidth || 600;
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, canvas.width, canvas.height);
    if (!this.span) return;
    const width = Math.max(1, this.span.endUs - this.span.startUs);
    g.fillStyle = '#4a7bd0';
    for (const at of this.marks) {
      const x = Math.round(((at - this.span.startUs) / width) * (canvas.width - 1));
      g.fillRect(x, 2, 1, canvas.height - 4);
    }
  }
}
