// codecs.js: VP8/VP9 and Opus encoders and decoders in the wasm core
// (core.createVideoEncoder, createVideoDecoder, createAudioEncoder, createAudioDecoder).
//
// Each object owns one C handle and a few buffers in module memory, allocated when it is
// created (input buffers grow only for larger input) and reused for every frame: a frame
// is copied once into module memory and its result once out. close() frees everything
// and is safe to call twice; a closed object throws MC_ESTATE.
import { MediaCoreError, WasmBuffer } from './runtime.js';
import { frameView } from './frame.js';

const DETAIL_SIZE = 256;
/** mc_video_codec values: needed before a module loads (webm.js too), so written here;
 * tests/node/layout.test.mjs checks them against the module's video table. */
const VIDEO_CODECS = Object.freeze({ vp8: 0, vp9: 1 });

function invalid(message, code = 'MC_EINVAL', errno = -1) {
  return new MediaCoreError(code, message, errno);
}

/** An option that must be an integer when given. */
function intOption(options, key, fallback) {
  const v = options[key];
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || Math.abs(v) > 0x7fffffff) {
    throw invalid(`option ${key} must be an integer, not ${v}`, 'MC_ERANGE', -8);
  }
  return v;
}

function boolOption(options, key, fallback) {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw invalid(`option ${key} must be true or false, not ${v}`);
  return v ? 1 : 0;
}

function nameOption(options, key, table, fallback) {
  const v = options[key] ?? fallback;
  if (typeof v !== 'string' || !Object.hasOwn(table, v)) {
    throw invalid(`option ${key} must be one of ${Object.keys(table).join(', ')}, not ${v}`, 'MC_ENAME', -6);
  }
  return table[v];
}

/** An option naming one of `names`, whose values are "<group>.<name>" in the layout. */
function enumOption(names, group) {
  return (options, key, fallback, c) => {
    if (options[key] === undefined) return fallback;
    return nameOption(options, key, Object.fromEntries(names.map((n) => [n, c(`${group}.${n}`)])));
  };
}

/** The name of enum value `value` among `names` ("<group>.<name>" in the layout), or the value. */
function enumName(c, names, group, value) {
  return names.find((n) => c(`${group}.${n}`) === value) ?? value;
}

/**
 * Set config fields from options: rows [option key, field, parse], the field's index being
 * "<record>.<field>" in the module's `group` layout table (exports_video.c, exports_audio.c,
 * exports_webm.c), so no index is written here. Returns the fields' values by option key.
 */
function setFields(rt, group, f, options, rows, record = 'encoder') {
  const c = rt.layout(group);
  const out = {};
  for (const [key, field, parse] of rows) {
    const i = c(`${record}.${field}`);
    f[i] = parse(options, key, f[i], c);
    out[key] = f[i];
  }
  return out;
}

/** Where each value of a result record lands in a Handle's results array: { name: index },
 * from "<record>.<name>" in the module's `group` layout table. */
function slots(rt, group, record, names) {
  const c = rt.layout(group);
  return Object.freeze(Object.fromEntries(names.map((n) => [n, c(`${record}.${n}`)])));
}

const RESULT_SLOTS = 16;   // doubles in a Handle's results array; layout.test.mjs: enough

const RATE_CONTROLS = ['cbr', 'vbr'];
const APPLICATIONS = ['voip', 'audio', 'lowdelay'];

const VIDEO_ENCODER_FIELDS = [
  ['width', 'width', intOption], ['height', 'height', intOption], ['fps', 'framerate', intOption],
  ['bitrate', 'bitrate', intOption], ['rateControl', 'rate_control', enumOption(RATE_CONTROLS, 'rate_control')],
  ['keyframeInterval', 'keyframe_interval', intOption], ['speed', 'speed', intOption],
  ['minQuantizer', 'min_quantizer', intOption], ['maxQuantizer', 'max_quantizer', intOption],
  ['errorResilient', 'error_resilient', boolOption],
];

