/* cli.c - see cli.h. */
#include "cli.h"
#include "keys.h"
#include "peers.h"
#include "plugin.h"

#include <errno.h>
#include <fenv.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int sb_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("softbench: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return SB_EXIT_USAGE;
}

int sb_list_push(struct sb_list *l, void *p)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        void **v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = p;
    return 0;
}

void sb_list_free(struct sb_list *l, int free_items)
{
    if (free_items)
        for (size_t i = 0; i < l->n; i++)
            free(l->v[i]);
    free(l->v);
    *l = (struct sb_list){0};
}

/* Calls fn on each item of arg (a copy) separated by sep; an empty list is
 * an error. */
static int each_item(const char *arg, const char *sep, int (*fn)(const char *, struct sb_list *),
                     struct sb_list *out)
{
    char *copy = strdup(arg), *save = NULL;
    if (copy == NULL)
        return sb_usage_error("out of memory");
    int rc = 0, items = 0;
    for (char *t = strtok_r(copy, sep, &save); t != NULL && rc == 0;
         t = strtok_r(NULL, sep, &save)) {
        rc = fn(t, out);
        items++;
    }
    if (rc == 0 && items == 0)
        rc = sb_usage_error("empty list '%s'", arg);
    free(copy);
    return rc;
}

static int push_or_oom(struct sb_list *out, void *p)
{
    if (p == NULL || sb_list_push(out, p) != 0) {
        free(p);
        return sb_usage_error("out of memory");
    }
    return 0;
}

static int one_kernel(const char *t, struct sb_list *out)
{
    int all = strcmp(t, "all") == 0, safe = strcmp(t, "safe") == 0, peer = strcmp(t, "peers") == 0;
    if (strcmp(t, "plugins") == 0) {
        if (sb_plugin_count() == 0)
            return sb_usage_error("-k plugins: no plugin loaded (--plugin PATH)");
        for (size_t i = 0; i < sb_plugin_count(); i++)
            if (sb_list_push(out, (void *)sb_plugin_at(i)) != 0)
                return sb_usage_error("out of memory");
        return 0;
    }
    if (strcmp(t, "log") == 0 || strcmp(t, "logof") == 0) {
        int lg = t[3] == '\0';
        size_t n = lg ? softmax_log_kernel_count() : sb_logof_count();
        for (size_t i = 0; i < n; i++)
            if (sb_list_push(out, (void *)(lg ? softmax_log_kernel_at(i) : sb_logof_at(i))) != 0)
                return sb_usage_error("out of memory");
        return 0;
    }
    if (all || safe || peer) {
        for (size_t i = 0; i < sb_kernel_total(); i++) {
            const struct softmax_kernel *k = sb_kernel_any(i);
            int take = all || (safe && k->safe) || (peer && sb_is_peer(k));
            if (take && sb_list_push(out, (void *)k) != 0)
                return sb_usage_error("out of memory");
        }
        return 0;
    }
    const struct softmax_kernel *k = sb_kernel_lookup(t);
    if (k == NULL) {
        for (size_t i = 0; i < sb_peer_missing_count(); i++)
            if (strcmp(t, sb_peer_missing_name(i)) == 0)
                return sb_usage_error("%s: %s", t, sb_peer_missing_reason(i));
        return sb_usage_error("unknown kernel '%s' (softbench list shows them)", t);
    }
    if (sb_list_push(out, (void *)k) != 0)
        return sb_usage_error("out of memory");
    return 0;
}

int sb_parse_kernels(const char *arg, struct sb_list *out)
{
    return each_item(arg, ",", one_kernel, out);
}

static int parse_size(const char *s, size_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || *s == '-')
        return sb_usage_error("size '%s' is not a whole number", s);
    if (x > SB_MAX_N)
        return sb_usage_error("size %s is out of range (at most %zu)", s, SB_MAX_N);
    *v = (size_t)x;
    return 0;
}

static int one_size(const char *t, struct sb_list *out)
{
    char buf[64];
    size_t lo, hi;
    const char *dash = strchr(t + 1, '-');
    if (strlen(t) >= sizeof buf)
        return sb_usage_error("size '%.40s' is not a whole number", t);
    if (dash != NULL) {
        memcpy(buf, t, (size_t)(dash - t));
        buf[dash - t] = '\0';
        if (parse_size(buf, &lo) || parse_size(dash + 1, &hi))
            return SB_EXIT_USAGE;
        if (hi < lo)
            return sb_usage_error("size range '%s' is empty", t);
        if (hi - lo > 100000)
            return sb_usage_error("size range '%s' has more than 100000 sizes", t);
    } else if (parse_size(t, &lo)) {
        return SB_EXIT_USAGE;
    } else {
        hi = lo;
    }
    for (size_t n = lo; n <= hi; n++) {
        size_t *p = malloc(sizeof *p);
        if (p != NULL)
            *p = n;
        if (push_or_oom(out, p))
            return SB_EXIT_USAGE;
    }
    return 0;
}

