/* avx512.twopass - the two-pass softmax of Dukhan and Ablavatski (2020) in
 * AVX-512F, as their paper does it: pass 1 computes each exp(x_i/T) as
 * p * 2^n (common.h, without the final scaling) and keeps per lane a sum as a
 * (mantissa, exponent) pair, rescaled with vscalefps when the exponent grows;
 * pass 2 recomputes p * 2^n and writes p * 2^(n - E) / M. Two reads of x and
 * one write of y: 12 bytes per element against the three-pass kernel's 20.
 * For n beyond NT_MIN the output is written with non-temporal stores (no
 * read for ownership, y is not kept in cache): see the README for the
 * measurement that chose it.
 *
 * Summation: 4 pairs of accumulators; every 512 elements the lanes fold into
 * one pair, pushed into the pairwise cascade. Rescaling is exact (powers of
 * two, terms below 2^-149 of the lane's leader dropped: < 2^-125 relative), so
 * the additions alone round: at most ceil(log2 n) + 6 times per term.
 *
 * Bound: 0.5 (reference) + 1.5 (1/M rounded, then the product) + 0.5 (a second
 * rounding into the subnormals) + 1.01 * [3 (exp) + 0.2 (|n| 2^-49 for
 * |n| < 2^23 in the reduction) + r*a_i (x_i * (1/T): two roundings, so
 * c_arg = 1.02 covers r = 2 at T != 1 and r = 0 at T = 1 needs none) + 3.2 +
 * r*abar + ceil(log2 n) + 6]: c0 = 2.5 + 1.01 * 12.4 = 15.0 -> 15.5,
 * c_arg = c_sum = 1.02.
 *
 * Extremes as in scalar.twopass: |x/T| beyond 2^20, NaN, +inf or every logit
 * below -2^21 send the input to the scalar three-pass body; logits below
 * -2^22 are clamped there; T = +inf goes to sb_edge.
 */
#include "common.h"

#define BLOCK 512
#define NT_MIN (1u << 20) /* elements: 4 MB of output */

/* Adds p * 2^n into the lane pair (M, E). */
static inline void acc(__m512 *M, __m512 *E, __m512 p, __m512 n)
{
    __m512 e = _mm512_max_ps(*E, n);
    *M = _mm512_add_ps(_mm512_scalef_ps(*M, _mm512_sub_ps(*E, e)), _mm512_scalef_ps(p, _mm512_sub_ps(n, e)));
    *E = e;
}

/* x * t clamped below at A_LO; bad collects lanes that are NaN or above A_HI. */
static inline __m512 scaled_arg(__m512 v, __m512 t, __mmask16 *bad)
{
    __m512 a = _mm512_mul_ps(v, t);
    *bad |= _mm512_cmp_ps_mask(a, _mm512_set1_ps(SB_TWOPASS_A_HI), _CMP_NLE_UQ);
    return _mm512_max_ps(a, _mm512_set1_ps(SB_TWOPASS_A_LO));
}

static inline void store(float *p, __m512 v, int nt)
{
    if (nt)
        _mm512_stream_ps(p, v);
    else
        _mm512_storeu_ps(p, v);
}

