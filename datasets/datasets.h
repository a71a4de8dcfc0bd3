/* datasets.h - named, seeded, reproducible input generators.
 *
 * A dataset is named by a spec "NAME" or "NAME:key=value,...", e.g.
 * "normal:sigma=16". The same (spec, seed, n) gives the same bytes on every
 * machine: the generator is xoshiro256** seeded by splitmix64, and every
 * transformation uses only correctly rounded IEEE operations (+ - * / sqrt)
 * on doubles, with a logarithm of our own instead of libm's, compiled
 * without floating-point contraction.
 */
#ifndef SB_DATASETS_H
#define SB_DATASETS_H

#include <stddef.h>
#include <stdint.h>

#define SB_DS_MAXPARAM 4

/* The real logits of the Blanchard-Higham-Higham experiment; looked for in
 * $SOFTBENCH_MNIST, ../shared/data/ and beside the checkout (never committed). */
#define SB_MNIST_FILE "bhh2021_mnist_presoftmax_f32.npy"

struct sb_dataset {
    const char *name;
    const char *description;
    const char *param_names[SB_DS_MAXPARAM]; /* NULL-terminated */
    double defaults[SB_DS_MAXPARAM];
    double lo[SB_DS_MAXPARAM], hi[SB_DS_MAXPARAM]; /* each parameter's allowed range */
    void (*generate)(float *x, size_t n, uint64_t seed, const double *p);
    /* File datasets (generate == NULL): a default file name, or "" when the
     * spec must give the path (file:PATH). They are batches of rows. */
    const char *file;
};

/* A dataset with its parameters filled in. */
struct sb_dataset_spec {
    const struct sb_dataset *ds;
    double p[SB_DS_MAXPARAM];
    char path[512]; /* file datasets: the path given, or "" for the default */
    char label[96]; /* canonical: "normal(mu=0,sigma=16)" */
};

size_t sb_dataset_count(void);
const struct sb_dataset *sb_dataset_at(size_t i);
const struct sb_dataset *sb_dataset_find(const char *name);

/* Parses a spec; on error returns -1 and writes one line into err. */
int sb_dataset_parse(const char *spec, struct sb_dataset_spec *out, char *err, size_t errlen);
void sb_dataset_generate(const struct sb_dataset_spec *s, float *x, size_t n, uint64_t seed);

int sb_dataset_is_file(const struct sb_dataset_spec *s);
/* The rows of a file dataset: rows x cols floats, malloc'ed; -1 and a line
 * in err when the file is missing or malformed. */
int sb_dataset_load(const struct sb_dataset_spec *s, float **x, size_t *rows, size_t *cols,
                    char *err, size_t errlen);

/* The generator itself, for tests and other reproducible draws. */
struct sb_rng {
    uint64_t s[4];
};
void sb_rng_seed(struct sb_rng *r, uint64_t seed);
uint64_t sb_rng_next(struct sb_rng *r);
double sb_rng_uniform(struct sb_rng *r); /* [0, 1), 53 bits */
double sb_rng_normal(struct sb_rng *r);  /* N(0, 1), polar method */
/* exp(x) for |x| <= 700 from IEEE operations and ldexp alone, the same bits
 * everywhere: x = k ln2 + r, |r| <= ln2/2 (ln2 in two parts, k ln2_hi
 * exact for |k| < 2^11), Taylor to r^16 (truncation below 1e-17). */
double sb_det_exp(double x);
double sb_det_log(double x); /* deterministic natural log, x > 0 */

#endif
