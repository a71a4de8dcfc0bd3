/* The timing core on a synthetic clock (no real time is asserted: timing
 * assertions flake), the statistics, and the JSON reader. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "jsonio.h"

/* A virtual clock: each call of the work advances it by the next cost. */
struct fake {
    double t;
    const double *costs;
    size_t ncost, calls, evictions, evicted_before_call;
};

static double fake_now(void *ctx) { return ((struct fake *)ctx)->t; }

static void fake_work(void *ctx)
{
    struct fake *f = ctx;
    f->t += f->costs[f->calls % f->ncost];
    f->calls++;
}

static void fake_evict(void *ctx)
{
    struct fake *f = ctx;
    f->evictions++;
    f->t += 1.0; /* eviction time must not be counted */
}

static void calibration_doubles_until_min_sample(void **state)
{
    (void)state;
    const double cost[1] = {1e-5};
    struct fake f = {.costs = cost, .ncost = 1};
    struct sb_clock clk = {fake_now, &f};
    struct sb_plan plan = {.min_sample = 1e-3, .samples = 7, .max_reps = 1u << 20};
    struct sb_result r;
    sb_measure(fake_work, &f, &clk, &plan, &r);
    assert_int_equal(r.reps, 128); /* 64 calls last 0.64 ms, 128 last 1.28 ms */
    assert_int_equal(r.stats.k, 7);
    assert_true(fabs(r.stats.median - 1e-5) < 1e-15 && r.stats.mad < 1e-18);
    /* warm-up 1, calibration 1+2+...+128, samples 7 x 128 */
    assert_int_equal(f.calls, 1 + 255 + 7 * 128);
    assert_false(r.stats.noisy);
}

/* Items measured side by side share a clock that runs 3x slower in a late
 * phase (a busy host): round robin puts every item's samples in both
 * phases alike, so the ratio of the medians stays the true one (2), where
 * one item after the other would give 2 x 3. */
struct item {
    struct fake *clock;
    double cost;
    int id;
    int *log;
    size_t *nlog;
};

static void item_work(void *ctx)
{
    struct item *it = ctx;
    double slow = it->clock->t > 0.0203 ? 3.0 : 1.0; /* from the 5th round on */
    it->clock->t += it->cost * slow;
    if (*it->nlog < 4096)
        it->log[(*it->nlog)++] = it->id;
}

static void side_by_side_round_robin(void **state)
{
    (void)state;
    struct fake f = {0};
    int log[4096];
    size_t nlog = 0;
    struct item a = {&f, 1e-4, 0, log, &nlog}, b = {&f, 2e-4, 1, log, &nlog};
    void *ctx[2] = {&a, &b};
    struct sb_clock clk = {fake_now, &f};
    struct sb_plan plan = {.min_sample = 1e-3, .samples = 9, .max_reps = 1u << 20};
    struct sb_result r[2];
    sb_measure_set(2, item_work, ctx, &clk, &plan, r);
    assert_int_equal(r[0].reps, 16); /* 1.6 ms */
    assert_int_equal(r[1].reps, 8);
    /* warm-up and calibration of a (1 + 31), of b (1 + 15), then the rounds */
    size_t at = 32 + 16;
    for (int round = 0; round < 9; round++) { /* each sample after one untimed call */
        for (size_t i = 0; i < 1 + 16; i++)
            assert_int_equal(log[at++], 0);
        for (size_t i = 0; i < 1 + 8; i++)
            assert_int_equal(log[at++], 1);
    }
    assert_int_equal(at, nlog);
    /* the slow phase starts during the samples, and both saw it */
    assert_true(r[0].stats.max > 2.5 * r[0].stats.min && r[1].stats.max > 2.5 * r[1].stats.min);
    double ratio = r[1].stats.median / r[0].stats.median;
    assert_true(fabs(ratio - 2.0) < 1e-9);
}

