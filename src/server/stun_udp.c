/* stun_udp.c: the STUN Binding responder on UDP (the protocol itself is src/signal/stun.*).
 *
 * One non-blocking UDP socket, dual-stack [::] unless --bind names an address, polled by
 * libwebsockets as a raw descriptor. Each readable event drains up to 64 datagrams; each
 * gets the answer mc_stun_respond() writes, or nothing. IPv4 clients on the dual-stack
 * socket (::ffff:a.b.c.d) are answered with an IPv4 XOR-MAPPED-ADDRESS.
 *
 * Per-source rate limit (--stun-rate, --stun-burst): an answer costs its source a token
 * from a bucket in an mc_rate_table (src/signal/rate_table.h: 4096 sources, least recently
 * seen forgotten first, SipHash keyed with a random seed). A source is an IPv4 address or an
 * IPv6 /64, without the port: UDP sources can be forged, and a reflection attack names its
 * victim's address with whatever ports it likes, so a per-port limit would not hold it;
 * an IPv6 host (or an attacker aiming at one network) has a whole /64 to pick from. Only
 * datagrams that would be answered take a token; the others are dropped anyway. A request
 * over the limit gets no answer and counts in stun_rate_limited.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"
#include "signal/stun.h"

/* The per-source token buckets, keyed with a random seed. Returns 0 or -1 (no memory). */
static int create_limits(mc_server *srv)
{
    mc_rate_table_config cfg;

    mc_rate_table_config_default(&cfg);
    cfg.rate = srv->opt.stun_rate;
    cfg.burst = srv->opt.stun_burst;
    cfg.capacity = MC_SERVER_STUN_SOURCES;
    if (getrandom(cfg.seed, sizeof(cfg.seed), 0) != (ssize_t)sizeof(cfg.seed))
        mc_server_log(srv, MC_LOG_WARN, "getrandom failed: hashing STUN sources with a fixed key");
    return mc_rate_table_create(&cfg, &srv->stun_limits) == MC_OK ? 0 : -1;
}

int mc_stun_udp_open(mc_server *srv)
{
    lws_sock_file_fd_type u;
    int fd;

    srv->stun_port = -1;
    if (srv->opt.stun_port < 0)
        return 0;
    fd = mc_server_bind(srv, SOCK_DGRAM, srv->opt.stun_port, &srv->stun_port);
    if (fd < 0) {
        mc_server_log(srv, MC_LOG_ERROR, "STUN: cannot bind UDP port %d: %s (use --stun-port "
                      "to choose another, or --stun-port off)", srv->opt.stun_port, strerror(errno));
        srv->stun_port = -1;
        return -1;
    }
    u.filefd = fd;
    if (lws_adopt_descriptor_vhost(srv->vhost, LWS_ADOPT_RAW_FILE_DESC, u, "mediacore-stun", NULL) == NULL) {
        mc_server_log(srv, MC_LOG_ERROR, "STUN: libwebsockets would not poll the UDP socket");
        srv->stun_port = -1;
        return -1;
    }
    srv->stun_fd = fd;
    if (srv->opt.stun_rate > 0 && create_limits(srv) != 0) {
        mc_server_log(srv, MC_LOG_ERROR, "STUN: out of memory for the rate limit table");
        return -1;
    }
    return 0;
}

/* The rate limit table goes; the socket is libwebsockets' to close. */
void mc_stun_udp_close(mc_server *srv)
{
    mc_rate_table_destroy(srv->stun_limits);
    srv->stun_limits = NULL;
}

/* May `from` have another answer now? Keyed like the listener's limits (mc_addr_key): an
 * IPv4 address, or an IPv6 /64. */
static int within_rate(mc_server *srv, const struct sockaddr_storage *from)
{
    uint8_t key[MC_ADDR_KEY_BYTES];

    if (srv->stun_limits == NULL)
        return 1;
    mc_addr_key(from, key);
    return mc_rate_table_take(srv->stun_limits, key, sizeof(key), mc_server_now_us()) == MC_OK;
}

/* The sender as an mc_stun_address; IPv4-mapped IPv6 becomes IPv4. */
static int to_stun_address(const struct sockaddr_storage *ss, mc_stun_address *a)
{
    memset(a, 0, sizeof(*a));
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

        a->family = 4;
        a->port = ntohs(s4->sin_port);
        memcpy(a->addr, &s4->sin_addr, 4);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

        a->port = ntohs(s6->sin6_port);
        if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
            a->family = 4;
            memcpy(a->addr, s6->sin6_addr.s6_addr + 12, 4);
        } else {
            a->family = 6;
            memcpy(a->addr, s6->sin6_addr.s6_addr, 16);
        }
    } else {
        return -1;
    }
    return a->port == 0 ? -1 : 0;     /* nobody to answer */
}

static void drain(mc_server *srv, int fd)
{
    uint8_t in[1500], out[MC_STUN_MAX_RESPONSE];
    int i;

    for (i = 0; i < 64; i++) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof(from);
        mc_stun_address a;
        size_t n = 0;
        ssize_t r = recvfrom(fd, in, sizeof(in), MSG_TRUNC, (struct sockaddr *)&from, &fl);

        if (r < 0)
            break;                         /* EAGAIN: drained */
        srv->counters.stun_received++;
        if ((size_t)r > sizeof(in) || to_stun_address(&from, &a) != 0 ||
            mc_stun_respond(in, (size_t)r, &a, out, sizeof(out), &n) != MC_OK || n == 0) {
            srv->counters.stun_dropped++;
            continue;
        }
        if (!within_rate(srv, &from)) {
            srv->counters.stun_rate_limited++;
            continue;
        }
        if (sendto(fd, out, n, MSG_DONTWAIT, (struct sockaddr *)&from, fl) == (ssize_t)n)
            srv->counters.stun_answered++;
        else
            srv->counters.stun_dropped++;
    }
}

static void stun_closed(mc_server *srv)
{
    srv->stun_fd = -1;
}

int mc_stun_udp_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                         void *in, size_t len)
{
    (void)user;
    (void)in;
    (void)len;
    return mc_raw_descriptor_event(wsi, reason, drain, stun_closed);
}
