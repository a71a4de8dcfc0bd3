/* verify_rows.c - see verify_rows.h. */
#include "verify_rows.h"

#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "peers.h"
#include "plugin.h"

#define ROW(f) SB_AT(struct sb_vrow, f, double)
#define ROWI(f) SB_AT(struct sb_vrow, f, size_t)
#define ROWS(f) SB_AT(struct sb_vrow, f, const char *)
#define ROWB(f) SB_AT(struct sb_vrow, f, int)

static struct sb_val kernel_of(const void *r)
{
    return (struct sb_val){.s = ((const struct sb_vrow *)r)->k->name};
}
static struct sb_val isa_of(const void *r)
{
    return (struct sb_val){.s = softmax_isa_name(((const struct sb_vrow *)r)->k->isa)};
}
static struct sb_val safe_of(const void *r)
{
    return (struct sb_val){.i = ((const struct sb_vrow *)r)->k->safe != 0};
}
static struct sb_val seed_of(const void *r)
{
    return (struct sb_val){.i = ((const struct sb_vrow *)r)->seed};
}
static struct sb_val temp_of(const void *r)
{
    return (struct sb_val){.num = ((const struct sb_vrow *)r)->T};
}
static struct sb_val ref_of(const void *r)
{
    return (struct sb_val){.s = sbref_kind_name(((const struct sb_vrow *)r)->ref_kind)};
}
/* n, or a batch's ROWSxCOLS */
static void n_text(const void *p, char *buf, size_t len)
{
    const struct sb_vrow *r = p;
    if (r->rows > 1)
        snprintf(buf, len, "%zux%zu", r->rows, r->n);
    else
        snprintf(buf, len, "%zu", r->n);
}
/* the worst error as a share of the bound; none for a peer, which declares none */
static void bound_text(const void *p, char *buf, size_t len)
{
    const struct sb_vrow *r = p;
    double v = r->m.worst_ratio * 100.0;
    if (strcmp(r->status, SB_ST_PEER) == 0 || !isfinite(v))
        snprintf(buf, len, "%s",
                 strcmp(r->status, SB_ST_PEER) == 0 ? "-"
                 : isnan(v)                         ? "nan"
                                                    : "inf");
    else
        snprintf(buf, len, "%.0f%%", v);
}
static void arg_text(const void *p, char *buf, size_t len)
{
    snprintf(buf, len, "%s", ((const struct sb_vrow *)p)->m.argmax_ok ? "yes" : "NO");
}
static void cr_text(const void *p, char *buf, size_t len)
{
    snprintf(buf, len, "%.2f", ((const struct sb_vrow *)p)->m.frac_cr * 100.0);
}

/* verify's rows: the CSV in this order; JSON puts the counts (JSON_LAST)
 * after the figures, the text table the status last. median_ulp is left out
 * of the text table, which is as wide as a screen already. */
enum { TL = SB_TEXT_LAST, JL = SB_JSON_LAST, D = SB_IN_DATA, A = SB_IN_ALL };
const struct sb_col sb_vrow_cols[] = {
    {SBK_KERNEL, SB_COL_STR, A, "kernel", "%-17s", .get = kernel_of},
    {SBK_ISA, SB_COL_STR, D, .get = isa_of},
    {SBK_SAFE, SB_COL_BOOL, D, .get = safe_of},
    {SBK_DATASET, SB_COL_STR, A | SB_CSV_QUOTED, "dataset", "%-22.22s", .off = ROWS(dataset)},
    {SBK_SEED, SB_COL_INT, D, .get = seed_of},
    {SBK_ROWS, SB_COL_INT, D, .off = ROWI(rows)},
    {SBK_N, SB_COL_INT, A, "n", "%8s", .off = ROWI(n), .text = n_text},
    {SBK_T, SB_COL_NUM, A, "T", "%6s", "%g", "%.9g", .get = temp_of},
    {SBK_REFERENCE, SB_COL_STR, D, .get = ref_of},
    {SBK_STATUS, SB_COL_STR, A | TL, "status", " %s", .off = ROWS(status)},
    {SBK_MAX_ULP, SB_COL_NUM, A, "max_ulp", "%8s", "%.1f", "%.17g", .off = ROW(m.max_ulp)},
    {SBK_MAX_ULP_AT, SB_COL_INT, A | JL, "@index", "%8s", .off = ROWI(m.max_ulp_at)},
    {SBK_MEAN_ULP, SB_COL_NUM, A, "mean", "%7s", "%.3f", "%.17g", .off = ROW(m.mean_ulp)},
    {SBK_MEDIAN_ULP, SB_COL_NUM, D, .cfmt = "%.17g", .off = ROW(m.median_ulp)},
    {SBK_WORST_RATIO, SB_COL_NUM, A, "bound", "%6s", .cfmt = "%.17g", .off = ROW(m.worst_ratio),
     .text = bound_text},
    {SBK_WORST_AT, SB_COL_INT, D | JL, .off = ROWI(m.worst_at)},
    {SBK_N_OVER_BOUND, SB_COL_INT, D | JL, .off = ROWI(m.n_over)},
    {SBK_MAX_REL, SB_COL_NUM, A, "max_rel", "%9s", "%.2e", "%.17g", .off = ROW(m.max_rel)},
    {SBK_NORMWISE, SB_COL_NUM, A, "normwise", "%8s", "%.2f", "%.17g", .off = ROW(m.normwise)},
    {SBK_SUM_ERR, SB_COL_NUM, A, "|sum-1|", "%9s", "%.2e", "%.17g", .off = ROW(m.sum_err)},
    {SBK_KL, SB_COL_NUM, A, "KL", "%9s", "%.2e", "%.17g", .off = ROW(m.kl)},
    {SBK_ARGMAX_OK, SB_COL_BOOL, A | JL, "arg", "%3s", .off = ROWB(m.argmax_ok), .text = arg_text},
    {SBK_FRAC_CR, SB_COL_NUM, A, "CR%", "%6s", .cfmt = "%.17g", .off = ROW(m.frac_cr),
     .text = cr_text},
};
const size_t sb_vrow_ncols = sizeof sb_vrow_cols / sizeof sb_vrow_cols[0];

