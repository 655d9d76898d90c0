/* webm.c: the WebM muxer and demuxer. See webm.h for the contract.
 *
 * EBML in brief: every element is an ID (1-4 bytes, marker bits kept), a size as a
 * variable-length integer (1-8 bytes; the length is 1 + the number of leading zero bits
 * of the first byte; all value bits set means "unknown size") and the payload. Matroska
 * element IDs and semantics: https://www.matroska.org/technical/elements.html, the WebM
 * subset: https://www.webmproject.org/docs/container/.
 */
#include "mediacore/webm.h"

#include <stdlib.h>
#include <string.h>

#include "base/mc_detail.h"

#define MC_ERRLEN 256

/* Element IDs (with their marker bits, as they appear in the file). */
enum {
    ID_EBML = 0x1A45DFA3, ID_EBMLVERSION = 0x4286, ID_EBMLREADVERSION = 0x42F7,
    ID_EBMLMAXIDLENGTH = 0x42F2, ID_EBMLMAXSIZELENGTH = 0x42F3, ID_DOCTYPE = 0x4282,
    ID_DOCTYPEVERSION = 0x4287, ID_DOCTYPEREADVERSION = 0x4285,
    ID_SEGMENT = 0x18538067, ID_SEEKHEAD = 0x114D9B74, ID_SEEK = 0x4DBB, ID_SEEKID = 0x53AB,
    ID_SEEKPOSITION = 0x53AC, ID_VOID = 0xEC, ID_CRC32 = 0xBF,
    ID_INFO = 0x1549A966, ID_TIMESTAMPSCALE = 0x2AD7B1, ID_DURATION = 0x4489,
    ID_MUXINGAPP = 0x4D80, ID_WRITINGAPP = 0x5741,
    ID_TRACKS = 0x1654AE6B, ID_TRACKENTRY = 0xAE, ID_TRACKNUMBER = 0xD7, ID_TRACKUID = 0x73C5,
    ID_TRACKTYPE = 0x83, ID_FLAGLACING = 0x9C, ID_CODECID = 0x86, ID_CODECPRIVATE = 0x63A2,
    ID_CODECDELAY = 0x56AA, ID_SEEKPREROLL = 0x56BB, ID_DEFAULTDURATION = 0x23E383,
    ID_CONTENTENCODINGS = 0x6D80,
    ID_VIDEO = 0xE0, ID_PIXELWIDTH = 0xB0, ID_PIXELHEIGHT = 0xBA,
    ID_AUDIO = 0xE1, ID_SAMPLINGFREQUENCY = 0xB5, ID_CHANNELS = 0x9F,
    ID_CLUSTER = 0x1F43B675, ID_TIMESTAMP = 0xE7, ID_SIMPLEBLOCK = 0xA3, ID_BLOCKGROUP = 0xA0,
    ID_BLOCK = 0xA1, ID_BLOCKDURATION = 0x9B, ID_REFERENCEBLOCK = 0xFB,
    ID_CUES = 0x1C53BB6B, ID_CUEPOINT = 0xBB, ID_CUETIME = 0xB3, ID_CUETRACKPOSITIONS = 0xB7,
    ID_CUETRACK = 0xF7, ID_CUECLUSTERPOSITION = 0xF1,
    ID_TAGS = 0x1254C367, ID_CHAPTERS = 0x1043A770, ID_ATTACHMENTS = 0x1941A469
};

#define MC_UNKNOWN_SIZE 0x00FFFFFFFFFFFFFFull   /* 8-byte vint with every value bit set */
#define MC_MAX_PACKET (64u << 20)
#define MC_TIMESCALE_NS 1000000                 /* one tick is 1 ms */

/* ---------------------------------------------------------------------------------- */
/* Writing                                                                             */

typedef struct mc_buf {
    uint8_t *p;
    size_t len, cap;
} mc_buf;

/* Make room for `extra` more bytes; the only place the muxer allocates. */
static int mc_buf_reserve(mc_buf *b, size_t extra)
{
    size_t need = b->len + extra, cap;
    uint8_t *p;

    if (need <= b->cap)
        return MC_OK;
    if (need < b->len)
        return MC_ENOMEM;
    cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->p, cap);
    if (p == NULL)
        return MC_ENOMEM;
    b->p = p;
    b->cap = cap;
    return MC_OK;
}

/* The put_* helpers write into reserved space only: callers reserve first. */
static void put_bytes(mc_buf *b, const void *p, size_t n)
{
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put_be(mc_buf *b, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--)
        b->p[b->len++] = (uint8_t)(v >> (8 * i));
}

static void put_id(mc_buf *b, uint32_t id)
{
    put_be(b, id, id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1);
}

/* A size as a vint of exactly `width` bytes. */
static void put_size(mc_buf *b, uint64_t size, int width)
{
    put_be(b, size | (1ull << (7 * width)), width);
}

/* Fewest bytes a size needs as a vint (the all-ones value is reserved). */
static int size_width(uint64_t v)
{
    int w = 1;
    while (w < 8 && v >= (1ull << (7 * w)) - 1)
        w++;
    return w;
}

