// tools/bench/fileshare.mjs: file transfer between two Chromium pages on loopback, side by
// side in one run.
//
//   node tools/bench/fileshare.mjs [--size-mib 1024] [--variants raw,binary,base64,book]
//                                  [--book-size-mib 2] [--rounds 3] [--storage auto|memory]
//                                  [--high-mib 8] [--low-mib 1] [--profile]
//
// Each variant runs in two fresh headless Chromium instances (one page each, so that
// each page's peak memory is its own renderer's), connected by one RTCPeerConnection
// whose offer and answer this script relays (no signaling server: nothing but the data
// channel is measured). A file of random bytes on disk is picked through a file input
// in the sending page, so it is a real disk-backed File.
//   raw     the sender pumps one preallocated ArrayBuffer as fast as backpressure allows
//           (bufferedAmount high/low marks, bufferedamountlow), the receiver counts bytes:
//           the ceiling for this channel, with messages the size of ours
//   raw-file (optional) the same, but sending the picked file read as our sender reads it
//           (4 MiB Blob slices, one read ahead): what reading the file costs
//   binary  core.createFileSender(file, { mode: 'binary' }) -> createFileReceiver (written
//           to the origin private file system, SHA-256 verified)
//   base64  the same with Base64 text frames
//   book    the book's sendFile() (FileReader of the whole file, 16000-byte slices, one
//           Base64 string every 100 ms) into our receiver, on a small file
// --profile samples both pages' main threads with the DevTools profiler during each run
// and prints the functions with the most self time (build the module with
// -DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs to see C function names instead of indexes).
// Rounds run every variant once (the book's only in the first), one after another.
// Reported: MB/s (10^6 bytes/s) from the sender's first message to the receiver having
// the whole file (verified, for ours), the ratio to raw, and for each page its renderer's
// peak resident memory (VmHWM), peak JS heap and module memory.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync, mkdtempSync, openSync, writeSync, closeSync, rmSync, readdirSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { tmpdir, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, option as opt } from './machine.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/browser/harness.mjs';

const args = process.argv.slice(2);
const SIZE = Number(opt('size-mib', 1024)) * 1024 * 1024;
const BOOK_SIZE = Number(opt('book-size-mib', 2)) * 1024 * 1024;
const VARIANTS = opt('variants', 'raw,binary,base64,book').split(',');
const ROUNDS = Number(opt('rounds', 3));   // rounds interleave the variants; medians are reported
const STORAGE = opt('storage', 'auto');   // the receiver's storage: auto (OPFS here) or memory
const HIGH = Number(opt('high-mib', 8)) * 1024 * 1024;   // bufferedAmount marks (raw and ours alike;
// Chromium closes a channel whose buffer passes 16 MiB)
const LOW = Number(opt('low-mib', 1)) * 1024 * 1024;
const PROFILE = args.includes('--profile');   // print each page's main-thread profile

// ---- A static server for web/ ------------------------------------------------------
const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json', '.bin': 'application/octet-stream' };
const server = createServer(async (req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
  const file = path.join(WEB, rel);
  if (!file.startsWith(WEB)) { res.writeHead(403).end(); return; }
  try {
    const body = await readFile((await stat(file)).isDirectory() ? path.join(file, 'index.html') : file);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const SITE = `http://127.0.0.1:${server.address().port}`;

// ---- Test files --------------------------------------------------------------------
const dir = mkdtempSync(path.join(tmpdir(), 'mc-bench-share-'));
function randomFile(name, size) {
  const file = path.join(dir, name);
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4 << 20);
  for (let done = 0; done < size; done += block.length) {
    randomFillSync(block);
    writeSync(fd, block, 0, Math.min(block.length, size - done));
  }
  closeSync(fd);
  return file;
}

// ---- Memory of a browser's renderers -------------------------------------------------
function rendererPids(profileDir) {
  const pids = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('--type=renderer') && cmd.includes(profileDir)) pids.push(pid);
    } catch { /* gone */ }
  }
  return pids;
}

