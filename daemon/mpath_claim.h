/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * New LUNs of the software iSCSI adapter claimed by dm-multipath whatever
 * the admin's find_multipaths says, as ESXi's NMP claims every device of
 * the adapter. With `find_multipaths strict` (Debian 12's default)
 * multipathd ignores a disk until its WWID is in /etc/multipath/wwids; so
 * after each change of sessions, every disk behind a session of the
 * adapter's ifaces (the bound vmks', or "default" when none is bound) that
 * is in no map gets its WWID recorded with `multipath -a` (multipath's own
 * locking; WWIDs are only ever added) and is then handed to multipathd with
 * `add path`. Disks of other sessions are never touched. See docs/nmp.md,
 * "Claiming new LUNs".
 */
#ifndef ESXD_MPATH_CLAIM_H
#define ESXD_MPATH_CLAIM_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "iscsi_paths.h"
#include "iscsi_state.h"
#include "strv.h"

struct esxd;
struct iscsi_config;
struct mpath_claim;

#define MPATH_WWIDS_FILE "/etc/multipath/wwids"
#define MPATH_WWID_MAX 128     /* multipath-tools' WWID_SIZE */

/* ---- the pass ---- */

int mpath_claim_new(struct esxd *d, struct mpath_claim **out, struct esx_err *err);
/* Stops a pass under way (its running program is killed). */
void mpath_claim_free(struct mpath_claim *c);
/* Sessions or disks may have changed: start a pass in the background, or
 * one more after the pass under way. Disks that appear late (the kernel
 * scans a new session's LUNs after the login has returned) are waited for
 * a few seconds. What fails is logged, never fatal. */
void mpath_claim_run(struct mpath_claim *c);

/* ---- pure parts, for the pass and its tests ---- */

/* A path as multipathd knows it (`show paths raw format %d|%m|%w`). */
struct mpath_known_path {
	char dev[ISCSI_PATH_BLOCK_MAX];
	char wwid[MPATH_WWID_MAX];
	bool mapped;            /* in a map, not "[orphan]" */
};

/* A disk to claim. */
struct mpath_claim_disk {
	char block[ISCSI_PATH_BLOCK_MAX];       /* "sdb" */
	char device[ISCSI_PATH_DEVICE_MAX];     /* naa.... (sysfs), for the log */
	char wwid[MPATH_WWID_MAX];              /* multipathd's; "" when it does not know the disk yet */
	bool record;                            /* `multipath -a` first: its WWID is not recorded */
};

/* The ifaces whose sessions belong to the adapter: the bound vmks, or
 * "default" when none is bound; none when software iSCSI is disabled.
 * 0 or -ENOMEM. */
int mpath_claim_ifaces(const struct iscsi_config *iscsi, struct esx_strv *out);

/* The WWIDs of a wwids file's text: each line "/WWID/" (multipath's
 * format; "#" lines are comments, and multipath -w comments a line out).
 * 0 or -ENOMEM. */
int mpath_wwids_parse(const char *text, struct esx_strv *out);

/* The lines "DEV|MAP|WWID" of `show paths raw format %d|%m|%w`; lines of
 * another shape are skipped. *out is allocated (free() it). 0 or -ENOMEM. */
int mpath_known_paths_parse(const char *text, struct mpath_known_path **out, size_t *count);

/* The WWID in `multipath -a`'s "wwid 'WWID' added"; false when absent. */
bool mpath_added_wwid(const char *output, char *wwid, size_t len);

/* The disks to claim: the working paths through one of ifaces with a block
 * device that multipathd has in no map, in the order of paths. record is
 * set for a WWID not in wwids (once per WWID) and for a disk multipathd
 * does not know yet. *out is allocated (free() it; NULL when none).
 * 0 or -ENOMEM. */
int mpath_claim_candidates(const struct iscsi_path *paths, size_t n,
			   const struct esx_strv *ifaces,
			   const struct mpath_known_path *known, size_t nknown,
			   const struct esx_strv *wwids,
			   struct mpath_claim_disk **out, size_t *count);

/* Whether a logged-in session through one of ifaces has no disk yet (its
 * LUNs may still be being scanned). */
bool mpath_claim_disks_pending(const struct iscsi_session_info *sessions, size_t nsessions,
			       const struct iscsi_path *paths, size_t n,
			       const struct esx_strv *ifaces);

#endif
