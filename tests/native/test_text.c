/* test_text.c: the UTF-8 decoder, the font format, and text layout and drawing.
 *
 * Independent judges where there are any: glibc's iconv decides what GB 2312 level 1 is
 * (every one of its characters must be in the built-in font) and what every scalar
 * value's UTF-8 is, Unifont's own .hex file
 * gives the pixels expected at 16 px, the Unicode Standard's table 3-8 example the
 * U+FFFD substitutions. Golden checksums (FNV-1a of whole frames) pin everything else
 * down; they were recorded from this code with Debian bookworm's unifont 1:15.0.01 and
 * must be re-recorded, after looking at the images, if the font package changes. */
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mediacore/font.h"
#include "mc_test.h"
#include "mediacore/text.h"
#include "media/text_kernels.h"
#include "base/utf8.h"

static int builtin_has_glyphs(void)
{
    return strcmp(MC_TEST_FONT_CHARSET, "none") != 0;
}

/* ---- helpers -------------------------------------------------------------------- */

typedef struct image {
    uint8_t *buf;      /* guard bytes, then the frame, then guard bytes */
    mc_frame f;
    size_t guard;
} image;

#define GUARD 64
#define GUARD_BYTE 0xA5

static void image_init(image *im, int w, int h, int stride, uint32_t rgba)
{
    size_t span, i;
    int x, y;
    if (stride == 0)
        stride = w * 4;
    span = (size_t)stride * (size_t)(h - 1) + (size_t)w * 4;
    im->guard = GUARD;
    im->buf = malloc(span + 2 * GUARD);
    memset(im->buf, GUARD_BYTE, span + 2 * GUARD);
    MC_CHECK_EQ(mc_frame_wrap(&im->f, im->buf + GUARD, span, w, h, stride), MC_OK);
    for (y = 0; y < h; y++) {
        for (x = 0; x < w; x++) {
            uint8_t *p = im->f.data + (size_t)y * stride + (size_t)x * 4;
            p[0] = (uint8_t)(rgba >> 24);
            p[1] = (uint8_t)(rgba >> 16);
            p[2] = (uint8_t)(rgba >> 8);
            p[3] = (uint8_t)rgba;
        }
    }
    (void)i;
}

static void image_free(image *im)
{
    free(im->buf);
    im->buf = NULL;
}

static uint8_t *px(const image *im, int x, int y)
{
    return im->f.data + (size_t)y * im->f.stride + (size_t)x * 4;
}

/* Guard bytes before and after the frame, and the padding at the end of each row, are
 * as they were. */
static int guards_intact(const image *im)
{
    size_t span = mc_frame_span(im->f.width, im->f.height, im->f.stride), i;
    int y, x;
    for (i = 0; i < GUARD; i++)
        if (im->buf[i] != GUARD_BYTE || im->buf[GUARD + span + i] != GUARD_BYTE)
            return 0;
    for (y = 0; y < im->f.height - 1; y++)
        for (x = im->f.width * 4; x < im->f.stride; x++)
            if (im->f.data[(size_t)y * im->f.stride + x] != GUARD_BYTE)
                return 0;
    return 1;
}

static uint64_t fnv1a(const image *im)
{
    uint64_t h = 14695981039346656037ull;
    int x, y;
    for (y = 0; y < im->f.height; y++) {
        const uint8_t *p = px(im, 0, y);
        for (x = 0; x < im->f.width * 4; x++) {
            h ^= p[x];
            h *= 1099511628211ull;
        }
    }
    return h;
}

typedef struct bounds {
    int x0, y0, x1, y1;   /* half-open; x0 > x1 when nothing changed */
    long changed;
} bounds;

/* Bounding box of pixels that differ from the uniform colour `rgba`. */
static bounds changed_bounds(const image *im, uint32_t rgba)
{
    bounds b = { 1 << 30, 1 << 30, -(1 << 30), -(1 << 30), 0 };
    int x, y;
    for (y = 0; y < im->f.height; y++) {
        for (x = 0; x < im->f.width; x++) {
            const uint8_t *p = px(im, x, y);
            uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
            if (v != rgba) {
                b.changed++;
                if (x < b.x0) b.x0 = x;
                if (y < b.y0) b.y0 = y;
                if (x + 1 > b.x1) b.x1 = x + 1;
                if (y + 1 > b.y1) b.y1 = y + 1;
            }
        }
    }
    return b;
}

static int draw(mc_text *t, image *im, int x, int y, const char *s, const mc_text_style *st)
{
    return mc_text_draw(t, &im->f, x, y, s, strlen(s), st);
}

static mc_text_style style_of(int size)
{
    mc_text_style st;
    mc_text_style_default(&st);
    st.size = size;
    return st;
}

/* Without built-in glyphs (MC_TEXT_FONT=none), the default charset from a file
 * (MC_TEST_FONT_GLYPHS), read once; new_text() and more_glyphs() add it. */
static uint8_t *test_glyphs;
static size_t test_glyphs_size;

static uint8_t *read_file(const char *path, size_t *size);

/* Give a handle the default charset's glyphs if its built-in font has none. */
static void more_glyphs(mc_text *t)
{
    if (builtin_has_glyphs() || t == NULL)
        return;
    if (test_glyphs == NULL)
        test_glyphs = read_file(MC_TEST_FONT_GLYPHS, &test_glyphs_size);
    MC_CHECK(test_glyphs != NULL);
    if (test_glyphs != NULL)
        MC_CHECK_EQ(mc_text_add_font(t, test_glyphs, test_glyphs_size), MC_OK);
}

static mc_text *new_text(void)
{
    mc_text *t = NULL;
    MC_CHECK_EQ(mc_text_create(NULL, &t), MC_OK);
    more_glyphs(t);
    return t;
}

/* The .hex line for `cp` from Unifont's own file: 16 rows, 1 or 2 bytes each. */
static int unifont_hex(uint32_t cp, uint8_t *bits, int *width)
{
    FILE *f = fopen(MC_TEST_UNIFONT_HEX, "r");
    char line[256];
    int found = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        unsigned code;
        char *colon = strchr(line, ':');
        size_t n, i;
        if (colon == NULL || sscanf(line, "%x", &code) != 1 || code != cp)
            continue;
        n = strcspn(colon + 1, "\r\n");
        *width = n == 64 ? 16 : 8;
        for (i = 0; i < n / 2; i++) {
            unsigned v;
            sscanf(colon + 1 + 2 * i, "%2x", &v);
            bits[i] = (uint8_t)v;
        }
        found = 1;
        break;
    }
    fclose(f);
    return found;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data;
    long n;
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)n);
    if (fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return data;
}

/* ---- UTF-8 ---------------------------------------------------------------------- */

static int decode_all(const char *s, size_t len, uint32_t *out, int cap)
{
    size_t pos = 0;
    int n = 0;
    while (pos < len && n < cap) {
        size_t before = pos;
        out[n++] = mc_utf8_next((const uint8_t *)s, len, &pos);
        if (pos <= before || pos > len)
            return -1;   /* no progress or overrun: a bug */
    }
    return n;
}

