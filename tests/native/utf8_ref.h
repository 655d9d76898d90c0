/* utf8_ref.h: an independent UTF-8 reference for tests and fuzzers, written from the
 * Unicode Standard's table 3-7 (well-formed byte sequences): the code point at s[*pos], or
 * 0xFFFD for an ill-formed sequence, with *pos past its maximal subpart. */
#ifndef MC_UTF8_REF_H
#define MC_UTF8_REF_H

#include <stddef.h>
#include <stdint.h>

static int utf8_ref_next(const uint8_t *s, size_t len, size_t *pos)
{
    size_t i = *pos;
    uint8_t b = s[i];
    int n, k;
    uint8_t lo = 0x80, hi = 0xBF;
    uint32_t cp;

    if (b <= 0x7F) {
        *pos = i + 1;
        return b;
    }
    if (b >= 0xC2 && b <= 0xDF) n = 2;
    else if (b >= 0xE0 && b <= 0xEF) n = 3;
    else if (b >= 0xF0 && b <= 0xF4) n = 4;
    else {
        *pos = i + 1;
        return 0xFFFD;
    }
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
    cp = b & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (k = 1; k < n; k++) {
        uint8_t c;
        if (i + k >= len) {
            *pos = i + k;
            return 0xFFFD;
        }
        c = s[i + k];
        if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) {
            *pos = i + k;
            return 0xFFFD;
        }
        cp = cp << 6 | (c & 0x3F);
    }
    *pos = i + n;
    return (int)cp;
}

/* Whether the reference reads s[0, n) as one well-formed sequence of exactly n bytes. */
static int utf8_ref_is_one(const uint8_t *s, size_t n)
{
    size_t pos = 0;
    int cp = utf8_ref_next(s, n, &pos);

    return pos == n && (cp != 0xFFFD || (n == 3 && s[0] == 0xEF && s[1] == 0xBF && s[2] == 0xBD));
}

#endif /* MC_UTF8_REF_H */
