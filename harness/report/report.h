/* report.h - what the files of softbench report share: the inputs of one
 * machine as read (read.c), the plot data and gnuplot (plotdata.c), the
 * documents (write.c) and results.json and the CSVs (results.c). Every key
 * an input needs is checked when it is read, so the writers read structs,
 * never JSON, and cannot fail on a file. */
#ifndef SB_REPORT_H
#define SB_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "recommend.h"
#include "table.h"

enum { DOC_LIST, DOC_VERIFY, DOC_EDGE, DOC_BENCH, DOC_BHH, DOC_SHAPES, NDOC };
/* Each document's command, and its key in results.json's "inputs". */
extern const char *const sb_rep_doc_names[NDOC];

struct sb_ecase { /* an edge case: a result per edge kernel */
    const char *name, *rule;
    const char **status, **detail;
};
struct sb_hkern { /* a kernel's histogram: counts per bin, and their sum */
    const char *kernel;
    double *counts, total;
};
struct sb_bsum { /* a row of bhh's summary */
    const char *format, *variant;
    double v[8]; /* NAN: absent */
};
struct sb_srow { /* a row of bench --shape */
    const char *kernel, *mask;
    double rows, cols, ns;
    unsigned threads;
};

enum { PLOT_TIME, PLOT_SPEEDUP, PLOT_ULP, PLOT_SUM, PLOT_PARETO, PLOT_HIST, PLOT_BHH, NPLOTS };
extern const char *const sb_rep_plot_scripts[NPLOTS];
extern const char *const sb_rep_plot_titles[NPLOTS];

struct mach {
    char *cpu, *isa;
    json_t *doc[NDOC];      /* borrowed from the loaded files */
    const char *file[NDOC]; /* the file each came from, for messages */
    struct sb_rdata d;      /* bench and verify rows, kernels, sizes (ascending) */
    struct sb_rec rec[SB_NBANDS][2];
    /* bench's machine object */
    const char *compiler, *commit, *date, *os;
    double cores, cache[3]; /* L1d, L2, L3 in bytes, 0 if not known */
    /* edge: its kernels, and its cases */
    const char **ek;
    size_t nek;
    struct sb_ecase *ec;
    size_t nec;
    /* verify's error histogram (optional: nhist 0 without one) */
    double *hedges; /* nhist_bins upper edges, the last INFINITY */
    size_t nhist_bins;
    struct sb_hkern *hist;
    size_t nhist;
    /* bhh */
    const char *bhh_data;
    size_t bhh_rows, bhh_n;
    struct sb_bsum *bsum;
    size_t nbsum;
    double (*bpt[3])[4]; /* per format: per vector, basic shifted alt altshifted */
    size_t nbpt[3];
    /* bench --shape */
    struct sb_srow *shape;
    size_t nshape;
    int plot_ok[NPLOTS]; /* per plot: it has data */
};

struct report {
    struct mach *m;
    size_t nm;
    double budget;
    const char *baseline, *scripts;
    char *dir; /* the temporary folder being written */
};

/* read.c: 0, or an error message in err. A document, or a results.json's
 * inputs, into their machines; then each machine's tables. */
int sb_rep_add_file(struct report *r, json_t *doc, const char *file, char *err, size_t errlen);
int sb_rep_digest(struct mach *m, char *err, size_t errlen);
void sb_rep_free(struct report *r);
/* Names go into gnuplot strings, word lists, HTML and CSV: only letters,
 * digits and . _ - */
int sb_rep_plain(const char *s);
const struct sb_brow *sb_rep_bench_at(const struct mach *m, const char *kernel, size_t n);
/* The kernels that ran, in legend order: ours, peers, floors; out holds nk. */
size_t sb_rep_series(const struct mach *m, const struct sb_kinfo **out);
size_t sb_rep_timed_machines(const struct report *r);

/* -1, with the message in err. */
int sb_rep_fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* plotdata.c: 0, or -1 with the message in err (a file not written, a
 * --baseline without rows, gnuplot missing or failing). The cross data:
 * 0 or -1. */
int sb_rep_write_plot_data(const struct report *r, struct mach *m, const char *data,
                           const char *prefix, char *err, size_t len);
int sb_rep_write_cross_data(const struct report *r, const char *data);
int sb_rep_draw(const struct report *r, const char *prefix, const char *which, char *err,
                size_t len);
char *sb_rep_path_in(const char *dir, const char *name);
FILE *sb_rep_open_in(const char *dir, const char *name);

/* write.c, results.c */
void sb_rep_write_doc(FILE *f, const struct report *r, enum sb_tab_fmt fmt);
json_t *sb_rep_results(const struct report *r);
void sb_rep_write_csvs(const struct report *r, FILE *vf, FILE *bf, FILE *ef, FILE *rf);

#endif
