// server.mjs: start the real mediacore-server binary for a test, on free loopback ports.
//
//   const srv = await startServer();            // { url, wsUrl, port, stunPort, ... }
//   ... new WebSocket(srv.wsUrl) ...
//   const { code, stderr } = await srv.close(); // SIGTERM; code 0 on a clean shutdown
//
// The binary: $MC_SERVER_BIN, else build/<preset>/mediacore-server for the preset asked for
// (default: native-asan when it has been built, since it catches memory errors, else native).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** GET `url` on a connection of its own that closes after the response; the body as text. */
export function getText(url) {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    mod.get(url, { agent: false, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => { body += d; }).on('end', () => resolve(body));
    }).on('error', reject);
  });
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB_ROOT = path.join(ROOT, 'web');

/** The server binary for `preset` ('native', 'native-asan' or 'auto'). */
export function serverBinary(preset = 'auto') {
  if (process.env.MC_SERVER_BIN) return process.env.MC_SERVER_BIN;
  const bin = (p) => path.join(ROOT, 'build', p, 'mediacore-server');
  if (preset !== 'auto') return bin(preset);
  return existsSync(bin('native-asan')) ? bin('native-asan') : bin('native');
}

/**
 * Start a server. Options: args (more command-line arguments), webRoot (default web/,
 * null for none), stun (default true: any free UDP port), preset, env, wrapper.
 * Resolves once it prints "ready"; rejects with its output if it exits first.
 */
export function startServer({ args = [], webRoot = WEB_ROOT, stun = true, preset = 'auto', env = {}, wrapper = [] } = {}) {
  const bin = serverBinary(preset);
  if (!existsSync(bin)) {
    return Promise.reject(new Error(`${bin} does not exist: run tools/build.sh native native-asan`));
  }
  const argv = ['--port', '0', '--bind', '127.0.0.1', '--stun-port', stun ? '0' : 'off',
    '--web-root', webRoot ?? 'none', ...args];
  // `wrapper`: a command that runs the server, e.g. ['prlimit', '--nofile=64'].
  const proc = spawn(wrapper.length ? wrapper[0] : bin, wrapper.length ? [...wrapper.slice(1), bin, ...argv] : argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1', ...env },
  });
  let stdout = '';
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    proc.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
      if (!/: ready\b/.test(stdout)) return;
      const port = Number(/:\/\/[^/\s]+:(\d+)\//.exec(stdout)?.[1]);
      const stunPort = Number(/STUN on udp port (\d+)/.exec(stdout)?.[1] ?? 0) || null;
      const scheme = /https:\/\//.test(stdout) ? 'https' : 'http';
      const url = `${scheme}://127.0.0.1:${port}`;
      resolve({
        proc,
        port,
        stunPort,
        url,
        wsUrl: `${scheme === 'https' ? 'wss' : 'ws'}://127.0.0.1:${port}/`,
        get stdout() { return stdout; },
        get stderr() { return stderr; },
        exited,
        /** The /metrics values as { 'name{labels}': number }. The request's connection is
         *  closed after it (fetch would keep it open, and it counts against the limits). */
        async metrics() {
          const text = await getText(`${url}/metrics`);
          const out = {};
          for (const line of text.split('\n')) {
            const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
            if (m) out[m[1]] = Number(m[2]);
          }
          return out;
        },
        /** SIGTERM and wait; resolves { code, signal, stdout, stderr }. */
        async close(signal = 'SIGTERM') {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
          const result = await exited;
          return { ...result, stdout, stderr };
        },
      });
    });
    exited.then(({ code, signal }) => reject(new Error(
      `mediacore-server exited (${code ?? signal}) before it was ready:\n${stdout}${stderr}`)));
  });
}
