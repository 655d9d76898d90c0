/* chunk_sender.c: the sending side of a file transfer (see chunk.h for the protocol). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mediacore/base64.h"
#include "chunk_wire.h"
#include "mediacore/digest.h"

typedef enum {
    MC_SEND_IDLE,       /* no file */
    MC_SEND_OFFERED,    /* start sent, waiting for accept */
    MC_SEND_SENDING,    /* accepted: chunks and then the end message */
    MC_SEND_FINISHED    /* done, rejected or cancelled */
} mc_send_state;

struct mc_chunk_sender {
    mc_chunk_sender_config cfg;
    mc_chunk_file_info info;
    mc_send_state state;
    uint32_t next;        /* the next chunk to send */
    uint32_t acked;       /* chunks the receiver has acknowledged */
    uint32_t hashed;      /* chunks whose bytes are in the digest (in order) */
    uint8_t round;        /* stamped on frames; set by accept and resume */
    int polled;           /* poll() asked for chunk `next` */
    int end_sent;
    mc_sha256 *sha;
    uint8_t digest[MC_SHA256_BYTES];
    int digest_done;
    uint8_t *frame;       /* header + chunk_size payload */
    char *text;           /* Base64 of a frame */
    size_t out_len;
    int out_text;
    char msg[MC_CHUNK_MSG_CAP];
    size_t msg_len;
    mc_chunk_stats stats;
    mc_chunk_result result;
    char error[160];
};

int mc_chunk_sender_config_default(mc_chunk_sender_config *cfg)
{
    if (cfg == NULL)
        return MC_EINVAL;
    memset(cfg, 0, sizeof(*cfg));
    cfg->chunk_size = 16384 - MC_CHUNK_HEADER_SIZE;
    cfg->allow_binary = 1;
    cfg->allow_base64 = 1;
    cfg->window = 16u << 20;
    return MC_OK;
}

int mc_chunk_sender_create(const mc_chunk_sender_config *cfg, mc_chunk_sender **out)
{
    mc_chunk_sender *s;
    size_t frame_cap;
    int rc;

    if (out == NULL)
        return MC_EINVAL;
    *out = NULL;
    if (cfg == NULL)
        return MC_EINVAL;
    if (cfg->chunk_size < 1 || cfg->chunk_size > MC_CHUNK_MAX_PAYLOAD)
        return MC_ERANGE;
    if (!cfg->allow_binary && !cfg->allow_base64)
        return MC_EINVAL;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return MC_ENOMEM;
    s->cfg = *cfg;
    frame_cap = MC_CHUNK_HEADER_SIZE + (size_t)cfg->chunk_size;
    s->frame = malloc(frame_cap);
    s->text = cfg->allow_base64 ? malloc(mc_base64_encoded_length(frame_cap, 0) + 1) : NULL;
    rc = mc_sha256_create(&s->sha);
    if (s->frame == NULL || (cfg->allow_base64 && s->text == NULL) || rc != MC_OK) {
        mc_chunk_sender_destroy(s);
        return MC_ENOMEM;
    }
    *out = s;
    return MC_OK;
}

void mc_chunk_sender_destroy(mc_chunk_sender *s)
{
    if (s == NULL)
        return;
    mc_sha256_destroy(s->sha);
    free(s->frame);
    free(s->text);
    free(s);
}

/* Store a built message (length or error from mc_chunk_json_print). */
static int mc_sender_message_done(mc_chunk_sender *s, int len)
{
    s->msg_len = len > 0 ? (size_t)len : 0;
    if (len < 0)
        s->msg[0] = '\0';
    return len;
}

