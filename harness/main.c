/* softbench - verification and benchmark suite for softmax kernels.
 * This file only dispatches to the subcommands (cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: softbench COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  list      every kernel: ISA, whether this CPU runs it, declared bound\n"
    "  verify    run kernels on generated inputs, compare with the MPFR reference\n"
    "  run       softmax of a vector from a file, with one kernel\n"
    "  datasets  list the input generators\n"
    "\n"
    "softbench COMMAND --help shows a command's options.\n";

static int cmd_datasets(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") != 0)
        return sb_usage_error("datasets takes no arguments yet");
    for (size_t i = 0; i < sb_dataset_count(); i++) {
        const struct sb_dataset *d = sb_dataset_at(i);
        printf("%-10s %s", d->name, d->description);
        for (int j = 0; j < SB_DS_MAXPARAM && d->param_names[j] != NULL; j++)
            printf("%s%s=%g", j ? ", " : " (", d->param_names[j], d->defaults[j]);
        printf("%s\n", d->param_names[0] != NULL ? ")" : "");
    }
    return SB_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? SB_EXIT_USAGE : SB_EXIT_OK;
    }
    if (softmax_isa_env_status() != 0)
        return sb_usage_error("SOFTMAX_ISA must be scalar, avx2 or avx512");
    const char *cmd = argv[1];
    if (strcmp(cmd, "list") == 0)
        return sb_cmd_list(argc - 1, argv + 1);
    if (strcmp(cmd, "verify") == 0)
        return sb_cmd_verify(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return sb_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "datasets") == 0)
        return cmd_datasets(argc - 1, argv + 1);
    return sb_usage_error("unknown command '%s' (softbench --help lists them)", cmd);
}
