/* consumer.c: a C program that uses mc_core the way a user would, built against an
 * installed tree (include/mediacore, libmc_core.a, mediacore.pc) by test_install.sh, with
 * warnings as errors, so the public headers stand alone and the pkg-config file names
 * every library the core needs. Checks against values computed by hand or by the RFCs. */
#include <stdio.h>
#include <string.h>

#include <mediacore/base64.h>
#include <mediacore/frame.h>
#include <mediacore/mc_error.h>
#include <mediacore/video.h>

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "consumer.c:%d: %s\n", __LINE__, #cond);          \
            return 1;                                                         \
        }                                                                     \
    } while (0)

int main(void)
{
    /* RFC 4648 section 10. */
    char b64[16];
    size_t n = 0;
    CHECK(mc_base64_encode((const uint8_t *)"foobar", 6, b64, sizeof(b64), &n, 0) == MC_OK);
    CHECK(n == 8 && memcmp(b64, "Zm9vYmFy", 8) == 0);
    CHECK(strcmp(mc_strerror(MC_EBUFSIZE), mc_strerror(MC_OK)) != 0);

    /* CSS invert(1): 255 - c on each colour channel, alpha kept. */
    uint8_t px[8] = { 10, 20, 30, 255, 200, 100, 0, 7 };
    mc_frame frame;
    mc_filter invert;
    CHECK(mc_frame_wrap(&frame, px, sizeof(px), 2, 1, 0) == MC_OK);
    CHECK(mc_filter_from_name("invert", &invert) == MC_OK);
    CHECK(mc_frame_filter(&frame, invert) == MC_OK);
    CHECK(px[0] == 245 && px[1] == 235 && px[2] == 225 && px[3] == 255);
    CHECK(px[4] == 55 && px[5] == 155 && px[6] == 255 && px[7] == 7);

    /* libvpx, libyuv and the codec glue link: a 64x64 VP8 keyframe round trip. */
    static uint8_t rgba[64 * 64 * 4], back[64 * 64 * 4];
    mc_video_encoder_config ecfg;
    mc_video_decoder_config dcfg;
    mc_video_encoder *enc = NULL;
    mc_video_decoder *dec = NULL;
    mc_video_packet pkt;
    mc_frame in, out;
    char detail[128];
    memset(rgba, 128, sizeof(rgba));
    CHECK(mc_frame_wrap(&in, rgba, sizeof(rgba), 64, 64, 0) == MC_OK);
    CHECK(mc_frame_wrap(&out, back, sizeof(back), 64, 64, 0) == MC_OK);
    CHECK(mc_video_encoder_config_default(&ecfg, MC_VIDEO_VP8) == MC_OK);
    ecfg.width = ecfg.height = 64;
    CHECK(mc_video_encoder_create(&ecfg, &enc, detail, sizeof(detail)) == MC_OK);
    CHECK(mc_video_encoder_encode(enc, &in, 0, 0, MC_VIDEO_FORCE_KEYFRAME) == MC_OK);
    CHECK(mc_video_encoder_next_packet(enc, &pkt) == 1 && pkt.keyframe);
    CHECK(mc_video_decoder_config_default(&dcfg, MC_VIDEO_VP8) == MC_OK);
    CHECK(mc_video_decoder_create(&dcfg, &dec, detail, sizeof(detail)) == MC_OK);
    CHECK(mc_video_decoder_decode(dec, pkt.data, pkt.size, 0) == 1);
    CHECK(mc_video_decoder_frame_rgba(dec, &out) == MC_OK);
    CHECK(back[0] >= 120 && back[0] <= 136 && back[3] == 255);   /* grey comes back grey */
    mc_video_decoder_destroy(dec);
    mc_video_encoder_destroy(enc);
    puts("consumer: ok");
    return 0;
}
