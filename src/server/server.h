/* server.h: the mediacore server's shared state (one per process, owned by main()).
 *
 * One libwebsockets context, one vhost, one port: HTTP for web/ (http.c), WebSocket
 * signaling on any path (ws.c, the protocol engine in src/core/mc_signal.*), /healthz and
 * /metrics (http.c, metrics.c); STUN on UDP (stun_udp.c). Everything runs on one thread in
 * lws_service(); there are no globals: callbacks reach this struct through
 * lws_context_user().
 */
#ifndef MC_SERVER_H
#define MC_SERVER_H

#include <libwebsockets.h>
#include <limits.h>
#include <stdint.h>

#include "registry.h"
#include "mc_signal.h"
#include "rate_table.h"

#define MC_SERVER_VERSION "0.1.0"
#define MC_SERVER_MAX_ORIGINS 16

/* TLS (--tls-cert): TLS 1.2 or later, and forward-secret AEAD suites only: ECDHE with AES-GCM
 * or ChaCha20-Poly1305 for TLS 1.2 (no static RSA key exchange, no CBC, no finite-field DHE),
 * and TLS 1.3's three suites in OpenSSL's default order (all of them ECDHE/AEAD by design).
 * Set explicitly so that the system's OpenSSL configuration cannot widen them. */
#define MC_SERVER_TLS12_CIPHERS                                                         \
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"                        \
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"                        \
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define MC_SERVER_TLS13_CIPHERS \
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"
/* Strict-Transport-Security on every https response: one year (365 days), the shortest
 * max-age that HSTS preload lists accept, because browsers keep the pin for its whole life;
 * no includeSubDomains: this server cannot know whether its host's subdomains speak https. */
#define MC_SERVER_HSTS "max-age=31536000"

/* Source addresses the STUN rate limit remembers at once (see stun_udp.c): 272 KiB. */
#define MC_SERVER_STUN_SOURCES 4096

/* Event loops: libev over epoll (scales to many sockets), or libwebsockets' own poll(). */
enum { MC_LOOP_EPOLL = 0, MC_LOOP_POLL = 1 };

/* Log levels, in order: each includes the ones before it. */
enum { MC_LOG_ERROR = 0, MC_LOG_WARN = 1, MC_LOG_INFO = 2, MC_LOG_DEBUG = 3 };

/** Everything the command line sets (options.c documents each one in --help). */
typedef struct mc_server_options {
    int port;                     /* TCP port for HTTP and WebSocket; 0: any free port */
    const char *bind;             /* address to listen on; NULL: all (IPv4 and IPv6) */
    const char *web_root;         /* directory served over HTTP; NULL: none */
    int stun_port;                /* UDP port for STUN; 0: any free port; -1: off */
    const char *public_host;      /* host name put in the stun: URL given at login */
    const char *tls_cert;         /* PEM certificate: serve https and wss */
    const char *tls_key;          /* PEM private key for tls_cert */
    const char *origins[MC_SERVER_MAX_ORIGINS];   /* allowed Origin values; none: any */
    int origin_count;
    int log_level;
    mc_signal_config signal;      /* max message, name and depth */
    size_t max_queue_bytes;       /* per-connection send queue, bytes */
    unsigned max_queue_messages;  /* per-connection send queue, messages */
    double rate;                  /* messages per second per connection; 0: no limit */
    double burst;                 /* messages a connection may send at once */
    int max_connections;          /* concurrent WebSocket connections */
    int idle_timeout;             /* seconds without a pong before a ping; 0: off */
    int event_loop;               /* MC_LOOP_EPOLL or MC_LOOP_POLL */
    double stun_rate;             /* STUN answers per second per source address; 0: no limit */
    double stun_burst;            /* STUN answers a source address may get at once */
} mc_server_options;

