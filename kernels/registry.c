/* registry.c - the table of compiled-in kernels, lookup, the API boundary
 * (softmax_run), the default entry point and the bound model. */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "softmax.h"

extern const struct softmax_kernel sb_kernel_scalar_naive;
extern const struct softmax_kernel sb_kernel_scalar_threepass;
extern const struct softmax_kernel sb_kernel_scalar_twopass;
extern const struct softmax_kernel sb_kernel_scalar_online;
extern const struct softmax_kernel sb_kernel_scalar_accurate;
extern const struct softmax_kernel sb_kernel_avx512_accurate;
extern const struct softmax_kernel sb_kernel_avx2_accurate;
extern const struct softmax_kernel sb_kernel_avx2_threepass;
extern const struct softmax_kernel sb_kernel_avx2_twopass;
extern const struct softmax_kernel sb_kernel_avx2_online;
extern const struct softmax_kernel sb_kernel_avx512_threepass;
extern const struct softmax_kernel sb_kernel_avx512_twopass;
extern const struct softmax_kernel sb_kernel_avx512_online;
extern const struct softmax_kernel sb_kernel_scalar_log_naive;
extern const struct softmax_kernel sb_kernel_scalar_log_threepass;
extern const struct softmax_kernel sb_kernel_scalar_log_twopass;
extern const struct softmax_kernel sb_kernel_scalar_log_online;
extern const struct softmax_kernel sb_kernel_scalar_log_accurate;
extern const struct softmax_kernel sb_kernel_avx2_log_threepass;
extern const struct softmax_kernel sb_kernel_avx2_log_twopass;
extern const struct softmax_kernel sb_kernel_avx2_log_online;
extern const struct softmax_kernel sb_kernel_avx2_log_accurate;
extern const struct softmax_kernel sb_kernel_avx512_log_threepass;
extern const struct softmax_kernel sb_kernel_avx512_log_twopass;
extern const struct softmax_kernel sb_kernel_avx512_log_online;
extern const struct softmax_kernel sb_kernel_avx512_log_accurate;
extern const struct softmax_kernel sb_kernel_neon_threepass;
extern const struct softmax_kernel sb_kernel_neon_twopass;
extern const struct softmax_kernel sb_kernel_neon_online;
extern const struct softmax_kernel sb_kernel_neon_accurate;
extern const struct softmax_kernel sb_kernel_neon_log_threepass;
extern const struct softmax_kernel sb_kernel_neon_log_twopass;
extern const struct softmax_kernel sb_kernel_neon_log_online;
extern const struct softmax_kernel sb_kernel_neon_log_accurate;
extern const struct softmax_kernel sb_kernel_sve_threepass;
extern const struct softmax_kernel sb_kernel_sve_twopass;
extern const struct softmax_kernel sb_kernel_sve_online;
extern const struct softmax_kernel sb_kernel_sve_accurate;
extern const struct softmax_kernel sb_kernel_sve_log_threepass;
extern const struct softmax_kernel sb_kernel_sve_log_twopass;
extern const struct softmax_kernel sb_kernel_sve_log_online;
extern const struct softmax_kernel sb_kernel_sve_log_accurate;

size_t sb_accurate_keep_max = SB_ACCURATE_KEEP_DEFAULT;

/* Laid out by hand: one kernel a line. */
// clang-format off
static const struct softmax_kernel *const table[] = {
    &sb_kernel_scalar_naive,
    &sb_kernel_scalar_threepass,
    &sb_kernel_scalar_twopass,
    &sb_kernel_scalar_online,
    &sb_kernel_scalar_accurate,
#if SB_X86
    &sb_kernel_avx2_threepass,
    &sb_kernel_avx2_twopass,
    &sb_kernel_avx2_online,
    &sb_kernel_avx2_accurate,
    &sb_kernel_avx512_threepass,
    &sb_kernel_avx512_twopass,
    &sb_kernel_avx512_online,
    &sb_kernel_avx512_accurate,
#endif
#if SB_ARM
    &sb_kernel_neon_threepass,
    &sb_kernel_neon_twopass,
    &sb_kernel_neon_online,
    &sb_kernel_neon_accurate,
    &sb_kernel_sve_threepass,
    &sb_kernel_sve_twopass,
    &sb_kernel_sve_online,
    &sb_kernel_sve_accurate,
#endif
};

#define NKERNELS (sizeof table / sizeof table[0])

static const struct softmax_kernel *const log_table[] = {
    &sb_kernel_scalar_log_naive,
    &sb_kernel_scalar_log_threepass,
    &sb_kernel_scalar_log_twopass,
    &sb_kernel_scalar_log_online,
    &sb_kernel_scalar_log_accurate,
#if SB_X86
    &sb_kernel_avx2_log_threepass,
    &sb_kernel_avx2_log_twopass,
    &sb_kernel_avx2_log_online,
    &sb_kernel_avx2_log_accurate,
    &sb_kernel_avx512_log_threepass,
    &sb_kernel_avx512_log_twopass,
    &sb_kernel_avx512_log_online,
    &sb_kernel_avx512_log_accurate,
#endif
#if SB_ARM
    &sb_kernel_neon_log_threepass,
    &sb_kernel_neon_log_twopass,
    &sb_kernel_neon_log_online,
    &sb_kernel_neon_log_accurate,
    &sb_kernel_sve_log_threepass,
    &sb_kernel_sve_log_twopass,
    &sb_kernel_sve_log_online,
    &sb_kernel_sve_log_accurate,
#endif
};

#define NLOG (sizeof log_table / sizeof log_table[0])
// clang-format on

size_t softmax_log_kernel_count(void) { return NLOG; }

