#ifndef NER_CKERNELS_H
#define NER_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Floats needed by `ner_pack` for a k×n matrix: k rows of n rounded up to a multiple of 16.
long ner_packed_floats(long k, long n);

/// Packs B[k×n], element (p, j) at b[p·row_stride + j·column_stride] (so a row-major B or one
/// given as its transpose), for `ner_rows_product`: in strips of 16 columns, each strip k × 16
/// consecutive floats, zero past column n.
void ner_pack(long k, long n, const float *b, long row_stride, long column_stride, float *packed);

/// C[m×n] = A[m×k] · B[k×n] with B packed by `ner_pack` (row-major; C's rows `ldc` apart, A's
/// `lda`), added to C when `accumulate` is non-zero. Every element of C is the same sequence of
/// roundings, Σ over k in order, whatever the other rows are: a row's result does not depend on
/// the batch it is in. AVX-512 when the CPU has it (the same bits as AVX2: the same fused
/// multiply-adds in the same order; the environment variable NER_NO_AVX512 turns it off, to
/// compare), else AVX2 and FMA (chosen at run time), else portable C.
void ner_rows_product(long m, long n, long k, const float *a, long lda, const float *packed,
                      float *c, long ldc, int accumulate);

/// `ner_rows_product` on a given path (0 portable, 1 AVX2, 2 AVX-512; lowered to what the CPU
/// has, whatever the environment), returning the path it took: for tests.
int ner_rows_product_on(int path, long m, long n, long k, const float *a, long lda, const float *packed,
                        float *c, long ldc, int accumulate);

/// p[i] = exp(p[i]), σ(p[i]) or tanh(p[i]) for i < n (a few ulp of libm's; exact 0 and ±1 far
/// out, no NaN from a finite input); the same bits with or without AVX2.
void ner_exp(float *p, long n);
void ner_sigmoid(float *p, long n);
void ner_tanh(float *p, long n);

/// One LSTM training step of one sequence: z holds the pre-activations [i f g o] (H each) and
/// is replaced by their activations; c = f·cPrev + i·g (i·g when cPrev is NULL), tc = tanh(c),
/// h = o·tc.
void ner_lstm_forward_cell(float *z, const float *cPrev, float *c, float *tc, float *h, long H);

/// One LSTM inference step of one sequence (H units, gate blocks and states padded to Hp, a
/// multiple of 8): z = (zx + bias) + rec (rec NULL at the first step, where the previous state is
/// zero) into the scratch z [4 × Hp], the gate activations (σ, σ, tanh, σ for i, f, g, o) in
/// place, the new cell state into c (in place), the hidden state into h [Hp] and out [H]. The
/// same operations, in the same order, as `ner_lstm_forward_cell` (no fused multiply-add),
/// hence the same bits; AVX-512 or AVX2 when the CPU has it (chosen at run time; NER_NO_AVX512
/// in the environment stops it at AVX2).
void ner_lstm_infer_cell(const float *zx, const float *rec, const float *bias, float *z, float *c, float *h,
                         float *out, long H, long Hp);

/// `ner_lstm_infer_cell` on a given path (0 portable, 1 AVX2, 2 AVX-512; lowered to what the CPU
/// has, whatever the environment), returning the path it took: for tests.
int ner_lstm_infer_cell_on(int path, const float *zx, const float *rec, const float *bias, float *z, float *c, float *h,
                           float *out, long H, long Hp);

/// `ner_lstm_infer_cell` for two sequences at the same step, as two rows of a batch: zx0 and zx1
/// their input projections, out0 and out1 where their hidden states go; their recurrent products
/// (rec, NULL at the first step), cell states (c) and hidden states (h) consecutive rows, the
/// second at rec + 4H, c + Hp and h + Hp. The same bits as two calls. Faster on AVX-512, where
/// the step waits on its exp chains and two sequences interleave; two calls on the other paths.
void ner_lstm_infer_cell_pair(const float *zx0, const float *zx1, const float *rec, const float *bias, float *z, float *c,
                              float *h, float *out0, float *out1, long H, long Hp);

/// `ner_lstm_infer_cell_pair` on a given path (as `ner_lstm_infer_cell_on`), returning the path
/// it took: for tests.
int ner_lstm_infer_cell_pair_on(int path, const float *zx0, const float *zx1, const float *rec, const float *bias, float *z,
                                float *c, float *h, float *out0, float *out1, long H, long Hp);

/// Adam's update of n values: m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g·g, then
/// w = w − step_size·m / (√v + ε), each product and sum rounded on its own (no fused
/// multiply-add), so every path gives the bits of the same scalar loop. AVX-512 or AVX2 where the
/// CPU has it (chosen at run time; NER_NO_AVX512 stops it at AVX2).
void ner_adam_update(float *w, const float *g, float *m, float *v, long n, float beta1, float beta2, float step_size,
                     float epsilon);

