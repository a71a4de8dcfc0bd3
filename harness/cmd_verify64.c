/* cmd_verify64.c - softbench verify64: the float64 kernels (softmax64_*)
 * on the generated inputs, against the MPFR reference rounded to double
 * (sbref_softmax64), each element held to its kernel's declared bound in ULP
 * of double. The inputs are the float datasets' values as doubles. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metrics.h"
#include "reference.h"

static const char help[] =
    "usage: softbench verify64 [-k KERNEL...] [-n SIZES] [-d DATASETS] [-T TEMPS]\n"
    "                          [--seed S]\n"
    "\n"
    "The float64 kernels (scalar64.*; default all) on the datasets (their float\n"
    "values as doubles), against the MPFR reference rounded to double, each\n"
    "element within the kernel's declared bound in ULP of double.\n"
    "exit: 0 every kernel within what it declares, 1 one is not, 2 usage error\n";

struct fig {
    double max_ulp, mean, worst_ratio, frac_cr, sum_err;
    size_t over;
};

/* Every element against the reference and the kernel's bound; limits and
 * undefined inputs exactly (the contract), as verify does for float. */
static void judge64(const struct softmax64_kernel *k, const double *x, const double *y,
                    const double *ref, size_t n, double T, int kind, struct fig *f)
{
    *f = (struct fig){.frac_cr = 1.0};
    if (n == 0)
        return;
    double m = -INFINITY, abar = 0.0, s = 0.0, sum = 0.0;
    size_t cr = 0;
    for (size_t i = 0; i < n; i++)
        m = isfinite(x[i]) && x[i] > m ? x[i] : m;
    const int shifted = k->bound.arg == SOFTMAX_ARG_SHIFTED;
    for (size_t i = 0; i < n; i++)
        if (ref[i] > 0.0)
            abar += ref[i] * fabs(shifted ? x[i] - m : x[i]) / T;
    for (size_t i = 0; i < n; i++) {
        double e = sb_ulp_error64(y[i], ref[i]);
        double a = fabs(shifted ? x[i] - m : x[i]) / T;
        /* T comes from verify's float list, so (float)T is T itself */
        double bound = kind == SBREF_LIMIT || x[i] == -INFINITY
                           ? 0.0
                           : softmax_bound_ulp(&k->bound, a, abar, n, (float)T);
        if (kind == SBREF_NAN_INPUT || kind == SBREF_ALL_NEG_INF) {
            e = isnan(y[i]) ? 0.0 : INFINITY; /* the contract: NaN everywhere */
            bound = 0.0;
        }
        f->max_ulp = e > f->max_ulp ? e : f->max_ulp;
        s += e;
        cr += e == 0.0;
        double ratio = e == 0.0 ? 0.0 : bound > 0.0 ? e / bound : INFINITY;
        f->worst_ratio = ratio > f->worst_ratio ? ratio : f->worst_ratio;
        f->over += e > bound;
        sum += y[i];
    }
    f->mean = s / (double)n;
    f->frac_cr = (double)cr / (double)n;
    f->sum_err = fabs(sum - 1.0);
}

