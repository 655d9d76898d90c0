// The C/JS boundary, written once: web/lib reads record offsets, sizes and header constants
// from each module's layout tables (src/wasm/layout.h, Runtime.layout) instead of writing
// them down. This file fails when the two sides disagree:
//   - a name the shim asks for is missing from a module's table (renamed, removed);
//   - a record's table is inconsistent (an offset outside the record, two fields at one
//     offset, a double not 8-aligned);
//   - a value the shim must keep as a literal (needed before a module loads: Base64Flags,
//     VIDEO_CODECS; error codes next to their names) differs from the C side.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadRuntime, MediaCoreError } from '../../web/lib/runtime.js';
import { Base64Flags } from '../../web/lib/base64.js';
import { chunkLayout } from '../../web/lib/fileshare/wire.js';
import { textLayout } from '../../web/lib/text.js';
import { VIDEO_CODECS, VideoEncoder, AudioEncoder, RESULT_SLOTS } from '../../web/lib/codecs.js';
import { WebmMuxer } from '../../web/lib/webm.js';

const WEB = new URL('../../web/', import.meta.url);
const runtimes = [await loadRuntime({ simd: true }), await loadRuntime({ simd: false })];

/** Every name/value pair of a module's table, as the module has it. */
function table(rt, group) {
  const view = new DataView(rt.memory.buffer);
  const out = new Map();
  for (let at = rt.exports[`mc_wasm_${group}_layout`](); view.getUint32(at, true) !== 0; at += 8) {
    const name = rt.readCString(view.getUint32(at, true));
    assert.ok(!out.has(name), `${group} table: ${name} twice`);
    out.set(name, view.getInt32(at + 4, true));
  }
  return out;
}

/** Offsets of one record: inside it, distinct, doubles 8-aligned. */
function checkRecord(what, offsets, size, doubles = []) {
  const seen = new Map();
  for (const [field, at] of Object.entries(offsets)) {
    if (field === 'sizeof') continue;
    assert.ok(at >= 0 && at < size, `${what}.${field} at ${at} is outside the ${size}-byte record`);
    assert.ok(!seen.has(at), `${what}.${field} and ${what}.${seen.get(at)} both at ${at}`);
    seen.set(at, field);
  }
  for (const field of doubles) assert.equal(offsets[field] % 8, 0, `${what}.${field} is a double`);
}

test('every name the shim reads is in the module\'s tables, records are consistent', () => {
  for (const rt of runtimes) {
    const chunk = chunkLayout(rt);   // throws MC_EINTERNAL on a missing name
    checkRecord('info', chunk.info, chunk.info.sizeof, ['size']);
    checkRecord('result', chunk.result, chunk.result.sizeof);
    checkRecord('stats', Object.fromEntries(chunk.stats), chunk.recordSize, chunk.stats.map(([k]) => k));
    assert.ok(chunk.recordSize >= chunk.info.sizeof && chunk.recordSize >= chunk.result.sizeof);
    assert.deepEqual(chunk.modes.filter(Boolean).sort(), ['base64', 'binary', 'legacy']);
    const bits = Object.values(chunk.ev);
    assert.equal(bits.reduce((a, b) => a | b, 0), bits.reduce((a, b) => a + b, 0), 'event bits overlap');

    const text = textLayout(rt);
    checkRecord('metrics', text.metrics, table(rt, 'text').get('metrics.sizeof'));
    assert.ok(text.maxBytes > 0 && text.maxCoord > 0);
  }
});