function peakRss(pids) {
  let peak = 0;
  for (const pid of pids) {
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb * 1024);
    } catch { /* gone */ }
  }
  return peak;
}

async function launch() {
  const profile = mkdtempSync(path.join(dir, 'profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info',
      // Two browsers: real host candidates instead of mDNS names only the other could
      // not resolve.
      '--disable-features=WebRtcHideLocalIpsWithMdns'],
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? await context.newPage();
  if (process.env.BENCH_DEBUG) {
    page.on('console', (m) => console.error(`[${path.basename(profile)}] ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.error(`[${path.basename(profile)}] pageerror: ${e.message}`));
    page.on('crash', () => console.error(`[${path.basename(profile)}] CRASH`));
  }
  await page.goto(`${SITE}/`);
  if (process.env.BENCH_DEBUG) await page.evaluate(() => { window.debug = true; });
  await page.evaluate(() => {
    // Peak JS heap, sampled.
    window.heapPeak = 0;
    setInterval(() => { window.heapPeak = Math.max(window.heapPeak, performance.memory.usedJSHeapSize); }, 100);
  });
  return { context, page, profile };
}

/** Connect the two pages: one RTCPeerConnection each, one ordered data channel. */
async function connect(a, b) {
  const offer = await a.evaluate(async () => {
    const pc = new RTCPeerConnection();
    window.pc = pc;
    window.channel = pc.createDataChannel('bench', { ordered: true });
    window.channel.binaryType = 'arraybuffer';
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); else pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()); });
    return pc.localDescription.toJSON();
  });
  const answer = await b.evaluate(async (o) => {
    const pc = new RTCPeerConnection();
    window.pc = pc;
    window.channelReady = new Promise((r) => { pc.ondatachannel = ({ channel }) => { channel.binaryType = 'arraybuffer'; window.channel = channel; channel.onopen = () => r(); if (channel.readyState === 'open') r(); }; });
    await pc.setRemoteDescription(o);
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); else pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()); });
    return pc.localDescription.toJSON();
  }, offer);
  await a.evaluate(async (ans) => {
    await window.pc.setRemoteDescription(ans);
    if (window.channel.readyState !== 'open') await new Promise((r) => { window.channel.onopen = r; });
  }, answer);
  await b.evaluate(() => window.channelReady);
  return a.evaluate(() => window.pc.sctp?.maxMessageSize ?? 0);
}

async function pick(page, file) {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-file';
    document.body.append(input);
  });
  await page.setInputFiles('#bench-file', file);
}

const variants = {
  async raw(a, b, size, maxMessageSize, fromFile = false) {
    // The same message size our binary frames use.
    const message = Math.min(maxMessageSize || 16384, 256 * 1024);
    const done = b.evaluate((total) => new Promise((resolve) => {
      let got = 0, t0 = 0;
      window.channel.onmessage = ({ data }) => {
        if (!t0) t0 = performance.now();
        got += data.byteLength;
        if (got >= total) resolve({ ms: performance.now() - t0, bytes: got });
      };
    }), size);
    await a.evaluate(({ total, message, high, low, fromFile }) => {
      const ch = window.channel;
      // raw: one preallocated buffer, sent again and again. raw-file: the picked file,
      // read as our sender reads it (4 MiB Blob slices, one read ahead).
      const file = document.getElementById('bench-file').files[0];
      const READ = 4 << 20;
      const read = (start) => file.slice(start, Math.min(total, start + READ)).arrayBuffer()
        .then((buf) => new Uint8Array(buf));
      let block = new Uint8Array(message), blockStart = 0, ahead = fromFile ? read(0) : null;
      if (!fromFile) crypto.getRandomValues(block.subarray(0, 65536));
      ch.bufferedAmountLowThreshold = low;
      let sent = 0, pumping = false;
      const pump = async () => {
        if (pumping) return;
        pumping = true;
        while (sent < total && ch.bufferedAmount <= high) {
          if (fromFile && (sent === 0 || sent >= blockStart + block.length)) {
            blockStart = sent;
            block = await ahead;
            if (blockStart + block.length < total) ahead = read(blockStart + block.length);
          }
          const off = fromFile ? sent - blockStart : 0;
          const n = Math.min(message, block.length - off, total - sent);
          ch.send(n === block.length ? block : block.subarray(off, off + n));
          sent += n;
        }
        pumping = false;
      };
      ch.onbufferedamountlow = pump;
      pump();
    }, { total: size, message, high: HIGH, low: LOW, fromFile });
    return { ...(await done), verified: null, message };
  },

  async ours(a, b, size, mode) {
    // The receiver is attached before the sender starts: a start message that arrives
    // before anyone listens is lost, and the sender would wait for its acceptance forever.
    await b.evaluate(async (storage) => {
      const { createMediaCore } = await import('/mediacore.js');
      const core = await createMediaCore();
      window.core = core;
      const receiver = core.createFileReceiver({ channel: window.channel, progressInterval: 2000, storage });
      if (window.debug) {
        receiver.addEventListener('progress', ({ detail }) => console.log(`receiver: ${detail.bytes} bytes, ${(detail.rate / 1e6).toFixed(2)} MB/s`));
        receiver.addEventListener('warning', ({ detail }) => console.log(`receiver warning: ${detail.message}`));
      }
      window.received = new Promise((resolve, reject) => {
        receiver.addEventListener('file', async ({ detail }) => {
          const ms = performance.now() - window.t0;
          resolve({ ms, verified: detail.verified, ok: detail.ok, storage: detail.storage, bytes: detail.size, wasm: core.wasm.memory.buffer.byteLength });
          await detail.remove();
        });
        receiver.addEventListener('refused', ({ detail }) => reject(new Error(detail.message)));
        receiver.addEventListener('error', ({ detail }) => reject(detail.error));
        window.channel.addEventListener('message', () => { window.t0 ??= performance.now(); }, { once: true });
      });
      window.received.catch(() => {});   // awaited below; a refusal must not go unhandled meanwhile
    }, STORAGE);
    const got = b.evaluate(() => window.received);
    got.catch(() => {});
    const sent = await a.evaluate(async ({ mode, high, low }) => {
      const { createMediaCore } = await import('/mediacore.js');
      const core = await createMediaCore();
      const file = document.getElementById('bench-file').files[0];
      const sender = core.createFileSender(file, {
        channel: window.channel, mode, peerConnection: window.pc, highWaterMark: high, lowWaterMark: low,
        progressInterval: 2000,
      });
      if (window.debug) {
        sender.addEventListener('progress', ({ detail }) => console.log(`sender: acked ${detail.bytes}, sent ${detail.sent}, buffered ${window.channel.bufferedAmount}`));
        sender.addEventListener('warning', ({ detail }) => console.log(`sender warning: ${detail.message}`));
      }
      const r = await sender.start();
      return { verified: r.verified, chunkSize: sender.chunkSize, wasm: core.wasm.memory.buffer.byteLength };
    }, { mode, high: HIGH, low: LOW });
    const r = await got;
    return { ...r, senderVerified: sent.verified, chunkSize: sent.chunkSize, senderWasm: sent.wasm };
  },

  async book(a, b, size) {
    await b.evaluate(async () => {   // attached before the book's sender starts (see ours)
      const { createMediaCore } = await import('/mediacore.js');
      const core = await createMediaCore();
      const receiver = core.createFileReceiver({ channel: window.channel });
      window.received = new Promise((resolve) => {
        window.channel.addEventListener('message', () => { window.t0 ??= performance.now(); }, { once: true });
        receiver.addEventListener('file', ({ detail }) => resolve({ ms: performance.now() - window.t0, ok: detail.ok, verified: detail.verified, bytes: detail.size }));
      });
    });
    const got = b.evaluate(() => window.received);
    await a.evaluate(() => {
      // Learning WebRTC, chapter 6: the file is read whole, then sent in 16000-byte
      // slices, each Base64-encoded by a per-byte loop, one every 100 ms.
      const dataChannel = window.channel;
      const dataChannelSend = (message) => dataChannel.send(JSON.stringify(message));
      function arrayBufferToBase64(buffer) {
        var binary = '';
        var bytes = new Uint8Array(buffer);
        for (var i = 0; i < bytes.byteLength; i++) binary += String.fromCharCode(bytes[i]);
        return btoa(binary);
      }
      var CHUNK_MAX = 16000;
      function sendFile(file) {
        var reader = new FileReader();
        reader.onloadend = function (evt) {
          if (evt.target.readyState == FileReader.DONE) {
            var buffer = reader.result, start = 0, end = 0, last = false;
            function sendChunk() {
              end = start + CHUNK_MAX;
              if (end > file.size) { end = file.size; last = true; }
              dataChannel.send(arrayBufferToBase64(buffer.slice(start, end)));
              if (last === true) dataChannelSend({ type: 'end' });
              else { start = end; setTimeout(function () { sendChunk(); }, 100); }
            }
            sendChunk();
          }
        };
        reader.readAsArrayBuffer(file);
      }
      const file = document.getElementById('bench-file').files[0];
      dataChannelSend({ type: 'start', data: { name: file.name, size: file.size, type: file.type }, name: file.name });
      sendFile(file);
    });
    return got;
  },
};

/** The DevTools sampling profiler on a page's main thread. */
async function startProfiler({ context, page }) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  return { stop: async () => (await cdp.send('Profiler.stop')).profile };
}

/** The functions with the most self time in a profile, as shares of all samples. */
function printProfile(title, profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const key = `${functionName || '(anonymous)'}${url ? ` ${url.split('/').pop()}:${lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  console.log(`# main thread of the ${title}: ${profile.samples.length} samples`);
  for (const [key, n] of [...self].sort((x, y) => y[1] - x[1]).slice(0, 12)) {
    console.log(`#   ${((100 * n) / profile.samples.length).toFixed(1).padStart(5)} %  ${key}`);
  }
}

const debug = (...m) => { if (process.env.BENCH_DEBUG) console.error(new Date().toISOString().slice(11, 19), ...m); };

/** connect(), retried: on a loaded machine ICE occasionally fails to complete. */
async function connectRetry(A, B) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await Promise.race([
        connect(A.page, B.page),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no connection within 30 s')), 30_000)),
      ]);
    } catch (err) {
      debug(`connect attempt ${attempt}: ${err.message}`);
      if (attempt === 3) throw err;
      for (const p of [A.page, B.page]) await p.reload();
    }
  }
}

async function run(name, file, size) {
  debug(`${name}: launching`);
  const A = await launch();
  const B = await launch();
  try {
    debug(`${name}: connecting`);
    const maxMessageSize = await connectRetry(A, B);
    debug(`${name}: connected (max message ${maxMessageSize}), transferring`);
    await pick(A.page, file);
    const profilers = PROFILE ? await Promise.all([A, B].map((P) => startProfiler(P))) : [];
    const variant = name === 'raw' || name === 'raw-file'
      ? variants.raw(A.page, B.page, size, maxMessageSize, name === 'raw-file')
      : name === 'book' ? variants.book(A.page, B.page, size)
        : variants.ours(A.page, B.page, size, name);
    // A transfer that stalls (seen about once in ten 1 GiB runs here, raw included) is
    // recorded as such instead of hanging the benchmark: 4 MB/s is far below any variant but
    // the book's (a small file, under the 120 s floor).
    const limit = Math.max(120, (size / 4e6) | 0) * 1000;
    let timer;
    const r = await Promise.race([variant, new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`stalled: not finished after ${limit / 1000} s`)), limit);
    })]).finally(() => clearTimeout(timer));
    for (const [i, prof] of profilers.entries()) {
      printProfile(`${name}, ${i ? 'receiving' : 'sending'} page`, await prof.stop());
    }
    const heap = await Promise.all([A.page, B.page].map((p) => p.evaluate(() => window.heapPeak)));
    return {
      name, size, ...r, maxMessageSize,
      mbps: size / (r.ms / 1000) / 1e6,
      rss: [peakRss(rendererPids(A.profile)), peakRss(rendererPids(B.profile))],
      heap,
    };
  } finally {
    // A browser that already went away (it happens on a loaded machine) is closed enough.
    await A.context.close().catch(() => {});
    await B.context.close().catch(() => {});
  }
}

