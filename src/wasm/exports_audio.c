/* exports_audio.c: Opus encoder and decoder for the shim (web/lib/codecs.js). Same
 * conventions as exports_video.c: handles as positive addresses, configs as int32 arrays
 * in a fixed order, multi-value results in a caller array of doubles. */
#include <string.h>

#include <emscripten.h>

#include "mediacore/audio.h"
#include "layout.h"

/* Encoder config fields, in this order. */
enum {
    AE_SAMPLE_RATE, AE_CHANNELS, AE_BITRATE, AE_APPLICATION, AE_COMPLEXITY, AE_FEC,
    AE_PACKET_LOSS, AE_DTX, AE_FIELDS
};

/* Result slots of encode and flush: frames consumed, then the packet. */
enum { AP_USED, AP_DATA, AP_SIZE, AP_PTS, AP_DURATION };

/* What web/lib/codecs.js reads instead of writing it down (layout.h). */
static const mc_wasm_layout_entry mc_wasm_audio_table[] = {
    MC_WASM_CONST("encoder.sample_rate", AE_SAMPLE_RATE),
    MC_WASM_CONST("encoder.channels", AE_CHANNELS),
    MC_WASM_CONST("encoder.bitrate", AE_BITRATE),
    MC_WASM_CONST("encoder.application", AE_APPLICATION),
    MC_WASM_CONST("encoder.complexity", AE_COMPLEXITY),
    MC_WASM_CONST("encoder.fec", AE_FEC),
    MC_WASM_CONST("encoder.packet_loss", AE_PACKET_LOSS),
    MC_WASM_CONST("encoder.dtx", AE_DTX),
    MC_WASM_CONST("application.voip", MC_OPUS_VOIP),
    MC_WASM_CONST("application.audio", MC_OPUS_AUDIO),
    MC_WASM_CONST("application.lowdelay", MC_OPUS_LOWDELAY),
    MC_WASM_CONST("packet.used", AP_USED),
    MC_WASM_CONST("packet.data", AP_DATA),
    MC_WASM_CONST("packet.size", AP_SIZE),
    MC_WASM_CONST("packet.pts", AP_PTS),
    MC_WASM_CONST("packet.duration", AP_DURATION),
    MC_WASM_LAYOUT_END
};

MC_WASM_LAYOUT_EXPORT(audio)   /* mc_wasm_audio_layout() */

EMSCRIPTEN_KEEPALIVE int mc_wasm_audio_encoder_fields(void)
{
    return AE_FIELDS;
}

/** Write the defaults to fields[0, AE_FIELDS). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_audio_encoder_defaults(int32_t *fields)
{
    mc_audio_encoder_config c;

    if (fields == NULL)
        return MC_EINVAL;
    mc_audio_encoder_config_default(&c);
    fields[AE_SAMPLE_RATE] = c.sample_rate;
    fields[AE_CHANNELS] = c.channels;
    fields[AE_BITRATE] = c.bitrate;
    fields[AE_APPLICATION] = c.application;
    fields[AE_COMPLEXITY] = c.complexity;
    fields[AE_FEC] = c.fec;
    fields[AE_PACKET_LOSS] = c.packet_loss;
    fields[AE_DTX] = c.dtx;
    return MC_OK;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_audio_encoder_create(const int32_t *fields, int count,
                                                      char *detail, int detail_size)
{
    mc_audio_encoder_config c;
    mc_audio_encoder *enc = NULL;
    int rc;

    if (fields == NULL || count != AE_FIELDS || detail_size < 0)
        return MC_EINVAL;
    memset(&c, 0, sizeof(c));
    c.sample_rate = fields[AE_SAMPLE_RATE];
    c.channels = fields[AE_CHANNELS];
    c.bitrate = fields[AE_BITRATE];
    c.application = (mc_audio_application)fields[AE_APPLICATION];
    c.complexity = fields[AE_COMPLEXITY];
    c.fec = fields[AE_FEC];
    c.packet_loss = fields[AE_PACKET_LOSS];
    c.dtx = fields[AE_DTX];
    rc = mc_audio_encoder_create(&c, &enc, detail, (size_t)detail_size);
    return rc == MC_OK ? (int)(uintptr_t)enc : rc;
}

EMSCRIPTEN_KEEPALIVE void mc_wasm_audio_encoder_destroy(mc_audio_encoder *enc)
{
    mc_audio_encoder_destroy(enc);
}

static void mc_packet_out(const mc_audio_packet *p, double *out)
{
    out[AP_DATA] = (double)(uintptr_t)p->data;
    out[AP_SIZE] = (double)p->size;
    out[AP_PTS] = (double)p->pts;
    out[AP_DURATION] = (double)p->duration;
}

/**
 * Feed up to `frames` frames of interleaved float PCM in module memory. out[AP_USED]
 * frames consumed; when the result is 1, out[AP_DATA] packet address (valid until the
 * next call on enc), then size, pts, duration. Returns 1, 0 or < 0.
 */
