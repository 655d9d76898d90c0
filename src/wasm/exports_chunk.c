/* exports_chunk.c: file transfer (chunk.h) for the shim (web/lib/fileshare/).
 *
 * Handles are returned as positive addresses (or a negative MC_E* code). 64-bit sizes
 * cross as doubles (exact up to 2^53). The info, stats and result records below are
 * written into the shim's buffers; the shim finds their sizes, offsets and the header's
 * constants in mc_wasm_chunk_layout() (layout.h), never as numbers of its own.
 */
#include <stdlib.h>
#include <string.h>

#include <emscripten.h>

#include "mediacore/chunk.h"
#include "layout.h"

/** mc_chunk_file_info as the shim reads it: strings NUL-terminated. */
typedef struct mc_wasm_chunk_info {
    double size;
    int32_t size_known;
    uint32_t chunk_size;
    uint32_t chunks;
    uint32_t tag;
    int32_t mode;             /**< an mc_chunk_mode */
    char id[MC_CHUNK_ID_MAX + 1];
    char name[MC_CHUNK_NAME_MAX + 1];
    char mime[MC_CHUNK_MIME_MAX + 1];
} mc_wasm_chunk_info;

/** mc_chunk_stats as the shim reads it: every counter a double. */
typedef struct mc_wasm_chunk_stats {
    double bytes_done, bytes_sent, chunks_done, duplicates, out_of_order, corrupt, stale,
        resumes, errors;
} mc_wasm_chunk_stats;

/** mc_chunk_result as the shim reads it. */
typedef struct mc_wasm_chunk_result {
    int32_t ok;
    int32_t verified;
    int32_t error;
    char sha256[sizeof(((mc_chunk_result *)0)->sha256)];
    char reason[sizeof(((mc_chunk_result *)0)->reason)];
} mc_wasm_chunk_result;

/* The JavaScript side keeps no copy of any of this. */
static const mc_wasm_layout_entry mc_wasm_chunk_table[] = {
    MC_WASM_CONST("header_size", MC_CHUNK_HEADER_SIZE),
    MC_WASM_CONST("mode.base64", MC_CHUNK_BASE64),
    MC_WASM_CONST("mode.binary", MC_CHUNK_BINARY),
    MC_WASM_CONST("mode.legacy", MC_CHUNK_LEGACY),
    MC_WASM_CONST("send.wait", MC_CHUNK_WAIT),
    MC_WASM_CONST("send.chunk", MC_CHUNK_SEND_CHUNK),
    MC_WASM_CONST("send.end", MC_CHUNK_SEND_END),
    MC_WASM_CONST("ev.offer", MC_CHUNK_EV_OFFER),
    MC_WASM_CONST("ev.data", MC_CHUNK_EV_DATA),
    MC_WASM_CONST("ev.reply", MC_CHUNK_EV_REPLY),
    MC_WASM_CONST("ev.progress", MC_CHUNK_EV_PROGRESS),
    MC_WASM_CONST("ev.complete", MC_CHUNK_EV_COMPLETE),
    MC_WASM_CONST("ev.cancelled", MC_CHUNK_EV_CANCELLED),
    MC_WASM_CONST("ev.accepted", MC_CHUNK_EV_ACCEPTED),
    MC_WASM_CONST("ev.rejected", MC_CHUNK_EV_REJECTED),
    MC_WASM_CONST("ev.resume", MC_CHUNK_EV_RESUME),
    MC_WASM_CONST("ev.ignored", MC_CHUNK_EV_IGNORED),
    MC_WASM_CONST("ev.error", MC_CHUNK_EV_ERROR),
    MC_WASM_SIZE("info", mc_wasm_chunk_info),
    MC_WASM_OFFSET("info", mc_wasm_chunk_info, size),
    MC_WASM_OFFSET("info", mc_wasm_chunk_info, size_known),
    MC_WASM_OFFSET("info", mc_wasm_chunk_info, chunk_size),
    MC_WASM_OFFSET("info", mc_wasm_chunk_info, chunks),
    MC_WASM_OFFSET("info", mc_wasm_chunk_info, tag),
    MC_WASM_OFFSET("info", mc_wasm_chunk_info, mode),
    MC_WASM_OFFSET("info", mc_wasm_chunk_info, id),
    MC_WASM_OFFSET("info", mc_wasm_chunk_info, name),
    MC_WASM_OFFSET("info", mc_wasm_chunk_info, mime),
    MC_WASM_SIZE("stats", mc_wasm_chunk_stats),
    MC_WASM_OFFSET("stats", mc_wasm_chunk_stats, bytes_done),
    MC_WASM_OFFSET("stats", mc_wasm_chunk_stats, bytes_sent),
    MC_WASM_OFFSET("stats", mc_wasm_chunk_stats, chunks_done),
    MC_WASM_OFFSET("stats", mc_wasm_chunk_stats, duplicates),
    MC_WASM_OFFSET("stats", mc_wasm_chunk_stats, out_of_order),
    MC_WASM_OFFSET("stats", mc_wasm_chunk_stats, corrupt),
    MC_WASM_OFFSET("stats", mc_wasm_chunk_stats, stale),
    MC_WASM_OFFSET("stats", mc_wasm_chunk_stats, resumes),
    MC_WASM_OFFSET("stats", mc_wasm_chunk_stats, errors),
    MC_WASM_SIZE("result", mc_wasm_chunk_result),
    MC_WASM_OFFSET("result", mc_wasm_chunk_result, ok),
    MC_WASM_OFFSET("result", mc_wasm_chunk_result, verified),
    MC_WASM_OFFSET("result", mc_wasm_chunk_result, error),
    MC_WASM_OFFSET("result", mc_wasm_chunk_result, sha256),
    MC_WASM_OFFSET("result", mc_wasm_chunk_result, reason),
    MC_WASM_LAYOUT_END
};

