/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The reconciler: makes the kernel match a model (vmk macvlans on the
 * uplink their failover order makes active now, VLAN sub-interfaces,
 * addresses, per-vmk routing tables and rules, ARP and rp_filter sysctls),
 * leaving alone what already matches and removing only what it created.
 * It also reacts to kernel events: carrier changes move vmks between
 * uplinks (failover, failback), and its own objects deleted behind its back
 * are put back.
 */
#ifndef ESXD_RECONCILE_H
#define ESXD_RECONCILE_H

#include <stddef.h>

#include "errors.h"
#include "model.h"

struct esxd;
struct reconciler;

int reconciler_new(struct esxd *d, struct reconciler **out, struct esx_err *err);
void reconciler_free(struct reconciler *r);

/* Make the kernel match m now. On failure the kernel may be part-way: the
 * caller reconciles again with the previous model to roll back. */
int reconcile(struct reconciler *r, const struct model *m, struct esx_err *err);

/* Called after every pass (a command's, a roll-back's or one an event
 * scheduled) with the model the pass made real, or tried to (ret: the
 * pass's result). What follows the network, such as the compliance of iSCSI
 * port bindings, hangs here. One hook; fn NULL removes it. */
typedef void (*reconcile_hook_fn)(const struct model *m, int ret, void *data);
void reconcile_set_pass_hook(struct reconciler *r, reconcile_hook_fn fn, void *data);

/* The target portals the iSCSI adapter has node records for, which the
 * plan needs for DelayedAck (plan_delayed_ack): copied; a pass is scheduled
 * when they changed. */
struct plan_portal;
void reconcile_set_iscsi_portals(struct reconciler *r, const struct plan_portal *portals,
				 size_t n);

/* The uplink a vmk's macvlan sits on now, or "" (for list commands). */
const char *reconcile_vmk_uplink(const struct reconciler *r, const char *vmk);

#endif
