/* cmd_verify.c - softbench verify: each kernel on each generated input,
 * against the correctly rounded MPFR reference, held to its declared bound.
 *
 * Pass rules: an exact reference -> every element within the kernel's bound;
 * a limit (+inf entries, T = +inf) -> exactly the limit; an undefined
 * reference (NaN input, all -inf) -> every output NaN (the contract). An
 * unsafe kernel failing outside its declared domain is an expected failure
 * ("xfail"), shown but not counted. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metrics.h"
#include "peers.h"
#include "reference.h"
#include "refcache.h"
#include "vecio.h"

static const char help[] =
    "usage: softbench verify [-k KERNEL...] [-n SIZES] [-d DATASETS] [-T TEMPS]\n"
    "                        [--seed S] [--bound-scale F] [--cache DIR] [--csv FILE]\n"
    "                        [--json FILE] [--histogram FILE]\n"
    "       softbench verify --shape ROWSxCOLS... [--threads N] [--mask causal]\n"
    "                        [--stride S] [--dtype T] [--out T] [the options above\n"
    "                        but -n]\n"
    "\n"
    "  -k KERNEL   kernel names, comma-separated or repeated; 'all' (default: ours\n"
    "              and the peers), 'safe', 'peers'\n"
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
static const char *default_datasets[] = {"uniform",   "normal",   "normal:sigma=16",
                                         "equal",     "uniform:a=80,b=120", "llm",
                                         "attention", "underflow", "huge:mag=1e30"};
#define NDEFAULT_DATASETS (sizeof default_datasets / sizeof default_datasets[0])

struct row {
    const struct softmax_kernel *k;
    const char *dataset;
    size_t n, rows; /* rows > 1: a batch, figures are the worst over rows */
    float T;
    enum sbref_kind ref_kind;
    const char *status; /* ok, xfail, FAIL, skip */
    struct sb_metrics m;
    float y_at, ref_at;  /* at worst_at */
    double bound_at;
    int kernel_rc;
};

static const char *csv_header =
    "kernel,isa,safe,dataset,seed,rows,n,T,reference,status,max_ulp,max_ulp_at,mean_ulp,"
    "worst_ratio,worst_at,n_over_bound,max_rel,normwise,sum_err,kl,argmax_ok,frac_cr\n";

static void csv_row(FILE *f, const struct row *r, uint64_t seed)
{
    const struct sb_metrics *m = &r->m;
    fprintf(f, "%s,%s,%d,\"%s\",%llu,%zu,%zu,%.9g,%s,%s,%.17g,%zu,%.17g,%.17g,%zu,%zu,%.17g,%.17g,"
               "%.17g,%.17g,%d,%.17g\n",
            r->k->name, softmax_isa_name(r->k->isa), r->k->safe, r->dataset,
            (unsigned long long)seed, r->rows, r->n, (double)r->T, sbref_kind_name(r->ref_kind),
            r->status, m->max_ulp, m->max_ulp_at, m->mean_ulp, m->worst_ratio, m->worst_at,
            m->n_over, m->max_rel, m->normwise, m->sum_err, m->kl, m->argmax_ok, m->frac_cr);
}

static void json_row(FILE *f, const struct row *r, uint64_t seed, int first)
{
    const struct sb_metrics *m = &r->m;
    fputs(first ? "\n    {" : ",\n    {", f);
    fputs("\"kernel\": ", f);
    sb_json_str(f, r->k->name);
    fprintf(f, ", \"isa\": \"%s\", \"safe\": %s, \"dataset\": ", softmax_isa_name(r->k->isa),
            r->k->safe ? "true" : "false");
    sb_json_str(f, r->dataset);
    fprintf(f, ", \"seed\": %llu, \"rows\": %zu, \"n\": %zu, \"T\": ", (unsigned long long)seed,
            r->rows, r->n);
    sb_json_num(f, r->T);
    fprintf(f, ", \"reference\": \"%s\", \"status\": \"%s\"", sbref_kind_name(r->ref_kind),
            r->status);
    const char *names[] = {"max_ulp", "mean_ulp", "worst_ratio", "max_rel",
                           "normwise", "sum_err", "kl", "frac_cr"};
    double vals[] = {m->max_ulp, m->mean_ulp, m->worst_ratio, m->max_rel,
                     m->normwise, m->sum_err, m->kl, m->frac_cr};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        fprintf(f, ", \"%s\": ", names[i]);
        sb_json_num(f, vals[i]);
    }
    fprintf(f, ", \"max_ulp_at\": %zu, \"worst_at\": %zu, \"n_over_bound\": %zu, "
               "\"argmax_ok\": %s}",
            m->max_ulp_at, m->worst_at, m->n_over, m->argmax_ok ? "true" : "false");
}

