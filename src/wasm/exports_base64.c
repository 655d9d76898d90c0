/* exports_base64.c: Base64 for the shim (web/lib/base64.js). Buffers are module memory
 * the shim allocated once and reuses; flags are the MC_BASE64_* bits of base64.h. */
#include <stdint.h>

#include <emscripten.h>

#include "mediacore/base64.h"
#include "layout.h"

/* What web/lib/base64.js reads instead of writing it down (layout.h). Base64Flags there is
 * public and static (usable before a module loads), so tests/node/layout.test.mjs checks it
 * against this table. */
static const mc_wasm_layout_entry mc_wasm_base64_table[] = {
    MC_WASM_CONST("flag.url", MC_BASE64_URL),
    MC_WASM_CONST("flag.nopad", MC_BASE64_NOPAD),
    MC_WASM_CONST("flag.forgiving", MC_BASE64_FORGIVING),
    MC_WASM_CONST("flag.scalar", MC_BASE64_SCALAR),
    MC_WASM_LAYOUT_END
};

MC_WASM_LAYOUT_EXPORT(base64)   /* mc_wasm_base64_layout() */

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

/* Piecewise decoding: the shim keeps one mc_base64_decoder in module memory and feeds a
 * long string through it a piece at a time (each piece copied in while it is in cache),
 * with the same results and error offsets as one call. */

/** sizeof(mc_base64_decoder), for the shim to allocate one. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_base64_decoder_size(void)
{
    return (int)sizeof(mc_base64_decoder);
}

/** mc_base64_decoder_init: MC_OK or MC_EINVAL. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_base64_decoder_init(mc_base64_decoder *dec, int flags)
{
    return mc_base64_decoder_init(dec, flags);
}

/** mc_base64_decoder_update: bytes written (>= 0) or a negative code; on MC_EFORMAT the
 * offset of the first bad character in the whole stream is stored at *error_offset. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_base64_decoder_update(mc_base64_decoder *dec, const char *src,
                                                       size_t n, uint8_t *dst, size_t cap,
                                                       uint32_t *error_offset)
{
    size_t written = 0, offset = 0;
    int rc = mc_base64_decoder_update(dec, src, n, dst, cap, &written, &offset);

    if (rc == MC_EFORMAT && error_offset)
        *error_offset = (uint32_t)offset;
    return rc == MC_OK ? (int)written : rc;
}

/** mc_base64_decoder_final: bytes written (0..2) or a negative code, as above. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_base64_decoder_final(mc_base64_decoder *dec, uint8_t *dst,
                                                      size_t cap, uint32_t *error_offset)
{
    size_t written = 0, offset = 0;
    int rc = mc_base64_decoder_final(dec, dst, cap, &written, &offset);

    if (rc == MC_EFORMAT && error_offset)
        *error_offset = (uint32_t)offset;
    return rc == MC_OK ? (int)written : rc;
}
