// tools/bench/base64.mjs: Base64 encode and decode side by side in one run, in Node.
//
//   node tools/bench/base64.mjs [--rounds 20] [--sizes 1,64] [--book-rounds 2]
//
// For 1 MiB and 64 MiB of random bytes, times encoding and decoding with:
//   simd kernel    mc_wasm_base64_encode/decode on data already in module memory (SIMD128)
//   simd scalar    the same module forced onto its scalar path (MC_BASE64_SCALAR)
//   base kernel    the baseline module (no SIMD instructions at all)
//   simd API       core.base64Encode(bytes) -> string, core.base64Decode(string) -> bytes
//   simd API into  core.base64Decode(string, { into }) into a reused Uint8Array
//   base API       the same through the baseline module
//   Buffer         Node's Buffer: buf.toString('base64'), Buffer.from(str, 'base64')
//   book           the book's code: a String.fromCharCode loop + btoa() to encode;
//                  atob() + a charCodeAt loop into a Uint8Array to decode
//   fresh memory   allocating and filling a new Uint8Array of the output's size: what
//                  any API that returns new memory pays at least (page faults)
// Throughput is MB/s (10^6 bytes) of binary data: bytes in for encoding, bytes out for
// decoding, from the median time of a call. Rounds interleave the variants so drift on a
// shared machine hits all alike: in each round every variant runs a block of consecutive
// calls (five for 1 MiB, three for 64 MiB). The first call of a block is reported as
// "cold" (the memory allocator and caches have just served other variants, so a fresh
// result often lands on fresh pages), the others as "warm" (an application encoding a
// stream of chunks). The first rounds are warm-up and dropped. Prints medians and ratios.
import { createMediaCore } from '../../web/mediacore.js';
import { describeMachine, median, option as opt } from './machine.mjs';
import os from 'node:os';

const ROUNDS = Number(opt('rounds', 20));
const BOOK_ROUNDS = Number(opt('book-rounds', 2));
const SIZES = opt('sizes', '1,64').split(',').map((m) => Number(m) * 1024 * 1024);
const WARMUP = 3;
const SCALAR = 8;

