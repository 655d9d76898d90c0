// The server's STUN responder on UDP: Binding requests from Node's dgram and from coturn's
// turnutils_stunclient (an independent implementation), malformed datagrams, the
// no-amplification bound, and the per-source rate limit (--stun-rate, --stun-burst).
import test from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, serverBinary } from '../lib/server.mjs';

const srv = await startServer();
test.after(async () => assert.equal((await srv.close()).code, 0));

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

function bindingRequest(tid, attrs = Buffer.alloc(0)) {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(0x0001, 0);
  h.writeUInt16BE(attrs.length, 2);
  h.writeUInt32BE(0x2112a442, 4);
  tid.copy(h, 8);
  return Buffer.concat([h, attrs]);
}

/** Send `msg` from a fresh socket; resolve the reply, or null after `ms`. */
function exchange(msg, family = 'udp4', host = '127.0.0.1', ms = 500, port = srv.stunPort) {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(family);
    const timer = setTimeout(() => { sock.close(); resolve(null); }, ms);
    sock.on('error', (e) => { clearTimeout(timer); sock.close(); reject(e); });
    sock.on('message', (reply) => {
      clearTimeout(timer);
      const { port } = sock.address();
      sock.close();
      resolve({ reply, port });
    });
    sock.bind(0, host, () => sock.send(msg, port, host));
  });
}

/** Attributes of a STUN message, checking the header and FINGERPRINT on the way. */
function parse(msg) {
  assert.equal(msg.readUInt32BE(4), 0x2112a442);
  assert.equal(msg.readUInt16BE(2), msg.length - 20);
  const attrs = new Map();
  for (let p = 20; p < msg.length;) {
    const type = msg.readUInt16BE(p);
    const len = msg.readUInt16BE(p + 2);
    attrs.set(type, msg.subarray(p + 4, p + 4 + len));
    if (type === 0x8028) {
      assert.equal(p + 8, msg.length, 'FINGERPRINT is last');
      assert.equal(msg.readUInt32BE(p + 4), (crc32(msg.subarray(0, p)) ^ 0x5354554e) >>> 0, 'FINGERPRINT');
    }
    p += 4 + ((len + 3) & ~3);
  }
  return { type: msg.readUInt16BE(0), tid: msg.subarray(8, 20), attrs };
}

function xorMapped(value, tid) {
  const port = value.readUInt16BE(2) ^ 0x2112;
  if (value[1] === 1) {
    const ip = [0, 1, 2, 3].map((i) => value[4 + i] ^ [0x21, 0x12, 0xa4, 0x42][i]).join('.');
    return { family: 4, ip, port };
  }
  const mask = Buffer.concat([Buffer.from([0x21, 0x12, 0xa4, 0x42]), tid]);
  const bytes = Buffer.from(value.subarray(4, 20).map((b, i) => b ^ mask[i]));
  return { family: 6, ip: bytes.toString('hex'), port };
}

test('a Binding request gets XOR-MAPPED-ADDRESS (IPv4) and FINGERPRINT', async () => {
  const tid = randomBytes(12);
  const req = bindingRequest(tid);
  const { reply, port } = await exchange(req);
  const m = parse(reply);
  assert.equal(m.type, 0x0101);
  assert.ok(m.tid.equals(tid));
  assert.ok(m.attrs.has(0x8028));
  assert.deepEqual(xorMapped(m.attrs.get(0x0020), tid), { family: 4, ip: '127.0.0.1', port });
  assert.ok(reply.length <= req.length + 32);
});

test('over IPv6 the address is IPv6', async (t) => {
  const tid = randomBytes(12);
  let v6;
  try {
    v6 = await startServer({ args: ['--bind', '::1'] });
  } catch (err) {
    t.skip(`no IPv6 loopback here: ${err.message.split('\n')[0]}`);
    return;
  }
  t.after(async () => assert.equal((await v6.close()).code, 0));
  const r = await exchange(bindingRequest(tid), 'udp6', '::1', 500, v6.stunPort);
  assert.ok(r, 'no reply over IPv6');
  const m = parse(r.reply);
  assert.deepEqual(xorMapped(m.attrs.get(0x0020), tid), { family: 6, ip: '0'.repeat(31) + '1', port: r.port });
});

test('malformed datagrams and non-requests get nothing; unknown required attributes get 420', async () => {
  const tid = randomBytes(12);
  const good = bindingRequest(tid);
  const bad = [
    Buffer.from('GET / HTTP/1.1\r\n\r\n'),
    good.subarray(0, 19),
    Buffer.concat([good, Buffer.from([0, 0])]),                   // length field mismatch
    (() => { const b = Buffer.from(good); b[4] ^= 1; return b; })(),   // magic cookie
    (() => { const b = Buffer.from(good); b[0] |= 0x80; return b; })(), // top bits
    (() => { const b = Buffer.from(good); b[1] = 0x11; return b; })(),  // indication
    (() => { const b = Buffer.from(good); b[0] = 0x01; return b; })(),  // a response
    (() => { const b = Buffer.from(good); b[1] = 0x03; return b; })(),  // Allocate (TURN)
  ];
  const before = await srv.metrics();
  for (const d of bad) assert.equal(await exchange(d, 'udp4', '127.0.0.1', 150), null, d.toString('hex'));
  const after = await srv.metrics();
  assert.equal(after.mediacore_stun_dropped_total - before.mediacore_stun_dropped_total, bad.length);

  // CHANGE-REQUEST (RFC 5780) is comprehension-required and not supported.
  const req = bindingRequest(tid, Buffer.from([0x00, 0x03, 0x00, 0x04, 0, 0, 0, 6]));
  const { reply } = await exchange(req);
  const m = parse(reply);
  assert.equal(m.type, 0x0111);
  assert.deepEqual([...m.attrs.get(0x0009).subarray(2, 4)], [4, 20]);
  assert.deepEqual([...m.attrs.get(0x000a)], [0x00, 0x03]);
  assert.ok(reply.length <= req.length + 32);
});

