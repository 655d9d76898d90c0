/* text_layout.h: internal to text.c. Text layout: UTF-8 characters classified and
 * matched to glyphs, placed along a line (marks, tabs, spaces), lines broken (a
 * simplified UAX #14, and max_width), aligned, and the boxes a whole text covers. The
 * same walk serves measuring, breaking and drawing, so they agree to the pixel. Nothing
 * here allocates or draws; text.c keeps the glyph cache and renders what this places. */
#ifndef MC_TEXT_LAYOUT_H
#define MC_TEXT_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "mediacore/font.h"
#include "mediacore/text.h"

#define MC_LAYOUT_KEY_BOX 0x110000u   /* glyph key + 0: narrow missing-glyph box, + 1: wide */

/* A glyph to rasterize: where its bits are and how wide its cell is. */
typedef struct glyph_src {
    uint32_t key;          /* code point, or MC_LAYOUT_KEY_BOX + wide */
    const uint8_t *bits;   /* borrowed from the font (or a static box): valid as the font */
    int width;             /* 8 or 16 */
} glyph_src;

enum item_kind { IT_GLYPH, IT_SPACE, IT_TAB, IT_BREAK, IT_SKIP };

/* One character, classified. */
typedef struct item {
    int kind;
    int cls;             /* line-breaking classes (text_layout.c) */
    glyph_src src;       /* IT_GLYPH */
    int32_t adv;         /* px (0 for marks) */
    int32_t cell;        /* the glyph's cell width, px */
    int32_t mark_dx;     /* px, for marks */
    int is_mark;
} item;

/* Walks one line's characters, placing them. */
typedef struct walker {
    const mc_font *fonts;  /* searched in order; borrowed */
    int nfonts;
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

/* A character as placed by the walk. */
typedef struct placed {
    item it;
    int32_t x;             /* left edge of the glyph cell, from the line start */
    size_t start;          /* byte offset of the character */
    int32_t extent_before;
    int break_before;      /* a line may break before this character */
} placed;

/* One line of a text: bytes [start, end), the next line at `next`. */
typedef struct line {
    size_t start, end, next;
    int32_t width;
    int last;
} line;

typedef struct rect {
    int32_t x0, y0, x1, y1;   /* half-open */
} rect;

/** Start walking s[start, end) at `size` px, glyphs from the first of `fonts` that has
 * them (the missing-glyph box when none has). */
void mc_layout_walker_init(walker *w, const mc_font *fonts, int nfonts, const uint8_t *s,
                           size_t start, size_t end, int size);

/** Place the next character into *p; 0 at the end of the range. IT_BREAK is returned
 * unplaced. */
int mc_layout_walk(walker *w, placed *p);

/** Break the line of s[0, len) that starts at `start`; max_width 0: no wrapping. */
void mc_layout_next_line(const mc_font *fonts, int nfonts, const uint8_t *s, size_t len,
                         size_t start, int size, int32_t max_width, line *out);

/** Lay out the whole text at anchor (0, 0): metrics, the background box and the box of
 * every pixel drawing may touch. The style must have passed mc_text_style_check(). */
void mc_layout_text(const mc_font *fonts, int nfonts, const uint8_t *s, size_t len,
                    const mc_text_style *st, mc_text_metrics *m, rect *bg, rect *box);

/* The width in px of a glyph cell `width` (8 or 16) bits wide at `size`. */
static inline int mc_layout_cell_px(int width, int size)
{
    return width == 16 ? size : (size + 1) / 2;
}

/* The left edge of a line `width` px wide anchored at x. */
static inline int32_t mc_layout_line_left(int32_t x, int32_t width, int align)
{
    if (align == MC_TEXT_ALIGN_CENTER)
        return x - width / 2;
    if (align == MC_TEXT_ALIGN_RIGHT)
        return x - width;
    return x;
}

/* Baseline to baseline, px. */
static inline int32_t mc_layout_line_step(const mc_text_style *st)
{
    return st->line_height > 0 ? st->line_height : (st->size * 5 + 2) / 4;
}

static inline int mc_layout_outline_on(const mc_text_style *st)
{
    return st->outline_width > 0 && (st->outline_color & 255u) != 0;
}

static inline int mc_layout_shadow_on(const mc_text_style *st)
{
    return (st->shadow_x != 0 || st->shadow_y != 0) && (st->shadow_color & 255u) != 0;
}

static inline rect mc_rect_move(rect r, int32_t dx, int32_t dy)
{
    rect o = { r.x0 + dx, r.y0 + dy, r.x1 + dx, r.y1 + dy };
    return o;
}

#endif /* MC_TEXT_LAYOUT_H */
