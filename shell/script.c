/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Script mode: run esxcli lines from a pipe or a file, stopping at the first
 * failure (or, with --continue-on-error, running them all), and telling which
 * line failed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"
#include "session.h"

/* The line as shown in an error report: never a secret. */
static char *describe_line(unsigned long number, const char *line)
{
	const char *shown = line_has_secret(line) ? "(not shown: it holds a secret)" : line;
	size_t len = strlen(shown) + 64;
	char *text = malloc(len);

	if (text)
		snprintf(text, len, "line %lu: %s", number, shown);
	return text;
}

int script_run(const struct session *s, FILE *in, bool continue_on_error)
{
	struct session line_session = *s;
	char *line = NULL, *context = NULL;
	unsigned long number = 0;
	size_t cap = 0;
	ssize_t len;
	bool quit = false;
	int status = 0;

	while (!quit && (len = getline(&line, &cap, in)) >= 0) {
		number++;
		/* Windows line ends too. */
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		context = describe_line(number, line);
		line_session.error_context = context ? context : "(out of memory)";
		if (session_run_line(&line_session, line, &quit) != 0) {
			status = 1;
			if (!continue_on_error)
				quit = true;
		}
		free(context);
		context = NULL;
	}
	if (ferror(in)) {
		fprintf(stderr, "esxcli: reading commands: %s\n", strerror(errno));
		status = 1;
	}
	free(line);
	return status;
}
