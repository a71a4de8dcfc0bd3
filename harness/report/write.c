/* write.c - index.html and report.md: one writer, the format a parameter;
 * the tables through table.h, so that each is declared once. */
#include "keys.h"
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char h_cross[] = "Across machines: the fastest safe kernel per size band";
static const char h_which[] = "Which kernel to use";
static const char h_accuracy[] = "Accuracy and the contract, per kernel";
static const char h_bhh[] = "Blanchard, Higham and Higham reproduced (softbench bhh)";
static const char h_time[] = "Time per element (ns, median)";
static const char h_shapes[] = "Shapes: batches and threads (softbench bench --shape)";

static const char emulated_note[] =
    "None: these times were taken under an emulator (qemu-user). They measure the emulator, "
    "not the CPU, so no kernel is recommended from them; the accuracy figures hold.";
static const char *const rec_note[2] = {
    "Speed: the geometric mean of the median time per element over the band's benchmark "
    "sizes. Error: the largest over the band's verify rows. Candidates: our safe kernels that "
    "passed verify, and the peers (a peer that wins is named so). The margin is how much "
    "slower the runner-up is.",
    "Speed: geometric mean of the median ns per element over the band's benchmark sizes; "
    "error: the largest over the band's verify rows; margin: how much slower the runner-up "
    "is."};
static const char bhh_note[] =
    "normwise: max |y^ - y| / (u max y), u the format's unit roundoff (their measure); ULP: the "
    "largest componentwise distance to the correctly rounded value, in the format's ULP; k.*: "
    "this library's kernels in fp32 (k.divfree: exp of the log-softmax kernel's output).";
static const char shapes_note[] =
    "ns per element (median); speedup: one thread's time over the most threads'; rows through "
    "softmax_batch on a thread pool, one-row shapes also through softmax_split ('split'); "
    "peer.onednn: one 2-D primitive on its OpenMP threads.";

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

static void heading(FILE *f, enum sb_tab_fmt fmt, int level, const char *text)
{
    if (fmt == SB_HTML)
        fprintf(f, "<h%d>%s</h%d>\n", level, text, level);
    else
        fprintf(f, "%.*s %s\n\n", level, "####", text);
}

/* The blank line Markdown wants after a table before what follows. */
static void md_gap(FILE *f, enum sb_tab_fmt fmt)
{
    if (fmt == SB_MD)
        fputc('\n', f);
}

static void rec_table(FILE *f, enum sb_tab_fmt fmt, const struct mach *m, double budget)
{
    if (m->d.emulated) {
        fprintf(f, fmt == SB_HTML ? "<p class=\"emulated\">%s</p>\n" : "%s\n", emulated_note);
        return;
    }
    static const char *const head[] = {"size band", "budget",    "kernel", "ns per element",
                                       "max ULP",   "runner-up", "margin"};
    struct sb_tab t;
    sb_tab_begin(&t, f, fmt, "rec");
    sb_tab_cols(&t, head, 7);
    for (int b = 0; b < SB_NBANDS; b++)
        for (int g = 0; g < 2; g++) {
            const struct sb_rec *c = &m->rec[b][g];
            char ns[32], ulp[32], mg[32], attrs[96];
            fmt_ns(ns, sizeof ns, c->ns);
            fmt_g(ulp, sizeof ulp, c->ulp);
            if (c->second == NULL)
                snprintf(mg, sizeof mg, "-");
            else
                snprintf(mg, sizeof mg, "%.1f%%", sb_margin_pct(c));
            int peer = c->k && strcmp(c->k->kind, "peer") == 0;
            snprintf(attrs, sizeof attrs, "data-band=\"%s\" data-budget=\"%d\"", sb_bands[b].name,
                     g);
            sb_tab_row(&t, attrs);
            sb_tab_cell(&t, NULL, "%s", sb_bands[b].name);
            if (g == 0)
                sb_tab_cell(&t, NULL, "%s", sb_budget_names[0]);
            else
                sb_tab_cell(&t, NULL, "within %g ULP", budget);
            sb_tab_cell(&t, peer ? "k peer" : "k", "%s%s", c->k ? c->k->name : "none",
                        peer ? " (a peer wins)" : "");
            sb_tab_cell(&t, NULL, "%s", ns);
            sb_tab_cell(&t, NULL, "%s", ulp);
            sb_tab_cell(&t, NULL, "%s", c->second ? c->second->name : "-");
            sb_tab_cell(&t, NULL, "%s", mg);
        }
    sb_tab_end(&t);
}

