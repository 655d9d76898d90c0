/* base64.c: Base64 encoding and decoding: the scalar path, the streaming state
 * machines, and the dispatch to the SIMD block kernels (base64_kernels.h).
 *
 * The SIMD kernels only ever see the easy case (whole blocks of alphabet characters at a
 * quantum boundary); every decision about padding, whitespace, pad bits and errors is
 * made here, one character at a time, so both paths accept and reject exactly the same
 * inputs and report the same offsets. */
#include "mediacore/base64.h"

#include "base64_kernels.h"

/* ---- Tables -------------------------------------------------------------------------- */

static const char mc_b64_std[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char mc_b64_url[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Decoding tables: the sextet value 0..63, or one of these classes. */
#define MC_B64_BAD 0x80
#define MC_B64_PAD 0x81
#define MC_B64_WS  0x82

#define MC_B64_COMMON(c)                                                                  \
    ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A'                                                 \
     : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26                                          \
     : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52                                          \
     : (c) == '=' ? MC_B64_PAD                                                            \
     : ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\f' || (c) == '\r') ? MC_B64_WS \
     : MC_B64_BAD)
/* The casts keep clang from warning about the arms not taken for a given c. */
#define MC_B64_STD(c) ((uint8_t)((c) == '+' ? 62 : (c) == '/' ? 63 : MC_B64_COMMON(c)))
#define MC_B64_URLV(c) ((uint8_t)((c) == '-' ? 62 : (c) == '_' ? 63 : MC_B64_COMMON(c)))

#define MC_R4(F, i)   F(i), F((i) + 1), F((i) + 2), F((i) + 3)
#define MC_R16(F, i)  MC_R4(F, i), MC_R4(F, (i) + 4), MC_R4(F, (i) + 8), MC_R4(F, (i) + 12)
#define MC_R64(F, i)  MC_R16(F, i), MC_R16(F, (i) + 16), MC_R16(F, (i) + 32), MC_R16(F, (i) + 48)
#define MC_R256(F)    MC_R64(F, 0), MC_R64(F, 64), MC_R64(F, 128), MC_R64(F, 192)

static const uint8_t mc_b64_dec_std[256] = { MC_R256(MC_B64_STD) };
static const uint8_t mc_b64_dec_url[256] = { MC_R256(MC_B64_URLV) };

static inline const char *mc_b64_alphabet(int flags)
{
    return (flags & MC_BASE64_URL) ? mc_b64_url : mc_b64_std;
}

static inline const uint8_t *mc_b64_values(int flags)
{
    return (flags & MC_BASE64_URL) ? mc_b64_dec_url : mc_b64_dec_std;
}

static inline int mc_b64_use_simd(int flags)
{
    return mc_base64_simd_available && !(flags & MC_BASE64_SCALAR);
}

int mc_base64_has_simd(void)
{
    return mc_base64_simd_available;
}

/* ---- Sizes ----------------------------------------------------------------------------- */

size_t mc_base64_encoded_length(size_t n, int flags)
{
    size_t full = n / 3 * 4, rest = n % 3;

    if (rest == 0)
        return full;
    return full + ((flags & MC_BASE64_NOPAD) ? rest + 1 : 4);
}

size_t mc_base64_decoded_max(size_t n)
{
    return n / 4 * 3 + (n % 4 ? 3 : 0);
}

/* ---- Encoding -------------------------------------------------------------------------- */

/* Whole 3-byte groups: SIMD blocks first, then scalar. Returns bytes consumed. */
static size_t mc_b64_encode_groups(const uint8_t *src, size_t n, char *dst, int flags)
{
    const char *a = mc_b64_alphabet(flags);
    size_t i = 0;

    if (mc_b64_use_simd(flags)) {
        i = mc_base64_encode_blocks(src, n, dst, (flags & MC_BASE64_URL) != 0);
        dst += i / 3 * 4;
    }
    for (; n - i >= 3; i += 3, dst += 4) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 | src[i + 2];
        dst[0] = a[v >> 18];
        dst[1] = a[(v >> 12) & 63];
        dst[2] = a[(v >> 6) & 63];
        dst[3] = a[v & 63];
    }
    return i;
}

