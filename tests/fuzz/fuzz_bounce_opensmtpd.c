/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: smtp-bounces' reading of OpenSMTPD (mta delivery ... result= stat=),
 * from examples/bounce_log.c; the modes and the oracle are in fuzz_bounce.h.
 */
#define BOUNCE_FORMAT FMT_OPENSMTPD
#include "fuzz_bounce.h"
