/* peers.c - see peers.h. */
#include "peers.h"
#include "plugin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SB_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
void omp_set_num_threads(int n); /* libgomp, which Debian's oneDNN runs on */
#endif
#ifdef SB_HAVE_XNNPACK
#include <xnnpack.h>
#endif

/* Peers take x/T: scaled into this buffer when T != 1. */
static float *scaled;
static size_t scaled_cap;

#if defined(SB_HAVE_DNNL) || defined(SB_HAVE_XNNPACK)
static const float *with_temperature(const float *x, size_t n, float T)
{
    if (T == 1.0f)
        return x;
    if (n > scaled_cap) {
        float *b = realloc(scaled, n * sizeof *b);
        if (b == NULL)
            return NULL;
        scaled = b;
        scaled_cap = n;
    }
    for (size_t i = 0; i < n; i++)
        scaled[i] = x[i] / T;
    return scaled;
}
#endif

static int check(const float *x, const float *y, size_t n, float T)
{
    if (!(T > 0.0f))
        return SOFTMAX_EINVAL_T;
    if (n > 0 && (x == NULL || y == NULL))
        return SOFTMAX_ENULL;
    return SOFTMAX_OK;
}

/* The three-pass loop a newcomer writes: max, exp and sum, divide. */
static int libm_softmax(const float *x, float *y, size_t n, float T)
{
    int st = check(x, y, n, T);
    if (st != SOFTMAX_OK || n == 0)
        return st;
    float m = x[0];
    for (size_t i = 1; i < n; i++)
        m = x[i] > m ? x[i] : m;
    float s = 0.0f;
    for (size_t i = 0; i < n; i++) {
        y[i] = expf((x[i] - m) / T);
        s += y[i];
    }
    for (size_t i = 0; i < n; i++)
        y[i] /= s;
    return SOFTMAX_OK;
}

static const struct softmax_kernel peer_libm = {
    .name = "peer.libm",
    .algorithm = "libm",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = libm_softmax,
    .safe = 0,
    .summary = "peer: the plain three-pass loop with glibc expf, one float sum"};

#ifdef SB_HAVE_DNNL
/* Primitives by shape and thread count: oneDNN fixes a primitive's thread
 * count when it creates it, so bench's side-by-side rows at 1 and 2 threads
 * each keep their own (a few slots, the oldest replaced). */
#define DN_SLOTS 4
struct dn_prim {
    dnnl_primitive_t prim;
    dnnl_memory_t src, dst;
    size_t rows, cols;
    unsigned threads;
};
static struct {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    struct dn_prim slot[DN_SLOTS];
    unsigned next, omp_threads; /* omp_threads: the count last set, 0 at first */
    int ready;
} dn;

static void dnnl_drop_one(struct dn_prim *d)
{
    if (d->prim)
        dnnl_primitive_destroy(d->prim);
    if (d->src)
        dnnl_memory_destroy(d->src);
    if (d->dst)
        dnnl_memory_destroy(d->dst);
    *d = (struct dn_prim){0};
}

static void dnnl_drop(void)
{
    for (int i = 0; i < DN_SLOTS; i++)
        dnnl_drop_one(&dn.slot[i]);
}

/* The primitive for rows x cols (softmax along each row) on threads
 * OpenMP threads, created once and kept. */
