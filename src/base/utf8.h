/* utf8.h: a strict UTF-8 decoder that never fails and never reads past the end.
 *
 * Ill-formed input decodes to U+FFFD, one for each "maximal subpart" of an ill-formed
 * sequence (the Unicode Standard, chapter 3.9, "U+FFFD Substitution of Maximal Subparts"),
 * which is exactly what the WHATWG Encoding Standard and every browser's TextDecoder do.
 * Overlong forms, surrogates (U+D800..U+DFFF) and values above U+10FFFF are ill-formed.
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
 * Decode the code point starting at s[*pos] (which must be < len) and advance *pos past
 * it: by 1 to 4 bytes, never beyond len.
 * @return the code point, or MC_UTF8_REPLACEMENT for an ill-formed (or truncated) sequence.
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
