// Remote-render mode: the server renders this participant's view and streams it over
// WebRTC. This controller owns the media session, turns the RemoteView's intents into
// commands (motion coalesced to one command per kind per animation frame) and runs the
// latency tester.

import { groundPoint, pixelRay, projectPoint, rayHitsDevice, requestedSize } from './camera.js';
import { LatencyTester } from './latency.js';
import { envelope, roundCoordinate } from './protocol.js';
import { RemoteView, videoFit } from './remoteview.js';
import { decodableCodecs, MediaSession } from './rtc.js';

const POINTER_INTERVAL_MS = 100;
const REFIT_DELAY_MS = 800; // a resized panel asks for its new size once it stayed put this long

export class RemoteController {
  /**
   * @param {{video: HTMLVideoElement, marker: HTMLElement, announce: HTMLElement}} elements
   * @param {{scene: import('./scene.js').SceneModel, me(): object|null, canEdit(): boolean,
   *          sendSignal(m: object): boolean, sendCommand(c: object): boolean, edit(c: object, label: string): string|null,
   *          pick(id: string): void, clear(): void, onMessage(m: object): void, onChange(): void,
   *          onMediaFailed(): void, rejoin?(): void}} host
   */
  constructor({ video, marker, announce }, host) {
    this.video = video;
    this.marker = marker;
    this.announce = announce;
    this.host = host;
    this.media = null;
    this.requested = { width: 1280, height: 720 }; // the size this client joined with
    this.size = this.requested; // the view's pixel size: the picture's own size once it plays
    this.following = true; // an observer's video follows the driver's until it moves its own camera
    this.motion = { dAz: 0, dEl: 0, dx: 0, dy: 0, zoom: 1, pointer: null, drag: null };
    this.frame = 0;
    this.pointerSentAt = 0;
    this.dragging = null; // {id, offset: [dx, dz], y}
    this.candidate = null; // device id the keyboard walk points at
    this.latency = new LatencyTester({
      video,
      sendProbe: (probeId) => host.sendCommand(envelope('latency:probe', { probeId })),
      onChange: () => host.onChange(),
    });
    this.view = new RemoteView(video, {
      viewSize: () => this.size,
      orbit: (dAz, dEl) => this.queue({ dAz, dEl }),
      pan: (dx, dy) => this.queue({ dx, dy }),
      zoom: (factor) => this.queue({ zoom: factor }),
      pointer: (p) => this.queue({ pointer: p }),
      click: (p) => this.click(p),
      canDrag: (p) => this.beginDrag(p),
      drag: (p, done) => this.drag(p, done),
      walk: (step) => this.walk(step),
      choose: () => this.choose(),
      clear: () => this.clearWalk(),
    });
    new ResizeObserver(() => this.fitPanel()).observe(video);
    // An observer watching the driver's view gets the driver's size, whatever it asked for.
    video.addEventListener('resize', () => {
      if (video.videoWidth && video.videoHeight) this.size = { width: video.videoWidth, height: video.videoHeight };
      this.fitPanel();
    });
  }

  /**
   * Keeps the picture filling its panel: covers it (`videoFit`) when the shapes nearly
   * match, and when the panel changed so much that a band would show on this client's own
   * view, asks for a new size by joining again (debounced, so a window being dragged
   * rejoins once), the way a page load would.
   */
  fitPanel() {
    const rect = this.video.getBoundingClientRect();
    const fit = videoFit(rect.width, rect.height, this.size.width, this.size.height);
    this.video.style.objectFit = fit.cover ? 'cover' : 'contain';
    this.placeMarker();
    clearTimeout(this.refitTimer);
    if (fit.cover || rect.width < 16 || rect.height < 16 || !this.media || this.followed()) return;
    const wanted = requestedSize(rect.width, rect.height, window.devicePixelRatio || 1);
    if (wanted.width === this.requested.width && wanted.height === this.requested.height) return;
    this.refitTimer = setTimeout(() => this.host.rejoin?.(), REFIT_DELAY_MS);
  }

  /** The size to join with: the video element's size in device pixels (even, at most 1080p). */
  measure() {
    const rect = this.video.getBoundingClientRect();
    // Hidden (the plan is showing): ask for the last size again.
    if (rect.width >= 16 && rect.height >= 16) this.requested = requestedSize(rect.width, rect.height, window.devicePixelRatio || 1);
    this.size = this.requested;
    this.following = true; // every join starts following again
    return { ...this.requested, codecs: decodableCodecs() };
  }

