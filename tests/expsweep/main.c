/* tests/expsweep/main.c - expsweep, the program of make exhaustive: every
 * exponential probe of this machine's ISAs over every float32 argument of
 * its domain (or a sample of every binade), a line each, and the table as
 * JSON and Markdown (docs/accuracy.md, "Exhaustive exponentials").
 *
 *   expsweep [--sample N] [--round MODE|all] [--threads N] [--probe NAME]...
 *            [--json FILE] [--md FILE]
 *
 * Exit 0 when every probe run in round-to-nearest is within its bound with
 * no NaN, infinite or negative result; 1 otherwise; 2 on bad arguments or
 * a failed write. Results in the directed modes are reported, not judged. */
#include <errno.h>
#include <fenv.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "jsonio.h"
#include "sweep.h"
#include "vecio.h"

static int usage(const char *msg)
{
    fprintf(stderr,
            "expsweep: %s (usage: expsweep [--sample N] [--round MODE|all] "
            "[--threads N] [--probe NAME]... [--json FILE] [--md FILE])\n",
            msg);
    return 2;
}

static const char *kind_name(enum sbp_kind k)
{
    return k == SBP_F32 ? "f32" : k == SBP_SPLIT ? "split" : "f64";
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* An error in the probe's unit, as the table shows it. */
static void fmt_err(char *b, size_t n, const struct sb_probe *p, double e)
{
    if (p->kind == SBP_F64)
        snprintf(b, n, e > 0 ? "2^%.2f" : "0", log2(e));
    else
        snprintf(b, n, "%.4f", e);
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v == 0 || v > max || s[0] == '-')
        return -1;
    *out = (unsigned)v;
    return 0;
}

struct probes {
    const struct sb_probe *p[64];
    size_t n;
};

static json_t *row_json(const struct sb_probe *p, int round, const struct sbs_stats *s, double secs,
                        const char *status)
{
    json_t *o = json_object();
    char at[64];
    int bad = sb_jset(o, "probe", sb_jstr(p->name));
    bad |= sb_jset(o, "kind", sb_jstr(kind_name(p->kind)));
    bad |= sb_jset(o, "fed", sb_jstr(p->fed));
    bad |= sb_jset(o, "lo", sb_jnum(p->lo));
    bad |= sb_jset(o, "hi", sb_jnum(p->hi));
    bad |= sb_jset(o, "round", sb_jstr(sb_round_name(round)));
    bad |= sb_jset(o, "status", sb_jstr(status));
    bad |= sb_jset(o, "bound", sb_jnum(p->bound));
    if (s) {
        double t[SBS_NTHRESH];
        sbs_thresholds(p, t);
        bad |= sb_jset(o, "inputs", json_integer((json_int_t)s->inputs));
        bad |= sb_jset(o, "max_err", sb_jnum(s->max_err));
        snprintf(at, sizeof at, "%a", (double)s->max_at);
        bad |= sb_jset(o, "max_at", sb_jstr(at));
        bad |= sb_jset(o, "max_at_value", sb_jnum(s->max_at));
        bad |= sb_jset(o, "max_y", sb_jnum(s->max_y));
        if (p->kind == SBP_SPLIT)
            bad |= sb_jset(o, "max_k", sb_jnum(s->max_k));
        bad |= sb_jset(o, "max_ref", sb_jnum((double)s->max_ref));
        json_t *th = json_array(), *ab = json_array();
        for (int i = 0; i < SBS_NTHRESH; i++) {
            bad |= sb_jappend(th, sb_jnum(t[i]));
            bad |= sb_jappend(ab, json_integer((json_int_t)s->above[i]));
        }
        bad |= sb_jset(o, "thresholds", th);
        bad |= sb_jset(o, "above", ab);
        if (p->kind == SBP_F32)
            bad |= sb_jset(o, "correctly_rounded", json_integer((json_int_t)s->rounded));
        bad |= sb_jset(o, "bad", json_integer((json_int_t)s->bad));
        if (s->bad) {
            snprintf(at, sizeof at, "%a", (double)s->bad_at);
            bad |= sb_jset(o, "bad_at", sb_jstr(at));
        }
        bad |= sb_jset(o, "seconds", sb_jnum(secs));
    }
    return sb_jdone(o, bad);
}

