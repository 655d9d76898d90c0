// core.drawText / core.measureText / core.loadFont on the real .wasm modules, through the
// public shim.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createMediaCore, MediaCoreError, parseColor } from '../../web/mediacore.js';

const simdCore = await createMediaCore({ simd: true });
const baseCore = await createMediaCore({ simd: false });
const CORES = [simdCore, baseCore];
const GREETINGS = ['Hello World!', '你好，世界', 'Привет'];

function frameOf(width, height, rgba = [20, 40, 80, 255], stride = width * 4) {
  const data = new Uint8ClampedArray(stride * (height - 1) + width * 4);
  data.fill(0xa5);   // row padding keeps this value
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(rgba, y * stride + x * 4);
  }
  return { data, width, height, stride };
}

/** Bounding box of pixels that changed between two frames of the same shape. */
function changedBounds(before, after) {
  const { width, height, stride } = after;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, n = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * stride + x * 4;
      if (before[i] !== after.data[i] || before[i + 1] !== after.data[i + 1] ||
          before[i + 2] !== after.data[i + 2] || before[i + 3] !== after.data[i + 3]) {
        n++;
        x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
      }
    }
  }
  return { x0, y0, x1, y1, n };
}

function assertCode(fn, code) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof MediaCoreError, `expected MediaCoreError, got ${err}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

test('both modules have text and the built-in font', () => {
  for (const core of CORES) {
    assert.equal(core.features.text, true);
    const [builtin] = core.fontInfo();
    assert.equal(builtin.builtin, true);
    assert.ok(builtin.glyphs >= 3755 + 500, `built-in font has ${builtin.glyphs} glyphs`);
  }
});

test('"Hello World!", "你好，世界" and "Привет" change pixels only inside the measured box', () => {
  for (const core of CORES) {
    for (const text of GREETINGS) {
      for (const size of [12, 16, 32, 96]) {
        for (const align of ['left', 'center', 'right']) {
          const opts = { x: 700, y: 20, size, align, color: '#ffee00' };
          const m = core.measureText(text, opts);
          assert.equal(m.lines, 1);
          assert.equal(m.height, size);
          const frame = frameOf(1400, 140);
          const before = frame.data.slice();
          const drawn = core.drawText(frame, text, opts);
          assert.deepEqual(drawn, m, 'drawText returns what measureText said');
          const b = changedBounds(before, frame);
          assert.ok(b.n > size, `${text} at ${size}px drew ${b.n} pixels`);
          const { box } = m;
          assert.ok(b.x0 >= box.x && b.y0 >= box.y && b.x1 <= box.x + box.width && b.y1 <= box.y + box.height,
            `${text} ${size}px ${align}: changed ${JSON.stringify(b)} outside box ${JSON.stringify(box)}`);
          // measureText agrees with the drawn bounds: the ink fills the box to within the
          // glyphs' side bearings (one narrow cell at most) and the line's empty top rows.
          assert.ok(b.x1 - b.x0 >= box.width - size / 2, `${text} ${size}px: ink ${b.x1 - b.x0} wide, box ${box.width}`);
          assert.ok(b.y1 - b.y0 >= box.height / 2, `${text} ${size}px: ink ${b.y1 - b.y0} tall, box ${box.height}`);
        }
      }
    }
  }
});

test('with a background, the changed area is exactly the measured box', () => {
  for (const core of CORES) {
    for (const text of [...GREETINGS, 'two\nlines, 两行']) {
      const opts = { x: 50, y: 30, size: 24, background: 'rgba(0, 0, 0, 0.5)', padding: 6, outline: true, shadow: true };
      const frame = frameOf(700, 160);
      const before = frame.data.slice();
      const m = core.drawText(frame, text, opts);
      const b = changedBounds(before, frame);
      assert.deepEqual([b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0], [m.box.x, m.box.y, m.box.width, m.box.height], text);
      assert.equal(m.box.x, 50 - 6);
      assert.equal(m.box.width, m.width + 12, 'padding on both sides (the outline and shadow stay inside)');
    }
  }
});

test('the SIMD and baseline modules draw identical pixels', () => {
  const opts = { x: 10, y: 8, size: 40, color: '#ff8800cc', outline: { width: 3, color: 'black' }, shadow: { x: 2, y: 3 }, background: '#00000066', maxWidth: 400, align: 'left' };
  const a = frameOf(500, 200), b = frameOf(500, 200);
  const text = 'Photobooth 照相亭 — «Привет» 2024-01-01 12:34:56';
  const untouched = frameOf(500, 200).data;
  simdCore.drawText(a, text, opts);
  baseCore.drawText(b, text, opts);
  // Equal frames prove nothing if neither module drew: the box must have changed.
  const m = simdCore.measureText(text, opts);
  const changed = changedBounds(untouched, a);
  assert.ok(changed.n > m.box.width * m.box.height / 2, `only ${changed.n} pixels drawn`);
  assert.deepEqual(a.data, b.data);
});

test('clipped at every edge, negative x and y included; row padding untouched', () => {
  const text = 'Clip 剪裁\nЖж';
  const opts = { size: 20, outline: { width: 2 }, shadow: { x: -3, y: 4 }, background: '#00ff0080', padding: 3 };
  const W = 64, H = 40, M = 300;
  for (const [x, y] of [[-40, 5], [-500, 5], [10, -15], [10, -500], [40, 10], [55, 30], [-20, -20], [60, 35], [5000, 5], [5, 5000]]) {
    const small = frameOf(W, H, [20, 40, 80, 255], W * 4 + 8);
    const big = frameOf(W + 2 * M, H + 2 * M);
    const untouched = small.data.slice();
    const { box } = simdCore.drawText(small, text, { ...opts, x, y });
    simdCore.drawText(big, text, { ...opts, x: x + M, y: y + M });
    // Equal rows prove nothing if nothing was drawn: where the box (a translucent
    // background all over) meets the frame pixels changed, elsewhere none did.
    const shows = box.x < W && box.x + box.width > 0 && box.y < H && box.y + box.height > 0;
    assert.equal(changedBounds(untouched, small).n > 0, shows, `drawn at (${x}, ${y})`);
    for (let yy = 0; yy < H; yy++) {
      const s = small.data.subarray(yy * small.stride, yy * small.stride + W * 4);
      const o = (yy + M) * big.stride + M * 4;
      assert.deepEqual(s, big.data.subarray(o, o + W * 4), `row ${yy} at (${x}, ${y})`);
      if (yy < H - 1) {
        assert.ok(small.data.subarray(yy * small.stride + W * 4, (yy + 1) * small.stride).every((v) => v === 0xa5), 'padding');
      }
    }
  }
});

test('wrapping and line breaks', () => {
  const m = simdCore.measureText('aaa bbb ccc', { size: 16, maxWidth: 56 });
  assert.equal(m.lines, 2);
  assert.equal(m.width, 56);
  const cjk = simdCore.measureText('你好，世界', { size: 16, maxWidth: 32 });
  assert.equal(cjk.lines, 3, 'the comma never starts a line');
  assert.equal(simdCore.measureText('a\nb\r\nc', {}).lines, 3);
  assert.equal(simdCore.measureText('', {}).lines, 0);
  assert.deepEqual(simdCore.measureText('', { x: 5, y: 5 }).box, { x: 5, y: 5, width: 0, height: 0 });
});

test('invalid text draws U+FFFD; missing characters draw a box', () => {
  const draw = (text) => {
    const f = frameOf(120, 30);
    simdCore.drawText(f, text, { x: 2, y: 2, size: 20 });
    return f.data;
  };
  assert.deepEqual(draw('a\ud800b'), draw('a\ufffdb'), 'a lone surrogate is U+FFFD');
  assert.notDeepEqual(draw('a\ufffdb'), draw('ab'), 'and U+FFFD is drawn, not dropped');
  assert.deepEqual(draw('\u0e01'), draw('\u0e02'), 'two missing Thai letters draw the same box');
  assert.notDeepEqual(draw('\u0e01'), draw(''), 'and the box is visible');
});

test('options: colours, defaults and bad values', () => {
  assert.equal(parseColor('#f00'), 0xff0000ff);
  assert.equal(parseColor('#ff000080'), 0xff000080);
  assert.equal(parseColor('#0f08'), 0x00ff0088);
  assert.equal(parseColor('rgba(255, 0, 0, 0.5)'), 0xff000080);
  assert.equal(parseColor('rgb(1 2 3)'), 0x010203ff);
  assert.equal(parseColor('White'), 0xffffffff);
  assert.equal(parseColor(0x11223344), 0x11223344);
  for (const bad of ['#ff', 'rgb(300, 0, 0)', 'blurple', '', -1, 2 ** 32, 1.5, null]) {
    assertCode(() => parseColor(bad), 'MC_EINVAL');
  }
  const frame = frameOf(20, 20);
  const before = frame.data.slice();
  assertCode(() => simdCore.drawText(frame, 'a', { size: 3 }), 'MC_ERANGE');
  assertCode(() => simdCore.drawText(frame, 'a', { size: 513 }), 'MC_ERANGE');
  assertCode(() => simdCore.drawText(frame, 'a', { size: NaN }), 'MC_EINVAL');
  assertCode(() => simdCore.drawText(frame, 'a', { size: '16' }), 'MC_EINVAL');
  assertCode(() => simdCore.drawText(frame, 'a', { outline: { width: 17 } }), 'MC_ERANGE');
  assertCode(() => simdCore.drawText(frame, 'a', { shadow: { x: 65 } }), 'MC_ERANGE');
  assertCode(() => simdCore.drawText(frame, 'a', { padding: -1, background: 'black' }), 'MC_ERANGE');
  assertCode(() => simdCore.drawText(frame, 'a', { align: 'middle' }), 'MC_ENAME');
  assertCode(() => simdCore.drawText(frame, 'a', { x: 1e12 }), 'MC_ERANGE');
  assertCode(() => simdCore.drawText(frame, 'a', { color: 'nope' }), 'MC_EINVAL');
  assertCode(() => simdCore.drawText(frame, 42, {}), 'MC_EINVAL');
  assertCode(() => simdCore.drawText(frame, 'x'.repeat(65537), {}), 'MC_ELIMIT');
  assertCode(() => simdCore.drawText(frame, '你'.repeat(30000), {}), 'MC_ELIMIT');
  assertCode(() => simdCore.drawText({ data: new Uint8Array(16), width: 3, height: 3 }, 'a', {}), 'MC_EBUFSIZE');
  assertCode(() => simdCore.drawText({ data: new Uint8Array(64), width: 0, height: 4 }, 'a', {}), 'MC_EDIMENSIONS');
  assertCode(() => simdCore.drawText({ data: new Uint8Array(64), width: 4, height: 4, stride: 8 }, 'a', {}), 'MC_ESTRIDE');
  assertCode(() => simdCore.drawText(null, 'a', {}), 'MC_EINVAL');
  assertCode(() => simdCore.measureText('a', null), 'MC_EINVAL');
  assert.deepEqual(frame.data, before, 'a rejected call leaves the frame as it was');
  // The longest text is fine, and the core keeps working.
  simdCore.drawText(frame, 'x'.repeat(65536), { size: 4 });
  assert.notDeepEqual(frame.data, before);
});

test('the per-frame path allocates nothing after the first call, across memory growth', () => {
  const core = simdCore;
  const rt = core.wasm.runtime;
  const realAlloc = rt.alloc.bind(rt);
  let allocs = 0;
  rt.alloc = (n) => { allocs++; return realAlloc(n); };
  try {
    const frame = frameOf(1280, 720);
    const opts = { x: 640, y: 600, size: 32, align: 'center', outline: true, background: '#0008' };
    core.drawText(frame, '2024-05-01 12:00:00 照相亭', opts);
    const after = allocs;
    for (let i = 0; i < 100; i++) {
      core.drawText(frame, `2024-05-01 12:00:${String(i % 60).padStart(2, '0')} 照相亭`, opts);
    }
    assert.equal(allocs, after, 'no allocation for a caption that changes but does not grow');
    const before = core.wasm.memory.buffer.byteLength;
    const big = { data: new Uint8Array(4096 * 2048 * 4), width: 4096, height: 2048 };
    core.filter(big, 'invert');   // grows module memory
    assert.ok(core.wasm.memory.buffer.byteLength > before, 'memory grew');
    const a = frameOf(300, 60), b = frameOf(300, 60);
    core.drawText(a, 'after growth 之后', { x: 4, y: 4, size: 24 });
    baseCore.drawText(b, 'after growth 之后', { x: 4, y: 4, size: 24 });
    assert.ok(changedBounds(frameOf(300, 60).data, a).n > 24 * 8, 'drawn after growth');
    assert.deepEqual(a.data, b.data);
  } finally {
    rt.alloc = realAlloc;
  }
});

test('loadFont: the full-BMP file adds what the built-in font lacks', async () => {
  const core = await createMediaCore();
  const draw = (text) => {
    const f = frameOf(60, 30);
    core.drawText(f, text, { x: 2, y: 2, size: 20 });
    return f.data;
  };
  const boxed = draw('한');
  assert.deepEqual(boxed, draw('국'), 'before: Hangul draws the replacement box');
  const info = await core.loadFont();
  assert.ok(info.glyphs > 55000);
  assert.equal(info.builtin, false);
  assert.equal(core.fontInfo().length, 2);
  assert.notDeepEqual(draw('한'), boxed, 'after: the real glyph');
  assert.notDeepEqual(draw('한'), draw('국'));
  // From bytes, and bad input.
  const bytes = await readFile(new URL('../../web/mediacore-font-bmp.bin', import.meta.url));
  assert.equal((await core.loadFont(bytes)).glyphs, info.glyphs);
  await assert.rejects(core.loadFont(new Uint8Array(100)), (e) => e.code === 'MC_EFORMAT');
  await assert.rejects(core.loadFont(bytes.subarray(0, bytes.length - 1)), (e) => e.code === 'MC_EFORMAT');
  await assert.rejects(core.loadFont('no-such-font.bin'), (e) => e instanceof Error);
  await assert.rejects(core.loadFont(42), (e) => e.code === 'MC_EINVAL');
  core.close();
});

test('close() frees the text state; later calls throw MC_ESTATE; closing twice is harmless', async () => {
  const core = await createMediaCore();
  core.drawText(frameOf(10, 10), 'a', {});
  core.close();
  core.close();
  assertCode(() => core.drawText(frameOf(10, 10), 'a', {}), 'MC_ESTATE');
  assertCode(() => core.measureText('a', {}), 'MC_ESTATE');
  await assert.rejects(core.loadFont(new Uint8Array(10)), (e) => e.code === 'MC_ESTATE');
});