static void max_reps_caps_calibration(void **state)
{
    (void)state;
    const double cost[1] = {1e-9};
    struct fake f = {.costs = cost, .ncost = 1};
    struct sb_clock clk = {fake_now, &f};
    struct sb_plan plan = {.min_sample = 1.0, .samples = 3, .max_reps = 1024};
    struct sb_result r;
    sb_measure(fake_work, &f, &clk, &plan, &r);
    assert_int_equal(r.reps, 1024);
}

static void cold_runs_evict_untimed(void **state)
{
    (void)state;
    const double cost[3] = {2e-3, 1e-3, 3e-3};
    struct fake f = {.costs = cost, .ncost = 3};
    struct sb_clock clk = {fake_now, &f};
    struct sb_plan plan = {
        .min_sample = 1e-3, .samples = 5, .max_reps = 1024, .evict = fake_evict, .evict_ctx = &f};
    struct sb_result r;
    sb_measure(fake_work, &f, &clk, &plan, &r);
    assert_int_equal(r.reps, 1);
    assert_int_equal(f.evictions, 5);
    /* calls: warm-up (2 ms), then 1, 3, 2, 1, 3 ms */
    const double want[5] = {1e-3, 3e-3, 2e-3, 1e-3, 3e-3};
    for (int i = 0; i < 5; i++)
        assert_true(fabs(r.per_call[i] - want[i]) < 1e-12);
    assert_true(fabs(r.stats.median - 2e-3) < 1e-12);
    assert_true(fabs(r.stats.min - 1e-3) < 1e-12 && fabs(r.stats.max - 3e-3) < 1e-12);
    assert_true(fabs(r.stats.mad - 1e-3) < 1e-12);
    assert_true(r.stats.noisy); /* MAD is half the median */
}

static void statistics(void **state)
{
    (void)state;
    const double v[6] = {5, 1, 4, 2, 100, 3};
    struct sb_stats s;
    sb_stats_of(v, 6, &s);
    assert_true(s.median == 3.5 && s.min == 1 && s.max == 100);
    /* deviations 1.5 2.5 0.5 1.5 96.5 0.5 -> sorted 0.5 0.5 1.5 1.5 2.5 96.5 */
    assert_true(s.mad == 1.5);
    assert_true(s.noisy);
    const double quiet[5] = {100, 101, 99, 100, 100};
    sb_stats_of(quiet, 5, &s);
    assert_true(s.median == 100 && s.mad == 0 && !s.noisy);
    assert_true(v[0] == 5); /* input untouched */
}

/* The byte an error of sb_jparse names ("... (byte B): ..."). */
static size_t error_byte(const char *err)
{
    const char *b = strstr(err, "(byte ");
    assert_non_null(b);
    return (size_t)strtoul(b + 6, NULL, 10);
}

static void json_reader(void **state)
{
    (void)state;
    char err[300];
    const char *doc = "{\"results\": [{\"command\": \"a \\\"q\\\" \\u00e9\", \"median\": 1.5e-3, "
                      "\"times\": [1, 2, 3]}], \"ok\": true, \"none\": null, \"x\": \"inf\", "
                      "\"neg\": -2}";
    json_t *j = sb_jparse(doc, strlen(doc), "doc", err, sizeof err);
    assert_non_null(j);
    struct sb_jr r = {.file = "doc"};
    const json_t *res = sb_jr_arr(&r, j, "results"), *r0 = json_array_get(res, 0);
    assert_non_null(res);
    assert_int_equal(json_array_size(res), 1);
    assert_string_equal(sb_jr_str(&r, r0, "command"), "a \"q\" \xc3\xa9");
    assert_true(sb_jr_num(&r, r0, "median") == 1.5e-3);
    assert_true(sb_jr_bool(&r, j, "ok") == 1);
    assert_true(isinf(sb_jr_num(&r, j, "x")));
    assert_true(sb_jr_num(&r, j, "neg") == -2.0);
    assert_true(sb_jr_num_opt(&r, j, "missing", 7) == 7.0);
    assert_true(json_is_null(json_object_get(j, "none")));
    assert_true(sb_jr_ok(&r));
    json_decref(j);
    const char *bad[] = {"{\"a\": }",    "[1, 2",       "{\"a\" 1}", "\"open", "[1] x",
                         "{\"a\": tru}", "\"\\u00zz\"", "\"\\u0",    "\"\\"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(sb_jparse(bad[i], strlen(bad[i]), "bad", err, sizeof err));
        assert_true(error_byte(err) <= strlen(bad[i]));
    }
    /* A document that ends where a ':' is due, in a buffer of exactly its
     * size (AddressSanitizer sees a read past it): refused within it,
     * nothing beyond read. The first is what a fuzzer found in the old
     * parser; jansson refuses it at its first byte that is not UTF-8. */
    const char *cut[] = {"{\"a\xff\xff\xff\xff\xff\xff\xff\xff[{:\"", "{\"a\"", "{\"a\" \n",
                         "[{\"k\": 1}, {\"b\""};
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        size_t len = strlen(cut[i]);
        char *t = malloc(len);
        assert_non_null(t);
        memcpy(t, cut[i], len);
        assert_null(sb_jparse(t, len, "cut", err, sizeof err));
        assert_true(error_byte(err) <= len);
        if (i > 0) {
            assert_non_null(strstr(err, "':' expected"));
            assert_int_equal(error_byte(err), len);
        }
        free(t);
    }
}

