/* body/twopass.h - the two-pass algorithm of Dukhan and Ablavatski over the
 * vector layer: included by avx2/twopass.c and avx512/twopass.c. See
 * avx512/twopass.c for the bound's derivation and the edges. */

#include "common.h"

#define WP_BLOCK (32 * SBV_W) /* 8 terms per lane per block */
#define WP_STEP (4 * SBV_W)

/* Adds p * 2^n into the lane pair (M, E). */
static inline void wp_acc(sbv *M, sbv *E, sbv p, sbv n)
{
    sbv e = sbv_max(*E, sbv_floor(n));
    *M = sbv_add(sbv_ldexp(*M, sbv_sub(*E, e)), sbv_ldexp(p, sbv_sub(n, e)));
    *E = e;
}

/* x * t (t == 1: x) clamped below at ARG_LO, with the clamp's operands in
 * the order that keeps a NaN (maxps returns its second operand then). Lanes
 * above ARG_HI are not looked for here: their exponents, or NaN from +inf,
 * reach the sum, which the caller checks once (cheaper than a compare per
 * vector). */
static inline __attribute__((always_inline)) sbv wp_arg(sbv v, sbv t, int scaled)
{
    return sbv_max(sbv_set1(SBV_ARG_LO), scaled ? sbv_mul(v, t) : v);
}

/* y = p / M * 2^(k - E) for one vector of x; c: t, 1/M, E. The range was
 * checked in pass 1, so nothing is collected here. */
static inline __attribute__((always_inline)) sbv wp_out(sbv v, const struct sbv_out *c)
{
    sbv k, p = sbv_exp_split(wp_arg(v, c->a, c->scaled), &k);
    return sbv_ldexp(sbv_mul(p, c->b), sbv_sub(k, c->c));
}

/* A pairwise cascade of lane pairs (M, E), as sb_cascade is of scalars:
 * blocks are merged lane by lane and the lanes fold once, at the end, so a
 * block costs no horizontal reduction (a fifth of pass 1 when it did). */
struct wp_cascade {
    sbv M[48], E[48]; /* 48 levels of 512 elements or more: any size_t n */
    uint64_t count;
};

static inline void wp_merge(sbv *M, sbv *E, sbv M2, sbv E2)
{
    sbv e = sbv_max(*E, E2);
    *M = sbv_add(sbv_ldexp(*M, sbv_sub(*E, e)), sbv_ldexp(M2, sbv_sub(E2, e)));
    *E = e;
}

static inline void wp_push(struct wp_cascade *c, sbv M, sbv E)
{
    unsigned l = 0;
    for (; (c->count >> l) & 1u; l++)
        wp_merge(&M, &E, c->M[l], c->E[l]);
    c->M[l] = M;
    c->E[l] = E;
    c->count++;
}

/* Pass 1: the sum as (mantissa, exponent). Four vectors share one exponent
 * update per lane: e = max(E, k0..k3), then each term is scaled to it. */
static inline __attribute__((always_inline)) struct sb_part wp_pass1(const float *x, size_t n,
                                                                     float tf, int scaled)
{
    const sbv vt = sbv_set1(tf), lowest = sbv_set1(-1e30f);
    struct wp_cascade c;
    c.count = 0;
    size_t i;
    for (size_t b = 0; b < n; b += WP_BLOCK) {
        size_t end = n - b < WP_BLOCK ? n : b + WP_BLOCK;
        sbv M = sbv_zero(), E = lowest, k0, k1, k2, k3;
        for (i = b; i + WP_STEP <= end; i += WP_STEP) {
            sbv p0 = sbv_exp_split(wp_arg(sbv_loadu(x + i), vt, scaled), &k0);
            sbv p1 = sbv_exp_split(wp_arg(sbv_loadu(x + i + SBV_W), vt, scaled), &k1);
            sbv p2 = sbv_exp_split(wp_arg(sbv_loadu(x + i + 2 * SBV_W), vt, scaled), &k2);
            sbv p3 = sbv_exp_split(wp_arg(sbv_loadu(x + i + 3 * SBV_W), vt, scaled), &k3);
            sbv e = sbv_max(E, sbv_floor(sbv_max(sbv_max(k0, k1), sbv_max(k2, k3))));
            sbv q = sbv_add(sbv_add(sbv_ldexp(p0, sbv_sub(k0, e)), sbv_ldexp(p1, sbv_sub(k1, e))),
                            sbv_add(sbv_ldexp(p2, sbv_sub(k2, e)), sbv_ldexp(p3, sbv_sub(k3, e))));
            M = sbv_add(sbv_ldexp(M, sbv_sub(E, e)), q);
            E = e;
        }
        for (; i < end; i += SBV_W) {
            sbv p = sbv_exp_split(wp_arg(sbv_load_tail(x + i, end - i, -INFINITY), vt, scaled), &k0);
            wp_acc(&M, &E, sbv_keep(p, end - i, 0.0f), sbv_keep(k0, end - i, -1e30f));
        }
        wp_push(&c, M, E);
    }
    /* the occupied levels, smallest first, then the lanes */
    sbv M = sbv_zero(), E = lowest;
    for (unsigned l = 0; l < 48; l++)
        if ((c.count >> l) & 1u)
            wp_merge(&M, &E, c.M[l], c.E[l]);
    float e = sbv_hmax(E);
    return (struct sb_part){sbv_hadd(sbv_ldexp(M, sbv_sub(E, sbv_set1(e)))), e};
}

static int sbv_twopass(const float *x, float *y, size_t n, float T)
{
    int st;
    float tf;
    if (sbv_prologue(x, y, n, T, &st, &tf))
        return st;
    int scaled = T != 1.0f;
    struct sb_part tot = scaled ? wp_pass1(x, n, tf, 1) : wp_pass1(x, n, 1.0f, 0);
    /* NaN or +inf gave a NaN sum; a lane above ARG_HI an exponent above K_HI
     * (k follows x/T log2 e for any finite x/T) */
    if (!(tot.m >= (float)SBV_K_LO && tot.m <= SBV_K_HI) || !isfinite(tot.s)) {
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
