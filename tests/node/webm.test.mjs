// WebM recording in the real .wasm module: the recorder (video + audio encoders and the
// muxer in the core) writes files that ffprobe and ffmpeg read, seek and decode; the
// demuxer reads them back; damaged files and misuse give clear errors.
import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createMediaCore, MediaCoreError } from '../../web/mediacore.js';
import { drawScene } from '../lib/scene.mjs';
import { scratchDir, ffprobe, ffmpegDecodeErrors, run } from '../lib/media.mjs';

const core = await createMediaCore();
const tmp = scratchDir('mediacore-webm-');
test.after(() => {
  tmp.cleanup();
  core.close();
});

function code(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MediaCoreError, String(e));
    return e.code;
  }
  return 'no error';
}

/** Record `seconds` of the scene at 30 fps and a 440 Hz tone, as an app would feed them. */
function record({ codec, width, height, channels, seconds, mode = 'seekable', keyframeInterval }) {
  const rec = core.createRecorder({
    mode,
    video: { codec, width, height, fps: 30, bitrate: 800_000, keyframeInterval },
    audio: { channels, bitrate: 64000 },
  });
  const rgba = new Uint8ClampedArray(width * height * 4);
  const frames = Math.round(seconds * 30), block = 128;
  let sample = 0;
  for (let f = 0; f < frames; f++) {
    drawScene(rgba, width, height, f);
    rec.addVideoFrame({ data: rgba, width, height }, Math.round((f * 1e6) / 30));
    // The audio due by the end of this frame, in AudioWorklet-sized blocks.
    const until = Math.round(((f + 1) * 48000) / 30);
    while (sample + block <= until) {
      const pcm = new Float32Array(block * channels);
      for (let i = 0; i < block; i++) {
        for (let c = 0; c < channels; c++) pcm[i * channels + c] = 0.3 * Math.sin((2 * Math.PI * 440 * (sample + i)) / 48000);
      }
      rec.addAudio(pcm);
      sample += block;
    }
  }
  const file = rec.finish();
  assert.equal(rec.videoFrames, frames);
  assert.equal(file.byteLength, rec.byteLength);
  rec.close();
  return file;
}

for (const [codec, channels, mode] of [['vp8', 1, 'seekable'], ['vp9', 2, 'seekable'], ['vp8', 2, 'live']]) {
  test(`a ${mode} ${codec} + Opus (${channels} ch) recording reads, seeks and decodes in ffprobe and ffmpeg`, () => {
    const file = record({ codec, width: 320, height: 240, channels, seconds: 3, mode, keyframeInterval: 45 });
    const path = tmp.path(`rec-${codec}-${mode}.webm`);
    writeFileSync(path, file);
    const probe = ffprobe(path);
    const v = probe.streams.find((s) => s.codec_type === 'video');
    const a = probe.streams.find((s) => s.codec_type === 'audio');
    assert.equal(v.codec_name, codec);
    assert.equal(v.width, 320);
    assert.equal(v.height, 240);
    assert.equal(Number(v.nb_read_frames), 90);
    assert.equal(a.codec_name, 'opus');
    assert.equal(a.channels, channels);
    assert.equal(Number(a.sample_rate), 48000);
    if (mode === 'seekable') {
      assert.ok(Math.abs(Number(probe.format.duration) - 3) < 0.03, `duration ${probe.format.duration}`);
    }
    assert.equal(ffmpegDecodeErrors(path), '');
    if (mode === 'seekable') {
      // A seek lands on the keyframe cluster at 1.5 s (through the Cues) and decodes cleanly.
      const r = run('ffmpeg', ['-v', 'error', '-nostdin', '-ss', '2.2', '-i', path, '-frames:v', '5', '-f', 'null', '-']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), '');
    }
    // And our own demuxer reads it back: every frame, in order, keyframes where expected.
    const dmx = core.createWebmDemuxer(file);
    assert.equal(dmx.info.video.codec, codec);
    assert.equal(dmx.info.audio.channels, channels);
    if (mode === 'seekable') assert.ok(Math.abs(dmx.info.duration - 3e6) < 30000);
    else assert.equal(dmx.info.duration, null);
    let video = 0, audio = 0, last = -1;
    for (const p of dmx) {
      if (p.track === 'video') {
        assert.ok(p.timestamp > last);
        last = p.timestamp;
        assert.equal(p.keyframe, video % 45 === 0, `frame ${video}`);
        video++;
      } else {
        audio++;
      }
    }
    assert.equal(video, 90);
    assert.ok(audio >= 149 && audio <= 151, `${audio} audio packets`);
    dmx.close();
  });
}

test('a truncated recording gives its frames, then MC_EFORMAT; garbage is refused', () => {
  const file = record({ codec: 'vp8', width: 160, height: 120, channels: 1, seconds: 1 });
  const cut = file.subarray(0, Math.floor(file.byteLength * 0.7));
  const dmx = core.createWebmDemuxer(cut);
  let n = 0;
  assert.equal(code(() => { while (dmx.next()) n++; }), 'MC_EFORMAT');
  assert.ok(n > 20, `${n} frames before the cut`);
  assert.equal(code(() => dmx.next()), 'MC_EFORMAT');   // stays failed
  dmx.close();
  dmx.close();
  assert.equal(code(() => core.createWebmDemuxer(new Uint8Array(100).fill(7))), 'MC_EFORMAT');
  assert.equal(code(() => core.createWebmDemuxer('not bytes')), 'MC_EINVAL');
});

test('muxer and recorder misuse is reported', () => {
  assert.equal(code(() => core.createWebmMuxer({})), 'MC_EINVAL');
  assert.equal(code(() => core.createWebmMuxer({ video: { codec: 'vp7' } })), 'MC_ENAME');
  assert.equal(code(() => core.createWebmMuxer({ mode: 'fast', video: {} })), 'MC_ENAME');
  const mux = core.createWebmMuxer({ video: { codec: 'vp9', width: 64, height: 64 } });
  assert.equal(code(() => mux.addAudio(new Uint8Array(3), { timestamp: 0 })), 'MC_EINVAL');
  mux.addVideo(new Uint8Array(3), { timestamp: 1000, keyframe: true });
  assert.equal(code(() => mux.addVideo(new Uint8Array(3), { timestamp: 1000 })), 'MC_ERANGE');
  const { header } = mux.finish();
  assert.ok(header.byteLength > 0);
  assert.equal(code(() => mux.finish()), 'MC_ESTATE');
  mux.close();
  assert.equal(code(() => mux.take()), 'MC_ESTATE');
  assert.equal(code(() => core.createRecorder({})), 'MC_EINVAL');
  const rec = core.createRecorder({ video: { width: 64, height: 48 } });
  assert.equal(code(() => rec.addAudio(new Float32Array(128))), 'MC_EINVAL');
  rec.addVideoFrame({ data: new Uint8ClampedArray(64 * 48 * 4), width: 64, height: 48 }, 0);
  rec.finish();
  assert.equal(code(() => rec.addVideoFrame({ data: new Uint8ClampedArray(64 * 48 * 4), width: 64, height: 48 }, 1)), 'MC_ESTATE');
  rec.close();
});
