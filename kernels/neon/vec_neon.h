/* neon/vec_neon.h - the vector layer for aarch64 Advanced SIMD (NEON): the
 * same sbv_* operations as avx2/vec_avx2.h over 4 lanes, and the same
 * exponential, operation for operation (reduction, degree-6 polynomial in
 * fused multiply-adds, 2^n built in the exponent field in two factors): the
 * derivation and bound in avx2/vec_avx2.h hold here word for word (FMLA and
 * FRINTN round as vfmadd and vroundps do),
 * so each lane gives the AVX2 layer's bits.
 *
 * Two choices keep that true. max and min are x86's (a > b ? a : b): NEON's
 * FMAX returns NaN where either input is one, x86's returns the second
 * operand, and the bodies' clamps (exp(max(d, -110))) are written for the
 * latter. NEON has no masked load or store, so a tail goes through a
 * 4-float buffer, copied element by element: nothing past the k-th float
 * is read or written, as vmaskmovps guarantees on AVX2. */
#ifndef SB_NEON_COMMON_H
#define SB_NEON_COMMON_H

#include <arm_neon.h>

#include "../internal.h"

typedef float32x4_t sbv;
#define SBV_W 4

static inline sbv sbv_set1(float a) { return vdupq_n_f32(a); }
static inline sbv sbv_zero(void) { return vdupq_n_f32(0.0f); }
static inline sbv sbv_loadu(const float *p) { return vld1q_f32(p); }
static inline void sbv_storeu(float *p, sbv v) { vst1q_f32(p, v); }
static inline sbv sbv_add(sbv a, sbv b) { return vaddq_f32(a, b); }
static inline sbv sbv_sub(sbv a, sbv b) { return vsubq_f32(a, b); }
static inline sbv sbv_mul(sbv a, sbv b) { return vmulq_f32(a, b); }
static inline sbv sbv_max(sbv a, sbv b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
static inline sbv sbv_min(sbv a, sbv b) { return vbslq_f32(vcltq_f32(a, b), a, b); }

/* The AVX2 layer's fold: lanes (0, 2) and (1, 3), then the two. */
static inline float sbv_hadd(sbv a)
{
    float32x4_t t = vaddq_f32(a, vextq_f32(a, a, 2));
    return vgetq_lane_f32(t, 0) + vgetq_lane_f32(t, 1);
}
static inline float sbv_hmax(sbv a)
{
    sbv t = sbv_max(a, vextq_f32(a, a, 2));
    return vgetq_lane_f32(sbv_max(t, vextq_f32(t, t, 1)), 0);
}
static inline float sbv_hmin(sbv a)
{
    sbv t = sbv_min(a, vextq_f32(a, a, 2));
    return vgetq_lane_f32(sbv_min(t, vextq_f32(t, t, 1)), 0);
}

static inline int sbv_any(uint32x4_t m) { return vmaxvq_u32(m) != 0; }
/* Nonzero when a lane of a or b is NaN. */
static inline int sbv_unord(sbv a, sbv b)
{
    return sbv_any(vmvnq_u32(vandq_u32(vceqq_f32(a, a), vceqq_f32(b, b))));
}
/* Nonzero when a lane of a is NaN or above c. */
static inline int sbv_above_or_nan(sbv a, sbv c) { return sbv_any(vmvnq_u32(vcleq_f32(a, c))); }

/* All-ones in the first k lanes. */
static inline uint32x4_t sbn_mask(size_t k)
{
    static const uint32_t idx[4] = {0, 1, 2, 3};
    return vcltq_u32(vld1q_u32(idx), vdupq_n_u32((uint32_t)(k > 4 ? 4 : k)));
}
/* The first k lanes from p (k <= W), the others fill; nothing else is read. */
static inline sbv sbv_load_tail(const float *p, size_t k, float fill)
{
    float b[4] = {fill, fill, fill, fill};
    for (size_t i = 0; i < k && i < 4; i++)
        b[i] = p[i];
    return vld1q_f32(b);
}
static inline void sbv_store_tail(float *p, size_t k, sbv v)
{
    float b[4];
    vst1q_f32(b, v);
    for (size_t i = 0; i < k && i < 4; i++)
        p[i] = b[i];
}
/* Lanes from k on replaced by fill. */
static inline sbv sbv_keep(sbv v, size_t k, float fill)
{
    return vbslq_f32(sbn_mask(k), v, vdupq_n_f32(fill));
}
/* -inf lanes of v replaced by fill. */
static inline sbv sbv_unmask(sbv v, float fill)
{
    return vbslq_f32(vceqq_f32(v, vdupq_n_f32(-INFINITY)), vdupq_n_f32(fill), v);
}

/* 2^k for integral k in [-126, 127]. */
static inline sbv sbn_pow2(int32x4_t k)
{
    return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(k, vdupq_n_s32(127)), 23));
}
/* v * 2^n for integral n <= 0, |v| < 2^26, as avx2/vec_avx2.h: n clamped at
 * -226, 2^n1 with n1 = max(n, -100) keeps v 2^n1 normal, the second factor
 * rounds once. */
