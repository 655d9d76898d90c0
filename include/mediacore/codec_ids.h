/* codec_ids.h: the video codec identifiers and size limit that video.h and webm.h share.
 *
 * Included by both, so a WebM user needs neither libvpx nor video.h's encoder API, and a
 * video user sees the same names and values as before. No third-party header.
 */
#ifndef MC_CODEC_IDS_H
#define MC_CODEC_IDS_H

#ifdef __cplusplus
extern "C" {
#endif

/** Largest encoded width or height (VP8's 14-bit size fields). */
#define MC_VIDEO_MAX_DIM 16383

/** Codecs. Values are stable (they cross the wasm boundary). */
typedef enum mc_video_codec {
    MC_VIDEO_VP8 = 0,
    MC_VIDEO_VP9 = 1
} mc_video_codec;

#ifdef __cplusplus
}
#endif

#endif /* MC_CODEC_IDS_H */
