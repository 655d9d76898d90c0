// tools/bench/text.mjs: the text overlay against the frame filter, side by side in one
// run, in Node; and the module's size with and without the built-in font.
//
//   node tools/bench/text.mjs [--rounds 60] [--no-build]
//
// Times, per call, on a 1280x720 RGBA frame (restored untimed before each call):
//   text kernel   mc_wasm_text_draw on a frame already in wasm memory: a 40-character
//                 caption at 32 px, glyphs already in the cache (the per-frame case)
//   text API      core.drawText(frame, caption): copies the caption's rectangle in and out
//   filter kernel mc_wasm_filter (grayscale, sepia) on the same frame in wasm memory
//   filter API    core.filter(frame): copies the whole frame in and out
// for three captions (Latin, Chinese, mixed) plain and with an outline, in the SIMD and
// the baseline module, and reports medians and text / filter ratios (target: under 5 %).
//
// Sizes: both modules built three ways from this tree: as configured by default, with
// MC_TEXT_FONT=none (the text code, no glyphs) and with MC_TEXT=OFF (no text feature at
// all), each in build/bench-text/<variant>/ from a symlinked copy of the tree (so the
// build's copy step writes there, not into web/); raw and gzip -9. --no-build skips the
// builds and reports what they left last time.
import { readFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, lstatSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMediaCore } from '../../web/mediacore.js';
import { describeMachine, median } from './machine.mjs';

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] || 60);
const noBuild = args.includes('--no-build');
const WARMUP = 10;
const W = 1280, H = 720;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const CAPTIONS = {
  latin: 'Photobooth 2024-05-01 12:34:56 Hello, Wo',
  chinese: '你好，世界！今天天气很好，我们一起去公园拍照吧。这是照相亭的标题文字测试一二三四',
  mixed: 'Привет 你好 Hello 世界 2024-05-01 照相亭 ok!!!!',
};
for (const [k, v] of Object.entries(CAPTIONS)) {
  if ([...v].length !== 40) throw new Error(`caption ${k} has ${[...v].length} characters, not 40`);
}

function fill(u8) {
  let x = 12345;
  for (let i = 0; i < u8.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    u8[i] = x;
  }
  for (let i = 3; i < u8.length; i += 4) u8[i] = 255;   // an opaque camera frame
}

/** A text handle and a frame in wasm memory, for the kernel timings. */
function kernelRig(core, original) {
  const rt = core.wasm.runtime, ex = core.wasm.exports;
  const size = W * H * 4;
  const frame = rt.alloc(size);
  const handle = rt.check(ex.mc_wasm_text_create(0, 1));
  const textPtr = rt.alloc(4096);
  return {
    restore: () => rt.bytes().set(original, frame),
    setText(text, outline) {
      const bytes = new TextEncoder().encode(text);
      rt.bytes().set(bytes, textPtr);
      rt.check(ex.mc_wasm_text_style(handle, 32, 0xffffffff, 0, 0, outline ? 2 : 0, 0x000000d9, 0, 0, 0x99, 1, 0, 0));
      return bytes.length;
    },
    draw: (len) => rt.check(ex.mc_wasm_text_draw(handle, frame, size, W, H, 0, W / 2, H - 60, textPtr, len)),
    filter: (id) => rt.check(ex.mc_wasm_filter(frame, size, W, H, 0, id, 0)),
  };
}

async function timeDrawing() {
  const original = new Uint8ClampedArray(W * H * 4);
  fill(original);
  const rows = [];
  for (const simd of [true, false]) {
    const core = await createMediaCore({ simd });
    const rig = kernelRig(core, original);
    const frame = { data: new Uint8ClampedArray(original), width: W, height: H };
    const restoreApi = () => frame.data.set(original);
    for (const [name, caption] of Object.entries(CAPTIONS)) {
      for (const outline of [false, true]) {
        const len = rig.setText(caption, outline);
        const opts = { x: W / 2, y: H - 60, size: 32, align: 'center', outline: outline ? { width: 2, color: 'rgba(0,0,0,0.85)' } : false };
        rig.restore();
        rig.draw(len);                                  // fill the glyph cache: per-frame case
        core.drawText(frame, caption, opts);
        const variants = {
          'text kernel': [rig.restore, () => rig.draw(len)],
          'text API': [restoreApi, () => core.drawText(frame, caption, opts)],
          'grayscale kernel': [rig.restore, () => rig.filter(1)],
          'grayscale API': [restoreApi, () => core.filter(frame, 'grayscale')],
          'sepia kernel': [rig.restore, () => rig.filter(2)],
          'sepia API': [restoreApi, () => core.filter(frame, 'sepia')],
        };
        const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
        for (let r = 0; r < rounds + WARMUP; r++) {
          for (const [k, [restore, fn]] of Object.entries(variants)) {
            restore();
            const t0 = performance.now();
            fn();
            const dt = performance.now() - t0;
            if (r >= WARMUP) times[k].push(dt);
          }
        }
        const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
        rows.push({ module: simd ? 'simd' : 'base', caption: name, outline, ...med });
      }
    }
    core.close();
  }
  return rows;
}

