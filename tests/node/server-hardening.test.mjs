// What an attack on mediacore-server from the network found, one test per finding (issue 9).
// Each of these failed on the server before its fix. tests/lib/server.mjs runs the ASan build
// when it exists (it does in CI), so a memory error aborts the server and fails the test.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServer, serverBinary } from '../lib/server.mjs';
import { TestClient, loggedIn } from '../lib/wsclient.mjs';
import { exchange, get } from '../lib/rawhttp.mjs';

const run = promisify(execFile);

const srv = await startServer({ stun: false });
test.after(async () => {
  const { code, stderr } = await srv.close();
  assert.equal(code, 0, `server exit ${code}:\n${stderr}`);
});

async function healthy(s = srv) {
  const r = await fetch(`${s.url}/healthz`);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'ok\n');
}

const upgrade = (value, extra = []) => get('/', ['Connection: Upgrade', `Upgrade: ${value}`, ...extra]);
const wsHeaders = ['Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];

test('an unknown Upgrade after a keep-alive request does not touch freed memory (libwebsockets 4.1.6 use-after-free)', async () => {
  // The sequence the attack found, then variants: in one write (pipelined), after a file, after
  // HEAD, h2c, several times on one connection, with a body. The ASan server must stay up.
  const sequences = [
    [get('/healthz'), upgrade('foo')],
    [get('/healthz') + upgrade('foo')],
    [get('/index.html'), upgrade('foo')],
    [`HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n`, upgrade('foo')],
    [get('/healthz'), upgrade('h2c', ['HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA'])],
    [get('/healthz'), upgrade('foo'), upgrade('foo'), upgrade('bar')],
    [get('/healthz'), upgrade('websocket, foo', wsHeaders)],
    [get('/healthz'), upgrade('foo', ['Content-Length: 4']) + 'abcd'],
    [get('/healthz'), get('/healthz'), upgrade('x'.repeat(200))],
  ];
  for (const chunks of sequences) {
    const r = await exchange(srv.port, chunks);
    assert.equal(r.statuses[0], 200, JSON.stringify(chunks));
    assert.ok(!r.text.includes('101 Switching'), r.text);
    await healthy();
  }
  // A WebSocket upgrade on a connection that served a request first still works.
  const ok = await exchange(srv.port, [get('/healthz'), upgrade('websocket', wsHeaders)]);
  assert.deepEqual(ok.statuses, [200, 101]);
  assert.ok(proc(srv).exitCode === null, 'server still running');
});

const proc = (s) => s.proc;

test('h2c is not reachable on the plain port; nothing answers 101 but a WebSocket upgrade', async () => {
  const before = await srv.metrics();
  const r = await exchange(srv.port, [upgrade('h2c', ['HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA'])]);
  assert.ok(!r.text.includes('101'), r.text);
  assert.ok(r.closed);
  const prior = await exchange(srv.port, ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n']);
  assert.ok(!/^HTTP\/1\.1 2\d\d/.test(prior.text), prior.text);
  const after = await srv.metrics();
  assert.ok(after['mediacore_connections_rejected_total{reason="upgrade"}'] >
    before['mediacore_connections_rejected_total{reason="upgrade"}']);
  await healthy();
});

test('only the signaling protocol upgrades: internal protocol names are refused as subprotocols', async (t) => {
  const s = await startServer({
    stun: true, args: ['--max-connections', '5', '--allow-origin', 'http://good.example', '--idle-timeout', '1'],
  });
  t.after(async () => assert.equal((await s.close()).code, 0));
  for (const p of ['mediacore-http', 'mediacore-stun', 'mediacore-signals']) {
    await assert.rejects(TestClient.open(s.wsUrl, { protocols: [p] }), p);
    await assert.rejects(TestClient.open(s.wsUrl, { protocols: [p], origin: 'http://evil.example' }), p);
  }
  const m = await s.metrics();
  assert.equal(m['mediacore_connections_rejected_total{reason="subprotocol"}'], 6);
  // The signaling protocol, named or not, is accepted and counts against --max-connections.
  const named = await TestClient.open(s.wsUrl, { protocols: ['mediacore-signal'] });
  assert.equal(named.ws.protocol, 'mediacore-signal');
  assert.equal((await named.request({ type: 'login', name: 'sub' })).success, true);
  const more = await Promise.all([1, 2, 3, 4].map(() => TestClient.open(s.wsUrl)));
  await assert.rejects(TestClient.open(s.wsUrl, { protocols: ['mediacore-signal'] }));
  await Promise.all([named, ...more].map((c) => c.close()));
});

test('ambiguous request framing gets 400 and the connection closes: nothing is smuggled', async () => {
  const smuggled = get('/healthz');
  const cases = [
    ['Content-Length: 0', `Content-Length: ${smuggled.length}`],
    [`Content-Length: ${smuggled.length}`, 'Content-Length: 0'],
    [`Content-Length : ${smuggled.length}`],
    [`Content-Length\t: ${smuggled.length}`],
    [`Content-Length  \t : ${smuggled.length}`],
    ['Transfer-Encoding: chunked'],
    ['Transfer-Encoding : chunked'],
    [`Content-Length: ${smuggled.length}`, 'Transfer-Encoding: chunked'],
    ['Content-Length: 1e3'],
    ['Content-Length: -1'],
  ];
  const before = (await srv.metrics()).mediacore_http_bad_requests_total;
  for (const headers of cases) {
    const r = await exchange(srv.port, [get('/index.html', headers) + smuggled]);
    assert.deepEqual(r.statuses, [400], `${headers}: ${r.text.slice(0, 300)}`);
    assert.ok(r.closed, `${headers}: closed`);
  }
  // The same on an upgrade request.
  const w = await exchange(srv.port, [upgrade('websocket', [...wsHeaders, 'Transfer-Encoding: chunked']) + smuggled]);
  assert.deepEqual(w.statuses, [400], w.text);
  assert.equal((await srv.metrics()).mediacore_http_bad_requests_total, before + cases.length + 1);
  // Honest requests keep their keep-alive: two responses on one connection.
  const ok = await exchange(srv.port, [get('/healthz', ['Content-Length: 0']), get('/healthz')]);
  assert.deepEqual(ok.statuses, [200, 200]);
});

test('static files: no dotfiles; a symlink out of the root answers exactly like a missing file', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'mc-web-'));
  const outside = await mkdtemp(path.join(tmpdir(), 'mc-outside-'));
  await writeFile(path.join(dir, 'index.html'), 'home');
  await writeFile(path.join(dir, '.secret'), 'password');
  await mkdir(path.join(dir, '.git'));
  await writeFile(path.join(dir, '.git', 'config'), '[core]');
  await mkdir(path.join(dir, 'pub'));
  await writeFile(path.join(dir, 'pub', '.env'), 'KEY=1');
  await symlink(outside, path.join(dir, 'outdir'));               // an existing directory outside
  await symlink(path.join(outside, 'none'), path.join(dir, 'gone')); // a missing one
  const s = await startServer({ stun: false, webRoot: dir });
  t.after(async () => {
    assert.equal((await s.close()).code, 0);
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });
  for (const p of ['/.secret', '/.git/config', '/.git/', '/pub/.env', '/pub/%2esecret']) {
    const r = await exchange(s.port, [get(p)]);
    assert.equal(r.statuses[0], 404, `${p}: ${r.text.slice(0, 120)}`);
    assert.ok(!/password|KEY=1|\[core\]/.test(r.text), p);
  }
  const out = await exchange(s.port, [get('/outdir')]);
  const gone = await exchange(s.port, [get('/gone')]);
  const missing = await exchange(s.port, [get('/missing')]);
  assert.equal(out.statuses[0], 404, out.text);
  assert.equal(out.statuses[0], gone.statuses[0]);
  assert.equal(out.statuses[0], missing.statuses[0]);
  assert.equal((await exchange(s.port, [get('/outdir/')])).statuses[0], 404);
  assert.equal((await exchange(s.port, [get('/')])).statuses[0], 200);
});

