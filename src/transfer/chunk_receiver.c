/* chunk_receiver.c: the receiving side of a file transfer (see chunk.h for the protocol). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mediacore/base64.h"
#include "chunk_wire.h"
#include "mediacore/digest.h"

typedef enum {
    MC_RECV_IDLE,       /* no file */
    MC_RECV_OFFERED,    /* a start arrived; the application decides */
    MC_RECV_RECEIVING,  /* accepted: chunks arrive */
    MC_RECV_DONE        /* the last file finished (its id is kept to answer repeats) */
} mc_recv_state;

struct mc_chunk_receiver {
    mc_chunk_receiver_config cfg;
    mc_recv_state state;
    mc_chunk_file_info info;
    int legacy;
    uint32_t next;            /* the chunk wanted next */
    uint64_t delivered;       /* bytes delivered, in order */
    uint8_t round;            /* frames must carry this round */
    int resume_outstanding;   /* asked for `round`, no frame of it seen yet */
    int end_seen;
    uint8_t end_digest[MC_SHA256_BYTES];
    uint64_t ack_mark;        /* `delivered` at the last ack */
    mc_sha256 *sha;
    uint8_t *in;              /* mc_chunk_receiver_input() */
    size_t in_cap;
    uint8_t *buf;             /* decoded Base64 frames and legacy chunks */
    size_t buf_cap;
    const uint8_t *data;      /* the last EV_DATA */
    size_t data_len;
    uint64_t data_off;
    char msg[MC_CHUNK_MSG_CAP];
    size_t msg_len;
    mc_chunk_stats stats;
    mc_chunk_result result;
    char error[160];
};

int mc_chunk_receiver_config_default(mc_chunk_receiver_config *cfg)
{
    if (cfg == NULL)
        return MC_EINVAL;
    memset(cfg, 0, sizeof(*cfg));
    cfg->max_chunk_size = 1u << 20;
    cfg->max_file_size = MC_CHUNK_MAX_FILE_SIZE;
    cfg->allow_binary = 1;
    cfg->ack_bytes = 1u << 20;
    return MC_OK;
}

int mc_chunk_receiver_create(const mc_chunk_receiver_config *cfg, mc_chunk_receiver **out)
{
    mc_chunk_receiver *r;

    if (out == NULL)
        return MC_EINVAL;
    *out = NULL;
    if (cfg == NULL)
        return MC_EINVAL;
    if (cfg->max_chunk_size < 1 || cfg->max_chunk_size > MC_CHUNK_MAX_PAYLOAD)
        return MC_ERANGE;
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return MC_ENOMEM;
    r->cfg = *cfg;
    if (r->cfg.max_file_size == 0 || r->cfg.max_file_size > MC_CHUNK_MAX_FILE_SIZE)
        r->cfg.max_file_size = MC_CHUNK_MAX_FILE_SIZE;
    if (mc_sha256_create(&r->sha) != MC_OK) {
        free(r);
        return MC_ENOMEM;
    }
    *out = r;
    return MC_OK;
}

void mc_chunk_receiver_destroy(mc_chunk_receiver *r)
{
    if (r == NULL)
        return;
    mc_sha256_destroy(r->sha);
    free(r->in);
    free(r->buf);
    free(r);
}

size_t mc_chunk_receiver_max_message(const mc_chunk_receiver *r)
{
    if (r == NULL)
        return 0;
    return mc_base64_encoded_length(MC_CHUNK_HEADER_SIZE + (size_t)r->cfg.max_chunk_size, 0) + 64;
}

/* Grow *p to at least `size` bytes (never shrinks). 0 on failure (old buffer kept). */
static int mc_grow(uint8_t **p, size_t *cap, size_t size)
{
    uint8_t *q;

    if (size <= *cap)
        return 1;
    q = malloc(size);
    if (q == NULL)
        return 0;
    free(*p);
    *p = q;
    *cap = size;
    return 1;
}

