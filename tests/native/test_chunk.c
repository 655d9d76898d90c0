/* test_chunk.c: file transfer in memory: CRC-32C and SHA-256 vectors, file names, a
 * sender and a receiver connected by a simulated channel that drops, duplicates,
 * reorders and corrupts messages (each detected, counted, recovered and verified),
 * resume after a dropped connection, digest mismatch, the book's stream, refusals,
 * cancellation, limits and malformed control messages. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mediacore/base64.h"
#include "mediacore/chunk.h"
#include "mediacore/digest.h"
#include "mc_test.h"

/* A string literal and its length, for the (message, length) arguments. */
#define STR(s) s, strlen(s)

/* ---- Vectors ---------------------------------------------------------------------- */

static void test_crc32c_vectors(void)
{
    uint8_t buf[64];
    int i;

    MC_CHECK_EQ(mc_crc32c(0, "123456789", 9), 0xE3069283u);
    MC_CHECK_EQ(mc_crc32c(0, "", 0), 0);
    /* RFC 3720 (iSCSI) B.4. */
    memset(buf, 0, 32);
    MC_CHECK_EQ(mc_crc32c(0, buf, 32), 0x8A9136AAu);
    memset(buf, 0xff, 32);
    MC_CHECK_EQ(mc_crc32c(0, buf, 32), 0x62A8AB43u);
    for (i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    MC_CHECK_EQ(mc_crc32c(0, buf, 32), 0x46DD794Eu);
    for (i = 0; i < 32; i++)
        buf[i] = (uint8_t)(31 - i);
    MC_CHECK_EQ(mc_crc32c(0, buf, 32), 0x113FDB5Cu);
    /* Chained and unaligned == one shot. */
    for (i = 0; i < 64; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    for (i = 0; i <= 64; i++)
        MC_CHECK_EQ(mc_crc32c(mc_crc32c(0, buf, (size_t)i), buf + i, (size_t)(64 - i)), mc_crc32c(0, buf, 64));
    MC_CHECK_EQ(mc_crc32c(0, buf + 1, 63), mc_crc32c(mc_crc32c(0, buf + 1, 5), buf + 6, 58));
}

static void test_sha256_vectors(void)
{
    uint8_t d[MC_SHA256_BYTES], e[MC_SHA256_BYTES];
    char hex[MC_SHA256_HEX];
    mc_sha256 *h = NULL;
    static uint8_t million[1000000];

    MC_CHECK_EQ(mc_sha256_buffer("abc", 3, d), MC_OK);
    mc_sha256_hex(d, hex);
    MC_CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    MC_CHECK_EQ(mc_sha256_buffer(NULL, 0, d), MC_OK);
    mc_sha256_hex(d, hex);
    MC_CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* One million 'a' (FIPS 180-2 appendix B.3), fed in uneven pieces. */
    memset(million, 'a', sizeof(million));
    MC_CHECK_EQ(mc_sha256_create(&h), MC_OK);
    MC_CHECK_EQ(mc_sha256_update(h, million, 1), MC_OK);
    MC_CHECK_EQ(mc_sha256_update(h, million + 1, 99999), MC_OK);
    MC_CHECK_EQ(mc_sha256_update(h, million + 100000, 900000), MC_OK);
    MC_CHECK_EQ(mc_sha256_final(h, d), MC_OK);
    mc_sha256_hex(d, hex);
    MC_CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* final resets */
    MC_CHECK_EQ(mc_sha256_update(h, "abc", 3), MC_OK);
    MC_CHECK_EQ(mc_sha256_final(h, e), MC_OK);
    MC_CHECK_EQ(mc_sha256_buffer("abc", 3, d), MC_OK);
    MC_CHECK(memcmp(d, e, sizeof(d)) == 0);
    mc_sha256_destroy(h);
    mc_sha256_destroy(NULL);
    MC_CHECK_EQ(mc_sha256_create(NULL), MC_EINVAL);
    MC_CHECK_EQ(mc_sha256_update(NULL, "a", 1), MC_EINVAL);

    mc_sha256_hex(d, hex);
    MC_CHECK_EQ(mc_sha256_from_hex(hex, 64, e), MC_OK);
    MC_CHECK(memcmp(d, e, sizeof(d)) == 0);
    hex[10] = 'A';
    MC_CHECK_EQ(mc_sha256_from_hex(hex, 64, e), MC_OK);
    hex[10] = 'g';
    MC_CHECK_EQ(mc_sha256_from_hex(hex, 64, e), MC_EFORMAT);
    MC_CHECK_EQ(mc_sha256_from_hex(hex, 63, e), MC_EFORMAT);
}

static void test_sanitize_names(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "report.pdf", "report.pdf" },
        { "../../etc/passwd", ".._.._etc_passwd" },
        { "a/b\\c", "a_b_c" },
        { "\x01tab\there\x7f", "_tab_here_" },
        { ".", "_" },
        { "..", "_" },
        { "", "file" },
        { "bad\xff\xfeutf8", "bad__utf8" },
        { "caf\xc3\xa9 \xe2\x82\xac.txt", "caf\xc3\xa9 \xe2\x82\xac.txt" },
        { "\xed\xa0\x80surrogate", "___surrogate" },
        { "\xc0\xafoverlong", "__overlong" },
    };
    char out[MC_CHUNK_NAME_MAX + 1], longname[700];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        MC_CHECK_EQ(mc_chunk_sanitize_name(cases[i].in, strlen(cases[i].in), out, sizeof(out)), MC_OK);
        MC_CHECK_STR(out, cases[i].out);
    }
    /* 300 two-byte characters: cut on a character boundary (127 characters). */
    for (i = 0; i < 300; i++) {
        longname[2 * i] = (char)0xc3;
        longname[2 * i + 1] = (char)0xa9;
    }
    MC_CHECK_EQ(mc_chunk_sanitize_name(longname, 600, out, sizeof(out)), MC_OK);
    MC_CHECK_EQ(strlen(out), 254);
    MC_CHECK_EQ(mc_chunk_sanitize_name("x", 1, out, 4), MC_EINVAL);
    MC_CHECK_EQ(mc_chunk_sanitize_name(NULL, 0, out, sizeof(out)), MC_EINVAL);
}

/* ---- A simulated channel ------------------------------------------------------------ */

enum { DELIVER, DROP, DUPLICATE, HOLD, CORRUPT, TRUNCATE };

typedef struct {
    uint8_t *data;
    size_t len;
    int text;
} wire_msg;

#define WIRE_MAX 4096

typedef struct {
    wire_msg q[WIRE_MAX];
    size_t n;
    wire_msg held;
    int holding;
} wire;

