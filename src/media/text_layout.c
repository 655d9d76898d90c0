/* text_layout.c: text layout (see text_layout.h): characters decoded from UTF-8 and
 * classified, matched to glyphs, placed along a line, lines broken and aligned. */
#include "text_layout.h"

#include <string.h>

#include "base/utf8.h"

/* The missing-glyph boxes: a rectangle inside the cell, in the font's bit layout. */
static const uint8_t box_narrow[16] = {
    0x00, 0x00, 0x7E, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x7E, 0x00, 0x00
};
static const uint8_t box_wide[32] = {
    0x00, 0x00, 0x00, 0x00, 0x7F, 0xFE, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02,
    0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x02, 0x7F, 0xFE, 0x00, 0x00, 0x00, 0x00
};

/* ---- characters ------------------------------------------------------------------ */

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
static void find_glyph(const mc_font *fonts, int nfonts, uint32_t c, int size, item *it)
{
    mc_glyph g;
    int i;
    for (i = 0; i < nfonts; i++) {
        if (mc_font_glyph(&fonts[i], c, &g)) {
            it->src.key = c;
            it->src.bits = g.bits;
            it->src.width = g.width;
            it->cell = mc_layout_cell_px(g.width, size);
            it->is_mark = g.is_mark;
            it->mark_dx = g.is_mark ? -((-g.mark_offset * size + 8) / 16) : 0;
            it->adv = g.is_mark ? 0 : it->cell;
            return;
        }
    }
    it->src.width = is_wide(c) ? 16 : 8;
    it->src.key = MC_LAYOUT_KEY_BOX + (it->src.width == 16);
    it->src.bits = it->src.width == 16 ? box_wide : box_narrow;
    it->cell = mc_layout_cell_px(it->src.width, size);
    it->is_mark = 0;
    it->mark_dx = 0;
    it->adv = it->cell;
}

/* Decode and classify the character at s[*pos], advancing *pos. */
static void read_item(const mc_font *fonts, int nfonts, const uint8_t *s, size_t end, size_t *pos,
                      int size, item *it)
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
        find_glyph(fonts, nfonts, c, size, it);
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

void mc_layout_walker_init(walker *w, const mc_font *fonts, int nfonts, const uint8_t *s,
                           size_t start, size_t end, int size)
{
    memset(w, 0, sizeof(*w));
    w->fonts = fonts;
    w->nfonts = nfonts;
    w->s = s;
    w->pos = start;
    w->end = end;
    w->size = size;
    w->tab = 4 * ((size + 1) / 2);
}

/* Place the next character; 0 at the end of the range. IT_BREAK is returned unplaced. */
int mc_layout_walk(walker *w, placed *p)
{
    for (;;) {
        if (w->pos >= w->end)
            return 0;
        p->start = w->pos;
        read_item(w->fonts, w->nfonts, w->s, w->end, &w->pos, w->size, &p->it);
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

/* Break the line starting at `start` (text_layout.h). */
void mc_layout_next_line(const mc_font *fonts, int nfonts, const uint8_t *s, size_t len,
                         size_t start, int size, int32_t max_width, line *out)
{
    walker w;
    placed p;
    size_t brk = 0;
    int32_t brk_width = 0;
    int have_brk = 0;

    mc_layout_walker_init(&w, fonts, nfonts, s, start, len, size);
    out->start = start;
    for (;;) {
        int visible_before = w.visible;
        if (!mc_layout_walk(&w, &p)) {
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

static rect rect_grow(rect r, int32_t by)
{
    rect o = { r.x0 - by, r.y0 - by, r.x1 + by, r.y1 + by };
    return o;
}

/* Lay out the whole text at anchor (0, 0) (text_layout.h). */
void mc_layout_text(const mc_font *fonts, int nfonts, const uint8_t *s, size_t len,
                    const mc_text_style *st, mc_text_metrics *m, rect *bg, rect *box)
{
    rect empty = { 0, 0, 0, 0 }, ink;
    int32_t left = 0, right = 0;
    size_t pos = 0;
    line ln;

    memset(m, 0, sizeof(*m));
    m->line_height = mc_layout_line_step(st);
    *bg = empty;
    *box = empty;
    if (len == 0)
        return;
    for (;;) {
        int32_t lx;
        mc_layout_next_line(fonts, nfonts, s, len, pos, st->size, st->max_width, &ln);
        lx = mc_layout_line_left(0, ln.width, st->align);
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
        if (mc_layout_outline_on(st)) {
            effect = rect_grow(ink, st->outline_width);
            *box = rect_union(*box, effect);
        }
        if (mc_layout_shadow_on(st))
            *box = rect_union(*box, mc_rect_move(effect, st->shadow_x, st->shadow_y));
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
