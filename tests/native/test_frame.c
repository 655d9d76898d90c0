/* test_frame.c: frame validation, filter names, the filter maths against the W3C
 * matrices, and the SIMD path against the scalar path byte for byte. */
#include <math.h>
#include <stdint.h>

#include "mediacore/frame.h"
#include "mc_test.h"

static void test_wrap_rejects_bad_frames(void)
{
    uint8_t buf[64];
    mc_frame f;

    MC_CHECK_EQ(mc_frame_wrap(NULL, buf, sizeof(buf), 2, 2, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_frame_wrap(&f, NULL, sizeof(buf), 2, 2, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), 0, 2, 0), MC_EDIMENSIONS);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), 2, 0, 0), MC_EDIMENSIONS);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), -2, 2, 0), MC_EDIMENSIONS);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), 2, -2, 0), MC_EDIMENSIONS);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), MC_FRAME_MAX_DIM + 1, 1, 0), MC_EDIMENSIONS);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), 1, MC_FRAME_MAX_DIM + 1, 0), MC_EDIMENSIONS);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), INT32_MAX, INT32_MAX, 0), MC_EDIMENSIONS);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), 2, 2, 7), MC_ESTRIDE);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), 2, 2, -8), MC_ESTRIDE);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), 2, 2, INT32_MAX), MC_ESTRIDE);
    /* 2x2 with stride 12 spans 12 + 8 = 20 bytes: 19 is one short. */
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, 19, 2, 2, 12), MC_EBUFSIZE);
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, 20, 2, 2, 12), MC_OK);
    MC_CHECK_EQ(f.stride, 12);
    /* Huge but valid dimensions with a tiny buffer: rejected, nothing touched. */
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, sizeof(buf), MC_FRAME_MAX_DIM, MC_FRAME_MAX_DIM, 0), MC_EBUFSIZE);
    MC_CHECK(f.data == NULL && f.width == 0);   /* zeroed on error */
    MC_CHECK_EQ(mc_frame_wrap(&f, buf, 16, 2, 2, 0), MC_OK);
    MC_CHECK_EQ(f.stride, 8);
    MC_CHECK_EQ(mc_frame_span(2, 2, 8), 16);
}

static void test_filter_rejects_bad_frames(void)
{
    uint8_t buf[16] = { 0 };
    mc_frame f = { buf, sizeof(buf), 2, 2, 8 };

    MC_CHECK_EQ(mc_frame_filter(NULL, MC_FILTER_SEPIA), MC_EINVAL);
    MC_CHECK_EQ(mc_frame_filter(&f, (mc_filter)7), MC_ENAME);
    MC_CHECK_EQ(mc_frame_filter(&f, (mc_filter)-1), MC_ENAME);
    MC_CHECK_EQ(mc_frame_filter_path(&f, MC_FILTER_SEPIA, (mc_path)9), MC_EINVAL);
    /* A hand-filled struct is validated too. */
    f.size = 15;
    MC_CHECK_EQ(mc_frame_filter(&f, MC_FILTER_INVERT), MC_EBUFSIZE);
    f.size = 16;
    f.stride = 4;
    MC_CHECK_EQ(mc_frame_filter(&f, MC_FILTER_INVERT), MC_ESTRIDE);
    f.stride = 8;
    f.height = 0;
    MC_CHECK_EQ(mc_frame_filter(&f, MC_FILTER_INVERT), MC_EDIMENSIONS);
    f.height = 2;
    f.data = NULL;
    MC_CHECK_EQ(mc_frame_filter(&f, MC_FILTER_INVERT), MC_EINVAL);
}

