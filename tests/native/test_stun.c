/* test_stun.c: STUN Binding parse/answer against the RFC 5769 test vectors, malformed
 * input, the 420 path, and the no-amplification bound. */
#include <string.h>

#include "mc_test.h"
#include "signal/stun.h"

/* RFC 5769 section 2.1: a Binding request with SOFTWARE, PRIORITY, ICE-CONTROLLED,
 * USERNAME, MESSAGE-INTEGRITY and FINGERPRINT. */
static const uint8_t rfc5769_request[] = {
    0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
    0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10,
    0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c,
    0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
    0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
    0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76,
    0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c,
    0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
    0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
};

/* 2.2: the IPv4 response (192.0.2.1 port 32853). */
static const uint8_t rfc5769_response_v4[] = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
    0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b,
    0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
    0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3,
    0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
    0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
};

/* 2.3: the IPv6 response (2001:db8:1234:5678:11:2233:4455:6677 port 32853). */
static const uint8_t rfc5769_response_v6[] = {
    0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
    0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b,
    0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
    0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
    0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9,
    0x00, 0x08, 0x00, 0x14, 0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1,
    0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75, 0xbf, 0xe3, 0xed, 0x41,
    0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c,
};

/* 2.4: a request with long-term credentials (USERNAME, NONCE, REALM,
 * MESSAGE-INTEGRITY) and no FINGERPRINT. */
static const uint8_t rfc5769_request_ltc[] = {
    0x00, 0x01, 0x00, 0x60, 0x21, 0x12, 0xa4, 0x42, 0x78, 0xad, 0x34, 0x33,
    0xc6, 0xad, 0x72, 0xc0, 0x29, 0xda, 0x41, 0x2e, 0x00, 0x06, 0x00, 0x12,
    0xe3, 0x83, 0x9e, 0xe3, 0x83, 0x88, 0xe3, 0x83, 0xaa, 0xe3, 0x83, 0x83,
    0xe3, 0x82, 0xaf, 0xe3, 0x82, 0xb9, 0x00, 0x00, 0x00, 0x15, 0x00, 0x1c,
    0x66, 0x2f, 0x2f, 0x34, 0x39, 0x39, 0x6b, 0x39, 0x35, 0x34, 0x64, 0x36,
    0x4f, 0x4c, 0x33, 0x34, 0x6f, 0x4c, 0x39, 0x46, 0x53, 0x54, 0x76, 0x79,
    0x36, 0x34, 0x73, 0x41, 0x00, 0x14, 0x00, 0x0b, 0x65, 0x78, 0x61, 0x6d,
    0x70, 0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x00, 0x00, 0x08, 0x00, 0x14,
    0xf6, 0x70, 0x24, 0x65, 0x6d, 0xd6, 0x4a, 0x3e, 0x02, 0xb8, 0xe0, 0x71,
    0x2e, 0x85, 0xc9, 0xa2, 0x8c, 0xa8, 0x96, 0x66,
};

static const mc_stun_address vector_v4 = { 4, 32853, { 192, 0, 2, 1 } };
static const mc_stun_address vector_v6 = {
    6, 32853,
    { 0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 }
};

