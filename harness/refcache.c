/* refcache.c - see refcache.h. File layout: a text line
 * "softbench-refcache 2 <key hex>\n", then struct entry_head, x, y, and a
 * digest of those three, so that an entry altered on disk is not read. */
#include "refcache.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vecio.h"

#ifndef SBREF_SOURCE_DIGEST
#error "SBREF_SOURCE_DIGEST (a digest of reference/reference.c) comes from the Makefile"
#endif

struct entry_head {
    uint64_t n;
    uint32_t T_bits;
    int32_t status, kind;
    uint64_t index;
    int64_t prec_sum, prec_max;
    uint64_t retries;
};

/* Two FNV-1a streams with different offsets: 128 bits of name, while the
 * entry's own contents decide whether it is a hit. */
struct digest {
    uint64_t a, b;
};
static void dig(struct digest *d, const void *p, size_t len)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < len; i++) {
        d->a = (d->a ^ c[i]) * 0x100000001b3ull;
        d->b = (d->b ^ c[i]) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
    }
}

static void key_of(const float *x, size_t n, float T, int lg, char hex[33])
{
    struct digest d = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull};
    const char *src = SBREF_SOURCE_DIGEST, *mp = sbref_mpfr_version();
    const char *type = lg ? "float32-log" : "float32";
    uint64_t n64 = n;
    uint32_t tb;
    memcpy(&tb, &T, sizeof tb);
    dig(&d, src, strlen(src) + 1);
    dig(&d, mp, strlen(mp) + 1);
    dig(&d, type, strlen(type) + 1);
    dig(&d, &n64, sizeof n64);
    dig(&d, &tb, sizeof tb);
    dig(&d, x, n * sizeof *x);
    snprintf(hex, 33, "%016llx%016llx", (unsigned long long)d.a, (unsigned long long)d.b);
}

static int read_entry(const char *path, const char *line, const float *x, size_t n, float T,
                      float *y, struct sbref_info *info, int *status)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    char got[128];
    struct entry_head h;
    uint32_t tb;
    memcpy(&tb, &T, sizeof tb);
    struct digest d = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull}, stored;
    int ok = fgets(got, sizeof got, f) != NULL && strcmp(got, line) == 0 &&
             fread(&h, sizeof h, 1, f) == 1 && h.n == n && h.T_bits == tb;
    if (ok)
        dig(&d, &h, sizeof h);
    /* the stored input, compared in chunks through y */
    for (size_t i = 0; ok && i < n; i += 4096) {
        size_t k = n - i < 4096 ? n - i : 4096;
        ok = fread(y, sizeof *y, k, f) == k && memcmp(y, x + i, k * sizeof *y) == 0;
        if (ok)
            dig(&d, y, k * sizeof *y);
    }
    ok = ok && fread(y, sizeof *y, n, f) == n;
    if (ok)
        dig(&d, y, n * sizeof *y);
    ok = ok && fread(&stored, sizeof stored, 1, f) == 1 && fgetc(f) == EOF && stored.a == d.a &&
         stored.b == d.b && h.kind >= SBREF_EXACT && h.kind <= SBREF_EMPTY && h.status >= 0 &&
         h.status <= SBREF_UNDEFINED;
    fclose(f);
    if (!ok)
        return -1;
    *status = h.status;
    *info = (struct sbref_info){.kind = (enum sbref_kind)h.kind,
                                .index = h.index,
                                .prec_sum = h.prec_sum,
                                .prec_max = h.prec_max,
                                .retries = h.retries};
    return 0;
}

static void write_entry(const char *dir, const char *path, const char *line, const float *x,
                        size_t n, float T, const float *y, const struct sbref_info *info,
                        int status)
{
    char err[256];
    struct sb_out o;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return;
    if (sb_out_open(&o, path, err, sizeof err) != 0)
        return;
    struct entry_head h;
    memset(&h, 0, sizeof h); /* padding too: the digest covers its bytes */
    h.n = n;
    h.status = status;
    h.kind = (int32_t)info->kind;
    h.index = info->index;
    h.prec_sum = info->prec_sum;
    h.prec_max = info->prec_max;
    h.retries = info->retries;
    memcpy(&h.T_bits, &T, sizeof h.T_bits);
    struct digest d = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull};
    dig(&d, &h, sizeof h);
    dig(&d, x, n * sizeof *x);
    dig(&d, y, n * sizeof *y);
    int ok = fputs(line, o.f) >= 0 && fwrite(&h, sizeof h, 1, o.f) == 1 &&
             fwrite(x, sizeof *x, n, o.f) == n && fwrite(y, sizeof *y, n, o.f) == n &&
             fwrite(&d, sizeof d, 1, o.f) == 1;
    sb_out_close(&o, ok, err, sizeof err);
}

static int compute(const float *x, size_t n, float T, int lg, float *y, struct sbref_info *info)
{
    return lg ? sbref_log_softmax(x, n, T, y, NULL, info) : sbref_softmax(x, n, T, y, NULL, info);
}

int sb_refcache_softmax(const char *dir, const float *x, size_t n, float T, enum softmax_output out,
                        float *y, struct sbref_info *info, int *hit)
{
    int lg = out == SOFTMAX_OUT_LOG;
    *hit = 0;
    if (dir == NULL || n < SB_REFCACHE_MIN_N)
        return compute(x, n, T, lg, y, info);
    char hex[33], line[96];
    key_of(x, n, T, lg, hex);
    snprintf(line, sizeof line, "softbench-refcache 2 %s\n", hex);
    size_t plen = strlen(dir) + 48;
    char *path = malloc(plen);
    if (path == NULL)
        return compute(x, n, T, lg, y, info);
    snprintf(path, plen, "%s/%s.ref", dir, hex);
    int st;
    if (read_entry(path, line, x, n, T, y, info, &st) == 0) {
        *hit = 1;
        free(path);
        return st;
    }
    st = compute(x, n, T, lg, y, info);
    if (st >= 0)
        write_entry(dir, path, line, x, n, T, y, info, st);
    free(path);
    return st;
}
