/* mc_error.h: error codes shared by every mediacore module.
 *
 * Every function that can fail returns MC_OK (0) or one of the negative codes below.
 * Codes are stable: JavaScript sees the same numbers and names (MediaCoreError.code is
 * the name, e.g. "MC_EDIMENSIONS"; MediaCoreError.errno is the number).
 */
#ifndef MC_ERROR_H
#define MC_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#define MC_OK               0   /**< success */
#define MC_EINVAL          -1   /**< invalid argument (NULL pointer, bad option value) */
#define MC_ENOMEM          -2   /**< an allocation failed */
#define MC_EDIMENSIONS     -3   /**< width or height is zero, negative or too large */
#define MC_ESTRIDE         -4   /**< row stride smaller than width * bytes per pixel */
#define MC_EBUFSIZE        -5   /**< a buffer is shorter than the data it must hold */
#define MC_ENAME           -6   /**< an unknown name (filter, codec, option) */
#define MC_EFORMAT         -7   /**< malformed input data (bad Base64, bad packet, bad UTF-8) */
#define MC_ERANGE          -8   /**< a numeric value is outside its allowed range */
#define MC_ESTATE          -9   /**< the call is not valid in the object's current state */
#define MC_ECODEC         -10   /**< the codec library reported an error (see its detail) */
#define MC_EUNSUPPORTED   -11   /**< not supported by this build or this input */
#define MC_ECHECKSUM      -12   /**< an integrity check failed */
#define MC_EPROTOCOL      -13   /**< a protocol message is malformed or out of place */
#define MC_ELIMIT         -14   /**< a configured limit was exceeded */
#define MC_EINTERNAL      -15   /**< an internal invariant failed (a bug: please report) */

#define MC_ERROR_MIN      -15   /**< the most negative code in use */

/** A readable, static, English description of `code` ("unknown error" for unknown codes). */
const char *mc_strerror(int code);

/** The code's symbolic name, e.g. "MC_EDIMENSIONS"; "MC_EUNKNOWN" for unknown codes. */
const char *mc_error_name(int code);

#ifdef __cplusplus
}
#endif

#endif /* MC_ERROR_H */
