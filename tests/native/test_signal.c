/* test_signal.c: the signaling protocol engine and the session registry, message by
 * message: the book's sequences, every bad input, disconnects, the opt-in extensions. */
#include "base/json.h"
#include <stdint.h>
#include <string.h>

#include "mc_test.h"
#include "signal/registry.h"
#include "signal/mc_signal.h"
#include "signal/username.h"

#define NCONN 8
#define NBOX 64

/* ---- a fake transport: every connection has an outbox of sent messages ---- */

typedef struct conn {
    char *box[NBOX];
    size_t head, count;
    int refuse;               /* send() fails */
    int close_code;           /* set by io.close */
    char close_reason[80];
} conn;

typedef struct world {
    conn conns[NCONN];
    mc_registry *reg;
    mc_signal *sig;
    mc_signal_session *s[NCONN];
    unsigned seed;
    int with_extra;
} world;

static int t_send(void *user, void *c, const char *text, size_t len)
{
    conn *k = c;
    char *copy;

    (void)user;
    if (k->refuse)
        return MC_ELIMIT;
    if (k->count == NBOX) {
        fprintf(stderr, "test outbox full\n");
        return MC_ELIMIT;
    }
    copy = malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    k->box[(k->head + k->count) % NBOX] = copy;
    k->count++;
    return MC_OK;
}

static void t_close(void *user, void *c, int code, const char *reason)
{
    conn *k = c;

    (void)user;
    k->close_code = code;
    snprintf(k->close_reason, sizeof(k->close_reason), "%s", reason);
}

static int t_random(void *user, uint8_t *buf, size_t len)
{
    world *w = user;
    size_t i;

    for (i = 0; i < len; i++)
        buf[i] = (uint8_t)mc_test_rand(&w->seed);
    return MC_OK;
}

static size_t t_extra(void *user, void *c, const char *name, size_t name_len, char *buf, size_t cap)
{
    world *w = user;
    int n;

    (void)c;
    if (!w->with_extra)
        return 0;
    n = snprintf(buf, cap, ",\"iceServers\":[{\"urls\":\"stun:example.org:3478\"}],\"len\":%zu", name_len);
    (void)name;
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

static void world_init(world *w, const mc_signal_config *cfg, int with_close)
{
    mc_signal_io io = { t_send, with_close ? t_close : NULL, t_random, t_extra };
    int i;

    memset(w, 0, sizeof(*w));
    w->seed = 2024;
    MC_CHECK_EQ(mc_registry_create_memory(NULL, &w->reg), MC_OK);
    MC_CHECK_EQ(mc_signal_create(cfg, w->reg, &io, w, &w->sig), MC_OK);
    for (i = 0; i < NCONN; i++)
        MC_CHECK_EQ(mc_signal_session_open(w->sig, &w->conns[i], &w->s[i]), MC_OK);
}

static void drain(world *w, int i)
{
    conn *k = &w->conns[i];

    while (k->count) {
        free(k->box[k->head]);
        k->head = (k->head + 1) % NBOX;
        k->count--;
    }
}

static void world_free(world *w)
{
    int i;

    for (i = 0; i < NCONN; i++)
        drain(w, i);
    mc_signal_destroy(w->sig);
    MC_CHECK_EQ(mc_registry_count(w->reg), 0);
    mc_registry_destroy(w->reg);
}

static int feed(world *w, int i, const char *text)
{
    return mc_signal_handle(w->sig, w->s[i], text, strlen(text));
}

/* Pop the oldest message sent to connection i, parsed (NULL when none). */
static cJSON *take(world *w, int i)
{
    conn *k = &w->conns[i];
    cJSON *j;

    if (k->count == 0)
        return NULL;
    j = cJSON_Parse(k->box[k->head]);
    if (j == NULL)
        fprintf(stderr, "not JSON: %s\n", k->box[k->head]);
    free(k->box[k->head]);
    k->head = (k->head + 1) % NBOX;
    k->count--;
    return j;
}

static const char *str(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int has(const cJSON *j, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(j, key) != NULL;
}

static int is_true(const cJSON *j, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, key));
}

/* Expect the next message to connection i to be {type:"error", code}; returns its message. */
#define EXPECT_ERROR(w, i, want_code)                                     \
    do {                                                                  \
        cJSON *e_ = take((w), (i));                                       \
        MC_CHECK(e_ != NULL);                                             \
        MC_CHECK_STR(str(e_, "type"), "error");                           \
        MC_CHECK_STR(str(e_, "code"), (want_code));                       \
        MC_CHECK(str(e_, "message") != NULL && str(e_, "message")[0]);    \
        cJSON_Delete(e_);                                                 \
    } while (0)

#define EXPECT_NOTHING(w, i) MC_CHECK_EQ((w)->conns[(i)].count, 0)

static void login_ok(world *w, int i, const char *name)
{
    char msg[256];
    cJSON *r;

    snprintf(msg, sizeof(msg), "{\"type\":\"login\",\"name\":\"%s\"}", name);
    MC_CHECK_EQ(feed(w, i, msg), MC_OK);
    r = take(w, i);
    MC_CHECK_STR(str(r, "type"), "login");
    MC_CHECK(is_true(r, "success"));
    cJSON_Delete(r);
    MC_CHECK_STR(mc_signal_session_name(w->s[i]), name);
}

/* ---- the registry ---- */

static void test_registry(void)
{
    mc_registry *r = NULL;
    mc_registry_memory_config cfg;
    int a, b, c[5000];
    char name[32];
    int i;

    mc_registry_memory_config_default(&cfg);
    cfg.initial_buckets = 3;
    MC_CHECK_EQ(mc_registry_create_memory(&cfg, &r), MC_OK);
    MC_CHECK_EQ(mc_registry_claim(r, "alice", 5, &a), MC_OK);
    MC_CHECK_EQ(mc_registry_claim(r, "alice", 5, &b), MC_ESTATE);
    MC_CHECK_EQ(mc_registry_claim(r, "alice", 5, &a), MC_ESTATE);
    MC_CHECK_EQ(mc_registry_claim(r, "Alice", 5, &b), MC_OK);      /* case-sensitive */
    MC_CHECK_EQ(mc_registry_claim(r, "ali", 3, &b), MC_OK);        /* lengths, not prefixes */
    MC_CHECK(mc_registry_find(r, "alice", 5) == &a);
    MC_CHECK(mc_registry_find(r, "alicex", 5) == &a);              /* len bytes only */
    MC_CHECK(mc_registry_find(r, "alic", 4) == NULL);
    MC_CHECK_EQ(mc_registry_count(r), 3);
    MC_CHECK_EQ(mc_registry_release(r, "alice", 5, &b), MC_ENAME); /* not b's */
    MC_CHECK_EQ(mc_registry_release(r, "alice", 5, &a), MC_OK);
    MC_CHECK_EQ(mc_registry_release(r, "alice", 5, &a), MC_ENAME);
    MC_CHECK(mc_registry_find(r, "alice", 5) == NULL);
    MC_CHECK_EQ(mc_registry_count(r), 2);

    /* Many names: the table grows and everything is still found. */
    for (i = 0; i < 5000; i++) {
        snprintf(name, sizeof(name), "user-%d", i);
        MC_CHECK_EQ(mc_registry_claim(r, name, strlen(name), &c[i]), MC_OK);
    }
    MC_CHECK_EQ(mc_registry_count(r), 5002);
    for (i = 0; i < 5000; i += 7) {
        snprintf(name, sizeof(name), "user-%d", i);
        if (mc_registry_find(r, name, strlen(name)) != &c[i])
            MC_CHECK(!"lost a name");
    }
    for (i = 0; i < 5000; i += 2) {
        snprintf(name, sizeof(name), "user-%d", i);
        MC_CHECK_EQ(mc_registry_release(r, name, strlen(name), &c[i]), MC_OK);
    }
    MC_CHECK_EQ(mc_registry_count(r), 2502);

    /* Bad arguments. */
    MC_CHECK_EQ(mc_registry_claim(r, "", 0, &a), MC_EINVAL);
    MC_CHECK_EQ(mc_registry_claim(r, NULL, 3, &a), MC_EINVAL);
    MC_CHECK_EQ(mc_registry_claim(r, "x", 1, NULL), MC_EINVAL);
    MC_CHECK_EQ(mc_registry_claim(NULL, "x", 1, &a), MC_EINVAL);
    MC_CHECK(mc_registry_find(NULL, "x", 1) == NULL);
    MC_CHECK_EQ(mc_registry_count(NULL), 0);
    MC_CHECK_EQ(mc_registry_create_memory(NULL, NULL), MC_EINVAL);
    {
        mc_registry *none = (mc_registry *)1;

        MC_CHECK_EQ(mc_registry_create(NULL, NULL, &none), MC_EINVAL);
        MC_CHECK(none == NULL);
    }
    mc_registry_destroy(r);     /* frees the remaining entries (checked by ASan) */
    mc_registry_destroy(NULL);
}

