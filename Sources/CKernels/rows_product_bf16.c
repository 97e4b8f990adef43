// The recurrent products of tagging in bfloat16 (AVX512_BF16's vdpbf16ps): B's weights and A's
// states rounded to bfloat16 (8 significant bits, round to nearest even), products summed in
// float32. Twice the multiply-adds per instruction of the float32 kernel and half the bytes of
// weights to read per step, where those products are half of a tagging profile. Each element of
// C is the same instructions in the same order for every row and column, so, as in
// rows_product.c, a row's result does not depend on the rows batched beside it; it does differ
// from the float32 result in the low bits (the scores in the third or fourth digit), which is
// why it is a choice of the caller (`InferencePrecision` in NERKit).
#include "ckernels.h"
#include "cpu_features.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NER_BF16_X86 1
#include <immintrin.h>
#endif

// Strips of 16 columns as in rows_product.c, grouped by four (64 columns: one pass of the
// kernel); a strip holds k/2 pairs of rows, each pair 16 columns × 2 values interleaved
// (column j's value of row 2p, then of row 2p+1), the operand order of vdpbf16ps.
enum { BF_STRIP = 16, BF_QUAD = 64, BF_ROWS = 4 };

static long pairs_of(long k) { return (k + 1) / 2; }
static long quads_of(long n) { return (n + BF_QUAD - 1) / BF_QUAD; }

long ner_packed_bf16_halves(long k, long n) { return quads_of(n) * BF_QUAD * pairs_of(k) * 2; }

// Round to nearest even (values here are finite: weights and LSTM states).
static uint16_t to_bf16(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

void ner_pack_bf16(long k, long n, const float *b, long row_stride, long column_stride, unsigned short *packed) {
    const long kp = pairs_of(k), strips = quads_of(n) * (BF_QUAD / BF_STRIP);
    for (long s = 0; s < strips; s++) {
        uint16_t *dst = packed + s * kp * 2 * BF_STRIP;
        for (long p = 0; p < kp; p++)
            for (long j = 0; j < BF_STRIP; j++)
                for (long e = 0; e < 2; e++) {
                    const long row = 2 * p + e, col = s * BF_STRIP + j;
                    dst[(p * BF_STRIP + j) * 2 + e] = row < k && col < n ? to_bf16(b[row * row_stride + col * column_stride]) : 0;
                }
    }
}

int ner_has_bf16(void) { return (ner_cpu_features() & NER_CPU_BF16) != 0; }

#ifdef NER_BF16_X86
// Up to BF_ROWS rows of A (as bfloat16 pairs, one uint32 per pair) by one group of four strips:
// 16 accumulators, four loads of B and one broadcast of A per 16 dot products of pairs.
__attribute__((target("avx512f,avx512bf16"), always_inline))
static inline void quad_rows(long rows, long kp, const uint32_t *a, const uint16_t *s0, float *tile, int accumulate) {
    __m512 acc[BF_ROWS][4];
    for (long r = 0; r < rows; r++)
        for (int q = 0; q < 4; q++) acc[r][q] = accumulate ? _mm512_loadu_ps(tile + r * BF_QUAD + q * BF_STRIP) : _mm512_setzero_ps();
    const long step = kp * 2 * BF_STRIP;
    for (long p = 0; p < kp; p++) {
        const uint16_t *b = s0 + p * 2 * BF_STRIP;
        const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b), b1 = (__m512bh)_mm512_loadu_si512(b + step);
        const __m512bh b2 = (__m512bh)_mm512_loadu_si512(b + 2 * step), b3 = (__m512bh)_mm512_loadu_si512(b + 3 * step);
        for (long r = 0; r < rows; r++) {
            const __m512bh x = (__m512bh)_mm512_set1_epi32((int)a[r * kp + p]);
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], x, b0);
            acc[r][1] = _mm512_dpbf16_ps(acc[r][1], x, b1);
            acc[r][2] = _mm512_dpbf16_ps(acc[r][2], x, b2);
            acc[r][3] = _mm512_dpbf16_ps(acc[r][3], x, b3);
        }
    }
    for (long r = 0; r < rows; r++)
        for (int q = 0; q < 4; q++) _mm512_storeu_ps(tile + r * BF_QUAD + q * BF_STRIP, acc[r][q]);
}

__attribute__((target("avx512f,avx512bf16")))
static void quad(long rows, long kp, const uint32_t *a, const uint16_t *s0, float *tile, int accumulate) {
    if (rows == BF_ROWS) quad_rows(BF_ROWS, kp, a, s0, tile, accumulate);
    else quad_rows(rows, kp, a, s0, tile, accumulate);
}
#endif

int ner_rows_product_bf16(long m, long n, long k, const float *a, long lda, const unsigned short *packed,
                          float *c, long ldc, int accumulate) {
#ifdef NER_BF16_X86
    if (!ner_has_bf16()) return 0;
    if (m <= 0 || n <= 0) return 1;
    const long kp = pairs_of(k), quads = quads_of(n);
    // A's rows as bfloat16 pairs (a zero after an odd k's last value), converted once for all
    // the columns: on the stack up to 32 KB, else on the heap.
    uint32_t small[8192];
    uint32_t *pairsA = m * kp <= 8192 ? small : malloc((size_t)(m * kp) * sizeof(uint32_t));
    if (!pairsA) return 0;
    for (long r = 0; r < m; r++) {
        const float *src = a + r * lda;
        for (long p = 0; p < kp; p++) {
            const uint16_t lo = to_bf16(src[2 * p]), hi = 2 * p + 1 < k ? to_bf16(src[2 * p + 1]) : 0;
            pairsA[r * kp + p] = (uint32_t)lo | (uint32_t)hi << 16;
        }
    }
    float tile[BF_ROWS * BF_QUAD];
    // Groups of four strips outside, row blocks inside: a group (k × 64 halves) stays in L1
    // while every row block passes over it.
    for (long qd = 0; qd < quads; qd++) {
        const long j0 = qd * BF_QUAD, width = n - j0 < BF_QUAD ? n - j0 : BF_QUAD;
        const uint16_t *group = packed + qd * 4 * kp * 2 * BF_STRIP;
        for (long r0 = 0; r0 < m; r0 += BF_ROWS) {
            const long rows = m - r0 < BF_ROWS ? m - r0 : BF_ROWS;
            float *out = c + r0 * ldc + j0;
            if (accumulate)
                for (long r = 0; r < rows; r++) {
                    memcpy(tile + r * BF_QUAD, out + r * ldc, (size_t)width * sizeof(float));
                    memset(tile + r * BF_QUAD + width, 0, (size_t)(BF_QUAD - width) * sizeof(float));
                }
            quad(rows, kp, pairsA + r0 * kp, group, tile, accumulate);
            for (long r = 0; r < rows; r++) memcpy(out + r * ldc, tile + r * BF_QUAD, (size_t)width * sizeof(float));
        }
    }
    if (pairsA != small) free(pairsA);
    return 1;
#else
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)packed; (void)c; (void)ldc; (void)accumulate;
    return 0;
#endif
}
