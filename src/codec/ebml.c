/* ebml.c: writing and reading EBML elements for the WebM muxer and demuxer. See ebml.h. */
#include "ebml.h"

#include <stdlib.h>
#include <string.h>

#include "mediacore/mc_error.h"

/* Make room for `extra` more bytes; the only place the muxer allocates. */
int mc_ebml_reserve(mc_ebml_buf *b, size_t extra)
{
    size_t need = b->len + extra, cap;
    uint8_t *p;

    if (need <= b->cap)
        return MC_OK;
    if (need < b->len)
        return MC_ENOMEM;
    cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->p, cap);
    if (p == NULL)
        return MC_ENOMEM;
    b->p = p;
    b->cap = cap;
    return MC_OK;
}

/* The put_* helpers write into reserved space only: callers reserve first. */
void mc_ebml_put_bytes(mc_ebml_buf *b, const void *p, size_t n)
{
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

void mc_ebml_put_be(mc_ebml_buf *b, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--)
        b->p[b->len++] = (uint8_t)(v >> (8 * i));
}

void mc_ebml_put_id(mc_ebml_buf *b, uint32_t id)
{
    mc_ebml_put_be(b, id, id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1);
}

/* A size as a vint of exactly `width` bytes. */
void mc_ebml_put_size(mc_ebml_buf *b, uint64_t size, int width)
{
    mc_ebml_put_be(b, size | (1ull << (7 * width)), width);
}

/* Fewest bytes a size needs as a vint (the all-ones value is reserved). */
int mc_ebml_size_width(uint64_t v)
{
    int w = 1;
    while (w < 8 && v >= (1ull << (7 * w)) - 1)
        w++;
    return w;
}

static int mc_ebml_uint_width(uint64_t v)
{
    int n = 1;
    while (n < 8 && (v >> (8 * n)) != 0)
        n++;
    return n;
}

void mc_ebml_put_uint_n(mc_ebml_buf *b, uint32_t id, uint64_t v, int n)
{
    mc_ebml_put_id(b, id);
    mc_ebml_put_size(b, (uint64_t)n, 1);
    mc_ebml_put_be(b, v, n);
}

void mc_ebml_put_uint(mc_ebml_buf *b, uint32_t id, uint64_t v)
{
    mc_ebml_put_uint_n(b, id, v, mc_ebml_uint_width(v));
}

void mc_ebml_put_float(mc_ebml_buf *b, uint32_t id, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    mc_ebml_put_uint_n(b, id, bits, 8);
}

void mc_ebml_put_binary(mc_ebml_buf *b, uint32_t id, const void *p, size_t n)
{
    mc_ebml_put_id(b, id);
    mc_ebml_put_size(b, n, mc_ebml_size_width(n));
    mc_ebml_put_bytes(b, p, n);
}

void mc_ebml_put_string(mc_ebml_buf *b, uint32_t id, const char *s)
{
    mc_ebml_put_binary(b, id, s, strlen(s));
}

/* A Void element of exactly `total` (2..128) bytes: a placeholder rewritten later. */
void mc_ebml_put_void(mc_ebml_buf *b, size_t total)
{
    mc_ebml_put_id(b, ID_VOID);
    mc_ebml_put_size(b, total - 2, 1);
    memset(b->p + b->len, 0, total - 2);
    b->len += total - 2;
}

/* Master elements: begin writes the ID and a `width`-byte size placeholder, end fills it. */
size_t mc_ebml_begin_master(mc_ebml_buf *b, uint32_t id, int width)
{
    size_t at;
    mc_ebml_put_id(b, id);
    at = b->len;
    b->len += (size_t)width;
    return at;
}

void mc_ebml_end_master(mc_ebml_buf *b, size_t at, int width)
{
    size_t end = b->len;
    b->len = at;
    mc_ebml_put_size(b, end - at - (size_t)width, width);
    b->len = end;
}

void mc_ebml_patch_be(mc_ebml_buf *b, size_t at, uint64_t v, int n)
{
    size_t end = b->len;
    b->len = at;
    mc_ebml_put_be(b, v, n);
    b->len = end;
}
/* A vint's length from its first byte: 1 + leading zero bits; 0 if the byte is 0. */
static int mc_ebml_vint_len(uint8_t b)
{
    int n = 1;
    if (b == 0)
        return 0;
    while (!(b & 0x80)) {
        b <<= 1;
        n++;
    }
    return n;
}

/* Read a size vint. Returns its length, 0 when malformed or truncated. */
int mc_ebml_read_vint(const uint8_t *p, size_t avail, uint64_t *v, int *unknown)
{
    int n, all_ones;
    uint64_t x;

    if (avail < 1 || (n = mc_ebml_vint_len(p[0])) == 0 || (size_t)n > avail)
        return 0;
    x = p[0] & (0xFFu >> n);
    all_ones = x == (0xFFu >> n);
    for (int i = 1; i < n; i++) {
        x = (x << 8) | p[i];
        all_ones = all_ones && p[i] == 0xFF;
    }
    *v = x;
    if (unknown)
        *unknown = all_ones;
    return n;
}

/* Read an element header; returns MC_OK or MC_EFORMAT. The payload may still be cut
 * short: callers check size against what is left. */
int mc_ebml_read_el(const uint8_t *p, size_t avail, mc_ebml_el *el)
{
    int n = avail ? mc_ebml_vint_len(p[0]) : 0, m;

    if (n == 0 || n > 4 || (size_t)n > avail)
        return MC_EFORMAT;
    el->id = 0;
    for (int i = 0; i < n; i++)
        el->id = (el->id << 8) | p[i];
    m = mc_ebml_read_vint(p + n, avail - (size_t)n, &el->size, &el->unknown);
    if (m == 0)
        return MC_EFORMAT;
    el->head = (size_t)n + (size_t)m;
    return MC_OK;
}

uint64_t mc_ebml_read_uint(const uint8_t *p, uint64_t n)
{
    uint64_t v = 0;
    for (uint64_t i = 0; i < n && i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

/* A float element: 4 or 8 bytes big-endian IEEE 754; 0 for any other size. */
double mc_ebml_read_float(const uint8_t *p, uint64_t n)
{
    if (n == 4) {
        uint32_t bits = (uint32_t)mc_ebml_read_uint(p, 4);
        float f;
        memcpy(&f, &bits, sizeof(f));
        return f;
    }
    if (n == 8) {
        uint64_t bits = mc_ebml_read_uint(p, 8);
        double d;
        memcpy(&d, &bits, sizeof(d));
        return d;
    }
    return 0.0;
}