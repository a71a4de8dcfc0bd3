/* Tests of the MPFR reference against values computed independently. */
#include "testutil.h"

#include <float.h>
#include <stdlib.h>

#include "datasets.h"
#include "reference.h"

static void worked_example(void **state)
{
    (void)state;
    float x[3] = {2.0f, 1.0f, 0.1f}, y[3];
    assert_int_equal(sbref_softmax(x, 3, 1.0f, y, NULL, NULL), SBREF_OK);
    const double want[3] = {0.659, 0.242, 0.099};
    for (int i = 0; i < 3; i++)
        assert_true(fabs(y[i] - want[i]) < 5e-4);
}

static void equal_thirds(void **state)
{
    (void)state;
    float x[3] = {3.0f, 3.0f, 3.0f}, y[3];
    struct sbref_info info;
    assert_int_equal(sbref_softmax(x, 3, 1.0f, y, NULL, &info), SBREF_OK);
    for (int i = 0; i < 3; i++)
        assert_true(same_bits(y[i], 1.0f / 3.0f)); /* IEEE division rounds correctly */
    assert_int_equal(info.kind, SBREF_EXACT);
}

/* softmax([2, 1, 0.5] / T); a widely copied glossary prints [0.59, 0.24, 0.17]
 * for T = 1 and [0.43, 0.26, 0.20] for T = 2, which are wrong. */
static void temperatures(void **state)
{
    (void)state;
    float x[3] = {2.0f, 1.0f, 0.5f}, y[3];
    const float T[3] = {1.0f, 0.5f, 2.0f};
    const double want[3][3] = {{0.6285, 0.2312, 0.1402},
                               {0.8438, 0.1142, 0.0420},
                               {0.4810, 0.2918, 0.2272}};
    for (int t = 0; t < 3; t++) {
        assert_int_equal(sbref_softmax(x, 3, T[t], y, NULL, NULL), SBREF_OK);
        for (int i = 0; i < 3; i++)
            assert_true(fabs(y[i] - want[t][i]) < 5e-5);
    }
    assert_int_equal(sbref_softmax(x, 3, 1.0f, y, NULL, NULL), SBREF_OK);
    assert_true(fabs(y[0] - 0.59) > 0.03 && fabs(y[2] - 0.17) > 0.02);
    assert_int_equal(sbref_softmax(x, 3, 2.0f, y, NULL, NULL), SBREF_OK);
    assert_true(fabs(y[0] - 0.43) > 0.03);
}

/* Compares with a long double evaluation (64-bit significand): where that
 * value is not within 2^-40 of a float rounding boundary, its rounding must
 * equal the reference. Subnormal outputs included. */
static void check_vs_long_double(const float *x, size_t n, float T, size_t *compared)
{
    float *y = malloc(n * sizeof *y);
    assert_non_null(y);
    assert_int_equal(sbref_softmax(x, n, T, y, NULL, NULL), SBREF_OK);
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    long double s = 0.0L;
    for (size_t i = 0; i < n; i++)
        s += expl(((long double)x[i] - m) / T);
    for (size_t i = 0; i < n; i++) {
        long double v = expl(((long double)x[i] - m) / T) / s;
        long double lo = v * (1.0L - 0x1p-40L), hi = v * (1.0L + 0x1p-40L);
        if ((float)lo != (float)hi)
            continue; /* too close to a boundary for long double to decide */
        if (!same_bits(y[i], (float)v))
            fail_msg("n=%zu T=%g i=%zu: reference %a, long double %a", n, (double)T, i,
                     (double)y[i], (double)v);
        (*compared)++;
    }
    free(y);
}

static void random_vs_long_double(void **state)
{
    (void)state;
    struct sb_rng r;
    sb_rng_seed(&r, 42);
    size_t compared = 0;
    const float temps[] = {1.0f, 0.3f, 2.5f, 1e-3f, 1e3f};
    for (int trial = 0; trial < 300; trial++) {
        size_t n = 1 + (size_t)(sb_rng_next(&r) % 64);
        float x[64];
        double scale = (trial % 3 == 0) ? 1.0 : (trial % 3 == 1) ? 10.0 : 40.0;
        for (size_t i = 0; i < n; i++)
            x[i] = (float)(scale * sb_rng_normal(&r));
        check_vs_long_double(x, n, temps[trial % 5], &compared);
    }
    assert_true(compared > 5000);
}

