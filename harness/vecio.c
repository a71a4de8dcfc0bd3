/* vecio.c - see vecio.h. */
#include "vecio.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sb_fmt_parse(const char *s, enum sb_fmt *out)
{
    if (strcmp(s, "raw") == 0 || strcmp(s, "f32") == 0)
        *out = SB_FMT_RAW;
    else if (strcmp(s, "text") == 0 || strcmp(s, "txt") == 0)
        *out = SB_FMT_TEXT;
    else
        return -1;
    return 0;
}

const char *sb_fmt_name(enum sb_fmt f)
{
    return f == SB_FMT_RAW ? "raw" : f == SB_FMT_TEXT ? "text" : "auto";
}

enum sb_fmt sb_fmt_from_path(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (dot == NULL || (slash != NULL && dot < slash))
        return SB_FMT_AUTO;
    static const char *text[] = {".txt", ".text", ".csv"}, *raw[] = {".f32", ".raw", ".bin"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(dot, text[i]) == 0)
            return SB_FMT_TEXT;
        if (strcmp(dot, raw[i]) == 0)
            return SB_FMT_RAW;
    }
    return SB_FMT_AUTO;
}

static int slurp(const char *path, unsigned char **buf, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    for (;;) {
        if (b == NULL) {
            fclose(f);
            snprintf(err, errlen, "%s: out of memory", path);
            return -1;
        }
        n += fread(b + n, 1, cap - n, f);
        if (n < cap)
            break;
        unsigned char *nb = realloc(b, cap * 2);
        if (nb == NULL)
            free(b);
        b = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    *buf = b;
    *len = n;
    return 0;
}

static int looks_text(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(isprint(b[i]) || isspace(b[i])))
            return 0;
    return 1;
}

static int parse_text(const char *path, char *s, size_t len, float **x, size_t *n, char *err,
                      size_t errlen)
{
    size_t cap = 1024, cnt = 0, line = 1;
    float *v = malloc(cap * sizeof *v);
    char *p = s, *end = s + len;
    while (v != NULL) {
        while (p < end && isspace((unsigned char)*p))
            line += *p++ == '\n';
        if (p >= end)
            break;
        char *tok = p;
        while (p < end && !isspace((unsigned char)*p))
            p++;
        char save = *p;
        *p = '\0';
        char *stop;
        errno = 0;
        float f = strtof(tok, &stop);
        int range = errno == ERANGE && isinf(f);
        *p = save;
        if (stop != p || range) {
            int tl = (int)(p - tok > 40 ? 40 : p - tok);
            snprintf(err, errlen, "%s:%zu: %s: '%.*s'", path, line,
                     range ? "out of float range" : "not a number", tl, tok);
            free(v);
            return -1;
        }
        if (cnt == cap) {
            float *nv = realloc(v, 2 * cap * sizeof *v);
            if (nv == NULL)
                free(v);
            v = nv;
            cap *= 2;
            if (v == NULL)
                break;
        }
        v[cnt++] = f;
    }
    if (v == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    *x = v;
    *n = cnt;
    return 0;
}

int sb_read_vector(const char *path, enum sb_fmt fmt, float **x, size_t *n, enum sb_fmt *used,
                   char *err, size_t errlen)
{
    unsigned char *b;
    size_t len;
    if (slurp(path, &b, &len, err, errlen) != 0)
        return -1;
    if (fmt == SB_FMT_AUTO)
        fmt = sb_fmt_from_path(path);
    if (fmt == SB_FMT_AUTO)
        fmt = looks_text(b, len) ? SB_FMT_TEXT : SB_FMT_RAW;
    if (used != NULL)
        *used = fmt;
    int rc;
    if (fmt == SB_FMT_TEXT) {
        /* slurp leaves room: cap > len always holds, so b[len] is ours */
        b[len] = '\0';
        rc = parse_text(path, (char *)b, len, x, n, err, errlen);
    } else if (len % 4 != 0) {
        snprintf(err, errlen,
                 "%s: %zu bytes is not a whole number of float32 values "
                 "(partial value at byte offset %zu)",
                 path, len, len - len % 4);
        rc = -1;
    } else {
        float *v = malloc(len > 0 ? len : 1);
        if (v == NULL) {
            snprintf(err, errlen, "%s: out of memory", path);
            rc = -1;
        } else {
            memcpy(v, b, len); /* x86-64 is little-endian, like the format */
            *x = v;
            *n = len / 4;
            rc = 0;
        }
    }
    free(b);
    return rc;
}

int sb_out_open(struct sb_out *o, const char *path, char *err, size_t errlen)
{
    *o = (struct sb_out){0};
    size_t len = strlen(path) + 16;
    o->path = strdup(path);
    o->tmp = malloc(len);
    int fd = -1;
    if (o->path != NULL && o->tmp != NULL) {
        snprintf(o->tmp, len, "%s.tmp.XXXXXX", path);
        fd = mkstemp(o->tmp);
        if (fd >= 0) { /* mkstemp makes 0600; give the file the usual mode */
            mode_t mask = umask(0);
            umask(mask);
            fchmod(fd, 0666 & ~mask);
        }
        o->f = fd >= 0 ? fdopen(fd, "w") : NULL;
    }
    if (o->f == NULL) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->path);
        free(o->tmp);
        *o = (struct sb_out){0};
        return -1;
    }
    return 0;
}

int sb_out_close(struct sb_out *o, int commit, char *err, size_t errlen)
{
    int ok = !ferror(o->f);
    ok = fclose(o->f) == 0 && ok;
    int rc = 0;
    if (!(commit && ok && rename(o->tmp, o->path) == 0)) {
        unlink(o->tmp);
        if (commit) {
            snprintf(err, errlen, "%s: write failed: %s", o->path, strerror(errno));
            rc = -1;
        }
    }
    free(o->path);
    free(o->tmp);
    *o = (struct sb_out){0};
    return rc;
}

int sb_write_vector(const char *path, enum sb_fmt fmt, const float *y, size_t n, char *err,
                    size_t errlen)
{
    struct sb_out o;
    if (sb_out_open(&o, path, err, errlen) != 0)
        return -1;
    int ok = 1;
    if (fmt == SB_FMT_TEXT) {
        for (size_t i = 0; i < n && ok; i++)
            ok = (isnan(y[i]) ? fputs("nan\n", o.f) : fprintf(o.f, "%.9g\n", (double)y[i])) >= 0;
    } else {
        ok = fwrite(y, sizeof *y, n, o.f) == n;
    }
    if (!ok) {
        int e = errno;
        sb_out_close(&o, 0, err, errlen);
        snprintf(err, errlen, "%s: write failed: %s", path, strerror(e));
        return -1;
    }
    return sb_out_close(&o, 1, err, errlen);
}
