/* scalar.accurate - a softmax rounded once: everything before the final
 * rounding to float is done in double, so the result is faithful (within
 * 1 ULP of the exact value: the correctly rounded float or its neighbour)
 * and, but for values within a hair of a rounding boundary, correctly
 * rounded.
 *
 * Derivation, u = 2^-53 (double), relative errors: d_i = (x_i - max) / T
 * rounds at most twice (the difference of two floats is exact in double
 * unless their exponents are 29 apart; the division), |delta d_i| <= 2u|d_i|;
 * exp turns that into 2u|d_i| <= 208u, since an output that does not
 * underflow has d_i >= -104; glibc's exp is within 1 ulp of double (2u
 * relative; it documents under 1 ulp), in the sum's terms and in the
 * output; the sum, leaves of 32 in order then pairwise, rounds a term at
 * most 31 + ceil(log2(n/32)) <= 54 times for n <= 2^28; the division once.
 * Under (208 + 2 + 54 + 2 + 1)u = 267u = 2^-44.9 before the final rounding
 * to float, that is 2^-20.9 of a float ulp. So the one rounding to float
 * lands on the correctly rounded value unless the exact value lies within
 * 2^-20.9 ulp of a midpoint (then possibly on its neighbour): the bound is
 * 1 ULP (c0 = 1, nothing growing with n or |x|), and about one element in
 * 2^20 may miss correct rounding. A subnormal output is rounded once from
 * double too (absolute error under 0.5 + 2^-21 of its ulp).
 *
 * The exponential is evaluated twice per element (in the sum, then in the
 * output pass) rather than kept: keeping n doubles would need memory the
 * kernel does not own. Edges: NaN, +inf, all -inf and T = +inf go to
 * sb_edge; -inf entries give exp(-inf) = 0 exactly.
 */
#include "../internal.h"

#define LEAF 32

/* Pairwise over halves, leaves summed in order (see the derivation). */
static double sum_exp(const float *x, size_t n, double m, double T)
{
    if (n <= LEAF) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += exp(((double)x[i] - m) / T);
        return s;
    }
    size_t h = n / 2;
    return sum_exp(x, h, m, T) + sum_exp(x + h, n - h, m, T);
}

/* The max, or 0 when the contract decides (a NaN, no finite entry). */
static int max_of(const float *x, size_t n, float *m)
{
    float v = -INFINITY;
    int nan = 0;
    for (size_t i = 0; i < n; i++) {
        nan |= x[i] != x[i];
        v = x[i] > v ? x[i] : v;
    }
    *m = v;
    return !nan && isfinite(v);
}

static int accurate(const float *x, float *y, size_t n, float T)
{
    int st;
    float m;
    if (sb_prologue(x, y, n, T, &st))
        return st;
    if (!max_of(x, n, &m)) {
        sb_edge(x, y, n, T);
        return SOFTMAX_OK;
    }
    const double dm = m, dT = T, s = sum_exp(x, n, dm, dT);
    for (size_t i = 0; i < n; i++)
        y[i] = (float)(exp(((double)x[i] - dm) / dT) / s);
    return SOFTMAX_OK;
}

/* The terms of S other than the k = count of x_i == max (each exactly 1),
 * pairwise like sum_exp: log S = log k + log1p(R/k) keeps R's relative
 * accuracy when R is tiny, where k + R in double would not. */
static double sum_rest(const float *x, size_t n, float m, double T, size_t *k)
{
    if (n <= LEAF) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (x[i] == m)
                ++*k;
            else
                s += exp(((double)x[i] - m) / T);
        }
        return s;
    }
    size_t h = n / 2;
    double a = sum_rest(x, h, m, T, k);
    return a + sum_rest(x + h, n - h, m, T, k);
}

/* log-softmax rounded once: y_i = -(|x_i - max|/T + log S), a sum of two
 * non-negative doubles, so nothing cancels. Relative errors, u = 2^-53:
 * each term of R within (2|d_j| + 2)u, |d_j| <= 745 where exp does not
 * underflow to 0 (below, the dropped terms are under 2^-1074 each, and
 * matter only where the output rounds to -0 anyway); the sum 54u more; so
 * R within 1546u; log1p(R/k) is no more sensitive than R (R/(1+R) <=
 * log1p(R)); log k, log1p and their sum a few u; d_i two roundings. Under
 * 1560u = 2^-42.4 before the final rounding: faithful, bound 1 ULP, and
 * correctly rounded but within 2^-18.4 ulp of a midpoint. */
static int log_accurate(const float *x, float *y, size_t n, float T)
{
    int st;
    float m;
    if (sb_log_prologue(x, y, n, T, &st))
        return st;
    if (!max_of(x, n, &m)) {
        sb_edge_log(x, y, n, T);
        return SOFTMAX_OK;
    }
    size_t k = 0;
    const double dT = T, R = sum_rest(x, n, m, dT, &k);
    const double L = log((double)k) + log1p(R / (double)k);
    const int pos = sb_accurate_log_positive(x, n, m, k, R);
    for (size_t i = 0; i < n; i++)
        y[i] = sb_accurate_log_round(((double)x[i] - (double)m) / dT, L, pos);
    return SOFTMAX_OK;
}

const struct softmax_kernel sb_kernel_scalar_accurate = {
    .name = "scalar.accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = accurate,
    .safe = 1,
    .bound = {.c0 = 1.0, .c_arg = 0.0, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "everything in double (libm exp, pairwise sum), rounded once: faithful, 1 ULP",
};

const struct softmax_kernel sb_kernel_scalar_log_accurate = {
    .name = "scalar.log_accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = log_accurate,
    .safe = 1,
    .bound = {.c0 = 1.0, .c_arg = 0.0, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "log-softmax in double, log k + log1p(rest), rounded once: faithful, 1 ULP",
    .output = SOFTMAX_OUT_LOG,
};
