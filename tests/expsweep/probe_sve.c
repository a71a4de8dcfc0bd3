/* tests/expsweep/probe_sve.c - the sve layer's exponentials (probe_body.h). */
#include "sve/dvec_sve.h"

#define SBP_ISA SOFTMAX_ISA_SVE
#define SBP_NAME "sve"
#define SBP_FN(x) sbp_sve_##x
#define SBP_LIST sb_probes_sve
#define SBP_DEXP_BOUND 0x1.52p-39 /* 2^-38.6 */
#include "probe_body.h"
