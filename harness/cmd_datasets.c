/* cmd_datasets.c - softbench datasets: list the generators, or write one. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vecio.h"

static const char help[] =
    "usage: softbench datasets\n"
    "       softbench datasets --write SPEC -n N [--seed S] [--format F] FILE\n"
    "\n"
    "Lists the datasets with their parameters, or writes N values of one\n"
    "(SPEC is NAME[:key=value,...]) to FILE, as .npy, raw float32 or text by\n"
    "the extension or --format. A file dataset (mnist, file:PATH) is written\n"
    "whole, as a batch of rows.\n";

static void list(void)
{
    for (size_t i = 0; i < sb_dataset_count(); i++) {
        const struct sb_dataset *d = sb_dataset_at(i);
        printf("%-10s %s", d->name, d->description);
        for (int j = 0; j < SB_DS_MAXPARAM && d->param_names[j] != NULL; j++)
            printf("%s%s=%g", j ? ", " : " (", d->param_names[j], d->defaults[j]);
        printf("%s\n", d->param_names[0] != NULL ? ")" : "");
    }
}

int sb_cmd_datasets(int argc, char **argv)
{
    static const struct option lo[] = {{"write", required_argument, 0, 'w'},
                                       {"seed", required_argument, 0, 's'},
                                       {"format", required_argument, 0, 'f'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *spec = NULL;
    struct sb_list sizes = {0};
    uint64_t seed = 1;
    enum sb_fmt fmt = SB_FMT_AUTO;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":n:", lo, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'w': spec = optarg; break;
        case 'n': rc = sb_parse_sizes(optarg, &sizes); break;
        case 's': rc = sb_parse_seed(optarg, &seed); break;
        case 'f':
            if (sb_fmt_parse(optarg, &fmt) != 0)
                rc = sb_usage_error("datasets: format '%s' is not raw, text or npy", optarg);
            break;
        case 'h':
            fputs(help, stdout);
            sb_list_free(&sizes, 1);
            return SB_EXIT_OK;
        case ':':
            rc = sb_usage_error("datasets: option '%s' needs a value", argv[optind - 1]);
            break;
        default: rc = sb_usage_error("datasets: unknown option '%s'", argv[optind - 1]); break;
        }
        if (rc != 0) {
            sb_list_free(&sizes, 1);
            return rc;
        }
    }
    if (spec == NULL) {
        sb_list_free(&sizes, 1);
        if (optind < argc)
            return sb_usage_error("datasets: unexpected argument '%s'", argv[optind]);
        list();
        return SB_EXIT_OK;
    }
    if (optind + 1 != argc) {
        sb_list_free(&sizes, 1);
        return sb_usage_error("datasets: --write needs exactly one output FILE");
    }
    const char *path = argv[optind];
    struct sb_dataset_spec s;
    char err[512];
    if (sb_dataset_parse(spec, &s, err, sizeof err) != 0) {
        sb_list_free(&sizes, 1);
        return sb_usage_error("%s", err);
    }
    struct sb_matrix m = {.rows = 1, .ndim = 1};
    if (sb_dataset_is_file(&s)) {
        if (sb_dataset_load(&s, &m.x, &m.rows, &m.cols, err, sizeof err) != 0) {
            sb_list_free(&sizes, 1);
            return sb_usage_error("%s", err);
        }
        m.ndim = 2;
    } else {
        if (sizes.n != 1) {
            sb_list_free(&sizes, 1);
            return sb_usage_error("datasets: --write needs one size, -n N");
        }
        m.cols = *(size_t *)sizes.v[0];
        m.x = malloc((m.cols + 1) * sizeof *m.x);
        if (m.x == NULL) {
            sb_list_free(&sizes, 1);
            return sb_usage_error("cannot allocate %zu floats", m.cols);
        }
        sb_dataset_generate(&s, m.x, m.cols, seed);
    }
    sb_list_free(&sizes, 1);
    if (fmt == SB_FMT_AUTO)
        fmt = sb_fmt_from_path(path);
    if (fmt == SB_FMT_AUTO) {
        free(m.x);
        return sb_usage_error("datasets: cannot tell the format of '%s': use .npy, .f32, .txt "
                              "or --format",
                              path);
    }
    int rc = sb_write_matrix(path, fmt, &m, err, sizeof err);
    free(m.x);
    return rc != 0 ? sb_usage_error("%s", err) : SB_EXIT_OK;
}