static void wire_put(wire *w, const void *data, size_t len, int text)
{
    if (w->n >= WIRE_MAX)
        abort();
    w->q[w->n].data = malloc(len + 1);
    memcpy(w->q[w->n].data, data, len);
    w->q[w->n].data[len] = 0;   /* so that tests can strstr() text messages */
    w->q[w->n].len = len;
    w->q[w->n].text = text;
    w->n++;
}

static void wire_clear(wire *w)
{
    size_t i;
    for (i = 0; i < w->n; i++)
        free(w->q[i].data);
    w->n = 0;
    if (w->holding)
        free(w->held.data);
    w->holding = 0;
}

/* What to do with the k-th chunk message (fault injection); NULL: deliver all. */
typedef int (*fault_fn)(void *ctx, uint32_t k, size_t *corrupt_at);

typedef struct {
    mc_chunk_sender *s;
    mc_chunk_receiver *r;
    const uint8_t *file;
    size_t size;
    uint8_t *out;          /* reassembled */
    size_t out_len;
    int out_of_place;      /* data delivered not at the end of out */
    int completed, sender_done, rejected, cancelled;
    uint32_t chunk_msgs;   /* chunk messages sent */
    fault_fn fault;
    void *fault_ctx;
    int cut_after;         /* > 0: the connection drops after this many chunk messages */
    int events_error;
} session;

static void sink_collect(session *x, const uint8_t *p, size_t len, uint64_t off)
{
    if (off != x->out_len)
        x->out_of_place = 1;
    memcpy(x->out + x->out_len, p, len);
    x->out_len += len;
}

/* Feed one message to the receiver and route what comes back. */
static void to_receiver(session *x, wire *back, const wire_msg *m)
{
    int ev = m->text ? mc_chunk_receiver_push_text(x->r, (const char *)m->data, m->len)
                     : mc_chunk_receiver_push_binary(x->r, m->data, m->len);
    MC_CHECK(ev >= 0);
    if (ev < 0)
        return;
    if (ev & MC_CHUNK_EV_ERROR)
        x->events_error++;
    if (ev & MC_CHUNK_EV_OFFER) {
        int len = mc_chunk_receiver_accept(x->r);
        MC_CHECK(len >= 0);
        if (len > 0) {
            size_t n;
            const char *msg = mc_chunk_receiver_message(x->r, &n);
            wire_put(back, msg, n, 1);
        }
    }
    if (ev & MC_CHUNK_EV_DATA) {
        size_t len;
        uint64_t off;
        const uint8_t *p = mc_chunk_receiver_data(x->r, &len, &off);
        sink_collect(x, p, len, off);
    }
    if (ev & MC_CHUNK_EV_REPLY) {
        size_t n;
        const char *msg = mc_chunk_receiver_message(x->r, &n);
        wire_put(back, msg, n, 1);
    }
    if (ev & MC_CHUNK_EV_COMPLETE)
        x->completed = 1;
    if (ev & MC_CHUNK_EV_CANCELLED)
        x->cancelled = 1;
}

static void to_sender(session *x, const wire_msg *m)
{
    int ev = mc_chunk_sender_receive(x->s, (const char *)m->data, m->len);
    MC_CHECK(ev >= 0);
    if (ev & MC_CHUNK_EV_COMPLETE)
        x->sender_done = 1;
    if (ev & MC_CHUNK_EV_REJECTED)
        x->rejected = 1;
    if (ev & MC_CHUNK_EV_CANCELLED)
        x->cancelled = 1;
}

/* Send what the sender allows onto `fwd`, applying faults to chunk messages. */
static void pump_sender(session *x, wire *fwd)
{
    for (;;) {
        int what = mc_chunk_sender_poll(x->s);
        if (what == MC_CHUNK_SEND_CHUNK) {
            uint64_t off = mc_chunk_sender_chunk_offset(x->s);
            uint32_t len = mc_chunk_sender_chunk_length(x->s);
            size_t out_len, at = 0;
            const uint8_t *out;
            int text, action = DELIVER, n;
            memcpy(mc_chunk_sender_payload(x->s), x->file + off, len);
            n = mc_chunk_sender_seal(x->s);
            MC_CHECK(n > 0);
            out = mc_chunk_sender_output(x->s, &out_len);
            MC_CHECK_EQ((size_t)n, out_len);
            text = mc_chunk_sender_output_is_text(x->s);
            if (x->cut_after > 0 && x->chunk_msgs >= (uint32_t)x->cut_after) {
                x->chunk_msgs++;
                continue;   /* lost with the connection */
            }
            if (x->fault)
                action = x->fault(x->fault_ctx, x->chunk_msgs, &at);
            x->chunk_msgs++;
            if (action == DROP)
                continue;
            if (action == CORRUPT || action == TRUNCATE) {
                uint8_t *copy = malloc(out_len);
                memcpy(copy, out, out_len);
                if (action == CORRUPT)
                    copy[at % out_len] ^= text ? 0x01 : 0x40;   /* stays ASCII in text */
                wire_put(fwd, copy, action == TRUNCATE ? out_len - 1 : out_len, text);
                free(copy);
                continue;
            }
            if (action == HOLD && !fwd->holding) {
                fwd->held.data = malloc(out_len);
                memcpy(fwd->held.data, out, out_len);
                fwd->held.len = out_len;
                fwd->held.text = text;
                fwd->holding = 1;
                continue;
            }
            wire_put(fwd, out, out_len, text);
            if (fwd->holding) {   /* the held one goes after the next: reordered */
                fwd->q[fwd->n++] = fwd->held;
                fwd->holding = 0;
            }
            if (action == DUPLICATE)
                wire_put(fwd, out, out_len, text);
        } else if (what == MC_CHUNK_SEND_END) {
            size_t n;
            const char *msg;
            MC_CHECK(mc_chunk_sender_end(x->s) > 0);
            msg = mc_chunk_sender_message(x->s, &n);
            if (!(x->cut_after > 0 && x->chunk_msgs >= (uint32_t)x->cut_after))
                wire_put(fwd, msg, n, 1);
        } else {
            break;
        }
    }
}

/* Run the exchange until nothing moves. Returns the number of rounds. */
static int run(session *x, wire *fwd, wire *back)
{
    int rounds = 0;

    while (rounds++ < 100000) {
        size_t i;
        pump_sender(x, fwd);
        if (fwd->n == 0 && back->n == 0 && !fwd->holding)
            break;
        if (fwd->holding && fwd->n == 0) {   /* nothing came after the held one */
            fwd->q[fwd->n++] = fwd->held;
            fwd->holding = 0;
        }
        for (i = 0; i < fwd->n; i++)
            to_receiver(x, back, &fwd->q[i]);
        wire_clear(fwd);
        for (i = 0; i < back->n; i++)
            to_sender(x, &back->q[i]);
        wire_clear(back);
    }
    return rounds;
}

