/* fuzz_signal.c: libFuzzer target for the signaling engine (src/signal/mc_signal.c).
 *
 * The input is a script: chunks separated by 0xFF bytes (never valid in UTF-8, so never
 * part of a message). Each chunk's first byte picks one of four sessions (low 2 bits) and
 * an action (0xE0 and up: close the session and open a fresh one; otherwise, e.g. '0'..'3':
 * the rest of the chunk is a message from that session). Session 3's transport refuses
 * every message. Every message the engine sends must be a
 * valid JSON object with a string "type"; after every step the call records of each pair
 * must mirror each other (and stay within max_peers, 2 here so the limit is reached); at
 * the end every name must be released. */
#include "base/json.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signal/registry.h"
#include "signal/mc_signal.h"

#define NSESS 4

typedef struct fuzz_world {
    int conns[NSESS];
    unsigned counter;
    const char *input;        /* the message being handled */
    size_t input_len;
} fuzz_world;

/* Every message sent is a JSON object with a string type; a relayed offer/answer/candidate
 * carries the same JSON value the sender's message had under that key (the engine copies
 * the raw text, so this checks its scanning against cJSON's parse). */
static void check_output(const fuzz_world *w, const char *text, size_t len)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    const cJSON *type;

    if (j == NULL || end != text + len || !cJSON_IsObject(j))
        __builtin_trap();
    type = cJSON_GetObjectItemCaseSensitive(j, "type");
    if (!cJSON_IsString(type))
        __builtin_trap();
    if (cJSON_GetObjectItemCaseSensitive(j, "from") != NULL && w->input != NULL &&
        (strcmp(type->valuestring, "offer") == 0 || strcmp(type->valuestring, "answer") == 0 ||
         strcmp(type->valuestring, "candidate") == 0)) {
        /* Compared as printed text, not with cJSON_Compare: that looks members up by key, so
         * an object with a repeated key (legal JSON, relayed as it came) never equals itself. */
        cJSON *in = cJSON_ParseWithLength(w->input, w->input_len);
        char *out_text, *in_text;

        if (in == NULL)
            __builtin_trap();
        out_text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, type->valuestring));
        in_text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(in, type->valuestring));
        if (out_text == NULL || in_text == NULL || strcmp(out_text, in_text) != 0)
            __builtin_trap();
        cJSON_free(out_text);
        cJSON_free(in_text);
        cJSON_Delete(in);
    }
    cJSON_Delete(j);
}

static int f_send(void *user, void *conn, const char *text, size_t len)
{
    check_output(user, text, len);
    /* Connection 3 refuses everything, as a full send queue would. */
    return *(int *)conn == 3 ? MC_ELIMIT : MC_OK;
}

static void f_close(void *user, void *conn, int code, const char *reason)
{
    (void)user;
    (void)conn;
    if (code < 4000 || code > 4999 || reason == NULL)
        __builtin_trap();
}

static int f_random(void *user, uint8_t *buf, size_t len)
{
    fuzz_world *w = user;
    size_t i;

    /* All-zero tokens, so inputs can carry a valid one (32 zeros) and reach takeovers. */
    for (i = 0; i < len; i++)
        buf[i] = 0;
    w->counter++;
    return MC_OK;
}

/* The records two sessions have of each other agree: both answered, or the offers one
 * sent are the ones the other received; and nobody has more than `max` peers. */
static void check_calls(mc_signal_session *const *s, size_t max)
{
    int i, j;

    for (i = 0; i < NSESS; i++) {
        if (mc_signal_session_peer_count(s[i]) > max ||
            (mc_signal_session_name(s[i]) == NULL && mc_signal_session_peer_count(s[i]) != 0))
            __builtin_trap();
        for (j = 0; j < NSESS; j++) {
            int a = mc_signal_session_call(s[i], s[j]), b = mc_signal_session_call(s[j], s[i]);
            int mirrored = ((b & MC_SIGNAL_CALL_OFFER_SENT) ? MC_SIGNAL_CALL_OFFER_RECEIVED : 0) |
                           ((b & MC_SIGNAL_CALL_OFFER_RECEIVED) ? MC_SIGNAL_CALL_OFFER_SENT : 0) |
                           (b & MC_SIGNAL_CALL_ANSWERED);

            if (a != mirrored || (i == j && a != 0) ||
                ((a & MC_SIGNAL_CALL_ANSWERED) && a != MC_SIGNAL_CALL_ANSWERED))
                __builtin_trap();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_signal_io io = { f_send, f_close, f_random, NULL };
    mc_signal_config cfg;
    mc_registry *reg = NULL;
    mc_signal *sig = NULL;
    mc_signal_session *s[NSESS];
    fuzz_world w;
    size_t pos = 0;
    int i;

    memset(&w, 0, sizeof(w));
    mc_signal_config_default(&cfg);
    cfg.max_message = 512;
    cfg.max_name = 8;
    cfg.max_depth = 8;
    cfg.max_peers = 2;
    if (mc_registry_create_memory(NULL, &reg) != MC_OK ||
        mc_signal_create(&cfg, reg, &io, &w, &sig) != MC_OK)
        __builtin_trap();
    for (i = 0; i < NSESS; i++) {
        w.conns[i] = i;
        if (mc_signal_session_open(sig, &w.conns[i], &s[i]) != MC_OK)
            __builtin_trap();
    }
    while (pos < size) {
        const uint8_t *end = memchr(data + pos, 0xff, size - pos);
        size_t len = end != NULL ? (size_t)(end - (data + pos)) : size - pos;

        if (len > 0) {
            uint8_t op = data[pos];
            int k = op & 3;

            if (op >= 0xe0) {
                mc_signal_session_close(sig, s[k]);
                if (mc_signal_session_open(sig, &w.conns[k], &s[k]) != MC_OK)
                    __builtin_trap();
            } else {
                /* Copy so ASan catches any read past the message. */
                char *msg = malloc(len - 1 ? len - 1 : 1);

                memcpy(msg, data + pos + 1, len - 1);
                w.input = msg;
                w.input_len = len - 1;
                mc_signal_handle(sig, s[k], msg, len - 1);
                w.input = NULL;
                free(msg);
            }
            check_calls(s, cfg.max_peers);
        }
        pos += len + 1;
    }
    for (i = 0; i < NSESS; i++)
        mc_signal_session_close(sig, s[i]);
    if (mc_registry_count(reg) != 0)
        __builtin_trap();
    mc_signal_destroy(sig);
    mc_registry_destroy(reg);
    return 0;
}
