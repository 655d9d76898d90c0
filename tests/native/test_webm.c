/* test_webm.c: the WebM muxer and demuxer: round trips in both modes, the seekable file's
 * structure (Segment size, SeekHead, Cues pointing at keyframe clusters), every
 * truncation, lacing and BlockGroups written by hand, and argument and state errors. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_test.h"
#include "mediacore/webm.h"

typedef struct file {
    uint8_t *p;
    size_t len, cap;
    size_t first_piece;
} file;

static void file_append(file *f, const uint8_t *p, size_t n)
{
    if (f->len + n > f->cap) {
        f->cap = (f->len + n) * 2 + 1024;
        f->p = realloc(f->p, f->cap);
    }
    memcpy(f->p + f->len, p, n);
    f->len += n;
}

static void drain(mc_webm_muxer *m, file *f)
{
    const uint8_t *p;
    size_t n;
    MC_CHECK_EQ(mc_webm_muxer_output(m, &p, &n), MC_OK);
    if (f->len == 0)
        f->first_piece = n;
    file_append(f, p, n);
}

/* A test packet: its bytes encode the track and index so the round trip can check them. */
static size_t packet_bytes(uint8_t *buf, int track, int i)
{
    size_t n = (size_t)(track == MC_WEBM_VIDEO ? 200 + (i * 37) % 3000 : 40 + i % 90);
    for (size_t k = 0; k < n; k++)
        buf[k] = (uint8_t)(track * 101 + i * 7 + k);
    return n;
}

typedef struct expect {
    int track, i, key;
    int64_t pts;
} expect;

/* 3 s: video at 30 fps with keyframes every 45 frames, audio every 20 ms, interleaved
 * by time the way a recorder delivers them (audio a little late). */
static int make_file(mc_webm_mode mode, int video, int audio, file *f, expect *ex, int drain_every,
                     int patch_header)
{
    mc_webm_muxer_config cfg;
    mc_webm_muxer *m = NULL;
    uint8_t buf[4096];
    int vi = 0, ai = 0, count = 0, writes = 0;

    mc_webm_muxer_config_default(&cfg);
    cfg.mode = mode;
    cfg.video = video;
    cfg.audio = audio;
    cfg.video_codec = MC_VIDEO_VP9;
    cfg.width = 320;
    cfg.height = 240;
    cfg.channels = 2;
    MC_CHECK_EQ(mc_webm_muxer_create(&cfg, &m, NULL, 0), MC_OK);
    memset(f, 0, sizeof(*f));
    drain(m, f);
    while ((video && vi < 90) || (audio && ai < 150)) {
        int64_t vpts = (int64_t)vi * 1000000 / 30, apts = (int64_t)ai * 20000;
        int take_video = video && vi < 90 && (!audio || ai >= 150 || vpts <= apts + 30000);
        int track = take_video ? MC_WEBM_VIDEO : MC_WEBM_AUDIO;
        int i = take_video ? vi++ : ai++;
        int64_t pts = take_video ? vpts : apts;
        int key = take_video ? i % 45 == 0 : 1;
        size_t n = packet_bytes(buf, track, i);
        MC_CHECK_EQ(mc_webm_muxer_write(m, track, buf, n, pts, take_video ? 33333 : 20000, key), MC_OK);
        ex[count].track = track;
        ex[count].i = i;
        ex[count].key = key;
        ex[count].pts = (pts + 500) / 1000 * 1000;
        count++;
        if (++writes % drain_every == 0)
            drain(m, f);
    }
    MC_CHECK_EQ(mc_webm_muxer_finish(m), MC_OK);
    drain(m, f);
    if (mode == MC_WEBM_SEEKABLE && patch_header) {
        const uint8_t *h;
        size_t n;
        MC_CHECK_EQ(mc_webm_muxer_header(m, &h, &n), MC_OK);
        MC_CHECK_EQ(n, f->first_piece);
        memcpy(f->p, h, n);
    } else if (mode == MC_WEBM_LIVE) {
        const uint8_t *h;
        size_t n;
        MC_CHECK_EQ(mc_webm_muxer_header(m, &h, &n), MC_ESTATE);
    }
    mc_webm_muxer_destroy(m);
    return count;
}