static void test_utf8_vectors(void)
{
    static const struct {
        const char *in;
        size_t len;
        uint32_t want[12];
        int n;
    } cases[] = {
        { "a", 1, { 0x61 }, 1 },
        { "\xC3\xA9", 2, { 0xE9 }, 1 },
        { "\xE4\xBD\xA0", 3, { 0x4F60 }, 1 },
        { "\xF0\x9F\x98\x80", 4, { 0x1F600 }, 1 },
        { "\xF4\x8F\xBF\xBF", 4, { 0x10FFFF }, 1 },
        { "\xEF\xBF\xBD", 3, { 0xFFFD }, 1 },
        { "\x00", 1, { 0 }, 1 },
        { "\x80", 1, { 0xFFFD }, 1 },
        { "\xC3", 1, { 0xFFFD }, 1 },
        { "\xE4\xBD", 2, { 0xFFFD }, 1 },
        { "\xE4\xBD" "a", 3, { 0xFFFD, 0x61 }, 2 },
        { "\xC0\xAF", 2, { 0xFFFD, 0xFFFD }, 2 },                /* overlong '/' */
        { "\xE0\x80\xAF", 3, { 0xFFFD, 0xFFFD, 0xFFFD }, 3 },    /* overlong */
        { "\xED\xA0\x80", 3, { 0xFFFD, 0xFFFD, 0xFFFD }, 3 },    /* a surrogate */
        { "\xF4\x90\x80\x80", 4, { 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD }, 4 },  /* > U+10FFFF */
        { "\xF5\x80", 2, { 0xFFFD, 0xFFFD }, 2 },
        { "\xF0\x9F\x98", 3, { 0xFFFD }, 1 },
        { "\xF0\x9F\x98" "a", 4, { 0xFFFD, 0x61 }, 2 },
        { "\xFF\xFE", 2, { 0xFFFD, 0xFFFD }, 2 },
        /* The Unicode Standard, table 3-8: maximal subparts. */
        { "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", 13,
          { 0x61, 0xFFFD, 0xFFFD, 0xFFFD, 0x62, 0xFFFD, 0x63, 0xFFFD, 0xFFFD, 0x64 }, 10 },
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t got[16];
        int n = decode_all(cases[i].in, cases[i].len, got, 16), k;
        MC_CHECK_EQ(n, cases[i].n);
        for (k = 0; k < n && k < cases[i].n; k++)
            MC_CHECK_EQ(got[k], cases[i].want[k]);
    }
}

/* Every scalar value against glibc's iconv (an independent UTF-8 encoder): encoding
 * gives iconv's bytes, and decoding iconv's whole output gives back every value in order.
 * Surrogates and values past U+10FFFF are not encoded. */
static void test_utf8_round_trip(void)
{
    enum { SCALARS = 0x110000 - 0x800 };
    uint32_t *wide = malloc((size_t)SCALARS * 4), cp;
    char *utf8 = malloc((size_t)SCALARS * 4);
    uint8_t buf[4];
    long bad = 0, n_cp = 0;
    size_t pos = 0, in_left = (size_t)SCALARS * 4, out_left = (size_t)SCALARS * 4, total;
    char *in = (char *)wide, *out = utf8;
    iconv_t cd = iconv_open("UTF-8", "UTF-32LE");

    MC_CHECK(wide != NULL && utf8 != NULL && cd != (iconv_t)-1);
    if (wide == NULL || utf8 == NULL || cd == (iconv_t)-1)
        goto out;
    for (cp = 0; cp <= 0x10FFFF; cp++) {
        uint8_t *w = (uint8_t *)&wide[n_cp];
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        w[0] = (uint8_t)cp;
        w[1] = (uint8_t)(cp >> 8);
        w[2] = (uint8_t)(cp >> 16);
        w[3] = 0;
        n_cp++;
    }
    MC_CHECK_EQ(n_cp, SCALARS);
    MC_CHECK(iconv(cd, &in, &in_left, &out, &out_left) != (size_t)-1);
    MC_CHECK_EQ(in_left, 0);
    total = (size_t)(out - utf8);
    for (cp = 0; cp <= 0x10FFFF; cp++) {
        size_t n = mc_utf8_encode(cp, buf), at = pos;
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            bad += n != 0;
            continue;
        }
        if (n == 0 || pos + n > total || memcmp(buf, utf8 + pos, n) != 0)
            bad++;
        if (mc_utf8_next((const uint8_t *)utf8, total, &pos) != cp || pos != at + n)
            bad++;
        if (bad > 0 && pos <= at)
            break;   /* out of step: stop counting */
    }
    MC_CHECK_EQ(bad, 0);
    MC_CHECK_EQ(pos, total);
    MC_CHECK_EQ(mc_utf8_encode(0x110000, buf), 0);
out:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    free(wide);
    free(utf8);
}

/* ---- fonts ---------------------------------------------------------------------- */

static void test_builtin_coverage(void)
{
    size_t size;
    const uint8_t *data = mc_font_builtin(&size);
    mc_font font;
    iconv_t cd;
    int row, cell, missing = 0, decoded = 0;
    uint32_t cp;

    MC_CHECK_EQ(mc_font_open(&font, data, size), MC_OK);
    if (!builtin_has_glyphs()) {
        MC_CHECK_EQ(font.glyphs, 0);
        return;
    }
    /* The alphabets: every assigned, visible code point of the listed blocks. */
    for (cp = 0x20; cp <= 0x7E; cp++)
        missing += !mc_font_has(&font, cp);
    for (cp = 0xA0; cp <= 0x17F; cp++)
        missing += cp != 0xAD && !mc_font_has(&font, cp);
    for (cp = 0x391; cp <= 0x3C9; cp++)
        missing += cp != 0x3A2 && !mc_font_has(&font, cp);
    for (cp = 0x400; cp <= 0x4FF; cp++)
        missing += !mc_font_has(&font, cp);
    for (cp = 0x3000; cp <= 0x30FF; cp++)   /* CJK punctuation, hiragana, katakana */
        missing += cp != 0x3040 && cp != 0x3097 && cp != 0x3098 && !mc_font_has(&font, cp);
    for (cp = 0xFF01; cp <= 0xFF5E; cp++)   /* fullwidth ASCII, with "，" */
        missing += !mc_font_has(&font, cp);
    missing += !mc_font_has(&font, 0xFFFD);
    MC_CHECK_EQ(missing, 0);

    /* GB 2312 level 1, as glibc's iconv decodes it: 3755 characters, all present. */
    cd = iconv_open("UTF-32LE", "GB2312");
    MC_CHECK(cd != (iconv_t)-1);
    if (cd == (iconv_t)-1)
        return;
    for (row = 16; row <= 55; row++) {
        for (cell = 1; cell <= 94; cell++) {
            char in[2] = { (char)(0xA0 + row), (char)(0xA0 + cell) }, *pin = in;
            uint8_t out[4];
            char *pout = (char *)out;
            size_t inleft = 2, outleft = 4;
            if (iconv(cd, &pin, &inleft, &pout, &outleft) == (size_t)-1) {
                iconv(cd, NULL, NULL, NULL, NULL);
                continue;   /* an unassigned cell */
            }
            decoded++;
            cp = (uint32_t)out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16;
            missing += !mc_font_has(&font, cp);
        }
    }
    iconv_close(cd);
    MC_CHECK_EQ(decoded, 3755);
    MC_CHECK_EQ(missing, 0);
}

