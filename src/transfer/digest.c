/* digest.c: SHA-256 over libsodium's crypto_hash_sha256. */
#include "mediacore/digest.h"

#include <stdlib.h>

#include <sodium/crypto_hash_sha256.h>

struct mc_sha256 {
    crypto_hash_sha256_state state;
};

int mc_sha256_create(mc_sha256 **out)
{
    mc_sha256 *h;

    if (out == NULL)
        return MC_EINVAL;
    *out = NULL;
    h = malloc(sizeof(*h));
    if (h == NULL)
        return MC_ENOMEM;
    crypto_hash_sha256_init(&h->state);
    *out = h;
    return MC_OK;
}

void mc_sha256_destroy(mc_sha256 *h)
{
    free(h);
}

void mc_sha256_reset(mc_sha256 *h)
{
    if (h != NULL)
        crypto_hash_sha256_init(&h->state);
}

int mc_sha256_update(mc_sha256 *h, const void *p, size_t n)
{
    if (h == NULL || (p == NULL && n > 0))
        return MC_EINVAL;
    if (n > 0)
        crypto_hash_sha256_update(&h->state, p, n);
    return MC_OK;
}

int mc_sha256_final(mc_sha256 *h, uint8_t out[MC_SHA256_BYTES])
{
    if (h == NULL || out == NULL)
        return MC_EINVAL;
    crypto_hash_sha256_final(&h->state, out);
    crypto_hash_sha256_init(&h->state);
    return MC_OK;
}

int mc_sha256_buffer(const void *p, size_t n, uint8_t out[MC_SHA256_BYTES])
{
    crypto_hash_sha256_state state;

    if ((p == NULL && n > 0) || out == NULL)
        return MC_EINVAL;
    crypto_hash_sha256_init(&state);
    if (n > 0)
        crypto_hash_sha256_update(&state, p, n);
    crypto_hash_sha256_final(&state, out);
    return MC_OK;
}

void mc_sha256_hex(const uint8_t digest[MC_SHA256_BYTES], char out[MC_SHA256_HEX])
{
    static const char hex[] = "0123456789abcdef";
    int i;

    for (i = 0; i < MC_SHA256_BYTES; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[2 * MC_SHA256_BYTES] = '\0';
}

static int mc_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int mc_sha256_from_hex(const char *hex, size_t len, uint8_t out[MC_SHA256_BYTES])
{
    int i;

    if (hex == NULL || out == NULL)
        return MC_EINVAL;
    if (len != 2 * MC_SHA256_BYTES)
        return MC_EFORMAT;
    for (i = 0; i < MC_SHA256_BYTES; i++) {
        int hi = mc_hex_digit(hex[2 * i]), lo = mc_hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return MC_EFORMAT;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return MC_OK;
}
