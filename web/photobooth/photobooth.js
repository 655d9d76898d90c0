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
import { createAudioContext, startCapture } from '../lib/audio-io.js';
import { Recording } from './recording.js';

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'), preview: $('preview'), snapshot: $('snapshot'), video: $('video'),
  capture: $('capture'), download: $('download'), info: $('info'), filters: $('filters'),
  caption: $('caption'), captionSize: $('caption-size'), captionSizeValue: $('caption-size-value'),
  captionColor: $('caption-color'), captionPosition: $('caption-position'),
  captionBox: $('caption-box'), timestamp: $('timestamp'),
  record: $('record'), recordTimer: $('record-timer'), downloadWebm: $('download-webm'),
  playback: $('playback'),
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

  /** Record the frames the Worker draws; audio: { sampleRate, channels, port } or null. */
  async recordStart(audio) {
    await this.call({ type: 'recordStart', audio }, audio ? [audio.port] : []);
  }

  /** { bytes, frames, duration } */
  async recordStop() {
    return this.call({ type: 'recordStop' });
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
      this.recording?.addFrame(this.ctx.getImageData(0, 0, width, height));
      return;
    }
    const frame = this.ctx.getImageData(0, 0, width, height);
    this.core.filter(frame, name);
    drawTextItems(this.core, this.ctx, width, height, items, frame);
    this.ctx.putImageData(frame, 0, 0);
    this.recording?.addFrame(this.ctx.getImageData(0, 0, width, height));
  }

  async recordStart(audio) {
    this.recording = new Recording(this.core, { width: this.canvas.width, height: this.canvas.height, audio });
  }

  async recordStop() {
    const r = this.recording;
    this.recording = null;
    return r.stop();
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

  setupRecording(pipeline, width, height);
  ui.capture.disabled = false;
  document.body.dataset.state = 'running';
  setStatus('Click the picture or a button to change the filter.');
}

/**
 * Record: the filtered, captioned preview (VP8) and the microphone (Opus, from an
 * AudioWorklet) to WebM in the core, with a timer; then download it and play it back.
 * Without a microphone (or permission) the recording is video only, and says so.
 */
function setupRecording(pipeline, width, height) {
  let rec = null;
  let url = null;
  const clock = () => {
    const s = Math.floor((performance.now() - rec.t0) / 1000);
    ui.recordTimer.textContent = `● ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  };

  async function start() {
    let mic = null, actx = null, capture = null, audio = null, note = '';
    try {
      // The sound as the microphone hears it: the call-oriented processing (echo
      // cancellation, noise suppression, automatic gain) has no far end to cancel here,
      // and it fades steady sounds such as music or a tone within seconds.
      mic = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
      actx = createAudioContext();
      if (![8000, 12000, 16000, 24000, 48000].includes(actx.sampleRate)) {
        throw new Error(`the audio runs at ${actx.sampleRate} Hz, which Opus cannot take`);
      }
      await actx.resume();
      capture = await startCapture(actx, mic, { channels: 1 });
      audio = { sampleRate: actx.sampleRate, channels: 1, port: capture.port };
    } catch (err) {
      for (const t of mic?.getTracks() ?? []) t.stop();
      capture?.stop();
      actx?.close();
      mic = actx = capture = null;
      note = ` Video only: no microphone (${err.message}).`;
    }
    await pipeline.recordStart(audio);
    rec = { t0: performance.now(), mic, actx, capture, timer: 0 };
    rec.timer = setInterval(clock, 250);
    clock();
    ui.record.textContent = 'Stop';
    ui.record.setAttribute('aria-pressed', 'true');
    document.body.dataset.recording = 'true';
    setStatus(`Recording ${width}×${height} VP8${audio ? ' and Opus audio' : ''} to WebM…${note}`);
  }

  async function stop() {
    const r = rec;
    rec = null;
    clearInterval(r.timer);
    const { bytes, frames, duration } = await pipeline.recordStop();
    r.capture?.stop();
    for (const t of r.mic?.getTracks() ?? []) t.stop();
    r.actx?.close();
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob([bytes], { type: 'video/webm' }));
    ui.downloadWebm.href = url;
    ui.downloadWebm.setAttribute('aria-disabled', 'false');
    ui.playback.src = url;
    ui.playback.hidden = false;
    ui.record.textContent = 'Record';
    ui.record.setAttribute('aria-pressed', 'false');
    ui.recordTimer.textContent = `${duration.toFixed(1)} s`;
    document.body.dataset.recording = 'false';
    document.body.dataset.recordings = String(Number(document.body.dataset.recordings ?? 0) + 1);
    document.body.dataset.recordingBytes = String(bytes.byteLength);
    setStatus(`Recorded ${duration.toFixed(1)} s: ${frames} frames, ${(bytes.byteLength / 1024).toFixed(0)} KiB of WebM. Play it below or download it.`, 'ok');
  }

  ui.record.addEventListener('click', async () => {
    ui.record.disabled = true;
    try {
      if (rec) await stop();
      else await start();
    } catch (err) {
      setStatus(`Recording failed: ${err.message}`, 'error');
    } finally {
      ui.record.disabled = false;
    }
  });
  ui.record.disabled = false;
}

main();
