// Opus in the real .wasm modules through the shim: a tone-sweep round trip in both modules,
// Ogg Opus decoded by opus-tools' opusdec and WebM Opus decoded by ffmpeg (independent
// decoders), AudioWorklet-sized blocks, loss concealment and FEC, DTX, corrupt packets.
import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createMediaCore, MediaCoreError } from '../../web/mediacore.js';
import { scratchDir, oggOpus, opusdec, ffprobe, ffmpegDecodeAudio, ffmpegDecodeErrors } from '../lib/media.mjs';

const simd = await createMediaCore({ simd: true });
const base = await createMediaCore({ simd: false });
const tmp = scratchDir('mediacore-audio-');
test.after(() => {
  tmp.cleanup();
  simd.close();
  base.close();
});

const RATE = 48000;

/** A logarithmic sweep 100 Hz -> 8 kHz at amplitude 0.5; the right channel a quarter period later. */
function sweep(seconds, channels) {
  const n = Math.round(RATE * seconds), pcm = new Float32Array(n * channels);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * 100 * (8000 / 100) ** (i / n)) / RATE;
    pcm[i * channels] = 0.5 * Math.sin(phase);
    if (channels === 2) pcm[i * channels + 1] = 0.5 * Math.cos(phase);
  }
  return pcm;
}

/** SNR of out against ref (interleaved), out delayed by `delay` frames; skips 100 ms. */
function snr(ref, out, channels, delay) {
  let sig = 0, err = 0;
  const frames = Math.min(ref.length / channels, out.length / channels - delay);
  for (let i = RATE / 10; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const a = ref[i * channels + c], b = out[(i + delay) * channels + c];
      sig += a * a;
      err += (a - b) * (a - b);
    }
  }
  return 10 * Math.log10(sig / err);
}

/** Feed pcm in AudioWorklet-sized blocks of 128 frames; collect the packets. */
function encodeBlocks(enc, pcm, channels, block = 128) {
  const packets = [];
  for (let at = 0; at < pcm.length; at += block * channels) {
    packets.push(...enc.encode(pcm.subarray(at, Math.min(pcm.length, at + block * channels))));
  }
  packets.push(...enc.flush());
  return packets;
}

// The bound, as in tests/native/test_audio.c: on this sweep CELT tracks the waveform at
// about 32 dB; 20 dB leaves room for float differences between builds, while every broken
// path (a delay off by 1 ms, a swapped channel, clipping, a wrong rate) scores far below.
const SNR_BOUND = 20;

test('a tone sweep survives an Opus round trip in both modules (mono and stereo)', () => {
  for (const core of [simd, base]) {
    for (const [channels, bitrate] of [[1, 64000], [2, 128000]]) {
      const pcm = sweep(2, channels);
      const enc = core.createAudioEncoder({ channels, bitrate });
      const dec = core.createAudioDecoder({ channels });
      const packets = encodeBlocks(enc, pcm, channels);
      assert.equal(packets.length, 100);
      packets.forEach((p, i) => {
        assert.equal(p.timestamp, i * 20000);
        assert.equal(p.duration, 20000);
      });
      const out = new Float32Array(pcm.length + RATE * channels);
      let at = 0;
      for (const p of packets) {
        const f = dec.decode(p.data);
        assert.equal(f.length, 960 * channels);
        out.set(f, at);
        at += f.length;
      }
      const decoded = out.subarray(0, at);
      const s = snr(pcm, decoded, channels, enc.preSkip);
      console.log(`# simd=${core.features.simd} ${channels} ch: SNR ${s.toFixed(1)} dB (pre-skip ${enc.preSkip})`);
      assert.ok(s >= SNR_BOUND, `SNR ${s}`);
      assert.ok(snr(pcm, decoded, channels, enc.preSkip + 48) < 3, 'misaligned by 1 ms must fail the bound');
      enc.close();
      dec.close();
    }
  }
});

test('an Ogg Opus file of the packets decodes with opusdec to the same sweep', () => {
  for (const channels of [1, 2]) {
    const pcm = sweep(2, channels);
    const enc = simd.createAudioEncoder({ channels, bitrate: 64000 * channels });
    const packets = encodeBlocks(enc, pcm, channels, 480);
    const file = tmp.path(`sweep-${channels}.opus`);
    writeFileSync(file, oggOpus(packets, { channels, preSkip: enc.preSkip }));
    const out = opusdec(file, channels);
    // opusdec removes the pre-skip itself: sample i of its output is input sample i.
    const s = snr(pcm, out, channels, 0);
    console.log(`# opusdec ${channels} ch: ${out.length / channels} frames, SNR ${s.toFixed(1)} dB`);
    assert.ok(Math.abs(out.length / channels - pcm.length / channels) <= 960, `${out.length / channels} frames`);
    assert.ok(s >= SNR_BOUND, `SNR ${s}`);
    enc.close();
  }
});