/* The last 1 or 2 bytes; returns characters written (2..4). */
static size_t mc_b64_encode_tail(const uint8_t *src, size_t rest, char *dst, int flags)
{
    const char *a = mc_b64_alphabet(flags);
    uint32_t v = (uint32_t)src[0] << 16 | (rest == 2 ? (uint32_t)src[1] << 8 : 0);
    size_t k = 0;

    dst[k++] = a[v >> 18];
    dst[k++] = a[(v >> 12) & 63];
    if (rest == 2)
        dst[k++] = a[(v >> 6) & 63];
    if (!(flags & MC_BASE64_NOPAD)) {
        while (k < 4)
            dst[k++] = '=';
    }
    return k;
}

static int mc_b64_encode_flags_ok(int flags)
{
    return (flags & ~MC_BASE64_FLAGS_ALL) == 0 && !(flags & MC_BASE64_FORGIVING);
}

int mc_base64_encode(const uint8_t *src, size_t n, char *dst, size_t cap,
                     size_t *written, int flags)
{
    size_t need, i;

    if (written)
        *written = 0;
    if ((n > 0 && (src == NULL || dst == NULL)) || !mc_b64_encode_flags_ok(flags))
        return MC_EINVAL;
    need = mc_base64_encoded_length(n, flags);
    if (need > cap) {
        if (written)
            *written = need;
        return MC_EBUFSIZE;
    }
    if (n == 0)
        return MC_OK;
    i = mc_b64_encode_groups(src, n, dst, flags);
    if (i < n)
        mc_b64_encode_tail(src + i, n - i, dst + i / 3 * 4, flags);
    if (written)
        *written = need;
    return MC_OK;
}

int mc_base64_encoder_init(mc_base64_encoder *enc, int flags)
{
    if (enc == NULL || !mc_b64_encode_flags_ok(flags))
        return MC_EINVAL;
    enc->ncarry = 0;
    enc->carry[0] = enc->carry[1] = 0;
    enc->flags = flags;
    return MC_OK;
}

size_t mc_base64_encoder_update_max(const mc_base64_encoder *enc, size_t n)
{
    size_t carried = enc ? enc->ncarry : 0;
    /* (carried + n) / 3 without overflow for n near SIZE_MAX */
    return (n / 3 + (n % 3 + carried) / 3) * 4;
}

int mc_base64_encoder_update(mc_base64_encoder *enc, const uint8_t *src, size_t n,
                             char *dst, size_t cap, size_t *written)
{
    size_t need, i = 0, o = 0;

    if (written)
        *written = 0;
    if (enc == NULL || (n > 0 && (src == NULL || dst == NULL)) || enc->ncarry > 2)
        return MC_EINVAL;
    need = mc_base64_encoder_update_max(enc, n);
    if (need > cap) {
        if (written)
            *written = need;
        return MC_EBUFSIZE;
    }
    if (enc->ncarry > 0) {
        uint8_t group[3];
        group[0] = enc->carry[0];
        group[1] = enc->carry[1];
        while (enc->ncarry < 3 && i < n)
            group[enc->ncarry++] = src[i++];
        if (enc->ncarry < 3) {
            enc->carry[0] = group[0];
            enc->carry[1] = group[1];
            return MC_OK;
        }
        mc_b64_encode_groups(group, 3, dst, enc->flags | MC_BASE64_SCALAR);
        o = 4;
        enc->ncarry = 0;
    }
    {
        size_t done = mc_b64_encode_groups(src + i, n - i, dst + o, enc->flags);
        i += done;
        o += done / 3 * 4;
    }
    while (i < n)
        enc->carry[enc->ncarry++] = src[i++];
    if (written)
        *written = o;
    return MC_OK;
}

int mc_base64_encoder_final(mc_base64_encoder *enc, char *dst, size_t cap, size_t *written)
{
    size_t k;

    if (written)
        *written = 0;
    if (enc == NULL || enc->ncarry > 2)
        return MC_EINVAL;
    if (enc->ncarry == 0)
        return MC_OK;
    if (dst == NULL)
        return MC_EINVAL;
    if (cap < 4) {
        if (written)
            *written = 4;
        return MC_EBUFSIZE;
    }
    k = mc_b64_encode_tail(enc->carry, enc->ncarry, dst, enc->flags);
    enc->ncarry = 0;
    if (written)
        *written = k;
    return MC_OK;
}

