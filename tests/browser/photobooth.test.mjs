// The photobooth end to end in headless Chromium with a fake camera that shows a known,
// still image: the preview is filtered by the wasm core in a Worker, Capture snapshots
// the filtered frame, Download saves it as a PNG. A capture with filter "none" gives the
// camera's own pixels; every other filter's capture must equal the reference filter
// applied to those.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowser, watchErrors } from './harness.mjs';
import { writeStillY4m } from '../lib/y4m.mjs';
import { referenceFilter } from '../lib/filters-reference.mjs';

const dir = await mkdtemp(path.join(tmpdir(), 'mc-photobooth-'));
const video = await writeStillY4m(path.join(dir, 'still.y4m'));
const env = await startBrowser({ args: [`--use-file-for-fake-video-capture=${video}`] });
test.after(async () => {
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

async function waitFrames(page, n) {
  const start = Number(await page.getAttribute('body', 'data-frames'));
  await page.waitForFunction((s) => Number(document.body.dataset.frames) >= s, start + n);
}

/** Choose a filter, let a few frames through, capture, and return the snapshot's pixels. */
async function captureWith(page, filter) {
  await page.click(`button[data-filter="${filter}"]`);
  await waitFrames(page, 3);
  const before = Number((await page.getAttribute('body', 'data-captures')) ?? 0);
  await page.click('#capture');
  await page.waitForFunction((b) => Number(document.body.dataset.captures ?? 0) > b, before);
  return page.evaluate(() => {
    const c = document.getElementById('snapshot');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    return { width: d.width, height: d.height, data: Array.from(d.data) };
  });
}

test('photobooth filters the live camera in a Worker; captures match the reference filters', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${env.url}/photobooth/`);
  await page.waitForSelector('body[data-state="running"]', { timeout: 30_000 });
  assert.equal(await page.getAttribute('body', 'data-mode'), 'worker');
  await waitFrames(page, 5);

  const plain = await captureWith(page, 'none');
  assert.equal(plain.width, 640);
  assert.equal(plain.height, 480);
  const original = Uint8Array.from(plain.data);
  // The still image is colourful, so the filters have something to change.
  let colourful = 0;
  for (let i = 0; i < original.length; i += 4) {
    if (Math.abs(original[i] - original[i + 1]) > 20 || Math.abs(original[i + 1] - original[i + 2]) > 20) colourful++;
  }
  assert.ok(colourful > original.length / 16, `test image too gray: ${colourful} colourful pixels`);

  let shot;
  for (const filter of ['grayscale', 'sepia', 'invert']) {
    shot = await captureWith(page, filter);
    const want = referenceFilter(original.slice(), filter);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - shot.data[i]));
    assert.ok(worst <= 1, `${filter}: capture differs from reference by up to ${worst}`);
  }

  // Clicking the picture cycles the filters: invert -> none -> grayscale.
  await page.click('#preview');
  assert.equal(await page.getAttribute('body', 'data-filter'), 'none');
  await page.click('#preview');
  assert.equal(await page.getAttribute('body', 'data-filter'), 'grayscale');
  assert.equal(await page.getAttribute('button[data-filter="grayscale"]', 'aria-pressed'), 'true');

  // Download saves the last capture (invert) as a 640x480 PNG.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.equal(download.suggestedFilename(), 'photobooth.png');
  const png = await readFile(await download.path());
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  assert.equal(png.readUInt32BE(16), 640);
  assert.equal(png.readUInt32BE(20), 480);
  // And its pixels are that capture's, decoded by the browser itself (not only a header).
  const decoded = await page.evaluate(async (b64) => {
    const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bin], { type: 'image/png' }));
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    return Array.from(ctx.getImageData(0, 0, c.width, c.height).data);
  }, png.toString('base64'));
  let worstPng = 0;
  for (let i = 0; i < shot.data.length; i++) worstPng = Math.max(worstPng, Math.abs(decoded[i] - shot.data[i]));
  assert.equal(decoded.length, shot.data.length);
  assert.ok(worstPng <= 1, `the PNG differs from the inverted capture by up to ${worstPng}`);

  assert.deepEqual(errors, []);
  await page.close();
});

test('without camera permission the page says so clearly', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  await page.goto(`${env.url}/photobooth/`);
  await page.waitForSelector('body[data-state="error"]');
  assert.match(await page.textContent('#status'), /permission was denied/i);
  await context.close();
});

test('without any camera the page says so clearly', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('none', 'NotFoundError'));
  });
  await page.goto(`${env.url}/photobooth/`);
  await page.waitForSelector('body[data-state="error"]');
  assert.match(await page.textContent('#status'), /no camera was found/i);
  await context.close();
});
