// corecodecs.js: the call demo's "core codecs" mode. Instead of handing tracks to WebRTC's
// own codecs, each side encodes its outgoing video to VP8 and its microphone to Opus in the
// wasm core, sends the packets over one RTCDataChannel (unordered, no retransmits: late
// media is useless), and decodes what arrives in the core: video onto a canvas, audio
// through an AudioWorklet. The page shows frame rate, bitrate and per-frame encode/decode
// time for both directions.
//
// Wire format: one message per packet, little-endian:
//   offset 0  u8   kind: 1 video, 2 audio, 3 keyframe request
//          1  u8   flags: bit 0 = keyframe
//          2  u16  sequence number (per kind, wrapping): a gap means a lost packet
//          4  f64  timestamp, microseconds
//         12  ...  the VP8 or Opus packet
// Losses: a missing video packet, a decode error or a too-large frame make the receiver
// skip to the next keyframe and ask the sender for one (at most every 300 ms); a missing
// audio packet is rebuilt from the next one's FEC or concealed.
import { createAudioContext, startCapture, startPlayer } from '../lib/audio-io.js';

export const CORE_CHANNEL = 'mediacore-codecs';
export const CORE_CHANNEL_OPTIONS = Object.freeze({ ordered: false, maxRetransmits: 0 });

const VIDEO = 1, AUDIO = 2, KEYFRAME_REQUEST = 3;
const HEADER = 12;
const MAX_BUFFERED = 1 << 20;   // skip frames while more than this waits to be sent

/** Smoothed per-second counters for the on-screen statistics. */
class Meter {
  constructor() { this.reset(); }
  reset() { this.frames = 0; this.bytes = 0; this.ms = 0; }
}

export class CoreCodecsCall {
  #core;
  #channel;
  #outgoing;
  #mic;
  #canvas;
  #ctx2d;
  #image = null;
  #enc = null;
  #dec = null;
  #aenc = null;
  #adec = null;
  #audioCtx = null;
  #capture = null;
  #player = null;
  #seq = { [VIDEO]: 0, [AUDIO]: 0 };
  #expect = { [VIDEO]: -1, [AUDIO]: -1 };
  #wantKeyframe = true;
  #waitKeyframe = true;
  #lastRequest = 0;
  #lastTimestamp = -1;
  #maxMessage = 65536;
  #sent = new Meter();
  #recv = new Meter();
  #audioBytes = { sent: 0, recv: 0 };
  #statsTimer = 0;
  #statsAt = 0;
  #closed = false;

  /**
   * @param core a MediaCore
   * @param channel the RTCDataChannel (CORE_CHANNEL, CORE_CHANNEL_OPTIONS)
   * @param outgoing the page's OutgoingVideo: frames are taken as its last stage sees them
   * @param micStream a MediaStream whose audio is sent (may have no audio track)
   * @param canvas where the remote video is drawn
   * @param maxMessageSize the connection's SCTP limit (pc.sctp.maxMessageSize)
   */
  constructor({ core, channel, outgoing, micStream, canvas, maxMessageSize }) {
    this.#core = core;
    this.#channel = channel;
    this.#outgoing = outgoing;
    this.#mic = micStream;
    this.#canvas = canvas;
    this.#ctx2d = canvas.getContext('2d');
    if (maxMessageSize) this.#maxMessage = Math.min(maxMessageSize, 256 * 1024);
    /** Called about once a second with the statistics: { text, send, receive }. */
    this.onstats = null;
    /** Called with an Error when something fails (media keeps going where it can). */
    this.onerror = null;
    /** Called after each remote frame is drawn: { frames, width, height }. */
    this.onframe = null;
    this.framesShown = 0;
  }

