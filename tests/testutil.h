/* testutil.h - what the cmocka test programs share. */
#ifndef SB_TESTUTIL_H
#define SB_TESTUTIL_H

/* cmocka needs these before its header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasets.h"
#include "internal.h" /* sb_accurate_keep_max */
#include "softmax.h"

/* n values of the dataset spec (a valid one) from seed. */
static inline void gen(const char *spec, float *x, size_t n, uint64_t seed)
{
    struct sb_dataset_spec s;
    char err[128];
    assert_int_equal(sb_dataset_parse(spec, &s, err, sizeof err), 0);
    sb_dataset_generate(&s, x, n, seed);
}

/* SOFTBENCH_SLOW_TESTS=0: make test's repeated passes (the ISA caps, the
 * sanitizer and clang builds) leave the slowest checks, which single-step a
 * kernel and do not depend on the ISA or the build, to its first gcc pass.
 * A check so left out is a SKIP line naming why, never a silent pass. */
static inline void skip_if_slow_left_out(void)
{
    const char *s = getenv("SOFTBENCH_SLOW_TESTS");
    if (s != NULL && strcmp(s, "0") == 0) {
        printf("SKIP: slow, run once by make test's first gcc pass (SOFTBENCH_SLOW_TESTS=0)\n");
        skip();
    }
}

/* SOFTBENCH_VECTOR_ONLY=1, make test's emulated aarch64 stage: the
 * per-kernel suites take only the architecture's vector kernels, since the
 * portable ones are the same C that the native passes test. Said once. */
static inline int kernel_left_out(const struct softmax_kernel *k)
{
    static int said;
    const char *s = getenv("SOFTBENCH_VECTOR_ONLY");
    if (s == NULL || strcmp(s, "1") != 0 || k->isa != SOFTMAX_ISA_SCALAR)
        return 0;
    if (!said)
        printf("note: SOFTBENCH_VECTOR_ONLY=1: the scalar kernels are left out here\n");
    said = 1;
    return 1;
}

/* Bitwise float equality (NaN equals NaN, -0 differs from +0). */
static inline int same_bits(float a, float b)
{
    uint32_t ua, ub;
    memcpy(&ua, &a, 4);
    memcpy(&ub, &b, 4);
    return ua == ub || (isnan(a) && isnan(b));
}

/* cmocka setup and teardown around a test of the vector accurate kernels'
 * two-pass form: their keep limit (kernels/internal.h) lowered to 0, so
 * that the form runs at every n, then restored. */
static inline int two_pass_form(void **state)
{
    (void)state;
    sb_accurate_keep_max = 0;
    return 0;
}
static inline int kept_form(void **state)
{
    (void)state;
    sb_accurate_keep_max = SB_ACCURATE_KEEP_DEFAULT;
    return 0;
}

#endif
