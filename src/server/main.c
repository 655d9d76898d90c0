/* main.c: mediacore-server: set up, serve until SIGINT/SIGTERM, shut down cleanly.
 * Run `mediacore-server --help` for the options; docs/protocol.md for the wire protocol. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

/* How long connections get to receive their close frame before the process exits. */
#define SHUTDOWN_GRACE_US (2 * LWS_US_PER_SEC)

typedef struct shutdown_timer {
    lws_sorted_usec_list_t sul;   /* first: the callback gets a pointer to it */
    mc_server *srv;
} shutdown_timer;

static void on_grace_over(lws_sorted_usec_list_t *sul)
{
    shutdown_timer *t = (shutdown_timer *)sul;

    t->srv->stop = 1;
    lws_cancel_service(t->srv->context);
}

/* SIGINT/SIGTERM arrive through a signalfd that lws polls like any descriptor. */
static int signals_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                            void *in, size_t len)
{
    mc_server *srv = lws_context_user(lws_get_context(wsi));
    struct signalfd_siginfo si;

    (void)user;
    (void)in;
    (void)len;
    if (reason != LWS_CALLBACK_RAW_RX_FILE)
        return 0;
    while (read(lws_get_socket_fd(wsi), &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (!srv->stopping) {
            mc_server_log(srv, MC_LOG_INFO, "signal %u: shutting down", si.ssi_signo);
            srv->stopping = 1;
        }
    }
    return 0;
}

/* libwebsockets' own log lines, at our level. */
static int lws_levels(int level)
{
    int l = LLL_ERR;

    if (level >= MC_LOG_WARN)
        l |= LLL_WARN;
    if (level >= MC_LOG_INFO)
        l |= LLL_NOTICE;
    if (level >= MC_LOG_DEBUG)
        l |= LLL_INFO;
    return l;
}

/* Room for max_connections sockets plus the listener, STUN, HTTP clients and files. */
static void raise_fd_limit(mc_server *srv)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)srv->opt.max_connections + 256;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
        mc_server_log(srv, MC_LOG_WARN, "open-file limit is %llu: fewer than --max-connections %d "
                      "connections will fit (raise ulimit -n)",
                      (unsigned long long)rl.rlim_cur, srv->opt.max_connections);
}

