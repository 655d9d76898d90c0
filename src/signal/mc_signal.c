/* mc_signal.c: the signaling protocol engine (see mc_signal.h and docs/protocol.md). */
#include "mc_signal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/utf8.h"
#include "calls.h"
#include "username.h"

#define TOKEN_BYTES 16
#define ID_MAX 64              /* bytes of an echoed id string */
#define ECHO_MAX 64            /* bytes of user text quoted back in error messages */
#define CLOSE_REPLACED 4001    /* WebSocket close code for a session whose name was taken over */

struct mc_signal_session {
    mc_signal_session *prev, *next;   /* the engine's list of open sessions */
    void *conn;
    size_t name_len;                  /* 0: not logged in */
    size_t key_len;
    int has_token;
    char token[TOKEN_BYTES * 2 + 1];
    mc_calls calls;                   /* max_peers records, right after the struct */
    char *name;                       /* max_name + 1 bytes: the name as typed */
    char *key;                        /* key_cap bytes: mc_username_key(name) */
};

struct mc_signal {
    mc_signal_config cfg;
    mc_registry *registry;
    mc_signal_io io;
    void *user;
    mc_signal_session *sessions;
    mc_signal_stats stats;
    size_t key_cap;                   /* bytes for a name key with its NUL: 4 * max_name + 1 */
    char *key;                        /* key_cap bytes: the key of the name being handled */
    uint64_t clock;                   /* counts offer/answer record changes */
    char *out;                        /* the reply being built */
    size_t out_cap;
    char id[ID_MAX * 6 + 8];          /* the current request's id as JSON text */
    size_t id_len;                    /* 0: the request had no id */
    const char *msg;                  /* the message being handled (raw text) */
    size_t msg_len;
};

static const char *const error_codes[MC_SIGNAL_ERR_COUNT] = {
    "bad-json", "bad-utf8", "too-large", "too-deep", "bad-field", "unknown-type",
    "invalid-name", "name-taken", "already-logged-in", "not-logged-in", "unknown-user",
    "self", "undeliverable", "rate-limited", "server-busy", "too-many-peers",
};

/* The mc_error code mc_signal_handle returns for each kind. */
static const int error_rc[MC_SIGNAL_ERR_COUNT] = {
    MC_EFORMAT, MC_EFORMAT, MC_ELIMIT, MC_ELIMIT, MC_EPROTOCOL, MC_EPROTOCOL,
    MC_ENAME, MC_ESTATE, MC_ESTATE, MC_ESTATE, MC_ENAME,
    MC_ENAME, MC_ESTATE, MC_ELIMIT, MC_ELIMIT, MC_ELIMIT,
};

const char *mc_signal_error_code(mc_signal_error kind)
{
    if ((int)kind < 0 || kind >= MC_SIGNAL_ERR_COUNT)
        return NULL;
    return error_codes[kind];
}

void mc_signal_config_default(mc_signal_config *config)
{
    if (config == NULL)
        return;
    config->max_message = 65536;
    config->max_name = 64;
    config->max_depth = 16;
    config->max_peers = MC_SIGNAL_MAX_PEERS;
}

/* ---- building replies (base/json.h's writer, into sig->out) ---- */

typedef mc_json_writer writer;

static writer w_begin(mc_signal *sig)
{
    writer w;

    mc_json_writer_init(&w, sig->out, sig->out_cap);
    return w;
}

/* Append ,"id":<id> when the request had one, then the closing brace. */
static void w_end(mc_signal *sig, writer *w)
{
    if (sig->id_len != 0) {
        mc_json_put_lit(w, ",\"id\":");
        mc_json_put(w, sig->id, sig->id_len);
    }
    mc_json_put(w, "}", 1);
}

static int deliver(mc_signal *sig, mc_signal_session *to, const writer *w)
{
    if (mc_json_writer_status(w) != MC_OK)
        return MC_ELIMIT;
    sig->stats.sent++;
    return sig->io.send(sig->user, to->conn, w->buf, w->len);
}

/* {type:"error", message, code[, name][, id]} to `s`; counts the error and returns the
 * code mc_signal_handle reports. */
