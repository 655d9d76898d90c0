/* webm_mux.c: the WebM muxer. See webm.h for the contract, ebml.h for the elements. */
#include "mediacore/webm.h"

#include <stdlib.h>
#include <string.h>

#include "mediacore/video.h"   /* mc_video_codec_name() */
#include "base/mc_detail.h"
#include "ebml.h"

#define MC_ERRLEN 256

typedef struct mc_cue {
    int64_t time_ms;
    uint64_t cluster_pos;   /* relative to the Segment's payload */
} mc_cue;

struct mc_webm_muxer {
    mc_webm_muxer_config cfg;
    mc_ebml_buf out;             /* bytes ready for the caller */
    mc_ebml_buf cluster;         /* the cluster being built (seekable mode) */
    mc_ebml_buf hdr;             /* the final header (seekable mode, after finish) */
    int out_taken;          /* out was handed to the caller: empty it on the next call */
    size_t header_len;      /* bytes of the first output piece */
    size_t segment_start;   /* offset of the Segment's payload in the file */
    uint64_t stream_len;    /* bytes output so far, including what is in out */
    int cluster_open;
    int64_t cluster_ms;     /* the open cluster's Timestamp */
    int cluster_keyframe;   /* the open cluster starts with a video keyframe (or audio only) */
    uint64_t cluster_blocks;
    int64_t last_pts[3];    /* per track; -1 before the first packet */
    int64_t end_us;         /* largest pts + duration seen */
    mc_cue *cues;
    size_t ncues, cues_cap;
    int finished;
    char err[MC_ERRLEN];
};

int mc_webm_muxer_config_default(mc_webm_muxer_config *cfg)
{
    if (cfg == NULL)
        return MC_EINVAL;
    memset(cfg, 0, sizeof(*cfg));
    cfg->mode = MC_WEBM_SEEKABLE;
    cfg->video = 1;
    cfg->video_codec = MC_VIDEO_VP8;
    cfg->width = 640;
    cfg->height = 480;
    cfg->audio = 0;
    cfg->sample_rate = 48000;
    cfg->channels = 1;
    cfg->pre_skip = 312;
    cfg->cluster_ms = 5000;
    return MC_OK;
}

static int mc_mux_config_check(const mc_webm_muxer_config *c, char *err, size_t n)
{
    if (c->mode != MC_WEBM_SEEKABLE && c->mode != MC_WEBM_LIVE)
        return mc_detail(err, n, MC_ERANGE, "mode %d: must be seekable (0) or live (1)", (int)c->mode);
    if ((c->video != 0 && c->video != 1) || (c->audio != 0 && c->audio != 1))
        return mc_detail(err, n, MC_ERANGE, "video and audio must be 0 or 1");
    if (!c->video && !c->audio)
        return mc_detail(err, n, MC_EINVAL, "a WebM file needs a video or an audio track");
    if (c->video) {
        if (mc_video_codec_name(c->video_codec) == NULL)
            return mc_detail(err, n, MC_ENAME, "unknown video codec %d", (int)c->video_codec);
        if (c->width < 1 || c->height < 1 || c->width > MC_VIDEO_MAX_DIM || c->height > MC_VIDEO_MAX_DIM)
            return mc_detail(err, n, MC_EDIMENSIONS, "size %dx%d: must be 1..%d",
                             (int)c->width, (int)c->height, MC_VIDEO_MAX_DIM);
    }
    if (c->audio) {
        if (c->sample_rate < 8000 || c->sample_rate > 192000)
            return mc_detail(err, n, MC_ERANGE, "sample rate %d: must be 8000..192000", (int)c->sample_rate);
        if (c->channels != 1 && c->channels != 2)
            return mc_detail(err, n, MC_ERANGE, "channels %d: must be 1 or 2", (int)c->channels);
        if (c->pre_skip < 0 || c->pre_skip > 65535)
            return mc_detail(err, n, MC_ERANGE, "pre-skip %d: must be 0..65535", (int)c->pre_skip);
    }
    if (c->cluster_ms < 100 || c->cluster_ms > 30000)
        return mc_detail(err, n, MC_ERANGE, "cluster length %d ms: must be 100..30000", (int)c->cluster_ms);
    return MC_OK;
}

