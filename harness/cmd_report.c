/* cmd_report.c - softbench report: saved results into a report folder.
 *
 * Inputs are the JSON files of list, verify, edge and bench, or the
 * results.json of earlier reports; they are grouped by machine (CPU model
 * and usable ISA). Output, written beside the target and renamed into place
 * whole: index.html, report.md, results.json (the inputs and every derived
 * figure), CSV files, data/ (what the plots draw) and the plots, SVG and PNG,
 * drawn by the gnuplot scripts in reports/. With two machines or more it adds
 * the cross-machine table (CPU x size band -> fastest safe kernel) and an
 * overlaid plot. This file is the command: its options and the order of the
 * work; the work is in report/ (report/report.h says which file does what). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "jsonio.h"
#include "report/report.h"

static const char help[] =
    "usage: softbench report [--out DIR] [--ulp-budget U] [--baseline KERNEL]\n"
    "                        [--scripts DIR] FILE.json...\n"
    "\n"
    "Builds a report from saved results, running nothing: FILE.json are the\n"
    "--json outputs of softbench list, verify, edge and bench, or results.json\n"
    "files of earlier reports (any mix; grouped by machine: CPU model and\n"
    "usable ISA). Several machines give a cross-machine report.\n"
    "\n"
    "  --out DIR        the report folder (default reports/out/report); it must\n"
    "                   not exist yet, and appears whole or not at all\n"
    "  --ulp-budget U   the tight accuracy budget of the recommendation, in ULP\n"
    "                   (default 4)\n"
    "  --baseline K     the speed-up plot's baseline (default peer.libm, else\n"
    "                   scalar.threepass)\n"
    "  --scripts DIR    where the gnuplot scripts are (default: reports/ beside\n"
    "                   the build folder of this binary)\n"
    "\n"
    "Writes index.html, report.md, results.json, verify.csv, bench.csv,\n"
    "edge.csv, recommendation.csv, data/ and the plots (SVG and PNG).\n"
    "exit: 0 written, 2 bad input or gnuplot failed (nothing written)\n";

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = sb_rep_path_in(dir, e->d_name);
            if (p == NULL)
                continue;
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                rm_tree(p);
            else
                unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* The scripts' folder: --scripts, else reports/ up from the binary. */
static char *find_scripts(const char *given)
{
    if (given != NULL)
        return realpath(given, NULL);
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return NULL;
    exe[len] = 0;
    for (int up = 0; up < 4; up++) {
        char *slash = strrchr(exe, '/');
        if (slash == NULL)
            break;
        *slash = 0;
        char probe[PATH_MAX + 32];
        snprintf(probe, sizeof probe, "%s/reports/time.gp", exe);
        if (access(probe, R_OK) == 0) {
            snprintf(probe, sizeof probe, "%s/reports", exe);
            return strdup(probe);
        }
    }
    return NULL;
}

static int write_all(struct report *r)
{
    char *data = sb_rep_path_in(r->dir, "data");
    if (data == NULL || mkdir(data, 0777) != 0) {
        free(data);
        return sb_usage_error("report: cannot create %s/data: %s", r->dir, strerror(errno));
    }
    int rc = 0;
    char err[PATH_MAX + 256];
    for (size_t i = 0; i < r->nm && rc == 0; i++) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "m%zu-", i + 1);
        rc = sb_rep_write_plot_data(r, &r->m[i], data, prefix, err, sizeof err);
        for (size_t p = 0; p < NPLOTS && rc == 0; p++)
            if (r->m[i].plot_ok[p])
                rc = sb_rep_draw(r, prefix, sb_rep_plot_scripts[p], err, sizeof err);
    }
    if (rc == 0 && r->nm > 1 && sb_rep_timed_machines(r) > 0) {
        rc = sb_rep_write_cross_data(r, data) != 0
                 ? sb_rep_fail(err, sizeof err, "report: cannot write the plot data in %s", data)
                 : sb_rep_draw(r, "", "cross", err, sizeof err);
    }
    free(data);
    if (rc != 0)
        return sb_usage_error("%s", err);
    static const char *names[] = {"results.json", "index.html", "report.md",         "verify.csv",
                                  "bench.csv",    "edge.csv",   "recommendation.csv"};
    FILE *f[7];
    int ok = 1;
    for (int i = 0; i < 7; i++) {
        f[i] = sb_rep_open_in(r->dir, names[i]);
        ok = ok && f[i] != NULL;
    }
    if (ok) {
        json_t *res = sb_rep_results(r);
        ok = res != NULL && sb_jwrite(f[0], res) == 0;
        json_decref(res);
        sb_rep_write_doc(f[1], r, SB_HTML);
        sb_rep_write_doc(f[2], r, SB_MD);
        sb_rep_write_csvs(r, f[3], f[4], f[5], f[6]);
    }
    for (int i = 0; i < 7; i++)
        if (f[i] != NULL)
            ok = fclose(f[i]) == 0 && ok;
    return ok ? 0 : sb_usage_error("report: cannot write the report in %s", r->dir);
}

