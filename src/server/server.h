/* server.h: the mediacore server's shared state (one per process, owned by main()).
 *
 * One libwebsockets context, one vhost, one port: HTTP for web/ (http.c), WebSocket
 * signaling on any path (ws.c, the protocol engine in src/signal/mc_signal.*), /healthz and
 * /metrics (http.c, metrics.c); STUN on UDP (stun_udp.c). Everything runs on one thread in
 * lws_service(); there are no globals: callbacks reach this struct through
 * lws_context_user().
 */
#ifndef MC_SERVER_H
#define MC_SERVER_H

#include <libwebsockets.h>
#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "addr_count.h"
#include "signal/mc_signal.h"
#include "signal/rate_table.h"
#include "signal/registry.h"

#define MC_SERVER_VERSION "0.1.0"
#define MC_SERVER_MAX_ORIGINS 16
#define MC_HOST_MAX 255           /* bytes of a host name (Host header, --public-host) */

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
    size_t max_queue_per_sender;  /* bytes one sender may have queued towards one receiver */
    size_t max_buffered;          /* queued + half-received bytes, all connections together */
    unsigned max_queue_messages;  /* per-connection send queue, messages */
    double rate;                  /* messages per second per connection; 0: no limit */
    double burst;                 /* messages a connection may send at once */
    int max_connections;          /* concurrent TCP connections (HTTP and WebSocket) */
    int max_connections_per_ip;   /* the same from one address (IPv6: one /64); 0: no limit */
    double handshake_rate;        /* new connections per second from one address; 0: no limit */
    double handshake_burst;       /* new connections one address may open at once */
    int idle_timeout;             /* seconds without a pong before a ping; 0: off */
    int event_loop;               /* MC_LOOP_EPOLL or MC_LOOP_POLL */
    double stun_rate;             /* STUN answers per second per source address; 0: no limit */
    double stun_burst;            /* STUN answers a source address may get at once */
} mc_server_options;

/** Counters the transport keeps (the protocol's own are in mc_signal_stats). */
typedef struct mc_server_counters {
    uint64_t ws_accepted;         /* WebSocket connections established */
    uint64_t ws_rejected_origin;  /* upgrades refused: Origin not allowed */
    uint64_t refused_limit;       /* connections refused: max_connections reached */
    uint64_t refused_per_ip;      /* connections refused: max_connections_per_ip reached */
    uint64_t refused_rate;        /* connections refused: the address's handshake rate */
    uint64_t refused_fd;          /* connections refused: out of descriptors (reserve used) */
    uint64_t accept_failed;       /* accept() failures that paused the listener */
    uint64_t ws_rejected_upgrade; /* upgrades refused: not "Upgrade: websocket" (h2c, ...) */
    uint64_t ws_rejected_protocol;/* upgrades refused: asked for an internal subprotocol */
    uint64_t http_bad_request;    /* requests refused with 400: ambiguous framing */
    uint64_t closed_slow;         /* closed: send queue overflowed (slow reader) */
    uint64_t relay_refused;       /* relays refused: the sender's share of the receiver's queue */
    uint64_t memory_refused;      /* messages refused or dropped: --max-buffered reached */
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
    uint64_t log_suppressed;      /* log lines left out by the rate bound (log.c) */
    uint64_t stun_rate_limited;   /* Binding requests not answered: over --stun-rate */
} mc_server_counters;

/** The log's rate bound (log.c). */
typedef struct mc_server_log_state {
    double tokens;                /* lines that may be written now */
    double at;                    /* when tokens was last brought up to date, seconds */
    uint64_t suppressed;          /* lines left out since the last one written */
} mc_server_log_state;

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
    struct lws *listen_wsi;       /* the listening socket, polled as a raw descriptor */
    int reserve_fd;               /* given up to shed a connection when out of descriptors */
    lws_sorted_usec_list_t accept_pause; /* accepting again after accept() failed */
    size_t tcp_count;             /* open TCP connections (listener.c) */
    mc_addr_count *per_ip;        /* open connections per address */
    mc_rate_table *handshakes;    /* new connections per address; NULL: no limit */
    int stun_port;                /* the UDP port actually bound, -1 when off */
    int stun_fd;
    int signal_fd;                /* signalfd for SIGINT/SIGTERM */
    int stopping;                 /* a signal arrived: closing connections */
    void (*drained)(struct mc_server *srv); /* ws.c calls it when the last connection goes */
    int stop;                     /* leave the service loop */
    void *ev_loop;                /* the libev loop (MC_LOOP_EPOLL), else NULL */
    lws_sorted_usec_list_t grace; /* shutdown deadline */
    lws_sorted_usec_list_t sweep; /* once a second: idle connections */
    ws_conn *conns;               /* open WebSocket connections */
    size_t conn_count;
    size_t buffered;              /* bytes queued and half-received, all connections (ws.c) */
    const ws_conn *sender;        /* whose message the engine is handling now (ws.c) */
    ws_conn *doomed;              /* connections to close once the current message is done */
    int64_t started_us;
    unsigned char *batch;         /* LWS_PRE + 64 KiB: queued messages framed for one write */
    mc_server_counters counters;
    mc_server_log_state log;
    mc_rate_table *stun_limits;   /* per-source STUN token buckets; NULL: no limit */
} mc_server;

