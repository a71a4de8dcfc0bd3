/* The library's records, lookup, dispatch and bound model. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "peers.h"
#include "softmax.h"

static void records_are_complete(void **state)
{
    (void)state;
    size_t n = softmax_kernel_count();
    assert_true(n >= 4);
    assert_null(softmax_kernel_at(n));
    for (size_t i = 0; i < n; i++) {
        const struct softmax_kernel *k = softmax_kernel_at(i);
        char want[64];
        snprintf(want, sizeof want, "%s.%s", softmax_isa_name(k->isa), k->algorithm);
        assert_string_equal(k->name, want);
        assert_ptr_equal(softmax_kernel_find(k->name), k);
        assert_non_null(k->fn);
        assert_non_null(k->summary);
        assert_true(k->bound.c0 >= 0.5 && k->bound.c_arg >= 0.0 && k->bound.c_sum >= 0.0);
        assert_true(k->safe || k->in_domain != NULL);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(softmax_kernel_at(j)->name, k->name);
    }
    const char *must[] = {"scalar.naive", "scalar.threepass", "scalar.twopass", "scalar.online"};
    for (size_t i = 0; i < 4; i++)
        assert_non_null(softmax_kernel_find(must[i]));
    assert_int_equal(softmax_kernel_find("scalar.naive")->safe, 0);
    assert_null(softmax_kernel_find("scalar.nope"));
    assert_null(softmax_kernel_find(NULL));
}

/* The log-softmax table: one kernel per algorithm and ISA of the softmax
 * table, named isa.log_algorithm, found by name, never in the softmax
 * table; log_softmax() dispatches to one of them. */
static void log_records(void **state)
{
    (void)state;
    size_t n = softmax_log_kernel_count();
    assert_int_equal(n, softmax_kernel_count());
    assert_null(softmax_log_kernel_at(n));
    for (size_t i = 0; i < n; i++) {
        const struct softmax_kernel *k = softmax_log_kernel_at(i), *p = softmax_kernel_at(i);
        char want[64];
        snprintf(want, sizeof want, "%s.log_%s", softmax_isa_name(k->isa), k->algorithm);
        assert_string_equal(k->name, want);
        assert_int_equal(k->output, SOFTMAX_OUT_LOG);
        assert_int_equal(p->output, SOFTMAX_OUT_PROB);
        /* the same algorithm and ISA, the same safety */
        assert_string_equal(k->algorithm, p->algorithm);
        assert_int_equal(k->isa, p->isa);
        assert_int_equal(k->safe, p->safe);
        assert_ptr_equal(softmax_kernel_find(k->name), k);
        assert_true(k->bound.c0 >= 1.0);
        /* only the unshifted output (naive's x/T - log S) rounds log S at the
         * logits' magnitude, even at T = 1 */
        assert_true((strcmp(k->algorithm, "naive") == 0) == (k->bound.c_mag > 0.0));
    }
    const struct softmax_kernel *d = log_softmax_choose(1000, 1.0f);
    assert_int_equal(d->output, SOFTMAX_OUT_LOG);
    assert_true(softmax_kernel_supported(d));
    float x[3] = {1.0f, 1.0f, 1.0f}, y[3];
    assert_int_equal(log_softmax(x, y, 3, 1.0f), SOFTMAX_OK);
    assert_true(y[0] == (float)-log(3.0) && y[1] == y[0] && y[2] == y[0]);
    assert_int_equal(log_softmax(x, y, 3, 0.0f), SOFTMAX_EINVAL_T);
}

static void run_checks_the_record(void **state)
{
    (void)state;
    float x[2] = {0, 0}, y[2];
    assert_int_equal(softmax_run(NULL, x, y, 2, 1.0f), SOFTMAX_ENOKERNEL);
    assert_true(softmax_kernel_supported(softmax_kernel_find("scalar.threepass")));
    assert_false(softmax_kernel_supported(NULL));
    assert_string_equal(softmax_strerror(SOFTMAX_EINVAL_T), "temperature must be > 0 and not NaN");
    assert_string_equal(softmax_strerror(12345), "unknown status");
}

