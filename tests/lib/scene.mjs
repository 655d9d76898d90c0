// scene.mjs: the synthetic test video, the same picture tests/native/test_video.c draws
// (see the comment there): a textured background panning diagonally, a disc moving on a
// circle, a sweeping bar, a checkerboard patch and per-pixel noise that changes every
// frame. Integer maths except the sine table, so C and JavaScript draw identical bytes.
import { writeY4m } from './y4m.mjs';

const SINE = Int32Array.from({ length: 256 }, (_, i) => Math.round(127 * Math.sin((i * 2 * Math.PI) / 256)));

/** Draw frame `t` into rgba (Uint8Array/Uint8ClampedArray of w*h*4). */
export function drawScene(rgba, w, h, t) {
  const cx = Math.trunc(w / 2) + Math.trunc(Math.trunc(w / 4) * Math.cos(t * 0.05));
  const cy = Math.trunc(h / 2) + Math.trunc(Math.trunc(h / 4) * Math.sin(t * 0.05));
  const r2 = Math.trunc(h / 8) ** 2, bar = (t * 3) % h;
  // Per-column and per-row terms (u = x + 2t, v = y + t), then integer maths per pixel;
  // | 0 truncates towards zero like C's integer division of these small values.
  const colA = new Int32Array(w), colB = new Int32Array(w), rowA = new Int32Array(h), rowB = new Int32Array(h);
  const colHash = new Int32Array(w);
  for (let x = 0; x < w; x++) {
    const u = x + 2 * t;
    colA[x] = SINE[(u * 5) & 255];
    colB[x] = (SINE[((u / 3) | 0) & 255] / 3) | 0;
    colHash[x] = Math.imul(x, 73856093);
  }
  for (let y = 0; y < h; y++) {
    const v = y + t;
    rowA[y] = SINE[(v * 7) & 255];
    rowB[y] = (SINE[((v / 2) | 0) & 255] / 3) | 0;
  }
  // Diagonal terms, indexed by u + v - 3t (0 .. w + h - 2) and u - v - t + h - 1 (0 .. w + h - 2).
  const sum = new Int32Array(w + h), diff = new Int32Array(w + h);
  for (let i = 0; i < w + h; i++) {
    sum[i] = (SINE[((i + 3 * t) * 3) & 255] / 4) | 0;
    diff[i] = (SINE[(((i + t - h + 1) / 4) | 0) & 255] / 3) | 0;
  }
  const tHash = Math.imul(t, 83492791);
  let p = 0;
  for (let y = 0; y < h; y++) {
    const ra = rowA[y], rb = rowB[y], yHash = Math.imul(y, 19349663) ^ tHash;
    const inBar = y >= bar && y < bar + 12, dy2 = (y - cy) * (y - cy);
    for (let x = 0; x < w; x++, p += 4) {
      const tex = ((colA[x] * ra / 256) | 0) + sum[x + y];
      let hsh = (colHash[x] ^ yHash) >>> 0;
      hsh = (hsh ^ (hsh >>> 13)) >>> 0;
      hsh = Math.imul(hsh, 0x5bd1e995) >>> 0;
      hsh = (hsh ^ (hsh >>> 15)) >>> 0;
      const noise = (hsh % 7) - 3;
      let r = 128 + tex + colB[x] + noise;
      let g = 128 + ((tex / 2) | 0) + rb + noise;
      let b = 128 - tex + diff[x - y + h - 1] + noise;
      const dx = x - cx;
      if (dx * dx + dy2 < r2) { r = 240; g = 200; b = 40; }
      if (inBar) { r = 20; g = 20; b = 200; }
      if (x >= 32 && x < 96 && y >= 32 && y < 96) {
        const c = ((x >> 2) + (y >> 2)) & 1 ? 230 : 30;
        r = g = b = c;
      }
      rgba[p] = r < 0 ? 0 : r > 255 ? 255 : r;
      rgba[p + 1] = g < 0 ? 0 : g > 255 ? 255 : g;
      rgba[p + 2] = b < 0 ? 0 : b > 255 ? 255 : b;
      rgba[p + 3] = 255;
    }
  }
  return rgba;
}

/**
 * RGBA to contiguous I420 exactly as the module converts (libyuv's ABGRToI420, portable C
 * path: BT.601 limited range, chroma from the rounded half-sum of each 2x2 block), so a
 * test can compare what the encoder was given with what the decoder returns.
 */
export function rgbaToI420(rgba, w, h, out = new Uint8Array(w * h + 2 * ((w + 1) >> 1) * ((h + 1) >> 1))) {
  const cw = (w + 1) >> 1, ch = (h + 1) >> 1, ys = w * h;
  for (let i = 0, p = 0; i < ys; i++, p += 4) {
    out[i] = (66 * rgba[p] + 129 * rgba[p + 1] + 25 * rgba[p + 2] + 0x1080) >> 8;
  }
  for (let y = 0; y < ch; y++) {
    const r0 = 2 * y * w * 4, r1 = Math.min(2 * y + 1, h - 1) * w * 4;
    for (let x = 0; x < cw; x++) {
      const a = r0 + 8 * x, b = r1 + 8 * x;
      let sr, sg, sb;
      if (2 * x + 1 < w) {
        sr = (rgba[a] + rgba[a + 4] + rgba[b] + rgba[b + 4] + 1) >> 1;
        sg = (rgba[a + 1] + rgba[a + 5] + rgba[b + 1] + rgba[b + 5] + 1) >> 1;
        sb = (rgba[a + 2] + rgba[a + 6] + rgba[b + 2] + rgba[b + 6] + 1) >> 1;
      } else {
        sr = rgba[a] + rgba[b]; sg = rgba[a + 1] + rgba[b + 1]; sb = rgba[a + 2] + rgba[b + 2];
      }
      out[ys + y * cw + x] = ((56 * sb - 37 * sg - 19 * sr + 0x8080) >> 8) & 255;
      out[ys + cw * ch + y * cw + x] = ((56 * sr - 47 * sg - 9 * sb + 0x8080) >> 8) & 255;
    }
  }
  return out;
}

/** Write `frames` scene frames of w x h as a Y4M file (I420), for native tools and ffmpeg. */
export function writeSceneY4m(file, { width = 640, height = 480, frames = 300, fps = 30 } = {}) {
  const rgba = new Uint8Array(width * height * 4);
  function* scene() {
    for (let t = 0; t < frames; t++) {
      drawScene(rgba, width, height, t);
      yield rgbaToI420(rgba, width, height);
    }
  }
  return writeY4m(file, { width, height, fps }, scene());
}
