/* vpx_dsp_wasm.c: WebAssembly SIMD128 versions of libvpx's vpx_dsp functions whose x86
 * versions are assembly: SAD (plain, averaged, four references), variance, MSE,
 * sub-pixel variance, block subtraction, the 8-tap convolutions, and VP9's block error.
 * Each computes exactly what its _c version in libvpx 1.12 computes (see wasm_common.h).
 * The names end in _wasm; tools/deps/libvpx-wasm/route_rtcd.py points libvpx's function
 * tables at them. */
#include <stddef.h>
#include <stdint.h>

#include "wasm_common.h"

#include "./vpx_config.h"
#include "./vpx_dsp_rtcd.h"
#include "vpx_dsp/vpx_filter.h"

/* ---------------------------------------------------------------------------------- */
/* SAD                                                                                 */

/* Add the byte lanes of d (absolute differences) into 32-bit lanes of acc. */
static inline v128_t sad_acc(v128_t acc, v128_t d)
{
    return wasm_i32x4_add(acc, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(d)));
}

/* One row of w (>= 16, a multiple of 16) bytes. */
static inline v128_t sad_row(v128_t acc, const uint8_t *a, const uint8_t *b, int w)
{
    v128_t s = wasm_u16x8_extadd_pairwise_u8x16(mcw_absdiff_u8(wasm_v128_load(a), wasm_v128_load(b)));
    for (int x = 16; x < w; x += 16)
        s = wasm_i16x8_add(s, wasm_u16x8_extadd_pairwise_u8x16(
                                  mcw_absdiff_u8(wasm_v128_load(a + x), wasm_v128_load(b + x))));
    return wasm_i32x4_add(acc, wasm_u32x4_extadd_pairwise_u16x8(s));   /* <= 4 * 510 per lane */
}

static inline unsigned int sad_wxh(const uint8_t *a, int as, const uint8_t *b, int bs, int w, int h)
{
    v128_t acc = wasm_i32x4_splat(0);

    if (w >= 16) {
        for (int y = 0; y < h; y++, a += as, b += bs)
            acc = sad_row(acc, a, b, w);
    } else if (w == 8) {
        for (int y = 0; y < h; y += 2, a += 2 * as, b += 2 * bs)
            acc = sad_acc(acc, mcw_absdiff_u8(mcw_load64x2(a, a + as), mcw_load64x2(b, b + bs)));
    } else {
        for (int y = 0; y < h; y += 4, a += 4 * as, b += 4 * bs)
            acc = sad_acc(acc, mcw_absdiff_u8(mcw_load32x4(a, as), mcw_load32x4(b, bs)));
    }
    return mcw_hsum_u32(acc);
}

/* SAD against the rounded average of ref and second_pred (w x h, stride w). */
static inline unsigned int sad_avg_wxh(const uint8_t *a, int as, const uint8_t *b, int bs,
                                       const uint8_t *p, int w, int h)
{
    v128_t acc = wasm_i32x4_splat(0);

    if (w >= 16) {
        for (int y = 0; y < h; y++, a += as, b += bs, p += w)
            for (int x = 0; x < w; x += 16)
                acc = sad_acc(acc, mcw_absdiff_u8(wasm_v128_load(a + x),
                                                  wasm_u8x16_avgr(wasm_v128_load(b + x), wasm_v128_load(p + x))));
    } else if (w == 8) {
        for (int y = 0; y < h; y += 2, a += 2 * as, b += 2 * bs, p += 16)
            acc = sad_acc(acc, mcw_absdiff_u8(mcw_load64x2(a, a + as),
                                              wasm_u8x16_avgr(mcw_load64x2(b, b + bs), wasm_v128_load(p))));
    } else {
        for (int y = 0; y < h; y += 4, a += 4 * as, b += 4 * bs, p += 16)
            acc = sad_acc(acc, mcw_absdiff_u8(mcw_load32x4(a, as),
                                              wasm_u8x16_avgr(mcw_load32x4(b, bs), wasm_v128_load(p))));
    }
    return mcw_hsum_u32(acc);
}

