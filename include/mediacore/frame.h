/* frame.h: a view of an RGBA frame in caller memory, and the colour filters.
 *
 * A frame is 8-bit RGBA, bytes in R, G, B, A order (what canvas ImageData holds), rows
 * top to bottom, `stride` bytes apart. mediacore never allocates, owns or frees frame
 * memory: an mc_frame only borrows the caller's bytes for the duration of a call.
 *
 * The filters follow the W3C Filter Effects Level 1 colour matrices at amount 1:
 *
 *   grayscale(1)  every colour channel = 0.2126 R + 0.7152 G + 0.0722 B
 *   sepia(1)      R' = 0.393 R + 0.769 G + 0.189 B
 *                 G' = 0.349 R + 0.686 G + 0.168 B
 *                 B' = 0.272 R + 0.534 G + 0.131 B
 *   invert(1)     C' = 255 - C
 *
 * applied to unpremultiplied values, rounded to nearest, clamped to 0..255; alpha is left
 * untouched. The matrices are evaluated in Q15 fixed point (each coefficient is the
 * nearest multiple of 1/32768, and grayscale's three still sum to exactly 1), which keeps
 * every result within 0.02 of the exact real-valued matrix before rounding. The scalar and
 * SIMD128 paths evaluate the same integer expression, so they produce identical bytes.
 */
#ifndef MC_FRAME_H
#define MC_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest accepted width or height, in pixels. */
#define MC_FRAME_MAX_DIM 16384

/** A borrowed RGBA frame. Fill it with mc_frame_wrap(), which validates it. */
typedef struct mc_frame {
    uint8_t *data;   /**< first byte of the top row (caller memory) */
    size_t size;     /**< bytes available from data onwards */
    int32_t width;   /**< pixels per row, 1..MC_FRAME_MAX_DIM */
    int32_t height;  /**< rows, 1..MC_FRAME_MAX_DIM */
    int32_t stride;  /**< bytes from the start of one row to the next, >= width * 4 */
} mc_frame;

/** The filters. Values are stable (they cross the wasm boundary). */
typedef enum mc_filter {
    MC_FILTER_NONE = 0,
    MC_FILTER_GRAYSCALE = 1,
    MC_FILTER_SEPIA = 2,
    MC_FILTER_INVERT = 3
} mc_filter;

#define MC_FILTER_COUNT 4

/** Which implementation mc_frame_filter_path() runs. */
typedef enum mc_path {
    MC_PATH_AUTO = 0,    /**< the fastest one this build has */
    MC_PATH_SCALAR = 1,  /**< plain C, one pixel at a time */
    MC_PATH_SIMD = 2     /**< 128-bit vectors (wasm SIMD128 in the module) */
} mc_path;

/**
 * Fill `frame` with a view of caller memory and validate it.
 *
 * @param size   bytes available at data; at least stride * (height - 1) + width * 4
 * @param stride bytes per row including padding; 0 means width * 4
 * @return MC_OK, MC_EINVAL (frame or data NULL), MC_EDIMENSIONS (width or height < 1 or
 *         > MC_FRAME_MAX_DIM), MC_ESTRIDE (stride < width * 4 or > 4 * MC_FRAME_MAX_DIM),
 *         MC_EBUFSIZE (size too small for the frame). On error *frame is zeroed.
 */
int mc_frame_wrap(mc_frame *frame, uint8_t *data, size_t size,
                  int32_t width, int32_t height, int32_t stride);

/** Bytes a frame of these dimensions spans: stride * (height - 1) + width * 4. */
size_t mc_frame_span(int32_t width, int32_t height, int32_t stride);

/**
 * Look up a filter by its CSS name: "none", "grayscale", "sepia" or "invert".
 * @return MC_OK, MC_EINVAL (NULL arguments) or MC_ENAME (any other string).
 */
int mc_filter_from_name(const char *name, mc_filter *filter);

/** The CSS name of `filter`, or NULL when it is not a valid mc_filter. */
const char *mc_filter_name(mc_filter filter);

/**
 * Apply `filter` to `frame` in place with the fastest path this build has.
 * The frame is re-validated; nothing outside data[0, size) is read or written.
 * @return MC_OK, the errors of mc_frame_wrap(), or MC_ENAME for an invalid filter value.
 */
int mc_frame_filter(const mc_frame *frame, mc_filter filter);

/**
 * As mc_frame_filter(), choosing the implementation. Both paths give identical bytes.
 * @return additionally MC_EUNSUPPORTED when `path` is MC_PATH_SIMD in a build without it.
 */
int mc_frame_filter_path(const mc_frame *frame, mc_filter filter, mc_path path);

/** 1 when this build has the SIMD path, 0 otherwise. */
int mc_frame_has_simd(void);

#ifdef __cplusplus
}
#endif

#endif /* MC_FRAME_H */