int sb_cmd_verify64(int argc, char **argv)
{
    static const struct option lo[] = {{"seed", required_argument, 0, 's'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    struct sb_list names = {0}, sizes = {0}, datasets = {0}, temps = {0};
    uint64_t seed = 1;
    int c, rc = 0;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":k:n:d:T:", lo, NULL)) != -1) {
        switch (c) {
        case 'k': {
            char *copy = strdup(optarg), *save = NULL;
            for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; rc == 0 && t != NULL;
                 t = strtok_r(NULL, ",", &save)) {
                const struct softmax64_kernel *k = softmax64_kernel_find(t);
                if (k == NULL)
                    rc = sb_usage_error("verify64: unknown float64 kernel '%s' (scalar64.naive, "
                                        "threepass, twopass, online, accurate)",
                                        t);
                else if (sb_list_push(&names, (void *)k) != 0)
                    rc = sb_usage_error("out of memory");
            }
            free(copy);
            break;
        }
        case 'n': rc = sb_parse_sizes(optarg, &sizes); break;
        case 'd': rc = sb_parse_datasets(optarg, &datasets); break;
        case 'T': rc = sb_parse_temps(optarg, &temps); break;
        case 's': rc = sb_parse_seed(optarg, &seed); break;
        case 'h': fputs(help, stdout); return SB_EXIT_OK;
        case ':':
            rc = sb_usage_error("verify64: option '%s' needs a value", argv[optind - 1]);
            break;
        default: rc = sb_usage_error("verify64: unknown option '%s'", argv[optind - 1]); break;
        }
    }
    if (rc == 0 && optind < argc)
        rc = sb_usage_error("verify64: unexpected argument '%s'", argv[optind]);
    const int all = names.n == 0;
    for (size_t i = 0; rc == 0 && all && i < softmax64_kernel_count(); i++)
        rc = sb_list_push(&names, (void *)softmax64_kernel_at(i)) ? sb_usage_error("out of memory")
                                                                  : 0;
    if (rc == 0 && sizes.n == 0)
        rc = sb_parse_sizes("0-9,15-17,31-33,100,255-257,1000,4096,32000", &sizes);
    if (rc == 0 && datasets.n == 0)
        rc = sb_parse_datasets("uniform;normal;normal:sigma=16;llm;underflow;huge:mag=1e30;equal",
                               &datasets);
    if (rc == 0 && temps.n == 0)
        rc = sb_parse_temps("1", &temps);
    size_t maxn = 0;
    for (size_t i = 0; rc == 0 && i < sizes.n; i++)
        maxn = *(size_t *)sizes.v[i] > maxn ? *(size_t *)sizes.v[i] : maxn;
    float *xf = NULL;
    double *x = NULL, *y = NULL, *ref = NULL;
    if (rc == 0) {
        xf = malloc((maxn + 1) * sizeof *xf);
        x = malloc((maxn + 1) * sizeof *x);
        y = malloc((maxn + 1) * sizeof *y);
        ref = malloc((maxn + 1) * sizeof *ref);
        if (xf == NULL || x == NULL || y == NULL || ref == NULL)
            rc = sb_usage_error("cannot allocate %zu doubles", maxn);
    }
    size_t nrows = 0, nok = 0, nx = 0, nfail = 0;
    if (rc == 0)
        printf("softbench verify64: float64 kernels against MPFR rounded to double, seed %llu\n\n"
               "%-19s %-24s %8s %6s %9s %8s %6s %8s %7s  %s\n",
               (unsigned long long)seed, "kernel", "dataset", "n", "T", "max_ulp", "mean", "bound",
               "|sum-1|", "CR%", "status");
    for (size_t di = 0; rc == 0 && di < datasets.n; di++) {
        const struct sb_dataset_spec *ds = datasets.v[di];
        if (sb_dataset_is_file(ds)) {
            rc = sb_usage_error("verify64: file datasets are not supported here ('%s')", ds->label);
            break;
        }
        for (size_t si = 0; rc == 0 && si < sizes.n; si++) {
            size_t n = *(size_t *)sizes.v[si];
            sb_dataset_generate(ds, xf, n, seed);
            for (size_t i = 0; i < n; i++)
                x[i] = xf[i];
            for (size_t ti = 0; rc == 0 && ti < temps.n; ti++) {
                double T = *(float *)temps.v[ti];
                struct sbref_info info;
                if (sbref_softmax64(x, n, T, ref, NULL, &info) < 0) {
                    rc = sb_usage_error("reference failed on %s n=%zu", ds->label, n);
                    break;
                }
                for (size_t ki = 0; ki < names.n; ki++) {
                    const struct softmax64_kernel *k = names.v[ki];
                    for (size_t i = 0; i < n; i++)
                        y[i] = NAN;
                    int st = k->fn(x, y, n, T);
                    struct fig f;
                    judge64(k, x, y, ref, n, T, (int)info.kind, &f);
                    const char *status = st == SOFTMAX_OK && f.over == 0 ? "ok"
                                         : !k->safe && k->in_domain && !k->in_domain(x, n, T)
                                             ? "xfail"
                                             : "FAIL";
                    nrows++;
                    nok += status[0] == 'o';
                    nx += status[0] == 'x';
                    nfail += status[0] == 'F';
                    printf("%-19s %-24.24s %8zu %6g %9.3g %8.3f %5.0f%% %8.2e %7.2f  %s\n", k->name,
                           ds->label, n, T, f.max_ulp, f.mean, f.worst_ratio * 100.0, f.sum_err,
                           f.frac_cr * 100.0, status);
                    if (status[0] == 'F')
                        fprintf(stderr,
                                "FAIL %s on %s n=%zu T=%g: %zu element(s) over the bound "
                                "(max %.3g ULP)\n",
                                k->name, ds->label, n, T, f.over, f.max_ulp);
                }
            }
        }
    }
    if (rc == 0) {
        printf("\nverify64: %zu rows: %zu ok, %zu xfail (unsafe kernel outside its domain), %zu "
               "FAIL\n",
               nrows, nok, nx, nfail);
        rc = nfail > 0 ? SB_EXIT_FAIL : SB_EXIT_OK;
    }
    free(xf);
    free(x);
    free(y);
    free(ref);
    sb_list_free(&names, 0);
    sb_list_free(&sizes, 1);
    sb_list_free(&datasets, 1);
    sb_list_free(&temps, 1);
    return rc;
}
