/* exports_webm.c: the WebM muxer and demuxer for the shim (web/lib/webm.js). Same
 * conventions as exports_video.c. */
#include <string.h>

#include <emscripten.h>

#include "mediacore/webm.h"
#include "layout.h"

/* Muxer config fields, in this order. */
enum {
    WM_MODE, WM_VIDEO, WM_VIDEO_CODEC, WM_WIDTH, WM_HEIGHT, WM_AUDIO, WM_SAMPLE_RATE,
    WM_CHANNELS, WM_PRE_SKIP, WM_CLUSTER_MS, WM_FIELDS
};

/* Result slots: muxer output and header; demuxer info; a demuxed frame. */
enum { WO_DATA, WO_SIZE };
enum {
    WI_DURATION, WI_VIDEO, WI_VIDEO_CODEC, WI_WIDTH, WI_HEIGHT, WI_AUDIO, WI_SAMPLE_RATE,
    WI_CHANNELS, WI_PRE_SKIP, WI_CODEC_PRIVATE, WI_CODEC_PRIVATE_SIZE
};
enum { WF_TRACK, WF_DATA, WF_SIZE, WF_PTS, WF_DURATION, WF_KEYFRAME };

/* What web/lib/webm.js reads instead of writing it down (layout.h): the index of each
 * muxer config field, the modes, the track kinds and the result slots. */
static const mc_wasm_layout_entry mc_wasm_webm_table[] = {
    MC_WASM_CONST("muxer.mode", WM_MODE),
    MC_WASM_CONST("muxer.video", WM_VIDEO),
    MC_WASM_CONST("muxer.video_codec", WM_VIDEO_CODEC),
    MC_WASM_CONST("muxer.width", WM_WIDTH),
    MC_WASM_CONST("muxer.height", WM_HEIGHT),
    MC_WASM_CONST("muxer.audio", WM_AUDIO),
    MC_WASM_CONST("muxer.sample_rate", WM_SAMPLE_RATE),
    MC_WASM_CONST("muxer.channels", WM_CHANNELS),
    MC_WASM_CONST("muxer.pre_skip", WM_PRE_SKIP),
    MC_WASM_CONST("muxer.cluster_ms", WM_CLUSTER_MS),
    MC_WASM_CONST("mode.seekable", MC_WEBM_SEEKABLE),
    MC_WASM_CONST("mode.live", MC_WEBM_LIVE),
    MC_WASM_CONST("track.video", MC_WEBM_VIDEO),
    MC_WASM_CONST("track.audio", MC_WEBM_AUDIO),
    MC_WASM_CONST("output.data", WO_DATA),
    MC_WASM_CONST("output.size", WO_SIZE),
    MC_WASM_CONST("info.duration", WI_DURATION),
    MC_WASM_CONST("info.video", WI_VIDEO),
    MC_WASM_CONST("info.video_codec", WI_VIDEO_CODEC),
    MC_WASM_CONST("info.width", WI_WIDTH),
    MC_WASM_CONST("info.height", WI_HEIGHT),
    MC_WASM_CONST("info.audio", WI_AUDIO),
    MC_WASM_CONST("info.sample_rate", WI_SAMPLE_RATE),
    MC_WASM_CONST("info.channels", WI_CHANNELS),
    MC_WASM_CONST("info.pre_skip", WI_PRE_SKIP),
    MC_WASM_CONST("info.codec_private", WI_CODEC_PRIVATE),
    MC_WASM_CONST("info.codec_private_size", WI_CODEC_PRIVATE_SIZE),
    MC_WASM_CONST("frame.track", WF_TRACK),
    MC_WASM_CONST("frame.data", WF_DATA),
    MC_WASM_CONST("frame.size", WF_SIZE),
    MC_WASM_CONST("frame.pts", WF_PTS),
    MC_WASM_CONST("frame.duration", WF_DURATION),
    MC_WASM_CONST("frame.keyframe", WF_KEYFRAME),
    MC_WASM_LAYOUT_END
};

MC_WASM_LAYOUT_EXPORT(webm)   /* mc_wasm_webm_layout() */

