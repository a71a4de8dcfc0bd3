/* tests/expsweep/probe_scalar.c - the scalar kernels' exponentials: glibc's
 * expf (every scalar float kernel; the two-pass one on its reduced
 * argument, inside this domain) and exp (scalar.accurate's terms, and the
 * log kernels' down to -200). */
#include <math.h>

#include "probe.h"

static void expf_block(const float *d, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = expf(d[i]);
}

static void exp_block(const float *d, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = exp((double)d[i]);
}

/* glibc documents 0.502 ULP for expf; the scalar kernels' derivations take
 * 1 ULP (scalar/threepass.c), and 1 ULP of a double for exp. */
static const struct sb_probe probes[] = {
    {"scalar.expf", SOFTMAX_ISA_SCALAR, SBP_F32, -INFINITY, 0.0f,
     "every scalar float kernel: exp of shifted arguments", 1.0, expf_block, NULL, NULL},
    {"scalar.exp", SOFTMAX_ISA_SCALAR, SBP_F64, -200.0f, 0.0f,
     "scalar.accurate and the log kernels: exp in double", 0x1p-52, NULL, NULL, exp_block},
};

const struct sb_probe *sb_probes_scalar(size_t *count)
{
    *count = sizeof probes / sizeof probes[0];
    return probes;
}

size_t sb_probes_all(const struct sb_probe **out, size_t max)
{
    const struct sb_probe *(*lists[])(size_t *) = {
        sb_probes_scalar,
#if defined(__x86_64__)
        sb_probes_avx2,
        sb_probes_avx512,
#elif defined(__aarch64__)
        sb_probes_neon,
        sb_probes_sve,
#endif
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        size_t c;
        const struct sb_probe *l = lists[i](&c);
        for (size_t j = 0; j < c && n < max; j++)
            out[n++] = &l[j];
    }
    return n;
}
