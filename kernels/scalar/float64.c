/* float64.c - the scalar algorithms on doubles, in and out: naive,
 * three-pass, two-pass, online, and an accurate kernel whose internals are
 * long double (64 significant bits). The same edge-case contract as the
 * float kernels (docs/contract.md), applied by edge64 below.
 *
 * Bounds, in ULP of the correctly rounded double, u = 2^-53, derived as for
 * the float kernels (scalar/threepass.c and the others): glibc's exp within
 * 1 ULP (2u relative), the argument (x_i - max)/T or x_i/T rounded r times
 * (a_i ULP each), the sum's additions (blocks of 8 in order, then the
 * pairwise cascade: ceil(log2 n) + 5), the division 0.5, the reference's own
 * 0.5, a subnormal exp 0.5; 1.01 for second-order terms. Hence the same
 * constants as the float family: three-pass c0 = 11, two-pass 11.5, online
 * 13 with c_sum 4.1 (an exp, a multiply and an add per cascade level),
 * naive 6 with a sequential sum (c_sum n). The accurate kernel's derivation
 * is at the kernel. */
#include <float.h>
#include <limits.h>
#include <string.h>

#include "../internal.h"

/* accurate64's error analysis needs x87's 64-bit long double */
_Static_assert(LDBL_MANT_DIG >= 64, "scalar64.accurate needs a 64-bit long double significand");

#define BLOCK 8

static int check64(const double *x, const double *y, size_t n, double T)
{
    if (!(T > 0.0))
        return SOFTMAX_EINVAL_T;
    if (n > 0 && (x == NULL || y == NULL))
        return SOFTMAX_ENULL;
    return SOFTMAX_OK;
}

/* The contract's special inputs, as sb_edge: 1 when y is written. */
static int edge64(const double *x, double *y, size_t n, double T)
{
    size_t n_pinf = 0, n_fin = 0;
    int nan = 0;
    for (size_t i = 0; i < n; i++) {
        nan |= isnan(x[i]);
        n_pinf += x[i] == INFINITY;
        n_fin += isfinite(x[i]) != 0;
    }
    int limit = n_pinf > 0 || isinf(T);
    if (n == 0 || (!nan && n_fin + n_pinf > 0 && !limit))
        return 0;
    size_t k = n_pinf > 0 ? n_pinf : n_fin;
    for (size_t i = 0; i < n; i++) {
        int pick = n_pinf > 0 ? x[i] == INFINITY : isfinite(x[i]);
        /* 1/k: exact operands, one rounding */
        y[i] = nan || k == 0 ? NAN : pick ? 1.0 / (double)k : 0.0;
    }
    return 1;
}

/* The arguments checked, n == 0, and the contract's cases: 1 when done. */
static int prologue64(const double *x, double *y, size_t n, double T, int *st)
{
    *st = check64(x, y, n, T);
    return *st != SOFTMAX_OK || n == 0 || edge64(x, y, n, T);
}

static double max64(const double *x, size_t n)
{
    double m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

/* (x - m)/T: where x - m overflows (logits spanning more than DBL_MAX),
 * the quotient first, then the difference. */
static double shifted64(double x, double m, double T)
{
    double d = x - m;
    return isinf(d) && isfinite(x) ? x / T - m / T : d / T;
}

static int naive64(const double *x, double *y, size_t n, double T)
{
    int st = check64(x, y, n, T);
    if (st != SOFTMAX_OK)
        return st;
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += y[i] = exp(x[i] / T);
    for (size_t i = 0; i < n; i++)
        y[i] /= s;
    return SOFTMAX_OK;
}

static int naive64_domain(const double *x, size_t n, double T)
{
    double hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double a = x[i] / T;
        if (!isfinite(a))
            return 0;
        hi = a > hi ? a : hi;
    }
    return n == 0 || (hi >= 0.0 && hi + log((double)n) <= 709.0);
}