static int mc_sender_build_start(mc_chunk_sender *s)
{
    cJSON *o = mc_chunk_json_new("start", s->info.id), *modes;
    int ok = o != NULL;

    ok = ok && mc_chunk_json_add_u64(o, "v", MC_CHUNK_VERSION);
    ok = ok && mc_chunk_json_add_u64(o, "tag", s->info.tag);
    ok = ok && mc_chunk_json_add_str(o, "name", s->info.name);
    ok = ok && mc_chunk_json_add_u64(o, "size", s->info.size);
    ok = ok && mc_chunk_json_add_str(o, "mime", s->info.mime);
    ok = ok && mc_chunk_json_add_u64(o, "chunkSize", s->info.chunk_size);
    ok = ok && mc_chunk_json_add_u64(o, "chunks", s->info.chunks);
    ok = ok && mc_chunk_json_add_str(o, "digest", "sha-256");
    modes = ok ? cJSON_AddArrayToObject(o, "modes") : NULL;
    ok = ok && modes != NULL;
    if (ok && s->cfg.allow_binary)
        ok = cJSON_AddItemToArray(modes, cJSON_CreateString("binary"));
    if (ok && s->cfg.allow_base64)
        ok = cJSON_AddItemToArray(modes, cJSON_CreateString("base64"));
    if (!ok) {
        cJSON_Delete(o);
        return mc_sender_message_done(s, MC_ENOMEM);
    }
    return mc_sender_message_done(s, mc_chunk_json_print(o, s->msg, sizeof(s->msg)));
}

int mc_chunk_sender_begin(mc_chunk_sender *s, const char *id, const char *name,
                          const char *mime, uint64_t size, uint32_t tag)
{
    int rc;

    if (s == NULL || id == NULL || name == NULL || mime == NULL ||
        !mc_chunk_id_valid(id, strlen(id)))
        return MC_EINVAL;
    if (size > MC_CHUNK_MAX_FILE_SIZE ||
        (size + s->cfg.chunk_size - 1) / s->cfg.chunk_size > UINT32_MAX)
        return MC_ERANGE;
    memset(&s->info, 0, sizeof(s->info));
    memcpy(s->info.id, id, strlen(id) + 1);
    mc_chunk_copy_utf8(s->info.name, sizeof(s->info.name), name);
    mc_chunk_copy_utf8(s->info.mime, sizeof(s->info.mime), mime);
    s->info.size = size;
    s->info.size_known = 1;
    s->info.chunk_size = s->cfg.chunk_size;
    s->info.chunks = (uint32_t)((size + s->cfg.chunk_size - 1) / s->cfg.chunk_size);
    s->info.tag = tag;
    s->info.mode = s->cfg.allow_binary ? MC_CHUNK_BINARY : MC_CHUNK_BASE64;
    s->next = s->acked = s->hashed = 0;
    s->round = 0;
    s->polled = 0;
    s->end_sent = 0;
    s->digest_done = 0;
    s->out_len = 0;
    mc_sha256_reset(s->sha);
    memset(&s->stats, 0, sizeof(s->stats));
    memset(&s->result, 0, sizeof(s->result));
    s->error[0] = '\0';
    rc = mc_sender_build_start(s);
    if (rc < 0) {
        s->state = MC_SEND_IDLE;
        return rc;
    }
    s->state = MC_SEND_OFFERED;
    return MC_OK;
}

int mc_chunk_sender_restart(mc_chunk_sender *s)
{
    int rc;

    if (s == NULL)
        return MC_EINVAL;
    if (s->state != MC_SEND_OFFERED && s->state != MC_SEND_SENDING)
        return MC_ESTATE;
    rc = mc_sender_build_start(s);
    if (rc < 0)
        return rc;
    s->state = MC_SEND_OFFERED;
    s->polled = 0;
    return MC_OK;
}

static uint32_t mc_sender_chunk_len(const mc_chunk_sender *s, uint32_t index)
{
    uint64_t start = (uint64_t)index * s->info.chunk_size;
    uint64_t left = s->info.size - start;
    return left < s->info.chunk_size ? (uint32_t)left : s->info.chunk_size;
}

static int mc_sender_error(mc_chunk_sender *s, const char *what)
{
    snprintf(s->error, sizeof(s->error), "%s", what);
    s->stats.errors++;
    return MC_CHUNK_EV_ERROR;
}

static void mc_sender_finish(mc_chunk_sender *s, int ok, int verified, int error,
                             const char *reason)
{
    s->state = MC_SEND_FINISHED;
    s->result.ok = ok;
    s->result.verified = verified;
    s->result.error = error;
    snprintf(s->result.reason, sizeof(s->result.reason), "%s", reason ? reason : "");
    if (s->digest_done)
        mc_sha256_hex(s->digest, s->result.sha256);
}

