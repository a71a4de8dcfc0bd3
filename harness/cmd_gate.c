/* cmd_gate.c - softbench baseline and softbench check: the regression gate
 * (gate.h) on the command line. baseline --write records the figures of the
 * chosen kernels; check measures them again and compares, exit 0 clean, 1
 * a regression (each named with its evidence), 2 a usage error or a
 * baseline that cannot be compared (another softbench, build or CPU). */
#include <getopt.h>
#include <gnu/libc-version.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "gate.h"
#include "keys.h"
#include "peers.h"
#include "plugin.h"
#include "vecio.h"

#define GATE_FORMAT 1
#define DEFAULT_ROUNDS 15

static const char help_baseline[] =
    "usage: softbench baseline --write FILE [-k KERNEL...] [--rounds K] [--no-time]\n"
    "\n"
    "Records, per kernel (default: every kernel of the library, or with --plugin\n"
    "every plugin kernel), the figures the\n"
    "gate compares: max ULP and |sum - 1| on fixed inputs and whether each is\n"
    "within the declared bound; the contract cases it fails; the instructions\n"
    "one call retires at n = 1000 (counted under ptrace: exact, the same on a\n"
    "loaded machine); and K rounds (default 15, at least 8) of its time at n = 4096 as a\n"
    "ratio to floor.rw timed beside it.\n";

static const char help_check[] =
    "usage: softbench check --baseline FILE [-k KERNEL...] [--insn-tolerance F]\n"
    "                       [--time-tolerance F] [--strict-time] [--no-time]\n"
    "                       [--no-instructions] [--rounds K]\n"
    "\n"
    "Measures again and compares with the baseline:\n"
    "  accuracy      may not get worse at all (it is deterministic): max ULP and\n"
    "                |sum - 1| per input no larger, no input newly beyond the\n"
    "                bound, no contract case newly failed\n"
    "  instructions  may grow by at most F (default 0.01: 1%%)\n"
    "  time          a regression when the median ratio to floor.rw exceeds the\n"
    "                recorded one by more than F (default 0.10) and a one-sided\n"
    "                Mann-Whitney U test finds the new ratios larger at p < 0.01;\n"
    "                reported as a warning unless --strict-time\n"
    "\n"
    "exit: 0 no regression, 1 a regression (each kernel and figure named),\n"
    "2 usage, or a baseline from another softbench version, build (instruction\n"
    "counts need the same compiler and code-generation flags) or CPU (times\n"
    "need the same CPU; --no-time skips them)\n";

/* glibc picks its exp and expf by CPU (the FMA variant needs FMA and
 * AVX2), so the scalar kernels' counts hold for one kind of CPU. */
static int libm_fma(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
#else
    return 1; /* aarch64 always has a fused multiply-add, and one expf */
#endif
}

/* The flags that change the code: -O, -m, -f, -D, -std; not warnings,
 * dependency output, debug information or include paths. */
static void codegen_flags(char *out, size_t len)
{
    char *copy = strdup(sb_build_flags()), *save = NULL;
    out[0] = 0;
    for (char *t = copy ? strtok_r(copy, " ", &save) : NULL; t != NULL;
         t = strtok_r(NULL, " ", &save)) {
        if (strncmp(t, "-O", 2) && strncmp(t, "-m", 2) && strncmp(t, "-f", 2) &&
            strncmp(t, "-D", 2) && strncmp(t, "-std", 4))
            continue;
        size_t l = strlen(out);
        snprintf(out + l, len - l, "%s%s", l ? " " : "", t);
    }
    free(copy);
}

struct gopts {
    struct sb_list kernels;
    const char *file;
    size_t rounds;
    int no_time, no_insns, strict_time;
    struct sb_gate_tol tol;
};

static int parse_frac(const char *arg, double *v, const char *what)
{
    char *end;
    *v = strtod(arg, &end);
    if (*arg == 0 || *end != 0 || !(*v >= 0) || isinf(*v))
        return sb_usage_error("%s wants a fraction >= 0 (0.01 is 1%%), not '%s'", what, arg);
    return 0;
}

