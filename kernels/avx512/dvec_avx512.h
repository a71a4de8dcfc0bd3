/* avx512/dvec_avx512.h - the double-precision layer of the accurate kernels
 * (body/accurate.h) for AVX-512F: sbd_* over 8 doubles, loaded from and
 * stored to floats, and the exponential.
 *
 * exp(dd/T) s for lo <= dd <= 93 T (dd = x - ref, unscaled), s > 0 a scale
 * folded into the table: with c = 16 log2(e)/T, z = dd c + 1.5 2^52 in an
 * FMA, so z's low bits hold n = rint(16 dd log2(e)/T); g = dd c - n by a
 * second FMA (one rounding, |g| <= 1/2, no ln2 split: c carries the
 * constant); 2^(g/16) = 1 + g h(g), h of degree 3 fitted near-minimax with
 * mpmath.chebyfit (scripts are not needed to rebuild: the coefficients are
 * below), relative error 2^-37.5; t = 2^(j/16) s (j = n mod 16, vpermt2pd
 * over two registers) rounded once; 2^floor(n/16) added into t's exponent
 * field as an integer (exact: t is stored less j << 48, and z << 48 holds
 * n << 48 mod 2^64); t + t (g h) by one FMA. Relative error: 2^-37.5
 * (polynomial) + u (t) + u (the FMA) + about 0.03 u (h's roundings, scaled
 * by |g h| <= 0.022) + (ln2/16) 2 |dd c| u (c rounded twice moves g:
 * for the outputs that count, |dd/T| <= 120, |dd c| <= 2770, 2^-45.1):
 * under 2^-37.5 + 2^-41.4 < 2^-37.4, u = 2^-53.
 * The result is a normal double while n/16 >= -1022 + 64 (s >= 2^-64):
 * dd >= -600 T; callers clamp at -120 T (softmax) or -200 T (log).
 * Measured over every float32 dd in [-120, 93], T = 1 (make exhaustive;
 * docs/accuracy.md, "Exhaustive exponentials"): 2^-37.52 at -0x1.df65dep+6.
 */
#ifndef SB_AVX512_DLAYER_H
#define SB_AVX512_DLAYER_H

#include "vec_avx512.h"

typedef __m512d sbd;
#define SBD_W 8