MC_WASM_LAYOUT_EXPORT(chunk)   /* mc_wasm_chunk_layout() */

/* The copies below are whole: a field the C side gains must be added here and to the
 * table, and the shim reads it by name. */
_Static_assert(sizeof(((mc_chunk_file_info *)0)->id) == sizeof(((mc_wasm_chunk_info *)0)->id), "id");
_Static_assert(sizeof(((mc_chunk_file_info *)0)->name) == sizeof(((mc_wasm_chunk_info *)0)->name), "name");
_Static_assert(sizeof(((mc_chunk_file_info *)0)->mime) == sizeof(((mc_wasm_chunk_info *)0)->mime), "mime");

static void mc_wasm_write_info(const mc_chunk_file_info *in, mc_wasm_chunk_info *out)
{
    memset(out, 0, sizeof(*out));
    out->size = (double)in->size;
    out->size_known = in->size_known;
    out->chunk_size = in->chunk_size;
    out->chunks = in->chunks;
    out->tag = in->tag;
    out->mode = (int32_t)in->mode;
    memcpy(out->id, in->id, sizeof(out->id));
    memcpy(out->name, in->name, sizeof(out->name));
    memcpy(out->mime, in->mime, sizeof(out->mime));
}

static void mc_wasm_write_stats(const mc_chunk_stats *st, mc_wasm_chunk_stats *out)
{
    out->bytes_done = (double)st->bytes_done;
    out->bytes_sent = (double)st->bytes_sent;
    out->chunks_done = st->chunks_done;
    out->duplicates = st->duplicates;
    out->out_of_order = st->out_of_order;
    out->corrupt = st->corrupt;
    out->stale = st->stale;
    out->resumes = st->resumes;
    out->errors = st->errors;
}

static void mc_wasm_write_result(const mc_chunk_result *res, mc_wasm_chunk_result *out)
{
    memset(out, 0, sizeof(*out));
    out->ok = res->ok;
    out->verified = res->verified;
    out->error = res->error;
    memcpy(out->sha256, res->sha256, sizeof(out->sha256));
    memcpy(out->reason, res->reason, sizeof(out->reason));
}

/* ---- Sender ------------------------------------------------------------------------- */

