/* fuzz_options.c - the option parsers of harness/cli.c: the first byte
 * picks one (-k kernels, -n sizes, --shape, -T temperatures, --threads,
 * --mask, --seed, --dtype, --bound-scale, --round), the rest is its argument.
 * Beyond no crash: a refusal prints one "softbench: error: " line; a value
 * taken is within the documented range, and formatted back (numbers, names,
 * ROWSxCOLS:MASK) and parsed again gives the same value. */
#include <errno.h>
#include <math.h>

#include "cli.h"
#include "fuzz.h"

enum { KERNELS, SIZES, SHAPES, TEMPS, THREADS, MASK, SEED, DTYPE, SCALE, ROUND, NPARSERS };

/* Runs one parser with stderr captured; rc, and a refusal checked. */
static int run(int which, const char *arg, void *out)
{
    struct fz_capture c;
    fz_capture_begin(&c);
    int rc;
    switch (which) {
    case KERNELS: rc = sb_parse_kernels(arg, out); break;
    case SIZES: rc = sb_parse_sizes(arg, out); break;
    case SHAPES: rc = sb_parse_shapes(arg, out); break;
    case TEMPS: rc = sb_parse_temps(arg, out); break;
    case THREADS: rc = sb_parse_threads(arg, out); break;
    case MASK: rc = sb_parse_mask(arg, out); break;
    case SEED: rc = sb_parse_seed(arg, out); break;
    case DTYPE: rc = sb_parse_dtype(arg, out); break;
    case SCALE: rc = sb_parse_scale(arg, out); break;
    default: rc = sb_parse_round(arg, out); break;
    }
    char *msg = fz_capture_end(&c);
    FZ_CHECK(rc == 0 || rc == SB_EXIT_USAGE, "parser %d returned %d", which, rc);
    FZ_CHECK(rc == 0 ? msg[0] == '\0'
                     : strncmp(msg, "softbench: error: ", 18) == 0 && msg[strlen(msg) - 1] == '\n',
             "parser %d, rc %d, message '%s'", which, rc, msg);
    free(msg);
    return rc;
}

/* The list formatted back, for the parser to read again. */
static char *format_list(int which, const struct sb_list *l)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    FZ_CHECK(f != NULL, "open_memstream");
    for (size_t i = 0; i < l->n; i++) {
        if (i > 0)
            fputc(',', f);
        switch (which) {
        case KERNELS: fputs(((const struct softmax_kernel *)l->v[i])->name, f); break;
        case SIZES: fprintf(f, "%zu", *(size_t *)l->v[i]); break;
        case SHAPES: {
            const struct sb_shape *s = l->v[i];
            static const char *sfx[4] = {"", ":causal", ":rows", ":causal+rows"};
            fprintf(f, "%zux%zu%s", s->rows, s->cols, sfx[s->mask & 3]);
            break;
        }
        case TEMPS: fprintf(f, "%.9g", (double)*(float *)l->v[i]); break;
        default: fprintf(f, "%u", *(unsigned *)l->v[i]); break;
        }
    }
    fclose(f);
    return buf;
}

static int same_item(int which, const void *a, const void *b)
{
    switch (which) {
    case KERNELS: return a == b;
    case SIZES: return *(const size_t *)a == *(const size_t *)b;
    case SHAPES: return memcmp(a, b, sizeof(struct sb_shape)) == 0;
    case TEMPS: return memcmp(a, b, sizeof(float)) == 0;
    default: return *(const unsigned *)a == *(const unsigned *)b;
    }
}

static void in_range(int which, const void *p)
{
    if (which == SIZES)
        FZ_CHECK(*(const size_t *)p <= SB_MAX_N, "size %zu", *(const size_t *)p);
    else if (which == SHAPES) {
        const struct sb_shape *s = p;
        FZ_CHECK(s->rows >= 1 && s->cols >= 1 && s->rows <= SB_MAX_SHAPE / s->cols &&
                     s->mask >= 0 && s->mask <= 3,
                 "shape %zux%zu:%d", s->rows, s->cols, s->mask);
    } else if (which == TEMPS)
        FZ_CHECK(*(const float *)p > 0.0f, "temperature %g", (double)*(const float *)p);
    else if (which == THREADS)
        FZ_CHECK(*(const unsigned *)p >= 1 && *(const unsigned *)p <= SOFTMAX_POOL_MAX,
                 "threads %u", *(const unsigned *)p);
}

static void list_parser(int which, const char *arg)
{
    struct sb_list l = {0}, again = {0};
    if (run(which, arg, &l) == 0) {
        FZ_CHECK(l.n > 0, "an empty list taken");
        for (size_t i = 0; i < l.n; i++)
            in_range(which, l.v[i]);
        char *text = format_list(which, &l);
        FZ_CHECK(run(which, text, &again) == 0, "'%s' formatted back as '%s': refused", arg, text);
        FZ_CHECK(again.n == l.n, "'%s': %zu items, '%s': %zu", arg, l.n, text, again.n);
        for (size_t i = 0; i < l.n; i++)
            FZ_CHECK(same_item(which, l.v[i], again.v[i]), "'%s' and '%s' differ at item %zu", arg,
                     text, i);
        free(text);
    }
    sb_list_free(&l, which != KERNELS);
    sb_list_free(&again, which != KERNELS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 256)
        return 0;
    int which = data[0] % NPARSERS;
    char *arg = fz_cstr(data + 1, size - 1);
    char buf[128];
    if (which == SIZES) {
        /* a range is up to 100000 sizes, each allocated: a few are enough */
        size_t dashes = 0;
        for (const char *p = arg; *p; p++)
            dashes += *p == '-';
        if (dashes > 2) {
            free(arg);
            return 0;
        }
    }
    switch (which) {
    case MASK: {
        int m = -1, m2 = -1;
        if (run(MASK, arg, &m) == 0) {
            FZ_CHECK(m >= 0 && m <= 3, "mask %d", m);
            FZ_CHECK(run(MASK, sb_mask_name(m), &m2) == 0 && m2 == m, "mask '%s': %d, then %d",
                     sb_mask_name(m), m, m2);
        }
        break;
    }
    case SEED: {
        uint64_t s = 0, s2 = 1;
        if (run(SEED, arg, &s) == 0) {
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)s);
            FZ_CHECK(run(SEED, buf, &s2) == 0 && s2 == s, "seed %s", buf);
        }
        break;
    }
    case DTYPE: {
        enum softmax_dtype t = SOFTMAX_F32, t2 = SOFTMAX_F16;
        if (run(DTYPE, arg, &t) == 0)
            FZ_CHECK(run(DTYPE, softmax_dtype_name(t), &t2) == 0 && t2 == t, "dtype %d", t);
        break;
    }
    case SCALE: {
        double s = 0, s2 = -1;
        if (run(SCALE, arg, &s) == 0) {
            FZ_CHECK(s > 0 && isfinite(s), "scale %g", s);
            snprintf(buf, sizeof buf, "%.17g", s);
            FZ_CHECK(run(SCALE, buf, &s2) == 0 && s2 == s, "scale %s", buf);
        }
        break;
    }
    case ROUND: {
        int m = -1, m2 = -2;
        if (run(ROUND, arg, &m) == 0)
            FZ_CHECK(strcmp(sb_round_name(m), "?") != 0 && run(ROUND, sb_round_name(m), &m2) == 0 &&
                         m2 == m,
                     "round '%s': %d, then %d", arg, m, m2);
        break;
    }
    default: list_parser(which, arg); break;
    }
    free(arg);
    return 0;
}
