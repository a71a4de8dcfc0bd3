/* tests/expsweep/probe_body.h - the probes of one vector layer, written once
 * over the sbv_/sbd_ operations: included by probe_avx2.c, probe_avx512.c,
 * probe_neon.c and probe_sve.c after their layer's dvec_*.h, with SBP_ISA
 * (the enum value), SBP_NAME (its name as a string), SBP_FN (a name maker)
 * SBP_LIST (the list's exported name) and SBP_DEXP_BOUND (the double
 * exponential's bound, from its layer's header) defined. Each function calls
 * the very inline exponential the kernels compile in. */
#include "probe.h"

static void SBP_FN(exp)(const float *d, float *y, size_t n)
{
    for (size_t i = 0; i < n; i += SBV_W)
        sbv_storeu(y + i, sbv_exp(sbv_loadu(d + i)));
}

static void SBP_FN(exp_raw)(const float *d, float *y, size_t n)
{
    for (size_t i = 0; i < n; i += SBV_W)
        sbv_storeu(y + i, sbv_exp_raw(sbv_loadu(d + i)));
}

/* k: the integral power, floor of the layer's n (which AVX-512 keeps in
 * sixteenths; the others' n is integral already) */
static void SBP_FN(split)(const float *d, float *p, float *k, size_t n)
{
    for (size_t i = 0; i < n; i += SBV_W) {
        sbv e, v = sbv_exp_split(sbv_loadu(d + i), &e);
        sbv_storeu(p + i, v);
        sbv_storeu(k + i, sbv_floor(e));
    }
}

/* T = 1, no scale, the softmax clamp (body/accurate.h's AC_LO) */
static void SBP_FN(dexp)(const float *d, double *y, size_t n)
{
    struct sbd_exp e;
    sbd_exp_init(&e, 1.0, -120.0, 1.0);
    for (size_t i = 0; i < n; i += SBD_W)
        sbd_stored(y + i, sbd_exp(sbd_load(d + i), &e));
}

/* The split's arguments that count: from where the sum's exponent would
 * fall below K_LO (the body hands such a row to the scalar one), less the
 * 104 below which a term is 0 against the row's largest, to where it would
 * pass K_HI. (Further down, to the clamp at ARG_LO, terms only vanish.) */
#define SBP_LN2 0.693147182f
#define SBP_SPLIT_LO ((float)SBV_K_LO * SBP_LN2 - 104.0f)
#define SBP_SPLIT_HI ((SBV_K_HI + 1.0f) * SBP_LN2)

/* The kernels declare 3 ULP for the float exponential (its layer's header
 * derives less). */
static const struct sb_probe SBP_FN(probes)[] = {
    {SBP_NAME ".exp", SBP_ISA, SBP_F32, -INFINITY, 0.0f,
     "threepass and online: exp of shifted arguments, clamped at -110", 3.0, SBP_FN(exp), NULL,
     NULL},
    {SBP_NAME ".exp_raw", SBP_ISA, SBP_F32, SBV_RAW_LO, 0.0f,
     "threepass with RAW arguments (x/T - max/T), unclamped", 3.0, SBP_FN(exp_raw), NULL, NULL},
    {SBP_NAME ".exp_split", SBP_ISA, SBP_SPLIT, SBP_SPLIT_LO, SBP_SPLIT_HI,
     "twopass: exp(x/T) as p 2^k, no max taken", 3.0, NULL, SBP_FN(split), NULL},
    {SBP_NAME ".dexp", SBP_ISA, SBP_F64, -120.0f, 93.0f,
     "accurate: exp((x - ref)/T) in double, T = 1", SBP_DEXP_BOUND, NULL, NULL, SBP_FN(dexp)},
};

const struct sb_probe *SBP_LIST(size_t *count)
{
    *count = sizeof SBP_FN(probes) / sizeof SBP_FN(probes)[0];
    return SBP_FN(probes);
}
