/* body/threepass.h - the three-pass algorithm over the vector layer
 * (sbv_*, SBV_W lanes): included by avx2/threepass.c and avx512/threepass.c,
 * each compiled with its own ISA flags. See avx512/threepass.c for the
 * bound's derivation and the edges. */

#include "body.h"

#define TP_BLOCK (32 * SBV_W) /* 8 terms per lane per block */
#define TP_STEP (4 * SBV_W)

/* exp((v - m) t): `scaled` (T != 1) and `raw` (every argument known to be
 * in [SBV_RAW_LO, 0], so no clamp) are constants at each call. */
static inline __attribute__((always_inline)) sbv tp_exp(sbv v, sbv vm, sbv vt, int scaled, int raw)
{
    sbv d = sbv_sub(v, vm);
    d = sbv_scaled(d, vt, scaled);
    return raw ? sbv_exp_raw(d) : sbv_exp(d);
}

/* exp((x - m) * t) into y (store 0: not stored, the log kernels), summed;
 * `scaled`, `raw` and `store` are constants at each call, so T = 1 gets a
 * loop without the multiply and no variant tests store per element. */
static inline __attribute__((always_inline)) float
tp_exp_pass(const float *x, float *y, size_t n, float m, float t, int scaled, int raw, int store)
{
    const sbv vm = sbv_set1(m), vt = sbv_set1(t);
    struct sb_cascade c;
    c.count = 0; /* the slots are written before they are read */
    size_t i;
    for (size_t b = 0; b < n; b += TP_BLOCK) {
        size_t end = n - b < TP_BLOCK ? n : b + TP_BLOCK;
        sbv s0 = sbv_zero(), s1 = s0, s2 = s0, s3 = s0;
        for (i = b; i + TP_STEP <= end; i += TP_STEP) {
            sbv e0 = tp_exp(sbv_loadu(x + i), vm, vt, scaled, raw);
            sbv e1 = tp_exp(sbv_loadu(x + i + SBV_W), vm, vt, scaled, raw);
            sbv e2 = tp_exp(sbv_loadu(x + i + 2 * SBV_W), vm, vt, scaled, raw);
            sbv e3 = tp_exp(sbv_loadu(x + i + 3 * SBV_W), vm, vt, scaled, raw);
            if (store) {
                sbv_storeu(y + i, e0);
                sbv_storeu(y + i + SBV_W, e1);
                sbv_storeu(y + i + 2 * SBV_W, e2);
                sbv_storeu(y + i + 3 * SBV_W, e3);
            }
            s0 = sbv_add(s0, e0);
            s1 = sbv_add(s1, e1);
            s2 = sbv_add(s2, e2);
            s3 = sbv_add(s3, e3);
        }
        for (int r = 0; i < end; i += SBV_W, r = (r + 1) & 3) {
            sbv e = sbv_keep(tp_exp(sbv_load_tail(x + i, end - i, m), vm, vt, scaled, raw), end - i,
                             0.0f);
            if (store)
                sbv_store_tail(y + i, end - i, e);
            /* rotate, so no lane meets more than 8 terms in a block */
            sbv *s = r == 0 ? &s0 : r == 1 ? &s1 : r == 2 ? &s2 : &s3;
            *s = sbv_add(*s, e);
        }
        struct sb_part p = {sbv_hadd(sbv_add(sbv_add(s0, s1), sbv_add(s2, s3))), 0.0f};
        sb_cascade_push(&c, p, sb_merge_sum, 1.0f);
    }
    return sb_cascade_total(&c, sb_merge_sum, 1.0f, (struct sb_part){0.0f, 0.0f}).s;
}

/* The max pass: the max of x, NaN noted in *nan, the min in *lo. */
static inline __attribute__((always_inline)) float tp_max(const float *x, size_t n, int *nan,
                                                          float *lo_out)
{
    sbv m0 = sbv_set1(-INFINITY), m1 = m0, lo = sbv_set1(INFINITY);
    size_t i = 0;
    for (; i + 2 * SBV_W <= n; i += 2 * SBV_W) {
        sbv a = sbv_loadu(x + i), b = sbv_loadu(x + i + SBV_W);
        *nan |= sbv_unord(a, b);
        m0 = sbv_max(m0, a);
        m1 = sbv_max(m1, b);
        lo = sbv_min(lo, sbv_min(a, b));
    }
    for (; i < n; i += SBV_W) {
        sbv a = sbv_load_tail(x + i, n - i, -INFINITY);
        *nan |= sbv_unord(a, a);
        m0 = sbv_max(m0, a);
        lo = sbv_min(lo, sbv_keep(a, n - i, INFINITY));
    }
    *lo_out = sbv_hmin(lo);
    return sbv_hmax(sbv_max(m0, m1));
}

