/* metrics.c - see metrics.h. */
#include "metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "reference.h"

double sb_ulp_of(float r)
{
    float a = fabsf(r);
    if (a < 0x1p-126f)
        return 0x1p-149;
    return ldexp(1.0, ilogbf(a) - 23);
}

double sb_ulp_error(float y, float r)
{
    if (isnan(y) || isnan(r))
        return isnan(y) && isnan(r) ? 0.0 : INFINITY;
    if (isinf(y) || isinf(r))
        return y == r ? 0.0 : INFINITY;
    return fabs((double)y - (double)r) / sb_ulp_of(r);
}

double sb_log_unit(float r) { return fabsf(r) < 0.5f ? 0x1p-24 : sb_ulp_of(r); }

double sb_log_error(float y, float r)
{
    if (isnan(y) || isnan(r) || isinf(y) || isinf(r))
        return sb_ulp_error(y, r);
    return fabs((double)y - (double)r) / sb_log_unit(r);
}

double sb_ulp_of64(double r)
{
    double a = fabs(r);
    return a < 0x1p-1022 ? 0x1p-1074 : ldexp(1.0, ilogb(a) - 52);
}

double sb_ulp_error64(double y, double r)
{
    if (isnan(y) || isnan(r))
        return isnan(y) && isnan(r) ? 0.0 : INFINITY;
    if (isinf(y) || isinf(r))
        return y == r ? 0.0 : INFINITY;
    return fabs(y - r) / sb_ulp_of64(r);
}

double sb_error_of(const struct softmax_kernel *k, float y, float r)
{
    return k != NULL && k->output == SOFTMAX_OUT_LOG ? sb_log_error(y, r) : sb_ulp_error(y, r);
}

double sb_hist_edge(int j)
{
    static const double small[] = {0.0, 0.5, 1.0, 2.0, 3.0, 4.0};
    if (j <= 0)
        return 0.0;
    if (j < 6)
        return small[j];
    return j < SB_HIST_BINS - 1 ? ldexp(1.0, j - 3) : INFINITY;
}

int sb_hist_bin(double ulp)
{
    if (!(ulp <= 0x1p31))
        return SB_HIST_BINS - 1;
    int j = 0;
    while (ulp > sb_hist_edge(j))
        j++;
    return j;
}

void sb_hist_add(struct sb_hist *h, const struct softmax_kernel *k, const float *y,
                 const float *ref, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h->count[sb_hist_bin(sb_error_of(k, y[i], ref[i]))]++;
}

void sb_hist_merge(struct sb_hist *acc, const struct sb_hist *h)
{
    for (int j = 0; j < SB_HIST_BINS; j++)
        acc->count[j] += h->count[j];
}

unsigned long long sb_hist_total(const struct sb_hist *h)
{
    unsigned long long t = 0;
    for (int j = 0; j < SB_HIST_BINS; j++)
        t += h->count[j];
    return t;
}

double sb_sum_compensated(const float *v, size_t n)
{
    double s = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i], t = s + x;
        c += fabs(s) >= fabs(x) ? (s - t) + x : (x - t) + s;
        s = t;
    }
    return s + c;
}

static float finite_max(const float *x, size_t n)
{
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && x[i] > m)
            m = x[i];
    return m;
}

static int is_log(const struct softmax_kernel *k)
{
    return k != NULL && k->output == SOFTMAX_OUT_LOG;
}

static double arg_of(const struct softmax_kernel *k, float xi, float xmax, float T)
{
    double a = k->bound.arg == SOFTMAX_ARG_SHIFTED ? (double)xi - (double)xmax : (double)xi;
    return fabs(a) / (double)T;
}

double sb_abar(const struct softmax_kernel *k, const float *x, const float *ref, size_t n,
               float xmax, float T)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double w = is_log(k) ? exp((double)ref[i]) : (double)ref[i];
        if (w > 0.0)
            s += w * arg_of(k, x[i], xmax, T);
    }
    return s;
}

double sb_element_bound(const struct softmax_kernel *k, const float *x, size_t i, float xmax,
                        double abar, size_t n, float T)
{
    if (x[i] == -INFINITY) /* masked: the contract wants exactly 0 */
        return 0.0;
    return softmax_bound_ulp(&k->bound, arg_of(k, x[i], xmax, T), abar, n, T);
}

/* The lower middle of n > 0 errors (element (n - 1) / 2 of them sorted),
 * reordering e: a quickselect whose three-way partition keeps it linear on
 * average even when most errors are equal, as they are (small whole numbers
 * mostly). sb_error_of never returns NaN, so the order is total. */
