/* codecs_native.c: the native side of tools/bench/codecs.mjs. mediacore's own video.c and
 * audio.c, linked either with Debian's libvpx/libopus (their SIMD assembly and run-time CPU
 * detection: the ceiling) or with libvpx's plain C built natively (the C the baseline
 * module runs, compiled for x86-64). Single thread; the same settings as the wasm runs.
 *
 *   codecs_native video <file.y4m> <vp8|vp9> <speed> <bitrate> <rounds>
 *   codecs_native opus <seconds> <channels> <bitrate> <rounds>
 *
 * Prints one JSON line. video: median milliseconds to encode all frames (from I420) and to
 * decode the packets, total bytes, FNV-1a hashes of the packets and of the decoded frames
 * (compared with the wasm runs: the same C gives the same bytes). opus: median
 * milliseconds to encode and to decode the signal.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mediacore/audio.h"
#include "mediacore/video.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static int video(int argc, char **argv)
{
    FILE *f;
    char line[256];
    int w = 0, h = 0, nframes = 0, rounds, speed, bitrate, npk = 0;
    size_t fsize, cap = 0, bytes = 0;
    uint8_t *frames = NULL, **pk;
    size_t *pksz;
    double *enc_ms, *dec_ms;
    uint64_t hpk = 0xcbf29ce484222325ull, hdec = 0xcbf29ce484222325ull;
    mc_video_codec codec;

    if (argc != 7 || mc_video_codec_from_name(argv[3], &codec) != MC_OK) {
        fprintf(stderr, "usage: %s video file.y4m vp8|vp9 speed bitrate rounds\n", argv[0]);
        return 2;
    }
    speed = atoi(argv[4]);
    bitrate = atoi(argv[5]);
    rounds = atoi(argv[6]);
    if ((f = fopen(argv[2], "rb")) == NULL || fgets(line, sizeof(line), f) == NULL) {
        perror(argv[2]);
        return 1;
    }
    for (char *t = strtok(line, " \n"); t; t = strtok(NULL, " \n")) {
        if (t[0] == 'W') w = atoi(t + 1);
        if (t[0] == 'H') h = atoi(t + 1);
    }
    fsize = (size_t)w * h + 2 * (size_t)((w + 1) / 2) * ((h + 1) / 2);
    while (fgets(line, sizeof(line), f) != NULL && strncmp(line, "FRAME", 5) == 0) {
        if ((size_t)(nframes + 1) * fsize > cap) {
            cap = (cap + fsize) * 2;
            frames = realloc(frames, cap);
        }
        if (fread(frames + (size_t)nframes * fsize, 1, fsize, f) != fsize)
            break;
        nframes++;
    }
    fclose(f);
    enc_ms = calloc((size_t)rounds, sizeof(double));
    dec_ms = calloc((size_t)rounds, sizeof(double));
    pk = calloc((size_t)nframes, sizeof(*pk));
    pksz = calloc((size_t)nframes, sizeof(*pksz));

    for (int r = 0; r < rounds; r++) {
        mc_video_encoder_config cfg;
        mc_video_encoder *enc;
        mc_video_decoder_config dcfg;
        mc_video_decoder *dec;
        mc_video_packet p;
        double t0;

        mc_video_encoder_config_default(&cfg, codec);
        cfg.width = w;
        cfg.height = h;
        cfg.speed = speed;
        cfg.bitrate = bitrate;
        if (mc_video_encoder_create(&cfg, &enc, line, sizeof(line)) != MC_OK) {
            fprintf(stderr, "%s\n", line);
            return 1;
        }
        npk = 0;
        t0 = now_ms();
        for (int i = 0; i < nframes; i++) {
            uint8_t *y = frames + (size_t)i * fsize;
            size_t ys = (size_t)w * h, cs = (size_t)((w + 1) / 2) * ((h + 1) / 2);
            mc_i420 img = { y, y + ys, y + ys + cs, w, (w + 1) / 2, (w + 1) / 2, w, h };
            if (mc_video_encoder_encode_i420(enc, &img, (int64_t)i * 33333, 33333, 0) != MC_OK)
                return 1;
            while (mc_video_encoder_next_packet(enc, &p) == 1 && npk < nframes) {
                pk[npk] = realloc(pk[npk], p.size);
                memcpy(pk[npk], p.data, p.size);
                pksz[npk++] = p.size;
            }
        }
        enc_ms[r] = now_ms() - t0;
        mc_video_encoder_destroy(enc);

        mc_video_decoder_config_default(&dcfg, codec);
        mc_video_decoder_create(&dcfg, &dec, NULL, 0);
        t0 = now_ms();
        for (int i = 0; i < npk; i++)
            if (mc_video_decoder_decode(dec, pk[i], pksz[i], i) < 0)
                return 1;
        dec_ms[r] = now_ms() - t0;
        mc_video_decoder_destroy(dec);
    }
    /* Hashes, untimed: the packets, and the decoded frames' planes. */
    {
        mc_video_decoder_config dcfg;
        mc_video_decoder *dec;
        mc_i420 img;
        mc_video_decoder_config_default(&dcfg, codec);
        mc_video_decoder_create(&dcfg, &dec, NULL, 0);
        for (int i = 0; i < npk; i++) {
            hpk = fnv(hpk, pk[i], pksz[i]);
            bytes += pksz[i];
            if (mc_video_decoder_decode(dec, pk[i], pksz[i], i) == 1 &&
                mc_video_decoder_frame(dec, &img, NULL) == MC_OK) {
                for (int yy = 0; yy < img.height; yy++)
                    hdec = fnv(hdec, img.y + (size_t)yy * img.y_stride, (size_t)img.width);
                for (int yy = 0; yy < (img.height + 1) / 2; yy++)
                    hdec = fnv(hdec, img.u + (size_t)yy * img.u_stride, (size_t)(img.width + 1) / 2);
                for (int yy = 0; yy < (img.height + 1) / 2; yy++)
                    hdec = fnv(hdec, img.v + (size_t)yy * img.v_stride, (size_t)(img.width + 1) / 2);
            }
        }
        mc_video_decoder_destroy(dec);
    }
    printf("{\"frames\":%d,\"width\":%d,\"height\":%d,\"encodeMs\":%.3f,\"decodeMs\":%.3f,"
           "\"bytes\":%zu,\"packetHash\":\"%016llx\",\"decodeHash\":\"%016llx\"}\n",
           npk, w, h, median(enc_ms, rounds), median(dec_ms, rounds), bytes,
           (unsigned long long)hpk, (unsigned long long)hdec);
    return 0;
}

