// The LSTM cell's step, for training (ner_lstm_forward_cell, which keeps the activations for the
// backward pass) and for tagging (ner_lstm_infer_cell: one sequence, padded gate blocks, states
// in place). In C so that they can use AVX2 or AVX-512 (chosen at run time): Swift's SIMD8<Float> compiles
// to two SSE halves on the baseline x86-64 target the package is built for, and the gate
// activations were the largest item of a tagging profile. Both do the same operations in the
// same order with no contraction into fused multiply-adds, so tagging gives the bits of
// training's forward pass.
#include "ckernels.h"
#include "activations.h"

static void infer_cell_portable(const float *zx, const float *rec, const float *bias, float *z, float *c, float *h,
                                float *out, long H, long Hp) {
    for (long q = 0; q < 4; q++)
        for (long j = 0; j < H; j++)
            z[q * Hp + j] = rec ? (zx[q * H + j] + bias[q * H + j]) + rec[q * H + j] : zx[q * H + j] + bias[q * H + j];
    for (long j = 0; j < 2 * Hp; j++) z[j] = sigmoid_lane(z[j]);
    for (long j = 2 * Hp; j < 3 * Hp; j++) z[j] = tanh_lane(z[j]);
    for (long j = 3 * Hp; j < 4 * Hp; j++) z[j] = sigmoid_lane(z[j]);
    const float *i = z, *f = z + Hp, *g = z + 2 * Hp, *o = z + 3 * Hp;
    for (long j = 0; j < Hp; j++) {
        const float cNew = rec ? f[j] * c[j] + i[j] * g[j] : i[j] * g[j];
        c[j] = cNew;
        const float hNew = o[j] * tanh_lane(cNew);
        h[j] = hNew;
        if (j < H) out[j] = hNew;
    }
}

#ifdef NER_ACTIVATIONS_AVX2
__attribute__((target("avx2,fma")))
static void cell_avx2(const float *zx, const float *rec, const float *bias, float *z, float *c, float *h,
                      float *out, long H, long Hp) {
    const long full = H / 8 * 8;
    for (long q = 0; q < 4; q++) {
        const float *src = zx + q * H, *b = bias + q * H;
        float *dst = z + q * Hp;
        long j = 0;
        if (rec) {
            const float *r = rec + q * H;
            for (; j < full; j += 8)
                _mm256_storeu_ps(dst + j, _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(src + j), _mm256_loadu_ps(b + j)),
                                                        _mm256_loadu_ps(r + j)));
            for (; j < H; j++) dst[j] = (src[j] + b[j]) + r[j];
        } else {
            for (; j < full; j += 8) _mm256_storeu_ps(dst + j, _mm256_add_ps(_mm256_loadu_ps(src + j), _mm256_loadu_ps(b + j)));
            for (; j < H; j++) dst[j] = src[j] + b[j];
        }
    }
    long j = 0;
    for (; j < 2 * Hp; j += 8) _mm256_storeu_ps(z + j, sigmoid8(_mm256_loadu_ps(z + j)));
    for (; j < 3 * Hp; j += 8) _mm256_storeu_ps(z + j, tanh8(_mm256_loadu_ps(z + j)));
    for (; j < 4 * Hp; j += 8) _mm256_storeu_ps(z + j, sigmoid8(_mm256_loadu_ps(z + j)));
    const float *i = z, *f = z + Hp, *g = z + 2 * Hp, *o = z + 3 * Hp;
    for (j = 0; j < Hp; j += 8) {
        const __m256 ig = _mm256_mul_ps(_mm256_loadu_ps(i + j), _mm256_loadu_ps(g + j));
        const __m256 cNew = rec ? _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(f + j), _mm256_loadu_ps(c + j)), ig) : ig;
        _mm256_storeu_ps(c + j, cNew);
        const __m256 hNew = _mm256_mul_ps(_mm256_loadu_ps(o + j), tanh8(cNew));
        _mm256_storeu_ps(h + j, hNew);
        if (j < full) _mm256_storeu_ps(out + j, hNew);
        else {
            float lanes[8];
            _mm256_storeu_ps(lanes, hNew);
            for (long l = 0; l < H - j; l++) out[j + l] = lanes[l];
        }
    }
}