static const uint8_t tid[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static void test_crc32(void)
{
    MC_CHECK_EQ(mc_stun_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
    MC_CHECK_EQ(mc_stun_crc32(NULL, 0), 0);
}

static void test_rfc5769_request(void)
{
    mc_stun_message m;
    const uint8_t *v;
    size_t vlen;

    MC_CHECK_EQ(mc_stun_parse(rfc5769_request, sizeof(rfc5769_request), &m), MC_OK);
    MC_CHECK_EQ(m.method, MC_STUN_METHOD_BINDING);
    MC_CHECK_EQ(m.klass, MC_STUN_CLASS_REQUEST);
    MC_CHECK_EQ(m.length, 0x58);
    MC_CHECK(m.transaction == rfc5769_request + 8);
    MC_CHECK_EQ(m.has_fingerprint, 1);
    MC_CHECK_EQ(m.has_integrity, 1);
    MC_CHECK_EQ(m.unknown_count, 0);    /* PRIORITY is an ICE attribute we know */
    MC_CHECK_EQ(mc_stun_find_attribute(rfc5769_request, sizeof(rfc5769_request),
                                       MC_STUN_ATTR_SOFTWARE, &v, &vlen), MC_OK);
    MC_CHECK_EQ(vlen, 16);
    MC_CHECK(vlen == 16 && memcmp(v, "STUN test client", 16) == 0);
    MC_CHECK_EQ(mc_stun_find_attribute(rfc5769_request, sizeof(rfc5769_request),
                                       MC_STUN_ATTR_USERNAME, &v, &vlen), MC_OK);
    MC_CHECK(vlen == 9 && memcmp(v, "evtj:h6vY", 9) == 0);
    MC_CHECK_EQ(mc_stun_find_attribute(rfc5769_request, sizeof(rfc5769_request),
                                       MC_STUN_ATTR_XOR_MAPPED_ADDRESS, &v, &vlen), MC_ENAME);
}

static void check_address(const mc_stun_address *a, const mc_stun_address *b)
{
    MC_CHECK_EQ(a->family, b->family);
    MC_CHECK_EQ(a->port, b->port);
    MC_CHECK(memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0);
}

static void test_rfc5769_responses(void)
{
    mc_stun_message m;
    mc_stun_address a;
    uint8_t out[MC_STUN_MAX_RESPONSE];
    size_t n = 99;

    MC_CHECK_EQ(mc_stun_parse(rfc5769_response_v4, sizeof(rfc5769_response_v4), &m), MC_OK);
    MC_CHECK_EQ(m.klass, MC_STUN_CLASS_SUCCESS);
    MC_CHECK_EQ(m.method, MC_STUN_METHOD_BINDING);
    MC_CHECK_EQ(m.has_fingerprint, 1);
    MC_CHECK_EQ(mc_stun_read_xor_mapped_address(rfc5769_response_v4, sizeof(rfc5769_response_v4), &a), MC_OK);
    check_address(&a, &vector_v4);

    MC_CHECK_EQ(mc_stun_parse(rfc5769_response_v6, sizeof(rfc5769_response_v6), &m), MC_OK);
    MC_CHECK_EQ(m.klass, MC_STUN_CLASS_SUCCESS);
    MC_CHECK_EQ(mc_stun_read_xor_mapped_address(rfc5769_response_v6, sizeof(rfc5769_response_v6), &a), MC_OK);
    check_address(&a, &vector_v6);

    /* Responses are never answered. */
    MC_CHECK_EQ(mc_stun_respond(rfc5769_response_v4, sizeof(rfc5769_response_v4), &vector_v4,
                                out, sizeof(out), &n), MC_EUNSUPPORTED);
    MC_CHECK_EQ(n, 0);
}

/* Our answer to the RFC's request, from the RFC's addresses, carries exactly the RFC's
 * XOR-MAPPED-ADDRESS attribute bytes (same transaction ID), and a valid FINGERPRINT. */
static void test_answer_matches_vectors(void)
{
    uint8_t out[MC_STUN_MAX_RESPONSE];
    mc_stun_message m;
    mc_stun_address a;
    size_t n;

    MC_CHECK_EQ(mc_stun_respond(rfc5769_request, sizeof(rfc5769_request), &vector_v4,
                                out, sizeof(out), &n), MC_OK);
    MC_CHECK_EQ(n, 20 + 12 + 8);
    MC_CHECK(memcmp(out + 8, rfc5769_request + 8, 12) == 0);
    MC_CHECK(memcmp(out + 20, rfc5769_response_v4 + 36, 12) == 0);
    MC_CHECK_EQ(mc_stun_parse(out, n, &m), MC_OK);
    MC_CHECK_EQ(m.klass, MC_STUN_CLASS_SUCCESS);
    MC_CHECK_EQ(m.has_fingerprint, 1);
    MC_CHECK_EQ(mc_stun_read_xor_mapped_address(out, n, &a), MC_OK);
    check_address(&a, &vector_v4);

    MC_CHECK_EQ(mc_stun_respond(rfc5769_request, sizeof(rfc5769_request), &vector_v6,
                                out, sizeof(out), &n), MC_OK);
    MC_CHECK_EQ(n, 20 + 24 + 8);
    MC_CHECK(memcmp(out + 20, rfc5769_response_v6 + 36, 24) == 0);
    MC_CHECK_EQ(mc_stun_read_xor_mapped_address(out, n, &a), MC_OK);
    check_address(&a, &vector_v6);

    /* 2.4 has no FINGERPRINT and credentials we cannot check: still answered. */
    MC_CHECK_EQ(mc_stun_parse(rfc5769_request_ltc, sizeof(rfc5769_request_ltc), &m), MC_OK);
    MC_CHECK_EQ(m.has_fingerprint, 0);
    MC_CHECK_EQ(m.has_integrity, 1);
    MC_CHECK_EQ(m.unknown_count, 0);
    MC_CHECK_EQ(mc_stun_respond(rfc5769_request_ltc, sizeof(rfc5769_request_ltc), &vector_v4,
                                out, sizeof(out), &n), MC_OK);
    MC_CHECK(memcmp(out + 8, rfc5769_request_ltc + 8, 12) == 0);
}

static void test_malformed(void)
{
    uint8_t b[sizeof(rfc5769_request)];
    uint8_t out[MC_STUN_MAX_RESPONSE];
    mc_stun_message m;
    size_t n = 5;

    MC_CHECK_EQ(mc_stun_parse(rfc5769_request, 19, &m), MC_EFORMAT);
    MC_CHECK_EQ(mc_stun_parse(rfc5769_request, 0, &m), MC_EFORMAT);
    MC_CHECK_EQ(mc_stun_parse(NULL, 20, &m), MC_EINVAL);
    MC_CHECK_EQ(mc_stun_parse(rfc5769_request, 20, NULL), MC_EINVAL);

    /* A changed byte breaks the FINGERPRINT. */
    memcpy(b, rfc5769_request, sizeof(b));
    b[30] ^= 1;
    MC_CHECK_EQ(mc_stun_parse(b, sizeof(b), &m), MC_ECHECKSUM);
    MC_CHECK_EQ(mc_stun_respond(b, sizeof(b), &vector_v4, out, sizeof(out), &n), MC_ECHECKSUM);
    MC_CHECK_EQ(n, 0);

    /* The top two bits must be zero (RTP, DTLS and others share the port). */
    memcpy(b, rfc5769_request, sizeof(b));
    b[0] |= 0x80;
    MC_CHECK_EQ(mc_stun_parse(b, sizeof(b), &m), MC_EFORMAT);
    b[0] = 0x40;
    MC_CHECK_EQ(mc_stun_parse(b, sizeof(b), &m), MC_EFORMAT);

    /* Magic cookie. */
    memcpy(b, rfc5769_request, sizeof(b));
    b[5] ^= 0xff;
    MC_CHECK_EQ(mc_stun_parse(b, sizeof(b), &m), MC_EFORMAT);

    /* Length field must equal the datagram's remaining bytes and be a multiple of 4. */
    memcpy(b, rfc5769_request, sizeof(b));
    MC_CHECK_EQ(mc_stun_parse(b, sizeof(b) - 4, &m), MC_EFORMAT);
    b[3] = 0x57;
    MC_CHECK_EQ(mc_stun_parse(b, sizeof(b) - 1, &m), MC_EFORMAT);

    /* An attribute that runs past the end. */
    memcpy(b, rfc5769_request, sizeof(b));
    b[22] = 0x01;    /* SOFTWARE length 0x0110 */
    MC_CHECK_EQ(mc_stun_parse(b, sizeof(b), &m), MC_EFORMAT);

    /* FINGERPRINT must be last and 4 bytes. */
    {
        uint8_t r[32];
        size_t rn;

        MC_CHECK_EQ(mc_stun_write_request(tid, 1, r, sizeof(r), &rn), MC_OK);
        MC_CHECK_EQ(rn, 28);
        MC_CHECK_EQ(mc_stun_parse(r, rn, &m), MC_OK);
        MC_CHECK_EQ(m.has_fingerprint, 1);
        /* Add a SOFTWARE attribute after it. */
        r[28] = 0x80; r[29] = 0x22; r[30] = 0; r[31] = 0;
        r[3] = 12;
        MC_CHECK_EQ(mc_stun_parse(r, 32, &m), MC_EFORMAT);
        r[3] = 8;
        r[23] = 8;       /* FINGERPRINT length 8 */
        MC_CHECK_EQ(mc_stun_parse(r, 28, &m), MC_EFORMAT);
    }
}

/* Valid STUN that deserves no answer: indications, responses, other methods. */
static void test_not_answered(void)
{
    uint8_t r[28], out[MC_STUN_MAX_RESPONSE];
    mc_stun_message m;
    size_t rn, n;

    MC_CHECK_EQ(mc_stun_write_request(tid, 0, r, sizeof(r), &rn), MC_OK);
    MC_CHECK_EQ(rn, 20);
    r[1] = 0x11;     /* Binding indication */
    MC_CHECK_EQ(mc_stun_parse(r, rn, &m), MC_OK);
    MC_CHECK_EQ(m.klass, MC_STUN_CLASS_INDICATION);
    MC_CHECK_EQ(mc_stun_respond(r, rn, &vector_v4, out, sizeof(out), &n), MC_EUNSUPPORTED);
    r[1] = 0x03;     /* Allocate request (TURN) */
    MC_CHECK_EQ(mc_stun_parse(r, rn, &m), MC_OK);
    MC_CHECK_EQ(m.method, 0x003);
    MC_CHECK_EQ(mc_stun_respond(r, rn, &vector_v4, out, sizeof(out), &n), MC_EUNSUPPORTED);
    r[1] = 0x11; r[0] = 0x01;  /* Binding error response */
    MC_CHECK_EQ(mc_stun_parse(r, rn, &m), MC_OK);
    MC_CHECK_EQ(m.klass, MC_STUN_CLASS_ERROR);
    MC_CHECK_EQ(m.method, MC_STUN_METHOD_BINDING);
}

static void test_arguments(void)
{
    uint8_t r[28], out[MC_STUN_MAX_RESPONSE];
    mc_stun_address bad = vector_v4;
    size_t rn, n;

    MC_CHECK_EQ(mc_stun_write_request(tid, 1, r, 27, &rn), MC_EBUFSIZE);
    MC_CHECK_EQ(mc_stun_write_request(NULL, 1, r, 28, &rn), MC_EINVAL);
    MC_CHECK_EQ(mc_stun_write_request(tid, 1, r, sizeof(r), &rn), MC_OK);
    MC_CHECK_EQ(mc_stun_respond(r, rn, &vector_v4, out, 39, &n), MC_EBUFSIZE);
    MC_CHECK_EQ(mc_stun_respond(r, rn, &vector_v4, out, 40, &n), MC_OK);
    MC_CHECK_EQ(n, 40);
    MC_CHECK_EQ(mc_stun_respond(r, rn, &vector_v6, out, 51, &n), MC_EBUFSIZE);
    bad.family = 5;
    MC_CHECK_EQ(mc_stun_respond(r, rn, &bad, out, sizeof(out), &n), MC_EINVAL);
    MC_CHECK_EQ(mc_stun_respond(r, rn, NULL, out, sizeof(out), &n), MC_EINVAL);
    MC_CHECK_EQ(mc_stun_respond(r, rn, &vector_v4, NULL, sizeof(out), &n), MC_EINVAL);
}

/* Build a request with `count` attributes of `type` (4 zero bytes each). */
static size_t request_with(uint8_t *buf, uint16_t type, int count)
{
    size_t len;
    int i;

    mc_stun_write_request(tid, 0, buf, 20, &len);
    for (i = 0; i < count; i++) {
        buf[len] = (uint8_t)(type >> 8);
        buf[len + 1] = (uint8_t)type;
        buf[len + 2] = 0;
        buf[len + 3] = 4;
        memset(buf + len + 4, 0, 4);
        len += 8;
    }
    buf[2] = (uint8_t)((len - 20) >> 8);
    buf[3] = (uint8_t)(len - 20);
    return len;
}

static void test_unknown_attributes(void)
{
    uint8_t r[256], out[MC_STUN_MAX_RESPONSE];
    const uint8_t *v;
    mc_stun_message m;
    size_t rn, n, vlen;

    /* CHANGE-REQUEST (RFC 5780) is comprehension-required and not supported: 420. */
    rn = request_with(r, 0x0003, 1);
    MC_CHECK_EQ(mc_stun_parse(r, rn, &m), MC_OK);
    MC_CHECK_EQ(m.unknown_count, 1);
    MC_CHECK_EQ(mc_stun_respond(r, rn, &vector_v4, out, sizeof(out), &n), MC_OK);
    MC_CHECK(n <= rn + MC_STUN_MAX_EXTRA);
    MC_CHECK_EQ(mc_stun_parse(out, n, &m), MC_OK);
    MC_CHECK_EQ(m.klass, MC_STUN_CLASS_ERROR);
    MC_CHECK_EQ(m.method, MC_STUN_METHOD_BINDING);
    MC_CHECK_EQ(m.has_fingerprint, 1);
    MC_CHECK_EQ(mc_stun_find_attribute(out, n, MC_STUN_ATTR_ERROR_CODE, &v, &vlen), MC_OK);
    MC_CHECK(vlen >= 4 && v[2] == 4 && v[3] == 20);
    MC_CHECK_EQ(mc_stun_find_attribute(out, n, MC_STUN_ATTR_UNKNOWN_ATTRIBUTES, &v, &vlen), MC_OK);
    MC_CHECK(vlen == 2 && v[0] == 0x00 && v[1] == 0x03);

    /* A larger request leaves room for the reason phrase. */
    rn = request_with(r, 0x0003, 5);
    MC_CHECK_EQ(mc_stun_respond(r, rn, &vector_v4, out, sizeof(out), &n), MC_OK);
    MC_CHECK_EQ(mc_stun_find_attribute(out, n, MC_STUN_ATTR_ERROR_CODE, &v, &vlen), MC_OK);
    MC_CHECK(vlen == 4 + 17 && memcmp(v + 4, "Unknown Attribute", 17) == 0);
    MC_CHECK_EQ(mc_stun_find_attribute(out, n, MC_STUN_ATTR_UNKNOWN_ATTRIBUTES, &v, &vlen), MC_OK);
    MC_CHECK_EQ(vlen, 10);

    /* More than 16 unknown attributes: the first 16 are listed. */
    rn = request_with(r, 0x7777, 20);
    MC_CHECK_EQ(mc_stun_parse(r, rn, &m), MC_OK);
    MC_CHECK_EQ(m.unknown_count, 20);
    MC_CHECK_EQ(mc_stun_respond(r, rn, &vector_v4, out, sizeof(out), &n), MC_OK);
    MC_CHECK_EQ(mc_stun_find_attribute(out, n, MC_STUN_ATTR_UNKNOWN_ATTRIBUTES, &v, &vlen), MC_OK);
    MC_CHECK_EQ(vlen, 32);

    /* Comprehension-optional unknowns (0x8000 and up) are ignored: a normal answer. */
    rn = request_with(r, 0x8055, 3);
    MC_CHECK_EQ(mc_stun_respond(r, rn, &vector_v6, out, sizeof(out), &n), MC_OK);
    MC_CHECK_EQ(mc_stun_parse(out, n, &m), MC_OK);
    MC_CHECK_EQ(m.klass, MC_STUN_CLASS_SUCCESS);

    /* Unknown attributes after MESSAGE-INTEGRITY are ignored. */
    rn = request_with(r, 0x0008, 1);
    r[rn] = 0x00; r[rn + 1] = 0x03; r[rn + 2] = 0; r[rn + 3] = 0;
    rn += 4;
    r[3] = (uint8_t)(rn - 20);
    MC_CHECK_EQ(mc_stun_parse(r, rn, &m), MC_OK);
    MC_CHECK_EQ(m.unknown_count, 0);
}

/* Every answer stays within MC_STUN_MAX_EXTRA of its request, for every request length. */
static void test_no_amplification(void)
{
    uint8_t r[600], out[MC_STUN_MAX_RESPONSE];
    unsigned seed = 12345;
    size_t n;
    int i, answered = 0;

    for (i = 0; i < 20000; i++) {
        size_t len = 20 + 4 * (mc_test_rand(&seed) % 100), pos;
        mc_stun_address from = (mc_test_rand(&seed) & 1) ? vector_v6 : vector_v4;
        int rc;

        mc_stun_write_request(tid, 0, r, sizeof(r), &n);
        /* Random attributes, mostly well formed. */
        for (pos = 20; pos + 4 <= len;) {
            size_t alen = (mc_test_rand(&seed) % 4) * 4;
            uint16_t type = (uint16_t)(mc_test_rand(&seed) & 0x803f);

            if (pos + 4 + alen > len)
                alen = len - pos - 4;
            r[pos] = (uint8_t)(type >> 8);
            r[pos + 1] = (uint8_t)type;
            r[pos + 2] = 0;
            r[pos + 3] = (uint8_t)alen;
            memset(r + pos + 4, (int)(mc_test_rand(&seed) & 0xff), alen);
            pos += 4 + alen;
        }
        r[2] = (uint8_t)((len - 20) >> 8);
        r[3] = (uint8_t)(len - 20);
        if (mc_test_rand(&seed) % 8 == 0)
            r[mc_test_rand(&seed) % len] ^= (uint8_t)(1u << (mc_test_rand(&seed) % 8));
        rc = mc_stun_respond(r, len, &from, out, sizeof(out), &n);
        if (rc == MC_OK) {
            answered++;
            if (n > len + MC_STUN_MAX_EXTRA || n > MC_STUN_MAX_RESPONSE) {
                MC_CHECK(n <= len + MC_STUN_MAX_EXTRA);
                break;
            }
        } else if (n != 0) {
            MC_CHECK_EQ(n, 0);
            break;
        }
    }
    MC_CHECK(answered > 1000);
}

int main(void)
{
    MC_RUN_TEST(test_crc32);
    MC_RUN_TEST(test_rfc5769_request);
    MC_RUN_TEST(test_rfc5769_responses);
    MC_RUN_TEST(test_answer_matches_vectors);
    MC_RUN_TEST(test_malformed);
    MC_RUN_TEST(test_not_answered);
    MC_RUN_TEST(test_arguments);
    MC_RUN_TEST(test_unknown_attributes);
    MC_RUN_TEST(test_no_amplification);
    return mc_test_finish();
}
