/* mc_detail.h: internal. Writing a failed call's readable detail into a handle's (or the
 * caller's) fixed buffer, shared by the codec modules. Not part of the public API. */
#ifndef MC_DETAIL_H
#define MC_DETAIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* printf into buf[0, size) (truncating, always NUL-terminated when size > 0); returns
 * `code` so that failures read `return mc_detail(buf, n, MC_ERANGE, "...", ...);`. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 4, 5)))
#endif
static inline int mc_detail(char *buf, size_t size, int code, const char *fmt, ...)
{
    va_list ap;

    if (buf == NULL || size == 0)
        return code;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return code;
}

#endif /* MC_DETAIL_H */
