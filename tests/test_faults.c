/* Allocation failures in the kernel library, through the test-only hook
 * sb_alloc_fail_after (kernels/internal.h, kernels/alloc.c): every place
 * the library allocates, made to fail, gives its documented answer and
 * leaves the caller's output as it was (y filled with a sentinel first):
 *  - softmax_batch_t: the float scratch (its first allocation) or the slot
 *    flags (its second) failing is SOFTMAX_ENOMEM, y untouched, for each
 *    output type, with and without a pool; a scratch size beyond size_t is
 *    SOFTMAX_ENOMEM without the hook;
 *  - softmax_pool_create: the pool or its thread table failing is NULL;
 *  - the vector accurate kernels above their stack buffer: the heap buffer
 *    failing takes the two-pass form (SOFTMAX_OK, the two-pass form's bits);
 *  - softmax_batch and softmax_split allocate nothing: with every allocation
 *    failing they give the same bits as without.
 * Each test sets the hook back to -1 (teardown), and the hook at -1 changes
 * nothing (the other suites run with it so). */
#include "testutil.h"

#include <stdatomic.h>

#define SENTINEL 777.25f
#define SENT16 0x5a5a

static int hook_off(void **state)
{
    (void)state;
    atomic_store(&sb_alloc_fail_after, -1);
    sb_accurate_keep_max = SB_ACCURATE_KEEP_DEFAULT;
    return 0;
}

static void fill(float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = SENTINEL;
}

static void assert_untouched(const float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_true(same_bits(y[i], SENTINEL));
}

static void assert_untouched16(const uint16_t *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(y[i], SENT16);
}

static void hook_default(void **state)
{
    (void)state;
    assert_int_equal(atomic_load(&sb_alloc_fail_after), -1);
    /* counting down: the allocations before the failing one succeed */
    struct softmax_pool *p;
    atomic_store(&sb_alloc_fail_after, 2);
    assert_non_null(p = softmax_pool_create(2));
    assert_int_equal(atomic_load(&sb_alloc_fail_after), 0);
    softmax_pool_destroy(p);
    assert_null(softmax_pool_create(2));
    assert_int_equal(atomic_load(&sb_alloc_fail_after), 0);
}

/* softmax_batch_t, rows x cols, both allocation sites in turn, each output
 * type, without and with a pool (rows x cols above the parallel minimum) */
static void batch_t_enomem(void **state)
{
    (void)state;
    const size_t rows = 40, cols = 2000, n = rows * cols;
    float *xf = malloc(n * sizeof *xf), *y = malloc(n * sizeof *y);
    uint16_t *x16 = malloc(n * sizeof *x16), *y16 = malloc(n * sizeof *y16);
    assert_non_null(xf);
    assert_non_null(y);
    assert_non_null(x16);
    assert_non_null(y16);
    gen("normal", xf, n, 5);
    assert_int_equal(softmax_from_f32(SOFTMAX_BF16, xf, x16, n), SOFTMAX_OK);
    struct softmax_pool *pool = softmax_pool_create(3);
    assert_non_null(pool);
    const struct softmax_kernel *k = softmax_kernel_find("scalar.threepass");
    for (int withpool = 0; withpool < 2; withpool++)
        for (int site = 0; site < 2; site++) {
            struct softmax_pool *pl = withpool ? pool : NULL;
            fill(y, n);
            atomic_store(&sb_alloc_fail_after, site);
            assert_int_equal(softmax_batch_t(k, SOFTMAX_BF16, x16, cols, SOFTMAX_F32, y, cols, rows,
                                             cols, 1.0f, pl),
                             SOFTMAX_ENOMEM);
            assert_untouched(y, n);
            for (size_t i = 0; i < n; i++)
                y16[i] = SENT16;
            atomic_store(&sb_alloc_fail_after, site);
            assert_int_equal(softmax_batch_t(k, SOFTMAX_BF16, x16, cols, SOFTMAX_BF16, y16, cols,
                                             rows, cols, 1.0f, pl),
                             SOFTMAX_ENOMEM);
            assert_untouched16(y16, n);
            /* in place, 16-bit: x itself untouched */
            memcpy(y16, x16, n * sizeof *y16);
            atomic_store(&sb_alloc_fail_after, site);
            assert_int_equal(softmax_batch_t(k, SOFTMAX_BF16, y16, cols, SOFTMAX_BF16, y16, cols,
                                             rows, cols, 1.0f, pl),
                             SOFTMAX_ENOMEM);
            assert_memory_equal(y16, x16, n * sizeof *y16);
            /* and with the hook off the same call succeeds */
            atomic_store(&sb_alloc_fail_after, -1);
            assert_int_equal(softmax_batch_t(k, SOFTMAX_BF16, x16, cols, SOFTMAX_F32, y, cols, rows,
                                             cols, 1.0f, pl),
                             SOFTMAX_OK);
            assert_false(same_bits(y[0], SENTINEL));
        }
    softmax_pool_destroy(pool);
    free(xf);
    free(y);
    free(x16);
    free(y16);
}

