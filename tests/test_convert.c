/* bf16 and fp16 conversions and typed batches (kernels/convert.c,
 * softmax_batch_t): widening exact for every 16-bit pattern, narrowing
 * rounded to nearest even as an independent rounding computes it (a
 * nearest-neighbour search over the type's values), the
 * vector bodies equal to the portable ones at every ISA level the CPU has
 * (SKIP lines for the others), and typed batches equal to the float kernel
 * on the widened rows, rounded once. */
#include "testutil.h"

#include <fenv.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "softmax.h"

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}
static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* bf16 by search: the two bf16 neighbours of f, the nearer, ties to the
 * even one; past the largest finite bf16's halfway point, inf. */
static uint16_t bf16_ref(float f)
{
    if (isnan(f))
        return 0x7fc0;
    uint32_t u = bits(f), lo = u & 0xffff0000u, hi = lo + 0x10000u;
    double d = fabs((double)f), dl = fabs((double)from_bits(lo));
    if (isinf(f) || d == dl)
        return (uint16_t)(lo >> 16);
    double dh = (hi & 0x7fffffffu) >= 0x7f800000u ? ldexp(1.0, 128) : fabs((double)from_bits(hi));
    if (d - dl < dh - d || (d - dl == dh - d && ((lo >> 16) & 1) == 0))
        return (uint16_t)(lo >> 16);
    return (uint16_t)(hi >> 16);
}

/* An fp16's value from its fields, in double (exact). */
static double f16_value(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(1024 + m, e - 25);
    return h & 0x8000 ? -v : v;
}

/* fp16 by search over the 31744 finite non-negative fp16 values (ordered
 * as their bits): the nearer neighbour, ties to the even one, past 65520
 * inf. */
static uint16_t f16_ref(float f)
{
    if (isnan(f))
        return 0x7e00;
    double d = fabs((double)f);
    uint16_t s = signbit(f) ? 0x8000 : 0;
    if (d >= 65520.0)
        return s | 0x7c00;
    unsigned lo = 0, hi = 0x7bff; /* f16_value(lo) <= d < ... */
    while (lo < hi) {
        unsigned mid = (lo + hi + 1) / 2;
        if (f16_value((uint16_t)mid) <= d)
            lo = mid;
        else
            hi = mid - 1;
    }
    if (lo == 0x7bff || f16_value((uint16_t)lo) == d)
        return s | (uint16_t)lo;
    double a = d - f16_value((uint16_t)lo), b = f16_value((uint16_t)(lo + 1)) - d;
    return s | (uint16_t)(a < b || (a == b && (lo & 1) == 0) ? lo : lo + 1);
}

static void widening_is_exact(void **state)
{
    (void)state;
    for (uint32_t h = 0; h < 65536; h++) {
        uint16_t h16 = (uint16_t)h;
        float want = (float)f16_value(h16), got = sb_f16_to_f32(h16);
        if (!(same_bits(got, want) || (isnan(got) && isnan(want))))
            fail_msg("f16 %04x: %a, want %a", h, (double)got, (double)want);
        assert_true(bits(sb_bf16_to_f32(h16)) == h << 16);
    }
}

/* Every 4099th float pattern, and the values at the rounding edges. */
static void narrowing_rounds_to_nearest_even(void **state)
{
    (void)state;
    const float edges[] = {65504.0f,        65519.99f,       65520.0f,
                           65536.0f,        0x1p-14f,        0x1.ffcp-15f,
                           0x1p-24f,        0x1p-25f,        0x1.000002p-25f,
                           0x1.8p-24f,      FLT_MAX,         -FLT_MAX,
                           0x1.fefffep127f, 0x1.ff0000p127f, 0x1.010000p0f,
                           0x1.018000p0f,   0x1.008000p0f,   0.0f,
                           -0.0f,           INFINITY,        -INFINITY,
                           FLT_MIN,         1e-45f};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        assert_int_equal(sb_f32_to_f16(edges[i]), f16_ref(edges[i]));
        assert_int_equal(sb_f32_to_bf16(edges[i]), bf16_ref(edges[i]));
    }
    /* fp16's subnormals round to nearest even whatever the FPU's mode */
    fesetround(FE_UPWARD);
    const float sub[] = {0x1.8p-24f, 0x1.4p-24f, 0x1.2p-20f, 0x1.0004p-15f, 0x1.ffep-15f};
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++)
        assert_int_equal(sb_f32_to_f16(sub[i]), f16_ref(sub[i]));
    fesetround(FE_TONEAREST);
    for (uint64_t u = 0; u < (1ull << 32); u += 4099) {
        float f = from_bits((uint32_t)u);
        uint16_t a = sb_f32_to_f16(f), b = sb_f32_to_bf16(f);
        if (isnan(f)) {
            assert_true((a & 0x7c00) == 0x7c00 && (a & 0x3ff) != 0 && (a & 0x200));
            assert_true((b & 0x7f80) == 0x7f80 && (b & 0x7f) != 0 && (b & 0x40));
            continue;
        }
        if (a != f16_ref(f))
            fail_msg("f16 of %a: %04x, want %04x", (double)f, a, f16_ref(f));
        if (b != bf16_ref(f))
            fail_msg("bf16 of %a: %04x, want %04x", (double)f, b, bf16_ref(f));
    }
}

