// Conversions between float32 and IEEE half precision (binary16), for word vectors kept as halves
// when a model is loaded for tagging (NERKit's Embedding): F16C's vcvtps2ph / vcvtph2ps where the
// CPU has it (every CPU with AVX2), clang's _Float16 otherwise; both round to nearest even.
#include "ckernels.h"
#include "cpu_features.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NER_HALVES_X86 1
#include <immintrin.h>

static int has_f16c(void) { return (ner_cpu_features() & NER_CPU_F16C) != 0; }

__attribute__((target("avx,f16c")))
static long halves_from_floats_f16c(const float *src, unsigned short *dst, long n, int *exact) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(src + i);
        const __m128i h = _mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm_storeu_si128((__m128i *)(dst + i), h);
        const __m256 back = _mm256_cvtph_ps(h);
        if (_mm256_movemask_ps(_mm256_cmp_ps(back, x, _CMP_NEQ_UQ))) *exact = 0;
    }
    return i;
}

__attribute__((target("avx,f16c")))
static long floats_from_halves_f16c(const unsigned short *src, float *dst, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    return i;
}
#endif

int ner_halves_from_floats(const float *src, unsigned short *dst, long n) {
    int exact = 1;
    long i = 0;
#ifdef NER_HALVES_X86
    if (has_f16c()) i = halves_from_floats_f16c(src, dst, n, &exact);
#endif
    for (; i < n; i++) {
        const _Float16 h = (_Float16)src[i];
        unsigned short bits;
        __builtin_memcpy(&bits, &h, 2);
        dst[i] = bits;
        if ((float)h != src[i]) exact = 0;
    }
    return exact;
}

void ner_floats_from_halves(const unsigned short *src, float *dst, long n) {
    long i = 0;
#ifdef NER_HALVES_X86
    if (has_f16c()) i = floats_from_halves_f16c(src, dst, n);
#endif
    for (; i < n; i++) {
        _Float16 h;
        __builtin_memcpy(&h, src + i, 2);
        dst[i] = (float)h;
    }
}