/* ---- the engine ---- */

static void test_config(void)
{
    mc_signal_config cfg;
    mc_signal_io io = { t_send, NULL, NULL, NULL };
    mc_registry *r;
    mc_signal *s = (mc_signal *)1;

    mc_signal_config_default(&cfg);
    MC_CHECK_EQ(cfg.max_message, 65536);
    MC_CHECK_EQ(cfg.max_name, 64);
    MC_CHECK_EQ(cfg.max_depth, 16);
    MC_CHECK_EQ(mc_registry_create_memory(NULL, &r), MC_OK);
    cfg.max_name = 0;
    MC_CHECK_EQ(mc_signal_create(&cfg, r, &io, NULL, &s), MC_EINVAL);
    MC_CHECK(s == NULL);
    mc_signal_config_default(&cfg);
    cfg.max_depth = 0;
    MC_CHECK_EQ(mc_signal_create(&cfg, r, &io, NULL, &s), MC_EINVAL);
    mc_signal_config_default(&cfg);
    cfg.max_message = 10;
    MC_CHECK_EQ(mc_signal_create(&cfg, r, &io, NULL, &s), MC_EINVAL);
    MC_CHECK_EQ(mc_signal_create(NULL, NULL, &io, NULL, &s), MC_EINVAL);
    MC_CHECK_EQ(mc_signal_create(NULL, r, NULL, NULL, &s), MC_EINVAL);
    io.send = NULL;
    MC_CHECK_EQ(mc_signal_create(NULL, r, &io, NULL, &s), MC_EINVAL);
    io.send = t_send;
    MC_CHECK_EQ(mc_signal_create(NULL, r, &io, NULL, &s), MC_OK);
    MC_CHECK_EQ(mc_signal_handle(s, NULL, "{}", 2), MC_EINVAL);
    MC_CHECK_EQ(mc_signal_session_open(s, NULL, NULL), MC_EINVAL);
    mc_signal_session_close(s, NULL);
    mc_signal_destroy(s);
    mc_signal_destroy(NULL);
    mc_registry_destroy(r);
    MC_CHECK(mc_signal_error_code(MC_SIGNAL_ERR_COUNT) == NULL);
    MC_CHECK_STR(mc_signal_error_code(MC_SIGNAL_ERR_UNKNOWN_USER), "unknown-user");
}

/* The book's wscat session (chapter 4), byte for byte, and what each side receives. */
static void test_book_sequence(void)
{
    world w;
    cJSON *m;
    mc_signal_stats st;

    world_init(&w, NULL, 1);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\": \"login\", \"name\": \"UserA\"}"), MC_OK);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "login");
    MC_CHECK(is_true(m, "success"));
    MC_CHECK_STR(str(m, "name"), "UserA");
    MC_CHECK(str(m, "token") != NULL && strlen(str(m, "token")) == 32);
    cJSON_Delete(m);
    login_ok(&w, 1, "UserB");

    MC_CHECK_EQ(feed(&w, 0, "{\"type\": \"offer\", \"name\": \"UserB\", \"offer\": \"hello\"}"), MC_OK);
    EXPECT_NOTHING(&w, 0);                 /* no ack without an id */
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "offer");
    MC_CHECK_STR(str(m, "offer"), "hello");
    MC_CHECK_STR(str(m, "name"), "UserA");
    MC_CHECK_STR(str(m, "from"), "UserA");
    cJSON_Delete(m);
    MC_CHECK_STR(mc_signal_session_peer(w.s[0]), "UserB");

    MC_CHECK_EQ(feed(&w, 1, "{\"type\": \"answer\", \"name\": \"UserA\", \"answer\": \"hello to you too!\"}"), MC_OK);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "answer");
    MC_CHECK_STR(str(m, "answer"), "hello to you too!");
    MC_CHECK_STR(str(m, "from"), "UserB");
    MC_CHECK(!has(m, "name"));
    cJSON_Delete(m);
    MC_CHECK_STR(mc_signal_session_peer(w.s[1]), "UserA");

    /* The book's own test has UserA send the candidate to "userA" (lower case). The book's
     * server compared names exactly and dropped it silently (nobody has that name); names
     * are compared by key here (username.h), so "userA" is UserA itself: we say so. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\": \"candidate\", \"name\": \"userA\", \"candidate\": \"test\"}"), MC_ENAME);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "error");
    MC_CHECK_STR(str(m, "code"), "self");
    MC_CHECK_STR(str(m, "name"), "userA");
    cJSON_Delete(m);

    MC_CHECK_EQ(feed(&w, 0, "{\"type\": \"candidate\", \"name\": \"UserB\", \"candidate\": \"test\"}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "candidate");
    MC_CHECK_STR(str(m, "candidate"), "test");
    MC_CHECK_STR(str(m, "from"), "UserA");
    cJSON_Delete(m);

    /* Hang up: the book's client sends leave with the peer's name. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\",\"name\":\"UserB\"}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "leave");
    MC_CHECK_STR(str(m, "from"), "UserA");
    cJSON_Delete(m);
    EXPECT_NOTHING(&w, 0);
    MC_CHECK(mc_signal_session_peer(w.s[0]) == NULL);
    MC_CHECK(mc_signal_session_peer(w.s[1]) == NULL);

    /* And they can call again. */
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"offer\",\"name\":\"UserA\",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}}"), MC_OK);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "offer");
    MC_CHECK_STR(str(cJSON_GetObjectItemCaseSensitive(m, "offer"), "sdp"), "v=0\r\n");
    MC_CHECK_STR(str(m, "name"), "UserB");
    cJSON_Delete(m);

    mc_signal_get_stats(w.sig, &st);
    MC_CHECK_EQ(st.sessions, NCONN);
    MC_CHECK_EQ(st.users, 2);
    MC_CHECK_EQ(st.logins, 2);
    MC_CHECK_EQ(st.relayed, 5);
    MC_CHECK_EQ(st.errors[MC_SIGNAL_ERR_SELF], 1);
    MC_CHECK_EQ(st.messages, 8);
    world_free(&w);
}

static void test_login_rules(void)
{
    world w;
    cJSON *m;
    char msg[256], name[80];

    world_init(&w, NULL, 1);
    login_ok(&w, 0, "alice");

    /* Taken. */
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"login\",\"name\":\"alice\"}"), MC_ESTATE);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "login");
    MC_CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m, "success")));
    MC_CHECK_STR(str(m, "code"), "name-taken");
    MC_CHECK(str(m, "reason") != NULL);
    cJSON_Delete(m);
    MC_CHECK(mc_signal_session_name(w.s[1]) == NULL);

    /* Already logged in (same or another name). */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"login\",\"name\":\"alice\"}"), MC_ESTATE);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "code"), "already-logged-in");
    cJSON_Delete(m);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"login\",\"name\":\"alice2\"}"), MC_ESTATE);
    cJSON_Delete(take(&w, 0));
    MC_CHECK(mc_registry_find(w.reg, "alice2", 6) == NULL);

    /* Invalid names: each gets success:false, code invalid-name. */
    {
        static const char *const bad[] = {
            "{\"type\":\"login\",\"name\":\"\"}",
            "{\"type\":\"login\"}",
            "{\"type\":\"login\",\"name\":null}",
            "{\"type\":\"login\",\"name\":42}",
            "{\"type\":\"login\",\"name\":[\"x\"]}",
            "{\"type\":\"login\",\"name\":\"tab\\there\"}",
            "{\"type\":\"login\",\"name\":\"del\\u007f\"}",
            "{\"type\":\"login\",\"Name\":\"bob\"}",
        };
        size_t i;

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            MC_CHECK_EQ(feed(&w, 2, bad[i]), MC_ENAME);
            m = take(&w, 2);
            MC_CHECK_STR(str(m, "type"), "login");
            MC_CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m, "success")));
            MC_CHECK_STR(str(m, "code"), "invalid-name");
            cJSON_Delete(m);
        }
    }

    /* Length: 64 bytes is fine, 65 is not (bytes, not characters). */
    memset(name, 'n', 65);
    name[65] = '\0';
    snprintf(msg, sizeof(msg), "{\"type\":\"login\",\"name\":\"%s\"}", name);
    MC_CHECK_EQ(feed(&w, 2, msg), MC_ENAME);
    m = take(&w, 2);
    MC_CHECK_STR(str(m, "code"), "invalid-name");
    MC_CHECK(strstr(str(m, "reason"), "64") != NULL);
    cJSON_Delete(m);
    name[64] = '\0';
    login_ok(&w, 2, name);

    /* Non-ASCII names, raw or escaped, and JSON-special characters. */
    login_ok(&w, 3, "Jos\xc3\xa9 \xf0\x9f\x98\x80");
    MC_CHECK_EQ(feed(&w, 4, "{\"type\":\"login\",\"name\":\"quote\\\"back\\\\slash\"}"), MC_OK);
    m = take(&w, 4);
    MC_CHECK_STR(str(m, "name"), "quote\"back\\slash");
    cJSON_Delete(m);
    MC_CHECK_EQ(feed(&w, 5, "{\"type\":\"login\",\"name\":\"\\u00e9t\\u00e9\"}"), MC_OK);
    cJSON_Delete(take(&w, 5));
    MC_CHECK_STR(mc_signal_session_name(w.s[5]), "\xc3\xa9t\xc3\xa9");

    /* A closed session frees its name. */
    mc_signal_session_close(w.sig, w.s[0]);
    MC_CHECK_EQ(mc_signal_session_open(w.sig, &w.conns[0], &w.s[0]), MC_OK);
    login_ok(&w, 1, "alice");
    world_free(&w);
}