static int threepass64(const double *x, double *y, size_t n, double T)
{
    int st;
    if (prologue64(x, y, n, T, &st))
        return st;
    double m = max64(x, n);
    struct sb_dcascade c;
    c.count = 0; /* the slots are written before they are read */
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t end = n - i < BLOCK ? n : i + BLOCK;
        double b = 0.0;
        for (size_t j = i; j < end; j++)
            b += y[j] = exp(shifted64(x[j], m, T));
        sb_dcascade_push(&c, b);
    }
    double s = sb_dcascade_total(&c);
    for (size_t i = 0; i < n; i++)
        y[i] /= s;
    return SOFTMAX_OK;
}

/* Pairwise cascades of (s, m) pairs, as sb_cascade is of floats: blocks
 * merged like a binary counter, so a term passes ceil(log2 blocks) merges. */
struct pair64 {
    double s, m;
};
typedef struct pair64 (*merge64_fn)(struct pair64 a, struct pair64 b, double T);
struct casc64 {
    struct pair64 slot[64];
    uint64_t count;
};

static void push64(struct casc64 *c, struct pair64 v, merge64_fn merge, double T)
{
    unsigned l = 0;
    for (; (c->count >> l) & 1u; l++)
        v = merge(c->slot[l], v, T);
    c->slot[l] = v;
    c->count++;
}

static struct pair64 total64(const struct casc64 *c, merge64_fn merge, double T, struct pair64 acc)
{
    int have = 0;
    for (unsigned l = 0; l < 64 && (c->count >> l) != 0; l++)
        if ((c->count >> l) & 1u) {
            acc = have ? merge(c->slot[l], acc, T) : c->slot[l];
            have = 1;
        }
    return acc;
}

/* Two-pass: exp(a), a = x/T, as p 2^k with k = rint(a log2 e) and p =
 * exp(a - k ln 2), ln 2 in two parts (ln2_hi has 32 significant bits, so
 * k ln2_hi is exact for |k| < 2^21, and a - k ln2_hi too, by Sterbenz); the
 * sum as (mantissa, exponent) pairs, merged pairwise. Beyond a = 2^20 the
 * form loses order, and a sum exponent below -2^21 means every logit was
 * far below: three-pass takes over, as in the float kernel. */
static const double LN2_HI = 0x1.62e42fee00000p-1, LN2_LO = 0x1.a39ef35793c76p-33;

static double split64(double a, int *k)
{
    double kd = nearbyint(a * 1.4426950408889634);
    *k = (int)kd;
    return exp((a - kd * LN2_HI) - kd * LN2_LO);
}

static struct pair64 merge_pow2_64(struct pair64 a, struct pair64 b, double T)
{
    (void)T;
    double m = a.m > b.m ? a.m : b.m;
    return (struct pair64){ldexp(a.s, (int)(a.m - m)) + ldexp(b.s, (int)(b.m - m)), m};
}

static int twopass64(const double *x, double *y, size_t n, double T)
{
    int st;
    if (prologue64(x, y, n, T, &st))
        return st;
    struct casc64 c;
    c.count = 0; /* the slots are written before they are read */
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t end = n - i < BLOCK ? n : i + BLOCK;
        double p[BLOCK];
        int k[BLOCK], kmax = INT_MIN;
        for (size_t j = i; j < end; j++) {
            double a = x[j] / T;
            if (!(a <= 1048576.0))
                return threepass64(x, y, n, T);
            p[j - i] = split64(a < -4194304.0 ? -4194304.0 : a, &k[j - i]);
            kmax = k[j - i] > kmax ? k[j - i] : kmax;
        }
        struct pair64 b = {0.0, kmax};
        for (size_t j = 0; j < end - i; j++)
            b.s += ldexp(p[j], k[j] - kmax);
        push64(&c, b, merge_pow2_64, T);
    }
    struct pair64 tot = total64(&c, merge_pow2_64, T, (struct pair64){0.0, 0.0});
    if (tot.m < -2097152.0)
        return threepass64(x, y, n, T);
    for (size_t i = 0; i < n; i++) {
        double a = x[i] / T;
        int k;
        double p = split64(a < -4194304.0 ? -4194304.0 : a, &k);
        /* below 2^-1075 and more it is 0 anyway; ldexp rounds a subnormal once */
        y[i] = k - tot.m < -1200.0 ? 0.0 : ldexp(p / tot.s, (int)(k - tot.m));
    }
    return SOFTMAX_OK;
}

