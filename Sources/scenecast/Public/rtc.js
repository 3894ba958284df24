// The WebRTC side of a remote-render session: answers the server's offer, trickles ICE,
// plays the video with the smallest playout delay, and carries commands over the
// server-created data channels `input` (unreliable: camera and pointer motion) and
// `commands` (reliable: edits, probes, and the server's acks, errors and state).

/** Command types that go over the unreliable `input` channel. */
export const MOTION_TYPES = new Set(['camera:orbit', 'camera:pan', 'camera:zoom', 'pointer:move']);

export class MediaSession {
  /**
   * @param {{video: HTMLVideoElement, iceServers: object[], sendSignal(message: object): void,
   *          onMessage(message: object): void, onState(state: string): void}} options
   */
  constructor({ video, iceServers, sendSignal, onMessage, onState }) {
    this.video = video;
    this.sendSignal = sendSignal;
    this.onMessage = onMessage;
    this.onState = onState;
    this.channels = new Map(); // label -> RTCDataChannel
    this.pendingCandidates = [];
    this.closed = false;
    this.firstFrameAt = null;
    this.pc = new RTCPeerConnection({ iceServers: Array.isArray(iceServers) ? iceServers : [], bundlePolicy: 'max-bundle' });
    this.pc.addEventListener('icecandidate', (e) => this.localCandidate(e.candidate));
    this.pc.addEventListener('track', (e) => this.attach(e));
    this.pc.addEventListener('datachannel', (e) => this.adopt(e.channel));
    this.pc.addEventListener('connectionstatechange', () => this.onState(this.pc.connectionState));
  }

  /** `{"type":"offer","sdp":...}` from the server: answer it. */
  async acceptOffer(sdp) {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    for (const c of this.pendingCandidates.splice(0)) await this.addCandidate(c);
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    if (!this.closed) this.sendSignal({ type: 'answer', sdp: this.pc.localDescription.sdp });
  }

  /** `{"type":"ice",...}` from the server; an empty candidate ends its gathering. */
  async remoteCandidate(message) {
    const candidate = { candidate: message.candidate ?? '', sdpMLineIndex: message.sdpMLineIndex ?? 0 };
    if (message.sdpMid !== undefined) candidate.sdpMid = message.sdpMid;
    if (!this.pc.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    await this.addCandidate(candidate);
  }

  async addCandidate(candidate) {
    if (!candidate.candidate) return; // end of the server's candidates: nothing to add
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      console.warn('scenecast: ICE candidate refused', candidate, error);
    }
  }

  localCandidate(candidate) {
    if (this.closed || !candidate || !candidate.candidate) return;
    this.sendSignal({ type: 'ice', candidate: candidate.candidate, sdpMLineIndex: candidate.sdpMLineIndex ?? 0 });
  }

  attach(event) {
    const receiver = event.receiver;
    // Play frames as soon as they decode: interactive video, not smooth playback.
    if ('jitterBufferTarget' in receiver) receiver.jitterBufferTarget = 0;
    if ('playoutDelayHint' in receiver) receiver.playoutDelayHint = 0;
    this.receiver = receiver;
    const stream = event.streams[0] ?? new MediaStream([event.track]);
    this.video.srcObject = stream;
    const play = this.video.play();
    if (play) play.catch(() => {}); // muted autoplay; a refusal shows as a paused video
    const noteFirst = () => {
      if (this.firstFrameAt !== null) return;
      this.firstFrameAt = performance.now();
      this.onState('frame');
    };
    if (this.video.requestVideoFrameCallback) this.video.requestVideoFrameCallback(noteFirst);
    else this.video.addEventListener('loadeddata', noteFirst, { once: true });
    this.onState('track');
  }

  adopt(channel) {
    this.channels.set(channel.label, channel);
    channel.addEventListener('open', () => this.onState(`channel:${channel.label}`));
    channel.addEventListener('close', () => this.channels.delete(channel.label));
    channel.addEventListener('message', (e) => {
      if (typeof e.data !== 'string') return;
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      this.onMessage(message);
    });
  }

  channelOpen(label) {
    return this.channels.get(label)?.readyState === 'open';
  }

  get commandsOpen() {
    return this.channelOpen('commands');
  }

  /** Sends a command over the matching data channel; false when that channel is not open. */
  sendCommand(command) {
    const label = MOTION_TYPES.has(command.type) && this.channelOpen('input') ? 'input' : 'commands';
    const channel = this.channels.get(label);
    if (!channel || channel.readyState !== 'open') return false;
    channel.send(JSON.stringify(command));
    return true;
  }

  /** The video's inbound RTP stats and the selected candidate pair, or null before media flows. */
  async stats() {
    if (this.closed) return null;
    const report = await this.pc.getStats();
    let inbound = null;
    let pair = null;
    let transport = null;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') inbound = s;
      else if (s.type === 'transport') transport = s;
    });
    if (transport?.selectedCandidatePairId) pair = report.get(transport.selectedCandidatePairId);
    if (!pair) report.forEach((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && (pair = s));
    return { inbound, pair, at: performance.now() };
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
    this.pc.close();
    if (this.video.srcObject) this.video.srcObject = null;
  }
}

/**
 * The video codecs this browser decodes, as RTP encoding names (`H264`, `VP8`, …), for
 * join's `codecs`: the server sends H.264 when it is listed, else VP8.
 */
export function decodableCodecs() {
  const codecs = globalThis.RTCRtpReceiver?.getCapabilities?.('video')?.codecs ?? [];
  const repair = new Set(['rtx', 'red', 'ulpfec', 'flexfec-03']);
  const names = codecs.map((c) => c.mimeType.replace(/^video\//i, '')).filter((n) => !repair.has(n.toLowerCase()));
  return [...new Set(names)];
}
