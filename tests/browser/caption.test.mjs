// The photobooth's caption in headless Chromium, with a fake camera showing a still image:
// a Chinese caption typed into the page is drawn by the wasm core in the Worker, so it
// shows in the live preview, in the capture and in the downloaded PNG, and those pixels
// are exactly what core.drawText gives on the uncaptioned frame.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowser, watchErrors } from './harness.mjs';
import { writeStillY4m } from '../lib/y4m.mjs';

const dir = await mkdtemp(path.join(tmpdir(), 'mc-caption-'));
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

async function capture(page) {
  const before = Number((await page.getAttribute('body', 'data-captures')) ?? 0);
  await page.click('#capture');
  await page.waitForFunction((b) => Number(document.body.dataset.captures ?? 0) > b, before);
  return page.evaluate(() => {
    const c = document.getElementById('snapshot');
    return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
  });
}

/** Decode PNG bytes in the page: RGBA pixels and size. */
function decodePng(page, bytes) {
  return page.evaluate(async (b64) => {
    const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bin], { type: 'image/png' }));
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    return { width: c.width, height: c.height, data: Array.from(ctx.getImageData(0, 0, c.width, c.height).data) };
  }, Buffer.from(bytes).toString('base64'));
}

/** The preview canvas as shown on screen (a screenshot of its 640x480 pixels). */
async function previewPixels(page) {
  const r = await page.evaluate(() => {
    const b = document.getElementById('preview').getBoundingClientRect();
    return { x: Math.round(b.x), y: Math.round(b.y) };
  });
  return decodePng(page, await page.screenshot({ clip: { x: r.x, y: r.y, width: 640, height: 480 } }));
}

function worstDiff(a, b, box, width) {
  let worst = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(a[i + c] - b[i + c]));
    }
  }
  return worst;
}

test('a Chinese caption shows in the preview, the capture and the PNG, drawn by the core', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${env.url}/photobooth/`);
  await page.waitForSelector('body[data-state="running"]', { timeout: 30_000 });
  assert.equal(await page.getAttribute('body', 'data-mode'), 'worker');
  await waitFrames(page, 5);
  const previewPlain = await previewPixels(page);
  const plain = await capture(page);

  const CAPTION = '你好，世界 照相亭';
  await page.fill('#caption', CAPTION);
  await page.$eval('#caption-size', (el) => { el.value = '40'; el.dispatchEvent(new Event('input')); });
  await page.selectOption('#caption-position', 'bottom');
  await waitFrames(page, 5);
  const shot = await capture(page);
  const previewCaptioned = await previewPixels(page);

  // What the page asks the core to draw, drawn here by the core on the plain capture.
  const expected = await page.evaluate(async ({ plain, caption }) => {
    const { createMediaCore } = await import('/mediacore.js');
    const { captionItems, DEFAULT_CAPTION } = await import('/photobooth/caption.js');
    const core = await createMediaCore();
    const frame = new ImageData(new Uint8ClampedArray(plain), 640, 480);
    const items = captionItems(core, { ...DEFAULT_CAPTION, caption, size: 40 }, 640, 480);
    const boxes = items.map(({ text, options }) => core.drawText(frame, text, options).box);
    core.close();
    return { data: Array.from(frame.data), box: boxes[0] };
  }, { plain, caption: CAPTION });

  const { box } = expected;
  assert.ok(box.width > 300 && box.height >= 40, `caption box ${JSON.stringify(box)}`);
  assert.ok(box.y + box.height <= 480 && box.y > 400, 'at the bottom of the frame');
  // The capture equals the core's drawing on the uncaptioned frame (PNG round trip: ±1).
  let worst = 0, inside = 0, outside = 0;
  for (let i = 0; i < shot.length; i += 4) {
    const x = (i / 4) % 640, y = Math.floor(i / 4 / 640);
    const inBox = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(shot[i + c] - expected.data[i + c]));
    const changed = Math.abs(shot[i] - plain[i]) + Math.abs(shot[i + 1] - plain[i + 1]) + Math.abs(shot[i + 2] - plain[i + 2]) > 6;
    if (changed && inBox) inside++;
    if (changed && !inBox) outside++;
  }
  assert.ok(worst <= 1, `capture differs from core.drawText by up to ${worst}`);
  assert.ok(inside > 2000, `only ${inside} pixels of caption`);
  assert.equal(outside, 0, 'pixels changed outside the caption box');

  // The live preview shows the caption too: it changed inside the box, and matches the
  // capture there (the screenshot passes through the compositor: allow a little).
  assert.equal(previewCaptioned.width, 640);
  assert.ok(worstDiff(previewPlain.data, previewCaptioned.data, box, 640) > 100, 'the preview did not change');
  assert.ok(worstDiff(previewCaptioned.data, shot, box, 640) <= 8, 'the preview differs from the capture');

  // The downloaded PNG is the captioned photo.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const png = await decodePng(page, await readFile(await download.path()));
  assert.equal(png.width, 640);
  assert.ok(worstDiff(png.data, expected.data, box, 640) <= 1, 'the PNG differs from core.drawText');

  assert.deepEqual(errors, []);
  await page.close();
});

test('the timestamp overlay and the caption box, with a filter on', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${env.url}/photobooth/`);
  await page.waitForSelector('body[data-state="running"]', { timeout: 30_000 });
  await page.click('button[data-filter="grayscale"]');
  await waitFrames(page, 3);
  const plain = await capture(page);
  await page.fill('#caption', 'Привет');
  await page.check('#caption-box');
  await page.check('#timestamp');
  await page.selectOption('#caption-position', 'top-left');
  await waitFrames(page, 3);
  const shot = await capture(page);
  // Caption box at the top left, timestamp at the bottom right; the middle is untouched.
  const diffAt = (x0, y0, x1, y1) => {
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * 640 + x) * 4;
        if (Math.abs(shot[i] - plain[i]) > 6) n++;
      }
    }
    return n;
  };
  assert.ok(diffAt(0, 0, 200, 80) > 1000, 'caption box at the top left');
  assert.ok(diffAt(400, 420, 640, 480) > 200, 'timestamp at the bottom right');
  assert.equal(diffAt(150, 150, 490, 330), 0, 'the middle is untouched');
  // Grayscale stays grayscale outside the overlay.
  const i = (240 * 640 + 320) * 4;
  assert.equal(shot[i], shot[i + 1]);
  assert.deepEqual(errors, []);
  await page.close();
});
