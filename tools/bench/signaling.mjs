// signaling.mjs: the signaling benchmark (run it through tools/bench/signaling.sh, which
// raises the open-file limit first). For each round, for each scenario, it starts a fresh
// mediacore-server (default epoll loop), a fresh mediacore-server --event-loop poll and a
// fresh book server (tools/bench/book-server.mjs), one after the other in rotating order,
// and runs build/native/mediacore-loadgen against each:
//
//   max-200     200 connections (100 pairs), as many candidates as the server relays, 4 in
//               flight per connection: relayed messages/s (the server at 100% of a core)
//   max-10k     10,000 connections, 1 in flight per connection: the same with many sockets
//   rate-10k    10,000 connections held, 5,000 candidates/s in total: latency p50/p99,
//               server memory per connection
//
// Prints a Markdown table of medians over the rounds, and the ratios.
//
//   --baseline BIN   also run BIN (another build of mediacore-server, e.g. an earlier commit's)
//                    in the same rotation, default loop, to compare two builds side by side.
//                    It gets only the options every build has had.
//   --only NAME      run only that scenario (max-200, max-10k or rate-10k).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { describeMachine, median } from './machine.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = path.join(ROOT, 'build/native/mediacore-server');
const LOADGEN = path.join(ROOT, 'build/native/mediacore-loadgen');
const BOOK = path.join(ROOT, 'tools/bench/book-server.mjs');

const quick = process.argv.includes('--quick');
const baselineAt = process.argv.indexOf('--baseline');
const BASELINE = baselineAt > 0 ? path.resolve(process.argv[baselineAt + 1]) : null;
const rounds = quick ? 1 : Number(process.env.RUNS ?? 3);
const win = quick ? ['--warmup', '1', '--duration', '3'] : ['--warmup', '2', '--duration', '10'];

const ALL_SCENARIOS = [
  { name: 'max-200', args: ['--connections', '200', '--rate', '0', '--window', '4'] },
  { name: 'max-10k', args: ['--connections', '10000', '--rate', '0', '--window', '1', '--connect-burst', '500'] },
  { name: 'rate-10k', args: ['--connections', '10000', '--rate', '5000', '--connect-burst', '500'] },
];

const onlyAt = process.argv.indexOf('--only');
const SCENARIOS = ALL_SCENARIOS.filter((sc) => onlyAt < 0 || sc.name === process.argv[onlyAt + 1]);
if (SCENARIOS.length === 0) throw new Error(`--only: no scenario named ${process.argv[onlyAt + 1]}`);
const KINDS = BASELINE ? ['c', 'c-base', 'c-poll', 'node'] : ['c', 'c-poll', 'node'];
const LABEL = {
  c: 'mediacore-server',
  'c-base': `baseline (${BASELINE})`,
  'c-poll': 'mediacore-server --event-loop poll',
  node: 'book server (Node ws)',
};

/** Start a server; resolve { pid, url, stop() } once it says where it listens. */
function startServer(kind) {
  const base = ['--port', '0', '--bind', '127.0.0.1', '--stun-port', 'off', '--web-root', 'none',
    '--rate', '0', '--max-connections', '12000'];
  // The load generator opens every connection from one address: no per-address limits.
  const c = [...base, '--max-connections-per-ip', '0', '--handshake-rate', '0'];
  const ws = /:(\d+)\/ \(WebSocket/;
  const [cmd, args, pattern] = kind === 'node'
    ? [process.execPath, [BOOK, '--port', '0', '--host', '127.0.0.1'], /listening (\d+)/]
    : kind === 'c-base' ? [BASELINE, base, ws]
      : [SERVER, kind === 'c-poll' ? [...c, '--event-loop', 'poll'] : c, ws];
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        resolve({
          pid: proc.pid,
          url: `ws://127.0.0.1:${m[1]}/`,
          stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); }),
        });
      }
    });
    proc.once('exit', (code) => reject(new Error(`${kind} server exited ${code}: ${out}`)));
  });
}

