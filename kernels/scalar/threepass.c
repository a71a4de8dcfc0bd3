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

void sb_scalar_threepass(const float *x, float *y, size_t n, float T)
{
    if (n == 0)
        return;
    if (isinf(T)) {
        sb_edge(x, y, n, T);
        return;
    }
    float m = -INFINITY;
    int nan = 0;
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        nan |= v != v;
        m = v > m ? v : m;
    }
    if (nan || !isfinite(m)) {
        sb_edge(x, y, n, T);
        return;
    }

    /* 8 interleaved partial sums over blocks of 64: each still meets 7
     * additions, then 3 folding them, as in the derivation above */
    struct sb_cascade c = {.count = 0};
    for (size_t i = 0; i < n; i += 8 * BLOCK) {
        size_t end = n - i < 8 * BLOCK ? n : i + 8 * BLOCK;
        float s8[8] = {0};
        for (size_t j = i; j < end; j++) {
            /* at T = 1, x - m in float is the same correctly rounded value
             * (and -inf past FLT_MAX, whose exp is the right 0) */
            float e = expf(T == 1.0f ? x[j] - m : sb_shifted_arg(x[j], m, T));
            y[j] = e;
            s8[(j - i) & 7] += e;
        }
        struct sb_part p = {((s8[0] + s8[1]) + (s8[2] + s8[3])) + ((s8[4] + s8[5]) + (s8[6] + s8[7])),
                            0.0f};
        sb_cascade_push(&c, p, sb_merge_sum, T);
    }
    float s = sb_cascade_total(&c, sb_merge_sum, T, (struct sb_part){0.0f, 0.0f}).s;
    for (size_t i = 0; i < n; i++)
        y[i] = y[i] / s;
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
    .bound = {.c0 = 15.0, .c_arg = 1.53, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "max, exp-and-store with pairwise sum, scale (libm expf)",
};