uint8_t *mc_chunk_receiver_input(mc_chunk_receiver *r, size_t size)
{
    if (r == NULL || size > mc_chunk_receiver_max_message(r))
        return NULL;
    if (!mc_grow(&r->in, &r->in_cap, size ? size : 1))
        return NULL;
    return r->in;
}

/* ---- Replies ------------------------------------------------------------------------ */

static int mc_recv_reply(mc_chunk_receiver *r, cJSON *o)
{
    int len = mc_chunk_json_print(o, r->msg, sizeof(r->msg));
    r->msg_len = len > 0 ? (size_t)len : 0;
    return len;
}

static int mc_recv_error(mc_chunk_receiver *r, const char *fmt, const char *detail)
{
    snprintf(r->error, sizeof(r->error), fmt, detail ? detail : "");
    r->stats.errors++;
    return MC_CHUNK_EV_ERROR;
}

/* An ack or resume message {type, id, next[, round]}: REPLY, or 0 if it cannot be built. */
static int mc_recv_position(mc_chunk_receiver *r, const char *type, int with_round)
{
    cJSON *o = mc_chunk_json_new(type, r->info.id);
    int ok = o != NULL && mc_chunk_json_add_u64(o, "next", r->next) &&
             (!with_round || mc_chunk_json_add_u64(o, "round", r->round));
    if (!ok) {
        cJSON_Delete(o);
        return 0;
    }
    return mc_recv_reply(r, o) > 0 ? MC_CHUNK_EV_REPLY : 0;
}

/* Ask the sender to go back to `next`, unless a request is already outstanding. */
static int mc_recv_request_resume(mc_chunk_receiver *r)
{
    if (r->resume_outstanding)
        return MC_CHUNK_EV_IGNORED;
    r->round++;
    r->resume_outstanding = 1;
    r->stats.resumes++;
    return mc_recv_position(r, "resume", 1) | MC_CHUNK_EV_IGNORED;
}

static void mc_recv_set_result(mc_chunk_receiver *r, int ok, int verified, int error,
                               const char *reason)
{
    r->result.ok = ok;
    r->result.verified = verified;
    r->result.error = error;
    snprintf(r->result.reason, sizeof(r->result.reason), "%s", reason ? reason : "");
}

/* The done message for the finished file: REPLY, or 0 if it cannot be built. */
static int mc_recv_done_msg(mc_chunk_receiver *r)
{
    cJSON *o = mc_chunk_json_new("done", r->info.id);
    int ok = o != NULL && mc_chunk_json_add_bool(o, "ok", r->result.ok) &&
             mc_chunk_json_add_str(o, "sha256", r->result.sha256) &&
             (r->result.ok || mc_chunk_json_add_str(o, "error", "MC_ECHECKSUM: SHA-256 mismatch"));
    if (!ok) {
        cJSON_Delete(o);
        return 0;
    }
    return mc_recv_reply(r, o) > 0 ? MC_CHUNK_EV_REPLY : 0;
}

/* The last chunk is in and the end message seen: check and report. */
static int mc_recv_complete(mc_chunk_receiver *r)
{
    uint8_t digest[MC_SHA256_BYTES];
    int ok;

    mc_sha256_final(r->sha, digest);
    mc_sha256_hex(digest, r->result.sha256);
    r->state = MC_RECV_DONE;
    if (r->legacy) {
        ok = !r->info.size_known || r->delivered == r->info.size;
        mc_recv_set_result(r, ok, 0, ok ? MC_OK : MC_ECHECKSUM,
                           ok ? "unverified: the sender sent no digest"
                              : "incomplete: fewer or more bytes than the start message announced");
        return MC_CHUNK_EV_COMPLETE;
    }
    ok = r->delivered == r->info.size && memcmp(digest, r->end_digest, sizeof(digest)) == 0;
    mc_recv_set_result(r, ok, ok, ok ? MC_OK : MC_ECHECKSUM,
                       ok ? "" : "SHA-256 of the received file differs from the sender's");
    return MC_CHUNK_EV_COMPLETE | mc_recv_done_msg(r);
}

