/* gate.h - the regression gate behind softbench baseline and check: a
 * kernel's figures, measured so that a rerun of an unchanged build gives the
 * same ones (accuracy, contract, instruction counts) or ones whose noise is
 * recorded with them (time as a ratio to the copy floor of the same run),
 * and the rules that compare two sets of figures.
 *
 * Instruction counts: the kernel runs in a child process under ptrace,
 * single-stepped through one call (after an untimed warm-up call, so lazy
 * symbol binding is not counted): an exact count of the instructions it
 * retired, the same on a loaded machine, on any x86-64 CPU that runs the
 * same binary down the same path. valgrind would give the same kind of
 * figure but cannot run AVX-512; hardware counters (perf) are often absent
 * in virtual machines, as on the development machine. */
#ifndef SB_GATE_H
#define SB_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "softmax.h"

/* The inputs every kernel's accuracy is recorded on. */
struct sb_gate_case {
    const char *dataset; /* a dataset spec (datasets.h) */
    size_t n;
    float T;
};
size_t sb_gate_case_count(void);
const struct sb_gate_case *sb_gate_case_at(size_t i);

#define SB_GATE_INSN_N 1000 /* the input instructions are counted on (normal) */
#define SB_GATE_TIME_N 4096 /* and timed on, in cache */
#define SB_GATE_MAX_ROUNDS 64
#define SB_GATE_MAX_EDGE 64
#define SB_GATE_MAX_CASES 16 /* gate.c asserts its case table fits */

struct sb_gate_acc {
    double max_ulp, sum_err;
    int ok; /* within the declared bound (or, for peers, reported only: 1) */
};

struct sb_gate_figures {
    int measured;                              /* 0: the CPU cannot run the kernel */
    struct sb_gate_acc acc[SB_GATE_MAX_CASES]; /* one per case */
    size_t nacc;
    const char *edge_failed[SB_GATE_MAX_EDGE]; /* names of the contract cases failed */
    size_t nedge_failed;
    uint64_t insns;                   /* 0: not counted */
    double ratio[SB_GATE_MAX_ROUNDS]; /* time / floor.rw time, one per round */
    size_t rounds;                    /* 0: not timed */
};

struct sb_gate_opts {
    int accuracy, instructions; /* what to measure (both deterministic) */
    size_t rounds;              /* timing rounds; 0: no timing */
};

/* Measures a kernel; 0, or -1 with a reason in err (the reference failed,
 * out of memory, ptrace refused). */
int sb_gate_measure(const struct softmax_kernel *k, const struct sb_gate_opts *o,
                    struct sb_gate_figures *f, char *err, size_t errlen);

/* Instructions retired by one call of k on x (n, T), counted under ptrace;
 * 0, or -1 with a reason. */
int sb_gate_count_insns(const struct softmax_kernel *k, const float *x, size_t n, float T,
                        uint64_t *count, char *err, size_t errlen);

/* The rules. Accuracy may not get worse at all: per case, max ULP and
 * |sum - 1| no larger than recorded and a case within its bound stays
 * within it; no contract case may newly fail. Instructions may grow by at
 * most insn_tol (a fraction). Time: a regression when the median ratio
 * exceeds the recorded median by more than time_tol (a fraction) and a
 * one-sided Mann-Whitney U test says the new ratios are larger at p < 0.01. */
struct sb_gate_tol {
    double insn_tol, time_tol;
};
#define SB_GATE_INSN_TOL 0.01
#define SB_GATE_TIME_TOL 0.10

struct sb_gate_verdict {
    int acc_regressed, edge_regressed, insn_regressed, time_regressed;
    char detail[1024]; /* every regressed figure, with its evidence */
};
void sb_gate_compare(const struct sb_gate_figures *base, const struct sb_gate_figures *now,
                     const struct sb_gate_tol *tol, struct sb_gate_verdict *v);

/* One-sided Mann-Whitney U test that b's values tend to exceed a's: the
 * p-value by the normal approximation with a continuity correction and the
 * tie correction (k of 8 or more each is where it is meant for). */
double sb_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);

#endif
