/* softmax.h - the softbench kernel library: the one public header.
 *
 * Every kernel computes y = softmax(x / T) over n float32 values:
 *   y_i = exp(x_i / T) / sum_j exp(x_j / T)
 * or, for the log-softmax kernels (output SOFTMAX_OUT_LOG, a table of their
 * own), y_i = x_i / T - log sum_j exp(x_j / T),
 * with x and y of any alignment, x == y allowed (in place), n == 0 allowed.
 * T must be > 0 and not NaN; T = +inf gives the uniform distribution over the
 * finite entries. Anything else is refused with SOFTMAX_EINVAL_T and y is not
 * touched. Kernels never print or abort. The one that allocates is the
 * accurate family's vector kernels, above 2048 elements (a buffer of the
 * terms, kept up to 2^20); where malloc fails they take two passes instead,
 * with the same guarantees. softmax_batch_t allocates its rows' float copies
 * and returns SOFTMAX_ENOMEM without them; softmax_pool_create, its pool.
 *
 * A kernel is a record (struct softmax_kernel): a stable name "isa.algorithm",
 * its function, whether it is safe (meets the edge-case contract of
 * docs/contract.md) and its declared accuracy bound, which softbench verify holds every
 * output element to. Use softmax() for the dispatcher's choice, or look a
 * kernel up by name and call softmax_run() (or its fn directly).
 *
 * Rounding modes: the bounds are derived for round-to-nearest, the default
 * floating-point environment, and the kernels are meant to run in it; they
 * do not change the mode themselves. Measured in the other three
 * (softbench verify --round, in make test; docs/accuracy.md, "Rounding
 * modes"), on x86-64: downward and toward zero every safe kernel keeps its
 * bound; upward, scalar.threepass, scalar.twopass, scalar.online and every
 * log kernel but the naive one keep it, while the vector softmax kernels
 * and scalar.accurate give 2^-149 instead of 0 for a -inf entry, and
 * avx2.accurate exceeds its bound (3 ULP against 1): those REQUIRE
 * round-to-nearest wherever an input can hold -inf or the bound matters.
 */
#ifndef SOFTMAX_H
#define SOFTMAX_H

#include <stddef.h>

/* The library's version: the one place it is written (the Makefile reads
 * these lines for the shared library's name and softmax.pc). MAJOR changes
 * when the ABI breaks, and is the soname's number. */
#define SOFTMAX_VERSION_MAJOR 1
#define SOFTMAX_VERSION_MINOR 0
#define SOFTMAX_VERSION_PATCH 0
#define SOFTMAX_VERSION_NUMBER                                                                     \
    (SOFTMAX_VERSION_MAJOR * 10000 + SOFTMAX_VERSION_MINOR * 100 + SOFTMAX_VERSION_PATCH)

/* What the shared library exports: it is built with -fvisibility=hidden, so
 * only declarations marked SOFTMAX_API are visible (tests/install.sh holds
 * the exported set to this header's). */
#if defined(__GNUC__)
#define SOFTMAX_API __attribute__((visibility("default")))
#else
#define SOFTMAX_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

enum softmax_status {
    SOFTMAX_OK = 0,
    SOFTMAX_EINVAL_T = -1,  /* temperature <= 0 or NaN */
    SOFTMAX_ENULL = -2,     /* x or y is NULL while n > 0 */
    SOFTMAX_ENOTSUP = -3,   /* the CPU (or SOFTMAX_ISA) cannot run the kernel */
    SOFTMAX_ENOKERNEL = -4, /* no kernel record (NULL or unknown name) */
    SOFTMAX_ELD = -5,       /* a row stride below cols, or in place with two strides */
    SOFTMAX_EDTYPE = -6,    /* an unknown element type, or a pair softmax_batch_t refuses */
    SOFTMAX_ENOMEM = -7     /* a row's float copy could not be had */
};

/* Element types: float32, bfloat16 and IEEE binary16, the 16-bit ones
 * stored as their bits (uint16_t). */