function loadgen(url, pid, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(LOADGEN, ['--url', url, '--server-pid', String(pid), '--json', ...win, ...args],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    p.once('exit', (code) => {
      try {
        const r = JSON.parse(out.trim().split('\n').pop());
        r.exit = code;
        resolve(r);
      } catch {
        reject(new Error(`loadgen exited ${code} without a result: ${out}`));
      }
    });
  });
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const results = {};     // scenario -> kind -> [result]
console.error(`signaling benchmark: ${rounds} round(s); load average at start ${load()}`);
for (let round = 0; round < rounds; round++) {
  for (const sc of SCENARIOS) {
    const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]);
    for (const kind of order) {
      const srv = await startServer(kind);
      await new Promise((r) => setTimeout(r, 300));
      let r;
      try {
        r = await loadgen(srv.url, srv.pid, sc.args);
      } finally {
        await srv.stop();
      }
      r.load = os.loadavg()[0];
      // Server CPU time per relayed message: less sensitive than msg/s to other load.
      r.server_us_per_msg = r.server_cpu_pct > 0 && r.relayed_per_s > 0
        ? (r.server_cpu_pct / 100) * 1e6 / r.relayed_per_s : -1;
      ((results[sc.name] ??= {})[kind] ??= []).push(r);
      console.error(`round ${round + 1} ${sc.name} ${kind}: held ${r.held}/${r.connections}, ` +
        `${r.relayed_per_s} msg/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, server ${r.server_cpu_pct}% CPU, ` +
        `loadgen ${r.loadgen_cpu_pct}% CPU, ${r.server_bytes_per_conn} B/conn, errors ${r.errors}, load ${r.load.toFixed(2)}`);
      await new Promise((res) => setTimeout(res, 1000));   // let closed sockets settle
    }
  }
}

const med = (xs, key) => median(xs.map((x) => x[key]));
const fmt = (v, d = 0) => (v < 0 ? 'n/a' : v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const lines = [];
lines.push(`Machine: ${describeMachine()}. Date: ${new Date().toISOString().slice(0, 10)}. ` +
  `${rounds} round(s), medians; load average (1 min) during the runs: ${fmt(Math.min(...Object.values(results).flatMap((k) => Object.values(k).flat().map((r) => r.load))), 2)}` +
  `–${fmt(Math.max(...Object.values(results).flatMap((k) => Object.values(k).flat().map((r) => r.load))), 2)}.`);
lines.push('');
lines.push('| scenario | server | connections held | relayed msg/s | p50 ms | p99 ms | server CPU | server CPU per message | loadgen CPU | server memory per connection |');
lines.push('|---|---|---|---|---|---|---|---|---|---|');
for (const sc of SCENARIOS) {
  for (const kind of KINDS) {
    const rs = results[sc.name][kind];
    lines.push(`| ${sc.name} | ${LABEL[kind]} | ` +
      `${fmt(med(rs, 'held'))} / ${fmt(rs[0].connections)} | ${fmt(med(rs, 'relayed_per_s'))} | ` +
      `${fmt(med(rs, 'p50_ms'), 2)} | ${fmt(med(rs, 'p99_ms'), 2)} | ${fmt(med(rs, 'server_cpu_pct'))}% | ` +
      `${fmt(med(rs, 'server_us_per_msg'), 1)} µs | ` +
      `${fmt(med(rs, 'loadgen_cpu_pct'))}% | ${fmt(med(rs, 'server_bytes_per_conn') / 1024, 1)} KiB |`);
  }
}
lines.push('');
for (const sc of SCENARIOS) {
  const n = results[sc.name].node;
  const part = (kind) => {
    const c = results[sc.name][kind];
    return `${LABEL[kind]} relays ${fmt(med(c, 'relayed_per_s') / med(n, 'relayed_per_s'), 2)}x the book server's ` +
      `messages/s at ${fmt(med(c, 'server_us_per_msg') / med(n, 'server_us_per_msg'), 2)}x its CPU per message, ` +
      `p99 ${fmt(med(c, 'p99_ms'), 2)} ms`;
  };
  lines.push(`- ${sc.name}: ${part('c')}; ${part('c-poll')}; the book server's p99 ${fmt(med(n, 'p99_ms'), 2)} ms.`);
  if (BASELINE) {
    const [c, b] = [results[sc.name].c, results[sc.name]['c-base']];
    lines.push(`  mediacore-server against the baseline: ${fmt(med(c, 'relayed_per_s') / med(b, 'relayed_per_s'), 2)}x ` +
      `its messages/s, ${fmt(med(c, 'server_us_per_msg') / med(b, 'server_us_per_msg'), 2)}x its CPU per message, ` +
      `p99 ${fmt(med(c, 'p99_ms'), 2)} against ${fmt(med(b, 'p99_ms'), 2)} ms.`);
  }
}
console.log(lines.join('\n'));
