/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli storage core adapter list`, `storage core path list` and `storage
 * nmp path list`: read-only views of the software iSCSI adapter and its
 * paths, from a snapshot of multipathd's maps joined with sysfs
 * (nmp_snapshot.h).
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
#include "mpath_json.h"
#include "netcmd.h"
#include "nmp_paths.h"
#include "nmp_snapshot.h"
#include "transaction.h"
#include "ns_iscsi_common.h"
#include "strv.h"

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

static bool path_selected(struct esx_call *call, const struct nmp_path *p)
{
	const char *path = args_str(&call->args, "path");
	const char *device = args_str(&call->args, "device");

	if (path && strcmp(path, p->runtime) != 0 && strcmp(path, p->uid) != 0)
		return false;
	return !device || strcasecmp(device, p->device) == 0;
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

static void core_record(struct esx_call *call, const char *adapter, const struct nmp_path *p)
{
	struct esx_record *rec = result_record(call->result, p->uid);
	char name[NMP_DEVICE_ID_MAX + 64], tid[2 * ISCSI_NAME_MAX + 64];
	char details[2 * ISCSI_NAME_MAX + 96];

	nmp_display_name(p, name, sizeof(name));
	rec_str(rec, "UID", p->uid);
	rec_str(rec, "Runtime Name", p->runtime);
	rec_str(rec, "Device", p->device);
	rec_str(rec, "Device Display Name", name);
	rec_str(rec, "Adapter", adapter);
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

	nmp_display_name(p, name, sizeof(name));
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

static int core_paths_fill(struct esx_call *call, const struct nmp_snapshot *snap)
{
	const char *adapter = model_current(call->daemon)->iscsi.adapter;

	for (size_t i = 0; i < snap->n; i++) {
		if (path_selected(call, &snap->paths[i]))
			core_record(call, adapter, &snap->paths[i]);
	}
	return 0;
}

static int nmp_paths_fill(struct esx_call *call, const struct nmp_snapshot *snap)
{
	for (size_t i = 0; i < snap->n; i++) {
		if (path_selected(call, &snap->paths[i]))
			nmp_record(call, &snap->paths[i]);
	}
	return 0;
}

static int core_path_list(struct esx_call *call)
{
	return nmp_snapshot_take(call, core_paths_fill);
}

static int nmp_path_list(struct esx_call *call)
{
	return nmp_snapshot_take(call, nmp_paths_fill);
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
