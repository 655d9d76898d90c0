/* exports_text.c: text overlay for the shim (web/lib/text.js).
 *
 * The shim creates one handle, sets the style with mc_wasm_text_style() whenever it
 * changes, then measures and draws with strings and frames in module memory. The handle
 * keeps the style and the last metrics, so no call needs more than fixed-size integers.
 */
#include <stdlib.h>

#include <emscripten.h>

#include "mediacore/frame.h"
#include "mediacore/text.h"
#include "layout.h"

typedef struct mc_wasm_text {
    mc_text *text;
    mc_text_style style;
    mc_text_metrics metrics;   /* read by the shim at the offsets in the table below */
} mc_wasm_text;

/** What mc_wasm_text_font_info() reports. */
enum { MC_WASM_FONT_GLYPHS = 0, MC_WASM_FONT_BYTES = 1 };

/* What web/lib/text.js reads instead of writing it down (layout.h). */
static const mc_wasm_layout_entry mc_wasm_text_table[] = {
    MC_WASM_CONST("max_bytes", MC_TEXT_MAX_BYTES),
    MC_WASM_CONST("max_coord", MC_TEXT_MAX_COORD),
    MC_WASM_CONST("align.left", MC_TEXT_ALIGN_LEFT),
    MC_WASM_CONST("align.center", MC_TEXT_ALIGN_CENTER),
    MC_WASM_CONST("align.right", MC_TEXT_ALIGN_RIGHT),
    MC_WASM_CONST("font_info.glyphs", MC_WASM_FONT_GLYPHS),
    MC_WASM_CONST("font_info.bytes", MC_WASM_FONT_BYTES),
    MC_WASM_SIZE("metrics", mc_text_metrics),
    MC_WASM_OFFSET("metrics", mc_text_metrics, width),
    MC_WASM_OFFSET("metrics", mc_text_metrics, height),
    MC_WASM_OFFSET("metrics", mc_text_metrics, lines),
    MC_WASM_OFFSET("metrics", mc_text_metrics, line_height),
    MC_WASM_OFFSET("metrics", mc_text_metrics, box_x),
    MC_WASM_OFFSET("metrics", mc_text_metrics, box_y),
    MC_WASM_OFFSET("metrics", mc_text_metrics, box_width),
    MC_WASM_OFFSET("metrics", mc_text_metrics, box_height),
    MC_WASM_LAYOUT_END
};

MC_WASM_LAYOUT_EXPORT(text)   /* mc_wasm_text_layout() */

/**
 * A text handle with the built-in font when `builtin` is 1 and a glyph cache of
 * `cache_bytes` (0: the default). Returns its address (> 0) or a negative MC_E* code.
 */
EMSCRIPTEN_KEEPALIVE int mc_wasm_text_create(int cache_bytes, int builtin)
{
    mc_text_config config;
    mc_wasm_text *h;
    int rc;

    mc_text_config_default(&config);
    if (cache_bytes < 0)
        return MC_ERANGE;
    if (cache_bytes > 0)
        config.cache_bytes = (size_t)cache_bytes;
    config.builtin_font = builtin != 0;
    h = calloc(1, sizeof(*h));
    if (h == NULL)
        return MC_ENOMEM;
    rc = mc_text_create(&config, &h->text);
    if (rc != MC_OK) {
        free(h);
        return rc;
    }
    mc_text_style_default(&h->style);
    return (int)(uintptr_t)h;
}

EMSCRIPTEN_KEEPALIVE void mc_wasm_text_destroy(mc_wasm_text *h)
{
    if (h == NULL)
        return;
    mc_text_destroy(h->text);
    free(h);
}

/** Add a font; the `size` bytes at `data` must stay allocated until the handle is destroyed. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_text_add_font(mc_wasm_text *h, const uint8_t *data, size_t size)
{
    if (h == NULL)
        return MC_EINVAL;
    return mc_text_add_font(h->text, data, size);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_text_font_count(mc_wasm_text *h)
{
    return h ? mc_text_font_count(h->text) : MC_EINVAL;
}

/** The index-th font's glyph count (`what` MC_WASM_FONT_GLYPHS) or size in bytes
 *  (MC_WASM_FONT_BYTES). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_text_font_info(mc_wasm_text *h, int index, int what)
{
    uint32_t glyphs;
    size_t bytes;
    int rc;

    if (h == NULL)
        return MC_EINVAL;
    rc = mc_text_font_info(h->text, index, &glyphs, &bytes);
    if (rc != MC_OK)
        return rc;
    return what == MC_WASM_FONT_GLYPHS ? (int)glyphs : (int)bytes;
}

/** 1 when a font of the handle has code point `cp`, 0 when it would draw as a box. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_text_has_glyph(mc_wasm_text *h, int cp)
{
    return h && cp >= 0 ? mc_text_has_glyph(h->text, (uint32_t)cp) : 0;
}

/**
 * Set the style for the following calls (text.h's mc_text_style, field by field; colours
 * are 0xRRGGBBAA passed as int32). A rejected style (MC_ERANGE) leaves the old one.
 */
EMSCRIPTEN_KEEPALIVE int mc_wasm_text_style(mc_wasm_text *h, int size, int color, int background,
                                            int padding, int outline_width, int outline_color,
                                            int shadow_x, int shadow_y, int shadow_color,
                                            int align, int max_width, int line_height)
{
    mc_text_style s;
    int rc;

    if (h == NULL)
        return MC_EINVAL;
    s.size = size;
    s.color = (uint32_t)color;
    s.background = (uint32_t)background;
    s.padding = padding;
    s.outline_width = outline_width;
    s.outline_color = (uint32_t)outline_color;
    s.shadow_x = shadow_x;
    s.shadow_y = shadow_y;
    s.shadow_color = (uint32_t)shadow_color;
    s.align = align;
    s.max_width = max_width;
    s.line_height = line_height;
    rc = mc_text_style_check(&s);
    if (rc == MC_OK)
        h->style = s;
    return rc;
}

/** Measure `len` bytes of UTF-8 at `text`; the result is at mc_wasm_text_metrics(h). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_text_measure(mc_wasm_text *h, const char *text, size_t len)
{
    if (h == NULL)
        return MC_EINVAL;
    return mc_text_measure(h->text, text, len, &h->style, &h->metrics);
}

/** Where the last measurement is: width, height, lines, line height, box x, y, w, h. */
EMSCRIPTEN_KEEPALIVE const mc_text_metrics *mc_wasm_text_metrics(mc_wasm_text *h)
{
    return h ? &h->metrics : NULL;
}

/** Validate a frame's shape (as mc_frame_wrap does) without touching its memory. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_text_check_frame(size_t size, int width, int height, int stride)
{
    mc_frame frame;
    uint8_t probe = 0;
    return mc_frame_wrap(&frame, &probe, size, width, height, stride);
}

/** Draw `len` bytes of UTF-8 at `text` onto the frame at `data`, anchored at (x, y). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_text_draw(mc_wasm_text *h, uint8_t *data, size_t size, int width,
                                           int height, int stride, int x, int y,
                                           const char *text, size_t len)
{
    mc_frame frame;
    int rc;

    if (h == NULL)
        return MC_EINVAL;
    rc = mc_frame_wrap(&frame, data, size, width, height, stride);
    if (rc != MC_OK)
        return rc;
    return mc_text_draw(h->text, &frame, x, y, text, len, &h->style);
}