static void fmt_num(char *buf, size_t len, double v, const char *fmt)
{
    if (isnan(v))
        snprintf(buf, len, "nan");
    else if (isinf(v))
        snprintf(buf, len, "inf");
    else
        snprintf(buf, len, fmt, v);
}

static void print_header(void)
{
    printf("%-17s %-22s %8s %6s %8s %8s %7s %6s %9s %8s %9s %9s %3s %6s  %s\n", "kernel",
           "dataset", "n", "T", "max_ulp", "@index", "mean", "bound", "max_rel", "normwise",
           "|sum-1|", "KL", "arg", "CR%", "status");
}

static void print_row(const struct row *r)
{
    const struct sb_metrics *m = &r->m;
    char mu[16], mean[16], ratio[16], rel[16], nw[16], se[16], kl[16];
    fmt_num(mu, sizeof mu, m->max_ulp, "%.1f");
    fmt_num(mean, sizeof mean, m->mean_ulp, "%.3f");
    fmt_num(ratio, sizeof ratio, m->worst_ratio * 100.0, "%.0f%%");
    if (strcmp(r->status, "peer") == 0)
        snprintf(ratio, sizeof ratio, "-");
    fmt_num(rel, sizeof rel, m->max_rel, "%.2e");
    fmt_num(nw, sizeof nw, m->normwise, "%.2f");
    fmt_num(se, sizeof se, m->sum_err, "%.2e");
    fmt_num(kl, sizeof kl, m->kl, "%.2e");
    char n[32];
    if (r->rows > 1)
        snprintf(n, sizeof n, "%zux%zu", r->rows, r->n);
    else
        snprintf(n, sizeof n, "%zu", r->n);
    if (strcmp(r->status, "skip") == 0) {
        printf("%-17s %-22s %8s %6g  SKIP: needs %s, this CPU (or SOFTMAX_ISA) lacks it\n",
               r->k->name, r->dataset, n, (double)r->T, softmax_isa_name(r->k->isa));
        return;
    }
    printf("%-17s %-22.22s %8s %6g %8s %8zu %7s %6s %9s %8s %9s %9s %3s %6.2f  %s\n",
           r->k->name, r->dataset, n, (double)r->T, mu, m->max_ulp_at, mean, ratio, rel, nw,
           se, kl, m->argmax_ok ? "yes" : "NO", m->frac_cr * 100.0, r->status);
}

static void print_failure(const struct row *r)
{
    fprintf(stderr, "FAIL %s on %s n=%zu T=%g: ", r->k->name, r->dataset, r->n, (double)r->T);
    if (r->kernel_rc != SOFTMAX_OK)
        fprintf(stderr, "kernel returned %d (%s)\n", r->kernel_rc,
                softmax_strerror(r->kernel_rc));
    else if (r->ref_kind == SBREF_NAN_INPUT || r->ref_kind == SBREF_ALL_NEG_INF)
        fprintf(stderr, "reference is %s; the contract wants NaN everywhere\n",
                sbref_kind_name(r->ref_kind));
    else
        fprintf(stderr, "%zu element(s) over the bound; worst at %zu: y=%.9g ref=%.9g (%.1f ULP, "
                        "bound %.2f)\n",
                r->m.n_over, r->m.worst_at, (double)r->y_at, (double)r->ref_at,
                sb_ulp_error(r->y_at, r->ref_at), r->bound_at);
}

