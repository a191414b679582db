/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: smtp-bounces' reading of Sendmail (a to= list, then fields up to stat=),
 * from examples/bounce_log.c; the modes and the oracle are in fuzz_bounce.h.
 */
#define BOUNCE_FORMAT FMT_SENDMAIL
#include "fuzz_bounce.h"
