/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * From a typed line to printed output: split the line into words, send them
 * to esxclid (Execute, Help or Complete), and hand the reply to the
 * formatters. The shell knows no command: everything past the words is the
 * daemon's.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <json-c/json.h>

#include "esxcli/protocol.h"
#include "client.h"
#include "format.h"
#include "secret.h"
#include "session.h"

#define DEFAULT_SCREEN_WIDTH 80
#define PROGRAM_NAME "esxcli"

static const char shell_commands_help[] =
	"\nShell commands:\n"
	"  help [WORDS], WORDS ?\n"
	"                        Show the help of a namespace or command.\n"
	"  exit, quit            Leave the shell (Ctrl-D does too).\n";

void words_free(struct words *w)
{
	int i;

	/* A word may be a secret: gone from memory too. */
	if (w->argv)
		for (i = 0; i < w->argc; i++) {
			explicit_bzero(w->argv[i], strlen(w->argv[i]));
			free(w->argv[i]);
		}
	free(w->argv);
	w->argv = NULL;
	w->argc = 0;
	w->open_word = false;
}

static int words_push(struct words *w, const char *text, size_t len)
{
	char **argv = realloc(w->argv, ((size_t)w->argc + 2) * sizeof(*argv));
	char *word;

	if (!argv)
		return -ENOMEM;
	w->argv = argv;
	word = strndup(text, len);
	if (!word)
		return -ENOMEM;
	argv[w->argc++] = word;
	argv[w->argc] = NULL;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int split_words(const char *line, int flags, struct words *w)
{
	/* A word is never longer than the line it comes from. */
	char *word = malloc(strlen(line) + 1);
	const char *p;
	size_t len = 0;
	bool in_word = false, unfinished = false;
	char quote = '\0';
	int ret = 0;

	w->argc = 0;
	w->argv = NULL;
	w->open_word = false;
	if (!word) {
		ret = -ENOMEM;
		goto out;
	}
	for (p = line; *p; p++) {
		char c = *p;

		if (quote == '\'') {
			if (c == '\'')
				quote = '\0';
			else
				word[len++] = c;
			continue;
		}
		if (quote == '"') {
			if (c == '"')
				quote = '\0';
			else if (c == '\\' && p[1] && strchr("\"\\$`", p[1]))
				word[len++] = *++p;
			else
				word[len++] = c;
			continue;
		}
		if (is_blank(c)) {
			if (in_word) {
				ret = words_push(w, word, len);
				if (ret < 0)
					goto out;
				in_word = false;
				len = 0;
			}
			continue;
		}
		in_word = true;
		if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '\\') {
			if (!p[1]) {
				unfinished = true;
				break;
			}
			word[len++] = *++p;
		} else {
			word[len++] = c;
		}
	}
	if (quote)
		unfinished = true;
	if (unfinished && !(flags & SPLIT_PARTIAL)) {
		ret = -EINVAL;
		goto out;
	}
	if (in_word) {
		ret = words_push(w, word, len);
		if (ret < 0)
			goto out;
		w->open_word = true;
	}
out:
	if (ret < 0)
		words_free(w);
	free(word);
	return ret;
}

bool line_has_secret(const char *line)
{
	struct words w;
	bool secret = false;
	int i;

	if (split_words(line, SPLIT_PARTIAL, &w) < 0)
		return true;
	for (i = 0; i < w.argc && !secret; i++)
		secret = secret_option_word(w.argv[i]);
	words_free(&w);
	return secret;
}

int session_screen_width(const struct session *s)
{
	struct winsize ws;

	if (s->screen_width > 0)
		return s->screen_width;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return DEFAULT_SCREEN_WIDTH;
}

static void print_context(const struct session *s)
{
	fflush(stdout);
	if (s->error_context)
		fprintf(stderr, "esxcli: %s\n", s->error_context);
}