/* reject/cancel reasons to codes: space and size are limits, the rest refusals. */
static int mc_reason_code(const char *reason)
{
    if (reason != NULL && (strcmp(reason, "space") == 0 || strcmp(reason, "size") == 0))
        return MC_ELIMIT;
    if (reason != NULL && strcmp(reason, "invalid") == 0)
        return MC_EPROTOCOL;
    return MC_ESTATE;
}

int mc_chunk_sender_receive(mc_chunk_sender *s, const char *msg, size_t len)
{
    cJSON *root;
    const char *type, *id;
    uint64_t next = 0, round = 0;
    int ev = 0;

    if (s == NULL || (msg == NULL && len > 0))
        return MC_EINVAL;
    root = mc_chunk_json_parse(msg, len, s->error, sizeof(s->error));
    if (root == NULL) {
        s->stats.errors++;
        return MC_CHUNK_EV_ERROR;
    }
    type = mc_json_get_str(root, "type");
    id = mc_json_get_str(root, "id");
    if (s->state == MC_SEND_IDLE || id == NULL || strcmp(id, s->info.id) != 0) {
        cJSON_Delete(root);
        return MC_CHUNK_EV_IGNORED;
    }

    if (strcmp(type, "accept") == 0) {
        const char *mode = mc_json_get_str(root, "mode");
        if (s->state != MC_SEND_OFFERED) {
            ev = MC_CHUNK_EV_IGNORED;   /* a late duplicate */
        } else if (mc_json_get_u64(root, "next", s->hashed, &next) != MC_OK ||
                   mc_json_get_u64(root, "round", 255, &round) != MC_OK) {
            /* next may be below what was acknowledged: a receiver that lost its state
             * (a reloaded page) accepts the file again from the start. */
            ev = mc_sender_error(s, "accept: \"next\" must be an integer no larger than the "
                                    "chunks sent, \"round\" 0..255");
        } else if (mode != NULL && strcmp(mode, "binary") == 0 && s->cfg.allow_binary) {
            s->info.mode = MC_CHUNK_BINARY;
        } else if (mode != NULL && strcmp(mode, "base64") == 0 && s->cfg.allow_base64) {
            s->info.mode = MC_CHUNK_BASE64;
        } else {
            ev = mc_sender_error(s, "accept: \"mode\" is not one the start message offered");
        }
        if (ev == 0) {
            if (s->hashed > 0)
                s->stats.resumes++;   /* accepted again after a reconnection */
            s->state = MC_SEND_SENDING;
            s->next = s->acked = (uint32_t)next;
            s->round = (uint8_t)round;
            s->end_sent = 0;
            s->polled = 0;
            s->stats.chunks_done = s->acked;
            s->stats.bytes_done = s->acked == s->info.chunks ? s->info.size
                                  : (uint64_t)s->acked * s->info.chunk_size;
            ev = MC_CHUNK_EV_ACCEPTED | MC_CHUNK_EV_PROGRESS;
        }
    } else if (strcmp(type, "ack") == 0) {
        if (s->state != MC_SEND_SENDING) {
            ev = MC_CHUNK_EV_IGNORED;
        } else if (mc_json_get_u64(root, "next", s->hashed, &next) != MC_OK) {
            ev = mc_sender_error(s, "ack: \"next\" must be an integer no larger than the chunks sent");
        } else {
            if (next > s->acked) {
                s->acked = (uint32_t)next;
                s->stats.chunks_done = s->acked;
                s->stats.bytes_done = s->acked == s->info.chunks ? s->info.size
                                      : (uint64_t)s->acked * s->info.chunk_size;
            }
            ev = MC_CHUNK_EV_PROGRESS;
        }
    } else if (strcmp(type, "resume") == 0) {
        if (s->state != MC_SEND_SENDING) {
            ev = MC_CHUNK_EV_IGNORED;
        } else if (mc_json_get_u64(root, "next", s->hashed, &next) != MC_OK || next < s->acked ||
                   mc_json_get_u64(root, "round", 255, &round) != MC_OK) {
            ev = mc_sender_error(s, "resume: \"next\" must be between the chunks acknowledged "
                                    "and those sent, \"round\" 0..255");
        } else {
            s->next = (uint32_t)next;
            s->round = (uint8_t)round;
            s->end_sent = 0;
            s->polled = 0;
            s->stats.resumes++;
            ev = MC_CHUNK_EV_RESUME;
        }
    } else if (strcmp(type, "done") == 0) {
        const cJSON *okj = cJSON_GetObjectItemCaseSensitive(root, "ok");
        const char *theirs = mc_json_get_str(root, "sha256");
        const char *err = mc_json_get_str(root, "error");
        char hex[MC_SHA256_HEX] = "";
        int ok = cJSON_IsTrue(okj);
        /* After a restart the state is OFFERED again; a receiver that already finished
         * answers the repeated start with its done message. */
        if ((s->state != MC_SEND_SENDING && s->state != MC_SEND_OFFERED) || !s->digest_done ||
            s->hashed != s->info.chunks) {
            ev = MC_CHUNK_EV_IGNORED;
        } else {
            mc_sha256_hex(s->digest, hex);
            /* Verified: the receiver says so and its digest is ours. */
            if (ok && (theirs == NULL || strcmp(theirs, hex) != 0))
                ok = 0;
            s->stats.chunks_done = s->info.chunks;
            if (ok)
                s->stats.bytes_done = s->info.size;
            mc_sender_finish(s, ok, ok, ok ? MC_OK : MC_ECHECKSUM,
                             ok ? "" : (err != NULL ? err : "the receiver's digest differs"));
            ev = MC_CHUNK_EV_COMPLETE | MC_CHUNK_EV_PROGRESS;
        }
    } else if (strcmp(type, "reject") == 0 || strcmp(type, "cancel") == 0) {
        const char *reason = mc_json_get_str(root, "reason");
        const char *text = mc_json_get_str(root, "message");
        char why[128];
        if (s->state == MC_SEND_FINISHED) {
            ev = MC_CHUNK_EV_IGNORED;
        } else {
            int reject = strcmp(type, "reject") == 0;
            snprintf(why, sizeof(why), "%s%s%s", reason ? reason : (reject ? "rejected" : "cancelled"),
                     text ? ": " : "", text ? text : "");
            mc_sender_finish(s, 0, 0, mc_reason_code(reason), why);
            ev = reject ? MC_CHUNK_EV_REJECTED : MC_CHUNK_EV_CANCELLED;
        }
    } else {
        ev = MC_CHUNK_EV_IGNORED;   /* unknown types: room for extensions */
    }
    cJSON_Delete(root);
    return ev;
}

