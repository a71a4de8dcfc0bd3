/* sve.online - the online normalizer of Milakov and Gimelshein (2018) in
 * SVE, vector-length agnostic: the algorithm of avx2.online and neon.online
 * (their header has the derivation) over W = svcntw() lanes, two lane sets
 * alternating chunks of 4 vectors, folded every 16 vectors.
 *
 * Bound: that derivation counts 3 lane levels in c0. At W lanes the fold
 * has log2 W levels, but a level where a lane sums only zeros is exact, so
 * at most ceil(log2 min(n, W)) round, and the blocks of 16 W elements leave
 * ceil(log2(n/(16 W))) cascade levels of 4.04u each, where c_sum charges
 * 4.1u for each of ceil(log2 n): the 4 + log2 W levels charged and not
 * taken cover the lane levels beyond 3. c0 = 25, c_arg = 1.53, c_sum = 4.1
 * at every W. */
#include <float.h>

#include "vec_sve.h"

#include "../body/online.h"

const struct softmax_kernel sb_kernel_sve_online = {
    .name = "sve.online",
    .algorithm = "online",
    .isa = SOFTMAX_ISA_SVE,
    .fn = sbv_online,
    .safe = 1,
    .bound = {.c0 = 25.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 4.1,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "SVE (any vector length) online max and rescaled sum, then one output pass",
};

/* Bound (hybrid ULP): as scalar.log_online (scalar/online.c). */
const struct softmax_kernel sb_kernel_sve_log_online = {
    .name = "sve.log_online",
    .algorithm = "online",
    .isa = SOFTMAX_ISA_SVE,
    .fn = sbv_log_online,
    .safe = 1,
    .bound = {.c0 = 30.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 4.1,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "SVE log-softmax: online (max, sum) pass, then x - max - log S",
    .output = SOFTMAX_OUT_LOG,
};
