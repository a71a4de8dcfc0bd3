/* bench.c - see bench.h. */
#include "bench.h"

#include "jsonio.h"
#include "keys.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#include <x86intrin.h>
#endif

#include "cli.h"

#ifndef SB_COMMIT
#define SB_COMMIT "unknown"
#endif
#ifndef SB_BUILD_FLAGS
#define SB_BUILD_FLAGS "unknown"
#endif

double sb_clock_monotonic(void *ctx)
{
    (void)ctx;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_sorted(const double *v, size_t k)
{
    return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

void sb_stats_of(const double *v, size_t k, struct sb_stats *out)
{
    double s[SB_MAX_SAMPLES], d[SB_MAX_SAMPLES];
    *out = (struct sb_stats){.k = k};
    if (k == 0 || k > SB_MAX_SAMPLES)
        return;
    memcpy(s, v, k * sizeof *s);
    qsort(s, k, sizeof *s, cmp_double);
    out->min = s[0];
    out->max = s[k - 1];
    out->median = median_sorted(s, k);
    for (size_t i = 0; i < k; i++)
        d[i] = fabs(s[i] - out->median);
    qsort(d, k, sizeof *d, cmp_double);
    out->mad = median_sorted(d, k);
    out->noisy = out->median > 0.0 && out->mad / out->median > SB_NOISY;
}

void sb_call_once(void *ctx)
{
    struct sb_call *w = ctx;
    w->rc |= w->k->fn(w->x, w->y, w->n, w->T);
}

static double time_calls(sb_work_fn work, void *ctx, const struct sb_clock *clk, size_t reps)
{
    double t0 = clk->now(clk->ctx);
    for (size_t r = 0; r < reps; r++)
        work(ctx);
    return clk->now(clk->ctx) - t0;
}

void sb_measure_set(size_t nw, sb_work_fn work, void *const *ctx, const struct sb_clock *clk,
                    const struct sb_plan *plan, struct sb_result *out)
{
    size_t k = plan->samples < 1                ? 1
               : plan->samples > SB_MAX_SAMPLES ? SB_MAX_SAMPLES
                                                : plan->samples;
    for (size_t w = 0; w < nw; w++) {
        work(ctx[w]); /* warm-up: first-touch, caches, a peer's primitive for this n */
        size_t reps = 1;
        if (plan->evict == NULL) {
            double t = time_calls(work, ctx[w], clk, reps);
            while (t < plan->min_sample && reps < plan->max_reps) {
                reps *= 2;
                t = time_calls(work, ctx[w], clk, reps);
            }
        }
        out[w].reps = reps;
    }
    /* round robin: sample i of every item before sample i + 1 of any. Warm,
     * an untimed call first, so that a sample starts from the caches its
     * own item leaves, not the previous item's (at 16M, two-pass after
     * three-pass, whose last pass leaves y dirty in every level, took 0.30 ns
     * per element against 0.28 after itself) */
    for (size_t i = 0; i < k; i++)
        for (size_t w = 0; w < nw; w++) {
            if (plan->evict != NULL)
                plan->evict(plan->evict_ctx);
            else if (nw > 1)
                work(ctx[w]);
            out[w].per_call[i] = time_calls(work, ctx[w], clk, out[w].reps) / (double)out[w].reps;
        }
    for (size_t w = 0; w < nw; w++)
        sb_stats_of(out[w].per_call, k, &out[w].stats);
}

void sb_measure(sb_work_fn work, void *ctx, const struct sb_clock *clk, const struct sb_plan *plan,
                struct sb_result *out)
{
    sb_measure_set(1, work, &ctx, clk, plan, out);
}

double sb_tsc_hz(void)
{
    static double hz;
    if (hz > 0.0)
        return hz;
#if defined(__x86_64__) || defined(__i386__)
    double t0 = sb_clock_monotonic(NULL);
    unsigned long long c0 = __rdtsc();
    double t1;
    do
        t1 = sb_clock_monotonic(NULL);
    while (t1 - t0 < 0.05);
    unsigned long long c1 = __rdtsc();
    hz = (double)(c1 - c0) / (t1 - t0);
#else
    hz = 0.0;
#endif
    return hz;
}

const char *sb_build_compiler(void)
{
#ifdef __clang__
    return "clang " __clang_version__;
#else
    return "gcc " __VERSION__;
#endif
}
const char *sb_build_flags(void) { return SB_BUILD_FLAGS; }
const char *sb_build_commit(void) { return SB_COMMIT; }

/* ---- floors: each compiled for its ISA with target attributes */

static volatile float floor_sink;

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static float read512(const float *x, size_t n)
{
    __m512 a = _mm512_setzero_ps(), b = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a = _mm512_add_ps(a, _mm512_loadu_ps(x + i));
        b = _mm512_add_ps(b, _mm512_loadu_ps(x + i + 16));
    }
    for (; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? 0xffff : (__mmask16)((1u << (n - i)) - 1);
        a = _mm512_add_ps(a, _mm512_maskz_loadu_ps(m, x + i));
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(a, b));
}

__attribute__((target("avx512f"))) static void copy512(const float *x, float *y, size_t n)
{
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        _mm512_storeu_ps(y + i, _mm512_loadu_ps(x + i));
        _mm512_storeu_ps(y + i + 16, _mm512_loadu_ps(x + i + 16));
    }
    for (; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? 0xffff : (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, m, _mm512_maskz_loadu_ps(m, x + i));
    }
}

