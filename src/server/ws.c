/* ws.c: WebSocket signaling: one mc_signal session per connection.
 *
 * Receiving: libwebsockets hands a message over in pieces (fragments, and pieces of a
 * frame no larger than the rx buffer); they are reassembled, up to --max-message bytes,
 * before the protocol engine sees them. A message that fits in one piece is parsed in
 * place, without a copy. A longer one is dropped as it arrives (nothing past the limit is
 * kept) and answered with a "too-large" error; the connection stays open.
 *
 * Sending: the engine's replies and relays are queued per connection and written in
 * LWS_CALLBACK_SERVER_WRITEABLE, one lws_write() per callback as libwebsockets requires. When
 * several messages are waiting, that one write carries up to BATCH_BYTES of them, each framed
 * as its own WebSocket text message here (server frames are unmasked and we negotiate no
 * extensions, so the framing is the RFC 6455 header and nothing else) and handed to lws as
 * raw bytes: one send() and one writable event for the lot instead of one per message.
 * What others send never costs a receiver its connection: a message relayed from another
 * user (offer, answer, candidate, leave) that would take the sender's share of the
 * receiver's queue past --max-queue-per-sender bytes (or a quarter of --max-queue-messages),
 * or the receiver's whole queue past --max-queue, is refused, and the sender is told
 * "undeliverable". Only a reader that lets its own replies pass --max-queue bytes or
 * --max-queue-messages is closed, with 1008 and a reason; its name is released at once and
 * its peer told, without waiting for the socket to drain.
 *
 * Memory: queued messages and half-received messages of all connections together are held
 * to --max-buffered bytes (mc_server.buffered). Past it, relays are refused ("undeliverable")
 * and a message being reassembled is dropped and answered "server-busy".
 *
 * Idle connections: once a second a sweep looks at when each connection last sent anything;
 * one silent for --idle-timeout seconds gets a ping, and one that has not answered it half as
 * long again (at least a second) later is dropped. (libwebsockets' own idle timers are not
 * used: see main.c.)
 *
 * Upgrades: every upgrade request passes LWS_CALLBACK_HTTP_CONFIRM_UPGRADE first, where
 * only "Upgrade: websocket" with unambiguous framing goes on (no h2c, and the guard against
 * a use-after-free in libwebsockets 4.1.6: see confirm_upgrade()). Then the Origin check
 * and the Host header (for the stun: URL given at login) happen in
 * LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION. Only the signaling protocol may be chosen: the
 * server's internal protocols (HTTP files, STUN, signals) refuse in their own filter
 * (mc_refuse_internal, internal.c), since a client may name any of them as its subprotocol.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "base/json.h"

#include "server.h"

#define BATCH_BYTES 65536     /* most bytes of queued messages written in one go */

enum { RX_KEEP = 0, RX_TOO_LARGE = 1, RX_BUSY = 2 };   /* ws_conn.rx_discard */

typedef struct out_msg {
    struct out_msg *next;
    const ws_conn *from;          /* the relaying sender; NULL: the receiver's own reply.
                                   * Only compared, never followed (it may be gone). */
    size_t len;
    unsigned char data[];         /* LWS_PRE bytes of headroom, then the message */
} out_msg;

struct ws_conn {
    struct lws *wsi;
    mc_signal_session *sig;       /* NULL before ESTABLISHED and once doomed */
    ws_conn *prev, *next;         /* mc_server.conns */
    ws_conn *next_doomed;
    int listed;                   /* on mc_server.conns */
    int doomed;                   /* on mc_server.doomed */
    int closing;                  /* a close is under way: no more sends */
    int close_code;
    const char *close_reason;     /* static text */
    int want_write;               /* lws_callback_on_writable already asked */
    int ping_due;                 /* the sweep wants a ping sent */
    int ping_sent;                /* a ping is out, no answer yet */
    int64_t ping_us;              /* when the sweep asked for it */
    int64_t heard_us;             /* when the client last sent anything (monotonic) */
    /* receive */
    char *rx;
    size_t rx_len, rx_cap;
    int rx_discard;               /* dropping the current message: RX_TOO_LARGE or RX_BUSY */
    /* send */
    out_msg *head, *tail;
    size_t q_bytes;
    unsigned q_count;
    /* rate limit: a token bucket */
    double tokens;
    int64_t tokens_at;            /* CLOCK_MONOTONIC, microseconds */
    char *host;                   /* Host header, for the stun: URL; NULL if unusable */
};

