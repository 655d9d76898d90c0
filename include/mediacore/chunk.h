/* chunk.h: file transfer over a message channel: chunking, framing, reassembly,
 * integrity and resume. The wire format is in docs/fileshare.md; in short:
 *
 *   control   JSON text messages (built and parsed with cJSON), each with "type" and
 *             the file's "id":
 *               start   sender -> receiver  id, tag, name, size, mime, chunkSize, chunks,
 *                                           digest ("sha-256"), modes (offered, in order)
 *               accept  receiver -> sender  mode, next (first chunk wanted), round
 *               reject  receiver -> sender  reason ("space", "declined", "busy",
 *                                           "invalid", "size"), message
 *               ack     receiver -> sender  next: every chunk before it is verified and
 *                                           delivered
 *               resume  receiver -> sender  next, round: send again from chunk `next`
 *                                           (a gap, a duplicate or a corrupt chunk)
 *               end     sender -> receiver  chunks, size, sha256 (hex of the whole file)
 *               done    receiver -> sender  ok, sha256, error
 *               cancel  either way          reason
 *   chunks    a frame: a 20-byte header and the payload. In binary mode the frame is one
 *             binary message; in Base64 mode (the default) it is one text message holding
 *             the frame's Base64, so it also crosses text-only channels.
 *
 *     offset  size  field
 *          0     2  magic 'm' 'c'
 *          2     1  version (1)
 *          3     1  round: which resume request this frame answers (see below)
 *          4     4  tag: the file's 32-bit tag from its start message
 *          8     4  index of the chunk, from 0
 *         12     4  payload length: chunkSize, or the rest of the file for the last one
 *         16     4  CRC-32C of bytes 0..15 and the payload
 *     all little-endian.
 *
 * The receiver accepts chunk `next` only; anything else is detected and counted: a
 * duplicate (index below next), out of order (above next: chunks are missing), corrupt
 * (CRC, length or Base64 wrong), stale (an older round or another file). On a gap or a
 * corrupt chunk it asks the sender to resume from `next` with a new round number; the
 * sender rewinds and stamps frames with that round, so frames still in flight from
 * before the request are recognised and dropped instead of triggering more requests.
 * Bytes go to the sink strictly in order, and are hashed (SHA-256) on the way, so the
 * end message's digest proves the whole file.
 *
 * Resume after a dropped connection: the sender sends its start message again (same
 * id) on the new channel; a receiver that knows the file answers accept with the next
 * chunk it needs, and the transfer continues from there.
 *
 * The book's stream is accepted too: {"type":"start","data":{name,size,type}} (or a
 * top-level name), bare Base64 text chunks (decoded like atob), {"type":"end"}. Such a
 * file has no digest and is reported as unverified.
 *
 * Memory: a sender or receiver allocates its buffers when created or when a file starts
 * (sized by the chunk size) and reuses them for every chunk; nothing is allocated per
 * chunk. JSON control messages are built and parsed with cJSON, which allocates, but
 * there are a handful per file (plus one ack per ack interval).
 */
#ifndef MC_CHUNK_H
#define MC_CHUNK_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MC_CHUNK_HEADER_SIZE   20
#define MC_CHUNK_VERSION       1
#define MC_CHUNK_MAX_PAYLOAD   (4u << 20)   /**< largest chunk size either side allows */
#define MC_CHUNK_ID_MAX        64           /**< file ids: 1..64 of [A-Za-z0-9._-] */
#define MC_CHUNK_NAME_MAX      255          /**< bytes of UTF-8 */
#define MC_CHUNK_MIME_MAX      127
#define MC_CHUNK_MESSAGE_MAX   4096         /**< largest control message built here */
#define MC_CHUNK_MAX_FILE_SIZE 9007199254740991ull  /**< 2^53 - 1: exact in JavaScript */

/** Transfer modes (values stable: they cross the wasm boundary). */
typedef enum mc_chunk_mode {
    MC_CHUNK_BASE64 = 0,   /**< frames as Base64 text messages (default) */
    MC_CHUNK_BINARY = 1,   /**< frames as binary messages */
    MC_CHUNK_LEGACY = 2    /**< the book's stream: bare Base64 chunks, no frames */
} mc_chunk_mode;

/** CRC-32C (Castagnoli), as used by iSCSI and SCTP: start with crc = 0, chain calls. */
uint32_t mc_crc32c(uint32_t crc, const void *p, size_t n);

/* ---- Events ---------------------------------------------------------------------------
 * mc_chunk_sender_receive() and mc_chunk_receiver_push_*() return a set of these bits (or
 * a negative MC_E* code when the call itself was wrong: NULL arguments, a message over
 * the size limit, out of memory). Problems with what the peer sent are events, not call
 * failures: the object keeps working. */
