/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Help text in ESXi's layout: "Usage:" lines, "Available Namespaces:" and
 * "Available Commands:" lists with descriptions at column 24, and a
 * command's "Description:" and "Cmd options:" blocks.
 */
#ifndef ESXD_HELP_H
#define ESXD_HELP_H

#include <stdio.h>

#include "command.h"

/* One entry of a namespace's listing. */
struct help_entry {
	const char *name;
	const char *description;
};

/* "  name                  description", wrapped at width (0: no wrapping). */
void help_item(FILE *out, const char *name, const char *description, int width);

/* Help for a namespace: path is "" for the top level. */
void help_namespace(FILE *out, const char *path, const struct help_entry *namespaces,
		    size_t nnamespaces, const struct help_entry *commands, size_t ncommands,
		    int width);

/* Help for a command: Usage, Description, Cmd options. */
void help_command(FILE *out, const struct esx_command *cmd, int width);

/* "-n|--nic-name" as the option is named in messages. */
void help_option_names(const struct esx_option *opt, char *buf, size_t len);

#endif
