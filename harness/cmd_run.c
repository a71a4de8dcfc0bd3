/* cmd_run.c - softbench run: the softmax of a user's vector with one kernel. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plugin.h"
#include "vecio.h"

static const char help[] =
    "usage: softbench run -k KERNEL [-T TEMP] --in FILE --out FILE\n"
    "                     [--in-format raw|text|npy] [--format raw|text|npy]\n"
    "\n"
    "Reads float32 logits (raw little-endian; whitespace-separated text with inf,\n"
    "-inf and nan; NumPy .npy, 1-D or 2-D, a 2-D array being a batch of rows) and\n"
    "writes softmax(x / T) of each row. Formats come from the file extension\n"
    "(.txt .csv text; .f32 .raw .bin raw; .npy), else from the content; the\n"
    "output is in the input's format unless --format says otherwise.\n";

int sb_cmd_run(int argc, char **argv)
{
    static const struct option lo[] = {{"in", required_argument, 0, 'i'},
                                       {"out", required_argument, 0, 'o'},
                                       {"format", required_argument, 0, 'f'},
                                       {"in-format", required_argument, 0, 'F'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *kname = NULL, *in = NULL, *out = NULL;
    enum sb_fmt ofmt = SB_FMT_AUTO, ifmt = SB_FMT_AUTO;
    float T = 1.0f;
    struct sb_list temps = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":k:T:", lo, NULL)) != -1) {
        switch (c) {
        case 'k': kname = optarg; break;
        case 'T':
            if (sb_parse_temps(optarg, &temps) != 0) {
                sb_list_free(&temps, 1);
                return SB_EXIT_USAGE;
            }
            if (temps.n != 1) {
                sb_list_free(&temps, 1);
                return sb_usage_error("run: -T takes one temperature");
            }
            T = *(float *)temps.v[0];
            sb_list_free(&temps, 1);
            break;
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'f':
        case 'F':
            if (sb_fmt_parse(optarg, c == 'f' ? &ofmt : &ifmt) != 0)
                return sb_usage_error("run: format '%s' is not raw, text or npy", optarg);
            break;
        case 'h': fputs(help, stdout); return SB_EXIT_OK;
        case ':': return sb_usage_error("run: option '%s' needs a value", argv[optind - 1]);
        default: return sb_usage_error("run: unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return sb_usage_error("run: unexpected argument '%s'", argv[optind]);
    if (kname == NULL || in == NULL || out == NULL)
        return sb_usage_error("run: -k KERNEL, --in FILE and --out FILE are required");
    struct sb_list ks = {0};
    if (sb_parse_kernels(kname, &ks) != 0)
        return SB_EXIT_USAGE;
    const struct softmax_kernel *k = ks.n == 1 ? ks.v[0] : NULL;
    sb_list_free(&ks, 0);
    if (k == NULL)
        return sb_usage_error("run: -k takes one kernel");
    if (!softmax_kernel_supported(k))
        return sb_usage_error("kernel %s needs %s, which this CPU (or SOFTMAX_ISA) lacks", k->name,
                              softmax_isa_name(k->isa));

    char err[512];
    struct sb_matrix m;
    enum sb_fmt used;
    if (sb_read_matrix(in, ifmt, &m, &used, err, sizeof err) != 0)
        return sb_usage_error("%s", err);
    for (size_t r = 0; r < m.rows; r++) {
        int st = softmax_run(k, m.x + r * m.cols, m.x + r * m.cols, m.cols, T);
        if (st != SOFTMAX_OK) {
            free(m.x);
            return sb_usage_error("%s: %s", k->name, sb_status_str(st));
        }
    }
    int rc = sb_write_matrix(out, ofmt == SB_FMT_AUTO ? used : ofmt, &m, err, sizeof err);
    free(m.x);
    return rc != 0 ? sb_usage_error("%s", err) : SB_EXIT_OK;
}
