// runtime.js: loads a mediacore .wasm module and gives the feature modules (filter, text,
// base64, codecs, ...) one small, checked way to talk to it. Internal: applications use
// createMediaCore() from ../mediacore.js.
//
// The module is a standalone .wasm (no Emscripten JS glue), so loading is the same in a
// page, a module Worker and Node: find the file next to this package (import.meta.url),
// fetch or read it, instantiate it with the few imports it declares, call _initialize.
import { longjmpImport } from './sjlj.js';

/** An error from the core. `code` is the C code's name ("MC_EDIMENSIONS"), `errno` its number. */
export class MediaCoreError extends Error {
  constructor(code, message, errno = undefined) {
    super(message);
    Object.assign(this, { name: 'MediaCoreError', code, errno });
  }
}

// A tiny module whose only function uses a SIMD128 instruction: validate() says whether
// this engine has SIMD (the same probe wasm-feature-detect uses).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0,
  65, 0, 253, 15, 253, 98, 11,
]);

/** True when this JavaScript engine can run WebAssembly SIMD128. */
export function hasWasmSimd() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const isNode = typeof process === 'object' && process !== null &&
  typeof process.versions === 'object' && typeof process.versions.node === 'string';

export async function readBytes(url) {
  if (url.protocol === 'file:' && isNode) {
    // Node's fetch cannot read file: URLs; read the file instead.
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new MediaCoreError('MC_ELOAD', `cannot load ${url}: HTTP ${response.status}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Build an import object for whatever the module declares. The core needs almost nothing
 * from its host; anything unexpected gets a stub that fails loudly when called, so a
 * missing import is a clear error at the call, not a LinkError at load.
 */
function makeImports(module, runtime) {
  const provided = {
    env: {
      emscripten_notify_memory_growth: () => runtime.refresh(),
    },
    wasi_snapshot_preview1: {
      fd_write: (fd, iov, iovcnt, pnum) => runtime.fdWrite(fd, iov, iovcnt, pnum),
      fd_close: () => 0,
      fd_seek: () => 70, // ESPIPE: no files here
      proc_exit: (code) => {
        throw new MediaCoreError('MC_EINTERNAL', `the module called exit(${code})`);
      },
      environ_sizes_get: (pcount, psize) => {
        const view = new DataView(runtime.memory.buffer);
        view.setUint32(pcount, 0, true);
        view.setUint32(psize, 0, true);
        return 0;
      },
      environ_get: () => 0,
      clock_time_get: (id, precision, ptime) => {
        const ns = BigInt(Math.round(performance.now() * 1e6));
        new DataView(runtime.memory.buffer).setBigUint64(ptime, ns, true);
        return 0;
      },
    },
  };
  const imports = {};
  for (const { module: mod, name, kind } of WebAssembly.Module.imports(module)) {
    imports[mod] ??= {};
    // setjmp/longjmp support (libvpx's error recovery), see sjlj.js.
    const fn = provided[mod]?.[name] ?? (mod === 'env' ? longjmpImport(name, runtime) : undefined);
    if (fn) {
      imports[mod][name] = fn;
    } else if (kind === 'function') {
      imports[mod][name] = () => {
        throw new MediaCoreError('MC_EUNSUPPORTED', `the module called ${mod}.${name}, which this shim does not provide`);
      };
    }
  }
  return imports;
}

/** The loaded module plus the helpers every feature module uses. */
export class Runtime {
  constructor() {
    this.instance = null;
    this.exports = null;
    this.memory = null;
    this.u8 = null;
    this.simd = false;
    this.logLine = '';
    this.scratch = 0;        // a small buffer for C strings passed in (names, options)
    this.scratchSize = 0;
    this.closed = false;
    this.layouts = new Map();   // group -> Map(name -> value), see layout()
  }

  /** Re-create views after memory growth (also called lazily before every access). */
  refresh() {
    if (this.u8 === null || this.u8.buffer !== this.memory.buffer) {
      this.u8 = new Uint8Array(this.memory.buffer);
    }
    return this.u8;
  }

  /** A Uint8Array over module memory, valid until the next call that may allocate. */
  bytes() {
    return this.refresh();
  }

  fdWrite(fd, iov, iovcnt, pnum) {
    const view = new DataView(this.memory.buffer);
    const u8 = this.refresh();
    let written = 0;
    for (let i = 0; i < iovcnt; i++) {
      const ptr = view.getUint32(iov + i * 8, true);
      const len = view.getUint32(iov + i * 8 + 4, true);
      this.logLine += new TextDecoder().decode(u8.subarray(ptr, ptr + len));
      written += len;
    }
    let nl;
    while ((nl = this.logLine.indexOf('\n')) >= 0) {
      (fd === 2 ? console.error : console.log)(`[mediacore] ${this.logLine.slice(0, nl)}`);
      this.logLine = this.logLine.slice(nl + 1);
    }
    view.setUint32(pnum, written, true);
    return 0;
  }

  /** Read a NUL-terminated UTF-8 string from module memory. */
  readCString(ptr) {
    const u8 = this.refresh();
    let end = ptr;
    while (u8[end] !== 0) end++;
    return new TextDecoder().decode(u8.subarray(ptr, end));
  }

  /**
   * A MediaCoreError for a negative C code, with `what` saying which call failed and
   * `detail` (a handle's own error text, libvpx's say) in place of the code's generic text.
   */
  error(code, what, detail) {
    const name = this.readCString(this.exports.mc_wasm_error_name(code));
    const text = detail || this.readCString(this.exports.mc_wasm_strerror(code));
    return new MediaCoreError(name, what ? `${what}: ${text}` : text, code);
  }

  /**
   * The C side's named values for one feature: offsets and sizes of the records it writes
   * into our buffers, and its header's constants (src/wasm/layout.h). The module's table
   * mc_wasm_<group>_layout() is read once; the result is a lookup function, name -> value,
   * that throws MC_EINTERNAL for a name the table lacks (this shim and the module do not
   * match), so nothing in the shim writes a C offset or constant down a second time.
   */
  layout(group) {
    let table = this.layouts.get(group);
    if (table === undefined) {
      const fn = this.exports[`mc_wasm_${group}_layout`];
      if (typeof fn !== 'function') {
        throw new MediaCoreError('MC_EINTERNAL', `this module has no ${group} layout table`, -15);
      }
      // Entries of 8 bytes: the name's address (u32), the value (i32); a 0 name ends it.
      table = new Map();
      const view = new DataView(this.memory.buffer);
      for (let at = fn(); view.getUint32(at, true) !== 0; at += 8) {
        table.set(this.readCString(view.getUint32(at, true)), view.getInt32(at + 4, true));
      }
      this.layouts.set(group, table);
    }
    return (name) => {
      const value = table.get(name);
      if (value === undefined) {
        throw new MediaCoreError('MC_EINTERNAL', `the module's ${group} layout has no ${name}: the shim and the module do not match`, -15);
      }
      return value;
    };
  }

  /** Throw for a negative result; return non-negative results unchanged. */
  check(rc, what) {
    if (rc < 0) throw this.error(rc, what);
    return rc;
  }

  /** Allocate module memory; throws MC_ENOMEM instead of returning 0. */
  alloc(size) {
    const ptr = this.exports.mc_wasm_alloc(size);
    if (ptr === 0) throw this.error(-2, `allocating ${size} bytes`);
    return ptr;
  }

  free(ptr) {
    if (ptr) this.exports.mc_wasm_free(ptr);
  }

  /**
   * Write `text` as a NUL-terminated UTF-8 string into the shared scratch buffer and
   * return its address. Valid until the next cstring() call.
   */
  cstring(text) {
    const encoded = new TextEncoder().encode(String(text));
    const need = encoded.length + 1;
    if (need > this.scratchSize) {
      this.free(this.scratch);
      this.scratch = 0;
      this.scratchSize = 0;
      this.scratch = this.alloc(Math.max(need, 256));
      this.scratchSize = Math.max(need, 256);
    }
    const u8 = this.refresh();
    u8.set(encoded, this.scratch);
    u8[this.scratch + encoded.length] = 0;
    return this.scratch;
  }

  close() {
    if (this.closed) return;
    this.free(this.scratch);
    this.scratch = 0;
    this.closed = true;
  }
}