static struct dn_prim *dnnl_prepare(size_t rows, size_t cols, unsigned threads)
{
    if (threads != dn.omp_threads) { /* not in every timed call */
        omp_set_num_threads((int)threads);
        dn.omp_threads = threads;
    }
    if (!dn.ready) {
        if (dnnl_engine_create(&dn.engine, dnnl_cpu, 0) != dnnl_success ||
            dnnl_stream_create(&dn.stream, dn.engine, dnnl_stream_default_flags) != dnnl_success)
            return NULL;
        dn.ready = 1;
    }
    for (int i = 0; i < DN_SLOTS; i++)
        if (dn.slot[i].prim != NULL && dn.slot[i].rows == rows && dn.slot[i].cols == cols &&
            dn.slot[i].threads == threads)
            return &dn.slot[i];
    struct dn_prim *d = &dn.slot[dn.next++ % DN_SLOTS];
    dnnl_drop_one(d);
    dnnl_memory_desc_t md;
    dnnl_dims_t dims = {(dnnl_dim_t)rows, (dnnl_dim_t)cols};
    dnnl_softmax_v2_desc_t sd;
    dnnl_primitive_desc_t pd;
    if (dnnl_memory_desc_init_by_tag(&md, 2, dims, dnnl_f32, dnnl_ab) != dnnl_success ||
        dnnl_softmax_v2_forward_desc_init(&sd, dnnl_forward_inference, dnnl_softmax_accurate, &md,
                                          &md, 1) != dnnl_success ||
        dnnl_primitive_desc_create(&pd, &sd, NULL, dn.engine, NULL) != dnnl_success)
        return NULL;
    int ok = dnnl_primitive_create(&d->prim, pd) == dnnl_success &&
             dnnl_memory_create(&d->src, &md, dn.engine, DNNL_MEMORY_NONE) == dnnl_success &&
             dnnl_memory_create(&d->dst, &md, dn.engine, DNNL_MEMORY_NONE) == dnnl_success;
    dnnl_primitive_desc_destroy(pd);
    if (!ok) {
        dnnl_drop_one(d);
        return NULL;
    }
    d->rows = rows;
    d->cols = cols;
    d->threads = threads;
    return d;
}

static int onednn_run(const float *x, float *y, size_t rows, size_t cols, float T, unsigned threads)
{
    int st = check(x, y, rows * cols, T);
    if (st != SOFTMAX_OK || rows * cols == 0)
        return st;
    const float *in = with_temperature(x, rows * cols, T);
    struct dn_prim *d = in == NULL ? NULL : dnnl_prepare(rows, cols, threads);
    if (d == NULL)
        return SOFTMAX_ENOTSUP;
    dnnl_memory_set_data_handle(d->src, (void *)in);
    dnnl_memory_set_data_handle(d->dst, y);
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, d->src}, {DNNL_ARG_DST, d->dst}};
    if (dnnl_primitive_execute(d->prim, dn.stream, 2, args) != dnnl_success ||
        dnnl_stream_wait(dn.stream) != dnnl_success)
        return SOFTMAX_ENOTSUP;
    return SOFTMAX_OK;
}

static int onednn_softmax(const float *x, float *y, size_t n, float T)
{
    return onednn_run(x, y, 1, n, T, 1);
}

static const struct softmax_kernel peer_dnnl = {
    .name = "peer.onednn",
    .algorithm = "onednn",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = onednn_softmax,
    .safe = 0,
    .summary = "peer: oneDNN softmax v2 primitive, softmax_accurate, one thread"};
#endif

#ifdef SB_HAVE_XNNPACK
static struct {
    xnn_operator_t op;
    size_t n;
    int ready;
} xn;

static int xnn_softmax(const float *x, float *y, size_t n, float T)
{
    int st = check(x, y, n, T);
    if (st != SOFTMAX_OK || n == 0)
        return st;
    const float *in = with_temperature(x, n, T);
    if (in == NULL)
        return SOFTMAX_ENOTSUP;
    if (!xn.ready) {
        if (xnn_initialize(NULL) != xnn_status_success)
            return SOFTMAX_ENOTSUP;
        xn.ready = 1;
    }
    if (xn.op == NULL || xn.n != n) {
        if (xn.op != NULL)
            xnn_delete_operator(xn.op);
        xn.op = NULL;
        if (xnn_create_softmax_nc_f32(n, n, n, 0, &xn.op) != xnn_status_success)
            return SOFTMAX_ENOTSUP;
        xn.n = n;
    }
    if (xnn_setup_softmax_nc_f32(xn.op, 1, in, y, NULL) != xnn_status_success ||
        xnn_run_operator(xn.op, NULL) != xnn_status_success)
        return SOFTMAX_ENOTSUP;
    return SOFTMAX_OK;
}

static const struct softmax_kernel peer_xnn = {
    .name = "peer.xnnpack",
    .algorithm = "xnnpack",
    .isa = SOFTMAX_ISA_SCALAR,
    .fn = xnn_softmax,
    .safe = 0,
    .summary = "peer: XNNPACK softmax_nc_f32, batch 1, no thread pool"};