static void fill_file(uint8_t *p, size_t n, unsigned seed)
{
    size_t i;
    for (i = 0; i < n; i++)
        p[i] = (uint8_t)mc_test_rand(&seed);
}

/* Create a connected pair and start a file. */
static void session_open(session *x, const uint8_t *file, size_t size, uint32_t chunk,
                         int binary, uint32_t ack_bytes, uint64_t window, wire *fwd)
{
    mc_chunk_sender_config sc;
    mc_chunk_receiver_config rc;
    size_t n;
    const char *msg;

    memset(x, 0, sizeof(*x));
    mc_chunk_sender_config_default(&sc);
    sc.chunk_size = chunk;
    sc.allow_binary = binary;
    sc.window = window;
    mc_chunk_receiver_config_default(&rc);
    rc.ack_bytes = ack_bytes;
    MC_CHECK_EQ(mc_chunk_sender_create(&sc, &x->s), MC_OK);
    MC_CHECK_EQ(mc_chunk_receiver_create(&rc, &x->r), MC_OK);
    x->file = file;
    x->size = size;
    x->out = malloc(size + 1);
    MC_CHECK_EQ(mc_chunk_sender_begin(x->s, "file-1", "data.bin", "application/octet-stream", size, 0xabcdef01u), MC_OK);
    msg = mc_chunk_sender_message(x->s, &n);
    wire_put(fwd, msg, n, 1);
}

static void session_close(session *x)
{
    mc_chunk_sender_destroy(x->s);
    mc_chunk_receiver_destroy(x->r);
    free(x->out);
}

static void check_verified(session *x)
{
    mc_chunk_result rr, sr;
    uint8_t d[MC_SHA256_BYTES];
    char hex[MC_SHA256_HEX];

    MC_CHECK(x->completed);
    MC_CHECK(x->sender_done);
    MC_CHECK_EQ(x->out_len, x->size);
    MC_CHECK(!x->out_of_place);
    MC_CHECK(x->size == 0 || memcmp(x->out, x->file, x->size) == 0);
    mc_chunk_receiver_result(x->r, &rr);
    mc_chunk_sender_result(x->s, &sr);
    MC_CHECK(rr.ok && rr.verified && rr.error == MC_OK);
    MC_CHECK(sr.ok && sr.verified && sr.error == MC_OK);
    mc_sha256_buffer(x->file, x->size, d);
    mc_sha256_hex(d, hex);
    MC_CHECK_STR(rr.sha256, hex);
    MC_CHECK_STR(sr.sha256, hex);
}

/* ---- Transfers ---------------------------------------------------------------------- */

static void test_round_trips(void)
{
    static const size_t sizes[] = { 0, 1, 99, 100, 101, 1000, 12345, 100000 };
    uint8_t *file = malloc(100000);
    size_t i;
    int binary;

    fill_file(file, 100000, 1);
    for (binary = 0; binary < 2; binary++) {
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            session x;
            wire fwd = { 0 }, back = { 0 };
            mc_chunk_file_info info;
            mc_chunk_stats st;
            session_open(&x, file, sizes[i], 100, binary, 1000, 0, &fwd);
            run(&x, &fwd, &back);
            check_verified(&x);
            mc_chunk_receiver_info(x.r, &info);
            MC_CHECK_EQ(info.mode, binary ? MC_CHUNK_BINARY : MC_CHUNK_BASE64);
            MC_CHECK_EQ(info.chunks, (sizes[i] + 99) / 100);
            MC_CHECK_STR(info.name, "data.bin");
            mc_chunk_receiver_stats(x.r, &st);
            MC_CHECK(st.duplicates == 0 && st.out_of_order == 0 && st.corrupt == 0 && st.stale == 0);
            session_close(&x);
        }
    }
    free(file);
}

static void test_sink_callback_and_frames_on_the_wire(void)
{
    /* A receiver with a sink gets the bytes through it (no EV_DATA). */
    mc_chunk_receiver_config rc;
    mc_chunk_sender_config sc;
    mc_chunk_receiver *r;
    mc_chunk_sender *s;
    session x;
    uint8_t file[250];
    const char *msg;
    size_t n;
    int ev;

    memset(&x, 0, sizeof(x));
    x.out = malloc(sizeof(file));
    fill_file(file, sizeof(file), 3);
    mc_chunk_receiver_config_default(&rc);
    rc.sink = (mc_chunk_sink)sink_collect;
    rc.sink_ctx = &x;
    mc_chunk_sender_config_default(&sc);
    sc.chunk_size = 100;
    sc.allow_binary = 0;
    MC_CHECK_EQ(mc_chunk_receiver_create(&rc, &r), MC_OK);
    MC_CHECK_EQ(mc_chunk_sender_create(&sc, &s), MC_OK);
    MC_CHECK_EQ(mc_chunk_sender_begin(s, "f", "x", "", sizeof(file), 7), MC_OK);
    msg = mc_chunk_sender_message(s, &n);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, msg, n), MC_CHUNK_EV_OFFER);
    MC_CHECK(mc_chunk_receiver_busy(r));
    MC_CHECK(mc_chunk_receiver_accept(r) > 0);
    msg = mc_chunk_receiver_message(r, &n);
    MC_CHECK(strstr(msg, "\"mode\":\"base64\"") != NULL);
    MC_CHECK_EQ(mc_chunk_sender_receive(s, msg, n), MC_CHUNK_EV_ACCEPTED | MC_CHUNK_EV_PROGRESS);
    MC_CHECK_EQ(mc_chunk_sender_poll(s), MC_CHUNK_SEND_CHUNK);
    MC_CHECK_EQ(mc_chunk_sender_chunk_length(s), 100);
    memcpy(mc_chunk_sender_payload(s), file, 100);
    MC_CHECK(mc_chunk_sender_seal(s) > 0);
    MC_CHECK_EQ(mc_chunk_sender_seal(s), MC_ESTATE);   /* not polled */
    {
        /* Base64 of a frame: "bWMB" is 'm' 'c' version 1. */
        const uint8_t *out = mc_chunk_sender_output(s, &n);
        uint8_t frame[200];
        size_t w;
        MC_CHECK(mc_chunk_sender_output_is_text(s));
        MC_CHECK(memcmp(out, "bWMB", 4) == 0);
        MC_CHECK_EQ(n, mc_base64_encoded_length(MC_CHUNK_HEADER_SIZE + 100, 0));
        MC_CHECK_EQ(mc_base64_decode((const char *)out, n, frame, sizeof(frame), &w, NULL, 0), MC_OK);
        MC_CHECK_EQ(w, 120);
        MC_CHECK(frame[3] == 0 && frame[4] == 7 && frame[8] == 0 && frame[12] == 100);
        MC_CHECK(memcmp(frame + 20, file, 100) == 0);
        ev = mc_chunk_receiver_push_text(r, (const char *)out, n);
        MC_CHECK_EQ(ev & (MC_CHUNK_EV_DATA | MC_CHUNK_EV_PROGRESS), MC_CHUNK_EV_PROGRESS);
        /* The very same frame, binary, is a duplicate now. */
        MC_CHECK_EQ(mc_chunk_receiver_push_binary(r, frame, w), MC_CHUNK_EV_IGNORED);
    }
    MC_CHECK_EQ(x.out_len, 100);
    MC_CHECK(memcmp(x.out, file, 100) == 0);
    mc_chunk_sender_destroy(s);
    mc_chunk_receiver_destroy(r);
    free(x.out);
}

