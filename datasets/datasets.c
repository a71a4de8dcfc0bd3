/* datasets.c - the generators (see datasets.h for the reproducibility rule). */
#include "datasets.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vecio.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void sb_rng_seed(struct sb_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** (Blackman and Vigna). */
uint64_t sb_rng_next(struct sb_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double sb_rng_uniform(struct sb_rng *r) { return (double)(sb_rng_next(r) >> 11) * 0x1p-53; }

/* log(x) = k ln2 + 2 atanh(s), s = (f - 1)/(f + 1), f in [sqrt(1/2), sqrt(2)):
 * |s| < 0.172, so the series to s^21 is below 1e-17 relative. Only exact IEEE
 * operations and frexp, so it gives the same bits everywhere. */
double sb_det_log(double x)
{
    int k;
    double f = frexp(x, &k) * 2.0;
    k -= 1;
    if (f > 1.4142135623730951) {
        f *= 0.5;
        k += 1;
    }
    double s = (f - 1.0) / (f + 1.0), s2 = s * s, term = s, sum = 0.0;
    for (int j = 1; j <= 21; j += 2) {
        sum += term / j;
        term *= s2;
    }
    return (double)k * 0.6931471805599453 + 2.0 * sum;
}

double sb_rng_normal(struct sb_rng *r)
{
    for (;;) {
        double u = 2.0 * sb_rng_uniform(r) - 1.0, v = 2.0 * sb_rng_uniform(r) - 1.0;
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0)
            return u * sqrt(-2.0 * sb_det_log(s) / s);
    }
}

static void gen_uniform(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(p[0] + (p[1] - p[0]) * sb_rng_uniform(&r));
}

static void gen_normal(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(p[0] + p[1] * sb_rng_normal(&r));
}

static void gen_equal(float *x, size_t n, uint64_t seed, const double *p)
{
    (void)seed;
    for (size_t i = 0; i < n; i++)
        x[i] = (float)p[0];
}

/* Student t with df degrees of freedom: z / sqrt(chi2_df / df). */
static double student_t(struct sb_rng *r, int df)
{
    double chi2 = 0.0;
    for (int k = 0; k < df; k++) {
        double z = sb_rng_normal(r);
        chi2 += z * z;
    }
    return sb_rng_normal(r) / sqrt(chi2 / df);
}

static size_t pick(struct sb_rng *r, size_t n) { return (size_t)(sb_rng_next(r) % n); }

static float bulk_max(const float *x, size_t n)
{
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

/* A heavy-tailed bulk (t, df 4) with a few dominant entries above it, as in
 * a language model's next-token logits. */
static void gen_llm(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    int df = (int)p[1];
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(-2.0 + p[0] * student_t(&r, df));
    double top = bulk_max(x, n);
    size_t k = (size_t)p[2];
    for (size_t j = 0; j < k && j < n; j++)
        x[pick(&r, n)] = (float)(top + p[3] * (1.0 - 0.15 * (double)j));
}

/* A causal attention row: scores for the visible keys, -inf for the rest. */
static void gen_attention(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    size_t vis = (size_t)ceil(p[0] * (double)n);
    vis = vis == 0 && n > 0 ? 1 : vis;
    for (size_t i = 0; i < n; i++)
        x[i] = i < vis ? (float)(p[1] * sb_rng_normal(&r)) : -INFINITY;
}

static void gen_dominant(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)sb_rng_normal(&r);
    if (n > 0)
        x[pick(&r, n)] = (float)(bulk_max(x, n) + p[0]);
}

/* Every value within a few ULP of v: steps along the ordered integers of
 * the float encoding (so crossing zero is one step), clamped at FLT_MAX. */
static void gen_tiny(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    uint64_t span = (uint64_t)p[1] + 1;
    float v0 = (float)p[0];
    uint32_t b;
    memcpy(&b, &v0, 4);
    int64_t o = (b & 0x80000000u) ? -(int64_t)(b & 0x7fffffffu) : (int64_t)b;
    for (size_t i = 0; i < n; i++) {
        int64_t q = o + (int64_t)(sb_rng_next(&r) % span);
        q = q > 0x7f7fffff ? 0x7f7fffff : q;
        uint32_t bits = q < 0 ? (uint32_t)(-q) | 0x80000000u : (uint32_t)q;
        memcpy(&x[i], &bits, 4);
    }
}

/* |x| near mag (up to FLT_MAX), mixed signs unless mixed = 0. */
static void gen_huge(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    double mag = p[0];
    for (size_t i = 0; i < n; i++) {
        double v = mag * (1.0 - 0x1p-8 * sb_rng_uniform(&r));
        int neg = p[1] != 0.0 && (sb_rng_next(&r) >> 63);
        x[i] = (float)(neg ? -v : v);
    }
}

