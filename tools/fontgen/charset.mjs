// charset.mjs: which characters each built-in font carries, derived from sources we can
// name rather than typed by hand.
//
//   blocks       Unicode blocks by range (the Unicode Standard's Blocks.txt ranges), for the
//                alphabets: ASCII, Latin-1, Latin Extended-A/B/Additional, combining
//                diacritics, Greek, Cyrillic, general punctuation, currency, letterlike
//                symbols, arrows, CJK symbols and punctuation, kana, fullwidth forms.
//   GB 2312      the Chinese national character set, decoded by glibc's iconv (Debian's
//                libc-bin, present on every Debian system) from its EUC-CN byte pairs:
//                rows 1-9 are symbols, rows 16-55 level 1 (3,755 most common hanzi, the
//                "常用字"), rows 56-87 level 2 (3,008 more).
//   JIS X 0208   the Japanese national set, decoded by the same iconv from EUC-JP: rows
//                16-47 are level 1 kanji (2,965 most common); many are also in GB 2312.
//
// Charsets: 'none' (no glyphs), 'small' (blocks + GB 2312 level 1: the minimum),
// 'default' (blocks + all of GB 2312 + JIS X 0208 level 1 kanji), 'bmp' (every glyph in
// the source font: the optional data file).
import { execFileSync } from 'node:child_process';

/** Unicode block ranges [first, last], inclusive. */
export const BLOCKS = [
  [0x0020, 0x007e, 'Basic Latin (printable ASCII)'],
  [0x00a0, 0x00ff, 'Latin-1 Supplement'],
  [0x0100, 0x017f, 'Latin Extended-A'],
  [0x0180, 0x024f, 'Latin Extended-B'],
  [0x0300, 0x036f, 'Combining Diacritical Marks'],
  [0x0370, 0x03ff, 'Greek and Coptic'],
  [0x0400, 0x04ff, 'Cyrillic'],
  [0x1e00, 0x1eff, 'Latin Extended Additional'],
  [0x2000, 0x206f, 'General Punctuation'],
  [0x20a0, 0x20cf, 'Currency Symbols'],
  [0x2100, 0x214f, 'Letterlike Symbols'],
  [0x2190, 0x21ff, 'Arrows'],
  [0x3000, 0x303f, 'CJK Symbols and Punctuation'],
  [0x3040, 0x309f, 'Hiragana'],
  [0x30a0, 0x30ff, 'Katakana'],
  [0xff00, 0xffef, 'Halfwidth and Fullwidth Forms'],
  [0xfffd, 0xfffd, 'Replacement Character'],
];

const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/**
 * Decode every cell of the given rows of a 94x94 EUC double-byte set with iconv and
 * return the code points (unassigned cells are dropped by iconv -c).
 */
export function eucRows(encoding, rows) {
  const bytes = [];
  for (const row of rows) {
    for (let cell = 1; cell <= 94; cell++) bytes.push(0xa0 + row, 0xa0 + cell, 0x0a);
  }
  let text;
  try {
    text = execFileSync('iconv', ['-c', '-f', encoding, '-t', 'UTF-8'], { input: Buffer.from(bytes) }).toString('utf8');
  } catch (err) {
    // iconv -c exits 1 after skipping unassigned cells; its output is still complete.
    if (err.status === 1 && err.stdout) text = err.stdout.toString('utf8');
    else throw new Error(`fontgen: iconv -f ${encoding} failed: ${err.message}`);
  }
  const out = [];
  for (const line of text.split('\n')) {
    const cps = [...line];
    if (cps.length === 1) out.push(cps[0].codePointAt(0));
    else if (cps.length > 1) throw new Error(`fontgen: iconv ${encoding} gave ${JSON.stringify(line)} for one cell`);
  }
  return out;
}

/** GB 2312 sections by row, as code points. */
export function gb2312() {
  return {
    symbols: eucRows('GB2312', range(1, 9)),
    level1: eucRows('GB2312', range(16, 55)),
    level2: eucRows('GB2312', range(56, 87)),
  };
}

/** JIS X 0208 level 1 kanji (rows 16-47). */
export function jisLevel1() {
  return eucRows('EUC-JP', range(16, 47));
}

/**
 * The code points a charset asks for (a Set), or null for 'bmp' (everything the font has).
 * Also returns the parts, for the generator's report.
 */
export function charset(name) {
  if (name === 'bmp') return { codes: null, parts: [['every glyph in the font', null]] };
  if (name === 'none') return { codes: new Set(), parts: [] };
  if (name !== 'small' && name !== 'default') {
    throw new Error(`fontgen: unknown charset "${name}" (none, small, default, bmp)`);
  }
  const parts = [];
  for (const [a, b, label] of BLOCKS) parts.push([label, range(a, b)]);
  const gb = gb2312();
  if (gb.level1.length !== 3755) throw new Error(`fontgen: GB 2312 level 1 should have 3755 characters, iconv gave ${gb.level1.length}`);
  parts.push(['GB 2312 level 1 (rows 16-55)', gb.level1]);
  if (name === 'default') {
    if (gb.level2.length !== 3008) throw new Error(`fontgen: GB 2312 level 2 should have 3008 characters, iconv gave ${gb.level2.length}`);
    parts.push(['GB 2312 symbols (rows 1-9)', gb.symbols]);
    parts.push(['GB 2312 level 2 (rows 56-87)', gb.level2]);
    const jis = jisLevel1();
    if (jis.length !== 2965) throw new Error(`fontgen: JIS X 0208 level 1 should have 2965 kanji, iconv gave ${jis.length}`);
    parts.push(['JIS X 0208 level 1 kanji (rows 16-47)', jis]);
  }
  const codes = new Set();
  for (const [, cps] of parts) for (const cp of cps) codes.add(cp);
  return { codes, parts };
}
