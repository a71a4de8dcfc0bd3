/* The shared kernel tester: every compiled-in kernel, softmax and
 * log-softmax, parameterized by its record, against the MPFR reference of
 * its output and its declared bound. A kernel the
 * CPU cannot run is skipped with a SKIP line naming the missing ISA. */
#include "testutil.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasets.h"
#include "metrics.h"
#include "reference.h"
#include "softmax.h"

#define MAXTAIL 257
#define MAXOFF 16

static const struct softmax_kernel *K(void **state) { return *state; }

static int need_isa(void **state)
{
    const struct softmax_kernel *k = *state;
    if (!softmax_kernel_supported(k)) {
        printf("SKIP %s: needs %s, which this CPU (or SOFTMAX_ISA) lacks\n", k->name,
               softmax_isa_name(k->isa));
        return 0;
    }
    return 1;
}
#define REQUIRE_ISA(state)                                                                         \
    do {                                                                                           \
        if (!need_isa(state))                                                                      \
            skip();                                                                                \
    } while (0)

/* Holds y to the kernel's bound (or, for limits, to exactness) against the
 * reference; prints the worst element on failure. */
static void hold(const struct softmax_kernel *k, const float *x, const float *y, size_t n, float T,
                 const char *what)
{
    float *ref = malloc((n + 1) * sizeof *ref);
    assert_non_null(ref);
    struct sbref_info info;
    int st = k->output == SOFTMAX_OUT_LOG ? sbref_log_softmax(x, n, T, ref, NULL, &info)
                                          : sbref_softmax(x, n, T, ref, NULL, &info);
    assert_true(st >= 0);
    struct sb_metrics m;
    if (!sb_judge(k, x, y, ref, n, T, info.kind, &m))
        fail_msg("%s %s n=%zu T=%g: %zu over bound, worst at %zu: y=%a ref=%a", k->name, what, n,
                 (double)T, m.n_over, m.worst_at, (double)y[m.worst_at], (double)ref[m.worst_at]);
    free(ref);
}

/* Every tail length to 257 at every float offset within 64 bytes; the
 * result must not depend on the offset, and must meet the bound. */
static void tails_and_alignment(void **state)
{
    REQUIRE_ISA(state);
    const struct softmax_kernel *k = K(state);
    float *xb = malloc((MAXTAIL + MAXOFF) * sizeof *xb),
          *yb = malloc((MAXTAIL + MAXOFF) * sizeof *yb);
    float *y0 = malloc(MAXTAIL * sizeof *y0), *x0 = malloc(MAXTAIL * sizeof *x0);
    assert_true(xb && yb && y0 && x0);
    for (size_t n = 0; n <= MAXTAIL; n++) {
        gen("normal:sigma=4", x0, n, 1000 + n);
        assert_int_equal(softmax_run(k, x0, y0, n, 1.0f), SOFTMAX_OK);
        if (k->safe)
            hold(k, x0, y0, n, 1.0f, "tails");
        for (size_t off = 1; off < MAXOFF; off++) {
            float *x = xb + off, *y = yb + (MAXOFF - off);
            memcpy(x, x0, n * sizeof *x);
            assert_int_equal(softmax_run(k, x, y, n, 1.0f), SOFTMAX_OK);
            for (size_t i = 0; i < n; i++)
                if (!same_bits(y[i], y0[i]))
                    fail_msg("%s n=%zu offset %zu: y[%zu] = %a, aligned run gave %a", k->name, n,
                             off, i, (double)y[i], (double)y0[i]);
        }
    }
    free(xb);
    free(yb);
    free(y0);
    free(x0);
}

static void in_place(void **state)
{
    REQUIRE_ISA(state);
    const struct softmax_kernel *k = K(state);
    const size_t sizes[] = {1, 5, 17, 64, 257, 1000, 4099};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
        assert_true(x && y);
        gen("uniform", x, n, 5);
        assert_int_equal(softmax_run(k, x, y, n, 0.7f), SOFTMAX_OK);
        assert_int_equal(softmax_run(k, x, x, n, 0.7f), SOFTMAX_OK);
        assert_memory_equal(x, y, n * sizeof *x);
        free(x);
        free(y);
    }
}

static void rejects_bad_arguments(void **state)
{
    REQUIRE_ISA(state);
    const struct softmax_kernel *k = K(state);
    float x[4] = {1, 2, 3, 4}, y[4] = {7, 7, 7, 7};
    const float bad[] = {0.0f, -0.0f, -1.0f, -INFINITY, NAN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(k->fn(x, y, 4, bad[i]), SOFTMAX_EINVAL_T);
        assert_int_equal(softmax_run(k, x, y, 4, bad[i]), SOFTMAX_EINVAL_T);
        for (int j = 0; j < 4; j++)
            assert_true(y[j] == 7.0f);
    }
    assert_int_equal(softmax_run(k, NULL, y, 4, 1.0f), SOFTMAX_ENULL);
    assert_int_equal(softmax_run(k, x, NULL, 4, 1.0f), SOFTMAX_ENULL);
    assert_int_equal(softmax_run(k, NULL, NULL, 0, 1.0f), SOFTMAX_OK);
}

