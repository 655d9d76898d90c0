/* test_kernels.c: every WebAssembly SIMD128 kernel against libvpx's C version, on random
 * and extreme inputs. Built and run by tools/deps-build.sh right after libvpx (with Node):
 * a single differing byte fails the dependency build, so a module is never built with a
 * kernel that is not bit-exact. Also runs a few of libvpx's own x86 intrinsics (compiled
 * through Emscripten's SSE headers) that the routed tables use. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "./vpx_config.h"
#include "./vp8_rtcd.h"
#include "./vp9_rtcd.h"
#include "./vpx_dsp_rtcd.h"
#include "vp8/common/loopfilter.h"
#include "vp9/common/vp9_filter.h"

static uint32_t seed = 12345;
static int failures, checks;

static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static void fill(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
}

/* Smooth content with occasional steps: what loop filters and predictors mostly see. */
static void fill_smooth(uint8_t *p, size_t n)
{
    int v = (int)(rnd() & 255);
    for (size_t i = 0; i < n; i++) {
        if ((rnd() & 31) == 0)
            v = (int)(rnd() & 255);
        v += (int)(rnd() % 7) - 3;
        v = v < 0 ? 0 : v > 255 ? 255 : v;
        p[i] = (uint8_t)v;
    }
}

#define CHECK(cond, ...)                         \
    do {                                         \
        checks++;                                \
        if (!(cond)) {                           \
            if (failures++ < 20) {               \
                printf("MISMATCH: " __VA_ARGS__); \
                printf("\n");                    \
            }                                    \
        }                                        \
    } while (0)

#define STRIDE 160
#define BUF (STRIDE * 160)

/* ---------------------------------------------------------------------------------- */

typedef unsigned int (*sad_fn)(const uint8_t *, int, const uint8_t *, int);
typedef unsigned int (*sad_avg_fn)(const uint8_t *, int, const uint8_t *, int, const uint8_t *);
typedef void (*sad4d_fn)(const uint8_t *, int, const uint8_t *const[4], int, uint32_t[4]);
typedef uint32_t (*var_fn)(const uint8_t *, int, const uint8_t *, int, uint32_t *);
typedef uint32_t (*subvar_fn)(const uint8_t *, int, int, int, const uint8_t *, int, uint32_t *);
typedef uint32_t (*subavg_fn)(const uint8_t *, int, int, int, const uint8_t *, int, uint32_t *, const uint8_t *);

struct block_fns {
    int w, h;
    sad_fn sad_c, sad_w;
    sad_avg_fn avg_c, avg_w;
    sad4d_fn x4_c, x4_w;
    var_fn var_c, var_w;
    subvar_fn sv_c, sv_w;
    subavg_fn sa_c, sa_w;
};

