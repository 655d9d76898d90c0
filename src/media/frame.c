/* frame.c: frame validation, filter names, and the scalar filter path. */
#include "mediacore/frame.h"

#include <string.h>

#include "frame_kernels.h"
#include "base/read_ahead.h"

static const char *const mc_filter_names[MC_FILTER_COUNT] = {
    "none", "grayscale", "sepia", "invert"
};

size_t mc_frame_span(int32_t width, int32_t height, int32_t stride)
{
    if (width < 1 || height < 1 || stride < 1)
        return 0;
    return (size_t)stride * (size_t)(height - 1) + (size_t)width * 4u;
}

/* Check a frame's fields; shared by wrap and by every entry point that takes a frame,
 * since a caller may have filled the struct by hand. */
static int mc_frame_check(const uint8_t *data, size_t size,
                          int32_t width, int32_t height, int32_t stride)
{
    if (data == NULL)
        return MC_EINVAL;
    if (width < 1 || height < 1 || width > MC_FRAME_MAX_DIM || height > MC_FRAME_MAX_DIM)
        return MC_EDIMENSIONS;
    if (stride < width * 4 || stride > 4 * MC_FRAME_MAX_DIM)
        return MC_ESTRIDE;
    if (size < mc_frame_span(width, height, stride))
        return MC_EBUFSIZE;
    return MC_OK;
}

int mc_frame_wrap(mc_frame *frame, uint8_t *data, size_t size,
                  int32_t width, int32_t height, int32_t stride)
{
    int rc;

    if (frame == NULL)
        return MC_EINVAL;
    memset(frame, 0, sizeof(*frame));
    if (stride == 0 && width > 0 && width <= MC_FRAME_MAX_DIM)
        stride = width * 4;
    rc = mc_frame_check(data, size, width, height, stride);
    if (rc != MC_OK)
        return rc;
    frame->data = data;
    frame->size = size;
    frame->width = width;
    frame->height = height;
    frame->stride = stride;
    return MC_OK;
}

int mc_filter_from_name(const char *name, mc_filter *filter)
{
    int i;

    if (name == NULL || filter == NULL)
        return MC_EINVAL;
    for (i = 0; i < MC_FILTER_COUNT; i++) {
        if (strcmp(name, mc_filter_names[i]) == 0) {
            *filter = (mc_filter)i;
            return MC_OK;
        }
    }
    return MC_ENAME;
}

const char *mc_filter_name(mc_filter filter)
{
    if ((int)filter < 0 || (int)filter >= MC_FILTER_COUNT)
        return NULL;
    return mc_filter_names[filter];
}

int mc_frame_has_simd(void)
{
    return mc_rows_simd_available;
}

static inline uint8_t mc_q15_to_u8(int32_t acc)
{
    int32_t v = (acc + MC_Q15_HALF) >> MC_Q15_SHIFT;
    return (uint8_t)(v > 255 ? 255 : v);
}

void mc_rows_scalar(uint8_t *p, size_t pixels, mc_filter filter)
{
    uint8_t *end = p + pixels * 4;

    switch (filter) {
    case MC_FILTER_GRAYSCALE:
        for (; p < end; p += 4) {
            uint8_t y = mc_q15_to_u8(mc_gray_q15[0] * p[0] + mc_gray_q15[1] * p[1] +
                                     mc_gray_q15[2] * p[2]);
            p[0] = p[1] = p[2] = y;
        }
        break;
    case MC_FILTER_SEPIA:
        for (; p < end; p += 4) {
            int32_t r = p[0], g = p[1], b = p[2];
            int c;
            for (c = 0; c < 3; c++)
                p[c] = mc_q15_to_u8(mc_sepia_q15[c][0] * r + mc_sepia_q15[c][1] * g +
                                    mc_sepia_q15[c][2] * b);
        }
        break;
    case MC_FILTER_INVERT:
        for (; p < end; p += 4) {
            p[0] = (uint8_t)(255 - p[0]);
            p[1] = (uint8_t)(255 - p[1]);
            p[2] = (uint8_t)(255 - p[2]);
        }
        break;
    case MC_FILTER_NONE:
    default:
        break;
    }
}

/* A run of pixels is filtered in 4 KiB slabs, each after reading ahead MC_FRAME_AHEAD
 * bytes on (read_ahead.h), staying inside the frame (`limit` is its end). */
#define MC_FRAME_SLAB  1024u    /* pixels: 4 KiB, a multiple of the SIMD loop's 16 */
#define MC_FRAME_AHEAD 8192u    /* bytes */

static void mc_rows_ahead(void (*rows)(uint8_t *, size_t, mc_filter), uint8_t *p,
                          size_t pixels, mc_filter filter, const uint8_t *limit)
{
    while (pixels > MC_FRAME_SLAB && (size_t)(limit - p) > MC_FRAME_AHEAD) {
        mc_read_ahead(p + MC_FRAME_AHEAD);
        rows(p, MC_FRAME_SLAB, filter);
        p += MC_FRAME_SLAB * 4;
        pixels -= MC_FRAME_SLAB;
    }
    rows(p, pixels, filter);
}

int mc_frame_filter_path(const mc_frame *frame, mc_filter filter, mc_path path)
{
    const uint8_t *limit;
    void (*rows)(uint8_t *, size_t, mc_filter);
    int32_t y;
    int rc;

    if (frame == NULL)
        return MC_EINVAL;
    rc = mc_frame_check(frame->data, frame->size, frame->width, frame->height, frame->stride);
    if (rc != MC_OK)
        return rc;
    if ((int)filter < 0 || (int)filter >= MC_FILTER_COUNT)
        return MC_ENAME;
    switch (path) {
    case MC_PATH_SCALAR:
        rows = mc_rows_scalar;
        break;
    case MC_PATH_SIMD:
        if (!mc_rows_simd_available)
            return MC_EUNSUPPORTED;
        rows = mc_rows_simd;
        break;
    case MC_PATH_AUTO:
        rows = mc_rows_simd_available ? mc_rows_simd : mc_rows_scalar;
        break;
    default:
        return MC_EINVAL;
    }
    if (filter == MC_FILTER_NONE)
        return MC_OK;

    /* Rows without padding are one run of pixels: fewer calls, longer vector loops. */
    limit = frame->data + mc_frame_span(frame->width, frame->height, frame->stride);
    if (frame->stride == frame->width * 4) {
        mc_rows_ahead(rows, frame->data, (size_t)frame->width * (size_t)frame->height, filter,
                      limit);
        return MC_OK;
    }
    for (y = 0; y < frame->height; y++)
        mc_rows_ahead(rows, frame->data + (size_t)y * (size_t)frame->stride,
                      (size_t)frame->width, filter, limit);
    return MC_OK;
}

int mc_frame_filter(const mc_frame *frame, mc_filter filter)
{
    return mc_frame_filter_path(frame, filter, MC_PATH_AUTO);
}
