/* avx512/vec_avx512.h - the vector layer for AVX-512F: the sbv_* operations the
 * algorithm bodies (kernels/body/) are written in, and the exponential.
 * Compiled only into files built with -mavx512f; nothing here is exported.
 *
 * exp(d) = 2^(n/16) exp(r), a table of 16 and a short polynomial, because
 * it takes fewer FMA-port operations than the degree-6 one of the AVX2 layer
 * (measured: the two-pass kernel's first pass 0.124 -> 0.092 ns/element in
 * cache) and is more accurate:
 * n = rint(d 16 log2 e), by adding 1.5 * 2^23 in the FMA, so the low bits of
 * the sum are n mod 16, vpermps's index (|n| < 2^22: |d| <= 2^17 here);
 * r = d - n ln2/16 by two FMAs with ln2 split in float (the product n*ln2_hi
 * is exact inside the first FMA: |error| <= u |r| + u |r| + |n| 2^-53);
 * |r| <= ln2/32, where exp(r) - 1 ~ r + c2 r^2 + c3 r^3 (minimax for
 * softbench: relative error 5.4e-9 = 0.09 u before the coefficients are
 * rounded, 0.09 u after); the polynomial's roundings scale with
 * |r + ...| <= 0.022, under 0.05 u; t = 2^((n mod 16)/16) rounded to float
 * (0.5 u); t + t q by one FMA (0.5 u); the 2^floor(n/16) by vscalefps, which
 * rounds once, also into the subnormals. Total, derived: under
 * 0.5 + 0.5 + 0.09 + 0.05 + 0.05 + |n| 2^-53 < 1.2 u of the exponential's
 * value; the kernels keep declaring 3 u for it. The split form returns
 * p = t exp(r) in [0.97, 2) and n/16, whose floor is the power of two:
 * callers floor a shared exponent before subtracting it (sbv_floor).
 * Shifted arguments are clamped at -110 (the result is 0 below -104), which
 * also maps -inf to 0.
 * Measured over every float32 argument (make exhaustive; docs/accuracy.md,
 * "Exhaustive exponentials"): sbv_exp 1.003 ULP at -0x1.7756ccp+4, the
 * split's p 1.014 ULP at -0x1.2bbcacp+16.
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
static inline int sbv_above_or_nan(sbv a, sbv c)
{
    return _mm512_cmp_ps_mask(a, c, _CMP_NLE_UQ) != 0;
}

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
/* v * 2^floor(n) for n <= 0, rounded once. */
static inline sbv sbv_ldexp(sbv v, sbv n) { return _mm512_scalef_ps(v, n); }

/* The arguments sbv_exp_split takes: |d| < 2^22 ln2/16 = 181704 keeps n in
 * the magic-number rounding's range. The two-pass body clamps below ARG_LO,
 * and sends the input to the scalar body when the sum's exponent is above
 * K_HI (some x/T above (K_HI + 1) ln2 = 136276) or below K_LO (where clamped
 * terms would count). */
#define SBV_ARG_LO -131072.0f
#define SBV_K_HI 196608.0f
#define SBV_K_LO (-(1 << 17))
/* The longest row, in vectors, that body/threepass.h keeps in registers. */
#define SBV_ROW_VECS 16
#define SBV_RAW_LO -131072.0f

/* 2^(j/16), j = 0..15, rounded to float (relative error <= 2^-24). */
static const float sb512_exp_tab[16] __attribute__((aligned(64))) = {
    0x1.000000p+0f, 0x1.0b5586p+0f, 0x1.172b84p+0f, 0x1.2387a6p+0f, 0x1.306fe0p+0f, 0x1.3dea64p+0f,
    0x1.4bfdaep+0f, 0x1.5ab07ep+0f, 0x1.6a09e6p+0f, 0x1.7a1148p+0f, 0x1.8ace54p+0f, 0x1.9c4918p+0f,
    0x1.ae89fap+0f, 0x1.c199bep+0f, 0x1.d5818ep+0f, 0x1.ea4afap+0f,
};
#define SB512_EXP_C2 0x1.0001d6p-1f
#define SB512_EXP_C3 0x1.55dddap-3f
#define SB512_MAGIC 0x1.8p23f

/* exp(d) = p * 2^floor(n) for |d| <= 2^17, p in [0.97, 2), n a multiple of
 * 1/16. */
static inline sbv sbv_exp_split(sbv d, sbv *n)
{
    __m512 z = _mm512_fmadd_ps(d, _mm512_set1_ps(16.0f * SB_EXP_LOG2E),
                               _mm512_set1_ps(SB512_MAGIC));
    __m512 n16 = _mm512_sub_ps(z, _mm512_set1_ps(SB512_MAGIC));
    __m512 r = _mm512_fnmadd_ps(n16, _mm512_set1_ps(SB_EXP_LN2_HI / 16.0f), d);
    r = _mm512_fnmadd_ps(n16, _mm512_set1_ps(SB_EXP_LN2_LO / 16.0f), r);
    __m512 t = _mm512_permutexvar_ps(_mm512_castps_si512(z), _mm512_load_ps(sb512_exp_tab));
    __m512 q = _mm512_fmadd_ps(_mm512_set1_ps(SB512_EXP_C3), r, _mm512_set1_ps(SB512_EXP_C2));
    q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f));
    q = _mm512_mul_ps(q, r);
    *n = _mm512_mul_ps(n16, _mm512_set1_ps(1.0f / 16.0f));
    return _mm512_fmadd_ps(t, q, t);
}

