/* plugin.c - see plugin.h. Each plugin record becomes a harness record
 * whose fn is a trampoline (one per slot, a record carrying no state): the
 * trampoline forks a child that runs the plugin's kernel on copies of x
 * and y in shared memory, each ending at a guard page, and waits for it
 * under the time limit. A crash, a hang or an exit fails that call only,
 * and its input is written where `softbench run` replays it. */
#include "plugin.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "peers.h"
#include "softbench_plugin.h"
#include "vecio.h"

#define SB_VETTED_MAX 16

struct vet {
    size_t n;
    float T;
};

struct slot {
    struct softmax_kernel rec; /* what the harness sees: fn is the trampoline */
    softmax_fn fn;             /* the plugin's own */
    char name[96];
    const char *path;
    int judged;
    float *last; /* the last isolated call's input, for sb_plugin_save_last */
    size_t lastn, lastcap;
    float lastT;
    int last_saved;                /* already written (a crash, a hang, an exit) */
    struct vet vet[SB_VETTED_MAX]; /* (n, T) that ran isolated without failing */
    unsigned nvet;                 /* published with release, read with acquire */
};

static struct slot slots[SB_PLUGIN_MAX];
static size_t nslots;
static double timeout_s = 10.0;
static const char *fail_dir = "softbench-failures";
static int vetted;
static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;

size_t sb_plugin_count(void) { return nslots; }
const struct softmax_kernel *sb_plugin_at(size_t i) { return i < nslots ? &slots[i].rec : NULL; }

static const softmax_fn plugin_fns[SB_PLUGIN_MAX];

/* By record or by function: a copy of a record (--bound-scale) is the
 * same kernel. */
static const struct slot *slot_of(const struct softmax_kernel *k)
{
    for (size_t i = 0; k != NULL && i < nslots; i++)
        if (k == &slots[i].rec || k->fn == plugin_fns[i])
            return &slots[i];
    return NULL;
}

int sb_is_plugin(const struct softmax_kernel *k) { return slot_of(k) != NULL; }

int sb_plugin_judged(const struct softmax_kernel *k)
{
    const struct slot *s = slot_of(k);
    return s != NULL && s->judged;
}

void sb_plugin_set_vetted(int on) { vetted = on; }

const char *sb_status_str(int status)
{
    switch (status) {
    case SB_PLUGIN_ECRASH: return "the plugin kernel crashed (its input was saved)";
    case SB_PLUGIN_EHANG: return "the plugin kernel ran over the time limit (its input was saved)";
    case SB_PLUGIN_EEXIT: return "the plugin kernel exited the process (its input was saved)";
    case SB_PLUGIN_ESETUP: return "no child process or memory for the plugin kernel's call";
    }
    return softmax_strerror(status);
}

/* ---- the isolated call
 *
 * One child per kernel, started on its first call and again after one
 * fails, serves calls over two pipes. x and y travel in a memfd both map:
 * [head page][guard][x, ending at a page][guard][y, ending at a page][guard],
 * the guards PROT_NONE in the child's mapping only. */

struct shm_head {
    volatile int fault; /* which guard a SIGSEGV hit: 1 before x, 2 after x, 3 after y */
};

struct req {
    size_t n, total;
    float T;
    int xnull, ynull, inplace;
};

struct server {
    pid_t pid, owner; /* owner: the process that started it (a fork makes its own) */
    int to, from, mfd;
    char *map; /* the parent's mapping */
    size_t mapped;
};

static struct server servers[SB_PLUGIN_MAX];
static long page;
static char *guard_at[3];
static volatile struct shm_head *child_head;

static void child_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    char *a = si->si_addr;
    for (int g = 0; g < 3; g++)
        if (guard_at[g] != NULL && a >= guard_at[g] && a < guard_at[g] + page)
            child_head->fault = g + 1;
    signal(sig, SIG_DFL);
    raise(sig);
}

static const char *fault_text(int fault)
{
    switch (fault) {
    case 1: return ", before the start of its input";
    case 2: return ", past the end of its input";
    case 3: return ", past the end of its output";
    }
    return "";
}

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

