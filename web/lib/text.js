// text.js: core.drawText(frame, text, options) and core.measureText(text, options): UTF-8
// text drawn by the wasm core from the font compiled into it (GNU Unifont glyphs), plus
// core.loadFont() for the optional full-BMP font file.
//
// Per call: the style is passed as integers, the text is encoded into a buffer in module
// memory (re-encoded only when it changes), and only the rectangle the text can touch is
// copied into module memory and back, not the whole frame. The C handle and its glyph
// cache are created on first use; nothing is allocated per frame.
import { MediaCoreError, WasmBuffer, readBytes } from './runtime.js';
import { frameView } from './frame.js';

const DEFAULT_FONT_URL = new URL('../mediacore-font-bmp.bin', import.meta.url);
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

const NAMED = {
  transparent: 0x00000000, black: 0x000000ff, white: 0xffffffff, red: 0xff0000ff,
  green: 0x008000ff, lime: 0x00ff00ff, blue: 0x0000ffff, yellow: 0xffff00ff,
  cyan: 0x00ffffff, aqua: 0x00ffffff, magenta: 0xff00ffff, fuchsia: 0xff00ffff,
  gray: 0x808080ff, grey: 0x808080ff, silver: 0xc0c0c0ff, maroon: 0x800000ff,
  olive: 0x808000ff, navy: 0x000080ff, purple: 0x800080ff, teal: 0x008080ff,
  orange: 0xffa500ff,
};

function invalid(message) {
  return new MediaCoreError('MC_EINVAL', message, -1);
}

/**
 * A colour as 0xRRGGBBAA: a number (that value), or a CSS string: #rgb, #rgba, #rrggbb,
 * #rrggbbaa, rgb(r, g, b), rgba(r, g, b, a) with a from 0 to 1, or a basic colour name.
 */
export function parseColor(value, what = 'colour') {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value >>> 0;
    throw invalid(`${what} must be 0xRRGGBBAA (0 to 0xffffffff), not ${value}`);
  }
  if (typeof value !== 'string') throw invalid(`${what} must be a CSS colour string or 0xRRGGBBAA`);
  const s = value.trim().toLowerCase();
  if (s in NAMED) return NAMED[s];
  let m = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
  if (m) {
    let hex = m[1];
    if (hex.length <= 4) hex = [...hex].map((c) => c + c).join('');
    if (hex.length === 6) hex += 'ff';
    return parseInt(hex, 16) >>> 0;
  }
  m = /^rgba?\(\s*([\d.]+)\s*[,\s]\s*([\d.]+)\s*[,\s]\s*([\d.]+)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)$/.exec(s);
  if (m) {
    const c = [m[1], m[2], m[3]].map(Number);
    let a = 1;
    if (m[4] !== undefined) a = m[4].endsWith('%') ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
    if (c.every((v) => Number.isFinite(v) && v >= 0 && v <= 255) && Number.isFinite(a) && a >= 0 && a <= 1) {
      return ((Math.round(c[0]) << 24) | (Math.round(c[1]) << 16) | (Math.round(c[2]) << 8) | Math.round(a * 255)) >>> 0;
    }
  }
  throw invalid(`${what}: cannot parse colour ${JSON.stringify(value)}`);
}

/** A finite number rounded to an int32 (saturating: the core rejects what is out of range). */
function int(value, what) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(`${what} must be a finite number, not ${value}`);
  }
  return Math.min(INT32_MAX, Math.max(INT32_MIN, Math.round(value)));
}

/**
 * The text layout of a module (limits, align values, the metrics record), from its table
 * (Runtime.layout, src/wasm/exports_text.c): nothing of text.h is written down here.
 */
export function textLayout(rt) {
  const c = rt.layout('text');
  const metrics = {};
  for (const f of ['width', 'height', 'lines', 'line_height', 'box_x', 'box_y', 'box_width', 'box_height']) {
    metrics[f] = c(`metrics.${f}`);
  }
  return Object.freeze({
    maxBytes: c('max_bytes'),                // MC_TEXT_MAX_BYTES: longest text, UTF-8 bytes
    maxCoord: c('max_coord'),                // MC_TEXT_MAX_COORD: the largest |x| and |y|
    align: Object.freeze({ left: c('align.left'), center: c('align.center'), centre: c('align.center'), right: c('align.right') }),
    fontGlyphs: c('font_info.glyphs'),
    fontBytes: c('font_info.bytes'),
    metrics: Object.freeze(metrics),
  });
}

export class TextRenderer {
  #c = null;

  constructor(runtime) {
    this.rt = runtime;
    this.handle = 0;
    this.textBuffer = new WasmBuffer(runtime);
    this.frameBuffer = new WasmBuffer(runtime);
    this.fonts = [];            // module memory holding loaded fonts, freed by close()
    this.lastText = null;       // the string now encoded in textBuffer
    this.lastLength = 0;
    this.colors = new Map();    // colour strings already parsed
    this.encoder = new TextEncoder();
  }