static void test_font_glyphs_match_unifont(void)
{
    static const uint32_t cps[] = { 'A', 'g', 0x4F60, 0xFF0C, 0x416, 0x3042, 0xFFFD };
    size_t size, i;
    const uint8_t *data = mc_font_builtin(&size);
    mc_font font;
    mc_glyph g;
    uint8_t want[32];
    int width;

    if (!builtin_has_glyphs()) {
        MC_SKIP("the built-in font has no glyphs (MC_TEXT_FONT=none)");
        return;
    }
    MC_CHECK_EQ(mc_font_open(&font, data, size), MC_OK);
    for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        MC_CHECK(unifont_hex(cps[i], want, &width));
        MC_CHECK(mc_font_glyph(&font, cps[i], &g));
        MC_CHECK_EQ(g.width, width);
        MC_CHECK(memcmp(g.bits, want, (size_t)width * 2) == 0);
        MC_CHECK_EQ(g.is_mark, 0);
    }
    MC_CHECK(mc_font_glyph(&font, 0x301, &g));   /* combining acute: a mark */
    MC_CHECK_EQ(g.is_mark, 1);
    MC_CHECK_EQ(g.mark_offset, -8);
    MC_CHECK(!mc_font_glyph(&font, 0x10000, &g));
    MC_CHECK(!mc_font_glyph(&font, 0x0E01, &g));  /* Thai: only in the full-BMP file */
}

static void test_font_rejects_corruption(void)
{
    size_t size;
    const uint8_t *data = mc_font_builtin(&size);
    uint8_t *copy = malloc(size);
    mc_font font;
    static const size_t offsets[] = { 0, 4, 6, 8, 12, 16, 20, 24, 28, 32 + 4, 8224 + 4 * 2047,
                                      16416 + 4 * 100, 17440 + 4 * 255 };
    size_t i;

    MC_CHECK_EQ(mc_font_open(NULL, data, size), MC_EINVAL);
    MC_CHECK_EQ(mc_font_open(&font, NULL, size), MC_EINVAL);
    MC_CHECK_EQ(mc_font_open(&font, data, size - 1), MC_EFORMAT);
    MC_CHECK_EQ(mc_font_open(&font, data, 100), MC_EFORMAT);
    MC_CHECK(font.data == NULL);
    for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        memcpy(copy, data, size);
        copy[offsets[i]] ^= 0x01;
        MC_CHECK_EQ(mc_font_open(&font, copy, size), MC_EFORMAT);
    }
    if (builtin_has_glyphs()) {
        /* A wide bit where there is no glyph (U+0000 is never present). */
        memcpy(copy, data, size);
        copy[8224] |= 1;
        MC_CHECK_EQ(mc_font_open(&font, copy, size), MC_EFORMAT);
        /* Marks out of order. */
        memcpy(copy, data, size);
        memcpy(copy + MC_FONT_HEADER_SIZE, data + MC_FONT_HEADER_SIZE + 4, 2);
        MC_CHECK_EQ(mc_font_open(&font, copy, size), MC_EFORMAT);
    }
    free(copy);
}

static void test_bmp_font_file(void)
{
    size_t size;
    uint8_t *data = read_file(MC_TEST_FONT_BMP, &size);
    mc_font font;
    mc_text *t = new_text();
    mc_text_style st = style_of(16);
    image a, b;
    int fonts;

    MC_CHECK(data != NULL);
    if (data == NULL)
        return;
    MC_CHECK_EQ(mc_font_open(&font, data, size), MC_OK);
    MC_CHECK(font.glyphs > 55000);
    MC_CHECK(mc_font_has(&font, 0xAC00));   /* Hangul */
    MC_CHECK(mc_font_has(&font, 0x0E01));   /* Thai */
    MC_CHECK(!mc_text_has_glyph(t, 0xAC00));
    /* Before the file: a box, the same as for another missing wide character. */
    image_init(&a, 40, 20, 0, 0x000000FF);
    image_init(&b, 40, 20, 0, 0x000000FF);
    MC_CHECK_EQ(draw(t, &a, 0, 0, "\xEA\xB0\x80", &st), MC_OK);   /* U+AC00 */
    MC_CHECK_EQ(draw(t, &b, 0, 0, "\xEA\xB0\x81", &st), MC_OK);   /* U+AC01 */
    MC_CHECK_EQ(fnv1a(&a), fnv1a(&b));
    fonts = mc_text_font_count(t);
    MC_CHECK_EQ(mc_text_add_font(t, data, size), MC_OK);
    MC_CHECK_EQ(mc_text_font_count(t), fonts + 1);
    MC_CHECK(mc_text_has_glyph(t, 0xAC00));
    image_free(&b);
    image_init(&b, 40, 20, 0, 0x000000FF);
    MC_CHECK_EQ(draw(t, &b, 0, 0, "\xEA\xB0\x80", &st), MC_OK);
    MC_CHECK(fnv1a(&a) != fnv1a(&b));
    MC_CHECK(changed_bounds(&b, 0x000000FF).changed > 10);
    /* Limits on fonts per handle. */
    for (fonts = mc_text_font_count(t); fonts < MC_TEXT_MAX_FONTS; fonts++)
        MC_CHECK_EQ(mc_text_add_font(t, data, size), MC_OK);
    MC_CHECK_EQ(mc_text_font_count(t), MC_TEXT_MAX_FONTS);
    MC_CHECK_EQ(mc_text_add_font(t, data, size), MC_ELIMIT);
    MC_CHECK_EQ(mc_text_add_font(t, data, size - 1), MC_EFORMAT);
    image_free(&a);
    image_free(&b);
    mc_text_destroy(t);
    free(data);
}

/* ---- drawing -------------------------------------------------------------------- */

static void test_size16_is_unifont(void)
{
    static const uint32_t cps[] = { 'A', 0x4F60, 0x416 };
    static const char *strs[] = { "A", "\xE4\xBD\xA0", "\xD0\x96" };
    mc_text *t = new_text();
    mc_text_style st = style_of(16);
    size_t i;
    for (i = 0; i < 3; i++) {
        uint8_t bits[32];
        int width, x, y, wrong = 0;
        image im;
        MC_CHECK(unifont_hex(cps[i], bits, &width));
        image_init(&im, 20, 18, 0, 0x000000FF);
        MC_CHECK_EQ(draw(t, &im, 2, 1, strs[i], &st), MC_OK);
        for (y = 0; y < 18; y++) {
            for (x = 0; x < 20; x++) {
                int gx = x - 2, gy = y - 1, on = 0;
                if (gx >= 0 && gx < width && gy >= 0 && gy < 16)
                    on = (bits[gy * (width / 8) + gx / 8] >> (7 - gx % 8)) & 1;
                wrong += px(&im, x, y)[0] != (on ? 255 : 0) || px(&im, x, y)[3] != 255;
            }
        }
        MC_CHECK_EQ(wrong, 0);
        image_free(&im);
    }
    mc_text_destroy(t);
}

