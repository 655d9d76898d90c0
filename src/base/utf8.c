/* utf8.c: the decoder of the WHATWG Encoding Standard's UTF-8 decoder, one code point at
 * a time (see utf8.h). */
#include "utf8.h"

uint32_t mc_utf8_next(const uint8_t *s, size_t len, size_t *pos)
{
    size_t i = *pos;
    uint32_t b = s[i++], cp, need, lower = 0x80, upper = 0xBF;

    if (b < 0x80) {
        *pos = i;
        return b;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        cp = b & 0x0F;
        if (b == 0xE0)
            lower = 0xA0;        /* no overlong 3-byte forms */
        else if (b == 0xED)
            upper = 0x9F;        /* no surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        cp = b & 0x07;
        if (b == 0xF0)
            lower = 0x90;        /* no overlong 4-byte forms */
        else if (b == 0xF4)
            upper = 0x8F;        /* nothing above U+10FFFF */
    } else {
        *pos = i;                /* a continuation byte or C0, C1, F5..FF: never a lead */
        return MC_UTF8_REPLACEMENT;
    }
    while (need > 0) {
        uint32_t c;
        if (i >= len) {
            *pos = i;            /* truncated: the whole partial sequence is one subpart */
            return MC_UTF8_REPLACEMENT;
        }
        c = s[i];
        if (c < lower || c > upper) {
            *pos = i;            /* this byte starts the next sequence */
            return MC_UTF8_REPLACEMENT;
        }
        lower = 0x80;
        upper = 0xBF;
        cp = cp << 6 | (c & 0x3F);
        i++;
        need--;
    }
    *pos = i;
    return cp;
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
