/* test_video.c: the VP8/VP9 encoder and decoder: argument validation, quality (PSNR) over
 * 300 synthetic 640x480 frames at 1 Mbps, keyframes on demand, bitrate changes, scaling,
 * size changes, corrupt and truncated packets, and independence of handles. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_test.h"
#include "mediacore/video.h"

#define W 640
#define H 480

/* The synthetic scene (tests/lib/scene.mjs draws the same one): a textured background
 * panning diagonally (two sine gratings and a ripple, like a camera pan over detail), a
 * bright disc moving on a circle, a bar sweeping down, a fine checkerboard patch, and a
 * little per-pixel noise that changes every frame (like a camera sensor's): texture,
 * smooth areas, sharp edges, motion and detail no prediction can remove. RGBA, alpha 255.
 * Integer maths except the sine table, so every implementation draws identical bytes. */
static void scene(uint8_t *rgba, int w, int h, int stride, int t)
{
    static int sine[256];
    int cx = w / 2 + (int)(w / 4 * cos(t * 0.05)), cy = h / 2 + (int)(h / 4 * sin(t * 0.05));
    int r2 = (h / 8) * (h / 8), bar = (t * 3) % h;

    if (sine[64] == 0)
        for (int i = 0; i < 256; i++)
            sine[i] = (int)lround(127.0 * sin(i * 2.0 * M_PI / 256.0));
    for (int y = 0; y < h; y++) {
        uint8_t *p = rgba + (size_t)y * (size_t)stride;
        for (int x = 0; x < w; x++, p += 4) {
            int u = x + 2 * t, v = y + t;
            int tex = sine[(u * 5) & 255] * sine[(v * 7) & 255] / 256 + sine[((u + v) * 3) & 255] / 4;
            int r = 128 + tex + sine[(u / 3) & 255] / 3, g = 128 + tex / 2 + sine[(v / 2) & 255] / 3,
                b = 128 - tex + sine[((u - v) / 4) & 255] / 3;
            unsigned hsh = (unsigned)x * 73856093u ^ (unsigned)y * 19349663u ^ (unsigned)t * 83492791u;
            int dx = x - cx, dy = y - cy, noise;
            hsh ^= hsh >> 13; hsh *= 0x5bd1e995u; hsh ^= hsh >> 15;
            noise = (int)(hsh % 7u) - 3;
            r += noise; g += noise; b += noise;
            if (dx * dx + dy * dy < r2) { r = 240; g = 200; b = 40; }
            if (y >= bar && y < bar + 12) { r = 20; g = 20; b = 200; }
            if (x >= 32 && x < 96 && y >= 32 && y < 96) {
                int c = (((x >> 2) + (y >> 2)) & 1) ? 230 : 30;
                r = g = b = c;
            }
            p[0] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
            p[1] = (uint8_t)(g < 0 ? 0 : g > 255 ? 255 : g);
            p[2] = (uint8_t)(b < 0 ? 0 : b > 255 ? 255 : b);
            p[3] = 255;
        }
    }
}

typedef struct planes {
    uint8_t *buf;
    mc_i420 img;
} planes;

static void planes_alloc(planes *p, int w, int h)
{
    int cw = (w + 1) / 2, ch = (h + 1) / 2;
    p->buf = malloc((size_t)w * h + 2 * (size_t)cw * ch);
    p->img.y = p->buf;
    p->img.u = p->buf + (size_t)w * h;
    p->img.v = p->img.u + (size_t)cw * ch;
    p->img.y_stride = w;
    p->img.u_stride = p->img.v_stride = cw;
    p->img.width = w;
    p->img.height = h;
}

/* Squared error summed over all three planes, and the sample count. */
static void sse_i420(const mc_i420 *a, const mc_i420 *b, double *sse, double *count)
{
    int cw = (a->width + 1) / 2, ch = (a->height + 1) / 2;
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width; x++) {
            double d = a->y[y * a->y_stride + x] - b->y[y * b->y_stride + x];
            *sse += d * d;
        }
    for (int y = 0; y < ch; y++)
        for (int x = 0; x < cw; x++) {
            double du = a->u[y * a->u_stride + x] - b->u[y * b->u_stride + x];
            double dv = a->v[y * a->v_stride + x] - b->v[y * b->v_stride + x];
            *sse += du * du + dv * dv;
        }
    *count += (double)a->width * a->height + 2.0 * cw * ch;
}

static double psnr(double sse, double count)
{
    return sse == 0 ? 99.0 : 10.0 * log10(255.0 * 255.0 * count / sse);
}

