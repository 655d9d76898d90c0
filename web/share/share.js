// File share: the book's file-sharing demo done properly. Two logged-in users connect
// through the signaling server; files then go browser to browser over an RTCDataChannel
// with the wasm core's chunking, CRC-32C per chunk and SHA-256 per file
// (core.createFileSender / createFileReceiver). Several files go one after another; the
// receiver writes to the origin private file system as bytes arrive (after checking free
// space) and offers Save when the file is verified. If the connection drops mid-transfer,
// the side that called reconnects and both transfers continue where they stopped.
import { createMediaCore, MediaCoreError } from '../mediacore.js';
import { SignalingClient } from '../lib/signaling.js';
import { Peer } from '../lib/peer.js';

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'), loginForm: $('login-form'), name: $('name'), login: $('login'),
  panel: $('share-panel'), connectForm: $('connect-form'), peerName: $('peer-name'),
  connect: $('connect'), disconnect: $('disconnect'), mode: $('mode'), ask: $('ask'),
  drop: $('drop'), files: $('files'), outgoing: $('outgoing'), incoming: $('incoming'),
};

const RECONNECT_TRIES = 6;

let core = null;
let sig = null;
let peer = null;            // the current Peer
let channel = null;         // its data channel, once open
let role = null;            // 'caller' (we clicked Connect) or 'callee'
let remote = null;          // who we share with
let hangingUp = false;      // a Disconnect we asked for: no reconnection
let reconnecting = null;    // a pending reconnection
let receiver = null;        // one FileReceiver for the whole session, re-attached
const queue = [];           // files waiting to be sent: { file, row }
let sending = null;         // { sender, row } under way

// ---- Formatting --------------------------------------------------------------------

