/* test_rate_table.c: the per-key token buckets: bad arguments, the burst, refill as time
 * passes (the clock is injected), keys kept apart, the table full, least-recently-seen
 * eviction, and many keys through a small table. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "mc_test.h"
#include "signal/rate_table.h"

#define SEC 1000000LL

static mc_rate_table *make(double rate, double burst, size_t capacity)
{
    mc_rate_table_config cfg;
    mc_rate_table *t = NULL;

    mc_rate_table_config_default(&cfg);
    cfg.rate = rate;
    cfg.burst = burst;
    cfg.capacity = capacity;
    cfg.seed[0] = 0x0123456789abcdefULL;
    cfg.seed[1] = 0xfedcba9876543210ULL;
    MC_CHECK_EQ(mc_rate_table_create(&cfg, &t), MC_OK);
    return t;
}

/* How many of `n` events from `key` at time `now` are allowed. */
static int allowed(mc_rate_table *t, const char *key, int n, int64_t now)
{
    int ok = 0, i;

    for (i = 0; i < n; i++)
        if (mc_rate_table_take(t, key, strlen(key), now) == MC_OK)
            ok++;
    return ok;
}

static void test_arguments(void)
{
    mc_rate_table_config cfg, bad;
    mc_rate_table *t = (mc_rate_table *)&cfg;   /* not NULL: a failed create must clear it */
    uint8_t key[MC_RATE_TABLE_MAX_KEY + 1] = { 0 };

    mc_rate_table_config_default(&cfg);
    MC_CHECK(cfg.rate == 20 && cfg.burst == 100);
    MC_CHECK_EQ(cfg.capacity, 4096);
    MC_CHECK_EQ(mc_rate_table_create(&cfg, NULL), MC_EINVAL);
    bad = cfg; bad.rate = -1;
    MC_CHECK_EQ(mc_rate_table_create(&bad, &t), MC_EINVAL);
    MC_CHECK(t == NULL);
    bad = cfg; bad.burst = 0.5;
    MC_CHECK_EQ(mc_rate_table_create(&bad, &t), MC_EINVAL);
    bad = cfg; bad.capacity = 0;
    MC_CHECK_EQ(mc_rate_table_create(&bad, &t), MC_EINVAL);
    bad = cfg; bad.capacity = (size_t)MC_RATE_TABLE_MAX_CAPACITY + 1;
    MC_CHECK_EQ(mc_rate_table_create(&bad, &t), MC_EINVAL);
    bad = cfg; bad.rate = INFINITY;
    MC_CHECK_EQ(mc_rate_table_create(&bad, &t), MC_EINVAL);

    MC_CHECK_EQ(mc_rate_table_create(NULL, &t), MC_OK);     /* the defaults */
    MC_CHECK_EQ(mc_rate_table_take(t, NULL, 4, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_rate_table_take(t, key, 0, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_rate_table_take(t, key, sizeof(key), 0), MC_EINVAL);
    MC_CHECK_EQ(mc_rate_table_take(NULL, key, 4, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_rate_table_take(t, key, MC_RATE_TABLE_MAX_KEY, 0), MC_OK);
    MC_CHECK_EQ(mc_rate_table_count(t), 1);
    MC_CHECK_EQ(mc_rate_table_count(NULL), 0);
    mc_rate_table_destroy(t);
    mc_rate_table_destroy(NULL);
}

static void test_burst(void)
{
    mc_rate_table *t = make(10, 5, 16);

    /* A new key may send `burst` events at once, then nothing until time passes. */
    MC_CHECK_EQ(allowed(t, "a", 5, 0), 5);
    MC_CHECK_EQ(mc_rate_table_take(t, "a", 1, 0), MC_ELIMIT);
    MC_CHECK_EQ(allowed(t, "a", 100, 0), 0);
    /* Another key has its own bucket. */
    MC_CHECK_EQ(allowed(t, "b", 10, 0), 5);
    MC_CHECK_EQ(mc_rate_table_count(t), 2);
    mc_rate_table_destroy(t);
}

static void test_refill(void)
{
    mc_rate_table *t = make(10, 5, 16);
    int64_t now = 1000 * SEC;     /* any origin */

    MC_CHECK_EQ(allowed(t, "a", 5, now), 5);
    /* 10 per second: one token every 100 ms, none before. */
    MC_CHECK_EQ(allowed(t, "a", 3, now + 99999), 0);
    MC_CHECK_EQ(allowed(t, "a", 3, now + 100000), 1);
    /* Denied events take nothing: 250 ms later (from the last refill) there are 2.5. */
    MC_CHECK_EQ(allowed(t, "a", 3, now + 350000), 2);
    MC_CHECK_EQ(allowed(t, "a", 3, now + 400000), 1);   /* the half plus 0.05 s */
    /* A long silence refills to the burst and no further. */
    MC_CHECK_EQ(allowed(t, "a", 20, now + 3600 * SEC), 5);
    /* Sustained sending at 100/s for 10 s gets the rate, plus the burst. */
    {
        int ok = 0, i;
        int64_t start = now + 7200 * SEC;

        for (i = 0; i < 1000; i++)
            ok += mc_rate_table_take(t, "a", 1, start + i * 10000) == MC_OK;
        MC_CHECK(ok >= 5 + 99 && ok <= 5 + 100);
    }
    /* A clock that goes back gives nothing back, and breaks nothing. */
    MC_CHECK_EQ(allowed(t, "a", 3, now), 0);
    MC_CHECK_EQ(allowed(t, "a", 3, now + 7200 * SEC + 999 * 10000 + 100000), 1);
    mc_rate_table_destroy(t);

    /* Fractional rates: one every two seconds. */
    t = make(0.5, 1, 4);
    MC_CHECK_EQ(allowed(t, "x", 2, 0), 1);
    MC_CHECK_EQ(allowed(t, "x", 2, SEC), 0);
    MC_CHECK_EQ(allowed(t, "x", 2, 2 * SEC), 1);
    mc_rate_table_destroy(t);

    /* Rate 0: no limit, nothing kept. */
    t = make(0, 1, 4);
    MC_CHECK_EQ(allowed(t, "x", 1000, 0), 1000);
    MC_CHECK_EQ(mc_rate_table_count(t), 0);
    mc_rate_table_destroy(t);
}

static void test_full_table(void)
{
    mc_rate_table *t = make(1, 2, 4);
    int64_t now = 0;

    /* Four keys fill the table; each used up. */
    MC_CHECK_EQ(allowed(t, "k0", 3, now), 2);
    MC_CHECK_EQ(allowed(t, "k1", 3, now), 2);
    MC_CHECK_EQ(allowed(t, "k2", 3, now), 2);
    MC_CHECK_EQ(allowed(t, "k3", 3, now), 2);
    MC_CHECK_EQ(mc_rate_table_count(t), 4);
    /* k0 is seen again (denied: a denied event still counts as seen), so k1 is now the
     * least recently seen. */
    MC_CHECK_EQ(allowed(t, "k0", 1, now), 0);
    /* A fifth key is still served, with a full bucket: it replaces k1. */
    MC_CHECK_EQ(allowed(t, "k4", 3, now), 2);
    MC_CHECK_EQ(mc_rate_table_count(t), 4);
    /* k0, k2, k3 are remembered (still empty); k1 was forgotten and starts afresh. */
    MC_CHECK_EQ(allowed(t, "k0", 1, now), 0);
    MC_CHECK_EQ(allowed(t, "k3", 1, now), 0);
    MC_CHECK_EQ(allowed(t, "k2", 1, now), 0);
    MC_CHECK_EQ(allowed(t, "k1", 3, now), 2);          /* replaced k4, the oldest now */
    MC_CHECK_EQ(allowed(t, "k0", 1, now), 0);
    MC_CHECK_EQ(allowed(t, "k4", 3, now), 2);          /* replaced k3 */
    MC_CHECK_EQ(allowed(t, "k2", 1, now), 0);
    MC_CHECK_EQ(mc_rate_table_count(t), 4);
    mc_rate_table_destroy(t);

    /* A table of one. */
    t = make(1, 1, 1);
    MC_CHECK_EQ(allowed(t, "a", 2, 0), 1);
    MC_CHECK_EQ(allowed(t, "b", 2, 0), 1);
    MC_CHECK_EQ(allowed(t, "a", 2, 0), 1);
    MC_CHECK_EQ(mc_rate_table_count(t), 1);
    mc_rate_table_destroy(t);
}

/* Many keys through a small table: the chains and the recency list stay consistent (ASan
 * and the counts check it), and a key flooded all along is never forgotten while the other
 * keys churn, as long as it is seen more often than `capacity` other keys. */
static void test_churn(void)
{
    mc_rate_table *t = make(1, 3, 64);
    int i, fresh_ok = 0, busy_ok = 0;

    for (i = 0; i < 200000; i++) {
        uint8_t key[5];
        uint32_t n = (uint32_t)i * 2654435761u;     /* distinct keys in a scattered order */

        key[0] = 4;
        memcpy(key + 1, &n, 4);
        fresh_ok += mc_rate_table_take(t, key, sizeof(key), 0) == MC_OK;
        if (i % 32 == 0)
            busy_ok += mc_rate_table_take(t, "busy", 4, 0) == MC_OK;
    }
    MC_CHECK_EQ(fresh_ok, 200000);        /* a key never seen (or forgotten) is served */
    MC_CHECK_EQ(mc_rate_table_count(t), 64);
    MC_CHECK_EQ(busy_ok, 3);              /* remembered throughout: never more than its burst */
    mc_rate_table_destroy(t);

    /* Keys of every length, the same bytes as a prefix: all distinct. */
    t = make(1, 1, 64);
    {
        uint8_t key[MC_RATE_TABLE_MAX_KEY];
        size_t len;

        memset(key, 7, sizeof(key));
        for (len = 1; len <= sizeof(key); len++)
            MC_CHECK_EQ(mc_rate_table_take(t, key, len, 0), MC_OK);
        for (len = 1; len <= sizeof(key); len++)
            MC_CHECK_EQ(mc_rate_table_take(t, key, len, 0), MC_ELIMIT);
        MC_CHECK_EQ(mc_rate_table_count(t), sizeof(key));
    }
    mc_rate_table_destroy(t);
}

int main(void)
{
    MC_RUN_TEST(test_arguments);
    MC_RUN_TEST(test_burst);
    MC_RUN_TEST(test_refill);
    MC_RUN_TEST(test_full_table);
    MC_RUN_TEST(test_churn);
    return mc_test_finish();
}
