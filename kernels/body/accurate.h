/* body/accurate.h - the accurate softmax and log-softmax over the double
 * layer (avx2/dvec_avx2.h, avx512/dvec_avx512.h): included by avx2/accurate.c and
 * avx512/accurate.c, where the error budgets are derived.
 *
 * Softmax, up to AC_KEEP elements: three passes, the terms kept on the
 * stack (the max; the terms exp((x - m)/T) into the buffer and the sum; the
 * buffer times 1/S), one exponential per element. Beyond, two passes and two
 * exponentials per element, as memory wants:
 *
 * Pass 1 keeps per float lane a reference R, a sum of exp((x - R)/T) in
 * double and the lane's max. R is not the running max but trails it: a
 * block of 4 vectors whose lane maxima all stay at or below the threshold
 * th = fl(R + 32 T) adds its terms against R as it is (terms up to e^64:
 * rounding to nearest can carry th up by at most 32 T, as th only rounds up
 * when a float lies within 64 T of R), and only a block that passes it moves
 * R up to its maxima, multiplying the lane's sums by exp((R_old - R_new)/T).
 * So the rescale, with an exponential of its own, is rare (once per lane
 * for most inputs; at most once per 32 T of growth) and its error does not
 * pile up: each rescale multiplies by under e^-32, so a sum that has been
 * through two is under n e^-32 of the total. R starts at -FLT_MAX, so that
 * -inf entries make no NaN; their terms, like all below -120, count as
 * e^-120 of R's (at most n 2^-173 of S, and 0 in every output).
 * The sums run per chunk of AC_CHUNK elements into fresh accumulators, then
 * into the lane's total, so no accumulator takes more than a few hundred
 * terms in a row. At the end the lanes merge against the max m (factors
 * exp((R - m)/T) <= 1; exp(0) is exactly 1), the tail past the last full
 * vector adds its terms with libm's exp, and a NaN or +inf in x, seen as a
 * NaN sum, or a max that is not finite, sends the input to sb_edge.
 *
 * Pass 2: y = exp((x - m)/T) / S with 1/S folded into the exponential's
 * constants (the table, or the polynomial), one rounding to double more
 * than a multiply would cost, and none per element.
 *
 * The log kernels keep the three-pass form: their sum leaves out the max's
 * entries (log S = log k + log1p(R/k), scalar/accurate.c), which a trailing
 * reference cannot.
 */
#include <float.h>
#include <stdlib.h>

#include "body.h"

#define AC_BLOCK (4 * SBV_W) /* elements per threshold test */
#define AC_CHUNK 4096        /* elements per partial sum */
#define AC_STACK 2048        /* the three-pass form's buffer on the stack: 16 KB */
#define AC_LO -120.0         /* the softmax clamp, in units of T */

/* The max of x; 0 when the contract decides (a NaN, no finite entry). */
static int ac_max(const float *x, size_t n, float *out)
{
    sbv vm = sbv_set1(-INFINITY);
    int nan = 0;
    size_t i = 0;
    for (; i + SBV_W <= n; i += SBV_W) {
        sbv v = sbv_loadu(x + i);
        nan |= sbv_unord(v, v) != 0;
        vm = sbv_max(vm, v);
    }
    float m = sbv_hmax(vm);
    for (; i < n; i++) {
        nan |= x[i] != x[i];
        m = x[i] > m ? x[i] : m;
    }
    *out = m;
    return !nan && isfinite(m);
}

/* The three-pass form with x's max m, the terms into keep (n rounded up to
 * whole vectors). */
