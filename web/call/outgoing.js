// outgoing.js: the call demo's outgoing video. Camera frames go through a list of stages
// (each may change the RGBA pixels in place), are drawn on a canvas, and the canvas is
// captured as the MediaStreamTrack that is sent to the peer:
//
//   camera track -> <video> -> canvas -> ImageData -> stage, stage, ... -> canvas -> captureStream()
//
// This is THE place where outgoing frames are processed. A stage is
//   { name, process(frame, info) }
// where `frame` is an ImageData (RGBA, width x height) to change in place and `info` is
// { frameNumber, time (ms, performance.now()), width, height }. Stages run in order; a stage
// that throws is reported once and skipped for that frame. The built-in 'filter' stage runs
// core.filter() (grayscale, sepia, invert) in the wasm core. Other features add theirs:
//
//   outgoing.addStage({ name: 'overlay', process(frame, info) { core.drawText(frame, ...) } });
//   outgoing.addStage({ name: 'encoder', process(frame) { /* read the processed frame */ } });
//
// When no stage has work to do (filter 'none', nothing else added), frames are drawn
// without reading pixels back, so a plain call costs only the canvas copy.

export class OutgoingVideo {
  #core;
  #video;
  #canvas;
  #ctx;
  #stages = [];
  #filter = 'none';
  #frameNumber = 0;
  #running = false;
  #stream;
  #reported = new Set();

  /**
   * @param core a MediaCore (for the filter stage)
   * @param camera the camera MediaStream (its first video track is used)
   * @param canvas the canvas that is captured (and may be shown as the local preview)
   * @param fps frame rate of the captured track
   */
  constructor({ core, camera, canvas, fps = 30 }) {
    this.#core = core;
    this.#canvas = canvas;
    this.#video = document.createElement('video');
    this.#video.muted = true;
    this.#video.playsInline = true;
    this.#video.srcObject = new MediaStream(camera.getVideoTracks());
    this.#stream = canvas.captureStream(fps);
    this.addStage({
      name: 'filter',
      active: () => this.#filter !== 'none',
      process: (frame) => this.#core.filter(frame, this.#filter),
    });
    /** Called with an Error when a stage fails (once per stage). */
    this.onerror = null;
    /** Called after every frame with { frameNumber }. */
    this.onframe = null;
  }

  /** The processed video, to add to an RTCPeerConnection. */
  get track() { return this.#stream.getVideoTracks()[0]; }
  get stream() { return this.#stream; }
  get width() { return this.#canvas.width; }
  get height() { return this.#canvas.height; }
  get filter() { return this.#filter; }
  get frameNumber() { return this.#frameNumber; }

  /** 'none' | 'grayscale' | 'sepia' | 'invert' */
  setFilter(name) {
    this.#filter = name;
  }

  /**
   * Add a stage ({ name, process(frame, info), active?() }). `before`: the name of a stage
   * to run it before (default: at the end). Returns a function that removes it.
   */
  addStage(stage, { before } = {}) {
    if (!stage || typeof stage.process !== 'function') throw new TypeError('a stage needs process(frame, info)');
    const i = before ? this.#stages.findIndex((s) => s.name === before) : -1;
    if (i >= 0) this.#stages.splice(i, 0, stage);
    else this.#stages.push(stage);
    return () => this.removeStage(stage.name);
  }

  removeStage(name) {
    this.#stages = this.#stages.filter((s) => s.name !== name);
  }

  get stages() { return this.#stages.map((s) => s.name); }

  async start() {
    if (this.#running) return;
    await this.#video.play();
    const width = this.#video.videoWidth || 640;
    const height = this.#video.videoHeight || 480;
    this.#canvas.width = width;
    this.#canvas.height = height;
    this.#ctx = this.#canvas.getContext('2d', { willReadFrequently: true });
    this.#running = true;
    const next = this.#video.requestVideoFrameCallback
      ? (cb) => this.#video.requestVideoFrameCallback(cb)
      : (cb) => requestAnimationFrame(cb);
    const tick = () => {
      if (!this.#running) return;
      this.#render();
      next(tick);
    };
    next(tick);
  }

  stop() {
    this.#running = false;
    this.track?.stop();
    this.#video.srcObject = null;
  }

  #render() {
    const { width, height } = this.#canvas;
    this.#ctx.drawImage(this.#video, 0, 0, width, height);
    const active = this.#stages.filter((s) => (s.active ? s.active() : true));
    if (active.length) {
      const frame = this.#ctx.getImageData(0, 0, width, height);
      const info = { frameNumber: this.#frameNumber, time: performance.now(), width, height };
      for (const stage of active) {
        try {
          stage.process(frame, info);
        } catch (err) {
          if (!this.#reported.has(stage.name)) {
            this.#reported.add(stage.name);
            this.onerror?.(new Error(`outgoing stage "${stage.name}" failed: ${err.message}`, { cause: err }));
          }
        }
      }
      this.#ctx.putImageData(frame, 0, 0);
    }
    this.#frameNumber++;
    this.onframe?.({ frameNumber: this.#frameNumber });
  }
}
