// Video call: log in through the mediacore server, call someone by name, see each other,
// hang up, call again. The video you send goes through OutgoingVideo (outgoing.js), where
// the wasm core filters it; incoming calls are answered at once, as in the book's client.
import { createMediaCore } from '../mediacore.js';
import { openCamera } from '../lib/camera.js';
import { SignalingClient } from '../lib/signaling.js';
import { Peer } from '../lib/peer.js';
import { OutgoingVideo } from './outgoing.js';
import { placeText, formatTimestamp } from '../lib/overlay.js';
import { CoreCodecsCall, CORE_CHANNEL, CORE_CHANNEL_OPTIONS } from './corecodecs.js';

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'), loginForm: $('login-form'), name: $('name'), login: $('login'),
  panel: $('call-panel'), callForm: $('call-form'), callee: $('callee'), call: $('call'),
  hangup: $('hangup'), filters: $('filters'), local: $('local'), remote: $('remote'),
  remoteLabel: $('remote-label'), info: $('info'), overlay: $('overlay'),
  coreCodecs: $('core-codecs'), remoteCore: $('remote-core'), coreStats: $('core-stats'),
};

let sig = null;
let core = null;
let camera = null;
let outgoing = null;
let peer = null;            // the call in progress, if any
let coreCall = null;        // its core-codecs session (corecodecs.js), in that mode

function setStatus(text, kind = '') {
  ui.status.textContent = text;
  ui.status.className = `status ${kind}`;
}

function setState(state) {
  document.body.dataset.state = state;
  const inCall = state === 'calling' || state === 'in-call';
  ui.call.disabled = inCall || state === 'login';
  ui.callee.disabled = inCall;
  ui.hangup.disabled = !inCall;
}