/* The sum of exp((x - m)/T) (into y too where store, a constant), through
 * the variant that fits: T = 1 or not, every argument within the
 * exponential's unclamped range (raw; false for -inf entries and overflowed
 * spans) or not. */
static inline __attribute__((always_inline)) float tp_sum(const float *x, float *y, size_t n,
                                                          float m, float lo, float T, int store)
{
    float t = 1.0f / T, low = (lo - m) * t;
    int raw = low >= SBV_RAW_LO;
    return T == 1.0f ? (raw ? tp_exp_pass(x, y, n, m, 1.0f, 0, 1, store)
                            : tp_exp_pass(x, y, n, m, 1.0f, 0, 0, store))
                     : (raw ? tp_exp_pass(x, y, n, m, t, 1, 1, store)
                            : tp_exp_pass(x, y, n, m, t, 1, 0, store));
}

/* The scale pass, y *= f (f = 1/S; the split: its chunk's factor). */
static inline __attribute__((always_inline)) void tp_scale(float *y, size_t n, float f)
{
    const sbv vf = sbv_set1(f);
    size_t i;
    for (i = 0; i + TP_STEP <= n; i += TP_STEP) {
        sbv_storeu(y + i, sbv_mul(sbv_loadu(y + i), vf));
        sbv_storeu(y + i + SBV_W, sbv_mul(sbv_loadu(y + i + SBV_W), vf));
        sbv_storeu(y + i + 2 * SBV_W, sbv_mul(sbv_loadu(y + i + 2 * SBV_W), vf));
        sbv_storeu(y + i + 3 * SBV_W, sbv_mul(sbv_loadu(y + i + 3 * SBV_W), vf));
    }
    for (; i < n; i += SBV_W)
        sbv_store_tail(y + i, n - i, sbv_mul(sbv_load_tail(y + i, n - i, 0.0f), vf));
}

