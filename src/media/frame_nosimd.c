/* frame_nosimd.c: the SIMD path's stand-in for builds without SIMD (the baseline wasm
 * module). The build links exactly one of frame_simd.c and this file. */
#include "frame_kernels.h"

const int mc_rows_simd_available = 0;

void mc_rows_simd(uint8_t *p, size_t pixels, mc_filter filter)
{
    mc_rows_scalar(p, pixels, filter);
}