/** Counters the transport keeps (the protocol's own are in mc_signal_stats). */
typedef struct mc_server_counters {
    uint64_t ws_accepted;         /* WebSocket connections established */
    uint64_t ws_rejected_origin;  /* upgrades refused: Origin not allowed */
    uint64_t ws_rejected_limit;   /* upgrades refused: max_connections reached */
    uint64_t closed_slow;         /* closed: send queue overflowed (slow reader) */
    uint64_t closed_replaced;     /* closed: the name was taken over by a new login */
    uint64_t closed_idle;         /* closed: no pong to a ping within the idle timeout */
    uint64_t rate_limited;        /* messages dropped by the rate limit */
    uint64_t too_large;           /* messages dropped for size while reassembling */
    uint64_t bytes_in;            /* WebSocket payload bytes received */
    uint64_t bytes_out;           /* WebSocket payload bytes sent */
    uint64_t http_requests;       /* HTTP requests answered by http.c */
    uint64_t stun_received;       /* UDP datagrams received on the STUN port */
    uint64_t stun_answered;       /* Binding responses (success or 420) sent */
    uint64_t stun_dropped;        /* datagrams not answered (not STUN, not a request, ...) */
    uint64_t stun_rate_limited;   /* Binding requests not answered: over --stun-rate */
} mc_server_counters;

typedef struct ws_conn ws_conn;

/** The process's one server. */
typedef struct mc_server {
    mc_server_options opt;
    struct lws_context *context;
    struct lws_vhost *vhost;
    mc_registry *registry;
    mc_signal *signal;
    char web_root[PATH_MAX];      /* realpath of opt.web_root, "" when not serving files */
    size_t web_root_len;
    int listen_port;              /* the TCP port actually bound */
    int stun_port;                /* the UDP port actually bound, -1 when off */
    int stun_fd;
    int signal_fd;                /* signalfd for SIGINT/SIGTERM */
    int stopping;                 /* a signal arrived: closing connections */
    int stop;                     /* leave the service loop */
    void *ev_loop;                /* the libev loop (MC_LOOP_EPOLL), else NULL */
    lws_sorted_usec_list_t grace; /* shutdown deadline */
    lws_sorted_usec_list_t sweep; /* once a second: idle connections */
    ws_conn *conns;               /* open WebSocket connections */
    size_t conn_count;
    ws_conn *doomed;              /* connections to close once the current message is done */
    int64_t started_us;
    unsigned char *batch;         /* LWS_PRE + 64 KiB: queued messages framed for one write */
    mc_server_counters counters;
    mc_rate_table *stun_limits;   /* per-source STUN token buckets; NULL: no limit */
} mc_server;

/* options.c */
void mc_server_options_default(mc_server_options *opt);
/* Parse argv into opt. Returns 0 to run, 1 when --help/--version was printed (exit 0),
 * -1 on a usage error (already reported on stderr; exit 2). */
int mc_server_options_parse(mc_server_options *opt, int argc, char **argv);

/* Logging to stderr, filtered by opt.log_level. */
void mc_server_log(const mc_server *srv, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ws.c: the signaling protocol (index 0 of the protocol list, so that WebSocket clients
 * that name no subprotocol, like the book's, land here). */
int mc_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len);
size_t mc_ws_session_size(void);
/* The mc_signal_io the engine is created with (user = the server). */
void mc_ws_signal_io(mc_signal_io *io);
/* Begin a clean shutdown: every connection is closed with 1001. */
void mc_ws_shutdown(mc_server *srv);
/* Start the once-a-second idle sweep (pings, and closes after --idle-timeout). */
void mc_ws_start_sweep(mc_server *srv);

/* main.c: stop once every connection has closed (or the grace period is over). */
void mc_server_check_stopped(mc_server *srv);

/* http.c: files from web/, /healthz, /metrics. */
int mc_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len);
size_t mc_http_session_size(void);

/* stun_udp.c: the UDP STUN responder. Returns 0 or -1 (reported). */
int mc_stun_udp_open(mc_server *srv);
int mc_stun_udp_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                         void *in, size_t len);
/* Free what mc_stun_udp_open() allocated (the socket itself belongs to libwebsockets). */
void mc_stun_udp_close(mc_server *srv);

/* metrics.c: the Prometheus text for /metrics, into a malloc'd buffer (NULL on OOM). */
char *mc_metrics_render(const mc_server *srv, size_t *len);

#endif /* MC_SERVER_H */
