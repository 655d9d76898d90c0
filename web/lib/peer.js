// peer.js: one RTCPeerConnection to one remote user, signaled through a SignalingClient:
// promise-based offer/answer, trickle ICE both ways, tracks and data channels.
//
// Caller:                                     Callee (in the signaling 'offer' handler,
//   const peer = new Peer({ signaling,         synchronously, so no candidate is missed):
//                           remote: 'bob' });    const peer = new Peer({ signaling, remote: from });
//   peer.addTrack(track, stream);                peer.on('track', ({ streams }) => ...);
//   peer.on('track', ({ streams }) => ...);      peer.addTrack(track, stream);
//   await peer.call();   // answer applied       await peer.accept(offer);
//   await peer.connected();                      ...
//   peer.hangUp();       // tells bob, closes
//
// Events (peer.on(type, handler) returns the function that removes it):
//   'track'       { track, streams }            a remote track arrived
//   'datachannel' RTCDataChannel                 the remote side opened a channel
//   'state'       { state }                      RTCPeerConnection.connectionState changed
//   'close'       { reason }                     'hangup' (we), 'leave' (they), 'failed', 'closed'
//   'error'       Error                          a candidate could not be sent or applied
import { Emitter, SignalingError } from './signaling.js';

export class Peer extends Emitter {
  #signaling;
  #remote;
  #detach;
  #queued = [];             // remote candidates waiting for the remote description
  #answerWaiter = null;     // { resolve, reject } while call() waits for the answer
  #closed = false;

  /**
   * @param options.signaling a SignalingClient that is logged in
   * @param options.remote the other user's name
   * @param options.iceServers default: what the server handed out at login
   * @param options.config more RTCConfiguration fields
   * @param options.RTCPeerConnection the class to use (default globalThis.RTCPeerConnection)
   */
  constructor({ signaling, remote, iceServers = signaling.iceServers, config = {},
    RTCPeerConnection: PC = globalThis.RTCPeerConnection } = {}) {
    super();
    if (!signaling || typeof remote !== 'string' || remote === '') {
      throw new TypeError('Peer needs { signaling, remote }');
    }
    if (typeof PC !== 'function') throw new Error('This browser has no RTCPeerConnection (WebRTC).');
    this.#signaling = signaling;
    this.#remote = remote;
    /** The underlying RTCPeerConnection, for anything this wrapper does not cover. */
    this.pc = new PC({ ...config, iceServers });
    this.pc.onicecandidate = ({ candidate }) => {
      if (!candidate || this.#closed) return;
      this.#signaling.candidate(this.#remote, candidate.toJSON()).catch((err) => {
        if (!this.#closed) this.emit('error', err);
      });
    };
    this.pc.ontrack = ({ track, streams }) => this.emit('track', { track, streams });
    this.pc.ondatachannel = ({ channel }) => this.emit('datachannel', channel);
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      this.emit('state', { state });
      if (state === 'failed') this.#shutdown('failed');
    };
    this.#detach = signaling.attach(remote, this);
  }

  /** The remote user's name: as given, then as the server knows it once the call is placed
   *  (names compare like "ALICE" = "alice"; replies come from the name as it logged in). */
  get remote() { return this.#remote; }

  /** The server acknowledged our offer with the recipient's name as it logged in: route its
   *  replies (which come `from` that name) here. */
  #follow(ack) {
    if (typeof ack?.to !== 'string' || ack.to === this.#remote) return;
    this.#detach();
    this.#remote = ack.to;
    this.#detach = this.#signaling.attach(ack.to, this);
  }
  /** RTCPeerConnection.connectionState, or 'closed'. */
  get state() { return this.#closed ? 'closed' : this.pc.connectionState; }

  addTrack(track, ...streams) {
    return this.pc.addTrack(track, ...streams);
  }

  createDataChannel(label, options) {
    return this.pc.createDataChannel(label, options);
  }

  /**
   * Call: create and send an offer, then wait for the answer and apply it. Rejects with
   * SignalingError 'unknown-user' (nobody by that name), 'left' (they hung up first),
   * 'timeout' (no answer within `timeoutMs`), 'closed'.
   */
  async call({ timeoutMs = 30_000 } = {}) {
    this.#live();
    const answered = new Promise((resolve, reject) => { this.#answerWaiter = { resolve, reject }; });
    answered.catch(() => {});
    const timer = setTimeout(() => this.#answerWaiter?.reject(
      new SignalingError('timeout', `${this.#remote} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    try {
      await this.pc.setLocalDescription(await this.pc.createOffer());
      this.#follow(await this.#signaling.offer(this.#remote, this.pc.localDescription));
      const answer = await answered;
      await this.pc.setRemoteDescription(answer);
      await this.#flushCandidates();
    } finally {
      clearTimeout(timer);
      this.#answerWaiter = null;
    }
  }

  /** Accept an offer (from the signaling 'offer' event): apply it, answer, send the answer. */
  async accept(offer) {
    this.#live();
    await this.pc.setRemoteDescription(offer);
    await this.#flushCandidates();
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.#signaling.answer(this.#remote, this.pc.localDescription);
  }

  /** Resolve when the connection is up ('connected'); reject if it fails or closes first. */
  connected({ timeoutMs = 30_000 } = {}) {
    if (this.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (fn, arg) => { offState(); offClose(); clearTimeout(timer); fn(arg); };
      const offState = this.on('state', ({ state }) => { if (state === 'connected') done(resolve); });
      const offClose = this.on('close', ({ reason }) =>
        done(reject, new SignalingError(reason === 'leave' ? 'left' : reason, `the call ended (${reason})`)));
      const timer = setTimeout(() => done(reject, new SignalingError('timeout', `no connection within ${timeoutMs / 1000} s`)), timeoutMs);
    });
  }

  /** Hang up: tell the other side (best effort) and close. */
  hangUp() {
    if (this.#closed) return;
    this.#signaling.leave(this.#remote).catch(() => {});
    this.#shutdown('hangup');
  }

  /** Close without telling anyone (e.g. the signaling connection is gone). Safe to call twice. */
  close() {
    this.#shutdown('closed');
  }

  /** Called by the SignalingClient with answer/candidate/leave messages from the remote. */
  onSignal(msg) {
    if (this.#closed) return;
    switch (msg.type) {
      case 'answer':
        if (this.#answerWaiter) this.#answerWaiter.resolve(msg.answer);
        break;
      case 'candidate':
        if (!msg.candidate || typeof msg.candidate !== 'object') break;
        if (this.pc.remoteDescription) this.#addCandidate(msg.candidate);
        else this.#queued.push(msg.candidate);
        break;
      case 'leave':
        this.#answerWaiter?.reject(new SignalingError('left', `${this.#remote} hung up`));
        this.#shutdown('leave');
        break;
      default:
        break;
    }
  }

  async #flushCandidates() {
    const queued = this.#queued;
    this.#queued = [];
    for (const c of queued) await this.#addCandidate(c);
  }

  async #addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (err) {
      if (!this.#closed) this.emit('error', err);
    }
  }

  #live() {
    if (this.#closed) throw new SignalingError('closed', 'this peer connection was closed');
  }

  #shutdown(reason) {
    if (this.#closed) return;
    this.#closed = true;
    this.#detach();
    this.#answerWaiter?.reject(new SignalingError('closed', `the call ended (${reason})`));
    this.pc.onicecandidate = this.pc.ontrack = this.pc.ondatachannel = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.emit('state', { state: 'closed' });
    this.emit('close', { reason });
  }
}