static void test_filter_names(void)
{
    static const char *names[] = { "none", "grayscale", "sepia", "invert" };
    mc_filter filter = MC_FILTER_NONE;
    int i;

    for (i = 0; i < MC_FILTER_COUNT; i++) {
        MC_CHECK_EQ(mc_filter_from_name(names[i], &filter), MC_OK);
        MC_CHECK_EQ(filter, i);
        MC_CHECK_STR(mc_filter_name((mc_filter)i), names[i]);
    }
    MC_CHECK_EQ(mc_filter_from_name("blur", &filter), MC_ENAME);
    MC_CHECK_EQ(mc_filter_from_name("", &filter), MC_ENAME);
    MC_CHECK_EQ(mc_filter_from_name("Grayscale", &filter), MC_ENAME);
    MC_CHECK_EQ(mc_filter_from_name("grayscale ", &filter), MC_ENAME);
    MC_CHECK_EQ(mc_filter_from_name(NULL, &filter), MC_EINVAL);
    MC_CHECK_EQ(mc_filter_from_name("sepia", NULL), MC_EINVAL);
    MC_CHECK(mc_filter_name((mc_filter)4) == NULL);
    MC_CHECK(mc_filter_name((mc_filter)-1) == NULL);
}

static void test_error_strings(void)
{
    int code;

    for (code = MC_ERROR_MIN; code <= 0; code++) {
        MC_CHECK(strncmp(mc_error_name(code), "MC_", 3) == 0);
        MC_CHECK(strcmp(mc_strerror(code), "unknown error") != 0);
    }
    MC_CHECK_STR(mc_error_name(MC_EDIMENSIONS), "MC_EDIMENSIONS");
    MC_CHECK_STR(mc_error_name(MC_ERROR_MIN - 1), "MC_EUNKNOWN");
    MC_CHECK_STR(mc_error_name(1), "MC_EUNKNOWN");
    MC_CHECK_STR(mc_strerror(-1000), "unknown error");
}

/* The real-valued W3C matrices, for comparison with the fixed-point results. */
static const double gray_w3c[3] = { 0.2126, 0.7152, 0.0722 };
static const double sepia_w3c[3][3] = {
    { 0.393, 0.769, 0.189 }, { 0.349, 0.686, 0.168 }, { 0.272, 0.534, 0.131 },
};

static double exact(const double *w, const uint8_t *px)
{
    double v = w[0] * px[0] + w[1] * px[1] + w[2] * px[2];
    return v > 255.0 ? 255.0 : v;
}

static void test_filters_follow_w3c_matrices(void)
{
    enum { N = 1 << 16 };
    static uint8_t src[N * 4], dst[N * 4];
    unsigned seed = 12345;
    mc_frame f;
    int i, c, filter;
    double worst = 0;

    for (i = 0; i < N * 4; i++)
        src[i] = (uint8_t)mc_test_rand(&seed);
    for (filter = MC_FILTER_GRAYSCALE; filter <= MC_FILTER_INVERT; filter++) {
        memcpy(dst, src, sizeof(dst));
        MC_CHECK_EQ(mc_frame_wrap(&f, dst, sizeof(dst), 256, N / 256, 0), MC_OK);
        MC_CHECK_EQ(mc_frame_filter_path(&f, (mc_filter)filter, MC_PATH_SCALAR), MC_OK);
        for (i = 0; i < N; i++) {
            const uint8_t *s = src + i * 4, *d = dst + i * 4;
            for (c = 0; c < 3; c++) {
                double want = filter == MC_FILTER_GRAYSCALE ? exact(gray_w3c, s)
                            : filter == MC_FILTER_SEPIA ? exact(sepia_w3c[c], s)
                            : 255.0 - s[c];
                double err = fabs(d[c] - want);
                if (err > worst)
                    worst = err;
            }
            MC_CHECK_EQ(d[3], s[3]);   /* alpha untouched */
        }
    }
    /* Rounded to nearest: never more than half a level plus the Q15 error (< 0.02). */
    MC_CHECK(worst < 0.52);
}

