/* test_expsweep.c - the exponentials' sweep as make test runs it (a sample
 * of every binade; make exhaustive takes every argument): each probe of
 * this CPU within its bound, the worst arguments that make exhaustive
 * recorded (tests/data/exp-exhaustive.json) giving the recorded errors
 * again, and the sweep's references against MPFR (docs/accuracy.md,
 * "Exhaustive exponentials"). */
#include <fenv.h>
#include <jansson.h>
#include <math.h>
#include <mpfr.h>
#include <stdlib.h>
#include <string.h>

#include "expsweep/sweep.h"
#include "testutil.h"

#define RECORD "tests/data/exp-exhaustive.json"
#define PER_BINADE 256

#if defined(__x86_64__)
#define ARCH "x86_64"
#else
#define ARCH "aarch64"
#endif

static int usable(const struct sb_probe *p)
{
    if (softmax_isa_within(p->isa, softmax_isa_available()))
        return 1;
    printf("SKIP %s: no %s here\n", p->name, softmax_isa_name(p->isa));
    return 0;
}

/* The record's rows; *same: whether it was made on this architecture. */
static json_t *record_rows(json_t **doc, int *same)
{
    json_error_t e;
    *doc = json_load_file(RECORD, 0, &e);
    assert_non_null(*doc);
    const char *arch = json_string_value(json_object_get(*doc, "arch"));
    assert_non_null(arch);
    assert_string_equal(json_string_value(json_object_get(*doc, "mode")), "exhaustive");
    *same = strcmp(arch, ARCH) == 0;
    return json_object_get(*doc, "probes");
}

/* The round-to-nearest row recorded for a probe. A record of the other
 * architecture answers for NEON's and SVE's probes with AVX2's, which they
 * repeat operation for operation (neon/vec_neon.h, sve/vec_sve.h), and for
 * nothing else. */
static json_t *recorded(json_t *rows, int same, const char *name)
{
    char as[64];
    if (!same) {
        const char *dot = strchr(name, '.');
        if (strncmp(name, "neon.", 5) != 0 && strncmp(name, "sve.", 4) != 0)
            return NULL;
        snprintf(as, sizeof as, "avx2%s", dot);
        name = as;
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *st = json_string_value(json_object_get(r, "status"));
        if (strcmp(json_string_value(json_object_get(r, "probe")), name) == 0 && st &&
            strcmp(st, "SKIP") != 0 &&
            strcmp(json_string_value(json_object_get(r, "round")), "nearest") == 0)
            return r;
    }
    return NULL;
}

/* How far a recorded error may be met: the results are the same bits, but
 * another architecture's long double (binary128 on aarch64, 64 bits on
 * x86-64) moves the double probes' reference in its last digits. */
static double tol(int same) { return same ? 1e-9 : 1e-6; }

static float at_of(json_t *r)
{
    return (float)strtod(json_string_value(json_object_get(r, "max_at")), NULL);
}

/* Every usable probe over a sample of every binade of its domain (and the
 * recorded worst argument): no NaN, infinite or negative result, the
 * probe's bound held, and never more than the whole domain's recorded
 * maximum, which the sample then reaches. */
static void sample_within_bounds(void **state)
{
    (void)state;
    const struct sb_probe *ps[64];
    size_t n = sb_probes_all(ps, 64), ran = 0;
    int same;
    json_t *doc, *rows = record_rows(&doc, &same);
    for (size_t i = 0; i < n; i++) {
        const struct sb_probe *p = ps[i];
        if (!usable(p))
            continue;
        json_t *r = recorded(rows, same, p->name);
        float extra = r ? at_of(r) : p->lo;
        struct sbs_opts o = {.round = FE_TONEAREST,
                             .sample = PER_BINADE,
                             .extra = &extra,
                             .nextra = 1};
        struct sbs_stats s;
        assert_int_equal(sbs_run(p, &o, &s), 0);
        printf("%-18s %8llu arguments, max %.6g at %a\n", p->name, (unsigned long long)s.inputs,
               s.max_err, (double)s.max_at);
        assert_true(s.inputs > 1000);
        assert_int_equal(s.bad, 0);
        assert_true(s.max_err <= p->bound);
        if (r) {
            double rec = json_number_value(json_object_get(r, "max_err"));
            assert_true(fabs(s.max_err - rec) <= tol(same) * rec);
        }
        ran++;
    }
    assert_true(ran >= 2); /* the scalar ones run everywhere */
    json_decref(doc);
}

