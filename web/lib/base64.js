// base64.js: core.base64Encode(bytes) and core.base64Decode(text) in the wasm core.
//
// Bytes are copied once into a buffer in module memory, encoded or decoded there by the C
// kernel (SIMD128 in the SIMD module), and the result leaves module memory once: as a
// string for encoding, as a fresh Uint8Array (or into the caller's array) for decoding.
// The module buffers are allocated on first use, grown only for larger inputs, and
// otherwise reused: nothing is allocated in module memory per call.
//
// Strings move between JavaScript and module memory with the engine's fastest bulk
// primitives for ASCII: TextEncoder.encodeInto writes a string's characters straight into
// module memory (Base64 is ASCII, so one byte per character; anything else is caught by
// the decoder as an invalid character), and a string is made from module memory with
// TextDecoder, or in Node with Buffer's latin1 slice, which builds large strings outside
// the JavaScript heap and is several times faster there.
import { MediaCoreError, WasmBuffer } from './runtime.js';

/** MC_BASE64_* flags of include/mediacore/base64.h. Public and needed before a module loads,
 * so written here; tests/node/layout.test.mjs checks them against the module's base64 table. */
export const Base64Flags = Object.freeze({ url: 1, noPad: 2, forgiving: 4, scalar: 8 });

const MC_EFORMAT = -7;
const ENCODE_PIECE = 3 * 256 * 1024;   // bytes per kernel call: 768 KiB, whole 3-byte groups
const DECODE_PIECE = 1024 * 1024;       // characters per kernel call, whole 4-character groups

const NodeBuffer = (typeof globalThis.Buffer === 'function' &&
  typeof globalThis.Buffer.prototype?.latin1Slice === 'function') ? globalThis.Buffer : null;

/**
 * A new Uint8Array holding a copy of u8[start, end). In Node, the memory comes from
 * Buffer.allocUnsafeSlow (malloc, reused across calls, every byte overwritten at once)
 * rather than a zero-filled ArrayBuffer, which for large sizes is fresh pages from the
 * kernel on every call; the result is still a plain Uint8Array of exactly that length.
 */
export function copyOut(u8, start, end) {
  if (NodeBuffer !== null && end - start >= 4096) {
    const out = newBytes(end - start);
    out.set(u8.subarray(start, end));
    return out;
  }
  return u8.slice(start, end);
}

/** A new Uint8Array of `size` bytes that the caller overwrites (see copyOut). */
function newBytes(size) {
  if (NodeBuffer !== null && size >= 4096) {
    const buf = NodeBuffer.allocUnsafeSlow(size);
    return new Uint8Array(buf.buffer, buf.byteOffset, size);
  }
  return new Uint8Array(size);
}

/** A string from the ASCII bytes u8[start, end). */
export function makeAsciiString(decoder, u8, start, end) {
  if (start === end) return '';
  if (NodeBuffer !== null) {
    return NodeBuffer.from(u8.buffer, u8.byteOffset + start, end - start).latin1Slice();
  }
  return decoder.decode(u8.subarray(start, end));
}

function alphabetFlag(alphabet) {
  if (alphabet === undefined || alphabet === 'base64') return 0;
  if (alphabet === 'base64url') return Base64Flags.url;
  throw new MediaCoreError('MC_EINVAL', `alphabet must be 'base64' or 'base64url', not ${alphabet}`, -1);
}

/** A Uint8Array over any BufferSource; MC_EINVAL for anything else. */
export function asBytes(data, what = 'bytes') {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new MediaCoreError('MC_EINVAL', `${what} must be a Uint8Array, ArrayBuffer or typed array`, -1);
}

export class Base64Codec {
  constructor(runtime) {
    this.rt = runtime;
    this.input = new WasmBuffer(runtime);
    this.output = new WasmBuffer(runtime);
    this.errorSlot = 0;          // 4 bytes for mc_wasm_base64_decode's error offset
    this.decoderState = 0;       // an mc_base64_decoder, for strings decoded in pieces
    this.textEncoder = new TextEncoder();
    this.textDecoder = new TextDecoder();
  }

  /**
   * Encode bytes to a Base64 string.
   * options.alphabet 'base64' (default) | 'base64url'; options.omitPadding (default false);
   * options.flags: extra MC_BASE64_* bits (Base64Flags.scalar, for tests and benchmarks).
   */
  encode(data, options = {}) {
    const bytes = asBytes(data);
    const flags = alphabetFlag(options.alphabet) | (options.omitPadding ? Base64Flags.noPad : 0) |
      ((options.flags ?? 0) & Base64Flags.scalar);
    const n = bytes.byteLength;
    const len = this.rt.check(this.rt.exports.mc_wasm_base64_encoded_length(n, flags),
      `base64Encode of ${n} bytes`);
    if (n === 0) return '';
    // Input larger than ENCODE_PIECE goes in pieces of that size, each copied in and
    // encoded while it is still in cache; pieces are whole 3-byte groups, so only the last
    // one can end in padding and the output is the same as in one call.
    const piece = Math.min(n, ENCODE_PIECE);
    const src = this.input.reserve(piece);
    const dst = this.output.reserve(len);
    let written = 0;
    for (let i = 0; i < n; i += piece) {
      const m = Math.min(piece, n - i);
      this.input.view(m).set(m === n ? bytes : bytes.subarray(i, i + m));   // copy in
      written += this.rt.check(this.rt.exports.mc_wasm_base64_encode(src, m, dst + written,
        len - written, flags), `base64Encode of ${n} bytes`);
    }
    return makeAsciiString(this.textDecoder, this.rt.bytes(), dst, dst + written);   // out
  }