const AUDIO_ENCODER_FIELDS = [
  ['sampleRate', 'sample_rate', intOption], ['channels', 'channels', intOption],
  ['bitrate', 'bitrate', intOption], ['application', 'application', enumOption(APPLICATIONS, 'application')],
  ['complexity', 'complexity', intOption], ['fec', 'fec', boolOption],
  ['packetLoss', 'packet_loss', intOption], ['dtx', 'dtx', boolOption],
];

/** The mc_video_codec of options.codec (default vp8), after checking options is an object. */
function videoCodec(options) {
  if (options === null || typeof options !== 'object') throw invalid('options must be an object');
  return nameOption(options, 'codec', VIDEO_CODECS, 'vp8');
}

function timeOption(value, what) {
  if (!Number.isFinite(value) || value < 0 || value > 2 ** 52) {
    throw invalid(`${what} must be a number of microseconds >= 0, not ${value}`, 'MC_ERANGE', -8);
  }
  return Math.round(value);
}

/** MC_ESTATE for `kind.what()` called on a closed object. */
function closedError(kind, what) {
  return new MediaCoreError('MC_ESTATE', `${kind}.${what}: closed`, -9);
}

/** The Handle `h` of a `kind` object, checked open (close() drops it, hence the kind). */
function liveHandle(h, kind, what) {
  if (!h) throw closedError(kind, what);
  h.live(what);
  return h;
}

/**
 * The shared life of every codec object: the runtime, a handle, a small results array
 * (doubles) and a detail buffer in module memory.
 */
class Handle {
  constructor(rt, kind) {
    this.rt = rt;
    this.kind = kind;
    this.handle = 0;
    this.scratch = rt.alloc(RESULT_SLOTS * 8 + DETAIL_SIZE);   // the results, then the detail text
    this.f64 = null;
  }

  /** Create from an int32 field array: defaults from C, overridden by `set(fields)`. On
   * failure (a rejected option, the create call) nothing is left to release. */
  createFromFields(countFn, defaultsFn, defaultsArgs, set, createFn) {
    const { exports } = this.rt;
    const count = exports[countFn]();
    const ptr = this.rt.alloc(count * 4);
    try {
      const rc = exports[defaultsFn](...defaultsArgs, ptr);
      if (rc < 0) throw this.rt.error(rc, `${this.kind}: defaults`);
      const fields = new Int32Array(this.rt.memory.buffer, ptr, count);
      set(fields);
      this.created(exports[createFn](ptr, count, this.detailPtr, DETAIL_SIZE));
    } catch (err) {
      this.release();   // nothing was created: frees the scratch
      throw err;
    } finally {
      this.rt.free(ptr);
    }
  }

  get detailPtr() {
    return this.scratch + RESULT_SLOTS * 8;
  }

  /** Take a create function's result: a handle, or throw with the detail C wrote. */
  created(rc) {
    if (rc < 0) {
      const detail = this.rt.readCString(this.detailPtr);
      this.rt.free(this.scratch);
      this.scratch = 0;
      throw this.rt.error(rc, `create ${this.kind}`, detail);
    }
    this.handle = rc;
  }

  /** The results array, re-viewed after memory growth. */
  out() {
    if (this.f64 === null || this.f64.buffer !== this.rt.memory.buffer) {
      this.f64 = new Float64Array(this.rt.memory.buffer, this.scratch, RESULT_SLOTS);
    }
    return this.f64;
  }

  live(what) {
    if (this.handle === 0 || this.rt.closed) {
      throw new MediaCoreError('MC_ESTATE', `${this.kind}.${what}: this ${this.kind} has been closed`, -9);
    }
  }

  /** Throw for a negative result, with the handle's detail. */
  check(rc, what, errorFn) {
    if (rc < 0) {
      const detail = this.rt.readCString(this.rt.exports[errorFn](this.handle));
      throw this.rt.error(rc, `${this.kind}.${what}`, detail);
    }
    return rc;
  }

