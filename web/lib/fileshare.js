// fileshare.js: core.createFileSender(file, options) and core.createFileReceiver(options):
// files over an RTCDataChannel (or anything shaped like one), with the protocol, framing,
// CRC-32C per chunk, whole-file SHA-256 and resume state in the wasm core
// (include/mediacore/chunk.h, docs/fileshare.md). The modules in fileshare/ do the I/O
// around it, one job each:
//
//   sender.js    FileSender: reads the file in slices, one read ahead, copies each chunk
//                once into the core's frame buffer, sends frames straight from module
//                memory, keeps the channel's bufferedAmount between two marks
//   receiver.js  FileReceiver: checks free space before accepting, writes as bytes arrive,
//                acknowledges only what has been written
//   sinks.js     where received bytes go: memory, a FileSystemFileHandle, the origin
//                private file system
//   wire.js      what crosses the wasm boundary: event bits, record layouts
//   defaults.js  FileShareDefaults and the message size a connection takes
//   progress.js  rate and time left; formatBytes
//   events.js    emit() and listen()
//
// Resume: after a dropped connection, attach() both ends to the new channel: the sender
// offers the same file again and continues from the receiver's next missing chunk.
// Nothing is allocated in module memory per chunk: the core's buffers are sized once per
// file and reused.
//
// This file is the public entry: import from here, not from fileshare/.
export { FileShareDefaults } from './fileshare/defaults.js';
export { formatBytes } from './fileshare/progress.js';
export { FileSender } from './fileshare/sender.js';
export { FileReceiver } from './fileshare/receiver.js';
export { clearReceivedFiles } from './fileshare/sinks.js';