static int reply_error(mc_signal *sig, mc_signal_session *s, mc_signal_error kind,
                       const char *message, const char *name, size_t name_len)
{
    writer w = w_begin(sig);

    sig->stats.errors[kind]++;
    mc_json_put_lit(&w, "{\"type\":\"error\",\"message\":");
    mc_json_put_str(&w, message, strlen(message), 0);
    mc_json_put_lit(&w, ",\"code\":\"");
    mc_json_put_lit(&w, error_codes[kind]);
    mc_json_put_lit(&w, "\"");
    if (name != NULL) {
        mc_json_put_lit(&w, ",\"name\":");
        mc_json_put_str(&w, name, name_len, ECHO_MAX);
    }
    w_end(sig, &w);
    deliver(sig, s, &w);
    return error_rc[kind];
}

static int reply_login_failed(mc_signal *sig, mc_signal_session *s, mc_signal_error kind,
                              const char *reason)
{
    writer w = w_begin(sig);

    sig->stats.errors[kind]++;
    mc_json_put_lit(&w, "{\"type\":\"login\",\"success\":false,\"code\":\"");
    mc_json_put_lit(&w, error_codes[kind]);
    mc_json_put_lit(&w, "\",\"reason\":");
    mc_json_put_str(&w, reason, strlen(reason), 0);
    w_end(sig, &w);
    deliver(sig, s, &w);
    return error_rc[kind];
}

/* {type:"ack", id} when the request had an id; `to` (may be NULL), the recipient of a relay,
 * adds its name as it logged in, so a client that wrote "ALICE" learns it is "alice". */
static void reply_ack(mc_signal *sig, mc_signal_session *s, const mc_signal_session *to)
{
    writer w;

    if (sig->id_len == 0)
        return;
    w = w_begin(sig);
    mc_json_put_lit(&w, "{\"type\":\"ack\"");
    if (to != NULL) {
        mc_json_put_lit(&w, ",\"to\":");
        mc_json_put_str(&w, to->name, to->name_len, 0);
    }
    w_end(sig, &w);
    deliver(sig, s, &w);
}

/* ---- sessions ---- */

int mc_signal_create(const mc_signal_config *config, mc_registry *registry,
                     const mc_signal_io *io, void *user, mc_signal **out)
{
    mc_signal_config def;
    mc_signal *sig;

    if (out != NULL)
        *out = NULL;
    if (registry == NULL || io == NULL || io->send == NULL || out == NULL)
        return MC_EINVAL;
    if (config == NULL) {
        mc_signal_config_default(&def);
        config = &def;
    }
    if (config->max_message < 64 || config->max_message > ((size_t)1 << 28) ||
        config->max_name < 1 || config->max_name > 1024 ||
        config->max_depth < 1 || config->max_depth > 1000 ||
        config->max_peers < 1 || config->max_peers > 1024)
        return MC_EINVAL;
    sig = calloc(1, sizeof(*sig));
    if (sig == NULL)
        return MC_ENOMEM;
    sig->cfg = *config;
    sig->registry = registry;
    sig->io = *io;
    sig->user = user;
    /* A relay repeats the payload (re-encoded by cJSON, which may lengthen numbers such as
     * 1e9) plus the type, the sender's name twice and an id. */
    sig->out_cap = 2 * config->max_message + 6 * config->max_name + 1024;
    sig->out = malloc(sig->out_cap);
    /* A key is seldom longer than its name; NFC can triple one (username.h). */
    sig->key_cap = 4 * config->max_name + 1;
    sig->key = malloc(sig->key_cap);
    if (sig->out == NULL || sig->key == NULL) {
        free(sig->out);
        free(sig->key);
        free(sig);
        return MC_ENOMEM;
    }
    *out = sig;
    return MC_OK;
}

void mc_signal_destroy(mc_signal *sig)
{
    mc_signal_session *s, *next;

    if (sig == NULL)
        return;
    for (s = sig->sessions; s != NULL; s = next) {
        next = s->next;
        if (s->name_len != 0)
            mc_registry_release(sig->registry, s->key, s->key_len, s);
        free(s);
    }
    free(sig->out);
    free(sig->key);
    free(sig);
}

