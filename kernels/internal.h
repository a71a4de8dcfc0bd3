/* internal.h - helpers shared by the kernels; not installed, not exported.
 *
 * Argument checks, the edge-case contract's special inputs (NaN, +inf,
 * all -inf, T = +inf) and the pairwise cascade used to combine block partial
 * results so that summation error grows like log2(n), not n.
 */
#ifndef SOFTMAX_INTERNAL_H
#define SOFTMAX_INTERNAL_H

/* The x86-64 kernels (kernels/avx2, kernels/avx512) are built only there. */
#if defined(__x86_64__)
#define SB_X86 1
#else
#define SB_X86 0
#endif
/* The aarch64 kernels (kernels/neon, kernels/sve) are built only there. */
#if defined(__aarch64__)
#define SB_ARM 1
#else
#define SB_ARM 0
#endif

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "softmax.h"

/* The API boundary: T must be > 0 (so NaN fails too) and pointers valid. */
static inline int sb_check_args(const float *x, const float *y, size_t n, float T)
{
    if (!(T > 0.0f))
        return SOFTMAX_EINVAL_T;
    if (n > 0 && (x == NULL || y == NULL))
        return SOFTMAX_ENULL;
    return SOFTMAX_OK;
}

/* The batched entries' checks: T and the pointers as above, strides (in
 * elements) of at least cols, in place (x == y) only with one stride and
 * one element type (same_type), and rows * cols within size_t. */
static inline int sb_check_rows(const void *x, size_t ldx, const void *y, size_t ldy, size_t rows,
                                size_t cols, float T, int same_type)
{
    if (cols > 0 && rows > SIZE_MAX / cols)
        return SOFTMAX_ELD; /* no buffer holds that */
    int st = sb_check_args(x, y, rows * cols, T);
    if (st != SOFTMAX_OK)
        return st;
    if (ldx < cols || ldy < cols || (x == y && (ldx != ldy || !same_type) && rows > 1))
        return SOFTMAX_ELD;
    return SOFTMAX_OK;
}

/* Handles the inputs whose result is a limit or undefined, so that the fast
 * paths only ever see finite logits with a finite max and finite T. Returns 1
 * when it wrote y, 0 when the input is ordinary. The contract (docs/contract.md):
 *   any NaN            -> every output NaN
 *   k entries +inf     -> 1/k there, 0 elsewhere (the limit)
 *   every entry -inf   -> every output NaN (0/0: undefined)
 *   T = +inf           -> 1/k on the k finite entries, 0 on -inf entries
 * Reads all of x before writing y, so x == y is fine. */
int sb_edge(const float *x, float *y, size_t n, float T);

/* The same contract for log-softmax (docs/log-softmax.md): NaN -> NaN
 * everywhere; k entries +inf -> -log k there, -inf elsewhere; all -inf ->
 * NaN; T = +inf -> -log k on the k finite entries, -inf on -inf entries. */
int sb_edge_log(const float *x, float *y, size_t n, float T);

/* -log k rounded to float (k >= 1): the contract's limits. */
float sb_neglog_count(size_t k);

/* The opening every safe kernel shares: 1 when the call is already done
 * (invalid arguments, n == 0, or T = +inf, which the contract answers),
 * with its status in *st; 0 when the kernel proper must run. */
static inline int sb_prologue(const float *x, float *y, size_t n, float T, int *st)
{
    *st = sb_check_args(x, y, n, T);
    if (*st != SOFTMAX_OK || n == 0)
        return 1;
    if (isinf(T)) {
        sb_edge(x, y, n, T);
        return 1;
    }
    return 0;
}

/* sb_prologue for the log kernels: T = +inf answered by sb_edge_log. */
static inline int sb_log_prologue(const float *x, float *y, size_t n, float T, int *st)
{
    *st = sb_check_args(x, y, n, T);
    if (*st != SOFTMAX_OK || n == 0)
        return 1;
    if (isinf(T)) {
        sb_edge_log(x, y, n, T);
        return 1;
    }
    return 0;
}

