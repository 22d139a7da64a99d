/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli iscsi session` (list, add: log in, remove: log out),
 * `esxcli iscsi session connection list` and
 * `esxcli storage core adapter rescan` for the software iSCSI adapter:
 * rediscovery, then logins through every compliant binding (N bindings x M
 * portals), with a result line per item and an overall deadline.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "iscsi_adm.h"
#include "iscsi_runtime.h"
#include "iscsi_state.h"
#include "netcmd.h"
#include "ns_iscsi_common.h"

/* Within the client's 120 s patience, with room for the reply. */
#define RESCAN_DEADLINE_MS 100000

static const struct esx_field_def session_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Target", VT_STRING, NULL },
	{ "ISID", VT_STRING, NULL },
	{ "TargetPortalGroupTag", VT_INT, NULL },
	{ "AuthenticationMethod", VT_STRING, NULL },
	{ "DataPduInOrder", VT_BOOL, NULL },
	{ "DataSequenceInOrder", VT_BOOL, NULL },
	{ "DefaultTime2Retain", VT_INT, NULL },
	{ "DefaultTime2Wait", VT_INT, NULL },
	{ "ErrorRecoveryLevel", VT_INT, NULL },
	{ "FirstBurstLength", VT_INT, NULL },
	{ "ImmediateData", VT_BOOL, NULL },
	{ "InitialR2T", VT_BOOL, NULL },
	{ "MaxBurstLength", VT_INT, NULL },
	{ "MaxConnections", VT_INT, NULL },
	{ "MaxOutstandingR2T", VT_INT, NULL },
	{ "TSIH", VT_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema session_schema = { "IscsiSession", session_fields };

/* What Linux does not have is "" (docs/iscsi.md), hence strings. */
static const struct esx_field_def connection_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Target", VT_STRING, NULL },
	{ "ISID", VT_STRING, NULL },
	{ "CID", VT_INT, NULL },
	{ "DataDigest", VT_STRING, NULL },
	{ "HeaderDigest", VT_STRING, NULL },
	{ "IFMarker", VT_BOOL, NULL },
	{ "IFMarkerInterval", VT_STRING, NULL },
	{ "MaxRecvDataSegmentLength", VT_INT, NULL },
	{ "MaxTransmitDataSegmentLength", VT_INT, NULL },
	{ "OFMarker", VT_BOOL, NULL },
	{ "OFMarkerInterval", VT_STRING, NULL },
	{ "ConnectionAddress", VT_STRING, NULL },
	{ "RemoteAddress", VT_STRING, NULL },
	{ "LocalAddress", VT_STRING, NULL },
	{ "SessionCreateTime", VT_STRING, NULL },
	{ "ConnectionCreateTime", VT_STRING, NULL },
	{ "ConnectionStartTime", VT_STRING, NULL },
	{ "State", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema connection_schema = { "IscsiConnection", connection_fields };

static const struct esx_option list_options[] = {
	{ "adapter", 'A', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ "isid", 's', OPT_STRING, 0, NULL, 0, 0, NULL, "The ISID of a session.", NULL },
	{ "name", 'n', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI target name.", NULL },
	{ NULL },
};

static const struct esx_option change_options[] = {
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ "isid", 's', OPT_STRING, 0, NULL, 0, 0, NULL, "The ISID of a session.", NULL },
	{ "name", 'n', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The iSCSI target name; every target when not given.", NULL },
	{ NULL },
};

static const struct esx_option rescan_options[] = {
	{ "adapter", 'A', OPT_STRING, 0, NULL, 0, 0, NULL, "The adapter to rescan.",
	  iscsi_cmd_complete_adapter },
	{ "all", 'a', OPT_FLAG, 0, NULL, 0, 0, NULL, "Rescan all adapters.", NULL },
	{ "type", 't', OPT_ENUM, 0, "add|all|delete|update", 0, 0, "all",
	  "The type of rescan (every type discovers and logs in here).", NULL },
	{ NULL },
};

/* ---- list ---- */

static long long number(const char *text)
{
	return text[0] ? strtoll(text, NULL, 10) : 0;
}

static bool matches(const struct iscsi_session_info *s, const char *target, const char *isid)
{
	return (!target || strcasecmp(target, s->target) == 0) &&
	       (!isid || strcasecmp(isid, s->isid) == 0);
}

static int session_list(struct esx_call *call)
{
	const char *target = args_str(&call->args, "name");
	const char *isid = args_str(&call->args, "isid");
	struct iscsi_session_info *sessions = NULL;
	const struct model *m;
	size_t n = 0;
	int ret = iscsi_cmd_listing(call, &m);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	ret = iscsi_state_sessions(&sessions, &n, &call->err);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct iscsi_session_info *s = &sessions[i];
		struct esx_record *rec;
		char heading[ISCSI_NAME_MAX + 64];

		if (!matches(s, target, isid))
			continue;
		snprintf(heading, sizeof(heading), "%s,%s,%s", m->iscsi.adapter, s->target, s->isid);
		rec = result_record(call->result, heading);
		rec_str(rec, "Adapter", m->iscsi.adapter);
		rec_str(rec, "Target", s->target);
		rec_str(rec, "ISID", s->isid);
		rec_int(rec, "TargetPortalGroupTag", s->tpgt);
		rec_str(rec, "AuthenticationMethod", s->username[0] ? "chap" : "none");
		rec_bool(rec, "DataPduInOrder", number(s->data_pdu_in_order) != 0);
		rec_bool(rec, "DataSequenceInOrder", number(s->data_seq_in_order) != 0);
		rec_int(rec, "DefaultTime2Retain", number(s->time2retain));
		rec_int(rec, "DefaultTime2Wait", number(s->time2wait));
		rec_int(rec, "ErrorRecoveryLevel", number(s->erl));
		rec_int(rec, "FirstBurstLength", number(s->first_burst));
		rec_bool(rec, "ImmediateData", number(s->immediate_data) != 0);
		rec_bool(rec, "InitialR2T", number(s->initial_r2t) != 0);
		rec_int(rec, "MaxBurstLength", number(s->max_burst));
		rec_int(rec, "MaxConnections", 1);
		rec_int(rec, "MaxOutstandingR2T", number(s->max_r2t));
		rec_int(rec, "TSIH", number(s->tsih));
	}
	free(sessions);
	return ret;
}

/* ---- connection list ---- */

static const char *digest_word(const char *sysfs)
{
	if (!sysfs[0])
		return "";
	return strcmp(sysfs, "0") == 0 ? "NONE" : "CRC32C";
}

/* ESXi's logged_in for a connection that is up in a logged-in session;
 * otherwise what the kernel says, in lower case. */
static void state_word(const struct iscsi_connection_info *c, char *out, size_t len)
{
	const char *word = c->state;
	size_t i;

	if (strcmp(c->state, "up") == 0 && strcmp(c->session_state, "LOGGED_IN") == 0)
		word = "logged_in";
	else if (!c->state[0])
		word = c->session_state;
	for (i = 0; word[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)word[i]);
	out[i] = '\0';
}

static int connection_list(struct esx_call *call)
{
	const char *target = args_str(&call->args, "name");
	const char *isid = args_str(&call->args, "isid");
	struct iscsi_connection_info *conns = NULL;
	const struct model *m;
	size_t n = 0;
	int ret = iscsi_cmd_listing(call, &m);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	ret = iscsi_state_connections(&conns, &n, &call->err);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct iscsi_connection_info *c = &conns[i];
		char heading[ISCSI_NAME_MAX + 64], state[32];
		struct esx_record *rec;

		if ((target && strcasecmp(target, c->target) != 0) ||
		    (isid && strcasecmp(isid, c->isid) != 0))
			continue;
		snprintf(heading, sizeof(heading), "%s,%s,%s,%u", m->iscsi.adapter, c->target,
			 c->isid, c->cid);
		state_word(c, state, sizeof(state));
		rec = result_record(call->result, heading);
		rec_str(rec, "Adapter", m->iscsi.adapter);
		rec_str(rec, "Target", c->target);
		rec_str(rec, "ISID", c->isid);
		rec_int(rec, "CID", c->cid);
		rec_str(rec, "DataDigest", digest_word(c->data_digest));
		rec_str(rec, "HeaderDigest", digest_word(c->header_digest));
		/* open-iscsi never negotiates markers (it sends IFMarker=No,
		 * OFMarker=No); without markers there is no interval. */
		rec_bool(rec, "IFMarker", false);
		rec_str(rec, "IFMarkerInterval", "");
		rec_int(rec, "MaxRecvDataSegmentLength", number(c->max_recv_dlength));
		rec_int(rec, "MaxTransmitDataSegmentLength", number(c->max_xmit_dlength));
		rec_bool(rec, "OFMarker", false);
		rec_str(rec, "OFMarkerInterval", "");
		rec_str(rec, "ConnectionAddress", c->persistent_address);
		rec_str(rec, "RemoteAddress", c->address);
		rec_str(rec, "LocalAddress", c->local_address);
		rec_str(rec, "SessionCreateTime", "");
		rec_str(rec, "ConnectionCreateTime", "");
		rec_str(rec, "ConnectionStartTime", "");
		rec_str(rec, "State", state);
	}
	free(conns);
	return ret;
}

/* ---- logins: session add and rescan ---- */

struct login_flow {
	struct iscsi_flow base;
	struct iscsi_rescan *rs;
	char adapter[MODEL_ADAPTER_MAX];
	bool rescan;
};

static void login_free(struct iscsi_flow *flow)
{
	struct login_flow *lf = (struct login_flow *)flow;

	iscsi_rescan_free(lf->rs);
	free(lf);
}

static void login_done(struct iscsi_rescan *rs, void *data)
{
	struct login_flow *lf = data;
	const struct iscsi_discovery_line *lines;
	size_t failed = 0, n = iscsi_rescan_lines(rs, &lines, &failed);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret = 0;

	for (size_t i = 0; f && i < n; i++)
		fprintf(f, "%s%s", i ? "\n" : "", lines[i].text);
	if (!f || fclose(f) != 0 || !text) {
		ret = err_set(iscsi_flow_err(&lf->base), ENOMEM, "out of memory");
	} else if (failed) {
		ret = err_set(iscsi_flow_err(&lf->base), EIO,
			      "%s of %s incomplete: %zu of %zu item%s failed:\n%s",
			      lf->rescan ? "Rescan" : "Login", lf->adapter, failed, n,
			      n == 1 ? "" : "s", text);
	} else if (lf->base.call && n) {
		result_message(lf->base.call->result, "%s", text);
	}
	free(text);
	iscsi_flow_end(&lf->base, ret);
}

static int start_logins(struct esx_call *call, const struct model *m, bool rescan,
			const char *target)
{
	struct login_flow *lf = calloc(1, sizeof(*lf));
	char what[96];
	int ret;

	if (!lf)
		return err_set(&call->err, ENOMEM, "out of memory");
	snprintf(lf->adapter, sizeof(lf->adapter), "%s", m->iscsi.adapter);
	lf->rescan = rescan;
	snprintf(what, sizeof(what), "%s of %s", rescan ? "a rescan" : "a login",
		 m->iscsi.adapter);
	ret = iscsi_flow_begin(&lf->base, call, what, login_free);
	if (ret < 0) {
		free(lf);
		return ret;
	}
	ret = iscsi_rescan_start(lf->base.rt, m, rescan, target, RESCAN_DEADLINE_MS, login_done,
				 lf, &lf->rs, &call->err);
	return ret < 0 ? iscsi_flow_abort(&lf->base, ret) : ESX_PENDING;
}

static int session_add(struct esx_call *call)
{
	const char *target = args_str(&call->args, "name");
	struct iscsi_node_info *nodes = NULL;
	const struct model *m;
	size_t n = 0;
	bool known = false;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret < 0)
		return ret;
	if (args_has(&call->args, "isid"))
		return err_set(&call->err, EOPNOTSUPP,
			       "--isid is not supported: open-iscsi chooses the ISID of a new session itself");
	if (target) {
		ret = iscsi_cmd_target_name(call, target);
		if (ret == 0)
			ret = iscsi_state_nodes(&nodes, &n, &call->err);
		for (size_t i = 0; ret == 0 && i < n && !known; i++)
			known = strcasecmp(nodes[i].target, target) == 0;
		free(nodes);
		if (ret < 0)
			return ret;
		if (!known)
			return err_set(&call->err, ENOENT,
				       "Unable to find target %s: discover it first (esxcli iscsi adapter discovery rediscover -A %s)",
				       target, m->iscsi.adapter);
	}
	return start_logins(call, m, false, target);
}

static int rescan(struct esx_call *call)
{
	const char *given = args_str(&call->args, "adapter");
	bool all = args_bool(&call->args, "all", false);
	const struct model *m;
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	if (!given && !all)
		return err_set_named(&call->err, EINVAL, "MissingParameter",
				     "Missing required parameter -A|--adapter or -a|--all");
	if (!given && !m->iscsi.enabled)
		return 0;    /* --all, and no adapter esxclid manages */
	ret = iscsi_cmd_enabled(call, given, &m);
	if (ret < 0)
		return ret;
	return start_logins(call, m, true, NULL);
}

/* ---- logouts ---- */

struct logout_flow {
	struct iscsi_flow base;
};

static void logout_free(struct iscsi_flow *flow)
{
	free(flow);
}

static void logged_out(struct iscsi_flow *flow, struct iscsi_batch *b)
{
	const struct iscsi_batch_item *bad = iscsi_batch_first_failure(b);
	char text[600];
	int ret = 0;

	if (bad) {
		iscsi_batch_describe(bad, text, sizeof(text));
		ret = err_set(iscsi_flow_err(flow), EIO, "Unable to log out: %s", text);
	}
	iscsi_flow_end(flow, ret);
}

static int session_remove(struct esx_call *call)
{
	const char *target = args_str(&call->args, "name");
	const char *isid = args_str(&call->args, "isid");
	struct iscsi_session_info *sessions = NULL;
	struct logout_flow *lf = NULL;
	struct iscsi_batch *b;
	const struct model *m;
	size_t n = 0, count = 0;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret == 0 && target)
		ret = iscsi_cmd_target_name(call, target);
	if (ret == 0)
		ret = iscsi_state_sessions(&sessions, &n, &call->err);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		count += matches(&sessions[i], target, isid);
	if (count == 0) {
		ret = err_set(&call->err, ENOENT, "No session of %s matches%s%s%s%s", m->iscsi.adapter,
			      target ? " target " : "", target ? target : "", isid ? " ISID " : "",
			      isid ? isid : "");
		goto out;
	}
	lf = calloc(1, sizeof(*lf));
	if (!lf) {
		ret = err_set(&call->err, ENOMEM, "out of memory");
		goto out;
	}
	ret = iscsi_flow_begin(&lf->base, call, "a logout", logout_free);
	if (ret < 0) {
		free(lf);
		goto out;
	}
	b = iscsi_flow_batch(&lf->base, 4, false);
	if (!b) {
		ret = iscsi_flow_abort(&lf->base, -ENOMEM);
		goto out;
	}
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (matches(&sessions[i], target, isid))
			ret = iscsi_adm_logout_session(b, sessions[i].sid, NULL);
	}
	if (ret < 0) {
		iscsi_batch_free(b);
		ret = iscsi_flow_abort(&lf->base, err_set(&call->err, ENOMEM, "out of memory"));
		goto out;
	}
	ret = iscsi_flow_run(&lf->base, b, logged_out);
	ret = ret < 0 ? iscsi_flow_abort(&lf->base, ret) : ESX_PENDING;
out:
	free(sessions);
	return ret;
}

const struct esx_command iscsi_session_commands[] = {
	{ "iscsi session list", "List iSCSI sessions.", list_options, session_list,
	  SHAPE_STRUCTS, &session_schema, VT_STRING, CMD_READONLY },
	{ "iscsi session connection list", "List iSCSI connections.", list_options,
	  connection_list, SHAPE_STRUCTS, &connection_schema, VT_STRING, CMD_READONLY },
	{ "iscsi session add", "Login sessions on current iSCSI configuration.", change_options,
	  session_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi session remove", "Logout sessions on current iSCSI configuration.",
	  change_options, session_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "storage core adapter rescan",
	  "Rescan the iSCSI adapter: discover its targets and log in through every compliant network portal.",
	  rescan_options, rescan, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ NULL },
};

const struct esx_namespace iscsi_session_namespaces[] = {
	{ "iscsi session", "Operations that can be performed on iSCSI sessions" },
	{ "iscsi session connection", "Operations that can be performed on iSCSI connections" },
	{ "storage", "Includes core storage commands and other storage management commands." },
	{ "storage core", "VMware core storage commands." },
	{ "storage core adapter", "Operations on the storage adapters." },
	{ NULL, NULL },
};