static double lower_median(double *e, size_t n)
{
    size_t want = (n - 1) / 2, lo = 0, hi = n; /* the answer lies in [lo, hi) */
    while (hi - lo > 1) {
        double a = e[lo], b = e[lo + (hi - lo) / 2], c = e[hi - 1];
        double p = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        size_t lt = lo, i = lo, gt = hi; /* [lo, lt) < p, [lt, i) = p, [gt, hi) > p */
        while (i < gt) {
            double v = e[i];
            if (v < p) {
                e[i++] = e[lt];
                e[lt++] = v;
            } else if (v > p) {
                e[i] = e[--gt];
                e[gt] = v;
            } else {
                i++;
            }
        }
        if (want < lt)
            hi = lt;
        else if (want >= gt)
            lo = gt;
        else
            return p;
    }
    return e[lo];
}

static size_t argmax_first(const float *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best] || (isnan(v[i]) && !isnan(v[best])))
            best = i;
    return best;
}

void sb_metrics_compute(const float *x, const float *y, const float *ref, size_t n, float T,
                        const struct softmax_kernel *k, enum sb_hold hold, struct sb_metrics *out)
{
    *out = (struct sb_metrics){.n = n, .argmax_ok = 1, .all_nan = n > 0};
    if (n == 0) {
        out->frac_cr = 1.0;
        return;
    }
    float xmax = finite_max(x, n);
    const int lg = is_log(k);
    double abar = hold == SB_HOLD_BOUND ? sb_abar(k, x, ref, n, xmax, T) : 0.0;
    double rmax = 0.0, sum_ulp = 0.0, kl = 0.0, max_abs = 0.0;
    double *err = malloc(n * sizeof *err); /* for the median */
    size_t ncr = 0;
    for (size_t i = 0; i < n; i++) {
        float yi = y[i], ri = ref[i];
        double e = sb_error_of(k, yi, ri);
        if (err != NULL)
            err[i] = e;
        if (!isnan(yi))
            out->all_nan = 0;
        if (e > out->max_ulp) {
            out->max_ulp = e;
            out->max_ulp_at = i;
        }
        sum_ulp += e;
        ncr += e == 0.0;
        double bound = hold == SB_HOLD_BOUND   ? sb_element_bound(k, x, i, xmax, abar, n, T)
                       : hold == SB_HOLD_EXACT ? 0.0
                                               : INFINITY;
        double ratio = e == 0.0 ? 0.0 : bound > 0.0 ? e / bound : INFINITY;
        if (ratio > out->worst_ratio) {
            out->worst_ratio = ratio;
            out->worst_at = i;
            out->worst_bound = bound;
        }
        out->n_over += e > bound;
        double diff = isfinite(yi) ? fabs((double)yi - (double)ri) : INFINITY;
        if (lg && ri == -INFINITY && yi == -INFINITY)
            diff = 0.0; /* a masked entry, exactly right */
        if (ri != 0.0f && isfinite(ri)) {
            double rel = diff / fabs((double)ri);
            out->max_rel = rel > out->max_rel ? rel : out->max_rel;
        } else if (diff > 0.0) {
            out->max_rel = INFINITY;
        }
        max_abs = diff > max_abs ? diff : max_abs;
        if (isfinite(ri))
            rmax = fabs((double)ri) > rmax ? fabs((double)ri) : rmax;
        if (lg) { /* on the probabilities p = exp(r), q = exp(y): p (expm1(d) - d),
                   * d = y - r, which stays finite where exp(y) underflows */
            double p = exp((double)ri), d = (double)yi - (double)ri;
            if (isnan(yi) || yi == INFINITY)
                kl = INFINITY;
            else if (ri == -INFINITY)
                kl += exp((double)yi);
            else
                kl += yi == -INFINITY ? p : p * (expm1(d) - d);
        } else if (!isfinite(yi) || yi < 0.0f)
            kl = INFINITY;
        else if (ri > 0.0f)
            kl += yi > 0.0f ? (double)ri * log((double)ri / (double)yi) - ri + yi : INFINITY;
        else
            kl += yi;
    }
    out->mean_ulp = sum_ulp / (double)n;
    out->median_ulp = err != NULL ? lower_median(err, n) : NAN;
    free(err);
    out->frac_cr = (double)ncr / (double)n;
    out->normwise = rmax > 0.0 ? max_abs / (0x1p-24 * rmax) : INFINITY;
    double s = 0.0;
    if (lg)
        for (size_t i = 0; i < n; i++)
            s += exp((double)y[i]);
    else
        s = sb_sum_compensated(y, n);
    out->sum_err = isfinite(s) ? fabs(s - 1.0) : INFINITY;
    out->kl = kl;
    out->argmax_ok = argmax_first(y, n) == argmax_first(x, n);
}

