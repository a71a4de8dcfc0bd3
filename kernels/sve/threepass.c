/* sve.threepass - the safe three-pass softmax in SVE, vector-length
 * agnostic: the algorithm of avx512.threepass over W = svcntw() lanes (4 to
 * 64), tails predicated (sve/vec_sve.h).
 *
 * Bound: avx512.threepass's derivation, with W in place of 16. W enters
 * only through the lane fold (log2 W additions), and the blocks of 32 W
 * elements take it out again: a term meets at most 7 additions in its lane,
 * 2 + log2 W folding, and ceil(log2(n/(32 W))) + 1 cascade levels, under
 * ceil(log2 n) + 6 at every W, so c0 = 15 and c_sum = 1.02 as there. The
 * exponential is AVX2's (the same bits per lane). No `rows`: the
 * register-blocked row path keeps vectors in arrays, which SVE's sizeless
 * vectors cannot be; softmax_batch runs each row through the kernel.
 */
#include "vec_sve.h"

#include "../body/threepass.h"

const struct softmax_kernel sb_kernel_sve_threepass = {
    .name = "sve.threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_SVE,
    .fn = sbv_threepass,
    .safe = 1,
    .bound = {.c0 = 15.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "SVE (any vector length) max, exp-store-sum (own exp, 4 vectors/iter), scale by 1/S",
};

/* Bound (hybrid ULP): as scalar.log_threepass (scalar/threepass.c). */
const struct softmax_kernel sb_kernel_sve_log_threepass = {
    .name = "sve.log_threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_SVE,
    .fn = sbv_log_threepass,
    .safe = 1,
    .bound = {.c0 = 20.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "SVE log-softmax: max, exp-sum (not stored), then x - max - log S",
    .output = SOFTMAX_OUT_LOG,
};

const struct sb_chunk_ops sb_chunk_sve = {sbv_chunk_terms, sbv_chunk_scale};