/* The dispatched conversions, vector bodies and tails, equal to the
 * portable ones at this ISA level. */
static void check_level(void)
{
    enum { N = 1000 + 13 };
    static float f[N], back[N];
    static uint16_t h[N], got[N];
    for (size_t i = 0; i < N; i++) {
        uint32_t u = (uint32_t)(i * 2654435761u);
        f[i] = i % 50 == 0 ? NAN : from_bits(u);
        h[i] = (uint16_t)(u >> 7);
    }
    h[3] = 0x7c01; /* a signalling NaN of each type */
    h[4] = 0xff81;
    const enum softmax_dtype ts[] = {SOFTMAX_BF16, SOFTMAX_F16};
    for (int t = 0; t < 2; t++) {
        assert_int_equal(softmax_from_f32(ts[t], f, got, N), SOFTMAX_OK);
        for (size_t i = 0; i < N; i++) {
            uint16_t want = ts[t] == SOFTMAX_BF16 ? sb_f32_to_bf16(f[i]) : sb_f32_to_f16(f[i]);
            if (isnan(f[i]))
                assert_true(
                    isnan(ts[t] == SOFTMAX_BF16 ? sb_bf16_to_f32(got[i]) : sb_f16_to_f32(got[i])));
            else if (got[i] != want)
                fail_msg("%s at %s, element %zu (%a): %04x, want %04x", softmax_dtype_name(ts[t]),
                         softmax_isa_name(softmax_isa_available()), i, (double)f[i], got[i], want);
        }
        assert_int_equal(softmax_to_f32(ts[t], h, back, N), SOFTMAX_OK);
        for (size_t i = 0; i < N; i++) {
            float want = ts[t] == SOFTMAX_BF16 ? sb_bf16_to_f32(h[i]) : sb_f16_to_f32(h[i]);
            if (bits(back[i]) != bits(want)) /* NaNs too: quieted alike */
                fail_msg("%s to f32 at %s, %04x: %08x, want %08x", softmax_dtype_name(ts[t]),
                         softmax_isa_name(softmax_isa_available()), h[i], bits(back[i]),
                         bits(want));
        }
    }
}

static void vector_bodies_match(void **state)
{
    (void)state;
    const enum softmax_isa levels[] = {SOFTMAX_ISA_AVX512, SOFTMAX_ISA_AVX2, SOFTMAX_ISA_SCALAR};
    for (int l = 0; l < 3; l++) {
        if (!softmax_isa_within(levels[l], softmax_isa_available())) {
            printf("SKIP conversions at %s: this CPU (or SOFTMAX_ISA) lacks it\n",
                   softmax_isa_name(levels[l]));
            continue;
        }
        softmax_isa_cap(levels[l]);
        check_level();
    }
    assert_int_equal(softmax_to_f32((enum softmax_dtype)7, NULL, NULL, 0), SOFTMAX_EDTYPE);
    assert_int_equal(softmax_from_f32(SOFTMAX_F16, NULL, NULL, 3), SOFTMAX_ENULL);
    assert_string_equal(softmax_dtype_name(SOFTMAX_BF16), "bf16");
}

/* Typed batches: rows widened, the kernel's float output, and for a 16-bit
 * output that rounded once; strides and in place; long rows one at a time,
 * short ones in groups (a group ending inside a task, tasks on 2 threads). */
