/* hostile.c - plugins that misbehave, for tests/plugin.sh. Built once per
 * variant (-DVARIANT_name, the Makefile's PLUGIN_VARIANTS):
 *   hostile   kernels that are right except on one length each: segv7
 *             dereferences NULL at n = 7, hang5 loops forever at n = 5,
 *             overread reads x[n], overwrite writes y[n] (both from n = 9),
 *             exit3 calls exit(3) at n = 3; ok declares no bound (a peer)
 *   badabi    reports ABI 999
 *   refuse    returns NULL (it cannot serve softbench's ABI)
 *   noname    a record without a name
 *   dup       two records of one name
 *   nofn      a record without a function
 *   noentry   exports softbench_plugin_v2, not softbench_plugin */
#include <math.h>
#include <stdlib.h>

#include "softbench_plugin.h"

static volatile int sink;

static int plain(const float *x, float *y, size_t n, float T)
{
    if (!(T > 0))
        return SOFTMAX_EINVAL_T;
    if (n == 0)
        return SOFTMAX_OK;
    if (x == NULL || y == NULL)
        return SOFTMAX_ENULL;
    float m = -INFINITY, s = 0;
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    for (size_t i = 0; i < n; i++)
        s += y[i] = expf((x[i] - m) / T);
    for (size_t i = 0; i < n; i++)
        y[i] /= s;
    return SOFTMAX_OK;
}

static __attribute__((unused)) int segv7(const float *x, float *y, size_t n, float T)
{
    if (n == 7)
        sink = *(volatile int *)(void *)(size_t)sink; /* NULL */
    return plain(x, y, n, T);
}

static __attribute__((unused)) int hang5(const float *x, float *y, size_t n, float T)
{
    while (n == 5)
        sink++;
    return plain(x, y, n, T);
}

static __attribute__((unused)) int overread(const float *x, float *y, size_t n, float T)
{
    if (n >= 9 && x != NULL)
        sink = (int)x[n];
    return plain(x, y, n, T);
}

static __attribute__((unused)) int overwrite(const float *x, float *y, size_t n, float T)
{
    int st = plain(x, y, n, T);
    if (n >= 9 && y != NULL)
        y[n] = 0;
    return st;
}

static __attribute__((unused)) int exit3(const float *x, float *y, size_t n, float T)
{
    if (n == 3)
        exit(3);
    return plain(x, y, n, T);
}

#define BOUND                                                                                      \
    {                                                                                              \
        .c0 = 8, .c_arg = 1.02, .c_sum = 1.02, .sum = SOFTMAX_SUM_SEQUENTIAL                       \
    }

static const struct softmax_kernel kernels[] = {
#if defined(VARIANT_hostile)
    {.name = "segv7", .fn = segv7, .bound = BOUND},
    {.name = "hang5", .fn = hang5, .bound = BOUND},
    {.name = "overread", .fn = overread, .bound = BOUND},
    {.name = "overwrite", .fn = overwrite, .bound = BOUND},
    {.name = "exit3", .fn = exit3, .bound = BOUND},
    {.name = "ok", .fn = plain},
#elif defined(VARIANT_noname)
    {.name = "ok", .fn = plain},
    {.fn = plain},
#elif defined(VARIANT_dup)
    {.name = "twice", .fn = plain},
    {.name = "twice", .fn = segv7},
#elif defined(VARIANT_nofn)
    {.name = "nofn"},
#else
    {.name = "ok", .fn = plain},
#endif
};

static const struct softbench_plugin plugin = {
#if defined(VARIANT_badabi)
    .abi = 999,
#else
    .abi = SOFTBENCH_PLUGIN_ABI,
#endif
    .name = "hostile",
    .count = sizeof kernels / sizeof kernels[0],
    .kernels = kernels,
};

#if defined(VARIANT_noentry)
#define ENTRY softbench_plugin_v2 /* a misspelt entry point */
#else
#define ENTRY softbench_plugin
#endif
const struct softbench_plugin *ENTRY(unsigned abi);
const struct softbench_plugin *ENTRY(unsigned abi)
{
#if defined(VARIANT_refuse)
    (void)abi;
    (void)&plugin;
    return NULL;
#else
    return abi == SOFTBENCH_PLUGIN_ABI ? &plugin : NULL;
#endif
}
