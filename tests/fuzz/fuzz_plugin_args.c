/* fuzz_plugin_args.c - sb_plugin_scan, the scanner of the options every
 * command takes (--plugin, --plugin-timeout, --plugin-failures): the input,
 * split at newlines, is argv[1..]. Beyond no crash: a refusal is one
 * "softbench: error: " line; a success leaves the other arguments in order
 * and none of the options before a "--", takes a timeout in (0, 86400], and
 * the values taken, written back as options, scan to the same values. */
#include <math.h>

#include "cli.h"
#include "fuzz.h"
#include "plugin.h"

#define MAXARGS 40

static int scan(int *argc, char **argv, struct sb_plugin_args *a)
{
    struct fz_capture c;
    fz_capture_begin(&c);
    int rc = sb_plugin_scan(argc, argv, a);
    char *msg = fz_capture_end(&c);
    FZ_CHECK(rc == 0 || rc == SB_EXIT_USAGE, "rc %d", rc);
    FZ_CHECK(rc == 0 ? msg[0] == '\0'
                     : strncmp(msg, "softbench: error: ", 18) == 0 &&
                           strchr(msg, '\n') == msg + strlen(msg) - 1,
             "rc %d, message '%s'", rc, msg);
    free(msg);
    return rc;
}

static int is_option(const char *s)
{
    static const char *const o[] = {"--plugin", "--plugin-timeout", "--plugin-failures"};
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(o[i]);
        if (strncmp(s, o[i], l) == 0 && (s[l] == '\0' || s[l] == '='))
            return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fz_cstr(data, size);
    char *argv[MAXARGS + 1], *orig[MAXARGS + 1];
    int argc = 1;
    argv[0] = "softbench";
    for (char *p = text, *nl; argc < MAXARGS && p != NULL; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl != NULL)
            *nl = '\0';
        argv[argc++] = p;
    }
    argv[argc] = NULL;
    memcpy(orig, argv, sizeof argv);
    int n0 = argc;
    struct sb_plugin_args a;
    if (scan(&argc, argv, &a) == 0) {
        FZ_CHECK(argc <= n0 && argv[argc] == NULL, "argc %d of %d", argc, n0);
        FZ_CHECK(a.timeout > 0 && a.timeout <= 86400 && a.n <= SB_PLUGIN_MAX, "timeout %g, %zu",
                 a.timeout, a.n);
        /* what is left is a subsequence of the input, in order */
        int j = 1, dashes = 0;
        for (int i = 1; i < argc; i++) {
            while (j < n0 && orig[j] != argv[i])
                j++;
            FZ_CHECK(j < n0, "argument %d ('%s') is not the input's, in order", i, argv[i]);
            j++;
            dashes |= strcmp(argv[i], "--") == 0;
            FZ_CHECK(dashes || !is_option(argv[i]), "option '%s' left in argv", argv[i]);
        }
        for (size_t i = 0; i < a.n; i++)
            FZ_CHECK(a.paths[i][0] != '\0', "an empty path taken");
        /* written back, scanned again: the same values */
        char tbuf[64];
        snprintf(tbuf, sizeof tbuf, "%.17g", a.timeout);
        char *back[2 * SB_PLUGIN_MAX + 8];
        int nb = 0;
        back[nb++] = "softbench";
        for (size_t i = 0; i < a.n; i++) {
            back[nb++] = "--plugin";
            back[nb++] = (char *)a.paths[i];
        }
        back[nb++] = "--plugin-timeout";
        back[nb++] = tbuf;
        back[nb++] = "--plugin-failures";
        back[nb++] = (char *)a.fail_dir;
        back[nb] = NULL;
        struct sb_plugin_args b;
        FZ_CHECK(scan(&nb, back, &b) == 0 && nb == 1, "the values written back refused");
        FZ_CHECK(b.n == a.n && b.timeout == a.timeout && strcmp(b.fail_dir, a.fail_dir) == 0,
                 "scanned again: %zu %g '%s' against %zu %g '%s'", b.n, b.timeout, b.fail_dir, a.n,
                 a.timeout, a.fail_dir);
        for (size_t i = 0; i < a.n; i++)
            FZ_CHECK(strcmp(a.paths[i], b.paths[i]) == 0, "path %zu", i);
    }
    free(text);
    return 0;
}