int mc_signal_session_open(mc_signal *sig, void *conn, mc_signal_session **out)
{
    mc_signal_session *s;
    size_t records, room;

    if (out != NULL)
        *out = NULL;
    if (sig == NULL || conn == NULL || out == NULL)
        return MC_EINVAL;
    /* The struct holds pointers and size_t, so the records right after it are aligned. */
    records = sig->cfg.max_peers * sizeof(mc_call);
    room = sizeof(*s) + records + sig->cfg.max_name + 1 + sig->key_cap;
    s = malloc(room);
    if (s == NULL)
        return MC_ENOMEM;
    memset(s, 0, sizeof(*s));
    s->conn = conn;
    s->calls.owner = s;
    s->calls.rec = (mc_call *)(s + 1);
    s->calls.max = sig->cfg.max_peers;
    s->name = (char *)s->calls.rec + records;
    s->key = s->name + sig->cfg.max_name + 1;
    s->name[0] = '\0';
    s->key[0] = '\0';
    s->next = sig->sessions;
    if (sig->sessions != NULL)
        sig->sessions->prev = s;
    sig->sessions = s;
    sig->stats.sessions++;
    *out = s;
    return MC_OK;
}

/* ---- ending calls (the records: calls.h) ---- */

static void send_leave(mc_signal *sig, mc_signal_session *from, mc_signal_session *to)
{
    writer w = w_begin(sig);

    mc_json_put_lit(&w, "{\"type\":\"leave\",\"from\":");
    mc_json_put_str(&w, from->name, from->name_len, 0);
    mc_json_put(&w, "}", 1);
    if (deliver(sig, to, &w) == MC_OK)
        sig->stats.relayed++;
}

/*
 * s leaves the pair of its record i (a `leave`, a disconnect): the other side is told when
 * the two are in a call, when it is waiting for an answer to its own offer to s, or when s
 * offered it a call and it is in no call (a cancelled offer). Never otherwise: a `leave`
 * from someone who merely sent an offer must not hang up a call with somebody else (book
 * clients hang up on any `leave`). The pair is forgotten either way.
 */
static void end_pair(mc_signal *sig, mc_signal_session *s, long i)
{
    mc_calls *p = s->calls.rec[i].peer;
    int st = s->calls.rec[i].state;

    mc_calls_drop(&s->calls, i);
    if ((st & (MC_SIGNAL_CALL_ANSWERED | MC_SIGNAL_CALL_OFFER_RECEIVED)) || !mc_calls_in_call(p))
        send_leave(sig, s, p->owner);
}

/* End every pair s is in (see end_pair). */
static void end_all(mc_signal *sig, mc_signal_session *s)
{
    while (s->calls.n > 0)
        end_pair(sig, s, (long)s->calls.n - 1);
}

void mc_signal_session_close(mc_signal *sig, mc_signal_session *s)
{
    if (sig == NULL || s == NULL)
        return;
    sig->id_len = 0;
    end_all(sig, s);
    if (s->name_len != 0) {
        mc_registry_release(sig->registry, s->key, s->key_len, s);
        sig->stats.users--;
    }
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        sig->sessions = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    sig->stats.sessions--;
    free(s);
}

const char *mc_signal_session_name(const mc_signal_session *s)
{
    return s != NULL && s->name_len != 0 ? s->name : NULL;
}

const char *mc_signal_session_key(const mc_signal_session *s)
{
    return s != NULL && s->name_len != 0 ? s->key : NULL;
}

const char *mc_signal_session_peer(const mc_signal_session *s)
{
    const mc_call *last = s != NULL ? mc_calls_latest(&s->calls) : NULL;

    return last != NULL ? last->peer->owner->name : NULL;
}

size_t mc_signal_session_peer_count(const mc_signal_session *s)
{
    return s != NULL ? s->calls.n : 0;
}

int mc_signal_session_call(const mc_signal_session *s, const mc_signal_session *p)
{
    long i;

    if (s == NULL || p == NULL)
        return 0;
    i = mc_calls_find(&s->calls, &p->calls);
    return i >= 0 ? s->calls.rec[i].state : 0;
}

void *mc_signal_session_conn(const mc_signal_session *s)
{
    return s != NULL ? s->conn : NULL;
}

void mc_signal_get_stats(const mc_signal *sig, mc_signal_stats *stats)
{
    if (sig == NULL || stats == NULL)
        return;
    *stats = sig->stats;
}

void mc_signal_reject(mc_signal *sig, mc_signal_session *s, mc_signal_error kind,
                      const char *detail)
{
    if (sig == NULL || s == NULL || (int)kind < 0 || kind >= MC_SIGNAL_ERR_COUNT)
        return;
    sig->id_len = 0;
    reply_error(sig, s, kind, detail != NULL ? detail : error_codes[kind], NULL, 0);
}