static void machine_line(FILE *f, const struct mach *m)
{
    fprintf(f, "%s, usable ISA %s", m->cpu, m->isa);
    const char *keys[] = {"compiler", "commit", "date", "os"};
    const char *vals[] = {m->compiler, m->commit, m->date, m->os};
    for (size_t i = 0; i < 4; i++)
        if (vals[i] != NULL)
            fprintf(f, ", %s %s", keys[i], vals[i]);
    fprintf(f, ", %g cores", m->cores);
}

static void kernel_table(FILE *f, enum sb_tab_fmt fmt, const struct mach *m)
{
    static const char *const head[] = {"kernel",           "kind",
                                       "max ULP",          "worst error/bound",
                                       "max |sum - 1|",    "verify rows (FAIL)",
                                       "edge cases failed"};
    struct sb_tab t;
    sb_tab_begin(&t, f, fmt, "kern");
    sb_tab_cols(&t, head, 7);
    for (size_t i = 0; i < m->d.nk; i++) {
        const struct sb_kinfo *k = &m->d.k[i];
        if (strcmp(k->kind, "floor") == 0)
            continue;
        char u[32], w[32], s[32], attrs[96];
        fmt_g(u, sizeof u, k->max_ulp);
        fmt_g(w, sizeof w, k->worst_ratio);
        fmt_g(s, sizeof s, k->max_sum);
        snprintf(attrs, sizeof attrs, "data-kernel=\"%s\"", k->name);
        sb_tab_row(&t, attrs);
        sb_tab_cell(&t, NULL, "%s", k->name);
        sb_tab_cell(&t, NULL, "%s",
                    strcmp(k->kind, "peer") == 0 ? "peer"
                    : k->safe                    ? "safe"
                                                 : "unsafe");
        sb_tab_cell(&t, NULL, "%s", u);
        sb_tab_cell(&t, NULL, "%s", w);
        sb_tab_cell(&t, NULL, "%s", s);
        sb_tab_cell(&t, NULL, "%d (%d)", k->nverify, k->verify_fail);
        sb_tab_cell(&t, NULL, "%d of %d", k->edge_fail, k->edge_total);
    }
    sb_tab_end(&t);
}

static void bench_table(FILE *f, enum sb_tab_fmt fmt, const struct mach *m)
{
    const struct sb_kinfo **s = calloc(m->d.nk + 1, sizeof *s);
    if (s == NULL)
        return;
    size_t ns = sb_rep_series(m, s);
    struct sb_tab t;
    sb_tab_begin(&t, f, fmt, "bench");
    sb_tab_col(&t, "n");
    for (size_t i = 0; i < ns; i++)
        sb_tab_col(&t, "%s", s[i]->name);
    for (size_t j = 0; j < m->d.nsizes; j++) {
        sb_tab_row(&t, NULL);
        sb_tab_cell(&t, NULL, "%zu", m->d.sizes[j]);
        for (size_t i = 0; i < ns; i++) {
            const struct sb_brow *b = sb_rep_bench_at(m, s[i]->name, m->d.sizes[j]);
            char v[32];
            fmt_ns(v, sizeof v, b != NULL ? b->ns : NAN);
            sb_tab_cell(&t, NULL, "%s", v);
        }
    }
    sb_tab_end(&t);
    free(s);
}

/* softbench bhh's summary: per format and variant, overflows, the normwise
 * error (mean, median, max), the componentwise one (median, max), how often
 * a variant is worse than the shifted formula, and the lse error. */
static void bhh_table(FILE *f, enum sb_tab_fmt fmt, const struct mach *m)
{
    static const char *const head[] = {
        "format",        "variant",         "overflowed",
        "normwise mean", "normwise median", "normwise max",
        "ULP median",    "ULP max",         "vectors worse than shifted",
        "lse max"};
    size_t len = strlen(m->bhh_data) + 64;
    char *intro = malloc(len);
    if (intro != NULL) {
        snprintf(intro, len, "%zu vectors of %zu (%s).", m->bhh_rows, m->bhh_n, m->bhh_data);
        sb_para_text(f, fmt, intro);
        free(intro);
    }
    struct sb_tab t;
    sb_tab_begin(&t, f, fmt, NULL);
    sb_tab_cols(&t, head, 10);
    for (size_t i = 0; i < m->nbsum; i++) {
        const struct sb_bsum *r = &m->bsum[i];
        if (!sb_rep_plain(r->format) || !sb_rep_plain(r->variant))
            continue;
        sb_tab_row(&t, NULL);
        sb_tab_cell(&t, NULL, "%s", r->format);
        sb_tab_cell(&t, NULL, "%s", r->variant);
        for (int k = 0; k < 8; k++) {
            char buf[32];
            fmt_g(buf, sizeof buf, r->v[k]);
            sb_tab_cell(&t, NULL, "%s", buf);
        }
    }
    sb_tab_end(&t);
    sb_para_note(f, fmt, bhh_note);
}