#endif

static const struct softmax_kernel *const peers[] = {
    &peer_libm,
#ifdef SB_HAVE_DNNL
    &peer_dnnl,
#endif
#ifdef SB_HAVE_XNNPACK
    &peer_xnn,
#endif
};
#define NPEERS (sizeof peers / sizeof peers[0])

static const struct {
    const char *name, *reason;
} missing[] = {
#ifdef SB_PEERS_SANITIZER
    /* their runtimes keep allocations that LeakSanitizer would report */
    {"peer.onednn", "not built: sanitizer builds leave the peers out"},
    {"peer.xnnpack", "not built: sanitizer builds leave the peers out"},
#else
#ifndef SB_HAVE_DNNL
    {"peer.onednn", "not built: oneDNN (Debian's libdnnl-dev) was absent at build time"},
#endif
#ifndef SB_HAVE_XNNPACK
    {"peer.xnnpack", "not built: XNNPACK (libxnnpack-dev, libpthreadpool-dev) was absent at "
                     "build time"},
#endif
#endif
    {NULL, NULL}};

size_t sb_peer_missing_count(void) { return sizeof missing / sizeof missing[0] - 1; }
const char *sb_peer_missing_name(size_t i) { return missing[i].name; }
const char *sb_peer_missing_reason(size_t i) { return missing[i].reason; }

size_t sb_kernel_total(void) { return softmax_kernel_count() + NPEERS + sb_plugin_count(); }

const struct softmax_kernel *sb_kernel_any(size_t i)
{
    size_t nl = softmax_kernel_count();
    return i < nl            ? softmax_kernel_at(i)
           : i < nl + NPEERS ? peers[i - nl]
                             : sb_plugin_at(i - nl - NPEERS);
}

/* logof.K: log applied to kernel K's softmax, elementwise (glibc logf),
 * the way a user without a log-softmax kernel gets log-probabilities: the
 * other side of docs/log-softmax.md, "Is log-softmax more stable for a loss?". One
 * function per library kernel, since a kernel record carries no state. */
#define NLOGOF 32 /* at least the registry's size: test_registry checks it */
static struct softmax_kernel logof[NLOGOF];
static char logof_name[NLOGOF][48];

static int logof_run(size_t i, const float *x, float *y, size_t n, float T)
{
    int st = softmax_kernel_at(i)->fn(x, y, n, T);
    for (size_t j = 0; st == SOFTMAX_OK && j < n; j++)
        y[j] = logf(y[j]);
    return st;
}

/* Laid out by hand: the macro's calls as a table. */
// clang-format off
#define LOGOF_FN(i)                                                          \
    static int logof_##i(const float *x, float *y, size_t n, float T)        \
    {                                                                        \
        return logof_run(i, x, y, n, T);                                     \
    }
LOGOF_FN(0) LOGOF_FN(1) LOGOF_FN(2) LOGOF_FN(3) LOGOF_FN(4) LOGOF_FN(5) LOGOF_FN(6) LOGOF_FN(7)
LOGOF_FN(8) LOGOF_FN(9) LOGOF_FN(10) LOGOF_FN(11) LOGOF_FN(12) LOGOF_FN(13) LOGOF_FN(14)
LOGOF_FN(15) LOGOF_FN(16) LOGOF_FN(17) LOGOF_FN(18) LOGOF_FN(19) LOGOF_FN(20) LOGOF_FN(21)
LOGOF_FN(22) LOGOF_FN(23) LOGOF_FN(24) LOGOF_FN(25) LOGOF_FN(26) LOGOF_FN(27) LOGOF_FN(28)
LOGOF_FN(29) LOGOF_FN(30) LOGOF_FN(31)
static const softmax_fn logof_fns[NLOGOF] = {
    logof_0,  logof_1,  logof_2,  logof_3,  logof_4,  logof_5,  logof_6,  logof_7,
    logof_8,  logof_9,  logof_10, logof_11, logof_12, logof_13, logof_14, logof_15,
    logof_16, logof_17, logof_18, logof_19, logof_20, logof_21, logof_22, logof_23,
    logof_24, logof_25, logof_26, logof_27, logof_28, logof_29, logof_30, logof_31};
