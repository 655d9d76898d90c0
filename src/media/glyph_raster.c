/* glyph_raster.c: glyph masks at any size (EPX-shaped, supersampled), and disc dilation
 * for outlines (see glyph_raster.h). Runs once per glyph and size: text.c caches the
 * results, so none of this is on the per-frame path for a caption that stays the same. */
#include "glyph_raster.h"

#include <string.h>

#define SUB 4                      /* samples per pixel along each axis above 16 px */
#define MAX_SAMPLES (MC_RASTER_MAX_SIZE * SUB)

/* Cell shapes: empty, full, or one of them with a corner triangle filled / cut. The
 * triangle is the half of the cell on that corner's side of the cell's other diagonal. */
enum { CELL_EMPTY, CELL_FULL, FILL_TL, FILL_TR, FILL_BL, FILL_BR, CUT_TL, CUT_TR, CUT_BL, CUT_BR };

size_t mc_raster_glyph_scratch(void)
{
    /* cell shapes, then sample positions: cell and remainder for each x and y sample */
    return 256 + 4 * MAX_SAMPLES * sizeof(int32_t);
}

size_t mc_raster_dilate_scratch(int w, int h, int r)
{
    return (size_t)(w + 2 * r) * (size_t)(h + 1);
}

/* Each cell's shape comes from the EPX (Scale2x) rule, taken to its limit. EPX replaces
 * a pixel P by four; a corner takes the value of its two edge neighbours when they agree
 * with each other and not with the two opposite ones. Applied over and over, a corner it
 * changes becomes a half-cell triangle, turning 1-pixel stairs into 45-degree edges while
 * straight strokes keep their width. Computing that limit shape directly, rather than
 * iterating EPX (whose repeated passes leave star-shaped artifacts where diagonals
 * cross), and sampling it at the target size gives smooth edges at every size.
 *
 * One refinement keeps designed right angles square: a corner flips only where one of
 * the two edges meeting there is a single cell long (a stair step). Where both run on,
 * as in a T junction, the inner corner of an L or the corners of a rectangle, it is a
 * real corner of the glyph and stays. Cells outside the 16-row grid repeat the edge. */
static int cell_at(const uint8_t *bits, int width, int x, int y)
{
    if (x < 0)
        x = 0;
    if (x >= width)
        x = width - 1;
    if (y < 0)
        y = 0;
    if (y > 15)
        y = 15;
    return (bits[y * (width / 8) + x / 8] >> (7 - x % 8)) & 1;
}

/* Should the corner of cell (x, y) towards (hx, vy) flip? p is the cell, v its vertical
 * neighbour on that side, h its horizontal one, and ov, oh the opposite neighbours. */
static int corner_flips(const uint8_t *bits, int width, int x, int y, int hx, int vy,
                        int p, int v, int h, int ov, int oh)
{
    int e1, e2;
#define AT(xx, yy) cell_at(bits, width, (xx), (yy))
    if (!(v == h && v != ov && h != oh && v != p))
        return 0;
    if (!p) {
        /* Concave corner: does the edge beside h run on away from v, and the edge
         * beside v run on away from h? */
        e1 = AT(x + hx, y - vy) && !AT(x, y - vy);
        e2 = AT(x - hx, y + vy) && !AT(x - hx, y);
    } else {
        /* Convex corner: do P's edges on the v side and the h side run on? */
        e1 = !AT(x - hx, y + vy);
        e2 = !AT(x + hx, y - vy);
    }
#undef AT
    return !(e1 && e2);
}

static void classify(const uint8_t *bits, int width, uint8_t *cells)
{
    int x, y;
    for (y = 0; y < 16; y++) {
        for (x = 0; x < width; x++) {
            int p = cell_at(bits, width, x, y);
            int a = cell_at(bits, width, x, y - 1), d = cell_at(bits, width, x, y + 1);
            int c = cell_at(bits, width, x - 1, y), b = cell_at(bits, width, x + 1, y);
            int shape = p ? CELL_FULL : CELL_EMPTY, flip = p ? CUT_TL - FILL_TL : 0;
            if (corner_flips(bits, width, x, y, -1, -1, p, a, c, d, b))
                shape = FILL_TL + flip;
            else if (corner_flips(bits, width, x, y, 1, -1, p, a, b, d, c))
                shape = FILL_TR + flip;
            else if (corner_flips(bits, width, x, y, -1, 1, p, d, c, a, b))
                shape = FILL_BL + flip;
            else if (corner_flips(bits, width, x, y, 1, 1, p, d, b, a, c))
                shape = FILL_BR + flip;
            cells[y * width + x] = (uint8_t)shape;
        }
    }
}

/* Is the point at fractions (fx, fy) = (rx / dx, ry / dy) of its cell inside the shape? */
static int inside(int shape, int32_t rx, int32_t dx, int32_t ry, int32_t dy)
{
    int64_t u = (int64_t)rx * dy, v = (int64_t)ry * dx, one = (int64_t)dx * dy;
    switch (shape) {
    case CELL_EMPTY: return 0;
    case CELL_FULL: return 1;
    case FILL_TL: return u + v < one;
    case FILL_TR: return v < u;
    case FILL_BL: return u < v;
    case FILL_BR: return u + v > one;
    case CUT_TL: return u + v >= one;
    case CUT_TR: return v >= u;
    case CUT_BL: return u >= v;
    default: return u + v <= one;    /* CUT_BR */
    }
}

