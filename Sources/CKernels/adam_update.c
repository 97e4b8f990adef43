// Adam's update of one span of a parameter (Optimizer.step): in C so that it runs 16 or 8 lanes at
// a time (the Swift loop compiled to scalar square roots and divisions, some through calls to
// sqrtf: 12% of a training profile on an AMD Zen 5). Every lane does Optimizer's operations in
// its order, with no contraction into fused multiply-adds, and square root and division are
// correctly rounded on every path, so training gives the same bits as before on any CPU.
#include "ckernels.h"
#include "cpu_features.h"

#include <math.h>

#pragma clang fp contract(off)

static void adam_portable(float *w, const float *g, float *m, float *v, long n, float b1, float c1, float b2, float c2,
                          float step, float eps) {
    for (long i = 0; i < n; i++) {
        const float mi = b1 * m[i] + c1 * g[i];
        const float vi = b2 * v[i] + c2 * g[i] * g[i];
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] - step * mi / (sqrtf(vi) + eps);
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static long adam_avx2(float *w, const float *g, float *m, float *v, long n, float b1, float c1, float b2, float c2,
                      float step, float eps) {
    const __m256 B1 = _mm256_set1_ps(b1), C1 = _mm256_set1_ps(c1), B2 = _mm256_set1_ps(b2), C2 = _mm256_set1_ps(c2);
    const __m256 S = _mm256_set1_ps(step), E = _mm256_set1_ps(eps);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 gi = _mm256_loadu_ps(g + i);
        const __m256 mi = _mm256_add_ps(_mm256_mul_ps(B1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(C1, gi));
        const __m256 vi = _mm256_add_ps(_mm256_mul_ps(B2, _mm256_loadu_ps(v + i)), _mm256_mul_ps(_mm256_mul_ps(C2, gi), gi));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        const __m256 d = _mm256_div_ps(_mm256_mul_ps(S, mi), _mm256_add_ps(_mm256_sqrt_ps(vi), E));
        _mm256_storeu_ps(w + i, _mm256_sub_ps(_mm256_loadu_ps(w + i), d));
    }
    return i;
}

__attribute__((target("avx512f")))
static long adam_avx512(float *w, const float *g, float *m, float *v, long n, float b1, float c1, float b2, float c2,
                        float step, float eps) {
    const __m512 B1 = _mm512_set1_ps(b1), C1 = _mm512_set1_ps(c1), B2 = _mm512_set1_ps(b2), C2 = _mm512_set1_ps(c2);
    const __m512 S = _mm512_set1_ps(step), E = _mm512_set1_ps(eps);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 gi = _mm512_loadu_ps(g + i);
        const __m512 mi = _mm512_add_ps(_mm512_mul_ps(B1, _mm512_loadu_ps(m + i)), _mm512_mul_ps(C1, gi));
        const __m512 vi = _mm512_add_ps(_mm512_mul_ps(B2, _mm512_loadu_ps(v + i)), _mm512_mul_ps(_mm512_mul_ps(C2, gi), gi));
        _mm512_storeu_ps(m + i, mi);
        _mm512_storeu_ps(v + i, vi);
        const __m512 d = _mm512_div_ps(_mm512_mul_ps(S, mi), _mm512_add_ps(_mm512_sqrt_ps(vi), E));
        _mm512_storeu_ps(w + i, _mm512_sub_ps(_mm512_loadu_ps(w + i), d));
    }
    return i;
}
#endif

int ner_adam_update_on(int path, float *w, const float *g, float *m, float *v, long n, float beta1, float beta2,
                       float step_size, float epsilon) {
    const float c1 = 1.0f - beta1, c2 = 1.0f - beta2;
    long done = 0;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (path > ner_cpu_best_path()) path = ner_cpu_best_path();
    if (path == 2) done = adam_avx512(w, g, m, v, n, beta1, c1, beta2, c2, step_size, epsilon);
    else if (path == 1) done = adam_avx2(w, g, m, v, n, beta1, c1, beta2, c2, step_size, epsilon);
#else
    path = 0;
#endif
    adam_portable(w + done, g + done, m + done, v + done, n - done, beta1, c1, beta2, c2, step_size, epsilon);
    return path;
}

void ner_adam_update(float *w, const float *g, float *m, float *v, long n, float beta1, float beta2, float step_size,
                     float epsilon) {
    ner_adam_update_on(ner_cpu_default_path(), w, g, m, v, n, beta1, beta2, step_size, epsilon);
}
