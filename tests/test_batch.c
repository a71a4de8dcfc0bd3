/* The batched entry point, the thread pool and the split of one long row
 * (kernels/batch.c, kernels/pool.c): row by row the same bits as the kernel
 * itself, whatever the strides and the thread count; the rows' padding
 * untouched; masked and all-masked rows as the contract says; the split the
 * same bits for any thread count, in place or not, within the three-pass
 * bound plus its merge against the MPFR reference, and the contract's
 * special values wherever they sit. */
#include "testutil.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "datasets.h"
#include "internal.h"
#include "metrics.h"
#include "reference.h"
#include "softmax.h"

#define PAD_VALUE 1234.5f

static void pool_limits(void **state)
{
    (void)state;
    assert_null(softmax_pool_create(0));
    assert_null(softmax_pool_create(SOFTMAX_POOL_MAX + 1));
    for (unsigned t = 1; t <= 4; t++) {
        struct softmax_pool *p = softmax_pool_create(t);
        assert_non_null(p);
        assert_int_equal(softmax_pool_threads(p), t);
        softmax_pool_destroy(p);
    }
    assert_int_equal(softmax_pool_threads(NULL), 1);
    softmax_pool_destroy(NULL);
}

/* rows x cols with strides ldx, ldy through k on pool: each row equal to the
 * kernel's own output, bit for bit, and the padding after each row of y
 * untouched. */
static void check_batch(const struct softmax_kernel *k, size_t rows, size_t cols, size_t ldx,
                        size_t ldy, float T, int masked, struct softmax_pool *pool)
{
    float *x = malloc(rows * ldx * sizeof *x), *y = malloc(rows * ldy * sizeof *y);
    float *want = malloc((cols + 1) * sizeof *want);
    assert_true(x && y && want);
    gen("normal:sigma=3", x, rows * ldx, rows * 31 + cols);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            if (masked && (c > r || r == rows / 2)) /* causal; one row fully masked */
                x[r * ldx + c] = -INFINITY;
    for (size_t i = 0; i < rows * ldy; i++)
        y[i] = PAD_VALUE;
    assert_int_equal(softmax_batch(k, x, ldx, y, ldy, rows, cols, T, pool), SOFTMAX_OK);
    for (size_t r = 0; r < rows; r++) {
        assert_int_equal(k->fn(x + r * ldx, want, cols, T), SOFTMAX_OK);
        for (size_t c = 0; c < cols; c++)
            if (!same_bits(y[r * ldy + c], want[c]))
                fail_msg("%s %zux%zu (ld %zu, %zu) threads %u: row %zu col %zu %a, alone %a",
                         k->name, rows, cols, ldx, ldy, softmax_pool_threads(pool), r, c,
                         (double)y[r * ldy + c], (double)want[c]);
        for (size_t c = cols; c < ldy; c++)
            assert_true(y[r * ldy + c] == PAD_VALUE);
        if (masked && k->output == SOFTMAX_OUT_PROB) {
            for (size_t c = 0; c < cols; c++)
                if (r == rows / 2)
                    assert_true(isnan(y[r * ldy + c])); /* all masked: undefined */
                else if (c > r)
                    assert_true(y[r * ldy + c] == 0.0f);
        }
    }
    free(x);
    free(y);
    free(want);
}

static void batch_matches_rows(void **state)
{
    (void)state;
#if defined(__aarch64__)
    const char *names[] = {"scalar.threepass", "neon.threepass", "sve.threepass",
                           "sve.twopass",      "neon.accurate",  "sve.log_threepass"};
#else
    const char *names[] = {"scalar.threepass", "avx2.threepass", "avx512.threepass",
                           "avx512.twopass",   "avx2.accurate",  "avx512.log_threepass"};
#endif
    const size_t cols[] = {1, 7, 128, 1000};
    struct softmax_pool *pools[3] = {NULL, softmax_pool_create(2), softmax_pool_create(3)};
    assert_true(pools[1] && pools[2]);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const struct softmax_kernel *k = softmax_kernel_find(names[i]);
        assert_non_null(k);
        if (!softmax_kernel_supported(k)) {
            printf("SKIP %s: needs %s, which this CPU (or SOFTMAX_ISA) lacks\n", k->name,
                   softmax_isa_name(k->isa));
            continue;
        }
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
            for (int p = 0; p < 3; p++) {
                check_batch(k, 37, cols[c], cols[c], cols[c], 1.0f, 0, pools[p]);
                check_batch(k, 37, cols[c], cols[c] + 5, cols[c] + 3, 0.7f, 0, pools[p]);
                check_batch(k, 19, cols[c], cols[c] + 16, cols[c], 1.0f, 1, pools[p]);
            }
        /* enough elements (65536) for the pool to take part */
        for (int p = 0; p < 3; p++) {
            check_batch(k, 70, 1000, 1003, 1001, 1.0f, 0, pools[p]);
            check_batch(k, 1100, 64, 64, 64, 0.5f, 1, pools[p]);
        }
    }
    softmax_pool_destroy(pools[1]);
    softmax_pool_destroy(pools[2]);
}

