/* sve.accurate - scalar.accurate's method in SVE, vector-length agnostic:
 * every step before the final rounding to float in double precision,
 * svcntd() lanes, with the exponential of sve/dvec_sve.h (no table, degree 8:
 * 2^-38.6 relative); faithful (1 ULP) and almost always correctly rounded.
 * The algorithm is body/accurate.h's: three passes with the terms kept up
 * to 2048 elements, two passes beyond.
 *
 * Bound, relative errors, u = 2^-53, e = 2^-38.6 the exponential's: as
 * neon/accurate.c and avx512/accurate.c derive it. The lane count changes
 * only how the 4096-element chunks split among accumulators (fewer terms
 * per accumulator at wider vectors) and the fold (log2 of the double lanes,
 * at most 5 additions): S within 3e + (519 + n/4096 + 5) u, still 2^-36.9
 * up to n = 2^24; the output e + u more. Under 2^-36.4 before the rounding
 * to float: faithful (bound 1 ULP). Arguments below -120 (and -inf) are
 * clamped there.
 *
 * Tails (past the last whole vector) are done by the scalar formula in
 * double with libm's exp, so nothing past x[n-1] is read. Edges: NaN, +inf,
 * all -inf and T = +inf go to sb_edge.
 */
#include "dvec_sve.h"

#include "../body/accurate.h"

const struct softmax_kernel sb_kernel_sve_accurate = {
    .name = "sve.accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_SVE,
    .fn = sbd_accurate,
    .safe = 1,
    .bound = {.c0 = 1.0,
              .c_arg = 0.0,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "double-precision internals, own exp (degree 8, any vector length), rounded once",
};

const struct softmax_kernel sb_kernel_sve_log_accurate = {
    .name = "sve.log_accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_SVE,
    .fn = sbd_log_accurate,
    .safe = 1,
    .bound = {.c0 = 1.0,
              .c_arg = 0.0,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary =
        "log-softmax in double, own exp (any vector length), log k + log1p(rest), rounded once",
    .output = SOFTMAX_OUT_LOG,
};
