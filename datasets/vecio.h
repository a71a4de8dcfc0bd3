/* vecio.h - reading and writing float32 vectors and batches of rows: raw
 * little-endian binary, whitespace-separated text (inf, -inf and nan
 * accepted) and NumPy .npy (float32 '<f4', 1-D or 2-D in C order; a 2-D
 * array is a batch of rows).
 * Errors come back as one line in err naming the file and the line or byte
 * offset; a written file appears whole or not at all (temporary + rename). */
#ifndef SB_VECIO_H
#define SB_VECIO_H

#include <stddef.h>
#include <stdio.h>

enum sb_fmt { SB_FMT_AUTO = 0, SB_FMT_RAW, SB_FMT_TEXT, SB_FMT_NPY };

int sb_fmt_parse(const char *s, enum sb_fmt *out);
const char *sb_fmt_name(enum sb_fmt f);
/* By extension: .txt/.text/.csv -> text, .f32/.raw/.bin -> raw, .npy -> npy,
 * else AUTO. */
enum sb_fmt sb_fmt_from_path(const char *path);

/* rows x cols values, row after row; ndim is 1 for a vector (raw and text
 * files, 1-D .npy), 2 for a 2-D .npy. */
struct sb_matrix {
    float *x;
    size_t rows, cols;
    int ndim;
};

/* fmt AUTO: by extension, then by content (.npy magic; text if every byte
 * is printable ASCII or white space; else raw). *used says which was read.
 * m->x is malloc'ed. */
int sb_read_matrix(const char *path, enum sb_fmt fmt, struct sb_matrix *m, enum sb_fmt *used,
                   char *err, size_t errlen);
int sb_write_matrix(const char *path, enum sb_fmt fmt, const struct sb_matrix *m, char *err,
                    size_t errlen);

/* One vector: a 2-D .npy with more than one row is refused. */
int sb_read_vector(const char *path, enum sb_fmt fmt, float **x, size_t *n, enum sb_fmt *used,
                   char *err, size_t errlen);
/* Output files appear whole or not at all: sb_out_open writes to a temporary
 * beside the target; sb_out_close(.., 1) renames it into place, (.., 0)
 * removes it. A target that exists and is neither a regular file nor a
 * folder (a device or FIFO: /dev/stdout, /dev/full) is written in place.
 * Both return 0 or -1 with the reason in err. */
struct sb_out {
    FILE *f;
    char *path, *tmp;
};
int sb_out_open(struct sb_out *o, const char *path, char *err, size_t errlen);
int sb_out_close(struct sb_out *o, int commit, char *err, size_t errlen);

int sb_write_vector(const char *path, enum sb_fmt fmt, const float *y, size_t n, char *err,
                    size_t errlen);

#endif