static mc_video_encoder *make_encoder(mc_video_codec codec, int w, int h, int bitrate)
{
    mc_video_encoder_config cfg;
    mc_video_encoder *enc = NULL;
    char detail[256] = "";

    mc_video_encoder_config_default(&cfg, codec);
    cfg.width = w;
    cfg.height = h;
    cfg.bitrate = bitrate;
    MC_CHECK_EQ(mc_video_encoder_create(&cfg, &enc, detail, sizeof(detail)), MC_OK);
    if (detail[0])
        fprintf(stderr, "encoder: %s\n", detail);
    return enc;
}

static mc_video_decoder *make_decoder(mc_video_codec codec)
{
    mc_video_decoder_config cfg;
    mc_video_decoder *dec = NULL;

    mc_video_decoder_config_default(&cfg, codec);
    MC_CHECK_EQ(mc_video_decoder_create(&cfg, &dec, NULL, 0), MC_OK);
    return dec;
}

static void test_config_validation(void)
{
    mc_video_encoder_config cfg;
    mc_video_decoder_config dcfg;
    mc_video_encoder *enc = (mc_video_encoder *)1;
    mc_video_decoder *dec = (mc_video_decoder *)1;
    char detail[256];
    mc_video_codec codec;

    MC_CHECK_EQ(mc_video_encoder_config_default(NULL, MC_VIDEO_VP8), MC_EINVAL);
    MC_CHECK_EQ(mc_video_encoder_config_default(&cfg, (mc_video_codec)2), MC_ENAME);
    MC_CHECK_EQ(mc_video_encoder_create(NULL, &enc, NULL, 0), MC_EINVAL);
    MC_CHECK(enc == NULL);

#define BAD(field, value, code, word)                                                    \
    do {                                                                                 \
        mc_video_encoder_config_default(&cfg, MC_VIDEO_VP8);                             \
        cfg.field = value;                                                               \
        detail[0] = 0;                                                                   \
        enc = (mc_video_encoder *)1;                                                     \
        MC_CHECK_EQ(mc_video_encoder_create(&cfg, &enc, detail, sizeof(detail)), code);  \
        MC_CHECK(enc == NULL);                                                           \
        MC_CHECK(strstr(detail, word) != NULL);                                          \
    } while (0)
    BAD(codec, (mc_video_codec)7, MC_ENAME, "codec");
    BAD(width, 0, MC_EDIMENSIONS, "size");
    BAD(height, 16384, MC_EDIMENSIONS, "size");
    BAD(framerate, 0, MC_ERANGE, "framerate");
    BAD(bitrate, 5, MC_ERANGE, "bitrate");
    BAD(rate_control, (mc_rate_control)3, MC_ERANGE, "rate control");
    BAD(keyframe_interval, -1, MC_ERANGE, "keyframe");
    BAD(speed, 17, MC_ERANGE, "speed");
    BAD(speed, 0, MC_ERANGE, "speed");
    BAD(max_quantizer, 64, MC_ERANGE, "quantizers");
    BAD(min_quantizer, 60, MC_ERANGE, "quantizers");
    BAD(error_resilient, 2, MC_ERANGE, "error_resilient");
#undef BAD
    mc_video_encoder_config_default(&cfg, MC_VIDEO_VP9);
    cfg.speed = 10;
    MC_CHECK_EQ(mc_video_encoder_create(&cfg, &enc, NULL, 0), MC_ERANGE);

    MC_CHECK_EQ(mc_video_decoder_config_default(&dcfg, MC_VIDEO_VP9), MC_OK);
    dcfg.max_width = 0;
    MC_CHECK_EQ(mc_video_decoder_create(&dcfg, &dec, detail, sizeof(detail)), MC_EDIMENSIONS);
    MC_CHECK(dec == NULL);
    MC_CHECK_EQ(mc_video_decoder_create(NULL, &dec, NULL, 0), MC_EINVAL);

    MC_CHECK_EQ(mc_video_codec_from_name("vp9", &codec), MC_OK);
    MC_CHECK_EQ(codec, MC_VIDEO_VP9);
    MC_CHECK_EQ(mc_video_codec_from_name("h264", &codec), MC_ENAME);
    MC_CHECK_STR(mc_video_codec_name(MC_VIDEO_VP8), "vp8");
    MC_CHECK(mc_video_codec_name((mc_video_codec)5) == NULL);
    MC_CHECK_EQ(mc_video_codec_available(MC_VIDEO_VP8), 1);
    MC_CHECK_EQ(mc_video_codec_available(MC_VIDEO_VP9), 1);   /* MC_VP9 is ON natively */
    MC_CHECK_EQ(mc_video_codec_available((mc_video_codec)5), 0);

    mc_video_encoder_destroy(NULL);
    mc_video_decoder_destroy(NULL);
    MC_CHECK_STR(mc_video_encoder_error(NULL), "");
}

