/* contract.c - the edge-case contract and the properties as cases (see
 * contract.h): each case's inputs and what it expects, and the table. How a
 * case runs a kernel and judges its output is contract_check.c; the
 * properties derive their tolerances from the kernel's declared bound. */
#include "contract.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract_check.h"
#include "datasets.h"
#include "metrics.h"
#include "reference.h"

/* ---- the contract */

static void case_n0(const struct softmax_kernel *k, struct sb_case_result *r)
{
    float x[1] = {1.0f}, y[1] = {42.0f};
    ct_call(k, x, y, 0, 1.0f, r);
    ct_call(k, NULL, NULL, 0, 1.0f, r);
    if (y[0] != 42.0f)
        ct_fail(r, "n=0 wrote y[0] = %g", (double)y[0]);
}

static void case_n1(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const float v[] = {0.0f, -5.0f, 3.5f, 1e30f, -1e30f, FLT_MAX, -FLT_MAX, 1e-40f, 88.8f, -200.0f};
    const float one[1] = {1.0f};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        ct_expect_exact(k, &v[i], 1, 1.0f, one, r);
        ct_expect_exact(k, &v[i], 1, 0.01f, one, r);
    }
}

static void case_n2(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const float half[2] = {0.5f, 0.5f};
    const float pairs[][2] = {{1, 1}, {-3e4f, -3e4f}, {FLT_MAX, FLT_MAX}, {0, 0}};
    for (size_t i = 0; i < 4; i++)
        ct_expect_exact(k, pairs[i], 2, 1.0f, half, r);
    const float mixed[][2] = {{1, 0}, {0, 20}, {-7.25f, 3}, {100, 120}};
    for (size_t i = 0; i < 4; i++) {
        ct_check_bound(k, mixed[i], 2, 1.0f, r);
        ct_check_bound(k, mixed[i], 2, 0.3f, r);
    }
}

static void case_equal(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const float vals[] = {0.0f, 7.5f, -1e4f, 1e4f, 1e30f, FLT_MAX, -FLT_MAX, -1e30f};
    const size_t sizes[] = {3, 16, 17, 100, 1000};
    for (size_t s = 0; s < 5; s++)
        for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
            size_t n = sizes[s];
            float *x = ct_alloc(n);
            for (size_t i = 0; i < n; i++)
                x[i] = vals[v];
            float *y = ct_expect_bound(k, x, n, 1.0f, r);
            if (y != NULL && ct_is_log(k) && k->bound.arg == SOFTMAX_ARG_SHIFTED &&
                isfinite(vals[v]) && y[0] != sbref_neglog(n))
                ct_fail(r, "n=%zu, all %g: y[0]=%.9g, want -log n = %.9g exactly", n,
                        (double)vals[v], (double)y[0], (double)sbref_neglog(n));
            for (size_t i = 1; y != NULL && i < n; i++)
                if (!ct_same_bits(y[i], y[0])) {
                    ct_fail(r, "n=%zu, all %g: y[%zu]=%.9g differs from y[0]=%.9g", n,
                            (double)vals[v], i, (double)y[i], (double)y[0]);
                    break;
                }
            free(y);
            free(x);
        }
}

static void case_masked(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const size_t n = 37;
    float x[37];
    for (int pattern = 0; pattern < 4; pattern++) {
        ct_gen("normal:sigma=3", x, n, 17 + (uint64_t)pattern);
        for (size_t i = 0; i < n; i++) {
            int mask = pattern == 0   ? i >= 20
                       : pattern == 1 ? i < 30
                       : pattern == 2 ? i % 2
                                      : i != 36;
            x[i] = mask ? -INFINITY : x[i];
        }
        float *y = ct_expect_bound(k, x, n, 1.0f, r);
        const float zero = ct_is_log(k) ? -INFINITY : 0.0f;
        for (size_t i = 0; y != NULL && i < n; i++)
            if (x[i] == -INFINITY && !ct_same_bits(y[i], zero)) {
                ct_fail(r, "masking pattern %d: y[%zu] = %.9g at a -inf entry, want %g", pattern, i,
                        (double)y[i], (double)zero);
                break;
            }
        free(y);
    }
}

static void fill(float *v, size_t n, float a)
{
    for (size_t i = 0; i < n; i++)
        v[i] = a;
}

