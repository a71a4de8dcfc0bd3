/* softbench_plugin.h - what a plugin exports: your own softmax kernels in a
 * shared object, which `softbench --plugin PATH COMMAND` loads and verifies,
 * times and gates beside softbench's own (docs/plugins.md).
 *
 * The object exports one function, softbench_plugin. softbench calls it
 * with the ABI version it was built for; the plugin returns its descriptor
 * (or NULL when it cannot serve that version). The records are the
 * library's struct softmax_kernel, read as follows:
 *   name     the kernel's name within the plugin ("threepass"); it appears
 *            as "PLUGIN.NAME". Letters, digits, '_', '-' and '.'.
 *   fn       required: the kernel, softmax_fn's contract (softmax.h).
 *   isa      the ISA it needs (a record the CPU cannot run is a SKIP).
 *   bound    the declared accuracy bound (softmax.h, struct softmax_bound).
 *            A record whose bound is all zero declares none: it is
 *            reported like a peer, never judged.
 *   safe     1: it claims the edge-case contract (docs/contract.md).
 *   output   SOFTMAX_OUT_PROB or SOFTMAX_OUT_LOG.
 *   in_domain, algorithm, summary: as for softbench's kernels (optional).
 *   rows     ignored: softbench calls each row through fn.
 * Every call of a plugin kernel runs in a child process, its input and
 * output ending at guard pages, under a time limit, so a kernel that
 * crashes, hangs or reads or writes out of bounds fails that input and the
 * run goes on. */
#ifndef SOFTBENCH_PLUGIN_H
#define SOFTBENCH_PLUGIN_H

#include "softmax.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Raised whenever struct softbench_plugin or the reading of its records
 * changes. */
#define SOFTBENCH_PLUGIN_ABI 1

struct softbench_plugin {
    unsigned abi;     /* SOFTBENCH_PLUGIN_ABI, as the plugin was compiled */
    const char *name; /* the prefix: letters, digits, '_' and '-' */
    size_t count;     /* kernels[0 .. count-1] */
    const struct softmax_kernel *kernels;
};

typedef const struct softbench_plugin *(*softbench_plugin_fn)(unsigned abi);

/* The entry point a plugin defines (and exports, if it is built with
 * -fvisibility=hidden). */
SOFTMAX_API const struct softbench_plugin *softbench_plugin(unsigned abi);

#ifdef __cplusplus
}
#endif

#endif