test('--public-host must be a host: JSON in it is refused at start-up', async () => {
  for (const bad of ['x"}],"admin":true', 'a b', 'host/path', '', 'ex ample.org', '[::1', 'a\\b']) {
    await assert.rejects(run(serverBinary(), ['--public-host', bad, '--port', '0', '--stun-port', 'off'], { timeout: 5000 }),
      (err) => { assert.equal(err.code, 2, bad); assert.match(err.stderr, /--public-host/); return true; });
  }
  for (const [good, url] of [['media.example.org', 'stun:media.example.org'], ['[2001:db8::1]', 'stun:[2001:db8::1]'],
    ['192.0.2.7', 'stun:192.0.2.7']]) {
    const s = await startServer({ args: ['--public-host', good] });
    try {
      const c = await TestClient.open(s.wsUrl);
      const r = await c.request({ type: 'login', name: 'host' });
      assert.deepEqual(Object.keys(r).sort(), ['iceServers', 'name', 'success', 'token', 'type']);
      assert.deepEqual(r.iceServers, [{ urls: `${url}:${s.stunPort}` }]);
      await c.close();
    } finally {
      assert.equal((await s.close()).code, 0);
    }
  }
});

/** Open a raw TCP connection from `localAddress` that stays open until destroyed. */
function hold(port, localAddress = '127.0.0.1') {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    sock.on('error', () => {});
    sock.on('connect', () => resolve(sock));
    sock.on('close', () => resolve(sock));
  });
}

