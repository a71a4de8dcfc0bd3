/* cmd_list.c - softbench list: every compiled-in kernel and its record. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "peers.h"

int sb_cmd_list(int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0) {
            puts("usage: softbench list\n\nEvery kernel: name, ISA, whether this CPU runs it, "
                 "safety and declared bound in ULP.\nBound: c0 + c_arg*r*(a_i + abar) + "
                 "c_sum*g(n); see README, 'Declared bounds'.");
            return SB_EXIT_OK;
        }
        return sb_usage_error("list takes no arguments");
    }
    enum softmax_isa here = softmax_isa_available();
    printf("cpu: %s; usable ISA: %s\n\n", sb_cpu_model(), softmax_isa_name(here));
    printf("%-18s %-7s %-4s %-6s %-44s %s\n", "kernel", "isa", "runs", "safe",
           "bound (ULP)", "what");
    for (size_t i = 0; i < sb_kernel_total(); i++) {
        const struct softmax_kernel *k = sb_kernel_any(i);
        const struct softmax_bound *b = &k->bound;
        if (sb_is_peer(k)) {
            printf("%-18s %-7s %-4s %-6s %-44s %s\n", k->name, "own", "yes", "peer",
                   "(reported, not judged)", k->summary);
            continue;
        }
        char bound[96];
        snprintf(bound, sizeof bound, "%g + %g*r*(%s + abar) + %g*%s", b->c0, b->c_arg,
                 b->arg == SOFTMAX_ARG_SHIFTED ? "|x-max|/T" : "|x|/T", b->c_sum,
                 b->sum == SOFTMAX_SUM_PAIRWISE ? "ceil(log2 n)" : "n");
        printf("%-18s %-7s %-4s %-6s %-44s %s\n", k->name, softmax_isa_name(k->isa),
               softmax_kernel_supported(k) ? "yes" : "no", k->safe ? "safe" : "UNSAFE", bound,
               k->summary);
    }
    for (size_t i = 0; i < sb_peer_missing_count(); i++)
        printf("%-18s %-7s %-4s %-6s %s\n", sb_peer_missing_name(i), "-", "no", "peer",
               sb_peer_missing_reason(i));
    printf("\npeers: %s\n", sb_peers_versions());
    return SB_EXIT_OK;
}
