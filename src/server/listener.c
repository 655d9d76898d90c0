/* listener.c: the TCP port: binding, accepting, and who may have a connection.
 *
 * The server accepts connections itself rather than letting libwebsockets listen, so that
 * a connection is admitted or refused before it costs anything, and so that a failing
 * accept() cannot spin the loop. Each connection, plain HTTP or WebSocket alike:
 *  - counts against --max-connections (all open TCP connections together);
 *  - counts against --max-connections-per-ip for its address (IPv6: its /64, see
 *    mc_addr_key), and takes a token from its address's handshake bucket
 *    (--handshake-rate per second, --handshake-burst at once; a bounded table, rate_table.h).
 * A refused connection is closed at once and counted (mediacore_connections_refused_total).
 * An admitted one goes to libwebsockets (lws_adopt_descriptor_vhost: HTTP, TLS when
 * configured); its address's counted key rides on the wsi as its opaque user data and is
 * given back when libwebsockets destroys the wsi (mc_listener_release).
 *
 * When accept() fails for want of descriptors (EMFILE, ENFILE), the waiting connection would
 * keep the socket readable and the loop would spin: a reserve descriptor (/dev/null, opened
 * at start) is closed to make room, the connection is accepted and closed at once, and the
 * reserve is taken back (a batch at a time). On that and any other failure the listener stops polling for
 * ACCEPT_PAUSE_MS, and the failure is logged through the rate-bounded log.
 */
#define _GNU_SOURCE         /* accept4() */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

#define ACCEPT_BATCH 64               /* connections accepted per readable event at most */
#define ACCEPT_PAUSE_US (100 * 1000)  /* no accepting for this long after accept() failed */

