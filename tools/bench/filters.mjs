// tools/bench/filters.mjs: frame filters side by side in one run, in Node.
//
//   node tools/bench/filters.mjs [--rounds 60] [--separate]
//
// For 1280x720 and 1920x1080 RGBA frames and each filter, times:
//   simd kernel   mc_wasm_filter on a frame already in wasm memory (SIMD128 module)
//   simd API      core.filter(frame): copy in, filter, copy out (SIMD128 module)
//   base kernel   / base API: the same with the baseline (no SIMD) module
//   JS loop       a plain JavaScript loop over the frame's Uint8ClampedArray
//   copy          a plain copy of the frame (TypedArray.prototype.set): the floor
// Each timed call starts from the same random frame, restored before it untimed.
// Rounds interleave the variants so drift on a shared machine hits all of them alike;
// the first rounds are warm-up (JIT tier-up) and dropped. Prints medians in ms and ratios.
// --separate runs all rounds of one variant before the next instead (each variant then
// runs with only its own restores between calls: the best case for every variant).
import { createMediaCore } from '../../web/mediacore.js';
import { describeMachine, median } from './machine.mjs';

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] || 60);
const WARMUP = 10;
const SEPARATE = args.includes('--separate');

const jsLoops = {
  grayscale(d) {
    for (let i = 0; i < d.length; i += 4) {
      const y = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2];
      d[i] = y; d[i + 1] = y; d[i + 2] = y;
    }
  },
  sepia(d) {
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i], g = d[i + 1], b = d[i + 2];
      d[i] = 0.393 * r + 0.769 * g + 0.189 * b;
      d[i + 1] = 0.349 * r + 0.686 * g + 0.168 * b;
      d[i + 2] = 0.272 * r + 0.534 * g + 0.131 * b;
    }
  },
  invert(d) {
    for (let i = 0; i < d.length; i += 4) {
      d[i] = 255 - d[i]; d[i + 1] = 255 - d[i + 1]; d[i + 2] = 255 - d[i + 2];
    }
  },
};

function fill(u8) {
  let x = 12345;
  for (let i = 0; i < u8.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    u8[i] = x;
  }
}

const simd = await createMediaCore({ simd: true });
const base = await createMediaCore({ simd: false });
const FILTER_ID = { grayscale: 1, sepia: 2, invert: 3 };

const rows = [];
for (const [w, h] of [[1280, 720], [1920, 1080]]) {
  const size = w * h * 4;
  const original = new Uint8ClampedArray(size);
  fill(original);
  const frame = { data: new Uint8ClampedArray(original), width: w, height: h };
  const copyDst = new Uint8ClampedArray(size);
  const inWasm = [simd, base].map((core) => {
    const rt = core.wasm.runtime;
    const ptr = rt.alloc(size);
    return { core, ptr, restore: () => rt.bytes().set(original, ptr) };
  });

  for (const name of ['grayscale', 'sepia', 'invert']) {
    // Every timed call starts from the same random frame (restored untimed), so no variant
    // sees data that earlier passes have pushed towards saturation.
    const restore = {
      'simd kernel': inWasm[0].restore,
      'base kernel': inWasm[1].restore,
    };
    const variants = {
      'simd kernel': () => inWasm[0].core.wasm.exports.mc_wasm_filter(inWasm[0].ptr, size, w, h, 0, FILTER_ID[name], 0),
      'simd API': () => simd.filter(frame, name),
      'base kernel': () => inWasm[1].core.wasm.exports.mc_wasm_filter(inWasm[1].ptr, size, w, h, 0, FILTER_ID[name], 0),
      'base API': () => base.filter(frame, name),
      'JS loop': () => jsLoops[name](frame.data),
      copy: () => copyDst.set(frame.data),
    };
    const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    const once = (k, r) => {
      (restore[k] ?? (() => frame.data.set(original)))();
      const t0 = performance.now();
      variants[k]();
      const dt = performance.now() - t0;
      if (r >= WARMUP) times[k].push(dt);
    };
    if (SEPARATE) {
      for (const k of Object.keys(variants)) for (let r = 0; r < rounds + WARMUP; r++) once(k, r);
    } else {
      for (let r = 0; r < rounds + WARMUP; r++) for (const k of Object.keys(variants)) once(k, r);
    }
    const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    rows.push({ size: `${w}x${h}`, filter: name, ...med });
  }
}

const f = (x) => x.toFixed(3);
const r = (x) => `${x.toFixed(1)}x`;
console.log(`# filters benchmark: ${new Date().toISOString().slice(0, 10)}, ${rounds} rounds after ${WARMUP} warm-up, ${SEPARATE ? 'variants one after another (--separate)' : 'variants interleaved'}`);
console.log(`# ${describeMachine()}`);
console.log('');
console.log('| frame | filter | simd kernel | simd API | base kernel | base API | JS loop | copy | JS loop / simd kernel | JS loop / simd API | simd kernel / copy |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const x of rows) {
  console.log(`| ${x.size} | ${x.filter} | ${f(x['simd kernel'])} | ${f(x['simd API'])} | ${f(x['base kernel'])} | ${f(x['base API'])} | ${f(x['JS loop'])} | ${f(x.copy)} | ${r(x['JS loop'] / x['simd kernel'])} | ${r(x['JS loop'] / x['simd API'])} | ${r(x['simd kernel'] / x.copy)} |`);
}
simd.close();
base.close();
