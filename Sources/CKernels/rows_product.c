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
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NER_X86 1
#include <immintrin.h>
#endif

enum { STRIP = 16, ROWS = 6 };
_Static_assert(ROWS == 6, "avx2_block has one case per row count up to ROWS");

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

// The entry point with the AVX2 target: every row count gets its own inline copy, with its row
// loop unrolled and its accumulators in registers. With one copy for the full blocks only, the
// blocks of fewer rows (a batch's last block, the steps where only a few sentences are left) kept
// their accumulators on the stack: 15% of tagging's samples on an AMD Zen 3, where this path is
// the only one.
__attribute__((target("avx2,fma")))
static void avx2_block(long rows, long k, const float *a, long lda, const float *strip, float *out, int accumulate) {
    switch (rows) {
    case 6: avx2_strip(6, k, a, lda, strip, out, accumulate); break;
    case 5: avx2_strip(5, k, a, lda, strip, out, accumulate); break;
    case 4: avx2_strip(4, k, a, lda, strip, out, accumulate); break;
    case 3: avx2_strip(3, k, a, lda, strip, out, accumulate); break;
    case 2: avx2_strip(2, k, a, lda, strip, out, accumulate); break;
    default: avx2_strip(1, k, a, lda, strip, out, accumulate); break;
    }
}

// AVX-512: four strips (64 columns) by up to 4 rows, 16 accumulators, four loads of B and one
// broadcast of A per four fused multiply-adds; the strips left over (fewer than four) go to
// avx512_strips. The same fused multiply-add per element, in the same k order, as the AVX2 path,
// hence the same bits. Measured on an AMD Zen 4 (2 cores, idle, all of CoNLL-2003 as tokens
// through `ner tag`, five runs each): AVX2 2.22 s, four strips by 4 rows 1.95 s; a two-strip
// kernel measured 2.01 s (by 4 rows; by 8 about the same, by 6 slower, by 12 much slower).
enum { ROWS512Q = 4 };
__attribute__((target("avx512f"), always_inline))
static inline void avx512_quad_rows(long rows, long k, const float *a, long lda, const float *s0,
                                    float *out, int accumulate) {
    __m512 acc[ROWS512Q][4];
    for (long r = 0; r < rows; r++)
        for (int q = 0; q < 4; q++)
            acc[r][q] = accumulate ? _mm512_loadu_ps(out + (q * ROWS512Q + r) * STRIP) : _mm512_setzero_ps();
    const long step = k * STRIP;
    for (long p = 0; p < k; p++) {
        const __m512 b0 = _mm512_loadu_ps(s0 + p * STRIP), b1 = _mm512_loadu_ps(s0 + step + p * STRIP);
        const __m512 b2 = _mm512_loadu_ps(s0 + 2 * step + p * STRIP), b3 = _mm512_loadu_ps(s0 + 3 * step + p * STRIP);
        for (long r = 0; r < rows; r++) {
            const __m512 x = _mm512_set1_ps(a[r * lda + p]);
            acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
            acc[r][2] = _mm512_fmadd_ps(x, b2, acc[r][2]);
            acc[r][3] = _mm512_fmadd_ps(x, b3, acc[r][3]);
        }
    }
    for (long r = 0; r < rows; r++)
        for (int q = 0; q < 4; q++) _mm512_storeu_ps(out + (q * ROWS512Q + r) * STRIP, acc[r][q]);
}

__attribute__((target("avx512f")))
static void avx512_quad(long rows, long k, const float *a, long lda, const float *s0, float *out, int accumulate) {
    if (rows == ROWS512Q) avx512_quad_rows(ROWS512Q, k, a, lda, s0, out, accumulate);
    else avx512_quad_rows(rows, k, a, lda, s0, out, accumulate);
}

// AVX-512 for the strips left after the quads (one to three: the output layer's 17 tags are two
// strips): up to 6 rows by `S` strips, one 16-lane accumulator per row and strip, one load of B
// per strip and one broadcast of A per S fused multiply-adds; half the instructions of the AVX2
// kernel's two 8-lane halves. The same fused multiply-add per element in the same k order, hence
// the same bits. Tiles in `out` as avx512_quad's: strip q's row r at (q·ROWS + r)·16.
__attribute__((target("avx512f"), always_inline))
static inline void avx512_strips_rows(long S, long rows, long k, const float *a, long lda, const float *s0,
                                      float *out, int accumulate) {
    __m512 acc[ROWS][3];
    for (long r = 0; r < rows; r++)
        for (long q = 0; q < S; q++)
            acc[r][q] = accumulate ? _mm512_loadu_ps(out + (q * ROWS + r) * STRIP) : _mm512_setzero_ps();
    const long step = k * STRIP;
    for (long p = 0; p < k; p++) {
        __m512 b[3];
        for (long q = 0; q < S; q++) b[q] = _mm512_loadu_ps(s0 + q * step + p * STRIP);
        for (long r = 0; r < rows; r++) {
            const __m512 x = _mm512_set1_ps(a[r * lda + p]);
            for (long q = 0; q < S; q++) acc[r][q] = _mm512_fmadd_ps(x, b[q], acc[r][q]);
        }
    }
    for (long r = 0; r < rows; r++)
        for (long q = 0; q < S; q++) _mm512_storeu_ps(out + (q * ROWS + r) * STRIP, acc[r][q]);
}

