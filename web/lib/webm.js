// webm.js: WebM muxing and demuxing in the wasm core, and the recorder that ties encoders
// and muxer together (core.createWebmMuxer, core.createWebmDemuxer, core.createRecorder).
import { MediaCoreError, WasmBuffer } from './runtime.js';
import {
  AudioEncoder, VideoEncoder, Handle, liveHandle, closedError, DETAIL_SIZE, VIDEO_CODECS, intOption, nameOption,
  timeOption, invalid, copyOut, packetCapacity, setFields, enumName, slots,
} from './codecs.js';

// Muxer config fields by track ([option, field, parse]; indices from the webm layout table).
const VIDEO_TRACK_FIELDS = [['width', 'width', intOption], ['height', 'height', intOption]];
const AUDIO_TRACK_FIELDS = [['sampleRate', 'sample_rate', intOption], ['channels', 'channels', intOption],
  ['preSkip', 'pre_skip', intOption]];
const MODE_NAMES = ['seekable', 'live'];

/** MC_WEBM_VIDEO and MC_WEBM_AUDIO of this module, by kind. */
function tracks(rt) {
  const c = rt.layout('webm');
  return Object.freeze({ video: c('track.video'), audio: c('track.audio') });
}

/**
 * WebM muxer. Packets in, file bytes out in pieces (take()); in seekable mode finish()
 * also returns the final header, to be written over the first piece.
 */
export class WebmMuxer {
  #h;
  #tracks;
  #output;   // result slots of output and header (codecs.js slots())
  #input;

  /**
   * options.mode 'seekable' (default: Cues, Duration; the header is rewritten at the end)
   * or 'live' (streamable, no seeking); options.video {codec, width, height} or absent;
   * options.audio {sampleRate, channels, preSkip} or absent; options.clusterMs.
   */
  constructor(rt, options = {}) {
    if (options === null || typeof options !== 'object') throw invalid('options must be an object');
    const video = options.video ?? null, audio = options.audio ?? null;
    if (video !== null && typeof video !== 'object') throw invalid('options.video must be an object or absent');
    if (audio !== null && typeof audio !== 'object') throw invalid('options.audio must be an object or absent');
    const h = new Handle(rt, 'WebmMuxer');
    try {
      h.createFromFields('mc_wasm_webm_muxer_fields', 'mc_wasm_webm_muxer_defaults', [], (f) => {
        const c = rt.layout('webm');
        const modes = Object.fromEntries(MODE_NAMES.map((n) => [n, c(`mode.${n}`)]));
        f[c('muxer.mode')] = nameOption(options, 'mode', modes, 'seekable');
        f[c('muxer.video')] = video ? 1 : 0;
        if (video) {
          f[c('muxer.video_codec')] = nameOption(video, 'codec', VIDEO_CODECS, 'vp8');
          setFields(rt, 'webm', f, video, VIDEO_TRACK_FIELDS, 'muxer');
        }
        f[c('muxer.audio')] = audio ? 1 : 0;
        if (audio) setFields(rt, 'webm', f, audio, AUDIO_TRACK_FIELDS, 'muxer');
        setFields(rt, 'webm', f, options, [['clusterMs', 'cluster_ms', intOption]], 'muxer');
        this.mode = enumName(c, MODE_NAMES, 'mode', f[c('muxer.mode')]);
      }, 'mc_wasm_webm_muxer_create');
    } catch (err) {
      h.release('mc_wasm_webm_muxer_destroy');
      throw err;
    }
    this.#h = h;
    this.#tracks = tracks(rt);
    this.#output = slots(rt, 'webm', 'output', ['data', 'size']);
    this.#input = new WasmBuffer(rt);
    this.finished = false;
  }

  /** Add a video packet: data Uint8Array, {timestamp, duration, keyframe} in microseconds. */
  addVideo(data, options = {}) {
    this.#add('video', data, options);
  }

  /** Add an Opus packet: data Uint8Array, {timestamp, duration}. */
  addAudio(data, options = {}) {
    this.#add('audio', data, options);
  }

  #add(kind, data, options) {
    const h = liveHandle(this.#h, 'WebmMuxer', 'add');
    if (!(data instanceof Uint8Array)) throw invalid('WebmMuxer: data must be a Uint8Array');
    const ptr = this.#input.reserve(packetCapacity(data.byteLength));
    this.#input.view(data.byteLength).set(data);
    this.writeRaw(kind, ptr, data.byteLength, timeOption(options.timestamp ?? 0, 'timestamp'),
      timeOption(options.duration ?? 0, 'duration'), options.keyframe ? 1 : 0);
  }