/* A socket of `type` bound to `family`'s address; -1 (errno set) on failure. */
static int bind_one(const mc_server *srv, int type, int family, const struct sockaddr *addr,
                    socklen_t alen)
{
    int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), off = 0, one = 1, err;

    if (fd < 0)
        return -1;
    if (family == AF_INET6 && srv->opt.bind == NULL)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, addr, alen) != 0 || (type == SOCK_STREAM && listen(fd, SOMAXCONN) != 0)) {
        err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

int mc_server_bind(const mc_server *srv, int type, int port, int *bound_port)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int fd = -1;

    if (srv->opt.bind == NULL) {
        struct sockaddr_in6 a6;
        struct sockaddr_in a4;

        memset(&a6, 0, sizeof(a6));
        a6.sin6_family = AF_INET6;
        a6.sin6_addr = in6addr_any;
        a6.sin6_port = htons((uint16_t)port);
        fd = bind_one(srv, type, AF_INET6, (struct sockaddr *)&a6, sizeof(a6));
        if (fd < 0 && errno != EADDRINUSE) {         /* no IPv6 here: IPv4 only */
            memset(&a4, 0, sizeof(a4));
            a4.sin_family = AF_INET;
            a4.sin_addr.s_addr = htonl(INADDR_ANY);
            a4.sin_port = htons((uint16_t)port);
            fd = bind_one(srv, type, AF_INET, (struct sockaddr *)&a4, sizeof(a4));
        }
    } else {
        struct addrinfo hints, *res = NULL, *ai;
        char service[8];

        memset(&hints, 0, sizeof(hints));
        hints.ai_socktype = type;
        hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
        snprintf(service, sizeof(service), "%d", port);
        if (getaddrinfo(srv->opt.bind, service, &hints, &res) != 0) {
            errno = EADDRNOTAVAIL;
            return -1;
        }
        for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
            fd = bind_one(srv, type, ai->ai_family, ai->ai_addr, ai->ai_addrlen);
        freeaddrinfo(res);
    }
    if (fd >= 0 && getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        *bound_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                     : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static void on_pause_over(lws_sorted_usec_list_t *sul)
{
    mc_server *srv = lws_container_of(sul, mc_server, accept_pause);

    if (srv->listen_wsi != NULL)
        lws_rx_flow_control(srv->listen_wsi, 1);
}

/* Stop accepting for a moment after accept() failed. */
static void pause_accepting(mc_server *srv, int err)
{
    srv->counters.accept_failed++;
    mc_server_log(srv, MC_LOG_ERROR, "accept: %s: not accepting for %d ms", strerror(err),
                  ACCEPT_PAUSE_US / 1000);
    lws_rx_flow_control(srv->listen_wsi, 0);
    lws_sul_schedule(srv->context, 0, &srv->accept_pause, on_pause_over, ACCEPT_PAUSE_US);
}

/* Out of descriptors: give up the reserve and use its place to take waiting connections
 * off the queue and close them (up to a batch), so that they are refused rather than kept
 * waiting; then take the reserve back. */
static void shed_with_reserve(mc_server *srv, int lfd)
{
    int fd, i;

    if (srv->reserve_fd < 0)
        return;
    close(srv->reserve_fd);
    for (i = 0; i < ACCEPT_BATCH && (fd = accept(lfd, NULL, NULL)) >= 0; i++) {
        close(fd);
        srv->counters.refused_fd++;
    }
    srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* Admit a connection from `addr`: its counted key, or NULL and in *why the counter of the
 * limit that refused it. */
static const uint8_t *admit(mc_server *srv, const struct sockaddr_storage *addr, uint64_t **why)
{
    uint8_t key[MC_ADDR_KEY_BYTES];
    const uint8_t *held = NULL;
    unsigned per_ip = srv->opt.max_connections_per_ip ? (unsigned)srv->opt.max_connections_per_ip
                                                      : (unsigned)-1;
    int rc;

    if (srv->stopping || srv->tcp_count >= (size_t)srv->opt.max_connections) {
        *why = &srv->counters.refused_limit;
        return NULL;
    }
    mc_addr_key(addr, key);
    if (srv->handshakes != NULL &&
        mc_rate_table_take(srv->handshakes, key, sizeof(key), mc_server_now_us()) != MC_OK) {
        *why = &srv->counters.refused_rate;
        return NULL;
    }
    rc = mc_addr_count_acquire(srv->per_ip, key, per_ip, &held);
    if (rc != MC_OK) {
        *why = rc == MC_ELIMIT ? &srv->counters.refused_per_ip : &srv->counters.refused_limit;
        return NULL;
    }
    return held;
}

static void accept_batch(mc_server *srv, int lfd)
{
    int i;

    for (i = 0; i < ACCEPT_BATCH; i++) {
        struct sockaddr_storage addr;
        socklen_t alen = sizeof(addr);
        lws_sock_file_fd_type sock;
        const uint8_t *held;
        uint64_t *why = NULL;
        struct lws *wsi;
        int one = 1, fd = accept4(lfd, (struct sockaddr *)&addr, &alen, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0) {
            int err = errno;

            if (err == EAGAIN || err == EWOULDBLOCK)
                return;
            if (err == EINTR || err == ECONNABORTED || err == EPROTO)
                continue;                       /* that client gave up: try the next */
            if (err == EMFILE || err == ENFILE)
                shed_with_reserve(srv, lfd);
            pause_accepting(srv, err);
            return;
        }
        held = admit(srv, &addr, &why);
        if (held == NULL) {
            (*why)++;
            mc_server_log(srv, MC_LOG_INFO, "refused a connection (%s)",
                          why == &srv->counters.refused_per_ip ? "per-address limit" :
                          why == &srv->counters.refused_rate ? "handshake rate" : "connection limit");
            close(fd);
            continue;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        sock.sockfd = fd;
        wsi = lws_adopt_descriptor_vhost(srv->vhost, LWS_ADOPT_SOCKET | LWS_ADOPT_HTTP |
                                         (srv->opt.tls_cert != NULL ? LWS_ADOPT_ALLOW_SSL : 0),
                                         sock, NULL, NULL);
        if (wsi == NULL) {                      /* lws has closed the socket */
            mc_addr_count_release(srv->per_ip, held);
            continue;
        }
        lws_set_opaque_user_data(wsi, (void *)held);
        srv->tcp_count++;
    }
}

void mc_listener_release(mc_server *srv, struct lws *wsi)
{
    const uint8_t *held = lws_get_opaque_user_data(wsi);

    if (held == NULL)
        return;
    lws_set_opaque_user_data(wsi, NULL);
    mc_addr_count_release(srv->per_ip, held);
    srv->tcp_count--;
}

static void listener_closed(mc_server *srv)
{
    srv->listen_wsi = NULL;
}

int mc_listener_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                         void *in, size_t len)
{
    (void)user;
    (void)in;
    (void)len;
    return mc_raw_descriptor_event(wsi, reason, accept_batch, listener_closed);
}

int mc_listener_open(mc_server *srv)
{
    mc_rate_table_config rc;
    lws_sock_file_fd_type u;
    uint64_t seed[2];
    int fd;

    if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
        memset(seed, 0, sizeof(seed));
    if (mc_addr_count_create((size_t)srv->opt.max_connections, seed, &srv->per_ip) != MC_OK)
        return -1;
    if (srv->opt.handshake_rate > 0) {
        mc_rate_table_config_default(&rc);
        rc.rate = srv->opt.handshake_rate;
        rc.burst = srv->opt.handshake_burst;
        rc.capacity = 16384;
        memcpy(rc.seed, seed, sizeof(seed));
        rc.seed[0] ^= 0x9e3779b97f4a7c15ULL;
        if (mc_rate_table_create(&rc, &srv->handshakes) != MC_OK)
            return -1;
    }
    fd = mc_server_bind(srv, SOCK_STREAM, srv->opt.port, &srv->listen_port);
    if (fd < 0) {
        mc_server_log(srv, MC_LOG_ERROR, "cannot listen on %s port %d: %s (in use? see --port, --bind)",
                      srv->opt.bind ? srv->opt.bind : "all addresses", srv->opt.port, strerror(errno));
        return -1;
    }
    u.filefd = fd;
    srv->listen_wsi = lws_adopt_descriptor_vhost(srv->vhost, LWS_ADOPT_RAW_FILE_DESC, u,
                                                 "mediacore-listen", NULL);
    if (srv->listen_wsi == NULL) {
        mc_server_log(srv, MC_LOG_ERROR, "libwebsockets would not poll the listening socket");
        return -1;
    }
    srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    return 0;
}

void mc_listener_close(mc_server *srv)
{
    if (srv->reserve_fd >= 0)
        close(srv->reserve_fd);
    srv->reserve_fd = -1;
    mc_rate_table_destroy(srv->handshakes);
    srv->handshakes = NULL;
    mc_addr_count_destroy(srv->per_ip);
    srv->per_ip = NULL;
}
