/* cmd_crosscheck.c - softbench crosscheck HYPERFINE.json BENCH.json: the
 * per-call time hyperfine measured from outside (two process runs with
 * different --iters: start-up and input generation cancel in the
 * difference) against bench's in-process median, with the noise of both. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jsonio.h"
#include "keys.h"

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

/* A result of one of our loop commands into h: 1; 0 for another command
 * (skipped); errors into r. stddev is null (or, in older exports, absent)
 * for a single run: no spread. */
static int read_hf(struct sb_jr *r, const json_t *res, struct hf *h)
{
    const char *cmd = sb_jr_str(r, res, SBK_HF_COMMAND);
    char k[64], n[32], it[32];
    if (cmd == NULL || !arg_after(cmd, "-k", k, sizeof k) || !arg_after(cmd, "-n", n, sizeof n) ||
        !arg_after(cmd, "--iters", it, sizeof it))
        return 0;
    snprintf(h->kernel, sizeof h->kernel, "%s", k);
    h->n = (size_t)strtoull(n, NULL, 10);
    h->iters = strtod(it, NULL);
    h->median = sb_jr_num(r, res, SBK_HF_MEDIAN);
    h->sd = json_is_null(json_object_get(res, SBK_HF_STDDEV))
                ? 0.0
                : sb_jr_num_opt(r, res, SBK_HF_STDDEV, 0.0);
    h->runs = json_array_size(sb_jr_arr(r, res, SBK_HF_TIMES));
    return sb_jr_ok(r);
}

int sb_cmd_crosscheck(int argc, char **argv)
{
    if (argc != 3)
        return sb_usage_error("usage: softbench crosscheck HYPERFINE.json BENCH.json");
    char err[512];
    json_t *hfj = sb_jload(argv[1], err, sizeof err), *bj = NULL;
    if (hfj == NULL)
        return sb_usage_error("%s", err);
    bj = sb_jload(argv[2], err, sizeof err);
    if (bj == NULL) {
        json_decref(hfj);
        return sb_usage_error("%s", err);
    }
    struct sb_jr rh = {.file = argv[1]}, rb = {.file = argv[2]};
    const json_t *res = sb_jr_arr(&rh, hfj, SBK_HF_RESULTS), *rows = sb_jr_arr(&rb, bj, SBK_ROWS),
                 *e;
    struct hf h[256];
    size_t nh = 0, at;
    json_array_foreach(res, at, e) if (nh < 256 && read_hf(&rh, e, &h[nh])) nh++;
    /* every row names its kernel; a row of bench --shape has no n, and
     * one with n has its figures */
    json_array_foreach(rows, at, e)
    {
        sb_jr_str(&rb, e, SBK_KERNEL);
        if (json_object_get(e, SBK_N) == NULL)
            continue;
        sb_jr_num(&rb, e, SBK_N);
        sb_jr_num(&rb, e, SBK_MEDIAN_NS);
        sb_jr_num(&rb, e, SBK_MAD_NS);
        sb_jr_num(&rb, e, SBK_SAMPLES);
    }
    if (!sb_jr_ok(&rh) || !sb_jr_ok(&rb)) {
        int rc = sb_usage_error("crosscheck: %s", sb_jr_ok(&rh) ? rb.err : rh.err);
        json_decref(hfj);
        json_decref(bj);
        return rc;
    }
    printf("%-17s %9s %14s %14s %9s %9s  %s\n", "kernel", "n", "hyperfine ns", "bench ns", "diff",
           "3 sigma", "verdict");
    size_t pairs = 0, agree = 0;
    for (size_t i = 0; i < nh; i++)
        for (size_t j = i + 1; j < nh; j++) {
            if (strcmp(h[i].kernel, h[j].kernel) != 0 || h[i].n != h[j].n ||
                h[i].iters == h[j].iters)
                continue;
            const struct hf *a = h[i].iters < h[j].iters ? &h[i] : &h[j];
            const struct hf *b = a == &h[i] ? &h[j] : &h[i];
            double di = b->iters - a->iters, per = (b->median - a->median) / di * 1e9;
            double s_hf = sqrt(a->sd * a->sd / (double)(a->runs ? a->runs : 1) +
                               b->sd * b->sd / (double)(b->runs ? b->runs : 1)) /
                          di * 1e9 * 1.2533; /* standard error of a median */
            const json_t *row = NULL, *r;
            size_t ri;
            json_array_foreach(rows, ri, r)
            {
                const char *k = json_string_value(json_object_get(r, SBK_KERNEL));
                double rn = sb_jr_num_opt(&rb, r, SBK_N, -1.0);
                if (strcmp(k, a->kernel) == 0 && rn >= 0.0 && rn == (double)a->n)
                    row = r;
            }
            if (row == NULL) {
                printf("%-17s %9zu %14.1f %14s  (no bench row)\n", a->kernel, a->n, per, "-");
                continue;
            }
            double med = sb_jr_num(&rb, row, SBK_MEDIAN_NS), mad = sb_jr_num(&rb, row, SBK_MAD_NS),
                   k = sb_jr_num(&rb, row, SBK_SAMPLES);
            double s_b = 1.4826 * mad / sqrt(k > 0 ? k : 1.0) * 1.2533;
            double sigma3 = 3.0 * sqrt(s_hf * s_hf + s_b * s_b), diff = per - med;
            int ok = fabs(diff) <= sigma3;
            pairs++;
            agree += ok;
            printf("%-17s %9zu %14.1f %14.1f %8.1f%% %8.1f%%  %s\n", a->kernel, a->n, per, med,
                   100.0 * diff / med, 100.0 * sigma3 / med,
                   ok ? "agree within noise" : "DISAGREE: beyond the noise of both");
        }
    printf("\ncrosscheck: %zu of %zu (kernel, n) pairs agree within three standard errors\n", agree,
           pairs);
    json_decref(hfj);
    json_decref(bj);
    return pairs == 0 ? sb_usage_error("crosscheck: no (kernel, n) pair found in both files")
                      : SB_EXIT_OK;
}
