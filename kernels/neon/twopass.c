/* neon.twopass - the two-pass softmax of Dukhan and Ablavatski in NEON:
 * the algorithm and bound of avx512.twopass (see its header), over 4 lanes;
 * the powers of two are built in the exponent field (neon/vec_neon.h), as on
 * AVX2, rounding once into the subnormals all the same. */
#include "vec_neon.h"

#include "../body/twopass.h"

const struct softmax_kernel sb_kernel_neon_twopass = {
    .name = "neon.twopass",
    .algorithm = "twopass",
    .isa = SOFTMAX_ISA_NEON,
    .fn = sbv_twopass,
    .safe = 1,
    .bound = {.c0 = 15.5,
              .c_arg = 1.02,
              .arg = SOFTMAX_ARG_RAW,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "NEON Dukhan-Ablavatski two-pass, exponent-field scaling",
};

/* Bound (hybrid ULP): as scalar.log_twopass (scalar/twopass.c), with pass
 * 1's x t rounded twice at T != 1 (1/T, the product): c_arg = 2.04; the
 * output's (x - m) t is two roundings too, each at most one unit. */
const struct softmax_kernel sb_kernel_neon_log_twopass = {
    .name = "neon.log_twopass",
    .algorithm = "twopass",
    .isa = SOFTMAX_ISA_NEON,
    .fn = sbv_log_twopass,
    .safe = 1,
    .bound = {.c0 = 20.0,
              .c_arg = 2.04,
              .arg = SOFTMAX_ARG_RAW,
              .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "NEON log-softmax: two-pass sum and max, then (x - max) t - log S",
    .output = SOFTMAX_OUT_LOG,
};
