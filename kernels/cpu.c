/* cpu.c - runtime ISA detection, done once, and the SOFTMAX_ISA cap.
 *
 * x86-64: AVX2 needs CPUID.7.0:EBX.AVX2 and CPUID.1:ECX.FMA; AVX-512 needs
 * CPUID.7.0:EBX.AVX512F. Either also needs the OS to save the wider
 * registers: CPUID.1:ECX.OSXSAVE, then XGETBV(0) with XMM|YMM state (0x6),
 * plus opmask|ZMM_Hi256|Hi16_ZMM (0xe0) for AVX-512. aarch64: NEON
 * (Advanced SIMD) is HWCAP_ASIMD and SVE HWCAP_SVE in getauxval(AT_HWCAP),
 * which the kernel sets only when it also saves the registers. Kernels
 * never look at any of this; the registry asks here.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "softmax.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

__attribute__((target("xsave"))) static unsigned long long read_xcr0(void)
{
    return __builtin_ia32_xgetbv(0);
}

static enum softmax_isa detect_hw(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return SOFTMAX_ISA_SCALAR;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1;
    if (!osxsave)
        return SOFTMAX_ISA_SCALAR;
    unsigned long long xcr0 = read_xcr0();
    if ((xcr0 & 0x6) != 0x6)
        return SOFTMAX_ISA_SCALAR;
    if (__get_cpuid_max(0, NULL) < 7)
        return SOFTMAX_ISA_SCALAR;
    __cpuid_count(7, 0, a, b, c, d);
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
    if (avx512f && avx2 && fma && (xcr0 & 0xe0) == 0xe0)
        return SOFTMAX_ISA_AVX512;
    if (avx2 && fma)
        return SOFTMAX_ISA_AVX2;
    return SOFTMAX_ISA_SCALAR;
}

int sb_cpu_features(void)
{
    static _Atomic int cached = -1;
    int f = cached;
    if (f >= 0)
        return f;
    unsigned a, b, c, d;
    f = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) && ((c >> 29) & 1))
        f |= SB_CPU_F16C;
    if (__get_cpuid_max(0, NULL) >= 7) {
        __cpuid_count(7, 1, a, b, c, d);
        if ((a >> 5) & 1)
            f |= SB_CPU_AVX512BF16;
    }
    cached = f;
    return f;
}
#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1UL << 1)
#endif
#ifndef HWCAP_SVE
#define HWCAP_SVE (1UL << 22)
#endif

static enum softmax_isa detect_hw(void)
{
    unsigned long hw = getauxval(AT_HWCAP);
    if (hw & HWCAP_SVE)
        return SOFTMAX_ISA_SVE;
    return (hw & HWCAP_ASIMD) ? SOFTMAX_ISA_NEON : SOFTMAX_ISA_SCALAR;
}
int sb_cpu_features(void) { return 0; }
#else
static enum softmax_isa detect_hw(void) { return SOFTMAX_ISA_SCALAR; }
int sb_cpu_features(void) { return 0; }
#endif

/* An ISA's architecture (0: scalar, any) and its level within it. */
static int isa_arch(enum softmax_isa isa)
{
    return isa == SOFTMAX_ISA_SCALAR ? 0 : isa <= SOFTMAX_ISA_AVX512 ? 1 : 2;
}
static int isa_level(enum softmax_isa isa)
{
    switch (isa) {
    case SOFTMAX_ISA_SCALAR: return 0;
    case SOFTMAX_ISA_AVX2:
    case SOFTMAX_ISA_NEON: return 1;
    case SOFTMAX_ISA_AVX512:
    case SOFTMAX_ISA_SVE: return 2;
    }
    return 0;
}

int softmax_isa_within(enum softmax_isa isa, enum softmax_isa have)
{
    return isa == SOFTMAX_ISA_SCALAR ||
           (isa_arch(isa) == isa_arch(have) && isa_level(isa) <= isa_level(have));
}

/* What stays usable of have under cap: the lower of the two; a cap from
 * another architecture leaves scalar, since none of its code runs here. */
static enum softmax_isa capped(enum softmax_isa have, enum softmax_isa cap)
{
    if (softmax_isa_within(cap, have))
        return cap;
    return softmax_isa_within(have, cap) ? have : SOFTMAX_ISA_SCALAR;
}

/* -1: not yet read. The computation is idempotent, so a race only repeats it. */
static _Atomic int isa_cached = -1;
static _Atomic int env_bad = 0;

static int parse_cap(const char *s, enum softmax_isa *cap)
{
    static const char *names[] = {"scalar", "avx2", "avx512", "neon", "sve"};
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0) {
            *cap = (enum softmax_isa)i;
            return 0;
        }
    return -1;
}

enum softmax_isa softmax_isa_available(void)
{
    int v = atomic_load_explicit(&isa_cached, memory_order_relaxed);
    if (v >= 0)
        return (enum softmax_isa)v;
    enum softmax_isa isa = detect_hw(), cap = isa;
    const char *env = getenv("SOFTMAX_ISA");
    if (env != NULL && *env != '\0' && parse_cap(env, &cap) != 0) {
        cap = SOFTMAX_ISA_SCALAR;
        atomic_store_explicit(&env_bad, 1, memory_order_relaxed);
    }
    isa = capped(isa, cap);
    atomic_store_explicit(&isa_cached, (int)isa, memory_order_relaxed);
    return isa;
}

enum softmax_isa softmax_isa_cap(enum softmax_isa cap)
{
    enum softmax_isa now = capped(softmax_isa_available(), cap);
    atomic_store_explicit(&isa_cached, (int)now, memory_order_relaxed);
    return now;
}

int softmax_isa_env_status(void)
{
    (void)softmax_isa_available();
    return atomic_load_explicit(&env_bad, memory_order_relaxed) ? -1 : 0;
}

const char *softmax_isa_name(enum softmax_isa isa)
{
    switch (isa) {
    case SOFTMAX_ISA_SCALAR: return "scalar";
    case SOFTMAX_ISA_AVX2: return "avx2";
    case SOFTMAX_ISA_AVX512: return "avx512";
    case SOFTMAX_ISA_NEON: return "neon";
    case SOFTMAX_ISA_SVE: return "sve";
    }
    return "unknown";
}