/* ---- Decoding -------------------------------------------------------------------------- */

int mc_base64_decoder_init(mc_base64_decoder *dec, int flags)
{
    if (dec == NULL || (flags & ~MC_BASE64_FLAGS_ALL) != 0)
        return MC_EINVAL;
    dec->bits = 0;
    dec->count = 0;
    dec->pad = 0;
    dec->done = 0;
    dec->failed = 0;
    dec->flags = flags;
    dec->offset = 0;
    dec->last_data = 0;
    dec->error_offset = 0;
    return MC_OK;
}

size_t mc_base64_decoder_update_max(const mc_base64_decoder *dec, size_t n)
{
    size_t pending = dec ? dec->count : 0;
    return (n / 4 + (n % 4 + pending) / 4) * 3;
}

static int mc_b64_fail(mc_base64_decoder *dec, uint64_t offset)
{
    dec->failed = 1;
    dec->error_offset = offset;
    return MC_EFORMAT;
}

/* Are the unused low bits of the last sextet zero? (RFC 4648 3.5) */
static int mc_b64_pad_bits_ok(const mc_base64_decoder *dec)
{
    if (dec->flags & MC_BASE64_FORGIVING)
        return 1;
    return (dec->bits & (dec->count == 2 ? 0x0fu : 0x03u)) == 0;
}

/* Write the 1 or 2 bytes of a final quantum of 2 or 3 sextets. */
static size_t mc_b64_flush_partial(const mc_base64_decoder *dec, uint8_t *dst)
{
    if (dec->count == 2) {
        dst[0] = (uint8_t)(dec->bits >> 4);
        return 1;
    }
    dst[0] = (uint8_t)(dec->bits >> 10);
    dst[1] = (uint8_t)(dec->bits >> 2);
    return 2;
}

/* The decoding loop. Returns MC_OK or MC_EFORMAT; *out = bytes written either way. */
static int mc_b64_decode_run(mc_base64_decoder *dec, const uint8_t *s, size_t n,
                             uint8_t *dst, size_t cap, size_t *out)
{
    const uint8_t *t = mc_b64_values(dec->flags);
    const int simd = mc_b64_use_simd(dec->flags), url = (dec->flags & MC_BASE64_URL) != 0;
    const int forgiving = (dec->flags & MC_BASE64_FORGIVING) != 0;
    size_t i = 0, o = 0;
    int rc = MC_OK;

    while (i < n) {
        uint32_t v;

        if (dec->count == 0 && dec->pad == 0 && !dec->done) {
            /* At a quantum boundary: the fast paths. */
            if (simd && n - i >= 16) {
                size_t k = mc_base64_decode_blocks(s + i, n - i, dst + o, cap - o, url);
                i += k;
                o += k / 4 * 3;
            }
            while (n - i >= 4) {
                uint32_t a = t[s[i]], b = t[s[i + 1]], c = t[s[i + 2]], d = t[s[i + 3]];
                if ((a | b | c | d) & 0x80)
                    break;
                v = a << 18 | b << 12 | c << 6 | d;
                dst[o] = (uint8_t)(v >> 16);
                dst[o + 1] = (uint8_t)(v >> 8);
                dst[o + 2] = (uint8_t)v;
                i += 4;
                o += 3;
            }
            if (i >= n)
                break;
        }
        /* One character at a time. */
        v = t[s[i]];
        if (v < 64) {
            if (dec->pad > 0 || dec->done) {
                rc = mc_b64_fail(dec, dec->offset + i);
                break;
            }
            dec->bits = dec->bits << 6 | v;
            dec->last_data = dec->offset + i;
            if (++dec->count == 4) {
                dst[o] = (uint8_t)(dec->bits >> 16);
                dst[o + 1] = (uint8_t)(dec->bits >> 8);
                dst[o + 2] = (uint8_t)dec->bits;
                o += 3;
                dec->count = 0;
                dec->bits = 0;
            }
        } else if (v == MC_B64_PAD) {
            if (dec->done || dec->count < 2) {
                rc = mc_b64_fail(dec, dec->offset + i);
                break;
            }
            if (dec->count + ++dec->pad == 4) {
                if (!mc_b64_pad_bits_ok(dec)) {
                    rc = mc_b64_fail(dec, dec->last_data);
                    break;
                }
                o += mc_b64_flush_partial(dec, dst + o);
                dec->count = 0;
                dec->pad = 0;
                dec->bits = 0;
                dec->done = 1;
            }
        } else if (!(v == MC_B64_WS && forgiving)) {
            rc = mc_b64_fail(dec, dec->offset + i);
            break;
        }
        i++;
    }
    dec->offset += i;
    *out = o;
    return rc;
}