static int uint_width(uint64_t v)
{
    int n = 1;
    while (n < 8 && (v >> (8 * n)) != 0)
        n++;
    return n;
}

static void put_uint_n(mc_buf *b, uint32_t id, uint64_t v, int n)
{
    put_id(b, id);
    put_size(b, (uint64_t)n, 1);
    put_be(b, v, n);
}

static void put_uint(mc_buf *b, uint32_t id, uint64_t v)
{
    put_uint_n(b, id, v, uint_width(v));
}

static void put_float(mc_buf *b, uint32_t id, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    put_uint_n(b, id, bits, 8);
}

static void put_binary(mc_buf *b, uint32_t id, const void *p, size_t n)
{
    put_id(b, id);
    put_size(b, n, size_width(n));
    put_bytes(b, p, n);
}

static void put_string(mc_buf *b, uint32_t id, const char *s)
{
    put_binary(b, id, s, strlen(s));
}

/* A Void element of exactly `total` (2..128) bytes: a placeholder rewritten later. */
static void put_void(mc_buf *b, size_t total)
{
    put_id(b, ID_VOID);
    put_size(b, total - 2, 1);
    memset(b->p + b->len, 0, total - 2);
    b->len += total - 2;
}

/* Master elements: begin writes the ID and a `width`-byte size placeholder, end fills it. */
static size_t begin_master(mc_buf *b, uint32_t id, int width)
{
    size_t at;
    put_id(b, id);
    at = b->len;
    b->len += (size_t)width;
    return at;
}

static void end_master(mc_buf *b, size_t at, int width)
{
    size_t end = b->len;
    b->len = at;
    put_size(b, end - at - (size_t)width, width);
    b->len = end;
}

static void patch_be(mc_buf *b, size_t at, uint64_t v, int n)
{
    size_t end = b->len;
    b->len = at;
    put_be(b, v, n);
    b->len = end;
}

/* ---------------------------------------------------------------------------------- */
/* Muxer                                                                               */

typedef struct mc_cue {
    int64_t time_ms;
    uint64_t cluster_pos;   /* relative to the Segment's payload */
} mc_cue;

