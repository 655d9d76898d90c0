/* text.c: text layout (UTF-8, line breaking, alignment), the glyph cache, and
 * compositing onto RGBA frames. See text.h for the behaviour. */
#include "mediacore/text.h"

#include <stdlib.h>
#include <string.h>

#include "mediacore/font.h"
#include "glyph_raster.h"
#include "base/read_ahead.h"
#include "text_kernels.h"
#include "base/utf8.h"

/* ---- the glyph cache ------------------------------------------------------------- */

#define CACHE_SLOTS 4096u                 /* power of two */
#define CACHE_MAX_ENTRIES (CACHE_SLOTS * 3u / 4u)
#define KEY_BOX 0x110000u                 /* + 0: narrow missing-glyph box, + 1: wide */
#define MAX_MASK (MC_TEXT_MAX_SIZE + 2 * MC_TEXT_MAX_OUTLINE)   /* widest and tallest mask */
#define RUN_SOLID 0x8000u                 /* a run of pixels covered entirely */

_Static_assert(MC_TEXT_MAX_SIZE <= MC_RASTER_MAX_SIZE, "the rasterizer must handle every size");
_Static_assert(MAX_MASK < 0x8000 && MC_TEXT_MAX_OUTLINE <= 0xFF, "cache entry fields");

/* A horizontal run of non-zero coverage in one row of a mask: solid (every pixel 255) or
 * anti-aliased (coverage read from the mask). Drawing walks runs, never empty pixels. */
typedef struct run {
    uint16_t x;
    uint16_t n;            /* length | RUN_SOLID */
} run;

/* Arena layout of an entry, from its offset: w * h coverage bytes (padded to 4), row
 * starts (h + 1 indices into the runs), the runs; outline entries then have a second set,
 * "hollow" runs that leave out the pixels the glyph itself covers entirely (used when the
 * text is opaque: those pixels end up the text colour whatever the outline did). */
typedef struct cache_entry {
    uint32_t key;          /* code point, or KEY_BOX + wide */
    uint16_t size;         /* px */
    uint8_t ring;          /* outline width; 0 = the glyph itself */
    uint8_t used;
    uint32_t offset;       /* into the arena */
    uint32_t hollow;       /* offset of the hollow row starts from `offset`; 0: none */
    uint16_t w, h;
} cache_entry;

/* A glyph to rasterize: where its bits are and how wide its cell is. */
typedef struct glyph_src {
    uint32_t key;
    const uint8_t *bits;
    int width;             /* 8 or 16 */
} glyph_src;

/* A rendered layer the handle keeps, and what it was rendered from. */
#define LAYER_SLOTS 4
#define LAYER_TEXT_MAX 4096       /* longer texts are rendered every time */

typedef struct rect {
    int32_t x0, y0, x1, y1;   /* half-open */
} rect;

typedef struct layer_entry {
    int used;
    int nfonts;
    size_t len;
    size_t offset;                /* into the layer memory */
    mc_text_style style;
    mc_text_metrics metrics;      /* the layout, kept with the layer */
    rect bg, box;
    uint8_t text[LAYER_TEXT_MAX];
} layer_entry;

struct mc_text {
    mc_font fonts[MC_TEXT_MAX_FONTS];
    int nfonts;
    uint8_t *arena;
    size_t arena_cap;
    size_t arena_used;
    cache_entry *slots;
    uint32_t entries;
    uint8_t *scratch;      /* rasterizer and dilation scratch, then a copy of a fill mask */
    uint8_t *staging;      /* a new mask before it is stored */
    uint8_t *layer;        /* rendered layers (premultiplied RGBA) */
    size_t layer_cap;
    size_t layer_used;
    layer_entry layers[LAYER_SLOTS];
    mc_text_stats stats;
};

static layer_entry *layer_find(mc_text *t, const uint8_t *s, size_t len, const mc_text_style *st);

/* The missing-glyph boxes: a rectangle inside the cell, in the font's bit layout. */
static const uint8_t box_narrow[16] = {
    0x00, 0x00, 0x7E, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x7E, 0x00, 0x00
};
static const uint8_t box_wide[32] = {
    0x00, 0x00, 0x00, 0x00, 0x7F, 0xFE, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02,
    0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x7F, 0xFE, 0x00, 0x00, 0x00, 0x00
};

static size_t align4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

static uint32_t cache_hash(uint32_t key, int size, int ring)
{
    uint32_t h = key * 2654435761u ^ (uint32_t)size * 40503u ^ (uint32_t)ring * 97u;
    return (h ^ h >> 15) & (CACHE_SLOTS - 1u);
}

static void cache_reset(mc_text *t)
{
    memset(t->slots, 0, CACHE_SLOTS * sizeof(*t->slots));
    t->entries = 0;
    t->arena_used = 0;
    t->stats.resets++;
}

/* The entry for (key, size, ring), or NULL; *slot receives where it would go. */
static cache_entry *cache_find(mc_text *t, uint32_t key, int size, int ring, uint32_t *slot)
{
    uint32_t i = cache_hash(key, size, ring);
    for (;;) {
        cache_entry *e = &t->slots[i];
        if (!e->used) {
            if (slot)
                *slot = i;
            return NULL;
        }
        if (e->key == key && e->size == size && e->ring == ring)
            return e;
        i = (i + 1u) & (CACHE_SLOTS - 1u);
    }
}

static const uint8_t *entry_mask(const mc_text *t, const cache_entry *e)
{
    return t->arena + e->offset;
}

static const uint32_t *entry_rows(const mc_text *t, const cache_entry *e, int hollow)
{
    size_t off = hollow && e->hollow ? e->hollow : align4((size_t)e->w * e->h);
    return (const uint32_t *)(const void *)(t->arena + e->offset + off);
}

