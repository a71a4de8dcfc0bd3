/* cmd_bench.c - softbench bench: every kernel, the peers and the memory
 * floors timed in one run across sizes; and softbench loop, the process
 * that scripts/hyperfine.sh times from outside. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "peers.h"
#include "vecio.h"

static const char help[] =
    "usage: softbench bench [-k KERNEL...] [-n SIZES] [-T TEMP] [-d DATASET] [--cold]\n"
    "                       [--pin CPU] [--min-time S] [--samples K] [--isa ISA]\n"
    "                       [--quick] [-q] [--csv FILE] [--json FILE]\n"
    "       softbench bench --shape ROWSxCOLS... [--threads LIST] [--mask causal]\n"
    "                       [-k KERNEL...] [-T TEMP] [-d DATASET] [the options above]\n"
    "\n"
    "  -k KERNEL    kernels (default 'all': ours, the peers built, and the floors\n"
    "               floor.read and floor.rw, always measured beside them)\n"
    "  -n SIZES     default: powers of two from 16 to 16,777,216 and 1000, 32000,\n"
    "               50257, 128256, 151936, 262144\n"
    "  -T TEMP      temperature (default 1)\n"
    "  -d DATASET   the input (default normal)\n"
    "  --cold       evict input and output from the caches before every call\n"
    "  --pin CPU    run on that CPU only (sched_setaffinity)\n"
    "  --min-time S a sample lasts at least S seconds (default 0.001)\n"
    "  --samples K  samples per row after the warm-up (default 11, at most 64)\n"
    "  --isa ISA    cap ours and the peers at scalar, avx2 or avx512\n"
    "  --quick      six sizes, five samples (under 30 s)\n"
    "  -q           no progress display\n"
    "  --shape RxC  batches instead of sizes: R rows of C through softmax_batch,\n"
    "               rows spread over a thread pool; a shape of one row also\n"
    "               times softmax_split (chunks merged as pairs), as 'split';\n"
    "               peer.onednn runs as one 2-D primitive on as many threads\n"
    "  --threads L  thread counts, each measured beside the others (default 1)\n"
    "  --mask M     causal: in each block of C rows, row q keeps columns <= q\n"
    "               (attention's mask, the rest -inf); rows: every 8th row all\n"
    "               -inf (padding); both as causal,rows; none (default)\n"
    "  --dtype T    the inputs' type: f32 (default), bf16 or f16 (softmax_batch_t;\n"
    "               oneDNN and the split take float32 only)\n"
    "  --out T      the outputs' type: f32 (default) or the input's\n"
    "\n"
    "Figures per row: the median time per call with min, max and MAD over the\n"
    "samples (a MAD above 5% of the median flags the row noisy), ns per element,\n"
    "GB/s counting 8 bytes per element (one read, one write), and reference\n"
    "cycles per element from the time stamp counter (not core cycles).\n";

static const char *default_sizes =
    "16,32,64,128,256,512,1000,1024,2048,4096,8192,16384,32000,32768,50257,65536,128256,"
    "131072,151936,262144,524288,1048576,2097152,4194304,8388608,16777216";
static const char *quick_sizes = "256,4096,32000,128256,1048576,16777216";

struct evictor {
    unsigned char *buf;
    size_t len;
    unsigned char v;
};

/* Writes a buffer several times the last-level cache: x and y leave it. */
static void evict(void *ctx)
{
    struct evictor *e = ctx;
    e->v++;
    memset(e->buf, e->v, e->len);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = **(size_t *const *)a, y = **(size_t *const *)b;
    return (x > y) - (x < y);
}

struct row {
    const struct softmax_kernel *k;
    const char *kind;
    size_t n;
    struct sb_result r;
};

/* Bytes an element moves: a read and a write, but the read floor only reads. */
static double bytes_of(const struct softmax_kernel *k)
{
    return strcmp(k->name, "floor.read") == 0 ? 4.0 : 8.0;
}

static void print_row(const struct row *w, double tsc_hz)
{
    const struct sb_stats *s = &w->r.stats;
    double ns = s->median * 1e9, per = w->n ? ns / (double)w->n : 0.0;
    printf("%-17s %9zu %7zu %12.1f %8.3f %8.2f %8.3f %11.1f %11.1f %6.1f%% %s\n", w->k->name, w->n,
           w->r.reps, ns, per, w->n ? bytes_of(w->k) * (double)w->n / s->median / 1e9 : 0.0,
           per * tsc_hz / 1e9, s->min * 1e9, s->max * 1e9,
           s->median > 0 ? 100.0 * s->mad / s->median : 0.0, s->noisy ? "noisy" : "");
}

