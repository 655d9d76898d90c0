/* video.c: VP8/VP9 encoder and decoder over libvpx; colour conversion and scaling
 * through libyuv. See video.h for the contract. */
#include "mediacore/video.h"

#include <stdlib.h>
#include <string.h>

#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>
#include <vpx/vpx_encoder.h>

#include <libyuv/convert.h>
#include <libyuv/convert_argb.h>
#include <libyuv/scale.h>

#include "base/mc_detail.h"

#define MC_ERRLEN 256

/* Microsecond timestamps throughout: libvpx's time base is 1/1000000 s. */
#define MC_US 1000000

static const char *const mc_codec_names[] = { "vp8", "vp9" };

const char *mc_video_codec_name(mc_video_codec codec)
{
    if ((int)codec < 0 || (int)codec > MC_VIDEO_VP9)
        return NULL;
    return mc_codec_names[codec];
}

/* VP9 is built in unless MC_VP9 is 0 (CMake option MC_VP9=OFF): then vpx_codec_vp9_* are
 * never referenced, so the build links with a libvpx configured without VP9. */
#ifndef MC_VP9
#define MC_VP9 1
#endif

int mc_video_codec_available(mc_video_codec codec)
{
    return codec == MC_VIDEO_VP8 || (codec == MC_VIDEO_VP9 && MC_VP9);
}

/* The libvpx encoder (decoder = 0) or decoder interface of an available codec; NULL
 * otherwise. */
static vpx_codec_iface_t *mc_vpx_iface(mc_video_codec codec, int decoder)
{
#if MC_VP9
    if (codec == MC_VIDEO_VP9)
        return decoder ? vpx_codec_vp9_dx() : vpx_codec_vp9_cx();
#endif
    if (codec == MC_VIDEO_VP8)
        return decoder ? vpx_codec_vp8_dx() : vpx_codec_vp8_cx();
    return NULL;
}

int mc_video_codec_from_name(const char *name, mc_video_codec *codec)
{
    if (name == NULL || codec == NULL)
        return MC_EINVAL;
    for (int i = 0; i <= MC_VIDEO_VP9; i++) {
        if (strcmp(name, mc_codec_names[i]) == 0) {
            *codec = (mc_video_codec)i;
            return MC_OK;
        }
    }
    return MC_ENAME;
}

/* libvpx's error codes in ours: a bad bitstream is malformed input, the rest is the codec. */
static int mc_from_vpx(vpx_codec_err_t err)
{
    switch (err) {
    case VPX_CODEC_OK:              return MC_OK;
    case VPX_CODEC_MEM_ERROR:       return MC_ENOMEM;
    case VPX_CODEC_UNSUP_BITSTREAM:
    case VPX_CODEC_CORRUPT_FRAME:   return MC_EFORMAT;
    case VPX_CODEC_UNSUP_FEATURE:
    case VPX_CODEC_INCAPABLE:       return MC_EUNSUPPORTED;
    case VPX_CODEC_INVALID_PARAM:   return MC_ERANGE;
    default:                        return MC_ECODEC;
    }
}

/* Record libvpx's message and detail for a failed call on ctx. */
static int mc_vpx_fail(char *err, vpx_codec_ctx_t *ctx, vpx_codec_err_t res, const char *what)
{
    const char *detail = ctx ? vpx_codec_error_detail(ctx) : NULL;
    return mc_detail(err, MC_ERRLEN, mc_from_vpx(res), "%s: %s%s%s", what,
                     vpx_codec_err_to_string(res), detail ? ": " : "", detail ? detail : "");
}

static size_t mc_half(int32_t n)
{
    return (size_t)(n + 1) / 2;
}

/* Check an I420 view for reading: planes present, strides cover the rows. */
static int mc_i420_check(const mc_i420 *img, int32_t max_dim)
{
    if (img == NULL || img->y == NULL || img->u == NULL || img->v == NULL)
        return MC_EINVAL;
    if (img->width < 1 || img->height < 1 || img->width > max_dim || img->height > max_dim)
        return MC_EDIMENSIONS;
    if (img->y_stride < img->width || (size_t)img->u_stride < mc_half(img->width) ||
        (size_t)img->v_stride < mc_half(img->width))
        return MC_ESTRIDE;
    return MC_OK;
}

/* Re-validate a frame struct (it may have been filled by hand). */
static int mc_frame_recheck(const mc_frame *f)
{
    mc_frame tmp;

    if (f == NULL)
        return MC_EINVAL;
    return mc_frame_wrap(&tmp, f->data, f->size, f->width, f->height, f->stride);
}

