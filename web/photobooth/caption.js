// caption.js: the photobooth's text overlay, a caption and an optional timestamp, as
// text items for drawTextItems (web/lib/overlay.js). Used where frames are drawn (the
// Worker, or the main thread), so the preview, captures and anything else taken from
// the canvas carry the same text.
import { placeText, formatTimestamp } from '../lib/overlay.js';

/** The overlay settings the page sends with every frame. */
export const DEFAULT_CAPTION = Object.freeze({
  caption: '', size: 32, color: '#ffffff', position: 'bottom', box: false, timestamp: false,
});

/** [{ text, options }] to draw on a width x height frame at time `date`. */
export function captionItems(core, settings, width, height, date = new Date()) {
  const items = [];
  if (!settings) return items;
  const { caption, size, color, position, box, timestamp } = settings;
  const look = box
    ? { background: 'rgba(0, 0, 0, 0.55)', padding: Math.round(size / 4) }
    : { outline: { width: Math.max(1, Math.round(size / 16)), color: 'rgba(0, 0, 0, 0.85)' } };
  if (caption) {
    items.push({ text: caption, options: placeText(core, caption, position, width, height, { size, color, ...look }) });
  }
  if (timestamp) {
    const text = formatTimestamp(date);
    const where = position.startsWith('top') ? 'bottom-right' : 'top-right';
    const tsize = Math.max(12, Math.round(height / 30));
    items.push({ text, options: placeText(core, text, where, width, height, { size: tsize, color: '#ffffff', outline: true }) });
  }
  return items;
}
