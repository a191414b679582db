/* SPDX-License-Identifier: MIT */
/*
 * Print the catalog's codes, one a line ("basic 220", "enhanced 7.26"), through
 * the public API: the list the site's checks expect a page for.
 */
#include <smtpreply.h>

#include <stdio.h>

int main(void)
{
    struct smtpreply_enhanced e;
    unsigned code;
    size_t i;

    for (i = 0; (code = smtpreply_catalog_code_at(i)) != 0; i++)
        printf("basic %u\n", code);
    for (i = 0; smtpreply_catalog_enhanced_at(i, &e); i++)
        printf("enhanced %u.%u\n", e.subject, e.detail);
    return fflush(stdout) == 0 ? 0 : 1;
}
