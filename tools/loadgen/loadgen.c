/* loadgen.c: load generator for signaling servers that speak the book's protocol
 * (mediacore-server, and tools/bench/book-server.mjs for comparison).
 *
 * One thread, epoll, non-blocking sockets and a minimal WebSocket client (RFC 6455: the
 * upgrade, masked text frames out, unmasked frames in, pong for ping). It:
 *   1. opens N connections (at most --connect-burst handshakes at a time),
 *   2. logs each in as <prefix>-<i>,
 *   3. pairs them (2k calls 2k+1: offer, answer),
 *   4. has every connection send ICE candidates to its partner, either at a fixed total
 *      rate (--rate R, spread evenly over connections) or as fast as the server takes them
 *      with --window messages in flight per connection (--rate 0),
 *   5. after --warmup seconds, measures for --duration seconds: messages relayed per second,
 *      one-way relay latency (each candidate carries its send time; sender and receiver are
 *      this process, so one monotonic clock), the server's CPU and memory (--server-pid,
 *      from /proc), and its own CPU (to show whether the server or the client is the limit).
 * Results go to stdout as one JSON object (--json) or readable lines.
 *
 *   mediacore-loadgen --url ws://127.0.0.1:8888/ --connections 10000 --rate 5000 --duration 10
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { ST_CONNECTING, ST_HANDSHAKE, ST_OPEN, ST_CLOSED };

typedef struct buf {
    char *data;
    size_t len, cap, off;
} buf;

typedef struct conn {
    int fd;
    int state;
    int index;
    int logged_in;
    int paired;
    int in_flight;        /* candidates sent to the partner not yet received by it */
    uint64_t next_due;    /* open loop: when this connection sends next (ns) */
    int want_out;         /* EPOLLOUT registered */
    int dirty;            /* on the dirty list: output waiting to be written */
    buf in, out;
} conn;

typedef struct options {
    const char *host;
    int port;
    const char *path;
    int connections;
    int connect_burst;
    double rate;
    int window;
    double warmup, duration;
    int payload;
    int server_pid;
    const char *prefix;
    int json;
    double timeout;
} options;

typedef struct stats {
    uint64_t sent, received, errors, unexpected, closed;
    uint32_t *lat;        /* microseconds, measured window only */
    size_t nlat, caplat;
} stats;

typedef struct world {
    options o;
    conn *c;
    int ep;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    int opened, handshaking, started, logged, paired;
    int measuring;
    uint64_t measured_received;
    stats st;
    char *candidate_tail;  /* the filler in each candidate */
    conn **dirty;          /* connections with output to write */
    int ndirty;
    int relaying;          /* closed loop: a received candidate lets its sender send again */
} world;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "loadgen: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static void buf_reserve(buf *b, size_t more)
{
    if (b->off > 0 && b->off == b->len) {
        b->off = b->len = 0;
    }
    if (b->len + more <= b->cap)
        return;
    if (b->off > 0) {
        memmove(b->data, b->data + b->off, b->len - b->off);
        b->len -= b->off;
        b->off = 0;
        if (b->len + more <= b->cap)
            return;
    }
    while (b->cap < b->len + more)
        b->cap = b->cap ? b->cap * 2 : 4096;
    b->data = realloc(b->data, b->cap);
    if (b->data == NULL)
        die("%s", "out of memory");
}

