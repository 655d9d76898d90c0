/* vp8_wasm.c: WebAssembly SIMD128 versions of VP8's prediction filters, loop filters and
 * transforms whose x86 versions are assembly. Each computes exactly what its _c version in
 * libvpx 1.12 computes, for every input (see wasm_common.h); where C stores an int into a
 * short, the 16-bit wrap is reproduced, so even corrupt streams decode identically. */
#include <stdint.h>
#include <string.h>

#include "wasm_common.h"

#include "./vpx_config.h"
#include "./vp8_rtcd.h"
#include "vp8/common/blockd.h"
#include "vp8/common/filter.h"
#include "vp8/common/loopfilter.h"

/* ---------------------------------------------------------------------------------- */
/* Six-tap sub-pixel prediction                                                        */

/* One row of w (16, 8 or 4) outputs filtered across src[-2, w + 3). */
static inline void sixtap_row(const uint8_t *src, const v128_t f[6], uint8_t *out, int w)
{
    if (w == 16) {
        v128_t lo = wasm_i16x8_splat(64), hi = lo;
        for (int k = 0; k < 6; k++) {
            v128_t p = wasm_v128_load(src + k - 2);
            lo = wasm_i16x8_add(lo, wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(p), f[k]));
            hi = wasm_i16x8_add(hi, wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(p), f[k]));
        }
        wasm_v128_store(out, mcw_filter_round(lo, hi));
    } else {
        v128_t s = wasm_i16x8_splat(64);
        for (int k = 0; k < 6; k++) {
            v128_t p = w == 8 ? wasm_u16x8_load8x8(src + k - 2)
                              : wasm_u16x8_extend_low_u8x16(mcw_load32(src + k - 2));
            s = wasm_i16x8_add(s, wasm_i16x8_mul(p, f[k]));
        }
        v128_t r = mcw_filter_round(s, s);
        if (w == 8)
            mcw_store64(out, r);
        else
            mcw_store32(out, r);
    }
}

/* One row of w outputs filtered down rows src[-2 * stride, 3 * stride]. */
static inline void sixtap_col(const uint8_t *src, int stride, const v128_t f[6], uint8_t *out, int w)
{
    if (w == 16) {
        v128_t lo = wasm_i16x8_splat(64), hi = lo;
        for (int k = 0; k < 6; k++) {
            v128_t p = wasm_v128_load(src + (k - 2) * stride);
            lo = wasm_i16x8_add(lo, wasm_i16x8_mul(wasm_u16x8_extend_low_u8x16(p), f[k]));
            hi = wasm_i16x8_add(hi, wasm_i16x8_mul(wasm_u16x8_extend_high_u8x16(p), f[k]));
        }
        wasm_v128_store(out, mcw_filter_round(lo, hi));
    } else {
        v128_t s = wasm_i16x8_splat(64);
        for (int k = 0; k < 6; k++) {
            v128_t p = w == 8 ? wasm_u16x8_load8x8(src + (k - 2) * stride)
                              : wasm_u16x8_extend_low_u8x16(mcw_load32(src + (k - 2) * stride));
            s = wasm_i16x8_add(s, wasm_i16x8_mul(p, f[k]));
        }
        v128_t r = mcw_filter_round(s, s);
        if (w == 8)
            mcw_store64(out, r);
        else
            mcw_store32(out, r);
    }
}

/* The C version always runs both passes; filter 0 is the identity ((128 p + 64) >> 7 = p),
 * so skipping a pass whose offset is 0 gives the same bytes. */
static inline void sixtap(const uint8_t *src, int src_stride, int xoffset, int yoffset,
                          uint8_t *dst, int dst_pitch, int w, int h)
{
    uint8_t tmp[21 * 16] __attribute__((aligned(16)));
    const uint8_t *base = src;
    int bstride = src_stride;
    v128_t f[6];

    if (xoffset) {
        for (int k = 0; k < 6; k++)
            f[k] = wasm_i16x8_splat(vp8_sub_pel_filters[xoffset][k]);
        for (int r = 0; r < h + 5; r++)
            sixtap_row(src + (r - 2) * src_stride, f, tmp + r * w, w);
        base = tmp + 2 * w;
        bstride = w;
    }
    if (yoffset) {
        for (int k = 0; k < 6; k++)
            f[k] = wasm_i16x8_splat(vp8_sub_pel_filters[yoffset][k]);
        for (int r = 0; r < h; r++)
            sixtap_col(base + r * bstride, bstride, f, dst + r * dst_pitch, w);
    } else {
        for (int r = 0; r < h; r++)
            memcpy(dst + r * dst_pitch, base + r * bstride, (size_t)w);
    }
}

