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

#include <ev.h>

#include "server.h"

/* How long connections get to receive their close frame before the process exits. */
#define SHUTDOWN_GRACE_US (2 * LWS_US_PER_SEC)

/* Leave the event loop. */
static void stop_now(mc_server *srv)
{
    if (srv->stop)
        return;
    srv->stop = 1;
    lws_sul_cancel(&srv->grace);
    if (srv->ev_loop != NULL)
        ev_break(srv->ev_loop, EVBREAK_ALL);
    else
        lws_cancel_service(srv->context);
}

static void on_grace_over(lws_sorted_usec_list_t *sul)
{
    stop_now(lws_container_of(sul, mc_server, grace));
}

/* Close every connection with 1001, then stop when they are gone or the grace is over. */
static void begin_shutdown(mc_server *srv)
{
    srv->stopping = 1;
    lws_sul_schedule(srv->context, 0, &srv->grace, on_grace_over, SHUTDOWN_GRACE_US);
    mc_ws_shutdown(srv, stop_now);
}

/* SIGINT/SIGTERM arrive through a signalfd that lws polls like any descriptor. */
static void on_signal(mc_server *srv, int fd)
{
    struct signalfd_siginfo si;

    while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (!srv->stopping) {
            mc_server_log(srv, MC_LOG_INFO, "signal %u: shutting down", si.ssi_signo);
            begin_shutdown(srv);
        }
    }
}

static int signals_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                            void *in, size_t len)
{
    (void)user;
    (void)in;
    (void)len;
    return mc_raw_descriptor_event(wsi, reason, on_signal, NULL);
}

/* Room for max_connections sockets, a file being served by each, and the listener, STUN and
 * the reserve. Running out is survived (listener.c) but refuses connections. */
static void raise_fd_limit(mc_server *srv)
{
    struct rlimit rl;
    rlim_t want = 2 * (rlim_t)srv->opt.max_connections + 256;   /* a file per HTTP connection */

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

/*
 * libwebsockets 4.1.6's libev glue re-arms its timer with ev_timer_set() on a watcher that
 * may still be active, which libev ignores, so a timer that becomes due earlier than the one
 * already armed (the idle sweep, a close deadline) can be missed. Its timers are always
 * serviced after I/O, though, so a quarter-second tick that wakes the loop through
 * lws_cancel_service() keeps every lws timer within 250 ms of its time.
 */
static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    lws_cancel_service(((mc_server *)w->data)->context);
}

/*
 * The vhost's TLS settings (with --tls-cert): no TLS 1.0 or 1.1, the suites in server.h
 * (libwebsockets hands them to SSL_CTX_set_cipher_list and SSL_CTX_set_ciphersuites), and
 * Strict-Transport-Security on every response libwebsockets writes a status line for (files,
 * /healthz, /metrics, redirects, errors), as one of the vhost's canned headers. `hsts` must
 * outlive the vhost.
 */
