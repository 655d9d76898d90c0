// Base64 in Chromium, where the shim makes strings with TextDecoder (in Node it uses
// Buffer): both modules against the browser's own btoa/atob on random data of many sizes,
// the forgiving mode against atob on awkward strings, and strict errors with offsets.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, watchErrors } from './harness.mjs';

const env = await startBrowser();
test.after(() => env.close());

test('base64Encode / base64Decode agree with btoa / atob in the browser, in both modules', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${env.url}/`);
  const out = await page.evaluate(async () => {
    const { createMediaCore } = await import('/mediacore.js');
    const results = [];
    const binary = (u8) => {
      let s = '';
      for (let i = 0; i < u8.length; i += 8192) s += String.fromCharCode(...u8.subarray(i, i + 8192));
      return s;
    };
    for (const simd of [true, false]) {
      const core = await createMediaCore({ simd });
      let mismatches = 0, checked = 0;
      for (const n of [0, 1, 2, 3, 15, 16, 17, 47, 48, 49, 255, 1000, 65536, 1 << 20, (1 << 20) + 1, 5_000_001]) {
        const bytes = new Uint8Array(n);
        for (let i = 0; i < n; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(n, i + 65536)));
        const want = btoa(binary(bytes));
        const text = core.base64Encode(bytes);
        const back = core.base64Decode(want);
        checked++;
        if (text !== want || back.length !== n || !back.every((b, i) => b === bytes[i])) mismatches++;
      }
      // Forgiving decoding against atob on awkward strings.
      let forgivingChecked = 0, forgivingMismatches = 0;
      const pieces = ['A', 'z', '9', '+', '/', '=', ' ', '\n', '\t', '\f', '\r', '*', '-', 'é'];
      let x = 7;
      for (let iter = 0; iter < 5000; iter++) {
        let s = '';
        x = (x * 1103515245 + 12345) >>> 0;
        const len = x % 11;
        for (let i = 0; i < len; i++) {
          x = (x * 1103515245 + 12345) >>> 0;
          s += pieces[(x >>> 8) % pieces.length];
        }
        let want = null, got = null;
        try { want = Array.from(atob(s), (c) => c.charCodeAt(0)).join(','); } catch { /* invalid */ }
        try { got = Array.from(core.base64Decode(s, { forgiving: true })).join(','); } catch { /* invalid */ }
        forgivingChecked++;
        if (want !== got) forgivingMismatches++;
      }
      let offset = -1, code = null;
      try { core.base64Decode('Zm9vYmFy'.repeat(100) + '!' + 'Zm9v'); } catch (e) { offset = e.offset; code = e.code; }
      results.push({ simd: core.features.simd, checked, mismatches, forgivingChecked, forgivingMismatches, offset, code });
      core.close();
    }
    return results;
  });
  assert.equal(out.length, 2);
  assert.deepEqual(out.map((r) => r.simd).sort(), [false, true]);
  for (const r of out) {
    assert.equal(r.mismatches, 0, `simd=${r.simd}`);
    assert.equal(r.checked, 16);
    assert.equal(r.forgivingMismatches, 0, `simd=${r.simd}: forgiving vs atob`);
    assert.equal(r.code, 'MC_EFORMAT');
    assert.equal(r.offset, 800);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
