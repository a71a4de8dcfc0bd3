/* batch.c - the batched entry point (rows x cols with strides, any kernel,
 * rows spread over a pool) and the split of one long row into chunks merged
 * as the online algorithm merges partial (max, sum) pairs. */
#include <float.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

/* Below this many elements a batch runs in the calling thread: waking the
 * pool's workers costs more than they would save. */
#define BATCH_PARALLEL_MIN 65536

/* Rows per task: one task in the calling thread alone; else about 8 tasks
 * per thread, so a slow row evens out, and at least 1. */
static size_t rows_per_task(size_t rows, unsigned threads)
{
    if (threads == 1)
        return rows;
    size_t per = rows / (8 * (size_t)threads);
    return per > 0 ? per : 1;
}

struct batch_job {
    const struct softmax_kernel *k;
    const float *x;
    float *y;
    size_t ldx, ldy, rows, cols, per;
    float T;
};

/* rows x cols through k: its native batched entry where it has one. */
static void run_rows(const struct softmax_kernel *k, const float *x, size_t ldx, float *y,
                     size_t ldy, size_t rows, size_t cols, float T)
{
    if (k->rows != NULL) {
        k->rows(x, ldx, y, ldy, rows, cols, T);
        return;
    }
    for (size_t r = 0; r < rows; r++)
        k->fn(x + r * ldx, y + r * ldy, cols, T);
}

static void batch_task(void *arg, size_t t)
{
    const struct batch_job *j = arg;
    size_t begin = t * j->per, end = (t + 1) * j->per < j->rows ? (t + 1) * j->per : j->rows;
    run_rows(j->k, j->x + begin * j->ldx, j->ldx, j->y + begin * j->ldy, j->ldy, end - begin,
             j->cols, j->T);
}

/* The batched entries' checks, all before any row is written: the kernel
 * (*k NULL: the dispatcher's), its CPU, T, the pointers, the strides (in
 * place: one stride, and one type: same_type). 1 when there is nothing to
 * do, else a status. */
static int batch_check(const struct softmax_kernel **k, const void *x, size_t ldx, const void *y,
                       size_t ldy, size_t rows, size_t cols, float T, int same_type)
{
    if (*k == NULL)
        *k = softmax_choose(cols);
    if (*k == NULL || (*k)->fn == NULL)
        return SOFTMAX_ENOKERNEL;
    if (!softmax_kernel_supported(*k))
        return SOFTMAX_ENOTSUP;
    int st = sb_check_rows(x, ldx, y, ldy, rows, cols, T, same_type);
    if (st != SOFTMAX_OK)
        return st;
    return rows == 0 || cols == 0;
}

int softmax_batch(const struct softmax_kernel *k, const float *x, size_t ldx, float *y, size_t ldy,
                  size_t rows, size_t cols, float T, struct softmax_pool *pool)
{
    int st = batch_check(&k, x, ldx, y, ldy, rows, cols, T, 1);
    if (st != 0)
        return st > 0 ? SOFTMAX_OK : st;
    if (rows * cols < BATCH_PARALLEL_MIN)
        pool = NULL;
    struct batch_job j = {k,   x,    y,    ldx,
                          ldy, rows, cols, rows_per_task(rows, softmax_pool_threads(pool)),
                          T};
    sb_pool_run(pool, (rows + j.per - 1) / j.per, batch_task, &j);
    return SOFTMAX_OK;
}

/* Typed rows: each task takes a scratch slot (at most one task per thread
 * runs at a time, so a free slot is always there), widens a group of rows
 * into it, runs them through the kernel (natively batched where it can),
 * and narrows the results where y is 16-bit. Groups of short rows keep the
 * per-call work per group, not per row. */
struct typed_job {
    const struct softmax_kernel *k;
    enum softmax_dtype xt, yt;
    const char *x;
    char *y;
    size_t ldx, ldy, rows, cols, per, esx, esy;
    float T;
    float *scratch; /* slots x width x group x cols floats */
    atomic_int *used;
    unsigned slots;
    size_t width, group;
};

