/* utf8_native.c: UTF-8 validation, the three validators mediacore had side by side
 * (BENCHMARKS.md, "UTF-8 validation"), and the decoder text.c uses, before and after.
 *
 *   clang -std=gnu11 -O3 -Isrc tools/bench/utf8_native.c src/base/utf8.c -o /tmp/utf8_native
 *   /tmp/utf8_native [rounds]
 *
 * Validators (each returns the length of the well-formed prefix of a buffer):
 *   A  the decoder of src/base/utf8.c before it became the one validator (a copy below),
 *      looping until it returns U+FFFD for anything but the bytes EF BF BD;
 *   B  mc_utf8_seq of src/transfer/chunk_wire.c (a copy below): decode, then check the
 *      value for overlongs, surrogates and the upper limit;
 *   C  utf8_sequence of src/signal/mc_signal.c, now mc_utf8_sequence in src/base/utf8.h:
 *      the second byte's range checked per lead byte, no value built;
 *   V  mc_utf8_valid: C with runs of ASCII taken 8 bytes at a time.
 * Decoders (sum of the code points): "next old" (A's decoder) and "next" (mc_utf8_next).
 *
 * Text: ASCII-heavy (English and SDP lines, a few accented letters), mixed (Latin, Cyrillic,
 * euro signs, emoji with spaces), CJK (3-byte characters only), each at about 64 B, 1 KiB
 * and 64 KiB, repeated to about 4 MiB a timing. Rounds interleave the variants (a rotating
 * start), the first 3 are dropped; medians in ns per byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/utf8.h"

/* A: src/base/utf8.c's mc_utf8_next as it was. */
static uint32_t old_next(const uint8_t *s, size_t len, size_t *pos)
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
            lower = 0xA0;
        else if (b == 0xED)
            upper = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        cp = b & 0x07;
        if (b == 0xF0)
            lower = 0x90;
        else if (b == 0xF4)
            upper = 0x8F;
    } else {
        *pos = i;
        return 0xFFFD;
    }
    while (need > 0) {
        uint32_t c;
        if (i >= len) {
            *pos = i;
            return 0xFFFD;
        }
        c = s[i];
        if (c < lower || c > upper) {
            *pos = i;
            return 0xFFFD;
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

static size_t valid_a(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t p = i;
        uint32_t cp = old_next(s, n, &p);

        if (cp == 0xFFFD && !(p - i == 3 && s[i] == 0xEF))
            break;
        i = p;
    }
    return i;
}

/* B: src/transfer/chunk_wire.c's mc_utf8_seq as it was. */
static size_t old_seq(const unsigned char *s, size_t n)
{
    size_t len, i;
    uint32_t cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static size_t valid_b(const uint8_t *s, size_t n)
{
    size_t i = 0, k;

    while (i < n && (k = old_seq(s + i, n - i)) != 0)
        i += k;
    return i;
}

/* C: the kept check, one sequence at a time, as mc_signal.c's prescan used it. */
static size_t valid_c(const uint8_t *s, size_t n)
{
    size_t i = 0, k;

    while (i < n) {
        if (s[i] < 0x80) {
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

/* Not inlined: text.c calls the decoder in another file, and so does this program
 * (mc_utf8_next, in utf8.c). */
__attribute__((noinline)) static uint32_t old_next_call(const uint8_t *s, size_t len, size_t *pos)
{
    return old_next(s, len, pos);
}

static size_t decode_old(const uint8_t *s, size_t n)
{
    size_t pos = 0, sum = 0;

    while (pos < n)
        sum += old_next_call(s, n, &pos);
    return sum;
}

static size_t decode_new(const uint8_t *s, size_t n)
{
    size_t pos = 0, sum = 0;

    while (pos < n)
        sum += mc_utf8_next(s, n, &pos);
    return sum;
}

#define NV 6
static const char *const names[NV] = { "A", "B", "C", "V", "next old", "next" };
static size_t (*const fns[NV])(const uint8_t *, size_t) = {
    valid_a, valid_b, valid_c, mc_utf8_valid, decode_old, decode_new,
};

static double now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    static const char *const pieces[3][4] = {
        { "The quick brown fox jumps over the lazy dog, again and again; ", "caf\xc3\xa9 ",
          "v=0 o=- 4611731400430051336 2 IN IP4 127.0.0.1 s=- t=0 0 ",
          "a=candidate:842163049 1 udp 1677729535 192.0.2.2 50006 typ srflx " },
        { "Gr\xc3\xbc\xc3\x9f" "e ", "\xe2\x82\xac" "5 ", "\xf0\x9f\x98\x80 ",
          "na\xc3\xafve r\xc3\xa9sum\xc3\xa9 \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 " },
        { "\xe4\xbd\xa0\xe5\xa5\xbd", "\xe4\xb8\x96\xe7\x95\x8c",
          "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97\xe5\xb9\x95",
          "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf" },
    };
    static const char *const kinds[3] = { "ascii", "mixed", "cjk" };
    static const size_t sizes[3] = { 64, 1024, 65536 };
    int rounds = argc > 1 ? atoi(argv[1]) : 31, k, z, r, v;
    double *t = malloc(sizeof(double) * NV * (size_t)(rounds > 0 ? rounds : 1));
    volatile size_t sink = 0;

    if (rounds < 1 || t == NULL)
        return 2;
    printf("| text | bytes |");
    for (v = 0; v < NV; v++)
        printf(" %s ns/B |", names[v]);
    printf(" A / C | B / C | C / V | next old / next |\n|---|---:|");
    for (v = 0; v < NV + 4; v++)
        printf("---:|");
    printf("\n");
    for (k = 0; k < 3; k++) {
        for (z = 0; z < 3; z++) {
            size_t n = 0, reps;
            unsigned seed = 1;
            uint8_t *buf = malloc(sizes[z]);
            double m[NV];

            for (;;) {
                const char *p;
                size_t l;

                seed = seed * 1103515245u + 12345u;
                p = pieces[k][seed >> 16 & 3];
                l = strlen(p);
                if (n + l > sizes[z])
                    break;
                memcpy(buf + n, p, l);
                n += l;
            }
            for (v = 0; v < 4; v++) {
                if (fns[v](buf, n) != n) {
                    fprintf(stderr, "%s rejects the %s text\n", names[v], kinds[k]);
                    return 1;
                }
            }
            if (decode_old(buf, n) != decode_new(buf, n)) {
                fprintf(stderr, "the decoders disagree on the %s text\n", kinds[k]);
                return 1;
            }
            reps = ((size_t)4 << 20) / n;
            for (r = 0; r < rounds + 3; r++) {
                int v0;

                for (v0 = 0; v0 < NV; v0++) {
                    double t0;
                    size_t j;

                    v = (v0 + r) % NV;
                    t0 = now_ns();
                    for (j = 0; j < reps; j++)
                        sink += fns[v](buf, n);
                    if (r >= 3)
                        t[v * rounds + r - 3] = (now_ns() - t0) / ((double)reps * (double)n);
                }
            }
            printf("| %s | %zu |", kinds[k], n);
            for (v = 0; v < NV; v++) {
                qsort(t + v * rounds, (size_t)rounds, sizeof(double), cmp);
                m[v] = t[v * rounds + rounds / 2];
                printf(" %.3f |", m[v]);
            }
            printf(" %.2f | %.2f | %.2f | %.2f |\n", m[0] / m[2], m[1] / m[2], m[2] / m[3], m[4] / m[5]);
            free(buf);
        }
    }
    free(t);
    return (int)(sink & 0);
}