static void ac_kept(const float *x, float *y, size_t n, float m, double T, double *keep)
{
    struct sbd_exp e;
    sbd_exp_init(&e, T, AC_LO, 1.0);
    const sbd vm = sbd_set1(m);
    const size_t full = n / SBD_W * SBD_W;
    sbd s0 = sbd_zero(), s1 = s0, s2 = s0, s3 = s0;
    size_t i = 0;
    for (; i + 4 * SBD_W <= full; i += 4 * SBD_W) {
        sbd e0 = sbd_exp(sbd_sub(sbd_load(x + i), vm), &e);
        sbd e1 = sbd_exp(sbd_sub(sbd_load(x + i + SBD_W), vm), &e);
        sbd e2 = sbd_exp(sbd_sub(sbd_load(x + i + 2 * SBD_W), vm), &e);
        sbd e3 = sbd_exp(sbd_sub(sbd_load(x + i + 3 * SBD_W), vm), &e);
        sbd_stored(keep + i, e0);
        sbd_stored(keep + i + SBD_W, e1);
        sbd_stored(keep + i + 2 * SBD_W, e2);
        sbd_stored(keep + i + 3 * SBD_W, e3);
        s0 = sbd_add(s0, e0);
        s1 = sbd_add(s1, e1);
        s2 = sbd_add(s2, e2);
        s3 = sbd_add(s3, e3);
    }
    for (; i < full; i += SBD_W) {
        sbd e0 = sbd_exp(sbd_sub(sbd_load(x + i), vm), &e);
        sbd_stored(keep + i, e0);
        s0 = sbd_add(s0, e0);
    }
    const double t = 1.0 / T;
    const double S = sbd_hadd(sbd_add(sbd_add(s0, s1), sbd_add(s2, s3))) +
                     sb_accurate_tail_sum(x, full, n, m, t);
    const double inv = 1.0 / S;
    const sbd vi = sbd_set1(inv);
    for (i = 0; i < full; i += SBD_W)
        sbd_store(y + i, sbd_mul(sbd_loadd(keep + i), vi));
    sb_accurate_tail_out(x, y, full, n, m, t, inv);
}

/* Pass 1's state: per float lane the reference R, the threshold th and the
 * max M; R in double, as the halves of a float vector (lo, hi); the totals
 * and the chunk's sums, two accumulators per half. Eleven variables passed
 * by address, not a struct (SVE's vectors have no size); inlined, they stay
 * in registers. */
#define AC_LANES                                                                                   \
    sbv *R, sbv *th, sbv *M, sbd *rlo, sbd *rhi, sbd *tlo, sbd *thi, sbd *a0, sbd *a1, sbd *b0,    \
        sbd *b1
#define AC_L R, th, M, rlo, rhi, tlo, thi, a0, a1, b0, b1

/* Moves R up to the block maxima bm, rescaling the sums. */
static inline __attribute__((always_inline)) void ac_rescale(AC_LANES, sbv bm,
                                                             const struct sbd_exp *e, sbd span)
{
    (void)M;
    sbv r = sbv_max(*R, bm);
    sbd nlo = sbd_lo(r), nhi = sbd_hi(r);
    sbd flo = sbd_exp(sbd_sub(*rlo, nlo), e), fhi = sbd_exp(sbd_sub(*rhi, nhi), e);
    *a0 = sbd_mul(*a0, flo);
    *a1 = sbd_mul(*a1, flo);
    *tlo = sbd_mul(*tlo, flo);
    *b0 = sbd_mul(*b0, fhi);
    *b1 = sbd_mul(*b1, fhi);
    *thi = sbd_mul(*thi, fhi);
    *R = r;
    *rlo = nlo;
    *rhi = nhi;
    *th = sbd_pack(sbd_add(nlo, span), sbd_add(nhi, span));
}

/* Tests one group of vectors' lane maxima bm against the threshold. */
static inline __attribute__((always_inline)) void ac_test(AC_LANES, sbv bm, const struct sbd_exp *e,
                                                          sbd span)
{
    *M = sbv_max(*M, bm);
    if (sbv_any_gt(bm, *th))
        ac_rescale(AC_L, bm, e, span);
}

/* One float vector's terms into accumulator pair 0 or 1. */
static inline __attribute__((always_inline)) void ac_terms(AC_LANES, const float *p, int pair,
                                                           const struct sbd_exp *e)
{
    (void)R, (void)th, (void)M, (void)tlo, (void)thi;
    sbd lo = sbd_exp(sbd_sub(sbd_load(p), *rlo), e);
    sbd hi = sbd_exp(sbd_sub(sbd_load(p + SBD_W), *rhi), e);
    if (pair) {
        *a1 = sbd_add(*a1, lo);
        *b1 = sbd_add(*b1, hi);
    } else {
        *a0 = sbd_add(*a0, lo);
        *b0 = sbd_add(*b0, hi);
    }
}

