/* fuzz_vecio.c - sb_read_matrix and sb_read_vector (datasets/vecio.h) on a
 * file of the input's bytes. The first byte picks the format asked for
 * (auto, raw, text, npy) and the file's extension (none, .f32, .txt, .npy),
 * the rest is the file. Beyond no crash: an error names the file (and in
 * a text file the line, in a raw file the byte offset); a matrix
 * read is consistent with the file (raw: its size; 1-D: one row); written
 * again in each format and read back it is the same values (bit for bit,
 * NaN matching NaN in text); sb_read_vector agrees. */
#include <math.h>

#include "fuzz.h"
#include "vecio.h"

static const char *const ext[4] = {"", ".f32", ".txt", ".npy"};

static int same_values(const float *a, const float *b, size_t n, int text)
{
    for (size_t i = 0; i < n; i++)
        if (text ? !(isnan(a[i]) ? isnan(b[i]) : memcmp(&a[i], &b[i], 4) == 0)
                 : memcmp(&a[i], &b[i], 4) != 0)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum sb_fmt fmt = (enum sb_fmt)(data[0] & 3);
    char tag[16], path[512], back[512], err[1024] = "";
    snprintf(tag, sizeof tag, "in%s", ext[(data[0] >> 2) & 3]);
    fz_file(tag, data + 1, size - 1, path, sizeof path);
    struct sb_matrix m;
    enum sb_fmt used = SB_FMT_AUTO;
    int rc = sb_read_matrix(path, fmt, &m, &used, err, sizeof err);

    float *v = NULL;
    size_t vn = 0;
    char verr[1024] = "";
    int vrc = sb_read_vector(path, fmt, &v, &vn, NULL, verr, sizeof verr);
    FZ_CHECK(vrc == 0
                 ? rc == 0 && m.rows == 1 && vn == m.cols && memcmp(v, m.x, vn * sizeof *v) == 0
                 : rc != 0 || m.rows != 1,
             "sb_read_vector %d, sb_read_matrix %d", vrc, rc);
    free(v);
    if (rc != 0) {
        size_t pl = strlen(path);
        FZ_CHECK(strncmp(err, path, pl) == 0, "the error does not name the file: %s", err);
        /* a text file's error names the line, a raw file's the byte offset */
        char *at = err + pl;
        if (used == SB_FMT_TEXT && strstr(at, "out of memory") == NULL)
            FZ_CHECK(at[0] == ':' && strtoul(at + 1, &at, 10) >= 1 && at[0] == ':',
                     "no line in: %s", err);
        if (used == SB_FMT_RAW && strstr(at, "out of memory") == NULL)
            FZ_CHECK(strstr(at, "byte offset") != NULL, "no byte offset in: %s", err);
        unlink(path);
        return 0;
    }
    FZ_CHECK(used != SB_FMT_AUTO && (fmt == SB_FMT_AUTO || used == fmt), "read as %d, asked %d",
             used, fmt);
    FZ_CHECK(m.x != NULL && (m.ndim == 1 || m.ndim == 2) && (m.ndim == 2 || m.rows == 1),
             "ndim %d rows %zu", m.ndim, m.rows);
    if (used == SB_FMT_RAW)
        FZ_CHECK(m.cols * 4 == size - 1, "raw: %zu values from %zu bytes", m.cols, size - 1);
    size_t n = m.rows * m.cols;
    if (used == SB_FMT_NPY)
        FZ_CHECK(n * 4 < size, "npy: %zu values from %zu bytes", n, size - 1);

    /* written in each format, read back */
    static const enum sb_fmt fmts[3] = {SB_FMT_RAW, SB_FMT_TEXT, SB_FMT_NPY};
    for (int i = 0; i < 3; i++) {
        snprintf(tag, sizeof tag, "back%d", i);
        fz_path(tag, back, sizeof back);
        FZ_CHECK(sb_write_matrix(back, fmts[i], &m, err, sizeof err) == 0, "write: %s", err);
        struct sb_matrix r;
        FZ_CHECK(sb_read_matrix(back, fmts[i], &r, NULL, err, sizeof err) == 0,
                 "%s written, not read back: %s", sb_fmt_name(fmts[i]), err);
        int npy = fmts[i] == SB_FMT_NPY;
        FZ_CHECK(r.rows * r.cols == n &&
                     (npy ? r.ndim == m.ndim && r.rows == m.rows : r.ndim == 1 && r.rows == 1),
                 "%s: %zu x %zu (ndim %d) read back as %zu x %zu (ndim %d)", sb_fmt_name(fmts[i]),
                 m.rows, m.cols, m.ndim, r.rows, r.cols, r.ndim);
        FZ_CHECK(same_values(m.x, r.x, n, fmts[i] == SB_FMT_TEXT), "%s: other values read back",
                 sb_fmt_name(fmts[i]));
        free(r.x);
        unlink(back);
    }
    free(m.x);
    unlink(path);
    return 0;
}
