/* test_hash_table.c: base's keyed hash table: SipHash-2-4 against the paper's vectors, and
 * the table against a plain array that knows which keys are in it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash_table.h"
#include "mc_test.h"
#include "mediacore/mc_error.h"

typedef struct item {
    mc_hash_node node;
    uint32_t key;
} item;

static int match(const mc_hash_node *node, const void *key)
{
    return ((const item *)node)->key == *(const uint32_t *)key;
}

static int freed;

static void free_item(mc_hash_node *node)
{
    freed++;
    free(node);
}

static mc_hash_node **lookup(mc_hash_table *t, uint32_t key, uint64_t *hash)
{
    *hash = mc_hash_table_hash(t, &key, sizeof(key));
    return mc_hash_table_find(t, *hash, match, &key);
}

/* SipHash-2-4 reference vectors (the paper's appendix A and its test vector list): key
 * 00..0f, messages 00..(n-1). */
static void test_siphash_vectors(void)
{
    uint64_t key[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
    uint8_t m[64];
    int i;

    for (i = 0; i < 64; i++)
        m[i] = (uint8_t)i;
    MC_CHECK(mc_siphash24(key, m, 15) == 0xa129ca6149be45e5ULL);
    MC_CHECK(mc_siphash24(key, m, 0) == 0x726fdb47dd0e0e31ULL);
    MC_CHECK(mc_siphash24(key, m, 1) == 0x74f839c593dc67fdULL);
    MC_CHECK(mc_siphash24(key, m, 63) == 0x958a324ceb064572ULL);
}

static void test_init_errors(void)
{
    uint64_t seed[2] = { 1, 2 };
    mc_hash_table t;

    MC_CHECK_EQ(mc_hash_table_init(NULL, 8, seed), MC_EINVAL);
    MC_CHECK_EQ(mc_hash_table_init(&t, 8, NULL), MC_EINVAL);
    MC_CHECK_EQ(mc_hash_table_init(&t, ((size_t)1 << 30) + 1, seed), MC_EINVAL);
    MC_CHECK_EQ(mc_hash_table_init(&t, 0, seed), MC_OK);
    MC_CHECK_EQ(t.mask, 0);
    mc_hash_table_free(&t, NULL);
    MC_CHECK_EQ(mc_hash_table_init(&t, 5, seed), MC_OK);
    MC_CHECK_EQ(t.mask, 7);
    mc_hash_table_free(&t, NULL);
}

/* Random inserts and removals from one bucket up to 20,000 keys, checked after every step
 * against an array of which keys are present: find, count, growth, unlink, free. */
static void test_against_array(void)
{
    enum { KEYS = 20000, STEPS = 60000 };
    uint64_t seed[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL }, hash;
    static unsigned char present[KEYS];
    mc_hash_table t;
    uint32_t rng = 12345, k;
    size_t count = 0, maxmask = 0;
    int step, wrong = 0;

    MC_CHECK_EQ(mc_hash_table_init(&t, 1, seed), MC_OK);
    for (step = 0; step < STEPS; step++) {
        mc_hash_node **link;

        rng = rng * 1103515245u + 12345u;
        k = (rng >> 8) % (step < STEPS / 2 ? KEYS : KEYS / 4);
        link = lookup(&t, k, &hash);
        if ((*link != NULL) != present[k])
            wrong++;
        if (*link == NULL) {
            item *it = malloc(sizeof(*it));

            MC_CHECK(it != NULL);
            if (it == NULL)
                break;
            it->node.hash = hash;
            it->key = k;
            mc_hash_table_insert(&t, link, &it->node);
            present[k] = 1;
            count++;
        } else if (((rng >> 4) & 3) == 0) {
            mc_hash_node *n = mc_hash_table_unlink(&t, link);

            if (((item *)n)->key != k)
                wrong++;
            free(n);
            present[k] = 0;
            count--;
        }
        if (t.count != count)
            wrong++;
        if (t.mask > maxmask)
            maxmask = t.mask;
    }
    MC_CHECK_EQ(wrong, 0);
    MC_CHECK(t.count > 1000);
    MC_CHECK(maxmask + 1 >= 1024);         /* it grew: no more keys than buckets, doubling */
    for (k = 0; k < KEYS; k++) {
        mc_hash_node **link = lookup(&t, k, &hash);

        if ((*link != NULL) != present[k])
            wrong++;
    }
    MC_CHECK_EQ(wrong, 0);
    freed = 0;
    mc_hash_table_free(&t, free_item);
    MC_CHECK_EQ(freed, (long long)count);
    MC_CHECK(t.buckets == NULL);
}

int main(void)
{
    MC_RUN_TEST(test_siphash_vectors);
    MC_RUN_TEST(test_init_errors);
    MC_RUN_TEST(test_against_array);
    return mc_test_finish();
}
