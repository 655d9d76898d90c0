/* mc_signal.h: the signaling protocol engine: parse, validate, route and build messages.
 *
 * This is the whole protocol of the signaling server with no socket code: the server
 * (src/server) feeds it each complete WebSocket message and gives it a `send` function;
 * tests and fuzzers do the same with plain buffers. The wire format is the book's
 * (Learning WebRTC, chapter 4), so clients written for its Node server work unchanged,
 * plus compatible extensions (extra fields, one new message type). docs/protocol.md is
 * the full description; in short, JSON text messages:
 *
 *   client -> server                      server -> the named user
 *   {type:"login", name}                  (reply) {type:"login", success, ...}
 *   {type:"offer", name, offer}           {type:"offer", offer, name: caller, from}
 *   {type:"answer", name, answer}         {type:"answer", answer, from}
 *   {type:"candidate", name, candidate}   {type:"candidate", candidate, from}
 *   {type:"leave", name?}                 {type:"leave", from}
 *   anything invalid                      (reply) {type:"error", message, code, ...}
 *
 * Differences from the book's server, all visible only to clients that misbehave or that
 * opt in: relays to an unknown user get an error instead of silence; a taken, empty, over-
 * long or malformed name gets success:false with `code` and `reason`; non-JSON, non-objects,
 * wrong field types and unknown types get an error and the session stays usable; `leave`
 * reaches only a call partner (or someone the call was offered to and who is in no other
 * call), so a stray one does nothing; a closed session's peers get {type:"leave"}.
 *
 * Names: a user is known by the key of its name (username.h: PRECIS-style width mapping,
 * lower case and NFC; invisible, control and unassigned characters refused). "ALICE" is
 * taken while "alice" is logged in, and a relay to "ALICE" reaches "alice". The name as
 * typed at login is what replies, `from` and `name` fields carry.
 *
 * Calls: each session tracks up to max_peers other users, one record per pair: offered
 * (by either side, or both) or answered (a call). An offer creates or refreshes the record,
 * an answer to an offer from its recipient turns it into a call, candidates change
 * nothing. docs/protocol.md, "Calls", has the rules.
 *
 * Opt-in: an `id` field on any request is echoed on its reply and acknowledged with
 * {type:"ack", id} when the request produced no other reply; a successful login carries a
 * `token` that lets the same client take its name back from a stale connection.
 *
 * Threading: an mc_signal and its sessions belong to one thread. Nothing here blocks.
 */
#ifndef MC_SIGNAL_H
#define MC_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mediacore/mc_error.h"
#include "registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_signal mc_signal;
typedef struct mc_signal_session mc_signal_session;

/** Why a message was rejected. The `code` field of error replies is mc_signal_error_code(). */
typedef enum mc_signal_error {
    MC_SIGNAL_ERR_JSON = 0,          /**< "bad-json": not JSON, not an object, trailing bytes, \u0000 */
    MC_SIGNAL_ERR_UTF8,              /**< "bad-utf8": the message is not valid UTF-8 */
    MC_SIGNAL_ERR_TOO_LARGE,         /**< "too-large": longer than max_message bytes */
    MC_SIGNAL_ERR_TOO_DEEP,          /**< "too-deep": JSON nested deeper than max_depth */
    MC_SIGNAL_ERR_FIELD,             /**< "bad-field": a field missing or of the wrong type */
    MC_SIGNAL_ERR_UNKNOWN_TYPE,      /**< "unknown-type": type is not one of the known ones */
    MC_SIGNAL_ERR_INVALID_NAME,      /**< "invalid-name": empty, too long, or refused by
                                          mc_username_key (control, invisible, unassigned...) */
    MC_SIGNAL_ERR_NAME_TAKEN,        /**< "name-taken": another session holds the name (or one
                                          with the same key: "ALICE" while "alice" is in) */
    MC_SIGNAL_ERR_LOGGED_IN,         /**< "already-logged-in": this session already has a name */
    MC_SIGNAL_ERR_NOT_LOGGED_IN,     /**< "not-logged-in": offer/answer/candidate before login */
    MC_SIGNAL_ERR_UNKNOWN_USER,      /**< "unknown-user": nobody is logged in with that name */
    MC_SIGNAL_ERR_SELF,              /**< "self": a message addressed to the sender itself */
    MC_SIGNAL_ERR_UNDELIVERABLE,     /**< "undeliverable": the recipient's transport refused it */
    MC_SIGNAL_ERR_RATE,              /**< "rate-limited": reported by the transport (mc_signal_reject) */
    MC_SIGNAL_ERR_BUSY,              /**< "server-busy": reported by the transport (mc_signal_reject) */
    MC_SIGNAL_ERR_TOO_MANY_PEERS,    /**< "too-many-peers": an offer that would give the sender or
                                          the recipient more than max_peers peers */
    MC_SIGNAL_ERR_COUNT
} mc_signal_error;

