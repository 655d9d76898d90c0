/* stun.h: STUN (RFC 8489, which obsoletes RFC 5389) Binding: parse, validate, answer.
 *
 * Enough STUN for a server that tells clients their public address (what browsers ask a
 * "stun:" iceServer for) and for tests that check it:
 *
 *   mc_stun_parse()          validate a message and describe it
 *   mc_stun_respond()        the answer to a datagram, if it deserves one
 *   mc_stun_write_request()  a Binding request (for clients and tests)
 *   mc_stun_read_xor_mapped_address(), mc_stun_find_attribute(), mc_stun_crc32()
 *
 * A message is a 20-byte header (two zero bits, 14-bit type, 16-bit length of what follows,
 * the magic cookie 0x2112A442, a 96-bit transaction ID) and attributes (16-bit type, 16-bit
 * length, value padded to a multiple of 4 bytes). FINGERPRINT, when present, is the last
 * attribute and holds CRC-32 of the message before it XOR 0x5354554E. RFC 3489 messages
 * (no magic cookie) are not accepted. MESSAGE-INTEGRITY is recognised but not checked: this
 * responder has no credentials and hands out nothing secret.
 *
 * No reflection amplifier: a response is never more than MC_STUN_MAX_EXTRA bytes longer than
 * the request it answers, only Binding requests are answered, and malformed datagrams,
 * indications and responses get nothing.
 *
 * No sockets here: addresses are plain values (mc_stun_address), buffers belong to the caller.
 */
#ifndef MC_STUN_H
#define MC_STUN_H

#include <stddef.h>
#include <stdint.h>

#include "mediacore/mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MC_STUN_HEADER_SIZE      20
#define MC_STUN_MAGIC_COOKIE     0x2112A442u
#define MC_STUN_FINGERPRINT_XOR  0x5354554Eu
/** A response is at most this many bytes longer than its request. */
#define MC_STUN_MAX_EXTRA        32
/** The largest response mc_stun_respond() writes (a 420 with its reason phrase, listing 16
 *  unknown attributes). */
#define MC_STUN_MAX_RESPONSE     92

/* Methods and classes (RFC 8489 section 5). */
#define MC_STUN_METHOD_BINDING   0x001
#define MC_STUN_CLASS_REQUEST    0
#define MC_STUN_CLASS_INDICATION 1
#define MC_STUN_CLASS_SUCCESS    2
#define MC_STUN_CLASS_ERROR      3

/* Attribute types this module reads or writes. */
#define MC_STUN_ATTR_MAPPED_ADDRESS      0x0001
#define MC_STUN_ATTR_USERNAME            0x0006
#define MC_STUN_ATTR_MESSAGE_INTEGRITY   0x0008
#define MC_STUN_ATTR_ERROR_CODE          0x0009
#define MC_STUN_ATTR_UNKNOWN_ATTRIBUTES  0x000A
#define MC_STUN_ATTR_XOR_MAPPED_ADDRESS  0x0020
#define MC_STUN_ATTR_SOFTWARE            0x8022
#define MC_STUN_ATTR_FINGERPRINT         0x8028

/** An IP address and port, in host byte order for the port, network order for the bytes. */
typedef struct mc_stun_address {
    int family;          /**< 4 or 6 */
    uint16_t port;
    uint8_t addr[16];    /**< IPv4 uses the first 4 bytes */
} mc_stun_address;

/** What mc_stun_parse() found. Pointers borrow the caller's buffer. */
typedef struct mc_stun_message {
    uint16_t method;              /**< e.g. MC_STUN_METHOD_BINDING */
    int klass;                    /**< MC_STUN_CLASS_* */
    size_t length;                /**< bytes of attributes (the header's length field) */
    const uint8_t *transaction;   /**< the 12-byte transaction ID */
    int has_fingerprint;          /**< 1 when a FINGERPRINT was present (and correct) */
    int has_integrity;            /**< 1 when a MESSAGE-INTEGRITY was present (not checked) */
    size_t unknown_count;         /**< comprehension-required attributes not understood */
    uint16_t unknown[16];         /**< the first 16 of them */
} mc_stun_message;

/**
 * Validate `len` bytes as one STUN message and describe it in `msg`.
 * @return MC_OK; MC_EINVAL (NULL); MC_EFORMAT (shorter than a header, top bits set, wrong
 *         cookie, length field not len - 20 or not a multiple of 4, an attribute running past
 *         the end, FINGERPRINT not last or not 4 bytes); MC_ECHECKSUM (FINGERPRINT wrong).
 */
int mc_stun_parse(const uint8_t *buf, size_t len, mc_stun_message *msg);

/**
 * The answer to the datagram `req` (len bytes) received from `from`, written to `out`
 * (cap bytes; MC_STUN_MAX_RESPONSE is always enough). On MC_OK, *out_len is the number
 * of bytes to send back: a Binding success response (XOR-MAPPED-ADDRESS, FINGERPRINT), or a
 * 420 error response (ERROR-CODE, UNKNOWN-ATTRIBUTES, FINGERPRINT) for a request with
 * comprehension-required attributes this server does not understand. *out_len is never more
 * than len + MC_STUN_MAX_EXTRA.
 * @return MC_OK; otherwise send nothing: the mc_stun_parse() errors, MC_EUNSUPPORTED (valid
 *         STUN that deserves no answer: not a Binding request), MC_EINVAL (NULL, bad
 *         `from`), MC_EBUFSIZE (cap too small).
 */
int mc_stun_respond(const uint8_t *req, size_t len, const mc_stun_address *from,
                    uint8_t *out, size_t cap, size_t *out_len);

/**
 * Write a Binding request with the given 12-byte transaction ID and, when `fingerprint`
 * is nonzero, a FINGERPRINT. *out_len is 20 or 28. @return MC_OK, MC_EINVAL, MC_EBUFSIZE.
 */
int mc_stun_write_request(const uint8_t transaction[12], int fingerprint,
                          uint8_t *out, size_t cap, size_t *out_len);

/**
 * Find the first attribute of `type` in a message already accepted by mc_stun_parse().
 * *value borrows `buf`. @return MC_OK, MC_ENAME (absent), MC_EINVAL, or a parse error.
 */
int mc_stun_find_attribute(const uint8_t *buf, size_t len, uint16_t type,
                           const uint8_t **value, size_t *value_len);

/**
 * Decode the XOR-MAPPED-ADDRESS of a message. @return MC_OK, MC_ENAME (absent),
 * MC_EFORMAT (bad family or length), or a parse error.
 */
int mc_stun_read_xor_mapped_address(const uint8_t *buf, size_t len, mc_stun_address *addr);

/** CRC-32 (ISO 3309 / ITU-T V.42, as in zlib and FINGERPRINT) of data[0..len). */
uint32_t mc_stun_crc32(const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MC_STUN_H */
