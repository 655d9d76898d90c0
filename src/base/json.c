/* json.c: parsing, member getters, the raw-member scanner and the writer (see json.h). */
#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mediacore/mc_error.h"
#include "utf8.h"

#define JSON_INT_MAX 9007199254740992.0   /* 2^53 */

/* ---- checks before parsing ---- */

mc_json_fault mc_json_check(const char *text, size_t n, int max_depth)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    int depth = 0, in_string = 0;

    /* One pass, UTF-8 included (the per-message path of the signaling server: a second
     * pass for mc_utf8_valid() cost it about 1 % of its CPU). */
    while (i < n) {
        unsigned c = s[i];

        if (c >= 0x80) {
            size_t k = mc_utf8_sequence(s + i, n - i);

            if (k == 0)
                return MC_JSON_BAD_UTF8;
            i += k;
            continue;
        }
        if (c < 0x20 && (in_string || (c != ' ' && c != '\t' && c != '\n' && c != '\r')))
            return MC_JSON_BAD_TEXT;
        if (in_string) {
            if (c == '"') {
                in_string = 0;
            } else if (c == '\\') {
                if (i + 1 >= n)
                    return MC_JSON_BAD_TEXT;
                if (s[i + 1] == 'u' && i + 5 < n && s[i + 2] == '0' && s[i + 3] == '0' &&
                    s[i + 4] == '0' && s[i + 5] == '0')
                    return MC_JSON_BAD_TEXT;
                if (s[i + 1] < 0x20 || s[i + 1] >= 0x80)
                    return MC_JSON_BAD_TEXT;
                i++;                   /* the escaped character */
            }
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                return MC_JSON_TOO_DEEP;
        } else if (c == '}' || c == ']') {
            depth--;
        }
        i++;
    }
    return MC_JSON_FINE;
}

/* ---- parsing and members ---- */

cJSON *mc_json_parse(const char *s, size_t n, size_t *at)
{
    const char *end = NULL;
    cJSON *root;
    size_t i;

    root = s != NULL ? cJSON_ParseWithLengthOpts(s, n, &end, 0) : NULL;
    i = end != NULL && end >= s ? (size_t)(end - s) : 0;
    if (root != NULL) {
        i = mc_json_skip_ws(s, i, n);
        if (i < n) {
            cJSON_Delete(root);
            root = NULL;
        }
    }
    if (at != NULL)
        *at = i;
    return root;
}

