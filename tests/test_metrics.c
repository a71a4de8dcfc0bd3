/* The metrics: ULP convention, and each figure on vectors with known errors. */
#include "testutil.h"

#include <float.h>

#include "metrics.h"
#include "softmax.h"

static void ulp_convention(void **state)
{
    (void)state;
    assert_true(sb_ulp_of(1.0f) == 0x1p-23);
    assert_true(sb_ulp_of(1.5f) == 0x1p-23);
    assert_true(sb_ulp_of(0.0f) == 0x1p-149);
    assert_true(sb_ulp_of(FLT_MIN) == 0x1p-149);
    assert_true(sb_ulp_of(0x1p-140f) == 0x1p-149);
    assert_true(sb_ulp_of(0x1p-125f) == 0x1p-148);
    /* measured in ULPs of the reference: below a power of two counts half */
    assert_true(sb_ulp_error(nextafterf(1.0f, 2.0f), 1.0f) == 1.0);
    assert_true(sb_ulp_error(nextafterf(1.0f, 0.0f), 1.0f) == 0.5);
    assert_true(sb_ulp_error(0x1p-149f, 0.0f) == 1.0);
    assert_true(sb_ulp_error(0.25f, 0.25f) == 0.0);
    assert_true(sb_ulp_error(NAN, NAN) == 0.0);
    assert_true(isinf(sb_ulp_error(NAN, 0.5f)));
    assert_true(isinf(sb_ulp_error(0.5f, NAN)));
    assert_true(isinf(sb_ulp_error(INFINITY, 0.5f)));
    assert_true(sb_ulp_error(INFINITY, INFINITY) == 0.0);
}

/* log-softmax: ULP of the reference where |r| >= 0.5, units of 2^-24 below. */
static void log_error_units(void **state)
{
    (void)state;
    assert_true(sb_log_error(-3.0f, -3.0f) == 0.0);
    assert_true(sb_log_error(nextafterf(-3.0f, -4.0f), -3.0f) == 1.0); /* ulp(3) = 2^-22 */
    assert_true(sb_log_error(-0.5f - 0x1p-24f, -0.5f) == 1.0);         /* ulp(0.5) = 2^-24 */
    assert_true(sb_log_error(-0x1p-20f, -0x1p-21f) == 8.0);            /* absolute, 2^-21 */
    assert_true(sb_log_error(0.0f, -0x1p-30f) == 0x1p-6);
    assert_true(sb_log_error(-INFINITY, -INFINITY) == 0.0);
    assert_true(isinf(sb_log_error(-INFINITY, -90.0f)));
    assert_true(isinf(sb_log_error(NAN, -1.0f)));
    assert_true(sb_log_error(NAN, NAN) == 0.0);
    /* sb_error_of picks by the record */
    struct softmax_kernel lk = {.output = SOFTMAX_OUT_LOG}, pk = {.output = SOFTMAX_OUT_PROB};
    assert_true(sb_error_of(&lk, 0.0f, -0x1p-30f) == 0x1p-6);
    assert_true(sb_error_of(&pk, 0x1p-20f, 0x1p-21f) == sb_ulp_error(0x1p-20f, 0x1p-21f));
    assert_true(sb_error_of(NULL, 1.0f, 1.0f) == 0.0);
}

static void compensated_sum(void **state)
{
    (void)state;
    float v[4] = {1e8f, 1.0f, -1e8f, 1.0f};
    assert_true(sb_sum_compensated(v, 4) == 2.0);
}

