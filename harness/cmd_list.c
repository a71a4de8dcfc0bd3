/* cmd_list.c - softbench list: every compiled-in kernel and its record. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "cli.h"
#include "keys.h"
#include "peers.h"
#include "vecio.h"

static json_t *kernel_jobj(const struct softmax_kernel *k)
{
    const struct softmax_bound *b = &k->bound;
    int peer = sb_is_peer(k);
    json_t *o = json_object();
    int bad = sb_jset(o, SBK_NAME, sb_jstr(k->name));
    bad |= sb_jset(o, SBK_ALGORITHM, sb_jstr(k->algorithm != NULL ? k->algorithm : ""));
    bad |= sb_jset(o, SBK_ISA, sb_jstr(peer ? "own" : softmax_isa_name(k->isa)));
    bad |= sb_jset(o, SBK_RUNS, json_boolean(peer || softmax_kernel_supported(k)));
    bad |= sb_jset(o, SBK_SAFE, json_boolean(k->safe));
    bad |= sb_jset(o, SBK_PEER, json_boolean(peer));
    bad |= sb_jset(o, SBK_OUTPUT, sb_jstr(k->output == SOFTMAX_OUT_LOG ? "log" : "prob"));
    if (!peer) {
        json_t *bo = json_object();
        bad |= sb_jset(bo, SBK_C0, sb_jnum(b->c0));
        bad |= sb_jset(bo, SBK_C_ARG, sb_jnum(b->c_arg));
        bad |= sb_jset(bo, SBK_ARG, sb_jstr(b->arg == SOFTMAX_ARG_SHIFTED ? "shifted" : "raw"));
        bad |= sb_jset(bo, SBK_C_SUM, sb_jnum(b->c_sum));
        bad |= sb_jset(bo, SBK_SUM,
                       sb_jstr(b->sum == SOFTMAX_SUM_PAIRWISE ? "pairwise" : "sequential"));
        bad |= sb_jset(bo, SBK_C_MAG, sb_jnum(b->c_mag));
        bad |= sb_jset(o, SBK_BOUND, bo);
    }
    bad |= sb_jset(o, SBK_BATCHED, sb_jstr(k->rows != NULL ? "native" : "adapter"));
    bad |= sb_jset(o, SBK_SUMMARY, sb_jstr(k->summary));
    return sb_jdone(o, bad);
}

static void text_kernel(const struct softmax_kernel *k)
{
    const struct softmax_bound *b = &k->bound;
    if (sb_is_peer(k)) {
        printf("%-20s %-7s %-4s %-6s %-44s %s\n", k->name, "own", "yes", "peer",
               "(reported, not judged)", k->summary);
        return;
    }
    char bound[128], mag[32] = "";
    if (b->c_mag > 0.0)
        snprintf(mag, sizeof mag, " + %g*|x|/T", b->c_mag);
    snprintf(bound, sizeof bound, "%g + %g*r*(%s + abar)%s + %g*%s", b->c0, b->c_arg,
             b->arg == SOFTMAX_ARG_SHIFTED ? "|x-max|/T" : "|x|/T", mag, b->c_sum,
             b->sum == SOFTMAX_SUM_PAIRWISE ? "ceil(log2 n)" : "n");
    printf("%-20s %-7s %-4s %-6s %-44s %s%s\n", k->name, softmax_isa_name(k->isa),
           softmax_kernel_supported(k) ? "yes" : "no", k->safe ? "safe" : "UNSAFE", bound,
           k->summary, k->rows != NULL ? "; batches natively" : "");
}

static json_t *list_jdoc(void)
{
    json_t *doc = sb_jhead("list", 1, NULL), *build = json_object(), *missing = json_array(),
           *ks = json_array(), *logs = json_array();
    int bad = sb_jset(build, SBK_COMPILER, sb_jstr(sb_build_compiler()));
    bad |= sb_jset(build, SBK_CFLAGS, sb_jstr(sb_build_flags()));
    bad |= sb_jset(build, SBK_COMMIT, sb_jstr(sb_build_commit()));
    /* a peer left out of this build, and why: a script can tell "not
     * installed when built" from "built" without parsing the text table */
    for (size_t i = 0; i < sb_peer_missing_count(); i++) {
        json_t *m = json_object();
        int b = sb_jset(m, SBK_NAME, sb_jstr(sb_peer_missing_name(i)));
        b |= sb_jset(m, SBK_REASON, sb_jstr(sb_peer_missing_reason(i)));
        bad |= sb_jappend(missing, sb_jdone(m, b));
    }
    for (size_t i = 0; i < sb_kernel_total(); i++)
        bad |= sb_jappend(ks, kernel_jobj(sb_kernel_any(i)));
    for (size_t i = 0; i < softmax_log_kernel_count(); i++)
        bad |= sb_jappend(logs, kernel_jobj(softmax_log_kernel_at(i)));
    bad |= sb_jset(doc, SBK_BUILD, build);
    bad |= sb_jset(doc, SBK_PEERS, sb_jstr(sb_peers_versions()));
    bad |= sb_jset(doc, SBK_PEERS_MISSING, missing);
    bad |= sb_jset(doc, SBK_KERNELS, ks);
    bad |= sb_jset(doc, SBK_LOG_KERNELS, logs);
    return sb_jdone(doc, bad);
}

int sb_cmd_list(int argc, char **argv)
{
    const char *json = NULL;
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        puts("usage: softbench list [--json FILE]\n\nEvery kernel: name, ISA, whether this CPU "
             "runs it, safety and declared bound in ULP.\nBound: c0 + c_arg*r*(a_i + abar) + "
             "c_sum*g(n); see docs/kernels.md, 'Declared bounds'.\n--json FILE writes the records "
             "too.");
        return SB_EXIT_OK;
    }
    if (argc == 3 && strcmp(argv[1], "--json") == 0)
        json = argv[2];
    else if (argc == 2 && strcmp(argv[1], "--json") == 0)
        return sb_usage_error("list: option '--json' needs a value");
    else if (argc > 1)
        return sb_usage_error("list: unexpected argument '%s' (softbench list --help)", argv[1]);
    if (json != NULL) {
        char err[512];
        struct sb_out out;
        if (sb_out_open(&out, json, err, sizeof err) != 0)
            return sb_usage_error("%s", err);
        if (sb_jout_close(&out, list_jdoc(), err, sizeof err) != 0)
            return sb_usage_error("%s", err);
    }
    enum softmax_isa here = softmax_isa_available();
    printf("cpu: %s; usable ISA: %s\n\n", sb_cpu_model(), softmax_isa_name(here));
    printf("%-20s %-7s %-4s %-6s %-44s %s\n", "kernel", "isa", "runs", "safe", "bound (ULP)",
           "what");
    for (size_t i = 0; i < sb_kernel_total(); i++)
        text_kernel(sb_kernel_any(i));
    for (size_t i = 0; i < sb_peer_missing_count(); i++)
        printf("%-18s %-7s %-4s %-6s %s\n", sb_peer_missing_name(i), "-", "no", "peer",
               sb_peer_missing_reason(i));
    printf("\nlog-softmax kernels (-k log; bound in ULP of max(|y|, 0.5), docs/"
           "log-softmax.md):\n");
    for (size_t i = 0; i < softmax_log_kernel_count(); i++)
        text_kernel(softmax_log_kernel_at(i));
    printf("logof.K for each kernel K above (-k logof): log of K's softmax, reported, not "
           "judged\n");
    printf("\npeers: %s\n", sb_peers_versions());
    return SB_EXIT_OK;
}
