/* sve/vec_sve.h - the vector layer for the Scalable Vector Extension: the
 * same sbv_* operations as avx2/vec_avx2.h over however many 32-bit lanes
 * the CPU's vector has (svcntw(): 4 at 128 bits to 64 at 2048), and the
 * same exponential, operation for operation (reduction, degree-6
 * polynomial in fused multiply-adds, 2^n built in the exponent field in two
 * factors): the derivation and bound in avx2/vec_avx2.h hold here
 * word for word, so each lane gives the AVX2 and NEON layers' bits.
 *
 * Vector-length agnostic: SBV_W is read at run time, tails are predicated
 * (whilelt: nothing past the k-th float is read or written, and a lane the
 * predicate leaves out cannot fault), and nothing assumes 128, 256 or 512
 * bits. What is the same at every vector length: every exponential, every
 * max and min, and so every output whose sum is exact. What is not: the
 * sums' rounding, since their blocks are 32 W elements and the lanes fold
 * in FADDV's pairwise order; the bounds hold at every W (sve/threepass.c).
 *
 * As on NEON, max and min are x86's (a > b ? a : b), which the bodies'
 * clamps are written for. SVE vectors have no size, so no struct or array
 * holds one: SBV_SIZELESS leaves out the bodies' register-blocked row path
 * (the records have no `rows`), and SBV_SLOT gives the two-pass cascade
 * memory slots of the largest vector length (2048 bits).
 */
#ifndef SB_SVE_COMMON_H
#define SB_SVE_COMMON_H

#include <arm_sve.h>

#include "../internal.h"

typedef svfloat32_t sbv;
#define SBV_W ((size_t)svcntw())
#define SBV_SIZELESS 1
#define SBV_SLOT 1
#define SBV_MAX_W 64

typedef struct {
    float f[SBV_MAX_W];
} sbv_slot;

static inline svbool_t sbs_all(void) { return svptrue_b32(); }
static inline sbv sbv_get(const sbv_slot *s) { return svld1_f32(sbs_all(), s->f); }
static inline void sbv_put(sbv_slot *s, sbv v) { svst1_f32(sbs_all(), s->f, v); }

static inline sbv sbv_set1(float a) { return svdup_n_f32(a); }
static inline sbv sbv_zero(void) { return svdup_n_f32(0.0f); }
static inline sbv sbv_loadu(const float *p) { return svld1_f32(sbs_all(), p); }
static inline void sbv_storeu(float *p, sbv v) { svst1_f32(sbs_all(), p, v); }
static inline sbv sbv_add(sbv a, sbv b) { return svadd_f32_x(sbs_all(), a, b); }
static inline sbv sbv_sub(sbv a, sbv b) { return svsub_f32_x(sbs_all(), a, b); }
static inline sbv sbv_mul(sbv a, sbv b) { return svmul_f32_x(sbs_all(), a, b); }
static inline sbv sbv_max(sbv a, sbv b) { return svsel_f32(svcmpgt_f32(sbs_all(), a, b), a, b); }
static inline sbv sbv_min(sbv a, sbv b) { return svsel_f32(svcmplt_f32(sbs_all(), a, b), a, b); }

/* FADDV adds in a fixed pairwise order. The max and min are exact in any
 * order; the callers have looked for NaN before they use them. */
static inline float sbv_hadd(sbv a) { return svaddv_f32(sbs_all(), a); }
static inline float sbv_hmax(sbv a) { return svmaxv_f32(sbs_all(), a); }
static inline float sbv_hmin(sbv a) { return svminv_f32(sbs_all(), a); }

static inline int sbv_any(svbool_t m) { return svptest_any(sbs_all(), m); }
/* Nonzero when a lane of a or b is NaN. */
static inline int sbv_unord(sbv a, sbv b)
{
    return sbv_any(
        svorr_b_z(sbs_all(), svcmpuo_f32(sbs_all(), a, a), svcmpuo_f32(sbs_all(), b, b)));
}
/* Nonzero when a lane of a is NaN or above c. */
static inline int sbv_above_or_nan(sbv a, sbv c)
{
    return sbv_any(svnot_b_z(sbs_all(), svcmple_f32(sbs_all(), a, c)));
}

