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
/// the batch it is in. AVX2 and FMA when the CPU has them (chosen at run time), portable C
/// otherwise.
void ner_rows_product(long m, long n, long k, const float *a, long lda, const float *packed,
                      float *c, long ldc, int accumulate);

#endif
