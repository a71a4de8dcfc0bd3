/* example.c - a softbench plugin with two kernels (docs/plugins.md):
 *
 *   example.threepass  a plain scalar three-pass softmax that keeps the
 *                      edge-case contract (docs/contract.md) and declares
 *                      the bound derived below;
 *   example.buggy      the same loop with the bug most hand-written
 *                      softmaxes have: no +inf handling, so x - max is
 *                      inf - inf = NaN on a row holding +inf.
 *
 * Build it against the installed library (only its headers are needed):
 *   cc -O2 -fPIC -shared $(pkg-config --cflags softmax) -o example.so example.c -lm
 * and judge it beside softbench's kernels:
 *   softbench --plugin ./example.so verify -k example.threepass,scalar.threepass
 *   softbench --plugin ./example.so edge -k example.threepass,example.buggy
 *
 * The bound of example.threepass, in ULP of the correctly rounded result
 * (u = 2^-24; a relative error e costs at most e/u ULP):
 *   0.5 the reference's own rounding, 0.5 the division by S, 0.5 an
 *   exponential that underflows to a subnormal (absolute 2^-150, S >= 1);
 *   expf within 1 ULP: 2u in y_i's term and 2u inside S;
 *   the argument (x_i - max)/T is formed in double and rounded once to
 *   float: a_i u in y_i's term, abar u inside S (c_arg, per rounding; the
 *   model counts r = 2 roundings at T != 1, which only overstates);
 *   S is one float accumulator: n - 1 additions, each term's relative
 *   error at most (n - 1) u (c_sum, SEQUENTIAL: g(n) = n).
 *   A factor 1.01 covers second-order terms:
 *   c0 = 1.5 + 1.01 * 4 = 5.54 -> 6, c_arg = c_sum = 1.02.
 */
#include <math.h>
#include <stddef.h>

#include <softbench_plugin.h>

static int edges(const float *x, float *y, size_t n, float T, float *max)
{
    float m = -INFINITY;
    size_t pinf = 0, finite = 0;
    int nan = 0;
    for (size_t i = 0; i < n; i++) {
        nan |= x[i] != x[i];
        m = x[i] > m ? x[i] : m;
        pinf += x[i] == INFINITY;
        finite += isfinite(x[i]) != 0;
    }
    if (nan || m == -INFINITY) { /* undefined: NaN everywhere */
        for (size_t i = 0; i < n; i++)
            y[i] = NAN;
        return 1;
    }
    if (pinf > 0 || isinf(T)) { /* the limits: one-hot on +inf, else uniform on the finite */
        size_t k = pinf > 0 ? pinf : finite;
        for (size_t i = 0; i < n; i++)
            y[i] = (pinf > 0 ? x[i] == INFINITY : isfinite(x[i]) != 0) ? 1.0f / (float)k : 0.0f;
        return 1;
    }
    *max = m;
    return 0;
}

static int threepass(const float *x, float *y, size_t n, float T, int check_inf)
{
    if (!(T > 0))
        return SOFTMAX_EINVAL_T;
    if (n == 0)
        return SOFTMAX_OK;
    if (x == NULL || y == NULL)
        return SOFTMAX_ENULL;
    float m = -INFINITY;
    if (check_inf) {
        if (edges(x, y, n, T, &m))
            return SOFTMAX_OK;
    } else {
        for (size_t i = 0; i < n; i++)
            m = x[i] > m ? x[i] : m;
    }
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) {
        /* in double, so that logits spanning more than FLT_MAX do not overflow */
        float e = expf((float)(((double)x[i] - m) / T));
        y[i] = e;
        s += e;
    }
    for (size_t i = 0; i < n; i++)
        y[i] /= s;
    return SOFTMAX_OK;
}

static int good(const float *x, float *y, size_t n, float T) { return threepass(x, y, n, T, 1); }

static int buggy(const float *x, float *y, size_t n, float T) { return threepass(x, y, n, T, 0); }

/* the bound derived above (a macro: a struct object is no constant initializer in C) */
#define DERIVED_BOUND                                                                              \
    {                                                                                              \
        .c0 = 6.0, .c_arg = 1.02, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 1.02,                       \
        .sum = SOFTMAX_SUM_SEQUENTIAL                                                              \
    }

static const struct softmax_kernel kernels[] = {
    {.name = "threepass",
     .algorithm = "threepass",
     .isa = SOFTMAX_ISA_SCALAR,
     .fn = good,
     .safe = 1,
     .bound = DERIVED_BOUND,
     .summary = "plain scalar three-pass, the contract kept, derived bound"},
    {.name = "buggy",
     .algorithm = "threepass",
     .isa = SOFTMAX_ISA_SCALAR,
     .fn = buggy,
     .safe = 1,
     .bound = DERIVED_BOUND,
     .summary = "the same, without +inf handling (a deliberate edge-case bug)"},
};

static const struct softbench_plugin plugin = {
    .abi = SOFTBENCH_PLUGIN_ABI,
    .name = "example",
    .count = sizeof kernels / sizeof kernels[0],
    .kernels = kernels,
};

const struct softbench_plugin *softbench_plugin(unsigned abi)
{
    return abi == SOFTBENCH_PLUGIN_ABI ? &plugin : NULL;
}
