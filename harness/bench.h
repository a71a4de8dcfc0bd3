/* bench.h - the timing core of softbench bench: calibration, samples and
 * their statistics, with the clock injectable so tests can drive it with a
 * synthetic one; the time stamp counter; the memory floors; the machine. */
#ifndef SB_BENCH_H
#define SB_BENCH_H

#include <stddef.h>
#include <stdio.h>

#include "softmax.h"

/* A clock in seconds. */
struct sb_clock {
    double (*now)(void *ctx);
    void *ctx;
};
double sb_clock_monotonic(void *ctx);

/* A row is flagged noisy when MAD / median exceeds this. */
#define SB_NOISY 0.05

struct sb_stats {
    size_t k;
    double median, min, max;
    double mad; /* median absolute deviation from the median */
    int noisy;
};
/* Statistics of k values (not modified). */
void sb_stats_of(const double *v, size_t k, struct sb_stats *out);

/* One call of what is measured. */
typedef void (*sb_work_fn)(void *ctx);

/* A kernel call as sb_measure's work: ctx is a struct sb_call; rc collects
 * the kernel's status over the calls. */
struct sb_call {
    const struct softmax_kernel *k;
    const float *x;
    float *y;
    size_t n;
    float T;
    int rc;
};
void sb_call_once(void *ctx);

struct sb_plan {
    double min_sample;        /* a sample lasts at least this (seconds) */
    size_t samples;           /* samples after the warm-up, at most SB_MAX_SAMPLES */
    size_t max_reps;          /* cap on calls per sample */
    void (*evict)(void *ctx); /* cold runs: called, untimed, before each call */
    void *evict_ctx;
};
#define SB_MAX_SAMPLES 64

struct sb_result {
    size_t reps;                     /* calls per sample */
    double per_call[SB_MAX_SAMPLES]; /* seconds per call, one per sample */
    struct sb_stats stats;           /* of per_call */
};

/* One warm-up call; then, warm, reps doubles from 1 until reps calls last
 * min_sample, and each sample times reps calls; cold (evict set), every
 * sample times one call after an eviction. */
void sb_measure(sb_work_fn work, void *ctx, const struct sb_clock *clk, const struct sb_plan *plan,
                struct sb_result *out);
/* sb_measure for nw items side by side: each is warmed and gets its reps,
 * then the samples go round robin (sample i of every item, then sample
 * i + 1), so that a slow phase of a shared machine falls on all of them
 * alike and their ratios within a run hold. With nw > 1 and warm, each
 * sample follows one untimed call of its own item. */
void sb_measure_set(size_t nw, sb_work_fn work, void *const *ctx, const struct sb_clock *clk,
                    const struct sb_plan *plan, struct sb_result *out);

/* The time stamp counter's rate in Hz (measured once against the monotonic
 * clock); its ticks are reference cycles, not core cycles. */
double sb_tsc_hz(void);

/* Memory floors as kernels: floor.read sums n floats (a vectorized read);
 * floor.rw copies them (a vectorized read and write), at the best ISA usable. */
size_t sb_floor_count(void);
const struct softmax_kernel *sb_floor_at(size_t i);

/* The machine as a JSON object (CPU, family, flags, cores, caches,
 * compiler, flags, commit, date, OS, TSC; keys.h), or NULL if memory ran
 * out. */
struct json_t;
struct json_t *sb_machine_jobj(void);
/* What built this binary: compiler and version, the flags, the commit. */
const char *sb_build_compiler(void);
const char *sb_build_flags(void);
const char *sb_build_commit(void);
/* Data cache sizes in bytes (0 when unknown), for level 1 to 3. */
long sb_cache_size(int level);

#endif
