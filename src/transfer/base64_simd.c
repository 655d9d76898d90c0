/* base64_simd.c: the SIMD128 Base64 kernels. 12 bytes <-> 16 characters per vector.
 *
 * Encoding (after Muła and Lemire, "Faster Base64 Encoding and Decoding using AVX2
 * Instructions", 2018, rewritten for the wasm instruction set):
 *   1. a byte swizzle turns each 3-byte group s0 s1 s2 into the 32-bit lane
 *      [s1 s0 s2 s1], i.e. the 16-bit halves (s0 << 8 | s1) and (s1 << 8 | s2);
 *   2. the four 6-bit indices are cut out with four 32-bit shifts (right by 10 and 6 for
 *      the first and third index, left by 4 and 8 for the second and fourth), each
 *      masked, and OR-ed into the lane's four bytes (a multiply by [16, 256] would do
 *      the left shifts at once, but the compiler turns a multiply by powers of two into
 *      per-lane shifts, which wasm does not have, and scalarises them);
 *   3. indices become ASCII by adding an offset chosen per index range: a saturating
 *      subtract and a compare give a small class number 0..13, and a 16-entry swizzle
 *      table holds each class's offset (the only difference between the alphabets).
 * Decoding:
 *   1. validation: two swizzle tables indexed by each character's low and high nibble
 *      hold bit sets whose AND is zero exactly for alphabet characters; a block with any
 *      other character ('=', whitespace, garbage) is left to the scalar code;
 *   2. translation: the value is the character plus an offset looked up by its high
 *      nibble, with 8 added to the index for the one character whose nibble it shares
 *      with others ('/' or '_');
 *   3. packing: 16-bit lanes [a b] become a << 6 | b (a shift, a mask, a shift), and
 *      i32x4.dot_i16x8_s with [4096, 1] joins two of them into a 24-bit value; a swizzle
 *      puts its bytes in big-endian order, 12 per vector.
 * The loops run four vectors per iteration for instruction-level parallelism.
 * Once per 4 KiB the loops read ahead two pages in the input and in the output
 * (read_ahead.h), so that inputs larger than the caches do not stall at every page.
 */
#include "base64_kernels.h"
#include "base/read_ahead.h"
#include "base/simd128.h"

const int mc_base64_simd_available = 1;

#define MC_B64_AHEAD 8192u   /* read-ahead distance in the larger stream, bytes */

typedef struct {
    mc_v128 shuf;     /* [s1 s0 s2 s1] per group */
    mc_v128 m003f;    /* first index: bits 0..5 of each lane */
    mc_v128 m3f0000;  /* third index: bits 16..21 */
    mc_v128 m3f00;    /* second index: bits 8..13 */
    mc_v128 m3f000000;/* fourth index: bits 24..29 */
    mc_v128 c51, c26, c13;
    mc_v128 offsets;  /* ASCII offset per class */
} mc_b64_enc_consts;

typedef struct {
    mc_v128 lut_lo, lut_hi;  /* validation bit sets by low and high nibble */
    mc_v128 roll;            /* value offset by high nibble (+8 for the special char) */
    mc_v128 special;         /* '/' or '_' in every lane */
    mc_v128 nib, eight;
    mc_v128 m0fc0, dot, order;
} mc_b64_dec_consts;