enum softmax_dtype { SOFTMAX_F32 = 0, SOFTMAX_BF16 = 1, SOFTMAX_F16 = 2 };

/* Levels within an architecture: x86-64 scalar < avx2 < avx512, aarch64
 * scalar < neon < sve. Values are stable; they do not order ISAs of two
 * architectures (softmax_isa_within does). */
enum softmax_isa {
    SOFTMAX_ISA_SCALAR = 0,
    SOFTMAX_ISA_AVX2 = 1,
    SOFTMAX_ISA_AVX512 = 2,
    SOFTMAX_ISA_NEON = 3,
    SOFTMAX_ISA_SVE = 4,
};

/* Which rounded quantity feeds the exponential, and so drives the error:
 * SHIFTED kernels round x_i - max (and divide by T), RAW kernels round x_i / T. */
enum softmax_arg { SOFTMAX_ARG_SHIFTED = 0, SOFTMAX_ARG_RAW = 1 };

/* How the summation error grows with n: g(n) = ceil(log2 n) for blocked
 * pairwise schemes, g(n) = n for one sequential accumulator. */
enum softmax_sum { SOFTMAX_SUM_PAIRWISE = 0, SOFTMAX_SUM_SEQUENTIAL = 1 };

/* What a kernel writes: probabilities, or their natural logarithms. */
enum softmax_output { SOFTMAX_OUT_PROB = 0, SOFTMAX_OUT_LOG = 1 };

/* Declared bound, in ULP of the correctly rounded result (docs/accuracy.md), for
 * element i:
 *   c0 + c_arg * r * (a_i + abar) + c_mag * a_i + c_sum * g(n)
 * where a_i = |x_i - max| / T (SHIFTED) or |x_i| / T (RAW), abar is the mean
 * of a_j weighted by the exact softmax (how argument errors reach the sum),
 * and r is the number of roundings the argument suffers: 1 for x_i - max,
 * plus 1 for the division when T != 1. Each kernel derives its constants in
 * its header comment. For log-softmax kernels the unit is the ULP of
 * max(|result|, 0.5): outputs near 0 are held to an absolute error in units
 * of 2^-24 (docs/log-softmax.md); c_mag covers a RAW log kernel's log S,
 * as large as the logits, rounded even at T = 1. */
struct softmax_bound {
    double c0;
    double c_arg;
    enum softmax_arg arg;
    double c_sum;
    enum softmax_sum sum;
    double c_mag;
};

typedef int (*softmax_fn)(const float *x, float *y, size_t n, float T);
typedef int (*softmax_rows_fn)(const float *x, size_t ldx, float *y, size_t ldy, size_t rows,
                               size_t cols, float T);

struct softmax_kernel {
    const char *name;      /* "scalar.threepass": isa.algorithm, stable */
    const char *algorithm; /* "threepass", "twopass", "online", "naive" */
    enum softmax_isa isa;
    softmax_fn fn; /* validates its arguments like softmax_run */
    int safe;      /* 1: meets the edge-case contract on every input */
    struct softmax_bound bound;
    /* For an unsafe kernel, the inputs its bound is claimed on (returns 1);
     * NULL means every input. */
    int (*in_domain)(const float *x, size_t n, float T);
    const char *summary; /* one line for listings */
    enum softmax_output output;
    /* A native batched entry (NULL: none), which softmax_batch calls for a
     * task's rows: rows x cols with strides as softmax_batch takes them,
     * each row the same bits as fn would give it, so that only the time
     * differs. It validates its arguments as softmax_batch does. A copy of
     * a record given another fn must set rows to NULL, or batches would
     * still run the original. */
    softmax_rows_fn rows;
};

/* Enumeration and lookup of every compiled-in kernel. */
SOFTMAX_API size_t softmax_kernel_count(void);
SOFTMAX_API const struct softmax_kernel *softmax_kernel_at(size_t i);
/* Lookup by name searches the log-softmax table too. */
SOFTMAX_API const struct softmax_kernel *softmax_kernel_find(const char *name);
SOFTMAX_API size_t softmax_log_kernel_count(void);
SOFTMAX_API const struct softmax_kernel *softmax_log_kernel_at(size_t i);

