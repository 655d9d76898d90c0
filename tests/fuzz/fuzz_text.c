/* fuzz_text.c: layout and drawing on any text and any style. The first 24 bytes choose
 * the style, the anchor and the frame (1..96 pixels a side, padded rows); the rest is the
 * text. Checks, beyond ASan/UBSan: drawing succeeds or fails as mc_text_style_check
 * says; nothing outside the frame's pixels is written (guard bytes, row padding); and
 * no pixel outside the measured box changes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mediacore/text.h"

#define GUARD 32

static mc_text *text_handle(void)
{
    static mc_text *t;   /* one handle for the whole run: the cache is part of what is tested */
    if (t == NULL) {
        mc_text_config cfg;
        mc_text_config_default(&cfg);
        cfg.cache_bytes = MC_TEXT_MIN_CACHE;
        if (mc_text_create(&cfg, &t) != MC_OK)
            abort();
    }
    return t;
}

static int32_t s8(uint8_t b)
{
    return (int32_t)(int8_t)b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_text *t = text_handle();
    mc_text_style st;
    mc_text_metrics m;
    mc_frame f;
    uint8_t *buf;
    int32_t w, h, stride, x, y, xx, yy;
    size_t span, i;
    int rc, rm;

    if (size < 24)
        return 0;
    mc_text_style_default(&st);
    st.size = 2 + data[0] % 70;                 /* 2..71: a few invalid */
    st.color = (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 8 | data[4];
    st.background = data[5] & 1 ? 0x10203000u | data[6] : 0;
    st.padding = data[7] % 12 - 1;              /* -1..10 */
    st.outline_width = data[8] % 7 - 1;         /* -1..5 */
    st.shadow_x = s8(data[9]) / 24;
    st.shadow_y = s8(data[10]) / 24;
    st.align = data[11] % 4;                    /* 3 is invalid */
    st.max_width = data[12] & 1 ? data[13] * 2 - 4 : 0;
    st.line_height = data[14] & 1 ? data[15] % 40 : 0;
    x = s8(data[16]) * 2;
    y = s8(data[17]);
    w = 1 + data[18] % 96;
    h = 1 + data[19] % 96;
    stride = w * 4 + (data[20] % 3) * 4;
    data += 24;
    size -= 24;

    rm = mc_text_measure(t, (const char *)data, size, &st, &m);
    if (rm != mc_text_style_check(&st) && !(rm == MC_ELIMIT && size > MC_TEXT_MAX_BYTES))
        abort();
    span = (size_t)stride * (size_t)(h - 1) + (size_t)w * 4;
    buf = malloc(span + 2 * GUARD);
    memset(buf, 0x5A, span + 2 * GUARD);
    if (mc_frame_wrap(&f, buf + GUARD, span, w, h, stride) != MC_OK)
        abort();
    rc = mc_text_draw(t, &f, x, y, (const char *)data, size, &st);
    if (rc != rm)
        abort();
    for (i = 0; i < GUARD; i++)
        if (buf[i] != 0x5A || buf[GUARD + span + i] != 0x5A)
            abort();
    for (yy = 0; yy < h; yy++) {
        for (xx = 0; xx < stride; xx++) {
            uint8_t v = buf[GUARD + (size_t)yy * stride + xx];
            int inside_row = xx < w * 4;
            int px = xx / 4;
            if (!inside_row) {
                if (yy < h - 1 && v != 0x5A)
                    abort();   /* row padding written */
                continue;
            }
            if (v != 0x5A && (rc != MC_OK || px < x + m.box_x || px >= x + m.box_x + m.box_width ||
                              yy < y + m.box_y || yy >= y + m.box_y + m.box_height))
                abort();       /* a change outside the measured box */
        }
    }
    free(buf);
    return 0;
}