static void test_encode_rejects_bad_input(void)
{
    mc_video_encoder *enc = make_encoder(MC_VIDEO_VP8, 64, 48, 300000);
    uint8_t rgba[64 * 48 * 4] = { 0 };
    mc_frame f = { rgba, sizeof(rgba), 64, 48, 256 };
    mc_video_packet pkt;

    MC_CHECK_EQ(mc_video_encoder_encode(NULL, &f, 0, 0, 0), MC_EINVAL);
    MC_CHECK_EQ(mc_video_encoder_encode(enc, NULL, 0, 0, 0), MC_EINVAL);
    f.size--;
    MC_CHECK_EQ(mc_video_encoder_encode(enc, &f, 0, 0, 0), MC_EBUFSIZE);
    MC_CHECK(strlen(mc_video_encoder_error(enc)) > 0);
    f.size++;
    MC_CHECK_EQ(mc_video_encoder_encode(enc, &f, 0, 0, 8), MC_ERANGE);
    MC_CHECK_EQ(mc_video_encoder_encode(enc, &f, -5, 0, 0), MC_ERANGE);
    MC_CHECK_EQ(mc_video_encoder_encode(enc, &f, 0, -1, 0), MC_ERANGE);
    MC_CHECK_EQ(mc_video_encoder_encode(enc, &f, 1000, 0, 0), MC_OK);
    MC_CHECK_STR(mc_video_encoder_error(enc), "");
    MC_CHECK_EQ(mc_video_encoder_next_packet(enc, &pkt), 1);
    MC_CHECK_EQ(pkt.keyframe, 1);
    MC_CHECK_EQ(pkt.pts, 1000);
    MC_CHECK_EQ(pkt.duration, 33333);
    MC_CHECK_EQ(mc_video_encoder_next_packet(enc, &pkt), 0);
    /* Time must move forward. */
    MC_CHECK_EQ(mc_video_encoder_encode(enc, &f, 1000, 0, 0), MC_ERANGE);
    MC_CHECK(strstr(mc_video_encoder_error(enc), "not after") != NULL);
    MC_CHECK_EQ(mc_video_encoder_set_bitrate(enc, 1), MC_ERANGE);
    MC_CHECK_EQ(mc_video_encoder_set_bitrate(enc, 200000), MC_OK);
    MC_CHECK_EQ(mc_video_encoder_config_get(enc)->bitrate, 200000);
    /* I420 input with a short stride. */
    {
        uint8_t y[64 * 48], u[32 * 24], v[32 * 24];
        mc_i420 img = { y, u, v, 63, 32, 32, 64, 48 };
        MC_CHECK_EQ(mc_video_encoder_encode_i420(enc, &img, 2000, 0, 0), MC_ESTRIDE);
        img.y_stride = 64;
        memset(y, 100, sizeof(y)); memset(u, 128, sizeof(u)); memset(v, 128, sizeof(v));
        MC_CHECK_EQ(mc_video_encoder_encode_i420(enc, &img, 2000, 0, 0), MC_OK);
        MC_CHECK_EQ(mc_video_encoder_next_packet(enc, &pkt), 1);
    }
    MC_CHECK_EQ(mc_video_encoder_flush(enc), MC_OK);
    while (mc_video_encoder_next_packet(enc, &pkt) == 1) {}
    MC_CHECK_EQ(mc_video_encoder_encode(enc, &f, 5000, 0, 0), MC_ESTATE);
    mc_video_encoder_destroy(enc);
}