/* The block path of the two-pass body's first pass: terms exp(d) 2^-E for an
 * exponent E per lane and block, taken from the lane's largest d in the
 * block (so that the terms lie in (2^-122, 2]), with no per-term exponent
 * bookkeeping. -16E goes into the rounding FMA's magic number, so z's low
 * bits hold n - 16E (n = rint(16 d log2 e), the same n as sbv_exp_split's);
 * z << 19 is then (k - E) << 23 + j << 19 (k = floor(n/16), j = n mod 16),
 * and added to a table entry stored less j << 19 it gives the bits of
 * t_j 2^(k-E) exactly, so that the last FMA of the polynomial scales the
 * term. Arguments are clamped at lo = (E - 120) ln 2, below which a term is
 * counted as about 2^(E-120) instead of less: under 2^-118 of the lane's
 * largest term each (the clamp sits 118.5 to 119.5 binades below the lane
 * maximum, E being 0.5 to 1.5 above its exponent). z stays in [2^23, 2^24)
 * whatever E is (n - 16E lies in about [-1944, -8]); |E| < 2^18 is what
 * keeps mg = 1.5 2^23 - 16E, and with it n, exact. The body clamps the lane
 * maximum at -2^17 (E >= about -189098) and sends an E above K_HI to the
 * scalar body through its check on the sum's exponent. */
#define SBV_BLOCK_TERM 1
static const int32_t sb512_exp_tab_shifted[16] __attribute__((aligned(64))) = {
    0x3f800000, 0x3f7daac3, 0x3f7b95c2, 0x3f79c3d3, 0x3f7837f0, 0x3f76f532, 0x3f75fed7, 0x3f75583f,
    0x3f7504f3, 0x3f7508a4, 0x3f75672a, 0x3f76248c, 0x3f7744fd, 0x3f78ccdf, 0x3f7ac0c7, 0x3f7d257d,
};
struct sbv_block {
    sbv E, lo, mg;
};
/* m: each lane's largest d in the block (clamped below by the caller). */
static inline struct sbv_block sbv_block_of(sbv m)
{
    /* k <= d log2 e + 1/32 for every d <= m; floor(m log2 e + 0.5) + 1 is above
     * that by more than the product's rounding */
    __m512 E = _mm512_add_ps(_mm512_roundscale_ps(_mm512_fmadd_ps(m, _mm512_set1_ps(SB_EXP_LOG2E),
                                                                  _mm512_set1_ps(0.5f)),
                                                  _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC),
                             _mm512_set1_ps(1.0f));
    return (struct sbv_block){
        E, _mm512_mul_ps(_mm512_sub_ps(E, _mm512_set1_ps(120.0f)), _mm512_set1_ps(0.69314718f)),
        _mm512_fnmadd_ps(E, _mm512_set1_ps(16.0f), _mm512_set1_ps(SB512_MAGIC))};
}
/* exp(d) 2^-E, d clamped at b->lo (a NaN d stays NaN). */
static inline __attribute__((always_inline)) sbv sbv_block_term(sbv d, const struct sbv_block *b)
{
    d = _mm512_max_ps(b->lo, d);
    __m512 z = _mm512_fmadd_ps(d, _mm512_set1_ps(16.0f * SB_EXP_LOG2E), b->mg);
    __m512 n16 = _mm512_sub_ps(z, b->mg);
    __m512 r = _mm512_fnmadd_ps(n16, _mm512_set1_ps(SB_EXP_LN2_HI / 16.0f), d);
    r = _mm512_fnmadd_ps(n16, _mm512_set1_ps(SB_EXP_LN2_LO / 16.0f), r);
    __m512i zi = _mm512_castps_si512(z);
    __m512 t = _mm512_castsi512_ps(
        _mm512_add_epi32(_mm512_permutexvar_epi32(zi, _mm512_load_si512(sb512_exp_tab_shifted)),
                         _mm512_slli_epi32(zi, 19)));
    __m512 q = _mm512_fmadd_ps(_mm512_set1_ps(SB512_EXP_C3), r, _mm512_set1_ps(SB512_EXP_C2));
    q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f));
    q = _mm512_mul_ps(q, r);
    return _mm512_fmadd_ps(t, q, t);
}

/* The integral exponent a sum shares: floor, so that floor(n - e) is
 * floor(n) - e for sbv_ldexp. */
static inline sbv sbv_floor(sbv v)
{
    return _mm512_roundscale_ps(v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
}

/* exp(d) for SBV_RAW_LO <= d <= 0 (a shifted argument known to be in range). */
static inline sbv sbv_exp_raw(sbv d)
{
    __m512 n, p = sbv_exp_split(d, &n);
    return _mm512_scalef_ps(p, n);
}

/* exp(d) for any d <= 0, -inf included. */
static inline sbv sbv_exp(sbv d) { return sbv_exp_raw(_mm512_max_ps(d, _mm512_set1_ps(-110.0f))); }

#endif
