/* softbench - verification and benchmark suite for softmax kernels.
 * This file only dispatches to the subcommands (cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "cli.h"
#include "contract.h"
#include "peers.h"
#include "plugin.h"
#include "softbench_plugin.h"

static const char usage[] =
    "usage: softbench COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  list      every kernel: ISA, whether this CPU runs it, declared bound\n"
    "  verify    run kernels on generated inputs, compare with the MPFR reference\n"
    "  edge      the edge-case contract: cases x kernels, pass or fail\n"
    "  bench     time kernels, peers and memory floors across sizes\n"
    "  loop      call one kernel many times (what scripts/hyperfine.sh times)\n"
    "  crosscheck  compare hyperfine's per-call times with bench's\n"
    "  bhh       Blanchard-Higham-Higham's softmax formulas on their MNIST vectors\n"
    "  verify64  the float64 kernels against the MPFR reference rounded to double\n"
    "  run       softmax of a vector from a file, with one kernel\n"
    "  datasets  list the input generators, or write one to a file\n"
    "  report    saved results into a report: HTML, Markdown, JSON, plots\n"
    "  baseline  record the figures the regression gate compares\n"
    "  check     compare with a baseline: exit 1 on a regression\n"
    "\n"
    "options every command takes (before or after it):\n"
    "  --plugin PATH           load your kernels from a shared object (repeatable;\n"
    "                          kernels/softbench_plugin.h, docs/plugins.md)\n"
    "  --plugin-timeout SECS   time limit per plugin kernel call (default 10)\n"
    "  --plugin-failures DIR   where a plugin kernel's failing inputs are saved\n"
    "                          (default softbench-failures)\n"
    "\n"
    "softbench --version prints the version; softbench COMMAND --help shows a\n"
    "command's options.\n";

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("softbench %d.%d.%d (plugin ABI %d)\n", SOFTMAX_VERSION_MAJOR, SOFTMAX_VERSION_MINOR,
               SOFTMAX_VERSION_PATCH, SOFTBENCH_PLUGIN_ABI);
        return SB_EXIT_OK;
    }
    if (argc < 2)
        return sb_usage_error("no command given (softbench --help lists them)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, stdout);
        return SB_EXIT_OK;
    }
    if (sb_plugin_options(&argc, argv) != 0)
        return SB_EXIT_USAGE;
    if (argc < 2)
        return sb_usage_error("no command given (softbench --help lists them)");
    if (softmax_isa_env_status() != 0)
        return sb_usage_error("SOFTMAX_ISA must be scalar, avx2 or avx512");
    atexit(sb_peers_release);
    atexit(sb_case_release);
    atexit(sb_plugin_release);
    const char *cmd = argv[1];
    if (strcmp(cmd, "list") == 0)
        return sb_cmd_list(argc - 1, argv + 1);
    if (strcmp(cmd, "verify") == 0)
        return sb_cmd_verify(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return sb_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0)
        return sb_cmd_bench(argc - 1, argv + 1);
    if (strcmp(cmd, "crosscheck") == 0)
        return sb_cmd_crosscheck(argc - 1, argv + 1);
    if (strcmp(cmd, "bhh") == 0)
        return sb_cmd_bhh(argc - 1, argv + 1);
    if (strcmp(cmd, "verify64") == 0)
        return sb_cmd_verify64(argc - 1, argv + 1);
    if (strcmp(cmd, "loop") == 0)
        return sb_cmd_loop(argc - 1, argv + 1);
    if (strcmp(cmd, "edge") == 0)
        return sb_cmd_edge(argc - 1, argv + 1);
    if (strcmp(cmd, "baseline") == 0)
        return sb_cmd_baseline(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return sb_cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return sb_cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "datasets") == 0)
        return sb_cmd_datasets(argc - 1, argv + 1);
    return sb_usage_error("unknown command '%s' (softbench --help lists them)", cmd);
}