/* Writes the result for a vector whose special case is already classified:
 * value v at positions where pick(x_i) holds, other elsewhere. */
void sb_fill_masked(const float *x, float *y, size_t n, int (*pick)(float), float v, float other);

/* Pairwise cascade: partial results of consecutive blocks are pushed in
 * order; slot l holds the merge of 2^l blocks, like a binary counter, so an
 * input passes through at most ceil(log2(blocks)) merges. A partial is a pair
 * whose meaning the kernel gives by its merge function (a plain sum, an
 * (m, s) online pair, a (mantissa, exponent) pair). */
struct sb_part {
    float s;
    float m;
};
typedef struct sb_part (*sb_merge_fn)(struct sb_part a, struct sb_part b, float T);

struct sb_cascade {
    struct sb_part slot[64];
    uint64_t count;
};

static inline void sb_cascade_push(struct sb_cascade *c, struct sb_part v, sb_merge_fn merge,
                                   float T)
{
    unsigned l = 0;
    while ((c->count >> l) & 1u) {
        v = merge(c->slot[l], v, T);
        l++;
    }
    c->slot[l] = v;
    c->count++;
}

/* Merges the occupied slots, smallest first, into the total. */
static inline struct sb_part sb_cascade_total(const struct sb_cascade *c, sb_merge_fn merge,
                                              float T, struct sb_part empty)
{
    struct sb_part acc = empty;
    int have = 0;
    for (unsigned l = 0; l < 64 && (c->count >> l) != 0; l++) {
        if (!((c->count >> l) & 1u))
            continue;
        acc = have ? merge(c->slot[l], acc, T) : c->slot[l];
        have = 1;
    }
    return acc;
}

/* (x - m)/T for the max-shifted kernels: the difference and the quotient in
 * double, rounded to float once. In float, x - m overflows to -inf when the
 * logits span more than FLT_MAX, which a huge T makes matter. */
static inline float sb_shifted_arg(float x, float m, float T)
{
    return (float)(((double)x - (double)m) / (double)T);
}

/* Plain float sum merge (threepass). */
static inline struct sb_part sb_merge_sum(struct sb_part a, struct sb_part b, float T)
{
    (void)T;
    a.s += b.s;
    return a;
}

/* 2^e as a float for e in [-126, 127]; 0 below. */
static inline float sb_pow2f(int e)
{
    if (e < -126)
        return 0.0f;
    union {
        uint32_t u;
        float f;
    } v = {.u = (uint32_t)(e + 127) << 23};
    return v.f;
}

/* 2^d for an integral float d <= 0: 0 far below, NaN for NaN (an infinite
 * exponent from a +inf logit gives inf - inf: kept, so the caller falls
 * back; never converted to int). */
static inline float sb_pow2f_of(float d)
{
    if (!(d >= -1e9f))
        return d != d ? NAN : 0.0f;
    return sb_pow2f((int)d);
}

/* (s, m) means s * 2^m, m an integer: the two-pass kernels' sum. */
static inline struct sb_part sb_merge_pow2(struct sb_part a, struct sb_part b, float T)
{
    (void)T;
    float m = a.m > b.m ? a.m : b.m;
    a.s = a.s * sb_pow2f_of(a.m - m) + b.s * sb_pow2f_of(b.m - m);
    a.m = m;
    return a;
}

/* (s, m) means s * exp(m / T): the online kernels' pair, merged as
 * Milakov and Gimelshein merge them; m = -inf is the empty pair. */
static inline struct sb_part sb_merge_online(struct sb_part a, struct sb_part b, float T)
{
    if (a.m == -INFINITY)
        return b;
    if (b.m == -INFINITY)
        return a;
    if (a.m >= b.m) {
        a.s = a.s + b.s * expf(sb_shifted_arg(b.m, a.m, T));
        return a;
    }
    b.s = a.s * expf(sb_shifted_arg(a.m, b.m, T)) + b.s;
    return b;
}

