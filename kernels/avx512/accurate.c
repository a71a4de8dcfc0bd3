/* avx512.accurate - scalar.accurate's method in AVX-512F: every step before
 * the final rounding to float in double precision, 8 lanes, with the
 * exponential of avx512/dvec_avx512.h (a table of 16 and degree 4: 2^-37.4
 * relative), so that the result is faithful (1 ULP) and almost always
 * correctly rounded. The algorithm is body/accurate.h's: three passes with
 * the terms kept up to 2048 elements, two passes beyond (a trailing
 * per-lane reference, rescaled rarely), as the float two-pass kernel reads
 * memory.
 *
 * Bound, relative errors, u = 2^-53, e = 2^-37.4 the exponential's:
 * the argument x - R (R the reference: m, or the trailing one) is exact in
 * double unless the exponents are 29 apart, else within u, which moves the
 * exponential by |d| u <= 2^-46 where an output counts (d >= -120); each
 * term of S carries its exponential (e), one effective rescale (e: a sum
 * rescaled twice is under n e^-32 of S) and the merge against m (e; exactly
 * 1 for the lanes whose reference is m); the additions: 127 terms per
 * accumulator per chunk of 4096, n/4096 chunk totals per lane, then the
 * merge, 3 folds and the tail: (135 + n/4096) u, 2^-41 at n = 2^24. So S is
 * within 3e + 2^-41 = 2^-35.7 up to n = 2^24 (2^-35.6 up to 2^28). The
 * output: its exponential (e, the table scaled by 1/S) and 1/S (u):
 * 2^-37.4. Total under 2^-35.2 before the rounding to float (the kept form,
 * n <= 2048: e + 70u + 2u = 2^-37.3), 2^-11.2 of a float ulp: faithful (bound
 * 1 ULP), and correctly rounded except within 2^-11.2 ulp of a midpoint.
 * Arguments below -120 (and -inf) are clamped there: e^-120 = 2^-173
 * changes S by under n 2^-173 relative and rounds to +0.
 *
 * Tails (n mod 8, or mod 16 in pass 1) are done by the scalar formula in
 * double with libm's exp, so nothing past x[n-1] is read. Edges: NaN, +inf,
 * all -inf and T = +inf go to sb_edge.
 */
#include "dvec_avx512.h"

#include "../body/accurate.h"

const struct softmax_kernel sb_kernel_avx512_accurate = {
    .name = "avx512.accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_AVX512,
    .fn = sbd_accurate,
    .safe = 1,
    .bound = {.c0 = 1.0,
              .c_arg = 0.0,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "double-precision internals, own 8-lane exp (table of 16, degree 4), two passes, "
               "rounded once",
};

const struct softmax_kernel sb_kernel_avx512_log_accurate = {
    .name = "avx512.log_accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_AVX512,
    .fn = sbd_log_accurate,
    .safe = 1,
    .bound = {.c0 = 1.0,
              .c_arg = 0.0,
              .arg = SOFTMAX_ARG_SHIFTED,
              .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "log-softmax in double, own 8-lane exp, log k + log1p(rest), rounded once",
    .output = SOFTMAX_OUT_LOG,
};