/* The lines about failures, printed at the end (sb_plugin_release) rather
 * than into the middle of a table. */
static char *notes;
static size_t notes_len;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int l = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (l < 0)
        return;
    size_t add = strlen(line);
    char *p = realloc(notes, notes_len + add + 1);
    if (p == NULL) {
        fputs(line, stderr); /* no room to keep it: now, then */
        return;
    }
    memcpy(p + notes_len, line, add + 1);
    notes = p;
    notes_len += add;
}

/* The failing input, as a .npy file `softbench run` reads. */
static void save_failure(const struct slot *s, const float *x, size_t n, float T, const char *what)
{
    char file[512], err[256];
    uint64_t h = fnv(x, n * sizeof *x, fnv(&T, sizeof T, 1469598103934665603u));
    if (mkdir(fail_dir, 0777) != 0 && errno != EEXIST) {
        note("softbench: plugin kernel %s %s at n=%zu T=%.9g; cannot make %s: %s\n", s->name, what,
             n, (double)T, fail_dir, strerror(errno));
        return;
    }
    snprintf(file, sizeof file, "%s/%s-n%zu-%08x.npy", fail_dir, s->name, n, (unsigned)(h >> 32));
    if (notes != NULL && strstr(notes, file) != NULL)
        return; /* the same input failed before: written and said once */
    if (sb_write_vector(file, SB_FMT_NPY, x, n, err, sizeof err) != 0) {
        note("softbench: plugin kernel %s %s at n=%zu T=%.9g; input not saved: %s\n", s->name, what,
             n, (double)T, err);
        return;
    }
    note("softbench: plugin kernel %s %s at n=%zu T=%.9g; replay: softbench run --plugin %s "
         "-k %s -T %.9g --in %s --out /dev/null\n",
         s->name, what, n, (double)T, s->path, s->name, (double)T, file);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void layout(char *m, size_t n, float **x, float **y)
{
    size_t bytes = n * sizeof(float);
    size_t span = (bytes + (size_t)page - 1) / (size_t)page * (size_t)page;
    char *g2 = m + 2 * page + span, *g3 = g2 + page + span;
    *x = (float *)(void *)(g2 - bytes);
    *y = (float *)(void *)(g3 - bytes);
}

static size_t total_for(size_t n)
{
    size_t span = (n * sizeof(float) + (size_t)page - 1) / (size_t)page * (size_t)page;
    return 5 * (size_t)page + 2 * span;
}

static int read_full(int fd, void *p, size_t len)
{
    char *c = p;
    while (len > 0) {
        ssize_t r = read(fd, c, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        len -= (size_t)r;
    }
    return 0;
}

static __attribute__((noreturn)) void serve(const struct slot *s, int from, int to, int mfd)
{
    static char altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {.sa_sigaction = child_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    char *m = NULL;
    size_t mapped = 0;
    struct req q;
    while (read_full(from, &q, sizeof q) == 0) {
        if (q.total != mapped) {
            if (m != NULL)
                munmap(m, mapped);
            m = mmap(NULL, q.total, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
            if (m == MAP_FAILED)
                _exit(3);
            mapped = q.total;
            child_head = (struct shm_head *)(void *)m;
            size_t span = (q.total - 5 * (size_t)page) / 2;
            guard_at[0] = m + page;
            guard_at[1] = guard_at[0] + page + span;
            guard_at[2] = guard_at[1] + page + span;
            for (int g = 0; g < 3; g++)
                mprotect(guard_at[g], (size_t)page, PROT_NONE);
        }
        float *x, *y;
        layout(m, q.n, &x, &y);
        if (q.inplace)
            y = x;
        /* NULL pointers go through as given: the kernel's own checks see them */
        int st = s->fn(q.xnull ? NULL : x, q.ynull ? NULL : y, q.n, q.T);
        if (write(to, &st, sizeof st) != (ssize_t)sizeof st)
            _exit(4);
    }
    _exit(0);
}

static void stop(struct server *v, int kill_it)
{
    if (v->pid <= 0)
        return;
    if (v->owner == getpid()) {
        close(v->to);
        close(v->from);
        if (kill_it)
            kill(v->pid, SIGKILL);
        int ws;
        while (waitpid(v->pid, &ws, 0) < 0 && errno == EINTR)
            ;
    } else { /* a fork's copy of its parent's server: not ours to stop */
        close(v->to);
        close(v->from);
    }
    v->pid = 0;
}

static int start(struct server *v, const struct slot *s)
{
    int a[2], b[2];
    if (v->mfd <= 0) {
        v->mfd = memfd_create("softbench-plugin", MFD_CLOEXEC);
        if (v->mfd < 0)
            return -1;
        v->mfd++; /* stored + 1 so that 0 means none */
    }
    if (pipe2(a, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(b, O_CLOEXEC) != 0) {
        close(a[0]);
        close(a[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(a[0]), close(a[1]), close(b[0]), close(b[1]);
        return -1;
    }
    if (pid == 0) {
        close(a[1]);
        close(b[0]);
        for (size_t i = 0; i < SB_PLUGIN_MAX; i++)
            if (servers[i].pid > 0 && &servers[i] != v) {
                close(servers[i].to);
                close(servers[i].from);
            }
        serve(s, a[0], b[1], v->mfd - 1);
    }
    close(a[0]);
    close(b[1]);
    v->pid = pid;
    v->owner = getpid();
    v->to = a[1];
    v->from = b[0];
    return 0;
}

/* Waits for the reply at most timeout_s: 0 and *st, 1 over time, -1 the child ended. */
static int reply(int fd, int *st)
{
    double end = now_s() + timeout_s;
    for (;;) {
        double left = end - now_s();
        if (left <= 0)
            return 1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, (int)ceil(left * 1000.0));
        if (r > 0)
            return read_full(fd, st, sizeof *st) == 0 ? 0 : -1;
        if (r == 0)
            return 1;
        if (errno != EINTR)
            return -1;
    }
}

static int isolated(size_t i, const float *x, float *y, size_t n, float T)
{
    struct slot *s = &slots[i];
    struct server *v = &servers[i];
    if (page == 0)
        page = sysconf(_SC_PAGESIZE);
    if (v->pid > 0 && v->owner != getpid())
        stop(v, 0);
    if (v->pid <= 0 && start(v, s) != 0)
        return SB_PLUGIN_ESETUP;
    size_t total = total_for(n);
    if (total != v->mapped) {
        if (v->map != NULL)
            munmap(v->map, v->mapped);
        v->map = NULL;
        v->mapped = 0;
        if (ftruncate(v->mfd - 1, (off_t)total) != 0)
            return SB_PLUGIN_ESETUP;
        char *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, v->mfd - 1, 0);
        if (m == MAP_FAILED)
            return SB_PLUGIN_ESETUP;
        v->map = m;
        v->mapped = total;
    }
    float *cx, *cy;
    layout(v->map, n, &cx, &cy);
    struct req q = {.n = n,
                    .total = total,
                    .T = T,
                    .xnull = x == NULL,
                    .ynull = y == NULL,
                    .inplace = x == y && x != NULL};
    size_t bytes = n * sizeof(float);
    if (n > 0 && x != NULL)
        memcpy(cx, x, bytes);
    if (n > 0 && y != NULL && !q.inplace)
        memcpy(cy, y, bytes);
    ((struct shm_head *)(void *)v->map)->fault = 0;
    int st = 0, got = -1;
    if (write(v->to, &q, sizeof q) == (ssize_t)sizeof q)
        got = reply(v->from, &st);
    if (got == 0) {
        if (n > 0 && y != NULL)
            memcpy(y, q.inplace ? cx : cy, bytes);
        return st;
    }
    pid_t pid = v->pid;
    int ws = 0;
    if (got == 1)
        kill(pid, SIGKILL);
    close(v->to);
    close(v->from);
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    v->pid = 0;
    int rc;
    char what[160];
    if (got == 1) {
        rc = SB_PLUGIN_EHANG;
        snprintf(what, sizeof what, "ran over the time limit (%gs)", timeout_s);
    } else if (WIFSIGNALED(ws)) {
        rc = SB_PLUGIN_ECRASH;
        snprintf(what, sizeof what, "crashed (%s%s)", strsignal(WTERMSIG(ws)),
                 fault_text(((struct shm_head *)(void *)v->map)->fault));
    } else {
        rc = SB_PLUGIN_EEXIT;
        snprintf(what, sizeof what, "exited the process (status %d)",
                 WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
    }
    if (x != NULL) {
        save_failure(s, x, n, T, what);
        s->last_saved = 1;
    }
    return rc;
}

/* Stops every server (a later one holds copies of the earlier ones' pipes,
 * so closing alone would not end them). */
void sb_plugin_release(void)
{
    if (notes != NULL) {
        fflush(stdout);
        fputs(notes, stderr);
        free(notes);
        notes = NULL;
    }
    for (size_t i = 0; i < nslots; i++)
        stop(&servers[i], 1);
}

static int vetted_call(const struct slot *s, size_t n, float T)
{
    unsigned nv = __atomic_load_n(&s->nvet, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < nv; i++)
        if (s->vet[i].n == n && (s->vet[i].T == T || (isnan(T) && isnan(s->vet[i].T))))
            return 1;
    return 0;
}

static void keep_last(struct slot *s, const float *x, size_t n, float T)
{
    s->lastn = 0;
    s->last_saved = 0;
    if (x == NULL)
        return;
    if (n > s->lastcap) {
        float *p = realloc(s->last, n * sizeof *p);
        if (p == NULL)
            return;
        s->last = p;
        s->lastcap = n;
    }
    if (n > 0)
        memcpy(s->last, x, n * sizeof *x);
    s->lastn = n;
    s->lastT = T;
}

void sb_plugin_save_last(const struct softmax_kernel *k, const char *what)
{
    struct slot *s = (struct slot *)slot_of(k);
    pthread_mutex_lock(&call_lock);
    if (s != NULL && s->last != NULL && !s->last_saved) {
        save_failure(s, s->last, s->lastn, s->lastT, what);
        s->last_saved = 1;
    }
    pthread_mutex_unlock(&call_lock);
}

static int call_slot(size_t i, const float *x, float *y, size_t n, float T)
{
    struct slot *s = &slots[i];
    if (vetted && vetted_call(s, n, T))
        return s->fn(x, y, n, T);
    pthread_mutex_lock(&call_lock);
    keep_last(s, x, n, T);
    int rc = isolated(i, x, y, n, T);
    if (vetted && rc == SOFTMAX_OK && s->nvet < SB_VETTED_MAX && !vetted_call(s, n, T)) {
        s->vet[s->nvet] = (struct vet){n, T};
        __atomic_store_n(&s->nvet, s->nvet + 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&call_lock);
    return rc;
}

/* Laid out by hand: the macro's calls as a table. */
// clang-format off
#define PLUGIN_FN(i)                                                         \
    static int plugin_##i(const float *x, float *y, size_t n, float T)       \
    {                                                                        \
        return call_slot(i, x, y, n, T);                                     \
    }
#define PLUGIN_FN8(a) PLUGIN_FN(a##0) PLUGIN_FN(a##1) PLUGIN_FN(a##2) PLUGIN_FN(a##3) \
                      PLUGIN_FN(a##4) PLUGIN_FN(a##5) PLUGIN_FN(a##6) PLUGIN_FN(a##7)
PLUGIN_FN(0) PLUGIN_FN(1) PLUGIN_FN(2) PLUGIN_FN(3) PLUGIN_FN(4) PLUGIN_FN(5) PLUGIN_FN(6)
PLUGIN_FN(7) PLUGIN_FN8(1) PLUGIN_FN8(2) PLUGIN_FN8(3) PLUGIN_FN8(4) PLUGIN_FN8(5)
PLUGIN_FN8(6) PLUGIN_FN8(7)
#define PLUGIN_REF8(a) plugin_##a##0, plugin_##a##1, plugin_##a##2, plugin_##a##3, \
                       plugin_##a##4, plugin_##a##5, plugin_##a##6, plugin_##a##7
static const softmax_fn plugin_fns[SB_PLUGIN_MAX] = {
    plugin_0, plugin_1, plugin_2, plugin_3, plugin_4, plugin_5, plugin_6, plugin_7,
    PLUGIN_REF8(1), PLUGIN_REF8(2), PLUGIN_REF8(3), PLUGIN_REF8(4), PLUGIN_REF8(5),
    PLUGIN_REF8(6), PLUGIN_REF8(7)};
// clang-format on

/* ---- loading */

static int name_ok(const char *s, const char *extra)
{
    if (s == NULL || *s == '\0')
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && strchr(extra, *s) == NULL)
            return 0;
    return 1;
}

static int coef_ok(double c) { return isfinite(c) && c >= 0; }

static int bound_declared(const struct softmax_bound *b)
{
    return b->c0 != 0 || b->c_arg != 0 || b->c_sum != 0 || b->c_mag != 0;
}

static const char *record_error(const struct softmax_kernel *r)
{
    if (r->fn == NULL)
        return "has no function";
    if ((unsigned)r->isa > SOFTMAX_ISA_SVE)
        return "names an unknown ISA";
    if ((unsigned)r->output > SOFTMAX_OUT_LOG)
        return "has an unknown output kind";
    const struct softmax_bound *b = &r->bound;
    if (!coef_ok(b->c0) || !coef_ok(b->c_arg) || !coef_ok(b->c_sum) || !coef_ok(b->c_mag))
        return "declares a bound coefficient that is negative or not finite";
    if ((unsigned)b->arg > SOFTMAX_ARG_RAW || (unsigned)b->sum > SOFTMAX_SUM_SEQUENTIAL)
        return "declares an unknown argument or summation model";
    return NULL;
}

static const char *const reserved[] = {"peer",   "logof", "floor", "scalar", "avx2",
                                       "avx512", "neon",  "sve",   NULL};

int sb_plugin_load(const char *path, char *err, size_t errlen)
{
    char local[4096];
    /* a bare name is a file here, not a search of the library path */
    snprintf(local, sizeof local, "%s%s", strchr(path, '/') ? "" : "./", path);
    void *h = dlopen(local, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        snprintf(err, errlen, "plugin %s: %s", path, dlerror());
        return -1;
    }
    softbench_plugin_fn entry;
    *(void **)&entry = dlsym(h, "softbench_plugin");
    if (entry == NULL) {
        snprintf(err, errlen, "plugin %s: no softbench_plugin entry point", path);
        dlclose(h);
        return -1;
    }
    const struct softbench_plugin *d = entry(SOFTBENCH_PLUGIN_ABI);
    const char *bad = NULL;
    char why[200] = "";
    if (d == NULL)
        snprintf(why, sizeof why, "refuses plugin ABI %u (softbench's)", SOFTBENCH_PLUGIN_ABI);
    else if (d->abi != SOFTBENCH_PLUGIN_ABI)
        snprintf(why, sizeof why, "is built for plugin ABI %u; softbench speaks ABI %u", d->abi,
                 SOFTBENCH_PLUGIN_ABI);
    else if (!name_ok(d->name, "") || strlen(d->name) > 40)
        snprintf(why, sizeof why,
                 "has no name, or one not of letters, digits, '_' and '-' (at most 40)");
    else if (d->count == 0 || d->kernels == NULL)
        snprintf(why, sizeof why, "has no kernels");
    else if (nslots + d->count > SB_PLUGIN_MAX)
        snprintf(why, sizeof why, "brings %zu kernels; at most %d over all plugins", d->count,
                 SB_PLUGIN_MAX);
    for (size_t i = 0; *why == '\0' && reserved[i] != NULL; i++)
        if (strcmp(d->name, reserved[i]) == 0)
            snprintf(why, sizeof why, "is named '%s', a prefix of softbench's own", d->name);
    size_t first = nslots;
    for (size_t i = 0; *why == '\0' && i < d->count; i++) {
        const struct softmax_kernel *r = &d->kernels[i];
        struct slot *s = &slots[nslots];
        if (!name_ok(r->name, ".") || strlen(r->name) > 48) {
            snprintf(why, sizeof why,
                     "record %zu has no name, or one not of letters, digits, '_', '-' and '.' (at "
                     "most 48)",
                     i);
            break;
        }
        if ((bad = record_error(r)) != NULL) {
            snprintf(why, sizeof why, "record %zu (%s) %s", i, r->name, bad);
            break;
        }
        snprintf(s->name, sizeof s->name, "%s.%s", d->name, r->name);
        if (sb_kernel_lookup(s->name) != NULL) {
            snprintf(why, sizeof why, "record %zu: the name %s is taken (a duplicate)", i, s->name);
            break;
        }
        s->fn = r->fn;
        s->path = path;
        s->judged = bound_declared(&r->bound);
        s->nvet = 0;
        s->rec = *r;
        s->rec.name = s->name;
        s->rec.fn = plugin_fns[nslots];
        s->rec.rows = NULL;
        if (s->rec.algorithm == NULL)
            s->rec.algorithm = "plugin";
        if (s->rec.summary == NULL)
            s->rec.summary = "";
        if (!s->judged)
            s->rec.safe = 0;
        nslots++;
    }
    if (*why != '\0') {
        nslots = first;
        snprintf(err, errlen, "plugin %s %s", path, why);
        dlclose(h);
        return -1;
    }
    return 0;
}

static int take_value(int *argc, char **argv, int i, const char *opt, const char **val)
{
    size_t l = strlen(opt);
    if (strncmp(argv[i], opt, l) == 0 && argv[i][l] == '=') {
        *val = argv[i] + l + 1;
        memmove(argv + i, argv + i + 1, (size_t)(*argc - i) * sizeof *argv);
        *argc -= 1;
        return 1;
    }
    if (strcmp(argv[i], opt) != 0)
        return 0;
    if (i + 1 >= *argc)
        return -1;
    *val = argv[i + 1];
    memmove(argv + i, argv + i + 2, (size_t)(*argc - i - 1) * sizeof *argv);
    *argc -= 2;
    return 1;
}

int sb_plugin_scan(int *argc, char **argv, struct sb_plugin_args *a)
{
    static const char *const opts[] = {"--plugin", "--plugin-timeout", "--plugin-failures"};
    a->n = 0;
    a->timeout = 10.0;
    a->fail_dir = "softbench-failures";
    for (int i = 1; i < *argc;) {
        if (strcmp(argv[i], "--") == 0)
            break;
        int hit = 0;
        for (int o = 0; o < 3 && !hit; o++) {
            const char *v = NULL;
            int t = take_value(argc, argv, i, opts[o], &v);
            if (t < 0 || (t > 0 && *v == '\0'))
                return sb_usage_error("option '%s' needs a value", opts[o]);
            if (t == 0)
                continue;
            hit = 1;
            if (o == 0) {
                if (a->n == SB_PLUGIN_MAX)
                    return sb_usage_error("at most %d plugins", SB_PLUGIN_MAX);
                a->paths[a->n++] = v;
            } else if (o == 1) {
                char *end;
                errno = 0;
                double sec = strtod(v, &end);
                if (end == v || *end != '\0' || errno != 0 || !(sec > 0) || sec > 86400)
                    return sb_usage_error("--plugin-timeout '%s' is not a number of seconds in "
                                          "(0, 86400]",
                                          v);
                a->timeout = sec;
            } else
                a->fail_dir = v;
        }
        if (!hit)
            i++;
    }
    return 0;
}

int sb_plugin_options(int *argc, char **argv)
{
    struct sb_plugin_args a;
    if (sb_plugin_scan(argc, argv, &a) != 0)
        return SB_EXIT_USAGE;
    timeout_s = a.timeout;
    fail_dir = a.fail_dir;
    for (size_t i = 0; i < a.n; i++) {
        char err[512];
        if (sb_plugin_load(a.paths[i], err, sizeof err) != 0)
            return sb_usage_error("%s", err);
    }
    return 0;
}