static void json_row(FILE *f, const struct row *w, double tsc_hz, int first)
{
    const struct sb_stats *s = &w->r.stats;
    fputs(first ? "\n    {\"kernel\": " : ",\n    {\"kernel\": ", f);
    sb_json_str(f, w->k->name);
    fprintf(f, ", \"kind\": \"%s\", \"n\": %zu, \"reps\": %zu, \"samples\": %zu, "
               "\"bytes_per_elem\": %g, ",
            w->kind, w->n, w->r.reps, s->k, bytes_of(w->k));
    double per = w->n ? s->median * 1e9 / (double)w->n : 0.0;
    const char *keys[] = {"median_ns", "min_ns", "max_ns", "mad_ns", "ns_per_elem", "gb_per_s",
                          "ref_cycles_per_elem"};
    double vals[] = {s->median * 1e9, s->min * 1e9, s->max * 1e9, s->mad * 1e9, per,
                     w->n ? bytes_of(w->k) * (double)w->n / s->median / 1e9 : 0.0,
                     per * tsc_hz / 1e9};
    for (size_t i = 0; i < 7; i++) {
        fprintf(f, "%s\"%s\": ", i ? ", " : "", keys[i]);
        sb_json_num(f, vals[i]);
    }
    fprintf(f, ", \"noisy\": %s, \"per_call_ns\": [", s->noisy ? "true" : "false");
    for (size_t i = 0; i < s->k; i++)
        fprintf(f, "%s%.1f", i ? ", " : "", w->r.per_call[i] * 1e9);
    fputs("]}", f);
}

static const char *kind_of(const struct softmax_kernel *k)
{
    return strncmp(k->name, "floor.", 6) == 0 ? "floor" : sb_is_peer(k) ? "peer" : "kernel";
}

struct opts {
    struct sb_list kernels, sizes, temps, datasets, shapes, threads;
    int cold, quiet, quick, pin, causal;
    enum softmax_dtype xt, yt;
    double min_time;
    size_t samples;
    const char *csv, *json, *isa;
    uint64_t seed;
};

/* Kernel names as everywhere, and the floors by name too. */
static int parse_kernels(const char *arg, struct sb_list *out)
{
    char *copy = strdup(arg), *save = NULL;
    int rc = copy == NULL ? sb_usage_error("out of memory") : 0;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t != NULL && rc == 0;
         t = strtok_r(NULL, ",", &save)) {
        const struct softmax_kernel *f = NULL;
        for (size_t i = 0; i < sb_floor_count(); i++)
            if (strcmp(sb_floor_at(i)->name, t) == 0)
                f = sb_floor_at(i);
        rc = f != NULL ? (sb_list_push(out, (void *)f) ? sb_usage_error("out of memory") : 0)
                       : sb_parse_kernels(t, out);
    }
    free(copy);
    return rc;
}

