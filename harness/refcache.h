/* refcache.h - the MPFR reference's results kept on disk, so that a second
 * report does not recompute the 16M-element references.
 *
 * An entry holds the input itself beside the output, and is found by a
 * digest of everything the result depends on: the reference's source (a
 * digest of reference.c compiled in), the MPFR version, the output type, n,
 * the bits of T and the input's bytes. A hit compares all of it, the input
 * byte for byte, so an entry can never answer for another input or another
 * reference: changing the generator, the seed or reference.c misses. */
#ifndef SB_REFCACHE_H
#define SB_REFCACHE_H

#include <stddef.h>

#include "reference.h"
#include "softmax.h"

/* Entries are kept from this size on; below it the reference is cheap. */
#define SB_REFCACHE_MIN_N 32768

/* sbref_softmax (or sbref_log_softmax, out SOFTMAX_OUT_LOG, a key of its
 * own) through the cache in dir (NULL: no cache). *hit says
 * whether the entry was read. A cache that cannot be written is not an
 * error (the result is still returned); one that cannot be read is a miss.
 * Returns what sbref_softmax returns. */
int sb_refcache_softmax(const char *dir, const float *x, size_t n, float T, enum softmax_output out,
                        float *y, struct sbref_info *info, int *hit);

#endif
