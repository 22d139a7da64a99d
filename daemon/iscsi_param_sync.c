/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bringing the adapter's node records in line with its stored parameters. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "iscsi_adm.h"
#include "iscsi_apply.h"
#include "iscsi_param_sync.h"
#include "log.h"
#include "netplan.h"
#include "reconcile.h"

void iscsi_param_sync_portals(struct esxd *d, const struct model *m,
			      const struct iscsi_node_record *recs, size_t n)
{
	struct plan_portal *portals = NULL;
	size_t count = 0;

	if (!d->reconciler)
		return;
	portals = calloc(n ? n : 1, sizeof(*portals));
	if (!portals) {
		log_err("out of memory listing the iSCSI portals");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct iscsi_sendtarget *st;
		struct plan_portal *pp = &portals[count];
		bool seen = false;

		if (!iscsi_apply_owned(m, &recs[i]))
			continue;
		st = iscsi_apply_parent(m, &recs[i]);
		snprintf(pp->address, sizeof(pp->address), "%s", recs[i].address);
		pp->port = recs[i].port;
		snprintf(pp->target, sizeof(pp->target), "%s", recs[i].target);
		if (st) {
			snprintf(pp->parent_address, sizeof(pp->parent_address), "%s", st->address);
			pp->parent_port = st->port;
		}
		/* One per portal: its records through the several ifaces agree. */
		for (size_t j = 0; j < count && !seen; j++)
			seen = strcmp(portals[j].address, pp->address) == 0 &&
			       portals[j].port == pp->port &&
			       strcmp(portals[j].target, pp->target) == 0 &&
			       strcmp(portals[j].parent_address, pp->parent_address) == 0;
		if (!seen)
			count++;
		else
			memset(pp, 0, sizeof(*pp));
	}
	reconcile_set_iscsi_portals(d->reconciler, portals, count);
	free(portals);
}

int iscsi_param_sync_queue(struct esxd *d, struct iscsi_batch *b, const struct model *m,
			   struct esx_err *err)
{
	struct iscsi_node_record *recs = NULL;
	size_t n = 0;
	int ret = iscsi_node_records_read(&recs, &n, err);

	for (size_t i = 0; ret == 0 && i < n; i++) {
		struct iscsi_node_update up[ISCSI_PARAM_COUNT];
		const char *keys[ISCSI_PARAM_COUNT], *values[ISCSI_PARAM_COUNT];
		char portal[MODEL_PORTAL_TEXT_MAX];
		size_t count;

		if (!iscsi_apply_owned(m, &recs[i]))
			continue;
		count = iscsi_apply_updates(m, &recs[i], ISCSI_APPLY_ALL, false, up);
		if (count == 0)
			continue;
		for (size_t k = 0; k < count; k++) {
			keys[k] = up[k].key;
			values[k] = up[k].value;
		}
		model_portal_format(recs[i].address, recs[i].port, portal, sizeof(portal));
		ret = iscsi_adm_node_update_pairs(b, recs[i].target, portal, recs[i].iface, keys,
						  values, count, NULL);
		if (ret < 0)
			ret = err_set(err, ret, "out of memory");
	}
	if (ret == 0)
		iscsi_param_sync_portals(d, m, recs, n);
	free(recs);
	return ret;
}