#define SAD(W, H)                                                                          \
    unsigned int vpx_sad##W##x##H##_wasm(const uint8_t *src_ptr, int src_stride,           \
                                         const uint8_t *ref_ptr, int ref_stride)           \
    {                                                                                      \
        return sad_wxh(src_ptr, src_stride, ref_ptr, ref_stride, W, H);                    \
    }                                                                                      \
    unsigned int vpx_sad##W##x##H##_avg_wasm(const uint8_t *src_ptr, int src_stride,       \
                                             const uint8_t *ref_ptr, int ref_stride,       \
                                             const uint8_t *second_pred)                   \
    {                                                                                      \
        return sad_avg_wxh(src_ptr, src_stride, ref_ptr, ref_stride, second_pred, W, H);   \
    }                                                                                      \
    void vpx_sad##W##x##H##x4d_wasm(const uint8_t *src_ptr, int src_stride,                \
                                    const uint8_t *const ref_array[4], int ref_stride,     \
                                    uint32_t sad_array[4])                                 \
    {                                                                                      \
        for (int i = 0; i < 4; i++)                                                        \
            sad_array[i] = sad_wxh(src_ptr, src_stride, ref_array[i], ref_stride, W, H);   \
    }

SAD(64, 64)
SAD(64, 32)
SAD(32, 64)
SAD(32, 32)
SAD(32, 16)
SAD(16, 32)
SAD(16, 16)
SAD(16, 8)
SAD(8, 16)
SAD(8, 8)
SAD(8, 4)
SAD(4, 8)
SAD(4, 4)

/* ---------------------------------------------------------------------------------- */
/* Variance                                                                            */

/* Sum of (a - b) and of (a - b)^2 over a w x h block; w is 4, 8 or a multiple of 16. */
static inline void variance_wxh(const uint8_t *a, int as, const uint8_t *b, int bs, int w, int h,
                                uint32_t *sse, int *sum)
{
    v128_t vsum = wasm_i32x4_splat(0), vsse = wasm_i32x4_splat(0);

    for (int y = 0; y < h;) {
        v128_t rs = wasm_i16x8_splat(0);   /* <= 8 additions of |d| <= 255 per lane */
        v128_t va, vb;
        if (w >= 16) {
            for (int x = 0; x < w; x += 16) {
                va = wasm_v128_load(a + x);
                vb = wasm_v128_load(b + x);
                v128_t dl = wasm_i16x8_sub(wasm_u16x8_extend_low_u8x16(va), wasm_u16x8_extend_low_u8x16(vb));
                v128_t dh = wasm_i16x8_sub(wasm_u16x8_extend_high_u8x16(va), wasm_u16x8_extend_high_u8x16(vb));
                rs = wasm_i16x8_add(rs, wasm_i16x8_add(dl, dh));
                vsse = wasm_i32x4_add(vsse, wasm_i32x4_add(wasm_i32x4_dot_i16x8(dl, dl),
                                                           wasm_i32x4_dot_i16x8(dh, dh)));
            }
            y += 1;
            a += as;
            b += bs;
        } else {
            if (w == 8) {
                va = mcw_load64x2(a, a + as);
                vb = mcw_load64x2(b, b + bs);
                y += 2;
                a += 2 * as;
                b += 2 * bs;
            } else {
                va = mcw_load32x4(a, as);
                vb = mcw_load32x4(b, bs);
                y += 4;
                a += 4 * as;
                b += 4 * bs;
            }
            v128_t dl = wasm_i16x8_sub(wasm_u16x8_extend_low_u8x16(va), wasm_u16x8_extend_low_u8x16(vb));
            v128_t dh = wasm_i16x8_sub(wasm_u16x8_extend_high_u8x16(va), wasm_u16x8_extend_high_u8x16(vb));
            rs = wasm_i16x8_add(dl, dh);
            vsse = wasm_i32x4_add(vsse, wasm_i32x4_add(wasm_i32x4_dot_i16x8(dl, dl),
                                                       wasm_i32x4_dot_i16x8(dh, dh)));
        }
        vsum = wasm_i32x4_add(vsum, wasm_i32x4_extadd_pairwise_i16x8(rs));
    }
    *sse = mcw_hsum_u32(vsse);
    *sum = mcw_hsum_i32(vsum);
}