int sb_parse_sizes(const char *arg, struct sb_list *out)
{
    return each_item(arg, ",", one_size, out);
}

static int one_shape(const char *t, struct sb_list *out)
{
    char buf[64], cols[64];
    const char *x = strchr(t, 'x'), *colon = strchr(t, ':');
    struct sb_shape v = {0, 0, 0};
    if (x == NULL || strlen(t) >= sizeof buf || (colon != NULL && colon < x))
        return sb_usage_error("shape '%.40s' is not ROWSxCOLS[:MASK] (as 64x32000)", t);
    memcpy(buf, t, (size_t)(x - t));
    buf[x - t] = '\0';
    size_t clen = colon ? (size_t)(colon - x - 1) : strlen(x + 1);
    memcpy(cols, x + 1, clen);
    cols[clen] = '\0';
    if (parse_size(buf, &v.rows) || parse_size(cols, &v.cols))
        return SB_EXIT_USAGE;
    if (colon != NULL) {
        if (strcmp(colon + 1, "causal") == 0)
            v.mask = SB_MASK_CAUSAL;
        else if (strcmp(colon + 1, "rows") == 0)
            v.mask = SB_MASK_ROWS;
        else if (strcmp(colon + 1, "causal+rows") == 0)
            v.mask = SB_MASK_CAUSAL | SB_MASK_ROWS;
        else
            return sb_usage_error("shape '%s': the mask is causal, rows or causal+rows", t);
    }
    if (v.rows == 0 || v.cols == 0)
        return sb_usage_error("shape '%s' is empty", t);
    if (v.rows > SB_MAX_SHAPE / v.cols)
        return sb_usage_error("shape '%s' is over %zu elements", t, SB_MAX_SHAPE);
    struct sb_shape *p = malloc(sizeof *p);
    if (p != NULL)
        *p = v;
    return push_or_oom(out, p);
}

int sb_parse_shapes(const char *arg, struct sb_list *out)
{
    return each_item(arg, ",", one_shape, out);
}

static int one_threads(const char *t, struct sb_list *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(t, &end, 10);
    if (end == t || *end != '\0' || errno != 0 || *t == '-' || v < 1 || v > SOFTMAX_POOL_MAX)
        return sb_usage_error("thread count '%s' is not a whole number from 1 to %d", t,
                              SOFTMAX_POOL_MAX);
    unsigned *p = malloc(sizeof *p);
    if (p != NULL)
        *p = (unsigned)v;
    return push_or_oom(out, p);
}

int sb_parse_threads(const char *arg, struct sb_list *out)
{
    return each_item(arg, ",", one_threads, out);
}

static int one_temp(const char *t, struct sb_list *out)
{
    char *end;
    errno = 0;
    float v = strtof(t, &end);
    if (end == t || *end != '\0')
        return sb_usage_error("temperature '%s' is not a number", t);
    if (errno == ERANGE && isinf(v))
        return sb_usage_error("temperature %s is beyond float range (write inf for the limit)", t);
    if (errno == ERANGE && v == 0.0f)
        return sb_usage_error("temperature %s underflows to 0 in float", t);
    if (!(v > 0.0f))
        return sb_usage_error("temperature %s must be > 0 (T = inf gives the uniform distribution)",
                              t);
    float *p = malloc(sizeof *p);
    if (p != NULL)
        *p = v;
    return push_or_oom(out, p);
}

int sb_parse_temps(const char *arg, struct sb_list *out)
{
    return each_item(arg, ",", one_temp, out);
}

static int one_dataset(const char *t, struct sb_list *out)
{
    char err[256];
    struct sb_dataset_spec *s = malloc(sizeof *s);
    if (s == NULL)
        return sb_usage_error("out of memory");
    if (sb_dataset_parse(t, s, err, sizeof err) != 0) {
        free(s);
        return sb_usage_error("%s", err);
    }
    return push_or_oom(out, s);
}