static int parse(int argc, char **argv, struct gopts *o, int check)
{
    static const struct option lo[] = {{"write", required_argument, 0, 'w'},
                                       {"baseline", required_argument, 0, 'B'},
                                       {"rounds", required_argument, 0, 'r'},
                                       {"no-time", no_argument, 0, 't'},
                                       {"no-instructions", no_argument, 0, 'i'},
                                       {"strict-time", no_argument, 0, 's'},
                                       {"insn-tolerance", required_argument, 0, 'I'},
                                       {"time-tolerance", required_argument, 0, 'T'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *cmd = check ? "check" : "baseline";
    int c, rc = 0;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":k:", lo, NULL)) != -1) {
        int wrong = (c == 'w' && check) || (c == 'B' && !check) ||
                    (!check && (c == 'i' || c == 's' || c == 'I' || c == 'T'));
        if (wrong)
            return sb_usage_error("%s: option '%s' belongs to softbench %s", cmd, argv[optind - 1],
                                  check ? "baseline" : "check");
        switch (c) {
        case 'k': rc = sb_parse_kernels(optarg, &o->kernels); break;
        case 'w':
        case 'B': o->file = optarg; break;
        case 'r': {
            char *end;
            long v = strtol(optarg, &end, 10);
            /* fewer than 8 a side and the test cannot reach p < 0.01 */
            if (*optarg == 0 || *end != 0 || v < 8 || v > SB_GATE_MAX_ROUNDS)
                rc = sb_usage_error("%s: --rounds wants 8 to %d, not '%s'", cmd, SB_GATE_MAX_ROUNDS,
                                    optarg);
            o->rounds = (size_t)v;
            break;
        }
        case 't': o->no_time = 1; break;
        case 'i': o->no_insns = 1; break;
        case 's': o->strict_time = 1; break;
        case 'I': rc = parse_frac(optarg, &o->tol.insn_tol, "check: --insn-tolerance"); break;
        case 'T': rc = parse_frac(optarg, &o->tol.time_tol, "check: --time-tolerance"); break;
        case 'h': fputs(check ? help_check : help_baseline, stdout); return -1;
        case ':': return sb_usage_error("%s: option '%s' needs a value", cmd, argv[optind - 1]);
        default: return sb_usage_error("%s: unknown option '%s'", cmd, argv[optind - 1]);
        }
    }
    if (rc == 0 && optind < argc)
        rc = sb_usage_error("%s: unexpected argument '%s'", cmd, argv[optind]);
    if (rc == 0 && o->file == NULL)
        rc = sb_usage_error(check ? "check: --baseline FILE is required"
                                  : "baseline: --write FILE is required");
    if (rc == 0 && o->strict_time && o->no_time)
        rc = sb_usage_error("check: --strict-time and --no-time contradict each other");
    return rc;
}

/* The default set: the library's kernels, or with --plugin the plugins'
 * (a team gates its own; peers and floors only by -k). */
static void default_kernels(struct sb_list *l)
{
    for (size_t i = 0; i < sb_plugin_count(); i++)
        sb_list_push(l, (void *)sb_plugin_at(i));
    for (size_t i = 0; sb_plugin_count() == 0 && i < softmax_kernel_count(); i++)
        sb_list_push(l, (void *)softmax_kernel_at(i));
}