static int parse(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {{"cold", no_argument, 0, 'C'},
                                       {"pin", required_argument, 0, 'P'},
                                       {"min-time", required_argument, 0, 'M'},
                                       {"samples", required_argument, 0, 'S'},
                                       {"isa", required_argument, 0, 'I'},
                                       {"quick", no_argument, 0, 'Q'},
                                       {"csv", required_argument, 0, 'c'},
                                       {"json", required_argument, 0, 'j'},
                                       {"seed", required_argument, 0, 's'},
                                       {"shape", required_argument, 0, 'x'},
                                       {"threads", required_argument, 0, 't'},
                                       {"mask", required_argument, 0, 'm'},
                                       {"dtype", required_argument, 0, 'D'},
                                       {"out", required_argument, 0, 'O'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    int c, rc = 0;
    char *end;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":k:n:T:d:q", lo, NULL)) != -1) {
        switch (c) {
        case 'k': rc = parse_kernels(optarg, &o->kernels); break;
        case 'n': rc = sb_parse_sizes(optarg, &o->sizes); break;
        case 'T': rc = sb_parse_temps(optarg, &o->temps); break;
        case 'd': rc = sb_parse_datasets(optarg, &o->datasets); break;
        case 's': rc = sb_parse_seed(optarg, &o->seed); break;
        case 'C': o->cold = 1; break;
        case 'q': o->quiet = 1; break;
        case 'Q': o->quick = 1; break;
        case 'c': o->csv = optarg; break;
        case 'j': o->json = optarg; break;
        case 'I': o->isa = optarg; break;
        case 'x': rc = sb_parse_shapes(optarg, &o->shapes); break;
        case 't': rc = sb_parse_threads(optarg, &o->threads); break;
        case 'm': rc = sb_parse_mask(optarg, &o->causal); break;
        case 'D': rc = sb_parse_dtype(optarg, &o->xt); break;
        case 'O': rc = sb_parse_dtype(optarg, &o->yt); break;
        case 'P':
            errno = 0;
            o->pin = (int)strtol(optarg, &end, 10);
            if (end == optarg || *end || errno || o->pin < 0 || o->pin >= CPU_SETSIZE)
                rc = sb_usage_error("bench: --pin needs a CPU number, not '%s'", optarg);
            break;
        case 'M':
            o->min_time = strtod(optarg, &end);
            if (end == optarg || *end || !(o->min_time > 0.0 && o->min_time <= 10.0))
                rc = sb_usage_error("bench: --min-time needs seconds in (0, 10], not '%s'", optarg);
            break;
        case 'S':
            errno = 0;
            o->samples = (size_t)strtoul(optarg, &end, 10);
            if (end == optarg || *end || errno || o->samples < 1 || o->samples > SB_MAX_SAMPLES ||
                *optarg == '-')
                rc = sb_usage_error("bench: --samples needs 1 to %d, not '%s'", SB_MAX_SAMPLES,
                                    optarg);
            break;
        case 'h': fputs(help, stdout); return -1;
        case ':': return sb_usage_error("bench: option '%s' needs a value", argv[optind - 1]);
        default: return sb_usage_error("bench: unknown option '%s'", argv[optind - 1]);
        }
    }
    if (rc == 0 && optind < argc)
        rc = sb_usage_error("bench: unexpected argument '%s'", argv[optind]);
    if (rc == 0 && o->temps.n > 1)
        rc = sb_usage_error("bench: -T takes one temperature");
    if (rc == 0 && o->datasets.n > 1)
        rc = sb_usage_error("bench: -d takes one dataset");
    if (rc == 0 && o->datasets.n == 1 && sb_dataset_is_file(o->datasets.v[0]))
        rc = sb_usage_error("bench: -d takes a generated dataset, not a file");
    if (rc == 0 && o->shapes.n > 0 && o->sizes.n > 0)
        rc = sb_usage_error("bench: --shape and -n do not go together");
    if (rc == 0 && o->shapes.n == 0 &&
        (o->threads.n > 0 || o->causal || o->xt != SOFTMAX_F32 || o->yt != SOFTMAX_F32))
        rc = sb_usage_error("bench: --threads, --mask, --dtype and --out need --shape");
    if (rc == 0 && o->yt != SOFTMAX_F32 && o->yt != o->xt)
        rc = sb_usage_error("bench: --out is f32 or the input's type (--dtype %s)",
                            softmax_dtype_name(o->xt));
    if (rc == 0 && o->shapes.n > 0 && o->cold)
        rc = sb_usage_error("bench: --cold does not go with --shape");
    if (rc == 0 && o->threads.n == 0)
        rc = sb_parse_threads("1", &o->threads);
    if (rc == 0 && o->kernels.n == 0) {
        rc = sb_parse_kernels(o->shapes.n > 0 ? "safe" : "all", &o->kernels);
        /* shapes: ours and oneDNN's batched primitive, where it is built */
        const struct softmax_kernel *dn = sb_kernel_lookup("peer.onednn");
        if (rc == 0 && o->shapes.n > 0 && dn != NULL && sb_list_push(&o->kernels, (void *)dn))
            rc = sb_usage_error("out of memory");
    }
    if (rc == 0 && o->sizes.n == 0 && o->shapes.n == 0)
        rc = sb_parse_sizes(o->quick ? quick_sizes : default_sizes, &o->sizes);
    if (rc == 0 && o->temps.n == 0)
        rc = sb_parse_temps("1", &o->temps);
    if (rc == 0 && o->datasets.n == 0)
        rc = sb_parse_datasets("normal", &o->datasets);
    if (o->samples == 0)
        o->samples = o->quick ? 5 : 11;
    return rc;
}

static int apply_isa(const char *name, const char **note)
{
    static const char *names[] = {"scalar", "avx2", "avx512", "neon", "sve"};
    for (int i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0) {
            softmax_isa_cap((enum softmax_isa)i);
            *note = sb_peers_cap_isa((enum softmax_isa)i);
            return 0;
        }
    return sb_usage_error("bench: --isa takes scalar, avx2, avx512, neon or sve, not '%s'", name);
}

/* A batched call (or, split, the split of one row) as sb_measure's work. */
struct shape_call {
    const struct softmax_kernel *k;
    const float *x;
    float *y;
    size_t rows, cols;
    float T;
    struct softmax_pool *pool;
    int split, onednn, rc;
    enum softmax_dtype xt, yt; /* 16-bit: x and y are the typed buffers */
    const void *xh;
    void *yh;
    int mask;
};

static void shape_once(void *ctx)
{
    struct shape_call *c = ctx;
    int st = c->split    ? softmax_split(c->x, c->y, c->cols, c->T, c->pool)
             : c->onednn ? sb_peer_onednn_batch(c->x, c->y, c->rows, c->cols, c->T,
                                                softmax_pool_threads(c->pool))
             : c->xt != SOFTMAX_F32
                 ? softmax_batch_t(c->k, c->xt, c->xh, c->cols, c->yt,
                                   c->yt == SOFTMAX_F32 ? (void *)c->y : c->yh, c->cols, c->rows,
                                   c->cols, c->T, c->pool)
                 : softmax_batch(c->k, c->x, c->cols, c->y, c->cols, c->rows, c->cols, c->T,
                                 c->pool);
    c->rc = c->rc != SOFTMAX_OK ? c->rc : st;
}

/* The split's row name: not a kernel record. */
static const struct softmax_kernel split_record = {.name = "split", .algorithm = "split"};

/* bench --shape: per shape, every kernel (and the split for one row) at
 * every thread count, side by side. */
