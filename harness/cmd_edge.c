/* cmd_edge.c - softbench edge: the edge-case contract and the properties,
 * as a matrix of cases x kernels, with the offending output of each failure. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "contract.h"
#include "keys.h"
#include "peers.h"
#include "vecio.h"

static const char help[] =
    "usage: softbench edge [-k KERNEL...] [-c CASE...] [--bound-scale F] [--batch]\n"
    "                      [--json FILE]\n"
    "\n"
    "Runs the edge-case contract (docs/contract.md) on each kernel: one row per case, one\n"
    "column per kernel. A failure of a safe kernel exits 1; the unsafe kernels'\n"
    "failures are shown as 'fail*' and do not count; a peer, which declares no\n"
    "bound, shows 'ulp*' where its only fault is not being correctly rounded.\n"
    "Cases: -c NAME[,NAME...].\n"
    "--bound-scale F holds kernels to F times their declared bound.\n"
    "--json FILE writes the matrix, with each failure's output, for reports.\n"
    "--batch runs each case through softmax_batch instead: the input repeated on\n"
    "enough rows (65536 elements at least, so the 2-thread pool takes part) at a\n"
    "stride with NaN padding; every row must come out the same, and row 0 is\n"
    "held to the case.\n";

/* --batch: the kernel under test, and the pool, for batch_wrap. (The guard
 * case's forked child runs its batch on the calling thread: a pool's
 * workers do not survive fork. The bits are the same.) */
static const struct softmax_kernel *wrapped;
static struct softmax_pool *edge_pool;

/* A case's call through softmax_batch (see --batch). Rows that differ give
 * an output no case accepts (every element 12345). */
static int batch_wrap(const float *x, float *y, size_t n, float T)
{
    if (!(T > 0.0f))
        return SOFTMAX_EINVAL_T;
    if (n > 0 && (x == NULL || y == NULL))
        return SOFTMAX_ENULL;
    if (n == 0)
        return softmax_batch(wrapped, x, 0, y, 0, 1, 0, T, edge_pool);
    size_t ld = n + 5, rows = 65536 / n + 1 < 3 ? 3 : 65536 / n + 1;
    float *xs = malloc(rows * ld * sizeof *xs), *ys = malloc(rows * ld * sizeof *ys);
    if (xs == NULL || ys == NULL) {
        free(xs);
        free(ys);
        return SOFTMAX_ENOMEM;
    }
    for (size_t i = 0; i < rows * ld; i++)
        xs[i] = ys[i] = i % ld < n ? x[i % ld] : NAN;
    int st = softmax_batch(wrapped, xs, ld, ys, ld, rows, n, T, edge_pool);
    int same = 1;
    for (size_t r = 1; st == SOFTMAX_OK && r < rows; r++)
        same &= memcmp(ys, ys + r * ld, n * sizeof *ys) == 0;
    for (size_t i = 0; st == SOFTMAX_OK && i < n; i++)
        y[i] = same ? ys[i] : 12345.0f;
    free(xs);
    free(ys);
    return st;
}

static json_t *edge_jdoc(const struct sb_list *kernels, const struct sb_list *cases,
                         const struct sb_case_result *res, size_t fails, size_t expected,
                         size_t skips)
{
    size_t nk = kernels->n;
    json_t *doc = sb_jhead("edge", 1, NULL), *names = json_array(), *cs = json_array(),
           *sum = json_object();
    int bad = 0;
    for (size_t k = 0; k < nk; k++)
        bad |= sb_jappend(names, sb_jstr(((const struct softmax_kernel *)kernels->v[k])->name));
    for (size_t ci = 0; ci < cases->n; ci++) {
        const struct sb_case *c = cases->v[ci];
        json_t *o = json_object(), *rs = json_array();
        int b = sb_jset(o, SBK_NAME, sb_jstr(c->name));
        b |= sb_jset(o, SBK_RULE, sb_jstr(c->rule));
        for (size_t k = 0; k < nk; k++) {
            const struct sb_case_result *r = &res[ci * nk + k];
            json_t *ro = json_object();
            int rb = sb_jset(ro, SBK_STATUS, sb_jstr(r->mark));
            rb |= sb_jset(ro, SBK_DETAIL, sb_jstr(r->pass ? "" : r->detail));
            b |= sb_jappend(rs, sb_jdone(ro, rb));
        }
        b |= sb_jset(o, SBK_RESULTS, rs);
        bad |= sb_jappend(cs, sb_jdone(o, b));
    }
    bad |= sb_jset(sum, SBK_FAIL, json_integer((json_int_t)fails));
    bad |= sb_jset(sum, SBK_EXPECTED, json_integer((json_int_t)expected));
    bad |= sb_jset(sum, SBK_SKIP, json_integer((json_int_t)skips));
    bad |= sb_jset(doc, SBK_KERNELS, names);
    bad |= sb_jset(doc, SBK_CASES, cs);
    bad |= sb_jset(doc, SBK_SUMMARY, sum);
    return sb_jdone(doc, bad);
}

