#!/usr/bin/env node
// fontgen.mjs: build a mediacore bitmap font (the MCFB format in include/mediacore/font.h) from GNU
// Unifont's .hex glyphs, at build time. Nothing it produces is committed.
//
//   node tools/fontgen/fontgen.mjs --charset default --out-c build/.../font_builtin.c
//   node tools/fontgen/fontgen.mjs --charset bmp --out-bin web/mediacore-font-bmp.bin
//
// Options:
//   --hex <file>        Unifont glyphs (default /usr/share/unifont/unifont.hex, Debian's
//                       `unifont` package)
//   --combining <file>  Unifont's combining-mark offsets (default: plane00-combining.txt
//                       beside the .hex)
//   --charset <name>    none | small | default | bmp (see charset.mjs)
//   --out-c <file>      write a C file defining mc_font_builtin()
//   --out-bin <file>    write the font block itself
//   --report            print what went in and the sizes
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { charset } from './charset.mjs';

const HEADER = 18464;

function parseArgs(argv) {
  const opts = { hex: '/usr/share/unifont/unifont.hex', combining: null, charset: 'default', outC: null, outBin: null, report: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`fontgen: ${a} needs a value`);
      return argv[++i];
    };
    if (a === '--hex') opts.hex = next();
    else if (a === '--combining') opts.combining = next();
    else if (a === '--charset') opts.charset = next();
    else if (a === '--out-c') opts.outC = next();
    else if (a === '--out-bin') opts.outBin = next();
    else if (a === '--report') opts.report = true;
    else throw new Error(`fontgen: unknown argument ${a}`);
  }
  if (!opts.outC && !opts.outBin && !opts.report) throw new Error('fontgen: give --out-c, --out-bin or --report');
  opts.combining ??= path.join(path.dirname(opts.hex), 'plane00-combining.txt');
  return opts;
}

/**
 * Characters the renderer never draws (src/media/text_layout.c treats them as controls or
 * zero-width format characters), so no font needs their glyphs. Unifont draws them as
 * labelled boxes for code charts.
 */
export function isNeverDrawn(cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0xad ||
    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff ||
    (cp >= 0xfff0 && cp <= 0xfffb) || (cp >= 0xd800 && cp <= 0xdfff);
}

/** Unifont .hex: "XXXX:" + 32 hex digits (8x16) or 64 (16x16). Returns Map cp -> Buffer. */
function readHex(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`fontgen: cannot read ${file} (${err.code}); install Debian's unifont package (tools/setup.sh does)`);
  }
  const glyphs = new Map();
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line === '') continue;
    const m = /^([0-9A-Fa-f]{4,6}):([0-9A-Fa-f]+)$/.exec(line);
    if (!m) throw new Error(`fontgen: ${file}:${lineNo}: not a .hex line`);
    const cp = parseInt(m[1], 16);
    if (cp > 0xffff) continue;                       // the format covers the BMP only
    if (m[2].length !== 32 && m[2].length !== 64) continue;   // not 8x16 or 16x16
    glyphs.set(cp, Buffer.from(m[2], 'hex'));
  }
  return glyphs;
}

function readCombining(file) {
  const marks = new Map();
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return marks;   // no offsets: marks are drawn as spacing characters
  }
  for (const line of text.split('\n')) {
    const m = /^([0-9A-Fa-f]{4,6}):(-?\d+)/.exec(line);
    if (!m) continue;
    const cp = parseInt(m[1], 16);
    const off = Number(m[2]);
    if (cp <= 0xffff && off <= 0 && off >= -16) marks.set(cp, off);
  }
  return marks;
}

