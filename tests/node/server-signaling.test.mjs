// The real mediacore-server on a free loopback port, driven by Node `ws` clients: the
// book's sequence, duplicate login, unknown callee, disconnects, oversized and fragmented
// messages, malformed JSON, limits, Origin checks, 1,000 clients, clean shutdown.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { TestClient, loggedIn } from '../lib/wsclient.mjs';

// Many clients from one address here: no per-address limits on this server.
const srv = await startServer({ args: ['--max-connections-per-ip', '0', '--handshake-rate', '0'] });
test.after(async () => {
  const { code, stderr } = await srv.close();
  assert.equal(code, 0, `server exit ${code}:\n${stderr}`);
});

let seq = 0;
const uniq = (base) => `${base}-${++seq}`;

test('the full book sequence: login A, login B, offer, answer, candidates, leave, call again', async () => {
  const [na, nb] = [uniq('UserA'), uniq('UserB')];
  const a = await TestClient.open(srv.wsUrl);
  const b = await TestClient.open(`${srv.wsUrl}any/path/at/all`);
  const la = await a.request({ type: 'login', name: na });
  assert.equal(la.type, 'login');
  assert.equal(la.success, true);
  assert.equal(la.name, na);
  assert.match(la.token, /^[0-9a-f]{32}$/);
  assert.equal(la.iceServers[0].urls, `stun:127.0.0.1:${srv.stunPort}`);
  assert.equal((await b.request({ type: 'login', name: nb })).success, true);

  const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
  a.send({ type: 'offer', name: nb, offer });
  assert.deepEqual(await b.next(), { type: 'offer', offer, name: na, from: na });

  const answer = { type: 'answer', sdp: 'v=0\r\n' };
  b.send({ type: 'answer', name: na, answer });
  assert.deepEqual(await a.next(), { type: 'answer', answer, from: nb });

  const candidates = [
    { candidate: 'candidate:1 1 udp 2122260223 192.0.2.2 54321 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' },
    { candidate: 'candidate:2 1 tcp 1518280447 192.0.2.2 9 typ host tcptype active', sdpMid: '0', sdpMLineIndex: 0 },
  ];
  for (const c of candidates) a.send({ type: 'candidate', name: nb, candidate: c });
  for (const c of candidates) b.send({ type: 'candidate', name: na, candidate: c });
  for (const c of candidates) assert.deepEqual(await b.next(), { type: 'candidate', candidate: c, from: na });
  for (const c of candidates) assert.deepEqual(await a.next(), { type: 'candidate', candidate: c, from: nb });

  a.send({ type: 'leave', name: nb });
  assert.deepEqual(await b.next(), { type: 'leave', from: na });
  await a.quiet(100);
  // Call again, the other way round.
  b.send({ type: 'offer', name: na, offer });
  assert.equal((await a.next()).type, 'offer');
  await Promise.all([a.close(), b.close()]);
});

test('duplicate login is refused with a reason; the first keeps its name', async () => {
  const name = uniq('dup');
  const a = await loggedIn(srv.wsUrl, name);
  const b = await TestClient.open(srv.wsUrl);
  const r = await b.request({ type: 'login', name });
  assert.equal(r.type, 'login');
  assert.equal(r.success, false);
  assert.equal(r.code, 'name-taken');
  assert.ok(r.reason);
  // b can still log in under another name, a still receives under its own.
  assert.equal((await b.request({ type: 'login', name: uniq('other') })).success, true);
  const c = await loggedIn(srv.wsUrl, uniq('c'));
  c.send({ type: 'offer', name, offer: 'x' });
  assert.equal((await a.next()).type, 'offer');
  // Empty and over-long names.
  const d = await TestClient.open(srv.wsUrl);
  assert.equal((await d.request({ type: 'login', name: '' })).code, 'invalid-name');
  assert.equal((await d.request({ type: 'login', name: 'x'.repeat(65) })).code, 'invalid-name');
  assert.equal((await d.request({ type: 'login', name: 'x'.repeat(64) })).success, true);
  await Promise.all([a.close(), b.close(), c.close(), d.close()]);
});