EMSCRIPTEN_KEEPALIVE int mc_wasm_audio_encoder_encode(mc_audio_encoder *enc, const float *pcm,
                                                      size_t frames, double *out)
{
    mc_audio_packet p;
    size_t used = 0;
    int rc;

    if (out == NULL)
        return MC_EINVAL;
    rc = mc_audio_encoder_encode(enc, pcm, frames, &used, &p);
    out[AP_USED] = (double)used;
    if (rc == 1)
        mc_packet_out(&p, out);
    return rc;
}

/** Encode what is buffered, padded with silence; out as for encode. Returns 1, 0 or < 0. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_audio_encoder_flush(mc_audio_encoder *enc, double *out)
{
    mc_audio_packet p;
    int rc;

    if (out == NULL)
        return MC_EINVAL;
    rc = mc_audio_encoder_flush(enc, &p);
    out[AP_USED] = 0;
    if (rc == 1)
        mc_packet_out(&p, out);
    return rc;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_audio_encoder_set_bitrate(mc_audio_encoder *enc, int bitrate)
{
    return mc_audio_encoder_set_bitrate(enc, bitrate);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_audio_encoder_pre_skip(mc_audio_encoder *enc)
{
    return mc_audio_encoder_pre_skip(enc);
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_audio_encoder_error(mc_audio_encoder *enc)
{
    return mc_audio_encoder_error(enc);
}

/* ---------------------------------------------------------------------------------- */

EMSCRIPTEN_KEEPALIVE int mc_wasm_audio_decoder_create(int sample_rate, int channels,
                                                      char *detail, int detail_size)
{
    mc_audio_decoder_config c;
    mc_audio_decoder *dec = NULL;
    int rc;

    if (detail_size < 0)
        return MC_EINVAL;
    c.sample_rate = sample_rate;
    c.channels = channels;
    rc = mc_audio_decoder_create(&c, &dec, detail, (size_t)detail_size);
    return rc == MC_OK ? (int)(uintptr_t)dec : rc;
}

EMSCRIPTEN_KEEPALIVE void mc_wasm_audio_decoder_destroy(mc_audio_decoder *dec)
{
    mc_audio_decoder_destroy(dec);
}

/** Decode a packet (data 0 and size 0: conceal a lost one) into `capacity` frames of pcm. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_audio_decoder_decode(mc_audio_decoder *dec, const uint8_t *data,
                                                      size_t size, float *pcm, size_t capacity)
{
    return mc_audio_decoder_decode(dec, data, size, pcm, capacity);
}

/** Rebuild the lost packet before `data` from its FEC. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_audio_decoder_decode_fec(mc_audio_decoder *dec, const uint8_t *data,
                                                          size_t size, float *pcm, size_t capacity)
{
    return mc_audio_decoder_decode_fec(dec, data, size, pcm, capacity);
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_audio_decoder_error(mc_audio_decoder *dec)
{
    return mc_audio_decoder_error(dec);
}