/* In-order bytes: hash, hand to the sink, count, maybe acknowledge or complete. */
static int mc_recv_deliver(mc_chunk_receiver *r, const uint8_t *p, size_t len)
{
    int ev = MC_CHUNK_EV_PROGRESS;

    mc_sha256_update(r->sha, p, len);
    if (r->cfg.sink != NULL) {
        r->cfg.sink(r->cfg.sink_ctx, p, len, r->delivered);
    } else {
        r->data = p;
        r->data_len = len;
        r->data_off = r->delivered;
        ev |= MC_CHUNK_EV_DATA;
    }
    r->delivered += len;
    r->next++;
    r->stats.bytes_done = r->delivered;
    r->stats.chunks_done = r->next;
    if (r->legacy)
        return ev;
    if (r->next == r->info.chunks && r->end_seen)
        return ev | mc_recv_complete(r);
    if (r->delivered - r->ack_mark >= r->cfg.ack_bytes || r->next == r->info.chunks) {
        r->ack_mark = r->delivered;
        ev |= mc_recv_position(r, "ack", 0);
    }
    return ev;
}

/* ---- Frames ------------------------------------------------------------------------- */

static uint32_t mc_recv_chunk_len(const mc_chunk_receiver *r, uint32_t index)
{
    uint64_t left = r->info.size - (uint64_t)index * r->info.chunk_size;
    return left < r->info.chunk_size ? (uint32_t)left : r->info.chunk_size;
}

static int mc_recv_corrupt(mc_chunk_receiver *r)
{
    r->stats.corrupt++;
    return mc_recv_request_resume(r);
}

static int mc_recv_frame(mc_chunk_receiver *r, const uint8_t *frame, size_t n)
{
    mc_chunk_header h;
    int rc;

    if (r->state != MC_RECV_RECEIVING || r->legacy) {
        r->stats.stale++;
        return MC_CHUNK_EV_IGNORED;
    }
    rc = mc_chunk_frame_parse(frame, n, &h);
    if (rc != MC_OK)
        return mc_recv_corrupt(r);
    if (h.tag != r->info.tag || h.round != r->round) {
        r->stats.stale++;
        return MC_CHUNK_EV_IGNORED;
    }
    r->resume_outstanding = 0;
    if (h.index < r->next) {
        r->stats.duplicates++;
        return MC_CHUNK_EV_IGNORED;
    }
    if (h.index >= r->info.chunks)
        return mc_recv_corrupt(r);
    if (h.index > r->next) {
        r->stats.out_of_order++;
        return mc_recv_request_resume(r);
    }
    if (h.length != mc_recv_chunk_len(r, h.index))
        return mc_recv_corrupt(r);
    return mc_recv_deliver(r, frame + MC_CHUNK_HEADER_SIZE, h.length);
}

int mc_chunk_receiver_push_binary(mc_chunk_receiver *r, const uint8_t *msg, size_t len)
{
    if (r == NULL || (msg == NULL && len > 0))
        return MC_EINVAL;
    if (len > mc_chunk_receiver_max_message(r))
        return MC_ELIMIT;
    r->data_len = 0;
    r->msg_len = 0;
    return mc_recv_frame(r, msg, len);
}

