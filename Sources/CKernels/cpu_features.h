// The CPU features the kernels of this module choose their paths by (not part of its interface).
#ifndef NER_CPU_FEATURES_H
#define NER_CPU_FEATURES_H

enum {
    NER_CPU_AVX2 = 1,    // AVX2 and FMA
    NER_CPU_AVX512 = 2,  // AVX-512 F and DQ
    NER_CPU_BF16 = 4,    // AVX512_BF16 (with AVX-512 F)
    NER_CPU_F16C = 8,    // F16C (with AVX)
    NER_CPU_PCLMUL = 16, // PCLMULQDQ (carry-less multiply) and SSE4.1
};

/// What this CPU has (NER_CPU_* bits), asked once.
int ner_cpu_features(void);

/// The best kernel path this CPU has: 2 AVX-512 (with AVX2), 1 AVX2, 0 portable.
int ner_cpu_best_path(void);

/// The path the kernels take by default: the best one, except that NER_NO_AVX512 in the
/// environment (any value) stops it at AVX2, to compare the two.
int ner_cpu_default_path(void);

/// Whether the bfloat16 products can use AMX tiles (AMX-TILE and AMX-BF16, enabled by the OS and,
/// on Linux, granted to this process by arch_prctl(ARCH_REQ_XCOMP_PERM)): asked once, the
/// permission requested at the first call.
int ner_cpu_amx_ready(void);

/// The path of the bfloat16 products by default: 1 AMX when `ner_cpu_amx_ready`, unless NER_NO_AMX
/// is in the environment (any value), else 0 (AVX512_BF16's vdpbf16ps).
int ner_cpu_bf16_default_path(void);

#endif
