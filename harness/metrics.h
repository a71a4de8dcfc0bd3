/* metrics.h - the one implementation of every accuracy metric softbench
 * reports (verify, and later edge, check and the report, all call these).
 *
 * ULP: the distance from y to the correctly rounded reference r, in units
 * of ulp(r) = 2^(e - 23) for a normal r in [2^e, 2^(e+1)), and 2^-149 for a
 * subnormal or zero r. This is how glibc's tests count. ARM's
 * optimized-routines measure from the exact value and subtract 0.5; SLEEF
 * takes the ULP of the exact value. Against a correctly rounded reference
 * a correctly rounded result scores 0 here (0.5 or less in those).
 */
#ifndef SB_METRICS_H
#define SB_METRICS_H

#include <stddef.h>

#include "softmax.h"

double sb_ulp_of(float r);
/* inf when exactly one of y, r is NaN or they differ in infinity; 0 when
 * both are NaN. */
double sb_ulp_error(float y, float r);

/* The log-softmax error: ULP of the reference where |r| >= 0.5, absolute
 * error in units of 2^-24 (ulp of 0.5) below, since an output near 0 is a
 * probability near 1 whose logarithm no float-sum kernel can carry to
 * relative accuracy; infinities and NaN as sb_ulp_error. */
double sb_log_error(float y, float r);
/* sb_log_error's unit at r: ulp(r), or 2^-24 where |r| < 0.5. */
double sb_log_unit(float r);
/* ULP of double at r (2^-1074 for subnormals and 0), and the distance in
 * it, as sb_ulp_of and sb_ulp_error do for float: the float64 kernels. */
double sb_ulp_of64(double r);
double sb_ulp_error64(double y, double r);
/* sb_log_error for a log-softmax kernel, else sb_ulp_error. */
double sb_error_of(const struct softmax_kernel *k, float y, float r);

/* Sum of doubles with Neumaier's compensation. */
double sb_sum_compensated(const float *v, size_t n);

struct sb_metrics {
    size_t n;
    double max_ulp;
    size_t max_ulp_at;
    double mean_ulp;
    /* The median of the per-element errors: the lower middle of the sorted
     * errors for an even n (element (n - 1) / 2 counting from 0), 0 for
     * n = 0; NaN if no scratch memory could be had. Over a batch
     * (sb_metrics_merge): the largest of the rows' medians. */
    double median_ulp;
    double worst_ratio; /* max over i of error / declared bound */
    size_t worst_at;
    double worst_bound; /* the bound at worst_at */
    size_t n_over;      /* elements whose error exceeds the bound */
    /* For a log-softmax kernel: max_ulp and mean_ulp in sb_log_error's
     * units, r is log-domain in max_rel and normwise (max |r| over finite
     * r), and sum_err and kl are taken on exp(y) and exp(r). */
    double max_rel;  /* max |y - r| / |r| over r != 0 (inf if y != 0 = r) */
    double normwise; /* max |y - r| / (u * max |r|), u = 2^-24 (Blanchard et al.) */
    double sum_err;  /* |sum(y) - 1| */
    double kl;       /* generalized KL(r || y) = sum r ln(r/y) - r + y */
    int argmax_ok;   /* first argmax of y == first argmax of x */
    double frac_cr;  /* fraction of y_i equal to r_i */
    int all_nan;     /* every y_i is NaN */
};

/* bound_kind: how to hold each element to account.
 *   SB_HOLD_BOUND: the kernel's declared bound (needs k)
 *   SB_HOLD_EXACT: error 0 (limits such as one-hot, where the contract is exact)
 *   SB_HOLD_NONE:  report only */
enum sb_hold { SB_HOLD_BOUND, SB_HOLD_EXACT, SB_HOLD_NONE };

void sb_metrics_compute(const float *x, const float *y, const float *ref, size_t n, float T,
                        const struct softmax_kernel *k, enum sb_hold hold, struct sb_metrics *out);

/* Computes the metrics of y against a reference of the given kind and says
 * whether the kernel kept its word: an exact reference -> every element
 * within the declared bound; a limit -> exactly the limit; an undefined
 * reference (NaN input, all -inf) -> NaN everywhere, as the contract says.
 * kind is an enum sbref_kind (reference.h). */
int sb_judge(const struct softmax_kernel *k, const float *x, const float *y, const float *ref,
             size_t n, float T, int kind, struct sb_metrics *m);

/* The ULP of a 16-bit output type at r: bf16 2^(e-7) for r in [2^e, 2^(e+1)),
 * 2^-133 below 2^-126; fp16 2^(e-10), 2^-24 below 2^-14; float32 sb_ulp_of. */
double sb_ulp_of_t(enum softmax_dtype t, float r);
/* sb_judge for outputs rounded to type t (y widened to float): errors in
 * units of sb_ulp_of_t against the float reference, each element held to
 * 0.5 + (B_i + 0.5) ulp32/ulp_t (the kernel's bound in float, the
 * reference's half ulp, then one rounding to the type); limits must equal
 * the reference rounded to t; frac_cr counts y equal to it. The other
 * figures as sb_metrics_compute's. */
int sb_judge_t(const struct softmax_kernel *k, enum softmax_dtype t, const float *x, const float *y,
               const float *ref, size_t n, float T, int kind, struct sb_metrics *m);

/* Folds the figures of another vector (whose first element has index off
 * in the batch) into acc: worst cases, and means weighted by length. */
void sb_metrics_merge(struct sb_metrics *acc, const struct sb_metrics *m, size_t off);

/* The distribution of per-element ULP errors: bin 0 holds the exact ones,
 * bin j > 0 the errors in (edge[j-1], edge[j]], the last bin everything
 * above 2^31 ULP and the infinite (a NaN or an infinity where the reference
 * has none). Edges: 0.5, 1, 2, 3, 4, then powers of two to 2^31. */
#define SB_HIST_BINS 36
struct sb_hist {
    unsigned long long count[SB_HIST_BINS];
};
/* The upper edge of bin j (0 for bin 0, inf for the last). */
double sb_hist_edge(int j);
/* The bin of one error (a NaN error, which sb_ulp_error never returns, goes
 * to the last). */
int sb_hist_bin(double ulp);
void sb_hist_add(struct sb_hist *h, const struct softmax_kernel *k, const float *y,
                 const float *ref, size_t n);
void sb_hist_merge(struct sb_hist *acc, const struct sb_hist *h);
unsigned long long sb_hist_total(const struct sb_hist *h);

/* The bound of element i, given the vector (a_i and the reference-weighted
 * mean abar, see softmax.h). */
double sb_element_bound(const struct softmax_kernel *k, const float *x, size_t i, float xmax,
                        double abar, size_t n, float T);
double sb_abar(const struct softmax_kernel *k, const float *x, const float *ref, size_t n,
               float xmax, float T);

#endif