/* Faults: the k-th chunk message is dropped, duplicated, held back, corrupted or cut. */
typedef struct {
    int action;
    uint32_t at;      /* which chunk message */
    size_t byte;      /* which byte to corrupt */
    int every;        /* repeat every n messages (0: once) */
    int applied;      /* faults so far: at most 8, or a periodic fault whose period
                         divides the length of every resend would starve one chunk */
} fault_plan;

static int plan_fault(void *ctx, uint32_t k, size_t *corrupt_at)
{
    fault_plan *p = ctx;
    if (p->applied < 8 &&
        (k == p->at || (p->every && k > p->at && (k - p->at) % (uint32_t)p->every == 0))) {
        p->applied++;
        *corrupt_at = p->byte;
        return p->action;
    }
    return DELIVER;
}

static void test_faults_detected_and_recovered(void)
{
    static const struct {
        fault_plan plan;
        const char *what;
    } plans[] = {
        { { DROP, 5, 0, 0, 0 }, "drop one" },
        { { DROP, 0, 0, 0, 0 }, "drop the first" },
        { { DROP, 49, 0, 0, 0 }, "drop the last" },
        { { DROP, 3, 0, 7, 0 }, "drop every 7th" },
        { { DUPLICATE, 8, 0, 0, 0 }, "duplicate" },
        { { DUPLICATE, 2, 0, 3, 0 }, "duplicate every 3rd" },
        { { HOLD, 10, 0, 0, 0 }, "reorder two" },
        { { HOLD, 4, 0, 5, 0 }, "reorder many" },
        { { CORRUPT, 6, 30, 0, 0 }, "corrupt payload" },
        { { CORRUPT, 6, 2, 0, 0 }, "corrupt version" },
        { { CORRUPT, 6, 9, 0, 0 }, "corrupt index" },
        { { CORRUPT, 6, 17, 0, 0 }, "corrupt crc" },
        { { CORRUPT, 49, 25, 0, 0 }, "corrupt the last" },
        { { CORRUPT, 1, 40, 4, 0 }, "corrupt every 4th" },
        { { TRUNCATE, 12, 0, 0, 0 }, "truncate" },
    };
    uint8_t *file = malloc(5000);
    size_t i;
    int binary;

    fill_file(file, 5000, 11);
    for (binary = 0; binary < 2; binary++) {
        for (i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
            session x;
            wire fwd = { 0 }, back = { 0 };
            mc_chunk_stats st;
            fault_plan plan = plans[i].plan;
            session_open(&x, file, 5000, 100, binary, 1000, 0, &fwd);
            x.fault = plan_fault;
            x.fault_ctx = &plan;
            run(&x, &fwd, &back);
            if (!x.completed)
                fprintf(stderr, "%s (binary %d): did not complete\n", plans[i].what, binary);
            check_verified(&x);
            mc_chunk_receiver_stats(x.r, &st);
            switch (plan.action) {
            case DROP:
                MC_CHECK(st.out_of_order > 0);
                MC_CHECK(st.resumes > 0);
                break;
            case DUPLICATE:
                MC_CHECK(st.duplicates > 0);
                MC_CHECK_EQ(st.resumes, 0);
                break;
            case HOLD:
                MC_CHECK(st.out_of_order > 0);
                MC_CHECK(st.stale > 0);   /* the late one belongs to an old round */
                break;
            case CORRUPT:
            case TRUNCATE:
                MC_CHECK(st.corrupt > 0);
                MC_CHECK(st.resumes > 0);
                break;
            }
            session_close(&x);
        }
    }
    free(file);
}

/* The connection drops after k chunk messages; the sender restarts on a new one. */
static void test_resume_after_disconnect(void)
{
    uint8_t *file = malloc(20000);
    int binary, cut;

    fill_file(file, 20000, 21);
    for (binary = 0; binary < 2; binary++) {
        for (cut = 1; cut < 200; cut += 37) {
            session x;
            wire fwd = { 0 }, back = { 0 };
            mc_chunk_stats rs, ss;
            uint32_t before;
            size_t n;
            const char *msg;
            session_open(&x, file, 20000, 100, binary, 1000, 0, &fwd);
            x.cut_after = cut;
            run(&x, &fwd, &back);
            MC_CHECK(!x.completed);
            before = (uint32_t)(x.out_len / 100);
            MC_CHECK_EQ(before, (uint32_t)cut);
            /* Reconnect: the sender offers the same file again. */
            x.cut_after = 0;
            MC_CHECK_EQ(mc_chunk_sender_restart(x.s), MC_OK);
            MC_CHECK_EQ(mc_chunk_sender_poll(x.s), MC_CHUNK_WAIT);   /* until accepted */
            msg = mc_chunk_sender_message(x.s, &n);
            wire_put(&fwd, msg, n, 1);
            run(&x, &fwd, &back);
            check_verified(&x);
            mc_chunk_receiver_stats(x.r, &rs);
            mc_chunk_sender_stats(x.s, &ss);
            /* Only what was lost was sent again. */
            MC_CHECK_EQ(ss.bytes_sent, 20000 + (uint64_t)(200 - cut) * 100);
            MC_CHECK(rs.resumes >= 1);
            MC_CHECK_EQ(ss.resumes, 1);   /* the accept after the reconnection */
            MC_CHECK_EQ(rs.duplicates, 0);
            session_close(&x);
        }
    }
    free(file);
}