/* 300 frames at 640x480, 1 Mbps, 30 fps: decoded against the encoder's own I420 input. */
static void quality_run(mc_video_codec codec)
{
    mc_video_encoder *enc = make_encoder(codec, W, H, 1000000);
    mc_video_decoder *dec = make_decoder(codec);
    uint8_t *rgba = malloc((size_t)W * H * 4);
    planes ref;
    mc_frame f;
    mc_video_packet pkt;
    mc_i420 out;
    mc_video_frame_info info;
    double sse = 0, count = 0, bytes = 0, frame_sse, frame_count, worst = 99;
    int frames = 0, keyframes = 0;

    planes_alloc(&ref, W, H);
    mc_frame_wrap(&f, rgba, (size_t)W * H * 4, W, H, 0);
    for (int t = 0; t < 300; t++) {
        scene(rgba, W, H, W * 4, t);
        MC_CHECK_EQ(mc_rgba_to_i420(&f, &ref.img), MC_OK);
        MC_CHECK_EQ(mc_video_encoder_encode(enc, &f, (int64_t)t * 33333, 33333, 0), MC_OK);
        while (mc_video_encoder_next_packet(enc, &pkt) == 1) {
            bytes += (double)pkt.size;
            keyframes += pkt.keyframe;
            MC_CHECK_EQ(pkt.pts, (int64_t)t * 33333);
            MC_CHECK_EQ(mc_video_decoder_decode(dec, pkt.data, pkt.size, pkt.pts), 1);
            MC_CHECK_EQ(mc_video_decoder_frame(dec, &out, &info), MC_OK);
            MC_CHECK_EQ(info.width, W);
            MC_CHECK_EQ(info.height, H);
            MC_CHECK_EQ(info.size_changed, frames == 0);
            MC_CHECK_EQ(info.keyframe, pkt.keyframe);
            frame_sse = frame_count = 0;
            sse_i420(&ref.img, &out, &frame_sse, &frame_count);
            if (psnr(frame_sse, frame_count) < worst)
                worst = psnr(frame_sse, frame_count);
            sse += frame_sse;
            count += frame_count;
            frames++;
        }
    }
    MC_CHECK_EQ(frames, 300);
    MC_CHECK_EQ(keyframes, 1);
    {
        double kbps = bytes * 8 / 10.0 / 1000.0, p = psnr(sse, count);
        printf("%s: 300 frames, %.0f kbit/s, PSNR %.2f dB (worst frame %.2f)\n",
               mc_video_codec_name(codec), kbps, p, worst);
        MC_CHECK(p >= 35.0);
        MC_CHECK(kbps > 500 && kbps < 1500);   /* CBR near its 1 Mbps target */
    }
    free(rgba);
    free(ref.buf);
    mc_video_decoder_destroy(dec);
    mc_video_encoder_destroy(enc);
}

static void test_quality_vp8(void) { quality_run(MC_VIDEO_VP8); }
static void test_quality_vp9(void) { quality_run(MC_VIDEO_VP9); }

/* Encode n frames of the scene from t0 and return the total size; keyframes counted. */
static size_t encode_some(mc_video_encoder *enc, int w, int h, int t0, int n, int force_at, int *keys)
{
    uint8_t *rgba = malloc((size_t)w * h * 4);
    mc_frame f;
    mc_video_packet pkt;
    size_t total = 0;

    mc_frame_wrap(&f, rgba, (size_t)w * h * 4, w, h, 0);
    for (int t = t0; t < t0 + n; t++) {
        scene(rgba, w, h, w * 4, t);
        MC_CHECK_EQ(mc_video_encoder_encode(enc, &f, (int64_t)t * 33333, 0,
                                            t == force_at ? MC_VIDEO_FORCE_KEYFRAME : 0), MC_OK);
        while (mc_video_encoder_next_packet(enc, &pkt) == 1) {
            total += pkt.size;
            if (pkt.keyframe && keys)
                (*keys)++;
        }
    }
    free(rgba);
    return total;
}

static void test_keyframes_and_bitrate(void)
{
    for (int c = 0; c <= 1; c++) {
        mc_video_encoder *enc = make_encoder((mc_video_codec)c, 320, 240, 150000);
        int keys = 0;
        size_t low, high;

        low = encode_some(enc, 320, 240, 0, 60, 45, &keys);
        MC_CHECK_EQ(keys, 2);                 /* the first frame and the forced one */
        MC_CHECK_EQ(mc_video_encoder_set_bitrate(enc, 1500000), MC_OK);
        keys = 0;
        high = encode_some(enc, 320, 240, 60, 60, -1, &keys);
        MC_CHECK_EQ(keys, 0);
        printf("%s: 150 kbit/s -> %zu bytes, 1.5 Mbit/s -> %zu bytes\n",
               mc_video_codec_name((mc_video_codec)c), low, high);
        MC_CHECK(high > 3 * low);
        mc_video_encoder_destroy(enc);
    }
    /* A keyframe interval of 10 gives a keyframe at least every 10 frames. */
    {
        mc_video_encoder_config cfg;
        mc_video_encoder *enc = NULL;
        int keys = 0;
        mc_video_encoder_config_default(&cfg, MC_VIDEO_VP8);
        cfg.width = 160;
        cfg.height = 120;
        cfg.keyframe_interval = 10;
        MC_CHECK_EQ(mc_video_encoder_create(&cfg, &enc, NULL, 0), MC_OK);
        encode_some(enc, 160, 120, 0, 40, -1, &keys);
        MC_CHECK(keys >= 4);
        mc_video_encoder_destroy(enc);
    }
}

