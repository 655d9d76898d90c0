/* mc_test.h: the smallest test harness that does the job. Each test file defines
 * test functions, lists them in main() with MC_RUN_TEST, and returns mc_test_finish().
 * A failed check prints file:line and the values, and the executable exits non-zero. */
#ifndef MC_TEST_H
#define MC_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mc_test_failures;
static int mc_test_checks;

#define MC_CHECK(cond)                                                              \
    do {                                                                            \
        mc_test_checks++;                                                           \
        if (!(cond)) {                                                              \
            mc_test_failures++;                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                           \
    } while (0)

#define MC_CHECK_EQ(a, b)                                                           \
    do {                                                                            \
        long long a_ = (long long)(a), b_ = (long long)(b);                         \
        mc_test_checks++;                                                           \
        if (a_ != b_) {                                                             \
            mc_test_failures++;                                                     \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n",               \
                    __FILE__, __LINE__, #a, #b, a_, b_);                            \
        }                                                                           \
    } while (0)

#define MC_CHECK_STR(a, b)                                                          \
    do {                                                                            \
        const char *a_ = (a), *b_ = (b);                                            \
        mc_test_checks++;                                                           \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                      \
            mc_test_failures++;                                                     \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, \
                    __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");      \
        }                                                                           \
    } while (0)

#define MC_RUN_TEST(fn)                                                             \
    do {                                                                            \
        int before_ = mc_test_failures;                                             \
        fn();                                                                       \
        printf("%s %s\n", mc_test_failures == before_ ? "ok  " : "FAIL", #fn);      \
    } while (0)

static inline int mc_test_finish(void)
{
    printf("%d checks, %d failed\n", mc_test_checks, mc_test_failures);
    return mc_test_failures == 0 ? 0 : 1;
}

/* xorshift32: deterministic test data without global state in the code under test. */
static inline unsigned mc_test_rand(unsigned *state)
{
    unsigned x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

#endif /* MC_TEST_H */
