/* avx2/dvec_avx2.h - the double-precision layer of the accurate kernels
 * (body/accurate.h) for AVX2 with FMA: sbd_* over 4 doubles, loaded from
 * and stored to floats, and the exponential.
 *
 * exp(dd/T) s for lo <= dd <= 93 T (dd = x - ref, unscaled), s > 0: AVX2
 * has no 64-bit variable permute, so no table: with c = log2(e)/T,
 * z = dd c + 1.5 2^52 in an FMA, whose low bits hold n = rint(dd log2(e)/T);
 * g = dd c - n by a second FMA (one rounding, |g| <= 1/2); 2^g s =
 * s + g (s h(g)), h of degree 7 fitted near-minimax with mpmath.chebyfit
 * (relative error 2^-38.8), its coefficients multiplied by s once per
 * call (a rounding each, on terms under 0.35 of the result); 2^n added into
 * the exponent field as an integer (exact). Relative error: 2^-38.8 + about
 * 2u (the roundings) + ln2 2 |dd c| u (c rounded twice moves g: 2^-45 for
 * |dd/T| <= 120) < 2^-38.6, u = 2^-53. The result is a normal double while
 * n >= -1022 + 64 (s >= 2^-64); callers clamp at -120 T (softmax) or -200 T
 * (log); |n| < 2^11 keeps z << 52 equal to n << 52.
 * Measured over every float32 dd in [-120, 93], T = 1 (make exhaustive;
 * docs/accuracy.md, "Exhaustive exponentials"): 2^-38.77 at -0x1.bd002p+6.
 */
#ifndef SB_AVX2_DLAYER_H
#define SB_AVX2_DLAYER_H

#include "vec_avx2.h"

typedef __m256d sbd;
#define SBD_W 4

static inline sbd sbd_set1(double a) { return _mm256_set1_pd(a); }
static inline sbd sbd_zero(void) { return _mm256_setzero_pd(); }
static inline sbd sbd_add(sbd a, sbd b) { return _mm256_add_pd(a, b); }
static inline sbd sbd_sub(sbd a, sbd b) { return _mm256_sub_pd(a, b); }
static inline sbd sbd_mul(sbd a, sbd b) { return _mm256_mul_pd(a, b); }
static inline sbd sbd_load(const float *p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
static inline sbd sbd_loadd(const double *p) { return _mm256_load_pd(p); }
static inline void sbd_stored(double *p, sbd v) { _mm256_store_pd(p, v); }
/* Rounded to float once. */
static inline void sbd_store(float *p, sbd v) { _mm_storeu_ps(p, _mm256_cvtpd_ps(v)); }
static inline double sbd_hadd(sbd v)
{
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
/* A float vector's low and high halves as doubles, and back. */
static inline sbd sbd_lo(sbv v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
static inline sbd sbd_hi(sbv v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
static inline sbv sbd_pack(sbd lo, sbd hi)
{
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)), _mm256_cvtpd_ps(hi),
                                1);
}
/* Nonzero when a lane of a is above b's (NaN lanes are not). */
static inline int sbv_any_gt(sbv a, sbv b)
{
    return _mm256_movemask_ps(_mm256_cmp_ps(a, b, _CMP_GT_OQ));
}

/* h(g) = (2^g - 1)/g, highest degree first. */
static const double sbd_h[8] = {SB_EXP2_H};
#define SBD_MAGIC 0x1.8p52

struct sbd_exp {
    sbd h[8], s, c, mg, lo;
};

/* The constants for exp(dd/T) s, dd clamped at lo T. */
static inline void sbd_exp_init(struct sbd_exp *e, double T, double lo, double s)
{
    for (int i = 0; i < 8; i++)
        e->h[i] = _mm256_set1_pd(sbd_h[i] * s);
    e->s = _mm256_set1_pd(s);
    e->c = _mm256_set1_pd(1.4426950408889634 / T);
    e->mg = _mm256_set1_pd(SBD_MAGIC);
    e->lo = _mm256_set1_pd(lo * T);
}

/* exp(max(dd, lo T)/T) s; a NaN dd gives NaN. */
static inline __attribute__((always_inline)) sbd sbd_exp(sbd dd, const struct sbd_exp *e)
{
    dd = _mm256_max_pd(e->lo, dd);
    __m256d z = _mm256_fmadd_pd(dd, e->c, e->mg);
    __m256d g = _mm256_fmsub_pd(dd, e->c, _mm256_sub_pd(z, e->mg));
    __m256d q = _mm256_fmadd_pd(e->h[0], g, e->h[1]);
    for (int i = 2; i < 8; i++)
        q = _mm256_fmadd_pd(q, g, e->h[i]);
    __m256d p = _mm256_fmadd_pd(q, g, e->s);
    return _mm256_castsi256_pd(
        _mm256_add_epi64(_mm256_castpd_si256(p), _mm256_slli_epi64(_mm256_castpd_si256(z), 52)));
}

/* The log kernels' terms for one vector v of x: exp((v - m)/T) where
 * v != m and v - m > lo T (else 0), v == m counted into *k. */
static inline __attribute__((always_inline)) sbd sbd_log_term(sbd v, sbd m, const struct sbd_exp *e,
                                                              size_t *k)
{
    __m256d dd = _mm256_sub_pd(v, m), eq = _mm256_cmp_pd(v, m, _CMP_EQ_OQ);
    *k += (size_t)__builtin_popcount((unsigned)_mm256_movemask_pd(eq));
    __m256d keep = _mm256_andnot_pd(eq, _mm256_cmp_pd(dd, e->lo, _CMP_GT_OQ));
    return _mm256_and_pd(keep, sbd_exp(dd, e));
}

/* One vector of log-softmax output: d - L rounded to float, d = (v - m) t,
 * one double lower where L vanished in the difference and the true log S
 * is positive (pos: sb_accurate_log_round). */
static inline void sbd_log_store(float *p, sbd v, sbd m, sbd t, sbd L, int pos)
{
    __m256d d = _mm256_mul_pd(_mm256_sub_pd(v, m), t);
    __m256d r = _mm256_sub_pd(d, L);
    __m256d eq = _mm256_and_pd(_mm256_cmp_pd(r, d, _CMP_EQ_OQ),
                               _mm256_cmp_pd(r, _mm256_set1_pd(-INFINITY), _CMP_NEQ_OQ));
    __m256i fix = _mm256_castpd_si256(pos ? eq : _mm256_setzero_pd());
    /* the sign set first: r <= 0, and a +0 (x = max, L = 0 from dropped
     * terms) must step to -0's neighbour, as nextafter does */
    r = _mm256_or_pd(r, _mm256_and_pd(_mm256_castsi256_pd(fix), _mm256_set1_pd(-0.0)));
    r = _mm256_castsi256_pd(_mm256_sub_epi64(_mm256_castpd_si256(r), fix));
    _mm_storeu_ps(p, _mm256_cvtpd_ps(r));
}

#endif