#define VAR(W, H)                                                                          \
    uint32_t vpx_variance##W##x##H##_wasm(const uint8_t *src_ptr, int src_stride,          \
                                          const uint8_t *ref_ptr, int ref_stride,          \
                                          uint32_t *sse)                                   \
    {                                                                                      \
        int sum;                                                                           \
        variance_wxh(src_ptr, src_stride, ref_ptr, ref_stride, W, H, sse, &sum);           \
        return *sse - (uint32_t)(((int64_t)sum * sum) / (W * H));                          \
    }

VAR(64, 64)
VAR(64, 32)
VAR(32, 64)
VAR(32, 32)
VAR(32, 16)
VAR(16, 32)
VAR(16, 16)
VAR(16, 8)
VAR(8, 16)
VAR(8, 8)
VAR(8, 4)
VAR(4, 8)
VAR(4, 4)

#define MSE(W, H)                                                                          \
    uint32_t vpx_mse##W##x##H##_wasm(const uint8_t *src_ptr, int src_stride,               \
                                     const uint8_t *ref_ptr, int ref_stride, uint32_t *sse) \
    {                                                                                      \
        int sum;                                                                           \
        variance_wxh(src_ptr, src_stride, ref_ptr, ref_stride, W, H, sse, &sum);           \
        return *sse;                                                                       \
    }

MSE(16, 16)
MSE(16, 8)
MSE(8, 16)
MSE(8, 8)

void vpx_get16x16var_wasm(const uint8_t *src_ptr, int src_stride, const uint8_t *ref_ptr,
                          int ref_stride, unsigned int *sse, int *sum)
{
    variance_wxh(src_ptr, src_stride, ref_ptr, ref_stride, 16, 16, sse, sum);
}

void vpx_get8x8var_wasm(const uint8_t *src_ptr, int src_stride, const uint8_t *ref_ptr,
                        int ref_stride, unsigned int *sse, int *sum)
{
    variance_wxh(src_ptr, src_stride, ref_ptr, ref_stride, 8, 8, sse, sum);
}

/* ---------------------------------------------------------------------------------- */
/* Sub-pixel variance: two bilinear passes (1/8 pel, FILTER_BITS 7) then variance.      */

/* One filtered row of w pixels: (a[j] * f0 + a[j + step] * f1 + 64) >> 7, into u8 (the
 * values never exceed 255). Reads a[0, w - 1 + step], as C does. */
static inline void bil_row(const uint8_t *a, int step, v128_t f0, v128_t f1, uint8_t *out, int w)
{
    const v128_t r = wasm_i16x8_splat(64);
    if (w >= 16) {
        for (int x = 0; x < w; x += 16) {
            v128_t p = wasm_v128_load(a + x), q = wasm_v128_load(a + x + step);
            v128_t lo = wasm_i16x8_add(wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(p), f0),
                                                      wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(q), f1)), r);
            v128_t hi = wasm_i16x8_add(wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(p), f0),
                                                      wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(q), f1)), r);
            wasm_v128_store(out + x, wasm_u8x16_narrow_i16x8(wasm_u16x8_shr(lo, 7), wasm_u16x8_shr(hi, 7)));
        }
    } else {
        v128_t p = w == 8 ? mcw_load64(a) : mcw_load32(a);
        v128_t q = w == 8 ? mcw_load64(a + step) : mcw_load32(a + step);
        v128_t lo = wasm_i16x8_add(wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(p), f0),
                                                  wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(q), f1)), r);
        v128_t v = wasm_u8x16_narrow_i16x8(wasm_u16x8_shr(lo, 7), wasm_i16x8_splat(0));
        if (w == 8)
            mcw_store64(out, v);
        else
            mcw_store32(out, v);
    }
}

static const uint8_t bil_taps[8][2] = {
    { 128, 0 }, { 112, 16 }, { 96, 32 }, { 80, 48 }, { 64, 64 }, { 48, 80 }, { 32, 96 }, { 16, 112 },
};

/* The filtered w x h block (stride w) into out, as var_filter_block2d_bil_first_pass and
 * _second_pass do: the first pass reads h + 1 rows, each w + 1 pixels. */