/* One logit at 0, the rest in [lo, hi]: outputs down in the subnormals or 0. */
static void gen_underflow(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(p[0] + (p[1] - p[0]) * sb_rng_uniform(&r));
    if (n > 0)
        x[pick(&r, n)] = 0.0f;
}

static int cmp_up(const void *a, const void *b)
{
    float u = *(const float *)a, v = *(const float *)b;
    return (u > v) - (u < v);
}

static void gen_sorted(float *x, size_t n, uint64_t seed, const double *p, int down)
{
    gen_normal(x, n, seed, p);
    qsort(x, n, sizeof *x, cmp_up);
    for (size_t i = 0; down && i < n / 2; i++) {
        float t = x[i];
        x[i] = x[n - 1 - i];
        x[n - 1 - i] = t;
    }
}
static void gen_ascending(float *x, size_t n, uint64_t s, const double *p)
{
    gen_sorted(x, n, s, p, 0);
}
static void gen_descending(float *x, size_t n, uint64_t s, const double *p)
{
    gen_sorted(x, n, s, p, 1);
}

/* The top two logits ulps ULP apart, above a normal bulk: argmax must hold. */
static void gen_neartie(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(2.0 * sb_rng_normal(&r));
    if (n == 0)
        return;
    float top = bulk_max(x, n) + 1.0f, second = top;
    for (int k = 0; k < (int)p[0]; k++)
        second = nextafterf(second, -INFINITY);
    size_t i = pick(&r, n), j = n > 1 ? (i + 1 + pick(&r, n - 1)) % n : i;
    x[j] = second;
    x[i] = top;
}

double sb_det_exp(double x)
{
    double k = floor(x * 1.4426950408889634 + 0.5);
    double r = (x - k * 0.693145751953125) - k * 1.4286068203094173e-06;
    double term = 1.0, sum = 1.0;
    for (int j = 1; j <= 16; j++) {
        term *= r / j;
        sum += term;
    }
    return ldexp(sum, (int)k);
}

/* The max of x and logits below it whose differences from it are not
 * floats: the max in [1, 2) and the rest in (-span, 0], each with all 24
 * bits, so x_i - max rounds for nearly every i (Sterbenz's lemma does not
 * apply across the sign). */
static void gen_inexact(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(-p[0] * sb_rng_uniform(&r));
    if (n > 0)
        x[pick(&r, n)] = (float)(1.0 + sb_rng_uniform(&r));
}

/* Distance of v from the nearest midpoint between two floats, in ULP of v. */
static double midpoint_gap(double v)
{
    int e;
    frexp(v, &e); /* v in [2^(e-1), 2^e) */
    double ulp = ldexp(1.0, (e - 1 < -126 ? -126 : e - 1) - 23), q = v / ulp;
    return fabs(q - floor(q) - 0.5);
}

/* Outputs near the midpoints between floats, where only a correctly rounded
 * kernel is sure to round the right way: a normal bulk, and every other
 * logit placed between 15 and 40 below its max and then moved by up to 32
 * ULP to the value whose exact output (in double, to about 1e-15, with the
 * sum of this input) lies nearest a midpoint. Those outputs weigh under
 * 3e-7 of the sum each, so moving them changes the sum by far less than a
 * float rounding: 64 candidates leave them about 1/128 ULP from a midpoint
 * instead of 1/4 on average. */
static void gen_midpoint(float *x, size_t n, uint64_t seed, const double *p)
{
    struct sb_rng r;
    sb_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(p[0] * sb_rng_normal(&r));
    float m = bulk_max(x, n);
    for (size_t i = 1; i < n; i += 2)
        x[i] = (float)(m - 15.0 - 25.0 * sb_rng_uniform(&r));
    m = bulk_max(x, n);
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += sb_det_exp((double)x[i] - m);
    for (size_t i = 1; i < n; i += 2) {
        float best = x[i], c = x[i];
        for (int j = 0; j < 32; j++)
            c = nextafterf(c, -INFINITY);
        double gbest = 1.0;
        for (int j = 0; j < 64; j++, c = nextafterf(c, INFINITY)) {
            double g = midpoint_gap(sb_det_exp((double)c - m) / s);
            if (g < gbest) {
                gbest = g;
                best = c;
            }
        }
        x[i] = best;
    }
}