__attribute__((target("avx2"))) static float read256(const float *x, size_t n)
{
    __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a = _mm256_add_ps(a, _mm256_loadu_ps(x + i));
        b = _mm256_add_ps(b, _mm256_loadu_ps(x + i + 8));
    }
    float t[8], s = 0.0f;
    _mm256_storeu_ps(t, _mm256_add_ps(a, b));
    for (int j = 0; j < 8; j++)
        s += t[j];
    for (; i < n; i++)
        s += x[i];
    return s;
}

__attribute__((target("avx2"))) static void copy256(const float *x, float *y, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        _mm256_storeu_ps(y + i, _mm256_loadu_ps(x + i));
        _mm256_storeu_ps(y + i + 8, _mm256_loadu_ps(x + i + 8));
    }
    for (; i < n; i++)
        y[i] = x[i];
}
#endif

static float read_scalar(const float *x, size_t n)
{
    float s = 0.0f;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s;
}

static void copy_scalar(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i];
}

static int floor_read(const float *x, float *y, size_t n, float T)
{
    (void)y;
    (void)T;
    enum softmax_isa isa = softmax_isa_available();
#if defined(__x86_64__)
    floor_sink = isa == SOFTMAX_ISA_AVX512 ? read512(x, n)
                 : isa == SOFTMAX_ISA_AVX2 ? read256(x, n)
                                           : read_scalar(x, n);
#else
    (void)isa;
    floor_sink = read_scalar(x, n);
#endif
    return SOFTMAX_OK;
}

static int floor_rw(const float *x, float *y, size_t n, float T)
{
    (void)T;
    enum softmax_isa isa = softmax_isa_available();
#if defined(__x86_64__)
    if (isa == SOFTMAX_ISA_AVX512)
        copy512(x, y, n);
    else if (isa == SOFTMAX_ISA_AVX2)
        copy256(x, y, n);
    else
#endif
        copy_scalar(x, y, n);
    (void)isa;
    return SOFTMAX_OK;
}

static const struct softmax_kernel floors[] = {
    {.name = "floor.read",
     .algorithm = "read",
     .fn = floor_read,
     .summary = "memory floor: a vectorized read of n floats"},
    {.name = "floor.rw",
     .algorithm = "rw",
     .fn = floor_rw,
     .summary = "memory floor: a vectorized read and write of n floats"},
};

size_t sb_floor_count(void) { return sizeof floors / sizeof floors[0]; }
const struct softmax_kernel *sb_floor_at(size_t i)
{
    return i < sb_floor_count() ? &floors[i] : NULL;
}

/* ---- the machine */

