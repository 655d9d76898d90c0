/* fuzz_chunk.c: libFuzzer target for the chunk receiver (and the sender's reply parser).
 *
 * The input is a sequence of messages, each [kind:1][length:2 LE][bytes]: kind bit 0
 * text (else binary), bit 1 accept the offer if there is one, bit 2 reject it instead,
 * bit 3 also feed the message to a sender. The receiver and sender must never crash,
 * never deliver bytes out of order or beyond the announced size, and keep their
 * counters consistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mediacore/chunk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_chunk_receiver_config rc;
    mc_chunk_sender_config sc;
    mc_chunk_receiver *r = NULL;
    mc_chunk_sender *s = NULL;
    uint64_t expect_off = 0;
    size_t i = 0;

    mc_chunk_receiver_config_default(&rc);
    rc.max_chunk_size = 4096;
    rc.ack_bytes = 1000;
    mc_chunk_sender_config_default(&sc);
    sc.chunk_size = 64;
    check(mc_chunk_receiver_create(&rc, &r) == MC_OK);
    check(mc_chunk_sender_create(&sc, &s) == MC_OK);
    mc_chunk_sender_begin(s, "fz", "fuzz", "", 1000, 5);

    while (i + 3 <= size) {
        int kind = data[i];
        size_t len = (size_t)data[i + 1] | (size_t)data[i + 2] << 8;
        const uint8_t *msg = data + i + 3;
        int ev;
        if (len > size - i - 3)
            len = size - i - 3;
        i += 3 + len;
        {
            /* Through the receiver's own input buffer, as the wasm shim does. */
            uint8_t *in = mc_chunk_receiver_input(r, len);
            if (in == NULL)
                continue;
            memcpy(in, msg, len);
            ev = (kind & 1) ? mc_chunk_receiver_push_text(r, (const char *)in, len)
                            : mc_chunk_receiver_push_binary(r, in, len);
        }
        check(ev >= 0 || ev == MC_ENOMEM);
        if (ev < 0)
            continue;
        if (ev & MC_CHUNK_EV_OFFER) {
            expect_off = 0;
            if (kind & 4)
                check(mc_chunk_receiver_reject(r, "declined", "fuzz") >= 0);
            else if (kind & 2)
                check(mc_chunk_receiver_accept(r) >= 0);
        }
        if (ev & MC_CHUNK_EV_DATA) {
            mc_chunk_file_info info;
            size_t dlen;
            uint64_t off;
            const uint8_t *p = mc_chunk_receiver_data(r, &dlen, &off);
            mc_chunk_receiver_info(r, &info);
            check(p != NULL && dlen > 0);
            check(off == expect_off);
            expect_off += dlen;
            if (info.mode != MC_CHUNK_LEGACY)
                check(expect_off <= info.size);
            (void)p[dlen - 1];
        }
        if (ev & MC_CHUNK_EV_REPLY) {
            size_t n;
            const char *m = mc_chunk_receiver_message(r, &n);
            check(m != NULL && n > 0 && m[n] == '\0' && m[0] == '{');
            mc_chunk_sender_receive(s, m, n);   /* our own replies parse */
        }
        if (kind & 8) {
            ev = mc_chunk_sender_receive(s, (const char *)msg, len);
            check(ev >= 0);
            while (mc_chunk_sender_poll(s) == MC_CHUNK_SEND_CHUNK) {
                memset(mc_chunk_sender_payload(s), 0x5a, mc_chunk_sender_chunk_length(s));
                check(mc_chunk_sender_seal(s) > 0);
            }
        }
        {
            mc_chunk_stats st;
            mc_chunk_receiver_stats(r, &st);
            check(st.bytes_done == expect_off || !(ev & MC_CHUNK_EV_DATA));
        }
    }
    mc_chunk_sender_destroy(s);
    mc_chunk_receiver_destroy(r);
    return 0;
}
