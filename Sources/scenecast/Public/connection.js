// The /signal WebSocket: joins, passes messages on, and reconnects with exponential
// backoff (0.5 s doubling to 10 s) until the caller stops it.

export const BACKOFF = Object.freeze({ initialMs: 500, maxMs: 10_000 });

/** Delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(attempt) {
  return Math.min(BACKOFF.maxMs, BACKOFF.initialMs * 2 ** Math.min(attempt, 16));
}

export function signalURL(location = window.location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/signal`;
}

/**
 * Status values passed to `onStatus(status, detail)`:
 * - `connecting`: opening the socket (detail.attempt);
 * - `open`: socket open, join sent;
 * - `waiting`: closed, reconnecting at detail.retryAt (ms since epoch);
 * - `stopped`: given up (detail.reason).
 */
export class SignalClient {
  constructor({ url, makeJoin, onMessage, onStatus }) {
    this.url = url;
    this.makeJoin = makeJoin;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    this.attempt = 0;
    this.open();
  }

  /** Drops the current socket (if any) and connects again now, e.g. to rejoin with another role. */
  restart() {
    this.closeSocket();
    this.start();
  }

  /** Stops reconnecting; the caller decides whether and when to `start` again. */
  stop(reason) {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    this.closeSocket();
    this.onStatus('stopped', { reason });
  }

  /** The server accepted the join and sent the scene: the next outage starts from 0.5 s again. */
  markHealthy() {
    this.attempt = 0;
  }

  get isOpen() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Sends a JSON message; false when there is no open socket. */
  send(message) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Drops the socket and reconnects after the usual backoff (a refused join, missed updates). */
  reconnect() {
    if (this.stopped) return;
    if (this.socket) this.socket.close(4000, 'reconnect');
    else if (!this.timer) this.open();
  }

  /** Skips the remaining wait, e.g. when the browser comes back online. */
  retryNow() {
    if (this.stopped || this.socket) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.open();
  }

  open() {
    clearTimeout(this.timer);
    this.timer = null;
    this.onStatus('connecting', { attempt: this.attempt });
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.scheduleRetry(String(error));
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.socket) return;
      socket.send(JSON.stringify(this.makeJoin()));
      this.onStatus('open', {});
    });
    socket.addEventListener('message', (event) => {
      if (socket !== this.socket || typeof event.data !== 'string') return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.onMessage(message);
    });
    socket.addEventListener('close', (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.scheduleRetry(event.reason || `closed (${event.code})`);
    });
  }

  scheduleRetry(reason) {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.onStatus('waiting', { retryAt: Date.now() + delay, delay, reason });
    this.timer = setTimeout(() => this.open(), delay);
  }

  closeSocket() {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    if (socket.readyState === WebSocket.OPEN) {
      // Lets the server record the leave at once instead of on timeout.
      try {
        socket.send(JSON.stringify({ type: 'bye' }));
      } catch {
        /* closing anyway */
      }
    }
    socket.close(1000, 'client left');
  }
}
