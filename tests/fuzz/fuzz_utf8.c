/* fuzz_utf8.c: the UTF-8 decoder against an independent reference written from the
 * Unicode Standard's table 3-7 (well-formed byte sequences), on any input:
 *  - it always makes progress and never reads past the end;
 *  - it yields exactly the reference's code points, U+FFFD for each maximal subpart;
 *  - re-encoding what it yields and decoding again gives the same code points. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* Table 3-7: the second byte's range for each lead byte; later bytes are 80..BF. */
static int ref_next(const uint8_t *s, size_t len, size_t *pos)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly `size` bytes, so ASan sees any read past the end. */
    uint8_t *s = malloc(size ? size : 1), *re = malloc(size * 4 + 1);
    uint32_t *cps = malloc((size + 1) * sizeof(uint32_t));
    size_t pos = 0, rpos = 0, n = 0, relen = 0, i;

    memcpy(s, data, size);
    while (pos < size) {
        size_t before = pos;
        uint32_t cp = mc_utf8_next(s, size, &pos);
        int want = ref_next(s, size, &rpos);
        if (pos <= before || pos > size || pos != rpos || (int)cp != want)
            abort();
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            abort();
        cps[n++] = cp;
    }
    for (i = 0; i < n; i++) {
        size_t k = mc_utf8_encode(cps[i], re + relen);
        if (k == 0)
            abort();
        relen += k;
    }
    pos = 0;
    for (i = 0; i < n; i++) {
        if (pos >= relen || mc_utf8_next(re, relen, &pos) != cps[i])
            abort();
    }
    if (pos != relen)
        abort();
    free(s);
    free(re);
    free(cps);
    return 0;
}