int mc_chunk_sender_poll(mc_chunk_sender *s)
{
    if (s == NULL || s->state != MC_SEND_SENDING)
        return MC_CHUNK_WAIT;
    if (s->next < s->info.chunks) {
        if (s->cfg.window > 0 &&
            (uint64_t)(s->next - s->acked) * s->info.chunk_size >= s->cfg.window)
            return MC_CHUNK_WAIT;
        s->polled = 1;
        return MC_CHUNK_SEND_CHUNK;
    }
    return s->end_sent ? MC_CHUNK_WAIT : MC_CHUNK_SEND_END;
}

uint32_t mc_chunk_sender_chunk_index(const mc_chunk_sender *s)
{
    return s ? s->next : 0;
}

uint64_t mc_chunk_sender_chunk_offset(const mc_chunk_sender *s)
{
    return s ? (uint64_t)s->next * s->info.chunk_size : 0;
}

uint32_t mc_chunk_sender_chunk_length(const mc_chunk_sender *s)
{
    return s && s->next < s->info.chunks ? mc_sender_chunk_len(s, s->next) : 0;
}

uint8_t *mc_chunk_sender_payload(mc_chunk_sender *s)
{
    return s ? s->frame + MC_CHUNK_HEADER_SIZE : NULL;
}

int mc_chunk_sender_seal(mc_chunk_sender *s)
{
    uint32_t len;
    size_t frame_len, w = 0;

    if (s == NULL)
        return MC_EINVAL;
    if (s->state != MC_SEND_SENDING || !s->polled || s->next >= s->info.chunks)
        return MC_ESTATE;
    len = mc_sender_chunk_len(s, s->next);
    mc_chunk_frame_seal(s->frame, s->round, s->info.tag, s->next, len);
    if (s->next == s->hashed) {
        mc_sha256_update(s->sha, s->frame + MC_CHUNK_HEADER_SIZE, len);
        if (++s->hashed == s->info.chunks) {
            mc_sha256_final(s->sha, s->digest);
            s->digest_done = 1;
        }
    }
    frame_len = MC_CHUNK_HEADER_SIZE + (size_t)len;
    if (s->info.mode == MC_CHUNK_BASE64) {
        int rc = mc_base64_encode(s->frame, frame_len, s->text,
                                  mc_base64_encoded_length(frame_len, 0), &w, 0);
        if (rc != MC_OK)
            return MC_EINTERNAL;
        s->out_len = w;
        s->out_text = 1;
    } else {
        s->out_len = frame_len;
        s->out_text = 0;
    }
    s->stats.bytes_sent += len;
    s->next++;
    s->polled = 0;
    return (int)s->out_len;
}