static json_t *figures_jobj(const struct softmax_kernel *k, const struct sb_gate_figures *g)
{
    json_t *o = json_object();
    int bad = sb_jset(o, SBK_NAME, sb_jstr(k->name));
    bad |= sb_jset(o, SBK_MEASURED, json_boolean(g->measured));
    if (!g->measured)
        return sb_jdone(o, bad);
    json_t *acc = json_array(), *ef = json_array(), *tr = json_array();
    for (size_t i = 0; i < g->nacc; i++) {
        json_t *a = json_object();
        /* 17 digits (sb_jwrite): the check compares them exactly */
        int b = sb_jset(a, SBK_MAX_ULP, sb_jnum(g->acc[i].max_ulp));
        b |= sb_jset(a, SBK_SUM_ERR, sb_jnum(g->acc[i].sum_err));
        b |= sb_jset(a, SBK_OK, json_boolean(g->acc[i].ok));
        bad |= sb_jappend(acc, sb_jdone(a, b));
    }
    for (size_t i = 0; i < g->nedge_failed; i++)
        bad |= sb_jappend(ef, sb_jstr(g->edge_failed[i]));
    /* six digits: a time ratio's noise is far above them */
    for (size_t i = 0; i < g->rounds; i++)
        bad |= sb_jappend(tr, sb_jnum(sb_spelled("%.6g", g->ratio[i])));
    bad |= sb_jset(o, SBK_ACCURACY, acc);
    bad |= sb_jset(o, SBK_EDGE_FAILED, ef);
    bad |= sb_jset(o, SBK_INSTRUCTIONS,
                   g->insns > 0 ? json_integer((json_int_t)g->insns) : json_null());
    bad |= sb_jset(o, SBK_TIME_RATIO, tr);
    return sb_jdone(o, bad);
}

/* The baseline's head: the machine, the build and the gate's inputs. */
static json_t *baseline_jdoc(const char *flags)
{
    json_t *doc = sb_jhead("baseline", GATE_FORMAT, sb_machine_jobj()), *build = json_object(),
           *gate = json_object(), *cases = json_array();
    int bad = sb_jset(build, SBK_COMPILER, sb_jstr(sb_build_compiler()));
    bad |= sb_jset(build, SBK_CODEGEN_FLAGS, sb_jstr(flags));
    bad |= sb_jset(build, SBK_LIBC, sb_jstr(gnu_get_libc_version()));
    bad |= sb_jset(build, SBK_LIBM_FMA, json_boolean(libm_fma()));
    for (size_t i = 0; i < sb_gate_case_count(); i++) {
        const struct sb_gate_case *c = sb_gate_case_at(i);
        json_t *o = json_object();
        int b = sb_jset(o, SBK_DATASET, sb_jstr(c->dataset));
        b |= sb_jset(o, SBK_N, json_integer((json_int_t)c->n));
        b |= sb_jset(o, SBK_T, sb_jnum((double)c->T));
        bad |= sb_jappend(cases, sb_jdone(o, b));
    }
    bad |= sb_jset(gate, SBK_INSN_N, json_integer(SB_GATE_INSN_N));
    bad |= sb_jset(gate, SBK_TIME_N, json_integer(SB_GATE_TIME_N));
    bad |= sb_jset(gate, SBK_CASES, cases);
    bad |= sb_jset(doc, SBK_BUILD, build);
    bad |= sb_jset(doc, SBK_GATE, gate);
    bad |= sb_jset(doc, SBK_KERNELS, json_array());
    return sb_jdone(doc, bad);
}

/* A progress line where someone watches; nothing in a log. */
static void progress(const char *what, const struct softmax_kernel *k)
{
    if (!isatty(2))
        return;
    fprintf(stderr, "\r%s %-20s", what, k->name);
    fflush(stderr);
}

int sb_cmd_baseline(int argc, char **argv)
{
    struct gopts o = {.rounds = DEFAULT_ROUNDS};
    int rc = parse(argc, argv, &o, 0);
    if (rc != 0) {
        sb_list_free(&o.kernels, 0);
        return rc < 0 ? SB_EXIT_OK : rc;
    }
    if (o.kernels.n == 0)
        default_kernels(&o.kernels);
    char err[512], flags[512];
    struct sb_out out;
    if (sb_out_open(&out, o.file, err, sizeof err) != 0) {
        sb_list_free(&o.kernels, 0);
        return sb_usage_error("%s", err);
    }
    codegen_flags(flags, sizeof flags);
    json_t *doc = baseline_jdoc(flags), *list = json_object_get(doc, SBK_KERNELS);
    struct sb_gate_opts go = {1, 1, o.no_time ? 0 : o.rounds};
    size_t nskip = 0;
    for (size_t i = 0; rc == 0 && doc != NULL && i < o.kernels.n; i++) {
        const struct softmax_kernel *k = o.kernels.v[i];
        struct sb_gate_figures g;
        progress("baseline: measuring", k);
        if (sb_gate_measure(k, &go, &g, err, sizeof err) != 0)
            rc = sb_usage_error("baseline: %s: %s", k->name, err);
        else {
            nskip += !g.measured;
            if (sb_jappend(list, figures_jobj(k, &g)) != 0) {
                json_decref(doc);
                doc = NULL;
            }
        }
    }
    if (isatty(2))
        fprintf(stderr, "\r%40s\r", "");
    if (rc != 0) {
        json_decref(doc);
        sb_out_close(&out, 0, err, sizeof err);
    } else if (sb_jout_close(&out, doc, err, sizeof err) != 0)
        rc = sb_usage_error("%s", err);
    if (rc == 0)
        printf("baseline: %zu kernels recorded in %s (%zu the CPU cannot run, recorded as "
               "such); build %s, %s\n",
               o.kernels.n, o.file, nskip, sb_build_compiler(), flags);
    sb_list_free(&o.kernels, 0);
    return rc;
}

