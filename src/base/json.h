/* json.h: internal. The one way mediacore includes cJSON, and the JSON helpers the
 * signaling engine (src/signal) and the file-transfer control messages (src/transfer)
 * share, so each is written once:
 *   - parsing one value with nothing but whitespace after it, and typed member getters;
 *   - a byte-preserving scanner that finds a member's raw text in a message cJSON has
 *     accepted (a relayed payload goes out as the sender wrote it);
 *   - printing cJSON into a caller's buffer, and a writer that builds JSON text into a
 *     caller's buffer of fixed capacity.
 * Every other file includes "base/json.h", never <cjson/cJSON.h> itself.
 */
#ifndef MC_JSON_H
#define MC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* ---- checks before parsing ---- */

/* What mc_json_check finds wrong first (in the order of the bytes). */
typedef enum mc_json_fault {
    MC_JSON_FINE = 0,
    MC_JSON_BAD_UTF8,     /* not well-formed UTF-8 (base/utf8.h) */
    MC_JSON_BAD_TEXT,     /* a raw control character other than whitespace outside strings,
                           * any inside one, a \u0000 escape, a backslash at the end or
                           * before a control or non-ASCII character */
    MC_JSON_TOO_DEEP,     /* objects and arrays nested deeper than max_depth */
} mc_json_fault;

/* One pass over raw text before cJSON sees it, for what cJSON does not refuse itself: it
 * does not check UTF-8, would cut "a\u0000b" to "a", and recurses once a nesting level.
 * Not a JSON validator: cJSON still has to accept the text. */
mc_json_fault mc_json_check(const char *s, size_t n, int max_depth);

/* ---- parsing and members ---- */

/* Parse s[0, n) as one JSON value followed by nothing but JSON whitespace. Returns the
 * value (the caller owns it: cJSON_Delete) or NULL when the bytes are not that (or memory
 * ran out); then *at (when at is not NULL) is the offset where reading stopped: the bad
 * byte, or the first byte after the value. */
cJSON *mc_json_parse(const char *s, size_t n, size_t *at);

/* The string member `key` of `obj` (NUL-terminated, owned by obj), or NULL when it is
 * absent or not a string. obj may be NULL. */
const char *mc_json_get_str(const cJSON *obj, const char *key);

/* An integer-valued JSON number of magnitude at most 2^53 (exact in a double) into *out:
 * MC_OK, or MC_EFORMAT when item is NULL, not a number, fractional or larger. */
int mc_json_get_int(const cJSON *item, int64_t *out);

/* The member `key` of obj as an integer in [0, max], and at most 2^53 - 1 (exact in
 * JavaScript): MC_OK, or MC_EFORMAT when absent, not an integer or out of range. */
int mc_json_get_u64(const cJSON *obj, const char *key, uint64_t max, uint64_t *out);

/* ---- the raw text of a member ---- */

/* These read text cJSON has already accepted as one JSON value, so they only find
 * boundaries: strings (with escapes), nested brackets, and everything else. Positions are
 * offsets into s[0, n); none reads at or past n. */

/* The first offset at or after i that is not JSON whitespace (or n). */
size_t mc_json_skip_ws(const char *s, size_t i, size_t n);

/* The offset just past the value that starts at s[i] (or n). */
size_t mc_json_skip_value(const char *s, size_t i, size_t n);

/* The raw text of the top-level member `key` of the object in s[0, n): its first
 * occurrence, the one cJSON_GetObjectItemCaseSensitive picks. Returns 1 and the span
 * (pointing into s), 0 when absent, or -1 when s is not an object or one of its keys is
 * written with escapes (raw and decoded keys could then disagree: use the parsed value). */
int mc_json_raw_member(const char *s, size_t n, const char *key, const char **value,
                       size_t *value_len);

/* ---- writing ---- */

/* cJSON_PrintPreallocated may want up to this many bytes beyond the text and its NUL. */
#define MC_JSON_PRINT_SLACK 5

/* cJSON's compact text of `item`, NUL-terminated, into buf[0, cap): MC_OK with *len the
 * text's length; MC_EBUFSIZE when it does not fit, with *len the capacity it needs (the
 * text, its NUL and MC_JSON_PRINT_SLACK); MC_ENOMEM when that could not be measured;
 * MC_EINVAL for a NULL argument. */
int mc_json_print(const cJSON *item, char *buf, size_t cap, size_t *len);

/* JSON text built into the caller's buffer. Each mc_json_put_* appends, or sets overflow
 * when the bytes do not fit; after that nothing more is written, but len goes on counting,
 * so it ends as the capacity the whole text needs. No NUL is written. */
typedef struct mc_json_writer {
    char *buf;      /* the caller's, cap bytes */
    size_t cap;
    size_t len;     /* bytes written; after an overflow, bytes the text needs */
    int overflow;
} mc_json_writer;

void mc_json_writer_init(mc_json_writer *w, char *buf, size_t cap);

/* s[0, n) as it is. */
void mc_json_put(mc_json_writer *w, const char *s, size_t n);

/* The NUL-terminated s as it is. */
void mc_json_put_lit(mc_json_writer *w, const char *s);

/* A JSON string literal of s[0, n) (well-formed UTF-8): quotes, backslashes and control
 * characters escaped, everything else as it is. When max is not 0 the text is cut on a
 * character boundary to at most max bytes and "..." is appended if anything was cut. */
void mc_json_put_str(mc_json_writer *w, const char *s, size_t n, size_t max);

/* cJSON's compact text of item. */
void mc_json_put_value(mc_json_writer *w, const cJSON *item);

/* MC_OK when everything fit, else MC_EBUFSIZE (w->len then says the capacity needed). */
int mc_json_writer_status(const mc_json_writer *w);

#endif /* MC_JSON_H */