  /** Destroy the C object with `destroyFn` after closing `buffers` (WasmBuffers it owns). */
  release(destroyFn, ...buffers) {
    if (!this.rt.closed) for (const b of buffers) b.close();
    if (this.handle !== 0 && !this.rt.closed) this.rt.exports[destroyFn](this.handle);
    if (!this.rt.closed) this.rt.free(this.scratch);
    this.handle = 0;
    this.scratch = 0;
  }
}

/**
 * Capacity for a buffer of compressed data, whose size varies from call to call: the next
 * power of two (at least 4 KiB), so the buffer grows a few times early on and then stays.
 */
function packetCapacity(size) {
  return Math.max(4096, 2 ** Math.ceil(Math.log2(Math.max(size, 1))));
}

/** Bytes [ptr, ptr + size) of module memory, copied out. */
function copyOut(rt, ptr, size) {
  return rt.bytes().slice(ptr, ptr + size);
}

/** Normalise an encoder input frame: RGBA (ImageData-like) or {format: 'i420', data, width, height}. */
function inputFrame(frame) {
  if (frame !== null && typeof frame === 'object' && frame.format === 'i420') {
    const { data, width, height } = frame;
    if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
      throw invalid('an i420 frame needs data: a Uint8Array of Y, U and V planes');
    }
    if (!Number.isInteger(width) || !Number.isInteger(height)) {
      throw invalid(`invalid frame dimensions: ${width}x${height}`, 'MC_EDIMENSIONS', -3);
    }
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { i420: true, bytes, width, height, stride: 0 };
  }
  return { i420: false, ...frameView(frame) };
}

/** VP8/VP9 encoder. */
export class VideoEncoder {
  #h;
  #input;
  #packet;   // result slots (slots())
  #nextTimestamp = 0;
  #frameUs;

  constructor(rt, options = {}) {
    const codec = videoCodec(options);
    const h = new Handle(rt, 'VideoEncoder');
    h.createFromFields('mc_wasm_video_encoder_fields', 'mc_wasm_video_encoder_defaults', [codec], (f) => {
      const v = setFields(rt, 'video', f, options, VIDEO_ENCODER_FIELDS);
      this.config = Object.freeze({
        codec: options.codec ?? 'vp8', ...v,
        rateControl: enumName(rt.layout('video'), RATE_CONTROLS, 'rate_control', v.rateControl),
        errorResilient: v.errorResilient === 1,
      });
    }, 'mc_wasm_video_encoder_create');
    this.#h = h;
    this.#input = new WasmBuffer(rt);
    this.#packet = slots(rt, 'video', 'packet', ['data', 'size', 'pts', 'duration', 'keyframe']);
    this.#frameUs = Math.round(1e6 / this.config.fps);
    this.bitrate = this.config.bitrate;
  }

