// The video call demo end to end: two Chromium pages log in through the real
// mediacore-server, call each other, each decodes the other's video at the right size,
// the caller's filter reaches the callee, hang up, call again, and the messages for a
// taken name, an unknown callee and a dropped peer.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startStillCameraBrowser, openDemo } from './harness.mjs';

const env = await startStillCameraBrowser();
test.after(() => env.close());

const open = (name) => openDemo(env, '/call/', name);

const status = (page) => page.textContent('#status');

/** Wait until the page has shown `n` more remote frames; return the remote frame size. */
async function waitRemoteFrames(page, n) {
  const start = Number((await page.getAttribute('body', 'data-remote-frames')) ?? 0);
  await page.waitForFunction((s) => Number(document.body.dataset.remoteFrames ?? 0) >= s, start + n, { timeout: 30_000 });
  return page.getAttribute('body', 'data-remote-size');
}

/** How far from gray the remote video is: mean of |R-G| + |G-B| over its pixels. */
function remoteColourfulness(page) {
  return page.evaluate(() => {
    const v = document.getElementById('remote');
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(v, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    for (let i = 0; i < d.length; i += 4) sum += Math.abs(d[i] - d[i + 1]) + Math.abs(d[i + 1] - d[i + 2]);
    return sum / (d.length / 4);
  });
}

test('two pages call, see each other, filter, hang up, call again; clear messages', async () => {
  const a = await open('alice');
  const b = await open('bob');

  // A taken name.
  const c = await open();
  await c.page.fill('#name', 'alice');
  await c.page.click('#login');
  await c.page.waitForFunction(() => /taken/.test(document.getElementById('status').textContent));
  assert.equal(await c.page.getAttribute('body', 'data-state'), 'login');
  assert.match(await status(c.page), /"alice" is taken/);
  await c.page.close();

  // An unknown callee.
  await a.page.fill('#callee', 'nobody');
  await a.page.click('#call');
  await a.page.waitForFunction(() => /Nobody called/.test(document.getElementById('status').textContent));
  assert.match(await status(a.page), /Nobody called "nobody" is logged in/);
  assert.equal(await a.page.getAttribute('body', 'data-state'), 'ready');

  // The call, to "BOB": names compare without case; the page learns bob's name as he logged
  // in from the server's acknowledgement and takes his replies under it.
  await a.page.fill('#callee', 'BOB');
  await a.page.click('#call');
  await a.page.waitForSelector('body[data-state="in-call"]', { timeout: 30_000 });
  await b.page.waitForSelector('body[data-state="in-call"]', { timeout: 30_000 });
  assert.equal(await a.page.getAttribute('body', 'data-peer'), 'bob');
  assert.equal(await b.page.getAttribute('body', 'data-peer'), 'alice');
  assert.equal(await waitRemoteFrames(a.page, 15), '640x480');
  assert.equal(await waitRemoteFrames(b.page, 15), '640x480');

  // Alice's filter is applied before sending: Bob receives gray, then colour again.
  const colourful = await remoteColourfulness(b.page);
  assert.ok(colourful > 20, `the test image should arrive colourful, got ${colourful}`);
  await a.page.click('button[data-filter="grayscale"]');
  await b.page.waitForFunction(() => Number(document.body.dataset.remoteFrames) > 0);
  let gray = Infinity;
  for (let i = 0; i < 40 && gray > 6; i++) {
    await waitRemoteFrames(b.page, 2);
    gray = await remoteColourfulness(b.page);
  }
  assert.ok(gray <= 6, `grayscale should arrive gray, got ${gray} (colour was ${colourful})`);
  await a.page.click('button[data-filter="none"]');

  // Hang up: both back to ready, Bob told.
  await a.page.click('#hangup');
  await a.page.waitForSelector('body[data-state="ready"]');
  await b.page.waitForSelector('body[data-state="ready"]', { timeout: 10_000 });
  assert.match(await status(b.page), /alice left the call/);
  assert.match(await status(a.page), /Call ended/);

  // Call again, the other way round.
  await b.page.fill('#callee', 'alice');
  await b.page.click('#call');
  await a.page.waitForSelector('body[data-state="in-call"]', { timeout: 30_000 });
  await b.page.waitForSelector('body[data-state="in-call"]', { timeout: 30_000 });
  assert.equal(await waitRemoteFrames(a.page, 10), '640x480');
  assert.equal(await waitRemoteFrames(b.page, 10), '640x480');

  // A dropped peer: Alice's page goes away mid-call.
  await a.page.close();
  await b.page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 });
  assert.match(await status(b.page), /alice left the call/);

  // Browsers asked our STUN responder for their address.
  const m = await env.server.metrics();
  assert.ok(m.mediacore_stun_answered_total > 0, 'no STUN Binding answered');
  // Two browsers on one address (127.0.0.1), three calls: the per-source limit never bit.
  assert.equal(m.mediacore_stun_rate_limited_total, 0, 'Chromium was rate-limited');

  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  await b.page.close();
});