/* Dataset specs hold commas inside their parameters, so a list separates
 * datasets with ';' or repeats -d. */
int sb_parse_datasets(const char *arg, struct sb_list *out)
{
    return each_item(arg, ";", one_dataset, out);
}

int sb_parse_seed(const char *arg, uint64_t *seed)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 0);
    if (end == arg || *end != '\0' || errno != 0 || *arg == '-')
        return sb_usage_error("seed '%s' is not a non-negative whole number", arg);
    *seed = v;
    return 0;
}

struct softmax_kernel sb_scaled_kernel(const struct softmax_kernel *k, double s)
{
    struct softmax_kernel h = *k;
    h.bound.c0 *= s;
    h.bound.c_arg *= s;
    h.bound.c_sum *= s;
    h.bound.c_mag *= s;
    return h;
}

int sb_parse_scale(const char *arg, double *s)
{
    char *end;
    *s = strtod(arg, &end);
    if (end == arg || *end != '\0' || !(*s > 0.0) || isinf(*s))
        return sb_usage_error("--bound-scale needs a finite number > 0, not '%s'", arg);
    return 0;
}

static const struct {
    const char *name;
    int mode;
} sb_rounds[] = {
    {"nearest", FE_TONEAREST},
    {"upward", FE_UPWARD},
    {"downward", FE_DOWNWARD},
    {"towardzero", FE_TOWARDZERO},
};

int sb_parse_round(const char *arg, int *mode)
{
    for (size_t i = 0; i < sizeof sb_rounds / sizeof sb_rounds[0]; i++)
        if (strcmp(arg, sb_rounds[i].name) == 0) {
            *mode = sb_rounds[i].mode;
            return 0;
        }
    return sb_usage_error("--round takes nearest, upward, downward or towardzero, not '%s'", arg);
}

const char *sb_round_name(int mode)
{
    for (size_t i = 0; i < sizeof sb_rounds / sizeof sb_rounds[0]; i++)
        if (sb_rounds[i].mode == mode)
            return sb_rounds[i].name;
    return "?";
}

json_t *sb_jhead(const char *command, int format, json_t *machine)
{
    json_t *doc = json_object(), *head = json_object();
    int bad = sb_jset(head, SBK_COMMAND, sb_jstr(command));
    bad |= sb_jset(head, SBK_FORMAT, json_integer(format));
    if (machine == NULL) {
        machine = json_object();
        bad |= sb_jset(machine, SBK_CPU, sb_jstr(sb_cpu_model()));
        bad |= sb_jset(machine, SBK_ISA, sb_jstr(softmax_isa_name(softmax_isa_available())));
    }
    bad |= sb_jset(doc, SBK_SOFTBENCH, head);
    bad |= sb_jset(doc, SBK_MACHINE, machine);
    return sb_jdone(doc, bad);
}

int sb_jout_close(struct sb_out *o, json_t *doc, char *err, size_t errlen)
{
    if (doc == NULL)
        snprintf(err, errlen, "%s: out of memory", o->path);
    else if (sb_jwrite(o->f, doc) != 0)
        snprintf(err, errlen, "%s: write failed: %s", o->path, strerror(errno));
    else {
        json_decref(doc);
        return sb_out_close(o, 1, err, errlen);
    }
    json_decref(doc);
    sb_out_close(o, 0, err, errlen);
    return -1;
}

void sb_csv_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s != NULL && *s; s++)
        fputs(*s == '"' ? "\"\"" : (char[]){*s, 0}, f);
    fputc('"', f);
}

/* The value of the first line of a cpuinfo file starting with key, into
 * out; 0 when there is none. */
static int cpuinfo_field(const char *path, const char *key, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    char line[512];
    int found = 0;
    size_t kl = strlen(key);
    while (!found && fgets(line, sizeof line, f) != NULL) {
        char *c = strchr(line, ':');
        if (strncmp(line, key, kl) != 0 || c == NULL)
            continue;
        c += 1 + (c[1] == ' ');
        c[strcspn(c, "\n")] = '\0';
        snprintf(out, len, "%s", c);
        found = 1;
    }
    fclose(f);
    return found;
}

/* An aarch64 kernel's cpuinfo has the MIDR fields (CPU implementer, CPU
 * part); qemu-user passes the host's file through, so one with none of
 * them and an x86 "vendor_id" instead is the host's. */
static int cpuinfo_is_x86_host(const char *path)
{
    char v[64];
    return !cpuinfo_field(path, "CPU implementer", v, sizeof v) &&
           cpuinfo_field(path, "vendor_id", v, sizeof v);
}

