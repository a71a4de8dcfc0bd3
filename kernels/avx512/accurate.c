/* avx512.accurate - scalar.accurate's method in AVX-512F: every step before
 * the final rounding to float in double precision, 8 lanes, with an
 * exponential of our own, so that the result is faithful (1 ULP) and almost
 * always correctly rounded, at a price close to the float kernels' once
 * memory bound.
 *
 * exp(d) for -120 <= d <= 0, in double: n = rint(8 d log2 e) by a
 * magic-number add inside an FMA, its low three bits the index of a table of
 * 2^(j/8) (vpermq), r = d - n ln2/8 by two FMAs with ln2 split so that
 * n*ln2_hi is exact (|n| < 2^12, ln2_hi has 32 significant bits), |r| <=
 * ln2/16; exp(r) by its Taylor polynomial of degree 5 (truncation r^6/720 <=
 * 9.3e-12 = 2^-36.6 relative); the table entry rounded (2^-53), the
 * polynomial's roundings (a few 2^-53) and the power of two, added into the
 * entry's exponent field as an integer (exact). Under 2^-36.5 relative.
 *
 * Bound, relative errors, u = 2^-53: d = (x_i - max) * (1/T): 1/T, the
 * difference (exact unless the exponents are 29 apart) and the product
 * round, |delta d| <= 3u|d| <= 360u for an output that does not underflow
 * (d >= -104); exp 2^-36.5; the sum: 16 terms per accumulator per block, 5
 * folds, then a pairwise cascade of blocks: under 64u for n < 2^32; 1/S and
 * the product 2u. Total under 2^-36.4 before the rounding to float, 2^-12.4
 * of a float ulp: faithful (bound 1 ULP, as scalar.accurate), and correctly
 * rounded except within 2^-12.4 ulp of a midpoint (about 1 element in
 * 2^11.4 at worst). Arguments below -120 (and -inf) are clamped there:
 * exp(-120) = 7.7e-53 changes S by under 2^-142 relative and rounds to +0.
 *
 * Tails (n mod 8) are done by the scalar formula in double with libm's exp,
 * which is more accurate still, so nothing past x[n-1] is read. Edges: NaN,
 * +inf, all -inf and T = +inf go to sb_edge.
 */
#include <immintrin.h>
#include <stdlib.h>

#include "../internal.h"

/* 2^(j/8) with j << 49 taken from its bits: adding z << 49, whose low bits
 * hold n = 8k + j, then puts k into the exponent field and cancels j, so the
 * entry comes out as 2^(j/8) 2^k, exact (a normal double for d >= -200:
 * k >= -289), with no vscalefpd and no multiply by 1/8. */
static const uint64_t tab8[8] __attribute__((aligned(64))) = {
    0x3ff0000000000000, 0x3fef72b83c7d517b, 0x3fef06fe0a31b715, 0x3feebfdad5362a27,
    0x3feea09e667f3bcd, 0x3feeace5422aa0db, 0x3feee89f995ad3ad, 0x3fef5818dcfba487,
};
#define LOG2E8 (8.0 * 1.4426950408889634)
#define LN2_HI8 (0x1.62e42fee00000p-1 / 8.0)
#define LN2_LO8 (0x1.a39ef35793c76p-33 / 8.0)
#define MAGIC 0x1.8p52

/* exp(d) for -200 <= d <= 0. */
static inline __m512d exp_pd(__m512d d)
{
    __m512d z = _mm512_fmadd_pd(d, _mm512_set1_pd(LOG2E8), _mm512_set1_pd(MAGIC));
    __m512d n = _mm512_sub_pd(z, _mm512_set1_pd(MAGIC));
    __m512d r = _mm512_fnmadd_pd(n, _mm512_set1_pd(LN2_HI8), d);
    r = _mm512_fnmadd_pd(n, _mm512_set1_pd(LN2_LO8), r);
    __m512i zi = _mm512_castpd_si512(z);
    __m512i ti = _mm512_permutexvar_epi64(zi, _mm512_load_si512(tab8));
    __m512d t = _mm512_castsi512_pd(_mm512_add_epi64(ti, _mm512_slli_epi64(zi, 49)));
    /* q = exp(r) - 1 = r (1 + r/2 + r^2/6 + r^3/24 + r^4/120) */
    __m512d q = _mm512_fmadd_pd(_mm512_set1_pd(1.0 / 120), r, _mm512_set1_pd(1.0 / 24));
    q = _mm512_fmadd_pd(q, r, _mm512_set1_pd(1.0 / 6));
    q = _mm512_fmadd_pd(q, r, _mm512_set1_pd(0.5));
    q = _mm512_fmadd_pd(q, r, _mm512_set1_pd(1.0));
    q = _mm512_mul_pd(q, r);
    return _mm512_fmadd_pd(t, q, t);
}