/** Whether the server closes `sock` within `ms`. */
function closedWithin(sock, ms) {
  if (sock.destroyed || sock.readyState === 'closed') return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    sock.once('close', () => { clearTimeout(t); resolve(true); });
  });
}

/** CPU seconds the process has used (user + system). */
async function cpuSeconds(pid) {
  const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

test('out of descriptors: the server neither spins nor floods its log, and serves again afterwards', async (t) => {
  const s = await startServer({ stun: false, wrapper: ['prlimit', '--nofile=64'],
    args: ['--max-connections-per-ip', '0', '--handshake-rate', '0'] });
  t.after(async () => assert.equal((await s.close()).code, 0));
  const socks = [];
  for (let i = 0; i < 150; i++) socks.push(await hold(s.port));
  const cpu0 = await cpuSeconds(s.proc.pid);
  await new Promise((r) => setTimeout(r, 2000));
  const cpu = await cpuSeconds(s.proc.pid) - cpu0;
  assert.ok(cpu < 0.6, `server used ${cpu} s of CPU in 2 s while out of descriptors`);
  const accepts = s.stderr.split('\n').filter((l) => /accept/.test(l)).length;
  assert.ok(accepts < 250, `${accepts} accept log lines`);
  // Connections over what fits were closed, not left waiting.
  const closed = (await Promise.all(socks.map((c) => closedWithin(c, 500)))).filter(Boolean).length;
  assert.ok(closed >= 50, `${closed} of 150 closed`);
  for (const c of socks) c.destroy();
  await new Promise((r) => setTimeout(r, 300));
  await healthy(s);
  const m = await s.metrics();
  assert.ok(m['mediacore_connections_refused_total{reason="descriptors"}'] >= 1);
  assert.ok(m.mediacore_accept_failures_total >= 1);
});

test('per-address limits: connections held and handshakes per second, other addresses unaffected', async (t) => {
  const s = await startServer({ stun: false,
    args: ['--max-connections-per-ip', '3', '--handshake-rate', '1', '--handshake-burst', '5', '--idle-timeout', '0'] });
  t.after(async () => assert.equal((await s.close()).code, 0));
  const three = await Promise.all([1, 2, 3].map(() => TestClient.open(s.wsUrl, { localAddress: '127.0.0.2' })));
  await assert.rejects(TestClient.open(s.wsUrl, { localAddress: '127.0.0.2' }));
  // Plain HTTP counts too.
  const h = await hold(s.port, '127.0.0.2');
  assert.ok(await closedWithin(h, 1000), 'a fourth HTTP connection from the same address is closed');
  const other = await TestClient.open(s.wsUrl, { localAddress: '127.0.0.3' });
  assert.equal((await other.request({ type: 'login', name: 'other' })).success, true);
  await three[0].close();
  await new Promise((r) => setTimeout(r, 200));
  // The place is free again, but this address has used its burst of 5 handshakes (3 + 1 refused + 1 HTTP).
  await assert.rejects(TestClient.open(s.wsUrl, { localAddress: '127.0.0.2' }));
  await new Promise((r) => setTimeout(r, 1100));
  const again = await TestClient.open(s.wsUrl, { localAddress: '127.0.0.2' });
  const m = await s.metrics();
  assert.ok(m['mediacore_connections_refused_total{reason="per_ip"}'] >= 2);
  assert.ok(m['mediacore_connections_refused_total{reason="handshake_rate"}'] >= 1);
  await Promise.all([...three.slice(1), other, again].map((c) => c.close()));
});

test('memory: queued and half-received bytes of all connections are held to --max-buffered', async (t) => {
  const s = await startServer({ stun: false, args: ['--rate', '0', '--idle-timeout', '0', '--max-buffered', '200000',
    '--max-queue-per-sender', '1000000'] });
  t.after(async () => assert.equal((await s.close()).code, 0));
  const names = ['m-a', 'm-b', 'm-c', 'm-d', 'm-slow'];
  const [a, b, c, d, slow] = await Promise.all(names.map((n) => loggedIn(s.wsUrl, n)));
  // Three messages left half-sent hold 3 x 64 KiB of reassembly buffers.
  const half = JSON.stringify({ type: 'candidate', name: 'nobody', candidate: 'h'.repeat(60_000) });
  for (const h of [a, b, c]) {
    h.ws.send(half.slice(0, 40_000), { fin: false });
    h.ws.send(half.slice(40_000, 50_000), { fin: false });
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await s.metrics()).mediacore_buffered_bytes, 3 * 65536);
  // A fourth cannot be held now: it is dropped with server-busy, the connection stays.
  const msg = JSON.stringify({ type: 'candidate', name: 'm-a', candidate: 'x'.repeat(30_000) });
  const fragments = (cl) => { for (let i = 0; i < msg.length; i += 10_000) cl.ws.send(msg.slice(i, i + 10_000), { fin: i + 10_000 >= msg.length }); };
  fragments(d);
  assert.equal((await d.next((x) => x.type === 'error')).code, 'server-busy');
  assert.ok((await s.metrics()).mediacore_memory_refused_total >= 1);
  // The half-sent messages end; memory is free again and the same message goes through.
  for (const h of [a, b, c]) h.ws.send(half.slice(50_000), { fin: true });
  for (const h of [a, b, c]) assert.equal((await h.next((x) => x.type === 'error')).code, 'unknown-user');
  fragments(d);
  assert.equal((await a.next((x) => x.from === 'm-d', 10_000)).candidate.length, 30_000);
  // Queued bytes count too: a stalled reader's queue stops at the budget, the sender is refused.
  slow.ws._socket.pause();
  const big = 'y'.repeat(60_000);
  for (let i = 0; i < 400 && !a.inbox.some((m) => m.code === 'undeliverable'); i++) {
    a.send({ type: 'candidate', name: 'm-slow', candidate: big });
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 20));
  }
  await a.next((m) => m.code === 'undeliverable', 10_000);
  const m = await s.metrics();
  assert.ok(m.mediacore_buffered_bytes <= 200000, `${m.mediacore_buffered_bytes} buffered`);
  slow.ws._socket.resume();
  await Promise.all([a, b, c, d, slow].map((cl) => cl.close()));
});