static void figures_on_known_errors(void **state)
{
    (void)state;
    const struct softmax_kernel *k = softmax_kernel_find("scalar.threepass");
    float x[4] = {0.0f, 1.0f, 2.0f, 3.0f};
    float ref[4] = {0.0320586f, 0.0871443f, 0.2368828f, 0.6439143f};
    float y[4];
    memcpy(y, ref, sizeof y);
    struct sb_metrics m;
    sb_metrics_compute(x, y, ref, 4, 1.0f, k, SB_HOLD_BOUND, &m);
    assert_true(m.max_ulp == 0.0 && m.frac_cr == 1.0 && m.kl == 0.0 && m.n_over == 0);
    assert_true(m.argmax_ok && !m.all_nan);

    /* element 1 three ULPs up */
    y[1] = nextafterf(nextafterf(nextafterf(ref[1], 1.0f), 1.0f), 1.0f);
    sb_metrics_compute(x, y, ref, 4, 1.0f, k, SB_HOLD_BOUND, &m);
    assert_true(m.max_ulp == 3.0);
    assert_int_equal(m.max_ulp_at, 1);
    assert_true(fabs(m.mean_ulp - 0.75) < 1e-12);
    assert_true(m.frac_cr == 0.75);
    double d = (double)y[1] - (double)ref[1];
    assert_true(fabs(m.max_rel - d / ref[1]) < 1e-15);
    assert_true(fabs(m.normwise - d / (0x1p-24 * ref[3])) < 1e-9);
    assert_true(m.kl > 0.0);
    assert_int_equal(m.n_over, 0);
    /* exact holding counts it */
    sb_metrics_compute(x, y, ref, 4, 1.0f, k, SB_HOLD_EXACT, &m);
    assert_int_equal(m.n_over, 1);
    assert_true(isinf(m.worst_ratio));

    /* argmax moved */
    y[0] = 0.9f;
    sb_metrics_compute(x, y, ref, 4, 1.0f, k, SB_HOLD_NONE, &m);
    assert_false(m.argmax_ok);
    assert_true(m.sum_err > 0.8);

    /* a zero where the reference is positive: KL infinite */
    y[0] = 0.0f;
    sb_metrics_compute(x, y, ref, 4, 1.0f, k, SB_HOLD_NONE, &m);
    assert_true(isinf(m.kl));

    float nan4[4] = {NAN, NAN, NAN, NAN};
    sb_metrics_compute(x, nan4, ref, 4, 1.0f, k, SB_HOLD_NONE, &m);
    assert_true(m.all_nan && isinf(m.max_ulp));
}

/* r moved up by k ULPs (r in [1, 2): each step is one ULP of r exactly). */
static float ulps_up(float r, int k)
{
    while (k-- > 0)
        r = nextafterf(r, 2.0f);
    return r;
}

/* The median of the per-element ULP errors of y against ref = 1, y made
 * with the given errors (-1: a NaN output, an infinite error). */
static double median_of_errors(const int *err, size_t n)
{
    const struct softmax_kernel *k = softmax_kernel_find("scalar.threepass");
    float x[1024], y[1024], ref[1024];
    assert_true(n <= 1024);
    for (size_t i = 0; i < n; i++) {
        x[i] = 0.0f;
        ref[i] = 1.0f;
        y[i] = err[i] < 0 ? NAN : ulps_up(1.0f, err[i]);
    }
    struct sb_metrics m;
    sb_metrics_compute(x, y, ref, n, 1.0f, k, SB_HOLD_NONE, &m);
    return m.median_ulp;
}

