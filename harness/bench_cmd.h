/* bench_cmd.h - what softbench bench's two runs share: the options, and the
 * rows they time with the columns those are written in (bench_rows.c),
 * for the sizes (cmd_bench.c) and for --shape (bench_shape.c). */
#ifndef SB_BENCH_CMD_H
#define SB_BENCH_CMD_H

#include "bench.h"
#include "cli.h"
#include "columns.h"
#include "vecio.h"

struct sb_bench_opts {
    struct sb_list kernels, sizes, temps, datasets, shapes, threads;
    int cold, quiet, quick, pin, causal;
    enum softmax_dtype xt, yt;
    double min_time;
    size_t samples;
    const char *csv, *json, *isa;
    uint64_t seed;
};

/* One timed row: a kernel on n elements (a shape: rows x cols, mask, on a
 * pool of threads), its samples in r. */
struct sb_brow {
    const struct softmax_kernel *k;
    const char *kind; /* kernel, peer, floor; split */
    size_t n, rows, cols;
    int mask;
    unsigned threads;
    float T;
    double tsc_hz;
    struct sb_result r;
};

/* The columns of bench's rows and of bench --shape's. */
extern const struct sb_col sb_bench_cols[], sb_shape_cols[];
extern const size_t sb_bench_ncols, sb_shape_ncols;

/* A shape's text: ROWSxCOLS, then :MASK when masked. */
void sb_brow_shape(const void *r, char *buf, size_t len);
/* kernel, peer or floor. */
const char *sb_bench_kind(const struct softmax_kernel *k);
/* Writes a row: its text line, its CSV line (csv not NULL) and its JSON
 * object onto jrows (not NULL); -1 if memory for that ran out. */
int sb_brow_emit(const struct sb_col *cols, size_t nc, const struct sb_brow *r, FILE *csv,
                 json_t *jrows);
/* The --json document's head: softbench (command), machine, an empty
 * params object and the rows array to fill (both the document's); NULL if
 * memory ran out. */
json_t *sb_bench_doc(const char *command, json_t **params, json_t **rows);
/* Writes the document to out (-1 on a write error or bad, a JSON value
 * that could not be made); frees it either way. */
int sb_bench_doc_write(struct sb_out *out, json_t *doc, int bad);

int sb_bench_shapes(struct sb_bench_opts *o, struct sb_out *csv, struct sb_out *json);

#endif
