/* tests/expsweep/sweep.c - the sweep of sweep.h.
 *
 * Arguments are walked in the order of the reals, through a key that maps
 * float bits monotonically onto 0..2^32-1 (negative floats reversed), so a
 * domain is one key range and each binade (one sign and exponent field) an
 * aligned run of 2^23 keys.
 *
 * References. F32: exp(d) in double (glibc's exp, under 1 ULP of a double:
 * the error of an F32 result is known to 2^-28 ULP); whether a result is
 * the correctly rounded float is decided from that double unless it lies
 * within 2^-50 of a rounding midpoint, where MPFR decides. SPLIT: exp(d)
 * 2^-k, from exp(d) in double while |d| <= 700, else expl of d - k ln2 with
 * ln2 in two long doubles (the high part of 40 bits, so k ln2_hi and the
 * difference are exact for |k| < 2^24). F64: expl (long double, 64 bits). */
#include "sweep.h"

#include <errno.h>
#include <fenv.h>
#include <math.h>
#include <mpfr.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static uint32_t key_of(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return (b & 0x80000000u) ? ~b : b | 0x80000000u;
}

static float float_of(uint32_t k)
{
    uint32_t b = (k & 0x80000000u) ? k & 0x7fffffffu : ~k;
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static long double ln2_hi, ln2_lo;
static pthread_once_t ln2_once = PTHREAD_ONCE_INIT;

static void ln2_init(void)
{
    mpfr_t a, h;
    mpfr_init2(a, 256);
    mpfr_init2(h, 40);
    mpfr_const_log2(a, MPFR_RNDN);
    mpfr_set(h, a, MPFR_RNDN);
    ln2_hi = mpfr_get_ld(h, MPFR_RNDN);
    mpfr_sub(a, a, h, MPFR_RNDN);
    ln2_lo = mpfr_get_ld(a, MPFR_RNDN);
    mpfr_clears(a, h, (mpfr_ptr)0);
    mpfr_free_cache();
}

long double sbs_ref(const struct sb_probe *p, float d, float k)
{
    switch (p->kind) {
    case SBP_F32: return exp((double)d);
    case SBP_SPLIT:
        if (fabsf(d) <= 700.0f && fabsf(k) <= 1000.0f)
            return ldexp(exp((double)d), -(int)k);
        pthread_once(&ln2_once, ln2_init);
        return expl((long double)d - (long double)k * ln2_hi - (long double)k * ln2_lo);
    case SBP_F64: return expl((long double)d);
    }
    return NAN;
}

/* ULP of a float at r >= 0: 2^(e - 23) in [2^e, 2^(e+1)), 2^-149 below 2^-126 */
static double ulp_at(long double r)
{
    if (!(r >= 0x1p-126L))
        return 0x1p-149;
    return ldexp(1.0, ilogbl(r) - 23);
}

double sbs_err(const struct sb_probe *p, double y, long double ref)
{
    if (p->kind == SBP_F64)
        return ref == 0 ? (y == 0 ? 0 : INFINITY) : (double)(fabsl(y - ref) / ref);
    return (double)(fabsl(y - ref) / ulp_at(ref));
}

void sbs_thresholds(const struct sb_probe *p, double t[SBS_NTHRESH])
{
    if (p->kind == SBP_F64) {
        t[0] = 0x1p-48, t[1] = 0x1p-44, t[2] = 0x1p-40;
    } else {
        t[0] = 0.5, t[1] = 1.0, t[2] = 2.0;
    }
    t[3] = p->bound;
}

/* The correctly rounded float exp(d), from ref = exp(d) in double. */
static float rounded_exp(float d, double ref)
{
    float f = (float)ref;
    if ((double)f == ref)
        return f;
    float g = nextafterf(f, (double)f < ref ? INFINITY : 0.0f);
    double mid = ((double)f + (double)g) / 2;
    if (fabs(ref - mid) > 0x1p-50 * ref)
        return f;
    mpfr_t x, e;
    mpfr_init2(x, 24);
    mpfr_init2(e, 128);
    mpfr_set_flt(x, d, MPFR_RNDN);
    mpfr_exp(e, x, MPFR_RNDN);
    int c = mpfr_cmp_d(e, mid);
    mpfr_clears(x, e, (mpfr_ptr)0);
    /* above the midpoint: the larger of f and g */
    float hi = f > g ? f : g, lo = f > g ? g : f;
    return c > 0 ? hi : lo;
}

/* The worst of two: larger error, else the earlier argument. */
static void take_max(struct sbs_stats *a, double err, float at, double y, float k, long double ref)
{
    if (err > a->max_err || (err == a->max_err && key_of(at) < key_of(a->max_at)))
        a->max_err = err, a->max_at = at, a->max_y = y, a->max_k = k, a->max_ref = ref;
}

static void stats_init(struct sbs_stats *s)
{
    memset(s, 0, sizeof *s);
    s->max_err = -1;
}

static void merge(struct sbs_stats *a, const struct sbs_stats *b)
{
    if (b->max_err >= 0) /* b has a finite result */
        take_max(a, b->max_err, b->max_at, b->max_y, b->max_k, b->max_ref);
    if (b->bad && (a->bad == 0 || key_of(b->bad_at) < key_of(a->bad_at)))
        a->bad_at = b->bad_at;
    a->inputs += b->inputs;
    a->bad += b->bad;
    a->rounded += b->rounded;
    for (int i = 0; i < SBS_NTHRESH; i++)
        a->above[i] += b->above[i];
}

#define SBS_CAP 4096

struct work {
    float *d, *y, *k;
    double *y64;
};

static int work_init(struct work *w)
{
    w->d = aligned_alloc(64, SBS_CAP * sizeof(float));
    w->y = aligned_alloc(64, SBS_CAP * sizeof(float));
    w->k = aligned_alloc(64, SBS_CAP * sizeof(float));
    w->y64 = aligned_alloc(64, SBS_CAP * sizeof(double));
    return w->d && w->y && w->k && w->y64 ? 0 : -1;
}

static void work_free(struct work *w) { free(w->d), free(w->y), free(w->k), free(w->y64); }

/* The probe over w->d[0..n) (padded to whole blocks), the errors into s. */
static void eval(const struct sb_probe *p, int round, struct work *w, size_t n, struct sbs_stats *s)
{
    size_t m = (n + SBP_BLOCK - 1) / SBP_BLOCK * SBP_BLOCK;
    for (size_t i = n; i < m; i++)
        w->d[i] = w->d[n - 1];
    if (round != FE_TONEAREST)
        fesetround(round);
    if (p->kind == SBP_F32)
        p->f32(w->d, w->y, m);
    else if (p->kind == SBP_SPLIT)
        p->split(w->d, w->y, w->k, m);
    else
        p->f64(w->d, w->y64, m);
    if (round != FE_TONEAREST)
        fesetround(FE_TONEAREST);
    double t[SBS_NTHRESH];
    sbs_thresholds(p, t);
    for (size_t i = 0; i < n; i++) {
        float d = w->d[i];
        double y = p->kind == SBP_F64 ? w->y64[i] : (double)w->y[i];
        float k = p->kind == SBP_SPLIT ? w->k[i] : 0.0f;
        if (!isfinite(y) || signbit(y) || (p->kind == SBP_SPLIT && !isfinite(k))) {
            if (s->bad == 0 || key_of(d) < key_of(s->bad_at))
                s->bad_at = d;
            s->bad++;
            s->inputs++;
            continue;
        }
        long double ref = sbs_ref(p, d, k);
        double err = sbs_err(p, y, ref);
        if (p->kind == SBP_F32 && w->y[i] == rounded_exp(d, (double)ref))
            s->rounded++;
        for (int j = 0; j < SBS_NTHRESH; j++)
            s->above[j] += err > t[j];
        take_max(s, err, d, y, k, ref);
        s->inputs++;
    }
}

double sbs_one(const struct sb_probe *p, float d, int round, double *y)
{
    struct work w;
    struct sbs_stats s;
    stats_init(&s);
    if (work_init(&w) != 0) {
        work_free(&w);
        return NAN;
    }
    w.d[0] = d;
    eval(p, round, &w, 1, &s);
    work_free(&w);
    *y = s.bad ? NAN : s.max_y;
    return s.bad ? INFINITY : s.max_err;
}

/* Exhaustive: chunks of keys taken by the threads in turn. */
#define SBS_CHUNK ((uint64_t)1 << 20)

struct shared {
    const struct sb_probe *p;
    int round;
    uint64_t klo, nkeys;
    atomic_uint_fast64_t next;
    pthread_mutex_t lock;
    struct sbs_stats total;
    int failed;
};

static void *worker(void *arg)
{
    struct shared *sh = arg;
    struct work w;
    struct sbs_stats s;
    stats_init(&s);
    if (work_init(&w) != 0) {
        pthread_mutex_lock(&sh->lock);
        sh->failed = 1;
        pthread_mutex_unlock(&sh->lock);
        work_free(&w);
        return NULL;
    }
    for (;;) {
        uint64_t c = atomic_fetch_add(&sh->next, SBS_CHUNK);
        if (c >= sh->nkeys)
            break;
        uint64_t end = c + SBS_CHUNK < sh->nkeys ? c + SBS_CHUNK : sh->nkeys;
        for (uint64_t i = c; i < end;) {
            size_t n = 0;
            for (; n < SBS_CAP && i < end; n++, i++)
                w.d[n] = float_of((uint32_t)(sh->klo + i));
            eval(sh->p, sh->round, &w, n, &s);
        }
    }
    work_free(&w);
    pthread_mutex_lock(&sh->lock);
    merge(&sh->total, &s);
    pthread_mutex_unlock(&sh->lock);
    return NULL;
}

static int run_all(const struct sb_probe *p, const struct sbs_opts *o, uint64_t klo, uint64_t khi,
                   struct sbs_stats *st)
{
    struct shared sh = {.p = p, .round = o->round, .klo = klo, .nkeys = khi - klo + 1};
    atomic_init(&sh.next, 0);
    pthread_mutex_init(&sh.lock, NULL);
    stats_init(&sh.total);
    unsigned nt = o->threads ? o->threads : 1, started = 0;
    pthread_t *tid = calloc(nt, sizeof *tid);
    if (!tid)
        return -1;
    for (; started < nt; started++)
        if (pthread_create(&tid[started], NULL, worker, &sh) != 0)
            break;
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    free(tid);
    pthread_mutex_destroy(&sh.lock);
    *st = sh.total;
    return started == 0 || sh.failed ? -1 : 0;
}

/* A sample: in each aligned run of 2^23 keys (a binade) within the domain,
 * o->sample keys spread evenly and the run's last; then the extras. */
static int run_sample(const struct sb_probe *p, const struct sbs_opts *o, uint64_t klo,
                      uint64_t khi, struct sbs_stats *st)
{
    struct work w;
    stats_init(st);
    if (work_init(&w) != 0) {
        work_free(&w);
        return -1;
    }
    size_t n = 0;
    for (uint64_t b = klo & ~(((uint64_t)1 << 23) - 1); b <= khi; b += (uint64_t)1 << 23) {
        uint64_t lo = b < klo ? klo : b, hi = b + ((uint64_t)1 << 23) - 1;
        hi = hi > khi ? khi : hi;
        uint64_t len = hi - lo + 1, step = len / o->sample ? len / o->sample : 1;
        for (uint64_t k = lo;; k += step) {
            if (k > hi)
                k = hi;
            w.d[n++] = float_of((uint32_t)k);
            if (n == SBS_CAP)
                eval(p, o->round, &w, n, st), n = 0;
            if (k == hi)
                break;
        }
    }
    for (size_t i = 0; i < o->nextra; i++) {
        uint32_t k = key_of(o->extra[i]);
        if (k < klo || k > khi)
            continue;
        w.d[n++] = o->extra[i];
        if (n == SBS_CAP)
            eval(p, o->round, &w, n, st), n = 0;
    }
    if (n)
        eval(p, o->round, &w, n, st);
    work_free(&w);
    return 0;
}

int sbs_run(const struct sb_probe *p, const struct sbs_opts *o, struct sbs_stats *st)
{
    uint64_t klo = key_of(p->lo), khi = key_of(p->hi);
    if (o->sample)
        return run_sample(p, o, klo, khi, st);
    return run_all(p, o, klo, khi, st);
}
