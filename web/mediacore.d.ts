// Type declarations for mediacore.js.

/** Names of the C error codes (include/mediacore/mc_error.h), plus MC_ELOAD for a module that failed to load. */
export type MediaCoreErrorCode =
  | 'MC_EINVAL' | 'MC_ENOMEM' | 'MC_EDIMENSIONS' | 'MC_ESTRIDE' | 'MC_EBUFSIZE' | 'MC_ENAME'
  | 'MC_EFORMAT' | 'MC_ERANGE' | 'MC_ESTATE' | 'MC_ECODEC' | 'MC_EUNSUPPORTED' | 'MC_ECHECKSUM'
  | 'MC_EPROTOCOL' | 'MC_ELIMIT' | 'MC_EINTERNAL' | 'MC_EUNKNOWN' | 'MC_ELOAD';

/** Thrown by every mediacore call that fails. */
export class MediaCoreError extends Error {
  readonly name: 'MediaCoreError';
  /** The C error code's name, e.g. "MC_EDIMENSIONS". */
  readonly code: MediaCoreErrorCode;
  /** The C error code's number (negative), when the error came from the core. */
  readonly errno: number | undefined;
}

export type FilterName = 'none' | 'grayscale' | 'sepia' | 'invert';

/** The filters in the photobooth's cycling order. */
export const FILTERS: readonly FilterName[];

/** Which implementation runs a filter; auto picks the fastest in the loaded module. */
export const FilterPath: Readonly<{ auto: 0; scalar: 1; simd: 2 }>;

/** An RGBA frame: ImageData, or anything with the same shape. Rows may be padded. */
export interface Frame {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
  /** Bytes from one row to the next; default width * 4. */
  stride?: number;
}

export interface MediaCoreOptions {
  /** 'auto' (default): the SIMD128 module where the engine has SIMD, else the baseline one. */
  simd?: 'auto' | boolean;
  /** Where to load the .wasm from; resolved against mediacore.js's own URL. */
  wasmUrl?: string | URL;
  /** The module's bytes, or a compiled module: nothing is fetched. */
  wasmBinary?: ArrayBuffer | ArrayBufferView | WebAssembly.Module;
}

export interface MediaCoreFeatures {
  /** The loaded module uses WebAssembly SIMD128. */
  readonly simd: boolean;
  /** drawText, measureText and loadFont are available. */
  readonly text: boolean;
  /** base64Encode / base64Decode are available. */
  readonly base64: boolean;
  /** createFileSender / createFileReceiver are available. */
  readonly fileshare: boolean;
  /**
   * VP8 and VP9 encoders and decoders (createVideoEncoder / createVideoDecoder), as the
   * module reports them: a module built with MC_VP9=OFF has VP8 only, and creating a VP9
   * encoder or decoder there throws MediaCoreError MC_EUNSUPPORTED.
   */
  readonly vp8: boolean;
  readonly vp9: boolean;
  /** Opus (createAudioEncoder / createAudioDecoder). */
  readonly opus: boolean;
  /** WebM muxing and demuxing (createRecorder, createWebmMuxer, createWebmDemuxer). */
  readonly webm: boolean;
}

/**
 * A colour: 0xRRGGBBAA, or a CSS string: '#rgb', '#rgba', '#rrggbb', '#rrggbbaa',
 * 'rgb(r, g, b)', 'rgba(r, g, b, a)' (a from 0 to 1) or a basic name ('white', 'black', ...).
 */
export type Color = number | string;

/** Options for drawText and measureText. Every length is in pixels. */
export interface TextOptions {
  /** Anchor: where lines start ('left'), their centre ('center') or end ('right'). Default 0. */
  x?: number;
  /** Top of the first line. Default 0. */
  y?: number;
  /** Height of a line's glyph cell, 4 to 512. Default 16. Wide (CJK) characters are
   * `size` wide, narrow ones (size + 1) / 2. */
  size?: number;
  /** Text colour, alpha included. Default opaque white. */
  color?: Color;
  /** A box behind the text; none by default. */
  background?: Color | null | false;
  /** Space between the text and the box's edges, 0 to 1024. Default size / 4 with a
   * background, else 0. */
  padding?: number;
  /** An outline around each glyph: true for black, max(1, size / 16) wide. Width 0 to 16. */
  outline?: boolean | { width?: number; color?: Color };
  /** A drop shadow: true for 60 % black at (max(1, size / 16), same). Offsets -64 to 64. */
  shadow?: boolean | { x?: number; y?: number; color?: Color };
  /** Default 'left'. */
  align?: 'left' | 'center' | 'right';
  /** Wrap lines wider than this (after spaces, between CJK characters); 0 = never. */
  maxWidth?: number;
  /** From one line's top to the next; 0 (default) = size * 5 / 4. */
  lineHeight?: number;
}

