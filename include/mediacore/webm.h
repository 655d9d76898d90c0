/* webm.h: WebM (Matroska) muxing of VP8/VP9 video and Opus audio, and demuxing.
 *
 * A small C implementation of the WebM subset these codecs need, rather than libwebm
 * (C++, see README.md "Codecs" for why). Timestamps in the file are milliseconds
 * (TimestampScale 1000000); the API takes and returns microseconds.
 *
 * Muxer. Packets go in with mc_webm_muxer_write(); the file comes out in pieces through
 * mc_webm_muxer_output(), to be appended in order to a file, a Blob or a network stream.
 * Two modes:
 *   MC_WEBM_SEEKABLE  clusters of known size, each video cluster starting at a keyframe,
 *                     and at the end a Cues index, the Duration and the Segment size. These
 *                     live in the file's first bytes: mc_webm_muxer_header() gives the final
 *                     version of them, the same length as the first piece, to write over it.
 *                     A file whose header is never rewritten still plays, without seeking.
 *   MC_WEBM_LIVE      unknown-size Segment and Clusters, no Cues or Duration: every block
 *                     is output as soon as it is written (what MediaRecorder produces).
 * The muxer buffers one cluster (seekable mode) and the cue list; it allocates only when
 * these outgrow their previous size.
 *
 * Demuxer. Reads a whole WebM file held in caller memory, which it borrows for its
 * lifetime: packets are returned as views into it, nothing is copied. Both modes above,
 * files from ffmpeg, libwebm and browsers' MediaRecorder are read: SimpleBlock and
 * BlockGroup, all lacing kinds, unknown-size elements. The first VP8/VP9 track and the
 * first Opus track are reported; blocks of other tracks are skipped. Malformed or
 * truncated input is MC_EFORMAT with a detail saying where, never a crash.
 */
#ifndef MC_WEBM_H
#define MC_WEBM_H

#include <stddef.h>
#include <stdint.h>

#include "codec_ids.h"
#include "mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Track numbers the muxer writes (and `track` values of mc_webm_muxer_write()). */
#define MC_WEBM_VIDEO 1
#define MC_WEBM_AUDIO 2

typedef enum mc_webm_mode {
    MC_WEBM_SEEKABLE = 0,
    MC_WEBM_LIVE = 1
} mc_webm_mode;

/** Muxer settings. Fill with mc_webm_muxer_config_default(), then change fields. */
typedef struct mc_webm_muxer_config {
    mc_webm_mode mode;            /**< (MC_WEBM_SEEKABLE) */
    int32_t video;                /**< 1: a video track (track 1) (1) */
    mc_video_codec video_codec;   /**< (MC_VIDEO_VP8) */
    int32_t width, height;        /**< display size, 1..MC_VIDEO_MAX_DIM (640x480) */
    int32_t audio;                /**< 1: an Opus track (track 2) (0) */
    int32_t sample_rate;          /**< the encoder's input rate, for OpusHead (48000) */
    int32_t channels;             /**< 1 or 2 (1) */
    int32_t pre_skip;             /**< 48 kHz samples to discard, mc_audio_encoder_pre_skip() (312) */
    int32_t cluster_ms;           /**< longest cluster, 100..30000 ms (5000) */
} mc_webm_muxer_config;

typedef struct mc_webm_muxer mc_webm_muxer;

/** Fill `cfg` with the defaults above. @return MC_OK or MC_EINVAL. */
int mc_webm_muxer_config_default(mc_webm_muxer_config *cfg);

/**
 * Create a muxer; the EBML header, Segment start and Tracks are the first output.
 * On failure *out is NULL and a NUL-terminated explanation goes to `detail` when not NULL.
 * @return MC_OK, MC_EINVAL (NULL, or neither track), MC_ENAME (codec), MC_EDIMENSIONS,
 *         MC_ERANGE (another field out of range), MC_ENOMEM.
 */
int mc_webm_muxer_create(const mc_webm_muxer_config *cfg, mc_webm_muxer **out,
                         char *detail, size_t detail_size);

/** Free the muxer. NULL is a no-op. */
void mc_webm_muxer_destroy(mc_webm_muxer *mux);

