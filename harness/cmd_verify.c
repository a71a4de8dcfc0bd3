/* cmd_verify.c - softbench verify: each kernel on each generated input,
 * against the correctly rounded MPFR reference, held to its declared bound.
 *
 * Pass rules: an exact reference -> every element within the kernel's bound;
 * a limit (+inf entries, T = +inf) -> exactly the limit; an undefined
 * reference (NaN input, all -inf) -> every output NaN (the contract). An
 * unsafe kernel failing outside its declared domain is an expected failure
 * ("xfail"), shown but not counted. */
#include <fenv.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "columns.h"
#include "jsonio.h"
#include "keys.h"
#include "metrics.h"
#include "refcache.h"
#include "reference.h"
#include "vecio.h"
#include "verify_rows.h"

static const char help[] =
    "usage: softbench verify [-k KERNEL...] [-n SIZES] [-d DATASETS] [-T TEMPS]\n"
    "                        [--seed S] [--bound-scale F] [--cache DIR] [--csv FILE]\n"
    "                        [--json FILE] [--histogram FILE] [--round MODE]\n"
    "       softbench verify --shape ROWSxCOLS... [--threads N] [--mask causal]\n"
    "                        [--stride S] [--dtype T] [--out T] [the options above\n"
    "                        but -n]\n"
    "\n"
    "  -k KERNEL   kernel names, comma-separated or repeated; 'all' (default: ours\n"
    "              and the peers, and the plugins'), 'safe', 'peers', 'plugins'\n"
    "  -n SIZES    comma-separated sizes or ranges A-B (default: tails to 257 and\n"
    "              sizes up to 1,000,000)\n"
    "  -d DATASET  dataset specs NAME[:key=value,...], repeated or ';'-separated\n"
    "  -T TEMPS    temperatures > 0, comma-separated; 'inf' allowed (default 1)\n"
    "  --seed S    generator seed (default 1)\n"
    "  --bound-scale F  hold kernels to F times their declared bound (default 1;\n"
    "              below 1 shows how tight a bound is)\n"
    "  --cache DIR keep references of n >= 32768 in DIR and reuse them: an entry\n"
    "              holds its input and a digest of the reference's source, so it\n"
    "              can only answer for the same input and reference\n"
    "  --round MODE  run the kernels (only them) in rounding mode nearest\n"
    "              (default), upward, downward or towardzero: the bounds are\n"
    "              derived for nearest, and softmax.h says which kernels keep\n"
    "              them in the other modes\n"
    "  --csv FILE, --json FILE   the same rows, machine-readable\n"
    "  --histogram FILE  the distribution of per-element ULP errors as CSV, per\n"
    "              kernel and dataset and over all datasets (rows with an exact\n"
    "              reference; --json has the all-datasets one too)\n"
    "  --shape RxC batches instead of sizes: R rows of C, each kernel through\n"
    "              softmax_batch on a pool of --threads N (default 1), every row\n"
    "              judged against its own reference; a float32 shape of one\n"
    "              row also runs softmax_split, as 'split', held to its kernel's\n"
    "              bound plus SOFTMAX_SPLIT_EXTRA_ULP (1.5)\n"
    "  --mask M    causal: in each block of C rows, row q keeps columns <= q;\n"
    "              rows: every 8th row all -inf (the contract: NaN out); both as\n"
    "              causal,rows; none (default)\n"
    "  --stride S  row stride of x and y, at least C (default C); the padding of\n"
    "              x holds NaN, so a kernel that reads it fails\n"
    "  --dtype T   the inputs' type: f32 (default), bf16 or f16 (the generated\n"
    "              values rounded to it; the reference takes them exactly), run\n"
    "              through softmax_batch_t\n"
    "  --out T     the outputs' type: f32 (default) or the input's 16-bit type,\n"
    "              errors then in ULP of that type (softmax kernels only)\n"
    "\n"
    "exit: 0 every kernel within what it declares, 1 one is not, 2 usage error\n";

static const char *default_sizes =
    "0-9,15-17,31-33,63-65,100,127-129,255-257,1000,4096,10000,32000,65536,128256,262144,"
    "1000000";
static const char *default_datasets[] = {
    "uniform", "normal",    "normal:sigma=16", "equal",        "uniform:a=80,b=120",
    "llm",     "attention", "underflow",       "huge:mag=1e30"};
