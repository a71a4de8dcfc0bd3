/* cli.h - what the softbench subcommands share: error reporting, parsing of
 * kernel, size, temperature and dataset lists, and output helpers. */
#ifndef SB_CLI_H
#define SB_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "datasets.h"
#include "jsonio.h"
#include "softmax.h"
#include "vecio.h"

#define SB_EXIT_OK 0
#define SB_EXIT_FAIL 1
#define SB_EXIT_USAGE 2
#define SB_MAX_N ((size_t)1 << 28)

/* Prints "softbench: error: ..." as one line on stderr; returns SB_EXIT_USAGE. */
int sb_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct sb_list {
    void **v;
    size_t n, cap;
};
int sb_list_push(struct sb_list *l, void *p);
void sb_list_free(struct sb_list *l, int free_items);

/* Each takes a comma-separated list (the option may repeat) and appends;
 * return 0, or print the error and return SB_EXIT_USAGE. */
/* also "all" (softmax kernels, peers and plugin kernels), "safe", "peers",
 * "plugins" (every kernel of the plugins loaded), "log" (the log-softmax
 * kernels) and "logof" (peers.h) */
int sb_parse_kernels(const char *arg, struct sb_list *out);
int sb_parse_sizes(const char *arg, struct sb_list *out);    /* N or A-B, as size_t* */
int sb_parse_temps(const char *arg, struct sb_list *out);    /* > 0, "inf" ok; float* */
int sb_parse_datasets(const char *arg, struct sb_list *out); /* sb_dataset_spec* */
int sb_parse_seed(const char *arg, uint64_t *seed);
/* ROWSxCOLS[:MASK], each >= 1, rows * cols at most SB_MAX_SHAPE, MASK causal,
 * rows or causal+rows (as --mask, for this shape); struct sb_shape* */
#define SB_MAX_SHAPE ((size_t)1 << 29)
struct sb_shape {
    size_t rows, cols;
    int mask; /* SB_MASK_*: a ":causal", ":rows" or ":causal+rows" suffix */
};
int sb_parse_shapes(const char *arg, struct sb_list *out);
/* thread counts, 1 to SOFTMAX_POOL_MAX; unsigned* */
int sb_parse_threads(const char *arg, struct sb_list *out);
/* --mask: a comma-separated list of causal (in each block of cols rows, row
 * q keeps columns <= q, attention's mask) and rows (every 8th row fully
 * masked: padding in a batch), or none. */
#define SB_MASK_CAUSAL 1
#define SB_MASK_ROWS 2
int sb_parse_mask(const char *arg, int *mask);
/* Writes -inf where the mask says, rows x cols at row stride ld. */
void sb_apply_mask(float *x, size_t rows, size_t cols, size_t ld, int mask);
/* f32, bf16 or f16. */
int sb_parse_dtype(const char *arg, enum softmax_dtype *t);
/* "causal,rows", "causal", "rows" or "none". */
const char *sb_mask_name(int mask);

/* A copy of a kernel's record whose declared bound is scaled by s (for
 * --bound-scale: how tight is a bound?). */
struct softmax_kernel sb_scaled_kernel(const struct softmax_kernel *k, double s);
/* Parses --bound-scale's value: finite and > 0. */
int sb_parse_scale(const char *arg, double *s);
/* A rounding mode's name (nearest, upward, downward, towardzero) as its
 * FE_* value; sb_round_name the reverse ("?" for another value). */
int sb_parse_round(const char *arg, int *mode);
const char *sb_round_name(int mode);

/* s as a quoted CSV field, inner quotes doubled. */
void sb_csv_str(FILE *f, const char *s);

/* A document's head (keys.h): {"softbench": {"command": command, "format":
 * format}, "machine": machine}, machine taken; NULL gives the short one,
 * {"cpu": ..., "isa": usable ISA}. NULL when memory ran out. */
json_t *sb_jhead(const char *command, int format, json_t *machine);
/* Writes doc (taken) into o and closes it: the file appears whole, or not
 * at all and -1 with the reason in err (a NULL doc: memory ran out). */
int sb_jout_close(struct sb_out *o, json_t *doc, char *err, size_t errlen);

/* The machine line shared by every output: CPU model and available ISA. */
const char *sb_cpu_model(void);
/* 1 when this process runs under a user-mode emulator (qemu-user): its
 * times measure the emulator, not a CPU. */
int sb_emulated(void);
/* The CPU's name from a cpuinfo file (path): x86's "model name"; for an
 * aarch64 process (aarch64 nonzero) the core's name from the MIDR fields,
 * or the numbers where the core is not known, or "aarch64 under qemu-user
 * on HOST" where the file is an x86 host's. "unknown CPU" without one. */
void sb_cpu_model_of(const char *path, int aarch64, char *out, size_t len);

int sb_cmd_list(int argc, char **argv);
int sb_cmd_verify(int argc, char **argv);
int sb_cmd_run(int argc, char **argv);
int sb_cmd_datasets(int argc, char **argv);
int sb_cmd_edge(int argc, char **argv);
int sb_cmd_bench(int argc, char **argv);
int sb_cmd_loop(int argc, char **argv);
int sb_cmd_crosscheck(int argc, char **argv);
int sb_cmd_bhh(int argc, char **argv);
int sb_cmd_verify64(int argc, char **argv);
int sb_cmd_report(int argc, char **argv);
int sb_cmd_baseline(int argc, char **argv);
int sb_cmd_check(int argc, char **argv);
/* What check reads of a baseline (the head, the gate's inputs, each
 * kernel's figures), on a parsed document, with each kernel's figures to
 * each (if not NULL); 0, or -1 with the first error in r. For the fuzz
 * target tests/fuzz/fuzz_baseline.c: check itself reads a kernel's figures
 * only when it compares that kernel. */
struct sb_gate_figures;
int sb_baseline_read(struct sb_jr *r, const json_t *doc,
                     void (*each)(const char *name, const struct sb_gate_figures *g, void *ctx),
                     void *ctx);

#endif