/* a scratch beyond size_t: SOFTMAX_ENOMEM before anything is read or
 * written (the rows are never touched, so small buffers stand in) */
static void batch_t_too_large(void **state)
{
    (void)state;
    uint16_t x[4] = {0};
    float y[4];
    fill(y, 4);
    const size_t cols = SIZE_MAX / sizeof(float) + 1;
    assert_int_equal(softmax_batch_t(NULL, SOFTMAX_F16, x, cols, SOFTMAX_F32, y, cols, 1, cols,
                                     1.0f, NULL),
                     SOFTMAX_ENOMEM);
    assert_untouched(y, 4);
}

static void pool_create_fails(void **state)
{
    (void)state;
    for (int site = 0; site < 2; site++) { /* the pool, its thread table */
        atomic_store(&sb_alloc_fail_after, site);
        assert_null(softmax_pool_create(4));
    }
    atomic_store(&sb_alloc_fail_after, -1);
    struct softmax_pool *p = softmax_pool_create(4);
    assert_non_null(p);
    softmax_pool_destroy(p);
}

/* the vector accurate kernels, n above the stack buffer (2048): with the
 * heap buffer refused, the two-pass form's bits, which without the hook only
 * a lowered keep limit gives */
static void accurate_falls_back(void **state)
{
    (void)state;
    static const char *const names[] = {"avx2.accurate", "avx512.accurate", "neon.accurate",
                                        "sve.accurate"};
    const size_t n = 5000;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *two = malloc(n * sizeof *two);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(two);
    gen("normal:sigma=16", x, n, 11);
    int ran = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const struct softmax_kernel *k = softmax_kernel_find(names[i]);
        if (k == NULL || !softmax_kernel_supported(k))
            continue;
        ran++;
        sb_accurate_keep_max = 0;
        assert_int_equal(softmax_run(k, x, two, n, 1.0f), SOFTMAX_OK);
        sb_accurate_keep_max = SB_ACCURATE_KEEP_DEFAULT;
        /* the buffer comes through the wrapper: the count goes down by one */
        atomic_store(&sb_alloc_fail_after, 5);
        assert_int_equal(softmax_run(k, x, y, n, 1.0f), SOFTMAX_OK);
        assert_int_equal(atomic_load(&sb_alloc_fail_after), 4);
        fill(y, n);
        atomic_store(&sb_alloc_fail_after, 0);
        assert_int_equal(softmax_run(k, x, y, n, 1.0f), SOFTMAX_OK);
        for (size_t j = 0; j < n; j++)
            assert_true(same_bits(y[j], two[j]));
        /* a bad argument still leaves y alone */
        fill(y, n);
        assert_int_equal(softmax_run(k, x, y, n, -1.0f), SOFTMAX_EINVAL_T);
        assert_untouched(y, n);
        atomic_store(&sb_alloc_fail_after, -1);
    }
    if (ran == 0)
        printf("note: no vector accurate kernel runs on this CPU\n");
    free(x);
    free(y);
    free(two);
}

/* softmax_batch (float rows) and softmax_split allocate nothing */
static void batch_and_split_allocate_nothing(void **state)
{
    (void)state;
    const size_t rows = 40, cols = 2000, n = rows * cols, long_n = 3 * SOFTMAX_SPLIT_CHUNK + 17;
    float *x = malloc(long_n * sizeof *x), *y = malloc(long_n * sizeof *y),
          *want = malloc(long_n * sizeof *want);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(want);
    gen("normal", x, long_n, 3);
    struct softmax_pool *pool = softmax_pool_create(3);
    assert_non_null(pool);
    assert_int_equal(softmax_batch(NULL, x, cols, want, cols, rows, cols, 1.0f, pool), SOFTMAX_OK);
    atomic_store(&sb_alloc_fail_after, 0);
    assert_int_equal(softmax_batch(NULL, x, cols, y, cols, rows, cols, 1.0f, pool), SOFTMAX_OK);
    assert_memory_equal(y, want, n * sizeof *y);
    atomic_store(&sb_alloc_fail_after, -1);
    assert_int_equal(softmax_split(x, want, long_n, 1.0f, pool), SOFTMAX_OK);
    atomic_store(&sb_alloc_fail_after, 0);
    assert_int_equal(softmax_split(x, y, long_n, 1.0f, pool), SOFTMAX_OK);
    assert_memory_equal(y, want, long_n * sizeof *y);
    atomic_store(&sb_alloc_fail_after, -1);
    softmax_pool_destroy(pool);
    free(x);
    free(y);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(hook_default, hook_off),
        cmocka_unit_test_teardown(batch_t_enomem, hook_off),
        cmocka_unit_test_teardown(batch_t_too_large, hook_off),
        cmocka_unit_test_teardown(pool_create_fails, hook_off),
        cmocka_unit_test_teardown(accurate_falls_back, hook_off),
        cmocka_unit_test_teardown(batch_and_split_allocate_nothing, hook_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