#define BLOCK(W, H)                                                                             \
    { W, H, vpx_sad##W##x##H##_c, vpx_sad##W##x##H##_wasm, vpx_sad##W##x##H##_avg_c,            \
      vpx_sad##W##x##H##_avg_wasm, vpx_sad##W##x##H##x4d_c, vpx_sad##W##x##H##x4d_wasm,        \
      vpx_variance##W##x##H##_c, vpx_variance##W##x##H##_wasm,                                 \
      vpx_sub_pixel_variance##W##x##H##_c, vpx_sub_pixel_variance##W##x##H##_wasm,             \
      vpx_sub_pixel_avg_variance##W##x##H##_c, vpx_sub_pixel_avg_variance##W##x##H##_wasm }

static const struct block_fns blocks[] = {
    BLOCK(64, 64), BLOCK(64, 32), BLOCK(32, 64), BLOCK(32, 32), BLOCK(32, 16), BLOCK(16, 32),
    BLOCK(16, 16), BLOCK(16, 8), BLOCK(8, 16), BLOCK(8, 8), BLOCK(8, 4), BLOCK(4, 8), BLOCK(4, 4),
};

static void test_sad_variance(void)
{
    static uint8_t a[BUF], b[BUF], p[64 * 64];
    for (size_t k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++) {
        const struct block_fns *f = &blocks[k];
        for (int it = 0; it < 200; it++) {
            int as = f->w + (int)(rnd() % 64), bs = f->w + (int)(rnd() % 64);
            uint32_t s1, s2, x1[4], x2[4];
            int xo = (int)(rnd() % 8), yo = (int)(rnd() % 8);
            if (it % 3 == 0) { fill_smooth(a, BUF); fill_smooth(b, BUF); } else { fill(a, BUF); fill(b, BUF); }
            if (it == 0) { memset(a, 255, BUF); memset(b, 0, BUF); }   /* extremes */
            fill(p, sizeof(p));
            const uint8_t *src = a + 8 * STRIDE + 8, *ref = b + 8 * STRIDE + 8;
            const uint8_t *refs[4] = { ref, ref + 1, ref + bs, ref + 3 * bs + 5 };
            CHECK(f->sad_c(src, as, ref, bs) == f->sad_w(src, as, ref, bs), "sad%dx%d", f->w, f->h);
            CHECK(f->avg_c(src, as, ref, bs, p) == f->avg_w(src, as, ref, bs, p), "sad%dx%d_avg", f->w, f->h);
            f->x4_c(src, as, refs, bs, x1);
            f->x4_w(src, as, refs, bs, x2);
            CHECK(memcmp(x1, x2, sizeof(x1)) == 0, "sad%dx%dx4d", f->w, f->h);
            CHECK(f->var_c(src, as, ref, bs, &s1) == f->var_w(src, as, ref, bs, &s2) && s1 == s2,
                  "variance%dx%d", f->w, f->h);
            CHECK(f->sv_c(src, as, xo, yo, ref, bs, &s1) == f->sv_w(src, as, xo, yo, ref, bs, &s2) && s1 == s2,
                  "sub_pixel_variance%dx%d (%d, %d)", f->w, f->h, xo, yo);
            CHECK(f->sa_c(src, as, xo, yo, ref, bs, &s1, p) == f->sa_w(src, as, xo, yo, ref, bs, &s2, p) && s1 == s2,
                  "sub_pixel_avg_variance%dx%d", f->w, f->h);
        }
    }
    for (int it = 0; it < 300; it++) {
        uint32_t s1, s2;
        int sum1, sum2;
        fill(a, BUF);
        fill(b, BUF);
        CHECK(vpx_mse16x16_c(a, 64, b, 80, &s1) == vpx_mse16x16_wasm(a, 64, b, 80, &s2) && s1 == s2, "mse16x16");
        CHECK(vpx_mse16x8_c(a, 64, b, 80, &s1) == vpx_mse16x8_wasm(a, 64, b, 80, &s2) && s1 == s2, "mse16x8");
        CHECK(vpx_mse8x16_c(a, 64, b, 80, &s1) == vpx_mse8x16_wasm(a, 64, b, 80, &s2) && s1 == s2, "mse8x16");
        CHECK(vpx_mse8x8_c(a, 64, b, 80, &s1) == vpx_mse8x8_wasm(a, 64, b, 80, &s2) && s1 == s2, "mse8x8");
        vpx_get16x16var_c(a, 64, b, 80, &s1, &sum1);
        vpx_get16x16var_wasm(a, 64, b, 80, &s2, &sum2);
        CHECK(s1 == s2 && sum1 == sum2, "get16x16var");
        vpx_get8x8var_c(a, 64, b, 80, &s1, &sum1);
        vpx_get8x8var_wasm(a, 64, b, 80, &s2, &sum2);
        CHECK(s1 == s2 && sum1 == sum2, "get8x8var");
    }
}

static void test_subtract_avg(void)
{
    static uint8_t a[BUF], b[BUF], c1[64 * 64], c2[64 * 64];
    static int16_t d1[64 * 80], d2[64 * 80];
    static const int sizes[] = { 4, 8, 16, 32, 64 };
    for (int it = 0; it < 400; it++) {
        int rows = sizes[rnd() % 5], cols = sizes[rnd() % 5];
        fill(a, BUF);
        fill(b, BUF);
        memset(d1, 0x55, sizeof(d1));
        memset(d2, 0x55, sizeof(d2));
        vpx_subtract_block_c(rows, cols, d1, 80, a, 100, b, 90);
        vpx_subtract_block_wasm(rows, cols, d2, 80, a, 100, b, 90);
        CHECK(memcmp(d1, d2, sizeof(d1)) == 0, "subtract_block %dx%d", rows, cols);
        vpx_comp_avg_pred_c(c1, a, cols, rows, b, 77);
        vpx_comp_avg_pred_wasm(c2, a, cols, rows, b, 77);
        CHECK(memcmp(c1, c2, (size_t)rows * cols) == 0, "comp_avg_pred %dx%d", cols, rows);
    }
}

typedef void (*conv_fn)(const uint8_t *, ptrdiff_t, uint8_t *, ptrdiff_t, const InterpKernel *,
                        int, int, int, int, int, int);

static void test_convolve(void)
{
    static uint8_t src[BUF], d1[BUF], d2[BUF];
    static const int sizes[] = { 4, 8, 16, 32, 64 };
    static const struct { conv_fn c, w; const char *name; } fns[] = {
        { vpx_convolve8_c, vpx_convolve8_wasm, "convolve8" },
        { vpx_convolve8_avg_c, vpx_convolve8_avg_wasm, "convolve8_avg" },
        { vpx_convolve8_horiz_c, vpx_convolve8_horiz_wasm, "convolve8_horiz" },
        { vpx_convolve8_avg_horiz_c, vpx_convolve8_avg_horiz_wasm, "convolve8_avg_horiz" },
        { vpx_convolve8_vert_c, vpx_convolve8_vert_wasm, "convolve8_vert" },
        { vpx_convolve8_avg_vert_c, vpx_convolve8_avg_vert_wasm, "convolve8_avg_vert" },
        { vpx_convolve_copy_c, vpx_convolve_copy_wasm, "convolve_copy" },
        { vpx_convolve_avg_c, vpx_convolve_avg_wasm, "convolve_avg" },
    };
    for (int it = 0; it < 3000; it++) {
        int k = (int)(rnd() % 8), w = sizes[rnd() % 5], h = sizes[rnd() % 5];
        const InterpKernel *filter = vp9_filter_kernels[rnd() % 4];
        int x0 = (int)(rnd() % 16), y0 = (int)(rnd() % 16);
        int xs = (it % 17 == 0) ? 32 : 16, ys = (it % 19 == 0) ? 32 : 16;   /* scaled: C fallback */
        if (it % 3) fill(src, BUF); else fill_smooth(src, BUF);
        fill(d1, BUF);
        memcpy(d2, d1, BUF);
        if (xs == 32 || ys == 32) h = h > 32 ? 32 : h;
        fns[k].c(src + 8 * STRIDE + 8, STRIDE, d1 + 8, STRIDE, filter, x0, xs, y0, ys, w, h);
        fns[k].w(src + 8 * STRIDE + 8, STRIDE, d2 + 8, STRIDE, filter, x0, xs, y0, ys, w, h);
        CHECK(memcmp(d1, d2, BUF) == 0, "%s %dx%d phase %d,%d step %d,%d", fns[k].name, w, h, x0, y0, xs, ys);
    }
}

static void test_vp9_block_error(void)
{
    static int16_t c[1024], d[1024];
    for (int it = 0; it < 500; it++) {
        int n = 16 << (rnd() % 7);   /* 16 .. 1024 */
        int64_t s1 = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            c[i] = (int16_t)(it % 5 == 0 ? (int)rnd() : (int)(rnd() % 4001) - 2000);
            d[i] = (int16_t)(it % 5 == 0 ? (int)rnd() : c[i] + (int)(rnd() % 61) - 30);
        }
        if (n > 1024) n = 1024;
        CHECK(vp9_block_error_fp_c(c, d, n) == vp9_block_error_fp_wasm(c, d, n), "vp9_block_error_fp %d", n);
        CHECK(vp9_block_error_c(c, d, n, &s1) == vp9_block_error_wasm(c, d, n, &s2) && s1 == s2,
              "vp9_block_error %d", n);
    }
}