// clang-format on

size_t sb_logof_count(void)
{
    size_t n = softmax_kernel_count();
    return n < NLOGOF ? n : NLOGOF;
}

const struct softmax_kernel *sb_logof_at(size_t i)
{
    if (i >= sb_logof_count())
        return NULL;
    if (logof[i].fn == NULL) { /* built on first use; the harness is single-threaded */
        const struct softmax_kernel *k = softmax_kernel_at(i);
        snprintf(logof_name[i], sizeof logof_name[i], "logof.%s", k->name);
        logof[i] = (struct softmax_kernel){.name = logof_name[i],
                                           .algorithm = k->algorithm,
                                           .isa = k->isa,
                                           .fn = logof_fns[i],
                                           .safe = 0,
                                           .summary = "log of the kernel's softmax (glibc logf)",
                                           .output = SOFTMAX_OUT_LOG};
    }
    return &logof[i];
}

const struct softmax_kernel *sb_kernel_lookup(const char *name)
{
    const struct softmax_kernel *k = softmax_kernel_find(name);
    for (size_t i = 0; k == NULL && i < NPEERS; i++)
        if (strcmp(peers[i]->name, name) == 0)
            k = peers[i];
    for (size_t i = 0; k == NULL && i < sb_logof_count(); i++)
        if (strcmp(sb_logof_at(i)->name, name) == 0)
            k = sb_logof_at(i);
    for (size_t i = 0; k == NULL && i < sb_plugin_count(); i++)
        if (strcmp(sb_plugin_at(i)->name, name) == 0)
            k = sb_plugin_at(i);
    return k;
}

int sb_is_peer(const struct softmax_kernel *k)
{
    if (sb_is_plugin(k))
        return !sb_plugin_judged(k);
    return strncmp(k->name, "peer.", 5) == 0 || strncmp(k->name, "logof.", 6) == 0;
}

const char *sb_peers_cap_isa(enum softmax_isa isa)
{
#ifdef SB_HAVE_DNNL
    dnnl_cpu_isa_t d = isa == SOFTMAX_ISA_SCALAR ? dnnl_cpu_isa_sse41
                       : isa == SOFTMAX_ISA_AVX2 ? dnnl_cpu_isa_avx2
                                                 : dnnl_cpu_isa_all;
    dnnl_set_max_cpu_isa(d);
#endif
    (void)isa;
#ifdef SB_HAVE_XNNPACK
    return "XNNPACK has no ISA cap: it runs at the best ISA of this CPU";
#else
    return "";
#endif
}

const char *sb_peers_versions(void)
{
    static char buf[160];
    size_t o = (size_t)snprintf(buf, sizeof buf, "glibc expf");
#ifdef SB_HAVE_DNNL
    const dnnl_version_t *v = dnnl_version();
    o += (size_t)snprintf(buf + o, sizeof buf - o, "; oneDNN %d.%d.%d", v->major, v->minor,
                          v->patch);
#endif
#ifdef SB_HAVE_XNNPACK
    snprintf(buf + o, sizeof buf - o, "; XNNPACK %s", SB_XNNPACK_VERSION);
#endif
    (void)o;
    return buf;
}

void sb_peers_release(void)
{
#ifdef SB_HAVE_DNNL
    dnnl_drop();
    if (dn.ready) {
        dnnl_stream_destroy(dn.stream);
        dnnl_engine_destroy(dn.engine);
        dn.ready = 0;
    }
#endif
#ifdef SB_HAVE_XNNPACK
    if (xn.op != NULL)
        xnn_delete_operator(xn.op);
    xn.op = NULL;
    if (xn.ready)
        xnn_deinitialize();
    xn.ready = 0;
#endif
    free(scaled);
    scaled = NULL;
    scaled_cap = 0;
}

int sb_peer_onednn_batch(const float *x, float *y, size_t rows, size_t cols, float T,
                         unsigned threads)
{
#ifdef SB_HAVE_DNNL
    return onednn_run(x, y, rows, cols, T, threads);
#else
    (void)x, (void)y, (void)rows, (void)cols, (void)T, (void)threads;
    return SOFTMAX_ENOTSUP;
#endif
}
