// The call demo's name and time overlay: when the caller turns it on, the wasm core draws
// her name and the local time onto every outgoing frame (an OutgoingVideo stage after the
// filter), so it shows in her "as sent" preview and in the video the callee decodes, inside
// the measured box only; turning it off removes it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startStillCameraBrowser, openDemo } from './harness.mjs';

const env = await startStillCameraBrowser();
test.after(() => env.close());

const open = (name) => openDemo(env, '/call/', name);

async function waitRemoteFrames(page, n) {
  const start = Number((await page.getAttribute('body', 'data-remote-frames')) ?? 0);
  await page.waitForFunction((s) => Number(document.body.dataset.remoteFrames ?? 0) >= s, start + n, { timeout: 60_000 });
}

/** RGBA pixels of a canvas or video element on the page. */
function pixels(page, id) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    const w = el.videoWidth ?? el.width, h = el.videoHeight ?? el.height;
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(el, 0, 0);
    return Array.from(ctx.getImageData(0, 0, w, h).data);
  }, id);
}

/** Mean absolute difference of two 640x480 RGBA images over a rectangle. */
function meanDiff(a, b, { x, y, width, height }) {
  let sum = 0;
  for (let yy = y; yy < y + height; yy++) {
    for (let xx = x; xx < x + width; xx++) {
      const i = (yy * 640 + xx) * 4;
      sum += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
    }
  }
  return sum / (3 * width * height);
}

test('the caller\'s name and the time are drawn on the video she sends', async () => {
  const a = await open('alice');
  const b = await open('bob');
  await a.page.fill('#callee', 'bob');
  await a.page.click('#call');
  await b.page.waitForSelector('body[data-state="in-call"]', { timeout: 30_000 });
  await waitRemoteFrames(b.page, 15);
  const localBefore = await pixels(a.page, 'local');
  const remoteBefore = await pixels(b.page, 'remote');

  // Where the overlay goes: the page's own placement, measured by the core.
  const box = await a.page.evaluate(async () => {
    const { createMediaCore } = await import('/mediacore.js');
    const { placeText } = await import('/lib/overlay.js');
    const core = await createMediaCore();
    const text = 'alice\n2000-01-01 00:00:00';   // the time always has this many characters
    const opts = placeText(core, text, 'bottom-left', 640, 480,
      { size: 24, color: '#ffffff', background: 'rgba(0, 0, 0, 0.55)' });
    const m = core.measureText(text, opts);
    core.close();
    return m.box;
  });
  assert.ok(box.x < 40 && box.y + box.height > 440 && box.width > 200 && box.height > 50, JSON.stringify(box));

  await a.page.check('#overlay');
  assert.equal(await a.page.getAttribute('body', 'data-overlay'), 'true');
  await a.page.waitForFunction(() => window.callDemo.outgoing.stages.includes('overlay'));
  const sent = await a.page.evaluate(() => window.callDemo.outgoing.frameNumber);
  await a.page.waitForFunction((n) => window.callDemo.outgoing.frameNumber > n + 2, sent, { timeout: 60_000 });
  const localAfter = await pixels(a.page, 'local');

  // The preview as sent: changed inside the box, and only there (the camera is a still).
  let inside = 0, outside = 0, white = 0;
  for (let i = 0; i < localAfter.length; i += 4) {
    const x = (i / 4) % 640, y = Math.floor(i / 4 / 640);
    const d = Math.abs(localAfter[i] - localBefore[i]) + Math.abs(localAfter[i + 1] - localBefore[i + 1]) +
      Math.abs(localAfter[i + 2] - localBefore[i + 2]);
    const inBox = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
    if (d > 6 && inBox) inside++;
    if (d > 6 && !inBox) outside++;
    if (inBox && localAfter[i] > 240 && localAfter[i + 1] > 240 && localAfter[i + 2] > 240) white++;
  }
  assert.ok(inside > box.width * box.height / 2, `only ${inside} pixels changed in the box`);
  assert.equal(outside, 0, 'pixels changed outside the overlay box');
  assert.ok(white > 300, `only ${white} white text pixels`);

  // Bob decodes it: the box region of his remote video changed, the rest did not.
  let remoteAfter, inBoxDiff = 0;
  for (let i = 0; i < 40 && inBoxDiff < 25; i++) {
    await waitRemoteFrames(b.page, 3);
    remoteAfter = await pixels(b.page, 'remote');
    inBoxDiff = meanDiff(remoteBefore, remoteAfter, box);
  }
  assert.ok(inBoxDiff >= 25, `the overlay did not reach the callee (mean change ${inBoxDiff.toFixed(1)})`);
  const far = meanDiff(remoteBefore, remoteAfter, { x: 320, y: 20, width: 300, height: 200 });
  assert.ok(far < 8, `the video away from the overlay changed too much (${far.toFixed(1)})`);

  // Off again: the stage is gone and the callee's box region returns to the picture.
  await a.page.uncheck('#overlay');
  assert.equal(await a.page.evaluate(() => window.callDemo.outgoing.stages.includes('overlay')), false);
  let back = Infinity;
  for (let i = 0; i < 40 && back > 8; i++) {
    await waitRemoteFrames(b.page, 3);
    back = meanDiff(remoteBefore, await pixels(b.page, 'remote'), box);
  }
  assert.ok(back <= 8, `the overlay is still there after turning it off (${back.toFixed(1)})`);

  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  await a.page.close();
  await b.page.close();
});