  /**
   * Encode one frame: RGBA (ImageData or {data, width, height, stride?}) or
   * {format: 'i420', data, width, height}. A frame of another size is scaled.
   * options.timestamp (microseconds; default: the previous one plus 1/fps),
   * options.duration (microseconds; default 1/fps), options.keyframe (force one).
   * Returns the packets: [{data: Uint8Array, timestamp, duration, keyframe}].
   */
  encode(frame, options = {}) {
    const packets = [];
    this.encodeWith(frame, options, (ptr, size, timestamp, duration, keyframe) => {
      packets.push({ data: copyOut(this.#h.rt, ptr, size), timestamp, duration, keyframe });
    });
    return packets;
  }

  /**
   * As encode(), but hands each packet to `sink(ptr, size, timestamp, duration, keyframe)`
   * while its bytes are still in module memory (valid only during the call): the recorder
   * passes them to the muxer without a copy through JavaScript.
   */
  encodeWith(frame, options, sink) {
    const h = liveHandle(this.#h, 'VideoEncoder', 'encode');
    const f = inputFrame(frame);
    const timestamp = timeOption(options.timestamp ?? this.#nextTimestamp, 'timestamp');
    const duration = timeOption(options.duration ?? 0, 'duration');
    const flags = options.keyframe ? 1 : 0;
    const size = f.bytes.byteLength;
    const ptr = this.#input.reserve(Math.max(size, 1));
    this.#input.view(size).set(f.bytes);                                // copy in
    const { exports } = h.rt;
    const rc = f.i420
      ? exports.mc_wasm_video_encoder_encode_i420(h.handle, ptr, size, f.width, f.height, timestamp, duration, flags)
      : exports.mc_wasm_video_encoder_encode(h.handle, ptr, size, f.width, f.height, f.stride, timestamp, duration, flags);
    h.check(rc, 'encode', 'mc_wasm_video_encoder_error');
    this.#nextTimestamp = timestamp + (duration || this.#frameUs);
    this.#drain(sink);
  }

  /** End the stream: any packets still held. The encoder accepts no frames after this. */
  flush() {
    const h = liveHandle(this.#h, 'VideoEncoder', 'flush');
    h.check(h.rt.exports.mc_wasm_video_encoder_flush(h.handle), 'flush', 'mc_wasm_video_encoder_error');
    const packets = [];
    this.#drain((ptr, size, timestamp, duration, keyframe) => {
      packets.push({ data: copyOut(h.rt, ptr, size), timestamp, duration, keyframe });
    });
    return packets;
  }

  /** Change the target bitrate (bits per second) from the next frame on. */
  setBitrate(bitrate) {
    const h = liveHandle(this.#h, 'VideoEncoder', 'setBitrate');
    if (!Number.isInteger(bitrate)) throw invalid(`bitrate must be an integer, not ${bitrate}`, 'MC_ERANGE', -8);
    h.check(h.rt.exports.mc_wasm_video_encoder_set_bitrate(h.handle, bitrate), 'setBitrate', 'mc_wasm_video_encoder_error');
    this.bitrate = bitrate;
  }

  #drain(sink) {
    const h = this.#h;
    for (;;) {
      const rc = h.check(h.rt.exports.mc_wasm_video_encoder_next(h.handle, h.scratch), 'encode', 'mc_wasm_video_encoder_error');
      if (rc === 0) return;
      const o = h.out(), P = this.#packet;
      sink(o[P.data], o[P.size], o[P.pts], o[P.duration], o[P.keyframe] === 1);
    }
  }

  /** Free the encoder. Safe to call twice. */
  close() {
    this.#h?.release('mc_wasm_video_encoder_destroy', this.#input);
    this.#h = null;
  }
}

/** VP8/VP9 decoder. */
export class VideoDecoder {
  #h;
  #input;
  #output;
  #frame;   // result slots (slots())

  constructor(rt, options = {}) {
    const codec = videoCodec(options);
    const h = new Handle(rt, 'VideoDecoder');
    try {
      h.created(rt.exports.mc_wasm_video_decoder_create(codec, intOption(options, 'maxWidth', 0),
        intOption(options, 'maxHeight', 0), h.detailPtr, DETAIL_SIZE));
    } catch (err) {
      h.release('mc_wasm_video_decoder_destroy');
      throw err;
    }
    this.#h = h;
    this.#input = new WasmBuffer(rt);
    this.#output = new WasmBuffer(rt);
    this.#frame = slots(rt, 'video', 'frame', ['width', 'height', 'pts', 'keyframe', 'size_changed',
      'y', 'u', 'v', 'y_stride', 'u_stride', 'v_stride']);
    this.config = Object.freeze({ codec: options.codec ?? 'vp8' });
  }

  /**
   * Decode one packet (Uint8Array). Returns null when it gives no frame to show, else
   * {width, height, timestamp, keyframe, sizeChanged, format, data}: data is RGBA
   * (Uint8ClampedArray, format 'rgba', the default) or contiguous I420 (Uint8Array,
   * options.format 'i420'). options.into: an ImageData or typed array of exactly the right
   * size to fill instead of allocating one. options.timestamp is passed through.
   * Throws MC_EFORMAT for a corrupt packet and MC_ESTATE for inter frames until the next
   * keyframe.
   */
  decode(data, options = {}) {
    const h = liveHandle(this.#h, 'VideoDecoder', 'decode');
    if (!(data instanceof Uint8Array)) throw invalid('VideoDecoder.decode: data must be a Uint8Array');
    const format = options.format ?? 'rgba';
    if (format !== 'rgba' && format !== 'i420') throw invalid(`format must be 'rgba' or 'i420', not ${format}`, 'MC_ENAME', -6);
    const timestamp = timeOption(options.timestamp ?? 0, 'timestamp');
    const ptr = this.#input.reserve(packetCapacity(data.byteLength));
    this.#input.view(data.byteLength).set(data);                        // copy in
    const { exports } = h.rt;
    const rc = h.check(exports.mc_wasm_video_decoder_decode(h.handle, ptr, data.byteLength, timestamp),
      'decode', 'mc_wasm_video_decoder_error');
    if (rc === 0) return null;
    h.check(exports.mc_wasm_video_decoder_frame(h.handle, h.scratch), 'decode', 'mc_wasm_video_decoder_error');
    const o = h.out(), F = this.#frame;
    const width = o[F.width], height = o[F.height];
    const frame = { width, height, timestamp: o[F.pts], keyframe: o[F.keyframe] === 1,
      sizeChanged: o[F.size_changed] === 1, format, data: null };
    if (format === 'rgba') {
      const size = width * height * 4;
      const out = this.#output.reserve(size);
      h.check(exports.mc_wasm_video_decoder_frame_rgba(h.handle, out, size, width, height, 0),
        'decode', 'mc_wasm_video_decoder_error');
      frame.data = this.#target(options.into, size, Uint8ClampedArray);
      frame.data.set(this.#output.view(size));                          // copy out
    } else {
      const o2 = h.out();
      const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
      const size = width * height + 2 * cw * ch;
      const dst = this.#target(options.into, size, Uint8Array);
      const mem = h.rt.bytes();
      const planes = [[o2[F.y], o2[F.y_stride], width, height], [o2[F.u], o2[F.u_stride], cw, ch],
        [o2[F.v], o2[F.v_stride], cw, ch]];
      let at = 0;
      for (const [p, stride, w, rows] of planes) {                      // copy out, unpadded
        for (let y = 0; y < rows; y++, at += w) dst.set(mem.subarray(p + y * stride, p + y * stride + w), at);
      }
      frame.data = dst;
    }
    return frame;
  }

  #target(into, size, Type) {
    if (into === undefined) return new Type(size);
    const arr = into && typeof into === 'object' && 'data' in into && !(into instanceof Uint8Array) ? into.data : into;
    if (!(arr instanceof Uint8Array || arr instanceof Uint8ClampedArray) || arr.byteLength !== size) {
      throw new MediaCoreError('MC_EDIMENSIONS', `VideoDecoder.decode: options.into must hold exactly ${size} bytes for this frame`, -3);
    }
    return arr;
  }

  close() {
    this.#h?.release('mc_wasm_video_decoder_destroy', this.#input, this.#output);
    this.#h = null;
  }
}

/** Opus encoder from interleaved float PCM; buffers any block size into 20 ms packets. */
export class AudioEncoder {
  #h;
  #input;
  #packet;   // result slots (slots())

  constructor(rt, options = {}) {
    if (options === null || typeof options !== 'object') throw invalid('options must be an object');
    const h = new Handle(rt, 'AudioEncoder');
    h.createFromFields('mc_wasm_audio_encoder_fields', 'mc_wasm_audio_encoder_defaults', [], (f) => {
      const v = setFields(rt, 'audio', f, options, AUDIO_ENCODER_FIELDS);
      this.config = Object.freeze({
        ...v,
        application: enumName(rt.layout('audio'), APPLICATIONS, 'application', v.application),
        fec: v.fec === 1, dtx: v.dtx === 1,
      });
    }, 'mc_wasm_audio_encoder_create');
    this.#h = h;
    this.#input = new WasmBuffer(rt);
    this.#packet = slots(rt, 'audio', 'packet', ['used', 'data', 'size', 'pts', 'duration']);
    /** The decoder's pre-skip, in 48 kHz samples (OpusHead, WebM CodecDelay). */
    this.preSkip = rt.exports.mc_wasm_audio_encoder_pre_skip(h.handle);
    this.bitrate = this.config.bitrate;
  }

  /**
   * Feed interleaved PCM (Float32Array, frames * channels samples, any length). Returns
   * the packets completed: [{data, timestamp, duration}], timestamps in microseconds from
   * the first sample ever fed.
   */
  encode(pcm) {
    const packets = [];
    this.encodeWith(pcm, (ptr, size, timestamp, duration) => {
      packets.push({ data: copyOut(this.#h.rt, ptr, size), timestamp, duration, keyframe: true });
    });
    return packets;
  }

  /** As encode(), handing each packet's bytes in module memory to sink(ptr, size, timestamp, duration). */
  encodeWith(pcm, sink) {
    const h = liveHandle(this.#h, 'AudioEncoder', 'encode');
    if (!(pcm instanceof Float32Array)) throw invalid('AudioEncoder.encode: pcm must be a Float32Array');
    const ch = this.config.channels;
    if (pcm.length % ch !== 0) {
      throw invalid(`AudioEncoder.encode: ${pcm.length} samples is not a whole number of ${ch}-channel frames`);
    }
    const bytes = pcm.length * 4;
    const ptr = this.#input.reserve(Math.max(bytes, 4));
    new Float32Array(h.rt.memory.buffer, ptr, pcm.length).set(pcm);      // copy in
    let frames = pcm.length / ch, at = ptr;
    while (frames > 0) {
      const rc = h.check(h.rt.exports.mc_wasm_audio_encoder_encode(h.handle, at, frames, h.scratch),
        'encode', 'mc_wasm_audio_encoder_error');
      const o = h.out(), P = this.#packet;
      if (rc === 1) sink(o[P.data], o[P.size], o[P.pts], o[P.duration]);
      frames -= o[P.used];
      at += o[P.used] * ch * 4;
      if (o[P.used] === 0 && rc === 0) break;
    }
  }

  /** End of input: the buffered partial frame, padded with silence (0 or 1 packets). */
  flush() {
    const packets = [];
    this.flushWith((ptr, size, timestamp, duration) => {
      packets.push({ data: copyOut(this.#h.rt, ptr, size), timestamp, duration, keyframe: true });
    });
    return packets;
  }

  flushWith(sink) {
    const h = liveHandle(this.#h, 'AudioEncoder', 'flush');
    const rc = h.check(h.rt.exports.mc_wasm_audio_encoder_flush(h.handle, h.scratch), 'flush', 'mc_wasm_audio_encoder_error');
    if (rc === 1) {
      const o = h.out(), P = this.#packet;
      sink(o[P.data], o[P.size], o[P.pts], o[P.duration]);
    }
  }

  setBitrate(bitrate) {
    const h = liveHandle(this.#h, 'AudioEncoder', 'setBitrate');
    if (!Number.isInteger(bitrate)) throw invalid(`bitrate must be an integer, not ${bitrate}`, 'MC_ERANGE', -8);
    h.check(h.rt.exports.mc_wasm_audio_encoder_set_bitrate(h.handle, bitrate), 'setBitrate', 'mc_wasm_audio_encoder_error');
    this.bitrate = bitrate;
  }

  close() {
    this.#h?.release('mc_wasm_audio_encoder_destroy', this.#input);
    this.#h = null;
  }
}

const MAX_PACKET_FRAMES = 5760;   // 120 ms at 48 kHz

/** Opus decoder to interleaved float PCM, with concealment and FEC. */
export class AudioDecoder {
  #h;
  #input;
  #pcm = 0;

  constructor(rt, options = {}) {
    if (options === null || typeof options !== 'object') throw invalid('options must be an object');
    const sampleRate = intOption(options, 'sampleRate', 48000);
    const channels = intOption(options, 'channels', 1);
    const h = new Handle(rt, 'AudioDecoder');
    try {
      h.created(rt.exports.mc_wasm_audio_decoder_create(sampleRate, channels, h.detailPtr, DETAIL_SIZE));
    } catch (err) {
      h.release('mc_wasm_audio_decoder_destroy');
      throw err;
    }
    this.#h = h;
    this.#input = new WasmBuffer(rt);
    this.#pcm = rt.alloc(MAX_PACKET_FRAMES * channels * 4);
    this.config = Object.freeze({ sampleRate, channels });
  }

  /**
   * Decode a packet (Uint8Array) to interleaved PCM (Float32Array of frames * channels).
   * data null: conceal one lost packet. options.into: a Float32Array to fill (its first
   * frames * channels samples) instead of allocating. Throws MC_EFORMAT for a corrupt
   * packet; the decoder stays usable.
   */
  decode(data, options = {}) {
    return this.#run(data, options, false);
  }

  /** The packet before `data` was lost: rebuild it from data's FEC. Decode data itself next. */
  decodeFec(data, options = {}) {
    if (!(data instanceof Uint8Array)) throw invalid('AudioDecoder.decodeFec: data must be a Uint8Array');
    return this.#run(data, options, true);
  }

  #run(data, options, fec) {
    const h = liveHandle(this.#h, 'AudioDecoder', 'decode');
    let ptr = 0, size = 0;
    if (data !== null && data !== undefined) {
      if (!(data instanceof Uint8Array)) throw invalid('AudioDecoder.decode: data must be a Uint8Array or null');
      size = data.byteLength;
      ptr = this.#input.reserve(packetCapacity(size));
      this.#input.view(size).set(data);                                 // copy in
      if (size === 0) ptr = 0;
    }
    const fn = fec ? 'mc_wasm_audio_decoder_decode_fec' : 'mc_wasm_audio_decoder_decode';
    const frames = h.check(h.rt.exports[fn](h.handle, ptr, size, this.#pcm, MAX_PACKET_FRAMES),
      fec ? 'decodeFec' : 'decode', 'mc_wasm_audio_decoder_error');
    const n = frames * this.config.channels;
    const src = new Float32Array(h.rt.memory.buffer, this.#pcm, n);
    if (options.into !== undefined) {
      if (!(options.into instanceof Float32Array) || options.into.length < n) {
        throw new MediaCoreError('MC_EBUFSIZE', `AudioDecoder.decode: options.into must be a Float32Array of at least ${n} samples`, -5);
      }
      options.into.set(src);                                            // copy out
      return options.into.subarray(0, n);
    }
    return src.slice();                                                 // copy out
  }

  close() {
    if (!this.#h) return;
    if (!this.#h.rt.closed) {
      this.#input.close();
      this.#h.rt.free(this.#pcm);
    }
    this.#pcm = 0;
    this.#h.release('mc_wasm_audio_decoder_destroy');
    this.#h = null;
  }
}

export { VIDEO_CODECS, Handle, liveHandle, closedError, DETAIL_SIZE, intOption, nameOption, boolOption, timeOption, invalid, copyOut, packetCapacity, setFields, enumName, slots, RESULT_SLOTS };
