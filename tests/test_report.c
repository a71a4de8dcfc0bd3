/* The report's recommendation on hand-built data (no files): per size band
 * the fastest candidate by the geometric mean over the band's bench sizes,
 * never an unsafe kernel, a floor, a kernel that failed or was not measured
 * at every size of the band; a peer can win and is named as one; the ULP
 * budget's pick; runner-up and margin; nothing where there is no data or
 * the times were taken under an emulator. */
#include "testutil.h"

#include "report/recommend.h"

/* (cmocka's assert_float_equal rounds to float) */
#define assert_near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

/* b.even before a.fast: the fastest, found second, must push it to runner-up */
enum { B_EVEN, A_FAST, E_SLOW, NAIVE, FLOOR, PEER, PARTIAL, FAILING, NK };

/* Band 0 (n <= 1024) at 256 and 1000, band 1 at 4096, band 3 at 2M; band 2
 * has no size. In band 0 a.fast's geometric mean is 2.0 (1 and 4) and
 * b.even's 2.1: their arithmetic means (2.5, 2.1) would rank them the
 * other way round. */
static const struct sb_brow rows[] = {
    {"b.even", "kernel", 256, 2.1, 0, 0},        {"b.even", "kernel", 1000, 2.1, 0, 0},
    {"b.even", "kernel", 4096, 1.5, 0, 0},       {"b.even", "kernel", 2000000, 3.5, 0, 0},
    {"a.fast", "kernel", 256, 1.0, 0, 0},        {"a.fast", "kernel", 1000, 4.0, 0, 0},
    {"a.fast", "kernel", 4096, 1.0, 0, 0},       {"a.fast", "kernel", 2000000, 3.0, 0, 0},
    {"e.slow", "kernel", 256, 3.0, 0, 0},        {"e.slow", "kernel", 1000, 3.0, 0, 0},
    {"scalar.naive", "kernel", 256, 0.5, 0, 0},  {"scalar.naive", "kernel", 1000, 0.5, 0, 0},
    {"scalar.naive", "kernel", 4096, 0.5, 0, 0}, {"scalar.naive", "kernel", 2000000, 0.5, 0, 0},
    {"floor.copy", "floor", 256, 0.1, 0, 0},     {"floor.copy", "floor", 1000, 0.1, 0, 0},
    {"floor.copy", "floor", 4096, 0.1, 0, 0},    {"floor.copy", "floor", 2000000, 0.1, 0, 0},
    {"peer.x", "peer", 4096, 0.9, 0, 0},         {"peer.x", "peer", 2000000, 5.0, 0, 0},
    {"c.partial", "kernel", 256, 0.2, 0, 0},     {"d.failing", "kernel", 256, 0.3, 0, 0},
    {"d.failing", "kernel", 1000, 0.3, 0, 0},
};
/* a.fast is 8 ULP in band 0, b.even 2 (its SKIP row does not count) */
static const struct sb_vrow vrows[] = {
    {"a.fast", "normal", "ok", 0, 256, 8, 0, 0},
    {"a.fast", "normal", "ok", 0, 1000, 3, 0, 0},
    {"a.fast", "normal", "ok", 0, 4096, 9, 0, 0},
    {"b.even", "normal", "ok", 0, 256, 2, 0, 0},
    {"b.even", "normal", "SKIP", 1, 1000, 1e6, 0, 0},
    {"b.even", "normal", "ok", 0, 4096, 2, 0, 0},
    {"e.slow", "normal", "ok", 0, 256, 1, 0, 0},
    {"peer.x", "normal", "peer", 0, 4096, 1, 0, 0},
};
static size_t sizes[] = {256, 1000, 4096, 2000000};

struct fixture {
    struct sb_kinfo k[NK];
    struct sb_rdata d;
    struct sb_rec out[SB_NBANDS][2];
};

static struct sb_kinfo kernel(const char *name, const char *kind, int safe)
{
    return (struct sb_kinfo){.name = name,
                             .kind = kind,
                             .safe = safe,
                             .ran = 1,
                             .nverify = 3,
                             .max_ulp = NAN,
                             .max_sum = NAN,
                             .worst_ratio = NAN};
}

static void build(struct fixture *x)
{
    x->k[B_EVEN] = kernel("b.even", "kernel", 1);
    x->k[A_FAST] = kernel("a.fast", "kernel", 1);
    x->k[E_SLOW] = kernel("e.slow", "kernel", 1);
    x->k[NAIVE] = kernel("scalar.naive", "kernel", 0);
    x->k[FLOOR] = kernel("floor.copy", "floor", 1);
    x->k[PEER] = kernel("peer.x", "peer", 0);
    x->k[PARTIAL] = kernel("c.partial", "kernel", 1);
    x->k[FAILING] = kernel("d.failing", "kernel", 1);
    x->k[FAILING].edge_fail = 1;
    x->d = (struct sb_rdata){.b = (struct sb_brow *)rows,
                             .nb = sizeof rows / sizeof rows[0],
                             .v = (struct sb_vrow *)vrows,
                             .nv = sizeof vrows / sizeof vrows[0],
                             .k = x->k,
                             .nk = NK,
                             .sizes = sizes,
                             .nsizes = 4};
    sb_recommend(&x->d, 4.0, x->out);
}

static const char *name_of(const struct sb_kinfo *k) { return k != NULL ? k->name : "(none)"; }

