// The call demo in "core codecs" mode: two Chromium pages through the real mediacore-server,
// video encoded to VP8 and audio to Opus in the wasm core and sent over an unordered,
// no-retransmit data channel; each page decodes and draws the other's frames, with the
// statistics on screen; the filter one side picks reaches the other; hang up cleans up.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startStillCameraBrowser, openDemo } from './harness.mjs';

const env = await startStillCameraBrowser({ args: ['--autoplay-policy=no-user-gesture-required'] });
test.after(() => env.close());

const open = (name) => openDemo(env, '/call/', name);

/** Wait for `n` more frames decoded by the core; returns their size. */
async function coreFrames(page, n) {
  const start = Number((await page.getAttribute('body', 'data-core-frames')) ?? 0);
  await page.waitForFunction((s) => Number(document.body.dataset.coreFrames ?? 0) >= s, start + n, { timeout: 30_000 });
  return page.getAttribute('body', 'data-core-size');
}

/** Mean |R-G| + |G-B| of the remote canvas: the still test image is colourful, sepia is not. */
function colourfulness(page) {
  return page.evaluate(() => {
    const c = document.getElementById('remote-core');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let sum = 0, lit = 0;
    for (let i = 0; i < d.length; i += 4) {
      sum += Math.abs(d[i] - d[i + 1]) + Math.abs(d[i + 1] - d[i + 2]);
      lit += d[i] + d[i + 1] + d[i + 2] > 30 ? 1 : 0;
    }
    return { colour: sum / (d.length / 4), lit: lit / (d.length / 4) };
  });
}

test('two pages hold a call on the core codecs and each renders the other\'s frames', async () => {
  const a = await open('carol');
  const b = await open('dave');
  await a.page.check('#core-codecs');
  await a.page.fill('#callee', 'dave');
  await a.page.click('#call');
  for (const side of [a, b]) {
    await side.page.waitForSelector('body[data-state="in-call"]', { timeout: 30_000 });
    await side.page.waitForSelector('body[data-transport="core"]', { timeout: 30_000 });
  }
  // Both directions: frames arrive, are decoded at the sender's size and drawn.
  assert.equal(await coreFrames(a.page, 30), '640x480');
  assert.equal(await coreFrames(b.page, 30), '640x480');
  for (const side of [a, b]) {
    assert.equal(await side.page.isVisible('#remote-core'), true);
    assert.equal(await side.page.isVisible('#remote'), false);
    const seen = await colourfulness(side.page);
    assert.ok(seen.lit > 0.9 && seen.colour > 20, JSON.stringify(seen));
  }
  // The statistics line, refreshed every second.
  await a.page.waitForFunction(() => /sending \d+ fps, \d+ kbit\/s, encode \d+\.\d ms\/frame · receiving [1-9]\d* fps/.test(
    document.getElementById('core-stats').textContent), null, { timeout: 10_000 });
  // A filter on one side shows on the other: sepia has almost no colour difference.
  await a.page.click('button[data-filter="sepia"]');
  await coreFrames(b.page, 15);
  await b.page.waitForFunction(() => {
    const c = document.getElementById('remote-core');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let hueish = 0;
    for (let i = 0; i < d.length; i += 4) hueish += Math.abs(d[i + 2] - d[i + 1] * 0.78);
    return hueish / (d.length / 4) < 12;   // sepia: B ~ 0.78 G everywhere
  }, null, { timeout: 15_000 });
  // Hang up: both sides return to ready, core codecs stopped.
  await a.page.click('#hangup');
  for (const side of [a, b]) {
    await side.page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 });
    assert.equal(await side.page.getAttribute('body', 'data-transport'), null);
    assert.equal(await side.page.evaluate(() => window.callDemo.coreCall), null);
    assert.deepEqual(side.errors, []);
  }
  await a.page.close();
  await b.page.close();
});
