/* scalar.naive - the textbook formula y_i = exp(x_i/T) / sum_j exp(x_j/T),
 * with no max subtraction and one sequential accumulator. It overflows once
 * x_i/T passes about 88.7 (exp(88.73) > FLT_MAX) and its sum underflows for
 * very negative logits: it is unsafe, and stays in the suite as the baseline
 * the harness must show failing.
 *
 * Bound, claimed only on its domain (all x_i/T finite, 0 <= max x/T and
 * max x/T + ln n <= 88.5, so 1 <= S < FLT_MAX): 0.5 (reference rounding)
 * + 0.5 (division) + 0.5 (a subnormal exp, S >= 1) + 1.01 * [2 (expf)
 * + r*a_i (x_i/T rounded when T != 1, a_i = |x_i|/T) + 2 + r*abar (those
 * errors inside the sum) + (n - 1) (sequential additions)].
 * Hence c0 = 1.5 + 1.01 * 4 = 5.54 -> 6, c_arg = 1.02, c_sum = 1.02 * n.
 */
#include "../internal.h"

static int naive(const float *x, float *y, size_t n, float T)
{
    int st = sb_check_args(x, y, n, T);
    if (st != SOFTMAX_OK)
        return st;
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float e = expf(x[i] / T);
        y[i] = e;
        s += e;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = y[i] / s;
    return SOFTMAX_OK;
}

/* log-softmax by the textbook formula: x_i/T - log sum_j exp(x_j/T), the
 * sum sequential in float: overflows where naive does. */
static int log_naive(const float *x, float *y, size_t n, float T)
{
    int st = sb_check_args(x, y, n, T);
    if (st != SOFTMAX_OK)
        return st;
    float s = 0.0f;
    for (size_t i = 0; i < n; i++)
        s += expf(x[i] / T);
    float L = (float)log((double)s);
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] / T - L;
    return SOFTMAX_OK;
}

static int naive_domain(const float *x, size_t n, float T)
{
    double hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        float a = x[i] / T;
        if (!isfinite(a))
            return 0;
        if (a > hi)
            hi = a;
    }
    return n == 0 || (hi >= 0.0 && hi + log((double)n) <= 88.5);
}

const struct softmax_kernel sb_kernel_scalar_naive = {
    .name = "scalar.naive",
    .algorithm = "naive",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = naive,
    .safe = 0,
    .bound = {.c0 = 6.0,
              .c_arg = 1.02,
              .arg = SOFTMAX_ARG_RAW,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_SEQUENTIAL},
    .in_domain = naive_domain,
    .summary = "textbook exp(x)/sum exp(x), no max shift: overflows (unsafe)",
};

/* Bound (hybrid ULP), on naive's domain: naive's plus 0.5 + 0.5 (reference,
 * subtraction) + 1 (log S rounded, as large as a_i + |y_i|: c_mag for the
 * a_i part): c0 = 8, c_mag = 1.02. */
const struct softmax_kernel sb_kernel_scalar_log_naive = {
    .name = "scalar.log_naive",
    .algorithm = "naive",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = log_naive,
    .safe = 0,
    .bound = {.c0 = 8.0,
              .c_arg = 1.02,
              .arg = SOFTMAX_ARG_RAW,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_SEQUENTIAL,
              .c_mag = 1.02},
    .in_domain = naive_domain,
    .summary = "log-softmax: textbook x - log sum exp(x), no max shift: overflows (unsafe)",
    .output = SOFTMAX_OUT_LOG,
};