/* The recorded worst arguments give the recorded results and errors: a
 * change to an exponential, or to the sweep, shows here until make
 * exhaustive is run again and its record committed. */
static void recorded_worst_again(void **state)
{
    (void)state;
    const struct sb_probe *ps[64];
    size_t n = sb_probes_all(ps, 64), checked = 0;
    int same;
    json_t *doc, *rows = record_rows(&doc, &same);
    for (size_t i = 0; i < n; i++) {
        const struct sb_probe *p = ps[i];
        json_t *r = recorded(rows, same, p->name);
        if (r == NULL || !usable(p))
            continue;
        double y, err = sbs_one(p, at_of(r), FE_TONEAREST, &y);
        double rec = json_number_value(json_object_get(r, "max_err"));
        assert_true(fabs(err - rec) <= tol(same) * rec);
        assert_true(y == json_number_value(json_object_get(r, "max_y")));
        checked++;
    }
    /* x86-64: the scalar and AVX2 ones at least; aarch64: NEON's */
    assert_true(checked >= 2);
    json_decref(doc);
}

/* The sweep's reference against MPFR (256 bits) on arguments spread over
 * each probe's domain: double's precision for F32 and for SPLIT's double
 * path, long double's (at least 64 bits) for F64 and SPLIT's far path. */
static void reference_against_mpfr(void **state)
{
    (void)state;
    const struct sb_probe *ps[64];
    size_t n = sb_probes_all(ps, 64);
    mpfr_t x, e, l;
    mpfr_inits2(256, x, e, l, (mpfr_ptr)0);
    mpfr_const_log2(l, MPFR_RNDN);
    for (size_t i = 0; i < n; i++) {
        const struct sb_probe *p = ps[i];
        double worst = 0;
        for (int j = 0; j <= 4000; j++) {
            float d = p->lo + (p->hi - p->lo) * (float)j / 4000.0f;
            if (isinf(p->lo)) /* -inf to 0: the interesting part */
                d = -110.0f * (float)j / 4000.0f;
            float k = p->kind == SBP_SPLIT ? floorf(d * 1.44269504f + 0.5f) : 0.0f;
            mpfr_set_flt(x, d, MPFR_RNDN);
            mpfr_mul_d(e, l, k, MPFR_RNDN);
            mpfr_sub(x, x, e, MPFR_RNDN);
            mpfr_exp(e, x, MPFR_RNDN);
            long double ref = sbs_ref(p, d, k), m = mpfr_get_ld(e, MPFR_RNDN);
            /* below double's normal range (F32's arguments under -708,
             * whose results round to 0 as floats): absolute, to half its
             * smallest subnormal */
            if (m < 0x1p-1022L) {
                assert_true(fabsl(ref - m) <= 0x1p-1075L);
                continue;
            }
            double rel = (double)(fabsl(ref - m) / m);
            worst = rel > worst ? rel : worst;
        }
        double lim = p->kind == SBP_F64 ? 0x1p-60 : 0x1p-51;
        printf("%-18s reference within %.3g of MPFR (limit %.3g)\n", p->name, worst, lim);
        assert_true(worst <= lim);
    }
    mpfr_clears(x, e, l, (mpfr_ptr)0);
}

/* The correct-rounding count is live: glibc's expf is correctly rounded
 * nearly everywhere (0.502 ULP at most), a polynomial of 1 ULP is not. */
static void rounded_count(void **state)
{
    (void)state;
    const struct sb_probe *ps[64];
    size_t n = sb_probes_all(ps, 64);
    struct sbs_opts o = {.round = FE_TONEAREST, .sample = PER_BINADE};
    for (size_t i = 0; i < n; i++) {
        const struct sb_probe *p = ps[i];
        if (p->kind != SBP_F32 || !usable(p))
            continue;
        struct sbs_stats s;
        assert_int_equal(sbs_run(p, &o, &s), 0);
        double f = (double)s.rounded / (double)s.inputs;
        printf("%-18s %.4f%% correctly rounded\n", p->name, 100 * f);
        if (strcmp(p->name, "scalar.expf") == 0)
            assert_true(f > 0.999);
        assert_true(f > 0.5 && (s.max_err <= 0.5 || f < 1.0));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sample_within_bounds),
        cmocka_unit_test(recorded_worst_again),
        cmocka_unit_test(reference_against_mpfr),
        cmocka_unit_test(rounded_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
