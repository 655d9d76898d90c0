// web/lib/signaling.js in Node (with the `ws` package) against the real server: the
// promise API, events, errors, held candidates, and reconnecting after a dropped connection,
// including taking the name back from a connection the server still thinks is alive.
import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { SignalingClient, SignalingError, defaultSignalingUrl } from '../../web/lib/signaling.js';
import { Peer } from '../../web/lib/peer.js';
import * as shim from '../../web/mediacore.js';
import { startServer } from '../lib/server.mjs';

const srv = await startServer({ stun: true });
test.after(async () => assert.equal((await srv.close()).code, 0));

// Every client a test makes is closed after it, pass or fail: an assertion that throws before
// a test's own close() must not leave sockets that keep this file (and CI) from ending.
const made = new Set();
const client = (url = srv.wsUrl, opts = {}) => {
  const c = new SignalingClient(url, { WebSocket, minDelay: 50, maxDelay: 400, ...opts });
  made.add(c);
  return c;
};
test.afterEach(() => {
  for (const c of made) c.close();
  made.clear();
});

test('mediacore.js re-exports the signaling client and Peer', () => {
  assert.equal(shim.SignalingClient, SignalingClient);
  assert.equal(shim.SignalingError, SignalingError);
  assert.equal(shim.defaultSignalingUrl, defaultSignalingUrl);
  assert.equal(shim.Peer, Peer);
  // Peer needs a browser's RTCPeerConnection; in Node it says so instead of failing later.
  assert.throws(() => new Peer({ signaling: client(), remote: 'x' }), /RTCPeerConnection/);
});

test('defaultSignalingUrl follows the page: ws for http, wss for https, path /', () => {
  assert.equal(defaultSignalingUrl(new URL('http://example.org:8888/call/index.html')), 'ws://example.org:8888/');
  assert.equal(defaultSignalingUrl(new URL('https://example.org/chat/')), 'wss://example.org/');
  assert.throws(() => new SignalingClient(srv.wsUrl, { WebSocket: undefined }), SignalingError);
});

test('connect, login, offer/answer/candidate/leave as promises, events with from', async () => {
  const a = client();
  const b = client();
  const states = [];
  a.on('state', ({ state }) => states.push(state));
  await Promise.all([a.connect(), b.connect()]);
  assert.deepEqual(states, ['connecting', 'open']);
  const info = await a.login('alice');
  assert.equal(info.name, 'alice');
  assert.deepEqual(info.iceServers, [{ urls: `stun:127.0.0.1:${srv.stunPort}` }]);
  assert.equal(a.name, 'alice');
  await b.login('bob');

  const gotOffer = b.once('offer');
  await a.offer('bob', { type: 'offer', sdp: 'v=0\r\n', toJSON() { return { type: this.type, sdp: this.sdp }; } });
  assert.deepEqual((await gotOffer).offer, { type: 'offer', sdp: 'v=0\r\n' });
  const gotAnswer = a.once('answer', (e) => e.from === 'bob');
  await b.answer('alice', { type: 'answer', sdp: 'v=0\r\n' });
  assert.equal((await gotAnswer).answer.type, 'answer');
  const gotCandidate = b.once('candidate');
  await a.candidate('bob', { candidate: 'candidate:1 1 udp 1 192.0.2.2 9 typ host', sdpMid: '0' });
  assert.equal((await gotCandidate).from, 'alice');
  const gotLeave = b.once('leave');
  await a.leave('bob');
  assert.equal((await gotLeave).from, 'alice');

  await assert.rejects(a.offer('nobody', {}), (e) => e instanceof SignalingError && e.code === 'unknown-user');
  await assert.rejects(a.login('again'), (e) => e.code === 'already-logged-in');
  const c = client();
  await c.connect();
  await assert.rejects(c.login('alice'), (e) => e.code === 'name-taken' && /taken/.test(e.message));
  await assert.rejects(c.login(''), (e) => e.code === 'invalid-name');
  await assert.rejects(c.offer('bob', {}), (e) => e.code === 'not-logged-in');

  // An error the server sends unprompted (to a raw, id-less message) is an 'error' event.
  const err = c.once('error');
  c.send('garbage');
  assert.equal((await err).code, 'bad-json');

  a.close();
  b.close();
  c.close();
  assert.equal(a.state, 'closed');
  await assert.rejects(a.offer('bob', {}), (e) => e.code === 'closed');
  await assert.rejects(a.connect(), (e) => e.code === 'closed');
});

