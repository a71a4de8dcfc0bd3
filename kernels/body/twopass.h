/* body/twopass.h - the two-pass algorithm of Dukhan and Ablavatski over the
 * vector layer: included by avx2/twopass.c and avx512/twopass.c. See
 * avx512/twopass.c for the bound's derivation and the edges. */

#include "body.h"

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
    return sbv_max(sbv_set1(SBV_ARG_LO), sbv_scaled(v, t, scaled));
}

/* y = p / M * 2^(k - E) for one vector of x; a, b, c: t, 1/M, E. The range was
 * checked in pass 1, so nothing is collected here. (A table multiplied by
 * 1/M saves a multiply per vector but broke n = 1 -> exactly 1.) */
static inline __attribute__((always_inline)) sbv wp_out(sbv v, SBV_OUT_ARGS)
{
    sbv k, p = sbv_exp_split(wp_arg(v, a, scaled), &k);
    return sbv_ldexp(sbv_mul(p, b), sbv_sub(k, c));
}

/* A pairwise cascade of lane pairs (M, E), as sb_cascade is of scalars:
 * blocks are merged lane by lane and the lanes fold once, at the end, so a
 * block costs no horizontal reduction (a fifth of pass 1 when it did). */
struct wp_cascade {
    sbv_slot M[48], E[48]; /* 48 levels of 512 elements or more: any size_t n */
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
        wp_merge(&M, &E, sbv_get(&c->M[l]), sbv_get(&c->E[l]));
    sbv_put(&c->M[l], M);
    sbv_put(&c->E[l], E);
    c->count++;
}

/* Pass 1 over [b, end), at most one block: per step of 4 vectors one
 * exponent update per lane, e = max(E, k0..k3), each term scaled to it; the
 * block's lane pair goes into the cascade. `track` (a constant at each
 * call: the log kernel) also keeps the lane maxima of x in *gm. */
static inline __attribute__((always_inline)) void wp_block(const float *x, size_t b, size_t end,
                                                           sbv vt, int scaled, struct wp_cascade *c,
                                                           int track, sbv *gm)
{
    sbv M = sbv_zero(), E = sbv_set1(-1e30f), k0, k1, k2, k3;
    size_t i;
    for (i = b; i + WP_STEP <= end; i += WP_STEP) {
        sbv v0 = sbv_loadu(x + i), v1 = sbv_loadu(x + i + SBV_W);
        sbv v2 = sbv_loadu(x + i + 2 * SBV_W), v3 = sbv_loadu(x + i + 3 * SBV_W);
        if (track)
            *gm = sbv_max(*gm, sbv_max(sbv_max(v0, v1), sbv_max(v2, v3)));
        sbv p0 = sbv_exp_split(wp_arg(v0, vt, scaled), &k0);
        sbv p1 = sbv_exp_split(wp_arg(v1, vt, scaled), &k1);
        sbv p2 = sbv_exp_split(wp_arg(v2, vt, scaled), &k2);
        sbv p3 = sbv_exp_split(wp_arg(v3, vt, scaled), &k3);
        sbv e = sbv_max(E, sbv_floor(sbv_max(sbv_max(k0, k1), sbv_max(k2, k3))));
        sbv q = sbv_add(sbv_add(sbv_ldexp(p0, sbv_sub(k0, e)), sbv_ldexp(p1, sbv_sub(k1, e))),
                        sbv_add(sbv_ldexp(p2, sbv_sub(k2, e)), sbv_ldexp(p3, sbv_sub(k3, e))));
        M = sbv_add(sbv_ldexp(M, sbv_sub(E, e)), q);
        E = e;
    }
    for (; i < end; i += SBV_W) {
        sbv v = sbv_load_tail(x + i, end - i, -INFINITY);
        if (track)
            *gm = sbv_max(*gm, v);
        sbv p = sbv_exp_split(wp_arg(v, vt, scaled), &k0);
        wp_acc(&M, &E, sbv_keep(p, end - i, 0.0f), sbv_keep(k0, end - i, -1e30f));
    }
    wp_push(c, M, E);
}

#ifdef SBV_BLOCK_TERM
/* The layer's block terms (avx512/vec_avx512.h) need each lane's largest
 * argument in the block before its first term: the loop over a block also
 * takes the maximum of the next one, so those loads overlap the arithmetic
 * instead of stalling on memory ahead of it. The full blocks are visited
 * alternately from the two halves of x (A0, B0, A1, B1, ...): two streams
 * keep more reads in flight than one (at 16M, pinned, pass 1 took 0.108 ns
 * per element so against 0.134 for the per-step path on one stream, and a
 * plain read 0.10 on one stream against 0.08 on two). */