/* Every kernel with a native batched entry (the record's rows): each row
 * the same bits as fn, at every length across the registers-held rows and
 * past them (both widths' row limits, every tail), an odd and an even number
 * of rows (the entry takes rows two at a time), T below, at and above 1, wide
 * spans (terms under 2^-126 and exact zeros), and rows the fast path hands
 * back (NaN, +inf, all -inf, -inf entries at T > 1) next to ordinary ones. */
static void check_rows(const struct softmax_kernel *k, const float *x, size_t rows, size_t cols,
                       size_t ld, float T, const char *what)
{
    float *y = malloc(rows * ld * sizeof *y), *want = malloc(cols * sizeof *want);
    assert_true(y && want);
    for (size_t i = 0; i < rows * ld; i++)
        y[i] = PAD_VALUE;
    assert_int_equal(k->rows(x, ld, y, ld, rows, cols, T), SOFTMAX_OK);
    for (size_t r = 0; r < rows; r++) {
        assert_int_equal(k->fn(x + r * ld, want, cols, T), SOFTMAX_OK);
        for (size_t c = 0; c < cols; c++)
            if (!same_bits(y[r * ld + c], want[c]))
                fail_msg("%s rows %s %zux%zu T=%g: row %zu col %zu %a, fn %a", k->name, what, rows,
                         cols, (double)T, r, c, (double)y[r * ld + c], (double)want[c]);
        for (size_t c = cols; c < ld; c++)
            assert_true(y[r * ld + c] == PAD_VALUE);
    }
    /* in place: the same */
    float *z = malloc(rows * ld * sizeof *z);
    assert_non_null(z);
    memcpy(z, x, rows * ld * sizeof *z);
    assert_int_equal(k->rows(z, ld, z, ld, rows, cols, T), SOFTMAX_OK);
    for (size_t r = 0; r < rows; r++)
        if (memcmp(z + r * ld, y + r * ld, cols * sizeof *z) != 0)
            fail_msg("%s rows %s %zux%zu T=%g in place: row %zu differs", k->name, what, rows, cols,
                     (double)T, r);
    free(z);
    free(y);
    free(want);
}

static void native_rows_match(void **state)
{
    (void)state;
    const float temps[] = {1.0f, 0.7f, 3.0f};
    int natives = 0;
    for (size_t i = 0; i < softmax_kernel_count(); i++) {
        const struct softmax_kernel *k = softmax_kernel_at(i);
        if (k->rows == NULL)
            continue;
        natives++;
        if (!softmax_kernel_supported(k)) {
            printf("SKIP %s rows: needs %s, which this CPU (or SOFTMAX_ISA) lacks\n", k->name,
                   softmax_isa_name(k->isa));
            continue;
        }
        const size_t maxc = 300, rows = 9, ld = maxc + 3;
        float *x = malloc(rows * ld * sizeof *x);
        assert_non_null(x);
        /* its own argument checks, as softmax_batch's */
        assert_int_equal(k->rows(x, 3, x + 100, 8, 4, 4, 1.0f), SOFTMAX_ELD);
        assert_int_equal(k->rows(x, 8, x, 4, 4, 4, 1.0f), SOFTMAX_ELD);
        assert_int_equal(k->rows(x, 8, x + 100, 8, SIZE_MAX / 2, 4, 1.0f), SOFTMAX_ELD);
        assert_int_equal(k->rows(x, 8, x + 100, 8, 4, 4, 0.0f), SOFTMAX_EINVAL_T);
        assert_int_equal(k->rows(NULL, 8, x, 8, 4, 4, 1.0f), SOFTMAX_ENULL);
        assert_int_equal(k->rows(NULL, 8, NULL, 8, 0, 4, 1.0f), SOFTMAX_OK);
        for (size_t cols = 1; cols <= maxc; cols++)
            for (size_t t = 0; t < 3; t++) {
                gen("normal:sigma=3", x, rows * ld, cols * 3 + t);
                check_rows(k, x, rows, cols, ld, temps[t], "normal");
                check_rows(k, x, rows - 1, cols, ld, temps[t], "normal");
                gen("normal:sigma=200", x, rows * ld, cols * 3 + t);
                check_rows(k, x, rows, cols, ld, temps[t], "wide");
                /* the rows the fast path hands back, among ordinary ones */
                x[1 * ld + cols / 2] = NAN;
                x[2 * ld + (cols - 1)] = INFINITY;
                for (size_t c = 0; c < cols; c++)
                    x[4 * ld + c] = -INFINITY;
                x[6 * ld] = -INFINITY;
                x[7 * ld + cols / 3] = 3e38f;
                x[7 * ld + (cols - 1) / 2] = cols > 1 ? -3e38f : 3e38f;
                check_rows(k, x, rows, cols, ld, temps[t], "specials");
                if (t == 0) { /* a span over FLT_MAX that T brings back; T = inf; 1/T = inf */
                    check_rows(k, x, rows, cols, ld, 1e38f, "specials");
                    check_rows(k, x, rows, cols, ld, INFINITY, "specials");
                    check_rows(k, x, rows - 1, cols, ld, 1e-45f, "specials");
                }
            }
        free(x);
    }
#if defined(__aarch64__)
    assert_true(natives >= 1); /* neon.threepass (SVE's vectors cannot be kept in arrays) */
#else
    assert_true(natives >= 2); /* avx2.threepass, avx512.threepass */
#endif
}

