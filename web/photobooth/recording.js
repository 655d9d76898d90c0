// recording.js: the photobooth's recording, wherever the frames are made (the Worker, or
// the main thread as a fallback). The filtered, captioned frames go to a VP8 encoder and
// the microphone's PCM (from the AudioWorklet, through a MessagePort) to an Opus encoder;
// both feed the WebM muxer in the core (core.createRecorder). stop() returns the file.

export const RECORDING_FPS = 30;

export class Recording {
  #rec;
  #port;
  #t0;
  #last = -1;

  /**
   * @param core a MediaCore
   * @param width, height the frame size
   * @param audio { sampleRate, channels, port } or null: PCM blocks arrive on port
   */
  constructor(core, { width, height, audio = null }) {
    this.#rec = core.createRecorder({
      video: { codec: 'vp8', width, height, fps: RECORDING_FPS, bitrate: 2_000_000 },
      audio: audio ? { sampleRate: audio.sampleRate, channels: audio.channels, bitrate: 96_000 } : false,
    });
    this.#t0 = performance.now();
    this.error = null;
    if (audio) {
      this.#port = audio.port;
      this.#port.onmessage = ({ data }) => {
        try {
          this.#rec.addAudio(data);
        } catch (err) {
          this.error ??= err;
        }
      };
    }
  }

  /** Add the frame (an ImageData of the recorded size) as it is now. */
  addFrame(frame) {
    // Microseconds since the start; strictly increasing even on a coarse clock.
    const t = Math.max(this.#last + 1, Math.round((performance.now() - this.#t0) * 1000));
    this.#last = t;
    this.#rec.addVideoFrame(frame, t);
  }

  get frames() { return this.#rec.videoFrames; }

  /** End it: { bytes (Uint8Array, the WebM file), frames, duration (seconds) }. */
  stop() {
    if (this.#port) {
      this.#port.onmessage = null;
      this.#port.close();
    }
    try {
      if (this.error) throw this.error;
      const bytes = this.#rec.finish();
      return { bytes, frames: this.#rec.videoFrames, duration: this.#rec.duration / 1e6 };
    } finally {
      this.#rec.close();
    }
  }
}