/* Folds the row judged at element offset off into the batch's aggregate. */
static void merge_row(struct row *agg, const struct row *r, size_t off)
{
    static const char *order[] = {"ok", "peer", "skip", "xfail", "FAIL"};
    int a = 0, b = 0;
    for (int i = 0; i < 5; i++) {
        a = strcmp(agg->status, order[i]) == 0 ? i : a;
        b = strcmp(r->status, order[i]) == 0 ? i : b;
    }
    if (b > a || (b == a && r->m.worst_ratio > agg->m.worst_ratio)) {
        agg->status = r->status;
        agg->kernel_rc = r->kernel_rc;
        agg->y_at = r->y_at;
        agg->ref_at = r->ref_at;
        agg->bound_at = r->bound_at;
    }
    sb_metrics_merge(&agg->m, &r->m, off);
}

/* Judges a kernel's output y (status rc) of type yt against the reference:
 * the figures, the worst element, and the row's status. */
static void judge_output(struct row *r, const float *x, const float *ref, const float *y, int rc,
                         enum softmax_dtype yt)
{
    const struct softmax_kernel *k = r->k;
    r->kernel_rc = rc;
    int pass = sb_judge_t(k, yt, x, y, ref, r->n, r->T, r->ref_kind, &r->m) && rc == SOFTMAX_OK;
    if (r->n > 0) {
        size_t w = r->m.worst_at;
        r->y_at = y[w];
        r->ref_at = ref[w];
        r->bound_at = r->m.worst_bound;
    }
    if (sb_is_peer(k))
        r->status = "peer"; /* reported, not judged: it declares no bound */
    else if (pass)
        r->status = "ok";
    else if (!k->safe && k->in_domain != NULL && !k->in_domain(x, r->n, r->T))
        r->status = "xfail";
    else
        r->status = "FAIL";
}

/* Runs one kernel on one prepared input and judges it. */
static void judge(struct row *r, const float *x, const float *ref, float *y)
{
    if (!softmax_kernel_supported(r->k)) {
        r->status = "skip";
        return;
    }
    for (size_t i = 0; i < r->n; i++) /* nothing inherited from the previous kernel */
        y[i] = NAN;
    judge_output(r, x, ref, y, softmax_run(r->k, x, y, r->n, r->T), SOFTMAX_F32);
}

struct opts {
    struct sb_list kernels, sizes, datasets, temps, shapes;
    uint64_t seed;
    double bound_scale;
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
    struct sb_hist *hist; /* kernel ki, dataset di at ki * (ndatasets + 1) + di; the last: all */
    size_t nok, nx, nskip, nfail, nrows, npeer, nref, nhit;
};

static void emit(struct ctx *c, const struct row *r)
{
    print_row(r);
    if (c->csv.f != NULL)
        csv_row(c->csv.f, r, c->o->seed);
    if (c->json.f != NULL)
        json_row(c->json.f, r, c->o->seed, c->nrows == 0);
    c->nrows++;
    if (strcmp(r->status, "ok") == 0)
        c->nok++;
    else if (strcmp(r->status, "xfail") == 0)
        c->nx++;
    else if (strcmp(r->status, "skip") == 0)
        c->nskip++;
    else if (strcmp(r->status, "peer") == 0)
        c->npeer++;
    else {
        c->nfail++;
        print_failure(r);
    }
}

/* Histogram slot ki's name: a kernel's, or past them the split's (filled
 * only when a one-row shape ran it). */
static const char *hist_name(const struct ctx *c, size_t ki)
{
    return ki < c->o->kernels.n ? ((const struct softmax_kernel *)c->o->kernels.v[ki])->name
                                : "split";
}

/* The all-datasets histograms of the kernels that ran, closing the rows
 * array: "histogram": {"edges": [...], "kernels": [{"kernel", "counts"}]}. */
