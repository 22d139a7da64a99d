/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ESXi's "Analyze impact" for network changes that take a bound vmk away:
 * removing a vmk bound to the iSCSI adapter, or the uplink a bound vmk is
 * pinned to, is refused with the binding named, what each storage device
 * would lose (iscsi_paths.h) and the remedy; the network commands let
 * --force true through.
 */
#ifndef ESXD_ISCSI_GUARD_H
#define ESXD_ISCSI_GUARD_H

#include "errors.h"
#include "model.h"

struct reconciler;

/* 0 when vmk is not bound; else -EBUSY with the refusal in err
 * (VnicInUse). */
int iscsi_guard_vmk_remove(const struct model *m, const char *vmk, struct esx_err *err);

/* 0 when no bound vmk is pinned to nic; else -EBUSY with the refusal in err
 * (PnicInUse). A bound vmk is pinned to the uplink its link sits on now
 * (r, may be NULL) or, when it sits on none, to the one it was bound with. */
int iscsi_guard_uplink_remove(const struct model *m, const struct reconciler *r,
			      const char *nic, const char *vswitch, struct esx_err *err);

#endif