static void __attribute__((format(printf, 2, 3)))
fail(const struct session *s, const char *fmt, ...)
{
	va_list ap;

	print_context(s);
	fputs("esxcli: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* {"argv": [...], then "word": WORD when completing, else "width": N}. */
static struct json_object *request_params(const struct session *s, int argc, char **argv,
					  const char *word)
{
	struct json_object *params = json_object_new_object();
	struct json_object *array = json_object_new_array();
	struct json_object *item = NULL, *result = NULL;
	int i;

	if (!params || !array)
		goto out;
	for (i = 0; i < argc; i++) {
		item = json_object_new_string(argv[i]);
		if (!item || json_object_array_add(array, item) < 0)
			goto out;
		item = NULL;
	}
	if (json_object_object_add(params, ESX_KEY_ARGV, array) < 0)
		goto out;
	array = NULL;
	item = word ? json_object_new_string(word) : json_object_new_int(session_screen_width(s));
	if (!item || json_object_object_add(params, word ? ESX_KEY_WORD : ESX_KEY_WIDTH, item) < 0)
		goto out;
	item = NULL;
	result = params;
	params = NULL;
out:
	json_object_put(item);
	json_object_put(array);
	json_object_put(params);
	return result;
}

/* One call; on failure the error is printed and *REPLY is NULL. */
static int call(const struct session *s, const char *method, int argc, char **argv,
		const char *word, int timeout_ms, bool quiet_when_down, struct json_object **reply)
{
	struct json_object *params = NULL;
	char errbuf[512];
	int ret;

	*reply = NULL;
	if (argc > ESX_MAX_ARGV) {
		fail(s, "too many words: a command has at most %d", ESX_MAX_ARGV);
		ret = -E2BIG;
		goto out;
	}
	params = request_params(s, argc, argv, word);
	if (!params) {
		fail(s, "%s", strerror(ENOMEM));
		ret = -ENOMEM;
		goto out;
	}
	ret = client_call(s->socket_path, method, params, timeout_ms, reply, errbuf,
			  sizeof(errbuf));
	if (ret < 0 && !(quiet_when_down && (ret == -ENOENT || ret == -ECONNREFUSED)))
		fail(s, "%s", errbuf);
out:
	json_object_put(params);
	return ret;
}

static const char *string_member(struct json_object *obj, const char *key)
{
	struct json_object *member;

	if (!obj || !json_object_object_get_ex(obj, key, &member) ||
	    !json_object_is_type(member, json_type_string))
		return NULL;
	return json_object_get_string(member);
}

static int show_error(const struct session *s, const char *error, struct json_object *params)
{
	static const char prefix[] = ESX_INTERFACE ".";
	const char *name = string_member(params, ESX_KEY_NAME);
	const char *message = string_member(params, ESX_KEY_MESSAGE);
	const char *help = string_member(params, ESX_KEY_HELP);
	FILE *out = s->formatter == FMT_JSON ? stdout : stderr;

	if (!name)
		name = strncmp(error, prefix, sizeof(prefix) - 1) == 0 ?
		       error + sizeof(prefix) - 1 : error;
	if (!message)
		message = error;
	print_context(s);
	format_error(out, s->formatter, name, message, help);
	fflush(out);
	return 1;
}

static int check_stdout(const struct session *s)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	fail(s, "write error: %s", strerror(errno));
	clearerr(stdout);
	return 1;
}

static int show_reply(const struct session *s, struct json_object *reply)
{
	struct json_object *params = NULL, *error;
	struct format_opts opts = { .screen_width = session_screen_width(s) };

	if (json_object_object_get_ex(reply, ESX_KEY_ERROR, &error))
		return show_error(s, json_object_get_string(error),
				  json_object_object_get_ex(reply, ESX_KEY_PARAMETERS, &params) ?
				  params : NULL);
	if (!json_object_object_get_ex(reply, ESX_KEY_PARAMETERS, &params)) {
		fail(s, "esxclid sent a reply without parameters");
		return 1;
	}
	if (format_reply(stdout, s->formatter, params, &opts) < 0) {
		fail(s, "esxclid sent a result this esxcli cannot display");
		return 1;
	}
	return check_stdout(s);
}

static int run_method(const struct session *s, const char *method, int argc, char **argv)
{
	struct json_object *reply = NULL;
	int status = 1;

	if (call(s, method, argc, argv, NULL, s->timeout_ms, false, &reply) < 0)
		goto out;
	status = show_reply(s, reply);
out:
	json_object_put(reply);
	return status;
}

int session_execute(const struct session *s, int argc, char **argv)
{
	struct words filled = { 0 };
	int ret = secret_fill(argc, argv, &filled, secret_read_terminal, NULL), status;

	if (ret < 0) {
		if (ret == -ENOTTY)
			fail(s, "a secret option has no value, and stdin is not a terminal to ask for it on: give it as -S=VALUE, or run esxcli on a terminal");
		else if (ret == -E2BIG)
			fail(s, "the secret is longer than %d bytes", SECRET_INPUT_MAX - 1);
		else if (ret == -EINTR || ret == -ENODATA)
			fail(s, "no secret given: nothing was done");
		else
			fail(s, "%s", strerror(-ret));
		return 1;
	}
	if (ret == 0) {
		argc = filled.argc;
		argv = filled.argv;
	}
	status = run_method(s, ESX_METHOD_EXECUTE, argc, argv);
	words_free(&filled);
	return status;
}

int session_help(const struct session *s, int argc, char **argv)
{
	return run_method(s, ESX_METHOD_HELP, argc, argv);
}

/* The daemon's top-level help, with OPTIONS after its usage line. */
static char *splice_options(const char *usage, const char *options, const char *help)
{
	const char *rest = help;
	size_t head_len = 0, len;
	char *text;

	if (strncmp(help, "Usage:", 6) == 0 && strstr(help, "\n\n")) {
		rest = strstr(help, "\n\n") + 2;
		head_len = (size_t)(rest - help);
		usage = "";
	}
	len = strlen(usage) + 1 + head_len + strlen(options) + 1 + strlen(rest) + 1;
	text = malloc(len);
	if (text)
		snprintf(text, len, "%s%s%.*s%s\n%s", usage, *usage ? "\n" : "", (int)head_len,
			 help, options, rest);
	return text;
}

int session_global_help(const struct session *s, const char *usage, const char *options)
{
	struct json_object *reply = NULL, *params, *help, *spliced = NULL;
	char *text = NULL;
	int status = 0;

	if (call(s, ESX_METHOD_HELP, 0, NULL, NULL, s->timeout_ms, true, &reply) < 0 ||
	    json_object_object_get_ex(reply, ESX_KEY_ERROR, NULL) ||
	    !json_object_object_get_ex(reply, ESX_KEY_PARAMETERS, &params) ||
	    !json_object_object_get_ex(params, ESX_KEY_HELP, &help) ||
	    !json_object_is_type(help, json_type_string)) {
		printf("%s\n%s", usage, options);
		status = check_stdout(s);
		/* What the daemon said instead of its help, if it said anything. */
		if (reply && status == 0)
			status = show_reply(s, reply);
		goto out;
	}
	text = splice_options(usage, options, json_object_get_string(help));
	spliced = text ? json_object_new_string(text) : NULL;
	if (!spliced || json_object_object_add(params, ESX_KEY_HELP, spliced) < 0) {
		fail(s, "%s", strerror(ENOMEM));
		status = 1;
		goto out;
	}
	spliced = NULL;
	status = show_reply(s, reply);
out:
	json_object_put(spliced);
	free(text);
	json_object_put(reply);
	return status;
}

static int complete_timeout_ms(const struct session *s)
{
	return s->timeout_ms < SESSION_COMPLETE_TIMEOUT_MS ? s->timeout_ms :
	       SESSION_COMPLETE_TIMEOUT_MS;
}

int session_complete(const struct session *s, int argc, char **argv, const char *word,
		     struct words *out)
{
	struct json_object *reply = NULL, *params, *candidates;
	char errbuf[256];
	size_t i, n;
	int ret;

	out->argc = 0;
	out->argv = NULL;
	out->open_word = false;
	if (argc > ESX_MAX_ARGV) {
		ret = -E2BIG;
		goto out;
	}
	params = request_params(s, argc, argv, word);
	if (!params) {
		ret = -ENOMEM;
		goto out;
	}
	ret = client_call(s->socket_path, ESX_METHOD_COMPLETE, params, complete_timeout_ms(s),
			  &reply, errbuf, sizeof(errbuf));
	json_object_put(params);
	if (ret < 0)
		goto out;
	ret = -EPROTO;
	if (json_object_object_get_ex(reply, ESX_KEY_ERROR, NULL) ||
	    !json_object_object_get_ex(reply, ESX_KEY_PARAMETERS, &params) ||
	    !json_object_object_get_ex(params, ESX_KEY_CANDIDATES, &candidates) ||
	    !json_object_is_type(candidates, json_type_array))
		goto out;
	n = json_object_array_length(candidates);
	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(candidates, i);
		const char *text;

		if (!json_object_is_type(c, json_type_string))
			continue;
		text = json_object_get_string(c);
		ret = words_push(out, text, strlen(text));
		if (ret < 0)
			goto out;
	}
	ret = 0;
out:
	if (ret < 0)
		words_free(out);
	json_object_put(reply);
	return ret;
}