#define NDEFAULT_DATASETS (sizeof default_datasets / sizeof default_datasets[0])

struct opts {
    struct sb_list kernels, sizes, datasets, temps, shapes;
    uint64_t seed;
    double bound_scale;
    int round;
    const char *csv, *json, *cache, *histogram;
    unsigned threads;
    int causal;
    size_t stride;
    struct softmax_pool *pool;
    enum softmax_dtype xt, yt;
    uint16_t *xh, *yh; /* the typed batch and its output */
};

/* An option that takes one value of a list parser's kind: *v, the caller's
 * to free. */
static int one_of(int (*parse_list)(const char *, struct sb_list *), const char *arg,
                  const char *name, const void **v)
{
    struct sb_list t = {0};
    int rc = parse_list(arg, &t);
    if (rc == 0 && t.n != 1)
        rc = sb_usage_error("verify: %s takes one value", name);
    if (rc == 0) {
        *v = t.v[0];
        t.n = 0; /* kept */
    }
    sb_list_free(&t, 1);
    return rc;
}

static int parse(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {{"seed", required_argument, 0, 's'},
                                       {"csv", required_argument, 0, 'c'},
                                       {"bound-scale", required_argument, 0, 'b'},
                                       {"json", required_argument, 0, 'j'},
                                       {"cache", required_argument, 0, 'C'},
                                       {"histogram", required_argument, 0, 'H'},
                                       {"shape", required_argument, 0, 'x'},
                                       {"threads", required_argument, 0, 't'},
                                       {"mask", required_argument, 0, 'm'},
                                       {"stride", required_argument, 0, 'S'},
                                       {"dtype", required_argument, 0, 'D'},
                                       {"out", required_argument, 0, 'O'},
                                       {"round", required_argument, 0, 'r'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    int c, rc = 0;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":k:n:d:T:", lo, NULL)) != -1) {
        switch (c) {
        case 'k': rc = sb_parse_kernels(optarg, &o->kernels); break;
        case 'n': rc = sb_parse_sizes(optarg, &o->sizes); break;
        case 'd': rc = sb_parse_datasets(optarg, &o->datasets); break;
        case 'T': rc = sb_parse_temps(optarg, &o->temps); break;
        case 's': rc = sb_parse_seed(optarg, &o->seed); break;
        case 'c': o->csv = optarg; break;
        case 'b': rc = sb_parse_scale(optarg, &o->bound_scale); break;
        case 'j': o->json = optarg; break;
        case 'C': o->cache = optarg; break;
        case 'H': o->histogram = optarg; break;
        case 'x': rc = sb_parse_shapes(optarg, &o->shapes); break;
        case 't': {
            const void *v = NULL;
            if ((rc = one_of(sb_parse_threads, optarg, "--threads", &v)) == 0)
                o->threads = *(const unsigned *)v;
            free((void *)v);
            break;
        }
        case 'm': rc = sb_parse_mask(optarg, &o->causal); break;
        case 'D': rc = sb_parse_dtype(optarg, &o->xt); break;
        case 'O': rc = sb_parse_dtype(optarg, &o->yt); break;
        case 'r': rc = sb_parse_round(optarg, &o->round); break;
        case 'S': {
            const void *v = NULL;
            if ((rc = one_of(sb_parse_sizes, optarg, "--stride", &v)) == 0)
                o->stride = *(const size_t *)v;
            free((void *)v);
            break;
        }
        case 'h': fputs(help, stdout); return -1;
        case ':': return sb_usage_error("verify: option '%s' needs a value", argv[optind - 1]);
        default: return sb_usage_error("verify: unknown option '%s'", argv[optind - 1]);
        }
    }
    if (rc == 0 && optind < argc)
        rc = sb_usage_error("verify: unexpected argument '%s'", argv[optind]);
    if (rc == 0 && o->shapes.n > 0 && o->sizes.n > 0)
        rc = sb_usage_error("verify: --shape and -n do not go together");
    if (rc == 0 && o->shapes.n > 0 && o->round != FE_TONEAREST)
        rc = sb_usage_error("verify: --round goes with sizes (-n), not --shape");
    if (rc == 0 && o->shapes.n == 0 &&
        (o->threads || o->causal || o->stride || o->xt != SOFTMAX_F32 || o->yt != SOFTMAX_F32))
        rc = sb_usage_error("verify: --threads, --mask, --stride, --dtype and --out need --shape");
    if (rc == 0 && o->yt != SOFTMAX_F32 && o->yt != o->xt)
        rc = sb_usage_error("verify: --out is f32 or the input's type (--dtype %s)",
                            softmax_dtype_name(o->xt));
    for (size_t i = 0; rc == 0 && i < o->shapes.n; i++)
        if (o->stride != 0 && o->stride < ((struct sb_shape *)o->shapes.v[i])->cols)
            rc = sb_usage_error("verify: --stride %zu is below a shape's %zu columns", o->stride,
                                ((struct sb_shape *)o->shapes.v[i])->cols);
    if (rc == 0 && o->kernels.n == 0)
        rc = sb_parse_kernels("all", &o->kernels);
    if (rc == 0 && o->sizes.n == 0 && o->shapes.n == 0)
        rc = sb_parse_sizes(default_sizes, &o->sizes);
    int no_datasets = o->datasets.n == 0;
    for (size_t i = 0; rc == 0 && no_datasets && i < NDEFAULT_DATASETS; i++)
        rc = sb_parse_datasets(default_datasets[i], &o->datasets);
    if (rc == 0 && o->temps.n == 0)
        rc = sb_parse_temps("1", &o->temps);
    return rc;
}