/** What text measures. */
export interface TextMetrics {
  /** The widest line (trailing spaces excluded). */
  width: number;
  /** (lines - 1) * lineHeight + size; 0 for empty text. */
  height: number;
  lines: number;
  lineHeight: number;
  /** Every pixel drawText may change (background, glyph cells, outline, shadow), in frame
   * coordinates for the given x and y. Empty (width 0) when nothing would be drawn. */
  box: { x: number; y: number; width: number; height: number };
}

export interface FontInfo {
  glyphs: number;
  bytes: number;
  /** The font compiled into the module (always first). */
  builtin: boolean;
}

/** Parse a Color to 0xRRGGBBAA; throws MediaCoreError MC_EINVAL when it cannot. */
export function parseColor(value: Color): number;

export class MediaCore {
  readonly features: MediaCoreFeatures;
  /**
   * Apply a filter in place (W3C Filter Effects matrices at amount 1, alpha untouched)
   * and return the same frame. Throws MediaCoreError: MC_EDIMENSIONS, MC_ESTRIDE,
   * MC_EBUFSIZE, MC_ENAME, MC_EINVAL, MC_ESTATE (after close()).
   */
  filter<F extends Frame>(frame: F, name: FilterName, path?: 0 | 1 | 2): F;
  /**
   * Base64-encode bytes (RFC 4648). Throws MediaCoreError MC_EINVAL for a non-BufferSource.
   */
  base64Encode(bytes: BufferSource, options?: Base64EncodeOptions): string;
  /**
   * Decode Base64. Strict by default; throws MediaCoreError MC_EFORMAT (with `offset`, the
   * index of the first bad character, or the length when the input ends mid-group),
   * MC_EINVAL for a non-string, MC_EBUFSIZE when `into` is too small.
   */
  base64Decode(text: string, options?: Base64DecodeOptions): Uint8Array;
  /**
   * Send a file over an RTCDataChannel (chunked, checksummed, SHA-256 verified, resumable).
   * Throws MC_EINVAL (not a Blob, bad mode), MC_ERANGE (chunk size), MC_ESTATE (closed).
   */
  createFileSender(file: Blob, options?: FileSenderOptions): FileSender;
  /** Receive files from an RTCDataChannel, one after another. */
  createFileReceiver(options?: FileReceiverOptions): FileReceiver;
  /**
   * Draw UTF-8 text onto the frame in place, clipped to it; returns the metrics. Characters
   * no font has draw as a box; invalid UTF-16 (lone surrogates) draws U+FFFD. Throws
   * MediaCoreError: MC_EINVAL (bad option types or colours), MC_ENAME (align), MC_ERANGE
   * (values out of range), MC_ELIMIT (text over 65536 UTF-8 bytes), the frame errors of
   * filter(), MC_EUNSUPPORTED (module without text), MC_ESTATE (after close()).
   */
  drawText(frame: Frame, text: string, options?: TextOptions): TextMetrics;
  /** Measure without drawing; the same errors as drawText, less the frame's. */
  measureText(text: string, options?: TextOptions): TextMetrics;
  /**
   * Add a font for characters the built-in one lacks. Default: 'mediacore-font-bmp.bin'
   * beside mediacore.js (every glyph of the Basic Multilingual Plane, 1.7 MB). A URL is
   * resolved against mediacore.js. Throws MC_EFORMAT for a file that is not a font,
   * MC_ELOAD when it cannot be fetched, MC_ELIMIT after three added fonts.
   */
  loadFont(source?: string | URL | ArrayBuffer | ArrayBufferView): Promise<FontInfo>;
  /** The fonts drawText uses, in lookup order. */
  fontInfo(): FontInfo[];
  /**
   * A VP8/VP9 encoder (libvpx, realtime). Throws MC_ENAME (codec, rateControl),
   * MC_EUNSUPPORTED (a codec features says the module lacks), MC_EDIMENSIONS (size),
   * MC_ERANGE (other values; the message names the field).
   */
  createVideoEncoder(options?: VideoEncoderOptions): VideoEncoder;
  /** A VP8/VP9 decoder. Throws MC_ENAME, MC_EUNSUPPORTED as createVideoEncoder. */
  createVideoDecoder(options?: VideoDecoderOptions): VideoDecoder;
  /** An Opus encoder from interleaved float PCM, any block size, 20 ms packets. */
  createAudioEncoder(options?: AudioEncoderOptions): AudioEncoder;
  /** An Opus decoder to interleaved float PCM. */
  createAudioDecoder(options?: AudioDecoderOptions): AudioDecoder;
  /** Video frames and audio PCM to a WebM file, encoders and muxer in the core. */
  createRecorder(options: RecorderOptions): Recorder;
  /** A WebM muxer for packets you already have. */
  createWebmMuxer(options: WebmMuxerOptions): WebmMuxer;
  /** A WebM demuxer over a whole file (copied once into the module). MC_EFORMAT if not WebM. */
  createWebmDemuxer(bytes: Uint8Array): WebmDemuxer;
  /** Low-level access for tests and benchmarks; not a stable API. */
  readonly wasm: { exports: WebAssembly.Exports; memory: WebAssembly.Memory; runtime: unknown };
  /** Free the module memory this core holds. Safe to call more than once. */
  close(): void;
}

