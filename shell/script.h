/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Script mode: esxcli commands read one per line from a file or a pipe.
 */
#ifndef ESXSH_SCRIPT_H
#define ESXSH_SCRIPT_H

#include <stdbool.h>
#include <stdio.h>

struct session;

/* Run every line of IN (blank and '#' lines are skipped). The first failing
 * line stops the script unless CONTINUE_ON_ERROR; each failure is reported
 * as "esxcli: line N: LINE" before its error. Returns 0 when every line
 * succeeded, else 1. */
int script_run(const struct session *s, FILE *in, bool continue_on_error);

#endif