/** Messages people can act on, for the errors the server and the call can give. */
function describe(err, who) {
  switch (err?.code) {
    case 'name-taken': return `The name "${ui.name.value}" is taken: choose another.`;
    case 'invalid-name': return `That name cannot be used: ${err.message}.`;
    case 'unknown-user': return `Nobody called "${who}" is logged in. Check the name.`;
    case 'self': return 'You cannot call yourself: open this page in another tab and call that name.';
    case 'left': return `${who} hung up.`;
    case 'timeout': return `${who} did not answer.`;
    case 'closed': return 'The connection to the server is down.';
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
  try {
    await startMedia();
  } catch (err) {
    setStatus(err.message, 'error');
    document.body.dataset.state = 'error';
    return;
  }
  ui.loginForm.hidden = true;
  ui.panel.hidden = false;
  setState('ready');
  setStatus(`Logged in as "${sig.name}". Call someone by name, or wait for a call.`, 'ok');
  ui.callee.focus();
}

async function startMedia() {
  try {
    camera = await openCamera({ width: 640, height: 480, audio: true });
  } catch {
    camera = await openCamera({ width: 640, height: 480, audio: false });
  }
  core = await createMediaCore();
  outgoing = new OutgoingVideo({ core, camera, canvas: ui.local });
  outgoing.onerror = (err) => setStatus(err.message, 'error');
  await outgoing.start();
  ui.info.textContent = `Sending ${outgoing.width}×${outgoing.height} through the ${core.features.simd ? 'SIMD128' : 'baseline'} wasm core` +
    `${sig.iceServers.length ? `; STUN: ${sig.iceServers.map((s) => s.urls).join(', ')}` : ''}.`;
}

function watchSignaling(client) {
  client.on('offer', ({ from, offer }) => {
    if (peer) {
      // Busy: tell the caller (they get {type:"leave"}), keep the current call.
      client.leave(from).catch(() => {});
      return;
    }
    const p = startPeer(from);
    setState('calling');
    setStatus(`${from} is calling…`);
    p.accept(offer).then(() => connectedTo(p)).catch((err) => endCall(p, err));
  });
  client.on('state', ({ state }) => {
    if (state === 'reconnecting') setStatus('Lost the connection to the server: reconnecting…', 'error');
  });
  client.on('login', ({ name }) => {
    if (document.body.dataset.state !== 'login') setStatus(`Reconnected to the server as "${name}".`, 'ok');
  });
  client.on('error', (err) => {
    if (/logged out/.test(err.message)) setStatus(err.message, 'error');
  });
}

function startPeer(remote, { coreCodecs = false } = {}) {
  const p = new Peer({ signaling: sig, remote });
  peer = p;
  if (coreCodecs) {
    // Core codecs: no media tracks, one data channel; the callee follows (below).
    startCoreCodecs(p, p.createDataChannel(CORE_CHANNEL, CORE_CHANNEL_OPTIONS));
  } else {
    p.addTrack(outgoing.track, outgoing.stream);
    for (const track of camera.getAudioTracks()) p.addTrack(track, outgoing.stream);
  }
  p.on('datachannel', (channel) => {
    if (peer === p && channel.label === CORE_CHANNEL && !coreCall) startCoreCodecs(p, channel);
  });
  p.on('track', ({ track, streams }) => {
    if (peer !== p) return;
    ui.remote.srcObject = streams[0] ?? new MediaStream([track]);
    ui.remoteLabel.textContent = p.remote;
  });
  p.on('state', ({ state }) => {
    if (peer === p) ui.info.dataset.connection = state;
  });
  p.on('close', ({ reason }) => {
    if (peer !== p) return;
    const messages = {
      leave: [`${p.remote} left the call (hung up or disconnected).`, 'error'],
      failed: [`The connection to ${p.remote} failed (network or firewall).`, 'error'],
      hangup: ['Call ended.', 'ok'],
      closed: ['Call ended.', 'ok'],
    };
    finish(...(messages[reason] ?? messages.closed));
  });
  return p;
}

/** The call in core-codecs mode: our codecs over `channel`, the remote video on a canvas. */
function startCoreCodecs(p, channel) {
  const session = new CoreCodecsCall({
    core, channel, outgoing, micStream: camera, canvas: ui.remoteCore,
    maxMessageSize: p.pc.sctp?.maxMessageSize,
  });
  coreCall = session;
  session.onstats = ({ text }) => { ui.coreStats.textContent = text; };
  session.onerror = (err) => setStatus(err.message, 'error');
  session.onframe = ({ frames, width, height }) => {
    document.body.dataset.coreFrames = String(frames);
    document.body.dataset.coreSize = `${width}x${height}`;
  };
  ui.remote.hidden = true;
  ui.remoteCore.hidden = false;
  ui.remoteLabel.textContent = `${p.remote} (core codecs)`;
  document.body.dataset.transport = 'core';
  const begin = () => session.start().catch((err) => setStatus(`Core codecs failed: ${err.message}`, 'error'));
  if (channel.readyState === 'open') begin();
  else channel.addEventListener('open', begin, { once: true });
}

function stopCoreCodecs() {
  coreCall?.close();
  coreCall = null;
  ui.remote.hidden = false;
  ui.remoteCore.hidden = true;
  ui.coreStats.textContent = '';
  delete document.body.dataset.transport;
}

function connectedTo(p) {
  if (peer !== p) return;
  setState('in-call');
  document.body.dataset.peer = p.remote;
  setStatus(`In a call with ${p.remote}.`, 'ok');
}

function finish(text, kind) {
  peer = null;
  stopCoreCodecs();
  ui.remote.srcObject = null;
  ui.remoteLabel.textContent = 'Nobody yet';
  delete document.body.dataset.peer;
  setState('ready');
  setStatus(text, kind);
}

function endCall(p, err) {
  if (peer !== p) return;
  const message = describe(err, p.remote);
  p.close();
  if (peer === p) finish(message, 'error');
  else setStatus(message, 'error');
}

async function call(event) {
  event.preventDefault();
  const callee = ui.callee.value.trim();
  if (!callee || peer) return;
  const p = startPeer(callee, { coreCodecs: ui.coreCodecs.checked });
  setState('calling');
  setStatus(`Calling ${callee}…`);
  try {
    await p.call();
    connectedTo(p);
  } catch (err) {
    endCall(p, err);
  }
}

// Count frames of the remote video actually decoded and shown (tests read these).
let remoteFrames = 0;
function countRemoteFrames() {
  if (ui.remote.requestVideoFrameCallback) {
    const tick = (now, meta) => {
      remoteFrames++;
      document.body.dataset.remoteFrames = String(remoteFrames);
      document.body.dataset.remoteSize = `${meta.width}x${meta.height}`;
      ui.remote.requestVideoFrameCallback(tick);
    };
    ui.remote.requestVideoFrameCallback(tick);
  }
}

ui.loginForm.addEventListener('submit', login);
ui.callForm.addEventListener('submit', call);
ui.hangup.addEventListener('click', () => peer?.hangUp());
ui.filters.addEventListener('click', (e) => {
  const name = e.target.closest('button')?.dataset.filter;
  if (!name || !outgoing) return;
  outgoing.setFilter(name);
  document.body.dataset.filter = name;
  for (const b of ui.filters.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.filter === name));
});
/** An outgoing stage: your name and the local time, drawn by the core after the filter. */
function overlayStage() {
  return {
    name: 'overlay',
    process(frame, { width, height }) {
      const text = `${sig.name}\n${formatTimestamp()}`;
      const size = Math.max(16, Math.round(height / 20));
      core.drawText(frame, text, placeText(core, text, 'bottom-left', width, height,
        { size, color: '#ffffff', background: 'rgba(0, 0, 0, 0.55)' }));
    },
  };
}
ui.overlay.addEventListener('change', () => {
  if (!outgoing) return;
  outgoing.removeStage('overlay');
  if (ui.overlay.checked) outgoing.addStage(overlayStage());
  document.body.dataset.overlay = String(ui.overlay.checked);
});

countRemoteFrames();
setState('login');
ui.name.focus();

/** For tests and the console: the pieces of this page. */
window.callDemo = { get signaling() { return sig; }, get outgoing() { return outgoing; }, get peer() { return peer; }, get coreCall() { return coreCall; } };