static void test_smooth_at_large_sizes(void)
{
    static const int sizes[] = { 12, 24, 48, 96 };
    mc_text *t = new_text();
    size_t i;
    for (i = 0; i < 4; i++) {
        mc_text_style st = style_of(sizes[i]);
        image im;
        int x, y, partial = 0, full = 0;
        image_init(&im, sizes[i] * 3, sizes[i] + 2, 0, 0x000000FF);
        MC_CHECK_EQ(draw(t, &im, 0, 0, "A\xE4\xBD\xA0", &st), MC_OK);
        for (y = 0; y < im.f.height; y++)
            for (x = 0; x < im.f.width; x++) {
                partial += px(&im, x, y)[0] > 0 && px(&im, x, y)[0] < 255;
                full += px(&im, x, y)[0] == 255;
            }
        /* Anti-aliased edges (grey levels), and solid strokes above 16 px. */
        MC_CHECK(partial > sizes[i]);
        MC_CHECK(sizes[i] < 16 || full > sizes[i]);
        image_free(&im);
    }
    mc_text_destroy(t);
}

typedef struct golden_case {
    const char *text;
    int size, w, h, x, y;
    uint32_t color, background, outline_color;
    int outline, shadow, align, max_width, padding;
    uint64_t want;
} golden_case;

static void test_golden(void)
{
    static const golden_case cases[] = {
        { "Hello World!", 16, 120, 24, 4, 4, 0xFFFFFFFF, 0, 0, 0, 0, 0, 0, 0, 0x76b49eb3a7beb5e9ull },
        { "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C", 32, 180, 48, 6, 6,
          0xFFEE00FF, 0, 0, 0, 0, 0, 0, 0, 0xb639ef5ade59ec40ull },
        { "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", 24, 100, 36, 2, 2,
          0x20C0FFFF, 0, 0, 0, 0, 0, 0, 0, 0xf971008e31966971ull },
        { "Outline \xE6\x8F\x8F\xE8\xBE\xB9", 40, 260, 60, 130, 8, 0xFFFFFFFF, 0, 0x000000FF,
          3, 0, MC_TEXT_ALIGN_CENTER, 0, 0, 0x8d5d764c4c56de18ull },
        { "Shadow box\n\xE9\x98\xB4\xE5\xBD\xB1", 20, 140, 70, 130, 6, 0xFFFFFFCC, 0x000000A0, 0,
          0, 2, MC_TEXT_ALIGN_RIGHT, 0, 5, 0x1beb115a84c30291ull },
        { "wrap these words \xE6\x8D\xA2\xE8\xA1\x8C\xE4\xBA\x86\xEF\xBC\x8C\xE5\xA5\xBD", 12, 80, 80,
          2, 2, 0xFF8080FF, 0x202020FF, 0, 1, 0, 0, 70, 2, 0x076c2d21bca32ce8ull },
        { "Big 96", 96, 300, 100, 0, 2, 0xFFFFFFFF, 0, 0, 0, 0, 0, 0, 0, 0x4666d99e2ccc85c8ull },
    };
    mc_text *t = new_text();
    size_t i;
    if (!builtin_has_glyphs()) {
        MC_SKIP("the built-in font has no glyphs (MC_TEXT_FONT=none)");
        mc_text_destroy(t);
        return;
    }
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const golden_case *c = &cases[i];
        mc_text_style st = style_of(c->size);
        image im;
        uint64_t got;
        st.color = c->color;
        st.background = c->background;
        st.outline_width = c->outline;
        st.outline_color = c->outline_color;
        st.shadow_x = st.shadow_y = c->shadow;
        st.align = c->align;
        st.max_width = c->max_width;
        st.padding = c->padding;
        image_init(&im, c->w, c->h, 0, 0x336699FF);
        MC_CHECK_EQ(draw(t, &im, c->x, c->y, c->text, &st), MC_OK);
        got = fnv1a(&im);
        if (getenv("MC_TEST_DUMP")) {
            char name[64];
            FILE *o;
            int yy;
            snprintf(name, sizeof(name), "golden%zu.pam", i);
            o = fopen(name, "wb");
            fprintf(o, "P7\nWIDTH %d\nHEIGHT %d\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n", c->w, c->h);
            for (yy = 0; yy < c->h; yy++)
                fwrite(px(&im, 0, yy), 4, (size_t)c->w, o);
            fclose(o);
        }
        if (got != c->want)
            fprintf(stderr, "golden case %zu: got 0x%016llxull\n", i, (unsigned long long)got);
        MC_CHECK(got == c->want);
        image_free(&im);
    }
    mc_text_destroy(t);
}

/* Drawing anywhere, partly or wholly outside a small frame, changes exactly the pixels
 * that drawing on a big frame changes in the same place, and nothing outside. */
static void test_clipping_all_edges(void)
{
    static const int positions[][2] = {
        { -30, 5 }, { -200, 5 }, { 20, -12 }, { 20, -200 }, { 30, 5 }, { 60, 20 },
        { 44, 28 }, { -25, -10 }, { 35, 25 }, { 10, 10 }, { 100, 5 }, { 5, 100 },
        { -2000000, 3 }, { 3, 16000000 },
    };
    const char *s = "Edge \xE8\xBE\xB9\xE7\xBC\x98\ntwo";
    const int W = 48, H = 32, M = 400, STRIDE = 48 * 4 + 12;
    mc_text *t = new_text();
    mc_text_style st = style_of(14);
    size_t i;

    mc_text_metrics m;

    st.outline_width = 2;
    st.shadow_x = 3;
    st.shadow_y = -2;
    st.background = 0x00FF0080;
    st.padding = 3;
    MC_CHECK_EQ(mc_text_measure(t, s, strlen(s), &st, &m), MC_OK);
    for (i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
        int x = positions[i][0], y = positions[i][1], xx, yy, diff = 0;
        image small, big;
        int far = x < -1000 || y > 1000;
        /* Whether the box, with its translucent background everywhere, meets the frame. */
        int shows = x + m.box_x < W && x + m.box_x + m.box_width > 0 &&
                    y + m.box_y < H && y + m.box_y + m.box_height > 0;
        image_init(&small, W, H, STRIDE, 0x102030FF);
        image_init(&big, W + 2 * M, H + 2 * M, 0, 0x102030FF);
        MC_CHECK_EQ(draw(t, &small, x, y, s, &st), MC_OK);
        if (!far)
            MC_CHECK_EQ(draw(t, &big, x + M, y + M, s, &st), MC_OK);
        for (yy = 0; yy < H; yy++)
            for (xx = 0; xx < W; xx++)
                diff += memcmp(px(&small, xx, yy), px(&big, xx + M, yy + M), 4) != 0;
        MC_CHECK_EQ(diff, 0);
        /* Equal frames prove nothing if nothing was drawn: where the box meets the frame,
         * pixels changed; elsewhere none did. */
        MC_CHECK_EQ(changed_bounds(&small, 0x102030FF).changed > 0, shows);
        MC_CHECK(guards_intact(&small));
        MC_CHECK(guards_intact(&big));
        image_free(&small);
        image_free(&big);
    }
    mc_text_destroy(t);
}

/* Pixels change only inside the measured box; with an opaque background the changed
 * area is exactly the box. */
