/* fuzz_font.c: the font reader on hostile bytes. Input byte 0 chooses the mode:
 *  even: the rest is taken as a font block as it is;
 *  odd:  the rest describes a font (code points, widths, marks, bitmap bytes), which is
 *        assembled into a valid block and then damaged at input-chosen places, so the
 *        fuzzer reaches deep into the checks and the lookups without any real glyphs.
 * Whatever mc_font_open() accepts must then be safe to read for every code point, and to
 * draw with (ASan and UBSan watch). The assembled blocks contain no real glyphs: no font
 * data is committed, not even in the seeds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mediacore/font.h"
#include "mediacore/text.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Assemble a valid block from a description; returns its size (the caller frees *out). */
static size_t assemble(const uint8_t *d, size_t n, uint8_t **out)
{
    uint32_t present[2048] = { 0 }, wide[2048] = { 0 }, gb = 0, wb = 0, glyphs = 0, nwide = 0;
    uint32_t marks[64], nmarks = 0, b, cp, i;
    size_t pos = 0, total, off;
    uint8_t *blk;

    /* Pairs of bytes pick code points (up to 200), a third byte its width and mark flag. */
    while (pos + 3 <= n && glyphs < 200) {
        cp = (uint32_t)d[pos] << 8 | d[pos + 1];
        if (!(present[cp >> 5] >> (cp & 31) & 1)) {
            present[cp >> 5] |= 1u << (cp & 31);
            glyphs++;
            if (d[pos + 2] & 1) {
                wide[cp >> 5] |= 1u << (cp & 31);
                nwide++;
            }
        }
        pos += 3;
    }
    /* Marks: present code points in ascending order, chosen by the input. */
    for (cp = 0; cp < 65536 && nmarks < 64; cp++)
        if ((present[cp >> 5] >> (cp & 31) & 1) && n > 0 && (d[cp % n] & 0x80))
            marks[nmarks++] = cp;
    total = MC_FONT_HEADER_SIZE + 4 * nmarks + 16 * glyphs + 16 * nwide;
    blk = calloc(1, total);
    memcpy(blk, "MCFB", 4);
    blk[4] = 1;
    blk[6] = 16;
    put32(blk + 8, glyphs);
    put32(blk + 12, nwide);
    put32(blk + 16, nmarks);
    put32(blk + 20, (uint32_t)total);
    for (i = 0; i < 2048; i++) {
        put32(blk + 32 + 4 * i, present[i]);
        put32(blk + 8224 + 4 * i, wide[i]);
    }
    for (b = 0; b < 256; b++) {
        put32(blk + 16416 + 4 * b, gb);
        put32(blk + 17440 + 4 * b, wb);
        for (i = b * 8; i < b * 8 + 8; i++) {
            gb += (uint32_t)__builtin_popcount(present[i]);
            wb += (uint32_t)__builtin_popcount(wide[i]);
        }
    }
    off = MC_FONT_HEADER_SIZE;
    for (i = 0; i < nmarks; i++, off += 4) {
        blk[off] = (uint8_t)marks[i];
        blk[off + 1] = (uint8_t)(marks[i] >> 8);
        blk[off + 2] = (uint8_t)(-(int)(d[i % n] % 17));
    }
    for (; off < total; off++)
        blk[off] = n ? d[off % n] : 0;
    /* Damage: the input's tail names (offset, xor) pairs. */
    for (i = 0; i < 4 && pos + 4 <= n; i++, pos += 4) {
        size_t at = ((size_t)d[pos] << 16 | (size_t)d[pos + 1] << 8 | d[pos + 2]) % total;
        blk[at] ^= d[pos + 3];
    }
    *out = blk;
    return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *blk;
    size_t n;
    mc_font font;
    mc_glyph g;
    uint32_t cp, sum = 0;

    if (size < 1)
        return 0;
    if (data[0] & 1) {
        n = assemble(data + 1, size - 1, &blk);
    } else {
        n = size - 1;
        blk = malloc(n ? n : 1);
        memcpy(blk, data + 1, n);
    }
    if (mc_font_open(&font, blk, n) == MC_OK) {
        for (cp = 0; cp <= 0x10000; cp++) {
            if (mc_font_glyph(&font, cp, &g)) {
                int r;
                if (g.width != 8 && g.width != 16)
                    abort();
                for (r = 0; r < 16 * g.width / 8; r++)
                    sum += g.bits[r];
            }
        }
        if (data[size - 1] % 8 == 0) {
            /* Draw with this font alone, in a new handle (costly: one input in eight). */
            mc_text *u = NULL;
            mc_text_config cfg;
            mc_text_style st;
            uint8_t px[32 * 24 * 4];
            mc_frame f;
            mc_text_config_default(&cfg);
            cfg.cache_bytes = MC_TEXT_MIN_CACHE;
            cfg.builtin_font = 0;
            if (mc_text_create(&cfg, &u) != MC_OK || mc_text_add_font(u, blk, n) != MC_OK)
                abort();
            mc_text_style_default(&st);
            st.size = 20;
            st.outline_width = 1;
            memset(px, 0, sizeof(px));
            mc_frame_wrap(&f, px, sizeof(px), 32, 24, 0);
            if (mc_text_draw(u, &f, -3, -2, (const char *)data + 1, size - 1 > 64 ? 64 : size - 1, &st) != MC_OK)
                abort();
            mc_text_destroy(u);
        }
    }
    free(blk);
    return (int)(sum & 0);
}