int sb_cmd_edge(int argc, char **argv)
{
    static const struct option lo[] = {{"help", no_argument, 0, 'h'},
                                       {"batch", no_argument, 0, 'B'},
                                       {"bound-scale", required_argument, 0, 'b'},
                                       {"json", required_argument, 0, 'j'},
                                       {0, 0, 0, 0}};
    const char *json = NULL;
    double scale = 1.0;
    struct sb_list kernels = {0}, cases = {0};
    int c, rc = 0, batch = 0;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":k:c:", lo, NULL)) != -1) {
        switch (c) {
        case 'k': rc = sb_parse_kernels(optarg, &kernels); break;
        case 'b': rc = sb_parse_scale(optarg, &scale); break;
        case 'B': batch = 1; break;
        case 'j': json = optarg; break;
        case 'c': {
            char *copy = strdup(optarg), *save = NULL;
            for (char *t = strtok_r(copy, ",", &save); t != NULL && rc == 0;
                 t = strtok_r(NULL, ",", &save)) {
                const struct sb_case *cs = sb_case_find(t);
                if (cs == NULL)
                    rc = sb_usage_error("edge: unknown case '%s' (softbench edge --help)", t);
                else
                    sb_list_push(&cases, (void *)cs);
            }
            free(copy);
            break;
        }
        case 'h':
            fputs(help, stdout);
            for (size_t i = 0; i < sb_case_count(); i++)
                printf("  %-14s %s\n", sb_case_at(i)->name, sb_case_at(i)->rule);
            sb_list_free(&kernels, 0);
            return SB_EXIT_OK;
        case ':': rc = sb_usage_error("edge: option '%s' needs a value", argv[optind - 1]); break;
        default: rc = sb_usage_error("edge: unknown option '%s'", argv[optind - 1]); break;
        }
    }
    if (rc == 0 && optind < argc)
        rc = sb_usage_error("edge: unexpected argument '%s'", argv[optind]);
    if (rc == 0 && kernels.n == 0)
        rc = sb_parse_kernels("all", &kernels);
    int all_cases = cases.n == 0;
    for (size_t i = 0; rc == 0 && all_cases && i < sb_case_count(); i++)
        sb_list_push(&cases, (void *)sb_case_at(i));
    if (rc != 0) {
        sb_list_free(&kernels, 0);
        sb_list_free(&cases, 0);
        return rc;
    }

    size_t nk = kernels.n, nc = cases.n;
    struct sb_case_result *res = calloc(nk * nc, sizeof *res);
    char err[512];
    struct sb_out out = {0};
    if (res == NULL)
        rc = sb_usage_error("out of memory");
    else if (batch && (edge_pool = softmax_pool_create(2)) == NULL)
        rc = sb_usage_error("edge: cannot start a pool of 2 threads");
    else if (json != NULL && sb_out_open(&out, json, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (rc != 0) {
        free(res);
        softmax_pool_destroy(edge_pool);
        sb_list_free(&kernels, 0);
        sb_list_free(&cases, 0);
        return rc;
    }
    printf("softbench edge: cpu %s, usable ISA %s%s\n\n%-14s", sb_cpu_model(),
           softmax_isa_name(softmax_isa_available()),
           batch ? "; every kernel through softmax_batch, 2 threads" : "", "case");
    for (size_t k = 0; k < nk; k++)
        printf(" %-17s", ((const struct softmax_kernel *)kernels.v[k])->name);
    printf(" rule\n");
    size_t fails = 0, expected = 0, skips = 0;
    for (size_t ci = 0; ci < nc; ci++) {
        const struct sb_case *cs = cases.v[ci];
        printf("%-14s", cs->name);
        for (size_t k = 0; k < nk; k++) {
            struct softmax_kernel held = sb_scaled_kernel(kernels.v[k], scale);
            const struct softmax_kernel *kr = &held;
            if (batch && !sb_is_peer(kr)) {
                wrapped = kernels.v[k];
                held.fn = batch_wrap;
                held.rows = NULL; /* the record's fn is replaced: its rows too */
            }
            struct sb_case_result *r = &res[ci * nk + k];
            const char *mark;
            if (!softmax_kernel_supported(kr)) {
                mark = "SKIP";
                r->pass = 1;
                skips++;
            } else {
                sb_case_run(cs, kr, r);
                mark = r->pass                           ? "pass"
                       : kr->safe                        ? "FAIL"
                       : sb_is_peer(kr) && r->bound_only ? "ulp*"
                                                         : "fail*";
                fails += !r->pass && kr->safe;
                expected += !r->pass && !kr->safe;
            }
            r->mark = mark;
            printf(" %-17s", mark);
            fflush(stdout);
        }
        printf(" %s\n", cs->rule);
    }
    if (fails + expected > 0)
        printf("\nfailures:\n");
    for (size_t ci = 0; ci < nc; ci++)
        for (size_t k = 0; k < nk; k++) {
            const struct softmax_kernel *kr = kernels.v[k];
            const struct sb_case_result *r = &res[ci * nk + k];
            if (!r->pass)
                printf("  %s %s%s: %s\n", kr->name, ((const struct sb_case *)cases.v[ci])->name,
                       kr->safe ? "" : " (not counted)", r->detail);
        }
    if (out.f != NULL) {
        if (sb_jout_close(&out, edge_jdoc(&kernels, &cases, res, fails, expected, skips), err,
                          sizeof err) != 0) {
            free(res);
            softmax_pool_destroy(edge_pool);
            sb_list_free(&kernels, 0);
            sb_list_free(&cases, 0);
            return sb_usage_error("%s", err);
        }
    }
    printf("\nedge: %zu cases x %zu kernels: %zu FAIL of safe kernels, %zu failures of unsafe "
           "kernels and peers (shown, not counted), %zu skipped\n",
           nc, nk, fails, expected, skips);
    free(res);
    softmax_pool_destroy(edge_pool);
    sb_list_free(&kernels, 0);
    sb_list_free(&cases, 0);
    return fails > 0 ? SB_EXIT_FAIL : SB_EXIT_OK;
}
