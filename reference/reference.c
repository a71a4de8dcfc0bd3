/* reference.c - correctly rounded softmax in MPFR.
 *
 * The argument. Let m be the largest finite x_i; y_i = e_i / S with
 * e_i = exp(d_i), d_i = (x_i - m)/T <= 0 and S = sum_j e_j >= 1.
 *  1. Terms with d_i < -D are skipped, D = max(200, (P + 20) ln 2) for a sum
 *     at P bits: their y_i < e^-D < 2^-150 round to +0, and together they add
 *     at most n e^-D to S (relative, as S >= 1), which shrinks as P grows.
 *  2. The sum: d_j at precision P (two roundings, relative 2^(1-P)), so
 *     |error of d_j| <= D * 2^(1-P); exp adds 2^-P. Each kept e_j is within
 *     (2.02 D + 1) * 2^-P relative; P-bit additions add at most
 *     (n + threads) * 2^-P relative (all terms positive). eps_S bounds the
 *     sum with a 1% margin. P and p are at least 32 bits, which the margins
 *     need, and at most 1000.
 *  3. Each y_i is evaluated at precision p with its own error
 *     eps = 1.01 * ((1 + 2.02 |d_i|) 2^-p + eps_S + 2^-p), and its bracket
 *     [y(1 - eps), y(1 + eps)] (outward rounding) is rounded to float at both
 *     ends. Equal ends: that float is the correct rounding of every value in
 *     the bracket, the exact y_i included; float's subnormal grid is honoured
 *     because mpfr_get_flt rounds to it. Different ends: retry with p doubled
 *     (once p nears the sum's precision, the sum is recomputed at twice it).
 *     Exact operations (ternary 0) contribute no error, so an exactly
 *     representable y (all finite entries equal, n a power of two) needs no
 *     retry. The retry terminates for every other input: by the
 *     Lindemann-Weierstrass theorem y_i is transcendental unless all finite
 *     d_j are 0, so it is never exactly a midpoint between two floats.
 * Edge inputs are decided before any of this: a NaN makes the result
 * undefined; all -inf is 0/0, undefined; k entries of +inf give the limit
 * 1/k there and 0 elsewhere; T = +inf gives the limit, uniform over the
 * finite entries. -inf entries are exactly 0.
 */
#include "reference.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <mpfr.h>

/* Below 32 bits the margins of the argument do not hold; above 1000 the
 * double arithmetic of the error bounds would underflow. */
#define PREC_MIN 32
#define PREC_CAP 1000

const char *sbref_kind_name(enum sbref_kind kind)
{
    switch (kind) {
    case SBREF_EXACT: return "exact";
    case SBREF_LIMIT: return "limit";
    case SBREF_NAN_INPUT: return "undefined: NaN in input";
    case SBREF_ALL_NEG_INF: return "undefined: every entry is -inf";
    case SBREF_EMPTY: return "empty";
    }
    return "unknown";
}

const char *sbref_mpfr_version(void) { return mpfr_get_version(); }

/* The input and output of one call: float32, or float64 (sbref_softmax64).
 * Inputs are read as doubles (a float converts exactly), outputs rounded
 * once, from MPFR, to the output's format, subnormals included. */
struct io {
    const float *xf;
    const double *xd;
    float *yf;
    double *yd;
};
static double in_at(const struct io *io, size_t i) { return io->xd ? io->xd[i] : io->xf[i]; }
static void out_set(const struct io *io, size_t i, double v)
{
    if (io->yd)
        io->yd[i] = v;
    else
        io->yf[i] = (float)v; /* v is a float already (out_round), or 0, NaN, inf */
}
/* op rounded to nearest in the output's format, as a double. */
static double out_round(const struct io *io, mpfr_srcptr op)
{
    return io->yd ? mpfr_get_d(op, MPFR_RNDN) : (double)mpfr_get_flt(op, MPFR_RNDN);
}

/* 1/k correctly rounded to the output format (k >= 1): 1/k is never a
 * midpoint, and 192 bits put it far enough from one (its distance to any
 * 54-bit number is at least 2^-118 relative for k < 2^64). */