int mc_base64_decoder_update(mc_base64_decoder *dec, const char *src, size_t n,
                             uint8_t *dst, size_t cap, size_t *written,
                             size_t *error_offset)
{
    size_t need, o = 0;
    int rc;

    if (written)
        *written = 0;
    if (dec == NULL || (n > 0 && (src == NULL || dst == NULL)))
        return MC_EINVAL;
    if (dec->failed) {
        if (error_offset)
            *error_offset = (size_t)dec->error_offset;
        return MC_EFORMAT;
    }
    need = mc_base64_decoder_update_max(dec, n);
    if (need > cap) {
        if (written)
            *written = need;
        return MC_EBUFSIZE;
    }
    if (n == 0)
        return MC_OK;
    rc = mc_b64_decode_run(dec, (const uint8_t *)src, n, dst, cap, &o);
    if (written)
        *written = o;
    if (rc != MC_OK && error_offset)
        *error_offset = (size_t)dec->error_offset;
    return rc;
}

int mc_base64_decoder_final(mc_base64_decoder *dec, uint8_t *dst, size_t cap,
                            size_t *written, size_t *error_offset)
{
    int rc = MC_OK;

    if (written)
        *written = 0;
    if (dec == NULL)
        return MC_EINVAL;
    if (!dec->failed) {
        if (dec->pad > 0) {
            rc = mc_b64_fail(dec, dec->offset);          /* padding cut short */
        } else if (dec->count > 0) {
            if (!(dec->flags & (MC_BASE64_NOPAD | MC_BASE64_FORGIVING)) || dec->count == 1) {
                rc = mc_b64_fail(dec, dec->offset);      /* ends inside a quantum */
            } else if (!mc_b64_pad_bits_ok(dec)) {
                rc = mc_b64_fail(dec, dec->last_data);
            } else if (dst == NULL || cap < 2) {
                if (written)
                    *written = 2;
                return MC_EBUFSIZE;
            } else {
                size_t k = mc_b64_flush_partial(dec, dst);
                dec->count = 0;
                dec->bits = 0;
                dec->done = 1;
                if (written)
                    *written = k;
            }
        }
    } else {
        rc = MC_EFORMAT;
    }
    if (rc != MC_OK && error_offset)
        *error_offset = (size_t)dec->error_offset;
    return rc;
}

int mc_base64_decode(const char *src, size_t n, uint8_t *dst, size_t cap,
                     size_t *written, size_t *error_offset, int flags)
{
    mc_base64_decoder dec;
    size_t need, a = 0, b = 0;
    int rc;

    if (written)
        *written = 0;
    if ((n > 0 && (src == NULL || dst == NULL)) || (flags & ~MC_BASE64_FLAGS_ALL) != 0)
        return MC_EINVAL;
    need = mc_base64_decoded_max(n);
    if (need > cap) {
        if (written)
            *written = need;
        return MC_EBUFSIZE;
    }
    mc_base64_decoder_init(&dec, flags);
    rc = mc_base64_decoder_update(&dec, src, n, dst, cap, &a, error_offset);
    if (rc == MC_OK)
        rc = mc_base64_decoder_final(&dec, dst ? dst + a : NULL, cap - a, &b, error_offset);
    if (rc != MC_OK)
        return rc;
    if (written)
        *written = a + b;
    return MC_OK;
}