void vp8_sixtap_predict16x16_wasm(unsigned char *src_ptr, int src_pixels_per_line, int xoffset,
                                  int yoffset, unsigned char *dst_ptr, int dst_pitch)
{
    sixtap(src_ptr, src_pixels_per_line, xoffset, yoffset, dst_ptr, dst_pitch, 16, 16);
}

void vp8_sixtap_predict8x8_wasm(unsigned char *src_ptr, int src_pixels_per_line, int xoffset,
                                int yoffset, unsigned char *dst_ptr, int dst_pitch)
{
    sixtap(src_ptr, src_pixels_per_line, xoffset, yoffset, dst_ptr, dst_pitch, 8, 8);
}

void vp8_sixtap_predict8x4_wasm(unsigned char *src_ptr, int src_pixels_per_line, int xoffset,
                                int yoffset, unsigned char *dst_ptr, int dst_pitch)
{
    sixtap(src_ptr, src_pixels_per_line, xoffset, yoffset, dst_ptr, dst_pitch, 8, 4);
}

void vp8_sixtap_predict4x4_wasm(unsigned char *src_ptr, int src_pixels_per_line, int xoffset,
                                int yoffset, unsigned char *dst_ptr, int dst_pitch)
{
    sixtap(src_ptr, src_pixels_per_line, xoffset, yoffset, dst_ptr, dst_pitch, 4, 4);
}

void vp8_copy_mem16x16_wasm(unsigned char *src, int src_stride, unsigned char *dst, int dst_stride)
{
    for (int r = 0; r < 16; r++)
        wasm_v128_store(dst + r * dst_stride, wasm_v128_load(src + r * src_stride));
}

void vp8_copy_mem8x8_wasm(unsigned char *src, int src_stride, unsigned char *dst, int dst_stride)
{
    for (int r = 0; r < 8; r++)
        mcw_store64(dst + r * dst_stride, mcw_load64(src + r * src_stride));
}

void vp8_copy_mem8x4_wasm(unsigned char *src, int src_stride, unsigned char *dst, int dst_stride)
{
    for (int r = 0; r < 4; r++)
        mcw_store64(dst + r * dst_stride, mcw_load64(src + r * src_stride));
}

/* ---------------------------------------------------------------------------------- */
/* Loop filters. v[0..7] are p3 p2 p1 p0 q0 q1 q2 q3, one pixel position per byte lane.  */

/* 0xFF where the edge is filtered: every neighbour step within limit and the edge step
 * (|p0 - q0| * 2 + |p1 - q1| / 2, saturating: blimit is always below 255) within blimit. */
static inline v128_t lf_mask(const v128_t v[8], v128_t blimit, v128_t limit)
{
    v128_t m = wasm_u8x16_max(mcw_absdiff_u8(v[0], v[1]), mcw_absdiff_u8(v[1], v[2]));
    m = wasm_u8x16_max(m, mcw_absdiff_u8(v[2], v[3]));
    m = wasm_u8x16_max(m, mcw_absdiff_u8(v[5], v[4]));
    m = wasm_u8x16_max(m, mcw_absdiff_u8(v[6], v[5]));
    m = wasm_u8x16_max(m, mcw_absdiff_u8(v[7], v[6]));
    v128_t e = mcw_absdiff_u8(v[3], v[4]);
    e = wasm_u8x16_add_sat(wasm_u8x16_add_sat(e, e), wasm_u8x16_shr(mcw_absdiff_u8(v[2], v[5]), 1));
    return wasm_v128_and(wasm_u8x16_le(m, limit), wasm_u8x16_le(e, blimit));
}

static inline v128_t lf_hev(const v128_t v[8], v128_t thresh)
{
    return wasm_v128_or(wasm_u8x16_gt(mcw_absdiff_u8(v[2], v[3]), thresh),
                        wasm_u8x16_gt(mcw_absdiff_u8(v[5], v[4]), thresh));
}

/* filter_value + 3 * (qs0 - ps0), clamped: three saturating additions of the saturated
 * difference give the same result as C's int arithmetic followed by one clamp. */
static inline v128_t lf_base(v128_t fv, v128_t ps0, v128_t qs0)
{
    v128_t d = wasm_i8x16_sub_sat(qs0, ps0);
    return wasm_i8x16_add_sat(wasm_i8x16_add_sat(wasm_i8x16_add_sat(fv, d), d), d);
}