/* OpusHead (RFC 7845, section 5.1): the Opus track's CodecPrivate. */
static void mc_opus_head(const mc_webm_muxer_config *c, uint8_t head[19])
{
    memcpy(head, "OpusHead", 8);
    head[8] = 1;                                   /* version */
    head[9] = (uint8_t)c->channels;
    head[10] = (uint8_t)(c->pre_skip & 0xFF);      /* little-endian from here on */
    head[11] = (uint8_t)(c->pre_skip >> 8);
    head[12] = (uint8_t)(c->sample_rate & 0xFF);
    head[13] = (uint8_t)((c->sample_rate >> 8) & 0xFF);
    head[14] = (uint8_t)((c->sample_rate >> 16) & 0xFF);
    head[15] = (uint8_t)((uint32_t)c->sample_rate >> 24);
    head[16] = 0;                                  /* output gain */
    head[17] = 0;
    head[18] = 0;                                  /* channel mapping family 0 */
}

/* Write the file's header (EBML header, Segment start, SeekHead, Info, Tracks) into b.
 * The first version (final = 0) has an unknown Segment size and Void placeholders for
 * the Duration and the Cues' SeekHead entry; the final version fills them in with the
 * same number of bytes: the Segment's payload size, and the Cues' position in it
 * (cues_pos, when have_cues). */