/* ---- message handlers ---- */

/* Remember the request's id (a string of at most ID_MAX bytes, or an integer-valued
 * number of magnitude at most 2^53) as JSON text. Returns 0, or -1 for a bad id. */
static int take_id(mc_signal *sig, const cJSON *msg)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    writer w;
    int64_t v;

    sig->id_len = 0;
    if (id == NULL)
        return 0;
    mc_json_writer_init(&w, sig->id, sizeof(sig->id));
    if (cJSON_IsString(id)) {
        size_t n = strlen(id->valuestring);

        if (n > ID_MAX)
            return -1;
        mc_json_put_str(&w, id->valuestring, n, 0);
    } else if (mc_json_get_int(id, &v) == MC_OK) {
        char num[32];

        snprintf(num, sizeof(num), "%lld", (long long)v);
        mc_json_put_lit(&w, num);
    } else {
        return -1;
    }
    if (mc_json_writer_status(&w) != MC_OK)
        return -1;
    sig->id_len = w.len;
    return 0;
}

/*
 * Compute the key of the login or relay name `name` (len bytes) into sig->key. Returns
 * MC_OK with *key_len set, or the mc_username_key code; for a login `reason` (when not
 * NULL, `cap` bytes) then says why the name is refused.
 */
static int name_key(mc_signal *sig, const char *name, size_t len, size_t *key_len,
                    char *reason, size_t cap)
{
    int rc = mc_username_key(name, len, sig->key, sig->key_cap, key_len);

    size_t at;

    if (rc == MC_OK || reason == NULL)
        return rc;
    at = *key_len;
    if (rc == MC_ENAME && *key_len >= len)
        snprintf(reason, cap, "name is empty once spaces are removed");
    else if (rc == MC_ENAME || rc == MC_EFORMAT)
        snprintf(reason, cap, "name contains U+%04lX, which names may not contain (control, "
                 "invisible, unassigned, private-use and styled characters are refused)",
                 (unsigned long)mc_utf8_next((const uint8_t *)name, len, &at));
    else if (rc == MC_EBUFSIZE)
        snprintf(reason, cap, "name is too long once normalised");
    else
        snprintf(reason, cap, "server out of memory");
    return rc;
}