/* The done message is lost with the connection: the restarted sender's start makes the
 * receiver, which has finished, send done again. */
static void test_done_lost_then_restart(void)
{
    uint8_t file[3000];
    session x;
    wire fwd = { 0 }, back = { 0 };
    size_t n, k;
    const char *msg;
    int done_seen = 0;

    fill_file(file, sizeof(file), 6);
    session_open(&x, file, sizeof(file), 500, 1, 1u << 20, 0, &fwd);
    for (k = 0; k < 20 && !x.completed; k++) {
        size_t i;
        pump_sender(&x, &fwd);
        for (i = 0; i < fwd.n; i++)
            to_receiver(&x, &back, &fwd.q[i]);
        wire_clear(&fwd);
        for (i = 0; i < back.n; i++) {
            if (strstr((const char *)back.q[i].data, "\"type\":\"done\"") != NULL) {
                done_seen++;
                continue;   /* lost */
            }
            to_sender(&x, &back.q[i]);
        }
        wire_clear(&back);
    }
    MC_CHECK(x.completed);
    MC_CHECK_EQ(done_seen, 1);
    MC_CHECK(!x.sender_done);
    MC_CHECK_EQ(mc_chunk_sender_restart(x.s), MC_OK);
    msg = mc_chunk_sender_message(x.s, &n);
    wire_put(&fwd, msg, n, 1);
    run(&x, &fwd, &back);
    check_verified(&x);
    session_close(&x);
}

/* The receiver loses its state (a reloaded page): the restarted sender's offer is a new
 * file to it, accepted from chunk 0, and the transfer still verifies. */
static void test_receiver_restarted(void)
{
    uint8_t *file = malloc(10000);
    mc_chunk_receiver_config rc;
    session x;
    wire fwd = { 0 }, back = { 0 };
    const char *msg;
    size_t n;

    fill_file(file, 10000, 12);
    session_open(&x, file, 10000, 100, 0, 1000, 0, &fwd);
    x.cut_after = 60;
    run(&x, &fwd, &back);
    MC_CHECK(!x.completed && x.out_len == 6000);
    /* A new receiver, and the output starts again. */
    mc_chunk_receiver_destroy(x.r);
    mc_chunk_receiver_config_default(&rc);
    rc.ack_bytes = 1000;
    MC_CHECK_EQ(mc_chunk_receiver_create(&rc, &x.r), MC_OK);
    x.out_len = 0;
    x.cut_after = 0;
    MC_CHECK_EQ(mc_chunk_sender_restart(x.s), MC_OK);
    msg = mc_chunk_sender_message(x.s, &n);
    wire_put(&fwd, msg, n, 1);
    run(&x, &fwd, &back);
    check_verified(&x);
    session_close(&x);
    free(file);
}

/* A tampered end message: the receiver reports a mismatch, the sender learns it. */
static void test_digest_mismatch(void)
{
    uint8_t file[1000];
    session x;
    wire fwd = { 0 }, back = { 0 };
    mc_chunk_result rr, sr;
    size_t i;

    fill_file(file, sizeof(file), 5);
    session_open(&x, file, sizeof(file), 128, 1, 1u << 20, 0, &fwd);
    /* Run with the end message intercepted. */
    for (i = 0; i < 50 && !x.completed; i++) {
        size_t k;
        pump_sender(&x, &fwd);
        for (k = 0; k < fwd.n; k++) {
            char *p = (char *)fwd.q[k].data;
            if (fwd.q[k].text && fwd.q[k].len > 20 && memcmp(p, "{\"type\":\"end\"", 13) == 0) {
                char *h = strstr(p, "\"sha256\":\"");
                MC_CHECK(h != NULL);
                if (h)
                    h[10] = h[10] == '0' ? '1' : '0';
            }
            to_receiver(&x, &back, &fwd.q[k]);
        }
        wire_clear(&fwd);
        for (k = 0; k < back.n; k++)
            to_sender(&x, &back.q[k]);
        wire_clear(&back);
    }
    MC_CHECK(x.completed && x.sender_done);
    mc_chunk_receiver_result(x.r, &rr);
    mc_chunk_sender_result(x.s, &sr);
    MC_CHECK(!rr.ok && !rr.verified && rr.error == MC_ECHECKSUM);
    MC_CHECK(!sr.ok && !sr.verified && sr.error == MC_ECHECKSUM);
    MC_CHECK_EQ(x.out_len, sizeof(file));   /* the bytes themselves arrived */
    session_close(&x);
}

/* The book's sender: start with data {name,size,type}, bare Base64 of 16000-byte
 * slices (each padded on its own), end. */