/* Demux and compare with what was written, in file order per track. */
static void check_roundtrip(const file *f, const expect *ex, int count, int video, int audio,
                            int64_t want_duration)
{
    mc_webm_demuxer *d = NULL;
    mc_webm_info info;
    mc_webm_packet pkt;
    uint8_t buf[4096];
    int seen[3] = { 0, 0, 0 }, got = 0, rc;
    char detail[256] = "";

    rc = mc_webm_demuxer_create(f->p, f->len, &d, detail, sizeof(detail));
    MC_CHECK_EQ(rc, MC_OK);
    if (rc != MC_OK) {
        fprintf(stderr, "demuxer: %s\n", detail);
        return;
    }
    MC_CHECK_EQ(mc_webm_demuxer_info(d, &info), MC_OK);
    MC_CHECK_EQ(info.duration, want_duration);
    MC_CHECK_EQ(info.video_track, video ? MC_WEBM_VIDEO : 0);
    MC_CHECK_EQ(info.audio_track, audio ? MC_WEBM_AUDIO : 0);
    if (video) {
        MC_CHECK_EQ(info.video_codec, MC_VIDEO_VP9);
        MC_CHECK_EQ(info.width, 320);
        MC_CHECK_EQ(info.height, 240);
    }
    if (audio) {
        MC_CHECK_EQ(info.sample_rate, 48000);
        MC_CHECK_EQ(info.channels, 2);
        MC_CHECK_EQ(info.pre_skip, 312);
        MC_CHECK_EQ(info.codec_private_size, 19);
        MC_CHECK(info.codec_private && memcmp(info.codec_private, "OpusHead", 8) == 0);
    }
    while ((rc = mc_webm_demuxer_next(d, &pkt)) == 1) {
        /* Find the next expected packet of this track. */
        int k = 0, want = seen[pkt.track]++;
        for (int j = 0; j < count; j++)
            if (ex[j].track == pkt.track && k++ == want) {
                size_t n = packet_bytes(buf, pkt.track, ex[j].i);
                MC_CHECK_EQ(pkt.size, n);
                MC_CHECK(pkt.size == n && memcmp(pkt.data, buf, n) == 0);
                MC_CHECK_EQ(pkt.pts, ex[j].pts);
                MC_CHECK_EQ(pkt.keyframe, ex[j].key);
                break;
            }
        got++;
    }
    MC_CHECK_EQ(rc, 0);
    MC_CHECK_EQ(got, count);
    MC_CHECK_EQ(mc_webm_demuxer_next(d, &pkt), 0);
    mc_webm_demuxer_destroy(d);
}

static uint64_t be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Find the first occurrence of an ID's bytes from `from`. */
static size_t find(const file *f, size_t from, const uint8_t *id, size_t n)
{
    for (size_t i = from; i + n <= f->len; i++)
        if (memcmp(f->p + i, id, n) == 0)
            return i;
    return (size_t)-1;
}

