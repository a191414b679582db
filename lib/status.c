/* SPDX-License-Identifier: MIT */
/* Names and sentences for every status value, from lib/status.def. */
#include "internal.h"

struct status_row {
    int value;
    const char *name;
    const char *message;
};

static const struct status_row rows[] = {
#define SMTPREPLY_STATUS(value, name, message) { value, name, message },
#include "status.def"
#undef SMTPREPLY_STATUS
};

static const struct status_row *find(int status)
{
    size_t i;
    for (i = 0; i < SMTPREPLY_ARRAY_SIZE(rows); i++)
        if (rows[i].value == status)
            return &rows[i];
    return NULL;
}

/* documented in smtpreply.h */
const char *smtpreply_status_name(int status)
{
    const struct status_row *r = find(status);
    return r ? r->name : "unknown";
}

/* documented in smtpreply.h */
const char *smtpreply_strerror(int status)
{
    const struct status_row *r = find(status);
    return r ? r->message : "Unknown status value.";
}