// ---- The book's code (Learning WebRTC, file sharing chapter), verbatim in substance.
function bookEncode(buffer) {
  let binary = '';
  const bytes = new Uint8Array(buffer);
  const len = bytes.byteLength;
  for (let i = 0; i < len; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}
function bookDecode(b64) {
  const slice = atob(b64);
  const byteNumbers = new Array(slice.length);
  for (let n = 0; n < slice.length; n++) byteNumbers[n] = slice.charCodeAt(n);
  return new Uint8Array(byteNumbers);
}

function fill(u8, seed) {
  let x = seed;
  for (let i = 0; i < u8.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    u8[i] = x;
  }
}

const simd = await createMediaCore({ simd: true });
const base = await createMediaCore({ simd: false });

/** A kernel variant: input and output buffers in module memory, allocated once. */
function kernel(core, size, text, flags) {
  const rt = core.wasm.runtime;
  const ex = core.wasm.exports;
  const textLen = text.length;
  const bin = rt.alloc(size), txt = rt.alloc(textLen), out = rt.alloc(size + 16), err = rt.alloc(4);
  rt.bytes().set(new TextEncoder().encode(text), txt);
  return {
    bin,
    encode: () => {
      const n = ex.mc_wasm_base64_encode(bin, size, txt, textLen, flags);
      if (n !== textLen) throw new Error(`encode returned ${n}`);
    },
    decode: () => {
      const n = ex.mc_wasm_base64_decode(txt, textLen, out, size + 16, flags, err);
      if (n !== size) throw new Error(`decode returned ${n}`);
    },
  };
}

const rows = [];
for (const size of SIZES) {
  const data = new Uint8Array(size);
  fill(data, 12345 + size);
  const text = Buffer.from(data.buffer).toString('base64');
  const kSimd = kernel(simd, size, text, 0);
  const kScalar = kernel(simd, size, text, SCALAR);
  const kBase = kernel(base, size, text, 0);
  for (const k of [kSimd, kScalar, kBase]) {
    const rt = k === kBase ? base.wasm.runtime : simd.wasm.runtime;
    rt.bytes().set(data, k.bin);
  }
  const into = new Uint8Array(size);
  const buf = Buffer.from(data.buffer);

  // Correctness first: every variant must agree with Buffer.
  const check = (name, got) => {
    if (got !== text) throw new Error(`${name}: wrong encoding`);
  };
  check('simd API', simd.base64Encode(data));
  check('base API', base.base64Encode(data));
  if (Buffer.compare(Buffer.from(simd.base64Decode(text)), buf) !== 0) throw new Error('simd API decode');
  if (Buffer.compare(Buffer.from(base.base64Decode(text)), buf) !== 0) throw new Error('base API decode');
  const small = size <= 1 << 20;
  if (small) {
    check('book', bookEncode(data.buffer));
    if (Buffer.compare(Buffer.from(bookDecode(text)), buf) !== 0) throw new Error('book decode');
  }

  const variants = {
    'simd kernel': [kSimd.encode, kSimd.decode],
    'simd scalar': [kScalar.encode, kScalar.decode],
    'base kernel': [kBase.encode, kBase.decode],
    'simd API': [() => simd.base64Encode(data), () => simd.base64Decode(text)],
    'simd API into': [null, () => simd.base64Decode(text, { into })],
    'base API': [() => base.base64Encode(data), () => base.base64Decode(text)],
    Buffer: [() => buf.toString('base64'), () => Buffer.from(text, 'base64')],
    book: [() => bookEncode(data.buffer), () => bookDecode(text)],
    'fresh memory': [() => new Uint8Array(text.length).fill(65), () => new Uint8Array(size).fill(1)],
  };
  // times[variant][direction]: cold = the first call of each block (the allocator and
  // caches just served other variants), warm = the calls after it in the same block.
  const times = {};
  for (const k of Object.keys(variants)) times[k] = [{ cold: [], warm: [] }, { cold: [], warm: [] }];
  const rounds = ROUNDS + WARMUP;
  const block = small ? 5 : 3;
  for (let r = 0; r < rounds; r++) {
    for (const [k, fns] of Object.entries(variants)) {
      const bookRounds = small ? Math.min(rounds, BOOK_ROUNDS * 3 + 1) : BOOK_ROUNDS + 1;
      if (k === 'book' && r >= bookRounds) continue;
      for (let dir = 0; dir < 2; dir++) {
        if (!fns[dir]) continue;
        for (let i = 0; i < (k === 'book' ? 1 : block); i++) {
          const t0 = performance.now();
          fns[dir]();
          const dt = performance.now() - t0;
          if (r >= (k === 'book' ? 1 : WARMUP)) times[k][dir][i === 0 ? 'cold' : 'warm'].push(dt);
        }
      }
    }
  }
  for (const [k, [enc, dec]] of Object.entries(times)) {
    const mbps = (ms) => (ms.length ? size / (median(ms) / 1000) / 1e6 : NaN);
    rows.push({
      size, variant: k,
      encWarm: mbps(enc.warm), decWarm: mbps(dec.warm), encCold: mbps(enc.cold), decCold: mbps(dec.cold),
      n: Math.max(enc.cold.length + enc.warm.length, dec.cold.length + dec.warm.length),
    });
  }
}

const fmt = (x) => (Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const load = os.loadavg().map((x) => x.toFixed(2)).join(', ');
console.log(`# base64 benchmark: ${new Date().toISOString().slice(0, 10)}, ${ROUNDS} rounds after ${WARMUP} warm-up (book: ${BOOK_ROUNDS}); load average ${load}`);
console.log(`# ${describeMachine()}`);
console.log('');
console.log('MB/s of binary data, medians. warm: consecutive calls of one variant; cold: the first call after the other variants ran.');
console.log('');
console.log('| input | variant | encode warm | decode warm | encode cold | decode cold | encode vs Buffer (warm / cold) | decode vs Buffer (warm / cold) | calls |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const x of rows) {
  const b = rows.find((y) => y.size === x.size && y.variant === 'Buffer');
  const ratio = (a, c) => (Number.isNaN(a) ? '–' : `${(a / c).toFixed(2)}x`);
  // The book's loop is timed once per round (its first call is all there is).
  const w = (v, c) => (Number.isNaN(v) ? c : v);
  console.log(`| ${x.size >> 20} MiB | ${x.variant} | ${fmt(w(x.encWarm, x.encCold))} | ${fmt(w(x.decWarm, x.decCold))} | ${fmt(x.encCold)} | ${fmt(x.decCold)} | ` +
    `${ratio(w(x.encWarm, x.encCold), b.encWarm)} / ${ratio(x.encCold, b.encCold)} | ${ratio(w(x.decWarm, x.decCold), b.decWarm)} / ${ratio(x.decCold, b.decCold)} | ${x.n} |`);
}
simd.close();
base.close();