test('offer, answer and candidate to an unknown user get an error naming them', async () => {
  const a = await loggedIn(srv.wsUrl, uniq('caller'));
  for (const type of ['offer', 'answer', 'candidate']) {
    const r = await a.request({ type, name: 'nobody-here', [type]: {} });
    assert.equal(r.type, 'error');
    assert.equal(r.code, 'unknown-user');
    assert.equal(r.name, 'nobody-here');
    assert.match(r.message, /nobody-here/);
  }
  // leave when not in a call is harmless: no reply.
  a.send({ type: 'leave', name: 'nobody-here' });
  a.send({ type: 'leave' });
  await a.quiet(150);
  await a.close();
});

test('an abrupt disconnect releases the name and notifies the peer', async () => {
  const [na, nb] = [uniq('a'), uniq('b')];
  const a = await loggedIn(srv.wsUrl, na);
  const b = await loggedIn(srv.wsUrl, nb);
  a.send({ type: 'offer', name: nb, offer: {} });
  await b.next();
  b.send({ type: 'answer', name: na, answer: {} });
  await a.next();
  await a.kill();                       // TCP reset, no close frame
  assert.deepEqual(await b.next(), { type: 'leave', from: na });
  // The name is free again.
  const a2 = await loggedIn(srv.wsUrl, na);
  // A clean close does the same.
  a2.send({ type: 'offer', name: nb, offer: {} });
  await b.next();
  await a2.close();
  assert.deepEqual(await b.next(), { type: 'leave', from: na });
  await b.close();
});

test('an oversized message gets "too-large" and the connection stays usable', async () => {
  const [na, nb] = [uniq('big'), uniq('peer')];
  const a = await loggedIn(srv.wsUrl, na);
  const b = await loggedIn(srv.wsUrl, nb);
  const huge = JSON.stringify({ type: 'candidate', name: nb, candidate: 'x'.repeat(200_000) });
  a.send(huge);
  const r = await a.next();
  assert.equal(r.type, 'error');
  assert.equal(r.code, 'too-large');
  // The same, in fragments.
  for (let i = 0; i < 20; i++) a.send('y'.repeat(10_000), { fin: false });
  a.send('}', { fin: true });
  assert.equal((await a.next()).code, 'too-large');
  await b.quiet(100);
  a.send({ type: 'candidate', name: nb, candidate: 'ok' });
  assert.equal((await b.next()).candidate, 'ok');
  await Promise.all([a.close(), b.close()]);
});

test('a message in many fragments is reassembled before parsing', async () => {
  const [na, nb] = [uniq('frag'), uniq('peer')];
  const a = await loggedIn(srv.wsUrl, na);
  const b = await loggedIn(srv.wsUrl, nb);
  const sdp = 'v=0\r\n' + 'a=x-filler:'.padEnd(60_000, 'z') + '\r\n';   // near the 64 KiB limit
  const text = JSON.stringify({ type: 'offer', name: nb, offer: { type: 'offer', sdp } });
  const step = 1000;
  for (let i = 0; i < text.length; i += step) a.send(text.slice(i, i + step), { fin: i + step >= text.length });
  const got = await b.next();
  assert.equal(got.type, 'offer');
  assert.equal(got.offer.sdp, sdp);
  // Fragments split inside a multi-byte UTF-8 character are fine too.
  const name = 'caf\u00e9 \u{1F600}';
  const c = await TestClient.open(srv.wsUrl);
  const login = Buffer.from(JSON.stringify({ type: 'login', name }));
  for (let i = 0; i < login.length; i += 3) c.ws.send(login.subarray(i, i + 3), { fin: i + 3 >= login.length, binary: false });
  const r = await c.next();
  assert.equal(r.success, true, JSON.stringify(r));
  assert.equal(r.name, name);
  await Promise.all([a.close(), b.close(), c.close()]);
});

