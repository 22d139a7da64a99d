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
#include "iscsi_apply.h"
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

/* A logged-in session under a level that takes RecoveryTimeout from it. */
struct iscsi_recovery_change {
	unsigned sid;
	long long old;          /* its recovery_tmo now */
	long long value;        /* what its record's effective RecoveryTimeout is in m */
};

/* The logged-in sessions of the owned records that take RecoveryTimeout
 * from `at` (iscsi_apply_reaches) in m, with their recovery_tmo now and
 * their effective value in m. Sessions that are not logged in cannot take
 * a value (the kernel refuses it); the sessions pass gives them theirs. *out
 * is allocated (free() it). 0 or a negative errno, err set. */
int iscsi_recovery_plan(const struct model *m, const struct iscsi_level_ref *at,
			const struct iscsi_node_record *recs, size_t n,
			struct iscsi_recovery_change **out, size_t *count, struct esx_err *err);
/* Write every value that differs from old, or none: after a failure the
 * sessions already written get their old value back. 0 or a negative
 * errno, err set. */
int iscsi_recovery_apply(const struct iscsi_recovery_change *c, size_t n, struct esx_err *err);
/* Put every old value back (best effort, failures logged). */
void iscsi_recovery_undo(const struct iscsi_recovery_change *c, size_t n);

/* What the kernel uses at a level whose configured value is configured,
 * from a plan made with the current model: the sessions' common
 * recovery_tmo, or configured when there are none or they disagree.
 * message gets "" or a sentence naming the sessions whose recovery_tmo is
 * not their configured value and the likely cause. */
long long iscsi_recovery_current(const struct iscsi_recovery_change *c, size_t n,
				 long long configured, char *message, size_t len);

/* Give every session of a record the adapter owns the recovery_tmo its
 * record's replacement_timeout says, where it differs; each change and
 * each failure is logged. */
void iscsi_recovery_sync(struct esxd *d);

#endif
