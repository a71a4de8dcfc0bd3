/* cmd_bhh.c - softbench bhh: the main comparison of P. Blanchard, D. J.
 * Higham and N. J. Higham, "Accurately computing the log-sum-exp and softmax
 * functions" (IMA J. Numer. Anal. 41(4), 2021), on their 2500 MNIST
 * pre-softmax vectors, reproduced against the MPFR reference.
 *
 * Their formulas, each operation rounded to the working format (as their
 * chop does: every result, exp and log included, rounded to nearest):
 *   lse.basic      log(sum_j e^x_j), summed in order
 *   lse.shifted    a + log1p(sum_{j != k} e^(x_j - a)), a = x_k = max
 *   sm.basic       e^x_i / sum_j e^x_j
 *   sm.alt         e^(x_i - lse.basic)         (division-free, unshifted)
 *   sm.shifted     e^(x_i - a) / (1 + s)
 *   sm.altshifted  e^(x_i - lse.shifted)       (division-free, shifted)
 * in fp32, bf16 (8 significant bits, fp32's range) and fp16 (11 bits, max
 * 65504, subnormals), the input rounded to the format first, as theirs. In
 * fp32, real kernels of this library beside them: the dispatcher's softmax
 * (shifted, three-pass), avx*.twopass (unshifted), scalar.naive (the basic
 * formula), and division-free ones, exp of a log-softmax kernel's output
 * (expf(log_threepass): alt. shifted; expf(log_naive): alt. unshifted).
 *
 * Errors against the exact values (MPFR, 200 bits, then to double): their
 * normwise measure max_i |y^_i - y_i| / (u max_i y_i) and relative lse error
 * |f^ - f| / (u |f|), u the format's unit roundoff, and our componentwise
 * one: max_i distance to the correctly rounded value in ULP of the format. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>

#include "cli.h"
#include "datasets.h"
#include "keys.h"
#include "softmax.h"
#include "vecio.h"

static const char help[] =
    "usage: softbench bhh [--data PATH] [--rows N] [--csv FILE] [--json FILE]\n"
    "\n"
    "Blanchard, Higham and Higham's comparison of log-sum-exp and softmax formulas\n"
    "(basic, shifted, division-free) in fp32, bf16 and fp16 (simulated rounding), and\n"
    "this library's kernels in fp32, on their MNIST pre-softmax vectors, against\n"
    "the MPFR reference: their normwise error and our componentwise ULP error.\n"
    "\n"
    "  --data PATH  the vectors (.npy, rows x 10; default: the mnist dataset's\n"
    "               file, bhh2021_mnist_presoftmax_f32.npy in ../shared/data)\n"
    "  --rows N     the first N vectors only\n"
    "  --csv FILE   one line per format and vector, every variant's errors\n"
    "  --json FILE  the summary per format and variant\n"
    "\n"
    "exit: 0 done, 2 usage or data error\n";

struct fmt {
    const char *name;
    int p;          /* significant bits */
    int emin, emax; /* exponents of the smallest and largest normal */
};
static const struct fmt fmts[] = {{"fp32", 24, -126, 127},
                                  {"bf16", 8, -126, 127},
                                  {"fp16", 11, -14, 15}};
#define NFMT 3

/* v rounded to nearest even in the format: subnormals on the format's
 * grid, overflow to infinity (the quotient by a power of two is exact). */
static double R(const struct fmt *f, double v)
{
    if (v == 0.0 || !isfinite(v))
        return v;
    int e = ilogb(v);
    e = e < f->emin ? f->emin : e;
    double q = ldexp(1.0, e - (f->p - 1)), r = nearbyint(v / q) * q;
    double big = ldexp(2.0 - ldexp(1.0, 1 - f->p), f->emax);
    return fabs(r) > big ? copysign(INFINITY, v) : r;
}

static double ulp_fmt(const struct fmt *f, double r)
{
    int e = r == 0.0 ? f->emin : ilogb(r);
    return ldexp(1.0, (e < f->emin ? f->emin : e) - (f->p - 1));
}