static void case_all_masked(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const size_t sizes[] = {1, 5, 33};
    float x[33], want[33];
    fill(want, 33, NAN);
    for (size_t s = 0; s < 3; s++) {
        fill(x, sizes[s], -INFINITY);
        ct_expect_exact(k, x, sizes[s], 1.0f, want, r);
    }
}

/* n = 41: lanes and tails; n = 3000: several blocks of every vector kernel
 * (the online kernels once lost a +inf in one block among finite ones). */
static void case_pinf(const struct softmax_kernel *k, struct sb_case_result *r)
{
    static float x[3000], want[3000];
    const size_t sizes[] = {41, 3000}, npos[] = {5, 8};
    const size_t pos[2][8] = {{0, 7, 16, 31, 40}, {0, 255, 256, 1023, 1024, 1536, 2047, 2999}};
    for (size_t s = 0; s < 2; s++)
        for (size_t p = 0; p < npos[s]; p++) {
            size_t n = sizes[s];
            ct_gen("normal", x, n, 3);
            fill(want, n, 0.0f);
            x[pos[s][p]] = INFINITY;
            want[pos[s][p]] = 1.0f;
            x[(pos[s][p] + 5) % n] = -INFINITY;
            ct_expect_exact(k, x, n, 1.0f, want, r);
            ct_expect_exact(k, x, n, 1e-3f, want, r);
        }
}

static void case_pinf_many(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const size_t n = 40;
    float x[40], want[40];
    ct_gen("normal", x, n, 4);
    fill(want, n, 0.0f);
    const size_t pos[] = {1, 15, 16, 39};
    for (size_t p = 0; p < 4; p++) {
        x[pos[p]] = INFINITY;
        want[pos[p]] = 0.25f;
    }
    ct_expect_exact(k, x, n, 1.0f, want, r);
    x[2] = INFINITY;
    want[2] = 0.2f;
    for (size_t p = 0; p < 4; p++)
        want[pos[p]] = 0.2f;
    ct_expect_exact(k, x, n, 1.0f, want, r);
}

/* A NaN anywhere, alone or beside +inf, in every lane and every tail. */
static void case_nan(const struct softmax_kernel *k, struct sb_case_result *r)
{
    float x[260], want[260];
    fill(want, 260, NAN);
    const size_t sizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 129, 257};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0] && r->pass; s++) {
        size_t n = sizes[s];
        for (size_t at = 0; at < n && r->pass; at++) {
            ct_gen("normal", x, n, n);
            x[at] = NAN;
            ct_expect_exact(k, x, n, 1.0f, want, r);
            if (n > 1) {
                x[(at + 1) % n] = INFINITY;
                ct_expect_exact(k, x, n, 1.0f, want, r);
            }
            fill(x, n, -INFINITY); /* a NaN among masked entries only */
            x[at] = NAN;
            ct_expect_exact(k, x, n, 1.0f, want, r);
        }
    }
}

static void case_huge(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const float a[4] = {FLT_MAX, -FLT_MAX, 0.0f, FLT_MAX}, wa[4] = {0.5f, 0.0f, 0.0f, 0.5f};
    const float b[4] = {1e30f, -1e30f, 1e30f, 0.5f}, wb[4] = {0.5f, 0.0f, 0.5f, 0.0f};
    const float c[3] = {-FLT_MAX, -FLT_MAX, -1e38f}, wc[3] = {0.0f, 0.0f, 1.0f};
    ct_expect_exact(k, a, 4, 1.0f, wa, r);
    ct_expect_exact(k, b, 4, 1.0f, wb, r);
    ct_expect_exact(k, c, 3, 1.0f, wc, r);
    const char *sets[] = {"huge", "huge:mag=1e30", "huge:mag=3.4e38", "huge:mag=1e30,mixed=0"};
    float x[100];
    for (size_t s = 0; s < 4; s++) {
        ct_gen(sets[s], x, 100, 9);
        ct_check_bound(k, x, 100, 1.0f, r);
        ct_check_bound(k, x, 100, 7.0f, r);
    }
}