/// `ner_adam_update` on a given path (0 portable, 1 AVX2, 2 AVX-512; lowered to what the CPU
/// has), returning the path it took: for tests.
int ner_adam_update_on(int path, float *w, const float *g, float *m, float *v, long n, float beta1, float beta2,
                       float step_size, float epsilon);

/// Halves (uint16) needed by `ner_pack_bf16` for a k×n matrix.
long ner_packed_bf16_halves(long k, long n);

/// Packs B[k×n] (element (p, j) at b[p·row_stride + j·column_stride]) in bfloat16, rounded to
/// nearest even, for `ner_rows_product_bf16` (one layout for its vdpbf16ps and AMX paths).
void ner_pack_bf16(long k, long n, const float *b, long row_stride, long column_stride, unsigned short *packed);

/// The path of the float32 kernels (`ner_rows_product`, `ner_lstm_infer_cell`) on this CPU: 0
/// portable C, 1 AVX2, 2 AVX-512 (the environment variable NER_NO_AVX512 lowers 2 to 1).
int ner_float32_path(void);

/// Whether the CPU has AVX512_BF16 (asked once).
int ner_has_bf16(void);

/// Whether the bfloat16 products can run on AMX tiles: the CPU has AVX512_BF16, AMX-TILE and
/// AMX-BF16 and the OS lets this process use them (asked once; on Linux the first call asks the
/// kernel for the tile state with arch_prctl).
int ner_has_amx(void);

/// C[m×n] = A[m×k] · B with B packed by `ner_pack_bf16`, A's values rounded to bfloat16 and the
/// products summed in float32, added to C when `accumulate` is non-zero. A row's result does not
/// depend on the other rows. On AMX tiles (TDPBF16PS) where `ner_has_amx` (the environment
/// variable NER_NO_AMX turns it off, to compare), else with AVX512_BF16's vdpbf16ps. Returns 0,
/// touching nothing, when the CPU lacks AVX512_BF16 (or memory for A's copy cannot be had); 1
/// when done.
int ner_rows_product_bf16(long m, long n, long k, const float *a, long lda, const unsigned short *packed,
                          float *c, long ldc, int accumulate);

/// `ner_rows_product_bf16` on a given path (0 vdpbf16ps, 1 AMX; lowered to what the CPU has,
/// whatever the environment), returning the path it took, or -1, touching nothing, when the CPU
/// lacks AVX512_BF16: for tests and `ner bench`.
int ner_rows_product_bf16_on(int path, long m, long n, long k, const float *a, long lda, const unsigned short *packed,
                             float *c, long ldc, int accumulate);

/// Whether the bfloat16 products are faster than the float32 ones on this CPU, by its kind, as
/// measured (docs/benchmarks.md): with AMX tiles, yes; with vdpbf16ps alone, yes on AMD (Zen 4)
/// and no on Intel, whose vdpbf16ps does no more multiply-adds a cycle than its float32 fused
/// multiply-adds. 0 without AVX512_BF16.
int ner_bf16_fastest(void);

/// The path `ner_rows_product_bf16` takes on this CPU (0 vdpbf16ps, 1 AMX), or -1 without
/// AVX512_BF16.
int ner_rows_product_bf16_path(void);

/// dst[i] = src[i] in IEEE half precision, rounded to nearest even, for i < n; returns 1 when
/// every value converted exactly (it was a half already), else 0.
int ner_halves_from_floats(const float *src, unsigned short *dst, long n);

/// dst[i] = the half src[i] as a float (exact), for i < n.
void ner_floats_from_halves(const unsigned short *src, float *dst, long n);

/// Folds the longest run of whole 16-byte lanes at the start of `buf` (at least 64 bytes) into
/// one lane `residue` whose CRC-32 from a zero register, which is zlib's crc32(0xFFFFFFFF,
/// residue, 16), is that of those bytes continuing `crc` (zlib's convention); returns how many
/// bytes it folded: 0 (nothing done) when `len` < 64 or the CPU has no PCLMULQDQ.
size_t ner_crc32_fold(const unsigned char *buf, size_t len, uint32_t crc, unsigned char residue[16]);

/// Asks for the cache line holding `address` to be fetched, without waiting for it: a hint that
/// never faults, whatever the address (the phrase tables' lookups, PhraseTable.forEachMatch).
static inline void ner_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// `ner_prefetch` of every cache line of the `bytes` bytes at `address` (the LSTM's next rows of
/// input projections, LSTMLayer.infer).
static inline void ner_prefetch_span(const void *address, long bytes) {
    for (long offset = 0; offset < bytes; offset += 64) __builtin_prefetch((const char *)address + offset, 0, 3);
}

#endif