struct ctx {
    struct opts *o;
    struct sb_out csv, json, hist_out;
    json_t *doc, *jrows;  /* --json: the document, written at the end */
    int jbad;             /* a JSON value could not be made */
    struct sb_hist *hist; /* kernel ki, dataset di at ki * (ndatasets + 1) + di; the last: all */
    size_t nok, nx, nskip, nfail, nrows, npeer, nref, nhit;
};

static void emit(struct ctx *c, const struct sb_vrow *row)
{
    struct sb_vrow r = *row;
    r.seed = c->o->seed;
    sb_vrow_print(&r);
    if (c->csv.f != NULL)
        sb_cols_csv_row(c->csv.f, sb_vrow_cols, sb_vrow_ncols, &r);
    if (c->jrows != NULL)
        c->jbad |= sb_jappend(c->jrows, sb_cols_json_row(sb_vrow_cols, sb_vrow_ncols, &r)) != 0;
    c->nrows++;
    if (strcmp(r.status, SB_ST_OK) == 0)
        c->nok++;
    else if (strcmp(r.status, SB_ST_XFAIL) == 0)
        c->nx++;
    else if (strcmp(r.status, SB_ST_SKIP) == 0)
        c->nskip++;
    else if (strcmp(r.status, SB_ST_PEER) == 0)
        c->npeer++;
    else {
        c->nfail++;
        sb_vrow_print_failure(&r);
    }
}

/* Histogram slot ki's name: a kernel's, or past them the split's (filled
 * only when a one-row shape ran it). */
static const char *hist_name(const struct ctx *c, size_t ki)
{
    return ki < c->o->kernels.n ? ((const struct softmax_kernel *)c->o->kernels.v[ki])->name
                                : "split";
}

/* The all-datasets histograms of the kernels that ran: {"edges": [...],
 * "kernels": [{"kernel", "counts"}]}; NULL if memory ran out. */
static json_t *json_hist(const struct ctx *c)
{
    size_t nd = c->o->datasets.n + 1;
    json_t *h = json_object(), *edges = json_array(), *ks = json_array();
    int bad = sb_jset(h, SBK_EDGES, edges) | sb_jset(h, SBK_KERNELS, ks);
    for (int j = 0; j < SB_HIST_BINS && !bad; j++)
        bad = sb_jappend(edges, sb_jnum(sb_hist_edge(j))); /* the last: "inf" */
    for (size_t ki = 0; ki <= c->o->kernels.n && !bad; ki++) {
        const struct sb_hist *hk = &c->hist[ki * nd + nd - 1];
        if (sb_hist_total(hk) == 0)
            continue;
        json_t *k = json_object(), *counts = json_array();
        bad = sb_jappend(ks, k) | sb_jset(k, SBK_KERNEL, sb_jstr(hist_name(c, ki))) |
              sb_jset(k, SBK_COUNTS, counts);
        for (int j = 0; j < SB_HIST_BINS && !bad; j++)
            bad = sb_jappend(counts, sb_juint(hk->count[j]));
    }
    if (bad)
        json_decref(h);
    return bad ? NULL : h;
}

