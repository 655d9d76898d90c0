/* addr_count.h: how many connections each client address holds (for --max-connections-per-ip).
 *
 * A counted set of 16-byte address keys (mc_addr_key): acquire adds one connection for a key,
 * release takes it back, and a key with no connections left is forgotten, so the set never
 * holds more keys than there are open connections. Keys are spread with SipHash-2-4
 * (base/hash_table.h) under a caller-chosen seed, so clients cannot pick addresses that all
 * land in one chain. One thread only.
 */
#ifndef MC_ADDR_COUNT_H
#define MC_ADDR_COUNT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mediacore/mc_error.h"

#define MC_ADDR_KEY_BYTES 16

typedef struct mc_addr_count mc_addr_count;

/**
 * The key an address is limited by: an IPv4 address (also IPv4-mapped IPv6) as ::ffff:a.b.c.d,
 * an IPv6 address by its /64 prefix (one subscriber commonly holds a whole /64, so counting
 * single IPv6 addresses would limit nothing). Other families give all-zero keys.
 */
void mc_addr_key(const struct sockaddr_storage *addr, uint8_t key[MC_ADDR_KEY_BYTES]);

/** Create a set for about `expected` keys (it grows as needed). MC_OK, MC_EINVAL, MC_ENOMEM. */
int mc_addr_count_create(size_t expected, const uint64_t seed[2], mc_addr_count **out);

/** Free the set. NULL is ignored. */
void mc_addr_count_destroy(mc_addr_count *set);

/**
 * Add one connection for `key` unless it already has `limit` of them. On MC_OK, *held (may
 * be NULL) is the set's own copy of the key: valid while this connection is held, and what
 * a caller may keep to release it with.
 * @return MC_OK; MC_ELIMIT (at the limit: nothing changed); MC_ENOMEM.
 */
int mc_addr_count_acquire(mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES], unsigned limit,
                          const uint8_t **held);

/** Take back one connection of `key` (nothing happens for a key with none). */
void mc_addr_count_release(mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES]);

/** Connections held by `key` now. */
unsigned mc_addr_count_get(const mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES]);

/** Keys with at least one connection. */
size_t mc_addr_count_keys(const mc_addr_count *set);

#endif /* MC_ADDR_COUNT_H */
