/* neon.threepass - the safe three-pass softmax in NEON: the algorithm of
 * avx512.threepass (its header has the derivation, which holds here word for
 * word: the exponential of avx2/vec_avx2.h, the same summation with blocks of
 * 8 terms per lane, so a term meets at most 7 additions in its lane and
 * 2 + 2 folding), over 4 lanes, tails through a buffer (neon/vec_neon.h). */
#include "vec_neon.h"

#include "../body/threepass.h"

const struct softmax_kernel sb_kernel_neon_threepass = {
    .name = "neon.threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_NEON,
    .fn = sbv_threepass,
    .rows = sbv_threepass_rows,
    .safe = 1,
    .bound = {.c0 = 15.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "NEON max, exp-store-sum (own exp, 16/iter), scale by 1/S",
};

/* Bound (hybrid ULP): as scalar.log_threepass (scalar/threepass.c). */
const struct softmax_kernel sb_kernel_neon_log_threepass = {
    .name = "neon.log_threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_NEON,
    .fn = sbv_log_threepass,
    .safe = 1,
    .bound = {.c0 = 20.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "NEON log-softmax: max, exp-sum (not stored), then x - max - log S",
    .output = SOFTMAX_OUT_LOG,
};

const struct sb_chunk_ops sb_chunk_neon = {sbv_chunk_terms, sbv_chunk_scale};
