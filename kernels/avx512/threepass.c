/* avx512.threepass - the safe three-pass softmax in AVX-512F: a max pass
 * (with a NaN check and the min, for the overflow test below), an exp pass
 * that stores exp((x_i - max) / T) and sums it, and a scale pass by 1/S.
 * 64 elements per iteration in four registers; masked loads and stores for
 * the tail, so nothing past the end is touched.
 *
 * Summation: four accumulators of 16 lanes, emptied every 512 elements into
 * the pairwise cascade: a term meets at most 7 additions in its lane, 2 + 4
 * folding the lanes, and ceil(log2(n/512)) + 1 cascade levels: under
 * ceil(log2 n) + 6.
 *
 * Bound: 0.5 (reference) + 1.5 (1/S rounded, then the product) + 0.5 (an
 * underflowed exp, S >= 1) + 1.01 * [3 (exp, vec_avx512.h) + r*a_i + 3 + r*abar
 * + ceil(log2 n) + 6], where the argument (x_i - max) * (1/T) suffers up to
 * three roundings (x_i - max, 1/T, the product): c_arg = 1.53, so that with
 * the model's r = 2 at T != 1 it covers 3 x 1.02. Hence c0 = 2.5 + 1.01 * 12
 * = 14.6 -> 15, c_sum = 1.02.
 *
 * Edges: NaN, +inf, all -inf and T = +inf go to sb_edge; when T > 1 and the
 * logits span more than FLT_MAX (x - max overflows in float), the scalar
 * body, which forms the argument in double, takes over.
 */
#include "vec_avx512.h"

#include "../body/threepass.h"

const struct softmax_kernel sb_kernel_avx512_threepass = {
    .name = "avx512.threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_AVX512,
    .fn = sbv_threepass,
    .rows = sbv_threepass_rows,
    .safe = 1,
    .bound = {.c0 = 15.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "AVX-512F max, exp-store-sum (own exp, 64/iter), scale by 1/S",
};

/* Bound (hybrid ULP): as scalar.log_threepass (scalar/threepass.c). */
const struct softmax_kernel sb_kernel_avx512_log_threepass = {
    .name = "avx512.log_threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_AVX512,
    .fn = sbv_log_threepass,
    .safe = 1,
    .bound = {.c0 = 20.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "AVX-512F log-softmax: max, exp-sum (not stored), then x - max - log S",
    .output = SOFTMAX_OUT_LOG,
};

const struct sb_chunk_ops sb_chunk_avx512 = {sbv_chunk_terms, sbv_chunk_scale};
