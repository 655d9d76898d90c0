/* audio.c: Opus encoder and decoder over libopus. See audio.h for the contract. */
#include "mediacore/audio.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <opus/opus.h>

#include "base/mc_detail.h"

#define MC_ERRLEN 256
/* 20 ms at 48 kHz, stereo: the largest frame the encoder buffers. */
#define MC_FRAME_MAX_SAMPLES (960 * 2)
/* libopus's recommended output capacity for one packet. */
#define MC_OPUS_MAX_PACKET 4000

static int mc_rate_ok(int32_t rate)
{
    return rate == 8000 || rate == 12000 || rate == 16000 || rate == 24000 || rate == 48000;
}

static int mc_from_opus(int err)
{
    switch (err) {
    case OPUS_BAD_ARG:          return MC_ERANGE;
    case OPUS_BUFFER_TOO_SMALL: return MC_EBUFSIZE;
    case OPUS_INVALID_PACKET:   return MC_EFORMAT;
    case OPUS_UNIMPLEMENTED:    return MC_EUNSUPPORTED;
    case OPUS_ALLOC_FAIL:       return MC_ENOMEM;
    default:                    return MC_ECODEC;
    }
}

static int mc_opus_fail(char *buf, size_t n, int err, const char *what)
{
    return mc_detail(buf, n, mc_from_opus(err), "%s: %s", what, opus_strerror(err));
}

/* ---------------------------------------------------------------------------------- */
/* Encoder                                                                             */

struct mc_audio_encoder {
    mc_audio_encoder_config cfg;
    OpusEncoder *opus;
    int32_t frame;                        /* frames per channel in 20 ms */
    int32_t filled;                       /* frames buffered in pcm */
    int64_t next_sample;                  /* index of the first buffered frame */
    int flushed;
    float pcm[MC_FRAME_MAX_SAMPLES];
    uint8_t packet[MC_OPUS_MAX_PACKET];
    char err[MC_ERRLEN];
};

int mc_audio_encoder_config_default(mc_audio_encoder_config *cfg)
{
    if (cfg == NULL)
        return MC_EINVAL;
    memset(cfg, 0, sizeof(*cfg));
    cfg->sample_rate = 48000;
    cfg->channels = 1;
    cfg->bitrate = 64000;
    cfg->application = MC_OPUS_AUDIO;
    cfg->complexity = 10;
    cfg->fec = 0;
    cfg->packet_loss = 0;
    cfg->dtx = 0;
    return MC_OK;
}

static int mc_audio_config_check(const mc_audio_encoder_config *c, char *err, size_t n)
{
    if (!mc_rate_ok(c->sample_rate))
        return mc_detail(err, n, MC_ERANGE, "sample rate %d: must be 8000, 12000, 16000, 24000 or 48000",
                         (int)c->sample_rate);
    if (c->channels != 1 && c->channels != 2)
        return mc_detail(err, n, MC_ERANGE, "channels %d: must be 1 or 2", (int)c->channels);
    if (c->bitrate < 6000 || c->bitrate > 510000)
        return mc_detail(err, n, MC_ERANGE, "bitrate %d: must be 6000..510000 bits/s", (int)c->bitrate);
    if (c->application < MC_OPUS_VOIP || c->application > MC_OPUS_LOWDELAY)
        return mc_detail(err, n, MC_ERANGE, "application %d: must be voip (0), audio (1) or lowdelay (2)",
                         (int)c->application);
    if (c->complexity < 0 || c->complexity > 10)
        return mc_detail(err, n, MC_ERANGE, "complexity %d: must be 0..10", (int)c->complexity);
    if ((c->fec != 0 && c->fec != 1) || (c->dtx != 0 && c->dtx != 1))
        return mc_detail(err, n, MC_ERANGE, "fec and dtx must be 0 or 1");
    if (c->packet_loss < 0 || c->packet_loss > 100)
        return mc_detail(err, n, MC_ERANGE, "packet loss %d%%: must be 0..100", (int)c->packet_loss);
    return MC_OK;
}

