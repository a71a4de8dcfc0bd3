/* bench_rows.c - bench's rows and their columns: every figure derived from
 * a row's samples here, once (ns per element, GB/s, reference cycles). */
#include "bench_cmd.h"

#include <string.h>

#include "jsonio.h"
#include "keys.h"
#include "peers.h"

#define ROW(r) ((const struct sb_brow *)(r))
#define ROWI(f) SB_AT(struct sb_brow, f, size_t)

const char *sb_bench_kind(const struct softmax_kernel *k)
{
    return strncmp(k->name, "floor.", 6) == 0 ? "floor" : sb_is_peer(k) ? "peer" : "kernel";
}

/* Bytes an element moves: a read and a write, but the read floor only reads. */
static double bytes_of(const void *r)
{
    return strcmp(ROW(r)->k->name, "floor.read") == 0 ? 4.0 : 8.0;
}

static double ns_per_elem(const void *r)
{
    return ROW(r)->n ? ROW(r)->r.stats.median * 1e9 / (double)ROW(r)->n : 0.0;
}

/* A getter: the value `expr` of row r, in the sb_val member m. */
#define GETTER(name, m, expr)                                                                      \
    static struct sb_val name(const void *r) { return (struct sb_val){.m = (expr)}; }
GETTER(name_of, s, ROW(r)->k->name)
GETTER(kind_of, s, ROW(r)->kind)
GETTER(mask_of, s, sb_mask_name(ROW(r)->mask))
GETTER(threads_of, i, ROW(r)->threads)
GETTER(temp_of, num, ROW(r)->T)
GETTER(bytes, num, bytes_of(r))
GETTER(median_ns, num, ROW(r)->r.stats.median * 1e9)
GETTER(min_ns, num, ROW(r)->r.stats.min * 1e9)
GETTER(max_ns, num, ROW(r)->r.stats.max * 1e9)
GETTER(mad_ns, num, ROW(r)->r.stats.mad * 1e9)
GETTER(per_elem, num, ns_per_elem(r))
GETTER(noisy, i, ROW(r)->r.stats.noisy != 0)
GETTER(ref_cycles, num, ns_per_elem(r) * ROW(r)->tsc_hz / 1e9)

static struct sb_val gb_per_s(const void *r)
{
    const struct sb_brow *w = r;
    double v = w->n ? bytes_of(r) * (double)w->n / w->r.stats.median / 1e9 : 0.0;
    return (struct sb_val){.num = v};
}

/* The MAD as a share of the median: above SB_NOISY the row is noisy. */
static void mad_text(const void *r, char *buf, size_t len)
{
    const struct sb_stats *s = &ROW(r)->r.stats;
    snprintf(buf, len, "%.1f%%", s->median > 0 ? 100.0 * s->mad / s->median : 0.0);
}

static void noisy_text(const void *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s", ROW(r)->r.stats.noisy ? "noisy" : "");
}

void sb_brow_shape(const void *r, char *buf, size_t len)
{
    const struct sb_brow *w = r;
    snprintf(buf, len, "%zux%zu%s%s", w->rows, w->cols, w->mask ? ":" : "",
             w->mask ? sb_mask_name(w->mask) : "");
}

/* Every sample's time per call, to 0.1 ns as always. */
static json_t *per_call(const void *r)
{
    const struct sb_brow *w = r;
    json_t *a = json_array();
    int bad = a == NULL;
    for (size_t i = 0; i < w->r.stats.k && !bad; i++)
        bad = sb_jappend(a, sb_jnum(sb_spelled("%.1f", w->r.per_call[i] * 1e9)));
    if (bad)
        json_decref(a);
    return bad ? NULL : a;
}

/* The columns both tables have, in (where) they show. */
#define KERNEL(in)                                                                                 \
    {                                                                                              \
        SBK_KERNEL, SB_COL_STR, in, "kernel", "%-17s", .get = name_of                              \
    }
#define KIND                                                                                       \
    {                                                                                              \
        SBK_KIND, SB_COL_STR, SB_IN_DATA, .get = kind_of                                           \
    }
#define TEMP                                                                                       \
    {                                                                                              \
        SBK_T, SB_COL_NUM, SB_IN_CSV, .cfmt = "%.9g", .get = temp_of                               \
    }
#define REPS                                                                                       \
    {                                                                                              \
        SBK_REPS, SB_COL_INT, SB_IN_ALL, "reps", "%7s", .off = ROWI(r.reps)                        \
    }
#define SAMPLES(in)                                                                                \
    {                                                                                              \
        SBK_SAMPLES, SB_COL_INT, in, .off = ROWI(r.stats.k)                                        \
    }
#define MEDIAN                                                                                     \
    {                                                                                              \
        SBK_MEDIAN_NS, SB_COL_NUM, SB_IN_ALL, "median ns", "%12s", "%.1f", "%.1f",                 \
            .get = median_ns                                                                       \
    }
#define MIN(in)                                                                                    \
    {                                                                                              \
        SBK_MIN_NS, SB_COL_NUM, in | SB_TEXT_LAST, "min ns", "%11s", "%.1f", "%.1f", .get = min_ns \
    }
