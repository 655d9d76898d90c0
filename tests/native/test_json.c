/* test_json.c: base/json.h, the JSON layer the signaling engine and the file-transfer
 * control messages share: checks before parsing, parsing with nothing after the value,
 * typed getters, the raw-member scanner, printing and the writer into caller buffers. */
#include <string.h>

#include "base/json.h"
#include "mc_test.h"
#include "mediacore/mc_error.h"

static void test_check(void)
{
    static const struct {
        const char *in;
        mc_json_fault want;
    } cases[] = {
        { "{\"a\":\"\xc3\xa9\"}", MC_JSON_FINE },
        { " {\"a\" :\t[1,\n2]}\r\n", MC_JSON_FINE },
        { "{\"a\":\"\\\\u0000\"}", MC_JSON_FINE },          /* an escaped backslash, then text */
        { "{\"a\":\"\\u0000\"}", MC_JSON_BAD_TEXT },
        { "{\"a\":\"x\x01\"}", MC_JSON_BAD_TEXT },
        { "{\x01}", MC_JSON_BAD_TEXT },
        { "{\"a\":\"\\\xc3\xa9\"}", MC_JSON_BAD_TEXT },      /* backslash before non-ASCII */
        { "{\"a\":\"\\", MC_JSON_BAD_TEXT },
        { "{\"a\":\"\xff\"}", MC_JSON_BAD_UTF8 },
        { "{\"a\":\"\xed\xa0\x80\"}", MC_JSON_BAD_UTF8 },
        { "{\x01\"a\":\"\xff\"}", MC_JSON_BAD_TEXT },        /* the first fault wins */
        { "{\"a\":\"\xff\x01\"}", MC_JSON_BAD_UTF8 },
        { "[[[[]]]]", MC_JSON_FINE },
        { "[[[[[]]]]]", MC_JSON_TOO_DEEP },
        { "[\"[[[[[\"]", MC_JSON_FINE },                     /* brackets in strings */
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        MC_CHECK_EQ(mc_json_check(cases[i].in, strlen(cases[i].in), 4), cases[i].want);
    MC_CHECK_EQ(mc_json_check("", 0, 4), MC_JSON_FINE);
}

static void test_parse_and_get(void)
{
    const char *text = " {\"s\":\"x\",\"i\":-12,\"f\":1.5,\"big\":9007199254740994,"
                       "\"max\":9007199254740991,\"n\":null} \n";
    cJSON *o;
    size_t at = 99;
    int64_t v;
    uint64_t u;

    o = mc_json_parse(text, strlen(text), &at);
    MC_CHECK(cJSON_IsObject(o));
    MC_CHECK_STR(mc_json_get_str(o, "s"), "x");
    MC_CHECK(mc_json_get_str(o, "i") == NULL);
    MC_CHECK(mc_json_get_str(o, "absent") == NULL);
    MC_CHECK(mc_json_get_str(NULL, "s") == NULL);
    MC_CHECK_EQ(mc_json_get_int(cJSON_GetObjectItemCaseSensitive(o, "i"), &v), MC_OK);
    MC_CHECK_EQ(v, -12);
    MC_CHECK_EQ(mc_json_get_int(cJSON_GetObjectItemCaseSensitive(o, "f"), &v), MC_EFORMAT);
    MC_CHECK_EQ(mc_json_get_int(cJSON_GetObjectItemCaseSensitive(o, "big"), &v), MC_EFORMAT);
    MC_CHECK_EQ(mc_json_get_int(cJSON_GetObjectItemCaseSensitive(o, "n"), &v), MC_EFORMAT);
    MC_CHECK_EQ(mc_json_get_int(NULL, &v), MC_EFORMAT);
    MC_CHECK_EQ(mc_json_get_u64(o, "max", UINT64_MAX, &u), MC_OK);
    MC_CHECK_EQ(u, 9007199254740991ull);
    MC_CHECK_EQ(mc_json_get_u64(o, "max", 100, &u), MC_EFORMAT);
    MC_CHECK_EQ(mc_json_get_u64(o, "i", UINT64_MAX, &u), MC_EFORMAT);
    MC_CHECK_EQ(mc_json_get_u64(o, "absent", UINT64_MAX, &u), MC_EFORMAT);
    cJSON_Delete(o);

    /* Data after the value, and text that is not JSON: NULL, and where reading stopped. */
    MC_CHECK(mc_json_parse("{} x", 4, &at) == NULL);
    MC_CHECK_EQ(at, 3);
    MC_CHECK(mc_json_parse("{\"a\":}", 6, &at) == NULL);
    MC_CHECK_EQ(at, 5);
    MC_CHECK(mc_json_parse("", 0, NULL) == NULL);
    o = mc_json_parse("7", 1, NULL);
    MC_CHECK(cJSON_IsNumber(o));
    cJSON_Delete(o);
}

static void test_raw_member(void)
{
    const char *s = " { \"a\" : [1, {\"}\":\"]\"}] ,\"b\":\"x\\\"y\",\"c\":-1.5e3 , \"d\":{ } ,"
                    "\"b\":2 } ";
    const char *v = NULL;
    size_t n = strlen(s), len = 0;

    MC_CHECK_EQ(mc_json_raw_member(s, n, "a", &v, &len), 1);
    MC_CHECK(len == 14 && memcmp(v, "[1, {\"}\":\"]\"}]", len) == 0);
    MC_CHECK_EQ(mc_json_raw_member(s, n, "b", &v, &len), 1);   /* the first "b" */
    MC_CHECK(len == 6 && memcmp(v, "\"x\\\"y\"", len) == 0);
    MC_CHECK_EQ(mc_json_raw_member(s, n, "c", &v, &len), 1);
    MC_CHECK(len == 6 && memcmp(v, "-1.5e3", len) == 0);
    MC_CHECK_EQ(mc_json_raw_member(s, n, "d", &v, &len), 1);
    MC_CHECK(len == 3 && memcmp(v, "{ }", len) == 0);
    MC_CHECK_EQ(mc_json_raw_member(s, n, "e", &v, &len), 0);
    MC_CHECK_EQ(mc_json_raw_member("{\"\\u0061\":1}", 12, "a", &v, &len), -1);
    MC_CHECK_EQ(mc_json_raw_member("[1]", 3, "a", &v, &len), -1);
    MC_CHECK_EQ(mc_json_skip_value("\"a\\\"\" ", 0, 6), 5);
    MC_CHECK_EQ(mc_json_skip_value("true,", 0, 5), 4);
    MC_CHECK_EQ(mc_json_skip_ws(" \t\r\nx", 0, 5), 4);
}

static void test_print(void)
{
    cJSON *o = cJSON_CreateObject();
    char buf[64];
    size_t len = 0, need;

    cJSON_AddStringToObject(o, "k", "v\"");
    cJSON_AddNumberToObject(o, "n", 1e3);
    MC_CHECK_EQ(mc_json_print(o, buf, sizeof(buf), &len), MC_OK);
    MC_CHECK_STR(buf, "{\"k\":\"v\\\"\",\"n\":1000}");
    MC_CHECK_EQ(len, strlen(buf));
    /* Too small: the capacity that does, which then does. */
    MC_CHECK_EQ(mc_json_print(o, buf, 10, &need), MC_EBUFSIZE);
    MC_CHECK_EQ(need, len + 1 + MC_JSON_PRINT_SLACK);
    MC_CHECK_EQ(mc_json_print(o, buf, need, &len), MC_OK);
    MC_CHECK_EQ(mc_json_print(NULL, buf, sizeof(buf), &len), MC_EINVAL);
    cJSON_Delete(o);
}

static void test_writer(void)
{
    char buf[64], small[8];
    mc_json_writer w;
    cJSON *v = cJSON_CreateNumber(12);

    mc_json_writer_init(&w, buf, sizeof(buf));
    mc_json_put_lit(&w, "{\"s\":");
    mc_json_put_str(&w, "a\"b\\c\x01\n\xc3\xa9", 9, 0);
    mc_json_put(&w, ",\"v\":", 5);
    mc_json_put_value(&w, v);
    mc_json_put(&w, "}", 1);
    MC_CHECK_EQ(mc_json_writer_status(&w), MC_OK);
    MC_CHECK(w.len == 36 && memcmp(buf, "{\"s\":\"a\\\"b\\\\c\\u0001\\u000a\xc3\xa9\",\"v\":12}", w.len) == 0);

    /* Cut on a character boundary, "..." added. */
    mc_json_writer_init(&w, buf, sizeof(buf));
    mc_json_put_str(&w, "ab\xc3\xa9", 4, 3);
    MC_CHECK(w.len == 7 && memcmp(buf, "\"ab...\"", 7) == 0);

    /* Overflow: nothing more is written, len counts what the whole text needs. */
    mc_json_writer_init(&w, small, sizeof(small));
    mc_json_put_lit(&w, "12345");
    mc_json_put_str(&w, "abc", 3, 0);
    mc_json_put_value(&w, v);
    MC_CHECK_EQ(mc_json_writer_status(&w), MC_EBUFSIZE);
    MC_CHECK_EQ(w.len, 12);
    MC_CHECK(memcmp(small, "12345", 5) == 0);
    cJSON_Delete(v);
}

int main(void)
{
    MC_RUN_TEST(test_check);
    MC_RUN_TEST(test_parse_and_get);
    MC_RUN_TEST(test_raw_member);
    MC_RUN_TEST(test_print);
    MC_RUN_TEST(test_writer);
    return mc_test_finish();
}