static void test_known_values(void)
{
    uint8_t px[4][4] = {
        { 255, 255, 255, 255 }, { 0, 0, 0, 7 }, { 255, 0, 0, 128 }, { 10, 20, 30, 0 },
    };
    uint8_t g[16], s[16], v[16];
    mc_frame f;

    memcpy(g, px, 16);
    memcpy(s, px, 16);
    memcpy(v, px, 16);
    MC_CHECK_EQ(mc_frame_wrap(&f, g, 16, 4, 1, 0), MC_OK);
    MC_CHECK_EQ(mc_frame_filter(&f, MC_FILTER_GRAYSCALE), MC_OK);
    MC_CHECK_EQ(mc_frame_wrap(&f, s, 16, 4, 1, 0), MC_OK);
    MC_CHECK_EQ(mc_frame_filter(&f, MC_FILTER_SEPIA), MC_OK);
    MC_CHECK_EQ(mc_frame_wrap(&f, v, 16, 4, 1, 0), MC_OK);
    MC_CHECK_EQ(mc_frame_filter(&f, MC_FILTER_INVERT), MC_OK);

    MC_CHECK(g[0] == 255 && g[1] == 255 && g[2] == 255 && g[3] == 255);   /* white stays white */
    MC_CHECK(g[4] == 0 && g[7] == 7);
    MC_CHECK(g[8] == 54 && g[9] == 54 && g[10] == 54 && g[11] == 128);   /* 0.2126 * 255 = 54.2 */
    MC_CHECK(s[0] == 255 && s[1] == 255 && s[2] == 239);                  /* 0.937 * 255 = 238.9 */
    MC_CHECK(s[8] == 100 && s[9] == 89 && s[10] == 69);                   /* 100.2, 89.0, 69.4 */
    MC_CHECK(s[12] == 25 && s[13] == 22 && s[14] == 17 && s[15] == 0);    /* 24.98, 22.4, 17.4 */
    MC_CHECK(v[0] == 0 && v[3] == 255 && v[4] == 255 && v[7] == 7 && v[12] == 245 && v[14] == 225);
}

/* Every RGB value, with varying alpha, through both paths: identical bytes. */
static void test_simd_matches_scalar_exhaustively(void)
{
    enum { N = 1 << 24 };
    uint8_t *a = malloc((size_t)N * 4), *b = malloc((size_t)N * 4);
    mc_frame fa, fb;
    int filter;
    uint32_t i;

    MC_CHECK(mc_frame_has_simd() == 1);
    MC_CHECK(a != NULL && b != NULL);
    if (a == NULL || b == NULL)
        goto out;
    for (filter = MC_FILTER_NONE; filter <= MC_FILTER_INVERT; filter++) {
        for (i = 0; i < N; i++) {
            a[i * 4 + 0] = (uint8_t)(i >> 16);
            a[i * 4 + 1] = (uint8_t)(i >> 8);
            a[i * 4 + 2] = (uint8_t)i;
            a[i * 4 + 3] = (uint8_t)(i * 7);
        }
        memcpy(b, a, (size_t)N * 4);
        MC_CHECK_EQ(mc_frame_wrap(&fa, a, (size_t)N * 4, 4096, N / 4096, 0), MC_OK);
        MC_CHECK_EQ(mc_frame_wrap(&fb, b, (size_t)N * 4, 4096, N / 4096, 0), MC_OK);
        MC_CHECK_EQ(mc_frame_filter_path(&fa, (mc_filter)filter, MC_PATH_SCALAR), MC_OK);
        MC_CHECK_EQ(mc_frame_filter_path(&fb, (mc_filter)filter, MC_PATH_SIMD), MC_OK);
        MC_CHECK(memcmp(a, b, (size_t)N * 4) == 0);
    }
out:
    free(a);
    free(b);
}

/* Odd sizes and padded strides: both paths agree, and padding and the bytes after the
 * frame are never touched. */
