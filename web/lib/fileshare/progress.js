// fileshare/progress.js: progress records (rate and time left) and byte counts for people.

/** Human-readable bytes for messages: 1.5 GB, 320 MB, 12 kB. */
export function formatBytes(n) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ${units[i]}`;
}


/** Rate over the last few seconds and time left. */
export class Meter {
  constructor(total, interval) {
    this.total = total;
    this.interval = interval;
    this.samples = [];
    this.last = -Infinity;
  }

  /** A progress record, or null when the last one was less than `interval` ago. */
  update(bytes, force = false) {
    const now = performance.now();
    if (!force && now - this.last < this.interval) return null;
    this.last = now;
    this.samples.push([now, bytes]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 3000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    const rate = now > t0 ? ((bytes - b0) * 1000) / (now - t0) : 0;
    const left = this.total - bytes;
    return {
      bytes, total: this.total, rate,
      eta: left <= 0 ? 0 : rate > 0 ? left / rate : Infinity,
    };
  }
}
