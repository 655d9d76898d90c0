/* utf8.h: mediacore's one UTF-8 validator and decoder. Strict (the Unicode Standard,
 * table 3-7): overlong forms, surrogates (U+D800..U+DFFF) and values above U+10FFFF are
 * ill-formed. Nothing here reads past the length it is given.
 *
 * mc_utf8_sequence is the check everything else is built on; it is the fastest of the
 * three validators mediacore used to have (BENCHMARKS.md, "UTF-8 validation").
 * mc_utf8_next decodes ill-formed input to U+FFFD, one for each "maximal subpart" of an
 * ill-formed sequence (the Unicode Standard, chapter 3.9, "U+FFFD Substitution of Maximal
 * Subparts"), which is exactly what the WHATWG Encoding Standard and every browser's
 * TextDecoder do.
 */
#ifndef MC_UTF8_H
#define MC_UTF8_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MC_UTF8_REPLACEMENT 0xFFFDu   /**< what ill-formed input decodes to */

/**
 * The length (1 to 4) of the well-formed sequence that starts s[0, n), or 0 when the bytes
 * there are not one (ill-formed, or cut short by n). n must be at least 1. Inline: it is
 * called once a character in the loops that use it.
 */
static inline size_t mc_utf8_sequence(const uint8_t *s, size_t n)
{
    unsigned c = s[0];

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if (c == 0xe0 && s[1] < 0xa0)
            return 0;                  /* overlong */
        if (c == 0xed && s[1] >= 0xa0)
            return 0;                  /* a UTF-16 surrogate */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if (c == 0xf0 && s[1] < 0x90)
            return 0;                  /* overlong */
        if (c == 0xf4 && s[1] >= 0x90)
            return 0;                  /* above U+10FFFF */
        return 4;
    }
    return 0;                          /* a continuation byte or C0, C1, F5..FF: never a lead */
}

/**
 * The length of the longest well-formed prefix of s[0, n): n when all of it is UTF-8,
 * else the offset of the first ill-formed sequence. Runs of ASCII go 8 bytes at a time.
 */
size_t mc_utf8_valid(const uint8_t *s, size_t n);

/**
 * The length of the longest prefix of s[0, n) of at most `max` bytes that ends on a
 * character boundary: n when n <= max. s is well-formed UTF-8 (only continuation bytes
 * are stepped back over).
 */
size_t mc_utf8_prefix(const char *s, size_t n, size_t max);

/**
 * Decode the code point starting at s[*pos] (which must be < len) and advance *pos past
 * it: by 1 to 4 bytes, never beyond len.
 * @return the code point, or MC_UTF8_REPLACEMENT for an ill-formed (or truncated) sequence,
 *         after which *pos is past its maximal subpart.
 */
uint32_t mc_utf8_next(const uint8_t *s, size_t len, size_t *pos);

/**
 * Encode `cp` (0..0x10FFFF, not a surrogate) as UTF-8 into out.
 * @return the number of bytes written (1..4), or 0 for a value that is not a scalar value.
 */
size_t mc_utf8_encode(uint32_t cp, uint8_t out[4]);

#ifdef __cplusplus
}
#endif

#endif /* MC_UTF8_H */
