// Photobooth: live camera preview filtered and captioned by the wasm core, capture,
// download as PNG.
//
// Where the browser allows it (module Workers and OffscreenCanvas), frames are filtered in
// a Worker that owns the preview canvas, so the page stays responsive; otherwise on the
// main thread. Either way one frame is in flight at a time: a slow machine drops frames
// instead of queueing them.
import { createMediaCore, FILTERS } from '../mediacore.js';
import { openCamera } from '../lib/camera.js';
import { drawTextItems } from '../lib/overlay.js';
import { captionItems, DEFAULT_CAPTION } from './caption.js';

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'), preview: $('preview'), snapshot: $('snapshot'), video: $('video'),
  capture: $('capture'), download: $('download'), info: $('info'), filters: $('filters'),
  caption: $('caption'), captionSize: $('caption-size'), captionSizeValue: $('caption-size-value'),
  captionColor: $('caption-color'), captionPosition: $('caption-position'),
  captionBox: $('caption-box'), timestamp: $('timestamp'),
};

let filter = 'none';
let caption = { ...DEFAULT_CAPTION };   // sent with every frame
let frames = 0;

function setStatus(text, kind = '') {
  ui.status.textContent = text;
  ui.status.className = `status ${kind}`;
}

function setFilter(name) {
  filter = name;
  document.body.dataset.filter = name;
  for (const b of ui.filters.querySelectorAll('button')) {
    b.setAttribute('aria-pressed', String(b.dataset.filter === name));
  }
}

/** Filters in a module Worker that draws straight into the transferred preview canvas. */
class WorkerPipeline {
  static supported() {
    return typeof Worker === 'function' && typeof OffscreenCanvas === 'function' &&
      typeof HTMLCanvasElement.prototype.transferControlToOffscreen === 'function';
  }

  constructor(canvas, width, height) {
    this.mode = 'worker';
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.pending = new Map();
    this.seq = 0;
    this.worker.onmessage = ({ data }) => {
      const done = this.pending.get(data.id);
      this.pending.delete(data.id);
      if (!done) return;
      if (data.type === 'error') done.reject(new Error(data.message));
      else done.resolve(data);
    };
    this.worker.onerror = (e) => {
      for (const { reject } of this.pending.values()) reject(new Error(e.message || 'worker failed'));
      this.pending.clear();
    };
    const offscreen = canvas.transferControlToOffscreen();
    this.ready = this.call({ type: 'init', canvas: offscreen, width, height }, [offscreen]);
  }

  call(message, transfer = []) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  async render(video, name, overlay) {
    const bitmap = await createImageBitmap(video);
    await this.call({ type: 'frame', bitmap, filter: name, caption: overlay }, [bitmap]);
  }

  async capture() {
    const { blob, bitmap } = await this.call({ type: 'capture' });
    return { blob, image: bitmap };
  }
}

/** The same work on the main thread, for browsers without OffscreenCanvas in Workers. */
class MainPipeline {
  constructor(canvas, width, height) {
    this.mode = 'main';
    this.canvas = canvas;
    canvas.width = width;
    canvas.height = height;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.ready = createMediaCore().then((core) => {
      this.core = core;
      return { simd: core.features.simd };
    });
  }

  async render(video, name, overlay) {
    const { width, height } = this.canvas;
    this.ctx.drawImage(video, 0, 0, width, height);
    const items = captionItems(this.core, overlay, width, height);
    if (name === 'none') {
      drawTextItems(this.core, this.ctx, width, height, items);
      return;
    }
    const frame = this.ctx.getImageData(0, 0, width, height);
    this.core.filter(frame, name);
    drawTextItems(this.core, this.ctx, width, height, items, frame);
    this.ctx.putImageData(frame, 0, 0);
  }

  async capture() {
    const blob = await new Promise((resolve) => this.canvas.toBlob(resolve, 'image/png'));
    return { blob, image: this.canvas };
  }
}

async function main() {
  setFilter('none');
  let stream;
  try {
    stream = await openCamera({ width: 640, height: 480 });
  } catch (err) {
    document.body.dataset.state = 'error';
    setStatus(err.message, 'error');
    return;
  }
  ui.video.srcObject = stream;
  await ui.video.play();
  const width = ui.video.videoWidth || 640;
  const height = ui.video.videoHeight || 480;

  const Pipeline = WorkerPipeline.supported() ? WorkerPipeline : MainPipeline;
  const pipeline = new Pipeline(ui.preview, width, height);
  let info;
  try {
    info = await pipeline.ready;
  } catch (err) {
    document.body.dataset.state = 'error';
    setStatus(`The media core did not load: ${err.message}`, 'error');
    return;
  }
  document.body.dataset.mode = pipeline.mode;
  ui.info.textContent = `${width}×${height}, ${info.simd ? 'SIMD128' : 'baseline'} module, ${pipeline.mode === 'worker' ? 'in a Worker' : 'on the main thread'}`;

  // Controls.
  ui.filters.addEventListener('click', (e) => {
    const name = e.target.closest('button')?.dataset.filter;
    if (name) setFilter(name);
  });
  ui.preview.addEventListener('click', () => {
    setFilter(FILTERS[(FILTERS.indexOf(filter) + 1) % FILTERS.length]);
  });
  const readCaption = () => {
    caption = {
      caption: ui.caption.value,
      size: Number(ui.captionSize.value),
      color: ui.captionColor.value,
      position: ui.captionPosition.value,
      box: ui.captionBox.checked,
      timestamp: ui.timestamp.checked,
    };
    ui.captionSizeValue.textContent = String(caption.size);
  };
  for (const el of [ui.caption, ui.captionSize, ui.captionColor, ui.captionPosition, ui.captionBox, ui.timestamp]) {
    el.addEventListener('input', readCaption);
    el.addEventListener('change', readCaption);
  }
  readCaption();
  let downloadUrl = null;
  ui.capture.addEventListener('click', async () => {
    ui.capture.disabled = true;
    try {
      const { blob, image } = await pipeline.capture();
      ui.snapshot.width = width;
      ui.snapshot.height = height;
      ui.snapshot.getContext('2d').drawImage(image, 0, 0);
      if (downloadUrl) URL.revokeObjectURL(downloadUrl);
      downloadUrl = URL.createObjectURL(blob);
      ui.download.href = downloadUrl;
      ui.download.setAttribute('aria-disabled', 'false');
      document.body.dataset.captures = String(Number(document.body.dataset.captures ?? 0) + 1);
      setStatus(`Captured a ${width}×${height} photo (${filter}).`, 'ok');
    } catch (err) {
      setStatus(`Capture failed: ${err.message}`, 'error');
    } finally {
      ui.capture.disabled = false;
    }
  });

  // Frame loop: one frame in flight; frames that arrive meanwhile are skipped.
  let busy = false;
  const nextFrame = ui.video.requestVideoFrameCallback
    ? (cb) => ui.video.requestVideoFrameCallback(cb)
    : (cb) => requestAnimationFrame(cb);
  const tick = async () => {
    if (!busy) {
      busy = true;
      try {
        await pipeline.render(ui.video, filter, caption);
        frames++;
        document.body.dataset.frames = String(frames);
      } catch (err) {
        setStatus(`Filtering failed: ${err.message}`, 'error');
      } finally {
        busy = false;
      }
    }
    nextFrame(tick);
  };
  nextFrame(tick);

  ui.capture.disabled = false;
  document.body.dataset.state = 'running';
  setStatus('Click the picture or a button to change the filter.');
}

main();
