/* bench_shape.c - softbench bench --shape: per shape, every kernel through
 * softmax_batch (and for one row softmax_split) at every thread count, side
 * by side; oneDNN's batched primitive beside them. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_cmd.h"
#include "jsonio.h"
#include "keys.h"
#include "peers.h"

/* A batched call (or, split, the split of one row) as sb_measure's work. */
struct shape_call {
    const struct softmax_kernel *k;
    const float *x;
    float *y;
    size_t rows, cols;
    float T;
    struct softmax_pool *pool;
    int split, onednn, rc;
    enum softmax_dtype xt, yt; /* 16-bit: x and y are the typed buffers */
    const void *xh;
    void *yh;
    int mask;
};

static void shape_once(void *ctx)
{
    struct shape_call *c = ctx;
    int st = c->split               ? softmax_split(c->x, c->y, c->cols, c->T, c->pool)
             : c->onednn            ? sb_peer_onednn_batch(c->x, c->y, c->rows, c->cols, c->T,
                                                           softmax_pool_threads(c->pool))
             : c->xt != SOFTMAX_F32 ? softmax_batch_t(c->k, c->xt, c->xh, c->cols, c->yt,
                                                      c->yt == SOFTMAX_F32 ? (void *)c->y : c->yh,
                                                      c->cols, c->rows, c->cols, c->T, c->pool)
                                    : softmax_batch(c->k, c->x, c->cols, c->y, c->cols, c->rows,
                                                    c->cols, c->T, c->pool);
    c->rc = c->rc != SOFTMAX_OK ? c->rc : st;
}

/* The split's row name: not a kernel record. */
static const struct softmax_kernel split_record = {.name = "split", .algorithm = "split"};

/* bench --shape: per shape, every kernel (and the split for one row) at
 * every thread count, side by side. */
