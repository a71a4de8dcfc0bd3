/* avx2.accurate - scalar.accurate's method in AVX2 with FMA: every step
 * before the final rounding to float in double precision, 4 lanes, with an
 * exponential of our own; faithful (1 ULP) and almost always correctly
 * rounded.
 *
 * exp(d) for -120 <= d <= 0, in double: n = rint(d log2 e) by a magic-number
 * add inside an FMA; r = d - n ln2 by two FMAs with ln2 split so that
 * n*ln2_hi is exact (|n| < 2^8); exp(r), |r| <= ln2/2, by its Taylor
 * polynomial of degree 11 (truncation |r|^12/12! <= 6.4e-15 = 2^-47.1
 * relative) in Horner form (a few 2^-53 more); 2^n added into the exponent
 * field as an integer (the result is a normal double: 2^-174 at the least).
 * Under 2^-46.9 relative.
 *
 * Bound, relative errors, u = 2^-53: d = (x_i - max) * (1/T): three
 * roundings, |delta d| <= 3u|d| <= 312u = 2^-44.7 for an output that does
 * not underflow (d >= -104); exp 2^-46.9; the sum: 16 terms per accumulator
 * per block, 4 folds, then a pairwise cascade of blocks: under 64u for
 * n < 2^32; 1/S and the product 2u. Total under 2^-44.2 before the rounding
 * to float, 2^-20.2 of a float ulp: faithful (bound 1 ULP), and correctly
 * rounded except within 2^-20.2 ulp of a midpoint. Arguments below -120 (and
 * -inf) are clamped there: exp(-120) changes S by under 2^-142 relative and
 * rounds to +0.
 *
 * Tails (n mod 4) are done by the scalar formula in double with libm's exp,
 * so nothing past x[n-1] is read. Edges: NaN, +inf, all -inf and T = +inf go
 * to sb_edge.
 */
#include <immintrin.h>

#include "../internal.h"

#define LOG2E 1.4426950408889634
#define LN2_HI 0x1.62e42fee00000p-1
#define LN2_LO 0x1.a39ef35793c76p-33
#define MAGIC 0x1.8p52

/* exp(d) for -120 <= d <= 0. */
static inline __m256d exp_pd(__m256d d)
{
    __m256d z = _mm256_fmadd_pd(d, _mm256_set1_pd(LOG2E), _mm256_set1_pd(MAGIC));
    __m256d n = _mm256_sub_pd(z, _mm256_set1_pd(MAGIC));
    __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(LN2_HI), d);
    r = _mm256_fnmadd_pd(n, _mm256_set1_pd(LN2_LO), r);
    /* 1/k! for k = 11 down to 1, Horner */
    static const double c[11] = {1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320,
                                 1.0 / 5040,     1.0 / 720,     1.0 / 120,    1.0 / 24,
                                 1.0 / 6,        0.5,           1.0};
    __m256d p = _mm256_set1_pd(c[0]);
    for (int k = 1; k < 11; k++)
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(c[k]));
    p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));
    /* n is integral and small: its two's complement sits in z's low bits */
    __m256i k = _mm256_sub_epi64(_mm256_castpd_si256(z), _mm256_castpd_si256(_mm256_set1_pd(MAGIC)));
    return _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(p), _mm256_slli_epi64(k, 52)));
}

/* (x - m) * t, clamped at -120, for 4 floats. */
static inline __m256d arg_pd(const float *x, __m256d m, __m256d t)
{
    __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(x));
    return _mm256_max_pd(_mm256_mul_pd(_mm256_sub_pd(v, m), t), _mm256_set1_pd(-120.0));
}

#define BLOCK 256 /* elements: 16 vectors per accumulator */

static double hadd(__m256d v)
{
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

/* The max; 0 when the contract decides (a NaN, no finite entry). */
static int max_of(const float *x, size_t n, float *out)
{
    __m256 vm = _mm256_set1_ps(-INFINITY);
    int nan = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        nan |= _mm256_movemask_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q)) != 0;
        vm = _mm256_max_ps(vm, v);
    }
    float lanes[8], m = -INFINITY;
    _mm256_storeu_ps(lanes, vm);
    for (int j = 0; j < 8; j++)
        m = lanes[j] > m ? lanes[j] : m;
    for (; i < n; i++) {
        nan |= x[i] != x[i];
        m = x[i] > m ? x[i] : m;
    }
    *out = m;
    return !nan && isfinite(m);
}

static int accurate(const float *x, float *y, size_t n, float T)
{
    int st;
    if (sb_prologue(x, y, n, T, &st))
        return st;
    float m;
    if (!max_of(x, n, &m)) {
        sb_edge(x, y, n, T);
        return SOFTMAX_OK;
    }
    size_t i;
    const double dm = m, dt = 1.0 / (double)T;
    const __m256d pm = _mm256_set1_pd(dm), pt = _mm256_set1_pd(dt);
    struct sb_dcascade c = {.count = 0};
    size_t full = n / 4 * 4;
    for (size_t b = 0; b < full; b += BLOCK) {
        size_t end = full - b < BLOCK ? full : b + BLOCK;
        __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
        for (i = b; i + 16 <= end; i += 16) {
            s0 = _mm256_add_pd(s0, exp_pd(arg_pd(x + i, pm, pt)));
            s1 = _mm256_add_pd(s1, exp_pd(arg_pd(x + i + 4, pm, pt)));
            s2 = _mm256_add_pd(s2, exp_pd(arg_pd(x + i + 8, pm, pt)));
            s3 = _mm256_add_pd(s3, exp_pd(arg_pd(x + i + 12, pm, pt)));
        }
        for (; i < end; i += 4)
            s0 = _mm256_add_pd(s0, exp_pd(arg_pd(x + i, pm, pt)));
        sb_dcascade_push(&c, hadd(_mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3))));
    }
    sb_dcascade_push(&c, sb_accurate_tail_sum(x, full, n, dm, dt));
    const double inv = 1.0 / sb_dcascade_total(&c);
    const __m256d pinv = _mm256_set1_pd(inv);
    for (i = 0; i < full; i += 4)
        _mm_storeu_ps(y + i, _mm256_cvtpd_ps(_mm256_mul_pd(exp_pd(arg_pd(x + i, pm, pt)), pinv)));
    sb_accurate_tail_out(x, y, full, n, dm, dt, inv);
    return SOFTMAX_OK;
}