static void test_book_stream(void)
{
    static uint8_t file[50000];
    static char text[30000];
    mc_chunk_receiver_config rc;
    mc_chunk_receiver *r;
    mc_chunk_file_info info;
    mc_chunk_result res;
    uint8_t *out = malloc(sizeof(file) + 16);
    size_t out_len = 0, off, w;
    const char *start = "{\"type\":\"start\",\"data\":{\"name\":\"../photo.jpg\",\"size\":50000,\"type\":\"image/jpeg\"}}";
    int ev, variant;

    fill_file(file, sizeof(file), 8);
    mc_chunk_receiver_config_default(&rc);
    MC_CHECK_EQ(mc_chunk_receiver_create(&rc, &r), MC_OK);
    for (variant = 0; variant < 3; variant++) {
        out_len = 0;
        if (variant == 1)   /* what JSON.stringify(File) really gives: data {}, name on top */
            start = "{\"type\":\"start\",\"data\":{},\"name\":\"photo.jpg\"}";
        if (variant == 2)
            start = "{\"type\":\"start\",\"data\":{\"name\":\"short.bin\",\"size\":49999,\"type\":\"\"}}";
        ev = mc_chunk_receiver_push_text(r, start, strlen(start));
        MC_CHECK_EQ(ev, MC_CHUNK_EV_OFFER);
        mc_chunk_receiver_info(r, &info);
        MC_CHECK_EQ(info.mode, MC_CHUNK_LEGACY);
        MC_CHECK_STR(info.name, variant == 0 ? ".._photo.jpg" : variant == 1 ? "photo.jpg" : "short.bin");
        MC_CHECK_EQ(info.size_known, variant != 1);
        MC_CHECK_EQ(mc_chunk_receiver_accept(r), 0);   /* nothing to send back */
        for (off = 0; off < sizeof(file); off += 16000) {
            size_t n = sizeof(file) - off < 16000 ? sizeof(file) - off : 16000;
            const uint8_t *p;
            size_t len;
            uint64_t at;
            mc_base64_encode(file + off, n, text, sizeof(text), &w, 0);
            ev = mc_chunk_receiver_push_text(r, text, w);
            MC_CHECK_EQ(ev, MC_CHUNK_EV_DATA | MC_CHUNK_EV_PROGRESS);
            p = mc_chunk_receiver_data(r, &len, &at);
            MC_CHECK_EQ(at, out_len);
            memcpy(out + out_len, p, len);
            out_len += len;
        }
        ev = mc_chunk_receiver_push_text(r, STR("{\"type\":\"end\"}"));
        MC_CHECK_EQ(ev, MC_CHUNK_EV_COMPLETE);
        MC_CHECK_EQ(out_len, sizeof(file));
        MC_CHECK(memcmp(out, file, sizeof(file)) == 0);
        mc_chunk_receiver_result(r, &res);
        MC_CHECK_EQ(res.verified, 0);
        MC_CHECK_EQ(res.ok, variant != 2);   /* 49999 announced, 50000 arrived */
        MC_CHECK_EQ(res.error, variant != 2 ? MC_OK : MC_ECHECKSUM);
        MC_CHECK_EQ(strlen(res.sha256), 64);
    }
    /* A bad legacy chunk is reported and the stream goes on. */
    ev = mc_chunk_receiver_push_text(r, STR("{\"type\":\"start\",\"data\":{\"name\":\"a\",\"size\":3}}"));
    MC_CHECK_EQ(ev, MC_CHUNK_EV_OFFER);
    ev = mc_chunk_receiver_push_text(r, STR("Zm9v*"));
    MC_CHECK_EQ(ev, MC_CHUNK_EV_ERROR);
    MC_CHECK(strstr(mc_chunk_receiver_error(r), "offset 4") != NULL);
    ev = mc_chunk_receiver_push_text(r, STR(" Zm9v\n"));   /* atob ignores whitespace */
    MC_CHECK_EQ(ev, MC_CHUNK_EV_DATA | MC_CHUNK_EV_PROGRESS);
    mc_chunk_receiver_destroy(r);
    free(out);
}

static void test_reject_busy_cancel(void)
{
    mc_chunk_sender_config sc;
    mc_chunk_receiver_config rc;
    mc_chunk_sender *s, *s2;
    mc_chunk_receiver *r;
    mc_chunk_result res;
    const char *msg;
    size_t n;
    int ev;

    mc_chunk_sender_config_default(&sc);
    mc_chunk_receiver_config_default(&rc);
    MC_CHECK_EQ(mc_chunk_sender_create(&sc, &s), MC_OK);
    MC_CHECK_EQ(mc_chunk_sender_create(&sc, &s2), MC_OK);
    MC_CHECK_EQ(mc_chunk_receiver_create(&rc, &r), MC_OK);

    /* Refused for lack of space: the sender learns why. */
    MC_CHECK_EQ(mc_chunk_sender_begin(s, "a1", "big.iso", "", 5000000000ull, 1), MC_OK);
    msg = mc_chunk_sender_message(s, &n);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, msg, n), MC_CHUNK_EV_OFFER);
    MC_CHECK(mc_chunk_receiver_reject(r, "space", "need 5.0 GB, 1.2 GB free") > 0);
    MC_CHECK(!mc_chunk_receiver_busy(r));
    msg = mc_chunk_receiver_message(r, &n);
    MC_CHECK_EQ(mc_chunk_sender_receive(s, msg, n), MC_CHUNK_EV_REJECTED);
    mc_chunk_sender_result(s, &res);
    MC_CHECK(!res.ok && res.error == MC_ELIMIT);
    MC_CHECK_STR(res.reason, "space: need 5.0 GB, 1.2 GB free");
    MC_CHECK_EQ(mc_chunk_sender_poll(s), MC_CHUNK_WAIT);

    /* Busy: a second file while one is in progress. */
    MC_CHECK_EQ(mc_chunk_sender_begin(s, "b1", "one", "", 10, 2), MC_OK);
    msg = mc_chunk_sender_message(s, &n);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, msg, n), MC_CHUNK_EV_OFFER);
    MC_CHECK(mc_chunk_receiver_accept(r) > 0);
    msg = mc_chunk_receiver_message(r, &n);
    MC_CHECK(mc_chunk_sender_receive(s, msg, n) & MC_CHUNK_EV_ACCEPTED);
    MC_CHECK_EQ(mc_chunk_sender_begin(s2, "b2", "two", "", 10, 3), MC_OK);
    msg = mc_chunk_sender_message(s2, &n);
    ev = mc_chunk_receiver_push_text(r, msg, n);
    MC_CHECK_EQ(ev, MC_CHUNK_EV_REPLY | MC_CHUNK_EV_IGNORED);
    msg = mc_chunk_receiver_message(r, &n);
    MC_CHECK_EQ(mc_chunk_sender_receive(s2, msg, n), MC_CHUNK_EV_REJECTED);
    mc_chunk_sender_result(s2, &res);
    MC_CHECK(strncmp(res.reason, "busy", 4) == 0);
    /* The reject for b2 does not concern b1's sender. */
    MC_CHECK_EQ(mc_chunk_sender_receive(s, msg, n), MC_CHUNK_EV_IGNORED);

    /* The sender cancels: the receiver frees up. */
    MC_CHECK(mc_chunk_sender_cancel(s, "user") > 0);
    msg = mc_chunk_sender_message(s, &n);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, msg, n), MC_CHUNK_EV_CANCELLED);
    MC_CHECK(!mc_chunk_receiver_busy(r));
    mc_chunk_receiver_result(r, &res);
    MC_CHECK(strstr(res.reason, "user") != NULL);
    MC_CHECK_EQ(mc_chunk_sender_cancel(s, "again"), MC_ESTATE);

    /* The receiver cancels a file in progress: the sender stops. */
    MC_CHECK_EQ(mc_chunk_sender_begin(s2, "c1", "three", "", 1000, 4), MC_OK);
    msg = mc_chunk_sender_message(s2, &n);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, msg, n), MC_CHUNK_EV_OFFER);
    MC_CHECK(mc_chunk_receiver_accept(r) > 0);
    msg = mc_chunk_receiver_message(r, &n);
    MC_CHECK(mc_chunk_sender_receive(s2, msg, n) & MC_CHUNK_EV_ACCEPTED);
    MC_CHECK(mc_chunk_receiver_reject(r, "declined", "stopped by the user") > 0);
    msg = mc_chunk_receiver_message(r, &n);
    MC_CHECK(strstr(msg, "\"type\":\"cancel\"") != NULL);
    MC_CHECK_EQ(mc_chunk_sender_receive(s2, msg, n), MC_CHUNK_EV_CANCELLED);
    MC_CHECK_EQ(mc_chunk_sender_poll(s2), MC_CHUNK_WAIT);
    MC_CHECK_EQ(mc_chunk_receiver_reject(r, "declined", ""), MC_ESTATE);

    mc_chunk_sender_destroy(s);
    mc_chunk_sender_destroy(s2);
    mc_chunk_receiver_destroy(r);
}