static void test_relay_errors(void)
{
    world w;
    cJSON *m;

    world_init(&w, NULL, 1);

    /* Before login. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"bob\",\"offer\":{}}"), MC_ESTATE);
    EXPECT_ERROR(&w, 0, "not-logged-in");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\"bob\",\"candidate\":{}}"), MC_ESTATE);
    EXPECT_ERROR(&w, 0, "not-logged-in");

    login_ok(&w, 0, "alice");
    login_ok(&w, 1, "bob");

    /* Unknown users, for every relayed type. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"carol\",\"offer\":{}}"), MC_ENAME);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "code"), "unknown-user");
    MC_CHECK_STR(str(m, "name"), "carol");
    MC_CHECK(strstr(str(m, "message"), "carol") != NULL);
    cJSON_Delete(m);
    MC_CHECK(mc_signal_session_peer(w.s[0]) == NULL);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"answer\",\"name\":\"carol\",\"answer\":{}}"), MC_ENAME);
    EXPECT_ERROR(&w, 0, "unknown-user");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\"carol\",\"candidate\":{}}"), MC_ENAME);
    EXPECT_ERROR(&w, 0, "unknown-user");
    EXPECT_NOTHING(&w, 1);

    /* Missing or mistyped fields. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"offer\":{}}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":7,\"offer\":{}}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"bob\"}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"answer\",\"name\":\"bob\",\"offer\":{}}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\",\"name\":{}}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    EXPECT_NOTHING(&w, 1);

    /* To oneself. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"alice\",\"offer\":{}}"), MC_ENAME);
    EXPECT_ERROR(&w, 0, "self");

    /* Any JSON value is a payload, null included. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\"bob\",\"candidate\":null}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, "candidate")));
    cJSON_Delete(m);

    /* The recipient's transport refuses: the sender hears about it. */
    w.conns[1].refuse = 1;
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\"bob\",\"candidate\":{}}"), MC_ESTATE);
    EXPECT_ERROR(&w, 0, "undeliverable");
    w.conns[1].refuse = 0;

    /* The session is still fine. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"bob\",\"offer\":1}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "offer");
    cJSON_Delete(m);
    world_free(&w);
}

static void test_bad_messages(void)
{
    static const char *const not_json[] = {
        "hello", "{", "}", "[1,2]", "null", "\"text\"", "42", "true",
        "{\"type\":\"login\"} x", "{\"type\":\"login\",}", "{'type':'login'}",
        "{\"type\":\"lo\ngin\"}", "{\"a\":\"\\u0000\"}", "{\"type\":\"login\",\"name\":\"a\\u0000b\"}",
        "{\"a\":\"\\", " ", "{\"a\":1}\x01",
    };
    world w;
    cJSON *m;
    size_t i;
    mc_signal_stats st;

    world_init(&w, NULL, 1);
    login_ok(&w, 0, "alice");
    login_ok(&w, 1, "bob");

    for (i = 0; i < sizeof(not_json) / sizeof(not_json[0]); i++) {
        int rc = feed(&w, 0, not_json[i]);

        if (rc != MC_EFORMAT)
            fprintf(stderr, "input %zu: %s\n", i, not_json[i]);
        MC_CHECK_EQ(rc, MC_EFORMAT);
        EXPECT_ERROR(&w, 0, "bad-json");
    }
    MC_CHECK_EQ(mc_signal_handle(w.sig, w.s[0], "", 0), MC_EFORMAT);
    EXPECT_ERROR(&w, 0, "bad-json");
    /* Embedded NUL byte. */
    MC_CHECK_EQ(mc_signal_handle(w.sig, w.s[0], "{\"type\":\"x\0\"}", 13), MC_EFORMAT);
    EXPECT_ERROR(&w, 0, "bad-json");

    /* An escaped backslash before "u0000" is just text. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\"bob\",\"candidate\":\"\\\\u0000\"}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "candidate"), "\\u0000");
    cJSON_Delete(m);

    /* Not UTF-8. */
    {
        static const char *const bad_utf8[] = {
            "{\"type\":\"\xff\"}", "{\"type\":\"\xc0\xaf\"}", "{\"type\":\"\xed\xa0\x80\"}",
            "{\"type\":\"\xe2\x82\"}", "{\"type\":\"\xf4\x90\x80\x80\"}", "{\"a\":\"\x80\"}",
        };
        for (i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
            MC_CHECK_EQ(feed(&w, 0, bad_utf8[i]), MC_EFORMAT);
            EXPECT_ERROR(&w, 0, "bad-utf8");
        }
    }

    /* Unknown, missing and mistyped types; keys are case-sensitive. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"dance\"}"), MC_EPROTOCOL);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "code"), "unknown-type");
    MC_CHECK_STR(str(m, "message"), "Unrecognized command: dance");
    cJSON_Delete(m);
    MC_CHECK_EQ(feed(&w, 0, "{\"name\":\"bob\"}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":5}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    MC_CHECK_EQ(feed(&w, 0, "{\"Type\":\"login\",\"name\":\"x\"}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"LOGIN\",\"name\":\"x\"}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "unknown-type");
    /* A long type is cut in the error text, at a character boundary. */
    {
        char msg[400];
        const char *text;

        strcpy(msg, "{\"type\":\"");
        for (i = 0; i < 100; i++)
            strcat(msg, "\xc3\xa9");
        strcat(msg, "\"}");
        MC_CHECK_EQ(feed(&w, 0, msg), MC_EPROTOCOL);
        m = take(&w, 0);
        text = str(m, "message");
        MC_CHECK(text != NULL && strlen(text) < 100);
        cJSON_Delete(m);
    }
    /* Control characters from escapes come back escaped, so the reply is valid JSON. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"a\\u0001\\\"b\"}"), MC_EPROTOCOL);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "message"), "Unrecognized command: a\x01\"b");
    cJSON_Delete(m);

    /* After all that the session still works, and bob heard nothing. */
    EXPECT_NOTHING(&w, 1);
    MC_CHECK_EQ(feed(&w, 0, "  {\"type\":\"offer\",\"name\":\"bob\",\"offer\":\"o\"}\r\n"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "offer"), "o");
    cJSON_Delete(m);

    mc_signal_get_stats(w.sig, &st);
    MC_CHECK(st.errors[MC_SIGNAL_ERR_JSON] >= 18);
    MC_CHECK_EQ(st.errors[MC_SIGNAL_ERR_UTF8], 6);
    world_free(&w);
}

