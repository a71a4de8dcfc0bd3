/* tests/expsweep/sweep.h - an exponential probe (probe.h) run over every
 * float32 argument of its domain, or over a sample with some of every
 * binade, against a reference of higher precision, in a chosen rounding
 * mode (docs/accuracy.md, "Exhaustive exponentials"). */
#ifndef SB_SWEEP_H
#define SB_SWEEP_H

#include <stdint.h>

#include "probe.h"

/* The error thresholds counted: ULP for F32 and SPLIT, relative for F64
 * (the last is the probe's bound). */
#define SBS_NTHRESH 4

struct sbs_stats {
    uint64_t inputs;
    double max_err; /* ULP (F32, SPLIT) or relative (F64) */
    float max_at;   /* the first argument, in the domain's order, where it occurs */
    double max_y;   /* what the probe gave there (p for SPLIT) */
    float max_k;    /* SPLIT: the power p goes with */
    long double max_ref;
    uint64_t above[SBS_NTHRESH];
    uint64_t rounded; /* F32: results equal to the correctly rounded exp */
    uint64_t bad;     /* NaN, infinite or negative results */
    float bad_at;     /* the first of them */
};

struct sbs_opts {
    int round;       /* FE_TONEAREST, FE_UPWARD, FE_DOWNWARD or FE_TOWARDZERO */
    unsigned sample; /* 0: every argument; else about this many per binade */
    unsigned threads;
    /* arguments added to a sample (recorded worst cases), n of them */
    const float *extra;
    size_t nextra;
};

void sbs_thresholds(const struct sb_probe *p, double t[SBS_NTHRESH]);
/* The reference for argument d (and k, the power SPLIT's p goes with):
 * exp(d) (exp(d) 2^-k for SPLIT) rounded to long double's precision. */
long double sbs_ref(const struct sb_probe *p, float d, float k);
/* The error of a probe's result y (p, with k, for SPLIT) against ref. */
double sbs_err(const struct sb_probe *p, double y, long double ref);
/* The sweep; 0, or -1 when memory or a thread could not be had. */
int sbs_run(const struct sb_probe *p, const struct sbs_opts *o, struct sbs_stats *st);
/* One argument's error, in the given rounding mode (*y: the result). */
double sbs_one(const struct sb_probe *p, float d, int round, double *y);

#endif
