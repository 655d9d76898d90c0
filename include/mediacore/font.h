/* font.h: bitmap fonts in the mediacore font format (MCFB), read in place.
 *
 * A font is one block of bytes, either compiled into the module (mc_font_builtin(), made
 * at build time by tools/fontgen from GNU Unifont) or loaded at run time (the optional
 * full-BMP data file). Glyphs are GNU Unifont's: 16 pixels tall, 8 (narrow) or 16 (wide)
 * pixels wide, 1 bit per pixel, baseline 2 pixels above the bottom of the cell.
 *
 * Format, version 1; every integer little-endian; offsets from the start of the block:
 *
 *   0      "MCFB"                      magic
 *   4      u16 version                 1
 *   6      u16 cell height             16
 *   8      u32 glyphs (N)              at most 65536
 *   12     u32 wide glyphs (W)         at most N
 *   16     u32 marks (M)               combining marks with a drawing offset
 *   20     u32 total size              bytes in the block: 18464 + 4 M + 16 N + 16 W
 *   24     u32 reserved                0
 *   28     u32 reserved                0
 *   32     u32[2048] present           bit (c & 31) of word (c >> 5): code point c has a glyph
 *   8224   u32[2048] wide              same layout: the glyph is 16 pixels wide (a subset of present)
 *   16416  u32[256] glyph base         glyphs with code point < 256 b, for each block b
 *   17440  u32[256] wide base          wide glyphs with code point < 256 b
 *   18464  M x { u16 code point, i8 x offset, u8 0 }   marks, strictly ascending; the
 *                                      offset (-16..0, cell pixels) places the mark over the
 *                                      preceding character; marks take no advance
 *   18464 + 4 M                        bitmaps: glyph number i (its rank among present code
 *                                      points) starts 16 i + 16 (wide glyphs before it) bytes
 *                                      in; 16 rows of 1 byte (narrow) or 2 bytes (wide), top
 *                                      row first, most significant bit leftmost
 *
 * mc_font_open() checks all of this (sizes, counts, bases, subset, ordering) before any
 * glyph is read, so a corrupt or hostile block is MC_EFORMAT, never an out-of-bounds read.
 * Only the Basic Multilingual Plane is addressable (code points 0..0xFFFF).
 */
#ifndef MC_FONT_H
#define MC_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MC_FONT_CELL_HEIGHT 16       /**< rows in every glyph */
#define MC_FONT_BASELINE 14          /**< rows above the baseline */
#define MC_FONT_HEADER_SIZE 18464    /**< bytes before the marks */

/** A validated view of a font block. The block is borrowed: it must outlive the view. */
typedef struct mc_font {
    const uint8_t *data;
    size_t size;
    uint32_t glyphs;        /**< N */
    uint32_t wide;          /**< W */
    uint32_t marks;         /**< M */
} mc_font;

/** One glyph, pointing into the font block. */
typedef struct mc_glyph {
    const uint8_t *bits;    /**< 16 rows of width / 8 bytes each */
    int32_t width;          /**< 8 or 16 pixels */
    int32_t mark_offset;    /**< for a combining mark: its x offset (<= 0), else 0 */
    int32_t is_mark;        /**< 1 for a combining mark (zero advance), else 0 */
} mc_glyph;

/**
 * Validate `size` bytes at `data` as an MCFB font and fill `font` with a view of it.
 * @return MC_OK, MC_EINVAL (NULL arguments), MC_EFORMAT (not a valid font; *font zeroed).
 */
int mc_font_open(mc_font *font, const uint8_t *data, size_t size);

/**
 * Look up `cp` in `font`.
 * @return 1 and fills *glyph when the font has it, 0 when it does not (or cp > 0xFFFF).
 */
int mc_font_glyph(const mc_font *font, uint32_t cp, mc_glyph *glyph);

/** 1 when `font` has a glyph for `cp`, else 0 (cheaper than mc_font_glyph). */
int mc_font_has(const mc_font *font, uint32_t cp);

/**
 * The font compiled into this build (generated at build time; see tools/fontgen). It may
 * hold no glyphs at all in a build configured with MC_TEXT_FONT=none.
 * @param size receives the block's size in bytes
 * @return the block (static, valid for the life of the program)
 */
const uint8_t *mc_font_builtin(size_t *size);

#ifdef __cplusplus
}
#endif

#endif /* MC_FONT_H */
