// The driver's edits and the selection: who may edit, sending commands (tracked in the
// pending list until their ack) and picking devices from any view.

import { formatNumber } from './dom.js';
import { commands } from './protocol.js';

export function createEditor({ scene, session, client, media, plan, deviceList, pending, log, dragRefs, renderSelection }) {
  const myParticipant = () => session.participant ? scene.participants.get(session.participant) : null;

  const myRole = () => myParticipant()?.role ?? session.joinedRole;

  const canEdit = () => session.live && client.isOpen && myRole() === 'driver';

  /** Sends a command; it stays in the pending list until its ack or error. */
  const send = (command, label) => {
    if (!canEdit()) {
      log.warn(`Not sent (${command.type}): ${editBlockReason()}`);
      return null;
    }
    if (!sendCommand(command)) {
      log.warn(`Not sent (${command.type}): the connection is down.`);
      return null;
    }
    pending.add(command.id, command.type, label);
    return command.id;
  };

  /** Over the data channels once they are open, over the WebSocket until then. */
  const sendCommand = (command) => media()?.sendCommand(command) || client.send(command);

  /** The device the panels show: the driver's selection, or what an observer looks at. */
  const focusedDevice = () => {
    if (myRole() === 'driver') return myParticipant()?.selection ?? null;
    return session.inspected ?? driverSelection();
  };

  const driverSelection = () => {
    for (const p of scene.participants.values()) if (p.role === 'driver' && p.selection) return p.selection;
    return null;
  };

  const pick = (id, { from }) => {
    if (!scene.devices.has(id)) return;
    if (from !== 'plan') plan.reveal(id);
    if (from !== 'list') deviceList.reveal(id);
    if (myRole() === 'driver' && canEdit()) {
      if (myParticipant()?.selection !== id) send(commands.select(id), scene.deviceName(id));
      return;
    }
    session.inspected = id;
    renderSelection();
  };

  const clearSelection = () => {
    session.inspected = null;
    if (canEdit() && myParticipant()?.selection) send(commands.select(null), 'clear selection');
    renderSelection();
  };

  const moveDevice = (id, position) => {
    const device = scene.devices.get(id);
    if (!device) return;
    if (canEdit() && myParticipant()?.selection !== id) send(commands.select(id), device.name);
    const ref = send(commands.drag(id, position), `${device.name} to ${position.map((v) => formatNumber(v)).join(', ')}`);
    if (ref) {
      dragRefs.set(ref, id);
      plan.setOverride(id, position);
    } else {
      plan.setOverride(id, null);
    }
  };

  const removeDevice = (id) => {
    if (!scene.devices.has(id)) return;
    send(commands.remove(id), scene.deviceName(id));
  };

  const removeConnection = (id) => {
    const c = scene.connections.get(id);
    if (!c) return;
    send(commands.disconnect(id), `${scene.deviceName(c.source)} → ${scene.deviceName(c.target)}`);
  };

  const editBlockReason = () => {
    if (!session.live) return 'you are offline; edits resume once the scene is back.';
    if (myRole() !== 'driver') return 'you are observing. Switch the role to Driver to edit.';
    return '';
  };

  return {
    myParticipant, myRole, canEdit, send, sendCommand, focusedDevice, pick, clearSelection,
    moveDevice, removeDevice, removeConnection, editBlockReason,
  };
}
