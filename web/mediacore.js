// mediacore.js: the JavaScript face of the mediacore WebAssembly module.
//
//   import { createMediaCore } from './mediacore.js';
//   const core = await createMediaCore();
//   core.filter(imageData, 'sepia');
//
// Works in a page, a module Worker and Node 20. The .wasm files sit beside this file and
// are found relative to it (import.meta.url), so the web/ directory can be served as is.
import { loadRuntime, MediaCoreError, hasWasmSimd } from './lib/runtime.js';
import { FrameFilter, FilterPath } from './lib/filter.js';
import { TextRenderer, parseColor } from './lib/text.js';
import { Base64Codec, Base64Flags } from './lib/base64.js';
import { FileSender, FileReceiver, FileShareDefaults, clearReceivedFiles } from './lib/fileshare.js';
import { VideoEncoder, VideoDecoder, AudioEncoder, AudioDecoder } from './lib/codecs.js';
import { WebmMuxer, WebmDemuxer, Recorder } from './lib/webm.js';

export { MediaCoreError, hasWasmSimd, FilterPath };
export { parseColor };
export { Base64Flags };
export { FileShareDefaults, clearReceivedFiles };
// Signaling and calls through the mediacore server (docs/protocol.md).
export { SignalingClient, SignalingError, defaultSignalingUrl } from './lib/signaling.js';
export { Peer } from './lib/peer.js';

/** The filters core.filter() accepts, in the photobooth's cycling order. */
export const FILTERS = Object.freeze(['none', 'grayscale', 'sepia', 'invert']);

// Whether the module encodes and decodes a codec (0 vp8, 1 vp9): what the linked libvpx
// provides, as the module reports it (a build with MC_VP9=OFF has VP8 only).
function videoCodec(runtime, codec) {
  const available = runtime.exports.mc_wasm_video_codec_available;
  return typeof available === 'function' && available(codec) === 1;
}

export class MediaCore {
  #rt;
  #filter;
  #text = null;
  #base64 = null;
  #transfers = new Set();
  #codecs = new Set();

  /** Use createMediaCore(); the constructor takes a loaded runtime. */
  constructor(runtime) {
    this.#rt = runtime;
    this.#filter = new FrameFilter(runtime);
    /** What this module can do. */
    this.features = Object.freeze({
      simd: runtime.simd,
      text: typeof runtime.exports.mc_wasm_text_draw === 'function',
      base64: typeof runtime.exports.mc_wasm_base64_encode === 'function',
      fileshare: typeof runtime.exports.mc_wasm_chunk_sender_create === 'function',
      vp8: videoCodec(runtime, 0),
      vp9: videoCodec(runtime, 1),
      opus: typeof runtime.exports.mc_wasm_audio_encoder_create === 'function',
      webm: typeof runtime.exports.mc_wasm_webm_muxer_create === 'function',
    });
  }

  /**
   * Apply a filter to an RGBA frame in place and return it.
   * @param frame ImageData or {data: Uint8ClampedArray|Uint8Array, width, height, stride?}
   * @param name 'none' | 'grayscale' | 'sepia' | 'invert'
   * @param path FilterPath.auto (default), .scalar or .simd (for tests and benchmarks)
   */
  filter(frame, name, path = FilterPath.auto) {
    this.#live();
    return this.#filter.apply(frame, name, path);
  }

  /**
   * Base64-encode bytes (RFC 4648). options: { alphabet: 'base64' | 'base64url',
   * omitPadding: false }. See web/lib/base64.js.
   */
  base64Encode(bytes, options) {
    return this.#codec().encode(bytes, options);
  }

  /**
   * Decode Base64 to a new Uint8Array. Strict unless options.forgiving (then like atob);
   * options: { alphabet, forgiving, requirePadding, into }. Throws MediaCoreError
   * MC_EFORMAT with .offset on invalid input.
   */
  base64Decode(text, options) {
    return this.#codec().decode(text, options);
  }

  /**
   * Send a file (File or Blob) over an RTCDataChannel: options { channel, mode: 'auto' |
   * 'binary' | 'base64', peerConnection or maxMessageSize (chunk size), ... }; then
   * sender.start() -> Promise of the verified result. See web/lib/fileshare.js.
   */
  createFileSender(file, options) {
    return this.#transfer(() => new FileSender(this.#rt, file, options, (x) => this.#transfers.delete(x)));
  }

  /**
   * Receive files from an RTCDataChannel: options { channel, accept(offer), storage:
   * 'auto' | 'opfs' | 'memory' | (offer) => FileSystemFileHandle, ... }; 'file' events
   * carry each verified file. See web/lib/fileshare.js.
   */
  createFileReceiver(options) {
    return this.#transfer(() => new FileReceiver(this.#rt, options, (x) => this.#transfers.delete(x)));
  }