static inline void bil_block(const uint8_t *src, int stride, int xo, int yo, uint8_t *out,
                             uint8_t *tmp, int w, int h)
{
    v128_t fx0 = wasm_i16x8_splat(bil_taps[xo][0]), fx1 = wasm_i16x8_splat(bil_taps[xo][1]);
    v128_t fy0 = wasm_i16x8_splat(bil_taps[yo][0]), fy1 = wasm_i16x8_splat(bil_taps[yo][1]);

    for (int y = 0; y <= h; y++)
        bil_row(src + y * stride, 1, fx0, fx1, tmp + y * w, w);
    for (int y = 0; y < h; y++)
        bil_row(tmp + y * w, w, fy0, fy1, out + y * w, w);
}

/* comp_pred = round((pred + second_pred) / 2), both w x h with stride w. */
static inline void avg_block(uint8_t *pred, const uint8_t *second, int n)
{
    int i = 0;
    for (; i + 16 <= n; i += 16)
        wasm_v128_store(pred + i, wasm_u8x16_avgr(wasm_v128_load(pred + i), wasm_v128_load(second + i)));
    for (; i < n; i++)
        pred[i] = (uint8_t)((pred[i] + second[i] + 1) >> 1);
}

#define SUBPIX_VAR(W, H)                                                                   \
    uint32_t vpx_sub_pixel_variance##W##x##H##_wasm(const uint8_t *src_ptr, int src_stride, \
                                                    int x_offset, int y_offset,            \
                                                    const uint8_t *ref_ptr, int ref_stride, \
                                                    uint32_t *sse)                         \
    {                                                                                      \
        uint8_t tmp[(H + 1) * W], out[H * W];                                              \
        bil_block(src_ptr, src_stride, x_offset, y_offset, out, tmp, W, H);                \
        return vpx_variance##W##x##H##_wasm(out, W, ref_ptr, ref_stride, sse);             \
    }                                                                                      \
    uint32_t vpx_sub_pixel_avg_variance##W##x##H##_wasm(                                   \
        const uint8_t *src_ptr, int src_stride, int x_offset, int y_offset,                \
        const uint8_t *ref_ptr, int ref_stride, uint32_t *sse, const uint8_t *second_pred)  \
    {                                                                                      \
        uint8_t tmp[(H + 1) * W], out[H * W];                                              \
        bil_block(src_ptr, src_stride, x_offset, y_offset, out, tmp, W, H);                \
        avg_block(out, second_pred, W * H);                                                \
        return vpx_variance##W##x##H##_wasm(out, W, ref_ptr, ref_stride, sse);             \
    }

SUBPIX_VAR(64, 64)
SUBPIX_VAR(64, 32)
SUBPIX_VAR(32, 64)
SUBPIX_VAR(32, 32)
SUBPIX_VAR(32, 16)
SUBPIX_VAR(16, 32)
SUBPIX_VAR(16, 16)
SUBPIX_VAR(16, 8)
SUBPIX_VAR(8, 16)
SUBPIX_VAR(8, 8)
SUBPIX_VAR(8, 4)
SUBPIX_VAR(4, 8)
SUBPIX_VAR(4, 4)

void vpx_comp_avg_pred_wasm(uint8_t *comp_pred, const uint8_t *pred, int width, int height,
                            const uint8_t *ref, int ref_stride)
{
    for (int y = 0; y < height; y++, comp_pred += width, pred += width, ref += ref_stride) {
        int x = 0;
        for (; x + 16 <= width; x += 16)
            wasm_v128_store(comp_pred + x, wasm_u8x16_avgr(wasm_v128_load(pred + x), wasm_v128_load(ref + x)));
        for (; x < width; x++)
            comp_pred[x] = (uint8_t)((pred[x] + ref[x] + 1) >> 1);
    }
}

/* ---------------------------------------------------------------------------------- */
/* Subtraction                                                                         */

