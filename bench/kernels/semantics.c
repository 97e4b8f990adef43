// What the two bfloat16 paths of Sources/CKernels compute, measured: for 20,000 random cases of
// an addend c and 6 products of bfloat16 values (k 6, one AMX tile), how often each path's
// result equals each candidate sequence of float32 roundings. vdpbf16ps's specification adds the
// odd product of a pair, then the even one, rounding each time; "exact" is the float32 nearest
// the exact sum. Built and run by bench/kernels/run.sh; no part of the product.
#include "ckernels.h"

#include <stdio.h>
#include <string.h>

#pragma clang fp contract(off)

static float uniform(unsigned *s) {
    *s = *s * 1664525u + 1013904223u;
    return (float)(*s >> 8) / 16777216.0f * 2 - 1;
}

static float bfloat16(float x) {
    unsigned v;
    memcpy(&v, &x, 4);
    v = (v + 0x7fff + ((v >> 16) & 1)) & 0xffff0000u;
    memcpy(&x, &v, 4);
    return x;
}

enum { K = 6, CASES = 20000 };

int main(void) {
    if (!ner_has_bf16()) {
        printf("no AVX512_BF16 on this CPU\n");
        return 0;
    }
    const char *models[] = {"odd then even, each rounded", "even then odd, each rounded", "pair summed, then added",
                            "exact sum, rounded once"};
    long same[2][4] = {{0}};
    unsigned s = 7;
    for (int i = 0; i < CASES; i++) {
        float a[K], w[K];
        const float c0 = uniform(&s) * (i % 3 ? 1 : 1e-3f);
        for (int q = 0; q < K; q++) {
            a[q] = bfloat16(uniform(&s));
            w[q] = bfloat16(uniform(&s));
        }
        unsigned short packed[64 * 16 * 2];
        ner_pack_bf16(K, 1, w, 1, K, packed);
        float odd = c0, even = c0, pairs = c0;
        double exact = c0;
        for (int q = 0; q < K / 2; q++) {
            const float p0 = a[2 * q] * w[2 * q], p1 = a[2 * q + 1] * w[2 * q + 1];  // exact: 8 × 8 bits
            odd = odd + p1;
            odd = odd + p0;
            even = even + p0;
            even = even + p1;
            pairs = pairs + (p0 + p1);
            exact += (double)p0 + (double)p1;
        }
        const float candidates[] = {odd, even, pairs, (float)exact};
        for (int path = 0; path < 2; path++) {
            if (path == 1 && !ner_has_amx()) continue;
            float c = c0;
            ner_rows_product_bf16_on(path, 1, 1, K, a, K, packed, &c, 1, 1);
            for (int m = 0; m < 4; m++) same[path][m] += memcmp(&c, &candidates[m], 4) == 0;
        }
    }
    printf("bfloat16 products, k %d, %d random cases: how often each path gives each sequence of roundings\n", K, CASES);
    printf("%-30s %12s %12s\n", "", "vdpbf16ps", ner_has_amx() ? "AMX" : "(no AMX)");
    for (int m = 0; m < 4; m++)
        printf("%-30s %11.1f%% %11.1f%%\n", models[m], 100.0 * same[0][m] / CASES, 100.0 * same[1][m] / CASES);
    return 0;
}