/* A text message that is not JSON: a Base64 frame, or a legacy chunk. */
static int mc_recv_base64(mc_chunk_receiver *r, const char *msg, size_t len)
{
    size_t need = mc_base64_decoded_max(len), written = 0, offset = 0;
    int rc;

    if (r->state != MC_RECV_RECEIVING) {
        r->stats.stale++;
        return MC_CHUNK_EV_IGNORED;
    }
    if (!mc_grow(&r->buf, &r->buf_cap, need ? need : 1))
        return MC_ENOMEM;
    if (r->legacy) {
        /* The book decodes each chunk with atob(): forgiving. */
        rc = mc_base64_decode(msg, len, r->buf, r->buf_cap, &written, &offset, MC_BASE64_FORGIVING);
        if (rc != MC_OK) {
            char where[48];
            r->stats.corrupt++;
            snprintf(where, sizeof(where), "%zu", offset);
            return mc_recv_error(r, "legacy chunk: invalid Base64 at offset %s", where);
        }
        if (written == 0)
            return MC_CHUNK_EV_IGNORED;   /* an empty chunk: nothing to deliver */
        return mc_recv_deliver(r, r->buf, written);
    }
    rc = mc_base64_decode(msg, len, r->buf, r->buf_cap, &written, NULL, 0);
    if (rc != MC_OK)
        return mc_recv_corrupt(r);
    return mc_recv_frame(r, r->buf, written);
}

/* ---- Control messages --------------------------------------------------------------- */

static void mc_recv_reset_file(mc_chunk_receiver *r)
{
    memset(&r->info, 0, sizeof(r->info));
    r->legacy = 0;
    r->next = 0;
    r->delivered = 0;
    r->round = 0;
    r->resume_outstanding = 0;
    r->end_seen = 0;
    r->ack_mark = 0;
    mc_sha256_reset(r->sha);
    memset(&r->stats, 0, sizeof(r->stats));
    memset(&r->result, 0, sizeof(r->result));
}

static int mc_recv_reject_msg(mc_chunk_receiver *r, const char *id, const char *reason,
                              const char *message)
{
    cJSON *o = mc_chunk_json_new("reject", id);
    if (o == NULL || !mc_chunk_json_add_str(o, "reason", reason) ||
        !mc_chunk_json_add_str(o, "message", message)) {
        cJSON_Delete(o);
        return 0;
    }
    return mc_recv_reply(r, o) > 0 ? MC_CHUNK_EV_REPLY : 0;
}

static int mc_recv_accept_msg(mc_chunk_receiver *r)
{
    cJSON *o = mc_chunk_json_new("accept", r->info.id);
    int ok = o != NULL &&
             mc_chunk_json_add_str(o, "mode", r->info.mode == MC_CHUNK_BINARY ? "binary" : "base64") &&
             mc_chunk_json_add_u64(o, "next", r->next) && mc_chunk_json_add_u64(o, "round", r->round);
    if (!ok) {
        cJSON_Delete(o);
        return MC_ENOMEM;
    }
    return mc_recv_reply(r, o);
}

/* The book's start: {"type":"start","data":{name,size,type}} and/or a top-level name. */
static int mc_recv_legacy_start(mc_chunk_receiver *r, const cJSON *root)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    const char *name = mc_json_get_str(data, "name");
    const char *mime = mc_json_get_str(data, "type");
    uint64_t size = 0;

    if (r->state == MC_RECV_OFFERED || (r->state == MC_RECV_RECEIVING && !r->legacy)) {
        r->stats.stale++;
        return MC_CHUNK_EV_IGNORED;   /* busy with one of ours; the book cannot be told */
    }
    if (name == NULL)
        name = mc_json_get_str(root, "name");
    mc_recv_reset_file(r);
    r->legacy = 1;
    memcpy(r->info.id, "legacy", 7);
    mc_chunk_sanitize_name(name ? name : "", name ? strlen(name) : 0, r->info.name, sizeof(r->info.name));
    mc_chunk_copy_utf8(r->info.mime, sizeof(r->info.mime), mime ? mime : "");
    r->info.size_known = mc_json_get_u64(data, "size", r->cfg.max_file_size, &size) == MC_OK;
    r->info.size = r->info.size_known ? size : 0;
    r->info.mode = MC_CHUNK_LEGACY;
    r->state = MC_RECV_RECEIVING;   /* the book does not wait for an answer */
    return MC_CHUNK_EV_OFFER;
}

