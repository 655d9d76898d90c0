// Type declarations for mediacore.js.

/** Names of the C error codes (src/core/mc_error.h), plus MC_ELOAD for a module that failed to load. */
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
  /** base64Encode / base64Decode are available. */
  readonly base64: boolean;
}

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
  /** Low-level access for tests and benchmarks; not a stable API. */
  readonly wasm: { exports: WebAssembly.Exports; memory: WebAssembly.Memory; runtime: unknown };
  /** Free the module memory this core holds. Safe to call more than once. */
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

/** MC_BASE64_* flag bits (src/core/base64.h); `scalar` forces the scalar path in tests. */
export const Base64Flags: Readonly<{ url: 1; noPad: 2; forgiving: 4; scalar: 8 }>;

/** Load the module (SIMD or baseline, by feature detection) and return a MediaCore. */
export function createMediaCore(options?: MediaCoreOptions): Promise<MediaCore>;

/** True when this engine supports WebAssembly SIMD128. */
export function hasWasmSimd(): boolean;