static void test_strides_and_edges(void)
{
    unsigned seed = 99;
    int w, h, pad, filter;

    for (w = 1; w <= 37; w++) {
        for (h = 1; h <= 5; h += 2) {
            for (pad = 0; pad <= 12; pad += 4) {
                int stride = w * 4 + pad;
                size_t span = mc_frame_span(w, h, stride), total = span + 64, i;
                uint8_t *orig = malloc(total), *s = malloc(total), *v = malloc(total);
                for (i = 0; i < total; i++)
                    orig[i] = (uint8_t)mc_test_rand(&seed);
                for (filter = MC_FILTER_GRAYSCALE; filter <= MC_FILTER_INVERT; filter++) {
                    mc_frame fs, fv;
                    int y, x;
                    memcpy(s, orig, total);
                    memcpy(v, orig, total);
                    MC_CHECK_EQ(mc_frame_wrap(&fs, s, span, w, h, stride), MC_OK);
                    MC_CHECK_EQ(mc_frame_wrap(&fv, v, span, w, h, stride), MC_OK);
                    MC_CHECK_EQ(mc_frame_filter_path(&fs, (mc_filter)filter, MC_PATH_SCALAR), MC_OK);
                    MC_CHECK_EQ(mc_frame_filter_path(&fv, (mc_filter)filter, MC_PATH_SIMD), MC_OK);
                    MC_CHECK(memcmp(s, v, total) == 0);
                    for (y = 0; y < h; y++)
                        for (x = w * 4; x < stride && (size_t)(y * stride + x) < total; x++)
                            if ((size_t)(y * stride + x) >= span || x >= w * 4)
                                MC_CHECK_EQ(v[y * stride + x], orig[y * stride + x]);
                    MC_CHECK(memcmp(v + span, orig + span, 64) == 0);
                }
                free(orig);
                free(s);
                free(v);
            }
        }
    }
}

/* Runs longer than a read-ahead slab (1024 pixels), padded or not, in buffers that end
 * exactly at the frame (so ASan sees any read past it): every pixel comes out as when it
 * is filtered on its own, as a 1x1 frame, on both paths. */
static void test_long_runs(void)
{
    static const int widths[] = { 1023, 1024, 1025, 2049, 3001 };
    unsigned seed = 7;
    size_t wi;
    int h, pad, filter, path;

    for (wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++) {
        for (h = 1; h <= 4; h++) {
            for (pad = 0; pad <= 12; pad += 12) {
                int w = widths[wi], stride = w * 4 + pad, x, y;
                size_t span = mc_frame_span(w, h, stride), i;
                uint8_t *orig = malloc(span), *got = malloc(span), px[4];
                MC_CHECK(orig != NULL && got != NULL);
                if (orig == NULL || got == NULL) {
                    free(orig);
                    free(got);
                    return;
                }
                for (i = 0; i < span; i++)
                    orig[i] = (uint8_t)mc_test_rand(&seed);
                for (filter = MC_FILTER_GRAYSCALE; filter <= MC_FILTER_INVERT; filter++) {
                    for (path = MC_PATH_SCALAR; path <= MC_PATH_SIMD; path++) {
                        mc_frame f, one;
                        memcpy(got, orig, span);
                        MC_CHECK_EQ(mc_frame_wrap(&f, got, span, w, h, stride), MC_OK);
                        MC_CHECK_EQ(mc_frame_filter_path(&f, (mc_filter)filter, (mc_path)path),
                                    MC_OK);
                        for (y = 0; y < h; y++) {
                            for (x = 0; x < w; x++) {
                                memcpy(px, orig + (size_t)y * stride + (size_t)x * 4, 4);
                                MC_CHECK_EQ(mc_frame_wrap(&one, px, 4, 1, 1, 0), MC_OK);
                                MC_CHECK_EQ(mc_frame_filter_path(&one, (mc_filter)filter,
                                                                 MC_PATH_SCALAR), MC_OK);
                                if (memcmp(px, got + (size_t)y * stride + (size_t)x * 4, 4) != 0) {
                                    MC_CHECK(!"a pixel of a long run differs from itself alone");
                                    y = h;
                                    break;
                                }
                            }
                            for (x = w * 4; x < stride && y < h && (size_t)y * stride + x < span; x++)
                                MC_CHECK_EQ(got[(size_t)y * stride + x], orig[(size_t)y * stride + x]);
                        }
                    }
                }
                free(orig);
                free(got);
            }
        }
    }
}

int main(void)
{
    MC_RUN_TEST(test_wrap_rejects_bad_frames);
    MC_RUN_TEST(test_filter_rejects_bad_frames);
    MC_RUN_TEST(test_filter_names);
    MC_RUN_TEST(test_error_strings);
    MC_RUN_TEST(test_filters_follow_w3c_matrices);
    MC_RUN_TEST(test_known_values);
    MC_RUN_TEST(test_simd_matches_scalar_exhaustively);
    MC_RUN_TEST(test_strides_and_edges);
    MC_RUN_TEST(test_long_runs);
    return mc_test_finish();
}