// AVX-512: the four gates, the cell and the hidden state of 16 units at a time in one pass (five
// independent exp chains per iteration, no round trip through z), the last units masked, for
// `NR` sequences at once (the same step of NR rows of a batch). The same operations per lane as
// cell_avx2, hence the same bits. In isolation, for 200 units on an AMD Zen 4: 1.08 µs a step
// against cell_avx2's 1.52 (a 16-lane copy of cell_avx2's three passes: 1.24). The step is bound
// by the latency of its exp and division chains, so two sequences interleaved (ten chains in
// flight) take less time than one after the other. On an AMD Zen 5: 0.289 µs a sequence against
// 0.325 in bench/kernels/run.sh (one pair, its inputs in cache); 0.28 against 0.36 in a scratch
// benchmark of 64 rows whose inputs are scattered over 22 MB as in tagging, where four sequences
// a call spilled registers (0.31).
__attribute__((target("avx512f,avx512dq"), always_inline))
static inline void cell_avx512_rows(int NR, const float *const *zx, const float *const *rec, const float *bias,
                                    float *const *c, float *const *h, float *const *out, long H) {
    const int later = rec[0] != NULL;
    for (long j = 0; j < H; j += 16) {
        const __mmask16 m = H - j >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (H - j)) - 1);
        __m512 gate[2][4];
        for (int q = 0; q < 4; q++) {
            const __m512 b = _mm512_maskz_loadu_ps(m, bias + q * H + j);
            for (int r = 0; r < NR; r++) {
                __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, zx[r] + q * H + j), b);
                if (later) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, rec[r] + q * H + j));
                gate[r][q] = v;
            }
        }
        for (int r = 0; r < NR; r++) {
            const __m512 i = sigmoid16(gate[r][0]), f = sigmoid16(gate[r][1]), g = tanh16(gate[r][2]);
            gate[r][3] = sigmoid16(gate[r][3]);
            const __m512 ig = _mm512_mul_ps(i, g);
            gate[r][0] = later ? _mm512_add_ps(_mm512_mul_ps(f, _mm512_maskz_loadu_ps(m, c[r] + j)), ig) : ig;
            _mm512_mask_storeu_ps(c[r] + j, m, gate[r][0]);
        }
        for (int r = 0; r < NR; r++) {
            const __m512 hNew = _mm512_mul_ps(gate[r][3], tanh16(gate[r][0]));
            _mm512_mask_storeu_ps(h[r] + j, m, hNew);
            _mm512_mask_storeu_ps(out[r] + j, m, hNew);
        }
    }
}

__attribute__((target("avx512f,avx512dq")))
static void cell_avx512(const float *zx, const float *rec, const float *bias, float *c, float *h, float *out, long H) {
    cell_avx512_rows(1, &zx, &rec, bias, &c, &h, &out, H);
}

__attribute__((target("avx512f,avx512dq")))
static void cell_avx512_pair(const float *const *zx, const float *const *rec, const float *bias, float *const *c,
                             float *const *h, float *const *out, long H) {
    cell_avx512_rows(2, zx, rec, bias, c, h, out, H);
}

#endif

int ner_lstm_infer_cell_on(int path, const float *zx, const float *rec, const float *bias, float *z, float *c, float *h,
                           float *out, long H, long Hp) {
#ifdef NER_ACTIVATIONS_AVX2
    if (path > ner_cpu_best_path()) path = ner_cpu_best_path();
    if (path == 2) {
        cell_avx512(zx, rec, bias, c, h, out, H);
        return 2;
    }
    if (path == 1) {
        cell_avx2(zx, rec, bias, z, c, h, out, H, Hp);
        return 1;
    }
#else
    (void)path;
#endif
    infer_cell_portable(zx, rec, bias, z, c, h, out, H, Hp);
    return 0;
}

void ner_lstm_infer_cell(const float *zx, const float *rec, const float *bias, float *z, float *c, float *h,
                         float *out, long H, long Hp) {
    ner_lstm_infer_cell_on(ner_cpu_default_path(), zx, rec, bias, z, c, h, out, H, Hp);
}

int ner_lstm_infer_cell_pair_on(int path, const float *zx0, const float *zx1, const float *rec, const float *bias, float *z,
                                float *c, float *h, float *out0, float *out1, long H, long Hp) {
    const float *zx[2] = {zx0, zx1}, *recs[2] = {rec, rec ? rec + 4 * H : NULL};
    float *cs[2] = {c, c + Hp}, *hs[2] = {h, h + Hp}, *outs[2] = {out0, out1};
#ifdef NER_ACTIVATIONS_AVX2
    if (path > ner_cpu_best_path()) path = ner_cpu_best_path();
    if (path == 2) {
        cell_avx512_pair(zx, recs, bias, cs, hs, outs, H);
        return 2;
    }
#endif
    for (int r = 0; r < 2; r++) path = ner_lstm_infer_cell_on(path, zx[r], recs[r], bias, z, cs[r], hs[r], outs[r], H, Hp);
    return path;
}

void ner_lstm_infer_cell_pair(const float *zx0, const float *zx1, const float *rec, const float *bias, float *z, float *c,
                              float *h, float *out0, float *out1, long H, long Hp) {
    ner_lstm_infer_cell_pair_on(ner_cpu_default_path(), zx0, zx1, rec, bias, z, c, h, out0, out1, H, Hp);
}

void ner_lstm_forward_cell(float *z, const float *cPrev, float *c, float *tc, float *h, long H) {
    ner_sigmoid(z, 2 * H);
    ner_tanh(z + 2 * H, H);
    ner_sigmoid(z + 3 * H, H);
    const float *i = z, *f = z + H, *g = z + 2 * H, *o = z + 3 * H;
    for (long j = 0; j < H; j++) c[j] = cPrev ? f[j] * cPrev[j] + i[j] * g[j] : i[j] * g[j];
    memcpy(tc, c, (size_t)H * sizeof(float));
    ner_tanh(tc, H);
    for (long j = 0; j < H; j++) h[j] = o[j] * tc[j];
}