/* The --json document up to its rows, which emit appends to c->jrows. */
static int json_head(struct ctx *c)
{
    c->doc = sb_jhead("verify", 1, NULL);
    c->jrows = json_array();
    int bad = c->doc == NULL; /* then each set below fails too, and frees its value */
    return bad | sb_jset(c->doc, SBK_REFERENCE, sb_jstr(sbref_mpfr_version())) |
           sb_jset(c->doc, SBK_SEED, sb_juint(c->o->seed)) |
           sb_jset(c->doc, SBK_BOUND_SCALE, sb_jnum(c->o->bound_scale)) |
           sb_jset(c->doc, SBK_ROUND, sb_jstr(sb_round_name(c->o->round))) |
           sb_jset(c->doc, SBK_ROWS, c->jrows);
}

/* The histogram and the summary after the rows, and the document out. */
static int json_tail(struct ctx *c)
{
    json_t *sum = json_object();
    c->jbad |= sb_jset(c->doc, SBK_HISTOGRAM, json_hist(c)) | sb_jset(c->doc, SBK_SUMMARY, sum) |
               sb_jset(sum, SBK_ROWS, sb_juint(c->nrows)) | sb_jset(sum, SBK_OK, sb_juint(c->nok)) |
               sb_jset(sum, SBK_XFAIL, sb_juint(c->nx)) |
               sb_jset(sum, SBK_PEER, sb_juint(c->npeer)) |
               sb_jset(sum, SBK_SKIP, sb_juint(c->nskip)) |
               sb_jset(sum, SBK_FAIL, sb_juint(c->nfail));
    return c->jbad ? -1 : sb_jwrite(c->json.f, c->doc);
}

/* One line per kernel, dataset ("all": every dataset) and bin: lo < error
 * <= hi (bin 0: error 0; the last: hi is inf). */
static void csv_hist(struct ctx *c)
{
    size_t nd = c->o->datasets.n + 1;
    FILE *f = c->hist_out.f;
    fputs("kernel,dataset,bin,lo,hi,count,fraction\n", f);
    for (size_t ki = 0; ki <= c->o->kernels.n; ki++)
        for (size_t di = 0; di < nd; di++) {
            const struct sb_hist *h = &c->hist[ki * nd + di];
            unsigned long long t = sb_hist_total(h);
            if (t == 0)
                continue;
            const char *label = di + 1 < nd
                                    ? ((const struct sb_dataset_spec *)c->o->datasets.v[di])->label
                                    : "all";
            for (int j = 0; j < SB_HIST_BINS; j++) {
                fprintf(f, "%s,", hist_name(c, ki));
                sb_csv_str(f, label);
                fprintf(f, ",%d,%g,%g,%llu,%.9g\n", j, j ? sb_hist_edge(j - 1) : 0.0,
                        sb_hist_edge(j), h->count[j], (double)h->count[j] / (double)t);
            }
        }
}

/* Every kernel on rows x cols inputs (row i at x + i * ld: one row for a
 * generated vector, many for a file or a shape), the reference once per
 * row, one table row per kernel with the worst figures over the rows. With
 * yb (a shape), each kernel first runs on the whole batch through
 * softmax_batch on the pool, into yb at the same stride. */
