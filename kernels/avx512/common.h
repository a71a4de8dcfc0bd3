/* avx512/common.h - what the AVX-512F kernels share: the vector exponential,
 * masks for tails, horizontal reductions. Compiled only into files built
 * with -mavx512f; nothing here is exported.
 *
 * exp(d): n = rint(d log2 e); r = d - n ln2 by two fused multiply-adds with
 * ln2 split in float (the product n*ln2_hi is exact inside the first FMA, so
 * r is rounded once: |error| <= u |r|, plus u |r| in the second and
 * |n| 2^-49 from the split); then a degree-6 polynomial on |r| <= ln2/2,
 * the Chebyshev interpolant of exp (made for softbench; relative error
 * 2.5e-9 = 0.04 u before its coefficients are rounded to float), by Horner
 * with FMAs (about 1 u); and vscalefps for the 2^n, which rounds once, also
 * into the subnormals. Total, derived: under 2u + 0.04u + |n| 2^-49, so at
 * most 2.5 ULP of the exponential's value for |d| <= 110; the kernels declare
 * 3 u for it. Arguments are clamped at -110 (the result is 0 below -104),
 * which also maps -inf to 0.
 */
#ifndef SB_AVX512_COMMON_H
#define SB_AVX512_COMMON_H

#include <immintrin.h>

#include "../internal.h"

#define SB512_LOG2E 1.44269504088896341f
#define SB512_LN2_HI 0x1.62e430p-1f
#define SB512_LN2_LO -0x1.05c610p-29f

/* Coefficients of the interpolant, constant term first, rounded to float. */
#define SB_EXP_C1 0x1.000000p+0f
#define SB_EXP_C2 0x1.000000p-1f
#define SB_EXP_C3 0x1.555404p-3f
#define SB_EXP_C4 0x1.5554acp-5f
#define SB_EXP_C5 0x1.126fa6p-7f
#define SB_EXP_C6 0x1.6d7532p-10f

/* p(r) ~ exp(r) for |r| <= ln2/2, and n, for d = n ln2 + r. */
static inline __m512 sb512_exp_split(__m512 d, __m512 *n)
{
    *n = _mm512_roundscale_ps(_mm512_mul_ps(d, _mm512_set1_ps(SB512_LOG2E)),
                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(*n, _mm512_set1_ps(SB512_LN2_HI), d);
    r = _mm512_fnmadd_ps(*n, _mm512_set1_ps(SB512_LN2_LO), r);
    __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(SB_EXP_C6), r, _mm512_set1_ps(SB_EXP_C5));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SB_EXP_C4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SB_EXP_C3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SB_EXP_C2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(SB_EXP_C1));
    return _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
}

/* exp(d) for d <= 0 (a shifted argument). */
static inline __m512 sb512_exp(__m512 d)
{
    __m512 n, p = sb512_exp_split(_mm512_max_ps(d, _mm512_set1_ps(-110.0f)), &n);
    return _mm512_scalef_ps(p, n);
}

/* The first k lanes. */
static inline __mmask16 sb512_mask(size_t k)
{
    return k >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << k) - 1u);
}

/* A tail load whose absent lanes hold fill. */
static inline __m512 sb512_load_tail(const float *p, size_t k, float fill)
{
    return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), sb512_mask(k), p);
}

#endif
