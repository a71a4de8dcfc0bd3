/* tests/expsweep/probe_avx2.c - the avx2 layer's exponentials (probe_body.h). */
#include "avx2/dvec_avx2.h"

#define SBP_ISA SOFTMAX_ISA_AVX2
#define SBP_NAME "avx2"
#define SBP_FN(x) sbp_avx2_##x
#define SBP_LIST sb_probes_avx2
#define SBP_DEXP_BOUND 0x1.52p-39 /* 2^-38.6 */
#include "probe_body.h"
