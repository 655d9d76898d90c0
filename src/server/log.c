/* log.c: the server's log lines on stderr, bounded in rate.
 *
 * Anything an outsider can trigger may end in a log line (a refused upgrade, a connection
 * dropped for a limit, libwebsockets' own complaints about a malformed frame), so lines are
 * paid for from a token bucket: LOG_RATE lines a second, LOG_BURST at once. Lines over the
 * budget are counted, not written, and the next line that is written is preceded by how many
 * were left out. At --log-level debug nothing is left out: the operator asked for all of it.
 *
 * libwebsockets' lines come through the same bucket. Its log hook is process-wide and takes
 * no user pointer, so the one server that owns the hook is kept in `lws_sink`: the only
 * file-level state of the server, set once by mc_server_log_attach_lws().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server.h"

#define LOG_RATE 20.0          /* lines per second, sustained */
#define LOG_BURST 200.0        /* lines at once */

static mc_server *lws_sink;

/* Whether a line may be written now; reports lines left out before it. */
static int admit(mc_server *srv)
{
    mc_server_log_state *l = &srv->log;
    double now = (double)mc_server_now_us() * 1e-6;

    if (srv->opt.log_level >= MC_LOG_DEBUG)
        return 1;
    if (l->at == 0) {
        l->tokens = LOG_BURST;
    } else {
        l->tokens += (now - l->at) * LOG_RATE;
        if (l->tokens > LOG_BURST)
            l->tokens = LOG_BURST;
    }
    l->at = now;
    if (l->tokens < 1) {
        l->suppressed++;
        srv->counters.log_suppressed++;
        return 0;
    }
    l->tokens -= 1;
    if (l->suppressed != 0) {
        fprintf(stderr, "mediacore-server: warn: %llu log lines left out (more than %g a second)\n",
                (unsigned long long)l->suppressed, LOG_RATE);
        l->suppressed = 0;
    }
    return 1;
}

void mc_server_log(mc_server *srv, int level, const char *fmt, ...)
{
    static const char *const names[] = { "error", "warn", "info", "debug" };
    va_list ap;

    if (level > srv->opt.log_level || !admit(srv))
        return;
    fprintf(stderr, "mediacore-server: %s: ", names[level]);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* libwebsockets' lines, already filtered by the level given to lws_set_log_level(). */
static void lws_emit(int level, const char *line)
{
    (void)level;
    if (lws_sink == NULL || admit(lws_sink))
        fputs(line, stderr);
}

/* libwebsockets' own levels for ours: each includes the ones before it. */
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

void mc_server_log_attach_lws(mc_server *srv)
{
    lws_sink = srv;
    lws_set_log_level(lws_levels(srv->opt.log_level), lws_emit);
}
