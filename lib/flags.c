/* SPDX-License-Identifier: MIT */
/* Names of reply and verdict flags, from lib/flags.def. */
#include "internal.h"

struct flag_row {
    uint32_t bit;
    const char *name;
};

static const struct flag_row reply_rows[] = {
#define SMTPREPLY_FLAG_ROW(bit, name) { bit, name },
#define SMTPREPLY_VERDICT_FLAG_ROW(bit, name)
#include "flags.def"
#undef SMTPREPLY_FLAG_ROW
#undef SMTPREPLY_VERDICT_FLAG_ROW
};

static const struct flag_row verdict_rows[] = {
#define SMTPREPLY_FLAG_ROW(bit, name)
#define SMTPREPLY_VERDICT_FLAG_ROW(bit, name) { bit, name },
#include "flags.def"
#undef SMTPREPLY_FLAG_ROW
#undef SMTPREPLY_VERDICT_FLAG_ROW
};

static const char *find(const struct flag_row *rows, size_t n, uint32_t bit)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (rows[i].bit == bit)
            return rows[i].name;
    return "unknown";
}

/* documented in smtpreply.h */
const char *smtpreply_flag_name(uint32_t flag)
{
    return find(reply_rows, SMTPREPLY_ARRAY_SIZE(reply_rows), flag);
}

/* documented in smtpreply.h */
const char *smtpreply_verdict_flag_name(uint32_t flag)
{
    return find(verdict_rows, SMTPREPLY_ARRAY_SIZE(verdict_rows), flag);
}