static int mc_build_header(mc_webm_muxer *m, mc_ebml_buf *b, int final, uint64_t segment_size,
                           int have_cues, uint64_t cues_pos)
{
    const mc_webm_muxer_config *c = &m->cfg;
    size_t at, seekhead, pos_info, pos_tracks;
    int rc;

    if ((rc = mc_ebml_reserve(b, 1024)) != MC_OK)   /* the header is well under this */
        return rc;
    at = mc_ebml_begin_master(b, ID_EBML, 1);
    mc_ebml_put_uint(b, ID_EBMLVERSION, 1);
    mc_ebml_put_uint(b, ID_EBMLREADVERSION, 1);
    mc_ebml_put_uint(b, ID_EBMLMAXIDLENGTH, 4);
    mc_ebml_put_uint(b, ID_EBMLMAXSIZELENGTH, 8);
    mc_ebml_put_string(b, ID_DOCTYPE, "webm");
    mc_ebml_put_uint(b, ID_DOCTYPEVERSION, 4);             /* CodecDelay and SeekPreRoll are v4 */
    mc_ebml_put_uint(b, ID_DOCTYPEREADVERSION, 2);
    mc_ebml_end_master(b, at, 1);

    mc_ebml_put_id(b, ID_SEGMENT);
    mc_ebml_put_size(b, final ? segment_size : MC_UNKNOWN_SIZE, 8);
    m->segment_start = b->len;

    /* SeekHead: where Info, Tracks and Cues are (positions patched below). */
    seekhead = mc_ebml_begin_master(b, ID_SEEKHEAD, 1);
    at = mc_ebml_begin_master(b, ID_SEEK, 1);
    mc_ebml_put_uint_n(b, ID_SEEKID, ID_INFO, 4);
    mc_ebml_put_id(b, ID_SEEKPOSITION); mc_ebml_put_size(b, 8, 1); pos_info = b->len; mc_ebml_put_be(b, 0, 8);
    mc_ebml_end_master(b, at, 1);
    at = mc_ebml_begin_master(b, ID_SEEK, 1);
    mc_ebml_put_uint_n(b, ID_SEEKID, ID_TRACKS, 4);
    mc_ebml_put_id(b, ID_SEEKPOSITION); mc_ebml_put_size(b, 8, 1); pos_tracks = b->len; mc_ebml_put_be(b, 0, 8);
    mc_ebml_end_master(b, at, 1);
    if (final && have_cues) {
        at = mc_ebml_begin_master(b, ID_SEEK, 1);
        mc_ebml_put_uint_n(b, ID_SEEKID, ID_CUES, 4);
        mc_ebml_put_uint_n(b, ID_SEEKPOSITION, cues_pos, 8);
        mc_ebml_end_master(b, at, 1);
    } else {
        mc_ebml_put_void(b, 2 + 1 + (2 + 1 + 4) + (2 + 1 + 8));
    }
    mc_ebml_end_master(b, seekhead, 1);

    mc_ebml_patch_be(b, pos_info, b->len - m->segment_start, 8);
    at = mc_ebml_begin_master(b, ID_INFO, 1);
    mc_ebml_put_uint(b, ID_TIMESTAMPSCALE, MC_TIMESCALE_NS);
    mc_ebml_put_string(b, ID_MUXINGAPP, "mediacore");
    mc_ebml_put_string(b, ID_WRITINGAPP, "mediacore");
    if (final)
        mc_ebml_put_float(b, ID_DURATION, (double)m->end_us / 1000.0);
    else
        mc_ebml_put_void(b, 2 + 1 + 8);
    mc_ebml_end_master(b, at, 1);

    mc_ebml_patch_be(b, pos_tracks, b->len - m->segment_start, 8);
    at = mc_ebml_begin_master(b, ID_TRACKS, 2);
    if (c->video) {
        size_t entry = mc_ebml_begin_master(b, ID_TRACKENTRY, 1), video;
        mc_ebml_put_uint(b, ID_TRACKNUMBER, MC_WEBM_VIDEO);
        mc_ebml_put_uint(b, ID_TRACKUID, MC_WEBM_VIDEO);
        mc_ebml_put_uint(b, ID_TRACKTYPE, 1);
        mc_ebml_put_uint(b, ID_FLAGLACING, 0);
        mc_ebml_put_string(b, ID_CODECID, c->video_codec == MC_VIDEO_VP8 ? "V_VP8" : "V_VP9");
        video = mc_ebml_begin_master(b, ID_VIDEO, 1);
        mc_ebml_put_uint(b, ID_PIXELWIDTH, (uint64_t)c->width);
        mc_ebml_put_uint(b, ID_PIXELHEIGHT, (uint64_t)c->height);
        mc_ebml_end_master(b, video, 1);
        mc_ebml_end_master(b, entry, 1);
    }
    if (c->audio) {
        size_t entry = mc_ebml_begin_master(b, ID_TRACKENTRY, 1), audio;
        uint8_t head[19];
        mc_opus_head(c, head);
        mc_ebml_put_uint(b, ID_TRACKNUMBER, MC_WEBM_AUDIO);
        mc_ebml_put_uint(b, ID_TRACKUID, MC_WEBM_AUDIO);
        mc_ebml_put_uint(b, ID_TRACKTYPE, 2);
        mc_ebml_put_uint(b, ID_FLAGLACING, 0);
        mc_ebml_put_string(b, ID_CODECID, "A_OPUS");
        mc_ebml_put_binary(b, ID_CODECPRIVATE, head, sizeof(head));
        mc_ebml_put_uint(b, ID_CODECDELAY, (uint64_t)c->pre_skip * 1000000000u / 48000u);
        mc_ebml_put_uint(b, ID_SEEKPREROLL, 80000000u);    /* 80 ms, as RFC 7845 advises */
        audio = mc_ebml_begin_master(b, ID_AUDIO, 1);
        mc_ebml_put_float(b, ID_SAMPLINGFREQUENCY, 48000.0);   /* Opus always decodes at 48 kHz */
        mc_ebml_put_uint(b, ID_CHANNELS, (uint64_t)c->channels);
        mc_ebml_end_master(b, audio, 1);
        mc_ebml_end_master(b, entry, 1);
    }
    mc_ebml_end_master(b, at, 2);
    return MC_OK;
}

