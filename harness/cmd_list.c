/* cmd_list.c - softbench list: every compiled-in kernel and its record. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "cli.h"
#include "peers.h"
#include "vecio.h"

static void json_kernel(FILE *f, const struct softmax_kernel *k, int first)
{
    const struct softmax_bound *b = &k->bound;
    int peer = sb_is_peer(k);
    fprintf(f, "%s\n    {\"name\": ", first ? "" : ",");
    sb_json_str(f, k->name);
    fputs(", \"algorithm\": ", f);
    sb_json_str(f, k->algorithm != NULL ? k->algorithm : "");
    fprintf(f, ", \"isa\": \"%s\", \"runs\": %s, \"safe\": %s, \"peer\": %s, \"output\": \"%s\"",
            peer ? "own" : softmax_isa_name(k->isa),
            peer || softmax_kernel_supported(k) ? "true" : "false", k->safe ? "true" : "false",
            peer ? "true" : "false", k->output == SOFTMAX_OUT_LOG ? "log" : "prob");
    if (!peer)
        fprintf(f, ", \"bound\": {\"c0\": %g, \"c_arg\": %g, \"arg\": \"%s\", "
                   "\"c_sum\": %g, \"sum\": \"%s\", \"c_mag\": %g}",
                b->c0, b->c_arg, b->arg == SOFTMAX_ARG_SHIFTED ? "shifted" : "raw", b->c_sum,
                b->sum == SOFTMAX_SUM_PAIRWISE ? "pairwise" : "sequential", b->c_mag);
    fprintf(f, ", \"batched\": \"%s\"", k->rows != NULL ? "native" : "adapter");
    fputs(", \"summary\": ", f);
    sb_json_str(f, k->summary);
    fputc('}', f);
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

static void write_json(FILE *f)
{
    fprintf(f, "{\n  \"softbench\": {\"command\": \"list\", \"format\": 1},\n"
               "  \"machine\": {\"cpu\": ");
    sb_json_str(f, sb_cpu_model());
    fprintf(f, ", \"isa\": \"%s\"},\n  \"build\": {\"compiler\": ",
            softmax_isa_name(softmax_isa_available()));
    sb_json_str(f, sb_build_compiler());
    fputs(", \"cflags\": ", f);
    sb_json_str(f, sb_build_flags());
    fputs(", \"commit\": ", f);
    sb_json_str(f, sb_build_commit());
    fputs("},\n  \"peers\": ", f);
    sb_json_str(f, sb_peers_versions());
    /* a peer left out of this build, and why: a script can tell "not
     * installed when built" from "built" without parsing the text table */
    fputs(",\n  \"peers_missing\": [", f);
    for (size_t i = 0; i < sb_peer_missing_count(); i++) {
        fputs(i ? ", {\"name\": " : "{\"name\": ", f);
        sb_json_str(f, sb_peer_missing_name(i));
        fputs(", \"reason\": ", f);
        sb_json_str(f, sb_peer_missing_reason(i));
        fputc('}', f);
    }
    fputc(']', f);
    fputs(",\n  \"kernels\": [", f);
    for (size_t i = 0; i < sb_kernel_total(); i++)
        json_kernel(f, sb_kernel_any(i), i == 0);
    fputs("\n  ],\n  \"log_kernels\": [", f);
    for (size_t i = 0; i < softmax_log_kernel_count(); i++)
        json_kernel(f, softmax_log_kernel_at(i), i == 0);
    fputs("\n  ]\n}\n", f);
}

int sb_cmd_list(int argc, char **argv)
{
    const char *json = NULL;
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        puts("usage: softbench list [--json FILE]\n\nEvery kernel: name, ISA, whether this CPU "
             "runs it, safety and declared bound in ULP.\nBound: c0 + c_arg*r*(a_i + abar) + "
             "c_sum*g(n); see docs/kernels.md, 'Declared bounds'.\n--json FILE writes the records too.");
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
        write_json(out.f);
        if (sb_out_close(&out, 1, err, sizeof err) != 0)
            return sb_usage_error("%s", err);
    }
    enum softmax_isa here = softmax_isa_available();
    printf("cpu: %s; usable ISA: %s\n\n", sb_cpu_model(), softmax_isa_name(here));
    printf("%-20s %-7s %-4s %-6s %-44s %s\n", "kernel", "isa", "runs", "safe",
           "bound (ULP)", "what");
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