/* One vector's terms for the log kernel: exp(d) where x != max and
 * d > -200, else 0; the max's entries counted in *k. */
static inline __m256d log_terms(const float *x, __m256d m, __m256d t, size_t *k)
{
    __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(x)), d = _mm256_mul_pd(_mm256_sub_pd(v, m), t);
    __m256d lo = _mm256_set1_pd(SB_ACCURATE_LOG_LO);
    __m256d eq = _mm256_cmp_pd(v, m, _CMP_EQ_OQ);
    *k += (size_t)__builtin_popcount((unsigned)_mm256_movemask_pd(eq));
    __m256d keep = _mm256_andnot_pd(eq, _mm256_cmp_pd(d, lo, _CMP_GT_OQ));
    return _mm256_and_pd(keep, exp_pd(_mm256_max_pd(d, lo)));
}

/* log-softmax, every step in double, rounded once: y_i = -(|d_i| + log S)
 * with log S = log k + log1p(R/k) (scalar/accurate.c), R's terms from the
 * exponential above (2^-46.9 relative). The same error budget as
 * scalar.log_accurate: faithful, bound 1 ULP. */
static int log_accurate(const float *x, float *y, size_t n, float T)
{
    int st;
    float m;
    if (sb_log_prologue(x, y, n, T, &st))
        return st;
    if (!max_of(x, n, &m)) {
        sb_edge_log(x, y, n, T);
        return SOFTMAX_OK;
    }
    const double dm = m, dt = 1.0 / (double)T;
    const __m256d pm = _mm256_set1_pd(dm), pt = _mm256_set1_pd(dt);
    struct sb_dcascade c = {.count = 0};
    size_t full = n / 4 * 4, k = 0, i;
    for (size_t b = 0; b < full; b += BLOCK) {
        size_t end = full - b < BLOCK ? full : b + BLOCK;
        __m256d s0 = _mm256_setzero_pd(), s1 = s0;
        for (i = b; i + 8 <= end; i += 8) {
            s0 = _mm256_add_pd(s0, log_terms(x + i, pm, pt, &k));
            s1 = _mm256_add_pd(s1, log_terms(x + i + 4, pm, pt, &k));
        }
        for (; i < end; i += 4)
            s0 = _mm256_add_pd(s0, log_terms(x + i, pm, pt, &k));
        sb_dcascade_push(&c, hadd(_mm256_add_pd(s0, s1)));
    }
    sb_dcascade_push(&c, sb_accurate_log_tail_sum(x, full, n, m, dt, &k));
    const double R = sb_dcascade_total(&c), L = sb_accurate_log_sum(k, R);
    const int pos = sb_accurate_log_positive(x, n, m, k, R);
    const __m256d pL = _mm256_set1_pd(L);
    /* sb_accurate_log_round: where log S > 0 vanished in d - L, one double
     * lower (the bits of a negative double plus 1) */
    const __m256d lost = pos ? _mm256_castsi256_pd(_mm256_set1_epi64x(-1)) : _mm256_setzero_pd();
    for (i = 0; i < full; i += 4) {
        __m256d d = _mm256_mul_pd(_mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i)), pm), pt);
        __m256d v = _mm256_sub_pd(d, pL);
        __m256d eq = _mm256_and_pd(_mm256_cmp_pd(v, d, _CMP_EQ_OQ),
                                   _mm256_cmp_pd(v, _mm256_set1_pd(-INFINITY), _CMP_NEQ_OQ));
        __m256i fix = _mm256_castpd_si256(_mm256_and_pd(eq, lost));
        /* the sign set first: v <= 0, and a +0 (x = max, L = 0 from
         * dropped terms) must step to -0's neighbour, as nextafter does */
        v = _mm256_or_pd(v, _mm256_and_pd(_mm256_castsi256_pd(fix), _mm256_set1_pd(-0.0)));
        v = _mm256_castsi256_pd(_mm256_sub_epi64(_mm256_castpd_si256(v), fix));
        _mm_storeu_ps(y + i, _mm256_cvtpd_ps(v));
    }
    sb_accurate_log_tail_out(x, y, full, n, dm, dt, L, pos);
    return SOFTMAX_OK;
}

const struct softmax_kernel sb_kernel_avx2_accurate = {
    .name = "avx2.accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_AVX2,
    .fn = accurate,
    .safe = 1,
    .bound = {.c0 = 1.0, .c_arg = 0.0, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "double-precision internals, own 4-lane exp (degree 11), rounded once",
};

const struct softmax_kernel sb_kernel_avx2_log_accurate = {
    .name = "avx2.log_accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_AVX2,
    .fn = log_accurate,
    .safe = 1,
    .bound = {.c0 = 1.0, .c_arg = 0.0, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "log-softmax in double, own 4-lane exp, log k + log1p(rest), rounded once",
    .output = SOFTMAX_OUT_LOG,
};
