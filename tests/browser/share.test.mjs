// The file-share demo (web/share/) in two Chromium pages through the real
// mediacore-server: a 64 MiB file arrives with the sender's SHA-256; a transfer whose peer
// connection is closed halfway resumes after the reconnection and still verifies; the
// book's own sender code is received; a file too large for the free space is refused
// with a clear message on both sides.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtempSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowser, watchErrors } from './harness.mjs';

const env = await startBrowser();
const dir = mkdtempSync(path.join(tmpdir(), 'mc-share-'));
test.after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await env.close();
});

/** A file of `size` random bytes on disk; returns { file, sha256 }. */
function randomFile(name, size, seed) {
  const file = path.join(dir, name);
  const fd = openSync(file, 'w');
  const hash = createHash('sha256');
  const block = Buffer.alloc(1 << 20);
  for (let done = 0; done < size; done += block.length) {
    randomFillSync(block);
    block[0] = seed;
    const part = block.subarray(0, Math.min(block.length, size - done));
    writeSync(fd, part);
    hash.update(part);
  }
  closeSync(fd);
  return { file, sha256: hash.digest('hex') };
}

let pair = 0;
/** Two pages in separate browser contexts, logged in and connected (a calls b). */
async function connectedPair({ bInit } = {}) {
  pair++;
  const names = [`alice${pair}`, `bob${pair}`];
  const contexts = [await env.browser.newContext(), await env.browser.newContext()];
  if (bInit) await contexts[1].addInitScript(bInit);
  const pages = [await contexts[0].newPage(), await contexts[1].newPage()];
  const errors = pages.map((p) => watchErrors(p));
  for (const [i, page] of pages.entries()) {
    await page.goto(`${env.url}/share/`);
    await page.fill('#name', names[i]);
    await page.click('#login');
    await page.waitForSelector('#share-panel:not([hidden])');
  }
  await pages[0].fill('#peer-name', names[1]);
  await pages[0].click('#connect');
  for (const page of pages) await page.waitForSelector('body[data-state="open"]', { timeout: 30_000 });
  return {
    a: pages[0], b: pages[1], errors,
    async close() { for (const c of contexts) await c.close(); },
  };
}

async function rowState(page, list, name, states, timeout = 180_000) {
  const sel = `#${list} li[data-name="${name}"]`;
  await page.waitForFunction(([s, want]) => {
    const li = document.querySelector(s);
    return li && want.includes(li.dataset.state);
  }, [sel, states], { timeout, polling: 200 });
  return page.$eval(sel, (li) => ({
    state: li.dataset.state, sha256: li.dataset.sha256 ?? null,
    detail: li.querySelector('.detail').textContent,
    href: li.querySelector('a[download]')?.href ?? null,
  }));
}