/** Assemble the MCFB block for the chosen code points. */
export function buildFont(glyphs, marksAll, wanted) {
  const codes = [...glyphs.keys()]
    .filter((cp) => !isNeverDrawn(cp) && (wanted === null || wanted.has(cp)))
    .sort((a, b) => a - b);
  const present = new Uint32Array(2048);
  const wideBits = new Uint32Array(2048);
  const glyphBase = new Uint32Array(256);
  const wideBase = new Uint32Array(256);
  let nWide = 0;
  const marks = [];
  for (const cp of codes) {
    present[cp >> 5] |= (1 << (cp & 31)) >>> 0;
    if (glyphs.get(cp).length === 32) {
      wideBits[cp >> 5] |= (1 << (cp & 31)) >>> 0;
      nWide++;
    }
    if (marksAll.has(cp)) marks.push([cp, marksAll.get(cp)]);
  }
  let g = 0, w = 0, idx = 0;
  for (let b = 0; b < 256; b++) {
    glyphBase[b] = g;
    wideBase[b] = w;
    while (idx < codes.length && codes[idx] < (b + 1) * 256) {
      g++;
      if (glyphs.get(codes[idx]).length === 32) w++;
      idx++;
    }
  }
  const total = HEADER + 4 * marks.length + 16 * codes.length + 16 * nWide;
  const out = Buffer.alloc(total);
  out.write('MCFB', 0, 'latin1');
  out.writeUInt16LE(1, 4);
  out.writeUInt16LE(16, 6);
  out.writeUInt32LE(codes.length, 8);
  out.writeUInt32LE(nWide, 12);
  out.writeUInt32LE(marks.length, 16);
  out.writeUInt32LE(total, 20);
  for (let i = 0; i < 2048; i++) out.writeUInt32LE(present[i], 32 + 4 * i);
  for (let i = 0; i < 2048; i++) out.writeUInt32LE(wideBits[i], 8224 + 4 * i);
  for (let i = 0; i < 256; i++) out.writeUInt32LE(glyphBase[i], 16416 + 4 * i);
  for (let i = 0; i < 256; i++) out.writeUInt32LE(wideBase[i], 17440 + 4 * i);
  let off = HEADER;
  for (const [cp, dx] of marks) {
    out.writeUInt16LE(cp, off);
    out.writeInt8(dx, off + 2);
    off += 4;
  }
  for (const cp of codes) {
    const bits = glyphs.get(cp);
    bits.copy(out, off);
    off += bits.length;
  }
  if (off !== total) throw new Error('fontgen: internal size mismatch');
  return { bytes: out, glyphs: codes.length, wide: nWide, marks: marks.length, codes };
}

function writeAtomic(file, data) {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function cSource(font, opts) {
  const lines = [];
  lines.push('/* Generated by tools/fontgen/fontgen.mjs at build time: do not edit, do not commit.');
  lines.push(` * Source: ${opts.hex} (GNU Unifont). Charset: ${opts.charset}.`);
  lines.push(` * ${font.glyphs} glyphs (${font.wide} wide), ${font.marks} combining marks, ${font.bytes.length} bytes. */`);
  lines.push('#include "mediacore/font.h"');
  lines.push('');
  lines.push(`static const uint8_t mc_font_builtin_data[${font.bytes.length}] __attribute__((aligned(4))) = {`);
  const b = font.bytes;
  for (let i = 0; i < b.length; i += 24) {
    let row = '   ';
    for (let j = i; j < Math.min(i + 24, b.length); j++) row += ` ${b[j]},`;
    lines.push(row);
  }
  lines.push('};');
  lines.push('');
  lines.push('const uint8_t *mc_font_builtin(size_t *size)');
  lines.push('{');
  lines.push('    if (size)');
  lines.push('        *size = sizeof(mc_font_builtin_data);');
  lines.push('    return mc_font_builtin_data;');
  lines.push('}');
  return lines.join('\n') + '\n';
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const glyphs = readHex(opts.hex);
  const marks = readCombining(opts.combining);
  const { codes: wanted, parts } = charset(opts.charset);
  const font = buildFont(glyphs, marks, wanted);
  if (opts.report) {
    console.log(`fontgen: ${opts.hex}: ${glyphs.size} glyphs; charset ${opts.charset}`);
    for (const [label, cps] of parts) {
      if (cps === null) { console.log(`  ${label}`); continue; }
      const have = cps.filter((cp) => glyphs.has(cp) && !isNeverDrawn(cp)).length;
      console.log(`  ${label}: ${cps.length} code points, ${have} with glyphs`);
    }
    if (wanted) {
      const missing = [...wanted].filter((cp) => !glyphs.has(cp) && !isNeverDrawn(cp));
      console.log(`  asked for but not in the font: ${missing.length}${missing.length ? ` (${missing.slice(0, 12).map((c) => c.toString(16)).join(' ')}...)` : ''}`);
    }
    console.log(`  font: ${font.glyphs} glyphs (${font.wide} wide), ${font.marks} marks, ${font.bytes.length} bytes`);
  }
  if (opts.outBin) writeAtomic(opts.outBin, font.bytes);
  if (opts.outC) writeAtomic(opts.outC, cSource(font, opts));
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('fontgen.mjs')) {
  try {
    main();
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
