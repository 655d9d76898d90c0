// The photobooth's Record button in Chromium: a 3 s recording of the fake camera (through
// the filter, in the Worker) and the fake microphone (through an AudioWorklet) becomes a
// WebM file that plays back in the page with the right duration and size, and that ffprobe
// reads as VP8 + Opus. Also: the codecs from a module Worker.
import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startBrowser, watchErrors } from './harness.mjs';
import { ffprobe, scratchDir } from '../lib/media.mjs';

const env = await startBrowser({ args: ['--autoplay-policy=no-user-gesture-required'] });
const tmp = scratchDir('mediacore-record-');
test.after(async () => {
  await env.close();
  tmp.cleanup();
});

test('the photobooth records 3 s of filtered video and microphone audio to WebM that plays back', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${env.url}/photobooth/`);
  await page.waitForSelector('body[data-state="running"]', { timeout: 60_000 });
  await page.click('button[data-filter="sepia"]');
  await page.waitForFunction(() => !document.getElementById('record').disabled);
  await page.click('#record');
  await page.waitForSelector('body[data-recording="true"]', { timeout: 20_000 });
  assert.match(await page.textContent('#status'), /Recording 640×480 VP8 and Opus audio/);
  const started = Date.now();
  await page.waitForFunction(() => /0:0[3-9]/.test(document.getElementById('record-timer').textContent), null, { timeout: 20_000 });
  await page.waitForTimeout(Math.max(0, 3000 - (Date.now() - started)));
  await page.click('#record');
  await page.waitForSelector('body[data-recordings="1"]', { timeout: 30_000 });
  assert.match(await page.textContent('#status'), /Recorded \d+\.\d s: \d+ frames/);

  // The page plays its own recording: metadata, then a few frames.
  const played = await page.evaluate(async () => {
    const v = document.getElementById('playback');
    if (v.readyState < 1) await new Promise((resolve, reject) => { v.onloadedmetadata = resolve; v.onerror = () => reject(new Error(`playback error ${v.error?.code}`)); });
    v.muted = true;
    await v.play();
    await new Promise((resolve) => setTimeout(resolve, 700));
    const out = { duration: v.duration, width: v.videoWidth, height: v.videoHeight, time: v.currentTime, error: v.error?.code ?? null };
    v.pause();
    return out;
  });
  assert.equal(played.error, null);
  assert.equal(played.width, 640);
  assert.equal(played.height, 480);
  assert.ok(played.duration > 2.7 && played.duration < 4.5, `duration ${played.duration}`);
  assert.ok(played.time > 0.2, `played to ${played.time} s`);

  // The same bytes, judged by ffprobe.
  const bytes = await page.evaluate(async () => {
    const blob = await (await fetch(document.getElementById('download-webm').href)).blob();
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  const file = tmp.path('photobooth.webm');
  writeFileSync(file, Buffer.from(bytes));
  const probe = ffprobe(file);
  const v = probe.streams.find((s) => s.codec_type === 'video');
  const a = probe.streams.find((s) => s.codec_type === 'audio');
  assert.equal(v.codec_name, 'vp8');
  assert.equal(v.width, 640);
  assert.equal(v.height, 480);
  assert.ok(Number(v.nb_read_frames) > 30, `${v.nb_read_frames} frames`);
  assert.equal(a.codec_name, 'opus');
  assert.ok(Math.abs(Number(probe.format.duration) - played.duration) < 0.1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the codecs work in a module Worker', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${env.url}/`);
  const result = await page.evaluate(async () => {
    const src = `
      import { createMediaCore } from '${location.origin}/mediacore.js';
      const core = await createMediaCore();
      const enc = core.createVideoEncoder({ codec: 'vp9', width: 160, height: 120 });
      const dec = core.createVideoDecoder({ codec: 'vp9' });
      const frame = { data: new Uint8ClampedArray(160 * 120 * 4).fill(180), width: 160, height: 120 };
      let decoded = 0;
      for (let i = 0; i < 10; i++) for (const p of enc.encode(frame)) if (dec.decode(p.data)) decoded++;
      const aenc = core.createAudioEncoder();
      const packets = aenc.encode(new Float32Array(960 * 5));
      const rec = core.createRecorder({ video: { width: 160, height: 120 }, audio: {} });
      rec.addVideoFrame(frame, 0);
      rec.addAudio(new Float32Array(960));
      const file = rec.finish();
      for (const o of [enc, dec, aenc, rec]) o.close();
      postMessage({ decoded, packets: packets.length, bytes: file.byteLength, simd: core.features.simd });
    `;
    const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
    return new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => resolve(data);
      worker.onerror = (e) => reject(new Error(e.message));
    });
  });
  assert.equal(result.decoded, 10);
  assert.equal(result.packets, 5);
  assert.ok(result.bytes > 200);
  assert.equal(result.simd, true);
  assert.deepEqual(errors, []);
  await page.close();
});