static void test_measure_matches_drawing(void)
{
    static const char *texts[] = {
        "Hello World!", "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C",
        "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", "two\nlines here", "a\xCC\x81\xCC\x88 e\xCC\x81",
        "\xCC\x81 lone mark", "tab\there", "spaces  ", "\xF0\x9F\x98\x80 missing \xE0\xB8\x81",
        "\xFF bad \xE4\xBD", "x",
    };
    static const int aligns[] = { MC_TEXT_ALIGN_LEFT, MC_TEXT_ALIGN_CENTER, MC_TEXT_ALIGN_RIGHT };
    mc_text *t = new_text();
    size_t i, a, e;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        for (a = 0; a < 3; a++) {
            for (e = 0; e < 4; e++) {
                mc_text_style st = style_of(20 + (int)e * 7);
                mc_text_metrics m;
                image im;
                bounds b;
                const int X = 300, Y = 60;
                st.align = aligns[a];
                if (e == 1)
                    st.outline_width = 3;
                if (e == 2) {
                    st.shadow_x = -4;
                    st.shadow_y = 5;
                    st.shadow_color = 0xFF0000FF;
                }
                if (e == 3) {
                    st.background = 0x00FF00FF;
                    st.padding = 4;
                }
                MC_CHECK_EQ(mc_text_measure(t, texts[i], strlen(texts[i]), &st, &m), MC_OK);
                image_init(&im, 600, 200, 0, 0x000000FF);
                MC_CHECK_EQ(draw(t, &im, X, Y, texts[i], &st), MC_OK);
                b = changed_bounds(&im, 0x000000FF);
                MC_CHECK(b.changed > 0);
                MC_CHECK(b.x0 >= X + m.box_x && b.y0 >= Y + m.box_y);
                MC_CHECK(b.x1 <= X + m.box_x + m.box_width && b.y1 <= Y + m.box_y + m.box_height);
                if (e == 3) {
                    MC_CHECK_EQ(b.x0, X + m.box_x);
                    MC_CHECK_EQ(b.y0, Y + m.box_y);
                    MC_CHECK_EQ(b.x1, X + m.box_x + m.box_width);
                    MC_CHECK_EQ(b.y1, Y + m.box_y + m.box_height);
                    MC_CHECK_EQ(m.box_width, m.width + 8);
                    MC_CHECK_EQ(m.box_height, m.height + 8);
                } else {
                    /* The ink fills the box to within the glyphs' side bearings. */
                    MC_CHECK(b.x1 - b.x0 >= m.box_width - st.size / 2);
                    MC_CHECK(b.y1 - b.y0 >= m.box_height - st.size * 3 / 4);
                }
                image_free(&im);
            }
        }
    }
    mc_text_destroy(t);
}

static void test_alignment(void)
{
    mc_text *t = new_text();
    static const int aligns[] = { MC_TEXT_ALIGN_LEFT, MC_TEXT_ALIGN_CENTER, MC_TEXT_ALIGN_RIGHT };
    size_t a;
    for (a = 0; a < 3; a++) {
        mc_text_style st = style_of(16);
        image im;
        bounds l1, l2;
        image top, bottom;
        st.align = aligns[a];
        st.background = 0xFFFFFFFF;
        st.padding = 0;
        /* Draw each line separately with a background so its extent is exact. */
        image_init(&top, 200, 60, 0, 0x000000FF);
        image_init(&bottom, 200, 60, 0, 0x000000FF);
        image_init(&im, 200, 60, 0, 0x000000FF);
        MC_CHECK_EQ(draw(t, &top, 100, 0, "ab", &st), MC_OK);
        MC_CHECK_EQ(draw(t, &bottom, 100, 0, "abcdef", &st), MC_OK);
        l1 = changed_bounds(&top, 0x000000FF);
        l2 = changed_bounds(&bottom, 0x000000FF);
        MC_CHECK_EQ(l1.x1 - l1.x0, 16);
        MC_CHECK_EQ(l2.x1 - l2.x0, 48);
        if (aligns[a] == MC_TEXT_ALIGN_LEFT) {
            MC_CHECK_EQ(l1.x0, 100);
            MC_CHECK_EQ(l2.x0, 100);
        } else if (aligns[a] == MC_TEXT_ALIGN_CENTER) {
            MC_CHECK_EQ(l1.x0 + l1.x1, 200);
            MC_CHECK_EQ(l2.x0 + l2.x1, 200);
        } else {
            MC_CHECK_EQ(l1.x1, 100);
            MC_CHECK_EQ(l2.x1, 100);
        }
        /* Two lines together: each line placed as it is alone, line_height apart. */
        st.background = 0;
        MC_CHECK_EQ(draw(t, &im, 100, 0, "ab\nabcdef", &st), MC_OK);
        image_free(&top);
        image_free(&bottom);
        image_init(&top, 200, 60, 0, 0x000000FF);
        image_init(&bottom, 200, 60, 0, 0x000000FF);
        MC_CHECK_EQ(draw(t, &top, 100, 0, "ab", &st), MC_OK);
        MC_CHECK_EQ(draw(t, &top, 100, 20, "abcdef", &st), MC_OK);
        MC_CHECK_EQ(fnv1a(&im), fnv1a(&top));
        image_free(&im);
        image_free(&top);
        image_free(&bottom);
    }
    mc_text_destroy(t);
}

static int lines_of(mc_text *t, const char *s, int size, int max_width, int *width)
{
    mc_text_style st = style_of(size);
    mc_text_metrics m;
    st.max_width = max_width;
    MC_CHECK_EQ(mc_text_measure(t, s, strlen(s), &st, &m), MC_OK);
    if (width)
        *width = m.width;
    return m.lines;
}

