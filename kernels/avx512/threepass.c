/* avx512.threepass - the safe three-pass softmax in AVX-512F: a max pass
 * (with a NaN check and the min, for the overflow test below), an exp pass
 * that stores exp((x_i - max) / T) and sums it, and a scale pass by 1/S.
 * 64 elements per iteration in four registers; masked loads and stores for
 * the tail, so nothing past the end is touched.
 *
 * Summation: four accumulators of 16 lanes, emptied every 512 elements into
 * the pairwise cascade: a term meets at most 7 additions in its lane, 2 + 4
 * folding the lanes, and ceil(log2(n/512)) + 1 cascade levels: under
 * ceil(log2 n) + 6.
 *
 * Bound: 0.5 (reference) + 1.5 (1/S rounded, then the product) + 0.5 (an
 * underflowed exp, S >= 1) + 1.01 * [3 (exp, common.h) + r*a_i + 3 + r*abar
 * + ceil(log2 n) + 6], where the argument (x_i - max) * (1/T) suffers up to
 * three roundings (x_i - max, 1/T, the product): c_arg = 1.53, so that with
 * the model's r = 2 at T != 1 it covers 3 x 1.02. Hence c0 = 2.5 + 1.01 * 12
 * = 14.6 -> 15, c_sum = 1.02.
 *
 * Edges: NaN, +inf, all -inf and T = +inf go to sb_edge; when T > 1 and the
 * logits span more than FLT_MAX (x - max overflows in float), the scalar
 * body, which forms the argument in double, takes over.
 */
#include "common.h"

#include <float.h>

#define BLOCK 512

/* exp((x - m) * t), stored in y and summed; `scaled` is a constant at each
 * call, so T = 1 gets a loop without the multiply. */
static inline __attribute__((always_inline)) __m512 arg(__m512 v, __m512 vm, __m512 vt, int scaled)
{
    __m512 d = _mm512_sub_ps(v, vm);
    return scaled ? _mm512_mul_ps(d, vt) : d;
}

static inline __attribute__((always_inline)) float exp_pass(const float *x, float *y, size_t n,
                                                            float m, float t, int scaled)
{
    const __m512 vm = _mm512_set1_ps(m), vt = _mm512_set1_ps(t);
    struct sb_cascade c = {.count = 0};
    size_t i;
    for (size_t b = 0; b < n; b += BLOCK) {
        size_t end = n - b < BLOCK ? n : b + BLOCK;
        __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
        for (i = b; i + 64 <= end; i += 64) {
            __m512 e0 = sb512_exp(arg(_mm512_loadu_ps(x + i), vm, vt, scaled));
            __m512 e1 = sb512_exp(arg(_mm512_loadu_ps(x + i + 16), vm, vt, scaled));
            __m512 e2 = sb512_exp(arg(_mm512_loadu_ps(x + i + 32), vm, vt, scaled));
            __m512 e3 = sb512_exp(arg(_mm512_loadu_ps(x + i + 48), vm, vt, scaled));
            _mm512_storeu_ps(y + i, e0);
            _mm512_storeu_ps(y + i + 16, e1);
            _mm512_storeu_ps(y + i + 32, e2);
            _mm512_storeu_ps(y + i + 48, e3);
            s0 = _mm512_add_ps(s0, e0);
            s1 = _mm512_add_ps(s1, e1);
            s2 = _mm512_add_ps(s2, e2);
            s3 = _mm512_add_ps(s3, e3);
        }
        for (; i < end; i += 16) {
            __mmask16 k = sb512_mask(end - i);
            __m512 e = sb512_exp(arg(_mm512_mask_loadu_ps(vm, k, x + i), vm, vt, scaled));
            e = _mm512_maskz_mov_ps(k, e);
            _mm512_mask_storeu_ps(y + i, k, e);
            s0 = _mm512_add_ps(s0, e);
        }
        struct sb_part p = {
            _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3))), 0.0f};
        sb_cascade_push(&c, p, sb_merge_sum, 1.0f);
    }
    return sb_cascade_total(&c, sb_merge_sum, 1.0f, (struct sb_part){0.0f, 0.0f}).s;
}

static int threepass(const float *x, float *y, size_t n, float T)
{
    int st = sb_check_args(x, y, n, T);
    if (st != SOFTMAX_OK || n == 0)
        return st;
    if (isinf(T)) {
        sb_edge(x, y, n, T);
        return SOFTMAX_OK;
    }

    __m512 m0 = _mm512_set1_ps(-INFINITY), m1 = m0, lo = _mm512_set1_ps(INFINITY);
    __mmask16 nan = 0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 a = _mm512_loadu_ps(x + i), b = _mm512_loadu_ps(x + i + 16);
        nan |= _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q);
        m0 = _mm512_max_ps(m0, a);
        m1 = _mm512_max_ps(m1, b);
        lo = _mm512_min_ps(lo, _mm512_min_ps(a, b));
    }
    for (; i < n; i += 16) {
        __m512 a = sb512_load_tail(x + i, n - i, -INFINITY);
        nan |= _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q);
        m0 = _mm512_max_ps(m0, a);
        lo = _mm512_min_ps(lo, sb512_load_tail(x + i, n - i, INFINITY));
    }
    float m = _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
    if (nan || !isfinite(m)) {
        sb_edge(x, y, n, T);
        return SOFTMAX_OK;
    }
    /* the span overflows float and T would shrink it, or 1/T overflows */
    if ((T > 1.0f && isinf(m - _mm512_reduce_min_ps(lo))) || isinf(1.0f / T)) {
        sb_scalar_threepass(x, y, n, T);
        return SOFTMAX_OK;
    }

    float s = T == 1.0f ? exp_pass(x, y, n, m, 1.0f, 0) : exp_pass(x, y, n, m, 1.0f / T, 1);
    const __m512 inv = _mm512_set1_ps(1.0f / s);
    for (i = 0; i + 64 <= n; i += 64) {
        _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(y + i), inv));
        _mm512_storeu_ps(y + i + 16, _mm512_mul_ps(_mm512_loadu_ps(y + i + 16), inv));
        _mm512_storeu_ps(y + i + 32, _mm512_mul_ps(_mm512_loadu_ps(y + i + 32), inv));
        _mm512_storeu_ps(y + i + 48, _mm512_mul_ps(_mm512_loadu_ps(y + i + 48), inv));
    }
    for (; i < n; i += 16) {
        __mmask16 k = sb512_mask(n - i);
        _mm512_mask_storeu_ps(y + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, y + i), inv));
    }
    return SOFTMAX_OK;
}

const struct softmax_kernel sb_kernel_avx512_threepass = {
    .name = "avx512.threepass",
    .algorithm = "threepass",
    .isa = SOFTMAX_ISA_AVX512,
    .fn = threepass,
    .safe = 1,
    .bound = {.c0 = 15.0, .c_arg = 1.53, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 1.02,
              .sum = SOFTMAX_SUM_PAIRWISE},
    .in_domain = NULL,
    .summary = "AVX-512F max, exp-store-sum (own exp, 64/iter), scale by 1/S",
};
