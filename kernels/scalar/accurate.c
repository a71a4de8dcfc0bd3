/* scalar.accurate - a softmax rounded once: everything before the final
 * rounding to float is done in double, so the result is faithful (within
 * 1 ULP of the exact value: the correctly rounded float or its neighbour)
 * and, but for values within a hair of a rounding boundary, correctly
 * rounded.
 *
 * The exponential is our own, in portable double arithmetic (libm's exp
 * and three divisions per element made the kernel 2.3x scalar.threepass):
 * v = (x - max) w, w = 16 log2(e)/T, is the argument in sixteenths of a
 * binade; n = rint(v) by a magic-number add, g = v - n exactly (|g| <=
 * 1/2); 2^(g/16) = 1 + g h(g), h of degree 3 fitted near-minimax with
 * mpmath.chebyfit (relative error 2^-37.5); t = 2^(j/16) (exp2tab.c) with
 * 2^floor(n/16) added into its exponent field as an integer (exact);
 * t + t (g h). Relative error 2^-37.5 + 3u, u = 2^-53.
 *
 * Derivation, relative errors: v = (x_i - max) w rounds at most three
 * times after w's own three (the difference of two floats is exact in
 * double unless their exponents are 29 apart; 16 log2 e, 1/T, two
 * products), |delta v| <= 6u|v| <= 2^-40.5 where an output counts (d >=
 * -120, |v| <= 2770; below, v is clamped there: e^-120 = 2^-173 changes S by
 * under n 2^-173 and rounds to +0), which moves the exponential by
 * (ln2/16) 2^-40.5 = 2^-45; the exponential 2^-37.5 + 3u, in the sum's terms
 * and in the output; the sum, leaves of 32 in order then pairwise, rounds a
 * term at most 31 + ceil(log2(n/32)) <= 54 times for n <= 2^28; 1/S and the
 * product twice. Under 2 (2^-37.5 + 2^-45) + 62u = 2^-36.4 before the final
 * rounding to float, 2^-12.4 of a float ulp: the bound is 1 ULP (c0 = 1,
 * nothing growing with n or |x|), and the one rounding to float lands on the
 * correctly rounded value unless the exact value lies within 2^-12.4 ulp of
 * a midpoint. A subnormal output is rounded once from double too.
 *
 * The exponential is evaluated twice per element (in the sum, then in the
 * output pass) rather than kept: keeping n doubles would need memory the
 * kernel does not own. Edges: NaN, +inf, all -inf and T = +inf go to
 * sb_edge; -inf entries give exp(-inf) = 0 exactly. The log kernel below
 * keeps libm's exp and log.
 */
#include <string.h>

#include "../internal.h"

#define LEAF 32
#define MAGIC 0x1.8p52
#define LOG2E16 (16.0 * 1.4426950408889634)
#define U_LO (-120.0 * LOG2E16) /* the clamp, d = -120, in units of 1/16 binade */
/* h(g) = (2^(g/16) - 1)/g on |g| <= 1/2 (the AVX-512 layer's), highest
 * degree first */
#define H3 0x1.3b2bfa0553142p-23
#define H2 0x1.c6b3488206d06p-17
#define H1 0x1.ebfbdff78ad41p-11
#define H0 0x1.62e42fee4615fp-5

/* exp(x - m) for w = 16 log2(e)/T: a normal double (2^-174 at the least). */
static inline double term(float x, double m, double w)
{
    double v = ((double)x - m) * w;
    v = v > U_LO ? v : U_LO;
    double z = v + MAGIC, n = z - MAGIC, g = v - n;
    uint64_t zb, tb;
    memcpy(&zb, &z, sizeof zb);
    memcpy(&tb, &sb_exp2_16[zb & 15u], sizeof tb);
    /* z's low 16 bits hold n mod 2^16: less j, n - j = 16 floor(n/16) */
    tb += (zb << 48) - ((zb & 15u) << 48);
    double t;
    memcpy(&t, &tb, sizeof t);
    return t + t * (g * (H0 + g * (H1 + g * (H2 + g * H3))));
}

/* Pairwise over halves, leaves summed in order (see the derivation). */
static double sum_exp(const float *x, size_t n, double m, double w)
{
    if (n <= LEAF) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += term(x[i], m, w);
        return s;
    }
    size_t h = n / 2;
    return sum_exp(x, h, m, w) + sum_exp(x + h, n - h, m, w);
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
    /* multiplies by 1/T and 1/S: three divisions per element took half
     * the time */
    const double dm = m, w = LOG2E16 / (double)T, inv = 1.0 / sum_exp(x, n, dm, w);
    for (size_t i = 0; i < n; i++)
        y[i] = (float)(term(x[i], dm, w) * inv);
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
    .bound = {.c0 = 1.0,
              .c_arg = 0.0,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "everything in double (own table exp, pairwise sum), rounded once: faithful, 1 ULP",
};

const struct softmax_kernel sb_kernel_scalar_log_accurate = {
    .name = "scalar.log_accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = log_accurate,
    .safe = 1,
    .bound = {.c0 = 1.0,
              .c_arg = 0.0,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "log-softmax in double, log k + log1p(rest), rounded once: faithful, 1 ULP",
    .output = SOFTMAX_OUT_LOG,
};
