/* audio.h: Opus encoding and decoding (libopus) of interleaved float PCM.
 *
 * Encoder: PCM arrives in blocks of any size (an AudioWorklet delivers 128 frames at a
 * time); the encoder buffers it into 20 ms frames and returns one Opus packet per frame.
 * Samples are 32-bit floats, nominally -1..1, interleaved (L R L R ... for stereo); a
 * "frame count" is samples per channel. NaN and infinite samples are encoded as 0.
 *
 * Decoder: packets go in, interleaved float PCM comes out into caller memory. A lost
 * packet is concealed (packet-loss concealment), or recovered from the next packet's
 * in-band FEC data when the sender enabled it.
 *
 * Times are microseconds. No global state; each handle is used from one thread at a time.
 * Nothing is allocated after creation. Failures return a negative MC_E* code and leave a
 * readable detail (libopus's message included) in the handle: mc_audio_encoder_error().
 */
#ifndef MC_AUDIO_H
#define MC_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#include "mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Duration of every packet the encoder produces, in microseconds. */
#define MC_AUDIO_FRAME_US 20000

/** Most frames per channel one packet can decode to: 120 ms at 48 kHz. */
#define MC_AUDIO_MAX_PACKET_FRAMES 5760

/** What the encoder is tuned for. Values are stable (they cross the wasm boundary). */
typedef enum mc_audio_application {
    MC_OPUS_VOIP = 0,      /**< speech intelligibility (OPUS_APPLICATION_VOIP) */
    MC_OPUS_AUDIO = 1,     /**< music and general audio (OPUS_APPLICATION_AUDIO) */
    MC_OPUS_LOWDELAY = 2   /**< lowest delay, no speech mode (OPUS_APPLICATION_RESTRICTED_LOWDELAY) */
} mc_audio_application;

/** Encoder settings. Fill with mc_audio_encoder_config_default(), then change fields. */
typedef struct mc_audio_encoder_config {
    int32_t sample_rate;      /**< 8000, 12000, 16000, 24000 or 48000 Hz (48000) */
    int32_t channels;         /**< 1 or 2 (1) */
    int32_t bitrate;          /**< bits per second, 6000..510000 (64000) */
    mc_audio_application application;  /**< (MC_OPUS_AUDIO) */
    int32_t complexity;       /**< 0..10: CPU spent for quality (10) */
    int32_t fec;              /**< 1: in-band forward error correction (0) */
    int32_t packet_loss;      /**< expected loss, percent 0..100, tunes FEC (0) */
    int32_t dtx;              /**< 1: discontinuous transmission; silent frames give no packet (0) */
} mc_audio_encoder_config;

/** One Opus packet. `data` is borrowed: see mc_audio_encoder_encode(). */
typedef struct mc_audio_packet {
    const uint8_t *data;
    size_t size;
    int64_t pts;        /**< microseconds since the first sample given to the encoder */
    int64_t duration;   /**< microseconds (MC_AUDIO_FRAME_US) */
} mc_audio_packet;

typedef struct mc_audio_encoder mc_audio_encoder;

/** Fill `cfg` with the defaults above. @return MC_OK or MC_EINVAL. */
int mc_audio_encoder_config_default(mc_audio_encoder_config *cfg);

/**
 * Create an encoder. On success *out owns it (free with mc_audio_encoder_destroy()); on
 * failure *out is NULL and a NUL-terminated explanation goes to `detail` when not NULL.
 * @return MC_OK, MC_EINVAL, MC_ERANGE (a field out of range), MC_ENOMEM, MC_ECODEC.
 */
int mc_audio_encoder_create(const mc_audio_encoder_config *cfg, mc_audio_encoder **out,
                            char *detail, size_t detail_size);

/** Free the encoder. NULL is a no-op. */
void mc_audio_encoder_destroy(mc_audio_encoder *enc);

