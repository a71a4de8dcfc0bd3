/* The regression gate, proved on injected regressions: test-only kernels
 * that compute a less accurate exponential or do extra work per element
 * are measured under the name of the kernel whose baseline they are held
 * to, and the gate must name the figure that got worse; an unchanged
 * kernel measured ten times must pass ten times. */
#include "cli.h"
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gate.h"
#include "softmax.h"

static const struct softmax_kernel *threepass(void)
{
    return softmax_kernel_find("scalar.threepass");
}

/* exp by a degree-3 Taylor polynomial after the usual reduction: relative
 * error up to r^4/24 = 6e-4 at |r| = ln2/2, thousands of ULP. */
static float exp_low(float d)
{
    if (d < -104.0f)
        return 0.0f;
    float n = nearbyintf(d * 1.44269504f), r = d - n * 0.693147181f;
    return ldexpf(1.0f + r + r * r / 2.0f + r * r * r / 6.0f, (int)n);
}

/* scalar.threepass with the low exponential on finite inputs at T = 1 (the
 * rest, the contract's edges, goes to the real kernel, so that only the
 * accuracy figures change). */
static int lowdeg(const float *x, float *y, size_t n, float T)
{
    int finite = T == 1.0f && x != NULL && y != NULL && n > 0;
    for (size_t i = 0; finite && i < n; i++)
        finite = isfinite(x[i]);
    if (!finite || x == y)
        return threepass()->fn(x, y, n, T);
    float m = -FLT_MAX;
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += y[i] = exp_low(x[i] - m);
    for (size_t i = 0; i < n; i++)
        y[i] = (float)(y[i] / s);
    return SOFTMAX_OK;
}

static volatile float sink;

/* scalar.threepass, then a second look at every element. */
static int extra_work(const float *x, float *y, size_t n, float T)
{
    int rc = threepass()->fn(x, y, n, T);
    float s = 0.0f;
    for (size_t i = 0; x != NULL && i < n; i++)
        s += x[i] * 0.5f;
    sink = s;
    return rc;
}

static struct softmax_kernel as_threepass(softmax_fn fn)
{
    struct softmax_kernel k = *threepass();
    k.name = "test.gate";
    k.fn = fn;
    k.rows = NULL; /* its rows would be the real kernel's */
    return k;
}

/* Instruction counts single-step the kernel (microseconds an instruction):
 * only where the test looks at them. */
static void measure(const struct softmax_kernel *k, struct sb_gate_figures *f, int insns)
{
    if (insns && sb_emulated()) { /* qemu-user runs no ptrace for its guest */
        printf("SKIP: instruction counts single-step under ptrace, which qemu-user lacks\n");
        skip();
    }
    char err[256];
    struct sb_gate_opts o = {1, insns, 0};
    if (sb_gate_measure(k, &o, f, err, sizeof err) != 0)
        fail_msg("measure %s: %s", k->name, err);
    assert_true(f->measured);
}

static const struct sb_gate_tol tol = {SB_GATE_INSN_TOL, SB_GATE_TIME_TOL};

static void less_accurate_exp_fails_accuracy(void **state)
{
    (void)state;
    struct softmax_kernel good = as_threepass(threepass()->fn), bad = as_threepass(lowdeg);
    struct sb_gate_figures base, now;
    struct sb_gate_verdict v;
    measure(&good, &base, 0);
    measure(&bad, &now, 0);
    sb_gate_compare(&base, &now, &tol, &v);
    printf("  verdict: %s\n", v.detail);
    assert_true(v.acc_regressed);
    assert_non_null(strstr(v.detail, "max ULP on normal n=1000"));
    assert_non_null(strstr(v.detail, "now beyond the declared bound"));
}

