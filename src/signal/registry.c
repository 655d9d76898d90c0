/* registry.c: the registry interface and its in-memory backend (a chained hash table
 * keyed with SipHash-2-4). */
#include "registry.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

struct mc_registry {
    const mc_registry_ops *ops;
    void *state;
};

/* ---- SipHash-2-4: libsodium's (crypto_shorthash_siphash24), already linked for SHA-256. */

/* The key's 16 bytes are key[0] then key[1], each little-endian, and so is the result: the
 * SipHash paper's k0/k1 and its 64-bit output on any host. */
uint64_t mc_registry_hash(const uint64_t key[2], const void *data, size_t len)
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

/* ---- the interface ---- */

int mc_registry_create(const mc_registry_ops *ops, void *state, mc_registry **out)
{
    mc_registry *r;

    if (out != NULL)
        *out = NULL;
    if (ops == NULL || out == NULL || ops->claim == NULL || ops->release == NULL ||
        ops->find == NULL || ops->count == NULL || ops->destroy == NULL) {
        if (ops != NULL && ops->destroy != NULL)
            ops->destroy(state);
        return MC_EINVAL;
    }
    r = malloc(sizeof(*r));
    if (r == NULL) {
        ops->destroy(state);
        return MC_ENOMEM;
    }
    r->ops = ops;
    r->state = state;
    *out = r;
    return MC_OK;
}

void mc_registry_destroy(mc_registry *registry)
{
    if (registry == NULL)
        return;
    registry->ops->destroy(registry->state);
    free(registry);
}

int mc_registry_claim(mc_registry *registry, const char *name, size_t len, void *session)
{
    if (registry == NULL || name == NULL || len == 0 || session == NULL)
        return MC_EINVAL;
    return registry->ops->claim(registry->state, name, len, session);
}

int mc_registry_release(mc_registry *registry, const char *name, size_t len, const void *session)
{
    if (registry == NULL || name == NULL || len == 0 || session == NULL)
        return MC_EINVAL;
    return registry->ops->release(registry->state, name, len, session);
}

void *mc_registry_find(mc_registry *registry, const char *name, size_t len)
{
    if (registry == NULL || name == NULL || len == 0)
        return NULL;
    return registry->ops->find(registry->state, name, len);
}

size_t mc_registry_count(mc_registry *registry)
{
    return registry == NULL ? 0 : registry->ops->count(registry->state);
}

/* ---- the in-memory backend ---- */

typedef struct mem_entry {
    struct mem_entry *next;
    void *session;
    uint64_t hash;
    size_t len;
    char name[];        /* len bytes, not NUL-terminated */
} mem_entry;

typedef struct mem_table {
    mem_entry **buckets;
    size_t mask;        /* bucket count - 1 (a power of two) */
    size_t count;
    uint64_t seed[2];
} mem_table;

void mc_registry_memory_config_default(mc_registry_memory_config *config)
{
    if (config == NULL)
        return;
    memset(config, 0, sizeof(*config));
    config->initial_buckets = 1024;
}

static mem_entry **mem_slot(mem_table *t, const char *name, size_t len, uint64_t hash)
{
    mem_entry **e = &t->buckets[hash & t->mask];

    while (*e != NULL &&
           ((*e)->hash != hash || (*e)->len != len || memcmp((*e)->name, name, len) != 0))
        e = &(*e)->next;
    return e;
}

/* Double the bucket array; on allocation failure the table just stays denser. */
static void mem_grow(mem_table *t)
{
    size_t n = (t->mask + 1) * 2, i;
    mem_entry **b;

    if (n > (size_t)-1 / sizeof(*b) / 2)
        return;
    b = calloc(n, sizeof(*b));
    if (b == NULL)
        return;
    for (i = 0; i <= t->mask; i++) {
        mem_entry *e = t->buckets[i], *next;

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

static int mem_claim(void *state, const char *name, size_t len, void *session)
{
    mem_table *t = state;
    uint64_t hash = mc_registry_hash(t->seed, name, len);
    mem_entry **slot = mem_slot(t, name, len, hash), *e;

    if (*slot != NULL)
        return MC_ESTATE;
    if (len > (size_t)-1 - sizeof(*e))
        return MC_ENOMEM;
    e = malloc(sizeof(*e) + len);
    if (e == NULL)
        return MC_ENOMEM;
    e->next = NULL;
    e->session = session;
    e->hash = hash;
    e->len = len;
    memcpy(e->name, name, len);
    *slot = e;
    t->count++;
    if (t->count > t->mask + 1)
        mem_grow(t);
    return MC_OK;
}

static int mem_release(void *state, const char *name, size_t len, const void *session)
{
    mem_table *t = state;
    mem_entry **slot = mem_slot(t, name, len, mc_registry_hash(t->seed, name, len)), *e;

    if (*slot == NULL || (*slot)->session != session)
        return MC_ENAME;
    e = *slot;
    *slot = e->next;
    free(e);
    t->count--;
    return MC_OK;
}

static void *mem_find(void *state, const char *name, size_t len)
{
    mem_table *t = state;
    mem_entry *e = *mem_slot(t, name, len, mc_registry_hash(t->seed, name, len));

    return e == NULL ? NULL : e->session;
}

static size_t mem_count(void *state)
{
    return ((const mem_table *)state)->count;
}

static void mem_destroy(void *state)
{
    mem_table *t = state;
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i <= t->mask; i++) {
        mem_entry *e = t->buckets[i], *next;

        for (; e != NULL; e = next) {
            next = e->next;
            free(e);
        }
    }
    free(t->buckets);
    free(t);
}

static const mc_registry_ops mem_ops = {
    mem_claim, mem_release, mem_find, mem_count, mem_destroy
};

int mc_registry_create_memory(const mc_registry_memory_config *config, mc_registry **out)
{
    mc_registry_memory_config def;
    mem_table *t;
    size_t n = 1;

    if (out == NULL)
        return MC_EINVAL;
    *out = NULL;
    if (config == NULL) {
        mc_registry_memory_config_default(&def);
        config = &def;
    }
    if (config->initial_buckets > ((size_t)1 << 30))
        return MC_EINVAL;
    while (n < config->initial_buckets)
        n <<= 1;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return MC_ENOMEM;
    t->buckets = calloc(n, sizeof(*t->buckets));
    if (t->buckets == NULL) {
        free(t);
        return MC_ENOMEM;
    }
    t->mask = n - 1;
    t->seed[0] = config->seed[0];
    t->seed[1] = config->seed[1];
    return mc_registry_create(&mem_ops, t, out);
}
