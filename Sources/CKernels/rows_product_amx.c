// The bfloat16 products on AMX tiles (Intel Sapphire Rapids and later): TDPBF16PS multiplies a
// 16-row × 32-value tile of A by a 32 × 16 tile of B into a 16 × 16 tile of float32 sums, 8,192
// multiply-adds an instruction against vdpbf16ps's 32. Each element of C is its k tiles' sums
// added in k order, the same instructions for every row (the rows of a tile do not mix), so a
// row's result does not depend on the rows beside it. Not the bits of the vdpbf16ps path, which
// rounds after every product as its specification says: measured on an Intel Xeon (family 6,
// model 207), TDPBF16PS gave the correctly rounded float32 of the exact sum of 6 products and
// an addend in 98.9% of 20,000 random cases, vdpbf16ps in 86.9% (bench/kernels/semantics.c).
// B's packing is that of the vdpbf16ps path: a strip of 16 columns is 16 columns × one pair of k
// per 64 bytes, exactly a B tile's rows, with the pairs padded to a multiple of 16 so whole tiles
// can be read.
#include "rows_product_amx.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define AMX __attribute__((target("amx-tile,amx-bf16")))

// LDTILECFG's 64-byte operand: palette 1, eight tiles of 16 rows × 64 bytes (C: 16 × 16
// floats; A: 16 rows × 16 pairs; B: 16 pairs × 16 columns).
struct tile_config {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
};

// Copies rows × cols of C into a 16 × 16 tile (zero elsewhere), and back.
static void tile_from(const float *c, long ldc, long rows, long cols, float *tile) {
    memset(tile, 0, 256 * sizeof(float));
    for (long i = 0; i < rows; i++) memcpy(tile + i * 16, c + i * ldc, (size_t)cols * sizeof(float));
}

static void tile_to(const float *tile, long rows, long cols, float *c, long ldc) {
    for (long i = 0; i < rows; i++) memcpy(c + i * ldc, tile + i * 16, (size_t)cols * sizeof(float));
}

static long min16(long x) { return x < 16 ? (x < 0 ? 0 : x) : 16; }

// C tile T of rows × cols at c: zeroed, or loaded from C (through `scratch` when partial).
#define TILE_IN(T, c, rows, cols)                                                         \
    do {                                                                                  \
        if (!accumulate) _tile_zero(T);                                                   \
        else if ((rows) == 16 && (cols) == 16) _tile_loadd(T, (c), ldc * 4);              \
        else {                                                                            \
            tile_from((c), ldc, (rows), (cols), scratch);                                 \
            _tile_loadd(T, scratch, 64);                                                  \
        }                                                                                 \
    } while (0)

#define TILE_OUT(T, c, rows, cols)                                                        \
    do {                                                                                  \
        if ((rows) == 16 && (cols) == 16) _tile_stored(T, (c), ldc * 4);                  \
        else if ((rows) > 0 && (cols) > 0) {                                              \
            _tile_stored(T, scratch, 64);                                                 \
            tile_to(scratch, (rows), (cols), (c), ldc);                                   \
        }                                                                                 \
    } while (0)

AMX void ner_amx_bf16_product(long m, long n, long kpad, const unsigned *a, const unsigned short *packed,
                              float *c, long ldc, int accumulate) {
    struct tile_config config;
    memset(&config, 0, sizeof config);
    config.palette = 1;
    for (int t = 0; t < 8; t++) {
        config.colsb[t] = 64;
        config.rows[t] = 16;
    }
    // The configuration is per thread (the two LSTM directions run on two), so every call loads
    // it, and releases the tiles at the end so that the thread's 8 KB of tile state is not saved
    // and restored at every context switch.
    _tile_loadconfig(&config);
    float scratch[256] __attribute__((aligned(64)));
    const long kt = kpad / 16, strips = (n + 15) / 16, astride = kpad * 4, strip = kpad * 32;
    const char *abytes = (const char *)a;
    // Pairs of strips outside (2 × kpad × 64 bytes, 14 KB for k = 200, stay in L1), pairs of
    // row tiles inside: each step of k loads two tiles of A and two of B for four products.
    // strips past n are zero in the packing (whole groups of four), so the pair may overhang.
    for (long s = 0; s < strips; s += 2) {
        const char *b0 = (const char *)(packed + s * strip), *b1 = (const char *)(packed + (s + 1) * strip);
        const long w0 = min16(n - s * 16), w1 = min16(n - (s + 1) * 16);
        float *c0 = c + s * 16, *c1 = c + (s + 1) * 16;
        long r = 0;
        for (; r + 16 < m; r += 32) {
            const long h0 = min16(m - r), h1 = min16(m - r - 16);
            const char *a0 = abytes + r * astride, *a1 = a0 + 16 * astride;
            float *c00 = c0 + r * ldc, *c01 = c1 + r * ldc, *c10 = c0 + (r + 16) * ldc, *c11 = c1 + (r + 16) * ldc;
            TILE_IN(0, c00, h0, w0);
            TILE_IN(1, c01, h0, w1);
            TILE_IN(2, c10, h1, w0);
            TILE_IN(3, c11, h1, w1);
            for (long t = 0; t < kt; t++) {
                _tile_loadd(4, a0 + t * 64, astride);
                _tile_loadd(5, a1 + t * 64, astride);
                _tile_loadd(6, b0 + t * 1024, 64);
                _tile_loadd(7, b1 + t * 1024, 64);
                _tile_dpbf16ps(0, 4, 6);
                _tile_dpbf16ps(1, 4, 7);
                _tile_dpbf16ps(2, 5, 6);
                _tile_dpbf16ps(3, 5, 7);
            }
            TILE_OUT(0, c00, h0, w0);
            TILE_OUT(1, c01, h0, w1);
            TILE_OUT(2, c10, h1, w0);
            TILE_OUT(3, c11, h1, w1);
        }
        if (r < m) {  // one row tile left
            const long h0 = min16(m - r);
            const char *a0 = abytes + r * astride;
            float *c00 = c0 + r * ldc, *c01 = c1 + r * ldc;
            TILE_IN(0, c00, h0, w0);
            TILE_IN(1, c01, h0, w1);
            for (long t = 0; t < kt; t++) {
                _tile_loadd(4, a0 + t * 64, astride);
                _tile_loadd(6, b0 + t * 1024, 64);
                _tile_loadd(7, b1 + t * 1024, 64);
                _tile_dpbf16ps(0, 4, 6);
                _tile_dpbf16ps(1, 4, 7);
            }
            TILE_OUT(0, c00, h0, w0);
            TILE_OUT(1, c01, h0, w1);
        }
    }
    _tile_release();
}

#else
void ner_amx_bf16_product(long m, long n, long kpad, const unsigned *a, const unsigned short *packed,
                          float *c, long ldc, int accumulate) {
    (void)m; (void)n; (void)kpad; (void)a; (void)packed; (void)c; (void)ldc; (void)accumulate;
}
#endif