// --- Codecs (web/lib/codecs.js, web/lib/webm.js) -------------------------------------

export type VideoCodec = 'vp8' | 'vp9';

export interface VideoEncoderOptions {
  codec?: VideoCodec;                 // 'vp8'
  width?: number;                     // 640 (1..16383): the encoded size
  height?: number;                    // 480
  /** Nominal frame rate for rate control, 1..240 (30). */
  fps?: number;
  /** Target bits per second, 10000..100000000 (1000000). */
  bitrate?: number;
  rateControl?: 'cbr' | 'vbr';        // 'cbr'
  /** Most frames between keyframes; 0: only forced ones (3000). */
  keyframeInterval?: number;
  /** Realtime speed: VP8 1..16 (6), VP9 0..9 (7); higher is faster, lower quality. */
  speed?: number;
  minQuantizer?: number;              // 2
  maxQuantizer?: number;              // 56
  /** Frames stay decodable after losses (for lossy transports). */
  errorResilient?: boolean;
}

/** An encoder input: RGBA (any size: scaled to the configured one) or contiguous I420. */
export type VideoInput = Frame | { format: 'i420'; data: Uint8Array; width: number; height: number };

export interface EncodedPacket {
  /** A copy: yours to keep. */
  data: Uint8Array;
  /** Microseconds. */
  timestamp: number;
  duration: number;
  keyframe: boolean;
}

export class VideoEncoder {
  readonly config: Readonly<Required<VideoEncoderOptions>>;
  /** The current target, bits per second. */
  readonly bitrate: number;
  /**
   * Encode one frame. timestamp (microseconds) defaults to the previous one plus 1/fps and
   * must increase; keyframe forces one. Throws the frame errors of filter(), MC_ERANGE
   * (timestamp), MC_ESTATE (after flush() or close()), MC_ECODEC (libvpx, with its detail).
   */
  encode(frame: VideoInput, options?: { timestamp?: number; duration?: number; keyframe?: boolean }): EncodedPacket[];
  /** End of stream: packets still held (none in realtime mode). No frames after this. */
  flush(): EncodedPacket[];
  /** Change the target bitrate from the next frame on. */
  setBitrate(bitrate: number): void;
  close(): void;
}

export interface VideoDecoderOptions {
  codec?: VideoCodec;
  /** Frames larger than this are refused with MC_EDIMENSIONS (16383). */
  maxWidth?: number;
  maxHeight?: number;
}

