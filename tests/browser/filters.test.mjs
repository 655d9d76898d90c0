// The wasm filters against an independent oracle: Chromium's own canvas filters
// (ctx.filter = 'grayscale(1)' etc.) on random opaque images. Within 1 level per channel.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, watchErrors } from './harness.mjs';

const env = await startBrowser();
test.after(() => env.close());

test('core.filter matches Chromium canvas filters within 1 level, in both modules', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${env.url}/`);
  const result = await page.evaluate(async () => {
    const { createMediaCore } = await import('/mediacore.js');
    const out = [];
    for (const simd of [true, false]) {
      const core = await createMediaCore({ simd });
      for (const [w, h, seed] of [[64, 64, 1], [257, 13, 2], [640, 480, 3]]) {
        let x = seed;
        const src = new ImageData(w, h);
        for (let i = 0; i < src.data.length; i++) {
          x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
          src.data[i] = (i & 3) === 3 ? 255 : x & 255;   // opaque: no premultiplication loss
        }
        const a = new OffscreenCanvas(w, h);
        a.getContext('2d').putImageData(src, 0, 0);
        for (const name of ['grayscale', 'sepia', 'invert']) {
          const b = new OffscreenCanvas(w, h);
          const ctx = b.getContext('2d', { willReadFrequently: true });
          ctx.filter = `${name}(1)`;
          ctx.drawImage(a, 0, 0);
          const oracle = ctx.getImageData(0, 0, w, h).data;
          const mine = new ImageData(new Uint8ClampedArray(src.data), w, h);
          core.filter(mine, name);
          let worst = 0, differing = 0;
          for (let i = 0; i < oracle.length; i++) {
            const d = Math.abs(oracle[i] - mine.data[i]);
            if (d > worst) worst = d;
            if (d) differing++;
          }
          out.push({ simd: core.features.simd, name, w, h, worst, differing, total: oracle.length });
        }
      }
      core.close();
    }
    return out;
  });
  assert.equal(result.length, 18);
  for (const r of result) {
    assert.ok(r.worst <= 1, `${r.name} ${r.w}x${r.h} simd=${r.simd}: worst difference ${r.worst}`);
  }
  // Both modules were really exercised.
  assert.deepEqual([...new Set(result.map((r) => r.simd))].sort(), [false, true]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the shim loads in a module Worker in the browser and picks the SIMD module', async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.url}/`);
  const result = await page.evaluate(async () => {
    const src = `
      import { createMediaCore } from '${location.origin}/mediacore.js';
      const core = await createMediaCore();
      const f = { data: new Uint8ClampedArray([0, 128, 255, 7]), width: 1, height: 1 };
      core.filter(f, 'invert');
      postMessage({ simd: core.features.simd, data: [...f.data] });`;
    const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: 'module' });
    return new Promise((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
    });
  });
  assert.deepEqual(result, { simd: true, data: [255, 127, 0, 7] });
  await page.close();
});
