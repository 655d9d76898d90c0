/* utf8.c: validating, cutting, decoding and encoding UTF-8 (see utf8.h). */
#include "utf8.h"

#include <string.h>

size_t mc_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t k;

        if (s[i] < 0x80) {
            /* ASCII-heavy text (SDP, JSON, names) spends its time here. */
            while (n - i >= 8) {
                uint64_t w;

                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ull)
                    break;
                i += 8;
            }
            while (i < n && s[i] < 0x80)
                i++;
            continue;
        }
        k = mc_utf8_sequence(s + i, n - i);
        if (k == 0)
            break;
        i += k;
    }
    return i;
}

size_t mc_utf8_prefix(const char *s, size_t n, size_t max)
{
    size_t cut = n;

    if (n > max) {
        cut = max;
        while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
            cut--;
    }
    return cut;
}

/* The length of the maximal subpart of the ill-formed sequence at s[0, n): its lead byte
 * (when it can lead at all) and each following byte that keeps it the start of some
 * well-formed sequence (table 3-7's ranges for the second byte, 80..BF after it). */
static size_t maximal_subpart(const uint8_t *s, size_t n)
{
    unsigned c = s[0], lo, hi;
    size_t need, i;

    if (c < 0xc2 || c > 0xf4)
        return 1;
    need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
    hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
    for (i = 1; i < need && i < n && s[i] >= lo && s[i] <= hi; i++) {
        lo = 0x80;
        hi = 0xbf;
    }
    return i;
}

uint32_t mc_utf8_next(const uint8_t *s, size_t len, size_t *pos)
{
    const uint8_t *p = s + *pos;

    if (p[0] < 0x80) {
        *pos += 1;
        return p[0];
    }
    switch (mc_utf8_sequence(p, len - *pos)) {
    case 2:
        *pos += 2;
        return (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
    case 3:
        *pos += 3;
        return (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
    case 4:
        *pos += 4;
        return (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
               (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
    default:
        *pos += maximal_subpart(p, len - *pos);
        return MC_UTF8_REPLACEMENT;
    }
}

size_t mc_utf8_encode(uint32_t cp, uint8_t out[4])
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        out[0] = (uint8_t)(0xF0 | cp >> 18);
        out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[3] = (uint8_t)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}
