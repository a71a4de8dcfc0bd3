/* read.c - the input documents into their machines' tables. A document is
 * list, verify, edge, bench, bench --shape (command "shapes") or bhh, or a
 * report's results.json, whose "inputs" are those documents again. A key the
 * report needs is required (its absence is an error naming it); the optional
 * ones are those older formats or some documents lack: verify's histogram,
 * the fields of bench's machine object past cpu and isa_usable, bhh's
 * lse_max (its formulas without a log-sum-exp), and whole documents other
 * than bench and verify. */
#include "report.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jsonio.h"
#include "keys.h"

#define MAX_WHOLE 9007199254740992.0 /* 2^53: every whole number below is a double */

const char *const sb_rep_doc_names[NDOC] = {SBK_IN_LIST,  SBK_IN_VERIFY, SBK_IN_EDGE,
                                            SBK_IN_BENCH, SBK_IN_BHH,    SBK_IN_SHAPES};

int sb_rep_fail(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* -1 with the reader's error in err, if it has one. */
static int jr_fail(const struct sb_jr *jr, char *err, size_t len)
{
    if (sb_jr_ok(jr))
        return 0;
    snprintf(err, len, "%s", jr->err);
    return -1;
}

#define OOM(err, len) sb_rep_fail(err, len, "out of memory")

int sb_rep_plain(const char *s)
{
    if (s == NULL || *s == 0 || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

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

/* The document's kind, or -1: not one of softbench's. */
static int doc_kind(struct sb_jr *jr, const json_t *doc)
{
    const char *cmd = sb_jr_str_opt(jr, sb_jr_obj_opt(jr, doc, SBK_SOFTBENCH), SBK_COMMAND);
    for (int i = 0; cmd != NULL && i < NDOC; i++)
        if (strcmp(cmd, sb_rep_doc_names[i]) == 0)
            return i;
    return cmd != NULL && strcmp(cmd, SBK_IN_REPORT) == 0 ? NDOC : -1;
}

/* One softbench document into its machine. */
static int add_doc(struct report *r, json_t *doc, const char *file, char *err, size_t len)
{
    struct sb_jr jr = {.file = file};
    int kind = doc_kind(&jr, doc);
    if (jr_fail(&jr, err, len) != 0)
        return -1;
    if (kind < 0 || kind == NDOC)
        return sb_rep_fail(err, len,
                           "report: %s: not the JSON of softbench list, verify, edge, "
                           "bench, bench --shape, bhh or report",
                           file);
    const json_t *mj = sb_jr_obj(&jr, doc, SBK_MACHINE);
    const char *cpu = sb_jr_str(&jr, mj, SBK_CPU);
    const char *isa = sb_jr_str(&jr, mj,
                                kind == DOC_BENCH || kind == DOC_SHAPES ? SBK_ISA_USABLE : SBK_ISA);
    if (jr_fail(&jr, err, len) != 0)
        return -1;
    for (const char *c = cpu; *c; c++)
        if (!isprint((unsigned char)*c) || strchr("\"\\<>&|", *c) != NULL)
            return sb_rep_fail(err, len,
                               "report: %s: the cpu name holds a character reports "
                               "cannot show",
                               file);
    if (!sb_rep_plain(isa))
        return sb_rep_fail(err, len, "report: %s: a malformed isa '%s'", file, isa);
    struct mach *m = machine_for(r, cpu, isa);
    if (m == NULL)
        return OOM(err, len);
    if (m->doc[kind] != NULL)
        return sb_rep_fail(err, len,
                           "report: %s: a second %s result for cpu '%s' (%s); give "
                           "one of each per machine",
                           file, sb_rep_doc_names[kind], cpu, isa);
    m->doc[kind] = doc;
    m->file[kind] = file;
    return 0;
}

int sb_rep_add_file(struct report *r, json_t *doc, const char *file, char *err, size_t len)
{
    struct sb_jr jr = {.file = file};
    int kind = doc_kind(&jr, doc);
    if (kind != NDOC)
        return add_doc(r, doc, file, err, len);
    const json_t *ms = sb_jr_arr(&jr, doc, SBK_MACHINES);
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        const json_t *in = sb_jr_obj(&jr, m, SBK_INPUTS);
        for (int d = 0; d < NDOC && sb_jr_ok(&jr); d++) {
            json_t *one = sb_jr_obj_opt(&jr, in, sb_rep_doc_names[d]);
            if (one != NULL && add_doc(r, one, file, err, len) != 0)
                return -1;
        }
    }
    return jr_fail(&jr, err, len);
}

/* The kernel's entry, added if new (a realloc: pointers into m->d.k held
 * across this call go stale). */
static struct sb_kinfo *kernel_of(struct mach *m, const char *name, const char *kind)
{
    struct sb_rdata *d = &m->d;
    for (size_t i = 0; i < d->nk; i++)
        if (strcmp(d->k[i].name, name) == 0)
            return &d->k[i];
    struct sb_kinfo *k = realloc(d->k, (d->nk + 1) * sizeof *k);
    if (k == NULL)
        return NULL;
    d->k = k;
    k = &d->k[d->nk++];
    *k = (struct sb_kinfo){
        .name = name, .kind = kind, .max_ulp = NAN, .max_sum = NAN, .worst_ratio = NAN};
    return k;
}

static int read_list(struct mach *m, char *err, size_t len)
{
    struct sb_jr jr = {.file = m->file[DOC_LIST]};
    const json_t *ks = sb_jr_arr(&jr, m->doc[DOC_LIST], SBK_KERNELS);
    size_t i;
    json_t *k;
    json_array_foreach(ks, i, k)
    {
        const char *name = sb_jr_str(&jr, k, SBK_NAME);
        int peer = sb_jr_bool(&jr, k, SBK_PEER), safe = sb_jr_bool(&jr, k, SBK_SAFE);
        if (jr_fail(&jr, err, len) != 0)
            return -1;
        struct sb_kinfo *ki = sb_rep_plain(name) ? kernel_of(m, name, peer ? "peer" : "kernel")
                                                 : NULL;
        if (ki == NULL)
            return sb_rep_fail(err, len,
                               "report: cpu '%s': a malformed list result (kernel "
                               "names are letters, digits and . _ -)",
                               m->cpu);
        ki->safe = safe;
    }
    return jr_fail(&jr, err, len);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static int read_bench(struct mach *m, char *err, size_t len)
{
    struct sb_jr jr = {.file = m->file[DOC_BENCH]};
    struct sb_rdata *d = &m->d;
    const json_t *bench = m->doc[DOC_BENCH], *mj = sb_jr_obj(&jr, bench, SBK_MACHINE);
    m->compiler = sb_jr_str_opt(&jr, mj, SBK_COMPILER);
    m->commit = sb_jr_str_opt(&jr, mj, SBK_COMMIT);
    m->date = sb_jr_str_opt(&jr, mj, SBK_DATE);
    m->os = sb_jr_str_opt(&jr, mj, SBK_OS);
    m->cores = sb_jr_num_opt(&jr, mj, SBK_CORES, 0);
    d->emulated = sb_jr_bool_opt(&jr, mj, SBK_EMULATED, 0);
    const json_t *cb = sb_jr_obj_opt(&jr, mj, SBK_CACHE_BYTES);
    static const char *lv[3] = {SBK_L1D, SBK_L2, SBK_L3};
    for (int l = 0; l < 3; l++)
        m->cache[l] = sb_jr_num_opt(&jr, cb, lv[l], 0);
    const json_t *rows = sb_jr_arr(&jr, bench, SBK_ROWS);
    if (jr_fail(&jr, err, len) != 0)
        return -1;
    d->b = calloc(json_array_size(rows) + 1, sizeof *d->b);
    d->sizes = calloc(json_array_size(rows) + 1, sizeof *d->sizes);
    if (d->b == NULL || d->sizes == NULL)
        return OOM(err, len);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        struct sb_brow *o = &d->b[d->nb];
        o->kernel = sb_jr_str(&jr, row, SBK_KERNEL);
        o->kind = sb_jr_str(&jr, row, SBK_KIND);
        o->n = sb_jr_size(&jr, row, SBK_N, (size_t)MAX_WHOLE);
        o->ns = sb_jr_num(&jr, row, SBK_NS_PER_ELEM);
        o->lo = sb_jr_num(&jr, row, SBK_MIN_NS) / (double)o->n;
        o->hi = sb_jr_num(&jr, row, SBK_MAX_NS) / (double)o->n;
        if (jr_fail(&jr, err, len) != 0)
            return -1;
        if (!sb_rep_plain(o->kernel) || o->n == 0 ||
            (strcmp(o->kind, "kernel") && strcmp(o->kind, "peer") && strcmp(o->kind, "floor")))
            return sb_rep_fail(err, len, "report: cpu '%s': a malformed bench row", m->cpu);
        struct sb_kinfo *k = kernel_of(m, o->kernel, o->kind);
        if (k == NULL)
            return OOM(err, len);
        if (m->doc[DOC_LIST] == NULL && strcmp(o->kind, "kernel") == 0)
            return sb_rep_fail(err, len,
                               "report: cpu '%s': needs the list result too (which "
                               "kernels are safe)",
                               m->cpu);
        k->ran = 1;
        k->kind = o->kind;
        size_t j = 0;
        while (j < d->nsizes && d->sizes[j] != o->n)
            j++;
        if (j == d->nsizes)
            d->sizes[d->nsizes++] = o->n;
        d->nb++;
    }
    if (d->nsizes == 0)
        return sb_rep_fail(err, len, "report: cpu '%s': the bench result has no rows", m->cpu);
    qsort(d->sizes, d->nsizes, sizeof *d->sizes, cmp_size);
    return 0;
}

/* a <- max(a, b), where NaN (an undefined row: NaN output by contract) has
 * no error */
static void nan_max(double *a, double b)
{
    if (!(*a >= b))
        *a = isnan(b) ? *a : b;
}

static int read_verify(struct mach *m, char *err, size_t len)
{
    struct sb_jr jr = {.file = m->file[DOC_VERIFY]};
    struct sb_rdata *d = &m->d;
    const json_t *rows = sb_jr_arr(&jr, m->doc[DOC_VERIFY], SBK_ROWS);
    if (jr_fail(&jr, err, len) != 0)
        return -1;
    d->v = calloc(json_array_size(rows) + 1, sizeof *d->v);
    if (d->v == NULL)
        return OOM(err, len);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        struct sb_vrow *o = &d->v[d->nv];
        o->kernel = sb_jr_str(&jr, row, SBK_KERNEL);
        o->dataset = sb_jr_str(&jr, row, SBK_DATASET);
        o->status = sb_jr_str(&jr, row, SBK_STATUS);
        o->n = sb_jr_size(&jr, row, SBK_N, (size_t)MAX_WHOLE);
        o->ulp = sb_jr_num(&jr, row, SBK_MAX_ULP);
        o->sum_err = sb_jr_num(&jr, row, SBK_SUM_ERR);
        o->ratio = sb_jr_num(&jr, row, SBK_WORST_RATIO);
        if (jr_fail(&jr, err, len) != 0)
            return -1;
        if (!sb_rep_plain(o->kernel))
            return sb_rep_fail(err, len, "report: cpu '%s': a malformed verify row", m->cpu);
        /* format-1 files spell it "skip" */
        o->skip = strcmp(o->status, SB_ST_SKIP) == 0 || strcmp(o->status, "skip") == 0;
        d->nv++;
        struct sb_kinfo *k = kernel_of(m, o->kernel, "kernel");
        if (k == NULL)
            return OOM(err, len);
        if (o->skip)
            continue;
        k->nverify++;
        k->verify_fail += strcmp(o->status, SB_ST_FAIL) == 0;
        nan_max(&k->max_ulp, o->ulp);
        nan_max(&k->max_sum, o->sum_err);
        nan_max(&k->worst_ratio, o->ratio);
    }
    return 0;
}

/* verify's error histogram: edges ascending from 0, the last "inf"; per
 * kernel a whole count per bin. */
static int read_hist(struct mach *m, char *err, size_t len)
{
    struct sb_jr jr = {.file = m->file[DOC_VERIFY]};
    const json_t *h = sb_jr_obj_opt(&jr, m->doc[DOC_VERIFY], SBK_HISTOGRAM);
    if (h == NULL)
        return jr_fail(&jr, err, len);
    const json_t *edges = sb_jr_arr(&jr, h, SBK_EDGES), *ks = sb_jr_arr(&jr, h, SBK_KERNELS);
    if (jr_fail(&jr, err, len) != 0)
        return -1;
    size_t nb = json_array_size(edges), nk = json_array_size(ks), i, j;
    int ok = nb >= 2 && nb <= 64;
    m->hedges = calloc(nb + 1, sizeof *m->hedges);
    m->hist = calloc(nk + 1, sizeof *m->hist);
    double *counts = calloc(nk * nb + 1, sizeof *counts);
    if (m->hedges == NULL || m->hist == NULL || counts == NULL) {
        free(counts);
        return OOM(err, len);
    }
    m->hist[0].counts = counts; /* the block's owner, freed through it */
    json_t *e, *k, *c;
    json_array_foreach(edges, j, e)
    {
        double prev = j > 0 ? m->hedges[j - 1] : -1.0;
        if (j + 1 == nb)
            ok = ok && json_is_string(e) && strcmp(json_string_value(e), "inf") == 0;
        else
            ok = ok && json_is_number(e) && json_number_value(e) > prev &&
                 (j > 0 || json_number_value(e) == 0);
        m->hedges[j] = j + 1 == nb ? INFINITY : json_number_value(e);
    }
    json_array_foreach(ks, i, k)
    {
        struct sb_hkern *o = &m->hist[i];
        o->kernel = sb_jr_str(&jr, k, SBK_KERNEL);
        const json_t *cs = sb_jr_arr(&jr, k, SBK_COUNTS);
        if (jr_fail(&jr, err, len) != 0)
            return -1;
        ok = ok && sb_rep_plain(o->kernel) && json_array_size(cs) == nb;
        o->counts = counts + i * nb;
        json_array_foreach(ok ? cs : NULL, j, c)
        {
            double v = json_number_value(c);
            ok = ok && json_is_number(c) && v >= 0 && v == floor(v) && v <= MAX_WHOLE;
            o->counts[j] = v;
            o->total += v;
        }
    }
    if (!ok)
        return sb_rep_fail(err, len, "report: cpu '%s': a malformed verify histogram", m->cpu);
    m->nhist_bins = nb;
    m->nhist = nk;
    return 0;
}

static int read_edge(struct mach *m, char *err, size_t len)
{
    const json_t *edge = m->doc[DOC_EDGE];
    if (edge == NULL)
        return 0;
    struct sb_jr jr = {.file = m->file[DOC_EDGE]};
    const json_t *ks = sb_jr_arr(&jr, edge, SBK_KERNELS), *cs = sb_jr_arr(&jr, edge, SBK_CASES);
    if (jr_fail(&jr, err, len) != 0)
        return -1;
    size_t nek = json_array_size(ks), i, j;
    m->ek = calloc(nek + 1, sizeof *m->ek);
    m->ec = calloc(json_array_size(cs) + 1, sizeof *m->ec);
    if (m->ek == NULL || m->ec == NULL)
        return OOM(err, len);
    json_t *k, *c, *res;
    json_array_foreach(ks, i, k)
    {
        m->ek[i] = json_string_value(k);
        if (!sb_rep_plain(m->ek[i]))
            return sb_rep_fail(err, len, "report: cpu '%s': a malformed edge result", m->cpu);
    }
    m->nek = nek;
    json_array_foreach(cs, i, c)
    {
        struct sb_ecase *o = &m->ec[m->nec];
        o->name = sb_jr_str(&jr, c, SBK_NAME);
        o->rule = sb_jr_str(&jr, c, SBK_RULE);
        const json_t *rs = sb_jr_arr(&jr, c, SBK_RESULTS);
        if (jr_fail(&jr, err, len) != 0)
            return -1;
        if (!sb_rep_plain(o->name) || json_array_size(rs) != nek)
            return sb_rep_fail(err, len, "report: cpu '%s': a malformed edge result", m->cpu);
        o->status = calloc(nek + 1, sizeof *o->status);
        o->detail = calloc(nek + 1, sizeof *o->detail);
        m->nec++;
        if (o->status == NULL || o->detail == NULL)
            return OOM(err, len);
        json_array_foreach(rs, j, res)
        {
            const char *st = o->status[j] = sb_jr_str(&jr, res, SBK_STATUS);
            o->detail[j] = sb_jr_str(&jr, res, SBK_DETAIL);
            if (jr_fail(&jr, err, len) != 0)
                return -1;
            struct sb_kinfo *ki = kernel_of(m, m->ek[j], "kernel");
            if (ki == NULL)
                return OOM(err, len);
            if (strcmp(st, SB_ST_SKIP) != 0) {
                ki->edge_total++;
                ki->edge_fail += strcmp(st, "pass") != 0;
            }
        }
    }
    return 0;
}

/* bhh's summary rows and points (a point's member that is not a finite
 * number, null where a formula overflowed, is NaN). */
static int read_bhh(struct mach *m, char *err, size_t len)
{
    static const char *keys[8] = {SBK_OVERFLOW,           SBK_NORMWISE_MEAN, SBK_NORMWISE_MEDIAN,
                                  SBK_NORMWISE_MAX,       SBK_ULP_MEDIAN,    SBK_ULP_MAX,
                                  SBK_WORSE_THAN_SHIFTED, SBK_LSE_MAX};
    static const char *fm[3] = {SBK_FP32, SBK_BF16, SBK_FP16};
    const json_t *d = m->doc[DOC_BHH];
    if (d == NULL)
        return 0;
    struct sb_jr jr = {.file = m->file[DOC_BHH]};
    m->bhh_data = sb_jr_str(&jr, d, SBK_DATA);
    m->bhh_rows = sb_jr_size(&jr, d, SBK_ROWS, (size_t)MAX_WHOLE);
    m->bhh_n = sb_jr_size(&jr, d, SBK_N, (size_t)MAX_WHOLE);
    const json_t *sum = sb_jr_arr(&jr, d, SBK_SUMMARY), *pts = sb_jr_obj(&jr, d, SBK_POINTS);
    if (jr_fail(&jr, err, len) != 0)
        return -1;
    m->bsum = calloc(json_array_size(sum) + 1, sizeof *m->bsum);
    if (m->bsum == NULL)
        return OOM(err, len);
    size_t i, j;
    json_t *r, *p, *c;
    json_array_foreach(sum, i, r)
    {
        struct sb_bsum *o = &m->bsum[m->nbsum++];
        o->format = sb_jr_str(&jr, r, SBK_FORMAT);
        o->variant = sb_jr_str(&jr, r, SBK_VARIANT);
        for (int k = 0; k < 8; k++)
            o->v[k] = k == 7 ? sb_jr_num_opt(&jr, r, keys[k], NAN) : sb_jr_num(&jr, r, keys[k]);
    }
    for (int f = 0; f < 3; f++) {
        const json_t *a = sb_jr_arr(&jr, pts, fm[f]);
        m->bpt[f] = calloc(json_array_size(a) + 1, sizeof *m->bpt[f]);
        if (m->bpt[f] == NULL)
            return OOM(err, len);
        json_array_foreach(a, i, p)
        {
            if (json_array_size(p) < 4)
                continue;
            json_array_foreach(p, j, c)
            {
                if (j < 4)
                    m->bpt[f][m->nbpt[f]][j] = json_is_number(c) && isfinite(json_number_value(c))
                                                   ? json_number_value(c)
                                                   : NAN;
            }
            m->nbpt[f]++;
        }
    }
    return jr_fail(&jr, err, len);
}

static int read_shapes(struct mach *m, char *err, size_t len)
{
    const json_t *d = m->doc[DOC_SHAPES];
    if (d == NULL)
        return 0;
    struct sb_jr jr = {.file = m->file[DOC_SHAPES]};
    const json_t *rows = sb_jr_arr(&jr, d, SBK_ROWS);
    m->shape = calloc(json_array_size(rows) + 1, sizeof *m->shape);
    if (m->shape == NULL)
        return OOM(err, len);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        struct sb_srow *o = &m->shape[m->nshape++];
        o->kernel = sb_jr_str(&jr, r, SBK_KERNEL);
        o->mask = sb_jr_str(&jr, r, SBK_MASK);
        o->rows = sb_jr_num(&jr, r, SBK_ROWS);
        o->cols = sb_jr_num(&jr, r, SBK_COLS);
        o->threads = (unsigned)sb_jr_size(&jr, r, SBK_THREADS, 65536);
        o->ns = sb_jr_num(&jr, r, SBK_NS_PER_ELEM);
    }
    return jr_fail(&jr, err, len);
}