struct mc_webm_muxer {
    mc_webm_muxer_config cfg;
    mc_buf out;             /* bytes ready for the caller */
    mc_buf cluster;         /* the cluster being built (seekable mode) */
    mc_buf hdr;             /* the final header (seekable mode, after finish) */
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
static int mc_build_header(mc_webm_muxer *m, mc_buf *b, int final, uint64_t segment_size,
                           int have_cues, uint64_t cues_pos)
{
    const mc_webm_muxer_config *c = &m->cfg;
    size_t at, seekhead, pos_info, pos_tracks;
    int rc;

    if ((rc = mc_buf_reserve(b, 1024)) != MC_OK)   /* the header is well under this */
        return rc;
    at = begin_master(b, ID_EBML, 1);
    put_uint(b, ID_EBMLVERSION, 1);
    put_uint(b, ID_EBMLREADVERSION, 1);
    put_uint(b, ID_EBMLMAXIDLENGTH, 4);
    put_uint(b, ID_EBMLMAXSIZELENGTH, 8);
    put_string(b, ID_DOCTYPE, "webm");
    put_uint(b, ID_DOCTYPEVERSION, 4);             /* CodecDelay and SeekPreRoll are v4 */
    put_uint(b, ID_DOCTYPEREADVERSION, 2);
    end_master(b, at, 1);

    put_id(b, ID_SEGMENT);
    put_size(b, final ? segment_size : MC_UNKNOWN_SIZE, 8);
    m->segment_start = b->len;

    /* SeekHead: where Info, Tracks and Cues are (positions patched below). */
    seekhead = begin_master(b, ID_SEEKHEAD, 1);
    at = begin_master(b, ID_SEEK, 1);
    put_uint_n(b, ID_SEEKID, ID_INFO, 4);
    put_id(b, ID_SEEKPOSITION); put_size(b, 8, 1); pos_info = b->len; put_be(b, 0, 8);
    end_master(b, at, 1);
    at = begin_master(b, ID_SEEK, 1);
    put_uint_n(b, ID_SEEKID, ID_TRACKS, 4);
    put_id(b, ID_SEEKPOSITION); put_size(b, 8, 1); pos_tracks = b->len; put_be(b, 0, 8);
    end_master(b, at, 1);
    if (final && have_cues) {
        at = begin_master(b, ID_SEEK, 1);
        put_uint_n(b, ID_SEEKID, ID_CUES, 4);
        put_uint_n(b, ID_SEEKPOSITION, cues_pos, 8);
        end_master(b, at, 1);
    } else {
        put_void(b, 2 + 1 + (2 + 1 + 4) + (2 + 1 + 8));
    }
    end_master(b, seekhead, 1);

    patch_be(b, pos_info, b->len - m->segment_start, 8);
    at = begin_master(b, ID_INFO, 1);
    put_uint(b, ID_TIMESTAMPSCALE, MC_TIMESCALE_NS);
    put_string(b, ID_MUXINGAPP, "mediacore");
    put_string(b, ID_WRITINGAPP, "mediacore");
    if (final)
        put_float(b, ID_DURATION, (double)m->end_us / 1000.0);
    else
        put_void(b, 2 + 1 + 8);
    end_master(b, at, 1);

    patch_be(b, pos_tracks, b->len - m->segment_start, 8);
    at = begin_master(b, ID_TRACKS, 2);
    if (c->video) {
        size_t entry = begin_master(b, ID_TRACKENTRY, 1), video;
        put_uint(b, ID_TRACKNUMBER, MC_WEBM_VIDEO);
        put_uint(b, ID_TRACKUID, MC_WEBM_VIDEO);
        put_uint(b, ID_TRACKTYPE, 1);
        put_uint(b, ID_FLAGLACING, 0);
        put_string(b, ID_CODECID, c->video_codec == MC_VIDEO_VP8 ? "V_VP8" : "V_VP9");
        video = begin_master(b, ID_VIDEO, 1);
        put_uint(b, ID_PIXELWIDTH, (uint64_t)c->width);
        put_uint(b, ID_PIXELHEIGHT, (uint64_t)c->height);
        end_master(b, video, 1);
        end_master(b, entry, 1);
    }
    if (c->audio) {
        size_t entry = begin_master(b, ID_TRACKENTRY, 1), audio;
        uint8_t head[19];
        mc_opus_head(c, head);
        put_uint(b, ID_TRACKNUMBER, MC_WEBM_AUDIO);
        put_uint(b, ID_TRACKUID, MC_WEBM_AUDIO);
        put_uint(b, ID_TRACKTYPE, 2);
        put_uint(b, ID_FLAGLACING, 0);
        put_string(b, ID_CODECID, "A_OPUS");
        put_binary(b, ID_CODECPRIVATE, head, sizeof(head));
        put_uint(b, ID_CODECDELAY, (uint64_t)c->pre_skip * 1000000000u / 48000u);
        put_uint(b, ID_SEEKPREROLL, 80000000u);    /* 80 ms, as RFC 7845 advises */
        audio = begin_master(b, ID_AUDIO, 1);
        put_float(b, ID_SAMPLINGFREQUENCY, 48000.0);   /* Opus always decodes at 48 kHz */
        put_uint(b, ID_CHANNELS, (uint64_t)c->channels);
        end_master(b, audio, 1);
        end_master(b, entry, 1);
    }
    end_master(b, at, 2);
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
    patch_be(&m->cluster, 4, (len - 12) | (1ull << 56), 8);
    if (m->out.len == 0) {
        mc_buf t = m->out;
        m->out = m->cluster;
        m->cluster = t;
    } else {
        if ((rc = mc_buf_reserve(&m->out, len)) != MC_OK)
            return rc;
        put_bytes(&m->out, m->cluster.p, len);
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
    mc_buf *dst;

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

    width = size_width(4 + (uint64_t)size);
    block_len = 4 + (size_t)width + 4 + size;
    dst = m->cfg.mode == MC_WEBM_SEEKABLE ? &m->cluster : &m->out;
    if (need_cluster) {
        if (m->cfg.mode == MC_WEBM_SEEKABLE) {
            if ((rc = mc_close_cluster(m)) != MC_OK)
                return mc_detail(m->err, MC_ERRLEN, rc, "out of memory closing a cluster");
            mc_out_release(m);
        }
        if ((rc = mc_buf_reserve(dst, 12 + 11 + block_len)) != MC_OK)
            return mc_detail(m->err, MC_ERRLEN, rc, "out of memory for a cluster");
        {
            size_t before = dst->len;
            put_id(dst, ID_CLUSTER);
            put_size(dst, MC_UNKNOWN_SIZE, 8);   /* seekable mode patches it on close */
            put_uint(dst, ID_TIMESTAMP, (uint64_t)ms);
            if (m->cfg.mode == MC_WEBM_LIVE)
                m->stream_len += dst->len - before;
        }
        m->cluster_open = 1;
        m->cluster_ms = ms;
        m->cluster_blocks = 0;
        m->cluster_keyframe = m->cfg.video ? (track == MC_WEBM_VIDEO && keyframe) : 1;
    } else if ((rc = mc_buf_reserve(dst, block_len)) != MC_OK) {
        return mc_detail(m->err, MC_ERRLEN, rc, "out of memory for a block of %zu bytes", size);
    }

    rel = ms - m->cluster_ms;
    put_id(dst, ID_SIMPLEBLOCK);
    put_size(dst, 4 + (uint64_t)size, width);
    put_size(dst, (uint64_t)track, 1);
    put_be(dst, (uint64_t)(uint16_t)(int16_t)rel, 2);
    dst->p[dst->len++] = keyframe ? 0x80 : 0x00;
    put_bytes(dst, data, size);
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
        if ((rc = mc_buf_reserve(&m->out, 8 + m->ncues * 32)) != MC_OK)
            return mc_detail(m->err, MC_ERRLEN, rc, "out of memory for the cues");
        before = m->out.len;
        at = begin_master(&m->out, ID_CUES, 4);
        for (size_t i = 0; i < m->ncues; i++) {
            size_t point = begin_master(&m->out, ID_CUEPOINT, 1), tp;
            put_uint(&m->out, ID_CUETIME, (uint64_t)m->cues[i].time_ms);
            tp = begin_master(&m->out, ID_CUETRACKPOSITIONS, 1);
            put_uint(&m->out, ID_CUETRACK, m->cfg.video ? MC_WEBM_VIDEO : MC_WEBM_AUDIO);
            put_uint(&m->out, ID_CUECLUSTERPOSITION, m->cues[i].cluster_pos);
            end_master(&m->out, tp, 1);
            end_master(&m->out, point, 1);
        }
        end_master(&m->out, at, 4);
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

/* ---------------------------------------------------------------------------------- */
/* Demuxer                                                                             */

#define MC_MAX_LACES 256

typedef struct mc_track {
    int32_t number;
    int32_t kind;                 /* MC_WEBM_VIDEO, MC_WEBM_AUDIO, or 0: ignored */
    int64_t default_duration_ns;
} mc_track;

struct mc_webm_demuxer {
    const uint8_t *data;
    size_t size;
    mc_webm_info info;
    uint64_t timescale;           /* nanoseconds per tick */
    mc_track video, audio;
    size_t pos;                   /* next element to read */
    size_t seg_end;
    int in_cluster;
    int cluster_unknown;          /* unknown-size cluster: ends at the next top-level ID */
    size_t cluster_end;
    int have_cluster_tc;
    int64_t cluster_tc;
    /* the laced block being returned frame by frame */
    const uint8_t *lace_data;
    uint32_t lace_sizes[MC_MAX_LACES];
    int lace_count, lace_next;
    mc_webm_packet lace_pkt;
    int64_t lace_step_us;
    int failed;                   /* sticky error code once the file proved malformed */
    char err[MC_ERRLEN];
};

/* An element header at p[0, avail): ID, payload size (or unknown), header length. */
typedef struct mc_el {
    uint32_t id;
    uint64_t size;
    int unknown;
    size_t head;
} mc_el;

/* A vint's length from its first byte: 1 + leading zero bits; 0 if the byte is 0. */
static int vint_len(uint8_t b)
{
    int n = 1;
    if (b == 0)
        return 0;
    while (!(b & 0x80)) {
        b <<= 1;
        n++;
    }
    return n;
}

/* Read a size vint. Returns its length, 0 when malformed or truncated. */
static int read_vint(const uint8_t *p, size_t avail, uint64_t *v, int *unknown)
{
    int n, all_ones;
    uint64_t x;

    if (avail < 1 || (n = vint_len(p[0])) == 0 || (size_t)n > avail)
        return 0;
    x = p[0] & (0xFFu >> n);
    all_ones = x == (0xFFu >> n);
    for (int i = 1; i < n; i++) {
        x = (x << 8) | p[i];
        all_ones = all_ones && p[i] == 0xFF;
    }
    *v = x;
    if (unknown)
        *unknown = all_ones;
    return n;
}

/* Read an element header; returns MC_OK or MC_EFORMAT. The payload may still be cut
 * short: callers check size against what is left. */
static int read_el(const uint8_t *p, size_t avail, mc_el *el)
{
    int n = avail ? vint_len(p[0]) : 0, m;

    if (n == 0 || n > 4 || (size_t)n > avail)
        return MC_EFORMAT;
    el->id = 0;
    for (int i = 0; i < n; i++)
        el->id = (el->id << 8) | p[i];
    m = read_vint(p + n, avail - (size_t)n, &el->size, &el->unknown);
    if (m == 0)
        return MC_EFORMAT;
    el->head = (size_t)n + (size_t)m;
    return MC_OK;
}

static uint64_t read_uint(const uint8_t *p, uint64_t n)
{
    uint64_t v = 0;
    for (uint64_t i = 0; i < n && i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

/* A float element: 4 or 8 bytes big-endian IEEE 754; 0 for any other size. */
static double read_float(const uint8_t *p, uint64_t n)
{
    if (n == 4) {
        uint32_t bits = (uint32_t)read_uint(p, 4);
        float f;
        memcpy(&f, &bits, sizeof(f));
        return f;
    }
    if (n == 8) {
        uint64_t bits = read_uint(p, 8);
        double d;
        memcpy(&d, &bits, sizeof(d));
        return d;
    }
    return 0.0;
}

static int mc_is_top_level(uint32_t id)
{
    return id == ID_CLUSTER || id == ID_CUES || id == ID_TAGS || id == ID_CHAPTERS ||
           id == ID_ATTACHMENTS || id == ID_SEEKHEAD || id == ID_INFO || id == ID_TRACKS ||
           id == ID_SEGMENT || id == ID_EBML;
}

/* Iterate the children of p[0, n): calls `fn` for each, stopping at the first error. */
typedef int (*mc_child_fn)(mc_webm_demuxer *d, const mc_el *el, const uint8_t *payload, void *ctx);

static int mc_children(mc_webm_demuxer *d, const uint8_t *p, size_t n, mc_child_fn fn, void *ctx)
{
    size_t at = 0;
    mc_el el;
    int rc;

    while (at < n) {
        if (read_el(p + at, n - at, &el) != MC_OK)
            return mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "malformed element at byte %zu",
                             (size_t)(p + at - d->data));
        if (el.unknown || el.size > n - at - el.head)
            return mc_detail(d->err, MC_ERRLEN, MC_EFORMAT,
                             "element 0x%X at byte %zu overruns its parent", (unsigned)el.id,
                             (size_t)(p + at - d->data));
        if ((rc = fn(d, &el, p + at + el.head, ctx)) != MC_OK)
            return rc;
        at += el.head + (size_t)el.size;
    }
    return MC_OK;
}

typedef struct mc_ebml_ctx {
    int doctype_ok;
    int read_version;
} mc_ebml_ctx;

static int mc_ebml_child(mc_webm_demuxer *d, const mc_el *el, const uint8_t *p, void *vctx)
{
    mc_ebml_ctx *ctx = vctx;
    (void)d;
    if (el->id == ID_DOCTYPE)
        ctx->doctype_ok = (el->size == 4 && memcmp(p, "webm", 4) == 0) ||
                          (el->size == 8 && memcmp(p, "matroska", 8) == 0);
    else if (el->id == ID_EBMLREADVERSION)
        ctx->read_version = (int)read_uint(p, el->size);
    return MC_OK;
}

static int mc_info_child(mc_webm_demuxer *d, const mc_el *el, const uint8_t *p, void *ctx)
{
    double *duration = ctx;
    if (el->id == ID_TIMESTAMPSCALE) {
        d->timescale = read_uint(p, el->size);
        if (d->timescale == 0 || d->timescale > 1000000000u)
            return mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "TimestampScale %llu out of range",
                             (unsigned long long)d->timescale);
    } else if (el->id == ID_DURATION) {
        *duration = read_float(p, el->size);
    }
    return MC_OK;
}

/* One TrackEntry, gathered before deciding whether to use it. */
typedef struct mc_entry {
    int64_t number, type, width, height, channels, default_duration, codec_delay;
    double rate;
    const uint8_t *codec_id, *priv;
    uint64_t codec_id_len, priv_len;
    int encoded;
} mc_entry;

static int mc_av_child(mc_webm_demuxer *d, const mc_el *el, const uint8_t *p, void *ctx)
{
    mc_entry *e = ctx;
    (void)d;
    switch (el->id) {
    case ID_PIXELWIDTH:         e->width = (int64_t)read_uint(p, el->size); break;
    case ID_PIXELHEIGHT:        e->height = (int64_t)read_uint(p, el->size); break;
    case ID_SAMPLINGFREQUENCY:  e->rate = read_float(p, el->size); break;
    case ID_CHANNELS:           e->channels = (int64_t)read_uint(p, el->size); break;
    default: break;
    }
    return MC_OK;
}

static int mc_entry_child(mc_webm_demuxer *d, const mc_el *el, const uint8_t *p, void *ctx)
{
    mc_entry *e = ctx;
    switch (el->id) {
    case ID_TRACKNUMBER:       e->number = (int64_t)(read_uint(p, el->size) & 0x7FFFFFFF); break;
    case ID_TRACKTYPE:         e->type = (int64_t)read_uint(p, el->size); break;
    case ID_CODECID:           e->codec_id = p; e->codec_id_len = el->size; break;
    case ID_CODECPRIVATE:      e->priv = p; e->priv_len = el->size; break;
    case ID_DEFAULTDURATION:   e->default_duration = (int64_t)(read_uint(p, el->size) & 0x7FFFFFFFFFFF); break;
    case ID_CODECDELAY:        e->codec_delay = (int64_t)(read_uint(p, el->size) & 0x7FFFFFFFFFFF); break;
    case ID_CONTENTENCODINGS:  e->encoded = 1; break;
    case ID_VIDEO:
    case ID_AUDIO:             return mc_children(d, p, (size_t)el->size, mc_av_child, e);
    default: break;
    }
    return MC_OK;
}

static int mc_codec_is(const mc_entry *e, const char *id)
{
    size_t n = strlen(id);
    /* Some muxers include a terminating NUL in string elements. */
    return e->codec_id != NULL && (e->codec_id_len == n || (e->codec_id_len == n + 1 && e->codec_id[n] == 0)) &&
           memcmp(e->codec_id, id, n) == 0;
}

static int mc_tracks_child(mc_webm_demuxer *d, const mc_el *el, const uint8_t *p, void *ctx)
{
    mc_entry e;
    int rc;
    (void)ctx;
    if (el->id != ID_TRACKENTRY)
        return MC_OK;
    memset(&e, 0, sizeof(e));
    if ((rc = mc_children(d, p, (size_t)el->size, mc_entry_child, &e)) != MC_OK)
        return rc;
    if (e.number < 1 || e.encoded)      /* encrypted or compressed tracks are not ours */
        return MC_OK;
    if (e.type == 1 && d->video.number == 0 && (mc_codec_is(&e, "V_VP8") || mc_codec_is(&e, "V_VP9"))) {
        if (e.width < 1 || e.height < 1 || e.width > MC_VIDEO_MAX_DIM || e.height > MC_VIDEO_MAX_DIM)
            return mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "video track size %lldx%lld out of range",
                             (long long)e.width, (long long)e.height);
        d->video.number = (int32_t)e.number;
        d->video.kind = MC_WEBM_VIDEO;
        d->video.default_duration_ns = e.default_duration;
        d->info.video_track = (int32_t)e.number;
        d->info.video_codec = mc_codec_is(&e, "V_VP8") ? MC_VIDEO_VP8 : MC_VIDEO_VP9;
        d->info.width = (int32_t)e.width;
        d->info.height = (int32_t)e.height;
    } else if (e.type == 2 && d->audio.number == 0 && mc_codec_is(&e, "A_OPUS")) {
        if (e.channels < 1 || e.channels > 255 || !(e.rate >= 1.0 && e.rate <= 768000.0))
            return mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "Opus track with %lld channels at %g Hz",
                             (long long)e.channels, e.rate);
        d->audio.number = (int32_t)e.number;
        d->audio.kind = MC_WEBM_AUDIO;
        d->audio.default_duration_ns = e.default_duration;
        d->info.audio_track = (int32_t)e.number;
        d->info.sample_rate = (int32_t)e.rate;
        d->info.channels = (int32_t)e.channels;
        d->info.codec_private = e.priv;
        d->info.codec_private_size = (size_t)e.priv_len;
        if (e.priv != NULL && e.priv_len >= 19 && memcmp(e.priv, "OpusHead", 8) == 0)
            d->info.pre_skip = e.priv[10] | (e.priv[11] << 8);
        else
            d->info.pre_skip = (int32_t)(e.codec_delay * 48000 / 1000000000);
    }
    return MC_OK;
}

int mc_webm_demuxer_create(const uint8_t *data, size_t size, mc_webm_demuxer **out,
                           char *detail, size_t detail_size)
{
    mc_webm_demuxer *d;
    mc_ebml_ctx ebml = { 0, 1 };
    double duration = -1.0;
    int have_info = 0, have_tracks = 0, rc = MC_OK;
    size_t at;
    mc_el el;

    if (out != NULL)
        *out = NULL;
    if (data == NULL || out == NULL)
        return mc_detail(detail, detail_size, MC_EINVAL, "data and out must not be NULL");
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return mc_detail(detail, detail_size, MC_ENOMEM, "out of memory for the demuxer");
    d->data = data;
    d->size = size;
    d->timescale = MC_TIMESCALE_NS;
    d->info.duration = -1;

    /* The EBML header, then the Segment. */
    if (read_el(data, size, &el) != MC_OK || el.id != ID_EBML || el.unknown ||
        el.size > size - el.head) {
        rc = mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "not a WebM file: no EBML header");
        goto fail;
    }
    if ((rc = mc_children(d, data + el.head, (size_t)el.size, mc_ebml_child, &ebml)) != MC_OK)
        goto fail;
    if (!ebml.doctype_ok || ebml.read_version != 1) {
        rc = mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "not a WebM file: DocType is not webm");
        goto fail;
    }
    at = el.head + (size_t)el.size;
    while (at < size && read_el(data + at, size - at, &el) == MC_OK && el.id == ID_VOID &&
           !el.unknown && el.size <= size - at - el.head)
        at += el.head + (size_t)el.size;
    if (at >= size || read_el(data + at, size - at, &el) != MC_OK || el.id != ID_SEGMENT) {
        rc = mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "no Segment after the EBML header");
        goto fail;
    }
    at += el.head;
    /* A Segment longer than the file is a truncated recording: read what is there. */
    d->seg_end = el.unknown || el.size > size - at ? size : at + (size_t)el.size;

    /* Top-level elements up to the first Cluster. */
    while (at < d->seg_end) {
        if (read_el(data + at, d->seg_end - at, &el) != MC_OK) {
            rc = mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "malformed element at byte %zu", at);
            goto fail;
        }
        if (el.id == ID_CLUSTER)
            break;
        if (el.unknown || el.size > d->seg_end - at - el.head) {
            rc = mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "element 0x%X at byte %zu is truncated",
                           (unsigned)el.id, at);
            goto fail;
        }
        if (el.id == ID_INFO) {
            if ((rc = mc_children(d, data + at + el.head, (size_t)el.size, mc_info_child, &duration)) != MC_OK)
                goto fail;
            have_info = 1;
        } else if (el.id == ID_TRACKS) {
            if ((rc = mc_children(d, data + at + el.head, (size_t)el.size, mc_tracks_child, NULL)) != MC_OK)
                goto fail;
            have_tracks = 1;
        }
        at += el.head + (size_t)el.size;
    }
    if (!have_info || !have_tracks) {
        rc = mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "no %s before the first Cluster",
                       have_info ? "Tracks" : "Info");
        goto fail;
    }
    if (d->video.number == 0 && d->audio.number == 0) {
        rc = mc_detail(d->err, MC_ERRLEN, MC_EUNSUPPORTED, "no VP8, VP9 or Opus track");
        goto fail;
    }
    if (duration > 0.0 && duration * (double)d->timescale / 1000.0 < 9.0e15)
        d->info.duration = (int64_t)(duration * (double)d->timescale / 1000.0 + 0.5);
    d->pos = at;
    *out = d;
    return MC_OK;