static int same_line(const struct sb_srow *a, const struct sb_srow *b)
{
    return strcmp(a->kernel, b->kernel) == 0 && a->rows == b->rows && a->cols == b->cols &&
           strcmp(a->mask, b->mask) == 0;
}

/* softbench bench --shape: per kernel and shape, ns per element at each
 * thread count measured, and the speedup of the most threads over one. */
static void shapes_table(FILE *f, enum sb_tab_fmt fmt, const struct mach *m)
{
    unsigned th[8];
    size_t nt = 0;
    for (size_t i = 0; i < m->nshape; i++) {
        unsigned t = m->shape[i].threads;
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
    struct sb_tab t;
    sb_tab_begin(&t, f, fmt, NULL);
    sb_tab_col(&t, "kernel");
    sb_tab_col(&t, "shape");
    sb_tab_col(&t, "mask");
    for (size_t j = 0; j < nt; j++)
        sb_tab_col(&t, "%u thread%s", th[j], th[j] > 1 ? "s" : "");
    sb_tab_col(&t, "speedup");
    /* a line per (kernel, rows, cols, mask), at its first row */
    for (size_t i = 0; i < m->nshape; i++) {
        const struct sb_srow *r = &m->shape[i];
        if (!sb_rep_plain(r->kernel) || !sb_rep_plain(r->mask))
            continue;
        int seen = 0;
        for (size_t q = 0; q < i && !seen; q++)
            seen = same_line(&m->shape[q], r);
        if (seen)
            continue;
        sb_tab_row(&t, NULL);
        sb_tab_cell(&t, NULL, "%s", r->kernel);
        sb_tab_cell(&t, NULL, "%.0fx%.0f", r->rows, r->cols);
        sb_tab_cell(&t, NULL, "%s", r->mask);
        double one = NAN, last = NAN;
        for (size_t j = 0; j < nt; j++) {
            double ns = NAN;
            for (size_t q = i; q < m->nshape; q++)
                if (same_line(&m->shape[q], r) && m->shape[q].threads == th[j])
                    ns = m->shape[q].ns;
            char buf[32];
            fmt_ns(buf, sizeof buf, ns);
            sb_tab_cell(&t, NULL, "%s", buf);
            if (th[j] == 1)
                one = ns;
            last = ns;
        }
        if (one > 0 && last > 0)
            sb_tab_cell(&t, NULL, "%.2fx", one / last);
        else
            sb_tab_cell(&t, NULL, "-");
    }
    sb_tab_end(&t);
    sb_para_note(f, fmt, shapes_note);
}

/* The edge-case matrix (HTML only: thirteen columns do not read as Markdown). */
static void edge_html(FILE *f, const struct mach *m)
{
    if (m->doc[DOC_EDGE] == NULL) {
        fputs("<p>No edge result was given for this machine.</p>\n", f);
        return;
    }
    fputs("<div class=\"wide\"><table class=\"edge\"><tr><th>case</th>", f);
    for (size_t k = 0; k < m->nek; k++) {
        /* a break allowed after the ISA keeps thirteen columns on a screen */
        const char *name = m->ek[k], *dot = strchr(name, '.');
        fputs("<th>", f);
        if (dot != NULL) {
            char isa[64];
            snprintf(isa, sizeof isa, "%.*s", (int)(dot - name + 1), name);
            sb_html_esc(f, isa);
            fputs("<wbr>", f);
            sb_html_esc(f, dot + 1);
        } else
            sb_html_esc(f, name);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    int note = 0;
    for (size_t c = 0; c < m->nec; c++) {
        const struct sb_ecase *e = &m->ec[c];
        fputs("<tr><th title=\"", f);
        sb_html_esc(f, e->rule);
        fputs("\">", f);
        sb_html_esc(f, e->name);
        fputs("</th>", f);
        for (size_t k = 0; k < m->nek; k++) {
            const char *st = e->status[k], *d = e->detail[k];
            const char *cls = strcmp(st, "pass") == 0       ? "pass"
                              : strcmp(st, SB_ST_SKIP) == 0 ? "skip"
                              : strcmp(st, "FAIL") == 0     ? "fail"
                                                            : "xfail";
            fprintf(f, "<td class=\"%s\"", cls);
            if (*d) {
                fputs(" title=\"", f);
                sb_html_esc(f, d);
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
    for (size_t c = 0; c < m->nec; c++)
        for (size_t k = 0; k < m->nek; k++) {
            const char *d = m->ec[c].detail[k];
            if (!*d)
                continue;
            fputs("<li>", f);
            sb_html_esc(f, m->ek[k]);
            fputs(", ", f);
            sb_html_esc(f, m->ec[c].name);
            fputs(": ", f);
            sb_html_esc(f, d);
            fputs("</li>\n", f);
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

/* CPU x size band -> the fastest safe kernel, and the overlaid plot. */
static void cross_table(FILE *f, enum sb_tab_fmt fmt, const struct report *r)
{
    heading(f, fmt, 2, h_cross);
    struct sb_tab t;
    sb_tab_begin(&t, f, fmt, "cross");
    sb_tab_col(&t, "CPU");
    for (int b = 0; b < SB_NBANDS; b++)
        sb_tab_col(&t, "%s", sb_bands[b].name);
    for (size_t i = 0; i < r->nm; i++) {
        const struct mach *m = &r->m[i];
        sb_tab_row(&t, NULL);
        sb_tab_cell(&t, NULL, "%s (%s)", m->cpu, m->isa);
        for (int b = 0; b < SB_NBANDS; b++) {
            const struct sb_rec *c = &m->rec[b][0];
            char ns[32];
            fmt_ns(ns, sizeof ns, c->ns);
            sb_tab_cell(&t, NULL, "%s (%s)", c->k ? c->k->name : "none",
                        m->d.emulated ? "emulated" : ns);
        }
    }
    sb_tab_end(&t);
    int plot = sb_rep_timed_machines(r) > 0;
    if (fmt == SB_HTML && plot)
        fputs("<figure><img src=\"cross.svg\" alt=\"time per element across "
              "machines\"><figcaption>The fastest safe kernel or peer at each n, one line per "
              "CPU (emulated ones left out).</figcaption></figure>\n",
              f);
    else if (fmt == SB_MD)
        fputs(plot ? "\n![time per element across machines, emulated ones left out](cross.png)"
                     "\n\n"
                   : "\n",
              f);
}

static void machine_section(FILE *f, enum sb_tab_fmt fmt, const struct report *r, size_t i)
{
    const struct mach *m = &r->m[i];
    if (fmt == SB_HTML) {
        fputs("<h2>", f);
        sb_html_esc(f, m->cpu);
        fprintf(f, " (%s)</h2>\n<p class=\"machine\">", m->isa);
        machine_line(f, m);
        fputs("</p>\n", f);
    } else {
        fputs("## ", f);
        sb_md_esc(f, m->cpu);
        fprintf(f, " (%s)\n\n", m->isa);
        machine_line(f, m);
        fputs("\n\n", f);
    }
    heading(f, fmt, 3, h_which);
    rec_table(f, fmt, m, r->budget);
    sb_para_note(f, fmt, rec_note[fmt == SB_MD]);
    for (size_t p = 0; p < NPLOTS; p++) {
        if (!m->plot_ok[p])
            continue;
        const char *title = sb_rep_plot_titles[p], *script = sb_rep_plot_scripts[p];
        if (fmt == SB_MD) {
            fprintf(f, "![%s](m%zu-%s.png)\n\n", title, i + 1, script);
            continue;
        }
        fprintf(f, "<figure><img src=\"m%zu-%s.svg\" alt=\"%s\"><figcaption>%s. ", i + 1, script,
                title, title);
        machine_line(f, m);
        fputs("</figcaption></figure>\n", f);
    }
    heading(f, fmt, 3, h_accuracy);
    kernel_table(f, fmt, m);
    if (m->doc[DOC_BHH] != NULL) {
        md_gap(f, fmt);
        heading(f, fmt, 3, h_bhh);
        bhh_table(f, fmt, m);
    }
    if (fmt == SB_HTML) {
        fprintf(f, "<h3 id=\"edge-m%zu\">Edge-case matrix</h3>\n", i + 1);
        edge_html(f, m);
    }
    md_gap(f, fmt);
    heading(f, fmt, 3, h_time);
    bench_table(f, fmt, m);
    md_gap(f, fmt);
    if (m->doc[DOC_SHAPES] != NULL) {
        heading(f, fmt, 3, h_shapes);
        shapes_table(f, fmt, m);
    }
}

void sb_rep_write_doc(FILE *f, const struct report *r, enum sb_tab_fmt fmt)
{
    if (fmt == SB_HTML)
        fprintf(f,
                "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<title>softbench report</title><style>%s</style></head><body>\n",
                css);
    heading(f, fmt, 1, "softbench report");
    if (r->nm > 1)
        cross_table(f, fmt, r);
    for (size_t i = 0; i < r->nm; i++)
        machine_section(f, fmt, r, i);
    if (fmt == SB_HTML)
        fputs("<p>Files: <a href=\"report.md\">report.md</a>, <a href=\"results.json\">"
              "results.json</a>, <a href=\"verify.csv\">verify.csv</a>, <a href=\"bench.csv\">"
              "bench.csv</a>, <a href=\"edge.csv\">edge.csv</a>, <a href=\"recommendation.csv\">"
              "recommendation.csv</a>.</p>\n</body></html>\n",
              f);
}