static int tokens_equal(const char *a, const char *b, size_t n)
{
    unsigned char d = 0;
    size_t i;

    for (i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

static void make_token(mc_signal *sig, mc_signal_session *s)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t raw[TOKEN_BYTES];
    int i;

    s->has_token = 0;
    if (sig->io.random == NULL || sig->io.random(sig->user, raw, sizeof(raw)) != MC_OK)
        return;
    for (i = 0; i < TOKEN_BYTES; i++) {
        s->token[2 * i] = hex[raw[i] >> 4];
        s->token[2 * i + 1] = hex[raw[i] & 15];
    }
    s->token[2 * TOKEN_BYTES] = '\0';
    s->has_token = 1;
}

static int handle_login(mc_signal *sig, mc_signal_session *s, const cJSON *msg)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(msg, "name");
    const char *name, *token;
    mc_signal_session *holder;
    size_t len, key_len;
    char reason[192];
    writer w;
    int rc;

    if (s->name_len != 0)
        return reply_login_failed(sig, s, MC_SIGNAL_ERR_LOGGED_IN,
                                  "this connection is already logged in");
    if (!cJSON_IsString(item))
        return reply_login_failed(sig, s, MC_SIGNAL_ERR_INVALID_NAME,
                                  "name must be a string");
    name = item->valuestring;
    len = strlen(name);
    if (len == 0)
        return reply_login_failed(sig, s, MC_SIGNAL_ERR_INVALID_NAME, "name is empty");
    if (len > sig->cfg.max_name) {
        snprintf(reason, sizeof(reason), "name is longer than %zu bytes", sig->cfg.max_name);
        return reply_login_failed(sig, s, MC_SIGNAL_ERR_INVALID_NAME, reason);
    }
    rc = name_key(sig, name, len, &key_len, reason, sizeof(reason));
    if (rc == MC_ENOMEM)
        return reply_login_failed(sig, s, MC_SIGNAL_ERR_BUSY, reason);
    if (rc != MC_OK)
        return reply_login_failed(sig, s, MC_SIGNAL_ERR_INVALID_NAME, reason);

    holder = mc_registry_find(sig->registry, sig->key, key_len);
    if (holder != NULL) {
        token = mc_json_get_str(msg, "token");
        if (holder == s || token == NULL || !holder->has_token || sig->io.close == NULL ||
            strlen(token) != TOKEN_BYTES * 2 ||
            !tokens_equal(token, holder->token, TOKEN_BYTES * 2))
            return reply_login_failed(sig, s, MC_SIGNAL_ERR_NAME_TAKEN, "name is taken");
        /* The same client, reconnected before its old connection was noticed gone: move
         * the name and the calls over, and have the old connection closed. The name may
         * be typed differently this time ("Alice" for "alice"): the new spelling is used. */
        mc_registry_release(sig->registry, holder->key, holder->key_len, holder);
        mc_calls_move(&holder->calls, &s->calls);
        holder->name_len = 0;
        holder->name[0] = '\0';
        holder->key_len = 0;
        holder->key[0] = '\0';
        holder->has_token = 0;
        sig->stats.users--;
        sig->stats.takeovers++;
        sig->io.close(sig->user, holder->conn, CLOSE_REPLACED, "logged in from another connection");
    }
    memcpy(s->name, name, len);
    s->name[len] = '\0';
    s->name_len = len;
    memcpy(s->key, sig->key, key_len + 1);
    s->key_len = key_len;
    rc = mc_registry_claim(sig->registry, s->key, s->key_len, s);
    if (rc != MC_OK) {
        /* Calls taken over cannot go on without the name: their peers are told. */
        end_all(sig, s);
        s->name_len = 0;
        s->name[0] = '\0';
        s->key_len = 0;
        s->key[0] = '\0';
        if (rc == MC_ESTATE)
            return reply_login_failed(sig, s, MC_SIGNAL_ERR_NAME_TAKEN, "name is taken");
        return reply_login_failed(sig, s, MC_SIGNAL_ERR_BUSY, "server out of memory");
    }
    sig->stats.users++;
    sig->stats.logins++;
    make_token(sig, s);

    w = w_begin(sig);
    mc_json_put_lit(&w, "{\"type\":\"login\",\"success\":true,\"name\":");
    mc_json_put_str(&w, s->name, s->name_len, 0);
    if (s->has_token) {
        mc_json_put_lit(&w, ",\"token\":\"");
        mc_json_put_lit(&w, s->token);
        mc_json_put_lit(&w, "\"");
    }
    if (sig->io.login_extra != NULL && !w.overflow) {
        size_t room = w.cap - w.len, n;

        n = sig->io.login_extra(sig->user, s->conn, s->name, s->name_len, w.buf + w.len, room);
        if (n <= room)
            w.len += n;
    }
    w_end(sig, &w);
    deliver(sig, s, &w);
    return MC_OK;
}

typedef enum relay_kind { RELAY_OFFER, RELAY_ANSWER, RELAY_CANDIDATE } relay_kind;

static const char *const relay_types[] = { "offer", "answer", "candidate" };