const struct softmax_kernel *softmax_log_kernel_at(size_t i)
{
    return i < NLOG ? log_table[i] : NULL;
}

size_t softmax_kernel_count(void) { return NKERNELS; }

const struct softmax_kernel *softmax_kernel_at(size_t i) { return i < NKERNELS ? table[i] : NULL; }

const struct softmax_kernel *softmax_kernel_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < NKERNELS; i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    for (size_t i = 0; i < NLOG; i++)
        if (strcmp(log_table[i]->name, name) == 0)
            return log_table[i];
    return NULL;
}

int softmax_kernel_supported(const struct softmax_kernel *k)
{
    return k != NULL && softmax_isa_within(k->isa, softmax_isa_available());
}

int softmax_run(const struct softmax_kernel *k, const float *x, float *y, size_t n, float T)
{
    if (k == NULL || k->fn == NULL)
        return SOFTMAX_ENOKERNEL;
    if (!softmax_kernel_supported(k))
        return SOFTMAX_ENOTSUP;
    return k->fn(x, y, n, T);
}

/* Dispatch table, chosen with softbench bench on the development machine
 * (Zen 5, AVX-512, pinned, samples side by side; docs/kernels.md, "Default kernel").
 * AVX-512: three-pass below 2M elements (in cache 0.17 ns per element
 * against two-pass's 0.20; from 256K to 1M a tie within 3%, either way from
 * run to run), two-pass from 2M on, faster in every run (2M: 0.235 against
 * 0.270, 0.240 against 0.258, 0.251 against 0.289; 4M: 0.30-0.32 against
 * 0.38-0.41), where its 12 bytes of traffic per element (16 with y's write-allocate
 * read) and two streams beat three-pass's 20 (24; docs/vector-kernels.md). AVX2: three-pass at every n (two-pass, without vscalefps, was
 * slower everywhere: 0.77 against 0.58 at 16M). Scalar: three-pass, faster
 * than scalar two-pass, and what the others fall back on. */

const struct softmax_kernel *softmax_choose(size_t n)
{
    switch (softmax_isa_available()) {
#if SB_X86
    case SOFTMAX_ISA_AVX512:
        return n >= SB_TWOPASS_FROM ? &sb_kernel_avx512_twopass : &sb_kernel_avx512_threepass;
    case SOFTMAX_ISA_AVX2: return &sb_kernel_avx2_threepass;
#endif
#if SB_ARM
    /* three-pass, as on AVX2 (the same layer); not yet measured on an
     * aarch64 CPU, and emulated times say nothing */
    case SOFTMAX_ISA_SVE: return &sb_kernel_sve_threepass;
    case SOFTMAX_ISA_NEON: return &sb_kernel_neon_threepass;
#endif
    default: (void)n; return &sb_kernel_scalar_threepass;
    }
}

int softmax(const float *x, float *y, size_t n, float T)
{
    return softmax_run(softmax_choose(n), x, y, n, T);
}

/* log-softmax: on AVX-512 at T = 1 the two-pass kernel (its pass 1 reads x
 * once for the sum and the max, its output pass is a subtraction; 25 to 35%
 * faster than three-pass at every n, and as accurate at T = 1, where its
 * arguments are exact); elsewhere the three-pass kernel: at T != 1 the
 * two-pass sum rounds x/T at the logits' magnitude (docs/log-softmax.md),
 * and on AVX2, without vscalefps, two-pass is not faster. */
const struct softmax_kernel *log_softmax_choose(size_t n, float T)
{
    (void)n;
    switch (softmax_isa_available()) {
#if SB_X86
    case SOFTMAX_ISA_AVX512:
        return T == 1.0f ? &sb_kernel_avx512_log_twopass : &sb_kernel_avx512_log_threepass;
    case SOFTMAX_ISA_AVX2: return &sb_kernel_avx2_log_threepass;
#endif
#if SB_ARM
    case SOFTMAX_ISA_SVE: return &sb_kernel_sve_log_threepass;
    case SOFTMAX_ISA_NEON: return &sb_kernel_neon_log_threepass;
#endif
    default: (void)T; return &sb_kernel_scalar_log_threepass;
    }
}

int log_softmax(const float *x, float *y, size_t n, float T)
{
    return softmax_run(log_softmax_choose(n, T), x, y, n, T);
}

double softmax_bound_ulp(const struct softmax_bound *b, double a_i, double abar, size_t n, float T)
{
    double r = (b->arg == SOFTMAX_ARG_SHIFTED ? 1.0 : 0.0) + (T != 1.0f ? 1.0 : 0.0);
    double g;
    if (b->sum == SOFTMAX_SUM_SEQUENTIAL)
        g = (double)n;
    else
        g = n > 1 ? ceil(log2((double)n)) : 0.0;
    return b->c0 + b->c_arg * r * (a_i + abar) + b->c_mag * a_i + b->c_sum * g;
}

const char *softmax_strerror(int status)
{
    switch (status) {
    case SOFTMAX_OK: return "success";
    case SOFTMAX_EINVAL_T: return "temperature must be > 0 and not NaN";
    case SOFTMAX_ENULL: return "null input or output pointer with n > 0";
    case SOFTMAX_ENOTSUP: return "kernel needs an instruction set this CPU (or SOFTMAX_ISA) lacks";
    case SOFTMAX_ENOKERNEL: return "no such kernel";
    case SOFTMAX_ELD: return "row stride below the row length, or in place with two strides";
    case SOFTMAX_EDTYPE: return "unknown element type, or an output type the input cannot have";
    case SOFTMAX_ENOMEM: return "out of memory for a row's float copy";
    }
    return "unknown status";
}
