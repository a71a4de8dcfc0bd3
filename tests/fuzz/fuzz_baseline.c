/* fuzz_baseline.c - the reading half of softbench check (harness/cmd_gate.c)
 * through sb_baseline_read on any JSON document. Beyond no crash: a refusal
 * has a message naming the file; the figures read stay within their arrays'
 * bounds; and every kernel's figures compared with themselves
 * (sb_gate_compare) show no regression. */
#include "cli.h"
#include "fuzz.h"
#include "gate.h"
#include "keys.h"

static void each(const char *name, const struct sb_gate_figures *g, void *ctx)
{
    size_t *count = ctx;
    (*count)++;
    FZ_CHECK(name != NULL, "a kernel without a name");
    if (!g->measured)
        return;
    FZ_CHECK(g->nacc == sb_gate_case_count() && g->nedge_failed <= SB_GATE_MAX_EDGE &&
                 g->rounds <= SB_GATE_MAX_ROUNDS,
             "%s: %zu accuracy figures, %zu edge, %zu rounds", name, g->nacc, g->nedge_failed,
             g->rounds);
    struct sb_gate_tol tol = {SB_GATE_INSN_TOL, SB_GATE_TIME_TOL};
    struct sb_gate_verdict v;
    sb_gate_compare(g, g, &tol, &v);
    FZ_CHECK(!v.acc_regressed && !v.edge_regressed && !v.insn_regressed && !v.time_regressed,
             "%s regressed against itself: %s", name, v.detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    json_t *doc = sb_jparse((const char *)data, size, "fuzz", err, sizeof err);
    if (doc == NULL)
        return 0;
    struct sb_jr r = {.file = "fuzz"};
    size_t count = 0;
    int rc = sb_baseline_read(&r, doc, each, &count);
    FZ_CHECK(rc == 0 ? sb_jr_ok(&r) : strncmp(r.err, "fuzz: ", 6) == 0, "rc %d, error '%s'", rc,
             r.err);
    FZ_CHECK(rc != 0 || count == json_array_size(json_object_get(doc, SBK_KERNELS)),
             "%zu kernels read", count);
    json_decref(doc);
    return 0;
}
