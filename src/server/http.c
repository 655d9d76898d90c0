/* http.c: plain HTTP on the server's port: files under the web root, /healthz, /metrics.
 *
 * Files: GET and HEAD only; the path is resolved under the web root and checked again
 * after following symlinks (nothing outside the root is served); a directory is served by
 * its index.html, and a directory named without its trailing slash is redirected (301) so
 * that relative links in the page work. Types come from the table below: modules need
 * text/javascript and streaming wasm compilation needs application/wasm. Every response says
 * "no-store" (a development server: edits show up on reload) and "nosniff". Dotfiles and
 * dot-directories are not served, and a path is resolved to its real path (symlinks
 * followed) and checked to be inside the root before anything else is decided, so that no
 * answer (404, 301) tells whether something outside the root exists.
 *
 * Requests whose framing is ambiguous are refused with 400 and the connection closed (see
 * mc_http_refuse_ambiguous): this server takes no request bodies, so a body is only ever a
 * way to make a proxy in front and this server disagree about where a request ends.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server.h"

typedef struct http_conn {
    unsigned char *body;          /* LWS_PRE headroom + a dynamic response waiting for */
    size_t len;                   /* HTTP_WRITEABLE, and its length */
} http_conn;

size_t mc_http_session_size(void)
{
    return sizeof(http_conn);
}

static const struct { const char *ext, *type; } mime_types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".htm", "text/html; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".mjs", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".json", "application/json" },
    { ".map", "application/json" },
    { ".wasm", "application/wasm" },
    { ".ts", "text/plain; charset=utf-8" },
    { ".md", "text/markdown; charset=utf-8" },
    { ".txt", "text/plain; charset=utf-8" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".jpg", "image/jpeg" },
    { ".jpeg", "image/jpeg" },
    { ".gif", "image/gif" },
    { ".webp", "image/webp" },
    { ".ico", "image/x-icon" },
    { ".webm", "video/webm" },
    { ".mp4", "video/mp4" },
    { ".ogg", "audio/ogg" },
    { ".opus", "audio/ogg" },
    { ".wav", "audio/wav" },
    { ".woff2", "font/woff2" },
};

static const char *mime_type(const char *path)
{
    size_t n = strlen(path), i;

    for (i = 0; i < sizeof(mime_types) / sizeof(mime_types[0]); i++) {
        size_t e = strlen(mime_types[i].ext);

        if (n > e && strcasecmp(path + n - e, mime_types[i].ext) == 0)
            return mime_types[i].type;
    }
    return "application/octet-stream";
}

static const char extra_headers[] =
    "cache-control: no-store\x0d\x0a"
    "x-content-type-options: nosniff\x0d\x0a";

static int finish(struct lws *wsi)
{
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int status_only(struct lws *wsi, unsigned int status)
{
    if (lws_return_http_status(wsi, status, NULL))
        return -1;
    return finish(wsi);
}

/* Send a small dynamic response: headers now, the body (copied) on HTTP_WRITEABLE. */
static int respond(struct lws *wsi, http_conn *h, const char *type, const char *body, size_t len,
                   int head)
{
    uint8_t buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;

    if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, type, (lws_filepos_t)len, &p, end) ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-store", 8, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    if (head || len == 0)
        return finish(wsi);
    free(h->body);
    h->body = malloc(LWS_PRE + len);
    if (h->body == NULL)
        return -1;
    memcpy(h->body + LWS_PRE, body, len);
    h->len = len;
    lws_callback_on_writable(wsi);
    return 0;
}

static int redirect(struct lws *wsi, const char *uri)
{
    uint8_t buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
    char loc[1100];
    int n = snprintf(loc, sizeof(loc), "%s/", uri);

    if (n < 0 || (size_t)n >= sizeof(loc))
        return status_only(wsi, HTTP_STATUS_NOT_FOUND);
    if (lws_http_redirect(wsi, HTTP_STATUS_MOVED_PERMANENTLY, (unsigned char *)loc, n, &p, end) < 0)
        return -1;
    return finish(wsi);
}

/* Whether `real` (a real path) is the web root or inside it. */
static int inside_root(const mc_server *srv, const char *real)
{
    return strncmp(real, srv->web_root, srv->web_root_len) == 0 &&
           (real[srv->web_root_len] == '/' || real[srv->web_root_len] == '\0');
}

/* The file for `uri` under the web root: 0 and its real path, 1 for "redirect to uri/",
 * or -1 for not found. Nothing is looked at before the real path is known to be inside. */
static int resolve(const mc_server *srv, const char *uri, char *out, size_t cap)
{
    char path[PATH_MAX], real[PATH_MAX];
    struct stat st;
    const char *s;
    int n;

    if (uri[0] != '/' || strlen(uri) > 1024)
        return -1;
    /* No segment that starts with a dot: no ".", "..", dotfiles or dot-directories. */
    for (s = uri; (s = strchr(s, '/')) != NULL; s++)
        if (s[1] == '.')
            return -1;
    n = snprintf(path, sizeof(path), "%s%s", srv->web_root, uri);
    if (n < 0 || (size_t)n >= sizeof(path) || realpath(path, real) == NULL ||
        !inside_root(srv, real) || stat(real, &st) != 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        if (uri[strlen(uri) - 1] != '/')
            return 1;
        n = snprintf(path, sizeof(path), "%s/index.html", real);
        if (n < 0 || (size_t)n >= sizeof(path) || realpath(path, real) == NULL ||
            !inside_root(srv, real) || stat(real, &st) != 0)
            return -1;
    }
    if (!S_ISREG(st.st_mode) || strlen(real) >= cap)
        return -1;
    strcpy(out, real);
    return 0;
}

