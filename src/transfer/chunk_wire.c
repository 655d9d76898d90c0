/* chunk_wire.c: frames (header, CRC), control messages (cJSON) and file names. */
#include "chunk_wire.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void mc_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t mc_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The CRC covers the header's first 16 bytes and the payload. */
static uint32_t mc_frame_crc(const uint8_t *frame, uint32_t length)
{
    uint32_t crc = mc_crc32c(0, frame, 16);
    return mc_crc32c(crc, frame + MC_CHUNK_HEADER_SIZE, length);
}

void mc_chunk_frame_seal(uint8_t *frame, uint8_t round, uint32_t tag, uint32_t index,
                         uint32_t length)
{
    frame[0] = 'm';
    frame[1] = 'c';
    frame[2] = MC_CHUNK_VERSION;
    frame[3] = round;
    mc_put32(frame + 4, tag);
    mc_put32(frame + 8, index);
    mc_put32(frame + 12, length);
    mc_put32(frame + 16, mc_frame_crc(frame, length));
}

int mc_chunk_frame_parse(const uint8_t *frame, size_t n, mc_chunk_header *h)
{
    memset(h, 0, sizeof(*h));
    if (n < MC_CHUNK_HEADER_SIZE || frame[0] != 'm' || frame[1] != 'c' ||
        frame[2] != MC_CHUNK_VERSION)
        return MC_EFORMAT;
    h->round = frame[3];
    h->tag = mc_get32(frame + 4);
    h->index = mc_get32(frame + 8);
    h->length = mc_get32(frame + 12);
    h->crc = mc_get32(frame + 16);
    if ((size_t)h->length != n - MC_CHUNK_HEADER_SIZE)
        return MC_EFORMAT;
    if (mc_frame_crc(frame, h->length) != h->crc)
        return MC_ECHECKSUM;
    return MC_OK;
}

int mc_chunk_id_valid(const char *id, size_t len)
{
    size_t i;

    if (id == NULL || len == 0 || len > MC_CHUNK_ID_MAX)
        return 0;
    for (i = 0; i < len; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* Length of the valid UTF-8 sequence at s[0, n), or 0 when it is not one. */
static size_t mc_utf8_seq(const unsigned char *s, size_t n)
{
    size_t len, i;
    uint32_t cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates, beyond U+10FFFF. */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void mc_chunk_copy_utf8(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(s), o = 0, i = 0;

    while (i < n) {
        size_t k = mc_utf8_seq((const unsigned char *)s + i, n - i);
        if (k == 0)
            k = 1;   /* copied as is; names are sanitised where it matters */
        if (o + k > cap - 1)
            break;
        memcpy(dst + o, s + i, k);
        o += k;
        i += k;
    }
    dst[o] = '\0';
}

int mc_chunk_sanitize_name(const char *name, size_t len, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t i = 0, o = 0;

    if (name == NULL || out == NULL || cap < 8)
        return MC_EINVAL;
    while (i < len) {
        size_t k = mc_utf8_seq(s + i, len - i);
        if (o + (k ? k : 1) > cap - 1)
            break;
        if (k == 0 || (k == 1 && (s[i] < 0x20 || s[i] == 0x7f || s[i] == '/' || s[i] == '\\'))) {
            out[o++] = '_';
            i++;
            continue;
        }
        memcpy(out + o, s + i, k);
        o += k;
        i += k;
    }
    out[o] = '\0';
    if (o == 0)
        strcpy(out, "file");
    else if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        strcpy(out, "_");
    return MC_OK;
}

int mc_chunk_json_print(cJSON *obj, char *buf, size_t cap)
{
    int ok;

    if (obj == NULL)
        return MC_ENOMEM;
    /* cJSON asks for a few bytes of slack beyond what it writes. */
    ok = cJSON_PrintPreallocated(obj, buf, (int)cap - 8, 0);
    cJSON_Delete(obj);
    if (!ok) {
        buf[0] = '\0';
        return MC_ELIMIT;
    }
    return (int)strlen(buf);
}

cJSON *mc_chunk_json_new(const char *type, const char *id)
{
    cJSON *obj = cJSON_CreateObject();

    if (obj == NULL)
        return NULL;
    if (cJSON_AddStringToObject(obj, "type", type) == NULL ||
        (id != NULL && cJSON_AddStringToObject(obj, "id", id) == NULL)) {
        cJSON_Delete(obj);
        return NULL;
    }
    return obj;
}

int mc_chunk_json_add_u64(cJSON *obj, const char *key, uint64_t value)
{
    return obj != NULL && cJSON_AddNumberToObject(obj, key, (double)value) != NULL;
}

int mc_chunk_json_add_str(cJSON *obj, const char *key, const char *value)
{
    return obj != NULL && cJSON_AddStringToObject(obj, key, value) != NULL;
}

int mc_chunk_json_add_bool(cJSON *obj, const char *key, int value)
{
    return obj != NULL && cJSON_AddBoolToObject(obj, key, value ? 1 : 0) != NULL;
}

cJSON *mc_chunk_json_parse(const char *msg, size_t len, char *err, size_t errcap)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(msg, len, &end, 0);
    const cJSON *type;

    if (root == NULL) {
        size_t at = end != NULL && end >= msg ? (size_t)(end - msg) : 0;
        snprintf(err, errcap, "control message is not valid JSON (near byte %zu)", at);
        return NULL;
    }
    /* Only whitespace may follow the value. */
    if (end != NULL) {
        while ((size_t)(end - msg) < len && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
            end++;
        if ((size_t)(end - msg) < len) {
            snprintf(err, errcap, "control message has data after the JSON value");
            cJSON_Delete(root);
            return NULL;
        }
    }
    type = cJSON_GetObjectItemCaseSensitive(root, "type");
    if (!cJSON_IsObject(root) || !cJSON_IsString(type)) {
        snprintf(err, errcap, "control message is not an object with a string \"type\"");
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

const char *mc_chunk_json_str(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

int mc_chunk_json_u64(const cJSON *obj, const char *key, uint64_t max, uint64_t *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    double v;

    if (!cJSON_IsNumber(item))
        return MC_EFORMAT;
    v = item->valuedouble;
    if (!(v >= 0) || v != floor(v) || v > (double)MC_CHUNK_MAX_FILE_SIZE || v > (double)max)
        return MC_EFORMAT;
    *out = (uint64_t)v;
    return MC_OK;
}