static void test_band_speed_is_geometric(void **state)
{
    (void)state;
    struct fixture x;
    build(&x);
    assert_near(sb_band_speed(&x.d, "a.fast", 0), 2.0, 1e-12);
    assert_near(sb_band_speed(&x.d, "b.even", 0), 2.1, 1e-12);
    assert_true(isnan(sb_band_speed(&x.d, "c.partial", 0))); /* not at 1000 */
    assert_true(isnan(sb_band_speed(&x.d, "a.fast", 2)));    /* no size there */
    assert_near(sb_band_ulp(&x.d, "a.fast", 0), 8, 0);
    assert_near(sb_band_ulp(&x.d, "b.even", 0), 2, 0); /* its SKIP row left out */
    assert_true(isnan(sb_band_ulp(&x.d, "scalar.naive", 0)));
}

static void test_fastest_safe_per_band(void **state)
{
    (void)state;
    struct fixture x;
    build(&x);
    assert_string_equal(name_of(x.out[0][0].k), "a.fast");
    assert_near(x.out[0][0].ns, 2.0, 1e-12);
    assert_near(x.out[0][0].ulp, 8, 0);
    assert_string_equal(name_of(x.out[3][0].k), "a.fast");
    assert_near(x.out[3][0].ns, 3.0, 1e-12);
}

static void test_never_unsafe_floor_failed_or_partial(void **state)
{
    (void)state;
    struct fixture x;
    build(&x);
    for (int b = 0; b < SB_NBANDS; b++)
        for (int g = 0; g < 2; g++) {
            const char *k = name_of(x.out[b][g].k), *s = name_of(x.out[b][g].second);
            assert_string_not_equal(k, "scalar.naive");
            assert_string_not_equal(k, "floor.copy");
            assert_string_not_equal(k, "d.failing");
            assert_string_not_equal(k, "c.partial");
            assert_string_not_equal(s, "scalar.naive");
            assert_string_not_equal(s, "floor.copy");
        }
    assert_false(sb_candidate(&x.k[NAIVE]));
    assert_false(sb_candidate(&x.k[FLOOR]));
    assert_false(sb_candidate(&x.k[FAILING]));
    struct sb_kinfo k = kernel("v.fail", "kernel", 1);
    assert_true(sb_candidate(&k));
    k.verify_fail = 1;
    assert_false(sb_candidate(&k));
    k = kernel("unverified", "kernel", 1);
    k.nverify = 0;
    assert_false(sb_candidate(&k));
    k = kernel("peer.idle", "peer", 0);
    k.ran = 0;
    assert_false(sb_candidate(&k));
}

static void test_a_peer_can_win(void **state)
{
    (void)state;
    struct fixture x;
    build(&x);
    const struct sb_rec *r = &x.out[1][0];
    assert_string_equal(name_of(r->k), "peer.x");
    assert_string_equal(r->k->kind, "peer");
    assert_string_equal(name_of(r->second), "a.fast");
    assert_near(r->second_ns, 1.0, 1e-12);
}

static void test_ulp_budget(void **state)
{
    (void)state;
    struct fixture x;
    build(&x);
    /* a.fast (8 ULP) is over the budget of 4: b.even, then e.slow */
    const struct sb_rec *r = &x.out[0][1];
    assert_string_equal(name_of(r->k), "b.even");
    assert_near(r->ulp, 2, 0);
    assert_string_equal(name_of(r->second), "e.slow");
    /* a budget of 8 lets a.fast back in */
    struct sb_rec out[SB_NBANDS][2];
    sb_recommend(&x.d, 8.0, out);
    assert_string_equal(name_of(out[0][1].k), "a.fast");
    /* a kernel without a verify row in the band has no error to hold to it */
    assert_null(x.out[3][1].k);
}

static void test_runner_up_and_margin(void **state)
{
    (void)state;
    struct fixture x;
    build(&x);
    const struct sb_rec *r = &x.out[0][0];
    assert_string_equal(name_of(r->second), "b.even");
    assert_near(r->second_ns, 2.1, 1e-12);
    assert_near(sb_margin_pct(r), 5.0, 1e-9);
    r = &x.out[3][0]; /* a.fast 3.0, b.even 3.5, peer.x 5.0 */
    assert_string_equal(name_of(r->second), "b.even");
    assert_near(sb_margin_pct(r), 100.0 * (3.5 / 3.0 - 1.0), 1e-9);
    struct sb_rec alone = {.k = &x.k[0], .ns = 1, .second_ns = NAN};
    assert_true(isnan(sb_margin_pct(&alone)));
}

static void test_no_data_no_recommendation(void **state)
{
    (void)state;
    struct fixture x;
    build(&x);
    for (int g = 0; g < 2; g++) {
        assert_null(x.out[2][g].k);
        assert_null(x.out[2][g].second);
        assert_true(isnan(x.out[2][g].ns));
    }
}

static void test_emulated_gives_none(void **state)
{
    (void)state;
    struct fixture x;
    build(&x);
    x.d.emulated = 1;
    sb_recommend(&x.d, 4.0, x.out);
    for (int b = 0; b < SB_NBANDS; b++)
        for (int g = 0; g < 2; g++) {
            assert_null(x.out[b][g].k);
            assert_true(isnan(x.out[b][g].ns));
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_band_speed_is_geometric),
        cmocka_unit_test(test_fastest_safe_per_band),
        cmocka_unit_test(test_never_unsafe_floor_failed_or_partial),
        cmocka_unit_test(test_a_peer_can_win),
        cmocka_unit_test(test_ulp_budget),
        cmocka_unit_test(test_runner_up_and_margin),
        cmocka_unit_test(test_no_data_no_recommendation),
        cmocka_unit_test(test_emulated_gives_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
