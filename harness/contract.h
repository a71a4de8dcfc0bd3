/* contract.h - the edge-case contract and the mathematical properties, as
 * executable cases. One engine serves `softbench edge`, the tests and the
 * report: each case runs one kernel and says pass or fail, and on failure
 * shows the offending input and output. docs/contract.md,
 * is the same list in prose. */
#ifndef SB_CONTRACT_H
#define SB_CONTRACT_H

#include <stddef.h>

#include "softmax.h"

struct sb_case_result {
    int pass;
    int bound_only;   /* every failure was an error beyond a declared bound */
    char detail[768]; /* on failure: the input, the output, what was wanted */
    const char *mark; /* softbench edge's word for it: pass, FAIL, fail*, ulp*, SKIP */
};

struct sb_case {
    const char *name; /* short, for the matrix */
    const char *rule; /* the input and what a safe kernel must output */
    void (*run)(const struct softmax_kernel *k, struct sb_case_result *r);
};

size_t sb_case_count(void);
const struct sb_case *sb_case_at(size_t i);
const struct sb_case *sb_case_find(const char *name);

/* Runs one case; result->pass is 1 or 0. The guard-page case maps memory
 * and may end the process on a kernel's out-of-bounds access; it names the
 * kernel and n on stderr first. */
void sb_case_run(const struct sb_case *c, const struct softmax_kernel *k,
                 struct sb_case_result *result);
/* Frees what the cases keep between runs (the properties' references, which
 * every kernel of a run shares); the next run computes them again. */
void sb_case_release(void);

#endif
