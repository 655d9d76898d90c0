/* exports_chunk.c: file transfer (chunk.h) for the shim (web/lib/fileshare.js).
 *
 * Handles are returned as positive addresses (or a negative MC_E* code). 64-bit sizes
 * cross as doubles (exact up to 2^53). Records the shim reads are written into its
 * buffers with fixed layouts, little-endian:
 *
 *   info (512 bytes):   f64 size @0, i32 size_known @8, u32 chunk_size @12, u32 chunks @16,
 *                       u32 tag @20, i32 mode @24, id @32 (65), name @97 (256),
 *                       mime @353 (128); strings NUL-terminated
 *   stats (72 bytes):   f64 bytes_done, bytes_sent, chunks_done, duplicates, out_of_order,
 *                       corrupt, stale, resumes, errors
 *   result (224 bytes): i32 ok @0, verified @4, error @8, sha256 @12 (65),
 *                       reason @80 (128)
 */
#include <stdlib.h>
#include <string.h>

#include <emscripten.h>

#include "mediacore/chunk.h"

#define MC_WASM_INFO_SIZE   512
#define MC_WASM_STATS_SIZE  72
#define MC_WASM_RESULT_SIZE 224

static void mc_wasm_write_info(const mc_chunk_file_info *in, uint8_t *out)
{
    double size = (double)in->size;
    int32_t i32;
    uint32_t u32;

    memset(out, 0, MC_WASM_INFO_SIZE);
    memcpy(out, &size, 8);
    i32 = in->size_known;
    memcpy(out + 8, &i32, 4);
    u32 = in->chunk_size;
    memcpy(out + 12, &u32, 4);
    u32 = in->chunks;
    memcpy(out + 16, &u32, 4);
    u32 = in->tag;
    memcpy(out + 20, &u32, 4);
    i32 = (int32_t)in->mode;
    memcpy(out + 24, &i32, 4);
    memcpy(out + 32, in->id, sizeof(in->id));
    memcpy(out + 97, in->name, sizeof(in->name));
    memcpy(out + 353, in->mime, sizeof(in->mime));
}

static void mc_wasm_write_stats(const mc_chunk_stats *st, double *out)
{
    out[0] = (double)st->bytes_done;
    out[1] = (double)st->bytes_sent;
    out[2] = st->chunks_done;
    out[3] = st->duplicates;
    out[4] = st->out_of_order;
    out[5] = st->corrupt;
    out[6] = st->stale;
    out[7] = st->resumes;
    out[8] = st->errors;
}

static void mc_wasm_write_result(const mc_chunk_result *res, uint8_t *out)
{
    int32_t v[3] = { res->ok, res->verified, res->error };

    memset(out, 0, MC_WASM_RESULT_SIZE);
    memcpy(out, v, sizeof(v));
    memcpy(out + 12, res->sha256, sizeof(res->sha256));
    memcpy(out + 80, res->reason, sizeof(res->reason));
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

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_info(mc_chunk_sender *s, uint8_t *out)
{
    mc_chunk_file_info info;
    int rc = mc_chunk_sender_info(s, &info);
    if (rc == MC_OK)
        mc_wasm_write_info(&info, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_stats(mc_chunk_sender *s, double *out)
{
    mc_chunk_stats st;
    int rc = mc_chunk_sender_stats(s, &st);
    if (rc == MC_OK)
        mc_wasm_write_stats(&st, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_sender_result(mc_chunk_sender *s, uint8_t *out)
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

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_info(mc_chunk_receiver *r, uint8_t *out)
{
    mc_chunk_file_info info;
    int rc = mc_chunk_receiver_info(r, &info);
    if (rc == MC_OK)
        mc_wasm_write_info(&info, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_stats(mc_chunk_receiver *r, double *out)
{
    mc_chunk_stats st;
    int rc = mc_chunk_receiver_stats(r, &st);
    if (rc == MC_OK)
        mc_wasm_write_stats(&st, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_chunk_receiver_result(mc_chunk_receiver *r, uint8_t *out)
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
