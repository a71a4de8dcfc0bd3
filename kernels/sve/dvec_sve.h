/* sve/dvec_sve.h - the double-precision layer of the accurate kernels
 * (body/accurate.h) for SVE: sbd_* over svcntd() doubles (half the float
 * lanes), loaded from and stored to floats, and the exponential of
 * avx2/dvec_avx2.h, operation for operation: no table, z = dd c + 1.5 2^52 in
 * a fused multiply-add (its low bits hold n), g = dd c - n by a second one
 * (FNMLS: b c - a, rounded once), 2^g s = s + g (s h(g)) with the same
 * degree-7 h, 2^n added into the exponent field as an integer. Its error
 * derivation there (relative error < 2^-38.6; a normal double while
 * n >= -1022 + 64) holds word for word, at every vector length.
 *
 * A float vector's halves: the first svcntd() floats are its low half
 * (sbd_lo, and sbd_load(p)), the rest its high half (sbd_load(p + SBD_W)),
 * as body/accurate.h pairs them. The constants of the exponential are
 * scalars, broadcast where they are used (a struct cannot hold a vector).
 */
#ifndef SB_SVE_DLAYER_H
#define SB_SVE_DLAYER_H

#include "vec_sve.h"

typedef svfloat64_t sbd;
#define SBD_W ((size_t)svcntd())

static inline svbool_t sbd_all(void) { return svptrue_b64(); }
static inline sbd sbd_set1(double a) { return svdup_n_f64(a); }
static inline sbd sbd_zero(void) { return svdup_n_f64(0.0); }
static inline sbd sbd_add(sbd a, sbd b) { return svadd_f64_x(sbd_all(), a, b); }
static inline sbd sbd_sub(sbd a, sbd b) { return svsub_f64_x(sbd_all(), a, b); }
static inline sbd sbd_mul(sbd a, sbd b) { return svmul_f64_x(sbd_all(), a, b); }
/* svcntd() floats, each into the low half of a 64-bit lane, widened. */
static inline sbd sbd_load(const float *p)
{
    svuint64_t w = svld1uw_u64(sbd_all(), (const uint32_t *)p);
    return svcvt_f64_f32_x(sbd_all(), svreinterpret_f32_u64(w));
}
static inline sbd sbd_loadd(const double *p) { return svld1_f64(sbd_all(), p); }
static inline void sbd_stored(double *p, sbd v) { svst1_f64(sbd_all(), p, v); }
/* Rounded to float once; the float sits in each lane's low half, which the
 * truncating store writes. */
static inline void sbd_store(float *p, sbd v)
{
    svfloat32_t f = svcvt_f32_f64_x(sbd_all(), v);
    svst1w_u64(sbd_all(), (uint32_t *)p, svreinterpret_u64_f32(f));
}
static inline double sbd_hadd(sbd v) { return svaddv_f64(sbd_all(), v); }
/* A float vector's low and high halves as doubles (zip puts float i in
 * lane i's low half), and back (uzp1 takes the low halves in order). */
static inline sbd sbd_lo(sbv v) { return svcvt_f64_f32_x(sbd_all(), svzip1_f32(v, v)); }
static inline sbd sbd_hi(sbv v) { return svcvt_f64_f32_x(sbd_all(), svzip2_f32(v, v)); }
static inline sbv sbd_pack(sbd lo, sbd hi)
{
    return svuzp1_f32(svcvt_f32_f64_x(sbd_all(), lo), svcvt_f32_f64_x(sbd_all(), hi));
}
/* Nonzero when a lane of a is above b's (NaN lanes are not). */
static inline int sbv_any_gt(sbv a, sbv b) { return sbv_any(svcmpgt_f32(sbs_all(), a, b)); }

/* h(g) = (2^g - 1)/g, highest degree first (avx2/dvec_avx2.h). */
static const double sbd_h[8] = {SB_EXP2_H};
#define SBD_MAGIC 0x1.8p52

struct sbd_exp {
    double h[8], s, c, mg, lo;
};

/* The constants for exp(dd/T) s, dd clamped at lo T. */
static inline void sbd_exp_init(struct sbd_exp *e, double T, double lo, double s)
{
    for (int i = 0; i < 8; i++)
        e->h[i] = sbd_h[i] * s;
    e->s = s;
    e->c = 1.4426950408889634 / T;
    e->mg = SBD_MAGIC;
    e->lo = lo * T;
}

/* exp(max(dd, lo T)/T) s; a NaN dd gives NaN (x86's max: the second
 * operand where either is NaN). */
static inline __attribute__((always_inline)) sbd sbd_exp(sbd dd, const struct sbd_exp *e)
{
    const svbool_t a = sbd_all();
    const sbd lo = svdup_n_f64(e->lo), c = svdup_n_f64(e->c), mg = svdup_n_f64(e->mg);
    dd = svsel_f64(svcmpgt_f64(a, lo, dd), lo, dd);
    sbd z = svmla_f64_x(a, mg, dd, c);
    sbd g = svnmls_f64_x(a, svsub_f64_x(a, z, mg), dd, c);
    sbd q = svmla_f64_x(a, svdup_n_f64(e->h[1]), svdup_n_f64(e->h[0]), g);
    for (int i = 2; i < 8; i++)
        q = svmla_f64_x(a, svdup_n_f64(e->h[i]), q, g);
    sbd p = svmla_f64_x(a, svdup_n_f64(e->s), q, g);
    return svreinterpret_f64_s64(
        svadd_s64_x(a, svreinterpret_s64_f64(p), svlsl_n_s64_x(a, svreinterpret_s64_f64(z), 52)));
}

/* The log kernels' terms for one vector v of x: exp((v - m)/T) where
 * v != m and v - m > lo T (else 0), v == m counted into *k. */
static inline __attribute__((always_inline)) sbd sbd_log_term(sbd v, sbd m, const struct sbd_exp *e,
                                                              size_t *k)
{
    const svbool_t a = sbd_all();
    sbd dd = svsub_f64_x(a, v, m);
    svbool_t eq = svcmpeq_f64(a, v, m);
    *k += (size_t)svcntp_b64(a, eq);
    svbool_t keep = svbic_b_z(a, svcmpgt_n_f64(a, dd, e->lo), eq);
    return svsel_f64(keep, sbd_exp(dd, e), svdup_n_f64(0.0));
}

/* One vector of log-softmax output: d - L rounded to float, d = (v - m) t,
 * one double lower where L vanished in the difference and the true log S
 * is positive (pos: sb_accurate_log_round), as avx2/dvec_avx2.h. */
static inline void sbd_log_store(float *p, sbd v, sbd m, sbd t, sbd L, int pos)
{
    const svbool_t a = sbd_all();
    sbd d = svmul_f64_x(a, svsub_f64_x(a, v, m), t);
    sbd r = svsub_f64_x(a, d, L);
    svbool_t fix = svbic_b_z(a, svcmpeq_f64(a, r, d), svcmpeq_n_f64(a, r, -INFINITY));
    if (!pos)
        fix = svpfalse_b();
    /* the sign set first: r <= 0, and a +0 must step to -0's neighbour;
     * then one more unit of magnitude */
    svuint64_t bits = svreinterpret_u64_f64(r);
    bits = svorr_n_u64_m(fix, bits, 1ull << 63);
    bits = svadd_n_u64_m(fix, bits, 1);
    sbd_store(p, svreinterpret_f64_u64(bits));
}

#endif