/* Two files one after the other on the same pair. */
static void test_files_in_sequence(void)
{
    uint8_t a[3000], b[777];
    session x;
    wire fwd = { 0 }, back = { 0 };
    size_t n;
    const char *msg;

    fill_file(a, sizeof(a), 31);
    fill_file(b, sizeof(b), 32);
    session_open(&x, a, sizeof(a), 256, 1, 1024, 0, &fwd);
    run(&x, &fwd, &back);
    check_verified(&x);
    /* Second file: same sender and receiver objects. */
    x.file = b;
    x.size = sizeof(b);
    x.out_len = 0;
    x.completed = x.sender_done = 0;
    MC_CHECK_EQ(mc_chunk_sender_begin(x.s, "file-2", "b.txt", "text/plain", sizeof(b), 77), MC_OK);
    msg = mc_chunk_sender_message(x.s, &n);
    wire_put(&fwd, msg, n, 1);
    run(&x, &fwd, &back);
    check_verified(&x);
    session_close(&x);
}

/* The window: no more than `window` bytes beyond the last ack. */
static void test_window(void)
{
    uint8_t file[10000];
    session x;
    wire fwd = { 0 }, back = { 0 };
    int sent = 0;

    fill_file(file, sizeof(file), 41);
    session_open(&x, file, sizeof(file), 100, 1, 1000, 2000, &fwd);
    /* start + accept */
    to_receiver(&x, &back, &fwd.q[0]);
    wire_clear(&fwd);
    to_sender(&x, &back.q[0]);
    wire_clear(&back);
    while (mc_chunk_sender_poll(x.s) == MC_CHUNK_SEND_CHUNK) {
        memcpy(mc_chunk_sender_payload(x.s), file + mc_chunk_sender_chunk_offset(x.s),
               mc_chunk_sender_chunk_length(x.s));
        mc_chunk_sender_seal(x.s);
        sent++;
    }
    MC_CHECK_EQ(sent, 20);   /* 2000 bytes of 100-byte chunks, then wait */
    mc_chunk_sender_destroy(x.s);
    mc_chunk_receiver_destroy(x.r);
    free(x.out);
    wire_clear(&fwd);
}

