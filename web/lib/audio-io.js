// audio-io.js: microphone PCM in, decoded PCM out, through AudioWorklets (pcm-worklet.js),
// at 48 kHz (what Opus encodes and decodes natively, so nothing is resampled here).
//
//   const ctx = new AudioContext({ sampleRate: 48000 });   // in a user gesture
//   const capture = await startCapture(ctx, micStream, { channels: 1 });
//   capture.port.onmessage = ({ data }) => encoder.encode(data);   // Float32Array, 20 ms
//   const player = await startPlayer(ctx, { channels: 1 });
//   player.push(decoder.decode(packet));
//   capture.stop(); player.stop();

const WORKLET = new URL('./pcm-worklet.js', import.meta.url);
const loaded = new WeakMap();   // AudioContext -> Promise of addModule

function ensureWorklet(ctx) {
  if (!ctx.audioWorklet) throw new Error('This browser has no AudioWorklet.');
  if (!loaded.has(ctx)) loaded.set(ctx, ctx.audioWorklet.addModule(WORKLET));
  return loaded.get(ctx);
}

/** A 48 kHz AudioContext, or an Error saying why there is none. */
export function createAudioContext() {
  const Ctx = globalThis.AudioContext ?? globalThis.webkitAudioContext;
  if (!Ctx) throw new Error('This browser has no Web Audio.');
  return new Ctx({ sampleRate: 48000, latencyHint: 'interactive' });
}

/**
 * Capture `stream`'s audio as interleaved Float32Array blocks of `blockFrames` frames.
 * Returns { port, node, stop() }: PCM arrives on `port` (a MessagePort that may be
 * transferred to a Worker before the first block).
 */
export async function startCapture(ctx, stream, { channels = 1, blockFrames = 960 } = {}) {
  await ensureWorklet(ctx);
  const source = ctx.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(ctx, 'mediacore-capture', {
    numberOfInputs: 1, numberOfOutputs: 0, channelCount: channels, channelCountMode: 'explicit',
    processorOptions: { channels, blockFrames },
  });
  const { port1, port2 } = new MessageChannel();
  node.port.postMessage({ type: 'port', port: port1 }, [port1]);
  source.connect(node);
  return {
    port: port2,
    node,
    stop() {
      source.disconnect();
      node.disconnect();
      port2.close();
    },
  };
}

/** Play interleaved Float32Array chunks pushed in, through a small jitter buffer. */
export async function startPlayer(ctx, { channels = 1, startFrames = 2880 } = {}) {
  await ensureWorklet(ctx);
  const node = new AudioWorkletNode(ctx, 'mediacore-player', {
    numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [channels],
    processorOptions: { channels, startFrames },
  });
  node.connect(ctx.destination);
  return {
    node,
    push(pcm) {
      node.port.postMessage(pcm, [pcm.buffer]);
    },
    stop() {
      node.disconnect();
    },
  };
}
