/* text.c: the text overlay's API, the glyph cache, and rendering and compositing onto
 * RGBA frames. Layout (characters, line breaking, alignment) is text_layout.c. See
 * text.h for the behaviour. */
#include "mediacore/text.h"

#include <stdlib.h>
#include <string.h>

#include "mediacore/font.h"
#include "glyph_raster.h"
#include "base/read_ahead.h"
#include "text_kernels.h"
#include "text_layout.h"

/* ---- the glyph cache ------------------------------------------------------------- */

#define CACHE_SLOTS 4096u                 /* power of two */
#define CACHE_MAX_ENTRIES (CACHE_SLOTS * 3u / 4u)
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
    uint32_t key;          /* glyph_src.key */
    uint16_t size;         /* px */
    uint8_t ring;          /* outline width; 0 = the glyph itself */
    uint8_t used;
    uint32_t offset;       /* into the arena */
    uint32_t hollow;       /* offset of the hollow row starts from `offset`; 0: none */
    uint16_t w, h;
} cache_entry;

/* A rendered layer the handle keeps, and what it was rendered from. */
#define LAYER_SLOTS 4
#define LAYER_TEXT_MAX 4096       /* longer texts are rendered every time */

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

/* The coverage mask of `g` at `size`, grown by `ring` px for an outline (0: the glyph).
 * Valid until the next call (which may empty the cache). */
static const cache_entry *glyph_mask(mc_text *t, const glyph_src *g, int size, int ring)
{
    const cache_entry *e, *fill;
    int w = mc_layout_cell_px(g->width, size), h = size;

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
        mc_layout_text(text->fonts, text->nfonts, (const uint8_t *)utf8, len, style, metrics,
                       &bg, &box);
    return MC_OK;
}

/* One drawing pass over every line: each glyph's mask grown by `ring`, moved by (dx, dy);
 * `hollow`: an outline under opaque text, drawn only where the text will not cover it.
 * (x, y) is the anchor in the surface's coordinates. */
static void draw_pass(mc_text *t, const surface *f, const uint8_t *s, size_t len,
                      const mc_text_style *st, int32_t x, int32_t y, int ring,
                      int32_t dx, int32_t dy, uint32_t color, int hollow)
{
    int32_t step = mc_layout_line_step(st), top = y + dy - ring;
    size_t pos = 0;
    line ln;

    for (;;) {
        mc_layout_next_line(t->fonts, t->nfonts, s, len, pos, st->size, st->max_width, &ln);
        if (top >= f->height)
            break;   /* this line and all below it are under the surface */
        if (top + st->size + 2 * ring > 0) {
            int32_t lx = mc_layout_line_left(x, ln.width, st->align) + dx - ring;
            walker w;
            placed p;
            mc_layout_walker_init(&w, t->fonts, t->nfonts, s, ln.start, ln.end, st->size);
            while (mc_layout_walk(&w, &p)) {
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
    int ring = mc_layout_outline_on(st) ? st->outline_width : 0;
    int32_t x = -region.x0, y = -region.y0;

    f.data = data;
    f.width = region.x1 - region.x0;
    f.height = region.y1 - region.y0;
    f.stride = f.width * 4;
    memset(data, 0, (size_t)f.stride * (size_t)f.height);
    t->stats.renders++;
    if ((st->background & 255u) != 0)
        fill_rect(&f, mc_rect_move(bg, x, y), st->background);
    if (m->width == 0)
        return;
    if (mc_layout_shadow_on(st))
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

static rect rect_intersect(rect a, rect b)
{
    rect o;
    o.x0 = a.x0 > b.x0 ? a.x0 : b.x0;
    o.y0 = a.y0 > b.y0 ? a.y0 : b.y0;
    o.x1 = a.x1 < b.x1 ? a.x1 : b.x1;
    o.y1 = a.y1 < b.y1 ? a.y1 : b.y1;
    return o;
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
        mc_layout_text(text->fonts, text->nfonts, s, len, style, &m, &bg, &box);
    }
    frame_rect.x0 = 0;
    frame_rect.y0 = 0;
    frame_rect.x1 = f.width;
    frame_rect.y1 = f.height;
    clip = rect_intersect(mc_rect_move(box, x, y), frame_rect);
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
        render(text, s, len, style, &m, bg, mc_rect_move(part, -x, -y), text->layer);
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