const char *mc_json_get_str(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

int mc_json_get_int(const cJSON *item, int64_t *out)
{
    double v;

    if (!cJSON_IsNumber(item))
        return MC_EFORMAT;
    v = item->valuedouble;
    if (!(v >= -JSON_INT_MAX && v <= JSON_INT_MAX) || v != floor(v))
        return MC_EFORMAT;
    *out = (int64_t)v;
    return MC_OK;
}

int mc_json_get_u64(const cJSON *obj, const char *key, uint64_t max, uint64_t *out)
{
    int64_t v;

    if (mc_json_get_int(cJSON_GetObjectItemCaseSensitive(obj, key), &v) != MC_OK || v < 0 ||
        (double)v >= JSON_INT_MAX || (uint64_t)v > max)
        return MC_EFORMAT;
    *out = (uint64_t)v;
    return MC_OK;
}

/* ---- the raw text of a member ---- */

size_t mc_json_skip_ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* The offset just past the string whose opening quote is s[i] (or n). */
static size_t skip_string(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

size_t mc_json_skip_value(const char *s, size_t i, size_t n)
{
    int depth = 0;

    if (i < n && s[i] == '"')
        return skip_string(s, i, n);
    if (i < n && (s[i] == '{' || s[i] == '[')) {
        while (i < n) {
            char c = s[i];

            if (c == '"') {
                i = skip_string(s, i, n);
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
            i++;
        }
        return n;
    }
    while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' &&
           s[i] != '\n' && s[i] != '\r')
        i++;
    return i;
}

int mc_json_raw_member(const char *s, size_t n, const char *key, const char **value,
                       size_t *value_len)
{
    size_t klen = strlen(key), i = mc_json_skip_ws(s, 0, n);
    int found = 0;

    if (i >= n || s[i] != '{')
        return -1;
    i = mc_json_skip_ws(s, i + 1, n);
    while (i < n && s[i] == '"') {
        size_t kstart = i + 1, kend = skip_string(s, i, n), vstart, vend;

        if (kend > n || kend < kstart + 1 || memchr(s + kstart, '\\', kend - 1 - kstart) != NULL)
            return -1;
        i = mc_json_skip_ws(s, kend, n);
        if (i >= n || s[i] != ':')
            return -1;
        vstart = mc_json_skip_ws(s, i + 1, n);
        vend = mc_json_skip_value(s, vstart, n);
        if (!found && kend - 1 - kstart == klen && memcmp(s + kstart, key, klen) == 0) {
            *value = s + vstart;
            *value_len = vend - vstart;
            found = 1;
        }
        i = mc_json_skip_ws(s, vend, n);
        if (i < n && s[i] == ',')
            i = mc_json_skip_ws(s, i + 1, n);
        else
            break;
    }
    return found;
}

/* ---- writing ---- */

int mc_json_print(const cJSON *item, char *buf, size_t cap, size_t *len)
{
    char *text;

    if (item == NULL || buf == NULL || len == NULL)
        return MC_EINVAL;
    /* cJSON never writes past the length it is given, but may refuse up to
     * MC_JSON_PRINT_SLACK bytes short of it (its ensure() asks for room it then leaves). */
    if (cap > 0 && cap <= 0x7fffffff && cJSON_PrintPreallocated((cJSON *)item, buf, (int)cap, 0)) {
        *len = strlen(buf);
        return MC_OK;
    }
    if (cap > 0)
        buf[0] = '\0';
    /* Too small: say how large a buffer would do. */
    text = cJSON_PrintUnformatted(item);
    if (text == NULL) {
        *len = 0;
        return MC_ENOMEM;
    }
    *len = strlen(text) + 1 + MC_JSON_PRINT_SLACK;
    free(text);
    return MC_EBUFSIZE;
}

void mc_json_writer_init(mc_json_writer *w, char *buf, size_t cap)
{
    w->buf = buf;
    w->cap = buf != NULL ? cap : 0;
    w->len = 0;
    w->overflow = 0;
}

void mc_json_put(mc_json_writer *w, const char *s, size_t n)
{
    if (!w->overflow && n <= w->cap - w->len)
        memcpy(w->buf + w->len, s, n);
    else
        w->overflow = 1;
    w->len += n;
}

void mc_json_put_lit(mc_json_writer *w, const char *s)
{
    mc_json_put(w, s, strlen(s));
}

void mc_json_put_str(mc_json_writer *w, const char *s, size_t n, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, start = 0, cut = max != 0 ? mc_utf8_prefix(s, n, max) : n;

    mc_json_put(w, "\"", 1);
    for (i = 0; i < cut; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6];

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        mc_json_put(w, s + start, i - start);
        start = i + 1;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            mc_json_put(w, esc, 2);
        } else {
            esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
            mc_json_put(w, esc, 6);
        }
    }
    mc_json_put(w, s + start, cut - start);
    if (cut < n)
        mc_json_put(w, "...", 3);
    mc_json_put(w, "\"", 1);
}

void mc_json_put_value(mc_json_writer *w, const cJSON *item)
{
    size_t n = 0;
    int rc;

    if (!w->overflow) {
        rc = mc_json_print(item, w->buf + w->len, w->cap - w->len, &n);
        if (rc == MC_OK) {
            w->len += n;
            return;
        }
        w->overflow = 1;
        /* The text, without the NUL and slack the print needed. */
        w->len += rc == MC_EBUFSIZE ? n - 1 - MC_JSON_PRINT_SLACK : 0;
        return;
    }
    /* Already too long: only count. */
    if (item != NULL) {
        char *text = cJSON_PrintUnformatted(item);

        if (text != NULL) {
            w->len += strlen(text);
            free(text);
        }
    }
}

int mc_json_writer_status(const mc_json_writer *w)
{
    return w->overflow ? MC_EBUFSIZE : MC_OK;
}
