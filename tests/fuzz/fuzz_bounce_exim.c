/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: smtp-bounces' reading of Exim (flag, recipient, R= T= H=, the message or C=),
 * from examples/bounce_log.c; the modes and the oracle are in fuzz_bounce.h.
 */
#define BOUNCE_FORMAT FMT_EXIM
#include "fuzz_bounce.h"
