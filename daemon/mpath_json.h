/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * multipathd's own view of its maps, parsed from the JSON that `show maps
 * json` (or `show map NAME json`) prints: each map with its path groups and
 * their paths, plus the pure questions the storage commands ask of it
 * (which paths work, the device's ESXi Status). No I/O here.
 *
 * multipathd's JSON (libmultipath/print.h, format 0.1) carries no size and
 * no H:C:T:L: the map's size is /sys/block/<sysfs>/size, a path's H:C:T:L
 * comes from sysfs through its block device name (iscsi_paths.h).
 */
#ifndef ESXD_MPATH_JSON_H
#define ESXD_MPATH_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

#define MPATH_STR_MAX 256       /* any one value; longer ones are refused */
#define MPATH_SHORT_MAX 32

struct mpath_path {
	char dev[MPATH_SHORT_MAX];          /* "sdb" */
	char dev_t[MPATH_SHORT_MAX];        /* "8:16" */
	char dm_st[MPATH_SHORT_MAX];        /* the kernel's: "active", "failed", "undef" */
	char dev_st[MPATH_SHORT_MAX];       /* the SCSI device's: "running", "offline"... */
	char chk_st[MPATH_SHORT_MAX];       /* the checker's: "ready", "faulty", "ghost",
					     * "shaky", "delayed", "i/o pending", "undef" */
	char checker[MPATH_SHORT_MAX];      /* "tur", "directio"... */
	int pri;                            /* the prioritizer's value, -1 unknown */
	char host_wwnn[MPATH_STR_MAX];      /* iSCSI: "[undef]" */
	char target_wwnn[MPATH_STR_MAX];    /* iSCSI: the target's IQN */
	char host_wwpn[MPATH_STR_MAX];
	char target_wwpn[MPATH_STR_MAX];
	char host_adapter[MPATH_STR_MAX];   /* iSCSI: the session's initiator address */
	char marginal_st[MPATH_SHORT_MAX];
	unsigned long long lun;             /* from "lun_hex" (SAM format, decoded) */
	bool lun_known;
	size_t group;                       /* index of its group in the map */
};

struct mpath_group {
	unsigned number;                    /* multipathd's, from 1 */
	char selector[MPATH_SHORT_MAX * 2]; /* "round-robin 0", "service-time 0" */
	int pri;
	char dm_st[MPATH_SHORT_MAX];        /* "active", "enabled", "disabled", "undef" */
	char marginal_st[MPATH_SHORT_MAX];
	size_t first, npaths;               /* its paths: map->paths[first...] */
};

struct mpath_map {
	char name[MPATH_STR_MAX];           /* "mpatha" or the WWID, per user_friendly_names */
	char uuid[MPATH_STR_MAX];           /* the WWID: "36001405..." */
	char sysfs[MPATH_SHORT_MAX];        /* "dm-0" */
	char failback[MPATH_SHORT_MAX];
	char queueing[MPATH_SHORT_MAX];
	char write_prot[MPATH_SHORT_MAX];
	char dm_st[MPATH_SHORT_MAX];        /* "active", "suspend" */
	char features[MPATH_STR_MAX];       /* "1 queue_if_no_path" */
	char hwhandler[MPATH_SHORT_MAX * 2];/* "1 alua", "0" */
	char action[MPATH_SHORT_MAX];
	char vend[MPATH_SHORT_MAX];
	char prod[MPATH_SHORT_MAX * 2];
	char rev[MPATH_SHORT_MAX];
	long long path_faults;
	struct mpath_group *groups;
	size_t ngroups;
	struct mpath_path *paths;           /* every group's paths, in group order */
	size_t npaths;
};

struct mpath_maps {
	struct mpath_map *maps;
	size_t n;
};

/* Parse multipathd's reply to `show maps json` ({"maps": [...]}) or `show
 * map NAME json` ({"map": {...}}). 0, or -EINVAL/-ENOMEM with a message
 * (out is then empty). Free with mpath_maps_free(). */
int mpath_json_parse(const char *text, struct mpath_maps *out, struct esx_err *err);
void mpath_maps_free(struct mpath_maps *maps);

/* The map whose name or uuid is key, or NULL. */
const struct mpath_map *mpath_maps_find(const struct mpath_maps *maps, const char *key);
/* The map and path for a block device name ("sdb"), or false. */
bool mpath_maps_find_path(const struct mpath_maps *maps, const char *dev,
			  const struct mpath_map **map, const struct mpath_path **path);

/* Whether a path can carry I/O now: the kernel has it active and the
 * checker sees it ready (or ghost: an ALUA standby port that answers). */
bool mpath_path_usable(const struct mpath_path *p);

/* The paths the kernel sends I/O down now, as ESXi's Working Paths lists
 * them: the usable paths of the map's active group (of the first usable
 * group when none is marked active), in multipathd's order. Stores up to
 * max indexes into map->paths and returns how many there are in all. */
size_t mpath_map_working(const struct mpath_map *map, size_t *idx, size_t max);

/* ESXi's device Status: "on" with two or more usable paths, "degraded" with
 * exactly one, "dead" with none. */
const char *mpath_map_status(const struct mpath_map *map);

#endif
