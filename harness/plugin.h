/* plugin.h - kernels from plugins (kernels/softbench_plugin.h): loading,
 * checking the records, and the isolated calls (docs/plugins.md). */
#ifndef SB_PLUGIN_H
#define SB_PLUGIN_H

#include <stddef.h>

#include "softmax.h"

/* Statuses an isolated call returns besides the kernel's own. */
#define SB_PLUGIN_ECRASH -64 /* killed by a signal (a guard page among them) */
#define SB_PLUGIN_EHANG -65  /* over the time limit, killed */
#define SB_PLUGIN_EEXIT -66  /* the child exited instead of returning */
#define SB_PLUGIN_ESETUP -67 /* the child or its memory could not be had */
#define SB_PLUGIN_MAX 64     /* kernels over every plugin loaded */

/* Loads the plugin at path: 0, or -1 with one line in err (no such file,
 * no entry point, ABI mismatch, a malformed or duplicate record). */
int sb_plugin_load(const char *path, char *err, size_t errlen);
/* Takes out of argv[1..] (argc updated, the rest in order; nothing after
 * "--") the options every command accepts: --plugin PATH (repeatable, at
 * most SB_PLUGIN_MAX), --plugin-timeout SECONDS (in (0, 86400], default
 * 10) and --plugin-failures DIR (default softbench-failures), each also as
 * --OPTION=VALUE, a value never empty. 0, or SB_EXIT_USAGE after the error
 * line. */
struct sb_plugin_args {
    const char *paths[SB_PLUGIN_MAX];
    size_t n;
    double timeout;
    const char *fail_dir;
};
int sb_plugin_scan(int *argc, char **argv, struct sb_plugin_args *a);
/* sb_plugin_scan, then the settings taken and the plugins loaded. */
int sb_plugin_options(int *argc, char **argv);

/* Ends the plugin kernels' child processes (main calls it at exit). */
void sb_plugin_release(void);

size_t sb_plugin_count(void);
const struct softmax_kernel *sb_plugin_at(size_t i);
int sb_is_plugin(const struct softmax_kernel *k);
/* 1 for a plugin record that declares a bound (judged like ours). */
int sb_plugin_judged(const struct softmax_kernel *k);

/* Writes the input of k's last isolated call (a plugin kernel; else
 * nothing) where `softbench run` replays it, with a line on stderr saying
 * what it failed: for a wrong answer, which the harness judges after the
 * call. Once per input. */
void sb_plugin_save_last(const struct softmax_kernel *k, const char *what);

/* Timing mode (bench, loop, check's times): a call on the same x, n and T
 * as an isolated call that succeeded runs in the calling process, so the
 * time is the kernel's, not a fork's. Off: every call is isolated. */
void sb_plugin_set_vetted(int on);

/* softmax_strerror, and the isolated calls' statuses. */
const char *sb_status_str(int status);

#endif