static void case_underflow(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const float a[6] = {0.0f, -88.0f, -95.0f, -100.0f, -103.5f, -110.0f};
    float *y = ct_expect_bound(k, a, 6, 1.0f, r);
    if (y != NULL && !ct_is_log(k) && !(y[2] > 0.0f && y[2] < FLT_MIN))
        ct_fail(r, "exp(-95)/S = %.9g: the subnormal output was flushed or lost", (double)y[2]);
    free(y);
    float x[500];
    ct_gen("underflow", x, 500, 2);
    ct_check_bound(k, x, 500, 1.0f, r);
    ct_gen("underflow:lo=-130,hi=-60", x, 500, 3);
    ct_check_bound(k, x, 500, 1.0f, r);
}

static void case_negzero(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const float neg[5] = {-0.0f, 0.0f, -0.0f, 1.0f, -0.0f}, pos[5] = {0.0f, 0.0f, 0.0f, 1.0f, 0.0f};
    float want[5];
    if (ct_call(k, pos, want, 5, 1.0f, r))
        ct_expect_exact(k, neg, 5, 1.0f, want, r);
}

static void case_t_inf(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const float a[5] = {1.0f, -INFINITY, 3e30f, -7.0f, 0.0f};
    const float wa[5] = {0.25f, 0.0f, 0.25f, 0.25f, 0.25f};
    const float b[4] = {1.0f, INFINITY, -INFINITY, 2.0f}, wb[4] = {0.0f, 1.0f, 0.0f, 0.0f};
    ct_expect_exact(k, a, 5, INFINITY, wa, r);
    ct_expect_exact(k, b, 4, INFINITY, wb, r);
}

static void case_t_small(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const float up = nextafterf(1.0f, 2.0f);
    const float a[5] = {1.0f, up, 0.5f, -3.0f, up}, wa[5] = {0.0f, 0.5f, 0.0f, 0.0f, 0.5f};
    const float b[3] = {1e30f, -1e30f, 0.0f}, wb[3] = {1.0f, 0.0f, 0.0f};
    const float Ts[] = {1e-30f, 1e-45f, FLT_MIN, 1e-20f};
    for (size_t t = 0; t < 4; t++) {
        ct_expect_exact(k, a, 5, Ts[t], wa, r);
        ct_expect_exact(k, b, 3, Ts[t], wb, r);
    }
}

static void case_t_large(const struct softmax_kernel *k, struct sb_case_result *r)
{
    float x[300];
    ct_gen("normal:sigma=10", x, 300, 8);
    const float Ts[] = {1e4f, 1e30f, FLT_MAX};
    for (size_t t = 0; t < 3; t++)
        ct_check_bound(k, x, 300, Ts[t], r);
}

static void case_t_invalid(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const float bad[] = {0.0f, -0.0f, -1.0f, -INFINITY, NAN, -FLT_MIN};
    float x[3] = {1, 2, 3};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        float y[3] = {9, 9, 9};
        int st = softmax_run(k, x, y, 3, bad[i]);
        if (st != SOFTMAX_EINVAL_T || y[0] != 9 || y[1] != 9 || y[2] != 9)
            ct_fail(r, "T=%g: status %d, y=[%g, %g, %g]; want SOFTMAX_EINVAL_T and y untouched",
                    (double)bad[i], st, (double)y[0], (double)y[1], (double)y[2]);
    }
}

/* In place and at every float offset in a 64-byte line: the same bits. */
static void case_in_place(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const size_t sizes[] = {1, 2, 5, 16, 17, 33, 64, 67, 1000, 4099};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        float *x = ct_alloc(n + 16), *y = ct_alloc(n), *z = ct_alloc(n + 16);
        ct_gen("normal:sigma=5", x, n, n);
        if (ct_call(k, x, y, n, 0.8f, r)) {
            for (size_t off = 0; off < 16; off++) {
                memcpy(z + off, x, n * sizeof *x);
                if (!ct_call(k, z + off, z + off, n, 0.8f, r))
                    break;
                for (size_t i = 0; i < n; i++)
                    if (!ct_same_bits(z[off + i], y[i])) {
                        ct_fail(r,
                                "n=%zu in place at float offset %zu: y[%zu]=%.9g, out of place "
                                "%.9g",
                                n, off, i, (double)z[off + i], (double)y[i]);
                        break;
                    }
            }
        }
        free(x);
        free(y);
        free(z);
    }
}