static void test_wrapping(void)
{
    mc_text *t = new_text();
    int w;
    /* 16 px: narrow cells 8 px, wide 16 px. */
    MC_CHECK_EQ(lines_of(t, "", 16, 0, &w), 0);
    MC_CHECK_EQ(w, 0);
    MC_CHECK_EQ(lines_of(t, "aaa bbb ccc", 16, 0, &w), 1);
    MC_CHECK_EQ(w, 88);
    MC_CHECK_EQ(lines_of(t, "aaa bbb ccc", 16, 56, &w), 2);     /* "aaa bbb" fits exactly */
    MC_CHECK_EQ(w, 56);
    MC_CHECK_EQ(lines_of(t, "aaa bbb ccc", 16, 55, &w), 3);
    MC_CHECK_EQ(w, 24);
    MC_CHECK_EQ(lines_of(t, "aaa   bbb", 16, 40, &w), 2);       /* spaces hang at the break */
    MC_CHECK_EQ(w, 24);
    MC_CHECK_EQ(lines_of(t, "abcdefghij", 16, 40, &w), 2);      /* no break: split the word */
    MC_CHECK_EQ(w, 40);
    MC_CHECK_EQ(lines_of(t, "well-known", 16, 48, &w), 2);      /* after a hyphen */
    MC_CHECK_EQ(w, 40);
    MC_CHECK_EQ(lines_of(t, "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C\xE4\xBD\xA0\xE5\xA5\xBD", 16, 32, &w), 3);
    MC_CHECK_EQ(w, 32);
    /* "你好，世界" at two characters a line: "，" may not start a line, so "好" moves down. */
    MC_CHECK_EQ(lines_of(t, "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C", 16, 32, &w), 3);
    {
        mc_text_style st = style_of(16);
        image a, b;
        st.max_width = 32;
        image_init(&a, 60, 80, 0, 0x000000FF);
        image_init(&b, 60, 80, 0, 0x000000FF);
        MC_CHECK_EQ(draw(t, &a, 0, 0, "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C", &st), MC_OK);
        st.max_width = 0;
        MC_CHECK_EQ(draw(t, &b, 0, 0, "\xE4\xBD\xA0\n\xE5\xA5\xBD\xEF\xBC\x8C\n\xE4\xB8\x96\xE7\x95\x8C", &st), MC_OK);
        MC_CHECK_EQ(fnv1a(&a), fnv1a(&b));
        image_free(&a);
        image_free(&b);
    }
    /* "（" may not end a line: "你（好）" at three characters a line is "你" + "（好）"
     * (were the break allowed after "（", it would be "你（" + "好）", 32 px wide). */
    MC_CHECK_EQ(lines_of(t, "\xE4\xBD\xA0\xEF\xBC\x88\xE5\xA5\xBD\xEF\xBC\x89", 16, 48, &w), 2);
    MC_CHECK_EQ(w, 48);
    /* Hard breaks, every kind, and a trailing one. */
    MC_CHECK_EQ(lines_of(t, "a\nb\r\nc\rd", 16, 0, NULL), 4);
    MC_CHECK_EQ(lines_of(t, "a\xE2\x80\xA8" "b\xC2\x85" "c", 16, 0, NULL), 3);
    MC_CHECK_EQ(lines_of(t, "a\n", 16, 0, NULL), 2);
    /* A tab reaches the next stop (4 narrow cells); zero-width characters take nothing. */
    MC_CHECK_EQ(lines_of(t, "\tX", 16, 0, &w), 1);
    MC_CHECK_EQ(w, 40);
    MC_CHECK_EQ(lines_of(t, "ab\tX", 16, 0, &w), 1);
    MC_CHECK_EQ(w, 40);
    MC_CHECK_EQ(lines_of(t, "a\xE2\x80\x8B" "b\xEF\xBB\xBF\x01", 16, 0, &w), 1);
    MC_CHECK_EQ(w, 16);
    /* A zero-width space is a break opportunity. */
    MC_CHECK_EQ(lines_of(t, "abc\xE2\x80\x8B" "def", 16, 40, &w), 2);
    MC_CHECK_EQ(w, 24);
    /* A combining mark stays with its base and adds no width. */
    MC_CHECK_EQ(lines_of(t, "e\xCC\x81" "e\xCC\x81", 16, 8, &w), 2);
    MC_CHECK_EQ(w, 8);
    /* Line height: size * 5 / 4 by default, or as set. */
    {
        mc_text_style st = style_of(16);
        mc_text_metrics m;
        MC_CHECK_EQ(mc_text_measure(t, "a\nb\nc", 5, &st, &m), MC_OK);
        MC_CHECK_EQ(m.line_height, 20);
        MC_CHECK_EQ(m.height, 56);
        st.line_height = 30;
        MC_CHECK_EQ(mc_text_measure(t, "a\nb\nc", 5, &st, &m), MC_OK);
        MC_CHECK_EQ(m.height, 76);
    }
    mc_text_destroy(t);
}

static void test_replacement_box(void)
{
    mc_text *t = new_text();
    mc_text_style st = style_of(16);
    image a, b;
    bounds bb;
    /* U+0E01 and U+0E02 (Thai) are not built in: both draw the same narrow box. */
    MC_CHECK(!mc_text_has_glyph(t, 0x0E01));
    image_init(&a, 30, 20, 0, 0x000000FF);
    image_init(&b, 30, 20, 0, 0x000000FF);
    MC_CHECK_EQ(draw(t, &a, 0, 0, "\xE0\xB8\x81", &st), MC_OK);
    MC_CHECK_EQ(draw(t, &b, 0, 0, "\xE0\xB8\x82", &st), MC_OK);
    MC_CHECK_EQ(fnv1a(&a), fnv1a(&b));
    bb = changed_bounds(&a, 0x000000FF);
    MC_CHECK_EQ(bb.x0, 1);        /* the box: columns 1..6, rows 2..13 */
    MC_CHECK_EQ(bb.x1, 7);
    MC_CHECK_EQ(bb.y0, 2);
    MC_CHECK_EQ(bb.y1, 14);
    MC_CHECK_EQ(bb.changed, 2 * 6 + 2 * 10);
    image_free(&a);
    image_free(&b);
    /* An emoji (outside the BMP) is wide: a 16 px box. */
    image_init(&a, 30, 20, 0, 0x000000FF);
    MC_CHECK_EQ(draw(t, &a, 0, 0, "\xF0\x9F\x98\x80", &st), MC_OK);
    bb = changed_bounds(&a, 0x000000FF);
    MC_CHECK_EQ(bb.x1 - bb.x0, 14);
    image_free(&a);
    mc_text_destroy(t);
}

