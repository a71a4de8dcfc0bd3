/* scalar.twopass - the two-pass softmax of M. Dukhan and A. Ablavatski,
 * "The Two-Pass Softmax Algorithm" (2020). No max pass: each exp(a_i),
 * a_i = x_i/T, is carried as p_i * 2^k_i with k_i = rint(a_i * log2 e) and
 * p_i = exp(a_i - k_i ln 2) in [0.7, 1.42], and the sum is accumulated as a
 * (mantissa, exponent) pair, so nothing overflows. Pass 2 recomputes each
 * p_i * 2^k_i and scales by the pair.
 *
 * Reduction in double: k_i < 2^23, so k*ln2 has error <= 2^-30 and a - k*ln2
 * is exact (Sterbenz); r rounded to float costs <= u/4. expf(r) within 2u.
 * Scalings by 2^k are exact (terms below 2^-126 of a block are dropped:
 * < 2^-120 relative). The sum rounds only in additions: 7 per block of 8,
 * then one per cascade level: <= ceil(log2 n) + 5.
 *
 * Bound: 0.5 (reference) + 0.5 (p_i / M) + 0.5 (a second rounding when the
 * result is subnormal) + 1.01 * [0.3 (reduction) + 2 (expf) + r*a_i (a_i =
 * |x_i|/T, rounded once when T != 1) + 2.3 + r*abar (the same inside the
 * sum) + (ceil(log2 n) + 5)]. Hence c0 = 1.5 + 1.01 * 9.6 = 11.2 -> 11.5,
 * c_arg = c_sum = 1.02; the record declares the family's c0 = 15.5, shared
 * with avx512.twopass. With T = 1 the argument is exact: no gap term at all,
 * unlike the max-shifted kernels.
 *
 * Extreme inputs: a_i below -2^22 is clamped there (its weight is 0 against
 * any max above -2^21). When some a_i exceeds 2^20, is NaN or +inf, or the
 * max lies below -2^21, the (p, k) form loses order or meaning and the
 * kernel falls back to the three-pass body, which applies the contract.
 */
#include <limits.h>

#include "../internal.h"

#define BLOCK 8
#define A_HI SB_TWOPASS_A_HI
#define A_LO SB_TWOPASS_A_LO
#define K_LO SB_TWOPASS_K_LO

static const double LOG2E = 1.4426950408889634;
static const double LN2 = 0.6931471805599453;

/* exp(a) = p * 2^k. */
static inline float expsplit(float a, int *k)
{
    double kd = nearbyint((double)a * LOG2E);
    *k = (int)kd;
    return expf((float)((double)a - kd * LN2));
}

/* Pass 1: the sum as (mantissa, exponent), and the max of x; 0 when the
 * three-pass body must take over (see the header). */
static int pass1(const float *x, size_t n, float T, struct sb_part *tot, float *xmax)
{
    struct sb_cascade c;
    c.count = 0; /* the slots are written before they are read */
    float xm = -INFINITY;
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t end = n - i < BLOCK ? n : i + BLOCK;
        float p[BLOCK];
        int k[BLOCK], kmax = INT_MIN;
        for (size_t j = i; j < end; j++) {
            float a = x[j] / T;
            if (!(a <= A_HI))
                return 0;
            xm = x[j] > xm ? x[j] : xm;
            a = a < A_LO ? A_LO : a;
            p[j - i] = expsplit(a, &k[j - i]);
            kmax = k[j - i] > kmax ? k[j - i] : kmax;
        }
        struct sb_part b = {0.0f, (float)kmax};
        for (size_t j = 0; j < end - i; j++)
            b.s += p[j] * sb_pow2f(k[j] - kmax);
        sb_cascade_push(&c, b, sb_merge_pow2, T);
    }
    *tot = sb_cascade_total(&c, sb_merge_pow2, T, (struct sb_part){0.0f, 0.0f});
    *xmax = xm;
    return tot->m >= (float)K_LO;
}

static int twopass(const float *x, float *y, size_t n, float T)
{
    int st;
    if (sb_prologue(x, y, n, T, &st))
        return st;
    struct sb_part tot;
    float xm;
    if (!pass1(x, n, T, &tot, &xm)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    int kt = (int)tot.m;
    for (size_t i = 0; i < n; i++) {
        float a = x[i] / T;
        int k;
        a = a < A_LO ? A_LO : a;
        float q = expsplit(a, &k) / tot.s;
        int d = k - kt;
        /* Two steps keep one rounding when the result is subnormal. */
        y[i] = d >= -126 ? q * sb_pow2f(d) : d >= -190 ? (q * 0x1p-64f) * sb_pow2f(d + 64) : 0.0f;
    }
    return SOFTMAX_OK;
}

/* log-softmax from the two-pass sum, with a shifted output: pass 1 also
 * finds the max m, and y_i = (x_i - m)/T - L with L = k ln 2 + log M - m/T
 * in double: log S relative to the max, in [0, log n], so an output near 0
 * is not the difference of two quantities as large as the logits (the
 * unshifted x_i/T - log S, whose log S rounds at their magnitude). */
static int log_twopass(const float *x, float *y, size_t n, float T)
{
    int st;
    if (sb_log_prologue(x, y, n, T, &st))
        return st;
    struct sb_part tot;
    float m;
    if (!pass1(x, n, T, &tot, &m) || !isfinite(m)) {
        sb_scalar_log_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    /* log S - m/T >= 0 exactly (S counts the max's term); rounding must not
     * push it below, or n = 1 would give a positive log-probability */
    double L = fmax(0.0, (double)tot.m * LN2 + log((double)tot.s) - (double)m / (double)T);
    for (size_t i = 0; i < n; i++)
        y[i] = sb_shifted_arg(x[i], m, T) - (float)L;
    return SOFTMAX_OK;
}

const struct softmax_kernel sb_kernel_scalar_twopass = {
    .name = "scalar.twopass",
    .algorithm = "twopass",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = twopass,
    .safe = 1,
    .bound = {.c0 = 15.5,
              .c_arg = 1.02,
              .arg = SOFTMAX_ARG_RAW,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "Dukhan-Ablavatski two-pass, (mantissa, exponent) sum, no max pass",
};

/* Bound (hybrid ULP): the two-pass family's sum terms (its arguments x/T,
 * RAW: at T = 1 exact, so r = 0 and only c0 + c_sum g(n) remain), plus 0.5
 * + 0.5 (reference, subtraction) + 2 (x_i - m rounded, in double then to
 * float once; at most one unit since |y_i| >= |x_i - m|/T) + 1 (L rounded,
 * L <= |y_i|) + 0.5 margin: c0 = 20. */
const struct softmax_kernel sb_kernel_scalar_log_twopass = {
    .name = "scalar.log_twopass",
    .algorithm = "twopass",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = log_twopass,
    .safe = 1,
    .bound = {.c0 = 20.0,
              .c_arg = 1.02,
              .arg = SOFTMAX_ARG_RAW,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "log-softmax: two-pass (mantissa, exponent) sum and max, then x - max - log S",
    .output = SOFTMAX_OUT_LOG,
};
