/* edge.c - the edge-case contract's special inputs, shared by the safe
 * kernels of every ISA (see sb_edge in internal.h and the README table). */
#include "internal.h"

static int is_pinf(float v) { return v == INFINITY; }
static int is_finite(float v) { return isfinite(v); }
static int is_any(float v) { (void)v; return 1; }

void sb_fill_masked(const float *x, float *y, size_t n, int (*pick)(float), float v)
{
    for (size_t i = 0; i < n; i++)
        y[i] = pick(x[i]) ? v : 0.0f;
}

/* 1/k correctly rounded: exact operands below 2^24 make the float division
 * correctly rounded; above it the double quotient is rounded once more. */
static float recip_count(size_t k)
{
    if (k <= (1u << 24))
        return 1.0f / (float)k;
    return (float)(1.0 / (double)k);
}

int sb_edge(const float *x, float *y, size_t n, float T)
{
    size_t n_pinf = 0, n_fin = 0;
    int nan = 0;
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        if (isnan(v))
            nan = 1;
        else if (v == INFINITY)
            n_pinf++;
        else if (v != -INFINITY)
            n_fin++;
    }
    if (n == 0)
        return 0;
    if (nan || (n_pinf == 0 && n_fin == 0)) {
        sb_fill_masked(x, y, n, is_any, NAN);
        return 1;
    }
    if (n_pinf > 0) {
        sb_fill_masked(x, y, n, is_pinf, recip_count(n_pinf));
        return 1;
    }
    if (isinf(T)) {
        sb_fill_masked(x, y, n, is_finite, recip_count(n_fin));
        return 1;
    }
    return 0;
}
