// core.base64Encode / core.base64Decode on the real .wasm modules (SIMD and baseline),
// against Node's Buffer and atob() as independent oracles.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createMediaCore, MediaCoreError, Base64Flags } from '../../web/mediacore.js';
import { randomBytes } from '../lib/filters-reference.mjs';

const simdCore = await createMediaCore({ simd: true });
const baseCore = await createMediaCore({ simd: false });
const CORES = [simdCore, baseCore];

function expectFormatError(fn, offset, what) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof MediaCoreError, `${what}: not a MediaCoreError: ${err}`);
    assert.equal(err.code, 'MC_EFORMAT', what);
    assert.equal(err.errno, -7);
    assert.equal(err.offset, offset, `${what}: offset`);
    return true;
  });
}

test('features report Base64 in both modules', () => {
  assert.equal(simdCore.features.base64, true);
  assert.equal(baseCore.features.base64, true);
});

test('encode and decode agree with Buffer on random inputs of every small size', () => {
  for (let n = 0; n <= 300; n++) {
    const bytes = randomBytes(n, n + 1);
    const buf = Buffer.from(bytes);
    const want = buf.toString('base64');
    const wantUrl = buf.toString('base64url');   // no padding
    for (const core of CORES) {
      for (const flags of [0, Base64Flags.scalar]) {
        assert.equal(core.base64Encode(bytes, { flags }), want, `n=${n} simd=${core.features.simd}`);
        assert.equal(core.base64Encode(bytes, { alphabet: 'base64url', omitPadding: true, flags }), wantUrl);
        assert.deepEqual(core.base64Decode(want, { flags }), bytes);
        assert.deepEqual(core.base64Decode(wantUrl, { alphabet: 'base64url', requirePadding: false, flags }), bytes);
      }
    }
  }
});

test('encode and decode agree with Buffer from 1 KiB to 64 MiB', () => {
  const sizes = [1023, 4096, 65537, 1 << 20, (1 << 20) + 2, 3_000_001, 16 << 20, 64 << 20];
  for (const n of sizes) {
    const bytes = randomBytes(n, n);
    const want = Buffer.from(bytes.buffer).toString('base64');
    for (const core of CORES) {
      const text = core.base64Encode(bytes);
      assert.equal(text.length, want.length, `n=${n}`);
      assert.ok(text === want, `encode n=${n} simd=${core.features.simd}`);
      const back = core.base64Decode(want);
      assert.equal(back.length, n);
      assert.ok(Buffer.from(back.buffer, back.byteOffset, back.length).equals(Buffer.from(bytes.buffer)),
        `decode n=${n} simd=${core.features.simd}`);
    }
  }
});

test('any BufferSource encodes; the result does not alias module memory', () => {
  const bytes = randomBytes(100, 5);
  const want = Buffer.from(bytes).toString('base64');
  assert.equal(simdCore.base64Encode(bytes.buffer), want);
  assert.equal(simdCore.base64Encode(new DataView(bytes.buffer)), want);
  assert.equal(simdCore.base64Encode(new Uint16Array(bytes.buffer)), want);
  assert.equal(simdCore.base64Encode(Buffer.from(bytes)), want);
  const a = simdCore.base64Decode(want);
  const b = simdCore.base64Decode(simdCore.base64Encode(new Uint8Array(100)));
  assert.notEqual(a.buffer, simdCore.wasm.memory.buffer);
  assert.deepEqual(a, bytes);      // not overwritten by the second call
  assert.deepEqual(b, new Uint8Array(100));
});

test('strict decoding rejects each invalid form with the offset of the first bad character', () => {
  const cases = [
    ['Zg=', 3], ['Z===', 1], ['=Zg=', 0], ['Zg==Zg==', 4], ['Zg===', 4], ['Zg=a', 3],
    ['Zh==', 1], ['Zm9=', 2], ['Zg', 2], ['Z', 1], ['Zm9v\n', 4], ['Zm9v*', 4],
    ['Zm-_', 2], ['Zm9v Zm9v', 4], ['Zm9vZm9vZm9vZm9vZm9vZm9v.m9v', 24],
    ['Zm9vé', 4], ['Zm9v\u{1F600}', 4], ['Zé9v', 1], ['Zm\0v', 2], ['\uD800AAA', 0],
  ];
  for (const core of CORES) {
    for (const [text, offset] of cases) {
      expectFormatError(() => core.base64Decode(text), offset, JSON.stringify(text));
    }
    expectFormatError(() => core.base64Decode('Zm+/', { alphabet: 'base64url' }), 2, 'std chars in url');
  }
});

