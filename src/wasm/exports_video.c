/* exports_video.c: VP8/VP9 encoder and decoder for the shim (web/lib/codecs.js).
 *
 * Handles are returned as positive addresses, errors as negative MC_E* codes. Configs
 * cross the boundary as int32 arrays in a fixed field order (below; the shim finds each
 * field's index in mc_wasm_video_layout()), so the shim never depends on a C struct's
 * layout, and the defaults live only in C. Results with several values are written to a
 * caller array of doubles (exact for sizes, addresses and microsecond times). Failures leave a readable detail: mc_wasm_video_*_error().
 */
#include <string.h>

#include <emscripten.h>

#include "mediacore/video.h"
#include "layout.h"

/* Encoder config fields, in this order. */
enum {
    VE_CODEC, VE_WIDTH, VE_HEIGHT, VE_FRAMERATE, VE_BITRATE, VE_RATE_CONTROL,
    VE_KEYFRAME_INTERVAL, VE_SPEED, VE_MIN_Q, VE_MAX_Q, VE_ERROR_RESILIENT, VE_FIELDS
};

/** 1 when this module encodes and decodes `codec` (0 vp8, 1 vp9), else 0: a module built
 * with MC_VP9=OFF has VP8 only. The shim's core.features.vp8/vp9 ask this. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_video_codec_available(int codec)
{
    return mc_video_codec_available((mc_video_codec)codec);
}

/* Result slots: where the doubles of a packet and of a decoded frame go. */
enum { VP_DATA, VP_SIZE, VP_PTS, VP_DURATION, VP_KEYFRAME };
enum {
    VF_WIDTH, VF_HEIGHT, VF_PTS, VF_KEYFRAME, VF_SIZE_CHANGED, VF_Y, VF_U, VF_V, VF_Y_STRIDE,
    VF_U_STRIDE, VF_V_STRIDE
};

/* What web/lib/codecs.js reads instead of writing it down (layout.h): the index of each
 * encoder config field, the enum values it takes, and the result slots. */
static const mc_wasm_layout_entry mc_wasm_video_table[] = {
    MC_WASM_CONST("encoder.codec", VE_CODEC),
    MC_WASM_CONST("encoder.width", VE_WIDTH),
    MC_WASM_CONST("encoder.height", VE_HEIGHT),
    MC_WASM_CONST("encoder.framerate", VE_FRAMERATE),
    MC_WASM_CONST("encoder.bitrate", VE_BITRATE),
    MC_WASM_CONST("encoder.rate_control", VE_RATE_CONTROL),
    MC_WASM_CONST("encoder.keyframe_interval", VE_KEYFRAME_INTERVAL),
    MC_WASM_CONST("encoder.speed", VE_SPEED),
    MC_WASM_CONST("encoder.min_quantizer", VE_MIN_Q),
    MC_WASM_CONST("encoder.max_quantizer", VE_MAX_Q),
    MC_WASM_CONST("encoder.error_resilient", VE_ERROR_RESILIENT),
    MC_WASM_CONST("codec.vp8", MC_VIDEO_VP8),
    MC_WASM_CONST("codec.vp9", MC_VIDEO_VP9),
    MC_WASM_CONST("rate_control.cbr", MC_RC_CBR),
    MC_WASM_CONST("rate_control.vbr", MC_RC_VBR),
    MC_WASM_CONST("packet.data", VP_DATA),
    MC_WASM_CONST("packet.size", VP_SIZE),
    MC_WASM_CONST("packet.pts", VP_PTS),
    MC_WASM_CONST("packet.duration", VP_DURATION),
    MC_WASM_CONST("packet.keyframe", VP_KEYFRAME),
    MC_WASM_CONST("frame.width", VF_WIDTH),
    MC_WASM_CONST("frame.height", VF_HEIGHT),
    MC_WASM_CONST("frame.pts", VF_PTS),
    MC_WASM_CONST("frame.keyframe", VF_KEYFRAME),
    MC_WASM_CONST("frame.size_changed", VF_SIZE_CHANGED),
    MC_WASM_CONST("frame.y", VF_Y),
    MC_WASM_CONST("frame.u", VF_U),
    MC_WASM_CONST("frame.v", VF_V),
    MC_WASM_CONST("frame.y_stride", VF_Y_STRIDE),
    MC_WASM_CONST("frame.u_stride", VF_U_STRIDE),
    MC_WASM_CONST("frame.v_stride", VF_V_STRIDE),
    MC_WASM_LAYOUT_END
};

