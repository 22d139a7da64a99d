/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli iscsi adapter`: the software iSCSI adapter (list, get), its
 * initiator name and alias (set), and the targets and target portals it
 * has records of (target list, target portal list). On Linux the adapter is open-iscsi over iscsi_tcp; the
 * values shown are Linux's, in ESXi's fields.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "command.h"
#include "commands.h"
#include "iqn.h"
#include "iscsi_ownership.h"
#include "iscsi_state.h"
#include "netcmd.h"
#include "ns_iscsi_common.h"

#define DESCRIPTION "iSCSI Software Adapter"
#define DRIVER "iscsi_tcp"

static const struct esx_field_def list_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Driver", VT_STRING, NULL },
	{ "State", VT_STRING, NULL },
	{ "UID", VT_STRING, NULL },
	{ "Description", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema list_schema = { "IscsiAdapter", list_fields };

static const struct esx_field_def get_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "Alias", VT_STRING, NULL },
	{ "Vendor", VT_STRING, NULL },
	{ "Model", VT_STRING, NULL },
	{ "Description", VT_STRING, NULL },
	{ "Serial Number", VT_STRING, NULL },
	{ "Hardware Version", VT_STRING, NULL },
	{ "Asic Version", VT_STRING, NULL },
	{ "Firmware Version", VT_STRING, NULL },
	{ "Option Rom Version", VT_STRING, NULL },
	{ "Driver Name", VT_STRING, NULL },
	{ "Driver Version", VT_STRING, NULL },
	{ "TCP Protocol Supported", VT_BOOL, NULL },
	{ "Bidirectional Transfers Supported", VT_BOOL, NULL },
	{ "Maximum Cdb Length", VT_INT, NULL },
	{ "Can Be NIC", VT_BOOL, NULL },
	{ "Is NIC", VT_BOOL, NULL },
	{ "Is Initiator", VT_BOOL, NULL },
	{ "Is Target", VT_BOOL, NULL },
	{ "Using TCP Offload Engine", VT_BOOL, NULL },
	{ "Using ISCSI Offload Engine", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema get_schema = { "IscsiAdapterInfo", get_fields };

static const struct esx_field_def target_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Target", VT_STRING, NULL },
	{ "Alias", VT_STRING, NULL },
	{ "Discovery Method", VT_STRING, NULL },
	{ "Last Error", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema target_schema = { "IscsiTarget", target_fields };

static const struct esx_field_def portal_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Target", VT_STRING, NULL },
	{ "IP", VT_STRING, NULL },
	{ "Port", VT_INT, NULL },
	{ "Tpgt", VT_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema portal_schema = { "IscsiTargetPortal", portal_fields };

static const struct esx_option list_options[] = {
	{ "adapter", 'A', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ NULL },
};

static const struct esx_option get_options[] = {
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ NULL },
};

static const struct esx_option set_options[] = {
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ "alias", 'a', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The iSCSI initiator alias (printable, no blanks; \"\" removes it). iscsid takes it when it next starts.",
	  NULL },
	{ "name", 'n', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI initiator name.", NULL },
	{ "skip-if-session-active", 's', OPT_FLAG, 0, NULL, 0, 0, NULL,
	  "Do not change initiator name if a session is active on the adapter.", NULL },
	{ NULL },
};

static const struct esx_option target_list_options[] = {
	{ "adapter", 'A', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ "name", 'n', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI target name.", NULL },
	{ NULL },
};

static const struct esx_option portal_list_options[] = {
	{ "adapter", 'A', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ "name", 'n', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI target name.", NULL },
	{ NULL },
};

/* iscsi_tcp's state: loaded means the adapter can work. */
static bool driver_loaded(void)
{
	struct stat st;

	return stat("/sys/module/" DRIVER, &st) == 0;
}

/* The module's own version, else the kernel's release (it is built in). */
static void driver_version(char *out, size_t len)
{
	struct utsname u;
	ssize_t n;
	int fd = open("/sys/module/" DRIVER "/version", O_RDONLY | O_CLOEXEC);

	out[0] = '\0';
	if (fd >= 0) {
		n = read(fd, out, len - 1);
		close(fd);
		out[n > 0 ? n : 0] = '\0';
		out[strcspn(out, "\n")] = '\0';
	}
	if (!out[0] && uname(&u) == 0)
		snprintf(out, len, "%.63s", u.release);
}

static int adapter_list(struct esx_call *call)
{
	const char *given = args_str(&call->args, "adapter");
	struct esx_record *rec;
	const struct model *m;
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	if (!m->iscsi.enabled) {
		/* No adapter: an empty table, unless one was asked for. */
		return given ? iscsi_cmd_enabled(call, given, &m) : 0;
	}
	ret = iscsi_cmd_enabled(call, given, &m);
	if (ret < 0)
		return ret;
	rec = result_record(call->result, NULL);
	rec_str(rec, "Adapter", m->iscsi.adapter);
	rec_str(rec, "Driver", DRIVER);
	rec_str(rec, "State", driver_loaded() ? "online" : "offline");
	rec_strf(rec, "UID", "iscsi.%s", m->iscsi.adapter);
	rec_str(rec, "Description", DESCRIPTION);
	return 0;
}

static int adapter_get(struct esx_call *call)
{
	struct esx_record *rec;
	const struct model *m;
	char version[64];
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret < 0)
		return ret;
	driver_version(version, sizeof(version));
	rec = result_record(call->result, m->iscsi.adapter);
	rec_str(rec, "Name", m->iscsi.iqn);
	rec_str(rec, "Alias", m->iscsi.alias);
	rec_str(rec, "Vendor", "open-iscsi");
	rec_str(rec, "Model", DESCRIPTION);
	rec_str(rec, "Description", DESCRIPTION);
	rec_str(rec, "Serial Number", "");
	rec_str(rec, "Hardware Version", "");
	rec_str(rec, "Asic Version", "");
	rec_str(rec, "Firmware Version", "");
	rec_str(rec, "Option Rom Version", "");
	rec_str(rec, "Driver Name", DRIVER);
	rec_str(rec, "Driver Version", version);
	rec_bool(rec, "TCP Protocol Supported", false);
	rec_bool(rec, "Bidirectional Transfers Supported", false);
	rec_int(rec, "Maximum Cdb Length", 16);
	rec_bool(rec, "Can Be NIC", false);
	rec_bool(rec, "Is NIC", false);
	rec_bool(rec, "Is Initiator", true);
	rec_bool(rec, "Is Target", false);
	rec_bool(rec, "Using TCP Offload Engine", false);
	rec_bool(rec, "Using ISCSI Offload Engine", false);
	return 0;
}

static int adapter_set(struct esx_call *call)
{
	const char *name = args_str(&call->args, "name");
	const char *alias = args_str(&call->args, "alias");
	const char *why;
	const struct model *m;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret < 0)
		return ret;
	if (!name && !alias)
		return err_set(&call->err, EINVAL, "Give --name, --alias or both");
	if (name) {
		ret = iscsi_cmd_target_name(call, name);
		if (ret < 0)
			return ret;
	}
	why = alias ? iqn_alias_invalid_reason(alias) : NULL;
	if (why)
		return err_set(&call->err, EINVAL, "Invalid alias '%s': %s", alias, why);
	if (name && strcmp(name, m->iscsi.iqn) != 0 &&
	    args_bool(&call->args, "skip-if-session-active", false)) {
		struct iscsi_session_info *sessions = NULL;
		size_t n = 0;

		ret = iscsi_state_sessions(&sessions, &n, &call->err);
		free(sessions);
		if (ret < 0)
			return ret;
		if (n)
			return err_set_named(&call->err, EBUSY, "InUse",
					     "Initiator name not changed: %zu session%s active on %s",
					     n, n == 1 ? " is" : "s are", m->iscsi.adapter);
	}
	return iscsi_cmd_start_naming(call, "renaming the iSCSI initiator", false, name, alias,
				      NULL);
}

/* One row per target the adapter has records of. */
static int target_list(struct esx_call *call)
{
	const char *only = args_str(&call->args, "name");
	struct iscsi_session_info *sessions = NULL;
	struct iscsi_node_info *nodes = NULL;
	struct esx_strv seen = { 0 };
	size_t nnodes = 0, nsessions = 0;
	const struct model *m;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret == 0)
		ret = iscsi_state_nodes(&nodes, &nnodes, &call->err);
	if (ret == 0)
		ret = iscsi_state_sessions(&sessions, &nsessions, &call->err);
	for (size_t i = 0; ret == 0 && i < nnodes; i++) {
		const struct iscsi_node_info *node = &nodes[i];
		bool ours = iscsi_ownership_owned(m, node->iface);
		bool logged_in = false, is_static = false;
		struct esx_record *rec;

		if (!ours || (only && strcasecmp(only, node->target) != 0) ||
		    strv_contains(&seen, node->target))
			continue;
		if (strv_add(&seen, node->target) < 0) {
			ret = err_set(&call->err, ENOMEM, "out of memory");
			break;
		}
		for (size_t s = 0; s < nsessions; s++)
			logged_in |= strcasecmp(sessions[s].target, node->target) == 0 &&
				     iscsi_session_logged_in(&sessions[s]);
		for (size_t s = 0; s < m->iscsi.nstatics; s++)
			is_static |= strcasecmp(m->iscsi.statics[s].name, node->target) == 0;
		rec = result_record(call->result, NULL);
		rec_str(rec, "Adapter", m->iscsi.adapter);
		rec_str(rec, "Target", node->target);
		rec_str(rec, "Alias", "");
		rec_str(rec, "Discovery Method", is_static ? "STATIC" : "SENDTARGETS");
		rec_str(rec, "Last Error", logged_in ? "No Error" : "Not logged in");
	}
	strv_free(&seen);
	free(nodes);
	free(sessions);
	return ret;
}

static bool same_portal(const struct iscsi_node_info *a, const struct iscsi_node_info *b)
{
	return strcasecmp(a->target, b->target) == 0 && strcmp(a->address, b->address) == 0 &&
	       a->port == b->port && a->tpgt == b->tpgt;
}

/* One row per target portal the adapter has records of: open-iscsi keeps
 * one record per portal and iface, ESXi lists the portal once. */
static int portal_list(struct esx_call *call)
{
	const char *only = args_str(&call->args, "name");
	struct iscsi_node_info *nodes = NULL;
	const struct model *m;
	size_t n = 0;
	int ret = iscsi_cmd_listing(call, &m);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	ret = iscsi_state_nodes(&nodes, &n, &call->err);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct iscsi_node_info *node = &nodes[i];
		struct esx_record *rec;
		bool listed = false;

		if (!iscsi_ownership_owned(m, node->iface) ||
		    (only && strcasecmp(only, node->target) != 0))
			continue;
		for (size_t j = 0; j < i && !listed; j++)
			listed = iscsi_ownership_owned(m, nodes[j].iface) &&
				 same_portal(&nodes[j], node);
		if (listed)
			continue;
		rec = result_record(call->result, NULL);
		rec_str(rec, "Adapter", m->iscsi.adapter);
		rec_str(rec, "Target", node->target);
		rec_str(rec, "IP", node->address);
		rec_int(rec, "Port", node->port);
		rec_int(rec, "Tpgt", node->tpgt);
	}
	free(nodes);
	return ret;
}

const struct esx_command iscsi_adapter_commands[] = {
	{ "iscsi adapter list", "List all the iSCSI Host Bus Adapters on the system.",
	  list_options, adapter_list, SHAPE_TABLE, &list_schema, VT_STRING, CMD_READONLY },
	{ "iscsi adapter get", "List the iSCSI information for the iSCSI Host Bus Adapter.",
	  get_options, adapter_get, SHAPE_STRUCTS, &get_schema, VT_STRING, CMD_READONLY },
	{ "iscsi adapter set", "Set the iSCSI name and alias for the iSCSI Host Bus Adapter.",
	  set_options, adapter_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi adapter target list", "List iSCSI targets.", target_list_options, target_list,
	  SHAPE_TABLE, &target_schema, VT_STRING, CMD_READONLY },
	{ "iscsi adapter target portal list", "List iSCSI target portals.", portal_list_options,
	  portal_list, SHAPE_TABLE, &portal_schema, VT_STRING, CMD_READONLY },
	{ NULL },
};

const struct esx_namespace iscsi_adapter_namespaces[] = {
	{ "iscsi adapter", "Operations that can be performed on iSCSI adapters" },
	{ "iscsi adapter target", "Operations that can be performed on iSCSI targets" },
	{ "iscsi adapter target portal", "Operations that can be performed on iSCSI target portals" },
	{ NULL, NULL },
};
