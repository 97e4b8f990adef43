// exp, sigmoid and tanh in place over arrays: the gate activations of the training path's LSTM
// cell and what the tests compare with libm. AVX2 over whole groups of 8 when the CPU has it,
// the scalar lane for the rest; both give the same bits (activations.h).
#include "ckernels.h"
#include "activations.h"

#define NER_IN_PLACE(name, lane, vector)                                                       \
    NER_IN_PLACE_AVX2(name, vector)                                                            \
    void ner_##name(float *p, long n) {                                                       \
        long i = 0;                                                                            \
        NER_IN_PLACE_DISPATCH(name)                                                            \
        for (; i < n; i++) p[i] = lane(p[i]);                                                  \
    }

#ifdef NER_ACTIVATIONS_AVX2
#define NER_IN_PLACE_AVX2(name, vector)                                                        \
    __attribute__((target("avx2,fma"))) static long name##_avx2(float *p, long n) {            \
        long i = 0;                                                                            \
        for (; i + 8 <= n; i += 8) _mm256_storeu_ps(p + i, vector(_mm256_loadu_ps(p + i)));    \
        return i;                                                                              \
    }
#define NER_IN_PLACE_DISPATCH(name) if (ner_has_avx2()) i = name##_avx2(p, n);
#else
#define NER_IN_PLACE_AVX2(name, vector)
#define NER_IN_PLACE_DISPATCH(name)
#endif

NER_IN_PLACE(exp, exp_lane, exp8)
NER_IN_PLACE(sigmoid, sigmoid_lane, sigmoid8)
NER_IN_PLACE(tanh, tanh_lane, tanh8)
