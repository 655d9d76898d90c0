// book-server.mjs: the signaling server of Learning WebRTC (chapter 4), on Node and `ws`,
// kept as the reference our C server is measured against (tools/bench/signaling.sh) and
// compared with (tests/node/book-compat.test.mjs).
//
//   node tools/bench/book-server.mjs [--port 8888] [--host 127.0.0.1] [--log]
//
// The message handling is the book's, line for line in behaviour, with three changes, each
// only so that it survives a benchmark:
//   - the close handler is registered on each connection (the book wrote wss.on("close"),
//     which never fires per connection, so names were never freed);
//   - "leave" and the close handler check that the other user exists before touching it
//     (the book dereferenced first, so a leave to an unknown name crashed the process);
//   - console.log per message is off unless --log (logging would dominate its CPU time).
// It prints "listening <port>" once ready.
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const log = args.includes('--log') ? console.log : () => {};

const wss = new WebSocketServer({ port: Number(opt('--port', 8888)), host: opt('--host', undefined) });
const users = {};

function sendTo(conn, message) {
  conn.send(JSON.stringify(message));
}

wss.on('connection', (connection) => {
  log('User connected');

  connection.on('message', (message) => {
    let data, conn;

    try {
      data = JSON.parse(message);
    } catch (e) {
      log(e);
      data = {};
    }

    switch (data.type) {
      case 'login':
        log('User logged in as', data.name);
        if (users[data.name]) {
          sendTo(connection, { type: 'login', success: false });
        } else {
          users[data.name] = connection;
          connection.name = data.name;
          sendTo(connection, { type: 'login', success: true });
        }
        break;

      case 'offer':
        log('sending offer to:', data.name);
        conn = users[data.name];
        if (conn != null) {
          connection.otherName = data.name;
          sendTo(conn, { type: 'offer', offer: data.offer, name: connection.name });
        }
        break;

      case 'answer':
        log('sending answer to:', data.name);
        conn = users[data.name];
        if (conn != null) {
          connection.otherName = data.name;
          sendTo(conn, { type: 'answer', answer: data.answer });
        }
        break;

      case 'candidate':
        log('sending to', data.name);
        conn = users[data.name];
        if (conn != null) {
          sendTo(conn, { type: 'candidate', candidate: data.candidate });
        }
        break;

      case 'leave':
        log('Disconnected user from ', data.name);
        conn = users[data.name];
        if (conn != null) {
          conn.otherName = null;
          sendTo(conn, { type: 'leave' });
        }
        break;

      default:
        sendTo(connection, { type: 'error', message: 'Unrecognized command: ' + data.type });
        break;
    }
  });

  connection.on('close', () => {
    if (connection.name) {
      delete users[connection.name];
      if (connection.otherName) {
        log('Disconnected,', connection.otherName);
        const conn = users[connection.otherName];
        if (conn != null) {
          conn.otherName = null;
          sendTo(conn, { type: 'leave' });
        }
      }
    }
  });
});

wss.on('listening', () => {
  console.log(`listening ${wss.address().port}`);
});
