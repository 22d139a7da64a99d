/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Secret option values (-S, --secret, --password...): recognising the
 * options, and asking for a value on the terminal, without echo, when one
 * was given without it, so that the secret never appears on a command line,
 * in a script or in the history.
 */
#ifndef ESXSH_SECRET_H
#define ESXSH_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"

/* The longest value read at the prompt (the daemon has its own limits). */
#define SECRET_INPUT_MAX 1024

/* True for -S and -S=..., and for a long option whose name holds "secret"
 * or "password" (--secret, --secret=..., --mutual-secret...). */
bool secret_option_word(const char *word);

/* Reads one secret after showing prompt: the value's length into buf
 * (size bytes, NUL-terminated), or a negative errno. */
typedef int (*secret_reader_fn)(const char *prompt, char *buf, size_t size, void *data);

/*
 * Give every secret option of ARGV that has no value ("-S" or "--secret" as
 * the last word, or followed by another option: a word starting with "--",
 * or "-X" / "-X=...") the value read through READ, as "-S=VALUE" in the
 * same place. Returns 0 with the rewritten words in *OUT (free them with
 * words_free, which wipes them), 1 when no option needed a value (*OUT
 * empty), or the reader's negative errno (*OUT empty). The prompt is
 * "Secret: " for -S and --secret, "Value for --NAME: " otherwise.
 */
int secret_fill(int argc, char **argv, struct words *out, secret_reader_fn read, void *data);

/* The reader for a person: stdin must be a terminal (-ENOTTY otherwise);
 * the prompt goes to stderr and echo is off while the line is typed.
 * Ctrl-C (or SIGTERM, SIGHUP, SIGQUIT) restores the terminal first, then
 * takes its usual effect; -EINTR when that returns here. A line longer
 * than size - 1 bytes is -E2BIG. */
int secret_read_terminal(const char *prompt, char *buf, size_t size, void *data);

#endif