static int mc_recv_start(mc_chunk_receiver *r, const cJSON *root, const char *id)
{
    const cJSON *modes = cJSON_GetObjectItemCaseSensitive(root, "modes"), *m;
    const char *name = mc_json_get_str(root, "name");
    const char *mime = mc_json_get_str(root, "mime");
    const char *digest = mc_json_get_str(root, "digest");
    uint64_t tag, size, chunk_size, chunks;
    int mode = -1;
    char text[96];

    if (mc_json_get_u64(root, "tag", UINT32_MAX, &tag) != MC_OK ||
        mc_json_get_u64(root, "size", MC_CHUNK_MAX_FILE_SIZE, &size) != MC_OK ||
        mc_json_get_u64(root, "chunkSize", MC_CHUNK_MAX_PAYLOAD, &chunk_size) != MC_OK ||
        chunk_size < 1 || mc_json_get_u64(root, "chunks", UINT32_MAX, &chunks) != MC_OK ||
        chunks != (size + chunk_size - 1) / chunk_size || name == NULL ||
        (digest != NULL && strcmp(digest, "sha-256") != 0) || !cJSON_IsArray(modes))
        return mc_recv_reject_msg(r, id, "invalid", "malformed start message") |
               mc_recv_error(r, "start: %s", "missing or invalid tag, size, chunkSize, chunks, "
                                             "name, digest or modes");

    /* The same file again: the sender reconnected. Continue where we are. */
    if (strcmp(id, r->info.id) == 0 && !r->legacy) {
        if (r->state == MC_RECV_OFFERED)
            return MC_CHUNK_EV_IGNORED;   /* the application has not answered yet */
        if (r->state == MC_RECV_RECEIVING && tag == r->info.tag && size == r->info.size &&
            chunk_size == r->info.chunk_size) {
            r->round++;
            r->resume_outstanding = 1;
            r->stats.resumes++;
            return mc_recv_accept_msg(r) > 0 ? MC_CHUNK_EV_REPLY | MC_CHUNK_EV_RESUME : MC_ENOMEM;
        }
        if (r->state == MC_RECV_DONE && tag == r->info.tag) {
            /* It missed our done message: send it again. */
            return mc_recv_done_msg(r) | MC_CHUNK_EV_IGNORED;
        }
    }
    if (r->state == MC_RECV_OFFERED || r->state == MC_RECV_RECEIVING) {
        r->stats.stale++;
        return mc_recv_reject_msg(r, id, "busy", "another file is being received") |
               MC_CHUNK_EV_IGNORED;
    }
    for (m = modes->child; m != NULL && mode < 0; m = m->next) {
        if (!cJSON_IsString(m))
            continue;
        if (strcmp(m->valuestring, "binary") == 0 && r->cfg.allow_binary)
            mode = MC_CHUNK_BINARY;
        else if (strcmp(m->valuestring, "base64") == 0)
            mode = MC_CHUNK_BASE64;
    }
    if (mode < 0)
        return mc_recv_reject_msg(r, id, "invalid", "no transfer mode in common") |
               mc_recv_error(r, "start: %s", "no transfer mode in common");
    if (size > r->cfg.max_file_size || chunk_size > r->cfg.max_chunk_size) {
        snprintf(text, sizeof(text), "%s is over this receiver's limit",
                 size > r->cfg.max_file_size ? "the file size" : "the chunk size");
        return mc_recv_reject_msg(r, id, "size", text) | mc_recv_error(r, "start: %s", text);
    }
    if (!mc_grow(&r->buf, &r->buf_cap, MC_CHUNK_HEADER_SIZE + chunk_size + 3))
        return MC_ENOMEM;

    mc_recv_reset_file(r);
    memcpy(r->info.id, id, strlen(id) + 1);
    mc_chunk_sanitize_name(name, strlen(name), r->info.name, sizeof(r->info.name));
    mc_chunk_copy_utf8(r->info.mime, sizeof(r->info.mime), mime ? mime : "");
    r->info.size = size;
    r->info.size_known = 1;
    r->info.chunk_size = (uint32_t)chunk_size;
    r->info.chunks = (uint32_t)chunks;
    r->info.tag = (uint32_t)tag;
    r->info.mode = (mc_chunk_mode)mode;
    r->state = MC_RECV_OFFERED;
    return MC_CHUNK_EV_OFFER;
}