/* vp8_filter (the inner edges): changes p1 p0 q0 q1. */
static inline void lf_normal(v128_t v[8], v128_t blimit, v128_t limit, v128_t thresh)
{
    const v128_t k80 = wasm_i8x16_splat((int8_t)0x80);
    v128_t mask = lf_mask(v, blimit, limit), hev = lf_hev(v, thresh);
    v128_t ps1 = wasm_v128_xor(v[2], k80), ps0 = wasm_v128_xor(v[3], k80);
    v128_t qs0 = wasm_v128_xor(v[4], k80), qs1 = wasm_v128_xor(v[5], k80);
    v128_t fv = wasm_v128_and(wasm_i8x16_sub_sat(ps1, qs1), hev);
    v128_t f1, f2;

    fv = wasm_v128_and(lf_base(fv, ps0, qs0), mask);
    f1 = wasm_i8x16_shr(wasm_i8x16_add_sat(fv, wasm_i8x16_splat(4)), 3);
    f2 = wasm_i8x16_shr(wasm_i8x16_add_sat(fv, wasm_i8x16_splat(3)), 3);
    qs0 = wasm_i8x16_sub_sat(qs0, f1);
    ps0 = wasm_i8x16_add_sat(ps0, f2);
    fv = wasm_i8x16_shr(wasm_i8x16_add(f1, wasm_i8x16_splat(1)), 1);   /* f1 <= 15: no wrap */
    fv = wasm_v128_andnot(fv, hev);
    qs1 = wasm_i8x16_sub_sat(qs1, fv);
    ps1 = wasm_i8x16_add_sat(ps1, fv);
    v[2] = wasm_v128_xor(ps1, k80);
    v[3] = wasm_v128_xor(ps0, k80);
    v[4] = wasm_v128_xor(qs0, k80);
    v[5] = wasm_v128_xor(qs1, k80);
}

/* clamp((63 + f * k) >> 7) for signed bytes f, as 16-bit arithmetic then a saturating narrow. */
static inline v128_t lf_tap(v128_t f, int k)
{
    v128_t lo = wasm_i16x8_extend_low_i8x16(f), hi = wasm_i16x8_extend_high_i8x16(f);
    const v128_t c = wasm_i16x8_splat(63), m = wasm_i16x8_splat((int16_t)k);
    lo = wasm_i16x8_shr(wasm_i16x8_add(wasm_i16x8_mul(lo, m), c), 7);
    hi = wasm_i16x8_shr(wasm_i16x8_add(wasm_i16x8_mul(hi, m), c), 7);
    return wasm_i8x16_narrow_i16x8(lo, hi);
}

/* vp8_mbfilter (macroblock edges): changes p2 p1 p0 q0 q1 q2. */
static inline void lf_mb(v128_t v[8], v128_t blimit, v128_t limit, v128_t thresh)
{
    const v128_t k80 = wasm_i8x16_splat((int8_t)0x80);
    v128_t mask = lf_mask(v, blimit, limit), hev = lf_hev(v, thresh);
    v128_t ps2 = wasm_v128_xor(v[1], k80), ps1 = wasm_v128_xor(v[2], k80);
    v128_t ps0 = wasm_v128_xor(v[3], k80), qs0 = wasm_v128_xor(v[4], k80);
    v128_t qs1 = wasm_v128_xor(v[5], k80), qs2 = wasm_v128_xor(v[6], k80);
    v128_t fv, f1, f2, u;

    fv = wasm_v128_and(lf_base(wasm_i8x16_sub_sat(ps1, qs1), ps0, qs0), mask);
    f2 = wasm_v128_and(fv, hev);
    f1 = wasm_i8x16_shr(wasm_i8x16_add_sat(f2, wasm_i8x16_splat(4)), 3);
    f2 = wasm_i8x16_shr(wasm_i8x16_add_sat(f2, wasm_i8x16_splat(3)), 3);
    qs0 = wasm_i8x16_sub_sat(qs0, f1);
    ps0 = wasm_i8x16_add_sat(ps0, f2);
    fv = wasm_v128_andnot(fv, hev);
    u = lf_tap(fv, 27);
    qs0 = wasm_i8x16_sub_sat(qs0, u);
    ps0 = wasm_i8x16_add_sat(ps0, u);
    u = lf_tap(fv, 18);
    qs1 = wasm_i8x16_sub_sat(qs1, u);
    ps1 = wasm_i8x16_add_sat(ps1, u);
    u = lf_tap(fv, 9);
    qs2 = wasm_i8x16_sub_sat(qs2, u);
    ps2 = wasm_i8x16_add_sat(ps2, u);
    v[1] = wasm_v128_xor(ps2, k80);
    v[2] = wasm_v128_xor(ps1, k80);
    v[3] = wasm_v128_xor(ps0, k80);
    v[4] = wasm_v128_xor(qs0, k80);
    v[5] = wasm_v128_xor(qs1, k80);
    v[6] = wasm_v128_xor(qs2, k80);
}

