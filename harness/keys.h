/* keys.h - the key names of the JSON files softbench writes and reads back,
 * one definition each, so a writer and a reader cannot drift apart (a
 * missing key is an error naming it: jsonio.h). Grouped by the document that
 * holds them; a key several documents share is listed once, first. The
 * documents are described in docs/commands.md. */
#ifndef SB_KEYS_H
#define SB_KEYS_H

/* every document: {"softbench": {"command": C, "format": F}, "machine": {...}} */
#define SBK_SOFTBENCH "softbench"
#define SBK_COMMAND "command"
#define SBK_FORMAT "format"
#define SBK_MACHINE "machine"
#define SBK_CPU "cpu"
#define SBK_ISA "isa"

/* bench's machine object (bench.c) */
#define SBK_FAMILY "family"
#define SBK_MODEL "model"
#define SBK_STEPPING "stepping"
#define SBK_FLAGS "flags"
#define SBK_EMULATED "emulated"
#define SBK_ISA_USABLE "isa_usable"
#define SBK_CORES "cores"
#define SBK_CACHE_BYTES "cache_bytes"
#define SBK_TSC_HZ "tsc_hz"
#define SBK_COMPILER "compiler"
#define SBK_CFLAGS "cflags"
#define SBK_COMMIT "commit"
#define SBK_DATE "date"
#define SBK_OS "os"
/* cache_bytes' members */
#define SBK_L1D "L1d"
#define SBK_L2 "L2"
#define SBK_L3 "L3"

/* list */
#define SBK_BUILD "build"
#define SBK_PEERS "peers"
#define SBK_PEERS_MISSING "peers_missing"
#define SBK_KERNELS "kernels"
#define SBK_LOG_KERNELS "log_kernels"
#define SBK_NAME "name"
#define SBK_ALGORITHM "algorithm"
#define SBK_RUNS "runs"
#define SBK_SAFE "safe"
#define SBK_PEER "peer"
#define SBK_OUTPUT "output"
#define SBK_BOUND "bound"
#define SBK_BATCHED "batched"
#define SBK_SUMMARY "summary"
#define SBK_REASON "reason"
/* a kernel's declared bound */
#define SBK_C0 "c0"
#define SBK_C_ARG "c_arg"
#define SBK_ARG "arg"
#define SBK_C_SUM "c_sum"
#define SBK_SUM "sum"
#define SBK_C_MAG "c_mag"

/* verify, and the rows of bench (the row columns themselves are named in
 * their column tables, verify_rows.c and bench_rows.c, through these;
 * docs/columns.md) */
#define SBK_ROWS "rows"
#define SBK_KERNEL "kernel"
#define SBK_KIND "kind"
#define SBK_DATASET "dataset"
#define SBK_N "n"
#define SBK_T "T"
#define SBK_SEED "seed"
#define SBK_STATUS "status"
#define SBK_MAX_ULP "max_ulp"
#define SBK_WORST_RATIO "worst_ratio"
#define SBK_SUM_ERR "sum_err"
#define SBK_HISTOGRAM "histogram"
#define SBK_EDGES "edges"
#define SBK_COUNTS "counts"
#define SBK_REFERENCE "reference"
#define SBK_BOUND_SCALE "bound_scale"
#define SBK_ROUND "round"
#define SBK_MAX_ULP_AT "max_ulp_at"
#define SBK_MEAN_ULP "mean_ulp"
#define SBK_MEDIAN_ULP "median_ulp"
#define SBK_WORST_AT "worst_at"
#define SBK_N_OVER_BOUND "n_over_bound"
#define SBK_MAX_REL "max_rel"
#define SBK_NORMWISE "normwise"
#define SBK_KL "kl"
#define SBK_ARGMAX_OK "argmax_ok"
#define SBK_FRAC_CR "frac_cr"
/* verify's summary (with "rows", "ok" and "peer") */
#define SBK_XFAIL "xfail"
#define SBK_SKIP "skip"
#define SBK_FAIL "fail"

/* The values of verify's "status" (edge marks a skipped kernel SKIP too):
 * written and compared through these only. */
#define SB_ST_OK "ok"
#define SB_ST_FAIL "FAIL"
#define SB_ST_XFAIL "xfail"
#define SB_ST_PEER "peer"
#define SB_ST_SKIP "SKIP"

/* edge */
#define SBK_CASES "cases"
#define SBK_RULE "rule"
#define SBK_RESULTS "results"
#define SBK_DETAIL "detail"
/* edge's summary (with SBK_FAIL and SBK_SKIP) */
#define SBK_EXPECTED "expected"

