// tools/bench/codecs.mjs: the codecs side by side in one run.
//
//   node tools/bench/codecs.mjs [--rounds 3] [--frames 300] [--sizes 640x480,1280x720]
//                               [--codecs vp8,vp9] [--no-ffmpeg] [--json out.json]
//
// On the same synthetic frames (tests/lib/scene.mjs, as I420, written once to a cache)
// and the same settings (realtime, CBR 1 Mbit/s, one thread, VP8 speed 6, VP9 speed 7):
//   wasm SIMD      mediacore-simd.wasm in Node (libvpx with WebAssembly SIMD128 kernels)
//   wasm base      mediacore.wasm in Node (libvpx's plain C)
//   native C       the same C (mediacore + libvpx's plain C) compiled natively with clang -O3
//   native Debian  mediacore + Debian's libvpx (x86 SIMD assembly): the ceiling
//   ffmpeg.wasm    @ffmpeg/core (pinned in package.json) in headless Chromium, encoding the
//                  same Y4M frames with its libvpx, decoding with ffmpeg's own decoders
// Encode from I420 (every implementation takes raw frames), decode the packets.
// Opus: 10 s of stereo at 128 kbit/s, encoded from 128-frame blocks and decoded, wasm
// against Debian's libopus, as multiples of real time. Also the .wasm sizes, plain and
// gzip -9. Rounds interleave the implementations; medians are reported. The packets and
// decoded frames of wasm SIMD, wasm base and native C must hash the same (same C code).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { homedir } from 'node:os';
import { join, extname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createMediaCore } from '../../web/mediacore.js';
import { writeSceneY4m } from '../../tests/lib/scene.mjs';
import { describeMachine, median, option as opt } from './machine.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const ROUNDS = Number(opt('rounds', 3));
const FRAMES = Number(opt('frames', 300));
const SIZES = opt('sizes', '640x480,1280x720').split(',').map((s) => s.split('x').map(Number));
const CODECS = opt('codecs', 'vp8,vp9').split(',');
const FFMPEG = !args.includes('--no-ffmpeg');
const BITRATE = 1_000_000;
const SPEED = { vp8: 6, vp9: 7 };

const cache = join(process.env.MEDIACORE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mediacore'), 'bench');
mkdirSync(cache, { recursive: true });

function fnv(h, bytes) {
  for (let i = 0; i < bytes.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(bytes[i])) * 0x100000001b3n);
  return h;
}
const hex = (h) => h.toString(16).padStart(16, '0');

// --- frames --------------------------------------------------------------------------
async function framesFor(w, h) {
  const file = join(cache, `scene-${w}x${h}-${FRAMES}.y4m`);
  if (!existsSync(file)) {
    console.error(`codecs.mjs: writing ${file}`);
    await writeSceneY4m(file, { width: w, height: h, frames: FRAMES });
  }
  const buf = readFileSync(file);
  const fsize = (w * h * 3) / 2;
  const frames = [];
  let off = buf.indexOf(10) + 1;
  for (let i = 0; i < FRAMES; i++) {
    off += 6;   // "FRAME\n"
    frames.push(buf.subarray(off, off + fsize));
    off += fsize;
  }
  return { file, frames, w, h };
}

// --- wasm ----------------------------------------------------------------------------
function wasmVideo(core, { frames, w, h }, codec, withHashes) {
  const enc = core.createVideoEncoder({ codec, width: w, height: h, fps: 30, bitrate: BITRATE, speed: SPEED[codec] });
  const packets = [];
  let t0 = performance.now();
  for (let i = 0; i < frames.length; i++) {
    for (const p of enc.encode({ format: 'i420', data: frames[i], width: w, height: h }, { timestamp: i * 33333, duration: 33333 })) {
      packets.push(p.data);
    }
  }
  const encodeMs = performance.now() - t0;
  enc.close();
  const dec = core.createVideoDecoder({ codec });
  const out = new Uint8Array((w * h * 3) / 2);
  t0 = performance.now();
  for (const p of packets) dec.decode(p, { format: 'i420', into: out });
  const decodeMs = performance.now() - t0;
  dec.close();
  const r = { encodeMs, decodeMs, bytes: packets.reduce((n, p) => n + p.length, 0) };
  if (withHashes) {
    let hp = 0xcbf29ce484222325n, hd = 0xcbf29ce484222325n;
    const d2 = core.createVideoDecoder({ codec });
    for (const p of packets) {
      hp = fnv(hp, p);
      hd = fnv(hd, d2.decode(p, { format: 'i420', into: out }).data);
    }
    d2.close();
    r.packetHash = hex(hp);
    r.decodeHash = hex(hd);
  }
  return r;
}