void vpx_subtract_block_wasm(int rows, int cols, int16_t *diff_ptr, ptrdiff_t diff_stride,
                             const uint8_t *src_ptr, ptrdiff_t src_stride,
                             const uint8_t *pred_ptr, ptrdiff_t pred_stride)
{
    for (int r = 0; r < rows; r++) {
        int c = 0;
        for (; c + 16 <= cols; c += 16) {
            v128_t s = wasm_v128_load(src_ptr + c), p = wasm_v128_load(pred_ptr + c);
            wasm_v128_store(diff_ptr + c, wasm_i16x8_sub(wasm_u16x8_extend_low_u8x16(s), wasm_u16x8_extend_low_u8x16(p)));
            wasm_v128_store(diff_ptr + c + 8, wasm_i16x8_sub(wasm_u16x8_extend_high_u8x16(s), wasm_u16x8_extend_high_u8x16(p)));
        }
        if (c + 8 <= cols) {
            wasm_v128_store(diff_ptr + c, wasm_i16x8_sub(wasm_u16x8_load8x8(src_ptr + c), wasm_u16x8_load8x8(pred_ptr + c)));
            c += 8;
        }
        for (; c < cols; c++)
            diff_ptr[c] = (int16_t)(src_ptr[c] - pred_ptr[c]);
        diff_ptr += diff_stride;
        src_ptr += src_stride;
        pred_ptr += pred_stride;
    }
}

/* ---------------------------------------------------------------------------------- */
/* 8-tap convolution (VP9 prediction), unscaled steps only; scaled ones use C.          */

/* Eight outputs from src[0, 15) (or four when w == 4, from src[0, 11)): sum over k of
 * src[x + k] * f[k], + 64, rounded as in wasm_common.h. Returns the 8 (4) bytes in the low
 * lanes. src points at the first tap (3 pixels before the output pixel). */
static inline v128_t conv8_h8(const uint8_t *src, const v128_t f[8], int w4)
{
    v128_t s = wasm_i16x8_splat(64);
    for (int k = 0; k < 8; k++) {
        v128_t p = w4 ? wasm_u16x8_extend_low_u8x16(mcw_load32(src + k)) : wasm_u16x8_load8x8(src + k);
        s = wasm_i16x8_add(s, wasm_i16x8_mul(p, f[k]));
    }
    return mcw_filter_round(s, s);
}

/* Sixteen outputs across from src (the first tap); reads src[0, 23). */
static inline v128_t conv8_h16(const uint8_t *src, const v128_t f[8])
{
    v128_t lo = wasm_i16x8_splat(64), hi = lo;
    for (int k = 0; k < 8; k++) {
        v128_t p = wasm_v128_load(src + k);
        lo = wasm_i16x8_add(lo, wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(p), f[k]));
        hi = wasm_i16x8_add(hi, wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(p), f[k]));
    }
    return mcw_filter_round(lo, hi);
}

/* Sixteen (eight, four) outputs down from src (the first tap row). */
static inline v128_t conv8_v16(const uint8_t *src, ptrdiff_t stride, const v128_t f[8])
{
    v128_t lo = wasm_i16x8_splat(64), hi = lo;
    for (int k = 0; k < 8; k++) {
        v128_t p = wasm_v128_load(src + k * stride);
        lo = wasm_i16x8_add(lo, wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(p), f[k]));
        hi = wasm_i16x8_add(hi, wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(p), f[k]));
    }
    return mcw_filter_round(lo, hi);
}

static inline v128_t conv8_v8(const uint8_t *src, ptrdiff_t stride, const v128_t f[8], int w4)
{
    v128_t s = wasm_i16x8_splat(64);
    for (int k = 0; k < 8; k++) {
        v128_t p = w4 ? wasm_u16x8_extend_low_u8x16(mcw_load32(src + k * stride))
                      : wasm_u16x8_load8x8(src + k * stride);
        s = wasm_i16x8_add(s, wasm_i16x8_mul(p, f[k]));
    }
    return mcw_filter_round(s, s);
}

/* Store 4, 8 or 16 bytes of v at dst, averaging with what is there when avg. */
static inline void conv_store(uint8_t *dst, v128_t v, int w, int avg)
{
    if (w >= 16) {
        if (avg)
            v = wasm_u8x16_avgr(v, wasm_v128_load(dst));
        wasm_v128_store(dst, v);
    } else if (w == 8) {
        if (avg)
            v = wasm_u8x16_avgr(v, mcw_load64(dst));
        mcw_store64(dst, v);
    } else {
        if (avg)
            v = wasm_u8x16_avgr(v, mcw_load32(dst));
        mcw_store32(dst, v);
    }
}

