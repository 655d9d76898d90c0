// fileshare/wire.js: what crosses the wasm boundary for file transfer (include/mediacore/
// chunk.h, src/wasm/exports_chunk.c): event bits, what to send next, modes, and the records
// the core writes into the shim's buffers. Every number here comes from the module's
// chunk layout table (Runtime.layout), read once per module: none is written down twice.

const EV_NAMES = ['offer', 'data', 'reply', 'progress', 'complete', 'cancelled', 'accepted',
  'rejected', 'resume', 'ignored', 'error'];
const MODE_NAMES = ['base64', 'binary', 'legacy'];
const INFO_FIELDS = ['size', 'size_known', 'chunk_size', 'chunks', 'tag', 'mode', 'id', 'name', 'mime'];
const RESULT_FIELDS = ['ok', 'verified', 'error', 'sha256', 'reason'];
const STAT_NAMES = ['bytesDone', 'bytesSent', 'chunksDone', 'duplicates', 'outOfOrder',
  'corrupt', 'stale', 'resumes', 'errors'];

const layouts = new WeakMap();   // Runtime -> its chunk layout

/** Offsets of `fields` in record `name`, and its size: { sizeof, field: offset, ... }. */
function record(c, name, fields) {
  const out = { sizeof: c(`${name}.sizeof`) };
  for (const f of fields) out[f] = c(`${name}.${f}`);
  return Object.freeze(out);
}

/**
 * The chunk layout of this module:
 *   headerSize             MC_CHUNK_HEADER_SIZE
 *   ev                     MC_CHUNK_EV_* bits by upper-case name (ev.OFFER, ...)
 *   sendChunk, sendEnd     what mc_wasm_chunk_sender_poll() asks for
 *   modes                  mode names by mc_chunk_mode value
 *   info, stats, result    the records' sizes and offsets; recordSize fits any of them
 */
export function chunkLayout(rt) {
  let l = layouts.get(rt);
  if (l) return l;
  const c = rt.layout('chunk');
  const ev = {};
  for (const n of EV_NAMES) ev[n.toUpperCase()] = c(`ev.${n}`);
  const modes = [];
  for (const n of MODE_NAMES) modes[c(`mode.${n}`)] = n;
  const snake = (k) => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
  const info = record(c, 'info', INFO_FIELDS);
  const stats = record(c, 'stats', STAT_NAMES.map(snake));
  const result = record(c, 'result', RESULT_FIELDS);
  l = Object.freeze({
    headerSize: c('header_size'),
    ev: Object.freeze(ev),
    sendChunk: c('send.chunk'),
    sendEnd: c('send.end'),
    modes: Object.freeze(modes),
    info, result,
    stats: Object.freeze(STAT_NAMES.map((k) => [k, stats[snake(k)]])),
    recordSize: Math.max(info.sizeof, stats.sizeof, result.sizeof),
  });
  layouts.set(rt, l);
  return l;
}

/** The NUL-terminated string at ptr + at, within a record of `size` bytes at ptr. */
function readField(rt, ptr, at, size) {
  const u8 = rt.bytes();
  let end = ptr + at;
  while (end < ptr + size && u8[end] !== 0) end++;
  return new TextDecoder().decode(u8.subarray(ptr + at, end));
}

/** The info record (mc_wasm_chunk_info) at ptr. */
export function readInfo(rt, ptr) {
  const { info: o, modes } = chunkLayout(rt);
  const view = new DataView(rt.memory.buffer);
  return {
    size: view.getFloat64(ptr + o.size, true),
    sizeKnown: view.getInt32(ptr + o.size_known, true) !== 0,
    chunkSize: view.getUint32(ptr + o.chunk_size, true),
    chunks: view.getUint32(ptr + o.chunks, true),
    tag: view.getUint32(ptr + o.tag, true),
    mode: modes[view.getInt32(ptr + o.mode, true)] ?? 'base64',
    id: readField(rt, ptr, o.id, o.sizeof),
    name: readField(rt, ptr, o.name, o.sizeof),
    type: readField(rt, ptr, o.mime, o.sizeof),
  };
}

/** The stats record (mc_wasm_chunk_stats, doubles) at ptr. */
export function readStats(rt, ptr) {
  const view = new DataView(rt.memory.buffer);
  return Object.fromEntries(chunkLayout(rt).stats.map(([k, at]) => [k, view.getFloat64(ptr + at, true)]));
}

/** The result record (mc_wasm_chunk_result) at ptr. */
export function readResult(rt, ptr) {
  const { result: o } = chunkLayout(rt);
  const view = new DataView(rt.memory.buffer);
  const error = view.getInt32(ptr + o.error, true);
  return {
    ok: view.getInt32(ptr + o.ok, true) !== 0,
    verified: view.getInt32(ptr + o.verified, true) !== 0,
    errno: error,
    code: error === 0 ? null : rt.readCString(rt.exports.mc_wasm_error_name(error)),
    sha256: readField(rt, ptr, o.sha256, o.sizeof),
    reason: readField(rt, ptr, o.reason, o.sizeof),
  };
}

/** Text of `len` bytes of UTF-8 at ptr. */
export function readText(rt, ptr, len) {
  return new TextDecoder().decode(rt.bytes().subarray(ptr, ptr + len));
}