static double recip_rounded(const struct io *io, size_t k)
{
    mpfr_t t;
    mpfr_init2(t, 192);
    mpfr_set_ui(t, 1, MPFR_RNDN);
    mpfr_div_ui(t, t, (unsigned long)k, MPFR_RNDN);
    double r = out_round(io, t);
    mpfr_clear(t);
    return r;
}

/* d = (v - m) / T rounded at d's precision; returns 1 when inexact. */
static int arg_of(mpfr_t d, double v, double m, double T)
{
    mpfr_set_d(d, v, MPFR_RNDN);
    int t1 = mpfr_sub_d(d, d, (double)m, MPFR_RNDN);
    int t2 = mpfr_div_d(d, d, (double)T, MPFR_RNDN);
    return t1 != 0 || t2 != 0;
}

struct job {
    const struct io *io;
    size_t lo, hi;
    double m, T;
    long prec;  /* pass 1: the sum's precision; pass 2: the first p */
    long dskip; /* terms with d below -dskip are skipped */
    /* pass 1 results */
    mpfr_t part;
    int exact;
    size_t nterms, nskip;
    /* pass 2 inputs and results */
    mpfr_srcptr S;
    double eps_S;
    int S_exact;
    unsigned char *fail; /* per element: 1 when the sum was not precise enough */
    int revisit;
    long prec_max;
    size_t retries, nfail;
};

static void *pass_sum(void *arg)
{
    struct job *j = arg;
    mpfr_t d, e;
    mpfr_inits2(j->prec, d, e, (mpfr_ptr)0);
    mpfr_set_zero(j->part, 1);
    j->exact = 1;
    j->nterms = j->nskip = 0;
    for (size_t i = j->lo; i < j->hi; i++) {
        double v = in_at(j->io, i);
        if (v == -INFINITY)
            continue;
        int inex = arg_of(d, v, j->m, j->T);
        if (mpfr_cmp_si(d, -j->dskip) < 0) {
            j->nskip++;
            continue;
        }
        inex |= mpfr_exp(e, d, MPFR_RNDN) != 0;
        inex |= mpfr_add(j->part, j->part, e, MPFR_RNDN) != 0;
        j->exact &= !inex;
        j->nterms++;
    }
    mpfr_clears(d, e, (mpfr_ptr)0);
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    return NULL;
}

/* Evaluates y_i at precision p; returns 1 when the bracket rounds to one
 * value of the output format (written to *out). */
static int try_element(const struct io *io, double v, double m, double T, mpfr_srcptr S,
                       double eps_S, int S_exact, long dskip, long p, double *out)
{
    mpfr_t d, y, lo, hi;
    mpfr_inits2(p, d, y, (mpfr_ptr)0);
    mpfr_inits2(p + 8, lo, hi, (mpfr_ptr)0);
    int inex_d = arg_of(d, v, m, T);
    if (mpfr_cmp_si(d, -dskip) < 0) { /* step 1 of the argument: +0 */
        mpfr_clears(d, y, lo, hi, (mpfr_ptr)0);
        *out = 0.0;
        return 1;
    }
    double ad = fabs(mpfr_get_d(d, MPFR_RNDN));
    int inex_e = mpfr_exp(y, d, MPFR_RNDN) != 0 || inex_d;
    int inex_q = mpfr_div(y, y, S, MPFR_RNDN) != 0;
    double u = ldexp(1.0, (int)-p);
    double eps = 0.0;
    if (inex_e)
        eps += (1.0 + 2.02 * ad) * u; /* ad <= dskip here */
    if (!S_exact)
        eps += eps_S;
    if (inex_q)
        eps += u;
    eps *= 1.01;
    int ok;
    if (eps == 0.0) {
        *out = out_round(io, y);
        ok = 1;
    } else {
        /* lo, hi: y -+ y*eps, rounded outward; y > 0, so lo is clamped at +0 */
        mpfr_mul_d(hi, y, eps, MPFR_RNDU);
        mpfr_sub(lo, y, hi, MPFR_RNDD);
        mpfr_add(hi, y, hi, MPFR_RNDU);
        if (mpfr_sgn(lo) < 0)
            mpfr_set_zero(lo, 1);
        double a = out_round(io, lo), b = out_round(io, hi);
        ok = a == b;
        *out = a;
    }
    mpfr_clears(d, y, lo, hi, (mpfr_ptr)0);
    return ok;
}

