// The AMX kernel of the bfloat16 products (rows_product_amx.c; not part of this module's
// interface): rows_product_bf16.c converts A and calls it when `ner_cpu_amx_ready`.
#ifndef NER_ROWS_PRODUCT_AMX_H
#define NER_ROWS_PRODUCT_AMX_H

/// C[m×n] (+)= A · B on AMX tiles. A: bfloat16 pairs (one uint32 each), rows `kpad` pairs apart,
/// kpad a multiple of 16, rows zero past k and, up to the next multiple of 16, zero rows past m.
/// B: packed by `ner_pack_bf16` (strips of 16 columns, kpad pairs each). The caller has checked
/// `ner_cpu_amx_ready`.
void ner_amx_bf16_product(long m, long n, long kpad, const unsigned *a, const unsigned short *packed,
                          float *c, long ldc, int accumulate);

#endif