static void check_typed(size_t R, size_t C, size_t LD, struct softmax_pool *pool)
{
    uint16_t *xh = malloc(R * LD * sizeof *xh), *yh = malloc(R * LD * sizeof *yh);
    uint16_t *wh = malloc(C * sizeof *wh);
    float *xf = malloc(C * sizeof *xf), *want = malloc(C * sizeof *want);
    float *yf = malloc(R * LD * sizeof *yf);
    assert_true(xh && yh && wh && xf && want && yf);
    const struct softmax_kernel *k = softmax_choose(C);
    const enum softmax_dtype ts[] = {SOFTMAX_BF16, SOFTMAX_F16};
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; i < R * LD; i++) {
            float v = (float)((int)(i * 37 % 2001) - 1000) / 97.0f;
            softmax_from_f32(ts[t], &v, &xh[i], 1);
        }
        assert_int_equal(softmax_batch_t(k, ts[t], xh, LD, SOFTMAX_F32, yf, LD, R, C, 0.8f, pool),
                         SOFTMAX_OK);
        assert_int_equal(softmax_batch_t(k, ts[t], xh, LD, ts[t], yh, LD, R, C, 0.8f, pool),
                         SOFTMAX_OK);
        for (size_t r = 0; r < R; r++) {
            softmax_to_f32(ts[t], xh + r * LD, xf, C);
            assert_int_equal(k->fn(xf, want, C, 0.8f), SOFTMAX_OK);
            if (memcmp(yf + r * LD, want, C * sizeof *want) != 0)
                fail_msg("%zux%zu %s row %zu: float output differs", R, C,
                         softmax_dtype_name(ts[t]), r);
            softmax_from_f32(ts[t], want, wh, C);
            if (memcmp(yh + r * LD, wh, C * sizeof *wh) != 0)
                fail_msg("%zux%zu %s row %zu: 16-bit output differs", R, C,
                         softmax_dtype_name(ts[t]), r);
        }
        /* in place, 16-bit in and out */
        assert_int_equal(softmax_batch_t(k, ts[t], xh, LD, ts[t], xh, LD, R, C, 0.8f, pool),
                         SOFTMAX_OK);
        for (size_t r = 0; r < R; r++)
            assert_memory_equal(xh + r * LD, yh + r * LD, C * sizeof *yh);
    }
    free(xh);
    free(yh);
    free(wh);
    free(xf);
    free(want);
    free(yf);
}

static void typed_batches(void **state)
{
    (void)state;
    struct softmax_pool *pool = softmax_pool_create(2);
    assert_non_null(pool);
    check_typed(9, 1000, 1007, pool);
    check_typed(37, 100, 107, pool);
    check_typed(701, 100, 103, pool);
    check_typed(3, 9000, 9000, NULL);
    check_typed(300, 100, 103, NULL); /* groups of 81, 81, 81, 57 in one task */
    enum { R = 9, C = 1000, LD = 1007 };
    static uint16_t xh[R * LD], yh[R * LD];
    static float yf[R * LD];
    const struct softmax_kernel *k = softmax_choose(C);
    assert_int_equal(softmax_batch_t(k, SOFTMAX_BF16, xh, LD, SOFTMAX_F16, yh, LD, R, C, 1.0f,
                                     NULL),
                     SOFTMAX_EDTYPE);
    assert_int_equal(softmax_batch_t(k, (enum softmax_dtype)5, xh, LD, SOFTMAX_F32, yf, LD, R, C,
                                     1.0f, NULL),
                     SOFTMAX_EDTYPE);
    assert_int_equal(softmax_batch_t(k, SOFTMAX_F16, xh, C - 1, SOFTMAX_F32, yf, LD, R, C, 1.0f,
                                     NULL),
                     SOFTMAX_ELD);
    assert_int_equal(softmax_batch_t(k, SOFTMAX_F16, xh, LD, SOFTMAX_F32, yf, LD, R, C, -1.0f,
                                     NULL),
                     SOFTMAX_EINVAL_T);
    softmax_pool_destroy(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(widening_is_exact), cmocka_unit_test(narrowing_rounds_to_nearest_even),
        cmocka_unit_test(typed_batches),
        cmocka_unit_test(vector_bodies_match), /* last: it lowers the ISA cap */
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