int sb_bench_shapes(struct sb_bench_opts *o, struct sb_out *csv, struct sb_out *json)
{
    const struct sb_dataset_spec *ds = o->datasets.v[0];
    float T = *(float *)o->temps.v[0];
    size_t nt = o->threads.n, maxe = 0, nk = 0;
    for (size_t i = 0; i < o->shapes.n; i++) {
        const struct sb_shape *sh = o->shapes.v[i];
        maxe = sh->rows * sh->cols > maxe ? sh->rows * sh->cols : maxe;
    }
    struct softmax_pool **pools = calloc(nt, sizeof *pools);
    struct shape_call *calls = calloc((o->kernels.n + 1) * nt, sizeof *calls);
    void **ctxs = calloc((o->kernels.n + 1) * nt, sizeof *ctxs);
    struct sb_result *res = calloc((o->kernels.n + 1) * nt, sizeof *res);
    size_t bytes = (maxe * sizeof(float) + 63) / 64 * 64;
    float *x = aligned_alloc(64, bytes), *y = aligned_alloc(64, bytes);
    /* oneDNN has no temperature: it gets x/T, made here, untimed */
    float *xs = T != 1.0f ? aligned_alloc(64, bytes) : NULL;
    uint16_t *xh = NULL, *yh = NULL;
    if (o->xt != SOFTMAX_F32) {
        xh = aligned_alloc(64, bytes / 2 + 64);
        yh = aligned_alloc(64, bytes / 2 + 64);
    }
    int rc = 0, failed = 0;
    json_t *doc = NULL;
    if (pools == NULL || calls == NULL || ctxs == NULL || res == NULL || x == NULL || y == NULL ||
        (T != 1.0f && xs == NULL) || (o->xt != SOFTMAX_F32 && (xh == NULL || yh == NULL)))
        rc = sb_usage_error("bench: cannot allocate %zu floats", maxe);
    for (size_t t = 0; rc == 0 && t < nt; t++)
        if ((pools[t] = softmax_pool_create(*(unsigned *)o->threads.v[t])) == NULL)
            rc = sb_usage_error("bench: cannot start %u threads", *(unsigned *)o->threads.v[t]);
    if (rc != 0)
        goto out;
    memset(y, 0, bytes);
    struct sb_clock clk = {sb_clock_monotonic, NULL};
    struct sb_plan plan = {.min_sample = o->min_time, .samples = o->samples, .max_reps = 1u << 30};
    printf("softbench bench: cpu %s, usable ISA %s, input %s, mask %s, %s in, %s out, T=%g, "
           "%ld cores online\n\n",
           sb_cpu_model(), softmax_isa_name(softmax_isa_available()), ds->label,
           sb_mask_name(o->causal), softmax_dtype_name(o->xt), softmax_dtype_name(o->yt), (double)T,
           sysconf(_SC_NPROCESSORS_ONLN));
    if (sb_emulated())
        printf("EMULATED: the times below measure qemu-user, not an aarch64 CPU\n");
    sb_cols_text_head(stdout, sb_shape_cols, sb_shape_ncols);
    if (csv->f != NULL)
        sb_cols_csv_head(csv->f, sb_shape_cols, sb_shape_ncols);
    json_t *params = NULL, *jrows = NULL;
    doc = json->f != NULL ? sb_bench_doc("shapes", &params, &jrows) : NULL;
    int jbad = json->f != NULL && doc == NULL;
    if (doc != NULL)
        jbad = sb_jset(params, SBK_DATASET, sb_jstr(ds->label)) |
               sb_jset(params, SBK_SEED, sb_juint(o->seed)) | sb_jset(params, SBK_T, sb_jnum(T)) |
               sb_jset(params, SBK_MASK, sb_jstr(sb_mask_name(o->causal))) |
               sb_jset(params, SBK_DTYPE, sb_jstr(softmax_dtype_name(o->xt))) |
               sb_jset(params, SBK_OUT, sb_jstr(softmax_dtype_name(o->yt))) |
               sb_jset(params, SBK_SAMPLES, sb_juint(o->samples)) |
               sb_jset(params, SBK_BYTES_PER_ELEMENT, json_integer(8));
    for (size_t i = 0; i < o->kernels.n; i++) {
        const struct softmax_kernel *k = o->kernels.v[i];
        if (sb_is_peer(k) && strcmp(k->name, "peer.onednn") != 0)
            printf("SKIP %s: only oneDNN's batched path (one 2-D primitive on its own OpenMP "
                   "threads) is built for shapes\n",
                   k->name);
    }
    for (size_t si = 0; si < o->shapes.n; si++) {
        const struct sb_shape *sh = o->shapes.v[si];
        size_t n = sh->rows * sh->cols, nw = 0;
        sb_dataset_generate(ds, x, n, o->seed);
        const int mask = o->causal | sh->mask;
        sb_apply_mask(x, sh->rows, sh->cols, sh->cols, mask);
        if (xh != NULL)
            softmax_from_f32(o->xt, x, xh, n);
        for (size_t i = 0; xs != NULL && i < n; i++)
            xs[i] = x[i] / T;
        for (size_t i = 0; i <= o->kernels.n; i++) {
            const struct softmax_kernel *k = i < o->kernels.n ? o->kernels.v[i] : &split_record;
            int split = i == o->kernels.n, onednn = !split && strcmp(k->name, "peer.onednn") == 0;
            if (split ? sh->rows != 1 || o->xt != SOFTMAX_F32
                      : (sb_is_peer(k) && !onednn) || (onednn && o->xt != SOFTMAX_F32))
                continue;
            if (!split && !softmax_kernel_supported(k)) {
                printf("%-17s %6zux%-6zu  SKIP: needs %s, which this CPU (or the cap) lacks\n",
                       k->name, sh->rows, sh->cols, softmax_isa_name(k->isa));
                continue;
            }
            for (size_t t = 0; t < nt; t++, nw++) {
                int scaled = onednn && xs != NULL;
                calls[nw] = (struct shape_call){k,        scaled ? xs : x,
                                                y,        sh->rows,
                                                sh->cols, scaled ? 1.0f : T,
                                                pools[t], split,
                                                onednn,   0,
                                                o->xt,    o->yt,
                                                xh,       yh,
                                                mask};
            }
        }
        nk += nw;
        /* oneDNN's OpenMP workers spin for a while after each call, taking a
         * core from whatever runs next: its rows are measured side by side
         * with each other, after ours */
        size_t ours = 0;
        for (size_t w = 0; w < nw; w++)
            if (!calls[w].onednn) {
                struct shape_call tmp = calls[ours];
                calls[ours] = calls[w];
                calls[w] = tmp;
                ours++;
            }
        for (size_t w = 0; w < nw; w++)
            ctxs[w] = &calls[w];
        sb_measure_set(ours, shape_once, ctxs, &clk, &plan, res);
        if (nw > ours)
            sb_measure_set(nw - ours, shape_once, ctxs + ours, &clk, &plan, res + ours);
        for (size_t w = 0; w < nw; w++) {
            const struct shape_call *c = &calls[w];
            struct sb_brow r = {.k = c->k,
                                .kind = c->split ? "split" : sb_bench_kind(c->k),
                                .n = n,
                                .rows = c->rows,
                                .cols = c->cols,
                                .mask = c->mask,
                                .threads = softmax_pool_threads(c->pool),
                                .T = T,
                                .r = res[w]};
            if (c->rc != SOFTMAX_OK) {
                char shape[64];
                sb_brow_shape(&r, shape, sizeof shape);
                printf("%-17s %13s %7u  ERROR: status %d\n", c->k->name, shape, r.threads, c->rc);
                failed = 1;
                continue;
            }
            jbad |= sb_brow_emit(sb_shape_cols, sb_shape_ncols, &r, csv->f, jrows) != 0;
        }
    }
    if (json->f != NULL && sb_bench_doc_write(json, doc, jbad) != 0)
        rc = sb_usage_error("%s: %s", o->json, jbad ? "out of memory" : "cannot write");
    doc = NULL;
    if (nk == 0)
        printf("no kernel this CPU runs was asked for\n");
out:
    json_decref(doc);
    for (size_t t = 0; pools != NULL && t < nt; t++)
        softmax_pool_destroy(pools[t]);
    free(pools);
    free(calls);
    free(ctxs);
    free(res);
    free(x);
    free(y);
    free(xs);
    free(xh);
    free(yh);
    return rc != 0 ? rc : failed ? SB_EXIT_FAIL : 0;
}