static void temperatures_and_sizes(void **state)
{
    REQUIRE_ISA(state);
    const struct softmax_kernel *k = K(state);
    const float temps[] = {1.0f, 0.25f, 0.7f, 3.0f, 1e-3f, 1e4f};
    const size_t sizes[] = {1, 2, 7, 100, 1000, 30000};
    const char *sets[] = {"normal", "normal:sigma=12", "uniform:a=-30,b=5"};
    float *x = malloc(30000 * sizeof *x), *y = malloc(30000 * sizeof *y);
    assert_true(x && y);
    for (size_t d = 0; d < 3; d++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (size_t t = 0; t < sizeof temps / sizeof temps[0]; t++) {
                size_t n = sizes[s];
                gen(sets[d], x, n, 11 * s + t);
                assert_int_equal(softmax_run(k, x, y, n, temps[t]), SOFTMAX_OK);
                if (k->safe || k->in_domain(x, n, temps[t]))
                    hold(k, x, y, n, temps[t], sets[d]);
            }
    free(x);
    free(y);
}

/* The edges a reference can decide (limits, undefined, huge values). The
 * full contract, with its lane and guard-page tests, is tested by edge. */
static void edges(void **state)
{
    REQUIRE_ISA(state);
    const struct softmax_kernel *k = K(state);
    struct {
        float x[6];
        size_t n;
        float T;
    } cases[] = {
        {{42.0f}, 1, 1.0f},
        {{5, 5, 5, 5, 5}, 5, 1.0f},
        {{1e4f, 1e4f, 1e4f}, 3, 1.0f},
        {{1, -INFINITY, 2, -INFINITY}, 4, 1.0f},
        {{1, NAN, 2}, 3, 1.0f},
        {{NAN, INFINITY, 2}, 3, 1.0f},
        {{1, INFINITY, 2, INFINITY, -INFINITY}, 5, 1.0f},
        {{-INFINITY, -INFINITY, -INFINITY}, 3, 1.0f},
        {{1, -INFINITY, 3, 1e30f}, 4, INFINITY},
        {{FLT_MAX, -FLT_MAX, 0, FLT_MAX}, 4, 1.0f},
        {{1e30f, -1e30f, 1e30f, 0.5f}, 4, 1.0f},
        {{-1e30f, -1e30f, -2e30f}, 3, 1.0f},
        {{1, 1.0000001f, 0.9999999f}, 3, 1e-30f},
        {{-0.0f, 0.0f, -0.0f}, 3, 1.0f},
        {{3e6f, 2.99999e6f, 0}, 3, 1.0f},
        {{-200, -210, -250}, 3, 1.0f},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        float y[6];
        char what[32];
        snprintf(what, sizeof what, "edge case %zu", c);
        assert_int_equal(softmax_run(k, cases[c].x, y, cases[c].n, cases[c].T), SOFTMAX_OK);
        /* an unsafe kernel only has to survive them; verify shows its output */
        if (k->safe)
            hold(k, cases[c].x, y, cases[c].n, cases[c].T, what);
    }
}

/* Logits around the vector exponentials' range limits: the table
 * exponential's magic-number rounding (|x/T| < 181704), the two-pass sum
 * exponent's K_HI and K_LO, the clamp at ARG_LO, and the AVX2 and scalar
 * limits (2^20, -2^21, -2^22). Each row is a cluster (spread 3) around a base,
 * and a second row adds one logit 1e5 above it, so the rest are clamped or
 * vanish. */
static void range_limits(void **state)
{
    REQUIRE_ISA(state);
    const struct softmax_kernel *k = K(state);
    if (!k->safe)
        skip();
    const float bases[] = {9e4f,   -9e4f,   1.3e5f,  -1.3e5f, 1.37e5f, -1.37e5f,
                           1.5e5f, -1.5e5f, 1.8e5f,  -1.8e5f, 1.9e5f,  -1.9e5f,
                           1.1e6f, -1.1e6f, -2.2e6f, -4.3e6f, 3e7f};
    const float temps[] = {1.0f, 0.5f, 2.0f};
    /* 200: the per-step paths; 1100: also AVX-512 two-pass's block path
     * (two blocks of 512, one from each half, and a tail) */
    const size_t sizes[] = {200, 1100};
    float x[1100], y[1100];
    for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++)
        for (size_t t = 0; t < sizeof temps / sizeof temps[0]; t++)
            for (int lead = 0; lead < 2; lead++)
                for (size_t s = 0; s < 2; s++) {
                    size_t n = sizes[s];
                    char what[64];
                    gen("normal:sigma=3", x, n, b);
                    for (size_t i = 0; i < n; i++)
                        x[i] += bases[b];
                    if (lead)
                        x[n / 3] = bases[b] + 1e5f;
                    snprintf(what, sizeof what, "base %g%s", (double)bases[b],
                             lead ? " +lead" : "");
                    assert_int_equal(softmax_run(k, x, y, n, temps[t]), SOFTMAX_OK);
                    hold(k, x, y, n, temps[t], what);
                }
}