int mc_webm_muxer_create(const mc_webm_muxer_config *cfg, mc_webm_muxer **out,
                         char *detail, size_t detail_size)
{
    mc_webm_muxer *m;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (cfg == NULL || out == NULL)
        return mc_detail(detail, detail_size, MC_EINVAL, "config and out must not be NULL");
    if ((rc = mc_mux_config_check(cfg, detail, detail_size)) != MC_OK)
        return rc;
    m = calloc(1, sizeof(*m));
    if (m == NULL)
        return mc_detail(detail, detail_size, MC_ENOMEM, "out of memory for the muxer");
    m->cfg = *cfg;
    m->last_pts[0] = m->last_pts[1] = m->last_pts[2] = -1;
    if (mc_build_header(m, &m->out, 0, 0, 0, 0) != MC_OK) {
        mc_webm_muxer_destroy(m);
        return mc_detail(detail, detail_size, MC_ENOMEM, "out of memory for the header");
    }
    m->header_len = m->out.len;
    m->stream_len = m->out.len;
    *out = m;
    return MC_OK;
}

void mc_webm_muxer_destroy(mc_webm_muxer *mux)
{
    if (mux == NULL)
        return;
    free(mux->out.p);
    free(mux->cluster.p);
    free(mux->hdr.p);
    free(mux->cues);
    free(mux);
}

const char *mc_webm_muxer_error(const mc_webm_muxer *mux)
{
    return mux ? mux->err : "";
}

/* Forget output the caller has taken. */
static void mc_out_release(mc_webm_muxer *m)
{
    if (m->out_taken) {
        m->out.len = 0;
        m->out_taken = 0;
    }
}

/* Move the finished cluster to the output: swap buffers when the output is empty (no
 * copy), append otherwise. Records a cue for it. */
static int mc_close_cluster(mc_webm_muxer *m)
{
    uint64_t pos = m->stream_len - m->segment_start;
    size_t len;
    int rc;

    if (!m->cluster_open)
        return MC_OK;
    if (m->cluster_keyframe) {
        if (m->ncues == m->cues_cap) {
            size_t cap = m->cues_cap ? m->cues_cap * 2 : 64;
            mc_cue *c = realloc(m->cues, cap * sizeof(*c));
            if (c == NULL)
                return MC_ENOMEM;
            m->cues = c;
            m->cues_cap = cap;
        }
    }
    /* Cluster ID (4 bytes) then an 8-byte size, reserved when the cluster was opened. */
    len = m->cluster.len;
    mc_ebml_patch_be(&m->cluster, 4, (len - 12) | (1ull << 56), 8);
    if (m->out.len == 0) {
        mc_ebml_buf t = m->out;
        m->out = m->cluster;
        m->cluster = t;
    } else {
        if ((rc = mc_ebml_reserve(&m->out, len)) != MC_OK)
            return rc;
        mc_ebml_put_bytes(&m->out, m->cluster.p, len);
    }
    m->stream_len += len;
    if (m->cluster_keyframe) {
        m->cues[m->ncues].time_ms = m->cluster_ms;
        m->cues[m->ncues].cluster_pos = pos;
        m->ncues++;
    }
    m->cluster.len = 0;
    m->cluster_open = 0;
    return MC_OK;
}