export interface DecodedFrame {
  width: number;
  height: number;
  timestamp: number;
  keyframe: boolean;
  /** The size differs from the previous frame's (true for the first). */
  sizeChanged: boolean;
  format: 'rgba' | 'i420';
  /** RGBA (Uint8ClampedArray) or contiguous I420 (Uint8Array). */
  data: Uint8ClampedArray | Uint8Array;
}

export class VideoDecoder {
  readonly config: Readonly<{ codec: VideoCodec }>;
  /**
   * Decode one packet; null when it shows no frame. options.into: an ImageData or typed
   * array of exactly the frame's size, filled instead of allocating. Throws MC_EFORMAT
   * (corrupt or truncated packet), MC_ESTATE (inter frames until the next keyframe, after
   * an error or at the start), MC_EDIMENSIONS (into of the wrong size, or over the maximum).
   */
  decode(data: Uint8Array, options?: { format?: 'rgba' | 'i420'; into?: ImageData | Uint8Array | Uint8ClampedArray; timestamp?: number }): DecodedFrame | null;
  close(): void;
}

export interface AudioEncoderOptions {
  sampleRate?: 8000 | 12000 | 16000 | 24000 | 48000;   // 48000
  channels?: 1 | 2;                                     // 1
  bitrate?: number;                                     // 64000 (6000..510000)
  application?: 'voip' | 'audio' | 'lowdelay';          // 'audio'
  complexity?: number;                                  // 10 (0..10)
  /** In-band forward error correction (needs packetLoss > 0 to do anything). */
  fec?: boolean;
  /** Expected loss, percent. */
  packetLoss?: number;
  /** Discontinuous transmission: silent frames give no packet. */
  dtx?: boolean;
}

export class AudioEncoder {
  readonly config: Readonly<Required<AudioEncoderOptions>>;
  readonly bitrate: number;
  /** The decoder's pre-skip in 48 kHz samples (OpusHead, WebM CodecDelay). */
  readonly preSkip: number;
  /** Feed interleaved PCM of any length; returns the 20 ms packets completed. */
  encode(pcm: Float32Array): EncodedPacket[];
  /** Pad the buffered remainder with silence and encode it. No input after this. */
  flush(): EncodedPacket[];
  setBitrate(bitrate: number): void;
  close(): void;
}

export interface AudioDecoderOptions {
  sampleRate?: 8000 | 12000 | 16000 | 24000 | 48000;
  channels?: 1 | 2;
}

export class AudioDecoder {
  readonly config: Readonly<Required<AudioDecoderOptions>>;
  /** Decode a packet (null: conceal a lost one) to interleaved PCM. MC_EFORMAT if corrupt. */
  decode(data: Uint8Array | null, options?: { into?: Float32Array }): Float32Array;
  /** The packet before `data` was lost: rebuild it from data's in-band FEC. */
  decodeFec(data: Uint8Array, options?: { into?: Float32Array }): Float32Array;
  close(): void;
}

export interface RecorderOptions {
  video?: VideoEncoderOptions | false;   // rateControl defaults to 'vbr' here
  audio?: AudioEncoderOptions | false;
  /** 'seekable' (default: Cues and Duration, the header rewritten at the end) or 'live'. */
  mode?: 'seekable' | 'live';
}

export class Recorder {
  readonly video: Readonly<Required<VideoEncoderOptions>> | null;
  readonly audio: Readonly<Required<AudioEncoderOptions>> | null;
  readonly byteLength: number;
  readonly videoFrames: number;
  readonly audioPackets: number;
  /** Microseconds recorded so far. */
  readonly duration: number;
  /** A frame at `timestamp` microseconds from the start of the recording. */
  addVideoFrame(frame: VideoInput, timestamp: number, options?: { keyframe?: boolean }): void;
  /** Interleaved PCM; its time follows from the samples fed so far (from 0). */
  addAudio(pcm: Float32Array): void;
  /** The file bytes produced since the last take() (for a live stream). */
  take(): Uint8Array;
  /** End the recording: the whole WebM file. */
  finish(): Uint8Array;
  close(): void;
}

