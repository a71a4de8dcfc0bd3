/* peers.h - what a user would pick instead of our kernels, wrapped as kernel
 * records so that the same harness measures and verifies them in the same
 * run: peer.libm (the three-pass loop a newcomer writes, glibc expf),
 * peer.onednn (oneDNN's softmax v2 primitive, softmax_accurate, one row,
 * one thread) and peer.xnnpack (XNNPACK's softmax_nc_f32, batch 1, no thread
 * pool). The last two are built when their libraries were found at build
 * time. Peers have no temperature: for T != 1 they get x/T, scaled into a
 * buffer first. They declare no bound: verify and edge report them without
 * judging them. */
#ifndef SB_PEERS_H
#define SB_PEERS_H

#include <stddef.h>

#include "softmax.h"

/* Every kernel the harness knows: the library's, the peers built, then the
 * plugins' (plugin.h). */
size_t sb_kernel_total(void);
const struct softmax_kernel *sb_kernel_any(size_t i);
/* Any kernel by name: the library's (log-softmax ones too), the peers, the
 * logof.K wrappers and the plugins'. */
const struct softmax_kernel *sb_kernel_lookup(const char *name);
/* Peers, logof.K and plugin kernels that declare no bound: reported, never
 * judged. */
int sb_is_peer(const struct softmax_kernel *k);
/* logof.K, K a library softmax kernel: log of K's output, elementwise, as a
 * log-softmax record (the comparison of docs/log-softmax.md). */
size_t sb_logof_count(void);
const struct softmax_kernel *sb_logof_at(size_t i);

/* Peers that were not built, and why. */
size_t sb_peer_missing_count(void);
const char *sb_peer_missing_name(size_t i);
const char *sb_peer_missing_reason(size_t i);

/* Caps the peers' ISA where they allow it (oneDNN: ONEDNN_MAX_CPU_ISA);
 * returns a note on what could not be capped. Call before the first run. */
const char *sb_peers_cap_isa(enum softmax_isa isa);
/* A line per built peer library with its version. */
const char *sb_peers_versions(void);
/* Frees what the peers cached (primitives and operators per n). */
void sb_peers_release(void);
/* oneDNN's batched softmax: one 2-D primitive over rows x cols (contiguous),
 * softmax along each row, on its OpenMP runtime with that many threads;
 * SOFTMAX_ENOTSUP when oneDNN was not built in. */
int sb_peer_onednn_batch(const float *x, float *y, size_t rows, size_t cols, float T,
                         unsigned threads);

#endif