/** The wire code of `kind` ("bad-json", ...), or NULL for an invalid value. */
const char *mc_signal_error_code(mc_signal_error kind);

/** Limits. Every field has a default (mc_signal_config_default); 0 is never valid. */
typedef struct mc_signal_config {
    size_t max_message;   /**< bytes in one message; larger ones are rejected. Default 65536 */
    size_t max_name;      /**< bytes (UTF-8) in a user name, 1..1024. Default 64 */
    int max_depth;        /**< JSON nesting (objects + arrays), 1..1000. Default 16 */
    size_t max_peers;     /**< users one session can have a call or a pending offer with at
                               once, 1..1024. Default 16 (MC_SIGNAL_MAX_PEERS) */
} mc_signal_config;

/** The default of mc_signal_config.max_peers. */
#define MC_SIGNAL_MAX_PEERS 16

/** Fill `config` with the defaults. */
void mc_signal_config_default(mc_signal_config *config);

/**
 * What the engine needs from its transport. `user` is the pointer given to
 * mc_signal_create(); `conn` is the pointer given to mc_signal_session_open() for the
 * session concerned. None of these may call back into the engine (queue the work instead).
 */
typedef struct mc_signal_io {
    /**
     * Required. Queue one text message for `conn`. `text` (len bytes, valid UTF-8 JSON, not
     * NUL-terminated) belongs to the engine and is valid only during the call: copy it.
     * Return MC_OK, or a negative code if the message cannot be queued (the engine counts
     * it and, for a relay, tells the sender "undeliverable").
     */
    int (*send)(void *user, void *conn, const char *text, size_t len);
    /**
     * Optional. Close `conn` soon (not from inside this call) with a WebSocket close code and
     * reason; used when a login with the right token takes a name over from a stale
     * connection. When NULL, tokens are still issued but a held name is never taken over.
     */
    void (*close)(void *user, void *conn, int code, const char *reason);
    /**
     * Optional. Fill `buf` with `len` unpredictable bytes; MC_OK or negative. Used for
     * login tokens; when NULL (or failing) no token is issued.
     */
    int (*random)(void *user, uint8_t *buf, size_t len);
    /**
     * Optional. Extra members for a successful login reply, written to `buf` (at most
     * `cap` bytes) as JSON text that starts with a comma, e.g. `,"iceServers":[...]`.
     * Return the number of bytes written (0 for none). The engine does not check the text:
     * it must be valid JSON members. `name` (name_len bytes) is the new user's name.
     */
    size_t (*login_extra)(void *user, void *conn, const char *name, size_t name_len,
                          char *buf, size_t cap);
} mc_signal_io;

/** Counters, for /metrics. Gauges are current values, the rest only grow. */
typedef struct mc_signal_stats {
    uint64_t sessions;        /**< gauge: open sessions */
    uint64_t users;           /**< gauge: sessions holding a name */
    uint64_t messages;        /**< messages handled (mc_signal_handle calls) */
    uint64_t relayed;         /**< offer/answer/candidate/leave messages delivered */
    uint64_t logins;          /**< successful logins (takeovers included) */
    uint64_t takeovers;       /**< logins that took a name over from a stale session */
    uint64_t sent;            /**< messages passed to io.send, replies included */
    uint64_t errors[MC_SIGNAL_ERR_COUNT];   /**< rejected messages, by kind */
} mc_signal_stats;

