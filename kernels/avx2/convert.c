/* avx2/convert.c - the conversions' AVX2 bodies (convert.c): fp16 by F16C's
 * vcvtph2ps and vcvtps2ph (compiled with -mf16c; called only where CPUID
 * shows F16C), bf16 by integer arithmetic, as the portable code does. */
#include <immintrin.h>

#include "../internal.h"

void sb_avx2_f16_to_f32(const uint16_t *s, float *d, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(d + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(s + i))));
    for (; i < n; i++)
        d[i] = sb_f16_to_f32(s[i]);
}

void sb_avx2_f32_to_f16(const float *s, uint16_t *d, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(d + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(s + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++)
        d[i] = sb_f32_to_f16(s[i]);
}

void sb_avx2_bf16_to_f32(const uint16_t *s, float *d, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(s + i)));
        _mm256_storeu_si256((__m256i *)(d + i), _mm256_slli_epi32(w, 16));
    }
    for (; i < n; i++)
        d[i] = sb_bf16_to_f32(s[i]);
}

void sb_avx2_f32_to_bf16(const float *s, uint16_t *d, size_t n)
{
    size_t i = 0;
    const __m256i mag = _mm256_set1_epi32(0x7fffffff), inf = _mm256_set1_epi32(0x7f800000);
    for (; i + 8 <= n; i += 8) {
        __m256i u = _mm256_loadu_si256((const __m256i *)(s + i));
        __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(u, mag), inf);
        __m256i odd = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
        __m256i r =
            _mm256_srli_epi32(_mm256_add_epi32(u, _mm256_add_epi32(odd, _mm256_set1_epi32(0x7fff))),
                              16);
        __m256i q = _mm256_or_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(0x40));
        r = _mm256_blendv_epi8(r, q, nan);
        /* 8 x 32-bit lanes holding 16-bit values: pack within lanes, then
         * put the two halves together */
        __m256i p = _mm256_packus_epi32(r, r);
        p = _mm256_permute4x64_epi64(p, 0x08);
        _mm_storeu_si128((__m128i *)(d + i), _mm256_castsi256_si128(p));
    }
    for (; i < n; i++)
        d[i] = sb_f32_to_bf16(s[i]);
}