void sb_metrics_merge(struct sb_metrics *acc, const struct sb_metrics *m, size_t off)
{
    size_t n = acc->n + m->n;
    if (n > 0) {
        acc->mean_ulp = (acc->mean_ulp * (double)acc->n + m->mean_ulp * (double)m->n) / (double)n;
        acc->frac_cr = (acc->frac_cr * (double)acc->n + m->frac_cr * (double)m->n) / (double)n;
    }
    if (m->max_ulp > acc->max_ulp) {
        acc->max_ulp = m->max_ulp;
        acc->max_ulp_at = off + m->max_ulp_at;
    }
    if (m->worst_ratio > acc->worst_ratio) {
        acc->worst_ratio = m->worst_ratio;
        acc->worst_at = off + m->worst_at;
        acc->worst_bound = m->worst_bound;
    }
    acc->median_ulp = m->median_ulp > acc->median_ulp ? m->median_ulp : acc->median_ulp;
    acc->n = n;
    acc->n_over += m->n_over;
    acc->max_rel = m->max_rel > acc->max_rel ? m->max_rel : acc->max_rel;
    acc->normwise = m->normwise > acc->normwise ? m->normwise : acc->normwise;
    acc->sum_err = m->sum_err > acc->sum_err ? m->sum_err : acc->sum_err;
    acc->kl = m->kl > acc->kl ? m->kl : acc->kl;
    acc->argmax_ok = acc->argmax_ok && m->argmax_ok;
    acc->all_nan = acc->all_nan && m->all_nan;
}

int sb_judge(const struct softmax_kernel *k, const float *x, const float *y, const float *ref,
             size_t n, float T, int kind, struct sb_metrics *m)
{
    int undefined = kind == SBREF_NAN_INPUT || kind == SBREF_ALL_NEG_INF;
    enum sb_hold hold = kind == SBREF_LIMIT ? SB_HOLD_EXACT
                        : undefined         ? SB_HOLD_NONE
                                            : SB_HOLD_BOUND;
    sb_metrics_compute(x, y, ref, n, T, k, hold, m);
    return undefined ? m->all_nan || n == 0 : m->n_over == 0;
}

double sb_ulp_of_t(enum softmax_dtype t, float r)
{
    if (t == SOFTMAX_F32)
        return sb_ulp_of(r);
    double a = fabs((double)r), lo = t == SOFTMAX_BF16 ? 0x1p-126 : 0x1p-14;
    int bits = t == SOFTMAX_BF16 ? 7 : 10, e;
    if (!(a >= lo) || isinf(a))
        return isinf(a) ? ldexp(1.0, 128 - 1 - bits) : ldexp(lo, -bits);
    frexp(a, &e); /* a in [2^(e-1), 2^e) */
    return ldexp(1.0, e - 1 - bits);
}

/* r rounded to t (through the library's conversion, nearest even). */
static float rounded_to(enum softmax_dtype t, float r)
{
    uint16_t h;
    float back = r;
    if (t != SOFTMAX_F32 && softmax_from_f32(t, &r, &h, 1) == SOFTMAX_OK)
        softmax_to_f32(t, &h, &back, 1);
    return back;
}

int sb_judge_t(const struct softmax_kernel *k, enum softmax_dtype t, const float *x, const float *y,
               const float *ref, size_t n, float T, int kind, struct sb_metrics *m)
{
    if (t == SOFTMAX_F32)
        return sb_judge(k, x, y, ref, n, T, kind, m);
    int undefined = kind == SBREF_NAN_INPUT || kind == SBREF_ALL_NEG_INF;
    sb_metrics_compute(x, y, ref, n, T, k, SB_HOLD_NONE, m);
    if (undefined || n == 0)
        return m->all_nan || n == 0;
    float xmax = finite_max(x, n);
    double abar = sb_abar(k, x, ref, n, xmax, T), sum = 0.0;
    double *err = malloc(n * sizeof *err); /* for the median, in ULP of t */
    size_t ncr = 0;
    m->max_ulp = m->worst_ratio = 0.0;
    m->n_over = 0;
    for (size_t i = 0; i < n; i++) {
        float rt = rounded_to(t, ref[i]);
        int same = y[i] == rt || (isnan(y[i]) && isnan(rt));
        ncr += same;
        double ut = sb_ulp_of_t(t, ref[i]), e;
        if (isnan(y[i]) || isnan(ref[i]) || isinf(y[i]) || isinf(ref[i]))
            e = same ? 0.0 : INFINITY;
        else
            e = fabs((double)y[i] - (double)ref[i]) / ut;
        if (err != NULL)
            err[i] = e;
        double allowed = kind == SBREF_LIMIT
                             ? 0.0
                             : 0.5 + (sb_element_bound(k, x, i, xmax, abar, n, T) + 0.5) *
                                         sb_ulp_of(ref[i]) / ut;
        double ratio = kind == SBREF_LIMIT ? (same ? 0.0 : INFINITY) : e / allowed;
        sum += isinf(e) ? 0.0 : e;
        if (e > m->max_ulp) {
            m->max_ulp = e;
            m->max_ulp_at = i;
        }
        if (ratio > m->worst_ratio) {
            m->worst_ratio = ratio;
            m->worst_at = i;
            m->worst_bound = allowed;
        }
        m->n_over += ratio > 1.0;
    }
    m->mean_ulp = sum / (double)n;
    m->median_ulp = err != NULL ? lower_median(err, n) : NAN;
    free(err);
    m->frac_cr = (double)ncr / (double)n;
    return m->n_over == 0;
}