/* 1 when the running CPU, capped by the environment variable
 * SOFTMAX_ISA=scalar|avx2|avx512|neon|sve, can execute the kernel. */
SOFTMAX_API int softmax_kernel_supported(const struct softmax_kernel *k);
/* 1 when code for isa runs where have is usable: scalar anywhere, else the
 * same architecture at the same or a lower level. */
SOFTMAX_API int softmax_isa_within(enum softmax_isa isa, enum softmax_isa have);

/* The best ISA usable now (CPUID and XGETBV, read once, then the cap). */
SOFTMAX_API enum softmax_isa softmax_isa_available(void);
/* 0 when SOFTMAX_ISA is unset or valid; -1 when it holds an unknown value
 * (the library then caps at scalar, the safe reading of a typo). */
SOFTMAX_API int softmax_isa_env_status(void);
SOFTMAX_API const char *softmax_isa_name(enum softmax_isa isa);
/* Lowers the usable ISA for the rest of the process (never raises it), as
 * SOFTMAX_ISA does; returns the ISA now usable. */
SOFTMAX_API enum softmax_isa softmax_isa_cap(enum softmax_isa cap);

/* Runs a kernel after checking its record, arguments and CPU support. */
SOFTMAX_API int softmax_run(const struct softmax_kernel *k, const float *x, float *y, size_t n,
                            float T);

/* The default entry point: the dispatcher's kernel for this CPU and n. */
SOFTMAX_API int softmax(const float *x, float *y, size_t n, float T);
/* The kernel softmax() would use for length n. */
SOFTMAX_API const struct softmax_kernel *softmax_choose(size_t n);

/* log-softmax: y_i = x_i/T - log sum_j exp(x_j/T), through the dispatcher's
 * log kernel for this CPU, n and T. Edges: -inf entries give -inf; k entries
 * +inf give -log k there and -inf elsewhere (the limit); T = +inf gives
 * -log k on the k finite entries; a NaN or every entry -inf gives NaN. */
SOFTMAX_API int log_softmax(const float *x, float *y, size_t n, float T);
SOFTMAX_API const struct softmax_kernel *log_softmax_choose(size_t n, float T);

/* Threads: a pool created once and reused by the batched and split calls
 * (threads counts the caller: 1 runs everything in the calling thread).
 * Results never depend on the thread count: each row, or each chunk of a
 * split row, is computed the same way whichever thread takes it. Calls on
 * one pool from several threads take turns. Its workers do not survive
 * fork: in a child, a pool made before the fork runs each call in the calling
 * thread (the same bits), and destroying it there frees it; a child that
 * wants threads makes its own pool. (The child is told by pthread_atfork, so
 * fork() only: not vfork, _Fork or a raw clone.) */
#define SOFTMAX_POOL_MAX 256
struct softmax_pool;
/* NULL when threads is 0 or above SOFTMAX_POOL_MAX, or a thread cannot start. */
SOFTMAX_API struct softmax_pool *softmax_pool_create(unsigned threads);
SOFTMAX_API void softmax_pool_destroy(struct softmax_pool *pool);
SOFTMAX_API unsigned softmax_pool_threads(const struct softmax_pool *pool);

/* rows x cols: row r of y (at y + r * ldy) = softmax of row r of x (at
 * x + r * ldx) / T, by kernel k (NULL: softmax_choose(cols)), rows spread over
 * the pool's threads (pool NULL: the calling thread). Strides are in
 * elements, at least cols, so a view into a larger tensor works; x == y (in
 * place) needs ldx == ldy, and other overlaps are undefined. Masked entries
 * are -inf (an all-masked row gives NaN, the contract's undefined). The
 * status is checked once, before any row is written. */
SOFTMAX_API int softmax_batch(const struct softmax_kernel *k, const float *x, size_t ldx, float *y,
                              size_t ldy, size_t rows, size_t cols, float T,
                              struct softmax_pool *pool);

