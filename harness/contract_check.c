/* contract_check.c - how a contract case runs a kernel and judges it (see
 * contract_check.h): exact expectations bit for bit, the others within the
 * kernel's declared bound of the MPFR reference; and the guard-page run, in
 * a child process. */
#include "contract_check.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "datasets.h"
#include "metrics.h"
#include "plugin.h"

const struct softmax_kernel *ct_current_kernel;
const char *ct_current_case;

/* A plugin kernel's failing input goes to a file (plugin.h); the kernel's
 * last call is the one just judged. */
static void save_plugin_input(void)
{
    if (ct_current_kernel != NULL && sb_is_plugin(ct_current_kernel)) {
        char what[96];
        snprintf(what, sizeof what, "failed edge case %s", ct_current_case);
        sb_plugin_save_last(ct_current_kernel, what);
    }
}

void ct_fail(struct sb_case_result *r, const char *fmt, ...)
{
    r->bound_only = 0;
    if (!r->pass)
        return; /* keep the first failure */
    save_plugin_input();
    r->pass = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
}

int ct_same_bits(float a, float b)
{
    uint32_t ua, ub;
    memcpy(&ua, &a, 4);
    memcpy(&ub, &b, 4);
    return ua == ub || (isnan(a) && isnan(b));
}

/* A failure that is only an error beyond the declared bound (or, for a
 * kernel that declares none, any error): marked so that a peer's plain
 * inaccuracy is told apart from a broken rule. */
void ct_fail_bound(struct sb_case_result *r, const char *fmt, ...)
{
    int first = r->pass, only = r->pass || r->bound_only;
    if (first) {
        save_plugin_input();
        r->pass = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->detail, sizeof r->detail, fmt, ap);
        va_end(ap);
    }
    r->bound_only = only;
}

/* "[a, b, c, ... (n=300)]" with at most 6 values, %.9g. */
const char *ct_vec(char *buf, size_t len, const float *v, size_t n)
{
    size_t o = (size_t)snprintf(buf, len, "[");
    for (size_t i = 0; i < n && i < 6 && o < len; i++)
        o += isnan(v[i])
                 ? (size_t)snprintf(buf + o, len - o, "%snan", i ? ", " : "")
                 : (size_t)snprintf(buf + o, len - o, "%s%.9g", i ? ", " : "", (double)v[i]);
    if (o < len)
        snprintf(buf + o, len - o, n > 6 ? ", ... (n=%zu)]" : "]", n);
    return buf;
}

float *ct_alloc(size_t n) { return malloc((n + 1) * sizeof(float)); }

void ct_gen(const char *spec, float *x, size_t n, uint64_t seed)
{
    struct sb_dataset_spec s;
    char err[128];
    if (sb_dataset_parse(spec, &s, err, sizeof err) == 0)
        sb_dataset_generate(&s, x, n, seed);
}

int ct_is_log(const struct softmax_kernel *k) { return k->output == SOFTMAX_OUT_LOG; }

/* The reference for the kernel's output: softmax or log-softmax. */
int ct_ref_of(const struct softmax_kernel *k, const float *x, size_t n, float T, float *ref,
              struct sbref_info *info)
{
    return ct_is_log(k) ? sbref_log_softmax(x, n, T, ref, NULL, info)
                        : sbref_softmax(x, n, T, ref, NULL, info);
}

/* Runs the kernel; a non-OK status is a failure. */
int ct_call(const struct softmax_kernel *k, const float *x, float *y, size_t n, float T,
            struct sb_case_result *r)
{
    int st = softmax_run(k, x, y, n, T);
    if (st != SOFTMAX_OK)
        ct_fail(r, "n=%zu T=%g: status %d (%s)", n, (double)T, st, sb_status_str(st));
    return st == SOFTMAX_OK;
}

/* y must equal want bit for bit (NaN matches any NaN). want is the softmax;
 * a log kernel is held to its log (expect_log). */