static int handle_relay(mc_signal *sig, mc_signal_session *s, const cJSON *msg, relay_kind kind)
{
    const char *type = relay_types[kind], *target;
    const cJSON *payload;
    mc_signal_session *to;
    size_t len, key_len;
    long rec, evict_s = -1, evict_to = -1;
    writer w;
    char text[96];

    if (s->name_len == 0) {
        snprintf(text, sizeof(text), "log in before sending %s", type);
        return reply_error(sig, s, MC_SIGNAL_ERR_NOT_LOGGED_IN, text, NULL, 0);
    }
    target = mc_json_get_str(msg, "name");
    if (target == NULL) {
        snprintf(text, sizeof(text), "%s needs a string field \"name\" (the recipient)", type);
        return reply_error(sig, s, MC_SIGNAL_ERR_FIELD, text, NULL, 0);
    }
    payload = cJSON_GetObjectItemCaseSensitive(msg, type);
    if (payload == NULL) {
        snprintf(text, sizeof(text), "%s needs a field \"%s\"", type, type);
        return reply_error(sig, s, MC_SIGNAL_ERR_FIELD, text, NULL, 0);
    }
    len = strlen(target);
    /* A name that has no key (refused, too long) is nobody's. */
    to = NULL;
    if (name_key(sig, target, len, &key_len, NULL, 0) == MC_OK) {
        if (key_len == s->key_len && memcmp(sig->key, s->key, key_len) == 0) {
            snprintf(text, sizeof(text), "cannot send %s to yourself", type);
            return reply_error(sig, s, MC_SIGNAL_ERR_SELF, text, target, len);
        }
        to = mc_registry_find(sig->registry, sig->key, key_len);
    }
    if (to == NULL) {
        writer m;

        mc_json_writer_init(&m, text, sizeof(text) - 1);
        mc_json_put_lit(&m, "unknown user ");
        mc_json_put_str(&m, target, len, 40);
        text[m.overflow ? 0 : m.len] = '\0';
        return reply_error(sig, s, MC_SIGNAL_ERR_UNKNOWN_USER, text, target, len);
    }
    rec = mc_calls_find(&s->calls, &to->calls);
    if (kind == RELAY_OFFER && rec < 0) {
        /* A new pair needs a record on both sides. A full table gives up its oldest
         * unanswered offer: the sender any of its own, the recipient only one it received
         * (so that offers from others cannot cancel the recipient's own). */
        if (s->calls.n == s->calls.max && (evict_s = mc_calls_oldest_pending(&s->calls, 0)) < 0) {
            snprintf(text, sizeof(text), "you already have %zu peers (calls and offers)",
                     sig->cfg.max_peers);
            return reply_error(sig, s, MC_SIGNAL_ERR_TOO_MANY_PEERS, text, target, len);
        }
        if (to->calls.n == to->calls.max && (evict_to = mc_calls_oldest_pending(&to->calls, 1)) < 0) {
            snprintf(text, sizeof(text), "the recipient already has %zu peers (calls and offers)",
                     sig->cfg.max_peers);
            return reply_error(sig, s, MC_SIGNAL_ERR_TOO_MANY_PEERS, text, target, len);
        }
    }

    w = w_begin(sig);
    mc_json_put_lit(&w, "{\"type\":\"");
    mc_json_put_lit(&w, type);
    mc_json_put_lit(&w, "\",\"");
    mc_json_put_lit(&w, type);
    mc_json_put_lit(&w, "\":");
    {
        /* The payload goes out as the sender wrote it (cJSON has validated it): byte for
         * byte, and without the cost of re-encoding numbers. */
        const char *raw;
        size_t raw_len;

        if (mc_json_raw_member(sig->msg, sig->msg_len, type, &raw, &raw_len) == 1)
            mc_json_put(&w, raw, raw_len);
        else
            mc_json_put_value(&w, payload);
    }
    if (kind == RELAY_OFFER) {
        mc_json_put_lit(&w, ",\"name\":");
        mc_json_put_str(&w, s->name, s->name_len, 0);
    }
    mc_json_put_lit(&w, ",\"from\":");
    mc_json_put_str(&w, s->name, s->name_len, 0);
    mc_json_put(&w, "}", 1);
    if (w.overflow)
        return reply_error(sig, s, MC_SIGNAL_ERR_TOO_LARGE,
                           "message too large once re-encoded", NULL, 0);
    if (deliver(sig, to, &w) != MC_OK) {
        snprintf(text, sizeof(text), "could not deliver %s: the recipient's queue has no room for it", type);
        return reply_error(sig, s, MC_SIGNAL_ERR_UNDELIVERABLE, text, target, len);
    }
    sig->stats.relayed++;
    if (kind == RELAY_OFFER)
        mc_calls_offer(&s->calls, &to->calls, rec, evict_s, evict_to, &sig->clock);
    else if (kind == RELAY_ANSWER && rec >= 0)
        mc_calls_answer(&s->calls, &to->calls, rec, &sig->clock);
    reply_ack(sig, s, to);
    return MC_OK;
}