#define MC_CHUNK_EV_OFFER      0x0001  /**< receiver: a start arrived; accept or reject */
#define MC_CHUNK_EV_DATA       0x0002  /**< receiver: payload delivered (see _data) */
#define MC_CHUNK_EV_REPLY      0x0004  /**< a control message to send (see _message) */
#define MC_CHUNK_EV_PROGRESS   0x0008  /**< counters changed */
#define MC_CHUNK_EV_COMPLETE   0x0010  /**< the file finished: see _result */
#define MC_CHUNK_EV_CANCELLED  0x0020  /**< the peer cancelled the file */
#define MC_CHUNK_EV_ACCEPTED   0x0040  /**< sender: the receiver accepted; start sending */
#define MC_CHUNK_EV_REJECTED   0x0080  /**< sender: the receiver refused (see _result) */
#define MC_CHUNK_EV_RESUME     0x0100  /**< sender: rewound to an earlier chunk */
#define MC_CHUNK_EV_IGNORED    0x0200  /**< the message was dropped (counted in stats) */
#define MC_CHUNK_EV_ERROR      0x0400  /**< the message was malformed (see _error) */

/** Counters (receiver: what arrived; sender: what was sent and acknowledged). */
typedef struct mc_chunk_stats {
    uint64_t bytes_done;      /**< receiver: delivered and verified; sender: acknowledged */
    uint64_t bytes_sent;      /**< sender: payload bytes sealed (including resends) */
    uint32_t chunks_done;     /**< receiver: next chunk index; sender: acknowledged chunks */
    uint32_t duplicates;      /**< receiver: chunks already delivered */
    uint32_t out_of_order;    /**< receiver: chunks after a gap (missing chunks) */
    uint32_t corrupt;         /**< receiver: bad CRC, length, header or Base64 */
    uint32_t stale;           /**< receiver: frames of an older round or another file */
    uint32_t resumes;         /**< receiver: resume requests sent and reconnections
                                   answered; sender: resumes honoured (either kind) */
    uint32_t errors;          /**< malformed control messages */
} mc_chunk_stats;

/** Metadata of the current file. Strings are NUL-terminated and owned by the object. */
typedef struct mc_chunk_file_info {
    char id[MC_CHUNK_ID_MAX + 1];
    char name[MC_CHUNK_NAME_MAX + 1];   /**< receiver: sanitised (no path separators,
                                             control characters or invalid UTF-8) */
    char mime[MC_CHUNK_MIME_MAX + 1];
    uint64_t size;          /**< bytes; legacy streams without a size: 0 and size_known 0 */
    int size_known;
    uint32_t chunk_size;    /**< payload bytes per chunk */
    uint32_t chunks;        /**< number of chunks (0 for an empty file) */
    uint32_t tag;
    mc_chunk_mode mode;     /**< the agreed mode (sender: after ACCEPTED) */
} mc_chunk_file_info;

/** How a file ended. */
typedef struct mc_chunk_result {
    int ok;                 /**< 1: complete (and verified unless legacy) */
    int verified;           /**< 1: the whole-file SHA-256 matched */
    int error;              /**< MC_OK, or why it failed: MC_ECHECKSUM (digest or size
                                 mismatch), MC_ELIMIT (rejected: space), MC_ESTATE
                                 (rejected: busy/declined), MC_EPROTOCOL, ... */
    char sha256[MC_SHA256_HEX];   /**< the digest computed here (hex), "" if none */
    char reason[128];       /**< reject/cancel reason and message from the peer, or ours */
} mc_chunk_result;

/* ---- Sender ----------------------------------------------------------------------------
 * Turns a byte stream (the file, read in order) into framed chunks. The caller owns the
 * I/O: it sends the messages the sender builds and feeds back the receiver's replies.
 *
 *   mc_chunk_sender_begin()            -> send _message() (start)
 *   on each reply: _receive()          -> ACCEPTED / RESUME / PROGRESS: keep sending
 *   while _poll() == MC_CHUNK_SEND_CHUNK:
 *       copy bytes [_chunk_offset, +_chunk_length) of the file into _payload()
 *       _seal()                        -> send _output() (binary frame or Base64 text)
 *   _poll() == MC_CHUNK_SEND_END: _end() -> send _message() (end, with the digest)
 *   _receive() -> COMPLETE: _result() says whether the receiver verified the file
 */
typedef struct mc_chunk_sender mc_chunk_sender;

typedef struct mc_chunk_sender_config {
    uint32_t chunk_size;    /**< payload bytes per chunk, 1..MC_CHUNK_MAX_PAYLOAD;
                                 default 16 KiB - header, one 16 KiB message in binary */
    int allow_binary;       /**< offer binary mode first (default 1) */
    int allow_base64;       /**< offer Base64 mode (default 1); at least one must be on */
    uint64_t window;        /**< most payload bytes sent but not yet acknowledged
                                 (default 16 MiB); 0: no limit */
} mc_chunk_sender_config;