/* Sample positions along one axis: n pixels of `sub` samples each, over `cells` cells.
 * Sample k sits at (2k + 1) / (2 sub n) of the way across; cell[k] is its cell and
 * rem[k] / (2 sub n) its position inside the cell. */
static void sample_axis(int n, int sub, int cells, int32_t *cell, int32_t *rem)
{
    int32_t den = 2 * sub * n, k;
    for (k = 0; k < n * sub; k++) {
        int32_t pos = (2 * k + 1) * cells;
        cell[k] = pos / den;
        rem[k] = pos % den;
    }
}

/* Box-filter the raw bits down (or copy them at 16 px): each output is the exact
 * fraction of it the set pixels cover. In x, output pixel t spans [t w, (t + 1) w) and
 * cell c spans [c tw, (c + 1) tw), so every overlap is a whole number; likewise in y. */
static void box_filter(const uint8_t *bits, int width, uint8_t *out, int tw, int th)
{
    uint32_t den = (uint32_t)width * 16u;
    int tx, ty, cx, cy, bpr = width / 8;

    for (ty = 0; ty < th; ty++) {
        int y0 = ty * 16, y1 = (ty + 1) * 16;
        for (tx = 0; tx < tw; tx++) {
            int x0 = tx * width, x1 = (tx + 1) * width;
            uint32_t sum = 0;
            for (cy = y0 / th; cy <= (y1 - 1) / th; cy++) {
                int ylo = cy * th > y0 ? cy * th : y0, yhi = (cy + 1) * th < y1 ? (cy + 1) * th : y1;
                for (cx = x0 / tw; cx <= (x1 - 1) / tw; cx++) {
                    int xlo = cx * tw > x0 ? cx * tw : x0, xhi = (cx + 1) * tw < x1 ? (cx + 1) * tw : x1;
                    if ((bits[cy * bpr + cx / 8] >> (7 - cx % 8)) & 1)
                        sum += (uint32_t)((xhi - xlo) * (yhi - ylo));
                }
            }
            out[(size_t)ty * tw + tx] = (uint8_t)((sum * 255u + den / 2) / den);
        }
    }
}

void mc_raster_glyph(const uint8_t *bits, int width, int size, int out_w,
                     uint8_t *out, uint8_t *scratch)
{
    uint8_t *cells = scratch;
    int32_t *xcell = (int32_t *)(void *)(scratch + 256), *xrem = xcell + MAX_SAMPLES;
    int32_t *ycell = xrem + MAX_SAMPLES, *yrem = ycell + MAX_SAMPLES;
    int32_t dx = 2 * SUB * out_w, dy = 2 * SUB * size;
    int tx, ty, i, j;

    if (size <= 16) {
        box_filter(bits, width, out, out_w, size);
        return;
    }
    classify(bits, width, cells);
    sample_axis(out_w, SUB, width, xcell, xrem);
    sample_axis(size, SUB, 16, ycell, yrem);
    for (ty = 0; ty < size; ty++) {
        for (tx = 0; tx < out_w; tx++) {
            int n = 0;
            for (j = ty * SUB; j < ty * SUB + SUB; j++) {
                const uint8_t *row = cells + ycell[j] * width;
                for (i = tx * SUB; i < tx * SUB + SUB; i++)
                    n += inside(row[xcell[i]], xrem[i], dx, yrem[j], dy);
            }
            out[(size_t)ty * out_w + tx] = (uint8_t)((n * 255 + SUB * SUB / 2) / (SUB * SUB));
        }
    }
}

/* Half-width of the disc of radius r + 1/2 at vertical offset dy. */
static int disc_half_width(int r, int dy)
{
    int k = 0, d2 = (2 * r + 1) * (2 * r + 1);
    while (4 * ((k + 1) * (k + 1) + dy * dy) <= d2)
        k++;
    return k;
}

void mc_raster_dilate(const uint8_t *src, int w, int h, int r, uint8_t *out, uint8_t *scratch)
{
    int w2 = w + 2 * r, h2 = h + 2 * r, k, dy, x, y;
    uint8_t *hm = scratch, *tmp = scratch + (size_t)w2 * h;

    memset(out, 0, (size_t)w2 * h2);
    for (y = 0; y < h; y++) {
        memset(hm + (size_t)y * w2, 0, (size_t)w2);
        memcpy(hm + (size_t)y * w2 + r, src + (size_t)y * w, (size_t)w);
    }
    /* hm holds, for each source row, the maximum over a horizontal window of half-width
     * k; each k serves every row offset dy whose disc chord has that half-width. */
    for (k = 0; k <= r; k++) {
        if (k > 0) {
            for (y = 0; y < h; y++) {
                uint8_t *row = hm + (size_t)y * w2;
                memcpy(tmp, row, (size_t)w2);
                for (x = 0; x < w2; x++) {
                    uint8_t m = tmp[x];
                    if (x > 0 && tmp[x - 1] > m)
                        m = tmp[x - 1];
                    if (x < w2 - 1 && tmp[x + 1] > m)
                        m = tmp[x + 1];
                    row[x] = m;
                }
            }
        }
        for (dy = -r; dy <= r; dy++) {
            if (disc_half_width(r, dy) != k)
                continue;
            for (y = 0; y < h2; y++) {
                int sy = y - r + dy;
                const uint8_t *s;
                uint8_t *o;
                if (sy < 0 || sy >= h)
                    continue;
                s = hm + (size_t)sy * w2;
                o = out + (size_t)y * w2;
                for (x = 0; x < w2; x++)
                    if (s[x] > o[x])
                        o[x] = s[x];
            }
        }
    }
}
