/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli storage core device list`, `storage nmp device list|set` and
 * `storage nmp psp roundrobin deviceconfig get|set`: the software adapter's
 * devices (one per LUN, its paths joined) and their path selection. What
 * the lists show is the policy the kernel's map really follows
 * (nmp_effective.h); a setting goes to the store and the drop-in
 * (nmp_commit.h), and the reply says when multipath follows something else.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "dm_table.h"
#include "model.h"
#include "netcmd.h"
#include "nmp_catalog.h"
#include "nmp_commit.h"
#include "nmp_effective.h"
#include "nmp_model.h"
#include "nmp_snapshot.h"
#include "transaction.h"

#define DM_CONTROL "/dev/mapper/control"

/* ---- schemas ---- */

static const struct esx_field_def core_device_fields[] = {
	{ "Display Name", VT_STRING, NULL },
	{ "Has Settable Display Name", VT_BOOL, NULL },
	{ "Size", VT_INT, NULL },
	{ "Device Type", VT_STRING, NULL },
	{ "Multipath Plugin", VT_STRING, NULL },
	{ "Devfs Path", VT_STRING, NULL },
	{ "Vendor", VT_STRING, NULL },
	{ "Model", VT_STRING, NULL },
	{ "Revision", VT_STRING, NULL },
	{ "SCSI Level", VT_INT, NULL },
	{ "Is Pseudo", VT_BOOL, NULL },
	{ "Status", VT_STRING, NULL },
	{ "Is RDM Capable", VT_BOOL, NULL },
	{ "Is Local", VT_BOOL, NULL },
	{ "Is Removable", VT_BOOL, NULL },
	{ "Is SSD", VT_BOOL, NULL },
	{ "Is VVOL PE", VT_BOOL, NULL },
	{ "Is Offline", VT_BOOL, NULL },
	{ "Is Perennially Reserved", VT_BOOL, NULL },
	{ "Queue Full Sample Size", VT_INT, NULL },
	{ "Queue Full Threshold", VT_INT, NULL },
	{ "Thin Provisioning Status", VT_STRING, NULL },
	{ "Attached Filters", VT_STRING, NULL },
	{ "VAAI Status", VT_STRING, NULL },
	{ "Other UIDs", VT_STRING, NULL },
	{ "Is Shared Clusterwide", VT_BOOL, NULL },
	{ "Is SAS", VT_BOOL, NULL },
	{ "Is USB", VT_BOOL, NULL },
	{ "Is Boot Device", VT_BOOL, NULL },
	{ "Device Max Queue Depth", VT_INT, NULL },
	{ "No of outstanding IOs with competing worlds", VT_INT, NULL },
	{ "Drive Type", VT_STRING, NULL },
	{ "RAID Level", VT_STRING, NULL },
	{ "Number of Physical Drives", VT_STRING, NULL },
	{ "Protection Enabled", VT_BOOL, NULL },
	{ "PI Activated", VT_BOOL, NULL },
	{ "PI Type", VT_INT, NULL },
	{ "PI Protection Mask", VT_STRING, NULL },
	{ "Supported Guard Types", VT_STRING, NULL },
	{ "DIX Enabled", VT_BOOL, NULL },
	{ "DIX Guard Type", VT_STRING, NULL },
	{ "Emulated DIX/DIF Enabled", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema core_device_schema = { "ScsiDevice", core_device_fields };

static const struct esx_field_def nmp_device_fields[] = {
	{ "Device Display Name", VT_STRING, NULL },
	{ "Storage Array Type", VT_STRING, NULL },
	{ "Storage Array Type Device Config", VT_STRING, NULL },
	{ "Path Selection Policy", VT_STRING, NULL },
	{ "Path Selection Policy Device Config", VT_STRING, NULL },
	{ "Path Selection Policy Device Custom Config", VT_STRING, NULL },
	{ "Working Paths", VT_STRING, NULL },
	{ "Is USB", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema nmp_device_schema = { "NmpDevice", nmp_device_fields };

static const struct esx_field_def rr_config_fields[] = {
	{ "Byte Limit", VT_INT, NULL },
	{ "Device", VT_STRING, NULL },
	{ "IOOperation Limit", VT_INT, NULL },
	{ "Latency Evaluation Interval", VT_STRING, NULL },
	{ "Limit Type", VT_STRING, NULL },
	{ "Number Of Sampling IOs Per Path", VT_INT, NULL },
	{ "Use Active Unoptimized Paths", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema rr_config_schema = { "RoundRobinDeviceConfig", rr_config_fields };

/* ---- options ---- */

static const struct esx_option device_list_options[] = {
	{ "device", 'd', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "Filter the output of this command to only show a single device.", NULL },
	{ NULL },
};

static const struct esx_option device_set_options[] = {
	{ "device", 'd', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The device you wish to set the Path Selection Policy for.", NULL },
	{ "psp", 'P', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The Path Selection Policy (PSP) you wish to assign to the given device.", nmp_complete_psp },
	{ "default", 'E', OPT_FLAG, 0, NULL, 0, 0, NULL,
	  "Set the Path Selection Policy (PSP) back to the default for the assigned SATP for this device.",
	  NULL },
	{ NULL },
};

static const struct esx_option rr_get_options[] = {
	{ "device", 'd', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The device you wish to get the Round Robin properties for.", NULL },
	{ NULL },
};

static const struct esx_option rr_set_options[] = {
	{ "device", 'd', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The device you wish to set the Round Robin settings for.", NULL },
	{ "type", 't', OPT_ENUM, OPT_REQUIRED, "bytes|default|iops|latency", 0, 0, NULL,
	  "Set the type of the Round Robin path switching that should be enabled for this device.",
	  NULL },
	{ "iops", 'I', OPT_INT, OPT_HAS_RANGE, NULL, 1, 2147483647, NULL,
	  "Set the number of I/O operations to send along one path for this device before the PSP switches to the next path.",
	  NULL },
	{ "bytes", 'B', OPT_INT, OPT_HAS_RANGE, NULL, 1, 2147483647, NULL,
	  "Set the number of bytes to send along one path for this device before the PSP switches to the next path (not supported: dm-multipath has no byte limit).",
	  NULL },
	{ "useano", 'U', OPT_BOOL, 0, NULL, 0, 0, NULL,
	  "Set useANO to true to have the PSP include paths in the active non-optimized state in the Round Robin set.",
	  NULL },
	{ "num-sampling-cycles", 'S', OPT_INT, OPT_HAS_RANGE, NULL, 1, 2147483647, NULL,
	  "Set the number of I/Os per path used to compute the latency (latency type).", NULL },
	{ "latency-eval-time", 'T', OPT_INT, OPT_HAS_RANGE, NULL, 1, 2147483647, NULL,
	  "Set the interval, in milliseconds, at which path latencies are evaluated (latency type).",
	  NULL },
	{ NULL },
};

/* ---- devices of a snapshot ---- */

struct device_view {
	const char *id;                  /* naa.... */
	const struct nmp_path *first;    /* its first path */
	const struct nmp_device_config *asked;   /* stored settings, or NULL */
	struct nmp_effective eff;
	bool have_eff;                   /* in a multipathd map */
};

/* The device's view: its effective policy from multipathd's map and the
 * kernel's table. */
static void view_of(struct esx_call *call, const struct nmp_path *first, struct device_view *v)
{
	const struct model *m = model_current(call->daemon);
	struct dm_mpath_table table;
	struct esx_err err = { 0 };
	char *line = NULL;
	bool have_table = false;

	memset(v, 0, sizeof(*v));
	v->id = first->device;
	v->first = first;
	v->asked = nmp_device(&m->nmp, first->device);
	if (!first->map)
		return;
	if (dm_table_read(DM_CONTROL, first->map->uuid, &line, &err) == 0 &&
	    dm_mpath_table_parse(line, &table, &err) == 0)
		have_table = true;
	free(line);
	nmp_effective_of(first->map, have_table ? &table : NULL, v->asked, &v->eff);
	v->have_eff = true;
}

static bool device_wanted(struct esx_call *call, const char *id)
{
	const char *device = args_str(&call->args, "device");

	return !device || strcasecmp(device, id) == 0;
}

/* Calls fn for each device once, in the order of its first path. */
static void each_device(struct esx_call *call, const struct nmp_snapshot *snap,
			void (*fn)(struct esx_call *call, const struct nmp_snapshot *snap,
				   const struct device_view *v))
{
	for (size_t i = 0; i < snap->n; i++) {
		struct device_view v;
		size_t first;

		nmp_snapshot_device_paths(snap, snap->paths[i].device, &first);
		if (first != i || !device_wanted(call, snap->paths[i].device))
			continue;
		view_of(call, &snap->paths[i], &v);
		fn(call, snap, &v);
	}
}

/* ---- storage core device list ---- */

/* One line of a sysfs attribute, blanks trimmed; "" when unreadable. */
static void sysfs_text(const char *block, const char *attr, char *out, size_t len)
{
	char path[256];
	FILE *f;
	size_t n;

	out[0] = '\0';
	/* The map's name comes from multipathd's reply: a kernel block device
	 * name, or nothing is read. */
	if (!block[0] || strchr(block, '/') || block[0] == '.')
		return;
	if (snprintf(path, sizeof(path), "/sys/block/%s/%s", block, attr) >= (int)sizeof(path))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(out, (int)len, f))
		out[0] = '\0';
	fclose(f);
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
}

static long long sysfs_number(const char *block, const char *attr)
{
	char text[32];

	sysfs_text(block, attr, text, sizeof(text));
	return strtoll(text, NULL, 10);
}

static void paths_status(const struct nmp_snapshot *snap, const char *id, unsigned *usable,
			 unsigned *offline)
{
	*usable = *offline = 0;
	for (size_t i = 0; i < snap->n; i++) {
		if (strcasecmp(snap->paths[i].device, id) != 0)
			continue;
		if (strcmp(snap->paths[i].state, "active") == 0)
			(*usable)++;
		if (strcmp(snap->paths[i].sys->scsi_state, "offline") == 0)
			(*offline)++;
	}
}

static void core_device_record(struct esx_call *call, const struct nmp_snapshot *snap,
			       const struct device_view *v)
{
	const struct nmp_path *p = v->first;
	const char *block = p->map && p->map->sysfs[0] ? p->map->sysfs : p->sys->block;
	struct esx_record *rec = result_record(call->result, v->id);
	char name[NMP_DEVICE_ID_MAX + 64], text[128];
	unsigned usable, offline;
	size_t first, npaths = nmp_snapshot_device_paths(snap, v->id, &first);
	long long level = sysfs_number(p->sys->block, "device/scsi_level");

	paths_status(snap, v->id, &usable, &offline);
	nmp_display_name(p, name, sizeof(name));
	rec_str(rec, "Display Name", name);
	rec_bool(rec, "Has Settable Display Name", false);
	rec_int(rec, "Size", sysfs_number(block, "size") * 512 / (1024 * 1024));
	rec_str(rec, "Device Type", "Direct-Access");
	rec_str(rec, "Multipath Plugin", p->map ? "NMP" : "");
	if (p->map)
		rec_strf(rec, "Devfs Path", "/dev/mapper/%s", p->map->name);
	else
		rec_strf(rec, "Devfs Path", "/dev/%s", p->sys->block);
	sysfs_text(p->sys->block, "device/vendor", text, sizeof(text));
	rec_str(rec, "Vendor", text);
	sysfs_text(p->sys->block, "device/model", text, sizeof(text));
	rec_str(rec, "Model", text);
	sysfs_text(p->sys->block, "device/rev", text, sizeof(text));
	rec_str(rec, "Revision", text);
	/* The kernel counts SCSI levels from 1; ESXi prints INQUIRY's version. */
	rec_int(rec, "SCSI Level", level > 0 ? level - 1 : 0);
	rec_bool(rec, "Is Pseudo", false);
	rec_str(rec, "Status", usable >= 2 ? "on" : usable == 1 ? "degraded" : "dead");
	rec_bool(rec, "Is RDM Capable", true);
	rec_bool(rec, "Is Local", false);
	rec_bool(rec, "Is Removable", sysfs_number(p->sys->block, "removable") == 1);
	sysfs_text(p->sys->block, "queue/rotational", text, sizeof(text));
	rec_bool(rec, "Is SSD", strcmp(text, "0") == 0);
	rec_bool(rec, "Is VVOL PE", false);
	rec_bool(rec, "Is Offline", npaths > 0 && offline == npaths);
	rec_bool(rec, "Is Perennially Reserved", false);
	rec_int(rec, "Queue Full Sample Size", 0);
	rec_int(rec, "Queue Full Threshold", 0);
	rec_str(rec, "Thin Provisioning Status",
		sysfs_number(p->sys->block, "queue/discard_max_bytes") > 0 ? "yes" : "unknown");
	rec_str(rec, "Attached Filters", "");
	rec_str(rec, "VAAI Status", "unknown");
	rec_str(rec, "Other UIDs", "");
	rec_bool(rec, "Is Shared Clusterwide", true);
	rec_bool(rec, "Is SAS", false);
	rec_bool(rec, "Is USB", false);
	rec_bool(rec, "Is Boot Device", false);
	rec_int(rec, "Device Max Queue Depth", sysfs_number(p->sys->block, "device/queue_depth"));
	rec_int(rec, "No of outstanding IOs with competing worlds", 32);
	rec_str(rec, "Drive Type", "unknown");
	rec_str(rec, "RAID Level", "unknown");
	rec_str(rec, "Number of Physical Drives", "unknown");
	rec_bool(rec, "Protection Enabled", false);
	rec_bool(rec, "PI Activated", false);
	rec_int(rec, "PI Type", 0);
	rec_str(rec, "PI Protection Mask", "NO PROTECTION");
	rec_str(rec, "Supported Guard Types", "NO GUARD SUPPORT");
	rec_bool(rec, "DIX Enabled", false);
	rec_str(rec, "DIX Guard Type", "NO GUARD SUPPORT");
	rec_bool(rec, "Emulated DIX/DIF Enabled", false);
}

static int core_devices_fill(struct esx_call *call, const struct nmp_snapshot *snap)
{
	each_device(call, snap, core_device_record);
	return 0;
}

static int core_device_list(struct esx_call *call)
{
	return nmp_snapshot_take(call, core_devices_fill);
}

/* ---- storage nmp device list ---- */

static void rr_config_text(const struct nmp_rr_config *rr, char *out, size_t len)
{
	switch (rr->type) {
	case NMP_RR_LATENCY:
		snprintf(out, len, "{policy=latency,latencyEvalTime=%u,samplingCycles=%u,useANO=%d}",
			 rr->latency_eval_ms, rr->sampling_cycles, rr->useano);
		break;
	case NMP_RR_DEFAULT:
		snprintf(out, len, "{policy=rr,iops=%u,useANO=%d}", rr->iops, rr->useano);
		break;
	default:
		snprintf(out, len, "{policy=iops,iops=%u,useANO=%d}", rr->iops, rr->useano);
		break;
	}
}

/* The runtime name of the device's first path in multipathd's first group
 * (FIXED's preferred path). */
static const char *preferred_path(const struct nmp_snapshot *snap, const struct device_view *v)
{
	const struct mpath_map *map = v->first->map;

	for (size_t i = 0; map && map->npaths && i < snap->n; i++) {
		if (snap->paths[i].map == map && snap->paths[i].mp == &map->paths[0])
			return snap->paths[i].runtime;
	}
	return "";
}

/* Says so when multipath follows something else than what was stored. */
static void say_if_overridden(struct esx_call *call, const struct device_view *v)
{
	if (!v->have_eff || nmp_effective_matches(&v->eff, v->asked))
		return;
	result_message(call->result,
		       "%s: multipath uses %s, not the %s set for it: another multipath configuration (an overrides section?) wins; see `multipathd show config`",
		       v->id, v->eff.psp, v->asked->psp);
}

static void nmp_device_record(struct esx_call *call, const struct nmp_snapshot *snap,
			      const struct device_view *v)
{
	struct esx_record *rec = result_record(call->result, v->id);
	char name[NMP_DEVICE_ID_MAX + 64], text[512];
	const struct nmp_effective *eff = &v->eff;

	nmp_display_name(v->first, name, sizeof(name));
	rec_str(rec, "Device Display Name", name);
	if (!v->have_eff) {
		/* Not claimed by multipath: nothing selects paths. */
		rec_str(rec, "Storage Array Type", "");
		rec_str(rec, "Storage Array Type Device Config", "");
		rec_str(rec, "Path Selection Policy", "");
		rec_str(rec, "Path Selection Policy Device Config", "");
		rec_str(rec, "Path Selection Policy Device Custom Config", "");
		rec_str(rec, "Working Paths", "");
		rec_bool(rec, "Is USB", false);
		return;
	}
	rec_str(rec, "Storage Array Type", eff->satp);
	if (strcmp(eff->satp, NMP_SATP_ALUA) == 0)
		rec_str(rec, "Storage Array Type Device Config", "{hardware_handler=1 alua; prio=alua}");
	else
		rec_strf(rec, "Storage Array Type Device Config",
			 "SATP %s does not support device configuration.", eff->satp);
	rec_str(rec, "Path Selection Policy", eff->psp);
	nmp_working_paths(snap->paths, snap->n, v->first->map, text, sizeof(text));
	if (strcmp(eff->psp, NMP_PSP_RR) == 0) {
		char config[160];

		rr_config_text(&eff->rr, config, sizeof(config));
		rec_str(rec, "Path Selection Policy Device Config", config);
	} else if (strcmp(eff->psp, NMP_PSP_MRU) == 0) {
		rec_strf(rec, "Path Selection Policy Device Config", "Current Path=%.*s",
			 (int)strcspn(text, ","), text);
	} else {
		rec_strf(rec, "Path Selection Policy Device Config", "{preferred=%s;current=%.*s}",
			 preferred_path(snap, v), (int)strcspn(text, ","), text);
	}
	rec_str(rec, "Path Selection Policy Device Custom Config", eff->custom);
	rec_str(rec, "Working Paths", text);
	rec_bool(rec, "Is USB", false);
	say_if_overridden(call, v);
}

static int nmp_devices_fill(struct esx_call *call, const struct nmp_snapshot *snap)
{
	each_device(call, snap, nmp_device_record);
	return 0;
}

static int nmp_device_list(struct esx_call *call)
{
	return nmp_snapshot_take(call, nmp_devices_fill);
}

/* ---- the device a set command names ---- */

/* The device's first path in snap, or an error: an id of the wrong form,
 * or one the adapter has no path to. */
static int named_device(struct esx_call *call, const struct nmp_snapshot *snap,
			const struct nmp_path **out)
{
	const char *device = args_str(&call->args, "device");
	size_t first;
	int ret = nmp_check_device(device, &call->err);

	if (ret < 0)
		return ret;
	if (nmp_snapshot_device_paths(snap, device, &first) == 0)
		return err_set(&call->err, ENOENT, "Unable to find device %s", device);
	*out = &snap->paths[first];
	return 0;
}

/* ---- storage nmp device set ---- */

static int device_set_fill(struct esx_call *call, const struct nmp_snapshot *snap)
{
	const char *psp = args_str(&call->args, "psp");
	bool to_default = args_has(&call->args, "default");
	const struct nmp_path *p = NULL;
	struct nmp_device_config *dev;
	struct model next;
	int ret = named_device(call, snap, &p);

	if (ret < 0)
		return ret;
	if (!psp == !to_default)
		return err_set(&call->err, EINVAL, psp ? "-P|--psp and -E|--default exclude each other"
					       : "Either -P|--psp or -E|--default is required");
	if (psp && nmp_check_psp(psp, &call->err) < 0)
		return -EINVAL;
	ret = netcmd_begin(call, &next);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	if (to_default) {
		nmp_remove_device(&next.nmp, p->device);
	} else {
		dev = nmp_device_get_or_add(&next.nmp, p->device);
		if (!dev)
			return netcmd_abandon(&next, err_set(&call->err, ENOMEM, "out of memory"));
		snprintf(dev->psp, sizeof(dev->psp), "%s", psp);
	}
	return nmp_commit(call, &next);
}

static int device_set(struct esx_call *call)
{
	return nmp_snapshot_take(call, device_set_fill);
}

/* ---- storage nmp psp roundrobin deviceconfig get|set ---- */

/* The device's Round Robin settings as multipath follows them, or an error
 * when it does not use Round Robin. */
static int rr_of_device(struct esx_call *call, const struct nmp_snapshot *snap, const char *verb,
			struct device_view *v)
{
	const struct nmp_path *p = NULL;
	int ret = named_device(call, snap, &p);

	if (ret < 0)
		return ret;
	view_of(call, p, v);
	if (!v->have_eff)
		return err_set(&call->err, ENOENT,
			       "Unable to %s Round Robin settings of %s: it is not claimed by multipath (no map)",
			       verb, p->device);
	if (strcmp(v->eff.psp, NMP_PSP_RR) != 0)
		return err_set(&call->err, EINVAL,
			       "Unable to %s Round Robin settings of %s: the device uses %s, not VMW_PSP_RR (esxcli storage nmp device set -d %s -P VMW_PSP_RR)",
			       verb, p->device, v->eff.psp, p->device);
	return 0;
}

static const char *limit_type_name(enum nmp_rr_type t)
{
	static const char *const names[] = { "Default", "Iops", "Bytes", "Latency" };

	return names[t];
}

static int rr_get_fill(struct esx_call *call, const struct nmp_snapshot *snap)
{
	struct esx_record *rec;
	struct device_view v;
	int ret = rr_of_device(call, snap, "get", &v);

	if (ret < 0)
		return ret;
	rec = result_record(call->result, NULL);
	rec_int(rec, "Byte Limit", (long long)v.eff.rr.bytes);
	rec_str(rec, "Device", v.id);
	rec_int(rec, "IOOperation Limit", v.eff.rr.iops);
	rec_strf(rec, "Latency Evaluation Interval", "%u milliseconds", v.eff.rr.latency_eval_ms);
	rec_str(rec, "Limit Type", limit_type_name(v.eff.rr.type));
	rec_int(rec, "Number Of Sampling IOs Per Path", v.eff.rr.sampling_cycles);
	rec_bool(rec, "Use Active Unoptimized Paths", v.eff.rr.useano);
	say_if_overridden(call, &v);
	return 0;
}

static int rr_get(struct esx_call *call)
{
	return nmp_snapshot_take(call, rr_get_fill);
}

/* The options against the type: each limit belongs to one type. */
static int rr_options_fit(struct esx_call *call, enum nmp_rr_type type)
{
	if (type == NMP_RR_BYTES || args_has(&call->args, "bytes"))
		return err_set(&call->err, EINVAL,
			       "Limit type bytes is not supported: dm-multipath cannot switch paths after a number of bytes (use -t iops or -t latency)");
	if (args_has(&call->args, "iops") && type != NMP_RR_IOPS)
		return err_set(&call->err, EINVAL, "-I|--iops needs -t iops");
	if ((args_has(&call->args, "num-sampling-cycles") ||
	     args_has(&call->args, "latency-eval-time")) && type != NMP_RR_LATENCY)
		return err_set(&call->err, EINVAL,
			       "-S|--num-sampling-cycles and -T|--latency-eval-time need -t latency");
	return 0;
}

static int rr_set_fill(struct esx_call *call, const struct nmp_snapshot *snap)
{
	struct nmp_device_config *dev;
	struct nmp_rr_config rr;
	enum nmp_rr_type type;
	struct device_view v;
	struct model next;
	int ret = nmp_rr_type_parse(args_str(&call->args, "type"), &type);

	if (ret < 0)
		return err_set(&call->err, EINVAL, "Invalid type %s", args_str(&call->args, "type"));
	ret = rr_options_fit(call, type);
	if (ret == 0)
		ret = rr_of_device(call, snap, "set", &v);
	if (ret < 0)
		return ret;
	/* Start from what is stored, so a later -t keeps the other settings. */
	if (v.asked && strcmp(v.asked->psp, NMP_PSP_RR) == 0)
		rr = v.asked->rr;
	else
		nmp_rr_defaults(&rr);
	rr.type = type;
	if (type == NMP_RR_DEFAULT)
		rr.iops = NMP_RR_IOPS_DEFAULT;
	if (type == NMP_RR_IOPS)
		rr.iops = 1;   /* the only count the kernel honours (nmp_check_rr) */
	rr.iops = (unsigned)args_int(&call->args, "iops", rr.iops);
	rr.sampling_cycles = (unsigned)args_int(&call->args, "num-sampling-cycles",
						rr.sampling_cycles);
	rr.latency_eval_ms = (unsigned)args_int(&call->args, "latency-eval-time", rr.latency_eval_ms);
	rr.useano = args_bool(&call->args, "useano", rr.useano);
	ret = nmp_check_rr(&rr, &call->err);
	if (ret < 0)
		return ret;
	ret = netcmd_begin(call, &next);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	dev = nmp_device_get_or_add(&next.nmp, v.id);
	if (!dev)
		return netcmd_abandon(&next, err_set(&call->err, ENOMEM, "out of memory"));
	snprintf(dev->psp, sizeof(dev->psp), "%s", NMP_PSP_RR);
	dev->rr = rr;
	return nmp_commit(call, &next);
}

static int rr_set(struct esx_call *call)
{
	return nmp_snapshot_take(call, rr_set_fill);
}

const struct esx_command storage_device_commands[] = {
	{ "storage core device list", "List the devices currently registered with the PSA.",
	  device_list_options, core_device_list, SHAPE_STRUCTS, &core_device_schema, VT_STRING,
	  CMD_READONLY },
	{ "storage nmp device list", "List the devices currently controlled by the VMware NMP Multipath Plugin and show the SATP and PSP information associated with that device.",
	  device_list_options, nmp_device_list, SHAPE_STRUCTS, &nmp_device_schema, VT_STRING,
	  CMD_READONLY },
	{ "storage nmp device set", "Allow setting of the Path Selection Policy (PSP) for the given device.",
	  device_set_options, device_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "storage nmp psp roundrobin deviceconfig get", "Allow retrieving of Round Robin PSP configuration parameters.",
	  rr_get_options, rr_get, SHAPE_STRUCT, &rr_config_schema, VT_STRING, CMD_READONLY },
	{ "storage nmp psp roundrobin deviceconfig set", "Allow setting of the Round Robin PSP configuration options.",
	  rr_set_options, rr_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ NULL },
};

const struct esx_namespace storage_device_namespaces[] = {
	{ "storage core device", "Operations on the pluggable storage architecture devices on the system." },
	{ "storage nmp device", "Operations on the devices claimed by the VMware NMP Multipath Plugin." },
	{ "storage nmp psp roundrobin", "Operations on the Round Robin Path Selection Policy." },
	{ "storage nmp psp roundrobin deviceconfig", "Operations on the Round Robin device configuration." },
	{ NULL, NULL },
};
