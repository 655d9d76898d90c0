/* base64.h: RFC 4648 Base64, standard and URL-safe alphabets, one-shot and streaming.
 *
 * Encoding turns bytes into ASCII characters; decoding turns characters back into bytes
 * and checks them. Two decoding modes:
 *
 *   strict (default)   only alphabet characters; '=' padding that completes the last
 *                      4-character quantum (required unless MC_BASE64_NOPAD); the unused
 *                      low bits of the last character before padding must be zero
 *                      (RFC 4648 section 3.5, canonical encoding). Anything else fails.
 *   forgiving          the WHATWG "forgiving-base64 decode" that atob() uses: ASCII
 *                      whitespace (TAB, LF, FF, CR, SPACE) anywhere is ignored, padding
 *                      is optional (but when present it must complete the quantum), and
 *                      non-zero pad bits are discarded. A lone final character (one
 *                      sextet) still fails.
 *
 * In both modes nothing may follow the padding (except whitespace when forgiving), and a
 * failure reports the offset of the first offending character counted from the start of
 * the input (of the whole stream when streaming). An input that ends inside a quantum
 * fails with the offset equal to the input's length.
 *
 * There are two implementations with identical output and identical errors: a scalar one
 * and a SIMD128 one (16 characters per vector; used when the build has it). Every
 * function takes MC_BASE64_SCALAR to force the scalar path, for tests and benchmarks.
 *
 * Memory: nothing here allocates. Inputs are borrowed for the duration of a call;
 * outputs go to caller buffers whose capacity is checked before anything is written.
 */
#ifndef MC_BASE64_H
#define MC_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags; combine with |. Values are stable (they cross the wasm boundary). */
#define MC_BASE64_URL        0x01  /**< URL-safe alphabet: '-' and '_' for 62 and 63 */
#define MC_BASE64_NOPAD      0x02  /**< encode without '='; decode: padding optional */
#define MC_BASE64_FORGIVING  0x04  /**< decode like atob(): whitespace, optional padding */
#define MC_BASE64_SCALAR     0x08  /**< use the scalar path even when SIMD is available */
#define MC_BASE64_FLAGS_ALL  0x0f

/** Characters mc_base64_encode() writes for `n` bytes (with or without padding). */
size_t mc_base64_encoded_length(size_t n, int flags);

/** Most bytes that `n` characters can decode to: 3 * ceil(n / 4). */
size_t mc_base64_decoded_max(size_t n);

/**
 * Encode `n` bytes at `src` into `dst` (not NUL-terminated).
 *
 * @param cap      capacity of dst in bytes; at least mc_base64_encoded_length(n, flags)
 * @param written  receives the number of characters written (may be NULL)
 * @return MC_OK, MC_EINVAL (NULL src or dst with n > 0, unknown flag bits, or
 *         MC_BASE64_FORGIVING, which means nothing to an encoder), MC_EBUFSIZE (cap too
 *         small; nothing written; *written is set to the capacity needed).
 */
int mc_base64_encode(const uint8_t *src, size_t n, char *dst, size_t cap,
                     size_t *written, int flags);

/**
 * Decode `n` characters at `src` into `dst`.
 *
 * @param cap          capacity of dst; at least mc_base64_decoded_max(n)
 * @param written      receives the number of bytes written (may be NULL)
 * @param error_offset receives, on MC_EFORMAT, the offset of the first bad character,
 *                     or n when the input ends inside a quantum (may be NULL)
 * @return MC_OK, MC_EINVAL (NULL pointers with n > 0, unknown flag bits), MC_EBUFSIZE
 *         (cap too small; nothing written; *written is set to the capacity needed),
 *         MC_EFORMAT (invalid input; dst contents unspecified, *written is 0).
 */
int mc_base64_decode(const char *src, size_t n, uint8_t *dst, size_t cap,
                     size_t *written, size_t *error_offset, int flags);

/** 1 when this build has the SIMD128 path, 0 otherwise. */
int mc_base64_has_simd(void);

