/* registry.h: the signaling name space: which session holds which user name.
 *
 * The protocol engine (mc_signal.h) never keeps its own map of names: it asks a registry.
 * A registry is a small interface, mc_registry_ops, with one backend today:
 *
 *   mc_registry_create_memory()   an in-process hash table (one server instance)
 *
 * A shared backend (several server instances behind one name space, e.g. Redis with
 * pub/sub for delivery to sessions on other instances) implements the same five
 * operations and is passed to mc_signal_create() instead; nothing else changes.
 *
 * Names here are byte strings compared exactly (case-sensitive, no normalisation), given
 * as pointer + length; they need not be NUL-terminated. The engine never passes a name as
 * typed: it passes the name's key (mc_username_key, username.h), so at the protocol level
 * "ALICE" and "alice" are one name while the registry itself stays a plain byte map. A
 * shared backend must store the keys as given. Sessions are opaque pointers owned by
 * the caller: the registry stores them and hands them back, never dereferences or frees
 * them. A registry is not thread-safe: use it from one thread (the server's event loop).
 */
#ifndef MC_REGISTRY_H
#define MC_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "mediacore/mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_registry mc_registry;

/**
 * The operations a backend provides. `state` is the backend's own handle, given to
 * mc_registry_create(). Every operation must leave the name space unchanged on failure.
 */
typedef struct mc_registry_ops {
    /** Bind `name` to `session`. MC_OK, MC_ESTATE when the name is held (by anyone,
     *  including `session`), MC_ENOMEM. */
    int (*claim)(void *state, const char *name, size_t len, void *session);
    /** Unbind `name` if `session` holds it. MC_OK, or MC_ENAME when it does not. */
    int (*release)(void *state, const char *name, size_t len, const void *session);
    /** The session holding `name`, or NULL. */
    void *(*find)(void *state, const char *name, size_t len);
    /** How many names are held. */
    size_t (*count)(void *state);
    /** Free the backend (called by mc_registry_destroy). */
    void (*destroy)(void *state);
} mc_registry_ops;

/** Settings for the in-memory backend. */
typedef struct mc_registry_memory_config {
    /** Buckets to start with (rounded up to a power of two); the table doubles as it
     *  fills. Default 1024. */
    size_t initial_buckets;
    /** Key of the keyed hash (SipHash-2-4) that spreads names over buckets. A server
     *  should fill it from a random source so that clients cannot choose names that all
     *  collide. Default all zero (deterministic; fine for tests). */
    uint64_t seed[2];
} mc_registry_memory_config;

/** Fill `config` with the defaults above. */
void mc_registry_memory_config_default(mc_registry_memory_config *config);

/**
 * Create a registry over any backend. The registry takes ownership of `state`: it is
 * freed with ops->destroy by mc_registry_destroy (also when this call fails).
 * @return MC_OK, MC_EINVAL (NULL arguments or a missing operation), MC_ENOMEM.
 */
int mc_registry_create(const mc_registry_ops *ops, void *state, mc_registry **out);

/**
 * Create a registry with the in-memory backend. `config` may be NULL for the defaults.
 * @return MC_OK, MC_EINVAL, MC_ENOMEM. On error *out is NULL.
 */
int mc_registry_create_memory(const mc_registry_memory_config *config, mc_registry **out);

/** Free the registry and its backend. Sessions are not touched. NULL is ignored. */
void mc_registry_destroy(mc_registry *registry);

/** Bind `name` (len bytes, 1 or more) to `session` (not NULL).
 *  @return MC_OK, MC_ESTATE (already held), MC_EINVAL, MC_ENOMEM. */
int mc_registry_claim(mc_registry *registry, const char *name, size_t len, void *session);

/** Unbind `name` if `session` holds it. @return MC_OK, MC_ENAME (not held by it), MC_EINVAL. */
int mc_registry_release(mc_registry *registry, const char *name, size_t len, const void *session);

/** The session holding `name`, or NULL (also for NULL arguments). */
void *mc_registry_find(mc_registry *registry, const char *name, size_t len);

/** How many names are held (0 for NULL). */
size_t mc_registry_count(mc_registry *registry);


#ifdef __cplusplus
}
#endif

#endif /* MC_REGISTRY_H */
