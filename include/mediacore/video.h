/* video.h: VP8 and VP9 encoding and decoding (libvpx), with RGBA <-> I420 conversion and
 * scaling (libyuv).
 *
 * Encoder: RGBA frames (what a canvas gives, see frame.h) or I420 planes go in; compressed
 * packets come out. The RGBA frame is converted to I420 by libyuv (ABGRToI420: RGBA bytes
 * in memory) into a buffer the encoder owns, scaled first when its size differs from the
 * configured one. Packets are borrowed from the encoder (see mc_video_encoder_next_packet).
 *
 * Decoder: packets go in; I420 planes (borrowed) or RGBA (into caller memory) come out.
 * A corrupt or truncated packet is an error for that packet; the decoder then refuses
 * inter frames (MC_ESTATE) until the next keyframe, which decodes normally.
 *
 * Times are microseconds (int64). Nothing here has global state: create as many encoders
 * and decoders as you like and use each from one thread at a time. After creation the
 * per-frame calls allocate nothing, except when a frame of a new size arrives (the
 * encoder's scaling buffer, the decoder's frame buffers inside libvpx).
 *
 * Every call that fails returns a negative MC_E* code and leaves a readable detail in the
 * handle (libvpx's own detail included), read with mc_video_encoder_error() or
 * mc_video_decoder_error(); creation failures write the detail to a caller buffer.
 */
#ifndef MC_VIDEO_H
#define MC_VIDEO_H

#include <stddef.h>
#include <stdint.h>

#include "codec_ids.h"
#include "frame.h"
#include "mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Rate control. */
typedef enum mc_rate_control {
    MC_RC_CBR = 0,   /**< constant bitrate: for calls and live streams */
    MC_RC_VBR = 1    /**< variable bitrate: for recordings */
} mc_rate_control;

/** Flags for mc_video_encoder_encode*(). */
#define MC_VIDEO_FORCE_KEYFRAME 1u

/**
 * A view of a planar 8-bit YUV 4:2:0 image (BT.601, limited range); chroma planes are
 * (width+1)/2 x (height+1)/2. Functions that read an image take `const mc_i420 *` and never
 * write through it; images borrowed from a decoder must not be written either.
 */
typedef struct mc_i420 {
    uint8_t *y, *u, *v;         /**< first byte of each plane's top row */
    int32_t y_stride;           /**< bytes between rows of y, >= width */
    int32_t u_stride, v_stride; /**< bytes between rows of u and v, >= (width+1)/2 */
    int32_t width, height;      /**< luma size in pixels */
} mc_i420;

/** Encoder settings. Fill with mc_video_encoder_config_default(), then change fields. */
typedef struct mc_video_encoder_config {
    mc_video_codec codec;         /**< MC_VIDEO_VP8 or MC_VIDEO_VP9 */
    int32_t width, height;        /**< encoded size, 1..MC_VIDEO_MAX_DIM (default 640x480) */
    int32_t framerate;            /**< nominal frames per second for rate control, 1..240 (30) */
    int32_t bitrate;              /**< target, bits per second, 10000..100000000 (1000000) */
    mc_rate_control rate_control; /**< default MC_RC_CBR */
    int32_t keyframe_interval;    /**< most frames between keyframes; 0: only on demand (3000) */
    int32_t speed;                /**< realtime speed, fixed (never adapted to the machine's
                                       load, so the output is reproducible): VP8 1..16
                                       (default 6, as WebRTC uses), VP9 0..9 (default 7;
                                       5..9 are the realtime speeds); higher is faster with
                                       lower quality */
    int32_t min_quantizer;        /**< 0..63 (default 2) */
    int32_t max_quantizer;        /**< min_quantizer..63 (default 56) */
    int32_t error_resilient;      /**< 1: frames decodable after losses (for lossy transports) */
} mc_video_encoder_config;

/** One compressed frame. `data` is borrowed: see mc_video_encoder_next_packet(). */
typedef struct mc_video_packet {
    const uint8_t *data;
    size_t size;
    int64_t pts;        /**< presentation time, microseconds, as given to encode */
    int64_t duration;   /**< microseconds */
    int32_t keyframe;   /**< 1 for a keyframe (decodable on its own) */
} mc_video_packet;

typedef struct mc_video_encoder mc_video_encoder;