  /** A packet already in module memory (the recorder's path: no copy through JS); `kind`
   * 'video' or 'audio'. */
  writeRaw(kind, ptr, size, timestamp, duration, keyframe) {
    const h = this.#h;
    h.check(h.rt.exports.mc_wasm_webm_muxer_write(h.handle, this.#tracks[kind], ptr, size, timestamp, duration, keyframe),
      kind === 'video' ? 'addVideo' : 'addAudio', 'mc_wasm_webm_muxer_error');
  }

  /** The file bytes produced since the last take() (possibly empty), copied out. */
  take() {
    const h = liveHandle(this.#h, 'WebmMuxer', 'take');
    h.check(h.rt.exports.mc_wasm_webm_muxer_output(h.handle, h.scratch), 'take', 'mc_wasm_webm_muxer_error');
    const o = h.out();
    return copyOut(h.rt, o[this.#output.data], o[this.#output.size]);
  }

  /**
   * End the file. Returns {tail, header}: the last bytes to append, and in seekable mode
   * the final header to write over the file's first header.byteLength bytes (null in live
   * mode).
   */
  finish() {
    const h = liveHandle(this.#h, 'WebmMuxer', 'finish');
    h.check(h.rt.exports.mc_wasm_webm_muxer_finish(h.handle), 'finish', 'mc_wasm_webm_muxer_error');
    this.finished = true;
    const tail = this.take();
    let header = null;
    if (this.mode === 'seekable') {
      h.check(h.rt.exports.mc_wasm_webm_muxer_header(h.handle, h.scratch), 'finish', 'mc_wasm_webm_muxer_error');
      const o = h.out();
      header = copyOut(h.rt, o[this.#output.data], o[this.#output.size]);
    }
    return { tail, header };
  }

  close() {
    this.#h?.release('mc_wasm_webm_muxer_destroy', this.#input);
    this.#h = null;
  }
}

/** WebM demuxer over a whole file (copied once into module memory). */
export class WebmDemuxer {
  #h;
  #tracks;
  #frame;    // result slots of next() (codecs.js slots())
  #file;

  constructor(rt, bytes) {
    if (!(bytes instanceof Uint8Array)) throw invalid('createWebmDemuxer: bytes must be a Uint8Array');
    const file = new WasmBuffer(rt);
    const h = new Handle(rt, 'WebmDemuxer');
    try {
      const ptr = file.reserve(Math.max(bytes.byteLength, 1));
      file.view(bytes.byteLength).set(bytes);
      h.created(rt.exports.mc_wasm_webm_demuxer_create(ptr, bytes.byteLength, h.detailPtr, DETAIL_SIZE));
    } catch (err) {
      h.release('mc_wasm_webm_demuxer_destroy');
      file.close();
      throw err;
    }
    this.#h = h;
    this.#tracks = tracks(rt);
    this.#frame = slots(rt, 'webm', 'frame', ['track', 'data', 'size', 'pts', 'duration', 'keyframe']);
    this.#file = file;
    h.check(rt.exports.mc_wasm_webm_demuxer_info(h.handle, h.scratch), 'info', 'mc_wasm_webm_demuxer_error');
    const o = h.out();
    const I = slots(rt, 'webm', 'info', ['duration', 'video', 'video_codec', 'width', 'height', 'audio',
      'sample_rate', 'channels', 'pre_skip', 'codec_private', 'codec_private_size']);
    const codec = Object.keys(VIDEO_CODECS).find((k) => VIDEO_CODECS[k] === o[I.video_codec]) ?? o[I.video_codec];
    /** {duration (us, or null), video: {codec, width, height} | null, audio: {...} | null} */
    this.info = Object.freeze({
      duration: o[I.duration] < 0 ? null : o[I.duration],
      video: o[I.video] ? Object.freeze({ codec, width: o[I.width], height: o[I.height] }) : null,
      audio: o[I.audio] ? Object.freeze({ codec: 'opus', sampleRate: o[I.sample_rate], channels: o[I.channels],
        preSkip: o[I.pre_skip], codecPrivate: copyOut(rt, o[I.codec_private], o[I.codec_private_size]) }) : null,
    });
  }

  /** The next frame {track: 'video'|'audio', data, timestamp, duration, keyframe}, or null at the end. */
  next() {
    const h = liveHandle(this.#h, 'WebmDemuxer', 'next');
    const rc = h.check(h.rt.exports.mc_wasm_webm_demuxer_next(h.handle, h.scratch), 'next', 'mc_wasm_webm_demuxer_error');
    if (rc === 0) return null;
    const o = h.out(), F = this.#frame;
    return { track: o[F.track] === this.#tracks.video ? 'video' : 'audio', data: copyOut(h.rt, o[F.data], o[F.size]),
      timestamp: o[F.pts], duration: o[F.duration], keyframe: o[F.keyframe] === 1 };
  }

  * [Symbol.iterator]() {
    for (let p = this.next(); p !== null; p = this.next()) yield p;
  }

  close() {
    if (!this.#h) return;
    this.#h.release('mc_wasm_webm_demuxer_destroy');
    if (!this.#h.rt.closed) this.#file.close();
    this.#h = null;
  }
}

/**
 * Records video frames and audio PCM to a WebM file: encoders and muxer in the core, the
 * packets passed between them inside module memory.
 *   options.video: {codec, width, height, fps, bitrate, ...VideoEncoder options} or false
 *   options.audio: {sampleRate, channels, bitrate, ...AudioEncoder options} or false
 *   options.mode: 'seekable' (default) or 'live'
 */
export class Recorder {
  #video = null;
  #audio = null;
  #mux = null;
  #parts = [];
  #bytes = 0;
  #taken = 0;
  #closed = false;

  constructor(rt, options = {}) {
    if (options === null || typeof options !== 'object') throw invalid('options must be an object');
    const v = options.video ?? false, a = options.audio ?? false;
    if (!v && !a) throw invalid('createRecorder: options.video or options.audio is needed');
    try {
      if (v) this.#video = new VideoEncoder(rt, { rateControl: 'vbr', ...(v === true ? {} : v) });
      if (a) this.#audio = new AudioEncoder(rt, a === true ? {} : a);
      this.#mux = new WebmMuxer(rt, {
        mode: options.mode ?? 'seekable',
        video: this.#video ? { codec: this.#video.config.codec, width: this.#video.config.width,
          height: this.#video.config.height } : null,
        audio: this.#audio ? { sampleRate: this.#audio.config.sampleRate, channels: this.#audio.config.channels,
          preSkip: this.#audio.preSkip } : null,
      });
    } catch (err) {
      this.close();
      throw err;
    }
    this.#keep(this.#mux.take());
    this.videoFrames = 0;
    this.audioPackets = 0;
    this.duration = 0;   // microseconds: the end of the latest packet
  }

  get video() { return this.#video?.config ?? null; }
  get audio() { return this.#audio?.config ?? null; }
  /** Bytes of the file so far. */
  get byteLength() { return this.#bytes; }

  #live(what) {
    if (this.#closed) throw closedError('Recorder', what);
    if (this.#mux.finished) throw new MediaCoreError('MC_ESTATE', `Recorder.${what}: the recording is finished`, -9);
  }

  #keep(bytes) {
    if (bytes.byteLength) {
      this.#parts.push(bytes);
      this.#bytes += bytes.byteLength;
    }
  }

  /** Add a video frame (as VideoEncoder.encode) at `timestamp` microseconds from the start. */
  addVideoFrame(frame, timestamp, options = {}) {
    this.#live('addVideoFrame');
    if (!this.#video) throw invalid('Recorder.addVideoFrame: this recorder has no video');
    this.#video.encodeWith(frame, { ...options, timestamp }, (ptr, size, ts, dur, key) => {
      this.#mux.writeRaw('video', ptr, size, ts, dur, key ? 1 : 0);
      this.duration = Math.max(this.duration, ts + dur);
    });
    this.videoFrames++;
    this.#keep(this.#mux.take());
  }

  /** Add interleaved PCM (Float32Array); its time follows from the samples fed so far. */
  addAudio(pcm) {
    this.#live('addAudio');
    if (!this.#audio) throw invalid('Recorder.addAudio: this recorder has no audio');
    this.#audio.encodeWith(pcm, (ptr, size, ts, dur) => this.#writeAudio(ptr, size, ts, dur));
    this.#keep(this.#mux.take());
  }

  #writeAudio(ptr, size, ts, dur) {
    this.#mux.writeRaw('audio', ptr, size, ts, dur, 1);
    this.audioPackets++;
    this.duration = Math.max(this.duration, ts + dur);
  }

  /**
   * The file bytes produced since the last take() (for streaming a live recording as it
   * grows); the recorder keeps them too, for finish().
   */
  take() {
    const fresh = this.#parts.slice(this.#taken);
    this.#taken = this.#parts.length;
    const out = new Uint8Array(fresh.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of fresh) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }

  /** End the recording and return the whole file as one Uint8Array. */
  finish() {
    this.#live('finish');
    if (this.#audio) this.#audio.flushWith((ptr, size, ts, dur) => this.#writeAudio(ptr, size, ts, dur));
    if (this.#video) {
      for (const p of this.#video.flush()) this.#mux.addVideo(p.data, p);
    }
    const { tail, header } = this.#mux.finish();
    this.#keep(tail);
    const file = new Uint8Array(this.#bytes);
    let at = 0;
    for (const part of this.#parts) {
      file.set(part, at);
      at += part.byteLength;
    }
    if (header) file.set(header, 0);   // the first part is the header, the same length
    this.#parts = [];
    return file;
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#video?.close();
    this.#audio?.close();
    this.#mux?.close();
    this.#parts = [];
  }
}
