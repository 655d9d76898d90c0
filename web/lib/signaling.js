// signaling.js: a WebSocket client for the mediacore signaling server (docs/protocol.md),
// which speaks the wire protocol of Learning WebRTC's Node server plus a few compatible
// extensions. Works in a page, a Worker, and Node (pass `WebSocket` from the `ws` package).
//
//   const sig = new SignalingClient();              // ws(s)://<this page's host>/
//   await sig.connect();
//   const { iceServers } = await sig.login('alice'); // rejects SignalingError 'name-taken', ...
//   sig.on('offer', ({ from, offer }) => ...);
//   await sig.offer('bob', pc.localDescription);    // rejects SignalingError 'unknown-user'
//
// Reconnects by itself after a dropped connection (not after close()) and logs back in with
// the same name, taking it back from the dead connection with the token the server gave.

/** An error from the signaling server or this client. `code` is the server's error code
 * ('name-taken', 'invalid-name', 'unknown-user', 'not-logged-in', 'rate-limited', ...) or
 * one of this client's: 'closed' (no connection), 'timeout' (no reply in time). */
export class SignalingError extends Error {
  constructor(code, message, reply = undefined) {
    super(message);
    this.name = 'SignalingError';
    this.code = code;
    /** The server's reply, when there was one. */
    this.reply = reply;
  }
}

/** A minimal event emitter: on() returns the function that removes the handler. */
export class Emitter {
  #handlers = new Map();

