/* datasets.c - the generators (see datasets.h for the reproducibility rule). */
#include "datasets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static const struct sb_dataset table[] = {
    {"uniform", "uniform logits in [a, b)", {"a", "b", NULL}, {-10.0, 10.0}, gen_uniform},
    {"normal", "normal logits, mean mu and scale sigma", {"mu", "sigma", NULL}, {0.0, 1.0},
     gen_normal},
    {"equal", "every logit equal to v: the exact result is uniform", {"v", NULL}, {0.5},
     gen_equal},
};

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
            snprintf(err, errlen, "dataset '%s': %s needs a finite number, not '%s'", d->name,
                     kv, eq + 1);
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