static void default_entry_point(void **state)
{
    (void)state;
    float x[5] = {1, 2, 3, 4, 5}, a[5], b[5];
    const size_t sizes[] = {0, 5};
    for (size_t i = 0; i < 2; i++) {
        const struct softmax_kernel *k = softmax_choose(sizes[i]);
        assert_non_null(k);
        assert_true(k->safe);
        assert_true(softmax_kernel_supported(k));
    }
    assert_int_equal(softmax(x, a, 5, 1.0f), SOFTMAX_OK);
    assert_int_equal(softmax_run(softmax_choose(5), x, b, 5, 1.0f), SOFTMAX_OK);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(softmax(x, a, 5, -2.0f), SOFTMAX_EINVAL_T);
    assert_true(softmax_isa_available() <= SOFTMAX_ISA_SVE);
}

/* The table picks by ISA and size, and never a kernel the CPU cannot run. */
static void dispatch_table(void **state)
{
    (void)state;
    const size_t sizes[] = {
        1, 256, 4096, 1 << 20, ((size_t)2 << 20) - 1, (size_t)2 << 20, (size_t)16 << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        const struct softmax_kernel *k = softmax_choose(sizes[i]);
        assert_true(softmax_kernel_supported(k) && k->safe);
        const char *want = "scalar.threepass";
        switch (softmax_isa_available()) {
        case SOFTMAX_ISA_AVX512:
            want = sizes[i] >= ((size_t)2 << 20) ? "avx512.twopass" : "avx512.threepass";
            break;
        case SOFTMAX_ISA_AVX2: want = "avx2.threepass"; break;
        case SOFTMAX_ISA_SVE: want = "sve.threepass"; break;
        case SOFTMAX_ISA_NEON: want = "neon.threepass"; break;
        case SOFTMAX_ISA_SCALAR: break;
        }
        assert_string_equal(k->name, want);
    }
}

static void bound_model(void **state)
{
    (void)state;
    struct softmax_bound b = {.c0 = 2,
                              .c_arg = 1.5,
                              .arg = SOFTMAX_ARG_SHIFTED,
                              .c_sum = 0.5,
                              .sum = SOFTMAX_SUM_PAIRWISE};
    /* T = 1: one rounding of the argument; g(1000) = 10 */
    assert_true(fabs(softmax_bound_ulp(&b, 4.0, 1.0, 1000, 1.0f) - (2 + 1.5 * 5 + 5)) < 1e-12);
    /* T != 1: two roundings */
    assert_true(fabs(softmax_bound_ulp(&b, 4.0, 1.0, 1000, 2.0f) - (2 + 3.0 * 5 + 5)) < 1e-12);
    b.arg = SOFTMAX_ARG_RAW;
    assert_true(fabs(softmax_bound_ulp(&b, 4.0, 1.0, 1, 1.0f) - 2.0) < 1e-12);
    b.sum = SOFTMAX_SUM_SEQUENTIAL;
    assert_true(fabs(softmax_bound_ulp(&b, 0.0, 0.0, 1000, 1.0f) - 502.0) < 1e-12);
}

/* logof.K exists for every kernel K: its table of functions is fixed in
 * size, and a registry that outgrew it would lose the last ones silently. */
static void logof_covers_the_registry(void **state)
{
    (void)state;
    assert_int_equal(sb_logof_count(), softmax_kernel_count());
    for (size_t i = 0; i < sb_logof_count(); i++) {
        char want[64];
        snprintf(want, sizeof want, "logof.%s", softmax_kernel_at(i)->name);
        assert_string_equal(sb_logof_at(i)->name, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_are_complete),
        cmocka_unit_test(log_records),
        cmocka_unit_test(run_checks_the_record),
        cmocka_unit_test(default_entry_point),
        cmocka_unit_test(dispatch_table),
        cmocka_unit_test(bound_model),
        cmocka_unit_test(logof_covers_the_registry),
    };
    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
