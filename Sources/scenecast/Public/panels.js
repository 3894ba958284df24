// The scene panels: the searchable device list, the selected device's details and edits,
// and the new-connection form. They render from the SceneModel and report user intents
// through handlers; they never talk to the server themselves.

import { el, formatNumber, formatVector, keepFocus, shortID } from './dom.js';
import { connectionStyle, deviceStyle } from './palette.js';
import { CONNECTION_KINDS, DIRECTIONS, nameProblem, positionProblem } from './protocol.js';

function swatch(kind) {
  const style = deviceStyle(kind);
  return el('span', { class: 'swatch', 'aria-hidden': 'true', style: `--fill:${style.fill};--stroke:${style.stroke}` });
}

/** The searchable device list. Items are buttons: Tab or the arrow keys move, Enter selects. */
export class DeviceList {
  constructor({ search, list, count, onPick }) {
    this.search = search;
    this.list = list;
    this.count = count;
    this.onPick = onPick;
    this.items = new Map(); // id -> {li, button, text}
    this.scene = null;
    this.selected = null;
    search.addEventListener('input', () => this.render());
    search.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && search.value) {
        search.value = '';
        this.render();
        e.stopPropagation();
      } else if (e.key === 'ArrowDown') {
        this.list.querySelector('button')?.focus();
        e.preventDefault();
      }
    });
    list.addEventListener('keydown', (e) => this.keyDown(e));
  }

  update(scene, selected) {
    this.scene = scene;
    this.selected = selected;
    this.render();
  }

  matches(device, query) {
    if (!query) return true;
    const q = query.toLowerCase();
    return (
      device.name.toLowerCase().includes(q) ||
      device.kind.includes(q.replace(/\s+/g, '_')) ||
      deviceStyle(device.kind).label.toLowerCase().includes(q) ||
      device.id.startsWith(q)
    );
  }

  render() {
    if (!this.scene) return;
    const query = this.search.value.trim();
    const all = this.scene.sortedDevices();
    const shown = all.filter((d) => this.matches(d, query));
    for (const [id, item] of this.items) {
      if (!this.scene.devices.has(id)) {
        item.li.remove();
        this.items.delete(id);
      }
    }
    const wanted = shown.map((d) => this.item(d).li);
    // Move nodes only when the order really changed: moving a node drops its focus.
    const current = [...this.list.children];
    const same = current.length === wanted.length && current.every((node, i) => node === wanted[i]);
    if (!same) keepFocus(this.list, () => this.list.replaceChildren(...wanted));
    this.count.textContent = query ? `${shown.length} of ${all.length}` : `${all.length}`;
    if (!shown.length) {
      this.list.replaceChildren(el('li', { class: 'empty', text: all.length ? 'No device matches.' : 'No devices yet.' }));
    }
  }

  item(device) {
    let item = this.items.get(device.id);
    if (!item) {
      const button = el('button', {
        type: 'button',
        class: 'device-item',
        dataset: { id: device.id, focusKey: device.id },
        on: { click: () => this.onPick(device.id) },
      });
      item = { li: el('li', {}, button), button, text: '' };
      this.items.set(device.id, item);
    }
    const text = `${device.kind}|${device.name}`;
    if (item.text !== text) {
      item.text = text;
      item.button.setAttribute('aria-label', `${device.name}, ${deviceStyle(device.kind).label}`);
      item.button.replaceChildren(
        swatch(device.kind),
        el('span', { class: 'name', text: device.name }),
        el('span', { class: 'kind', text: deviceStyle(device.kind).label }),
      );
    }
    const current = device.id === this.selected;
    if (current) item.button.setAttribute('aria-current', 'true');
    else item.button.removeAttribute('aria-current');
    return item;
  }

  keyDown(e) {
    const buttons = [...this.list.querySelectorAll('button.device-item')];
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    const target = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: buttons.length - 1 }[e.key];
    if (target === undefined) return;
    if (target < 0) this.search.focus();
    else buttons[Math.min(target, buttons.length - 1)].focus();
    e.preventDefault();
  }

  /** Scrolls the list so the selected device shows. */
  reveal(id) {
    this.items.get(id)?.li.scrollIntoView({ block: 'nearest' });
  }
}

/**
 * The selected device: what it is, rename, move and remove, and its connections.
 * The forms are built once and keep what the user typed across live updates.
 */
