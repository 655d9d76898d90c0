// An independent JavaScript statement of the filter maths (frame.h): the W3C matrices in
// Q15, rounded to nearest, clamped, alpha untouched. Tests compare the module to it byte
// for byte, and to the real-valued matrices within rounding.
export const GRAY = [[0.2126, 0.7152, 0.0722], [0.2126, 0.7152, 0.0722], [0.2126, 0.7152, 0.0722]];
export const SEPIA = [[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]];

const q15 = (m) => m.map((row) => row.map((c) => Math.round(c * 32768)));
const GRAY_Q15 = q15(GRAY);
const SEPIA_Q15 = q15(SEPIA);

/** Filter RGBA bytes (width*4 per row, no padding) in place, as the core must. */
export function referenceFilter(bytes, name) {
  if (name === 'none') return bytes;
  if (name === 'invert') {
    for (let i = 0; i < bytes.length; i += 4) {
      bytes[i] = 255 - bytes[i];
      bytes[i + 1] = 255 - bytes[i + 1];
      bytes[i + 2] = 255 - bytes[i + 2];
    }
    return bytes;
  }
  const m = name === 'grayscale' ? GRAY_Q15 : SEPIA_Q15;
  for (let i = 0; i < bytes.length; i += 4) {
    const r = bytes[i], g = bytes[i + 1], b = bytes[i + 2];
    for (let c = 0; c < 3; c++) {
      const v = (m[c][0] * r + m[c][1] * g + m[c][2] * b + 16384) >> 15;
      bytes[i + c] = v > 255 ? 255 : v;
    }
  }
  return bytes;
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function randomBytes(length, seed = 1) {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 255;
  }
  return out;
}
