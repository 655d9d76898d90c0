// pcm-worklet.js: AudioWorklet processors that move PCM between Web Audio and the codecs.
// Loaded with audioContext.audioWorklet.addModule(); see audio-io.js for the helpers.
//
//   'mediacore-capture'  input -> interleaved Float32Array blocks of `blockFrames` frames,
//                        posted (transferred) on `this.port`, or on a MessagePort handed
//                        over with {type: 'port', port} (so PCM can go straight to a Worker).
//   'mediacore-player'   interleaved Float32Array chunks posted to it -> output, through a
//                        small jitter buffer: playback starts once `startFrames` are queued
//                        and restarts that way after running dry; overflow drops the oldest.

class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions ?? {};
    this.channels = o.channels === 2 ? 2 : 1;
    this.blockFrames = o.blockFrames ?? 960;
    this.out = this.port;
    this.block = new Float32Array(this.blockFrames * this.channels);
    this.filled = 0;
    this.port.onmessage = ({ data }) => {
      if (data?.type === 'port') this.out = data.port;
    };
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const frames = input[0].length, ch = this.channels;
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < ch; c++) {
        this.block[this.filled * ch + c] = (input[c] ?? input[0])[i];
      }
      if (++this.filled === this.blockFrames) {
        this.out.postMessage(this.block, [this.block.buffer]);
        this.block = new Float32Array(this.blockFrames * ch);
        this.filled = 0;
      }
    }
    return true;
  }
}

class PlayerProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions ?? {};
    this.channels = o.channels === 2 ? 2 : 1;
    this.startFrames = o.startFrames ?? 2880;                  // 60 ms at 48 kHz
    this.capacity = (o.capacityFrames ?? 48000) * this.channels;
    this.ring = new Float32Array(this.capacity);
    this.read = 0;
    this.size = 0;                                             // samples queued
    this.playing = false;
    this.port.onmessage = ({ data }) => {
      if (!(data instanceof Float32Array)) return;
      for (let i = 0; i < data.length; i++) {
        if (this.size === this.capacity) {                     // full: drop the oldest
          this.read = (this.read + 1) % this.capacity;
          this.size--;
        }
        this.ring[(this.read + this.size) % this.capacity] = data[i];
        this.size++;
      }
    };
  }

  process(inputs, outputs) {
    const out = outputs[0], ch = this.channels, frames = out[0].length;
    if (!this.playing && this.size >= this.startFrames * ch) this.playing = true;
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < out.length; c++) {
        let v = 0;
        if (this.playing && this.size >= ch) v = this.ring[(this.read + Math.min(c, ch - 1)) % this.capacity];
        out[c][i] = v;
      }
      if (this.playing) {
        if (this.size >= ch) {
          this.read = (this.read + ch) % this.capacity;
          this.size -= ch;
        } else {
          this.playing = false;                                // ran dry: refill first
        }
      }
    }
    return true;
  }
}

registerProcessor('mediacore-capture', CaptureProcessor);
registerProcessor('mediacore-player', PlayerProcessor);
