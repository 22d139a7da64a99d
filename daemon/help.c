/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Help text in ESXi's layout (ESXCLI.md §1.2). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "help.h"

/* Descriptions start at this column; a name that would reach it goes alone
 * on its line. */
#define HELP_COLUMN 24
#define HELP_INDENT 2

static const char secret_warning[] =
	"WARNING: Providing secret values on the command line is insecure because it may be "
	"logged or preserved in history files. Instead, specify this option with no value on "
	"the command line, and enter the value on the supplied prompt.";

/* Print text from column `column` on, wrapped at width, continuation lines
 * indented to the same column. */
static void wrapped(FILE *out, const char *text, int column, int width)
{
	int room = width > column + 10 ? width - column : 0;
	const char *p = text;
	int first = 1;

	while (*p) {
		const char *end = p + strlen(p);
		const char *cut = end;

		if (room > 0 && end - p > room) {
			cut = p + room;
			while (cut > p && *cut != ' ')
				cut--;
			if (cut == p)   /* one long word: break it */
				cut = p + room;
		}
		if (!first)
			fprintf(out, "%*s", column, "");
		fprintf(out, "%.*s\n", (int)(cut - p), p);
		first = 0;
		p = cut;
		while (*p == ' ')
			p++;
	}
	if (first)
		fputc('\n', out);
}

void help_item(FILE *out, const char *name, const char *description, int width)
{
	int len = (int)strlen(name);

	fprintf(out, "%*s%s", HELP_INDENT, "", name);
	if (len >= HELP_COLUMN - HELP_INDENT) {
		fputc('\n', out);
		fprintf(out, "%*s", HELP_COLUMN, "");
	} else {
		fprintf(out, "%*s", HELP_COLUMN - HELP_INDENT - len, "");
	}
	wrapped(out, description ? description : "", HELP_COLUMN, width);
}

void help_namespace(FILE *out, const char *path, const struct help_entry *namespaces,
		    size_t nnamespaces, const struct help_entry *commands, size_t ncommands,
		    int width)
{
	if (path[0] == '\0')
		fprintf(out, "Usage: esxcli [options] {namespace}+ {cmd} [cmd options]\n\n");
	else
		fprintf(out, "Usage: esxcli %s {cmd} [cmd options]\n\n", path);
	if (nnamespaces > 0) {
		fprintf(out, "Available Namespaces:\n");
		for (size_t i = 0; i < nnamespaces; i++)
			help_item(out, namespaces[i].name, namespaces[i].description, width);
		if (ncommands > 0)
			fputc('\n', out);
	}
	if (ncommands > 0) {
		fprintf(out, "Available Commands:\n");
		for (size_t i = 0; i < ncommands; i++)
			help_item(out, commands[i].name, commands[i].description, width);
	}
}

void help_option_names(const struct esx_option *opt, char *buf, size_t len)
{
	if (opt->short_name)
		snprintf(buf, len, "-%c|--%s", opt->short_name, opt->long_name);
	else
		snprintf(buf, len, "--%s", opt->long_name);
}

static const char *type_label(const struct esx_option *opt)
{
	switch (opt->type) {
	case OPT_STRING: return "=<str>";
	case OPT_INT: return "=<long>";
	case OPT_BOOL: return "=<bool>";
	case OPT_STRING_LIST: return "=<str>[]";
	case OPT_FLAG: return "";
	case OPT_ENUM: return NULL;   /* the values themselves */
	}
	return "";
}

static int compare_options(const void *a, const void *b)
{
	const struct esx_option *const *x = a, *const *y = b;

	return strcmp((*x)->long_name, (*y)->long_name);
}

void help_command(FILE *out, const struct esx_command *cmd, int width)
{
	const char *leaf = strrchr(cmd->path, ' ');
	const struct esx_option **sorted = NULL;
	size_t n = 0;
	int any_secret = 0;

	leaf = leaf ? leaf + 1 : cmd->path;
	fprintf(out, "Usage: esxcli %s [cmd options]\n\n", cmd->path);
	fprintf(out, "Description: \n");
	help_item(out, leaf, cmd->description, width);
	fprintf(out, "\nCmd options:\n");

	while (cmd->options[n].long_name)
		n++;
	sorted = calloc(n ? n : 1, sizeof(*sorted));
	if (!sorted)
		return;
	for (size_t i = 0; i < n; i++)
		sorted[i] = &cmd->options[i];
	qsort(sorted, n, sizeof(*sorted), compare_options);

	for (size_t i = 0; i < n; i++) {
		const struct esx_option *opt = sorted[i];
		char names[96], label[160], text[1024];
		const char *type = type_label(opt);

		help_option_names(opt, names, sizeof(names));
		if (type)
			snprintf(label, sizeof(label), "%s%s", names, type);
		else
			snprintf(label, sizeof(label), "%s=%s", names, opt->enum_values);
		snprintf(text, sizeof(text), "%s%s%s", opt->help ? opt->help : "",
			 (opt->flags & OPT_REQUIRED) ? " (required)" : "",
			 (opt->flags & OPT_SECRET) ? " (secret)" : "");
		help_item(out, label, text, width);
		if (opt->flags & OPT_SECRET)
			any_secret = 1;
	}
	if (any_secret) {
		fputc('\n', out);
		wrapped(out, secret_warning, 0, width);
	}
	free(sorted);
}