static int sbv_threepass(const float *x, float *y, size_t n, float T)
{
    int st, nan = 0;
    float lo;
    if (sb_prologue(x, y, n, T, &st))
        return st;
    float m = tp_max(x, n, &nan, &lo);
    if (nan || !isfinite(m)) {
        sb_edge(x, y, n, T);
        return SOFTMAX_OK;
    }
    /* the span overflows float and T would shrink it, or 1/T overflows */
    if (sbv_span_overflows(x, n, m, lo, T) || isinf(1.0f / T)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    tp_scale(y, n, 1.0f / tp_sum(x, y, n, m, lo, T, 1));
    return SOFTMAX_OK;
}

#ifndef SBV_SIZELESS /* SVE: v[2][NV] cannot hold sizeless vectors; its records have no rows */
/* Short rows, natively (the record's `rows`): a row of at most
 * SBV_ROW_VECS vectors is loaded once and kept in registers through the max,
 * the exponentials and the scale, and the per-call work (argument checks,
 * 1/T, the variant choice) is done once per batch; at cols = 128 the row
 * kernel spent more on that than on the row. Two rows go side by side, so
 * that one's reductions overlap the other's arithmetic (4096 x 64 on
 * AVX-512: 0.21 ns per element, against 0.26 one row at a time).
 * The same bits as sbv_threepass on each row: the same exponential (the
 * clamped form equals the raw one wherever that is taken: both give 0 below
 * -104), vector j's term summed into accumulator j mod 4 in order and folded
 * as there, the same 1/S; the max is exact in any order, and at T = 1 the
 * multiply by 1 is exact. A row with NaN, +inf, all -inf, or a span that
 * overflows when T > 1 goes to sbv_threepass, and so does the whole batch
 * at T = +inf or where 1/T overflows. NV, the row's vector count, and G, the
 * rows side by side, are constants at each call and the loops over them
 * unrolled (GCC's -O2 would keep them as loops), so v[g][j] lives in
 * registers (the longest rows, two at a time, spill some: 2 x 16 vectors
 * fill all 32 zmm registers). */
#define TP_UNROLL _Pragma("GCC unroll 16")

/* G rows (a constant) from x: each row's vectors into v[g], its max into
 * m[g]; a bit of the result set for each row the fast path cannot take. */
static inline __attribute__((always_inline)) unsigned tp_rows_max(const float *x, size_t ldx,
                                                                  size_t n, size_t last, float T,
                                                                  sbv v[][SBV_ROW_VECS], float *m,
                                                                  const int G, const int NV)
{
    unsigned slow = 0;
    TP_UNROLL
    for (int g = 0; g < G; g++) {
        const float *xg = x + g * ldx;
        TP_UNROLL
        for (int j = 0; j < NV - 1; j++)
            v[g][j] = sbv_loadu(xg + j * SBV_W);
        v[g][NV - 1] = sbv_load_tail(xg + (NV - 1) * SBV_W, last, -INFINITY);
    }
    TP_UNROLL
    for (int g = 0; g < G; g++) {
        sbv mx = v[g][NV - 1], lo = sbv_keep(v[g][NV - 1], last, INFINITY);
        int nan = sbv_unord(v[g][NV - 1], v[g][NV - 1]);
        TP_UNROLL
        for (int j = 0; j < NV - 1; j++) {
            nan |= sbv_unord(v[g][j], v[g][j]);
            mx = sbv_max(mx, v[g][j]);
            lo = sbv_min(lo, v[g][j]);
        }
        m[g] = sbv_hmax(mx);
        if (nan || !isfinite(m[g]) ||
            (T > 1.0f && sbv_span_overflows(x + g * ldx, n, m[g], sbv_hmin(lo), T)))
            slow |= 1u << g;
    }
    return slow;
}

/* The G rows' terms, sums and outputs, rows interleaved step by step. */
static inline __attribute__((always_inline)) void tp_rows_out(float *y, size_t ldy, size_t last,
                                                              sbv vt, sbv v[][SBV_ROW_VECS],
                                                              const float *m, const int G,
                                                              const int NV)
{
    sbv s[2][4], inv[2];
    TP_UNROLL
    for (int g = 0; g < G; g++) {
        const sbv vm = sbv_set1(m[g]);
        s[g][0] = s[g][1] = s[g][2] = s[g][3] = sbv_zero();
        TP_UNROLL
        for (int j = 0; j < NV; j++) {
            v[g][j] = tp_exp(v[g][j], vm, vt, 1, 0); /* the tail's -inf: 0 */
            s[g][j & 3] = sbv_add(s[g][j & 3], v[g][j]);
        }
    }
    TP_UNROLL
    for (int g = 0; g < G; g++)
        inv[g] = sbv_set1(1.0f /
                          sbv_hadd(sbv_add(sbv_add(s[g][0], s[g][1]), sbv_add(s[g][2], s[g][3]))));
    TP_UNROLL
    for (int g = 0; g < G; g++) {
        float *yg = y + g * ldy;
        TP_UNROLL
        for (int j = 0; j < NV - 1; j++)
            sbv_storeu(yg + j * SBV_W, sbv_mul(v[g][j], inv[g]));
        sbv_store_tail(yg + (NV - 1) * SBV_W, last, sbv_mul(v[g][NV - 1], inv[g]));
    }
}

static inline __attribute__((always_inline)) void tp_rows_nv(const float *x, size_t ldx, float *y,
                                                             size_t ldy, size_t rows, size_t n,
                                                             float T, const int NV)
{
    const size_t last = n - (size_t)(NV - 1) * SBV_W; /* lanes in the last vector */
    const sbv vt = sbv_set1(1.0f / T);
    sbv v[2][SBV_ROW_VECS];
    float m[2];
    size_t r = 0;
    for (; r + 2 <= rows; r += 2, x += 2 * ldx, y += 2 * ldy) {
        unsigned slow = tp_rows_max(x, ldx, n, last, T, v, m, 2, NV);
        if (slow == 0) {
            tp_rows_out(y, ldy, last, vt, v, m, 2, NV);
            continue;
        }
        TP_UNROLL
        for (int g = 0; g < 2; g++)
            if (slow >> g & 1u)
                sbv_threepass(x + g * ldx, y + g * ldy, n, T);
            else
                tp_rows_out(y + g * ldy, ldy, last, vt, v + g, m + g, 1, NV);
    }
    if (r < rows) {
        if (tp_rows_max(x, ldx, n, last, T, v, m, 1, NV))
            sbv_threepass(x, y, n, T);
        else
            tp_rows_out(y, ldy, last, vt, v, m, 1, NV);
    }
}

static int sbv_threepass_rows(const float *x, size_t ldx, float *y, size_t ldy, size_t rows,
                              size_t cols, float T)
{
    int st = sb_check_rows(x, ldx, y, ldy, rows, cols, T, 1);
    if (st != SOFTMAX_OK || rows == 0 || cols == 0)
        return st;
    size_t nv = (cols + SBV_W - 1) / SBV_W;
    if (nv > SBV_ROW_VECS || isinf(T) || isinf(1.0f / T)) { /* sb_edge, the scalar body */
        for (size_t r = 0; r < rows; r++)
            sbv_threepass(x + r * ldx, y + r * ldy, cols, T);
        return SOFTMAX_OK;
    }
    switch (nv) {
/* Laid out by hand: the macro's calls as a table. */
// clang-format off
#define TP_ROWS_CASE(NV)                                                                           \
    case NV: tp_rows_nv(x, ldx, y, ldy, rows, cols, T, NV); break;
    TP_ROWS_CASE(1) TP_ROWS_CASE(2) TP_ROWS_CASE(3) TP_ROWS_CASE(4)
    TP_ROWS_CASE(5) TP_ROWS_CASE(6) TP_ROWS_CASE(7) TP_ROWS_CASE(8)
#if SBV_ROW_VECS > 8
    TP_ROWS_CASE(9) TP_ROWS_CASE(10) TP_ROWS_CASE(11) TP_ROWS_CASE(12)
    TP_ROWS_CASE(13) TP_ROWS_CASE(14) TP_ROWS_CASE(15) TP_ROWS_CASE(16)
#endif
#undef TP_ROWS_CASE
        // clang-format on
    }
    return SOFTMAX_OK;
}

#endif

static int sbv_log_threepass(const float *x, float *y, size_t n, float T)
{
    int st, nan = 0;
    float lo;
    if (sb_log_prologue(x, y, n, T, &st))
        return st;
    float m = tp_max(x, n, &nan, &lo);
    if (nan || !isfinite(m)) {
        sb_edge_log(x, y, n, T);
        return SOFTMAX_OK;
    }
    if (sbv_span_overflows(x, n, m, lo, T) || isinf(1.0f / T)) {
        sb_scalar_log_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    float L = (float)log((double)tp_sum(x, NULL, n, m, lo, T, 0));
    sbv_log_write(x, y, n, m, 1.0f / T, L, T != 1.0f);
    return SOFTMAX_OK;
}

/* The split entry's chunk stage (kernels/batch.c): the chunk's max *m and
 * the sum of exp((x - m)/T), the terms stored in y unless it is NULL. 1 when the whole row
 * must go to a kernel instead (a NaN, +inf, a span float cannot take when
 * T > 1, or 1/T overflowing); a chunk of -inf only gives *m = -inf, *s = 0
 * and y untouched. */
static int sbv_chunk_terms(const float *x, float *y, size_t n, float T, float *m_out, double *s_out)
{
    int nan = 0;
    float lo, m = tp_max(x, n, &nan, &lo);
    *m_out = m;
    *s_out = 0.0;
    if (nan || m == INFINITY)
        return 1;
    if (m == -INFINITY)
        return 0;
    if (sbv_span_overflows(x, n, m, lo, T) || isinf(1.0f / T))
        return 1;
    *s_out = y != NULL ? tp_sum(x, y, n, m, lo, T, 1) : tp_sum(x, NULL, n, m, lo, T, 0);
    return 0;
}

/* y *= f over a chunk. */
static void sbv_chunk_scale(float *y, size_t n, float f) { tp_scale(y, n, f); }
