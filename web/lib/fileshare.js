// fileshare.js: core.createFileSender(file, options) and core.createFileReceiver(options):
// files over an RTCDataChannel (or anything shaped like one), with the protocol, framing,
// CRC-32C per chunk, whole-file SHA-256 and resume state in the wasm core (src/core/
// chunk.h, docs/fileshare.md). This module does the I/O around it:
//
//   sender    reads the file in slices (Blob.slice, a few MiB at a time, one slice read
//             ahead), copies each chunk once into the core's frame buffer, sends the sealed
//             frame (binary) or its Base64 (text) straight from module memory, and keeps
//             the channel's bufferedAmount between two marks with bufferedamountlow
//             events (no timers). Stops when the receiver's acknowledgements fall a
//             window behind, so a slow disk on the other side slows the sender down.
//   receiver  checks free space (navigator.storage.estimate) before accepting, writes to
//             disk as bytes arrive (the origin private file system, or a
//             FileSystemFileHandle the application supplies, e.g. from
//             showSaveFilePicker) and falls back to a Blob built in parts; acknowledges
//             only what has been written.
//   resume    after a dropped connection, attach() both ends to the new channel: the
//             sender offers the same file again and continues from the receiver's next
//             missing chunk.
//
// Nothing is allocated in module memory per chunk: the core's buffers are sized once per
// file and reused.
import { MediaCoreError, WasmBuffer } from './runtime.js';
import { makeAsciiString } from './base64.js';

const EV = Object.freeze({
  OFFER: 0x1, DATA: 0x2, REPLY: 0x4, PROGRESS: 0x8, COMPLETE: 0x10, CANCELLED: 0x20,
  ACCEPTED: 0x40, REJECTED: 0x80, RESUME: 0x100, IGNORED: 0x200, ERROR: 0x400,
});
const SEND_CHUNK = 1;
const SEND_END = 2;
const HEADER = 20;               // MC_CHUNK_HEADER_SIZE
const MODE_NAMES = ['base64', 'binary', 'legacy'];
const MiB = 1024 * 1024;

/** Defaults, exported for tests and benchmarks. */
export const FileShareDefaults = Object.freeze({
  unknownMaxMessageSize: 16 * 1024,   // when the connection does not say
  messageCap: 256 * 1024,             // never larger messages than this, whatever it says
  highWaterMark: 8 * MiB,             // stop sending above this bufferedAmount...
  lowWaterMark: 1 * MiB,              // ...and go on when it falls to this
  window: 32 * MiB,                   // bytes sent beyond the receiver's last ack
  readSize: 4 * MiB,                  // Blob slice read at a time
  ackBytes: 1 * MiB,                  // receiver: acknowledge (and flush) this often
  maxChunkSize: 1 * MiB,              // receiver: largest chunk accepted
  spaceMargin: 16 * MiB,              // receiver: keep this much free beyond the file
  progressInterval: 100,              // ms between progress events (at most)
  offerRetry: 2000,                   // sender: offer again this often until answered (0: never)
});

// ---- Small helpers ------------------------------------------------------------------

function emit(target, type, detail) {
  target.dispatchEvent(new CustomEvent(type, { detail }));
}

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