/* bench */
#define SBK_PARAMS "params"
#define SBK_MEDIAN_NS "median_ns"
#define SBK_MIN_NS "min_ns"
#define SBK_MAX_NS "max_ns"
#define SBK_MAD_NS "mad_ns"
#define SBK_SAMPLES "samples"
#define SBK_NS_PER_ELEM "ns_per_elem"
#define SBK_REPS "reps"
#define SBK_BYTES_PER_ELEM "bytes_per_elem"
#define SBK_GB_PER_S "gb_per_s"
#define SBK_REF_CYCLES_PER_ELEM "ref_cycles_per_elem"
#define SBK_NOISY "noisy"
#define SBK_PER_CALL_NS "per_call_ns"
/* bench's params */
#define SBK_COLD "cold"
#define SBK_PINNED_CPU "pinned_cpu"
#define SBK_MIN_SAMPLE_S "min_sample_s"
#define SBK_BYTES_PER_ELEMENT "bytes_per_element"
#define SBK_TIMER "timer"
#define SBK_PEERS_INPUT "peers_input"
#define SBK_SKIPPED "skipped"
/* bench --shape */
#define SBK_COLS "cols"
#define SBK_MASK "mask"
#define SBK_THREADS "threads"
#define SBK_DTYPE "dtype"
#define SBK_OUT "out"

/* bhh */
#define SBK_DATA "data"
#define SBK_POINTS "points"
#define SBK_VARIANT "variant"
/* its summary rows (with SBK_FORMAT, SBK_VARIANT) and its points' formats */
#define SBK_OVERFLOW "overflow"
#define SBK_NORMWISE_MEAN "normwise_mean"
#define SBK_NORMWISE_MEDIAN "normwise_median"
#define SBK_NORMWISE_MAX "normwise_max"
#define SBK_ULP_MEDIAN "ulp_median"
#define SBK_ULP_MAX "ulp_max"
#define SBK_WORSE_THAN_SHIFTED "worse_than_shifted"
#define SBK_LSE_MAX "lse_max"
#define SBK_LSE_MEAN "lse_mean"
#define SBK_FP32 "fp32"
#define SBK_BF16 "bf16"
#define SBK_FP16 "fp16"

/* baseline (cmd_gate.c) */
#define SBK_GATE "gate"
#define SBK_INSN_N "insn_n"
#define SBK_TIME_N "time_n"
#define SBK_MEASURED "measured"
#define SBK_ACCURACY "accuracy"
#define SBK_OK "ok"
#define SBK_EDGE_FAILED "edge_failed"
#define SBK_INSTRUCTIONS "instructions"
#define SBK_TIME_RATIO "time_ratio"
#define SBK_CODEGEN_FLAGS "codegen_flags"
#define SBK_LIBC "libc"
#define SBK_LIBM_FMA "libm_fma"

/* hyperfine's export, read by crosscheck (hyperfine's names, not ours) */
#define SBK_HF_RESULTS "results"
#define SBK_HF_COMMAND "command"
#define SBK_HF_MEDIAN "median"
#define SBK_HF_STDDEV "stddev"
#define SBK_HF_TIMES "times"

/* report's results.json */
#define SBK_MACHINES "machines"
#define SBK_INPUTS "inputs"
#define SBK_GENERATED "generated"
#define SBK_ULP_BUDGET "ulp_budget"
#define SBK_BANDS "bands"
#define SBK_LO "lo"
#define SBK_HI "hi"
#define SBK_PREFIX "prefix"
#define SBK_RECOMMENDATION "recommendation"
#define SBK_BAND "band"
#define SBK_BUDGET "budget"
#define SBK_RUNNER_UP "runner_up"
#define SBK_RUNNER_UP_NS "runner_up_ns_per_elem"
#define SBK_MARGIN_PCT "margin_pct"
#define SBK_MAX_SUM_ERR "max_sum_err"
#define SBK_VERIFY_ROWS "verify_rows"
#define SBK_VERIFY_FAIL "verify_fail"
#define SBK_EDGE_CASES "edge_cases"
#define SBK_EDGE_FAIL "edge_fail"
#define SBK_NS_BY_BAND "ns_per_elem_by_band"
/* the members of "inputs": each document under its command's name (bench
 * --shape's is "shapes"); "report" is results.json's own command */
#define SBK_IN_LIST "list"
#define SBK_IN_VERIFY "verify"
#define SBK_IN_EDGE "edge"
#define SBK_IN_BENCH "bench"
#define SBK_IN_BHH "bhh"
#define SBK_IN_SHAPES "shapes"
#define SBK_IN_REPORT "report"

#endif