/* Inputs of 3000 (five full blocks of 512 from two halves and a tail): one
 * special value placed in each region in turn, the first block, the second
 * half, the tail, against a normal bulk or a fully masked one. The contract
 * (NaN -> NaN everywhere, +inf -> the limit, -inf -> 0) and the bound hold
 * wherever it sits; the block path's exponent comes from the lane maximum
 * taken a block ahead, so a special value in the next block must not leak
 * into this one. */
static void special_values_in_blocks(void **state)
{
    REQUIRE_ISA(state);
    const struct softmax_kernel *k = K(state);
    if (!k->safe)
        skip();
    enum { N = 3000 };
    static float x[N], y[N];
    const size_t at[] = {0, 511, 512, 1023, 1024, 1535, 1536, 2047, 2048, 2559, 2560, 2999};
    const float vals[] = {NAN, INFINITY, -INFINITY, 80.0f, -80.0f, 1e5f, -1e5f};
    for (int masked = 0; masked < 2; masked++)
        for (size_t a = 0; a < sizeof at / sizeof at[0]; a++)
            for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
                gen("normal", x, N, a);
                if (masked)
                    for (size_t i = 0; i < N; i++)
                        x[i] = i % 97 == 5 ? x[i] : -INFINITY;
                x[at[a]] = vals[v];
                char what[64];
                snprintf(what, sizeof what, "%s, %g at %zu", masked ? "masked" : "normal",
                         (double)vals[v], at[a]);
                assert_int_equal(softmax_run(k, x, y, N, 1.0f), SOFTMAX_OK);
                hold(k, x, y, N, 1.0f, what);
            }
}

static void large_n(void **state)
{
    REQUIRE_ISA(state);
    const struct softmax_kernel *k = K(state);
    size_t n = 200000;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    assert_true(x && y);
    gen("normal", x, n, 3);
    assert_int_equal(softmax_run(k, x, y, n, 1.0f), SOFTMAX_OK);
    hold(k, x, y, n, 1.0f, "normal");
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += k->output == SOFTMAX_OUT_LOG ? exp((double)y[i]) : (double)y[i];
    if (k->safe)
        assert_true(fabs(sum - 1.0) < 1e-5);
    free(x);
    free(y);
}

/* Rising, falling and jumping logits: the accurate kernels' two-pass form
 * moves each lane's reference up whenever a block passes it by 32 T, so a
 * steep rise rescales in every block, a gentle one now and then, a fall
 * never; a jump of 1e4 leaves every earlier term e^-120 or less, and
 * -inf lanes come first. Every safe kernel must meet its bound on them. */
static void ramps(void **state)
{
    REQUIRE_ISA(state);
    const struct softmax_kernel *k = K(state);
    if (!k->safe)
        skip();
    enum { N = 5000 };
    static float x[N], y[N];
    const float slopes[] = {0.002f, 0.05f, 1.0f, 40.0f};
    const float temps[] = {1.0f, 0.3f};
    for (size_t s = 0; s < sizeof slopes / sizeof slopes[0]; s++)
        for (int form = 0; form < 4; form++)
            for (size_t t = 0; t < 2; t++) {
                for (size_t i = 0; i < N; i++) {
                    float r = slopes[s] * (float)(form == 1 ? N - i : i);
                    x[i] = form < 2    ? r
                           : form == 2 ? (i < N / 2 ? -r : 1e4f - r)
                                       : (i < 700 ? -INFINITY : r);
                }
                char what[64];
                snprintf(what, sizeof what, "slope %g form %d", (double)slopes[s], form);
                assert_int_equal(softmax_run(k, x, y, N, temps[t]), SOFTMAX_OK);
                hold(k, x, y, N, temps[t], what);
            }
}

