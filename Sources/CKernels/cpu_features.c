// The CPU's features and the kernels' default path, each asked once for the whole module. The
// caches are atomic: both LSTM directions reach their first step at the same moment on two
// threads (a data race the ThreadSanitizer test found).
#include "cpu_features.h"

#include <stdlib.h>

static int ask_cpu(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    int f = 0;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) f |= NER_CPU_AVX2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) f |= NER_CPU_AVX512;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16")) f |= NER_CPU_BF16;
    if (__builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c")) f |= NER_CPU_F16C;
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
