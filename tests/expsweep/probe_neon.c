/* tests/expsweep/probe_neon.c - the neon layer's exponentials (probe_body.h). */
#include "neon/dvec_neon.h"

#define SBP_ISA SOFTMAX_ISA_NEON
#define SBP_NAME "neon"
#define SBP_FN(x) sbp_neon_##x
#define SBP_LIST sb_probes_neon
#define SBP_DEXP_BOUND 0x1.52p-39 /* 2^-38.6 */
#include "probe_body.h"
