/* cmd_report.c - softbench report: saved results into a report folder.
 *
 * Inputs are the JSON files of list, verify, edge and bench, or the
 * results.json of earlier reports; they are grouped by machine (CPU model
 * and usable ISA). Output, written beside the target and renamed into place
 * whole: index.html, report.md, results.json (the inputs and every derived
 * figure), CSV files, data/ (what the plots draw) and the plots, SVG and PNG,
 * drawn by the gnuplot scripts in reports/. With two machines or more it adds
 * the cross-machine table (CPU x size band -> fastest safe kernel) and an
 * overlaid plot. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"

static const char help[] =
    "usage: softbench report [--out DIR] [--ulp-budget U] [--baseline KERNEL]\n"
    "                        [--scripts DIR] FILE.json...\n"
    "\n"
    "Builds a report from saved results, running nothing: FILE.json are the\n"
    "--json outputs of softbench list, verify, edge and bench, or results.json\n"
    "files of earlier reports (any mix; grouped by machine: CPU model and\n"
    "usable ISA). Several machines give a cross-machine report.\n"
    "\n"
    "  --out DIR        the report folder (default reports/out/report); it must\n"
    "                   not exist yet, and appears whole or not at all\n"
    "  --ulp-budget U   the tight accuracy budget of the recommendation, in ULP\n"
    "                   (default 4)\n"
    "  --baseline K     the speed-up plot's baseline (default peer.libm, else\n"
    "                   scalar.threepass)\n"
    "  --scripts DIR    where the gnuplot scripts are (default: reports/ beside\n"
    "                   the build folder of this binary)\n"
    "\n"
    "Writes index.html, report.md, results.json, verify.csv, bench.csv,\n"
    "edge.csv, recommendation.csv, data/ and the plots (SVG and PNG).\n"
    "exit: 0 written, 2 bad input or gnuplot failed (nothing written)\n";

enum { DOC_LIST, DOC_VERIFY, DOC_EDGE, DOC_BENCH, DOC_BHH, DOC_SHAPES, NDOC };
static const char *doc_names[NDOC] = {"list", "verify", "edge", "bench", "bhh", "shapes"};

#define NBANDS 4
static const struct {
    const char *name;
    size_t lo, hi;
} bands[NBANDS] = {{"n <= 1024", 0, 1024},
                   {"1025 to 65536", 1025, 65536},
                   {"65537 to 1M", 65537, 1048576},
                   {"above 1M", 1048577, SIZE_MAX}};
static const char *budget_names[2] = {"fastest safe", "fastest within the ULP budget"};

struct brow {
    const char *kernel, *kind;
    size_t n;
    double ns, lo, hi; /* per element: median, min, max */
};
struct vrow {
    const char *kernel, *dataset, *status;
    size_t n;
    double ulp, sum_err, ratio;
};
struct kinfo {
    const char *name, *kind; /* kind: kernel, peer, floor */
    int safe, ran, edge_fail, edge_total, verify_fail, nverify;
    double max_ulp, max_sum, worst_ratio;
};
struct rec {
    const struct kinfo *k, *second;
    double ns, ulp, second_ns;
};
struct mach {
    char *cpu, *isa;
    const struct sb_jnode *doc[NDOC];
    struct brow *b;
    size_t nb;
    struct vrow *v;
    size_t nv;
    struct kinfo *k;
    size_t nk;
    size_t *sizes; /* bench sizes, ascending */
    size_t nsizes;
    struct rec rec[NBANDS][2];
    const struct sb_jnode *machine; /* bench's machine object, or NULL */
    const struct sb_jnode *hist;    /* verify's "histogram", checked, or NULL */
    size_t nhist_bins;
    int plot_ok[8];                 /* per plot_scripts entry: it has data */
    int emulated;                   /* bench ran under an emulator: no recommendation */
};

struct report {
    struct mach *m;
    size_t nm;
    double budget;
    const char *baseline, *scripts;
    char *dir; /* the temporary folder being written */
};

/* ---- small helpers */

static int is_true(const struct sb_jnode *o, const char *key)
{
    const struct sb_jnode *v = sb_json_get(o, key);
    return v != NULL && v->type == SB_JBOOL && v->num != 0;
}

static void html_esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Markdown table cells: a | would split the cell. */
static void md_esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s != '\n')
            fputc(*s, f);
    }
}

/* A string safe inside a gnuplot double-quoted string. */
static void gp_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++)
        fputc(*s == '"' || *s == '\\' || *s == '\n' ? ' ' : *s, f);
    fputc('"', f);
}

static char *path_in(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p != NULL)
        snprintf(p, len, "%s/%s", dir, name);
    return p;
}

static FILE *open_in(const char *dir, const char *name)
{
    char *p = path_in(dir, name);
    FILE *f = p != NULL ? fopen(p, "w") : NULL;
    free(p);
    return f;
}

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = path_in(dir, e->d_name);
            if (p == NULL)
                continue;
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                rm_tree(p);
            else
                unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Names go into gnuplot strings, word lists, HTML and CSV: only these. */
