/* neon.online - the online normalizer of Milakov and Gimelshein (2018) in
 * NEON (4 lanes; the derivation below holds as it is, with fewer folds):
 * pass 1 keeps per lane a running max m and a sum s rescaled by
 * exp((m_old - m_new)/T) once per chunk of 4 vectors (1.25 exponentials per
 * element), in two lane sets that alternate chunks so that their chains
 * overlap; every 16 vectors the sets and lanes fold into one (m, s) pair that
 * the paper's merge operator combines through the pairwise cascade. Pass 2
 * writes exp((x_i - m)/T) / s.
 * Two reads of x and one write of y: 12 bytes per element.
 *
 * Bound: a term meets within its set at most one later rescale (exp 3u and a
 * product u) and 1 + 2 additions; folding costs an exp and a product per set
 * (4u), 3 lane levels and 1 addition; each cascade level an expf, a product
 * and an addition (4.04u). Hence, with the pass-2 costs of the three-pass
 * kernel (2.5 + 3 + 3 + r*(a_i + abar), three roundings of the argument):
 * c0 = 2.5 + 1.01 * (6 + 7 + 9) = 24.7 -> 25, c_arg = 1.53, c_sum = 4.1, the
 * online family's bound.
 *
 * Edges: NaN, +inf, all -inf and T = +inf go to sb_edge; lanes start at
 * -FLT_MAX so that a lane of -inf stays an empty (m, 0); a logit span beyond
 * FLT_MAX with T > 1, or 1/T overflowing, goes to the scalar body.
 */
#include <float.h>

#include "vec_neon.h"

#include "../body/online.h"

const struct softmax_kernel sb_kernel_neon_online = {
    .name = "neon.online",
    .algorithm = "online",
    .isa = SOFTMAX_ISA_NEON,
    .fn = sbv_online,
    .safe = 1,
    .bound = {.c0 = 25.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 4.1,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "NEON online max and rescaled sum (1.25 exp/element), then one output pass",
};

/* Bound (hybrid ULP): as scalar.log_online (scalar/online.c). */
const struct softmax_kernel sb_kernel_neon_log_online = {
    .name = "neon.log_online",
    .algorithm = "online",
    .isa = SOFTMAX_ISA_NEON,
    .fn = sbv_log_online,
    .safe = 1,
    .bound = {.c0 = 30.0,
              .c_arg = 1.53,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 4.1,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "NEON log-softmax: online (max, sum) pass, then x - max - log S",
    .output = SOFTMAX_OUT_LOG,
};