int mc_audio_encoder_create(const mc_audio_encoder_config *cfg, mc_audio_encoder **out,
                            char *detail, size_t detail_size)
{
    static const int apps[] = { OPUS_APPLICATION_VOIP, OPUS_APPLICATION_AUDIO,
                                OPUS_APPLICATION_RESTRICTED_LOWDELAY };
    mc_audio_encoder *enc;
    int err, rc;

    if (out != NULL)
        *out = NULL;
    if (cfg == NULL || out == NULL)
        return mc_detail(detail, detail_size, MC_EINVAL, "config and out must not be NULL");
    if ((rc = mc_audio_config_check(cfg, detail, detail_size)) != MC_OK)
        return rc;
    enc = calloc(1, sizeof(*enc));
    if (enc == NULL)
        return mc_detail(detail, detail_size, MC_ENOMEM, "out of memory for the encoder");
    enc->cfg = *cfg;
    enc->frame = cfg->sample_rate / 50;
    enc->opus = opus_encoder_create(cfg->sample_rate, cfg->channels, apps[cfg->application], &err);
    if (enc->opus == NULL) {
        free(enc);
        return mc_opus_fail(detail, detail_size, err, "opus_encoder_create");
    }
    if ((err = opus_encoder_ctl(enc->opus, OPUS_SET_BITRATE(cfg->bitrate))) != OPUS_OK ||
        (err = opus_encoder_ctl(enc->opus, OPUS_SET_COMPLEXITY(cfg->complexity))) != OPUS_OK ||
        (err = opus_encoder_ctl(enc->opus, OPUS_SET_INBAND_FEC(cfg->fec))) != OPUS_OK ||
        (err = opus_encoder_ctl(enc->opus, OPUS_SET_PACKET_LOSS_PERC(cfg->packet_loss))) != OPUS_OK ||
        (err = opus_encoder_ctl(enc->opus, OPUS_SET_DTX(cfg->dtx))) != OPUS_OK) {
        opus_encoder_destroy(enc->opus);
        free(enc);
        return mc_opus_fail(detail, detail_size, err, "opus_encoder_ctl");
    }
    *out = enc;
    return MC_OK;
}

void mc_audio_encoder_destroy(mc_audio_encoder *enc)
{
    if (enc == NULL)
        return;
    opus_encoder_destroy(enc->opus);
    free(enc);
}

/* Encode the full buffered frame. Returns 1 with a packet, 0 for a DTX frame (nothing to
 * send), or an error. */
static int mc_encode_frame(mc_audio_encoder *enc, mc_audio_packet *pkt)
{
    int64_t first = enc->next_sample;
    opus_int32 n = opus_encode_float(enc->opus, enc->pcm, enc->frame, enc->packet,
                                     (opus_int32)sizeof(enc->packet));

    enc->filled = 0;
    enc->next_sample += enc->frame;
    if (n < 0)
        return mc_opus_fail(enc->err, MC_ERRLEN, n, "opus_encode_float");
    /* With DTX on, a packet of 1-2 bytes means "silence: transmit nothing". */
    if (enc->cfg.dtx && n <= 2)
        return 0;
    pkt->data = enc->packet;
    pkt->size = (size_t)n;
    pkt->pts = first * 1000000 / enc->cfg.sample_rate;
    pkt->duration = MC_AUDIO_FRAME_US;
    return 1;
}

int mc_audio_encoder_encode(mc_audio_encoder *enc, const float *pcm, size_t frames,
                            size_t *consumed, mc_audio_packet *pkt)
{
    size_t used = 0;
    int ch, rc;

    if (consumed != NULL)
        *consumed = 0;
    if (enc == NULL || consumed == NULL || pkt == NULL || (pcm == NULL && frames > 0))
        return enc ? mc_detail(enc->err, MC_ERRLEN, MC_EINVAL, "NULL argument") : MC_EINVAL;
    if (enc->flushed)
        return mc_detail(enc->err, MC_ERRLEN, MC_ESTATE, "the encoder was flushed; create a new one");
    memset(pkt, 0, sizeof(*pkt));
    ch = enc->cfg.channels;
    enc->err[0] = '\0';
    while (used < frames) {
        size_t room = (size_t)(enc->frame - enc->filled);
        size_t take = frames - used < room ? frames - used : room;
        const float *src = pcm + used * (size_t)ch;
        float *dst = enc->pcm + (size_t)enc->filled * (size_t)ch;

        for (size_t i = 0; i < take * (size_t)ch; i++)
            dst[i] = isfinite(src[i]) ? src[i] : 0.0f;
        enc->filled += (int32_t)take;
        used += take;
        if (enc->filled == enc->frame) {
            rc = mc_encode_frame(enc, pkt);
            if (rc != 0) {
                *consumed = used;
                return rc;
            }
        }
    }
    *consumed = used;
    return 0;
}

