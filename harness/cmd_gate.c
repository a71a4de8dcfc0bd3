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
#include "json.h"
#include "peers.h"
#include "vecio.h"

#define GATE_FORMAT 1
#define DEFAULT_ROUNDS 15

static const char help_baseline[] =
    "usage: softbench baseline --write FILE [-k KERNEL...] [--rounds K] [--no-time]\n"
    "\n"
    "Records, per kernel (default: every kernel of the library), the figures the\n"
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
                rc = sb_usage_error("%s: --rounds wants 8 to %d, not '%s'", cmd,
                                    SB_GATE_MAX_ROUNDS, optarg);
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

/* The default set: the library's kernels (peers and floors only by -k). */
static void default_kernels(struct sb_list *l)
{
    for (size_t i = 0; i < softmax_kernel_count(); i++)
        sb_list_push(l, (void *)softmax_kernel_at(i));
}

static void write_figures(FILE *f, const struct softmax_kernel *k, const struct sb_gate_figures *g,
                          int first)
{
    fprintf(f, "%s\n    {\"name\": ", first ? "" : ",");
    sb_json_str(f, k->name);
    fprintf(f, ", \"measured\": %s", g->measured ? "true" : "false");
    if (!g->measured) {
        fputc('}', f);
        return;
    }
    fputs(",\n     \"accuracy\": [", f);
    for (size_t i = 0; i < g->nacc; i++) {
        fprintf(f, "%s{\"max_ulp\": ", i ? ", " : "");
        sb_json_num(f, g->acc[i].max_ulp);
        fputs(", \"sum_err\": ", f);
        /* %.17g: the check compares it exactly */
        if (isfinite(g->acc[i].sum_err))
            fprintf(f, "%.17g", g->acc[i].sum_err);
        else
            sb_json_num(f, g->acc[i].sum_err);
        fprintf(f, ", \"ok\": %s}", g->acc[i].ok ? "true" : "false");
    }
    fputs("],\n     \"edge_failed\": [", f);
    for (size_t i = 0; i < g->nedge_failed; i++) {
        fputs(i ? ", " : "", f);
        sb_json_str(f, g->edge_failed[i]);
    }
    fputs("],\n     \"instructions\": ", f);
    if (g->insns > 0)
        fprintf(f, "%llu", (unsigned long long)g->insns);
    else
        fputs("null", f);
    fputs(",\n     \"time_ratio\": [", f);
    for (size_t i = 0; i < g->rounds; i++)
        fprintf(f, "%s%.6g", i ? ", " : "", g->ratio[i]);
    fputs("]}", f);
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
    FILE *f = out.f;
    fprintf(f, "{\n  \"softbench\": {\"command\": \"baseline\", \"format\": %d},\n"
               "  \"machine\": {\n",
            GATE_FORMAT);
    sb_machine_json(f, "    ");
    fputs("  },\n  \"build\": {\"compiler\": ", f);
    sb_json_str(f, sb_build_compiler());
    fputs(", \"codegen_flags\": ", f);
    sb_json_str(f, flags);
    fputs(", \"libc\": ", f);
    sb_json_str(f, gnu_get_libc_version());
    fprintf(f, ", \"libm_fma\": %s", libm_fma() ? "true" : "false");
    fprintf(f, "},\n  \"gate\": {\"insn_n\": %d, \"time_n\": %d, \"cases\": [", SB_GATE_INSN_N,
            SB_GATE_TIME_N);
    for (size_t i = 0; i < sb_gate_case_count(); i++) {
        const struct sb_gate_case *c = sb_gate_case_at(i);
        fprintf(f, "%s{\"dataset\": \"%s\", \"n\": %zu, \"T\": %g}", i ? ", " : "", c->dataset,
                c->n, (double)c->T);
    }
    fputs("]},\n  \"kernels\": [", f);
    struct sb_gate_opts go = {1, 1, o.no_time ? 0 : o.rounds};
    size_t nskip = 0;
    for (size_t i = 0; rc == 0 && i < o.kernels.n; i++) {
        const struct softmax_kernel *k = o.kernels.v[i];
        struct sb_gate_figures g;
        progress("baseline: measuring", k);
        if (sb_gate_measure(k, &go, &g, err, sizeof err) != 0)
            rc = sb_usage_error("baseline: %s: %s", k->name, err);
        else {
            nskip += !g.measured;
            write_figures(f, k, &g, i == 0);
        }
    }
    fputs("\n  ]\n}\n", f);
    if (isatty(2))
        fprintf(stderr, "\r%40s\r", "");
    if (sb_out_close(&out, rc == 0, err, sizeof err) != 0 && rc == 0)
        rc = sb_usage_error("%s", err);
    if (rc == 0)
        printf("baseline: %zu kernels recorded in %s (%zu the CPU cannot run, recorded as "
               "such); build %s, %s\n",
               o.kernels.n, o.file, nskip, sb_build_compiler(), flags);
    sb_list_free(&o.kernels, 0);
    return rc;
}