static inline sbv sbv_ldexp(sbv v, sbv n)
{
    int32x4_t k = vcvtnq_s32_f32(sbv_max(n, vdupq_n_f32(-226.0f)));
    int32x4_t k1 = vmaxq_s32(k, vdupq_n_s32(-100));
    return vmulq_f32(vmulq_f32(v, sbn_pow2(k1)), sbn_pow2(vsubq_s32(k, k1)));
}

/* The two-pass body's argument range: the scalar one (internal.h,
 * scalar/twopass.c), but for the polynomial split's K_LO (internal.h). */
#define SBV_ARG_LO SB_TWOPASS_A_LO
#define SBV_K_HI (1.5f * SB_TWOPASS_A_HI) /* x/T up to 1.09e6 */
#define SBV_K_LO SB_EXP_SPLIT_K_LO
/* The longest row, in vectors, that body/threepass.h keeps in registers:
 * 32 floats, as on AVX2 (32 vector registers here). */
#define SBV_ROW_VECS 8
#define SBV_RAW_LO -1e6f

/* exp(d) = p * 2^n, n integral, p = exp(r) for |r| <= ln2/2. */
static inline sbv sbv_exp_split(sbv d, sbv *n)
{
    *n = vrndnq_f32(vmulq_f32(d, vdupq_n_f32(SB_EXP_LOG2E)));
    sbv r = vfmsq_f32(d, *n, vdupq_n_f32(SB_EXP_LN2_HI));
    r = vfmsq_f32(r, *n, vdupq_n_f32(SB_EXP_LN2_LO));
    sbv p = vfmaq_f32(vdupq_n_f32(SB_EXP_C5), vdupq_n_f32(SB_EXP_C6), r);
    p = vfmaq_f32(vdupq_n_f32(SB_EXP_C4), p, r);
    p = vfmaq_f32(vdupq_n_f32(SB_EXP_C3), p, r);
    p = vfmaq_f32(vdupq_n_f32(SB_EXP_C2), p, r);
    p = vfmaq_f32(vdupq_n_f32(SB_EXP_C1), p, r);
    return vfmaq_f32(vdupq_n_f32(1.0f), p, r);
}

/* n is integral already. */
static inline sbv sbv_floor(sbv v) { return v; }

/* exp(d) for -1e6 <= d <= 0 (a shifted argument known to be in range). */
static inline sbv sbv_exp_raw(sbv d)
{
    sbv n, p = sbv_exp_split(d, &n);
    /* one factor when no lane goes below 2^-126 (the common case) */
    if (!sbv_any(vcltq_f32(n, vdupq_n_f32(-126.0f))))
        return vmulq_f32(p, sbn_pow2(vcvtnq_s32_f32(n)));
    return sbv_ldexp(p, n);
}

/* exp(d) for any d <= 0, -inf included. */
static inline sbv sbv_exp(sbv d) { return sbv_exp_raw(sbv_max(d, vdupq_n_f32(-110.0f))); }

#endif