int mc_audio_encoder_flush(mc_audio_encoder *enc, mc_audio_packet *pkt)
{
    int ch;

    if (enc == NULL || pkt == NULL)
        return MC_EINVAL;
    memset(pkt, 0, sizeof(*pkt));
    if (enc->flushed || enc->filled == 0) {
        enc->flushed = 1;
        return 0;
    }
    enc->flushed = 1;
    ch = enc->cfg.channels;
    memset(enc->pcm + (size_t)enc->filled * (size_t)ch, 0,
           (size_t)(enc->frame - enc->filled) * (size_t)ch * sizeof(float));
    enc->filled = enc->frame;
    return mc_encode_frame(enc, pkt);
}

int mc_audio_encoder_set_bitrate(mc_audio_encoder *enc, int32_t bitrate)
{
    int err;

    if (enc == NULL)
        return MC_EINVAL;
    if (bitrate < 6000 || bitrate > 510000)
        return mc_detail(enc->err, MC_ERRLEN, MC_ERANGE, "bitrate %d: must be 6000..510000 bits/s",
                         (int)bitrate);
    if ((err = opus_encoder_ctl(enc->opus, OPUS_SET_BITRATE(bitrate))) != OPUS_OK)
        return mc_opus_fail(enc->err, MC_ERRLEN, err, "OPUS_SET_BITRATE");
    enc->cfg.bitrate = bitrate;
    enc->err[0] = '\0';
    return MC_OK;
}

int mc_audio_encoder_pre_skip(const mc_audio_encoder *enc)
{
    opus_int32 lookahead = 0;

    if (enc == NULL)
        return MC_EINVAL;
    if (opus_encoder_ctl(enc->opus, OPUS_GET_LOOKAHEAD(&lookahead)) != OPUS_OK)
        return MC_ECODEC;
    /* The lookahead is in the encoder's own rate; pre-skip is always at 48 kHz. */
    return (int)(lookahead * (48000 / enc->cfg.sample_rate));
}

const mc_audio_encoder_config *mc_audio_encoder_config_get(const mc_audio_encoder *enc)
{
    return enc ? &enc->cfg : NULL;
}

const char *mc_audio_encoder_error(const mc_audio_encoder *enc)
{
    return enc ? enc->err : "";
}

/* ---------------------------------------------------------------------------------- */
/* Decoder                                                                             */

struct mc_audio_decoder {
    mc_audio_decoder_config cfg;
    OpusDecoder *opus;
    char err[MC_ERRLEN];
};

int mc_audio_decoder_config_default(mc_audio_decoder_config *cfg)
{
    if (cfg == NULL)
        return MC_EINVAL;
    cfg->sample_rate = 48000;
    cfg->channels = 1;
    return MC_OK;
}

int mc_audio_decoder_create(const mc_audio_decoder_config *cfg, mc_audio_decoder **out,
                            char *detail, size_t detail_size)
{
    mc_audio_decoder *dec;
    int err;

    if (out != NULL)
        *out = NULL;
    if (cfg == NULL || out == NULL)
        return mc_detail(detail, detail_size, MC_EINVAL, "config and out must not be NULL");
    if (!mc_rate_ok(cfg->sample_rate))
        return mc_detail(detail, detail_size, MC_ERANGE,
                         "sample rate %d: must be 8000, 12000, 16000, 24000 or 48000",
                         (int)cfg->sample_rate);
    if (cfg->channels != 1 && cfg->channels != 2)
        return mc_detail(detail, detail_size, MC_ERANGE, "channels %d: must be 1 or 2",
                         (int)cfg->channels);
    dec = calloc(1, sizeof(*dec));
    if (dec == NULL)
        return mc_detail(detail, detail_size, MC_ENOMEM, "out of memory for the decoder");
    dec->cfg = *cfg;
    dec->opus = opus_decoder_create(cfg->sample_rate, cfg->channels, &err);
    if (dec->opus == NULL) {
        free(dec);
        return mc_opus_fail(detail, detail_size, err, "opus_decoder_create");
    }
    *out = dec;
    return MC_OK;
}

