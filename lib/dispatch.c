/* SPDX-License-Identifier: MIT */
/*
 * The CPU dispatch (lib/isa.h): the one place that decides which instruction set's
 * kernels and line path run. The choice is made on first use and kept; tests may
 * make any set of this build the one in use.
 */
#include "isa.h"

/* documented in lib/isa.h */
const unsigned char smtpreply__fourteens[32] = {
    14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14,
    14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14
};

/* The sets of this build, best last. */
static const struct smtpreply__isa *const sets[] = {
    &smtpreply__isa_scalar,
#if defined(SMTPREPLY_HAVE_SSE2)
    &smtpreply__isa_sse2,
#endif
#if defined(SMTPREPLY_HAVE_AVX2)
    &smtpreply__isa_avx2,
#endif
#if defined(SMTPREPLY_HAVE_NEON)
    &smtpreply__isa_neon,
#endif
};

/* documented in lib/isa.h */
void smtpreply__isa_use(const struct smtpreply__isa *isa)
{
    __atomic_store_n(&smtpreply__isa_current, isa, __ATOMIC_RELAXED);
}

/* The best set this CPU runs, installed. */
static const struct smtpreply__isa *choose(void)
{
    const struct smtpreply__isa *best = sets[0];
    size_t i;

    for (i = 1; i < SMTPREPLY_ARRAY_SIZE(sets); i++) {
        if (sets[i]->usable())
            best = sets[i];
    }
    smtpreply__isa_use(best);
    return best;
}

/* The set in use before the first call: each function chooses, then forwards. */
static uint64_t first_window(const unsigned char *p)
{
    return choose()->window(p);
}

static size_t first_scan(const unsigned char *p, size_t n)
{
    return choose()->scan(p, n);
}

static int first_feed_line(struct smtpreply__state *s, const unsigned char *d, size_t n,
                           size_t *consumed, struct smtpreply_reply *r, uint32_t w)
{
    return choose()->feed_line(s, d, n, consumed, r, w);
}

static int first_feed_other(struct smtpreply__state *s, const unsigned char *d, size_t n,
                            size_t *consumed, struct smtpreply_reply *r, uint32_t w)
{
    return choose()->feed_other(s, d, n, consumed, r, w);
}

static size_t first_feed_many(struct smtpreply__state *s, const unsigned char *d, size_t n,
                              size_t *consumed, struct smtpreply_reply *rs, size_t max,
                              char *text)
{
    return choose()->feed_many(s, d, n, consumed, rs, max, text);
}

static int first_usable(void)
{
    return 1;
}

static const struct smtpreply__isa first_use = {
    "first-use", first_usable, first_window, first_scan, first_feed_line, first_feed_other,
    first_feed_many
};

const struct smtpreply__isa *smtpreply__isa_current = &first_use;

/* documented in lib/isa.h */
int smtpreply__isa_at(size_t i, const struct smtpreply__isa **isa)
{
    if (i >= SMTPREPLY_ARRAY_SIZE(sets) || !sets[i]->usable())
        return 0;
    if (isa)
        *isa = sets[i];
    return 1;
}

/* documented in lib/internal.h */
int smtpreply__parser_variant(size_t i, const char **name)
{
    const struct smtpreply__isa *isa;

    if (!smtpreply__isa_at(i, &isa))
        return 0;
    if (name)
        *name = isa->name;
    smtpreply__isa_use(isa);
    return 1;
}