fail:
    if (detail != NULL && detail_size > 0)
        mc_detail(detail, detail_size, rc, "%s", d->err);
    free(d);
    return rc;
}

void mc_webm_demuxer_destroy(mc_webm_demuxer *dmx)
{
    free(dmx);
}

int mc_webm_demuxer_info(const mc_webm_demuxer *dmx, mc_webm_info *info)
{
    if (dmx == NULL || info == NULL)
        return MC_EINVAL;
    *info = dmx->info;
    return MC_OK;
}

const char *mc_webm_demuxer_error(const mc_webm_demuxer *dmx)
{
    return dmx ? dmx->err : "";
}

static int mc_dmx_fail(mc_webm_demuxer *d, const char *what, size_t at)
{
    d->failed = mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "%s at byte %zu", what, at);
    return d->failed;
}

/* Ticks to microseconds, or -1 when out of range. */
static int64_t mc_ticks_us(const mc_webm_demuxer *d, int64_t ticks)
{
    if (ticks < 0 || (uint64_t)ticks > (uint64_t)INT64_MAX / d->timescale)
        return -1;
    return (int64_t)((uint64_t)ticks * d->timescale / 1000u);
}

/* Parse a Block or SimpleBlock payload into the lace state. Returns 1 when it holds
 * frames of one of our tracks, 0 for another track, or an error. */
