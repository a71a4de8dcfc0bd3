/* cmd_run.c - softbench run: the softmax of a user's vector with one kernel. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vecio.h"

static const char help[] =
    "usage: softbench run -k KERNEL [-T TEMP] --in FILE --out FILE\n"
    "                     [--in-format raw|text] [--format raw|text]\n"
    "\n"
    "Reads a float32 vector (raw little-endian, or whitespace-separated text with\n"
    "inf, -inf and nan), writes softmax(x / T). Formats come from the file\n"
    "extension (.txt .csv text; .f32 .raw .bin raw), else from the content; the\n"
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
            if (sb_parse_temps(optarg, &temps) != 0 || temps.n != 1) {
                int bad = temps.n > 1;
                sb_list_free(&temps, 1);
                return bad ? sb_usage_error("run: -T takes one temperature") : SB_EXIT_USAGE;
            }
            T = *(float *)temps.v[0];
            sb_list_free(&temps, 1);
            break;
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'f':
        case 'F':
            if (sb_fmt_parse(optarg, c == 'f' ? &ofmt : &ifmt) != 0)
                return sb_usage_error("run: format '%s' is not raw or text", optarg);
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
    const struct softmax_kernel *k = softmax_kernel_find(kname);
    if (k == NULL)
        return sb_usage_error("unknown kernel '%s' (softbench list shows them)", kname);
    if (!softmax_kernel_supported(k))
        return sb_usage_error("kernel %s needs %s, which this CPU (or SOFTMAX_ISA) lacks",
                              k->name, softmax_isa_name(k->isa));

    char err[512];
    float *x;
    size_t n;
    enum sb_fmt used;
    if (sb_read_vector(in, ifmt, &x, &n, &used, err, sizeof err) != 0)
        return sb_usage_error("%s", err);
    int st = softmax_run(k, x, x, n, T);
    if (st != SOFTMAX_OK) {
        free(x);
        return sb_usage_error("%s: %s", k->name, softmax_strerror(st));
    }
    int rc = sb_write_vector(out, ofmt == SB_FMT_AUTO ? used : ofmt, x, n, err, sizeof err);
    free(x);
    return rc != 0 ? sb_usage_error("%s", err) : SB_EXIT_OK;
}