export interface WebmMuxerOptions {
  mode?: 'seekable' | 'live';
  video?: { codec?: VideoCodec; width?: number; height?: number } | null;
  audio?: { sampleRate?: number; channels?: 1 | 2; preSkip?: number } | null;
  /** Longest cluster, 100..30000 ms (5000). */
  clusterMs?: number;
}

export class WebmMuxer {
  readonly mode: 'seekable' | 'live';
  readonly finished: boolean;
  addVideo(data: Uint8Array, options: { timestamp: number; duration?: number; keyframe?: boolean }): void;
  addAudio(data: Uint8Array, options: { timestamp: number; duration?: number }): void;
  /** The file bytes produced since the last take(). */
  take(): Uint8Array;
  /** The last bytes, and (seekable mode) the header to write over the file's start. */
  finish(): { tail: Uint8Array; header: Uint8Array | null };
  close(): void;
}

export interface WebmInfo {
  /** Microseconds, or null when the file does not say (live recordings). */
  duration: number | null;
  video: { codec: VideoCodec; width: number; height: number } | null;
  audio: { codec: 'opus'; sampleRate: number; channels: number; preSkip: number; codecPrivate: Uint8Array } | null;
}

export interface WebmPacket {
  track: 'video' | 'audio';
  data: Uint8Array;
  timestamp: number;
  duration: number;
  keyframe: boolean;
}

export class WebmDemuxer implements Iterable<WebmPacket> {
  readonly info: WebmInfo;
  /** The next frame in file order, null at the end; MC_EFORMAT where the file is damaged. */
  next(): WebmPacket | null;
  [Symbol.iterator](): Iterator<WebmPacket>;
  close(): void;
}

export interface Base64EncodeOptions {
  /** 'base64' (default): + and /; 'base64url': - and _. */
  alphabet?: 'base64' | 'base64url';
  /** Leave out the '=' padding (default false). */
  omitPadding?: boolean;
}

export interface Base64DecodeOptions {
  alphabet?: 'base64' | 'base64url';
  /**
   * false (default): strict RFC 4648 (alphabet only, padding required, zero pad bits).
   * true: like atob(): ASCII whitespace ignored, padding optional, pad bits ignored.
   */
  forgiving?: boolean;
  /** Strict mode only: false accepts input without '=' padding. Default true. */
  requirePadding?: boolean;
  /** Decode into this array and return the written part of it. */
  into?: Uint8Array;
}

/** Anything shaped like an RTCDataChannel. */
export interface DataChannelLike extends EventTarget {
  readonly readyState: string;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: string;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
}

export interface FileSenderOptions {
  /** The channel to send on (or call attach() later). */
  channel?: DataChannelLike;
  /** 'auto' (default): binary if the receiver takes it, else Base64 text. */
  mode?: 'auto' | 'binary' | 'base64';
  /** Where the chunk size comes from: pc.sctp.maxMessageSize, or this (16 KiB when unknown). */
  peerConnection?: { sctp?: { maxMessageSize?: number } | null };
  maxMessageSize?: number;
  /** Payload bytes per chunk; overrides the above. */
  chunkSize?: number;
  /** Override the file's name / MIME type. */
  name?: string;
  type?: string;
  /** bufferedAmount marks (default 8 MiB / 1 MiB), unacknowledged window (32 MiB), read size (4 MiB). */
  highWaterMark?: number;
  lowWaterMark?: number;
  window?: number;
  readSize?: number;
  /** Least milliseconds between progress events (default 100). */
  progressInterval?: number;
  /** Offer the file again every this many milliseconds until the receiver answers
   * (default 2000; 0 never): an offer sent before the other end listens is lost. */
  offerRetry?: number;
}

export interface TransferStats {
  bytesDone: number; bytesSent: number; chunksDone: number; duplicates: number;
  outOfOrder: number; corrupt: number; stale: number; resumes: number; errors: number;
}

export interface TransferResult {
  id: string; name: string; size: number;
  /** Complete, and (unless legacy) the SHA-256 matched on both sides. */
  ok: boolean;
  verified: boolean;
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
  /** Why it failed or was refused: 'space: ...', 'declined: ...', ... */
  reason: string;
  code: MediaCoreErrorCode | null;
  stats: TransferStats;
}

export interface TransferProgress {
  bytes: number; total: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Seconds left at that rate. */
  eta: number;
}

