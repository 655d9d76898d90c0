// frame.js: the frame argument every per-frame call takes, checked the same way everywhere.
import { MediaCoreError } from './runtime.js';

const INT32_MAX = 0x7fffffff;

/**
 * Normalise a frame: ImageData, VideoFrame-like {data, width, height, stride?}.
 * Returns { bytes: Uint8Array over the caller's memory, width, height, stride }.
 * Only shape errors are caught here (wrong types, values that are not 32-bit integers);
 * the C core checks everything else and its code reaches the caller unchanged.
 */
export function frameView(frame) {
  if (frame === null || typeof frame !== 'object') {
    throw new MediaCoreError('MC_EINVAL', 'frame must be an ImageData or {data, width, height}', -1);
  }
  const { data, width, height } = frame;
  if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array)) {
    throw new MediaCoreError('MC_EINVAL', 'frame.data must be a Uint8ClampedArray or Uint8Array of RGBA bytes', -1);
  }
  const isInt = (v) => Number.isInteger(v) && v >= -INT32_MAX && v <= INT32_MAX;
  if (!isInt(width) || !isInt(height)) {
    throw new MediaCoreError('MC_EDIMENSIONS', `invalid frame dimensions: ${width}x${height}`, -3);
  }
  const stride = frame.stride ?? 0;
  if (!isInt(stride)) {
    throw new MediaCoreError('MC_ESTRIDE', `invalid frame stride: ${stride}`, -4);
  }
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { bytes, width, height, stride };
}