/* Rows per group: about 8192 elements (the float copies stay in L2), at
 * least 1. */
#define TYPED_GROUP_ELEMS 8192

static void typed_task(void *arg, size_t t)
{
    struct typed_job *j = arg;
    unsigned s = 0;
    while (atomic_exchange(&j->used[s], 1))
        s = (s + 1) % j->slots;
    const size_t cols = j->cols;
    float *xf = j->scratch + (size_t)s * j->width * j->group * cols, *yf = xf + j->group * cols;
    size_t end = (t + 1) * j->per < j->rows ? (t + 1) * j->per : j->rows;
    for (size_t r = t * j->per; r < end; r += j->group) {
        size_t g = end - r < j->group ? end - r : j->group;
        for (size_t q = 0; q < g; q++)
            softmax_to_f32(j->xt, j->x + (r + q) * j->ldx * j->esx, xf + q * cols, cols);
        if (j->yt == SOFTMAX_F32) {
            run_rows(j->k, xf, cols, (float *)(void *)(j->y + r * j->ldy * j->esy), j->ldy, g, cols,
                     j->T);
            continue;
        }
        run_rows(j->k, xf, cols, yf, cols, g, cols, j->T);
        for (size_t q = 0; q < g; q++)
            softmax_from_f32(j->yt, yf + q * cols, j->y + (r + q) * j->ldy * j->esy, cols);
    }
    atomic_store(&j->used[s], 0);
}

static size_t dtype_size(enum softmax_dtype t) { return t == SOFTMAX_F32 ? 4 : 2; }

int softmax_batch_t(const struct softmax_kernel *k, enum softmax_dtype xt, const void *x,
                    size_t ldx, enum softmax_dtype yt, void *y, size_t ldy, size_t rows,
                    size_t cols, float T, struct softmax_pool *pool)
{
    if ((unsigned)xt > SOFTMAX_F16 || (unsigned)yt > SOFTMAX_F16 || (yt != SOFTMAX_F32 && yt != xt))
        return SOFTMAX_EDTYPE;
    if (xt == SOFTMAX_F32)
        return softmax_batch(k, x, ldx, y, ldy, rows, cols, T, pool);
    int st = batch_check(&k, x, ldx, y, ldy, rows, cols, T, xt == yt);
    if (st != 0)
        return st > 0 ? SOFTMAX_OK : st;
    if (rows * cols < BATCH_PARALLEL_MIN)
        pool = NULL;
    /* a slot per task that can run at once: a group of float rows, two
     * for a 16-bit output */
    unsigned threads = softmax_pool_threads(pool);
    size_t per = rows_per_task(rows, threads), tasks = (rows + per - 1) / per;
    unsigned slots = tasks < threads ? (unsigned)tasks : threads;
    size_t width = yt == SOFTMAX_F32 ? 1 : 2;
    size_t group = cols < TYPED_GROUP_ELEMS ? TYPED_GROUP_ELEMS / cols : 1;
    group = group < per ? group : per;
    if (cols > SIZE_MAX / sizeof(float) / width / group / slots)
        return SOFTMAX_ENOMEM;
    struct typed_job j = {k,
                          xt,
                          yt,
                          x,
                          y,
                          ldx,
                          ldy,
                          rows,
                          cols,
                          per,
                          dtype_size(xt),
                          dtype_size(yt),
                          T,
                          sb_malloc(slots * width * group * cols * sizeof(float)),
                          sb_calloc(slots, sizeof(atomic_int)),
                          slots,
                          width,
                          group};
    if (j.scratch == NULL || j.used == NULL) {
        free(j.scratch);
        free(j.used);
        return SOFTMAX_ENOMEM;
    }
    sb_pool_run(pool, tasks, typed_task, &j);
    free(j.scratch);
    free((void *)j.used);
    return SOFTMAX_OK;
}

/* The scalar chunk stages: max, expf of the shifted argument (into y unless
 * NULL) summed in double. */