/* Coverage of a mask row at x, leaving out the pixels where `hole_row` (a row of the
 * glyph, placed `ring` pixels in) is solid, when hole_row is not NULL. */
static int covered(const uint8_t *row, const uint8_t *hole_row, int x, int ring, int hole_w)
{
    if (hole_row != NULL && x >= ring && x < ring + hole_w && hole_row[x - ring] == 255)
        return 0;
    return row[x];
}

/* Write (or, with out NULL, count) the runs of a w x h mask; rows gets h + 1 starts. */
static uint32_t make_runs(const uint8_t *m, int w, int h, const uint8_t *hole, int ring,
                          uint32_t *rows, run *out)
{
    int hole_w = w - 2 * ring, hole_h = h - 2 * ring, x, y;
    uint32_t n = 0;
    for (y = 0; y < h; y++) {
        const uint8_t *row = m + (size_t)y * w;
        const uint8_t *hole_row = hole != NULL && y >= ring && y < ring + hole_h
                                  ? hole + (size_t)(y - ring) * hole_w : NULL;
        if (rows)
            rows[y] = n;
        x = 0;
        while (x < w) {
            int c = covered(row, hole_row, x, ring, hole_w), start = x, solid;
            if (c == 0) {
                x++;
                continue;
            }
            solid = c == 255;
            while (x < w) {
                c = covered(row, hole_row, x, ring, hole_w);
                if (c == 0 || (c == 255) != solid)
                    break;
                x++;
            }
            if (out) {
                out[n].x = (uint16_t)start;
                out[n].n = (uint16_t)((x - start) | (solid ? RUN_SOLID : 0));
            }
            n++;
        }
    }
    if (rows)
        rows[h] = n;
    return n;
}

/* Store the mask in t->staging (w x h) as a new entry with its runs, and for an outline
 * hollow runs around `hole`, the glyph's own mask. Empties the cache first when full. */
static cache_entry *cache_store(mc_text *t, uint32_t key, int size, int ring, int w, int h,
                                const uint8_t *hole)
{
    size_t mask = align4((size_t)w * h), rows = 4u * (size_t)(h + 1), need, base;
    uint32_t nfull = make_runs(t->staging, w, h, NULL, ring, NULL, NULL), nhollow = 0;
    cache_entry *e;
    uint32_t slot;
    uint8_t *p;

    if (hole != NULL)
        nhollow = make_runs(t->staging, w, h, hole, ring, NULL, NULL);
    need = mask + rows + 4u * nfull + (hole != NULL ? rows + 4u * nhollow : 0);
    if (t->arena_used + need > t->arena_cap || t->entries + 1u > CACHE_MAX_ENTRIES)
        cache_reset(t);
    cache_find(t, key, size, ring, &slot);
    e = &t->slots[slot];
    base = t->arena_used;
    p = t->arena + base;
    memcpy(p, t->staging, (size_t)w * h);
    make_runs(t->staging, w, h, NULL, ring, (uint32_t *)(void *)(p + mask),
              (run *)(void *)(p + mask + rows));
    e->hollow = 0;
    if (hole != NULL) {
        e->hollow = (uint32_t)(mask + rows + 4u * nfull);
        make_runs(t->staging, w, h, hole, ring, (uint32_t *)(void *)(p + e->hollow),
                  (run *)(void *)(p + e->hollow + rows));
    }
    e->key = key;
    e->size = (uint16_t)size;
    e->ring = (uint8_t)ring;
    e->used = 1;
    e->offset = (uint32_t)base;
    e->w = (uint16_t)w;
    e->h = (uint16_t)h;
    t->arena_used += need;
    t->entries++;
    t->stats.misses++;
    return e;
}

static int cell_px(int width, int size)
{
    return width == 16 ? size : (size + 1) / 2;
}

/* The coverage mask of `g` at `size`, grown by `ring` px for an outline (0: the glyph).
 * Valid until the next call (which may empty the cache). */
static const cache_entry *glyph_mask(mc_text *t, const glyph_src *g, int size, int ring)
{
    const cache_entry *e, *fill;
    int w = cell_px(g->width, size), h = size;

    e = cache_find(t, g->key, size, ring, NULL);
    if (e != NULL) {
        t->stats.hits++;
        return e;
    }
    if (ring == 0) {
        mc_raster_glyph(g->bits, g->width, size, w, t->staging, t->scratch);
        return cache_store(t, g->key, size, 0, w, h, NULL);
    }
    fill = glyph_mask(t, g, size, 0);
    mc_raster_dilate(entry_mask(t, fill), w, h, ring, t->staging, t->scratch);
    /* Storing may empty the cache, fill and all: keep a copy of the fill for the holes. */
    memcpy(t->scratch, entry_mask(t, fill), (size_t)w * h);
    return cache_store(t, g->key, size, ring, w + 2 * ring, h + 2 * ring, t->scratch);
}

/* ---- rendering into the layer ---------------------------------------------------- */

/* Text is rendered into a layer of premultiplied RGBA (transparent where nothing is
 * drawn): background, shadow, outline and glyphs composited there in that order. The
 * layer is then composited over the frame in one pass (text_kernels.h). A layer depends
 * only on the text, the style and the fonts, not on the position or the frame, so the
 * handle keeps the last few and a caption that stays the same costs one compositing pass
 * per frame. */

/* A premultiplied RGBA image: the layer, or a band of it. */
typedef struct surface {
    uint8_t *data;
    int32_t width, height, stride;
} surface;

