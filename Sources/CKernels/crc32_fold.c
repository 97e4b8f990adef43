// CRC-32 (zlib's, the reflected polynomial 0x104C11DB7) of long buffers by folding 16-byte
// lanes with carry-less multiplies, the method of Gopal et al., "Fast CRC Computation for
// Generic Polynomials Using PCLMULQDQ Instruction" (Intel, 2009). A lane L of the message, moved
// D bits further on, is congruent (mod P) to its low half times x^(D+32) plus its high half times
// x^(D-32), each constant bit-reflected and shifted left once, as the reflected domain wants:
//
//   D = 512 (four lanes at a time): x^544 mod P -> 0x154442bd4, x^480 mod P -> 0x1c6e41596
//   D = 128 (one lane at a time):   x^160 mod P -> 0x1751997d0, x^96 mod P  -> 0x0ccaa009e
//
// The folding stops at one lane, whose own CRC (from a zero register) is the message's: the
// caller takes it with zlib, which also does the bytes after the last whole lane.
#include "ckernels.h"
#include "cpu_features.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i lane, __m128i constants, __m128i next) {
    const __m128i low = _mm_clmulepi64_si128(lane, constants, 0x00);
    const __m128i high = _mm_clmulepi64_si128(lane, constants, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

__attribute__((target("pclmul,sse4.1")))
static size_t fold_pclmul(const unsigned char *buf, size_t len, uint32_t crc, unsigned char *residue) {
    const __m128i by4 = _mm_set_epi64x(0x1c6e41596LL, 0x154442bd4LL);
    const __m128i by1 = _mm_set_epi64x(0x0ccaa009eLL, 0x1751997d0LL);
    // zlib's crc is the complement of the register; the register enters with the first bytes.
    __m128i x0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)buf), _mm_cvtsi32_si128((int)~crc));
    __m128i x1 = _mm_loadu_si128((const __m128i *)(buf + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(buf + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(buf + 48));
    size_t done = 64;
    while (len - done >= 64) {
        x0 = fold(x0, by4, _mm_loadu_si128((const __m128i *)(buf + done)));
        x1 = fold(x1, by4, _mm_loadu_si128((const __m128i *)(buf + done + 16)));
        x2 = fold(x2, by4, _mm_loadu_si128((const __m128i *)(buf + done + 32)));
        x3 = fold(x3, by4, _mm_loadu_si128((const __m128i *)(buf + done + 48)));
        done += 64;
    }
    x0 = fold(x0, by1, x1);
    x0 = fold(x0, by1, x2);
    x0 = fold(x0, by1, x3);
    while (len - done >= 16) {
        x0 = fold(x0, by1, _mm_loadu_si128((const __m128i *)(buf + done)));
        done += 16;
    }
    _mm_storeu_si128((__m128i *)residue, x0);
    return done;
}
#endif

size_t ner_crc32_fold(const unsigned char *buf, size_t len, uint32_t crc, unsigned char residue[16]) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (len >= 64 && (ner_cpu_features() & NER_CPU_PCLMUL)) return fold_pclmul(buf, len, crc, residue);
#endif
    (void)buf;
    (void)len;
    (void)crc;
    (void)residue;
    return 0;
}