export class DetailsPanel {
  constructor(root, { rename, move, remove, disconnect, pick }) {
    this.root = root;
    this.handlers = { rename, move, remove, disconnect, pick };
    this.deviceId = null;
    this.info = el('div', { class: 'details-info' });
    this.connectionsList = el('ul', { class: 'connection-list', 'aria-label': 'Connections of the selected device' });
    this.connectionsHeading = el('h3', { text: 'Connections' });
    this.buildForms();
    this.empty = el('p', { class: 'hint', text: 'Nothing selected. Click a device in the plan or pick one from the list.' });
    this.body = el('div', {}, this.info, this.edit, this.connectionsHeading, this.connectionsList);
    root.replaceChildren(this.empty, this.body);
    this.body.hidden = true;
  }

  buildForms() {
    this.nameInput = el('input', { id: 'rename-input', type: 'text', maxLength: 200, required: true, autocomplete: 'off' });
    this.nameInput.addEventListener('input', () => (this.nameDirty = true));
    this.renameForm = el(
      'form',
      { class: 'inline-form', on: { submit: (e) => this.submitRename(e) } },
      el('label', { for: 'rename-input', text: 'Name' }),
      this.nameInput,
      el('button', { type: 'submit', text: 'Rename' }),
    );
    this.positionInputs = ['x', 'y', 'z'].map((axis) => {
      const input = el('input', { id: `position-${axis}`, type: 'number', step: '0.1', required: true, inputMode: 'decimal' });
      input.addEventListener('input', () => (this.positionDirty = true));
      return input;
    });
    this.moveForm = el(
      'form',
      { class: 'position-form', on: { submit: (e) => this.submitMove(e) } },
      el(
        'fieldset',
        {},
        el('legend', { text: 'Position (metres)' }),
        ...['x', 'y', 'z'].map((axis, i) =>
          el('span', { class: 'axis' }, el('label', { for: `position-${axis}`, text: axis }), this.positionInputs[i]),
        ),
        el('button', { type: 'submit', text: 'Move' }),
      ),
    );
    this.removeButton = el('button', {
      type: 'button',
      class: 'danger',
      text: 'Remove device',
      on: { click: () => this.confirmRemove() },
    });
    this.formError = el('p', { class: 'form-error', role: 'alert' });
    this.edit = el(
      'fieldset',
      { class: 'edit-controls' },
      el('legend', { class: 'visually-hidden', text: 'Edit the selected device' }),
      this.renameForm,
      this.moveForm,
      this.removeButton,
      this.formError,
    );
  }

  render(scene, deviceId, editable) {
    const device = deviceId ? scene.devices.get(deviceId) : null;
    this.empty.hidden = Boolean(device);
    this.body.hidden = !device;
    this.edit.disabled = !editable;
    if (!device) {
      this.deviceId = null;
      return;
    }
    if (device.id !== this.deviceId) {
      this.deviceId = device.id;
      this.nameDirty = false;
      this.positionDirty = false;
      this.formError.textContent = '';
      this.resetRemove();
    }
    if (!this.nameDirty) this.nameInput.value = device.name;
    if (!this.positionDirty) device.position.forEach((v, i) => (this.positionInputs[i].value = formatNumber(v, 3)));
    this.renderInfo(device);
    this.renderConnections(scene, device, editable);
  }

