/* font.c: validate and read MCFB bitmap fonts in place (format in font.h). */
#include "mediacore/font.h"

#include <string.h>

#define OFF_PRESENT 32u
#define OFF_WIDE 8224u
#define OFF_GLYPH_BASE 16416u
#define OFF_WIDE_BASE 17440u

/* Unaligned little-endian loads: a loaded font may sit at any address. */
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t popcount32(uint32_t x)
{
    return (uint32_t)__builtin_popcount(x);
}

/* Bits set in block `b` (256 code points = 8 words) of the bitmap at `off`, below bit `bit`. */
static uint32_t count_below(const uint8_t *data, uint32_t off, uint32_t cp)
{
    uint32_t first = (cp >> 8) * 8u, word = cp >> 5, n = 0, w;
    for (w = first; w < word; w++)
        n += popcount32(rd32(data + off + 4 * w));
    n += popcount32(rd32(data + off + 4 * word) & ((1u << (cp & 31)) - 1u));
    return n;
}

static int bit_set(const uint8_t *data, uint32_t off, uint32_t cp)
{
    return (rd32(data + off + 4 * (cp >> 5)) >> (cp & 31)) & 1u;
}

int mc_font_open(mc_font *font, const uint8_t *data, size_t size)
{
    uint32_t n, w, m, total, b, i, glyphs = 0, wide = 0, prev = 0;

    if (font == NULL || data == NULL)
        return MC_EINVAL;
    memset(font, 0, sizeof(*font));
    if (size < MC_FONT_HEADER_SIZE || memcmp(data, "MCFB", 4) != 0 || rd16(data + 4) != 1 ||
        rd16(data + 6) != MC_FONT_CELL_HEIGHT || rd32(data + 24) != 0 || rd32(data + 28) != 0)
        return MC_EFORMAT;
    n = rd32(data + 8);
    w = rd32(data + 12);
    m = rd32(data + 16);
    total = rd32(data + 20);
    if (n > 65536u || w > n || m > n)
        return MC_EFORMAT;
    /* With the limits above this cannot overflow 32 bits. */
    if ((uint64_t)total != (uint64_t)size ||
        total != MC_FONT_HEADER_SIZE + 4u * m + 16u * n + 16u * w)
        return MC_EFORMAT;
    for (b = 0; b < 256; b++) {
        if (rd32(data + OFF_GLYPH_BASE + 4 * b) != glyphs || rd32(data + OFF_WIDE_BASE + 4 * b) != wide)
            return MC_EFORMAT;
        for (i = b * 8; i < b * 8 + 8; i++) {
            uint32_t p = rd32(data + OFF_PRESENT + 4 * i), q = rd32(data + OFF_WIDE + 4 * i);
            if ((q & ~p) != 0)
                return MC_EFORMAT;   /* wide but absent */
            glyphs += popcount32(p);
            wide += popcount32(q);
        }
    }
    if (glyphs != n || wide != w)
        return MC_EFORMAT;
    for (i = 0; i < m; i++) {
        const uint8_t *rec = data + MC_FONT_HEADER_SIZE + 4 * i;
        uint32_t cp = rd16(rec);
        int8_t dx = (int8_t)rec[2];
        if ((i > 0 && cp <= prev) || dx > 0 || dx < -16 || rec[3] != 0 || !bit_set(data, OFF_PRESENT, cp))
            return MC_EFORMAT;
        prev = cp;
    }
    font->data = data;
    font->size = size;
    font->glyphs = n;
    font->wide = w;
    font->marks = m;
    return MC_OK;
}

int mc_font_has(const mc_font *font, uint32_t cp)
{
    if (font == NULL || font->data == NULL || cp > 0xFFFFu)
        return 0;
    return bit_set(font->data, OFF_PRESENT, cp);
}

/* The mark offset for cp, or 1 when cp is not a mark (offsets are <= 0). */
static int mark_offset(const mc_font *font, uint32_t cp)
{
    uint32_t lo = 0, hi = font->marks;
    const uint8_t *recs = font->data + MC_FONT_HEADER_SIZE;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, c = rd16(recs + 4 * mid);
        if (c == cp)
            return (int8_t)recs[4 * mid + 2];
        if (c < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 1;
}

int mc_font_glyph(const mc_font *font, uint32_t cp, mc_glyph *glyph)
{
    const uint8_t *d;
    uint32_t index, wide_before, block;
    int off;

    if (!mc_font_has(font, cp) || glyph == NULL)
        return 0;
    d = font->data;
    block = cp >> 8;
    index = rd32(d + OFF_GLYPH_BASE + 4 * block) + count_below(d, OFF_PRESENT, cp);
    wide_before = rd32(d + OFF_WIDE_BASE + 4 * block) + count_below(d, OFF_WIDE, cp);
    glyph->bits = d + MC_FONT_HEADER_SIZE + 4u * font->marks + 16u * index + 16u * wide_before;
    glyph->width = bit_set(d, OFF_WIDE, cp) ? 16 : 8;
    off = font->marks ? mark_offset(font, cp) : 1;
    glyph->is_mark = off <= 0;
    glyph->mark_offset = off <= 0 ? off : 0;
    return 1;
}