/** The Opus test signal, as tools/bench/codecs_native.c makes it. */
function opusSignal(seconds, channels) {
  const n = seconds * 48000, pcm = new Float32Array(n * channels);
  let ph = 0, ph2 = 0;
  for (let i = 0; i < n; i++) {
    ph += (2 * Math.PI * (200 + (6000 * i) / n)) / 48000;
    ph2 += (2 * Math.PI * 440) / 48000;
    for (let c = 0; c < channels; c++) pcm[i * channels + c] = 0.3 * Math.sin(ph + c) + 0.2 * Math.sin(ph2);
  }
  return pcm;
}

function wasmOpus(core, pcm, channels) {
  const enc = core.createAudioEncoder({ channels, bitrate: 128000 });
  const packets = [];
  let t0 = performance.now();
  for (let at = 0; at < pcm.length; at += 128 * channels) packets.push(...enc.encode(pcm.subarray(at, at + 128 * channels)));
  const encodeMs = performance.now() - t0;
  enc.close();
  const dec = core.createAudioDecoder({ channels });
  const into = new Float32Array(5760 * channels);
  t0 = performance.now();
  for (const p of packets) dec.decode(p.data, { into });
  const decodeMs = performance.now() - t0;
  dec.close();
  return { encodeMs, decodeMs };
}

// --- native --------------------------------------------------------------------------
function buildNative() {
  const r = spawnSync(join(root, 'tools/bench/codecs-native.sh'), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`codecs-native.sh failed:\n${r.stderr}`);
  const [debian, plain] = r.stdout.trim().split('\n');
  return { debian, plain };
}

