/* vp9_wasm.c: WebAssembly SIMD128 versions of VP9 encoder functions whose x86 versions
 * are assembly. Exact to the _c versions (see wasm_common.h). */
#include <stdint.h>

#include "wasm_common.h"

#include "./vpx_config.h"
#include "./vp9_rtcd.h"

/* sum((coeff - dqcoeff)^2): the difference in int, its square and the sum in int64 (C
 * writes diff * diff in int, but the sum is int64 and clang widens the product, so the
 * square is exact even where an int would overflow). */
static inline v128_t err_acc(v128_t acc, v128_t c, v128_t d)
{
    v128_t lo = wasm_i32x4_sub(wasm_i32x4_extend_low_i16x8(c), wasm_i32x4_extend_low_i16x8(d));
    v128_t hi = wasm_i32x4_sub(wasm_i32x4_extend_high_i16x8(c), wasm_i32x4_extend_high_i16x8(d));
    acc = wasm_i64x2_add(acc, wasm_i64x2_extmul_low_i32x4(lo, lo));
    acc = wasm_i64x2_add(acc, wasm_i64x2_extmul_high_i32x4(lo, lo));
    acc = wasm_i64x2_add(acc, wasm_i64x2_extmul_low_i32x4(hi, hi));
    return wasm_i64x2_add(acc, wasm_i64x2_extmul_high_i32x4(hi, hi));
}

int64_t vp9_block_error_fp_wasm(const tran_low_t *coeff, const tran_low_t *dqcoeff, int block_size)
{
    v128_t acc = wasm_i64x2_splat(0);
    int i = 0;
    for (; i + 8 <= block_size; i += 8)
        acc = err_acc(acc, wasm_v128_load(coeff + i), wasm_v128_load(dqcoeff + i));
    int64_t error = wasm_i64x2_extract_lane(acc, 0) + wasm_i64x2_extract_lane(acc, 1);
    for (; i < block_size; i++) {
        const int64_t diff = coeff[i] - dqcoeff[i];
        error += diff * diff;
    }
    return error;
}

int64_t vp9_block_error_wasm(const tran_low_t *coeff, const tran_low_t *dqcoeff, intptr_t block_size,
                             int64_t *ssz)
{
    v128_t acc = wasm_i64x2_splat(0);
    int64_t sqcoeff = 0;
    intptr_t i = 0;
    for (; i + 8 <= block_size; i += 8) {
        v128_t c = wasm_v128_load(coeff + i);
        acc = err_acc(acc, c, wasm_v128_load(dqcoeff + i));
        /* coeff^2 <= 2^30 each; a pair sum fits in int32 only as unsigned: widen first. */
        v128_t d = wasm_i32x4_dot_i16x8(c, c);
        sqcoeff += (int64_t)(uint32_t)wasm_i32x4_extract_lane(d, 0) + (uint32_t)wasm_i32x4_extract_lane(d, 1) +
                   (uint32_t)wasm_i32x4_extract_lane(d, 2) + (uint32_t)wasm_i32x4_extract_lane(d, 3);
    }
    int64_t error = wasm_i64x2_extract_lane(acc, 0) + wasm_i64x2_extract_lane(acc, 1);
    for (; i < block_size; i++) {
        const int64_t diff = coeff[i] - dqcoeff[i];
        error += diff * diff;
        sqcoeff += coeff[i] * coeff[i];
    }
    *ssz = sqcoeff;
    return error;
}
