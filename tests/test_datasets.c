/* Generators: the same bytes for the same (spec, seed, n) on every machine,
 * sensible statistics, and spec parsing. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "datasets.h"

#define GOLDEN_UNIFORM 0x7e7590382555813aull
#define GOLDEN_NORMAL 0x5c9b4d63dd394315ull
#define GOLDEN_NORMAL16 0x84a55414abf1a63dull
#define GOLDEN_INEXACT 0x1c51adfdb99ce7f8ull
#define GOLDEN_MIDPOINT 0x191720ad697aa817ull

static uint64_t fnv1a(const void *p, size_t len)
{
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t digest(const char *spec, size_t n, uint64_t seed)
{
    struct sb_dataset_spec s;
    char err[128];
    assert_int_equal(sb_dataset_parse(spec, &s, err, sizeof err), 0);
    float *x = malloc(n * sizeof *x);
    assert_non_null(x);
    sb_dataset_generate(&s, x, n, seed);
    uint64_t h = fnv1a(x, n * sizeof *x);
    free(x);
    return h;
}

/* Recorded once; a change here means inputs are no longer reproducible
 * across versions or machines (e.g. a libm call crept into a generator). */
static void same_bytes_everywhere(void **state)
{
    (void)state;
    if (getenv("SB_PRINT_DIGESTS") != NULL)
        printf("%#llx %#llx %#llx\n", (unsigned long long)digest("uniform", 4096, 1),
               (unsigned long long)digest("normal", 4096, 1),
               (unsigned long long)digest("normal:mu=3,sigma=16", 4096, 99));
    assert_true(digest("uniform", 4096, 1) == GOLDEN_UNIFORM);
    assert_true(digest("normal", 4096, 1) == GOLDEN_NORMAL);
    assert_true(digest("normal:mu=3,sigma=16", 4096, 99) == GOLDEN_NORMAL16);
    assert_true(digest("normal", 4096, 1) != digest("normal", 4096, 2));
}

static void statistics(void **state)
{
    (void)state;
    size_t n = 200000;
    float *x = malloc(n * sizeof *x);
    assert_non_null(x);
    struct sb_dataset_spec s;
    char err[128];
    assert_int_equal(sb_dataset_parse("normal:mu=2,sigma=3", &s, err, sizeof err), 0);
    sb_dataset_generate(&s, x, n, 5);
    double m = 0, v = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    v /= (double)(n - 1);
    assert_true(fabs(m - 2.0) < 0.03 && fabs(v - 9.0) < 0.15);
    assert_int_equal(sb_dataset_parse("uniform:a=-1,b=4", &s, err, sizeof err), 0);
    sb_dataset_generate(&s, x, n, 5);
    for (size_t i = 0; i < n; i++)
        assert_true(x[i] >= -1.0f && x[i] <= 4.0f);
    assert_int_equal(sb_dataset_parse("equal:v=7", &s, err, sizeof err), 0);
    sb_dataset_generate(&s, x, 10, 5);
    assert_true(x[0] == 7.0f && x[9] == 7.0f);
    free(x);
}

static void own_log(void **state)
{
    (void)state;
    for (double v = 1e-300; v < 1e300; v *= 1.37)
        assert_true(fabs(sb_det_log(v) - log(v)) <= 4e-16 * fabs(log(v)) + 1e-300);
    assert_true(sb_det_log(1.0) == 0.0);
}

static void own_exp(void **state)
{
    (void)state;
    for (double v = -700.0; v < 700.0; v += 0.37)
        assert_true(fabs(sb_det_exp(v) - exp(v)) <= 1e-15 * exp(v));
    assert_true(sb_det_exp(0.0) == 1.0);
}

static double gap(double v) /* from the nearest float midpoint, in ULP of v */
{
    int e;
    frexp(v, &e);
    double ulp = ldexp(1.0, (e - 1 < -126 ? -126 : e - 1) - 23), q = v / ulp;
    return fabs(q - floor(q) - 0.5);
}

static int cmp_d(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* The median distance of the outputs from a float midpoint (in ULP; 1/4
 * for outputs that fall anywhere), every element or every other one from 1. */
static double median_gap(const char *spec, size_t n, int odd_only)
{
    struct sb_dataset_spec s;
    char err[128];
    assert_int_equal(sb_dataset_parse(spec, &s, err, sizeof err), 0);
    float *x = malloc(n * sizeof *x);
    double *g = malloc(n * sizeof *g);
    assert_true(x != NULL && g != NULL);
    sb_dataset_generate(&s, x, n, 3);
    float m = x[0];
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    long double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += expl((long double)x[i] - m);
    size_t k = 0;
    for (size_t i = odd_only ? 1 : 0; i < n; i += odd_only ? 2 : 1)
        g[k++] = gap((double)(expl((long double)x[i] - m) / sum));
    qsort(g, k, sizeof *g, cmp_d);
    double med = g[k / 2];
    free(x);
    free(g);
    return med;
}

/* The adversarial datasets do what they claim. */
static void adversarial(void **state)
{
    (void)state;
    double plain = median_gap("normal", 4096, 0), tuned = median_gap("midpoint", 4096, 1);
    assert_true(plain > 0.15 && plain < 0.35);
    assert_true(tuned < 0.03);
    /* inexact: x - max is not a float for nearly every x */
    size_t n = 4096, rounded = 0;
    float *x = malloc(n * sizeof *x);
    assert_non_null(x);
    struct sb_dataset_spec s;
    char err[128];
    assert_int_equal(sb_dataset_parse("inexact", &s, err, sizeof err), 0);
    sb_dataset_generate(&s, x, n, 3);
    float m = x[0];
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    assert_true(m >= 1.0f && m < 2.0f);
    for (size_t i = 0; i < n; i++)
        rounded += (double)(x[i] - m) != (double)x[i] - (double)m;
    assert_true(rounded > n * 9 / 10);
    free(x);
    if (getenv("SB_PRINT_DIGESTS") != NULL)
        printf("%#llx %#llx\n", (unsigned long long)digest("inexact", 4096, 1),
               (unsigned long long)digest("midpoint", 4096, 1));
    assert_true(digest("inexact", 4096, 1) == GOLDEN_INEXACT);
    assert_true(digest("midpoint", 4096, 1) == GOLDEN_MIDPOINT);
}

static void parsing(void **state)
{
    (void)state;
    struct sb_dataset_spec s;
    char err[128];
    assert_int_equal(sb_dataset_parse("normal:sigma=16", &s, err, sizeof err), 0);
    assert_string_equal(s.label, "normal(mu=0,sigma=16)");
    assert_int_equal(sb_dataset_parse("gauss", &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown dataset 'gauss'"));
    assert_int_equal(sb_dataset_parse("normal:tau=1", &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "no parameter 'tau'"));
    assert_int_equal(sb_dataset_parse("normal:sigma=x", &s, err, sizeof err), -1);
    assert_int_equal(sb_dataset_parse("normal:sigma=inf", &s, err, sizeof err), -1);
    assert_true(sb_dataset_count() >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_bytes_everywhere),
        cmocka_unit_test(statistics),
        cmocka_unit_test(own_log),
        cmocka_unit_test(parsing),
        cmocka_unit_test(own_exp),
        cmocka_unit_test(adversarial),
    };
    return cmocka_run_group_tests_name("datasets", tests, NULL, NULL);
}