/**
 * Feed up to `frames` frames of interleaved PCM (frames * channels floats at `pcm`, read
 * during the call only). Input is consumed until a 20 ms frame completes and is encoded,
 * or until it runs out. *consumed receives the frames used; call again with the rest.
 *
 *     while (frames > 0) {
 *         rc = mc_audio_encoder_encode(enc, pcm, frames, &used, &pkt);
 *         if (rc < 0) break;
 *         if (rc == 1) send(pkt.data, pkt.size);
 *         pcm += used * channels; frames -= used;
 *     }
 *
 * `pkt->data` points into the encoder and stays valid until the next call on it.
 * @return 1 (a packet is in *pkt), 0 (all input buffered, no packet yet), MC_EINVAL,
 *         MC_ESTATE (after flush), MC_ECODEC.
 */
int mc_audio_encoder_encode(mc_audio_encoder *enc, const float *pcm, size_t frames,
                            size_t *consumed, mc_audio_packet *pkt);

/**
 * End of input: pad the buffered partial frame with silence and encode it.
 * After this the encoder accepts no more input.
 * @return 1 (a packet is in *pkt), 0 (nothing was buffered), MC_EINVAL, MC_ECODEC.
 */
int mc_audio_encoder_flush(mc_audio_encoder *enc, mc_audio_packet *pkt);

/** Change the bitrate while running. @return MC_OK, MC_EINVAL, MC_ERANGE, MC_ECODEC. */
int mc_audio_encoder_set_bitrate(mc_audio_encoder *enc, int32_t bitrate);

/**
 * The encoder's algorithmic delay in 48 kHz samples: the "pre-skip" a decoder discards
 * (OpusHead in Ogg, CodecDelay in WebM). Negative MC_E* on error.
 */
int mc_audio_encoder_pre_skip(const mc_audio_encoder *enc);

/** The configuration in use (with the current bitrate). */
const mc_audio_encoder_config *mc_audio_encoder_config_get(const mc_audio_encoder *enc);

/** Detail of the last failed call ("" after a success). */
const char *mc_audio_encoder_error(const mc_audio_encoder *enc);

/* ---------------------------------------------------------------------------------- */

typedef struct mc_audio_decoder_config {
    int32_t sample_rate;      /**< output rate: 8000, 12000, 16000, 24000 or 48000 (48000) */
    int32_t channels;         /**< output channels, 1 or 2 (1); any packet decodes to this */
} mc_audio_decoder_config;

typedef struct mc_audio_decoder mc_audio_decoder;

/** Fill `cfg` with the defaults. @return MC_OK or MC_EINVAL. */
int mc_audio_decoder_config_default(mc_audio_decoder_config *cfg);

/** Create a decoder; ownership and detail as mc_audio_encoder_create(). */
int mc_audio_decoder_create(const mc_audio_decoder_config *cfg, mc_audio_decoder **out,
                            char *detail, size_t detail_size);

/** Free the decoder. NULL is a no-op. */
void mc_audio_decoder_destroy(mc_audio_decoder *dec);

/**
 * Decode one packet into `pcm` (caller memory for `capacity` frames, i.e.
 * capacity * channels floats). With data NULL and size 0, conceal one lost packet of the
 * previous packet's duration instead.
 * @return frames decoded per channel (>= 0), or MC_EINVAL, MC_EBUFSIZE (capacity too
 *         small: MC_AUDIO_MAX_PACKET_FRAMES always suffices), MC_EFORMAT (corrupt packet;
 *         the decoder stays usable), MC_ECODEC.
 */
int mc_audio_decoder_decode(mc_audio_decoder *dec, const uint8_t *data, size_t size,
                            float *pcm, size_t capacity);

/**
 * The packet before `data` was lost: rebuild it from the in-band FEC data that `data`
 * carries (concealment when it carries none). Then decode `data` itself normally.
 * @return as mc_audio_decoder_decode().
 */
int mc_audio_decoder_decode_fec(mc_audio_decoder *dec, const uint8_t *data, size_t size,
                                float *pcm, size_t capacity);

/** Detail of the last failed call ("" after a success). */
const char *mc_audio_decoder_error(const mc_audio_decoder *dec);

#ifdef __cplusplus
}
#endif

#endif /* MC_AUDIO_H */