static int cmp_int(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* median_ulp: the lower middle of the sorted errors (element (n - 1) / 2),
 * not the mean, nor the mean of the two middles. */
static void median_ulp(void **state)
{
    (void)state;
    const int odd[] = {4, 0, 1, 9, 2}; /* 0 1 [2] 4 9: the mean is 3.2 */
    assert_true(median_of_errors(odd, 5) == 2.0);
    const int even[] = {5, 1, 0, 3, 7, 2}; /* 0 1 [2] 3 5 7: not 2.5, not 3 */
    assert_true(median_of_errors(even, 6) == 2.0);
    const int two[] = {8, 1};
    assert_true(median_of_errors(two, 2) == 1.0);
    const int one[] = {6};
    assert_true(median_of_errors(one, 1) == 6.0);
    const int ties[] = {1, 1, 1, 1, 0, 50, 1}; /* the mean is 55/7 */
    assert_true(median_of_errors(ties, 7) == 1.0);
    const int nan_out[] = {-1, 0, 3}; /* 0 [3] inf */
    assert_true(median_of_errors(nan_out, 3) == 3.0);
    const int mostly_nan[] = {-1, -1, 0};
    assert_true(isinf(median_of_errors(mostly_nan, 3)));
    assert_true(median_of_errors(one, 0) == 0.0);

    /* larger, scrambled, with many ties: against a sort, odd and even n */
    int e[1000], sorted[1000];
    for (size_t n = 999; n <= 1000; n++) {
        for (size_t i = 0; i < n; i++)
            e[i] = (int)((i * 7919 + 13) % 41);
        memcpy(sorted, e, n * sizeof *e);
        qsort(sorted, n, sizeof *sorted, cmp_int);
        assert_true(median_of_errors(e, n) == (double)sorted[(n - 1) / 2]);
    }

    /* a batch: the largest of its rows' medians */
    struct sb_metrics a = {.n = 5, .median_ulp = 2.0}, b = {.n = 6, .median_ulp = 3.0};
    sb_metrics_merge(&a, &b, 5);
    assert_true(a.median_ulp == 3.0);
    b.median_ulp = 1.0;
    sb_metrics_merge(&a, &b, 11);
    assert_true(a.median_ulp == 3.0);
}

/* Each error lands in the bin (edge[j-1], edge[j]]; 0 alone in bin 0; the
 * infinite and the enormous in the last. */
static void histogram_bins(void **state)
{
    (void)state;
    assert_int_equal(sb_hist_bin(0.0), 0);
    assert_int_equal(sb_hist_bin(0x1p-20), 1);
    assert_int_equal(sb_hist_bin(0.5), 1);
    assert_int_equal(sb_hist_bin(0.75), 2);
    assert_int_equal(sb_hist_bin(1.0), 2);
    assert_int_equal(sb_hist_bin(1.5), 3);
    assert_int_equal(sb_hist_bin(3.0), 4);
    assert_int_equal(sb_hist_bin(3.5), 5);
    assert_int_equal(sb_hist_bin(5.0), 6);
    assert_int_equal(sb_hist_bin(8.0), 6);
    assert_int_equal(sb_hist_bin(8.5), 7);
    assert_int_equal(sb_hist_bin(0x1p31), SB_HIST_BINS - 2);
    assert_int_equal(sb_hist_bin(0x1p31 + 1), SB_HIST_BINS - 1);
    assert_int_equal(sb_hist_bin(INFINITY), SB_HIST_BINS - 1);
    assert_int_equal(sb_hist_bin(NAN), SB_HIST_BINS - 1);
    for (int j = 1; j < SB_HIST_BINS; j++) {
        assert_true(sb_hist_edge(j) > sb_hist_edge(j - 1));
        if (j < SB_HIST_BINS - 1)
            assert_int_equal(sb_hist_bin(sb_hist_edge(j)), j);
    }
    /* a vector with known errors: 0, 1, 2, 3 ULP at 1.0, a NaN where the
     * reference is a number, and a NaN where it is NaN too (no error) */
    float r[6] = {1.0f, 1.0f, 1.0f, 1.0f, 0.5f, NAN};
    float y[6] = {1.0f, 1.0f + 0x1p-23f, 1.0f + 0x1p-22f, 1.0f + 3 * 0x1p-23f, NAN, NAN};
    struct sb_hist h = {0}, g = {0};
    sb_hist_add(&h, NULL, y, r, 6);
    assert_true(h.count[0] == 2 && h.count[2] == 1 && h.count[3] == 1 && h.count[4] == 1 &&
                h.count[SB_HIST_BINS - 1] == 1);
    assert_true(sb_hist_total(&h) == 6);
    sb_hist_merge(&g, &h);
    sb_hist_merge(&g, &h);
    assert_true(g.count[0] == 4 && sb_hist_total(&g) == 12);
}

static void bound_per_element(void **state)
{
    (void)state;
    const struct softmax_kernel *k = softmax_kernel_find("scalar.threepass");
    float x[3] = {0.0f, -10.0f, 2.0f};
    float ref[3] = {0.1f, 0.0f, 0.9f};
    double abar = sb_abar(k, x, ref, 3, 2.0f, 1.0f);
    assert_true(fabs(abar - 0.1 * 2.0 - 0.9 * 0.0) < 1e-7);
    double b = sb_element_bound(k, x, 1, 2.0f, abar, 3, 1.0f);
    assert_true(fabs(b - softmax_bound_ulp(&k->bound, 12.0, abar, 3, 1.0f)) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ulp_convention),  cmocka_unit_test(compensated_sum),
        cmocka_unit_test(log_error_units), cmocka_unit_test(figures_on_known_errors),
        cmocka_unit_test(median_ulp),      cmocka_unit_test(bound_per_element),
        cmocka_unit_test(histogram_bins),
    };
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
