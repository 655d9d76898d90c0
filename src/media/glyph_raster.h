/* glyph_raster.h: internal to text.c. Turns Unifont's 1-bit 16-pixel glyphs into 8-bit
 * coverage masks at any pixel size, and grows masks into outlines.
 *
 * Scaling. A 16-pixel bitmap cannot simply be enlarged: nearest-neighbour doubling gives
 * blocks. Above 16 px each pixel cell becomes a shape, empty or full with at most one
 * corner triangle flipped by the EPX/Scale2x rule (glyph_raster.c explains), so stairs
 * become 45-degree edges and strokes keep their width; that shape is sampled 4 x 4 times
 * per output pixel at the target size, so edges are anti-aliased at the size they are
 * drawn. At 16 px the glyph is copied exactly (Unifont is drawn for that size); below, it
 * is box-filtered down (exact area coverage).
 */
#ifndef MC_GLYPH_RASTER_H
#define MC_GLYPH_RASTER_H

#include <stddef.h>
#include <stdint.h>

#define MC_RASTER_MAX_SIZE 512       /* largest size mc_raster_glyph() accepts */

/** Scratch bytes mc_raster_glyph() needs. */
size_t mc_raster_glyph_scratch(void);

/** Scratch bytes mc_raster_dilate() needs for a mask of w x h grown by r. */
size_t mc_raster_dilate_scratch(int w, int h, int r);

/**
 * Rasterize a glyph: `bits` is 16 rows of `width` (8 or 16) pixels, 1 bit each, MSB
 * leftmost. Writes out_w x size coverage bytes (0..255) to out, row after row.
 * `size` >= 1, `out_w` >= 1; scratch holds mc_raster_glyph_scratch() bytes.
 */
void mc_raster_glyph(const uint8_t *bits, int width, int size, int out_w,
                     uint8_t *out, uint8_t *scratch);

/**
 * Outline: out (w + 2r) x (h + 2r) = the maximum of src over a disc of radius r around
 * every pixel (src placed at (r, r)). scratch holds mc_raster_dilate_scratch() bytes.
 */
void mc_raster_dilate(const uint8_t *src, int w, int h, int r, uint8_t *out, uint8_t *scratch);

#endif /* MC_GLYPH_RASTER_H */
