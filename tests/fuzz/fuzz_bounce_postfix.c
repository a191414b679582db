/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: smtp-bounces' reading of Postfix (to=, orig_to=, dsn=, status=),
 * from examples/bounce_log.c; the modes and the oracle are in fuzz_bounce.h.
 */
#define BOUNCE_FORMAT FMT_POSTFIX
#include "fuzz_bounce.h"