  async start() {
    const { width, height } = this.#outgoing;
    this.#enc = this.#core.createVideoEncoder({
      codec: 'vp8', width, height, fps: 30, bitrate: 800_000, keyframeInterval: 150,
      errorResilient: true, speed: 8,
    });
    this.#dec = this.#core.createVideoDecoder({ codec: 'vp8' });
    this.#aenc = this.#core.createAudioEncoder({ application: 'voip', bitrate: 32_000, fec: true, packetLoss: 10 });
    this.#adec = this.#core.createAudioDecoder();
    this.#channel.binaryType = 'arraybuffer';
    this.#channel.onmessage = ({ data }) => this.#receive(data);
    this.#outgoing.addStage({ name: 'core-encoder', process: (frame, info) => this.#sendVideo(frame, info) });
    this.#statsAt = performance.now();
    this.#statsTimer = setInterval(() => this.#stats(), 1000);
    try {
      this.#audioCtx = createAudioContext();
      // Not awaited: without a user gesture the context may stay suspended until one; the
      // worklets are set up either way and sound starts when it resumes.
      this.#audioCtx.resume().catch(() => {});
      const player = await startPlayer(this.#audioCtx, { channels: 1 });
      if (this.#closed) { player.stop(); return; }   // hung up meanwhile
      this.#player = player;
      if (this.#mic?.getAudioTracks().length) {
        const capture = await startCapture(this.#audioCtx, this.#mic, { channels: 1, blockFrames: 960 });
        if (this.#closed) { capture.stop(); return; }
        this.#capture = capture;
        this.#capture.port.onmessage = ({ data }) => this.#sendAudio(data);
      }
    } catch (err) {
      this.onerror?.(new Error(`audio is off: ${err.message}`, { cause: err }));
    }
  }

  #message(kind, flags, timestamp, data) {
    const msg = new Uint8Array(HEADER + (data ? data.byteLength : 0));
    const view = new DataView(msg.buffer);
    msg[0] = kind;
    msg[1] = flags;
    if (kind !== KEYFRAME_REQUEST) {
      view.setUint16(2, this.#seq[kind], true);
      this.#seq[kind] = (this.#seq[kind] + 1) & 0xffff;
    }
    view.setFloat64(4, timestamp, true);
    if (data) msg.set(data, HEADER);
    return msg;
  }

  #send(msg) {
    if (this.#channel.readyState !== 'open') return false;
    try {
      this.#channel.send(msg);
      return true;
    } catch (err) {
      this.onerror?.(err);
      return false;
    }
  }

  #sendVideo(frame, info) {
    if (this.#closed || this.#channel.readyState !== 'open') return;
    if (this.#channel.bufferedAmount > MAX_BUFFERED) return;   // congested: skip this frame
    const timestamp = Math.max(this.#lastTimestamp + 1, Math.round(info.time * 1000));
    this.#lastTimestamp = timestamp;
    const t0 = performance.now();
    const packets = this.#enc.encode(frame, { timestamp, keyframe: this.#wantKeyframe });
    this.#sent.ms += performance.now() - t0;
    this.#wantKeyframe = false;
    for (const p of packets) {
      if (p.data.byteLength + HEADER > this.#maxMessage) {   // too big for one message
        this.#wantKeyframe = true;
        continue;
      }
      if (this.#send(this.#message(VIDEO, p.keyframe ? 1 : 0, p.timestamp, p.data))) {
        this.#sent.frames++;
        this.#sent.bytes += p.data.byteLength;
      }
    }
  }

  #sendAudio(pcm) {
    if (this.#closed || this.#channel.readyState !== 'open') return;
    for (const p of this.#aenc.encode(pcm)) {
      if (this.#send(this.#message(AUDIO, 0, p.timestamp, p.data))) this.#audioBytes.sent += p.data.byteLength;
    }
  }

  /** Ask the sender for a keyframe, at most every 300 ms. */
  #requestKeyframe() {
    const now = performance.now();
    if (now - this.#lastRequest < 300) return;
    this.#lastRequest = now;
    this.#send(this.#message(KEYFRAME_REQUEST, 0, 0, null));
  }

  #receive(buffer) {
    if (this.#closed || !(buffer instanceof ArrayBuffer) || buffer.byteLength < HEADER) return;
    const view = new DataView(buffer);
    const kind = view.getUint8(0), keyframe = (view.getUint8(1) & 1) === 1;
    const seq = view.getUint16(2, true), timestamp = view.getFloat64(4, true);
    const data = new Uint8Array(buffer, HEADER);
    if (kind === KEYFRAME_REQUEST) {
      this.#wantKeyframe = true;
      return;
    }
    if (kind !== VIDEO && kind !== AUDIO) return;
    const expected = this.#expect[kind];
    const lost = expected < 0 ? 0 : (seq - expected) & 0xffff;
    if (expected >= 0 && lost >= 0x8000) return;                // late and out of order: drop
    this.#expect[kind] = (seq + 1) & 0xffff;
    if (kind === VIDEO) this.#receiveVideo(data, timestamp, keyframe, lost);
    else this.#receiveAudio(data, lost);
  }

  #receiveVideo(data, timestamp, keyframe, lost) {
    if (lost > 0) this.#waitKeyframe = true;
    if (this.#waitKeyframe && !keyframe) {
      this.#requestKeyframe();
      return;
    }
    if (keyframe && data.byteLength >= 10) {
      // A VP8 keyframe carries its size (bytes 6-9): size the canvas before decoding into it.
      const w = (data[6] | (data[7] << 8)) & 0x3fff, h = (data[8] | (data[9] << 8)) & 0x3fff;
      if (w && h && (w !== this.#canvas.width || h !== this.#canvas.height)) this.#resize(w, h);
    }
    if (!this.#image) this.#image = new ImageData(this.#canvas.width, this.#canvas.height);
    const t0 = performance.now();
    let frame;
    try {
      frame = this.#dec.decode(data, { timestamp, into: this.#image });
    } catch {
      this.#waitKeyframe = true;   // corrupt, or not what we expected: start again at a keyframe
      this.#requestKeyframe();
      return;
    }
    this.#waitKeyframe = false;
    this.#recv.ms += performance.now() - t0;
    this.#recv.frames++;
    this.#recv.bytes += data.byteLength;
    if (!frame) return;
    this.#ctx2d.putImageData(this.#image, 0, 0);
    this.framesShown++;
    this.onframe?.({ frames: this.framesShown, width: frame.width, height: frame.height });
  }

  #resize(width, height) {
    this.#canvas.width = width;
    this.#canvas.height = height;
    this.#image = null;
  }

  #receiveAudio(data, lost) {
    if (!this.#player) return;
    this.#audioBytes.recv += data.byteLength;
    try {
      if (lost === 1) this.#player.push(this.#adec.decodeFec(data));
      else for (let i = 0; i < Math.min(lost, 5); i++) this.#player.push(this.#adec.decode(null));
      this.#player.push(this.#adec.decode(data));
    } catch {
      /* a corrupt packet: skip it; the decoder stays usable */
    }
  }

  #stats() {
    const now = performance.now(), secs = (now - this.#statsAt) / 1000;
    this.#statsAt = now;
    const fmt = (m, audio) => ({
      fps: m.frames / secs,
      kbps: ((m.bytes + audio) * 8) / secs / 1000,
      msPerFrame: m.frames ? m.ms / m.frames : 0,
    });
    const send = fmt(this.#sent, this.#audioBytes.sent), receive = fmt(this.#recv, this.#audioBytes.recv);
    const line = (what, s, verb) => `${what} ${s.fps.toFixed(0)} fps, ${s.kbps.toFixed(0)} kbit/s, ${verb} ${s.msPerFrame.toFixed(1)} ms/frame`;
    const text = `Core codecs (VP8 + Opus in wasm over a data channel): ${line('sending', send, 'encode')} · ${line('receiving', receive, 'decode')}`;
    this.#sent.reset();
    this.#recv.reset();
    this.#audioBytes.sent = this.#audioBytes.recv = 0;
    this.onstats?.({ text, send, receive });
  }

  /** Stop sending and receiving and free the codecs. Safe to call twice. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#statsTimer);
    this.#outgoing.removeStage('core-encoder');
    this.#channel.onmessage = null;
    this.#capture?.stop();
    this.#player?.stop();
    this.#audioCtx?.close();
    for (const c of [this.#enc, this.#dec, this.#aenc, this.#adec]) c?.close();
  }
}