test('a bad character deep inside a long input is found at its exact offset', () => {
  const text = Buffer.from(randomBytes(300_000, 3)).toString('base64');
  for (const core of CORES) {
    for (const pos of [0, 15, 16, 17, 63, 64, 1000, 131_071, text.length - 5, text.length - 1]) {
      for (const ch of ['*', ' ', '\u00ff', '\u0100', '=']) {
        const bad = text.slice(0, pos) + ch + text.slice(pos + 1);
        assert.throws(() => core.base64Decode(bad), (err) => {
          assert.equal(err.code, 'MC_EFORMAT');
          // '=' may be taken as padding and fail one character later, or earlier at
          // the last character when its pad bits are not zero.
          if (ch === '=') assert.ok(Math.abs(err.offset - pos) <= 1, `= at ${pos}: ${err.offset}`);
          else assert.equal(err.offset, pos, `${JSON.stringify(ch)} at ${pos}`);
          return true;
        });
      }
    }
  }
});

// Strings longer than a million characters are decoded a piece at a time (base64.js
// DECODE_PIECE) through one streaming decoder: errors, whitespace and truncation must come
// out as they do in one call, wherever the piece boundaries fall.
const PIECE = 1 << 20;

test('a long input decoded in pieces reports a bad character where one call does, at and around piece boundaries', () => {
  const text = Buffer.from(randomBytes(2_000_001, 4)).toString('base64');   // 2,666,668 characters
  // The oracle: decoding into an array too small for the result takes the one-call path
  // (the format error comes first).
  const oneCall = (core, s) => {
    try {
      core.base64Decode(s, { into: new Uint8Array(1) });
    } catch (err) {
      return err.code === 'MC_EFORMAT' ? err.offset : err.code;
    }
    return 'no error';
  };
  const check = (core, s, want) => {
    assert.throws(() => core.base64Decode(s), (err) => {
      assert.equal(err.code, 'MC_EFORMAT');
      assert.equal(err.offset, oneCall(core, s));
      if (want !== undefined) assert.equal(err.offset, want);
      return true;
    });
  };
  for (const core of CORES) {
    for (const pos of [PIECE - 1, PIECE, PIECE + 1, PIECE + 3, 2 * PIECE - 2, 2 * PIECE, text.length - 3]) {
      for (const ch of ['*', ' ', '\u00ff', '\u0100', '=', '\ud83d']) {
        check(core, text.slice(0, pos) + ch + text.slice(pos + 1), ch === '=' ? undefined : pos);
      }
    }
    // A surrogate pair split by a piece boundary is one bad character where it starts.
    check(core, text.slice(0, PIECE - 1) + '\u{1f600}' + text.slice(PIECE + 1), PIECE - 1);
    // Cut inside the last group: the offset is the length.
    check(core, text.slice(0, 2 * PIECE + 5), 2 * PIECE + 5);
    // A padded group that ends a piece, with more data after it: the data is the error.
    check(core, `${text.slice(0, PIECE - 4)}AA==${text.slice(PIECE)}`, PIECE);
  }
});

test('a long input with line breaks and no padding decodes in pieces like Buffer (forgiving)', () => {
  const bytes = randomBytes(1_600_001, 6);
  const lines = Buffer.from(bytes.buffer).toString('base64').replace(/=+$/, '').match(/.{1,76}/g).join('\r\n');
  assert.ok(lines.length > 2 * PIECE);
  for (const core of CORES) {
    const got = core.base64Decode(lines, { forgiving: true });
    assert.equal(got.length, bytes.length);
    assert.ok(Buffer.from(got.buffer, got.byteOffset, got.length).equals(Buffer.from(bytes.buffer)));
    assert.throws(() => core.base64Decode(lines), (err) => err.code === 'MC_EFORMAT' && err.offset === 76);
    const into = new Uint8Array(bytes.length + 10);
    const view = core.base64Decode(lines, { forgiving: true, into });
    assert.equal(view.buffer, into.buffer);
    assert.equal(view.length, bytes.length);
    assert.ok(Buffer.from(into.buffer, 0, bytes.length).equals(Buffer.from(bytes.buffer)));
  }
});

test('forgiving decoding matches atob() on random strings of alphabet, padding, whitespace and junk', () => {
  const pieces = ['A', 'b', 'Z', '9', '+', '/', 'Q', 'w', '=', ' ', '\n', '\t', '\r', '\f', '\v', '-', '_', '*', 'é'];
  let x = 42;
  let ok = 0, failed = 0;
  for (let iter = 0; iter < 20000; iter++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const len = x % 14;
    let s = '';
    for (let i = 0; i < len; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      s += pieces[x % (x & 1 ? 8 : pieces.length)];
    }
    let want = null;
    try {
      want = Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
    } catch { /* invalid for atob */ }
    for (const core of CORES) {
      let got = null;
      try {
        got = core.base64Decode(s, { forgiving: true });
      } catch (err) {
        assert.equal(err.code, 'MC_EFORMAT', JSON.stringify(s));
      }
      assert.deepEqual(got, want, `forgiving ${JSON.stringify(s)}`);
    }
    if (want) ok++; else failed++;
  }
  assert.ok(ok > 1000 && failed > 1000, `both outcomes exercised: ${ok} ok, ${failed} failed`);
});

