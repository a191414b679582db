/* SPDX-License-Identifier: MIT */
/*
 * The parser's inner loop: find the first byte of reply text that needs individual
 * attention (LF, CR, NUL, or a byte >= 0x80). Everything before it is copied in
 * bulk. See lib/internal.h for the contract.
 *
 * Implementations, all giving the same answer (tests/test_scan.c compares them):
 *   scalar  portable C, always compiled; the only one with -Dsimd=false
 *   sse2    x86-64 baseline, 16 bytes a step
 *   avx2    x86-64 when the CPU has it, 32 bytes a step; chosen on first use
 *   neon    arm64, 16 bytes a step
 * A vector step looks at one whole block that lies inside [p, p + n); the bytes
 * after the last whole block go through the next narrower step or the scalar loop,
 * so nothing outside the caller's range is ever read, not even within a page.
 * One block is four comparisons and a mask: a byte is special when it equals LF,
 * CR or NUL, or has its top bit set.
 */
#include "internal.h"

#if !defined(SMTPREPLY_NO_SIMD) && (defined(__x86_64__) || defined(_M_X64))
#define SCAN_X86 1
#include <emmintrin.h>
#if defined(__GNUC__) && !defined(__INTEL_COMPILER) && !defined(_MSC_VER)
#define SCAN_AVX2 1
#include <immintrin.h>
#endif
#elif !defined(SMTPREPLY_NO_SIMD) && (defined(__aarch64__) || defined(_M_ARM64))
#define SCAN_NEON 1
#include <arm_neon.h>
#endif

/* 1 for the bytes the parser must look at one by one. */
static const unsigned char special[256] = {
    [0] = 1, ['\n'] = 1, ['\r'] = 1,
    [0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* The scalar search from index i; the vector versions finish their tails here. */
static size_t scan_from(const unsigned char *u, size_t i, size_t n)
{
    /* Unrolled by four: the common reply line has 40-80 plain bytes. */
    while (i + 4 <= n) {
        if (special[u[i]])
            return i;
        if (special[u[i + 1]])
            return i + 1;
        if (special[u[i + 2]])
            return i + 2;
        if (special[u[i + 3]])
            return i + 3;
        i += 4;
    }
    while (i < n && !special[u[i]])
        i++;
    return i;
}

size_t smtpreply__scan_text_scalar(const char *p, size_t n)
{
    return scan_from((const unsigned char *)p, 0, n);
}

#if defined(SCAN_X86)
/* Bit i set when byte i of v is special. */
static unsigned mask_sse2(__m128i v)
{
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                               _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_setzero_si128()));
    /* movemask takes each byte's top bit: that is the >= 0x80 test for free. */
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(hit, v));
}