/**
 * Create an engine. `registry` is borrowed (it must outlive the engine and is not used by
 * anyone else while the engine lives); `io` is copied; `user` is passed to io callbacks.
 * `config` may be NULL for the defaults.
 * @return MC_OK, MC_EINVAL (NULL registry/io/io->send/out, a limit out of range), MC_ENOMEM.
 */
int mc_signal_create(const mc_signal_config *config, mc_registry *registry,
                     const mc_signal_io *io, void *user, mc_signal **out);

/** Free the engine and every session still open (without notifying anyone). NULL is ignored. */
void mc_signal_destroy(mc_signal *signal);

/**
 * Start a session for a new connection. `conn` (not NULL) is the transport's handle, given
 * back to io callbacks. @return MC_OK, MC_EINVAL, MC_ENOMEM.
 */
int mc_signal_session_open(mc_signal *signal, void *conn, mc_signal_session **out);

/**
 * End a session (its connection closed, cleanly or not): its name is released and each of
 * its peers that a `leave` from it would reach (docs/protocol.md, "Calls": its call
 * partners, the users whose offers it had not answered, and the users it had offered a
 * call who are in no call) gets {type:"leave", from}. The session is freed. NULL is
 * ignored.
 */
void mc_signal_session_close(mc_signal *signal, mc_signal_session *session);

/**
 * Handle one complete message (`len` bytes, need not be NUL-terminated) from `session`.
 * Replies and relays go out through io.send before this returns.
 * @return MC_OK when the message was valid and acted upon (a `leave` with nothing to do
 *         included). Otherwise the error reply has been sent and the code says why:
 *         MC_EFORMAT (bad-json, bad-utf8), MC_ELIMIT (too-large, too-deep, too-many-peers
 *         and, for a login the server has no memory for, server-busy), MC_EPROTOCOL
 *         (bad-field, unknown-type), MC_ENAME (invalid-name, unknown-user, self), MC_ESTATE
 *         (name-taken, already-logged-in, not-logged-in, undeliverable). MC_EINVAL for NULL
 *         arguments (nothing is sent).
 */
int mc_signal_handle(mc_signal *signal, mc_signal_session *session, const char *msg, size_t len);

/**
 * Reject a message the transport did not pass on (rate limit, oversized fragments, server
 * busy): sends {type:"error", code, message} to the session and counts it. `detail` (may be
 * NULL) becomes the message text.
 */
void mc_signal_reject(mc_signal *signal, mc_signal_session *session, mc_signal_error kind,
                      const char *detail);

/** The session's user name as typed at login (NUL-terminated, valid until it changes), or
 *  NULL before login. */
const char *mc_signal_session_name(const mc_signal_session *session);

/** The session's name key (mc_username_key of its name; NUL-terminated, valid until it
 *  changes), under which the registry holds it, or NULL before login. */
const char *mc_signal_session_key(const mc_signal_session *session);

/**
 * The name (as typed) of the peer whose record with this session changed last (by an
 * offer or an answer either way), or NULL when the session has no peers. Valid until the
 * next call into the engine. With one call at a time this is the call partner.
 */
const char *mc_signal_session_peer(const mc_signal_session *session);

/** How many peers (calls and pending offers) the session has, 0..max_peers. */
size_t mc_signal_session_peer_count(const mc_signal_session *session);

/** Flags of mc_signal_session_call(), from the first session's side. */
#define MC_SIGNAL_CALL_OFFER_SENT     1  /**< it sent `peer` an offer not yet answered */
#define MC_SIGNAL_CALL_OFFER_RECEIVED 2  /**< `peer` sent it an offer it has not answered */
#define MC_SIGNAL_CALL_ANSWERED       4  /**< an offer between them was answered: a call
                                              (then neither flag above is set) */

/** The record `session` has of `peer`: MC_SIGNAL_CALL_* flags, 0 for none (or NULL). */
int mc_signal_session_call(const mc_signal_session *session, const mc_signal_session *peer);

/** The transport handle given to mc_signal_session_open(). */
void *mc_signal_session_conn(const mc_signal_session *session);

/** Copy the engine's counters into `stats`. */
void mc_signal_get_stats(const mc_signal *signal, mc_signal_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* MC_SIGNAL_H */