static void test_limits(void)
{
    mc_signal_config cfg;
    world w;
    char *big;
    cJSON *m;
    size_t n, prefix;
    int i;

    mc_signal_config_default(&cfg);
    cfg.max_message = 1000;
    cfg.max_depth = 4;
    cfg.max_name = 8;
    world_init(&w, &cfg, 1);
    login_ok(&w, 0, "12345678");
    login_ok(&w, 1, "b");

    /* Depth 4 passes (the message object counts), 5 does not. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\"b\",\"candidate\":{\"a\":[{}]}}"), MC_OK);
    cJSON_Delete(take(&w, 1));
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\"b\",\"candidate\":{\"a\":[{\"b\":[]}]}}"), MC_ELIMIT);
    EXPECT_ERROR(&w, 0, "too-deep");
    /* Brackets inside strings do not count. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\"b\",\"candidate\":\"[[[[[[{{{{\"}"), MC_OK);
    cJSON_Delete(take(&w, 1));

    /* Size: exactly max_message is handled, one more byte is rejected unparsed. */
    big = malloc(1002);
    n = prefix = (size_t)snprintf(big, 1002, "{\"type\":\"candidate\",\"name\":\"b\",\"candidate\":\"");
    while (n < 998)
        big[n++] = 'x';
    big[n++] = '"';
    big[n++] = '}';
    big[n] = '\0';
    MC_CHECK_EQ(n, 1000);
    MC_CHECK_EQ(mc_signal_handle(w.sig, w.s[0], big, n), MC_OK);
    m = take(&w, 1);
    MC_CHECK_EQ(strlen(str(m, "candidate")), 998 - prefix);
    cJSON_Delete(m);
    memmove(big + 1, big, n + 1);
    big[0] = ' ';
    MC_CHECK_EQ(mc_signal_handle(w.sig, w.s[0], big, n + 1), MC_ELIMIT);
    EXPECT_ERROR(&w, 0, "too-large");
    free(big);

    /* Numbers that cJSON re-encodes longer (1E9 -> 1000000000) still fit the output. */
    {
        char msg[1001];

        n = (size_t)snprintf(msg, sizeof(msg), "{\"type\":\"candidate\",\"name\":\"b\",\"candidate\":[");
        for (i = 0; n + 5 < 999; i++) {
            memcpy(msg + n, "9E9,", 4);
            n += 4;
        }
        msg[n - 1] = ']';
        msg[n++] = '}';
        msg[n] = '\0';
        MC_CHECK_EQ(feed(&w, 0, msg), MC_OK);
        m = take(&w, 1);
        MC_CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(m, "candidate")) == i);
        cJSON_Delete(m);
    }

    /* Name limit from the config. */
    MC_CHECK_EQ(feed(&w, 2, "{\"type\":\"login\",\"name\":\"123456789\"}"), MC_ENAME);
    cJSON_Delete(take(&w, 2));
    world_free(&w);
}

static void test_leave_rules(void)
{
    world w;
    cJSON *m;

    world_init(&w, NULL, 1);
    /* Not logged in, not in a call, unknown names: harmless, nothing sent. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\"}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\",\"name\":\"nobody\"}"), MC_OK);
    EXPECT_NOTHING(&w, 0);
    login_ok(&w, 0, "a");
    login_ok(&w, 1, "b");
    login_ok(&w, 2, "c");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\"}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\",\"name\":\"nobody\"}"), MC_OK);
    /* A stray leave to someone a is not in a call with does not reach them. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\",\"name\":\"b\"}"), MC_OK);
    EXPECT_NOTHING(&w, 0);
    EXPECT_NOTHING(&w, 1);

    /* b and c in a call; a's stray leave to c does not end it. */
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"offer\",\"name\":\"c\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 2, "{\"type\":\"answer\",\"name\":\"b\",\"answer\":{}}"), MC_OK);
    drain(&w, 1);
    drain(&w, 2);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\",\"name\":\"c\"}"), MC_OK);
    EXPECT_NOTHING(&w, 2);
    MC_CHECK_STR(mc_signal_session_peer(w.s[2]), "b");

    /* leave without a name goes to the current peer. */
    MC_CHECK_EQ(feed(&w, 2, "{\"type\":\"leave\"}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "leave");
    MC_CHECK_STR(str(m, "from"), "c");
    cJSON_Delete(m);
    MC_CHECK(mc_signal_session_peer(w.s[1]) == NULL);
    MC_CHECK(mc_signal_session_peer(w.s[2]) == NULL);

    /* The callee can refuse before answering: the caller is waiting for its answer. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{}}"), MC_OK);
    drain(&w, 1);
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"leave\",\"name\":\"a\"}"), MC_OK);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "leave");
    cJSON_Delete(m);
    MC_CHECK(mc_signal_session_peer(w.s[0]) == NULL);
    world_free(&w);
}

static void test_disconnects(void)
{
    world w;
    cJSON *m;
    mc_signal_stats st;

    world_init(&w, NULL, 1);
    login_ok(&w, 0, "a");
    login_ok(&w, 1, "b");
    login_ok(&w, 2, "c");
    login_ok(&w, 3, "d");

    /* a calls b, b answers; a drops: b gets leave from a, a's name is free. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"answer\",\"name\":\"a\",\"answer\":{}}"), MC_OK);
    drain(&w, 0);
    drain(&w, 1);
    mc_signal_session_close(w.sig, w.s[0]);
    w.s[0] = NULL;
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "leave");
    MC_CHECK_STR(str(m, "from"), "a");
    cJSON_Delete(m);
    MC_CHECK(mc_signal_session_peer(w.s[1]) == NULL);
    MC_CHECK(mc_registry_find(w.reg, "a", 1) == NULL);

    /* The caller drops before the callee answers: the callee, in no call, is told (the
     * offer is cancelled). */
    MC_CHECK_EQ(feed(&w, 2, "{\"type\":\"offer\",\"name\":\"d\",\"offer\":{}}"), MC_OK);
    drain(&w, 3);
    mc_signal_session_close(w.sig, w.s[2]);
    w.s[2] = NULL;
    m = take(&w, 3);
    MC_CHECK_STR(str(m, "type"), "leave");
    MC_CHECK_STR(str(m, "from"), "c");
    cJSON_Delete(m);

    /* b offers d, but d is now in a call with someone else: b's disconnect leaves it be. */
    MC_CHECK_EQ(mc_signal_session_open(w.sig, &w.conns[0], &w.s[0]), MC_OK);
    login_ok(&w, 0, "e");
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"offer\",\"name\":\"d\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"offer\",\"name\":\"e\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"answer\",\"name\":\"d\",\"answer\":{}}"), MC_OK);
    drain(&w, 0);
    drain(&w, 3);
    mc_signal_session_close(w.sig, w.s[1]);
    w.s[1] = NULL;
    EXPECT_NOTHING(&w, 3);

    /* A session that never logged in closes silently. */
    mc_signal_session_close(w.sig, w.s[5]);
    w.s[5] = NULL;

    mc_signal_get_stats(w.sig, &st);
    MC_CHECK_EQ(st.sessions, NCONN - 3);
    MC_CHECK_EQ(st.users, 2);
    world_free(&w);
}

static void test_ids_and_acks(void)
{
    world w;
    cJSON *m;

    world_init(&w, NULL, 1);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"login\",\"name\":\"a\",\"id\":1}"), MC_OK);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "login");
    MC_CHECK_EQ(cJSON_GetObjectItemCaseSensitive(m, "id")->valuedouble, 1);
    cJSON_Delete(m);
    login_ok(&w, 1, "b");

    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{},\"id\":\"q-7\"}"), MC_OK);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "ack");
    MC_CHECK_STR(str(m, "id"), "q-7");
    MC_CHECK_STR(str(m, "to"), "b");          /* the recipient's name as it logged in */
    cJSON_Delete(m);
    m = take(&w, 1);
    MC_CHECK(!has(m, "id"));               /* ids stay between a client and the server */
    cJSON_Delete(m);

    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"zed\",\"offer\":{},\"id\":9007199254740992}"), MC_ENAME);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "error");
    MC_CHECK_EQ(cJSON_GetObjectItemCaseSensitive(m, "id")->valuedouble, 9007199254740992.0);
    cJSON_Delete(m);
    EXPECT_NOTHING(&w, 0);

    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\",\"id\":-3}"), MC_OK);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "ack");
    MC_CHECK(!has(m, "to"));
    cJSON_Delete(m);
    drain(&w, 1);

    /* Bad ids are rejected before anything happens. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{},\"id\":{}}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{},\"id\":1.5}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{},\"id\":1e300}"), MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{},"
                            "\"id\":\"12345678901234567890123456789012345678901234567890123456789012345\"}"),
                MC_EPROTOCOL);
    EXPECT_ERROR(&w, 0, "bad-field");
    EXPECT_NOTHING(&w, 1);
    world_free(&w);
}

static void test_takeover(void)
{
    world w;
    cJSON *m;
    char token[40], msg[160];

    /* Without io.close there is no takeover. */
    world_init(&w, NULL, 0);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"login\",\"name\":\"a\"}"), MC_OK);
    m = take(&w, 0);
    snprintf(token, sizeof(token), "%s", str(m, "token"));
    cJSON_Delete(m);
    snprintf(msg, sizeof(msg), "{\"type\":\"login\",\"name\":\"a\",\"token\":\"%s\"}", token);
    MC_CHECK_EQ(feed(&w, 1, msg), MC_ESTATE);
    cJSON_Delete(take(&w, 1));
    world_free(&w);

    world_init(&w, NULL, 1);
    w.with_extra = 1;
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"login\",\"name\":\"a\"}"), MC_OK);
    m = take(&w, 0);
    snprintf(token, sizeof(token), "%s", str(m, "token"));
    /* login_extra members are in the reply. */
    MC_CHECK(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(m, "iceServers")));
    MC_CHECK_EQ(cJSON_GetObjectItemCaseSensitive(m, "len")->valuedouble, 1);
    cJSON_Delete(m);
    login_ok(&w, 1, "b");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"answer\",\"name\":\"a\",\"answer\":{}}"), MC_OK);
    drain(&w, 0);
    drain(&w, 1);

    /* A wrong token, or none: taken. */
    MC_CHECK_EQ(feed(&w, 2, "{\"type\":\"login\",\"name\":\"a\",\"token\":\"00000000000000000000000000000000\"}"), MC_ESTATE);
    cJSON_Delete(take(&w, 2));
    MC_CHECK_EQ(feed(&w, 2, "{\"type\":\"login\",\"name\":\"a\",\"token\":7}"), MC_ESTATE);
    cJSON_Delete(take(&w, 2));
    MC_CHECK_EQ(w.conns[0].close_code, 0);

    /* The right token: the name and the call move, the old connection is closed. */
    snprintf(msg, sizeof(msg), "{\"type\":\"login\",\"name\":\"a\",\"token\":\"%s\"}", token);
    MC_CHECK_EQ(feed(&w, 2, msg), MC_OK);
    m = take(&w, 2);
    MC_CHECK(is_true(m, "success"));
    MC_CHECK(strcmp(str(m, "token"), token) != 0);   /* a fresh token */
    cJSON_Delete(m);
    MC_CHECK_EQ(w.conns[0].close_code, 4001);
    MC_CHECK(mc_signal_session_name(w.s[0]) == NULL);
    MC_CHECK(mc_registry_find(w.reg, "a", 1) == w.s[2]);
    MC_CHECK_STR(mc_signal_session_peer(w.s[2]), "b");
    EXPECT_NOTHING(&w, 1);                 /* b's call goes on */

    /* The old connection's close tells nobody anything. */
    mc_signal_session_close(w.sig, w.s[0]);
    w.s[0] = NULL;
    EXPECT_NOTHING(&w, 1);

    /* The old token is spent. */
    MC_CHECK_EQ(feed(&w, 3, msg), MC_ESTATE);
    cJSON_Delete(take(&w, 3));
    world_free(&w);
}