static size_t scan_sse2(const char *p, size_t n)
{
    size_t i = 0;

    for (; i + 16 <= n; i += 16) {
        unsigned m = mask_sse2(_mm_loadu_si128((const __m128i *)(const void *)(p + i)));
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    return scan_from((const unsigned char *)p, i, n);
}

#if defined(SCAN_AVX2)
/* One table lookup instead of three comparisons: indexed by a byte's low nibble,
 * the table holds the one byte below 0x80 with that nibble that is special (NUL,
 * LF, CR), or 0xFF where there is none, so a byte below 0x80 equals its entry
 * exactly when it is special. vpshufb gives 0 for bytes with the top bit set;
 * movemask catches those directly. */
__attribute__((target("avx2")))
static unsigned mask_avx2(__m256i v)
{
    const __m256i table = _mm256_setr_epi8(
        0, -1, -1, -1, -1, -1, -1, -1, -1, -1, '\n', -1, -1, '\r', -1, -1,
        0, -1, -1, -1, -1, -1, -1, -1, -1, -1, '\n', -1, -1, '\r', -1, -1);
    __m256i hit = _mm256_cmpeq_epi8(v, _mm256_shuffle_epi8(table, v));
    return (unsigned)_mm256_movemask_epi8(_mm256_or_si256(hit, v));
}

__attribute__((target("avx2")))
static size_t scan_avx2(const char *p, size_t n)
{
    size_t i = 0;

    for (; i + 32 <= n; i += 32) {
        unsigned m = mask_avx2(_mm256_loadu_si256((const __m256i *)(const void *)(p + i)));
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    if (i + 16 <= n) {
        unsigned m = mask_sse2(_mm_loadu_si128((const __m128i *)(const void *)(p + i)));
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
    return scan_from((const unsigned char *)p, i, n);
}
#endif /* SCAN_AVX2 */
#endif /* SCAN_X86 */

#if defined(SCAN_NEON)
static size_t scan_neon(const char *p, size_t n)
{
    size_t i = 0;

    for (; i + 16 <= n; i += 16) {
        uint8x16_t v = vld1q_u8((const uint8_t *)p + i);
        uint8x16_t hit = vorrq_u8(vceqq_u8(v, vdupq_n_u8('\n')), vceqq_u8(v, vdupq_n_u8('\r')));
        uint64_t bits;
        hit = vorrq_u8(hit, vceqq_u8(v, vdupq_n_u8(0)));
        hit = vorrq_u8(hit, vcgeq_u8(v, vdupq_n_u8(0x80)));
        /* Narrow each byte to four bits: a 64-bit mask with 4 bits per byte. */
        bits = vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(hit), 4)), 0);
        if (bits)
            return i + (size_t)(__builtin_ctzll(bits) >> 2);
    }
    return scan_from((const unsigned char *)p, i, n);
}
#endif

/* ---- selection ------------------------------------------------------------- */

typedef size_t (*scan_fn)(const char *p, size_t n);

static const struct variant {
    const char *name;
    scan_fn fn;
} variants[] = {
    { "scalar", smtpreply__scan_text_scalar },
#if defined(SCAN_X86)
    { "sse2", scan_sse2 },
#if defined(SCAN_AVX2)
    { "avx2", scan_avx2 },
#endif
#endif
#if defined(SCAN_NEON)
    { "neon", scan_neon },
#endif
};

/* Whether the CPU can run variant i. */
static int usable(size_t i)
{
#if defined(SCAN_AVX2)
    if (variants[i].fn == scan_avx2) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }
#endif
    return i < SMTPREPLY_ARRAY_SIZE(variants);
}

/* documented in lib/internal.h */
int smtpreply__scan_variant(size_t i, const char **name,
                            size_t (**fn)(const char *p, size_t n))
{
    if (i >= SMTPREPLY_ARRAY_SIZE(variants) || !usable(i))
        return 0;
    if (name)
        *name = variants[i].name;
    if (fn)
        *fn = variants[i].fn;
    return 1;
}

#if defined(SCAN_AVX2)
static size_t scan_first(const char *p, size_t n);

/* The implementation in use. It starts at scan_first(), which replaces it with the
 * best one for this CPU. Threads that race on the first call all store the same
 * value; relaxed atomics keep that race defined and cost a plain load. */
static scan_fn current = scan_first;

static size_t scan_first(const char *p, size_t n)
{
    scan_fn best = scan_sse2;
    size_t i;

    for (i = 0; i < SMTPREPLY_ARRAY_SIZE(variants); i++) {
        if (variants[i].fn == scan_avx2 && usable(i))
            best = scan_avx2;
    }
    __atomic_store_n(&current, best, __ATOMIC_RELAXED);
    return best(p, n);
}

size_t smtpreply__scan_text(const char *p, size_t n)
{
    return __atomic_load_n(&current, __ATOMIC_RELAXED)(p, n);
}
#elif defined(SCAN_X86)
size_t smtpreply__scan_text(const char *p, size_t n)
{
    return scan_sse2(p, n);
}
#elif defined(SCAN_NEON)
size_t smtpreply__scan_text(const char *p, size_t n)
{
    return scan_neon(p, n);
}
#else
size_t smtpreply__scan_text(const char *p, size_t n)
{
    return smtpreply__scan_text_scalar(p, n);
}
#endif
