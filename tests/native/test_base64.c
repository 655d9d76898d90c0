/* test_base64.c: Base64 against the RFC 4648 vectors, an independent reference decoder,
 * and the SIMD path against the scalar path (output, result code and error offset) on
 * every byte value at every position of a block, random round trips of many sizes and
 * flag sets, streaming in random pieces, and each invalid form with its offset. */
#include <stdint.h>
#include <string.h>

#include "mediacore/base64.h"
#include "mc_test.h"

#define ALL_DECODE_FLAGS 8   /* URL x NOPAD x FORGIVING */

static const char *const std_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char *const url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* ---- An independent reference decoder: validity and bytes, written from RFC 4648 and
 * the WHATWG forgiving-base64 algorithm, in a different style from base64.c. */
static int ref_value(char c, int flags)
{
    const char *a = (flags & MC_BASE64_URL) ? url_alphabet : std_alphabet;
    const char *p = c ? strchr(a, c) : NULL;
    return p ? (int)(p - a) : -1;
}

static int ref_is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Returns 1 and fills out/outlen when valid, 0 when invalid. */
static int ref_decode(const char *src, size_t n, int flags, uint8_t *out, size_t *outlen)
{
    static char t[1 << 16];
    size_t m = 0, p, i, data, pads;
    uint32_t acc = 0;
    int bits = 0;

    if (n > sizeof(t))
        return -1;
    for (i = 0; i < n; i++) {
        if ((flags & MC_BASE64_FORGIVING) && ref_is_ws(src[i]))
            continue;
        if (src[i] != '=' && ref_value(src[i], flags) < 0)
            return 0;
        t[m++] = src[i];
    }
    for (p = 0; p < m && t[p] != '='; p++)
        ;
    data = p;
    pads = m - p;
    for (i = p; i < m; i++)
        if (t[i] != '=')
            return 0;
    if (pads > 0) {
        if (data % 4 < 2 || pads != 4 - data % 4)
            return 0;
    } else if (data % 4 == 1) {
        return 0;
    } else if (data % 4 != 0 && !(flags & (MC_BASE64_NOPAD | MC_BASE64_FORGIVING))) {
        return 0;
    }
    *outlen = 0;
    for (i = 0; i < data; i++) {
        acc = acc << 6 | (uint32_t)ref_value(t[i], flags);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[(*outlen)++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (!(flags & MC_BASE64_FORGIVING) && bits > 0 && acc != 0)
        return 0;   /* non-zero pad bits */
    return 1;
}

/* ---- Helpers ---------------------------------------------------------------------- */

typedef struct {
    int rc;
    size_t written, offset;
    uint8_t out[1 << 16];
} decode_result;

static void decode_with(const char *src, size_t n, int flags, decode_result *r)
{
    r->written = 12345;
    r->offset = 54321;
    r->rc = mc_base64_decode(src, n, r->out, sizeof(r->out), &r->written, &r->offset, flags);
}

/* Decode with both paths; they must agree on everything. Returns the scalar result. */
static int decode_both(const char *src, size_t n, int flags, decode_result *r)
{
    static decode_result simd;
    decode_with(src, n, flags | MC_BASE64_SCALAR, r);
    decode_with(src, n, flags, &simd);
    if (simd.rc != r->rc || simd.written != r->written ||
        (r->rc == MC_OK && memcmp(simd.out, r->out, r->written) != 0) ||
        (r->rc == MC_EFORMAT && simd.offset != r->offset)) {
        fprintf(stderr, "scalar/simd disagree on %.*s (flags %d): rc %d/%d written %zu/%zu offset %zu/%zu\n",
                (int)(n > 80 ? 80 : n), src, flags, r->rc, simd.rc, r->written, simd.written,
                r->offset, simd.offset);
        return 0;
    }
    return 1;
}

static void fill_random(uint8_t *p, size_t n, unsigned *seed)
{
    size_t i;
    for (i = 0; i < n; i++)
        p[i] = (uint8_t)mc_test_rand(seed);
}

/* ---- Tests ------------------------------------------------------------------------ */

static void test_rfc4648_vectors(void)
{
    static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    static const char *const coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
    static const char *const nopad[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };
    char out[16];
    decode_result r;
    size_t i, w;
    int path;

    for (i = 0; i < 7; i++) {
        size_t n = strlen(plain[i]);
        for (path = 0; path < 2; path++) {
            int scalar = path ? MC_BASE64_SCALAR : 0;
            MC_CHECK_EQ(mc_base64_encode((const uint8_t *)plain[i], n, out, sizeof(out), &w, scalar), MC_OK);
            MC_CHECK_EQ(w, strlen(coded[i]));
            MC_CHECK(memcmp(out, coded[i], w) == 0);
            MC_CHECK_EQ(mc_base64_encoded_length(n, 0), strlen(coded[i]));
            MC_CHECK_EQ(mc_base64_encode((const uint8_t *)plain[i], n, out, sizeof(out), &w,
                                         scalar | MC_BASE64_NOPAD | MC_BASE64_URL), MC_OK);
            MC_CHECK_EQ(w, strlen(nopad[i]));
            MC_CHECK(memcmp(out, nopad[i], w) == 0);
            MC_CHECK_EQ(mc_base64_encoded_length(n, MC_BASE64_NOPAD), strlen(nopad[i]));
        }
        MC_CHECK(decode_both(coded[i], strlen(coded[i]), 0, &r));
        MC_CHECK_EQ(r.rc, MC_OK);
        MC_CHECK_EQ(r.written, n);
        MC_CHECK(memcmp(r.out, plain[i], n) == 0);
        /* Unpadded: only with NOPAD or FORGIVING (unless already a whole quantum). */
        MC_CHECK(decode_both(nopad[i], strlen(nopad[i]), MC_BASE64_NOPAD, &r));
        MC_CHECK_EQ(r.rc, MC_OK);
        MC_CHECK(r.written == n && memcmp(r.out, plain[i], n) == 0);
        MC_CHECK(decode_both(nopad[i], strlen(nopad[i]), MC_BASE64_FORGIVING, &r));
        MC_CHECK(r.rc == MC_OK && r.written == n && memcmp(r.out, plain[i], n) == 0);
        MC_CHECK(decode_both(nopad[i], strlen(nopad[i]), 0, &r));
        MC_CHECK_EQ(r.rc, strlen(nopad[i]) % 4 ? MC_EFORMAT : MC_OK);
        if (r.rc == MC_EFORMAT)
            MC_CHECK_EQ(r.offset, strlen(nopad[i]));
        /* Padded input is fine with NOPAD too. */
        MC_CHECK(decode_both(coded[i], strlen(coded[i]), MC_BASE64_NOPAD, &r));
        MC_CHECK(r.rc == MC_OK && r.written == n);
    }
}

static void test_whole_alphabet(void)
{
    uint8_t bytes[48], back[48];
    char out[64];
    size_t w, i;
    int url, path;

    /* 48 bytes whose 64 sextets are 0, 1, ..., 63. */
    for (i = 0; i < 16; i++) {
        uint32_t v = (uint32_t)(4 * i) << 18 | (uint32_t)(4 * i + 1) << 12 |
                     (uint32_t)(4 * i + 2) << 6 | (uint32_t)(4 * i + 3);
        bytes[3 * i] = (uint8_t)(v >> 16);
        bytes[3 * i + 1] = (uint8_t)(v >> 8);
        bytes[3 * i + 2] = (uint8_t)v;
    }
    for (url = 0; url < 2; url++) {
        for (path = 0; path < 2; path++) {
            int flags = (url ? MC_BASE64_URL : 0) | (path ? MC_BASE64_SCALAR : 0);
            MC_CHECK_EQ(mc_base64_encode(bytes, 48, out, sizeof(out), &w, flags), MC_OK);
            MC_CHECK_EQ(w, 64);
            MC_CHECK(memcmp(out, url ? url_alphabet : std_alphabet, 64) == 0);
            MC_CHECK_EQ(mc_base64_decode(out, 64, back, sizeof(back), &w, NULL, flags), MC_OK);
            MC_CHECK(w == 48 && memcmp(back, bytes, 48) == 0);
        }
    }
}

/* Every byte value at every position of a 128-character input (two SIMD iterations'
 * worth), in every decode mode: scalar == SIMD, and validity and bytes == reference. */
static void test_every_byte_everywhere(void)
{
    static decode_result r;
    static uint8_t ref[256];
    uint8_t raw[96];
    char base[128], text[128];
    unsigned seed = 7;
    int flags, c, p, mismatches = 0, disagreements = 0, valid = 0, invalid = 0;

    fill_random(raw, sizeof(raw), &seed);
    for (flags = 0; flags < ALL_DECODE_FLAGS; flags++) {
        int f = (flags & 1 ? MC_BASE64_URL : 0) | (flags & 2 ? MC_BASE64_NOPAD : 0) |
                (flags & 4 ? MC_BASE64_FORGIVING : 0);
        mc_base64_encode(raw, sizeof(raw), base, sizeof(base), NULL, f & MC_BASE64_URL);
        for (p = 0; p < 128; p++) {
            for (c = 0; c < 256; c++) {
                size_t reflen = 0;
                int ok;
                memcpy(text, base, sizeof(text));
                text[p] = (char)c;
                if (!decode_both(text, sizeof(text), f, &r))
                    disagreements++;
                ok = ref_decode(text, sizeof(text), f, ref, &reflen);
                if (ok != (r.rc == MC_OK) ||
                    (ok && (r.written != reflen || memcmp(r.out, ref, reflen) != 0))) {
                    if (mismatches++ < 5)
                        fprintf(stderr, "reference mismatch: flags %d pos %d char %d: rc %d ref %d\n",
                                f, p, c, r.rc, ok);
                }
                if (r.rc == MC_OK) {
                    valid++;
                } else {
                    invalid++;
                    /* The reported offset is the replaced character, except for
                     * padding-related failures detected later. */
                    if (ref_value((char)c, f) < 0 && c != '=' &&
                        !((f & MC_BASE64_FORGIVING) && ref_is_ws((char)c)))
                        MC_CHECK_EQ(r.offset, (size_t)p);
                }
            }
        }
    }
    MC_CHECK_EQ(disagreements, 0);
    MC_CHECK_EQ(mismatches, 0);
    MC_CHECK(valid > 0 && invalid > 0);
}

/* Two characters replaced, for interactions ('=' then data, whitespace then '=', ...). */
static void test_pairs_of_specials(void)
{
    static decode_result r;
    static uint8_t ref[256];
    static const char specials[] = { '=', ' ', '\n', 'A', 'f', '+', '/', '-', '_', '*', 0, (char)0x80 };
    uint8_t raw[48];
    char base[64], text[64];
    unsigned seed = 99;
    int flags, p, q, a, b, bad = 0;

    fill_random(raw, sizeof(raw), &seed);
    for (flags = 0; flags < ALL_DECODE_FLAGS; flags++) {
        int f = (flags & 1 ? MC_BASE64_URL : 0) | (flags & 2 ? MC_BASE64_NOPAD : 0) |
                (flags & 4 ? MC_BASE64_FORGIVING : 0);
        mc_base64_encode(raw, sizeof(raw), base, sizeof(base), NULL, f & MC_BASE64_URL);
        for (p = 40; p < 64; p++)
            for (q = p + 1; q < 64; q++)
                for (a = 0; a < (int)sizeof(specials); a++)
                    for (b = 0; b < (int)sizeof(specials); b++) {
                        size_t reflen = 0;
                        int ok;
                        memcpy(text, base, sizeof(text));
                        text[p] = specials[a];
                        text[q] = specials[b];
                        if (!decode_both(text, sizeof(text), f, &r))
                            bad++;
                        ok = ref_decode(text, sizeof(text), f, ref, &reflen);
                        if (ok != (r.rc == MC_OK) || (ok && (reflen != r.written || memcmp(ref, r.out, reflen))))
                            bad++;
                    }
    }
    MC_CHECK_EQ(bad, 0);
}

static void test_invalid_forms(void)
{
    static const struct {
        const char *text;
        int flags;
        int rc;
        size_t offset;     /* for MC_EFORMAT */
        const char *bytes; /* for MC_OK */
    } cases[] = {
        { "Zg=", 0, MC_EFORMAT, 3, NULL },                       /* padding cut short */
        { "Zg=", MC_BASE64_FORGIVING, MC_EFORMAT, 3, NULL },
        { "Zg=", MC_BASE64_NOPAD, MC_EFORMAT, 3, NULL },
        { "Z===", 0, MC_EFORMAT, 1, NULL },                      /* '=' after 1 sextet */
        { "=Zg=", 0, MC_EFORMAT, 0, NULL },
        { "====", MC_BASE64_FORGIVING, MC_EFORMAT, 0, NULL },
        { "Zg==Zg==", 0, MC_EFORMAT, 4, NULL },                  /* data after padding */
        { "Zg==Zg==", MC_BASE64_FORGIVING, MC_EFORMAT, 4, NULL },
        { "Zg===", 0, MC_EFORMAT, 4, NULL },                     /* too much padding */
        { "Zm8==", MC_BASE64_FORGIVING, MC_EFORMAT, 4, NULL },
        { "Zg=a", 0, MC_EFORMAT, 3, NULL },
        { "Zh==", 0, MC_EFORMAT, 1, NULL },                      /* non-zero pad bits */
        { "Zh==", MC_BASE64_NOPAD, MC_EFORMAT, 1, NULL },
        { "Zh==", MC_BASE64_FORGIVING, MC_OK, 0, "f" },          /* ... discarded by atob */
        { "Zh", MC_BASE64_NOPAD, MC_EFORMAT, 1, NULL },
        { "Zh", MC_BASE64_FORGIVING, MC_OK, 0, "f" },
        { "Zm9=", 0, MC_EFORMAT, 2, NULL },
        { "Zm9=", MC_BASE64_FORGIVING, MC_OK, 0, "fo" },
        { "Zg", 0, MC_EFORMAT, 2, NULL },                        /* padding missing */
        { "Zg", MC_BASE64_NOPAD, MC_OK, 0, "f" },
        { "Z", 0, MC_EFORMAT, 1, NULL },                         /* lone sextet */
        { "Z", MC_BASE64_NOPAD, MC_EFORMAT, 1, NULL },
        { "Zm9vY", MC_BASE64_FORGIVING, MC_EFORMAT, 5, NULL },
        { "Zm9v\n", 0, MC_EFORMAT, 4, NULL },                    /* whitespace: strict */
        { "Zm9v\n", MC_BASE64_FORGIVING, MC_OK, 0, "foo" },
        { " Z m\t9\rv\f\n", MC_BASE64_FORGIVING, MC_OK, 0, "foo" },
        { "Zg= =", MC_BASE64_FORGIVING, MC_OK, 0, "f" },
        { "Zg= =", 0, MC_EFORMAT, 3, NULL },
        { "Zg==\n", MC_BASE64_FORGIVING, MC_OK, 0, "f" },
        { "Zg== x", MC_BASE64_FORGIVING, MC_EFORMAT, 5, NULL },
        { "Zm9v\v", MC_BASE64_FORGIVING, MC_EFORMAT, 4, NULL },  /* VT is not whitespace */
        { "Zm9v*", 0, MC_EFORMAT, 4, NULL },
        { "Zm-_", 0, MC_EFORMAT, 2, NULL },                      /* URL chars, std alphabet */
        { "Zm+/", MC_BASE64_URL, MC_EFORMAT, 2, NULL },          /* std chars, URL alphabet */
        { "-_-_", MC_BASE64_URL, MC_OK, 0, "\xfb\xff\xbf" },
        { "+/+/", 0, MC_OK, 0, "\xfb\xff\xbf" },
        { "", 0, MC_OK, 0, "" },
        { " \n ", MC_BASE64_FORGIVING, MC_OK, 0, "" },
        { " \n ", 0, MC_EFORMAT, 0, NULL },
    };
    decode_result r;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        MC_CHECK(decode_both(cases[i].text, strlen(cases[i].text), cases[i].flags, &r));
        if (r.rc != cases[i].rc)
            fprintf(stderr, "case %zu (\"%s\", flags %d): rc %d\n", i, cases[i].text, cases[i].flags, r.rc);
        MC_CHECK_EQ(r.rc, cases[i].rc);
        if (cases[i].rc == MC_EFORMAT) {
            if (r.offset != cases[i].offset)
                fprintf(stderr, "case %zu (\"%s\"): offset %zu\n", i, cases[i].text, r.offset);
            MC_CHECK_EQ(r.offset, cases[i].offset);
            MC_CHECK_EQ(r.written, 0);
        } else if (r.rc == MC_OK) {
            MC_CHECK_EQ(r.written, strlen(cases[i].bytes));
            MC_CHECK(memcmp(r.out, cases[i].bytes, r.written) == 0);
        }
    }
    /* A NUL and bytes >= 0x80 are invalid. */
    MC_CHECK(decode_both("Zm\0v", 4, 0, &r));
    MC_CHECK(r.rc == MC_EFORMAT && r.offset == 2);
    MC_CHECK(decode_both("Zm9\xff", 4, MC_BASE64_FORGIVING, &r));
    MC_CHECK(r.rc == MC_EFORMAT && r.offset == 3);
}

/* Long inputs with a single bad character deep inside: the offset is exact. */
static void test_offsets_in_long_inputs(void)
{
    static char text[4096];
    static decode_result r;
    static uint8_t raw[3072];
    unsigned seed = 5;
    size_t pos;

    fill_random(raw, sizeof(raw), &seed);
    mc_base64_encode(raw, sizeof(raw), text, sizeof(text), NULL, 0);
    for (pos = 0; pos < sizeof(text); pos += 37) {
        char saved = text[pos];
        text[pos] = '.';
        MC_CHECK(decode_both(text, sizeof(text), 0, &r));
        MC_CHECK(r.rc == MC_EFORMAT && r.offset == pos);
        text[pos] = '=';
        MC_CHECK(decode_both(text, sizeof(text), 0, &r));
        MC_CHECK_EQ(r.rc, MC_EFORMAT);
        /* '=' fails where it stands, at the data after it, or (completing a quantum
         * whose pad bits are not zero) at the character before it. */
        MC_CHECK(r.offset == pos || r.offset == pos + 1 || r.offset + 1 == pos);
        text[pos] = saved;
    }
    MC_CHECK(decode_both(text, sizeof(text), 0, &r));
    MC_CHECK(r.rc == MC_OK && r.written == sizeof(raw) && memcmp(r.out, raw, sizeof(raw)) == 0);
}

static void test_random_round_trips(void)
{
    static uint8_t raw[8192], back[8192];
    static char a[12000], b[12000];
    unsigned seed = 2024;
    int iter, bad = 0;

    for (iter = 0; iter < 3000; iter++) {
        size_t n = iter < 200 ? (size_t)iter : mc_test_rand(&seed) % sizeof(raw);
        int flags = (int)(mc_test_rand(&seed) & (MC_BASE64_URL | MC_BASE64_NOPAD));
        size_t wa = 0, wb = 0, wd = 0;
        fill_random(raw, n, &seed);
        if (mc_base64_encode(raw, n, a, sizeof(a), &wa, flags) != MC_OK ||
            mc_base64_encode(raw, n, b, sizeof(b), &wb, flags | MC_BASE64_SCALAR) != MC_OK ||
            wa != wb || memcmp(a, b, wa) != 0 || wa != mc_base64_encoded_length(n, flags)) {
            bad++;
            continue;
        }
        if (mc_base64_decode(a, wa, back, sizeof(back), &wd, NULL, flags) != MC_OK ||
            wd != n || memcmp(back, raw, n) != 0)
            bad++;
        if (mc_base64_decode(a, wa, back, sizeof(back), &wd, NULL,
                             flags | MC_BASE64_FORGIVING | MC_BASE64_SCALAR) != MC_OK ||
            wd != n || memcmp(back, raw, n) != 0)
            bad++;
    }
    MC_CHECK_EQ(bad, 0);
}

/* Streaming in random pieces equals one-shot, for encode and decode, both paths. */
static void test_streaming(void)
{
    static uint8_t raw[5000], back[5000];
    static char whole[7000], pieces[7000];
    unsigned seed = 77;
    int iter, bad = 0;

    for (iter = 0; iter < 1500; iter++) {
        size_t n = mc_test_rand(&seed) % sizeof(raw);
        int flags = (int)(mc_test_rand(&seed) & (MC_BASE64_URL | MC_BASE64_NOPAD | MC_BASE64_SCALAR));
        mc_base64_encoder enc;
        mc_base64_decoder dec;
        size_t wn = 0, i = 0, o = 0, w;
        fill_random(raw, n, &seed);
        mc_base64_encode(raw, n, whole, sizeof(whole), &wn, flags);
        mc_base64_encoder_init(&enc, flags);
        while (i < n) {
            size_t k = mc_test_rand(&seed) % (iter & 1 ? 7 : 200) + 1;
            if (k > n - i)
                k = n - i;
            if (mc_base64_encoder_update(&enc, raw + i, k, pieces + o, sizeof(pieces) - o, &w) != MC_OK)
                bad++;
            i += k;
            o += w;
        }
        if (mc_base64_encoder_final(&enc, pieces + o, sizeof(pieces) - o, &w) != MC_OK)
            bad++;
        o += w;
        if (o != wn || memcmp(whole, pieces, wn) != 0)
            bad++;

        mc_base64_decoder_init(&dec, flags);
        i = 0;
        o = 0;
        while (i < wn) {
            size_t k = mc_test_rand(&seed) % (iter & 1 ? 5 : 300) + 1;
            if (k > wn - i)
                k = wn - i;
            if (mc_base64_decoder_update(&dec, whole + i, k, back + o, sizeof(back) - o, &w, NULL) != MC_OK)
                bad++;
            i += k;
            o += w;
        }
        if (mc_base64_decoder_final(&dec, back + o, sizeof(back) - o, &w, NULL) != MC_OK)
            bad++;
        o += w;
        if (o != n || memcmp(back, raw, n) != 0)
            bad++;
    }
    MC_CHECK_EQ(bad, 0);
}

static void test_streaming_errors(void)
{
    mc_base64_decoder dec;
    uint8_t out[64];
    size_t w = 0, off = 0;

    /* The offset counts from the start of the stream, across updates. */
    MC_CHECK_EQ(mc_base64_decoder_init(&dec, 0), MC_OK);
    MC_CHECK_EQ(mc_base64_decoder_update(&dec, "Zm9v", 4, out, sizeof(out), &w, &off), MC_OK);
    MC_CHECK_EQ(w, 3);
    MC_CHECK_EQ(mc_base64_decoder_update(&dec, "Zm", 2, out, sizeof(out), &w, &off), MC_OK);
    MC_CHECK_EQ(w, 0);
    MC_CHECK_EQ(mc_base64_decoder_update(&dec, "9v!A", 4, out, sizeof(out), &w, &off), MC_EFORMAT);
    MC_CHECK_EQ(off, 8);
    MC_CHECK_EQ(w, 3);   /* "foo" completed before the bad character */
    /* Sticky: later calls repeat the error. */
    off = 0;
    MC_CHECK_EQ(mc_base64_decoder_update(&dec, "Zm9v", 4, out, sizeof(out), &w, &off), MC_EFORMAT);
    MC_CHECK_EQ(off, 8);
    off = 0;
    MC_CHECK_EQ(mc_base64_decoder_final(&dec, out, sizeof(out), &w, &off), MC_EFORMAT);
    MC_CHECK_EQ(off, 8);

    /* A stream that ends inside a quantum fails at final, offset = length. */
    mc_base64_decoder_init(&dec, 0);
    MC_CHECK_EQ(mc_base64_decoder_update(&dec, "Zm9vY", 5, out, sizeof(out), &w, &off), MC_OK);
    MC_CHECK_EQ(mc_base64_decoder_final(&dec, out, sizeof(out), &w, &off), MC_EFORMAT);
    MC_CHECK_EQ(off, 5);
    /* ... and with optional padding, the last bytes come out at final. */
    mc_base64_decoder_init(&dec, MC_BASE64_NOPAD);
    MC_CHECK_EQ(mc_base64_decoder_update(&dec, "Zm9vYg", 6, out, sizeof(out), &w, &off), MC_OK);
    MC_CHECK_EQ(w, 3);
    MC_CHECK_EQ(mc_base64_decoder_final(&dec, out, 1, &w, &off), MC_EBUFSIZE);
    MC_CHECK_EQ(mc_base64_decoder_final(&dec, out, sizeof(out), &w, &off), MC_OK);
    MC_CHECK(w == 1 && out[0] == 'b');
    /* Padding split across updates. */
    mc_base64_decoder_init(&dec, 0);
    MC_CHECK_EQ(mc_base64_decoder_update(&dec, "Zg=", 3, out, sizeof(out), &w, &off), MC_OK);
    MC_CHECK_EQ(w, 0);
    MC_CHECK_EQ(mc_base64_decoder_update(&dec, "=", 1, out, sizeof(out), &w, &off), MC_OK);
    MC_CHECK(w == 1 && out[0] == 'f');
    MC_CHECK_EQ(mc_base64_decoder_update(&dec, "A", 1, out, sizeof(out), &w, &off), MC_EFORMAT);
    MC_CHECK_EQ(off, 4);
}

static void test_arguments_and_capacity(void)
{
    uint8_t raw[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, out[32];
    char text[32];
    size_t w = 0;
    mc_base64_encoder enc;
    mc_base64_decoder dec;

    MC_CHECK_EQ(mc_base64_encode(NULL, 1, text, sizeof(text), &w, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_base64_encode(raw, 1, NULL, sizeof(text), &w, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_base64_encode(raw, 1, text, sizeof(text), &w, 0x100), MC_EINVAL);
    MC_CHECK_EQ(mc_base64_encode(raw, 1, text, sizeof(text), &w, MC_BASE64_FORGIVING), MC_EINVAL);
    MC_CHECK_EQ(mc_base64_encode(NULL, 0, NULL, 0, &w, 0), MC_OK);
    MC_CHECK_EQ(w, 0);
    MC_CHECK_EQ(mc_base64_decode(NULL, 1, out, sizeof(out), &w, NULL, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_base64_decode("Zg==", 4, NULL, 3, &w, NULL, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_base64_decode("Zg==", 4, out, 3, &w, NULL, 0x40), MC_EINVAL);
    MC_CHECK_EQ(mc_base64_decode(NULL, 0, NULL, 0, &w, NULL, 0), MC_OK);
    MC_CHECK_EQ(mc_base64_encoder_init(NULL, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_base64_encoder_init(&enc, MC_BASE64_FORGIVING), MC_EINVAL);
    MC_CHECK_EQ(mc_base64_decoder_init(NULL, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_base64_decoder_init(&dec, 0x10), MC_EINVAL);

    /* Too small: an error that says the size needed, and nothing written. */
    memset(text, '#', sizeof(text));
    MC_CHECK_EQ(mc_base64_encode(raw, 10, text, 15, &w, 0), MC_EBUFSIZE);
    MC_CHECK_EQ(w, 16);
    MC_CHECK(text[0] == '#' && text[14] == '#');
    MC_CHECK_EQ(mc_base64_encode(raw, 10, text, 16, &w, 0), MC_OK);
    MC_CHECK_EQ(w, 16);
    MC_CHECK_EQ(mc_base64_encode(raw, 10, text, 14, &w, MC_BASE64_NOPAD), MC_OK);
    MC_CHECK_EQ(w, 14);
    memset(out, '#', sizeof(out));
    MC_CHECK_EQ(mc_base64_decode("Zm9vYmFy", 8, out, 5, &w, NULL, 0), MC_EBUFSIZE);
    MC_CHECK_EQ(w, 6);
    MC_CHECK(out[0] == '#');
    MC_CHECK_EQ(mc_base64_decoded_max(0), 0);
    MC_CHECK_EQ(mc_base64_decoded_max(4), 3);
    MC_CHECK_EQ(mc_base64_decoded_max(5), 6);
    MC_CHECK_EQ(mc_base64_encoded_length(0, 0), 0);
    MC_CHECK_EQ(mc_base64_encoded_length(1, 0), 4);
    MC_CHECK_EQ(mc_base64_encoded_length(1, MC_BASE64_NOPAD), 2);

    mc_base64_encoder_init(&enc, 0);
    MC_CHECK_EQ(mc_base64_encoder_update(&enc, raw, 2, text, 0, &w), MC_OK);   /* carried */
    MC_CHECK_EQ(w, 0);
    MC_CHECK_EQ(mc_base64_encoder_update_max(&enc, 8), 12);
    MC_CHECK_EQ(mc_base64_encoder_update(&enc, raw + 2, 8, text, 11, &w), MC_EBUFSIZE);
    MC_CHECK_EQ(w, 12);
    MC_CHECK_EQ(mc_base64_encoder_update(&enc, raw + 2, 8, text, 12, &w), MC_OK);
    MC_CHECK_EQ(w, 12);
    MC_CHECK_EQ(mc_base64_encoder_final(&enc, text + 12, 3, &w), MC_EBUFSIZE);
    MC_CHECK_EQ(mc_base64_encoder_final(&enc, text + 12, 4, &w), MC_OK);
    MC_CHECK_EQ(w, 4);
    MC_CHECK(memcmp(text, "AQIDBAUGBwgJCg==", 16) == 0);

    MC_CHECK(mc_base64_has_simd() == 0 || mc_base64_has_simd() == 1);
}

int main(void)
{
    printf("SIMD path: %s\n", mc_base64_has_simd() ? "yes" : "no");
    MC_RUN_TEST(test_rfc4648_vectors);
    MC_RUN_TEST(test_whole_alphabet);
    MC_RUN_TEST(test_every_byte_everywhere);
    MC_RUN_TEST(test_pairs_of_specials);
    MC_RUN_TEST(test_invalid_forms);
    MC_RUN_TEST(test_offsets_in_long_inputs);
    MC_RUN_TEST(test_random_round_trips);
    MC_RUN_TEST(test_streaming);
    MC_RUN_TEST(test_streaming_errors);
    MC_RUN_TEST(test_arguments_and_capacity);
    return mc_test_finish();
}