static inline void taps(const int16_t *k, v128_t f[8])
{
    for (int i = 0; i < 8; i++)
        f[i] = wasm_i16x8_splat(k[i]);
}

/* src points at the output pixel; w in {4, 8, 16, 32, 64}. */
static void conv_horiz(const uint8_t *src, ptrdiff_t ss, uint8_t *dst, ptrdiff_t ds,
                       const int16_t *kernel, int w, int h, int avg)
{
    v128_t f[8];
    taps(kernel, f);
    src -= 3;
    for (int y = 0; y < h; y++, src += ss, dst += ds) {
        if (w >= 16)
            for (int x = 0; x < w; x += 16)
                conv_store(dst + x, conv8_h16(src + x, f), 16, avg);
        else
            conv_store(dst, conv8_h8(src, f, w == 4), w, avg);
    }
}

/* src points at the output pixel's row. */
static void conv_vert(const uint8_t *src, ptrdiff_t ss, uint8_t *dst, ptrdiff_t ds,
                      const int16_t *kernel, int w, int h, int avg)
{
    v128_t f[8];
    taps(kernel, f);
    src -= 3 * ss;
    for (int y = 0; y < h; y++, src += ss, dst += ds) {
        if (w >= 16)
            for (int x = 0; x < w; x += 16)
                conv_store(dst + x, conv8_v16(src + x, ss, f), 16, avg);
        else
            conv_store(dst, conv8_v8(src, ss, f, w == 4), w, avg);
    }
}

/* The unscaled cases the SIMD paths cover: whole-pixel steps of 1, a sub-pixel phase
 * within the first pixel, and block widths of 4, 8 or a multiple of 16 up to 64. */
static int conv_simd_ok(int x0_q4, int x_step_q4, int y0_q4, int y_step_q4, int w, int h)
{
    return x_step_q4 == 16 && y_step_q4 == 16 && x0_q4 >= 0 && x0_q4 < 16 && y0_q4 >= 0 &&
           y0_q4 < 16 && w > 0 && h > 0 && w <= 64 && h <= 64 &&
           (w == 4 || w == 8 || (w & 15) == 0);
}

void vpx_convolve8_horiz_wasm(const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                              ptrdiff_t dst_stride, const InterpKernel *filter, int x0_q4,
                              int x_step_q4, int y0_q4, int y_step_q4, int w, int h)
{
    if (!conv_simd_ok(x0_q4, x_step_q4, 0, 16, w, h)) {
        vpx_convolve8_horiz_c(src, src_stride, dst, dst_stride, filter, x0_q4, x_step_q4, y0_q4, y_step_q4, w, h);
        return;
    }
    conv_horiz(src, src_stride, dst, dst_stride, filter[x0_q4], w, h, 0);
}

void vpx_convolve8_avg_horiz_wasm(const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                                  ptrdiff_t dst_stride, const InterpKernel *filter, int x0_q4,
                                  int x_step_q4, int y0_q4, int y_step_q4, int w, int h)
{
    if (!conv_simd_ok(x0_q4, x_step_q4, 0, 16, w, h)) {
        vpx_convolve8_avg_horiz_c(src, src_stride, dst, dst_stride, filter, x0_q4, x_step_q4, y0_q4, y_step_q4, w, h);
        return;
    }
    conv_horiz(src, src_stride, dst, dst_stride, filter[x0_q4], w, h, 1);
}

void vpx_convolve8_vert_wasm(const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                             ptrdiff_t dst_stride, const InterpKernel *filter, int x0_q4,
                             int x_step_q4, int y0_q4, int y_step_q4, int w, int h)
{
    if (!conv_simd_ok(0, 16, y0_q4, y_step_q4, w, h)) {
        vpx_convolve8_vert_c(src, src_stride, dst, dst_stride, filter, x0_q4, x_step_q4, y0_q4, y_step_q4, w, h);
        return;
    }
    conv_vert(src, src_stride, dst, dst_stride, filter[y0_q4], w, h, 0);
}

