/* avx2/vec_avx2.h - the vector layer for AVX2 with FMA: the same sbv_*
 * operations as avx512/vec_avx512.h over 8 lanes, and the polynomial
 * exponential that the NEON and SVE layers share operation for operation.
 *
 * exp(d), d <= 0: n = rint(d log2 e); r = d - n ln2 by two fused
 * multiply-adds with ln2 split in float (SB_EXP_LN2_HI has few enough bits
 * that n ln2_hi is exact inside the first FMA, so r is rounded once:
 * |error| <= u |r|, plus u |r| in the second and |n| 2^-49 from the split);
 * then a degree-6 polynomial on |r| <= ln2/2 (SB_EXP_C1..C6 in internal.h),
 * the Chebyshev interpolant of exp (made for softbench; relative error
 * 2.5e-9 = 0.04 u before its coefficients are rounded to float), by Horner
 * with FMAs (about 1 u). AVX2 has no vscalefps: 2^n is built in the
 * exponent field, one exact power-of-two factor while n >= -126, else two,
 * 2^n1 2^n2 with p 2^n1 still normal, so that a result in the subnormals
 * is rounded once (sbv_ldexp). Total, derived: under 2u + 0.04u + |n| 2^-49,
 * so at most 2.5 ULP of the exponential's value for |d| <= 110; the kernels
 * declare 3 u for it. Shifted arguments are clamped at -110 (the result is
 * 0 below -104), which also maps -inf to 0. (AVX-512 has a table
 * exponential of its own: avx512/vec_avx512.h.)
 *
 * Tails use vmaskmovps, which suppresses faults on the lanes it skips.
 * Measured over every float32 argument (make exhaustive; docs/accuracy.md,
 * "Exhaustive exponentials"): sbv_exp 1.077 ULP at -0x1.da1b5ap+5, the
 * split's p 1.435 ULP at 0x1.f8a876p+19 (NEON and SVE, the same operations,
 * give the same results at those arguments).
 */
#ifndef SB_AVX2_COMMON_H
#define SB_AVX2_COMMON_H

#include <immintrin.h>

#include "../internal.h"

typedef __m256 sbv;
#define SBV_W 8

static inline sbv sbv_set1(float a) { return _mm256_set1_ps(a); }
static inline sbv sbv_zero(void) { return _mm256_setzero_ps(); }
static inline sbv sbv_loadu(const float *p) { return _mm256_loadu_ps(p); }
static inline void sbv_storeu(float *p, sbv v) { _mm256_storeu_ps(p, v); }
static inline sbv sbv_add(sbv a, sbv b) { return _mm256_add_ps(a, b); }
static inline sbv sbv_sub(sbv a, sbv b) { return _mm256_sub_ps(a, b); }
static inline sbv sbv_mul(sbv a, sbv b) { return _mm256_mul_ps(a, b); }
static inline sbv sbv_max(sbv a, sbv b) { return _mm256_max_ps(a, b); }
static inline sbv sbv_min(sbv a, sbv b) { return _mm256_min_ps(a, b); }

