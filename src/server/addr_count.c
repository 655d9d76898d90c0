/* addr_count.c: connections per client address (see addr_count.h). */
#include "addr_count.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash_table.h"

typedef struct entry {
    mc_hash_node node;            /* first: the table links entries through it */
    uint8_t key[MC_ADDR_KEY_BYTES];
    unsigned count;
} entry;

struct mc_addr_count {
    mc_hash_table table;
};

void mc_addr_key(const struct sockaddr_storage *addr, uint8_t key[MC_ADDR_KEY_BYTES])
{
    memset(key, 0, MC_ADDR_KEY_BYTES);
    if (addr->ss_family == AF_INET) {
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &((const struct sockaddr_in *)addr)->sin_addr, 4);
    } else if (addr->ss_family == AF_INET6) {
        const uint8_t *a = ((const struct sockaddr_in6 *)addr)->sin6_addr.s6_addr;

        if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)a))
            memcpy(key, a, 16);
        else
            memcpy(key, a, 8);
    }
}

int mc_addr_count_create(size_t expected, const uint64_t seed[2], mc_addr_count **out)
{
    mc_addr_count *set;
    size_t n = 64;
    int rc;

    if (out == NULL || seed == NULL)
        return MC_EINVAL;
    *out = NULL;
    while (n < expected / 2 && n < ((size_t)1 << 24))
        n *= 2;
    set = malloc(sizeof(*set));
    if (set == NULL)
        return MC_ENOMEM;
    rc = mc_hash_table_init(&set->table, n, seed);
    if (rc != MC_OK) {
        free(set);
        return rc;
    }
    *out = set;
    return MC_OK;
}

static void free_entry(mc_hash_node *node)
{
    free(node);
}

void mc_addr_count_destroy(mc_addr_count *set)
{
    if (set == NULL)
        return;
    mc_hash_table_free(&set->table, free_entry);
    free(set);
}

static int key_match(const mc_hash_node *node, const void *key)
{
    return memcmp(((const entry *)node)->key, key, MC_ADDR_KEY_BYTES) == 0;
}

/* The link to the entry for `key`, or to the NULL where it would go; *hash gets its hash. */
static mc_hash_node **find(const mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES],
                           uint64_t *hash)
{
    *hash = mc_hash_table_hash(&set->table, key, MC_ADDR_KEY_BYTES);
    return mc_hash_table_find(&set->table, *hash, key_match, key);
}

int mc_addr_count_acquire(mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES], unsigned limit,
                          const uint8_t **held)
{
    uint64_t hash;
    mc_hash_node **p = find(set, key, &hash);
    entry *e = (entry *)*p;

    if (e != NULL) {
        if (e->count >= limit)
            return MC_ELIMIT;
        e->count++;
    } else {
        if (limit == 0)
            return MC_ELIMIT;
        e = calloc(1, sizeof(entry));
        if (e == NULL)
            return MC_ENOMEM;
        e->node.hash = hash;
        memcpy(e->key, key, MC_ADDR_KEY_BYTES);
        e->count = 1;
        mc_hash_table_insert(&set->table, p, &e->node);
    }
    if (held != NULL)
        *held = e->key;
    return MC_OK;
}

void mc_addr_count_release(mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES])
{
    uint64_t hash;
    mc_hash_node **p = find(set, key, &hash);
    entry *e = (entry *)*p;

    if (e == NULL || --e->count > 0)
        return;
    free(mc_hash_table_unlink(&set->table, p));
}

unsigned mc_addr_count_get(const mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES])
{
    uint64_t hash;
    const entry *e = (const entry *)*find(set, key, &hash);

    return e != NULL ? e->count : 0;
}

size_t mc_addr_count_keys(const mc_addr_count *set)
{
    return set->table.count;
}
