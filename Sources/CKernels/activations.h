// The activations of the LSTM gates, shared by the kernels of this module (not part of its
// interface): exp, sigmoid and tanh per lane (scalar) and per 8 lanes (AVX2). Both do exactly the
// same operations (Cephes-style range reduction, a degree-6 polynomial, scaling through the
// exponent bits; a few ulp of exp), so a value gets the same bits on either path.
#ifndef NER_ACTIVATIONS_H
#define NER_ACTIVATIONS_H

#include "cpu_features.h"

#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)

// The scalar path, also the reference for one lane of the vector one.
static inline float exp_lane(float x) {
    float clamped = x < -87.3f ? -87.3f : x;
    clamped = clamped > 88.3f ? 88.3f : clamped;
    const float magic = 12582912.0f;
    const float shifted = clamped * 1.44269504f + magic;
    const float n = shifted - magic;
    float r = clamped - n * 0.693359375f;
    r = r + n * 2.1219444e-4f;
    const float r2 = r * r;
    float p = 1.98756915e-4f;
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.1665796e-2f;
    p = p * r + 1.66666655e-1f;
    p = p * r + 5.0000001e-1f;
    const float e = p * r2 + r + 1.0f;
    int32_t si, mi;
    memcpy(&si, &shifted, 4);
    memcpy(&mi, &magic, 4);
    const int32_t bits = (int32_t)((uint32_t)(si - mi + 127) << 23);
    float scale;
    memcpy(&scale, &bits, 4);
    return e * scale;
}
static inline float sigmoid_lane(float x) { return 1.0f / (1.0f + exp_lane(-x)); }
static inline float tanh_lane(float x) { return 1.0f - 2.0f / (exp_lane(x + x) + 1.0f); }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NER_ACTIVATIONS_AVX2 1
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma"), always_inline)) static inline

AVX2 __m256 exp8(__m256 x) {
    const __m256 lo = _mm256_set1_ps(-87.3f), hi = _mm256_set1_ps(88.3f);
    __m256 clamped = _mm256_blendv_ps(x, lo, _mm256_cmp_ps(x, lo, _CMP_LT_OQ));
    clamped = _mm256_blendv_ps(clamped, hi, _mm256_cmp_ps(clamped, hi, _CMP_GT_OQ));
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    const __m256 shifted = _mm256_add_ps(_mm256_mul_ps(clamped, _mm256_set1_ps(1.44269504f)), magic);
    const __m256 n = _mm256_sub_ps(shifted, magic);
    __m256 r = _mm256_sub_ps(clamped, _mm256_mul_ps(n, _mm256_set1_ps(0.693359375f)));
    r = _mm256_add_ps(r, _mm256_mul_ps(n, _mm256_set1_ps(2.1219444e-4f)));
    const __m256 r2 = _mm256_mul_ps(r, r);
    __m256 p = _mm256_set1_ps(1.98756915e-4f);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.39819995e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519e-3f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.1665796e-2f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.66666655e-1f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.0000001e-1f));
    const __m256 e = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, r2), r), _mm256_set1_ps(1.0f));
    const __m256i ni = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_castps_si256(magic));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(ni, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(e, _mm256_castsi256_ps(bits));
}
AVX2 __m256 sigmoid8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_xor_ps(x, _mm256_set1_ps(-0.0f)))));
}
AVX2 __m256 tanh8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(exp8(_mm256_add_ps(x, x)), one)));
}


#define AVX512 __attribute__((target("avx512f,avx512dq"), always_inline)) static inline

// The same operations as exp8, sigmoid8 and tanh8 on 16 lanes (the same bits per lane).
AVX512 __m512 exp16(__m512 x) {
    const __m512 lo = _mm512_set1_ps(-87.3f), hi = _mm512_set1_ps(88.3f);
    __m512 clamped = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, lo, _CMP_LT_OQ), x, lo);
    clamped = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(clamped, hi, _CMP_GT_OQ), clamped, hi);
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    const __m512 shifted = _mm512_add_ps(_mm512_mul_ps(clamped, _mm512_set1_ps(1.44269504f)), magic);
    const __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_sub_ps(clamped, _mm512_mul_ps(n, _mm512_set1_ps(0.693359375f)));
    r = _mm512_add_ps(r, _mm512_mul_ps(n, _mm512_set1_ps(2.1219444e-4f)));
    const __m512 r2 = _mm512_mul_ps(r, r);
    __m512 p = _mm512_set1_ps(1.98756915e-4f);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.39819995e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(8.3334519e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(4.1665796e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.66666655e-1f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(5.0000001e-1f));
    const __m512 e = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, r2), r), _mm512_set1_ps(1.0f));
    const __m512i ni = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_castps_si512(magic));
    const __m512i bits = _mm512_slli_epi32(_mm512_add_epi32(ni, _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(e, _mm512_castsi512_ps(bits));
}
AVX512 __m512 sigmoid16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    return _mm512_div_ps(one, _mm512_add_ps(one, exp16(_mm512_xor_ps(x, _mm512_set1_ps(-0.0f)))));
}
AVX512 __m512 tanh16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    return _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(exp16(_mm512_add_ps(x, x)), one)));
}

// Whether the CPU has AVX2 and FMA (cpu_features.c asks once).
static inline int ner_has_avx2(void) { return (ner_cpu_features() & NER_CPU_AVX2) != 0; }
#endif

#endif