/* (x - m) * t, clamped at -120, for 8 floats. */
static inline __m512d arg_pd(const float *x, __m512d m, __m512d t)
{
    __m512d v = _mm512_cvtps_pd(_mm256_loadu_ps(x));
    return _mm512_max_pd(_mm512_mul_pd(_mm512_sub_pd(v, m), t), _mm512_set1_pd(-120.0));
}

#define BLOCK 512 /* elements: 16 vectors per accumulator */
#define KEEP_MAX ((size_t)1 << 20) /* elements whose terms are kept: 8 MB */
#define KEEP_STACK 2048            /* of them on the stack: 16 KB */

/* The max; 0 when the contract decides (a NaN, no finite entry). */
static int max_of(const float *x, size_t n, float *out)
{
    __m512 vm = _mm512_set1_ps(-INFINITY);
    int nan = 0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q) != 0;
        vm = _mm512_max_ps(vm, v);
    }
    float m = _mm512_reduce_max_ps(vm);
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
    const __m512d pm = _mm512_set1_pd(dm), pt = _mm512_set1_pd(dt);
    struct sb_dcascade c = {.count = 0};
    size_t full = n / 8 * 8;
    /* Up to KEEP_MAX the terms are kept (8 bytes each, in a buffer of our
     * own: 16 KB on the stack, so that small calls stay free of malloc and
     * its varying cost, else the heap), so each costs one exponential;
     * beyond, or if the buffer cannot be had, the output pass evaluates it
     * again. */
    double stackbuf[KEEP_STACK] __attribute__((aligned(64)));
    double *keep = NULL;
    if (full > 0 && full <= KEEP_STACK)
        keep = stackbuf;
    else if (full > 0 && full <= KEEP_MAX)
        keep = aligned_alloc(64, (full * sizeof(double) + 63) / 64 * 64);
    for (size_t b = 0; b < full; b += BLOCK) {
        size_t end = full - b < BLOCK ? full : b + BLOCK;
        __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
        if (keep != NULL) {
            for (i = b; i + 32 <= end; i += 32) {
                __m512d e0 = exp_pd(arg_pd(x + i, pm, pt)), e1 = exp_pd(arg_pd(x + i + 8, pm, pt));
                __m512d e2 = exp_pd(arg_pd(x + i + 16, pm, pt)), e3 = exp_pd(arg_pd(x + i + 24, pm, pt));
                _mm512_store_pd(keep + i, e0);
                _mm512_store_pd(keep + i + 8, e1);
                _mm512_store_pd(keep + i + 16, e2);
                _mm512_store_pd(keep + i + 24, e3);
                s0 = _mm512_add_pd(s0, e0);
                s1 = _mm512_add_pd(s1, e1);
                s2 = _mm512_add_pd(s2, e2);
                s3 = _mm512_add_pd(s3, e3);
            }
            for (; i < end; i += 8) {
                __m512d e = exp_pd(arg_pd(x + i, pm, pt));
                _mm512_store_pd(keep + i, e);
                s0 = _mm512_add_pd(s0, e);
            }
        } else {
            for (i = b; i + 32 <= end; i += 32) {
                s0 = _mm512_add_pd(s0, exp_pd(arg_pd(x + i, pm, pt)));
                s1 = _mm512_add_pd(s1, exp_pd(arg_pd(x + i + 8, pm, pt)));
                s2 = _mm512_add_pd(s2, exp_pd(arg_pd(x + i + 16, pm, pt)));
                s3 = _mm512_add_pd(s3, exp_pd(arg_pd(x + i + 24, pm, pt)));
            }
            for (; i < end; i += 8)
                s0 = _mm512_add_pd(s0, exp_pd(arg_pd(x + i, pm, pt)));
        }
        sb_dcascade_push(&c, _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3))));
    }
    sb_dcascade_push(&c, sb_accurate_tail_sum(x, full, n, dm, dt));
    const double inv = 1.0 / sb_dcascade_total(&c);
    const __m512d pinv = _mm512_set1_pd(inv);
    if (keep != NULL)
        for (i = 0; i < full; i += 8)
            _mm256_storeu_ps(y + i, _mm512_cvtpd_ps(_mm512_mul_pd(_mm512_load_pd(keep + i), pinv)));
    else
        for (i = 0; i < full; i += 8)
            _mm256_storeu_ps(y + i,
                             _mm512_cvtpd_ps(_mm512_mul_pd(exp_pd(arg_pd(x + i, pm, pt)), pinv)));
    if (keep != stackbuf)
        free(keep);
    sb_accurate_tail_out(x, y, full, n, dm, dt, inv);
    return SOFTMAX_OK;
}