function bytes(n) {
  if (n === null || n === undefined) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ${units[i]}`;
}

function duration(s) {
  if (!Number.isFinite(s)) return '';
  if (s < 1) return '<1 s left';
  if (s < 90) return `${Math.round(s)} s left`;
  return `${Math.round(s / 60)} min left`;
}

function setStatus(text, kind = '') {
  ui.status.textContent = text;
  ui.status.className = `status ${kind}`;
}

function setState(state) {
  document.body.dataset.state = state;
  const busy = state === 'connecting' || state === 'open' || state === 'reconnecting';
  ui.connect.disabled = busy;
  ui.peerName.disabled = busy;
  ui.disconnect.disabled = !busy;
  ui.drop.setAttribute('aria-disabled', String(!(state === 'open' || state === 'reconnecting')));
}

// ---- Transfer rows -----------------------------------------------------------------

function makeRow(list, name, size) {
  const li = document.createElement('li');
  li.innerHTML = '<span class="name"></span><span class="size"></span><progress max="1" value="0"></progress>' +
    '<span class="state"></span><span class="speed"></span><span class="actions"></span><span class="detail"></span>';
  li.querySelector('.name').textContent = name;
  li.dataset.name = name;
  li.querySelector('.size').textContent = bytes(size);
  const row = {
    li,
    set(state, text) {
      li.dataset.state = state;
      li.querySelector('.state').textContent = text;
    },
    progress({ bytes: done, total, rate, eta }) {
      const bar = li.querySelector('progress');
      bar.max = total || 1;
      bar.value = done;
      li.querySelector('.speed').textContent = rate > 0 ? `${bytes(rate)}/s, ${duration(eta)}` : '';
    },
    detail(text) { li.querySelector('.detail').textContent = text; },
    actions() { return li.querySelector('.actions'); },
  };
  list.append(li);
  return row;
}

// ---- Sending -----------------------------------------------------------------------

function addFiles(fileList) {
  for (const file of fileList) {
    const row = makeRow(ui.outgoing, file.name, file.size);
    row.set('waiting', 'waiting');
    queue.push({ file, row });
  }
  sendNext();
}

async function sendNext() {
  if (sending || queue.length === 0 || !channel || channel.readyState !== 'open') return;
  const { file, row } = queue.shift();
  let sender;
  try {
    sender = core.createFileSender(file, { channel, mode: ui.mode.value, peerConnection: peer.pc });
  } catch (err) {
    row.set('failed', 'failed');
    row.detail(err.message);
    return sendNext();
  }
  sending = { sender, row };
  row.set('offered', 'waiting for the other side');
  sender.addEventListener('accepted', ({ detail }) => row.set('sending', `sending (${detail.mode})`));
  sender.addEventListener('progress', ({ detail }) => row.progress(detail));
  sender.addEventListener('interrupted', () => row.set('interrupted', 'connection lost: waiting to resume'));
  sender.addEventListener('resumed', ({ detail }) => row.set('sending', `resumed at ${bytes(detail.from)}`));
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.textContent = 'Cancel';
  cancel.onclick = () => sender.cancel('cancelled by the sender');
  row.actions().append(cancel);
  try {
    const result = await sender.start();
    row.progress({ bytes: file.size, total: file.size, rate: 0, eta: 0 });
    row.set('verified', 'verified ✓');
    row.li.dataset.sha256 = result.sha256;
    row.detail(`SHA-256 ${result.sha256} · ${result.stats.resumes ? `${result.stats.resumes} resume(s) · ` : ''}sent ${bytes(result.stats.bytesSent)}`);
  } catch (err) {
    const refused = err.result && /refused/.test(err.message);
    row.set(refused ? 'refused' : err.result && /cancel/.test(err.message) ? 'cancelled' : 'failed',
      refused ? 'refused' : /cancel/.test(err.message) ? 'cancelled' : 'failed ✗');
    row.detail(err.message);
  } finally {
    cancel.remove();
    sender.close();
    sending = null;
  }
  sendNext();
}

// ---- Receiving ---------------------------------------------------------------------

function askUser(offer, row) {
  if (!ui.ask.checked || offer.legacy) return Promise.resolve(true);
  row.set('asking', 'accept?');
  return new Promise((resolve) => {
    const yes = document.createElement('button');
    const no = document.createElement('button');
    yes.type = no.type = 'button';
    yes.textContent = 'Accept';
    no.textContent = 'Decline';
    const answer = (ok) => { yes.remove(); no.remove(); resolve(ok); };
    yes.onclick = () => answer(true);
    no.onclick = () => answer(false);
    row.actions().append(yes, no);
  });
}

function makeReceiver(ch) {
  const rows = new Map();
  const rowFor = (id) => rows.get(id);
  const r = core.createFileReceiver({
    channel: ch,
    accept: (offer) => askUser(offer, rowFor(offer.id)),
  });
  r.addEventListener('offer', ({ detail: offer }) => {
    const row = makeRow(ui.incoming, offer.name, offer.size);
    rows.set(offer.id, row);
    row.set('receiving', offer.legacy ? 'receiving (old-style sender)' : 'receiving');
  });
  r.addEventListener('progress', ({ detail }) => rowFor(detail.id)?.progress(detail));
  r.addEventListener('resumed', ({ detail }) => rowFor(detail.id)?.set('receiving', `resumed at ${bytes(detail.from)}`));
  r.addEventListener('refused', ({ detail }) => {
    const row = rowFor(detail.offer.id);
    row?.set('refused', 'refused');
    row?.detail(detail.message);
  });
  r.addEventListener('cancelled', ({ detail }) => {
    rowFor(detail.id)?.set('cancelled', 'cancelled');
    rowFor(detail.id)?.detail(detail.reason);
  });
  r.addEventListener('error', ({ detail }) => {
    rowFor(detail.id)?.set('failed', 'failed ✗');
    rowFor(detail.id)?.detail(detail.error?.message ?? String(detail.error));
  });
  r.addEventListener('file', ({ detail: f }) => {
    const row = rowFor(f.id);
    if (!row) return;
    row.progress({ bytes: f.size, total: f.size, rate: 0, eta: 0 });
    row.li.dataset.sha256 = f.sha256;
    if (!f.ok) {
      row.set('failed', 'failed ✗');
      row.detail(`${f.reason} (SHA-256 here ${f.sha256})`);
      f.remove();
      return;
    }
    row.set(f.verified ? 'verified' : 'unverified', f.verified ? 'verified ✓' : 'received, unverified');
    row.detail(`${f.verified ? 'SHA-256 matches the sender\'s: ' : 'The sender sent no checksum (an old-style client). SHA-256 here: '}${f.sha256} · stored in ${f.storage === 'opfs' ? 'this site\'s private storage' : 'memory'}`);
    const save = document.createElement('a');
    save.href = URL.createObjectURL(f.file);
    save.download = f.name;
    save.textContent = 'Save';
    save.className = 'button';
    row.actions().append(save);
    if (typeof window.showSaveFilePicker === 'function') {
      const saveAs = document.createElement('button');
      saveAs.type = 'button';
      saveAs.textContent = 'Save as…';
      saveAs.onclick = async () => {
        try {
          const handle = await window.showSaveFilePicker({ suggestedName: f.name });
          const writable = await handle.createWritable();
          await f.file.stream().pipeTo(writable);
          row.detail(`Saved as ${handle.name}.`);
        } catch (err) {
          if (err.name !== 'AbortError') row.detail(`Could not save: ${err.message}`);
        }
      };
      row.actions().append(saveAs);
    }
  });
  r.addEventListener('warning', ({ detail }) => console.warn(`file share: ${detail.message}`));
  return r;
}

// ---- The connection ----------------------------------------------------------------

function describe(err, who) {
  switch (err?.code) {
    case 'name-taken': return `The name "${ui.name.value}" is taken: choose another.`;
    case 'invalid-name': return `That name cannot be used: ${err.message}.`;
    case 'unknown-user': return `Nobody called "${who}" is logged in. Check the name.`;
    case 'self': return 'You cannot share with yourself: open this page in another tab.';
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
    core ??= await createMediaCore();
    if (!sig) {
      sig = new SignalingClient();
      watchSignaling(sig);
    }
    setStatus('Connecting to the server…');
    await sig.connect();
    await sig.login(name);
  } catch (err) {
    ui.login.disabled = false;
    setStatus(err instanceof MediaCoreError ? `The media core did not load: ${err.message}`
      : err.code === 'closed' ? `Cannot reach the signaling server at ${sig.url}. Is mediacore-server running?` : describe(err), 'error');
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
    // The same person calling again (after a dropped connection) replaces the old
    // connection; anyone else is turned away while we are busy.
    if (peer && from !== remote) {
      client.leave(from).catch(() => {});
      return;
    }
    if (peer) {
      const old = peer;
      peer = null;
      old.close();
    }
    role = 'callee';
    remote = from;
    const p = startPeer(from);
    setState('connecting');
    setStatus(`${from} is connecting…`);
    p.on('datachannel', (ch) => useChannel(p, ch));
    p.accept(offer).catch((err) => fail(p, err));
  });
  client.on('state', ({ state }) => {
    if (state === 'reconnecting') setStatus('Lost the connection to the server: reconnecting…', 'error');
  });
}

function startPeer(who) {
  const p = new Peer({ signaling: sig, remote: who });
  peer = p;
  p.on('close', ({ reason }) => {
    if (peer !== p) return;
    peer = null;
    channel = null;
    if (reason === 'leave' || reason === 'hangup' || hangingUp) {
      role = null;
      setState('ready');
      setStatus(reason === 'leave' ? `${who} disconnected.` : 'Disconnected.', reason === 'leave' ? 'error' : 'ok');
      return;
    }
    lost(who);
  });
  return p;
}

/** The connection went away without anyone hanging up. */
function lost(who) {
  setState('reconnecting');
  if (role === 'caller') {
    setStatus(`The connection to ${who} dropped: reconnecting…`, 'error');
    reconnect(who);
  } else {
    setStatus(`The connection to ${who} dropped: waiting for ${who} to reconnect…`, 'error');
  }
}

function reconnect(who, attempt = 1) {
  if (reconnecting || hangingUp) return;
  reconnecting = (async () => {
    try {
      await new Promise((resolve) => setTimeout(resolve, Math.min(4000, 250 * 2 ** (attempt - 1))));
      if (hangingUp || (peer && channel)) return;
      if (peer) {
        const old = peer;
        peer = null;
        old.close();
      }
      await call(who);
    } catch (err) {
      reconnecting = null;
      if (attempt < RECONNECT_TRIES && !hangingUp) return reconnect(who, attempt + 1);
      setState('ready');
      setStatus(`Could not reconnect to ${who}: ${describe(err, who)}`, 'error');
      return;
    }
    reconnecting = null;
  })();
}

function useChannel(p, ch) {
  if (peer !== p) return;
  // One receiver for the whole session: a reconnection only gives it a new channel.
  if (receiver) receiver.attach(ch);
  else receiver = makeReceiver(ch);
  sending?.sender.attach(ch);
  const opened = () => {
    if (peer !== p) return;
    channel = ch;
    setState('open');
    document.body.dataset.peer = p.remote;
    setStatus(`Connected to ${p.remote}. Drop files to send them.`, 'ok');
    sendNext();
  };
  ch.addEventListener('close', () => {
    if (peer !== p || channel !== ch) return;
    channel = null;
    if (!hangingUp) {
      // The data channel is gone (the other side closed its connection, or the network
      // failed): treat the whole connection as lost.
      peer = null;
      p.close();
      lost(p.remote);
    }
  });
  if (ch.readyState === 'open') opened();
  else ch.addEventListener('open', opened, { once: true });
}

function fail(p, err) {
  if (peer !== p) return;
  const text = describe(err, p.remote);
  peer = null;
  p.close();
  setState('ready');
  setStatus(text, 'error');
}

async function call(who) {
  const p = startPeer(who);
  useChannel(p, p.createDataChannel('files', { ordered: true }));
  await p.call();
  await p.connected();
}

async function connect(event) {
  event.preventDefault();
  const who = ui.peerName.value.trim();
  if (!who || peer) return;
  role = 'caller';
  remote = who;
  hangingUp = false;
  setState('connecting');
  setStatus(`Connecting to ${who}…`);
  try {
    await call(who);
  } catch (err) {
    if (peer) fail(peer, err);
    else {
      setState('ready');
      setStatus(describe(err, who), 'error');
    }
  }
}

function disconnect() {
  hangingUp = true;
  sending?.sender.cancel('the sender disconnected');
  receiver?.cancel('the receiver disconnected');
  peer?.hangUp();
}

// ---- Files in ----------------------------------------------------------------------

ui.files.addEventListener('change', () => {
  if (ui.files.files.length) addFiles([...ui.files.files]);
  ui.files.value = '';
});
ui.drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.drop.classList.remove('over');
  const files = [...(e.dataTransfer?.files ?? [])];
  if (files.length) addFiles(files);
});

ui.loginForm.addEventListener('submit', login);
ui.connectForm.addEventListener('submit', connect);
ui.disconnect.addEventListener('click', disconnect);
setState('login');
ui.name.focus();

// For tests and the curious: the live objects (read-only use, please).
window.shareDemo = {
  get core() { return core; },
  get peer() { return peer; },
  get channel() { return channel; },
  get receiver() { return receiver; },
  get sending() { return sending?.sender ?? null; },
  get role() { return role; },
};
