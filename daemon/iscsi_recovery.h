/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * RecoveryTimeout in the kernel: the recovery_tmo of the iSCSI sessions.
 * open-iscsi writes the node record's replacement_timeout there at login
 * and multipathd would write its fast_io_fail_tmo there (the drop-in turns
 * that off, mpath_conf.h): the records are the one owner, and these keep
 * the live sessions in line with them.
 */
#ifndef ESXD_ISCSI_RECOVERY_H
#define ESXD_ISCSI_RECOVERY_H

#include <stddef.h>

#include "errors.h"
#include "iscsi_node_records.h"
#include "iscsi_state.h"

struct esxd;

#define ISCSI_RECOVERY_SYSFS "/sys"

/* recovery_tmo of session sid under the sysfs tree at root, in seconds.
 * 0 or a negative errno. */
int iscsi_recovery_read(const char *root, unsigned sid, long long *value);
/* 0 or a negative errno, err set. */
int iscsi_recovery_write(const char *root, unsigned sid, long long value, struct esx_err *err);

/* The record session s came from (same target, portal and iface), or NULL. */
const struct iscsi_node_record *iscsi_recovery_record_of(const struct iscsi_session_info *s,
							  const struct iscsi_node_record *recs,
							  size_t n);

/* Give every session of a record the adapter owns the recovery_tmo its
 * record's replacement_timeout says, where it differs; each change and
 * each failure is logged. */
void iscsi_recovery_sync(struct esxd *d);

#endif