static void extra_work_fails_instructions(void **state)
{
    (void)state;
    skip_if_slow_left_out();
    struct softmax_kernel good = as_threepass(threepass()->fn), bad = as_threepass(extra_work);
    struct sb_gate_figures base, now;
    struct sb_gate_verdict v;
    measure(&good, &base, 1);
    measure(&bad, &now, 1);
    sb_gate_compare(&base, &now, &tol, &v);
    printf("  verdict: %s\n", v.detail);
    assert_false(v.acc_regressed);
    assert_true(v.insn_regressed);
    assert_true(now.insns > base.insns);
    /* and within a tolerance that covers it, the same figures pass */
    struct sb_gate_tol loose = {1.0, SB_GATE_TIME_TOL};
    sb_gate_compare(&base, &now, &loose, &v);
    assert_false(v.insn_regressed);
}

/* The same kernel ten times: the deterministic figures are equal each time,
 * and the gate passes each time. A vector kernel where the CPU has one,
 * since single-stepping costs microseconds per instruction. */
static void unchanged_passes_ten_times(void **state)
{
    (void)state;
    skip_if_slow_left_out();
    const struct softmax_kernel *k = softmax_kernel_find("avx2.threepass");
    if (!softmax_kernel_supported(k)) {
        printf("SKIP avx2.threepass: needs avx2; using scalar.threepass\n");
        k = threepass();
    }
    struct sb_gate_figures base, now;
    measure(k, &base, 1);
    assert_true(base.insns > 0);
    for (int run = 0; run < 10; run++) {
        struct sb_gate_verdict v;
        measure(k, &now, 1);
        sb_gate_compare(&base, &now, &tol, &v);
        if (v.acc_regressed || v.edge_regressed || v.insn_regressed)
            fail_msg("run %d: %s", run, v.detail);
        assert_true(now.insns == base.insns);
        for (size_t i = 0; i < base.nacc; i++)
            assert_true(now.acc[i].max_ulp == base.acc[i].max_ulp);
    }
}

/* A slower kernel is caught by the time rule, a noisy equal one is not. */
static void time_rule(void **state)
{
    (void)state;
    struct sb_gate_figures base = {.measured = 1}, now = {.measured = 1};
    for (size_t i = 0; i < 15; i++) {
        base.ratio[i] = 2.0 + 0.05 * (double)(i % 5);
        now.ratio[i] = 2.0 + 0.05 * (double)((i + 2) % 5);
    }
    base.rounds = now.rounds = 15;
    struct sb_gate_verdict v;
    sb_gate_compare(&base, &now, &tol, &v);
    assert_false(v.time_regressed);
    for (size_t i = 0; i < 15; i++)
        now.ratio[i] = base.ratio[i] * 1.3;
    sb_gate_compare(&base, &now, &tol, &v);
    assert_true(v.time_regressed);
    assert_non_null(strstr(v.detail, "Mann-Whitney"));
    /* 30% slower in the median but one round only each: not significant */
    base.rounds = now.rounds = 1;
    sb_gate_compare(&base, &now, &tol, &v);
    assert_false(v.time_regressed);
}

static void mann_whitney(void **state)
{
    (void)state;
    double a[10], b[10];
    for (int i = 0; i < 10; i++) {
        a[i] = i;
        b[i] = 10 + i;
    }
    assert_true(sb_mann_whitney_p(a, 10, b, 10) < 1e-3);  /* b above a */
    assert_true(sb_mann_whitney_p(b, 10, a, 10) > 0.999); /* b below a */
    assert_true(fabs(sb_mann_whitney_p(a, 10, a, 10) - 0.5) < 0.05);
    double t[6] = {1, 1, 1, 1, 1, 1};
    assert_true(sb_mann_whitney_p(t, 3, t + 3, 3) >= 0.5); /* all tied */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(less_accurate_exp_fails_accuracy),
        cmocka_unit_test(extra_work_fails_instructions),
        cmocka_unit_test(unchanged_passes_ten_times),
        cmocka_unit_test(time_rule),
        cmocka_unit_test(mann_whitney),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
