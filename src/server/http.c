/* http.c: plain HTTP on the server's port: files under the web root, /healthz, /metrics.
 *
 * Files: GET and HEAD only; the path is resolved under the web root and checked again
 * after following symlinks (nothing outside the root is served); a directory is served by
 * its index.html, and a directory named without its trailing slash is redirected (301) so
 * that relative links in the page work. Types come from the table below: modules need
 * text/javascript and streaming wasm compilation needs application/wasm. Every response says
 * "no-store" (a development server: edits show up on reload) and "nosniff".
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

/* The file for `uri` under the web root: 0 and the path, 1 for "redirect to uri/",
 * or -1 for not found. */
static int resolve(const mc_server *srv, const char *uri, char *out, size_t cap)
{
    char path[PATH_MAX], real[PATH_MAX];
    struct stat st;
    const char *s;
    int n;

    if (uri[0] != '/' || strlen(uri) > 1024)
        return -1;
    /* No "." or ".." segments (libwebsockets already collapses them; be sure anyway). */
    for (s = uri; (s = strchr(s, '/')) != NULL; s++) {
        if (s[1] == '.' && (s[2] == '/' || s[2] == '\0' || (s[2] == '.' && (s[3] == '/' || s[3] == '\0'))))
            return -1;
    }
    n = snprintf(path, sizeof(path), "%s%s", srv->web_root, uri);
    if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &st) != 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        if (uri[strlen(uri) - 1] != '/')
            return 1;
        n = snprintf(path, sizeof(path), "%s%sindex.html", srv->web_root, uri);
        if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &st) != 0)
            return -1;
    }
    if (!S_ISREG(st.st_mode) || realpath(path, real) == NULL)
        return -1;
    /* Symlinks must not lead out of the root. */
    if (strncmp(real, srv->web_root, srv->web_root_len) != 0 || real[srv->web_root_len] != '/')
        return -1;
    if (strlen(real) >= cap)
        return -1;
    strcpy(out, real);
    return 0;
}

static int on_http(struct lws *wsi, mc_server *srv, http_conn *h)
{
    char uri[1100], path[PATH_MAX];
    int head = 0, rc;

    srv->counters.http_requests++;
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