  on(type, handler) {
    let set = this.#handlers.get(type);
    if (!set) this.#handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Resolve with the next event of `type` for which `filter` returns true. */
  once(type, filter = () => true, timeoutMs = 0) {
    return new Promise((resolve, reject) => {
      let timer = null;
      const off = this.on(type, (event) => {
        if (!filter(event)) return;
        off();
        if (timer) clearTimeout(timer);
        resolve(event);
      });
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          off();
          reject(new SignalingError('timeout', `no ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }

  emit(type, event) {
    for (const handler of [...(this.#handlers.get(type) ?? [])]) {
      try {
        handler(event);
      } catch (err) {
        // A failing handler must not stop the others or the socket.
        queueMicrotask(() => { throw err; });
      }
    }
  }
}

/** The signaling URL for a page served by the mediacore server: same host, ws or wss. */
export function defaultSignalingUrl(base = globalThis.location) {
  if (!base) throw new SignalingError('closed', 'no page location: pass the signaling URL');
  const url = new URL('/', base.href ?? String(base));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

const MAX_HELD_SENDERS = 32;
const MAX_HELD_CANDIDATES = 100;

export class SignalingClient extends Emitter {
  #url;
  #opts;
  #ws = null;
  #state = 'idle';
  #name = null;
  #token = null;
  #iceServers = [];
  #nextId = 1;
  #pending = new Map();     // id -> { resolve, reject, timer }
  #waiters = [];            // connect() calls waiting for the connection to open
  #retry = 0;
  #retryTimer = null;
  #owners = new Map();      // sender name -> owner (a Peer): answer/candidate/leave go there
  #held = new Map();        // sender name -> candidates that arrived before an owner

  /**
   * @param url ws:// or wss:// URL of the server (default: this page's host)
   * @param options.reconnect reconnect after a dropped connection (default true)
   * @param options.minDelay, options.maxDelay reconnect backoff bounds in ms (250, 5000)
   * @param options.timeout ms to wait for a reply to a request (10000)
   * @param options.WebSocket the WebSocket class (default globalThis.WebSocket)
   */
  constructor(url = defaultSignalingUrl(), options = {}) {
    super();
    this.#url = url;
    this.#opts = {
      reconnect: true, minDelay: 250, maxDelay: 5000, timeout: 10_000,
      WebSocket: globalThis.WebSocket, ...options,
    };
    if (typeof this.#opts.WebSocket !== 'function') {
      throw new SignalingError('closed', 'no WebSocket here: pass options.WebSocket');
    }
  }

  /** 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' */
  get state() { return this.#state; }
  /** The name this client is logged in with, or null. */
  get name() { return this.#name; }
  /** The ICE servers the server handed out at login (its STUN responder), or []. */
  get iceServers() { return this.#iceServers; }
  get url() { return this.#url; }

  /**
   * Open the connection; resolves when it is open. Safe to call again; while the client is
   * reconnecting it resolves when the connection is back. The first attempt's failure
   * rejects (SignalingError 'closed').
   */
  connect() {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(new SignalingError('closed', 'this client was closed'));
    const wait = new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#state === 'idle') this.#open();
    return wait;
  }

  /** Log in as `name`; resolves { name, iceServers }. */
  async login(name) {
    const reply = await this.request({ type: 'login', name: String(name) });
    return this.#loggedIn(reply);
  }

  /** Send an offer (an RTCSessionDescription or its JSON) to `to`; resolves once relayed. */
  offer(to, offer) {
    return this.request({ type: 'offer', name: to, offer: toJSON(offer) });
  }

  answer(to, answer) {
    return this.request({ type: 'answer', name: to, answer: toJSON(answer) });
  }

  candidate(to, candidate) {
    return this.request({ type: 'candidate', name: to, candidate: toJSON(candidate) });
  }

  /** Hang up: tells `to` (default: whoever the server has us in a call with). */
  leave(to = undefined) {
    return this.request(to === undefined ? { type: 'leave' } : { type: 'leave', name: to });
  }

  /**
   * Send `message` with a fresh id and resolve with the server's reply to it (the login
   * reply, or {type:'ack'}); reject with SignalingError on an error reply or a failed
   * login, 'timeout', or 'closed'.
   */
  request(message) {
    if (this.#state !== 'open') {
      return Promise.reject(new SignalingError('closed', `not connected (${this.#state})`));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new SignalingError('timeout', `no reply to ${message.type} within ${this.#opts.timeout} ms`));
      }, this.#opts.timeout);
      this.#pending.set(id, { resolve, reject, timer });
      this.#ws.send(JSON.stringify({ ...message, id }));
    });
  }

  /** Send a message as is, book style: no id, no reply expected. Throws when not open. */
  send(message) {
    if (this.#state !== 'open') throw new SignalingError('closed', `not connected (${this.#state})`);
    this.#ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /**
   * Route answer/candidate/leave messages from `from` to `owner` ({ onSignal(msg) }), and
   * hand it the candidates that arrived before it existed. Returns the detach function.
   * Peer does this; applications rarely need to.
   */
  attach(from, owner) {
    this.#owners.set(from, owner);
    const held = this.#held.get(from) ?? [];
    this.#held.delete(from);
    for (const msg of held) owner.onSignal(msg);
    return () => {
      if (this.#owners.get(from) === owner) this.#owners.delete(from);
    };
  }

  /** Close for good: no reconnect; pending requests reject with 'closed'. */
  close() {
    if (this.#state === 'closed') return;
    clearTimeout(this.#retryTimer);
    this.#setState('closed');
    this.#rejectAll(new SignalingError('closed', 'the client was closed'));
    this.#settleWaiters(new SignalingError('closed', 'the client was closed'));
    try { this.#ws?.close(1000, 'bye'); } catch { /* already closing */ }
    this.#ws = null;
    this.#name = null;
  }

  #setState(state) {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', { state });
  }

  #open() {
    this.#setState(this.#state === 'idle' ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new this.#opts.WebSocket(this.#url);
    } catch (err) {
      this.#setState('idle');
      this.#settleWaiters(new SignalingError('closed', `cannot connect to ${this.#url}: ${err.message}`));
      return;
    }
    this.#ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.#retry = 0;
      this.#setState('open');
      this.#settleWaiters(null);
      if (this.#name) this.#relogin();
    };
    ws.onmessage = (event) => this.#onMessage(event.data);
    ws.onerror = () => { /* onclose follows and decides */ };
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      const why = `connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`;
      this.#rejectAll(new SignalingError('closed', why));
      if (this.#state === 'closed') return;
      if (!opened && this.#state === 'connecting') {
        // The first attempt failed: report it, do not retry behind the caller's back.
        this.#setState('idle');
        this.#settleWaiters(new SignalingError('closed', `cannot connect to ${this.#url}`));
        return;
      }
      // 4001: our name was taken over by a newer connection of ours: do not fight it.
      if (!this.#opts.reconnect || event.code === 4001) {
        this.#name = null;
        this.#setState('closed');
        this.#settleWaiters(new SignalingError('closed', why));
        return;
      }
      this.#setState('reconnecting');
      const delay = Math.min(this.#opts.maxDelay, this.#opts.minDelay * 2 ** this.#retry++);
      this.#retryTimer = setTimeout(() => {
        if (this.#state === 'reconnecting') this.#open();
      }, delay * (0.75 + Math.random() / 2));
    };
  }

  #settleWaiters(err) {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const { resolve, reject } of waiters) {
      if (err) reject(err);
      else resolve();
    }
  }

  async #relogin() {
    const message = { type: 'login', name: this.#name };
    if (this.#token) message.token = this.#token;
    try {
      const reply = await this.request(message);
      this.#loggedIn(reply);
    } catch (err) {
      const lost = this.#name;
      this.#name = null;
      this.#token = null;
      this.emit('error', new SignalingError(err.code ?? 'closed', `logged out: could not log back in as "${lost}": ${err.message}`));
    }
  }

  #loggedIn(reply) {
    this.#name = reply.name;
    this.#token = reply.token ?? null;
    this.#iceServers = Array.isArray(reply.iceServers) ? reply.iceServers : [];
    const info = { name: this.#name, iceServers: this.#iceServers };
    this.emit('login', info);
    return info;
  }

  #rejectAll(err) {
    for (const { reject, timer } of this.#pending.values()) {
      clearTimeout(timer);
      reject(err);
    }
    this.#pending.clear();
  }

  #onMessage(data) {
    let msg;
    try {
      msg = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
    } catch {
      return;
    }
    if (msg === null || typeof msg !== 'object') return;
    this.emit('message', msg);

    // Replies to our requests carry the request's id.
    if (msg.id !== undefined && this.#pending.has(msg.id)) {
      const { resolve, reject, timer } = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      clearTimeout(timer);
      if (msg.type === 'error') reject(new SignalingError(msg.code ?? 'error', msg.message ?? 'error', msg));
      else if (msg.type === 'login' && msg.success !== true) {
        reject(new SignalingError(msg.code ?? 'login-failed', msg.reason ?? 'login failed', msg));
      } else resolve(msg);
      return;
    }

    switch (msg.type) {
      case 'offer':
        // A new call from this sender: whatever it sent before is stale.
        this.#held.delete(msg.from ?? msg.name);
        this.emit('offer', { from: msg.from ?? msg.name, offer: msg.offer, message: msg });
        return;
      case 'answer':
      case 'candidate':
      case 'leave': {
        const from = msg.from ?? this.#soleOwner();
        const owner = this.#owners.get(from);
        if (owner) owner.onSignal(msg);
        else if (msg.type === 'candidate' && from !== undefined) this.#hold(from, msg);
        else if (msg.type === 'leave') this.#held.delete(from);
        this.emit(msg.type, { from, [msg.type]: msg[msg.type], message: msg });
        return;
      }
      case 'error':
        this.emit('error', new SignalingError(msg.code ?? 'error', msg.message ?? 'error', msg));
        return;
      default:
        return;
    }
  }

  // The book's server does not say who a message is from: with one peer it is that one.
  #soleOwner() {
    return this.#owners.size === 1 ? this.#owners.keys().next().value : undefined;
  }

  #hold(from, msg) {
    let list = this.#held.get(from);
    if (!list) {
      if (this.#held.size >= MAX_HELD_SENDERS) this.#held.delete(this.#held.keys().next().value);
      this.#held.set(from, (list = []));
    }
    if (list.length < MAX_HELD_CANDIDATES) list.push(msg);
  }
}

function toJSON(value) {
  return value && typeof value.toJSON === 'function' ? value.toJSON() : value;
}
