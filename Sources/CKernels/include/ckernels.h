#ifndef NER_CKERNELS_H
#define NER_CKERNELS_H

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

/// Halves (uint16) needed by `ner_pack_bf16` for a k×n matrix.
long ner_packed_bf16_halves(long k, long n);

/// Packs B[k×n] (element (p, j) at b[p·row_stride + j·column_stride]) in bfloat16, rounded to
/// nearest even, for `ner_rows_product_bf16`.
void ner_pack_bf16(long k, long n, const float *b, long row_stride, long column_stride, unsigned short *packed);

/// Whether the CPU has AVX512_BF16 (asked once).
int ner_has_bf16(void);

/// C[m×n] = A[m×k] · B with B packed by `ner_pack_bf16`, A's values rounded to bfloat16 and the
/// products summed in float32 (vdpbf16ps), added to C when `accumulate` is non-zero. A row's
/// result does not depend on the other rows. Returns 0, touching nothing, when the CPU lacks
/// AVX512_BF16 (or memory for A's copy cannot be had); 1 when done.
int ner_rows_product_bf16(long m, long n, long k, const float *a, long lda, const unsigned short *packed,
                          float *c, long ldc, int accumulate);

/// dst[i] = src[i] in IEEE half precision, rounded to nearest even, for i < n; returns 1 when
/// every value converted exactly (it was a half already), else 0.
int ner_halves_from_floats(const float *src, unsigned short *dst, long n);

/// dst[i] = the half src[i] as a float (exact), for i < n.
void ner_floats_from_halves(const unsigned short *src, float *dst, long n);

#endif