const uint8_t *mc_chunk_sender_output(const mc_chunk_sender *s, size_t *len)
{
    if (s == NULL) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = s->out_len;
    return s->out_text ? (const uint8_t *)s->text : s->frame;
}

int mc_chunk_sender_output_is_text(const mc_chunk_sender *s)
{
    return s ? s->out_text : 0;
}

int mc_chunk_sender_end(mc_chunk_sender *s)
{
    cJSON *o;
    char hex[MC_SHA256_HEX];
    int ok, len;

    if (s == NULL)
        return MC_EINVAL;
    if (s->state != MC_SEND_SENDING || s->next != s->info.chunks || s->hashed != s->info.chunks)
        return MC_ESTATE;
    if (!s->digest_done) {   /* an empty file */
        mc_sha256_final(s->sha, s->digest);
        s->digest_done = 1;
    }
    mc_sha256_hex(s->digest, hex);
    o = mc_chunk_json_new("end", s->info.id);
    ok = o != NULL && mc_chunk_json_add_u64(o, "chunks", s->info.chunks) &&
         mc_chunk_json_add_u64(o, "size", s->info.size) && mc_chunk_json_add_str(o, "sha256", hex) &&
         mc_chunk_json_add_u64(o, "round", s->round);
    if (!ok) {
        cJSON_Delete(o);
        return mc_sender_message_done(s, MC_ENOMEM);
    }
    len = mc_sender_message_done(s, mc_chunk_json_print(o, s->msg, sizeof(s->msg)));
    if (len > 0)
        s->end_sent = 1;
    return len;
}

int mc_chunk_sender_cancel(mc_chunk_sender *s, const char *reason)
{
    cJSON *o;
    int len;

    if (s == NULL)
        return MC_EINVAL;
    if (s->state == MC_SEND_IDLE || s->state == MC_SEND_FINISHED)
        return MC_ESTATE;
    o = mc_chunk_json_new("cancel", s->info.id);
    if (o != NULL && !mc_chunk_json_add_str(o, "reason", reason ? reason : "cancelled")) {
        cJSON_Delete(o);
        o = NULL;
    }
    len = mc_sender_message_done(s, mc_chunk_json_print(o, s->msg, sizeof(s->msg)));
    mc_sender_finish(s, 0, 0, MC_ESTATE, reason ? reason : "cancelled");
    return len;
}

const char *mc_chunk_sender_message(const mc_chunk_sender *s, size_t *len)
{
    if (len)
        *len = s ? s->msg_len : 0;
    return s ? s->msg : NULL;
}

int mc_chunk_sender_info(const mc_chunk_sender *s, mc_chunk_file_info *out)
{
    if (s == NULL || out == NULL)
        return MC_EINVAL;
    *out = s->info;
    return MC_OK;
}

int mc_chunk_sender_stats(const mc_chunk_sender *s, mc_chunk_stats *out)
{
    if (s == NULL || out == NULL)
        return MC_EINVAL;
    *out = s->stats;
    return MC_OK;
}

int mc_chunk_sender_result(const mc_chunk_sender *s, mc_chunk_result *out)
{
    if (s == NULL || out == NULL)
        return MC_EINVAL;
    *out = s->result;
    return MC_OK;
}

const char *mc_chunk_sender_error(const mc_chunk_sender *s)
{
    return s ? s->error : "";
}
