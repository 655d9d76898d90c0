/* simd128.h: internal. The few 128-bit vector operations mediacore's kernels use, named
 * after their WebAssembly SIMD128 instructions.
 *
 * In the module (-msimd128) each one is the wasm intrinsic. In native builds the same
 * operations are written with GCC/Clang vector extensions and exact lane semantics, so
 * native tests and fuzzers run the very kernel code the module runs and can compare it
 * with the scalar path. Which definition is used is decided by the compiler target, here,
 * once; kernels contain no #ifdefs.
 */
#ifndef MC_SIMD128_H
#define MC_SIMD128_H

#include <stdint.h>
#include <string.h>

#if defined(__wasm_simd128__)

#include <wasm_simd128.h>

typedef v128_t mc_v128;

#define mc_v128_load(p)                 wasm_v128_load(p)
#define mc_v128_store(p, v)             wasm_v128_store((p), (v))
#define mc_v128_xor(a, b)               wasm_v128_xor((a), (b))
#define mc_v128_and(a, b)               wasm_v128_and((a), (b))
#define mc_v128_or(a, b)                wasm_v128_or((a), (b))
#define mc_i32x4_splat(x)               wasm_i32x4_splat(x)
#define mc_i32x4_add(a, b)              wasm_i32x4_add((a), (b))
#define mc_i32x4_shr(a, n)              wasm_i32x4_shr((a), (n))
#define mc_i32x4_dot_i16x8(a, b)        wasm_i32x4_dot_i16x8((a), (b))
#define mc_i32x4_mul(a, b)              wasm_i32x4_mul((a), (b))
#define mc_i32x4_shuffle                wasm_i32x4_shuffle
#define mc_i8x16_swizzle(a, idx)        wasm_i8x16_swizzle((a), (idx))
#define mc_i8x16_make                   wasm_i8x16_make
#define mc_u16x8_extend_low_u8x16(a)    wasm_u16x8_extend_low_u8x16(a)
#define mc_u16x8_extend_high_u8x16(a)   wasm_u16x8_extend_high_u8x16(a)
#define mc_u16x8_narrow_i32x4(a, b)     wasm_u16x8_narrow_i32x4((a), (b))
#define mc_u8x16_narrow_i16x8(a, b)     wasm_u8x16_narrow_i16x8((a), (b))
#define mc_i16x8_make(a, b, c, d, e, f, g, h) wasm_i16x8_make(a, b, c, d, e, f, g, h)
/* Used by the Base64 kernels (base64_simd.c). */
#define mc_i8x16_splat(x)               wasm_i8x16_splat(x)
#define mc_i16x8_splat(x)               wasm_i16x8_splat(x)
#define mc_i8x16_add(a, b)              wasm_i8x16_add((a), (b))
#define mc_i8x16_eq(a, b)               wasm_i8x16_eq((a), (b))
#define mc_u8x16_lt(a, b)               wasm_u8x16_lt((a), (b))
#define mc_u8x16_sub_sat(a, b)          wasm_u8x16_sub_sat((a), (b))
#define mc_u8x16_shr(a, n)              wasm_u8x16_shr((a), (n))
#define mc_i16x8_shl(a, n)              wasm_i16x8_shl((a), (n))
#define mc_u16x8_shr(a, n)              wasm_u16x8_shr((a), (n))
#define mc_u32x4_shr(a, n)              wasm_u32x4_shr((a), (n))
#define mc_i32x4_shl(a, n)              wasm_i32x4_shl((a), (n))
#define mc_v128_any_true(a)             wasm_v128_any_true(a)
/* Used by the text compositing kernel (text_simd.c). */
#define mc_i16x8_add(a, b)              wasm_i16x8_add((a), (b))
#define mc_i16x8_mul(a, b)              wasm_i16x8_mul((a), (b))

#else /* portable vector extensions (GCC >= 12, Clang) */

typedef int32_t mc_v128 __attribute__((vector_size(16), aligned(16)));
typedef uint8_t mc_u8x16 __attribute__((vector_size(16)));
typedef uint8_t mc_u8x8 __attribute__((vector_size(8)));
typedef int8_t mc_i8x16 __attribute__((vector_size(16)));
typedef uint16_t mc_u16x8 __attribute__((vector_size(16)));
typedef int16_t mc_i16x8 __attribute__((vector_size(16)));
typedef int32_t mc_i32x8 __attribute__((vector_size(32)));
typedef uint32_t mc_u32x4 __attribute__((vector_size(16)));
typedef int16_t mc_i16x16 __attribute__((vector_size(32)));
typedef int32_t mc_i32x4 __attribute__((vector_size(16)));

