/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Keeping open-iscsi in line with the stored iSCSI parameters: every node
 * record the adapter owns gets the effective value of each settable
 * parameter (only where it differs: records made by a discovery with
 * --op new start from iscsid.conf, records already in line are left
 * alone), and the reconciler learns which portals those records reach, for
 * DelayedAck's routes.
 */
#ifndef ESXD_ISCSI_PARAM_SYNC_H
#define ESXD_ISCSI_PARAM_SYNC_H

#include <stddef.h>

#include "errors.h"
#include "iscsi_batch.h"
#include "iscsi_node_records.h"
#include "model.h"

struct esxd;

/* Read the records now, queue on b one iscsiadm update per owned record
 * that needs any, and hand the portals to the reconciler. 0 or a negative
 * errno (err set). */
int iscsi_param_sync_queue(struct esxd *d, struct iscsi_batch *b, const struct model *m,
			   struct esx_err *err);

/* Hand the reconciler the portals of the owned records among recs. */
void iscsi_param_sync_portals(struct esxd *d, const struct model *m,
			      const struct iscsi_node_record *recs, size_t n);

#endif