/* ---- Streaming -----------------------------------------------------------------------
 * Encode or decode a long input piece by piece, in pieces of any size (even 1 byte), so
 * that no caller has to hold the whole input. The output is exactly what the one-shot
 * functions produce for the concatenated input. The state structs live wherever the
 * caller wants (stack, handle, module memory); their fields are private. */

/** Encoder state: up to two bytes carried between updates. */
typedef struct mc_base64_encoder {
    uint8_t carry[2];
    uint8_t ncarry;
    int flags;
} mc_base64_encoder;

/** Decoder state: the sextets of an incomplete quantum, padding, position, error. */
typedef struct mc_base64_decoder {
    uint32_t bits;          /* sextets of the current quantum, oldest highest */
    uint8_t count;          /* sextets in bits, 0..3 */
    uint8_t pad;            /* '=' seen in the current quantum */
    uint8_t done;           /* the padded final quantum is complete */
    uint8_t failed;         /* an error happened: every later call repeats it */
    int flags;
    uint64_t offset;        /* characters consumed so far */
    uint64_t last_data;     /* offset of the last alphabet character */
    uint64_t error_offset;  /* where the error is, once failed */
} mc_base64_decoder;

/**
 * Start encoding. @return MC_OK, or MC_EINVAL for NULL or invalid flags (as
 * mc_base64_encode()).
 */
int mc_base64_encoder_init(mc_base64_encoder *enc, int flags);

/**
 * Encode `n` more bytes. Writes every complete 3-byte group's 4 characters and carries
 * the remaining 0..2 bytes to the next call.
 *
 * @param cap  at least mc_base64_encoder_update_max(enc, n)
 * @return MC_OK, MC_EINVAL, MC_EBUFSIZE (nothing consumed or written; *written = need).
 */
int mc_base64_encoder_update(mc_base64_encoder *enc, const uint8_t *src, size_t n,
                             char *dst, size_t cap, size_t *written);

/** Characters the next update of `n` bytes writes: 4 * floor((carried + n) / 3). */
size_t mc_base64_encoder_update_max(const mc_base64_encoder *enc, size_t n);

/**
 * Finish: write the carried bytes' 2 or 3 characters and, unless MC_BASE64_NOPAD, the
 * padding (at most 4 characters in all). The encoder may then be initialised again.
 * @return MC_OK, MC_EINVAL, MC_EBUFSIZE (cap < 4 when there is something to write).
 */
int mc_base64_encoder_final(mc_base64_encoder *enc, char *dst, size_t cap, size_t *written);

/** Start decoding. @return MC_OK, or MC_EINVAL for NULL or unknown flag bits. */
int mc_base64_decoder_init(mc_base64_decoder *dec, int flags);

/**
 * Decode `n` more characters. Writes every completed quantum's bytes and keeps an
 * incomplete one for the next call.
 *
 * @param cap          at least mc_base64_decoder_update_max(dec, n)
 * @param written      bytes written by this call (also on MC_EFORMAT: those before the
 *                     bad quantum)
 * @param error_offset on MC_EFORMAT, the stream offset of the first bad character
 * @return MC_OK, MC_EINVAL, MC_EBUFSIZE (nothing consumed or written; *written = need),
 *         MC_EFORMAT (and every later update or final returns it again, same offset).
 */
int mc_base64_decoder_update(mc_base64_decoder *dec, const char *src, size_t n,
                             uint8_t *dst, size_t cap, size_t *written,
                             size_t *error_offset);

/** Bytes the next update of `n` characters may write: 3 * floor((pending + n) / 4). */
size_t mc_base64_decoder_update_max(const mc_base64_decoder *dec, size_t n);

/**
 * Finish: check that the stream ended on a quantum boundary (or, when padding is
 * optional, write the last 1 or 2 bytes of an unpadded quantum).
 * @param cap at least 2
 * @return MC_OK, MC_EINVAL, MC_EBUFSIZE, MC_EFORMAT (error_offset = stream length when
 *         the input ended inside a quantum).
 */
int mc_base64_decoder_final(mc_base64_decoder *dec, uint8_t *dst, size_t cap,
                            size_t *written, size_t *error_offset);

#ifdef __cplusplus
}
#endif

#endif /* MC_BASE64_H */
