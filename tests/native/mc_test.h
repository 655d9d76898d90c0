/* mc_test.h: the smallest test harness that does the job. Each test file defines
 * test functions, lists them in main() with MC_RUN_TEST, and returns mc_test_finish().
 * A failed check prints file:line and the values, and the executable exits non-zero.
 *
 * A test that cannot run in this build (e.g. it needs glyphs the build left out) calls
 * MC_SKIP(why) and returns. The executable then exits with MC_TEST_SKIPPED (77; give the
 * ctest test SKIP_RETURN_CODE 77) only if no check failed anywhere: a failure always
 * exits 1, so a skip never hides one. */
#ifndef MC_TEST_H
#define MC_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MC_TEST_SKIPPED 77   /* exit code: nothing failed, something was skipped */

static int mc_test_failures;
static int mc_test_checks;
static int mc_test_skips;          /* tests that called MC_SKIP */
static int mc_test_skipped_now;    /* the running test called MC_SKIP */

/* Mark the running test skipped, saying why; the test then returns. */
#define MC_SKIP(why)                                                                \
    do {                                                                            \
        mc_test_skipped_now = 1;                                                    \
        printf("skip: %s\n", (why));                                                \
    } while (0)

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
        mc_test_skipped_now = 0;                                                    \
        fn();                                                                       \
        mc_test_skips += mc_test_skipped_now;                                       \
        printf("%s %s\n", mc_test_failures != before_ ? "FAIL"                      \
                           : mc_test_skipped_now ? "skip" : "ok  ", #fn);           \
    } while (0)

static inline int mc_test_finish(void)
{
    printf("%d checks, %d failed, %d tests skipped\n", mc_test_checks, mc_test_failures,
           mc_test_skips);
    if (mc_test_failures != 0)
        return 1;
    return mc_test_skips != 0 ? MC_TEST_SKIPPED : 0;
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
