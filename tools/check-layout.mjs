#!/usr/bin/env node
// tools/check-layout.mjs: the source tree keeps its shape (README "Layout").
//   - Folder = feature: a file in src/<folder>/ includes its own folder's headers (by bare
//     name), base's ("base/x.h"), the public headers of the features it may reach
//     ("mediacore/x.h"), and system or third-party headers (<...>). The edges between
//     folders are the ones in EDGES below, and nothing else.
//   - A public header (include/mediacore/) includes only C standard headers and other
//     public headers: no third-party type reaches a user of mc_core.
//   - No source file in src/, include/ or web/lib/ is longer than MAX_LINES.
// Run by ctest as the test `layout`; exits 1 with one line per violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAX_LINES = 900;

// Which folders a folder's files may include from, besides itself. base is everyone's.
const EDGES = {
  base: [],
  media: ['base'],
  transfer: ['base'],
  codec: ['base', 'media'],            // video.c encodes media's RGBA frames (frame.h)
  signal: ['base'],
  wasm: ['base', 'media', 'transfer', 'codec'],
  server: ['base', 'signal'],
};

// The feature each public header belongs to.
const PUBLIC = {
  'mc_error.h': 'base',
  'frame.h': 'media', 'text.h': 'media', 'font.h': 'media',
  'base64.h': 'transfer', 'chunk.h': 'transfer', 'digest.h': 'transfer',
  'video.h': 'codec', 'audio.h': 'codec', 'webm.h': 'codec', 'codec_ids.h': 'codec',
};

// What a public header may include with <...>: the C standard library's headers.
const C_STANDARD = new Set(['stddef.h', 'stdint.h', 'stdbool.h', 'stdarg.h', 'limits.h']);

function files(dir, pattern) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(files(path, pattern));
    else if (pattern.test(name)) out.push(path);
  }
  return out;
}

function includes(path) {
  const list = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    const m = /^\s*#\s*include\s*([<"])([^>"]+)[>"]/.exec(line);
    if (m) list.push({ quoted: m[1] === '"', name: m[2], line: i + 1 });
  });
  return list;
}

const problems = [];
const where = (path, line) => `${relative(root, path)}:${line}`;

// Folder = feature.
for (const folder of readdirSync(join(root, 'src'))) {
  const dir = join(root, 'src', folder);
  if (!statSync(dir).isDirectory()) continue;
  const reach = EDGES[folder];
  if (!reach) {
    problems.push(`src/${folder}: a folder the layout does not know: add it to EDGES in tools/check-layout.mjs and to README's Layout`);
    continue;
  }
  const own = new Set(readdirSync(dir));
  for (const path of files(dir, /\.[ch]$/)) {
    for (const inc of includes(path)) {
      if (!inc.quoted) continue;
      const slash = inc.name.indexOf('/');
      if (slash < 0) {
        if (!own.has(inc.name))
          problems.push(`${where(path, inc.line)}: "${inc.name}" is not in src/${folder}/`);
        continue;
      }
      const [top, rest] = [inc.name.slice(0, slash), inc.name.slice(slash + 1)];
      if (top === 'mediacore') {
        const owner = PUBLIC[rest];
        if (!owner)
          problems.push(`${where(path, inc.line)}: public header ${inc.name} has no owner in tools/check-layout.mjs`);
        else if (owner !== folder && !reach.includes(owner))
          problems.push(`${where(path, inc.line)}: src/${folder} may not reach ${owner} (${inc.name})`);
      } else if (top === folder) {
        problems.push(`${where(path, inc.line)}: include a header of the same folder by name ("${rest}")`);
      } else if (!reach.includes(top)) {
        problems.push(`${where(path, inc.line)}: src/${folder} may not include src/${inc.name}`);
      }
    }
  }
}

// Public headers: nothing third-party, nothing private.
const publicDir = join(root, 'include', 'mediacore');
for (const path of files(publicDir, /\.h$/)) {
  if (!PUBLIC[basename(path)])
    problems.push(`${relative(root, path)}: a public header with no owner in tools/check-layout.mjs`);
  for (const inc of includes(path)) {
    if (inc.quoted ? !PUBLIC[inc.name] : !C_STANDARD.has(inc.name))
      problems.push(`${where(path, inc.line)}: a public header includes ${inc.quoted ? `"${inc.name}"` : `<${inc.name}>`}`);
  }
}

// One job per file.
for (const path of [...files(join(root, 'src'), /\.[ch]$/), ...files(publicDir, /\.h$/),
                    ...files(join(root, 'web', 'lib'), /\.js$/)]) {
  const lines = readFileSync(path, 'utf8').split('\n').length - 1;
  if (lines > MAX_LINES)
    problems.push(`${relative(root, path)}: ${lines} lines (at most ${MAX_LINES}: split it by job)`);
}

for (const p of problems) console.error(p);
if (problems.length) {
  console.error(`check-layout: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log('check-layout: ok');
