/* SPDX-License-Identifier: MIT */
#include "internal.h"

/* documented in smtpreply.h */
const char *smtpreply_version(void)
{
    return SMTPREPLY_VERSION_STRING;
}
