// rawhttp.mjs: HTTP/1.1 exactly as written, for requests no HTTP client would send.
import net from 'node:net';

/**
 * Connect to 127.0.0.1:`port`, write each of `chunks` (strings, latin1) `gapMs` apart, and
 * collect what comes back until the server closes or `timeoutMs` passes.
 * Resolves { text, closed, statuses } where statuses are the status codes of every
 * response seen, in order.
 */
export function exchange(port, chunks, { gapMs = 50, timeoutMs = 1500 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      sock.destroy();
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ text, closed, statuses });
    };
    const timer = setTimeout(finish, timeoutMs);
    sock.setEncoding('latin1');
    sock.on('data', (d) => { text += d; });
    sock.on('end', () => { closed = true; finish(); });
    sock.on('close', () => { closed = true; finish(); });
    sock.on('error', (e) => { if (e.code === 'ECONNRESET') { closed = true; finish(); } else reject(e); });
    sock.on('connect', async () => {
      for (const [i, c] of chunks.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, gapMs));
        if (!sock.destroyed) sock.write(c, 'latin1');
      }
    });
  });
}

/** A GET request's text, with extra header lines. */
export function get(path, headers = [], { host = '127.0.0.1' } = {}) {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
}