function native(bin, argv) {
  const r = spawnSync(bin, argv, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${bin} ${argv.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// --- ffmpeg.wasm in Chromium ---------------------------------------------------------
const FFMPEG_PAGE = `<!DOCTYPE html><meta charset="utf-8"><title>ffmpeg.wasm bench</title>
<script type="module">
import createFFmpegCore from '/ffmpeg/ffmpeg-core.js';
const ff = await createFFmpegCore();
let log = [];
ff.setLogger((m) => { if (m.type === 'stderr') log.push(m.message); });
window.ffmpegLoad = async (url, name) => {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  ff.FS.writeFile(name, bytes);
  return bytes.byteLength;
};
window.ffmpegUnlink = (name) => { try { ff.FS.unlink(name); } catch {} };
window.ffmpegRun = (args) => {
  log = [];
  const t0 = performance.now();
  let ret;
  try {
    ff.exec(...args);
    ret = ff.ret;
  } catch (err) {
    // ffmpeg-core's exec rethrows what the module throws; some throws carry no message.
    log.push('exec threw ' + (err?.message ?? String(err)));
    ret = -1000;
  }
  const ms = performance.now() - t0;
  ff.reset();
  return { ms, ret, log: log.join('\\n') };
};
window.ffmpegSize = (name) => ff.FS.stat(name).size;
window.ffmpegReady = true;
</script>`;

async function startFfmpeg(frameFiles) {
  const dist = join(root, 'node_modules/@ffmpeg/core/dist/esm');
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = null;
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(FFMPEG_PAGE);
      return;
    }
    if (url.pathname.startsWith('/ffmpeg/')) file = join(dist, url.pathname.slice(8).replace(/[^\w.-]/g, ''));
    if (url.pathname.startsWith('/frames/')) file = frameFiles.get(url.pathname.slice(8));
    if (!file || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { chromium } = await import('playwright-core');
  const { CHROMIUM } = await import('../../tests/browser/harness.mjs');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--js-flags=--max-old-space-size=4096'] });
  const page = await browser.newPage();
  const url = `http://127.0.0.1:${server.address().port}/`;
  await page.goto(url);
  await page.waitForFunction(() => window.ffmpegReady === true, null, { timeout: 120_000 });
  let loaded = null;   // the frames file in the module's file system: [url, name]
  return {
    page,
    async load(frameUrl, name) {
      loaded = [frameUrl, name];
      await page.evaluate(([u, n]) => window.ffmpegLoad(u, n), loaded);
    },
    // A failed exec can leave ffmpeg-core's memory broken for every later call: start a
    // fresh module (and put the frames back) instead of measuring a broken one.
    async reload() {
      await page.goto(url);
      await page.waitForFunction(() => window.ffmpegReady === true, null, { timeout: 120_000 });
      if (loaded) await page.evaluate(([u, n]) => window.ffmpegLoad(u, n), loaded);
    },
    async close() {
      await browser.close();
      server.close();
    },
  };
}

function ffmpegEncodeArgs(codec, w, h) {
  const rate = ['-b:v', `${BITRATE}`, '-minrate', `${BITRATE}`, '-maxrate', `${BITRATE}`, '-bufsize', `${BITRATE}`,
    '-qmin', '2', '-qmax', '56', '-g', '3000', '-threads', '1', '-lag-in-frames', '0', '-deadline', 'realtime',
    '-undershoot-pct', '100', '-overshoot-pct', '15'];
  return codec === 'vp8'
    ? ['-c:v', 'libvpx', ...rate, '-cpu-used', `-${SPEED.vp8}`, '-max-intra-rate', '300', '-noise-sensitivity', '0']
    : ['-c:v', 'libvpx-vp9', ...rate, '-cpu-used', `${SPEED.vp9}`, '-row-mt', '0', '-tile-columns', '0', '-aq-mode', '3'];
}

async function ffmpegVideo(ff, codec, w, h) {
  const enc = await ff.page.evaluate((a) => window.ffmpegRun(a),
    ['-v', 'error', '-i', `in-${w}x${h}.y4m`, ...ffmpegEncodeArgs(codec, w, h), '-f', 'webm', `out-${codec}.webm`]);
  if (enc.ret !== 0) throw new Error(`ffmpeg.wasm encode failed (${enc.ret}): ${enc.log}`);
  const bytes = await ff.page.evaluate((n) => window.ffmpegSize(n), `out-${codec}.webm`);
  const dec = await ff.page.evaluate((a) => window.ffmpegRun(a), ['-v', 'error', '-threads', '1', '-i', `out-${codec}.webm`, '-f', 'null', '-']);
  if (dec.ret !== 0) throw new Error(`ffmpeg.wasm decode failed (${dec.ret}): ${dec.log}`);
  return { encodeMs: enc.ms, decodeMs: dec.ms, bytes };
}

// --- run -----------------------------------------------------------------------------
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const loads = [load()];
const bins = buildNative();
const simd = await createMediaCore({ simd: true });
const base = await createMediaCore({ simd: false });
const sets = [];
for (const [w, h] of SIZES) sets.push(await framesFor(w, h));
const ff = FFMPEG ? await startFfmpeg(new Map(sets.map((s) => [`in-${s.w}x${s.h}.y4m`, s.file]))) : null;

const impls = ['wasm SIMD', 'wasm base', 'native C', 'native Debian', ...(FFMPEG ? ['ffmpeg.wasm'] : [])];
const results = new Map();   // key `${codec} ${w}x${h}` -> impl -> {encode: [], decode: [], bytes}
const hashes = new Map();
const failures = new Map();  // `${key} ${impl}` -> first line of the error

for (const set of sets) {
  if (ff) await ff.load(`/frames/in-${set.w}x${set.h}.y4m`, `in-${set.w}x${set.h}.y4m`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const codec of CODECS) {
      const key = `${codec} ${set.w}x${set.h}`;
      if (!results.has(key)) results.set(key, new Map(impls.map((i) => [i, { encode: [], decode: [], bytes: 0 }])));
      const runs = {
        'wasm SIMD': () => wasmVideo(simd, set, codec, round === 0),
        'wasm base': () => wasmVideo(base, set, codec, round === 0),
        'native C': () => native(bins.plain, ['video', set.file, codec, `${SPEED[codec]}`, `${BITRATE}`, '1']),
        'native Debian': () => native(bins.debian, ['video', set.file, codec, `${SPEED[codec]}`, `${BITRATE}`, '1']),
        'ffmpeg.wasm': () => ffmpegVideo(ff, codec, set.w, set.h),
      };
      for (const impl of impls) {
        let r;
        try {
          r = await runs[impl]();
        } catch (err) {
          // Reported as failed in the table (ffmpeg.wasm's VP9 encoder is known to abort here).
          console.error(`${key} ${impl}: FAILED: ${err.message.split('\n')[0]}`);
          failures.set(`${key} ${impl}`, err.message.split('\n')[0]);
          if (impl === 'ffmpeg.wasm') await ff.reload();
          continue;
        }
        const slot = results.get(key).get(impl);
        slot.encode.push(r.encodeMs);
        slot.decode.push(r.decodeMs);
        slot.bytes = r.bytes;
        if (r.packetHash && round === 0) hashes.set(`${key} ${impl}`, `${r.packetHash}/${r.decodeHash}`);
        console.error(`${key} ${impl}: encode ${(FRAMES * 1000 / r.encodeMs).toFixed(1)} fps, decode ${(FRAMES * 1000 / r.decodeMs).toFixed(1)} fps`);
      }
    }
    loads.push(load());
  }
  if (ff) await ff.page.evaluate((n) => window.ffmpegUnlink(n), `in-${set.w}x${set.h}.y4m`);
}
if (ff) await ff.close();

// Opus
const opusRes = new Map([['wasm SIMD', { e: [], d: [] }], ['wasm base', { e: [], d: [] }], ['native Debian', { e: [], d: [] }]]);
const pcm = opusSignal(10, 2);
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of [['wasm SIMD', () => wasmOpus(simd, pcm, 2)], ['wasm base', () => wasmOpus(base, pcm, 2)],
    ['native Debian', () => native(bins.debian, ['opus', '10', '2', '128000', '1'])]]) {
    const r = fn();
    opusRes.get(name).e.push(r.encodeMs);
    opusRes.get(name).d.push(r.decodeMs);
  }
}
loads.push(load());