static void test_reject(void)
{
    world w;
    mc_signal_stats st;

    world_init(&w, NULL, 1);
    mc_signal_reject(w.sig, w.s[0], MC_SIGNAL_ERR_RATE, "slow down");
    EXPECT_ERROR(&w, 0, "rate-limited");
    mc_signal_reject(w.sig, w.s[0], MC_SIGNAL_ERR_TOO_LARGE, NULL);
    EXPECT_ERROR(&w, 0, "too-large");
    mc_signal_reject(w.sig, w.s[0], MC_SIGNAL_ERR_COUNT, NULL);
    EXPECT_NOTHING(&w, 0);
    mc_signal_get_stats(w.sig, &st);
    MC_CHECK_EQ(st.errors[MC_SIGNAL_ERR_RATE], 1);
    MC_CHECK_EQ(st.errors[MC_SIGNAL_ERR_TOO_LARGE], 1);
    world_free(&w);
}

/* docs/protocol.md: O, A and C are relayed "byte for byte as the sender wrote them", with
 * the sender's name added as `from` (and as `name` on an offer). The senders here write
 * their payloads and envelopes the way no re-serialiser would: spaces and newlines inside,
 * escapes cJSON decodes (\u00e9, \/, a surrogate pair), numbers it would rewrite (2E+1,
 * 1.50, -0), keys in odd order with the payload first. The relayed text must hold the
 * payload's exact bytes as the member's value, and nothing but type, the payload, `from`
 * (and `name`). */
static void check_relayed_bytes(const char *relayed, const char *type, const char *payload)
{
    char key[32];
    const char *at;
    size_t plen = strlen(payload), n = 0;
    cJSON *m = cJSON_Parse(relayed), *item, *want = cJSON_Parse(payload);

    snprintf(key, sizeof(key), "\"%s\":", type);
    at = strstr(relayed, key);
    MC_CHECK(at != NULL);
    if (at != NULL) {
        at += strlen(key);
        MC_CHECK(strncmp(at, payload, plen) == 0 && (at[plen] == ',' || at[plen] == '}'));
    }
    if (at == NULL || strncmp(at, payload, plen) != 0)
        fprintf(stderr, "sent %s\nrelayed %s\n", payload, relayed);
    MC_CHECK(m != NULL);
    MC_CHECK_STR(str(m, "type"), type);
    MC_CHECK_STR(str(m, "from"), "a");
    if (strcmp(type, "offer") == 0)
        MC_CHECK_STR(str(m, "name"), "a");
    MC_CHECK(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(m, type), want, 1));
    cJSON_ArrayForEach(item, m)
        n++;
    MC_CHECK_EQ(n, strcmp(type, "offer") == 0 ? 4 : 3);
    cJSON_Delete(want);
    cJSON_Delete(m);
}

static void test_payload_bytes(void)
{
    static const char *const payloads[] = {
        "{ \"type\" : \"offer\" ,\n\t\"sdp\":\"v=0\\r\\no=- 46117 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\n\" }",
        "{\"sdp\":\"caf\\u00e9 \\/ \\ud83d\\ude00 \\\"q\\\" \\t\",\"type\":\"answer\"}",
        ("{\"sdpMLineIndex\":0E0,\"candidate\":\"candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\","
         "\"sdpMid\" : \"0\",\"usernameFragment\":null,\"x\":[ 2E+1 , 1.50,-0 ,{ }]}"),
        "\"hello\"",
        "[ true ,null , \"\xe4\xbd\xa0\xe5\xa5\xbd\" ]",
        "-12.5e-3",
    };
    static const char *const types[] = { "offer", "answer", "candidate" };
    world w;
    conn *b;
    char msg[1024];
    size_t t, p;

    world_init(&w, NULL, 1);
    login_ok(&w, 0, "a");
    login_ok(&w, 1, "b");
    b = &w.conns[1];
    for (t = 0; t < 3; t++) {
        for (p = 0; p < sizeof(payloads) / sizeof(payloads[0]); p++) {
            /* The payload first, the type last, spaces around colons and commas. */
            snprintf(msg, sizeof(msg), " {  \"%s\" :\n %s , \"name\" : \"b\" ,\"id\": 7, \"type\" : \"%s\" } ",
                     types[t], payloads[p], types[t]);
            MC_CHECK_EQ(feed(&w, 0, msg), MC_OK);
            MC_CHECK_EQ(b->count, 1);
            if (b->count == 1)
                check_relayed_bytes(b->box[b->head], types[t], payloads[p]);
            drain(&w, 0);
            drain(&w, 1);
        }
    }
    world_free(&w);
}

/* Payloads are relayed as the sender wrote them, byte for byte; when a top-level key is
 * written with escapes the engine falls back to cJSON's encoding of the same value. */