static void subnormal_outputs(void **state)
{
    (void)state;
    size_t compared = 0;
    /* y_1 = e^-g / (1 + e^-g) is subnormal for g in [87.4, 103.3] */
    for (float g = 86.0f; g < 106.0f; g += 0.0625f) {
        float x[2] = {0.0f, -g};
        check_vs_long_double(x, 2, 1.0f, &compared);
    }
    float x[2] = {0.0f, -95.0f}, y[2];
    sbref_softmax(x, 2, 1.0f, y, NULL, NULL);
    assert_true(y[1] > 0.0f && y[1] < FLT_MIN);
    assert_true(compared > 300);
}

static void undefined_and_limits(void **state)
{
    (void)state;
    float y[5];
    struct sbref_info info;
    float neg[3] = {-INFINITY, -INFINITY, -INFINITY};
    assert_int_equal(sbref_softmax(neg, 3, 1.0f, y, NULL, &info), SBREF_UNDEFINED);
    assert_int_equal(info.kind, SBREF_ALL_NEG_INF);
    assert_true(isnan(y[0]) && isnan(y[2]));

    float nan[5] = {1, 2, 3, NAN, INFINITY};
    assert_int_equal(sbref_softmax(nan, 5, 1.0f, y, NULL, &info), SBREF_UNDEFINED);
    assert_int_equal(info.kind, SBREF_NAN_INPUT);
    assert_int_equal(info.index, 3);

    float pinf[5] = {1, INFINITY, -INFINITY, INFINITY, 1e30f};
    assert_int_equal(sbref_softmax(pinf, 5, 1.0f, y, NULL, &info), SBREF_OK);
    assert_int_equal(info.kind, SBREF_LIMIT);
    const float want[5] = {0, 0.5f, 0, 0.5f, 0};
    for (int i = 0; i < 5; i++)
        assert_true(same_bits(y[i], want[i]));

    float fin[4] = {-INFINITY, 1, 1e30f, -3};
    assert_int_equal(sbref_softmax(fin, 4, INFINITY, y, NULL, &info), SBREF_OK);
    assert_int_equal(info.kind, SBREF_LIMIT);
    assert_true(same_bits(y[0], 0.0f) && same_bits(y[1], 1.0f / 3.0f) &&
                same_bits(y[2], 1.0f / 3.0f));
}

static void masked_entries(void **state)
{
    (void)state;
    float x[6] = {1.5f, -INFINITY, 0.25f, -INFINITY, -2.0f, 3.0f}, y[6];
    float r[4] = {1.5f, 0.25f, -2.0f, 3.0f}, yr[4];
    assert_int_equal(sbref_softmax(x, 6, 0.8f, y, NULL, NULL), SBREF_OK);
    assert_int_equal(sbref_softmax(r, 4, 0.8f, yr, NULL, NULL), SBREF_OK);
    assert_true(same_bits(y[1], 0.0f) && same_bits(y[3], 0.0f));
    assert_true(same_bits(y[0], yr[0]) && same_bits(y[2], yr[1]) && same_bits(y[4], yr[2]) &&
                same_bits(y[5], yr[3]));
}

static void sizes_and_arguments(void **state)
{
    (void)state;
    float x[1] = {123.0f}, y[1];
    struct sbref_info info;
    assert_int_equal(sbref_softmax(NULL, 0, 1.0f, NULL, NULL, &info), SBREF_OK);
    assert_int_equal(info.kind, SBREF_EMPTY);
    assert_int_equal(sbref_softmax(x, 1, 1.0f, y, NULL, NULL), SBREF_OK);
    assert_true(same_bits(y[0], 1.0f));
    assert_int_equal(sbref_softmax(x, 1, 0.0f, y, NULL, NULL), SBREF_EINVAL);
    assert_int_equal(sbref_softmax(x, 1, -1.0f, y, NULL, NULL), SBREF_EINVAL);
    assert_int_equal(sbref_softmax(x, 1, NAN, y, NULL, NULL), SBREF_EINVAL);
    assert_int_equal(sbref_softmax(NULL, 1, 1.0f, y, NULL, NULL), SBREF_EINVAL);
    assert_int_equal(sbref_softmax(x, 1, 1.0f, x, NULL, NULL), SBREF_EINVAL); /* aliasing */
}

