/* wasm_common.h: helpers shared by mediacore's WebAssembly SIMD128 kernels for libvpx.
 *
 * The kernels replace libvpx functions whose x86 versions are assembly (which cannot be
 * compiled to WebAssembly). Each one computes exactly what the function's C version
 * computes, for every input (tests/kernels.c checks this at build time), so streams
 * encoded and decoded with them are bit-identical to the plain C build.
 *
 * Memory: a kernel reads exactly the bytes the C version reads, never more (no
 * over-wide loads past a block's last byte), so it is safe wherever the C version is.
 */
#ifndef MC_VPX_WASM_COMMON_H
#define MC_VPX_WASM_COMMON_H

#include <stdint.h>
#include <string.h>
#include <wasm_simd128.h>

/* 4 and 8 bytes, loaded into the low lanes (the rest zero), and stored from them. */
static inline v128_t mcw_load32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return wasm_u32x4_make(v, 0, 0, 0);
}

static inline v128_t mcw_load64(const void *p)
{
    return wasm_v128_load64_zero(p);
}

static inline void mcw_store32(void *p, v128_t v)
{
    uint32_t x = wasm_u32x4_extract_lane(v, 0);
    memcpy(p, &x, 4);
}

static inline void mcw_store64(void *p, v128_t v)
{
    wasm_v128_store64_lane(p, v, 0);
}

/* Two 8-byte rows in one vector (first in the low half). */
static inline v128_t mcw_load64x2(const void *a, const void *b)
{
    return wasm_v128_load64_lane(b, wasm_v128_load64_zero(a), 1);
}

/* Four 4-byte rows in one vector. */
static inline v128_t mcw_load32x4(const uint8_t *p, int stride)
{
    uint32_t a, b, c, d;
    memcpy(&a, p, 4);
    memcpy(&b, p + stride, 4);
    memcpy(&c, p + 2 * stride, 4);
    memcpy(&d, p + 3 * stride, 4);
    return wasm_u32x4_make(a, b, c, d);
}

/* |a - b| per unsigned byte. */
static inline v128_t mcw_absdiff_u8(v128_t a, v128_t b)
{
    return wasm_v128_or(wasm_u8x16_sub_sat(a, b), wasm_u8x16_sub_sat(b, a));
}

/* Horizontal sums. */
static inline uint32_t mcw_hsum_u32(v128_t v)
{
    return wasm_u32x4_extract_lane(v, 0) + wasm_u32x4_extract_lane(v, 1) +
           wasm_u32x4_extract_lane(v, 2) + wasm_u32x4_extract_lane(v, 3);
}

static inline int32_t mcw_hsum_i32(v128_t v)
{
    return wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) +
           wasm_i32x4_extract_lane(v, 2) + wasm_i32x4_extract_lane(v, 3);
}

/*
 * The end of an 8-bit sub-pixel filter with FILTER_BITS 7 (VP8's six taps, VP9's eight):
 * C computes S = sum(p[k] * f[k]) + 64 in int, then clip(S >> 7, 0, 255). Here S was
 * summed in 16-bit lanes, wrapping. Every libvpx filter has sum(|f|) <= 236, so the exact
 * S lies in [-255 * 54, 255 * 182 + 64]: a span under 65536, so the wrapped value w still
 * tells the sign: w >> 7 (logical) is <= 363 when S >= 0 and >= 404 when S < 0. Negative
 * sums become 0; the saturating narrow clamps the rest to 255. Exact for every input.
 */
static inline v128_t mcw_filter_round(v128_t lo, v128_t hi)
{
    const v128_t neg = wasm_i16x8_splat(383);
    lo = wasm_u16x8_shr(lo, 7);
    hi = wasm_u16x8_shr(hi, 7);
    lo = wasm_v128_andnot(lo, wasm_i16x8_gt(lo, neg));
    hi = wasm_v128_andnot(hi, wasm_i16x8_gt(hi, neg));
    return wasm_u8x16_narrow_i16x8(lo, hi);
}

#endif /* MC_VPX_WASM_COMMON_H */
