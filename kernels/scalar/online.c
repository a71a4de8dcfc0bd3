/* scalar.online - the online normalizer of M. Milakov and N. Gimelshein,
 * "Online normalizer calculation for softmax" (2018): one pass keeps a
 * running max m and a sum s rescaled whenever m grows; a second pass writes
 * exp((x_i - m)/T) / s. The recurrence is applied per block of 8 (the block
 * max is found in registers, so memory is still read once) and block pairs
 * (m, s) are combined with the paper's merge operator
 *   (m1, s1) + (m2, s2) = (M, s1 exp((m1 - M)/T) + s2 exp((m2 - M)/T)),
 * M = max(m1, m2), through the pairwise cascade. Per element, the rounded
 * gaps of the successive rescales telescope to |x_i - max|/T. Each argument
 * (a - b)/T is formed in double and rounded to float once.
 *
 * Bound: 0.5 (reference) + 0.5 (division) + 0.5 (subnormal exp, S >= 1)
 * + 1.01 * [2 (expf) + r*a_i + 2 + r*abar + 7 (block additions)]
 * + 4.04 per cascade level (an expf 2u, a multiply u and an add u).
 * Hence c0 = 1.5 + 1.01 * 11 = 12.6 -> 13, c_arg = 1.02, c_sum = 4.1: the
 * price of merging by exponentials instead of plain additions. The record
 * declares the online family's bound, shared with the vector kernels (their
 * derivation, in avx512/online.c, is the larger): c0 = 25, c_arg = 1.53.
 *
 * Edges: a block of -inf is the empty pair (m = -inf, s = 0); NaN or +inf
 * leave a non-finite max or sum, and the result goes to sb_edge.
 */
#include "../internal.h"

#define BLOCK 8

/* Pass 1: the (max, sum) pair; 0 when the contract decides the result. */
static int pass1(const float *x, size_t n, float T, struct sb_part *tot)
{
    struct sb_cascade c;
    c.count = 0; /* the slots are written before they are read */
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t end = n - i < BLOCK ? n : i + BLOCK;
        struct sb_part b = {0.0f, x[i]};
        /* a NaN sticks in the max, so the block cannot pass for empty */
        for (size_t j = i + 1; j < end; j++)
            b.m = x[j] > b.m || x[j] != x[j] ? x[j] : b.m;
        if (b.m != -INFINITY)
            for (size_t j = i; j < end; j++)
                b.s += expf(sb_shifted_arg(x[j], b.m, T));
        sb_cascade_push(&c, b, sb_merge_online, T);
    }
    *tot = sb_cascade_total(&c, sb_merge_online, T, (struct sb_part){0.0f, -INFINITY});
    return isfinite(tot->m) && isfinite(tot->s);
}

static int online(const float *x, float *y, size_t n, float T)
{
    int st;
    struct sb_part tot;
    if (sb_prologue(x, y, n, T, &st))
        return st;
    if (!pass1(x, n, T, &tot)) {
        sb_edge(x, y, n, T);
        return SOFTMAX_OK;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = expf(sb_shifted_arg(x[i], tot.m, T)) / tot.s;
    return SOFTMAX_OK;
}

/* log-softmax from the online pair: (x_i - m)/T - log s. */
static int log_online(const float *x, float *y, size_t n, float T)
{
    int st;
    struct sb_part tot;
    if (sb_log_prologue(x, y, n, T, &st))
        return st;
    if (!pass1(x, n, T, &tot)) {
        sb_edge_log(x, y, n, T);
        return SOFTMAX_OK;
    }
    float L = (float)log((double)tot.s);
    for (size_t i = 0; i < n; i++)
        y[i] = sb_shifted_arg(x[i], tot.m, T) - L;
    return SOFTMAX_OK;
}

const struct softmax_kernel sb_kernel_scalar_online = {
    .name = "scalar.online",
    .algorithm = "online",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = online,
    .safe = 1,
    .bound = {.c0 = 25.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 4.1,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "Milakov-Gimelshein online max and rescaled sum, then one output pass",
};

/* Bound (hybrid ULP): the online family's plus 5, as for the three-pass log
 * kernels (scalar/threepass.c). */
const struct softmax_kernel sb_kernel_scalar_log_online = {
    .name = "scalar.log_online",
    .algorithm = "online",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = log_online,
    .safe = 1,
    .bound = {.c0 = 30.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 4.1,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "log-softmax: online (max, sum) pass, then x - max - log S",
    .output = SOFTMAX_OUT_LOG,
};