static int scalar_terms(const float *x, float *y, size_t n, float T, float *m_out, double *s_out)
{
    float m = -INFINITY;
    *m_out = m;
    *s_out = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != x[i] || x[i] == INFINITY)
            return 1;
        m = x[i] > m ? x[i] : m;
    }
    *m_out = m;
    if (m == -INFINITY)
        return 0;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (isinf(x[i] - m) && x[i] != -INFINITY)
            return 1; /* the span overflows float */
        float e = expf((x[i] - m) / T);
        if (y != NULL)
            y[i] = e;
        s += e;
    }
    *s_out = s;
    return 0;
}

static void scalar_scale(float *y, size_t n, float f)
{
    for (size_t i = 0; i < n; i++)
        y[i] *= f;
}

static const struct sb_chunk_ops scalar_chunk = {scalar_terms, scalar_scale};

static const struct sb_chunk_ops *chunk_ops(void)
{
    switch (softmax_isa_available()) {
#if SB_X86
    case SOFTMAX_ISA_AVX512: return &sb_chunk_avx512;
    case SOFTMAX_ISA_AVX2: return &sb_chunk_avx2;
#endif
#if SB_ARM
    case SOFTMAX_ISA_SVE: return &sb_chunk_sve;
    case SOFTMAX_ISA_NEON: return &sb_chunk_neon;
#endif
    default: return &scalar_chunk;
    }
}

size_t sb_split_twopass_from = SB_TWOPASS_FROM;

/* The two-pass form where softmax() would take avx512.twopass (it moves 16
 * bytes per element against the three-pass form's 20, which is what counts
 * once the row is out of cache and the threads share the memory), else the
 * three-pass form of the best ISA. */
static int split_twopass(size_t n)
{
#if SB_X86
    return softmax_isa_available() == SOFTMAX_ISA_AVX512 && n >= sb_split_twopass_from;
#else
    (void)n;
    return 0;
#endif
}

const struct softmax_kernel *softmax_split_kernel(size_t n)
{
    return split_twopass(n) ? softmax_kernel_find("avx512.twopass") : softmax_choose(1);
}

#define SPLIT_MAX_CHUNKS 512 /* the per-chunk values live on the stack: 12 KB */

struct split_job {
    const struct sb_chunk_ops *ops;
    const struct sb_chunk2_ops *ops2; /* the two-pass form: these instead */
    const float *x;
    float *y;
    size_t n, len, chunks;
    float T;
    int store;                 /* stage 1 keeps the terms in y (not in place) */
    float m[SPLIT_MAX_CHUNKS]; /* the chunk's max, or (two-pass) its exponent */
    double s[SPLIT_MAX_CHUNKS], f[SPLIT_MAX_CHUNKS];
    int fallback[SPLIT_MAX_CHUNKS];
    float inv, E; /* two-pass: the row's sum is 1/inv 2^E */
};

static size_t chunk_len(const struct split_job *j, size_t c)
{
    size_t b = c * j->len;
    return j->n - b < j->len ? j->n - b : j->len;
}

static void split_terms(void *arg, size_t c)
{
    struct split_job *j = arg;
    size_t b = c * j->len;
    if (j->ops2 != NULL)
        j->fallback[c] = j->ops2->sum(j->x + b, chunk_len(j, c), j->T, &j->s[c], &j->m[c]);
    else
        j->fallback[c] = j->ops->terms(j->x + b, j->store ? j->y + b : NULL, chunk_len(j, c), j->T,
                                       &j->m[c], &j->s[c]);
}

/* Two-pass: every chunk written with the row's sum. */
static void split_write(void *arg, size_t c)
{
    struct split_job *j = arg;
    size_t b = c * j->len;
    j->ops2->write(j->x + b, j->y + b, chunk_len(j, c), j->T, j->inv, j->E);
}

/* y *= f, f = exp((m_c - M)/T)/S, the terms first written again when stage
 * 1 did not keep them (in place: x could not be overwritten before every
 * chunk had been seen, since one NaN sends the whole row elsewhere). Rounded
 * to float f would lose bits once it is subnormal (a chunk 87 T below the
 * max, its outputs all near or below 2^-126): there each product is taken
 * in double, rounded once. A chunk of -inf only is all 0. */
