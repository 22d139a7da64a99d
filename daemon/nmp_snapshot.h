/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One consistent look at the software adapter's storage for a command:
 * multipathd's maps (`show maps json`, asked on the loop with a deadline so
 * a slow multipathd never holds the daemon), sysfs's paths and sessions,
 * and the two joined the ESXi way (nmp_paths.h). Without multipathd the
 * snapshot still has what sysfs knows, and the reply says so.
 */
#ifndef ESXD_NMP_SNAPSHOT_H
#define ESXD_NMP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "iscsi_paths.h"
#include "iscsi_state.h"
#include "mpath_json.h"
#include "nmp_paths.h"

struct esx_call;

#define NMP_SNAPSHOT_TIMEOUT_MS 8000   /* longer than multipathd's own 4 s */

struct nmp_snapshot {
	struct iscsi_path *sys;             /* sysfs's paths */
	size_t n;
	struct iscsi_session_info *sessions;
	size_t nsessions;
	const struct mpath_maps *maps;      /* NULL: multipathd did not answer */
	struct nmp_path *paths;             /* n of them, joined, sorted by runtime name */
};

/* Called with the snapshot; fills call->result. Returns 0, a negative errno
 * with call->err set, or ESX_PENDING when it started more work (which ends
 * in call_finish()). The snapshot is freed when it returns. */
typedef int (*nmp_snapshot_fn)(struct esx_call *call, const struct nmp_snapshot *snap);

/* Take the snapshot for call and hand it to fn. Returns what fn returned
 * when multipathd could not even be asked, else ESX_PENDING. With software
 * iSCSI disabled fn gets an empty snapshot. */
int nmp_snapshot_take(struct esx_call *call, nmp_snapshot_fn fn);

/* How many paths device has (case-insensitive), and in *first the index of
 * its first one in snap->paths (0 when none). Its paths need not be next to
 * each other: snap->paths is sorted by runtime name. */
size_t nmp_snapshot_device_paths(const struct nmp_snapshot *snap, const char *device,
				 size_t *first);
/* "<vendor> iSCSI Disk (<device>)", ESXi's Display Name. */
void nmp_display_name(const struct nmp_path *p, char *out, size_t len);

#endif