const runs = new Map(VARIANTS.map((v) => [v, []]));
const failures = [];
try {
  const big = randomFile('big.bin', SIZE);
  const small = VARIANTS.includes('book') ? randomFile('book.bin', BOOK_SIZE) : null;
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of VARIANTS) {
      if (v === 'book' && round > 0) continue;   // capped by its timer: one run says it all
      let r;
      try {
        r = await run(v, v === 'book' ? small : big, v === 'book' ? BOOK_SIZE : SIZE);
      } catch (err) {
        console.error(`round ${round + 1}, ${v}: FAILED: ${err.message.split('\n')[0]}`);
        failures.push(`round ${round + 1}, ${v}: ${err.message.split('\n')[0]}`);
        continue;
      }
      console.error(`round ${round + 1}, ${v}: ${r.mbps.toFixed(2)} MB/s`);
      runs.get(v).push(r);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  server.close();
}

// Per variant: the run with the median rate, the range of rates, and memory peaks over all runs.
const results = [...runs.values()].filter((rs) => rs.length).map((rs) => {
  const sorted = [...rs].sort((x, y) => x.mbps - y.mbps);
  const mid = sorted[(sorted.length - 1) >> 1];
  return {
    ...mid, runs: rs.length, min: sorted[0].mbps, max: sorted[sorted.length - 1].mbps,
    rss: [0, 1].map((i) => Math.max(...rs.map((r) => r.rss[i]))),
    heap: [0, 1].map((i) => Math.max(...rs.map((r) => r.heap[i]))),
  };
});
const raw = results.find((r) => r.name === 'raw');
const mb = (n) => (n / 1e6).toFixed(0);
const load = loadavg().map((x) => x.toFixed(2)).join(', ');
console.log(`# file transfer benchmark: ${new Date().toISOString().slice(0, 10)}, ${SIZE / 2 ** 20} MiB (book: ${BOOK_SIZE / 2 ** 20} MiB), ${ROUNDS} rounds (book: 1), medians, bufferedAmount marks ${HIGH / 2 ** 20}/${LOW / 2 ** 20} MiB, headless Chromium ${await chromiumVersion()}; load average ${load}`);
console.log(`# ${describeMachine()}`);
console.log('');
console.log('| variant | file | message / chunk | MB/s (median) | min-max | vs raw | verified | sender peak RSS | receiver peak RSS | sender peak JS heap | receiver peak JS heap |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const msg = r.message ? `${r.message} B` : r.name === 'book' ? '16000 B (Base64)' : `${r.chunkSize} B`;
  const ratio = raw ? `${((r.mbps / raw.mbps) * 100).toFixed(0)}%` : '–';
  const ver = r.verified === null || r.verified === undefined ? '–' : r.verified ? 'yes' : r.ok ? 'no (no digest)' : 'FAILED';
  console.log(`| ${r.name} | ${r.size / 2 ** 20} MiB | ${msg} | ${r.mbps.toFixed(2)} | ${r.min.toFixed(1)}-${r.max.toFixed(1)} | ${ratio} | ${ver} | ${mb(r.rss[0])} MB | ${mb(r.rss[1])} MB | ${mb(r.heap[0])} MB | ${mb(r.heap[1])} MB |`);
}

for (const f of failures) console.log(`\nFailed: ${f}`);

async function chromiumVersion() {
  try {
    const b = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const v = b.version();
    await b.close();
    return v;
  } catch {
    return '?';
  }
}
