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
    else if (strcmp(s, "npy") == 0)
        *out = SB_FMT_NPY;
    else
        return -1;
    return 0;
}

const char *sb_fmt_name(enum sb_fmt f)
{
    return f == SB_FMT_RAW ? "raw" : f == SB_FMT_TEXT ? "text" : f == SB_FMT_NPY ? "npy" : "auto";
}

enum sb_fmt sb_fmt_from_path(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (dot == NULL || (slash != NULL && dot < slash))
        return SB_FMT_AUTO;
    static const char *text[] = {".txt", ".text", ".csv"}, *raw[] = {".f32", ".raw", ".bin"};
    if (strcmp(dot, ".npy") == 0)
        return SB_FMT_NPY;
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

static const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

/* Finds 'key': in the header dict; returns the text after the colon. */
static const char *npy_field(const char *h, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *p = strstr(h, pat);
    if (p == NULL)
        return NULL;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    if (*p++ != ':')
        return NULL;
    while (*p == ' ')
        p++;
    return p;
}

static int parse_npy(const char *path, const unsigned char *b, size_t len, struct sb_matrix *m,
                     char *err, size_t errlen)
{
    if (len < 10 || memcmp(b, npy_magic, 6) != 0) {
        snprintf(err, errlen, "%s: not a .npy file (no \\x93NUMPY magic)", path);
        return -1;
    }
    size_t hlen, off;
    if (b[6] == 1) {
        hlen = (size_t)b[8] | (size_t)b[9] << 8;
        off = 10;
    } else if ((b[6] == 2 || b[6] == 3) && len >= 12) {
        hlen = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
        off = 12;
    } else {
        snprintf(err, errlen, "%s: unsupported .npy version %d.%d", path, b[6], b[7]);
        return -1;
    }
    if (hlen > len - off || hlen > 65536) {
        snprintf(err, errlen, "%s: truncated .npy header", path);
        return -1;
    }
    char h[65537];
    memcpy(h, b + off, hlen);
    h[hlen] = '\0';
    off += hlen;

    const char *d = npy_field(h, "descr"), *f = npy_field(h, "fortran_order"),
               *s = npy_field(h, "shape");
    if (d == NULL || f == NULL || s == NULL || (*d != '\'' && *d != '"') || *s != '(') {
        snprintf(err, errlen, "%s: malformed .npy header", path);
        return -1;
    }
    char descr[16];
    size_t dl = strcspn(d + 1, "'\"");
    snprintf(descr, sizeof descr, "%.*s", (int)(dl < 15 ? dl : 15), d + 1);
    if (strcmp(descr, ">f4") == 0) {
        snprintf(err, errlen, "%s: big-endian float32 ('>f4') is not supported; save it as '<f4'",
                 path);
        return -1;
    }
    if (strcmp(descr, "<f4") != 0) {
        snprintf(err, errlen, "%s: dtype '%s' is not float32 ('<f4')", path, descr);
        return -1;
    }
    size_t dims[3], nd = 0;
    const char *p = s + 1;
    for (;;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == ')')
            break;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || errno != 0 || nd == 3) {
            snprintf(err, errlen,
                     nd == 3 ? "%s: arrays of more than 2 dimensions are not supported"
                             : "%s: malformed shape in .npy header",
                     path);
            return -1;
        }
        dims[nd++] = (size_t)v;
        p = end;
    }
    if (nd == 0 || nd == 3) {
        snprintf(err, errlen, "%s: %s are not supported", path,
                 nd == 0 ? "0-d arrays (scalars)" : "arrays of more than 2 dimensions");
        return -1;
    }
    m->ndim = (int)nd;
    m->rows = nd == 2 ? dims[0] : 1;
    m->cols = nd == 2 ? dims[1] : dims[0];
    if (strncmp(f, "True", 4) == 0 && m->rows > 1 && m->cols > 1) {
        snprintf(err, errlen,
                 "%s: Fortran-order (column-major) arrays are not supported; save "
                 "with np.ascontiguousarray",
                 path);
        return -1;
    }
    size_t count = m->rows * m->cols;
    if (m->cols != 0 && count / m->cols != m->rows) {
        snprintf(err, errlen, "%s: shape too large", path);
        return -1;
    }
    size_t have = len - off;
    if (have / 4 < count) {
        snprintf(err, errlen,
                 "%s: truncated: the header promises %zu values (%zu bytes), the "
                 "file holds %zu bytes of data",
                 path, count, count * 4, have);
        return -1;
    }
    if (have != count * 4) {
        snprintf(err, errlen, "%s: %zu unexpected bytes after the data", path, have - count * 4);
        return -1;
    }
    m->x = malloc(count > 0 ? count * 4 : 1);
    if (m->x == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    memcpy(m->x, b + off, count * 4); /* little-endian, like x86-64 */
    return 0;
}