/* A pool made before fork: in the child (which has none of its workers)
 * batches still finish, on the calling thread, with the same bits, and
 * destroying it there returns; the parent's pool works on. A hang is caught
 * by the child's alarm. */
static void pool_after_fork(void **state)
{
    (void)state;
    const size_t rows = 300, cols = 1000;
    float *x = malloc(rows * cols * sizeof *x), *y = malloc(rows * cols * sizeof *y);
    float *want = malloc(rows * cols * sizeof *want);
    assert_true(x && y && want);
    gen("normal", x, rows * cols, 5);
    struct softmax_pool *pool = softmax_pool_create(2);
    assert_non_null(pool);
    assert_int_equal(softmax_batch(NULL, x, cols, want, cols, rows, cols, 1.0f, pool), SOFTMAX_OK);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(20);
        int ok = softmax_batch(NULL, x, cols, y, cols, rows, cols, 1.0f, pool) == SOFTMAX_OK &&
                 memcmp(y, want, rows * cols * sizeof *y) == 0 &&
                 softmax_split(x, y, rows * cols, 1.0f, pool) == SOFTMAX_OK;
        softmax_pool_destroy(pool);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("child: %s %d", WIFEXITED(status) ? "exit" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    memset(y, 0, rows * cols * sizeof *y);
    assert_int_equal(softmax_batch(NULL, x, cols, y, cols, rows, cols, 1.0f, pool), SOFTMAX_OK);
    assert_memory_equal(y, want, rows * cols * sizeof *y);
    softmax_pool_destroy(pool);
    free(x);
    free(y);
    free(want);
}

static void batch_arguments(void **state)
{
    (void)state;
    float x[4 * 8], y[4 * 8], keep[4 * 8];
    gen("normal", x, 32, 1);
    for (int i = 0; i < 32; i++)
        y[i] = keep[i] = 7.0f;
    const struct softmax_kernel *k = softmax_kernel_find("scalar.threepass");
    assert_int_equal(softmax_batch(k, x, 3, y, 8, 4, 4, 1.0f, NULL), SOFTMAX_ELD);
    assert_int_equal(softmax_batch(k, x, 8, y, 3, 4, 4, 1.0f, NULL), SOFTMAX_ELD);
    assert_int_equal(softmax_batch(k, x, 8, x, 4, 4, 4, 1.0f, NULL), SOFTMAX_ELD);
    assert_int_equal(softmax_batch(k, x, 8, y, 8, 4, 4, 0.0f, NULL), SOFTMAX_EINVAL_T);
    assert_int_equal(softmax_batch(k, x, 8, y, 8, 4, 4, NAN, NULL), SOFTMAX_EINVAL_T);
    assert_int_equal(softmax_batch(k, NULL, 8, y, 8, 4, 4, 1.0f, NULL), SOFTMAX_ENULL);
    assert_memory_equal(y, keep, sizeof y);
    assert_int_equal(softmax_batch(k, x, 8, y, 8, 0, 4, 1.0f, NULL), SOFTMAX_OK);
    assert_int_equal(softmax_batch(k, x, 8, y, 8, 4, 0, 1.0f, NULL), SOFTMAX_OK);
    assert_memory_equal(y, keep, sizeof y);
    assert_string_equal(softmax_strerror(SOFTMAX_ELD),
                        "row stride below the row length, or in place with two strides");
    /* in place, one stride: the same as out of place */
    float z[32];
    memcpy(z, x, sizeof z);
    assert_int_equal(softmax_batch(NULL, x, 8, y, 8, 4, 6, 1.0f, NULL), SOFTMAX_OK);
    assert_int_equal(softmax_batch(NULL, z, 8, z, 8, 4, 6, 1.0f, NULL), SOFTMAX_OK);
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 6; c++)
            assert_true(same_bits(z[r * 8 + c], y[r * 8 + c]));
}