/* vp8_simple_filter: p0 and q0 only, mask from blimit alone. */
static inline void lf_simple(v128_t v[8], v128_t blimit)
{
    const v128_t k80 = wasm_i8x16_splat((int8_t)0x80);
    v128_t e = mcw_absdiff_u8(v[3], v[4]), mask, fv, f;
    e = wasm_u8x16_add_sat(wasm_u8x16_add_sat(e, e), wasm_u8x16_shr(mcw_absdiff_u8(v[2], v[5]), 1));
    mask = wasm_u8x16_le(e, blimit);
    v128_t p1 = wasm_v128_xor(v[2], k80), p0 = wasm_v128_xor(v[3], k80);
    v128_t q0 = wasm_v128_xor(v[4], k80), q1 = wasm_v128_xor(v[5], k80);
    fv = wasm_v128_and(lf_base(wasm_i8x16_sub_sat(p1, q1), p0, q0), mask);
    f = wasm_i8x16_shr(wasm_i8x16_add_sat(fv, wasm_i8x16_splat(4)), 3);
    q0 = wasm_i8x16_sub_sat(q0, f);
    f = wasm_i8x16_shr(wasm_i8x16_add_sat(fv, wasm_i8x16_splat(3)), 3);
    p0 = wasm_i8x16_add_sat(p0, f);
    v[3] = wasm_v128_xor(p0, k80);
    v[4] = wasm_v128_xor(q0, k80);
}

enum { LF_NORMAL, LF_MB, LF_SIMPLE };

static inline void lf_apply(v128_t v[8], int kind, v128_t blimit, v128_t limit, v128_t thresh)
{
    if (kind == LF_MB)
        lf_mb(v, blimit, limit, thresh);
    else if (kind == LF_NORMAL)
        lf_normal(v, blimit, limit, thresh);
    else
        lf_simple(v, blimit);
}

/* A horizontal edge 16 pixels wide at s (the first q0 row): rows s - 4p .. s + 3p. The
 * simple filter reads only p1..q1, so only those rows are touched then. */
static inline void lf_h16(uint8_t *s, int p, int kind, v128_t blimit, v128_t limit, v128_t thresh)
{
    v128_t v[8];
    int first = kind == LF_SIMPLE ? 2 : 0, last = kind == LF_SIMPLE ? 6 : 8;
    for (int i = first; i < last; i++)
        v[i] = wasm_v128_load(s + (i - 4) * p);
    lf_apply(v, kind, blimit, limit, thresh);
    for (int i = first; i < last; i++)
        wasm_v128_store(s + (i - 4) * p, v[i]);
}

/* Horizontal edges 8 pixels wide in the U and V planes, filtered together. */
static inline void lf_h_uv(uint8_t *u, uint8_t *v, int p, int kind, v128_t blimit, v128_t limit,
                           v128_t thresh)
{
    v128_t r[8];
    for (int i = 0; i < 8; i++)
        r[i] = mcw_load64x2(u + (i - 4) * p, v + (i - 4) * p);
    lf_apply(r, kind, blimit, limit, thresh);
    for (int i = 0; i < 8; i++) {
        mcw_store64(u + (i - 4) * p, r[i]);
        wasm_v128_store64_lane(v + (i - 4) * p, r[i], 1);
    }
}

#define UNPACKLO8(a, b) wasm_i8x16_shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
#define UNPACKHI8(a, b) wasm_i8x16_shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
#define UNPACKLO16(a, b) wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define UNPACKHI16(a, b) wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15)
#define UNPACKLO32(a, b) wasm_i32x4_shuffle(a, b, 0, 4, 1, 5)
#define UNPACKHI32(a, b) wasm_i32x4_shuffle(a, b, 2, 6, 3, 7)
#define UNPACKLO64(a, b) wasm_i64x2_shuffle(a, b, 0, 2)
#define UNPACKHI64(a, b) wasm_i64x2_shuffle(a, b, 1, 3)

/* 16 rows of 8 bytes (row[i] at rows[i]) into 8 columns of 16 bytes. */
static inline void transpose_16x8(uint8_t *const rows[16], v128_t col[8])
{
    v128_t a[8], b[8], c[8];
    for (int i = 0; i < 8; i++)
        a[i] = UNPACKLO8(mcw_load64(rows[2 * i]), mcw_load64(rows[2 * i + 1]));
    for (int i = 0; i < 4; i++) {
        b[2 * i] = UNPACKLO16(a[2 * i], a[2 * i + 1]);       /* columns 0-3 of 4 rows */
        b[2 * i + 1] = UNPACKHI16(a[2 * i], a[2 * i + 1]);   /* columns 4-7 */
    }
    for (int h = 0; h < 2; h++) {                            /* rows 0-7, then 8-15 */
        c[4 * h + 0] = UNPACKLO32(b[4 * h + 0], b[4 * h + 2]);   /* columns 0, 1 */
        c[4 * h + 1] = UNPACKHI32(b[4 * h + 0], b[4 * h + 2]);   /* columns 2, 3 */
        c[4 * h + 2] = UNPACKLO32(b[4 * h + 1], b[4 * h + 3]);   /* columns 4, 5 */
        c[4 * h + 3] = UNPACKHI32(b[4 * h + 1], b[4 * h + 3]);   /* columns 6, 7 */
    }
    for (int i = 0; i < 4; i++) {
        col[2 * i] = UNPACKLO64(c[i], c[4 + i]);
        col[2 * i + 1] = UNPACKHI64(c[i], c[4 + i]);
    }
}

