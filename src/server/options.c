/* options.c: the server's command line. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

void mc_server_options_default(mc_server_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->port = 8888;
    opt->web_root = "web";
    opt->stun_port = 3478;
    opt->log_level = MC_LOG_WARN;
    mc_signal_config_default(&opt->signal);
    opt->max_queue_bytes = 1024 * 1024;
    opt->max_queue_messages = 1024;
    opt->max_queue_per_sender = 256 * 1024;
    opt->max_buffered = 256 * 1024 * 1024;
    opt->rate = 200;
    opt->burst = 400;
    opt->max_connections = 16384;
    opt->max_connections_per_ip = 256;
    opt->handshake_rate = 100;
    opt->handshake_burst = 500;
    opt->idle_timeout = 30;
    opt->stun_rate = 20;
    opt->stun_burst = 100;
}

static void usage(FILE *f)
{
    mc_server_options d;

    mc_server_options_default(&d);
    fprintf(f,
"Usage: mediacore-server [options]\n"
"\n"
"The mediacore server: one port serves the web/ directory over HTTP and WebSocket\n"
"signaling on any path (the wire protocol of Learning WebRTC's Node server, see\n"
"docs/protocol.md); a STUN Binding responder answers on UDP.\n"
"\n"
"Listening:\n"
"  -p, --port N               TCP port for HTTP and WebSocket (default %d; 0: any free port)\n"
"  -b, --bind ADDR            address to listen on (default: all, IPv4 and IPv6)\n"
"  -w, --web-root DIR         directory served over HTTP (default \"%s\"; \"none\": no files)\n"
"      --stun-port N|off      UDP port of the STUN responder (default %d; 0: any free port)\n"
"      --public-host NAME     host name in the stun: URL handed out at login (default: the\n"
"                             Host header the client connected with)\n"
"      --tls-cert FILE        PEM certificate: serve https:// and wss:// instead, TLS 1.2\n"
"                             or later with forward-secret AEAD suites only (TLS 1.2:\n"
"                             ECDHE with AES-GCM or ChaCha20-Poly1305), and\n"
"                             Strict-Transport-Security: " MC_SERVER_HSTS " (1 year)\n"
"      --tls-key FILE         PEM private key of --tls-cert\n"
"      --allow-origin ORIGIN  accept WebSocket upgrades only from this Origin (e.g.\n"
"                             https://example.org); repeat for more (up to %d). Default:\n"
"                             any. Clients that send no Origin (non-browsers) are accepted.\n"
"\n"
"Limits (each message that breaks one gets an error reply; the connection stays open\n"
"unless noted):\n"
"      --max-message BYTES    largest message after reassembling fragments (default %zu)\n"
"      --max-name BYTES       longest user name (default %zu)\n"
"      --max-depth N          deepest JSON nesting (default %d)\n"
"      --max-peers N          users one user can be in a call or have a pending offer\n"
"                             with at once (default %zu; more: \"too-many-peers\")\n"
"      --rate N               messages per second per connection, 0: unlimited (default %g)\n"
"      --burst N              messages a connection may send at once (default %g)\n"
"      --max-queue BYTES      per-connection send queue; a reader that falls further behind\n"
"                             is closed with 1008 (default %zu)\n"
"      --max-queue-messages N the same, counted in messages (default %u)\n"
"      --max-queue-per-sender BYTES  what one sender may have queued towards one\n"
"                             receiver (and a quarter of --max-queue-messages); more is\n"
"                             refused to the sender (\"undeliverable\"), the receiver keeps\n"
"                             its connection (default %zu)\n"
"      --max-buffered BYTES   queued and half-received bytes of all connections together;\n"
"                             past it relays are refused and messages dropped with\n"
"                             \"server-busy\" (default %zu)\n"
"      --max-connections N    concurrent TCP connections, HTTP and WebSocket; more are\n"
"                             closed as they arrive (default %d)\n"
"      --max-connections-per-ip N  the same from one address (IPv6: one /64), for\n"
"                             users behind one NAT; 0: no limit (default %d)\n"
"      --handshake-rate N     new connections per second from one address; 0: no limit\n"
"                             (default %g)\n"
"      --handshake-burst N    new connections one address may open at once (default %g)\n"
"      --idle-timeout SECS    ping a connection silent this long, close it if no pong\n"
"                             follows within half as long again; 0: never (default %d)\n"
"      --stun-rate N          STUN answers per second per source address (IPv4 address or\n"
"                             IPv6 /64, any port); requests over it get no answer, so the\n"
"                             responder is no use as a reflector; 0: unlimited (default %g)\n"
"      --stun-burst N         STUN answers a source address may get at once (default %g)\n"
"\n"
"Other:\n"
"      --event-loop epoll|poll  libev over epoll (default; cost independent of the number\n"
"                             of idle connections) or libwebsockets' built-in poll()\n"
"  -l, --log-level LEVEL      error, warn, info or debug (default warn)\n"
"  -h, --help                 this text\n"
"  -V, --version              the version\n"
"\n"
"Endpoints: /healthz (200 \"ok\"), /metrics (Prometheus text format), any other path:\n"
"a file under the web root, or a WebSocket upgrade. SIGINT or SIGTERM closes every\n"
"connection (1001) and exits 0.\n",
            d.port, d.web_root, d.stun_port, MC_SERVER_MAX_ORIGINS,
            d.signal.max_message, d.signal.max_name, d.signal.max_depth, d.signal.max_peers, d.rate, d.burst,
            d.max_queue_bytes, d.max_queue_messages, d.max_queue_per_sender, d.max_buffered,
            d.max_connections, d.max_connections_per_ip,
            d.handshake_rate, d.handshake_burst, d.idle_timeout, d.stun_rate, d.stun_burst);
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad(const char *fmt, ...)
{
    va_list ap;

    fputs("mediacore-server: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see --help)\n", stderr);
    return -1;
}

/* A whole number in [lo, hi]. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

enum {
    OPT_STUN_PORT = 256, OPT_PUBLIC_HOST, OPT_TLS_CERT, OPT_TLS_KEY, OPT_ORIGIN,
    OPT_MAX_MESSAGE, OPT_MAX_NAME, OPT_MAX_DEPTH, OPT_RATE, OPT_BURST, OPT_MAX_QUEUE,
    OPT_MAX_QUEUE_MESSAGES, OPT_MAX_CONNECTIONS, OPT_IDLE_TIMEOUT, OPT_EVENT_LOOP,
    OPT_MAX_PEERS, OPT_MAX_PER_SENDER, OPT_MAX_BUFFERED, OPT_MAX_PER_IP, OPT_HANDSHAKE_RATE, OPT_HANDSHAKE_BURST, OPT_STUN_RATE, OPT_STUN_BURST
};

int mc_server_options_parse(mc_server_options *opt, int argc, char **argv)
{
    static const struct option longs[] = {
        { "port", required_argument, NULL, 'p' },
        { "bind", required_argument, NULL, 'b' },
        { "web-root", required_argument, NULL, 'w' },
        { "stun-port", required_argument, NULL, OPT_STUN_PORT },
        { "public-host", required_argument, NULL, OPT_PUBLIC_HOST },
        { "tls-cert", required_argument, NULL, OPT_TLS_CERT },
        { "tls-key", required_argument, NULL, OPT_TLS_KEY },
        { "allow-origin", required_argument, NULL, OPT_ORIGIN },
        { "max-message", required_argument, NULL, OPT_MAX_MESSAGE },
        { "max-name", required_argument, NULL, OPT_MAX_NAME },
        { "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
        { "max-peers", required_argument, NULL, OPT_MAX_PEERS },
        { "rate", required_argument, NULL, OPT_RATE },
        { "burst", required_argument, NULL, OPT_BURST },
        { "max-queue", required_argument, NULL, OPT_MAX_QUEUE },
        { "max-queue-messages", required_argument, NULL, OPT_MAX_QUEUE_MESSAGES },
        { "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
        { "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
        { "max-connections-per-ip", required_argument, NULL, OPT_MAX_PER_IP },
        { "max-queue-per-sender", required_argument, NULL, OPT_MAX_PER_SENDER },
        { "max-buffered", required_argument, NULL, OPT_MAX_BUFFERED },
        { "handshake-rate", required_argument, NULL, OPT_HANDSHAKE_RATE },
        { "handshake-burst", required_argument, NULL, OPT_HANDSHAKE_BURST },
        { "event-loop", required_argument, NULL, OPT_EVENT_LOOP },
        { "log-level", required_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "stun-rate", required_argument, NULL, OPT_STUN_RATE },
        { "stun-burst", required_argument, NULL, OPT_STUN_BURST },
        { NULL, 0, NULL, 0 }
    };
    long v;
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":p:b:w:l:hV", longs, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (parse_long(optarg, 0, 65535, &v))
                return bad("--port needs a number from 0 to 65535, not \"%s\"", optarg);
            opt->port = (int)v;
            break;
        case 'b':
            opt->bind = optarg;
            break;
        case 'w':
            opt->web_root = (strcmp(optarg, "none") == 0 || optarg[0] == '\0') ? NULL : optarg;
            break;
        case OPT_STUN_PORT:
            if (strcmp(optarg, "off") == 0)
                opt->stun_port = -1;
            else if (parse_long(optarg, 0, 65535, &v))
                return bad("--stun-port needs a number from 0 to 65535 or \"off\", not \"%s\"", optarg);
            else
                opt->stun_port = (int)v;
            break;
        case OPT_PUBLIC_HOST:
            if (optarg[0] == '\0' || mc_host_length(optarg) != strlen(optarg) || strlen(optarg) > MC_HOST_MAX)
                return bad("--public-host needs a host name or an IP address (IPv6 in brackets), "
                           "not \"%s\"", optarg);
            opt->public_host = optarg;
            break;
        case OPT_TLS_CERT:
            opt->tls_cert = optarg;
            break;
        case OPT_TLS_KEY:
            opt->tls_key = optarg;
            break;
        case OPT_ORIGIN:
            if (opt->origin_count == MC_SERVER_MAX_ORIGINS)
                return bad("at most %d --allow-origin options", MC_SERVER_MAX_ORIGINS);
            opt->origins[opt->origin_count++] = optarg;
            break;
        case OPT_MAX_MESSAGE:
            if (parse_long(optarg, 64, 1L << 28, &v))
                return bad("--max-message needs a byte count from 64 to %ld", 1L << 28);
            opt->signal.max_message = (size_t)v;
            break;
        case OPT_MAX_NAME:
            if (parse_long(optarg, 1, 1024, &v))
                return bad("--max-name needs a byte count from 1 to 1024");
            opt->signal.max_name = (size_t)v;
            break;
        case OPT_MAX_PEERS:
            if (parse_long(optarg, 1, 1024, &v))
                return bad("--max-peers needs a number from 1 to 1024");
            opt->signal.max_peers = (size_t)v;
            break;
        case OPT_MAX_DEPTH:
            if (parse_long(optarg, 1, 1000, &v))
                return bad("--max-depth needs a number from 1 to 1000");
            opt->signal.max_depth = (int)v;
            break;
        case OPT_RATE:
            if (parse_double(optarg, 0, 1e9, &opt->rate))
                return bad("--rate needs a number of messages per second (0: no limit)");
            break;
        case OPT_BURST:
            if (parse_double(optarg, 1, 1e9, &opt->burst))
                return bad("--burst needs a number of messages, at least 1");
            break;
        case OPT_MAX_QUEUE:
            if (parse_long(optarg, 1024, 1L << 30, &v))
                return bad("--max-queue needs a byte count from 1024 to %ld", 1L << 30);
            opt->max_queue_bytes = (size_t)v;
            break;
        case OPT_MAX_QUEUE_MESSAGES:
            if (parse_long(optarg, 1, 1L << 20, &v))
                return bad("--max-queue-messages needs a number from 1 to %ld", 1L << 20);
            opt->max_queue_messages = (unsigned)v;
            break;
        case OPT_MAX_CONNECTIONS:
            if (parse_long(optarg, 1, 1000000, &v))
                return bad("--max-connections needs a number from 1 to 1000000");
            opt->max_connections = (int)v;
            break;
        case OPT_MAX_PER_SENDER:
            if (parse_long(optarg, 1024, 1L << 30, &v))
                return bad("--max-queue-per-sender needs a byte count from 1024 to %ld", 1L << 30);
            opt->max_queue_per_sender = (size_t)v;
            break;
        case OPT_MAX_BUFFERED:
            if (parse_long(optarg, 65536, 1L << 40, &v))
                return bad("--max-buffered needs a byte count from 65536 to %ld", 1L << 40);
            opt->max_buffered = (size_t)v;
            break;
        case OPT_MAX_PER_IP:
            if (parse_long(optarg, 0, 1000000, &v))
                return bad("--max-connections-per-ip needs a number from 0 to 1000000");
            opt->max_connections_per_ip = (int)v;
            break;
        case OPT_HANDSHAKE_RATE:
            if (parse_double(optarg, 0, 1e9, &opt->handshake_rate))
                return bad("--handshake-rate needs a number of connections per second (0: no limit)");
            break;
        case OPT_HANDSHAKE_BURST:
            if (parse_double(optarg, 1, 1e9, &opt->handshake_burst))
                return bad("--handshake-burst needs a number of connections, at least 1");
            break;
        case OPT_IDLE_TIMEOUT:
            if (parse_long(optarg, 0, 86400, &v))
                return bad("--idle-timeout needs seconds from 0 to 86400");
            opt->idle_timeout = (int)v;
            break;
        case OPT_EVENT_LOOP:
            if (strcmp(optarg, "epoll") == 0)
                opt->event_loop = MC_LOOP_EPOLL;
            else if (strcmp(optarg, "poll") == 0)
                opt->event_loop = MC_LOOP_POLL;
            else
                return bad("--event-loop is epoll or poll, not \"%s\"", optarg);
            break;
        case OPT_STUN_RATE:
            if (parse_double(optarg, 0, 1e9, &opt->stun_rate))
                return bad("--stun-rate needs a number of answers per second (0: no limit)");
            break;
        case OPT_STUN_BURST:
            if (parse_double(optarg, 1, 1e9, &opt->stun_burst))
                return bad("--stun-burst needs a number of answers, at least 1");
            break;
        case 'l':
            if (strcmp(optarg, "error") == 0)
                opt->log_level = MC_LOG_ERROR;
            else if (strcmp(optarg, "warn") == 0)
                opt->log_level = MC_LOG_WARN;
            else if (strcmp(optarg, "info") == 0)
                opt->log_level = MC_LOG_INFO;
            else if (strcmp(optarg, "debug") == 0)
                opt->log_level = MC_LOG_DEBUG;
            else
                return bad("--log-level is error, warn, info or debug, not \"%s\"", optarg);
            break;
        case 'h':
            usage(stdout);
            return 1;
        case 'V':
            printf("mediacore-server %s (libwebsockets %s)\n", MC_SERVER_VERSION, lws_get_library_version());
            return 1;
        case ':':
            return bad("%s needs a value", argv[optind - 1]);
        default:
            return bad("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return bad("unexpected argument \"%s\"", argv[optind]);
    if ((opt->tls_cert == NULL) != (opt->tls_key == NULL))
        return bad("--tls-cert and --tls-key go together");
    if (opt->burst < 1)
        opt->burst = 1;
    return 0;
}
