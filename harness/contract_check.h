/* contract_check.h - the checks the contract's cases share (contract.c):
 * running a kernel, comparing its output exactly or within its declared
 * bound of the MPFR reference, and recording the first failure with the
 * offending input and output. Internal to contract.c and contract_check.c. */
#ifndef SB_CONTRACT_CHECK_H
#define SB_CONTRACT_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "contract.h"
#include "reference.h"

/* The case sb_case_run is running, and on which kernel. */
extern const struct softmax_kernel *ct_current_kernel;
extern const char *ct_current_case;

/* Records a failure (the first one's text is kept); ct_fail_bound marks one
 * that is only an error beyond the declared bound (or, for a kernel that
 * declares none, any error), so a peer's plain inaccuracy is told apart
 * from a broken rule. */
void ct_fail(struct sb_case_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ct_fail_bound(struct sb_case_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

int ct_same_bits(float a, float b); /* bitwise, NaN matching any NaN */
/* "[a, b, c, ... (n=300)]" with at most 6 values, %.9g. */
const char *ct_vec(char *buf, size_t len, const float *v, size_t n);
float *ct_alloc(size_t n); /* n + 1 floats (n = 0 is not NULL) */
void ct_gen(const char *spec, float *x, size_t n, uint64_t seed);
int ct_is_log(const struct softmax_kernel *k);
/* The reference for the kernel's output: softmax or log-softmax. */
int ct_ref_of(const struct softmax_kernel *k, const float *x, size_t n, float T, float *ref,
              struct sbref_info *info);
/* Runs the kernel; a non-OK status is a failure. 1 when it ran. */
int ct_call(const struct softmax_kernel *k, const float *x, float *y, size_t n, float T,
            struct sb_case_result *r);

/* y must equal want (the softmax) bit for bit; a log kernel is held to its
 * log (ct_expect_log). */
void ct_expect_exact(const struct softmax_kernel *k, const float *x, size_t n, float T,
                     const float *want, struct sb_case_result *r);
/* y within the bound of the reference; the output (caller frees) or NULL,
 * and the reference too when ref_out is not NULL. */
float *ct_expect_bound_ref(const struct softmax_kernel *k, const float *x, size_t n, float T,
                           struct sb_case_result *r, float **ref_out);
float *ct_expect_bound(const struct softmax_kernel *k, const float *x, size_t n, float T,
                       struct sb_case_result *r);
/* The log-softmax contract for a case whose softmax is exactly want. */
void ct_expect_log(const struct softmax_kernel *k, const float *x, size_t n, float T,
                   const float *want, struct sb_case_result *r);
void ct_check_bound(const struct softmax_kernel *k, const float *x, size_t n, float T,
                    struct sb_case_result *r);

/* The guard case: buffers against PROT_NONE pages, run in a child process
 * so that a fault is a failure with its context, not the end of the run. */
void ct_case_guard(const struct softmax_kernel *k, struct sb_case_result *r);

#endif