/**
 * Fill `cfg` with the defaults above for `codec`.
 * @return MC_OK, MC_EINVAL (cfg NULL) or MC_ENAME (unknown codec).
 */
int mc_video_encoder_config_default(mc_video_encoder_config *cfg, mc_video_codec codec);

/**
 * Create an encoder. On success *out owns an encoder; free it with
 * mc_video_encoder_destroy(). On failure *out is NULL and, when `detail` is not NULL, a
 * NUL-terminated explanation (which field, or libvpx's message) is written to it.
 * @return MC_OK, MC_EINVAL (NULL cfg/out), MC_ENAME (codec), MC_EUNSUPPORTED (codec not
 *         in this build, see mc_video_codec_available()), MC_EDIMENSIONS (size),
 *         MC_ERANGE (any other field out of range), MC_ENOMEM, MC_ECODEC (libvpx refused).
 */
int mc_video_encoder_create(const mc_video_encoder_config *cfg, mc_video_encoder **out,
                            char *detail, size_t detail_size);

/** Free the encoder and everything it owns. NULL is a no-op. */
void mc_video_encoder_destroy(mc_video_encoder *enc);

/**
 * Encode one RGBA frame (frame.h: R,G,B,A bytes; alpha ignored). When its size differs
 * from the configured size it is scaled (libyuv, box filter) to fit. `pts` must be
 * greater than the previous frame's. `duration` in microseconds; 0 means 1/framerate.
 * `flags`: 0 or MC_VIDEO_FORCE_KEYFRAME. Packets are then read with
 * mc_video_encoder_next_packet(); previously returned packets become invalid.
 * @return MC_OK, MC_EINVAL (NULL), the errors of mc_frame_wrap() for a bad frame,
 *         MC_ERANGE (pts not increasing, negative duration, unknown flags),
 *         MC_ESTATE (after flush), MC_ENOMEM, MC_ECODEC.
 */
int mc_video_encoder_encode(mc_video_encoder *enc, const mc_frame *frame, int64_t pts,
                            int64_t duration, unsigned flags);

/**
 * As mc_video_encoder_encode() for an I420 image. When its size equals the configured
 * size the planes are read in place (no copy); otherwise they are scaled.
 * @return additionally MC_ESTRIDE for strides smaller than the rows.
 */
int mc_video_encoder_encode_i420(mc_video_encoder *enc, const mc_i420 *image, int64_t pts,
                                 int64_t duration, unsigned flags);

/**
 * Take the next packet produced by the last encode or flush call.
 * `pkt->data` points into the encoder and stays valid until the next call to
 * encode, encode_i420, flush, set_bitrate or destroy on this encoder.
 * @return 1 (a packet was stored in *pkt), 0 (no more packets) or MC_EINVAL.
 */
int mc_video_encoder_next_packet(mc_video_encoder *enc, mc_video_packet *pkt);

/**
 * Finish the stream: packets still held by the encoder become available through
 * mc_video_encoder_next_packet(). After a flush the encoder accepts no more frames.
 * @return MC_OK, MC_EINVAL, MC_ECODEC.
 */
int mc_video_encoder_flush(mc_video_encoder *enc);

/**
 * Change the target bitrate (bits per second, same range as the config) while running;
 * it applies from the next frame.
 * @return MC_OK, MC_EINVAL, MC_ERANGE, MC_ECODEC.
 */
int mc_video_encoder_set_bitrate(mc_video_encoder *enc, int32_t bitrate);

/** The configuration in use (with the current bitrate). */
const mc_video_encoder_config *mc_video_encoder_config_get(const mc_video_encoder *enc);

/** Detail of the last failed call on `enc` ("" after a success); static "" for NULL. */
const char *mc_video_encoder_error(const mc_video_encoder *enc);

/* ---------------------------------------------------------------------------------- */

/** Decoder settings. Fill with mc_video_decoder_config_default(). */
typedef struct mc_video_decoder_config {
    mc_video_codec codec;     /**< MC_VIDEO_VP8 or MC_VIDEO_VP9 */
    int32_t max_width;        /**< frames larger than this are refused (MC_EDIMENSIONS); */
    int32_t max_height;       /**<   default MC_VIDEO_MAX_DIM x MC_VIDEO_MAX_DIM */
} mc_video_decoder_config;

