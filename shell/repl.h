/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The interactive shell: a readline prompt with the daemon's completion and a
 * history file that never receives a secret.
 */
#ifndef ESXSH_REPL_H
#define ESXSH_REPL_H

struct session;

/* Read and run lines from the terminal until exit, quit or end of input.
 * Returns the exit code (0). */
int repl_run(const struct session *s);

#endif
