// fileshare/receiver.js: FileReceiver, files one after another from a channel. Checks
// free space (navigator.storage.estimate) before accepting, writes to disk as bytes arrive
// (a sink: sinks.js) and acknowledges only what has been written.
import { MediaCoreError, WasmBuffer } from '../runtime.js';
import { FileShareDefaults } from './defaults.js';
import { emit, listen } from './events.js';
import { Meter, formatBytes } from './progress.js';
import { MemorySink, HandleSink, opfsSink } from './sinks.js';
import { chunkLayout, readInfo, readStats, readResult, readText } from './wire.js';

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
  #wire;   // the chunk layout (wire.js)
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
    this.#wire = chunkLayout(runtime);
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
    const ptr = this.#recBuf.reserve(this.#wire.recordSize);
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
    const EV = this.#wire.ev;
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
      const ptr = this.#recBuf.reserve(this.#wire.recordSize);
      ex.mc_wasm_chunk_receiver_result(this.#h, ptr);
      const reason = readResult(this.#rt, ptr).reason;
      this.#drop(t, reason);
      emit(this, 'cancelled', { id: t.offer.id, name: t.offer.name, reason });
    }
  }

  /** A new file is offered: decide (space, the application), open the sink, answer. */
  #offer() {
    const ptr = this.#recBuf.reserve(this.#wire.recordSize);
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
    const ptr = this.#recBuf.reserve(this.#wire.recordSize);
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