static void test_seekable_roundtrip_and_structure(void)
{
    static expect ex[400];
    static const uint8_t seg_id[] = { 0x18, 0x53, 0x80, 0x67 }, cues_id[] = { 0x1C, 0x53, 0xBB, 0x6B },
                         cluster_id[] = { 0x1F, 0x43, 0xB6, 0x75 }, seek_cues[] = { 0x53, 0xAB, 0x84, 0x1C, 0x53, 0xBB, 0x6B },
                         cue_pos[] = { 0xF1 };
    file f;
    int count = make_file(MC_WEBM_SEEKABLE, 1, 1, &f, ex, 1, 1);
    size_t seg, seg_start, at, cues;
    int clusters = 0, cuepoints = 0;

    MC_CHECK_EQ(count, 240);
    /* Duration: the last audio packet ends at 150 * 20 ms = 3 s. */
    check_roundtrip(&f, ex, count, 1, 1, 3000000);

    seg = find(&f, 0, seg_id, 4);
    MC_CHECK(seg != (size_t)-1);
    seg_start = seg + 12;
    MC_CHECK_EQ(f.p[seg + 4], 0x01);
    MC_CHECK_EQ(be(f.p + seg + 5, 7), f.len - seg_start);   /* Segment size */
    at = find(&f, 0, seek_cues, sizeof(seek_cues));
    MC_CHECK(at != (size_t)-1);
    cues = seg_start + (size_t)be(f.p + at + sizeof(seek_cues) + 3, 8);
    MC_CHECK(cues < f.len && memcmp(f.p + cues, cues_id, 4) == 0);
    /* Every CueClusterPosition lands on a Cluster whose first block is a video keyframe. */
    for (at = cues; (at = find(&f, at, cue_pos, 1)) != (size_t)-1 && at + 2 < f.len; at++) {
        int n = f.p[at + 1] & 0x7F;
        size_t c = seg_start + (size_t)be(f.p + at + 2, n);
        if (!(f.p[at + 1] & 0x80) || n > 8)
            continue;
        cuepoints++;
        MC_CHECK(c < f.len && memcmp(f.p + c, cluster_id, 4) == 0);
        /* Cluster (4) + size (8) + Timestamp E7 8x value, then SimpleBlock A3 size track. */
        {
            size_t b = c + 12 + 2 + (f.p[c + 13] & 0x7F);
            MC_CHECK_EQ(f.p[b], 0xA3);
            int w = 1;
            while (!(f.p[b + 1] & (0x80 >> (w - 1))))
                w++;
            MC_CHECK_EQ(f.p[b + 1 + w], 0x81);             /* track 1 */
            MC_CHECK_EQ(f.p[b + 1 + w + 3] & 0x80, 0x80);  /* keyframe */
        }
    }
    for (at = seg_start; (at = find(&f, at, cluster_id, 4)) != (size_t)-1; at += 4)
        clusters++;
    printf("seekable: %zu bytes, %d clusters, %d cue points\n", f.len, clusters, cuepoints);
    MC_CHECK_EQ(cuepoints, 2);   /* keyframes at 0 and 1.5 s */
    MC_CHECK(clusters >= 2);
    free(f.p);

    /* Draining rarely (the muxer appends instead of swapping) gives the same file. */
    {
        file g;
        make_file(MC_WEBM_SEEKABLE, 1, 1, &f, ex, 1, 1);
        make_file(MC_WEBM_SEEKABLE, 1, 1, &g, ex, 1000, 1);
        MC_CHECK_EQ(g.len, f.len);
        MC_CHECK(g.len == f.len && memcmp(g.p, f.p, f.len) == 0);
        free(f.p);
        free(g.p);
    }
    /* Without the final header the file still reads (no Duration then). */
    count = make_file(MC_WEBM_SEEKABLE, 1, 1, &f, ex, 3, 0);
    check_roundtrip(&f, ex, count, 1, 1, -1);
    free(f.p);
}

static void test_other_shapes(void)
{
    static expect ex[400];
    file f;
    int count;

    count = make_file(MC_WEBM_LIVE, 1, 1, &f, ex, 1, 0);
    check_roundtrip(&f, ex, count, 1, 1, -1);
    free(f.p);
    count = make_file(MC_WEBM_SEEKABLE, 0, 1, &f, ex, 2, 1);
    MC_CHECK_EQ(count, 150);
    check_roundtrip(&f, ex, count, 0, 1, 3000000);
    free(f.p);
    count = make_file(MC_WEBM_SEEKABLE, 1, 0, &f, ex, 5, 1);
    MC_CHECK_EQ(count, 90);
    check_roundtrip(&f, ex, count, 1, 0, 89 * 1000000 / 30 + 33333);
    free(f.p);
}

/* Every prefix of a file: either refused at create or packets then end or MC_EFORMAT. */
static void test_every_truncation(void)
{
    static expect ex[400];
    file f;
    int count = make_file(MC_WEBM_SEEKABLE, 1, 1, &f, ex, 1, 1);
    int created = 0, errors = 0;

    for (size_t n = 0; n <= f.len; n += (n < 2000 ? 1 : 97)) {
        uint8_t *copy = malloc(n ? n : 1);
        mc_webm_demuxer *d = NULL;
        mc_webm_packet pkt;
        int rc, got = 0;
        memcpy(copy, f.p, n);
        rc = mc_webm_demuxer_create(copy, n, &d, NULL, 0);
        if (rc == MC_OK) {
            created++;
            while ((rc = mc_webm_demuxer_next(d, &pkt)) == 1) {
                MC_CHECK(pkt.data >= copy && pkt.data + pkt.size <= copy + n);
                got++;
            }
            MC_CHECK(rc == 0 || rc == MC_EFORMAT);
            if (rc == MC_EFORMAT) {
                errors++;
                MC_CHECK_EQ(mc_webm_demuxer_next(d, &pkt), MC_EFORMAT);   /* sticky */
                MC_CHECK(strstr(mc_webm_demuxer_error(d), "byte") != NULL);
            }
            MC_CHECK(got <= count);
            mc_webm_demuxer_destroy(d);
        } else {
            MC_CHECK(rc == MC_EFORMAT);
            MC_CHECK(d == NULL);
        }
        free(copy);
    }
    MC_CHECK(created > 0 && errors > 0);
    free(f.p);
}

