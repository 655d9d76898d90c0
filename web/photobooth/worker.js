// Photobooth worker: owns the preview canvas (an OffscreenCanvas) and the media core.
// Messages: init {canvas, width, height}, frame {bitmap, filter}, capture. Each gets a
// reply with the same id: {type: 'ok', ...} or {type: 'error', message}.
import { createMediaCore } from '../mediacore.js';

let core = null;
let canvas = null;
let ctx = null;

const handlers = {
  async init({ canvas: c, width, height }) {
    canvas = c;
    canvas.width = width;
    canvas.height = height;
    ctx = canvas.getContext('2d', { willReadFrequently: true });
    core = await createMediaCore();
    return { simd: core.features.simd };
  },

  frame({ bitmap, filter }) {
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    if (filter !== 'none') {
      const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
      core.filter(frame, filter);
      ctx.putImageData(frame, 0, 0);
    }
    return {};
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