void mc_audio_decoder_destroy(mc_audio_decoder *dec)
{
    if (dec == NULL)
        return;
    opus_decoder_destroy(dec->opus);
    free(dec);
}

/* Frames per channel a packet decodes to, checked against the capacity. */
static int mc_packet_frames(mc_audio_decoder *dec, const uint8_t *data, size_t size, size_t capacity)
{
    int n = opus_decoder_get_nb_samples(dec->opus, data, (opus_int32)size);

    if (n < 0)
        return mc_opus_fail(dec->err, MC_ERRLEN, n, "malformed Opus packet");
    if (n == 0)
        return mc_detail(dec->err, MC_ERRLEN, MC_EFORMAT, "malformed Opus packet: no frames");
    if ((size_t)n > capacity)
        return mc_detail(dec->err, MC_ERRLEN, MC_EBUFSIZE,
                         "the packet decodes to %d frames but the buffer holds %zu", n, capacity);
    return n;
}

int mc_audio_decoder_decode(mc_audio_decoder *dec, const uint8_t *data, size_t size,
                            float *pcm, size_t capacity)
{
    int n, frames;

    if (dec == NULL)
        return MC_EINVAL;
    if (pcm == NULL || (data == NULL) != (size == 0))
        return mc_detail(dec->err, MC_ERRLEN, MC_EINVAL,
                         "pcm must not be NULL; data and size must both be set or both 0");
    if (size > 1275 * 48)   /* 120 ms of 1275-byte frames: anything larger is not Opus */
        return mc_detail(dec->err, MC_ERRLEN, MC_EFORMAT, "packet of %zu bytes is too large", size);
    if (data == NULL) {
        opus_int32 last = 0;
        opus_decoder_ctl(dec->opus, OPUS_GET_LAST_PACKET_DURATION(&last));
        frames = last > 0 ? last : dec->cfg.sample_rate / 50;
        if ((size_t)frames > capacity)
            return mc_detail(dec->err, MC_ERRLEN, MC_EBUFSIZE,
                             "concealment needs %d frames but the buffer holds %zu", frames, capacity);
    } else if ((frames = mc_packet_frames(dec, data, size, capacity)) < 0) {
        return frames;
    }
    n = opus_decode_float(dec->opus, data, (opus_int32)size, pcm, frames, 0);
    if (n < 0)
        return mc_opus_fail(dec->err, MC_ERRLEN, n, "opus_decode_float");
    dec->err[0] = '\0';
    return n;
}

int mc_audio_decoder_decode_fec(mc_audio_decoder *dec, const uint8_t *data, size_t size,
                                float *pcm, size_t capacity)
{
    int n, frames;

    if (dec == NULL)
        return MC_EINVAL;
    if (pcm == NULL || data == NULL || size == 0)
        return mc_detail(dec->err, MC_ERRLEN, MC_EINVAL, "pcm and the next packet must be given");
    if (size > 1275 * 48)
        return mc_detail(dec->err, MC_ERRLEN, MC_EFORMAT, "packet of %zu bytes is too large", size);
    /* The lost packet is taken to last as long as the one that carries its FEC. */
    if ((frames = mc_packet_frames(dec, data, size, capacity)) < 0)
        return frames;
    n = opus_decode_float(dec->opus, data, (opus_int32)size, pcm, frames, 1);
    if (n < 0)
        return mc_opus_fail(dec->err, MC_ERRLEN, n, "opus_decode_float (FEC)");
    dec->err[0] = '\0';
    return n;
}

const char *mc_audio_decoder_error(const mc_audio_decoder *dec)
{
    return dec ? dec->err : "";
}