static int mc_parse_block(mc_webm_demuxer *d, const uint8_t *p, size_t n, size_t at,
                          int keyframe, int64_t duration_ticks)
{
    uint64_t tracknum;
    const mc_track *t;
    size_t off, total, sum = 0;
    int len, lacing, count;
    int16_t rel;
    int64_t pts;

    if ((len = read_vint(p, n, &tracknum, NULL)) == 0 || n < (size_t)len + 3)
        return mc_dmx_fail(d, "malformed block header", at);
    if ((int64_t)tracknum == d->video.number && d->video.number)
        t = &d->video;
    else if ((int64_t)tracknum == d->audio.number && d->audio.number)
        t = &d->audio;
    else
        return 0;
    if (!d->have_cluster_tc)
        return mc_dmx_fail(d, "block before its cluster's Timestamp", at);
    rel = (int16_t)((p[len] << 8) | p[len + 1]);
    lacing = (p[len + 2] >> 1) & 3;
    off = (size_t)len + 3;
    pts = mc_ticks_us(d, d->cluster_tc + rel);
    if (pts < 0)
        return mc_dmx_fail(d, "block timestamp out of range", at);

    if (lacing == 0) {
        count = 1;
        d->lace_sizes[0] = (uint32_t)(n - off);
    } else {
        if (off >= n)
            return mc_dmx_fail(d, "truncated lacing header", at);
        count = p[off++] + 1;
        if (lacing == 1) {                                   /* Xiph */
            for (int i = 0; i < count - 1; i++) {
                uint64_t s = 0;
                uint8_t b;
                do {
                    if (off >= n)
                        return mc_dmx_fail(d, "truncated Xiph lacing", at);
                    b = p[off++];
                    s += b;
                } while (b == 255);
                d->lace_sizes[i] = (uint32_t)s;
                sum += (size_t)s;
            }
        } else if (lacing == 3) {                            /* EBML */
            uint64_t first;
            int64_t prev;
            if ((len = read_vint(p + off, n - off, &first, NULL)) == 0 || first > MC_MAX_PACKET)
                return mc_dmx_fail(d, "malformed EBML lacing", at);
            off += (size_t)len;
            d->lace_sizes[0] = (uint32_t)first;
            sum = (size_t)first;
            prev = (int64_t)first;
            for (int i = 1; i < count - 1; i++) {
                uint64_t raw;
                int64_t s;
                if ((len = read_vint(p + off, n - off, &raw, NULL)) == 0)
                    return mc_dmx_fail(d, "malformed EBML lacing", at);
                off += (size_t)len;
                s = prev + (int64_t)raw - (int64_t)((1ull << (7 * len - 1)) - 1);
                if (s < 0 || s > (int64_t)MC_MAX_PACKET)
                    return mc_dmx_fail(d, "EBML lace size out of range", at);
                d->lace_sizes[i] = (uint32_t)s;
                sum += (size_t)s;
                prev = s;
            }
        } else {                                             /* fixed */
            if ((n - off) % (size_t)count != 0)
                return mc_dmx_fail(d, "fixed lacing does not divide the block", at);
            for (int i = 0; i < count - 1; i++) {
                d->lace_sizes[i] = (uint32_t)((n - off) / (size_t)count);
                sum += d->lace_sizes[i];
            }
        }
        if (off > n || sum > n - off)
            return mc_dmx_fail(d, "lace sizes overrun the block", at);
        d->lace_sizes[count - 1] = (uint32_t)(n - off - sum);
    }
    total = 0;
    for (int i = 0; i < count; i++) {
        if (d->lace_sizes[i] == 0 || d->lace_sizes[i] > MC_MAX_PACKET)
            return mc_dmx_fail(d, "empty or oversized frame in a block", at);
        total += d->lace_sizes[i];
    }
    (void)total;
    d->lace_data = p + off;
    d->lace_count = count;
    d->lace_next = 0;
    d->lace_pkt.track = t->kind;
    d->lace_pkt.pts = pts;
    d->lace_pkt.duration = duration_ticks > 0 ? mc_ticks_us(d, duration_ticks) : 0;
    if (d->lace_pkt.duration < 0)
        d->lace_pkt.duration = 0;
    d->lace_pkt.keyframe = t->kind == MC_WEBM_AUDIO ? 1 : keyframe;
    d->lace_step_us = t->default_duration_ns > 0 ? t->default_duration_ns / 1000 : 0;
    if (count > 1 && duration_ticks > 0)
        d->lace_pkt.duration /= count;
    return 1;
}

