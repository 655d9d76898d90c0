/* text.h: UTF-8 text drawn onto RGBA frames, from bitmap fonts compiled into the core.
 *
 *   mc_text *t;
 *   mc_text_style style;
 *   mc_text_create(NULL, &t);                 // the built-in font, a 2 MiB glyph cache
 *   mc_text_style_default(&style);            // 16 px, opaque white, left aligned
 *   style.size = 32;
 *   style.outline_width = 2;                  // black outline: legible on any picture
 *   mc_text_draw(t, &frame, 20, 20, "你好，世界", strlen("你好，世界"), &style);
 *   mc_text_destroy(t);
 *
 * Glyphs. The built-in font (font.h) is GNU Unifont, 16 pixels tall, narrow (8) or wide
 * (16) cells. At `size` pixels a line is `size` tall, narrow characters advance
 * (size + 1) / 2 pixels and wide ones `size`. Glyphs are scaled with EPX and an exact box
 * filter (glyph_raster.h), so edges are anti-aliased at every size, never pixel-doubled.
 * More fonts (the full-BMP data file) can be added with mc_text_add_font(); a character
 * is drawn from the first font that has it. A character no font has is drawn as a
 * visible box (wide for East Asian wide characters, else narrow). Ill-formed UTF-8 draws
 * U+FFFD, one for each maximal ill-formed subpart (utf8.h).
 *
 * Layout. (x, y) is the anchor: y is the top of the first line; x is where lines start
 * (MC_TEXT_ALIGN_LEFT), their centre (CENTER) or where they end (RIGHT). Lines are
 * line_height apart. "\n", "\r\n", "\r", U+0085, U+2028 and U+2029 end a line; a tab
 * advances to the next multiple of four narrow cells. With max_width > 0, lines wrap:
 * after spaces, and before or after East Asian characters except before closing and
 * after opening punctuation (so "，" never starts a line); a word longer than the line
 * is broken where it overflows. Trailing spaces do not count towards a line's width.
 * Combining marks draw over the preceding character and take no space. Other control
 * characters and zero-width format characters (U+200B..U+200F, U+2060.., U+FEFF,
 * variation selectors, soft hyphen) draw nothing.
 *
 * Drawing. Background box (text block plus padding), shadow, outline and text are
 * composited, in that order, into a layer of premultiplied RGBA, and the layer over the
 * frame's straight (unpremultiplied) RGBA, source-over. Colours are 0xRRGGBBAA. Everything
 * is clipped to the frame: any x and y (negative too) are fine, and no byte outside the
 * frame's pixels is read or written (row padding included).
 *
 * Memory and speed. A handle owns its glyph cache, its layer memory and scratch memory,
 * allocated once by mc_text_create(); drawing and measuring allocate nothing. The cache
 * keeps rasterized glyphs by (character, size, outline width), the layer memory the last
 * few rendered layers by (text, style, fonts) - not by position - so drawing a caption
 * that stays the same is one compositing pass over its box (SIMD128 in the SIMD module).
 * Both are emptied and refilled when full; a layer too big to keep is rendered in bands
 * of rows, only where the frame shows it. A handle is not thread-safe; use one per thread.
 */
#ifndef MC_TEXT_H
#define MC_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MC_TEXT_MIN_SIZE 4            /**< smallest pixel size */
#define MC_TEXT_MAX_SIZE 512          /**< largest pixel size */
#define MC_TEXT_MAX_BYTES 65536       /**< longest text, in UTF-8 bytes */
#define MC_TEXT_MAX_PADDING 1024      /**< largest background padding, px */
#define MC_TEXT_MAX_OUTLINE 16        /**< widest outline, px */
#define MC_TEXT_MAX_SHADOW 64         /**< largest shadow offset, px, either sign */
#define MC_TEXT_MAX_COORD (1 << 24)   /**< |x|, |y|, max_width and line_height limit */
#define MC_TEXT_MAX_FONTS 4           /**< fonts per handle, the built-in one included */
#define MC_TEXT_MIN_CACHE (1u << 20)  /**< smallest glyph cache: one glyph of every size fits */
#define MC_TEXT_MIN_LAYER (1u << 16)  /**< smallest layer memory: a row of the widest frame */

typedef struct mc_text mc_text;

/** Handle settings; fill with mc_text_config_default(). */
typedef struct mc_text_config {
    size_t cache_bytes;        /**< glyph cache size, >= MC_TEXT_MIN_CACHE; default 2 MiB */
    size_t layer_bytes;        /**< memory for rendered text layers, >= MC_TEXT_MIN_LAYER;
                                    default 4 MiB (4 bytes a pixel of the text's box) */
    int builtin_font;          /**< 1 (default): start with the built-in font; 0: none */
} mc_text_config;

typedef enum mc_text_align {
    MC_TEXT_ALIGN_LEFT = 0,
    MC_TEXT_ALIGN_CENTER = 1,
    MC_TEXT_ALIGN_RIGHT = 2
} mc_text_align;