static void case_tails(const struct softmax_kernel *k, struct sb_case_result *r)
{
    float x[258];
    for (size_t n = 0; n <= 257 && r->pass; n++) {
        ct_gen("normal:sigma=4", x, n, 500 + n);
        ct_check_bound(k, x, n, 1.0f, r);
    }
}

/* An element's output depends on the others only through the max and the
 * sum: alone among -inf, among values far below it, among huge ones. */
static void case_lanes(const struct softmax_kernel *k, struct sb_case_result *r)
{
    float x[80], want[80];
    struct sb_rng g;
    sb_rng_seed(&g, 77);
    for (size_t n = 1; n <= 80 && r->pass; n += (n < 20 ? 1 : 7)) {
        for (size_t i = 0; i < n && r->pass; i++) {
            fill(x, n, -INFINITY);
            fill(want, n, 0.0f);
            x[i] = 2.5f;
            want[i] = 1.0f;
            ct_expect_exact(k, x, n, 1.0f, want, r);
            for (size_t j = 0; j < n; j++) /* garbage far below: exp underflows to 0 */
                x[j] = j == i ? 0.0f : (float)(-200.0 - 1e30 * sb_rng_uniform(&g));
            ct_expect_exact(k, x, n, 1.0f, want, r);
            if (n >= 2) { /* among huge values, it is 0 and they share the mass */
                fill(x, n, 1e30f);
                x[i] = 0.0f;
                float share = 1.0f / (float)(n - 1);
                fill(want, n, share);
                want[i] = 0.0f;
                ct_expect_exact(k, x, n, 1.0f, want, r);
            }
        }
    }
}

/* ---- the properties, over the datasets */

static const char *prop_sets[] = {
    "uniform",        "normal",   "normal:sigma=16", "llm",       "attention",  "dominant",
    "tiny",           "huge",     "underflow",       "ascending", "descending", "neartie",
    "neartie:ulps=3", "equal:v=3"};
static const size_t prop_sizes[] = {1, 2, 10, 100, 1000, 32000};
#define NSETS (sizeof prop_sets / sizeof prop_sets[0])
#define NSIZES (sizeof prop_sizes / sizeof prop_sizes[0])

/* The probabilities' sum: of y, or of exp(y) for a log kernel. */
static double prob_sum(const struct softmax_kernel *k, const float *v, size_t n)
{
    if (!ct_is_log(k))
        return sb_sum_compensated(v, n);
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += exp((double)v[i]);
    return s;
}

/* What one unit of error in output r moves its probability by: ulp(r), or
 * for a log kernel exp(r) times its unit (sb_log_error), 1% over for the
 * exponential's curvature across a few units. */
static double prob_ulp(const struct softmax_kernel *k, float r)
{
    if (!ct_is_log(k))
        return sb_ulp_of(r);
    if (!isfinite(r)) /* -inf: a masked entry, exactly 0 */
        return 0.0;
    return 1.01 * exp((double)r) * sb_log_unit(r);
}

/* |sum y - 1| <= sum_i (bound_i + 1/2) ulp(ref_i) + |sum ref - 1|: each y_i is
 * within bound_i ULP of ref_i, which is within half an ULP of the exact y_i,
 * and the exact values sum to 1 (for a log kernel, the same on exp(y)). */
/* The references of the property inputs, one set for softmax and one for
 * log-softmax, kept for the process: every kernel of an edge run shares
 * them (they are most of the case's time, and under emulation most of
 * edge's). NULL until computed; a reference that fails is not kept. */
static float *norm_refs[2][NSETS][NSIZES];

void sb_case_release(void)
{
    for (size_t l = 0; l < 2; l++)
        for (size_t d = 0; d < NSETS; d++)
            for (size_t s = 0; s < NSIZES; s++) {
                free(norm_refs[l][d][s]);
                norm_refs[l][d][s] = NULL;
            }
}

static const float *norm_ref(const struct softmax_kernel *k, const float *x, size_t d, size_t s)
{
    float **slot = &norm_refs[ct_is_log(k)][d][s];
    if (*slot == NULL) {
        float *ref = malloc(prop_sizes[s] * sizeof *ref);
        if (ref != NULL && ct_ref_of(k, x, prop_sizes[s], 1.0f, ref, NULL) != 0) {
            free(ref);
            ref = NULL;
        }
        *slot = ref;
    }
    return *slot;
}

