/* rate_table.c: per-key token buckets in a fixed-size table (chained hash buckets keyed
 * with SipHash-2-4, plus a recency list for least-recently-seen eviction). */
#include "rate_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash_table.h"

#define NONE UINT32_MAX

/* One key's bucket. Entries never move: they are linked by index, both into their hash
 * bucket's chain and into the recency list (newest first). */
typedef struct entry {
    uint64_t hash;                /* of the key, to find its chain again on eviction */
    double tokens;
    int64_t seen_us;              /* time of the last event (and of the last refill) */
    uint32_t next;                /* next entry in the same hash bucket */
    uint32_t newer, older;        /* neighbours in the recency list */
    uint8_t len;
    uint8_t key[MC_RATE_TABLE_MAX_KEY];
} entry;

struct mc_rate_table {
    mc_rate_table_config cfg;
    entry *entries;               /* cfg.capacity entries; [0, count) in use */
    uint32_t *heads;              /* first entry of each hash bucket, or NONE */
    size_t mask;                  /* bucket count - 1 (a power of two, >= capacity) */
    size_t count;
    uint32_t newest, oldest;
};

void mc_rate_table_config_default(mc_rate_table_config *config)
{
    if (config == NULL)
        return;
    memset(config, 0, sizeof(*config));
    config->rate = 20;
    config->burst = 100;
    config->capacity = 4096;
}

int mc_rate_table_create(const mc_rate_table_config *config, mc_rate_table **out)
{
    mc_rate_table_config cfg;
    mc_rate_table *t;
    size_t buckets = 1, i;

    if (out == NULL)
        return MC_EINVAL;
    *out = NULL;
    if (config == NULL)
        mc_rate_table_config_default(&cfg);
    else
        cfg = *config;
    if (!isfinite(cfg.rate) || cfg.rate < 0 || !isfinite(cfg.burst) || cfg.burst < 1 ||
        cfg.capacity == 0 || cfg.capacity > MC_RATE_TABLE_MAX_CAPACITY)
        return MC_EINVAL;
    while (buckets < cfg.capacity)
        buckets <<= 1;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return MC_ENOMEM;
    t->entries = malloc(cfg.capacity * sizeof(*t->entries));
    t->heads = malloc(buckets * sizeof(*t->heads));
    if (t->entries == NULL || t->heads == NULL) {
        mc_rate_table_destroy(t);
        return MC_ENOMEM;
    }
    for (i = 0; i < buckets; i++)
        t->heads[i] = NONE;
    t->cfg = cfg;
    t->mask = buckets - 1;
    t->newest = t->oldest = NONE;
    *out = t;
    return MC_OK;
}

void mc_rate_table_destroy(mc_rate_table *table)
{
    if (table == NULL)
        return;
    free(table->entries);
    free(table->heads);
    free(table);
}

size_t mc_rate_table_count(const mc_rate_table *table)
{
    return table != NULL ? table->count : 0;
}

/* Take entry i out of the recency list. */
static void unlink_recent(mc_rate_table *t, uint32_t i)
{
    entry *e = &t->entries[i];

    if (e->newer != NONE)
        t->entries[e->newer].older = e->older;
    else
        t->newest = e->older;
    if (e->older != NONE)
        t->entries[e->older].newer = e->newer;
    else
        t->oldest = e->newer;
}

/* Put entry i at the newest end of the recency list. */
static void push_newest(mc_rate_table *t, uint32_t i)
{
    entry *e = &t->entries[i];

    e->newer = NONE;
    e->older = t->newest;
    if (t->newest != NONE)
        t->entries[t->newest].newer = i;
    t->newest = i;
    if (t->oldest == NONE)
        t->oldest = i;
}

/* Take entry i out of its hash bucket's chain. */
static void unlink_chain(mc_rate_table *t, uint32_t i)
{
    uint32_t *link = &t->heads[t->entries[i].hash & t->mask];

    while (*link != i)
        link = &t->entries[*link].next;
    *link = t->entries[i].next;
}

/* The entry for a key not in the table: a free one, else the least recently seen one
 * (forgotten). It comes back linked into bucket `hash` and the recency list, bucket full. */
static uint32_t add_entry(mc_rate_table *t, const void *key, size_t len, uint64_t hash,
                          int64_t now_us)
{
    uint32_t i;
    entry *e;

    if (t->count < t->cfg.capacity) {
        i = (uint32_t)t->count++;
    } else {
        i = t->oldest;
        unlink_chain(t, i);
        unlink_recent(t, i);
    }
    e = &t->entries[i];
    e->hash = hash;
    e->tokens = t->cfg.burst;
    e->seen_us = now_us;
    e->len = (uint8_t)len;
    memcpy(e->key, key, len);
    e->next = t->heads[hash & t->mask];
    t->heads[hash & t->mask] = i;
    push_newest(t, i);
    return i;
}

int mc_rate_table_take(mc_rate_table *table, const void *key, size_t len, int64_t now_us)
{
    mc_rate_table *t = table;
    uint64_t hash;
    uint32_t i;
    entry *e;

    if (t == NULL || key == NULL || len == 0 || len > MC_RATE_TABLE_MAX_KEY)
        return MC_EINVAL;
    if (t->cfg.rate <= 0)
        return MC_OK;
    hash = mc_siphash24(t->cfg.seed, key, len);
    for (i = t->heads[hash & t->mask]; i != NONE; i = t->entries[i].next) {
        e = &t->entries[i];
        if (e->hash == hash && e->len == len && memcmp(e->key, key, len) == 0)
            break;
    }
    if (i == NONE) {
        i = add_entry(t, key, len, hash, now_us);
    } else {
        e = &t->entries[i];
        if (now_us > e->seen_us) {
            e->tokens += (double)(now_us - e->seen_us) * t->cfg.rate / 1e6;
            if (e->tokens > t->cfg.burst)
                e->tokens = t->cfg.burst;
            e->seen_us = now_us;
        }
        if (t->newest != i) {
            unlink_recent(t, i);
            push_newest(t, i);
        }
    }
    e = &t->entries[i];
    if (e->tokens < 1)
        return MC_ELIMIT;
    e->tokens -= 1;
    return MC_OK;
}