/* Frames of another size are scaled to the configured size. */
static void test_scaling(void)
{
    mc_video_encoder *enc = make_encoder(MC_VIDEO_VP8, 320, 240, 500000);
    mc_video_decoder *dec = make_decoder(MC_VIDEO_VP8);
    uint8_t *big = malloc(640 * 480 * 4), *small = malloc(320 * 240 * 4);
    mc_frame fb, fs;
    mc_video_packet pkt;
    mc_i420 out;
    mc_video_frame_info info;

    mc_frame_wrap(&fb, big, 640 * 480 * 4, 640, 480, 0);
    mc_frame_wrap(&fs, small, 320 * 240 * 4, 320, 240, 0);
    scene(big, 640, 480, 640 * 4, 0);
    MC_CHECK_EQ(mc_video_encoder_encode(enc, &fb, 0, 0, 0), MC_OK);
    MC_CHECK_EQ(mc_video_encoder_next_packet(enc, &pkt), 1);
    MC_CHECK_EQ(mc_video_decoder_decode(dec, pkt.data, pkt.size, 0), 1);
    MC_CHECK_EQ(mc_video_decoder_frame(dec, &out, &info), MC_OK);
    MC_CHECK_EQ(info.width, 320);
    MC_CHECK_EQ(info.height, 240);
    /* Geometry: left half red, right half blue at 640x480 stay so at 320x240. */
    for (int y = 0; y < 480; y++)
        for (int x = 0; x < 640; x++) {
            uint8_t *p = big + (y * 640 + x) * 4;
            p[0] = x < 320 ? 220 : 20; p[1] = 30; p[2] = x < 320 ? 20 : 220; p[3] = 255;
        }
    MC_CHECK_EQ(mc_video_encoder_encode(enc, &fb, 40000, 0, MC_VIDEO_FORCE_KEYFRAME), MC_OK);
    MC_CHECK_EQ(mc_video_encoder_next_packet(enc, &pkt), 1);
    MC_CHECK_EQ(mc_video_decoder_decode(dec, pkt.data, pkt.size, 1), 1);
    MC_CHECK_EQ(mc_video_decoder_frame_rgba(dec, &fs), MC_OK);
    {
        const uint8_t *l = small + (120 * 320 + 80) * 4, *r = small + (120 * 320 + 240) * 4;
        printf("scaled: left %d,%d,%d right %d,%d,%d\n", l[0], l[1], l[2], r[0], r[1], r[2]);
        MC_CHECK(abs(l[0] - 220) < 12 && abs(l[2] - 20) < 12);
        MC_CHECK(abs(r[0] - 20) < 12 && abs(r[2] - 220) < 12);
    }
    /* Odd sizes in and out. */
    {
        mc_video_encoder *odd = make_encoder(MC_VIDEO_VP9, 33, 17, 100000);
        uint8_t px[7 * 5 * 4];
        mc_frame fo;
        memset(px, 200, sizeof(px));
        mc_frame_wrap(&fo, px, sizeof(px), 7, 5, 0);
        MC_CHECK_EQ(mc_video_encoder_encode(odd, &fo, 0, 0, 0), MC_OK);
        MC_CHECK_EQ(mc_video_encoder_next_packet(odd, &pkt), 1);
        mc_video_decoder *d9 = make_decoder(MC_VIDEO_VP9);
        MC_CHECK_EQ(mc_video_decoder_decode(d9, pkt.data, pkt.size, 0), 1);
        MC_CHECK_EQ(mc_video_decoder_frame(d9, &out, &info), MC_OK);
        MC_CHECK_EQ(info.width, 33);
        MC_CHECK_EQ(info.height, 17);
        MC_CHECK(abs(out.y[8 * out.y_stride + 16] - 191) < 6);   /* RGB 200 grey is Y 188..191 */
        mc_video_decoder_destroy(d9);
        mc_video_encoder_destroy(odd);
    }
    free(big);
    free(small);
    mc_video_decoder_destroy(dec);
    mc_video_encoder_destroy(enc);
}

/* Collect n packets (copies) from an encoder of w x h. */
typedef struct stream {
    uint8_t *data[64];
    size_t size[64];
    int key[64];
    int n;
} stream;