/* The unsafe kernels must be seen failing where they overflow. */
static void naive_overflows(void **state)
{
    (void)state;
    const struct softmax_kernel *k = softmax_kernel_find("scalar.naive");
    assert_non_null(k);
    float x[3] = {100.0f, 1.0f, 2.0f}, y[3];
    assert_int_equal(softmax_run(k, x, y, 3, 1.0f), SOFTMAX_OK);
    assert_true(isnan(y[0]));
    const struct softmax_kernel *lk = softmax_kernel_find("scalar.log_naive");
    assert_non_null(lk);
    assert_int_equal(softmax_run(lk, x, y, 3, 1.0f), SOFTMAX_OK);
    assert_true(y[0] == -INFINITY && y[1] == -INFINITY); /* log of an overflowed sum */
    assert_false(lk->in_domain(x, 3, 1.0f));
    assert_false(k->in_domain(x, 3, 1.0f));
    assert_true(k->in_domain(x, 3, 2.0f));
    assert_int_equal(k->safe, 0);
}

/* Log kernels at exact corners: n = 1 gives exactly 0 (never a positive
 * log-probability), and an accurate kernel whose other terms are all
 * dropped (300 below the max) still gives the max -0, the correctly rounded
 * value of -exp(-300) - ..., as the reference does. */
static void log_corners(void **state)
{
    (void)state;
    float x[16], y[16], ref[16];
    for (size_t i = 0; i < softmax_log_kernel_count(); i++) {
        const struct softmax_kernel *k = softmax_log_kernel_at(i);
        if (!softmax_kernel_supported(k) || !k->safe)
            continue;
        const float one[1] = {12.5f};
        assert_int_equal(softmax_run(k, one, y, 1, 1.0f), SOFTMAX_OK);
        if (!(y[0] == 0.0f))
            fail_msg("%s: n = 1 gave %a, want 0", k->name, (double)y[0]);
        assert_int_equal(softmax_run(k, one, y, 1, 0.3f), SOFTMAX_OK);
        if (!(y[0] == 0.0f))
            fail_msg("%s: n = 1, T = 0.3 gave %a, want 0", k->name, (double)y[0]);
        if (strcmp(k->algorithm, "accurate") != 0)
            continue;
        x[0] = 0.0f;
        for (int j = 1; j < 16; j++)
            x[j] = -300.0f;
        assert_int_equal(sbref_log_softmax(x, 16, 1.0f, ref, NULL, NULL), SBREF_OK);
        assert_int_equal(softmax_run(k, x, y, 16, 1.0f), SOFTMAX_OK);
        if (!(y[0] == 0.0f && signbit(y[0]) && signbit(ref[0])))
            fail_msg("%s: the max gave %a, the reference %a (want -0)", k->name, (double)y[0],
                     (double)ref[0]);
    }
}

int main(void)
{
    static const struct {
        const char *what;
        void (*fn)(void **);
    } props[] = {
        {"tails and alignment", tails_and_alignment},
        {"in place", in_place},
        {"rejects bad arguments", rejects_bad_arguments},
        {"temperatures and sizes", temperatures_and_sizes},
        {"edges", edges},
        {"large n", large_n},
        {"special values in blocks", special_values_in_blocks},
        {"range limits", range_limits},
        {"ramps", ramps},
    };
    size_t np = sizeof props / sizeof props[0], nk = softmax_kernel_count();
    size_t nl = softmax_log_kernel_count();
    struct CMUnitTest *tests = calloc((nk + nl) * np * 2 + 2, sizeof *tests);
    char(*names)[96] = calloc((nk + nl) * np * 2, sizeof *names);
    assert_true(tests && names);
    size_t t = 0;
    for (size_t i = 0; i < nk + nl; i++) {
        const struct softmax_kernel *k = i < nk ? softmax_kernel_at(i)
                                                : softmax_log_kernel_at(i - nk);
        if (kernel_left_out(k))
            continue;
        for (size_t p = 0; p < np; p++, t++) {
            snprintf(names[t], sizeof names[t], "%s: %s", k->name, props[p].what);
            tests[t] = (struct CMUnitTest){.name = names[t],
                                           .test_func = props[p].fn,
                                           .initial_state = (void *)k};
        }
    }
    /* the vector accurate kernels again, in their two-pass form at every n */
    for (size_t i = 0; i < nk; i++) {
        const struct softmax_kernel *k = softmax_kernel_at(i);
        if (strcmp(k->algorithm, "accurate") != 0 || k->isa == SOFTMAX_ISA_SCALAR)
            continue;
        for (size_t p = 0; p < np; p++, t++) {
            snprintf(names[t], sizeof names[t], "%s (two-pass form): %s", k->name, props[p].what);
            tests[t] = (struct CMUnitTest){.name = names[t],
                                           .test_func = props[p].fn,
                                           .setup_func = two_pass_form,
                                           .teardown_func = kept_form,
                                           .initial_state = (void *)k};
        }
    }
    tests[t++] = (struct CMUnitTest){.name = "scalar.naive overflows",
                                     .test_func = naive_overflows};
    tests[t++] = (struct CMUnitTest){.name = "log corners", .test_func = log_corners};
    int rc = _cmocka_run_group_tests("kernels", tests, t, NULL, NULL);
    free(tests);
    free(names);
    return rc;
}