MC_WASM_LAYOUT_EXPORT(video)   /* mc_wasm_video_layout() */

/** Number of encoder config fields (the length of the arrays below). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_video_encoder_fields(void)
{
    return VE_FIELDS;
}

/** Write the defaults for `codec` (0 vp8, 1 vp9) to fields[0, VE_FIELDS). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_video_encoder_defaults(int codec, int32_t *fields)
{
    mc_video_encoder_config c;
    int rc;

    if (fields == NULL)
        return MC_EINVAL;
    if ((rc = mc_video_encoder_config_default(&c, (mc_video_codec)codec)) != MC_OK)
        return rc;
    fields[VE_CODEC] = c.codec;
    fields[VE_WIDTH] = c.width;
    fields[VE_HEIGHT] = c.height;
    fields[VE_FRAMERATE] = c.framerate;
    fields[VE_BITRATE] = c.bitrate;
    fields[VE_RATE_CONTROL] = c.rate_control;
    fields[VE_KEYFRAME_INTERVAL] = c.keyframe_interval;
    fields[VE_SPEED] = c.speed;
    fields[VE_MIN_Q] = c.min_quantizer;
    fields[VE_MAX_Q] = c.max_quantizer;
    fields[VE_ERROR_RESILIENT] = c.error_resilient;
    return MC_OK;
}

/** Create an encoder from `count` (== VE_FIELDS) fields; detail gets the reason on failure. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_video_encoder_create(const int32_t *fields, int count,
                                                      char *detail, int detail_size)
{
    mc_video_encoder_config c;
    mc_video_encoder *enc = NULL;
    int rc;

    if (fields == NULL || count != VE_FIELDS || detail_size < 0)
        return MC_EINVAL;
    memset(&c, 0, sizeof(c));
    c.codec = (mc_video_codec)fields[VE_CODEC];
    c.width = fields[VE_WIDTH];
    c.height = fields[VE_HEIGHT];
    c.framerate = fields[VE_FRAMERATE];
    c.bitrate = fields[VE_BITRATE];
    c.rate_control = (mc_rate_control)fields[VE_RATE_CONTROL];
    c.keyframe_interval = fields[VE_KEYFRAME_INTERVAL];
    c.speed = fields[VE_SPEED];
    c.min_quantizer = fields[VE_MIN_Q];
    c.max_quantizer = fields[VE_MAX_Q];
    c.error_resilient = fields[VE_ERROR_RESILIENT];
    rc = mc_video_encoder_create(&c, &enc, detail, (size_t)detail_size);
    return rc == MC_OK ? (int)(uintptr_t)enc : rc;
}

EMSCRIPTEN_KEEPALIVE void mc_wasm_video_encoder_destroy(mc_video_encoder *enc)
{
    mc_video_encoder_destroy(enc);
}

/** Encode an RGBA frame in module memory. `flags`: 1 forces a keyframe. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_video_encoder_encode(mc_video_encoder *enc, uint8_t *rgba,
                                                      size_t size, int width, int height,
                                                      int stride, double pts, double duration,
                                                      int flags)
{
    mc_frame f = { rgba, size, width, height, stride ? stride : width * 4 };
    return mc_video_encoder_encode(enc, &f, (int64_t)pts, (int64_t)duration, (unsigned)flags);
}

/** Encode a contiguous I420 frame (Y, then U, then V, unpadded) in module memory. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_video_encoder_encode_i420(mc_video_encoder *enc, uint8_t *data,
                                                           size_t size, int width, int height,
                                                           double pts, double duration, int flags)
{
    size_t ys, cs;
    mc_i420 img;

    if (enc == NULL || data == NULL || width < 1 || height < 1 || width > MC_VIDEO_MAX_DIM ||
        height > MC_VIDEO_MAX_DIM)
        return enc == NULL || data == NULL ? MC_EINVAL : MC_EDIMENSIONS;
    ys = (size_t)width * (size_t)height;
    cs = (size_t)((width + 1) / 2) * (size_t)((height + 1) / 2);
    if (size < ys + 2 * cs)
        return MC_EBUFSIZE;
    img.y = data;
    img.u = data + ys;
    img.v = data + ys + cs;
    img.y_stride = width;
    img.u_stride = img.v_stride = (width + 1) / 2;
    img.width = width;
    img.height = height;
    return mc_video_encoder_encode_i420(enc, &img, (int64_t)pts, (int64_t)duration, (unsigned)flags);
}

/**
 * The next packet: out[VP_DATA] address of its bytes (valid until the next call on enc),
 * size, pts, duration, keyframe. Returns 1, 0 (none) or < 0.
 */