static void make_stream(stream *s, mc_video_codec codec, int w, int h, int n, int t0)
{
    mc_video_encoder *enc = make_encoder(codec, w, h, 400000);
    uint8_t *rgba = malloc((size_t)w * h * 4);
    mc_frame f;
    mc_video_packet pkt;

    mc_frame_wrap(&f, rgba, (size_t)w * h * 4, w, h, 0);
    s->n = 0;
    for (int t = 0; t < n; t++) {
        scene(rgba, w, h, w * 4, t0 + t);
        MC_CHECK_EQ(mc_video_encoder_encode(enc, &f, (int64_t)t * 33333, 0,
                                            t == n / 2 ? MC_VIDEO_FORCE_KEYFRAME : 0), MC_OK);
        while (mc_video_encoder_next_packet(enc, &pkt) == 1 && s->n < 64) {
            s->data[s->n] = malloc(pkt.size);
            memcpy(s->data[s->n], pkt.data, pkt.size);
            s->size[s->n] = pkt.size;
            s->key[s->n] = pkt.keyframe;
            s->n++;
        }
    }
    free(rgba);
    mc_video_encoder_destroy(enc);
}

static void free_stream(stream *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->data[i]);
}

/* Corrupt and truncated packets fail; the decoder then waits for a keyframe and recovers. */
static void test_corrupt_and_recover(void)
{
    for (int c = 0; c <= 1; c++) {
        mc_video_codec codec = (mc_video_codec)c;
        mc_video_decoder *dec = make_decoder(codec), *clean = make_decoder(codec);
        stream s;
        mc_i420 a, b;
        uint8_t junk[300];
        unsigned seed = 99;
        int rc, key2 = 20;

        make_stream(&s, codec, 320, 240, 40, 0);
        MC_CHECK_EQ(s.n, 40);
        MC_CHECK(s.key[0] && s.key[key2]);
        /* An inter frame first: nothing to predict from. */
        MC_CHECK_EQ(mc_video_decoder_decode(dec, s.data[1], s.size[1], 0), MC_ESTATE);
        MC_CHECK(strstr(mc_video_decoder_error(dec), "keyframe") != NULL);
        MC_CHECK_EQ(mc_video_decoder_decode(dec, NULL, 0, 0), MC_EINVAL);
        /* Random bytes. */
        for (size_t i = 0; i < sizeof(junk); i++)
            junk[i] = (uint8_t)mc_test_rand(&seed);
        junk[0] &= 0xFE;   /* claims to be a VP8 keyframe */
        rc = mc_video_decoder_decode(dec, junk, sizeof(junk), 0);
        MC_CHECK(rc == MC_EFORMAT);
        MC_CHECK(strlen(mc_video_decoder_error(dec)) > 0);
        MC_CHECK_EQ(mc_video_decoder_frame(dec, &a, NULL), MC_ESTATE);

        for (int i = 0; i < 10; i++) {
            MC_CHECK_EQ(mc_video_decoder_decode(dec, s.data[i], s.size[i], i), 1);
            MC_CHECK_EQ(mc_video_decoder_decode(clean, s.data[i], s.size[i], i), 1);
        }
        /* A truncated inter frame: an error, then inter frames are refused. */
        rc = mc_video_decoder_decode(dec, s.data[10], s.size[10] / 3, 10);
        printf("%s truncated packet: %s (%s)\n", mc_video_codec_name(codec), mc_error_name(rc),
               mc_video_decoder_error(dec));
        MC_CHECK_EQ(rc, MC_EFORMAT);
        MC_CHECK_EQ(mc_video_decoder_decode(dec, s.data[11], s.size[11], 11), MC_ESTATE);
        /* A keyframe with its payload scrambled. */
        {
            uint8_t *bad = malloc(s.size[key2]);
            memcpy(bad, s.data[key2], s.size[key2]);
            for (size_t i = s.size[key2] / 4; i < s.size[key2]; i += 7)
                bad[i] ^= 0x5A;
            bad[s.size[key2] / 2] = 0xFF;
            rc = mc_video_decoder_decode(dec, bad, s.size[key2] / 2, 20);
            printf("%s cut keyframe: %s (%s)\n", mc_video_codec_name(codec), mc_error_name(rc),
                   mc_video_decoder_error(dec));
            MC_CHECK(rc == MC_EFORMAT);
            free(bad);
        }
        for (int i = 10; i < key2; i++)
            mc_video_decoder_decode(clean, s.data[i], s.size[i], i);
        /* The real keyframe and what follows decode exactly as in a clean decoder. */
        for (int i = key2; i < s.n; i++) {
            double sse = 0, n = 0;
            MC_CHECK_EQ(mc_video_decoder_decode(clean, s.data[i], s.size[i], i), 1);
            rc = mc_video_decoder_decode(dec, s.data[i], s.size[i], i);
            MC_CHECK_EQ(rc, 1);
            if (rc != 1) {
                fprintf(stderr, "%s packet %d: %s\n", mc_video_codec_name(codec), i, mc_video_decoder_error(dec));
                continue;
            }
            MC_CHECK_EQ(mc_video_decoder_frame(dec, &a, NULL), MC_OK);
            MC_CHECK_EQ(mc_video_decoder_frame(clean, &b, NULL), MC_OK);
            sse_i420(&a, &b, &sse, &n);
            MC_CHECK(sse == 0);
        }
        free_stream(&s);
        mc_video_decoder_destroy(dec);
        mc_video_decoder_destroy(clean);
    }
}