/* Pass 2: every element in the first round, then only those marked in
 * fail, whose precision was limited by the sum's. */
static void *pass_out(void *arg)
{
    struct job *j = arg;
    for (size_t i = j->lo; i < j->hi; i++) {
        double v = in_at(j->io, i);
        if (j->revisit && !j->fail[i])
            continue;
        j->fail[i] = 0;
        if (v == -INFINITY) {
            out_set(j->io, i, 0.0);
            continue;
        }
        long p = j->prec;
        double r;
        while (!try_element(j->io, v, j->m, j->T, j->S, j->eps_S, j->S_exact, j->dskip, p, &r)) {
            j->retries++;
            /* A larger p cannot help once the sum's error dominates. */
            if ((!j->S_exact && ldexp(j->eps_S, (int)p) > 1024.0) || 2 * p > PREC_CAP) {
                j->fail[i] = 1;
                j->nfail++;
                break;
            }
            p *= 2;
        }
        out_set(j->io, i, r);
        if (p > j->prec_max)
            j->prec_max = p;
    }
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    return NULL;
}

/* Runs fn over nt jobs of `size` bytes each (struct job or struct ljob),
 * one thread each beyond the first; those no thread took run here. */
static void run_jobs(void *jobs, size_t size, unsigned nt, void *(*fn)(void *))
{
    pthread_t tid[8];
    unsigned started = 0;
    char *j = jobs;
    for (unsigned t = 1; t < nt; t++) {
        if (pthread_create(&tid[t], NULL, fn, j + t * size) != 0)
            break;
        started = t;
    }
    fn(j);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(tid[t], NULL);
    for (unsigned t = started + 1; t < nt; t++)
        fn(j + t * size);
}

static unsigned pick_threads(const struct sbref_opts *o, size_t n)
{
    long nt = o != NULL && o->threads > 0 ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (nt < 1)
        nt = 1;
    if (nt > 8)
        nt = 8;
    if (n < 4096)
        nt = 1;
    return (unsigned)nt;
}

static void fill(float *y, size_t n, float v)
{
    for (size_t i = 0; i < n; i++)
        y[i] = v;
}

static void fill_io(const struct io *io, size_t n, double v)
{
    for (size_t i = 0; i < n; i++)
        out_set(io, i, v);
}

/* The limit cases: value 1/k on the entries that pick selects. */
static void fill_limit(const struct io *io, size_t n, size_t k, int pinf)
{
    double r = recip_rounded(io, k);
    for (size_t i = 0; i < n; i++) {
        double v = in_at(io, i);
        int sel = pinf ? v == INFINITY : isfinite(v);
        out_set(io, i, sel ? r : 0.0);
    }
}

static int softmax_io(const struct io *io, size_t n, double T, const struct sbref_opts *opts,
                      struct sbref_info *info);

int sbref_softmax(const float *x, size_t n, float T, float *y, const struct sbref_opts *opts,
                  struct sbref_info *info)
{
    if (info != NULL)
        *info = (struct sbref_info){.kind = SBREF_EXACT};
    if (n > 0 && (x == NULL || y == NULL || x == y)) /* a retry rereads x after y is written */
        return SBREF_EINVAL;
    struct io io = {.xf = x, .yf = y};
    return softmax_io(&io, n, T, opts, info);
}

int sbref_softmax64(const double *x, size_t n, double T, double *y, const struct sbref_opts *opts,
                    struct sbref_info *info)
{
    if (info != NULL)
        *info = (struct sbref_info){.kind = SBREF_EXACT};
    if (n > 0 && (x == NULL || y == NULL || x == y))
        return SBREF_EINVAL;
    struct io io = {.xd = x, .yd = y};
    return softmax_io(&io, n, T, opts, info);
}