static int verify_input(struct ctx *c, size_t di, const char *label, const float *x, float *ref,
                        float *lref, float *y, size_t rows, size_t cols, size_t ld, float *yb,
                        float T)
{
    /* a one-row float32 shape: softmax_split too, as 'split', held to its
     * kernel's bound plus the merge's */
    int split = yb != NULL && rows == 1 && c->o->xt == SOFTMAX_F32;
    size_t nk = c->o->kernels.n + split;
    struct softmax_kernel *held = calloc(nk, sizeof *held);
    struct sb_vrow *agg = calloc(nk, sizeof *agg);
    if (held == NULL || agg == NULL) {
        free(held);
        free(agg);
        return sb_usage_error("out of memory");
    }
    for (size_t ki = 0; ki < nk; ki++) {
        if (ki < c->o->kernels.n) {
            held[ki] = sb_scaled_kernel(c->o->kernels.v[ki], c->o->bound_scale);
        } else {
            struct softmax_kernel sk = *softmax_split_kernel(cols);
            sk.name = "split";
            sk.bound.c0 += SOFTMAX_SPLIT_EXTRA_ULP;
            held[ki] = sb_scaled_kernel(&sk, c->o->bound_scale);
        }
        agg[ki] = (struct sb_vrow){
            .k = &held[ki], .dataset = label, .n = cols, .T = T, .rows = rows, .status = SB_ST_OK};
    }
    int rc = 0, need[2] = {0, 0};
    int *brc = yb != NULL ? calloc(nk, sizeof *brc) : NULL;
    if (yb != NULL && brc == NULL)
        rc = sb_usage_error("out of memory");
    /* a shape: each kernel on the whole batch first, through softmax_batch
     * on the pool, into its own part of yb (NaN first: nothing inherited) */
    for (size_t ki = 0; yb != NULL && rc == 0 && ki < nk; ki++) {
        float *ybk = yb + ki * rows * ld;
        for (size_t j = 0; j < rows * ld; j++)
            ybk[j] = NAN;
        if (!softmax_kernel_supported(&held[ki]))
            continue;
        if (ki == c->o->kernels.n) {
            brc[ki] = softmax_split(x, ybk, cols, T, c->o->pool);
            continue;
        }
        const struct softmax_kernel *k = c->o->kernels.v[ki];
        if (c->o->xt == SOFTMAX_F32)
            brc[ki] = softmax_batch(k, x, ld, ybk, ld, rows, cols, T, c->o->pool);
        else if (c->o->yt == SOFTMAX_F32)
            brc[ki] = softmax_batch_t(k, c->o->xt, c->o->xh, ld, SOFTMAX_F32, ybk, ld, rows, cols,
                                      T, c->o->pool);
        else if ((brc[ki] = softmax_batch_t(k, c->o->xt, c->o->xh, ld, c->o->yt, c->o->yh, ld, rows,
                                            cols, T, c->o->pool)) == SOFTMAX_OK)
            softmax_to_f32(c->o->yt, c->o->yh, ybk, rows * ld);
    }
    for (size_t ki = 0; ki < nk; ki++)
        need[held[ki].output == SOFTMAX_OUT_LOG] = 1;
    for (size_t i = 0; i < rows && rc == 0; i++) {
        const float *xi = x + i * ld;
        float *refs[2] = {ref + i * cols, lref + i * cols};
        struct sbref_info info[2];
        for (int o = 0; o < 2 && rc == 0; o++) {
            if (!need[o])
                continue;
            int hit, st = sb_refcache_softmax(c->o->cache, xi, cols, T, (enum softmax_output)o,
                                              refs[o], &info[o], &hit);
            c->nref++;
            c->nhit += hit;
            if (st < 0)
                rc = sb_usage_error("reference failed (%d) on %s n=%zu", st, label, cols);
        }
        for (size_t ki = 0; ki < nk && rc == 0; ki++) {
            int o = held[ki].output == SOFTMAX_OUT_LOG;
            struct sb_vrow r = agg[ki];
            r.ref_kind = info[o].kind;
            if (yb == NULL)
                sb_vrow_judge(&r, xi, refs[o], y + i * cols);
            else if (!softmax_kernel_supported(r.k) || (c->o->yt != SOFTMAX_F32 && o))
                r.status = SB_ST_SKIP; /* 16-bit outputs: probabilities only */
            else
                sb_vrow_judge_output(&r, xi, refs[o], yb + ki * rows * ld + i * ld, brc[ki],
                                     c->o->yt);
            if (info[o].kind == SBREF_EXACT && strcmp(r.status, SB_ST_SKIP) != 0 &&
                r.kernel_rc == SOFTMAX_OK) {
                size_t nd = c->o->datasets.n + 1;
                const float *yi = yb != NULL ? yb + ki * rows * ld + i * ld : y + i * cols;
                sb_hist_add(&c->hist[ki * nd + di], r.k, yi, refs[o], cols);
                sb_hist_add(&c->hist[ki * nd + nd - 1], r.k, yi, refs[o], cols);
            }
            if (i == 0)
                agg[ki] = r;
            else
                sb_vrow_merge(&agg[ki], &r, i * cols);
        }
    }
    for (size_t ki = 0; ki < nk && rc == 0; ki++)
        emit(c, &agg[ki]);
    free(held);
    free(agg);
    free(brc);
    return rc;
}

