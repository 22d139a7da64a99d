/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The policy a multipath map really follows, in ESXi's terms: read back
 * from what multipathd set up (its JSON) and the kernel's live table, not
 * from what the drop-in asked for, since an admin's `overrides` (or any
 * other file) can win. Pure: every fact comes in as an argument.
 *
 *   failover grouping (one path per group)  MRU with failback manual,
 *                                           FIXED otherwise
 *   paths sharing a group                   RR: round-robin is iops with
 *                                           the kernel's I/Os per path (1
 *                                           since Linux 4.x), or default
 *                                           when that was asked;
 *                                           service-time is latency
 *   hardware handler alua                   SATP VMW_SATP_ALUA, else
 *                                           VMW_SATP_DEFAULT_AA
 */
#ifndef ESXD_NMP_EFFECTIVE_H
#define ESXD_NMP_EFFECTIVE_H

#include <stdbool.h>

#include "dm_table.h"
#include "mpath_json.h"
#include "nmp_model.h"

struct nmp_effective {
	const char *satp;                /* VMW_SATP_ALUA, VMW_SATP_DEFAULT_AA */
	const char *psp;                 /* VMW_PSP_RR, VMW_PSP_MRU, VMW_PSP_FIXED */
	struct nmp_rr_config rr;         /* psp RR: its settings */
	char custom[128];                /* what ESXi's names cannot say, e.g.
					  * "path_selector=queue-length 0"; "" */
};

/* map: multipathd's view; table: the kernel's (NULL when unreadable: the
 * repeat count is then what was asked, or the default); asked: the device's
 * stored settings, or NULL. */
void nmp_effective_of(const struct mpath_map *map, const struct dm_mpath_table *table,
		      const struct nmp_device_config *asked, struct nmp_effective *out);

/* Whether eff is what asked wants (its PSP, and for RR its limit type and
 * value); asked with psp "" matches anything. */
bool nmp_effective_matches(const struct nmp_effective *eff, const struct nmp_device_config *asked);

#endif
