/* body/online.h - the online normalizer of Milakov and Gimelshein over the
 * vector layer: included by avx2/online.c and avx512/online.c. See
 * avx512/online.c for the bound's derivation and the edges. */

#include "body.h"

#define OL_CHUNK (4 * SBV_W)
#define OL_BLOCK (16 * SBV_W) /* four chunks, alternating two lane sets */

static inline __attribute__((always_inline)) sbv ol_exp(sbv a, sbv b, sbv t, int scaled)
{
    sbv d = sbv_sub(a, b);
    return sbv_exp(sbv_scaled(d, t, scaled));
}

/* One chunk into the lane set (m, s): new max, one rescale, four exps. */
static inline __attribute__((always_inline)) void ol_chunk(sbv *m, sbv *s, sbv v0, sbv v1, sbv v2,
                                                           sbv v3, sbv t, int scaled)
{
    sbv cm = sbv_max(*m, sbv_max(sbv_max(v0, v1), sbv_max(v2, v3)));
    sbv e = sbv_add(sbv_add(ol_exp(v0, cm, t, scaled), ol_exp(v1, cm, t, scaled)),
                    sbv_add(ol_exp(v2, cm, t, scaled), ol_exp(v3, cm, t, scaled)));
    *s = sbv_add(sbv_mul(*s, ol_exp(*m, cm, t, scaled)), e);
    *m = cm;
}

/* Pass 1: the (max, sum) pair of x under the scale t, NaN or +inf
 * (*special) and the min noted. */
static inline __attribute__((always_inline)) struct sb_part
ol_pass1(const float *x, size_t n, float t, int scaled, int *special, float *xmin, float T)
{
    const sbv vt = sbv_set1(t), floor_m = sbv_set1(-FLT_MAX);
    sbv lo = sbv_set1(INFINITY);
    struct sb_cascade c;
    c.count = 0; /* the slots are written before they are read */
    for (size_t b = 0; b < n; b += OL_BLOCK) {
        size_t end = n - b < OL_BLOCK ? n : b + OL_BLOCK, i = b;
        sbv mA = floor_m, sA = sbv_zero(), mB = floor_m, sB = sbv_zero();
        int which = 0;
        for (; i + OL_CHUNK <= end; i += OL_CHUNK, which ^= 1) {
            sbv v0 = sbv_loadu(x + i), v1 = sbv_loadu(x + i + SBV_W);
            sbv v2 = sbv_loadu(x + i + 2 * SBV_W), v3 = sbv_loadu(x + i + 3 * SBV_W);
            *special |= sbv_unord(v0, v1) | sbv_unord(v2, v3);
            lo = sbv_min(lo, sbv_min(sbv_min(v0, v1), sbv_min(v2, v3)));
            if (which)
                ol_chunk(&mB, &sB, v0, v1, v2, v3, vt, scaled);
            else
                ol_chunk(&mA, &sA, v0, v1, v2, v3, vt, scaled);
        }
        for (; i < end; i += SBV_W) {
            sbv v = sbv_load_tail(x + i, end - i, -INFINITY), ninf = sbv_set1(-INFINITY);
            *special |= sbv_unord(v, v);
            lo = sbv_min(lo, sbv_keep(v, end - i, INFINITY));
            ol_chunk(&mA, &sA, v, ninf, ninf, ninf, vt, scaled);
        }
        sbv cm = sbv_max(mA, mB);
        float M = sbv_hmax(cm);
        /* +inf: its lane's terms were exp(inf - inf), which the exponential's
         * clamp turns into 0, so the block would count as empty and the
         * others' finite total would go to the output pass; the contract's
         * code takes it instead */
        *special |= M == INFINITY;
        sbv vM = sbv_set1(M);
        float S = sbv_hadd(sbv_add(sbv_mul(sA, ol_exp(mA, vM, vt, scaled)),
                                   sbv_mul(sB, ol_exp(mB, vM, vt, scaled))));
        /* a block of -inf only is the empty pair */
        sb_cascade_push(&c, (struct sb_part){S, S == 0.0f ? -INFINITY : M}, sb_merge_online, T);
    }
    *xmin = sbv_hmin(lo);
    return sb_cascade_total(&c, sb_merge_online, T, (struct sb_part){0.0f, -INFINITY});
}

/* exp((x - m) t) / s for one vector of x; a, b, c: m, t, 1/s. */
static inline __attribute__((always_inline)) sbv ol_out(sbv v, SBV_OUT_ARGS)
{
    return sbv_mul(ol_exp(v, a, b, scaled), c);
}

static int sbv_online(const float *x, float *y, size_t n, float T)
{
    int st;
    float t;
    if (sbv_prologue(x, y, n, T, &st, &t))
        return st;
    int special = 0, scaled = T != 1.0f;
    float xmin;
    struct sb_part tot = scaled ? ol_pass1(x, n, t, 1, &special, &xmin, T)
                                : ol_pass1(x, n, 1.0f, 0, &special, &xmin, T);
    if (special || !isfinite(tot.m) || !isfinite(tot.s) || tot.s == 0.0f) {
        sb_edge(x, y, n, T);
        return SOFTMAX_OK;
    }
    if (sbv_span_overflows(x, n, tot.m, xmin, T)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    const sbv vm = sbv_set1(tot.m), inv = sbv_set1(1.0f / tot.s);
    if (scaled)
        sbv_write(x, y, n, -INFINITY, ol_out, vm, sbv_set1(t), inv, 1);
    else
        sbv_write(x, y, n, -INFINITY, ol_out, vm, sbv_set1(1.0f), inv, 0);
    return SOFTMAX_OK;
}

/* log-softmax from the online pair: (x - m) t - log s. */
static int sbv_log_online(const float *x, float *y, size_t n, float T)
{
    int st;
    if (sb_log_prologue(x, y, n, T, &st))
        return st;
    float t = 1.0f / T;
    if (isinf(t)) {
        sb_scalar_log_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    int special = 0, scaled = T != 1.0f;
    float xmin;
    struct sb_part tot = scaled ? ol_pass1(x, n, t, 1, &special, &xmin, T)
                                : ol_pass1(x, n, 1.0f, 0, &special, &xmin, T);
    if (special || !isfinite(tot.m) || !isfinite(tot.s) || tot.s == 0.0f) {
        sb_edge_log(x, y, n, T);
        return SOFTMAX_OK;
    }
    if (sbv_span_overflows(x, n, tot.m, xmin, T)) {
        sb_scalar_log_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    sbv_log_write(x, y, n, tot.m, t, (float)log((double)tot.s), scaled);
    return SOFTMAX_OK;
}