void ct_expect_exact(const struct softmax_kernel *k, const float *x, size_t n, float T,
                     const float *want, struct sb_case_result *r)
{
    if (ct_is_log(k)) {
        ct_expect_log(k, x, n, T, want, r);
        return;
    }
    float *y = ct_alloc(n);
    if (y == NULL || !ct_call(k, x, y, n, T, r)) {
        free(y);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (!ct_same_bits(y[i], want[i])) {
            char a[200], b[200], c[200];
            ct_fail(r, "T=%g x=%s: y=%s, want %s (first difference at %zu)", (double)T,
                    ct_vec(a, sizeof a, x, n), ct_vec(b, sizeof b, y, n),
                    ct_vec(c, sizeof c, want, n), i);
            break;
        }
    free(y);
}

/* y must be within the kernel's bound of the reference (or exactly the limit,
 * or all NaN where the reference is undefined). Returns the output (caller
 * frees) or NULL. */
float *ct_expect_bound_ref(const struct softmax_kernel *k, const float *x, size_t n, float T,
                           struct sb_case_result *r, float **ref_out)
{
    float *y = ct_alloc(n), *ref = ct_alloc(n);
    struct sbref_info info;
    if (y == NULL || ref == NULL || !ct_call(k, x, y, n, T, r) ||
        ct_ref_of(k, x, n, T, ref, &info) < 0) {
        if (y != NULL && ref != NULL)
            ct_fail(r, "n=%zu: no reference", n);
        free(y);
        free(ref);
        return NULL;
    }
    struct sb_metrics m;
    if (!sb_judge(k, x, y, ref, n, T, (int)info.kind, &m)) {
        char a[200];
        size_t w = m.worst_at;
        void (*f)(struct sb_case_result *, const char *,
                  ...) = info.kind == SBREF_EXACT && isfinite(m.max_ulp) ? ct_fail_bound : ct_fail;
        f(r, "T=%g x=%s: y[%zu]=%.9g, reference %.9g (%s): %.1f ULP, %zu element(s) beyond %s",
          (double)T, ct_vec(a, sizeof a, x, n), w, (double)y[w], (double)ref[w],
          sbref_kind_name(info.kind), m.max_ulp, m.n_over,
          k->bound.c0 > 0.0 ? "the bound" : "0 (no declared bound)");
    }
    if (ref_out != NULL)
        *ref_out = ref;
    else
        free(ref);
    return y;
}

float *ct_expect_bound(const struct softmax_kernel *k, const float *x, size_t n, float T,
                       struct sb_case_result *r)
{
    return ct_expect_bound_ref(k, x, n, T, r, NULL);
}

/* The log-softmax contract for a case whose softmax is exactly want: the
 * limits and undefined inputs exactly (-log k, -inf, NaN: the reference's
 * kind), the rest within the bound; and a max-shifted kernel exactly at
 * every entry where want is not 0: there x_i is at the max and the sum is
 * an exact count k, so y_i = -log k (0 for k = 1) correctly rounded, either
 * sign of zero (the reference gives -0 for an exact value a hair below 0).
 * An unshifted kernel's x/T - log S carries the rounding of log S, as large
 * as the logits: only its bound is asked of it there. */
void ct_expect_log(const struct softmax_kernel *k, const float *x, size_t n, float T,
                   const float *want, struct sb_case_result *r)
{
    float *ref = NULL, *y = ct_expect_bound_ref(k, x, n, T, r, &ref);
    for (size_t i = 0; y != NULL && k->bound.arg == SOFTMAX_ARG_SHIFTED && i < n; i++)
        if (want[i] > 0.0f && !(y[i] == ref[i] || ct_same_bits(y[i], ref[i]))) {
            char a[200];
            ct_fail(r,
                    "T=%g x=%s: y[%zu]=%.9g, want exactly %.9g (-log k, k the entries at the max)",
                    (double)T, ct_vec(a, sizeof a, x, n), i, (double)y[i], (double)ref[i]);
            break;
        }
    free(y);
    free(ref);
}

void ct_check_bound(const struct softmax_kernel *k, const float *x, size_t n, float T,
                    struct sb_case_result *r)
{
    free(ct_expect_bound(k, x, n, T, r));
}

/* ---- the guard-page test, in a child process: a fault is a failure with
 * its context, not the end of the run */

static int guard_fd = -1;
static char guard_ctx[160];

static void on_segv(int sig)
{
    static const char pre[] = "out-of-bounds access (signal ";
    char num[4] = {(char)('0' + sig / 10), (char)('0' + sig % 10), ')', ' '};
    ssize_t w = write(guard_fd, pre, sizeof pre - 1);
    w = write(guard_fd, num, 4);
    w = write(guard_fd, guard_ctx, strlen(guard_ctx));
    (void)w;
    _exit(3);
}

/* Input and output end at a PROT_NONE page (every n to 1024), then start
 * right after one (every float offset to 15): any read or write past either
 * end faults. Results must equal those from ordinary buffers. */
static void guard_child(const struct softmax_kernel *k, struct sb_case_result *r)
{
    const size_t maxn = 1024;
    long pg = sysconf(_SC_PAGESIZE);
    size_t data = ((maxn + 16) * sizeof(float) + (size_t)pg - 1) / (size_t)pg * (size_t)pg;
    size_t span = data + 2 * (size_t)pg;
    const int prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE | MAP_ANONYMOUS;
    unsigned char *mx = mmap(NULL, span, prot, flags, -1, 0);
    unsigned char *my = mmap(NULL, span, prot, flags, -1, 0);
    float *src = ct_alloc(maxn), *want = ct_alloc(maxn);
    if (mx == MAP_FAILED || my == MAP_FAILED || src == NULL || want == NULL) {
        ct_fail(r, "cannot map the guard pages");
        return;
    }
    /* layout: [guard][data][guard] */
    mprotect(mx, (size_t)pg, PROT_NONE);
    mprotect(my, (size_t)pg, PROT_NONE);
    mprotect(mx + pg + data, (size_t)pg, PROT_NONE);
    mprotect(my + pg + data, (size_t)pg, PROT_NONE);
    float *xend = (float *)(mx + pg + data), *yend = (float *)(my + pg + data);
    float *xbeg = (float *)(mx + pg), *ybeg = (float *)(my + pg);
    struct sigaction sa = {.sa_handler = on_segv};
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    ct_gen("normal:sigma=3", src, maxn, 4242);
    for (size_t n = 0; n <= maxn && r->pass; n++) {
        if (!ct_call(k, src, want, n, 1.0f, r))
            break;
        for (int place = 0; place < 17 && r->pass; place++) {
            /* place 0: end at the back guard; 1..16: offset place-1 after the front one */
            float *x = place == 0 ? xend - n : xbeg + (place - 1);
            float *y = place == 0 ? yend - n : ybeg + (place - 1);
            memcpy(x, src, n * sizeof *x);
            snprintf(guard_ctx, sizeof guard_ctx, "kernel %s, n=%zu, %s", k->name, n,
                     place == 0 ? "buffers end against the guard"
                                : "buffers start after the guard");
            if (!ct_call(k, x, y, n, 1.0f, r) || !ct_call(k, x, x, n, 1.0f, r))
                break;
            for (size_t i = 0; i < n; i++)
                if (!ct_same_bits(y[i], want[i]) || !ct_same_bits(x[i], want[i])) {
                    ct_fail(r, "%s: y[%zu]=%.9g, ordinary buffers give %.9g", guard_ctx, i,
                            (double)y[i], (double)want[i]);
                    break;
                }
        }
    }
}

void ct_case_guard(const struct softmax_kernel *k, struct sb_case_result *r)
{
    int fds[2];
    if (pipe(fds) != 0) {
        ct_fail(r, "cannot create a pipe for the guard-page child");
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        ct_fail(r, "cannot fork the guard-page child");
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        guard_fd = fds[1];
        guard_child(k, r);
        ssize_t w = r->pass ? 0 : write(guard_fd, r->detail, strlen(r->detail));
        (void)w;
        _exit(r->pass ? 0 : 1);
    }
    close(fds[1]);
    char msg[sizeof r->detail];
    size_t got = 0;
    ssize_t m;
    while (got < sizeof msg - 1 && (m = read(fds[0], msg + got, sizeof msg - 1 - got)) > 0)
        got += (size_t)m;
    msg[got] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        ;
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        ct_fail(r, "%s", got > 0 ? msg : "the guard-page child died");
}
