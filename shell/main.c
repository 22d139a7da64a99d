/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * esxcli: the global options, then one of three modes: a command given on the
 * command line, an interactive shell on a terminal, or a script on stdin.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esxcli/protocol.h"
#include "client.h"
#include "format.h"
#include "repl.h"
#include "script.h"
#include "session.h"

static const char usage_line[] = "Usage: esxcli [options] {namespace}+ {cmd} [cmd options]\n";

static const char options_text[] =
	"Options:\n"
	"  --formatter=FORMATTER\n"
	"                        Override the formatter to use for a given command. Available\n"
	"                        formatters: xml, csv, keyvalue, json.\n"
	"  --screen-width=SCREENWIDTH\n"
	"                        Use the specified screen width when formatting text.\n"
	"  --socket=PATH         Talk to the esxclid listening on PATH (default: $"
	ESX_SOCKET_ENV ",\n"
	"                        else " ESX_DEFAULT_SOCKET ").\n"
	"  --continue-on-error   Without a command, on a non-terminal stdin: run every line\n"
	"                        of the script even after one failed.\n"
	"  --version             Display version information for the script.\n"
	"  -?, --help            Display usage information.\n"
	"\n"
	"Without a command, esxcli reads commands: interactively on a terminal, else one\n"
	"per line from stdin.\n";

struct options {
	const char *socket_path;
	const char *formatter;
	const char *screen_width;
	bool continue_on_error;
	bool help;
	bool version;
	int first_word;    /* argv index of the namespace, or argc */
};

/*
 * Is argv[*i] the option NAME, as "NAME=VALUE" or "NAME VALUE"? Returns 0
 * when not, 1 with *VALUE set (and *i moved past a separate value), or -1
 * after saying that the value is missing.
 */
static int option_value(int argc, char **argv, int *i, const char *name, const char **value)
{
	const char *arg = argv[*i];
	size_t len = strlen(name);

	if (strncmp(arg, name, len) != 0 || (arg[len] != '=' && arg[len] != '\0'))
		return 0;
	if (arg[len] == '=')
		*value = arg + len + 1;
	else if (*i + 1 < argc)
		*value = argv[++*i];
	else
		*value = "";
	if (**value)
		return 1;
	fprintf(stderr, "Error: %s must have value\n", name);
	return -1;
}

/* Global options precede the namespace, as with ESXi's esxcli: parsing
 * stops at the first word that is not an option. Returns 0 or an exit code. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int found;

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-?") == 0) {
			o->help = true;
			continue;
		}
		if (strcmp(arg, "--version") == 0) {
			o->version = true;
			continue;
		}
		if (strcmp(arg, "--continue-on-error") == 0) {
			o->continue_on_error = true;
			continue;
		}
		found = option_value(argc, argv, &i, "--formatter", &o->formatter);
		if (!found)
			found = option_value(argc, argv, &i, "--screen-width", &o->screen_width);
		if (!found)
			found = option_value(argc, argv, &i, "--socket", &o->socket_path);
		if (found < 0)
			return 1;
		if (!found) {
			fprintf(stderr, "Error: Invalid option %s\n\n"
				"Try 'esxcli --help' for the global options.\n", arg);
			return 1;
		}
	}
	o->first_word = i;
	return 0;
}

static int parse_screen_width(const char *text, int *width)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (errno || end == text || *end || n <= 0 || n > INT_MAX)
		return -EINVAL;
	*width = (int)n;
	return 0;
}

static int configure(const struct options *o, struct session *s)
{
	const char *env = getenv(ESX_SOCKET_ENV);

	if (o->formatter && format_by_name(o->formatter, &s->formatter) < 0) {
		fprintf(stderr, "Unable to find requested formatter: %s\n", o->formatter);
		return 1;
	}
	if (o->screen_width && parse_screen_width(o->screen_width, &s->screen_width) < 0) {
		fprintf(stderr, "Invalid screen width\n");
		return 1;
	}
	if (o->socket_path)
		s->socket_path = o->socket_path;
	else if (env && *env)
		s->socket_path = env;
	else
		s->socket_path = ESX_DEFAULT_SOCKET;
	s->timeout_ms = client_reply_timeout_ms();
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct session s = { .formatter = FMT_TEXT };
	int status, words;

	status = parse_options(argc, argv, &o);
	if (status)
		return status;
	status = configure(&o, &s);
	if (status)
		return status;
	words = argc - o.first_word;

	if (o.version) {
		printf("Script 'esxcli' version: %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (o.help && words == 0) {
		session_global_help(&s, usage_line, options_text);
		return 0;
	}
	if (o.help)
		return session_help(&s, words, argv + o.first_word);
	if (words > 0)
		return session_execute(&s, words, argv + o.first_word);
	if (isatty(STDIN_FILENO))
		return repl_run(&s);
	return script_run(&s, stdin, o.continue_on_error);
}