/* The first k lanes (k may exceed W). */
static inline svbool_t sbs_first(size_t k) { return svwhilelt_b32_u64(0, k); }
/* The first k lanes from p, the others fill; nothing else is read. */
static inline sbv sbv_load_tail(const float *p, size_t k, float fill)
{
    svbool_t m = sbs_first(k);
    return svsel_f32(m, svld1_f32(m, p), svdup_n_f32(fill));
}
static inline void sbv_store_tail(float *p, size_t k, sbv v) { svst1_f32(sbs_first(k), p, v); }
/* Lanes from k on replaced by fill. */
static inline sbv sbv_keep(sbv v, size_t k, float fill)
{
    return svsel_f32(sbs_first(k), v, svdup_n_f32(fill));
}
/* -inf lanes of v replaced by fill. */
static inline sbv sbv_unmask(sbv v, float fill)
{
    return svsel_f32(svcmpeq_n_f32(sbs_all(), v, -INFINITY), svdup_n_f32(fill), v);
}

/* 2^k for integral k in [-126, 127]. */
static inline sbv sbs_pow2(svint32_t k)
{
    return svreinterpret_f32_s32(svlsl_n_s32_x(sbs_all(), svadd_n_s32_x(sbs_all(), k, 127), 23));
}
/* v * 2^n for integral n <= 0, |v| < 2^26, as avx2/vec_avx2.h: n clamped at
 * -226, 2^n1 with n1 = max(n, -100) keeps v 2^n1 normal, the second factor
 * rounds once. n is integral, so the truncating conversion is exact. */
static inline sbv sbv_ldexp(sbv v, sbv n)
{
    svint32_t k = svcvt_s32_f32_x(sbs_all(), sbv_max(n, svdup_n_f32(-226.0f)));
    svint32_t k1 = svmax_n_s32_x(sbs_all(), k, -100);
    return sbv_mul(sbv_mul(v, sbs_pow2(k1)), sbs_pow2(svsub_s32_x(sbs_all(), k, k1)));
}

/* The two-pass body's argument range: the scalar one (internal.h,
 * scalar/twopass.c), but for the polynomial split's K_LO (internal.h). */
#define SBV_ARG_LO SB_TWOPASS_A_LO
#define SBV_K_HI (1.5f * SB_TWOPASS_A_HI) /* x/T up to 1.09e6 */
#define SBV_K_LO SB_EXP_SPLIT_K_LO
#define SBV_RAW_LO -1e6f

/* exp(d) = p * 2^n, n integral, p = exp(r) for |r| <= ln2/2. FMLS and FMLA
 * are fused: r = d - n c and p = c5 + c6 r round once each, as AVX2's
 * vfnmadd and vfmadd. */
static inline sbv sbv_exp_split(sbv d, sbv *n)
{
    const svbool_t a = sbs_all();
    *n = svrintn_f32_x(a, svmul_n_f32_x(a, d, SB_EXP_LOG2E));
    sbv r = svmls_n_f32_x(a, d, *n, SB_EXP_LN2_HI);
    r = svmls_n_f32_x(a, r, *n, SB_EXP_LN2_LO);
    sbv p = svmla_f32_x(a, svdup_n_f32(SB_EXP_C5), svdup_n_f32(SB_EXP_C6), r);
    p = svmla_f32_x(a, svdup_n_f32(SB_EXP_C4), p, r);
    p = svmla_f32_x(a, svdup_n_f32(SB_EXP_C3), p, r);
    p = svmla_f32_x(a, svdup_n_f32(SB_EXP_C2), p, r);
    p = svmla_f32_x(a, svdup_n_f32(SB_EXP_C1), p, r);
    return svmla_f32_x(a, svdup_n_f32(1.0f), p, r);
}

/* n is integral already. */
static inline sbv sbv_floor(sbv v) { return v; }

/* exp(d) for -1e6 <= d <= 0 (a shifted argument known to be in range). */
static inline sbv sbv_exp_raw(sbv d)
{
    sbv n, p = sbv_exp_split(d, &n);
    /* one factor when no lane goes below 2^-126 (the common case) */
    if (!sbv_any(svcmplt_n_f32(sbs_all(), n, -126.0f)))
        return sbv_mul(p, sbs_pow2(svcvt_s32_f32_x(sbs_all(), n)));
    return sbv_ldexp(p, n);
}

/* exp(d) for any d <= 0, -inf included. */
static inline sbv sbv_exp(sbv d) { return sbv_exp_raw(sbv_max(d, svdup_n_f32(-110.0f))); }

#endif