static void test_payload_raw(void)
{
    world w;
    conn *b;
    const char *text;

    world_init(&w, NULL, 1);
    login_ok(&w, 0, "a");
    login_ok(&w, 1, "b");
    b = &w.conns[1];
    MC_CHECK_EQ(feed(&w, 0, " { \"type\" : \"candidate\" , \"name\":\"b\", "
                            "\"candidate\" :  {\"x\": 1E3 , \"y\":\"\\u00e9\\\"}\"} , \"z\":[1,{\"a\":\"}\"}]} "), MC_OK);
    text = b->box[b->head];
    MC_CHECK(strstr(text, "\"candidate\":{\"x\": 1E3 , \"y\":\"\\u00e9\\\"}\"}") != NULL);
    if (strstr(text, "1E3") == NULL)
        fprintf(stderr, "relayed: %s\n", text);
    drain(&w, 1);

    /* Strings, numbers, literals, arrays as payloads; duplicate keys take the first. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\"b\",\"candidate\":-0.50e+2}"), MC_OK);
    MC_CHECK(strstr(b->box[b->head], "\"candidate\":-0.50e+2,") != NULL);
    drain(&w, 1);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"offer\":[ true ,null],\"name\":\"b\",\"offer\":2}"), MC_OK);
    MC_CHECK(strstr(b->box[b->head], "\"offer\":[ true ,null],") != NULL);
    drain(&w, 1);

    /* An escaped key: the value still arrives, re-encoded by cJSON. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"answer\",\"name\":\"b\",\"\\u0061nswer\":{ \"k\" : 1E3 }}"), MC_OK);
    MC_CHECK(strstr(b->box[b->head], "\"answer\":{\"k\":1000}") != NULL);
    drain(&w, 1);
    world_free(&w);
}

/* ---- user names: keys (username.h) ---- */

static void test_username_key(void)
{
    char key[64];
    size_t n;

    MC_CHECK_EQ(mc_username_key("Alice", 5, key, sizeof(key), &n), MC_OK);
    MC_CHECK_STR(key, "alice");
    MC_CHECK_EQ(n, 5);
    /* Spaces: trimmed, collapsed, every kind mapped to U+0020. */
    MC_CHECK_EQ(mc_username_key("  A \xc2\xa0 B ", 9, key, sizeof(key), &n), MC_OK);
    MC_CHECK_STR(key, "a b");
    /* Fullwidth, halfwidth (katakana HA + sound mark: composed by NFC). */
    MC_CHECK_EQ(mc_username_key("\xef\xbc\xa1\xef\xbd\x82", 6, key, sizeof(key), &n), MC_OK);
    MC_CHECK_STR(key, "ab");
    MC_CHECK_EQ(mc_username_key("\xef\xbe\x8a\xef\xbe\x9f", 6, key, sizeof(key), &n), MC_OK);
    MC_CHECK_STR(key, "\xe3\x83\x91");
    /* Refused: the offset of the first refused code point, or len for "empty". */
    MC_CHECK_EQ(mc_username_key("ab\xe2\x80\x8b" "c", 6, key, sizeof(key), &n), MC_ENAME);
    MC_CHECK_EQ(n, 2);
    MC_CHECK_EQ(mc_username_key("\t", 1, key, sizeof(key), &n), MC_ENAME);
    MC_CHECK_EQ(n, 0);
    MC_CHECK_EQ(mc_username_key("   ", 3, key, sizeof(key), &n), MC_ENAME);
    MC_CHECK_EQ(n, 3);
    MC_CHECK_EQ(mc_username_key("", 0, key, sizeof(key), &n), MC_ENAME);
    MC_CHECK_EQ(mc_username_key("a\xff", 2, key, sizeof(key), &n), MC_EFORMAT);
    MC_CHECK_EQ(n, 1);
    /* Too small a buffer says what it needs (ASCII and the full path alike). */
    MC_CHECK_EQ(mc_username_key("ALICE", 5, key, 5, &n), MC_EBUFSIZE);
    MC_CHECK_EQ(n, 6);
    MC_CHECK_EQ(mc_username_key("\xc3\x89T\xc3\x89", 5, key, 3, &n), MC_EBUFSIZE);
    MC_CHECK_EQ(n, 6);
    MC_CHECK_EQ(mc_username_key("\xc3\x89T\xc3\x89", 5, key, 6, &n), MC_OK);
    MC_CHECK_STR(key, "\xc3\xa9t\xc3\xa9");
    MC_CHECK_EQ(mc_username_key("x", 1, key, 0, &n), MC_EBUFSIZE);
    /* Bad arguments. */
    MC_CHECK_EQ(mc_username_key(NULL, 1, key, sizeof(key), &n), MC_EINVAL);
    MC_CHECK_EQ(mc_username_key("x", 1, NULL, sizeof(key), &n), MC_EINVAL);
    MC_CHECK_EQ(mc_username_key("x", 1, key, sizeof(key), NULL), MC_EINVAL);
}

enum { SAME, REFUSED, DISTINCT };

/* Log in `held` on session 0, then `other` on session 1: `other` must be name-taken
 * (SAME), invalid-name (REFUSED) or accepted (DISTINCT). */
static void check_pair(const char *held, const char *other, int want, const char *why)
{
    world w;
    char msg[256];
    cJSON *m;
    int rc, failures_before = mc_test_failures;

    world_init(&w, NULL, 1);
    login_ok(&w, 0, held);
    snprintf(msg, sizeof(msg), "{\"type\":\"login\",\"name\":\"%s\"}", other);
    rc = feed(&w, 1, msg);
    m = take(&w, 1);
    if (want == DISTINCT) {
        MC_CHECK_EQ(rc, MC_OK);
        MC_CHECK(is_true(m, "success"));
        MC_CHECK_STR(str(m, "name"), other);               /* the name as typed */
    } else {
        MC_CHECK_EQ(rc, want == SAME ? MC_ESTATE : MC_ENAME);
        MC_CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m, "success")));
        MC_CHECK_STR(str(m, "code"), want == SAME ? "name-taken" : "invalid-name");
    }
    if (mc_test_failures != failures_before)
        fprintf(stderr, "  pair \"%s\" / \"%s\" (%s): rc %d\n", held, other, why, rc);
    cJSON_Delete(m);
    world_free(&w);
}

/* Names that look alike are one user; invisible characters are refused (security issue,
 * item 8). With exact comparison every one of these logged in alongside the first. */
static void test_confusable_names(void)
{
    static const struct {
        const char *held, *other;
        int want;
        const char *why;
    } pairs[] = {
        { "alice", "ALICE", SAME, "case" },
        { "alice", "Alice", SAME, "case" },
        { "UserA", "usera", SAME, "case (the book's names)" },
        { "alice", "\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x89\xef\xbd\x83\xef\xbd\x85", SAME, "fullwidth" },
        { "ALICE", "\xef\xbc\xa1\xef\xbc\xac\xef\xbc\xa9\xef\xbc\xa3\xef\xbc\xa5", SAME, "fullwidth capitals" },
        { "\xe3\x83\x91", "\xef\xbe\x8a\xef\xbe\x9f", SAME, "halfwidth katakana + sound mark, NFC" },
        { "Jos\xc3\xa9", "Jose\xcc\x81", SAME, "NFC vs NFD" },
        { "jos\xc3\xa9", "JOS\xc3\x89", SAME, "case beyond ASCII" },
        { "Kate", "\xe2\x84\xaa" "ate", SAME, "KELVIN SIGN U+212A vs K" },
        { "\xc3\xa5ngstr\xc3\xb6m", "\xe2\x84\xab" "ngstr\xc3\xb6m", SAME, "ANGSTROM SIGN U+212B" },
        { "alice", "alice ", SAME, "trailing space" },
        { "alice", " alice", SAME, "leading space" },
        { "alice bob", "alice  bob", SAME, "two spaces" },
        { "alice bob", "alice\xc2\xa0" "bob", SAME, "NO-BREAK SPACE" },
        { "alice bob", "alice\xe3\x80\x80" "bob", SAME, "IDEOGRAPHIC SPACE (wide)" },
        { "alice", "al\xe2\x80\x8bice", REFUSED, "ZERO WIDTH SPACE inside" },
        { "alice", "alice\xe2\x80\x8b", REFUSED, "ZERO WIDTH SPACE after" },
        { "alice", "ali\xe2\x80\x8d" "ce", REFUSED, "ZERO WIDTH JOINER" },
        { "alice", "al\xe2\x80\x8cice", REFUSED, "ZERO WIDTH NON-JOINER" },
        { "alice", "\xef\xbb\xbf" "alice", REFUSED, "BOM U+FEFF" },
        { "alice", "ali\xc2\xad" "ce", REFUSED, "SOFT HYPHEN" },
        { "alice", "alice\xef\xb8\x8f", REFUSED, "VARIATION SELECTOR-16" },
        { "alice", "ali\xcd\x8f" "ce", REFUSED, "COMBINING GRAPHEME JOINER" },
        { "alice", "\xe2\x80\xae" "ecila", REFUSED, "RIGHT-TO-LEFT OVERRIDE" },
        { "alice", "alice\xc2\x85", REFUSED, "C1 control NEL" },
        { "alice", "alice\xe2\x80\xa8", REFUSED, "LINE SEPARATOR" },
        { "alice", "alice\xee\x80\x80", REFUSED, "private use U+E000" },
        { "alice", "alice\xcd\xb8", REFUSED, "unassigned U+0378" },
        { "alice", "alice\xef\xb7\x90", REFUSED, "noncharacter U+FDD0" },
        { "alice", "\xf0\x9d\x90\x9a\xf0\x9d\x90\xa5\xf0\x9d\x90\xa2\xf0\x9d\x90\x9c\xf0\x9d\x90\x9e",
          REFUSED, "MATHEMATICAL BOLD (<font>)" },
        { "alice", "   ", REFUSED, "empty once spaces are trimmed" },
        /* What RFC 8265 (toLowerCase, not case folding) keeps apart, section 3.5. */
        { "stra\xc3\x9f" "e", "strasse", DISTINCT, "sharp s vs ss: different (RFC 8265 ex. 2/3)" },
        { "stra\xc3\x9f" "e", "STRA\xe1\xba\x9e" "E", SAME, "CAPITAL SHARP S lowercases to sharp s" },
        { "\xce\xa3", "\xcf\x83", SAME, "capital sigma vs sigma (RFC 8265 ex. 5/6)" },
        { "\xcf\x83", "\xcf\x82", DISTINCT, "sigma vs final sigma (RFC 8265 ex. 6/7)" },
        { "\xce\xbf\xce\xb4\xce\xbf\xcf\x82", "\xce\x9f\xce\x94\xce\x9f\xce\xa3", SAME,
          "final capital sigma lowercases to final sigma (Final_Sigma)" },
        { "\xce\xbf\xce\xb4\xce\xbf\xcf\x83", "\xce\x9f\xce\x94\xce\x9f\xce\xa3", DISTINCT,
          "...so not to a medial sigma" },
        /* Turkish: language-independent lower case. I -> i; dotless i stays itself; capital
         * I with dot becomes i + COMBINING DOT ABOVE: three different names, all visible. */
        { "ilkay", "Ilkay", SAME, "I -> i" },
        { "ilkay", "\xc4\xb1lkay", DISTINCT, "dotless i stays dotless" },
        { "ilkay", "\xc4\xb0lkay", DISTINCT, "capital dotted I -> i + U+0307" },
        /* Out of scope: different letters of different scripts (Unicode TR 39). */
        { "alice", "alic\xd0\xb5", DISTINCT, "Cyrillic ie: a different letter" },
    };
    size_t i;

    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        check_pair(pairs[i].held, pairs[i].other, pairs[i].want, pairs[i].why);
}