static int mc_recv_end(mc_chunk_receiver *r, const cJSON *root)
{
    const char *hex = mc_json_get_str(root, "sha256");
    uint64_t chunks, size, round;

    if (r->state != MC_RECV_RECEIVING || r->legacy)
        return MC_CHUNK_EV_IGNORED;
    if (hex == NULL || mc_sha256_from_hex(hex, strlen(hex), r->end_digest) != MC_OK ||
        mc_json_get_u64(root, "chunks", UINT32_MAX, &chunks) != MC_OK || chunks != r->info.chunks ||
        mc_json_get_u64(root, "size", MC_CHUNK_MAX_FILE_SIZE, &size) != MC_OK || size != r->info.size ||
        mc_json_get_u64(root, "round", 255, &round) != MC_OK)
        return mc_recv_error(r, "end: %s", "sha256, chunks, size or round missing or not the start's");
    r->end_seen = 1;
    if (r->next == r->info.chunks)
        return mc_recv_complete(r);
    if (round != r->round) {
        r->stats.stale++;   /* the end of a pass we already asked to repeat */
        return MC_CHUNK_EV_IGNORED;
    }
    /* The sender finished the pass we asked for and chunks are still missing (the last
     * ones were lost or corrupt): ask again, even if that pass never got through. */
    r->stats.out_of_order++;
    r->resume_outstanding = 0;
    return mc_recv_request_resume(r);
}

static int mc_recv_control(mc_chunk_receiver *r, const char *msg, size_t len)
{
    cJSON *root = mc_chunk_json_parse(msg, len, r->error, sizeof(r->error));
    const char *type, *id;
    int ev;

    if (root == NULL) {
        r->stats.errors++;
        return MC_CHUNK_EV_ERROR;
    }
    type = mc_json_get_str(root, "type");
    id = mc_json_get_str(root, "id");
    if (id != NULL && !mc_chunk_id_valid(id, strlen(id))) {
        ev = mc_recv_error(r, "%s: invalid file id", type);
    } else if (strcmp(type, "start") == 0) {
        ev = id != NULL ? mc_recv_start(r, root, id) : mc_recv_legacy_start(r, root);
    } else if (strcmp(type, "end") == 0) {
        if (id == NULL && r->legacy && r->state == MC_RECV_RECEIVING)
            ev = mc_recv_complete(r);
        else if (id != NULL && strcmp(id, r->info.id) == 0)
            ev = mc_recv_end(r, root);
        else
            ev = MC_CHUNK_EV_IGNORED;
    } else if (strcmp(type, "cancel") == 0) {
        int ours = (id == NULL && r->legacy) || (id != NULL && strcmp(id, r->info.id) == 0);
        if (ours && (r->state == MC_RECV_OFFERED || r->state == MC_RECV_RECEIVING)) {
            const char *reason = mc_json_get_str(root, "reason");
            char why[128];
            snprintf(why, sizeof(why), "cancelled by the sender%s%s", reason ? ": " : "", reason ? reason : "");
            r->state = MC_RECV_IDLE;
            mc_recv_set_result(r, 0, 0, MC_ESTATE, why);
            ev = MC_CHUNK_EV_CANCELLED;
        } else {
            ev = MC_CHUNK_EV_IGNORED;
        }
    } else {
        ev = MC_CHUNK_EV_IGNORED;   /* unknown types: room for extensions */
    }
    cJSON_Delete(root);
    return ev;
}

