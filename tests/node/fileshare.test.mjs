// core.createFileSender / createFileReceiver on the real .wasm modules, over in-memory
// channels (tests/lib/fake-datachannel.mjs) that can drop, duplicate, reorder and corrupt
// messages or close mid-transfer. The received file is compared byte for byte and by an
// independent SHA-256 (WebCrypto).
import test from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { createMediaCore, MediaCoreError, FileShareDefaults } from '../../web/mediacore.js';
import { channelPair } from '../lib/fake-datachannel.mjs';
import { randomBytes } from '../lib/filters-reference.mjs';

const simdCore = await createMediaCore({ simd: true });
const baseCore = await createMediaCore({ simd: false });

async function sha256Hex(data) {
  const d = new Uint8Array(await webcrypto.subtle.digest('SHA-256', data));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function nextEvent(target, type) {
  return new Promise((resolve) => target.addEventListener(type, (e) => resolve(e.detail), { once: true }));
}

/** Send `bytes` from a fresh sender to a fresh receiver; returns what both saw. */
async function transfer(core, bytes, { senderOptions = {}, receiverOptions = {}, fault = null, name = 'test.bin' } = {}) {
  const [a, b] = channelPair();
  a.fault = fault;
  const receiver = core.createFileReceiver({ channel: b, storage: 'memory', ...receiverOptions });
  const sender = core.createFileSender(new File([bytes], name, { type: 'application/x-test' }),
    { channel: a, ...senderOptions });
  const got = nextEvent(receiver, 'file');
  const result = await sender.start();
  const file = await got;
  const out = { result, file, data: new Uint8Array(await file.file.arrayBuffer()), senderStats: sender.stats, receiverStats: file.stats };
  sender.close();
  receiver.close();
  return out;
}

test('features report file transfer; chunk sizes follow the connection', () => {
  assert.equal(simdCore.features.fileshare, true);
  assert.equal(baseCore.features.fileshare, true);
  const [a] = channelPair();
  const blob = new Blob([new Uint8Array(10)]);
  const unknown = simdCore.createFileSender(blob, { channel: a });
  assert.equal(unknown.chunkSize, 16384 / 4 * 3 - 20);           // Base64 must fit 16 KiB
  const binary = simdCore.createFileSender(blob, { channel: a, mode: 'binary' });
  assert.equal(binary.chunkSize, 16384 - 20);
  const sctp = simdCore.createFileSender(blob, { channel: a, peerConnection: { sctp: { maxMessageSize: 262144 } } });
  assert.equal(sctp.chunkSize, 262144 / 4 * 3 - 20);
  const capped = simdCore.createFileSender(blob, { channel: a, mode: 'binary', maxMessageSize: 1 << 30 });
  assert.equal(capped.chunkSize, FileShareDefaults.messageCap - 20);
  for (const s of [unknown, binary, sctp, capped]) s.close();
});

test('round trips in binary and Base64 mode, both modules, many sizes', async () => {
  for (const core of [simdCore, baseCore]) {
    for (const mode of ['binary', 'base64', 'auto']) {
      for (const n of [0, 1, 1000, 12268, 12269, 300_001]) {
        const bytes = randomBytes(n, n + 7);
        const { result, file, data } = await transfer(core, bytes, { senderOptions: { mode, chunkSize: mode === 'auto' ? undefined : 4096 } });
        const want = await sha256Hex(bytes);
        assert.equal(result.verified, true, `${mode} ${n}`);
        assert.equal(result.sha256, want);
        assert.equal(file.verified, true);
        assert.equal(file.sha256, want);
        assert.equal(file.name, 'test.bin');
        assert.equal(file.type, 'application/x-test');
        assert.equal(file.storage, 'memory');
        assert.deepEqual(data, bytes);
      }
    }
  }
});

test('dropped, duplicated, reordered and corrupted chunks are each detected, recovered and verified', async () => {
  const bytes = randomBytes(200_000, 99);
  const want = await sha256Hex(bytes);
  const isFrame = (d) => typeof d !== 'string' || d.charCodeAt(0) !== 123;
  const cases = [
    ['drop', 'outOfOrder'], ['duplicate', 'duplicates'], ['hold', 'outOfOrder'], ['corrupt', 'corrupt'],
  ];
  for (const mode of ['binary', 'base64']) {
    for (const [action, counter] of cases) {
      let frames = 0, faults = 0;
      const fault = (d) => {
        if (!isFrame(d)) return null;
        frames++;
        if (frames % 9 === 4 && faults < 6) {
          faults++;
          return action;
        }
        return null;
      };
      const { result, data, receiverStats } = await transfer(simdCore, bytes, {
        senderOptions: { mode, chunkSize: 2000 }, fault,
      });
      assert.equal(faults, 6, `${mode} ${action}: faults injected`);
      assert.equal(result.verified, true, `${mode} ${action}`);
      assert.equal(result.sha256, want);
      assert.deepEqual(data, bytes);
      assert.ok(receiverStats[counter] > 0, `${mode} ${action}: ${counter} = ${receiverStats[counter]}`);
      if (action === 'duplicate') assert.equal(receiverStats.resumes, 0);
      else assert.ok(receiverStats.resumes > 0);
    }
  }
});

test('a connection closed halfway resumes on a new channel and only the rest is sent again', async () => {
  for (const mode of ['binary', 'base64']) {
    const bytes = randomBytes(1_000_000, 5);
    const [a1, b1] = channelPair('first');
    const receiver = simdCore.createFileReceiver({ channel: b1, storage: 'memory', ackBytes: 50_000, progressInterval: 0 });
    const sender = simdCore.createFileSender(new Blob([bytes]), {
      channel: a1, mode, chunkSize: 10_000, name: 'big.bin', highWaterMark: 100_000, lowWaterMark: 20_000,
    });
    const interrupted = nextEvent(sender, 'interrupted');
    // The connection drops once the receiver has a good part of the file.
    receiver.addEventListener('progress', (e) => { if (e.detail.bytes >= 400_000) a1.close(); });
    const done = sender.start();
    const { bytes: acked } = await interrupted;
    assert.ok(acked < bytes.length, `acknowledged before the drop: ${acked}`);
    // Reconnect: both ends on a new channel.
    const [a2, b2] = channelPair('second');
    const resumed = nextEvent(sender, 'resumed');
    const got = nextEvent(receiver, 'file');
    receiver.attach(b2);
    sender.attach(a2);
    const { from } = await resumed;
    assert.ok(from >= 400_000 && from >= acked, `resumed from ${from}, acked ${acked}`);
    const result = await done;
    const file = await got;
    assert.equal(result.verified, true);
    assert.deepEqual(new Uint8Array(await file.file.arrayBuffer()), bytes);
    const sent = sender.stats.bytesSent;
    assert.ok(sent < bytes.length * 1.5, `sent ${sent} for ${bytes.length}: no restart from zero`);
    assert.equal(file.stats.duplicates, 0);
    sender.close();
    receiver.close();
  }
});

test('the receiver refuses a file it has no space for, and says so on both sides', async () => {
  const [a, b] = channelPair();
  // The space check applies to storage on disk (here a custom sink standing for one).
  const r2 = simdCore.createFileReceiver({
    channel: b, storage: async () => ({ write: async () => {}, close: async () => new Blob([]) }),
    estimate: async () => ({ quota: 50_000_000, usage: 10_000_000 }),
  });
  const refused = nextEvent(r2, 'refused');
  const big = { size: 100_000_000, name: 'huge.iso', type: '', slice: () => new Blob([]) };
  const sender = simdCore.createFileSender(big, { channel: a });
  await assert.rejects(sender.start(), (err) => {
    assert.ok(err instanceof MediaCoreError);
    assert.equal(err.code, 'MC_ELIMIT');
    assert.match(err.message, /space/);
    assert.match(err.message, /huge\.iso needs 100 MB/);
    return true;
  });
  const r = await refused;
  assert.equal(r.reason, 'space');
  assert.equal(r.offer.name, 'huge.iso');
  sender.close();
  r2.close();
});

test('declined by the application, cancelled by either side', async () => {
  const bytes = randomBytes(500_000, 3);
  {
    const [a, b] = channelPair();
    const receiver = simdCore.createFileReceiver({ channel: b, storage: 'memory', accept: async (offer) => offer.name !== 'nope.txt' });
    const sender = simdCore.createFileSender(new File([bytes], 'nope.txt'), { channel: a });
    await assert.rejects(sender.start(), { code: 'MC_ESTATE', message: /declined/ });
    sender.close();
    receiver.close();
  }
  {
    const [a, b] = channelPair();
    const receiver = simdCore.createFileReceiver({ channel: b, storage: 'memory' });
    const sender = simdCore.createFileSender(new Blob([bytes]), { channel: a, chunkSize: 5000 });
    const cancelled = nextEvent(receiver, 'cancelled');
    sender.addEventListener('accepted', () => sender.cancel('changed my mind'), { once: true });
    await assert.rejects(sender.start(), { code: 'MC_ESTATE' });
    const c = await cancelled;
    assert.match(c.reason, /changed my mind/);
    assert.equal(receiver.current, null);
    sender.close();
    receiver.close();
  }
  {
    const [a, b] = channelPair();
    const receiver = simdCore.createFileReceiver({ channel: b, storage: 'memory' });
    const sender = simdCore.createFileSender(new Blob([bytes]), { channel: a, chunkSize: 5000 });
    receiver.addEventListener('progress', () => receiver.cancel('stop'), { once: true });
    await assert.rejects(sender.start(), (err) => {
      assert.equal(err.code, 'MC_ESTATE');
      assert.match(err.message, /cancelled/);
      return true;
    });
    sender.close();
    receiver.close();
  }
});

test('an offer sent before the receiver listens is repeated until answered, once', { timeout: 20_000 }, async () => {
  const bytes = randomBytes(300_000, 11);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  {
    // No repeats: the first offer is lost and nothing happens.
    const [a, b] = channelPair();
    const sender = simdCore.createFileSender(new File([bytes], 'late.bin'), { channel: a, offerRetry: 0 });
    const started = sender.start();
    started.catch(() => {});
    await sleep(100);
    const receiver = simdCore.createFileReceiver({ channel: b, storage: 'memory' });
    const outcome = await Promise.race([started.then(() => 'finished'), sleep(400).then(() => 'waiting')]);
    assert.equal(outcome, 'waiting');
    sender.close();
    receiver.close();
  }
  {
    // Repeats every 30 ms: the receiver attaches late and takes 200 ms to decide; the
    // repeats that arrive meanwhile do not make a second offer.
    const [a, b] = channelPair();
    const sender = simdCore.createFileSender(new File([bytes], 'late.bin'), { channel: a, offerRetry: 30, chunkSize: 10_000 });
    const started = sender.start();
    await sleep(100);
    let offers = 0;
    const receiver = simdCore.createFileReceiver({
      channel: b, storage: 'memory',
      accept: async () => { offers++; await sleep(200); return true; },
    });
    try {
      // Bounded here, so that a sender still offering is closed (below) rather than kept
      // waiting, which would keep the test process alive.
      const within = (promise, what) => Promise.race([promise,
        sleep(10_000).then(() => { throw new Error(`${what}: nothing after 10 s`); })]);
      const got = nextEvent(receiver, 'file');
      const result = await within(started, 'sender');
      const file = await within(got, 'receiver');
      assert.equal(result.verified, true);
      assert.equal(file.verified, true);
      assert.equal(offers, 1);
      assert.deepEqual(new Uint8Array(await file.file.arrayBuffer()), bytes);
    } finally {
      sender.close();
      receiver.close();
    }
  }
});

test("the book's sender is received (start/data, bare Base64 chunks, end) and marked unverified", async () => {
  const bytes = randomBytes(70_000, 11);
  const [a, b] = channelPair();
  const receiver = simdCore.createFileReceiver({ channel: b, storage: 'memory' });
  const offered = nextEvent(receiver, 'offer');
  const got = nextEvent(receiver, 'file');
  // The book's sendFile(), with its 100 ms timer removed.
  const arrayBufferToBase64 = (buffer) => {
    let binary = '';
    const u8 = new Uint8Array(buffer);
    for (let i = 0; i < u8.byteLength; i++) binary += String.fromCharCode(u8[i]);
    return btoa(binary);
  };
  a.send(JSON.stringify({ type: 'start', data: { name: 'book.jpg', size: bytes.length, type: 'image/jpeg' } }));
  for (let start = 0; start < bytes.length; start += 16000) {
    a.send(arrayBufferToBase64(bytes.buffer.slice(start, Math.min(bytes.length, start + 16000))));
  }
  a.send(JSON.stringify({ type: 'end' }));
  const offer = await offered;
  assert.equal(offer.legacy, true);
  assert.equal(offer.size, bytes.length);
  const file = await got;
  assert.equal(file.ok, true);
  assert.equal(file.verified, false);
  assert.equal(file.legacy, true);
  assert.equal(file.name, 'book.jpg');
  assert.equal(file.sha256, await sha256Hex(bytes));
  assert.deepEqual(new Uint8Array(await file.file.arrayBuffer()), bytes);
  receiver.close();
});

test('a file that cannot be read fails the sender and cancels the receiver', async () => {
  const [a, b] = channelPair();
  const receiver = simdCore.createFileReceiver({ channel: b, storage: 'memory' });
  let reads = 0;
  const flaky = {
    size: 300_000, name: 'flaky.bin', type: '',
    slice: (start, end) => ({
      arrayBuffer: async () => {
        if (++reads > 1) throw new Error('NotReadableError: the file changed');
        return new ArrayBuffer(end - start);
      },
    }),
  };
  const cancelled = nextEvent(receiver, 'cancelled');
  const sender = simdCore.createFileSender(flaky, { channel: a, chunkSize: 10_000, readSize: 50_000 });
  await assert.rejects(sender.start(), { code: 'MC_EINVAL', message: /flaky\.bin could not be read or sent: NotReadableError/ });
  const c = await cancelled;
  assert.match(c.reason, /could not be read/);
  sender.close();
  receiver.close();
});

test('files one after another on one channel, and transfers both ways at once', async () => {
  const [a, b] = channelPair();
  const ra = simdCore.createFileReceiver({ channel: a, storage: 'memory' });
  const rb = simdCore.createFileReceiver({ channel: b, storage: 'memory' });
  const files = [randomBytes(30_000, 1), randomBytes(0, 2), randomBytes(123_456, 3)];
  const received = [];
  rb.addEventListener('file', (e) => received.push(e.detail));
  for (const [i, f] of files.entries()) {
    const s = simdCore.createFileSender(new File([f], `f${i}`), { channel: a, chunkSize: 7000 });
    // Meanwhile b sends a file to a over the same channel.
    const back = simdCore.createFileSender(new File([files[2]], `back${i}`), { channel: b, mode: 'base64', chunkSize: 5000 });
    const backFile = nextEvent(ra, 'file');
    const [r1, r2] = await Promise.all([s.start(), back.start()]);
    assert.ok(r1.verified && r2.verified);
    assert.deepEqual(new Uint8Array(await (await backFile).file.arrayBuffer()), files[2]);
    s.close();
    back.close();
  }
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(received.map((f) => f.name), ['f0', 'f1', 'f2']);
  for (const [i, f] of files.entries()) assert.deepEqual(new Uint8Array(await received[i].file.arrayBuffer()), f);
  ra.close();
  rb.close();
});

test('no module allocation per chunk: the core allocates per file, not per chunk', async () => {
  const rt = simdCore.wasm.runtime;
  const alloc = rt.exports.mc_wasm_alloc;
  let allocations = 0;
  rt.exports = { ...rt.exports, mc_wasm_alloc: (n) => { allocations++; return alloc(n); } };
  try {
    const small = await transfer(simdCore, randomBytes(40_000, 1), { senderOptions: { chunkSize: 1000 } });
    const before = allocations;
    const large = await transfer(simdCore, randomBytes(400_000, 2), { senderOptions: { chunkSize: 1000 } });
    assert.ok(small.result.verified && large.result.verified);
    // 40 chunks or 400 chunks: the same handful of buffers.
    assert.ok(allocations - before <= before + 2, `allocations: ${before} for 40 chunks, ${allocations - before} for 400`);
  } finally {
    rt.exports = { ...rt.exports, mc_wasm_alloc: alloc };
  }
});

test('bad arguments, close() twice, core.close() closes transfers', async () => {
  assert.throws(() => simdCore.createFileSender(null), { code: 'MC_EINVAL' });
  assert.throws(() => simdCore.createFileSender('file.txt'), { code: 'MC_EINVAL' });
  assert.throws(() => simdCore.createFileSender(new Blob([]), { mode: 'morse' }), { code: 'MC_EINVAL' });
  assert.throws(() => simdCore.createFileReceiver({ storage: 'cloud' }), { code: 'MC_EINVAL' });
  const core = await createMediaCore({ simd: true });
  const [a, b] = channelPair();
  const s = core.createFileSender(new Blob([new Uint8Array(5)]), { channel: a });
  const r = core.createFileReceiver({ channel: b });
  s.close();
  s.close();
  assert.throws(() => s.start(), { code: 'MC_ESTATE' });
  core.close();
  assert.throws(() => r.attach(b), { code: 'MC_ESTATE' });
  r.close();
  assert.throws(() => core.createFileReceiver(), { code: 'MC_ESTATE' });
});