/* Reads a kernel's figures back from the baseline; errors into r. A kernel
 * the baseline's CPU could not run has no figures. */
static void read_figures(struct sb_jr *r, const json_t *k, struct sb_gate_figures *g)
{
    memset(g, 0, sizeof *g);
    g->measured = sb_jr_bool(r, k, SBK_MEASURED);
    if (!g->measured)
        return;
    const json_t *acc = sb_jr_arr(r, k, SBK_ACCURACY), *ef = sb_jr_arr(r, k, SBK_EDGE_FAILED),
                 *tr = sb_jr_arr(r, k, SBK_TIME_RATIO), *in = json_object_get(k, SBK_INSTRUCTIONS);
    /* null: not counted */
    g->insns = json_is_null(in) ? 0 : sb_jr_size(r, k, SBK_INSTRUCTIONS, (size_t)1e18);
    if (!sb_jr_ok(r))
        return;
    const char *name = json_string_value(json_object_get(k, SBK_NAME));
    if (json_array_size(acc) != sb_gate_case_count())
        sb_jr_fail(r, "%s has %zu accuracy figures, not %zu", name, json_array_size(acc),
                   sb_gate_case_count());
    if (json_array_size(ef) > SB_GATE_MAX_EDGE || json_array_size(tr) > SB_GATE_MAX_ROUNDS)
        sb_jr_fail(r, "%s: more than %d \"%s\" or %d \"%s\"", name, SB_GATE_MAX_EDGE,
                   SBK_EDGE_FAILED, SB_GATE_MAX_ROUNDS, SBK_TIME_RATIO);
    size_t i;
    const json_t *e;
    json_array_foreach(acc, i, e)
    {
        if (!sb_jr_ok(r))
            return;
        g->acc[g->nacc++] = (struct sb_gate_acc){sb_jr_num(r, e, SBK_MAX_ULP),
                                                 sb_jr_num(r, e, SBK_SUM_ERR),
                                                 sb_jr_bool(r, e, SBK_OK)};
    }
    json_array_foreach(ef, i, e)
    {
        if (!sb_jr_ok(r))
            return;
        if ((g->edge_failed[g->nedge_failed++] = json_string_value(e)) == NULL)
            sb_jr_fail(r, "%s: \"%s\" holds a non-string", name, SBK_EDGE_FAILED);
    }
    json_array_foreach(tr, i, e)
    {
        if (!sb_jr_ok(r))
            return;
        if (sb_jvalue_num(e, &g->ratio[g->rounds++]) != 0)
            sb_jr_fail(r, "%s: \"%s\" holds a non-number", name, SBK_TIME_RATIO);
    }
}

/* Whether the baseline (of this format) was written by this softbench's
 * gate: the same inputs. */
