/* fuzz_base64.c: libFuzzer target for the Base64 decoder (and encoder).
 *
 * The first byte picks the flags and a split step; the rest is the text. Checks:
 * the SIMD and scalar paths agree on result, bytes and error offset; streaming in pieces
 * agrees with one-shot; a strict success re-encodes to the same text; and encoding the
 * raw input decodes back to it. Any disagreement aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mediacore/base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n, cap, wa = 0, wb = 0, oa = 0, ob = 0, i, o, w, off;
    uint8_t *a, *b, *c;
    char *text;
    int flags, ra, rb, step, rc;
    mc_base64_decoder dec;

    if (size < 1)
        return 0;
    flags = data[0] & (MC_BASE64_URL | MC_BASE64_NOPAD | MC_BASE64_FORGIVING);
    step = (data[0] >> 3) + 1;
    data++;
    n = size - 1;
    cap = mc_base64_decoded_max(n);
    a = malloc(cap + 1);
    b = malloc(cap + 1);
    c = malloc(cap + 1);
    check(a && b && c);

    ra = mc_base64_decode((const char *)data, n, a, cap, &wa, &oa, flags);
    rb = mc_base64_decode((const char *)data, n, b, cap, &wb, &ob, flags | MC_BASE64_SCALAR);
    check(ra == rb);
    check(ra == MC_OK || ra == MC_EFORMAT);
    if (ra == MC_OK)
        check(wa == wb && memcmp(a, b, wa) == 0);
    else
        check(oa == ob && oa <= n);

    /* Streaming in pieces of `step` characters. */
    mc_base64_decoder_init(&dec, flags);
    rc = MC_OK;
    off = (size_t)-1;
    for (i = 0, o = 0; i < n && rc == MC_OK; i += (size_t)step) {
        size_t k = n - i < (size_t)step ? n - i : (size_t)step;
        rc = mc_base64_decoder_update(&dec, (const char *)data + i, k, c + o, cap - o, &w, &off);
        o += w;
    }
    if (rc == MC_OK) {
        rc = mc_base64_decoder_final(&dec, c + o, cap - o + 1, &w, &off);
        o += w;
    }
    check(rc == ra);
    if (rc == MC_OK)
        check(o == wa && memcmp(c, a, o) == 0);
    else
        check(off == oa);

    /* A strict, padded success is the canonical encoding: it re-encodes to itself. */
    if (ra == MC_OK && flags == 0) {
        size_t tn = mc_base64_encoded_length(wa, 0);
        text = malloc(tn + 1);
        check(text != NULL);
        check(mc_base64_encode(a, wa, text, tn, &w, 0) == MC_OK);
        check(w == n && memcmp(text, data, n) == 0);
        free(text);
    }

    /* Encoding the raw input round-trips, with both paths. */
    {
        int ef = flags & (MC_BASE64_URL | MC_BASE64_NOPAD);
        size_t tn = mc_base64_encoded_length(n, ef);
        char *t1 = malloc(tn + 1), *t2 = malloc(tn + 1);
        uint8_t *back = malloc(mc_base64_decoded_max(tn) + 1);
        check(t1 && t2 && back);
        check(mc_base64_encode(data, n, t1, tn, &w, ef) == MC_OK && w == tn);
        check(mc_base64_encode(data, n, t2, tn, &w, ef | MC_BASE64_SCALAR) == MC_OK);
        check(memcmp(t1, t2, tn) == 0);
        check(mc_base64_decode(t1, tn, back, mc_base64_decoded_max(tn), &w, NULL, ef) == MC_OK);
        check(w == n && memcmp(back, data, n) == 0);
        free(t1);
        free(t2);
        free(back);
    }
    free(a);
    free(b);
    free(c);
    return 0;
}