static void want_out(world *w, conn *c, int on)
{
    struct epoll_event ev;

    if (c->want_out == on || c->fd < 0)
        return;
    c->want_out = on;
    ev.events = EPOLLIN | (on ? EPOLLOUT : 0);
    ev.data.ptr = c;
    epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void close_conn(world *w, conn *c)
{
    if (c->fd >= 0) {
        struct linger l = { 1, 0 };   /* reset: no TIME_WAIT piling up between runs */

        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
    }
    if (c->state == ST_OPEN || c->state == ST_HANDSHAKE)
        w->st.closed++;
    c->state = ST_CLOSED;
}

static void flush(world *w, conn *c)
{
    while (c->out.len > c->out.off) {
        ssize_t n = write(c->fd, c->out.data + c->out.off, c->out.len - c->out.off);

        if (n < 0) {
            if (errno == EAGAIN) {
                want_out(w, c, 1);
                return;
            }
            close_conn(w, c);
            return;
        }
        c->out.off += (size_t)n;
    }
    c->out.off = c->out.len = 0;
    want_out(w, c, 0);
}

static void mark_dirty(world *w, conn *c)
{
    if (!c->dirty) {
        c->dirty = 1;
        w->dirty[w->ndirty++] = c;
    }
}

/* Append one masked frame (opcode: 1 text, 10 pong). */
static void frame(world *w, conn *c, int opcode, const char *p, size_t n)
{
    static const uint8_t mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
    uint8_t *o;
    size_t i, h = n < 126 ? 6 : n < 65536 ? 8 : 14;

    buf_reserve(&c->out, h + n);
    o = (uint8_t *)c->out.data + c->out.len;
    o[0] = (uint8_t)(0x80 | opcode);
    if (n < 126) {
        o[1] = (uint8_t)(0x80 | n);
    } else if (n < 65536) {
        o[1] = 0x80 | 126;
        o[2] = (uint8_t)(n >> 8);
        o[3] = (uint8_t)n;
    } else {
        o[1] = 0x80 | 127;
        for (i = 0; i < 8; i++)
            o[2 + i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
    }
    memcpy(o + h - 4, mask, 4);
    for (i = 0; i < n; i++)
        o[h + i] = (uint8_t)p[i] ^ mask[i & 3];
    c->out.len += h + n;
    mark_dirty(w, c);
}

static void send_text(world *w, conn *c, const char *p, size_t n)
{
    frame(w, c, 1, p, n);
}

static void send_candidate(world *w, conn *c)
{
    char msg[1024];
    int partner = c->index ^ 1;
    int n = snprintf(msg, sizeof(msg),
                     "{\"type\":\"candidate\",\"name\":\"%s-%d\",\"candidate\":{\"candidate\":"
                     "\"candidate:%d 1 udp 2122260223 192.0.2.%d %d typ host generation 0 ufrag Ab1c%s\","
                     "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"t\":%llu}}",
                     w->o.prefix, partner, c->index, 1 + c->index % 250, 10000 + c->index % 50000,
                     w->candidate_tail, (unsigned long long)now_ns());

    send_text(w, c, msg, (size_t)n);
    c->in_flight++;
    w->st.sent++;
}

static void on_text(world *w, conn *c, const char *p, size_t n)
{
    char msg[512];
    int m;

    if (n > 9 && memcmp(p, "{\"type\":\"", 9) == 0) {
        const char *t = p + 9;

        if (strncmp(t, "candidate\"", 10) == 0) {
            const char *ts = memmem(p, n, "\"t\":", 4);
            conn *sender = &w->c[c->index ^ 1];

            w->st.received++;
            if (sender->in_flight > 0)
                sender->in_flight--;
            if (w->relaying && sender->state == ST_OPEN && sender->in_flight < w->o.window)
                send_candidate(w, sender);
            if (ts != NULL && w->measuring) {
                uint64_t sent = strtoull(ts + 4, NULL, 10), now = now_ns();
                uint64_t us = now > sent ? (now - sent) / 1000 : 0;

                w->measured_received++;
                if (w->st.nlat == w->st.caplat) {
                    w->st.caplat = w->st.caplat ? w->st.caplat * 2 : 65536;
                    w->st.lat = realloc(w->st.lat, w->st.caplat * sizeof(*w->st.lat));
                    if (w->st.lat == NULL)
                        die("%s", "out of memory");
                }
                w->st.lat[w->st.nlat++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
            }
            return;
        }
        if (strncmp(t, "login\"", 6) == 0) {
            if (memmem(p, n, "\"success\":true", 14) != NULL) {
                c->logged_in = 1;
                w->logged++;
            } else {
                w->st.errors++;
            }
            return;
        }
        if (strncmp(t, "offer\"", 6) == 0) {
            /* The callee answers its caller. */
            m = snprintf(msg, sizeof(msg),
                         "{\"type\":\"answer\",\"name\":\"%s-%d\",\"answer\":{\"type\":\"answer\","
                         "\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n\"}}",
                         w->o.prefix, c->index ^ 1);
            send_text(w, c, msg, (size_t)m);
            c->paired = 1;
            w->paired++;
            return;
        }
        if (strncmp(t, "answer\"", 7) == 0) {
            c->paired = 1;
            w->paired++;
            return;
        }
        if (strncmp(t, "error\"", 6) == 0) {
            w->st.errors++;
            if (w->st.errors <= 3)
                fprintf(stderr, "loadgen: server error: %.*s\n", (int)(n > 200 ? 200 : n), p);
            return;
        }
    }
    w->st.unexpected++;
}

/* Parse complete frames from c->in. */
static void parse_frames(world *w, conn *c)
{
    for (;;) {
        const uint8_t *p = (const uint8_t *)c->in.data + c->in.off;
        size_t avail = c->in.len - c->in.off, h = 2, n;
        int opcode;

        if (avail < 2)
            break;
        opcode = p[0] & 0x0f;
        n = p[1] & 0x7f;
        if (n == 126) {
            if (avail < 4)
                break;
            n = ((size_t)p[2] << 8) | p[3];
            h = 4;
        } else if (n == 127) {
            size_t i;

            if (avail < 10)
                break;
            for (n = 0, i = 0; i < 8; i++)
                n = (n << 8) | p[2 + i];
            h = 10;
        }
        if (avail < h + n)
            break;
        if (opcode == 1 || opcode == 2 || opcode == 0)
            on_text(w, c, (const char *)p + h, n);
        else if (opcode == 9)
            frame(w, c, 10, (const char *)p + h, n);
        else if (opcode == 8) {
            c->in.off = c->in.len = 0;
            close_conn(w, c);
            return;
        }
        c->in.off += h + n;
    }
    if (c->in.off == c->in.len)
        c->in.off = c->in.len = 0;
}

static void on_readable(world *w, conn *c)
{
    for (;;) {
        ssize_t n;

        buf_reserve(&c->in, 65536);
        n = read(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len);
        if (n > 0) {
            c->in.len += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EAGAIN)
            break;
        close_conn(w, c);
        return;
    }
    if (c->state == ST_HANDSHAKE) {
        char *end = memmem(c->in.data + c->in.off, c->in.len - c->in.off, "\r\n\r\n", 4);

        if (end == NULL)
            return;
        if (c->in.len - c->in.off < 12 || memcmp(c->in.data + c->in.off, "HTTP/1.1 101", 12) != 0) {
            w->st.errors++;
            close_conn(w, c);
            w->handshaking--;
            return;
        }
        c->in.off = (size_t)(end + 4 - c->in.data);
        c->state = ST_OPEN;
        w->handshaking--;
        w->opened++;
    }
    parse_frames(w, c);
}

static void start_connect(world *w, conn *c)
{
    struct epoll_event ev;
    int one = 1;

    c->fd = socket(w->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        die("socket: %s (raise ulimit -n)", strerror(errno));
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(c->fd, (struct sockaddr *)&w->addr, w->addrlen) != 0 && errno != EINPROGRESS)
        die("connect: %s", strerror(errno));
    c->state = ST_CONNECTING;
    c->want_out = 1;
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.ptr = c;
    epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev);
    w->handshaking++;
    w->started++;
}

static void on_writable(world *w, conn *c)
{
    if (c->state == ST_CONNECTING) {
        char req[512];
        int err = 0, n;
        socklen_t l = sizeof(err);

        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err != 0) {
            w->st.errors++;
            w->handshaking--;
            close_conn(w, c);
            return;
        }
        n = snprintf(req, sizeof(req),
                     "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: bG9hZGdlbi1rZXktMTIzNA==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                     w->o.path, w->o.host, w->o.port);
        buf_reserve(&c->out, (size_t)n);
        memcpy(c->out.data + c->out.len, req, (size_t)n);
        c->out.len += (size_t)n;
        c->state = ST_HANDSHAKE;
    }
    flush(w, c);
}

static void poll_once(world *w, int64_t timeout_ns)
{
    struct epoll_event ev[512];
    struct timespec ts = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };
    int n = epoll_pwait2(w->ep, ev, 512, &ts, NULL), i;

    for (i = 0; i < n; i++) {
        conn *c = ev[i].data.ptr;

        if (c->fd < 0)
            continue;
        if (ev[i].events & (EPOLLERR | EPOLLHUP) && c->state == ST_CONNECTING) {
            w->st.errors++;
            w->handshaking--;
            close_conn(w, c);
            continue;
        }
        if (ev[i].events & EPOLLOUT)
            on_writable(w, c);
        if (c->fd >= 0 && (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
            on_readable(w, c);
    }
}

/* Write what the dirty connections have queued (one write() per connection). */
static void flush_all(world *w)
{
    int i, n = w->ndirty;

    w->ndirty = 0;
    for (i = 0; i < n; i++) {
        conn *c = w->dirty[i];

        c->dirty = 0;
        if (c->fd >= 0 && c->out.len > c->out.off && !c->want_out)
            flush(w, c);
    }
}

/* Run the event loop until cond() holds or the phase times out. */
static int run_until(world *w, int (*cond)(world *), double seconds, const char *phase)
{
    uint64_t end = now_ns() + (uint64_t)(seconds * 1e9);

    while (!cond(w)) {
        if (now_ns() > end) {
            fprintf(stderr, "loadgen: %s timed out\n", phase);
            return -1;
        }
        if (strcmp(phase, "connect") == 0) {
            while (w->started < w->o.connections && w->handshaking < w->o.connect_burst)
                start_connect(w, &w->c[w->started]);
        }
        poll_once(w, 5000000);
        flush_all(w);
    }
    return 0;
}

static int all_open(world *w) { return w->opened + (int)w->st.errors >= w->o.connections && w->handshaking == 0; }
static int all_logged(world *w) { return w->logged + (int)w->st.errors >= w->opened; }
static int all_paired(world *w) { return w->paired >= (w->logged & ~1); }

/* /proc/PID: user+system CPU ticks and resident bytes. */
static int proc_sample(int pid, uint64_t *ticks, uint64_t *rss)
{
    char path[64], line[2048];
    FILE *f;
    unsigned long ut = 0, stt = 0;
    long pages = 0;
    char *p;
    int i;

    if (pid <= 0)
        return -1;
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    if (fgets(line, sizeof(line), f) == NULL) {
        fclose(f);
        return -1;
    }
    fclose(f);
    p = strrchr(line, ')');
    if (p == NULL)
        return -1;
    /* Fields after the command: state is field 3; utime 14, stime 15, rss 24. */
    p += 2;
    for (i = 3; i < 14 && p; i++)
        p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
    if (p == NULL || sscanf(p, "%lu %lu", &ut, &stt) != 2)
        return -1;
    for (; i < 24 && p; i++)
        p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
    if (p == NULL || sscanf(p, "%ld", &pages) != 1)
        return -1;
    *ticks = ut + stt;
    *rss = (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
    return 0;
}

static double self_cpu_seconds(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double pct(const stats *st, double q)
{
    size_t i;

    if (st->nlat == 0)
        return 0;
    i = (size_t)(q * (double)(st->nlat - 1) + 0.5);
    return st->lat[i] / 1000.0;
}

static void usage(void)
{
    puts("Usage: mediacore-loadgen --url ws://HOST:PORT/PATH [options]\n"
         "  --connections N      connections to open, log in and pair (default 1000; even)\n"
         "  --connect-burst N    handshakes in progress at once (default 256)\n"
         "  --rate R             candidate messages per second in total; 0: as fast as the\n"
         "                       server relays them, --window in flight per connection (default 0)\n"
         "  --window W           messages in flight per connection when --rate 0 (default 4)\n"
         "  --warmup S           seconds of load before measuring (default 2)\n"
         "  --duration S         seconds measured (default 10)\n"
         "  --payload BYTES      extra bytes in each candidate (default 0: about 200-byte messages)\n"
         "  --server-pid PID     report the server's CPU and memory from /proc\n"
         "  --prefix NAME        user name prefix (default lg<pid>)\n"
         "  --timeout S          give up on a phase after S seconds (default 120)\n"
         "  --json               one JSON object on stdout");
}

static int parse_url(options *o, const char *url)
{
    static char host[256], path[256];
    const char *p, *colon, *slash;

    if (strncmp(url, "ws://", 5) != 0)
        return -1;
    p = url + 5;
    slash = strchr(p, '/');
    colon = strchr(p, ':');
    if (colon == NULL || (slash != NULL && colon > slash))
        return -1;
    if ((size_t)(colon - p) >= sizeof(host))
        return -1;
    memcpy(host, p, (size_t)(colon - p));
    host[colon - p] = '\0';
    o->port = atoi(colon + 1);
    snprintf(path, sizeof(path), "%s", slash ? slash : "/");
    o->host = host;
    o->path = path;
    return o->port > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        { "url", required_argument, NULL, 'u' },
        { "connections", required_argument, NULL, 'n' },
        { "connect-burst", required_argument, NULL, 'b' },
        { "rate", required_argument, NULL, 'r' },
        { "window", required_argument, NULL, 'W' },
        { "warmup", required_argument, NULL, 'w' },
        { "duration", required_argument, NULL, 'd' },
        { "payload", required_argument, NULL, 'P' },
        { "server-pid", required_argument, NULL, 's' },
        { "prefix", required_argument, NULL, 'p' },
        { "timeout", required_argument, NULL, 't' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    world *w = calloc(1, sizeof(*w));
    struct addrinfo hints, *res;
    char port[16], prefix[32];
    uint64_t t0, t_open, t_logged, t_paired, rss0 = 0, rss1 = 0, ticks0 = 0, ticks1 = 0, tmp;
    uint64_t win_start, win_end;
    double cpu0, cpu1, window_s;
    int opt, i, have_server;
    struct rlimit rl;

    w->o.connections = 1000;
    w->o.connect_burst = 256;
    w->o.rate = 0;
    w->o.window = 4;
    w->o.warmup = 2;
    w->o.duration = 10;
    w->o.timeout = 120;
    snprintf(prefix, sizeof(prefix), "lg%d", (int)getpid());
    w->o.prefix = prefix;
    while ((opt = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (opt) {
        case 'u': if (parse_url(&w->o, optarg)) die("bad --url %s (ws://host:port/path)", optarg); break;
        case 'n': w->o.connections = atoi(optarg); break;
        case 'b': w->o.connect_burst = atoi(optarg); break;
        case 'r': w->o.rate = atof(optarg); break;
        case 'W': w->o.window = atoi(optarg); break;
        case 'w': w->o.warmup = atof(optarg); break;
        case 'd': w->o.duration = atof(optarg); break;
        case 'P': w->o.payload = atoi(optarg); break;
        case 's': w->o.server_pid = atoi(optarg); break;
        case 'p': w->o.prefix = optarg; break;
        case 't': w->o.timeout = atof(optarg); break;
        case 'j': w->o.json = 1; break;
        case 'h': usage(); return 0;
        default: usage(); return 2;
        }
    }
    if (w->o.host == NULL)
        die("%s", "--url is required");
    w->o.connections &= ~1;
    if (w->o.connections < 2 || w->o.window < 1 || w->o.connect_burst < 1)
        die("%s", "need at least 2 connections, a window and a burst of at least 1");
    signal(SIGPIPE, SIG_IGN);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)w->o.connections + 64) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        if (rl.rlim_cur < (rlim_t)w->o.connections + 64)
            fprintf(stderr, "loadgen: open-file limit %llu is too low for %d connections\n",
                    (unsigned long long)rl.rlim_cur, w->o.connections);
    }
    w->candidate_tail = calloc(1, (size_t)w->o.payload + 1);
    memset(w->candidate_tail, 'x', (size_t)w->o.payload);

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof(port), "%d", w->o.port);
    if (getaddrinfo(w->o.host, port, &hints, &res) != 0)
        die("cannot resolve %s", w->o.host);
    memcpy(&w->addr, res->ai_addr, res->ai_addrlen);
    w->addrlen = res->ai_addrlen;
    freeaddrinfo(res);

    w->c = calloc((size_t)w->o.connections, sizeof(conn));
    w->dirty = calloc((size_t)w->o.connections, sizeof(*w->dirty));
    for (i = 0; i < w->o.connections; i++) {
        w->c[i].fd = -1;
        w->c[i].index = i;
        w->c[i].state = ST_CLOSED;
    }
    w->ep = epoll_create1(EPOLL_CLOEXEC);
    have_server = proc_sample(w->o.server_pid, &tmp, &rss0) == 0;

    /* 1. connect */
    t0 = now_ns();
    if (run_until(w, all_open, w->o.timeout, "connect"))
        return 1;
    t_open = now_ns();
    /* 2. log in */
    for (i = 0; i < w->o.connections; i++) {
        char msg[128];
        int n;

        if (w->c[i].state != ST_OPEN)
            continue;
        n = snprintf(msg, sizeof(msg), "{\"type\":\"login\",\"name\":\"%s-%d\"}", w->o.prefix, i);
        send_text(w, &w->c[i], msg, (size_t)n);
    }
    if (run_until(w, all_logged, w->o.timeout, "login"))
        return 1;
    t_logged = now_ns();
    /* 3. pair: 2k offers to 2k+1 */
    for (i = 0; i + 1 < w->o.connections; i += 2) {
        char msg[256];
        int n;

        if (!w->c[i].logged_in || !w->c[i + 1].logged_in)
            continue;
        n = snprintf(msg, sizeof(msg),
                     "{\"type\":\"offer\",\"name\":\"%s-%d\",\"offer\":{\"type\":\"offer\","
                     "\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n\"}}",
                     w->o.prefix, i + 1);
        send_text(w, &w->c[i], msg, (size_t)n);
    }
    if (run_until(w, all_paired, w->o.timeout, "pairing"))
        return 1;
    t_paired = now_ns();
    if (have_server)
        proc_sample(w->o.server_pid, &tmp, &rss1);

    /* 4. relay: warm up, then measure */
    {
        uint64_t start = now_ns(), k = 0;
        conn **senders = calloc((size_t)w->o.connections, sizeof(*senders));
        int active = 0;

        for (i = 0; i < w->o.connections; i++)
            if (w->c[i].paired && w->c[i].state == ST_OPEN)
                senders[active++] = &w->c[i];
        if (active == 0)
            die("%s", "no pairs to relay between");
        win_start = start + (uint64_t)(w->o.warmup * 1e9);
        win_end = win_start + (uint64_t)(w->o.duration * 1e9);
        cpu0 = 0;
        if (w->o.rate <= 0) {
            /* Closed loop: fill every window; each delivery lets its sender send again. */
            w->relaying = 1;
            for (i = 0; i < active; i++)
                while (senders[i]->in_flight < w->o.window)
                    send_candidate(w, senders[i]);
        }
        for (;;) {
            uint64_t now = now_ns(), due;
            int64_t wait = 1000000;

            if (!w->measuring && now >= win_start) {
                w->measuring = 1;
                w->measured_received = 0;
                cpu0 = self_cpu_seconds();
                if (have_server)
                    proc_sample(w->o.server_pid, &ticks0, &tmp);
            }
            if (now >= win_end)
                break;
            if (w->o.rate > 0) {
                /* Open loop: message k is due at start + k / rate, on sender k mod active. */
                for (;;) {
                    due = start + (uint64_t)((double)k * 1e9 / w->o.rate);
                    if (due > now)
                        break;
                    if (senders[k % (uint64_t)active]->state == ST_OPEN)
                        send_candidate(w, senders[k % (uint64_t)active]);
                    k++;
                }
                wait = (int64_t)(due - now);
            }
            flush_all(w);
            poll_once(w, wait);
            flush_all(w);
        }
        w->relaying = 0;
        cpu1 = self_cpu_seconds();
        if (have_server)
            proc_sample(w->o.server_pid, &ticks1, &tmp);
        free(senders);
    }
    window_s = (double)(win_end - win_start) / 1e9;

    {
        int held = 0;
        double tick = (double)sysconf(_SC_CLK_TCK);
        double rate = (double)w->measured_received / window_s;
        double server_cpu = have_server ? (double)(ticks1 - ticks0) / tick / window_s * 100 : -1;
        double self_cpu = (cpu1 - cpu0) / window_s * 100;
        double mem_per_conn = have_server && w->opened ? ((double)rss1 - (double)rss0) / w->opened : -1;

        for (i = 0; i < w->o.connections; i++)
            held += w->c[i].state == ST_OPEN;
        qsort(w->st.lat, w->st.nlat, sizeof(*w->st.lat), cmp_u32);
        if (w->o.json) {
            printf("{\"connections\":%d,\"held\":%d,\"logged_in\":%d,\"pairs\":%d,"
                   "\"connect_s\":%.3f,\"login_s\":%.3f,\"pair_s\":%.3f,"
                   "\"target_rate\":%.0f,\"window\":%d,\"measured_s\":%.2f,\"relayed_per_s\":%.0f,"
                   "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,"
                   "\"server_cpu_pct\":%.1f,\"loadgen_cpu_pct\":%.1f,\"server_rss_start\":%llu,"
                   "\"server_rss_loaded\":%llu,\"server_bytes_per_conn\":%.0f,"
                   "\"errors\":%llu,\"unexpected\":%llu,\"closed\":%llu}\n",
                   w->o.connections, held, w->logged, w->paired / 2,
                   (t_open - t0) / 1e9, (t_logged - t_open) / 1e9, (t_paired - t_logged) / 1e9,
                   w->o.rate, w->o.window, window_s, rate,
                   pct(&w->st, 0.5), pct(&w->st, 0.9), pct(&w->st, 0.99), pct(&w->st, 0.999), pct(&w->st, 1.0),
                   server_cpu, self_cpu, (unsigned long long)rss0, (unsigned long long)rss1, mem_per_conn,
                   (unsigned long long)w->st.errors, (unsigned long long)w->st.unexpected,
                   (unsigned long long)w->st.closed);
        } else {
            printf("connections held    %d of %d (%d logged in, %d pairs)\n", held, w->o.connections,
                   w->logged, w->paired / 2);
            printf("setup               connect %.2f s, login %.2f s, pair %.2f s\n",
                   (t_open - t0) / 1e9, (t_logged - t_open) / 1e9, (t_paired - t_logged) / 1e9);
            printf("relayed             %.0f messages/s over %.1f s (%s)\n", rate, window_s,
                   w->o.rate > 0 ? "fixed rate" : "as fast as relayed");
            printf("latency             p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms\n",
                   pct(&w->st, 0.5), pct(&w->st, 0.99), pct(&w->st, 0.999), pct(&w->st, 1.0));
            if (have_server)
                printf("server              %.0f%% CPU, %.1f MiB -> %.1f MiB RSS (%.0f bytes per connection)\n",
                       server_cpu, rss0 / 1048576.0, rss1 / 1048576.0, mem_per_conn);
            printf("loadgen             %.0f%% CPU\n", self_cpu);
            printf("errors              %llu errors, %llu unexpected, %llu closed\n",
                   (unsigned long long)w->st.errors, (unsigned long long)w->st.unexpected,
                   (unsigned long long)w->st.closed);
        }
        fflush(stdout);
        for (i = 0; i < w->o.connections; i++)
            close_conn(w, &w->c[i]);
        return held == w->o.connections && w->st.errors == 0 ? 0 : 3;
    }
}
