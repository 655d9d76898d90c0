// Who hears a `leave` (security issue, items 9 and 10), against the real mediacore-server.
// A book client (chapter 5 client.js) hangs up on any `leave`, whoever it is from, so a
// user who merely sent an offer must not be able to end somebody else's call by sending
// `leave` (or by disconnecting); and a user in several calls must, on leaving, be heard by
// every one of them. The rules: docs/protocol.md, "Calls".
import test from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { SignalingClient } from '../../web/lib/signaling.js';
import { startServer } from '../lib/server.mjs';
import { loggedIn } from '../lib/wsclient.mjs';

const srv = await startServer({ stun: false });
test.after(async () => {
  const { code, stderr } = await srv.close();
  assert.equal(code, 0, `server exit ${code}:\n${stderr}`);
});

let seq = 0;
const uniq = (base) => `${base}-${++seq}`;
const offerSdp = { type: 'offer', sdp: 'v=0\r\n' };
const answerSdp = { type: 'answer', sdp: 'v=0\r\n' };

/** A call the book's way: `a` offers, `b` answers (raw book messages, no ids). */
async function bookCall(a, na, b, nb) {
  a.send({ type: 'offer', offer: offerSdp, name: nb });
  assert.equal((await b.next((m) => m.type === 'offer')).name, na);
  b.send({ type: 'answer', answer: answerSdp, name: na });
  await a.next((m) => m.type === 'answer');
}

test("book clients: an offer then a leave from a stranger does not hang up the victim's call", async () => {
  const [na, nb, nm] = [uniq('alice'), uniq('bob'), uniq('mallory')];
  const alice = await loggedIn(srv.wsUrl, na);
  const bob = await loggedIn(srv.wsUrl, nb);
  const mallory = await loggedIn(srv.wsUrl, nm);
  await bookCall(alice, na, bob, nb);

  // Mallory offers to bob (bob sees it: it could answer), then leaves, by name, without a
  // name, and finally by disconnecting. Bob, a book client, would hang up on any leave.
  mallory.send({ type: 'offer', offer: offerSdp, name: nb });
  assert.equal((await bob.next()).name, nm);
  mallory.send({ type: 'leave', name: nb });
  mallory.send({ type: 'offer', offer: offerSdp, name: nb });
  await bob.next((m) => m.type === 'offer');
  mallory.send({ type: 'leave' });
  // An answer nobody asked for is relayed, as the book's server did, but makes no call.
  mallory.send({ type: 'answer', answer: answerSdp, name: na });
  assert.equal((await alice.next()).type, 'answer');
  mallory.send({ type: 'leave', name: na });
  mallory.send({ type: 'offer', offer: offerSdp, name: nb });
  await bob.next((m) => m.type === 'offer');
  await mallory.kill();
  await bob.quiet(200);
  await alice.quiet(0);

  // The real partner's leave still arrives.
  alice.send({ type: 'leave', name: nb });
  assert.deepEqual(await bob.next(), { type: 'leave', from: na });
  await Promise.all([alice.close(), bob.close()]);
});

test('our client: no leave event from a stranger; the partner\'s leave arrives with from', async () => {
  const [na, nb, nm] = [uniq('alice'), uniq('bob'), uniq('mallory')];
  const client = () => new SignalingClient(srv.wsUrl, { WebSocket, reconnect: false });
  const alice = client();
  const bob = client();
  await Promise.all([alice.connect(), bob.connect()]);
  await alice.login(na);
  await bob.login(nb);
  const leaves = [];
  bob.on('leave', ({ from }) => leaves.push(from));
  const offered = bob.once('offer', (e) => e.from === na);
  await alice.offer(nb, offerSdp);
  await offered;
  await bob.answer(na, answerSdp);

  const mallory = await loggedIn(srv.wsUrl, nm);
  const strange = bob.once('offer', (e) => e.from === nm);
  mallory.send({ type: 'offer', offer: offerSdp, name: nb });
  await strange;
  mallory.send({ type: 'leave', name: nb });
  mallory.send({ type: 'leave' });
  await mallory.close();
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(leaves, []);

  const left = bob.once('leave');
  await alice.leave(nb);
  assert.equal((await left).from, na);
  assert.deepEqual(leaves, [na]);
  alice.close();
  bob.close();
});

test('a caller in two calls: both hear its leave, on a disconnect and on a nameless leave', async () => {
  const [na, nb, nc] = [uniq('hub'), uniq('b'), uniq('c')];
  let a = await loggedIn(srv.wsUrl, na);
  const b = await loggedIn(srv.wsUrl, nb);
  const c = await loggedIn(srv.wsUrl, nc);
  await bookCall(a, na, b, nb);
  await bookCall(a, na, c, nc);
  await a.kill();
  assert.deepEqual(await b.next(), { type: 'leave', from: na });
  assert.deepEqual(await c.next(), { type: 'leave', from: na });

  // Called by both this time; "leave" without a name, the book's "hang up my call".
  a = await loggedIn(srv.wsUrl, na);
  await bookCall(b, nb, a, na);
  await bookCall(c, nc, a, na);
  a.send({ type: 'leave' });
  assert.deepEqual(await b.next(), { type: 'leave', from: na });
  assert.deepEqual(await c.next(), { type: 'leave', from: na });
  await Promise.all([a.close(), b.close(), c.close()]);
});

test('--max-peers bounds the calls one user holds: the next offer gets too-many-peers', async (t) => {
  const s = await startServer({ stun: false, args: ['--max-peers', '2'] });
  t.after(async () => assert.equal((await s.close()).code, 0));
  const names = ['hub', 'p1', 'p2', 'p3'].map(uniq);
  const [hub, p1, p2, p3] = await Promise.all(names.map((n) => loggedIn(s.wsUrl, n)));
  await bookCall(hub, names[0], p1, names[1]);
  await bookCall(hub, names[0], p2, names[2]);
  const r = await hub.request({ type: 'offer', offer: offerSdp, name: names[3] });
  assert.equal(r.type, 'error');
  assert.equal(r.code, 'too-many-peers');
  await p3.quiet(200);
  // Hanging up one call makes room.
  hub.send({ type: 'leave', name: names[1] });
  assert.equal((await p1.next((m) => m.type === 'leave')).from, names[0]);
  hub.send({ type: 'offer', offer: offerSdp, name: names[3] });
  assert.equal((await p3.next((m) => m.type === 'offer')).from, names[0]);
  await Promise.all([hub, p1, p2, p3].map((c) => c.close()));
});
