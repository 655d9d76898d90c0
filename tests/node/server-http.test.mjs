// mediacore-server over plain HTTP: files from web/ with the right types, /healthz,
// /metrics, what it refuses to serve; the command line; TLS.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import https from 'node:https';
import net from 'node:net';
import { promisify } from 'node:util';
import { startServer, serverBinary, WEB_ROOT } from '../lib/server.mjs';
import { TestClient } from '../lib/wsclient.mjs';

const run = promisify(execFile);
const srv = await startServer({ stun: false });
test.after(async () => assert.equal((await srv.close()).code, 0));

/** A raw HTTP/1.1 request, so paths reach the server exactly as written. */
function rawGet(port, requestPath, method = 'GET') {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.write(`${method} ${requestPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    sock.setEncoding('latin1').on('data', (d) => { data += d; }).on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1]);
      resolve({ status, text: data });
    }).on('error', reject);
  });
}

test('files come with the types browsers need', async () => {
  const cases = [
    ['/', 'text/html; charset=utf-8', 'index.html'],
    ['/index.html', 'text/html; charset=utf-8', 'index.html'],
    ['/mediacore.js', 'text/javascript; charset=utf-8', 'mediacore.js'],
    ['/lib/signaling.js', 'text/javascript; charset=utf-8', 'lib/signaling.js'],
    ['/style.css', 'text/css; charset=utf-8', 'style.css'],
    ['/favicon.svg', 'image/svg+xml', 'favicon.svg'],
    ['/mediacore.wasm', 'application/wasm', 'mediacore.wasm'],
  ];
  for (const [url, type, file] of cases) {
    const res = await fetch(srv.url + url);
    assert.equal(res.status, 200, url);
    assert.equal(res.headers.get('content-type'), type, url);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const body = Buffer.from(await res.arrayBuffer());
    assert.ok(body.equals(await readFile(path.join(WEB_ROOT, file))), `${url} body`);
  }
  // Streaming compilation accepts it (it checks the type).
  const mod = await WebAssembly.compileStreaming(fetch(`${srv.url}/mediacore.wasm`));
  assert.ok(mod instanceof WebAssembly.Module);
});

test('directories: index.html, and a redirect when the slash is missing', async () => {
  const res = await fetch(`${srv.url}/photobooth`, { redirect: 'manual' });
  assert.equal(res.status, 301);
  assert.match(res.headers.get('location'), /\/photobooth\/$/);
  const page = await fetch(`${srv.url}/photobooth/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Photobooth/);
});

test('HEAD, 404, 405, and nothing outside the web root', async () => {
  const head = await fetch(`${srv.url}/mediacore.js`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers.get('content-length')), (await readFile(path.join(WEB_ROOT, 'mediacore.js'))).length);
  assert.equal((await fetch(`${srv.url}/no/such/file.js`)).status, 404);
  assert.equal((await fetch(`${srv.url}/`, { method: 'POST', body: 'x' })).status, 405);
  for (const p of ['/../README.md', '/../../etc/passwd', '/%2e%2e/README.md', '/lib/../../README.md',
    '/..%2fREADME.md', '/%2e%2e%2f%2e%2e%2fetc/passwd', '//etc/passwd']) {
    const r = await rawGet(srv.port, p);
    assert.notEqual(r.status, 200, `${p}: ${r.text.slice(0, 200)}`);
    assert.doesNotMatch(r.text, /root:|# mediacore/, p);
  }
});

test('symlinks cannot lead out of the web root', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'mc-webroot-'));
  await mkdir(path.join(dir, 'sub'));
  await writeFile(path.join(dir, 'sub', 'ok.txt'), 'inside');
  await symlink('/etc/passwd', path.join(dir, 'escape.txt'));
  await symlink(path.join(dir, 'sub', 'ok.txt'), path.join(dir, 'inner.txt'));
  const s = await startServer({ stun: false, webRoot: dir });
  t.after(async () => {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  });
  assert.equal((await fetch(`${s.url}/escape.txt`)).status, 404);
  const inner = await fetch(`${s.url}/inner.txt`);
  assert.equal(inner.status, 200);
  assert.equal(await inner.text(), 'inside');
  assert.equal((await fetch(`${s.url}/`)).status, 404);      // no index.html
});

