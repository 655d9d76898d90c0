/* fuzz_webm.c: libFuzzer target for the WebM demuxer.
 *
 * Parses the input as a WebM file and reads every packet. Checks: every packet lies
 * inside the input and is not empty; the reported sizes are sane; after the end or an
 * error, further reads repeat it. Then muxes the packets it read into a new file and
 * demuxes that: the muxer must accept what the demuxer returned (pts made increasing per
 * track) and the second pass must give the same packets back. Any disagreement aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mediacore/webm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        abort();
}

#define MAX_PACKETS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_webm_demuxer *d = NULL;
    mc_webm_info info;
    mc_webm_packet pkt, kept[MAX_PACKETS];
    int rc, n = 0, last;
    unsigned sum = 0;

    if (mc_webm_demuxer_create(data, size, &d, NULL, 0) != MC_OK) {
        check(d == NULL);
        return 0;
    }
    check(mc_webm_demuxer_info(d, &info) == MC_OK);
    check(info.video_track != 0 || info.audio_track != 0);
    check(info.video_track == 0 || (info.width >= 1 && info.height >= 1));
    while ((rc = mc_webm_demuxer_next(d, &pkt)) == 1) {
        check(pkt.size > 0 && pkt.data >= data && pkt.data + pkt.size <= data + size);
        check(pkt.track == MC_WEBM_VIDEO || pkt.track == MC_WEBM_AUDIO);
        check(pkt.pts >= 0 && pkt.duration >= 0);
        sum += pkt.data[0] + pkt.data[pkt.size - 1];
        if (n < MAX_PACKETS)
            kept[n++] = pkt;
    }
    check(rc == 0 || rc == MC_EFORMAT);
    last = rc;
    check(mc_webm_demuxer_next(d, &pkt) == last);
    (void)sum;

    /* Re-mux what was read and read it back. */
    if (n > 0) {
        mc_webm_muxer_config cfg;
        mc_webm_muxer *m = NULL;
        uint8_t *file = NULL;
        size_t len = 0;
        int64_t last_pts[3] = { -1, -1, -1 };
        int written = 0;
        const uint8_t *p;
        size_t k;

        mc_webm_muxer_config_default(&cfg);
        cfg.video = info.video_track != 0;
        cfg.audio = info.audio_track != 0;
        if (cfg.video) {
            cfg.video_codec = info.video_codec;
            cfg.width = info.width;
            cfg.height = info.height;
        }
        if (cfg.audio)
            cfg.channels = info.channels == 2 ? 2 : 1;
        check(mc_webm_muxer_create(&cfg, &m, NULL, 0) == MC_OK);
        for (int i = 0; i < n; i++) {
            /* Force increasing timestamps within 30 s behind any cluster. */
            int64_t t = kept[i].pts % 1000000000;
            if (t <= last_pts[kept[i].track])
                t = last_pts[kept[i].track] + 1000;
            kept[i].pts = (t + 500) / 1000 * 1000;
            rc = mc_webm_muxer_write(m, kept[i].track, kept[i].data, kept[i].size, kept[i].pts,
                                     kept[i].duration, kept[i].keyframe);
            if (rc != MC_OK) {
                check(rc == MC_ERANGE);   /* only timestamps may be refused */
                kept[i].size = 0;
                continue;
            }
            last_pts[kept[i].track] = kept[i].pts;
            written++;
            check(mc_webm_muxer_output(m, &p, &k) == MC_OK);
            file = realloc(file, len + k + 1);
            memcpy(file + len, p, k);
            len += k;
        }
        check(mc_webm_muxer_finish(m) == MC_OK);
        check(mc_webm_muxer_output(m, &p, &k) == MC_OK);
        file = realloc(file, len + k + 1);
        memcpy(file + len, p, k);
        len += k;
        check(mc_webm_muxer_header(m, &p, &k) == MC_OK);
        memcpy(file, p, k);
        mc_webm_muxer_destroy(m);

        mc_webm_demuxer *d2 = NULL;
        check(mc_webm_demuxer_create(file, len, &d2, NULL, 0) == MC_OK);
        int got = 0;
        while ((rc = mc_webm_demuxer_next(d2, &pkt)) == 1)
            got++;
        check(rc == 0 && got == written);
        mc_webm_demuxer_destroy(d2);
        free(file);
    }
    mc_webm_demuxer_destroy(d);
    return 0;
}