/* Reads a kernel's figures back from the baseline. */
static void read_figures(const struct sb_jnode *k, struct sb_gate_figures *g)
{
    memset(g, 0, sizeof *g);
    const struct sb_jnode *m = sb_json_get(k, "measured");
    g->measured = m != NULL && m->type == SB_JBOOL && m->num != 0;
    const struct sb_jnode *a = sb_json_get(k, "accuracy");
    for (const struct sb_jnode *e = a ? a->child : NULL; e != NULL && g->nacc < 16; e = e->next) {
        const struct sb_jnode *ok = sb_json_get(e, "ok");
        g->acc[g->nacc++] = (struct sb_gate_acc){sb_json_num_of(e, "max_ulp", NAN),
                                                 sb_json_num_of(e, "sum_err", NAN),
                                                 ok != NULL && ok->type == SB_JBOOL && ok->num};
    }
    const struct sb_jnode *ef = sb_json_get(k, "edge_failed");
    for (const struct sb_jnode *e = ef ? ef->child : NULL;
         e != NULL && g->nedge_failed < SB_GATE_MAX_EDGE; e = e->next)
        if (e->type == SB_JSTR)
            g->edge_failed[g->nedge_failed++] = e->str;
    double insns = sb_json_num_of(k, "instructions", 0);
    g->insns = insns >= 1 && insns < 1e18 && insns == floor(insns) ? (uint64_t)insns : 0;
    const struct sb_jnode *t = sb_json_get(k, "time_ratio");
    for (const struct sb_jnode *e = t ? t->child : NULL; e != NULL && g->rounds < SB_GATE_MAX_ROUNDS;
         e = e->next)
        g->ratio[g->rounds++] = e->num;
}

/* Whether the baseline was written by this softbench's gate: same format
 * and the same inputs. */
static int same_gate(const struct sb_jnode *doc)
{
    const struct sb_jnode *g = sb_json_get(doc, "gate");
    if (sb_json_num_of(sb_json_get(doc, "softbench"), "format", 0) != GATE_FORMAT ||
        sb_json_num_of(g, "insn_n", 0) != SB_GATE_INSN_N ||
        sb_json_num_of(g, "time_n", 0) != SB_GATE_TIME_N)
        return 0;
    const struct sb_jnode *c = g != NULL ? sb_json_get(g, "cases") : NULL;
    size_t i = 0;
    for (const struct sb_jnode *e = c ? c->child : NULL; e != NULL; e = e->next, i++) {
        const struct sb_gate_case *mine = sb_gate_case_at(i);
        const char *ds = sb_json_str_of(e, "dataset");
        if (mine == NULL || ds == NULL || strcmp(ds, mine->dataset) != 0 ||
            sb_json_num_of(e, "n", 0) != (double)mine->n ||
            (float)sb_json_num_of(e, "T", 0) != mine->T)
            return 0;
    }
    return i == sb_gate_case_count();
}

