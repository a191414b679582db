/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: smtp-bounces' reading of DSN messages (RFC 3464 fields and the human-readable part),
 * from examples/bounce_log.c; the modes and the oracle are in fuzz_bounce.h.
 */
#define BOUNCE_FORMAT FMT_DSN
#include "fuzz_bounce.h"
