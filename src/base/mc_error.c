/* mc_error.c: names and descriptions for the codes in mc_error.h. */
#include "mediacore/mc_error.h"

typedef struct {
    const char *name;
    const char *text;
} mc_error_entry;

/* Indexed by -code. */
static const mc_error_entry mc_errors[] = {
    { "MC_OK",           "success" },
    { "MC_EINVAL",       "invalid argument" },
    { "MC_ENOMEM",       "out of memory" },
    { "MC_EDIMENSIONS",  "invalid frame dimensions" },
    { "MC_ESTRIDE",      "row stride smaller than the row" },
    { "MC_EBUFSIZE",     "buffer too small" },
    { "MC_ENAME",        "unknown name" },
    { "MC_EFORMAT",      "malformed input data" },
    { "MC_ERANGE",       "value out of range" },
    { "MC_ESTATE",       "call not valid in the current state" },
    { "MC_ECODEC",       "codec error" },
    { "MC_EUNSUPPORTED", "not supported" },
    { "MC_ECHECKSUM",    "integrity check failed" },
    { "MC_EPROTOCOL",    "protocol error" },
    { "MC_ELIMIT",       "limit exceeded" },
    { "MC_EINTERNAL",    "internal error" },
};

const char *mc_strerror(int code)
{
    if (code > 0 || code < MC_ERROR_MIN)
        return "unknown error";
    return mc_errors[-code].text;
}

const char *mc_error_name(int code)
{
    if (code > 0 || code < MC_ERROR_MIN)
        return "MC_EUNKNOWN";
    return mc_errors[-code].name;
}