size_t mc_ws_session_size(void)
{
    return sizeof(ws_conn);
}

static mc_server *server_of(struct lws *wsi)
{
    return lws_context_user(lws_get_context(wsi));
}

static void request_write(ws_conn *c)
{
    if (!c->want_write) {
        c->want_write = 1;
        lws_callback_on_writable(c->wsi);
    }
}

/* Bytes the server holds for clients: queued and half-received messages. */
static void account(mc_server *srv, size_t add, size_t sub)
{
    srv->buffered = srv->buffered + add - sub;
}

static void free_rx(mc_server *srv, ws_conn *c)
{
    account(srv, 0, c->rx_cap);
    free(c->rx);
    c->rx = NULL;
    c->rx_len = c->rx_cap = 0;
}

static void free_queue(mc_server *srv, ws_conn *c)
{
    out_msg *m, *next;

    for (m = c->head; m != NULL; m = next) {
        next = m->next;
        free(m);
    }
    account(srv, 0, c->q_bytes);
    c->head = c->tail = NULL;
    c->q_bytes = 0;
    c->q_count = 0;
}

/* Close `c` soon: stop sending to it, drop what is queued, and have the protocol session
 * ended (name released, peer told) as soon as the engine call in progress returns. The
 * close frame goes out on the next WRITEABLE; if the socket never drains, lws kills it. */
static void doom(mc_server *srv, ws_conn *c, int code, const char *reason)
{
    if (c->closing)
        return;
    c->closing = 1;
    c->close_code = code;
    c->close_reason = reason;
    free_queue(srv, c);
    if (!c->doomed && c->sig != NULL) {
        c->doomed = 1;
        c->next_doomed = srv->doomed;
        srv->doomed = c;
    }
    if (c->wsi != NULL) {
        request_write(c);
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, 5);
    }
}

/* End a session: its leave messages go out as relays from `c` (they may be refused, never
 * close a receiver). */
static void close_session(mc_server *srv, ws_conn *c, mc_signal_session *s)
{
    const ws_conn *was = srv->sender;

    srv->sender = c;
    mc_signal_session_close(srv->signal, s);
    srv->sender = was;
}

/* End the protocol sessions of doomed connections. Closing one may send "leave" to a peer
 * whose queue then overflows, dooming it too: loop until none is left. */
static void bury_doomed(mc_server *srv)
{
    while (srv->doomed != NULL) {
        ws_conn *c = srv->doomed;

        srv->doomed = c->next_doomed;
        c->next_doomed = NULL;
        c->doomed = 0;
        if (c->sig != NULL) {
            mc_signal_session *s = c->sig;

            c->sig = NULL;
            close_session(srv, c, s);
        }
    }
}

/* ---- the engine's transport ---- */

/* Whether `len` more bytes fit in `c`'s queue (--max-queue, --max-queue-messages). */
static int queue_has_room(const mc_server *srv, const ws_conn *c, size_t len)
{
    return c->q_count < srv->opt.max_queue_messages && len <= srv->opt.max_queue_bytes - c->q_bytes;
}

/* Whether a relay of `len` bytes from `from` fits in `c`'s queue: within the whole queue's
 * limits and within the sender's share of it. */
static int relay_fits(const mc_server *srv, const ws_conn *c, const ws_conn *from, size_t len)
{
    size_t share = srv->opt.max_queue_per_sender, bytes = len;
    unsigned share_msgs = srv->opt.max_queue_messages / 4 ? srv->opt.max_queue_messages / 4 : 1;
    unsigned count = 1;
    const out_msg *m;

    if (!queue_has_room(srv, c, len) || len > share)
        return 0;
    if (c->q_bytes + len <= share && c->q_count < share_msgs)
        return 1;                          /* the whole queue is within one share */
    for (m = c->head; m != NULL; m = m->next) {
        if (m->from == from) {
            bytes += m->len;
            count++;
        }
    }
    return bytes <= share && count <= share_msgs;
}

