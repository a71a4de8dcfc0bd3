/* sve.twopass - the two-pass softmax of Dukhan and Ablavatski in SVE,
 * vector-length agnostic: the algorithm and bound of avx512.twopass (see its
 * header) over W = svcntw() lanes, its per-step path (no block terms); the
 * powers of two are built in the exponent field (sve/vec_sve.h), as on AVX2,
 * rounding once into the subnormals all the same. The summation count holds
 * at every W: 8 + 2 + ceil(log2(n/(32 W))) + log2 W <= ceil(log2 n) + 6. */
#include "vec_sve.h"

#include "../body/twopass.h"

const struct softmax_kernel sb_kernel_sve_twopass = {
    .name = "sve.twopass",
    .algorithm = "twopass",
    .isa = SOFTMAX_ISA_SVE,
    .fn = sbv_twopass,
    .safe = 1,
    .bound = {.c0 = 15.5,
              .c_arg = 1.02,
              .arg = SOFTMAX_ARG_RAW,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "SVE (any vector length) Dukhan-Ablavatski two-pass, exponent-field scaling",
};

/* Bound (hybrid ULP): as neon.log_twopass (neon/twopass.c). */
const struct softmax_kernel sb_kernel_sve_log_twopass = {
    .name = "sve.log_twopass",
    .algorithm = "twopass",
    .isa = SOFTMAX_ISA_SVE,
    .fn = sbv_log_twopass,
    .safe = 1,
    .bound = {.c0 = 20.0,
              .c_arg = 2.04,
              .arg = SOFTMAX_ARG_RAW,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "SVE log-softmax: two-pass sum and max, then (x - max) t - log S",
    .output = SOFTMAX_OUT_LOG,
};