static inline sbd sbd_set1(double a) { return _mm512_set1_pd(a); }
static inline sbd sbd_zero(void) { return _mm512_setzero_pd(); }
static inline sbd sbd_add(sbd a, sbd b) { return _mm512_add_pd(a, b); }
static inline sbd sbd_sub(sbd a, sbd b) { return _mm512_sub_pd(a, b); }
static inline sbd sbd_mul(sbd a, sbd b) { return _mm512_mul_pd(a, b); }
static inline sbd sbd_load(const float *p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
static inline sbd sbd_loadd(const double *p) { return _mm512_load_pd(p); }
static inline void sbd_stored(double *p, sbd v) { _mm512_store_pd(p, v); }
/* Rounded to float once. */
static inline void sbd_store(float *p, sbd v) { _mm256_storeu_ps(p, _mm512_cvtpd_ps(v)); }
static inline double sbd_hadd(sbd v) { return _mm512_reduce_add_pd(v); }
/* A float vector's low and high halves as doubles, and back. */
static inline sbd sbd_lo(sbv v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
static inline sbd sbd_hi(sbv v)
{
    return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}
static inline sbv sbd_pack(sbd lo, sbd hi)
{
    __m512d l = _mm512_castpd256_pd512(_mm256_castps_pd(_mm512_cvtpd_ps(lo)));
    return _mm512_castpd_ps(_mm512_insertf64x4(l, _mm256_castps_pd(_mm512_cvtpd_ps(hi)), 1));
}
/* Nonzero when a lane of a is above b's (NaN lanes are not). */
static inline int sbv_any_gt(sbv a, sbv b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ) != 0; }

#define SBD_H0 0x1.62e42fee4615fp-5
#define SBD_H1 0x1.ebfbdff78ad41p-11
#define SBD_H2 0x1.c6b3488206d06p-17
#define SBD_H3 0x1.3b2bfa0553142p-23
#define SBD_MAGIC 0x1.8p52

struct sbd_exp {
    sbd tlo, thi, c, mg, lo;
};

/* The constants for exp(dd/T) s, dd clamped at lo T. */
static inline void sbd_exp_init(struct sbd_exp *e, double T, double lo, double s)
{
    const __m512i j = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    const __m512d vs = _mm512_set1_pd(s);
    __m512i a = _mm512_castpd_si512(_mm512_mul_pd(_mm512_load_pd(sb_exp2_16), vs));
    __m512i b = _mm512_castpd_si512(_mm512_mul_pd(_mm512_load_pd(sb_exp2_16 + 8), vs));
    e->tlo = _mm512_castsi512_pd(_mm512_sub_epi64(a, _mm512_slli_epi64(j, 48)));
    e->thi = _mm512_castsi512_pd(
        _mm512_sub_epi64(b, _mm512_slli_epi64(_mm512_add_epi64(j, _mm512_set1_epi64(8)), 48)));
    e->c = _mm512_set1_pd(16.0 * 1.4426950408889634 / T);
    e->mg = _mm512_set1_pd(SBD_MAGIC);
    e->lo = _mm512_set1_pd(lo * T);
}

/* exp(max(dd, lo T)/T) s; a NaN dd gives NaN. */
static inline __attribute__((always_inline)) sbd sbd_exp(sbd dd, const struct sbd_exp *e)
{
    dd = _mm512_max_pd(e->lo, dd);
    __m512d z = _mm512_fmadd_pd(dd, e->c, e->mg);
    __m512d g = _mm512_fmsub_pd(dd, e->c, _mm512_sub_pd(z, e->mg));
    __m512i zi = _mm512_castpd_si512(z);
    __m512i ti = _mm512_permutex2var_epi64(_mm512_castpd_si512(e->tlo), zi,
                                           _mm512_castpd_si512(e->thi));
    __m512d t = _mm512_castsi512_pd(_mm512_add_epi64(ti, _mm512_slli_epi64(zi, 48)));
    __m512d q = _mm512_fmadd_pd(_mm512_set1_pd(SBD_H3), g, _mm512_set1_pd(SBD_H2));
    q = _mm512_fmadd_pd(q, g, _mm512_set1_pd(SBD_H1));
    q = _mm512_fmadd_pd(q, g, _mm512_set1_pd(SBD_H0));
    return _mm512_fmadd_pd(t, _mm512_mul_pd(q, g), t);
}

/* The log kernels' terms for one vector v of x: exp((v - m)/T) where
 * v != m and v - m > lo T (else 0), v == m counted into *k. */
static inline __attribute__((always_inline)) sbd sbd_log_term(sbd v, sbd m, const struct sbd_exp *e,
                                                              size_t *k)
{
    sbd dd = _mm512_sub_pd(v, m);
    __mmask8 eq = _mm512_cmp_pd_mask(v, m, _CMP_EQ_OQ);
    *k += (size_t)__builtin_popcount((unsigned)eq);
    __mmask8 keep = _mm512_cmp_pd_mask(dd, e->lo, _CMP_GT_OQ) & (__mmask8)~eq;
    return _mm512_maskz_mov_pd(keep, sbd_exp(dd, e));
}

/* One vector of log-softmax output: d - L rounded to float, d = (v - m) t,
 * one double lower where L vanished in the difference and the true log S
 * is positive (pos: sb_accurate_log_round). */
static inline void sbd_log_store(float *p, sbd v, sbd m, sbd t, sbd L, int pos)
{
    __m512d d = _mm512_mul_pd(_mm512_sub_pd(v, m), t);
    __m512d r = _mm512_sub_pd(d, L);
    __mmask8 fix = _mm512_cmp_pd_mask(r, d, _CMP_EQ_OQ) & (pos ? 0xff : 0) &
                   _mm512_cmp_pd_mask(r, _mm512_set1_pd(-INFINITY), _CMP_NEQ_OQ);
    /* the sign set first: r <= 0, and a +0 (x = max, L = 0 from dropped
     * terms) must step to -0's neighbour, as nextafter does */
    __m512i ri = _mm512_mask_or_epi64(_mm512_castpd_si512(r), fix, _mm512_castpd_si512(r),
                                      _mm512_set1_epi64((long long)0x8000000000000000ull));
    r = _mm512_castsi512_pd(_mm512_mask_add_epi64(ri, fix, ri, _mm512_set1_epi64(1)));
    _mm256_storeu_ps(p, _mm512_cvtpd_ps(r));
}

#endif