static int io_send(void *user, void *conn, const char *text, size_t len)
{
    mc_server *srv = user;
    ws_conn *c = conn;
    const ws_conn *from = srv->sender != c ? srv->sender : NULL;
    out_msg *m;

    if (c->closing)
        return MC_ESTATE;
    if (from != NULL && !relay_fits(srv, c, from, len)) {
        srv->counters.relay_refused++;
        return MC_ELIMIT;                  /* the sender is told "undeliverable" */
    }
    if (len > srv->opt.max_buffered - srv->buffered) {
        srv->counters.memory_refused++;
        return MC_ELIMIT;
    }
    if (!queue_has_room(srv, c, len)) {
        srv->counters.closed_slow++;
        mc_server_log(srv, MC_LOG_INFO, "closing a connection that is not reading (%u messages queued)",
                      c->q_count);
        doom(srv, c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "send queue full: not reading fast enough");
        return MC_ELIMIT;
    }
    m = malloc(sizeof(*m) + LWS_PRE + len);
    if (m == NULL)
        return MC_ENOMEM;
    m->next = NULL;
    m->from = from;
    m->len = len;
    memcpy(m->data + LWS_PRE, text, len);
    if (c->tail != NULL)
        c->tail->next = m;
    else
        c->head = m;
    c->tail = m;
    c->q_bytes += len;
    account(srv, len, 0);
    c->q_count++;
    request_write(c);
    return MC_OK;
}

static void io_close(void *user, void *conn, int code, const char *reason)
{
    mc_server *srv = user;

    srv->counters.closed_replaced++;
    doom(srv, conn, code, reason);
}

static int io_random(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    return getrandom(buf, len, 0) == (ssize_t)len ? MC_OK : MC_EINTERNAL;
}

/* ,"iceServers":[{"urls":"stun:HOST:PORT"}] when STUN is on and the host is known. The
 * members are printed by cJSON (mc_json_print), so whatever the host holds stays a JSON string (options.c
 * and host_of() only let host names and IP literals through in the first place). */
static size_t io_login_extra(void *user, void *conn, const char *name, size_t name_len,
                             char *buf, size_t cap)
{
    mc_server *srv = user;
    ws_conn *c = conn;
    const char *host = srv->opt.public_host != NULL ? srv->opt.public_host : c->host;
    cJSON *root, *servers, *entry;
    char url[MC_HOST_MAX + 16];
    size_t n = 0;
    int ok;

    (void)name;
    (void)name_len;
    if (srv->stun_port <= 0 || host == NULL || cap < 16 || cap > INT_MAX)
        return 0;
    snprintf(url, sizeof(url), "stun:%s:%d", host, srv->stun_port);
    root = cJSON_CreateObject();
    servers = cJSON_AddArrayToObject(root, "iceServers");
    entry = cJSON_CreateObject();
    ok = servers != NULL && entry != NULL && cJSON_AddItemToArray(servers, entry) &&
         cJSON_AddStringToObject(entry, "urls", url) != NULL &&
         mc_json_print(root, buf, cap, &n) == MC_OK;
    if (!ok && servers == NULL)
        cJSON_Delete(entry);
    cJSON_Delete(root);
    /* {"iceServers":[...]} becomes ,"iceServers":[...] */
    if (ok && n >= 2 && buf[0] == '{' && buf[n - 1] == '}') {
        buf[0] = ',';
        return n - 1;
    }
    return 0;
}

void mc_ws_signal_io(mc_signal_io *io)
{
    io->send = io_send;
    io->close = io_close;
    io->random = io_random;
    io->login_extra = io_login_extra;
}

/* ---- connection setup ---- */

/* The host part of a Host header ("example.org:8888", "[::1]:8888") as a new string, if it
 * is a host name or an IP literal (mc_host_length); NULL otherwise. */
static char *host_of(const char *h)
{
    size_t n = mc_host_length(h);
    char *out;

    if (n == 0 || n > MC_HOST_MAX || (h[n] != '\0' && h[n] != ':'))
        return NULL;
    out = malloc(n + 1);
    if (out != NULL) {
        memcpy(out, h, n);
        out[n] = '\0';
    }
    return out;
}

static int origin_allowed(const mc_server *srv, struct lws *wsi)
{
    char origin[256];
    int i, n;

    if (srv->opt.origin_count == 0)
        return 1;
    n = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
    if (n <= 0)
        return 1;                       /* not a browser: Origin is theirs to invent anyway */
    if (n >= (int)sizeof(origin) || lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) < 0)
        return 0;
    for (i = 0; i < srv->opt.origin_count; i++)
        if (strcmp(origin, srv->opt.origins[i]) == 0)
            return 1;
    return 0;
}