/* Two-pass extremes (see scalar/twopass.c): beyond A_HI the (p, 2^k) form
 * loses order, below A_LO a logit is clamped, and a sum exponent below K_LO
 * means every logit was far below -2^21: the three-pass body takes over. */
#define SB_TWOPASS_A_HI 1048576.0f
#define SB_TWOPASS_A_LO -4194304.0f
#define SB_TWOPASS_K_LO (-(1 << 21))
/* The polynomial exponential's split (AVX2, NEON, SVE) rounds d log2(e) in
 * float before taking n = rint of it, so n can be one off once |d| log2(e)
 * nears 2^21, and r leaves [-ln2/2, ln2/2]: measured by make exhaustive,
 * p's error reached 3.74 ULP at d = -1.45e6 (docs/accuracy.md,
 * "Exhaustive exponentials"). Rows whose sum exponent falls below -2^20
 * go to the scalar body instead, which reduces in double. */
#define SB_EXP_SPLIT_K_LO (-(1 << 20))

/* The polynomial vector exponential's constants (derivation in
 * avx2/vec_avx2.h; AVX2, NEON and SVE use them): ln2
 * split for the two-FMA reduction, and the degree-6 interpolant of exp on
 * [-ln2/2, ln2/2], constant term first, rounded to float. */
#define SB_EXP_LOG2E 1.44269504088896341f
#define SB_EXP_LN2_HI 0x1.62e430p-1f
#define SB_EXP_LN2_LO -0x1.05c610p-29f

/* Coefficients of the interpolant, constant term first, rounded to float. */
#define SB_EXP_C1 0x1.000000p+0f
#define SB_EXP_C2 0x1.000000p-1f
#define SB_EXP_C3 0x1.555404p-3f
#define SB_EXP_C4 0x1.5554acp-5f
#define SB_EXP_C5 0x1.126fa6p-7f
#define SB_EXP_C6 0x1.6d7532p-10f

/* The accurate kernels' double exponential (derivation in avx2/dvec_avx2.h):
 * the coefficients of h(g) = (2^g - 1)/g, highest degree first, as an
 * initializer, so each ISA's layer holds them as its own array. */
#define SB_EXP2_H                                                                                  \
    0x1.63b2d7971923fp-20, 0x1.00c0e4e15189cp-16, 0x1.4308c7183d6a2p-13, 0x1.5d877598350dep-10,    \
        0x1.3b2ab70ad2565p-7, 0x1.c6b08da70cce3p-5, 0x1.ebfbdff82a734p-3, 0x1.62e42fef9cc69p-1

/* The body of the safe three-pass softmax, shared by scalar.threepass and
 * by the fallbacks of the other algorithms for extreme inputs. Assumes the
 * arguments are valid; applies the contract's special cases itself. */
void sb_scalar_threepass(const float *x, float *y, size_t n, float T);
/* Its log-softmax twin, the log kernels' fallback likewise. */
void sb_scalar_log_threepass(const float *x, float *y, size_t n, float T);

/* The largest n for which the vector accurate kernels keep their terms in a
 * buffer (three passes, one exponential per element); above, two passes.
 * 2^20 unless a test lowers it to reach the two-pass form with small inputs:
 * a test hook, not API. */
#define SB_ACCURATE_KEEP_DEFAULT ((size_t)1 << 20)
extern size_t sb_accurate_keep_max;

/* The kernels' allocations (alloc.c): malloc, calloc and aligned_alloc
 * behind the test-only hook sb_alloc_fail_after, not API. At -1 (the
 * default) it does nothing; at N >= 0 the next N allocations succeed and
 * every later one fails (returns NULL), until a test sets it back to -1. So
 * tests/test_faults.c reaches each out-of-memory path: softmax_batch_t's
 * SOFTMAX_ENOMEM, softmax_pool_create's NULL, the accurate kernels' two-pass
 * fallback. Only the allocation sites call these, none in a loop. */
