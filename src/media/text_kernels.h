/* text_kernels.h: internal to text.c. Compositing a rendered text layer (premultiplied
 * RGBA) over frame pixels (straight RGBA), source-over. Two implementations with
 * identical results: text_simd.c (SIMD128, four pixels at a time) and text_nosimd.c
 * (one pixel at a time); the build picks one per module (mc_core_kernels). */
#ifndef MC_TEXT_KERNELS_H
#define MC_TEXT_KERNELS_H

#include <stdint.h>

/** Composite n layer pixels over n frame pixels, in place. */
void mc_text_composite_row(uint8_t *dst, const uint8_t *layer, int32_t n);

/* Round x / 255 for 0 <= x <= 255 * 255. */
static inline uint32_t mc_text_div255(uint32_t x)
{
    x += 128u;
    return (x + (x >> 8)) >> 8;
}

/* One pixel. Over an opaque pixel every channel, alpha included, is
 * s + round(d (255 - sa) / 255), the SIMD kernel's formula; over a translucent one the
 * straight-alpha result is computed exactly (the SIMD kernel falls back to this). */
static inline void mc_text_composite_px(uint8_t *d, const uint8_t *s)
{
    uint32_t sa = s[3], da = d[3], ia = 255u - sa;
    if (sa == 0)
        return;
    if (sa == 255u) {   /* both formulas below give s */
        d[0] = s[0];
        d[1] = s[1];
        d[2] = s[2];
        d[3] = 255u;
    } else if (da == 255u) {
        d[0] = (uint8_t)(s[0] + mc_text_div255(d[0] * ia));
        d[1] = (uint8_t)(s[1] + mc_text_div255(d[1] * ia));
        d[2] = (uint8_t)(s[2] + mc_text_div255(d[2] * ia));
    } else {
        /* out alpha * 255 = sa * 255 + da (255 - sa); colour = premultiplied sum / that. */
        uint32_t wd = da * ia, den = sa * 255u + wd;
        d[0] = (uint8_t)((s[0] * 65025u + d[0] * wd + den / 2) / den);
        d[1] = (uint8_t)((s[1] * 65025u + d[1] * wd + den / 2) / den);
        d[2] = (uint8_t)((s[2] * 65025u + d[2] * wd + den / 2) / den);
        d[3] = (uint8_t)((den + 127u) / 255u);
    }
}

#endif /* MC_TEXT_KERNELS_H */