/** A buffer in module memory that grows on demand and is otherwise reused. */
export class WasmBuffer {
  constructor(runtime) {
    this.rt = runtime;
    this.ptr = 0;
    this.capacity = 0;
  }

  /** Make room for `size` bytes (never shrinks); returns the address. */
  reserve(size) {
    if (size > this.capacity) {
      this.rt.free(this.ptr);
      this.ptr = 0;
      this.capacity = 0;
      this.ptr = this.rt.alloc(size);
      this.capacity = size;
    }
    return this.ptr;
  }

  /** A view of the first `size` bytes; valid until the module allocates again. */
  view(size) {
    return this.rt.bytes().subarray(this.ptr, this.ptr + size);
  }

  close() {
    this.rt.free(this.ptr);
    this.ptr = 0;
    this.capacity = 0;
  }
}

/**
 * Load and instantiate the module.
 * options.simd: 'auto' (default) picks mediacore-simd.wasm when the engine has SIMD128;
 *   true requires it (MC_EUNSUPPORTED if absent); false always loads the baseline module.
 * options.wasmUrl: where to load from (overrides the choice above).
 * options.wasmBinary: the module's bytes (ArrayBuffer, typed array or WebAssembly.Module).
 */
export async function loadRuntime(options = {}) {
  const simdOption = options.simd ?? 'auto';
  if (simdOption !== 'auto' && simdOption !== true && simdOption !== false) {
    throw new MediaCoreError('MC_EINVAL', `options.simd must be 'auto', true or false, not ${simdOption}`);
  }
  const engineSimd = hasWasmSimd();
  if (simdOption === true && !engineSimd) {
    throw new MediaCoreError('MC_EUNSUPPORTED', 'this JavaScript engine has no WebAssembly SIMD128');
  }
  const wantSimd = simdOption === 'auto' ? engineSimd : simdOption;

  let module;
  if (options.wasmBinary instanceof WebAssembly.Module) {
    module = options.wasmBinary;
  } else {
    let bytes = options.wasmBinary;
    if (!bytes) {
      const url = options.wasmUrl
        ? new URL(options.wasmUrl, import.meta.url)
        : new URL(wantSimd ? '../mediacore-simd.wasm' : '../mediacore.wasm', import.meta.url);
      bytes = await readBytes(url);
    }
    module = await WebAssembly.compile(bytes);
  }

  const rt = new Runtime();
  const instance = await WebAssembly.instantiate(module, makeImports(module, rt));
  rt.instance = instance;
  rt.exports = instance.exports;
  rt.memory = instance.exports.memory;
  rt.refresh();
  if (typeof rt.exports._initialize === 'function') rt.exports._initialize();
  rt.simd = (rt.exports.mc_wasm_features() & 1) !== 0;
  return rt;
}