/* Online: per block of 8 its max and its sum, the (s, m) pairs merged as
 * Milakov and Gimelshein merge them, pairwise; m = -inf is the empty pair. */
static struct pair64 merge_online64(struct pair64 a, struct pair64 b, double T)
{
    if (a.m == -INFINITY)
        return b;
    if (b.m == -INFINITY)
        return a;
    if (a.m >= b.m)
        return (struct pair64){a.s + b.s * exp(shifted64(b.m, a.m, T)), a.m};
    return (struct pair64){a.s * exp(shifted64(a.m, b.m, T)) + b.s, b.m};
}

static int online64(const double *x, double *y, size_t n, double T)
{
    int st;
    if (prologue64(x, y, n, T, &st))
        return st;
    struct casc64 c;
    c.count = 0; /* the slots are written before they are read */
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t end = n - i < BLOCK ? n : i + BLOCK;
        struct pair64 b = {0.0, max64(x + i, end - i)};
        if (b.m != -INFINITY)
            for (size_t j = i; j < end; j++)
                b.s += exp(shifted64(x[j], b.m, T));
        push64(&c, b, merge_online64, T);
    }
    struct pair64 tot = total64(&c, merge_online64, T, (struct pair64){0.0, -INFINITY});
    for (size_t i = 0; i < n; i++)
        y[i] = exp(shifted64(x[i], tot.m, T)) / tot.s;
    return SOFTMAX_OK;
}

/* Accurate: every step before the final rounding to double in long double
 * (64 significant bits, v = 2^-64). The argument d = (x - m)/T exactly as a
 * pair: x - m by TwoSum (exact), the quotient q and its remainder by fmal
 * (exact), so d = q + d_lo with |d_lo| <= 2v|q| (the remainder and the
 * TwoSum error), and exp(d) = expl(q) (1 + d_lo) to second order (v^2 |q|^2,
 * negligible for |q| <= 11400, where expl has not underflowed). Relative
 * errors: each term expl 2v, 1 + d_lo v, the product v: 4v, in the
 * numerator and again inside S; the sum (leaves of 8 in order, then
 * pairwise) at most 7 + ceil(log2(n/8)) + 1 = 33 additions for n <= 2^28;
 * the division v: under 42v = 2^-58.6 before the rounding to double, 0.021
 * of its ulp. So the result is faithful (bound 1 ULP) and correctly rounded
 * except within 0.021 ULP of a midpoint. The long double quotient is rounded to double
 * by div_round, which settles a quotient that lands exactly on a double
 * midpoint by the sign of the exact remainder (else about one element in
 * 2^11 would round to even the wrong way). */
static long double term64(double x, double m, long double T)
{
    if (x == -INFINITY) /* a masked entry: exactly 0 */
        return 0.0L;
    long double a = x, b = -(long double)m, s = a + b, bb = s - a;
    long double err = (a - (s - bb)) + (b - bb);
    long double q = s / T, rho = fmal(-q, T, s);
    return expl(q) * (1.0L + (rho + err) / T);
}

/* t/S rounded to double once: the long double quotient q is rounded again,
 * and where q lies exactly halfway between two doubles, ties to even would
 * decide what only the remainder t - qS (exact by fmal) knows: on which side
 * of q the true quotient lies. */
