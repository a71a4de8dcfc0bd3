/* recommend.h - the report's recommendation, over plain data (no files): per
 * size band, the fastest candidate by the geometric mean of its time per
 * element over the band's bench sizes, and the fastest whose error in the
 * band is within a ULP budget; each with its runner-up and margin. */
#ifndef SB_RECOMMEND_H
#define SB_RECOMMEND_H

#include <stddef.h>

#define SB_NBANDS 4
struct sb_band {
    const char *name;
    size_t lo, hi; /* n in [lo, hi]; hi SIZE_MAX: no upper end */
};
extern const struct sb_band sb_bands[SB_NBANDS];
/* The two recommendations per band: [0] fastest safe, [1] within the budget. */
extern const char *const sb_budget_names[2];

struct sb_brow { /* a bench row */
    const char *kernel, *kind;
    size_t n;
    double ns, lo, hi; /* per element: median, min, max */
};
struct sb_vrow {                           /* a verify row */
    const char *kernel, *dataset, *status; /* status as the file spells it */
    int skip;                              /* not run (this CPU lacks the ISA) */
    size_t n;
    double ulp, sum_err, ratio;
};
struct sb_kinfo {
    const char *name, *kind; /* kind: "kernel", "peer" or "floor" */
    int safe, ran, edge_fail, edge_total, verify_fail, nverify;
    double max_ulp, max_sum, worst_ratio;
};
struct sb_rec {
    const struct sb_kinfo *k, *second; /* NULL: none */
    double ns, ulp, second_ns;
};

/* What the recommendation reads: one machine's rows and kernels. */
struct sb_rdata {
    struct sb_brow *b;
    size_t nb;
    struct sb_vrow *v;
    size_t nv;
    struct sb_kinfo *k;
    size_t nk;
    size_t *sizes; /* the bench sizes, each once */
    size_t nsizes;
    int emulated; /* times taken under an emulator: nothing is recommended */
};

/* Geometric mean of ns per element over the band's bench sizes; NAN unless
 * the kernel was measured at every one of them. */
double sb_band_speed(const struct sb_rdata *d, const char *kernel, int band);
/* The largest error in ULP over the band's verify rows that ran; NAN if none. */
double sb_band_ulp(const struct sb_rdata *d, const char *kernel, int band);
/* A safe kernel of ours that ran, was verified and passed verify and the
 * edge cases, or a peer that ran. */
int sb_candidate(const struct sb_kinfo *k);
/* out[band][0]: the fastest candidate; out[band][1]: the fastest within
 * budget ULP. */
void sb_recommend(const struct sb_rdata *d, double budget, struct sb_rec out[SB_NBANDS][2]);
/* How much slower the runner-up is, in percent; NAN without one. */
double sb_margin_pct(const struct sb_rec *r);

#endif