void vpx_convolve8_avg_vert_wasm(const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                                 ptrdiff_t dst_stride, const InterpKernel *filter, int x0_q4,
                                 int x_step_q4, int y0_q4, int y_step_q4, int w, int h)
{
    if (!conv_simd_ok(0, 16, y0_q4, y_step_q4, w, h)) {
        vpx_convolve8_avg_vert_c(src, src_stride, dst, dst_stride, filter, x0_q4, x_step_q4, y0_q4, y_step_q4, w, h);
        return;
    }
    conv_vert(src, src_stride, dst, dst_stride, filter[y0_q4], w, h, 1);
}

/* 2-D: horizontally into a 64-wide buffer of h + 7 rows (from 3 rows above), then
 * vertically, exactly as vpx_convolve8_c; the avg version averages the result into dst. */
static void conv_2d(const uint8_t *src, ptrdiff_t ss, uint8_t *dst, ptrdiff_t ds,
                    const InterpKernel *filter, int x0_q4, int y0_q4, int w, int h, int avg)
{
    uint8_t temp[64 * (64 + 7)] __attribute__((aligned(16)));
    conv_horiz(src - 3 * ss, ss, temp, 64, filter[x0_q4], w, h + 7, 0);
    conv_vert(temp + 3 * 64, 64, dst, ds, filter[y0_q4], w, h, avg);
}

void vpx_convolve8_wasm(const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                        ptrdiff_t dst_stride, const InterpKernel *filter, int x0_q4,
                        int x_step_q4, int y0_q4, int y_step_q4, int w, int h)
{
    if (!conv_simd_ok(x0_q4, x_step_q4, y0_q4, y_step_q4, w, h)) {
        vpx_convolve8_c(src, src_stride, dst, dst_stride, filter, x0_q4, x_step_q4, y0_q4, y_step_q4, w, h);
        return;
    }
    conv_2d(src, src_stride, dst, dst_stride, filter, x0_q4, y0_q4, w, h, 0);
}

void vpx_convolve8_avg_wasm(const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                            ptrdiff_t dst_stride, const InterpKernel *filter, int x0_q4,
                            int x_step_q4, int y0_q4, int y_step_q4, int w, int h)
{
    if (!conv_simd_ok(x0_q4, x_step_q4, y0_q4, y_step_q4, w, h)) {
        vpx_convolve8_avg_c(src, src_stride, dst, dst_stride, filter, x0_q4, x_step_q4, y0_q4, y_step_q4, w, h);
        return;
    }
    /* vpx_convolve8_avg_c convolves into a temporary block and then averages it in. */
    conv_2d(src, src_stride, dst, dst_stride, filter, x0_q4, y0_q4, w, h, 1);
}

void vpx_convolve_copy_wasm(const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                            ptrdiff_t dst_stride, const InterpKernel *filter, int x0_q4,
                            int x_step_q4, int y0_q4, int y_step_q4, int w, int h)
{
    (void)filter; (void)x0_q4; (void)x_step_q4; (void)y0_q4; (void)y_step_q4;
    for (int y = 0; y < h; y++, src += src_stride, dst += dst_stride) {
        if (w >= 16)
            for (int x = 0; x < w; x += 16)
                wasm_v128_store(dst + x, wasm_v128_load(src + x));
        else if (w == 8)
            mcw_store64(dst, mcw_load64(src));
        else
            memcpy(dst, src, (size_t)w);
    }
}

void vpx_convolve_avg_wasm(const uint8_t *src, ptrdiff_t src_stride, uint8_t *dst,
                           ptrdiff_t dst_stride, const InterpKernel *filter, int x0_q4,
                           int x_step_q4, int y0_q4, int y_step_q4, int w, int h)
{
    (void)filter; (void)x0_q4; (void)x_step_q4; (void)y0_q4; (void)y_step_q4;
    for (int y = 0; y < h; y++, src += src_stride, dst += dst_stride) {
        if (w >= 16) {
            for (int x = 0; x < w; x += 16)
                wasm_v128_store(dst + x, wasm_u8x16_avgr(wasm_v128_load(src + x), wasm_v128_load(dst + x)));
        } else {
            for (int x = 0; x < w; x++)
                dst[x] = (uint8_t)((dst[x] + src[x] + 1) >> 1);
        }
    }
}