static void json_hist(struct ctx *c)
{
    size_t nd = c->o->datasets.n + 1;
    fputs("\n  ],\n  \"histogram\": {\"edges\": [", c->json.f);
    for (int j = 0; j < SB_HIST_BINS; j++) {
        fputs(j ? ", " : "", c->json.f);
        sb_json_num(c->json.f, sb_hist_edge(j)); /* the last: "inf" */
    }
    fputs("],\n    \"kernels\": [", c->json.f);
    int first = 1;
    for (size_t ki = 0; ki <= c->o->kernels.n; ki++) {
        const struct sb_hist *h = &c->hist[ki * nd + nd - 1];
        if (sb_hist_total(h) == 0)
            continue;
        fputs(first ? "\n      {\"kernel\": " : ",\n      {\"kernel\": ", c->json.f);
        first = 0;
        sb_json_str(c->json.f, hist_name(c, ki));
        fputs(", \"counts\": [", c->json.f);
        for (int j = 0; j < SB_HIST_BINS; j++)
            fprintf(c->json.f, "%s%llu", j ? ", " : "", h->count[j]);
        fputs("]}", c->json.f);
    }
    fputs("\n    ]}", c->json.f);
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
            const char *label =
                di + 1 < nd ? ((const struct sb_dataset_spec *)c->o->datasets.v[di])->label : "all";
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
    struct row *agg = calloc(nk, sizeof *agg);
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
        agg[ki] = (struct row){.k = &held[ki], .dataset = label, .n = cols, .T = T,
                               .rows = rows, .status = "ok"};
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
        else if ((brc[ki] = softmax_batch_t(k, c->o->xt, c->o->xh, ld, c->o->yt, c->o->yh, ld,
                                            rows, cols, T, c->o->pool)) == SOFTMAX_OK)
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
            struct row r = agg[ki];
            r.ref_kind = info[o].kind;
            if (yb == NULL)
                judge(&r, xi, refs[o], y + i * cols);
            else if (!softmax_kernel_supported(r.k) || (c->o->yt != SOFTMAX_F32 && o))
                r.status = "skip"; /* 16-bit outputs: probabilities only */
            else
                judge_output(&r, xi, refs[o], yb + ki * rows * ld + i * ld, brc[ki], c->o->yt);
            if (info[o].kind == SBREF_EXACT && strcmp(r.status, "skip") != 0 &&
                r.kernel_rc == SOFTMAX_OK) {
                size_t nd = c->o->datasets.n + 1;
                const float *yi = yb != NULL ? yb + ki * rows * ld + i * ld : y + i * cols;
                sb_hist_add(&c->hist[ki * nd + di], r.k, yi, refs[o], cols);
                sb_hist_add(&c->hist[ki * nd + nd - 1], r.k, yi, refs[o], cols);
            }
            if (i == 0)
                agg[ki] = r;
            else
                merge_row(&agg[ki], &r, i * cols);
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
    struct opts o = {.seed = 1, .bound_scale = 1.0};
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
    if (rc == 0 && (c.hist = calloc((o.kernels.n + 1) * (o.datasets.n + 1), sizeof *c.hist)) == NULL)
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

    if (rc == 0) {
        printf("softbench verify: cpu %s, usable ISA %s, seed %llu\n", sb_cpu_model(),
               softmax_isa_name(softmax_isa_available()), (unsigned long long)o.seed);
        printf("reference: MPFR %s, correctly rounded; ULP as in docs/accuracy.md; bound = worst "
               "error/declared bound\n\n",
               sbref_mpfr_version());
        print_header();
    }
    if (rc == 0 && c.csv.f != NULL)
        fputs(csv_header, c.csv.f);
    if (rc == 0 && c.json.f != NULL) {
        fprintf(c.json.f, "{\n  \"softbench\": {\"command\": \"verify\", \"format\": 1},\n"
                          "  \"machine\": {\"cpu\": ");
        sb_json_str(c.json.f, sb_cpu_model());
        fprintf(c.json.f, ", \"isa\": \"%s\"},\n  \"reference\": ",
                softmax_isa_name(softmax_isa_available()));
        sb_json_str(c.json.f, sbref_mpfr_version());
        fprintf(c.json.f, ",\n  \"seed\": %llu,\n  \"bound_scale\": ", (unsigned long long)o.seed);
        sb_json_num(c.json.f, o.bound_scale);
        fputs(",\n  \"rows\": [", c.json.f);
    }

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
    if (rc == 0 && c.json.f != NULL)
        json_hist(&c);
    if (rc == 0 && c.hist_out.f != NULL)
        csv_hist(&c);
    if (rc == 0 && c.json.f != NULL)
        fprintf(c.json.f, ",\n  \"summary\": {\"rows\": %zu, \"ok\": %zu, \"xfail\": %zu, "
                          "\"peer\": %zu, \"skip\": %zu, \"fail\": %zu}\n}\n",
                c.nrows, c.nok, c.nx, c.npeer, c.nskip, c.nfail);
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
