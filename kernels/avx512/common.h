/* avx512/common.h - the vector layer for AVX-512F: the sbv_* operations the
 * algorithm bodies (kernels/body/) are written in, and the exponential.
 * Compiled only into files built with -mavx512f; nothing here is exported.
 *
 * exp(d): n = rint(d log2 e); r = d - n ln2 by two fused multiply-adds with
 * ln2 split in float (the product n*ln2_hi is exact inside the first FMA, so
 * r is rounded once: |error| <= u |r|, plus u |r| in the second and
 * |n| 2^-49 from the split); then a degree-6 polynomial on |r| <= ln2/2,
 * the Chebyshev interpolant of exp (made for softbench; relative error
 * 2.5e-9 = 0.04 u before its coefficients are rounded to float), by Horner
 * with FMAs (about 1 u); and the 2^n by vscalefps, which rounds once, also
 * into the subnormals. Total, derived: under 2u + 0.04u + |n| 2^-49, so at
 * most 2.5 ULP of the exponential's value for |d| <= 110; the kernels declare
 * 3 u for it. Shifted arguments are clamped at -110 (the result is 0 below
 * -104), which also maps -inf to 0.
 */
#ifndef SB_AVX512_COMMON_H
#define SB_AVX512_COMMON_H

#include <immintrin.h>

#include "../internal.h"

typedef __m512 sbv;
#define SBV_W 16

static inline sbv sbv_set1(float a) { return _mm512_set1_ps(a); }
static inline sbv sbv_zero(void) { return _mm512_setzero_ps(); }
static inline sbv sbv_loadu(const float *p) { return _mm512_loadu_ps(p); }
static inline void sbv_storeu(float *p, sbv v) { _mm512_storeu_ps(p, v); }
static inline void sbv_stream(float *p, sbv v) { _mm512_stream_ps(p, v); }
static inline sbv sbv_add(sbv a, sbv b) { return _mm512_add_ps(a, b); }
static inline sbv sbv_sub(sbv a, sbv b) { return _mm512_sub_ps(a, b); }
static inline sbv sbv_mul(sbv a, sbv b) { return _mm512_mul_ps(a, b); }
static inline sbv sbv_max(sbv a, sbv b) { return _mm512_max_ps(a, b); }
static inline sbv sbv_min(sbv a, sbv b) { return _mm512_min_ps(a, b); }
static inline float sbv_hadd(sbv a) { return _mm512_reduce_add_ps(a); }
static inline float sbv_hmax(sbv a) { return _mm512_reduce_max_ps(a); }
static inline float sbv_hmin(sbv a) { return _mm512_reduce_min_ps(a); }
/* Nonzero when a lane of a or b is NaN. */
static inline int sbv_unord(sbv a, sbv b) { return _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q) != 0; }
/* Nonzero when a lane of a is NaN or above c. */
static inline int sbv_above_or_nan(sbv a, sbv c) { return _mm512_cmp_ps_mask(a, c, _CMP_NLE_UQ) != 0; }

static inline __mmask16 sb512_mask(size_t k)
{
    return k >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << k) - 1u);
}
/* The first k lanes from p (k <= W), the others fill; nothing else is read. */
static inline sbv sbv_load_tail(const float *p, size_t k, float fill)
{
    return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), sb512_mask(k), p);
}
static inline void sbv_store_tail(float *p, size_t k, sbv v)
{
    _mm512_mask_storeu_ps(p, sb512_mask(k), v);
}
/* Lanes from k on replaced by fill. */
static inline sbv sbv_keep(sbv v, size_t k, float fill)
{
    return _mm512_mask_mov_ps(_mm512_set1_ps(fill), sb512_mask(k), v);
}
/* -inf lanes of v replaced by fill. */
static inline sbv sbv_unmask(sbv v, float fill)
{
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_set1_ps(-INFINITY), _CMP_EQ_OQ), v,
                                _mm512_set1_ps(fill));
}
/* v * 2^n for integral n <= 0, rounded once. */
static inline sbv sbv_ldexp(sbv v, sbv n) { return _mm512_scalef_ps(v, n); }

/* p(r) ~ exp(r) for |r| <= ln2/2, and n, for d = n ln2 + r. */
static inline sbv sbv_exp_split(sbv d, sbv *n)
{
    *n = _mm512_roundscale_ps(_mm512_mul_ps(d, _mm512_set1_ps(SB_EXP_LOG2E)),
                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(*n, _mm512_set1_ps(SB_EXP_LN2_HI), d);
    r = _mm512_fnmadd_ps(*n, _mm512_set1_ps(SB_EXP_LN2_LO), r);
    __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(SB_EXP_C6), r, _mm512_set1_ps(SB_EXP_C5));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SB_EXP_C4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SB_EXP_C3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SB_EXP_C2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SB_EXP_C1));
    return _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
}

/* exp(d) for -1e6 <= d <= 0 (a shifted argument known to be in range). */
static inline sbv sbv_exp_raw(sbv d)
{
    __m512 n, p = sbv_exp_split(d, &n);
    return _mm512_scalef_ps(p, n);
}

/* exp(d) for any d <= 0, -inf included. */
static inline sbv sbv_exp(sbv d) { return sbv_exp_raw(_mm512_max_ps(d, _mm512_set1_ps(-110.0f))); }

#endif