static int bench_shapes(struct opts *o, struct sb_out *csv, struct sb_out *json)
{
    const struct sb_dataset_spec *ds = o->datasets.v[0];
    float T = *(float *)o->temps.v[0];
    size_t nt = o->threads.n, maxe = 0, nk = 0;
    for (size_t i = 0; i < o->shapes.n; i++) {
        const struct sb_shape *sh = o->shapes.v[i];
        maxe = sh->rows * sh->cols > maxe ? sh->rows * sh->cols : maxe;
    }
    struct softmax_pool **pools = calloc(nt, sizeof *pools);
    struct shape_call *calls = calloc((o->kernels.n + 1) * nt, sizeof *calls);
    void **ctxs = calloc((o->kernels.n + 1) * nt, sizeof *ctxs);
    struct sb_result *res = calloc((o->kernels.n + 1) * nt, sizeof *res);
    size_t bytes = (maxe * sizeof(float) + 63) / 64 * 64;
    float *x = aligned_alloc(64, bytes), *y = aligned_alloc(64, bytes);
    /* oneDNN has no temperature: it gets x/T, made here, untimed */
    float *xs = T != 1.0f ? aligned_alloc(64, bytes) : NULL;
    uint16_t *xh = NULL, *yh = NULL;
    if (o->xt != SOFTMAX_F32) {
        xh = aligned_alloc(64, bytes / 2 + 64);
        yh = aligned_alloc(64, bytes / 2 + 64);
    }
    int rc = 0, failed = 0;
    if (pools == NULL || calls == NULL || ctxs == NULL || res == NULL || x == NULL || y == NULL ||
        (T != 1.0f && xs == NULL) ||
        (o->xt != SOFTMAX_F32 && (xh == NULL || yh == NULL)))
        rc = sb_usage_error("bench: cannot allocate %zu floats", maxe);
    for (size_t t = 0; rc == 0 && t < nt; t++)
        if ((pools[t] = softmax_pool_create(*(unsigned *)o->threads.v[t])) == NULL)
            rc = sb_usage_error("bench: cannot start %u threads", *(unsigned *)o->threads.v[t]);
    if (rc != 0)
        goto out;
    memset(y, 0, bytes);
    struct sb_clock clk = {sb_clock_monotonic, NULL};
    struct sb_plan plan = {.min_sample = o->min_time, .samples = o->samples, .max_reps = 1u << 30};
    printf("softbench bench: cpu %s, usable ISA %s, input %s, mask %s, %s in, %s out, T=%g, "
           "%ld cores online\n\n",
           sb_cpu_model(), softmax_isa_name(softmax_isa_available()), ds->label,
           sb_mask_name(o->causal), softmax_dtype_name(o->xt), softmax_dtype_name(o->yt),
           (double)T, sysconf(_SC_NPROCESSORS_ONLN));
    if (sb_emulated())
        printf("EMULATED: the times below measure qemu-user, not an aarch64 CPU\n");
    printf("%-17s %13s %7s %7s %12s %8s %8s %11s %11s %7s\n", "kernel", "shape", "threads",
           "reps", "median ns", "ns/elem", "GB/s", "min ns", "max ns", "MAD");
    if (csv->f != NULL)
        fputs("kernel,kind,rows,cols,mask,threads,T,reps,samples,median_ns,min_ns,max_ns,mad_ns,"
              "ns_per_elem,gb_per_s,noisy\n",
              csv->f);
    if (json->f != NULL) {
        fputs("{\n  \"softbench\": {\"command\": \"shapes\", \"format\": 1},\n  \"machine\": {\n",
              json->f);
        sb_machine_json(json->f, "    ");
        fputs("  },\n  \"params\": {\"dataset\": ", json->f);
        sb_json_str(json->f, ds->label);
        fprintf(json->f, ", \"seed\": %llu, \"T\": ", (unsigned long long)o->seed);
        sb_json_num(json->f, T);
        fprintf(json->f, ", \"mask\": \"%s\", \"dtype\": \"%s\", \"out\": \"%s\", \"samples\": %zu, "
                         "\"bytes_per_element\": 8},\n  \"rows\": [",
                sb_mask_name(o->causal), softmax_dtype_name(o->xt), softmax_dtype_name(o->yt),
                o->samples);
    }
    for (size_t i = 0; i < o->kernels.n; i++) {
        const struct softmax_kernel *k = o->kernels.v[i];
        if (sb_is_peer(k) && strcmp(k->name, "peer.onednn") != 0)
            printf("SKIP %s: only oneDNN's batched path (one 2-D primitive on its own OpenMP "
                   "threads) is built for shapes\n", k->name);
    }
    size_t nrows = 0;
    for (size_t si = 0; si < o->shapes.n; si++) {
        const struct sb_shape *sh = o->shapes.v[si];
        size_t n = sh->rows * sh->cols, nw = 0;
        sb_dataset_generate(ds, x, n, o->seed);
        const int mask = o->causal | sh->mask;
        sb_apply_mask(x, sh->rows, sh->cols, sh->cols, mask);
        if (xh != NULL)
            softmax_from_f32(o->xt, x, xh, n);
        for (size_t i = 0; xs != NULL && i < n; i++)
            xs[i] = x[i] / T;
        for (size_t i = 0; i <= o->kernels.n; i++) {
            const struct softmax_kernel *k = i < o->kernels.n ? o->kernels.v[i] : &split_record;
            int split = i == o->kernels.n, onednn = !split && strcmp(k->name, "peer.onednn") == 0;
            if (split ? sh->rows != 1 || o->xt != SOFTMAX_F32
                      : (sb_is_peer(k) && !onednn) || (onednn && o->xt != SOFTMAX_F32))
                continue;
            if (!split && !softmax_kernel_supported(k)) {
                printf("%-17s %6zux%-6zu  SKIP: needs %s, which this CPU (or the cap) lacks\n",
                       k->name, sh->rows, sh->cols, softmax_isa_name(k->isa));
                continue;
            }
            for (size_t t = 0; t < nt; t++, nw++) {
                int scaled = onednn && xs != NULL;
                calls[nw] = (struct shape_call){k, scaled ? xs : x, y, sh->rows, sh->cols,
                                                scaled ? 1.0f : T, pools[t], split, onednn, 0,
                                                o->xt, o->yt, xh, yh, mask};
            }
        }
        nk += nw;
        /* oneDNN's OpenMP workers spin for a while after each call, taking a
         * core from whatever runs next: its rows are measured side by side
         * with each other, after ours */
        size_t ours = 0;
        for (size_t w = 0; w < nw; w++)
            if (!calls[w].onednn) {
                struct shape_call tmp = calls[ours];
                calls[ours] = calls[w];
                calls[w] = tmp;
                ours++;
            }
        for (size_t w = 0; w < nw; w++)
            ctxs[w] = &calls[w];
        sb_measure_set(ours, shape_once, ctxs, &clk, &plan, res);
        if (nw > ours)
            sb_measure_set(nw - ours, shape_once, ctxs + ours, &clk, &plan, res + ours);
        for (size_t w = 0; w < nw; w++) {
            const struct shape_call *c = &calls[w];
            const struct sb_stats *st = &res[w].stats;
            unsigned th = softmax_pool_threads(c->pool);
            char shape[48];
            snprintf(shape, sizeof shape, "%zux%zu%s%s", c->rows, c->cols, c->mask ? ":" : "",
                     c->mask ? sb_mask_name(c->mask) : "");
            if (c->rc != SOFTMAX_OK) {
                printf("%-17s %13s %7u  ERROR: status %d\n", c->k->name, shape, th, c->rc);
                failed = 1;
                continue;
            }
            double ns = st->median * 1e9, per = ns / (double)n,
                   gbs = bytes_of(c->k) * (double)n / st->median / 1e9;
            printf("%-17s %13s %7u %7zu %12.1f %8.3f %8.2f %11.1f %11.1f %6.1f%% %s\n",
                   c->k->name, shape, th, res[w].reps, ns, per, gbs, st->min * 1e9,
                   st->max * 1e9, st->median > 0 ? 100.0 * st->mad / st->median : 0.0,
                   st->noisy ? "noisy" : "");
            if (csv->f != NULL)
                fprintf(csv->f, "%s,%s,%zu,%zu,%s,%u,%.9g,%zu,%zu,%.1f,%.1f,%.1f,%.1f,%.4f,%.4f,%d\n",
                        c->k->name, c->split ? "split" : kind_of(c->k), c->rows, c->cols,
                        sb_mask_name(c->mask), th, (double)T, res[w].reps, st->k, ns,
                        st->min * 1e9, st->max * 1e9, st->mad * 1e9, per, gbs, st->noisy);
            if (json->f != NULL) {
                fputs(nrows++ ? ",\n    {\"kernel\": " : "\n    {\"kernel\": ", json->f);
                sb_json_str(json->f, c->k->name);
                fprintf(json->f, ", \"kind\": \"%s\", \"rows\": %zu, \"cols\": %zu, "
                                 "\"mask\": \"%s\", \"threads\": %u, \"reps\": %zu, "
                                 "\"median_ns\": ",
                        c->split ? "split" : kind_of(c->k), c->rows, c->cols,
                        sb_mask_name(c->mask), th, res[w].reps);
                sb_json_num(json->f, ns);
                fputs(", \"ns_per_elem\": ", json->f);
                sb_json_num(json->f, per);
                fprintf(json->f, ", \"mad_ns\": %.1f, \"noisy\": %s}", st->mad * 1e9,
                        st->noisy ? "true" : "false");
            }
        }
    }
    if (json->f != NULL)
        fputs("\n  ]\n}\n", json->f);
    if (nk == 0)
        printf("no kernel this CPU runs was asked for\n");
out:
    for (size_t t = 0; pools != NULL && t < nt; t++)
        softmax_pool_destroy(pools[t]);
    free(pools);
    free(calls);
    free(ctxs);
    free(res);
    free(x);
    free(y);
    free(xs);
    free(xh);
    free(yh);
    return rc != 0 ? rc : failed ? SB_EXIT_FAIL : 0;
}

