/* rate_table.h: per-source token buckets in a bounded table.
 *
 * A rate limit for many sources at once, e.g. the STUN responder's per-address limit (so that
 * it is no use as a reflector): each key (a short byte string, such as an IP address) has a
 * token bucket that refills at `rate` tokens per second up to `burst`; each event takes one
 * token, and an event that finds less than one token is over the limit.
 *
 * The table holds at most `capacity` keys, allocated once at creation (nothing is allocated
 * per event). A key not in the table starts with a full bucket. When the table is full, a new
 * key replaces the least recently seen one, which starts again with a full bucket if it comes
 * back; so a flood of distinct keys costs the flooder one table slot per key and can only
 * free a busy key's bucket by sending `capacity` other keys in between. Keys are spread over
 * buckets with SipHash-2-4 (mc_siphash24, base/hash_table.h) under a caller-chosen 128-bit seed: fill it
 * from a random source so that senders cannot choose keys that all collide.
 *
 * No clock and no sockets here: the caller passes the time (microseconds, any monotonic
 * origin) to each call. A table is not thread-safe: use it from one thread.
 */
#ifndef MC_RATE_TABLE_H
#define MC_RATE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "mediacore/mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The longest key, in bytes (an address family byte and an IPv6 address fit). */
#define MC_RATE_TABLE_MAX_KEY 20
/** The largest capacity accepted. */
#define MC_RATE_TABLE_MAX_CAPACITY (1u << 24)

typedef struct mc_rate_table mc_rate_table;

/** Settings for mc_rate_table_create(). */
typedef struct mc_rate_table_config {
    /** Tokens per second each key gets back; 0: no limit (every event is allowed and the
     *  table stays empty). Default 20. */
    double rate;
    /** The most tokens a key can save up (events it may send at once), at least 1.
     *  Default 100. */
    double burst;
    /** Keys tracked at once, 1 to MC_RATE_TABLE_MAX_CAPACITY. Default 4096. */
    size_t capacity;
    /** Key of the keyed hash. Default all zero (deterministic; fine for tests). */
    uint64_t seed[2];
} mc_rate_table_config;

/** Fill `config` with the defaults above. */
void mc_rate_table_config_default(mc_rate_table_config *config);

/**
 * Create a table. `config` may be NULL for the defaults.
 * @return MC_OK; MC_EINVAL (out NULL, rate negative or not finite, burst below 1 or not
 *         finite, capacity 0 or above MC_RATE_TABLE_MAX_CAPACITY); MC_ENOMEM. On error *out
 *         is NULL.
 */
int mc_rate_table_create(const mc_rate_table_config *config, mc_rate_table **out);

/** Free the table. NULL is ignored. */
void mc_rate_table_destroy(mc_rate_table *table);

/**
 * One event from `key` (len bytes, 1 to MC_RATE_TABLE_MAX_KEY; copied) at time `now_us`
 * (microseconds; a time earlier than the key's last event counts as no time passed).
 * @return MC_OK: allowed, one token taken; MC_ELIMIT: over the limit (nothing taken, the key
 *         counts as seen); MC_EINVAL: NULL table or key, or a bad length.
 */
int mc_rate_table_take(mc_rate_table *table, const void *key, size_t len, int64_t now_us);

/** How many keys the table holds now (0 for NULL). */
size_t mc_rate_table_count(const mc_rate_table *table);

#ifdef __cplusplus
}
#endif

#endif /* MC_RATE_TABLE_H */
