// media.mjs: helpers for the codec tests: quality measures, independent tools (Debian's
// ffmpeg, ffprobe, opusdec) run on files the module writes, and a small Ogg Opus writer.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Squared error and sample count between two contiguous I420 frames. */
export function sseI420(a, b) {
  if (a.length !== b.length) throw new Error(`frame sizes differ: ${a.length} vs ${b.length}`);
  let sse = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sse += d * d;
  }
  return { sse, count: a.length };
}

export function psnr(sse, count) {
  return sse === 0 ? 99 : 10 * Math.log10((255 * 255 * count) / sse);
}

export function md5(bytes) {
  return createHash('md5').update(bytes).digest('hex');
}

/** A scratch directory removed by the returned cleanup function. */
export function scratchDir(prefix = 'mediacore-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run a tool; returns { status, stdout, stderr } (strings). Never throws for exit codes. */
export function run(cmd, args, { input, timeout = 120_000 } = {}) {
  const r = spawnSync(cmd, args, { input, timeout, maxBuffer: 256 << 20, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** ffprobe's view of a file: format and streams (with counted frames). */
export function ffprobe(file) {
  const r = run('ffprobe', ['-v', 'error', '-count_frames', '-show_format', '-show_streams', '-of', 'json', file]);
  if (r.status !== 0) throw new Error(`ffprobe failed on ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Decode a file to nowhere with ffmpeg; returns its error output (empty when clean). */
export function ffmpegDecodeErrors(file) {
  const r = run('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-f', 'null', '-']);
  return (r.status === 0 ? '' : `exit ${r.status}\n`) + r.stderr.trim();
}

/** ffmpeg's own per-frame MD5s of the decoded video (yuv420p), in order. */
export function ffmpegFrameMd5(file) {
  const r = run('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-map', '0:v:0', '-pix_fmt', 'yuv420p', '-f', 'framemd5', '-']);
  if (r.status !== 0) throw new Error(`ffmpeg framemd5 failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop().trim());
}

/** Decode the audio of a file to interleaved float32 PCM at 48 kHz with ffmpeg. */
export function ffmpegDecodeAudio(file, channels) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-map', '0:a:0', '-f', 'f32le',
    '-ac', String(channels), '-ar', '48000', '-'], { maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`ffmpeg audio decode failed: ${r.stderr}`);
  return new Float32Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength / 4);
}

// --- Ogg (RFC 3533) with Opus (RFC 7845) ----------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = (r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1) >>> 0;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggCrc(bytes) {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 255]) >>> 0;
  return crc;
}

function oggPage(packet, { serial, seq, granule, flags }) {
  const segs = [];
  let n = packet.length;
  while (n >= 255) { segs.push(255); n -= 255; }
  segs.push(n);
  const page = new Uint8Array(27 + segs.length + packet.length);
  const v = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53], 0);   // "OggS"
  page[5] = flags;
  v.setBigInt64(6, BigInt(granule), true);
  v.setUint32(14, serial, true);
  v.setUint32(18, seq, true);
  page[26] = segs.length;
  page.set(segs, 27);
  page.set(packet, 27 + segs.length);
  v.setUint32(22, oggCrc(page), true);
  return page;
}

/**
 * An Ogg Opus file from 20 ms packets: OpusHead, OpusTags, then one packet per page with
 * the granule position (48 kHz samples including pre-skip) of its end.
 */
export function oggOpus(packets, { channels, preSkip, sampleRate = 48000 }) {
  const serial = 0x6d636f72;
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode('OpusHead'), 0);
  const hv = new DataView(head.buffer);
  head[8] = 1;
  head[9] = channels;
  hv.setUint16(10, preSkip, true);
  hv.setUint32(12, sampleRate, true);
  const vendor = new TextEncoder().encode('mediacore');
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  tags.set(new TextEncoder().encode('OpusTags'), 0);
  new DataView(tags.buffer).setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  const pages = [oggPage(head, { serial, seq: 0, granule: 0, flags: 0x02 }),
    oggPage(tags, { serial, seq: 1, granule: 0, flags: 0 })];
  let granule = preSkip;
  packets.forEach((p, i) => {
    granule += Math.round((p.duration * 48000) / 1e6);
    pages.push(oggPage(p.data, { serial, seq: i + 2, granule, flags: i === packets.length - 1 ? 0x04 : 0 }));
  });
  const out = new Uint8Array(pages.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pages) { out.set(p, at); at += p.length; }
  return out;
}

/** Decode an Ogg Opus file with opus-tools' opusdec to interleaved float PCM at 48 kHz. */
export function opusdec(file, channels) {
  const out = `${file}.raw`;
  const args = ['--quiet', '--rate', '48000', '--float'];
  if (channels === 2) args.push('--force-stereo');
  const r = run('opusdec', [...args, file, out]);
  if (r.status !== 0) throw new Error(`opusdec failed: ${r.stderr}`);
  const raw = readFileSync(out);
  rmSync(out, { force: true });
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

export { writeFileSync };

/** Mono float PCM (-1..1) as a 16-bit WAV file (for Chromium's fake microphone). */
export function writeWav(file, pcm, sampleRate) {
  const data = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, pcm[i])) * 32767), 2 * i);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);            // fmt chunk size
  head.writeUInt16LE(1, 20);             // PCM
  head.writeUInt16LE(1, 22);             // mono
  head.writeUInt32LE(sampleRate, 24);
  head.writeUInt32LE(sampleRate * 2, 28);
  head.writeUInt16LE(2, 32);             // block align
  head.writeUInt16LE(16, 34);            // bits per sample
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([head, data]));
  return file;
}

/** Amplitude of the `freq` Hz component of pcm (Goertzel over the whole array). */
export function toneAmplitude(pcm, freq, sampleRate) {
  const k = 2 * Math.cos((2 * Math.PI * freq) / sampleRate);
  let s1 = 0, s2 = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s0 = pcm[i] + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2))) / pcm.length;
}

/** The frequency in [lo, hi] Hz (step Hz apart) with the largest toneAmplitude. */
export function dominantFrequency(pcm, sampleRate, { lo = 20, hi = 8000, step = 1 } = {}) {
  let best = lo, bestAmp = -1;
  for (let f = lo; f <= hi; f += step) {
    const a = toneAmplitude(pcm, f, sampleRate);
    if (a > bestAmp) { best = f; bestAmp = a; }
  }
  return best;
}

/** Root mean square of pcm. */
export function rms(pcm) {
  let s = 0;
  for (let i = 0; i < pcm.length; i++) s += pcm[i] * pcm[i];
  return Math.sqrt(s / pcm.length);
}