static void test_invalid_utf8_draws_fffd(void)
{
    static const char *pairs[][2] = {
        { "\xFF", "\xEF\xBF\xBD" },
        { "a\xE4\xBD" "b", "a\xEF\xBF\xBD" "b" },
        { "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD" },
        { "\xED\xA0\x80!", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!" },
    };
    mc_text *t = new_text();
    mc_text_style st = style_of(24);
    size_t i;
    for (i = 0; i < 4; i++) {
        image a, b;
        image_init(&a, 120, 30, 0, 0x000000FF);
        image_init(&b, 120, 30, 0, 0x000000FF);
        MC_CHECK_EQ(draw(t, &a, 1, 1, pairs[i][0], &st), MC_OK);
        MC_CHECK_EQ(draw(t, &b, 1, 1, pairs[i][1], &st), MC_OK);
        MC_CHECK_EQ(fnv1a(&a), fnv1a(&b));
        MC_CHECK(changed_bounds(&a, 0x000000FF).changed > 0);
        image_free(&a);
        image_free(&b);
    }
    mc_text_destroy(t);
}

static void test_alpha_and_transparent_frames(void)
{
    mc_text *t = new_text();
    mc_text_style st = style_of(16);
    image im;
    bounds b;
    /* On a transparent frame, a box at alpha 0x80 leaves alpha 0x80 and its colour. */
    st.background = 0xFF000080;
    st.padding = 2;
    image_init(&im, 40, 30, 0, 0x00000000);
    MC_CHECK_EQ(draw(t, &im, 5, 5, "a", &st), MC_OK);
    MC_CHECK_EQ(px(&im, 3, 3)[0], 255);
    MC_CHECK_EQ(px(&im, 3, 3)[3], 0x80);
    MC_CHECK_EQ(px(&im, 0, 0)[3], 0);
    image_free(&im);
    /* Half-transparent white on opaque black: about half grey, alpha stays 255. */
    mc_text_style_default(&st);
    st.background = 0xFFFFFF80;
    image_init(&im, 40, 30, 0, 0x000000FF);
    MC_CHECK_EQ(draw(t, &im, 5, 5, "a", &st), MC_OK);
    MC_CHECK_EQ(px(&im, 5, 5)[0], 128);
    MC_CHECK_EQ(px(&im, 5, 5)[3], 255);
    /* A fully transparent colour draws nothing at all. */
    image_free(&im);
    mc_text_style_default(&st);
    st.color = 0xFFFFFF00;
    image_init(&im, 40, 30, 0, 0x000000FF);
    MC_CHECK_EQ(draw(t, &im, 5, 5, "abc", &st), MC_OK);
    b = changed_bounds(&im, 0x000000FF);
    MC_CHECK_EQ(b.changed, 0);
    image_free(&im);
    mc_text_destroy(t);
}

static void test_bad_arguments(void)
{
    mc_text *t = new_text(), *u = NULL;
    mc_text_config cfg;
    mc_text_style st = style_of(16);
    mc_text_metrics m;
    image im;
    uint64_t before;
    char *big = malloc(MC_TEXT_MAX_BYTES + 1);

    memset(big, 'a', MC_TEXT_MAX_BYTES + 1);
    image_init(&im, 20, 20, 0, 0x000000FF);
    before = fnv1a(&im);
    MC_CHECK_EQ(mc_text_create(NULL, NULL), MC_EINVAL);
    mc_text_config_default(&cfg);
    cfg.cache_bytes = 1000;
    MC_CHECK_EQ(mc_text_create(&cfg, &u), MC_ERANGE);
    mc_text_config_default(&cfg);
    cfg.layer_bytes = MC_TEXT_MIN_LAYER - 1;
    MC_CHECK_EQ(mc_text_create(&cfg, &u), MC_ERANGE);
    MC_CHECK(u == NULL);
    mc_text_destroy(NULL);
    MC_CHECK_EQ(mc_text_draw(NULL, &im.f, 0, 0, "a", 1, &st), MC_EINVAL);
    MC_CHECK_EQ(mc_text_draw(t, NULL, 0, 0, "a", 1, &st), MC_EINVAL);
    MC_CHECK_EQ(mc_text_draw(t, &im.f, 0, 0, NULL, 1, &st), MC_EINVAL);
    MC_CHECK_EQ(mc_text_draw(t, &im.f, 0, 0, "a", 1, NULL), MC_EINVAL);
    MC_CHECK_EQ(mc_text_draw(t, &im.f, 0, 0, big, MC_TEXT_MAX_BYTES + 1, &st), MC_ELIMIT);
    MC_CHECK_EQ(mc_text_draw(t, &im.f, 0, 0, big, MC_TEXT_MAX_BYTES, &st), MC_OK);
    MC_CHECK_EQ(mc_text_measure(t, big, MC_TEXT_MAX_BYTES + 1, &st, &m), MC_ELIMIT);
    MC_CHECK_EQ(m.lines, 0);
    MC_CHECK_EQ(mc_text_measure(t, "a", 1, &st, NULL), MC_EINVAL);
    MC_CHECK_EQ(mc_text_draw(t, &im.f, MC_TEXT_MAX_COORD + 1, 0, "a", 1, &st), MC_ERANGE);
    MC_CHECK_EQ(mc_text_draw(t, &im.f, 0, -MC_TEXT_MAX_COORD - 1, "a", 1, &st), MC_ERANGE);
    image_free(&im);
    image_init(&im, 20, 20, 0, 0x000000FF);
    {
        static const struct { int field, value; } bad[] = {
            { 0, 3 }, { 0, 513 }, { 0, -16 }, { 1, -1 }, { 1, 1025 }, { 2, -1 }, { 2, 17 },
            { 3, 65 }, { 3, -65 }, { 4, 3 }, { 4, -1 }, { 5, -1 }, { 6, -1 }, { 5, (1 << 24) + 1 },
        };
        size_t i;
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            mc_text_style s = style_of(16);
            switch (bad[i].field) {
            case 0: s.size = bad[i].value; break;
            case 1: s.padding = bad[i].value; break;
            case 2: s.outline_width = bad[i].value; break;
            case 3: s.shadow_y = bad[i].value; break;
            case 4: s.align = bad[i].value; break;
            case 5: s.max_width = bad[i].value; break;
            default: s.line_height = bad[i].value; break;
            }
            MC_CHECK_EQ(mc_text_style_check(&s), MC_ERANGE);
            MC_CHECK_EQ(mc_text_draw(t, &im.f, 0, 0, "a", 1, &s), MC_ERANGE);
            MC_CHECK_EQ(mc_text_measure(t, "a", 1, &s, &m), MC_ERANGE);
        }
    }
    /* A frame whose buffer is too small for its dimensions: rejected, nothing written. */
    {
        mc_frame f = im.f;
        f.size -= 1;
        MC_CHECK_EQ(mc_text_draw(t, &f, 0, 0, "a", 1, &st), MC_EBUFSIZE);
        f = im.f;
        f.stride = 4;
        MC_CHECK_EQ(mc_text_draw(t, &f, 0, 0, "a", 1, &st), MC_ESTRIDE);
        f = im.f;
        f.width = 0;
        MC_CHECK_EQ(mc_text_draw(t, &f, 0, 0, "a", 1, &st), MC_EDIMENSIONS);
    }
    MC_CHECK_EQ(fnv1a(&im), before);
    MC_CHECK(guards_intact(&im));
    /* Still works afterwards. */
    MC_CHECK_EQ(mc_text_draw(t, &im.f, 0, 0, "a", 1, &st), MC_OK);
    MC_CHECK(fnv1a(&im) != before);
    MC_CHECK_EQ(mc_text_add_font(t, NULL, 10), MC_EINVAL);
    MC_CHECK_EQ(mc_text_add_font(t, (const uint8_t *)"MCFB", 4), MC_EFORMAT);
    image_free(&im);
    free(big);
    mc_text_destroy(t);
}