/* One block of 4 vectors at p: the threshold test, then its terms. */
static inline __attribute__((always_inline)) void ac_block(AC_LANES, const float *p,
                                                           const struct sbd_exp *e, sbd span)
{
    sbv v0 = sbv_loadu(p), v1 = sbv_loadu(p + SBV_W);
    sbv v2 = sbv_loadu(p + 2 * SBV_W), v3 = sbv_loadu(p + 3 * SBV_W);
    ac_test(AC_L, sbv_max(sbv_max(v0, v1), sbv_max(v2, v3)), e, span);
    ac_terms(AC_L, p, 0, e);
    ac_terms(AC_L, p + SBV_W, 1, e);
    ac_terms(AC_L, p + 2 * SBV_W, 0, e);
    ac_terms(AC_L, p + 3 * SBV_W, 1, e);
}

/* The chunk's sums into the lanes' totals. */
static inline __attribute__((always_inline)) void ac_fold(AC_LANES)
{
    (void)R, (void)th, (void)M, (void)rlo, (void)rhi;
    *tlo = sbd_add(*tlo, sbd_add(*a0, *a1));
    *thi = sbd_add(*thi, sbd_add(*b0, *b1));
    *a0 = *a1 = *b0 = *b1 = sbd_zero();
}

#define AC_CHUNK_PAIRS (AC_CHUNK / (2 * AC_BLOCK))

/* Pass 1 over x: *m the max, *S the sum against it; 0 when the contract
 * decides (a NaN, +inf, or no finite entry). The blocks come alternately
 * from the two halves of x: two streams keep more reads in flight (as in
 * the float two-pass kernel). */
static int ac_pass1(const float *x, size_t n, double T, float *mout, double *sout)
{
    struct sbd_exp e;
    sbd_exp_init(&e, T, AC_LO, 1.0);
    const sbd span = sbd_set1(32.0 * T);
    sbv vR = sbv_set1(-FLT_MAX), vth = vR, vM = sbv_set1(-INFINITY);
    sbd vrlo = sbd_set1(-FLT_MAX), vrhi = vrlo, vtlo = sbd_zero(), vthi = vtlo, va0 = vtlo,
        va1 = vtlo, vb0 = vtlo, vb1 = vtlo;
    sbv *R = &vR, *th = &vth, *M = &vM;
    sbd *rlo = &vrlo, *rhi = &vrhi, *tlo = &vtlo, *thi = &vthi, *a0 = &va0, *a1 = &va1, *b0 = &vb0,
        *b1 = &vb1;
    const size_t nv = n / SBV_W * SBV_W, half = n / (2 * AC_BLOCK);
    const float *xb = x + half * AC_BLOCK;
    for (size_t c = 0; c < half; c += AC_CHUNK_PAIRS) {
        const size_t end = half - c < AC_CHUNK_PAIRS ? half : c + AC_CHUNK_PAIRS;
        for (size_t k = c; k < end; k++) {
            ac_block(AC_L, x + k * AC_BLOCK, &e, span);
            ac_block(AC_L, xb + k * AC_BLOCK, &e, span);
        }
        ac_fold(AC_L);
    }
    size_t i = 2 * half * AC_BLOCK;
    if (i + AC_BLOCK <= nv) {
        ac_block(AC_L, x + i, &e, span);
        i += AC_BLOCK;
    }
    for (; i < nv; i += SBV_W) {
        ac_test(AC_L, sbv_loadu(x + i), &e, span);
        ac_terms(AC_L, x + i, 0, &e);
    }
    ac_fold(AC_L);
    float m = sbv_hmax(vM);
    int nan = 0;
    for (size_t j = nv; j < n; j++) {
        nan |= x[j] != x[j];
        m = x[j] > m ? x[j] : m;
    }
    if (nan || !isfinite(m))
        return 0;
    const sbd vm = sbd_set1(m);
    sbd s = sbd_add(sbd_mul(vtlo, sbd_exp(sbd_sub(vrlo, vm), &e)),
                    sbd_mul(vthi, sbd_exp(sbd_sub(vrhi, vm), &e)));
    double S = sbd_hadd(s) + sb_accurate_tail_sum(x, nv, n, m, 1.0 / T);
    *mout = m;
    *sout = S;
    return isfinite(S);
}

/* Pass 2 over [0, full) of x (full a multiple of SBD_W): y = the scaled
 * exponential of x - m, two streams as pass 1. */
static inline __attribute__((always_inline)) void ac_out(const float *x, float *y, size_t i, sbd vm,
                                                         const struct sbd_exp *e)
{
    sbd_store(y + i, sbd_exp(sbd_sub(sbd_load(x + i), vm), e));
}

