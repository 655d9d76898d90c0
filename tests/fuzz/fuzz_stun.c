/* fuzz_stun.c: libFuzzer target for the STUN parser and responder (src/signal/stun.c).
 * Any datagram: parse must not crash; an answer must stay within MC_STUN_MAX_EXTRA bytes of
 * the request, parse as STUN with a correct FINGERPRINT, echo the transaction ID and, for a
 * success, carry the sender's address. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signal/stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const mc_stun_address from4 = { 4, 3478, { 198, 51, 100, 7 } };
    static const mc_stun_address from6 = { 6, 65535, { 0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 } };
    const mc_stun_address *froms[2] = { &from4, &from6 };
    uint8_t out[MC_STUN_MAX_RESPONSE];
    uint8_t *copy = malloc(size ? size : 1);
    mc_stun_message m, r;
    mc_stun_address a;
    size_t n;
    int i;

    memcpy(copy, data, size);
    (void)mc_stun_parse(copy, size, &m);
    for (i = 0; i < 2; i++) {
        int rc = mc_stun_respond(copy, size, froms[i], out, sizeof(out), &n);

        if (rc != MC_OK) {
            if (n != 0)
                __builtin_trap();
            continue;
        }
        if (n > size + MC_STUN_MAX_EXTRA || n > sizeof(out))
            __builtin_trap();
        if (mc_stun_parse(out, n, &r) != MC_OK || !r.has_fingerprint ||
            memcmp(out + 8, copy + 8, 12) != 0)
            __builtin_trap();
        if (r.klass == MC_STUN_CLASS_SUCCESS) {
            if (mc_stun_read_xor_mapped_address(out, n, &a) != MC_OK ||
                a.family != froms[i]->family || a.port != froms[i]->port ||
                memcmp(a.addr, froms[i]->addr, a.family == 4 ? 4 : 16) != 0)
                __builtin_trap();
        } else if (r.klass != MC_STUN_CLASS_ERROR) {
            __builtin_trap();
        }
    }
    free(copy);
    return 0;
}
