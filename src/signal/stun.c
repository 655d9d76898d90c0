/* stun.c: STUN Binding parse, validate and answer (see stun.h). */
#include "stun.h"

#include <string.h>

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint32_t mc_stun_crc32(const uint8_t *data, size_t len)
{
    uint32_t crc = 0xffffffffu;
    size_t i;
    int k;

    /* Bitwise, reflected polynomial 0xEDB88320: STUN messages are a few hundred bytes. */
    for (i = 0; i < len; i++) {
        crc ^= data[i];
        for (k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xffffffffu;
}

/* Comprehension-required attributes (type < 0x8000) this server accepts, and ignores
 * unless noted: RFC 8489 ones plus the ICE attributes (RFC 8445) that connectivity checks
 * carry. CHANGE-REQUEST, RESPONSE-PORT and PADDING (RFC 5780) are deliberately absent: we
 * cannot honour them, so a request with them gets 420. */
static int known_required(uint16_t type)
{
    switch (type) {
    case 0x0001: /* MAPPED-ADDRESS */
    case 0x0006: /* USERNAME */
    case 0x0008: /* MESSAGE-INTEGRITY */
    case 0x0009: /* ERROR-CODE */
    case 0x000A: /* UNKNOWN-ATTRIBUTES */
    case 0x0014: /* REALM */
    case 0x0015: /* NONCE */
    case 0x001C: /* MESSAGE-INTEGRITY-SHA256 */
    case 0x001D: /* PASSWORD-ALGORITHM */
    case 0x001E: /* USERHASH */
    case 0x0020: /* XOR-MAPPED-ADDRESS */
    case 0x0024: /* PRIORITY */
    case 0x0025: /* USE-CANDIDATE */
        return 1;
    default:
        return 0;
    }
}

int mc_stun_parse(const uint8_t *buf, size_t len, mc_stun_message *msg)
{
    size_t pos, body;
    uint16_t type;
    int after_integrity = 0;

    if (buf == NULL || msg == NULL)
        return MC_EINVAL;
    memset(msg, 0, sizeof(*msg));
    if (len < MC_STUN_HEADER_SIZE || (buf[0] & 0xc0) != 0 ||
        rd32(buf + 4) != MC_STUN_MAGIC_COOKIE)
        return MC_EFORMAT;
    body = rd16(buf + 2);
    if (body != len - MC_STUN_HEADER_SIZE || (body & 3) != 0)
        return MC_EFORMAT;
    type = rd16(buf);
    /* The class bits are interleaved with the method: C1 at bit 8, C0 at bit 4. */
    msg->klass = ((type >> 7) & 2) | ((type >> 4) & 1);
    msg->method = (uint16_t)((type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80));
    msg->length = body;
    msg->transaction = buf + 8;

    for (pos = MC_STUN_HEADER_SIZE; pos < len;) {
        uint16_t at, alen;
        size_t padded;

        if (len - pos < 4)
            return MC_EFORMAT;
        at = rd16(buf + pos);
        alen = rd16(buf + pos + 2);
        padded = ((size_t)alen + 3) & ~(size_t)3;
        if (padded > len - pos - 4)
            return MC_EFORMAT;
        if (at == MC_STUN_ATTR_FINGERPRINT) {
            if (alen != 4 || pos + 8 != len)
                return MC_EFORMAT;
            if (rd32(buf + pos + 4) != (mc_stun_crc32(buf, pos) ^ MC_STUN_FINGERPRINT_XOR))
                return MC_ECHECKSUM;
            msg->has_fingerprint = 1;
        } else if (!after_integrity) {
            /* Everything after MESSAGE-INTEGRITY but FINGERPRINT is to be ignored. */
            if (at == MC_STUN_ATTR_MESSAGE_INTEGRITY || at == 0x001C) {
                msg->has_integrity = 1;
                after_integrity = 1;
            } else if (at < 0x8000 && !known_required(at)) {
                if (msg->unknown_count < sizeof(msg->unknown) / sizeof(msg->unknown[0]))
                    msg->unknown[msg->unknown_count] = at;
                msg->unknown_count++;
            }
        }
        pos += 4 + padded;
    }
    return MC_OK;
}

int mc_stun_find_attribute(const uint8_t *buf, size_t len, uint16_t type,
                           const uint8_t **value, size_t *value_len)
{
    mc_stun_message msg;
    size_t pos;
    int rc;

    if (value == NULL || value_len == NULL)
        return MC_EINVAL;
    *value = NULL;
    *value_len = 0;
    rc = mc_stun_parse(buf, len, &msg);
    if (rc != MC_OK)
        return rc;
    for (pos = MC_STUN_HEADER_SIZE; pos < len;) {
        uint16_t at = rd16(buf + pos), alen = rd16(buf + pos + 2);

        if (at == type) {
            *value = buf + pos + 4;
            *value_len = alen;
            return MC_OK;
        }
        pos += 4 + (((size_t)alen + 3) & ~(size_t)3);
    }
    return MC_ENAME;
}

int mc_stun_read_xor_mapped_address(const uint8_t *buf, size_t len, mc_stun_address *addr)
{
    const uint8_t *v;
    size_t vlen;
    uint8_t mask[16];
    int rc, i;

    if (addr == NULL)
        return MC_EINVAL;
    memset(addr, 0, sizeof(*addr));
    rc = mc_stun_find_attribute(buf, len, MC_STUN_ATTR_XOR_MAPPED_ADDRESS, &v, &vlen);
    if (rc != MC_OK)
        return rc;
    wr32(mask, MC_STUN_MAGIC_COOKIE);
    memcpy(mask + 4, buf + 8, 12);
    if (vlen == 8 && v[1] == 0x01) {
        addr->family = 4;
    } else if (vlen == 20 && v[1] == 0x02) {
        addr->family = 6;
    } else {
        return MC_EFORMAT;
    }
    addr->port = (uint16_t)(rd16(v + 2) ^ (MC_STUN_MAGIC_COOKIE >> 16));
    for (i = 0; i < (addr->family == 4 ? 4 : 16); i++)
        addr->addr[i] = v[4 + i] ^ mask[i];
    return MC_OK;
}

/* Start a message of `type` with `req`'s transaction ID; returns the write position. */
static size_t begin_message(uint8_t *out, uint16_t type, const uint8_t *transaction)
{
    wr16(out, type);
    wr16(out + 2, 0);
    wr32(out + 4, MC_STUN_MAGIC_COOKIE);
    memcpy(out + 8, transaction, 12);
    return MC_STUN_HEADER_SIZE;
}

/* Set the length field and append FINGERPRINT; returns the total length. */
static size_t finish_message(uint8_t *out, size_t pos)
{
    wr16(out + 2, (uint16_t)(pos + 8 - MC_STUN_HEADER_SIZE));
    wr16(out + pos, MC_STUN_ATTR_FINGERPRINT);
    wr16(out + pos + 2, 4);
    wr32(out + pos + 4, mc_stun_crc32(out, pos) ^ MC_STUN_FINGERPRINT_XOR);
    return pos + 8;
}

int mc_stun_respond(const uint8_t *req, size_t len, const mc_stun_address *from,
                    uint8_t *out, size_t cap, size_t *out_len)
{
    static const char reason[] = "Unknown Attribute";
    mc_stun_message msg;
    size_t pos, i, n, need;
    uint8_t mask[16];
    int rc;

    if (out_len != NULL)
        *out_len = 0;
    if (req == NULL || from == NULL || out == NULL || out_len == NULL)
        return MC_EINVAL;
    if (from->family != 4 && from->family != 6)
        return MC_EINVAL;
    rc = mc_stun_parse(req, len, &msg);
    if (rc != MC_OK)
        return rc;
    if (msg.method != MC_STUN_METHOD_BINDING || msg.klass != MC_STUN_CLASS_REQUEST)
        return MC_EUNSUPPORTED;

    if (msg.unknown_count != 0) {
        /* 420 (Unknown Attribute): ERROR-CODE, UNKNOWN-ATTRIBUTES, FINGERPRINT. The reason
         * phrase goes in only when the response stays within the amplification bound. */
        size_t reason_len = sizeof(reason) - 1, list;

        n = msg.unknown_count < 16 ? msg.unknown_count : 16;
        list = (2 * n + 3) & ~(size_t)3;
        need = MC_STUN_HEADER_SIZE + 8 + 4 + list + 8;
        if (need + ((reason_len + 3) & ~(size_t)3) <= len + MC_STUN_MAX_EXTRA)
            need += (reason_len + 3) & ~(size_t)3;
        else
            reason_len = 0;
        if (cap < need)
            return MC_EBUFSIZE;
        pos = begin_message(out, 0x0111, msg.transaction);
        wr16(out + pos, MC_STUN_ATTR_ERROR_CODE);
        wr16(out + pos + 2, (uint16_t)(4 + reason_len));
        wr16(out + pos + 4, 0);
        out[pos + 6] = 4;              /* class: 4xx */
        out[pos + 7] = 20;             /* number: 420 */
        memcpy(out + pos + 8, reason, reason_len);
        pos += 8 + reason_len;
        while (pos & 3)
            out[pos++] = 0;
        wr16(out + pos, MC_STUN_ATTR_UNKNOWN_ATTRIBUTES);
        wr16(out + pos + 2, (uint16_t)(2 * n));
        pos += 4;
        for (i = 0; i < n; i++, pos += 2)
            wr16(out + pos, msg.unknown[i]);
        while (pos & 3)
            out[pos++] = 0;
        *out_len = finish_message(out, pos);
        return MC_OK;
    }

    /* Success: XOR-MAPPED-ADDRESS of the source, then FINGERPRINT. */
    n = from->family == 4 ? 4 : 16;
    need = MC_STUN_HEADER_SIZE + 4 + 4 + n + 8;
    if (cap < need)
        return MC_EBUFSIZE;
    pos = begin_message(out, 0x0101, msg.transaction);
    wr32(mask, MC_STUN_MAGIC_COOKIE);
    memcpy(mask + 4, msg.transaction, 12);
    wr16(out + pos, MC_STUN_ATTR_XOR_MAPPED_ADDRESS);
    wr16(out + pos + 2, (uint16_t)(4 + n));
    out[pos + 4] = 0;
    out[pos + 5] = from->family == 4 ? 0x01 : 0x02;
    wr16(out + pos + 6, (uint16_t)(from->port ^ (MC_STUN_MAGIC_COOKIE >> 16)));
    for (i = 0; i < n; i++)
        out[pos + 8 + i] = from->addr[i] ^ mask[i];
    pos += 8 + n;
    *out_len = finish_message(out, pos);
    return MC_OK;
}

int mc_stun_write_request(const uint8_t transaction[12], int fingerprint,
                          uint8_t *out, size_t cap, size_t *out_len)
{
    size_t pos;

    if (out_len != NULL)
        *out_len = 0;
    if (transaction == NULL || out == NULL || out_len == NULL)
        return MC_EINVAL;
    if (cap < (size_t)(fingerprint ? 28 : 20))
        return MC_EBUFSIZE;
    pos = begin_message(out, 0x0001, transaction);
    *out_len = fingerprint ? finish_message(out, pos) : pos;
    return MC_OK;
}