static void test_cache(void)
{
    mc_text *t = new_text(), *small = NULL;
    mc_text_config cfg;
    mc_text_stats s1, s2;
    mc_text_style st = style_of(32);
    image a, b;
    const char *s = "Caption \xE6\xA0\x87\xE9\xA2\x98 2024-01-01 12:00:00";
    int i;

    st.outline_width = 2;
    image_init(&a, 700, 50, 0, 0x000000FF);
    MC_CHECK_EQ(draw(t, &a, 0, 4, s, &st), MC_OK);
    MC_CHECK_EQ(mc_text_get_stats(t, &s1), MC_OK);
    MC_CHECK(s1.misses > 0);
    for (i = 0; i < 10; i++)
        MC_CHECK_EQ(draw(t, &a, 0, 4, s, &st), MC_OK);
    MC_CHECK_EQ(mc_text_get_stats(t, &s2), MC_OK);
    MC_CHECK_EQ(s2.misses, s1.misses);     /* no glyph rasterized again */
    MC_CHECK_EQ(s2.renders, s1.renders);   /* nor the layer: the same caption is reused */
    MC_CHECK_EQ(s2.layer_hits, s1.layer_hits + 10);
    MC_CHECK_EQ(s2.resets, 0);
    /* Moving the caption reuses the layer; changing it renders a new one, from cached glyphs. */
    MC_CHECK_EQ(draw(t, &a, 7, 9, s, &st), MC_OK);
    MC_CHECK_EQ(mc_text_get_stats(t, &s1), MC_OK);
    MC_CHECK_EQ(s1.renders, s2.renders);
    MC_CHECK_EQ(draw(t, &a, 0, 4, "Caption 2024-01-01", &st), MC_OK);
    MC_CHECK_EQ(mc_text_get_stats(t, &s1), MC_OK);
    MC_CHECK_EQ(s1.renders, s2.renders + 1);
    MC_CHECK_EQ(s1.misses, s2.misses);
    /* The smallest cache, with glyphs too big to keep: emptied and refilled, same pixels. */
    mc_text_config_default(&cfg);
    cfg.cache_bytes = MC_TEXT_MIN_CACHE;
    MC_CHECK_EQ(mc_text_create(&cfg, &small), MC_OK);
    more_glyphs(small);
    st.size = 300;
    st.outline_width = 16;
    image_free(&a);
    image_init(&a, 2400, 340, 0, 0x000000FF);
    image_init(&b, 2400, 340, 0, 0x000000FF);
    MC_CHECK_EQ(draw(t, &a, 20, 20, "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C\xE4\xBD\xA0\xE4\xBB\xAC Wg", &st), MC_OK);
    MC_CHECK_EQ(draw(small, &b, 20, 20, "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C\xE4\xBD\xA0\xE4\xBB\xAC Wg", &st), MC_OK);
    MC_CHECK_EQ(fnv1a(&a), fnv1a(&b));
    MC_CHECK(changed_bounds(&a, 0x000000FF).changed > 300 * 300);   /* and not both blank */
    MC_CHECK_EQ(mc_text_get_stats(small, &s2), MC_OK);
    MC_CHECK(s2.resets > 0);
    MC_CHECK(s2.cache_used <= MC_TEXT_MIN_CACHE);
    MC_CHECK_EQ(mc_text_get_stats(NULL, &s2), MC_EINVAL);
    /* The smallest layer memory: the big text is rendered in bands, with the same pixels. */
    mc_text_destroy(small);
    cfg.cache_bytes = 2u << 20;
    cfg.layer_bytes = MC_TEXT_MIN_LAYER;
    MC_CHECK_EQ(mc_text_create(&cfg, &small), MC_OK);
    more_glyphs(small);
    image_free(&b);
    image_init(&b, 2400, 340, 0, 0x000000FF);
    st.shadow_x = 5;
    st.shadow_y = -7;
    st.background = 0x40404080;
    st.padding = 9;
    image_free(&a);
    image_init(&a, 2400, 340, 0, 0x000000FF);
    MC_CHECK_EQ(draw(t, &a, 20, 20, "\xE4\xBD\xA0\xE5\xA5\xBD Wg", &st), MC_OK);
    MC_CHECK_EQ(mc_text_get_stats(small, &s1), MC_OK);
    MC_CHECK_EQ(draw(small, &b, 20, 20, "\xE4\xBD\xA0\xE5\xA5\xBD Wg", &st), MC_OK);
    MC_CHECK_EQ(fnv1a(&a), fnv1a(&b));
    MC_CHECK(changed_bounds(&a, 0x000000FF).changed > 300 * 300);
    MC_CHECK_EQ(mc_text_get_stats(small, &s2), MC_OK);
    MC_CHECK(s2.renders - s1.renders > 10);   /* band after band */
    image_free(&a);
    image_free(&b);
    mc_text_destroy(small);
    mc_text_destroy(t);
}

/* Source-over of one premultiplied layer pixel onto a straight-alpha frame pixel, written
 * out from its definition: over an opaque pixel s + round(d (255 - sa) / 255) per colour;
 * over a translucent one the exact straight-alpha result. */
static void ref_over(uint8_t *d, const uint8_t *s)
{
    unsigned sa = s[3], da = d[3], ia = 255u - sa, c;
    if (sa == 0)
        return;
    if (da == 255u) {
        for (c = 0; c < 3; c++)
            d[c] = (uint8_t)(s[c] + (d[c] * ia * 2u + 255u) / 510u);
    } else {
        unsigned wd = da * ia, den = sa * 255u + wd;
        for (c = 0; c < 3; c++)
            d[c] = (uint8_t)((s[c] * 65025u + d[c] * wd + den / 2) / den);
        d[3] = (uint8_t)((den + 127u) / 255u);
    }
}

/* The compositing kernel this build has (SIMD natively) and the one-pixel function against
 * ref_over, on random premultiplied layers over opaque and translucent frames, at every
 * offset; some rounds are mostly opaque or transparent layer pixels, as glyphs are. */
static void test_composite_kernel(void)
{
    unsigned seed = 12345;
    int round, i, bad = 0, bad_px = 0;
    for (round = 0; round < 4000; round++) {
        uint8_t layer[4 * 37], a[4 * 37], b[4 * 37], r2[4 * 37];
        int n = 1 + (int)(mc_test_rand(&seed) % 37), opaque = round % 3 != 0;
        int glyphy = round % 4 == 3;
        for (i = 0; i < n; i++) {
            unsigned r = mc_test_rand(&seed), alpha;
            if (glyphy)
                alpha = r % 16 == 0 ? (r >> 8) % 256 : r % 16 < 9 ? 255 : 0;
            else
                alpha = r % 4 == 0 ? 0 : r % 4 == 1 ? 255 : (r >> 8) % 256;
            int c;
            for (c = 0; c < 3; c++)
                layer[4 * i + c] = (uint8_t)(alpha ? mc_test_rand(&seed) % (alpha + 1) : 0);
            layer[4 * i + 3] = (uint8_t)alpha;
            for (c = 0; c < 4; c++)
                a[4 * i + c] = b[4 * i + c] = r2[4 * i + c] = (uint8_t)mc_test_rand(&seed);
            if (opaque || mc_test_rand(&seed) % 2)
                a[4 * i + 3] = b[4 * i + 3] = r2[4 * i + 3] = 255;
        }
        mc_text_composite_row(a, layer, n);
        for (i = 0; i < n; i++) {
            mc_text_composite_px(b + 4 * i, layer + 4 * i);
            ref_over(r2 + 4 * i, layer + 4 * i);
        }
        bad += memcmp(a, r2, (size_t)n * 4) != 0;
        bad_px += memcmp(b, r2, (size_t)n * 4) != 0;
    }
    MC_CHECK_EQ(bad, 0);
    MC_CHECK_EQ(bad_px, 0);
}

int main(void)
{
    MC_RUN_TEST(test_utf8_vectors);
    MC_RUN_TEST(test_utf8_round_trip);
    MC_RUN_TEST(test_builtin_coverage);
    MC_RUN_TEST(test_font_glyphs_match_unifont);
    MC_RUN_TEST(test_font_rejects_corruption);
    MC_RUN_TEST(test_bmp_font_file);
    MC_RUN_TEST(test_size16_is_unifont);
    MC_RUN_TEST(test_smooth_at_large_sizes);
    MC_RUN_TEST(test_golden);
    MC_RUN_TEST(test_clipping_all_edges);
    MC_RUN_TEST(test_measure_matches_drawing);
    MC_RUN_TEST(test_alignment);
    MC_RUN_TEST(test_wrapping);
    MC_RUN_TEST(test_replacement_box);
    MC_RUN_TEST(test_invalid_utf8_draws_fffd);
    MC_RUN_TEST(test_alpha_and_transparent_frames);
    MC_RUN_TEST(test_bad_arguments);
    MC_RUN_TEST(test_cache);
    MC_RUN_TEST(test_composite_kernel);
    free(test_glyphs);
    return mc_test_finish();
}
