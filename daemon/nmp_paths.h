/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The software adapter's paths as `storage core path list` and `storage
 * nmp path list|device list` show them: sysfs's paths (iscsi_paths.h)
 * joined with their sessions and multipathd's maps (mpath_json.h), named
 * the ESXi way (nmp_names.h). Pure: every fact comes in as an argument.
 */
#ifndef ESXD_NMP_PATHS_H
#define ESXD_NMP_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "iscsi_paths.h"
#include "iscsi_state.h"
#include "mpath_json.h"
#include "nmp_names.h"
#include "strv.h"

struct nmp_path {
	const struct iscsi_path *sys;          /* the sysfs facts */
	const struct mpath_map *map;           /* NULL: in no map of multipathd's */
	const struct mpath_path *mp;           /* its entry in map, or NULL */
	char device[NMP_DEVICE_ID_MAX];        /* naa.... */
	unsigned channel, target;
	unsigned long long lun;
	char runtime[NMP_RUNTIME_MAX];         /* vmhba64:C0:T1:L2 */
	char uid[NMP_UID_MAX];
	char isid[16];
	int tpgt;
	char initiator[ISCSI_NAME_MAX];        /* Adapter Identifier */
	/* ESXi's core path State: "active", "standby", "disabled" (in off),
	 * "dead". */
	const char *state;
	/* ESXi's NMP Group State: "active", "active unoptimized" (an ALUA
	 * non-optimized port: prio 10), "standby", "dead". */
	const char *group_state;
};

/* One nmp_path per sysfs path, sorted by channel, target and LUN.
 * initiator: the adapter's IQN, for sessions whose sysfs shows none;
 * bindings: the adapter's bound vmks in binding order; maps may be NULL
 * (multipathd not running: states come from sysfs alone); off: UIDs of the
 * paths set off (may be NULL). The nmp_paths point into paths and maps,
 * which must outlive them. 0 or -ENOMEM / -ENAMETOOLONG with a message;
 * *out is allocated (free() it). */
int nmp_paths_build(const char *adapter, const char *initiator, const struct esx_strv *bindings,
		    const struct iscsi_path *paths, size_t n,
		    const struct iscsi_session_info *sessions, size_t nsessions,
		    const struct mpath_maps *maps, const struct esx_strv *off,
		    struct nmp_path **out, struct esx_err *err);

/* ESXi's "Working Paths" of map: the runtime names of mpath_map_working()'s
 * paths, in its order, joined by ", " ("" when none). Returns out. */
const char *nmp_working_paths(const struct nmp_path *paths, size_t n, const struct mpath_map *map,
			      char *out, size_t len);

/* ESXi's Target Identifier "00023d000001,iqn...,t,1" and Target
 * Transport Details "IQN=iqn... Alias= Session=00023d000001 PortalTag=1".
 * 0 or -ENAMETOOLONG. */
int nmp_target_identifier(const struct nmp_path *p, char *out, size_t len);
int nmp_target_transport_details(const struct nmp_path *p, char *out, size_t len);

#endif
