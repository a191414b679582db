/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 kernels for CPUs with AVX2 (lib/isa.h): 32 bytes a step, and the line
 * path compiled with them. Every function in this file is built for AVX2, BMI1
 * and BMI2 (tzcnt without a branch, shifts without CL); lib/dispatch.c runs them
 * only on a CPU that has all three.
 */
#include "isa.h"

#if defined(SMTPREPLY_HAVE_AVX2)
/* Headers first, built for the baseline: their inline functions may be inlined
 * into the AVX2 ones below, not the other way round. */
#include <immintrin.h>

#include "parser_state.h"
#include "enhanced.h"

/* Built for the baseline, before the pragma below: lib/dispatch.c asks it
 * before anything else here may run. */
static int isa_usable(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi")
           && __builtin_cpu_supports("bmi2");
}

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,bmi,bmi2"))), apply_to = function)
#else
#pragma GCC target("avx2,bmi,bmi2")
#endif

#define ISA_FN(name) avx2_##name
#define ISA_NAME "avx2"
#define ISA_TABLE smtpreply__isa_avx2
#define ISA_BLOCK 32
#define ISA_BLOCK_SHIFT 0

/* Bit i set when byte i of the 32 at p is special (see lib/isa_sse2.c): 14 > p[i]
 * as signed bytes, with 14 in every byte of k. */
static inline uint64_t mask32_with(const unsigned char *p, __m256i k)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);

    return (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(k, v));
}

/* 14 in every byte (lib/isa.h). */
static inline __m256i fourteens(void)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)smtpreply__fourteens);
}

static inline uint64_t isa_block(const unsigned char *p)
{
    return mask32_with(p, fourteens());
}

static inline uint64_t isa_window(const unsigned char *p)
{
    __m256i k = fourteens();

    return mask32_with(p, k) | mask32_with(p + 32, k) << 32;
}

/* Two 32-byte moves (a memcpy of 64 would be four 16-byte ones under generic
 * tuning). */
static inline void isa_copy64(char *dst, const unsigned char *src)
{
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)src);
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(src + 32));

    _mm256_storeu_si256((__m256i *)(void *)dst, a);
    _mm256_storeu_si256((__m256i *)(void *)(dst + 32), b);
}

#include "isa_common.h"

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC reset_options
#endif
#else
typedef int smtpreply__no_avx2_;     /* ISO C wants something in a file */
#endif
