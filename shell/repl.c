/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The interactive shell on GNU readline. Completion asks the daemon (the
 * shell knows no command); the history lives in ~/.esxcli_history, and lines
 * that carry a secret never reach it, in memory or on disk.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "repl.h"
#include "session.h"

#define PROMPT "esxcli> "
#define HISTORY_FILE ".esxcli_history"
#define HISTORY_LINES 1000
#define PROGRAM_NAME "esxcli"

/* Readline's callbacks carry no user data. */
static const struct session *completing;
static struct words completion_matches;
static int next_match;
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	interrupted = 1;
}

/*
 * Readline's own key reader retries reads a signal interrupts; this one lets
 * readline handle the signal (its SIGINT handler cleans up and passes the
 * signal on to on_sigint) and then turns Ctrl-C into "abandon this line".
 */
static int read_key(FILE *in)
{
	unsigned char c;

	for (;;) {
		ssize_t n = read(fileno(in), &c, 1);

		if (n == 1)
			return c;
		if (n == 0 || errno != EINTR)
			return EOF;
		rl_check_signals();
		if (interrupted) {
			interrupted = 0;
			rl_replace_line("", 0);
			return '\n';
		}
	}
}

static char *next_candidate(const char *text, int state)
{
	if (state == 0)
		next_match = 0;
	if (next_match >= completion_matches.argc)
		return NULL;
	return strdup(completion_matches.argv[next_match++]);
}

/* Candidates of both sources, or of the one that answered. */
static int complete_both(const struct session *s, char **argv, const char *word,
			 struct words *out)
{
	struct words more = { 0 };
	int i, ret;

	ret = session_complete(s, 0, NULL, word, out);
	if (session_complete(s, 1, argv, word, &more) < 0)
		goto out;
	if (ret < 0) {
		*out = more;
		more = (struct words){ 0 };
		ret = 0;
		goto out;
	}
	for (i = 0; i < more.argc; i++) {
		char **grown = realloc(out->argv, ((size_t)out->argc + 2) * sizeof(*grown));

		if (!grown)
			goto out;
		out->argv = grown;
		out->argv[out->argc++] = more.argv[i];
		out->argv[out->argc] = NULL;
		more.argv[i] = NULL;
	}
out:
	words_free(&more);
	return ret;
}

/* Keep the candidates that continue WORD: the daemon should have filtered
 * them, but what readline inserts must fit what was typed. */
static void keep_continuations(struct words *found, const char *word)
{
	size_t len = strlen(word);
	int i, kept = 0;

	for (i = 0; i < found->argc; i++) {
		if (strncmp(found->argv[i], word, len) == 0)
			found->argv[kept++] = found->argv[i];
		else
			free(found->argv[i]);
	}
	found->argc = kept;
	if (found->argv)
		found->argv[kept] = NULL;
}

static char **complete_line(const char *text, int start, int end)
{
	struct words before = { 0 };
	char *upto = NULL, **result = NULL;
	const char *word = "";
	int argc, skip, ret;

	/* No file-name completion when the daemon offers nothing. */
	rl_attempted_completion_over = 1;
	upto = strndup(rl_line_buffer, (size_t)rl_point);
	if (!upto || split_words(upto, SPLIT_PARTIAL, &before) < 0)
		goto out;
	argc = before.argc;
	if (before.open_word)
		word = before.argv[--argc];

	if (argc == 1 && strcmp(before.argv[0], PROGRAM_NAME) == 0) {
		/* "esxcli WORD": the program name, or the esxcli namespace. */
		ret = complete_both(completing, before.argv, word, &completion_matches);
	} else {
		skip = session_program_words(completing, argc, before.argv);
		ret = session_complete(completing, argc - skip, before.argv + skip, word,
				       &completion_matches);
	}
	if (ret < 0)
		goto out;
	keep_continuations(&completion_matches, word);
	result = rl_completion_matches(text, next_candidate);
out:
	words_free(&completion_matches);
	words_free(&before);
	free(upto);
	return result;
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *path;
	size_t len;

	if (!home || !*home)
		return NULL;
	len = strlen(home) + sizeof("/" HISTORY_FILE);
	path = malloc(len);
	if (path)
		snprintf(path, len, "%s/%s", home, HISTORY_FILE);
	return path;
}

static void load_history(const char *path)
{
	int fd;

	/* A first run has no file yet: nothing to read. */
	read_history(path);
	/* append_history() only appends to a file that exists. The file shows
	 * what was done to the host: private, like a shell's. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0)
		close(fd);
}

static void remember(const char *path, const char *line)
{
	HIST_ENTRY *last;

	if (line[strspn(line, " \t")] == '\0' || line_has_secret(line))
		return;
	last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
	if (last && strcmp(last->line, line) == 0)
		return;
	add_history(line);
	if (path)
		append_history(1, path);
}

static void setup_readline(const struct session *s)
{
	completing = s;
	rl_readline_name = PROGRAM_NAME;
	rl_attempted_completion_function = complete_line;
	rl_basic_word_break_characters = " \t\n";
	rl_completer_word_break_characters = " \t\n";
	rl_completer_quote_characters = "\"'";
	rl_getc_function = read_key;
	stifle_history(HISTORY_LINES);
}

int repl_run(const struct session *s)
{
	struct sigaction sa = { .sa_handler = on_sigint }, old_sa;
	char *path = history_path(), *line;
	bool quit = false;

	setup_readline(s);
	/* Without SA_RESTART: Ctrl-C also abandons a command's wait. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);
	if (path)
		load_history(path);
	printf("esxcli shell: 'help' lists namespaces, 'WORDS ?' explains them, "
	       "'exit' leaves.\n");

	while (!quit) {
		interrupted = 0;
		line = readline(PROMPT);
		if (!line) {
			putchar('\n');
			break;
		}
		remember(path, line);
		session_run_line(s, line, &quit);
		free(line);
	}

	if (path)
		history_truncate_file(path, HISTORY_LINES);
	clear_history();
	sigaction(SIGINT, &old_sa, NULL);
	free(path);
	completing = NULL;
	return 0;
}