long sb_cache_size(int level)
{
    int names[] = {_SC_LEVEL1_DCACHE_SIZE, _SC_LEVEL2_CACHE_SIZE, _SC_LEVEL3_CACHE_SIZE};
    long v = level >= 1 && level <= 3 ? sysconf(names[level - 1]) : -1;
    if (v > 0)
        return v;
    /* sysconf may not know (some AMD parts): read sysfs */
    for (int idx = 0; idx < 8; idx++) {
        char path[96], buf[64];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", idx);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            break;
        int lv = fgets(buf, sizeof buf, f) ? atoi(buf) : 0;
        fclose(f);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", idx);
        f = fopen(path, "r");
        int inst = f != NULL && fgets(buf, sizeof buf, f) && strncmp(buf, "Instruction", 11) == 0;
        if (f != NULL)
            fclose(f);
        if (lv != level || inst)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", idx);
        f = fopen(path, "r");
        if (f == NULL)
            continue;
        long kb = fgets(buf, sizeof buf, f) ? atol(buf) : 0;
        fclose(f);
        return kb * 1024;
    }
    return 0;
}

/* The flags of /proc/cpuinfo that matter here, in that file's order. */
static void cpu_flags(char *out, size_t len)
{
    static const char *keep[] = {"sse4_2",     "avx",         "avx2",        "fma",
                                 "f16c",       "avx512f",     "avx512dq",    "avx512bw",
                                 "avx512vl",   "avx512_bf16", "avx512_fp16", "constant_tsc",
                                 "nonstop_tsc"};
    out[0] = '\0';
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[8192];
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        size_t o = 0;
        for (char *save = NULL, *t = strtok_r(strchr(line, ':') + 1, " \n", &save); t != NULL;
             t = strtok_r(NULL, " \n", &save))
            for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
                if (strcmp(t, keep[i]) == 0 && o < len)
                    o += (size_t)snprintf(out + o, len - o, "%s%s", o ? " " : "", t);
        break;
    }
    fclose(f);
}

json_t *sb_machine_jobj(void)
{
    unsigned fam = 0, model = 0, step = 0;
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        fam = (a >> 8) & 0xf;
        model = (a >> 4) & 0xf;
        step = a & 0xf;
        if (fam == 0xf)
            fam += (a >> 20) & 0xff;
        if (fam >= 6)
            model |= ((a >> 16) & 0xf) << 4;
    }
#endif
    char flags[512], date[32], os[256];
    cpu_flags(flags, sizeof flags);
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    struct utsname u;
    int have_u = uname(&u) == 0;
    snprintf(os, sizeof os, "%s %s %s", have_u ? u.sysname : "?", have_u ? u.release : "?",
             have_u ? u.machine : "?");
    json_t *m = json_object(), *cache = json_object();
    int bad = m == NULL || cache == NULL;
    if (!bad) {
        bad |= sb_jset(cache, "L1d", json_integer(sb_cache_size(1)));
        bad |= sb_jset(cache, "L2", json_integer(sb_cache_size(2)));
        bad |= sb_jset(cache, "L3", json_integer(sb_cache_size(3)));
        bad |= sb_jset(m, SBK_CPU, sb_jstr(sb_cpu_model()));
        bad |= sb_jset(m, SBK_FAMILY, json_integer(fam));
        bad |= sb_jset(m, SBK_MODEL, json_integer(model));
        bad |= sb_jset(m, SBK_STEPPING, json_integer(step));
        bad |= sb_jset(m, SBK_FLAGS, sb_jstr(flags));
        bad |= sb_jset(m, SBK_EMULATED, json_boolean(sb_emulated()));
        bad |= sb_jset(m, SBK_ISA_USABLE, sb_jstr(softmax_isa_name(softmax_isa_available())));
        bad |= sb_jset(m, SBK_CORES, json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
        bad |= sb_jset(m, SBK_CACHE_BYTES, cache);
        cache = NULL;
        bad |= sb_jset(m, SBK_TSC_HZ, json_integer((json_int_t)sb_tsc_hz()));
        bad |= sb_jset(m, SBK_COMPILER, sb_jstr(sb_build_compiler()));
        bad |= sb_jset(m, SBK_CFLAGS, sb_jstr(sb_build_flags()));
        bad |= sb_jset(m, SBK_COMMIT, sb_jstr(sb_build_commit()));
        bad |= sb_jset(m, SBK_DATE, sb_jstr(date));
        bad |= sb_jset(m, SBK_OS, sb_jstr(os));
    }
    json_decref(cache);
    if (bad) {
        json_decref(m);
        return NULL;
    }
    return m;
}
