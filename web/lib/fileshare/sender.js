// fileshare/sender.js: FileSender, one file over a channel. Reads the file in slices
// (Blob.slice, a few MiB at a time, one slice read ahead), copies each chunk once into the
// core's frame buffer, sends the sealed frame (binary) or its Base64 (text) straight from
// module memory, and keeps the channel's bufferedAmount between two marks with
// bufferedamountlow events (no timers). Stops when the receiver's acknowledgements fall a
// window behind, so a slow disk on the other side slows the sender down.
import { MediaCoreError, WasmBuffer } from '../runtime.js';
import { makeAsciiString } from '../base64.js';
import { FileShareDefaults, messageSize } from './defaults.js';
import { emit, listen } from './events.js';
import { Meter } from './progress.js';
import { chunkLayout, readInfo, readStats, readResult, readText } from './wire.js';

function randomId() {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function randomTag() {
  const b = new Uint32Array(1);
  globalThis.crypto.getRandomValues(b);
  return b[0];
}

function asBlobLike(file) {
  if (file === null || typeof file !== 'object' || typeof file.slice !== 'function' ||
      !Number.isSafeInteger(file.size) || file.size < 0) {
    throw new MediaCoreError('MC_EINVAL', 'createFileSender needs a File or Blob', -1);
  }
  return file;
}


/**
 * Sends one file. Events (CustomEvent, details in `event.detail`):
 *   'accepted'    { mode }                      the receiver said yes; sending
 *   'progress'    { bytes, total, rate, eta, sent }   bytes = acknowledged by the receiver
 *   'interrupted' { bytes }                     the channel closed; attach() a new one
 *   'resumed'     { from }                      continuing from byte `from`
 *   'done'        result                        { ok, verified, sha256, ... }
 *   'warning'     { message }                   a malformed message from the peer (ignored)
 */
export class FileSender extends EventTarget {
  #rt;
  #ex;
  #wire;   // the chunk layout (wire.js)
  #h = 0;
  #file;
  #channel = null;
  #unlisten = () => {};
  #opts;
  #id;
  #tag;
  #started = null;
  #settle = null;
  #finished = false;
  #awaitingAnswer = false;   // offered, neither accepted nor refused yet
  #offerTimer = null;
  #pumping = false;
  #payload = 0;
  #block = null;
  #blockStart = 0;
  #prefetch = null;
  #meter;
  #msgBuf;
  #recBuf;
  #textDecoder = new TextDecoder();
  #onClose;

  /**
   * @param runtime the loaded module (from MediaCore)
   * @param file a File or Blob (anything with size and slice())
   * @param options.channel the RTCDataChannel (or attach() one later)
   * @param options.mode 'auto' (binary if the receiver takes it, else Base64) |
   *   'binary' | 'base64' (for text-only channels)
   * @param options.peerConnection / options.maxMessageSize: the chunk size follows the
   *   connection's maximum message size (16 KiB when unknown), capped at 256 KiB
   * @param options.chunkSize payload bytes per chunk (overrides the above)
   * @param options.name / options.type: override the file's name and MIME type
   * @param options.highWaterMark / lowWaterMark / window / readSize: flow control
   */
  constructor(runtime, file, options = {}, onClose = () => {}) {
    super();
    this.#rt = runtime;
    this.#ex = runtime.exports;
    this.#wire = chunkLayout(runtime);
    this.#file = asBlobLike(file);
    this.#onClose = onClose;
    const mode = options.mode ?? 'auto';
    if (!['auto', 'binary', 'base64'].includes(mode)) {
      throw new MediaCoreError('MC_EINVAL', `mode must be 'auto', 'binary' or 'base64', not ${mode}`, -1);
    }
    const msg = messageSize(options);
    const chunkSize = options.chunkSize ??
      (mode === 'binary' ? msg - this.#wire.headerSize : Math.floor(msg / 4) * 3 - this.#wire.headerSize);
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new MediaCoreError('MC_ERANGE', `invalid chunk size ${chunkSize}`, -8);
    }
    this.#opts = {
      mode, chunkSize,
      high: options.highWaterMark ?? FileShareDefaults.highWaterMark,
      low: options.lowWaterMark ?? FileShareDefaults.lowWaterMark,
      window: options.window ?? FileShareDefaults.window,
      readSize: Math.max(chunkSize, Math.floor((options.readSize ?? FileShareDefaults.readSize) / chunkSize) * chunkSize),
      name: String(options.name ?? file.name ?? 'file').replace(/\0/g, '_'),
      type: String(options.type ?? file.type ?? '').replace(/\0/g, '_'),
      interval: options.progressInterval ?? FileShareDefaults.progressInterval,
      offerRetry: options.offerRetry ?? FileShareDefaults.offerRetry,
    };
    this.#id = options.id ?? randomId();
    this.#tag = randomTag();
    this.#h = runtime.check(this.#ex.mc_wasm_chunk_sender_create(chunkSize, mode !== 'base64' ? 1 : 0,
      mode !== 'binary' ? 1 : 0, this.#opts.window), 'createFileSender');
    this.#payload = this.#ex.mc_wasm_chunk_sender_payload(this.#h);
    this.#msgBuf = new WasmBuffer(runtime);
    this.#recBuf = new WasmBuffer(runtime);
    this.#meter = new Meter(file.size, this.#opts.interval);
    if (options.channel) this.attach(options.channel);
  }

  /** The file id on the wire. */
  get id() { return this.#id; }
  get size() { return this.#file.size; }
  get name() { return this.#opts.name; }
  get chunkSize() { return this.#opts.chunkSize; }
  /** The agreed mode once accepted: 'binary' or 'base64'. */
  get mode() { return this.#h ? this.#info().mode : null; }
  /** Counters: bytesDone (acknowledged), bytesSent, resumes, ... */
  get stats() {
    if (!this.#h) return null;
    const ptr = this.#recBuf.reserve(this.#wire.recordSize);
    this.#ex.mc_wasm_chunk_sender_stats(this.#h, ptr);
    return readStats(this.#rt, ptr);
  }

  /**
   * Offer the file and send it. Resolves with the result once the receiver has verified
   * the whole file ({ ok: true, verified: true, sha256, ... }); rejects with a
   * MediaCoreError (its .result says more) when it was refused (MC_ELIMIT: no space or too
   * large; MC_ESTATE: declined, busy or cancelled) or failed verification (MC_ECHECKSUM).
   * Calling it again returns the same promise.
   */
  start() {
    if (this.#started) return this.#started;
    this.#live();
    this.#started = new Promise((resolve, reject) => { this.#settle = { resolve, reject }; });
    const strings = this.#rt.cstring(`${this.#id}\0${this.#opts.name}\0${this.#opts.type}`);
    this.#rt.check(this.#ex.mc_wasm_chunk_sender_begin(this.#h, strings, this.#file.size, this.#tag),
      `offering ${this.#opts.name}`);
    this.#sendMessage();
    this.#awaitAnswer();
    return this.#started;
  }

  /**
   * Use this channel from now on: after a dropped connection, the new channel. If a
   * transfer is under way, the file is offered again and continues where the receiver
   * got to.
   */
  attach(channel) {
    this.#live();
    this.#unlisten();
    this.#channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = this.#opts.low;
    this.#unlisten = listen(channel, {
      message: (e) => this.#onMessage(e.data),
      bufferedamountlow: () => this.#pump(),
      open: () => this.#onOpen(),
      close: () => this.#onChannelClose(),
    });
    if (this.#started && !this.#finished) {
      if (this.#ex.mc_wasm_chunk_sender_restart(this.#h) === 0) this.#sendMessage();
      this.#awaitAnswer();
    }
  }

  /** Stop sending and tell the receiver. The start() promise rejects (MC_ESTATE). */
  cancel(reason = 'cancelled by the sender') {
    if (!this.#h || this.#finished) return;
    const n = this.#ex.mc_wasm_chunk_sender_cancel(this.#h, this.#rt.cstring(reason));
    if (n > 0) this.#sendMessage(n);
    this.#finish();
  }

  /** Free the core's state and stop listening. Safe to call twice. */
  close() {
    if (!this.#h) return;
    if (!this.#finished && this.#started) this.cancel('the sender closed');
    clearInterval(this.#offerTimer);
    this.#offerTimer = null;
    this.#unlisten();
    this.#unlisten = () => {};
    this.#ex.mc_wasm_chunk_sender_destroy(this.#h);
    this.#h = 0;
    this.#msgBuf.close();
    this.#recBuf.close();
    this.#block = null;
    this.#prefetch = null;
    this.#onClose(this);
  }

  #live() {
    if (!this.#h) throw new MediaCoreError('MC_ESTATE', 'this FileSender has been closed', -9);
  }

  #info() {
    const ptr = this.#recBuf.reserve(this.#wire.recordSize);
    this.#ex.mc_wasm_chunk_sender_info(this.#h, ptr);
    return readInfo(this.#rt, ptr);
  }

  #result() {
    const ptr = this.#recBuf.reserve(this.#wire.recordSize);
    this.#ex.mc_wasm_chunk_sender_result(this.#h, ptr);
    return readResult(this.#rt, ptr);
  }

  /** Send the core's last control message (if the channel is open; else on open). */
  #sendMessage(len = this.#ex.mc_wasm_chunk_sender_message_len(this.#h)) {
    const ch = this.#channel;
    if (!ch || ch.readyState !== 'open' || len <= 0) return;
    ch.send(readText(this.#rt, this.#ex.mc_wasm_chunk_sender_message(this.#h), len));
  }

  #onOpen() {
    if (!this.#started || this.#finished) return;
    // A channel attached before it opened: offer (again) now.
    if (this.#ex.mc_wasm_chunk_sender_restart(this.#h) === 0) this.#sendMessage();
    this.#awaitAnswer();
  }

  /**
   * Offer again every offerRetry ms until the receiver answers: a start message that
   * arrives before anyone listens on the other end is lost, and nothing else would repeat
   * it. The receiver takes a repeated offer of the same file as a no-op while it decides,
   * as a resume once it is receiving, and repeats its done message once it has finished.
   */
  #awaitAnswer() {
    this.#awaitingAnswer = true;
    if (this.#offerTimer !== null || !(this.#opts.offerRetry > 0)) return;
    this.#offerTimer = setInterval(() => {
      if (!this.#h || this.#finished || !this.#awaitingAnswer) {
        clearInterval(this.#offerTimer);
        this.#offerTimer = null;
        return;
      }
      if (this.#channel?.readyState === 'open' && this.#ex.mc_wasm_chunk_sender_restart(this.#h) === 0) {
        this.#sendMessage();
      }
    }, this.#opts.offerRetry);
  }

  #onChannelClose() {
    if (this.#started && !this.#finished) {
      emit(this, 'interrupted', { bytes: this.stats.bytesDone });
    }
  }

  #onMessage(data) {
    const EV = this.#wire.ev;
    if (!this.#h || this.#finished) return;
    // Only JSON control messages for this file concern the sender; frames and other
    // files' messages (the channel may carry transfers both ways) are skipped cheaply.
    if (typeof data !== 'string' || data.charCodeAt(0) !== 123 || !data.includes(this.#id)) return;
    const bytes = new TextEncoder().encode(data);
    const ptr = this.#msgBuf.reserve(bytes.length + 1);
    this.#rt.bytes().set(bytes, ptr);
    const ev = this.#ex.mc_wasm_chunk_sender_receive(this.#h, ptr, bytes.length);
    if (ev < 0) return;
    if (ev & EV.ERROR) {
      emit(this, 'warning', { message: this.#rt.readCString(this.#ex.mc_wasm_chunk_sender_error(this.#h)) });
    }
    if (ev & (EV.ACCEPTED | EV.RESUME | EV.REJECTED | EV.CANCELLED | EV.COMPLETE)) this.#awaitingAnswer = false;
    if (ev & EV.ACCEPTED) {
      const s = this.stats;
      if (s.bytesDone > 0) emit(this, 'resumed', { from: s.bytesDone });
      else emit(this, 'accepted', { mode: this.mode });
    }
    if (ev & EV.RESUME) emit(this, 'resumed', { from: this.stats.bytesDone, gap: true });
    if (ev & (EV.COMPLETE | EV.REJECTED | EV.CANCELLED)) {
      this.#progress(true);
      this.#finish(ev);
      return;
    }
    if (ev & EV.PROGRESS) this.#progress(false);
    if (ev & (EV.ACCEPTED | EV.RESUME | EV.PROGRESS)) this.#pump();
  }

  #progress(force) {
    const s = this.stats;
    const p = this.#meter.update(s.bytesDone, force);
    if (p) emit(this, 'progress', { ...p, sent: s.bytesSent });
  }

  #finish(ev = 0) {
    const EV = this.#wire.ev;
    if (this.#finished) return;
    this.#finished = true;
    this.#block = null;
    this.#prefetch = null;
    const result = { id: this.#id, name: this.#opts.name, size: this.#file.size, ...this.#result(), stats: this.stats };
    if (ev & EV.COMPLETE) emit(this, 'done', result);
    if (!this.#settle) return;
    if (result.ok) {
      this.#settle.resolve(result);
    } else {
      const what = ev & EV.REJECTED ? 'the receiver refused the file'
        : ev & EV.CANCELLED ? 'the receiver cancelled the transfer'
          : ev & EV.COMPLETE ? 'the receiver could not verify the file' : 'the transfer was cancelled';
      const err = new MediaCoreError(result.code ?? 'MC_ESTATE',
        `${what}${result.reason ? `: ${result.reason}` : ''}`, result.errno || -9);
      err.result = result;
      this.#settle.reject(err);
    }
  }

  /** The bytes [offset, offset + length) if the current block holds them, else null. */
  #slice(offset, length) {
    const b = this.#block;
    if (b && offset >= this.#blockStart && offset + length <= this.#blockStart + b.length) {
      return b.subarray(offset - this.#blockStart, offset - this.#blockStart + length);
    }
    return null;
  }

  #read(start) {
    const end = Math.min(this.#file.size, start + this.#opts.readSize);
    const promise = this.#file.slice(start, end).arrayBuffer().then((buf) => new Uint8Array(buf));
    promise.catch(() => {});
    return { start, promise };
  }

  /** Make the block at `offset` current (reading it, or taking the read-ahead), then read
   * the next one ahead. */
  async #load(offset) {
    const ahead = this.#prefetch;
    const pending = ahead && ahead.start === offset ? ahead : this.#read(offset);
    this.#prefetch = null;
    const block = await pending.promise;
    if (this.#finished) return;
    this.#block = block;
    this.#blockStart = offset;
    const next = offset + block.length;
    if (next < this.#file.size) this.#prefetch = this.#read(next);
  }

  async #pump() {
    if (this.#pumping || this.#finished || !this.#h) return;
    this.#pumping = true;
    const ex = this.#ex;
    try {
      for (;;) {
        const ch = this.#channel;
        if (!ch || ch.readyState !== 'open' || this.#finished || !this.#h) return;
        if (ch.bufferedAmount > this.#opts.high) return;   // bufferedamountlow resumes
        const what = ex.mc_wasm_chunk_sender_poll(this.#h);
        if (what === this.#wire.sendChunk) {
          const offset = ex.mc_wasm_chunk_sender_chunk_offset(this.#h);
          const length = ex.mc_wasm_chunk_sender_chunk_length(this.#h);
          const src = this.#slice(offset, length);
          if (src === null) {
            await this.#load(offset);
            continue;
          }
          this.#rt.bytes().set(src, this.#payload);                        // copy in
          const n = this.#rt.check(ex.mc_wasm_chunk_sender_seal(this.#h), 'sealing a chunk');
          const out = ex.mc_wasm_chunk_sender_output(this.#h);
          const u8 = this.#rt.bytes();
          if (ex.mc_wasm_chunk_sender_output_is_text(this.#h)) {
            ch.send(makeAsciiString(this.#textDecoder, u8, out, out + n));  // out
          } else {
            ch.send(u8.subarray(out, out + n));                            // out (copied by send)
          }
        } else if (what === this.#wire.sendEnd) {
          this.#sendMessage(this.#rt.check(ex.mc_wasm_chunk_sender_end(this.#h), 'ending'));
        } else {
          return;
        }
      }
    } catch (err) {
      // The file could not be read (moved, deleted, changed) or the channel refused a
      // message: tell the receiver, then the caller.
      if (!this.#finished && this.#h) {
        const why = `${this.#opts.name} could not be read or sent: ${err?.message ?? err}`;
        const n = ex.mc_wasm_chunk_sender_cancel(this.#h, this.#rt.cstring(why.slice(0, 120)));
        try {
          if (n > 0) this.#sendMessage(n);
        } catch { /* the channel is gone too */ }
        this.#finished = true;
        this.#block = null;
        this.#prefetch = null;
        const e = err instanceof MediaCoreError ? err : new MediaCoreError('MC_EINVAL', why, -1);
        this.#settle?.reject(e);
      }
    } finally {
      this.#pumping = false;
    }
  }
}