static int handle_leave(mc_signal *sig, mc_signal_session *s, const cJSON *msg)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(msg, "name");
    size_t key_len;

    if (item != NULL && !cJSON_IsString(item) && !cJSON_IsNull(item))
        return reply_error(sig, s, MC_SIGNAL_ERR_FIELD,
                           "leave's field \"name\" must be a string", NULL, 0);
    if (s->name_len == 0) {
        reply_ack(sig, s, NULL);
        return MC_OK;
    }
    if (cJSON_IsString(item)) {
        /* Leave that one pair; with anyone else it does nothing (end_pair says who is told). */
        const char *target = item->valuestring;
        mc_signal_session *to = NULL;
        long rec;

        if (name_key(sig, target, strlen(target), &key_len, NULL, 0) == MC_OK)
            to = mc_registry_find(sig->registry, sig->key, key_len);
        rec = to != NULL ? mc_calls_find(&s->calls, &to->calls) : -1;
        if (rec >= 0)
            end_pair(sig, s, rec);
    } else {
        /* The book's "hang up my call": every pair. */
        end_all(sig, s);
    }
    reply_ack(sig, s, NULL);
    return MC_OK;
}

int mc_signal_handle(mc_signal *sig, mc_signal_session *s, const char *text, size_t len)
{
    const char *type;
    mc_json_fault bad;
    cJSON *msg;
    int rc;

    if (sig == NULL || s == NULL || (text == NULL && len != 0))
        return MC_EINVAL;
    sig->stats.messages++;
    sig->id_len = 0;
    if (len > sig->cfg.max_message) {
        char detail[80];

        snprintf(detail, sizeof(detail), "message longer than %zu bytes", sig->cfg.max_message);
        return reply_error(sig, s, MC_SIGNAL_ERR_TOO_LARGE, detail, NULL, 0);
    }
    bad = mc_json_check(text, len, sig->cfg.max_depth);
    if (bad == MC_JSON_BAD_UTF8)
        return reply_error(sig, s, MC_SIGNAL_ERR_UTF8, "message is not valid UTF-8", NULL, 0);
    if (bad == MC_JSON_TOO_DEEP) {
        char detail[80];

        snprintf(detail, sizeof(detail), "JSON nested deeper than %d levels", sig->cfg.max_depth);
        return reply_error(sig, s, MC_SIGNAL_ERR_TOO_DEEP, detail, NULL, 0);
    }
    if (bad != MC_JSON_FINE || len == 0)
        return reply_error(sig, s, MC_SIGNAL_ERR_JSON, "message is not valid JSON", NULL, 0);

    sig->msg = text;
    sig->msg_len = len;
    msg = mc_json_parse(text, len, NULL);
    if (msg == NULL)
        return reply_error(sig, s, MC_SIGNAL_ERR_JSON, "message is not valid JSON", NULL, 0);
    if (!cJSON_IsObject(msg)) {
        cJSON_Delete(msg);
        return reply_error(sig, s, MC_SIGNAL_ERR_JSON, "message must be a JSON object", NULL, 0);
    }
    if (take_id(sig, msg) != 0) {
        cJSON_Delete(msg);
        return reply_error(sig, s, MC_SIGNAL_ERR_FIELD,
                           "id must be a string of at most 64 bytes or an integer", NULL, 0);
    }

    type = mc_json_get_str(msg, "type");
    if (type == NULL) {
        rc = reply_error(sig, s, MC_SIGNAL_ERR_FIELD, "message needs a string field \"type\"",
                         NULL, 0);
    } else if (strcmp(type, "login") == 0) {
        rc = handle_login(sig, s, msg);
    } else if (strcmp(type, "offer") == 0) {
        rc = handle_relay(sig, s, msg, RELAY_OFFER);
    } else if (strcmp(type, "answer") == 0) {
        rc = handle_relay(sig, s, msg, RELAY_ANSWER);
    } else if (strcmp(type, "candidate") == 0) {
        rc = handle_relay(sig, s, msg, RELAY_CANDIDATE);
    } else if (strcmp(type, "leave") == 0) {
        rc = handle_leave(sig, s, msg);
    } else {
        char detail[ECHO_MAX * 6 + 48];
        writer m;

        /* The book's server's words, so its clients see the text they expect. */
        mc_json_writer_init(&m, detail, sizeof(detail) - 1);
        mc_json_put_lit(&m, "Unrecognized command: ");
        mc_json_put(&m, type, mc_utf8_prefix(type, strlen(type), ECHO_MAX));
        detail[m.overflow ? 0 : m.len] = '\0';
        rc = reply_error(sig, s, MC_SIGNAL_ERR_UNKNOWN_TYPE, detail, NULL, 0);
    }
    cJSON_Delete(msg);
    sig->id_len = 0;
    return rc;
}