int sb_cmd_bench(int argc, char **argv)
{
    struct opts o = {.min_time = 0.001, .pin = -1, .seed = 1};
    const char *isa_note = "";
    char err[512];
    struct sb_out csv = {0}, json = {0};
    int rc = parse(argc, argv, &o);
    if (rc == 0 && o.isa != NULL)
        rc = apply_isa(o.isa, &isa_note);
    if (rc == 0) /* SOFTMAX_ISA or --isa: oneDNN gets the same cap as ours */
        isa_note = sb_peers_cap_isa(softmax_isa_available());
    if (rc == 0 && o.pin >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(o.pin, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0)
            rc = sb_usage_error("bench: cannot pin to CPU %d: %s", o.pin, strerror(errno));
    }
    if (rc == 0 && o.csv != NULL && sb_out_open(&csv, o.csv, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (rc == 0 && o.json != NULL && sb_out_open(&json, o.json, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);

    /* the floors always run beside the kernels */
    for (size_t i = 0; rc == 0 && i < sb_floor_count(); i++) {
        int have = 0;
        for (size_t j = 0; j < o.kernels.n; j++)
            have |= o.kernels.v[j] == sb_floor_at(i);
        if (!have)
            sb_list_push(&o.kernels, (void *)sb_floor_at(i));
    }
    if (rc == 0 && o.pin >= 0 && o.shapes.n > 0)
        for (size_t t = 0; t < o.threads.n; t++)
            if (*(unsigned *)o.threads.v[t] > 1) {
                rc = sb_usage_error("bench: --pin puts every thread on one CPU: leave it out "
                                    "with --threads above 1");
                break;
            }
    if (rc == 0 && o.shapes.n > 0) {
        rc = bench_shapes(&o, &csv, &json);
        if (csv.f != NULL && sb_out_close(&csv, rc == 0, err, sizeof err) != 0 && rc == 0)
            rc = sb_usage_error("%s", err);
        if (json.f != NULL && sb_out_close(&json, rc == 0, err, sizeof err) != 0 && rc == 0)
            rc = sb_usage_error("%s", err);
        goto done;
    }
    if (o.sizes.n > 0)
        qsort(o.sizes.v, o.sizes.n, sizeof *o.sizes.v, cmp_size);
    size_t maxn = 0;
    for (size_t i = 0; i < o.sizes.n; i++)
        maxn = *(size_t *)o.sizes.v[i] > maxn ? *(size_t *)o.sizes.v[i] : maxn;
    /* 64-byte aligned, and padded: some peers read a little past the end */
    float *x = NULL, *y = NULL, *xs = NULL;
    struct evictor ev = {0};
    /* per size: the calls measured side by side, and their results */
    struct sb_call *calls = calloc(o.kernels.n + 1, sizeof *calls);
    void **ctxs = calloc(o.kernels.n + 1, sizeof *ctxs);
    struct row *rows = calloc(o.kernels.n + 1, sizeof *rows);
    struct sb_result *results = calloc(o.kernels.n + 1, sizeof *results);
    if (rc == 0 && (calls == NULL || ctxs == NULL || rows == NULL || results == NULL))
        rc = sb_usage_error("out of memory");
    if (rc == 0) {
        size_t bytes = ((maxn + 32) * sizeof(float) + 63) / 64 * 64;
        x = aligned_alloc(64, bytes);
        y = aligned_alloc(64, bytes);
        if (*(float *)o.temps.v[0] != 1.0f)
            xs = aligned_alloc(64, bytes);
        long l3 = sb_cache_size(3);
        /* 4 x L3, capped: some VMs report the whole host's L3 */
        ev.len = (size_t)(l3 > 0 && 4 * l3 < (512L << 20) ? 4 * l3 : 512L << 20);
        ev.buf = o.cold ? malloc(ev.len) : NULL;
        if (x == NULL || y == NULL || (o.cold && ev.buf == NULL) ||
            (*(float *)o.temps.v[0] != 1.0f && xs == NULL))
            rc = sb_usage_error("bench: cannot allocate %zu floats", maxn);
        else {
            memset(x, 0, bytes);
            memset(y, 0, bytes);
            if (xs != NULL)
                memset(xs, 0, bytes);
        }
    }
    if (rc != 0) {
        free(x);
        free(y);
        free(xs);
        free(ev.buf);
        free(calls);
        free(ctxs);
        free(rows);
        free(results);
        if (csv.f != NULL)
            sb_out_close(&csv, 0, err, sizeof err);
        if (json.f != NULL)
            sb_out_close(&json, 0, err, sizeof err);
        goto done;
    }

    const struct sb_dataset_spec *ds = o.datasets.v[0];
    float T = *(float *)o.temps.v[0];
    double tsc = sb_tsc_hz();
    struct sb_clock clk = {sb_clock_monotonic, NULL};
    struct sb_plan plan = {.min_sample = o.min_time, .samples = o.samples, .max_reps = 1u << 30,
                           .evict = o.cold ? evict : NULL, .evict_ctx = &ev};
    printf("softbench bench: cpu %s, usable ISA %s%s%s, %s cache, input %s, T=%g\n",
           sb_cpu_model(), softmax_isa_name(softmax_isa_available()), *isa_note ? "; " : "",
           isa_note, o.cold ? "cold" : "warm", ds->label, (double)T);
    if (sb_emulated())
        printf("EMULATED: the times below measure qemu-user, not an aarch64 CPU\n");
    printf("timer: CLOCK_MONOTONIC; TSC %.3f GHz (reference cycles, not core cycles); %s; "
           "peers: %s\n\n",
           tsc / 1e9, o.pin >= 0 ? "pinned" : "not pinned", sb_peers_versions());
    printf("%-17s %9s %7s %12s %8s %8s %8s %11s %11s %7s\n", "kernel", "n", "reps", "median ns",
           "ns/elem", "GB/s", "refcyc/e", "min ns", "max ns", "MAD");
    if (csv.f != NULL)
        fputs("kernel,kind,n,T,reps,samples,median_ns,min_ns,max_ns,mad_ns,ns_per_elem,gb_per_s,"
              "ref_cycles_per_elem,noisy\n",
              csv.f);
    if (json.f != NULL) {
        fputs("{\n  \"softbench\": {\"command\": \"bench\", \"format\": 1},\n  \"machine\": {\n", json.f);
        sb_machine_json(json.f, "    ");
        fprintf(json.f, "  },\n  \"params\": {\"dataset\": ");
        sb_json_str(json.f, ds->label);
        fprintf(json.f, ", \"seed\": %llu, \"T\": ", (unsigned long long)o.seed);
        sb_json_num(json.f, T);
        fprintf(json.f, ", \"cold\": %s, \"pinned_cpu\": ", o.cold ? "true" : "false");
        if (o.pin >= 0)
            fprintf(json.f, "%d", o.pin);
        else
            fputs("null", json.f);
        fprintf(json.f, ", \"min_sample_s\": %g, \"samples\": %zu, \"isa\": ", o.min_time,
                o.samples);
        sb_json_str(json.f, softmax_isa_name(softmax_isa_available()));
        fputs(", \"bytes_per_element\": 8, \"timer\": \"CLOCK_MONOTONIC\",\n    \"peers_input\": "
              "\"x/T, prepared outside the timed loop\", \"peers\": ", json.f);
        sb_json_str(json.f, sb_peers_versions());
        fputs(",\n    \"kernels\": [", json.f);
        for (size_t i = 0; i < o.kernels.n; i++) {
            fputs(i ? ", " : "", json.f);
            sb_json_str(json.f, ((const struct softmax_kernel *)o.kernels.v[i])->name);
        }
        fputs("],\n    \"skipped\": [", json.f);
        for (size_t i = 0; i < sb_peer_missing_count(); i++) {
            fprintf(json.f, "%s{\"kernel\": \"%s\", \"reason\": ", i ? ", " : "",
                    sb_peer_missing_name(i));
            sb_json_str(json.f, sb_peer_missing_reason(i));
            fputc('}', json.f);
        }
        fputs("]},\n  \"rows\": [", json.f);
    }
    for (size_t i = 0; i < sb_peer_missing_count(); i++)
        printf("SKIP %s: %s\n", sb_peer_missing_name(i), sb_peer_missing_reason(i));

    int tty = isatty(2) && !o.quiet, failed = 0;
    size_t nrows = 0;
    for (size_t si = 0; si < o.sizes.n; si++) {
        size_t n = *(size_t *)o.sizes.v[si];
        sb_dataset_generate(ds, x, n, o.seed);
        /* the peers have no temperature: they get x/T, made here, untimed */
        for (size_t i = 0; xs != NULL && i < n; i++)
            xs[i] = x[i] / T;
        /* the kernels this CPU runs, measured side by side (sb_measure_set) */
        size_t nw = 0;
        for (size_t ki = 0; ki < o.kernels.n; ki++) {
            const struct softmax_kernel *k = o.kernels.v[ki];
            if (!softmax_kernel_supported(k)) {
                printf("%-17s %9zu  SKIP: needs %s, which this CPU (or the cap) lacks\n", k->name,
                       n, softmax_isa_name(k->isa));
                continue;
            }
            int peer_t = xs != NULL && sb_is_peer(k);
            calls[nw] = (struct sb_call){.k = k, .x = peer_t ? xs : x, .y = y, .n = n,
                                         .T = peer_t ? 1.0f : T};
            ctxs[nw] = &calls[nw];
            rows[nw] = (struct row){.k = k, .kind = kind_of(k), .n = n};
            nw++;
        }
        if (tty)
            fprintf(stderr, "\r\033[Kbench [%zu/%zu] n=%zu: %zu kernels side by side", si + 1,
                    o.sizes.n, n, nw);
        sb_measure_set(nw, sb_call_once, ctxs, &clk, &plan, results);
        if (tty)
            fputs("\r\033[K", stderr);
        for (size_t w = 0; w < nw; w++) {
            const struct softmax_kernel *k = calls[w].k;
            struct row r = rows[w];
            r.r = results[w];
            if (calls[w].rc != SOFTMAX_OK) {
                printf("%-17s %9zu  ERROR: the kernel returned %d\n", k->name, n, calls[w].rc);
                failed = 1;
                continue;
            }
            print_row(&r, tsc);
            if (csv.f != NULL)
                fprintf(csv.f, "%s,%s,%zu,%.9g,%zu,%zu,%.1f,%.1f,%.1f,%.1f,%.4f,%.4f,%.4f,%d\n",
                        k->name, r.kind, n, (double)T, r.r.reps, r.r.stats.k,
                        r.r.stats.median * 1e9, r.r.stats.min * 1e9, r.r.stats.max * 1e9,
                        r.r.stats.mad * 1e9, n ? r.r.stats.median * 1e9 / (double)n : 0.0,
                        n ? bytes_of(k) * (double)n / r.r.stats.median / 1e9 : 0.0,
                        n ? r.r.stats.median * tsc / (double)n : 0.0, r.r.stats.noisy);
            if (json.f != NULL)
                json_row(json.f, &r, tsc, nrows == 0);
            nrows++;
        }
    }
    free(calls);
    free(ctxs);
    free(rows);
    free(results);
    if (json.f != NULL)
        fputs("\n  ]\n}\n", json.f);
    free(x);
    free(y);
    free(xs);
    free(ev.buf);
    if (csv.f != NULL && sb_out_close(&csv, 1, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (json.f != NULL && sb_out_close(&json, 1, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (rc == 0 && failed)
        rc = SB_EXIT_FAIL;
done:
    sb_list_free(&o.kernels, 0);
    sb_list_free(&o.sizes, 1);
    sb_list_free(&o.temps, 1);
    sb_list_free(&o.datasets, 1);
    sb_list_free(&o.shapes, 1);
    sb_list_free(&o.threads, 1);
    return rc < 0 ? SB_EXIT_OK : rc;
}

/* softbench loop: generate the input, call the kernel --iters times. */
int sb_cmd_loop(int argc, char **argv)
{
    static const struct option lo[] = {{"iters", required_argument, 0, 'i'},
                                       {"seed", required_argument, 0, 's'},
                                       {0, 0, 0, 0}};
    struct sb_list ks = {0}, ns = {0}, ts = {0}, ds = {0};
    unsigned long iters = 0;
    uint64_t seed = 1;
    char *end;
    int c, rc = 0;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":k:n:T:d:", lo, NULL)) != -1) {
        switch (c) {
        case 'k': rc = sb_parse_kernels(optarg, &ks); break;
        case 'n': rc = sb_parse_sizes(optarg, &ns); break;
        case 'T': rc = sb_parse_temps(optarg, &ts); break;
        case 'd': rc = sb_parse_datasets(optarg, &ds); break;
        case 's': rc = sb_parse_seed(optarg, &seed); break;
        case 'i':
            errno = 0;
            iters = strtoul(optarg, &end, 10);
            if (end == optarg || *end || errno || *optarg == '-')
                rc = sb_usage_error("loop: --iters needs a whole number, not '%s'", optarg);
            break;
        default: rc = sb_usage_error("loop: usage: softbench loop -k KERNEL -n N --iters I [-T T] [-d D]");
        }
    }
    if (rc == 0 && optind < argc)
        rc = sb_usage_error("loop: unexpected argument '%s'", argv[optind]);
    if (rc == 0 && (ks.n != 1 || ns.n != 1 || ts.n > 1 || ds.n > 1 || iters == 0))
        rc = sb_usage_error("loop: needs one -k KERNEL, one -n N, --iters I (I >= 1)");
    if (rc == 0 && !softmax_kernel_supported(ks.v[0]))
        rc = sb_usage_error("loop: %s needs %s, which this CPU (or SOFTMAX_ISA) lacks",
                            ((const struct softmax_kernel *)ks.v[0])->name,
                            softmax_isa_name(((const struct softmax_kernel *)ks.v[0])->isa));
    if (rc == 0 && ds.n == 0)
        rc = sb_parse_datasets("normal", &ds);
    float *x = NULL, *y = NULL;
    if (rc == 0) {
        size_t n = *(size_t *)ns.v[0];
        float T = ts.n ? *(float *)ts.v[0] : 1.0f;
        const struct softmax_kernel *k = ks.v[0];
        /* as bench allocates: 64-byte aligned, padded */
        size_t bytes = ((n + 32) * sizeof(float) + 63) / 64 * 64;
        x = aligned_alloc(64, bytes);
        y = aligned_alloc(64, bytes);
        if (x == NULL || y == NULL || sb_dataset_is_file(ds.v[0]))
            rc = sb_usage_error("loop: cannot prepare the input");
        else {
            sb_dataset_generate(ds.v[0], x, n, seed);
            for (unsigned long i = 0; i < iters && rc == 0; i++)
                if (k->fn(x, y, n, T) != SOFTMAX_OK)
                    rc = sb_usage_error("loop: %s failed", k->name);
        }
    }
    free(x);
    free(y);
    sb_list_free(&ks, 0);
    sb_list_free(&ns, 1);
    sb_list_free(&ts, 1);
    sb_list_free(&ds, 1);
    return rc;
}
