/* scalar.threepass - the standard safe softmax: a max pass, an exp-and-sum
 * pass that stores exp(x_i - max) in y, and a scale pass.
 *
 * Exponential: glibc expf, assumed within 1 ULP (glibc documents 0.502), so
 * a relative error of at most 2u, u = 2^-24. Summation: blocks of 8 summed in
 * order, block sums combined by the pairwise cascade: at most
 * 7 + ceil(log2(n/8)) + 1 <= ceil(log2 n) + 5 roundings per term.
 *
 * Bound, in ULP of the correctly rounded result (a relative error e costs at
 * most e/u ULP): 0.5 (the reference's own rounding) + 0.5 (the final
 * division) + 0.5 (an exp that underflowed to a subnormal: absolute 2^-150,
 * and S >= 1) + 1.01 * [2 (exp) + r*a_i (the rounded argument (x_i - max)/T,
 * r roundings) + 2 + r*abar (the same errors inside the sum)
 * + (ceil(log2 n) + 5) (the additions)]; 1.01 covers second-order terms.
 * Hence c0 = 1.5 + 1.01 * 9 = 10.6 -> 11, c_arg = c_sum = 1.02. The record
 * declares the three-pass family's bound, shared with avx512.threepass (own
 * exp, 1/S, three roundings of the argument): c0 = 15, c_arg = 1.53.
 *
 * Edges: NaN, +inf, all -inf and T = +inf go to sb_edge (the contract);
 * -inf entries give exp(-inf) = 0 exactly.
 */
#include "../internal.h"

#define BLOCK 8

/* The max of x; 0 when the contract decides the result (a NaN, or no
 * finite max), which the caller then hands to its sb_edge. */
static int max_pass(const float *x, size_t n, float *m)
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

/* Sum of exp((x_i - m)/T), stored into y when y is not NULL. 8 interleaved
 * partial sums over blocks of 64: each still meets 7 additions, then 3
 * folding them, as in the derivation above. */
static float exp_sum(const float *x, float *y, size_t n, float m, float T)
{
    struct sb_cascade c;
    c.count = 0; /* the slots are written before they are read */
    for (size_t i = 0; i < n; i += 8 * BLOCK) {
        size_t end = n - i < 8 * BLOCK ? n : i + 8 * BLOCK;
        float s8[8] = {0};
        for (size_t j = i; j < end; j++) {
            /* at T = 1, x - m in float is the same correctly rounded value
             * (and -inf past FLT_MAX, whose exp is the right 0) */
            float e = expf(T == 1.0f ? x[j] - m : sb_shifted_arg(x[j], m, T));
            if (y != NULL)
                y[j] = e;
            s8[(j - i) & 7] += e;
        }
        struct sb_part p = {((s8[0] + s8[1]) + (s8[2] + s8[3])) +
                                ((s8[4] + s8[5]) + (s8[6] + s8[7])),
                            0.0f};
        sb_cascade_push(&c, p, sb_merge_sum, T);
    }
    return sb_cascade_total(&c, sb_merge_sum, T, (struct sb_part){0.0f, 0.0f}).s;
}

void sb_scalar_threepass(const float *x, float *y, size_t n, float T)
{
    float m;
    if (n == 0)
        return;
    if (isinf(T) || !max_pass(x, n, &m)) {
        sb_edge(x, y, n, T);
        return;
    }
    float s = exp_sum(x, y, n, m, T);
    for (size_t i = 0; i < n; i++)
        y[i] = y[i] / s;
}

/* log-softmax: (x_i - m)/T - log S, the difference rounded once to float
 * (its error is at most 0.5 ULP of the output, whose magnitude is at least
 * its); log S in double rounded to float. */
void sb_scalar_log_threepass(const float *x, float *y, size_t n, float T)
{
    float m;
    if (n == 0)
        return;
    if (isinf(T) || !max_pass(x, n, &m)) {
        sb_edge_log(x, y, n, T);
        return;
    }
    float L = (float)log((double)exp_sum(x, NULL, n, m, T));
    for (size_t i = 0; i < n; i++)
        y[i] = (T == 1.0f ? x[i] - m : sb_shifted_arg(x[i], m, T)) - L;
}

static int threepass(const float *x, float *y, size_t n, float T)
{
    int st = sb_check_args(x, y, n, T);
    if (st == SOFTMAX_OK)
        sb_scalar_threepass(x, y, n, T);
    return st;
}

const struct softmax_kernel sb_kernel_scalar_threepass = {
    .name = "scalar.threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = threepass,
    .safe = 1,
    .bound = {.c0 = 15.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "max, exp-and-store with pairwise sum, scale (libm expf)",
};

static int log_threepass(const float *x, float *y, size_t n, float T)
{
    int st = sb_check_args(x, y, n, T);
    if (st == SOFTMAX_OK)
        sb_scalar_log_threepass(x, y, n, T);
    return st;
}

/* Bound of the log family (hybrid ULP, softmax.h): the three-pass bound's
 * sum terms (log S is off by S's relative error, at most that many units of
 * 2^-24 absolute), plus 0.5 (reference) + 0.5 (the subtraction) + 3 (up to
 * three roundings of x_i - max, each at most 1 unit since |y_i| >=
 * |x_i - max|/T) + 1 (log S rounded, |log S| <= |y_i|): c0 = 15 + 5 = 20. */
const struct softmax_kernel sb_kernel_scalar_log_threepass = {
    .name = "scalar.log_threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = log_threepass,
    .safe = 1,
    .bound = {.c0 = 20.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "log-softmax: max, sum of exp, then x - max - log S (libm expf, log)",
    .output = SOFTMAX_OUT_LOG,
};
