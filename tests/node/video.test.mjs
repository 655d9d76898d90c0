// VP8/VP9 in the real .wasm modules through the shim, judged where possible by Debian's
// ffmpeg and ffprobe: quality over 300 frames, the WebM files the module writes, ffmpeg's
// libvpx streams decoded frame for frame like ffmpeg's own decoder, SIMD against baseline,
// damage and recovery, argument errors, and memory over 10,000 calls.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createMediaCore, MediaCoreError } from '../../web/mediacore.js';
import { drawScene, rgbaToI420, writeSceneY4m } from '../lib/scene.mjs';
import {
  sseI420, psnr, md5, scratchDir, ffprobe, ffmpegDecodeErrors, ffmpegFrameMd5, run,
} from '../lib/media.mjs';

const simd = await createMediaCore({ simd: true });
const base = await createMediaCore({ simd: false });
const tmp = scratchDir('mediacore-video-');
test.after(() => {
  tmp.cleanup();
  simd.close();
  base.close();
});

function assertCode(fn, code, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof MediaCoreError, `expected MediaCoreError, got ${err}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

test('both modules have VP8, VP9, Opus and WebM', () => {
  for (const core of [simd, base]) {
    assert.equal(core.features.vp8, true);
    assert.equal(core.features.vp9, true);
    assert.equal(core.features.opus, true);
    assert.equal(core.features.webm, true);
  }
});

for (const codec of ['vp8', 'vp9']) {
  test(`${codec}: 300 synthetic 640x480 frames at 1 Mbps decode at >= 35 dB; ffprobe and ffmpeg read the WebM file`, () => {
    const W = 640, H = 480, N = 300;
    const enc = simd.createVideoEncoder({ codec, width: W, height: H, fps: 30, bitrate: 1_000_000 });
    const dec = simd.createVideoDecoder({ codec });
    const mux = simd.createWebmMuxer({ video: { codec, width: W, height: H } });
    const rgba = new Uint8ClampedArray(W * H * 4);
    const ref = new Uint8Array(W * H * 3 / 2);
    const parts = [mux.take()];
    const ourMd5 = [];
    let sse = 0, count = 0, bytes = 0, keyframes = 0, frames = 0;
    for (let t = 0; t < N; t++) {
      drawScene(rgba, W, H, t);
      rgbaToI420(rgba, W, H, ref);
      for (const p of enc.encode({ data: rgba, width: W, height: H }, { timestamp: t * 33333, duration: 33333 })) {
        bytes += p.data.length;
        keyframes += p.keyframe ? 1 : 0;
        assert.equal(p.timestamp, t * 33333);
        mux.addVideo(p.data, p);
        parts.push(mux.take());
        const f = dec.decode(p.data, { format: 'i420', timestamp: p.timestamp });
        assert.equal(f.width, W);
        assert.equal(f.height, H);
        const e = sseI420(ref, f.data);
        sse += e.sse;
        count += e.count;
        ourMd5.push(md5(f.data));
        frames++;
      }
    }
    const { tail, header } = mux.finish();
    parts.push(tail);
    const file = Buffer.concat(parts);
    header.forEach((b, i) => { file[i] = b; });
    const quality = psnr(sse, count), kbps = (bytes * 8) / 10 / 1000;
    console.log(`# ${codec}: ${frames} frames, ${kbps.toFixed(0)} kbit/s, average PSNR ${quality.toFixed(2)} dB`);
    assert.equal(frames, N);
    assert.equal(keyframes, 1);
    assert.ok(quality >= 35, `PSNR ${quality}`);
    assert.ok(kbps > 500 && kbps < 1500, `${kbps} kbit/s for a 1 Mbit/s target`);

    const path = tmp.path(`${codec}-300.webm`);
    writeFileSync(path, file);
    const probe = ffprobe(path);
    assert.equal(probe.streams.length, 1);
    const s = probe.streams[0];
    assert.equal(s.codec_name, codec);
    assert.equal(s.width, W);
    assert.equal(s.height, H);
    assert.equal(Number(s.nb_read_frames), N);
    assert.ok(Math.abs(Number(probe.format.duration) - 10) < 0.01, `duration ${probe.format.duration}`);
    assert.equal(ffmpegDecodeErrors(path), '');
    // An independent decoder gives the very frames ours gave.
    assert.deepEqual(ffmpegFrameMd5(path), ourMd5);
    enc.close();
    dec.close();
    mux.close();
  });
}