/** What the last decoded frame is. */
typedef struct mc_video_frame_info {
    int32_t width, height;    /**< display size in pixels */
    int64_t pts;              /**< as given to mc_video_decoder_decode() */
    int32_t keyframe;         /**< 1 when the packet was a keyframe */
    int32_t size_changed;     /**< 1 when the size differs from the previous frame's (or first) */
} mc_video_frame_info;

typedef struct mc_video_decoder mc_video_decoder;

/** Defaults for `codec`. @return MC_OK, MC_EINVAL, MC_ENAME. */
int mc_video_decoder_config_default(mc_video_decoder_config *cfg, mc_video_codec codec);

/**
 * Create a decoder; the same ownership and detail rules as mc_video_encoder_create().
 * @return MC_OK, MC_EINVAL, MC_ENAME, MC_EUNSUPPORTED, MC_EDIMENSIONS, MC_ENOMEM,
 *         MC_ECODEC.
 */
int mc_video_decoder_create(const mc_video_decoder_config *cfg, mc_video_decoder **out,
                            char *detail, size_t detail_size);

/** Free the decoder. NULL is a no-op. */
void mc_video_decoder_destroy(mc_video_decoder *dec);

/**
 * Decode one packet (`size` bytes at `data`, read during the call only).
 * @return 1 when a frame is ready (read it with mc_video_decoder_frame*), 0 when the
 *         packet produced no visible frame, or an error:
 *         MC_EINVAL (NULL or empty packet),
 *         MC_EFORMAT (corrupt, truncated or unsupported packet; also reported by libvpx),
 *         MC_ESTATE (an inter frame while waiting for a keyframe: first packet, or after
 *                    an error; the packet is skipped),
 *         MC_EDIMENSIONS (larger than the configured maximum), MC_ENOMEM, MC_ECODEC.
 *         After any error the previous frame is no longer available, and decoding
 *         resumes at the next keyframe.
 */
int mc_video_decoder_decode(mc_video_decoder *dec, const uint8_t *data, size_t size, int64_t pts);

/**
 * The last decoded frame as borrowed I420 planes, valid until the next decode or destroy.
 * `info` may be NULL. @return MC_OK, MC_EINVAL, MC_ESTATE (no frame ready).
 */
int mc_video_decoder_frame(mc_video_decoder *dec, mc_i420 *image, mc_video_frame_info *info);

/**
 * Convert the last decoded frame to RGBA (alpha 255) into caller memory `frame`, whose
 * width and height must equal the frame's.
 * @return MC_OK, MC_EINVAL, the errors of mc_frame_wrap(), MC_EDIMENSIONS (size differs),
 *         MC_ESTATE (no frame ready).
 */
int mc_video_decoder_frame_rgba(mc_video_decoder *dec, const mc_frame *frame);

/** Detail of the last failed call on `dec` ("" after a success). */
const char *mc_video_decoder_error(const mc_video_decoder *dec);

/** The codec's name ("vp8", "vp9") or NULL; and the reverse (MC_ENAME for others). */
const char *mc_video_codec_name(mc_video_codec codec);
int mc_video_codec_from_name(const char *name, mc_video_codec *codec);

/**
 * 1 when this build encodes and decodes `codec`; 0 for an unknown codec, and for VP9 in a
 * build configured with MC_VP9=OFF (for a libvpx without VP9: only VP8 is linked). Creating
 * an encoder or decoder for a codec not built in fails with MC_EUNSUPPORTED.
 */
int mc_video_codec_available(mc_video_codec codec);

/**
 * Convert I420 to RGBA (alpha 255) with libyuv (BT.601 limited range, as browsers decode
 * VP8/VP9 by default); sizes must match. @return MC_OK, MC_EINVAL, MC_EDIMENSIONS,
 * MC_ESTRIDE, the errors of mc_frame_wrap().
 */
int mc_i420_to_rgba(const mc_i420 *image, const mc_frame *frame);

/**
 * Convert RGBA to I420 with libyuv into caller planes of the same size (BT.601 limited
 * range). @return as mc_i420_to_rgba().
 */
int mc_rgba_to_i420(const mc_frame *frame, const mc_i420 *image);

#ifdef __cplusplus
}
#endif

#endif /* MC_VIDEO_H */