  /**
   * Decode a Base64 string. Strict by default (RFC 4648: alphabet only, padding required,
   * zero pad bits); options.forgiving: true decodes like atob() (whitespace ignored,
   * padding optional). options.alphabet 'base64' | 'base64url'; options.requirePadding
   * (default true; false accepts unpadded input in strict mode); options.into: a
   * Uint8Array to decode into (returns the written part of it).
   * Throws MediaCoreError MC_EFORMAT with .offset, the index of the first bad character
   * (or the length, when the input ends inside a 4-character group).
   */
  decode(text, options = {}) {
    if (typeof text !== 'string') {
      throw new MediaCoreError('MC_EINVAL', `base64Decode takes a string, not ${typeof text}`, -1);
    }
    const flags = alphabetFlag(options.alphabet) | (options.forgiving ? Base64Flags.forgiving : 0) |
      (options.requirePadding === false ? Base64Flags.noPad : 0) |
      ((options.flags ?? 0) & Base64Flags.scalar);
    const into = options.into === undefined ? null : asBytes(options.into, 'options.into');
    const n = text.length;
    if (n === 0) return into ? into.subarray(0, 0) : new Uint8Array(0);
    const max = Math.ceil(n / 4) * 3;
    if (this.errorSlot === 0) this.errorSlot = this.rt.alloc(4);
    if (n > DECODE_PIECE && (!into || into.byteLength >= max)) {
      const out = into ?? newBytes(max);
      const size = this.#decodePieces(text, flags, out, options);
      return into || size !== max ? out.subarray(0, size) : out;
    }
    // Base64 is ASCII: one byte per character. A string with other characters needs more
    // bytes in UTF-8; encodeInto then stops early, and that first non-ASCII character is
    // where decoding must fail anyway.
    const src = this.input.reserve(n);
    const dst = this.output.reserve(max);
    const u8 = this.rt.bytes();
    const { read, written: copied } = this.textEncoder.encodeInto(text, u8.subarray(src, src + n));
    const rc = this.rt.exports.mc_wasm_base64_decode(src, copied, dst, max, flags, this.errorSlot);
    if (rc === MC_EFORMAT || read !== n) throw this.#badInput(rc, read, options);
    const size = this.rt.check(rc, `base64Decode of ${n} characters`);
    const bytes = this.rt.bytes();
    if (into) {
      if (into.byteLength < size) {
        throw new MediaCoreError('MC_EBUFSIZE', `base64Decode: options.into holds ${into.byteLength} bytes, ${size} needed`, -5);
      }
      into.set(bytes.subarray(dst, dst + size));
      return into.subarray(0, size);
    }
    return copyOut(bytes, dst, dst + size);                           // copy out
  }

  /**
   * decode() for long strings: DECODE_PIECE characters at a time go into module memory and
   * through one streaming decoder while they are in cache, and each piece's bytes straight
   * into `out` (at least ceil(n / 4) * 3 bytes); returns how many. Same bytes, codes and
   * error offsets as one call: the decoder carries incomplete groups and counts offsets
   * across pieces.
   */
  #decodePieces(text, flags, out, options) {
    const ex = this.rt.exports;
    const n = text.length;
    const cap = DECODE_PIECE / 4 * 3;
    const src = this.input.reserve(DECODE_PIECE);
    const dst = this.output.reserve(cap);
    if (this.decoderState === 0) this.decoderState = this.rt.alloc(ex.mc_wasm_base64_decoder_size());
    const state = this.decoderState;
    this.rt.check(ex.mc_wasm_base64_decoder_init(state, flags), 'base64Decode');
    let size = 0;
    for (let i = 0; i < n; i += DECODE_PIECE) {
      const part = text.substring(i, i + DECODE_PIECE);
      const { read, written: copied } = this.textEncoder.encodeInto(part,
        this.rt.bytes().subarray(src, src + DECODE_PIECE));                        // copy in
      const rc = ex.mc_wasm_base64_decoder_update(state, src, copied, dst, cap, this.errorSlot);
      if (rc === MC_EFORMAT || read !== part.length) throw this.#badInput(rc, i + read, options);
      const w = this.rt.check(rc, `base64Decode of ${n} characters`);
      out.set(this.rt.bytes().subarray(dst, dst + w), size);                       // out
      size += w;
    }
    const rc = ex.mc_wasm_base64_decoder_final(state, dst, cap, this.errorSlot);
    if (rc === MC_EFORMAT) throw this.#badInput(rc, n, options);
    const w = this.rt.check(rc, `base64Decode of ${n} characters`);
    out.set(this.rt.bytes().subarray(dst, dst + w), size);
    return size + w;
  }

  /**
   * The error for a decoder result `rc` after characters [0, readEnd) of the string went
   * into module memory. Every character before the first bad one is ASCII, so the
   * decoder's byte offset is also the character offset; a non-ASCII character (which
   * encodeInto either wrote as bytes >= 0x80 or stopped at, readEnd) is itself the first
   * bad one when nothing came before.
   */
  #badInput(rc, readEnd, options) {
    const offset = rc === MC_EFORMAT
      ? new DataView(this.rt.memory.buffer).getUint32(this.errorSlot, true) : readEnd;
    return this.#formatError(Math.min(offset, readEnd), options);
  }

  #formatError(offset, options) {
    const err = new MediaCoreError('MC_EFORMAT',
      `invalid Base64 at offset ${offset}${options.forgiving ? '' : ' (strict RFC 4648; pass { forgiving: true } to decode like atob)'}`, MC_EFORMAT);
    err.offset = offset;
    return err;
  }

  close() {
    this.input.close();
    this.output.close();
    this.rt.free(this.errorSlot);
    this.errorSlot = 0;
    this.rt.free(this.decoderState);
    this.decoderState = 0;
  }
}
