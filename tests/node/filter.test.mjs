// core.filter on the real .wasm modules (SIMD and baseline), through the public shim.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createMediaCore, MediaCoreError, FilterPath, hasWasmSimd } from '../../web/mediacore.js';
import { referenceFilter, randomBytes, GRAY, SEPIA } from '../lib/filters-reference.mjs';

const NAMES = ['none', 'grayscale', 'sepia', 'invert'];
const simdCore = await createMediaCore({ simd: true });
const baseCore = await createMediaCore({ simd: false });

test('Node 20 has SIMD and the shim loads both modules', () => {
  assert.equal(hasWasmSimd(), true);
  assert.equal(simdCore.features.simd, true);
  assert.equal(baseCore.features.simd, false);
});

test('every filter equals the reference byte for byte, in both modules and both paths', () => {
  for (const [w, h] of [[1, 1], [3, 1], [17, 5], [64, 48], [641, 7]]) {
    const src = randomBytes(w * h * 4, w * 31 + h);
    for (const name of NAMES) {
      const want = referenceFilter(src.slice(), name);
      const runs = [
        [simdCore, FilterPath.auto], [simdCore, FilterPath.scalar], [simdCore, FilterPath.simd],
        [baseCore, FilterPath.auto], [baseCore, FilterPath.scalar],
      ];
      for (const [core, path] of runs) {
        const frame = { data: new Uint8ClampedArray(src), width: w, height: h };
        core.filter(frame, name, path);
        assert.deepEqual(new Uint8Array(frame.data.buffer), want,
          `${name} ${w}x${h} simd=${core.features.simd} path=${path}`);
      }
    }
  }
});

test('results are within rounding of the real-valued W3C matrices; alpha untouched', () => {
  const src = randomBytes(256 * 256 * 4, 7);
  for (const [name, m] of [['grayscale', GRAY], ['sepia', SEPIA]]) {
    const frame = { data: src.slice(), width: 256, height: 256 };
    simdCore.filter(frame, name);
    let worst = 0;
    for (let i = 0; i < src.length; i += 4) {
      for (let c = 0; c < 3; c++) {
        const exact = Math.min(255, m[c][0] * src[i] + m[c][1] * src[i + 1] + m[c][2] * src[i + 2]);
        worst = Math.max(worst, Math.abs(frame.data[i + c] - exact));
      }
      assert.equal(frame.data[i + 3], src[i + 3]);
    }
    assert.ok(worst < 0.52, `${name}: worst error ${worst}`);
  }
});

test('padded rows: only the pixels change, never the padding', () => {
  const w = 13, h = 4, stride = w * 4 + 12;
  const src = randomBytes(stride * h, 3);
  const frame = { data: src.slice(), width: w, height: h, stride };
  simdCore.filter(frame, 'sepia');
  for (let y = 0; y < h; y++) {
    const row = src.slice(y * stride, y * stride + w * 4);
    assert.deepEqual(frame.data.subarray(y * stride, y * stride + w * 4), referenceFilter(row, 'sepia'));
    if (y < h - 1) {
      assert.deepEqual(frame.data.subarray(y * stride + w * 4, (y + 1) * stride),
        src.subarray(y * stride + w * 4, (y + 1) * stride));
    }
  }
});

test('an ImageData-like frame is filtered in place and returned', () => {
  const data = new Uint8ClampedArray([10, 20, 30, 255, 200, 100, 50, 128]);
  const frame = { data, width: 2, height: 1 };
  assert.equal(simdCore.filter(frame, 'sepia'), frame);
  assert.deepEqual([...data], [25, 22, 17, 255, 165, 147, 114, 128]);
});

function assertCode(fn, code) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof MediaCoreError, `expected MediaCoreError, got ${err}`);
    assert.equal(err.code, code, err.message);
    assert.equal(typeof err.errno, 'number');
    return true;
  });
}

