/* base64_kernels.h: internal. The SIMD128 block kernels behind base64.c. Not part of the
 * public API. Each kernel handles whole blocks only and says how far it got; base64.c
 * does the rest (tails, padding, whitespace, errors) with the scalar code, so both paths
 * give identical results by construction. */
#ifndef MC_BASE64_KERNELS_H
#define MC_BASE64_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Encode whole 12-byte groups of src into 16 characters each, while at least 16 bytes
 * remain readable (a block loads 16 bytes and uses 12). Returns the bytes consumed, a
 * multiple of 12; exactly consumed / 3 * 4 characters are written to dst, which must
 * have room for n / 3 * 4 (the kernel reads ahead in it, see base64_simd.c).
 * `url` selects the URL-safe alphabet.
 */
size_t mc_base64_encode_blocks(const uint8_t *src, size_t n, char *dst, int url);

/*
 * Decode whole 16-character blocks of src into 12 bytes each, while at least 16
 * characters remain and at least 16 bytes of dst are free (a block stores 16 bytes, of
 * which 12 count). Stops before the first block holding any character outside the
 * alphabet ('=', whitespace and invalid characters included). Returns the characters
 * consumed, a multiple of 16; exactly consumed / 4 * 3 bytes are written.
 */
size_t mc_base64_decode_blocks(const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                               int url);

/* 1 when the kernels above are the SIMD128 implementation; 0 in builds without SIMD,
 * where they consume nothing and base64.c does all the work. */
extern const int mc_base64_simd_available;

#endif /* MC_BASE64_KERNELS_H */