static void md_row(FILE *f, const struct sb_probe *p, int round, const struct sbs_stats *s)
{
    char e[32], b[32];
    double t[SBS_NTHRESH];
    sbs_thresholds(p, t);
    fmt_err(e, sizeof e, p, s->max_err);
    fmt_err(b, sizeof b, p, p->bound);
    fprintf(f, "| %s | %s | [%g, %g] | %llu | %s | %a | %llu | %llu | %s: %llu |", p->name,
            sb_round_name(round), (double)p->lo, (double)p->hi, (unsigned long long)s->inputs, e,
            (double)s->max_at, (unsigned long long)s->above[1], (unsigned long long)s->above[2], b,
            (unsigned long long)s->above[3]);
    if (p->kind == SBP_F32)
        fprintf(f, " %.4f%% |\n", 100.0 * (double)s->rounded / (double)s->inputs);
    else
        fprintf(f, " - |\n");
}

int main(int argc, char **argv)
{
    struct sbs_opts o = {.round = FE_TONEAREST};
    const char *json_path = NULL, *md_path = NULL, *names[64];
    size_t nnames = 0;
    int all_rounds = 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = ncpu > 0 ? (unsigned)ncpu : 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--sample") == 0 || strcmp(a, "--threads") == 0) {
            unsigned u;
            if (!v || parse_uint(v, 1u << 20, &u) != 0)
                return usage("--sample and --threads take a whole number from 1 to 1048576");
            *(a[2] == 's' ? &o.sample : &o.threads) = u;
        } else if (strcmp(a, "--round") == 0) {
            if (v && strcmp(v, "all") == 0)
                all_rounds = 1;
            else if (!v || sb_parse_round(v, &o.round) != 0)
                return usage("--round takes nearest, upward, downward, towardzero or all");
        } else if (strcmp(a, "--probe") == 0) {
            if (!v || nnames == sizeof names / sizeof names[0])
                return usage("--probe takes a probe's name");
            names[nnames++] = v;
        } else if (strcmp(a, "--json") == 0 || strcmp(a, "--md") == 0) {
            if (!v || !*v)
                return usage("--json and --md take a file");
            *(a[2] == 'j' ? &json_path : &md_path) = v;
        } else {
            char m[300];
            snprintf(m, sizeof m, "unknown argument '%s'", a);
            return usage(m);
        }
        i++;
    }
    struct probes all = {0}, ps = {0};
    all.n = sb_probes_all(all.p, sizeof all.p / sizeof all.p[0]);
    for (size_t i = 0; i < all.n; i++) {
        int want = nnames == 0;
        for (size_t j = 0; j < nnames; j++)
            want |= strcmp(names[j], all.p[i]->name) == 0;
        if (want)
            ps.p[ps.n++] = all.p[i];
    }
    for (size_t j = 0; j < nnames; j++) {
        int found = 0;
        for (size_t i = 0; i < all.n; i++)
            found |= strcmp(names[j], all.p[i]->name) == 0;
        if (!found) {
            char m[300];
            snprintf(m, sizeof m, "no probe '%s' on this architecture", names[j]);
            return usage(m);
        }
    }
    int modes[4] = {o.round}, nmodes = 1;
    if (all_rounds)
        modes[0] = FE_TONEAREST, modes[1] = FE_UPWARD, modes[2] = FE_DOWNWARD,
        modes[3] = FE_TOWARDZERO, nmodes = 4;

    char err[512];
    struct sb_out jo = {0}, mo = {0};
    if (json_path && sb_out_open(&jo, json_path, err, sizeof err) != 0) {
        fprintf(stderr, "expsweep: %s\n", err);
        return 2;
    }
    if (md_path && sb_out_open(&mo, md_path, err, sizeof err) != 0) {
        fprintf(stderr, "expsweep: %s\n", err);
        if (json_path)
            sb_out_close(&jo, 0, err, sizeof err);
        return 2;
    }
    json_t *doc = sb_jhead("expsweep", 1, sb_machine_jobj()), *rows = json_array();
    int bad = doc == NULL || sb_jset(doc, "mode", sb_jstr(o.sample ? "sample" : "exhaustive"));
