/* text_nosimd.c: the text compositing kernel, one pixel at a time (the baseline module). */
#include "text_kernels.h"

void mc_text_composite_row(uint8_t *dst, const uint8_t *layer, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++)
        mc_text_composite_px(dst + 4 * i, layer + 4 * i);
}