int mc_webm_muxer_write(mc_webm_muxer *mux, int track, const uint8_t *data, size_t size,
                        int64_t pts, int64_t duration, int keyframe)
{
    mc_webm_muxer *m = mux;
    int64_t ms, rel;
    int need_cluster, rc, width;
    size_t block_len;
    mc_ebml_buf *dst;

    if (m == NULL)
        return MC_EINVAL;
    mc_out_release(m);
    if (m->finished)
        return mc_detail(m->err, MC_ERRLEN, MC_ESTATE, "the muxer is finished");
    if (!((track == MC_WEBM_VIDEO && m->cfg.video) || (track == MC_WEBM_AUDIO && m->cfg.audio)))
        return mc_detail(m->err, MC_ERRLEN, MC_EINVAL, "no track %d in this file", track);
    if (data == NULL || size == 0)
        return mc_detail(m->err, MC_ERRLEN, MC_EINVAL, "empty packet");
    if (size > MC_MAX_PACKET)
        return mc_detail(m->err, MC_ERRLEN, MC_ELIMIT, "packet of %zu bytes exceeds 64 MiB", size);
    if (pts < 0 || pts > (INT64_C(1) << 52) || duration < 0 || duration > (INT64_C(1) << 40))
        return mc_detail(m->err, MC_ERRLEN, MC_ERANGE, "pts %lld us or duration %lld us out of range",
                         (long long)pts, (long long)duration);
    if (pts <= m->last_pts[track])
        return mc_detail(m->err, MC_ERRLEN, MC_ERANGE,
                         "track %d: pts %lld us is not after the previous packet's %lld us",
                         track, (long long)pts, (long long)m->last_pts[track]);
    if (track == MC_WEBM_AUDIO)
        keyframe = 1;
    keyframe = keyframe ? 1 : 0;
    ms = (pts + 500) / 1000;

    /* A new cluster at each video keyframe (so seeking lands on one), when the cluster
     * is long enough, or when the 16-bit relative timestamp would overflow. */
    need_cluster = !m->cluster_open;
    if (m->cluster_open) {
        rel = ms - m->cluster_ms;
        if (rel < -32768)
            return mc_detail(m->err, MC_ERRLEN, MC_ERANGE,
                             "track %d: pts %lld us is over 32 s behind the cluster at %lld ms",
                             track, (long long)pts, (long long)m->cluster_ms);
        if ((track == MC_WEBM_VIDEO && keyframe && m->cluster_blocks > 0) ||
            rel >= m->cfg.cluster_ms || rel > 32767)
            need_cluster = 1;
    }

    width = mc_ebml_size_width(4 + (uint64_t)size);
    block_len = 4 + (size_t)width + 4 + size;
    dst = m->cfg.mode == MC_WEBM_SEEKABLE ? &m->cluster : &m->out;
    if (need_cluster) {
        if (m->cfg.mode == MC_WEBM_SEEKABLE) {
            if ((rc = mc_close_cluster(m)) != MC_OK)
                return mc_detail(m->err, MC_ERRLEN, rc, "out of memory closing a cluster");
            mc_out_release(m);
        }
        if ((rc = mc_ebml_reserve(dst, 12 + 11 + block_len)) != MC_OK)
            return mc_detail(m->err, MC_ERRLEN, rc, "out of memory for a cluster");
        {
            size_t before = dst->len;
            mc_ebml_put_id(dst, ID_CLUSTER);
            mc_ebml_put_size(dst, MC_UNKNOWN_SIZE, 8);   /* seekable mode patches it on close */
            mc_ebml_put_uint(dst, ID_TIMESTAMP, (uint64_t)ms);
            if (m->cfg.mode == MC_WEBM_LIVE)
                m->stream_len += dst->len - before;
        }
        m->cluster_open = 1;
        m->cluster_ms = ms;
        m->cluster_blocks = 0;
        m->cluster_keyframe = m->cfg.video ? (track == MC_WEBM_VIDEO && keyframe) : 1;
    } else if ((rc = mc_ebml_reserve(dst, block_len)) != MC_OK) {
        return mc_detail(m->err, MC_ERRLEN, rc, "out of memory for a block of %zu bytes", size);
    }

    rel = ms - m->cluster_ms;
    mc_ebml_put_id(dst, ID_SIMPLEBLOCK);
    mc_ebml_put_size(dst, 4 + (uint64_t)size, width);
    mc_ebml_put_size(dst, (uint64_t)track, 1);
    mc_ebml_put_be(dst, (uint64_t)(uint16_t)(int16_t)rel, 2);
    dst->p[dst->len++] = keyframe ? 0x80 : 0x00;
    mc_ebml_put_bytes(dst, data, size);
    if (m->cfg.mode == MC_WEBM_LIVE)
        m->stream_len += block_len;

    m->cluster_blocks++;
    m->last_pts[track] = pts;
    if (pts + duration > m->end_us)
        m->end_us = pts + duration;
    m->err[0] = '\0';
    return MC_OK;
}