static uint32_t div255(uint32_t x)
{
    return mc_text_div255(x);
}

/* Colour (r, g, b) at alpha a (1..255) over one premultiplied pixel. */
static void over_px(uint8_t *d, uint32_t r, uint32_t g, uint32_t b, uint32_t a)
{
    uint32_t ia = 255u - a;
    d[0] = (uint8_t)div255(r * a + d[0] * ia);
    d[1] = (uint8_t)div255(g * a + d[1] * ia);
    d[2] = (uint8_t)div255(b * a + d[2] * ia);
    d[3] = (uint8_t)div255(255u * a + d[3] * ia);
}

static void fill_rect(const surface *f, rect r, uint32_t color)
{
    uint32_t cr = color >> 24, cg = color >> 16 & 255u, cb = color >> 8 & 255u, ca = color & 255u;
    int32_t x, y;
    if (r.x0 < 0)
        r.x0 = 0;
    if (r.y0 < 0)
        r.y0 = 0;
    if (r.x1 > f->width)
        r.x1 = f->width;
    if (r.y1 > f->height)
        r.y1 = f->height;
    if (ca == 0 || r.x0 >= r.x1 || r.y0 >= r.y1)
        return;
    for (y = r.y0; y < r.y1; y++) {
        uint8_t *d = f->data + (size_t)y * (size_t)f->stride + (size_t)r.x0 * 4u;
        for (x = r.x0; x < r.x1; x++, d += 4)
            over_px(d, cr, cg, cb, ca);
    }
}

/* Composite mask `e` in `color` with its top-left corner at (px, py), clipped, run by
 * run; `hollow` uses an outline's hollow runs. */
static void draw_mask(const mc_text *t, const surface *f, const cache_entry *e,
                      int32_t px, int32_t py, uint32_t color, int hollow)
{
    uint32_t cr = color >> 24, cg = color >> 16 & 255u, cb = color >> 8 & 255u, ca = color & 255u;
    const uint8_t *mask = entry_mask(t, e);
    const uint32_t *rows = entry_rows(t, e, hollow);
    const run *runs = (const run *)(const void *)(rows + e->h + 1);
    int32_t my0 = py < 0 ? -py : 0, my1 = e->h, my;
    uint32_t solid;
    uint8_t bytes[4];

    bytes[0] = (uint8_t)cr;
    bytes[1] = (uint8_t)cg;
    bytes[2] = (uint8_t)cb;
    bytes[3] = 255;
    memcpy(&solid, bytes, 4);
    if (py + my1 > f->height)
        my1 = f->height - py;
    for (my = my0; my < my1; my++) {
        const uint8_t *m = mask + (size_t)my * e->w;
        uint8_t *drow = f->data + (size_t)(py + my) * (size_t)f->stride;
        uint32_t k;
        for (k = rows[my]; k < rows[my + 1]; k++) {
            int32_t x0 = runs[k].x, x1 = x0 + (runs[k].n & ~RUN_SOLID), mx;
            uint8_t *d;
            if (px + x0 < 0)
                x0 = -px;
            if (px + x1 > f->width)
                x1 = f->width - px;
            if (x0 >= x1)
                continue;
            d = drow + (size_t)(px + x0) * 4u;
            if (runs[k].n & RUN_SOLID) {
                if (ca == 255u) {
                    for (mx = x0; mx < x1; mx++, d += 4)
                        memcpy(d, &solid, 4);
                } else {
                    for (mx = x0; mx < x1; mx++, d += 4)
                        over_px(d, cr, cg, cb, ca);
                }
            } else if (ca == 255u) {
                for (mx = x0; mx < x1; mx++, d += 4)
                    over_px(d, cr, cg, cb, m[mx]);
            } else {
                for (mx = x0; mx < x1; mx++, d += 4) {
                    uint32_t a = div255(m[mx] * ca);
                    if (a)
                        over_px(d, cr, cg, cb, a);
                }
            }
        }
    }
}

/* ---- characters ------------------------------------------------------------------ */

enum item_kind { IT_GLYPH, IT_SPACE, IT_TAB, IT_BREAK, IT_SKIP };

/* Line-breaking classes (a simplified UAX #14). */
enum {
    CL_SPACE = 1,       /* break after (a run of) these */
    CL_WIDE = 2,        /* East Asian: break before and after */
    CL_CLOSE = 4,       /* never at a line start */
    CL_OPEN = 8,        /* never at a line end */
    CL_HYPHEN = 16,     /* break after */
    CL_MARK = 32,       /* combining: stays with the preceding character */
    CL_ZW = 64          /* zero-width space: a break opportunity */
};

typedef struct item {
    int kind;
    int cls;
    glyph_src src;       /* IT_GLYPH */
    int32_t adv;         /* px (0 for marks) */
    int32_t cell;        /* the glyph's cell width, px */
    int32_t mark_dx;     /* px, for marks */
    int is_mark;
} item;

/* East Asian wide (and fullwidth) ranges: line-breaking class ID and the box width. */
static int is_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
           (c >= 0x20000 && c <= 0x3FFFD);
}

static int is_space(uint32_t c)
{
    return c == 0x20 || c == 0x3000 || (c >= 0x2000 && c <= 0x2006) || (c >= 0x2008 && c <= 0x200A) ||
           c == 0x205F;
}

/* Characters that draw nothing and take no space (text.h lists them). */
static int is_invisible(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || (c >= 0x200B && c <= 0x200F) ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) ||
           (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF || (c >= 0xFFF0 && c <= 0xFFFB) ||
           (c >= 0xE0000 && c <= 0xE0FFF);
}

