// The client's copy of the scene: replaced by `state:full`, advanced by `state:update`.
// Pure: no DOM, no sockets, so it can be exercised on its own.

/** What a batch of changes touched, so views redraw only what they show. */
export class ChangeSet {
  constructor() {
    this.devices = false;
    this.connections = false;
    this.participants = false;
    this.scene = false;
  }

  static all() {
    const all = new ChangeSet();
    all.devices = all.connections = all.participants = all.scene = true;
    return all;
  }
}

export class SceneModel {
  constructor() {
    this.clear();
  }

  clear() {
    this.id = null;
    this.name = '';
    this.version = 0;
    this.sceneTime = 0;
    this.probeMarker = 0;
    /** @type {Map<string, object>} */ this.devices = new Map();
    /** @type {Map<string, object>} */ this.connections = new Map();
    /** @type {Map<string, object>} */ this.participants = new Map();
    this.loaded = false;
  }

  /** Replaces everything with a `state:full` message. */
  loadFull(message) {
    this.clear();
    this.id = message.scene;
    this.name = message.name ?? '';
    this.version = message.version ?? 0;
    this.sceneTime = message.sceneTime ?? 0;
    this.probeMarker = message.probeMarker ?? 0;
    for (const d of message.devices ?? []) this.devices.set(d.id, d);
    for (const c of message.connections ?? []) this.connections.set(c.id, c);
    for (const p of message.participants ?? []) this.participants.set(p.id, p);
    this.loaded = true;
    return ChangeSet.all();
  }

  /**
   * Applies a `state:update`. Its `version` is the last event's, one event per change, so
   * an update that does not start right after our version is either old ("stale": ignored)
   * or reveals missed events ("gap": the caller must get a fresh `state:full`).
   */
  applyUpdate(message) {
    const changes = message.changes ?? [];
    // `from`: the versions before the first change were others' presence, sent apart.
    const first = message.from ?? message.version - changes.length + 1;
    if (!this.loaded) return { status: 'gap', changed: new ChangeSet(), unknown: [] };
    if (message.version <= this.version) return { status: 'stale', changed: new ChangeSet(), unknown: [] };
    if (first !== this.version + 1) return { status: 'gap', changed: new ChangeSet(), unknown: [] };
    const changed = new ChangeSet();
    const unknown = [];
    for (const change of changes) {
      if (!this.applyChange(change.op, change.data ?? {}, changed)) unknown.push(change.op);
    }
    this.version = message.version;
    changed.scene = true;
    return { status: 'applied', changed, unknown };
  }

  /**
   * Applies a `presence` message: other participants' cameras and pointers, coalesced and
   * unversioned. Participants this client does not know (any more) are skipped.
   */
  applyPresence(message) {
    const changed = new ChangeSet();
    for (const p of message.participants ?? []) {
      const known = this.participants.get(p.id);
      if (!known) continue;
      this.participants.set(p.id, { ...known, ...p });
      changed.participants = true;
    }
    return changed;
  }

  /** Applies one change; false for an op this client does not know. */
  applyChange(op, data, changed) {
    switch (op) {
      case 'scene.created':
        this.name = data.name ?? this.name;
        changed.scene = true;
        return true;
      case 'device.added':
      case 'device.moved':
      case 'device.updated':
        // Whole entities, except for one removed later in the same batch: merging covers both.
        this.devices.set(data.id, { ...this.devices.get(data.id), ...data });
        changed.devices = true;
        return true;
      case 'device.removed':
        this.removeDevice(data.id, changed);
        return true;
      case 'connection.created':
        this.connections.set(data.id, { ...this.connections.get(data.id), ...data });
        changed.connections = true;
        return true;
      case 'connection.removed':
        this.connections.delete(data.id);
        changed.connections = true;
        return true;
      case 'participant.joined':
      case 'participant.role_changed':
      case 'camera.changed':
      case 'selection.changed':
      case 'pointer.moved':
        this.participants.set(data.id, { ...this.participants.get(data.id), ...data });
        changed.participants = true;
        return true;
      case 'participant.left':
        this.participants.delete(data.id);
        changed.participants = true;
        return true;
      case 'latency.probed':
        if (typeof data.probeMarker === 'number') this.probeMarker = data.probeMarker;
        return true;
      case 'actor.erased':
        // Identity lives outside the scene; nothing here refers to it.
        return true;
      default:
        return false;
    }
  }

  /** A removed device takes its connections and everyone's selection of it along. */
  removeDevice(id, changed) {
    this.devices.delete(id);
    changed.devices = true;
    for (const [cid, c] of this.connections) {
      if (c.source === id || c.target === id) {
        this.connections.delete(cid);
        changed.connections = true;
      }
    }
    for (const p of this.participants.values()) {
      if (p.selection === id) {
        p.selection = null;
        changed.participants = true;
      }
    }
  }

  /** Connections that start or end at a device. */
  connectionsOf(deviceId) {
    return [...this.connections.values()].filter((c) => c.source === deviceId || c.target === deviceId);
  }

  /** Devices sorted by name (then id), the order lists show them in. */
  sortedDevices() {
    return [...this.devices.values()].sort(
      (a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }) || (a.id < b.id ? -1 : 1),
    );
  }

  deviceName(id) {
    return this.devices.get(id)?.name ?? (id ? `(gone ${id.slice(0, 8)})` : '');
  }
}
