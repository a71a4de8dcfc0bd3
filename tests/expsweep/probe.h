/* tests/expsweep/probe.h - each ISA's exponentials as functions over blocks
 * of float32 arguments, for the sweep (sweep.c; docs/accuracy.md,
 * "Exhaustive exponentials"). Test code: nothing here is in the library. */
#ifndef SB_PROBE_H
#define SB_PROBE_H

#include <stddef.h>

#include "softmax.h"

/* What a probe returns for an argument d:
 *   SBP_F32   y = exp(d) as a float (the kernels' terms),
 *   SBP_SPLIT p and an integral k with exp(d) = p 2^k (the two-pass form),
 *   SBP_F64   y = exp(d) as a double (the accurate kernels' terms). */
enum sbp_kind { SBP_F32, SBP_SPLIT, SBP_F64 };

/* Every block a probe is given holds a multiple of SBP_BLOCK arguments, at
 * 64-byte aligned addresses. */
#define SBP_BLOCK 64

struct sb_probe {
    const char *name; /* "avx2.exp" */
    enum softmax_isa isa;
    enum sbp_kind kind;
    float lo, hi;    /* the arguments its kernels give it, ends included */
    const char *fed; /* the kernels, in words */
    /* the bound the kernels' derivation uses: ULP of the result (F32, of p
     * for SPLIT), relative error (F64) */
    double bound;
    void (*f32)(const float *d, float *y, size_t n);
    void (*split)(const float *d, float *p, float *k, size_t n);
    void (*f64)(const float *d, double *y, size_t n);
};

/* The probes of one ISA level (probe_scalar.c, probe_avx2.c, ...). */
const struct sb_probe *sb_probes_scalar(size_t *count);
#if defined(__x86_64__)
const struct sb_probe *sb_probes_avx2(size_t *count);
const struct sb_probe *sb_probes_avx512(size_t *count);
#elif defined(__aarch64__)
const struct sb_probe *sb_probes_neon(size_t *count);
const struct sb_probe *sb_probes_sve(size_t *count);
#endif
/* Every probe of this architecture, the scalar ones first, into out (at
 * most max); their number. */
size_t sb_probes_all(const struct sb_probe **out, size_t max);

#endif