export class FileSender extends EventTarget {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly chunkSize: number;
  readonly mode: 'binary' | 'base64' | null;
  readonly stats: TransferStats | null;
  /** Offer and send; resolves when the receiver has verified the file. Rejects with
   * MediaCoreError (.result): MC_ELIMIT (no space / too large), MC_ESTATE (declined, busy,
   * cancelled), MC_ECHECKSUM (verification failed). */
  start(): Promise<TransferResult>;
  /** Continue on a new channel after a dropped connection. */
  attach(channel: DataChannelLike): void;
  cancel(reason?: string): void;
  close(): void;
}

export interface FileOffer {
  id: string; name: string;
  /** null for a legacy (book) stream without a size. */
  size: number | null;
  type: string;
  mode: 'binary' | 'base64' | 'legacy';
  legacy: boolean;
}

export interface ReceivedFile extends TransferResult {
  type: string;
  legacy: boolean;
  /** The file: on disk (origin private file system or the given handle) or in memory. */
  file: File | Blob;
  storage: 'opfs' | 'file' | 'memory' | 'custom';
  /** Delete the stored copy (origin private file system). */
  remove(): Promise<void>;
}

export interface FileReceiverOptions {
  channel?: DataChannelLike;
  /** Ask before accepting (default: accept every file). */
  accept?: (offer: FileOffer) => boolean | Promise<boolean>;
  /** 'auto' (default): the origin private file system where available, else memory. */
  storage?: 'auto' | 'opfs' | 'memory' | ((offer: FileOffer) => Promise<FileSystemFileHandle>);
  /** Free-space check (default navigator.storage.estimate) and margin (16 MiB). */
  estimate?: () => Promise<{ quota?: number; usage?: number }>;
  spaceMargin?: number;
  maxFileSize?: number;
  maxChunkSize?: number;
  ackBytes?: number;
  progressInterval?: number;
}

export class FileReceiver extends EventTarget {
  /** The file being received, or null. */
  readonly current: FileOffer | null;
  readonly stats: TransferStats | null;
  attach(channel: DataChannelLike): void;
  cancel(reason?: string): void;
  close(): void;
}

/** Defaults of the file transfer (sizes in bytes). */
export const FileShareDefaults: Readonly<Record<string, number>>;

/** Delete every file FileReceivers stored in the origin private file system. */
export function clearReceivedFiles(): Promise<void>;

/** MC_BASE64_* flag bits (include/mediacore/base64.h); `scalar` forces the scalar path in tests. */
export const Base64Flags: Readonly<{ url: 1; noPad: 2; forgiving: 4; scalar: 8 }>;

/** Load the module (SIMD or baseline, by feature detection) and return a MediaCore. */
export function createMediaCore(options?: MediaCoreOptions): Promise<MediaCore>;

/** True when this engine supports WebAssembly SIMD128. */
export function hasWasmSimd(): boolean;

// ---- Signaling (web/lib/signaling.js, web/lib/peer.js; wire protocol in docs/protocol.md) ----

/** Error codes: the server's (docs/protocol.md) plus 'closed' and 'timeout' from the client. */
export type SignalingErrorCode =
  | 'bad-json' | 'bad-utf8' | 'too-large' | 'too-deep' | 'bad-field' | 'unknown-type'
  | 'invalid-name' | 'name-taken' | 'already-logged-in' | 'not-logged-in' | 'unknown-user'
  | 'self' | 'undeliverable' | 'rate-limited' | 'server-busy' | 'closed' | 'timeout' | 'left'
  | (string & {});

export class SignalingError extends Error {
  readonly name: 'SignalingError';
  readonly code: SignalingErrorCode;
  /** The server's reply, when there was one. */
  readonly reply: Record<string, unknown> | undefined;
}

export type SignalingState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SignalingOptions {
  /** Reconnect after a dropped connection and log back in (default true). */
  reconnect?: boolean;
  /** Reconnect backoff bounds in ms (default 250 and 5000). */
  minDelay?: number;
  maxDelay?: number;
  /** How long a request waits for its reply, in ms (default 10000). */
  timeout?: number;
  /** The WebSocket class (default globalThis.WebSocket; in Node, the `ws` package's). */
  WebSocket?: unknown;
}

