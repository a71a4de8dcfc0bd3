/* The float64 kernels (kernels/scalar/float64.c) against the MPFR reference
 * rounded to double (sbref_softmax64), their declared bounds, the edge-case
 * contract in double, and the reference itself against long double. */
#include "testutil.h"

#include <float.h>
#include <stdlib.h>

#include "datasets.h"
#include "metrics.h"
#include "reference.h"
#include "softmax.h"

static void gen64(const char *spec, double *x, size_t n, uint64_t seed)
{
    struct sb_dataset_spec s;
    char err[128];
    float *f = malloc((n + 1) * sizeof *f);
    assert_non_null(f);
    assert_int_equal(sb_dataset_parse(spec, &s, err, sizeof err), 0);
    sb_dataset_generate(&s, f, n, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = f[i];
    free(f);
}

/* Every element within the kernel's bound of the reference (ULP of
 * double); returns the fraction correctly rounded. */
static double hold64(const struct softmax64_kernel *k, const double *x, const double *y, size_t n,
                     double T, const char *what)
{
    double *ref = malloc((n + 1) * sizeof *ref);
    assert_non_null(ref);
    struct sbref_info info;
    assert_int_equal(sbref_softmax64(x, n, T, ref, NULL, &info), SBREF_OK);
    assert_int_equal(info.kind, SBREF_EXACT);
    const int sh = k->bound.arg == SOFTMAX_ARG_SHIFTED;
    double m = -INFINITY, abar = 0.0;
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    for (size_t i = 0; i < n; i++)
        abar += ref[i] * fabs(sh ? x[i] - m : x[i]) / T;
    size_t cr = 0;
    for (size_t i = 0; i < n; i++) {
        double a = fabs(sh ? x[i] - m : x[i]) / T;
        /* the model only asks whether T is 1; these temperatures are not */
        double bound = softmax_bound_ulp(&k->bound, a, abar, n, (float)T);
        double e = sb_ulp_error64(y[i], ref[i]);
        if (!(e <= bound))
            fail_msg("%s %s n=%zu T=%g: y[%zu]=%a ref=%a, %.3g ULP over bound %.3g", k->name, what,
                     n, T, i, y[i], ref[i], e, bound);
        cr += e == 0.0;
    }
    free(ref);
    return n ? (double)cr / (double)n : 1.0;
}

static void kernels_within_bounds(void **state)
{
    (void)state;
    const char *sets[] = {"normal",    "normal:sigma=16", "llm", "uniform:a=-30,b=5",
                          "underflow", "huge:mag=1e30"};
    const size_t sizes[] = {1, 7, 100, 1000, 4099};
    const double temps[] = {1.0, 0.3, 7.0};
    double *x = malloc(4099 * sizeof *x), *y = malloc(4099 * sizeof *y);
    assert_true(x && y);
    for (size_t ki = 0; ki < softmax64_kernel_count(); ki++) {
        const struct softmax64_kernel *k = softmax64_kernel_at(ki);
        assert_ptr_equal(softmax64_kernel_find(k->name), k);
        for (size_t d = 0; d < 6; d++)
            for (size_t s = 0; s < 5; s++)
                for (size_t t = 0; t < 3; t++) {
                    size_t n = sizes[s];
                    gen64(sets[d], x, n, 3 * s + d);
                    assert_int_equal(k->fn(x, y, n, temps[t]), SOFTMAX_OK);
                    if (k->safe || k->in_domain(x, n, temps[t]))
                        hold64(k, x, y, n, temps[t], sets[d]);
                }
    }
    assert_null(softmax64_kernel_find("scalar.threepass"));
    free(x);
    free(y);
}

/* Large logits: the two-pass kernel's range reduction must stay exact for
 * |x/T| to 2^20 (k ln2_hi exact); the reference reads doubles exactly even
 * at a low working precision. */
static void large_logits_and_low_precision(void **state)
{
    (void)state;
    const struct softmax64_kernel *k = softmax64_kernel_find("scalar64.twopass");
    double x[2] = {100000.0, 99999.0}, y[2];
    assert_int_equal(k->fn(x, y, 2, 1.0), SOFTMAX_OK);
    hold64(k, x, y, 2, 1.0, "two large logits");
    double *big = malloc(1000 * sizeof *big), *out = malloc(1000 * sizeof *out);
    assert_true(big && out);
    gen64("uniform:a=80000,b=100000", big, 1000, 4);
    for (size_t i = 0; i < softmax64_kernel_count(); i++) {
        const struct softmax64_kernel *kk = softmax64_kernel_at(i);
        assert_int_equal(kk->fn(big, out, 1000, 1.0), SOFTMAX_OK);
        if (kk->safe)
            hold64(kk, big, out, 1000, 1.0, "uniform(80000, 100000)");
    }
    free(big);
    free(out);
    double close[2] = {1e10 + 0.5, 1e10}, a[2], b[2];
    struct sbref_opts low = {.prec_elem = 32, .prec_sum = 32};
    assert_int_equal(sbref_softmax64(close, 2, 1.0, a, &low, NULL), SBREF_OK);
    assert_int_equal(sbref_softmax64(close, 2, 1.0, b, NULL, NULL), SBREF_OK);
    assert_true(a[0] == b[0] && a[1] == b[1] && fabs(a[0] - 1.0 / (1.0 + exp(-0.5))) < 1e-15);
}

/* The accurate kernel: within 1 ULP everywhere, and correctly rounded but
 * for the rare element next to a midpoint. */
static void accurate_is_faithful_and_mostly_correct(void **state)
{
    (void)state;
    const struct softmax64_kernel *k = softmax64_kernel_find("scalar64.accurate");
    assert_non_null(k);
    enum { N = 20000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_true(x && y);
    const double temps[] = {1.0, 0.3};
    for (size_t t = 0; t < 2; t++) {
        gen64("normal:sigma=4", x, N, 9 + t);
        assert_int_equal(k->fn(x, y, N, temps[t]), SOFTMAX_OK);
        double cr = hold64(k, x, y, N, temps[t], "normal:sigma=4");
        assert_true(cr >= 0.995);
    }
    /* and the three-pass kernel shows the inputs are not trivial */
    const struct softmax64_kernel *tp = softmax64_kernel_find("scalar64.threepass");
    assert_int_equal(tp->fn(x, y, N, 0.3), SOFTMAX_OK);
    assert_true(hold64(tp, x, y, N, 0.3, "normal:sigma=4") < 0.9);
    free(x);
    free(y);
}

/* The contract, in double, for every safe kernel. */
static void edges(void **state)
{
    (void)state;
    for (size_t ki = 0; ki < softmax64_kernel_count(); ki++) {
        const struct softmax64_kernel *k = softmax64_kernel_at(ki);
        double y[5];
        double nan[3] = {1.0, NAN, 2.0};
        assert_int_equal(k->fn(nan, y, 3, 1.0), SOFTMAX_OK);
        if (!k->safe)
            continue;
        assert_true(isnan(y[0]) && isnan(y[1]) && isnan(y[2]));
        double pinf[4] = {1.0, INFINITY, -3.0, INFINITY};
        assert_int_equal(k->fn(pinf, y, 4, 1.0), SOFTMAX_OK);
        assert_true(y[0] == 0.0 && y[1] == 0.5 && y[2] == 0.0 && y[3] == 0.5);
        double ninf[3] = {-INFINITY, -INFINITY, -INFINITY};
        assert_int_equal(k->fn(ninf, y, 3, 1.0), SOFTMAX_OK);
        assert_true(isnan(y[0]) && isnan(y[2]));
        double fin[4] = {1.0, -INFINITY, 1e300, -5.0};
        assert_int_equal(k->fn(fin, y, 4, INFINITY), SOFTMAX_OK);
        assert_true(y[0] == 1.0 / 3.0 && y[1] == 0.0 && y[2] == 1.0 / 3.0);
        double masked[4] = {2.0, -INFINITY, 1.0, -INFINITY};
        assert_int_equal(k->fn(masked, y, 4, 0.5), SOFTMAX_OK);
        assert_true(y[1] == 0.0 && !signbit(y[1]) && y[3] == 0.0);
        double one[1] = {-7.25}, huge[2] = {DBL_MAX, -DBL_MAX};
        assert_int_equal(k->fn(one, y, 1, 0.01), SOFTMAX_OK);
        assert_true(y[0] == 1.0);
        assert_int_equal(k->fn(huge, y, 2, 1.0), SOFTMAX_OK);
        assert_true(y[0] == 1.0 && y[1] == 0.0);
        /* arguments: nothing written on a refusal; n = 0 with NULL is fine */
        double keep[2] = {9.0, 9.0}, two[2] = {1.0, 2.0};
        assert_int_equal(k->fn(two, keep, 2, 0.0), SOFTMAX_EINVAL_T);
        assert_int_equal(k->fn(two, keep, 2, NAN), SOFTMAX_EINVAL_T);
        assert_true(keep[0] == 9.0 && keep[1] == 9.0);
        assert_int_equal(k->fn(NULL, keep, 2, 1.0), SOFTMAX_ENULL);
        assert_int_equal(k->fn(NULL, NULL, 0, 1.0), SOFTMAX_OK);
        /* in place */
        double a[5] = {0.5, -1.0, 3.0, 2.0, 0.0}, b[5];
        assert_int_equal(k->fn(a, b, 5, 0.7), SOFTMAX_OK);
        assert_int_equal(k->fn(a, a, 5, 0.7), SOFTMAX_OK);
        assert_memory_equal(a, b, sizeof a);
    }
    double x[3] = {1.0, 2.0, 3.0}, y1[3], y2[3];
    assert_int_equal(softmax64(x, y1, 3, 1.0), SOFTMAX_OK);
    assert_int_equal(softmax64_kernel_find("scalar64.threepass")->fn(x, y2, 3, 1.0), SOFTMAX_OK);
    assert_memory_equal(y1, y2, sizeof y1);
}

/* The reference in double against long double, and on a subnormal output. */
static void reference64(void **state)
{
    (void)state;
    double x[3] = {1.0, 2.0, 3.0}, y[3];
    assert_int_equal(sbref_softmax64(x, 3, 1.0, y, NULL, NULL), SBREF_OK);
    long double S = expl(1.0L) + expl(2.0L) + expl(3.0L);
    for (int i = 0; i < 3; i++)
        assert_true(y[i] == (double)(expl((long double)x[i]) / S));
    double sub[2] = {0.0, -720.0};
    assert_int_equal(sbref_softmax64(sub, 2, 1.0, y, NULL, NULL), SBREF_OK);
    assert_true(y[0] == 1.0 && y[1] == (double)expl(-720.0L) && y[1] < DBL_MIN && y[1] > 0.0);
    double p[3] = {INFINITY, 1.0, INFINITY};
    struct sbref_info info;
    assert_int_equal(sbref_softmax64(p, 3, 1.0, y, NULL, &info), SBREF_OK);
    assert_true(info.kind == SBREF_LIMIT && y[0] == 0.5 && y[1] == 0.0);
    assert_int_equal(sbref_softmax64(x, 3, -1.0, y, NULL, NULL), SBREF_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kernels_within_bounds),
        cmocka_unit_test(large_logits_and_low_precision),
        cmocka_unit_test(accurate_is_faithful_and_mostly_correct),
        cmocka_unit_test(edges),
        cmocka_unit_test(reference64),
    };
    return cmocka_run_group_tests_name("float64", tests, NULL, NULL);
}