test('a WebM Opus file from the muxer reads in ffprobe and decodes in ffmpeg to the same sweep', () => {
  const channels = 2, pcm = sweep(2, channels);
  const enc = simd.createAudioEncoder({ channels, bitrate: 128000 });
  const packets = encodeBlocks(enc, pcm, channels);
  const mux = simd.createWebmMuxer({ audio: { sampleRate: RATE, channels, preSkip: enc.preSkip } });
  const parts = [mux.take()];
  for (const p of packets) {
    mux.addAudio(p.data, p);
    parts.push(mux.take());
  }
  const { tail, header } = mux.finish();
  const bytes = Buffer.concat([...parts, tail]);
  bytes.set(header, 0);
  const file = tmp.path('sweep.webm');
  writeFileSync(file, bytes);
  const probe = ffprobe(file);
  assert.equal(probe.streams[0].codec_name, 'opus');
  assert.equal(Number(probe.streams[0].sample_rate), 48000);
  assert.equal(probe.streams[0].channels, 2);
  assert.ok(Math.abs(Number(probe.format.duration) - 2.02) < 0.03, `duration ${probe.format.duration}`);
  assert.equal(ffmpegDecodeErrors(file), '');
  const out = ffmpegDecodeAudio(file, channels);   // CodecDelay applied by ffmpeg
  const s = snr(pcm, out, channels, 0);
  console.log(`# ffmpeg WebM Opus: SNR ${s.toFixed(1)} dB`);
  assert.ok(s >= SNR_BOUND, `SNR ${s}`);
  enc.close();
  mux.close();
});

test('lost packets are concealed or rebuilt from FEC; corrupt packets are errors and decoding goes on', () => {
  const pcm = new Float32Array(RATE).map((_, i) => 0.4 * Math.sin((2 * Math.PI * 300 * i) / RATE));
  const enc = simd.createAudioEncoder({ application: 'voip', bitrate: 32000, fec: true, packetLoss: 20 });
  const dec = simd.createAudioDecoder();
  const packets = encodeBlocks(enc, pcm, 1);
  const energy = (x) => x.reduce((s, v) => s + v * v, 0);
  for (let i = 0; i < 10; i++) dec.decode(packets[i].data);
  const concealed = dec.decode(null);
  assert.equal(concealed.length, 960);
  assert.ok(energy(concealed) > 1);
  const rebuilt = dec.decodeFec(packets[12].data);
  assert.equal(rebuilt.length, 960);
  assert.ok(energy(rebuilt) > 1);
  const into = new Float32Array(5760);
  const view = dec.decode(packets[12].data, { into });
  assert.equal(view.buffer, into.buffer);
  assert.equal(view.length, 960);
  assert.throws(() => dec.decode(new Uint8Array([0x0b, 0x30, 1, 2, 3])), (e) => e instanceof MediaCoreError && e.code === 'MC_EFORMAT');
  assert.throws(() => dec.decode(packets[13].data, { into: new Float32Array(10) }), (e) => e.code === 'MC_EBUFSIZE');
  for (let i = 13; i < packets.length; i++) assert.equal(dec.decode(packets[i].data).length, 960);
  enc.close();
  dec.close();
});

test('DTX sends almost nothing for silence; options and PCM are checked', () => {
  const pcm = new Float32Array(RATE * 2);
  for (let i = 0; i < RATE / 2; i++) pcm[i] = 0.4 * Math.sin((2 * Math.PI * 440 * i) / RATE);
  const enc = simd.createAudioEncoder({ application: 'voip', dtx: true });
  const packets = encodeBlocks(enc, pcm, 1);
  assert.ok(packets.length >= 25 && packets.length < 60, `${packets.length} packets`);
  enc.close();
  const code = (fn) => {
    try { fn(); } catch (e) { assert.ok(e instanceof MediaCoreError); return e.code; }
    return 'no error';
  };
  assert.equal(code(() => simd.createAudioEncoder({ sampleRate: 44100 })), 'MC_ERANGE');
  assert.equal(code(() => simd.createAudioEncoder({ channels: 3 })), 'MC_ERANGE');
  assert.equal(code(() => simd.createAudioEncoder({ application: 'music' })), 'MC_ENAME');
  assert.equal(code(() => simd.createAudioEncoder({ fec: 1 })), 'MC_EINVAL');
  const stereo = simd.createAudioEncoder({ channels: 2 });
  assert.equal(code(() => stereo.encode(new Float32Array(3))), 'MC_EINVAL');
  assert.equal(code(() => stereo.encode([0, 0])), 'MC_EINVAL');
  assert.equal(code(() => stereo.setBitrate(1)), 'MC_ERANGE');
  stereo.close();
  stereo.close();
  assert.equal(code(() => stereo.encode(new Float32Array(2))), 'MC_ESTATE');
});
