// core.features.vp8/vp9 report what the module really has: a module built without VP9
// (build/wasm/mediacore-novp9.wasm, MC_VP9=OFF, made by the wasm build for this test only)
// says vp9: false, still encodes and decodes VP8, and refuses VP9 with MC_EUNSUPPORTED,
// both in the shim and in C (the recorder reaches mc_video_encoder_create directly);
// the normal module says vp9: true and round-trips a VP9 frame.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createMediaCore, MediaCoreError } from '../../web/mediacore.js';
import { drawScene } from '../lib/scene.mjs';

const novp9Path = new URL('../../build/wasm/mediacore-novp9.wasm', import.meta.url);
const skip = existsSync(novp9Path) ? false
  : 'build/wasm/mediacore-novp9.wasm is missing (tools/build.sh wasm with MC_WASM_TEST_MODULES=ON)';
const W = 64, H = 48;

function frame(t) {
  const data = new Uint8ClampedArray(W * H * 4);
  drawScene(data, W, H, t);
  return { data, width: W, height: H };
}

function assertUnsupported(fn, pattern) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof MediaCoreError, `expected MediaCoreError, got ${err}`);
    assert.equal(err.code, 'MC_EUNSUPPORTED', err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

// Encode two frames with `codec` and decode them; returns the decoded frame count.
function roundTrip(core, codec) {
  const enc = core.createVideoEncoder({ codec, width: W, height: H });
  const dec = core.createVideoDecoder({ codec });
  let decoded = 0;
  try {
    for (let t = 0; t < 2; t++) {
      for (const p of enc.encode(frame(t), { timestamp: t * 33333 })) {
        if (dec.decode(p.data, { timestamp: p.timestamp })) decoded++;
      }
    }
  } finally {
    enc.close();
    dec.close();
  }
  return decoded;
}

test('a module built without VP9 reports vp9: false and refuses VP9 with MC_EUNSUPPORTED', { skip }, async () => {
  const core = await createMediaCore({ wasmBinary: readFileSync(novp9Path), simd: false });
  try {
    assert.equal(core.features.vp8, true);
    assert.equal(core.features.vp9, false);
    assert.equal(core.features.webm, true);
    assertUnsupported(() => core.createVideoEncoder({ codec: 'vp9', width: W, height: H }), /no vp9/);
    assertUnsupported(() => core.createVideoDecoder({ codec: 'vp9' }), /no vp9/);
    // The recorder creates its encoder in C: the refusal comes from video.c itself.
    assertUnsupported(() => core.createRecorder({ video: { codec: 'vp9', width: W, height: H } }),
      /vp9 is not in this build/);
    assert.equal(roundTrip(core, 'vp8'), 2);
  } finally {
    core.close();
  }
});

test('the normal modules report vp9: true and encode and decode VP9', async () => {
  for (const simd of [true, false]) {
    const core = await createMediaCore({ simd });
    try {
      assert.equal(core.features.vp8, true);
      assert.equal(core.features.vp9, true);
      assert.equal(roundTrip(core, 'vp9'), 2);
    } finally {
      core.close();
    }
  }
});
