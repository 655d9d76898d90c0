/* mc_signal.c: the signaling protocol engine (see mc_signal.h and docs/protocol.md). */
#include "mc_signal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "username.h"

#define TOKEN_BYTES 16
#define ID_MAX 64              /* bytes of an echoed id string */
#define ECHO_MAX 64            /* bytes of user text quoted back in error messages */
#define CLOSE_REPLACED 4001    /* WebSocket close code for a session whose name was taken over */

/* One record of a pair of users, kept on both sides (each side's record names the other
 * session): MC_SIGNAL_CALL_* flags from the owner's side, never 0. */
typedef struct peer_record {
    mc_signal_session *peer;
    int state;
    uint64_t changed;                 /* the engine's clock when an offer/answer last touched it */
} peer_record;

struct mc_signal_session {
    mc_signal_session *prev, *next;   /* the engine's list of open sessions */
    void *conn;
    size_t name_len;                  /* 0: not logged in */
    size_t key_len;
    size_t npeers;                    /* records in use, peers[0..npeers) */
    int has_token;
    char token[TOKEN_BYTES * 2 + 1];
    peer_record *peers;               /* max_peers records, right after the struct */
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

/* ---- input checks before cJSON sees the bytes ---- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one (overlongs,
 * surrogates and code points above U+10FFFF are invalid). s[0] >= 0x80. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned c = s[0];

    if (c >= 0xc2 && c <= 0xdf)
        return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if (c == 0xe0 && s[1] < 0xa0)
            return 0;                  /* overlong */
        if (c == 0xed && s[1] >= 0xa0)
            return 0;                  /* UTF-16 surrogate */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if (c == 0xf0 && s[1] < 0x90)
            return 0;                  /* overlong */
        if (c == 0xf4 && s[1] >= 0x90)
            return 0;                  /* above U+10FFFF */
        return 4;
    }
    return 0;
}

/*
 * One pass over the raw message: valid UTF-8, no raw control characters (JSON forbids them
 * in strings; outside strings only whitespace is allowed), no \u0000 escape (cJSON would
 * cut the string there, so "a\u0000b" would silently become "a"), nesting at most
 * max_depth. Returns -1 when all is well, else the error kind.
 */
static int prescan(const unsigned char *s, size_t n, int max_depth)
{
    size_t i = 0;
    int depth = 0, in_string = 0;

    while (i < n) {
        unsigned c = s[i];

        if (c >= 0x80) {
            size_t k = utf8_sequence(s + i, n - i);

            if (k == 0)
                return MC_SIGNAL_ERR_UTF8;
            i += k;
            continue;
        }
        if (c < 0x20 && (in_string || (c != ' ' && c != '\t' && c != '\n' && c != '\r')))
            return MC_SIGNAL_ERR_JSON;
        if (in_string) {
            if (c == '"') {
                in_string = 0;
            } else if (c == '\\') {
                if (i + 1 >= n)
                    return MC_SIGNAL_ERR_JSON;
                if (s[i + 1] == 'u' && i + 5 < n && s[i + 2] == '0' && s[i + 3] == '0' &&
                    s[i + 4] == '0' && s[i + 5] == '0')
                    return MC_SIGNAL_ERR_JSON;
                if (s[i + 1] < 0x20 || s[i + 1] >= 0x80)
                    return MC_SIGNAL_ERR_JSON;
                i++;                   /* skip the escaped character */
            }
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                return MC_SIGNAL_ERR_TOO_DEEP;
        } else if (c == '}' || c == ']') {
            depth--;
        }
        i++;
    }
    return -1;
}

/* The length of the longest prefix of s[0..n) of at most max bytes that ends on a
 * character boundary (s is valid UTF-8). */
static size_t utf8_prefix(const char *s, size_t n, size_t max)
{
    size_t cut = n;

    if (n > max) {
        cut = max;
        while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
            cut--;
    }
    return cut;
}

/* ---- finding a member's raw text ---- */

/* These scan text that cJSON has already accepted as one JSON object, so they only need to
 * find boundaries: strings (with escapes), nested brackets, and everything else. */

static size_t skip_ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

