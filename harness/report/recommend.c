/* recommend.c - see recommend.h. */
#include "recommend.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

const struct sb_band sb_bands[SB_NBANDS] = {{"n <= 1024", 0, 1024},
                                            {"1025 to 65536", 1025, 65536},
                                            {"65537 to 1M", 65537, 1048576},
                                            {"above 1M", 1048577, SIZE_MAX}};
const char *const sb_budget_names[2] = {"fastest safe", "fastest within the ULP budget"};

static int in_band(size_t n, int band) { return n >= sb_bands[band].lo && n <= sb_bands[band].hi; }

double sb_band_speed(const struct sb_rdata *d, const char *kernel, int band)
{
    double logs = 0;
    size_t got = 0, want = 0;
    for (size_t s = 0; s < d->nsizes; s++) {
        size_t n = d->sizes[s];
        if (!in_band(n, band))
            continue;
        want++;
        for (size_t i = 0; i < d->nb; i++)
            if (d->b[i].n == n && strcmp(d->b[i].kernel, kernel) == 0 && d->b[i].ns > 0) {
                logs += log(d->b[i].ns);
                got++;
                break;
            }
    }
    return want > 0 && got == want ? exp(logs / (double)want) : NAN;
}

double sb_band_ulp(const struct sb_rdata *d, const char *kernel, int band)
{
    double worst = NAN;
    for (size_t i = 0; i < d->nv; i++) {
        const struct sb_vrow *v = &d->v[i];
        if (!in_band(v->n, band) || strcmp(v->kernel, kernel) != 0 || v->skip || isnan(v->ulp))
            continue;
        worst = isnan(worst) || v->ulp > worst ? v->ulp : worst;
    }
    return worst;
}

/* Peers are candidates too, named as such: a peer that wins a band is said
 * to win it. */
int sb_candidate(const struct sb_kinfo *k)
{
    if (strcmp(k->kind, "peer") == 0)
        return k->ran;
    return strcmp(k->kind, "kernel") == 0 && k->safe && k->ran && k->nverify > 0 &&
           k->verify_fail == 0 && k->edge_fail == 0;
}

/* Times taken under an emulator measure the emulator: no band is
 * recommended from them. */
void sb_recommend(const struct sb_rdata *d, double budget, struct sb_rec out[SB_NBANDS][2])
{
    for (int b = 0; b < SB_NBANDS; b++)
        for (int g = 0; g < 2; g++) {
            struct sb_rec *r = &out[b][g];
            *r = (struct sb_rec){.ns = NAN, .ulp = NAN, .second_ns = NAN};
            if (d->emulated)
                continue;
            for (size_t i = 0; i < d->nk; i++) {
                const struct sb_kinfo *k = &d->k[i];
                double ns = sb_band_speed(d, k->name, b), ulp = sb_band_ulp(d, k->name, b);
                if (!sb_candidate(k) || isnan(ns) || (g == 1 && !(ulp <= budget)))
                    continue;
                if (r->k == NULL || ns < r->ns) {
                    r->second = r->k;
                    r->second_ns = r->ns;
                    r->k = k;
                    r->ns = ns;
                    r->ulp = ulp;
                } else if (r->second == NULL || ns < r->second_ns) {
                    r->second = k;
                    r->second_ns = ns;
                }
            }
        }
}

double sb_margin_pct(const struct sb_rec *r)
{
    return r->second != NULL ? 100.0 * (r->second_ns / r->ns - 1.0) : NAN;
}