  renderInfo(device) {
    const style = deviceStyle(device.kind);
    const model = device.model?.builtin ? `built-in ${device.model.builtin}` : device.model?.asset ? `asset ${shortID(device.model.asset)}…` : '—';
    const rows = [
      ['Kind', style.label],
      ['Position', `${formatVector(device.position)} m`],
      ['Rotation', `${formatVector(device.rotation, 1)}° (yaw ${formatNumber(device.rotation?.[1] ?? 0, 1)}°)`],
      ['Scale', formatVector(device.scale, 3)],
      ['Model', model],
      ['Id', device.id],
    ];
    const metadata = Object.entries(device.metadata ?? {}).sort(([a], [b]) => a.localeCompare(b));
    this.info.replaceChildren(
      el('h3', { class: 'device-title' }, swatch(device.kind), el('span', { text: device.name })),
      el('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])),
      el('h4', { text: 'Metadata' }),
      metadata.length
        ? el(
            'dl',
            { class: 'facts metadata' },
            metadata.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: typeof v === 'string' ? v : JSON.stringify(v) })]),
          )
        : el('p', { class: 'hint', text: 'None.' }),
    );
  }

  renderConnections(scene, device, editable) {
    const connections = scene.connectionsOf(device.id);
    this.connectionsHeading.textContent = `Connections (${connections.length})`;
    keepFocus(this.connectionsList, () => {
      if (!connections.length) {
        this.connectionsList.replaceChildren(el('li', { class: 'hint', text: 'No connections.' }));
        return;
      }
      const arrows = { forward: ['→', '←'], backward: ['←', '→'], both: ['↔', '↔'] };
      this.connectionsList.replaceChildren(
        ...connections.map((c) => {
          const outgoing = c.source === device.id;
          const peer = outgoing ? c.target : c.source;
          const arrow = (arrows[c.direction] ?? arrows.forward)[outgoing ? 0 : 1];
          const style = connectionStyle(c.kind);
          const peerName = scene.deviceName(peer);
          return el(
            'li',
            {},
            el('span', { class: 'line-swatch', 'aria-hidden': 'true', style: `--color:${style.color}` }),
            el('span', { class: 'conn-kind', text: style.label }),
            el('span', { class: 'conn-arrow', text: arrow, title: c.direction }),
            el('button', {
              type: 'button',
              class: 'link',
              text: peerName,
              dataset: { focusKey: `peer-${c.id}` },
              'aria-label': `${style.label} ${outgoing ? 'to' : 'from'} ${peerName}: show it`,
              on: { click: () => this.handlers.pick(peer) },
            }),
            el('button', {
              type: 'button',
              class: 'small danger',
              text: 'Remove',
              disabled: !editable,
              dataset: { focusKey: `remove-${c.id}` },
              'aria-label': `Remove the ${style.label.toLowerCase()} connection ${outgoing ? 'to' : 'from'} ${peerName}`,
              on: { click: () => this.handlers.disconnect(c.id) },
            }),
          );
        }),
      );
    });
  }

  submitRename(e) {
    e.preventDefault();
    const name = this.nameInput.value.trim();
    const problem = nameProblem(name);
    this.formError.textContent = problem ?? '';
    if (problem || !this.deviceId) return;
    this.nameDirty = false;
    this.handlers.rename(this.deviceId, name);
  }

  submitMove(e) {
    e.preventDefault();
    const position = this.positionInputs.map((input) => input.valueAsNumber);
    const problem = positionProblem(position);
    this.formError.textContent = problem ?? '';
    if (problem || !this.deviceId) return;
    this.positionDirty = false;
    this.handlers.move(this.deviceId, position);
  }

  /** Removing is final, so the button asks for a second press. */
  confirmRemove() {
    if (!this.deviceId) return;
    if (this.removeArmed) {
      this.resetRemove();
      this.handlers.remove(this.deviceId);
      return;
    }
    this.removeArmed = true;
    this.removeButton.textContent = 'Press again to remove';
    this.removeTimer = setTimeout(() => this.resetRemove(), 4000);
  }

  resetRemove() {
    clearTimeout(this.removeTimer);
    this.removeArmed = false;
    this.removeButton.textContent = 'Remove device';
  }
}

/** Creating a connection: source, target, kind and direction. */
export class ConnectionForm {
  constructor(form, { create }) {
    this.form = form;
    this.create = create;
    this.source = form.querySelector('#connection-source');
    this.target = form.querySelector('#connection-target');
    this.kind = form.querySelector('#connection-kind');
    this.direction = form.querySelector('#connection-direction');
    this.error = form.querySelector('.form-error');
    this.selected = null;
    this.signature = '';
    this.kind.replaceChildren(...CONNECTION_KINDS.map((k) => el('option', { value: k, text: connectionStyle(k).label })));
    this.direction.replaceChildren(...DIRECTIONS.map((d) => el('option', { value: d, text: d })));
    form.querySelector('#use-selected-source').addEventListener('click', () => this.useSelected(this.source));
    form.querySelector('#use-selected-target').addEventListener('click', () => this.useSelected(this.target));
    form.addEventListener('submit', (e) => this.submit(e));
  }

  update(scene, selected, devicesChanged) {
    this.selected = selected;
    if (devicesChanged) this.fillOptions(scene);
    if (selected && !this.source.value && this.target.value !== selected) this.source.value = selected;
  }

  fillOptions(scene) {
    const devices = scene.sortedDevices();
    const signature = devices.map((d) => `${d.id}:${d.name}`).join('|');
    if (signature === this.signature) return;
    this.signature = signature;
    for (const select of [this.source, this.target]) {
      const keep = select.value;
      select.replaceChildren(
        el('option', { value: '', text: 'Choose a device…' }),
        ...devices.map((d) => el('option', { value: d.id, text: `${d.name} (${deviceStyle(d.kind).label})` })),
      );
      select.value = scene.devices.has(keep) ? keep : '';
    }
  }

  useSelected(select) {
    if (this.selected) select.value = this.selected;
    else this.error.textContent = 'Select a device first.';
  }

  submit(e) {
    e.preventDefault();
    const source = this.source.value;
    const target = this.target.value;
    let problem = null;
    if (!source || !target) problem = 'Choose both a source and a target device.';
    else if (source === target) problem = 'A connection must join two different devices.';
    this.error.textContent = problem ?? '';
    if (problem) return;
    this.create(source, target, this.kind.value, this.direction.value);
  }
}