int mc_chunk_receiver_push_text(mc_chunk_receiver *r, const char *msg, size_t len)
{
    if (r == NULL || (msg == NULL && len > 0))
        return MC_EINVAL;
    if (len > mc_chunk_receiver_max_message(r))
        return MC_ELIMIT;
    r->data_len = 0;
    r->msg_len = 0;
    r->error[0] = '\0';
    if (len > 0 && msg[0] == '{')
        return mc_recv_control(r, msg, len);
    return mc_recv_base64(r, msg, len);
}

/* ---- The application's answers ------------------------------------------------------ */

int mc_chunk_receiver_accept(mc_chunk_receiver *r)
{
    if (r == NULL)
        return MC_EINVAL;
    if (r->state == MC_RECV_RECEIVING && r->legacy && r->next == 0)
        return 0;   /* the book's sender does not wait for an answer */
    if (r->state != MC_RECV_OFFERED)
        return MC_ESTATE;
    r->state = MC_RECV_RECEIVING;
    return mc_recv_accept_msg(r);
}

int mc_chunk_receiver_reject(mc_chunk_receiver *r, const char *reason, const char *message)
{
    char why[128];
    int len = 0;

    if (r == NULL)
        return MC_EINVAL;
    if (r->state != MC_RECV_OFFERED && r->state != MC_RECV_RECEIVING)
        return MC_ESTATE;
    if (reason == NULL)
        reason = "declined";
    if (message == NULL)
        message = "";
    if (!r->legacy) {
        cJSON *o = mc_chunk_json_new(r->state == MC_RECV_OFFERED ? "reject" : "cancel", r->info.id);
        if (o == NULL || !mc_chunk_json_add_str(o, "reason", reason) ||
            !mc_chunk_json_add_str(o, "message", message)) {
            cJSON_Delete(o);
            return MC_ENOMEM;
        }
        len = mc_recv_reply(r, o);
        if (len < 0)
            return len;
    }
    snprintf(why, sizeof(why), "%s%s%s", reason, message[0] ? ": " : "", message);
    mc_recv_set_result(r, 0, 0, strcmp(reason, "space") == 0 || strcmp(reason, "size") == 0
                                     ? MC_ELIMIT : MC_ESTATE, why);
    r->state = MC_RECV_IDLE;
    return len;
}

/* ---- Accessors ---------------------------------------------------------------------- */

const uint8_t *mc_chunk_receiver_data(const mc_chunk_receiver *r, size_t *len, uint64_t *offset)
{
    if (len)
        *len = r ? r->data_len : 0;
    if (offset)
        *offset = r ? r->data_off : 0;
    return r && r->data_len ? r->data : NULL;
}

const char *mc_chunk_receiver_message(const mc_chunk_receiver *r, size_t *len)
{
    if (len)
        *len = r ? r->msg_len : 0;
    return r ? r->msg : NULL;
}

int mc_chunk_receiver_info(const mc_chunk_receiver *r, mc_chunk_file_info *out)
{
    if (r == NULL || out == NULL)
        return MC_EINVAL;
    *out = r->info;
    return MC_OK;
}

int mc_chunk_receiver_stats(const mc_chunk_receiver *r, mc_chunk_stats *out)
{
    if (r == NULL || out == NULL)
        return MC_EINVAL;
    *out = r->stats;
    return MC_OK;
}

int mc_chunk_receiver_result(const mc_chunk_receiver *r, mc_chunk_result *out)
{
    if (r == NULL || out == NULL)
        return MC_EINVAL;
    *out = r->result;
    return MC_OK;
}

const char *mc_chunk_receiver_error(const mc_chunk_receiver *r)
{
    return r ? r->error : "";
}

int mc_chunk_receiver_busy(const mc_chunk_receiver *r)
{
    return r != NULL && (r->state == MC_RECV_OFFERED || r->state == MC_RECV_RECEIVING);
}