static inline mc_v128 mc_v128_load(const void *p)
{
    mc_v128 v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static inline void mc_v128_store(void *p, mc_v128 v) { memcpy(p, &v, sizeof(v)); }
static inline mc_v128 mc_v128_xor(mc_v128 a, mc_v128 b) { return a ^ b; }
static inline mc_v128 mc_v128_and(mc_v128 a, mc_v128 b) { return a & b; }
static inline mc_v128 mc_v128_or(mc_v128 a, mc_v128 b) { return a | b; }
static inline mc_v128 mc_i32x4_splat(int32_t x) { return (mc_v128){ x, x, x, x }; }
static inline mc_v128 mc_i32x4_add(mc_v128 a, mc_v128 b)
{
    return (mc_v128)((mc_u32x4)a + (mc_u32x4)b);   /* wraps, as the instruction does */
}
static inline mc_v128 mc_i32x4_shr(mc_v128 a, int n) { return a >> (n & 31); }
static inline mc_v128 mc_i32x4_mul(mc_v128 a, mc_v128 b)
{
    return (mc_v128)((mc_u32x4)a * (mc_u32x4)b);   /* low 32 bits, wrapping */
}
#define mc_i32x4_shuffle(a, b, ...) \
    ((mc_v128)__builtin_shufflevector((mc_i32x4)(a), (mc_i32x4)(b), __VA_ARGS__))

/* Lane i of the result is a[idx[i]], or 0 when idx[i] is 16 or more (as unsigned). */
static inline mc_v128 mc_i8x16_swizzle(mc_v128 a, mc_v128 idx)
{
    mc_u8x16 s = (mc_u8x16)a, i = (mc_u8x16)idx, r;
    int k;
    for (k = 0; k < 16; k++)
        r[k] = i[k] < 16 ? s[i[k] & 15] : 0;
    return (mc_v128)r;
}

static inline mc_v128 mc_i32x4_dot_i16x8(mc_v128 a, mc_v128 b)
{
    mc_i32x8 x = __builtin_convertvector((mc_i16x8)a, mc_i32x8);
    mc_i32x8 y = __builtin_convertvector((mc_i16x8)b, mc_i32x8);
    mc_i32x8 p = x * y;
    mc_i32x4 even = __builtin_shufflevector(p, p, 0, 2, 4, 6);
    mc_i32x4 odd = __builtin_shufflevector(p, p, 1, 3, 5, 7);
    return (mc_v128)((mc_u32x4)even + (mc_u32x4)odd);
}

static inline mc_v128 mc_u16x8_extend_low_u8x16(mc_v128 a)
{
    mc_u8x8 lo = __builtin_shufflevector((mc_u8x16)a, (mc_u8x16)a, 0, 1, 2, 3, 4, 5, 6, 7);
    return (mc_v128)__builtin_convertvector(lo, mc_u16x8);
}

static inline mc_v128 mc_u16x8_extend_high_u8x16(mc_v128 a)
{
    mc_u8x8 hi = __builtin_shufflevector((mc_u8x16)a, (mc_u8x16)a, 8, 9, 10, 11, 12, 13, 14, 15);
    return (mc_v128)__builtin_convertvector(hi, mc_u16x8);
}

/* Signed 32-bit lanes to unsigned 16-bit with saturation: a's lanes first, then b's. */
static inline mc_v128 mc_u16x8_narrow_i32x4(mc_v128 a, mc_v128 b)
{
    mc_i32x8 x = __builtin_shufflevector((mc_i32x4)a, (mc_i32x4)b, 0, 1, 2, 3, 4, 5, 6, 7);
    mc_i32x8 max = { 0 }, m;
    max += 65535;
    x &= ~(x < 0);                    /* comparisons yield all-ones lanes where true */
    m = x > max;
    x = (x & ~m) | (max & m);
    return (mc_v128)__builtin_convertvector(x, mc_u16x8);
}

/* Signed 16-bit lanes to unsigned 8-bit with saturation: a's lanes first, then b's. */
static inline mc_v128 mc_u8x16_narrow_i16x8(mc_v128 a, mc_v128 b)
{
    mc_i16x16 x = __builtin_shufflevector((mc_i16x8)a, (mc_i16x8)b,
                                          0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    mc_i16x16 max = { 0 }, m;
    max += 255;
    x &= ~(x < 0);
    m = x > max;
    x = (x & ~m) | (max & m);
    return (mc_v128)__builtin_convertvector(x, mc_u8x16);
}

#define mc_i16x8_make(...) ((mc_v128)(mc_i16x8){ __VA_ARGS__ })
#define mc_i8x16_make(...) ((mc_v128)(mc_i8x16){ __VA_ARGS__ })

/* ---- Used by the Base64 kernels (base64_simd.c). Lane semantics as in the wasm spec:
 * integer arithmetic wraps, shift counts are taken modulo the lane width, comparisons
 * give all-ones (true) or all-zeros (false) lanes. Unsigned element types are used for
 * the arithmetic so that wrapping is defined behaviour in C. */

/* i8x16.splat: every byte lane = x (low 8 bits). */
static inline mc_v128 mc_i8x16_splat(int32_t x)
{
    mc_u8x16 v = { 0 };
    return (mc_v128)(v + (uint8_t)x);
}

/* i16x8.splat: every 16-bit lane = x (low 16 bits). */
static inline mc_v128 mc_i16x8_splat(int32_t x)
{
    mc_u16x8 v = { 0 };
    return (mc_v128)(v + (uint16_t)x);
}

/* i8x16.add: lane-wise, modulo 2^8. */
static inline mc_v128 mc_i8x16_add(mc_v128 a, mc_v128 b)
{
    return (mc_v128)((mc_u8x16)a + (mc_u8x16)b);
}

/* i8x16.eq: 0xff where a == b, else 0. */
static inline mc_v128 mc_i8x16_eq(mc_v128 a, mc_v128 b)
{
    return (mc_v128)((mc_u8x16)a == (mc_u8x16)b);
}

/* i8x16.lt_u: 0xff where a < b as unsigned bytes, else 0. */
static inline mc_v128 mc_u8x16_lt(mc_v128 a, mc_v128 b)
{
    return (mc_v128)((mc_u8x16)a < (mc_u8x16)b);
}

/* i8x16.sub_sat_u: a - b as unsigned bytes, clamped at 0. */
static inline mc_v128 mc_u8x16_sub_sat(mc_v128 a, mc_v128 b)
{
    mc_u8x16 x = (mc_u8x16)a, y = (mc_u8x16)b;
    return (mc_v128)((x - y) & (mc_u8x16)(x >= y));
}

/* i8x16.shr_u: logical right shift of each byte by n mod 8. */
static inline mc_v128 mc_u8x16_shr(mc_v128 a, int n)
{
    return (mc_v128)((mc_u8x16)a >> (uint8_t)(n & 7));
}

/* i16x8.shl: left shift of each 16-bit lane by n mod 16, bits shifted out are lost. */
static inline mc_v128 mc_i16x8_shl(mc_v128 a, int n)
{
    return (mc_v128)((mc_u16x8)a << (uint16_t)(n & 15));
}

/* i16x8.shr_u: logical right shift of each 16-bit lane by n mod 16. */
static inline mc_v128 mc_u16x8_shr(mc_v128 a, int n)
{
    return (mc_v128)((mc_u16x8)a >> (uint16_t)(n & 15));
}

/* i32x4.shr_u: logical right shift of each 32-bit lane by n mod 32. */
static inline mc_v128 mc_u32x4_shr(mc_v128 a, int n)
{
    return (mc_v128)((mc_u32x4)a >> (uint32_t)(n & 31));
}

/* i32x4.shl: left shift of each 32-bit lane by n mod 32, bits shifted out are lost. */
static inline mc_v128 mc_i32x4_shl(mc_v128 a, int n)
{
    return (mc_v128)((mc_u32x4)a << (uint32_t)(n & 31));
}

/* i16x8.add: lane-wise, modulo 2^16 (used by text_simd.c). */
static inline mc_v128 mc_i16x8_add(mc_v128 a, mc_v128 b)
{
    return (mc_v128)((mc_u16x8)a + (mc_u16x8)b);
}

/* i16x8.mul: lane-wise, low 16 bits of the product (used by text_simd.c). */
static inline mc_v128 mc_i16x8_mul(mc_v128 a, mc_v128 b)
{
    return (mc_v128)((mc_u16x8)a * (mc_u16x8)b);
}

/* v128.any_true: 1 when any bit is set, else 0. */
static inline int mc_v128_any_true(mc_v128 a)
{
    mc_u32x4 x = (mc_u32x4)a;
    return (x[0] | x[1] | x[2] | x[3]) != 0;
}

#endif

#endif /* MC_SIMD128_H */
