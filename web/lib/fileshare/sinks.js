// fileshare/sinks.js: where a FileReceiver writes: memory (Blob parts), a
// FileSystemFileHandle the application supplies, or the origin private file system.
// A sink has open(), write(position, bytes), close() -> File or Blob, abort(), and a
// `storage` name.

/** Collects the file in memory, in Blob parts (the browser may keep large Blobs on disk). */
export class MemorySink {
  constructor(offer) {
    this.offer = offer;
    this.parts = [];
    this.storage = 'memory';
  }

  async open() {}

  async write(position, bytes) {
    this.parts.push(new Blob([bytes]));
  }

  async close() {
    const blob = new Blob(this.parts, { type: this.offer.type });
    this.parts = [];
    return typeof File === 'function' ? new File([blob], this.offer.name, { type: this.offer.type }) : blob;
  }

  async abort() {
    this.parts = [];
  }
}

/** Writes through a FileSystemFileHandle (File System Access API or the origin private
 * file system). `dir`/`entry`: a temporary OPFS file to remove on abort. */
export class HandleSink {
  constructor(handle, dir = null, entry = null) {
    this.handle = handle;
    this.dir = dir;
    this.entry = entry;
    this.writer = null;
    this.storage = dir ? 'opfs' : 'file';
  }

  async open() {
    this.writer = await this.handle.createWritable();
  }

  async write(position, bytes) {
    await this.writer.write({ type: 'write', position, data: bytes });
  }

  async close() {
    await this.writer.close();
    this.writer = null;
    return this.handle.getFile();
  }

  async abort() {
    try {
      await this.writer?.abort();
    } catch { /* already closed */ }
    this.writer = null;
    await this.remove();
  }

  async remove() {
    if (this.dir) await this.dir.removeEntry(this.entry).catch(() => {});
  }
}

const OPFS_DIR = 'mediacore-share';

export async function opfsSink(offer) {
  const root = await globalThis.navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(OPFS_DIR, { create: true });
  const entry = `${offer.id}-${offer.name}`.slice(0, 200);
  const handle = await dir.getFileHandle(entry, { create: true });
  return new HandleSink(handle, dir, entry);
}

/** Remove every file a FileReceiver has stored in the origin private file system. */
export async function clearReceivedFiles() {
  const root = await globalThis.navigator?.storage?.getDirectory?.();
  if (root) await root.removeEntry(OPFS_DIR, { recursive: true }).catch(() => {});
}
