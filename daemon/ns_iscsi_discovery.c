/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli iscsi adapter discovery`: SendTargets addresses and static
 * targets (kept in the store; as on ESXi, adding one discovers nothing by
 * itself, but warns about bound vmks that cannot reach it; removing one
 * logs out and deletes the node records esxclid made for it), rediscovery
 * in the background, and its status.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "iscsi_adm.h"
#include "iscsi_idbm.h"
#include "iscsi_reach.h"
#include "iscsi_ownership.h"
#include "iscsi_runtime.h"
#include "iscsi_state.h"
#include "log.h"
#include "netcmd.h"
#include "ns_iscsi_common.h"
#include "transaction.h"

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

static bool configured(const struct model *m, const struct portal_arg *p, bool is_static)
{
	if (is_static)
		return model_iscsi_static(m, p->address, p->port, p->name) != NULL;
	return model_iscsi_sendtarget(m, p->address, p->port) != NULL;
}

static int not_configured(struct esx_err *err, const struct portal_arg *p, bool is_static,
			  const char *adapter)
{
	if (is_static)
		return err_set(err, ENOENT, "Unable to find static target %s at %s on %s", p->name,
			       p->text, adapter);
	return err_set(err, ENOENT, "Unable to find sendtarget %s on %s", p->text, adapter);
}

static int sendtarget_remove_change(struct model *next, void *data, struct esx_err *err)
{
	struct portal_arg *p = data;
	struct iscsi_sendtarget *st = model_iscsi_sendtarget(next, p->address, p->port);

	if (!st)
		return not_configured(err, p, false, next->iscsi.adapter);
	model_iscsi_remove_sendtarget(next, st);
	return 0;
}

/* Warnings after an add: the bound vmks that cannot reach the portal. */
static void warn_unreachable(struct esx_call *call, const struct portal_arg *p)
{
	const struct model *m = model_current(call->daemon);
	struct esx_strv lines = { 0 };
	char *text = NULL;

	if (m && iscsi_reach_warn_bindings(m, p->address, p->port, &lines) == 0) {
		for (size_t i = 0; i < lines.len; i++)
			log_warn("%s", lines.items[i]);
		text = iscsi_reach_join(&lines);
	}
	if (text)
		result_message(call->result, "%s", text);
	free(text);
	strv_free(&lines);
}

static int portal_add(struct esx_call *call, bool with_name, iscsi_change_fn change)
{
	struct portal_arg p;
	const struct model *m;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret == 0)
		ret = portal_arg(call, with_name, &p);
	if (ret == 0)
		ret = iscsi_cmd_commit(call->daemon, change, &p, &call->err);
	if (ret == 0)
		warn_unreachable(call, &p);
	return ret;
}

static int sendtarget_add(struct esx_call *call)
{
	return portal_add(call, false, sendtarget_add_change);
}

/* ---- removing: the records discovered or made for it go too ---- */

struct forget_flow {
	struct iscsi_flow base;
	struct portal_arg p;
	bool is_static;
	iscsi_change_fn change;
	struct iscsi_node_info *gone;   /* the records that go */
	size_t ngone, nlogouts;
	bool drop_discovery;            /* nothing else is linked to it */
};

static void forget_free(struct iscsi_flow *flow)
{
	struct forget_flow *ff = (struct forget_flow *)flow;

	free(ff->gone);
	free(ff);
}

static bool forgets(const struct forget_flow *ff, const struct model *m,
		    const struct iscsi_node_info *node)
{
	if (ff->is_static)
		return iscsi_ownership_of_static(ff->p.name, ff->p.address, ff->p.port, m, node);
	return iscsi_ownership_of_sendtarget(m, ff->p.address, ff->p.port, node);
}

static void forget_what(const struct forget_flow *ff, char *out, size_t len)
{
	if (ff->is_static)
		snprintf(out, len, "of static target %s at %s", ff->p.name, ff->p.text);
	else
		snprintf(out, len, "discovered through sendtarget %s", ff->p.text);
}

/* The last step: the configuration, and what was done. */
static void forget_commit(struct forget_flow *ff)
{
	struct iscsi_flow *flow = &ff->base;
	char what[ISCSI_NAME_MAX + 96], done[96];
	int ret = iscsi_cmd_commit(flow->d, ff->change, &ff->p, iscsi_flow_err(flow));

	if (ret == 0) {
		forget_what(ff, what, sizeof(what));
		if (ff->nlogouts)
			snprintf(done, sizeof(done), "Logged out %zu session%s and deleted",
				 ff->nlogouts, ff->nlogouts == 1 ? "" : "s");
		else
			snprintf(done, sizeof(done), "Deleted");
		log_info("%s %zu node record%s %s", done, ff->ngone, ff->ngone == 1 ? "" : "s", what);
		if (flow->call)
			result_message(flow->call->result, "%s %zu node record%s %s.", done, ff->ngone,
				       ff->ngone == 1 ? "" : "s", what);
	}
	iscsi_flow_end(flow, ret);
}

static void discovery_dropped(struct iscsi_flow *flow, struct iscsi_batch *b)
{
	const struct iscsi_batch_item *bad = iscsi_batch_first_failure(b);
	char text[600];

	/* Its node records are gone: a leftover discovery record is harmless. */
	if (bad) {
		iscsi_batch_describe(bad, text, sizeof(text));
		log_warn("The discovery record stays: %s", text);
	}
	forget_commit((struct forget_flow *)flow);
}

/* The sessions are logged out: the records go (by hand, iscsi_idbm.h),
 * then the discovery record nothing else is linked to. */
static void sessions_gone(struct iscsi_flow *flow, struct iscsi_batch *b)
{
	struct forget_flow *ff = (struct forget_flow *)flow;
	const struct iscsi_batch_item *bad = iscsi_batch_first_failure(b);
	struct esx_err *err = iscsi_flow_err(flow);
	struct iscsi_batch *next;
	char text[600], why[ESX_ERR_TEXT_MAX], what[ISCSI_NAME_MAX + 96];

	forget_what(ff, what, sizeof(what));
	if (bad) {
		iscsi_batch_describe(bad, text, sizeof(text));
		iscsi_flow_end(flow, err_set(err, EIO,
			"Unable to log out the sessions of the node records %s: %s (it stays configured)",
			what, text));
		return;
	}
	for (size_t i = 0; i < ff->ngone; i++) {
		if (iscsi_idbm_delete_node(&ff->gone[i], err) < 0) {
			snprintf(why, sizeof(why), "%s", err->text);
			iscsi_flow_end(flow, err_set(err, EIO,
				"Unable to delete the node records %s: %s (%zu of %zu deleted; it stays configured)",
				what, why, i, ff->ngone));
			return;
		}
	}
	if (!ff->drop_discovery) {
		forget_commit(ff);
		return;
	}
	next = iscsi_flow_batch(flow, 1, true);
	if (next && iscsi_adm_discovery_delete(next, ff->p.text, NULL) < 0) {
		iscsi_batch_free(next);
		next = NULL;
	}
	if (next && iscsi_flow_run(flow, next, discovery_dropped) == 0)
		return;
	log_warn("The discovery record of %s stays: out of memory", ff->p.text);
	err_reset(err);
	forget_commit(ff);
}

/* Which records go, the logouts of their sessions (on b), and whether the
 * discovery record goes too: open-iscsi deletes every record linked to it,
 * so only when no other record has it as discovery address. */
static int plan_forget(struct forget_flow *ff, const struct model *m, struct iscsi_batch *b,
		       const struct iscsi_node_info *nodes, size_t nnodes,
		       const struct iscsi_session_info *sessions, size_t nsessions)
{
	bool linked_left = false;
	int ret = 0;

	ff->gone = calloc(nnodes ? nnodes : 1, sizeof(*ff->gone));
	if (!ff->gone)
		return -ENOMEM;
	for (size_t i = 0; ret == 0 && i < nnodes; i++) {
		if (!forgets(ff, m, &nodes[i])) {
			linked_left |= strcmp(nodes[i].discovery_type, "send_targets") == 0 &&
				       strcmp(nodes[i].discovery_address, ff->p.address) == 0 &&
				       nodes[i].discovery_port == ff->p.port;
			continue;
		}
		ff->gone[ff->ngone++] = nodes[i];
		for (size_t s = 0; ret == 0 && s < nsessions; s++) {
			if (!iscsi_ownership_session_of(&sessions[s], &nodes[i]))
				continue;
			ret = iscsi_adm_logout_session(b, sessions[s].sid, NULL);
			ff->nlogouts++;
		}
	}
	ff->drop_discovery = !ff->is_static && !linked_left &&
			     iscsi_state_discovery_exists(ff->p.address, ff->p.port);
	return ret;
}

static int portal_remove(struct esx_call *call, bool is_static, iscsi_change_fn change)
{
	struct iscsi_session_info *sessions = NULL;
	struct iscsi_node_info *nodes = NULL;
	struct forget_flow *ff = NULL;
	struct iscsi_batch *b;
	const struct model *m;
	size_t nnodes = 0, nsessions = 0, count = 0;
	char what[96];
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	ff = ret == 0 ? calloc(1, sizeof(*ff)) : NULL;
	if (ret == 0 && !ff)
		ret = err_set(&call->err, ENOMEM, "out of memory");
	if (ret == 0)
		ret = portal_arg(call, is_static, &ff->p);
	/* Refused before anything is touched when it is not there. */
	if (ret == 0 && !configured(m, &ff->p, is_static))
		ret = not_configured(&call->err, &ff->p, is_static, m->iscsi.adapter);
	if (ret == 0)
		ret = iscsi_state_nodes(&nodes, &nnodes, &call->err);
	if (ret < 0)
		goto out;
	ff->is_static = is_static;
	ff->change = change;
	for (size_t i = 0; i < nnodes; i++)
		count += forgets(ff, m, &nodes[i]);
	if (count == 0) {
		/* No record: the configuration alone, as before any discovery. */
		ret = iscsi_cmd_commit(call->daemon, change, &ff->p, &call->err);
		goto out;
	}
	ret = iscsi_state_sessions(&sessions, &nsessions, &call->err);
	if (ret < 0)
		goto out;
	snprintf(what, sizeof(what), "removing %s %s", is_static ? "static target at" : "sendtarget",
		 ff->p.text);
	ret = iscsi_flow_begin(&ff->base, call, what, forget_free);
	if (ret < 0)
		goto out;
	b = iscsi_flow_batch(&ff->base, 1, true);
	if (!b || plan_forget(ff, m, b, nodes, nnodes, sessions, nsessions) < 0) {
		iscsi_batch_free(b);
		ret = iscsi_flow_abort(&ff->base, err_set(&call->err, ENOMEM, "out of memory"));
		ff = NULL;
		goto out;
	}
	ret = iscsi_flow_run(&ff->base, b, sessions_gone);
	ret = ret < 0 ? iscsi_flow_abort(&ff->base, ret) : ESX_PENDING;
	ff = NULL;   /* the flow's now */
out:
	free(ff);
	free(nodes);
	free(sessions);
	return ret;
}

static int sendtarget_remove(struct esx_call *call)
{
	return portal_remove(call, false, sendtarget_remove_change);
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
		return not_configured(err, p, true, next->iscsi.adapter);
	model_iscsi_remove_static(next, t);
	return 0;
}

static int static_add(struct esx_call *call)
{
	return portal_add(call, true, static_add_change);
}

static int static_remove(struct esx_call *call)
{
	return portal_remove(call, true, static_remove_change);
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