typedef struct mc_group {
    const uint8_t *block;
    size_t block_len, block_at;
    int has_reference;
    int64_t duration;
} mc_group;

static int mc_group_child(mc_webm_demuxer *d, const mc_el *el, const uint8_t *p, void *ctx)
{
    mc_group *g = ctx;
    if (el->id == ID_BLOCK) {
        g->block = p;
        g->block_len = (size_t)el->size;
        g->block_at = (size_t)(p - d->data);
    } else if (el->id == ID_REFERENCEBLOCK) {
        g->has_reference = 1;
    } else if (el->id == ID_BLOCKDURATION) {
        g->duration = (int64_t)(read_uint(p, el->size) & 0x7FFFFFFFFFFF);
    }
    return MC_OK;
}

int mc_webm_demuxer_next(mc_webm_demuxer *dmx, mc_webm_packet *pkt)
{
    mc_webm_demuxer *d = dmx;
    mc_el el;
    int rc;

    if (d == NULL || pkt == NULL)
        return MC_EINVAL;
    if (d->failed)
        return d->failed;
    for (;;) {
        if (d->lace_next < d->lace_count) {
            uint32_t n = d->lace_sizes[d->lace_next];
            *pkt = d->lace_pkt;
            pkt->data = d->lace_data;
            pkt->size = n;
            pkt->pts += d->lace_step_us * d->lace_next;
            d->lace_data += n;
            d->lace_next++;
            d->err[0] = '\0';
            return 1;
        }
        d->lace_count = d->lace_next = 0;

        if (d->in_cluster) {
            size_t end = d->cluster_end;
            if (d->pos >= end) {
                d->in_cluster = 0;
                continue;
            }
            if (read_el(d->data + d->pos, end - d->pos, &el) != MC_OK)
                return mc_dmx_fail(d, "malformed element in a cluster", d->pos);
            if (d->cluster_unknown && mc_is_top_level(el.id)) {
                d->in_cluster = 0;           /* an unknown-size cluster ends here */
                continue;
            }
            if (el.unknown || el.size > end - d->pos - el.head)
                return mc_dmx_fail(d, "truncated element in a cluster", d->pos);
            {
                const uint8_t *p = d->data + d->pos + el.head;
                size_t n = (size_t)el.size, at = d->pos;
                d->pos += el.head + n;
                if (el.id == ID_TIMESTAMP) {
                    d->cluster_tc = (int64_t)(read_uint(p, el.size) & 0x7FFFFFFFFFFFFF);
                    d->have_cluster_tc = 1;
                } else if (el.id == ID_SIMPLEBLOCK) {
                    int key = 0;
                    uint64_t tn;
                    int len = read_vint(p, n, &tn, NULL);
                    if (len > 0 && n >= (size_t)len + 3)
                        key = (p[len + 2] & 0x80) != 0;
                    if ((rc = mc_parse_block(d, p, n, at, key, 0)) < 0)
                        return rc;
                } else if (el.id == ID_BLOCKGROUP) {
                    mc_group g;
                    memset(&g, 0, sizeof(g));
                    if ((rc = mc_children(d, p, n, mc_group_child, &g)) != MC_OK) {
                        d->failed = rc;
                        return rc;
                    }
                    if (g.block == NULL)
                        continue;
                    if ((rc = mc_parse_block(d, g.block, g.block_len, g.block_at,
                                             !g.has_reference, g.duration)) < 0)
                        return rc;
                }
            }
            continue;
        }

        if (d->pos >= d->seg_end)
            return 0;
        if (read_el(d->data + d->pos, d->seg_end - d->pos, &el) != MC_OK)
            return mc_dmx_fail(d, "malformed top-level element", d->pos);
        if (el.id == ID_CLUSTER) {
            d->pos += el.head;
            d->in_cluster = 1;
            d->have_cluster_tc = 0;
            d->cluster_unknown = el.unknown;
            /* A cluster cut short by the end of the file: read what is there. */
            d->cluster_end = el.unknown || el.size > d->seg_end - d->pos ? d->seg_end
                                                                          : d->pos + (size_t)el.size;
            continue;
        }
        if (el.unknown || el.size > d->seg_end - d->pos - el.head)
            return mc_dmx_fail(d, "truncated top-level element", d->pos);
        d->pos += el.head + (size_t)el.size;
    }
}