test('/healthz and /metrics (Prometheus text format)', async () => {
  const h = await fetch(`${srv.url}/healthz`);
  assert.equal(h.status, 200);
  assert.equal(await h.text(), 'ok\n');
  const a = await TestClient.open(srv.wsUrl);
  await a.request({ type: 'login', name: 'metrics-user' });
  await a.request('nope');
  const res = await fetch(`${srv.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  // Every line is a comment or a sample; every sample's metric has HELP and TYPE.
  const typed = new Set();
  for (const line of text.trimEnd().split('\n')) {
    const t = /^# TYPE ([a-z_]+) (counter|gauge)$/.exec(line);
    if (t) { typed.add(t[1]); continue; }
    if (/^# HELP [a-z_]+ .+$/.test(line)) continue;
    const m = /^([a-z_]+)(\{[a-z]+="[a-z0-9_-]+"\})? (\d+(\.\d+)?)$/.exec(line);
    assert.ok(m, `bad line: ${line}`);
    assert.ok(typed.has(m[1]), `no TYPE for ${m[1]}`);
    if (m[1].endsWith('_total')) assert.equal(text.includes(`# TYPE ${m[1]} counter`), true);
  }
  const m = await srv.metrics();
  assert.ok(m.mediacore_connections >= 1);
  assert.ok(m.mediacore_users >= 1);
  assert.ok(m['mediacore_errors_total{kind="bad-json"}'] >= 1);
  assert.ok(m.mediacore_logins_total >= 1);
  assert.ok(m.process_resident_memory_bytes > 1e6);
  for (const kind of ['bad-json', 'bad-utf8', 'too-large', 'too-deep', 'bad-field', 'unknown-type', 'invalid-name',
    'name-taken', 'already-logged-in', 'not-logged-in', 'unknown-user', 'self', 'undeliverable', 'rate-limited', 'server-busy']) {
    assert.ok(`mediacore_errors_total{kind="${kind}"}` in m, kind);
  }
  await a.close();
});

test('--help lists every option; bad options exit 2 with a message', async () => {
  const bin = serverBinary();
  const { stdout } = await run(bin, ['--help']);
  for (const o of ['--port', '--bind', '--web-root', '--stun-port', '--public-host', '--tls-cert', '--tls-key',
    '--allow-origin', '--max-message', '--max-name', '--max-depth', '--rate', '--burst', '--max-queue',
    '--max-queue-messages', '--max-connections', '--idle-timeout', '--log-level', '--help', '--version',
    '--max-peers', '--max-queue-per-sender', '--max-buffered', '--max-connections-per-ip', '--handshake-rate',
    '--handshake-burst', '--stun-rate', '--stun-burst']) {
    assert.ok(stdout.includes(o), o);
  }
  for (const args of [['--port', 'x'], ['--bogus'], ['--tls-cert', 'a.pem'], ['--log-level', 'loud'], ['extra'],
    ['--web-root', '/no/such/dir'], ['--max-name', '0'], ['--max-peers', '0'], ['--max-buffered', '10'],
    ['--max-connections-per-ip', '-1'], ['--handshake-rate', 'x'], ['--handshake-burst', '0'],
    ['--max-queue-per-sender', '1']]) {
    await assert.rejects(run(bin, args), (err) => {
      assert.equal(err.code, 2, `${args}: exit ${err.code}`);
      assert.match(err.stderr, /mediacore-server: /);
      return true;
    });
  }
  const { stdout: v } = await run(bin, ['--version']);
  assert.match(v, /^mediacore-server \d+\.\d+\.\d+ \(libwebsockets 4\./);
});

test('a port in use is a clear error', async () => {
  await assert.rejects(run(serverBinary(), ['--port', String(srv.port), '--bind', '127.0.0.1', '--stun-port', 'off']),
    (err) => { assert.notEqual(err.code, 0); assert.match(err.stderr, /cannot listen/); return true; });
});

test('TLS: https and wss with --tls-cert/--tls-key', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'mc-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=127.0.0.1']);
  const s = await startServer({ stun: false, args: ['--tls-cert', cert, '--tls-key', key] });
  t.after(async () => {
    assert.equal((await s.close()).code, 0);
    await rm(dir, { recursive: true, force: true });
  });
  assert.match(s.url, /^https:/);
  const body = await new Promise((resolve, reject) => {
    https.get(`${s.url}/healthz`, { rejectUnauthorized: false }, (res) => {
      let d = '';
      res.on('data', (c) => { d += c; }).on('end', () => resolve(d));
    }).on('error', reject);
  });
  assert.equal(body, 'ok\n');
  const c = await TestClient.open(s.wsUrl, { rejectUnauthorized: false });
  const r = await c.request({ type: 'login', name: 'secure' });
  assert.equal(r.success, true);
  await c.close();
  // Plain http on the TLS port is not served.
  await assert.rejects(fetch(`http://127.0.0.1:${s.port}/healthz`));
});
