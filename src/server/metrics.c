/* metrics.c: /metrics in the Prometheus text exposition format (version 0.0.4). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

typedef struct text {
    char *buf;
    size_t len, cap;
    int failed;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (t->failed)
        return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        {
            size_t cap = t->cap * 2 + (size_t)n;
            char *p = realloc(t->buf, cap);

            if (p == NULL) {
                t->failed = 1;
                return;
            }
            t->buf = p;
            t->cap = cap;
        }
    }
}

/* One metric without labels: HELP, TYPE and the value. */
static void metric(text *t, const char *name, const char *type, const char *help, uint64_t v)
{
    put(t, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name,
        (unsigned long long)v);
}

static void header(text *t, const char *name, const char *type, const char *help)
{
    put(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample of a metric labelled by reason (after its header()). */
static void reason(text *t, const char *name, const char *why, uint64_t v)
{
    put(t, "%s{reason=\"%s\"} %llu\n", name, why, (unsigned long long)v);
}

static long resident_bytes(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f == NULL)
        return 0;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
        rss = 0;
    fclose(f);
    return rss * sysconf(_SC_PAGESIZE);
}

char *mc_metrics_render(const mc_server *srv, size_t *len)
{
    const mc_server_counters *c = &srv->counters;
    mc_signal_stats st;
    text t = { NULL, 0, 4096, 0 };
    struct timespec now;
    int i;

    t.buf = malloc(t.cap);
    if (t.buf == NULL)
        return NULL;
    mc_signal_get_stats(srv->signal, &st);
    clock_gettime(CLOCK_MONOTONIC, &now);

    metric(&t, "mediacore_connections", "gauge", "Open WebSocket signaling connections.",
           srv->conn_count);
    metric(&t, "mediacore_users", "gauge", "Logged-in users.", st.users);
    metric(&t, "mediacore_connections_total", "counter",
           "WebSocket connections accepted since the server started.", c->ws_accepted);
    header(&t, "mediacore_connections_rejected_total", "counter",
           "WebSocket upgrades refused, by reason.");
    reason(&t, "mediacore_connections_rejected_total", "origin", c->ws_rejected_origin);
    reason(&t, "mediacore_connections_rejected_total", "upgrade", c->ws_rejected_upgrade);
    reason(&t, "mediacore_connections_rejected_total", "subprotocol", c->ws_rejected_protocol);
    metric(&t, "mediacore_tcp_connections", "gauge",
           "Open TCP connections, HTTP and WebSocket (what --max-connections bounds).",
           srv->tcp_count);
    header(&t, "mediacore_connections_refused_total", "counter",
           "TCP connections closed as they were accepted, by the limit that refused them.");
    reason(&t, "mediacore_connections_refused_total", "limit", c->refused_limit);
    reason(&t, "mediacore_connections_refused_total", "per_ip", c->refused_per_ip);
    reason(&t, "mediacore_connections_refused_total", "handshake_rate", c->refused_rate);
    reason(&t, "mediacore_connections_refused_total", "descriptors", c->refused_fd);
    metric(&t, "mediacore_accept_failures_total", "counter",
           "accept() failures (each pauses accepting for 100 ms).", c->accept_failed);
    header(&t, "mediacore_connections_closed_total", "counter",
           "Connections the server closed, by reason.");
    reason(&t, "mediacore_connections_closed_total", "slow_reader", c->closed_slow);
    reason(&t, "mediacore_connections_closed_total", "replaced", c->closed_replaced);
    reason(&t, "mediacore_connections_closed_total", "idle", c->closed_idle);
    metric(&t, "mediacore_relays_refused_total", "counter",
           "Relays refused to their sender: its share of the receiver's queue was full.",
           c->relay_refused);
    metric(&t, "mediacore_buffered_bytes", "gauge",
           "Bytes queued for clients and half-received, all connections (--max-buffered).",
           srv->buffered);
    metric(&t, "mediacore_memory_refused_total", "counter",
           "Messages refused or dropped because --max-buffered was reached.", c->memory_refused);
    metric(&t, "mediacore_messages_received_total", "counter",
           "Complete signaling messages received.", st.messages + c->rate_limited + c->too_large);
    metric(&t, "mediacore_messages_relayed_total", "counter",
           "offer, answer, candidate and leave messages delivered to another user.", st.relayed);
    metric(&t, "mediacore_messages_sent_total", "counter",
           "Messages queued for clients, replies included.", st.sent);
    metric(&t, "mediacore_logins_total", "counter", "Successful logins.", st.logins);
    header(&t, "mediacore_errors_total", "counter",
           "Messages answered with an error, by the error's code.");
    for (i = 0; i < MC_SIGNAL_ERR_COUNT; i++)
        put(&t, "mediacore_errors_total{kind=\"%s\"} %llu\n", mc_signal_error_code((mc_signal_error)i),
            (unsigned long long)st.errors[i]);
    metric(&t, "mediacore_received_bytes_total", "counter", "WebSocket payload bytes received.",
           c->bytes_in);
    metric(&t, "mediacore_sent_bytes_total", "counter", "WebSocket payload bytes sent.",
           c->bytes_out);
    metric(&t, "mediacore_http_requests_total", "counter",
           "HTTP requests for files, /healthz and /metrics.", c->http_requests);
    metric(&t, "mediacore_http_bad_requests_total", "counter",
           "HTTP requests refused with 400 for ambiguous framing (and closed).",
           c->http_bad_request);
    metric(&t, "mediacore_log_lines_suppressed_total", "counter",
           "Log lines left out by the log's rate bound.", c->log_suppressed);
    metric(&t, "mediacore_stun_received_total", "counter", "UDP datagrams on the STUN port.",
           c->stun_received);
    metric(&t, "mediacore_stun_answered_total", "counter", "STUN Binding responses sent.",
           c->stun_answered);
    metric(&t, "mediacore_stun_dropped_total", "counter",
           "STUN datagrams not answered (malformed, not a Binding request).", c->stun_dropped);
    metric(&t, "mediacore_stun_rate_limited_total", "counter",
           "STUN Binding requests not answered: over the per-source rate (--stun-rate).",
           c->stun_rate_limited);
    metric(&t, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
           (uint64_t)resident_bytes());
    put(&t, "# HELP mediacore_uptime_seconds Seconds since the server started.\n"
            "# TYPE mediacore_uptime_seconds gauge\nmediacore_uptime_seconds %.3f\n",
        ((double)now.tv_sec * 1e6 + (double)now.tv_nsec / 1e3 - (double)srv->started_us) / 1e6);
    if (t.failed) {
        free(t.buf);
        return NULL;
    }
    *len = t.len;
    return t.buf;
}
