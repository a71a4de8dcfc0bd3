/* tests/expsweep/probe_avx512.c - the avx512 layer's exponentials (probe_body.h). */
#include "avx512/dvec_avx512.h"

#define SBP_ISA SOFTMAX_ISA_AVX512
#define SBP_NAME "avx512"
#define SBP_FN(x) sbp_avx512_##x
#define SBP_LIST sb_probes_avx512
#define SBP_DEXP_BOUND 0x1.84p-38 /* 2^-37.4 */
#include "probe_body.h"
