/* testutil.h - what the cmocka test programs share. */
#ifndef SB_TESTUTIL_H
#define SB_TESTUTIL_H

/* cmocka needs these before its header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

/* Bitwise float equality (NaN equals NaN, -0 differs from +0). */
static inline int same_bits(float a, float b)
{
    uint32_t ua, ub;
    memcpy(&ua, &a, 4);
    memcpy(&ub, &b, 4);
    return ua == ub || (isnan(a) && isnan(b));
}

#endif
