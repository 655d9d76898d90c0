/* digest.h: SHA-256 (FIPS 180-4), incremental, for whole-file integrity.
 *
 * A thin wrapper over libsodium's crypto_hash_sha256 (a well-kept implementation, built
 * from Debian's source package for the module and linked from libsodium-dev natively),
 * so the rest of the core never includes libsodium's headers. No sodium_init() is
 * needed: hashing uses no random numbers and no CPU dispatch.
 */
#ifndef MC_DIGEST_H
#define MC_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MC_SHA256_BYTES 32
#define MC_SHA256_HEX   65   /**< 64 hex digits and a NUL */

/** An incremental SHA-256 computation (opaque). */
typedef struct mc_sha256 mc_sha256;

/** Allocate a hash state, ready for updates. @return MC_OK, MC_EINVAL, MC_ENOMEM. */
int mc_sha256_create(mc_sha256 **out);

/** Free a hash state; NULL is a no-op. */
void mc_sha256_destroy(mc_sha256 *h);

/** Start over (forget everything hashed so far). */
void mc_sha256_reset(mc_sha256 *h);

/** Hash `n` more bytes. @return MC_OK, or MC_EINVAL for NULL arguments (p may be NULL if n == 0). */
int mc_sha256_update(mc_sha256 *h, const void *p, size_t n);

/**
 * Write the digest of everything hashed since the last reset into out[0, 32), then
 * reset. @return MC_OK or MC_EINVAL.
 */
int mc_sha256_final(mc_sha256 *h, uint8_t out[MC_SHA256_BYTES]);

/** One-shot SHA-256 of p[0, n). @return MC_OK or MC_EINVAL. */
int mc_sha256_buffer(const void *p, size_t n, uint8_t out[MC_SHA256_BYTES]);

/** Lower-case hex of a digest: 64 digits and a NUL into out[0, 65). */
void mc_sha256_hex(const uint8_t digest[MC_SHA256_BYTES], char out[MC_SHA256_HEX]);

/**
 * Parse 64 hex digits (either case) into a digest.
 * @return MC_OK, MC_EINVAL (NULL), MC_EFORMAT (not exactly 64 hex digits).
 */
int mc_sha256_from_hex(const char *hex, size_t len, uint8_t out[MC_SHA256_BYTES]);

#ifdef __cplusplus
}
#endif

#endif /* MC_DIGEST_H */