  // MARK: Signalling

  offer(message, iceServers) {
    this.closeMedia();
    const media = new MediaSession({
      video: this.video,
      iceServers,
      sendSignal: (m) => this.host.sendSignal(m),
      onMessage: (m) => this.host.onMessage(m),
      onState: (state) => {
        // Video that played and then lost its path (ICE consent failed: a network change, a
        // dead route) does not come back by itself: rejoin for a new offer, resuming through
        // state:full. Video that never played falls back to the plan instead (inbox.js).
        if (state === 'failed' && media === this.media && media.firstFrameAt !== null) this.host.onMediaFailed();
        this.host.onChange();
      },
    });
    this.media = media;
    this.media.acceptOffer(message.sdp).catch((error) => {
      console.error('scenecast: could not answer the offer', error);
      this.host.onChange();
    });
  }

  ice(message) {
    this.media?.remoteCandidate(message);
  }

  closeMedia() {
    this.latency.stop();
    this.media?.close();
    this.media = null;
  }

  // MARK: Motion

  queue(delta) {
    if (delta.dAz || delta.dEl || delta.dx || delta.dy || delta.zoom) this.detach();
    const m = this.motion;
    if (delta.dAz) m.dAz += delta.dAz;
    if (delta.dEl) m.dEl += delta.dEl;
    if (delta.dx) m.dx += delta.dx;
    if (delta.dy) m.dy += delta.dy;
    if (delta.zoom) m.zoom *= delta.zoom;
    if (delta.pointer) m.pointer = delta.pointer;
    if (delta.drag) m.drag = delta.drag;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Sends what accumulated since the last frame: at most one command of each kind. */
  flush() {
    this.frame = 0;
    const m = this.motion;
    const send = (type, data) => this.host.sendCommand(envelope(type, data));
    const clampDeg = (v) => Math.max(-3600, Math.min(3600, v));
    if (m.dAz || m.dEl) send('camera:orbit', { dAzimuth: clampDeg(m.dAz), dElevation: clampDeg(m.dEl) });
    if (m.dx || m.dy) send('camera:pan', { dx: Math.max(-100, Math.min(100, m.dx)), dy: Math.max(-100, Math.min(100, m.dy)) });
    if (m.zoom !== 1) send('camera:zoom', { factor: Math.max(0.01, Math.min(100, m.zoom)) });
    // Every pointer:move is recorded in the ledger: a hovering pointer is sent 10 times a second at most.
    let pointer = m.pointer;
    if (pointer && performance.now() - this.pointerSentAt >= POINTER_INTERVAL_MS) {
      send('pointer:move', { x: clamp01(pointer.u), y: clamp01(pointer.v) });
      this.pointerSentAt = performance.now();
      pointer = null;
    }
    if (m.drag) send('device:drag', { deviceId: m.drag.id, position: m.drag.position });
    this.motion = { dAz: 0, dEl: 0, dx: 0, dy: 0, zoom: 1, pointer: null, drag: null };
    if (pointer) this.queue({ pointer });
  }

  // MARK: Following the driver

  /** The driver this observer's video follows now, or null. */
  followed() {
    if (this.host.me()?.role !== 'observer' || !this.following) return null;
    for (const p of this.host.scene.participants.values()) if (p.role === 'driver') return p;
    return null;
  }

  /**
   * An observer who moves the camera while following the driver gets a view of its own:
   * its camera first jumps to where the driver's is, so the picture goes on from there.
   */
  detach() {
    const driver = this.followed();
    if (!driver?.camera) return;
    this.following = false;
    const { target, distance, azimuth, elevation, fov } = driver.camera;
    this.host.sendCommand(envelope('camera:set', { target, distance, azimuth: ((azimuth % 360) + 360) % 360, elevation, fov }));
    this.host.sendSignal({ type: 'view', follow: false });
    this.host.onChange();
  }

  /** Follows the driver's view again. */
  follow() {
    this.following = true;
    this.host.sendSignal({ type: 'view', follow: true });
    this.host.onChange();
  }

  /** The server moved this video (`{"type":"view","follow":…,"camera":…}`). */
  viewChanged(message) {
    this.following = message.follow === true;
    this.announce.textContent = this.following ? 'Following the driver.' : 'Your own camera: the driver no longer moves it.';
    this.host.onChange();
  }

  /** True when the Follow button applies: an observer with a driver to follow, not following it. */
  canFollow() {
    if (this.host.me()?.role !== 'observer' || this.following) return false;
    return [...this.host.scene.participants.values()].some((p) => p.role === 'driver');
  }

  // MARK: Picking and dragging

  /** The camera the picture is drawn with: the driver's while this observer follows it. */
  myCamera() {
    return this.followed()?.camera ?? this.host.me()?.camera ?? null;
  }

  click(p) {
    const data = { x: p.x, y: p.y, width: this.size.width, height: this.size.height };
    if (this.host.canEdit()) this.host.edit(envelope('device:click', data), 'click in the view');
    else {
      // Observers may not select: show what is under the pointer in the panels instead.
      const id = this.deviceAt(p);
      if (id) this.host.pick(id);
    }
  }

  /** The nearest device whose box the pixel's ray enters, as the server's BoundsPicker sees it. */
  deviceAt(p) {
    const camera = this.myCamera();
    if (!camera) return null;
    const ray = pixelRay(camera, p.x, p.y, this.size.width, this.size.height);
    let best = null;
    for (const device of this.host.scene.devices.values()) {
      const t = rayHitsDevice(ray, device);
      if (t !== null && (!best || t < best.t)) best = { id: device.id, t };
    }
    return best?.id ?? null;
  }

  /** Starts a drag when the pointer is on the driver's selected device; its grip offset on the ground. */
  beginDrag(p) {
    const me = this.host.me();
    const camera = me?.camera;
    const device = me?.selection ? this.host.scene.devices.get(me.selection) : null;
    if (!this.host.canEdit() || !camera || !device) return false;
    const ray = pixelRay(camera, p.x, p.y, this.size.width, this.size.height);
    if (rayHitsDevice(ray, device, 0.25) === null) return false;
    const ground = groundPoint(ray, 0);
    if (!ground) return false;
    this.dragging = { id: device.id, offset: [device.position[0] - ground[0], device.position[2] - ground[2]], y: device.position[1] };
    return true;
  }

  drag(p, done) {
    const d = this.dragging;
    const camera = this.myCamera();
    if (!d || !camera) return;
    const ground = groundPoint(pixelRay(camera, p.x, p.y, this.size.width, this.size.height), 0);
    if (!ground) return;
    const position = [roundCoordinate(ground[0] + d.offset[0]), d.y, roundCoordinate(ground[2] + d.offset[1])];
    if (!done) {
      this.queue({ drag: { id: d.id, position } });
      return;
    }
    this.dragging = null;
    this.motion.drag = null;
    const name = this.host.scene.deviceName(d.id);
    this.host.edit(envelope('device:drag', { deviceId: d.id, position }), `${name} to ${position.join(', ')}`);
  }

  // MARK: Keyboard walk

  walk(step) {
    const devices = this.host.scene.sortedDevices();
    if (!devices.length) return;
    const index = devices.findIndex((d) => d.id === this.candidate);
    const next = index < 0 ? (step > 0 ? 0 : devices.length - 1) : (index + step + devices.length) % devices.length;
    this.candidate = devices[next].id;
    this.announce.textContent = `${devices[next].name}: press Enter to select.`;
    this.placeMarker();
  }

  choose() {
    if (this.candidate) this.host.pick(this.candidate);
  }

  clearWalk() {
    this.candidate = null;
    this.announce.textContent = '';
    this.placeMarker();
    this.host.clear();
  }

  /** A view pixel to CSS pixels within the video element, through the cover crop or letterboxing. */
  toElement(p) {
    const rect = this.video.getBoundingClientRect();
    const fit = videoFit(rect.width, rect.height, this.size.width, this.size.height);
    return { x: fit.left + (p.x / this.size.width) * fit.width, y: fit.top + (p.y / this.size.height) * fit.height };
  }

  /** Where a world point shows in the view (view pixels), seen with this participant's camera. */
  viewPointOf(world) {
    const camera = this.myCamera();
    return camera ? projectPoint(camera, world, this.size.width, this.size.height) : null;
  }

  /** Rings the walked-to device over the video (the frames themselves show selections). */
  placeMarker() {
    const device = this.candidate ? this.host.scene.devices.get(this.candidate) : null;
    const p = device ? this.viewPointOf(device.position) : null;
    this.marker.hidden = !p;
    if (!p) return;
    const at = this.toElement(p);
    this.marker.style.transform = `translate(${at.x}px, ${at.y}px)`;
    this.marker.textContent = device.name;
  }
}

function clamp01(v) {
  return Math.max(0, Math.min(1, v));
}
