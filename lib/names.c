/* SPDX-License-Identifier: MIT */
/*
 * Severity and category from the digits of a code (RFC 5321 s.4.2.1), and the
 * printed names of the classification vocabulary (docs/design.md section 5). The names
 * are data: names.def and reasons.def.
 */
#include "internal.h"

struct name_row {
    int table;
    int value;
    const char *name;
};

enum name_table { SEVERITY, CATEGORY, BOUNCE, RETRY, EVIDENCE, CONFIDENCE };

static const struct name_row names[] = {
#define SMTPREPLY_NAME(table, value, name) { table, value, name },
#include "names.def"
#undef SMTPREPLY_NAME
};

/* Indexed by enum smtpreply_reason; reasons.def lists them in value order. */
static const char *const reason_names[] = {
#define SMTPREPLY_REASON(id, name, bounce, retry) name,
#include "reasons.def"
#undef SMTPREPLY_REASON
};

typedef char reason_table_complete_[
    SMTPREPLY_ARRAY_SIZE(reason_names) == SMTPREPLY_REASON_COUNT ? 1 : -1];

static const char *lookup(int table, int value)
{
    size_t i;

    for (i = 0; i < SMTPREPLY_ARRAY_SIZE(names); i++)
        if (names[i].table == table && names[i].value == value)
            return names[i].name;
    return "unknown";
}

/* documented in smtpreply.h */
int smtpreply_severity_of(unsigned code)
{
    return smtpreply__severity(code);
}

/* documented in smtpreply.h */
int smtpreply_category_of(unsigned code)
{
    return smtpreply__category(code);
}

/* documented in smtpreply.h */
const char *smtpreply_severity_name(int severity)
{
    return lookup(SEVERITY, severity);
}

/* documented in smtpreply.h */
const char *smtpreply_category_name(int category)
{
    return lookup(CATEGORY, category);
}

/* documented in smtpreply.h */
const char *smtpreply_reason_name(int reason)
{
    if (reason < 0 || reason >= SMTPREPLY_REASON_COUNT)
        return "unknown";
    return reason_names[reason];
}

/* documented in smtpreply.h */
const char *smtpreply_bounce_name(int bounce)
{
    return lookup(BOUNCE, bounce);
}

/* documented in smtpreply.h */
const char *smtpreply_retry_name(int retry)
{
    return lookup(RETRY, retry);
}

/* documented in smtpreply.h */
const char *smtpreply_evidence_name(int evidence)
{
    return lookup(EVIDENCE, evidence);
}

/* documented in smtpreply.h */
const char *smtpreply_confidence_name(int confidence)
{
    return lookup(CONFIDENCE, confidence);
}