/* The inverse: 8 columns of 16 bytes back into 16 rows of 8 bytes. */
static inline void untranspose_16x8(const v128_t col[8], uint8_t *const rows[16])
{
    v128_t a[8], b[8], c[8];
    for (int i = 0; i < 4; i++) {
        a[2 * i] = UNPACKLO8(col[2 * i], col[2 * i + 1]);       /* rows 0-7 */
        a[2 * i + 1] = UNPACKHI8(col[2 * i], col[2 * i + 1]);   /* rows 8-15 */
    }
    for (int h = 0; h < 2; h++) {
        b[4 * h + 0] = UNPACKLO16(a[h], a[2 + h]);        /* columns 0-3 of rows 8h+0..3 */
        b[4 * h + 1] = UNPACKHI16(a[h], a[2 + h]);        /* columns 0-3 of rows 8h+4..7 */
        b[4 * h + 2] = UNPACKLO16(a[4 + h], a[6 + h]);    /* columns 4-7 of rows 8h+0..3 */
        b[4 * h + 3] = UNPACKHI16(a[4 + h], a[6 + h]);    /* columns 4-7 of rows 8h+4..7 */
    }
    for (int h = 0; h < 2; h++) {
        c[4 * h + 0] = UNPACKLO32(b[4 * h + 0], b[4 * h + 2]);   /* rows 8h+0, 8h+1 */
        c[4 * h + 1] = UNPACKHI32(b[4 * h + 0], b[4 * h + 2]);   /* rows 8h+2, 8h+3 */
        c[4 * h + 2] = UNPACKLO32(b[4 * h + 1], b[4 * h + 3]);   /* rows 8h+4, 8h+5 */
        c[4 * h + 3] = UNPACKHI32(b[4 * h + 1], b[4 * h + 3]);   /* rows 8h+6, 8h+7 */
    }
    for (int i = 0; i < 8; i++) {
        mcw_store64(rows[2 * i], c[i]);
        wasm_v128_store64_lane(rows[2 * i + 1], c[i], 1);
    }
}

/* A vertical edge across 16 rows: rows[i] points at row i's q0 pixel. */
static inline void lf_v16(uint8_t *const at[16], int kind, v128_t blimit, v128_t limit, v128_t thresh)
{
    uint8_t *rows[16];
    v128_t v[8];
    for (int i = 0; i < 16; i++)
        rows[i] = at[i] - 4;
    transpose_16x8(rows, v);
    lf_apply(v, kind, blimit, limit, thresh);
    untranspose_16x8(v, rows);
}

static inline void lf_v_y(uint8_t *s, int p, int kind, v128_t blimit, v128_t limit, v128_t thresh)
{
    uint8_t *at[16];
    for (int i = 0; i < 16; i++)
        at[i] = s + i * p;
    lf_v16(at, kind, blimit, limit, thresh);
}

static inline void lf_v_uv(uint8_t *u, uint8_t *v, int p, int kind, v128_t blimit, v128_t limit,
                           v128_t thresh)
{
    uint8_t *at[16];
    for (int i = 0; i < 8; i++) {
        at[i] = u + i * p;
        at[8 + i] = v + i * p;
    }
    lf_v16(at, kind, blimit, limit, thresh);
}

#define SPLAT(ptr) wasm_u8x16_splat((ptr)[0])

/* C filters U and V only when their pointers are set; both are set or neither in libvpx,
 * but a lone plane is handled too (filtered twice in one vector, identical results). */
#define UV_PAIR(u, v, body)                         \
    do {                                            \
        uint8_t *u_ = (u) ? (u) : (v);              \
        uint8_t *v_ = (v) ? (v) : (u);              \
        if (u_ != NULL) {                           \
            body;                                   \
        }                                           \
    } while (0)

void vp8_loop_filter_mbh_wasm(unsigned char *y_ptr, unsigned char *u_ptr, unsigned char *v_ptr,
                              int y_stride, int uv_stride, loop_filter_info *lfi)
{
    v128_t bl = SPLAT(lfi->mblim), l = SPLAT(lfi->lim), t = SPLAT(lfi->hev_thr);
    lf_h16(y_ptr, y_stride, LF_MB, bl, l, t);
    UV_PAIR(u_ptr, v_ptr, lf_h_uv(u_, v_, uv_stride, LF_MB, bl, l, t));
}