static void floors_run(void **state)
{
    (void)state;
    float x[37], y[37];
    for (int i = 0; i < 37; i++)
        x[i] = (float)i;
    const struct softmax_kernel *rw = NULL;
    for (size_t i = 0; i < sb_floor_count(); i++)
        if (strcmp(sb_floor_at(i)->name, "floor.rw") == 0)
            rw = sb_floor_at(i);
    assert_non_null(rw);
    assert_int_equal(rw->fn(x, y, 37, 1.0f), SOFTMAX_OK);
    assert_memory_equal(x, y, sizeof x);
    assert_true(sb_tsc_hz() > 1e8 || sb_tsc_hz() == 0.0);
}

/* The machine line's CPU name from cpuinfo files as an x86 kernel, an
 * aarch64 one (Graviton 3's Neoverse V1, an unknown part) and qemu-user
 * (an aarch64 process reading the x86 host's file) write them. */
static void cpu_names_from_cpuinfo(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int aarch64;
        const char *want;
    } cases[] = {
        {"processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9R14\n", 0,
         "AMD EPYC 9R14"},
        {"processor\t: 0\nBogoMIPS\t: 2100.00\nCPU implementer\t: 0x41\nCPU architecture: 8\n"
         "CPU variant\t: 0x1\nCPU part\t: 0xd40\n",
         1, "Arm Neoverse V1"},
        {"processor\t: 0\nCPU implementer\t: 0x48\nCPU part\t: 0xd01\n", 1,
         "aarch64 CPU (MIDR implementer 0x48, part 0xd01)"},
        {"processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n", 1,
         "aarch64 under qemu-user on AMD EPYC"},
        {"processor\t: 0\n", 0, "unknown CPU"},
    };
    char path[] = "/tmp/softbench-cpuinfo-XXXXXX", got[160];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(cases[i].text, f);
        fclose(f);
        sb_cpu_model_of(path, cases[i].aarch64, got, sizeof got);
        assert_string_equal(got, cases[i].want);
    }
    remove(path);
    sb_cpu_model_of("/nonexistent/cpuinfo", 1, got, sizeof got);
    assert_string_equal(got, "unknown CPU");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calibration_doubles_until_min_sample),
        cmocka_unit_test(max_reps_caps_calibration),
        cmocka_unit_test(side_by_side_round_robin),
        cmocka_unit_test(cold_runs_evict_untimed),
        cmocka_unit_test(statistics),
        cmocka_unit_test(json_reader),
        cmocka_unit_test(floors_run),
        cmocka_unit_test(cpu_names_from_cpuinfo),
    };
    return cmocka_run_group_tests_name("bench", tests, NULL, NULL);
}