/* Relays and leave find their recipient by key; replies carry names as typed. */
static void test_names_as_typed(void)
{
    world w;
    cJSON *m;

    world_init(&w, NULL, 1);
    login_ok(&w, 0, "Alice");
    login_ok(&w, 1, "Bob");
    MC_CHECK_STR(mc_signal_session_key(w.s[0]), "alice");
    MC_CHECK_EQ(mc_registry_find(w.reg, "alice", 5) == w.s[0], 1);
    MC_CHECK(mc_registry_find(w.reg, "Alice", 5) == NULL);

    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"offer\",\"name\":\"ALICE\",\"offer\":1}"), MC_OK);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "offer");
    MC_CHECK_STR(str(m, "name"), "Bob");
    MC_CHECK_STR(str(m, "from"), "Bob");
    cJSON_Delete(m);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"answer\",\"name\":\"\xef\xbd\x82\xef\xbd\x8f\xef\xbd\x82\",\"answer\":2}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "answer");
    MC_CHECK_STR(str(m, "from"), "Alice");
    cJSON_Delete(m);
    MC_CHECK_EQ(mc_signal_session_call(w.s[0], w.s[1]), MC_SIGNAL_CALL_ANSWERED);
    MC_CHECK_STR(mc_signal_session_peer(w.s[1]), "Alice");

    /* Yourself under another spelling; a refused spelling is nobody. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\" alice\",\"candidate\":1}"), MC_ENAME);
    EXPECT_ERROR(&w, 0, "self");
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"candidate\",\"name\":\"b\\u200bob\",\"candidate\":1}"), MC_ENAME);
    EXPECT_ERROR(&w, 0, "unknown-user");
    EXPECT_NOTHING(&w, 1);

    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\",\"name\":\"BOB\"}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "leave");
    MC_CHECK_STR(str(m, "from"), "Alice");
    cJSON_Delete(m);

    /* The reason names the refused code point. */
    MC_CHECK_EQ(feed(&w, 2, "{\"type\":\"login\",\"name\":\"a\\u200bb\"}"), MC_ENAME);
    m = take(&w, 2);
    MC_CHECK_STR(str(m, "code"), "invalid-name");
    MC_CHECK(str(m, "reason") != NULL && strstr(str(m, "reason"), "U+200B") != NULL);
    cJSON_Delete(m);
    world_free(&w);
}

/* ---- calls: who hears a leave (security issue, items 9 and 10) ---- */

#define LOGIN_ALL(w) do { login_ok((w), 0, "a"); login_ok((w), 1, "b"); login_ok((w), 2, "c"); \
                          login_ok((w), 3, "m"); } while (0)

static void call(world *w, int from, const char *to_name, int to)
{
    char msg[128];
    const char *from_name = mc_signal_session_name(w->s[from]);

    snprintf(msg, sizeof(msg), "{\"type\":\"offer\",\"name\":\"%s\",\"offer\":{}}", to_name);
    MC_CHECK_EQ(feed(w, from, msg), MC_OK);
    snprintf(msg, sizeof(msg), "{\"type\":\"answer\",\"name\":\"%s\",\"answer\":{}}", from_name);
    MC_CHECK_EQ(feed(w, to, msg), MC_OK);
    drain(w, from);
    drain(w, to);
}

/* An offer, then a leave, from someone the victim never answered must not hang up the
 * victim's call with somebody else: book clients hang up on any leave. */
static void test_stray_leave(void)
{
    world w;
    cJSON *m;

    world_init(&w, NULL, 1);
    LOGIN_ALL(&w);
    call(&w, 0, "b", 1);                       /* a and b in a call */

    /* m offers b (b sees the offer: it may answer), then leaves: b hears nothing. */
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{}}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "offer");
    cJSON_Delete(m);
    MC_CHECK_EQ(mc_signal_session_call(w.s[3], w.s[1]), MC_SIGNAL_CALL_OFFER_SENT);
    MC_CHECK_EQ(mc_signal_session_call(w.s[1], w.s[3]), MC_SIGNAL_CALL_OFFER_RECEIVED);
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"leave\",\"name\":\"b\"}"), MC_OK);
    EXPECT_NOTHING(&w, 1);
    MC_CHECK_EQ(mc_signal_session_call(w.s[1], w.s[3]), 0);
    /* The same with a nameless leave, and with a disconnect. */
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{}}"), MC_OK);
    drain(&w, 1);
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"leave\"}"), MC_OK);
    EXPECT_NOTHING(&w, 1);
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{}}"), MC_OK);
    drain(&w, 1);
    /* An answer nobody asked for is relayed (as the book did) but makes no call. */
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"answer\",\"name\":\"a\",\"answer\":{}}"), MC_OK);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "type"), "answer");
    cJSON_Delete(m);
    MC_CHECK_EQ(mc_signal_session_call(w.s[3], w.s[0]), 0);
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"leave\",\"name\":\"a\"}"), MC_OK);
    EXPECT_NOTHING(&w, 0);
    /* Candidates change nothing either. */
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"candidate\",\"name\":\"a\",\"candidate\":{}}"), MC_OK);
    drain(&w, 0);
    MC_CHECK_EQ(mc_signal_session_call(w.s[3], w.s[0]), 0);
    mc_signal_session_close(w.sig, w.s[3]);
    w.s[3] = NULL;
    EXPECT_NOTHING(&w, 0);
    EXPECT_NOTHING(&w, 1);
    MC_CHECK_EQ(mc_signal_session_call(w.s[0], w.s[1]), MC_SIGNAL_CALL_ANSWERED);
    MC_CHECK_STR(mc_signal_session_peer(w.s[1]), "a");

    /* The call partner's leave does reach b. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\",\"name\":\"b\"}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "type"), "leave");
    MC_CHECK_STR(str(m, "from"), "a");
    cJSON_Delete(m);
    MC_CHECK_EQ(mc_signal_session_peer_count(w.s[1]), 0);

    /* A cancelled offer reaches a callee in no call, and a refusal reaches the caller. */
    MC_CHECK_EQ(feed(&w, 2, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{}}"), MC_OK);
    drain(&w, 1);
    MC_CHECK_EQ(feed(&w, 2, "{\"type\":\"leave\",\"name\":\"b\"}"), MC_OK);
    m = take(&w, 1);
    MC_CHECK_STR(str(m, "from"), "c");
    cJSON_Delete(m);
    MC_CHECK_EQ(feed(&w, 2, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{}}"), MC_OK);
    drain(&w, 1);
    call(&w, 0, "b", 1);                       /* b takes a's call instead */
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"leave\",\"name\":\"c\"}"), MC_OK);
    m = take(&w, 2);
    MC_CHECK_STR(str(m, "type"), "leave");
    MC_CHECK_STR(str(m, "from"), "b");
    cJSON_Delete(m);
    EXPECT_NOTHING(&w, 0);
    world_free(&w);
}

