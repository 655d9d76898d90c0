// Writes a still, colourful test video as Y4M (I420), for Chromium's
// --use-file-for-fake-video-capture: every frame the "camera" delivers is the same image,
// so two captures taken with different filters start from identical pixels.
import { writeFile } from 'node:fs/promises';

export async function writeStillY4m(file, { width = 640, height = 480, frames = 3 } = {}) {
  const ySize = width * height;
  const cw = width / 2, ch = height / 2;
  const frame = new Uint8Array(ySize + 2 * cw * ch);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      frame[y * width + x] = 16 + Math.round((219 * ((x + y) % 256)) / 255);
    }
  }
  // Chroma in 8x6 blocks of different colours, from muted to saturated.
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const bx = Math.floor((x * 8) / cw), by = Math.floor((y * 6) / ch);
      frame[ySize + y * cw + x] = (bx * 37 + by * 53) % 240 + 8;             // U
      frame[ySize + cw * ch + y * cw + x] = (bx * 71 + by * 29 + 90) % 240 + 8; // V
    }
  }
  return writeY4m(file, { width, height }, Array(frames).fill(frame));
}

/** Write I420 frames (an iterable of Uint8Arrays, Y then U then V) as a Y4M file. */
export async function writeY4m(file, { width, height, fps = 30 }, frames) {
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (const frame of frames) parts.push(Buffer.from('FRAME\n'), frame);
  await writeFile(file, Buffer.concat(parts));
  return file;
}