void vp8_loop_filter_mbv_wasm(unsigned char *y_ptr, unsigned char *u_ptr, unsigned char *v_ptr,
                              int y_stride, int uv_stride, loop_filter_info *lfi)
{
    v128_t bl = SPLAT(lfi->mblim), l = SPLAT(lfi->lim), t = SPLAT(lfi->hev_thr);
    lf_v_y(y_ptr, y_stride, LF_MB, bl, l, t);
    UV_PAIR(u_ptr, v_ptr, lf_v_uv(u_, v_, uv_stride, LF_MB, bl, l, t));
}

void vp8_loop_filter_bh_wasm(unsigned char *y_ptr, unsigned char *u_ptr, unsigned char *v_ptr,
                             int y_stride, int uv_stride, loop_filter_info *lfi)
{
    v128_t bl = SPLAT(lfi->blim), l = SPLAT(lfi->lim), t = SPLAT(lfi->hev_thr);
    lf_h16(y_ptr + 4 * y_stride, y_stride, LF_NORMAL, bl, l, t);
    lf_h16(y_ptr + 8 * y_stride, y_stride, LF_NORMAL, bl, l, t);
    lf_h16(y_ptr + 12 * y_stride, y_stride, LF_NORMAL, bl, l, t);
    UV_PAIR(u_ptr, v_ptr, lf_h_uv(u_ + 4 * uv_stride, v_ + 4 * uv_stride, uv_stride, LF_NORMAL, bl, l, t));
}

void vp8_loop_filter_bv_wasm(unsigned char *y_ptr, unsigned char *u_ptr, unsigned char *v_ptr,
                             int y_stride, int uv_stride, loop_filter_info *lfi)
{
    v128_t bl = SPLAT(lfi->blim), l = SPLAT(lfi->lim), t = SPLAT(lfi->hev_thr);
    lf_v_y(y_ptr + 4, y_stride, LF_NORMAL, bl, l, t);
    lf_v_y(y_ptr + 8, y_stride, LF_NORMAL, bl, l, t);
    lf_v_y(y_ptr + 12, y_stride, LF_NORMAL, bl, l, t);
    UV_PAIR(u_ptr, v_ptr, lf_v_uv(u_ + 4, v_ + 4, uv_stride, LF_NORMAL, bl, l, t));
}

void vp8_loop_filter_simple_mbh_wasm(unsigned char *y_ptr, int y_stride, const unsigned char *blimit)
{
    v128_t z = wasm_i8x16_splat(0);
    lf_h16(y_ptr, y_stride, LF_SIMPLE, SPLAT(blimit), z, z);
}

void vp8_loop_filter_simple_bh_wasm(unsigned char *y_ptr, int y_stride, const unsigned char *blimit)
{
    v128_t z = wasm_i8x16_splat(0), bl = SPLAT(blimit);
    lf_h16(y_ptr + 4 * y_stride, y_stride, LF_SIMPLE, bl, z, z);
    lf_h16(y_ptr + 8 * y_stride, y_stride, LF_SIMPLE, bl, z, z);
    lf_h16(y_ptr + 12 * y_stride, y_stride, LF_SIMPLE, bl, z, z);
}

void vp8_loop_filter_simple_mbv_wasm(unsigned char *y_ptr, int y_stride, const unsigned char *blimit)
{
    v128_t z = wasm_i8x16_splat(0);
    lf_v_y(y_ptr, y_stride, LF_SIMPLE, SPLAT(blimit), z, z);
}

void vp8_loop_filter_simple_bv_wasm(unsigned char *y_ptr, int y_stride, const unsigned char *blimit)
{
    v128_t z = wasm_i8x16_splat(0), bl = SPLAT(blimit);
    lf_v_y(y_ptr + 4, y_stride, LF_SIMPLE, bl, z, z);
    lf_v_y(y_ptr + 8, y_stride, LF_SIMPLE, bl, z, z);
    lf_v_y(y_ptr + 12, y_stride, LF_SIMPLE, bl, z, z);
}

/* ---------------------------------------------------------------------------------- */
/* Transforms, in 32-bit lanes as C computes them in int                               */

/* A short holding an int: C's store into a short keeps the low 16 bits. */
static inline v128_t wrap16(v128_t v)
{
    return wasm_i32x4_shr(wasm_i32x4_shl(v, 16), 16);
}

static inline void transpose4(v128_t r[4])
{
    v128_t a = UNPACKLO32(r[0], r[1]), b = UNPACKHI32(r[0], r[1]);
    v128_t c = UNPACKLO32(r[2], r[3]), d = UNPACKHI32(r[2], r[3]);
    r[0] = UNPACKLO64(a, c);
    r[1] = UNPACKHI64(a, c);
    r[2] = UNPACKLO64(b, d);
    r[3] = UNPACKHI64(b, d);
}