/** Fill `cfg` with the defaults above. @return MC_OK or MC_EINVAL. */
int mc_chunk_sender_config_default(mc_chunk_sender_config *cfg);

/**
 * Create a sender; buffers for one frame and its Base64 are allocated here.
 * @return MC_OK, MC_EINVAL (NULL), MC_ERANGE (chunk_size), MC_EINVAL (no mode allowed),
 *         MC_ENOMEM.
 */
int mc_chunk_sender_create(const mc_chunk_sender_config *cfg, mc_chunk_sender **out);

/** Free a sender; NULL is a no-op. */
void mc_chunk_sender_destroy(mc_chunk_sender *s);

/**
 * Start a file: builds the start message (_message()). Any previous file is forgotten.
 * @param id    1..MC_CHUNK_ID_MAX characters of [A-Za-z0-9._-], unique per file
 * @param name  file name, UTF-8, at most MC_CHUNK_NAME_MAX bytes (longer is truncated)
 * @param mime  MIME type or "" (at most MC_CHUNK_MIME_MAX bytes)
 * @param size  bytes, at most MC_CHUNK_MAX_FILE_SIZE
 * @param tag   the 32-bit tag stamped on every frame (pick it at random per file)
 * @return MC_OK, MC_EINVAL (NULL, bad id), MC_ERANGE (size).
 */
int mc_chunk_sender_begin(mc_chunk_sender *s, const char *id, const char *name,
                          const char *mime, uint64_t size, uint32_t tag);

/**
 * Build the start message again, for a new channel after a dropped connection: the
 * receiver answers with the chunk to continue from. @return MC_OK or MC_ESTATE (no file,
 * or the file is finished).
 */
int mc_chunk_sender_restart(mc_chunk_sender *s);

/**
 * Handle a control message from the receiver (text, `len` bytes, need not be
 * NUL-terminated). Messages for other files are ignored (EV_IGNORED).
 * @return events (ACCEPTED, RESUME, PROGRESS, COMPLETE, REJECTED, CANCELLED, IGNORED,
 *         ERROR), or MC_EINVAL.
 */
int mc_chunk_sender_receive(mc_chunk_sender *s, const char *msg, size_t len);

#define MC_CHUNK_WAIT        0  /**< nothing to send now (not accepted, window full, done) */
#define MC_CHUNK_SEND_CHUNK  1  /**< send chunk _chunk_index(): fill _payload(), _seal() */
#define MC_CHUNK_SEND_END    2  /**< every chunk is out: build the end message with _end() */

/** What to send next: MC_CHUNK_WAIT, MC_CHUNK_SEND_CHUNK or MC_CHUNK_SEND_END. */
int mc_chunk_sender_poll(mc_chunk_sender *s);

/** The chunk _poll() asked for: its index, file offset and length in bytes. */
uint32_t mc_chunk_sender_chunk_index(const mc_chunk_sender *s);
uint64_t mc_chunk_sender_chunk_offset(const mc_chunk_sender *s);
uint32_t mc_chunk_sender_chunk_length(const mc_chunk_sender *s);

/** Where the caller writes the chunk's payload (chunk_size bytes; owned by the sender). */
uint8_t *mc_chunk_sender_payload(mc_chunk_sender *s);

/**
 * Frame the payload written at _payload() as chunk _chunk_index(): header, CRC, SHA-256
 * of the file (in order, each byte once even when chunks are sent again) and, in Base64
 * mode, the Base64 text. Advances to the next chunk.
 * @return the size of _output() in bytes, or MC_ESTATE (poll() did not ask for a chunk).
 */
int mc_chunk_sender_seal(mc_chunk_sender *s);

/** The sealed frame (binary mode) or its Base64 text; valid until the next _seal(). */
const uint8_t *mc_chunk_sender_output(const mc_chunk_sender *s, size_t *len);

/** 1 when _output() is text (Base64 mode), 0 when it is a binary frame. */
int mc_chunk_sender_output_is_text(const mc_chunk_sender *s);

/** Build the end message (whole-file SHA-256). @return its length, or MC_ESTATE. */
int mc_chunk_sender_end(mc_chunk_sender *s);

/** Build a cancel message and stop. @return its length, or MC_ESTATE (no file). */
int mc_chunk_sender_cancel(mc_chunk_sender *s, const char *reason);

/** The last control message built (NUL-terminated); valid until the next call. */
const char *mc_chunk_sender_message(const mc_chunk_sender *s, size_t *len);