static void case_normalization(const struct softmax_kernel *k, struct sb_case_result *r)
{
    float *x = ct_alloc(32000), *y = ct_alloc(32000);
    for (size_t d = 0; d < NSETS && r->pass; d++)
        for (size_t s = 0; s < NSIZES && r->pass; s++) {
            size_t n = prop_sizes[s];
            ct_gen(prop_sets[d], x, n, 31 * s + d);
            const float *ref = norm_ref(k, x, d, s);
            if (!ct_call(k, x, y, n, 1.0f, r))
                break;
            if (ref == NULL) {
                ct_fail(r, "%s n=%zu: the reference failed", prop_sets[d], n);
                break;
            }
            float xmax = -INFINITY;
            for (size_t i = 0; i < n; i++)
                xmax = x[i] > xmax ? x[i] : xmax;
            double abar = sb_abar(k, x, ref, n, xmax, 1.0f), tol = fabs(prob_sum(k, ref, n) - 1.0);
            for (size_t i = 0; i < n; i++)
                tol += (sb_element_bound(k, x, i, xmax, abar, n, 1.0f) + 0.5) * prob_ulp(k, ref[i]);
            double err = fabs(prob_sum(k, y, n) - 1.0);
            if (!(err <= tol))
                (isfinite(err) ? ct_fail_bound
                               : ct_fail)(r, "%s n=%zu: |sum - 1| = %.3g, the bound allows %.3g",
                                          prop_sets[d], n, err, tol);
        }
    free(x);
    free(y);
}

/* softmax(x + c) = softmax(x) for c that keeps x + c exact: the reference
 * agrees bit for bit, and the kernel stays within its bound of it. */
static void case_shift(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const float cs[] = {64.0f, -40.0f, 0.25f, 1000.0f};
    const size_t n = 1000;
    float *x = ct_alloc(n), *xc = ct_alloc(n), *ref = ct_alloc(n), *refc = ct_alloc(n),
          *y = ct_alloc(n);
    struct sb_rng g;
    sb_rng_seed(&g, 5);
    for (size_t i = 0; i < n; i++) /* multiples of 2^-10 in [-8, 8]: x + c is exact */
        x[i] = (float)(floor(sb_rng_uniform(&g) * 16384.0) / 1024.0 - 8.0);
    ct_ref_of(k, x, n, 1.0f, ref, NULL);
    for (size_t c = 0; c < 4 && r->pass; c++) {
        for (size_t i = 0; i < n; i++)
            xc[i] = x[i] + cs[c];
        struct sbref_info info;
        ct_ref_of(k, xc, n, 1.0f, refc, &info);
        if (memcmp(ref, refc, n * sizeof *ref) != 0) {
            ct_fail(r, "the reference itself is not shift invariant at c=%g", (double)cs[c]);
            break;
        }
        struct sb_metrics m;
        if (ct_call(k, xc, y, n, 1.0f, r) && !sb_judge(k, xc, y, ref, n, 1.0f, SBREF_EXACT, &m))
            (isfinite(m.max_ulp)
                 ? ct_fail_bound
                 : ct_fail)(r, "x + %g: y[%zu]=%.9g, softmax(x) is %.9g: %.1f ULP beyond the bound",
                            (double)cs[c], m.worst_at, (double)y[m.worst_at],
                            (double)ref[m.worst_at], m.max_ulp);
    }
    free(x);
    free(xc);
    free(ref);
    free(refc);
    free(y);
}

struct pair {
    float x;
    size_t i;
};
static int by_x(const void *a, const void *b)
{
    const struct pair *p = a, *q = b;
    return p->x < q->x ? -1 : p->x > q->x ? 1 : (p->i > q->i) - (p->i < q->i);
}

/* x_i > x_j implies y_i >= y_j, equal logits give equal outputs, and the
 * largest logit keeps the largest probability (near ties included). */
