/* addr_count.c: connections per client address (see addr_count.h). */
#include "addr_count.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "signal/registry.h"

typedef struct entry {
    struct entry *next;
    uint8_t key[MC_ADDR_KEY_BYTES];
    unsigned count;
} entry;

struct mc_addr_count {
    entry **buckets;
    size_t mask;                  /* bucket count - 1 (a power of two) */
    size_t keys;
    uint64_t seed[2];
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

    if (out == NULL || seed == NULL)
        return MC_EINVAL;
    *out = NULL;
    while (n < expected / 2 && n < ((size_t)1 << 24))
        n *= 2;
    set = calloc(1, sizeof(*set));
    if (set == NULL || (set->buckets = calloc(n, sizeof(entry *))) == NULL) {
        free(set);
        return MC_ENOMEM;
    }
    set->mask = n - 1;
    memcpy(set->seed, seed, sizeof(set->seed));
    *out = set;
    return MC_OK;
}

void mc_addr_count_destroy(mc_addr_count *set)
{
    size_t i;

    if (set == NULL)
        return;
    for (i = 0; i <= set->mask; i++) {
        entry *e = set->buckets[i], *next;

        for (; e != NULL; e = next) {
            next = e->next;
            free(e);
        }
    }
    free(set->buckets);
    free(set);
}

/* The link that points at the entry for `key`, or at the NULL ending its chain. */
static entry **find(const mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES])
{
    entry **p = &set->buckets[mc_registry_hash(set->seed, key, MC_ADDR_KEY_BYTES) & set->mask];

    while (*p != NULL && memcmp((*p)->key, key, MC_ADDR_KEY_BYTES) != 0)
        p = &(*p)->next;
    return p;
}

/* Twice the buckets once there are more keys than buckets; stays as it is if memory is short. */
static void grow(mc_addr_count *set)
{
    size_t n = (set->mask + 1) * 2, i;
    entry **b = calloc(n, sizeof(entry *));

    if (b == NULL)
        return;
    for (i = 0; i <= set->mask; i++) {
        entry *e = set->buckets[i], *next;

        for (; e != NULL; e = next) {
            size_t h = mc_registry_hash(set->seed, e->key, MC_ADDR_KEY_BYTES) & (n - 1);

            next = e->next;
            e->next = b[h];
            b[h] = e;
        }
    }
    free(set->buckets);
    set->buckets = b;
    set->mask = n - 1;
}

int mc_addr_count_acquire(mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES], unsigned limit,
                          const uint8_t **held)
{
    entry **p = find(set, key), *e = *p;

    if (e != NULL) {
        if (e->count >= limit)
            return MC_ELIMIT;
        e->count++;
    } else {
        if (limit == 0)
            return MC_ELIMIT;
        e = *p = calloc(1, sizeof(entry));
        if (e == NULL)
            return MC_ENOMEM;
        memcpy(e->key, key, MC_ADDR_KEY_BYTES);
        e->count = 1;
        if (++set->keys > set->mask + 1)
            grow(set);
    }
    if (held != NULL)
        *held = e->key;
    return MC_OK;
}

void mc_addr_count_release(mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES])
{
    entry **p = find(set, key), *e = *p;

    if (e == NULL || --e->count > 0)
        return;
    *p = e->next;
    free(e);
    set->keys--;
}

unsigned mc_addr_count_get(const mc_addr_count *set, const uint8_t key[MC_ADDR_KEY_BYTES])
{
    entry *e = *find(set, key);

    return e != NULL ? e->count : 0;
}

size_t mc_addr_count_keys(const mc_addr_count *set)
{
    return set->keys;
}
