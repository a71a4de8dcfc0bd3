/* fuzz_dataset_spec.c - dataset specs (datasets/datasets.h, -d): the input
 * up to a NUL byte is a spec for sb_dataset_parse, the bytes after it give
 * the seed and n for a draw; the whole text also goes to sb_parse_datasets
 * as a ';' list (harness/cli.h). Beyond no crash: a refusal has a message
 * (one "softbench: error: " line from the list parser); a spec taken has
 * its parameters within the dataset's ranges and a label; formatted back as
 * NAME:KEY=VALUE,... (or NAME:PATH) it parses to the same parameters and
 * label; and two draws of the same (spec, seed, n) give the same bytes. */
#include <math.h>

#include "cli.h"
#include "datasets.h"
#include "fuzz.h"

static void one(const char *spec, const uint8_t *rest, size_t nrest)
{
    struct sb_dataset_spec s, t;
    char err[512] = "", back[1024];
    if (sb_dataset_parse(spec, &s, err, sizeof err) != 0) {
        FZ_CHECK(err[0] != '\0', "'%s' refused without a message", spec);
        return;
    }
    const struct sb_dataset *d = s.ds;
    FZ_CHECK(d != NULL && s.label[0] != '\0' && memchr(s.label, 0, sizeof s.label) != NULL,
             "'%s': no dataset or label", spec);
    size_t len = (size_t)snprintf(back, sizeof back, "%s", d->name);
    if (sb_dataset_is_file(&s)) {
        if (s.path[0] != '\0')
            snprintf(back + len, sizeof back - len, ":%s", s.path);
    } else {
        for (int i = 0; i < SB_DS_MAXPARAM && d->param_names[i] != NULL; i++) {
            FZ_CHECK(s.p[i] >= d->lo[i] && s.p[i] <= d->hi[i], "'%s': %s=%g outside [%g, %g]", spec,
                     d->param_names[i], s.p[i], d->lo[i], d->hi[i]);
            len += (size_t)snprintf(back + len, sizeof back - len, "%c%s=%.17g", i ? ',' : ':',
                                    d->param_names[i], s.p[i]);
        }
    }
    FZ_CHECK(sb_dataset_parse(back, &t, err, sizeof err) == 0, "'%s' as '%s': %s", spec, back, err);
    FZ_CHECK(t.ds == d && memcmp(t.p, s.p, sizeof s.p) == 0 && strcmp(t.label, s.label) == 0 &&
                 strcmp(t.path, s.path) == 0,
             "'%s' (%s) as '%s' (%s)", spec, s.label, back, t.label);
    if (sb_dataset_is_file(&s))
        return; /* sb_dataset_load reads a file: fuzz_vecio covers the formats */
    uint64_t seed = 0;
    for (size_t i = 0; i < nrest && i < 8; i++)
        seed = seed << 8 | rest[i];
    size_t n = nrest > 8 ? rest[8] % 65 : 17;
    float x[64], y[64];
    memset(x, 0, sizeof x);
    memset(y, 0xff, sizeof y);
    sb_dataset_generate(&s, x, n, seed);
    sb_dataset_generate(&t, y, n, seed);
    FZ_CHECK(memcmp(x, y, n * sizeof *x) == 0, "'%s': two draws differ (seed %llu, n %zu)", spec,
             (unsigned long long)seed, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024)
        return 0;
    char *spec = fz_cstr(data, size);
    size_t sl = strlen(spec);
    one(spec, sl < size ? data + sl + 1 : NULL, sl < size ? size - sl - 1 : 0);

    struct sb_list l = {0};
    struct fz_capture c;
    fz_capture_begin(&c);
    int rc = sb_parse_datasets(spec, &l);
    char *msg = fz_capture_end(&c);
    FZ_CHECK(rc == 0 ? msg[0] == '\0' && l.n > 0 : strncmp(msg, "softbench: error: ", 18) == 0,
             "rc %d, message '%s'", rc, msg);
    free(msg);
    sb_list_free(&l, 1);
    free(spec);
    return 0;
}