int sb_read_matrix(const char *path, enum sb_fmt fmt, struct sb_matrix *m, enum sb_fmt *used,
                   char *err, size_t errlen)
{
    unsigned char *b;
    size_t len;
    *m = (struct sb_matrix){.ndim = 1, .rows = 1};
    if (slurp(path, &b, &len, err, errlen) != 0)
        return -1;
    if (fmt == SB_FMT_AUTO)
        fmt = sb_fmt_from_path(path);
    if (fmt == SB_FMT_AUTO)
        fmt = len >= 6 && memcmp(b, npy_magic, 6) == 0 ? SB_FMT_NPY
              : looks_text(b, len)                     ? SB_FMT_TEXT
                                                       : SB_FMT_RAW;
    if (used != NULL)
        *used = fmt;
    int rc;
    if (fmt == SB_FMT_NPY) {
        rc = parse_npy(path, b, len, m, err, errlen);
    } else if (fmt == SB_FMT_TEXT) {
        /* slurp leaves room: cap > len always holds, so b[len] is ours */
        b[len] = '\0';
        rc = parse_text(path, (char *)b, len, &m->x, &m->cols, err, errlen);
    } else if (len % 4 != 0) {
        snprintf(err, errlen,
                 "%s: %zu bytes is not a whole number of float32 values "
                 "(partial value at byte offset %zu)",
                 path, len, len - len % 4);
        rc = -1;
    } else {
        m->x = malloc(len > 0 ? len : 1);
        m->cols = len / 4;
        rc = m->x == NULL ? -1 : 0;
        if (rc == 0)
            memcpy(m->x, b, len); /* x86-64 is little-endian, like the format */
        else
            snprintf(err, errlen, "%s: out of memory", path);
    }
    free(b);
    return rc;
}

int sb_read_vector(const char *path, enum sb_fmt fmt, float **x, size_t *n, enum sb_fmt *used,
                   char *err, size_t errlen)
{
    struct sb_matrix m;
    if (sb_read_matrix(path, fmt, &m, used, err, errlen) != 0)
        return -1;
    if (m.rows != 1) {
        snprintf(err, errlen, "%s: holds %zu rows; one vector was expected", path, m.rows);
        free(m.x);
        return -1;
    }
    *x = m.x;
    *n = m.cols;
    return 0;
}

int sb_out_open(struct sb_out *o, const char *path, char *err, size_t errlen)
{
    *o = (struct sb_out){0};
    size_t len = strlen(path) + 16;
    o->path = strdup(path);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* a device or FIFO (/dev/stdout, /dev/null, /dev/full): written in
         * place, as a temporary renamed over it would replace the node */
        o->f = o->path != NULL ? fopen(path, "w") : NULL;
        if (o->f == NULL) {
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
            free(o->path);
            *o = (struct sb_out){0};
            return -1;
        }
        return 0;
    }
    o->tmp = malloc(len);
    int fd = -1;
    if (o->path != NULL && o->tmp != NULL) {
        /* mkstemp's template: six X after the prefix */
        size_t pl = (size_t)snprintf(o->tmp, len, "%s.tmp.", path);
        memset(o->tmp + pl, 'X', 6);
        o->tmp[pl + 6] = '\0';
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
    int ok = !ferror(o->f), e = errno;
    if (fclose(o->f) != 0) {
        ok = 0;
        e = errno;
    }
    if (ok && commit && o->tmp != NULL && rename(o->tmp, o->path) != 0) {
        ok = 0;
        e = errno;
    }
    int rc = 0;
    if (!(commit && ok)) {
        if (o->tmp != NULL)
            unlink(o->tmp);
        if (commit) {
            snprintf(err, errlen, "%s: write failed: %s", o->path, strerror(e));
            rc = -1;
        }
    }
    free(o->path);
    free(o->tmp);
    *o = (struct sb_out){0};
    return rc;
}

static int write_npy_header(FILE *f, const struct sb_matrix *m)
{
    char dict[128];
    if (m->ndim == 2)
        snprintf(dict, sizeof dict,
                 "{'descr': '<f4', 'fortran_order': False, 'shape': (%zu, %zu), }", m->rows,
                 m->cols);
    else
        snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%zu,), }",
                 m->rows * m->cols);
    size_t total = 10 + strlen(dict) + 1, pad = (64 - total % 64) % 64;
    size_t hlen = strlen(dict) + pad + 1;
    unsigned char pre[10] = {0x93,
                             'N',
                             'U',
                             'M',
                             'P',
                             'Y',
                             1,
                             0,
                             (unsigned char)(hlen & 0xff),
                             (unsigned char)(hlen >> 8)};
    return fwrite(pre, 1, 10, f) == 10 && fputs(dict, f) >= 0 &&
           fprintf(f, "%*s\n", (int)pad, "") >= 0;
}

int sb_write_matrix(const char *path, enum sb_fmt fmt, const struct sb_matrix *m, char *err,
                    size_t errlen)
{
    struct sb_out o;
    size_t n = m->rows * m->cols;
    if (sb_out_open(&o, path, err, errlen) != 0)
        return -1;
    int ok = 1;
    if (fmt == SB_FMT_TEXT) {
        for (size_t i = 0; i < n && ok; i++)
            ok = (isnan(m->x[i]) ? fputs("nan\n", o.f) : fprintf(o.f, "%.9g\n", (double)m->x[i])) >=
                 0;
    } else {
        if (fmt == SB_FMT_NPY)
            ok = write_npy_header(o.f, m);
        ok = ok && fwrite(m->x, sizeof *m->x, n, o.f) == n;
    }
    if (!ok) {
        int e = errno;
        sb_out_close(&o, 0, err, errlen);
        snprintf(err, errlen, "%s: write failed: %s", path, strerror(e));
        return -1;
    }
    return sb_out_close(&o, 1, err, errlen);
}

int sb_write_vector(const char *path, enum sb_fmt fmt, const float *y, size_t n, char *err,
                    size_t errlen)
{
    struct sb_matrix m = {.x = (float *)y, .rows = 1, .cols = n, .ndim = 1};
    return sb_write_matrix(path, fmt, &m, err, errlen);
}