/** Human-readable bytes for messages: 1.5 GB, 320 MB, 12 kB. */
export function formatBytes(n) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ${units[i]}`;
}

/** The largest message the connection takes: options.maxMessageSize, the peer
 * connection's SCTP transport, or 16 KiB when unknown; capped at messageCap. */
function messageSize(options) {
  const pc = options.peerConnection;
  let size = options.maxMessageSize ?? pc?.sctp?.maxMessageSize ?? FileShareDefaults.unknownMaxMessageSize;
  if (!Number.isFinite(size) || size <= 0) size = FileShareDefaults.unknownMaxMessageSize;
  return Math.min(size, options.messageCap ?? FileShareDefaults.messageCap);
}

/** Rate over the last few seconds and time left. */
class Meter {
  constructor(total, interval) {
    this.total = total;
    this.interval = interval;
    this.samples = [];
    this.last = -Infinity;
  }

  /** A progress record, or null when the last one was less than `interval` ago. */
  update(bytes, force = false) {
    const now = performance.now();
    if (!force && now - this.last < this.interval) return null;
    this.last = now;
    this.samples.push([now, bytes]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 3000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    const rate = now > t0 ? ((bytes - b0) * 1000) / (now - t0) : 0;
    const left = this.total - bytes;
    return {
      bytes, total: this.total, rate,
      eta: left <= 0 ? 0 : rate > 0 ? left / rate : Infinity,
    };
  }
}

/** Record layouts written by src/wasm/exports_chunk.c. */
function readInfo(rt, ptr) {
  const view = new DataView(rt.memory.buffer);
  const str = (at, max) => {
    const u8 = rt.bytes();
    let end = ptr + at;
    while (u8[end] !== 0 && end < ptr + at + max) end++;
    return new TextDecoder().decode(u8.subarray(ptr + at, end));
  };
  return {
    size: view.getFloat64(ptr, true),
    sizeKnown: view.getInt32(ptr + 8, true) !== 0,
    chunkSize: view.getUint32(ptr + 12, true),
    chunks: view.getUint32(ptr + 16, true),
    tag: view.getUint32(ptr + 20, true),
    mode: MODE_NAMES[view.getInt32(ptr + 24, true)] ?? 'base64',
    id: str(32, 65),
    name: str(97, 256),
    type: str(353, 128),
  };
}

const STAT_NAMES = ['bytesDone', 'bytesSent', 'chunksDone', 'duplicates', 'outOfOrder',
  'corrupt', 'stale', 'resumes', 'errors'];

function readStats(rt, ptr) {
  const f = new Float64Array(rt.memory.buffer, ptr, STAT_NAMES.length);
  return Object.fromEntries(STAT_NAMES.map((k, i) => [k, f[i]]));
}

function readResult(rt, ptr) {
  const view = new DataView(rt.memory.buffer);
  const u8 = rt.bytes();
  const str = (at, max) => {
    let end = ptr + at;
    while (u8[end] !== 0 && end < ptr + at + max) end++;
    return new TextDecoder().decode(u8.subarray(ptr + at, end));
  };
  const error = view.getInt32(ptr + 8, true);
  return {
    ok: view.getInt32(ptr, true) !== 0,
    verified: view.getInt32(ptr + 4, true) !== 0,
    errno: error,
    code: error === 0 ? null : rt.readCString(rt.exports.mc_wasm_error_name(error)),
    sha256: str(12, 65),
    reason: str(80, 128),
  };
}

/** Text of `len` bytes of UTF-8 at ptr. */
function readText(rt, ptr, len) {
  return new TextDecoder().decode(rt.bytes().subarray(ptr, ptr + len));
}

/** Listen to a channel; returns the function that stops listening. */
function listen(channel, handlers) {
  for (const [type, fn] of Object.entries(handlers)) channel.addEventListener(type, fn);
  return () => {
    for (const [type, fn] of Object.entries(handlers)) channel.removeEventListener(type, fn);
  };
}

function asBlobLike(file) {
  if (file === null || typeof file !== 'object' || typeof file.slice !== 'function' ||
      !Number.isSafeInteger(file.size) || file.size < 0) {
    throw new MediaCoreError('MC_EINVAL', 'createFileSender needs a File or Blob', -1);
  }
  return file;
}

// ---- Sender -------------------------------------------------------------------------

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
    this.#file = asBlobLike(file);
    this.#onClose = onClose;
    const mode = options.mode ?? 'auto';
    if (!['auto', 'binary', 'base64'].includes(mode)) {
      throw new MediaCoreError('MC_EINVAL', `mode must be 'auto', 'binary' or 'base64', not ${mode}`, -1);
    }
    const msg = messageSize(options);
    const chunkSize = options.chunkSize ??
      (mode === 'binary' ? msg - HEADER : Math.floor(msg / 4) * 3 - HEADER);
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
    const ptr = this.#recBuf.reserve(512);
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
    const ptr = this.#recBuf.reserve(512);
    this.#ex.mc_wasm_chunk_sender_info(this.#h, ptr);
    return readInfo(this.#rt, ptr);
  }

  #result() {
    const ptr = this.#recBuf.reserve(512);
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
        if (what === SEND_CHUNK) {
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
        } else if (what === SEND_END) {
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

// ---- Receiver sinks ---------------------------------------------------------------

/** Collects the file in memory, in Blob parts (the browser may keep large Blobs on disk). */
class MemorySink {
  constructor(offer) {
    this.offer = offer;
    this.parts = [];
    this.storage = 'memory';
  }

  async open() {}

  async write(position, bytes) {
    this.parts.push(new Blob([bytes]));
  }

  async close() {
    const blob = new Blob(this.parts, { type: this.offer.type });
    this.parts = [];
    return typeof File === 'function' ? new File([blob], this.offer.name, { type: this.offer.type }) : blob;
  }

  async abort() {
    this.parts = [];
  }
}

/** Writes through a FileSystemFileHandle (File System Access API or the origin private
 * file system). `dir`/`entry`: a temporary OPFS file to remove on abort. */
class HandleSink {
  constructor(handle, dir = null, entry = null) {
    this.handle = handle;
    this.dir = dir;
    this.entry = entry;
    this.writer = null;
    this.storage = dir ? 'opfs' : 'file';
  }

  async open() {
    this.writer = await this.handle.createWritable();
  }

  async write(position, bytes) {
    await this.writer.write({ type: 'write', position, data: bytes });
  }

  async close() {
    await this.writer.close();
    this.writer = null;
    return this.handle.getFile();
  }

  async abort() {
    try {
      await this.writer?.abort();
    } catch { /* already closed */ }
    this.writer = null;
    await this.remove();
  }

  async remove() {
    if (this.dir) await this.dir.removeEntry(this.entry).catch(() => {});
  }
}

const OPFS_DIR = 'mediacore-share';

async function opfsSink(offer) {
  const root = await globalThis.navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(OPFS_DIR, { create: true });
  const entry = `${offer.id}-${offer.name}`.slice(0, 200);
  const handle = await dir.getFileHandle(entry, { create: true });
  return new HandleSink(handle, dir, entry);
}

/** Remove every file a FileReceiver has stored in the origin private file system. */
export async function clearReceivedFiles() {
  const root = await globalThis.navigator?.storage?.getDirectory?.();
  if (root) await root.removeEntry(OPFS_DIR, { recursive: true }).catch(() => {});
}

// ---- Receiver -----------------------------------------------------------------------

/**
 * Receives files, one after another. Events (CustomEvent, details in `event.detail`):
 *   'offer'     offer { id, name, size, type, mode, legacy }   before deciding
 *   'refused'   { offer, reason, message }                      we said no (space, ...)
 *   'progress'  { id, name, bytes, total, rate, eta }
 *   'resumed'   { id, from }                                    the sender reconnected
 *   'file'      result { id, name, size, type, ok, verified, sha256, file, storage,
 *                        legacy, reason, stats, remove() }
 *   'cancelled' { id, name, reason }                             the sender cancelled
 *   'warning'   { message }                                      a bad message, ignored
 *   'error'     { error }                                        a file failed locally
 */
export class FileReceiver extends EventTarget {
  #rt;
  #ex;
  #h = 0;
  #channel = null;
  #unlisten = () => {};
  #opts;
  #recBuf;
  #current = null;
  #encoder = new TextEncoder();
  #onClose;

  /**
   * @param options.channel the RTCDataChannel (or attach() one later)
   * @param options.accept async (offer) => boolean: ask the user (default: accept)
   * @param options.storage 'auto' (origin private file system where available, else
   *   memory) | 'opfs' | 'memory' | async (offer) => FileSystemFileHandle | sink
   * @param options.estimate async () => { quota, usage } (default navigator.storage.estimate)
   * @param options.maxFileSize / maxChunkSize / ackBytes / spaceMargin
   */
  constructor(runtime, options = {}, onClose = () => {}) {
    super();
    this.#rt = runtime;
    this.#ex = runtime.exports;
    this.#onClose = onClose;
    const storage = options.storage ?? 'auto';
    if (typeof storage !== 'function' && !['auto', 'opfs', 'memory'].includes(storage)) {
      throw new MediaCoreError('MC_EINVAL', `storage must be 'auto', 'opfs', 'memory' or a function, not ${storage}`, -1);
    }
    const est = globalThis.navigator?.storage?.estimate;
    this.#opts = {
      accept: options.accept ?? null,
      storage,
      estimate: options.estimate ?? (est ? () => globalThis.navigator.storage.estimate() : null),
      spaceMargin: options.spaceMargin ?? FileShareDefaults.spaceMargin,
      ackBytes: options.ackBytes ?? FileShareDefaults.ackBytes,
      interval: options.progressInterval ?? FileShareDefaults.progressInterval,
    };
    this.#h = runtime.check(this.#ex.mc_wasm_chunk_receiver_create(
      options.maxChunkSize ?? FileShareDefaults.maxChunkSize, options.maxFileSize ?? 0,
      1, this.#opts.ackBytes), 'createFileReceiver');
    this.#recBuf = new WasmBuffer(runtime);
    if (options.channel) this.attach(options.channel);
  }

  /** The file being received, or null: { id, name, size, type, mode, legacy }. */
  get current() { return this.#current ? this.#current.offer : null; }

  /** Counters for the current (or last) file. */
  get stats() {
    if (!this.#h) return null;
    const ptr = this.#recBuf.reserve(512);
    this.#ex.mc_wasm_chunk_receiver_stats(this.#h, ptr);
    return readStats(this.#rt, ptr);
  }

  /** Listen on this channel from now on (after a reconnection, the new channel). */
  attach(channel) {
    this.#live();
    this.#unlisten();
    this.#channel = channel;
    channel.binaryType = 'arraybuffer';
    this.#unlisten = listen(channel, { message: (e) => this.#onMessage(e.data) });
  }

  /** Abandon the file being received (tells the sender; removes the partial file). */
  cancel(reason = 'cancelled by the receiver') {
    const t = this.#current;
    if (!t || !this.#h) return;
    const strings = this.#rt.cstring(`declined\0${reason}`);
    const n = this.#ex.mc_wasm_chunk_receiver_reject(this.#h, strings);
    if (n > 0) this.#send(this.#message(n));
    this.#drop(t, reason);
  }

  /** Stop listening and free the core's state. Safe to call twice. */
  close() {
    if (!this.#h) return;
    if (this.#current) this.cancel('the receiver closed');
    this.#unlisten();
    this.#unlisten = () => {};
    this.#ex.mc_wasm_chunk_receiver_destroy(this.#h);
    this.#h = 0;
    this.#recBuf.close();
    this.#onClose(this);
  }

  #live() {
    if (!this.#h) throw new MediaCoreError('MC_ESTATE', 'this FileReceiver has been closed', -9);
  }

  #send(text) {
    const ch = this.#channel;
    if (ch && ch.readyState === 'open') ch.send(text);
  }

  #message(len = this.#ex.mc_wasm_chunk_receiver_message_len(this.#h)) {
    return readText(this.#rt, this.#ex.mc_wasm_chunk_receiver_message(this.#h), len);
  }

  #onMessage(data) {
    if (!this.#h) return;
    const ex = this.#ex;
    let ev;
    if (typeof data === 'string') {
      // ASCII (every frame, most control messages) takes one byte per character; a name
      // with other characters needs up to three.
      let ptr = ex.mc_wasm_chunk_receiver_input(this.#h, data.length);
      if (ptr === 0) return this.#tooLarge(data.length);
      let { read, written } = this.#encoder.encodeInto(data, this.#rt.bytes().subarray(ptr, ptr + data.length));
      if (read !== data.length) {
        ptr = ex.mc_wasm_chunk_receiver_input(this.#h, data.length * 3);
        if (ptr === 0) return this.#tooLarge(data.length * 3);
        ({ written } = this.#encoder.encodeInto(data, this.#rt.bytes().subarray(ptr, ptr + data.length * 3)));
      }
      ev = ex.mc_wasm_chunk_receiver_push_text(this.#h, ptr, written);
    } else {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (bytes === null) return;   // a Blob: binaryType is set to arraybuffer on attach
      const ptr = ex.mc_wasm_chunk_receiver_input(this.#h, bytes.length);
      if (ptr === 0) return this.#tooLarge(bytes.length);
      this.#rt.bytes().set(bytes, ptr);
      ev = ex.mc_wasm_chunk_receiver_push_binary(this.#h, ptr, bytes.length);
    }
    if (ev < 0) {
      emit(this, 'warning', { message: `message dropped: ${this.#rt.error(ev).message}` });
      return;
    }
    this.#handle(ev);
  }

  #tooLarge(size) {
    emit(this, 'warning', { message: `message of ${size} bytes dropped: over the receiver's limit` });
  }

  #handle(ev) {
    const ex = this.#ex;
    if (ev & EV.ERROR) {
      emit(this, 'warning', { message: this.#rt.readCString(ex.mc_wasm_chunk_receiver_error(this.#h)) });
    }
    if (ev & EV.OFFER) this.#offer();
    const t = this.#current;
    if (ev & EV.DATA && t) {
      const ptr = ex.mc_wasm_chunk_receiver_data(this.#h);
      const len = ex.mc_wasm_chunk_receiver_data_len(this.#h);
      this.#stage(t, ex.mc_wasm_chunk_receiver_data_offset(this.#h), this.#rt.bytes().subarray(ptr, ptr + len));
    }
    if (ev & EV.REPLY && !(ev & EV.COMPLETE && t)) {
      const text = this.#message();
      if (t && !(ev & EV.OFFER)) {
        // Acknowledge only what is written: the reply waits for the writes before it.
        this.#flush(t);
        t.chain = t.chain.then(() => this.#send(text));
      } else {
        this.#send(text);   // a refusal ('busy', 'invalid', 'size') needs no waiting
      }
    }
    if (ev & EV.RESUME && t) emit(this, 'resumed', { id: t.offer.id, from: this.stats.bytesDone });
    if (ev & EV.PROGRESS && t) {
      const p = t.meter.update(this.stats.bytesDone, false);
      if (p) emit(this, 'progress', { id: t.offer.id, name: t.offer.name, ...p });
    }
    if (ev & EV.COMPLETE && t) this.#complete(t, ev & EV.REPLY ? this.#message() : null);
    if (ev & EV.CANCELLED && t) {
      const ptr = this.#recBuf.reserve(512);
      ex.mc_wasm_chunk_receiver_result(this.#h, ptr);
      const reason = readResult(this.#rt, ptr).reason;
      this.#drop(t, reason);
      emit(this, 'cancelled', { id: t.offer.id, name: t.offer.name, reason });
    }
  }

  /** A new file is offered: decide (space, the application), open the sink, answer. */
  #offer() {
    const ptr = this.#recBuf.reserve(512);
    this.#ex.mc_wasm_chunk_receiver_info(this.#h, ptr);
    const info = readInfo(this.#rt, ptr);
    const offer = {
      id: info.id, name: info.name, size: info.sizeKnown ? info.size : null, type: info.type,
      mode: info.mode, legacy: info.mode === 'legacy', chunkSize: info.chunkSize,
    };
    if (this.#current) this.#drop(this.#current, 'replaced by a new file');
    const t = {
      offer, sink: null, chain: null, staging: null, stagingLen: 0, stagingAt: 0,
      dropped: false, meter: new Meter(offer.size ?? 0, this.#opts.interval),
    };
    this.#current = t;
    emit(this, 'offer', offer);
    t.chain = this.#decide(offer).then(async (verdict) => {
      if (t.dropped) return;
      if (verdict) {
        // Refuse: the core answers the sender (nothing for the book's stream).
        const strings = this.#rt.cstring(`${verdict.reason}\0${verdict.message}`);
        const n = this.#ex.mc_wasm_chunk_receiver_reject(this.#h, strings);
        if (n > 0) this.#send(this.#message(n));
        t.dropped = true;
        if (this.#current === t) this.#current = null;
        emit(this, 'refused', { offer, ...verdict });
        return;
      }
      t.sink = await this.#openSink(offer);
      await t.sink.open();
      if (t.dropped) return t.sink.abort();
      const n = this.#ex.mc_wasm_chunk_receiver_accept(this.#h);
      if (n > 0) this.#send(this.#message(n));
    }).catch((error) => this.#fail(t, error));
  }

  /** null to accept, or { reason, message } to refuse. */
  async #decide(offer) {
    const { estimate, spaceMargin, accept } = this.#opts;
    if (estimate && offer.size !== null && this.#opts.storage !== 'memory') {
      const { quota, usage } = await estimate();
      const free = Math.max(0, (quota ?? Infinity) - (usage ?? 0));
      if (offer.size + spaceMargin > free) {
        return {
          reason: 'space',
          message: `not enough free space: ${offer.name} needs ${formatBytes(offer.size)}, ` +
            `${formatBytes(Math.max(0, free - spaceMargin))} is available`,
        };
      }
    }
    if (accept && !(await accept(offer))) {
      return { reason: 'declined', message: 'the receiver declined the file' };
    }
    return null;
  }

  async #openSink(offer) {
    const s = this.#opts.storage;
    if (typeof s === 'function') {
      const target = await s(offer);
      if (target && typeof target.createWritable === 'function') return new HandleSink(target);
      if (target && typeof target.write === 'function' && typeof target.close === 'function') {
        return { open: async () => {}, abort: async () => {}, storage: 'custom', ...target };
      }
      throw new MediaCoreError('MC_EINVAL', 'options.storage() must give a FileSystemFileHandle or a sink', -1);
    }
    if (s !== 'memory' && globalThis.navigator?.storage?.getDirectory) {
      try {
        return await opfsSink(offer);
      } catch (err) {
        if (s === 'opfs') throw err;
      }
    } else if (s === 'opfs') {
      throw new MediaCoreError('MC_EUNSUPPORTED', 'this browser has no origin private file system', -11);
    }
    return new MemorySink(offer);
  }

  /** Copy delivered bytes (once, out of module memory) into the staging buffer. */
  #stage(t, offset, bytes) {
    if (t.dropped) return;
    const size = Math.max(this.#opts.ackBytes, bytes.length) + bytes.length;
    if (t.staging && (t.stagingLen + bytes.length > t.staging.length || t.stagingAt + t.stagingLen !== offset)) {
      this.#flush(t);
    }
    if (!t.staging) {
      t.staging = new Uint8Array(size);
      t.stagingLen = 0;
      t.stagingAt = offset;
    }
    t.staging.set(bytes, t.stagingLen);
    t.stagingLen += bytes.length;
  }

  /** Queue the staged bytes for writing. */
  #flush(t) {
    if (!t.staging || t.stagingLen === 0) return;
    const data = t.staging.subarray(0, t.stagingLen);
    const at = t.stagingAt;
    t.staging = null;
    t.stagingLen = 0;
    t.chain = t.chain.then(() => (t.dropped ? undefined : t.sink.write(at, data)));
  }

  /** The file is complete: write the rest, close the sink, then tell the sender (the
   * done message) and the application (a 'file' event). */
  #complete(t, reply) {
    const ptr = this.#recBuf.reserve(512);
    this.#ex.mc_wasm_chunk_receiver_result(this.#h, ptr);
    const result = readResult(this.#rt, ptr);
    const stats = this.stats;
    this.#flush(t);
    const p = t.meter.update(stats.bytesDone, true);
    if (p) emit(this, 'progress', { id: t.offer.id, name: t.offer.name, ...p });
    if (this.#current === t) this.#current = null;
    t.chain = t.chain.then(async () => {
      if (t.dropped) return;
      const file = await t.sink.close();
      const sink = t.sink;
      if (reply) this.#send(reply);
      emit(this, 'file', {
        id: t.offer.id, name: t.offer.name, size: stats.bytesDone, type: t.offer.type,
        legacy: t.offer.legacy, ...result, file, storage: sink.storage, stats,
        remove: () => (sink.remove ? sink.remove() : Promise.resolve()),
      });
    }).catch((error) => this.#fail(t, error));
  }

  #drop(t, reason) {
    if (t.dropped) return;
    t.dropped = true;
    t.staging = null;
    if (this.#current === t) this.#current = null;
    t.chain = t.chain.then(() => t.sink?.abort()).catch(() => {});
    void reason;
  }

  #fail(t, error) {
    if (t.dropped) return;
    // Writing failed (disk full, permission...): stop the transfer, tell both sides.
    if (this.#current === t && this.#h) {
      const strings = this.#rt.cstring(`declined\0the receiver could not store the file: ${error?.message ?? error}`);
      const n = this.#ex.mc_wasm_chunk_receiver_reject(this.#h, strings);
      if (n > 0) this.#send(this.#message(n));
    }
    this.#drop(t, 'error');
    emit(this, 'error', { id: t.offer.id, name: t.offer.name, error });
  }
}