void sb_vrow_print(const struct sb_vrow *r)
{
    if (strcmp(r->status, SB_ST_SKIP) == 0) {
        char n[32];
        n_text(r, n, sizeof n);
        printf("%-17s %-22s %8s %6g  SKIP: needs %s, this CPU (or SOFTMAX_ISA) lacks it\n",
               r->k->name, r->dataset, n, (double)r->T, softmax_isa_name(r->k->isa));
        return;
    }
    sb_cols_text_row(stdout, sb_vrow_cols, sb_vrow_ncols, r);
}

void sb_vrow_print_failure(const struct sb_vrow *r)
{
    fprintf(stderr, "FAIL %s on %s n=%zu T=%g: ", r->k->name, r->dataset, r->n, (double)r->T);
    if (r->kernel_rc != SOFTMAX_OK)
        fprintf(stderr, "kernel returned %d (%s)\n", r->kernel_rc, sb_status_str(r->kernel_rc));
    else if (r->ref_kind == SBREF_NAN_INPUT || r->ref_kind == SBREF_ALL_NEG_INF)
        fprintf(stderr, "reference is %s; the contract wants NaN everywhere\n",
                sbref_kind_name(r->ref_kind));
    else
        fprintf(stderr,
                "%zu element(s) over the bound; worst at %zu: y=%.9g ref=%.9g (%.1f ULP, "
                "bound %.2f)\n",
                r->m.n_over, r->m.worst_at, (double)r->y_at, (double)r->ref_at,
                sb_ulp_error(r->y_at, r->ref_at), r->bound_at);
}

void sb_vrow_merge(struct sb_vrow *agg, const struct sb_vrow *r, size_t off)
{
    static const char *order[] = {SB_ST_OK, SB_ST_PEER, SB_ST_SKIP, SB_ST_XFAIL, SB_ST_FAIL};
    int a = 0, b = 0;
    for (int i = 0; i < 5; i++) {
        a = strcmp(agg->status, order[i]) == 0 ? i : a;
        b = strcmp(r->status, order[i]) == 0 ? i : b;
    }
    if (b > a || (b == a && r->m.worst_ratio > agg->m.worst_ratio)) {
        agg->status = r->status;
        agg->kernel_rc = r->kernel_rc;
        agg->y_at = r->y_at;
        agg->ref_at = r->ref_at;
        agg->bound_at = r->bound_at;
    }
    sb_metrics_merge(&agg->m, &r->m, off);
}

void sb_vrow_judge_output(struct sb_vrow *r, const float *x, const float *ref, const float *y,
                          int rc, enum softmax_dtype yt)
{
    const struct softmax_kernel *k = r->k;
    r->kernel_rc = rc;
    int pass = sb_judge_t(k, yt, x, y, ref, r->n, r->T, r->ref_kind, &r->m) && rc == SOFTMAX_OK;
    if (r->n > 0) {
        size_t w = r->m.worst_at;
        r->y_at = y[w];
        r->ref_at = ref[w];
        r->bound_at = r->m.worst_bound;
    }
    if (sb_is_peer(k))
        r->status = SB_ST_PEER; /* reported, not judged: it declares no bound */
    else if (pass)
        r->status = SB_ST_OK;
    else if (!k->safe && k->in_domain != NULL && !k->in_domain(x, r->n, r->T))
        r->status = SB_ST_XFAIL;
    else
        r->status = SB_ST_FAIL;
}

int sb_vrow_round = FE_TONEAREST;

void sb_vrow_judge(struct sb_vrow *r, const float *x, const float *ref, float *y)
{
    if (!softmax_kernel_supported(r->k)) {
        r->status = SB_ST_SKIP;
        return;
    }
    for (size_t i = 0; i < r->n; i++) /* nothing inherited from the previous kernel */
        y[i] = NAN;
    if (sb_vrow_round != FE_TONEAREST)
        fesetround(sb_vrow_round);
    int rc = softmax_run(r->k, x, y, r->n, r->T);
    if (sb_vrow_round != FE_TONEAREST)
        fesetround(FE_TONEAREST);
    sb_vrow_judge_output(r, x, ref, y, rc, SOFTMAX_F32);
    if (strcmp(r->status, SB_ST_FAIL) == 0 && sb_is_plugin(r->k)) {
        char what[128];
        snprintf(what, sizeof what, "failed verify on %s", r->dataset);
        sb_plugin_save_last(r->k, what);
    }
}