static inline const float *wp_blk(const float *x, size_t half, size_t k)
{
    return x + (k & 1) * half + (k >> 1) * WP_BLOCK;
}

static inline sbv wp_lane_max(const float *xb)
{
    sbv m0 = sbv_set1(-INFINITY), m1 = m0;
    for (size_t i = 0; i < WP_BLOCK; i += 2 * SBV_W) {
        m0 = sbv_max(m0, sbv_loadu(xb + i));
        m1 = sbv_max(m1, sbv_loadu(xb + i + SBV_W));
    }
    return sbv_max(m0, m1);
}

static inline __attribute__((always_inline)) struct sb_part
wp_pass1(const float *x, size_t n, float tf, int scaled, int track, float *xmax)
{
    const sbv vt = sbv_set1(tf), lowest = sbv_set1(-1e30f), lo = sbv_set1(SBV_ARG_LO);
    struct wp_cascade c;
    c.count = 0;
    size_t half = n / (2 * WP_BLOCK) * WP_BLOCK, nb = 2 * (half / WP_BLOCK);
    sbv mnext = nb ? wp_lane_max(x) : lo, gm = sbv_set1(-INFINITY);
    if (track && nb)
        gm = mnext;
    for (size_t k = 0; k < nb; k++) {
        const float *xb = wp_blk(x, half, k), *xn = k + 1 < nb ? wp_blk(x, half, k + 1) : xb;
        /* max(x t) = max(x) t for t > 0; a NaN here or in a term reaches the
         * sum; the lane maximum is clamped from below at -2^17 (-inf lanes);
         * a huge one (mg inexact, the terms garbage) gives an E above K_HI,
         * which the caller's check on the sum's exponent catches */
        struct sbv_block bk = sbv_block_of(sbv_max(lo, sbv_scaled(mnext, vt, scaled)));
        sbv a0 = sbv_zero(), a1 = a0, a2 = a0, a3 = a0, m0 = sbv_set1(-INFINITY), m1 = m0;
        for (size_t i = 0; i < WP_BLOCK; i += WP_STEP) {
            m0 = sbv_max(m0, sbv_max(sbv_loadu(xn + i), sbv_loadu(xn + i + SBV_W)));
            m1 = sbv_max(m1, sbv_max(sbv_loadu(xn + i + 2 * SBV_W), sbv_loadu(xn + i + 3 * SBV_W)));
            const float *v = xb + i;
            a0 = sbv_add(a0, sbv_block_term(sbv_scaled(sbv_loadu(v), vt, scaled), &bk));
            a1 = sbv_add(a1, sbv_block_term(sbv_scaled(sbv_loadu(v + SBV_W), vt, scaled), &bk));
            a2 = sbv_add(a2, sbv_block_term(sbv_scaled(sbv_loadu(v + 2 * SBV_W), vt, scaled), &bk));
            a3 = sbv_add(a3, sbv_block_term(sbv_scaled(sbv_loadu(v + 3 * SBV_W), vt, scaled), &bk));
        }
        mnext = sbv_max(m0, m1);
        if (track) /* the next block's lane maxima: every block's, free */
            gm = sbv_max(gm, mnext);
        wp_push(&c, sbv_add(sbv_add(a0, a1), sbv_add(a2, a3)), bk.E);
    }
    for (size_t b = 2 * half; b < n; b += WP_BLOCK)
        wp_block(x, b, n - b < WP_BLOCK ? n : b + WP_BLOCK, vt, scaled, &c, track, &gm);
#else
/* Pass 1: the sum as (mantissa, exponent), block by block; with `track`
 * (a constant: the log kernel) also the max of x into *xmax. */
static inline __attribute__((always_inline)) struct sb_part
wp_pass1(const float *x, size_t n, float tf, int scaled, int track, float *xmax)
{
    const sbv vt = sbv_set1(tf), lowest = sbv_set1(-1e30f);
    sbv gm = sbv_set1(-INFINITY);
    struct wp_cascade c;
    c.count = 0;
    for (size_t b = 0; b < n; b += WP_BLOCK)
        wp_block(x, b, n - b < WP_BLOCK ? n : b + WP_BLOCK, vt, scaled, &c, track, &gm);
#endif
    if (track)
        *xmax = sbv_hmax(gm);
    /* the occupied levels, smallest first, then the lanes */
    sbv M = sbv_zero(), E = lowest;
    for (unsigned l = 0; l < 48 && (c.count >> l) != 0; l++)
        if ((c.count >> l) & 1u)
            wp_merge(&M, &E, sbv_get(&c.M[l]), sbv_get(&c.E[l]));
    float e = sbv_hmax(E);
    return (struct sb_part){sbv_hadd(sbv_ldexp(M, sbv_sub(E, sbv_set1(e)))), e};
}

/* Pass 1 at T = 1 (no multiply) or not; tf = 1/T. */
static inline __attribute__((always_inline)) struct sb_part wp_sum(const float *x, size_t n,
                                                                   float T, float tf)
{
    return T != 1.0f ? wp_pass1(x, n, tf, 1, 0, NULL) : wp_pass1(x, n, 1.0f, 0, 0, NULL);
}

/* Pass 2: y = exp(x tf) inv 2^-E, at T = 1 without the multiply. */
static inline __attribute__((always_inline)) void wp_write(const float *x, float *y, size_t n,
                                                           float T, float tf, float inv, float E)
{
    if (T != 1.0f)
        sbv_write2(x, y, n, 0.0f, wp_out, sbv_set1(tf), sbv_set1(inv), sbv_set1(E), 1);
    else
        sbv_write2(x, y, n, 0.0f, wp_out, sbv_set1(1.0f), sbv_set1(inv), sbv_set1(E), 0);
}

static int sbv_twopass(const float *x, float *y, size_t n, float T)
{
    int st;
    float tf;
    if (sbv_prologue(x, y, n, T, &st, &tf))
        return st;
    struct sb_part tot = wp_sum(x, n, T, tf);
    /* NaN or +inf gave a NaN sum; a lane above ARG_HI an exponent above K_HI
     * (k follows x/T log2 e for any finite x/T) */
    if (!(tot.m >= (float)SBV_K_LO && tot.m <= SBV_K_HI) || !isfinite(tot.s)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    wp_write(x, y, n, T, tf, 1.0f / tot.s, tot.m);
    return SOFTMAX_OK;
}

/* log-softmax with the two-pass sum and a shifted output: pass 1 also
 * keeps the max m of x (its block path has every block's lane maxima at
 * hand), and pass 2 writes (x - m) t - L with L = E ln 2 + log M - m t in
 * double, log S relative to the max: in [0, log n], not as large as the
 * logits, so the small outputs keep their accuracy (scalar/twopass.c). */
static int sbv_log_twopass(const float *x, float *y, size_t n, float T)
{
    int st;
    if (sb_log_prologue(x, y, n, T, &st))
        return st;
    float tf = 1.0f / T, m = -INFINITY;
    int scaled = T != 1.0f;
    struct sb_part tot = {0.0f, 0.0f};
    if (!isinf(tf))
        tot = scaled ? wp_pass1(x, n, tf, 1, 1, &m) : wp_pass1(x, n, 1.0f, 0, 1, &m);
    /* as the softmax kernel, and x - m overflowing float where T > 1 would
     * shrink it: possible only for m >= 2^103, then looked for */
    if (isinf(tf) || !(tot.m >= (float)SBV_K_LO && tot.m <= SBV_K_HI) || !isfinite(tot.s) ||
        !isfinite(m) || (T > 1.0f && m >= 0x1p103f && isinf(m - sbv_finite_min(x, n)))) {
        sb_scalar_log_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    /* >= 0 exactly (S counts the max's term): kept so after rounding */
    double L = fmax(0.0, (double)tot.m * 0.6931471805599453 + log((double)tot.s) -
                             (double)m * (double)tf);
    sbv_log_write(x, y, n, m, tf, (float)L, scaled);
    return SOFTMAX_OK;
}

#ifdef SBV_CHUNK2 /* defined where they are used: avx512/twopass.c */
/* The split's two-pass chunk stages (kernels/batch.c): pass 1 on a chunk,
 * its sum of exp(x/T) as *s 2^*e; 1 when the row must go to a kernel
 * instead (NaN or +inf: a NaN sum; a logit beyond the exponential's range:
 * e above K_HI; 1/T overflowing). */
static int sbv_chunk_sum(const float *x, size_t n, float T, double *s, float *e)
{
    float tf = 1.0f / T;
    *s = 0.0;
    *e = -INFINITY;
    if (isinf(tf))
        return 1;
    struct sb_part tot = wp_sum(x, n, T, tf);
    *s = tot.s;
    *e = tot.m;
    return !(tot.m <= SBV_K_HI) || !isfinite(tot.s);
}

/* Pass 2 on a chunk, for the row's sum 1/inv 2^E. */
static void sbv_chunk_write(const float *x, float *y, size_t n, float T, float inv, float E)
{
    wp_write(x, y, n, T, 1.0f / T, inv, E);
}
#endif