static void mc_b64_enc_init(mc_b64_enc_consts *k, int url)
{
    k->shuf = mc_i8x16_make(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
    k->m003f = mc_i32x4_splat(0x0000003f);
    k->m3f0000 = mc_i32x4_splat(0x003f0000);
    k->m3f00 = mc_i32x4_splat(0x00003f00);
    k->m3f000000 = mc_i32x4_splat(0x3f000000);
    k->c51 = mc_i8x16_splat(51);
    k->c26 = mc_i8x16_splat(26);
    k->c13 = mc_i8x16_splat(13);
    /* class 0: 26..51 'a'-26; 1..10: 52..61 '0'-52; 11: 62; 12: 63; 13: 0..25 'A' */
    if (url)
        k->offsets = mc_i8x16_make(71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -17, 32, 65, 0, 0);
    else
        k->offsets = mc_i8x16_make(71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0);
}

static inline mc_v128 mc_b64_enc16(mc_v128 in, const mc_b64_enc_consts *k)
{
    mc_v128 x = mc_i8x16_swizzle(in, k->shuf);
    mc_v128 ac = mc_v128_or(mc_v128_and(mc_u32x4_shr(x, 10), k->m003f),
                            mc_v128_and(mc_u32x4_shr(x, 6), k->m3f0000));
    mc_v128 bd = mc_v128_or(mc_v128_and(mc_i32x4_shl(x, 4), k->m3f00),
                            mc_v128_and(mc_i32x4_shl(x, 8), k->m3f000000));
    mc_v128 idx = mc_v128_or(ac, bd);
    mc_v128 cls = mc_v128_or(mc_u8x16_sub_sat(idx, k->c51),
                             mc_v128_and(mc_u8x16_lt(idx, k->c26), k->c13));
    return mc_i8x16_add(idx, mc_i8x16_swizzle(k->offsets, cls));
}

size_t mc_base64_encode_blocks(const uint8_t *src, size_t n, char *dst, int url)
{
    mc_b64_enc_consts k;
    size_t i = 0, o = 0;

    if (n < 16)
        return 0;
    mc_b64_enc_init(&k, url);
    for (; n - i >= 52; i += 48, o += 64) {
        mc_v128 a, b, c, d;
        /* Both bytes lie inside what encoding the whole input reads and writes. */
        if ((o & 4095) == 0 && n - i > MC_B64_AHEAD) {
            mc_read_ahead(src + i + MC_B64_AHEAD / 4 * 3);
            mc_read_ahead(dst + o + MC_B64_AHEAD);
        }
        a = mc_v128_load(src + i);
        b = mc_v128_load(src + i + 12);
        c = mc_v128_load(src + i + 24);
        d = mc_v128_load(src + i + 36);
        mc_v128_store(dst + o, mc_b64_enc16(a, &k));
        mc_v128_store(dst + o + 16, mc_b64_enc16(b, &k));
        mc_v128_store(dst + o + 32, mc_b64_enc16(c, &k));
        mc_v128_store(dst + o + 48, mc_b64_enc16(d, &k));
    }
    dst += o;
    for (; n - i >= 16; i += 12, dst += 16)
        mc_v128_store(dst, mc_b64_enc16(mc_v128_load(src + i), &k));
    return i;
}

static void mc_b64_dec_init(mc_b64_dec_consts *k, int url)
{
    if (url) {
        k->lut_lo = mc_i8x16_make(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                  0x11, 0x11, 0x13, 0x3b, 0x3b, 0x3a, 0x3b, 0x33);
        k->lut_hi = mc_i8x16_make(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x20,
                                  0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
        k->roll = mc_i8x16_make(0, 0, 17, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, -32, 0, 0);
        k->special = mc_i8x16_splat('_');
    } else {
        k->lut_lo = mc_i8x16_make(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                  0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
        k->lut_hi = mc_i8x16_make(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
                                  0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
        k->roll = mc_i8x16_make(0, 0, 19, 4, -65, -65, -71, -71, 0, 0, 16, 0, 0, 0, 0, 0);
        k->special = mc_i8x16_splat('/');
    }
    k->nib = mc_i8x16_splat(0x0f);
    k->eight = mc_i8x16_splat(8);
    k->m0fc0 = mc_i16x8_splat(0x0fc0);
    k->dot = mc_i16x8_make(4096, 1, 4096, 1, 4096, 1, 4096, 1);
    k->order = mc_i8x16_make(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
}

/* Non-zero lanes where x is not an alphabet character; *hi gets the high nibbles. */
static inline mc_v128 mc_b64_bad(mc_v128 x, mc_v128 *hi, const mc_b64_dec_consts *k)
{
    *hi = mc_u8x16_shr(x, 4);
    return mc_v128_and(mc_i8x16_swizzle(k->lut_lo, mc_v128_and(x, k->nib)),
                       mc_i8x16_swizzle(k->lut_hi, *hi));
}

/* 16 valid characters -> 12 bytes in lanes 0..11 (lanes 12..15 zero). */
static inline mc_v128 mc_b64_dec16(mc_v128 x, mc_v128 hi, const mc_b64_dec_consts *k)
{
    mc_v128 idx = mc_v128_or(hi, mc_v128_and(mc_i8x16_eq(x, k->special), k->eight));
    mc_v128 v = mc_i8x16_add(x, mc_i8x16_swizzle(k->roll, idx));
    mc_v128 t = mc_v128_or(mc_v128_and(mc_i16x8_shl(v, 6), k->m0fc0), mc_u16x8_shr(v, 8));
    return mc_i8x16_swizzle(mc_i32x4_dot_i16x8(t, k->dot), k->order);
}

size_t mc_base64_decode_blocks(const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                               int url)
{
    mc_b64_dec_consts k;
    size_t i = 0, o = 0;

    if (n < 16 || cap < 16)
        return 0;
    mc_b64_dec_init(&k, url);
    /* Four blocks write 48 bytes, the last store reaching 52. */
    for (; n - i >= 64 && cap - o >= 52; i += 64, o += 48) {
        mc_v128 a, b, c, d, ha, hb, hc, hd, bad;
        if ((i & 4095) == 0 && n - i > MC_B64_AHEAD && cap - o > MC_B64_AHEAD / 4 * 3) {
            mc_read_ahead(src + i + MC_B64_AHEAD);
            mc_read_ahead(dst + o + MC_B64_AHEAD / 4 * 3);
        }
        a = mc_v128_load(src + i);
        b = mc_v128_load(src + i + 16);
        c = mc_v128_load(src + i + 32);
        d = mc_v128_load(src + i + 48);
        bad = mc_v128_or(mc_v128_or(mc_b64_bad(a, &ha, &k), mc_b64_bad(b, &hb, &k)),
                         mc_v128_or(mc_b64_bad(c, &hc, &k), mc_b64_bad(d, &hd, &k)));
        if (mc_v128_any_true(bad))
            break;
        mc_v128_store(dst + o, mc_b64_dec16(a, ha, &k));
        mc_v128_store(dst + o + 12, mc_b64_dec16(b, hb, &k));
        mc_v128_store(dst + o + 24, mc_b64_dec16(c, hc, &k));
        mc_v128_store(dst + o + 36, mc_b64_dec16(d, hd, &k));
    }
    for (; n - i >= 16 && cap - o >= 16; i += 16, o += 12) {
        mc_v128 hi, x = mc_v128_load(src + i);
        if (mc_v128_any_true(mc_b64_bad(x, &hi, &k)))
            break;
        mc_v128_store(dst + o, mc_b64_dec16(x, hi, &k));
    }
    return i;
}
