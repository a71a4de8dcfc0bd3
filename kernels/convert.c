/* convert.c - bf16 and fp16 to and from float32: widening is exact,
 * narrowing rounds to nearest, ties to even, as the hardware does (NaN stays
 * a quiet NaN, overflow gives inf, fp16's subnormals are rounded once).
 * The vector bodies use the CPU's conversion instructions where it has them
 * (F16C for fp16 at the AVX2 level, AVX-512F's vcvtph2ps and vcvtps2ph,
 * AVX512_BF16's vcvtneps2bf16) and integer arithmetic otherwise; the
 * functions here are the portable fallback and the vector bodies' tails. */
#include <string.h>

#include "internal.h"

float sb_bf16_to_f32(uint16_t h)
{
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

uint16_t sb_f32_to_bf16(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((u >> 16) | 0x40u); /* quiet NaN, sign and payload top kept */
    u += 0x7fffu + ((u >> 16) & 1u);          /* ties to even; past FLT_MAX: inf */
    return (uint16_t)(u >> 16);
}

float sb_f16_to_f32(uint16_t h)
{
    uint32_t s = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu, u;
    if (e == 0x1f) /* inf, or a NaN made quiet, as vcvtph2ps does */
        u = s | 0x7f800000u | (m << 13) | (m ? 0x00400000u : 0u);
    else if (e == 0) {
        float v = (float)m * 0x1p-24f; /* a subnormal fp16: exact in float */
        memcpy(&u, &v, sizeof u);
        u |= s;
    } else
        u = s | ((e + 112u) << 23) | (m << 13);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

uint16_t sb_f32_to_f16(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    uint16_t s = (uint16_t)((u >> 16) & 0x8000u);
    uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u)
        return (uint16_t)(s | 0x7e00u | ((a >> 13) & 0x3ffu));
    if (a >= 0x477ff000u) /* 65520 and above round to inf */
        return (uint16_t)(s | 0x7c00u);
    if (a >= 0x38800000u) { /* a normal fp16: rebias, round the 13 bits off */
        uint32_t r = a - (112u << 23);
        r += 0xfffu + ((r >> 13) & 1u);
        return (uint16_t)(s | (r >> 13));
    }
    /* below 2^-14: the significand (implicit bit made explicit) shifted to
     * units of 2^-24, rounded to nearest even in the integers (not by the
     * FPU, whose rounding mode a caller may have changed) */
    if (a < 0x32800000u) /* under 2^-26: rounds to 0 whatever the mode here */
        return s;
    uint32_t e = a >> 23, sig = (a & 0x7fffffu) | 0x800000u, sh = 126 - e; /* 14..25 */
    uint32_t q = sig >> sh, rem = sig & ((1u << sh) - 1), half = 1u << (sh - 1);
    q += rem > half || (rem == half && (q & 1u));
    return (uint16_t)(s | q);
}

static void f16_to_f32(const uint16_t *s, float *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = sb_f16_to_f32(s[i]);
}
static void f32_to_f16(const float *s, uint16_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = sb_f32_to_f16(s[i]);
}
static void bf16_to_f32(const uint16_t *s, float *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = sb_bf16_to_f32(s[i]);
}
static void f32_to_bf16(const float *s, uint16_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = sb_f32_to_bf16(s[i]);
}

/* The conversion bodies for the usable ISA: the x86 vector ones where they
 * run, the portable integer ones elsewhere. */
typedef void (*widen_fn)(const uint16_t *, float *, size_t);
typedef void (*narrow_fn)(const float *, uint16_t *, size_t);
static widen_fn widen_bf16(void)
{
#if SB_X86
    enum softmax_isa isa = softmax_isa_available();
    if (isa == SOFTMAX_ISA_AVX512)
        return sb_avx512_bf16_to_f32;
    if (isa == SOFTMAX_ISA_AVX2)
        return sb_avx2_bf16_to_f32;
#endif
    return bf16_to_f32;
}
static widen_fn widen_f16(void)
{
#if SB_X86
    enum softmax_isa isa = softmax_isa_available();
    if (isa == SOFTMAX_ISA_AVX512)
        return sb_avx512_f16_to_f32;
    if (isa == SOFTMAX_ISA_AVX2 && (sb_cpu_features() & SB_CPU_F16C))
        return sb_avx2_f16_to_f32;
#endif
    return f16_to_f32;
}
static narrow_fn narrow_bf16(void)
{
#if SB_X86
    enum softmax_isa isa = softmax_isa_available();
    if (isa == SOFTMAX_ISA_AVX512)
        return (sb_cpu_features() & SB_CPU_AVX512BF16) ? sb_avx512bf16_f32_to_bf16
                                                       : sb_avx512_f32_to_bf16;
    if (isa == SOFTMAX_ISA_AVX2)
        return sb_avx2_f32_to_bf16;
#endif
    return f32_to_bf16;
}
static narrow_fn narrow_f16(void)
{
#if SB_X86
    enum softmax_isa isa = softmax_isa_available();
    if (isa == SOFTMAX_ISA_AVX512)
        return sb_avx512_f32_to_f16;
    if (isa == SOFTMAX_ISA_AVX2 && (sb_cpu_features() & SB_CPU_F16C))
        return sb_avx2_f32_to_f16;
#endif
    return f32_to_f16;
}

int softmax_to_f32(enum softmax_dtype t, const void *src, float *dst, size_t n)
{
    if (n > 0 && (src == NULL || dst == NULL))
        return SOFTMAX_ENULL;
    switch (t) {
    case SOFTMAX_F32: memmove(dst, src, n * sizeof *dst); return SOFTMAX_OK;
    case SOFTMAX_BF16: widen_bf16()(src, dst, n); return SOFTMAX_OK;
    case SOFTMAX_F16: widen_f16()(src, dst, n); return SOFTMAX_OK;
    }
    return SOFTMAX_EDTYPE;
}

int softmax_from_f32(enum softmax_dtype t, const float *src, void *dst, size_t n)
{
    if (n > 0 && (src == NULL || dst == NULL))
        return SOFTMAX_ENULL;
    switch (t) {
    case SOFTMAX_F32: memmove(dst, src, n * sizeof *src); return SOFTMAX_OK;
    case SOFTMAX_BF16: narrow_bf16()(src, dst, n); return SOFTMAX_OK;
    case SOFTMAX_F16: narrow_f16()(src, dst, n); return SOFTMAX_OK;
    }
    return SOFTMAX_EDTYPE;
}

const char *softmax_dtype_name(enum softmax_dtype t)
{
    return t == SOFTMAX_F32 ? "f32" : t == SOFTMAX_BF16 ? "bf16" : t == SOFTMAX_F16 ? "f16" : "?";
}