test('codecs and WebM find every config field and result slot by name; VIDEO_CODECS match the module', () => {
  for (const rt of runtimes) {
    const v = table(rt, 'video');
    assert.deepEqual(VIDEO_CODECS, { vp8: v.get('codec.vp8'), vp9: v.get('codec.vp9') });
    // Field indices: distinct and within the config array.
    for (const [group, record, count] of [['video', 'encoder', rt.exports.mc_wasm_video_encoder_fields()],
      ['audio', 'encoder', rt.exports.mc_wasm_audio_encoder_fields()],
      ['webm', 'muxer', rt.exports.mc_wasm_webm_muxer_fields()]]) {
      const fields = [...table(rt, group)].filter(([n]) => n.startsWith(`${record}.`)).map(([, i]) => i);
      assert.equal(new Set(fields).size, count, `${group}: one table entry per config field`);
      assert.ok(fields.every((i) => i >= 0 && i < count), `${group}: field index out of range`);
    }
    // Result slots: distinct per record and inside the shim's results array.
    for (const [group, records] of [['video', ['packet', 'frame']], ['audio', ['packet']],
      ['webm', ['output', 'info', 'frame']]]) {
      for (const record of records) {
        const at = [...table(rt, group)].filter(([n]) => n.startsWith(`${record}.`)).map(([, i]) => i);
        assert.ok(at.length > 0 && new Set(at).size === at.length, `${group} ${record}: slots distinct`);
        assert.ok(at.every((i) => i >= 0 && i < RESULT_SLOTS), `${group} ${record}: a slot beyond ${RESULT_SLOTS}`);
      }
    }
    const enc = new VideoEncoder(rt, { width: 64, height: 48, rateControl: 'vbr', errorResilient: true });
    assert.equal(enc.config.width, 64);
    assert.equal(enc.config.rateControl, 'vbr');
    assert.equal(enc.config.errorResilient, true);
    enc.close();
    const aenc = new AudioEncoder(rt, { application: 'lowdelay', dtx: true });
    assert.equal(aenc.config.application, 'lowdelay');
    assert.equal(aenc.config.dtx, true);
    aenc.close();
    const mux = new WebmMuxer(rt, { mode: 'live', video: { codec: 'vp9', width: 64, height: 48 },
      audio: { sampleRate: 48000, channels: 2, preSkip: 312 }, clusterMs: 1000 });
    assert.equal(mux.mode, 'live');
    mux.close();
  }
});

test('a name missing from a table is an MC_EINTERNAL error, not a wrong number', () => {
  const rt = runtimes[0];
  assert.throws(() => rt.layout('chunk')('info.no_such_field'),
    (e) => e instanceof MediaCoreError && e.code === 'MC_EINTERNAL' && /info\.no_such_field/.test(e.message));
  assert.throws(() => rt.layout('no_such_group'), (e) => e instanceof MediaCoreError && e.code === 'MC_EINTERNAL');
});

test('Base64Flags (public, static) match the module\'s MC_BASE64_* flags', () => {
  for (const rt of runtimes) {
    const t = table(rt, 'base64');
    assert.deepEqual(Base64Flags, {
      url: t.get('flag.url'), noPad: t.get('flag.nopad'), forgiving: t.get('flag.forgiving'),
      scalar: t.get('flag.scalar'),
    });
  }
});

/** web/mediacore.js and every .js under web/lib. */
async function shimSources() {
  const files = [new URL('mediacore.js', WEB)];
  for (const e of await readdir(new URL('lib/', WEB), { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith('.js')) files.push(new URL(`file://${e.parentPath ?? e.path}/${e.name}`));
  }
  return Promise.all(files.map(async (f) => [fileURLToPath(f), await readFile(f, 'utf8')]));
}

test('every error the shim makes pairs a code\'s name with the module\'s number for it', async () => {
  const rt = runtimes[0];
  const nameOf = (n) => rt.readCString(rt.exports.mc_wasm_error_name(n));
  // new MediaCoreError('MC_X', ..., -N) and helpers shaped like it; const MC_X = -N.
  const pairs = [
    /'(MC_E[A-Z]+)',(?:[^;]*?,)?\s*(-\d+)\)/gs,
    /const (MC_E[A-Z]+) = (-\d+);/g,
  ];
  let count = 0;
  for (const [file, src] of await shimSources()) {
    for (const re of pairs) {
      for (const m of src.matchAll(re)) {
        const line = src.slice(0, m.index).split('\n').length;
        assert.equal(m[1], nameOf(Number(m[2])), `${file}:${line}: ${m[1]} with ${m[2]}`);
        count++;
      }
    }
  }
  assert.ok(count > 20, `only ${count} error codes found: has the pattern changed?`);
});