/* ---------------------------------------------------------------------------------- */

typedef void (*sixtap_fn)(unsigned char *, int, int, int, unsigned char *, int);

static void test_vp8_prediction(void)
{
    static uint8_t src[BUF], d1[BUF], d2[BUF];
    static const struct { sixtap_fn c, w; int size; } fns[] = {
        { vp8_sixtap_predict16x16_c, vp8_sixtap_predict16x16_wasm, 16 },
        { vp8_sixtap_predict8x8_c, vp8_sixtap_predict8x8_wasm, 8 },
        { vp8_sixtap_predict8x4_c, vp8_sixtap_predict8x4_wasm, 84 },
        { vp8_sixtap_predict4x4_c, vp8_sixtap_predict4x4_wasm, 4 },
    };
    for (int it = 0; it < 4000; it++) {
        int k = (int)(rnd() % 4), xo = (int)(rnd() % 8), yo = (int)(rnd() % 8);
        if (it % 2) fill(src, BUF); else fill_smooth(src, BUF);
        fill(d1, BUF);
        memcpy(d2, d1, BUF);
        fns[k].c(src + 8 * STRIDE + 8, STRIDE, xo, yo, d1 + 4, 40);
        fns[k].w(src + 8 * STRIDE + 8, STRIDE, xo, yo, d2 + 4, 40);
        CHECK(memcmp(d1, d2, BUF) == 0, "sixtap %d (%d, %d)", fns[k].size, xo, yo);
    }
    for (int it = 0; it < 100; it++) {
        fill(src, BUF);
        fill(d1, BUF);
        memcpy(d2, d1, BUF);
        vp8_copy_mem16x16_c(src, 33, d1, 48);
        vp8_copy_mem16x16_wasm(src, 33, d2, 48);
        vp8_copy_mem8x8_c(src + 3, 21, d1 + 1000, 40);
        vp8_copy_mem8x8_wasm(src + 3, 21, d2 + 1000, 40);
        vp8_copy_mem8x4_c(src + 7, 19, d1 + 3000, 30);
        vp8_copy_mem8x4_wasm(src + 7, 19, d2 + 3000, 30);
        CHECK(memcmp(d1, d2, BUF) == 0, "copy_mem");
    }
}