int session_program_words(const struct session *s, int argc, char **argv)
{
	struct words children;
	bool namespace = false;
	int i;

	if (argc == 0 || strcmp(argv[0], PROGRAM_NAME) != 0)
		return 0;
	if (argc == 1)
		return 1;
	if (session_complete(s, 1, argv, argv[1], &children) < 0)
		return 1;
	for (i = 0; i < children.argc && !namespace; i++)
		namespace = strcmp(children.argv[i], argv[1]) == 0;
	words_free(&children);
	return namespace ? 0 : 1;
}

static bool is_comment_or_blank(const char *line)
{
	while (is_blank(*line))
		line++;
	return *line == '\0' || *line == '#';
}

int session_run_line(const struct session *s, const char *line, bool *quit)
{
	struct words w = { 0 };
	char **argv;
	int argc, ret, status = 0;

	*quit = false;
	if (is_comment_or_blank(line))
		return 0;
	ret = split_words(line, 0, &w);
	if (ret < 0) {
		fail(s, "%s", ret == -EINVAL ? "unterminated quote or trailing backslash" :
			 strerror(-ret));
		status = 1;
		goto out;
	}
	if (w.argc == 1 && (strcmp(w.argv[0], "exit") == 0 || strcmp(w.argv[0], "quit") == 0)) {
		*quit = true;
		goto out;
	}
	argc = w.argc;
	argv = w.argv;
	ret = session_program_words(s, argc, argv);
	argc -= ret;
	argv += ret;
	if (argc > 0 && strcmp(argv[0], "help") == 0) {
		argc--;
		argv++;
	} else if (argc > 0 && strcmp(argv[argc - 1], "?") == 0) {
		argc--;
	} else if (argc > 0) {
		status = session_execute(s, argc, argv);
		goto out;
	}
	status = session_help(s, argc, argv);
	if (status == 0 && argc == 0) {
		fputs(shell_commands_help, stdout);
		status = check_stdout(s);
	}
out:
	words_free(&w);
	return status;
}