static int setup_web_root(mc_server *srv, int explicit_root)
{
    struct stat st;

    srv->web_root[0] = '\0';
    if (srv->opt.web_root == NULL)
        return 0;
    if (realpath(srv->opt.web_root, srv->web_root) == NULL || stat(srv->web_root, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
        srv->web_root[0] = '\0';
        if (explicit_root) {
            mc_server_log(srv, MC_LOG_ERROR, "--web-root %s is not a directory", srv->opt.web_root);
            return -1;
        }
        mc_server_log(srv, MC_LOG_WARN, "no %s directory here: serving no files (see --web-root)",
                      srv->opt.web_root);
        return 0;
    }
    srv->web_root_len = strlen(srv->web_root);
    if (srv->web_root_len == 1)        /* "/": compare prefixes without the slash */
        srv->web_root_len = 0;
    return 0;
}

static int64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    static const lws_retry_bo_t no_retry;
    mc_server srv;
    struct lws_context_creation_info info;
    struct lws_protocols protocols[5];
    struct lws_http_mount mount;
    lws_retry_bo_t idle;
    mc_registry_memory_config rcfg;
    mc_signal_io io;
    shutdown_timer grace;
    lws_sock_file_fd_type sfd;
    sigset_t mask;
    int rc, i, explicit_root = 0, status = 1;
    const char *scheme;

    memset(&srv, 0, sizeof(srv));
    srv.stun_fd = -1;
    srv.signal_fd = -1;
    srv.stun_port = -1;
    srv.started_us = now_us();
    mc_server_options_default(&srv.opt);
    rc = mc_server_options_parse(&srv.opt, argc, argv);
    if (rc > 0)
        return 0;
    if (rc < 0)
        return 2;
    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "-w") == 0 || strncmp(argv[i], "--web-root", 10) == 0)
            explicit_root = 1;

    lws_set_log_level(lws_levels(srv.opt.log_level), NULL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 ||
        (srv.signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
        mc_server_log(&srv, MC_LOG_ERROR, "signalfd: %s", strerror(errno));
        return 1;
    }
    if (setup_web_root(&srv, explicit_root) != 0)
        return 2;
    raise_fd_limit(&srv);

    /* The name space and the protocol engine. */
    mc_registry_memory_config_default(&rcfg);
    if (getrandom(rcfg.seed, sizeof(rcfg.seed), 0) != (ssize_t)sizeof(rcfg.seed))
        mc_server_log(&srv, MC_LOG_WARN, "getrandom failed: hashing names with a fixed key");
    mc_ws_signal_io(&io);
    if (mc_registry_create_memory(&rcfg, &srv.registry) != MC_OK ||
        mc_signal_create(&srv.opt.signal, srv.registry, &io, &srv, &srv.signal) != MC_OK) {
        mc_server_log(&srv, MC_LOG_ERROR, "cannot create the protocol engine");
        goto out;
    }

    memset(protocols, 0, sizeof(protocols));
    /* Index 0 is where WebSocket clients that name no subprotocol land. */
    protocols[0].name = "mediacore-signal";
    protocols[0].callback = mc_ws_callback;
    protocols[0].per_session_data_size = mc_ws_session_size();
    protocols[0].rx_buffer_size = 4096;
    protocols[0].tx_packet_size = 1 << 20;
    protocols[1].name = "mediacore-http";
    protocols[1].callback = mc_http_callback;
    protocols[1].per_session_data_size = mc_http_session_size();
    protocols[2].name = "mediacore-stun";
    protocols[2].callback = mc_stun_udp_callback;
    protocols[3].name = "mediacore-signals";
    protocols[3].callback = signals_callback;

    memset(&mount, 0, sizeof(mount));
    mount.mountpoint = "/";
    mount.mountpoint_len = 1;
    mount.origin = "mediacore-http";
    mount.origin_protocol = LWSMPRO_CALLBACK;

    memset(&idle, 0, sizeof(idle));
    if (srv.opt.idle_timeout > 0) {
        idle.secs_since_valid_ping = (uint16_t)srv.opt.idle_timeout;
        idle.secs_since_valid_hangup = (uint16_t)(srv.opt.idle_timeout + (srv.opt.idle_timeout + 1) / 2);
    }

    memset(&info, 0, sizeof(info));
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_VALIDATE_UTF8;
    if (srv.opt.tls_cert != NULL)
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.user = &srv;
    info.fd_limit_per_thread = (unsigned int)srv.opt.max_connections + 256;
    info.retry_and_idle_policy = srv.opt.idle_timeout > 0 ? &idle : &no_retry;
    srv.context = lws_create_context(&info);
    if (srv.context == NULL) {
        mc_server_log(&srv, MC_LOG_ERROR, "libwebsockets would not start");
        goto out;
    }

    info.vhost_name = "mediacore";
    info.port = srv.opt.port;
    info.iface = srv.opt.bind;
    info.protocols = protocols;
    info.mounts = &mount;
    info.ssl_cert_filepath = srv.opt.tls_cert;
    info.ssl_private_key_filepath = srv.opt.tls_key;
    info.alpn = "http/1.1";            /* no h2: WebSockets stay plain HTTP/1.1 upgrades */
    srv.vhost = lws_create_vhost(srv.context, &info);
    if (srv.vhost == NULL) {
        mc_server_log(&srv, MC_LOG_ERROR, "cannot listen on %s port %d (in use? see --port, --bind)",
                      srv.opt.bind ? srv.opt.bind : "all addresses", srv.opt.port);
        goto out;
    }
    srv.listen_port = lws_get_vhost_listen_port(srv.vhost);
    sfd.filefd = srv.signal_fd;
    if (lws_adopt_descriptor_vhost(srv.vhost, LWS_ADOPT_RAW_FILE_DESC, sfd, "mediacore-signals", NULL) == NULL) {
        mc_server_log(&srv, MC_LOG_ERROR, "cannot watch for signals");
        goto out;
    }
    srv.signal_fd = -1;                /* lws owns it now */
    if (mc_stun_udp_open(&srv) != 0)
        goto out;

    scheme = srv.opt.tls_cert != NULL ? "https" : "http";
    if (srv.web_root[0] != '\0')
        printf("mediacore-server: serving %s\n", srv.web_root);
    printf("mediacore-server: %s://%s:%d/ (WebSocket signaling on any path)\n", scheme,
           srv.opt.bind != NULL ? srv.opt.bind : "localhost", srv.listen_port);
    if (srv.stun_port > 0)
        printf("mediacore-server: STUN on udp port %d\n", srv.stun_port);
    printf("mediacore-server: ready\n");
    fflush(stdout);

    while (!srv.stop) {
        if (lws_service(srv.context, 0) < 0)
            break;
        if (srv.stopping == 1) {
            srv.stopping = 2;
            mc_ws_shutdown(&srv);
            memset(&grace, 0, sizeof(grace));
            grace.srv = &srv;
            lws_sul_schedule(srv.context, 0, &grace.sul, on_grace_over, SHUTDOWN_GRACE_US);
        }
        if (srv.stopping == 2 && srv.conn_count == 0) {
            lws_sul_cancel(&grace.sul);
            srv.stop = 1;
        }
    }
    status = 0;

out:
    if (srv.context != NULL)
        lws_context_destroy(srv.context);
    if (srv.signal_fd >= 0)
        close(srv.signal_fd);
    mc_signal_destroy(srv.signal);
    mc_registry_destroy(srv.registry);
    if (status == 0)
        printf("mediacore-server: stopped\n");
    return status;
}