/** Build both modules with extra CMake settings from a symlinked copy of the tree. */
function buildVariant(name, defines) {
  const base = path.join(root, 'build/bench-text', name);
  const tree = path.join(base, 'tree');
  mkdirSync(path.join(tree, 'web'), { recursive: true });
  for (const entry of readdirSync(root)) {
    if (['build', 'web', '.git', 'node_modules'].includes(entry)) continue;
    const link = path.join(tree, entry);
    if (!existsSync(link) && !isLink(link)) symlinkSync(path.join(root, entry), link);
  }
  const env = { ...process.env, NODE_PATH: process.env.NODE_PATH ?? '/usr/share/nodejs' };
  const prefix = execFileSync(path.join(root, 'tools/deps.sh'), { env, encoding: 'utf8' }).trim().split('\n').at(-1);
  const bdir = path.join(base, 'build');
  execFileSync('emcmake', ['cmake', '-S', tree, '-B', bdir, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release',
    `-DMC_DEPS_PREFIX=${prefix}`, ...defines], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('cmake', ['--build', bdir, '-j2', '--target', 'mediacore_simd', 'mediacore_base'],
    { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return path.join(tree, 'web');
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function sizes(dir) {
  const out = {};
  for (const name of ['mediacore-simd.wasm', 'mediacore.wasm']) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    out[name] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  return out;
}

const rows = await timeDrawing();
const probe = await createMediaCore();
const [builtin] = probe.fontInfo();
probe.close();
const variants = {
  full: ['-DMC_TEXT=ON', '-DMC_TEXT_FONT=default'],
  nofont: ['-DMC_TEXT=ON', '-DMC_TEXT_FONT=none'],
  notext: ['-DMC_TEXT=OFF'],
};
const variantSizes = {};
for (const [name, defines] of Object.entries(variants)) {
  variantSizes[name] = {};
  try {
    variantSizes[name] = sizes(noBuild ? path.join(root, 'build/bench-text', name, 'tree/web') : buildVariant(name, defines));
  } catch (err) {
    console.error(`bench: building ${name} failed: ${err.message}`);
  }
}
const bmpFile = path.join(root, 'web/mediacore-font-bmp.bin');
const bmp = existsSync(bmpFile) ? readFileSync(bmpFile) : null;

const ms = (x) => x.toFixed(4);
const pct = (x) => `${(100 * x).toFixed(2)} %`;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`# text benchmark: ${new Date().toISOString().slice(0, 10)}, ${rounds} rounds after ${WARMUP} warm-up, ${W}x${H}, 40-character captions at 32 px`);
console.log(`# ${describeMachine()}`);
console.log('');
console.log('| module | caption | outline | text kernel | text API | grayscale kernel | grayscale API | sepia kernel | sepia API | text / grayscale (kernel) | text / grayscale (API) | text / sepia (API) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.module} | ${r.caption} | ${r.outline ? '2 px' : 'none'} | ${ms(r['text kernel'])} | ${ms(r['text API'])} | ${ms(r['grayscale kernel'])} | ${ms(r['grayscale API'])} | ${ms(r['sepia kernel'])} | ${ms(r['sepia API'])} | ${pct(r['text kernel'] / r['grayscale kernel'])} | ${pct(r['text API'] / r['grayscale API'])} | ${pct(r['text API'] / r['sepia API'])} |`);
}
console.log('');
console.log(`Built-in font: ${builtin.glyphs} glyphs, ${builtin.bytes} bytes (${kb(builtin.bytes)}).` +
  (bmp ? ` Full-BMP file: ${bmp.length} bytes (${kb(bmp.length)}), gzip -9 ${kb(gzipSync(bmp, { level: 9 }).length)}.` : ''));
console.log('');
console.log('| module | as built (text + font) | MC_TEXT_FONT=none | MC_TEXT=OFF | added by the font | added by text + font | same three, gzip -9 |');
console.log('|---|---|---|---|---|---|---|');
for (const name of ['mediacore-simd.wasm', 'mediacore.wasm']) {
  const a = variantSizes.full[name], nf = variantSizes.nofont[name], nt = variantSizes.notext[name];
  if (!a) continue;
  const d = (x, y) => (y ? kb(x - y) : 'n/a');
  const s = (v) => (v ? kb(v.raw) : 'n/a');
  console.log(`| ${name} | ${kb(a.raw)} | ${s(nf)} | ${s(nt)} | ${d(a.raw, nf?.raw)} | ${d(a.raw, nt?.raw)} | ${kb(a.gzip)}, ${nf ? kb(nf.gzip) : 'n/a'}, ${nt ? kb(nt.gzip) : 'n/a'} |`);
}
