/* registry.c: the registry interface and its in-memory backend (base's chained hash table,
 * keyed with SipHash-2-4). */
#include "registry.h"

#include <stdlib.h>
#include <string.h>

#include "base/hash_table.h"

struct mc_registry {
    const mc_registry_ops *ops;
    void *state;
};

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
    mc_hash_node node;  /* first: the table links entries through it */
    void *session;
    size_t len;
    char name[];        /* len bytes, not NUL-terminated */
} mem_entry;

typedef struct mem_key {
    const char *name;
    size_t len;
} mem_key;

void mc_registry_memory_config_default(mc_registry_memory_config *config)
{
    if (config == NULL)
        return;
    memset(config, 0, sizeof(*config));
    config->initial_buckets = 1024;
}

static int mem_match(const mc_hash_node *node, const void *key)
{
    const mem_entry *e = (const mem_entry *)node;
    const mem_key *k = key;

    return e->len == k->len && memcmp(e->name, k->name, k->len) == 0;
}

/* The link to the entry for name[0, len), or to the NULL where it would go; *hash gets the
 * name's hash. */
static mc_hash_node **mem_slot(mc_hash_table *t, const char *name, size_t len, uint64_t *hash)
{
    mem_key k = { name, len };

    *hash = mc_hash_table_hash(t, name, len);
    return mc_hash_table_find(t, *hash, mem_match, &k);
}

static int mem_claim(void *state, const char *name, size_t len, void *session)
{
    mc_hash_table *t = state;
    uint64_t hash;
    mc_hash_node **slot = mem_slot(t, name, len, &hash);
    mem_entry *e;

    if (*slot != NULL)
        return MC_ESTATE;
    if (len > (size_t)-1 - sizeof(*e))
        return MC_ENOMEM;
    e = malloc(sizeof(*e) + len);
    if (e == NULL)
        return MC_ENOMEM;
    e->node.hash = hash;
    e->session = session;
    e->len = len;
    memcpy(e->name, name, len);
    mc_hash_table_insert(t, slot, &e->node);
    return MC_OK;
}

static int mem_release(void *state, const char *name, size_t len, const void *session)
{
    mc_hash_table *t = state;
    uint64_t hash;
    mc_hash_node **slot = mem_slot(t, name, len, &hash);

    if (*slot == NULL || ((mem_entry *)*slot)->session != session)
        return MC_ENAME;
    free(mc_hash_table_unlink(t, slot));
    return MC_OK;
}

static void *mem_find(void *state, const char *name, size_t len)
{
    uint64_t hash;
    mc_hash_node *e = *mem_slot(state, name, len, &hash);

    return e == NULL ? NULL : ((mem_entry *)e)->session;
}

static size_t mem_count(void *state)
{
    return ((const mc_hash_table *)state)->count;
}

static void mem_free_entry(mc_hash_node *node)
{
    free(node);
}

static void mem_destroy(void *state)
{
    mc_hash_table_free(state, mem_free_entry);
    free(state);
}

static const mc_registry_ops mem_ops = {
    mem_claim, mem_release, mem_find, mem_count, mem_destroy
};

int mc_registry_create_memory(const mc_registry_memory_config *config, mc_registry **out)
{
    mc_registry_memory_config def;
    mc_hash_table *t;
    int rc;

    if (out == NULL)
        return MC_EINVAL;
    *out = NULL;
    if (config == NULL) {
        mc_registry_memory_config_default(&def);
        config = &def;
    }
    if (config->initial_buckets > ((size_t)1 << 30))
        return MC_EINVAL;
    t = malloc(sizeof(*t));
    if (t == NULL)
        return MC_ENOMEM;
    rc = mc_hash_table_init(t, config->initial_buckets, config->seed);
    if (rc != MC_OK) {
        free(t);
        return rc;
    }
    return mc_registry_create(&mem_ops, t, out);
}
