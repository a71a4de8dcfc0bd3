/* avx2.threepass - the safe three-pass softmax in AVX2 with FMA: the
 * algorithm of avx512.threepass (its header has the derivation, which holds
 * here word for word: the same exponential, the same summation with 8-lane
 * accumulators and blocks of 256, so a term meets at most 7 additions in its
 * lane and 2 + 3 folding; the declared bound is the family's), over 8 lanes,
 * with vmaskmovps tails. */
#include "vec_avx2.h"

#include "../body/threepass.h"

const struct softmax_kernel sb_kernel_avx2_threepass = {
    .name = "avx2.threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_AVX2,
    .fn = sbv_threepass,
    .rows = sbv_threepass_rows,
    .safe = 1,
    .bound = {.c0 = 15.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "AVX2+FMA max, exp-store-sum (own exp, 32/iter), scale by 1/S",
};

/* Bound (hybrid ULP): as scalar.log_threepass (scalar/threepass.c). */
const struct softmax_kernel sb_kernel_avx2_log_threepass = {
    .name = "avx2.log_threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_AVX2,
    .fn = sbv_log_threepass,
    .safe = 1,
    .bound = {.c0 = 20.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "AVX2+FMA log-softmax: max, exp-sum (not stored), then x - max - log S",
    .output = SOFTMAX_OUT_LOG,
};

const struct sb_chunk_ops sb_chunk_avx2 = {sbv_chunk_terms, sbv_chunk_scale};
