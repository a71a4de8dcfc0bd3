/* alloc.c - the kernels' allocations, through one wrapper each, so that a
 * test can make them fail (the hook sb_alloc_fail_after, internal.h). */
#include <stdatomic.h>
#include <stdlib.h>

#include "internal.h"

atomic_int sb_alloc_fail_after = -1;

/* 1 when this allocation is to fail: the hook at 0; above 0 it counts down
 * (atomically: the accurate kernels allocate on the pool's threads too). */
static int fail_now(void)
{
    int a = atomic_load_explicit(&sb_alloc_fail_after, memory_order_relaxed);
    for (;;) {
        if (a <= 0)
            return a == 0;
        if (atomic_compare_exchange_weak_explicit(&sb_alloc_fail_after, &a, a - 1,
                                                  memory_order_relaxed, memory_order_relaxed))
            return 0;
    }
}

void *sb_malloc(size_t size) { return fail_now() ? NULL : malloc(size); }

void *sb_calloc(size_t count, size_t size) { return fail_now() ? NULL : calloc(count, size); }

void *sb_aligned_alloc(size_t align, size_t size)
{
    return fail_now() ? NULL : aligned_alloc(align, size);
}
