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

#include "bench_cmd.h"
#include "jsonio.h"
#include "keys.h"
#include "peers.h"
#include "plugin.h"

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

static int parse(int argc, char **argv, struct sb_bench_opts *o)
{
    static const struct option lo[] = {
        {"cold", no_argument, 0, 'C'},           {"pin", required_argument, 0, 'P'},
        {"min-time", required_argument, 0, 'M'}, {"samples", required_argument, 0, 'S'},
        {"isa", required_argument, 0, 'I'},      {"quick", no_argument, 0, 'Q'},
        {"csv", required_argument, 0, 'c'},      {"json", required_argument, 0, 'j'},
        {"seed", required_argument, 0, 's'},     {"shape", required_argument, 0, 'x'},
        {"threads", required_argument, 0, 't'},  {"mask", required_argument, 0, 'm'},
        {"dtype", required_argument, 0, 'D'},    {"out", required_argument, 0, 'O'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
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

int sb_cmd_bench(int argc, char **argv)
{
    sb_plugin_set_vetted(1); /* times are the kernel's, not a fork's (plugin.h) */
    struct sb_bench_opts o = {.min_time = 0.001, .pin = -1, .seed = 1};
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
        rc = sb_bench_shapes(&o, &csv, &json);
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
    struct sb_brow *rows = calloc(o.kernels.n + 1, sizeof *rows);
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
    struct sb_plan plan = {.min_sample = o.min_time,
                           .samples = o.samples,
                           .max_reps = 1u << 30,
                           .evict = o.cold ? evict : NULL,
                           .evict_ctx = &ev};
    printf("softbench bench: cpu %s, usable ISA %s%s%s, %s cache, input %s, T=%g\n", sb_cpu_model(),
           softmax_isa_name(softmax_isa_available()), *isa_note ? "; " : "", isa_note,
           o.cold ? "cold" : "warm", ds->label, (double)T);
    if (sb_emulated())
        printf("EMULATED: the times below measure qemu-user, not an aarch64 CPU\n");
    printf("timer: CLOCK_MONOTONIC; TSC %.3f GHz (reference cycles, not core cycles); %s; "
           "peers: %s\n\n",
           tsc / 1e9, o.pin >= 0 ? "pinned" : "not pinned", sb_peers_versions());
    sb_cols_text_head(stdout, sb_bench_cols, sb_bench_ncols);
    if (csv.f != NULL)
        sb_cols_csv_head(csv.f, sb_bench_cols, sb_bench_ncols);
    json_t *doc = NULL, *params = NULL, *jrows = NULL;
    int jbad = json.f != NULL && (doc = sb_bench_doc("bench", &params, &jrows)) == NULL;
    if (doc != NULL) {
        json_t *names = json_array(), *skipped = json_array();
        jbad |= sb_jset(params, SBK_DATASET, sb_jstr(ds->label)) |
                sb_jset(params, SBK_SEED, sb_juint(o.seed)) | sb_jset(params, SBK_T, sb_jnum(T)) |
                sb_jset(params, SBK_COLD, json_boolean(o.cold)) |
                sb_jset(params, SBK_PINNED_CPU, o.pin >= 0 ? json_integer(o.pin) : json_null()) |
                sb_jset(params, SBK_MIN_SAMPLE_S, sb_jnum(sb_spelled("%g", o.min_time))) |
                sb_jset(params, SBK_SAMPLES, sb_juint(o.samples)) |
                sb_jset(params, SBK_ISA, sb_jstr(softmax_isa_name(softmax_isa_available()))) |
                sb_jset(params, SBK_BYTES_PER_ELEMENT, json_integer(8)) |
                sb_jset(params, SBK_TIMER, json_string("CLOCK_MONOTONIC")) |
                sb_jset(params, SBK_PEERS_INPUT,
                        json_string("x/T, prepared outside the timed loop")) |
                sb_jset(params, SBK_PEERS, sb_jstr(sb_peers_versions())) |
                sb_jset(params, SBK_KERNELS, names) | sb_jset(params, SBK_SKIPPED, skipped);
        for (size_t i = 0; i < o.kernels.n && !jbad; i++) {
            const struct softmax_kernel *k = o.kernels.v[i];
            jbad = sb_jappend(names, sb_jstr(k->name));
        }
        for (size_t i = 0; i < sb_peer_missing_count() && !jbad; i++) {
            json_t *m = json_object();
            jbad = sb_jappend(skipped, m) |
                   sb_jset(m, SBK_KERNEL, sb_jstr(sb_peer_missing_name(i))) |
                   sb_jset(m, SBK_REASON, sb_jstr(sb_peer_missing_reason(i)));
        }
    }
    for (size_t i = 0; i < sb_peer_missing_count(); i++)
        printf("SKIP %s: %s\n", sb_peer_missing_name(i), sb_peer_missing_reason(i));

    int tty = isatty(2) && !o.quiet, failed = 0;
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
            int peer_t = xs != NULL && sb_is_peer(k) && !sb_is_plugin(k);
            calls[nw] = (struct sb_call){
                .k = k, .x = peer_t ? xs : x, .y = y, .n = n, .T = peer_t ? 1.0f : T};
            ctxs[nw] = &calls[nw];
            rows[nw] =
                (struct sb_brow){.k = k, .kind = sb_bench_kind(k), .n = n, .T = T, .tsc_hz = tsc};
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
            struct sb_brow r = rows[w];
            r.r = results[w];
            if (calls[w].rc != SOFTMAX_OK) {
                printf("%-17s %9zu  ERROR: the kernel returned %d\n", k->name, n, calls[w].rc);
                failed = 1;
                continue;
            }
            jbad |= sb_brow_emit(sb_bench_cols, sb_bench_ncols, &r, csv.f, jrows) != 0;
        }
    }
    free(calls);
    free(ctxs);
    free(rows);
    free(results);
    if (json.f != NULL && sb_bench_doc_write(&json, doc, jbad) != 0)
        rc = sb_usage_error("%s: %s", o.json, jbad ? "out of memory" : "cannot write");
    free(x);
    free(y);
    free(xs);
    free(ev.buf);
    if (csv.f != NULL && sb_out_close(&csv, 1, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (json.f != NULL && sb_out_close(&json, rc == 0, err, sizeof err) != 0)
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
    sb_plugin_set_vetted(1);
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
        default:
            rc = sb_usage_error(
                "loop: usage: softbench loop -k KERNEL -n N --iters I [-T T] [-d D]");
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
