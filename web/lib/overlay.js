// overlay.js: text overlays on video frames drawn by the media core (captions, names,
// timestamps), shared by the demos. Placement by name ('bottom-left', 'top', ...), and
// drawing onto a 2D canvas that reads back and writes only the pixels the text covers.

/** Where an overlay can go: [vertical, horizontal]. */
export const POSITIONS = Object.freeze({
  'top-left': ['top', 'left'], top: ['top', 'center'], 'top-right': ['top', 'right'],
  middle: ['middle', 'center'],
  'bottom-left': ['bottom', 'left'], bottom: ['bottom', 'center'], 'bottom-right': ['bottom', 'right'],
});

/** Local time as "YYYY-MM-DD HH:MM:SS". */
export function formatTimestamp(date = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/**
 * drawText options that put `text` at a named position of a width x height frame, a
 * margin in from the edges, wrapped to the frame's width. `style` holds the rest (size,
 * color, background, outline, ...). Returns a new options object.
 */
export function placeText(core, text, position, width, height, style = {}) {
  const [v, h] = POSITIONS[position] ?? POSITIONS.bottom;
  const margin = Math.round(Math.min(width, height) * 0.04);
  const options = {
    ...style,
    maxWidth: Math.max(1, width - 2 * margin),
    align: h,
    x: h === 'left' ? margin : h === 'right' ? width - margin : Math.round(width / 2),
    y: margin,
  };
  if (v !== 'top') {
    const { height: th } = core.measureText(text, options);
    options.y = v === 'bottom' ? height - margin - th : Math.round((height - th) / 2);
  }
  return options;
}

/**
 * Draw `items` ([{ text, options }]) onto a width x height 2D canvas context. When
 * `frame` (the whole canvas's ImageData, e.g. after filtering) is given, the text is
 * drawn into it and the caller puts it back; otherwise only the rectangle the text
 * covers is read from the canvas, drawn on and written back.
 */
export function drawTextItems(core, ctx, width, height, items, frame = null) {
  if (items.length === 0) return;
  if (frame) {
    for (const { text, options } of items) core.drawText(frame, text, options);
    return;
  }
  let x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (const { text, options } of items) {
    const { box } = core.measureText(text, options);
    if (box.width === 0) continue;
    x0 = Math.min(x0, Math.max(0, box.x));
    y0 = Math.min(y0, Math.max(0, box.y));
    x1 = Math.max(x1, Math.min(width, box.x + box.width));
    y1 = Math.max(y1, Math.min(height, box.y + box.height));
  }
  if (x0 >= x1 || y0 >= y1) return;
  const region = ctx.getImageData(x0, y0, x1 - x0, y1 - y0);
  for (const { text, options } of items) {
    core.drawText(region, text, { ...options, x: options.x - x0, y: options.y - y0 });
  }
  ctx.putImageData(region, x0, y0);
}
