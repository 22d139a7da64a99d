/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * open-iscsi's record database written directly, under open-iscsi's own
 * lock, where iscsiadm would do the wrong thing: `iscsiadm -m node -T T -p
 * P -I IFACE -o delete` deletes an old-style record (a file named
 * nodes/T/ADDR,PORT, what `iscsiadm -m node -o new` makes for the default
 * iface when the portal group is unknown) instead of IFACE's, whoever made
 * it (usr/idbm.c, idbm_delete_node). Deleting a record here touches that
 * record's file, its link from its discovery record, and directories left
 * empty, nothing else.
 */
#ifndef ESXD_ISCSI_IDBM_H
#define ESXD_ISCSI_IDBM_H

#include "errors.h"
#include "iscsi_state.h"

/* For tests: the directories open-iscsi uses, "" for the real ones
 * (/etc/iscsi and /run/lock/iscsi). */
void iscsi_idbm_set_roots(const char *config_dir, const char *lock_dir);

/* Delete node's record (target, portal, tpgt, iface as read by
 * iscsi_state_nodes) and, for a SendTargets record, its link from the
 * discovery record. A record already gone is no error. The lock is held
 * for the few file operations; it is waited for at most 500 ms (iscsiadm
 * holds it for as long). 0, or a negative errno with err set (-EBUSY when
 * the lock stayed taken). */
int iscsi_idbm_delete_node(const struct iscsi_node_info *node, struct esx_err *err);

#endif
