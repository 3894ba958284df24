// What the client remembers: the scene, role and view mode from the URL, the name and the
// pseudonymous actor id in localStorage, and the last camera and selection for this tab
// (sessionStorage), so a reload resumes where it was.

import { ROLES, isUUID, newUUID } from './protocol.js';

export const MODES = ['auto', 'remote', 'local'];

function store(kind) {
  return {
    get(key) {
      try {
        return window[kind].getItem(key);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        if (value === null) window[kind].removeItem(key);
        else window[kind].setItem(key, value);
      } catch {
        /* private mode: the value lives for this page only */
      }
    },
  };
}

export const storage = store('localStorage');
const tab = store('sessionStorage');

export function loadSettings() {
  const params = new URLSearchParams(location.search);
  const settings = {
    scene: params.get('scene') || 'demo',
    role: ROLES.includes(params.get('role')) ? params.get('role') : 'driver',
    mode: MODES.includes(params.get('mode')) ? params.get('mode') : 'auto',
    kiosk: params.get('kiosk') === '1', // the view alone, filling the window (wall displays, the bench)
    name: storage.get('scenecast.name') ?? '',
    actor: storage.get('scenecast.actor'),
  };
  if (!isUUID(settings.actor)) {
    settings.actor = newUUID();
    storage.set('scenecast.actor', settings.actor);
  }
  return settings;
}

/** Keeps `key=value` in the URL, so a reload keeps it too. */
export function setURLParameter(key, value) {
  const url = new URL(location.href);
  url.searchParams.set(key, value);
  history.replaceState(null, '', url);
}

/** The camera and selection to restore after a reload of this tab, per scene. */
export const resume = {
  load(scene) {
    try {
      const saved = JSON.parse(tab.get(`scenecast.resume.${scene}`) ?? 'null');
      return saved && typeof saved === 'object' ? saved : null;
    } catch {
      return null;
    }
  },
  save(scene, { camera, selection }) {
    if (!scene) return;
    tab.set(`scenecast.resume.${scene}`, JSON.stringify({ camera, selection }));
  },
};
