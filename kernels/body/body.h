/* body/body.h - what the algorithm bodies share, over the vector layer. */
#ifndef SB_BODY_COMMON_H
#define SB_BODY_COMMON_H

/* v * t, or v itself where t is 1 (scaled is a constant at each call site,
 * so each variant compiles without the other's multiply). */
static inline __attribute__((always_inline)) sbv sbv_scaled(sbv v, sbv t, int scaled)
{
    return scaled ? sbv_mul(v, t) : v;
}

/* A vector kept in memory, in a struct or an array: the vector itself,
 * except where the layer's vectors have no size (SVE), whose layer defines
 * SBV_SLOT and a slot of the largest vector length. */
#ifndef SBV_SLOT
typedef sbv sbv_slot;
static inline sbv sbv_get(const sbv_slot *s) { return *s; }
static inline void sbv_put(sbv_slot *s, sbv v) { *s = v; }
#endif

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

/* An output pass, per vector of x: out(v, a, b, c, scaled), a to c the
 * pass's constants (arguments, not a struct: SVE's vectors have no size, so
 * no struct can hold them). `scaled` is a constant at each call site, so
 * that with the always_inline writer below each variant compiles to its own
 * loop. */
typedef sbv (*sbv_out_fn)(sbv v, sbv a, sbv b, sbv c, int scaled);
#define SBV_OUT_ARGS sbv a, sbv b, sbv c, int scaled

#define SBV_OUT_STEP (4 * SBV_W)

/* y = out(x), vector by vector, tails masked. Plain stores at every size:
 * non-temporal ones (no read for ownership of y) measured slower on this
 * Zen 5 at 16M, the two-pass kernel 0.43 against 0.35 ns per element, since
 * the kernel is not purely memory bound (docs/vector-kernels.md, the "Stores" item). */
static inline __attribute__((always_inline)) void
sbv_write(const float *x, float *y, size_t n, float fill, sbv_out_fn out, SBV_OUT_ARGS)
{
    size_t i = 0;
    for (; i + SBV_OUT_STEP <= n; i += SBV_OUT_STEP)
        for (int j = 0; j < 4; j++)
            sbv_storeu(y + i + j * SBV_W, out(sbv_loadu(x + i + j * SBV_W), a, b, c, scaled));
    for (; i < n; i += SBV_W)
        sbv_store_tail(y + i, n - i, out(sbv_load_tail(x + i, n - i, fill), a, b, c, scaled));
}

/* sbv_write over two streams: the first and second halves of x (and y)
 * step by step, then the rest. Memory keeps more requests in flight for
 * two streams than for one: the two-pass kernel at 16M, pinned, 0.30 ns per
 * element against 0.32 on one stream (four streams: 0.31, and slower in
 * cache). */
static inline __attribute__((always_inline)) void
sbv_write2(const float *x, float *y, size_t n, float fill, sbv_out_fn out, SBV_OUT_ARGS)
{
    size_t half = n / (2 * SBV_OUT_STEP) * SBV_OUT_STEP;
    for (size_t i = 0; i < half; i += SBV_OUT_STEP)
        for (int j = 0; j < 4; j++) {
            sbv_storeu(y + i + j * SBV_W, out(sbv_loadu(x + i + j * SBV_W), a, b, c, scaled));
            sbv_storeu(y + half + i + j * SBV_W,
                       out(sbv_loadu(x + half + i + j * SBV_W), a, b, c, scaled));
        }
    sbv_write(x + 2 * half, y + 2 * half, n - 2 * half, fill, out, a, b, c, scaled);
}

/* log-softmax output, one vector of x: (x - m) t - L; a, b, c: m, t, L. -inf
 * entries stay -inf. */
static inline __attribute__((always_inline)) sbv sbv_log_out(sbv v, SBV_OUT_ARGS)
{
    return sbv_sub(sbv_scaled(sbv_sub(v, a), b, scaled), c);
}

/* The log kernels' output pass over x with shift m and log-sum L. */
static inline void sbv_log_write(const float *x, float *y, size_t n, float m, float t, float L,
                                 int scaled)
{
    if (scaled)
        sbv_write(x, y, n, 0.0f, sbv_log_out, sbv_set1(m), sbv_set1(t), sbv_set1(L), 1);
    else
        sbv_write(x, y, n, 0.0f, sbv_log_out, sbv_set1(m), sbv_set1(1.0f), sbv_set1(L), 0);
}

/* sb_prologue, then 1/T: where it overflows float the scalar body, which
 * works in double, takes over. 1 when the call is done (*st its status),
 * else 0 with *t = 1/T. */
static inline int sbv_prologue(const float *x, float *y, size_t n, float T, int *st, float *t)
{
    if (sb_prologue(x, y, n, T, st))
        return 1;
    *t = 1.0f / T;
    if (isinf(*t)) {
        sb_scalar_threepass(x, y, n, T);
        *st = SOFTMAX_OK;
        return 1;
    }
    return 0;
}

#endif
