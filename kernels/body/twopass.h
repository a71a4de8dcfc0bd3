/* body/twopass.h - the two-pass algorithm of Dukhan and Ablavatski over the
 * vector layer: included by avx2/twopass.c and avx512/twopass.c. See
 * avx512/twopass.c for the bound's derivation and the edges. */

#include "common.h"

#define WP_BLOCK (32 * SBV_W) /* 8 terms per lane per block */
#define WP_STEP (4 * SBV_W)

/* Adds p * 2^n into the lane pair (M, E). */
static inline void wp_acc(sbv *M, sbv *E, sbv p, sbv n)
{
    sbv e = sbv_max(*E, n);
    *M = sbv_add(sbv_ldexp(*M, sbv_sub(*E, e)), sbv_ldexp(p, sbv_sub(n, e)));
    *E = e;
}

/* x * t (t == 1: x) clamped below at A_LO; *bad collects NaN lanes and lanes
 * above A_HI. `scaled` is constant at each call. */
static inline __attribute__((always_inline)) sbv wp_arg(sbv v, sbv t, int *bad, int scaled)
{
    sbv a = scaled ? sbv_mul(v, t) : v;
    *bad |= sbv_above_or_nan(a, sbv_set1(SB_TWOPASS_A_HI));
    return sbv_max(a, sbv_set1(SB_TWOPASS_A_LO));
}

/* y = p / M * 2^(k - E) for one vector of x; c: t, 1/M, E. The range was
 * checked in pass 1, so nothing is collected here. */
static inline __attribute__((always_inline)) sbv wp_out(sbv v, const struct sbv_out *c)
{
    int unused = 0;
    sbv k, p = sbv_exp_split(wp_arg(v, c->a, &unused, c->scaled), &k);
    return sbv_ldexp(sbv_mul(p, c->b), sbv_sub(k, c->c));
}

/* Pass 1: the sum as (mantissa, exponent). Four vectors share one exponent
 * update per lane: e = max(E, k0..k3), then each term is scaled to it. */
static inline __attribute__((always_inline)) struct sb_part wp_pass1(const float *x, size_t n,
                                                                     float tf, int *bad,
                                                                     int scaled, float T)
{
    const sbv vt = sbv_set1(tf), lowest = sbv_set1(-1e30f);
    struct sb_cascade c = {.count = 0};
    size_t i;
    for (size_t b = 0; b < n; b += WP_BLOCK) {
        size_t end = n - b < WP_BLOCK ? n : b + WP_BLOCK;
        sbv M = sbv_zero(), E = lowest, k0, k1, k2, k3;
        for (i = b; i + WP_STEP <= end; i += WP_STEP) {
            sbv p0 = sbv_exp_split(wp_arg(sbv_loadu(x + i), vt, bad, scaled), &k0);
            sbv p1 = sbv_exp_split(wp_arg(sbv_loadu(x + i + SBV_W), vt, bad, scaled), &k1);
            sbv p2 = sbv_exp_split(wp_arg(sbv_loadu(x + i + 2 * SBV_W), vt, bad, scaled), &k2);
            sbv p3 = sbv_exp_split(wp_arg(sbv_loadu(x + i + 3 * SBV_W), vt, bad, scaled), &k3);
            sbv e = sbv_max(sbv_max(E, sbv_max(k0, k1)), sbv_max(k2, k3));
            sbv q = sbv_add(sbv_add(sbv_ldexp(p0, sbv_sub(k0, e)), sbv_ldexp(p1, sbv_sub(k1, e))),
                            sbv_add(sbv_ldexp(p2, sbv_sub(k2, e)), sbv_ldexp(p3, sbv_sub(k3, e))));
            M = sbv_add(sbv_ldexp(M, sbv_sub(E, e)), q);
            E = e;
        }
        for (; i < end; i += SBV_W) {
            sbv p = sbv_exp_split(wp_arg(sbv_load_tail(x + i, end - i, -INFINITY), vt, bad, scaled), &k0);
            wp_acc(&M, &E, sbv_keep(p, end - i, 0.0f), sbv_keep(k0, end - i, -1e30f));
        }
        float e = sbv_hmax(E);
        float s = sbv_hadd(sbv_ldexp(M, sbv_sub(E, sbv_set1(e))));
        sb_cascade_push(&c, (struct sb_part){s, e}, sb_merge_pow2, T);
    }
    return sb_cascade_total(&c, sb_merge_pow2, T, (struct sb_part){0.0f, 0.0f});
}

static int sbv_twopass(const float *x, float *y, size_t n, float T)
{
    int st;
    if (sb_prologue(x, y, n, T, &st))
        return st;
    float tf = 1.0f / T;
    if (isinf(tf)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    int bad = 0, scaled = T != 1.0f;
    struct sb_part tot = scaled ? wp_pass1(x, n, tf, &bad, 1, T) : wp_pass1(x, n, 1.0f, &bad, 0, T);
    if (bad || !(tot.m >= (float)SB_TWOPASS_K_LO) || !isfinite(tot.s)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    const sbv vE = sbv_set1(tot.m), inv = sbv_set1(1.0f / tot.s);
    if (scaled)
        sbv_write(x, y, n, 0.0f, wp_out, &(struct sbv_out){sbv_set1(tf), inv, vE, 1});
    else
        sbv_write(x, y, n, 0.0f, wp_out, &(struct sbv_out){sbv_set1(1.0f), inv, vE, 0});
    return SOFTMAX_OK;
}