test('forgiving accepts what atob accepts and strict does not: whitespace, no padding, pad bits', () => {
  for (const core of CORES) {
    assert.deepEqual(core.base64Decode(' Zm9v\nYmFy\r\n', { forgiving: true }), new TextEncoder().encode('foobar'));
    assert.deepEqual(core.base64Decode('Zg', { forgiving: true }), Uint8Array.of(0x66));
    assert.deepEqual(core.base64Decode('Zh==', { forgiving: true }), Uint8Array.of(0x66));
    assert.deepEqual(core.base64Decode('Zg', { requirePadding: false }), Uint8Array.of(0x66));
    expectFormatError(() => core.base64Decode('Zh', { requirePadding: false }), 1, 'pad bits, nopad');
    expectFormatError(() => core.base64Decode('Zm9vY', { forgiving: true }), 5, 'lone sextet');
    assert.deepEqual(core.base64Decode(''), new Uint8Array(0));
    assert.deepEqual(core.base64Decode('  ', { forgiving: true }), new Uint8Array(0));
  }
});

test('decode into a caller array; too small is MC_EBUFSIZE', () => {
  const into = new Uint8Array(10).fill(0xee);
  const got = simdCore.base64Decode('Zm9vYmFy', { into });
  assert.equal(got.buffer, into.buffer);
  assert.deepEqual(got, new TextEncoder().encode('foobar'));
  assert.equal(into[6], 0xee);
  assert.throws(() => simdCore.base64Decode('Zm9vYmFy', { into: new Uint8Array(5) }), { code: 'MC_EBUFSIZE' });
});

test('bad arguments are MC_EINVAL and leave the codec working', () => {
  for (const core of CORES) {
    assert.throws(() => core.base64Encode('abc'), { code: 'MC_EINVAL' });
    assert.throws(() => core.base64Encode(null), { code: 'MC_EINVAL' });
    assert.throws(() => core.base64Encode([1, 2]), { code: 'MC_EINVAL' });
    assert.throws(() => core.base64Decode(new Uint8Array(4)), { code: 'MC_EINVAL' });
    assert.throws(() => core.base64Decode(undefined), { code: 'MC_EINVAL' });
    assert.throws(() => core.base64Encode(new Uint8Array(1), { alphabet: 'base32' }), { code: 'MC_EINVAL' });
    assert.equal(core.base64Encode(Uint8Array.of(1, 2, 3)), 'AQID');
  }
});

test('no module allocation per call: buffers are reused across calls of the same size', () => {
  const core = simdCore;
  const bytes = randomBytes(200_000, 9);
  const text = core.base64Encode(bytes);
  core.base64Decode(text);
  const long = randomBytes(1_600_000, 10);   // encoded and decoded in pieces
  const longText = core.base64Encode(long);
  core.base64Decode(longText);
  const rt = core.wasm.runtime;
  const before = rt.memory.buffer.byteLength;
  const alloc = rt.exports.mc_wasm_alloc;
  let allocations = 0;
  rt.exports = { ...rt.exports, mc_wasm_alloc: (n) => { allocations++; return alloc(n); } };
  try {
    for (let i = 0; i < 50; i++) {
      assert.equal(core.base64Encode(bytes), text);
      assert.equal(core.base64Decode(text).length, bytes.length);
      core.base64Decode('Zm9v');
      assert.equal(core.base64Encode(long), longText);
      assert.equal(core.base64Decode(longText).length, long.length);
    }
  } finally {
    rt.exports = { ...rt.exports, mc_wasm_alloc: alloc };
  }
  assert.equal(allocations, 0);
  assert.equal(rt.memory.buffer.byteLength, before);
});

test('a closed core refuses with MC_ESTATE; close() twice is fine', async () => {
  const core = await createMediaCore({ simd: true });
  assert.equal(core.base64Encode(Uint8Array.of(0)), 'AA==');
  core.close();
  core.close();
  assert.throws(() => core.base64Encode(Uint8Array.of(0)), { code: 'MC_ESTATE' });
  assert.throws(() => core.base64Decode('AA=='), { code: 'MC_ESTATE' });
});