// Report
const fps = (ms) => (FRAMES * 1000) / ms;
const lines = [];
lines.push(`Machine: ${describeMachine()}`);
lines.push(`Load (1/5/15 min) during the run: ${loads.join(' → ')}`);
lines.push(`Frames: ${FRAMES} per size (tests/lib/scene.mjs), ${ROUNDS} rounds, medians; realtime CBR ${BITRATE / 1e6} Mbit/s, one thread, VP8 speed ${SPEED.vp8}, VP9 speed ${SPEED.vp9}.`);
lines.push('');
lines.push(`| codec, size | ${impls.map((i) => `${i} enc / dec fps`).join(' | ')} | SIMD ÷ base (enc) | Debian ÷ SIMD (enc) | SIMD ÷ ffmpeg.wasm (enc) |`);
lines.push(`|---|${impls.map(() => '---:').join('|')}|---:|---:|---:|`);
for (const [key, m] of results) {
  const e = (i) => fps(median(m.get(i).encode)), d = (i) => fps(median(m.get(i).decode));
  const cells = impls.map((i) => (m.get(i).encode.length ? `${e(i).toFixed(1)} / ${d(i).toFixed(1)}` : 'failed'));
  const vsFf = FFMPEG && m.get('ffmpeg.wasm').encode.length ? (e('wasm SIMD') / e('ffmpeg.wasm')).toFixed(2) : 'n/a';
  lines.push(`| ${key} | ${cells.join(' | ')} | ${(e('wasm SIMD') / e('wasm base')).toFixed(2)} | ${(e('native Debian') / e('wasm SIMD')).toFixed(2)} | ${vsFf} |`);
}
lines.push('');
lines.push('| codec, size | bytes (wasm SIMD) | bytes (ffmpeg.wasm) | packet / decoded-frame hashes (wasm SIMD, wasm base, native C) |');
lines.push('|---|---:|---:|---|');
for (const [key, m] of results) {
  const hs = ['wasm SIMD', 'wasm base', 'native C'].map((i) => hashes.get(`${key} ${i}`));
  const same = hs.every((x) => x === hs[0]);
  lines.push(`| ${key} | ${m.get('wasm SIMD').bytes} | ${FFMPEG && m.get('ffmpeg.wasm').bytes ? m.get('ffmpeg.wasm').bytes : 'n/a'} | ${same ? `identical (${hs[0]})` : `DIFFER: ${hs.join(', ')}`} |`);
}
lines.push('');
for (const [what, why] of failures) lines.push(`Failed: ${what}: ${why}`);
if (failures.size) lines.push('');
lines.push('| Opus 10 s stereo 128 kbit/s | encode × real time | decode × real time |');
lines.push('|---|---:|---:|');
for (const [name, r] of opusRes) {
  lines.push(`| ${name} | ${(10000 / median(r.e)).toFixed(0)} | ${(10000 / median(r.d)).toFixed(0)} |`);
}
lines.push('');
lines.push('| module | bytes | gzip -9 |');
lines.push('|---|---:|---:|');
for (const f of ['web/mediacore-simd.wasm', 'web/mediacore.wasm']) {
  const b = readFileSync(join(root, f));
  lines.push(`| ${f} | ${b.length} | ${gzipSync(b, { level: 9 }).length} |`);
}
console.log(lines.join('\n'));
const jsonOut = opt('json', null);
if (jsonOut) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(jsonOut, JSON.stringify({ results: Object.fromEntries([...results].map(([k, m]) => [k, Object.fromEntries(m)])), hashes: Object.fromEntries(hashes) }, null, 1));
}
simd.close();
base.close();

