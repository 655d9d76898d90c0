/* exports_frame.c: frame filters for the shim. */
#include <emscripten.h>

#include "mediacore/frame.h"

/** Filter id (>= 0) for a NUL-terminated name in module memory, or MC_ENAME / MC_EINVAL. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_filter_from_name(const char *name)
{
    mc_filter filter;
    int rc = mc_filter_from_name(name, &filter);
    return rc == MC_OK ? (int)filter : rc;
}

/**
 * Filter the RGBA frame at `data` (`size` bytes of module memory) in place.
 * `path` is an mc_path: 0 auto, 1 scalar, 2 SIMD (MC_EUNSUPPORTED in the baseline module).
 */
EMSCRIPTEN_KEEPALIVE int mc_wasm_filter(uint8_t *data, size_t size, int width, int height,
                                        int stride, int filter, int path)
{
    mc_frame frame;
    int rc = mc_frame_wrap(&frame, data, size, width, height, stride);
    if (rc != MC_OK)
        return rc;
    return mc_frame_filter_path(&frame, (mc_filter)filter, (mc_path)path);
}
