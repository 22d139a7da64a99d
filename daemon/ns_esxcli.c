/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "esxcli" namespace: commands about esxcli itself (command list). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "daemon.h"
#include "engine.h"

static const struct esx_field_def command_fields[] = {
	{ "Namespace", VT_STRING, NULL },
	{ "Command", VT_STRING, NULL },
	{ "Description", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema command_schema = { "Command", command_fields };

static const struct esx_option command_list_options[] = {
	{ "command-filter", 'c', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "Only list commands whose name contains this text.", NULL },
	{ "description-filter", 'd', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "Only list commands whose description contains this text.", NULL },
	{ "namespace-filter", 'n', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "Only list commands whose namespace contains this text (dotted, as listed).", NULL },
	{ NULL },
};

struct list_filter {
	struct esx_call *call;
	const char *command, *description, *namespace;
};

static int contains(const char *haystack, const char *needle)
{
	return !needle || strstr(haystack, needle) != NULL;
}

static void add_command(const struct esx_command *cmd, void *data)
{
	struct list_filter *f = data;
	const char *leaf = strrchr(cmd->path, ' ');
	char ns[256];
	size_t len;

	if (!leaf)
		return;
	len = (size_t)(leaf - cmd->path);
	if (len >= sizeof(ns))
		len = sizeof(ns) - 1;
	memcpy(ns, cmd->path, len);
	ns[len] = '\0';
	/* ESXi lists namespaces dotted: network.nic */
	for (char *p = ns; *p; p++) {
		if (*p == ' ')
			*p = '.';
	}
	leaf++;
	if (!contains(leaf, f->command) || !contains(cmd->description, f->description) ||
	    !contains(ns, f->namespace))
		return;
	struct esx_record *rec = result_record(f->call->result, NULL);

	rec_str(rec, "Namespace", ns);
	rec_str(rec, "Command", leaf);
	rec_str(rec, "Description", cmd->description);
}

static int command_list(struct esx_call *call)
{
	struct list_filter f = {
		.call = call,
		.command = args_str(&call->args, "command-filter"),
		.description = args_str(&call->args, "description-filter"),
		.namespace = args_str(&call->args, "namespace-filter"),
	};

	engine_for_each_command(call->daemon->engine, add_command, &f);
	return 0;
}

const struct esx_command esxcli_commands[] = {
	{ "esxcli command list", "List all of the esxcli commands.", command_list_options,
	  command_list, SHAPE_TABLE, &command_schema, VT_STRING, CMD_READONLY },
	{ NULL },
};

const struct esx_namespace esxcli_namespaces[] = {
	{ "esxcli", "Commands that operate on the esxcli system itself allowing users to get additional information." },
	{ "esxcli command", "Commands to list the commands esxcli offers." },
	{ NULL, NULL },
};
