/* gate.c - see gate.h. */
#include "gate.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "contract.h"
#include "datasets.h"
#include "metrics.h"
#include "peers.h"
#include "plugin.h"
#include "reference.h"

_Static_assert(SB_GATE_MAX_ROUNDS <= SB_MAX_SAMPLES, "sb_stats_of takes the rounds");

static const struct sb_gate_case cases[] = {
    {"normal", 1000, 1.0f}, {"normal", 1000, 0.5f},    {"normal:sigma=16", 4096, 1.0f},
    {"llm", 32000, 1.0f},   {"attention", 1000, 1.0f}, {"underflow", 1000, 1.0f},
};
#define NCASES (sizeof cases / sizeof cases[0])
_Static_assert(NCASES <= SB_GATE_MAX_CASES, "sb_gate_figures.acc holds one entry per case");

size_t sb_gate_case_count(void) { return NCASES; }
const struct sb_gate_case *sb_gate_case_at(size_t i) { return i < NCASES ? &cases[i] : NULL; }

static int gen(const char *spec, float *x, size_t n, char *err, size_t errlen)
{
    struct sb_dataset_spec s;
    if (sb_dataset_parse(spec, &s, err, errlen) != 0)
        return -1;
    sb_dataset_generate(&s, x, n, 1);
    return 0;
}

/* ---- instruction counts */

int sb_gate_count_insns(const struct softmax_kernel *k, const float *x, size_t n, float T,
                        uint64_t *count, char *err, size_t errlen)
{
    float *y = malloc((n + 1) * sizeof *y);
    if (y == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(y);
        snprintf(err, errlen, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
            _exit(3);
        k->fn(x, y, n, T); /* warm-up: lazy binding and first touches stay out */
        raise(SIGSTOP);
        k->fn(x, y, n, T);
        raise(SIGSTOP);
        _exit(0);
    }
    free(y);
    int st = 0, rc = -1;
    uint64_t steps = 0;
    if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
        snprintf(err, errlen, "ptrace: the child did not stop (is ptrace allowed here?)");
        if (!WIFEXITED(st) && !WIFSIGNALED(st))
            kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        return -1;
    }
    for (;;) {
        if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) != 0) {
            snprintf(err, errlen, "ptrace: %s", strerror(errno));
            break;
        }
        if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
            snprintf(err, errlen, "the kernel's child ended while counted");
            break;
        }
        if (WSTOPSIG(st) == SIGSTOP) {
            rc = 0;
            break;
        }
        if (WSTOPSIG(st) != SIGTRAP) {
            snprintf(err, errlen, "the kernel raised signal %d while counted", WSTOPSIG(st));
            break;
        }
        steps++;
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    if (rc == 0)
        *count = steps;
    return rc;
}

/* ---- time as a ratio to the copy floor */

static double median_call(const struct softmax_kernel *k, const float *x, float *y, size_t n)
{
    struct sb_call w = {k, x, y, n, 1.0f, SOFTMAX_OK};
    struct sb_clock clk = {sb_clock_monotonic, NULL};
    struct sb_plan plan = {.min_sample = 5e-4, .samples = 5, .max_reps = 1u << 20};
    struct sb_result r;
    sb_measure(sb_call_once, &w, &clk, &plan, &r);
    return r.stats.median;
}

static const struct softmax_kernel *floor_rw(void)
{
    for (size_t i = 0; i < sb_floor_count(); i++)
        if (strcmp(sb_floor_at(i)->name, "floor.rw") == 0)
            return sb_floor_at(i);
    return NULL;
}

/* ---- measuring */