/* Four shorts to 32-bit lanes, and back (low 16 bits of each lane). */
static inline v128_t load4s(const short *p)
{
    return wasm_i32x4_extend_low_i16x8(mcw_load64(p));
}

static inline void store4s(short *p, v128_t v)
{
    mcw_store64(p, wasm_i8x16_shuffle(v, v, 0, 1, 4, 5, 8, 9, 12, 13, 0, 1, 4, 5, 8, 9, 12, 13));
}

void vp8_short_fdct4x4_wasm(short *input, short *output, int pitch)
{
    const v128_t k2217 = wasm_i32x4_splat(2217), k5352 = wasm_i32x4_splat(5352);
    v128_t x[4], a1, b1, c1, d1;

    for (int i = 0; i < 4; i++)
        x[i] = load4s(input + i * (pitch / 2));
    transpose4(x);   /* x[k][i] = input row i, element k */
    a1 = wasm_i32x4_shl(wasm_i32x4_add(x[0], x[3]), 3);
    b1 = wasm_i32x4_shl(wasm_i32x4_add(x[1], x[2]), 3);
    c1 = wasm_i32x4_shl(wasm_i32x4_sub(x[1], x[2]), 3);
    d1 = wasm_i32x4_shl(wasm_i32x4_sub(x[0], x[3]), 3);
    x[0] = wrap16(wasm_i32x4_add(a1, b1));
    x[2] = wrap16(wasm_i32x4_sub(a1, b1));
    x[1] = wrap16(wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_mul(c1, k2217), wasm_i32x4_mul(d1, k5352)),
                                                wasm_i32x4_splat(14500)), 12));
    x[3] = wrap16(wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_sub(wasm_i32x4_mul(d1, k2217), wasm_i32x4_mul(c1, k5352)),
                                                wasm_i32x4_splat(7500)), 12));
    /* x[k][i] is output[i * 4 + k]; the second pass works on columns: rows of the result. */
    transpose4(x);   /* x[r][j] = output[r * 4 + j] */
    a1 = wasm_i32x4_add(x[0], x[3]);
    b1 = wasm_i32x4_add(x[1], x[2]);
    c1 = wasm_i32x4_sub(x[1], x[2]);
    d1 = wasm_i32x4_sub(x[0], x[3]);
    store4s(output + 0, wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(a1, b1), wasm_i32x4_splat(7)), 4));
    store4s(output + 8, wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_sub(a1, b1), wasm_i32x4_splat(7)), 4));
    store4s(output + 4, wasm_i32x4_sub(
        wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(wasm_i32x4_mul(c1, k2217), wasm_i32x4_mul(d1, k5352)),
                                      wasm_i32x4_splat(12000)), 16),
        wasm_i32x4_ne(d1, wasm_i32x4_splat(0))));   /* + (d1 != 0): the mask is -1 */
    store4s(output + 12, wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_sub(wasm_i32x4_mul(d1, k2217), wasm_i32x4_mul(c1, k5352)),
                                                       wasm_i32x4_splat(51000)), 16));
}

void vp8_short_fdct8x4_wasm(short *input, short *output, int pitch)
{
    vp8_short_fdct4x4_wasm(input, output, pitch);
    vp8_short_fdct4x4_wasm(input + 4, output + 16, pitch);
}

/* The 1-D inverse transform on four vectors (one coefficient position each). */
static inline void idct_pass(const v128_t in[4], v128_t out[4], int final)
{
    const v128_t s = wasm_i32x4_splat(35468), c = wasm_i32x4_splat(20091);
    v128_t a1 = wasm_i32x4_add(in[0], in[2]), b1 = wasm_i32x4_sub(in[0], in[2]);
    v128_t t1 = wasm_i32x4_shr(wasm_i32x4_mul(in[1], s), 16);
    v128_t t2 = wasm_i32x4_add(in[3], wasm_i32x4_shr(wasm_i32x4_mul(in[3], c), 16));
    v128_t c1 = wasm_i32x4_sub(t1, t2);
    t1 = wasm_i32x4_add(in[1], wasm_i32x4_shr(wasm_i32x4_mul(in[1], c), 16));
    t2 = wasm_i32x4_shr(wasm_i32x4_mul(in[3], s), 16);
    v128_t d1 = wasm_i32x4_add(t1, t2);
    out[0] = wasm_i32x4_add(a1, d1);
    out[3] = wasm_i32x4_sub(a1, d1);
    out[1] = wasm_i32x4_add(b1, c1);
    out[2] = wasm_i32x4_sub(b1, c1);
    for (int i = 0; i < 4; i++) {
        if (final)
            out[i] = wasm_i32x4_shr(wasm_i32x4_add(out[i], wasm_i32x4_splat(4)), 3);
        out[i] = wrap16(out[i]);
    }
}

