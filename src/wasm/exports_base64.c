/* exports_base64.c: Base64 for the shim (web/lib/base64.js). Buffers are module memory
 * the shim allocated once and reuses; flags are the MC_BASE64_* bits of base64.h. */
#include <stdint.h>

#include <emscripten.h>

#include "base64.h"

/** Characters written (>= 0), or MC_EINVAL / MC_EBUFSIZE / MC_ERANGE. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_base64_encode(const uint8_t *src, size_t n, char *dst,
                                               size_t cap, int flags)
{
    size_t written = 0;
    int rc;

    if (mc_base64_encoded_length(n, flags) > INT32_MAX)
        return MC_ERANGE;
    rc = mc_base64_encode(src, n, dst, cap, &written, flags);
    return rc == MC_OK ? (int)written : rc;
}

/**
 * Bytes written (>= 0), or MC_EINVAL / MC_EBUFSIZE / MC_ERANGE / MC_EFORMAT. On
 * MC_EFORMAT the offset of the first bad character is stored at *error_offset.
 */
EMSCRIPTEN_KEEPALIVE int mc_wasm_base64_decode(const char *src, size_t n, uint8_t *dst,
                                               size_t cap, int flags, uint32_t *error_offset)
{
    size_t written = 0, offset = 0;
    int rc;

    if (mc_base64_decoded_max(n) > INT32_MAX)
        return MC_ERANGE;
    rc = mc_base64_decode(src, n, dst, cap, &written, &offset, flags);
    if (rc == MC_EFORMAT && error_offset)
        *error_offset = (uint32_t)offset;
    return rc == MC_OK ? (int)written : rc;
}

/** Encoded length for n bytes (mc_base64_encoded_length), or MC_ERANGE beyond 2^31. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_base64_encoded_length(size_t n, int flags)
{
    size_t len = mc_base64_encoded_length(n, flags);
    return len > INT32_MAX ? MC_ERANGE : (int)len;
}

/** 1 when this module decodes and encodes with SIMD128. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_base64_has_simd(void)
{
    return mc_base64_has_simd();
}
