/* username.h: the key under which a signaling user name is held and compared.
 *
 * Two names that look the same must not belong to two users ("alice", "ALICE", "ａｌｉｃｅ",
 * "alice" with an invisible U+200B inside). The engine (mc_signal.h) therefore keys its
 * registry by mc_username_key() of a name, not by the name as typed; the name as typed is
 * kept for display. The rules follow the PRECIS UsernameCaseMapped profile (RFC 8265,
 * section 3.3), with a wider repertoire so that the names clients already use (spaces,
 * punctuation, symbols, emoji: "UserA", "José 😀") stay valid.
 *
 * Refused (MC_ENAME), checked on the name as typed, code point by code point:
 *   - controls, format characters, private use, surrogates, unassigned code points and
 *     noncharacters, line and paragraph separators (general categories Cc, Cf, Co, Cs, Cn,
 *     Zl, Zp): RFC 8264's FreeformClass disallows all of them;
 *   - Default_Ignorable_Code_Point: invisible characters such as ZERO WIDTH SPACE U+200B,
 *     ZERO WIDTH (NON-)JOINER U+200C/U+200D, WORD JOINER U+2060, BOM U+FEFF, SOFT HYPHEN
 *     U+00AD, COMBINING GRAPHEME JOINER U+034F, variation selectors U+FE00-U+FE0F and
 *     U+E0100-U+E01EF, Hangul fillers, tag characters (RFC 8264 "PrecisIgnorableProperties");
 *     so emoji written with VS16 or joined with ZWJ are refused, plain emoji are not;
 *   - characters whose compatibility decomposition is <font> (MATHEMATICAL BOLD SMALL A
 *     U+1D41A, DOUBLE-STRUCK CAPITAL H U+210D, ...): styled copies of ordinary letters and
 *     digits that would otherwise keep "𝐚𝐥𝐢𝐜𝐞" apart from "alice" (PRECIS usernames
 *     refuse every compatibility character; we refuse only these);
 *   - a name that is empty once mapped (only spaces).
 * "Unassigned" means unassigned in Unicode 14.0, the version of libunistring 1.0's tables.
 *
 * The key of an accepted name, in this order (RFC 8265 order, step 2 added):
 *   1. width mapping: fullwidth and halfwidth code points (decomposition <wide>/<narrow>)
 *      become their decomposition ("ＡＢ" -> "AB", IDEOGRAPHIC SPACE -> SPACE);
 *   2. spaces: every space separator (Zs: NO-BREAK SPACE, EN SPACE, ...) becomes U+0020,
 *      leading and trailing spaces are removed and runs of spaces become one (the
 *      OpaqueString and Nickname rules of RFC 8265/8266: spaces are allowed here, so
 *      "alice " and "alice\u00a0bob" must not stand apart from "alice" and "alice bob");
 *   3. case mapping: Unicode toLowerCase(), language-independent (RFC 8265 prefers it to
 *      case folding): "ALICE" -> "alice", KELVIN SIGN -> "k", "İ" -> "i" + U+0307. Not
 *      case folding, so, as RFC 8265's own examples say, "ß" and "ss" stay different names,
 *      and FINAL SIGMA "ς" stays different from "σ" (a final capital "Σ" lowercases to
 *      "ς" by the Final_Sigma rule); Turkish dotless "ı" stays different from "i";
 *   4. Unicode Normalization Form C, so precomposed and decomposed "é" are one name.
 * The bidi rule of RFC 5893 is not applied, and confusables across scripts (Latin "a" vs
 * Cyrillic "а", Unicode TR 39) are out of scope: they are different letters.
 *
 * Backed by GNU libunistring (tables, normalization, case mapping); native builds only.
 * No globals; thread-safe.
 */
#ifndef MC_USERNAME_H
#define MC_USERNAME_H

#include <stddef.h>

#include "mediacore/mc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The comparison key of the user name `name` (`len` bytes of UTF-8, need not be
 * NUL-terminated). Two names denote the same user exactly when their keys are equal byte
 * for byte. The key is written to `out` (caller-owned, `cap` bytes) followed by a NUL;
 * it contains no NUL itself.
 * @return MC_OK: *out_len = the key's length in bytes (without the NUL), at least 1.
 *         MC_ENAME: the name is refused (see above); *out_len = the byte offset of the
 *           first refused code point, or `len` when the name is empty once mapped.
 *         MC_EFORMAT: `name` is not valid UTF-8; *out_len = the offset of the bad byte.
 *         MC_EBUFSIZE: `cap` is too small; *out_len = the size needed (key + NUL). Keys
 *           are seldom longer than the name, but NFC can expand (MUSICAL SYMBOL EIGHTH
 *           NOTE U+1D160, 4 bytes, has a 12-byte key): a caller that needs a fixed bound
 *           can allow 4 * len + 1 bytes and treat MC_EBUFSIZE as a refusal.
 *         MC_EINVAL (NULL name, out or out_len; len 0 gives MC_ENAME), MC_ENOMEM.
 */
int mc_username_key(const char *name, size_t len, char *out, size_t cap, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* MC_USERNAME_H */
