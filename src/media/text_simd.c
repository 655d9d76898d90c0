/* text_simd.c: the text compositing kernel with 128-bit vectors, four pixels at a time.
 *
 * Where all four frame pixels are opaque (a camera frame), each channel c of each pixel
 * becomes s_c + round(d_c (255 - s_a) / 255), alpha included (it stays 255), exactly as
 * mc_text_composite_px() computes it: 255 - s_a is s_a ^ 0xff, the product fits 16 bits,
 * round(x / 255) is (x + 128 + ((x + 128) >> 8)) >> 8, and the sum never passes 255.
 * Groups whose layer pixels are all transparent are skipped, and groups whose layer
 * pixels are all opaque are stored as they are (with s_a = 255 both formulas give s, over
 * any frame pixel): glyph interiors and boxes cost a load and a store. Groups with a
 * translucent frame pixel go through the scalar code. Identical bytes to text_nosimd.c. */
#include "base/simd128.h"
#include "text_kernels.h"

void mc_text_composite_row(uint8_t *dst, const uint8_t *layer, int32_t n)
{
    const mc_v128 alpha_idx = mc_i8x16_make(3, 3, 3, 3, 7, 7, 7, 7, 11, 11, 11, 11, 15, 15, 15, 15);
    const mc_v128 alpha_mask = mc_i8x16_make(0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1);
    const mc_v128 ones = mc_i8x16_splat(-1);
    const mc_v128 c128 = mc_i16x8_splat(128);
    int32_t i = 0;

    for (; i + 4 <= n; i += 4) {
        uint8_t *d = dst + 4 * i;
        const uint8_t *s = layer + 4 * i;
        mc_v128 sv = mc_v128_load(s), dv, inv, lo, hi;
        if ((i & 15) == 0 && i + 16 <= n &&
            !mc_v128_any_true(mc_v128_or(mc_v128_or(sv, mc_v128_load(s + 16)),
                                         mc_v128_or(mc_v128_load(s + 32), mc_v128_load(s + 48))))) {
            i += 12;    /* sixteen pixels with nothing drawn on them */
            continue;
        }
        if (!mc_v128_any_true(sv))
            continue;   /* nothing drawn here */
        if (!mc_v128_any_true(mc_v128_xor(mc_v128_and(sv, alpha_mask), alpha_mask))) {
            mc_v128_store(d, sv);   /* four opaque layer pixels: they replace the frame's */
            continue;
        }
        dv = mc_v128_load(d);
        if (mc_v128_any_true(mc_v128_xor(mc_v128_and(dv, alpha_mask), alpha_mask))) {
            int k;
            for (k = 0; k < 4; k++)
                mc_text_composite_px(d + 4 * k, s + 4 * k);
            continue;
        }
        inv = mc_v128_xor(mc_i8x16_swizzle(sv, alpha_idx), ones);
        lo = mc_i16x8_mul(mc_u16x8_extend_low_u8x16(dv), mc_u16x8_extend_low_u8x16(inv));
        hi = mc_i16x8_mul(mc_u16x8_extend_high_u8x16(dv), mc_u16x8_extend_high_u8x16(inv));
        lo = mc_i16x8_add(lo, c128);
        hi = mc_i16x8_add(hi, c128);
        lo = mc_u16x8_shr(mc_i16x8_add(lo, mc_u16x8_shr(lo, 8)), 8);
        hi = mc_u16x8_shr(mc_i16x8_add(hi, mc_u16x8_shr(hi, 8)), 8);
        mc_v128_store(d, mc_i8x16_add(sv, mc_u8x16_narrow_i16x8(lo, hi)));
    }
    for (; i < n; i++)
        mc_text_composite_px(dst + 4 * i, layer + 4 * i);
}