static size_t skip_string(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

static size_t skip_value(const char *s, size_t i, size_t n)
{
    int depth = 0;

    if (i < n && s[i] == '"')
        return skip_string(s, i, n);
    if (i < n && (s[i] == '{' || s[i] == '[')) {
        while (i < n) {
            char c = s[i];

            if (c == '"') {
                i = skip_string(s, i, n);
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
            i++;
        }
        return n;
    }
    while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' &&
           s[i] != '\n' && s[i] != '\r')
        i++;
    return i;
}

/*
 * The raw text of the top-level member `key` of the JSON object in s[0..n): its first
 * occurrence, as cJSON_GetObjectItemCaseSensitive would pick. Returns 1 and the span, 0 when
 * absent, or -1 when a top-level key is written with escapes (then the caller falls back to
 * re-encoding the parsed value, since raw and decoded keys could disagree).
 */
static int raw_member(const char *s, size_t n, const char *key, const char **value, size_t *value_len)
{
    size_t klen = strlen(key), i = skip_ws(s, 0, n);
    int found = 0;

    if (i >= n || s[i] != '{')
        return -1;
    i = skip_ws(s, i + 1, n);
    while (i < n && s[i] == '"') {
        size_t kstart = i + 1, kend = skip_string(s, i, n), vstart, vend;

        if (kend > n || kend < kstart + 1 || memchr(s + kstart, '\\', kend - 1 - kstart) != NULL)
            return -1;
        i = skip_ws(s, kend, n);
        if (i >= n || s[i] != ':')
            return -1;
        vstart = skip_ws(s, i + 1, n);
        vend = skip_value(s, vstart, n);
        if (!found && kend - 1 - kstart == klen && memcmp(s + kstart, key, klen) == 0) {
            *value = s + vstart;
            *value_len = vend - vstart;
            found = 1;
        }
        i = skip_ws(s, vend, n);
        if (i < n && s[i] == ',')
            i = skip_ws(s, i + 1, n);
        else
            break;
    }
    return found;
}

/* ---- building replies ---- */

typedef struct writer {
    char *buf;
    size_t len, cap;
    int overflow;
} writer;

static void w_raw(writer *w, const char *s, size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = 1;
        return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void w_lit(writer *w, const char *s)
{
    w_raw(w, s, strlen(s));
}

/* A JSON string literal of s[0..n): quotes, backslashes and control characters escaped.
 * When max is nonzero the text is cut at a character boundary before max bytes and "..."
 * is appended. s is valid UTF-8. */
static void w_str(writer *w, const char *s, size_t n, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, start = 0, cut = max != 0 ? utf8_prefix(s, n, max) : n;

    w_raw(w, "\"", 1);
    for (i = 0; i < cut; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6];

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        w_raw(w, s + start, i - start);
        start = i + 1;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            w_raw(w, esc, 2);
        } else {
            esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
            w_raw(w, esc, 6);
        }
    }
    w_raw(w, s + start, cut - start);
    if (cut < n)
        w_raw(w, "...", 3);
    w_raw(w, "\"", 1);
}

/* cJSON's compact text of `item`. */
static void w_json(writer *w, const cJSON *item)
{
    size_t room;

    if (w->overflow)
        return;
    room = w->cap - w->len;
    /* cJSON asks for 5 spare bytes beyond what it writes. */
    if (room < 16 || room > 0x7fffffff ||
        !cJSON_PrintPreallocated((cJSON *)item, w->buf + w->len, (int)room - 5, 0)) {
        w->overflow = 1;
        return;
    }
    w->len += strlen(w->buf + w->len);
}

static writer w_begin(mc_signal *sig)
{
    writer w = { sig->out, 0, sig->out_cap, 0 };
    return w;
}

/* Append ,"id":<id> when the request had one, then the closing brace. */
static void w_end(mc_signal *sig, writer *w)
{
    if (sig->id_len != 0) {
        w_lit(w, ",\"id\":");
        w_raw(w, sig->id, sig->id_len);
    }
    w_raw(w, "}", 1);
}