static inline __m128 sb256_fold(sbv a, __m128 (*op)(__m128, __m128))
{
    __m128 v = op(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    v = op(v, _mm_movehl_ps(v, v));
    return op(v, _mm_movehdup_ps(v));
}
static inline __m128 sb128_add(__m128 a, __m128 b) { return _mm_add_ps(a, b); }
static inline __m128 sb128_max(__m128 a, __m128 b) { return _mm_max_ps(a, b); }
static inline __m128 sb128_min(__m128 a, __m128 b) { return _mm_min_ps(a, b); }
static inline float sbv_hadd(sbv a) { return _mm_cvtss_f32(sb256_fold(a, sb128_add)); }
static inline float sbv_hmax(sbv a) { return _mm_cvtss_f32(sb256_fold(a, sb128_max)); }
static inline float sbv_hmin(sbv a) { return _mm_cvtss_f32(sb256_fold(a, sb128_min)); }

static inline int sbv_unord(sbv a, sbv b)
{
    return _mm256_movemask_ps(_mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}
static inline int sbv_above_or_nan(sbv a, sbv c)
{
    return _mm256_movemask_ps(_mm256_cmp_ps(a, c, _CMP_NLE_UQ));
}

/* All-ones in the first k lanes. */
static inline __m256i sb256_mask(size_t k)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(k > 8 ? 8 : k)),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline sbv sbv_load_tail(const float *p, size_t k, float fill)
{
    __m256i m = sb256_mask(k);
    return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}
static inline void sbv_store_tail(float *p, size_t k, sbv v)
{
    _mm256_maskstore_ps(p, sb256_mask(k), v);
}
static inline sbv sbv_keep(sbv v, size_t k, float fill)
{
    return _mm256_blendv_ps(_mm256_set1_ps(fill), v, _mm256_castsi256_ps(sb256_mask(k)));
}

/* -inf lanes of v replaced by fill. */
static inline sbv sbv_unmask(sbv v, float fill)
{
    return _mm256_blendv_ps(v, _mm256_set1_ps(fill),
                            _mm256_cmp_ps(v, _mm256_set1_ps(-INFINITY), _CMP_EQ_OQ));
}

/* 2^k for integral k in [-126, 127]. */
static inline sbv sb256_pow2(__m256i k)
{
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23));
}
/* v * 2^n for integral n <= 0, |v| < 2^26: n is clamped at -226 (where the
 * result rounds to 0 anyway); 2^n1, n1 = max(n, -100), keeps v 2^n1 normal
 * for |v| >= 2^-26, and the second factor rounds once. */
static inline sbv sbv_ldexp(sbv v, sbv n)
{
    __m256i k = _mm256_cvtps_epi32(_mm256_max_ps(n, _mm256_set1_ps(-226.0f)));
    __m256i k1 = _mm256_max_epi32(k, _mm256_set1_epi32(-100));
    return _mm256_mul_ps(_mm256_mul_ps(v, sb256_pow2(k1)), sb256_pow2(_mm256_sub_epi32(k, k1)));
}

/* The two-pass body's argument range: the scalar one (internal.h,
 * scalar/twopass.c), but for the polynomial split's K_LO (internal.h). */
#define SBV_ARG_LO SB_TWOPASS_A_LO
#define SBV_K_HI (1.5f * SB_TWOPASS_A_HI) /* x/T up to 1.09e6 */
#define SBV_K_LO SB_EXP_SPLIT_K_LO
/* The longest row, in vectors, that body/threepass.h keeps in registers. */
#define SBV_ROW_VECS 8
#define SBV_RAW_LO -1e6f

/* exp(d) = p * 2^n, n integral, p = exp(r) for |r| <= ln2/2. */
static inline sbv sbv_exp_split(sbv d, sbv *n)
{
    *n = _mm256_round_ps(_mm256_mul_ps(d, _mm256_set1_ps(SB_EXP_LOG2E)),
                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(*n, _mm256_set1_ps(SB_EXP_LN2_HI), d);
    r = _mm256_fnmadd_ps(*n, _mm256_set1_ps(SB_EXP_LN2_LO), r);
    __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(SB_EXP_C6), r, _mm256_set1_ps(SB_EXP_C5));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(SB_EXP_C4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(SB_EXP_C3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(SB_EXP_C2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(SB_EXP_C1));
    return _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
}

/* n is integral already. */
static inline sbv sbv_floor(sbv v) { return v; }

/* exp(d) for -1e6 <= d <= 0 (a shifted argument known to be in range). */
static inline sbv sbv_exp_raw(sbv d)
{
    __m256 n, p = sbv_exp_split(d, &n);
    /* one factor when no lane goes below 2^-126 (the common case), the
     * two-factor ldexp otherwise */
    if (_mm256_movemask_ps(_mm256_cmp_ps(n, _mm256_set1_ps(-126.0f), _CMP_LT_OQ)) == 0)
        return _mm256_mul_ps(p, sb256_pow2(_mm256_cvtps_epi32(n)));
    return sbv_ldexp(p, n);
}

/* exp(d) for any d <= 0, -inf included. */
static inline sbv sbv_exp(sbv d) { return sbv_exp_raw(_mm256_max_ps(d, _mm256_set1_ps(-110.0f))); }

#endif
