/* fuzz.h - what the fuzz targets share (README.md): each target defines
 * LLVMFuzzerTestOneInput and is built twice, with libFuzzer (make fuzz) and
 * with replay_main.c (make fuzz-replay). A check beyond "no crash" that
 * fails aborts, which both drivers report as a crash. */
#ifndef SB_FUZZ_H
#define SB_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz check failed: %s:%d: %s: ", __FILE__, __LINE__, #cond);          \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The bytes as a C string (malloc'ed; an inner NUL ends it early). */
static inline char *fz_cstr(const uint8_t *d, size_t n)
{
    char *s = malloc(n + 1);
    if (s == NULL)
        abort();
    memcpy(s, d, n);
    s[n] = '\0';
    return s;
}

/* A path of this process's own: $TMPDIR/sbfuzz-PID-TAG. */
static inline void fz_path(const char *tag, char *path, size_t len)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, len, "%s/sbfuzz-%ld-%s", dir != NULL && *dir ? dir : "/tmp", (long)getpid(),
             tag);
}

/* The file fz_path names, holding the bytes. */
static inline void fz_file(const char *tag, const uint8_t *d, size_t n, char *path, size_t len)
{
    fz_path(tag, path, len);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(d, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

/* stdout and stderr into memory while the parsers print (glibc's stdout
 * and stderr are variables); fz_capture_end puts them back and returns
 * what was written to stderr (malloc'ed, NUL-terminated). */
struct fz_capture {
    FILE *out, *err, *mout, *merr;
    char *bout, *berr;
    size_t lout, lerr;
};
static inline void fz_capture_begin(struct fz_capture *c)
{
    fflush(stdout);
    fflush(stderr);
    c->out = stdout;
    c->err = stderr;
    c->mout = open_memstream(&c->bout, &c->lout);
    c->merr = open_memstream(&c->berr, &c->lerr);
    if (c->mout == NULL || c->merr == NULL)
        abort();
    stdout = c->mout;
    stderr = c->merr;
}
static inline char *fz_capture_end(struct fz_capture *c)
{
    stdout = c->out;
    stderr = c->err;
    fclose(c->mout);
    fclose(c->merr);
    free(c->bout);
    return c->berr;
}

#endif