test('an unreachable server rejects connect() without retrying', async () => {
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  const c = client(`ws://127.0.0.1:${port}/`);
  await assert.rejects(c.connect(), (e) => e.code === 'closed');
  assert.equal(c.state, 'idle');
  c.close();
});

test('candidates that arrive before their Peer exists are held and handed over in order', async () => {
  const a = client();
  const b = client();
  await Promise.all([a.connect(), b.connect()]);
  await a.login('early');
  await b.login('late');
  await a.offer('late', { type: 'offer', sdp: 'x' });
  for (let i = 0; i < 3; i++) await a.candidate('late', { candidate: `c${i}` });
  // a's acks say the server has queued the candidates to b, not that b has read them: a
  // round trip of b's own (its reply is queued behind them) does.
  await b.request({ type: 'leave', name: 'nobody-at-all' });
  const seen = [];
  const detach = b.attach('early', { onSignal: (m) => seen.push(m.candidate.candidate) });
  assert.deepEqual(seen, ['c0', 'c1', 'c2']);
  await a.candidate('late', { candidate: 'c3' });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(seen, ['c0', 'c1', 'c2', 'c3']);
  detach();
  a.close();
  b.close();
});

/** A TCP proxy that can cut the client side while the server side stays open, as when a
 * laptop changes networks: the server keeps a connection that is dead to the client. */
async function makeProxy(targetPort) {
  const pairs = [];
  const server = net.createServer((down) => {
    const up = net.connect(targetPort, '127.0.0.1');
    down.pipe(up);
    up.pipe(down);
    const pair = { down, up };
    pairs.push(pair);
    const drop = () => { down.destroy(); up.destroy(); };
    up.on('error', drop).on('close', () => down.destroy());
    down.on('error', () => {}).on('close', () => { if (!pair.cut) up.destroy(); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `ws://127.0.0.1:${server.address().port}/`,
    /** Cut every client-side socket; keep the server-side ones open, recording what the
     * server still sends on them. */
    cut() {
      for (const p of pairs) {
        p.cut = true;
        p.down.unpipe(p.up);
        p.up.unpipe(p.down);
        p.down.destroy();
        p.after = [];
        p.up.on('data', (d) => p.after.push(d));
        p.up.resume();                          // unpipe() left it paused
      }
    },
    pairs,
    close: () => { for (const p of pairs) { p.down.destroy(); p.up.destroy(); } return new Promise((r) => server.close(r)); },
  };
}

test('after a dropped connection it reconnects and takes its name back with its token', async () => {
  const proxy = await makeProxy(srv.port);
  const a = client(proxy.url);
  const b = client();
  await Promise.all([a.connect(), b.connect()]);
  await a.login('roamer');
  await b.login('home');
  const states = [];
  a.on('state', ({ state }) => states.push(state));
  const relogged = a.once('login', () => true, 10_000);
  proxy.cut();                                      // the server still sees 'roamer' connected
  const info = await relogged;
  assert.equal(info.name, 'roamer');
  assert.deepEqual(states.slice(0, 2), ['reconnecting', 'open']);
  // The old server-side connection was closed by the takeover, with code 4001.
  const stale = proxy.pairs[0];
  await new Promise((r) => (stale.up.destroyed ? r() : stale.up.once('close', r)));
  const tail = Buffer.concat(stale.after);
  const close = tail.indexOf(0x88);
  assert.ok(close >= 0, `no close frame in ${tail.toString('hex')}`);
  assert.equal(tail.readUInt16BE(close + 2), 4001);
  // Messages reach the new connection.
  const got = a.once('candidate');
  await b.candidate('roamer', { candidate: 'after' });
  assert.equal((await got).candidate.candidate, 'after');
  a.close();
  b.close();
  await proxy.close();
});

test('after the server restarts it reconnects and logs in again', async () => {
  const first = await startServer({ stun: false });
  const port = first.port;
  const a = client(first.wsUrl);
  await a.connect();
  await a.login('phoenix');
  const down = a.once('state', (e) => e.state === 'reconnecting');
  await first.close();
  await down;
  const relogged = a.once('login', () => true, 15_000);
  const second = await startServer({ stun: false, args: ['--port', String(port)] });
  try {
    assert.equal((await relogged).name, 'phoenix');
    assert.equal(a.state, 'open');
    const m = await second.metrics();
    assert.equal(m.mediacore_users, 1);
  } finally {
    a.close();
    await second.close();
  }
});
