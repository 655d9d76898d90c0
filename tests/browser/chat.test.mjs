// The chat demo end to end: two Chromium pages log in through the real mediacore-server,
// open an RTCDataChannel, and exchange messages both ways; disconnect, connect again.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, openDemo } from './harness.mjs';

const env = await startBrowser();
test.after(() => env.close());

const open = (name) => openDemo(env, '/chat/', name);

async function say(page, text) {
  await page.fill('#message', text);
  await page.click('#send');
}

const lines = (page, cls) => page.$$eval(`#log li.${cls}`, (els) => els.map((e) => e.textContent));

async function waitLine(page, cls, text) {
  await page.waitForFunction(({ cls, text }) =>
    [...document.querySelectorAll(`#log li.${cls}`)].some((e) => e.textContent.endsWith(text)),
  { cls, text }, { timeout: 15_000 });
}

test('two pages chat over a data channel, both ways, and again after disconnecting', async () => {
  const a = await open('ann');
  const b = await open('ben');

  // Unknown user first.
  await a.page.fill('#peer-name', 'nobody');
  await a.page.click('#connect');
  await a.page.waitForFunction(() => /Nobody called "nobody"/.test(document.getElementById('status').textContent));
  assert.equal(await a.page.getAttribute('body', 'data-state'), 'ready');

  await a.page.fill('#peer-name', 'ben');
  await a.page.click('#connect');
  await a.page.waitForSelector('body[data-state="open"]', { timeout: 30_000 });
  await b.page.waitForSelector('body[data-state="open"]', { timeout: 30_000 });
  assert.equal(await b.page.getAttribute('body', 'data-peer'), 'ann');

  await say(a.page, 'hello from ann');
  await waitLine(b.page, 'them', 'hello from ann');
  await say(b.page, 'hi ann \u{1F44B} \u00e9\u00e8');
  await waitLine(a.page, 'them', 'hi ann \u{1F44B} \u00e9\u00e8');
  for (let i = 0; i < 5; i++) await say(a.page, `line ${i}`);
  await waitLine(b.page, 'them', 'line 4');
  assert.deepEqual(await lines(b.page, 'them'), ['ann:hello from ann', ...[0, 1, 2, 3, 4].map((i) => `ann:line ${i}`)]);
  assert.deepEqual(await lines(a.page, 'me'), ['ann:hello from ann', ...[0, 1, 2, 3, 4].map((i) => `ann:line ${i}`)]);

  // Disconnect: both sides say so; then ben connects to ann.
  await a.page.click('#disconnect');
  await b.page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 });
  await a.page.waitForSelector('body[data-state="ready"]');
  assert.match(await b.page.textContent('#status'), /ann left the chat/);
  await b.page.fill('#peer-name', 'ann');
  await b.page.click('#connect');
  await a.page.waitForSelector('body[data-state="open"]', { timeout: 30_000 });
  await b.page.waitForSelector('body[data-state="open"]', { timeout: 30_000 });
  await say(b.page, 'back again');
  await waitLine(a.page, 'them', 'back again');
  await say(a.page, 'welcome back');
  await waitLine(b.page, 'them', 'welcome back');

  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  await Promise.all([a.page.close(), b.page.close()]);
});