/* The bench's test signal (tools/bench/codecs.mjs makes the same): a sweep plus a second
 * tone, stereo with a phase offset. */
static void signal(float *pcm, int n, int channels)
{
    double ph = 0, ph2 = 0;
    for (int i = 0; i < n; i++) {
        ph += 2 * M_PI * (200.0 + 6000.0 * i / n) / 48000;
        ph2 += 2 * M_PI * 440.0 / 48000;
        for (int c = 0; c < channels; c++)
            pcm[i * channels + c] = (float)(0.3 * sin(ph + c) + 0.2 * sin(ph2));
    }
}

static int opus(int argc, char **argv)
{
    int seconds, channels, bitrate, rounds, n, npk = 0;
    float *pcm, *out;
    uint8_t *bytes;
    size_t *sizes, total = 0;
    double *enc_ms, *dec_ms;

    if (argc != 6) {
        fprintf(stderr, "usage: %s opus seconds channels bitrate rounds\n", argv[0]);
        return 2;
    }
    seconds = atoi(argv[2]);
    channels = atoi(argv[3]);
    bitrate = atoi(argv[4]);
    rounds = atoi(argv[5]);
    n = seconds * 48000;
    pcm = malloc(sizeof(float) * (size_t)n * channels);
    out = malloc(sizeof(float) * MC_AUDIO_MAX_PACKET_FRAMES * channels);
    bytes = malloc((size_t)n);
    sizes = calloc((size_t)n / 960 + 2, sizeof(size_t));
    enc_ms = calloc((size_t)rounds, sizeof(double));
    dec_ms = calloc((size_t)rounds, sizeof(double));
    signal(pcm, n, channels);
    for (int r = 0; r < rounds; r++) {
        mc_audio_encoder_config cfg;
        mc_audio_encoder *enc;
        mc_audio_decoder_config dcfg = { 48000, channels };
        mc_audio_decoder *dec;
        mc_audio_packet p;
        size_t used, at = 0;
        double t0;

        mc_audio_encoder_config_default(&cfg);
        cfg.channels = channels;
        cfg.bitrate = bitrate;
        mc_audio_encoder_create(&cfg, &enc, NULL, 0);
        npk = 0;
        total = 0;
        t0 = now_ms();
        for (int i = 0; i < n; i += 128) {   /* AudioWorklet-sized blocks */
            const float *src = pcm + (size_t)i * channels;
            size_t left = (size_t)(n - i < 128 ? n - i : 128);
            while (left > 0) {
                int rc = mc_audio_encoder_encode(enc, src, left, &used, &p);
                if (rc < 0)
                    return 1;
                if (rc == 1) {
                    memcpy(bytes + total, p.data, p.size);
                    sizes[npk++] = p.size;
                    total += p.size;
                }
                src += used * channels;
                left -= used;
            }
        }
        enc_ms[r] = now_ms() - t0;
        mc_audio_encoder_destroy(enc);
        mc_audio_decoder_create(&dcfg, &dec, NULL, 0);
        t0 = now_ms();
        for (int i = 0; i < npk; i++) {
            if (mc_audio_decoder_decode(dec, bytes + at, sizes[i], out, MC_AUDIO_MAX_PACKET_FRAMES) < 0)
                return 1;
            at += sizes[i];
        }
        dec_ms[r] = now_ms() - t0;
        mc_audio_decoder_destroy(dec);
    }
    printf("{\"seconds\":%d,\"packets\":%d,\"bytes\":%zu,\"encodeMs\":%.3f,\"decodeMs\":%.3f}\n",
           seconds, npk, total, median(enc_ms, rounds), median(dec_ms, rounds));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "video") == 0)
        return video(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "opus") == 0)
        return opus(argc, argv);
    fprintf(stderr, "usage: %s video|opus ...\n", argv[0]);
    return 2;
}