static int softmax_io(const struct io *io, size_t n, double T, const struct sbref_opts *opts,
                      struct sbref_info *info)
{
    struct sbref_info dummy;
    if (info == NULL)
        info = &dummy;
    *info = (struct sbref_info){.kind = SBREF_EXACT};
    if (!(T > 0.0))
        return SBREF_EINVAL;
    if (n == 0) {
        info->kind = SBREF_EMPTY;
        return SBREF_OK;
    }

    size_t n_pinf = 0, n_fin = 0;
    double m = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double v = in_at(io, i);
        if (isnan(v)) {
            info->kind = SBREF_NAN_INPUT;
            info->index = i;
            fill_io(io, n, NAN);
            return SBREF_UNDEFINED;
        }
        if (v == INFINITY)
            n_pinf++;
        else if (v != -INFINITY) {
            n_fin++;
            m = v > m ? v : m;
        }
    }
    if (n_pinf > 0 || (isinf(T) && n_fin > 0)) {
        info->kind = SBREF_LIMIT;
        fill_limit(io, n, n_pinf > 0 ? n_pinf : n_fin, n_pinf > 0);
        return SBREF_OK;
    }
    if (n_fin == 0) {
        info->kind = SBREF_ALL_NEG_INF;
        fill_io(io, n, NAN);
        return SBREF_UNDEFINED;
    }

    unsigned nt = pick_threads(opts, n);
    /* a double output needs its 53 bits and a margin from the start */
    long pe = opts != NULL && opts->prec_elem > 0 ? opts->prec_elem : io->yd ? 96 : 64;
    long ps = opts != NULL && opts->prec_sum > 0 ? opts->prec_sum
                                                 : 80 + (long)ceil(log2((double)n + 1.0));
    /* a double input must be read exactly (arg_of at d's precision): 64
     * bits at least, and ps/2 of a retry then stays above 53 too */
    long pmin = io->xd ? 64 : PREC_MIN;
    pe = pe < pmin ? pmin : pe > PREC_CAP ? PREC_CAP : pe;
    ps = ps < pmin ? pmin : ps > PREC_CAP ? PREC_CAP : ps;
    struct job jobs[8];
    unsigned char *fail = calloc(n, 1);
    if (fail == NULL)
        return SBREF_ENOMEM;
    mpfr_t S;
    mpfr_init2(S, ps);
    int status = SBREF_OK;
    for (int round = 0;; round++) {
        /* e^-D below half the output's smallest subnormal: 2^-150, 2^-1075 */
        long dskip = (long)ceil((double)(ps + 20) * 0.6931471805599453), dmin = io->yd ? 746 : 200;
        dskip = dskip < dmin ? dmin : dskip;
        for (unsigned t = 0; t < nt; t++) {
            jobs[t] = (struct job){.io = io,
                                   .m = m,
                                   .T = T,
                                   .prec = ps,
                                   .dskip = dskip,
                                   .lo = n * t / nt,
                                   .hi = n * (t + 1) / nt};
            mpfr_init2(jobs[t].part, ps);
        }
        run_jobs(jobs, sizeof *jobs, nt, pass_sum);
        mpfr_set_prec(S, ps);
        mpfr_set_zero(S, 1);
        int S_exact = 1;
        size_t nterms = 0, nskip = 0;
        for (unsigned t = 0; t < nt; t++) {
            int inex = mpfr_add(S, S, jobs[t].part, MPFR_RNDN) != 0;
            S_exact &= jobs[t].exact && !inex;
            nterms += jobs[t].nterms;
            nskip += jobs[t].nskip;
            mpfr_clear(jobs[t].part);
        }
        S_exact &= nskip == 0;
        double eps_S = 1.01 * (2.02 * (double)dskip + 1.0 + (double)nterms + nt) *
                           ldexp(1.0, (int)-ps) +
                       (double)nskip * exp(-(double)dskip);

        size_t nfail = 0;
        for (unsigned t = 0; t < nt; t++) {
            jobs[t].S = S;
            jobs[t].eps_S = eps_S;
            jobs[t].S_exact = S_exact;
            jobs[t].fail = fail;
            jobs[t].revisit = round > 0;
            jobs[t].prec = round == 0 ? pe : ps / 2;
        }
        run_jobs(jobs, sizeof *jobs, nt, pass_out);
        for (unsigned t = 0; t < nt; t++) {
            nfail += jobs[t].nfail;
            info->retries += jobs[t].retries;
            if (jobs[t].prec_max > info->prec_max)
                info->prec_max = jobs[t].prec_max;
        }
        info->prec_sum = ps;
        if (nfail == 0)
            break;
        /* Redo the sum at twice the precision; revisit the marked elements. */
        if (ps >= PREC_CAP) {
            status = SBREF_ENOROUND;
            break;
        }
        ps = 2 * ps > PREC_CAP ? PREC_CAP : 2 * ps;
    }
    free(fail);
    mpfr_clear(S);
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    return status;
}

