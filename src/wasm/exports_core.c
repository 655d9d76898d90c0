/* exports_core.c: memory and error helpers the JavaScript shim needs for every feature.
 *
 * Conventions for every file in src/wasm/: fixed-arity functions only, named mc_wasm_*,
 * marked EMSCRIPTEN_KEEPALIVE (nothing else is exported); pointers are offsets into the
 * module's memory; sizes are bytes; results are MC_OK, a negative MC_E* code, or a
 * non-negative value documented on the function.
 */
#include <malloc.h>
#include <stdlib.h>

#include <emscripten.h>

#include "mediacore/frame.h"
#include "mediacore/mc_error.h"

/** Allocate `size` bytes of module memory for the shim's long-lived buffers; 0 on failure. */
EMSCRIPTEN_KEEPALIVE void *mc_wasm_alloc(size_t size)
{
    return malloc(size ? size : 1);
}

/** Free what mc_wasm_alloc returned; 0 is ignored. */
EMSCRIPTEN_KEEPALIVE void mc_wasm_free(void *p)
{
    free(p);
}

/** Static NUL-terminated strings describing an error code. */
EMSCRIPTEN_KEEPALIVE const char *mc_wasm_strerror(int code)
{
    return mc_strerror(code);
}

EMSCRIPTEN_KEEPALIVE const char *mc_wasm_error_name(int code)
{
    return mc_error_name(code);
}

/** Bit 0: this module has the SIMD128 paths. Further bits are added by later features. */
EMSCRIPTEN_KEEPALIVE int mc_wasm_features(void)
{
    return mc_frame_has_simd() ? 1 : 0;
}

/** For tests of memory use: bytes currently allocated from the module's heap. */
EMSCRIPTEN_KEEPALIVE double mc_wasm_heap_in_use(void)
{
    struct mallinfo mi = mallinfo();
    return (double)(unsigned)mi.uordblks;
}
