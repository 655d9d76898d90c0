/* fuzz_utf8.c: base/utf8.h against an independent reference written from the Unicode
 * Standard's table 3-7 (well-formed byte sequences, tests/native/utf8_ref.h), on any input:
 *  - mc_utf8_valid stops exactly where the reference first meets an ill-formed sequence,
 *    and mc_utf8_sequence accepts exactly the sequences the reference decodes;
 *  - mc_utf8_next always makes progress and never reads past the end;
 *  - it yields exactly the reference's code points, U+FFFD for each maximal subpart;
 *  - re-encoding what it yields and decoding again gives the same code points. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../native/utf8_ref.h"
#include "base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly `size` bytes, so ASan sees any read past the end. */
    uint8_t *s = malloc(size ? size : 1), *re = malloc(size * 4 + 1);
    uint32_t *cps = malloc((size + 1) * sizeof(uint32_t));
    size_t pos = 0, rpos = 0, n = 0, relen = 0, i;

    memcpy(s, data, size);
    {
        size_t valid = mc_utf8_valid(s, size), at = 0;

        while (at < size) {
            size_t before = at, k = mc_utf8_sequence(s + at, size - at);

            utf8_ref_next(s, size, &at);
            if (k != 0 ? (k != at - before || !utf8_ref_is_one(s + before, k))
                       : utf8_ref_is_one(s + before, at - before))
                abort();
            if (k == 0) {
                at = before;
                break;
            }
        }
        if (valid != at)
            abort();
    }
    while (pos < size) {
        size_t before = pos;
        uint32_t cp = mc_utf8_next(s, size, &pos);
        int want = utf8_ref_next(s, size, &rpos);
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
