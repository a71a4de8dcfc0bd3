/* cmd_crosscheck.c - softbench crosscheck HYPERFINE.json BENCH.json: the
 * per-call time hyperfine measured from outside (two process runs with
 * different --iters: start-up and input generation cancel in the
 * difference) against bench's in-process median, with the noise of both. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/* The value after flag in a command line, or NULL. */
static const char *arg_after(const char *cmd, const char *flag, char *buf, size_t len)
{
    char pat[32];
    snprintf(pat, sizeof pat, " %s ", flag);
    const char *p = strstr(cmd, pat);
    if (p == NULL)
        return NULL;
    p += strlen(pat);
    size_t l = strcspn(p, " ");
    snprintf(buf, len, "%.*s", (int)(l < len - 1 ? l : len - 1), p);
    return buf;
}

struct hf {
    char kernel[64];
    size_t n;
    double iters, median, sd;
    size_t runs;
};

static int read_hf(const struct sb_jnode *r, struct hf *h)
{
    const char *cmd = sb_json_str_of(r, "command");
    char k[64], n[32], it[32];
    if (cmd == NULL || !arg_after(cmd, "-k", k, sizeof k) || !arg_after(cmd, "-n", n, sizeof n) ||
        !arg_after(cmd, "--iters", it, sizeof it))
        return -1;
    snprintf(h->kernel, sizeof h->kernel, "%s", k);
    h->n = (size_t)strtoull(n, NULL, 10);
    h->iters = strtod(it, NULL);
    h->median = sb_json_num_of(r, "median", NAN);
    h->sd = sb_json_num_of(r, "stddev", 0.0);
    const struct sb_jnode *t = sb_json_get(r, "times");
    h->runs = 0;
    for (const struct sb_jnode *c = t ? t->child : NULL; c != NULL; c = c->next)
        h->runs++;
    return isnan(h->median) ? -1 : 0;
}

int sb_cmd_crosscheck(int argc, char **argv)
{
    if (argc != 3)
        return sb_usage_error("usage: softbench crosscheck HYPERFINE.json BENCH.json");
    char err[300];
    struct sb_jnode *hfj = sb_json_load(argv[1], err, sizeof err), *bj = NULL;
    if (hfj == NULL)
        return sb_usage_error("%s", err);
    bj = sb_json_load(argv[2], err, sizeof err);
    if (bj == NULL) {
        sb_json_free(hfj);
        return sb_usage_error("%s", err);
    }
    const struct sb_jnode *res = sb_json_get(hfj, "results"), *rows = sb_json_get(bj, "rows");
    if (res == NULL || res->type != SB_JARR || rows == NULL || rows->type != SB_JARR) {
        sb_json_free(hfj);
        sb_json_free(bj);
        return sb_usage_error("crosscheck: want hyperfine's export (results) and bench's JSON (rows)");
    }
    struct hf h[256];
    size_t nh = 0;
    for (const struct sb_jnode *r = res->child; r != NULL && nh < 256; r = r->next)
        if (read_hf(r, &h[nh]) == 0)
            nh++;
    printf("%-17s %9s %14s %14s %9s %9s  %s\n", "kernel", "n", "hyperfine ns", "bench ns",
           "diff", "3 sigma", "verdict");
    size_t pairs = 0, agree = 0;
    for (size_t i = 0; i < nh; i++)
        for (size_t j = i + 1; j < nh; j++) {
            if (strcmp(h[i].kernel, h[j].kernel) != 0 || h[i].n != h[j].n || h[i].iters == h[j].iters)
                continue;
            const struct hf *a = h[i].iters < h[j].iters ? &h[i] : &h[j];
            const struct hf *b = a == &h[i] ? &h[j] : &h[i];
            double di = b->iters - a->iters, per = (b->median - a->median) / di * 1e9;
            double s_hf = sqrt(a->sd * a->sd / (double)(a->runs ? a->runs : 1) +
                               b->sd * b->sd / (double)(b->runs ? b->runs : 1)) /
                          di * 1e9 * 1.2533; /* standard error of a median */
            const struct sb_jnode *row = NULL;
            for (const struct sb_jnode *r = rows->child; r != NULL; r = r->next) {
                const char *k = sb_json_str_of(r, "kernel");
                double rn = sb_json_num_of(r, "n", -1.0);
                if (k != NULL && strcmp(k, a->kernel) == 0 && rn >= 0.0 && rn == (double)a->n)
                    row = r;
            }
            if (row == NULL) {
                printf("%-17s %9zu %14.1f %14s  (no bench row)\n", a->kernel, a->n, per, "-");
                continue;
            }
            double med = sb_json_num_of(row, "median_ns", NAN),
                   mad = sb_json_num_of(row, "mad_ns", 0.0),
                   k = sb_json_num_of(row, "samples", 1.0);
            double s_b = 1.4826 * mad / sqrt(k > 0 ? k : 1.0) * 1.2533;
            double sigma3 = 3.0 * sqrt(s_hf * s_hf + s_b * s_b), diff = per - med;
            int ok = fabs(diff) <= sigma3;
            pairs++;
            agree += ok;
            printf("%-17s %9zu %14.1f %14.1f %8.1f%% %8.1f%%  %s\n", a->kernel, a->n, per, med,
                   100.0 * diff / med, 100.0 * sigma3 / med,
                   ok ? "agree within noise" : "DISAGREE: beyond the noise of both");
        }
    printf("\ncrosscheck: %zu of %zu (kernel, n) pairs agree within three standard errors\n",
           agree, pairs);
    sb_json_free(hfj);
    sb_json_free(bj);
    return pairs == 0 ? sb_usage_error("crosscheck: no (kernel, n) pair found in both files")
                      : SB_EXIT_OK;
}
