/* webm_demux.c: the WebM demuxer. See webm.h for the contract, ebml.h for the elements. */
#include "mediacore/webm.h"

#include <stdlib.h>
#include <string.h>

#include "base/mc_detail.h"
#include "ebml.h"

#define MC_ERRLEN 256

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


static int mc_is_top_level(uint32_t id)
{
    return id == ID_CLUSTER || id == ID_CUES || id == ID_TAGS || id == ID_CHAPTERS ||
           id == ID_ATTACHMENTS || id == ID_SEEKHEAD || id == ID_INFO || id == ID_TRACKS ||
           id == ID_SEGMENT || id == ID_EBML;
}

/* Iterate the children of p[0, n): calls `fn` for each, stopping at the first error. */
typedef int (*mc_child_fn)(mc_webm_demuxer *d, const mc_ebml_el *el, const uint8_t *payload, void *ctx);

static int mc_children(mc_webm_demuxer *d, const uint8_t *p, size_t n, mc_child_fn fn, void *ctx)
{
    size_t at = 0;
    mc_ebml_el el;
    int rc;

    while (at < n) {
        if (mc_ebml_read_el(p + at, n - at, &el) != MC_OK)
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

typedef struct mc_header_ctx {
    int doctype_ok;
    int read_version;
} mc_header_ctx;

static int mc_header_child(mc_webm_demuxer *d, const mc_ebml_el *el, const uint8_t *p, void *vctx)
{
    mc_header_ctx *ctx = vctx;
    (void)d;
    if (el->id == ID_DOCTYPE)
        ctx->doctype_ok = (el->size == 4 && memcmp(p, "webm", 4) == 0) ||
                          (el->size == 8 && memcmp(p, "matroska", 8) == 0);
    else if (el->id == ID_EBMLREADVERSION)
        ctx->read_version = (int)mc_ebml_read_uint(p, el->size);
    return MC_OK;
}

static int mc_info_child(mc_webm_demuxer *d, const mc_ebml_el *el, const uint8_t *p, void *ctx)
{
    double *duration = ctx;
    if (el->id == ID_TIMESTAMPSCALE) {
        d->timescale = mc_ebml_read_uint(p, el->size);
        if (d->timescale == 0 || d->timescale > 1000000000u)
            return mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "TimestampScale %llu out of range",
                             (unsigned long long)d->timescale);
    } else if (el->id == ID_DURATION) {
        *duration = mc_ebml_read_float(p, el->size);
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

static int mc_av_child(mc_webm_demuxer *d, const mc_ebml_el *el, const uint8_t *p, void *ctx)
{
    mc_entry *e = ctx;
    (void)d;
    switch (el->id) {
    case ID_PIXELWIDTH:         e->width = (int64_t)mc_ebml_read_uint(p, el->size); break;
    case ID_PIXELHEIGHT:        e->height = (int64_t)mc_ebml_read_uint(p, el->size); break;
    case ID_SAMPLINGFREQUENCY:  e->rate = mc_ebml_read_float(p, el->size); break;
    case ID_CHANNELS:           e->channels = (int64_t)mc_ebml_read_uint(p, el->size); break;
    default: break;
    }
    return MC_OK;
}

static int mc_entry_child(mc_webm_demuxer *d, const mc_ebml_el *el, const uint8_t *p, void *ctx)
{
    mc_entry *e = ctx;
    switch (el->id) {
    case ID_TRACKNUMBER:       e->number = (int64_t)(mc_ebml_read_uint(p, el->size) & 0x7FFFFFFF); break;
    case ID_TRACKTYPE:         e->type = (int64_t)mc_ebml_read_uint(p, el->size); break;
    case ID_CODECID:           e->codec_id = p; e->codec_id_len = el->size; break;
    case ID_CODECPRIVATE:      e->priv = p; e->priv_len = el->size; break;
    case ID_DEFAULTDURATION:   e->default_duration = (int64_t)(mc_ebml_read_uint(p, el->size) & 0x7FFFFFFFFFFF); break;
    case ID_CODECDELAY:        e->codec_delay = (int64_t)(mc_ebml_read_uint(p, el->size) & 0x7FFFFFFFFFFF); break;
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

static int mc_tracks_child(mc_webm_demuxer *d, const mc_ebml_el *el, const uint8_t *p, void *ctx)
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
    mc_header_ctx ebml = { 0, 1 };
    double duration = -1.0;
    int have_info = 0, have_tracks = 0, rc = MC_OK;
    size_t at;
    mc_ebml_el el;

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
    if (mc_ebml_read_el(data, size, &el) != MC_OK || el.id != ID_EBML || el.unknown ||
        el.size > size - el.head) {
        rc = mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "not a WebM file: no EBML header");
        goto fail;
    }
    if ((rc = mc_children(d, data + el.head, (size_t)el.size, mc_header_child, &ebml)) != MC_OK)
        goto fail;
    if (!ebml.doctype_ok || ebml.read_version != 1) {
        rc = mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "not a WebM file: DocType is not webm");
        goto fail;
    }
    at = el.head + (size_t)el.size;
    while (at < size && mc_ebml_read_el(data + at, size - at, &el) == MC_OK && el.id == ID_VOID &&
           !el.unknown && el.size <= size - at - el.head)
        at += el.head + (size_t)el.size;
    if (at >= size || mc_ebml_read_el(data + at, size - at, &el) != MC_OK || el.id != ID_SEGMENT) {
        rc = mc_detail(d->err, MC_ERRLEN, MC_EFORMAT, "no Segment after the EBML header");
        goto fail;
    }
    at += el.head;
    /* A Segment longer than the file is a truncated recording: read what is there. */
    d->seg_end = el.unknown || el.size > size - at ? size : at + (size_t)el.size;

    /* Top-level elements up to the first Cluster. */
    while (at < d->seg_end) {
        if (mc_ebml_read_el(data + at, d->seg_end - at, &el) != MC_OK) {
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

    if ((len = mc_ebml_read_vint(p, n, &tracknum, NULL)) == 0 || n < (size_t)len + 3)
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
            if ((len = mc_ebml_read_vint(p + off, n - off, &first, NULL)) == 0 || first > MC_MAX_PACKET)
                return mc_dmx_fail(d, "malformed EBML lacing", at);
            off += (size_t)len;
            d->lace_sizes[0] = (uint32_t)first;
            sum = (size_t)first;
            prev = (int64_t)first;
            for (int i = 1; i < count - 1; i++) {
                uint64_t raw;
                int64_t s;
                if ((len = mc_ebml_read_vint(p + off, n - off, &raw, NULL)) == 0)
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

static int mc_group_child(mc_webm_demuxer *d, const mc_ebml_el *el, const uint8_t *p, void *ctx)
{
    mc_group *g = ctx;
    if (el->id == ID_BLOCK) {
        g->block = p;
        g->block_len = (size_t)el->size;
        g->block_at = (size_t)(p - d->data);
    } else if (el->id == ID_REFERENCEBLOCK) {
        g->has_reference = 1;
    } else if (el->id == ID_BLOCKDURATION) {
        g->duration = (int64_t)(mc_ebml_read_uint(p, el->size) & 0x7FFFFFFFFFFF);
    }
    return MC_OK;
}

int mc_webm_demuxer_next(mc_webm_demuxer *dmx, mc_webm_packet *pkt)
{
    mc_webm_demuxer *d = dmx;
    mc_ebml_el el;
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
            if (mc_ebml_read_el(d->data + d->pos, end - d->pos, &el) != MC_OK)
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
                    d->cluster_tc = (int64_t)(mc_ebml_read_uint(p, el.size) & 0x7FFFFFFFFFFFFF);
                    d->have_cluster_tc = 1;
                } else if (el.id == ID_SIMPLEBLOCK) {
                    int key = 0;
                    uint64_t tn;
                    int len = mc_ebml_read_vint(p, n, &tn, NULL);
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
        if (mc_ebml_read_el(d->data + d->pos, d->seg_end - d->pos, &el) != MC_OK)
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