int sb_gate_measure(const struct softmax_kernel *k, const struct sb_gate_opts *o,
                    struct sb_gate_figures *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    if (!softmax_kernel_supported(k))
        return 0;
    f->measured = 1;
    size_t maxn = SB_GATE_TIME_N;
    for (size_t i = 0; i < NCASES; i++)
        maxn = cases[i].n > maxn ? cases[i].n : maxn;
    float *x = malloc(maxn * sizeof *x), *y = malloc(maxn * sizeof *y),
          *ref = malloc(maxn * sizeof *ref);
    int rc = x && y && ref ? 0 : -1;
    if (rc != 0)
        snprintf(err, errlen, "out of memory");
    for (size_t i = 0; rc == 0 && o->accuracy && i < NCASES; i++) {
        const struct sb_gate_case *c = &cases[i];
        struct sbref_info info;
        struct sb_metrics m;
        if (gen(c->dataset, x, c->n, err, errlen) != 0) {
            rc = -1;
            break;
        }
        if (sbref_softmax(x, c->n, c->T, ref, NULL, &info) < 0) {
            snprintf(err, errlen, "the reference failed on %s n=%zu", c->dataset, c->n);
            rc = -1;
            break;
        }
        (void)k->fn(x, y, c->n, c->T);
        int pass = sb_judge(k, x, y, ref, c->n, c->T, info.kind, &m);
        f->acc[i] = (struct sb_gate_acc){m.max_ulp, m.sum_err, sb_is_peer(k) ? 1 : pass};
        f->nacc = i + 1;
    }
    for (size_t i = 0; rc == 0 && o->accuracy && i < sb_case_count(); i++) {
        struct sb_case_result r;
        sb_case_run(sb_case_at(i), k, &r);
        if (!r.pass && f->nedge_failed < SB_GATE_MAX_EDGE)
            f->edge_failed[f->nedge_failed++] = sb_case_at(i)->name;
    }
    if (rc == 0 && o->instructions && !sb_is_peer(k) && !sb_is_plugin(k)) {
        /* peers run threads and JIT code of their own, plugin kernels run in
         * a child: not counted */
        if (gen("normal", x, SB_GATE_INSN_N, err, errlen) != 0 ||
            sb_gate_count_insns(k, x, SB_GATE_INSN_N, 1.0f, &f->insns, err, errlen) != 0)
            rc = -1;
    }
    const struct softmax_kernel *fl = floor_rw();
    size_t rounds = o->rounds < SB_GATE_MAX_ROUNDS ? o->rounds : SB_GATE_MAX_ROUNDS;
    if (rc == 0 && rounds > 0 && fl != NULL && gen("normal", x, SB_GATE_TIME_N, err, errlen) == 0) {
        /* kernel and floor alternate, so a slow phase of the machine meets both */
        sb_plugin_set_vetted(1);
        for (size_t r = 0; r < rounds; r++) {
            double t = median_call(k, x, y, SB_GATE_TIME_N);
            double fr = median_call(fl, x, y, SB_GATE_TIME_N);
            if (fr > 0 && isfinite(t / fr))
                f->ratio[f->rounds++] = t / fr;
        }
        sb_plugin_set_vetted(0);
    }
    free(x);
    free(y);
    free(ref);
    return rc;
}

/* ---- comparing */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double sb_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb)
{
    if (na == 0 || nb == 0)
        return 1.0;
    double u = 0;
    for (size_t j = 0; j < nb; j++)
        for (size_t i = 0; i < na; i++)
            u += b[j] > a[i] ? 1.0 : b[j] == a[i] ? 0.5 : 0.0;
    /* ties: sum of t^3 - t over groups of equal values in the pooled sample */
    size_t N = na + nb;
    double *all = malloc(N * sizeof *all), ties = 0;
    if (all == NULL)
        return 1.0;
    memcpy(all, a, na * sizeof *all);
    memcpy(all + na, b, nb * sizeof *all);
    qsort(all, N, sizeof *all, cmp_double);
    for (size_t i = 0; i < N;) {
        size_t j = i;
        while (j < N && all[j] == all[i])
            j++;
        double t = (double)(j - i);
        ties += t * t * t - t;
        i = j;
    }
    free(all);
    double mean = (double)na * (double)nb / 2.0;
    double var = (double)na * (double)nb / 12.0 *
                 ((double)(N + 1) - (N > 1 ? ties / ((double)N * (double)(N - 1)) : 0.0));
    if (!(var > 0))
        return u > mean ? 0.0 : 1.0;
    double z = (u - mean - 0.5) / sqrt(var);
    return 0.5 * erfc(z / sqrt(2.0));
}

