// The CPU's features and the kernels' default path, each asked once for the whole module. The
// caches are atomic: both LSTM directions reach their first step at the same moment on two
// threads (a data race the ThreadSanitizer test found).
#include "cpu_features.h"

#include <stdlib.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <cpuid.h>
#endif
#if defined(__x86_64__) && defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

static int ask_cpu(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    int f = 0;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) f |= NER_CPU_AVX2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) f |= NER_CPU_AVX512;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16")) f |= NER_CPU_BF16;
    if (__builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c")) f |= NER_CPU_F16C;
    if (__builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1")) f |= NER_CPU_PCLMUL;
    return f;
#else
    return 0;
#endif
}

int ner_cpu_features(void) {
    static int known = -1;
    int value = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (value < 0) {
        value = ask_cpu();
        __atomic_store_n(&known, value, __ATOMIC_RELAXED);
    }
    return value;
}

int ner_cpu_best_path(void) {
    const int f = ner_cpu_features();
    return !(f & NER_CPU_AVX2) ? 0 : (f & NER_CPU_AVX512) ? 2 : 1;
}

int ner_cpu_default_path(void) {
    static int known = -1;
    int value = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (value < 0) {
        value = ner_cpu_best_path();
        if (value == 2 && getenv("NER_NO_AVX512")) value = 1;
        __atomic_store_n(&known, value, __ATOMIC_RELAXED);
    }
    return value;
}

// AMX: CPUID.(7,0).EDX bit 24 (AMX-TILE) and bit 22 (AMX-BF16); XCR0 bits 17 and 18 (tile
// configuration and tile data state enabled by the OS); then Linux (5.16 on) hands the 8 KB of
// tile data state to a process only when asked, ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA
// (without it the first tile instruction kills the process with SIGILL).
static int ask_amx(void) {
#if defined(__x86_64__) && defined(__linux__) && (defined(__clang__) || defined(__GNUC__))
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    if (!(d & (1u << 24)) || !(d & (1u << 22))) return 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;  // OSXSAVE: xgetbv allowed
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & (3u << 17)) != (3u << 17)) return 0;
    enum { ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18 };
    return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
#else
    return 0;
#endif
}

int ner_cpu_amx_ready(void) {
    static int known = -1;
    int value = __atomic_load_n(&known, __ATOMIC_ACQUIRE);
    if (value < 0) {
        // Two threads may both ask: the request is idempotent and both get the same answer.
        value = (ner_cpu_features() & NER_CPU_BF16) && ask_amx();
        __atomic_store_n(&known, value, __ATOMIC_RELEASE);
    }
    return value;
}

int ner_cpu_bf16_default_path(void) {
    static int known = -1;
    int value = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (value < 0) {
        value = ner_cpu_amx_ready() && !getenv("NER_NO_AMX") ? 1 : 0;
        __atomic_store_n(&known, value, __ATOMIC_RELAXED);
    }
    return value;
}

static int ask_intel(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return 0;
    return b == 0x756e6547u && d == 0x49656e69u && c == 0x6c65746eu;  // "GenuineIntel"
#else
    return 0;
#endif
}

int ner_bf16_fastest(void) {
    if (!(ner_cpu_features() & NER_CPU_BF16)) return 0;
    return ner_cpu_bf16_default_path() == 1 || !ask_intel();
}
