// mediacore-server over TLS: TLS 1.2 or later with forward-secret AEAD suites only (ECDHE with
// AES-GCM or ChaCha20-Poly1305; TLS 1.3's own suites), checked with Debian's `openssl s_client`
// against an RSA and an ECDSA certificate, and against a server whose OpenSSL configuration
// (OPENSSL_CONF) would allow TLS 1.0 and every cipher: the limits must come from the server,
// not from the system's defaults. Every refusal is checked against a control (`openssl
// s_server` allowing everything) that accepts the same client, so a refusal cannot pass
// just because the client never offered it. And Strict-Transport-Security on every https response,
// never on plain http.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { startServer } from '../lib/server.mjs';

const run = promisify(execFile);
const HSTS = 'max-age=31536000';

const dir = await mkdtemp(path.join(tmpdir(), 'mc-tls-'));
const file = (name) => path.join(dir, name);
await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('rsa-key.pem'),
  '-out', file('rsa-cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1']);
await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
  '-keyout', file('ec-key.pem'), '-out', file('ec-cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1']);
// What an old or careless system configuration might say: every protocol and cipher allowed.
await writeFile(file('permissive.cnf'), [
  'openssl_conf = openssl_init',
  '[openssl_init]', 'ssl_conf = ssl_sect',
  '[ssl_sect]', 'system_default = system_default_sect',
  '[system_default_sect]', 'MinProtocol = TLSv1', 'CipherString = ALL:@SECLEVEL=0', '',
].join('\n'));

// The client's own configuration must not decide anything: no OPENSSL_CONF from the
// environment, and the legacy attempts lower the client's security level themselves.
const { OPENSSL_CONF: _ignored, ...clientEnv } = process.env;

const tlsArgs = (kind) => ['--tls-cert', file(`${kind}-cert.pem`), '--tls-key', file(`${kind}-key.pem`)];
const servers = {
  rsa: await startServer({ stun: false, args: tlsArgs('rsa') }),
  'rsa, permissive OPENSSL_CONF': await startServer({ stun: false, args: tlsArgs('rsa'),
    env: { OPENSSL_CONF: file('permissive.cnf') } }),
  ecdsa: await startServer({ stun: false, args: tlsArgs('ec') }),
};
const plain = await startServer({ stun: false });

/**
 * A control: `openssl s_server` with the same certificate, every protocol from TLS 1.0 and
 * every cipher allowed. A refusal by our server only counts if the control accepts the
 * same client: otherwise the client never offered it (OpenSSL 3 has no 3DES in its default
 * provider, and no ECDHE-RSA CCM suite at all) or the certificate rules it out (an ECDSA
 * key cannot do RSA suites), and the "refused" check could not fail.
 */
function startControl(kind) {
  const proc = spawn('openssl', ['s_server', '-www', '-accept', '0', '-cert', file(`${kind}-cert.pem`),
    '-key', file(`${kind}-key.pem`), '-min_protocol', 'TLSv1', '-cipher', 'ALL:@SECLEVEL=0'],
  { stdio: ['ignore', 'pipe', 'pipe'], env: clientEnv });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /ACCEPT .*:(\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), close: () => new Promise((r) => { proc.once('exit', r); proc.kill(); }) });
    });
    proc.once('exit', (code) => reject(new Error(`openssl s_server exited ${code}: ${out}`)));
  });
}
const controls = { rsa: await startControl('rsa'), ecdsa: await startControl('ec') };

test.after(async () => {
  for (const s of [...Object.values(servers), plain]) assert.equal((await s.close()).code, 0);
  for (const c of Object.values(controls)) await c.close();
  await rm(dir, { recursive: true, force: true });
});


/** One handshake with `openssl s_client`: { ok, protocol, cipher, out }. */
function handshake(port, args) {
  return new Promise((resolve) => {
    const child = execFile('openssl', ['s_client', '-brief', '-connect', `127.0.0.1:${port}`, ...args],
      { timeout: 10_000, env: clientEnv }, (err, stdout, stderr) => {
        const out = `${stdout}${stderr}`;
        resolve({
          ok: !err && /CONNECTION ESTABLISHED/.test(out),
          protocol: /Protocol version: (\S+)/.exec(out)?.[1],
          cipher: /Ciphersuite: (\S+)/.exec(out)?.[1],
          out,
        });
      });
    child.stdin.end();              // EOF: s_client closes once the handshake is done
  });
}

