/* frame_simd.c: the SIMD128 filter path. Four pixels per 128-bit vector.
 *
 * Each pixel is widened to four 16-bit lanes [R G B A], and i32x4.dot_i16x8_s against
 * [cR cG cB 0] gives two partial sums per pixel, (R*cR + G*cG) and (B*cB); two i32
 * shuffles pair them up so that one add yields R*cR + G*cG + B*cB per pixel in 32 bits:
 * exactly the integer the scalar path computes, hence identical bytes. Results go back
 * into the bytes without a general two-input byte shuffle (slow in engines), alpha taken
 * from the source vector unchanged:
 *   grayscale  Y * 0x010101 puts Y in R, G and B at once;
 *   sepia      saturating narrows clamp to 255, one constant swizzle interleaves.
 * The loops work on 16 pixels per iteration for instruction-level parallelism; the last
 * 0 to 3 pixels of a run go through the scalar code.
 */
#include "frame_kernels.h"
#include "base/simd128.h"

const int mc_rows_simd_available = 1;

typedef struct {
    mc_v128 coef[3];   /* per output channel: [cR cG cB 0] twice, as i16 */
    mc_v128 half;      /* rounding: 0.5 in Q15 */
    mc_v128 alpha;     /* 0xff000000 in each pixel */
    mc_v128 rgb;       /* 0x00ffffff in each pixel */
    mc_v128 spread;    /* grayscale: Y * spread = [Y Y Y 0] */
    mc_v128 interleave;/* sepia: [R0..3 G0..3 B0..3 x] -> [R G B 0] per pixel */
} mc_kernel_consts;

static inline mc_v128 mc_coef(const int32_t *w)
{
    return mc_i16x8_make((int16_t)w[0], (int16_t)w[1], (int16_t)w[2], 0,
                         (int16_t)w[0], (int16_t)w[1], (int16_t)w[2], 0);
}

/* R*cR + G*cG + B*cB for 4 pixels (widened halves lo, hi), rounded, as i32 lanes. */
static inline mc_v128 mc_weigh(mc_v128 lo, mc_v128 hi, mc_v128 coef, mc_v128 half)
{
    mc_v128 d0 = mc_i32x4_dot_i16x8(lo, coef);   /* [RG0 B0 RG1 B1] */
    mc_v128 d1 = mc_i32x4_dot_i16x8(hi, coef);   /* [RG2 B2 RG3 B3] */
    mc_v128 sum = mc_i32x4_add(mc_i32x4_shuffle(d0, d1, 0, 2, 4, 6),
                               mc_i32x4_shuffle(d0, d1, 1, 3, 5, 7));
    return mc_i32x4_shr(mc_i32x4_add(sum, half), MC_Q15_SHIFT);
}

static inline mc_v128 mc_gray4(mc_v128 p, const mc_kernel_consts *k)
{
    mc_v128 lo = mc_u16x8_extend_low_u8x16(p), hi = mc_u16x8_extend_high_u8x16(p);
    mc_v128 y = mc_weigh(lo, hi, k->coef[0], k->half);   /* <= 255: weights sum to one */
    return mc_v128_or(mc_i32x4_mul(y, k->spread), mc_v128_and(p, k->alpha));
}

static inline mc_v128 mc_sepia4(mc_v128 p, const mc_kernel_consts *k)
{
    mc_v128 lo = mc_u16x8_extend_low_u8x16(p), hi = mc_u16x8_extend_high_u8x16(p);
    mc_v128 r = mc_weigh(lo, hi, k->coef[0], k->half);
    mc_v128 g = mc_weigh(lo, hi, k->coef[1], k->half);
    mc_v128 b = mc_weigh(lo, hi, k->coef[2], k->half);
    /* Saturating narrows clamp to 255: [R0..R3 G0..G3 B0..B3 B0..B3]. */
    mc_v128 bytes = mc_u8x16_narrow_i16x8(mc_u16x8_narrow_i32x4(r, g), mc_u16x8_narrow_i32x4(b, b));
    return mc_v128_or(mc_i8x16_swizzle(bytes, k->interleave), mc_v128_and(p, k->alpha));
}

static void mc_consts_init(mc_kernel_consts *k, mc_filter filter)
{
    int c;

    for (c = 0; c < 3; c++)
        k->coef[c] = mc_coef(filter == MC_FILTER_SEPIA ? mc_sepia_q15[c] : mc_gray_q15);
    k->half = mc_i32x4_splat(MC_Q15_HALF);
    k->alpha = mc_i32x4_splat((int32_t)0xff000000u);
    k->rgb = mc_i32x4_splat(0x00ffffff);
    k->spread = mc_i32x4_splat(0x010101);
    k->interleave = mc_i8x16_make(0, 4, 8, -128, 1, 5, 9, -128, 2, 6, 10, -128, 3, 7, 11, -128);
}

/* Apply f to every whole group of 4 pixels, 16 at a time, then the rest in scalar. */
#define MC_RUN(f, filter)                                                              \
    do {                                                                             \
        mc_kernel_consts k;                                                          \
        uint8_t *end16 = p + (pixels & ~(size_t)15) * 4;                             \
        uint8_t *end4 = p + (pixels & ~(size_t)3) * 4;                               \
        mc_consts_init(&k, (filter));                                                \
        for (; p < end16; p += 64) {                                                 \
            mc_v128 a = mc_v128_load(p), b = mc_v128_load(p + 16);                   \
            mc_v128 c = mc_v128_load(p + 32), d = mc_v128_load(p + 48);              \
            mc_v128_store(p, f(a, &k));                                              \
            mc_v128_store(p + 16, f(b, &k));                                         \
            mc_v128_store(p + 32, f(c, &k));                                         \
            mc_v128_store(p + 48, f(d, &k));                                         \
        }                                                                            \
        for (; p < end4; p += 16)                                                    \
            mc_v128_store(p, f(mc_v128_load(p), &k));                                \
        mc_rows_scalar(p, pixels & 3, (filter));                                     \
    } while (0)

static inline mc_v128 mc_invert4(mc_v128 p, const mc_kernel_consts *k)
{
    return mc_v128_xor(p, k->rgb);   /* 255 - C == C ^ 255 */
}

void mc_rows_simd(uint8_t *p, size_t pixels, mc_filter filter)
{
    switch (filter) {
    case MC_FILTER_GRAYSCALE: MC_RUN(mc_gray4, MC_FILTER_GRAYSCALE); break;
    case MC_FILTER_SEPIA:     MC_RUN(mc_sepia4, MC_FILTER_SEPIA); break;
    case MC_FILTER_INVERT:    MC_RUN(mc_invert4, MC_FILTER_INVERT); break;
    case MC_FILTER_NONE:
    default:                  break;
    }
}
