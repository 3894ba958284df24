// The page's controls outside the views: name, role and view mode, retry, the plan's zoom
// buttons and the global keys (Escape clears the selection, Delete removes it).

import { nameProblem } from './protocol.js';
import { setURLParameter, storage } from './settings.js';

const $ = (id) => document.getElementById(id);

export function bindControls(app) {
  const { settings, session, log, client, plan } = app;
  const nameInput = $('name-input');
  nameInput.value = settings.name;
  nameInput.addEventListener('change', () => {
    const name = nameInput.value.trim();
    const problem = nameProblem(name, { allowEmpty: true });
    if (problem) {
      log.warn(problem);
      nameInput.value = settings.name;
      return;
    }
    settings.name = name;
    storage.set('scenecast.name', name);
    log.info('Name saved; it is sent when you next join.');
    app.onNameSaved();
  });
  $('identity-form').addEventListener('submit', (e) => e.preventDefault());

  for (const radio of document.querySelectorAll('input[name="view-mode"]')) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      settings.mode = radio.value;
      setURLParameter('mode', radio.value);
      log.info(`Rejoining with the ${radio.value === 'local' ? 'local plan' : 'remote video'} view…`);
      client.restart();
    });
  }

  $('role-select').addEventListener('change', (e) => {
    app.setRequestedRole(e.target.value);
    log.info(`Rejoining as ${settings.role}…`);
    client.restart();
  });

  $('retry-button').addEventListener('click', () => (session.status === 'stopped' ? client.start() : client.retryNow()));
  $('zoom-in').addEventListener('click', () => plan.zoomBy(1.25));
  $('zoom-out').addEventListener('click', () => plan.zoomBy(0.8));
  $('zoom-fit').addEventListener('click', () => plan.fit());

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target;
    const typing =
      t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || t.isContentEditable;
    // Escape in the (already empty) search box still clears the selection.
    if (typing && !(e.key === 'Escape' && t === $('device-search'))) return;
    if (e.key === 'Escape') {
      app.clearSelection();
      e.preventDefault();
    } else if (e.key === 'Delete' || (e.key === 'Backspace' && t === $('plan-canvas'))) {
      app.removeSelected();
      e.preventDefault();
    }
  });

  window.addEventListener('online', () => client.retryNow());
  window.addEventListener('pagehide', () => client.stop('page closed'));
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) client.start();
  });
  setInterval(() => session.status === 'waiting' && app.renderStatus(), 500);
}