/** SHA-256 of what the receiving page offers for saving, computed in that page. */
function savedSha256(page, href) {
  return page.evaluate(async (url) => {
    const buf = await (await fetch(url)).arrayBuffer();
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
    return { size: buf.byteLength, sha256: [...d].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, href);
}

test('a 64 MiB file goes from one page to the other and the receiver verifies the sender\'s SHA-256', async () => {
  const { file, sha256 } = randomFile('big-64.bin', 64 << 20, 1);
  const p = await connectedPair();
  await p.a.setInputFiles('#files', file);
  const sent = await rowState(p.a, 'outgoing', 'big-64.bin', ['verified', 'failed', 'refused', 'cancelled']);
  const got = await rowState(p.b, 'incoming', 'big-64.bin', ['verified', 'failed', 'unverified']);
  assert.equal(sent.state, 'verified', sent.detail);
  assert.equal(got.state, 'verified', got.detail);
  assert.equal(sent.sha256, sha256);
  assert.equal(got.sha256, sha256);
  assert.match(got.detail, /private storage/);   // written to disk (OPFS) as it arrived
  const saved = await savedSha256(p.b, got.href);
  assert.deepEqual(saved, { size: 64 << 20, sha256 });
  assert.deepEqual(p.errors.flat(), []);
  await p.close();
});

test('a transfer whose peer connection is closed halfway resumes after reconnecting and verifies', async () => {
  const { file, sha256 } = randomFile('resume-24.bin', 24 << 20, 2);
  const p = await connectedPair();
  // Base64 mode here, so that both modes cross a real data channel in these tests.
  await p.a.selectOption('#mode', 'base64');
  await p.a.setInputFiles('#files', file);
  // Close while the sender still has part of the file to hand to the channel, so that
  // the rest must come after the reconnection. (Going by the receiver's progress is not
  // enough: on a slow machine the whole file can already be queued in the receiving page
  // and it completes without needing the resume.)
  await p.a.waitForFunction(() => window.shareDemo.sending, null, { timeout: 30_000 });
  const sentAtClose = await p.a.evaluate((total) => new Promise((resolve) => {
    const sender = window.shareDemo.sending;
    (function poll() {
      const sent = sender.stats.bytesSent;   // handed to the channel (progress events follow acks)
      if (sent > total * 0.4) resolve(sent);
      else setTimeout(poll, 2);
    })();
  }), 24 << 20);
  assert.ok(sentAtClose < 24 << 20, `sent ${sentAtClose} bytes before the close: not halfway`);
  // The receiver's peer connection goes away mid-transfer (as if the network dropped).
  await p.b.evaluate(() => window.shareDemo.peer.pc.close());
  const sent = await rowState(p.a, 'outgoing', 'resume-24.bin', ['verified', 'failed', 'refused', 'cancelled']);
  const got = await rowState(p.b, 'incoming', 'resume-24.bin', ['verified', 'failed']);
  assert.equal(sent.state, 'verified', sent.detail);
  assert.equal(got.state, 'verified', got.detail);
  assert.equal(got.sha256, sha256);
  assert.match(sent.detail, /[1-9]\d* resume/);
  // Not started over: sent well under twice the file.
  const stats = await p.b.evaluate(() => window.shareDemo.receiver.stats);
  assert.ok(stats.resumes >= 1);
  const sentBytes = Number(/sent ([\d.]+) MB/.exec(sent.detail)?.[1]) * 1e6;
  assert.ok(sentBytes < 1.5 * (24 << 20), `sent ${sentBytes} bytes for a ${24 << 20}-byte file`);
  const saved = await savedSha256(p.b, got.href);
  assert.equal(saved.sha256, sha256);
  assert.deepEqual(p.errors.flat(), []);
  await p.close();
});

test("a file sent by the book's own sender code is received (and marked unverified)", async () => {
  const p = await connectedPair();
  const result = await p.a.evaluate(async () => {
    // Learning WebRTC, chapter 6 (client.js), verbatim apart from the wiring at the top:
    // the demo's open data channel, a status element, and a generated file.
    const dataChannel = window.shareDemo.channel;
    const statusText = document.createElement('div');
    function dataChannelSend(message) {
      dataChannel.send(JSON.stringify(message));
    }
    function arrayBufferToBase64(buffer) {
      var binary = '';
      var bytes = new Uint8Array( buffer );
      var len = bytes.byteLength;
      for (var i = 0; i < len; i++) {
        binary += String.fromCharCode( bytes[ i ] );
      }
      return btoa(binary);
    }
    var CHUNK_MAX = 16000;
    function sendFile(file) {
      var reader = new FileReader();
      reader.onloadend = function(evt) {
        if (evt.target.readyState == FileReader.DONE) {
          var buffer = reader.result, start = 0, end = 0, last = false;
          function sendChunk() {
            end = start + CHUNK_MAX;
            if (end > file.size) {
              end = file.size;
              last = true;
            }
            var percentage = Math.floor((end / file.size) * 100);
            statusText.innerHTML = "Sending... " + percentage + "%";
            dataChannel.send(arrayBufferToBase64(buffer.slice(start, end)));
            if (last === true) {
              dataChannelSend({ type: "end" });
            } else {
              start = end;
              setTimeout(function () { sendChunk(); }, 100);
            }
          }
          sendChunk();
        }
      };
      reader.readAsArrayBuffer(file);
    }
    const bytes = new Uint8Array(50_000);
    crypto.getRandomValues(bytes);
    const files = [new File([bytes], 'from-the-book.jpg', { type: 'image/jpeg' })];
    // The book's Send button handler:
    dataChannelSend({ type: "start", data: files[0], name: files[0].name });
    sendFile(files[0]);
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return { sha256: [...d].map((b) => b.toString(16).padStart(2, '0')).join('') };
  });
  const got = await rowState(p.b, 'incoming', 'from-the-book.jpg', ['verified', 'unverified', 'failed'], 60_000);
  assert.equal(got.state, 'unverified', got.detail);
  assert.equal(got.sha256, result.sha256);
  assert.match(got.detail, /no checksum/);
  const saved = await savedSha256(p.b, got.href);
  assert.deepEqual(saved, { size: 50_000, sha256: result.sha256 });
  assert.deepEqual(p.errors.flat(), []);
  await p.close();
});

test('a file larger than the free space is refused, with the reason on both sides', async () => {
  // The receiving page reports 100 MB of quota with 90 MB used.
  const bInit = () => {
    navigator.storage.estimate = async () => ({ quota: 100e6, usage: 90e6 });
  };
  const { file } = randomFile('too-big.bin', 20e6, 3);
  const p = await connectedPair({ bInit });
  await p.a.setInputFiles('#files', file);
  const sent = await rowState(p.a, 'outgoing', 'too-big.bin', ['verified', 'failed', 'refused'], 60_000);
  const got = await rowState(p.b, 'incoming', 'too-big.bin', ['refused', 'verified', 'failed'], 60_000);
  assert.equal(sent.state, 'refused');
  assert.match(sent.detail, /not enough free space: too-big\.bin needs 20\.0 MB/);
  assert.equal(got.state, 'refused');
  assert.match(got.detail, /not enough free space/);
  await p.close();
});