test('bad input throws MediaCoreError with the C code, and the core keeps working', () => {
  const px = () => new Uint8Array(16);
  assertCode(() => simdCore.filter({ data: px(), width: 0, height: 1 }, 'invert'), 'MC_EDIMENSIONS');
  assertCode(() => simdCore.filter({ data: px(), width: -2, height: 2 }, 'invert'), 'MC_EDIMENSIONS');
  assertCode(() => simdCore.filter({ data: px(), width: 2, height: 1.5 }, 'invert'), 'MC_EDIMENSIONS');
  assertCode(() => simdCore.filter({ data: px(), width: 1e10, height: 1 }, 'invert'), 'MC_EDIMENSIONS');
  assertCode(() => simdCore.filter({ data: px(), width: 20000, height: 1 }, 'invert'), 'MC_EDIMENSIONS');
  assertCode(() => simdCore.filter({ data: px(), width: 2, height: 2, stride: 4 }, 'invert'), 'MC_ESTRIDE');
  assertCode(() => simdCore.filter({ data: px(), width: 2, height: 3 }, 'invert'), 'MC_EBUFSIZE');
  assertCode(() => simdCore.filter({ data: new Uint8Array(15), width: 2, height: 2 }, 'invert'), 'MC_EBUFSIZE');
  assertCode(() => simdCore.filter({ data: px(), width: 2, height: 2 }, 'blur'), 'MC_ENAME');
  assertCode(() => simdCore.filter({ data: px(), width: 2, height: 2 }, 'Sepia'), 'MC_ENAME');
  assertCode(() => simdCore.filter({ data: px(), width: 2, height: 2 }, 42), 'MC_ENAME');
  assertCode(() => simdCore.filter({ data: [1, 2, 3, 4], width: 1, height: 1 }, 'invert'), 'MC_EINVAL');
  assertCode(() => simdCore.filter(null, 'invert'), 'MC_EINVAL');
  assertCode(() => baseCore.filter({ data: px(), width: 2, height: 2 }, 'invert', FilterPath.simd), 'MC_EUNSUPPORTED');
  // A rejected frame is left as it was.
  const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  assertCode(() => simdCore.filter({ data, width: 3, height: 1 }, 'invert'), 'MC_EBUFSIZE');
  assert.deepEqual([...data], [1, 2, 3, 4, 5, 6, 7, 8]);
  // And the core still works.
  const ok = { data: new Uint8Array([0, 0, 0, 9]), width: 1, height: 1 };
  simdCore.filter(ok, 'invert');
  assert.deepEqual([...ok.data], [255, 255, 255, 9]);
});

test('the per-frame path allocates once and reuses its buffer, across memory growth', () => {
  const core = simdCore;
  const rt = core.wasm.runtime;
  const realAlloc = rt.alloc.bind(rt);
  let allocs = 0;
  rt.alloc = (n) => { allocs++; return realAlloc(n); };
  try {
    const frame = { data: randomBytes(320 * 240 * 4, 5), width: 320, height: 240 };
    core.filter(frame, 'grayscale');      // may grow the buffer once
    const after = allocs;
    for (let i = 0; i < 200; i++) core.filter(frame, NAMES[i % 4]);
    assert.equal(allocs, after, 'no allocation for frames of a size already seen');
    // A much larger frame grows wasm memory; views are refreshed and results stay right.
    const before = core.wasm.memory.buffer.byteLength;
    const big = { data: randomBytes(4096 * 2048 * 4, 9), width: 4096, height: 2048 };
    const want = referenceFilter(big.data.slice(), 'sepia');
    core.filter(big, 'sepia');
    assert.ok(core.wasm.memory.buffer.byteLength > before, 'memory grew');
    assert.deepEqual(big.data, want);
    const small = { data: randomBytes(64, 2), width: 4, height: 4 };
    const wantSmall = referenceFilter(small.data.slice(), 'invert');
    core.filter(small, 'invert');
    assert.deepEqual(small.data, wantSmall);
  } finally {
    rt.alloc = realAlloc;
  }
});

test('close() frees the core; later calls throw MC_ESTATE; closing twice is harmless', async () => {
  const core = await createMediaCore();
  core.filter({ data: new Uint8Array(4), width: 1, height: 1 }, 'invert');
  core.close();
  core.close();
  assertCode(() => core.filter({ data: new Uint8Array(4), width: 1, height: 1 }, 'invert'), 'MC_ESTATE');
});

test('loading options: wasmBinary, wasmUrl, and a bad simd option', async () => {
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(new URL('../../web/mediacore.wasm', import.meta.url));
  const fromBytes = await createMediaCore({ wasmBinary: bytes });
  assert.equal(fromBytes.features.simd, false);
  const fromModule = await createMediaCore({ wasmBinary: await WebAssembly.compile(bytes) });
  assert.equal(fromModule.features.simd, false);
  const fromUrl = await createMediaCore({ wasmUrl: new URL('../../web/mediacore-simd.wasm', import.meta.url) });
  assert.equal(fromUrl.features.simd, true);
  await assert.rejects(createMediaCore({ simd: 'yes' }), (err) => err.code === 'MC_EINVAL');
  for (const c of [fromBytes, fromModule, fromUrl]) c.close();
});

test('the shim works inside a worker thread too', async () => {
  const { Worker } = await import('node:worker_threads');
  const shim = new URL('../../web/mediacore.js', import.meta.url).href;
  const code = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(shim)}).then(async ({ createMediaCore }) => {
      const core = await createMediaCore();
      const f = { data: new Uint8Array([0, 128, 255, 7]), width: 1, height: 1 };
      core.filter(f, 'invert');
      parentPort.postMessage([...f.data]);
    });`;
  const worker = new Worker(code, { eval: true });
  const result = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.deepEqual(result, [255, 127, 0, 7]);
});