EMSCRIPTEN_KEEPALIVE int mc_wasm_video_encoder_next(mc_video_encoder *enc, double *out)
{
    mc_video_packet p;
    int rc;

    if (out == NULL)
        return MC_EINVAL;
    rc = mc_video_encoder_next_packet(enc, &p);
    if (rc == 1) {
        out[VP_DATA] = (double)(uintptr_t)p.data;
        out[VP_SIZE] = (double)p.size;
        out[VP_PTS] = (double)p.pts;
        out[VP_DURATION] = (double)p.duration;
        out[VP_KEYFRAME] = p.keyframe;
    }
    return rc;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_video_encoder_flush(mc_video_encoder *enc)
{
    return mc_video_encoder_flush(enc);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_video_encoder_set_bitrate(mc_video_encoder *enc, int bitrate)
{
    return mc_video_encoder_set_bitrate(enc, bitrate);
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_video_encoder_error(mc_video_encoder *enc)
{
    return mc_video_encoder_error(enc);
}

/* ---------------------------------------------------------------------------------- */

EMSCRIPTEN_KEEPALIVE int mc_wasm_video_decoder_create(int codec, int max_width, int max_height,
                                                      char *detail, int detail_size)
{
    mc_video_decoder_config c;
    mc_video_decoder *dec = NULL;
    int rc;

    if (detail_size < 0)
        return MC_EINVAL;
    if ((rc = mc_video_decoder_config_default(&c, (mc_video_codec)codec)) != MC_OK)
        return rc;
    if (max_width > 0)
        c.max_width = max_width;
    if (max_height > 0)
        c.max_height = max_height;
    rc = mc_video_decoder_create(&c, &dec, detail, (size_t)detail_size);
    return rc == MC_OK ? (int)(uintptr_t)dec : rc;
}

EMSCRIPTEN_KEEPALIVE void mc_wasm_video_decoder_destroy(mc_video_decoder *dec)
{
    mc_video_decoder_destroy(dec);
}

/** Decode a packet in module memory: 1 frame ready, 0 none, < 0 error. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_video_decoder_decode(mc_video_decoder *dec, const uint8_t *data,
                                                      size_t size, double pts)
{
    return mc_video_decoder_decode(dec, data, size, (int64_t)pts);
}

/**
 * The ready frame in out[VF_*]: width, height, pts, keyframe, size changed, the Y, U, V
 * plane addresses (borrowed until the next decode) and their strides.
 */
EMSCRIPTEN_KEEPALIVE int mc_wasm_video_decoder_frame(mc_video_decoder *dec, double *out)
{
    mc_i420 img;
    mc_video_frame_info info;
    int rc;

    if (out == NULL)
        return MC_EINVAL;
    if ((rc = mc_video_decoder_frame(dec, &img, &info)) != MC_OK)
        return rc;
    out[VF_WIDTH] = info.width;
    out[VF_HEIGHT] = info.height;
    out[VF_PTS] = (double)info.pts;
    out[VF_KEYFRAME] = info.keyframe;
    out[VF_SIZE_CHANGED] = info.size_changed;
    out[VF_Y] = (double)(uintptr_t)img.y;
    out[VF_U] = (double)(uintptr_t)img.u;
    out[VF_V] = (double)(uintptr_t)img.v;
    out[VF_Y_STRIDE] = img.y_stride;
    out[VF_U_STRIDE] = img.u_stride;
    out[VF_V_STRIDE] = img.v_stride;
    return MC_OK;
}

/** Convert the ready frame to RGBA in module memory (width x height must match it). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_video_decoder_frame_rgba(mc_video_decoder *dec, uint8_t *rgba,
                                                          size_t size, int width, int height,
                                                          int stride)
{
    mc_frame f = { rgba, size, width, height, stride ? stride : width * 4 };
    return mc_video_decoder_frame_rgba(dec, &f);
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_video_decoder_error(mc_video_decoder *dec)
{
    return mc_video_decoder_error(dec);
}