  /** textLayout() of this module, read on first use (a module may be built without text). */
  get #layout() {
    this.#c ??= textLayout(this.rt);
    return this.#c;
  }

  #ensure() {
    if (this.handle === 0) {
      this.handle = this.rt.check(this.rt.exports.mc_wasm_text_create(0, 1), 'creating the text renderer');
    }
    return this.handle;
  }

  #color(value, what) {
    if (typeof value !== 'string') return parseColor(value, what);
    let c = this.colors.get(value);
    if (c === undefined) {
      c = parseColor(value, what);
      if (this.colors.size > 256) this.colors.clear();
      this.colors.set(value, c);
    }
    return c;
  }

  /** Pass `options` to the core; returns the anchor {x, y}. */
  #style(options) {
    if (options === null || typeof options !== 'object') throw invalid('text options must be an object');
    const size = int(options.size ?? 16, 'size');
    const color = this.#color(options.color ?? 0xffffffff, 'color');
    const bg = options.background;
    const background = bg === undefined || bg === null || bg === false ? 0 : this.#color(bg, 'background');
    const padding = int(options.padding ?? (background ? Math.round(size / 4) : 0), 'padding');
    const auto = Math.max(1, Math.round(size / 16));
    let outlineWidth = 0, outlineColor = 0x000000ff;
    if (options.outline) {
      const o = options.outline === true ? {} : options.outline;
      if (typeof o !== 'object') throw invalid('outline must be true or { width, color }');
      outlineWidth = int(o.width ?? auto, 'outline.width');
      outlineColor = this.#color(o.color ?? 0x000000ff, 'outline.color');
    }
    let shadowX = 0, shadowY = 0, shadowColor = 0x00000099;
    if (options.shadow) {
      const s = options.shadow === true ? {} : options.shadow;
      if (typeof s !== 'object') throw invalid('shadow must be true or { x, y, color }');
      shadowX = int(s.x ?? auto, 'shadow.x');
      shadowY = int(s.y ?? auto, 'shadow.y');
      shadowColor = this.#color(s.color ?? 0x00000099, 'shadow.color');
    }
    const alignName = options.align ?? 'left';
    const aligns = this.#layout.align;
    const align = aligns[alignName];
    if (align === undefined || !Object.hasOwn(aligns, alignName)) {
      throw new MediaCoreError('MC_ENAME', `unknown align "${alignName}" (expected left, center or right)`, -6);
    }
    const maxWidth = int(options.maxWidth ?? 0, 'maxWidth');
    const lineHeight = int(options.lineHeight ?? 0, 'lineHeight');
    this.rt.check(this.rt.exports.mc_wasm_text_style(this.#ensure(), size, color, background, padding,
      outlineWidth, outlineColor, shadowX, shadowY, shadowColor, align, maxWidth, lineHeight), 'text style');
    const x = int(options.x ?? 0, 'x'), y = int(options.y ?? 0, 'y');
    const { maxCoord } = this.#layout;
    if (Math.abs(x) > maxCoord || Math.abs(y) > maxCoord) {
      throw new MediaCoreError('MC_ERANGE', `text position (${x}, ${y}) is beyond ±${maxCoord}`, -8);
    }
    return { x, y };
  }

  /** Encode `text` into module memory (only when it changed); returns [address, bytes]. */
  #encode(text) {
    if (typeof text !== 'string') throw invalid(`text must be a string, not ${typeof text}`);
    if (text !== this.lastText) {
      // UTF-8 never takes fewer bytes than UTF-16 code units, so this length is too long.
      const { maxBytes } = this.#layout;
      if (text.length > maxBytes) {
        throw new MediaCoreError('MC_ELIMIT', `text is longer than ${maxBytes} bytes`, -14);
      }
      this.lastText = null;
      const cap = text.length * 3 + 1;
      this.textBuffer.reserve(cap);
      const { written } = this.encoder.encodeInto(text, this.textBuffer.view(cap));
      this.lastText = text;
      this.lastLength = written;
    }
    return [this.textBuffer.ptr, this.lastLength];
  }

  /** The last measurement as an object, with the box moved to the anchor (x, y). */
  #metrics(x, y) {
    const o = this.#layout.metrics;
    const view = new DataView(this.rt.memory.buffer, this.rt.exports.mc_wasm_text_metrics(this.handle));
    const m = (field) => view.getInt32(o[field], true);
    return {
      width: m('width'), height: m('height'), lines: m('lines'), lineHeight: m('line_height'),
      box: { x: x + m('box_x'), y: y + m('box_y'), width: m('box_width'), height: m('box_height') },
    };
  }

  measure(text, options = {}) {
    const { x, y } = this.#style(options);
    const [ptr, len] = this.#encode(text);
    this.rt.check(this.rt.exports.mc_wasm_text_measure(this.handle, ptr, len), 'measureText');
    return this.#metrics(x, y);
  }

  draw(frame, text, options = {}) {
    const f = frameView(frame);
    const stride = f.stride || f.width * 4;
    const ex = this.rt.exports;
    this.rt.check(ex.mc_wasm_text_check_frame(f.bytes.byteLength, f.width, f.height, f.stride),
      `drawText on a ${f.width}x${f.height} frame`);
    const { x, y } = this.#style(options);
    const [ptr, len] = this.#encode(text);
    this.rt.check(ex.mc_wasm_text_measure(this.handle, ptr, len), 'drawText');
    const metrics = this.#metrics(x, y);
    const { box } = metrics;
    // Only the part of the box inside the frame crosses into module memory and back.
    const x0 = Math.max(0, box.x), y0 = Math.max(0, box.y);
    const x1 = Math.min(f.width, box.x + box.width), y1 = Math.min(f.height, box.y + box.height);
    if (x0 >= x1 || y0 >= y1) return metrics;
    const rw = x1 - x0, rh = y1 - y0, rowBytes = rw * 4, size = rowBytes * rh;
    const dst = this.frameBuffer.reserve(size);
    let region = this.frameBuffer.view(size);
    const src = f.bytes;
    if (rw === f.width && stride === rowBytes) {
      region.set(src.subarray(y0 * stride, y0 * stride + size));
    } else {
      for (let r = 0; r < rh; r++) {
        const s = (y0 + r) * stride + x0 * 4;
        region.set(src.subarray(s, s + rowBytes), r * rowBytes);
      }
    }
    this.rt.check(ex.mc_wasm_text_draw(this.handle, dst, size, rw, rh, rowBytes, x - x0, y - y0, ptr, len),
      `drawText on a ${f.width}x${f.height} frame`);
    region = this.frameBuffer.view(size);
    if (rw === f.width && stride === rowBytes) {
      src.set(region, y0 * stride);
    } else {
      for (let r = 0; r < rh; r++) src.set(region.subarray(r * rowBytes, (r + 1) * rowBytes), (y0 + r) * stride + x0 * 4);
    }
    return metrics;
  }

  /**
   * Add a font in mediacore's format (default: the full-BMP file beside mediacore.js).
   * `source`: a URL (string or URL, resolved against mediacore.js), or the bytes.
   */
  async loadFont(source = DEFAULT_FONT_URL) {
    let bytes;
    if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
    else if (ArrayBuffer.isView(source)) bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    else if (typeof source === 'string' || source instanceof URL) bytes = await readBytes(new URL(source, DEFAULT_FONT_URL));
    else throw invalid('loadFont() takes a URL or the font bytes');
    if (this.rt.closed) throw new MediaCoreError('MC_ESTATE', 'this MediaCore has been closed', -9);
    const handle = this.#ensure();
    const ptr = this.rt.alloc(Math.max(1, bytes.byteLength));
    this.rt.bytes().set(bytes, ptr);
    const rc = this.rt.exports.mc_wasm_text_add_font(handle, ptr, bytes.byteLength);
    if (rc < 0) {
      this.rt.free(ptr);
      throw this.rt.error(rc, 'loadFont');
    }
    this.fonts.push(ptr);
    return this.fontInfo().at(-1);
  }

  /** The fonts in use, in lookup order: [{ glyphs, bytes, builtin }]. */
  fontInfo() {
    const h = this.#ensure(), ex = this.rt.exports;
    const n = this.rt.check(ex.mc_wasm_text_font_count(h));
    const out = [];
    for (let i = 0; i < n; i++) {
      out.push({
        glyphs: this.rt.check(ex.mc_wasm_text_font_info(h, i, this.#layout.fontGlyphs)),
        bytes: this.rt.check(ex.mc_wasm_text_font_info(h, i, this.#layout.fontBytes)),
        builtin: i === 0,
      });
    }
    return out;
  }

  /** True when some font has a glyph for the character (else it draws as a box). */
  hasGlyph(char) {
    if (typeof char !== 'string' || char.length === 0) throw invalid('hasGlyph() takes a one-character string');
    return this.rt.exports.mc_wasm_text_has_glyph(this.#ensure(), char.codePointAt(0)) === 1;
  }

  close() {
    if (this.handle !== 0) this.rt.exports.mc_wasm_text_destroy(this.handle);
    this.handle = 0;
    for (const p of this.fonts) this.rt.free(p);
    this.fonts = [];
    this.textBuffer.close();
    this.frameBuffer.close();
    this.lastText = null;
  }
}