/* ---- log-softmax
 *
 * The argument. With m, d_i as above, k the number of entries equal to m
 * (d = 0 exactly) and R = sum of exp(d_j) over the other finite entries,
 * y_i = d_i - L with L = log(k + R) = log k + log1p(R/k). Both d_i <= 0 and
 * -L <= 0, so y_i = -(|d_i| + L) suffers no cancellation: every relative
 * error below is relative to |y_i| too.
 *  1. Terms with d_j < -D are skipped, D = (P + 171) ln 2: together they
 *     change R, and so L (d log1p(r)/dr <= 1), by at most n e^-D absolute,
 *     carried in the bracket as an absolute error (where it matters, y_i ~
 *     -R is near float's subnormal range, 2^-149; R itself is not bounded
 *     below, so no relative term could hold it).
 *  2. R at P bits: each term within (2.02 D + 1) 2^-P relative (as for the
 *     softmax sum), the additions (n + threads) 2^-P: eps_R with 1% margin.
 *     log1p(R/k) is no more sensitive to R than R itself (r/(1+r) <=
 *     log1p(r)); R/k, log1p, log k and their sum add 4 2^-P relative.
 *  3. y_i = d_i - L at P bits: d_i within 2^(1-P)|d_i|, the subtraction
 *     2^-P. Bracket: [y_i (1 + eps) - abs, y_i (1 - eps)], eps = 1.01
 *     (eps_L + 3 2^-P): skipped terms only lower y. When all else is exact
 *     the upper end is the number just below y_i: an exact float midpoint
 *     d_i (x_i - max needs 25 bits) with terms skipped rounds down, as the
 *     true value, a hair below it, does.
 *     Equal float ends: done; else the whole is redone at 2P for the
 *     elements that failed. It terminates: y_i is never a float midpoint,
 *     since k + R = e^q for a rational q would be a vanishing combination of
 *     exponentials of distinct algebraic numbers (Lindemann-Weierstrass), and
 *     when R = 0 the only rational outcome, y_i = 0 (k = 1), is exact (with
 *     terms skipped, the one-sided bracket above decides).
 * Edges as for softmax, in the log domain: k entries +inf give -log k there
 * and -inf elsewhere (the limit of log of the softmax limit); T = +inf gives
 * -log k on the k finite entries; -inf entries give -inf exactly; NaN or
 * every entry -inf are undefined (NaN). */

struct ljob {
    const float *x;
    float *y;
    size_t lo, hi;
    float m, T;
    long prec, dskip;
    mpfr_t part;
    int exact;
    size_t nterms, nskip, nmax;
    /* pass 2 */
    mpfr_srcptr L;
    double eps, abs_err;
    int L_exact, skipped; /* L exact but for the skipped terms; terms skipped */
    unsigned char *fail;
    int revisit;
    size_t nfail;
};

static void *log_pass_sum(void *arg)
{
    struct ljob *j = arg;
    mpfr_t d, e;
    mpfr_inits2(j->prec, d, e, (mpfr_ptr)0);
    mpfr_set_zero(j->part, 1);
    j->exact = 1;
    j->nterms = j->nskip = j->nmax = 0;
    for (size_t i = j->lo; i < j->hi; i++) {
        float v = j->x[i];
        if (v == -INFINITY)
            continue;
        if (v == j->m) {
            j->nmax++;
            continue;
        }
        int inex = arg_of(d, v, j->m, j->T);
        if (mpfr_cmp_si(d, -j->dskip) < 0) {
            j->nskip++;
            continue;
        }
        inex |= mpfr_exp(e, d, MPFR_RNDN) != 0;
        inex |= mpfr_add(j->part, j->part, e, MPFR_RNDN) != 0;
        j->exact &= !inex;
        j->nterms++;
    }
    mpfr_clears(d, e, (mpfr_ptr)0);
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    return NULL;
}