static void setup_tls(struct lws_context_creation_info *info,
                      const struct lws_protocol_vhost_options *hsts)
{
    info->ssl_cipher_list = MC_SERVER_TLS12_CIPHERS;
    info->tls1_3_plus_cipher_list = MC_SERVER_TLS13_CIPHERS;
    /* OpenSSL 3's default security level already refuses TLS 1.0/1.1, but a system
     * openssl.cnf can lower it; these options hold whatever the configuration says. */
    info->ssl_options_set = (long)(SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
    info->headers = hsts;
}

int main(int argc, char **argv)
{
    static const lws_retry_bo_t no_retry;
    static const struct lws_protocol_vhost_options hsts = {
        NULL, NULL, "strict-transport-security:", MC_SERVER_HSTS
    };
    mc_server srv;
    struct lws_context_creation_info info;
    struct lws_protocols protocols[6];
    struct lws_http_mount mount;
    mc_registry_memory_config rcfg;
    mc_signal_io io;
    void *foreign_loops[1];
    lws_sock_file_fd_type sfd;
    sigset_t mask;
    int rc, i, explicit_root = 0, status = 1;
    const char *scheme;

    memset(&srv, 0, sizeof(srv));
    srv.stun_fd = -1;
    srv.reserve_fd = -1;
    srv.signal_fd = -1;
    srv.stun_port = -1;
    srv.started_us = mc_server_now_us();
    mc_server_options_default(&srv.opt);
    rc = mc_server_options_parse(&srv.opt, argc, argv);
    if (rc > 0)
        return 0;
    if (rc < 0)
        return 2;
    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "-w") == 0 || strncmp(argv[i], "--web-root", 10) == 0)
            explicit_root = 1;

    mc_server_log_attach_lws(&srv);
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
    srv.batch = malloc(LWS_PRE + 65536);
    if (srv.batch == NULL)
        return 1;

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
    protocols[4].name = "mediacore-listen";
    protocols[4].callback = mc_listener_callback;

    memset(&mount, 0, sizeof(mount));
    mount.mountpoint = "/";
    mount.mountpoint_len = 1;
    mount.origin = "mediacore-http";
    mount.origin_protocol = LWSMPRO_CALLBACK;

    memset(&info, 0, sizeof(info));
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_VALIDATE_UTF8;
    if (srv.opt.tls_cert != NULL)
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.user = &srv;
    /* No fd_limit_per_thread: libwebsockets then sizes its fd table from the open-file
     * limit (raised above) and finds a connection by its fd with one lookup; with an explicit
     * limit it searches the whole table on every event. */
    /* No libwebsockets idle policy: its per-connection timers live in one sorted list, and
     * inserting into it walks every connection; ws.c sweeps for idle connections instead. */
    info.retry_and_idle_policy = &no_retry;
    if (srv.opt.event_loop == MC_LOOP_EPOLL) {
        /* libwebsockets' evlib_ev plugin drives this loop; we run it with ev_run(). */
        srv.ev_loop = ev_loop_new(EVBACKEND_EPOLL | EVFLAG_NOENV);
        if (srv.ev_loop != NULL) {
            info.options |= LWS_SERVER_OPTION_LIBEV;
            foreign_loops[0] = srv.ev_loop;
            info.foreign_loops = foreign_loops;
        }
    }
    srv.context = lws_create_context(&info);
    if (srv.context == NULL && srv.ev_loop != NULL) {
        mc_server_log(&srv, MC_LOG_WARN, "the libev event loop did not start: using poll()");
        ev_loop_destroy(srv.ev_loop);
        srv.ev_loop = NULL;
        info.options &= ~(uint64_t)LWS_SERVER_OPTION_LIBEV;
        info.foreign_loops = NULL;
        srv.context = lws_create_context(&info);
    }
    if (srv.context == NULL) {
        mc_server_log(&srv, MC_LOG_ERROR, "libwebsockets would not start");
        goto out;
    }

    info.vhost_name = "mediacore";
    info.port = CONTEXT_PORT_NO_LISTEN_SERVER;   /* listener.c accepts and hands sockets over */
    info.iface = srv.opt.bind;
    info.protocols = protocols;
    info.mounts = &mount;
    info.ssl_cert_filepath = srv.opt.tls_cert;
    info.ssl_private_key_filepath = srv.opt.tls_key;
    info.alpn = "http/1.1";            /* no h2: WebSockets stay plain HTTP/1.1 upgrades */
    if (srv.opt.tls_cert != NULL)
        setup_tls(&info, &hsts);
    srv.vhost = lws_create_vhost(srv.context, &info);
    if (srv.vhost == NULL) {
        mc_server_log(&srv, MC_LOG_ERROR, "cannot set up the server%s",
                      srv.opt.tls_cert != NULL ? " (are --tls-cert and --tls-key readable PEM files?)" : "");
        goto out;
    }
    if (mc_listener_open(&srv) != 0)
        goto out;
    sfd.filefd = srv.signal_fd;
    if (lws_adopt_descriptor_vhost(srv.vhost, LWS_ADOPT_RAW_FILE_DESC, sfd, "mediacore-signals", NULL) == NULL) {
        mc_server_log(&srv, MC_LOG_ERROR, "cannot watch for signals");
        goto out;
    }
    srv.signal_fd = -1;                /* lws owns it now */
    if (mc_stun_udp_open(&srv) != 0)
        goto out;
    mc_ws_start_sweep(&srv);

    scheme = srv.opt.tls_cert != NULL ? "https" : "http";
    if (srv.web_root[0] != '\0')
        printf("mediacore-server: serving %s\n", srv.web_root);
    printf("mediacore-server: %s://%s:%d/ (WebSocket signaling on any path)\n", scheme,
           srv.opt.bind != NULL ? srv.opt.bind : "localhost", srv.listen_port);
    if (srv.stun_port > 0)
        printf("mediacore-server: STUN on udp port %d\n", srv.stun_port);
    printf("mediacore-server: ready (%s)\n", srv.ev_loop != NULL ? "epoll" : "poll");
    fflush(stdout);

    if (srv.ev_loop != NULL) {
        ev_timer tick;

        ev_timer_init(&tick, on_tick, 0.25, 0.25);
        tick.data = &srv;
        ev_timer_start(srv.ev_loop, &tick);
        ev_run(srv.ev_loop, 0);        /* until stop_now() breaks it */
        ev_timer_stop(srv.ev_loop, &tick);
    } else {
        while (!srv.stop)
            if (lws_service(srv.context, 0) < 0)
                break;
    }
    status = 0;

out:
    if (srv.context != NULL) {
        lws_sul_cancel(&srv.sweep);
        lws_sul_cancel(&srv.grace);
        lws_sul_cancel(&srv.accept_pause);
        lws_context_destroy(srv.context);
    }
    mc_listener_close(&srv);
    if (srv.ev_loop != NULL)
        ev_loop_destroy(srv.ev_loop);
    if (srv.signal_fd >= 0)
        close(srv.signal_fd);
    mc_stun_udp_close(&srv);
    mc_signal_destroy(srv.signal);
    mc_registry_destroy(srv.registry);
    free(srv.batch);
    if (status == 0)
        printf("mediacore-server: stopped\n");
    return status;
}
