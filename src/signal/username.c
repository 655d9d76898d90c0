/* username.c: user name keys (see username.h), on GNU libunistring's Unicode tables. */
#include "username.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

/* Whether the code point `c` is refused in a name (username.h lists the rules). */
static int refused(ucs4_t c)
{
    ucs4_t decomposition[UC_DECOMPOSITION_MAX_LENGTH];
    int tag;
    uc_general_category_t bad = uc_general_category_or(
        uc_general_category_or(UC_CATEGORY_C, UC_CATEGORY_Zl), UC_CATEGORY_Zp);

    /* UC_CATEGORY_C is Cc, Cf, Cs, Co and Cn (unassigned, noncharacters). */
    if (uc_is_general_category(c, bad) || uc_is_property_default_ignorable_code_point(c))
        return 1;
    return uc_decomposition(c, &tag, decomposition) > 0 && tag == UC_DECOMP_FONT;
}

/* Step 1 of the mapping: a fullwidth or halfwidth code point becomes its decomposition
 * (always a single code point); every other one stays. */
static ucs4_t width_map(ucs4_t c)
{
    ucs4_t decomposition[UC_DECOMPOSITION_MAX_LENGTH];
    int tag;

    if (uc_decomposition(c, &tag, decomposition) == 1 &&
        (tag == UC_DECOMP_WIDE || tag == UC_DECOMP_NARROW))
        return decomposition[0];
    return c;
}

/* The key of a name of printable ASCII only (U+0020-U+007E), the common case, without
 * libunistring: width mapping and NFC change nothing there, lower case is A-Z -> a-z.
 * Returns 1 when it applied (and set the result), 0 when the name needs the full path. */
static int ascii_key(const char *name, size_t len, char *out, size_t cap, size_t *out_len,
                     int *rc)
{
    size_t i, n = 0;
    int pending_space = 0;

    for (i = 0; i < len; i++) {
        if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] > 0x7e)
            return 0;
    }
    for (i = 0; i < len; i++) {
        char c = name[i];

        if (c == ' ') {
            pending_space = n > 0;
            continue;
        }
        if (pending_space) {
            if (n < cap)
                out[n] = ' ';
            n++;
        }
        pending_space = 0;
        if (n < cap)
            out[n] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        n++;
    }
    if (n == 0) {
        *out_len = len;
        *rc = MC_ENAME;
    } else if (n + 1 > cap) {
        *out_len = n + 1;
        *rc = MC_EBUFSIZE;
    } else {
        out[n] = '\0';
        *out_len = n;
        *rc = MC_OK;
    }
    return 1;
}

int mc_username_key(const char *name, size_t len, char *out, size_t cap, size_t *out_len)
{
    const uint8_t *s, *end;
    uint8_t *mapped, *lower;
    size_t n = 0, lower_len;
    int pending_space = 0;

    if (name == NULL || out == NULL || out_len == NULL)
        return MC_EINVAL;
    s = (const uint8_t *)name;
    end = s + len;
    *out_len = 0;
    {
        int rc;

        if (ascii_key(name, len, out, cap, out_len, &rc))
            return rc;
    }
    if (len > SIZE_MAX / 4 - 1)
        return MC_ENOMEM;
    /* Every code point maps to one code point of at most 4 bytes, taken from at least 1. */
    mapped = malloc(4 * len + 1);
    if (mapped == NULL)
        return MC_ENOMEM;
    while (s < end) {
        ucs4_t c;
        int k = u8_mbtoucr(&c, s, (size_t)(end - s));

        if (k < 0) {
            free(mapped);
            *out_len = (size_t)(s - (const uint8_t *)name);
            return MC_EFORMAT;
        }
        if (refused(c)) {
            free(mapped);
            *out_len = (size_t)(s - (const uint8_t *)name);
            return MC_ENAME;
        }
        s += k;
        c = width_map(c);
        /* Step 2: spaces become U+0020, trimmed at both ends, runs collapsed. A space is
         * written only once something follows it. */
        if (uc_is_general_category(c, UC_CATEGORY_Zs)) {
            pending_space = n > 0;
            continue;
        }
        if (pending_space)
            mapped[n++] = ' ';
        pending_space = 0;
        n += (size_t)u8_uctomb(mapped + n, c, 4);
    }
    if (n == 0) {
        free(mapped);
        *out_len = len;
        return MC_ENAME;
    }
    /* Steps 3 and 4: lower case, then NFC; straight into `out` when it fits. */
    lower_len = cap > 0 ? cap - 1 : 0;
    lower = u8_tolower(mapped, n, NULL, UNINORM_NFC, cap > 0 ? (uint8_t *)out : NULL, &lower_len);
    free(mapped);
    if (lower == NULL)
        return errno == ENOMEM ? MC_ENOMEM : MC_EINTERNAL;
    if (lower != (uint8_t *)out) {
        free(lower);
        *out_len = lower_len + 1;
        return MC_EBUFSIZE;
    }
    out[lower_len] = '\0';
    *out_len = lower_len;
    return MC_OK;
}
