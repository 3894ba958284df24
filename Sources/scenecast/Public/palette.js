// Colours and labels per device and connection kind, shared by the plan, the lists and the legend.

export const DEVICE_STYLES = Object.freeze({
  work_center: { label: 'Work center', fill: '#b9c6e0', stroke: '#44577d' },
  robot_arm: { label: 'Robot arm', fill: '#f4c77d', stroke: '#9a6614' },
  conveyor: { label: 'Conveyor', fill: '#cfd2d6', stroke: '#5f646b' },
  storage: { label: 'Storage', fill: '#b9dcaa', stroke: '#46743a' },
  agv: { label: 'AGV', fill: '#dcb8ea', stroke: '#74458a' },
  custom: { label: 'Custom', fill: '#f2bcbc', stroke: '#8d4646' },
});

export const CONNECTION_STYLES = Object.freeze({
  production: { label: 'Production', color: '#2f6fde' },
  material: { label: 'Material', color: '#ee8a1f' },
  data: { label: 'Data', color: '#23994f' },
  power: { label: 'Power', color: '#d63030' },
});

export function deviceStyle(kind) {
  return DEVICE_STYLES[kind] ?? DEVICE_STYLES.custom;
}

export function connectionStyle(kind) {
  return CONNECTION_STYLES[kind] ?? { label: kind, color: '#666' };
}