/** A sender (handle > 0) or an MC_E* code. window: bytes, 0 for no limit. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_create(uint32_t chunk_size, int allow_binary,
                                                     int allow_base64, double window)
{
    mc_chunk_sender_config cfg;
    mc_chunk_sender *s = NULL;
    int rc;

    mc_chunk_sender_config_default(&cfg);
    cfg.chunk_size = chunk_size;
    cfg.allow_binary = allow_binary;
    cfg.allow_base64 = allow_base64;
    cfg.window = window > 0 ? (uint64_t)window : 0;
    rc = mc_chunk_sender_create(&cfg, &s);
    return rc == MC_OK ? (int)(intptr_t)s : rc;
}

EMSCRIPTEN_KEEPALIVE void mc_wasm_chunk_sender_destroy(mc_chunk_sender *s)
{
    mc_chunk_sender_destroy(s);
}

/** strings: "id\0name\0mime\0" in module memory. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_begin(mc_chunk_sender *s, const char *strings,
                                                    double size, uint32_t tag)
{
    const char *id = strings, *name, *mime;

    if (strings == NULL || !(size >= 0) || size > (double)MC_CHUNK_MAX_FILE_SIZE)
        return MC_EINVAL;
    name = id + strlen(id) + 1;
    mime = name + strlen(name) + 1;
    return mc_chunk_sender_begin(s, id, name, mime, (uint64_t)size, tag);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_restart(mc_chunk_sender *s)
{
    return mc_chunk_sender_restart(s);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_receive(mc_chunk_sender *s, const char *msg, size_t len)
{
    return mc_chunk_sender_receive(s, msg, len);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_poll(mc_chunk_sender *s)
{
    return mc_chunk_sender_poll(s);
}

EMSCRIPTEN_KEEPALIVE uint32_t mc_wasm_chunk_sender_chunk_index(mc_chunk_sender *s)
{
    return mc_chunk_sender_chunk_index(s);
}

EMSCRIPTEN_KEEPALIVE double mc_wasm_chunk_sender_chunk_offset(mc_chunk_sender *s)
{
    return (double)mc_chunk_sender_chunk_offset(s);
}

EMSCRIPTEN_KEEPALIVE uint32_t mc_wasm_chunk_sender_chunk_length(mc_chunk_sender *s)
{
    return mc_chunk_sender_chunk_length(s);
}

EMSCRIPTEN_KEEPALIVE uint8_t *mc_wasm_chunk_sender_payload(mc_chunk_sender *s)
{
    return mc_chunk_sender_payload(s);
}

/** Output length (> 0) or an MC_E* code; the output is at mc_wasm_chunk_sender_output(). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_seal(mc_chunk_sender *s)
{
    return mc_chunk_sender_seal(s);
}

EMSCRIPTEN_KEEPALIVE const uint8_t *mc_wasm_chunk_sender_output(mc_chunk_sender *s)
{
    return mc_chunk_sender_output(s, NULL);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_output_is_text(mc_chunk_sender *s)
{
    return mc_chunk_sender_output_is_text(s);
}

/** Message length or an MC_E* code; the message is at mc_wasm_chunk_sender_message(). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_end(mc_chunk_sender *s)
{
    return mc_chunk_sender_end(s);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_cancel(mc_chunk_sender *s, const char *reason)
{
    return mc_chunk_sender_cancel(s, reason);
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_chunk_sender_message(mc_chunk_sender *s)
{
    return mc_chunk_sender_message(s, NULL);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_message_len(mc_chunk_sender *s)
{
    size_t len = 0;
    mc_chunk_sender_message(s, &len);
    return (int)len;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_info(mc_chunk_sender *s, mc_wasm_chunk_info *out)
{
    mc_chunk_file_info info;
    int rc = mc_chunk_sender_info(s, &info);
    if (rc == MC_OK)
        mc_wasm_write_info(&info, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_stats(mc_chunk_sender *s, mc_wasm_chunk_stats *out)
{
    mc_chunk_stats st;
    int rc = mc_chunk_sender_stats(s, &st);
    if (rc == MC_OK)
        mc_wasm_write_stats(&st, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_result(mc_chunk_sender *s, mc_wasm_chunk_result *out)
{
    mc_chunk_result res;
    int rc = mc_chunk_sender_result(s, &res);
    if (rc == MC_OK)
        mc_wasm_write_result(&res, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_chunk_sender_error(mc_chunk_sender *s)
{
    return mc_chunk_sender_error(s);
}

/* ---- Receiver ----------------------------------------------------------------------- */