int mc_chunk_sender_info(const mc_chunk_sender *s, mc_chunk_file_info *out);
int mc_chunk_sender_stats(const mc_chunk_sender *s, mc_chunk_stats *out);
int mc_chunk_sender_result(const mc_chunk_sender *s, mc_chunk_result *out);
/** Why the last message was malformed (EV_ERROR), or "". */
const char *mc_chunk_sender_error(const mc_chunk_sender *s);

/* ---- Receiver --------------------------------------------------------------------------
 * Reassembles one file at a time (files follow one another on a channel). Feed it every
 * message from the channel; act on the events:
 *
 *   OFFER     check _info() (size, name), then _accept() or _reject() and send _message()
 *   DATA      write _data() to the file (bytes arrive in order, each exactly once)
 *   REPLY     send _message() (an ack, a resume request, done) to the sender
 *   COMPLETE  _result(): ok/verified and the SHA-256
 */
typedef struct mc_chunk_receiver mc_chunk_receiver;

/** Optional sink: called with each run of in-order bytes instead of EV_DATA's pull. */
typedef void (*mc_chunk_sink)(void *ctx, const uint8_t *data, size_t len, uint64_t offset);

typedef struct mc_chunk_receiver_config {
    uint32_t max_chunk_size;   /**< largest chunk size accepted (default 1 MiB) */
    uint64_t max_file_size;    /**< default MC_CHUNK_MAX_FILE_SIZE */
    int allow_binary;          /**< accept binary mode when offered (default 1) */
    uint32_t ack_bytes;        /**< acknowledge every time this many bytes are delivered
                                    (default 1 MiB; at least one chunk) */
    mc_chunk_sink sink;        /**< NULL (default): use EV_DATA and _data() */
    void *sink_ctx;
} mc_chunk_receiver_config;

int mc_chunk_receiver_config_default(mc_chunk_receiver_config *cfg);

/** @return MC_OK, MC_EINVAL, MC_ERANGE (max_chunk_size), MC_ENOMEM. */
int mc_chunk_receiver_create(const mc_chunk_receiver_config *cfg, mc_chunk_receiver **out);

/** Free a receiver; NULL is a no-op. */
void mc_chunk_receiver_destroy(mc_chunk_receiver *r);

/** Largest message the receiver takes, in bytes (a Base64 frame of the largest chunk). */
size_t mc_chunk_receiver_max_message(const mc_chunk_receiver *r);

/**
 * A buffer of at least `size` bytes owned by the receiver, into which the caller may
 * copy an incoming message before passing it to _push_*() (saves a copy in the module).
 * Valid until the next call. NULL when size > _max_message() or memory runs out.
 */
uint8_t *mc_chunk_receiver_input(mc_chunk_receiver *r, size_t size);

/** A text message (JSON control, a Base64 frame, or a legacy Base64 chunk). */
int mc_chunk_receiver_push_text(mc_chunk_receiver *r, const char *msg, size_t len);

/** A binary message (a frame). */
int mc_chunk_receiver_push_binary(mc_chunk_receiver *r, const uint8_t *msg, size_t len);

/** Accept the offered file (after EV_OFFER): builds the accept message. @return its
 *  length, or MC_ESTATE. */
int mc_chunk_receiver_accept(mc_chunk_receiver *r);

/**
 * Refuse the offered file, or abandon the one in progress: builds a reject (if offered)
 * or cancel message. reason: "space", "declined", "busy", "size", ...; message: text for
 * the sender's user. @return the message length, or MC_ESTATE (no file).
 */
int mc_chunk_receiver_reject(mc_chunk_receiver *r, const char *reason, const char *message);

/** The payload of the last EV_DATA: pointer, length, file offset. Valid until the next
 *  push. */
const uint8_t *mc_chunk_receiver_data(const mc_chunk_receiver *r, size_t *len, uint64_t *offset);

/** The last control message built (NUL-terminated); valid until the next call. */
const char *mc_chunk_receiver_message(const mc_chunk_receiver *r, size_t *len);

int mc_chunk_receiver_info(const mc_chunk_receiver *r, mc_chunk_file_info *out);
int mc_chunk_receiver_stats(const mc_chunk_receiver *r, mc_chunk_stats *out);
int mc_chunk_receiver_result(const mc_chunk_receiver *r, mc_chunk_result *out);
const char *mc_chunk_receiver_error(const mc_chunk_receiver *r);

/** 1 while a file is offered or being received. */
int mc_chunk_receiver_busy(const mc_chunk_receiver *r);

/**
 * Copy a file name into out[0, cap) made safe to save: '/', '\\' and control characters
 * become '_', invalid UTF-8 bytes become '_', "." and ".." become "_", an empty name
 * becomes "file", and it is cut (on a character boundary) to fit. cap >= 8.
 * @return MC_OK or MC_EINVAL.
 */
int mc_chunk_sanitize_name(const char *name, size_t len, char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* MC_CHUNK_H */
