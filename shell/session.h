/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Running what the user typed: splitting a line into words, asking the daemon
 * to execute, explain or complete them, and printing the reply. The one-shot,
 * interactive and script modes all go through here.
 */
#ifndef ESXSH_SESSION_H
#define ESXSH_SESSION_H

#include <stdbool.h>

#include "format.h"

/* Completion runs while the user waits at the prompt: never long. */
#define SESSION_COMPLETE_TIMEOUT_MS 5000

struct session {
	const char *socket_path;
	enum esx_formatter formatter;
	int screen_width;           /* --screen-width; 0: the terminal's, or 80 */
	int timeout_ms;             /* deadline for each reply */
	const char *error_context;  /* when set, "esxcli: CONTEXT" precedes any error */
};

/* Words of a command line, as a shell would split them. */
struct words {
	int argc;
	char **argv;       /* argc words, then NULL */
	bool open_word;    /* the line ended inside the last word (no blank after it) */
};

/* Accept an unterminated quote or a trailing backslash (the text before the
 * cursor, while completing): the last word is then taken as it stands. */
#define SPLIT_PARTIAL 0x1

/*
 * Split LINE into words: blanks separate words; '...' keeps everything
 * literally; "..." keeps everything but \" \\ \$ \` (backslash removed);
 * outside quotes a backslash takes the next character literally. No
 * expansion of any kind. Returns 0, -EINVAL for an unterminated quote or a
 * trailing backslash (unless SPLIT_PARTIAL), or -ENOMEM. W is then empty.
 */
int split_words(const char *line, int flags, struct words *w);
void words_free(struct words *w);

/* True when LINE passes a secret on the command line: -S, or a long option
 * whose name holds "secret" or "password" (--secret, --password=x...). Such
 * lines stay out of the history and out of error reports. */
bool line_has_secret(const char *line);

/* Columns for the daemon's help text and the formatters. */
int session_screen_width(const struct session *s);

/* Execute ARGV on the daemon and print the reply (errors on stderr, or on
 * stdout for --formatter=json). Returns the exit code: 0 or 1. */
int session_execute(const struct session *s, int argc, char **argv);

/* Print the daemon's help for the namespace or command ARGV (the top level
 * when ARGC is 0). Returns the exit code. */
int session_help(const struct session *s, int argc, char **argv);

/* esxcli --help: the daemon's top-level help, its usage line followed by
 * OPTIONS (the shell's global options); USAGE and OPTIONS alone when the
 * daemon cannot be asked. Returns the exit code. */
int session_global_help(const struct session *s, const char *usage, const char *options);

/* Ask the daemon how WORD may continue after the complete words ARGV.
 * Returns 0 with the candidates in *OUT (caller frees), or a negative errno. */
int session_complete(const struct session *s, int argc, char **argv, const char *word,
		     struct words *out);

/* Lines may be typed as on ESXi, with the program name in front. Returns how
 * many leading words to skip: 1 when ARGV starts with "esxcli" used as the
 * program name, 0 when it starts the "esxcli" namespace ("esxcli command
 * list"), which the daemon's completion tells apart. */
int session_program_words(const struct session *s, int argc, char **argv);

/*
 * Run one line: blank lines and lines starting with '#' do nothing; "exit"
 * and "quit" set *QUIT; "help [WORDS]" and "WORDS ?" show help; anything else
 * is executed (after a leading program name). Returns the exit code.
 */
int session_run_line(const struct session *s, const char *line, bool *quit);

#endif