/* One long row split into chunks of SOFTMAX_SPLIT_CHUNK elements spread over
 * the pool's threads, in one of two forms, the one of the kernel softmax()
 * would take for n (softmax_split_kernel says which):
 *  - three-pass (the best ISA's body): each chunk's max m_c and sum s_c of
 *    exp((x - m_c)/T) (the terms kept in y), merged as the online algorithm
 *    merges them (M = max m_c, S = sum s_c exp((m_c - M)/T), in double,
 *    chunk order fixed), then each chunk scaled by exp((m_c - M)/T)/S;
 *  - two-pass (AVX-512, from 2M elements): each chunk's sum of exp(x/T) as
 *    s_c 2^e_c, summed in double in chunk order, then every chunk written
 *    as exp(x/T)/S, reading x again: 12 bytes of memory traffic per element
 *    (16 with y's write-allocate read) against three-pass's 20 (24).
 * The same bits for any thread count; each element within that kernel's
 * bound plus SOFTMAX_SPLIT_EXTRA_ULP (the merged factor's rounding). Inputs
 * with NaN or +inf, or beyond the form's range, go to softmax() in the
 * calling thread. */
#define SOFTMAX_SPLIT_CHUNK 65536
#define SOFTMAX_SPLIT_EXTRA_ULP 1.5
SOFTMAX_API const struct softmax_kernel *softmax_split_kernel(size_t n);
SOFTMAX_API int softmax_split(const float *x, float *y, size_t n, float T,
                              struct softmax_pool *pool);

/* Conversions: widening to float32 is exact; narrowing rounds to nearest,
 * ties to even (NaN stays NaN, overflow gives inf), with the CPU's
 * instructions where present (F16C, AVX-512F, AVX512_BF16). src and dst may
 * be the same buffer only for SOFTMAX_F32. */
SOFTMAX_API int softmax_to_f32(enum softmax_dtype t, const void *src, float *dst, size_t n);
SOFTMAX_API int softmax_from_f32(enum softmax_dtype t, const float *src, void *dst, size_t n);
SOFTMAX_API const char *softmax_dtype_name(enum softmax_dtype t);

/* softmax_batch over typed rows: x of type xt, y of type yt (float32, or the
 * 16-bit type of x), strides in elements. Each row is widened into a float
 * copy, run through k in float32, and, for a 16-bit yt, rounded once to it
 * at the end. In place (x == y) needs xt == yt and ldx == ldy. */
SOFTMAX_API int softmax_batch_t(const struct softmax_kernel *k, enum softmax_dtype xt,
                                const void *x, size_t ldx, enum softmax_dtype yt, void *y,
                                size_t ldy, size_t rows, size_t cols, float T,
                                struct softmax_pool *pool);

/* float64: the scalar algorithms on doubles in and out, and an accurate one
 * (kernels/scalar/float64.c), for double-precision users; the bound is in
 * ULP of double, with the same model (r counts T != 1 as for float). */
typedef int (*softmax64_fn)(const double *x, double *y, size_t n, double T);

struct softmax64_kernel {
    const char *name; /* "scalar64.threepass" */
    const char *algorithm;
    softmax64_fn fn; /* validates its arguments: SOFTMAX_EINVAL_T, SOFTMAX_ENULL */
    int safe;
    struct softmax_bound bound;
    int (*in_domain)(const double *x, size_t n, double T);
    const char *summary;
};

SOFTMAX_API size_t softmax64_kernel_count(void);
SOFTMAX_API const struct softmax64_kernel *softmax64_kernel_at(size_t i);
SOFTMAX_API const struct softmax64_kernel *softmax64_kernel_find(const char *name);
/* softmax on doubles: scalar64.threepass. */
SOFTMAX_API int softmax64(const double *x, double *y, size_t n, double T);

/* Evaluates a declared bound for one element (see struct softmax_bound). */
SOFTMAX_API double softmax_bound_ulp(const struct softmax_bound *b, double a_i, double abar,
                                     size_t n, float T);

SOFTMAX_API const char *softmax_strerror(int status);

#ifdef __cplusplus
}
#endif

#endif