/* Laid out by hand: a table, one dataset to a few lines. */
// clang-format off
#define ANY {0}, {0}
static const struct sb_dataset table[] = {
    {"uniform", "uniform logits in [a, b)", {"a", "b", NULL}, {-10.0, 10.0},
     {-FLT_MAX, -FLT_MAX}, {FLT_MAX, FLT_MAX}, gen_uniform, NULL},
    {"normal", "normal logits, mean mu and scale sigma", {"mu", "sigma", NULL}, {0.0, 1.0},
     {-1e30, 0.0}, {1e30, 1e30}, gen_normal, NULL},
    {"equal", "every logit equal to v: the exact result is uniform", {"v", NULL}, {0.5},
     {-FLT_MAX}, {FLT_MAX}, gen_equal, NULL},
    {"llm", "LLM-like: -2 + scale*t(df) bulk plus top entries up to gap above it",
     {"scale", "df", "top", "gap"}, {2.5, 4.0, 4.0, 6.0}, {0.0, 1.0, 0.0, -1e6},
     {1e6, 30.0, 1e6, 1e6}, gen_llm, NULL},
    {"attention", "causal attention row: keep*n normal scores (scale), then -inf",
     {"keep", "scale", NULL}, {0.5, 2.0}, {0.0, 0.0}, {1.0, 1e30}, gen_attention, NULL},
    {"dominant", "normal bulk and one logit gap above its max", {"gap", NULL}, {20.0}, {-1e30},
     {1e30}, gen_dominant, NULL},
    {"tiny", "every logit within ulps ULP above v", {"v", "ulps", NULL}, {1.0, 4.0},
     {-FLT_MAX, 0.0}, {FLT_MAX, 1e9}, gen_tiny, NULL},
    {"huge", "|x| near mag (1e4, 1e30, up to FLT_MAX), mixed signs unless mixed=0",
     {"mag", "mixed", NULL}, {1e4, 1.0}, {0.0, 0.0}, {FLT_MAX, 1.0}, gen_huge, NULL},
    {"underflow", "one logit 0, the rest in [lo, hi]: subnormal and zero outputs",
     {"lo", "hi", NULL}, {-110.0, -80.0}, {-FLT_MAX, -FLT_MAX}, {FLT_MAX, FLT_MAX},
     gen_underflow, NULL},
    {"ascending", "normal (mu, sigma) sorted ascending", {"mu", "sigma", NULL}, {0.0, 3.0},
     {-1e30, 0.0}, {1e30, 1e30}, gen_ascending, NULL},
    {"descending", "normal (mu, sigma) sorted descending", {"mu", "sigma", NULL}, {0.0, 3.0},
     {-1e30, 0.0}, {1e30, 1e30}, gen_descending, NULL},
    {"neartie", "top two logits ulps ULP apart above a normal bulk", {"ulps", NULL}, {1.0},
     {0.0}, {1000.0}, gen_neartie, NULL},
    {"inexact", "max in [1, 2), the rest in (-span, 0]: x - max rounds for nearly every x",
     {"span", NULL}, {30.0}, {0.0}, {1e6}, gen_inexact, NULL},
    {"midpoint", "normal (sigma) bulk, and every other output moved near a float midpoint",
     {"sigma", NULL}, {1.0}, {0.0}, {1e3}, gen_midpoint, NULL},
    {"mnist", "real logits: 2500 MNIST pre-softmax vectors of 10 (Blanchard, Higham, Higham)",
     {NULL}, {0.0}, ANY, NULL, SB_MNIST_FILE},
    {"file", "rows from a file: file:PATH (.npy 1-D or 2-D, raw float32, text)", {NULL}, {0.0},
     ANY, NULL, ""},
};
// clang-format on

#define NDS (sizeof table / sizeof table[0])

size_t sb_dataset_count(void) { return NDS; }
const struct sb_dataset *sb_dataset_at(size_t i) { return i < NDS ? &table[i] : NULL; }

