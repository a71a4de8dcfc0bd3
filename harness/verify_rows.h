/* verify_rows.h - a row of softbench verify: one kernel on one input (or a
 * batch of rows, folded), judged against the reference, and its columns,
 * the one description the text table, the CSV and the JSON rows are drawn
 * from (columns.h, docs/columns.md). */
#ifndef SB_VERIFY_ROWS_H
#define SB_VERIFY_ROWS_H

#include "columns.h"
#include "metrics.h"
#include "reference.h"
#include "softmax.h"

struct sb_vrow {
    const struct softmax_kernel *k;
    const char *dataset;
    size_t n, rows; /* rows > 1: a batch, figures are the worst over rows */
    float T;
    unsigned long long seed;
    enum sbref_kind ref_kind;
    const char *status; /* SB_ST_*: ok, xfail, FAIL, peer, SKIP */
    struct sb_metrics m;
    float y_at, ref_at; /* at worst_at */
    double bound_at;
    int kernel_rc;
};

extern const struct sb_col sb_vrow_cols[];
extern const size_t sb_vrow_ncols;

/* The text table's line (a SKIP row names the missing ISA instead), and a
 * failure's explanation on stderr. */
void sb_vrow_print(const struct sb_vrow *r);
void sb_vrow_print_failure(const struct sb_vrow *r);
/* Folds the row judged at element offset off into the batch's aggregate:
 * the worst status, and the figures by sb_metrics_merge. */
void sb_vrow_merge(struct sb_vrow *agg, const struct sb_vrow *r, size_t off);
/* Judges a kernel's output y (status rc) of type yt against the reference:
 * the figures, the worst element, and the row's status. */
void sb_vrow_judge_output(struct sb_vrow *r, const float *x, const float *ref, const float *y,
                          int rc, enum softmax_dtype yt);
/* The rounding mode the kernel runs in, and only the kernel (FE_TONEAREST
 * unless verify --round says otherwise; the reference and the metrics
 * always round to nearest). */
extern int sb_vrow_round;
/* Runs the row's kernel on x (y: scratch of n floats) and judges it; SKIP
 * where the CPU cannot run it. */
void sb_vrow_judge(struct sb_vrow *r, const float *x, const float *ref, float *y);

#endif
