// fake-datachannel.mjs: a pair of in-memory objects shaped like RTCDataChannel, for Node
// tests and benchmarks of the file transfer: send() copies the data and delivers it to
// the other end in order on a later turn of the event loop; bufferedAmount grows on send
// and shrinks on delivery, firing 'bufferedamountlow' when it crosses the threshold;
// close() closes both ends. A fault hook can drop, duplicate, hold back (reorder) or
// corrupt messages in one direction.
export class FakeDataChannel extends EventTarget {
  constructor(label) {
    super();
    this.label = label;
    this.readyState = 'open';
    this.bufferedAmount = 0;
    this.bufferedAmountLowThreshold = 0;
    this.binaryType = 'arraybuffer';
    this.peer = null;
    this.fault = null;      // (data, index) => 'drop' | 'duplicate' | 'hold' | 'corrupt' | null
    this.sent = 0;
    this.held = null;
    this.onmessage = null;
  }

  send(data) {
    if (this.readyState !== 'open') throw new Error(`InvalidStateError: channel ${this.label} is ${this.readyState}`);
    let copy;
    if (typeof data === 'string') {
      copy = data;
    } else if (data instanceof ArrayBuffer) {
      copy = data.slice(0);
    } else if (ArrayBuffer.isView(data)) {
      copy = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    } else {
      throw new TypeError('FakeDataChannel sends strings and binary data only');
    }
    const size = typeof copy === 'string' ? copy.length : copy.byteLength;
    const index = this.sent++;
    const action = this.fault ? this.fault(copy, index) : null;
    this.bufferedAmount += size;
    const deliveries = [];
    if (action === 'drop') {
      deliveries.push(null);
    } else if (action === 'corrupt') {
      deliveries.push(corrupt(copy, index));
    } else if (action === 'hold' && this.held === null) {
      this.held = copy;
      deliveries.push(null);
    } else {
      deliveries.push(copy);
      if (this.held !== null) {
        deliveries.push(this.held);
        this.held = null;
      }
      if (action === 'duplicate') deliveries.push(copy);
    }
    setImmediate(() => {
      const before = this.bufferedAmount;
      this.bufferedAmount -= size;
      if (this.readyState === 'open' && this.peer.readyState === 'open') {
        for (const d of deliveries) if (d !== null) this.peer.#deliver(d);
      }
      if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold) {
        this.dispatchEvent(new Event('bufferedamountlow'));
      }
    });
  }

  #deliver(data) {
    const event = new MessageEvent('message', { data });
    this.onmessage?.(event);
    this.dispatchEvent(event);
  }

  close() {
    for (const ch of [this, this.peer]) {
      if (ch.readyState === 'closed') continue;
      ch.readyState = 'closed';
      setImmediate(() => ch.dispatchEvent(new Event('close')));
    }
  }
}

function corrupt(data, index) {
  if (typeof data === 'string') {
    // Flip one Base64 character for another valid one, past the header's characters.
    const at = Math.min(data.length - 1, 40 + (index % 50));
    const c = data[at] === 'A' ? 'B' : 'A';
    return data.slice(0, at) + c + data.slice(at + 1);
  }
  const u8 = new Uint8Array(data.slice(0));
  u8[Math.min(u8.length - 1, 30 + (index % 50))] ^= 0x20;
  return u8.buffer;
}

/** Two connected channels [a, b]: what a sends, b receives, and the other way round. */
export function channelPair(label = 'files') {
  const a = new FakeDataChannel(`${label}:a`);
  const b = new FakeDataChannel(`${label}:b`);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
