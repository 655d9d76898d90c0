/* hash_table.h: internal. An intrusive chained hash table keyed by bytes, hashed with
 * SipHash-2-4 under a caller-chosen 128-bit seed, so that clients who pick the keys (user
 * names, addresses) cannot make them collide without knowing the seed. The registry's
 * memory backend and the server's per-address counts use it.
 *
 * Embed an mc_hash_node as the first member of the entry; the table links nodes and never
 * allocates or frees them, except through the free_node callback of mc_hash_table_free().
 * A lookup returns the link that points at the match (or at the NULL ending its chain), so
 * one lookup serves insert, read and unlink. */
#ifndef MC_BASE_HASH_TABLE_H
#define MC_BASE_HASH_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct mc_hash_node {
    struct mc_hash_node *next;
    uint64_t hash;                /* mc_siphash24(seed, key): kept, so growing never rehashes */
} mc_hash_node;

typedef struct mc_hash_table {
    mc_hash_node **buckets;
    size_t mask;                  /* bucket count - 1 (a power of two) */
    size_t count;                 /* nodes linked */
    uint64_t seed[2];
} mc_hash_table;

/* SipHash-2-4 (libsodium's crypto_shorthash_siphash24) of data[0, len) under `key`: the key's
 * 16 bytes are key[0] then key[1], each little-endian, and so is the result, as in the
 * SipHash paper (k0, k1 and its 64-bit output) on any host. */
uint64_t mc_siphash24(const uint64_t key[2], const void *data, size_t len);

/* Set up an empty table of at least `buckets` buckets (rounded up to a power of two, 1 to
 * 2^30). Returns MC_OK, MC_EINVAL (NULL, or too many buckets) or MC_ENOMEM. */
int mc_hash_table_init(mc_hash_table *t, size_t buckets, const uint64_t seed[2]);

/* Free the bucket array, first handing every node to free_node (may be NULL). */
void mc_hash_table_free(mc_hash_table *t, void (*free_node)(mc_hash_node *node));

/* The hash a node for key[0, len) carries. */
uint64_t mc_hash_table_hash(const mc_hash_table *t, const void *key, size_t len);

/* The link to the first node with `hash` that `match(node, key)` accepts (returns nonzero),
 * or to the NULL at the end of the chain where a new node for that hash goes. */
mc_hash_node **mc_hash_table_find(const mc_hash_table *t, uint64_t hash,
                                  int (*match)(const mc_hash_node *node, const void *key),
                                  const void *key);

/* Link `node` (its hash already set) at `link`, the NULL mc_hash_table_find() returned.
 * Doubles the buckets once there are more nodes than buckets; when memory is short the
 * table just stays denser. Links returned before are invalid afterwards. */
void mc_hash_table_insert(mc_hash_table *t, mc_hash_node **link, mc_hash_node *node);

/* Unlink and return the node `link` points at (a non-NULL mc_hash_table_find() result). */
mc_hash_node *mc_hash_table_unlink(mc_hash_table *t, mc_hash_node **link);

#endif /* MC_BASE_HASH_TABLE_H */