#define MAX(in)                                                                                    \
    {                                                                                              \
        SBK_MAX_NS, SB_COL_NUM, in | SB_TEXT_LAST, "max ns", "%11s", "%.1f", "%.1f", .get = max_ns \
    }
#define MAD                                                                                        \
    {                                                                                              \
        NULL, SB_COL_STR, SB_IN_TEXT | SB_TEXT_LAST, "MAD", "%7s", .text = mad_text                \
    }
#define PER_ELEM                                                                                   \
    {                                                                                              \
        SBK_NS_PER_ELEM, SB_COL_NUM, SB_IN_ALL, "ns/elem", "%8s", "%.3f", "%.4f", .get = per_elem  \
    }
#define GBS(in)                                                                                    \
    {                                                                                              \
        SBK_GB_PER_S, SB_COL_NUM, in, "GB/s", "%8s", "%.2f", "%.4f", .get = gb_per_s               \
    }
#define NOISY(in)                                                                                  \
    {                                                                                              \
        SBK_NOISY, SB_COL_BOOL, in | SB_TEXT_LAST, "", "%s", .get = noisy, .text = noisy_text      \
    }

/* bench: the CSV in this order; the text table puts min, max, MAD and noisy
 * last. */
const struct sb_col sb_bench_cols[] = {
    KERNEL(SB_IN_ALL),
    KIND,
    {SBK_N, SB_COL_INT, SB_IN_ALL, "n", "%9s", .off = ROWI(n)},
    TEMP,
    REPS,
    SAMPLES(SB_IN_DATA),
    {SBK_BYTES_PER_ELEM, SB_COL_NUM, SB_IN_JSON, .get = bytes},
    MEDIAN,
    MIN(SB_IN_ALL),
    MAX(SB_IN_ALL),
    {SBK_MAD_NS, SB_COL_NUM, SB_IN_DATA, .cfmt = "%.1f", .get = mad_ns},
    MAD,
    PER_ELEM,
    GBS(SB_IN_ALL),
    {SBK_REF_CYCLES_PER_ELEM, SB_COL_NUM, SB_IN_ALL, "refcyc/e", "%8s", "%.3f", "%.4f",
     .get = ref_cycles},
    NOISY(SB_IN_ALL),
    {SBK_PER_CALL_NS, SB_COL_NUM, SB_IN_JSON, .json = per_call},
};
const size_t sb_bench_ncols = sizeof sb_bench_cols / sizeof sb_bench_cols[0];

/* bench --shape: the CSV in this order; its JSON rows hold fewer figures,
 * the MAD (to 0.1 ns) and noisy last. */
const struct sb_col sb_shape_cols[] = {
    KERNEL(SB_IN_ALL),
    KIND,
    {SBK_ROWS, SB_COL_INT, SB_IN_DATA, .off = ROWI(rows)},
    {SBK_COLS, SB_COL_INT, SB_IN_DATA, .off = ROWI(cols)},
    {SBK_MASK, SB_COL_STR, SB_IN_DATA, .get = mask_of},
    {NULL, SB_COL_STR, SB_IN_TEXT, "shape", "%13s", .text = sb_brow_shape},
    {SBK_THREADS, SB_COL_INT, SB_IN_ALL, "threads", "%7s", .get = threads_of},
    TEMP,
    REPS,
    SAMPLES(SB_IN_CSV),
    MEDIAN,
    MIN(SB_IN_TEXT | SB_IN_CSV),
    MAX(SB_IN_TEXT | SB_IN_CSV),
    {SBK_MAD_NS, SB_COL_NUM, SB_IN_DATA | SB_JSON_LAST, .cfmt = "%.1f", .jfmt = "%.1f",
     .get = mad_ns},
    MAD,
    PER_ELEM,
    GBS(SB_IN_TEXT | SB_IN_CSV),
    NOISY(SB_IN_ALL | SB_JSON_LAST),
};
const size_t sb_shape_ncols = sizeof sb_shape_cols / sizeof sb_shape_cols[0];

int sb_brow_emit(const struct sb_col *cols, size_t nc, const struct sb_brow *r, FILE *csv,
                 json_t *jrows)
{
    sb_cols_text_row(stdout, cols, nc, r);
    if (csv != NULL)
        sb_cols_csv_row(csv, cols, nc, r);
    return jrows != NULL ? sb_jappend(jrows, sb_cols_json_row(cols, nc, r)) : 0;
}

json_t *sb_bench_doc(const char *command, json_t **params, json_t **rows)
{
    json_t *doc = sb_jhead(command, 1, sb_machine_jobj());
    *params = json_object();
    *rows = json_array();
    int bad = doc == NULL;
    bad |= sb_jset(doc, SBK_PARAMS, *params) | sb_jset(doc, SBK_ROWS, *rows);
    return sb_jdone(doc, bad);
}

int sb_bench_doc_write(struct sb_out *out, json_t *doc, int bad)
{
    int rc = bad || doc == NULL ? -1 : sb_jwrite(out->f, doc);
    json_decref(doc);
    return rc;
}