/* Every truncation and a bit flip in every byte of a short stream: errors or frames,
 * never a crash (ASan watches), and the decoder always recovers at a keyframe. */
static void test_damage_everywhere(void)
{
    for (int c = 0; c <= 1; c++) {
        mc_video_codec codec = (mc_video_codec)c;
        mc_video_decoder *dec = make_decoder(codec);
        stream s;
        mc_i420 img;

        make_stream(&s, codec, 64, 48, 4, 3);
        for (int p = 0; p < 2; p++) {
            for (size_t cut = 1; cut < s.size[p]; cut++) {
                mc_video_decoder_decode(dec, s.data[0], s.size[0], 0);
                mc_video_decoder_decode(dec, s.data[p], cut, 1);
                MC_CHECK_EQ(mc_video_decoder_decode(dec, s.data[0], s.size[0], 2), 1);
            }
            for (size_t i = 0; i < s.size[p]; i++) {
                uint8_t *d = malloc(s.size[p]);
                memcpy(d, s.data[p], s.size[p]);
                d[i] ^= (uint8_t)(1u << (i % 8));
                mc_video_decoder_decode(dec, d, s.size[p], 1);
                free(d);
                MC_CHECK_EQ(mc_video_decoder_decode(dec, s.data[0], s.size[0], 2), 1);
                MC_CHECK_EQ(mc_video_decoder_frame(dec, &img, NULL), MC_OK);
            }
        }
        free_stream(&s);
        mc_video_decoder_destroy(dec);
    }
}

/* A stream that changes size at a keyframe: the decoder reports it. */
static void test_size_change(void)
{
    mc_video_decoder *dec = make_decoder(MC_VIDEO_VP8);
    stream a, b;
    mc_i420 img;
    mc_video_frame_info info;
    mc_video_decoder_config cfg;
    mc_video_decoder *small = NULL;

    make_stream(&a, MC_VIDEO_VP8, 160, 120, 2, 0);
    make_stream(&b, MC_VIDEO_VP8, 96, 64, 2, 0);
    MC_CHECK_EQ(mc_video_decoder_decode(dec, a.data[0], a.size[0], 0), 1);
    mc_video_decoder_frame(dec, &img, &info);
    MC_CHECK(info.size_changed && info.width == 160);
    MC_CHECK_EQ(mc_video_decoder_decode(dec, a.data[1], a.size[1], 1), 1);
    mc_video_decoder_frame(dec, &img, &info);
    MC_CHECK(!info.size_changed);
    MC_CHECK_EQ(mc_video_decoder_decode(dec, b.data[0], b.size[0], 2), 1);
    mc_video_decoder_frame(dec, &img, &info);
    MC_CHECK(info.size_changed && info.width == 96 && info.height == 64);
    /* RGBA output must match the new size. */
    {
        uint8_t px[160 * 120 * 4];
        mc_frame f;
        mc_frame_wrap(&f, px, sizeof(px), 160, 120, 0);
        MC_CHECK_EQ(mc_video_decoder_frame_rgba(dec, &f), MC_EDIMENSIONS);
        mc_frame_wrap(&f, px, sizeof(px), 96, 64, 0);
        MC_CHECK_EQ(mc_video_decoder_frame_rgba(dec, &f), MC_OK);
        MC_CHECK_EQ(px[3], 255);
    }
    /* A configured maximum refuses larger frames. */
    mc_video_decoder_config_default(&cfg, MC_VIDEO_VP8);
    cfg.max_width = 100;
    cfg.max_height = 100;
    MC_CHECK_EQ(mc_video_decoder_create(&cfg, &small, NULL, 0), MC_OK);
    MC_CHECK_EQ(mc_video_decoder_decode(small, a.data[0], a.size[0], 0), MC_EDIMENSIONS);
    MC_CHECK_EQ(mc_video_decoder_decode(small, b.data[0], b.size[0], 0), 1);
    mc_video_decoder_destroy(small);
    free_stream(&a);
    free_stream(&b);
    mc_video_decoder_destroy(dec);
}