const ACCEPTED_12 = {
  rsa: ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ecdsa: ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
};
// Per key type: each one a suite the control accepts with that certificate.
const REFUSED_12 = {
  rsa: [
    'AES128-SHA', 'AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-CCM', // no forward secrecy
    'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384',                                 // CBC, not AEAD
    'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-CHACHA20-POLY1305', 'DHE-RSA-AES128-CCM',   // finite-field DHE
  ],
  ecdsa: [
    'ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-ECDSA-AES256-SHA384',  // CBC, not AEAD
    'ECDHE-ECDSA-AES128-CCM',                                                          // CCM
  ],
};

/** Our server refuses what the control accepts from the same client. */
async function assertRefused(port, keyType, args, what) {
  const c = await handshake(controls[keyType].port, args);
  assert.ok(c.ok, `control refused ${what} too, so the check means nothing:\n${c.out}`);
  const r = await handshake(port, args);
  assert.equal(r.ok, false, `${what} accepted (${r.protocol} ${r.cipher})`);
}

for (const [name, s] of Object.entries(servers)) {
  const keyType = name.startsWith('ecdsa') ? 'ecdsa' : 'rsa';

  test(`${name}: TLS 1.2 with ECDHE and AES-GCM or ChaCha20-Poly1305 only`, async () => {
    for (const cipher of ACCEPTED_12[keyType]) {
      const r = await handshake(s.port, ['-tls1_2', '-cipher', cipher]);
      assert.ok(r.ok, `${cipher} refused:\n${r.out}`);
      assert.equal(r.protocol, 'TLSv1.2');
      assert.equal(r.cipher, cipher);
    }
    for (const cipher of REFUSED_12[keyType]) {
      await assertRefused(s.port, keyType, ['-tls1_2', '-cipher', `${cipher}:@SECLEVEL=0`], cipher);
    }
    // A client that offers everything still gets a forward-secret AEAD suite.
    const any = await handshake(s.port, ['-tls1_2', '-cipher', 'ALL:@SECLEVEL=0']);
    assert.ok(any.ok, any.out);
    assert.ok(ACCEPTED_12[keyType].includes(any.cipher), any.cipher);
  });

  test(`${name}: TLS 1.0 and 1.1 are refused`, async () => {
    for (const version of ['-tls1', '-tls1_1']) {
      await assertRefused(s.port, keyType, [version, '-cipher', 'ALL:@SECLEVEL=0'], version);
    }
  });

  test(`${name}: TLS 1.3 with each of OpenSSL's default suites`, async () => {
    for (const suite of ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256']) {
      const r = await handshake(s.port, ['-tls1_3', '-ciphersuites', suite]);
      assert.ok(r.ok, `${suite} refused:\n${r.out}`);
      assert.equal(r.protocol, 'TLSv1.3');
      assert.equal(r.cipher, suite);
    }
  });
}

/** Status and headers of one request (any certificate accepted). */
function request(url, method = 'GET') {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? 'x' : undefined);
  });
}

// Every kind of response http.c writes: a file, HEAD of a file, /healthz, /metrics, a
// redirect, 404 and 405.
const RESPONSES = [['/index.html', 'GET', 200], ['/mediacore.js', 'HEAD', 200], ['/healthz', 'GET', 200],
  ['/metrics', 'GET', 200], ['/photobooth', 'GET', 301], ['/no/such/file', 'GET', 404], ['/', 'POST', 405]];

test('https: Strict-Transport-Security on every response', async () => {
  for (const s of Object.values(servers)) {
    for (const [p, method, status] of RESPONSES) {
      const r = await request(s.url + p, method);
      assert.equal(r.status, status, `${method} ${p}`);
      assert.equal(r.headers['strict-transport-security'], HSTS, `${method} ${p}`);
    }
  }
});

test('plain http: no Strict-Transport-Security (browsers would ignore it anyway)', async () => {
  assert.match(plain.url, /^http:/);
  for (const [p, method, status] of RESPONSES) {
    const r = await request(plain.url + p, method);
    assert.equal(r.status, status, `${method} ${p}`);
    assert.equal(r.headers['strict-transport-security'], undefined, `${method} ${p}`);
  }
});