int sb_cmd_check(int argc, char **argv)
{
    struct gopts o = {.rounds = DEFAULT_ROUNDS,
                      .tol = {SB_GATE_INSN_TOL, SB_GATE_TIME_TOL}};
    int rc = parse(argc, argv, &o, 1);
    if (rc != 0) {
        sb_list_free(&o.kernels, 0);
        return rc < 0 ? SB_EXIT_OK : rc;
    }
    char err[512], flags[512];
    struct sb_jnode *doc = sb_json_load(o.file, err, sizeof err);
    const char *cmd = doc ? sb_json_str_of(sb_json_get(doc, "softbench"), "command") : NULL;
    const struct sb_jnode *build = doc ? sb_json_get(doc, "build") : NULL,
                          *mach = doc ? sb_json_get(doc, "machine") : NULL,
                          *list = doc ? sb_json_get(doc, "kernels") : NULL;
    codegen_flags(flags, sizeof flags);
    const char *bc = sb_json_str_of(build, "compiler"), *bf = sb_json_str_of(build, "codegen_flags");
    const char *bcpu = sb_json_str_of(mach, "cpu"), *bisa = sb_json_str_of(mach, "isa_usable");
    if (doc == NULL)
        rc = sb_usage_error("check: %s: %s", o.file, err);
    else if (cmd == NULL || strcmp(cmd, "baseline") != 0 || list == NULL || list->type != SB_JARR)
        rc = sb_usage_error("check: %s is not a softbench baseline", o.file);
    else if (!same_gate(doc))
        rc = sb_usage_error("check: %s was written by another softbench version (format or "
                            "inputs differ); write it again with softbench baseline --write",
                            o.file);
    else if (!o.no_insns && (bc == NULL || bf == NULL || strcmp(bc, sb_build_compiler()) != 0 ||
                             strcmp(bf, flags) != 0))
        rc = sb_usage_error("check: the baseline comes from another build (%s, %s; this is %s, "
                            "%s): instruction counts are not comparable; write it again or use "
                            "--no-instructions",
                            bc ? bc : "?", bf ? bf : "?", sb_build_compiler(), flags);
    else if (!o.no_insns && (sb_json_str_of(build, "libc") == NULL ||
                             strcmp(sb_json_str_of(build, "libc"), gnu_get_libc_version()) != 0))
        rc = sb_usage_error("check: the baseline comes from another C library (glibc %s; this is "
                            "%s): the scalar kernels' instruction counts include its exp; write "
                            "it again or use --no-instructions",
                            sb_json_str_of(build, "libc") ? sb_json_str_of(build, "libc") : "?",
                            gnu_get_libc_version());
    else if (!o.no_time && (bcpu == NULL || bisa == NULL || strcmp(bcpu, sb_cpu_model()) != 0 ||
                            strcmp(bisa, softmax_isa_name(softmax_isa_available())) != 0))
        rc = sb_usage_error("check: the baseline comes from another CPU (%s, %s; this is %s, %s): "
                            "times are not comparable; use --no-time",
                            bcpu ? bcpu : "?", bisa ? bisa : "?", sb_cpu_model(),
                            softmax_isa_name(softmax_isa_available()));
    if (rc != 0) {
        sb_json_free(doc);
        sb_list_free(&o.kernels, 0);
        return rc;
    }
    printf("softbench check: %s against %s\n", sb_build_compiler(), o.file);
    printf("rules: accuracy no worse at all; instructions +%.2f%% at most; time +%.1f%% and "
           "Mann-Whitney p < 0.01 (%s)\n\n",
           100 * o.tol.insn_tol, 100 * o.tol.time_tol,
           o.no_time ? "not checked" : o.strict_time ? "a failure" : "a warning");
    struct sb_gate_opts go = {1, !o.no_insns, o.no_time ? 0 : o.rounds};
    size_t nreg = 0, nwarn = 0, nok = 0, nskip = 0;
    char summary[2048] = "";
    const struct sb_jnode *bf_fma = sb_json_get(build, "libm_fma");
    int same_libm = bf_fma != NULL && bf_fma->type == SB_JBOOL && (bf_fma->num != 0) == libm_fma();
    /* every chosen kernel (default: the library's) must be in the baseline */
    struct sb_list want = {0};
    if (o.kernels.n == 0)
        default_kernels(&want);
    const struct sb_list *chosen_list = o.kernels.n ? &o.kernels : &want;
    for (size_t i = 0; i < chosen_list->n; i++) {
        const struct softmax_kernel *k = chosen_list->v[i];
        int found = 0;
        for (const struct sb_jnode *e = list->child; e != NULL && !found; e = e->next)
            found = sb_json_str_of(e, "name") != NULL && strcmp(sb_json_str_of(e, "name"), k->name) == 0;
        if (found)
            continue;
        if (o.kernels.n > 0) {
            rc = sb_usage_error("check: %s is not in the baseline %s", k->name, o.file);
            break;
        }
        printf("%-20s REGRESSED: not in the baseline (a new kernel: make baseline records it)\n",
               k->name);
        nreg++;
        snprintf(summary + strlen(summary), sizeof summary - strlen(summary), "%s%s (not in the baseline)",
                 *summary ? ", " : "", k->name);
    }
    sb_list_free(&want, 0);
    for (const struct sb_jnode *e = list->child; rc == 0 && e != NULL; e = e->next) {
        const char *name = sb_json_str_of(e, "name");
        const struct softmax_kernel *k = NULL;
        for (size_t i = 0; name != NULL && i < sb_kernel_total(); i++)
            if (strcmp(sb_kernel_any(i)->name, name) == 0)
                k = sb_kernel_any(i);
        int chosen = o.kernels.n == 0;
        for (size_t i = 0; k != NULL && i < o.kernels.n; i++)
            chosen |= o.kernels.v[i] == k;
        if (name == NULL || !chosen)
            continue;
        if (k == NULL) {
            printf("%-20s REGRESSED: in the baseline, not in this build\n", name);
            nreg++;
            snprintf(summary + strlen(summary), sizeof summary - strlen(summary), "%s%s (missing)",
                     *summary ? ", " : "", name);
            continue;
        }
        struct sb_gate_figures base, now;
        read_figures(e, &base);
        if (base.measured && base.nacc != sb_gate_case_count()) {
            rc = sb_usage_error("check: %s: %s has %zu accuracy figures, not %zu", o.file, k->name,
                                base.nacc, sb_gate_case_count());
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
        } else {
            printf("%-20s ok (%llu instructions at n=%d%s%s)\n", k->name,
                   (unsigned long long)now.insns, SB_GATE_INSN_N,
                   libm_note ? ", not compared: glibc's exp differs between the two CPUs" : "",
                   now.rounds ? ", time as before" : "");
            nok++;
        }
    }
    sb_json_free(doc);
    sb_list_free(&o.kernels, 0);
    if (rc != 0)
        return rc;
    printf("\ncheck: %zu ok, %zu regressed, %zu skipped, %zu timing warnings\n", nok, nreg, nskip,
           nwarn);
    if (nreg > 0)
        printf("regressed: %s\n", summary);
    return nreg > 0 ? SB_EXIT_FAIL : SB_EXIT_OK;
}