int sb_cmd_verify(int argc, char **argv)
{
    struct opts o = {.seed = 1, .bound_scale = 1.0, .round = FE_TONEAREST};
    struct ctx c = {.o = &o};
    char err[512];
    float *x = NULL, *ref = NULL, *lref = NULL, *y = NULL, *file = NULL, *xs = NULL, *yb = NULL;
    int rc = parse(argc, argv, &o);
    if (rc == 0 && o.csv != NULL && sb_out_open(&c.csv, o.csv, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (rc == 0 && o.json != NULL && sb_out_open(&c.json, o.json, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (rc == 0 && o.histogram != NULL &&
        sb_out_open(&c.hist_out, o.histogram, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (rc == 0 &&
        (c.hist = calloc((o.kernels.n + 1) * (o.datasets.n + 1), sizeof *c.hist)) == NULL)
        rc = sb_usage_error("out of memory");

    /* Buffers for the largest input: a size, or a file dataset's rows. */
    size_t maxn = 0;
    for (size_t i = 0; rc == 0 && i < o.sizes.n; i++)
        maxn = *(size_t *)o.sizes.v[i] > maxn ? *(size_t *)o.sizes.v[i] : maxn;
    for (size_t di = 0; rc == 0 && di < o.datasets.n; di++) {
        size_t rows, cols;
        float *tmp;
        if (!sb_dataset_is_file(o.datasets.v[di]))
            continue;
        if (sb_dataset_load(o.datasets.v[di], &tmp, &rows, &cols, err, sizeof err) != 0)
            rc = sb_usage_error("%s", err);
        else {
            maxn = rows * cols > maxn ? rows * cols : maxn;
            free(tmp);
        }
    }
    size_t maxs = 0; /* a shape's elements at the stride */
    for (size_t i = 0; rc == 0 && i < o.shapes.n; i++) {
        const struct sb_shape *sh = o.shapes.v[i];
        size_t ld = o.stride ? o.stride : sh->cols;
        maxn = sh->rows * sh->cols > maxn ? sh->rows * sh->cols : maxn;
        maxs = sh->rows * ld > maxs ? sh->rows * ld : maxs;
    }
    if (rc == 0 && o.shapes.n > 0) {
        xs = malloc((maxs + 1) * sizeof *xs);
        yb = malloc((maxs * (o.kernels.n + 1) + 1) * sizeof *yb); /* + the split */
        o.pool = softmax_pool_create(o.threads ? o.threads : 1);
        o.xh = malloc((maxs + 1) * sizeof *o.xh);
        o.yh = malloc((maxs + 1) * sizeof *o.yh);
        if (xs == NULL || yb == NULL || o.pool == NULL || o.xh == NULL || o.yh == NULL)
            rc = sb_usage_error("cannot allocate a batch of %zu floats per kernel", maxs);
    }
    if (rc == 0) {
        x = malloc((maxn + 1) * sizeof *x);
        ref = malloc((maxn + 1) * sizeof *ref);
        lref = malloc((maxn + 1) * sizeof *lref);
        y = malloc((maxn + 1) * sizeof *y);
        if (x == NULL || ref == NULL || lref == NULL || y == NULL)
            rc = sb_usage_error("cannot allocate %zu floats", maxn);
    }

    sb_vrow_round = o.round;
    if (rc == 0) {
        printf("softbench verify: cpu %s, usable ISA %s, seed %llu", sb_cpu_model(),
               softmax_isa_name(softmax_isa_available()), (unsigned long long)o.seed);
        if (o.round != FE_TONEAREST)
            printf(", kernels rounding %s", sb_round_name(o.round));
        putchar('\n');
        printf("reference: MPFR %s, correctly rounded; ULP as in docs/accuracy.md; bound = worst "
               "error/declared bound\n\n",
               sbref_mpfr_version());
        sb_cols_text_head(stdout, sb_vrow_cols, sb_vrow_ncols);
    }
    if (rc == 0 && c.csv.f != NULL)
        sb_cols_csv_head(c.csv.f, sb_vrow_cols, sb_vrow_ncols);
    if (rc == 0 && c.json.f != NULL && json_head(&c) != 0)
        rc = sb_usage_error("out of memory");

    for (size_t di = 0; di < o.datasets.n && rc == 0; di++) {
        const struct sb_dataset_spec *ds = o.datasets.v[di];
        if (sb_dataset_is_file(ds)) {
            size_t rows, cols;
            if (sb_dataset_load(ds, &file, &rows, &cols, err, sizeof err) != 0) {
                rc = sb_usage_error("%s", err);
                break;
            }
            for (size_t ti = 0; ti < o.temps.n && rc == 0; ti++)
                rc = verify_input(&c, di, ds->label, file, ref, lref, y, rows, cols, cols, NULL,
                                  *(float *)o.temps.v[ti]);
            free(file);
            file = NULL;
            continue;
        }
        for (size_t si = 0; si < o.sizes.n && rc == 0; si++) {
            size_t n = *(size_t *)o.sizes.v[si];
            sb_dataset_generate(ds, x, n, o.seed);
            for (size_t ti = 0; ti < o.temps.n && rc == 0; ti++)
                rc = verify_input(&c, di, ds->label, x, ref, lref, y, 1, n, n, NULL,
                                  *(float *)o.temps.v[ti]);
        }
        for (size_t si = 0; si < o.shapes.n && rc == 0; si++) {
            const struct sb_shape *sh = o.shapes.v[si];
            size_t ld = o.stride ? o.stride : sh->cols;
            char label[160];
            snprintf(label, sizeof label, "%s %zux%zu mask %s%s %s->%s", ds->label, sh->rows,
                     sh->cols, sb_mask_name(o.causal | sh->mask), ld > sh->cols ? " strided" : "",
                     softmax_dtype_name(o.xt), softmax_dtype_name(o.yt));
            /* the rows, generated as one vector, laid out at the stride,
             * the padding NaN */
            sb_dataset_generate(ds, y, sh->rows * sh->cols, o.seed);
            for (size_t r = 0; r < sh->rows; r++)
                for (size_t j = 0; j < ld; j++)
                    xs[r * ld + j] = j < sh->cols ? y[r * sh->cols + j] : NAN;
            sb_apply_mask(xs, sh->rows, sh->cols, ld, o.causal | sh->mask);
            if (o.xt != SOFTMAX_F32) { /* the inputs the typed batch holds, exactly */
                softmax_from_f32(o.xt, xs, o.xh, sh->rows * ld);
                softmax_to_f32(o.xt, o.xh, xs, sh->rows * ld);
            }
            for (size_t ti = 0; ti < o.temps.n && rc == 0; ti++)
                rc = verify_input(&c, di, label, xs, ref, lref, y, sh->rows, sh->cols, ld, yb,
                                  *(float *)o.temps.v[ti]);
        }
    }
    if (rc == 0 && c.hist_out.f != NULL)
        csv_hist(&c);
    if (rc == 0 && c.json.f != NULL && json_tail(&c) != 0)
        rc = sb_usage_error("%s: %s", o.json, c.jbad ? "out of memory" : "cannot write");
    json_decref(c.doc);
    free(x);
    free(ref);
    free(lref);
    free(y);
    free(xs);
    free(yb);
    softmax_pool_destroy(o.pool);
    free(o.xh);
    free(o.yh);
    if (c.csv.f != NULL && sb_out_close(&c.csv, rc == 0, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (c.json.f != NULL && sb_out_close(&c.json, rc == 0, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (c.hist_out.f != NULL && sb_out_close(&c.hist_out, rc == 0, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    free(c.hist);
    if (rc == 0) {
        printf("\nverify: %zu rows: %zu ok, %zu xfail (unsafe kernel outside its domain), %zu "
               "peer (reported, not judged), %zu skipped, %zu FAIL\n",
               c.nrows, c.nok, c.nx, c.npeer, c.nskip, c.nfail);
        if (o.cache != NULL)
            printf("reference: %zu computed, %zu read from the cache in %s\n", c.nref - c.nhit,
                   c.nhit, o.cache);
        rc = c.nfail > 0 ? SB_EXIT_FAIL : SB_EXIT_OK;
    }
    sb_list_free(&o.kernels, 0);
    sb_list_free(&o.sizes, 1);
    sb_list_free(&o.datasets, 1);
    sb_list_free(&o.temps, 1);
    sb_list_free(&o.shapes, 1);
    return rc < 0 ? SB_EXIT_OK : rc;
}