/* One vector's terms for the log kernel: exp(d) where x != max and
 * d > -200, else 0 (the exponential holds there: |n| <= 2308 keeps
 * n ln2_hi/8 exact, and the integer exponent add reaches 2^-289); the max's entries
 * counted in *k. */
static inline __m512d log_terms(const float *x, __m512d m, __m512d t, size_t *k)
{
    __m512d v = _mm512_cvtps_pd(_mm256_loadu_ps(x)), d = _mm512_mul_pd(_mm512_sub_pd(v, m), t);
    __m512d lo = _mm512_set1_pd(SB_ACCURATE_LOG_LO);
    __mmask8 eq = _mm512_cmp_pd_mask(v, m, _CMP_EQ_OQ);
    *k += (size_t)__builtin_popcount((unsigned)eq);
    __mmask8 keep = _mm512_cmp_pd_mask(d, lo, _CMP_GT_OQ) & (__mmask8)~eq;
    return _mm512_maskz_mov_pd(keep, exp_pd(_mm512_max_pd(d, lo)));
}

/* log-softmax, every step in double, rounded once: y_i = -(|d_i| + log S)
 * with log S = log k + log1p(R/k) (scalar/accurate.c), R's terms from the
 * exponential above (2^-36.5 relative, which log1p does not amplify): under
 * 2^-36 before the rounding to float, faithful, bound 1 ULP. */
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
    const __m512d pm = _mm512_set1_pd(dm), pt = _mm512_set1_pd(dt);
    struct sb_dcascade c = {.count = 0};
    size_t full = n / 8 * 8, k = 0, i;
    for (size_t b = 0; b < full; b += BLOCK) {
        size_t end = full - b < BLOCK ? full : b + BLOCK;
        __m512d s0 = _mm512_setzero_pd(), s1 = s0;
        for (i = b; i + 16 <= end; i += 16) {
            s0 = _mm512_add_pd(s0, log_terms(x + i, pm, pt, &k));
            s1 = _mm512_add_pd(s1, log_terms(x + i + 8, pm, pt, &k));
        }
        for (; i < end; i += 8)
            s0 = _mm512_add_pd(s0, log_terms(x + i, pm, pt, &k));
        sb_dcascade_push(&c, _mm512_reduce_add_pd(_mm512_add_pd(s0, s1)));
    }
    sb_dcascade_push(&c, sb_accurate_log_tail_sum(x, full, n, m, dt, &k));
    const double R = sb_dcascade_total(&c), L = sb_accurate_log_sum(k, R);
    const int pos = sb_accurate_log_positive(x, n, m, k, R);
    const __m512d pL = _mm512_set1_pd(L);
    /* sb_accurate_log_round: where log S > 0 vanished in d - L, one double
     * lower (the bits of a negative double plus 1) */
    const __mmask8 lost = pos ? 0xff : 0;
    for (i = 0; i < full; i += 8) {
        __m512d d = _mm512_mul_pd(_mm512_sub_pd(_mm512_cvtps_pd(_mm256_loadu_ps(x + i)), pm), pt);
        __m512d v = _mm512_sub_pd(d, pL);
        __mmask8 fix = _mm512_cmp_pd_mask(v, d, _CMP_EQ_OQ) & lost &
                       _mm512_cmp_pd_mask(v, _mm512_set1_pd(-INFINITY), _CMP_NEQ_OQ);
        /* the sign set first: v <= 0, and a +0 (x = max, L = 0 from
         * dropped terms) must step to -0's neighbour, as nextafter does */
        __m512i vi = _mm512_mask_or_epi64(_mm512_castpd_si512(v), fix, _mm512_castpd_si512(v),
                                          _mm512_set1_epi64((long long)0x8000000000000000ull));
        v = _mm512_castsi512_pd(_mm512_mask_add_epi64(vi, fix, vi, _mm512_set1_epi64(1)));
        _mm256_storeu_ps(y + i, _mm512_cvtpd_ps(v));
    }
    sb_accurate_log_tail_out(x, y, full, n, dm, dt, L, pos);
    return SOFTMAX_OK;
}

const struct softmax_kernel sb_kernel_avx512_accurate = {
    .name = "avx512.accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_AVX512,
    .fn = accurate,
    .safe = 1,
    .bound = {.c0 = 1.0, .c_arg = 0.0, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "double-precision internals, own 8-lane exp (table of 8, degree 5), rounded once",
};

const struct softmax_kernel sb_kernel_avx512_log_accurate = {
    .name = "avx512.log_accurate",
    .algorithm = "accurate",
    .isa = SOFTMAX_ISA_AVX512,
    .fn = log_accurate,
    .safe = 1,
    .bound = {.c0 = 1.0, .c_arg = 0.0, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 0.0,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "log-softmax in double, own 8-lane exp, log k + log1p(rest), rounded once",
    .output = SOFTMAX_OUT_LOG,
};
