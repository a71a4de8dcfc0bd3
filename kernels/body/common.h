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

/* An output pass, per vector of x: out(v, c), c holding the pass's
 * constants. `scaled` is a constant at each call site, so that with the
 * always_inline writer below each variant compiles to its own loop. */
struct sbv_out {
    sbv a, b, c;
    int scaled;
};
typedef sbv (*sbv_out_fn)(sbv v, const struct sbv_out *c);

#define SBV_NT_MIN (1u << 20) /* elements: 4 MB of output */
#define SBV_OUT_STEP (4 * SBV_W)

/* y = out(x), vector by vector, tails masked. From SBV_NT_MIN elements on,
 * and when y is at least 4-byte aligned, the stores are non-temporal (y is
 * not read again), after a masked head up to a vector boundary of y. */
static inline __attribute__((always_inline)) void sbv_write(const float *x, float *y, size_t n,
                                                            float fill, sbv_out_fn out,
                                                            const struct sbv_out *c)
{
    size_t i = 0;
    if (n >= SBV_NT_MIN && sbv_can_stream(y)) {
        const size_t align = SBV_W * sizeof(float);
        size_t head = ((align - ((uintptr_t)y & (align - 1))) & (align - 1)) / sizeof(float);
        if (head > 0)
            sbv_store_tail(y, head, out(sbv_load_tail(x, head, fill), c));
        for (i = head; i + SBV_OUT_STEP <= n; i += SBV_OUT_STEP)
            for (int j = 0; j < 4; j++)
                sbv_stream(y + i + j * SBV_W, out(sbv_loadu(x + i + j * SBV_W), c));
        _mm_sfence();
    } else {
        for (; i + SBV_OUT_STEP <= n; i += SBV_OUT_STEP)
            for (int j = 0; j < 4; j++)
                sbv_storeu(y + i + j * SBV_W, out(sbv_loadu(x + i + j * SBV_W), c));
    }
    for (; i < n; i += SBV_W)
        sbv_store_tail(y + i, n - i, out(sbv_load_tail(x + i, n - i, fill), c));
}

#endif
