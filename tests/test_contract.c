/* The edge-case contract and the properties (harness/contract.c) for every
 * kernel: a safe kernel must pass every case; the unsafe naive kernel must
 * be seen failing where it overflows and still keep the memory and argument
 * rules. A kernel the CPU cannot run is skipped with a SKIP line. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "softmax.h"

struct pairing {
    const struct softmax_kernel *k;
    const struct sb_case *c;
};

static void safe_kernel_passes(void **state)
{
    const struct pairing *p = *state;
    if (!softmax_kernel_supported(p->k)) {
        printf("SKIP %s: needs %s, which this CPU (or SOFTMAX_ISA) lacks\n", p->k->name,
               softmax_isa_name(p->k->isa));
        skip();
    }
    struct sb_case_result r;
    sb_case_run(p->c, p->k, &r);
    if (!r.pass)
        fail_msg("%s breaks '%s': %s", p->k->name, p->c->name, r.detail);
}

static void naive_fails_where_it_overflows(void **state)
{
    const struct softmax_kernel *k = softmax_kernel_find(*state);
    const char *fails[] = {"huge", "pinf", "T-small", "lanes"};
    const char *holds[] = {"n0", "T-invalid", "in-place", "guard", "nan"};
    struct sb_case_result r;
    for (size_t i = 0; i < 4; i++) {
        sb_case_run(sb_case_find(fails[i]), k, &r);
        if (r.pass)
            fail_msg("%s passed '%s'; it has no max shift and should overflow", k->name, fails[i]);
        assert_true(strlen(r.detail) > 0);
    }
    for (size_t i = 0; i < 5; i++) {
        sb_case_run(sb_case_find(holds[i]), k, &r);
        if (!r.pass)
            fail_msg("%s breaks '%s': %s", k->name, holds[i], r.detail);
    }
}

static void cases_are_named(void **state)
{
    (void)state;
    assert_true(sb_case_count() >= 20);
    for (size_t i = 0; i < sb_case_count(); i++) {
        const struct sb_case *c = sb_case_at(i);
        assert_ptr_equal(sb_case_find(c->name), c);
        assert_true(strlen(c->rule) > 10);
    }
    assert_null(sb_case_find("nope"));
}

int main(void)
{
    size_t np = softmax_kernel_count(), nk = np + softmax_log_kernel_count();
    size_t nc = sb_case_count(), t = 0;
    struct CMUnitTest *tests = calloc(2 * nk * nc + 3, sizeof *tests);
    struct pairing *pairs = calloc(2 * nk * nc, sizeof *pairs);
    char(*names)[96] = calloc(2 * nk * nc, sizeof *names);
    if (tests == NULL || pairs == NULL || names == NULL)
        return 1;
    for (size_t i = 0; i < nk; i++) {
        const struct softmax_kernel *k = i < np ? softmax_kernel_at(i)
                                                : softmax_log_kernel_at(i - np);
        if (!k->safe || kernel_left_out(k))
            continue;
        for (size_t c = 0; c < nc; c++, t++) {
            pairs[t] = (struct pairing){k, sb_case_at(c)};
            snprintf(names[t], sizeof names[t], "%s: %s", k->name, sb_case_at(c)->name);
            tests[t] = (struct CMUnitTest){.name = names[t],
                                           .test_func = safe_kernel_passes,
                                           .initial_state = &pairs[t]};
        }
    }
    /* the vector accurate kernels again, in their two-pass form */
    for (size_t i = 0; i < np; i++) {
        const struct softmax_kernel *k = softmax_kernel_at(i);
        if (strcmp(k->algorithm, "accurate") != 0 || k->isa == SOFTMAX_ISA_SCALAR)
            continue;
        for (size_t c = 0; c < nc; c++, t++) {
            pairs[t] = (struct pairing){k, sb_case_at(c)};
            snprintf(names[t], sizeof names[t], "%s (two-pass form): %s", k->name,
                     sb_case_at(c)->name);
            tests[t] = (struct CMUnitTest){.name = names[t],
                                           .test_func = safe_kernel_passes,
                                           .setup_func = two_pass_form,
                                           .teardown_func = kept_form,
                                           .initial_state = &pairs[t]};
        }
    }
    tests[t++] = (struct CMUnitTest){.name = "naive fails where it overflows",
                                     .test_func = naive_fails_where_it_overflows,
                                     .initial_state = (void *)"scalar.naive"};
    tests[t++] = (struct CMUnitTest){.name = "log naive fails where it overflows",
                                     .test_func = naive_fails_where_it_overflows,
                                     .initial_state = (void *)"scalar.log_naive"};
    tests[t++] = (struct CMUnitTest){.name = "cases are named", .test_func = cases_are_named};
    int rc = _cmocka_run_group_tests("contract", tests, t, NULL, NULL);
    sb_case_release();
    free(tests);
    free(pairs);
    free(names);
    return rc;
}