/*
 * LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: every upgrade request, before libwebsockets acts on it.
 * Only "Upgrade: websocket" (any case) with unambiguous framing goes on; h2c and everything
 * else is refused by hanging up.
 *
 * This is also where a use-after-free in libwebsockets 4.1.6 is stopped. For an Upgrade value
 * it does not know, lws_handshake_server() answers 403 and completes the transaction; on a
 * connection that has already served a keep-alive request that frees (or resets) the header
 * table, yet lws then calls this callback with `in` pointing into it and, when the callback
 * returns 0, reads it again with strcasecmp(). We never read `in`: the header is read with
 * lws_hdr_copy(), which finds no table (or an emptied one) in that case, and every answer
 * but 0 makes lws hang up before its own read. docs/protocol.md ("Hardening") says why this
 * and not a patched libwebsockets.
 */
static int confirm_upgrade(mc_server *srv, struct lws *wsi)
{
    char up[16];

    if (lws_hdr_copy(wsi, up, sizeof(up), WSI_TOKEN_UPGRADE) <= 0 || strcasecmp(up, "websocket") != 0) {
        srv->counters.ws_rejected_upgrade++;
        mc_server_log(srv, MC_LOG_INFO, "refused an upgrade that is not to a WebSocket");
        return -1;
    }
    if (mc_http_refuse_ambiguous(srv, wsi))
        return -1;
    return 0;
}

/* Free everything a connection holds; safe to call twice (CLOSED, then WSI_DESTROY). */
static void conn_cleanup(mc_server *srv, ws_conn *c)
{
    if (c->sig != NULL) {
        mc_signal_session *s = c->sig;

        c->sig = NULL;
        close_session(srv, c, s);
        bury_doomed(srv);
    }
    if (c->doomed) {
        ws_conn **p = &srv->doomed;

        while (*p != NULL && *p != c)
            p = &(*p)->next_doomed;
        if (*p == c)
            *p = c->next_doomed;
        c->doomed = 0;
    }
    if (c->listed) {
        if (c->prev != NULL)
            c->prev->next = c->next;
        else
            srv->conns = c->next;
        if (c->next != NULL)
            c->next->prev = c->prev;
        c->listed = 0;
        srv->conn_count--;
    }
    free_queue(srv, c);
    free_rx(srv, c);
    free(c->host);
    c->host = NULL;
    c->wsi = NULL;
    if (srv->drained != NULL && srv->conn_count == 0)
        srv->drained(srv);
}

/* ---- receiving ---- */

/* A token bucket: `rate` per second, at most `burst` saved up. */
static int take_token(mc_server *srv, ws_conn *c)
{
    int64_t now;

    if (srv->opt.rate <= 0)
        return 1;
    now = mc_server_now_us();
    c->tokens += (double)(now - c->tokens_at) * 1e-6 * srv->opt.rate;
    if (c->tokens > srv->opt.burst)
        c->tokens = srv->opt.burst;
    c->tokens_at = now;
    if (c->tokens < 1)
        return 0;
    c->tokens -= 1;
    return 1;
}

static void deliver_message(mc_server *srv, ws_conn *c, const char *msg, size_t len)
{
    if (c->sig == NULL)
        return;
    srv->sender = c;
    if (!take_token(srv, c)) {
        srv->counters.rate_limited++;
        mc_signal_reject(srv->signal, c->sig, MC_SIGNAL_ERR_RATE,
                         "too many messages per second: this one was dropped");
    } else {
        mc_signal_handle(srv->signal, c->sig, msg, len);
    }
    srv->sender = NULL;
    bury_doomed(srv);
}