static void huge_and_tiny(void **state)
{
    (void)state;
    float y[4];
    float big[4] = {FLT_MAX, -FLT_MAX, 0.0f, FLT_MAX};
    assert_int_equal(sbref_softmax(big, 4, 1.0f, y, NULL, NULL), SBREF_OK);
    assert_true(same_bits(y[0], 0.5f) && same_bits(y[1], 0.0f) && same_bits(y[2], 0.0f) &&
                same_bits(y[3], 0.5f));
    float near[2] = {1e30f, nextafterf(1e30f, 0.0f)};
    assert_int_equal(sbref_softmax(near, 2, 1.0f, y, NULL, NULL), SBREF_OK);
    assert_true(same_bits(y[0], 1.0f) && same_bits(y[1], 0.0f));
    float close[2] = {1.0f, nextafterf(1.0f, 2.0f)};
    assert_int_equal(sbref_softmax(close, 2, 1e-30f, y, NULL, NULL), SBREF_OK);
    assert_true(same_bits(y[0], 0.0f) && same_bits(y[1], 1.0f));
    /* a huge T flattens: both within an ULP of 1/2 */
    assert_int_equal(sbref_softmax(close, 2, 1e30f, y, NULL, NULL), SBREF_OK);
    assert_true(same_bits(y[0], 0.5f) && same_bits(y[1], 0.5f));
}

/* Low starting precisions force the retry paths; the answer must not move. */
static void retries_and_threads(void **state)
{
    (void)state;
    size_t n = 20000;
    float *x = malloc(n * sizeof *x), *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_non_null(x);
    assert_non_null(a);
    assert_non_null(b);
    struct sb_dataset_spec s;
    char err[128];
    assert_int_equal(sb_dataset_parse("normal:sigma=8", &s, err, sizeof err), 0);
    sb_dataset_generate(&s, x, n, 7);
    struct sbref_info i1, i2, i3;
    struct sbref_opts one = {.threads = 1}, two = {.threads = 2, .prec_elem = 32},
                      lowsum = {.threads = 2, .prec_sum = 32, .prec_elem = 32};
    assert_int_equal(sbref_softmax(x, n, 0.9f, a, &one, &i1), SBREF_OK);
    assert_int_equal(sbref_softmax(x, n, 0.9f, b, &two, &i2), SBREF_OK);
    assert_memory_equal(a, b, n * sizeof *a);
    assert_true(i2.retries > 0);
    assert_int_equal(sbref_softmax(x, n, 0.9f, b, &lowsum, &i3), SBREF_OK);
    assert_memory_equal(a, b, n * sizeof *a);
    assert_true(i3.prec_sum > 32);
    free(x);
    free(a);
    free(b);
}

/* ---- log-softmax */

float sb_neglog_count(size_t k); /* kernels/edge.c: the kernels' -log k */

static void log_known_values(void **state)
{
    (void)state;
    float y[5], two[2] = {3.0f, 3.0f}, one[1] = {-7.5f};
    struct sbref_info info;
    assert_int_equal(sbref_log_softmax(two, 2, 1.0f, y, NULL, &info), SBREF_OK);
    assert_int_equal(info.kind, SBREF_EXACT);
    assert_true(y[0] == (float)-log(2.0) && y[1] == y[0]);
    assert_int_equal(sbref_log_softmax(one, 1, 0.3f, y, NULL, NULL), SBREF_OK);
    assert_true(y[0] == 0.0f && !signbit(y[0])); /* exactly 0: no retry, no sign */
    /* [0, ln 3]: log(1/4) and log(3/4), the second near 0 */
    float x[2] = {0.0f, (float)log(3.0)};
    assert_int_equal(sbref_log_softmax(x, 2, 1.0f, y, NULL, NULL), SBREF_OK);
    long double s = 1.0L + expl((long double)x[1]);
    assert_true(y[0] == (float)-logl(s));
    assert_true(y[1] == (float)((long double)x[1] - logl(s)));
    /* edges in the log domain */
    float m[4] = {1.0f, -INFINITY, 2.0f, -INFINITY};
    assert_int_equal(sbref_log_softmax(m, 4, 1.0f, y, NULL, &info), SBREF_OK);
    assert_true(y[1] == -INFINITY && y[3] == -INFINITY && y[2] == (float)-log1p(exp(-1.0)));
    float p[4] = {1.0f, INFINITY, INFINITY, -3.0f};
    assert_int_equal(sbref_log_softmax(p, 4, 1.0f, y, NULL, &info), SBREF_OK);
    assert_int_equal(info.kind, SBREF_LIMIT);
    assert_true(y[0] == -INFINITY && y[1] == (float)-log(2.0) && y[2] == y[1] && y[3] == -INFINITY);
    float f[3] = {1.0f, -INFINITY, 1e30f};
    assert_int_equal(sbref_log_softmax(f, 3, INFINITY, y, NULL, &info), SBREF_OK);
    assert_true(info.kind == SBREF_LIMIT && y[0] == (float)-log(2.0) && y[1] == -INFINITY);
    float nan[3] = {1.0f, NAN, 2.0f}, ninf[2] = {-INFINITY, -INFINITY};
    assert_int_equal(sbref_log_softmax(nan, 3, 1.0f, y, NULL, &info), SBREF_UNDEFINED);
    assert_true(info.kind == SBREF_NAN_INPUT && isnan(y[0]) && isnan(y[2]));
    assert_int_equal(sbref_log_softmax(ninf, 2, 1.0f, y, NULL, &info), SBREF_UNDEFINED);
    assert_int_equal(info.kind, SBREF_ALL_NEG_INF);
    assert_int_equal(sbref_log_softmax(x, 2, 0.0f, y, NULL, NULL), SBREF_EINVAL);
    assert_int_equal(sbref_log_softmax(x, 2, 1.0f, x, NULL, NULL), SBREF_EINVAL);
}

