// Photobooth worker: owns the preview canvas (an OffscreenCanvas) and the media core.
// Messages: init {canvas, width, height}, frame {bitmap, filter, caption}, capture,
// recordStart {audio}, recordStop (recording.js). Each
// gets a reply with the same id: {type: 'ok', ...} or {type: 'error', message}.
// A frame is drawn, filtered, then captioned by the core, all here: whatever later reads
// the canvas (the preview, a capture) sees the same pixels.
import { createMediaCore } from '../mediacore.js';
import { drawTextItems } from '../lib/overlay.js';
import { captionItems } from './caption.js';
import { Recording } from './recording.js';

let core = null;
let canvas = null;
let ctx = null;
let recording = null;   // while recording: every frame drawn goes to it (recording.js)

const handlers = {
  async init({ canvas: c, width, height }) {
    canvas = c;
    canvas.width = width;
    canvas.height = height;
    ctx = canvas.getContext('2d', { willReadFrequently: true });
    core = await createMediaCore();
    return { simd: core.features.simd };
  },

  frame({ bitmap, filter, caption }) {
    const { width, height } = canvas;
    ctx.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const items = captionItems(core, caption, width, height);
    if (filter !== 'none') {
      const frame = ctx.getImageData(0, 0, width, height);
      core.filter(frame, filter);
      drawTextItems(core, ctx, width, height, items, frame);
      ctx.putImageData(frame, 0, 0);
    } else {
      drawTextItems(core, ctx, width, height, items);
    }
    if (recording) recording.addFrame(ctx.getImageData(0, 0, width, height));
    return {};
  },

  /** Start recording what is drawn; audio: { sampleRate, channels, port } or null. */
  recordStart({ audio }) {
    if (recording) throw new Error('already recording');
    recording = new Recording(core, { width: canvas.width, height: canvas.height, audio });
    return {};
  },

  /** Stop: the WebM file's bytes (transferred), frame count and duration. */
  recordStop() {
    if (!recording) throw new Error('not recording');
    const r = recording;
    recording = null;
    const { bytes, frames, duration } = r.stop();
    return { bytes, frames, duration, transfer: [bytes.buffer] };
  },

  async capture() {
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const bitmap = await createImageBitmap(canvas);
    return { blob, bitmap, transfer: [bitmap] };
  },
};

self.onmessage = async ({ data }) => {
  try {
    const { transfer = [], ...result } = await handlers[data.type](data);
    self.postMessage({ type: 'ok', id: data.id, ...result }, transfer);
  } catch (err) {
    self.postMessage({ type: 'error', id: data.id, message: err.message });
  }
};