/* EBML helpers for hand-written files. */
static void w8(file *f, uint8_t b) { file_append(f, &b, 1); }
static void wbytes(file *f, const void *p, size_t n) { file_append(f, p, n); }
static void wid(file *f, uint32_t id)
{
    for (int s = id > 0xFFFFFF ? 24 : id > 0xFFFF ? 16 : id > 0xFF ? 8 : 0; s >= 0; s -= 8)
        w8(f, (uint8_t)(id >> s));
}
static void wsize(file *f, uint64_t n)   /* always 8 bytes */
{
    w8(f, 0x01);
    for (int s = 48; s >= 0; s -= 8)
        w8(f, (uint8_t)(n >> s));
}
static void wel(file *f, uint32_t id, const void *p, size_t n)
{
    wid(f, id);
    wsize(f, n);
    wbytes(f, p, n);
}
static void wuint(file *f, uint32_t id, uint8_t v) { wel(f, id, &v, 1); }

/* A file with one VP8 track whose blocks use each lacing kind and a BlockGroup. */
static void test_lacing_and_groups(void)
{
    file f = { 0 }, hdr = { 0 }, trk = { 0 }, ent = { 0 }, vid = { 0 }, cl = { 0 }, blk = { 0 }, grp = { 0 };
    mc_webm_demuxer *d = NULL;
    mc_webm_packet pkt;
    uint8_t frames[3][300];
    size_t sizes[3] = { 300, 20, 7 };
    int rc;

    for (int i = 0; i < 3; i++)
        memset(frames[i], 'a' + i, sizeof(frames[i]));
    wel(&hdr, 0x4282, "webm", 4);
    wel(&f, 0x1A45DFA3, hdr.p, hdr.len);
    wid(&f, 0x18538067);
    w8(&f, 0x01); for (int i = 0; i < 7; i++) w8(&f, 0xFF);   /* unknown-size Segment */
    {
        file info = { 0 };
        uint8_t scale[] = { 0x0F, 0x42, 0x40 };   /* 1000000 */
        wel(&info, 0x2AD7B1, scale, 3);
        wel(&f, 0x1549A966, info.p, info.len);
        free(info.p);
    }
    wuint(&vid, 0xB0, 64);
    wuint(&vid, 0xBA, 48);
    wuint(&ent, 0xD7, 5);
    wuint(&ent, 0x83, 1);
    wel(&ent, 0x86, "V_VP8", 5);
    wel(&ent, 0xE0, vid.p, vid.len);
    wel(&trk, 0xAE, ent.p, ent.len);
    wel(&f, 0x1654AE6B, trk.p, trk.len);

    wuint(&cl, 0xE7, 100);
    /* Xiph lacing: 3 frames, sizes 300 (255 + 45) and 20 coded, the last implied. */
    w8(&blk, 0x85); w8(&blk, 0); w8(&blk, 10); w8(&blk, 0x80 | 0x02);
    w8(&blk, 2); w8(&blk, 255); w8(&blk, 45); w8(&blk, 20);
    for (int i = 0; i < 3; i++) wbytes(&blk, frames[i], sizes[i]);
    wel(&cl, 0xA3, blk.p, blk.len);
    /* EBML lacing: 300, then 20 as a signed difference -280, last implied. */
    blk.len = 0;
    w8(&blk, 0x85); w8(&blk, 0); w8(&blk, 20); w8(&blk, 0x06);
    w8(&blk, 2); w8(&blk, 0x41); w8(&blk, 0x2C);              /* 300 as a 2-byte vint */
    {
        int v = -280 + 8191;   /* 20 - 300 as a 2-byte signed vint: bias 2^13 - 1 */
        w8(&blk, (uint8_t)(0x40 | (v >> 8)));
        w8(&blk, (uint8_t)v);
    }
    for (int i = 0; i < 3; i++) wbytes(&blk, frames[i], sizes[i]);
    wel(&cl, 0xA3, blk.p, blk.len);
    /* Fixed lacing: two frames of 20. */
    blk.len = 0;
    w8(&blk, 0x85); w8(&blk, 0); w8(&blk, 30); w8(&blk, 0x04);
    w8(&blk, 1);
    wbytes(&blk, frames[1], 20);
    wbytes(&blk, frames[1], 20);
    wel(&cl, 0xA3, blk.p, blk.len);
    /* A BlockGroup with a ReferenceBlock (an inter frame) and a BlockDuration. */
    blk.len = 0;
    w8(&blk, 0x85); w8(&blk, 0); w8(&blk, 40); w8(&blk, 0x00);
    wbytes(&blk, frames[2], 7);
    wel(&grp, 0xA1, blk.p, blk.len);
    wuint(&grp, 0xFB, 0xF6);
    wuint(&grp, 0x9B, 33);
    wel(&cl, 0xA0, grp.p, grp.len);
    /* A block of another track: skipped. */
    blk.len = 0;
    w8(&blk, 0x81); w8(&blk, 0); w8(&blk, 50); w8(&blk, 0x80); w8(&blk, 1);
    wel(&cl, 0xA3, blk.p, blk.len);
    wel(&f, 0x1F43B675, cl.p, cl.len);

    rc = mc_webm_demuxer_create(f.p, f.len, &d, NULL, 0);
    MC_CHECK_EQ(rc, MC_OK);
    if (rc == MC_OK) {
        size_t want[] = { 300, 20, 7, 300, 20, 7, 20, 20, 7 };
        int64_t pts[] = { 110, 110, 110, 120, 120, 120, 130, 130, 140 };
        int key[] = { 1, 1, 1, 0, 0, 0, 0, 0, 0 };
        for (int i = 0; i < 9; i++) {
            MC_CHECK_EQ(mc_webm_demuxer_next(d, &pkt), 1);
            MC_CHECK_EQ(pkt.size, want[i]);
            MC_CHECK_EQ(pkt.pts, pts[i] * 1000);
            MC_CHECK_EQ(pkt.keyframe, key[i]);
            MC_CHECK_EQ(pkt.data[0], want[i] == 300 ? 'a' : want[i] == 20 ? 'b' : 'c');
        }
        MC_CHECK_EQ(pkt.duration, 33000);
        MC_CHECK_EQ(mc_webm_demuxer_next(d, &pkt), 0);
        mc_webm_demuxer_destroy(d);
    }
    /* Lace sizes that overrun the block are an error, not a read past it. */
    {
        size_t at = f.len - cl.len;   /* inside the cluster: corrupt the first Xiph size */
        for (size_t i = at; i < f.len; i++)
            if (f.p[i] == 255 && f.p[i + 1] == 45) {
                f.p[i + 1] = 250;
                break;
            }
        MC_CHECK_EQ(mc_webm_demuxer_create(f.p, f.len, &d, NULL, 0), MC_OK);
        MC_CHECK_EQ(mc_webm_demuxer_next(d, &pkt), MC_EFORMAT);
        MC_CHECK(strstr(mc_webm_demuxer_error(d), "lace") != NULL);
        mc_webm_demuxer_destroy(d);
    }
    free(f.p); free(hdr.p); free(trk.p); free(ent.p); free(vid.p); free(cl.p); free(blk.p); free(grp.p);
}