/** A receiver (handle > 0) or an MC_E* code. max_file_size 0: the default (2^53 - 1). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_create(uint32_t max_chunk_size, double max_file_size,
                                                       int allow_binary, uint32_t ack_bytes)
{
    mc_chunk_receiver_config cfg;
    mc_chunk_receiver *r = NULL;
    int rc;

    mc_chunk_receiver_config_default(&cfg);
    if (max_chunk_size)
        cfg.max_chunk_size = max_chunk_size;
    cfg.max_file_size = max_file_size > 0 ? (uint64_t)max_file_size : 0;
    cfg.allow_binary = allow_binary;
    if (ack_bytes)
        cfg.ack_bytes = ack_bytes;
    rc = mc_chunk_receiver_create(&cfg, &r);
    return rc == MC_OK ? (int)(intptr_t)r : rc;
}

EMSCRIPTEN_KEEPALIVE void mc_wasm_chunk_receiver_destroy(mc_chunk_receiver *r)
{
    mc_chunk_receiver_destroy(r);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_max_message(mc_chunk_receiver *r)
{
    return (int)mc_chunk_receiver_max_message(r);
}

/** The receiver's input buffer for a message of `size` bytes, or 0 (over the limit). */
EMSCRIPTEN_KEEPALIVE uint8_t *mc_wasm_chunk_receiver_input(mc_chunk_receiver *r, size_t size)
{
    return mc_chunk_receiver_input(r, size);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_push_text(mc_chunk_receiver *r, const char *msg, size_t len)
{
    return mc_chunk_receiver_push_text(r, msg, len);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_push_binary(mc_chunk_receiver *r, const uint8_t *msg, size_t len)
{
    return mc_chunk_receiver_push_binary(r, msg, len);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_accept(mc_chunk_receiver *r)
{
    return mc_chunk_receiver_accept(r);
}

/** strings: "reason\0message\0". */
EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_reject(mc_chunk_receiver *r, const char *strings)
{
    if (strings == NULL)
        return mc_chunk_receiver_reject(r, NULL, NULL);
    return mc_chunk_receiver_reject(r, strings, strings + strlen(strings) + 1);
}

EMSCRIPTEN_KEEPALIVE const uint8_t *mc_wasm_chunk_receiver_data(mc_chunk_receiver *r)
{
    return mc_chunk_receiver_data(r, NULL, NULL);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_data_len(mc_chunk_receiver *r)
{
    size_t len = 0;
    mc_chunk_receiver_data(r, &len, NULL);
    return (int)len;
}

EMSCRIPTEN_KEEPALIVE double mc_wasm_chunk_receiver_data_offset(mc_chunk_receiver *r)
{
    uint64_t off = 0;
    mc_chunk_receiver_data(r, NULL, &off);
    return (double)off;
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_chunk_receiver_message(mc_chunk_receiver *r)
{
    return mc_chunk_receiver_message(r, NULL);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_message_len(mc_chunk_receiver *r)
{
    size_t len = 0;
    mc_chunk_receiver_message(r, &len);
    return (int)len;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_info(mc_chunk_receiver *r, mc_wasm_chunk_info *out)
{
    mc_chunk_file_info info;
    int rc = mc_chunk_receiver_info(r, &info);
    if (rc == MC_OK)
        mc_wasm_write_info(&info, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_stats(mc_chunk_receiver *r, mc_wasm_chunk_stats *out)
{
    mc_chunk_stats st;
    int rc = mc_chunk_receiver_stats(r, &st);
    if (rc == MC_OK)
        mc_wasm_write_stats(&st, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_result(mc_chunk_receiver *r, mc_wasm_chunk_result *out)
{
    mc_chunk_result res;
    int rc = mc_chunk_receiver_result(r, &res);
    if (rc == MC_OK)
        mc_wasm_write_result(&res, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_chunk_receiver_error(mc_chunk_receiver *r)
{
    return mc_chunk_receiver_error(r);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_busy(mc_chunk_receiver *r)
{
    return mc_chunk_receiver_busy(r);
}

/** CRC-32C of p[0, n) (for tests). */
EMSCRIPTEN_KEEPALIVE uint32_t mc_wasm_crc32c(const uint8_t *p, size_t n)
{
    return mc_crc32c(0, p, n);
}