/* The split held to the dispatcher's three-pass bound plus one rounding
 * for the merge factor (c0 + 1.5). */
static void hold_split(const float *x, const float *y, size_t n, float T, const char *what)
{
    struct softmax_kernel k = *softmax_split_kernel(n); /* its algorithm's bound */
    k.bound.c0 += SOFTMAX_SPLIT_EXTRA_ULP;
    float *ref = malloc(n * sizeof *ref);
    assert_non_null(ref);
    struct sbref_info info;
    assert_true(sbref_softmax(x, n, T, ref, NULL, &info) >= 0);
    struct sb_metrics m;
    if (!sb_judge(&k, x, y, ref, n, T, info.kind, &m))
        fail_msg("split %s n=%zu T=%g: %zu over bound, worst at %zu: y=%a ref=%a", what, n,
                 (double)T, m.n_over, m.worst_at, (double)y[m.worst_at], (double)ref[m.worst_at]);
    free(ref);
}

/* The same bits for 1 to 4 threads and in place; within the bound. */
static void split_threads(void **state)
{
    (void)state;
    const size_t sizes[] = {65537, 300000, (1u << 20) + 13};
    const char *sets[] = {"normal", "llm", "uniform:a=-100,b=0"};
    const float temps[] = {1.0f, 0.7f};
    struct softmax_pool *pools[4] = {NULL, softmax_pool_create(2), softmax_pool_create(3),
                                     softmax_pool_create(4)};
    assert_true(pools[1] && pools[2] && pools[3]);
    /* under qemu the 1M size and the 300000 references (MPFR, emulated) cost
     * tens of seconds for bits the two smaller sizes already pin down */
    const size_t nsizes = sb_emulated() ? 2 : 3, nheld = sb_emulated() ? 1 : 2;
    for (size_t s = 0; s < nsizes; s++)
        for (size_t d = 0; d < 3; d++) {
            size_t n = sizes[s];
            float *x = malloc(n * sizeof *x), *y0 = malloc(n * sizeof *y0),
                  *y = malloc(n * sizeof *y);
            assert_true(x && y0 && y);
            gen(sets[d], x, n, s * 3 + d);
            float T = temps[(s + d) % 2];
            assert_int_equal(softmax_split(x, y0, n, T, NULL), SOFTMAX_OK);
            if (s < nheld)
                hold_split(x, y0, n, T, sets[d]);
            for (int p = 1; p < 4; p++) {
                assert_int_equal(softmax_split(x, y, n, T, pools[p]), SOFTMAX_OK);
                assert_memory_equal(y, y0, n * sizeof *y);
            }
            memcpy(y, x, n * sizeof *y);
            assert_int_equal(softmax_split(y, y, n, T, pools[1]), SOFTMAX_OK);
            assert_memory_equal(y, y0, n * sizeof *y);
            free(x);
            free(y0);
            free(y);
        }
    for (int p = 1; p < 4; p++)
        softmax_pool_destroy(pools[p]);
}

/* Special values in the first, a middle and the last chunk; a chunk of -inf
 * only; a chunk 95 below the max (its factor subnormal in float); all
 * -inf. The contract where it decides, else the bound. */