/* Both valid, and of one size: what converting between them needs. */
static int check_pair(const mc_i420 *image, const mc_frame *frame)
{
    int rc = mc_i420_check(image, MC_FRAME_MAX_DIM);

    if (rc != MC_OK)
        return rc;
    if ((rc = mc_frame_recheck(frame)) != MC_OK)
        return rc;
    if (frame->width != image->width || frame->height != image->height)
        return MC_EDIMENSIONS;
    return MC_OK;
}

int mc_i420_to_rgba(const mc_i420 *image, const mc_frame *frame)
{
    int rc = check_pair(image, frame);

    if (rc != MC_OK)
        return rc;
    /* libyuv's "ABGR" is a little-endian word, i.e. R, G, B, A bytes in memory. */
    I420ToABGR(image->y, image->y_stride, image->u, image->u_stride, image->v, image->v_stride,
               frame->data, frame->stride, frame->width, frame->height);
    return MC_OK;
}

int mc_rgba_to_i420(const mc_frame *frame, const mc_i420 *image)
{
    int rc = check_pair(image, frame);

    if (rc != MC_OK)
        return rc;
    ABGRToI420(frame->data, frame->stride, image->y, image->y_stride, image->u, image->u_stride,
               image->v, image->v_stride, frame->width, frame->height);
    return MC_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Encoder                                                                             */

struct mc_video_encoder {
    mc_video_encoder_config cfg;
    vpx_codec_ctx_t ctx;
    vpx_codec_enc_cfg_t vcfg;
    vpx_image_t img;             /* owned I420 at the configured size (conversion target) */
    vpx_image_t view;            /* describes caller planes for in-place I420 input */
    uint8_t *scratch;            /* I420 at the input size, when it differs (then scaled) */
    size_t scratch_cap;
    vpx_codec_iter_t iter;
    int64_t last_pts;
    int have_pts;
    int flushed;
    char err[MC_ERRLEN];
};

int mc_video_encoder_config_default(mc_video_encoder_config *cfg, mc_video_codec codec)
{
    if (cfg == NULL)
        return MC_EINVAL;
    if (mc_video_codec_name(codec) == NULL)
        return MC_ENAME;
    memset(cfg, 0, sizeof(*cfg));
    cfg->codec = codec;
    cfg->width = 640;
    cfg->height = 480;
    cfg->framerate = 30;
    cfg->bitrate = 1000000;
    cfg->rate_control = MC_RC_CBR;
    cfg->keyframe_interval = 3000;
    cfg->speed = codec == MC_VIDEO_VP8 ? 6 : 7;
    cfg->min_quantizer = 2;
    cfg->max_quantizer = 56;
    cfg->error_resilient = 0;
    return MC_OK;
}

static int mc_bitrate_ok(int32_t bps)
{
    return bps >= 10000 && bps <= 100000000;
}

/* Validate a config; on failure explain which field is wrong. */
static int mc_encoder_config_check(const mc_video_encoder_config *c, char *err, size_t n)
{
    if (mc_video_codec_name(c->codec) == NULL)
        return mc_detail(err, n, MC_ENAME, "unknown codec %d (expected vp8 or vp9)", (int)c->codec);
    if (!mc_video_codec_available(c->codec))
        return mc_detail(err, n, MC_EUNSUPPORTED, "%s is not in this build (MC_VP9=OFF)",
                         mc_video_codec_name(c->codec));
    if (c->width < 1 || c->height < 1 || c->width > MC_VIDEO_MAX_DIM || c->height > MC_VIDEO_MAX_DIM)
        return mc_detail(err, n, MC_EDIMENSIONS, "size %dx%d: width and height must be 1..%d",
                         (int)c->width, (int)c->height, MC_VIDEO_MAX_DIM);
    if (c->framerate < 1 || c->framerate > 240)
        return mc_detail(err, n, MC_ERANGE, "framerate %d: must be 1..240", (int)c->framerate);
    if (!mc_bitrate_ok(c->bitrate))
        return mc_detail(err, n, MC_ERANGE, "bitrate %d: must be 10000..100000000 bits/s", (int)c->bitrate);
    if (c->rate_control != MC_RC_CBR && c->rate_control != MC_RC_VBR)
        return mc_detail(err, n, MC_ERANGE, "rate control %d: must be CBR (0) or VBR (1)", (int)c->rate_control);
    if (c->keyframe_interval < 0 || c->keyframe_interval > 100000)
        return mc_detail(err, n, MC_ERANGE, "keyframe interval %d: must be 0..100000 frames",
                         (int)c->keyframe_interval);
    if (c->speed < (c->codec == MC_VIDEO_VP8 ? 1 : 0) || c->speed > (c->codec == MC_VIDEO_VP8 ? 16 : 9))
        return mc_detail(err, n, MC_ERANGE, "speed %d: must be %s for %s", (int)c->speed,
                         c->codec == MC_VIDEO_VP8 ? "1..16" : "0..9", mc_video_codec_name(c->codec));
    if (c->min_quantizer < 0 || c->max_quantizer > 63 || c->min_quantizer > c->max_quantizer)
        return mc_detail(err, n, MC_ERANGE, "quantizers %d..%d: need 0 <= min <= max <= 63",
                         (int)c->min_quantizer, (int)c->max_quantizer);
    if (c->error_resilient != 0 && c->error_resilient != 1)
        return mc_detail(err, n, MC_ERANGE, "error_resilient must be 0 or 1");
    return MC_OK;
}

/* Codec controls, set once after init. */
static vpx_codec_err_t mc_encoder_controls(mc_video_encoder *enc)
{
    vpx_codec_ctx_t *ctx = &enc->ctx;
    vpx_codec_err_t res;

    if (enc->cfg.codec == MC_VIDEO_VP8) {
        /* In realtime mode a negative cpu_used is a fixed speed; a positive one lets libvpx
         * pick the speed from measured encode times, which makes the output depend on the
         * machine's load. We want the same bytes for the same input everywhere. */
        if ((res = vpx_codec_control(ctx, VP8E_SET_CPUUSED, -(int)enc->cfg.speed)) != VPX_CODEC_OK)
            return res;
        if ((res = vpx_codec_control(ctx, VP8E_SET_NOISE_SENSITIVITY, 0u)) != VPX_CODEC_OK)
            return res;
        /* Cap keyframes at 3x an average frame so CBR keyframes don't burst the channel. */
        if (enc->cfg.rate_control == MC_RC_CBR &&
            (res = vpx_codec_control(ctx, VP8E_SET_MAX_INTRA_BITRATE_PCT, 300u)) != VPX_CODEC_OK)
            return res;
        return VPX_CODEC_OK;
    }
    if ((res = vpx_codec_control(ctx, VP8E_SET_CPUUSED, (int)enc->cfg.speed)) != VPX_CODEC_OK)
        return res;
    /* Cyclic refresh: the realtime AQ mode that keeps CBR quality steady. */
    if ((res = vpx_codec_control(ctx, VP9E_SET_AQ_MODE,
                                 enc->cfg.rate_control == MC_RC_CBR ? 3u : 0u)) != VPX_CODEC_OK)
        return res;
    if ((res = vpx_codec_control(ctx, VP9E_SET_TILE_COLUMNS, 0)) != VPX_CODEC_OK)
        return res;
    if ((res = vpx_codec_control(ctx, VP9E_SET_NOISE_SENSITIVITY, 0)) != VPX_CODEC_OK)
        return res;
    return VPX_CODEC_OK;
}

int mc_video_encoder_create(const mc_video_encoder_config *cfg, mc_video_encoder **out,
                            char *detail, size_t detail_size)
{
    mc_video_encoder *enc;
    vpx_codec_iface_t *iface;
    vpx_codec_err_t res;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (cfg == NULL || out == NULL)
        return mc_detail(detail, detail_size, MC_EINVAL, "config and out must not be NULL");
    rc = mc_encoder_config_check(cfg, detail, detail_size);
    if (rc != MC_OK)
        return rc;

    enc = calloc(1, sizeof(*enc));
    if (enc == NULL)
        return mc_detail(detail, detail_size, MC_ENOMEM, "out of memory for the encoder");
    enc->cfg = *cfg;
    iface = mc_vpx_iface(cfg->codec, 0);

    res = vpx_codec_enc_config_default(iface, &enc->vcfg, 0);
    if (res != VPX_CODEC_OK) {
        free(enc);
        return mc_vpx_fail(detail ? detail : enc->err, NULL, res, "vpx_codec_enc_config_default");
    }
    enc->vcfg.g_w = (unsigned)cfg->width;
    enc->vcfg.g_h = (unsigned)cfg->height;
    enc->vcfg.g_timebase.num = 1;
    enc->vcfg.g_timebase.den = MC_US;
    enc->vcfg.g_threads = 1;
    enc->vcfg.g_lag_in_frames = 0;     /* realtime: one frame in, its packet out */
    enc->vcfg.g_pass = VPX_RC_ONE_PASS;
    enc->vcfg.g_error_resilient = cfg->error_resilient ? VPX_ERROR_RESILIENT_DEFAULT : 0;
    enc->vcfg.rc_end_usage = cfg->rate_control == MC_RC_CBR ? VPX_CBR : VPX_VBR;
    enc->vcfg.rc_target_bitrate = (unsigned)(cfg->bitrate / 1000);
    enc->vcfg.rc_min_quantizer = (unsigned)cfg->min_quantizer;
    enc->vcfg.rc_max_quantizer = (unsigned)cfg->max_quantizer;
    enc->vcfg.rc_dropframe_thresh = 0;  /* every frame in gives a frame out */
    enc->vcfg.rc_resize_allowed = 0;
    if (cfg->rate_control == MC_RC_CBR) {
        /* Buffer model in milliseconds, as WebRTC configures libvpx for calls. */
        enc->vcfg.rc_buf_initial_sz = 500;
        enc->vcfg.rc_buf_optimal_sz = 600;
        enc->vcfg.rc_buf_sz = 1000;
        enc->vcfg.rc_undershoot_pct = 100;
        enc->vcfg.rc_overshoot_pct = 15;
    }
    if (cfg->keyframe_interval == 0) {
        enc->vcfg.kf_mode = VPX_KF_DISABLED;
    } else {
        enc->vcfg.kf_mode = VPX_KF_AUTO;
        enc->vcfg.kf_min_dist = 0;
        enc->vcfg.kf_max_dist = (unsigned)cfg->keyframe_interval;
    }

    res = vpx_codec_enc_init(&enc->ctx, iface, &enc->vcfg, 0);
    if (res != VPX_CODEC_OK) {
        rc = mc_vpx_fail(detail, &enc->ctx, res, "vpx_codec_enc_init");
        vpx_codec_destroy(&enc->ctx);
        free(enc);
        return rc;
    }
    res = mc_encoder_controls(enc);
    if (res != VPX_CODEC_OK) {
        rc = mc_vpx_fail(detail, &enc->ctx, res, "vpx_codec_control");
        vpx_codec_destroy(&enc->ctx);
        free(enc);
        return rc;
    }
    if (vpx_img_alloc(&enc->img, VPX_IMG_FMT_I420, (unsigned)cfg->width, (unsigned)cfg->height, 32) == NULL) {
        vpx_codec_destroy(&enc->ctx);
        free(enc);
        return mc_detail(detail, detail_size, MC_ENOMEM, "out of memory for a %dx%d I420 frame",
                         (int)cfg->width, (int)cfg->height);
    }
    *out = enc;
    return MC_OK;
}

void mc_video_encoder_destroy(mc_video_encoder *enc)
{
    if (enc == NULL)
        return;
    vpx_codec_destroy(&enc->ctx);
    vpx_img_free(&enc->img);
    free(enc->scratch);
    free(enc);
}

const mc_video_encoder_config *mc_video_encoder_config_get(const mc_video_encoder *enc)
{
    return enc ? &enc->cfg : NULL;
}

const char *mc_video_encoder_error(const mc_video_encoder *enc)
{
    return enc ? enc->err : "";
}

/* The owned I420 frame as an mc_i420 view. */
static mc_i420 mc_img_view(const vpx_image_t *img)
{
    mc_i420 v;

    v.y = img->planes[VPX_PLANE_Y];
    v.u = img->planes[VPX_PLANE_U];
    v.v = img->planes[VPX_PLANE_V];
    v.y_stride = img->stride[VPX_PLANE_Y];
    v.u_stride = img->stride[VPX_PLANE_U];
    v.v_stride = img->stride[VPX_PLANE_V];
    v.width = (int32_t)img->d_w;
    v.height = (int32_t)img->d_h;
    return v;
}

/* An I420 buffer of w x h in enc->scratch (grown only when too small). */
static int mc_scratch_i420(mc_video_encoder *enc, int32_t w, int32_t h, mc_i420 *v)
{
    size_t ys = (size_t)w * (size_t)h, cs = mc_half(w) * mc_half(h);
    size_t need = ys + 2 * cs;

    if (need > enc->scratch_cap) {
        uint8_t *p = malloc(need);
        if (p == NULL)
            return MC_ENOMEM;
        free(enc->scratch);
        enc->scratch = p;
        enc->scratch_cap = need;
    }
    v->y = enc->scratch;
    v->u = enc->scratch + ys;
    v->v = enc->scratch + ys + cs;
    v->y_stride = w;
    v->u_stride = v->v_stride = (int32_t)mc_half(w);
    v->width = w;
    v->height = h;
    return MC_OK;
}

/* Checks shared by both encode calls; returns MC_OK or fails with a detail. */
static int mc_encode_precheck(mc_video_encoder *enc, int64_t pts, int64_t duration, unsigned flags)
{
    if (enc->flushed)
        return mc_detail(enc->err, MC_ERRLEN, MC_ESTATE, "the encoder was flushed; create a new one");
    if (flags & ~MC_VIDEO_FORCE_KEYFRAME)
        return mc_detail(enc->err, MC_ERRLEN, MC_ERANGE, "unknown flags 0x%x", flags);
    if (duration < 0 || duration > 3600LL * MC_US)
        return mc_detail(enc->err, MC_ERRLEN, MC_ERANGE, "duration %lld us out of range",
                         (long long)duration);
    if (pts < 0 || pts > (INT64_C(1) << 52))
        return mc_detail(enc->err, MC_ERRLEN, MC_ERANGE, "pts %lld us out of range", (long long)pts);
    if (enc->have_pts && pts <= enc->last_pts)
        return mc_detail(enc->err, MC_ERRLEN, MC_ERANGE,
                         "pts %lld us is not after the previous frame's %lld us",
                         (long long)pts, (long long)enc->last_pts);
    return MC_OK;
}

/* Hand an I420 image at the configured size to libvpx. */
static int mc_encode_image(mc_video_encoder *enc, vpx_image_t *img, int64_t pts,
                           int64_t duration, unsigned flags)
{
    vpx_enc_frame_flags_t vflags = (flags & MC_VIDEO_FORCE_KEYFRAME) ? VPX_EFLAG_FORCE_KF : 0;
    vpx_codec_err_t res;

    if (duration == 0)
        duration = (MC_US + enc->cfg.framerate / 2) / enc->cfg.framerate;
    enc->iter = NULL;
    res = vpx_codec_encode(&enc->ctx, img, (vpx_codec_pts_t)pts, (unsigned long)duration,
                           vflags, VPX_DL_REALTIME);
    if (res != VPX_CODEC_OK)
        return mc_vpx_fail(enc->err, &enc->ctx, res, "vpx_codec_encode");
    enc->last_pts = pts;
    enc->have_pts = 1;
    enc->err[0] = '\0';
    return MC_OK;
}

int mc_video_encoder_encode(mc_video_encoder *enc, const mc_frame *frame, int64_t pts,
                            int64_t duration, unsigned flags)
{
    mc_i420 dst;
    int rc;

    if (enc == NULL)
        return MC_EINVAL;
    enc->iter = NULL;
    if ((rc = mc_frame_recheck(frame)) != MC_OK)
        return mc_detail(enc->err, MC_ERRLEN, rc, "invalid RGBA frame: %s", mc_strerror(rc));
    if ((rc = mc_encode_precheck(enc, pts, duration, flags)) != MC_OK)
        return rc;

    dst = mc_img_view(&enc->img);
    if (frame->width == enc->cfg.width && frame->height == enc->cfg.height) {
        ABGRToI420(frame->data, frame->stride, dst.y, dst.y_stride, dst.u, dst.u_stride,
                   dst.v, dst.v_stride, frame->width, frame->height);
    } else {
        mc_i420 mid;
        if (mc_scratch_i420(enc, frame->width, frame->height, &mid) != MC_OK)
            return mc_detail(enc->err, MC_ERRLEN, MC_ENOMEM, "out of memory scaling a %dx%d frame",
                             (int)frame->width, (int)frame->height);
        ABGRToI420(frame->data, frame->stride, mid.y, mid.y_stride, mid.u, mid.u_stride,
                   mid.v, mid.v_stride, frame->width, frame->height);
        I420Scale(mid.y, mid.y_stride, mid.u, mid.u_stride, mid.v, mid.v_stride,
                  mid.width, mid.height, dst.y, dst.y_stride, dst.u, dst.u_stride,
                  dst.v, dst.v_stride, dst.width, dst.height, kFilterBox);
    }
    return mc_encode_image(enc, &enc->img, pts, duration, flags);
}

int mc_video_encoder_encode_i420(mc_video_encoder *enc, const mc_i420 *image, int64_t pts,
                                 int64_t duration, unsigned flags)
{
    int rc;

    if (enc == NULL)
        return MC_EINVAL;
    enc->iter = NULL;
    if ((rc = mc_i420_check(image, MC_FRAME_MAX_DIM)) != MC_OK)
        return mc_detail(enc->err, MC_ERRLEN, rc, "invalid I420 image: %s", mc_strerror(rc));
    if ((rc = mc_encode_precheck(enc, pts, duration, flags)) != MC_OK)
        return rc;

    if (image->width == enc->cfg.width && image->height == enc->cfg.height) {
        /* Read the caller's planes in place: libvpx copies the source into its own
         * bordered frame buffer during the call. */
        vpx_image_t *v = &enc->view;
        *v = enc->img;
        v->img_data = NULL;
        v->img_data_owner = 0;
        v->self_allocd = 0;
        v->planes[VPX_PLANE_Y] = image->y;
        v->planes[VPX_PLANE_U] = image->u;
        v->planes[VPX_PLANE_V] = image->v;
        v->stride[VPX_PLANE_Y] = image->y_stride;
        v->stride[VPX_PLANE_U] = image->u_stride;
        v->stride[VPX_PLANE_V] = image->v_stride;
        return mc_encode_image(enc, v, pts, duration, flags);
    }
    mc_i420 dst = mc_img_view(&enc->img);
    I420Scale(image->y, image->y_stride, image->u, image->u_stride, image->v, image->v_stride,
              image->width, image->height, dst.y, dst.y_stride, dst.u, dst.u_stride,
              dst.v, dst.v_stride, dst.width, dst.height, kFilterBox);
    return mc_encode_image(enc, &enc->img, pts, duration, flags);
}

int mc_video_encoder_next_packet(mc_video_encoder *enc, mc_video_packet *pkt)
{
    const vpx_codec_cx_pkt_t *p;

    if (enc == NULL || pkt == NULL)
        return MC_EINVAL;
    while ((p = vpx_codec_get_cx_data(&enc->ctx, &enc->iter)) != NULL) {
        if (p->kind != VPX_CODEC_CX_FRAME_PKT)
            continue;
        pkt->data = p->data.frame.buf;
        pkt->size = p->data.frame.sz;
        pkt->pts = p->data.frame.pts;
        pkt->duration = (int64_t)p->data.frame.duration;
        pkt->keyframe = (p->data.frame.flags & VPX_FRAME_IS_KEY) ? 1 : 0;
        return 1;
    }
    memset(pkt, 0, sizeof(*pkt));
    return 0;
}

int mc_video_encoder_flush(mc_video_encoder *enc)
{
    vpx_codec_err_t res;

    if (enc == NULL)
        return MC_EINVAL;
    enc->iter = NULL;
    res = vpx_codec_encode(&enc->ctx, NULL, 0, 0, 0, VPX_DL_REALTIME);
    enc->flushed = 1;
    if (res != VPX_CODEC_OK)
        return mc_vpx_fail(enc->err, &enc->ctx, res, "vpx_codec_encode (flush)");
    enc->err[0] = '\0';
    return MC_OK;
}

int mc_video_encoder_set_bitrate(mc_video_encoder *enc, int32_t bitrate)
{
    vpx_codec_err_t res;

    if (enc == NULL)
        return MC_EINVAL;
    enc->iter = NULL;
    if (!mc_bitrate_ok(bitrate))
        return mc_detail(enc->err, MC_ERRLEN, MC_ERANGE,
                         "bitrate %d: must be 10000..100000000 bits/s", (int)bitrate);
    enc->vcfg.rc_target_bitrate = (unsigned)(bitrate / 1000);
    res = vpx_codec_enc_config_set(&enc->ctx, &enc->vcfg);
    if (res != VPX_CODEC_OK)
        return mc_vpx_fail(enc->err, &enc->ctx, res, "vpx_codec_enc_config_set");
    enc->cfg.bitrate = bitrate;
    enc->err[0] = '\0';
    return MC_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Decoder                                                                             */

struct mc_video_decoder {
    mc_video_decoder_config cfg;
    vpx_codec_ctx_t ctx;
    vpx_codec_iface_t *iface;
    vpx_image_t *img;            /* last frame, owned by libvpx until the next decode */
    mc_video_frame_info info;
    int32_t last_w, last_h;
    int need_keyframe;
    char err[MC_ERRLEN];
};

int mc_video_decoder_config_default(mc_video_decoder_config *cfg, mc_video_codec codec)
{
    if (cfg == NULL)
        return MC_EINVAL;
    if (mc_video_codec_name(codec) == NULL)
        return MC_ENAME;
    memset(cfg, 0, sizeof(*cfg));
    cfg->codec = codec;
    cfg->max_width = MC_VIDEO_MAX_DIM;
    cfg->max_height = MC_VIDEO_MAX_DIM;
    return MC_OK;
}

int mc_video_decoder_create(const mc_video_decoder_config *cfg, mc_video_decoder **out,
                            char *detail, size_t detail_size)
{
    vpx_codec_dec_cfg_t dcfg = { 1, 0, 0 };   /* one thread; size from the stream */
    mc_video_decoder *dec;
    vpx_codec_err_t res;
    int rc;

    if (out != NULL)
        *out = NULL;
    if (cfg == NULL || out == NULL)
        return mc_detail(detail, detail_size, MC_EINVAL, "config and out must not be NULL");
    if (mc_video_codec_name(cfg->codec) == NULL)
        return mc_detail(detail, detail_size, MC_ENAME, "unknown codec %d (expected vp8 or vp9)",
                         (int)cfg->codec);
    if (!mc_video_codec_available(cfg->codec))
        return mc_detail(detail, detail_size, MC_EUNSUPPORTED, "%s is not in this build (MC_VP9=OFF)",
                         mc_video_codec_name(cfg->codec));
    if (cfg->max_width < 1 || cfg->max_height < 1 || cfg->max_width > MC_VIDEO_MAX_DIM ||
        cfg->max_height > MC_VIDEO_MAX_DIM)
        return mc_detail(detail, detail_size, MC_EDIMENSIONS,
                         "maximum size %dx%d: must be 1..%d", (int)cfg->max_width,
                         (int)cfg->max_height, MC_VIDEO_MAX_DIM);
    dec = calloc(1, sizeof(*dec));
    if (dec == NULL)
        return mc_detail(detail, detail_size, MC_ENOMEM, "out of memory for the decoder");
    dec->cfg = *cfg;
    dec->iface = mc_vpx_iface(cfg->codec, 1);
    res = vpx_codec_dec_init(&dec->ctx, dec->iface, &dcfg, 0);
    if (res != VPX_CODEC_OK) {
        rc = mc_vpx_fail(detail, &dec->ctx, res, "vpx_codec_dec_init");
        vpx_codec_destroy(&dec->ctx);
        free(dec);
        return rc;
    }
    dec->need_keyframe = 1;
    *out = dec;
    return MC_OK;
}

void mc_video_decoder_destroy(mc_video_decoder *dec)
{
    if (dec == NULL)
        return;
    vpx_codec_destroy(&dec->ctx);
    free(dec);
}

const char *mc_video_decoder_error(const mc_video_decoder *dec)
{
    return dec ? dec->err : "";
}

/* After a failed packet: no frame to read, and only a keyframe may follow. */
static int mc_decode_failed(mc_video_decoder *dec, int rc)
{
    dec->img = NULL;
    dec->need_keyframe = 1;
    return rc;
}

int mc_video_decoder_decode(mc_video_decoder *dec, const uint8_t *data, size_t size, int64_t pts)
{
    vpx_codec_stream_info_t si;
    vpx_codec_err_t res;
    vpx_codec_iter_t iter = NULL;
    vpx_image_t *img, *next;
    int corrupted = 0;

    if (dec == NULL)
        return MC_EINVAL;
    dec->img = NULL;
    if (data == NULL || size == 0)
        return mc_detail(dec->err, MC_ERRLEN, MC_EINVAL, "empty packet");
    if (size > UINT32_MAX / 2)
        return mc_decode_failed(dec, mc_detail(dec->err, MC_ERRLEN, MC_EFORMAT,
                                               "packet of %zu bytes is too large", size));

    /* Peek at the uncompressed header: keyframe or not, and a keyframe's size. VP8's
     * peek reports inter frames as "unsupported" with is_kf = 0: that is not an error. */
    memset(&si, 0, sizeof(si));
    si.sz = sizeof(si);
    res = vpx_codec_peek_stream_info(dec->iface, data, (unsigned)size, &si);
    if (res != VPX_CODEC_OK && (si.is_kf || dec->cfg.codec == MC_VIDEO_VP9))
        return mc_decode_failed(dec, mc_vpx_fail(dec->err, NULL, res, "malformed frame header"));
    if (si.is_kf && (si.w == 0 || si.h == 0))
        return mc_decode_failed(dec, mc_detail(dec->err, MC_ERRLEN, MC_EFORMAT,
                                               "keyframe with size %ux%u", si.w, si.h));
    if (si.is_kf && ((int64_t)si.w > dec->cfg.max_width || (int64_t)si.h > dec->cfg.max_height))
        return mc_decode_failed(dec, mc_detail(dec->err, MC_ERRLEN, MC_EDIMENSIONS,
                                               "keyframe of %ux%u exceeds the maximum %dx%d",
                                               si.w, si.h, (int)dec->cfg.max_width,
                                               (int)dec->cfg.max_height));
    if (!si.is_kf && dec->need_keyframe)
        return mc_detail(dec->err, MC_ERRLEN, MC_ESTATE,
                         "waiting for a keyframe: inter frame skipped");

    res = vpx_codec_decode(&dec->ctx, data, (unsigned)size, NULL, 0);
    if (res != VPX_CODEC_OK)
        return mc_decode_failed(dec, mc_vpx_fail(dec->err, &dec->ctx, res, "vpx_codec_decode"));
    /* Drain every frame; the last one is the one to show. */
    img = NULL;
    while ((next = vpx_codec_get_frame(&dec->ctx, &iter)) != NULL)
        img = next;
    /* Asked after get_frame: VP9 answers for the frame get_frame last returned. */
    if (img != NULL &&
        vpx_codec_control(&dec->ctx, VP8D_GET_FRAME_CORRUPTED, &corrupted) == VPX_CODEC_OK &&
        corrupted)
        return mc_decode_failed(dec, mc_detail(dec->err, MC_ERRLEN, MC_EFORMAT,
                                               "the frame decoded with corrupt data"));
    dec->need_keyframe = 0;
    dec->err[0] = '\0';
    if (img == NULL)
        return 0;
    if (img->fmt != VPX_IMG_FMT_I420 && img->fmt != VPX_IMG_FMT_YV12)
        return mc_decode_failed(dec, mc_detail(dec->err, MC_ERRLEN, MC_EUNSUPPORTED,
                                               "decoded format 0x%x is not 8-bit 4:2:0 "
                                               "(VP9 profile 1-3 streams are not supported)",
                                               (unsigned)img->fmt));
    if ((int64_t)img->d_w > dec->cfg.max_width || (int64_t)img->d_h > dec->cfg.max_height)
        return mc_decode_failed(dec, mc_detail(dec->err, MC_ERRLEN, MC_EDIMENSIONS,
                                               "frame of %ux%u exceeds the maximum %dx%d",
                                               img->d_w, img->d_h, (int)dec->cfg.max_width,
                                               (int)dec->cfg.max_height));
    dec->img = img;
    dec->info.width = (int32_t)img->d_w;
    dec->info.height = (int32_t)img->d_h;
    dec->info.pts = pts;
    dec->info.keyframe = si.is_kf ? 1 : 0;
    dec->info.size_changed = dec->info.width != dec->last_w || dec->info.height != dec->last_h;
    dec->last_w = dec->info.width;
    dec->last_h = dec->info.height;
    return 1;
}

int mc_video_decoder_frame(mc_video_decoder *dec, mc_i420 *image, mc_video_frame_info *info)
{
    if (dec == NULL || image == NULL)
        return MC_EINVAL;
    if (dec->img == NULL)
        return mc_detail(dec->err, MC_ERRLEN, MC_ESTATE, "no decoded frame is ready");
    *image = mc_img_view(dec->img);   /* planes[] are indexed Y, U, V in any layout */
    if (info != NULL)
        *info = dec->info;
    return MC_OK;
}

int mc_video_decoder_frame_rgba(mc_video_decoder *dec, const mc_frame *frame)
{
    mc_i420 image;
    int rc;

    if (dec == NULL)
        return MC_EINVAL;
    if ((rc = mc_video_decoder_frame(dec, &image, NULL)) != MC_OK)
        return rc;
    if ((rc = mc_frame_recheck(frame)) != MC_OK)
        return mc_detail(dec->err, MC_ERRLEN, rc, "invalid RGBA frame: %s", mc_strerror(rc));
    if (frame->width != image.width || frame->height != image.height)
        return mc_detail(dec->err, MC_ERRLEN, MC_EDIMENSIONS,
                         "RGBA frame is %dx%d but the decoded frame is %dx%d",
                         (int)frame->width, (int)frame->height, (int)image.width, (int)image.height);
    return mc_i420_to_rgba(&image, frame);
}