typedef void (*lf_fn)(unsigned char *, unsigned char *, unsigned char *, int, int, loop_filter_info *);
typedef void (*lfs_fn)(unsigned char *, int, const unsigned char *);

static void test_vp8_loop_filter(void)
{
    static uint8_t y1[BUF], y2[BUF], u1[BUF], u2[BUF], v1[BUF], v2[BUF];
    static const struct { lf_fn c, w; const char *name; } fns[] = {
        { vp8_loop_filter_mbh_c, vp8_loop_filter_mbh_wasm, "mbh" },
        { vp8_loop_filter_mbv_c, vp8_loop_filter_mbv_wasm, "mbv" },
        { vp8_loop_filter_bh_c, vp8_loop_filter_bh_wasm, "bh" },
        { vp8_loop_filter_bv_c, vp8_loop_filter_bv_wasm, "bv" },
    };
    static const struct { lfs_fn c, w; const char *name; } sfns[] = {
        { vp8_loop_filter_simple_horizontal_edge_c, vp8_loop_filter_simple_mbh_wasm, "simple_mbh" },
        { vp8_loop_filter_simple_vertical_edge_c, vp8_loop_filter_simple_mbv_wasm, "simple_mbv" },
        { vp8_loop_filter_bhs_c, vp8_loop_filter_simple_bh_wasm, "simple_bh" },
        { vp8_loop_filter_bvs_c, vp8_loop_filter_simple_bv_wasm, "simple_bv" },
    };
    for (int it = 0; it < 6000; it++) {
        uint8_t mblim[16], blim[16], lim[16], thr[16];
        loop_filter_info lfi = { mblim, blim, lim, thr };
        int level = (int)(rnd() % 64), sharp = (int)(rnd() % 8), ilimit;
        /* As vp8_loop_filter_update_sharpness and frame_init compute them. */
        ilimit = level >> ((sharp > 0) + (sharp > 4));
        if (sharp > 0 && ilimit > 9 - sharp) ilimit = 9 - sharp;
        if (ilimit < 1) ilimit = 1;
        memset(lim, ilimit, 16);
        memset(blim, 2 * level + ilimit, 16);
        memset(mblim, 2 * (level + 2) + ilimit, 16);
        memset(thr, (int)(rnd() % 4), 16);
        if (it % 4 == 3) { fill(y1, BUF); fill(u1, BUF); fill(v1, BUF); }
        else { fill_smooth(y1, BUF); fill_smooth(u1, BUF); fill_smooth(v1, BUF); }
        memcpy(y2, y1, BUF);
        memcpy(u2, u1, BUF);
        memcpy(v2, v1, BUF);
        int k = (int)(rnd() % 4);
        uint8_t *yp1 = y1 + 16 * STRIDE + 16, *yp2 = y2 + 16 * STRIDE + 16;
        if (it % 2) {
            int lone = it % 97 == 0;   /* a U plane without V */
            fns[k].c(yp1, u1 + 16 * STRIDE + 16, lone ? NULL : v1 + 16 * STRIDE + 16, STRIDE, STRIDE, &lfi);
            fns[k].w(yp2, u2 + 16 * STRIDE + 16, lone ? NULL : v2 + 16 * STRIDE + 16, STRIDE, STRIDE, &lfi);
            CHECK(memcmp(y1, y2, BUF) == 0 && memcmp(u1, u2, BUF) == 0 && memcmp(v1, v2, BUF) == 0,
                  "loop_filter_%s level %d sharpness %d", fns[k].name, level, sharp);
        } else {
            sfns[k].c(yp1, STRIDE, blim);
            sfns[k].w(yp2, STRIDE, blim);
            CHECK(memcmp(y1, y2, BUF) == 0, "loop_filter_%s level %d", sfns[k].name, level);
        }
    }
}