static void split_scale(void *arg, size_t c)
{
    struct split_job *j = arg;
    size_t b = c * j->len, len = chunk_len(j, c);
    float *y = j->y + b;
    if (j->m[c] == -INFINITY) {
        for (size_t i = 0; i < len; i++)
            y[i] = 0.0f;
        return;
    }
    if (!j->store) {
        float m;
        double s;
        j->ops->terms(j->x + b, y, len, j->T, &m, &s);
    }
    if (j->f[c] >= FLT_MIN) {
        j->ops->scale(y, len, (float)j->f[c]);
    } else {
        for (size_t i = 0; i < len; i++)
            y[i] = (float)((double)y[i] * j->f[c]);
    }
}

/* Two-pass: the chunks' s_c 2^e_c summed in double, in chunk order, against
 * the largest e_c, E (exact powers of two), then every chunk written. */
static void split_twopass_write(struct split_job *j, float E, struct softmax_pool *pool)
{
    double S = 0.0;
    for (size_t c = 0; c < j->chunks; c++)
        if ((double)j->m[c] - E > -1100.0) /* else under 2^-1000 of the sum */
            S += ldexp(j->s[c], (int)((double)j->m[c] - E));
    j->inv = (float)(1.0 / S);
    j->E = E;
    sb_pool_run(pool, j->chunks, split_write, j);
}

int softmax_split(const float *x, float *y, size_t n, float T, struct softmax_pool *pool)
{
    int st = sb_check_args(x, y, n, T);
    if (st != SOFTMAX_OK || n == 0)
        return st;
    if (n <= SOFTMAX_SPLIT_CHUNK || isinf(T))
        return softmax(x, y, n, T);
    struct split_job j;
    j.ops = chunk_ops();
#if SB_X86
    j.ops2 = split_twopass(n) ? &sb_chunk2_avx512 : NULL;
#else
    j.ops2 = NULL;
#endif
    j.x = x;
    j.y = y;
    j.n = n;
    j.T = T;
    j.store = x != y;
    /* chunks of 65536, longer past 512 of them: a function of n alone */
    j.len = SOFTMAX_SPLIT_CHUNK;
    if (n > (size_t)SPLIT_MAX_CHUNKS * j.len)
        j.len = ((n + SPLIT_MAX_CHUNKS - 1) / SPLIT_MAX_CHUNKS + 63) / 64 * 64;
    j.chunks = (n + j.len - 1) / j.len;
    sb_pool_run(pool, j.chunks, split_terms, &j);
    /* the largest chunk max (two-pass: exponent), and whether a chunk sends
     * the row elsewhere */
    int fallback = 0;
    float M = -INFINITY;
    for (size_t c = 0; c < j.chunks; c++) {
        fallback |= j.fallback[c];
        M = j.m[c] > M ? j.m[c] : M;
    }
    /* NaN, +inf, all -inf, an extreme span, or (two-pass) a logit beyond the
     * exponential's range or every one far below it: the kernel, in this
     * thread */
    if (fallback || M == -INFINITY || (j.ops2 != NULL && !(M >= j.ops2->k_lo)))
        return softmax(x, y, n, T);
    if (j.ops2 != NULL) {
        split_twopass_write(&j, M, pool);
        return SOFTMAX_OK;
    }
    /* f_c = exp((m_c - M)/T), then divided by S = sum s_c f_c */
    const double dM = M, dT = T;
    double S = 0.0;
    for (size_t c = 0; c < j.chunks; c++) {
        j.f[c] = j.m[c] == -INFINITY ? 0.0 : exp(((double)j.m[c] - dM) / dT);
        if (j.m[c] != -INFINITY)
            S += j.s[c] * j.f[c];
    }
    for (size_t c = 0; c < j.chunks; c++)
        j.f[c] /= S;
    sb_pool_run(pool, j.chunks, split_scale, &j);
    return SOFTMAX_OK;
}