static void *log_pass_out(void *arg)
{
    struct ljob *j = arg;
    mpfr_t d, lo, hi;
    mpfr_inits2(j->prec, d, (mpfr_ptr)0);
    mpfr_inits2(j->prec + 8, lo, hi, (mpfr_ptr)0);
    for (size_t i = j->lo; i < j->hi; i++) {
        float v = j->x[i];
        if (j->revisit && !j->fail[i])
            continue;
        j->fail[i] = 0;
        if (v == -INFINITY) {
            j->y[i] = -INFINITY;
            continue;
        }
        int inex = arg_of(d, v, j->m, j->T);
        inex |= mpfr_sub(d, d, j->L, MPFR_RNDN) != 0;
        if (!inex && j->L_exact && !j->skipped) {
            j->y[i] = mpfr_get_flt(d, MPFR_RNDN);
            continue;
        }
        /* d <= 0. Skipped terms only lower y, by at most abs_err: lo takes
         * them, hi does not; when nothing else is inexact, hi is just below
         * d, so that an exact midpoint d rounds as the true y, below it */
        if (!inex && j->L_exact) {
            mpfr_sub_d(lo, d, j->abs_err, MPFR_RNDD);
            mpfr_set(hi, d, MPFR_RNDN);
            mpfr_nextbelow(hi);
        } else {
            mpfr_mul_d(hi, d, j->eps, MPFR_RNDD);
            mpfr_add(lo, d, hi, MPFR_RNDD);
            mpfr_sub_d(lo, lo, j->abs_err, MPFR_RNDD);
            mpfr_sub(hi, d, hi, MPFR_RNDU);
        }
        float a = mpfr_get_flt(lo, MPFR_RNDN), b = mpfr_get_flt(hi, MPFR_RNDN);
        if (a == b) /* y < 0 unless exact (above): a zero is -0 */
            j->y[i] = a == 0.0f ? -0.0f : a;
        else {
            j->fail[i] = 1;
            j->nfail++;
        }
    }
    mpfr_clears(d, lo, hi, (mpfr_ptr)0);
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    return NULL;
}

/* -log k correctly rounded (k >= 1): transcendental for k >= 2, so 128 bits
 * decide its rounding as they do 1/k's (recip_rounded). */
static float neglog_rounded(size_t k)
{
    mpfr_t t;
    mpfr_init2(t, 128);
    mpfr_set_ui(t, (unsigned long)k, MPFR_RNDN);
    mpfr_log(t, t, MPFR_RNDN);
    mpfr_neg(t, t, MPFR_RNDN);
    float r = mpfr_get_flt(t, MPFR_RNDN);
    mpfr_clear(t);
    return r;
}

float sbref_neglog(size_t k) { return neglog_rounded(k); }