/* No global state: two encoders interleaved give the same bytes as each one alone. */
static void test_independent_handles(void)
{
    stream alone;
    mc_video_encoder *e1 = make_encoder(MC_VIDEO_VP9, 160, 120, 400000);
    mc_video_encoder *e2 = make_encoder(MC_VIDEO_VP8, 160, 120, 200000);
    uint8_t *rgba = malloc(160 * 120 * 4), *noise = malloc(160 * 120 * 4);
    mc_frame f, g;
    mc_video_packet pkt;
    unsigned seed = 5;

    make_stream(&alone, MC_VIDEO_VP9, 160, 120, 10, 0);
    for (int i = 0; i < 160 * 120 * 4; i++)
        noise[i] = (uint8_t)mc_test_rand(&seed);
    mc_frame_wrap(&f, rgba, 160 * 120 * 4, 160, 120, 0);
    mc_frame_wrap(&g, noise, 160 * 120 * 4, 160, 120, 0);
    for (int t = 0; t < 10; t++) {
        scene(rgba, 160, 120, 640, t);
        MC_CHECK_EQ(mc_video_encoder_encode(e2, &g, t, 0, 0), MC_OK);
        MC_CHECK_EQ(mc_video_encoder_encode(e1, &f, (int64_t)t * 33333, 0,
                                            t == 5 ? MC_VIDEO_FORCE_KEYFRAME : 0), MC_OK);
        MC_CHECK_EQ(mc_video_encoder_next_packet(e1, &pkt), 1);
        MC_CHECK_EQ(pkt.size, alone.size[t]);
        MC_CHECK(pkt.size == alone.size[t] && memcmp(pkt.data, alone.data[t], pkt.size) == 0);
        MC_CHECK_EQ(mc_video_encoder_next_packet(e2, &pkt), 1);
    }
    free(rgba);
    free(noise);
    free_stream(&alone);
    mc_video_encoder_destroy(e1);
    mc_video_encoder_destroy(e2);
}

static void test_conversions(void)
{
    uint8_t rgba[4 * 2 * 4], back[4 * 2 * 4], y[8], u[2], v[2];
    mc_i420 img = { y, u, v, 4, 2, 2, 4, 2 };
    mc_frame f, fb;

    for (int i = 0; i < 8; i++) {
        rgba[i * 4 + 0] = 255; rgba[i * 4 + 1] = 0; rgba[i * 4 + 2] = 0; rgba[i * 4 + 3] = 255;
    }
    mc_frame_wrap(&f, rgba, sizeof(rgba), 4, 2, 0);
    mc_frame_wrap(&fb, back, sizeof(back), 4, 2, 0);
    MC_CHECK_EQ(mc_rgba_to_i420(&f, &img), MC_OK);
    /* BT.601 limited range red: Y 81..82, U 90, V 240. */
    MC_CHECK(y[0] >= 80 && y[0] <= 83);
    MC_CHECK(abs(u[0] - 90) <= 2 && abs(v[0] - 240) <= 2);
    MC_CHECK_EQ(mc_i420_to_rgba(&img, &fb), MC_OK);
    MC_CHECK(back[0] >= 250 && back[1] <= 5 && back[2] <= 5 && back[3] == 255);
    img.width = 5;
    MC_CHECK_EQ(mc_i420_to_rgba(&img, &fb), MC_ESTRIDE);
    img.width = 2;
    MC_CHECK_EQ(mc_i420_to_rgba(&img, &fb), MC_EDIMENSIONS);
    MC_CHECK_EQ(mc_i420_to_rgba(NULL, &fb), MC_EINVAL);
}

int main(void)
{
    MC_RUN_TEST(test_config_validation);
    MC_RUN_TEST(test_encode_rejects_bad_input);
    MC_RUN_TEST(test_conversions);
    MC_RUN_TEST(test_quality_vp8);
    MC_RUN_TEST(test_quality_vp9);
    MC_RUN_TEST(test_keyframes_and_bitrate);
    MC_RUN_TEST(test_scaling);
    MC_RUN_TEST(test_corrupt_and_recover);
    MC_RUN_TEST(test_damage_everywhere);
    MC_RUN_TEST(test_size_change);
    MC_RUN_TEST(test_independent_handles);
    return mc_test_finish();
}
