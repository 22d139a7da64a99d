/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli iscsi adapter discovery`: SendTargets addresses and static
 * targets (kept in the store; as on ESXi, adding one discovers nothing by
 * itself), rediscovery in the background, and its status.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "iscsi_runtime.h"
#include "netcmd.h"
#include "ns_iscsi_common.h"

static const struct esx_field_def sendtarget_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Sendtarget", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema sendtarget_schema = { "IscsiSendtarget", sendtarget_fields };

static const struct esx_field_def static_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Target Name", VT_STRING, NULL },
	{ "Target Address", VT_STRING, NULL },
	{ "Boot", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema static_schema = { "IscsiStaticTarget", static_fields };

static const struct esx_field_def status_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Discovery In Progress", VT_BOOL, NULL },
	{ "Last Discovery Start", VT_STRING, NULL },
	{ "Last Discovery End", VT_STRING, NULL },
	{ "Results", VT_LIST, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema status_schema = { "IscsiDiscoveryStatus", status_fields };

static const struct esx_option adapter_only_options[] = {
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ NULL },
};

static const struct esx_option list_options[] = {
	{ "adapter", 'A', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ NULL },
};

static const struct esx_option sendtarget_add_options[] = {
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ "address", 'a', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The address of the sendtarget: <ip>[:port] or [<ipv6>][:port]; port 3260 when not given.",
	  NULL },
	{ NULL },
};

static const struct esx_option sendtarget_remove_options[] = {
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ "address", 'a', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The address of the sendtarget: <ip>[:port].", iscsi_cmd_complete_sendtarget },
	{ NULL },
};

static const struct esx_option static_change_options[] = {
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ "address", 'a', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The address of the target portal: <ip>[:port]; port 3260 when not given.", NULL },
	{ "name", 'n', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI name of the target.",
	  NULL },
	{ NULL },
};

/* ---- sendtargets ---- */

struct portal_arg {
	char address[MODEL_ADDR_MAX];
	unsigned port;
	char name[ISCSI_NAME_MAX];
	char text[MODEL_PORTAL_TEXT_MAX];
};

/* -a, and -n when the command has it (with_name). */
static int portal_arg(struct esx_call *call, bool with_name, struct portal_arg *p)
{
	const char *name = with_name ? args_str(&call->args, "name") : NULL;
	int ret = iscsi_cmd_portal(call, args_str(&call->args, "address"), p->address, &p->port);

	if (ret == 0 && name)
		ret = iscsi_cmd_target_name(call, name);
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
	model_portal_format(p->address, p->port, p->text, sizeof(p->text));
	return ret;
}

static int sendtarget_add_change(struct model *next, void *data, struct esx_err *err)
{
	struct portal_arg *p = data;
	struct iscsi_sendtarget *st;

	if (model_iscsi_sendtarget(next, p->address, p->port))
		return err_set(err, EEXIST,
			       "The specified key, name, or identifier '%s' already exists.", p->text);
	st = model_iscsi_add_sendtarget(next);
	if (!st)
		return err_set(err, ENOMEM, "out of memory");
	snprintf(st->address, sizeof(st->address), "%s", p->address);
	st->port = p->port;
	return 0;
}

static int sendtarget_remove_change(struct model *next, void *data, struct esx_err *err)
{
	struct portal_arg *p = data;
	struct iscsi_sendtarget *st = model_iscsi_sendtarget(next, p->address, p->port);

	if (!st)
		return err_set(err, ENOENT, "Unable to find sendtarget %s on %s", p->text,
			       next->iscsi.adapter);
	model_iscsi_remove_sendtarget(next, st);
	return 0;
}

static int portal_change(struct esx_call *call, bool with_name, iscsi_change_fn change)
{
	struct portal_arg p;
	const struct model *m;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret == 0)
		ret = portal_arg(call, with_name, &p);
	if (ret < 0)
		return ret;
	return iscsi_cmd_commit(call->daemon, change, &p, &call->err);
}

static int sendtarget_add(struct esx_call *call)
{
	return portal_change(call, false, sendtarget_add_change);
}

static int sendtarget_remove(struct esx_call *call)
{
	return portal_change(call, false, sendtarget_remove_change);
}

/* Lists show nothing when software iSCSI is off and no adapter was named. */
static int list_model(struct esx_call *call, const struct model **m)
{
	const char *given = args_str(&call->args, "adapter");
	int ret = netcmd_model(call, m);

	if (ret < 0)
		return ret;
	if (!(*m)->iscsi.enabled && !given)
		return 1;
	return iscsi_cmd_enabled(call, given, m);
}

static int sendtarget_list(struct esx_call *call)
{
	const struct model *m;
	int ret = list_model(call, &m);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	for (size_t i = 0; i < m->iscsi.nsendtargets; i++) {
		struct esx_record *rec = result_record(call->result, NULL);
		char text[MODEL_PORTAL_TEXT_MAX];

		model_portal_format(m->iscsi.sendtargets[i].address, m->iscsi.sendtargets[i].port,
				    text, sizeof(text));
		rec_str(rec, "Adapter", m->iscsi.adapter);
		rec_str(rec, "Sendtarget", text);
	}
	return 0;
}

/* ---- static targets ---- */

static int static_add_change(struct model *next, void *data, struct esx_err *err)
{
	struct portal_arg *p = data;
	struct iscsi_static_target *t;

	if (model_iscsi_static(next, p->address, p->port, p->name))
		return err_set(err, EEXIST,
			       "The specified key, name, or identifier '%s,%s' already exists.",
			       p->text, p->name);
	t = model_iscsi_add_static(next);
	if (!t)
		return err_set(err, ENOMEM, "out of memory");
	snprintf(t->address, sizeof(t->address), "%s", p->address);
	t->port = p->port;
	snprintf(t->name, sizeof(t->name), "%s", p->name);
	return 0;
}

static int static_remove_change(struct model *next, void *data, struct esx_err *err)
{
	struct portal_arg *p = data;
	struct iscsi_static_target *t = model_iscsi_static(next, p->address, p->port, p->name);

	if (!t)
		return err_set(err, ENOENT, "Unable to find static target %s at %s on %s", p->name,
			       p->text, next->iscsi.adapter);
	model_iscsi_remove_static(next, t);
	return 0;
}

static int static_add(struct esx_call *call)
{
	return portal_change(call, true, static_add_change);
}

static int static_remove(struct esx_call *call)
{
	return portal_change(call, true, static_remove_change);
}

static int static_list(struct esx_call *call)
{
	const struct model *m;
	int ret = list_model(call, &m);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	for (size_t i = 0; i < m->iscsi.nstatics; i++) {
		const struct iscsi_static_target *t = &m->iscsi.statics[i];
		struct esx_record *rec = result_record(call->result, NULL);
		char text[MODEL_PORTAL_TEXT_MAX];

		model_portal_format(t->address, t->port, text, sizeof(text));
		rec_str(rec, "Adapter", m->iscsi.adapter);
		rec_str(rec, "Target Name", t->name);
		rec_str(rec, "Target Address", text);
		rec_bool(rec, "Boot", false);
	}
	return 0;
}

/* ---- rediscovery ---- */

static int rediscover(struct esx_call *call)
{
	struct iscsi_runtime *rt;
	const struct model *m;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret == 0)
		ret = iscsi_cmd_runtime(call, &rt);
	if (ret == 0)
		ret = iscsi_runtime_rediscover(rt, m, &call->err);
	if (ret == 0)
		result_message(call->result, "Rediscovery started");
	return ret;
}

static void format_time(time_t t, char *out, size_t len)
{
	struct tm tm;

	if (!t || !gmtime_r(&t, &tm) || !strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		out[0] = '\0';
}

static int status_get(struct esx_call *call)
{
	const struct iscsi_discovery_status *st;
	char started[32], finished[32];
	struct esx_record *rec;
	struct iscsi_runtime *rt;
	const struct model *m;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret == 0)
		ret = iscsi_cmd_runtime(call, &rt);
	if (ret < 0)
		return ret;
	st = iscsi_runtime_discovery(rt);
	format_time(st->started, started, sizeof(started));
	format_time(st->finished, finished, sizeof(finished));
	rec = result_record(call->result, NULL);
	rec_str(rec, "Adapter", m->iscsi.adapter);
	rec_bool(rec, "Discovery In Progress", st->running);
	rec_str(rec, "Last Discovery Start", started);
	rec_str(rec, "Last Discovery End", finished);
	rec_list_begin(rec, "Results");
	for (size_t i = 0; i < st->nlines; i++)
		rec_list_add(rec, "Results", st->lines[i].text);
	return 0;
}

const struct esx_command iscsi_discovery_commands[] = {
	{ "iscsi adapter discovery sendtarget add",
	  "Add sendtarget address. A rediscovery or rescan discovers its targets.",
	  sendtarget_add_options, sendtarget_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi adapter discovery sendtarget list", "List sendtarget addresses.", list_options,
	  sendtarget_list, SHAPE_TABLE, &sendtarget_schema, VT_STRING, CMD_READONLY },
	{ "iscsi adapter discovery sendtarget remove", "Remove sendtarget address.",
	  sendtarget_remove_options, sendtarget_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi adapter discovery statictarget add", "Add static target.",
	  static_change_options, static_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi adapter discovery statictarget list", "List static targets.", list_options,
	  static_list, SHAPE_TABLE, &static_schema, VT_STRING, CMD_READONLY },
	{ "iscsi adapter discovery statictarget remove", "Remove static target.",
	  static_change_options, static_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi adapter discovery rediscover",
	  "Do the iSCSI discovery for the adapter, in the background.", adapter_only_options,
	  rediscover, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi adapter discovery status get", "Get the status of the last discovery.",
	  adapter_only_options, status_get, SHAPE_STRUCT, &status_schema, VT_STRING,
	  CMD_READONLY },
	{ NULL },
};

const struct esx_namespace iscsi_discovery_namespaces[] = {
	{ "iscsi adapter discovery", "Operations that can be performed on iSCSI discovery" },
	{ "iscsi adapter discovery sendtarget",
	  "Operations that can be performed on iSCSI sendtarget (dynamic) discovery" },
	{ "iscsi adapter discovery statictarget",
	  "Operations that can be performed on iSCSI static targets" },
	{ "iscsi adapter discovery status", "The status of iSCSI discovery" },
	{ NULL, NULL },
};