int sb_emulated(void)
{
#if defined(__aarch64__)
    return cpuinfo_is_x86_host("/proc/cpuinfo");
#else
    return 0;
#endif
}

/* MIDR implementer and part numbers of the common server and client cores
 * (Arm's Technical Reference Manuals). */
static const char *arm_part_name(unsigned impl, unsigned part)
{
    static const struct {
        unsigned impl, part;
        const char *name;
    } parts[] = {
        {0x41, 0xd08, "Arm Cortex-A72"},  {0x41, 0xd0b, "Arm Cortex-A76"},
        {0x41, 0xd0c, "Arm Neoverse N1"}, {0x41, 0xd40, "Arm Neoverse V1"},
        {0x41, 0xd49, "Arm Neoverse N2"}, {0x41, 0xd4f, "Arm Neoverse V2"},
        {0x41, 0xd84, "Arm Neoverse V3"}, {0x41, 0xd8e, "Arm Neoverse N3"},
        {0x41, 0xd41, "Arm Cortex-A78"},  {0x41, 0xd44, "Arm Cortex-X1"},
        {0x41, 0xd46, "Arm Cortex-A510"}, {0x41, 0xd47, "Arm Cortex-A710"},
        {0x41, 0xd48, "Arm Cortex-X2"},   {0xc0, 0xac3, "Ampere AmpereOne"},
        {0x46, 0x001, "Fujitsu A64FX"},   {0x61, 0x022, "Apple M1"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (parts[i].impl == impl && parts[i].part == part)
            return parts[i].name;
    return NULL;
}

void sb_cpu_model_of(const char *path, int aarch64, char *out, size_t len)
{
    char name[128], impl[32], part[32];
    int have = cpuinfo_field(path, "model name", name, sizeof name);
    if (aarch64 && cpuinfo_is_x86_host(path)) {
        snprintf(out, len, "aarch64 under qemu-user on %s", have ? name : "unknown CPU");
    } else if (aarch64 && cpuinfo_field(path, "CPU implementer", impl, sizeof impl) &&
               cpuinfo_field(path, "CPU part", part, sizeof part)) {
        unsigned i = (unsigned)strtoul(impl, NULL, 0), p = (unsigned)strtoul(part, NULL, 0);
        const char *n = arm_part_name(i, p);
        if (n != NULL)
            snprintf(out, len, "%s", n);
        else
            snprintf(out, len, "aarch64 CPU (MIDR implementer 0x%02x, part 0x%03x)", i, p);
    } else {
        snprintf(out, len, "%s", have ? name : "unknown CPU");
    }
}

#if defined(__aarch64__)
enum { defined_aarch64 = 1 };
#else
enum { defined_aarch64 = 0 };
#endif

const char *sb_cpu_model(void)
{
    static char model[160];
    if (model[0] == '\0')
        sb_cpu_model_of("/proc/cpuinfo", defined_aarch64, model, sizeof model);
    return model;
}

int sb_parse_mask(const char *arg, int *mask)
{
    char buf[64];
    if (strlen(arg) >= sizeof buf)
        return sb_usage_error("--mask takes causal, rows or none, not '%.40s'", arg);
    strcpy(buf, arg);
    *mask = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "causal") == 0)
            *mask |= SB_MASK_CAUSAL;
        else if (strcmp(t, "rows") == 0)
            *mask |= SB_MASK_ROWS;
        else if (strcmp(t, "none") != 0)
            return sb_usage_error("--mask takes causal, rows or none, not '%s'", t);
    }
    return 0;
}

void sb_apply_mask(float *x, size_t rows, size_t cols, size_t ld, int mask)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            if (((mask & SB_MASK_CAUSAL) && c > r % cols) || ((mask & SB_MASK_ROWS) && r % 8 == 7))
                x[r * ld + c] = -INFINITY;
}

const char *sb_mask_name(int mask)
{
    static const char *names[] = {"none", "causal", "rows", "causal,rows"};
    return names[mask & 3];
}

int sb_parse_dtype(const char *arg, enum softmax_dtype *t)
{
    for (int i = 0; i <= SOFTMAX_F16; i++)
        if (strcmp(arg, softmax_dtype_name((enum softmax_dtype)i)) == 0) {
            *t = (enum softmax_dtype)i;
            return 0;
        }
    return sb_usage_error("a type is f32, bf16 or f16, not '%s'", arg);
}