/* Closing punctuation and small kana: UAX #14 classes CL, CP, EX, IS, NS (in part). */
static int is_close(uint32_t c)
{
    static const uint16_t list[] = {
        0x0021, 0x0025, 0x0029, 0x002C, 0x002E, 0x003A, 0x003B, 0x003F, 0x005D, 0x007D,
        0x00BB, 0x2019, 0x201D, 0x2026, 0x203A, 0x203C, 0x2047, 0x2048, 0x2049,
        0x3001, 0x3002, 0x3005, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017,
        0x3019, 0x301B, 0x301E, 0x301F, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063,
        0x3083, 0x3085, 0x3087, 0x308E, 0x3095, 0x3096, 0x309D, 0x309E, 0x30A1, 0x30A3,
        0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6,
        0x30FB, 0x30FC, 0x30FD, 0x30FE, 0xFF01, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B,
        0xFF1F, 0xFF3D, 0xFF5D, 0xFF60, 0xFF61, 0xFF63, 0xFF64
    };
    size_t lo = 0, hi = sizeof(list) / sizeof(list[0]);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (list[mid] == c)
            return 1;
        if (list[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Opening punctuation: UAX #14 class OP (in part) and opening quotes. */
static int is_open(uint32_t c)
{
    switch (c) {
    case 0x0028: case 0x005B: case 0x007B: case 0x00AB: case 0x2018: case 0x201C: case 0x2039:
    case 0x3008: case 0x300A: case 0x300C: case 0x300E: case 0x3010: case 0x3014: case 0x3016:
    case 0x3018: case 0x301A: case 0x301D: case 0xFF08: case 0xFF3B: case 0xFF5B: case 0xFF5F:
    case 0xFF62:
        return 1;
    default:
        return 0;
    }
}

/* The first font's glyph for c, or the missing-glyph box. */
static void find_glyph(const mc_text *t, uint32_t c, int size, item *it)
{
    mc_glyph g;
    int i;
    for (i = 0; i < t->nfonts; i++) {
        if (mc_font_glyph(&t->fonts[i], c, &g)) {
            it->src.key = c;
            it->src.bits = g.bits;
            it->src.width = g.width;
            it->cell = cell_px(g.width, size);
            it->is_mark = g.is_mark;
            it->mark_dx = g.is_mark ? -((-g.mark_offset * size + 8) / 16) : 0;
            it->adv = g.is_mark ? 0 : it->cell;
            return;
        }
    }
    it->src.width = is_wide(c) ? 16 : 8;
    it->src.key = KEY_BOX + (it->src.width == 16);
    it->src.bits = it->src.width == 16 ? box_wide : box_narrow;
    it->cell = cell_px(it->src.width, size);
    it->is_mark = 0;
    it->mark_dx = 0;
    it->adv = it->cell;
}

/* Decode and classify the character at s[*pos], advancing *pos. */
static void read_item(const mc_text *t, const uint8_t *s, size_t end, size_t *pos, int size, item *it)
{
    uint32_t c = mc_utf8_next(s, end, pos);

    memset(it, 0, sizeof(*it));
    if (c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029) {
        it->kind = IT_BREAK;
    } else if (c == '\r') {
        it->kind = IT_BREAK;
        if (*pos < end && s[*pos] == '\n')
            (*pos)++;
    } else if (c == '\t') {
        it->kind = IT_TAB;
        it->cls = CL_SPACE;
    } else if (is_invisible(c)) {
        it->kind = IT_SKIP;
        it->cls = c == 0x200B ? CL_ZW : 0;
    } else {
        find_glyph(t, c, size, it);
        if (is_space(c)) {
            it->kind = IT_SPACE;
            it->cls = CL_SPACE;
        } else {
            it->kind = IT_GLYPH;
            it->cls = (is_wide(c) ? CL_WIDE : 0) | (is_close(c) ? CL_CLOSE : 0) |
                      (is_open(c) ? CL_OPEN : 0) | (it->is_mark ? CL_MARK : 0) |
                      (c == '-' || c == 0x2010 || c == 0x2012 || c == 0x2013 ? CL_HYPHEN : 0);
        }
    }
}

/* May a line break go between a character of class a and the next one of class b? */
static int can_break(int a, int b, int zw)
{
    if (a == 0 && !zw)
        return 0;
    if (b & (CL_MARK | CL_SPACE))
        return 0;
    if (zw || (a & CL_SPACE))
        return 1;
    if ((b & CL_CLOSE) || (a & CL_OPEN))
        return 0;
    return (a & CL_WIDE) || (b & CL_WIDE) || (a & CL_HYPHEN);
}

/* ---- layout ---------------------------------------------------------------------- */

/* Walks one line's characters, placing them. The same walk serves measuring, breaking
 * and drawing, so they agree to the pixel. */
typedef struct walker {
    const mc_text *t;
    const uint8_t *s;
    size_t pos, end;
    int size;
    int32_t tab;           /* tab stop interval, px */
    int32_t pen;           /* where the next character goes, px from the line start */
    int32_t extent;        /* right edge of what has been drawn */
    int visible;           /* glyphs placed so far (marks included) */
    int prev_cls;          /* class of the previous character on this line; 0 at start */
    int zw;                /* a zero-width space since the previous character */
} walker;

typedef struct placed {
    item it;
    int32_t x;             /* left edge of the glyph cell, from the line start */
    size_t start;          /* byte offset of the character */
    int32_t extent_before;
    int break_before;      /* a line may break before this character */
} placed;

static void walker_init(walker *w, const mc_text *t, const uint8_t *s, size_t start, size_t end, int size)
{
    memset(w, 0, sizeof(*w));
    w->t = t;
    w->s = s;
    w->pos = start;
    w->end = end;
    w->size = size;
    w->tab = 4 * ((size + 1) / 2);
}

/* Place the next character; 0 at the end of the range. IT_BREAK is returned unplaced. */
static int walk(walker *w, placed *p)
{
    for (;;) {
        if (w->pos >= w->end)
            return 0;
        p->start = w->pos;
        read_item(w->t, w->s, w->end, &w->pos, w->size, &p->it);
        if (p->it.kind == IT_SKIP) {
            if (p->it.cls & CL_ZW)
                w->zw = w->prev_cls != 0;
            continue;
        }
        if (p->it.kind == IT_BREAK)
            return 1;
        break;
    }
    p->extent_before = w->extent;
    p->break_before = can_break(w->prev_cls, p->it.cls, w->zw);
    w->zw = 0;
    if (p->it.kind == IT_TAB) {
        p->x = w->pen;
        w->pen += w->tab - w->pen % w->tab;
    } else if (p->it.kind == IT_SPACE) {
        p->x = w->pen;
        w->pen += p->it.adv;
    } else if (p->it.is_mark && w->visible > 0) {
        int32_t x = w->pen + p->it.mark_dx;
        p->x = x < 0 ? 0 : x;
        if (p->x + p->it.cell > w->extent)
            w->extent = p->x + p->it.cell;
        w->visible++;
    } else {
        /* A glyph, or a mark with nothing before it, which is drawn as a spacing character. */
        if (p->it.is_mark) {
            p->it.is_mark = 0;
            p->it.adv = p->it.cell;
            p->it.cls &= ~CL_MARK;
        }
        p->x = w->pen;
        w->pen += p->it.adv;
        if (w->pen > w->extent)
            w->extent = w->pen;
        w->visible++;
    }
    w->prev_cls = p->it.cls | (p->it.kind == IT_SPACE || p->it.kind == IT_TAB ? CL_SPACE : 0);
    if (w->prev_cls == 0)
        w->prev_cls = 128;   /* "some character": non-zero, no break rules of its own */
    return 1;
}

typedef struct line {
    size_t start, end, next;
    int32_t width;
    int last;
} line;

/* Break the line starting at `start`. */
static void next_line(const mc_text *t, const uint8_t *s, size_t len, size_t start, int size,
                      int32_t max_width, line *out)
{
    walker w;
    placed p;
    size_t brk = 0;
    int32_t brk_width = 0;
    int have_brk = 0;

    walker_init(&w, t, s, start, len, size);
    out->start = start;
    for (;;) {
        int visible_before = w.visible;
        if (!walk(&w, &p)) {
            out->end = out->next = len;
            out->width = w.extent;
            out->last = 1;
            return;
        }
        if (p.it.kind == IT_BREAK) {
            out->end = p.start;
            out->next = w.pos;
            out->width = w.extent;
            out->last = 0;
            return;
        }
        if (p.break_before) {
            have_brk = 1;
            brk = p.start;
            brk_width = p.extent_before;
        }
        if (max_width > 0 && p.it.kind == IT_GLYPH && !p.it.is_mark && visible_before > 0 &&
            w.extent > max_width) {
            out->end = out->next = have_brk ? brk : p.start;
            out->width = have_brk ? brk_width : p.extent_before;
            out->last = 0;
            return;
        }
    }
}

static int32_t line_left(int32_t x, int32_t width, int align)
{
    if (align == MC_TEXT_ALIGN_CENTER)
        return x - width / 2;
    if (align == MC_TEXT_ALIGN_RIGHT)
        return x - width;
    return x;
}

static int32_t line_step(const mc_text_style *st)
{
    return st->line_height > 0 ? st->line_height : (st->size * 5 + 2) / 4;
}

static rect rect_union(rect a, rect b)
{
    if (a.x0 >= a.x1 || a.y0 >= a.y1)
        return b;
    if (b.x0 >= b.x1 || b.y0 >= b.y1)
        return a;
    if (b.x0 < a.x0)
        a.x0 = b.x0;
    if (b.y0 < a.y0)
        a.y0 = b.y0;
    if (b.x1 > a.x1)
        a.x1 = b.x1;
    if (b.y1 > a.y1)
        a.y1 = b.y1;
    return a;
}

static rect rect_intersect(rect a, rect b)
{
    rect o;
    o.x0 = a.x0 > b.x0 ? a.x0 : b.x0;
    o.y0 = a.y0 > b.y0 ? a.y0 : b.y0;
    o.x1 = a.x1 < b.x1 ? a.x1 : b.x1;
    o.y1 = a.y1 < b.y1 ? a.y1 : b.y1;
    return o;
}

static rect rect_grow(rect r, int32_t by)
{
    rect o = { r.x0 - by, r.y0 - by, r.x1 + by, r.y1 + by };
    return o;
}

static rect rect_move(rect r, int32_t dx, int32_t dy)
{
    rect o = { r.x0 + dx, r.y0 + dy, r.x1 + dx, r.y1 + dy };
    return o;
}

static int outline_on(const mc_text_style *st)
{
    return st->outline_width > 0 && (st->outline_color & 255u) != 0;
}

static int shadow_on(const mc_text_style *st)
{
    return (st->shadow_x != 0 || st->shadow_y != 0) && (st->shadow_color & 255u) != 0;
}

/* Lay out the whole text at anchor (0, 0): metrics, the background box and the box of
 * every pixel drawing may touch. */
static void layout(const mc_text *t, const uint8_t *s, size_t len, const mc_text_style *st,
                   mc_text_metrics *m, rect *bg, rect *box)
{
    rect empty = { 0, 0, 0, 0 }, ink;
    int32_t left = 0, right = 0;
    size_t pos = 0;
    line ln;

    memset(m, 0, sizeof(*m));
    m->line_height = line_step(st);
    *bg = empty;
    *box = empty;
    if (len == 0)
        return;
    for (;;) {
        int32_t lx;
        next_line(t, s, len, pos, st->size, st->max_width, &ln);
        lx = line_left(0, ln.width, st->align);
        if (m->lines == 0 || lx < left)
            left = lx;
        if (m->lines == 0 || lx + ln.width > right)
            right = lx + ln.width;
        if (ln.width > m->width)
            m->width = ln.width;
        m->lines++;
        if (ln.last)
            break;
        pos = ln.next;
    }
    m->height = (m->lines - 1) * m->line_height + st->size;
    ink.x0 = left;
    ink.x1 = right;
    ink.y0 = 0;
    ink.y1 = m->height;
    if (right > left) {
        rect effect = ink;
        if ((st->color & 255u) != 0)
            *box = ink;
        if (outline_on(st)) {
            effect = rect_grow(ink, st->outline_width);
            *box = rect_union(*box, effect);
        }
        if (shadow_on(st))
            *box = rect_union(*box, rect_move(effect, st->shadow_x, st->shadow_y));
    }
    if ((st->background & 255u) != 0) {
        *bg = rect_grow(ink, st->padding);
        *box = rect_union(*box, *bg);
    }
    m->box_x = box->x0;
    m->box_y = box->y0;
    m->box_width = box->x1 - box->x0;
    m->box_height = box->y1 - box->y0;
}

/* ---- public functions ------------------------------------------------------------ */

void mc_text_config_default(mc_text_config *config)
{
    if (config == NULL)
        return;
    config->cache_bytes = 2u << 20;
    config->layer_bytes = 4u << 20;
    config->builtin_font = 1;
}

void mc_text_style_default(mc_text_style *style)
{
    if (style == NULL)
        return;
    memset(style, 0, sizeof(*style));
    style->size = 16;
    style->color = 0xFFFFFFFFu;
    style->background = 0;
    style->outline_color = 0x000000FFu;
    style->shadow_color = 0x00000099u;
    style->align = MC_TEXT_ALIGN_LEFT;
}

int mc_text_create(const mc_text_config *config, mc_text **out)
{
    mc_text_config cfg;
    mc_text *t;
    size_t scratch, dilate;

    if (out == NULL)
        return MC_EINVAL;
    *out = NULL;
    mc_text_config_default(&cfg);
    if (config != NULL)
        cfg = *config;
    if (cfg.cache_bytes < MC_TEXT_MIN_CACHE || cfg.cache_bytes > (1u << 30) ||
        cfg.layer_bytes < MC_TEXT_MIN_LAYER || cfg.layer_bytes > (1u << 30))
        return MC_ERANGE;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return MC_ENOMEM;
    scratch = mc_raster_glyph_scratch();
    dilate = mc_raster_dilate_scratch(MC_TEXT_MAX_SIZE, MC_TEXT_MAX_SIZE, MC_TEXT_MAX_OUTLINE);
    if (dilate > scratch)
        scratch = dilate;
    if ((size_t)MC_TEXT_MAX_SIZE * MC_TEXT_MAX_SIZE > scratch)
        scratch = (size_t)MC_TEXT_MAX_SIZE * MC_TEXT_MAX_SIZE;   /* a fill mask's copy */
    t->arena_cap = cfg.cache_bytes;
    t->arena = malloc(cfg.cache_bytes);
    t->slots = calloc(CACHE_SLOTS, sizeof(*t->slots));
    t->scratch = malloc(scratch);
    t->staging = malloc((size_t)MAX_MASK * MAX_MASK);
    t->layer_cap = cfg.layer_bytes;
    t->layer = malloc(cfg.layer_bytes);
    if (t->arena == NULL || t->slots == NULL || t->scratch == NULL || t->staging == NULL ||
        t->layer == NULL) {
        mc_text_destroy(t);
        return MC_ENOMEM;
    }
    if (cfg.builtin_font) {
        size_t size;
        const uint8_t *data = mc_font_builtin(&size);
        int rc = mc_font_open(&t->fonts[0], data, size);
        if (rc != MC_OK) {
            mc_text_destroy(t);
            return rc;
        }
        t->nfonts = 1;
    }
    *out = t;
    return MC_OK;
}

void mc_text_destroy(mc_text *text)
{
    if (text == NULL)
        return;
    free(text->arena);
    free(text->slots);
    free(text->scratch);
    free(text->staging);
    free(text->layer);
    free(text);
}

int mc_text_add_font(mc_text *text, const uint8_t *data, size_t size)
{
    mc_font font;
    int rc;

    if (text == NULL || data == NULL)
        return MC_EINVAL;
    rc = mc_font_open(&font, data, size);
    if (rc != MC_OK)
        return rc;
    if (text->nfonts >= MC_TEXT_MAX_FONTS)
        return MC_ELIMIT;
    text->fonts[text->nfonts++] = font;
    return MC_OK;
}

int mc_text_font_count(const mc_text *text)
{
    return text ? text->nfonts : 0;
}

int mc_text_font_info(const mc_text *text, int index, uint32_t *glyphs, size_t *bytes)
{
    if (text == NULL || index < 0 || index >= text->nfonts)
        return MC_EINVAL;
    if (glyphs)
        *glyphs = text->fonts[index].glyphs;
    if (bytes)
        *bytes = text->fonts[index].size;
    return MC_OK;
}

int mc_text_has_glyph(const mc_text *text, uint32_t cp)
{
    int i;
    if (text == NULL)
        return 0;
    for (i = 0; i < text->nfonts; i++)
        if (mc_font_has(&text->fonts[i], cp))
            return 1;
    return 0;
}

int mc_text_style_check(const mc_text_style *st)
{
    if (st == NULL)
        return MC_EINVAL;
    if (st->size < MC_TEXT_MIN_SIZE || st->size > MC_TEXT_MAX_SIZE ||
        st->padding < 0 || st->padding > MC_TEXT_MAX_PADDING ||
        st->outline_width < 0 || st->outline_width > MC_TEXT_MAX_OUTLINE ||
        st->shadow_x < -MC_TEXT_MAX_SHADOW || st->shadow_x > MC_TEXT_MAX_SHADOW ||
        st->shadow_y < -MC_TEXT_MAX_SHADOW || st->shadow_y > MC_TEXT_MAX_SHADOW ||
        st->align < MC_TEXT_ALIGN_LEFT || st->align > MC_TEXT_ALIGN_RIGHT ||
        st->max_width < 0 || st->max_width > MC_TEXT_MAX_COORD ||
        st->line_height < 0 || st->line_height > MC_TEXT_MAX_COORD)
        return MC_ERANGE;
    return MC_OK;
}

static int check_text(const mc_text *text, const char *utf8, size_t len, const mc_text_style *style)
{
    if (text == NULL || utf8 == NULL || style == NULL)
        return MC_EINVAL;
    if (len > MC_TEXT_MAX_BYTES)
        return MC_ELIMIT;
    return mc_text_style_check(style);
}

int mc_text_measure(mc_text *text, const char *utf8, size_t len, const mc_text_style *style,
                    mc_text_metrics *metrics)
{
    rect bg, box;
    const layer_entry *l;
    int rc;

    if (metrics == NULL)
        return MC_EINVAL;
    memset(metrics, 0, sizeof(*metrics));
    rc = check_text(text, utf8, len, style);
    if (rc != MC_OK)
        return rc;
    l = layer_find(text, (const uint8_t *)utf8, len, style);
    if (l != NULL)
        *metrics = l->metrics;   /* laid out already, for a kept layer */
    else
        layout(text, (const uint8_t *)utf8, len, style, metrics, &bg, &box);
    return MC_OK;
}

/* One drawing pass over every line: each glyph's mask grown by `ring`, moved by (dx, dy);
 * `hollow`: an outline under opaque text, drawn only where the text will not cover it.
 * (x, y) is the anchor in the surface's coordinates. */
static void draw_pass(mc_text *t, const surface *f, const uint8_t *s, size_t len,
                      const mc_text_style *st, int32_t x, int32_t y, int ring,
                      int32_t dx, int32_t dy, uint32_t color, int hollow)
{
    int32_t step = line_step(st), top = y + dy - ring;
    size_t pos = 0;
    line ln;

    for (;;) {
        next_line(t, s, len, pos, st->size, st->max_width, &ln);
        if (top >= f->height)
            break;   /* this line and all below it are under the surface */
        if (top + st->size + 2 * ring > 0) {
            int32_t lx = line_left(x, ln.width, st->align) + dx - ring;
            walker w;
            placed p;
            walker_init(&w, t, s, ln.start, ln.end, st->size);
            while (walk(&w, &p)) {
                int32_t gx = lx + p.x;
                const cache_entry *e;
                if (p.it.kind != IT_GLYPH || gx >= f->width || gx + p.it.cell + 2 * ring <= 0)
                    continue;
                e = glyph_mask(t, &p.it.src, st->size, ring);
                draw_mask(t, f, e, gx, top, color, hollow);
            }
        }
        if (ln.last)
            break;
        pos = ln.next;
        top += step;
    }
}

/* Render `region` (anchor-relative) of the text into `data`, as a premultiplied layer of
 * its size: transparent, then background, shadow, outline, glyphs. */
static void render(mc_text *t, const uint8_t *s, size_t len, const mc_text_style *st,
                   const mc_text_metrics *m, rect bg, rect region, uint8_t *data)
{
    surface f;
    int ring = outline_on(st) ? st->outline_width : 0;
    int32_t x = -region.x0, y = -region.y0;

    f.data = data;
    f.width = region.x1 - region.x0;
    f.height = region.y1 - region.y0;
    f.stride = f.width * 4;
    memset(data, 0, (size_t)f.stride * (size_t)f.height);
    t->stats.renders++;
    if ((st->background & 255u) != 0)
        fill_rect(&f, rect_move(bg, x, y), st->background);
    if (m->width == 0)
        return;
    if (shadow_on(st))
        draw_pass(t, &f, s, len, st, x, y, ring, st->shadow_x, st->shadow_y, st->shadow_color, 0);
    if (ring > 0)
        draw_pass(t, &f, s, len, st, x, y, ring, 0, 0, st->outline_color, (st->color & 255u) == 255u);
    if ((st->color & 255u) != 0)
        draw_pass(t, &f, s, len, st, x, y, 0, 0, 0, st->color, 0);
}

/* Composite the part `clip` (frame coordinates) of a layer whose top-left pixel sits at
 * (lx, ly) in the frame and whose rows are `stride` bytes apart. Before each row, the
 * frame row two below is read ahead (read_ahead.h): its first and last byte. */
static void composite(const mc_frame *f, const uint8_t *layer, int32_t stride, int32_t lx,
                      int32_t ly, rect clip)
{
    const size_t row_bytes = (size_t)(clip.x1 - clip.x0) * 4u;
    int32_t y;

    for (y = clip.y0; y < clip.y1; y++) {
        uint8_t *row = f->data + (size_t)y * (size_t)f->stride + (size_t)clip.x0 * 4u;
        if (y + 2 < clip.y1 && row_bytes > 0) {
            const uint8_t *next = row + 2 * (size_t)f->stride;
            mc_read_ahead(next);
            mc_read_ahead(next + row_bytes - 1);
        }
        mc_text_composite_row(row, layer + (size_t)(y - ly) * (size_t)stride +
                                       (size_t)(clip.x0 - lx) * 4u,
                              clip.x1 - clip.x0);
    }
}

/* The kept layer for this text and style, or NULL. */
static layer_entry *layer_find(mc_text *t, const uint8_t *s, size_t len, const mc_text_style *st)
{
    int i;
    for (i = 0; i < LAYER_SLOTS; i++) {
        layer_entry *l = &t->layers[i];
        if (l->used && l->len == len && l->nfonts == t->nfonts &&
            memcmp(&l->style, st, sizeof(*st)) == 0 && memcmp(l->text, s, len) == 0)
            return l;
    }
    return NULL;
}

/* Room for a layer of `bytes` and a slot to keep it in, or NULL when it cannot be kept
 * (too big, or its text too long to remember). Forgets every kept layer when full. */
static layer_entry *layer_new(mc_text *t, const uint8_t *s, size_t len, const mc_text_style *st,
                              const mc_text_metrics *m, rect bg, rect box, uint64_t bytes)
{
    layer_entry *l = NULL;
    int i;
    if (bytes > t->layer_cap || len > LAYER_TEXT_MAX)
        return NULL;
    for (i = 0; i < LAYER_SLOTS && l == NULL; i++)
        if (!t->layers[i].used)
            l = &t->layers[i];
    if (l == NULL || t->layer_used + bytes > t->layer_cap) {
        for (i = 0; i < LAYER_SLOTS; i++)
            t->layers[i].used = 0;
        t->layer_used = 0;
        l = &t->layers[0];
    }
    l->used = 1;
    l->len = len;
    l->nfonts = t->nfonts;
    l->style = *st;
    l->metrics = *m;
    l->bg = bg;
    l->box = box;
    memcpy(l->text, s, len);
    l->offset = t->layer_used;
    t->layer_used += (size_t)bytes;
    return l;
}

int mc_text_draw(mc_text *text, const mc_frame *frame, int32_t x, int32_t y,
                 const char *utf8, size_t len, const mc_text_style *style)
{
    mc_frame f;
    mc_text_metrics m;
    rect bg, box, clip, frame_rect;
    const uint8_t *s = (const uint8_t *)utf8;
    layer_entry *l;
    int32_t bw, bh, band, ry;
    int rc;

    if (frame == NULL)
        return MC_EINVAL;
    rc = mc_frame_wrap(&f, frame->data, frame->size, frame->width, frame->height, frame->stride);
    if (rc != MC_OK)
        return rc;
    rc = check_text(text, utf8, len, style);
    if (rc != MC_OK)
        return rc;
    if (x < -MC_TEXT_MAX_COORD || x > MC_TEXT_MAX_COORD || y < -MC_TEXT_MAX_COORD || y > MC_TEXT_MAX_COORD)
        return MC_ERANGE;
    l = layer_find(text, s, len, style);
    if (l != NULL) {
        m = l->metrics;
        bg = l->bg;
        box = l->box;
    } else {
        layout(text, s, len, style, &m, &bg, &box);
    }
    frame_rect.x0 = 0;
    frame_rect.y0 = 0;
    frame_rect.x1 = f.width;
    frame_rect.y1 = f.height;
    clip = rect_intersect(rect_move(box, x, y), frame_rect);
    if (clip.x0 >= clip.x1 || clip.y0 >= clip.y1)
        return MC_OK;   /* nothing to draw, or all of it outside the frame */
    bw = box.x1 - box.x0;
    bh = box.y1 - box.y0;
    /* The whole layer, kept for the next frames when it fits. */
    if (l != NULL) {
        text->stats.layer_hits++;
        composite(&f, text->layer + l->offset, bw * 4, x + box.x0, y + box.y0, clip);
        return MC_OK;
    }
    l = layer_new(text, s, len, style, &m, bg, box, (uint64_t)bw * (uint64_t)bh * 4u);
    if (l != NULL) {
        render(text, s, len, style, &m, bg, box, text->layer + l->offset);
        composite(&f, text->layer + l->offset, bw * 4, x + box.x0, y + box.y0, clip);
        return MC_OK;
    }
    /* Too big to keep: render what the frame shows, in bands of rows that fit. */
    bw = clip.x1 - clip.x0;
    band = (int32_t)(text->layer_cap / ((size_t)bw * 4u));
    for (ry = clip.y0; ry < clip.y1; ry += band) {
        rect part = { clip.x0, ry, clip.x1, ry + band < clip.y1 ? ry + band : clip.y1 };
        render(text, s, len, style, &m, bg, rect_move(part, -x, -y), text->layer);
        composite(&f, text->layer, bw * 4, part.x0, part.y0, part);
    }
    /* The layer memory now holds a band, not what the kept entries say. */
    for (ry = 0; ry < LAYER_SLOTS; ry++)
        text->layers[ry].used = 0;
    text->layer_used = 0;
    return MC_OK;
}

int mc_text_get_stats(const mc_text *text, mc_text_stats *stats)
{
    if (text == NULL || stats == NULL)
        return MC_EINVAL;
    *stats = text->stats;
    stats->cache_used = text->arena_used;
    return MC_OK;
}