static void ac_pass2(const float *x, float *y, size_t full, sbd vm, const struct sbd_exp *e)
{
    const size_t step = 4 * SBD_W, half = full / (2 * step) * step;
    for (size_t i = 0; i < half; i += step)
        for (size_t j = 0; j < step; j += SBD_W) {
            ac_out(x, y, i + j, vm, e);
            ac_out(x, y, half + i + j, vm, e);
        }
    for (size_t i = 2 * half; i < full; i += SBD_W)
        ac_out(x, y, i, vm, e);
}

static int sbd_accurate(const float *x, float *y, size_t n, float T)
{
    int st;
    if (sb_prologue(x, y, n, T, &st))
        return st;
    float m;
    double S;
    if (n <= sb_accurate_keep_max) {
        /* the buffer: on the stack, so that small calls stay free of malloc
         * and its varying cost, else the heap; without it, two passes */
        double stackbuf[AC_STACK] __attribute__((aligned(64)));
        double *keep = n <= AC_STACK ? stackbuf
                                     : sb_aligned_alloc(64, (n * sizeof(double) + 63) / 64 * 64);
        if (keep != NULL) {
            if (!ac_max(x, n, &m))
                sb_edge(x, y, n, T);
            else
                ac_kept(x, y, n, m, T, keep);
            if (keep != stackbuf)
                free(keep);
            return SOFTMAX_OK;
        }
    }
    if (!ac_pass1(x, n, T, &m, &S)) {
        sb_edge(x, y, n, T);
        return SOFTMAX_OK;
    }
    const double inv = 1.0 / S;
    struct sbd_exp e;
    sbd_exp_init(&e, T, AC_LO, inv);
    const size_t full = n / SBD_W * SBD_W;
    ac_pass2(x, y, full, sbd_set1(m), &e);
    sb_accurate_tail_out(x, y, full, n, m, 1.0 / T, inv);
    return SOFTMAX_OK;
}

/* log-softmax, every step in double, rounded once: y_i = -(|d_i| + log S)
 * with log S = log k + log1p(R/k) (scalar/accurate.c). */
static int sbd_log_accurate(const float *x, float *y, size_t n, float T)
{
    int st;
    float m;
    if (sb_log_prologue(x, y, n, T, &st))
        return st;
    if (!ac_max(x, n, &m)) {
        sb_edge_log(x, y, n, T);
        return SOFTMAX_OK;
    }
    struct sbd_exp e;
    sbd_exp_init(&e, T, SB_ACCURATE_LOG_LO, 1.0);
    const double t = 1.0 / (double)T;
    const sbd vm = sbd_set1(m), vt = sbd_set1(t);
    struct sb_dcascade c;
    c.count = 0; /* the slots are written before they are read */
    const size_t full = n / SBD_W * SBD_W;
    size_t k = 0, i;
    for (size_t b = 0; b < full; b += AC_CHUNK) {
        const size_t end = full - b < AC_CHUNK ? full : b + AC_CHUNK;
        sbd s0 = sbd_zero(), s1 = s0;
        for (i = b; i + 2 * SBD_W <= end; i += 2 * SBD_W) {
            s0 = sbd_add(s0, sbd_log_term(sbd_load(x + i), vm, &e, &k));
            s1 = sbd_add(s1, sbd_log_term(sbd_load(x + i + SBD_W), vm, &e, &k));
        }
        for (; i < end; i += SBD_W)
            s0 = sbd_add(s0, sbd_log_term(sbd_load(x + i), vm, &e, &k));
        sb_dcascade_push(&c, sbd_hadd(sbd_add(s0, s1)));
    }
    sb_dcascade_push(&c, sb_accurate_log_tail_sum(x, full, n, m, t, &k));
    const double R = sb_dcascade_total(&c), L = sb_accurate_log_sum(k, R);
    const int pos = sb_accurate_log_positive(x, n, m, k, R);
    const sbd vL = sbd_set1(L);
    for (i = 0; i < full; i += SBD_W)
        sbd_log_store(y + i, sbd_load(x + i), vm, vt, vL, pos);
    sb_accurate_log_tail_out(x, y, full, n, m, t, L, pos);
    return SOFTMAX_OK;
}
