/* avx2.accurate - scalar.accurate's method in AVX2 with FMA: every step
 * before the final rounding to float in double precision, 4 lanes, with the
 * exponential of avx2/dvec_avx2.h (no table, degree 8: 2^-38.6 relative);
 * faithful (1 ULP) and almost always correctly rounded. The algorithm is
 * body/accurate.h's: three passes with the terms kept up to 2048 elements,
 * two passes beyond.
 *
 * Bound, relative errors, u = 2^-53, e = 2^-38.6 the exponential's: as
 * avx512/accurate.c derives it, with 255 terms per accumulator per chunk:
 * S within 3e + (263 + n/4096) u = 2^-36.9 up to n = 2^24; the output
 * e + u more. Total under 2^-36.4 before the rounding to float, 2^-12.4 of
 * a float ulp: faithful (bound 1 ULP), and correctly rounded except within
 * 2^-12.4 ulp of a midpoint. Arguments below -120 (and -inf) are clamped
 * there (e^-120 rounds to +0 in any output).
 *
 * Tails (n mod 4, or mod 8 in pass 1) are done by the scalar formula in
 * double with libm's exp, so nothing past x[n-1] is read. Edges: NaN, +inf,
 * all -inf and T = +inf go to sb_edge.
 */
#include "dvec_avx2.h"

#include "../body/accurate.h"

const struct softmax_kernel sb_kernel_avx2_accurate = {
    .name = "avx2.accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_AVX2,
    .fn = sbd_accurate,
    .safe = 1,
    .bound = {.c0 = 1.0,
              .c_arg = 0.0,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "double-precision internals, own 4-lane exp (degree 8), two passes, rounded once",
};

const struct softmax_kernel sb_kernel_avx2_log_accurate = {
    .name = "avx2.log_accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_AVX2,
    .fn = sbd_log_accurate,
    .safe = 1,
    .bound = {.c0 = 1.0,
              .c_arg = 0.0,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "log-softmax in double, own 4-lane exp, log k + log1p(rest), rounded once",
    .output = SOFTMAX_OUT_LOG,
};