/**
 * Add one packet (`size` bytes at `data`, copied during the call) to track
 * MC_WEBM_VIDEO or MC_WEBM_AUDIO. `pts` in microseconds must increase within a track;
 * tracks may interleave a little out of order (up to 30 s). `duration` (microseconds,
 * 0 if unknown) extends the file's Duration. `keyframe` is 1 for a video keyframe; audio
 * packets are always keyframes.
 * @return MC_OK, MC_EINVAL (NULL data, empty packet, unknown or absent track),
 *         MC_ERANGE (pts not increasing, negative, or too far behind the cluster),
 *         MC_ELIMIT (packet over 64 MiB), MC_ESTATE (after finish), MC_ENOMEM.
 */
int mc_webm_muxer_write(mc_webm_muxer *mux, int track, const uint8_t *data, size_t size,
                        int64_t pts, int64_t duration, int keyframe);

/**
 * End the file: the last cluster, and in seekable mode the Cues. Read the remaining
 * output, then (seekable mode) the final header. Further writes fail with MC_ESTATE.
 * @return MC_OK, MC_EINVAL, MC_ESTATE (finished already), MC_ENOMEM.
 */
int mc_webm_muxer_finish(mc_webm_muxer *mux);

/**
 * Take the bytes produced since the last call (possibly none: *size 0). They are
 * borrowed: valid until the next call on this muxer; append them to the file in order.
 * @return MC_OK or MC_EINVAL.
 */
int mc_webm_muxer_output(mc_webm_muxer *mux, const uint8_t **data, size_t *size);

/**
 * Seekable mode, after finish: the final bytes for the start of the file (the same
 * length as the first output piece, which they replace). Borrowed until the next call.
 * @return MC_OK, MC_EINVAL, MC_ESTATE (not finished, or live mode).
 */
int mc_webm_muxer_header(mc_webm_muxer *mux, const uint8_t **data, size_t *size);

/** Detail of the last failed call ("" after a success). */
const char *mc_webm_muxer_error(const mc_webm_muxer *mux);

/* ---------------------------------------------------------------------------------- */

/** What a WebM file holds, from its headers. */
typedef struct mc_webm_info {
    int64_t duration;             /**< microseconds; -1 when the file does not say */
    int32_t video_track;          /**< track number of the video track; 0: none */
    mc_video_codec video_codec;
    int32_t width, height;        /**< PixelWidth, PixelHeight */
    int32_t audio_track;          /**< track number of the Opus track; 0: none */
    int32_t sample_rate;          /**< SamplingFrequency (48000 for Opus) */
    int32_t channels;
    int32_t pre_skip;             /**< from OpusHead, 48 kHz samples */
    const uint8_t *codec_private; /**< the Opus track's CodecPrivate (OpusHead), borrowed */
    size_t codec_private_size;
} mc_webm_info;

/** One frame from the file; `data` points into the caller's file buffer. */
typedef struct mc_webm_packet {
    int32_t track;                /**< MC_WEBM_VIDEO or MC_WEBM_AUDIO (kind, not the number) */
    const uint8_t *data;
    size_t size;
    int64_t pts;                  /**< microseconds */
    int64_t duration;             /**< microseconds, 0 when the file does not say */
    int32_t keyframe;
} mc_webm_packet;

typedef struct mc_webm_demuxer mc_webm_demuxer;

/**
 * Parse the headers of the file at data[0, size), which must stay valid and unchanged
 * until mc_webm_demuxer_destroy(). On failure *out is NULL and `detail` (when not NULL)
 * says what is wrong.
 * @return MC_OK, MC_EINVAL, MC_EFORMAT (not WebM, malformed, or truncated before the
 *         first cluster), MC_EUNSUPPORTED (no VP8, VP9 or Opus track), MC_ENOMEM.
 */
int mc_webm_demuxer_create(const uint8_t *data, size_t size, mc_webm_demuxer **out,
                           char *detail, size_t detail_size);

/** Free the demuxer (not the file). NULL is a no-op. */
void mc_webm_demuxer_destroy(mc_webm_demuxer *dmx);

/** The file's tracks and duration. @return MC_OK or MC_EINVAL. */
int mc_webm_demuxer_info(const mc_webm_demuxer *dmx, mc_webm_info *info);

/**
 * The next frame in file order.
 * @return 1 (a frame is in *pkt), 0 (end of file), MC_EINVAL, MC_EFORMAT (malformed or
 *         truncated from here on; frames before it were returned; further calls return
 *         the same error).
 */
int mc_webm_demuxer_next(mc_webm_demuxer *dmx, mc_webm_packet *pkt);

/** Detail of the last failed call ("" after a success). */
const char *mc_webm_demuxer_error(const mc_webm_demuxer *dmx);

#ifdef __cplusplus
}
#endif

#endif /* MC_WEBM_H */