static int same_gate(struct sb_jr *r, const json_t *doc)
{
    const json_t *g = sb_jr_obj(r, doc, SBK_GATE);
    double insn_n = sb_jr_num(r, g, SBK_INSN_N), time_n = sb_jr_num(r, g, SBK_TIME_N);
    const json_t *c = sb_jr_arr(r, g, SBK_CASES), *e;
    if (!sb_jr_ok(r) || insn_n != SB_GATE_INSN_N || time_n != SB_GATE_TIME_N ||
        json_array_size(c) != sb_gate_case_count())
        return 0;
    size_t i;
    json_array_foreach(c, i, e)
    {
        const struct sb_gate_case *mine = sb_gate_case_at(i);
        const char *ds = sb_jr_str(r, e, SBK_DATASET);
        double n = sb_jr_num(r, e, SBK_N), T = sb_jr_num(r, e, SBK_T);
        if (!sb_jr_ok(r) || strcmp(ds, mine->dataset) != 0 || n != (double)mine->n ||
            (float)T != mine->T)
            return 0;
    }
    return 1;
}

/* The baseline's head, its build and CPU, read for the comparability checks. */
struct bhead {
    const json_t *list;
    const char *cc, *flags, *libc, *cpu, *isa;
    int fma;
};

static void read_head(struct sb_jr *r, const json_t *doc, struct bhead *h)
{
    const json_t *build = sb_jr_obj(r, doc, SBK_BUILD), *mach = sb_jr_obj(r, doc, SBK_MACHINE), *e;
    h->list = sb_jr_arr(r, doc, SBK_KERNELS);
    h->cc = sb_jr_str(r, build, SBK_COMPILER);
    h->flags = sb_jr_str(r, build, SBK_CODEGEN_FLAGS);
    h->libc = sb_jr_str(r, build, SBK_LIBC);
    h->fma = sb_jr_bool(r, build, SBK_LIBM_FMA);
    h->cpu = sb_jr_str(r, mach, SBK_CPU);
    h->isa = sb_jr_str(r, mach, SBK_ISA_USABLE);
    size_t i;
    json_array_foreach(h->list, i, e) sb_jr_str(r, e, SBK_NAME);
}

/* A baseline's head, as check and sb_baseline_read take it: what kind of
 * document and which version first, since another format may have other
 * keys; BH_BAD: r holds the error. */
enum bh_status { BH_OK, BH_UNREADABLE, BH_NOT_BASELINE, BH_OTHER_VERSION, BH_BAD };

static enum bh_status baseline_head(struct sb_jr *r, const json_t *doc, struct bhead *h)
{
    const json_t *head = sb_jr_obj(r, doc, SBK_SOFTBENCH);
    const char *cmd = sb_jr_str(r, head, SBK_COMMAND);
    double format = sb_jr_num(r, head, SBK_FORMAT);
    if (!sb_jr_ok(r))
        return BH_UNREADABLE;
    if (strcmp(cmd, "baseline") != 0)
        return BH_NOT_BASELINE;
    if (!(format == GATE_FORMAT && same_gate(r, doc)))
        return sb_jr_ok(r) ? BH_OTHER_VERSION : BH_BAD;
    read_head(r, doc, h);
    return sb_jr_ok(r) ? BH_OK : BH_BAD;
}

/* What check reads of a baseline, on a parsed document (cli.h). */
int sb_baseline_read(struct sb_jr *r, const json_t *doc,
                     void (*each)(const char *name, const struct sb_gate_figures *g, void *ctx),
                     void *ctx)
{
    struct bhead h = {0};
    enum bh_status st = baseline_head(r, doc, &h);
    if (st == BH_NOT_BASELINE)
        sb_jr_fail(r, "not a softbench baseline");
    else if (st == BH_OTHER_VERSION)
        sb_jr_fail(r, "written by another softbench version (format or inputs differ)");
    size_t i;
    const json_t *e;
    json_array_foreach(h.list, i, e)
    {
        struct sb_gate_figures g;
        if (!sb_jr_ok(r))
            break;
        read_figures(r, e, &g);
        if (sb_jr_ok(r) && each != NULL)
            each(json_string_value(json_object_get(e, SBK_NAME)), &g, ctx);
    }
    return sb_jr_ok(r) ? 0 : -1;
}