/** How text looks; fill with mc_text_style_default(), then change what you need. */
typedef struct mc_text_style {
    int32_t size;              /**< line height of the glyph cell, px: MC_TEXT_MIN_SIZE..MAX; 16 */
    uint32_t color;            /**< text colour 0xRRGGBBAA; 0xFFFFFFFF (opaque white) */
    uint32_t background;       /**< box behind the text; alpha 0 = no box (default 0) */
    int32_t padding;           /**< box margin around the text block, px: 0..MAX_PADDING; 0 */
    int32_t outline_width;     /**< outline around each glyph, px: 0 (none)..MAX_OUTLINE; 0 */
    uint32_t outline_color;    /**< 0x000000FF (opaque black) */
    int32_t shadow_x;          /**< shadow offset, px: -MAX_SHADOW..MAX_SHADOW; 0 */
    int32_t shadow_y;          /**< both 0 = no shadow */
    uint32_t shadow_color;     /**< 0x00000099 (black, 60 %) */
    int32_t align;             /**< an mc_text_align; MC_TEXT_ALIGN_LEFT */
    int32_t max_width;         /**< wrap lines wider than this, px; 0 = never wrap */
    int32_t line_height;       /**< px from one line's top to the next; 0 = size * 5 / 4 */
} mc_text_style;

/** What mc_text_measure() finds. */
typedef struct mc_text_metrics {
    int32_t width;             /**< the widest line, px (trailing spaces excluded) */
    int32_t height;            /**< (lines - 1) * line_height + size; 0 for empty text */
    int32_t lines;             /**< lines after breaking and wrapping; 0 for empty text */
    int32_t line_height;       /**< the line height used */
    int32_t box_x;             /**< every pixel mc_text_draw() may change, relative to */
    int32_t box_y;             /**< the anchor: background box, glyph cells, outline */
    int32_t box_width;         /**< and shadow together; all 0 when nothing would be */
    int32_t box_height;        /**< drawn */
} mc_text_metrics;

/** Fill `config` with the defaults. */
void mc_text_config_default(mc_text_config *config);

/** Fill `style` with the defaults listed on each field. */
void mc_text_style_default(mc_text_style *style);

/**
 * Create a text handle (config NULL = defaults). The caller owns *out and frees it with
 * mc_text_destroy().
 * @return MC_OK, MC_EINVAL (out NULL), MC_ERANGE (cache_bytes too small or above 1 GiB),
 *         MC_ENOMEM, MC_EFORMAT (the built-in font is damaged: a build problem).
 */
int mc_text_create(const mc_text_config *config, mc_text **out);

/** Free the handle and everything it allocated. NULL is ignored. */
void mc_text_destroy(mc_text *text);

/**
 * Add a font (font.h's format) after those the handle has. The bytes are borrowed: they
 * must stay valid and unchanged until the handle is destroyed.
 * @return MC_OK, MC_EINVAL, MC_EFORMAT (not a valid font), MC_ELIMIT (MC_TEXT_MAX_FONTS).
 */
int mc_text_add_font(mc_text *text, const uint8_t *data, size_t size);

/** Fonts the handle has, the built-in one included when it has it. */
int mc_text_font_count(const mc_text *text);

/** The index-th font's glyph count and size in bytes. @return MC_OK or MC_EINVAL. */
int mc_text_font_info(const mc_text *text, int index, uint32_t *glyphs, size_t *bytes);

/** 1 when some font of the handle has a glyph for `cp` (else it draws as a box). */
int mc_text_has_glyph(const mc_text *text, uint32_t cp);

/**
 * Check a style without drawing.
 * @return MC_OK, MC_EINVAL (NULL), MC_ERANGE (a field outside its range, align unknown).
 */
int mc_text_style_check(const mc_text_style *style);

/**
 * Lay out `len` bytes of UTF-8 (need not be NUL-terminated; NUL draws nothing) and report
 * the size and the box drawing would touch at anchor (0, 0).
 * @return MC_OK, MC_EINVAL (NULL arguments), MC_ELIMIT (len > MC_TEXT_MAX_BYTES), the
 *         errors of mc_text_style_check(). On error *metrics is zeroed.
 */
int mc_text_measure(mc_text *text, const char *utf8, size_t len, const mc_text_style *style,
                    mc_text_metrics *metrics);

/**
 * Draw text onto `frame` (in place) with its anchor at (x, y), clipped to the frame.
 * @return MC_OK, MC_EINVAL (NULL arguments), the errors of mc_frame_wrap() for a bad
 *         frame, MC_ERANGE (|x| or |y| > MC_TEXT_MAX_COORD, or a bad style), MC_ELIMIT
 *         (text too long). On error the frame is unchanged.
 */
int mc_text_draw(mc_text *text, const mc_frame *frame, int32_t x, int32_t y,
                 const char *utf8, size_t len, const mc_text_style *style);

/** Cache counters, for tests and benchmarks. */
typedef struct mc_text_stats {
    uint64_t hits;             /**< glyph masks found in the cache */
    uint64_t misses;           /**< glyph masks rasterized */
    uint64_t resets;           /**< times the full cache was emptied */
    size_t cache_used;         /**< bytes of the cache in use */
    uint64_t renders;          /**< text layers (or bands of one) rendered */
    uint64_t layer_hits;       /**< draws that reused a kept layer */
} mc_text_stats;

/** Fill `stats`. @return MC_OK or MC_EINVAL. */
int mc_text_get_stats(const mc_text *text, mc_text_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* MC_TEXT_H */
