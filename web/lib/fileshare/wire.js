// fileshare/wire.js: what crosses the wasm boundary for file transfer (include/mediacore/
// chunk.h, src/wasm/exports_chunk.c): event bits, what to send next, modes, and the records
// the core writes into the shim's buffers.

export const EV = Object.freeze({
  OFFER: 0x1, DATA: 0x2, REPLY: 0x4, PROGRESS: 0x8, COMPLETE: 0x10, CANCELLED: 0x20,
  ACCEPTED: 0x40, REJECTED: 0x80, RESUME: 0x100, IGNORED: 0x200, ERROR: 0x400,
});
export const SEND_CHUNK = 1;
export const SEND_END = 2;
export const HEADER = 20;               // MC_CHUNK_HEADER_SIZE
const MODE_NAMES = ['base64', 'binary', 'legacy'];

/** Record layouts written by src/wasm/exports_chunk.c. */
export function readInfo(rt, ptr) {
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

export function readStats(rt, ptr) {
  const f = new Float64Array(rt.memory.buffer, ptr, STAT_NAMES.length);
  return Object.fromEntries(STAT_NAMES.map((k, i) => [k, f[i]]));
}

export function readResult(rt, ptr) {
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
export function readText(rt, ptr, len) {
  return new TextDecoder().decode(rt.bytes().subarray(ptr, ptr + len));
}
