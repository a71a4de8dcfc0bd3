/* avx512/convert.c - the conversions' AVX-512 bodies (convert.c): fp16 by
 * vcvtph2ps and vcvtps2ph (AVX-512F), bf16 widened by a shift, narrowed by
 * vcvtneps2bf16 where the CPU has AVX512_BF16, else by integer rounding
 * (ties to even, NaN kept quiet), as the portable code does. */
#include <immintrin.h>

#include "../internal.h"

void sb_avx512_f16_to_f32(const uint16_t *s, float *d, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(d + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(s + i))));
    for (; i < n; i++)
        d[i] = sb_f16_to_f32(s[i]);
}

void sb_avx512_f32_to_f16(const float *s, uint16_t *d, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(d + i),
                            _mm512_cvtps_ph(_mm512_loadu_ps(s + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++)
        d[i] = sb_f32_to_f16(s[i]);
}

void sb_avx512_bf16_to_f32(const uint16_t *s, float *d, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(s + i)));
        _mm512_storeu_si512(d + i, _mm512_slli_epi32(w, 16));
    }
    for (; i < n; i++)
        d[i] = sb_bf16_to_f32(s[i]);
}

/* Round to nearest even in the integers: the bits plus 0x7fff plus the
 * kept part's last bit, NaN kept quiet. */
static inline __m512i bf16_round(__m512i u)
{
    const __m512i mag = _mm512_set1_epi32(0x7fffffff), inf = _mm512_set1_epi32(0x7f800000);
    __mmask16 nan = _mm512_cmpgt_epi32_mask(_mm512_and_si512(u, mag), inf);
    __m512i odd = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    __m512i r =
        _mm512_srli_epi32(_mm512_add_epi32(u, _mm512_add_epi32(odd, _mm512_set1_epi32(0x7fff))),
                          16);
    return _mm512_mask_or_epi32(r, nan, _mm512_srli_epi32(u, 16), _mm512_set1_epi32(0x40));
}

void sb_avx512_f32_to_bf16(const float *s, uint16_t *d, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(d + i),
                            _mm512_cvtepi32_epi16(bf16_round(_mm512_loadu_si512(s + i))));
    for (; i < n; i++)
        d[i] = sb_f32_to_bf16(s[i]);
}

/* vcvtneps2bf16 treats subnormal inputs as 0 whatever MXCSR says; those
 * lanes (softmax outputs below 2^-126 are subnormal) take the integer
 * rounding, so the result is the portable one bit for bit. */
__attribute__((target("avx512bf16"))) void sb_avx512bf16_f32_to_bf16(const float *s, uint16_t *d,
                                                                     size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(s + i);
        __m256i h = (__m256i)_mm512_cvtneps_pbh(v);
        __m512i u = _mm512_castps_si512(v);
        __mmask16 sub = _mm512_cmpeq_epi32_mask(_mm512_and_si512(u, _mm512_set1_epi32(0x7f800000)),
                                                _mm512_setzero_si512()) &
                        _mm512_test_epi32_mask(u, _mm512_set1_epi32(0x7fffff));
        if (sub)
            h = _mm512_mask_cvtepi32_epi16(h, sub, bf16_round(u));
        _mm256_storeu_si256((__m256i *)(d + i), h);
    }
    for (; i < n; i++)
        d[i] = sb_f32_to_bf16(s[i]);
}