enum {
    V_BASIC,
    V_ALT,
    V_SHIFTED,
    V_ALTSHIFTED,
    V_K_SOFTMAX,
    V_K_TWOPASS,
    V_K_NAIVE,
    V_K_ACCURATE,
    V_K_DIVFREE,
    V_K_DIVFREE_RAW,
    NV
};
static const char *vname[NV] = {"basic",     "alt",          "shifted", "altshifted",
                                "k.softmax", "k.twopass",    "k.naive", "k.accurate",
                                "k.divfree", "k.divfree_raw"};
#define NCOL 10 /* the most a vector has here (MNIST: 10) */

/* The exact softmax and lse of x (n <= NCOL), from MPFR at 200 bits. */
static void exact(const float *x, size_t n, double *g, double *lse)
{
    mpfr_t s, t, m;
    mpfr_inits2(200, s, t, m, (mpfr_ptr)0);
    float mx = x[0];
    for (size_t i = 1; i < n; i++)
        mx = x[i] > mx ? x[i] : mx;
    mpfr_set_flt(m, mx, MPFR_RNDN);
    mpfr_set_zero(s, 1);
    for (size_t i = 0; i < n; i++) {
        mpfr_set_flt(t, x[i], MPFR_RNDN);
        mpfr_sub(t, t, m, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_add(s, s, t, MPFR_RNDN);
    }
    for (size_t i = 0; i < n; i++) {
        mpfr_set_flt(t, x[i], MPFR_RNDN);
        mpfr_sub(t, t, m, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_div(t, t, s, MPFR_RNDN);
        g[i] = mpfr_get_d(t, MPFR_RNDN);
    }
    mpfr_log(s, s, MPFR_RNDN);
    mpfr_add(s, s, m, MPFR_RNDN);
    *lse = mpfr_get_d(s, MPFR_RNDN);
    mpfr_clears(s, t, m, (mpfr_ptr)0);
}

/* The formulas, every result rounded to f; lse[0] basic, lse[1] shifted. */
static void formulas(const struct fmt *f, const double *x, size_t n, double out[][NCOL],
                     double lse[2])
{
    double e[NCOL], s = 0.0;
    for (size_t i = 0; i < n; i++) {
        e[i] = R(f, exp(x[i]));
        s = R(f, s + e[i]);
    }
    lse[0] = R(f, log(s));
    for (size_t i = 0; i < n; i++) {
        out[V_BASIC][i] = R(f, e[i] / s);
        out[V_ALT][i] = R(f, exp(R(f, x[i] - lse[0])));
    }
    size_t k = 0;
    for (size_t i = 1; i < n; i++)
        k = x[i] > x[k] ? i : k;
    double a = x[k];
    s = 0.0;
    for (size_t i = 0; i < n; i++)
        if (i != k) {
            e[i] = R(f, exp(R(f, x[i] - a)));
            s = R(f, s + e[i]);
        }
    e[k] = 1.0;
    lse[1] = R(f, a + R(f, log1p(s)));
    double d = R(f, 1.0 + s);
    for (size_t i = 0; i < n; i++) {
        out[V_SHIFTED][i] = R(f, e[i] / d);
        out[V_ALTSHIFTED][i] = R(f, exp(R(f, x[i] - lse[1])));
    }
}

/* The best-ISA kernel of an algorithm ("threepass"), or of its log twin. */
static const struct softmax_kernel *best(const char *alg)
{
    static const char *isas[] = {"avx512", "avx2", "scalar"};
    for (int i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.%s", isas[i], alg);
        const struct softmax_kernel *k = softmax_kernel_find(name);
        if (k != NULL && softmax_kernel_supported(k))
            return k;
    }
    return NULL;
}

/* The library's kernels in fp32 (x already float): softmax outputs, and
 * division-free ones, expf of a log-softmax kernel's output. */
static void kernels(const float *x, size_t n, double out[][NCOL])
{
    const struct softmax_kernel *ks[NV] = {
        [V_K_SOFTMAX] = softmax_choose(n),     [V_K_TWOPASS] = best("twopass"),
        [V_K_NAIVE] = best("naive"),           [V_K_ACCURATE] = best("accurate"),
        [V_K_DIVFREE] = best("log_threepass"), [V_K_DIVFREE_RAW] = best("log_naive")};
    for (int v = V_K_SOFTMAX; v < NV; v++) {
        float y[NCOL];
        softmax_run(ks[v], x, y, n, 1.0f);
        for (size_t i = 0; i < n; i++)
            out[v][i] = ks[v]->output == SOFTMAX_OUT_LOG ? (double)expf(y[i]) : (double)y[i];
    }
}

struct acc {
    size_t rows, overflow, worse; /* worse: normwise above sm.shifted's */
    double *nw, *ulp;             /* per finite row, sorted at the end */
    double lse_max, lse_sum;
};

static int cmp_d(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

static json_t *summary_jobj(const struct fmt *fm, int v, const struct acc *a)
{
    size_t m = a->rows - a->overflow;
    double mean = 0.0;
    for (size_t i = 0; i < m; i++)
        mean += a->nw[i] / (double)m;
    json_t *o = json_object();
    int bad = sb_jset(o, SBK_FORMAT, sb_jstr(fm->name));
    bad |= sb_jset(o, SBK_VARIANT, sb_jstr(vname[v]));
    bad |= sb_jset(o, SBK_ROWS, json_integer((json_int_t)a->rows));
    bad |= sb_jset(o, SBK_OVERFLOW, json_integer((json_int_t)a->overflow));
    bad |= sb_jset(o, SBK_NORMWISE_MEAN, sb_jnum(mean));
    bad |= sb_jset(o, SBK_NORMWISE_MEDIAN, sb_jnum(m ? a->nw[m / 2] : NAN));
    bad |= sb_jset(o, SBK_NORMWISE_MAX, sb_jnum(m ? a->nw[m - 1] : NAN));
    bad |= sb_jset(o, SBK_ULP_MEDIAN, sb_jnum(m ? a->ulp[m / 2] : NAN));
    bad |= sb_jset(o, SBK_ULP_MAX, sb_jnum(m ? a->ulp[m - 1] : NAN));
    bad |= sb_jset(o, SBK_WORSE_THAN_SHIFTED, json_integer((json_int_t)a->worse));
    if (v == V_BASIC || v == V_SHIFTED) {
        bad |= sb_jset(o, SBK_LSE_MAX, sb_jnum(a->lse_max));
        bad |= sb_jset(o, SBK_LSE_MEAN, sb_jnum(m ? a->lse_sum / (double)m : NAN));
    }
    return sb_jdone(o, bad);
}

/* "points": {"fp32": [[basic, alt, shifted, altshifted], ...], ...}, four
 * significant digits (plot data), null where an lse or output overflowed */
static json_t *points_jobj(const double *pts, size_t rows)
{
    json_t *o = json_object();
    int bad = 0;
    for (int fi = 0; fi < NFMT; fi++) {
        json_t *all = json_array();
        for (size_t r = 0; r < rows; r++) {
            json_t *row = json_array();
            int b = 0;
            for (int v = 0; v < 4; v++) {
                double p = pts[(fi * rows + r) * 4 + v];
                b |= sb_jappend(row, isnan(p) ? json_null() : sb_jnum(sb_spelled("%.4g", p)));
            }
            bad |= sb_jappend(all, sb_jdone(row, b));
        }
        bad |= sb_jset(o, fmts[fi].name, all);
    }
    return sb_jdone(o, bad);
}

int sb_cmd_bhh(int argc, char **argv)
{
    static const struct option lo[] = {{"data", required_argument, 0, 'd'},
                                       {"rows", required_argument, 0, 'r'},
                                       {"csv", required_argument, 0, 'c'},
                                       {"json", required_argument, 0, 'j'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *data = NULL, *csv = NULL, *json = NULL;
    size_t maxrows = (size_t)-1;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'r': {
            char *end;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (end == optarg || *end != '\0' || v == 0 || *optarg == '-')
                return sb_usage_error("bhh: --rows '%s' is not a positive whole number", optarg);
            maxrows = (size_t)v;
            break;
        }
        case 'c': csv = optarg; break;
        case 'j': json = optarg; break;
        case 'h': fputs(help, stdout); return SB_EXIT_OK;
        case ':': return sb_usage_error("bhh: option '%s' needs a value", argv[optind - 1]);
        default: return sb_usage_error("bhh: unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return sb_usage_error("bhh: unexpected argument '%s'", argv[optind]);

    char spec[1100], err[512];
    snprintf(spec, sizeof spec, "mnist%s%s", data ? ":" : "", data ? data : "");
    struct sb_dataset_spec ds;
    float *X = NULL;
    size_t rows, n;
    if (sb_dataset_parse(spec, &ds, err, sizeof err) != 0 ||
        sb_dataset_load(&ds, &X, &rows, &n, err, sizeof err) != 0)
        return sb_usage_error("bhh: %s", err);
    if (n == 0 || n > NCOL || rows == 0) {
        free(X);
        return sb_usage_error("bhh: %s holds %zu vectors of %zu; want vectors of 1 to %d", spec,
                              rows, n, NCOL);
    }
    for (size_t i = 0; i < rows * n; i++)
        if (!isfinite(X[i])) {
            free(X);
            return sb_usage_error("bhh: %s: value %zu is not finite", spec, i);
        }
    rows = rows < maxrows ? rows : maxrows;

    struct sb_out co = {0}, jo = {0};
    struct acc acc[NFMT][NV];
    /* per format and vector, the four formulas' normwise errors: the report's
     * scatter plots (NaN where an lse or output overflowed) */
    double *pts = malloc(NFMT * rows * 4 * sizeof *pts);
    memset(acc, 0, sizeof acc);
    int rc = pts == NULL ? sb_usage_error("out of memory") : 0;
    for (int f = 0; f < NFMT && rc == 0; f++)
        for (int v = 0; v < NV && rc == 0; v++) {
            acc[f][v].nw = malloc(rows * sizeof(double));
            acc[f][v].ulp = malloc(rows * sizeof(double));
            if (acc[f][v].nw == NULL || acc[f][v].ulp == NULL)
                rc = sb_usage_error("out of memory");
        }
    if (rc == 0 && csv != NULL && sb_out_open(&co, csv, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (rc == 0 && json != NULL && sb_out_open(&jo, json, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (rc == 0 && co.f != NULL) {
        fputs("format,row,lse_basic,lse_shifted", co.f);
        for (int w = 0; w < 2; w++)
            for (int v = 0; v < NV; v++)
                fprintf(co.f, ",%s_%s", w ? "ulp" : "nw", vname[v]);
        fputc('\n', co.f);
    }

    for (size_t r = 0; r < rows && rc == 0; r++)
        for (int fi = 0; fi < NFMT; fi++) {
            const struct fmt *f = &fmts[fi];
            float xf[NCOL];
            double x[NCOL], g[NCOL], lse, out[NV][NCOL], l[2], nw[NV], ulp[NV], le[2];
            for (size_t i = 0; i < n; i++) {
                x[i] = R(f, (double)X[r * n + i]);
                xf[i] = (float)x[i];
            }
            exact(xf, n, g, &lse);
            formulas(f, x, n, out, l);
            int nv = fi == 0 ? NV : V_K_SOFTMAX;
            if (fi == 0)
                kernels(xf, n, out);
            double gmax = 0.0;
            for (size_t i = 0; i < n; i++)
                gmax = g[i] > gmax ? g[i] : gmax;
            const double u = ldexp(1.0, -f->p);
            for (int j = 0; j < 2; j++)
                le[j] = fabs(l[j] - lse) / (u * fabs(lse));
            for (int v = 0; v < NV; v++) {
                nw[v] = ulp[v] = NAN;
                if (v >= nv)
                    continue;
                double dn = 0.0, du = 0.0;
                for (size_t i = 0; i < n; i++) {
                    double cr = R(f, g[i]), d = fabs(out[v][i] - g[i]);
                    double e = fabs(out[v][i] - cr) / ulp_fmt(f, cr);
                    dn = d > dn || isnan(d) ? d : dn;
                    du = e > du || isnan(e) ? e : du;
                }
                nw[v] = isfinite(dn) ? dn / (u * gmax) : INFINITY;
                ulp[v] = isfinite(du) ? du : INFINITY;
                struct acc *a = &acc[fi][v];
                a->rows++;
                /* an overflowed lse (basic) or output: counted apart, as BHH do */
                int over = !isfinite(nw[v]) || ((v == V_BASIC || v == V_ALT) && !isfinite(l[0]));
                if (over) {
                    a->overflow++;
                    continue;
                }
                size_t m = a->rows - a->overflow - 1;
                a->nw[m] = nw[v];
                a->ulp[m] = ulp[v];
                if (v == V_BASIC || v == V_SHIFTED) {
                    double e = le[v == V_SHIFTED];
                    a->lse_max = e > a->lse_max ? e : a->lse_max;
                    a->lse_sum += e;
                }
            }
            for (int v = 0; v < nv; v++)
                acc[fi][v].worse += nw[v] > nw[V_SHIFTED];
            for (int v = 0; v < 4; v++) {
                int over = (v == V_BASIC || v == V_ALT) && !isfinite(l[0]);
                pts[(fi * rows + r) * 4 + v] = over || !isfinite(nw[v]) ? NAN : nw[v];
            }
            if (co.f != NULL) {
                fprintf(co.f, "%s,%zu,%.6g,%.6g", f->name, r, le[0], le[1]);
                for (int v = 0; v < NV; v++)
                    fprintf(co.f, ",%.6g", nw[v]);
                for (int v = 0; v < NV; v++)
                    fprintf(co.f, ",%.6g", ulp[v]);
                fputc('\n', co.f);
            }
        }

    if (rc == 0) {
        printf("softbench bhh: %zu vectors of %zu from %s; errors against MPFR\n", rows, n,
               ds.label);
        printf("normwise: max|y^ - y| / (u max y), u = 2^-p of the format (Blanchard et al.); "
               "ulp: max componentwise distance to the correctly rounded value\n\n");
        printf("%-5s %-14s %9s %10s %10s %10s %9s %9s %8s %9s\n", "fmt", "variant", "overflow",
               "nw mean", "nw median", "nw max", "ulp med", "ulp max", ">shift", "lse max");
    }
    json_t *doc = NULL, *sums = NULL;
    int bad = 0;
    if (rc == 0 && jo.f != NULL) {
        doc = sb_jhead("bhh", 1, NULL);
        sums = json_array();
        bad |= sb_jset(doc, SBK_DATA, sb_jstr(ds.label));
        bad |= sb_jset(doc, SBK_ROWS, json_integer((json_int_t)rows));
        bad |= sb_jset(doc, SBK_N, json_integer((json_int_t)n));
    }
    for (int fi = 0; fi < NFMT && rc == 0; fi++)
        for (int v = 0; v < NV; v++) {
            struct acc *a = &acc[fi][v];
            if (a->rows == 0)
                continue;
            size_t m = a->rows - a->overflow;
            qsort(a->nw, m, sizeof *a->nw, cmp_d);
            qsort(a->ulp, m, sizeof *a->ulp, cmp_d);
            double mean = 0.0;
            for (size_t i = 0; i < m; i++)
                mean += a->nw[i] / (double)m;
            char lse[16] = "-";
            if (v == V_BASIC || v == V_SHIFTED)
                snprintf(lse, sizeof lse, "%.3g", a->lse_max);
            printf("%-5s %-14s %9zu %10.3g %10.3g %10.3g %9.3g %9.3g %7.1f%% %9s\n", fmts[fi].name,
                   vname[v], a->overflow, mean, m ? a->nw[m / 2] : NAN, m ? a->nw[m - 1] : NAN,
                   m ? a->ulp[m / 2] : NAN, m ? a->ulp[m - 1] : NAN,
                   100.0 * (double)a->worse / (double)a->rows, lse);
            if (jo.f != NULL)
                bad |= sb_jappend(sums, summary_jobj(&fmts[fi], v, a));
        }
    if (rc == 0 && jo.f != NULL) {
        bad |= sb_jset(doc, SBK_SUMMARY, sums);
        bad |= sb_jset(doc, SBK_POINTS, points_jobj(pts, rows));
        if (sb_jout_close(&jo, sb_jdone(doc, bad), err, sizeof err) != 0)
            rc = sb_usage_error("%s", err);
    }
    free(pts);
    for (int f = 0; f < NFMT; f++)
        for (int v = 0; v < NV; v++) {
            free(acc[f][v].nw);
            free(acc[f][v].ulp);
        }
    free(X);
    if (co.f != NULL && sb_out_close(&co, rc == 0, err, sizeof err) != 0 && rc == 0)
        rc = sb_usage_error("%s", err);
    if (jo.f != NULL && rc != 0)
        sb_out_close(&jo, 0, err, sizeof err);
    mpfr_free_cache();
    return rc;
}
