// fileshare/defaults.js: the file transfer's tunable defaults and the message size a
// connection takes (the chunk size follows it).

const MiB = 1024 * 1024;

/** Defaults, exported for tests and benchmarks. */
export const FileShareDefaults = Object.freeze({
  unknownMaxMessageSize: 16 * 1024,   // when the connection does not say
  messageCap: 256 * 1024,             // never larger messages than this, whatever it says
  highWaterMark: 8 * MiB,             // stop sending above this bufferedAmount...
  lowWaterMark: 1 * MiB,              // ...and go on when it falls to this
  window: 32 * MiB,                   // bytes sent beyond the receiver's last ack
  readSize: 4 * MiB,                  // Blob slice read at a time
  ackBytes: 1 * MiB,                  // receiver: acknowledge (and flush) this often
  maxChunkSize: 1 * MiB,              // receiver: largest chunk accepted
  spaceMargin: 16 * MiB,              // receiver: keep this much free beyond the file
  progressInterval: 100,              // ms between progress events (at most)
  offerRetry: 2000,                   // sender: offer again this often until answered (0: never)
});

/** The largest message the connection takes: options.maxMessageSize, the peer
 * connection's SCTP transport, or 16 KiB when unknown; capped at messageCap. */
export function messageSize(options) {
  const pc = options.peerConnection;
  let size = options.maxMessageSize ?? pc?.sctp?.maxMessageSize ?? FileShareDefaults.unknownMaxMessageSize;
  if (!Number.isFinite(size) || size <= 0) size = FileShareDefaults.unknownMaxMessageSize;
  return Math.min(size, options.messageCap ?? FileShareDefaults.messageCap);
}