/* Appends one regressed figure to the verdict's detail, "; "-separated. */
__attribute__((format(printf, 2, 3))) static void note(struct sb_gate_verdict *v, const char *fmt,
                                                       ...)
{
    size_t len = strlen(v->detail);
    if (len > 0 && len + 2 < sizeof v->detail) {
        memcpy(v->detail + len, "; ", 3);
        len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->detail + len, sizeof v->detail - len, fmt, ap);
    va_end(ap);
}

/* x worse than base: larger, or NaN where base was a number */
static int worse(double now, double base)
{
    if (isnan(base))
        return 0;
    return isnan(now) || now > base;
}

void sb_gate_compare(const struct sb_gate_figures *base, const struct sb_gate_figures *now,
                     const struct sb_gate_tol *tol, struct sb_gate_verdict *v)
{
    memset(v, 0, sizeof *v);
    if (!base->measured || !now->measured)
        return;
    size_t nacc = base->nacc < now->nacc ? base->nacc : now->nacc;
    for (size_t i = 0; i < nacc; i++) {
        const struct sb_gate_acc *b = &base->acc[i], *c = &now->acc[i];
        char what[96];
        snprintf(what, sizeof what, "%s n=%zu T=%g", cases[i].dataset, cases[i].n,
                 (double)cases[i].T);
        if (worse(c->max_ulp, b->max_ulp)) {
            v->acc_regressed = 1;
            note(v, "max ULP on %s: %g, was %g", what, c->max_ulp, b->max_ulp);
        }
        if (worse(c->sum_err, b->sum_err)) {
            v->acc_regressed = 1;
            note(v, "|sum - 1| on %s: %.3g, was %.3g", what, c->sum_err, b->sum_err);
        }
        if (b->ok && !c->ok) {
            v->acc_regressed = 1;
            note(v, "%s: now beyond the declared bound (%g ULP; %g before)", what, c->max_ulp,
                 b->max_ulp);
        }
    }
    for (size_t i = 0; i < now->nedge_failed; i++) {
        int known = 0;
        for (size_t j = 0; j < base->nedge_failed; j++)
            known |= strcmp(now->edge_failed[i], base->edge_failed[j]) == 0;
        if (!known) {
            v->edge_regressed = 1;
            note(v, "contract case %s now fails", now->edge_failed[i]);
        }
    }
    if (base->insns > 0 && now->insns > 0 &&
        (double)now->insns > (double)base->insns * (1.0 + tol->insn_tol)) {
        v->insn_regressed = 1;
        note(v, "instructions per call at n=%d: %llu, was %llu (+%.2f%%, allowed %.2f%%)",
             SB_GATE_INSN_N, (unsigned long long)now->insns, (unsigned long long)base->insns,
             100.0 * ((double)now->insns / (double)base->insns - 1.0), 100.0 * tol->insn_tol);
    }
    if (base->rounds > 0 && now->rounds > 0) {
        struct sb_stats sb, sn;
        sb_stats_of(base->ratio, base->rounds, &sb);
        sb_stats_of(now->ratio, now->rounds, &sn);
        double mb = sb.median, mn = sn.median;
        double p = sb_mann_whitney_p(base->ratio, base->rounds, now->ratio, now->rounds);
        if (mn > mb * (1.0 + tol->time_tol) && p < 0.01) {
            v->time_regressed = 1;
            note(v,
                 "time / floor.rw at n=%d: median %.3f over %zu rounds, was %.3f (+%.1f%%, "
                 "allowed %.1f%%; Mann-Whitney one-sided p = %.2g)",
                 SB_GATE_TIME_N, mn, now->rounds, mb, 100.0 * (mn / mb - 1.0),
                 100.0 * tol->time_tol, p);
        }
    }
}
