/* base64_nosimd.c: the SIMD kernels' stand-ins for builds without SIMD (the baseline
 * wasm module). They consume nothing, so base64.c's scalar code does all the work. */
#include "base64_kernels.h"

const int mc_base64_simd_available = 0;

size_t mc_base64_encode_blocks(const uint8_t *src, size_t n, char *dst, int url)
{
    (void)src; (void)n; (void)dst; (void)url;
    return 0;
}

size_t mc_base64_decode_blocks(const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                               int url)
{
    (void)src; (void)n; (void)dst; (void)cap; (void)url;
    return 0;
}