/* Against long double (64-bit significand) on ordinary data: a rounding can
 * only differ within 2^-40 of a float midpoint, so all agree here. */
static void log_against_long_double(void **state)
{
    (void)state;
    const char *sets[] = {"normal", "normal:sigma=16", "uniform:a=-30,b=5", "llm"};
    enum { N = 3000 };
    static float x[N], y[N];
    for (size_t d = 0; d < 4; d++) {
        struct sb_dataset_spec spec;
        char err[64];
        assert_int_equal(sb_dataset_parse(sets[d], &spec, err, sizeof err), 0);
        sb_dataset_generate(&spec, x, N, 40 + d);
        const float T = d == 1 ? 3.0f : 1.0f;
        assert_int_equal(sbref_log_softmax(x, N, T, y, NULL, NULL), SBREF_OK);
        long double m = -INFINITY, s = 0.0L;
        for (size_t i = 0; i < N; i++)
            m = x[i] > m ? x[i] : m;
        for (size_t i = 0; i < N; i++)
            s += expl(((long double)x[i] - m) / T);
        long double L = logl(s);
        for (size_t i = 0; i < N; i++)
            if (y[i] != (float)(((long double)x[i] - m) / T - L))
                fail_msg("%s i=%zu: %a against long double %a", sets[d], i, (double)y[i],
                         (double)(((long double)x[i] - m) / T - L));
    }
}

/* x_i - max an exact float midpoint (it needs 25 bits) while the other
 * terms underflow far below any precision: the true value lies just below
 * the midpoint and rounds down, not to even. */
static void log_midpoint_with_skipped_terms(void **state)
{
    (void)state;
    float x[2] = {-0x1.9381b8p+99f, 0x1.93d312p+99f}, y[2];
    assert_int_equal(sbref_log_softmax(x, 2, 1.0f, y, NULL, NULL), SBREF_OK);
    assert_true(y[0] == -0x1.93aa66p+100f);     /* ties to even would give ...64 */
    assert_true(y[1] == 0.0f && signbit(y[1])); /* -exp(-2.5e29): -0 */
}

/* The kernels' -log k (double log, rounded to float) is the correctly
 * rounded value for every k to 2^16 and at powers of two and neighbours to
 * 2^40. */
static void neglog_count_rounds_correctly(void **state)
{
    (void)state;
    for (size_t k = 1; k <= 65536; k++)
        if (sb_neglog_count(k) != sbref_neglog(k))
            fail_msg("k=%zu: %a, correctly rounded %a", k, (double)sb_neglog_count(k),
                     (double)sbref_neglog(k));
    for (int e = 17; e <= 40; e++)
        for (long d = -3; d <= 3; d++) {
            size_t k = ((size_t)1 << e) + (size_t)d;
            assert_true(sb_neglog_count(k) == sbref_neglog(k));
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worked_example),
        cmocka_unit_test(equal_thirds),
        cmocka_unit_test(temperatures),
        cmocka_unit_test(random_vs_long_double),
        cmocka_unit_test(subnormal_outputs),
        cmocka_unit_test(undefined_and_limits),
        cmocka_unit_test(masked_entries),
        cmocka_unit_test(sizes_and_arguments),
        cmocka_unit_test(huge_and_tiny),
        cmocka_unit_test(retries_and_threads),
        cmocka_unit_test(log_known_values),
        cmocka_unit_test(log_against_long_double),
        cmocka_unit_test(log_midpoint_with_skipped_terms),
        cmocka_unit_test(neglog_count_rounds_correctly),
    };
    return cmocka_run_group_tests_name("reference", tests, NULL, NULL);
}