int sb_rep_digest(struct mach *m, char *err, size_t len)
{
    if (m->doc[DOC_BENCH] == NULL || m->doc[DOC_VERIFY] == NULL)
        return sb_rep_fail(err, len,
                           "report: cpu '%s' (%s): needs at least a bench and a verify "
                           "result",
                           m->cpu, m->isa);
    /* in this order: it is the kernels' order in every table */
    if ((m->doc[DOC_LIST] != NULL && read_list(m, err, len) != 0) || read_bench(m, err, len) != 0 ||
        read_verify(m, err, len) != 0 || read_hist(m, err, len) != 0 ||
        read_edge(m, err, len) != 0 || read_bhh(m, err, len) != 0 || read_shapes(m, err, len) != 0)
        return -1;
    return 0;
}

void sb_rep_free(struct report *r)
{
    for (size_t i = 0; i < r->nm; i++) {
        struct mach *m = &r->m[i];
        free(m->cpu);
        free(m->isa);
        free(m->d.b);
        free(m->d.v);
        free(m->d.k);
        free(m->d.sizes);
        free(m->ek);
        for (size_t c = 0; m->ec != NULL && c < m->nec; c++) {
            free(m->ec[c].status);
            free(m->ec[c].detail);
        }
        free(m->ec);
        free(m->hedges);
        if (m->hist != NULL)
            free(m->hist[0].counts);
        free(m->hist);
        free(m->bsum);
        for (int f = 0; f < 3; f++)
            free(m->bpt[f]);
        free(m->shape);
    }
    free(r->m);
    r->m = NULL;
    r->nm = 0;
}

const struct sb_brow *sb_rep_bench_at(const struct mach *m, const char *kernel, size_t n)
{
    for (size_t i = 0; i < m->d.nb; i++)
        if (m->d.b[i].n == n && strcmp(m->d.b[i].kernel, kernel) == 0)
            return &m->d.b[i];
    return NULL;
}

size_t sb_rep_series(const struct mach *m, const struct sb_kinfo **out)
{
    static const char *order[] = {"kernel", "peer", "floor"};
    size_t n = 0;
    for (int o = 0; o < 3; o++)
        for (size_t i = 0; i < m->d.nk; i++)
            if (m->d.k[i].ran && strcmp(m->d.k[i].kind, order[o]) == 0)
                out[n++] = &m->d.k[i];
    return n;
}

/* The machines whose times measure the CPU (an emulated one's would sit a
 * hundred times above, meaning nothing). */
size_t sb_rep_timed_machines(const struct report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nm; i++)
        n += !r->m[i].d.emulated;
    return n;
}