size_t mc_host_length(const char *h)
{
    size_t n = 0, i;

    if (h == NULL)
        return 0;
    if (h[0] == '[') {
        const char *close = strchr(h, ']');

        if (close == NULL || close == h + 1)
            return 0;
        n = (size_t)(close - h) + 1;
        for (i = 1; i + 1 < n; i++) {
            char ch = h[i];

            if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') ||
                  ch == ':' || ch == '.'))
                return 0;
        }
        return n;
    }
    while ((h[n] >= '0' && h[n] <= '9') || (h[n] >= 'a' && h[n] <= 'z') ||
           (h[n] >= 'A' && h[n] <= 'Z') || h[n] == '.' || h[n] == '-')
        n++;
    return n;
}

/* Most white space probed for between a header's name and its colon (see spaced_header). */
#define SPACE_PROBE 4

/*
 * Whether the request has a `name` header written with white space before its colon
 * ("Content-Length : 5"). libwebsockets does not take such a line as the header (a proxy
 * may), but files it as an unknown header whose name is the lower-cased text up to and
 * including the colon, which lws_hdr_custom_length() finds. libwebsockets 4.1 cannot list
 * unknown headers, so every mix of 1 to SPACE_PROBE spaces and tabs is looked up (30 names).
 */
static int spaced_header(struct lws *wsi, const char *name)
{
    char probe[64];
    size_t n = strlen(name);
    int len, mask, i;

    memcpy(probe, name, n);
    for (len = 1; len <= SPACE_PROBE; len++) {
        for (mask = 0; mask < (1 << len); mask++) {
            for (i = 0; i < len; i++)
                probe[n + (size_t)i] = (mask >> i) & 1 ? '\t' : ' ';
            probe[n + (size_t)len] = ':';
            if (lws_hdr_custom_length(wsi, probe, (int)n + len + 1) >= 0)
                return 1;
        }
    }
    return 0;
}

/* Why the request's framing is ambiguous, or NULL when it is not. */
static const char *ambiguity(struct lws *wsi)
{
    char cl[24];
    int n, i;

    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0)
        return "Transfer-Encoding";
    if (spaced_header(wsi, "content-length") || spaced_header(wsi, "transfer-encoding"))
        return "white space before a header's colon";
    n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
    if (n == 0)
        return NULL;
    /* Repeated headers come back joined with commas. */
    if (n >= (int)sizeof(cl) || lws_hdr_copy(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH) != n)
        return "malformed Content-Length";
    for (i = 0; i < n; i++)
        if (cl[i] < '0' || cl[i] > '9')
            return cl[i] == ',' ? "duplicate Content-Length" : "malformed Content-Length";
    return NULL;
}

int mc_http_refuse_ambiguous(mc_server *srv, struct lws *wsi)
{
    const char *why = ambiguity(wsi);

    if (why == NULL)
        return 0;
    srv->counters.http_bad_request++;
    mc_server_log(srv, MC_LOG_INFO, "refused a request with %s (400)", why);
    lws_return_http_status(wsi, HTTP_STATUS_BAD_REQUEST, NULL);
    return 1;
}

static int on_http(struct lws *wsi, mc_server *srv, http_conn *h)
{
    char uri[1100], path[PATH_MAX];
    int head = 0, rc;

    srv->counters.http_requests++;
    if (mc_http_refuse_ambiguous(srv, wsi))
        return -1;                       /* 400 sent: hang up */
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0) {
        rc = lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);
    } else if (lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0) {
        head = 1;
        rc = lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_HEAD_URI);
    } else {
        return status_only(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED);
    }
    if (rc <= 0)
        return status_only(wsi, HTTP_STATUS_NOT_FOUND);

    if (strcmp(uri, "/healthz") == 0)
        return respond(wsi, h, "text/plain; charset=utf-8", "ok\n", 3, head);
    if (strcmp(uri, "/metrics") == 0) {
        size_t len;
        char *body = mc_metrics_render(srv, &len);

        if (body == NULL)
            return status_only(wsi, HTTP_STATUS_INTERNAL_SERVER_ERROR);
        rc = respond(wsi, h, "text/plain; version=0.0.4; charset=utf-8", body, len, head);
        free(body);
        return rc;
    }
    if (srv->web_root[0] == '\0')
        return status_only(wsi, HTTP_STATUS_NOT_FOUND);
    rc = resolve(srv, uri, path, sizeof(path));
    if (rc == 1)
        return redirect(wsi, uri);
    if (rc != 0)
        return status_only(wsi, HTTP_STATUS_NOT_FOUND);
    rc = lws_serve_http_file(wsi, path, mime_type(path), extra_headers, (int)strlen(extra_headers));
    if (rc < 0)
        return -1;
    if (rc > 0)
        return finish(wsi);
    return 0;
}

int mc_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len)
{
    mc_server *srv = lws_context_user(lws_get_context(wsi));
    http_conn *h = user;

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return on_http(wsi, srv, h);

    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return mc_refuse_internal(wsi);

    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (h == NULL || h->body == NULL)
            break;
        if (lws_write(wsi, h->body + LWS_PRE, h->len, LWS_WRITE_HTTP_FINAL) != (int)h->len) {
            free(h->body);
            h->body = NULL;
            return -1;
        }
        free(h->body);
        h->body = NULL;
        return finish(wsi);

    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
        return finish(wsi);

    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (h != NULL) {
            free(h->body);
            h->body = NULL;
        }
        break;

    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}