static void test_errors(void)
{
    mc_webm_muxer_config cfg;
    mc_webm_muxer *m = (mc_webm_muxer *)1;
    mc_webm_demuxer *d = (mc_webm_demuxer *)1;
    char detail[256];
    uint8_t data[10] = { 1, 2, 3 };
    const uint8_t *p;
    size_t n;

    MC_CHECK_EQ(mc_webm_muxer_config_default(NULL), MC_EINVAL);
    mc_webm_muxer_config_default(&cfg);
    cfg.video = 0;
    MC_CHECK_EQ(mc_webm_muxer_create(&cfg, &m, detail, sizeof(detail)), MC_EINVAL);
    MC_CHECK(m == NULL && strstr(detail, "track") != NULL);
    mc_webm_muxer_config_default(&cfg);
    cfg.width = 0;
    MC_CHECK_EQ(mc_webm_muxer_create(&cfg, &m, NULL, 0), MC_EDIMENSIONS);
    mc_webm_muxer_config_default(&cfg);
    cfg.video_codec = (mc_video_codec)9;
    MC_CHECK_EQ(mc_webm_muxer_create(&cfg, &m, NULL, 0), MC_ENAME);
    mc_webm_muxer_config_default(&cfg);
    cfg.cluster_ms = 50;
    MC_CHECK_EQ(mc_webm_muxer_create(&cfg, &m, NULL, 0), MC_ERANGE);
    mc_webm_muxer_config_default(&cfg);
    cfg.audio = 1;
    cfg.channels = 3;
    MC_CHECK_EQ(mc_webm_muxer_create(&cfg, &m, NULL, 0), MC_ERANGE);

    mc_webm_muxer_config_default(&cfg);
    MC_CHECK_EQ(mc_webm_muxer_create(&cfg, &m, NULL, 0), MC_OK);
    MC_CHECK_EQ(mc_webm_muxer_write(m, MC_WEBM_AUDIO, data, 3, 0, 0, 1), MC_EINVAL);
    MC_CHECK(strstr(mc_webm_muxer_error(m), "track") != NULL);
    MC_CHECK_EQ(mc_webm_muxer_write(m, 7, data, 3, 0, 0, 1), MC_EINVAL);
    MC_CHECK_EQ(mc_webm_muxer_write(m, MC_WEBM_VIDEO, NULL, 3, 0, 0, 1), MC_EINVAL);
    MC_CHECK_EQ(mc_webm_muxer_write(m, MC_WEBM_VIDEO, data, 0, 0, 0, 1), MC_EINVAL);
    MC_CHECK_EQ(mc_webm_muxer_write(m, MC_WEBM_VIDEO, data, 3, -1, 0, 1), MC_ERANGE);
    MC_CHECK_EQ(mc_webm_muxer_write(m, MC_WEBM_VIDEO, data, 3, 5000, 0, 1), MC_OK);
    MC_CHECK_STR(mc_webm_muxer_error(m), "");
    MC_CHECK_EQ(mc_webm_muxer_write(m, MC_WEBM_VIDEO, data, 3, 5000, 0, 0), MC_ERANGE);
    MC_CHECK_EQ(mc_webm_muxer_write(m, MC_WEBM_VIDEO, data, (size_t)65 << 20, 9000, 0, 0), MC_ELIMIT);
    MC_CHECK_EQ(mc_webm_muxer_header(m, &p, &n), MC_ESTATE);
    MC_CHECK_EQ(mc_webm_muxer_output(m, NULL, &n), MC_EINVAL);
    MC_CHECK_EQ(mc_webm_muxer_finish(m), MC_OK);
    MC_CHECK_EQ(mc_webm_muxer_finish(m), MC_ESTATE);
    MC_CHECK_EQ(mc_webm_muxer_write(m, MC_WEBM_VIDEO, data, 3, 90000, 0, 0), MC_ESTATE);
    MC_CHECK_EQ(mc_webm_muxer_header(m, &p, &n), MC_OK);
    mc_webm_muxer_destroy(m);
    mc_webm_muxer_destroy(NULL);

    MC_CHECK_EQ(mc_webm_demuxer_create(NULL, 0, &d, NULL, 0), MC_EINVAL);
    MC_CHECK(d == NULL);
    MC_CHECK_EQ(mc_webm_demuxer_create(data, sizeof(data), &d, detail, sizeof(detail)), MC_EFORMAT);
    MC_CHECK(strstr(detail, "EBML") != NULL);
    {
        /* A Matroska file with only an unsupported codec. */
        static const uint8_t mkv[] = {
            0x1A, 0x45, 0xDF, 0xA3, 0x88, 0x42, 0x82, 0x85, 'm', 'a', 't', 'r', 'o',
        };
        MC_CHECK_EQ(mc_webm_demuxer_create(mkv, sizeof(mkv), &d, NULL, 0), MC_EFORMAT);
    }
    mc_webm_demuxer_destroy(NULL);
    MC_CHECK_STR(mc_webm_demuxer_error(NULL), "");
}

int main(void)
{
    MC_RUN_TEST(test_seekable_roundtrip_and_structure);
    MC_RUN_TEST(test_other_shapes);
    MC_RUN_TEST(test_every_truncation);
    MC_RUN_TEST(test_lacing_and_groups);
    MC_RUN_TEST(test_errors);
    return mc_test_finish();
}