static double div_round(long double t, long double S)
{
    long double q = t / S, rem = fmal(-q, S, t);
    double d = (double)q;
    long double ld = d;
    if (ld == q || rem == 0.0L)
        return d;
    double e = nextafter(d, ld < q ? INFINITY : -INFINITY); /* q's other neighbour */
    if (q - ld != (long double)e - q)
        return d; /* not a midpoint: d is the nearest */
    double up = d > e ? d : e, dn = d > e ? e : d;
    return rem > 0.0L ? up : dn;
}

static int accurate64(const double *x, double *y, size_t n, double T)
{
    int st;
    if (prologue64(x, y, n, T, &st))
        return st;
    double m = max64(x, n);
    const long double lT = T;
    /* blocks of 8 summed in order, then pairwise: the cascade of doubles
     * would round to 53 bits, so one of long doubles */
    long double slot[64];
    uint64_t count = 0;
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t end = n - i < BLOCK ? n : i + BLOCK;
        long double b = 0.0L;
        for (size_t j = i; j < end; j++)
            b += term64(x[j], m, lT);
        unsigned l = 0;
        for (; (count >> l) & 1u; l++)
            b = slot[l] + b;
        slot[l] = b;
        count++;
    }
    long double S = 0.0L;
    for (unsigned l = 0; l < 64 && (count >> l) != 0; l++)
        if ((count >> l) & 1u)
            S = slot[l] + S;
    for (size_t i = 0; i < n; i++)
        y[i] = div_round(term64(x[i], m, lT), S);
    return SOFTMAX_OK;
}

/* Laid out by hand: a table, one kernel to three lines. */
// clang-format off
static const struct softmax64_kernel kernels64[] = {
    {"scalar64.naive", "naive", naive64, 0,
     {.c0 = 6.0, .c_arg = 1.02, .arg = SOFTMAX_ARG_RAW, .c_sum = 1.02, .sum = SOFTMAX_SUM_SEQUENTIAL},
     naive64_domain, "doubles: textbook exp(x)/sum exp(x), no max shift: overflows (unsafe)"},
    {"scalar64.threepass", "threepass", threepass64, 1,
     {.c0 = 11.0, .c_arg = 1.02, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 1.02, .sum = SOFTMAX_SUM_PAIRWISE},
     NULL, "doubles: max, exp-and-store with pairwise sum, divide (libm exp)"},
    {"scalar64.twopass", "twopass", twopass64, 1,
     {.c0 = 11.5, .c_arg = 1.02, .arg = SOFTMAX_ARG_RAW, .c_sum = 1.02, .sum = SOFTMAX_SUM_PAIRWISE},
     NULL, "doubles: Dukhan-Ablavatski two-pass, (mantissa, exponent) sum"},
    {"scalar64.online", "online", online64, 1,
     {.c0 = 13.0, .c_arg = 1.02, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 4.1, .sum = SOFTMAX_SUM_PAIRWISE},
     NULL, "doubles: Milakov-Gimelshein online (max, sum), merged pairwise"},
    {"scalar64.accurate", "accurate", accurate64, 1,
     {.c0 = 1.0, .c_arg = 0.0, .arg = SOFTMAX_ARG_SHIFTED, .c_sum = 0.0, .sum = SOFTMAX_SUM_PAIRWISE},
     NULL, "doubles: long double internals, exact argument pair, rounded once: faithful, 1 ULP"},
};
// clang-format on
#define NK64 (sizeof kernels64 / sizeof kernels64[0])

size_t softmax64_kernel_count(void) { return NK64; }

const struct softmax64_kernel *softmax64_kernel_at(size_t i)
{
    return i < NK64 ? &kernels64[i] : NULL;
}

const struct softmax64_kernel *softmax64_kernel_find(const char *name)
{
    for (size_t i = 0; name != NULL && i < NK64; i++)
        if (strcmp(kernels64[i].name, name) == 0)
            return &kernels64[i];
    return NULL;
}

int softmax64(const double *x, double *y, size_t n, double T) { return threepass64(x, y, n, T); }
