// The matrix products of inference, written here rather than left to OpenBLAS because OpenBLAS
// picks its kernel, and with it the order in which a dot product's terms are summed, by the
// shape of the product and the position of a row in it: a sentence's scores then depended on
// the sentences batched beside it. Here each element of C is Σ_k a[k]·b[k][j] accumulated in k
// order, one rounding per step (fused multiply-add in the AVX2 path, multiply then add in the
// portable one), the same instructions for every row and column. B is packed once (the weights
// of a loaded model do not change), so no call repacks it as OpenBLAS does.
#include "ckernels.h"
#include "activations.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NER_X86 1
#include <immintrin.h>
#endif

enum { STRIP = 16, ROWS = 6 };

long ner_packed_floats(long k, long n) { return k * ((n + STRIP - 1) / STRIP * STRIP); }

void ner_pack(long k, long n, const float *b, long row_stride, long column_stride, float *packed) {
    const long strips = (n + STRIP - 1) / STRIP;
    for (long s = 0; s < strips; s++) {
        float *dst = packed + s * k * STRIP;
        for (long p = 0; p < k; p++) {
            for (long j = 0; j < STRIP; j++) {
                const long col = s * STRIP + j;
                dst[p * STRIP + j] = col < n ? b[p * row_stride + col * column_stride] : 0.0f;
            }
        }
    }
}

// One strip's columns for `rows` rows into `out` (rows × 16), starting from `out`'s values when
// accumulating.
static void portable_strip(long rows, long k, const float *a, long lda, const float *strip,
                           float *out, int accumulate) {
#pragma clang fp contract(off)
    for (long r = 0; r < rows; r++) {
        float *o = out + r * STRIP;
        if (!accumulate) memset(o, 0, STRIP * sizeof(float));
        for (long p = 0; p < k; p++) {
            const float x = a[r * lda + p];
            for (long j = 0; j < STRIP; j++) {
                const float t = x * strip[p * STRIP + j];
                o[j] = o[j] + t;
            }
        }
    }
}

#ifdef NER_X86
// Up to ROWS rows by one strip, accumulators in registers over all of k. Always inlined, so
// that the call with the constant ROWS gets a fully unrolled row loop.
__attribute__((target("avx2,fma"), always_inline))
static inline void avx2_strip(long rows, long k, const float *a, long lda, const float *strip,
                              float *out, int accumulate) {
    __m256 acc[ROWS][2];
    for (long r = 0; r < rows; r++) {
        acc[r][0] = accumulate ? _mm256_loadu_ps(out + r * STRIP) : _mm256_setzero_ps();
        acc[r][1] = accumulate ? _mm256_loadu_ps(out + r * STRIP + 8) : _mm256_setzero_ps();
    }
    for (long p = 0; p < k; p++) {
        const __m256 b0 = _mm256_loadu_ps(strip + p * STRIP), b1 = _mm256_loadu_ps(strip + p * STRIP + 8);
        for (long r = 0; r < rows; r++) {
            const __m256 x = _mm256_broadcast_ss(a + r * lda + p);
            acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
        }
    }
    for (long r = 0; r < rows; r++) {
        _mm256_storeu_ps(out + r * STRIP, acc[r][0]);
        _mm256_storeu_ps(out + r * STRIP + 8, acc[r][1]);
    }
}

// The entry point with the AVX2 target: the full blocks get the ROWS-specialised inline copy.
__attribute__((target("avx2,fma")))
static void avx2_block(long rows, long k, const float *a, long lda, const float *strip, float *out, int accumulate) {
    if (rows == ROWS) avx2_strip(ROWS, k, a, lda, strip, out, accumulate);
    else avx2_strip(rows, k, a, lda, strip, out, accumulate);
}

#endif

void ner_rows_product(long m, long n, long k, const float *a, long lda, const float *packed,
                      float *c, long ldc, int accumulate) {
    if (m <= 0 || n <= 0) return;
#ifdef NER_X86
    const int vector = ner_has_avx2();
#endif
    const long strips = (n + STRIP - 1) / STRIP;
    float tile[ROWS * STRIP];
    // Strips outside, row blocks inside: a strip (k × 16 floats) stays in L1 while every row
    // block passes over it.
    for (long s = 0; s < strips; s++) {
        const float *strip = packed + s * k * STRIP;
        const long j0 = s * STRIP, width = n - j0 < STRIP ? n - j0 : STRIP;
        for (long r = 0; r < m; r += ROWS) {
            const long rows = m - r < ROWS ? m - r : ROWS;
            if (accumulate)
                for (long i = 0; i < rows; i++) {
                    memcpy(tile + i * STRIP, c + (r + i) * ldc + j0, (size_t)width * sizeof(float));
                    for (long j = width; j < STRIP; j++) tile[i * STRIP + j] = 0;
                }
#ifdef NER_X86
            if (vector) avx2_block(rows, k, a + r * lda, lda, strip, tile, accumulate);
            else
#endif
                portable_strip(rows, k, a + r * lda, lda, strip, tile, accumulate);
            for (long i = 0; i < rows; i++) memcpy(c + (r + i) * ldc + j0, tile + i * STRIP, (size_t)width * sizeof(float));
        }
    }
}
