/* reference.h - the correctly rounded softmax reference, computed with MPFR.
 *
 * For a float32 vector x and temperature T, sbref_softmax writes y_i, the
 * float32 nearest to the exact real softmax(x / T)_i (ties to even, float
 * subnormals included). It is a guarantee, not an approximation: see the
 * argument at the top of reference.c. Where the exact result is a limit
 * (+inf entries, T = +inf) it returns the limit and says so; where it is
 * undefined (a NaN in x, every entry -inf) it fills y with NaN and returns
 * SBREF_UNDEFINED with the reason, rather than inventing a number.
 */
#ifndef SBREF_H
#define SBREF_H

#include <stddef.h>

enum sbref_status {
    SBREF_OK = 0,
    SBREF_UNDEFINED = 1, /* y is NaN everywhere; info.kind says why */
    SBREF_EINVAL = -1,   /* T <= 0, T NaN, or a NULL pointer with n > 0 */
    SBREF_ENOMEM = -2,
    SBREF_ENOROUND = -3, /* the precision cap was reached (never observed) */
    SBREF_ETHREAD = -4
};

enum sbref_kind {
    SBREF_EXACT = 0,       /* the correctly rounded exact value */
    SBREF_LIMIT = 1,       /* +inf entries or T = +inf: the limit's value */
    SBREF_NAN_INPUT = 2,   /* undefined: x holds a NaN (first at info.index) */
    SBREF_ALL_NEG_INF = 3, /* undefined: every entry is -inf (0/0) */
    SBREF_EMPTY = 4        /* n == 0: nothing to compute */
};

struct sbref_opts {
    unsigned threads; /* 0: one per online CPU (at most 8) */
    long prec_elem;   /* first per-element precision; 0: 64 bits */
    long prec_sum;    /* precision of the sum; 0: 80 + log2(n) bits */
};

struct sbref_info {
    enum sbref_kind kind;
    size_t index;   /* first NaN, for SBREF_NAN_INPUT */
    long prec_sum;  /* the sum's final working precision */
    long prec_max;  /* the highest precision any element needed */
    size_t retries; /* element evaluations repeated at higher precision */
};

/* opts and info may be NULL; x and y must not overlap. Precisions are
 * clamped to [32, 1000] bits. Returns an enum sbref_status. */
int sbref_softmax(const float *x, size_t n, float T, float *y, const struct sbref_opts *opts,
                  struct sbref_info *info);

/* The same for float64 in and out: y_i the double nearest to the exact
 * softmax(x / T)_i (ties to even, double subnormals included), with the
 * same guarantee, kinds and statuses. */
int sbref_softmax64(const double *x, size_t n, double T, double *y, const struct sbref_opts *opts,
                    struct sbref_info *info);

/* log-softmax: y_i the float nearest to x_i/T - log sum_j exp(x_j/T), with
 * the same guarantee, kinds and statuses (the limits are -log k and -inf;
 * opts->prec_sum is the first working precision; prec_elem is unused). */
int sbref_log_softmax(const float *x, size_t n, float T, float *y, const struct sbref_opts *opts,
                      struct sbref_info *info);

/* -log k correctly rounded to float, k >= 1. */
float sbref_neglog(size_t k);

const char *sbref_kind_name(enum sbref_kind kind);
const char *sbref_mpfr_version(void);

#endif