/* Every peer is tracked, and told on a disconnect or a nameless leave. */
static void test_many_peers(void)
{
    world w;
    cJSON *m;
    int i;

    world_init(&w, NULL, 1);
    LOGIN_ALL(&w);
    call(&w, 0, "b", 1);
    call(&w, 0, "c", 2);
    MC_CHECK_EQ(mc_signal_session_peer_count(w.s[0]), 2);
    MC_CHECK_EQ(mc_signal_session_call(w.s[0], w.s[1]), MC_SIGNAL_CALL_ANSWERED);
    MC_CHECK_EQ(mc_signal_session_call(w.s[0], w.s[2]), MC_SIGNAL_CALL_ANSWERED);
    MC_CHECK_STR(mc_signal_session_peer(w.s[0]), "c");     /* the most recent */
    mc_signal_session_close(w.sig, w.s[0]);
    w.s[0] = NULL;
    for (i = 1; i <= 2; i++) {
        m = take(&w, i);
        MC_CHECK_STR(str(m, "type"), "leave");
        MC_CHECK_STR(str(m, "from"), "a");
        cJSON_Delete(m);
        MC_CHECK_EQ(mc_signal_session_peer_count(w.s[i]), 0);
    }

    /* A nameless leave hangs up every call. */
    MC_CHECK_EQ(mc_signal_session_open(w.sig, &w.conns[0], &w.s[0]), MC_OK);
    login_ok(&w, 0, "a");
    call(&w, 1, "a", 0);
    call(&w, 2, "a", 0);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"leave\"}"), MC_OK);
    for (i = 1; i <= 2; i++) {
        m = take(&w, i);
        MC_CHECK_STR(str(m, "type"), "leave");
        cJSON_Delete(m);
    }
    MC_CHECK_EQ(mc_signal_session_peer_count(w.s[0]), 0);

    /* Re-offers, glare and renegotiation keep one record per pair. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":1}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":2}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"offer\",\"name\":\"a\",\"offer\":3}"), MC_OK);
    MC_CHECK_EQ(mc_signal_session_peer_count(w.s[0]), 1);
    MC_CHECK_EQ(mc_signal_session_call(w.s[0], w.s[1]),
                MC_SIGNAL_CALL_OFFER_SENT | MC_SIGNAL_CALL_OFFER_RECEIVED);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"answer\",\"name\":\"b\",\"answer\":3}"), MC_OK);
    MC_CHECK_EQ(mc_signal_session_call(w.s[1], w.s[0]), MC_SIGNAL_CALL_ANSWERED);
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"offer\",\"name\":\"a\",\"offer\":4}"), MC_OK);
    MC_CHECK_EQ(mc_signal_session_call(w.s[1], w.s[0]), MC_SIGNAL_CALL_ANSWERED);
    drain(&w, 0);
    drain(&w, 1);
    world_free(&w);
}

/* The limit on peers: stale offers give way, calls do not. */
static void test_peer_limit(void)
{
    mc_signal_config cfg;
    world w;
    cJSON *m;

    mc_signal_config_default(&cfg);
    MC_CHECK_EQ(cfg.max_peers, 16);
    cfg.max_peers = 0;
    {
        mc_signal_io io = { t_send, NULL, NULL, NULL };
        mc_registry *r;
        mc_signal *sg;

        MC_CHECK_EQ(mc_registry_create_memory(NULL, &r), MC_OK);
        MC_CHECK_EQ(mc_signal_create(&cfg, r, &io, NULL, &sg), MC_EINVAL);
        mc_registry_destroy(r);
    }
    cfg.max_peers = 2;
    world_init(&w, &cfg, 1);
    LOGIN_ALL(&w);
    login_ok(&w, 4, "d");
    login_ok(&w, 5, "e");

    /* a in two calls: a third offer, either way, is refused and not relayed. */
    call(&w, 0, "b", 1);
    call(&w, 2, "a", 0);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"d\",\"offer\":{}}"), MC_ELIMIT);
    m = take(&w, 0);
    MC_CHECK_STR(str(m, "code"), "too-many-peers");
    MC_CHECK_STR(str(m, "name"), "d");
    cJSON_Delete(m);
    MC_CHECK_EQ(feed(&w, 4, "{\"type\":\"offer\",\"name\":\"a\",\"offer\":{}}"), MC_ELIMIT);
    EXPECT_ERROR(&w, 4, "too-many-peers");
    EXPECT_NOTHING(&w, 0);
    EXPECT_NOTHING(&w, 4);
    /* Within existing pairs everything still works. */
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{}}"), MC_OK);
    drain(&w, 1);

    /* d's table full of offers it received: a new one pushes out the oldest. */
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"offer\",\"name\":\"d\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 5, "{\"type\":\"offer\",\"name\":\"d\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"leave\",\"name\":\"a\"}"), MC_OK);   /* frees b */
    drain(&w, 0);
    MC_CHECK_EQ(feed(&w, 1, "{\"type\":\"offer\",\"name\":\"d\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(mc_signal_session_call(w.s[4], w.s[3]), 0);           /* m's, the oldest */
    MC_CHECK_EQ(mc_signal_session_call(w.s[3], w.s[4]), 0);
    MC_CHECK_EQ(mc_signal_session_call(w.s[4], w.s[5]), MC_SIGNAL_CALL_OFFER_RECEIVED);
    MC_CHECK_EQ(mc_signal_session_call(w.s[4], w.s[1]), MC_SIGNAL_CALL_OFFER_RECEIVED);
    drain(&w, 4);
    EXPECT_NOTHING(&w, 3);                     /* silently */

    /* The sender's own stale offers give way too: m offers b and e, then c. */
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"offer\",\"name\":\"b\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"offer\",\"name\":\"e\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(mc_signal_session_peer_count(w.s[3]), 2);
    drain(&w, 1);
    drain(&w, 5);
    /* c is in a call with a (one of two), so it has room. */
    MC_CHECK_EQ(feed(&w, 3, "{\"type\":\"offer\",\"name\":\"c\",\"offer\":{}}"), MC_OK);
    MC_CHECK_EQ(mc_signal_session_call(w.s[3], w.s[1]), 0);
    MC_CHECK_EQ(mc_signal_session_call(w.s[3], w.s[2]), MC_SIGNAL_CALL_OFFER_SENT);
    drain(&w, 2);
    world_free(&w);
}

/* A takeover moves every call; the old connection's close tells nobody. */
static void test_takeover_calls(void)
{
    world w;
    cJSON *m;
    char token[40], msg[160];
    int i;

    world_init(&w, NULL, 1);
    MC_CHECK_EQ(feed(&w, 0, "{\"type\":\"login\",\"name\":\"a\"}"), MC_OK);
    m = take(&w, 0);
    snprintf(token, sizeof(token), "%s", str(m, "token"));
    cJSON_Delete(m);
    login_ok(&w, 1, "b");
    login_ok(&w, 2, "c");
    call(&w, 0, "b", 1);
    call(&w, 2, "a", 0);
    snprintf(msg, sizeof(msg), "{\"type\":\"login\",\"name\":\"A\",\"token\":\"%s\"}", token);
    MC_CHECK_EQ(feed(&w, 3, msg), MC_OK);
    drain(&w, 3);
    MC_CHECK_STR(mc_signal_session_name(w.s[3]), "A");
    MC_CHECK_EQ(mc_signal_session_peer_count(w.s[3]), 2);
    MC_CHECK_EQ(mc_signal_session_call(w.s[1], w.s[3]), MC_SIGNAL_CALL_ANSWERED);
    MC_CHECK_EQ(mc_signal_session_call(w.s[2], w.s[3]), MC_SIGNAL_CALL_ANSWERED);
    MC_CHECK_EQ(mc_signal_session_call(w.s[1], w.s[0]), 0);
    mc_signal_session_close(w.sig, w.s[0]);
    w.s[0] = NULL;
    EXPECT_NOTHING(&w, 1);
    EXPECT_NOTHING(&w, 2);
    mc_signal_session_close(w.sig, w.s[3]);
    w.s[3] = NULL;
    for (i = 1; i <= 2; i++) {
        m = take(&w, i);
        MC_CHECK_STR(str(m, "type"), "leave");
        MC_CHECK_STR(str(m, "from"), "A");
        cJSON_Delete(m);
    }
    world_free(&w);
}

int main(void)
{
    MC_RUN_TEST(test_registry);
    MC_RUN_TEST(test_config);
    MC_RUN_TEST(test_book_sequence);
    MC_RUN_TEST(test_login_rules);
    MC_RUN_TEST(test_relay_errors);
    MC_RUN_TEST(test_bad_messages);
    MC_RUN_TEST(test_limits);
    MC_RUN_TEST(test_leave_rules);
    MC_RUN_TEST(test_disconnects);
    MC_RUN_TEST(test_ids_and_acks);
    MC_RUN_TEST(test_takeover);
    MC_RUN_TEST(test_reject);
    MC_RUN_TEST(test_payload_bytes);
    MC_RUN_TEST(test_payload_raw);
    MC_RUN_TEST(test_username_key);
    MC_RUN_TEST(test_confusable_names);
    MC_RUN_TEST(test_names_as_typed);
    MC_RUN_TEST(test_stray_leave);
    MC_RUN_TEST(test_many_peers);
    MC_RUN_TEST(test_peer_limit);
    MC_RUN_TEST(test_takeover_calls);
    return mc_test_finish();
}
