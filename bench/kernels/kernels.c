// Microbenchmark of the tagging kernels of Sources/CKernels on this CPU, at the default model's
// shapes (hidden 200: gates 800; a batch of 64 sentences): each path of the recurrent product
// (float32 AVX2 and AVX-512, bfloat16 vdpbf16ps and AMX) and of the gate step. Prints the median
// of 15 timings (CPU time of this thread) of a loop of calls, in µs a call, and per row for the
// products. Built and run by
// bench/kernels/run.sh; no part of the product.
#include "ckernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);  // CPU time: the machine may be shared
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static float uniform(unsigned *s) {
    *s = *s * 1664525u + 1013904223u;
    return (float)(*s >> 8) / 16777216.0f * 2 - 1;
}

enum { REPEATS = 15 };

// Median seconds of one call of `body` over REPEATS timings of `calls` calls each.
#define TIME(calls, body)                                                       \
    ({                                                                          \
        double t[REPEATS];                                                      \
        for (int rep = 0; rep < REPEATS; rep++) {                               \
            const double t0 = now();                                            \
            for (long call = 0; call < (calls); call++) { body; }               \
            t[rep] = (now() - t0) / (calls);                                    \
        }                                                                       \
        qsort(t, REPEATS, sizeof t[0], by_value);                               \
        t[REPEATS / 2];                                                         \
    })

int main(int argc, char **argv) {
    const long H = argc > 1 ? atol(argv[1]) : 200, G = 4 * H, Hp = (H + 7) / 8 * 8;
    const char *only = argc > 2 ? argv[2] : "";  // "product" or "cell": that part alone
    unsigned seed = 1;
    float *w = malloc(sizeof(float) * G * H), *a = malloc(sizeof(float) * 64 * Hp), *c = malloc(sizeof(float) * 64 * G);
    for (long i = 0; i < G * H; i++) w[i] = uniform(&seed) * 0.1f;
    for (long i = 0; i < 64 * Hp; i++) a[i] = uniform(&seed);
    float *packed = malloc(sizeof(float) * ner_packed_floats(H, G));
    ner_pack(H, G, w, 1, H, packed);
    unsigned short *packed16 = malloc(2 * ner_packed_bf16_halves(H, G));
    ner_pack_bf16(H, G, w, 1, H, packed16);
    if (strcmp(only, "cell") != 0) {
    printf("recurrent product h·Whᵀ, k %ld, n %ld: µs a call (µs a row)\n", H, G);
    printf("%-28s %12s %12s %12s %12s\n", "path", "1 row", "8 rows", "16 rows", "64 rows");
    const char *names[] = {"float32 AVX2", "float32 AVX-512", "bfloat16 vdpbf16ps", "bfloat16 AMX"};
    const long ms[] = {1, 8, 16, 64};
    for (int path = 0; path < 4; path++) {
        if (path >= 2 && ner_has_bf16() == 0) continue;
        if (path == 3 && ner_has_amx() == 0) continue;
        if (path == 1 && ner_rows_product_on(2, 1, G, H, a, Hp, packed, c, G, 0) != 2) continue;
        printf("%-28s", names[path]);
        for (int i = 0; i < 4; i++) {
            const long m = ms[i], calls = 20000 / m;
            const double s = path < 2 ? TIME(calls, ner_rows_product_on(path + 1, m, G, H, a, Hp, packed, c, G, 0))
                                      : TIME(calls, ner_rows_product_bf16_on(path - 2, m, G, H, a, Hp, packed16, c, G, 0));
            printf(" %5.2f (%4.2f)", s * 1e6, s * 1e6 / m);
        }
        printf("\n");
    }
    }
    if (strcmp(only, "product") == 0) return 0;
    float *zx = malloc(sizeof(float) * G), *bias = malloc(sizeof(float) * G), *rec = malloc(sizeof(float) * G);
    float *z = malloc(sizeof(float) * 4 * Hp), *cell = calloc(Hp, sizeof(float)), *h = malloc(sizeof(float) * Hp),
          *out = malloc(sizeof(float) * H);
    for (long i = 0; i < G; i++) { zx[i] = uniform(&seed); bias[i] = uniform(&seed) * 0.1f; rec[i] = uniform(&seed); }
    printf("gate step, %ld units: µs a sequence\n", H);
    const char *cells[] = {"portable", "AVX2", "AVX-512"};
    for (int path = 0; path < 3; path++) {
        if (ner_lstm_infer_cell_on(path, zx, rec, bias, z, cell, h, out, H, Hp) != path) continue;
        printf("%-28s %5.3f\n", cells[path], TIME(20000, ner_lstm_infer_cell_on(path, zx, rec, bias, z, cell, h, out, H, Hp)) * 1e6);
    }
    // Two sequences a call (ner_lstm_infer_cell_pair): µs a sequence.
    float *zx2 = malloc(sizeof(float) * G), *rec2 = malloc(sizeof(float) * 2 * G), *cell2 = calloc(2 * Hp, sizeof(float)),
          *h2 = malloc(sizeof(float) * 2 * Hp), *out2 = malloc(sizeof(float) * H);
    for (long i = 0; i < G; i++) zx2[i] = uniform(&seed);
    for (long i = 0; i < 2 * G; i++) rec2[i] = uniform(&seed);
    for (int path = 0; path < 3; path++) {
        if (ner_lstm_infer_cell_pair_on(path, zx, zx2, rec2, bias, z, cell2, h2, out, out2, H, Hp) != path) continue;
        char label[40];
        snprintf(label, sizeof label, "%s, two sequences", cells[path]);
        printf("%-28s %5.3f\n", label,
               TIME(10000, ner_lstm_infer_cell_pair_on(path, zx, zx2, rec2, bias, z, cell2, h2, out, out2, H, Hp)) * 1e6 / 2);
    }
    return 0;
}
