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
 * their column tables, cmd_verify.c and cmd_bench.c, through these) */
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

/* edge */
#define SBK_CASES "cases"
#define SBK_RULE "rule"
#define SBK_RESULTS "results"
#define SBK_DETAIL "detail"
/* edge's summary */
#define SBK_FAIL "fail"
#define SBK_EXPECTED "expected"
#define SBK_SKIP "skip"

/* bench */
#define SBK_PARAMS "params"
#define SBK_MEDIAN_NS "median_ns"
#define SBK_MIN_NS "min_ns"
#define SBK_MAX_NS "max_ns"
#define SBK_MAD_NS "mad_ns"
#define SBK_SAMPLES "samples"
#define SBK_NS_PER_ELEM "ns_per_elem"
/* bench --shape */
#define SBK_COLS "cols"
#define SBK_MASK "mask"
#define SBK_THREADS "threads"

/* bhh */
#define SBK_DATA "data"
#define SBK_POINTS "points"
#define SBK_VARIANT "variant"
#define SBK_OVERFLOW "overflow"
#define SBK_NORMWISE_MEAN "normwise_mean"
#define SBK_NORMWISE_MEDIAN "normwise_median"
#define SBK_NORMWISE_MAX "normwise_max"
#define SBK_ULP_MEDIAN "ulp_median"
#define SBK_ULP_MAX "ulp_max"
#define SBK_WORSE_THAN_SHIFTED "worse_than_shifted"
#define SBK_LSE_MAX "lse_max"
#define SBK_LSE_MEAN "lse_mean"

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

#endif
