/* frame_kernels.h: internal. The row kernels behind mc_frame_filter(), and the Q15
 * coefficients both paths share. Not part of the public API. */
#ifndef MC_FRAME_KERNELS_H
#define MC_FRAME_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "mediacore/frame.h"

/* W3C Filter Effects matrices in Q15: round(coefficient * 32768). Grayscale's row sums
 * to exactly 32768, so white stays 255. Rows are [R, G, B] weights of one output channel. */
#define MC_Q15_ONE   32768
#define MC_Q15_HALF  16384
#define MC_Q15_SHIFT 15

static const int32_t mc_gray_q15[3] = { 6966, 23436, 2366 };
static const int32_t mc_sepia_q15[3][3] = {
    { 12878, 25199, 6193 },   /* R' */
    { 11436, 22479, 5505 },   /* G' */
    {  8913, 17498, 4293 },   /* B' */
};

/* Filter `pixels` consecutive RGBA pixels at `p` in place. */
void mc_rows_scalar(uint8_t *p, size_t pixels, mc_filter filter);

/* Same result as mc_rows_scalar; present only when mc_frame_has_simd() returns 1. */
void mc_rows_simd(uint8_t *p, size_t pixels, mc_filter filter);

/* 1 when mc_rows_simd is a real implementation in this build. */
extern const int mc_rows_simd_available;

#endif /* MC_FRAME_KERNELS_H */
