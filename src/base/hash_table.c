/* hash_table.c: an intrusive chained hash table under SipHash-2-4 (see hash_table.h). */
#include "hash_table.h"

#include <stdlib.h>

#include <sodium.h>

#include "mediacore/mc_error.h"

uint64_t mc_siphash24(const uint64_t key[2], const void *data, size_t len)
{
    unsigned char k[crypto_shorthash_siphash24_KEYBYTES], out[crypto_shorthash_siphash24_BYTES];
    uint64_t h = 0;
    int i;

    for (i = 0; i < 8; i++) {
        k[i] = (unsigned char)(key[0] >> (8 * i));
        k[8 + i] = (unsigned char)(key[1] >> (8 * i));
    }
    crypto_shorthash_siphash24(out, data, (unsigned long long)len, k);
    for (i = 7; i >= 0; i--)
        h = (h << 8) | out[i];
    return h;
}

int mc_hash_table_init(mc_hash_table *t, size_t buckets, const uint64_t seed[2])
{
    size_t n = 1;

    if (t == NULL || seed == NULL || buckets > ((size_t)1 << 30))
        return MC_EINVAL;
    while (n < buckets)
        n <<= 1;
    t->buckets = calloc(n, sizeof(*t->buckets));
    if (t->buckets == NULL)
        return MC_ENOMEM;
    t->mask = n - 1;
    t->count = 0;
    t->seed[0] = seed[0];
    t->seed[1] = seed[1];
    return MC_OK;
}

void mc_hash_table_free(mc_hash_table *t, void (*free_node)(mc_hash_node *node))
{
    size_t i;

    if (t == NULL || t->buckets == NULL)
        return;
    for (i = 0; free_node != NULL && i <= t->mask; i++) {
        mc_hash_node *e = t->buckets[i], *next;

        for (; e != NULL; e = next) {
            next = e->next;
            free_node(e);
        }
    }
    free(t->buckets);
    t->buckets = NULL;
    t->count = 0;
}

uint64_t mc_hash_table_hash(const mc_hash_table *t, const void *key, size_t len)
{
    return mc_siphash24(t->seed, key, len);
}

mc_hash_node **mc_hash_table_find(const mc_hash_table *t, uint64_t hash,
                                  int (*match)(const mc_hash_node *node, const void *key),
                                  const void *key)
{
    mc_hash_node **p = &t->buckets[hash & t->mask];

    while (*p != NULL && ((*p)->hash != hash || !match(*p, key)))
        p = &(*p)->next;
    return p;
}

/* Twice the buckets; on allocation failure the table just stays denser. */
static void grow(mc_hash_table *t)
{
    size_t n = (t->mask + 1) * 2, i;
    mc_hash_node **b;

    if (n > (size_t)-1 / sizeof(*b) / 2)
        return;
    b = calloc(n, sizeof(*b));
    if (b == NULL)
        return;
    for (i = 0; i <= t->mask; i++) {
        mc_hash_node *e = t->buckets[i], *next;

        for (; e != NULL; e = next) {
            next = e->next;
            e->next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->mask = n - 1;
}

void mc_hash_table_insert(mc_hash_table *t, mc_hash_node **link, mc_hash_node *node)
{
    node->next = *link;
    *link = node;
    if (++t->count > t->mask + 1)
        grow(t);
}

mc_hash_node *mc_hash_table_unlink(mc_hash_table *t, mc_hash_node **link)
{
    mc_hash_node *node = *link;

    *link = node->next;
    node->next = NULL;
    t->count--;
    return node;
}