extern _Atomic int sb_alloc_fail_after;
/* (declared as libc declares its own, so the callers compile as before) */
void *sb_malloc(size_t size) __attribute__((malloc, alloc_size(1)));
void *sb_calloc(size_t count, size_t size) __attribute__((malloc, alloc_size(1, 2)));
void *sb_aligned_alloc(size_t align, size_t size)
    __attribute__((malloc, alloc_align(1), alloc_size(2)));

/* Features beyond the ISA levels (cpu.c): F16C (CPUID.1:ECX.29) and
 * AVX512_BF16 (CPUID.7.1:EAX.5), read once; used only at a level that has
 * the registers (AVX2, AVX-512). */
#define SB_CPU_F16C 1
#define SB_CPU_AVX512BF16 2
int sb_cpu_features(void);

/* The conversions' vector bodies (avx2/convert.c, avx512/convert.c). */
void sb_avx2_f16_to_f32(const uint16_t *s, float *d, size_t n);
void sb_avx2_f32_to_f16(const float *s, uint16_t *d, size_t n);
void sb_avx2_bf16_to_f32(const uint16_t *s, float *d, size_t n);
void sb_avx2_f32_to_bf16(const float *s, uint16_t *d, size_t n);
void sb_avx512_f16_to_f32(const uint16_t *s, float *d, size_t n);
void sb_avx512_f32_to_f16(const float *s, uint16_t *d, size_t n);
void sb_avx512_bf16_to_f32(const uint16_t *s, float *d, size_t n);
void sb_avx512_f32_to_bf16(const float *s, uint16_t *d, size_t n);
void sb_avx512bf16_f32_to_bf16(const float *s, uint16_t *d, size_t n);
/* The portable ones, one value (convert.c): the tails and the scalar level. */
float sb_f16_to_f32(uint16_t h);
uint16_t sb_f32_to_f16(float f);
float sb_bf16_to_f32(uint16_t h);
uint16_t sb_f32_to_bf16(float f);

/* The thread pool's job runner (pool.c): fn(arg, t) for t < tasks, spread
 * over the pool's threads and the caller's; returns when all have run. A
 * NULL pool runs them in the caller. */
void sb_pool_run(struct softmax_pool *p, size_t tasks, void (*fn)(void *, size_t), void *arg);

/* The split entry's per-ISA chunk stages (body/threepass.h, batch.c). */
struct sb_chunk_ops {
    int (*terms)(const float *x, float *y, size_t n, float T, float *m, double *s);
    void (*scale)(float *y, size_t n, float f);
};
extern const struct sb_chunk_ops sb_chunk_avx2, sb_chunk_avx512, sb_chunk_neon, sb_chunk_sve;

/* The two-pass form of the split (body/twopass.h, AVX-512): sum gives a
 * chunk's sum of exp(x/T) as s 2^e (1: the row must go to a kernel); write
 * gives y = exp(x/T) inv 2^-E for the whole row's sum 1/inv 2^E; a row
 * whose E falls below k_lo goes to a kernel too. */
struct sb_chunk2_ops {
    int (*sum)(const float *x, size_t n, float T, double *s, float *e);
    void (*write)(const float *x, float *y, size_t n, float T, float inv, float E);
    float k_lo;
};
extern const struct sb_chunk2_ops sb_chunk2_avx512;

/* The dispatcher's switch from three-pass to two-pass on AVX-512 (registry.c
 * gives the measurements), which the split follows. */
#define SB_TWOPASS_FROM ((size_t)2 << 20)
/* The length from which the split takes the two-pass form on AVX-512:
 * SB_TWOPASS_FROM unless a test lowers it (a test hook, not API). */
extern size_t sb_split_twopass_from;

/* 2^(j/16), j = 0..15, correctly rounded, 64-byte aligned (exp2tab.c). */
extern const double sb_exp2_16[16];