int mc_webm_muxer_finish(mc_webm_muxer *mux)
{
    mc_webm_muxer *m = mux;
    uint64_t cues_pos;
    int rc;

    if (m == NULL)
        return MC_EINVAL;
    mc_out_release(m);
    if (m->finished)
        return mc_detail(m->err, MC_ERRLEN, MC_ESTATE, "the muxer is finished already");
    if (m->cfg.mode == MC_WEBM_LIVE) {
        m->finished = 1;
        m->err[0] = '\0';
        return MC_OK;
    }
    if ((rc = mc_close_cluster(m)) != MC_OK)
        return mc_detail(m->err, MC_ERRLEN, rc, "out of memory closing the last cluster");
    cues_pos = m->stream_len - m->segment_start;
    if (m->ncues > 0) {
        size_t at, before;
        /* Each CuePoint is at most 2 + 10 + 2 + (3 + 10) bytes. */
        if ((rc = mc_ebml_reserve(&m->out, 8 + m->ncues * 32)) != MC_OK)
            return mc_detail(m->err, MC_ERRLEN, rc, "out of memory for the cues");
        before = m->out.len;
        at = mc_ebml_begin_master(&m->out, ID_CUES, 4);
        for (size_t i = 0; i < m->ncues; i++) {
            size_t point = mc_ebml_begin_master(&m->out, ID_CUEPOINT, 1), tp;
            mc_ebml_put_uint(&m->out, ID_CUETIME, (uint64_t)m->cues[i].time_ms);
            tp = mc_ebml_begin_master(&m->out, ID_CUETRACKPOSITIONS, 1);
            mc_ebml_put_uint(&m->out, ID_CUETRACK, m->cfg.video ? MC_WEBM_VIDEO : MC_WEBM_AUDIO);
            mc_ebml_put_uint(&m->out, ID_CUECLUSTERPOSITION, m->cues[i].cluster_pos);
            mc_ebml_end_master(&m->out, tp, 1);
            mc_ebml_end_master(&m->out, point, 1);
        }
        mc_ebml_end_master(&m->out, at, 4);
        m->stream_len += m->out.len - before;
    }
    m->hdr.len = 0;
    rc = mc_build_header(m, &m->hdr, 1, m->stream_len - m->segment_start, m->ncues > 0, cues_pos);
    if (rc != MC_OK)
        return mc_detail(m->err, MC_ERRLEN, rc, "out of memory for the final header");
    if (m->hdr.len != m->header_len)
        return mc_detail(m->err, MC_ERRLEN, MC_EINTERNAL, "final header is %zu bytes, not %zu",
                         m->hdr.len, m->header_len);
    m->finished = 1;
    m->err[0] = '\0';
    return MC_OK;
}

int mc_webm_muxer_output(mc_webm_muxer *mux, const uint8_t **data, size_t *size)
{
    if (mux == NULL || data == NULL || size == NULL)
        return MC_EINVAL;
    mc_out_release(mux);
    *data = mux->out.p;
    *size = mux->out.len;
    mux->out_taken = 1;
    return MC_OK;
}

int mc_webm_muxer_header(mc_webm_muxer *mux, const uint8_t **data, size_t *size)
{
    if (mux == NULL || data == NULL || size == NULL)
        return MC_EINVAL;
    if (!mux->finished || mux->cfg.mode != MC_WEBM_SEEKABLE)
        return mc_detail(mux->err, MC_ERRLEN, MC_ESTATE,
                         "the final header exists in seekable mode after finish");
    *data = mux->hdr.p;
    *size = mux->hdr.len;
    return MC_OK;
}