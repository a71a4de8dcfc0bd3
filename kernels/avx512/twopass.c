/* avx512.twopass - the two-pass softmax of Dukhan and Ablavatski (2020) in
 * AVX-512F, as their paper does it: pass 1 computes each exp(x_i/T) as
 * p * 2^n (vec_avx512.h, without the final scaling) and keeps per lane a sum as a
 * (mantissa, exponent) pair, rescaled with vscalefps when the exponent grows;
 * pass 2 recomputes p * 2^n and writes p * 2^(n - E) / M. Two reads of x and
 * one write of y: 12 bytes per element against the three-pass kernel's 20.
 * Plain stores: non-temporal ones measured slower (docs/vector-kernels.md, the "Stores" item).
 *
 * Pass 1 takes the full blocks of 32 vectors alternately from the two
 * halves of x (two streams keep more reads in flight), each block's
 * exponent per lane from the lane's largest logit, read one block ahead, and
 * its terms as exp(x_i/T) 2^-E with the power of two folded into the table
 * entry (avx512/vec_avx512.h, sbv_block_term): the same roundings as p and an
 * exact scaling, with arguments below (E - 120) ln 2 (about 119 binades
 * below the lane's largest) counted as about 2^(E-120) instead of less
 * (under 2^-118 of the lane's largest term each, so under n 2^-118 relative
 * in all). The blocks left over (fewer than two)
 * take the per-step path: one exponent update per lane per step of 4
 * vectors. Pass 2 writes the two halves as two streams too.
 *
 * Summation: a block's 32 vectors go into 4 accumulators of 8 terms per
 * lane, added in a tree (2 additions) (the per-step path: each step's 4
 * terms in a tree, 2 additions, then at most 8 steps per block); the
 * blocks' lane pairs go through a pairwise cascade of lane pairs, and the
 * 16 lanes fold once at the end (4 additions). Rescaling is exact (powers of
 * two, terms below 2^-149 of the lane's leader dropped: < 2^-125
 * relative), so the additions alone round: 8 + 2 + ceil(log2(n/512)) + 4,
 * at most ceil(log2 n) + 6 times per term.
 *
 * Bound: 0.5 (reference) + 1.5 (1/M rounded, then the product) + 0.5 (a second
 * rounding into the subnormals) + 1.01 * [3 (exp) + 0.2 (|n| 2^-49 for
 * |n| < 2^23 in the reduction) + r*a_i (x_i * (1/T): two roundings, so
 * c_arg = 1.02 covers r = 2 at T != 1 and r = 0 at T = 1 needs none) + 3.2 +
 * r*abar + ceil(log2 n) + 6]: c0 = 2.5 + 1.01 * 12.4 = 15.0 -> 15.5,
 * c_arg = c_sum = 1.02.
 *
 * Extremes: the table exponential's range is narrower than scalar.twopass's
 * (avx512/vec_avx512.h): a sum exponent above K_HI (x/T beyond about 136275;
 * the block path's E sits up to 1.5 above the exponent, so its limits move by
 * a binade or two), NaN,
 * +inf, or every logit below about -90000 sends the input to the scalar
 * three-pass body; logits below -2^17 (the per-step path) or 120 binades
 * below their block's lane maximum (the block path) are clamped; T = +inf
 * goes to sb_edge.
 */
#include "vec_avx512.h"

#define SBV_CHUNK2
#include "../body/twopass.h"

const struct softmax_kernel sb_kernel_avx512_twopass = {
    .name = "avx512.twopass",
    .algorithm = "twopass",
    .isa = SOFTMAX_ISA_AVX512,
    .fn = sbv_twopass,
    .safe = 1,
    .bound = {.c0 = 15.5,
              .c_arg = 1.02,
              .arg = SOFTMAX_ARG_RAW,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "AVX-512F Dukhan-Ablavatski two-pass, vscalefps sums, 16-entry table exp",
};

/* Bound (hybrid ULP): as scalar.log_twopass (scalar/twopass.c), with pass
 * 1's x t rounded twice at T != 1 (1/T, the product): c_arg = 2.04; the
 * output's (x - m) t is two roundings too, each at most one unit. */
const struct softmax_kernel sb_kernel_avx512_log_twopass = {
    .name = "avx512.log_twopass",
    .algorithm = "twopass",
    .isa = SOFTMAX_ISA_AVX512,
    .fn = sbv_log_twopass,
    .safe = 1,
    .bound = {.c0 = 20.0,
              .c_arg = 2.04,
              .arg = SOFTMAX_ARG_RAW,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "AVX-512F log-softmax: two-pass sum and max, then (x - max) t - log S",
    .output = SOFTMAX_OUT_LOG,
};

const struct sb_chunk2_ops sb_chunk2_avx512 = {sbv_chunk_sum, sbv_chunk_write, (float)SBV_K_LO};
