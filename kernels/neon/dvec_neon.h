/* neon/dvec_neon.h - the double-precision layer of the accurate kernels
 * (body/accurate.h) for NEON: sbd_* over 2 doubles, loaded from and stored
 * to floats, and the exponential of avx2/dvec_avx2.h, operation for operation:
 * no table, z = dd c + 1.5 2^52 in a fused multiply-add (its low bits hold
 * n), g = dd c - n by a second one, 2^g s = s + g (s h(g)) with the same
 * degree-7 h, 2^n added into the exponent field as an integer. Its error
 * derivation there (relative error < 2^-38.6; a normal double while
 * n >= -1022 + 64) holds word for word.
 */
#ifndef SB_NEON_DLAYER_H
#define SB_NEON_DLAYER_H

#include "vec_neon.h"

typedef float64x2_t sbd;
#define SBD_W 2

static inline sbd sbd_set1(double a) { return vdupq_n_f64(a); }
static inline sbd sbd_zero(void) { return vdupq_n_f64(0.0); }
static inline sbd sbd_add(sbd a, sbd b) { return vaddq_f64(a, b); }
static inline sbd sbd_sub(sbd a, sbd b) { return vsubq_f64(a, b); }
static inline sbd sbd_mul(sbd a, sbd b) { return vmulq_f64(a, b); }
static inline sbd sbd_load(const float *p) { return vcvt_f64_f32(vld1_f32(p)); }
static inline sbd sbd_loadd(const double *p) { return vld1q_f64(p); }
static inline void sbd_stored(double *p, sbd v) { vst1q_f64(p, v); }
/* Rounded to float once. */
static inline void sbd_store(float *p, sbd v) { vst1_f32(p, vcvt_f32_f64(v)); }
static inline double sbd_hadd(sbd v) { return vgetq_lane_f64(v, 0) + vgetq_lane_f64(v, 1); }
/* A float vector's low and high halves as doubles, and back. */
static inline sbd sbd_lo(sbv v) { return vcvt_f64_f32(vget_low_f32(v)); }
static inline sbd sbd_hi(sbv v) { return vcvt_high_f64_f32(v); }
static inline sbv sbd_pack(sbd lo, sbd hi) { return vcvt_high_f32_f64(vcvt_f32_f64(lo), hi); }
/* Nonzero when a lane of a is above b's (NaN lanes are not). */
static inline int sbv_any_gt(sbv a, sbv b) { return sbv_any(vcgtq_f32(a, b)); }

/* NEON's bitwise NOT stops at 32-bit lanes; on 64-bit ones it is the same. */
static inline uint64x2_t vmvnq_u64_compat(uint64x2_t a)
{
    return vreinterpretq_u64_u32(vmvnq_u32(vreinterpretq_u32_u64(a)));
}

/* h(g) = (2^g - 1)/g, highest degree first (avx2/dvec_avx2.h). */
static const double sbd_h[8] = {SB_EXP2_H};
#define SBD_MAGIC 0x1.8p52

struct sbd_exp {
    sbd h[8], s, c, mg, lo;
};

/* The constants for exp(dd/T) s, dd clamped at lo T. */
static inline void sbd_exp_init(struct sbd_exp *e, double T, double lo, double s)
{
    for (int i = 0; i < 8; i++)
        e->h[i] = vdupq_n_f64(sbd_h[i] * s);
    e->s = vdupq_n_f64(s);
    e->c = vdupq_n_f64(1.4426950408889634 / T);
    e->mg = vdupq_n_f64(SBD_MAGIC);
    e->lo = vdupq_n_f64(lo * T);
}

/* exp(max(dd, lo T)/T) s; a NaN dd gives NaN (x86's max: the second
 * operand where either is NaN). */
static inline __attribute__((always_inline)) sbd sbd_exp(sbd dd, const struct sbd_exp *e)
{
    dd = vbslq_f64(vcgtq_f64(e->lo, dd), e->lo, dd);
    float64x2_t z = vfmaq_f64(e->mg, dd, e->c);
    float64x2_t g = vnegq_f64(vfmsq_f64(vsubq_f64(z, e->mg), dd, e->c));
    float64x2_t q = vfmaq_f64(e->h[1], e->h[0], g);
    for (int i = 2; i < 8; i++)
        q = vfmaq_f64(e->h[i], q, g);
    float64x2_t p = vfmaq_f64(e->s, q, g);
    return vreinterpretq_f64_s64(
        vaddq_s64(vreinterpretq_s64_f64(p), vshlq_n_s64(vreinterpretq_s64_f64(z), 52)));
}

/* The log kernels' terms for one vector v of x: exp((v - m)/T) where
 * v != m and v - m > lo T (else 0), v == m counted into *k. */
static inline __attribute__((always_inline)) sbd sbd_log_term(sbd v, sbd m, const struct sbd_exp *e,
                                                              size_t *k)
{
    float64x2_t dd = vsubq_f64(v, m);
    uint64x2_t eq = vceqq_f64(v, m);
    *k += (size_t)(vgetq_lane_u64(eq, 0) & 1) + (size_t)(vgetq_lane_u64(eq, 1) & 1);
    uint64x2_t keep = vbicq_u64(vcgtq_f64(dd, e->lo), eq);
    return vreinterpretq_f64_u64(vandq_u64(keep, vreinterpretq_u64_f64(sbd_exp(dd, e))));
}

/* One vector of log-softmax output: d - L rounded to float, d = (v - m) t,
 * one double lower where L vanished in the difference and the true log S
 * is positive (pos: sb_accurate_log_round), as avx2/dvec_avx2.h. */
static inline void sbd_log_store(float *p, sbd v, sbd m, sbd t, sbd L, int pos)
{
    float64x2_t d = vmulq_f64(vsubq_f64(v, m), t);
    float64x2_t r = vsubq_f64(d, L);
    uint64x2_t eq = vandq_u64(vceqq_f64(r, d),
                              vmvnq_u64_compat(vceqq_f64(r, vdupq_n_f64(-INFINITY))));
    uint64x2_t fix = pos ? eq : vdupq_n_u64(0);
    /* the sign set first: r <= 0, and a +0 must step to -0's neighbour */
    r = vreinterpretq_f64_u64(
        vorrq_u64(vreinterpretq_u64_f64(r), vandq_u64(fix, vdupq_n_u64(1ull << 63))));
    /* fix is all-ones (-1) where a step is due: subtracting it adds one */
    r = vreinterpretq_f64_s64(vsubq_s64(vreinterpretq_s64_f64(r), vreinterpretq_s64_u64(fix)));
    vst1_f32(p, vcvt_f32_f64(r));
}

#endif