static int plain_name(const char *s)
{
    if (s == NULL || *s == 0 || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* A size: an integer from 0 (verify rows may have n = 0) to 2^53. */
static int size_of(const struct sb_jnode *o, size_t *n)
{
    double v = sb_json_num_of(o, "n", NAN);
    if (!(v >= 0 && v <= 9007199254740992.0) || v != floor(v))
        return 0;
    *n = (size_t)v;
    return 1;
}

/* ---- reading */

static struct mach *machine_for(struct report *r, const char *cpu, const char *isa)
{
    for (size_t i = 0; i < r->nm; i++)
        if (strcmp(r->m[i].cpu, cpu) == 0 && strcmp(r->m[i].isa, isa) == 0)
            return &r->m[i];
    struct mach *m = realloc(r->m, (r->nm + 1) * sizeof *m);
    if (m == NULL)
        return NULL;
    r->m = m;
    m = &r->m[r->nm++];
    *m = (struct mach){.cpu = strdup(cpu), .isa = strdup(isa)};
    return m->cpu != NULL && m->isa != NULL ? m : NULL;
}

/* One softbench document (list, verify, edge or bench) into its machine. */
static int add_doc(struct report *r, const struct sb_jnode *doc, const char *file)
{
    const char *cmd = sb_json_str_of(sb_json_get(doc, "softbench"), "command");
    int kind = -1;
    for (int i = 0; cmd != NULL && i < NDOC; i++)
        if (strcmp(cmd, doc_names[i]) == 0)
            kind = i;
    if (kind < 0)
        return sb_usage_error("report: %s: not the JSON of softbench list, verify, edge, bench, "
                              "bench --shape, bhh or report",
                              file);
    const struct sb_jnode *mj = sb_json_get(doc, "machine");
    const char *cpu = sb_json_str_of(mj, "cpu");
    const char *isa =
        sb_json_str_of(mj, kind == DOC_BENCH || kind == DOC_SHAPES ? "isa_usable" : "isa");
    if (cpu == NULL || isa == NULL)
        return sb_usage_error("report: %s: no machine (cpu, isa) in this %s result", file, cmd);
    for (const char *c = cpu; *c; c++)
        if (!isprint((unsigned char)*c) || *c == '"' || *c == '\\' || *c == '<' || *c == '>' ||
            *c == '&' || *c == '|')
            return sb_usage_error("report: %s: the cpu name holds a character reports cannot "
                                  "show",
                                  file);
    if (!plain_name(isa))
        return sb_usage_error("report: %s: a malformed isa '%s'", file, isa);
    struct mach *m = machine_for(r, cpu, isa);
    if (m == NULL)
        return sb_usage_error("out of memory");
    if (m->doc[kind] != NULL)
        return sb_usage_error("report: %s: a second %s result for cpu '%s' (%s); give one of "
                              "each per machine",
                              file, cmd, cpu, isa);
    m->doc[kind] = doc;
    if (kind == DOC_BENCH)
        m->machine = mj;
    return 0;
}

static int add_file(struct report *r, const struct sb_jnode *doc, const char *file)
{
    const char *cmd = sb_json_str_of(sb_json_get(doc, "softbench"), "command");
    if (cmd == NULL || strcmp(cmd, "report") != 0)
        return add_doc(r, doc, file);
    const struct sb_jnode *ms = sb_json_get(doc, "machines");
    if (ms == NULL || ms->type != SB_JARR)
        return sb_usage_error("report: %s: a report without machines", file);
    for (const struct sb_jnode *m = ms->child; m != NULL; m = m->next)
        for (int i = 0; i < NDOC; i++) {
            const struct sb_jnode *d = sb_json_get(sb_json_get(m, "inputs"), doc_names[i]);
            int rc = d != NULL && d->type == SB_JOBJ ? add_doc(r, d, file) : 0;
            if (rc != 0)
                return rc;
        }
    return 0;
}

/* The kernel's entry, or NULL: never adds one (which kernel_of's realloc
 * would do under pointers the caller holds). */
static const struct kinfo *kernel_find(const struct mach *m, const char *name)
{
    for (size_t i = 0; name != NULL && i < m->nk; i++)
        if (strcmp(m->k[i].name, name) == 0)
            return &m->k[i];
    return NULL;
}

static struct kinfo *kernel_of(struct mach *m, const char *name, const char *kind)
{
    for (size_t i = 0; i < m->nk; i++)
        if (strcmp(m->k[i].name, name) == 0)
            return &m->k[i];
    struct kinfo *k = realloc(m->k, (m->nk + 1) * sizeof *k);
    if (k == NULL)
        return NULL;
    m->k = k;
    k = &m->k[m->nk++];
    *k = (struct kinfo){.name = name, .kind = kind, .max_ulp = NAN, .max_sum = NAN,
                        .worst_ratio = NAN};
    return k;
}

/* The first element of an array member, or NULL (absent or empty). */
static const struct sb_jnode *first(const struct sb_jnode *obj, const char *key)
{
    const struct sb_jnode *a = obj != NULL ? sb_json_get(obj, key) : NULL;
    return a != NULL && (a->type == SB_JARR || a->type == SB_JOBJ) ? a->child : NULL;
}

static size_t count_arr(const struct sb_jnode *a)
{
    size_t n = 0;
    for (const struct sb_jnode *c = a != NULL ? a->child : NULL; c != NULL; c = c->next)
        n++;
    return n;
}

/* The tables the report draws from, per machine. */
static int digest(struct mach *m)
{
    const struct sb_jnode *list = m->doc[DOC_LIST], *ver = m->doc[DOC_VERIFY],
                          *edge = m->doc[DOC_EDGE], *bench = m->doc[DOC_BENCH];
    if (bench == NULL || ver == NULL)
        return sb_usage_error("report: cpu '%s' (%s): needs at least a bench and a verify result",
                              m->cpu, m->isa);
    for (const struct sb_jnode *k = first(list, "kernels"); k != NULL; k = k->next) {
        const char *name = sb_json_str_of(k, "name");
        struct kinfo *ki = plain_name(name)
                               ? kernel_of(m, name, is_true(k, "peer") ? "peer" : "kernel")
                               : NULL;
        if (ki == NULL)
            return sb_usage_error("report: cpu '%s': a malformed list result (kernel names are "
                                  "letters, digits and . _ -)",
                                  m->cpu);
        ki->safe = is_true(k, "safe");
    }
    const struct sb_jnode *rows = sb_json_get(bench, "rows");
    m->b = calloc(count_arr(rows) + 1, sizeof *m->b);
    m->sizes = calloc(count_arr(rows) + 1, sizeof *m->sizes);
    if (m->b == NULL || m->sizes == NULL)
        return sb_usage_error("out of memory");
    for (const struct sb_jnode *b = rows != NULL ? rows->child : NULL; b != NULL; b = b->next) {
        struct brow *o = &m->b[m->nb];
        o->kernel = sb_json_str_of(b, "kernel");
        o->kind = sb_json_str_of(b, "kind");
        if (!plain_name(o->kernel) || o->kind == NULL ||
            (strcmp(o->kind, "kernel") && strcmp(o->kind, "peer") && strcmp(o->kind, "floor")) ||
            !size_of(b, &o->n) || o->n == 0)
            return sb_usage_error("report: cpu '%s': a malformed bench row", m->cpu);
        double n = (double)o->n;
        o->ns = sb_json_num_of(b, "ns_per_elem", NAN);
        o->lo = sb_json_num_of(b, "min_ns", NAN) / n;
        o->hi = sb_json_num_of(b, "max_ns", NAN) / n;
        struct kinfo *k = kernel_of(m, o->kernel, o->kind);
        if (k == NULL)
            return sb_usage_error("out of memory");
        if (list == NULL && strcmp(o->kind, "kernel") == 0)
            return sb_usage_error("report: cpu '%s': needs the list result too (which kernels "
                                  "are safe)",
                                  m->cpu);
        k->ran = 1;
        k->kind = o->kind;
        size_t j = 0;
        while (j < m->nsizes && m->sizes[j] != o->n)
            j++;
        if (j == m->nsizes)
            m->sizes[m->nsizes++] = o->n;
        m->nb++;
    }
    if (m->nsizes == 0)
        return sb_usage_error("report: cpu '%s': the bench result has no rows", m->cpu);
    qsort(m->sizes, m->nsizes, sizeof *m->sizes, cmp_size);
    rows = sb_json_get(ver, "rows");
    m->v = calloc(count_arr(rows) + 1, sizeof *m->v);
    if (m->v == NULL)
        return sb_usage_error("out of memory");
    for (const struct sb_jnode *v = rows != NULL ? rows->child : NULL; v != NULL; v = v->next) {
        struct vrow *o = &m->v[m->nv];
        o->kernel = sb_json_str_of(v, "kernel");
        o->dataset = sb_json_str_of(v, "dataset");
        o->status = sb_json_str_of(v, "status");
        if (!plain_name(o->kernel) || o->dataset == NULL || o->status == NULL ||
            !size_of(v, &o->n))
            return sb_usage_error("report: cpu '%s': a malformed verify row", m->cpu);
        o->ulp = sb_json_num_of(v, "max_ulp", NAN);
        o->sum_err = sb_json_num_of(v, "sum_err", NAN);
        o->ratio = sb_json_num_of(v, "worst_ratio", NAN);
        m->nv++;
        struct kinfo *k = kernel_of(m, o->kernel, "kernel");
        if (k == NULL)
            return sb_usage_error("out of memory");
        if (strcmp(o->status, "skip") == 0)
            continue;
        k->nverify++;
        k->verify_fail += strcmp(o->status, "FAIL") == 0;
        /* NaN-aware maxima: an undefined row (NaN output by contract) has no error */
        if (!(k->max_ulp >= o->ulp))
            k->max_ulp = isnan(o->ulp) ? k->max_ulp : o->ulp;
        if (!(k->max_sum >= o->sum_err))
            k->max_sum = isnan(o->sum_err) ? k->max_sum : o->sum_err;
        if (!(k->worst_ratio >= o->ratio))
            k->worst_ratio = isnan(o->ratio) ? k->worst_ratio : o->ratio;
    }
    /* the error histogram: optional (older verify results lack it) */
    const struct sb_jnode *h = sb_json_get(ver, "histogram");
    if (h != NULL) {
        const struct sb_jnode *edges = sb_json_get(h, "edges");
        size_t nb = count_arr(edges);
        int ok = edges != NULL && edges->type == SB_JARR && nb >= 2 && nb <= 64 &&
                 sb_json_get(h, "kernels") != NULL && sb_json_get(h, "kernels")->type == SB_JARR;
        size_t j = 0;
        double prev = -1.0; /* edges ascend from 0; the last is "inf" */
        for (const struct sb_jnode *e = ok ? edges->child : NULL; e != NULL; e = e->next, j++) {
            ok = ok && (j + 1 == nb ? e->type == SB_JSTR && strcmp(e->str, "inf") == 0
                                    : e->type == SB_JNUM && e->num > prev && (j > 0 || e->num == 0));
            prev = e->num;
        }
        for (const struct sb_jnode *k = ok ? first(h, "kernels") : NULL; k != NULL; k = k->next) {
            const struct sb_jnode *c = sb_json_get(k, "counts");
            ok = ok && plain_name(sb_json_str_of(k, "kernel")) && c != NULL &&
                 c->type == SB_JARR && count_arr(c) == nb;
            for (const struct sb_jnode *v = ok ? c->child : NULL; v != NULL; v = v->next)
                ok = ok && v->type == SB_JNUM && v->num >= 0 && v->num == floor(v->num) &&
                     v->num <= 9007199254740992.0;
        }
        if (!ok)
            return sb_usage_error("report: cpu '%s': a malformed verify histogram", m->cpu);
        m->hist = h;
        m->nhist_bins = nb;
    }
    size_t nek = count_arr(edge != NULL ? sb_json_get(edge, "kernels") : NULL);
    for (const struct sb_jnode *k = first(edge, "kernels"); k != NULL; k = k->next)
        if (k->type != SB_JSTR || !plain_name(k->str))
            return sb_usage_error("report: cpu '%s': a malformed edge result", m->cpu);
    for (const struct sb_jnode *c = first(edge, "cases"); c != NULL; c = c->next) {
        const struct sb_jnode *name = first(edge, "kernels");
        if (!plain_name(sb_json_str_of(c, "name")) || sb_json_str_of(c, "rule") == NULL ||
            count_arr(sb_json_get(c, "results")) != nek)
            return sb_usage_error("report: cpu '%s': a malformed edge result", m->cpu);
        for (const struct sb_jnode *res = first(c, "results"); res != NULL && name != NULL;
             res = res->next, name = name->next) {
            struct kinfo *k = kernel_of(m, name->str, "kernel");
            const char *st = sb_json_str_of(res, "status");
            if (k == NULL || st == NULL || sb_json_str_of(res, "detail") == NULL)
                return sb_usage_error("report: cpu '%s': a malformed edge result", m->cpu);
            if (strcmp(st, "SKIP") != 0) {
                k->edge_total++;
                k->edge_fail += strcmp(st, "pass") != 0;
            }
        }
    }
    return 0;
}

/* ---- the recommendation */

/* Geometric mean of ns per element over the band's bench sizes; NAN unless
 * the kernel was measured at every one of them. */
static double band_speed(const struct mach *m, const char *kernel, int band)
{
    double logs = 0;
    size_t got = 0, want = 0;
    for (size_t s = 0; s < m->nsizes; s++) {
        size_t n = m->sizes[s];
        if (n < bands[band].lo || n > bands[band].hi)
            continue;
        want++;
        for (size_t i = 0; i < m->nb; i++)
            if (m->b[i].n == n && strcmp(m->b[i].kernel, kernel) == 0 && m->b[i].ns > 0) {
                logs += log(m->b[i].ns);
                got++;
                break;
            }
    }
    return want > 0 && got == want ? exp(logs / (double)want) : NAN;
}

/* The largest error over the band's verify rows; NAN if none. */
static double band_ulp(const struct mach *m, const char *kernel, int band)
{
    double worst = NAN;
    for (size_t i = 0; i < m->nv; i++) {
        const struct vrow *v = &m->v[i];
        if (v->n < bands[band].lo || v->n > bands[band].hi || strcmp(v->kernel, kernel) != 0 ||
            strcmp(v->status, "skip") == 0 || isnan(v->ulp))
            continue;
        worst = isnan(worst) || v->ulp > worst ? v->ulp : worst;
    }
    return worst;
}

/* Candidates: our safe kernels that were verified and passed verify and the
 * contract, and the peers (named as such: a peer that wins a band is said to
 * win it). */
static int candidate(const struct kinfo *k)
{
    if (strcmp(k->kind, "peer") == 0)
        return k->ran;
    return strcmp(k->kind, "kernel") == 0 && k->safe && k->ran && k->nverify > 0 &&
           k->verify_fail == 0 && k->edge_fail == 0;
}

/* Times taken under an emulator (bench's machine says so) measure the
 * emulator: no band is recommended from them. */
static void recommend(struct mach *m, double budget)
{
    int emulated = m->machine != NULL && is_true(m->machine, "emulated");
    m->emulated = emulated;
    for (int b = 0; b < NBANDS; b++)
        for (int g = 0; g < 2; g++) {
            struct rec *r = &m->rec[b][g];
            *r = (struct rec){.ns = NAN, .ulp = NAN, .second_ns = NAN};
            if (emulated)
                continue;
            for (size_t i = 0; i < m->nk; i++) {
                const struct kinfo *k = &m->k[i];
                double ns = band_speed(m, k->name, b), ulp = band_ulp(m, k->name, b);
                if (!candidate(k) || isnan(ns) || (g == 1 && !(ulp <= budget)))
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

static void fmt_g(char *buf, size_t len, double v)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%g", v);
}

static void fmt_ns(char *buf, size_t len, double v)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.3f", v);
}

static double margin_pct(const struct rec *r)
{
    return r->second != NULL ? 100.0 * (r->second_ns / r->ns - 1.0) : NAN;
}

static void fmt_margin(char *buf, size_t len, const struct rec *r)
{
    if (r->second == NULL)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f%%", margin_pct(r));
}

/* ---- plots: data files, then gnuplot */

static const char *kind_order[] = {"kernel", "peer", "floor"};
enum { PLOT_TIME, PLOT_SPEEDUP, PLOT_ULP, PLOT_SUM, PLOT_PARETO, PLOT_HIST, PLOT_BHH };

/* The series of the time plot, in legend order: ours, peers, floors. */
static size_t series(const struct mach *m, const struct kinfo **out)
{
    size_t n = 0;
    for (int o = 0; o < 3; o++)
        for (size_t i = 0; i < m->nk; i++)
            if (m->k[i].ran && strcmp(m->k[i].kind, kind_order[o]) == 0)
                out[n++] = &m->k[i];
    return n;
}

static const struct brow *bench_at(const struct mach *m, const char *kernel, size_t n)
{
    for (size_t i = 0; i < m->nb; i++)
        if (m->b[i].n == n && strcmp(m->b[i].kernel, kernel) == 0)
            return &m->b[i];
    return NULL;
}

static void meta_common(FILE *f, const struct mach *m, const struct kinfo **s, size_t ns)
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
    const char *cc = m->machine != NULL ? sb_json_str_of(m->machine, "compiler") : NULL;
    const char *date = m->machine != NULL ? sb_json_str_of(m->machine, "date") : NULL;
    snprintf(cap, sizeof cap, "%s, usable ISA %s%s%s%s%s", m->cpu, m->isa, cc ? ", " : "",
             cc ? cc : "", date ? ", " : "", date ? date : "");
    gp_str(f, cap);
    fputc('\n', f);
}

static double hist_total(const struct sb_jnode *k)
{
    double t = 0.0;
    for (const struct sb_jnode *v = first(k, "counts"); v != NULL; v = v->next)
        t += v->num;
    return t;
}

/* The histogram plot's data: per kernel, bin index and fraction of its
 * elements (empty bins left out: the axis is logarithmic), and
 * <prefix>hist.gp with the titles and the bins' labels. */
static int write_hist_data(struct mach *m, const char *data, const char *prefix)
{
    char name[256];
    snprintf(name, sizeof name, "%shist.dat", prefix);
    FILE *f = open_in(data, name);
    if (f == NULL)
        return -1;
    size_t nk = 0, top = 0;
    for (const struct sb_jnode *k = first(m->hist, "kernels"); k != NULL; k = k->next) {
        double total = hist_total(k);
        if (total == 0)
            continue;
        fprintf(f, "# %s: bin, fraction of the elements\n", sb_json_str_of(k, "kernel"));
        size_t j = 0;
        for (const struct sb_jnode *v = first(k, "counts"); v != NULL; v = v->next, j++)
            if (v->num > 0) {
                fprintf(f, "%zu %.6g\n", j, v->num / total);
                top = j > top ? j : top;
            }
        fputs("\n\n", f);
        nk++;
    }
    int ok = fclose(f) == 0;
    snprintf(name, sizeof name, "%shist.gp", prefix);
    f = open_in(data, name);
    if (f == NULL)
        return -1;
    fprintf(f, "NHIST = %zu\nhist_titles = \"", nk);
    size_t i = 0;
    for (const struct sb_jnode *k = first(m->hist, "kernels"); k != NULL; k = k->next)
        if (hist_total(k) > 0)
            fprintf(f, "%s%s", i++ ? " " : "", sb_json_str_of(k, "kernel"));
    fputs("\"\nhist_kinds = \"", f);
    i = 0;
    for (const struct sb_jnode *k = first(m->hist, "kernels"); k != NULL; k = k->next) {
        if (hist_total(k) > 0) {
            const struct kinfo *ki = kernel_find(m, sb_json_str_of(k, "kernel"));
            fprintf(f, "%s%s", i++ ? " " : "", ki != NULL ? ki->kind : "kernel");
        }
    }
    /* labels: 0, then each bin's upper edge, and > the last finite edge */
    fprintf(f, "\"\nhist_top = %zu\nset xtics (", top);
    double prev = 0.0;
    size_t j = 0;
    for (const struct sb_jnode *e = first(m->hist, "edges"); e != NULL && j <= top;
         e = e->next, j++) {
        double v = e->type == SB_JSTR ? prev : e->num; /* the last: above prev */
        char num[32];
        if (v >= 1024 && v == ldexp(1.0, ilogb(v)))
            snprintf(num, sizeof num, "2^{%d}", ilogb(v));
        else
            snprintf(num, sizeof num, "%g", v);
        if (j == 0)
            fputs("\"0\" 0", f);
        else
            fprintf(f, ", \"%s%s\" %zu", e->type == SB_JSTR ? ">" : "<=", num, j);
        prev = e->num;
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
    const struct sb_jnode *pts = sb_json_get(m->doc[DOC_BHH], "points");
    char name[256];
    snprintf(name, sizeof name, "%sbhh.dat", prefix);
    FILE *f = open_in(data, name);
    if (f == NULL)
        return -1;
    size_t total = 0;
    for (int i = 0; i < 3; i++) {
        fprintf(f, "# %s: shifted basic alt altshifted\n", fm[i]);
        for (const struct sb_jnode *p = first(pts, fm[i]); p != NULL; p = p->next) {
            double v[4];
            int k = 0;
            for (const struct sb_jnode *c = p->type == SB_JARR ? p->child : NULL; c && k < 4;
                 c = c->next)
                v[k++] = c->type == SB_JNUM && isfinite(c->num) ? c->num : NAN;
            if (k != 4)
                continue;
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

static int write_plot_data(const struct report *r, struct mach *m, const char *data,
                           const char *prefix)
{
    const struct kinfo **s = calloc(m->nk + 1, sizeof *s);
    if (s == NULL)
        return -1;
    size_t ns = series(m, s);
    char name[256];
    int ok = 1;

    /* time per element, with the min-max band */
    snprintf(name, sizeof name, "%stime.dat", prefix);
    FILE *f = open_in(data, name);
    ok = ok && f != NULL;
    for (size_t i = 0; f != NULL && i < ns; i++) {
        fprintf(f, "# %s (%s): n, ns per element median, min, max\n", s[i]->name, s[i]->kind);
        for (size_t j = 0; j < m->nsizes; j++) {
            const struct brow *b = bench_at(m, s[i]->name, m->sizes[j]);
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
        base = bench_at(m, "peer.libm", m->sizes[0]) != NULL ? "peer.libm" : "scalar.threepass";
    int have_base = 0;
    for (size_t j = 0; j < m->nb; j++)
        have_base |= strcmp(m->b[j].kernel, base) == 0;
    if (!have_base && r->baseline != NULL) {
        free(s);
        return sb_usage_error("report: cpu '%s': no bench rows for the baseline %s", m->cpu, base);
    }
    m->plot_ok[PLOT_TIME] = 1;
    m->plot_ok[PLOT_SPEEDUP] = have_base;
    snprintf(name, sizeof name, "%sspeedup.dat", prefix);
    f = open_in(data, name);
    ok = ok && f != NULL;
    for (size_t i = 0; f != NULL && i < ns; i++) {
        fprintf(f, "# %s: n, speed-up over %s\n", s[i]->name, base);
        for (size_t j = 0; j < m->nsizes; j++) {
            const struct brow *b = bench_at(m, s[i]->name, m->sizes[j]),
                              *o = bench_at(m, base, m->sizes[j]);
            if (b != NULL && o != NULL && b->ns > 0)
                fprintf(f, "%zu %.6g\n", b->n, o->ns / b->ns);
        }
        fputs("\n\n", f);
    }
    ok = ok && f != NULL && fclose(f) == 0;

    /* accuracy per n: worst over the datasets */
    size_t *vs = calloc(m->nv + 1, sizeof *vs), nvs = 0;
    ok = ok && vs != NULL;
    for (size_t i = 0; vs != NULL && i < m->nv; i++) {
        size_t j = 0;
        while (j < nvs && vs[j] != m->v[i].n)
            j++;
        if (j == nvs)
            vs[nvs++] = m->v[i].n;
    }
    if (vs != NULL)
        qsort(vs, nvs, sizeof *vs, cmp_size);
    snprintf(name, sizeof name, "%saccuracy.dat", prefix);
    f = open_in(data, name);
    ok = ok && f != NULL;
    size_t nacc = 0;
    const struct kinfo **acc = calloc(m->nk + 1, sizeof *acc);
    ok = ok && acc != NULL;
    for (size_t i = 0; f != NULL && acc != NULL && vs != NULL && i < ns; i++) {
        if (strcmp(s[i]->kind, "floor") == 0 || s[i]->nverify == 0)
            continue;
        acc[nacc++] = s[i];
        fprintf(f, "# %s: n, max ULP (0 drawn at 0.1), max |sum - 1| (0 drawn at 1e-12)\n",
                s[i]->name);
        for (size_t j = 0; j < nvs; j++) {
            double u = NAN, e = NAN;
            for (size_t v = 0; v < m->nv; v++) {
                const struct vrow *w = &m->v[v];
                if (w->n != vs[j] || strcmp(w->kernel, s[i]->name) != 0 ||
                    strcmp(w->status, "skip") == 0)
                    continue;
                if (!isnan(w->ulp) && (isnan(u) || w->ulp > u))
                    u = w->ulp;
                if (!isnan(w->sum_err) && (isnan(e) || w->sum_err > e))
                    e = w->sum_err;
            }
            if (!isnan(u) && !isinf(u) && vs[j] > 0)
                fprintf(f, "%zu %.6g %.6g\n", vs[j], u > 0.1 ? u : 0.1,
                        isnan(e) ? 1e-12 : e > 1e-12 ? e : 1e-12);
        }
        fputs("\n\n", f);
    }
    ok = ok && f != NULL && fclose(f) == 0;
    m->plot_ok[PLOT_ULP] = m->plot_ok[PLOT_SUM] = nacc > 0;

    /* accuracy against speed at three sizes both commands ran */
    size_t pick[3], npick = 0, common[64], nc = 0;
    for (size_t j = 0; vs != NULL && j < nvs && nc < 64; j++)
        for (size_t k = 0; k < m->nsizes; k++)
            if (m->sizes[k] == vs[j] && vs[j] > 0)
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
    f = open_in(data, name);
    ok = ok && f != NULL;
    for (size_t p = 0; f != NULL && p < npick; p++) {
        /* points, then the front in a second block per size */
        double xs[256], ys[256];
        const char *nm[256];
        size_t np = 0;
        for (size_t i = 0; i < nacc && np < 256; i++) {
            const struct brow *b = bench_at(m, acc[i]->name, pick[p]);
            double u = NAN;
            for (size_t v = 0; v < m->nv; v++)
                if (m->v[v].n == pick[p] && strcmp(m->v[v].kernel, acc[i]->name) == 0 &&
                    !isnan(m->v[v].ulp) && (isnan(u) || m->v[v].ulp > u))
                    u = m->v[v].ulp;
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

    if (m->hist != NULL && ok)
        ok = write_hist_data(m, data, prefix) == 0;
    if (m->doc[DOC_BHH] != NULL && ok)
        ok = write_bhh_data(m, data, prefix) == 0;

    snprintf(name, sizeof name, "%smeta.gp", prefix);
    f = open_in(data, name);
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
        const struct sb_jnode *cb = m->machine != NULL ? sb_json_get(m->machine, "cache_bytes")
                                                       : NULL;
        for (int l = 0; l < 3; l++) {
            double bytes = sb_json_num_of(cb, lv[l], 0);
            /* x and y together, 8 bytes per element, fill the cache here */
            fprintf(f, "cache_%s = %.0f\n", lv[l], bytes > 0 ? bytes / 8 : 0);
        }
        fprintf(f, "nmin = %zu\nnmax = %zu\n", m->sizes[0], m->sizes[m->nsizes - 1]);
        ok = fclose(f) == 0 && ok;
    }
    free(vs);
    free(acc);
    free(s);
    return ok ? 0 : -1;
}

/* The cross plot's machines: those whose times measure the CPU (an emulated
 * one's would sit a hundred times above, meaning nothing). */
static size_t timed_machines(const struct report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nm; i++)
        n += !r->m[i].emulated;
    return n;
}

static int write_cross_data(const struct report *r, const char *data)
{
    FILE *f = open_in(data, "cross.dat");
    if (f == NULL)
        return -1;
    for (size_t i = 0; i < r->nm; i++) {
        const struct mach *m = &r->m[i];
        if (m->emulated)
            continue;
        fprintf(f, "# %s (%s): n, ns per element of the fastest safe kernel or peer\n", m->cpu,
                m->isa);
        for (size_t j = 0; j < m->nsizes; j++) {
            double best = NAN;
            for (size_t k = 0; k < m->nk; k++) {
                const struct brow *b = bench_at(m, m->k[k].name, m->sizes[j]);
                if (b != NULL && candidate(&m->k[k]) && (isnan(best) || b->ns < best))
                    best = b->ns;
            }
            if (!isnan(best))
                fprintf(f, "%zu %.6g\n", m->sizes[j], best);
        }
        fputs("\n\n", f);
    }
    if (fclose(f) != 0)
        return -1;
    f = open_in(data, "cross.gp");
    if (f == NULL)
        return -1;
    fprintf(f, "N = %zu\n", timed_machines(r));
    for (size_t i = 0, j = 0; i < r->nm; i++) {
        if (r->m[i].emulated)
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

static const char *plot_scripts[] = {"time", "speedup", "ulp", "sum", "pareto", "hist", "bhh"};
#define NPLOTS (sizeof plot_scripts / sizeof plot_scripts[0])
static const char *plot_titles[NPLOTS] = {
    "Time per element against n (median; the band is min to max)",
    "Speed-up over the baseline",
    "Largest error in ULP against n (worst over the datasets)",
    "|sum(y) - 1| against n (worst over the datasets)",
    "Accuracy against speed at three sizes (the Pareto front is the line)",
    "The distribution of per-element errors (every verify row with an exact reference)",
    "Blanchard, Higham and Higham's formulas on their MNIST vectors: normwise error per vector"};

static int draw(const struct report *r, const char *prefix, const char *which)
{
    char script[PATH_MAX];
    snprintf(script, sizeof script, "%s/%s.gp", r->scripts, which);
    if (access(script, R_OK) != 0)
        return sb_usage_error("report: gnuplot script %s is missing (--scripts DIR)", script);
    for (int t = 0; t < 2; t++) {
        int rc = gnuplot(r->dir, r->scripts, script, prefix, t == 0 ? "svg" : "png");
        if (rc == 127)
            return sb_usage_error("report: cannot run gnuplot (apt-get install gnuplot-nox)");
        if (rc != 0) {
            /* the log's last non-empty line says why */
            char *lp = path_in(r->dir, "data/gnuplot.log"), line[256] = "", last[256] = "";
            FILE *lf = lp != NULL ? fopen(lp, "r") : NULL;
            while (lf != NULL && fgets(line, sizeof line, lf) != NULL)
                if (line[0] != '\n' && line[0] != ' ')
                    snprintf(last, sizeof last, "%.*s", (int)strcspn(line, "\n"), line);
            if (lf != NULL)
                fclose(lf);
            free(lp);
            return sb_usage_error("report: gnuplot failed on %s for %s: %s", script,
                                  prefix[0] ? prefix : "the machines", last);
        }
    }
    return 0;
}

/* ---- writing */

static void write_results(FILE *f, const struct report *r)
{
    time_t now = time(NULL);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fprintf(f, "{\n  \"softbench\": {\"command\": \"report\", \"format\": 1},\n"
               "  \"generated\": \"%s\",\n  \"ulp_budget\": %g,\n  \"bands\": [",
            date, r->budget);
    for (int b = 0; b < NBANDS; b++) {
        fprintf(f, "%s{\"name\": \"%s\", \"lo\": %zu, \"hi\": ", b ? ", " : "", bands[b].name,
                bands[b].lo);
        if (bands[b].hi == SIZE_MAX)
            fputs("null}", f);
        else
            fprintf(f, "%zu}", bands[b].hi);
    }
    fputs("],\n  \"machines\": [", f);
    for (size_t i = 0; i < r->nm; i++) {
        const struct mach *m = &r->m[i];
        fprintf(f, "%s\n    {\"cpu\": ", i ? "," : "");
        sb_json_str(f, m->cpu);
        fputs(", \"isa\": ", f);
        sb_json_str(f, m->isa);
        fprintf(f, ", \"prefix\": \"m%zu-\",\n     \"recommendation\": [", i + 1);
        int first = 1;
        for (int b = 0; b < NBANDS; b++)
            for (int g = 0; g < 2; g++) {
                const struct rec *c = &m->rec[b][g];
                fprintf(f, "%s\n       {\"band\": \"%s\", \"budget\": \"%s\", \"kernel\": ",
                        first ? "" : ",", bands[b].name, budget_names[g]);
                first = 0;
                if (c->k == NULL) {
                    fputs("null}", f);
                    continue;
                }
                sb_json_str(f, c->k->name);
                fprintf(f, ", \"peer\": %s, \"ns_per_elem\": ",
                        strcmp(c->k->kind, "peer") == 0 ? "true" : "false");
                sb_json_num(f, c->ns);
                fputs(", \"max_ulp\": ", f);
                sb_json_num(f, c->ulp);
                fputs(", \"runner_up\": ", f);
                if (c->second != NULL)
                    sb_json_str(f, c->second->name);
                else
                    fputs("null", f);
                fputs(", \"runner_up_ns_per_elem\": ", f);
                if (c->second != NULL)
                    sb_json_num(f, c->second_ns);
                else
                    fputs("null", f);
                fputs(", \"margin_pct\": ", f);
                if (c->second != NULL)
                    sb_json_num(f, margin_pct(c));
                else
                    fputs("null", f);
                fputc('}', f);
            }
        fputs("\n     ],\n     \"kernels\": [", f);
        for (size_t k = 0; k < m->nk; k++) {
            const struct kinfo *ki = &m->k[k];
            fprintf(f, "%s\n       {\"name\": ", k ? "," : "");
            sb_json_str(f, ki->name);
            fprintf(f, ", \"kind\": \"%s\", \"safe\": %s, \"measured\": %s, \"max_ulp\": ",
                    ki->kind, ki->safe ? "true" : "false", ki->ran ? "true" : "false");
            sb_json_num(f, ki->max_ulp);
            fputs(", \"max_sum_err\": ", f);
            sb_json_num(f, ki->max_sum);
            fputs(", \"worst_ratio\": ", f);
            sb_json_num(f, ki->worst_ratio);
            fprintf(f, ", \"verify_rows\": %d, \"verify_fail\": %d, \"edge_cases\": %d, "
                       "\"edge_fail\": %d, \"ns_per_elem_by_band\": [",
                    ki->nverify, ki->verify_fail, ki->edge_total, ki->edge_fail);
            for (int b = 0; b < NBANDS; b++) {
                fputs(b ? ", " : "", f);
                sb_json_num(f, band_speed(m, ki->name, b));
            }
            fputs("]}", f);
        }
        fputs("\n     ],\n     \"inputs\": {", f);
        int any = 0;
        for (int d = 0; d < NDOC; d++) {
            if (m->doc[d] == NULL)
                continue;
            fprintf(f, "%s\n       \"%s\": ", any ? "," : "", doc_names[d]);
            sb_json_write(f, m->doc[d], 7);
            any = 1;
        }
        fputs("\n     }}", f);
    }
    fputs("\n  ]\n}\n", f);
}

static void write_csvs(const struct report *r, FILE *vf, FILE *bf, FILE *ef, FILE *rf)
{
    fputs("cpu,isa,kernel,dataset,n,status,max_ulp,sum_err,worst_ratio\n", vf);
    fputs("cpu,isa,kernel,kind,n,ns_per_elem,min_ns_per_elem,max_ns_per_elem\n", bf);
    fputs("cpu,isa,case,kernel,status,detail\n", ef);
    fputs("cpu,isa,band,budget,kernel,peer,ns_per_elem,max_ulp,runner_up,runner_up_ns_per_elem,"
          "margin_pct\n",
          rf);
    for (size_t i = 0; i < r->nm; i++) {
        const struct mach *m = &r->m[i];
        for (size_t j = 0; j < m->nv; j++) {
            sb_csv_str(vf, m->cpu);
            fprintf(vf, ",%s,%s,", m->isa, m->v[j].kernel);
            sb_csv_str(vf, m->v[j].dataset); /* a user's file name may hold quotes or commas */
            fprintf(vf, ",%zu,%s,%g,%g,%g\n", m->v[j].n, m->v[j].status, m->v[j].ulp,
                    m->v[j].sum_err, m->v[j].ratio);
        }
        for (size_t j = 0; j < m->nb; j++) {
            sb_csv_str(bf, m->cpu);
            fprintf(bf, ",%s,%s,%s,%zu,%.6g,%.6g,%.6g\n", m->isa, m->b[j].kernel, m->b[j].kind,
                    m->b[j].n, m->b[j].ns, m->b[j].lo, m->b[j].hi);
        }
        const struct sb_jnode *e = m->doc[DOC_EDGE];
        for (const struct sb_jnode *c = first(e, "cases"); c != NULL; c = c->next) {
            const struct sb_jnode *name = first(e, "kernels");
            for (const struct sb_jnode *res = first(c, "results"); res != NULL && name != NULL;
                 res = res->next, name = name->next) {
                sb_csv_str(ef, m->cpu);
                fprintf(ef, ",%s,%s,%s,%s,", m->isa, sb_json_str_of(c, "name"), name->str,
                        sb_json_str_of(res, "status"));
                sb_csv_str(ef, sb_json_str_of(res, "detail"));
                fputc('\n', ef);
            }
        }
        for (int b = 0; b < NBANDS; b++)
            for (int g = 0; g < 2; g++) {
                const struct rec *c = &m->rec[b][g];
                sb_csv_str(rf, m->cpu);
                fprintf(rf, ",%s,%s,%s,%s,%s,%g,%g,%s,%g,%g\n", m->isa,
                        bands[b].name, budget_names[g], c->k ? c->k->name : "",
                        c->k && strcmp(c->k->kind, "peer") == 0 ? "yes" : "no", c->ns, c->ulp,
                        c->second ? c->second->name : "", c->second_ns, margin_pct(c));
            }
    }
}

#define EMULATED_NOTE                                                                          \
    "None: these times were taken under an emulator (qemu-user). They measure the emulator, "  \
    "not the CPU, so no kernel is recommended from them; the accuracy figures hold."

/* The recommendation table, in Markdown (md) or HTML. */
static void rec_table(FILE *f, const struct mach *m, int md, double budget)
{
    if (m->emulated) {
        fprintf(f, md ? "%s\n" : "<p class=\"emulated\">%s</p>\n", EMULATED_NOTE);
        return;
    }
    if (md)
        fprintf(f, "| size band | budget | kernel | ns per element | max ULP | runner-up | "
                   "margin |\n|---|---|---|---|---|---|---|\n");
    else
        fputs("<table class=\"rec\"><tr><th>size band</th><th>budget</th><th>kernel</th>"
              "<th>ns per element</th><th>max ULP</th><th>runner-up</th><th>margin</th></tr>\n",
              f);
    for (int b = 0; b < NBANDS; b++)
        for (int g = 0; g < 2; g++) {
            const struct rec *c = &m->rec[b][g];
            char ns[32], ulp[32], mg[32], bud[64];
            fmt_ns(ns, sizeof ns, c->ns);
            fmt_g(ulp, sizeof ulp, c->ulp);
            fmt_margin(mg, sizeof mg, c);
            if (g == 0)
                snprintf(bud, sizeof bud, "%s", budget_names[0]);
            else
                snprintf(bud, sizeof bud, "within %g ULP", budget);
            const char *name = c->k ? c->k->name : "none", *second = c->second ? c->second->name : "-";
            int peer = c->k && strcmp(c->k->kind, "peer") == 0;
            if (md)
                fprintf(f, "| %s | %s | %s%s | %s | %s | %s | %s |\n", bands[b].name, bud, name,
                        peer ? " (a peer wins)" : "", ns, ulp, second, mg);
            else
                fprintf(f, "<tr data-band=\"%s\" data-budget=\"%d\"><td>%s</td><td>%s</td>"
                           "<td class=\"k%s\">%s%s</td><td>%s</td><td>%s</td><td>%s</td>"
                           "<td>%s</td></tr>\n",
                        bands[b].name, g, bands[b].name, bud, peer ? " peer" : "", name,
                        peer ? " (a peer wins)" : "", ns, ulp, second, mg);
        }
    if (!md)
        fputs("</table>\n", f);
}

static void machine_line(FILE *f, const struct mach *m)
{
    const struct sb_jnode *mj = m->machine;
    fprintf(f, "%s, usable ISA %s", m->cpu, m->isa);
    if (mj == NULL)
        return;
    const char *keys[] = {"compiler", "commit", "date", "os"};
    for (size_t i = 0; i < 4; i++) {
        const char *v = sb_json_str_of(mj, keys[i]);
        if (v != NULL)
            fprintf(f, ", %s %s", keys[i], v);
    }
    fprintf(f, ", %g cores", sb_json_num_of(mj, "cores", 0));
}

static void kernel_table(FILE *f, const struct mach *m, int md)
{
    if (md)
        fputs("| kernel | kind | max ULP | worst error/bound | max \\|sum - 1\\| | verify rows "
              "(FAIL) | edge cases failed |\n|---|---|---|---|---|---|---|\n",
              f);
    else
        fputs("<table class=\"kern\"><tr><th>kernel</th><th>kind</th><th>max ULP</th>"
              "<th>worst error/bound</th><th>max |sum - 1|</th><th>verify rows (FAIL)</th>"
              "<th>edge cases failed</th></tr>\n",
              f);
    for (size_t i = 0; i < m->nk; i++) {
        const struct kinfo *k = &m->k[i];
        if (strcmp(k->kind, "floor") == 0)
            continue;
        char u[32], w[32], s[32];
        fmt_g(u, sizeof u, k->max_ulp);
        fmt_g(w, sizeof w, k->worst_ratio);
        fmt_g(s, sizeof s, k->max_sum);
        const char *kind = strcmp(k->kind, "peer") == 0 ? "peer" : k->safe ? "safe" : "unsafe";
        if (md)
            fprintf(f, "| %s | %s | %s | %s | %s | %d (%d) | %d of %d |\n", k->name, kind, u, w,
                    s, k->nverify, k->verify_fail, k->edge_fail, k->edge_total);
        else
            fprintf(f, "<tr data-kernel=\"%s\"><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                       "<td>%s</td><td>%d (%d)</td><td>%d of %d</td></tr>\n",
                    k->name, k->name, kind, u, w, s, k->nverify, k->verify_fail, k->edge_fail,
                    k->edge_total);
    }
    if (!md)
        fputs("</table>\n", f);
}

static void bench_table(FILE *f, const struct mach *m, int md)
{
    const struct kinfo **s = calloc(m->nk + 1, sizeof *s);
    if (s == NULL)
        return;
    size_t ns = series(m, s);
    fputs(md ? "| n |" : "<table class=\"bench\"><tr><th>n</th>", f);
    for (size_t i = 0; i < ns; i++)
        fprintf(f, md ? " %s |" : "<th>%s</th>", s[i]->name);
    fputs(md ? "\n|---|" : "</tr>\n", f);
    for (size_t i = 0; md && i < ns; i++)
        fputs("---|", f);
    if (md)
        fputc('\n', f);
    for (size_t j = 0; j < m->nsizes; j++) {
        fprintf(f, md ? "| %zu |" : "<tr><td>%zu</td>", m->sizes[j]);
        for (size_t i = 0; i < ns; i++) {
            const struct brow *b = bench_at(m, s[i]->name, m->sizes[j]);
            char v[32];
            fmt_ns(v, sizeof v, b != NULL ? b->ns : NAN);
            fprintf(f, md ? " %s |" : "<td>%s</td>", v);
        }
        fputs(md ? "\n" : "</tr>\n", f);
    }
    if (!md)
        fputs("</table>\n", f);
    free(s);
}

/* softbench bhh's summary: per format and variant, overflows, the normwise
 * error (mean, median, max), the componentwise one (median, max), how often
 * a variant is worse than the shifted formula, and the lse error. */
static void bhh_table(FILE *f, const struct mach *m, int md)
{
    const struct sb_jnode *d = m->doc[DOC_BHH];
    static const char *head[] = {"format", "variant", "overflowed", "normwise mean",
                                 "normwise median", "normwise max", "ULP median", "ULP max",
                                 "vectors worse than shifted", "lse max"};
    static const char *keys[] = {"overflow", "normwise_mean", "normwise_median", "normwise_max",
                                 "ulp_median", "ulp_max", "worse_than_shifted", "lse_max"};
    const char *data = sb_json_str_of(d, "data");
    fprintf(f, md ? "%zu vectors of %zu (" : "<p>%zu vectors of %zu (",
            (size_t)sb_json_num_of(d, "rows", 0), (size_t)sb_json_num_of(d, "n", 0));
    (md ? md_esc : html_esc)(f, data != NULL ? data : "?");
    fputs(md ? ").\n\n|" : ").</p>\n<table><tr>", f);
    for (int i = 0; i < 10; i++)
        fprintf(f, md ? " %s |" : "<th>%s</th>", head[i]);
    if (md) {
        fputs("\n|", f);
        for (int i = 0; i < 10; i++)
            fputs("---|", f);
    }
    fputs(md ? "\n" : "</tr>\n", f);
    for (const struct sb_jnode *r = first(d, "summary"); r != NULL; r = r->next) {
        const char *fm = sb_json_str_of(r, "format"), *v = sb_json_str_of(r, "variant");
        if (fm == NULL || v == NULL || !plain_name(fm) || !plain_name(v))
            continue;
        fprintf(f, md ? "| %s | %s |" : "<tr><td>%s</td><td>%s</td>", fm, v);
        for (int i = 0; i < 8; i++) {
            double x = sb_json_num_of(r, keys[i], NAN);
            char buf[32];
            if (isnan(x))
                snprintf(buf, sizeof buf, "-");
            else
                fmt_g(buf, sizeof buf, x);
            fprintf(f, md ? " %s |" : "<td>%s</td>", buf);
        }
        fputs(md ? "\n" : "</tr>\n", f);
    }
    fputs(md ? "\nnormwise: max |y^ - y| / (u max y), u the format's unit roundoff (their "
               "measure); ULP: the largest componentwise distance to the correctly rounded "
               "value, in the format's ULP; k.*: this library's kernels in fp32 (k.divfree: "
               "exp of the log-softmax kernel's output).\n\n"
             : "</table>\n<p>normwise: max |y^ - y| / (u max y), u the format's unit roundoff "
               "(their measure); ULP: the largest componentwise distance to the correctly "
               "rounded value, in the format's ULP; k.*: this library's kernels in fp32 "
               "(k.divfree: exp of the log-softmax kernel's output).</p>\n",
          f);
}

/* softbench bench --shape: per kernel and shape, ns per element at each
 * thread count measured, and the speedup of the most threads over one. */
static void shapes_table(FILE *f, const struct mach *m, int md)
{
    const struct sb_jnode *d = m->doc[DOC_SHAPES];
    unsigned th[8];
    size_t nt = 0;
    for (const struct sb_jnode *r = first(d, "rows"); r != NULL; r = r->next) {
        unsigned t = (unsigned)sb_json_num_of(r, "threads", 0);
        size_t j = 0;
        while (j < nt && th[j] != t)
            j++;
        if (j == nt && nt < 8 && t > 0) {
            while (j > 0 && th[j - 1] > t) { /* kept sorted */
                th[j] = th[j - 1];
                j--;
            }
            th[j] = t;
            nt++;
        }
    }
    fputs(md ? "| kernel | shape | mask |" : "<table><tr><th>kernel</th><th>shape</th><th>mask</th>", f);
    for (size_t j = 0; j < nt; j++)
        fprintf(f, md ? " %u thread%s |" : "<th>%u thread%s</th>", th[j], th[j] > 1 ? "s" : "");
    fputs(md ? " speedup |\n|---|---|---|" : "<th>speedup</th></tr>\n", f);
    for (size_t j = 0; md && j <= nt; j++)
        fputs("---|", f);
    if (md)
        fputc('\n', f);
    /* a line per (kernel, rows, cols, mask), at its first row */
    for (const struct sb_jnode *r = first(d, "rows"); r != NULL; r = r->next) {
        const char *k = sb_json_str_of(r, "kernel"), *mask = sb_json_str_of(r, "mask");
        double rows = sb_json_num_of(r, "rows", 0), cols = sb_json_num_of(r, "cols", 0);
        if (k == NULL || mask == NULL || !plain_name(k) || !plain_name(mask))
            continue;
        int seen = 0;
        for (const struct sb_jnode *q = first(d, "rows"); q != r && !seen; q = q->next)
            seen = sb_json_str_of(q, "kernel") && strcmp(sb_json_str_of(q, "kernel"), k) == 0 &&
                   sb_json_num_of(q, "rows", 0) == rows && sb_json_num_of(q, "cols", 0) == cols &&
                   sb_json_str_of(q, "mask") && strcmp(sb_json_str_of(q, "mask"), mask) == 0;
        if (seen)
            continue;
        fprintf(f, md ? "| %s | %.0fx%.0f | %s |" : "<tr><td>%s</td><td>%.0fx%.0f</td><td>%s</td>",
                k, rows, cols, mask);
        double one = NAN, last = NAN;
        for (size_t j = 0; j < nt; j++) {
            double ns = NAN;
            for (const struct sb_jnode *q = r; q != NULL; q = q->next)
                if (sb_json_str_of(q, "kernel") && strcmp(sb_json_str_of(q, "kernel"), k) == 0 &&
                    sb_json_num_of(q, "rows", 0) == rows && sb_json_num_of(q, "cols", 0) == cols &&
                    sb_json_str_of(q, "mask") && strcmp(sb_json_str_of(q, "mask"), mask) == 0 &&
                    (unsigned)sb_json_num_of(q, "threads", 0) == th[j])
                    ns = sb_json_num_of(q, "ns_per_elem", NAN);
            char buf[32];
            fmt_ns(buf, sizeof buf, ns);
            fprintf(f, md ? " %s |" : "<td>%s</td>", buf);
            if (th[j] == 1)
                one = ns;
            last = ns;
        }
        if (one > 0 && last > 0)
            fprintf(f, md ? " %.2fx |\n" : "<td>%.2fx</td></tr>\n", one / last);
        else
            fputs(md ? " - |\n" : "<td>-</td></tr>\n", f);
    }
    fputs(md ? "\nns per element (median); speedup: one thread's time over the most threads'; "
               "rows through softmax_batch on a thread pool, one-row shapes also through "
               "softmax_split ('split'); peer.onednn: one 2-D primitive on its OpenMP threads.\n\n"
             : "</table>\n<p>ns per element (median); speedup: one thread's time over the most "
               "threads'; rows through softmax_batch on a thread pool, one-row shapes also "
               "through softmax_split ('split'); peer.onednn: one 2-D primitive on its OpenMP "
               "threads.</p>\n",
          f);
}

static void edge_html(FILE *f, const struct mach *m)
{
    const struct sb_jnode *e = m->doc[DOC_EDGE];
    if (e == NULL) {
        fputs("<p>No edge result was given for this machine.</p>\n", f);
        return;
    }
    fputs("<div class=\"wide\"><table class=\"edge\"><tr><th>case</th>", f);
    for (const struct sb_jnode *k = first(e, "kernels"); k != NULL; k = k->next) {
        /* a break allowed after the ISA keeps thirteen columns on a screen */
        fputs("<th>", f);
        const char *dot = strchr(k->str, '.');
        if (dot != NULL) {
            char isa[64];
            snprintf(isa, sizeof isa, "%.*s", (int)(dot - k->str + 1), k->str);
            html_esc(f, isa);
            fputs("<wbr>", f);
            html_esc(f, dot + 1);
        } else
            html_esc(f, k->str);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    int note = 0;
    for (const struct sb_jnode *c = first(e, "cases"); c != NULL; c = c->next) {
        fputs("<tr><th title=\"", f);
        html_esc(f, sb_json_str_of(c, "rule"));
        fputs("\">", f);
        html_esc(f, sb_json_str_of(c, "name"));
        fputs("</th>", f);
        for (const struct sb_jnode *res = first(c, "results"); res != NULL; res = res->next) {
            const char *st = sb_json_str_of(res, "status"), *d = sb_json_str_of(res, "detail");
            const char *cls = strcmp(st, "pass") == 0   ? "pass"
                              : strcmp(st, "SKIP") == 0 ? "skip"
                              : strcmp(st, "FAIL") == 0 ? "fail"
                                                        : "xfail";
            fprintf(f, "<td class=\"%s\"", cls);
            if (d != NULL && *d) {
                fputs(" title=\"", f);
                html_esc(f, d);
                fprintf(f, "\">%s<sup>%d</sup></td>", st, ++note);
            } else
                fprintf(f, ">%s</td>", st);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n<p class=\"legend\"><span class=\"pass\">pass</span> "
          "<span class=\"fail\">FAIL</span>: a safe kernel broke its contract; "
          "<span class=\"xfail\">fail* / ulp*</span>: an unsafe kernel or a peer (shown, not "
          "counted; ulp*: only beyond a bound it does not declare); "
          "<span class=\"skip\">SKIP</span>: this CPU lacks the ISA. Hover a cell for the "
          "output, or see the notes.</p>\n<ol class=\"notes\">\n",
          f);
    for (const struct sb_jnode *c = first(e, "cases"); c != NULL; c = c->next) {
        const struct sb_jnode *k = first(e, "kernels");
        for (const struct sb_jnode *res = first(c, "results"); res != NULL && k;
             res = res->next, k = k->next) {
            const char *d = sb_json_str_of(res, "detail");
            if (d == NULL || !*d)
                continue;
            fputs("<li>", f);
            html_esc(f, k->str);
            fputs(", ", f);
            html_esc(f, sb_json_str_of(c, "name"));
            fputs(": ", f);
            html_esc(f, d);
            fputs("</li>\n", f);
        }
    }
    fputs("</ol>\n", f);
}

static const char css[] =
    "body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
    "td,th{border:1px solid #bbb;padding:3px 7px;text-align:left}"
    "th{background:#eee}td.pass{background:#cfc}td.fail{background:#f88;font-weight:bold}"
    "td.xfail{background:#fde7b0}td.skip{background:#ddd}td.k.peer{font-weight:bold}"
    "span.pass{background:#cfc}span.fail{background:#f88}span.xfail{background:#fde7b0}"
    "span.skip{background:#ddd}figure{margin:1.5em 0}figure img{max-width:100%;"
    "border:1px solid #ddd}figcaption{font-size:0.85em;color:#555}"
    "table.edge{font-size:0.75em}table.edge th{font-size:0.95em}div.wide{overflow-x:auto}"
    "table.edge td{padding:2px 4px}.machine{color:#555;font-size:0.9em}"
    "ol.notes{font-size:0.75em;color:#444}";

static void write_html(FILE *f, const struct report *r)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<title>softbench report</title><style>%s</style></head><body>\n"
               "<h1>softbench report</h1>\n",
            css);
    if (r->nm > 1) {
        fputs("<h2>Across machines: the fastest safe kernel per size band</h2>\n"
              "<table class=\"cross\"><tr><th>CPU</th>",
              f);
        for (int b = 0; b < NBANDS; b++)
            fprintf(f, "<th>%s</th>", bands[b].name);
        fputs("</tr>\n", f);
        for (size_t i = 0; i < r->nm; i++) {
            fputs("<tr><td>", f);
            html_esc(f, r->m[i].cpu);
            fprintf(f, " (%s)</td>", r->m[i].isa);
            for (int b = 0; b < NBANDS; b++) {
                const struct rec *c = &r->m[i].rec[b][0];
                char ns[32];
                fmt_ns(ns, sizeof ns, c->ns);
                fprintf(f, "<td>%s (%s)</td>", c->k ? c->k->name : "none",
                        r->m[i].emulated ? "emulated" : ns);
            }
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
        if (timed_machines(r) > 0)
            fputs("<figure><img src=\"cross.svg\" alt=\"time per element across "
                  "machines\"><figcaption>The fastest safe kernel or peer at each n, one line per "
                  "CPU (emulated ones left out).</figcaption></figure>\n",
                  f);
    }
    for (size_t i = 0; i < r->nm; i++) {
        const struct mach *m = &r->m[i];
        fputs("<h2>", f);
        html_esc(f, m->cpu);
        fprintf(f, " (%s)</h2>\n<p class=\"machine\">", m->isa);
        machine_line(f, m);
        fputs("</p>\n<h3>Which kernel to use</h3>\n", f);
        rec_table(f, m, 0, r->budget);
        fprintf(f, "<p>Speed: the geometric mean of the median time per element over the band's "
                   "benchmark sizes. Error: the largest over the band's verify rows. Candidates: "
                   "our safe kernels that passed verify, and the peers (a peer that wins is "
                   "named so). The margin is how much slower the runner-up is.</p>\n");
        for (size_t p = 0; p < NPLOTS; p++) {
            if (!m->plot_ok[p])
                continue;
            fprintf(f, "<figure><img src=\"m%zu-%s.svg\" alt=\"%s\"><figcaption>%s. ", i + 1,
                    plot_scripts[p], plot_titles[p], plot_titles[p]);
            machine_line(f, m);
            fputs("</figcaption></figure>\n", f);
        }
        fputs("<h3>Accuracy and the contract, per kernel</h3>\n", f);
        kernel_table(f, m, 0);
        if (m->doc[DOC_BHH] != NULL) {
            fputs("<h3>Blanchard, Higham and Higham reproduced (softbench bhh)</h3>\n", f);
            bhh_table(f, m, 0);
        }
        fprintf(f, "<h3 id=\"edge-m%zu\">Edge-case matrix</h3>\n", i + 1);
        edge_html(f, m);
        fputs("<h3>Time per element (ns, median)</h3>\n", f);
        bench_table(f, m, 0);
        if (m->doc[DOC_SHAPES] != NULL) {
            fputs("<h3>Shapes: batches and threads (softbench bench --shape)</h3>\n", f);
            shapes_table(f, m, 0);
        }
    }
    fputs("<p>Files: <a href=\"report.md\">report.md</a>, <a href=\"results.json\">results.json"
          "</a>, <a href=\"verify.csv\">verify.csv</a>, <a href=\"bench.csv\">bench.csv</a>, "
          "<a href=\"edge.csv\">edge.csv</a>, <a href=\"recommendation.csv\">recommendation.csv"
          "</a>.</p>\n</body></html>\n",
          f);
}

static void write_md(FILE *f, const struct report *r)
{
    fputs("# softbench report\n\n", f);
    if (r->nm > 1) {
        fputs("## Across machines: the fastest safe kernel per size band\n\n| CPU |", f);
        for (int b = 0; b < NBANDS; b++)
            fprintf(f, " %s |", bands[b].name);
        fputs("\n|---|", f);
        for (int b = 0; b < NBANDS; b++)
            fputs("---|", f);
        fputc('\n', f);
        for (size_t i = 0; i < r->nm; i++) {
            fputs("| ", f);
            md_esc(f, r->m[i].cpu);
            fprintf(f, " (%s) |", r->m[i].isa);
            for (int b = 0; b < NBANDS; b++) {
                char ns[32];
                fmt_ns(ns, sizeof ns, r->m[i].rec[b][0].ns);
                fprintf(f, " %s (%s) |", r->m[i].rec[b][0].k ? r->m[i].rec[b][0].k->name : "none",
                        r->m[i].emulated ? "emulated" : ns);
            }
            fputc('\n', f);
        }
        fputs(timed_machines(r) > 0
                  ? "\n![time per element across machines, emulated ones left out](cross.png)\n\n"
                  : "\n",
              f);
    }
    for (size_t i = 0; i < r->nm; i++) {
        const struct mach *m = &r->m[i];
        fputs("## ", f);
        md_esc(f, m->cpu);
        fprintf(f, " (%s)\n\n", m->isa);
        machine_line(f, m);
        fputs("\n\n### Which kernel to use\n\n", f);
        rec_table(f, m, 1, r->budget);
        fputs("\nSpeed: geometric mean of the median ns per element over the band's benchmark "
              "sizes; error: the largest over the band's verify rows; margin: how much slower "
              "the runner-up is.\n\n",
              f);
        for (size_t p = 0; p < NPLOTS; p++)
            if (m->plot_ok[p])
                fprintf(f, "![%s](m%zu-%s.png)\n\n", plot_titles[p], i + 1, plot_scripts[p]);
        fputs("### Accuracy and the contract, per kernel\n\n", f);
        kernel_table(f, m, 1);
        if (m->doc[DOC_BHH] != NULL) {
            fputs("\n### Blanchard, Higham and Higham reproduced (softbench bhh)\n\n", f);
            bhh_table(f, m, 1);
        }
        fputs("\n### Time per element (ns, median)\n\n", f);
        bench_table(f, m, 1);
        fputc('\n', f);
        if (m->doc[DOC_SHAPES] != NULL) {
            fputs("### Shapes: batches and threads (softbench bench --shape)\n\n", f);
            shapes_table(f, m, 1);
        }
    }
}

/* The scripts' folder: --scripts, else reports/ up from the binary. */
static char *find_scripts(const char *given)
{
    if (given != NULL)
        return realpath(given, NULL);
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return NULL;
    exe[len] = 0;
    for (int up = 0; up < 4; up++) {
        char *slash = strrchr(exe, '/');
        if (slash == NULL)
            break;
        *slash = 0;
        char probe[PATH_MAX + 32];
        snprintf(probe, sizeof probe, "%s/reports/time.gp", exe);
        if (access(probe, R_OK) == 0) {
            snprintf(probe, sizeof probe, "%s/reports", exe);
            return strdup(probe);
        }
    }
    return NULL;
}

static int write_all(struct report *r)
{
    char *data = path_in(r->dir, "data");
    if (data == NULL || mkdir(data, 0777) != 0) {
        free(data);
        return sb_usage_error("report: cannot create %s/data: %s", r->dir, strerror(errno));
    }
    int rc = 0;
    for (size_t i = 0; i < r->nm && rc == 0; i++) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "m%zu-", i + 1);
        int w = write_plot_data(r, &r->m[i], data, prefix);
        if (w == -1)
            rc = sb_usage_error("report: cannot write the plot data in %s", data);
        else
            rc = w;
        for (size_t p = 0; p < NPLOTS && rc == 0; p++)
            if (r->m[i].plot_ok[p])
                rc = draw(r, prefix, plot_scripts[p]);
    }
    if (rc == 0 && r->nm > 1 && timed_machines(r) > 0) {
        if (write_cross_data(r, data) != 0)
            rc = sb_usage_error("report: cannot write the plot data in %s", data);
        else
            rc = draw(r, "", "cross");
    }
    free(data);
    if (rc != 0)
        return rc;
    static const char *names[] = {"results.json", "index.html", "report.md",   "verify.csv",
                                  "bench.csv",    "edge.csv",   "recommendation.csv"};
    FILE *f[7];
    int ok = 1;
    for (int i = 0; i < 7; i++) {
        f[i] = open_in(r->dir, names[i]);
        ok = ok && f[i] != NULL;
    }
    if (ok) {
        write_results(f[0], r);
        write_html(f[1], r);
        write_md(f[2], r);
        write_csvs(r, f[3], f[4], f[5], f[6]);
    }
    for (int i = 0; i < 7; i++)
        if (f[i] != NULL)
            ok = fclose(f[i]) == 0 && ok;
    return ok ? 0 : sb_usage_error("report: cannot write the report in %s", r->dir);
}

int sb_cmd_report(int argc, char **argv)
{
    static const struct option lo[] = {{"out", required_argument, 0, 'o'},
                                       {"ulp-budget", required_argument, 0, 'u'},
                                       {"baseline", required_argument, 0, 'b'},
                                       {"scripts", required_argument, 0, 's'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    struct report r = {.budget = 4.0};
    const char *out = "reports/out/report", *scripts = NULL;
    int c, rc = 0;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'u': {
            char *end;
            r.budget = strtod(optarg, &end);
            if (*optarg == 0 || *end != 0 || !(r.budget >= 0) || isinf(r.budget))
                rc = sb_usage_error("report: --ulp-budget wants a number >= 0, not '%s'", optarg);
            break;
        }
        case 'b': r.baseline = optarg; break;
        case 's': scripts = optarg; break;
        case 'h': fputs(help, stdout); return SB_EXIT_OK;
        case ':': rc = sb_usage_error("report: option '%s' needs a value", argv[optind - 1]); break;
        default: rc = sb_usage_error("report: unknown option '%s'", argv[optind - 1]); break;
        }
    }
    if (rc == 0 && optind >= argc)
        rc = sb_usage_error("report: no result files given (softbench report --help)");
    struct stat st;
    if (rc == 0 && stat(out, &st) == 0)
        rc = sb_usage_error("report: %s exists already; give a new folder with --out", out);
    char *sdir = rc == 0 ? find_scripts(scripts) : NULL;
    if (rc == 0 && sdir == NULL)
        rc = sb_usage_error("report: cannot find the gnuplot scripts (reports/*.gp); give "
                            "--scripts DIR");
    if (rc == 0 && strchr(sdir, '\'') != NULL)
        rc = sb_usage_error("report: the scripts' path may not hold a quote: %s", sdir);
    r.scripts = sdir;
    size_t nfiles = rc == 0 ? (size_t)(argc - optind) : 0;
    struct sb_jnode **docs = calloc(nfiles + 1, sizeof *docs);
    if (rc == 0 && docs == NULL)
        rc = sb_usage_error("out of memory");
    for (size_t i = 0; rc == 0 && i < nfiles; i++) {
        char err[256];
        docs[i] = sb_json_load(argv[optind + i], err, sizeof err);
        if (docs[i] == NULL)
            rc = sb_usage_error("report: %s: %s", argv[optind + i], err);
        else
            rc = add_file(&r, docs[i], argv[optind + i]);
    }
    for (size_t i = 0; rc == 0 && i < r.nm; i++) {
        rc = digest(&r.m[i]);
        if (rc == 0)
            recommend(&r.m[i], r.budget);
    }
    /* written beside the target, renamed into place whole */
    if (rc == 0) {
        size_t len = strlen(out) + 32;
        r.dir = malloc(len);
        if (r.dir == NULL)
            rc = sb_usage_error("out of memory");
        else {
            snprintf(r.dir, len, "%s.tmp.%ld", out, (long)getpid());
            if (mkdir(r.dir, 0777) != 0)
                rc = sb_usage_error("report: cannot create %s: %s", r.dir, strerror(errno));
            else {
                rc = write_all(&r);
                if (rc == 0 && rename(r.dir, out) != 0)
                    rc = sb_usage_error("report: cannot rename %s to %s: %s", r.dir, out,
                                        strerror(errno));
                if (rc != 0)
                    rm_tree(r.dir);
            }
        }
    }
    if (rc == 0) {
        printf("report: %s/index.html, report.md, results.json (%zu machine%s)\n", out, r.nm,
               r.nm == 1 ? "" : "s");
        for (size_t i = 0; i < r.nm; i++)
            for (int b = 0; b < NBANDS; b++) {
                const struct rec *cr = &r.m[i].rec[b][0];
                if (cr->k != NULL)
                    printf("  %s: %s -> %s (%.3f ns per element)\n", r.m[i].cpu, bands[b].name,
                           cr->k->name, cr->ns);
                else
                    printf("  %s: %s -> none (%s)\n", r.m[i].cpu, bands[b].name,
                           r.m[i].emulated ? "emulated: times under qemu recommend nothing"
                                           : "no candidate measured there");
            }
    }
    for (size_t i = 0; i < r.nm; i++) {
        free(r.m[i].cpu);
        free(r.m[i].isa);
        free(r.m[i].b);
        free(r.m[i].v);
        free(r.m[i].k);
        free(r.m[i].sizes);
    }
    free(r.m);
    for (size_t i = 0; i < nfiles; i++)
        sb_json_free(docs[i]);
    free(docs);
    free(sdir);
    free(r.dir);
    return rc;
}
