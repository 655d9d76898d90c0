/* ebml.h: internal. The EBML (Matroska) element layer that webm_mux.c and webm_demux.c
 * share: element IDs, writing elements into a growable buffer, and reading element
 * headers and values. Not part of the public API (see webm.h).
 *
 * EBML in brief: every element is an ID (1-4 bytes, marker bits kept), a size as a
 * variable-length integer (1-8 bytes; the length is 1 + the number of leading zero bits
 * of the first byte; all value bits set means "unknown size") and the payload. Matroska
 * element IDs and semantics: https://www.matroska.org/technical/elements.html, the WebM
 * subset: https://www.webmproject.org/docs/container/.
 */
#ifndef MC_EBML_H
#define MC_EBML_H

#include <stddef.h>
#include <stdint.h>

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
#define MC_MAX_PACKET (64u << 20)               /* largest frame either side accepts */
#define MC_TIMESCALE_NS 1000000                 /* the muxer's tick is 1 ms */

/* ---------------------------------------------------------------------------------- */
/* Writing (ebml.c). A buffer the caller owns and frees (p); zero-initialise it. */

typedef struct mc_ebml_buf {
    uint8_t *p;
    size_t len, cap;
} mc_ebml_buf;

/* Make room for `extra` more bytes: MC_OK or MC_ENOMEM. */
int mc_ebml_reserve(mc_ebml_buf *b, size_t extra);

/* These write into reserved space only: callers reserve first. */
void mc_ebml_put_bytes(mc_ebml_buf *b, const void *p, size_t n);
void mc_ebml_put_be(mc_ebml_buf *b, uint64_t v, int n);
void mc_ebml_put_id(mc_ebml_buf *b, uint32_t id);
void mc_ebml_put_size(mc_ebml_buf *b, uint64_t size, int width);
void mc_ebml_put_uint_n(mc_ebml_buf *b, uint32_t id, uint64_t v, int n);
void mc_ebml_put_uint(mc_ebml_buf *b, uint32_t id, uint64_t v);
void mc_ebml_put_float(mc_ebml_buf *b, uint32_t id, double v);
void mc_ebml_put_binary(mc_ebml_buf *b, uint32_t id, const void *p, size_t n);
void mc_ebml_put_string(mc_ebml_buf *b, uint32_t id, const char *s);
void mc_ebml_put_void(mc_ebml_buf *b, size_t total);
size_t mc_ebml_begin_master(mc_ebml_buf *b, uint32_t id, int width);
void mc_ebml_end_master(mc_ebml_buf *b, size_t at, int width);
void mc_ebml_patch_be(mc_ebml_buf *b, size_t at, uint64_t v, int n);

/* Fewest bytes a size needs as a vint. */
int mc_ebml_size_width(uint64_t v);

/* ---------------------------------------------------------------------------------- */
/* Reading (ebml.c). Nothing is allocated; p[0, avail) is never read past. */

/* An element header at p[0, avail): ID, payload size (or unknown), header length. */
typedef struct mc_ebml_el {
    uint32_t id;
    uint64_t size;
    int unknown;
    size_t head;
} mc_ebml_el;

/* A size vint: its length, 0 when malformed or truncated. */
int mc_ebml_read_vint(const uint8_t *p, size_t avail, uint64_t *v, int *unknown);

/* An element header: MC_OK or MC_EFORMAT; the payload may still be cut short. */
int mc_ebml_read_el(const uint8_t *p, size_t avail, mc_ebml_el *el);

/* Unsigned integer and float element values of n payload bytes. */
uint64_t mc_ebml_read_uint(const uint8_t *p, uint64_t n);
double mc_ebml_read_float(const uint8_t *p, uint64_t n);

#endif /* MC_EBML_H */
