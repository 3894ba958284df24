// Plan-view geometry: device footprints on the ground plane and the view transform.
// World: metres, Y up; the plan shows x to the right and z downwards, seen from above.
// Pure: no DOM.

/** Footprint [width along local x, depth along local z] in metres, before scale. */
export const FOOTPRINTS = Object.freeze({
  work_center: [4, 3],
  robot_arm: [1.5, 1.5],
  conveyor: [6, 1.2],
  storage: [3, 2],
  agv: [1.4, 1],
  custom: [2, 2],
});

/** A device's footprint on the ground: centre, half extents and yaw (radians). */
export function footprint(device) {
  const [w, d] = FOOTPRINTS[device.kind] ?? FOOTPRINTS.custom;
  const scale = device.scale ?? [1, 1, 1];
  const position = device.position ?? [0, 0, 0];
  return {
    x: position[0],
    z: position[2],
    halfW: (w * Math.abs(scale[0] || 1)) / 2,
    halfD: (d * Math.abs(scale[2] || 1)) / 2,
    // Yaw turns +x towards -z (counter-clockwise seen from above).
    yaw: (((device.rotation ?? [0, 0, 0])[1] || 0) * Math.PI) / 180,
  };
}

/** Local (lx, lz) of a footprint to world (x, z). */
export function localToWorld(f, lx, lz) {
  const c = Math.cos(f.yaw);
  const s = Math.sin(f.yaw);
  return [f.x + lx * c + lz * s, f.z - lx * s + lz * c];
}

/** The four corners in world coordinates, in drawing order. */
export function corners(f) {
  return [
    localToWorld(f, -f.halfW, -f.halfD),
    localToWorld(f, f.halfW, -f.halfD),
    localToWorld(f, f.halfW, f.halfD),
    localToWorld(f, -f.halfW, f.halfD),
  ];
}

/** Whether world point (x, z) lies on the footprint, with `margin` metres of slack. */
export function contains(f, x, z, margin = 0) {
  const dx = x - f.x;
  const dz = z - f.z;
  const c = Math.cos(f.yaw);
  const s = Math.sin(f.yaw);
  // Inverse rotation of localToWorld.
  const lx = dx * c - dz * s;
  const lz = dx * s + dz * c;
  return Math.abs(lx) <= f.halfW + margin && Math.abs(lz) <= f.halfD + margin;
}

/** Radius of the circle around a footprint, for cheap culling. */
export function radius(f) {
  return Math.hypot(f.halfW, f.halfD);
}

/** Bounding box {minX, minZ, maxX, maxZ} of the footprints, or null when there are none. */
export function bounds(footprints) {
  let box = null;
  for (const f of footprints) {
    for (const [x, z] of corners(f)) {
      if (!box) box = { minX: x, minZ: z, maxX: x, maxZ: z };
      box.minX = Math.min(box.minX, x);
      box.minZ = Math.min(box.minZ, z);
      box.maxX = Math.max(box.maxX, x);
      box.maxZ = Math.max(box.maxZ, z);
    }
  }
  return box;
}

/** Pixels per metre allowed, so the plan never degenerates. */
export const SCALE_RANGE = Object.freeze({ min: 0.05, max: 400 });

/** World (x, z) to screen (CSS pixels): screen = world * scale + offset. */
export class ViewTransform {
  constructor() {
    this.scale = 10;
    this.offsetX = 0;
    this.offsetY = 0;
  }

  toScreen(x, z) {
    return [x * this.scale + this.offsetX, z * this.scale + this.offsetY];
  }

  toWorld(sx, sy) {
    return [(sx - this.offsetX) / this.scale, (sy - this.offsetY) / this.scale];
  }

  panBy(dx, dy) {
    this.offsetX += dx;
    this.offsetY += dy;
  }

  /** Zooms by `factor`, keeping the world point under screen (sx, sy) in place. */
  zoomAt(factor, sx, sy) {
    const next = Math.min(SCALE_RANGE.max, Math.max(SCALE_RANGE.min, this.scale * factor));
    const [wx, wz] = this.toWorld(sx, sy);
    this.scale = next;
    this.offsetX = sx - wx * next;
    this.offsetY = sy - wz * next;
  }

  /** Shows `box` centred in a width x height view with `padding` pixels around it. */
  fit(box, width, height, padding = 40) {
    const b = box ?? { minX: -10, minZ: -10, maxX: 10, maxZ: 10 };
    const spanX = Math.max(b.maxX - b.minX, 1);
    const spanZ = Math.max(b.maxZ - b.minZ, 1);
    const usableW = Math.max(width - 2 * padding, 10);
    const usableH = Math.max(height - 2 * padding, 10);
    this.scale = Math.min(SCALE_RANGE.max, Math.max(SCALE_RANGE.min, Math.min(usableW / spanX, usableH / spanZ)));
    this.offsetX = width / 2 - ((b.minX + b.maxX) / 2) * this.scale;
    this.offsetY = height / 2 - ((b.minZ + b.maxZ) / 2) * this.scale;
  }
}

/** A grid step in metres that puts at least `minPixels` between lines: 1, 2 or 5 times a power of ten. */
export function gridStep(scale, minPixels = 24) {
  const raw = minPixels / scale;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) {
    if (m * power >= raw) return m * power;
  }
  return 10 * power;
}