test("coturn's turnutils_stunclient gets our address", async () => {
  const out = await new Promise((resolve, reject) => {
    execFile('turnutils_stunclient', ['-p', String(srv.stunPort), '127.0.0.1'], { timeout: 10_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}${stderr}`)) : resolve(stdout)));
  });
  assert.match(out, /UDP reflexive addr: 127\.0\.0\.1:\d+/);
  assert.doesNotMatch(out, /error|Cannot read|not a STUN/i);
  const m = await srv.metrics();
  assert.ok(m.mediacore_stun_answered_total >= 1);
});

/** A UDP socket bound to `host` that counts the replies it gets. */
async function counter(host = '127.0.0.1') {
  const sock = dgram.createSocket('udp4');
  const c = { sock, replies: 0 };
  sock.on('message', (msg) => { if (msg.readUInt16BE(0) === 0x0101) c.replies++; });
  await new Promise((resolve) => sock.bind(0, host, resolve));
  return c;
}

test('one source gets at most burst + rate x time answers, whatever its ports; others are still answered', async (t) => {
  const RATE = 10;
  const BURST = 20;
  const s = await startServer({ args: ['--stun-rate', String(RATE), '--stun-burst', String(BURST)] });
  const socks = [];
  t.after(async () => {
    for (const c of socks) c.sock.close();
    assert.equal((await s.close()).code, 0);
  });
  const before = await s.metrics();
  assert.equal(before.mediacore_stun_rate_limited_total, 0);

  // 200 Binding requests as fast as they go from one address, spread over 10 ports (what a
  // spoofed flood does: a per-port limit would not hold it).
  for (let i = 0; i < 10; i++) socks.push(await counter());
  const start = performance.now();
  const sends = [];
  for (let i = 0; i < 200; i++) {
    sends.push(promisify(socks[i % 10].sock.send.bind(socks[i % 10].sock))(bindingRequest(randomBytes(12)),
      s.stunPort, '127.0.0.1'));
  }
  await Promise.all(sends);
  await sleep(300);                        // the answers that are coming have come
  const elapsed = (performance.now() - start) / 1000;
  const answered = socks.reduce((n, c) => n + c.replies, 0);
  const after = await s.metrics();
  const received = after.mediacore_stun_received_total - before.mediacore_stun_received_total;
  const limited = after.mediacore_stun_rate_limited_total - before.mediacore_stun_rate_limited_total;
  assert.ok(answered >= BURST, `only ${answered} answered`);
  assert.ok(answered <= BURST + RATE * elapsed, `${answered} answered in ${elapsed.toFixed(3)} s`);
  assert.equal(after.mediacore_stun_answered_total - before.mediacore_stun_answered_total, answered);
  assert.equal(after.mediacore_stun_dropped_total - before.mediacore_stun_dropped_total, 0);
  // (All 200 normally arrive; a loaded kernel may drop a few from the socket buffer.)
  assert.ok(received <= 200 && received > BURST + RATE * elapsed, `${received} received`);
  assert.equal(limited, received - answered, 'every request not answered is counted as rate-limited');

  // Another address (127.0.0.2 is loopback too) is answered at once.
  const other = await counter('127.0.0.2');
  socks.push(other);
  other.sock.send(bindingRequest(randomBytes(12)), s.stunPort, '127.0.0.1');
  // And the flooded address gets tokens back as time passes (RATE per second).
  await sleep(1000 / RATE * 2);
  socks[0].sock.send(bindingRequest(randomBytes(12)), s.stunPort, '127.0.0.1');
  const quiet = socks[0].replies;
  await sleep(300);
  assert.equal(other.replies, 1, 'a second source was not answered');
  assert.equal(socks[0].replies, quiet + 1, 'no answer after the bucket refilled');
});

test('--stun-rate and --stun-burst: documented, checked', async () => {
  const run = promisify(execFile);
  const { stdout } = await run(serverBinary(), ['--help']);
  assert.match(stdout, /--stun-rate N/);
  assert.match(stdout, /--stun-burst N/);
  for (const args of [['--stun-rate', '-1'], ['--stun-rate', 'x'], ['--stun-burst', '0'], ['--stun-burst', '']]) {
    await assert.rejects(run(serverBinary(), args), (err) => {
      assert.equal(err.code, 2, `${args}: exit ${err.code}`);
      assert.match(err.stderr, /--stun-(rate|burst)/);
      return true;
    });
  }
  // The shared server runs with the defaults: the Binding requests above were all answered.
  const m = await srv.metrics();
  assert.equal(m.mediacore_stun_rate_limited_total, 0);
});