static void test_vp8_transforms(void)
{
    static uint8_t p1[BUF], p2[BUF];
    for (int it = 0; it < 20000; it++) {
        short in[8 * 8], o1[32], o2[32], q1[25 * 16], q2[25 * 16], dq[16];
        int wide = it % 7 == 0;   /* the full short range: exercises C's wrap into shorts */
        for (int i = 0; i < 64; i++)
            in[i] = (short)(wide ? (int)rnd() : (int)(rnd() % 511) - 255);
        vp8_short_fdct4x4_c(in, o1, 16);
        vp8_short_fdct4x4_wasm(in, o2, 16);
        CHECK(memcmp(o1, o2, 32) == 0, "fdct4x4");
        vp8_short_fdct8x4_c(in, o1, 16);
        vp8_short_fdct8x4_wasm(in, o2, 16);
        CHECK(memcmp(o1, o2, 64) == 0, "fdct8x4");

        for (int i = 0; i < 16; i++) {
            in[i] = (short)(wide ? (int)rnd() : (int)(rnd() % 2049) - 1024);
            dq[i] = (short)(wide ? (int)rnd() : (int)(rnd() % 158) + 4);
        }
        fill(p1, 64 * 8);
        memcpy(p2, p1, 64 * 8);
        vp8_short_idct4x4llm_c(in, p1, 64, p1 + 256, 33);
        vp8_short_idct4x4llm_wasm(in, p2, 64, p2 + 256, 33);
        CHECK(memcmp(p1, p2, 64 * 8) == 0, "idct4x4llm");
        vp8_dc_only_idct_add_c(in[0], p1, 64, p1 + 300, 21);
        vp8_dc_only_idct_add_wasm(in[0], p2, 64, p2 + 300, 21);
        CHECK(memcmp(p1, p2, 64 * 8) == 0, "dc_only_idct_add %d", in[0]);

        for (int i = 0; i < 25 * 16; i++)
            q1[i] = q2[i] = (short)(wide ? (int)rnd() : (int)(rnd() % 129) - 64);
        vp8_dequant_idct_add_c(q1, dq, p1 + 40, 64);
        vp8_dequant_idct_add_wasm(q2, dq, p2 + 40, 64);
        CHECK(memcmp(p1, p2, 64 * 8) == 0 && memcmp(q1, q2, sizeof(q1)) == 0, "dequant_idct_add");

        if (it % 10 == 0) {
            char eobs[25];
            for (int i = 0; i < 25; i++)
                eobs[i] = (char)(rnd() % 4);
            fill(p1, BUF);
            memcpy(p2, p1, BUF);
            vp8_dequant_idct_add_y_block_c(q1, dq, p1 + 1000, 48, eobs);
            vp8_dequant_idct_add_y_block_wasm(q2, dq, p2 + 1000, 48, eobs);
            vp8_dequant_idct_add_uv_block_c(q1 + 256, dq, p1 + 4000, p1 + 8000, 48, eobs + 16);
            vp8_dequant_idct_add_uv_block_wasm(q2 + 256, dq, p2 + 4000, p2 + 8000, 48, eobs + 16);
            CHECK(memcmp(p1, p2, BUF) == 0 && memcmp(q1, q2, sizeof(q1)) == 0, "dequant_idct_add_y/uv_block");
        }
    }
}

int main(void)
{
    test_sad_variance();
    test_subtract_avg();
    test_convolve();
    test_vp9_block_error();
    test_vp8_prediction();
    test_vp8_loop_filter();
    test_vp8_transforms();
    printf("libvpx wasm kernels: %d checks, %d mismatches\n", checks, failures);
    return failures ? 1 : 0;
}