const struct sb_dataset *sb_dataset_find(const char *name)
{
    for (size_t i = 0; i < NDS; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

static void make_label(struct sb_dataset_spec *s)
{
    const struct sb_dataset *d = s->ds;
    size_t len = (size_t)snprintf(s->label, sizeof s->label, "%s", d->name);
    for (int i = 0; i < SB_DS_MAXPARAM && d->param_names[i] != NULL; i++)
        if (len < sizeof s->label)
            len += (size_t)snprintf(s->label + len, sizeof s->label - len, "%s%s=%g",
                                    i == 0 ? "(" : ",", d->param_names[i], s->p[i]);
    if (d->param_names[0] != NULL && len < sizeof s->label)
        snprintf(s->label + len, sizeof s->label - len, ")");
}

int sb_dataset_parse(const char *spec, struct sb_dataset_spec *out, char *err, size_t errlen)
{
    char buf[256];
    if (strlen(spec) >= sizeof buf) {
        snprintf(err, errlen, "dataset spec too long: '%.40s...'", spec);
        return -1;
    }
    strcpy(buf, spec);
    char *params = strchr(buf, ':');
    if (params != NULL)
        *params++ = '\0';
    const struct sb_dataset *d = sb_dataset_find(buf);
    if (d == NULL) {
        snprintf(err, errlen, "unknown dataset '%s' (softbench datasets lists them)", buf);
        return -1;
    }
    out->ds = d;
    memcpy(out->p, d->defaults, sizeof out->p);
    out->path[0] = '\0';
    if (d->generate == NULL) { /* file:PATH, mnist[:PATH]: the rest is a path */
        const char *rest = strchr(spec, ':');
        if (rest != NULL)
            snprintf(out->path, sizeof out->path, "%s", rest + 1);
        if (d->file[0] == '\0' && out->path[0] == '\0') {
            snprintf(err, errlen, "dataset '%s' needs a path: %s:PATH", d->name, d->name);
            return -1;
        }
        const char *base = strrchr(out->path, '/');
        snprintf(out->label, sizeof out->label, "%s%s%.60s%s", d->name, out->path[0] ? "(" : "",
                 base ? base + 1 : out->path, out->path[0] ? ")" : "");
        return 0;
    }
    for (char *kv = params ? strtok(params, ",") : NULL; kv != NULL; kv = strtok(NULL, ",")) {
        char *eq = strchr(kv, '=');
        int idx = -1;
        if (eq != NULL) {
            *eq = '\0';
            for (int i = 0; i < SB_DS_MAXPARAM && d->param_names[i] != NULL; i++)
                if (strcmp(d->param_names[i], kv) == 0)
                    idx = i;
        }
        if (idx < 0) {
            snprintf(err, errlen, "dataset '%s' has no parameter '%s'", d->name, kv);
            return -1;
        }
        char *end;
        double v = strtod(eq + 1, &end);
        if (end == eq + 1 || *end != '\0' || !isfinite(v)) {
            snprintf(err, errlen, "dataset '%s': %s needs a finite number, not '%s'", d->name, kv,
                     eq + 1);
            return -1;
        }
        if (v < d->lo[idx] || v > d->hi[idx]) {
            snprintf(err, errlen, "dataset '%s': %s=%g is outside [%g, %g]", d->name, kv, v,
                     d->lo[idx], d->hi[idx]);
            return -1;
        }
        out->p[idx] = v;
    }
    make_label(out);
    return 0;
}

void sb_dataset_generate(const struct sb_dataset_spec *s, float *x, size_t n, uint64_t seed)
{
    s->ds->generate(x, n, seed, s->p);
}

int sb_dataset_is_file(const struct sb_dataset_spec *s) { return s->ds->generate == NULL; }

/* The default file: $SOFTBENCH_MNIST, then shared/data beside the checkout,
 * seen from the working directory or from the executable (build/X/softbench). */
static int find_default(const char *file, char *out, size_t len)
{
    const char *env = getenv("SOFTBENCH_MNIST");
    if (env != NULL && *env != '\0') {
        snprintf(out, len, "%s", env);
        return 0;
    }
    char exe[512];
    ssize_t el = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[el > 0 ? el : 0] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash != NULL)
        *slash = '\0';
    const char *dirs[] = {"../shared/data", "shared/data", exe[0] ? exe : ".", exe[0] ? exe : "."};
    const char *ups[] = {"", "", "/../../../shared/data", "/../../shared/data"};
    for (int i = 0; i < 4; i++) {
        snprintf(out, len, "%s%s/%s", dirs[i], ups[i], file);
        if (access(out, R_OK) == 0)
            return 0;
    }
    snprintf(out, len, "../shared/data/%s", file);
    return -1;
}

int sb_dataset_load(const struct sb_dataset_spec *s, float **x, size_t *rows, size_t *cols,
                    char *err, size_t errlen)
{
    char path[600];
    if (s->path[0] != '\0')
        snprintf(path, sizeof path, "%s", s->path);
    else if (find_default(s->ds->file, path, sizeof path) != 0) {
        snprintf(err, errlen, "dataset %s: %s not found (set SOFTBENCH_MNIST or give %s:PATH)",
                 s->ds->name, s->ds->file, s->ds->name);
        return -1;
    }
    struct sb_matrix m;
    if (sb_read_matrix(path, SB_FMT_AUTO, &m, NULL, err, errlen) != 0)
        return -1;
    *x = m.x;
    *rows = m.rows;
    *cols = m.cols;
    return 0;
}