static void test_malformed_and_limits(void)
{
    static const char *const bad[] = {
        "{", "{}", "{\"type\":5}", "{\"type\":\"start\",\"id\":\"bad id!\"}", "{\"type\":\"start\"} x",
        "{\"type\":\"start\",\"id\":\"f\",\"v\":1,\"tag\":1,\"size\":10,\"chunkSize\":4,\"chunks\":2,\"name\":\"n\",\"modes\":[\"base64\"]}",
        "{\"type\":\"start\",\"id\":\"f\",\"v\":1,\"tag\":-1,\"size\":10,\"chunkSize\":4,\"chunks\":3,\"name\":\"n\",\"modes\":[\"base64\"]}",
        "{\"type\":\"start\",\"id\":\"f\",\"v\":1,\"tag\":1,\"size\":10.5,\"chunkSize\":4,\"chunks\":3,\"name\":\"n\",\"modes\":[\"base64\"]}",
        "{\"type\":\"start\",\"id\":\"f\",\"v\":1,\"tag\":1,\"size\":10,\"chunkSize\":4,\"chunks\":3,\"name\":\"n\",\"modes\":[\"carrier-pigeon\"]}",
        "{\"type\":\"start\",\"id\":\"f\",\"v\":1,\"tag\":1,\"size\":10,\"chunkSize\":4,\"chunks\":3,\"name\":\"n\",\"digest\":\"md5\",\"modes\":[\"base64\"]}",
    };
    mc_chunk_receiver_config rc;
    mc_chunk_sender_config sc;
    mc_chunk_receiver *r;
    mc_chunk_sender *s;
    const char *msg;
    size_t i, n;
    int ev;

    mc_chunk_receiver_config_default(&rc);
    rc.max_chunk_size = 1000;
    rc.max_file_size = 100000;
    MC_CHECK_EQ(mc_chunk_receiver_create(&rc, &r), MC_OK);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ev = mc_chunk_receiver_push_text(r, bad[i], strlen(bad[i]));
        if (!(ev & MC_CHUNK_EV_ERROR))
            fprintf(stderr, "not an error: %s -> %d\n", bad[i], ev);
        MC_CHECK(ev & MC_CHUNK_EV_ERROR);
        MC_CHECK(mc_chunk_receiver_error(r)[0] != '\0');
        MC_CHECK(!mc_chunk_receiver_busy(r));
    }
    /* Unknown types, stray frames and other text are ignored. */
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, "[]", 2), MC_CHUNK_EV_IGNORED);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, "null", 4), MC_CHUNK_EV_IGNORED);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, STR("{\"type\":\"hello\"}")), MC_CHUNK_EV_IGNORED);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, STR("bWMBAAAA")), MC_CHUNK_EV_IGNORED);
    MC_CHECK_EQ(mc_chunk_receiver_push_binary(r, (const uint8_t *)"mc", 2), MC_CHUNK_EV_IGNORED);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, STR("")), MC_CHUNK_EV_IGNORED);

    /* Over the receiver's limits: refused with reason "size". */
    mc_chunk_sender_config_default(&sc);
    sc.chunk_size = 2000;
    MC_CHECK_EQ(mc_chunk_sender_create(&sc, &s), MC_OK);
    MC_CHECK_EQ(mc_chunk_sender_begin(s, "big-chunks", "x", "", 5000, 1), MC_OK);
    msg = mc_chunk_sender_message(s, &n);
    ev = mc_chunk_receiver_push_text(r, msg, n);
    MC_CHECK(ev & MC_CHUNK_EV_REPLY);
    msg = mc_chunk_receiver_message(r, &n);
    MC_CHECK(strstr(msg, "\"reason\":\"size\"") != NULL);
    MC_CHECK_EQ(mc_chunk_sender_receive(s, msg, n), MC_CHUNK_EV_REJECTED);
    mc_chunk_sender_destroy(s);
    sc.chunk_size = 500;
    MC_CHECK_EQ(mc_chunk_sender_create(&sc, &s), MC_OK);
    MC_CHECK_EQ(mc_chunk_sender_begin(s, "big-file", "x", "", 100001, 1), MC_OK);
    msg = mc_chunk_sender_message(s, &n);
    MC_CHECK(mc_chunk_receiver_push_text(r, msg, n) & MC_CHUNK_EV_REPLY);
    msg = mc_chunk_receiver_message(r, &n);
    MC_CHECK(strstr(msg, "\"reason\":\"size\"") != NULL);

    /* The sender ignores nonsense too. */
    MC_CHECK_EQ(mc_chunk_sender_receive(s, STR("{\"type\":\"ack\",\"id\":\"other\",\"next\":1}")), MC_CHUNK_EV_IGNORED);
    MC_CHECK_EQ(mc_chunk_sender_receive(s, STR("garbage")), MC_CHUNK_EV_ERROR);
    MC_CHECK(mc_chunk_sender_error(s)[0] != '\0');
    MC_CHECK(mc_chunk_sender_receive(s, STR("{\"type\":\"accept\",\"id\":\"big-file\",\"mode\":\"binary\",\"next\":99,\"round\":0}")) & MC_CHUNK_EV_ERROR);
    MC_CHECK(mc_chunk_sender_receive(s, STR("{\"type\":\"accept\",\"id\":\"big-file\",\"mode\":\"smoke\",\"next\":0,\"round\":0}")) & MC_CHUNK_EV_ERROR);
    MC_CHECK_EQ(mc_chunk_sender_poll(s), MC_CHUNK_WAIT);

    /* Messages over the size limit; the input buffer. */
    MC_CHECK(mc_chunk_receiver_max_message(r) > 1000);
    MC_CHECK(mc_chunk_receiver_input(r, mc_chunk_receiver_max_message(r)) != NULL);
    MC_CHECK(mc_chunk_receiver_input(r, mc_chunk_receiver_max_message(r) + 1) == NULL);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(r, "x", mc_chunk_receiver_max_message(r) + 1), MC_ELIMIT);

    /* API invariants. */
    MC_CHECK_EQ(mc_chunk_sender_begin(s, "", "x", "", 1, 1), MC_EINVAL);
    MC_CHECK_EQ(mc_chunk_sender_begin(s, "a/b", "x", "", 1, 1), MC_EINVAL);
    MC_CHECK_EQ(mc_chunk_sender_begin(s, "ok", NULL, "", 1, 1), MC_EINVAL);
    MC_CHECK_EQ(mc_chunk_sender_begin(s, "ok", "x", "", MC_CHUNK_MAX_FILE_SIZE + 1, 1), MC_ERANGE);
    MC_CHECK_EQ(mc_chunk_sender_receive(NULL, STR("{}")), MC_EINVAL);
    MC_CHECK_EQ(mc_chunk_receiver_push_text(NULL, STR("{}")), MC_EINVAL);
    MC_CHECK_EQ(mc_chunk_receiver_accept(r), MC_ESTATE);
    mc_chunk_sender_destroy(s);
    sc.chunk_size = 0;
    MC_CHECK_EQ(mc_chunk_sender_create(&sc, &s), MC_ERANGE);
    MC_CHECK(s == NULL);
    sc.chunk_size = 100;
    sc.allow_binary = sc.allow_base64 = 0;
    {
        mc_chunk_sender *none = (mc_chunk_sender *)1;
        MC_CHECK_EQ(mc_chunk_sender_create(&sc, &none), MC_EINVAL);
        MC_CHECK(none == NULL);
    }
    rc.max_chunk_size = MC_CHUNK_MAX_PAYLOAD + 1;
    {
        mc_chunk_receiver *none;
        MC_CHECK_EQ(mc_chunk_receiver_create(&rc, &none), MC_ERANGE);
    }
    mc_chunk_sender_destroy(NULL);
    mc_chunk_receiver_destroy(NULL);
    MC_CHECK_EQ(mc_chunk_sender_poll(NULL), MC_CHUNK_WAIT);
    mc_chunk_receiver_destroy(r);
}

/* The sender never rehashes chunks it sends again, and hashes each byte once. */
static void test_restart_states(void)
{
    mc_chunk_sender_config sc;
    mc_chunk_sender *s;

    mc_chunk_sender_config_default(&sc);
    MC_CHECK_EQ(mc_chunk_sender_create(&sc, &s), MC_OK);
    MC_CHECK_EQ(mc_chunk_sender_restart(s), MC_ESTATE);   /* no file */
    MC_CHECK_EQ(mc_chunk_sender_end(s), MC_ESTATE);
    MC_CHECK_EQ(mc_chunk_sender_begin(s, "z", "empty", "", 0, 9), MC_OK);
    MC_CHECK_EQ(mc_chunk_sender_receive(s, STR("{\"type\":\"accept\",\"id\":\"z\",\"mode\":\"base64\",\"next\":0,\"round\":0}")),
                MC_CHUNK_EV_ACCEPTED | MC_CHUNK_EV_PROGRESS);
    MC_CHECK_EQ(mc_chunk_sender_poll(s), MC_CHUNK_SEND_END);   /* empty: straight to end */
    MC_CHECK(mc_chunk_sender_end(s) > 0);
    MC_CHECK(strstr(mc_chunk_sender_message(s, NULL),
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") != NULL);
    MC_CHECK_EQ(mc_chunk_sender_poll(s), MC_CHUNK_WAIT);
    mc_chunk_sender_destroy(s);
}

int main(void)
{
    MC_RUN_TEST(test_crc32c_vectors);
    MC_RUN_TEST(test_sha256_vectors);
    MC_RUN_TEST(test_sanitize_names);
    MC_RUN_TEST(test_round_trips);
    MC_RUN_TEST(test_sink_callback_and_frames_on_the_wire);
    MC_RUN_TEST(test_faults_detected_and_recovered);
    MC_RUN_TEST(test_resume_after_disconnect);
    MC_RUN_TEST(test_done_lost_then_restart);
    MC_RUN_TEST(test_receiver_restarted);
    MC_RUN_TEST(test_digest_mismatch);
    MC_RUN_TEST(test_book_stream);
    MC_RUN_TEST(test_reject_busy_cancel);
    MC_RUN_TEST(test_files_in_sequence);
    MC_RUN_TEST(test_window);
    MC_RUN_TEST(test_malformed_and_limits);
    MC_RUN_TEST(test_restart_states);
    return mc_test_finish();
}