/* What the vector accurate kernels share (avx2/accurate.c, avx512/accurate.c;
 * the derivations are there): the argument (x - m) * t in double, clamped
 * at -120, where exp is 7.7e-53 and rounds to +0 in any output; a pairwise
 * cascade of double partial sums; and the scalar tail past the last full
 * vector, in double with libm's exp. */
static inline double sb_accurate_arg(float x, double m, double t)
{
    double d = ((double)x - m) * t;
    return d > -120.0 ? d : -120.0;
}

struct sb_dcascade {
    double slot[64];
    uint64_t count;
};

static inline void sb_dcascade_push(struct sb_dcascade *c, double v)
{
    unsigned l = 0;
    for (; (c->count >> l) & 1u; l++)
        v = c->slot[l] + v;
    c->slot[l] = v;
    c->count++;
}

/* The occupied slots, smallest first. */
static inline double sb_dcascade_total(const struct sb_dcascade *c)
{
    double s = 0.0;
    for (unsigned l = 0; l < 64 && (c->count >> l) != 0; l++)
        if ((c->count >> l) & 1u)
            s = c->slot[l] + s;
    return s;
}

static inline double sb_accurate_tail_sum(const float *x, size_t from, size_t n, double m, double t)
{
    double s = 0.0;
    for (size_t i = from; i < n; i++)
        s += exp(sb_accurate_arg(x[i], m, t));
    return s;
}

/* The accurate log kernels' pieces: terms other than the max's (each
 * exactly 1, counted in *k), exp in double, those below -200 dropped: at
 * most n e^-200 = n 2^-288.5 absolute in R, far below half the smallest
 * subnormal where it could show (the output -log1p(R) ~ -R). */
#define SB_ACCURATE_LOG_LO -200.0

static inline double sb_accurate_log_tail_sum(const float *x, size_t from, size_t n, float m,
                                              double t, size_t *k)
{
    double s = 0.0;
    for (size_t i = from; i < n; i++) {
        double d = ((double)x[i] - (double)m) * t;
        if (x[i] == m)
            ++*k;
        else if (d > SB_ACCURATE_LOG_LO)
            s += exp(d);
    }
    return s;
}

/* log S = log k + log1p(R/k): R's relative accuracy kept when R is tiny. */
static inline double sb_accurate_log_sum(size_t k, double R)
{
    return log((double)k) + log1p(R / (double)k);
}

/* Whether the true log S is > 0: more than one entry at the max, or any
 * other finite entry, though its term underflowed or was dropped (a second
 * look at x, only when R came out 0 with k = 1). */
static inline int sb_accurate_log_positive(const float *x, size_t n, float m, size_t k, double R)
{
    if (k >= 2 || R > 0.0)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (x[i] != m && x[i] != -INFINITY)
            return 1;
    return 0;
}

/* d - L rounded to float, for d <= 0 and L >= 0, pos: the true log S > 0.
 * Where log S is lost in the double subtraction (|x_i - max| far larger, or
 * L itself 0 from underflowed terms), the true value lies below d: the
 * double just below it rounds to float as the true value does when d is a
 * float midpoint (x_i - max needs 25 bits), which rounding d itself (ties
 * to even) would get wrong half the time. */
static inline float sb_accurate_log_round(double d, double L, int pos)
{
    double y = d - L;
    if (y == d && pos)
        y = nextafter(y, -INFINITY);
    return (float)y;
}

static inline void sb_accurate_log_tail_out(const float *x, float *y, size_t from, size_t n,
                                            double m, double t, double L, int pos)
{
    for (size_t i = from; i < n; i++)
        y[i] = sb_accurate_log_round(((double)x[i] - m) * t, L, pos);
}

static inline void sb_accurate_tail_out(const float *x, float *y, size_t from, size_t n, double m,
                                        double t, double inv)
{
    for (size_t i = from; i < n; i++)
        y[i] = (float)(exp(sb_accurate_arg(x[i], m, t)) * inv);
}

#endif
