// filter.js: core.filter(frame, name): grayscale, sepia and invert in the wasm core.
//
// The frame is copied once into a buffer that lives in module memory (allocated on first
// use, grown only when a larger frame arrives), filtered in place there, and copied once
// back. Nothing is allocated per frame.
import { MediaCoreError, WasmBuffer } from './runtime.js';
import { frameView } from './frame.js';

/** The implementations a caller may ask for (mc_path in frame.h). */
export const FilterPath = Object.freeze({ auto: 0, scalar: 1, simd: 2 });

export class FrameFilter {
  constructor(runtime) {
    this.rt = runtime;
    this.buffer = new WasmBuffer(runtime);
    this.ids = new Map();   // filter name -> id, looked up in C once per name
  }

  /** The filter id for a name; MC_ENAME for names the core does not know. */
  id(name) {
    let id = this.ids.get(name);
    if (id === undefined) {
      if (typeof name !== 'string') {
        throw new MediaCoreError('MC_ENAME', `filter name must be a string, not ${typeof name}`, -6);
      }
      id = this.rt.check(this.rt.exports.mc_wasm_filter_from_name(this.rt.cstring(name)),
        `unknown filter "${name}" (expected none, grayscale, sepia or invert)`);
      this.ids.set(name, id);
    }
    return id;
  }

  /** Filter `frame` in place. Returns the frame. */
  apply(frame, name, path = FilterPath.auto) {
    const f = frameView(frame);
    const id = this.id(name);
    const size = f.bytes.byteLength;
    const ptr = this.buffer.reserve(Math.max(size, 1));
    if (id !== 0) this.buffer.view(size).set(f.bytes);            // copy in
    this.rt.check(this.rt.exports.mc_wasm_filter(ptr, size, f.width, f.height, f.stride, id, path),
      `filter(${name}) on a ${f.width}x${f.height} frame`);
    if (id !== 0) f.bytes.set(this.buffer.view(size));            // copy out
    return frame;
  }

  close() {
    this.buffer.close();
  }
}
