/* edge.c - the edge-case contract's special inputs, shared by the safe
 * kernels of every ISA (see sb_edge in internal.h and docs/contract.md). */
#include "internal.h"

static int is_pinf(float v) { return v == INFINITY; }
static int is_finite(float v) { return isfinite(v); }
static int is_any(float v)
{
    (void)v;
    return 1;
}

void sb_fill_masked(const float *x, float *y, size_t n, int (*pick)(float), float v, float other)
{
    for (size_t i = 0; i < n; i++)
        y[i] = pick(x[i]) ? v : other;
}

/* 1/k correctly rounded: exact operands below 2^24 make the float division
 * correctly rounded; above it the double quotient is rounded once more. */
static float recip_count(size_t k)
{
    if (k <= (1u << 24))
        return 1.0f / (float)k;
    return (float)(1.0 / (double)k);
}

/* -log k in double, then rounded to float: a double rounding, which
 * tests/test_reference.c checks against MPFR's correctly rounded value for
 * every k to 2^20 and at powers of two and their neighbours beyond. */
float sb_neglog_count(size_t k) { return (float)-log((double)k); }

/* The classification both contracts share: 0 ordinary, else the case, with
 * the count its value depends on. */
enum edge_kind { EDGE_NONE, EDGE_NAN, EDGE_PINF, EDGE_TINF };

static enum edge_kind classify(const float *x, size_t n, float T, size_t *k)
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
        return EDGE_NONE;
    if (nan || (n_pinf == 0 && n_fin == 0))
        return EDGE_NAN;
    *k = n_pinf > 0 ? n_pinf : n_fin;
    return n_pinf > 0 ? EDGE_PINF : isinf(T) ? EDGE_TINF : EDGE_NONE;
}

int sb_edge_log(const float *x, float *y, size_t n, float T)
{
    size_t k = 0;
    switch (classify(x, n, T, &k)) {
    case EDGE_NONE: return 0;
    case EDGE_NAN: sb_fill_masked(x, y, n, is_any, NAN, NAN); break;
    case EDGE_PINF: sb_fill_masked(x, y, n, is_pinf, sb_neglog_count(k), -INFINITY); break;
    case EDGE_TINF: sb_fill_masked(x, y, n, is_finite, sb_neglog_count(k), -INFINITY); break;
    }
    return 1;
}

int sb_edge(const float *x, float *y, size_t n, float T)
{
    size_t k = 0;
    switch (classify(x, n, T, &k)) {
    case EDGE_NONE: return 0;
    case EDGE_NAN: sb_fill_masked(x, y, n, is_any, NAN, NAN); break;
    case EDGE_PINF: sb_fill_masked(x, y, n, is_pinf, recip_count(k), 0.0f); break;
    case EDGE_TINF: sb_fill_masked(x, y, n, is_finite, recip_count(k), 0.0f); break;
    }
    return 1;
}