int sbref_log_softmax(const float *x, size_t n, float T, float *y, const struct sbref_opts *opts,
                      struct sbref_info *info)
{
    struct sbref_info dummy;
    if (info == NULL)
        info = &dummy;
    *info = (struct sbref_info){.kind = SBREF_EXACT};
    if (!(T > 0.0f) || (n > 0 && (x == NULL || y == NULL || x == y)))
        return SBREF_EINVAL;
    if (n == 0) {
        info->kind = SBREF_EMPTY;
        return SBREF_OK;
    }
    size_t n_pinf = 0, n_fin = 0;
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        if (isnan(v)) {
            info->kind = SBREF_NAN_INPUT;
            info->index = i;
            fill(y, n, NAN);
            return SBREF_UNDEFINED;
        }
        if (v == INFINITY)
            n_pinf++;
        else if (v != -INFINITY) {
            n_fin++;
            m = v > m ? v : m;
        }
    }
    if (n_pinf > 0 || (isinf(T) && n_fin > 0)) {
        info->kind = SBREF_LIMIT;
        float r = neglog_rounded(n_pinf > 0 ? n_pinf : n_fin);
        for (size_t i = 0; i < n; i++)
            y[i] = (n_pinf > 0 ? x[i] == INFINITY : isfinite(x[i])) ? r : -INFINITY;
        return SBREF_OK;
    }
    if (n_fin == 0) {
        info->kind = SBREF_ALL_NEG_INF;
        fill(y, n, NAN);
        return SBREF_UNDEFINED;
    }

    unsigned nt = pick_threads(opts, n);
    long p = opts != NULL && opts->prec_sum > 0 ? opts->prec_sum
                                                : 80 + (long)ceil(log2((double)n + 1.0));
    p = p < PREC_MIN ? PREC_MIN : p > PREC_CAP ? PREC_CAP : p;
    unsigned char *fail = calloc(n, 1);
    if (fail == NULL)
        return SBREF_ENOMEM;
    struct ljob jobs[8];
    int status = SBREF_OK;
    mpfr_t R, L, t;
    mpfr_inits2(p, R, L, t, (mpfr_ptr)0);
    for (int round = 0;; round++) {
        long dskip = (long)ceil((double)(p + 171) * 0.6931471805599453);
        for (unsigned i = 0; i < nt; i++) {
            jobs[i] = (struct ljob){.x = x,
                                    .y = y,
                                    .m = m,
                                    .T = T,
                                    .prec = p,
                                    .dskip = dskip,
                                    .lo = n * i / nt,
                                    .hi = n * (i + 1) / nt};
            mpfr_init2(jobs[i].part, p);
        }
        run_jobs(jobs, sizeof *jobs, nt, log_pass_sum);
        mpfr_set_prec(R, p);
        mpfr_set_prec(L, p);
        mpfr_set_prec(t, p);
        mpfr_set_zero(R, 1);
        int exact = 1;
        size_t nterms = 0, nskip = 0, k = 0;
        for (unsigned i = 0; i < nt; i++) {
            int inex = mpfr_add(R, R, jobs[i].part, MPFR_RNDN) != 0;
            exact &= jobs[i].exact && !inex;
            nterms += jobs[i].nterms;
            nskip += jobs[i].nskip;
            k += jobs[i].nmax;
            mpfr_clear(jobs[i].part);
        }
        /* L = log k + log1p(R/k) */
        exact &= mpfr_div_ui(t, R, (unsigned long)k, MPFR_RNDN) == 0;
        exact &= mpfr_log1p(t, t, MPFR_RNDN) == 0;
        mpfr_set_ui(L, (unsigned long)k, MPFR_RNDN);
        exact &= mpfr_log(L, L, MPFR_RNDN) == 0;
        exact &= mpfr_add(L, L, t, MPFR_RNDN) == 0;
        double u = ldexp(1.0, (int)-p);
        double eps_R = 1.01 * (2.02 * (double)dskip + 1.0 + (double)nterms + nt) * u;
        for (unsigned i = 0; i < nt; i++) {
            jobs[i].L = L;
            jobs[i].L_exact = exact;
            jobs[i].skipped = nskip > 0;
            jobs[i].eps = 1.01 * (1.01 * (eps_R + 4.0 * u) + 3.0 * u);
            /* n e^-D <= n 2^-(p+171) */
            jobs[i].abs_err = ldexp((double)nskip, (int)-(p + 171));
            jobs[i].fail = fail;
            jobs[i].revisit = round > 0;
            jobs[i].nfail = 0;
        }
        run_jobs(jobs, sizeof *jobs, nt, log_pass_out);
        size_t nfail = 0;
        for (unsigned i = 0; i < nt; i++)
            nfail += jobs[i].nfail;
        info->prec_sum = p;
        info->prec_max = p;
        info->retries += round > 0 ? nfail : 0;
        if (nfail == 0)
            break;
        if (p >= PREC_CAP) {
            status = SBREF_ENOROUND;
            break;
        }
        p = 2 * p > PREC_CAP ? PREC_CAP : 2 * p;
    }
    mpfr_clears(R, L, t, (mpfr_ptr)0);
    free(fail);
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    return status;
}