test('streams encoded by ffmpeg with libvpx decode frame for frame like ffmpeg\'s own decoders', async () => {
  const even = await writeSceneY4m(tmp.path('scene-320x240.y4m'), { width: 320, height: 240, frames: 40 });
  const odd = await writeSceneY4m(tmp.path('scene-319x239.y4m'), { width: 319, height: 239, frames: 20 });
  const cases = [
    ['vp8', even, ['-c:v', 'libvpx', '-b:v', '400k', '-g', '15']],
    ['vp8', odd, ['-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'good', '-auto-alt-ref', '1', '-lag-in-frames', '8']],
    ['vp9', even, ['-c:v', 'libvpx-vp9', '-b:v', '400k', '-g', '15', '-row-mt', '0', '-deadline', 'realtime', '-cpu-used', '8']],
    ['vp9', odd, ['-c:v', 'libvpx-vp9', '-b:v', '300k', '-deadline', 'good', '-cpu-used', '4', '-auto-alt-ref', '1', '-lag-in-frames', '10']],
  ];
  for (const [codec, y4m, args] of cases) {
    const out = tmp.path(`ffmpeg-${codec}-${args.length}.webm`);
    const r = run('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-i', y4m, ...args, out]);
    assert.equal(r.status, 0, r.stderr);
    const want = ffmpegFrameMd5(out);
    for (const core of [simd, base]) {
      const dmx = core.createWebmDemuxer(new Uint8Array(readFileSync(out)));
      assert.equal(dmx.info.video.codec, codec);
      const dec = core.createVideoDecoder({ codec });
      const got = [];
      for (const p of dmx) {
        if (p.track !== 'video') continue;
        const f = dec.decode(p.data, { format: 'i420' });
        if (f) got.push(md5(f.data));   // hidden alt-ref frames show nothing
      }
      assert.deepEqual(got, want, `${codec} ${args.join(' ')} simd=${core.features.simd}`);
      dec.close();
      dmx.close();
    }
  }
});

test('the SIMD and baseline modules encode and decode to identical bytes', () => {
  const W = 320, H = 240;
  const rgba = new Uint8ClampedArray(W * H * 4);
  for (const codec of ['vp8', 'vp9']) {
    const runs = [simd, base].map((core) => {
      const enc = core.createVideoEncoder({ codec, width: W, height: H, bitrate: 600_000 });
      const dec = core.createVideoDecoder({ codec });
      const packets = [], frames = [];
      for (let t = 0; t < 30; t++) {
        drawScene(rgba, W, H, t * 3);
        for (const p of enc.encode({ data: rgba, width: W, height: H }, { keyframe: t === 15 })) {
          packets.push(md5(p.data));
          frames.push(md5(dec.decode(p.data).data));   // RGBA out: libyuv's conversion too
        }
      }
      enc.close();
      dec.close();
      return { packets, frames };
    });
    assert.equal(runs[0].packets.length, 30);
    assert.deepEqual(runs[0].packets, runs[1].packets, `${codec} packets`);
    assert.deepEqual(runs[0].frames, runs[1].frames, `${codec} decoded frames`);
  }
});

function encodeClip(core, codec, w, h, n, keyAt = -1) {
  const enc = core.createVideoEncoder({ codec, width: w, height: h, bitrate: 400_000 });
  const rgba = new Uint8ClampedArray(w * h * 4);
  const packets = [];
  for (let t = 0; t < n; t++) {
    drawScene(rgba, w, h, t);
    packets.push(...enc.encode({ data: rgba, width: w, height: h }, { keyframe: t === keyAt }));
  }
  enc.close();
  return packets;
}

test('corrupt and truncated packets are errors; decoding resumes at the next keyframe', () => {
  for (const codec of ['vp8', 'vp9']) {
    const packets = encodeClip(simd, codec, 160, 120, 40, 20);
    assert.equal(packets[20].keyframe, true);
    const dec = simd.createVideoDecoder({ codec }), clean = simd.createVideoDecoder({ codec });
    assertCode(() => dec.decode(packets[1].data), 'MC_ESTATE', /keyframe/);
    for (let i = 0; i < 10; i++) {
      assert.ok(dec.decode(packets[i].data));
      clean.decode(packets[i].data);
    }
    assertCode(() => dec.decode(packets[10].data.subarray(0, packets[10].data.length >> 2)), 'MC_EFORMAT');
    assertCode(() => dec.decode(packets[11].data), 'MC_ESTATE');
    const junk = new Uint8Array(500).map((_, i) => (i * 7919) & 255);
    junk[0] &= 0xfe;
    assertCode(() => dec.decode(junk), 'MC_EFORMAT');
    assertCode(() => dec.decode(new Uint8Array(0)), 'MC_EINVAL');
    for (let i = 10; i < 20; i++) clean.decode(packets[i].data);
    for (let i = 20; i < 40; i++) {
      const a = dec.decode(packets[i].data, { format: 'i420' });
      const b = clean.decode(packets[i].data, { format: 'i420' });
      assert.deepEqual(a.data, b.data, `${codec} frame ${i} after recovery`);
    }
    dec.close();
    clean.close();
  }
});

test('frames of another size are scaled; decoders report size changes; outputs can be reused', () => {
  const enc = simd.createVideoEncoder({ codec: 'vp8', width: 320, height: 240 });
  const dec = simd.createVideoDecoder({ codec: 'vp8' });
  const big = { data: new Uint8ClampedArray(640 * 480 * 4), width: 640, height: 480 };
  drawScene(big.data, 640, 480, 0);
  const [p] = enc.encode(big);
  const into = { data: new Uint8ClampedArray(320 * 240 * 4), width: 320, height: 240 };
  const f = dec.decode(p.data, { into });
  assert.equal(f.data, into.data);
  assert.equal(f.width, 320);
  assert.equal(f.sizeChanged, true);
  assert.equal(f.data[3], 255);
  const small = encodeClip(simd, 'vp8', 96, 64, 1);
  const g = dec.decode(small[0].data);
  assert.equal(g.sizeChanged, true);
  assert.equal(g.width, 96);
  assertCode(() => dec.decode(small[0].data, { into }), 'MC_EDIMENSIONS');
  enc.close();
  dec.close();
});

test('bitrate changes and forced keyframes take effect', () => {
  const W = 320, H = 240, rgba = new Uint8ClampedArray(W * H * 4);
  const enc = simd.createVideoEncoder({ codec: 'vp9', width: W, height: H, bitrate: 100_000 });
  let low = 0, high = 0, keys = 0;
  for (let t = 0; t < 80; t++) {
    if (t === 40) enc.setBitrate(1_500_000);
    drawScene(rgba, W, H, t);
    for (const p of enc.encode({ data: rgba, width: W, height: H }, { keyframe: t === 60 })) {
      if (t < 40) low += p.data.length; else high += p.data.length;
      keys += p.keyframe ? 1 : 0;
    }
  }
  assert.equal(enc.bitrate, 1_500_000);
  assert.equal(keys, 2);
  assert.ok(high > 4 * low, `${low} then ${high} bytes`);
  assertCode(() => enc.setBitrate(5), 'MC_ERANGE', /bitrate/);
  assert.deepEqual(enc.flush(), []);
  assertCode(() => enc.encode({ data: rgba, width: W, height: H }), 'MC_ESTATE');
  enc.close();
});

test('bad arguments throw MediaCoreError with the C code and a readable detail', () => {
  assertCode(() => simd.createVideoEncoder({ codec: 'h264' }), 'MC_ENAME', /codec/);
  assertCode(() => simd.createVideoEncoder({ width: 0 }), 'MC_EDIMENSIONS', /size 0x480/);
  assertCode(() => simd.createVideoEncoder({ bitrate: 1.5 }), 'MC_ERANGE');
  assertCode(() => simd.createVideoEncoder({ codec: 'vp9', speed: 12 }), 'MC_ERANGE', /speed 12/);
  assertCode(() => simd.createVideoEncoder({ rateControl: 'abr' }), 'MC_ENAME');
  assertCode(() => simd.createVideoDecoder({ codec: 'av1' }), 'MC_ENAME');
  const enc = simd.createVideoEncoder({ width: 64, height: 48 });
  const frame = { data: new Uint8ClampedArray(64 * 48 * 4), width: 64, height: 48 };
  assertCode(() => enc.encode({ data: [1, 2], width: 1, height: 1 }), 'MC_EINVAL');
  assertCode(() => enc.encode({ ...frame, data: frame.data.subarray(4) }), 'MC_EBUFSIZE', /RGBA frame/);
  assertCode(() => enc.encode(frame, { timestamp: -1 }), 'MC_ERANGE');
  enc.encode(frame, { timestamp: 1000 });
  assertCode(() => enc.encode(frame, { timestamp: 1000 }), 'MC_ERANGE', /not after/);
  enc.encode(frame);   // a default timestamp follows the last one
  enc.close();
  enc.close();
  assertCode(() => enc.encode(frame), 'MC_ESTATE', /closed/);
  const dec = simd.createVideoDecoder();
  assertCode(() => dec.decode('abc'), 'MC_EINVAL');
  assertCode(() => dec.decode(new Uint8Array(8), { format: 'yuv' }), 'MC_ENAME');
  dec.close();
  assertCode(() => dec.decode(new Uint8Array(8)), 'MC_ESTATE');
});

test('10,000 encode and decode calls leave the module heap where it started', () => {
  const exports = simd.wasm.exports;
  const W = 64, H = 48, rgba = new Uint8ClampedArray(W * H * 4);
  const objs = {
    vp8e: simd.createVideoEncoder({ codec: 'vp8', width: W, height: H }),
    vp8d: simd.createVideoDecoder({ codec: 'vp8' }),
    vp9e: simd.createVideoEncoder({ codec: 'vp9', width: W, height: H }),
    vp9d: simd.createVideoDecoder({ codec: 'vp9' }),
    ae: simd.createAudioEncoder({ channels: 2 }),
    ad: simd.createAudioDecoder({ channels: 2 }),
  };
  const pcm = new Float32Array(960 * 2).map((_, i) => Math.sin(i / 7) * 0.3);
  let t = 0, calls = 0;
  const round = () => {
    drawScene(rgba, W, H, t++);
    for (const c of ['vp8', 'vp9']) {
      for (const p of objs[`${c}e`].encode({ data: rgba, width: W, height: H }, { keyframe: t % 50 === 0 })) {
        objs[`${c}d`].decode(p.data);
        calls++;
      }
      calls++;
    }
    for (const p of objs.ae.encode(pcm)) {
      objs.ad.decode(p.data);
      calls++;
    }
    calls++;
  };
  for (let i = 0; i < 60; i++) round();   // warm up: every lazily allocated buffer exists
  const heap0 = exports.mc_wasm_heap_in_use(), pages0 = simd.wasm.memory.buffer.byteLength;
  calls = 0;
  while (calls < 10_000) round();
  const heap1 = exports.mc_wasm_heap_in_use(), pages1 = simd.wasm.memory.buffer.byteLength;
  console.log(`# ${calls} calls: heap ${heap0} -> ${heap1} bytes, memory ${pages0} -> ${pages1} bytes`);
  assert.equal(heap1, heap0);
  assert.equal(pages1, pages0);
  for (const o of Object.values(objs)) o.close();
  // Creating and closing leaves nothing behind either.
  const heap2 = exports.mc_wasm_heap_in_use();
  for (let i = 0; i < 50; i++) {
    simd.createVideoEncoder({ codec: i % 2 ? 'vp9' : 'vp8', width: W, height: H }).close();
    simd.createVideoDecoder({ codec: 'vp9' }).close();
  }
  assert.equal(exports.mc_wasm_heap_in_use(), heap2);
});
