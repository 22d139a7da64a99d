/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Secret option values: which options are secret, and asking for their
 * values on the terminal with echo off (secret.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "secret.h"

bool secret_option_word(const char *word)
{
	size_t name_len;
	char *name = NULL;
	bool secret;

	if (strcmp(word, "-S") == 0 || strncmp(word, "-S=", 3) == 0)
		return true;
	if (strncmp(word, "--", 2) != 0)
		return false;
	word += 2;
	name_len = strcspn(word, "=");
	name = strndup(word, name_len);
	if (!name)
		return true;    /* when in doubt, keep it out of the history */
	secret = strcasestr(name, "secret") || strcasestr(name, "password");
	free(name);
	return secret;
}

/* What the daemon would take for an option rather than a value (it knows
 * the command's short options; a secret that looks like one is typed at the
 * prompt, or given as -S=VALUE). */
static bool option_like(const char *word)
{
	return strncmp(word, "--", 2) == 0 ||
	       (word[0] == '-' && word[1] && (word[2] == '\0' || word[2] == '='));
}

static int push(struct words *w, char *word)
{
	char **argv = realloc(w->argv, ((size_t)w->argc + 2) * sizeof(*argv));

	if (!argv) {
		explicit_bzero(word, strlen(word));
		free(word);
		return -ENOMEM;
	}
	w->argv = argv;
	argv[w->argc++] = word;
	argv[w->argc] = NULL;
	return 0;
}

/* "-S" + "=" + value, as one word. */
static char *with_value(const char *option, const char *value)
{
	size_t len = strlen(option) + 1 + strlen(value) + 1;
	char *word = malloc(len);

	if (word)
		snprintf(word, len, "%s=%s", option, value);
	return word;
}

int secret_fill(int argc, char **argv, struct words *out, secret_reader_fn read, void *data)
{
	char value[SECRET_INPUT_MAX], prompt[128];
	int ret = 1;

	out->argc = 0;
	out->argv = NULL;
	out->open_word = false;
	for (int i = 0; i < argc; i++) {
		const char *word = argv[i];
		char *copy;
		int n;

		if (!secret_option_word(word) || strchr(word, '=') ||
		    (i + 1 < argc && !option_like(argv[i + 1]))) {
			copy = strdup(word);
			n = copy ? push(out, copy) : -ENOMEM;
			if (n < 0) {
				ret = n;
				goto out;
			}
			continue;
		}
		if (strcmp(word, "-S") == 0 || strcmp(word, "--secret") == 0)
			snprintf(prompt, sizeof(prompt), "Secret: ");
		else
			snprintf(prompt, sizeof(prompt), "Value for %.100s: ", word);
		n = read(prompt, value, sizeof(value), data);
		if (n < 0) {
			ret = n;
			goto out;
		}
		copy = with_value(word, value);
		n = copy ? push(out, copy) : -ENOMEM;
		if (n < 0) {
			ret = n;
			goto out;
		}
		ret = 0;
	}
out:
	explicit_bzero(value, sizeof(value));
	if (ret != 0)
		words_free(out);
	return ret;
}

/* ---- the terminal ---- */

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

/* One line from fd into buf; -E2BIG past size - 1 bytes, -ENODATA at
 * end of input before anything, -EINTR when a stop signal came. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;
	bool too_long = false;
	char c;

	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR && !caught)
			continue;
		if (n < 0)
			return caught ? -EINTR : -errno;
		if (n == 0 && len == 0)
			return -ENODATA;
		if (n == 0 || c == '\n')
			break;
		if (len + 1 < size)
			buf[len++] = c;
		else
			too_long = true;
	}
	buf[len] = '\0';
	c = '\0';
	return too_long ? -E2BIG : (int)len;
}

int secret_read_terminal(const char *prompt, char *buf, size_t size, void *data)
{
	struct sigaction sa = { .sa_handler = on_signal }, ign = { .sa_handler = SIG_IGN };
	struct sigaction old[NSTOP], old_tstp;
	struct termios saved, quiet;
	int fd = STDIN_FILENO, ret;

	(void)data;
	if (!isatty(fd) || tcgetattr(fd, &saved) < 0)
		return -ENOTTY;
	caught = 0;
	/* No SA_RESTART: a signal ends the read, and the terminal is put
	 * back before the signal takes its usual effect. */
	sigemptyset(&sa.sa_mask);
	sigemptyset(&ign.sa_mask);
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &sa, &old[i]);
	/* Stopped with echo off, the terminal would stay so. */
	sigaction(SIGTSTP, &ign, &old_tstp);
	/* Echo off before the prompt shows: what is typed once it is there is
	 * never echoed (and not thrown away by the flush). */
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
		ret = -errno;
		goto out;
	}
	fputs(prompt, stderr);
	fflush(stderr);
	ret = read_line(fd, buf, size);
	tcsetattr(fd, TCSAFLUSH, &saved);
	if (ret < 0 && ret != -E2BIG)
		fputc('\n', stderr);    /* the line the user did not finish */
out:
	if (ret < 0)
		explicit_bzero(buf, size);
	sigaction(SIGTSTP, &old_tstp, NULL);
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &old[i], NULL);
	if (caught)
		raise(caught);   /* now with the caller's handling */
	return ret;
}
