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
#include "rows_product_amx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NER_BF16_X86 1
#include <immintrin.h>
#endif

// Strips of 16 columns as in rows_product.c, grouped by four (64 columns: one pass of the
// kernel); a strip holds k/2 pairs of rows, each pair 16 columns × 2 values interleaved
// (column j's value of row 2p, then of row 2p+1), the operand order of vdpbf16ps and the layout
// of an AMX tile of B. The pairs are padded with zeros to a multiple of 16 (whole AMX tiles).
enum { BF_STRIP = 16, BF_QUAD = 64, BF_ROWS = 4, BF_TILE_PAIRS = 16, BF_TILE_ROWS = 16 };

static long pairs_of(long k) { return (k + 1) / 2; }
static long padded_pairs_of(long k) { return (pairs_of(k) + BF_TILE_PAIRS - 1) / BF_TILE_PAIRS * BF_TILE_PAIRS; }
static long quads_of(long n) { return (n + BF_QUAD - 1) / BF_QUAD; }

long ner_packed_bf16_halves(long k, long n) { return quads_of(n) * BF_QUAD * padded_pairs_of(k) * 2; }

// Round to nearest even (values here are finite: weights and LSTM states).
static uint16_t to_bf16(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

void ner_pack_bf16(long k, long n, const float *b, long row_stride, long column_stride, unsigned short *packed) {
    const long kp = padded_pairs_of(k), strips = quads_of(n) * (BF_QUAD / BF_STRIP);
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

int ner_has_amx(void) { return ner_cpu_amx_ready(); }

#ifdef NER_BF16_X86
// Up to BF_ROWS rows of A (as bfloat16 pairs, one uint32 per pair, rows `kpad` apart) by one
// group of four strips (`step` halves apart): 16 accumulators, four loads of B and one broadcast
// of A per 16 dot products of pairs, over the kp pairs that are not padding.
__attribute__((target("avx512f,avx512bf16"), always_inline))
static inline void quad_rows(long rows, long kp, long kpad, const uint32_t *a, const uint16_t *s0, float *tile, int accumulate) {
    __m512 acc[BF_ROWS][4];
    for (long r = 0; r < rows; r++)
        for (int q = 0; q < 4; q++) acc[r][q] = accumulate ? _mm512_loadu_ps(tile + r * BF_QUAD + q * BF_STRIP) : _mm512_setzero_ps();
    const long step = kpad * 2 * BF_STRIP;
    for (long p = 0; p < kp; p++) {
        const uint16_t *b = s0 + p * 2 * BF_STRIP;
        const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b), b1 = (__m512bh)_mm512_loadu_si512(b + step);
        const __m512bh b2 = (__m512bh)_mm512_loadu_si512(b + 2 * step), b3 = (__m512bh)_mm512_loadu_si512(b + 3 * step);
        for (long r = 0; r < rows; r++) {
            const __m512bh x = (__m512bh)_mm512_set1_epi32((int)a[r * kpad + p]);
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
static void quad(long rows, long kp, long kpad, const uint32_t *a, const uint16_t *s0, float *tile, int accumulate) {
    if (rows == BF_ROWS) quad_rows(BF_ROWS, kp, kpad, a, s0, tile, accumulate);
    else quad_rows(rows, kp, kpad, a, s0, tile, accumulate);
}

// Rows of A as bfloat16 pairs, `kpad` pairs a row (zero past k), and `padded_rows` − m zero rows
// after them: vcvtne2ps2bf16, 32 values at a time, rounding to nearest even as to_bf16 does
// (it reads subnormal floats as zero, where to_bf16 keeps what bfloat16 can of them; both
// dot-product instructions read subnormal bfloat16 values as zero anyway).
__attribute__((target("avx512f,avx512bw,avx512bf16")))
static void convert_rows(long m, long padded_rows, long k, const float *a, long lda, long kpad, uint32_t *out) {
    for (long r = 0; r < m; r++) {
        const float *src = a + r * lda;
        uint32_t *dst = out + r * kpad;
        for (long p = 0; p < kpad; p += 16) {
            const long left = k - 2 * p;
            const __mmask16 lo = left >= 16 ? 0xffff : left > 0 ? (__mmask16)((1u << left) - 1) : 0;
            const __mmask16 hi = left >= 32 ? 0xffff : left > 16 ? (__mmask16)((1u << (left - 16)) - 1) : 0;
            const __m512 x0 = _mm512_maskz_loadu_ps(lo, src + 2 * p), x1 = _mm512_maskz_loadu_ps(hi, src + 2 * p + 16);
            _mm512_storeu_si512(dst + p, (__m512i)_mm512_cvtne2ps_pbh(x1, x0));
        }
    }
    if (padded_rows > m) memset(out + m * kpad, 0, (size_t)((padded_rows - m) * kpad) * sizeof(uint32_t));
}
#endif

int ner_rows_product_bf16_on(int path, long m, long n, long k, const float *a, long lda, const unsigned short *packed,
                             float *c, long ldc, int accumulate) {
#ifdef NER_BF16_X86
    if (!ner_has_bf16()) return -1;
    if (path > 0 && !ner_cpu_amx_ready()) path = 0;
    if (m <= 0 || n <= 0) return path;
    const long kp = pairs_of(k), kpad = padded_pairs_of(k), quads = quads_of(n);
    // A's rows as bfloat16 pairs, converted once for all the columns (AMX's whole tiles of rows:
    // up to 15 zero rows more): on the stack up to 32 KB, else on the heap.
    const long padded_rows = path == 1 ? (m + BF_TILE_ROWS - 1) / BF_TILE_ROWS * BF_TILE_ROWS : m;
    uint32_t small[8192] __attribute__((aligned(64)));
    uint32_t *pairsA = padded_rows * kpad <= 8192 ? small : malloc((size_t)(padded_rows * kpad) * sizeof(uint32_t));
    if (!pairsA) return -1;
    convert_rows(m, padded_rows, k, a, lda, kpad, pairsA);
    if (path == 1) {
        ner_amx_bf16_product(m, n, kpad, pairsA, packed, c, ldc, accumulate);
    } else {
        float tile[BF_ROWS * BF_QUAD];
        // Groups of four strips outside, row blocks inside: a group (k × 64 halves) stays in L1
        // while every row block passes over it.
        for (long qd = 0; qd < quads; qd++) {
            const long j0 = qd * BF_QUAD, width = n - j0 < BF_QUAD ? n - j0 : BF_QUAD;
            const uint16_t *group = packed + qd * 4 * kpad * 2 * BF_STRIP;
            for (long r0 = 0; r0 < m; r0 += BF_ROWS) {
                const long rows = m - r0 < BF_ROWS ? m - r0 : BF_ROWS;
                float *out = c + r0 * ldc + j0;
                if (accumulate)
                    for (long r = 0; r < rows; r++) {
                        memcpy(tile + r * BF_QUAD, out + r * ldc, (size_t)width * sizeof(float));
                        memset(tile + r * BF_QUAD + width, 0, (size_t)(BF_QUAD - width) * sizeof(float));
                    }
                quad(rows, kp, kpad, pairsA + r0 * kpad, group, tile, accumulate);
                for (long r = 0; r < rows; r++) memcpy(out + r * ldc, tile + r * BF_QUAD, (size_t)width * sizeof(float));
            }
        }
    }
    if (pairsA != small) free(pairsA);
    return path;
#else
    (void)path; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)packed; (void)c; (void)ldc; (void)accumulate;
    return -1;
#endif
}

int ner_rows_product_bf16_path(void) { return ner_has_bf16() ? ner_cpu_bf16_default_path() : -1; }

int ner_rows_product_bf16(long m, long n, long k, const float *a, long lda, const unsigned short *packed,
                          float *c, long ldc, int accumulate) {
#ifdef NER_BF16_X86
    if (!ner_has_bf16()) return 0;
    return ner_rows_product_bf16_on(ner_cpu_bf16_default_path(), m, n, k, a, lda, packed, c, ldc, accumulate) >= 0;
#else
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)packed; (void)c; (void)ldc; (void)accumulate;
    return 0;
#endif
}
