/* chunk_wire.c: frames (header, CRC), control messages (base/json.h) and file names. */
#include "chunk_wire.h"

#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

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

void mc_chunk_copy_utf8(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(s), o = 0, i = 0;

    while (i < n) {
        size_t k = mc_utf8_sequence((const uint8_t *)s + i, n - i);
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
    const uint8_t *s = (const uint8_t *)name;
    size_t i = 0, o = 0;

    if (name == NULL || out == NULL || cap < 8)
        return MC_EINVAL;
    while (i < len) {
        size_t k = mc_utf8_sequence(s + i, len - i);
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
    size_t len;
    int rc;

    if (obj == NULL)
        return MC_ENOMEM;
    rc = mc_json_print(obj, buf, cap, &len);
    cJSON_Delete(obj);
    if (rc == MC_OK)
        return (int)len;
    buf[0] = '\0';
    return rc == MC_EBUFSIZE ? MC_ELIMIT : MC_ENOMEM;
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
    size_t at;
    cJSON *root = mc_json_parse(msg, len, &at);

    if (root == NULL) {
        snprintf(err, errcap, "control message is not valid JSON (near byte %zu)", at);
        return NULL;
    }
    if (!cJSON_IsObject(root) || mc_json_get_str(root, "type") == NULL) {
        snprintf(err, errcap, "control message is not an object with a string \"type\"");
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