/* options.c */
void mc_server_options_default(mc_server_options *opt);
/* Parse argv into opt. Returns 0 to run, 1 when --help/--version was printed (exit 0),
 * -1 on a usage error (already reported on stderr; exit 2). */
int mc_server_options_parse(mc_server_options *opt, int argc, char **argv);

/* log.c: a line on stderr, filtered by opt.log_level and bounded in rate (lines over the
 * bound are counted in counters.log_suppressed and reported with the next line written). */
void mc_server_log(mc_server *srv, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Route libwebsockets' own log lines, at our level, through the same bound. */
void mc_server_log_attach_lws(mc_server *srv);

/* ws.c: the signaling protocol (index 0 of the protocol list, so that WebSocket clients
 * that name no subprotocol, like the book's, land here). */
int mc_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len);
size_t mc_ws_session_size(void);
/* The mc_signal_io the engine is created with (user = the server). */
void mc_ws_signal_io(mc_signal_io *io);
/* Begin a clean shutdown: every connection is closed with 1001, and `drained` is called
 * once none is left (at once when there are none). */
void mc_ws_shutdown(mc_server *srv, void (*drained)(mc_server *srv));
/* Start the once-a-second idle sweep (pings, and closes after --idle-timeout). */
void mc_ws_start_sweep(mc_server *srv);

/* internal.c: the filter of every protocol but the signaling one: refuses (returns 1) and
 * counts a WebSocket that named an internal protocol as its subprotocol. */
int mc_refuse_internal(struct lws *wsi);
/* internal.c: the callback body of the server's raw-descriptor protocols (listener, STUN,
 * signals): refuse to be a WebSocket subprotocol, call `readable` with the descriptor when
 * it has input, `closed` (may be NULL) when libwebsockets closes it. */
int mc_raw_descriptor_event(struct lws *wsi, enum lws_callback_reasons reason,
                            void (*readable)(mc_server *srv, int fd),
                            void (*closed)(mc_server *srv));

/* CLOCK_MONOTONIC in microseconds: the clock of every timer, bucket and sweep. */
static inline int64_t mc_server_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* http.c: files from web/, /healthz, /metrics. */
int mc_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len);
size_t mc_http_session_size(void);
/* Requests whose framing a proxy and this server could read differently (duplicate or
 * malformed Content-Length, any Transfer-Encoding, either header with white space before
 * its colon) are answered 400: returns 1 then, and the caller hangs up; 0 for the rest. */
int mc_http_refuse_ambiguous(mc_server *srv, struct lws *wsi);
/* The length of the host at the start of `h` (a Host header or --public-host): a name of
 * letters, digits, '.' and '-', or a bracketed IPv6 literal; 0 when there is none. The
 * caller checks what follows (end of string, or ":port"). */
size_t mc_host_length(const char *h);

/* listener.c: the TCP port. mc_server_bind: a non-blocking socket of `type` (SOCK_STREAM:
 * listening too) on --bind (default: all addresses, IPv6 and IPv4) and `port`; the fd, and
 * the port bound in *bound_port, or -1 with errno set. */
int mc_server_bind(const mc_server *srv, int type, int port, int *bound_port);
/* Bind and start accepting (connection admission: see listener.c). 0, or -1 (reported). */
int mc_listener_open(mc_server *srv);
int mc_listener_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                         void *in, size_t len);
/* A connection's wsi is being destroyed: give its address's count back (any wsi may be given). */
void mc_listener_release(mc_server *srv, struct lws *wsi);
/* After lws_context_destroy() (main.c cancels accept_pause before it): free the tables. */
void mc_listener_close(mc_server *srv);

/* stun_udp.c: the UDP STUN responder. Returns 0 or -1 (reported). */
int mc_stun_udp_open(mc_server *srv);
int mc_stun_udp_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                         void *in, size_t len);
/* Free what mc_stun_udp_open() allocated (the socket itself belongs to libwebsockets). */
void mc_stun_udp_close(mc_server *srv);

/* metrics.c: the Prometheus text for /metrics, into a malloc'd buffer (NULL on OOM). */
char *mc_metrics_render(const mc_server *srv, size_t *len);

#endif /* MC_SERVER_H */