test('malformed JSON, wrong field types and unknown types get errors; the connection stays usable', async () => {
  const [na, nb] = [uniq('bad'), uniq('peer')];
  const a = await loggedIn(srv.wsUrl, na);
  const b = await loggedIn(srv.wsUrl, nb);
  const cases = [
    ['not json at all', 'bad-json'],
    ['{"type":"login"', 'bad-json'],
    ['[1,2,3]', 'bad-json'],
    ['{"type":"offer","name":"x"} trailing', 'bad-json'],
    [JSON.stringify({ type: 'offer', name: 42, offer: {} }), 'bad-field'],
    [JSON.stringify({ type: 'offer', name: nb }), 'bad-field'],
    [JSON.stringify({ name: nb }), 'bad-field'],
    [JSON.stringify({ type: ['login'] }), 'bad-field'],
    [JSON.stringify({ type: 'dance' }), 'unknown-type'],
    [JSON.stringify({ type: 'candidate', name: nb, candidate: JSON.parse('['.repeat(20) + ']'.repeat(20)) }), 'too-deep'],
  ];
  for (const [text, code] of cases) {
    const r = await a.request(text);
    assert.equal(r.type, 'error', text);
    assert.equal(r.code, code, text);
  }
  assert.equal((await a.request({ type: 'dance' })).message, 'Unrecognized command: dance');
  await b.quiet(50);
  a.send({ type: 'candidate', name: nb, candidate: 'still here' });
  assert.equal((await b.next()).candidate, 'still here');
  const m = await srv.metrics();
  assert.ok(m['mediacore_errors_total{kind="bad-json"}'] >= 4);
  assert.ok(m['mediacore_errors_total{kind="unknown-type"}'] >= 2);
  await Promise.all([a.close(), b.close()]);
});

test('ids are echoed and relays acknowledged', async () => {
  const [na, nb] = [uniq('id'), uniq('peer')];
  const a = await TestClient.open(srv.wsUrl);
  assert.deepEqual(
    Object.keys(await a.request({ type: 'login', name: na, id: 1 })).sort(),
    ['iceServers', 'id', 'name', 'success', 'token', 'type']);
  const b = await loggedIn(srv.wsUrl, nb);
  assert.deepEqual(await a.request({ type: 'candidate', name: nb, candidate: 1, id: 'c1' }), { type: 'ack', to: nb, id: 'c1' });
  assert.deepEqual(await b.next(), { type: 'candidate', candidate: 1, from: na });
  const e = await a.request({ type: 'offer', name: 'ghost', offer: 1, id: 7 });
  assert.equal(e.id, 7);
  assert.equal(e.code, 'unknown-user');
  await Promise.all([a.close(), b.close()]);
});

test('a login with the token takes the name over from a stale connection', async () => {
  const [na, nb] = [uniq('stale'), uniq('peer')];
  const old = await TestClient.open(srv.wsUrl);
  const { token } = await old.request({ type: 'login', name: na });
  const b = await loggedIn(srv.wsUrl, nb);
  old.send({ type: 'offer', name: nb, offer: 1 });
  await b.next();
  b.send({ type: 'answer', name: na, answer: 1 });
  await old.next();

  const fresh = await TestClient.open(srv.wsUrl);
  assert.equal((await fresh.request({ type: 'login', name: na })).code, 'name-taken');
  assert.equal((await fresh.request({ type: 'login', name: na, token: 'f'.repeat(32) })).code, 'name-taken');
  const r = await fresh.request({ type: 'login', name: na, token });
  assert.equal(r.success, true);
  assert.notEqual(r.token, token);
  assert.deepEqual(await old.closed, { code: 4001, reason: 'logged in from another connection' });
  // The call moved over: b was not told to hang up, and leave from the new one reaches b.
  fresh.send({ type: 'leave' });
  assert.deepEqual(await b.next(), { type: 'leave', from: na });
  await Promise.all([fresh.close(), b.close()]);
});