static void on_receive(mc_server *srv, ws_conn *c, const char *in, size_t len)
{
    size_t max = srv->opt.signal.max_message;
    int complete = lws_is_final_fragment(c->wsi) && lws_remaining_packet_payload(c->wsi) == 0;

    srv->counters.bytes_in += len;
    c->heard_us = mc_server_now_us();
    c->ping_sent = 0;
    c->ping_due = 0;
    if (c->closing)
        return;
    if (!c->rx_discard && c->rx_len == 0 && complete && len <= max) {
        deliver_message(srv, c, in, len);        /* the whole message in one piece */
        return;
    }
    if (!c->rx_discard) {
        if (len > max - c->rx_len) {
            c->rx_discard = RX_TOO_LARGE;        /* keep nothing more of this one */
            free_rx(srv, c);
        } else {
            if (c->rx_len + len > c->rx_cap) {
                size_t cap = c->rx_cap ? c->rx_cap : 4096;
                char *p;

                while (cap < c->rx_len + len)
                    cap *= 2;
                if (cap > max)
                    cap = max;
                if (cap - c->rx_cap > srv->opt.max_buffered - srv->buffered) {
                    srv->counters.memory_refused++;
                    c->rx_discard = RX_BUSY;     /* over the server's memory budget */
                    free_rx(srv, c);
                    goto done;
                }
                p = realloc(c->rx, cap);
                if (p == NULL) {
                    doom(srv, c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
                    bury_doomed(srv);
                    return;
                }
                account(srv, cap, c->rx_cap);
                c->rx = p;
                c->rx_cap = cap;
            }
            memcpy(c->rx + c->rx_len, in, len);
            c->rx_len += len;
        }
    }
done:
    if (!complete)
        return;
    if (c->rx_discard) {
        char text[96];
        int busy = c->rx_discard == RX_BUSY;

        c->rx_discard = RX_KEEP;
        if (!busy) {
            srv->counters.too_large++;
            snprintf(text, sizeof(text), "message longer than %zu bytes: dropped", max);
        }
        if (c->sig != NULL) {
            mc_signal_reject(srv->signal, c->sig, busy ? MC_SIGNAL_ERR_BUSY : MC_SIGNAL_ERR_TOO_LARGE,
                             busy ? "server memory is full: message dropped, try again" : text);
            bury_doomed(srv);
        }
        return;
    }
    deliver_message(srv, c, c->rx, c->rx_len);
    c->rx_len = 0;
    if (c->rx_cap > 16384)                       /* don't sit on a big buffer */
        free_rx(srv, c);
}

/* ---- sending ---- */

static int on_writeable(mc_server *srv, ws_conn *c)
{
    out_msg *m;
    int n;

    c->want_write = 0;
    if (c->closing) {
        const char *r = c->close_reason != NULL ? c->close_reason : "";

        lws_close_reason(c->wsi, (enum lws_close_status)c->close_code,
                         (unsigned char *)r, strlen(r));
        return -1;
    }
    if (c->ping_due) {
        /* Not empty: libwebsockets 4.1.6 delivers no RECEIVE_PONG for an empty pong. */
        unsigned char ping[LWS_PRE + 2] = { [LWS_PRE] = 'm', [LWS_PRE + 1] = 'c' };

        c->ping_due = 0;
        c->ping_sent = 1;
        if (lws_write(c->wsi, ping + LWS_PRE, 2, LWS_WRITE_PING) < 0)
            return -1;
        if (c->head != NULL)
            request_write(c);
        return 0;
    }
    m = c->head;
    if (m == NULL)
        return 0;
    if (m->next == NULL || m->len + m->next->len > BATCH_BYTES) {
        /* One message: lws frames it in place (LWS_PRE headroom), no copy. */
        n = lws_write(c->wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
        if (n < (int)m->len)
            return -1;
        srv->counters.bytes_out += m->len;
        c->head = m->next;
        c->q_bytes -= m->len;
        account(srv, 0, m->len);
        c->q_count--;
        free(m);
    } else {
        /* Several: frame them back to back and write them as raw bytes, in one go. */
        unsigned char *out = srv->batch + LWS_PRE;
        size_t len = 0;

        while (m != NULL && len + m->len + 10 <= BATCH_BYTES) {
            out[len++] = 0x81;                  /* FIN, text */
            if (m->len < 126) {
                out[len++] = (unsigned char)m->len;
            } else if (m->len < 65536) {
                out[len++] = 126;
                out[len++] = (unsigned char)(m->len >> 8);
                out[len++] = (unsigned char)m->len;
            } else {
                int i;

                out[len++] = 127;
                for (i = 7; i >= 0; i--)
                    out[len++] = (unsigned char)((uint64_t)m->len >> (8 * i));
            }
            memcpy(out + len, m->data + LWS_PRE, m->len);
            len += m->len;
            srv->counters.bytes_out += m->len;
            c->head = m->next;
            c->q_bytes -= m->len;
            account(srv, 0, m->len);
        account(srv, 0, m->len);
            c->q_count--;
            free(m);
            m = c->head;
        }
        /* LWS_WRITE_HTTP is lws's "send these bytes as they are" on a ws connection. */
        n = lws_write(c->wsi, out, len, LWS_WRITE_HTTP);
        if (n < (int)len)
            return -1;
    }
    if (c->head == NULL)
        c->tail = NULL;
    else
        request_write(c);
    return 0;
}

/* Once a second: ping connections that have been silent for the idle timeout, drop those
 * that stayed silent half as long again after the ping. */
static void sweep(lws_sorted_usec_list_t *sul)
{
    mc_server *srv = lws_container_of(sul, mc_server, sweep);
    int64_t now = mc_server_now_us(), ping_after = (int64_t)srv->opt.idle_timeout * 1000000;
    int64_t grace = ping_after / 2 > 1000000 ? ping_after / 2 : 1000000;
    ws_conn *c;

    for (c = srv->conns; c != NULL; c = c->next) {
        int64_t silent = now - c->heard_us;

        if (c->closing)
            continue;
        if ((c->ping_sent || c->ping_due) && now - c->ping_us >= grace) {
            srv->counters.closed_idle++;
            mc_server_log(srv, MC_LOG_INFO, "dropping a connection silent for %lld s",
                          (long long)(silent / 1000000));
            c->closing = 1;
            free_queue(srv, c);
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        } else if (silent >= ping_after && !c->ping_sent && !c->ping_due) {
            c->ping_due = 1;
            c->ping_us = now;
            request_write(c);
        }
    }
    lws_sul_schedule(srv->context, 0, &srv->sweep, sweep, LWS_US_PER_SEC);
}

void mc_ws_start_sweep(mc_server *srv)
{
    if (srv->opt.idle_timeout > 0)
        lws_sul_schedule(srv->context, 0, &srv->sweep, sweep, LWS_US_PER_SEC);
}

void mc_ws_shutdown(mc_server *srv, void (*drained)(mc_server *srv))
{
    ws_conn *c;

    srv->drained = drained;
    for (c = srv->conns; c != NULL; c = c->next)
        doom(srv, c, LWS_CLOSE_STATUS_GOINGAWAY, "server shutting down");
    bury_doomed(srv);
    if (srv->conn_count == 0)
        drained(srv);
}

int mc_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len)
{
    mc_server *srv = server_of(wsi);
    ws_conn *c = user;

    switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return confirm_upgrade(srv, wsi);

    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        if (srv->stopping)
            return 1;
        if (!origin_allowed(srv, wsi)) {
            srv->counters.ws_rejected_origin++;
            mc_server_log(srv, MC_LOG_INFO, "refused a WebSocket upgrade from a disallowed Origin");
            return 1;
        }
        if (srv->stun_port > 0 && srv->opt.public_host == NULL) {
            char host[MC_HOST_MAX + 8];

            if (lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) > 0)
                c->host = host_of(host);
        }
        return 0;

    case LWS_CALLBACK_ESTABLISHED:
        c->wsi = wsi;
        if (mc_signal_session_open(srv->signal, c, &c->sig) != MC_OK)
            return -1;
        c->tokens = srv->opt.burst;
        c->tokens_at = mc_server_now_us();
        c->heard_us = c->tokens_at;
        c->next = srv->conns;
        c->prev = NULL;
        if (srv->conns != NULL)
            srv->conns->prev = c;
        srv->conns = c;
        c->listed = 1;
        srv->conn_count++;
        srv->counters.ws_accepted++;
        return 0;

    case LWS_CALLBACK_RECEIVE:
        if (c->wsi == NULL)
            return -1;
        on_receive(srv, c, in, len);
        return 0;

    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (c->wsi == NULL)
            return -1;
        return on_writeable(srv, c);

    case LWS_CALLBACK_RECEIVE_PONG:
        c->heard_us = mc_server_now_us();
        c->ping_sent = 0;
        c->ping_due = 0;
        return 0;

    case LWS_CALLBACK_CLOSED:
        conn_cleanup(srv, c);
        return 0;

    case LWS_CALLBACK_WSI_DESTROY:
        /* Sent to protocols[0] for every connection, whatever protocol it was bound to:
         * each gives its place back to the listener, and only ours carry a ws_conn. */
        mc_listener_release(srv, wsi);
        if (c != NULL && lws_get_protocol(wsi) != NULL &&
            lws_get_protocol(wsi)->callback == mc_ws_callback)
            conn_cleanup(srv, c);
        return 0;

    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}
