/* body/common.h - what the algorithm bodies share, over the vector layer. */
#ifndef SB_BODY_COMMON_H
#define SB_BODY_COMMON_H

/* The smallest finite-or-+inf logit, -inf entries (masked ones) skipped: a
 * second look at x, taken only when a span test saw -inf. */
static inline float sbv_finite_min(const float *x, size_t n)
{
    sbv lo = sbv_set1(INFINITY);
    size_t i = 0;
    for (; i + SBV_W <= n; i += SBV_W)
        lo = sbv_min(lo, sbv_unmask(sbv_loadu(x + i), INFINITY));
    if (i < n)
        lo = sbv_min(lo, sbv_unmask(sbv_load_tail(x + i, n - i, INFINITY), INFINITY));
    return sbv_hmin(lo);
}

/* Whether (x - max) overflows float for some finite x when T > 1 shrinks
 * it: then the scalar body, which works in double, must take over. lo is the
 * min seen in the first pass, -inf entries included. */
static inline int sbv_span_overflows(const float *x, size_t n, float m, float lo, float T)
{
    if (!(T > 1.0f) || !isinf(m - lo))
        return 0;
    return lo == -INFINITY ? isinf(m - sbv_finite_min(x, n)) : 1;
}

/* Non-temporal stores need y aligned to the vector; a float pointer that is
 * not even 4-byte aligned never gets there. */
static inline int sbv_can_stream(const float *y) { return ((uintptr_t)y & 3) == 0; }

#endif