test('1,000 clients logged in at once, paired, relaying', async () => {
  const N = 1000;
  const base = uniq('many');
  const before = await srv.metrics();
  const clients = await Promise.all(Array.from({ length: N }, () => TestClient.open(srv.wsUrl)));
  const replies = await Promise.all(clients.map((c, i) => c.request({ type: 'login', name: `${base}-${i}` }, 20_000)));
  assert.ok(replies.every((r) => r.success === true));
  const during = await srv.metrics();
  assert.equal(during.mediacore_users - before.mediacore_users, N);
  assert.ok(during.mediacore_connections >= N);
  // Each even client sends to its odd neighbour and back.
  for (let i = 0; i < N; i += 2) clients[i].send({ type: 'candidate', name: `${base}-${i + 1}`, candidate: i });
  const got = await Promise.all(clients.filter((_, i) => i % 2).map((c) => c.next(() => true, 20_000)));
  got.forEach((m, k) => assert.deepEqual(m, { type: 'candidate', candidate: 2 * k, from: `${base}-${2 * k}` }));
  await Promise.all(clients.map((c) => c.close()));
  // Give the server a moment to see every close.
  let after;
  for (let i = 0; i < 50; i++) {
    after = await srv.metrics();
    if (after.mediacore_users === before.mediacore_users) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(after.mediacore_users, before.mediacore_users);
});

test('limits: rate, connections, Origin, idle clients', async (t) => {
  const limited = await startServer({
    stun: false,
    args: ['--rate', '5', '--burst', '5', '--max-connections', '4', '--allow-origin', 'http://good.example',
      '--idle-timeout', '1'],
  });
  t.after(async () => assert.equal((await limited.close()).code, 0));

  await t.test('rate: beyond the burst, messages are dropped with "rate-limited"; later ones pass', async () => {
    const a = await loggedIn(limited.wsUrl, 'rate');
    for (let i = 0; i < 12; i++) a.send({ type: 'leave' });
    const r = await a.next();
    assert.equal(r.code, 'rate-limited');
    await new Promise((res) => setTimeout(res, 1200));
    a.inbox.length = 0;
    assert.equal((await a.request({ type: 'dance' })).code, 'unknown-type');
    await a.close();
  });

  await t.test('Origin: a disallowed Origin is refused; the allowed one and none are accepted', async () => {
    await assert.rejects(TestClient.open(limited.wsUrl, { origin: 'http://evil.example' }));
    const ok = await TestClient.open(limited.wsUrl, { origin: 'http://good.example' });
    const none = await TestClient.open(limited.wsUrl);
    const m = await limited.metrics();
    assert.equal(m['mediacore_connections_rejected_total{reason="origin"}'], 1);
    await Promise.all([ok.close(), none.close()]);
  });

  await t.test('connections: the fifth concurrent one is refused, others are unaffected', async () => {
    const four = await Promise.all([1, 2, 3, 4].map(() => TestClient.open(limited.wsUrl)));
    await assert.rejects(TestClient.open(limited.wsUrl));
    assert.equal((await four[0].request({ type: 'dance' })).code, 'unknown-type');
    await Promise.all(four.map((c) => c.close()));
    await new Promise((r) => setTimeout(r, 100));
    const again = await TestClient.open(limited.wsUrl);
    await again.close();
  });

  await t.test('idle: a client that never answers pings is closed; one that does stays', async () => {
    const mute = await TestClient.open(limited.wsUrl, { autoPong: false });
    const live = await TestClient.open(limited.wsUrl);
    const closed = await Promise.race([mute.closed, new Promise((r) => setTimeout(() => r('timeout'), 6000))]);
    assert.notEqual(closed, 'timeout');
    assert.equal(live.ws.readyState, live.ws.OPEN);
    assert.equal((await live.request({ type: 'dance' })).code, 'unknown-type');
    await live.close();
  });
});

test('a reader that stops reading loses nothing for being sent to: the flooding sender is refused, not the reader', async (t) => {
  const s = await startServer({ stun: false, args: ['--rate', '0', '--max-queue-messages', '32', '--idle-timeout', '0',
    '--max-connections-per-ip', '0', '--handshake-rate', '0'] });
  t.after(async () => assert.equal((await s.close()).code, 0));
  const slow = await loggedIn(s.wsUrl, 'slow');
  const fast = await loggedIn(s.wsUrl, 'fast');
  const friend = await loggedIn(s.wsUrl, 'friend');
  fast.send({ type: 'offer', name: 'slow', offer: 1 });
  await slow.next();
  slow.send({ type: 'answer', name: 'fast', answer: 1 });
  await fast.next();
  slow.ws._socket.pause();                 // stop reading: the kernel buffers fill, then the queue
  const big = 'z'.repeat(60_000);
  let sent = 0;
  for (let i = 0; i < 1000 && !fast.inbox.some((m) => m.code === 'undeliverable'); i++) {
    fast.send({ type: 'candidate', name: 'slow', candidate: big });
    sent++;
    if (i % 20 === 19) await new Promise((r) => setTimeout(r, 20));
  }
  const refused = await fast.next((m) => m.code === 'undeliverable', 10_000);
  assert.equal(refused.name, 'slow');
  // Another sender still gets its own share through to the stalled reader.
  friend.send({ type: 'candidate', name: 'slow', candidate: 'from a friend' });
  await friend.quiet(300);
  const m = await s.metrics();
  assert.ok(m.mediacore_relays_refused_total >= 1);
  assert.equal(m['mediacore_connections_closed_total{reason="slow_reader"}'], 0);
  // The reader resumes and gets everything that was accepted for it, in order, and stays.
  slow.ws._socket.resume();
  const got = await slow.next((x) => x.candidate === 'from a friend', 20_000);
  assert.equal(got.from, 'friend');
  fast.send({ type: 'candidate', name: 'slow', candidate: 'after' });
  assert.equal((await slow.next((x) => x.candidate === 'after', 20_000)).from, 'fast');
  // Every reply to fast's flood has arrived once the reply to a later request has.
  fast.send({ type: 'dance', id: 'sync' });
  await fast.next((x) => x.id === 'sync', 20_000);
  const delivered = slow.inbox.filter((x) => x.type === 'candidate' && x.from === 'fast').length;
  const refusedAll = fast.inbox.filter((x) => x.code === 'undeliverable').length + 1;
  assert.equal(delivered + refusedAll, sent, `${delivered} delivered + ${refusedAll} refused = ${sent} sent`);
  assert.ok(delivered >= 4, `${delivered} delivered`);
  assert.equal(slow.ws.readyState, slow.ws.OPEN);
  await Promise.all([slow.close(), fast.close(), friend.close()]);
});

test('--event-loop poll (libwebsockets\' own loop) serves the same protocol, idle pings included', async (t) => {
  const s = await startServer({ stun: false, args: ['--event-loop', 'poll', '--idle-timeout', '1'] });
  t.after(async () => assert.equal((await s.close()).code, 0));
  assert.match(s.stdout, /ready \(poll\)/);
  const a = await loggedIn(s.wsUrl, 'p1');
  const b = await loggedIn(s.wsUrl, 'p2');
  a.send({ type: 'offer', name: 'p2', offer: { sdp: 'x' } });
  assert.deepEqual(await b.next(), { type: 'offer', offer: { sdp: 'x' }, name: 'p1', from: 'p1' });
  const mute = await TestClient.open(s.wsUrl, { autoPong: false });
  assert.notEqual(await Promise.race([mute.closed, new Promise((r) => setTimeout(() => r('timeout'), 6000))]), 'timeout');
  assert.equal(b.ws.readyState, b.ws.OPEN);
  assert.equal((await s.metrics())['mediacore_connections_closed_total{reason="idle"}'], 1);
  await Promise.all([a.close(), b.close()]);
});

test('SIGTERM closes every connection with 1001 and the server exits 0', async () => {
  const s = await startServer({ stun: false });
  const a = await loggedIn(s.wsUrl, 'x');
  const b = await loggedIn(s.wsUrl, 'y');
  const { code, stdout } = await s.close('SIGTERM');
  assert.equal(code, 0);
  assert.match(stdout, /stopped/);
  assert.equal((await a.closed).code, 1001);
  assert.equal((await b.closed).reason, 'server shutting down');
  // SIGINT too.
  const s2 = await startServer({ stun: false });
  assert.equal((await s2.close('SIGINT')).code, 0);
});
