/* layout.h: named values the JavaScript shim reads from the module instead of writing them
 * down a second time: byte offsets and sizes of the records src/wasm writes into the
 * shim's buffers (offsetof, sizeof), and constants of the public headers (limits, flags,
 * event bits, enum values).
 *
 * Each feature exports one table, mc_wasm_<feature>_layout(), next to the code that writes
 * its records: an array of entries ending with a NULL name. The shim reads a table once per
 * module (Runtime.layout() in web/lib/runtime.js), by name, and fails loudly on a name the
 * table lacks; tests/node/layout.test.mjs checks every name the shim asks for. Names are
 * "record.field" for an offset, "record.sizeof" for a size, plain for a constant.
 *
 * An entry is 8 bytes in wasm32: the name's address at 0, the value (int32) at 4. That is
 * the one layout the shim knows without asking, pinned by the assertions below.
 */
#ifndef MC_WASM_LAYOUT_H
#define MC_WASM_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include <emscripten.h>

typedef struct mc_wasm_layout_entry {
    const char *name;   /**< static, NUL-terminated; NULL ends the table */
    int32_t value;
} mc_wasm_layout_entry;

#ifdef __wasm32__
_Static_assert(sizeof(mc_wasm_layout_entry) == 8, "the shim reads 8-byte layout entries");
_Static_assert(offsetof(mc_wasm_layout_entry, name) == 0, "name at 0");
_Static_assert(offsetof(mc_wasm_layout_entry, value) == 4, "value at 4");
#endif

/** An entry for the offset of `field` in `type`, named "record.field". */
#define MC_WASM_OFFSET(record, type, field) { record "." #field, (int32_t)offsetof(type, field) }
/** An entry for sizeof(type), named "record.sizeof". */
#define MC_WASM_SIZE(record, type) { record ".sizeof", (int32_t)sizeof(type) }
/** An entry for a constant, named as given. */
#define MC_WASM_CONST(name, value) { name, (int32_t)(value) }
/** The end of a table. */
#define MC_WASM_LAYOUT_END { NULL, 0 }

/** Export static table mc_wasm_<group>_table as mc_wasm_<group>_layout(). */
#define MC_WASM_LAYOUT_EXPORT(group)                                                  \
    EMSCRIPTEN_KEEPALIVE const mc_wasm_layout_entry *mc_wasm_##group##_layout(void)   \
    {                                                                                 \
        return mc_wasm_##group##_table;                                               \
    }

#endif /* MC_WASM_LAYOUT_H */
