/* plotdata.c - what the plots draw, in data/ (per machine, PREFIX-*.dat and
 * PREFIX-meta.gp; with several machines cross.dat and cross.gp), and the
 * gnuplot runs of the scripts in reports/ over them. */
#include "report.h"

#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *const sb_rep_plot_scripts[NPLOTS] = {"time",   "speedup", "ulp", "sum",
                                                 "pareto", "hist",    "bhh"};
const char *const sb_rep_plot_titles[NPLOTS] = {
    "Time per element against n (median; the band is min to max)",
    "Speed-up over the baseline",
    "Largest error in ULP against n (worst over the datasets)",
    "|sum(y) - 1| against n (worst over the datasets)",
    "Accuracy against speed at three sizes (the Pareto front is the line)",
    "The distribution of per-element errors (every verify row with an exact reference)",
    "Blanchard, Higham and Higham's formulas on their MNIST vectors: normwise error per vector"};

/* A string safe inside a gnuplot double-quoted string. */
static void gp_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++)
        fputc(*s == '"' || *s == '\\' || *s == '\n' ? ' ' : *s, f);
    fputc('"', f);
}

char *sb_rep_path_in(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p != NULL)
        snprintf(p, len, "%s/%s", dir, name);
    return p;
}

FILE *sb_rep_open_in(const char *dir, const char *name)
{
    char *p = sb_rep_path_in(dir, name);
    FILE *f = p != NULL ? fopen(p, "w") : NULL;
    free(p);
    return f;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void meta_common(FILE *f, const struct mach *m, const struct sb_kinfo **s, size_t ns)
{
    fputs("titles = ", f);
    fputc('"', f);
    for (size_t i = 0; i < ns; i++)
        fprintf(f, "%s%s", i ? " " : "", s[i]->name);
    fputs("\"\nkinds = \"", f);
    for (size_t i = 0; i < ns; i++)
        fprintf(f, "%s%s", i ? " " : "", s[i]->kind);
    fprintf(f, "\"\nN = %zu\ncaption = ", ns);
    char cap[512];
    const char *cc = m->compiler, *date = m->date;
    snprintf(cap, sizeof cap, "%s, usable ISA %s%s%s%s%s", m->cpu, m->isa, cc ? ", " : "",
             cc ? cc : "", date ? ", " : "", date ? date : "");
    gp_str(f, cap);
    fputc('\n', f);
}

/* The histogram plot's data: per kernel, bin index and fraction of its
 * elements (empty bins left out: the axis is logarithmic), and
 * <prefix>hist.gp with the titles and the bins' labels. */
static int write_hist_data(struct mach *m, const char *data, const char *prefix)
{
    char name[256];
    snprintf(name, sizeof name, "%shist.dat", prefix);
    FILE *f = sb_rep_open_in(data, name);
    if (f == NULL)
        return -1;
    size_t nk = 0, top = 0;
    for (size_t k = 0; k < m->nhist; k++) {
        const struct sb_hkern *h = &m->hist[k];
        if (h->total == 0)
            continue;
        fprintf(f, "# %s: bin, fraction of the elements\n", h->kernel);
        for (size_t j = 0; j < m->nhist_bins; j++)
            if (h->counts[j] > 0) {
                fprintf(f, "%zu %.6g\n", j, h->counts[j] / h->total);
                top = j > top ? j : top;
            }
        fputs("\n\n", f);
        nk++;
    }
    int ok = fclose(f) == 0;
    snprintf(name, sizeof name, "%shist.gp", prefix);
    f = sb_rep_open_in(data, name);
    if (f == NULL)
        return -1;
    fprintf(f, "NHIST = %zu\nhist_titles = \"", nk);
    size_t i = 0;
    for (size_t k = 0; k < m->nhist; k++)
        if (m->hist[k].total > 0)
            fprintf(f, "%s%s", i++ ? " " : "", m->hist[k].kernel);
    fputs("\"\nhist_kinds = \"", f);
    i = 0;
    for (size_t k = 0; k < m->nhist; k++) {
        if (m->hist[k].total == 0)
            continue;
        /* a kernel only the histogram names is drawn as one of ours */
        const char *kind = "kernel";
        for (size_t j = 0; j < m->d.nk; j++)
            if (strcmp(m->d.k[j].name, m->hist[k].kernel) == 0)
                kind = m->d.k[j].kind;
        fprintf(f, "%s%s", i++ ? " " : "", kind);
    }
    /* labels: 0, then each bin's upper edge, and > the last finite edge */
    fprintf(f, "\"\nhist_top = %zu\nset xtics (", top);
    for (size_t j = 0; j < m->nhist_bins && j <= top; j++) {
        int last = j + 1 == m->nhist_bins;
        double v = m->hedges[last ? j - 1 : j];
        char num[32];
        if (v >= 1024 && v == ldexp(1.0, ilogb(v)))
            snprintf(num, sizeof num, "2^{%d}", ilogb(v));
        else
            snprintf(num, sizeof num, "%g", v);
        if (j == 0)
            fputs("\"0\" 0", f);
        else
            fprintf(f, ", \"%s%s\" %zu", last ? ">" : "<=", num, j);
    }
    fputs(")\n", f);
    m->plot_ok[PLOT_HIST] = nk > 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* softbench bhh's points: one block per format (fp32, bf16, fp16), a line
 * per vector: the shifted formula's normwise error, then the basic, the
 * division-free and the division-free shifted one's (NaN: overflowed). */
static int write_bhh_data(struct mach *m, const char *data, const char *prefix)
{
    static const char *fm[] = {"fp32", "bf16", "fp16"};
    char name[256];
    snprintf(name, sizeof name, "%sbhh.dat", prefix);
    FILE *f = sb_rep_open_in(data, name);
    if (f == NULL)
        return -1;
    size_t total = 0;
    for (int i = 0; i < 3; i++) {
        fprintf(f, "# %s: shifted basic alt altshifted\n", fm[i]);
        for (size_t p = 0; p < m->nbpt[i]; p++) {
            const double *v = m->bpt[i][p];
            const int order[4] = {2, 0, 1, 3};
            for (int j = 0; j < 4; j++) /* gnuplot skips "NaN" (set datafile missing) */
                fprintf(f, isnan(v[order[j]]) ? "%sNaN" : "%s%.4g", j ? " " : "", v[order[j]]);
            fputc('\n', f);
            total++;
        }
        fputs("\n\n", f);
    }
    m->plot_ok[PLOT_BHH] = total > 0;
    return fclose(f) == 0 ? 0 : -1;
}

int sb_rep_write_plot_data(const struct report *r, struct mach *m, const char *data,
                           const char *prefix, char *err, size_t len)
{
    const struct sb_kinfo **s = calloc(m->d.nk + 1, sizeof *s);
    if (s == NULL)
        return -1;
    size_t ns = sb_rep_series(m, s);
    char name[256];
    int ok = 1;

    /* time per element, with the min-max band */
    snprintf(name, sizeof name, "%stime.dat", prefix);
    FILE *f = sb_rep_open_in(data, name);
    ok = ok && f != NULL;
    for (size_t i = 0; f != NULL && i < ns; i++) {
        fprintf(f, "# %s (%s): n, ns per element median, min, max\n", s[i]->name, s[i]->kind);
        for (size_t j = 0; j < m->d.nsizes; j++) {
            const struct sb_brow *b = sb_rep_bench_at(m, s[i]->name, m->d.sizes[j]);
            if (b != NULL)
                fprintf(f, "%zu %.6g %.6g %.6g\n", b->n, b->ns, b->lo, b->hi);
        }
        fputs("\n\n", f);
    }
    ok = ok && f != NULL && fclose(f) == 0;

    /* speed-up over the baseline */
    /* the baseline: --baseline, else peer.libm, else scalar.threepass, else
     * no speed-up plot */
    const char *base = r->baseline;
    if (base == NULL)
        base = sb_rep_bench_at(m, "peer.libm", m->d.sizes[0]) != NULL ? "peer.libm"
                                                                      : "scalar.threepass";
    int have_base = 0;
    for (size_t j = 0; j < m->d.nb; j++)
        have_base |= strcmp(m->d.b[j].kernel, base) == 0;
    if (!have_base && r->baseline != NULL) {
        free(s);
        return sb_rep_fail(err, len, "report: cpu '%s': no bench rows for the baseline %s", m->cpu,
                           base);
    }
    m->plot_ok[PLOT_TIME] = 1;
    m->plot_ok[PLOT_SPEEDUP] = have_base;
    snprintf(name, sizeof name, "%sspeedup.dat", prefix);
    f = sb_rep_open_in(data, name);
    ok = ok && f != NULL;
    for (size_t i = 0; f != NULL && i < ns; i++) {
        fprintf(f, "# %s: n, speed-up over %s\n", s[i]->name, base);
        for (size_t j = 0; j < m->d.nsizes; j++) {
            const struct sb_brow *b = sb_rep_bench_at(m, s[i]->name, m->d.sizes[j]),
                                 *o = sb_rep_bench_at(m, base, m->d.sizes[j]);
            if (b != NULL && o != NULL && b->ns > 0)
                fprintf(f, "%zu %.6g\n", b->n, o->ns / b->ns);
        }
        fputs("\n\n", f);
    }
    ok = ok && f != NULL && fclose(f) == 0;

    /* accuracy per n: worst over the datasets */
    size_t *vs = calloc(m->d.nv + 1, sizeof *vs), nvs = 0;
    ok = ok && vs != NULL;
    for (size_t i = 0; vs != NULL && i < m->d.nv; i++) {
        size_t j = 0;
        while (j < nvs && vs[j] != m->d.v[i].n)
            j++;
        if (j == nvs)
            vs[nvs++] = m->d.v[i].n;
    }
    if (vs != NULL)
        qsort(vs, nvs, sizeof *vs, cmp_size);
    snprintf(name, sizeof name, "%saccuracy.dat", prefix);
    f = sb_rep_open_in(data, name);
    ok = ok && f != NULL;
    size_t nacc = 0;
    const struct sb_kinfo **acc = calloc(m->d.nk + 1, sizeof *acc);
    ok = ok && acc != NULL;
    for (size_t i = 0; f != NULL && acc != NULL && vs != NULL && i < ns; i++) {
        if (strcmp(s[i]->kind, "floor") == 0 || s[i]->nverify == 0)
            continue;
        acc[nacc++] = s[i];
        fprintf(f, "# %s: n, max ULP (0 drawn at 0.1), max |sum - 1| (0 drawn at 1e-12)\n",
                s[i]->name);
        for (size_t j = 0; j < nvs; j++) {
            double u = NAN, e = NAN;
            for (size_t v = 0; v < m->d.nv; v++) {
                const struct sb_vrow *w = &m->d.v[v];
                if (w->n != vs[j] || strcmp(w->kernel, s[i]->name) != 0 || w->skip)
                    continue;
                if (!isnan(w->ulp) && (isnan(u) || w->ulp > u))
                    u = w->ulp;
                if (!isnan(w->sum_err) && (isnan(e) || w->sum_err > e))
                    e = w->sum_err;
            }
            if (!isnan(u) && !isinf(u) && vs[j] > 0)
                fprintf(f, "%zu %.6g %.6g\n", vs[j], u > 0.1 ? u : 0.1,
                        isnan(e)    ? 1e-12
                        : e > 1e-12 ? e
                                    : 1e-12);
        }
        fputs("\n\n", f);
    }
    ok = ok && f != NULL && fclose(f) == 0;
    m->plot_ok[PLOT_ULP] = m->plot_ok[PLOT_SUM] = nacc > 0;

    /* accuracy against speed at three sizes both commands ran */
    size_t pick[3], npick = 0, common[64], nc = 0;
    for (size_t j = 0; vs != NULL && j < nvs && nc < 64; j++)
        for (size_t k = 0; k < m->d.nsizes; k++)
            if (m->d.sizes[k] == vs[j] && vs[j] > 0)
                common[nc++] = vs[j];
    if (nc >= 3) {
        pick[0] = common[0];
        pick[1] = common[nc / 2];
        pick[2] = common[nc - 1];
        npick = 3;
    } else
        for (size_t j = 0; j < nc; j++)
            pick[npick++] = common[j];
    m->plot_ok[PLOT_PARETO] = npick > 0 && nacc > 0;
    snprintf(name, sizeof name, "%spareto.dat", prefix);
    f = sb_rep_open_in(data, name);
    ok = ok && f != NULL;
    for (size_t p = 0; f != NULL && p < npick; p++) {
        /* points, then the front in a second block per size */
        double xs[256], ys[256];
        const char *nm[256];
        size_t np = 0;
        for (size_t i = 0; i < nacc && np < 256; i++) {
            const struct sb_brow *b = sb_rep_bench_at(m, acc[i]->name, pick[p]);
            double u = NAN;
            for (size_t v = 0; v < m->d.nv; v++)
                if (m->d.v[v].n == pick[p] && strcmp(m->d.v[v].kernel, acc[i]->name) == 0 &&
                    !isnan(m->d.v[v].ulp) && (isnan(u) || m->d.v[v].ulp > u))
                    u = m->d.v[v].ulp;
            if (b == NULL || isnan(u) || isinf(u))
                continue;
            xs[np] = b->ns;
            ys[np] = u > 0.1 ? u : 0.1;
            nm[np++] = acc[i]->name;
        }
        int on[256];
        for (size_t i = 0; i < np; i++) {
            on[i] = 1;
            for (size_t j = 0; j < np; j++)
                if (j != i && xs[j] <= xs[i] && ys[j] <= ys[i] && (xs[j] < xs[i] || ys[j] < ys[i]))
                    on[i] = 0;
        }
        fprintf(f, "# n = %zu: ns per element, max ULP, kernel, on the front\n", pick[p]);
        for (size_t i = 0; i < np; i++)
            fprintf(f, "%.6g %.6g %s %d\n", xs[i], ys[i], nm[i], on[i]);
        fputs("\n\n", f);
        fprintf(f, "# n = %zu: the Pareto front (no other kernel both faster and more accurate)\n",
                pick[p]);
        /* in order of speed, so the line runs left to right */
        int used[256] = {0};
        for (size_t c = 0; c < np; c++) {
            size_t best = np;
            for (size_t i = 0; i < np; i++)
                if (on[i] && !used[i] && (best == np || xs[i] < xs[best]))
                    best = i;
            if (best == np)
                break;
            used[best] = 1;
            fprintf(f, "%.6g %.6g %s\n", xs[best], ys[best], nm[best]);
        }
        fputs("\n\n", f);
    }
    ok = ok && f != NULL && fclose(f) == 0;

    if (m->nhist_bins > 0 && ok)
        ok = write_hist_data(m, data, prefix) == 0;
    if (m->doc[DOC_BHH] != NULL && ok)
        ok = write_bhh_data(m, data, prefix) == 0;

    snprintf(name, sizeof name, "%smeta.gp", prefix);
    f = sb_rep_open_in(data, name);
    ok = ok && f != NULL;
    if (f != NULL) {
        fprintf(f, "# written by softbench report: what the plots of %s draw\n", m->cpu);
        meta_common(f, m, s, ns);
        fputs("acc_titles = \"", f);
        for (size_t i = 0; acc != NULL && i < nacc; i++)
            fprintf(f, "%s%s", i ? " " : "", acc[i]->name);
        fputs("\"\nacc_kinds = \"", f);
        for (size_t i = 0; acc != NULL && i < nacc; i++)
            fprintf(f, "%s%s", i ? " " : "", acc[i]->kind);
        fprintf(f, "\"\nNACC = %zu\nbaseline = \"%s\"\nNPARETO = %zu\n", nacc, base, npick);
        for (size_t p = 0; p < npick; p++)
            fprintf(f, "pareto_n%zu = %zu\n", p + 1, pick[p]);
        static const char *lv[3] = {"L1d", "L2", "L3"};
        for (int l = 0; l < 3; l++) {
            double bytes = m->cache[l];
            /* x and y together, 8 bytes per element, fill the cache here */
            fprintf(f, "cache_%s = %.0f\n", lv[l], bytes > 0 ? bytes / 8 : 0);
        }
        fprintf(f, "nmin = %zu\nnmax = %zu\n", m->d.sizes[0], m->d.sizes[m->d.nsizes - 1]);
        ok = fclose(f) == 0 && ok;
    }
    free(vs);
    free(acc);
    free(s);
    return ok ? 0 : sb_rep_fail(err, len, "report: cannot write the plot data in %s", data);
}

int sb_rep_write_cross_data(const struct report *r, const char *data)
{
    FILE *f = sb_rep_open_in(data, "cross.dat");
    if (f == NULL)
        return -1;
    for (size_t i = 0; i < r->nm; i++) {
        const struct mach *m = &r->m[i];
        if (m->d.emulated)
            continue;
        fprintf(f, "# %s (%s): n, ns per element of the fastest safe kernel or peer\n", m->cpu,
                m->isa);
        for (size_t j = 0; j < m->d.nsizes; j++) {
            double best = NAN;
            for (size_t k = 0; k < m->d.nk; k++) {
                const struct sb_brow *b = sb_rep_bench_at(m, m->d.k[k].name, m->d.sizes[j]);
                if (b != NULL && sb_candidate(&m->d.k[k]) && (isnan(best) || b->ns < best))
                    best = b->ns;
            }
            if (!isnan(best))
                fprintf(f, "%zu %.6g\n", m->d.sizes[j], best);
        }
        fputs("\n\n", f);
    }
    if (fclose(f) != 0)
        return -1;
    f = sb_rep_open_in(data, "cross.gp");
    if (f == NULL)
        return -1;
    fprintf(f, "N = %zu\n", sb_rep_timed_machines(r));
    for (size_t i = 0, j = 0; i < r->nm; i++) {
        if (r->m[i].d.emulated)
            continue;
        char t[300];
        snprintf(t, sizeof t, "%s (%s)", r->m[i].cpu, r->m[i].isa);
        fprintf(f, "cpu%zu = ", ++j);
        gp_str(f, t);
        fputc('\n', f);
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* Runs `gnuplot -e "prefix='..'; term='..'; sdir='..'" SCRIPT` in dir; 0 on
 * success. */
static int gnuplot(const char *dir, const char *sdir, const char *script, const char *prefix,
                   const char *term)
{
    char vars[PATH_MAX + 64];
    snprintf(vars, sizeof vars, "prefix='%s'; term='%s'; sdir='%s'", prefix, term, sdir);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* gnuplot's messages go to a log in the report, not to the terminal */
        if (chdir(dir) != 0)
            _exit(127);
        int log = open("data/gnuplot.log", O_WRONLY | O_CREAT | O_APPEND, 0666);
        if (log >= 0) {
            dup2(log, 2);
            dup2(log, 1);
        }
        execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int sb_rep_draw(const struct report *r, const char *prefix, const char *which, char *err,
                size_t len)
{
    char script[PATH_MAX];
    snprintf(script, sizeof script, "%s/%s.gp", r->scripts, which);
    if (access(script, R_OK) != 0)
        return sb_rep_fail(err, len, "report: gnuplot script %s is missing (--scripts DIR)",
                           script);
    for (int t = 0; t < 2; t++) {
        int rc = gnuplot(r->dir, r->scripts, script, prefix, t == 0 ? "svg" : "png");
        if (rc == 127)
            return sb_rep_fail(err, len,
                               "report: cannot run gnuplot (apt-get install "
                               "gnuplot-nox)");
        if (rc != 0) {
            /* the log's last non-empty line says why */
            char *lp = sb_rep_path_in(r->dir, "data/gnuplot.log"), line[256] = "", last[256] = "";
            FILE *lf = lp != NULL ? fopen(lp, "r") : NULL;
            while (lf != NULL && fgets(line, sizeof line, lf) != NULL)
                if (line[0] != '\n' && line[0] != ' ')
                    snprintf(last, sizeof last, "%.*s", (int)strcspn(line, "\n"), line);
            if (lf != NULL)
                fclose(lf);
            free(lp);
            return sb_rep_fail(err, len, "report: gnuplot failed on %s for %s: %s", script,
                               prefix[0] ? prefix : "the machines", last);
        }
    }
    return 0;
}