int sb_cmd_report(int argc, char **argv)
{
    static const struct option lo[] = {{"out", required_argument, 0, 'o'},
                                       {"ulp-budget", required_argument, 0, 'u'},
                                       {"baseline", required_argument, 0, 'b'},
                                       {"scripts", required_argument, 0, 's'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    struct report r = {.budget = 4.0};
    const char *out = "reports/out/report", *scripts = NULL;
    int c, rc = 0;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'u': {
            char *end;
            r.budget = strtod(optarg, &end);
            if (*optarg == 0 || *end != 0 || !(r.budget >= 0) || isinf(r.budget))
                rc = sb_usage_error("report: --ulp-budget wants a number >= 0, not '%s'", optarg);
            break;
        }
        case 'b': r.baseline = optarg; break;
        case 's': scripts = optarg; break;
        case 'h': fputs(help, stdout); return SB_EXIT_OK;
        case ':': rc = sb_usage_error("report: option '%s' needs a value", argv[optind - 1]); break;
        default: rc = sb_usage_error("report: unknown option '%s'", argv[optind - 1]); break;
        }
    }
    if (rc == 0 && optind >= argc)
        rc = sb_usage_error("report: no result files given (softbench report --help)");
    struct stat st;
    if (rc == 0 && stat(out, &st) == 0)
        rc = sb_usage_error("report: %s exists already; give a new folder with --out", out);
    char *sdir = rc == 0 ? find_scripts(scripts) : NULL;
    if (rc == 0 && sdir == NULL)
        rc = sb_usage_error("report: cannot find the gnuplot scripts (reports/*.gp); give "
                            "--scripts DIR");
    if (rc == 0 && strchr(sdir, '\'') != NULL)
        rc = sb_usage_error("report: the scripts' path may not hold a quote: %s", sdir);
    r.scripts = sdir;
    size_t nfiles = rc == 0 ? (size_t)(argc - optind) : 0;
    json_t **docs = calloc(nfiles + 1, sizeof *docs);
    if (rc == 0 && docs == NULL)
        rc = sb_usage_error("out of memory");
    for (size_t i = 0; rc == 0 && i < nfiles; i++) {
        char err[512];
        docs[i] = sb_jload(argv[optind + i], err, sizeof err);
        if (docs[i] == NULL)
            rc = sb_usage_error("report: %s", err);
        else if (sb_rep_add_file(&r, docs[i], argv[optind + i], err, sizeof err) != 0)
            rc = sb_usage_error("%s", err);
    }
    for (size_t i = 0; rc == 0 && i < r.nm; i++) {
        char err[512];
        if (sb_rep_digest(&r.m[i], err, sizeof err) != 0)
            rc = sb_usage_error("%s", err);
        else
            sb_recommend(&r.m[i].d, r.budget, r.m[i].rec);
    }
    /* written beside the target, renamed into place whole */
    if (rc == 0) {
        size_t len = strlen(out) + 32;
        r.dir = malloc(len);
        if (r.dir == NULL)
            rc = sb_usage_error("out of memory");
        else {
            snprintf(r.dir, len, "%s.tmp.%ld", out, (long)getpid());
            if (mkdir(r.dir, 0777) != 0)
                rc = sb_usage_error("report: cannot create %s: %s", r.dir, strerror(errno));
            else {
                rc = write_all(&r);
                if (rc == 0 && rename(r.dir, out) != 0)
                    rc = sb_usage_error("report: cannot rename %s to %s: %s", r.dir, out,
                                        strerror(errno));
                if (rc != 0)
                    rm_tree(r.dir);
            }
        }
    }
    if (rc == 0) {
        printf("report: %s/index.html, report.md, results.json (%zu machine%s)\n", out, r.nm,
               r.nm == 1 ? "" : "s");
        for (size_t i = 0; i < r.nm; i++)
            for (int b = 0; b < SB_NBANDS; b++) {
                const struct sb_rec *cr = &r.m[i].rec[b][0];
                if (cr->k != NULL)
                    printf("  %s: %s -> %s (%.3f ns per element)\n", r.m[i].cpu, sb_bands[b].name,
                           cr->k->name, cr->ns);
                else
                    printf("  %s: %s -> none (%s)\n", r.m[i].cpu, sb_bands[b].name,
                           r.m[i].d.emulated ? "emulated: times under qemu recommend nothing"
                                             : "no candidate measured there");
            }
    }
    sb_rep_free(&r);
    for (size_t i = 0; i < nfiles; i++)
        json_decref(docs[i]);
    free(docs);
    free(sdir);
    free(r.dir);
    return rc;
}