  #transfer(make) {
    this.#live();
    if (!this.features.fileshare) throw new MediaCoreError('MC_EUNSUPPORTED', 'this module has no file transfer', -11);
    const t = make();
    this.#transfers.add(t);
    return t;
  }

  #codec() {
    this.#live();
    if (this.#base64 === null) {
      if (!this.features.base64) throw new MediaCoreError('MC_EUNSUPPORTED', 'this module has no Base64', -11);
      this.#base64 = new Base64Codec(this.#rt);
    }
    return this.#base64;
  }

  /**
   * Draw UTF-8 text onto an RGBA frame in place, from the font compiled into the core
   * (see web/lib/text.js and README "Text overlay"). Returns the metrics, with the box of
   * pixels that may have changed in frame coordinates. options: { x, y, size, color,
   * background, padding, outline, shadow, align, maxWidth, lineHeight }.
   */
  drawText(frame, text, options) {
    return this.#textRenderer().draw(frame, text, options);
  }

  /** Measure text without drawing: { width, height, lines, lineHeight, box }. */
  measureText(text, options) {
    return this.#textRenderer().measure(text, options);
  }

  /**
   * Add a font file (default: mediacore-font-bmp.bin beside this file, every glyph of the
   * Basic Multilingual Plane) for characters the built-in font lacks.
   */
  async loadFont(source) {
    return this.#textRenderer().loadFont(source);
  }

  /** The fonts drawText uses, in lookup order: [{ glyphs, bytes, builtin }]. */
  fontInfo() {
    return this.#textRenderer().fontInfo();
  }

  #textRenderer() {
    this.#live();
    if (this.#text === null) {
      if (!this.features.text) throw new MediaCoreError('MC_EUNSUPPORTED', 'this module has no text overlay', -11);
      this.#text = new TextRenderer(this.#rt);
    }
    return this.#text;
  }

  /**
   * Codecs in the core (web/lib/codecs.js, web/lib/webm.js; README "Codecs"). Each object
   * owns C state: close() it when done (core.close() closes any still open).
   *   createVideoEncoder({ codec: 'vp8'|'vp9', width, height, fps, bitrate, rateControl,
   *                        keyframeInterval, speed, minQuantizer, maxQuantizer, errorResilient })
   *   createVideoDecoder({ codec, maxWidth, maxHeight })
   *   createAudioEncoder({ sampleRate, channels, bitrate, application, complexity, fec,
   *                        packetLoss, dtx })
   *   createAudioDecoder({ sampleRate, channels })
   *   createRecorder({ video: {...VideoEncoder options} | false, audio: {...} | false, mode })
   *   createWebmMuxer({ mode, video: { codec, width, height }, audio: { sampleRate, channels, preSkip } })
   *   createWebmDemuxer(bytes)
   */
  createVideoEncoder(options) {
    return this.#makeCodec(options?.codec === 'vp9' ? 'vp9' : 'vp8', VideoEncoder, options);
  }

  createVideoDecoder(options) {
    return this.#makeCodec(options?.codec === 'vp9' ? 'vp9' : 'vp8', VideoDecoder, options);
  }

  createAudioEncoder(options) {
    return this.#makeCodec('opus', AudioEncoder, options);
  }

  createAudioDecoder(options) {
    return this.#makeCodec('opus', AudioDecoder, options);
  }

  createRecorder(options) {
    return this.#makeCodec('webm', Recorder, options);
  }

  createWebmMuxer(options) {
    return this.#makeCodec('webm', WebmMuxer, options);
  }

  createWebmDemuxer(bytes) {
    return this.#makeCodec('webm', WebmDemuxer, bytes);
  }

  #makeCodec(feature, Type, arg) {
    this.#live();
    if (!this.features[feature]) {
      throw new MediaCoreError('MC_EUNSUPPORTED', `this module has no ${feature} support`, -11);
    }
    const obj = new Type(this.#rt, arg);
    const close = obj.close.bind(obj);
    obj.close = () => {
      this.#codecs.delete(obj);
      close();
    };
    this.#codecs.add(obj);
    return obj;
  }

  /**
   * Low-level access for benchmarks and tests: the module's exports and a view of its
   * memory. Not a stable API.
   */
  get wasm() {
    this.#live();
    return { exports: this.#rt.exports, memory: this.#rt.memory, runtime: this.#rt };
  }

  /** Free everything this core holds in module memory. Safe to call twice. */
  close() {
    if (this.#rt.closed) return;
    this.#filter.close();
    this.#text?.close();
    this.#base64?.close();
    for (const t of [...this.#transfers]) t.close();
    for (const c of [...this.#codecs]) c.close();
    this.#rt.close();
  }

  #live() {
    if (this.#rt.closed) throw new MediaCoreError('MC_ESTATE', 'this MediaCore has been closed', -9);
  }
}

/**
 * Load the module and return a MediaCore.
 * @param options.simd 'auto' (default) | true | false: which module to load
 * @param options.wasmUrl URL of the .wasm to load instead (resolved against this file)
 * @param options.wasmBinary the module's bytes or a compiled WebAssembly.Module
 */
export async function createMediaCore(options = {}) {
  return new MediaCore(await loadRuntime(options));
}
