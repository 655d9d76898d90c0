/* chunk_wire.h: internal. The frame header and the control-message helpers that
 * chunk_sender.c and chunk_receiver.c share, on top of base/json.h (parsing, member
 * getters, printing) and base/utf8.h. Not part of the public API (see chunk.h for the
 * format). */
#ifndef MC_CHUNK_WIRE_H
#define MC_CHUNK_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "base/json.h"
#include "mediacore/chunk.h"

/* Control messages may carry a name of MC_CHUNK_NAME_MAX bytes, each escaped to at most
 * six characters, plus the other fields: MC_CHUNK_MESSAGE_MAX always fits them. */
#define MC_CHUNK_MSG_CAP MC_CHUNK_MESSAGE_MAX

typedef struct mc_chunk_header {
    uint8_t round;
    uint32_t tag;
    uint32_t index;
    uint32_t length;
    uint32_t crc;
} mc_chunk_header;

/* Write the header for `length` payload bytes already at frame + MC_CHUNK_HEADER_SIZE,
 * CRC included. */
void mc_chunk_frame_seal(uint8_t *frame, uint8_t round, uint32_t tag, uint32_t index,
                         uint32_t length);

/* Parse and check a frame of `n` bytes: magic, version, length field == n - header, CRC.
 * MC_OK, MC_EFORMAT (not a frame: too short, bad magic or version, length mismatch) or
 * MC_ECHECKSUM (CRC mismatch; *h is filled but untrustworthy). */
int mc_chunk_frame_parse(const uint8_t *frame, size_t n, mc_chunk_header *h);

/* 1 when id[0, len) is 1..MC_CHUNK_ID_MAX characters of [A-Za-z0-9._-]. */
int mc_chunk_id_valid(const char *id, size_t len);

/* Copy at most cap - 1 bytes of s, cutting on a UTF-8 character boundary. */
void mc_chunk_copy_utf8(char *dst, size_t cap, const char *s);

/* Print `obj` (then delete it) into buf[0, cap): the length, or MC_ENOMEM (obj NULL or a
 * failed allocation) / MC_ELIMIT (does not fit). */
int mc_chunk_json_print(cJSON *obj, char *buf, size_t cap);

/* An object {"type": type, "id": id}, or NULL when out of memory. */
cJSON *mc_chunk_json_new(const char *type, const char *id);

/* Add a number (an integer up to 2^53) / a string / a boolean; 0 when out of memory. */
int mc_chunk_json_add_u64(cJSON *obj, const char *key, uint64_t value);
int mc_chunk_json_add_str(cJSON *obj, const char *key, const char *value);
int mc_chunk_json_add_bool(cJSON *obj, const char *key, int value);

/* Parse a control message: the root object, or NULL (with a reason in err) when it is
 * not a JSON object with a string "type". The caller deletes the result. Its fields are
 * read with mc_json_get_str and mc_json_get_u64 (base/json.h). */
cJSON *mc_chunk_json_parse(const char *msg, size_t len, char *err, size_t errcap);

#endif /* MC_CHUNK_WIRE_H */