static int twopass(const float *x, float *y, size_t n, float T)
{
    int st = sb_check_args(x, y, n, T);
    if (st != SOFTMAX_OK || n == 0)
        return st;
    if (isinf(T)) {
        sb_edge(x, y, n, T);
        return SOFTMAX_OK;
    }
    float tf = 1.0f / T;
    if (isinf(tf)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }
    const __m512 vt = _mm512_set1_ps(tf), lowest = _mm512_set1_ps(-1e30f);
    __m512 k;
    __mmask16 bad = 0;
    struct sb_cascade c = {.count = 0};
    size_t i;
    for (size_t b = 0; b < n; b += BLOCK) {
        size_t end = n - b < BLOCK ? n : b + BLOCK;
        __m512 M0 = _mm512_setzero_ps(), M1 = M0, M2 = M0, M3 = M0;
        __m512 E0 = lowest, E1 = lowest, E2 = lowest, E3 = lowest;
        for (i = b; i + 64 <= end; i += 64) {
            __m512 p0 = sb512_exp_split(scaled_arg(_mm512_loadu_ps(x + i), vt, &bad), &k);
            acc(&M0, &E0, p0, k);
            __m512 p1 = sb512_exp_split(scaled_arg(_mm512_loadu_ps(x + i + 16), vt, &bad), &k);
            acc(&M1, &E1, p1, k);
            __m512 p2 = sb512_exp_split(scaled_arg(_mm512_loadu_ps(x + i + 32), vt, &bad), &k);
            acc(&M2, &E2, p2, k);
            __m512 p3 = sb512_exp_split(scaled_arg(_mm512_loadu_ps(x + i + 48), vt, &bad), &k);
            acc(&M3, &E3, p3, k);
        }
        for (; i < end; i += 16) {
            __mmask16 m = sb512_mask(end - i);
            __m512 p = sb512_exp_split(
                scaled_arg(_mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), m, x + i), vt, &bad), &k);
            acc(&M0, &E0, _mm512_maskz_mov_ps(m, p), _mm512_mask_mov_ps(lowest, m, k));
        }
        acc(&M0, &E0, M1, E1);
        acc(&M2, &E2, M3, E3);
        acc(&M0, &E0, M2, E2);
        float e = _mm512_reduce_max_ps(E0);
        float s = _mm512_reduce_add_ps(_mm512_scalef_ps(M0, _mm512_sub_ps(E0, _mm512_set1_ps(e))));
        sb_cascade_push(&c, (struct sb_part){s, e}, sb_merge_pow2, T);
    }
    struct sb_part tot = sb_cascade_total(&c, sb_merge_pow2, T, (struct sb_part){0.0f, 0.0f});
    if (bad || !(tot.m >= (float)SB_TWOPASS_K_LO) || !isfinite(tot.s)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }

    const __m512 vE = _mm512_set1_ps(tot.m), inv = _mm512_set1_ps(1.0f / tot.s);
    int nt = n >= NT_MIN;
    i = 0;
    if (nt) { /* reach a 64-byte boundary of y with one masked store */
        size_t head = ((64 - ((uintptr_t)y & 63)) & 63) / sizeof(float);
        if ((uintptr_t)y % sizeof(float) != 0)
            nt = 0; /* cannot happen for a valid float pointer; stay safe */
        else if (head > 0) {
            __mmask16 m = sb512_mask(head);
            __m512 p = sb512_exp_split(scaled_arg(_mm512_maskz_loadu_ps(m, x), vt, &bad), &k);
            _mm512_mask_storeu_ps(y, m, _mm512_scalef_ps(_mm512_mul_ps(p, inv), _mm512_sub_ps(k, vE)));
            i = head;
        }
    }
    for (; i + 64 <= n; i += 64) {
        for (int j = 0; j < 4; j++) {
            __m512 p = sb512_exp_split(scaled_arg(_mm512_loadu_ps(x + i + 16 * j), vt, &bad), &k);
            store(y + i + 16 * j, _mm512_scalef_ps(_mm512_mul_ps(p, inv), _mm512_sub_ps(k, vE)), nt);
        }
    }
    for (; i < n; i += 16) {
        __mmask16 m = sb512_mask(n - i);
        __m512 p = sb512_exp_split(scaled_arg(_mm512_maskz_loadu_ps(m, x + i), vt, &bad), &k);
        _mm512_mask_storeu_ps(y + i, m, _mm512_scalef_ps(_mm512_mul_ps(p, inv), _mm512_sub_ps(k, vE)));
    }
    if (nt)
        _mm_sfence();
    return SOFTMAX_OK;
}

const struct softmax_kernel sb_kernel_avx512_twopass = {
    .name = "avx512.twopass",
    .algorithm = "twopass",
    .isa = SOFTMAX_ISA_AVX512,
    .fn = twopass,
    .safe = 1,
    .bound = {.c0 = 15.5, .c_arg = 1.02, .arg = SOFTMAX_ARG_RAW, .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "AVX-512F Dukhan-Ablavatski two-pass, vscalefps sums, streaming stores beyond 1M",
};