static void case_order(const struct softmax_kernel *k, struct sb_case_result *r)
{
    float *x = ct_alloc(32000), *y = ct_alloc(32000);
    struct pair *p = malloc(32000 * sizeof *p);
    for (size_t d = 0; d < NSETS && r->pass; d++)
        for (size_t s = 0; s < NSIZES && r->pass; s++) {
            size_t n = prop_sizes[s];
            ct_gen(prop_sets[d], x, n, 7 * s + d);
            if (!ct_call(k, x, y, n, 1.0f, r))
                break;
            for (size_t i = 0; i < n; i++)
                p[i] = (struct pair){x[i], i};
            qsort(p, n, sizeof *p, by_x);
            for (size_t j = 0; j + 1 < n; j++) {
                size_t a = p[j].i, b = p[j + 1].i;
                int ok = x[a] == x[b] ? ct_same_bits(y[a], y[b]) : y[a] <= y[b];
                if (!ok) {
                    ct_fail(r, "%s n=%zu: x[%zu]=%.9g %s x[%zu]=%.9g but y = %.9g, %.9g",
                            prop_sets[d], n, a, (double)x[a], x[a] == x[b] ? "==" : "<", b,
                            (double)x[b], (double)y[a], (double)y[b]);
                    break;
                }
            }
        }
    free(x);
    free(y);
    free(p);
}

static const struct sb_case cases[] = {
    {"n0", "n = 0: nothing written, success (NULL pointers allowed)", case_n0},
    {"n1", "n = 1: exactly 1, whatever the finite logit and T", case_n1},
    {"n2", "n = 2: equal pair exactly [0.5, 0.5]; others within the bound", case_n2},
    {"equal",
     "all equal (0, 1e4, 1e30, FLT_MAX, -FLT_MAX): every output the same, within the bound of 1/n",
     case_equal},
    {"masked", "-inf entries: exactly +0 there, the rest the softmax of the others", case_masked},
    {"all-masked", "every entry -inf: NaN everywhere (0/0 is undefined)", case_all_masked},
    {"pinf", "one +inf (n 41 and 3000, block edges): exactly 1 there, 0 elsewhere (the limit)",
     case_pinf},
    {"pinf-many", "k entries +inf: exactly 1/k on them, 0 elsewhere", case_pinf_many},
    {"nan", "a NaN in any lane or tail position, beside +inf or among -inf: NaN everywhere",
     case_nan},
    {"huge",
     "huge logits (1e30, FLT_MAX, -FLT_MAX, mixed signs): no overflow, the limit where exact",
     case_huge},
    {"underflow",
     "outputs that underflow: subnormal or +0 within the bound, never flushed wholesale",
     case_underflow},
    {"negzero", "-0.0 behaves as +0.0, bit for bit", case_negzero},
    {"T-inf", "T = +inf: 1/k on the k finite entries, 0 on -inf; +inf entries stay one-hot",
     case_t_inf},
    {"T-small", "tiny T (1e-30, 1e-45, FLT_MIN): the argmax one-hot, ties shared, no NaN",
     case_t_small},
    {"T-large", "huge T (1e4, 1e30, FLT_MAX): near uniform, within the bound", case_t_large},
    {"T-invalid", "T <= 0 or NaN: SOFTMAX_EINVAL_T, y untouched", case_t_invalid},
    {"in-place", "x == y and any float offset give the same bits as separate aligned buffers",
     case_in_place},
    {"tails", "every n from 0 to 257 within the bound", case_tails},
    {"lanes", "an element alone among -inf, far smaller or huge values: the exact limit",
     case_lanes},
    {"guard", "no access past either end: buffers against PROT_NONE pages, n 0..1024, 16 offsets",
     ct_case_guard},
    {"normalization", "property: |sum y - 1| within what the bound allows, over the datasets",
     case_normalization},
    {"shift", "property: softmax(x + c) = softmax(x) within the bound, c keeping x + c exact",
     case_shift},
    {"order", "property: x_i > x_j gives y_i >= y_j, equal x equal y (argmax kept, near ties too)",
     case_order},
};

#define NCASES (sizeof cases / sizeof cases[0])

size_t sb_case_count(void) { return NCASES; }
const struct sb_case *sb_case_at(size_t i) { return i < NCASES ? &cases[i] : NULL; }

const struct sb_case *sb_case_find(const char *name)
{
    for (size_t i = 0; i < NCASES; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

void sb_case_run(const struct sb_case *c, const struct softmax_kernel *k,
                 struct sb_case_result *result)
{
    *result = (struct sb_case_result){.pass = 1};
    ct_current_kernel = k;
    ct_current_case = c->name;
    c->run(k, result);
    ct_current_kernel = NULL;
}
