/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli storage core adapter list`, `storage core path list` and `storage
 * nmp path list`: read-only views of the software iSCSI adapter and its
 * paths. The path lists ask multipathd for `show maps json` on the loop (so
 * a slow multipathd never holds the daemon) and join its answer with sysfs
 * (nmp_paths.h); without multipathd they still list what sysfs knows.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "iscsi_paths.h"
#include "iscsi_state.h"
#include "mpath_client.h"
#include "mpath_json.h"
#include "netcmd.h"
#include "nmp_path_off.h"
#include "nmp_paths.h"
#include "ns_iscsi_common.h"
#include "strv.h"
#include "transaction.h"

/* Within the client's patience, and longer than multipathd's own 4 s. */
#define PATHS_MPATH_TIMEOUT_MS 8000

static const struct esx_field_def adapter_fields[] = {
	{ "HBA Name", VT_STRING, NULL },
	{ "Driver", VT_STRING, NULL },
	{ "Link State", VT_STRING, NULL },
	{ "UID", VT_STRING, NULL },
	{ "Capabilities", VT_STRING, NULL },
	{ "Description", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema adapter_schema = { "ScsiAdapter", adapter_fields };

static const struct esx_field_def core_path_fields[] = {
	{ "UID", VT_STRING, NULL },
	{ "Runtime Name", VT_STRING, NULL },
	{ "Device", VT_STRING, NULL },
	{ "Device Display Name", VT_STRING, NULL },
	{ "Adapter", VT_STRING, NULL },
	{ "Channel", VT_INT, NULL },
	{ "Target", VT_INT, NULL },
	{ "LUN", VT_INT, NULL },
	{ "Plugin", VT_STRING, NULL },
	{ "State", VT_STRING, NULL },
	{ "Transport", VT_STRING, NULL },
	{ "Adapter Identifier", VT_STRING, NULL },
	{ "Target Identifier", VT_STRING, NULL },
	{ "Adapter Transport Details", VT_STRING, NULL },
	{ "Target Transport Details", VT_STRING, NULL },
	{ "Maximum IO Size", VT_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema core_path_schema = { "ScsiPath", core_path_fields };

static const struct esx_field_def nmp_path_fields[] = {
	{ "Runtime Name", VT_STRING, NULL },
	{ "Device", VT_STRING, NULL },
	{ "Device Display Name", VT_STRING, NULL },
	{ "Group State", VT_STRING, NULL },
	{ "Array Priority", VT_INT, NULL },
	{ "Storage Array Type Path Config", VT_STRING, NULL },
	{ "Path Selection Policy Path Config", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema nmp_path_schema = { "NmpPath", nmp_path_fields };

static const struct esx_option no_options[] = {
	{ NULL },
};

static const struct esx_option path_list_options[] = {
	{ "path", 'p', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "Limit the output to a specific path (its UID or runtime name).", NULL },
	{ "device", 'd', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "Limit the output to the paths of a specific device.", NULL },
	{ NULL },
};

/* ---- adapter list ---- */

/* The committed model, or 1 (an empty list) while software iSCSI is off:
 * these commands have no -A (iscsi_cmd_listing's). */
static int enabled_adapter(struct esx_call *call, const struct model **out)
{
	int ret = netcmd_model(call, out);

	if (ret < 0)
		return ret;
	return (*out)->iscsi.enabled ? 0 : 1;
}

static int adapter_list(struct esx_call *call)
{
	const struct model *m;
	char uid[MODEL_ADAPTER_MAX + 8];
	struct esx_record *rec;
	int ret = enabled_adapter(call, &m);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	snprintf(uid, sizeof(uid), "iscsi.%s", m->iscsi.adapter);
	rec = result_record(call->result, NULL);
	rec_str(rec, "HBA Name", m->iscsi.adapter);
	rec_str(rec, "Driver", "iscsi_tcp");
	/* The software adapter is up as long as its transport is in the kernel. */
	rec_str(rec, "Link State", access("/sys/module/iscsi_tcp", F_OK) == 0 ? "online" : "offline");
	rec_str(rec, "UID", uid);
	rec_str(rec, "Capabilities", "Second Level Lun ID");
	rec_str(rec, "Description", "iSCSI Software Adapter");
	return 0;
}

/* ---- path lists ---- */

struct path_query {
	struct esx_call *call;
	struct mpath_request *req;
	bool nmp;                        /* storage nmp path list */
	char adapter[MODEL_ADAPTER_MAX];
	char iqn[ISCSI_NAME_MAX];
	struct esx_strv bindings;
	char *path_filter, *device_filter;
};

static void query_free(struct path_query *q)
{
	if (!q)
		return;
	strv_free(&q->bindings);
	free(q->path_filter);
	free(q->device_filter);
	free(q);
}

static bool path_selected(const struct path_query *q, const struct nmp_path *p)
{
	if (q->path_filter && strcmp(q->path_filter, p->runtime) != 0 &&
	    strcmp(q->path_filter, p->uid) != 0)
		return false;
	return !q->device_filter || strcasecmp(q->device_filter, p->device) == 0;
}

static void display_name(const struct nmp_path *p, char *out, size_t len)
{
	const char *vendor = p->map ? p->map->vend : "";

	snprintf(out, len, "%s%siSCSI Disk (%s)", vendor, vendor[0] ? " " : "", p->device);
}

static long long max_io_size(const struct iscsi_path *sys)
{
	char path[96], text[32] = "";
	FILE *f;

	if (snprintf(path, sizeof(path), "/sys/block/%s/queue/max_sectors_kb", sys->block) >=
	    (int)sizeof(path))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	return strtoll(text, NULL, 10) * 1024;
}

static bool map_is_alua(const struct mpath_map *map)
{
	return map && strstr(map->hwhandler, "alua");
}

/* multipath's failover grouping: one path per group, more than one group. */
static bool map_is_failover(const struct mpath_map *map)
{
	if (!map || map->ngroups < 2)
		return false;
	for (size_t i = 0; i < map->ngroups; i++) {
		if (map->groups[i].npaths != 1)
			return false;
	}
	return true;
}

static void core_record(struct esx_call *call, const struct path_query *q, const struct nmp_path *p)
{
	struct esx_record *rec = result_record(call->result, p->uid);
	char name[NMP_DEVICE_ID_MAX + 64], tid[2 * ISCSI_NAME_MAX + 64];
	char details[2 * ISCSI_NAME_MAX + 96];

	display_name(p, name, sizeof(name));
	rec_str(rec, "UID", p->uid);
	rec_str(rec, "Runtime Name", p->runtime);
	rec_str(rec, "Device", p->device);
	rec_str(rec, "Device Display Name", name);
	rec_str(rec, "Adapter", q->adapter);
	rec_int(rec, "Channel", p->channel);
	rec_int(rec, "Target", p->target);
	rec_int(rec, "LUN", (long long)p->lun);
	rec_str(rec, "Plugin", p->map ? "NMP" : "");
	rec_str(rec, "State", p->state);
	rec_str(rec, "Transport", "iscsi");
	rec_str(rec, "Adapter Identifier", p->initiator);
	rec_str(rec, "Target Identifier",
		nmp_target_identifier(p, tid, sizeof(tid)) == 0 ? tid : "");
	rec_str(rec, "Adapter Transport Details", p->initiator);
	rec_str(rec, "Target Transport Details",
		nmp_target_transport_details(p, details, sizeof(details)) == 0 ? details : "");
	rec_int(rec, "Maximum IO Size", max_io_size(p->sys));
}

static void nmp_record(struct esx_call *call, const struct nmp_path *p)
{
	struct esx_record *rec = result_record(call->result, p->uid);
	const char *satp = map_is_alua(p->map) ? "VMW_SATP_ALUA" : "VMW_SATP_DEFAULT_AA";
	char name[NMP_DEVICE_ID_MAX + 64];

	display_name(p, name, sizeof(name));
	rec_str(rec, "Runtime Name", p->runtime);
	rec_str(rec, "Device", p->device);
	rec_str(rec, "Device Display Name", name);
	rec_str(rec, "Group State", p->group_state);
	rec_int(rec, "Array Priority", p->mp && p->mp->pri > 0 ? p->mp->pri : 0);
	if (!p->map)
		rec_str(rec, "Storage Array Type Path Config", "");
	else
		rec_strf(rec, "Storage Array Type Path Config",
			 "SATP %s does not support path configuration.", satp);
	if (!p->map)
		rec_str(rec, "Path Selection Policy Path Config", "");
	else if (map_is_failover(p->map))
		rec_strf(rec, "Path Selection Policy Path Config", "{current: %s; preferred: no}",
			 strcmp(p->group_state, "active") == 0 ? "yes" : "no");
	else
		rec_str(rec, "Path Selection Policy Path Config",
			"PSP VMW_PSP_RR does not support path configuration.");
}

/* Join what is known and fill the result: maps NULL when multipathd could
 * not answer. */
static int fill(struct path_query *q, const struct mpath_maps *maps, struct esx_err *err)
{
	struct esx_call *call = q->call;
	struct iscsi_session_info *sessions = NULL;
	struct iscsi_path *paths = NULL;
	struct nmp_path *joined = NULL;
	size_t n = 0, nsessions = 0;
	int ret = iscsi_paths_read(ISCSI_PATHS_SYSFS, &paths, &n, err);

	if (ret == 0)
		ret = iscsi_state_sessions(&sessions, &nsessions, err);
	if (ret == 0)
		ret = nmp_paths_build_off(&model_current(call->daemon)->nmp, q->adapter, q->iqn,
					  &q->bindings, paths, n, sessions, nsessions, maps,
					  &joined, err);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!path_selected(q, &joined[i]))
			continue;
		if (q->nmp)
			nmp_record(call, &joined[i]);
		else
			core_record(call, q, &joined[i]);
	}
out:
	free(joined);
	free(sessions);
	free(paths);
	return ret;
}

static void sysfs_only(struct path_query *q, const char *why)
{
	result_message(q->call->result,
		       "multipathd did not answer (%s): states come from sysfs alone", why);
}

static void maps_received(const struct mpath_reply *reply, void *data)
{
	struct path_query *q = data;
	struct esx_call *call = q->call;
	struct mpath_maps maps = { 0 };
	struct esx_err perr = { 0 };
	bool have_maps = false;
	int ret;

	q->req = NULL;
	if (reply->status < 0) {
		sysfs_only(q, reply->err ? reply->err->text : "no reply");
	} else if (mpath_json_parse(reply->text, &maps, &perr) < 0) {
		sysfs_only(q, perr.text);
	} else {
		have_maps = true;
	}
	ret = fill(q, have_maps ? &maps : NULL, &call->err);
	mpath_maps_free(&maps);
	call->cancel = NULL;
	call->handler_data = NULL;
	query_free(q);
	call_finish(call, ret);
}

static void query_cancel(struct esx_call *call)
{
	struct path_query *q = call->handler_data;

	mpath_request_cancel(q->req);
	query_free(q);
	call->handler_data = NULL;
}

static int path_list_common(struct esx_call *call, bool nmp)
{
	const char *path = args_str(&call->args, "path");
	const char *device = args_str(&call->args, "device");
	struct path_query *q = NULL;
	struct esx_err merr = { 0 };
	const struct model *m;
	int ret = enabled_adapter(call, &m);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	q = calloc(1, sizeof(*q));
	if (!q)
		return err_set(&call->err, ENOMEM, "out of memory");
	q->call = call;
	q->nmp = nmp;
	snprintf(q->adapter, sizeof(q->adapter), "%s", m->iscsi.adapter);
	snprintf(q->iqn, sizeof(q->iqn), "%s", m->iscsi.iqn);
	for (size_t i = 0; ret == 0 && i < m->iscsi.nbindings; i++)
		ret = strv_add(&q->bindings, m->iscsi.bindings[i].vmk);
	if (ret == 0 && path && !(q->path_filter = strdup(path)))
		ret = -ENOMEM;
	if (ret == 0 && device && !(q->device_filter = strdup(device)))
		ret = -ENOMEM;
	if (ret < 0) {
		ret = err_set(&call->err, ENOMEM, "out of memory");
		goto out;
	}
	ret = mpath_request(call->daemon->loop, NULL, "show maps json", PATHS_MPATH_TIMEOUT_MS,
			    maps_received, q, &q->req, &merr);
	if (ret < 0) {
		sysfs_only(q, merr.text);
		ret = fill(q, NULL, &call->err);
		goto out;
	}
	call->handler_data = q;
	call->cancel = query_cancel;
	return ESX_PENDING;
out:
	query_free(q);
	return ret;
}

static int core_path_list(struct esx_call *call)
{
	return path_list_common(call, false);
}

static int nmp_path_list(struct esx_call *call)
{
	return path_list_common(call, true);
}

const struct esx_command storage_paths_commands[] = {
	{ "storage core adapter list", "List all the SCSI Host Bus Adapters on the system.",
	  no_options, adapter_list, SHAPE_TABLE, &adapter_schema, VT_STRING, CMD_READONLY },
	{ "storage core path list", "List all the SCSI paths on the system.", path_list_options,
	  core_path_list, SHAPE_STRUCTS, &core_path_schema, VT_STRING, CMD_READONLY },
	{ "storage nmp path list", "List the paths currently claimed by the VMware NMP Multipath Plugin and show the multipathing information for them.",
	  path_list_options, nmp_path_list, SHAPE_STRUCTS, &nmp_path_schema, VT_STRING,
	  CMD_READONLY },
	{ NULL },
};

const struct esx_namespace storage_paths_namespaces[] = {
	{ "storage core path", "Operations on the pluggable storage architecture paths on the system." },
	{ "storage nmp path", "Operations on the paths claimed by the VMware NMP Multipath Plugin." },
	{ NULL, NULL },
};