int sb_cmd_check(int argc, char **argv)
{
    struct gopts o = {.rounds = DEFAULT_ROUNDS, .tol = {SB_GATE_INSN_TOL, SB_GATE_TIME_TOL}};
    int rc = parse(argc, argv, &o, 1);
    if (rc != 0) {
        sb_list_free(&o.kernels, 0);
        return rc < 0 ? SB_EXIT_OK : rc;
    }
    char err[512], flags[512];
    struct sb_jr r = {.file = o.file};
    struct bhead h = {0};
    json_t *doc = sb_jload(o.file, err, sizeof err);
    enum bh_status st = baseline_head(&r, doc, &h);
    codegen_flags(flags, sizeof flags);
    if (doc == NULL)
        rc = sb_usage_error("check: %s", err);
    else if (st == BH_UNREADABLE)
        rc = sb_usage_error("check: %s (not a softbench baseline)", r.err);
    else if (st == BH_NOT_BASELINE)
        rc = sb_usage_error("check: %s is not a softbench baseline", o.file);
    else if (st == BH_BAD)
        rc = sb_usage_error("check: %s", r.err);
    else if (st == BH_OTHER_VERSION)
        rc = sb_usage_error("check: %s was written by another softbench version (format or "
                            "inputs differ); write it again with softbench baseline --write",
                            o.file);
    else if (!o.no_insns && (strcmp(h.cc, sb_build_compiler()) != 0 || strcmp(h.flags, flags) != 0))
        rc = sb_usage_error("check: the baseline comes from another build (%s, %s; this is %s, "
                            "%s): instruction counts are not comparable; write it again or use "
                            "--no-instructions",
                            h.cc, h.flags, sb_build_compiler(), flags);
    else if (!o.no_insns && strcmp(h.libc, gnu_get_libc_version()) != 0)
        rc = sb_usage_error("check: the baseline comes from another C library (glibc %s; this is "
                            "%s): the scalar kernels' instruction counts include its exp; write "
                            "it again or use --no-instructions",
                            h.libc, gnu_get_libc_version());
    else if (!o.no_time && (strcmp(h.cpu, sb_cpu_model()) != 0 ||
                            strcmp(h.isa, softmax_isa_name(softmax_isa_available())) != 0))
        rc = sb_usage_error("check: the baseline comes from another CPU (%s, %s; this is %s, %s): "
                            "times are not comparable; use --no-time",
                            h.cpu, h.isa, sb_cpu_model(),
                            softmax_isa_name(softmax_isa_available()));
    if (rc != 0) {
        json_decref(doc);
        sb_list_free(&o.kernels, 0);
        return rc;
    }
    printf("softbench check: %s against %s\n", sb_build_compiler(), o.file);
    printf("rules: accuracy no worse at all; instructions +%.2f%% at most; time +%.1f%% and "
           "Mann-Whitney p < 0.01 (%s)\n\n",
           100 * o.tol.insn_tol, 100 * o.tol.time_tol,
           o.no_time       ? "not checked"
           : o.strict_time ? "a failure"
                           : "a warning");
    struct sb_gate_opts go = {1, !o.no_insns, o.no_time ? 0 : o.rounds};
    size_t nreg = 0, nwarn = 0, nok = 0, nskip = 0;
    char summary[2048] = "";
    int same_libm = h.fma == libm_fma();
    /* every chosen kernel (default: the library's) must be in the baseline */
    struct sb_list want = {0};
    if (o.kernels.n == 0)
        default_kernels(&want);
    const struct sb_list *chosen_list = o.kernels.n ? &o.kernels : &want;
    for (size_t i = 0; i < chosen_list->n; i++) {
        const struct softmax_kernel *k = chosen_list->v[i];
        int found = 0;
        size_t j;
        const json_t *e;
        json_array_foreach(h.list, j, e)
            found |= strcmp(json_string_value(json_object_get(e, SBK_NAME)), k->name) == 0;
        if (found)
            continue;
        if (o.kernels.n > 0) {
            rc = sb_usage_error("check: %s is not in the baseline %s", k->name, o.file);
            break;
        }
        printf("%-20s REGRESSED: not in the baseline (a new kernel: make baseline records it)\n",
               k->name);
        nreg++;
        snprintf(summary + strlen(summary), sizeof summary - strlen(summary),
                 "%s%s (not in the baseline)", *summary ? ", " : "", k->name);
    }
    sb_list_free(&want, 0);
    size_t ei;
    const json_t *e;
    json_array_foreach(h.list, ei, e)
    {
        if (rc != 0)
            break;
        const char *name = json_string_value(json_object_get(e, SBK_NAME));
        const struct softmax_kernel *k = NULL;
        for (size_t i = 0; i < sb_kernel_total(); i++)
            if (strcmp(sb_kernel_any(i)->name, name) == 0)
                k = sb_kernel_any(i);
        int chosen = o.kernels.n == 0;
        for (size_t i = 0; k != NULL && i < o.kernels.n; i++)
            chosen |= o.kernels.v[i] == k;
        if (!chosen)
            continue;
        if (k == NULL) {
            printf("%-20s REGRESSED: in the baseline, not in this build\n", name);
            nreg++;
            snprintf(summary + strlen(summary), sizeof summary - strlen(summary), "%s%s (missing)",
                     *summary ? ", " : "", name);
            continue;
        }
        struct sb_gate_figures base, now;
        read_figures(&r, e, &base);
        if (!sb_jr_ok(&r)) {
            rc = sb_usage_error("check: %s", r.err);
            break;
        }
        progress("check: measuring", k);
        if (sb_gate_measure(k, &go, &now, err, sizeof err) != 0) {
            rc = sb_usage_error("check: %s: %s", k->name, err);
            break;
        }
        if (isatty(2))
            fprintf(stderr, "\r%40s\r", "");
        if (!now.measured || !base.measured) {
            printf("%-20s SKIP: %s\n", k->name,
                   !now.measured ? "this CPU (or SOFTMAX_ISA) lacks its ISA"
                                 : "the baseline's CPU could not run it");
            nskip++;
            continue;
        }
        if (o.no_insns)
            base.insns = 0;
        /* the scalar kernels call glibc's exp or expf, chosen by CPU */
        int libm_note = !o.no_insns && !same_libm && k->isa == SOFTMAX_ISA_SCALAR;
        if (libm_note)
            base.insns = 0;
        struct sb_gate_verdict v;
        sb_gate_compare(&base, &now, &o.tol, &v);
        int hard = v.acc_regressed || v.edge_regressed || v.insn_regressed ||
                   (v.time_regressed && o.strict_time);
        if (hard) {
            printf("%-20s REGRESSED: %s\n", k->name, v.detail);
            nreg++;
            snprintf(summary + strlen(summary), sizeof summary - strlen(summary), "%s%s (%s%s%s%s)",
                     *summary ? ", " : "", k->name, v.acc_regressed ? "accuracy " : "",
                     v.edge_regressed ? "contract " : "", v.insn_regressed ? "instructions " : "",
                     v.time_regressed && o.strict_time ? "time" : "");
        } else if (v.time_regressed) {
            printf("%-20s ok; warning, slower: %s\n", k->name, v.detail);
            nwarn++;
            nok++;
        } else if (now.insns == 0) { /* peers and plugins: not counted */
            printf("%-20s ok (instructions not counted%s)\n", k->name,
                   now.rounds ? ", time as before" : "");
            nok++;
        } else {
            printf("%-20s ok (%llu instructions at n=%d%s%s)\n", k->name,
                   (unsigned long long)now.insns, SB_GATE_INSN_N,
                   libm_note ? ", not compared: glibc's exp differs between the two CPUs" : "",
                   now.rounds ? ", time as before" : "");
            nok++;
        }
    }
    json_decref(doc);
    sb_list_free(&o.kernels, 0);
    if (rc != 0)
        return rc;
    printf("\ncheck: %zu ok, %zu regressed, %zu skipped, %zu timing warnings\n", nok, nreg, nskip,
           nwarn);
    if (nreg > 0)
        printf("regressed: %s\n", summary);
    return nreg > 0 ? SB_EXIT_FAIL : SB_EXIT_OK;
}