export interface SignalingEvents {
  offer: { from: string; offer: unknown; message: Record<string, unknown> };
  answer: { from: string | undefined; answer: unknown; message: Record<string, unknown> };
  candidate: { from: string | undefined; candidate: unknown; message: Record<string, unknown> };
  leave: { from: string | undefined; message: Record<string, unknown> };
  login: { name: string; iceServers: RTCIceServer[] };
  state: { state: SignalingState };
  error: SignalingError;
  message: Record<string, unknown>;
}

/** The ws(s):// URL of the server that served `base` (default: this page). */
export function defaultSignalingUrl(base?: URL | Location | string): string;

export class SignalingClient {
  constructor(url?: string, options?: SignalingOptions);
  readonly state: SignalingState;
  /** The name logged in with, or null. */
  readonly name: string | null;
  /** ICE servers handed out at login (the server's STUN responder), or []. */
  readonly iceServers: RTCIceServer[];
  readonly url: string;
  connect(): Promise<void>;
  login(name: string): Promise<{ name: string; iceServers: RTCIceServer[] }>;
  offer(to: string, offer: RTCSessionDescriptionInit | unknown): Promise<Record<string, unknown>>;
  answer(to: string, answer: RTCSessionDescriptionInit | unknown): Promise<Record<string, unknown>>;
  candidate(to: string, candidate: RTCIceCandidateInit | unknown): Promise<Record<string, unknown>>;
  leave(to?: string): Promise<Record<string, unknown>>;
  /** Send a message with an id; resolves with the reply (login reply or ack). */
  request(message: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Send as is, book style: no id, no reply. */
  send(message: Record<string, unknown> | string): void;
  on<K extends keyof SignalingEvents>(type: K, handler: (event: SignalingEvents[K]) => void): () => void;
  once<K extends keyof SignalingEvents>(type: K, filter?: (event: SignalingEvents[K]) => boolean, timeoutMs?: number): Promise<SignalingEvents[K]>;
  /** Route answer/candidate/leave from `from` to `owner` (Peer does this). */
  attach(from: string, owner: { onSignal(message: Record<string, unknown>): void }): () => void;
  close(): void;
}

export interface PeerOptions {
  signaling: SignalingClient;
  /** The other user's name. */
  remote: string;
  /** Default: signaling.iceServers. */
  iceServers?: RTCIceServer[];
  config?: RTCConfiguration;
}

export interface PeerEvents {
  track: { track: MediaStreamTrack; streams: readonly MediaStream[] };
  datachannel: RTCDataChannel;
  state: { state: RTCPeerConnectionState };
  close: { reason: 'hangup' | 'leave' | 'failed' | 'closed' };
  error: Error;
}

/** One RTCPeerConnection to one remote user, signaled through a SignalingClient. */
export class Peer {
  constructor(options: PeerOptions);
  readonly pc: RTCPeerConnection;
  /** The remote user's name: as given, then, once call() is acknowledged, as the remote logged
   *  in ("ALICE" becomes "alice"; the server compares names without case and width). */
  readonly remote: string;
  readonly state: RTCPeerConnectionState;
  addTrack(track: MediaStreamTrack, ...streams: MediaStream[]): RTCRtpSender;
  createDataChannel(label: string, options?: RTCDataChannelInit): RTCDataChannel;
  /** Offer, wait for the answer, apply it. Rejects: 'unknown-user', 'left', 'timeout', 'closed'. */
  call(options?: { timeoutMs?: number }): Promise<void>;
  /** Apply an offer, answer it. */
  accept(offer: RTCSessionDescriptionInit): Promise<void>;
  connected(options?: { timeoutMs?: number }): Promise<void>;
  /** Tell the other side and close. */
  hangUp(): void;
  /** Close without telling anyone. Safe to call twice. */
  close(): void;
  on<K extends keyof PeerEvents>(type: K, handler: (event: PeerEvents[K]) => void): () => void;
  once<K extends keyof PeerEvents>(type: K, filter?: (event: PeerEvents[K]) => boolean, timeoutMs?: number): Promise<PeerEvents[K]>;
}