// Every (strips, rows) pair its own inline copy, accumulators in registers (see avx2_block).
#define NER_STRIPS_ROWS(S)                                                                          \
    switch (rows) {                                                                                 \
    case 6: avx512_strips_rows(S, 6, k, a, lda, s0, out, accumulate); break;                        \
    case 5: avx512_strips_rows(S, 5, k, a, lda, s0, out, accumulate); break;                        \
    case 4: avx512_strips_rows(S, 4, k, a, lda, s0, out, accumulate); break;                        \
    case 3: avx512_strips_rows(S, 3, k, a, lda, s0, out, accumulate); break;                        \
    case 2: avx512_strips_rows(S, 2, k, a, lda, s0, out, accumulate); break;                        \
    default: avx512_strips_rows(S, 1, k, a, lda, s0, out, accumulate); break;                       \
    }
__attribute__((target("avx512f")))
static void avx512_strips(long S, long rows, long k, const float *a, long lda, const float *s0, float *out, int accumulate) {
    if (S == 3) { NER_STRIPS_ROWS(3) }
    else if (S == 2) { NER_STRIPS_ROWS(2) }
    else { NER_STRIPS_ROWS(1) }
}
#undef NER_STRIPS_ROWS

#endif

// Copies rows × width of C into a 16-wide tile (zero past width) when accumulating, and back.
static void load_tile(const float *c, long ldc, long rows, long width, float *tile) {
    for (long i = 0; i < rows; i++) {
        memcpy(tile + i * STRIP, c + i * ldc, (size_t)width * sizeof(float));
        for (long j = width; j < STRIP; j++) tile[i * STRIP + j] = 0;
    }
}

static void store_tile(const float *tile, long rows, long width, float *c, long ldc) {
    for (long i = 0; i < rows; i++) memcpy(c + i * ldc, tile + i * STRIP, (size_t)width * sizeof(float));
}

int ner_rows_product_on(int path, long m, long n, long k, const float *a, long lda, const float *packed,
                        float *c, long ldc, int accumulate) {
#ifdef NER_X86
    if (path > ner_cpu_best_path()) path = ner_cpu_best_path();
#else
    path = 0;
#endif
    if (m <= 0 || n <= 0) return path;
    const long strips = (n + STRIP - 1) / STRIP;
    long first = 0;  // the first strip left to the one-strip kernels below
#ifdef NER_X86
    if (path == 2) {
        float quad[4 * ROWS512Q * STRIP];
        for (; first + 3 < strips; first += 4) {
            const float *s0 = packed + first * k * STRIP;
            const long j0 = first * STRIP, width3 = n - j0 - 3 * STRIP < STRIP ? n - j0 - 3 * STRIP : STRIP;
            for (long r = 0; r < m; r += ROWS512Q) {
                const long rows = m - r < ROWS512Q ? m - r : ROWS512Q;
                if (accumulate)
                    for (int q = 0; q < 4; q++)
                        load_tile(c + r * ldc + j0 + q * STRIP, ldc, rows, q == 3 ? width3 : STRIP, quad + q * ROWS512Q * STRIP);
                avx512_quad(rows, k, a + r * lda, lda, s0, quad, accumulate);
                for (int q = 0; q < 4; q++)
                    store_tile(quad + q * ROWS512Q * STRIP, rows, q == 3 ? width3 : STRIP, c + r * ldc + j0 + q * STRIP, ldc);
            }
        }
        if (first < strips) {
            const long S = strips - first, j0 = first * STRIP;
            const float *s0 = packed + first * k * STRIP;
            float few[3 * ROWS * STRIP];
            for (long r = 0; r < m; r += ROWS) {
                const long rows = m - r < ROWS ? m - r : ROWS;
                for (long q = 0; q < S; q++) {
                    const long width = n - j0 - q * STRIP < STRIP ? n - j0 - q * STRIP : STRIP;
                    if (accumulate) load_tile(c + r * ldc + j0 + q * STRIP, ldc, rows, width, few + q * ROWS * STRIP);
                }
                avx512_strips(S, rows, k, a + r * lda, lda, s0, few, accumulate);
                for (long q = 0; q < S; q++) {
                    const long width = n - j0 - q * STRIP < STRIP ? n - j0 - q * STRIP : STRIP;
                    store_tile(few + q * ROWS * STRIP, rows, width, c + r * ldc + j0 + q * STRIP, ldc);
                }
            }
            first = strips;
        }
    }
#endif
    float tile[ROWS * STRIP];
    // Strips outside, row blocks inside: a strip (k × 16 floats) stays in L1 while every row
    // block passes over it.
    for (long s = first; s < strips; s++) {
        const float *strip = packed + s * k * STRIP;
        const long j0 = s * STRIP, width = n - j0 < STRIP ? n - j0 : STRIP;
        for (long r = 0; r < m; r += ROWS) {
            const long rows = m - r < ROWS ? m - r : ROWS;
            if (accumulate) load_tile(c + r * ldc + j0, ldc, rows, width, tile);
#ifdef NER_X86
            if (path >= 1) avx2_block(rows, k, a + r * lda, lda, strip, tile, accumulate);
            else
#endif
                portable_strip(rows, k, a + r * lda, lda, strip, tile, accumulate);
            store_tile(tile, rows, width, c + r * ldc + j0, ldc);
        }
    }
    return path;
}

int ner_float32_path(void) { return ner_cpu_default_path(); }

void ner_rows_product(long m, long n, long k, const float *a, long lda, const float *packed,
                      float *c, long ldc, int accumulate) {
#ifdef NER_X86
    const int path = ner_cpu_default_path();
#else
    const int path = 0;
#endif
    ner_rows_product_on(path, m, n, k, a, lda, packed, c, ldc, accumulate);
}