/* Inverse transform of the 16 coefficients in[] (already 16-bit values in 32-bit lanes,
 * row-major as r[0..3]), added to pred and clamped into dst. */
static inline void idct_add(v128_t r[4], const unsigned char *pred, int pred_stride,
                            unsigned char *dst, int dst_stride)
{
    v128_t o[4];
    idct_pass(r, o, 0);   /* the first pass runs down columns: o[k] is row k of its output */
    transpose4(o);        /* o[j][r] = output[r][j]: the second pass runs along rows */
    idct_pass(o, r, 1);
    transpose4(r);        /* r[row] */
    for (int i = 0; i < 4; i++) {
        v128_t p = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(mcw_load32(pred + i * pred_stride)));
        v128_t sum = wasm_i32x4_add(r[i], p);
        v128_t n = wasm_i16x8_narrow_i32x4(sum, sum);
        mcw_store32(dst + i * dst_stride, wasm_u8x16_narrow_i16x8(n, n));
    }
}

void vp8_short_idct4x4llm_wasm(short *input, unsigned char *pred_ptr, int pred_stride,
                               unsigned char *dst_ptr, int dst_stride)
{
    v128_t r[4];
    for (int i = 0; i < 4; i++)
        r[i] = load4s(input + 4 * i);
    idct_add(r, pred_ptr, pred_stride, dst_ptr, dst_stride);
}

void vp8_dc_only_idct_add_wasm(short input_dc, unsigned char *pred_ptr, int pred_stride,
                               unsigned char *dst_ptr, int dst_stride)
{
    v128_t a1 = wasm_i16x8_splat((int16_t)((input_dc + 4) >> 3));
    v128_t p = mcw_load32x4(pred_ptr, pred_stride);
    v128_t lo = wasm_i16x8_add(wasm_u16x8_extend_low_u8x16(p), a1);
    v128_t hi = wasm_i16x8_add(wasm_u16x8_extend_high_u8x16(p), a1);
    v128_t out = wasm_u8x16_narrow_i16x8(lo, hi);
    wasm_v128_store32_lane(dst_ptr, out, 0);
    wasm_v128_store32_lane(dst_ptr + dst_stride, out, 1);
    wasm_v128_store32_lane(dst_ptr + 2 * dst_stride, out, 2);
    wasm_v128_store32_lane(dst_ptr + 3 * dst_stride, out, 3);
}

void vp8_dequant_idct_add_wasm(short *input, short *dq, unsigned char *dest, int stride)
{
    v128_t q0 = wasm_i16x8_mul(wasm_v128_load(input), wasm_v128_load(dq));   /* short = int product */
    v128_t q1 = wasm_i16x8_mul(wasm_v128_load(input + 8), wasm_v128_load(dq + 8));
    v128_t r[4] = {
        wasm_i32x4_extend_low_i16x8(q0), wasm_i32x4_extend_high_i16x8(q0),
        wasm_i32x4_extend_low_i16x8(q1), wasm_i32x4_extend_high_i16x8(q1),
    };
    idct_add(r, dest, stride, dest, stride);
    memset(input, 0, 32);
}

/* One 4x4 block of a macroblock: the full inverse transform when it has AC coefficients
 * (eob > 1), else the DC-only one; its coefficients are cleared either way. */
static void dequant_idct_add_block(short *q, short *dq, unsigned char *dst, int stride, char eob)
{
    if (eob > 1) {
        vp8_dequant_idct_add_wasm(q, dq, dst, stride);
    } else {
        vp8_dc_only_idct_add_wasm((short)(q[0] * dq[0]), dst, stride, dst, stride);
        memset(q, 0, 2 * sizeof(q[0]));
    }
}

void vp8_dequant_idct_add_y_block_wasm(short *q, short *dq, unsigned char *dst, int stride, char *eobs)
{
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
            dequant_idct_add_block(q, dq, dst, stride, *eobs++);
            q += 16;
            dst += 4;
        }
        dst += 4 * stride - 16;
    }
}

void vp8_dequant_idct_add_uv_block_wasm(short *q, short *dq, unsigned char *dst_u,
                                        unsigned char *dst_v, int stride, char *eobs)
{
    unsigned char *planes[2] = { dst_u, dst_v };
    for (int p = 0; p < 2; p++) {
        unsigned char *dst = planes[p];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                dequant_idct_add_block(q, dq, dst, stride, *eobs++);
                q += 16;
                dst += 4;
            }
            dst += 4 * stride - 8;
        }
    }
}
