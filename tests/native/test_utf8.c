/* test_utf8.c: base/utf8.h, the one UTF-8 validator, against every vector its three
 * former users tested (text.c's decoder, chunk_wire.c's file names, mc_signal.c's
 * "bad-utf8" messages) and, exhaustively over every sequence of up to three bytes and
 * every 4-byte lead with every second and third byte, against an independent reference
 * (utf8_ref.h, from the Unicode Standard's table 3-7). */
#include <stdint.h>
#include <string.h>

#include "base/utf8.h"
#include "mc_test.h"
#include "utf8_ref.h"

/* Checks mc_utf8_sequence, mc_utf8_valid and mc_utf8_next on s[0, n) against the reference;
 * returns the number of disagreements. */
static long differ(const uint8_t *s, size_t n)
{
    size_t at = 0, valid = n, pos = 0;
    long bad = 0;
    int seen_bad = 0;

    while (at < n) {
        size_t before = at, k = mc_utf8_sequence(s + at, n - at), npos = pos;
        int want = utf8_ref_next(s, n, &at);
        uint32_t got = mc_utf8_next(s, n, &npos);

        bad += npos != at || got != (uint32_t)want;
        pos = npos;
        if (k != 0)
            bad += k != at - before || !utf8_ref_is_one(s + before, k);
        else
            bad += utf8_ref_is_one(s + before, at - before);
        if (k == 0 && !seen_bad) {
            valid = before;
            seen_bad = 1;
        }
    }
    bad += mc_utf8_valid(s, n) != valid;
    return bad;
}

static void test_exhaustive(void)
{
    uint8_t s[4];
    long bad = 0;
    unsigned a, b, c, d;

    for (a = 0; a < 256; a++) {
        s[0] = (uint8_t)a;
        bad += differ(s, 1);
        for (b = 0; b < 256; b++) {
            s[1] = (uint8_t)b;
            bad += differ(s, 2);
            for (c = 0; c < 256; c++) {
                s[2] = (uint8_t)c;
                bad += differ(s, 3);
            }
        }
    }
    /* Four bytes: every lead from F0 with every second and third byte; the fourth byte
     * at the edges of the continuation range and just outside it. */
    for (a = 0xF0; a < 0x100; a++) {
        for (b = 0; b < 256; b++) {
            for (c = 0; c < 256; c++) {
                static const uint8_t fourth[] = { 0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF };
                for (d = 0; d < sizeof(fourth); d++) {
                    s[0] = (uint8_t)a;
                    s[1] = (uint8_t)b;
                    s[2] = (uint8_t)c;
                    s[3] = fourth[d];
                    bad += differ(s, 4);
                }
            }
        }
    }
    MC_CHECK_EQ(bad, 0);
}

/* The vectors of the three former validators' suites, as well-formed or not, plus where
 * a whole buffer stops being UTF-8. */
static void test_vectors(void)
{
    static const struct {
        const char *in;
        size_t len, valid;   /* mc_utf8_valid */
    } cases[] = {
        /* test_text.c */
        { "a", 1, 1 },
        { "\xC3\xA9", 2, 2 },
        { "\xE4\xBD\xA0", 3, 3 },
        { "\xF0\x9F\x98\x80", 4, 4 },
        { "\xF4\x8F\xBF\xBF", 4, 4 },
        { "\xEF\xBF\xBD", 3, 3 },
        { "\x00", 1, 1 },
        { "\x80", 1, 0 },
        { "\xC3", 1, 0 },
        { "\xE4\xBD", 2, 0 },
        { "\xE4\xBD" "a", 3, 0 },
        { "\xC0\xAF", 2, 0 },
        { "\xE0\x80\xAF", 3, 0 },
        { "\xED\xA0\x80", 3, 0 },
        { "\xF4\x90\x80\x80", 4, 0 },
        { "\xF5\x80", 2, 0 },
        { "\xF0\x9F\x98", 3, 0 },
        { "\xFF\xFE", 2, 0 },
        { "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", 13, 1 },
        /* test_chunk.c's file names */
        { "bad\xff\xfeutf8", 9, 3 },
        { "caf\xc3\xa9 \xe2\x82\xac.txt", 13, 13 },
        { "\xed\xa0\x80surrogate", 12, 0 },
        { "\xc0\xafoverlong", 10, 0 },
        /* test_signal.c's bad-utf8 messages */
        { "{\"type\":\"\xff\"}", 12, 9 },
        { "{\"type\":\"\xc0\xaf\"}", 13, 9 },
        { "{\"type\":\"\xed\xa0\x80\"}", 14, 9 },
        { "{\"type\":\"\xe2\x82\"}", 13, 9 },
        { "{\"type\":\"\xf4\x90\x80\x80\"}", 15, 9 },
        { "{\"a\":\"\x80\"}", 9, 6 },
        /* The ASCII fast path: a bad byte at every offset of a 24-byte run. */
        { "abcdefghijklmnopqrstuvw\x80", 24, 23 },
        { "abcdefgh\x80ijklmnopqrstuvw", 24, 8 },
        { "abcdefg\xC3\xA9hijklmnopqrstu\xC3", 24, 23 },
    };
    size_t i, k;
    char buf[32];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        MC_CHECK_EQ(mc_utf8_valid((const uint8_t *)cases[i].in, cases[i].len), cases[i].valid);
        MC_CHECK_EQ(differ((const uint8_t *)cases[i].in, cases[i].len), 0);
    }
    /* Every offset of a bad byte in ASCII around the 8-byte steps. */
    for (k = 0; k < sizeof(buf); k++) {
        memset(buf, 'x', sizeof(buf));
        buf[k] = (char)0xFF;
        MC_CHECK_EQ(mc_utf8_valid((const uint8_t *)buf, sizeof(buf)), k);
    }
    MC_CHECK_EQ(mc_utf8_valid((const uint8_t *)"", 0), 0);
}

static void test_prefix(void)
{
    static const char s[] = "a\xC3\xA9\xE4\xBD\xA0\xF0\x9F\x98\x80";   /* 1 + 2 + 3 + 4 bytes */
    static const size_t want[] = { 0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 10 };
    size_t max;

    for (max = 0; max < sizeof(want) / sizeof(want[0]); max++)
        MC_CHECK_EQ(mc_utf8_prefix(s, 10, max), want[max]);
}

int main(void)
{
    MC_RUN_TEST(test_vectors);
    MC_RUN_TEST(test_prefix);
    MC_RUN_TEST(test_exhaustive);
    return mc_test_finish();
}