EMSCRIPTEN_KEEPALIVE int mc_wasm_webm_muxer_fields(void)
{
    return WM_FIELDS;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_webm_muxer_defaults(int32_t *fields)
{
    mc_webm_muxer_config c;

    if (fields == NULL)
        return MC_EINVAL;
    mc_webm_muxer_config_default(&c);
    fields[WM_MODE] = c.mode;
    fields[WM_VIDEO] = c.video;
    fields[WM_VIDEO_CODEC] = c.video_codec;
    fields[WM_WIDTH] = c.width;
    fields[WM_HEIGHT] = c.height;
    fields[WM_AUDIO] = c.audio;
    fields[WM_SAMPLE_RATE] = c.sample_rate;
    fields[WM_CHANNELS] = c.channels;
    fields[WM_PRE_SKIP] = c.pre_skip;
    fields[WM_CLUSTER_MS] = c.cluster_ms;
    return MC_OK;
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_webm_muxer_create(const int32_t *fields, int count,
                                                   char *detail, int detail_size)
{
    mc_webm_muxer_config c;
    mc_webm_muxer *m = NULL;
    int rc;

    if (fields == NULL || count != WM_FIELDS || detail_size < 0)
        return MC_EINVAL;
    memset(&c, 0, sizeof(c));
    c.mode = (mc_webm_mode)fields[WM_MODE];
    c.video = fields[WM_VIDEO];
    c.video_codec = (mc_video_codec)fields[WM_VIDEO_CODEC];
    c.width = fields[WM_WIDTH];
    c.height = fields[WM_HEIGHT];
    c.audio = fields[WM_AUDIO];
    c.sample_rate = fields[WM_SAMPLE_RATE];
    c.channels = fields[WM_CHANNELS];
    c.pre_skip = fields[WM_PRE_SKIP];
    c.cluster_ms = fields[WM_CLUSTER_MS];
    rc = mc_webm_muxer_create(&c, &m, detail, (size_t)detail_size);
    return rc == MC_OK ? (int)(uintptr_t)m : rc;
}

EMSCRIPTEN_KEEPALIVE void mc_wasm_webm_muxer_destroy(mc_webm_muxer *m)
{
    mc_webm_muxer_destroy(m);
}

/** Add a packet in module memory (for example an encoder's borrowed packet, as it is). */
EMSCRIPTEN_KEEPALIVE int mc_wasm_webm_muxer_write(mc_webm_muxer *m, int track, const uint8_t *data,
                                                  size_t size, double pts, double duration,
                                                  int keyframe)
{
    return mc_webm_muxer_write(m, track, data, size, (int64_t)pts, (int64_t)duration, keyframe);
}

EMSCRIPTEN_KEEPALIVE int mc_wasm_webm_muxer_finish(mc_webm_muxer *m)
{
    return mc_webm_muxer_finish(m);
}

/** Pending output: out[WO_DATA] address (valid until the next call on m), out[WO_SIZE] size. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_webm_muxer_output(mc_webm_muxer *m, double *out)
{
    const uint8_t *p = NULL;
    size_t n = 0;
    int rc;

    if (out == NULL)
        return MC_EINVAL;
    rc = mc_webm_muxer_output(m, &p, &n);
    out[WO_DATA] = (double)(uintptr_t)p;
    out[WO_SIZE] = (double)n;
    return rc;
}

/** The final header (seekable mode, after finish): out[WO_DATA] address, out[WO_SIZE] size. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_webm_muxer_header(mc_webm_muxer *m, double *out)
{
    const uint8_t *p = NULL;
    size_t n = 0;
    int rc;

    if (out == NULL)
        return MC_EINVAL;
    rc = mc_webm_muxer_header(m, &p, &n);
    out[WO_DATA] = (double)(uintptr_t)p;
    out[WO_SIZE] = (double)n;
    return rc;
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_webm_muxer_error(mc_webm_muxer *m)
{
    return mc_webm_muxer_error(m);
}

/* ---------------------------------------------------------------------------------- */

/** A demuxer over the file at data[0, size) in module memory, borrowed until destroy. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_webm_demuxer_create(const uint8_t *data, size_t size,
                                                     char *detail, int detail_size)
{
    mc_webm_demuxer *d = NULL;
    int rc;

    if (detail_size < 0)
        return MC_EINVAL;
    rc = mc_webm_demuxer_create(data, size, &d, detail, (size_t)detail_size);
    return rc == MC_OK ? (int)(uintptr_t)d : rc;
}

EMSCRIPTEN_KEEPALIVE void mc_wasm_webm_demuxer_destroy(mc_webm_demuxer *d)
{
    mc_webm_demuxer_destroy(d);
}

/**
 * out[WI_*]: duration (us, -1 unknown), video track, video codec, width, height, audio
 * track, sample rate, channels, pre-skip, CodecPrivate address and its size.
 */
EMSCRIPTEN_KEEPALIVE int mc_wasm_webm_demuxer_info(mc_webm_demuxer *d, double *out)
{
    mc_webm_info i;
    int rc;

    if (out == NULL)
        return MC_EINVAL;
    if ((rc = mc_webm_demuxer_info(d, &i)) != MC_OK)
        return rc;
    out[WI_DURATION] = (double)i.duration;
    out[WI_VIDEO] = i.video_track;
    out[WI_VIDEO_CODEC] = i.video_codec;
    out[WI_WIDTH] = i.width;
    out[WI_HEIGHT] = i.height;
    out[WI_AUDIO] = i.audio_track;
    out[WI_SAMPLE_RATE] = i.sample_rate;
    out[WI_CHANNELS] = i.channels;
    out[WI_PRE_SKIP] = i.pre_skip;
    out[WI_CODEC_PRIVATE] = (double)(uintptr_t)i.codec_private;
    out[WI_CODEC_PRIVATE_SIZE] = (double)i.codec_private_size;
    return MC_OK;
}

/** Next frame in out[WF_*]: track kind (MC_WEBM_VIDEO/AUDIO), address, size, pts,
 *  duration, keyframe. Returns 1, 0 (end) or < 0. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_webm_demuxer_next(mc_webm_demuxer *d, double *out)
{
    mc_webm_packet p;
    int rc;

    if (out == NULL)
        return MC_EINVAL;
    rc = mc_webm_demuxer_next(d, &p);
    if (rc == 1) {
        out[WF_TRACK] = p.track;
        out[WF_DATA] = (double)(uintptr_t)p.data;
        out[WF_SIZE] = (double)p.size;
        out[WF_PTS] = (double)p.pts;
        out[WF_DURATION] = (double)p.duration;
        out[WF_KEYFRAME] = p.keyframe;
    }
    return rc;
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_webm_demuxer_error(mc_webm_demuxer *d)
{
    return mc_webm_demuxer_error(d);
}
