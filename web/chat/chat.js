// Chat: two logged-in users exchange text over an RTCDataChannel. The signaling server
// only carries the offer, answer and ICE candidates; messages go browser to browser.
// Whoever clicks Connect opens the channel; the other side accepts at once.
import { SignalingClient } from '../lib/signaling.js';
import { Peer } from '../lib/peer.js';

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'), loginForm: $('login-form'), name: $('name'), login: $('login'),
  panel: $('chat-panel'), connectForm: $('connect-form'), peerName: $('peer-name'),
  connect: $('connect'), disconnect: $('disconnect'), log: $('log'), sendForm: $('send-form'),
  message: $('message'), send: $('send'),
};

let sig = null;
let peer = null;
let channel = null;
let closedByRemote = null;  // the peer whose data channel the other side closed

function setStatus(text, kind = '') {
  ui.status.textContent = text;
  ui.status.className = `status ${kind}`;
}

function setState(state) {
  document.body.dataset.state = state;
  const busy = state === 'connecting' || state === 'open';
  ui.connect.disabled = busy;
  ui.peerName.disabled = busy;
  ui.disconnect.disabled = !busy;
  ui.message.disabled = state !== 'open';
  ui.send.disabled = state !== 'open';
}

function addLine(who, text, kind) {
  const li = document.createElement('li');
  li.className = kind;
  if (who) {
    const w = document.createElement('span');
    w.className = 'who';
    w.textContent = `${who}:`;
    li.append(w);
  }
  li.append(document.createTextNode(text));
  ui.log.append(li);
  ui.log.scrollTop = ui.log.scrollHeight;
}

function describe(err, who) {
  switch (err?.code) {
    case 'name-taken': return `The name "${ui.name.value}" is taken: choose another.`;
    case 'invalid-name': return `That name cannot be used: ${err.message}.`;
    case 'unknown-user': return `Nobody called "${who}" is logged in. Check the name.`;
    case 'self': return 'You cannot chat with yourself: open this page in another tab.';
    case 'left': return `${who} went away.`;
    case 'timeout': return `${who} did not answer.`;
    default: return `Something went wrong: ${err?.message ?? err}`;
  }
}

async function login(event) {
  event.preventDefault();
  const name = ui.name.value.trim();
  if (!name) return;
  ui.login.disabled = true;
  try {
    if (!sig) {
      sig = new SignalingClient();
      watchSignaling(sig);
    }
    setStatus('Connecting to the server…');
    await sig.connect();
    await sig.login(name);
  } catch (err) {
    ui.login.disabled = false;
    setStatus(err.code === 'closed' ? `Cannot reach the signaling server at ${sig.url}. Is mediacore-server running?` : describe(err), 'error');
    return;
  }
  ui.loginForm.hidden = true;
  ui.panel.hidden = false;
  setState('ready');
  setStatus(`Logged in as "${sig.name}". Connect to someone by name, or wait for them.`, 'ok');
  ui.peerName.focus();
}

function watchSignaling(client) {
  client.on('offer', ({ from, offer }) => {
    if (peer) {
      client.leave(from).catch(() => {});     // busy: decline
      return;
    }
    const p = startPeer(from);
    setState('connecting');
    setStatus(`${from} wants to chat: connecting…`);
    p.on('datachannel', (ch) => useChannel(p, ch));
    p.accept(offer).catch((err) => fail(p, err));
  });
  client.on('state', ({ state }) => {
    if (state === 'reconnecting') setStatus('Lost the connection to the server: reconnecting…', 'error');
  });
}

function startPeer(remote) {
  const p = new Peer({ signaling: sig, remote });
  peer = p;
  p.on('close', ({ reason }) => {
    if (peer !== p) return;
    peer = null;
    channel = null;
    const left = reason === 'leave' || closedByRemote === p;
    const text = left ? `${remote} left the chat.`
      : reason === 'failed' ? `The connection to ${remote} failed.` : 'Disconnected.';
    addLine('', text, 'note');
    setState('ready');
    setStatus(text, left || reason === 'failed' ? 'error' : 'ok');
  });
  return p;
}

function useChannel(p, ch) {
  if (peer !== p) return;
  channel = ch;
  const opened = () => {
    if (peer !== p) return;
    setState('open');
    document.body.dataset.peer = p.remote;
    setStatus(`Chatting with ${p.remote}.`, 'ok');
    addLine('', `Connected to ${p.remote}.`, 'note');
    ui.message.focus();
  };
  ch.onmessage = ({ data }) => {
    if (typeof data === 'string') addLine(p.remote, data, 'them');
  };
  ch.onclose = () => {
    // The other side closed the channel: it left (its "leave" may still be on the way).
    if (peer !== p) return;
    closedByRemote = p;
    p.hangUp();
  };
  if (ch.readyState === 'open') opened();
  else ch.onopen = opened;
}

function fail(p, err) {
  if (peer !== p) return;
  const text = describe(err, p.remote);
  p.close();
  setStatus(text, 'error');
}

async function connect(event) {
  event.preventDefault();
  const remote = ui.peerName.value.trim();
  if (!remote || peer) return;
  const p = startPeer(remote);
  useChannel(p, p.createDataChannel('chat', { ordered: true }));
  setState('connecting');
  setStatus(`Connecting to ${remote}…`);
  try {
    await p.call();
  } catch (err) {
    fail(p, err);
  }
}

function send(event) {
  event.preventDefault();
  const text = ui.message.value;
  if (!text || channel?.readyState !== 'open') return;
  channel.send(text);
  addLine(sig.name, text, 'me');
  ui.message.value = '';
}

ui.loginForm.addEventListener('submit', login);
ui.connectForm.addEventListener('submit', connect);
ui.sendForm.addEventListener('submit', send);
ui.disconnect.addEventListener('click', () => peer?.hangUp());
setState('login');
ui.name.focus();
