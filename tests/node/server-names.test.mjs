// User names that look alike are one user (security issue, item 8), against the real
// mediacore-server: while `alice` is logged in, every confusable spelling of it is refused
// (name-taken when it has the same key, invalid-name when it carries an invisible or
// otherwise refused character), and a relay addressed to another spelling reaches alice,
// with names as typed in what is relayed. The rules: docs/protocol.md, "User names".
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { TestClient, loggedIn } from '../lib/wsclient.mjs';

const srv = await startServer({ stun: false });
test.after(async () => {
  const { code, stderr } = await srv.close();
  assert.equal(code, 0, `server exit ${code}:\n${stderr}`);
});

// [spelling, expected code, what it is]
const CONFUSABLES = [
  ['ALICE', 'name-taken', 'upper case'],
  ['Alice', 'name-taken', 'capitalised'],
  ['\uff41\uff4c\uff49\uff43\uff45', 'name-taken', 'fullwidth ａｌｉｃｅ'],
  ['\uff21\uff2c\uff29\uff23\uff25', 'name-taken', 'fullwidth capitals'],
  ['alice ', 'name-taken', 'trailing space'],
  ['\u00a0alice', 'name-taken', 'leading NO-BREAK SPACE'],
  ['alice\u200b', 'invalid-name', 'ZERO WIDTH SPACE after'],
  ['al\u200bice', 'invalid-name', 'ZERO WIDTH SPACE inside'],
  ['ali\u200dce', 'invalid-name', 'ZERO WIDTH JOINER'],
  ['\ufeffalice', 'invalid-name', 'BOM'],
  ['ali\u00adce', 'invalid-name', 'SOFT HYPHEN'],
  ['alice\ufe0f', 'invalid-name', 'VARIATION SELECTOR-16'],
  ['\u202eecila', 'invalid-name', 'RIGHT-TO-LEFT OVERRIDE'],
  ['\u{1d41a}\u{1d425}\u{1d422}\u{1d41c}\u{1d41e}', 'invalid-name', 'MATHEMATICAL BOLD'],
];

test('while alice is logged in, no confusable spelling of alice logs in', async () => {
  const alice = await loggedIn(srv.wsUrl, 'alice');
  const other = await TestClient.open(srv.wsUrl);
  for (const [name, code, what] of CONFUSABLES) {
    const r = await other.request({ type: 'login', name });
    assert.equal(r.type, 'login', what);
    assert.equal(r.success, false, `${what}: ${JSON.stringify(name)} logged in beside alice`);
    assert.equal(r.code, code, what);
    assert.ok(r.reason, what);
  }
  const m = await srv.metrics();
  assert.equal(m.mediacore_users, 1);
  // The same holds the other way round for names that differ in NFC only.
  assert.equal((await other.request({ type: 'login', name: 'Jos\u00e9' })).success, true);
  const third = await TestClient.open(srv.wsUrl);
  assert.equal((await third.request({ type: 'login', name: 'Jose\u0301' })).code, 'name-taken');
  // What PRECIS keeps apart stays apart: ß is not ss (RFC 8265, section 3.5).
  assert.equal((await third.request({ type: 'login', name: 'stra\u00dfe' })).success, true);
  const fourth = await TestClient.open(srv.wsUrl);
  assert.equal((await fourth.request({ type: 'login', name: 'strasse' })).success, true);
  await Promise.all([alice.close(), other.close(), third.close(), fourth.close()]);
});

test('a relay to ALICE reaches alice, with names as typed', async () => {
  const alice = await loggedIn(srv.wsUrl, 'alice');
  const bob = await loggedIn(srv.wsUrl, 'Bob');
  bob.send({ type: 'offer', name: 'ALICE', offer: { sdp: 'x' } });
  assert.deepEqual(await alice.next(), { type: 'offer', offer: { sdp: 'x' }, name: 'Bob', from: 'Bob' });
  alice.send({ type: 'answer', name: '\uff42\uff4f\uff42', answer: { sdp: 'y' } });   // ｂｏｂ
  assert.deepEqual(await bob.next(), { type: 'answer', answer: { sdp: 'y' }, from: 'alice' });
  bob.send({ type: 'candidate', name: ' Alice ', candidate: 1 });
  assert.deepEqual(await alice.next(), { type: 'candidate', candidate: 1, from: 'Bob' });
  // To yourself under another spelling; to a refused spelling: nobody.
  assert.equal((await alice.request({ type: 'candidate', name: 'ALICE', candidate: 1 })).code, 'self');
  const e = await bob.request({ type: 'candidate', name: 'al\u200bice', candidate: 1 });
  assert.equal(e.code, 'unknown-user');
  assert.equal(e.name, 'al\u200bice');
  // Leave, too, finds its recipient by key: they were in a call.
  bob.send({ type: 'leave', name: 'ALICE' });
  assert.deepEqual(await alice.next(), { type: 'leave', from: 'Bob' });
  await alice.quiet(100);
  await Promise.all([alice.close(), bob.close()]);
});

test('a relay request with an id is acknowledged with the recipient\'s name as it logged in', async () => {
  const carol = await loggedIn(srv.wsUrl, 'Carol');
  const dave = await loggedIn(srv.wsUrl, 'dave');
  // A client that called "CAROL" learns to expect replies from "Carol" (SignalingClient and
  // Peer re-key on it).
  assert.deepEqual(await dave.request({ type: 'offer', name: 'CAROL', offer: 1, id: 3 }), { type: 'ack', to: 'Carol', id: 3 });
  assert.equal((await carol.next()).from, 'dave');
  assert.deepEqual(await dave.request({ type: 'candidate', name: '\uff43\uff41\uff52\uff4f\uff4c', candidate: 1, id: 4 }),
    { type: 'ack', to: 'Carol', id: 4 });
  await Promise.all([carol.close(), dave.close()]);
});
