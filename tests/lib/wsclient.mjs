// wsclient.mjs: a WebSocket test client (the `ws` package) that queues what it receives,
// so a test can say "the next message is ..." or "nothing arrives".
import WebSocket from 'ws';

export class TestClient {
  /** Open a connection; resolves once open. `options` go to `ws` (headers, origin, ...),
   *  except `protocols`: the subprotocols to ask for. */
  static open(url, { protocols, ...options } = {}) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, options);
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  constructor(ws) {
    this.ws = ws;
    this.inbox = [];
    this.waiters = [];
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const w of this.waiters.splice(0)) w.reject(new Error(`closed (${code} ${reason}) while waiting`));
      });
    });
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      let msg;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        msg = { unparsable: data.toString(), isBinary };
      }
      const i = this.waiters.findIndex((w) => w.filter(msg));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg);
      else this.inbox.push(msg);
    });
  }

  /** Send an object (as JSON) or a string as it is. */
  send(message, options) {
    this.ws.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message), options);
  }

  /** The next message (matching `filter`), within `timeoutMs`. */
  next(filter = () => true, timeoutMs = 5000) {
    const i = this.inbox.findIndex(filter);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const w = {
        filter,
        resolve: (m) => { clearTimeout(w.timer); resolve(m); },
        reject: (e) => { clearTimeout(w.timer); reject(e); },
      };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no matching message within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Send `message` and return the next message received. */
  async request(message, timeoutMs) {
    this.send(message);
    return this.next(() => true, timeoutMs);
  }

  /** Resolve after `ms` if nothing arrived; reject with what did. */
  async quiet(ms = 200) {
    await new Promise((r) => setTimeout(r, ms));
    if (this.inbox.length) throw new Error(`unexpected messages: ${JSON.stringify(this.inbox)}`);
  }

  close() {
    this.ws.close();
    return this.closed;
  }

  /** Drop the TCP connection without a close frame. */
  kill() {
    this.ws.terminate();
    return this.closed;
  }
}

export async function loggedIn(url, name) {
  const c = await TestClient.open(url);
  const r = await c.request({ type: 'login', name });
  if (r.type !== 'login' || r.success !== true) throw new Error(`login ${name} failed: ${JSON.stringify(r)}`);
  return c;
}