#if defined(__x86_64__)
    bad |= sb_jset(doc, "arch", sb_jstr("x86_64"));
#else
    bad |= sb_jset(doc, "arch", sb_jstr("aarch64"));
#endif
    if (o.sample)
        bad |= sb_jset(doc, "sample_per_binade", json_integer(o.sample));
    if (mo.f)
        fprintf(mo.f, "| probe | rounding | domain | arguments | max error | at | > 1 ULP "
                      "| > 2 ULP | > bound | correctly rounded |\n"
                      "|---|---|---|---|---|---|---|---|---|---|\n");
    enum softmax_isa have = softmax_isa_available();
    int status = 0;
    printf("expsweep: %s, %s, %u thread(s), usable ISA %s\n",
           o.sample ? "a sample of every binade" : "every argument", sb_cpu_model(), o.threads,
           softmax_isa_name(have));
    for (int m = 0; m < nmodes; m++) {
        for (size_t i = 0; i < ps.n; i++) {
            const struct sb_probe *p = ps.p[i];
            if (!softmax_isa_within(p->isa, have)) {
                printf("SKIP %-18s %s: this CPU (or SOFTMAX_ISA) has no %s\n", p->name,
                       sb_round_name(modes[m]), softmax_isa_name(p->isa));
                bad |= sb_jappend(rows, row_json(p, modes[m], NULL, 0, "SKIP"));
                continue;
            }
            struct sbs_stats s;
            o.round = modes[m];
            double t0 = now();
            if (sbs_run(p, &o, &s) != 0) {
                fprintf(stderr, "expsweep: %s: out of memory or no thread\n", p->name);
                status = 2;
                break;
            }
            double secs = now() - t0;
            int over = s.bad || s.max_err > p->bound;
            const char *st = over ? "over bound" : "ok";
            if (over && modes[m] == FE_TONEAREST)
                status = status ? status : 1;
            char e[32], b[32];
            fmt_err(e, sizeof e, p, s.max_err);
            fmt_err(b, sizeof b, p, p->bound);
            printf("%-4s %-18s %-10s %11llu args  max %-10s at %-16a (bound %s; > bound: %llu, "
                   "bad: %llu) %.1f s\n",
                   over ? "OVER" : "ok", p->name, sb_round_name(modes[m]),
                   (unsigned long long)s.inputs, e, (double)s.max_at, b,
                   (unsigned long long)s.above[3], (unsigned long long)s.bad, secs);
            fflush(stdout);
            bad |= sb_jappend(rows, row_json(p, modes[m], &s, secs, st));
            if (mo.f)
                md_row(mo.f, p, modes[m], &s);
        }
    }
    bad |= doc ? sb_jset(doc, "probes", rows) : (json_decref(rows), 1);
    doc = sb_jdone(doc, bad);
    if (md_path && sb_out_close(&mo, status != 2, err, sizeof err) != 0) {
        fprintf(stderr, "expsweep: %s\n", err);
        status = 2;
    }
    if (!json_path)
        json_decref(doc);
    else if (status == 2) {
        json_decref(doc);
        sb_out_close(&jo, 0, err, sizeof err);
    } else if (sb_jout_close(&jo, doc, err, sizeof err) != 0) {
        fprintf(stderr, "expsweep: %s\n", err);
        status = 2;
    }
    return status;
}