static void split_specials(void **state)
{
    (void)state;
    enum { N = 3 * SOFTMAX_SPLIT_CHUNK + 100 };
    static float x[N], y[N], z[N];
    struct softmax_pool *pool = softmax_pool_create(2);
    assert_non_null(pool);
    const size_t at[] = {5, SOFTMAX_SPLIT_CHUNK + 7, N - 1};
    for (size_t a = 0; a < 3; a++) {
        gen("normal", x, N, a);
        x[at[a]] = NAN;
        assert_int_equal(softmax_split(x, y, N, 1.0f, pool), SOFTMAX_OK);
        for (size_t i = 0; i < N; i++)
            assert_true(isnan(y[i]));
        memcpy(z, x, sizeof z);
        assert_int_equal(softmax_split(z, z, N, 1.0f, pool), SOFTMAX_OK); /* in place too */
        assert_true(isnan(z[0]) && isnan(z[N - 1]));
        x[at[a]] = INFINITY;
        assert_int_equal(softmax_split(x, y, N, 1.0f, pool), SOFTMAX_OK);
        for (size_t i = 0; i < N; i++)
            assert_true(y[i] == (i == at[a] ? 1.0f : 0.0f));
        memcpy(z, x, sizeof z);
        assert_int_equal(softmax_split(z, z, N, 1.0f, pool), SOFTMAX_OK);
        assert_memory_equal(z, y, sizeof z);
    }
    gen("normal", x, N, 9);
    for (size_t i = SOFTMAX_SPLIT_CHUNK; i < 2 * SOFTMAX_SPLIT_CHUNK; i++)
        x[i] = -INFINITY;
    assert_int_equal(softmax_split(x, y, N, 1.0f, pool), SOFTMAX_OK);
    for (size_t i = SOFTMAX_SPLIT_CHUNK; i < 2 * SOFTMAX_SPLIT_CHUNK; i++)
        assert_true(y[i] == 0.0f && !signbit(y[i]));
    hold_split(x, y, N, 1.0f, "a masked chunk");
    gen("normal", x, N, 10);
    for (size_t i = 2 * SOFTMAX_SPLIT_CHUNK; i < N; i++)
        x[i] -= 95.0f;
    assert_int_equal(softmax_split(x, y, N, 1.0f, pool), SOFTMAX_OK);
    hold_split(x, y, N, 1.0f, "a chunk 95 below");
    /* a logit beyond the two-pass exponential's range (x/T > 136275), and
     * a T whose reciprocal overflows: softmax()'s result */
    const float far[][2] = {{2e5f, 1.0f}, {0.0f, 1e-45f}};
    for (int f = 0; f < 2; f++) {
        gen("normal", x, N, 11 + f);
        x[SOFTMAX_SPLIT_CHUNK + 3] += far[f][0];
        assert_int_equal(softmax_split(x, y, N, far[f][1], pool), SOFTMAX_OK);
        assert_int_equal(softmax(x, z, N, far[f][1]), SOFTMAX_OK);
        if (f == 1 || strcmp(softmax_split_kernel(N)->name, "avx512.twopass") == 0)
            assert_memory_equal(y, z, sizeof y);
        else
            hold_split(x, y, N, far[f][1], "a logit of 2e5");
    }
    for (size_t i = 0; i < N; i++)
        x[i] = -INFINITY;
    assert_int_equal(softmax_split(x, y, N, 1.0f, pool), SOFTMAX_OK);
    assert_true(isnan(y[0]) && isnan(y[N - 1]));
    assert_int_equal(softmax_split(x, y, N, -1.0f, pool), SOFTMAX_EINVAL_T);
    assert_int_equal(softmax_split(NULL, y, N, 1.0f, pool), SOFTMAX_ENULL);
    softmax_pool_destroy(pool);
}

/* The two-pass form (AVX-512), which the split takes from 2M elements on,
 * at the lengths above: the same properties. */
static int twopass_form(void **state)
{
    (void)state;
    sb_split_twopass_from = 0;
    return 0;
}

static int default_form(void **state)
{
    (void)state;
    sb_split_twopass_from = SB_TWOPASS_FROM;
    return 0;
}

static void split_threads_twopass(void **state)
{
    if (!softmax_isa_within(SOFTMAX_ISA_AVX512, softmax_isa_available())) {
        printf("SKIP split, two-pass form: needs avx512, which this CPU (or SOFTMAX_ISA) lacks\n");
        return;
    }
    assert_string_equal(softmax_split_kernel(SOFTMAX_SPLIT_CHUNK + 1)->name, "avx512.twopass");
    split_threads(state);
}

static void split_specials_twopass(void **state)
{
    if (!softmax_isa_within(SOFTMAX_ISA_AVX512, softmax_isa_available())) {
        printf("SKIP split, two-pass form: needs avx512, which this CPU (or SOFTMAX_ISA) lacks\n");
        return;
    }
    split_specials(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_limits),
        cmocka_unit_test(batch_matches_rows),
        cmocka_unit_test(native_rows_match),
        cmocka_unit_test(pool_after_fork),
        cmocka_unit_test(batch_arguments),
        cmocka_unit_test(split_threads),
        cmocka_unit_test(split_specials),
        cmocka_unit_test_setup_teardown(split_threads_twopass, twopass_form, default_form),
        cmocka_unit_test_setup_teardown(split_specials_twopass, twopass_form, default_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