static int deliver(mc_signal *sig, mc_signal_session *to, const writer *w)
{
    if (w->overflow)
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
    w_lit(&w, "{\"type\":\"error\",\"message\":");
    w_str(&w, message, strlen(message), 0);
    w_lit(&w, ",\"code\":\"");
    w_lit(&w, error_codes[kind]);
    w_lit(&w, "\"");
    if (name != NULL) {
        w_lit(&w, ",\"name\":");
        w_str(&w, name, name_len, ECHO_MAX);
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
    w_lit(&w, "{\"type\":\"login\",\"success\":false,\"code\":\"");
    w_lit(&w, error_codes[kind]);
    w_lit(&w, "\",\"reason\":");
    w_str(&w, reason, strlen(reason), 0);
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
    w_lit(&w, "{\"type\":\"ack\"");
    if (to != NULL) {
        w_lit(&w, ",\"to\":");
        w_str(&w, to->name, to->name_len, 0);
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
    records = sig->cfg.max_peers * sizeof(peer_record);
    room = sizeof(*s) + records + sig->cfg.max_name + 1 + sig->key_cap;
    s = malloc(room);
    if (s == NULL)
        return MC_ENOMEM;
    memset(s, 0, sizeof(*s));
    s->conn = conn;
    s->peers = (peer_record *)(s + 1);
    s->name = (char *)s->peers + records;
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

/* ---- peer records (docs/protocol.md, "Calls") ---- */

/* The index of s's record of p, or -1. */
static long find_record(const mc_signal_session *s, const mc_signal_session *p)
{
    size_t i;

    for (i = 0; i < s->npeers; i++) {
        if (s->peers[i].peer == p)
            return (long)i;
    }
    return -1;
}

/* Whether s is in a call (has an answered record) with anyone. */
static int in_call(const mc_signal_session *s)
{
    size_t i;

    for (i = 0; i < s->npeers; i++) {
        if (s->peers[i].state & MC_SIGNAL_CALL_ANSWERED)
            return 1;
    }
    return 0;
}

/* The index of the oldest record of s that only holds an unanswered offer, or -1: with
 * `received_only`, only offers s received (not its own). These are what a full table
 * gives up for a new offer, so stale offers never block a session for good. */
static long oldest_pending(const mc_signal_session *s, int received_only)
{
    long best = -1;
    size_t i;

    for (i = 0; i < s->npeers; i++) {
        int st = s->peers[i].state;

        if ((st & MC_SIGNAL_CALL_ANSWERED) ||
            (received_only && st != MC_SIGNAL_CALL_OFFER_RECEIVED))
            continue;
        if (best < 0 || s->peers[i].changed < s->peers[best].changed)
            best = (long)i;
    }
    return best;
}

static void remove_record(mc_signal_session *s, long i)
{
    s->peers[i] = s->peers[--s->npeers];
}

/* Forget the pair (s, s->peers[i].peer) on both sides. */
static void drop_pair(mc_signal_session *s, long i)
{
    mc_signal_session *p = s->peers[i].peer;
    long j = find_record(p, s);

    if (j >= 0)
        remove_record(p, j);
    remove_record(s, i);
}

static void send_leave(mc_signal *sig, mc_signal_session *from, mc_signal_session *to)
{
    writer w = w_begin(sig);

    w_lit(&w, "{\"type\":\"leave\",\"from\":");
    w_str(&w, from->name, from->name_len, 0);
    w_raw(&w, "}", 1);
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
    mc_signal_session *p = s->peers[i].peer;
    int st = s->peers[i].state;

    drop_pair(s, i);
    if ((st & (MC_SIGNAL_CALL_ANSWERED | MC_SIGNAL_CALL_OFFER_RECEIVED)) || !in_call(p))
        send_leave(sig, s, p);
}

/* End every pair s is in (see end_pair). */
static void end_all(mc_signal *sig, mc_signal_session *s)
{
    while (s->npeers > 0)
        end_pair(sig, s, (long)s->npeers - 1);
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
    const peer_record *last = NULL;
    size_t i;

    if (s == NULL)
        return NULL;
    for (i = 0; i < s->npeers; i++) {
        if (last == NULL || s->peers[i].changed > last->changed)
            last = &s->peers[i];
    }
    return last != NULL ? last->peer->name : NULL;
}

size_t mc_signal_session_peer_count(const mc_signal_session *s)
{
    return s != NULL ? s->npeers : 0;
}

int mc_signal_session_call(const mc_signal_session *s, const mc_signal_session *p)
{
    long i;

    if (s == NULL || p == NULL)
        return 0;
    i = find_record(s, p);
    return i >= 0 ? s->peers[i].state : 0;
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

/* The string member `key` of `obj`, or NULL when absent or not a string. */
static const char *get_string(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* Remember the request's id (a string of at most ID_MAX bytes, or an integer-valued
 * number of magnitude at most 2^53) as JSON text. Returns 0, or -1 for a bad id. */
static int take_id(mc_signal *sig, const cJSON *msg)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    writer w = { sig->id, 0, sizeof(sig->id), 0 };

    sig->id_len = 0;
    if (id == NULL)
        return 0;
    if (cJSON_IsString(id)) {
        size_t n = strlen(id->valuestring);

        if (n > ID_MAX)
            return -1;
        w_str(&w, id->valuestring, n, 0);
    } else if (cJSON_IsNumber(id)) {
        double v = id->valuedouble;
        char num[32];

        if (!(v >= -9007199254740992.0 && v <= 9007199254740992.0) || v != (double)(long long)v)
            return -1;
        snprintf(num, sizeof(num), "%lld", (long long)v);
        w_lit(&w, num);
    } else {
        return -1;
    }
    if (w.overflow)
        return -1;
    sig->id_len = w.len;
    return 0;
}

/* The code point at s[0..n) (valid UTF-8, n >= 1). */
static unsigned long utf8_decode(const unsigned char *s, size_t n)
{
    size_t k = s[0] < 0x80 ? 1 : utf8_sequence(s, n), i;
    unsigned long c;

    if (k <= 1)
        return s[0];
    c = s[0] & (0x7f >> k);
    for (i = 1; i < k; i++)
        c = (c << 6) | (s[i] & 0x3f);
    return c;
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

    if (rc == MC_OK || reason == NULL)
        return rc;
    if (rc == MC_ENAME && *key_len >= len)
        snprintf(reason, cap, "name is empty once spaces are removed");
    else if (rc == MC_ENAME || rc == MC_EFORMAT)
        snprintf(reason, cap, "name contains U+%04lX, which names may not contain (control, "
                 "invisible, unassigned, private-use and styled characters are refused)",
                 utf8_decode((const unsigned char *)name + *key_len, len - *key_len));
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

/* Move the calls of `from` (a stale session losing its name to a takeover) to `to`, which
 * has none: `to` gets the records and every peer's record names `to` instead. */
static void move_calls(mc_signal_session *from, mc_signal_session *to)
{
    size_t i;

    for (i = 0; i < from->npeers; i++) {
        mc_signal_session *p = from->peers[i].peer;
        long j = find_record(p, from);

        if (j >= 0)
            p->peers[j].peer = to;
        to->peers[i] = from->peers[i];
    }
    to->npeers = from->npeers;
    from->npeers = 0;
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
        token = get_string(msg, "token");
        if (holder == s || token == NULL || !holder->has_token || sig->io.close == NULL ||
            strlen(token) != TOKEN_BYTES * 2 ||
            !tokens_equal(token, holder->token, TOKEN_BYTES * 2))
            return reply_login_failed(sig, s, MC_SIGNAL_ERR_NAME_TAKEN, "name is taken");
        /* The same client, reconnected before its old connection was noticed gone: move
         * the name and the calls over, and have the old connection closed. The name may
         * be typed differently this time ("Alice" for "alice"): the new spelling is used. */
        mc_registry_release(sig->registry, holder->key, holder->key_len, holder);
        move_calls(holder, s);
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
    w_lit(&w, "{\"type\":\"login\",\"success\":true,\"name\":");
    w_str(&w, s->name, s->name_len, 0);
    if (s->has_token) {
        w_lit(&w, ",\"token\":\"");
        w_lit(&w, s->token);
        w_lit(&w, "\"");
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

/* An offer from s to `to` was delivered. rec: s's record of `to` (or -1: a new pair, for
 * which evict_s/evict_to, when not -1, are the records to give up to make room). A new pair
 * is "offered by s"; an existing one gains the flags, unless it is a call already (an offer
 * within a call renegotiates it). */
static void record_offer(mc_signal *sig, mc_signal_session *s, mc_signal_session *to, long rec,
                         long evict_s, long evict_to)
{
    long back;

    sig->clock++;
    if (rec < 0) {
        /* Silently: the other side of an evicted offer is not told (docs/protocol.md). */
        if (evict_s >= 0)
            drop_pair(s, evict_s);
        /* That touched s and its evicted peer only, never `to` (s had no record of it). */
        if (evict_to >= 0)
            drop_pair(to, evict_to);
        s->peers[s->npeers].peer = to;
        s->peers[s->npeers].state = 0;
        rec = (long)s->npeers++;
        to->peers[to->npeers].peer = s;
        to->peers[to->npeers].state = 0;
        to->npeers++;
    }
    back = find_record(to, s);
    if (!(s->peers[rec].state & MC_SIGNAL_CALL_ANSWERED)) {
        s->peers[rec].state |= MC_SIGNAL_CALL_OFFER_SENT;
        to->peers[back].state |= MC_SIGNAL_CALL_OFFER_RECEIVED;
    }
    s->peers[rec].changed = sig->clock;
    to->peers[back].changed = sig->clock;
}

/* An answer from s to `to` was delivered; rec is s's record of `to`. It makes a call when
 * `to` had offered s one; an answer nobody asked for is relayed (as the book's server did)
 * but changes nothing, or anyone could make himself somebody's call partner. */
static void record_answer(mc_signal *sig, mc_signal_session *s, mc_signal_session *to, long rec)
{
    long back = find_record(to, s);
    int st = s->peers[rec].state;

    if (!(st & (MC_SIGNAL_CALL_OFFER_RECEIVED | MC_SIGNAL_CALL_ANSWERED)))
        return;
    sig->clock++;
    s->peers[rec].state = MC_SIGNAL_CALL_ANSWERED;
    to->peers[back].state = MC_SIGNAL_CALL_ANSWERED;
    s->peers[rec].changed = sig->clock;
    to->peers[back].changed = sig->clock;
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
    target = get_string(msg, "name");
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
        writer m = { text, 0, sizeof(text) - 1, 0 };

        w_lit(&m, "unknown user ");
        w_str(&m, target, len, 40);
        text[m.overflow ? 0 : m.len] = '\0';
        return reply_error(sig, s, MC_SIGNAL_ERR_UNKNOWN_USER, text, target, len);
    }
    rec = find_record(s, to);
    if (kind == RELAY_OFFER && rec < 0) {
        /* A new pair needs a record on both sides. A full table gives up its oldest
         * unanswered offer: the sender any of its own, the recipient only one it received
         * (so that offers from others cannot cancel the recipient's own). */
        if (s->npeers == sig->cfg.max_peers && (evict_s = oldest_pending(s, 0)) < 0) {
            snprintf(text, sizeof(text), "you already have %zu peers (calls and offers)",
                     sig->cfg.max_peers);
            return reply_error(sig, s, MC_SIGNAL_ERR_TOO_MANY_PEERS, text, target, len);
        }
        if (to->npeers == sig->cfg.max_peers && (evict_to = oldest_pending(to, 1)) < 0) {
            snprintf(text, sizeof(text), "the recipient already has %zu peers (calls and offers)",
                     sig->cfg.max_peers);
            return reply_error(sig, s, MC_SIGNAL_ERR_TOO_MANY_PEERS, text, target, len);
        }
    }

    w = w_begin(sig);
    w_lit(&w, "{\"type\":\"");
    w_lit(&w, type);
    w_lit(&w, "\",\"");
    w_lit(&w, type);
    w_lit(&w, "\":");
    {
        /* The payload goes out as the sender wrote it (cJSON has validated it): byte for
         * byte, and without the cost of re-encoding numbers. */
        const char *raw;
        size_t raw_len;

        if (raw_member(sig->msg, sig->msg_len, type, &raw, &raw_len) == 1)
            w_raw(&w, raw, raw_len);
        else
            w_json(&w, payload);
    }
    if (kind == RELAY_OFFER) {
        w_lit(&w, ",\"name\":");
        w_str(&w, s->name, s->name_len, 0);
    }
    w_lit(&w, ",\"from\":");
    w_str(&w, s->name, s->name_len, 0);
    w_raw(&w, "}", 1);
    if (w.overflow)
        return reply_error(sig, s, MC_SIGNAL_ERR_TOO_LARGE,
                           "message too large once re-encoded", NULL, 0);
    if (deliver(sig, to, &w) != MC_OK) {
        snprintf(text, sizeof(text), "could not deliver %s: the recipient's queue has no room for it", type);
        return reply_error(sig, s, MC_SIGNAL_ERR_UNDELIVERABLE, text, target, len);
    }
    sig->stats.relayed++;
    if (kind == RELAY_OFFER)
        record_offer(sig, s, to, rec, evict_s, evict_to);
    else if (kind == RELAY_ANSWER && rec >= 0)
        record_answer(sig, s, to, rec);
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
        rec = to != NULL ? find_record(s, to) : -1;
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
    const char *end = NULL, *type;
    cJSON *msg;
    int bad, rc;
    size_t i;

    if (sig == NULL || s == NULL || (text == NULL && len != 0))
        return MC_EINVAL;
    sig->stats.messages++;
    sig->id_len = 0;
    if (len > sig->cfg.max_message) {
        char detail[80];

        snprintf(detail, sizeof(detail), "message longer than %zu bytes", sig->cfg.max_message);
        return reply_error(sig, s, MC_SIGNAL_ERR_TOO_LARGE, detail, NULL, 0);
    }
    bad = prescan((const unsigned char *)text, len, sig->cfg.max_depth);
    if (bad == MC_SIGNAL_ERR_UTF8)
        return reply_error(sig, s, MC_SIGNAL_ERR_UTF8, "message is not valid UTF-8", NULL, 0);
    if (bad == MC_SIGNAL_ERR_TOO_DEEP) {
        char detail[80];

        snprintf(detail, sizeof(detail), "JSON nested deeper than %d levels", sig->cfg.max_depth);
        return reply_error(sig, s, MC_SIGNAL_ERR_TOO_DEEP, detail, NULL, 0);
    }
    if (bad == MC_SIGNAL_ERR_JSON || len == 0)
        return reply_error(sig, s, MC_SIGNAL_ERR_JSON, "message is not valid JSON", NULL, 0);

    sig->msg = text;
    sig->msg_len = len;
    msg = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (msg == NULL)
        return reply_error(sig, s, MC_SIGNAL_ERR_JSON, "message is not valid JSON", NULL, 0);
    for (i = (size_t)(end - text); i < len; i++) {
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r') {
            cJSON_Delete(msg);
            return reply_error(sig, s, MC_SIGNAL_ERR_JSON, "message is not valid JSON", NULL, 0);
        }
    }
    if (!cJSON_IsObject(msg)) {
        cJSON_Delete(msg);
        return reply_error(sig, s, MC_SIGNAL_ERR_JSON, "message must be a JSON object", NULL, 0);
    }
    if (take_id(sig, msg) != 0) {
        cJSON_Delete(msg);
        return reply_error(sig, s, MC_SIGNAL_ERR_FIELD,
                           "id must be a string of at most 64 bytes or an integer", NULL, 0);
    }

    type = get_string(msg, "type");
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
        writer m = { detail, 0, sizeof(detail) - 1, 0 };

        /* The book's server's words, so its clients see the text they expect. */
        w_lit(&m, "Unrecognized command: ");
        w_raw(&m, type, utf8_prefix(type, strlen(type), ECHO_MAX));
        detail[m.len] = '\0';
        rc = reply_error(sig, s, MC_SIGNAL_ERR_UNKNOWN_TYPE, detail, NULL, 0);
    }
    cJSON_Delete(msg);
    sig->id_len = 0;
    return rc;
}
