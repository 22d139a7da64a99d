/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * open-iscsi's command lines: each function queues one iscsiadm (or
 * modprobe) invocation on a batch, with its time limit and the exit codes
 * that mean "done" for it (a login to a node already logged in, a delete of
 * records already gone). Every name reaching these has been checked by the
 * caller (vmk names, iSCSI names, canonical addresses); arguments go in an
 * argv array, never through a shell. Also: reading what discovery printed,
 * and the meaning of iscsiadm's exit codes.
 */
#ifndef ESXD_ISCSI_ADM_H
#define ESXD_ISCSI_ADM_H

#include <stddef.h>

#include "iscsi_batch.h"

/* Time limits, milliseconds. A login that fails costs login_timeout x
 * initial_login_retry_max (Debian: 15 s x 8): logins get the most. */
#define ISCSI_ADM_QUICK_MS 15000      /* record changes, logouts, probes */
#define ISCSI_ADM_DISCOVERY_MS 60000
#define ISCSI_ADM_LOGIN_MS 90000
/* A session whose vmk or uplink has gone is reconnecting: iscsid answers the
 * logout only once the attempt under way ends (a login timeout, plus the
 * TCP connect), which a quick limit cut short in the lab. */
#define ISCSI_ADM_LOGOUT_MS 60000

/* iscsiadm's exit codes that callers test (open-iscsi's iscsi_err.h). */
#define ISCSI_ADM_ERR_SESS_NOT_FOUND 2
#define ISCSI_ADM_ERR_SESS_EXISTS 15
#define ISCSI_ADM_ERR_NO_OBJS_FOUND 21
#define ISCSI_ADM_ERR_LOGIN_AUTH_FAILED 24

/* The programs, where Debian puts them. */
const char *iscsi_adm_iscsiadm_path(void);
const char *iscsi_adm_modprobe_path(void);

/* "modprobe iscsi_tcp". */
int iscsi_adm_modprobe(struct iscsi_batch *b, const char *module, void *tag);
/* "iscsiadm -m session": 0 or 21 (no sessions) mean iscsid answered. */
int iscsi_adm_probe_iscsid(struct iscsi_batch *b, void *tag);

/* iface records. */
int iscsi_adm_iface_new(struct iscsi_batch *b, const char *iface, void *tag);
int iscsi_adm_iface_update(struct iscsi_batch *b, const char *iface, const char *key,
			   const char *value, void *tag);
int iscsi_adm_iface_delete(struct iscsi_batch *b, const char *iface, void *tag);

/* node records: one, or every one reached through iface. A new record
 * needs its portal group: without one, open-iscsi writes an old-style
 * record, a single file per portal that the next iface overwrites. Static
 * targets do not tell it: 1, which a login corrects (open-iscsi updates the
 * tag the target sends). */
#define ISCSI_ADM_TPGT_DEFAULT 1
int iscsi_adm_node_new(struct iscsi_batch *b, const char *target, const char *portal, int tpgt,
		       const char *iface, void *tag);
int iscsi_adm_node_update_iface(struct iscsi_batch *b, const char *iface, const char *key,
				const char *value, void *tag);
int iscsi_adm_node_update(struct iscsi_batch *b, const char *target, const char *portal,
			  const char *iface, const char *key, const char *value, void *tag);
/* Several keys of one record in one call: iscsiadm checks them all, then
 * writes the record once. keys[i] gets values[i]; n at most
 * ISCSI_ADM_PAIRS_MAX. */
#define ISCSI_ADM_PAIRS_MAX 19
int iscsi_adm_node_update_pairs(struct iscsi_batch *b, const char *target, const char *portal,
				const char *iface, const char *const *keys,
				const char *const *values, size_t n, void *tag);

/* The SendTargets discovery record of portal. open-iscsi deletes every node
 * record linked to it as well: only when none is left. */
int iscsi_adm_discovery_delete(struct iscsi_batch *b, const char *portal, void *tag);

/* SendTargets discovery of portal through ifaces (none: the default
 * iface), adding new records only (PITFALLS.md: never update or delete).
 * In discoverydb mode: discovery mode would rewrite the SendTargets record
 * from iscsid.conf first and so drop its CHAP lines; discoverydb mode
 * reads them (and makes the record from iscsid.conf when there is none). */
int iscsi_adm_discover(struct iscsi_batch *b, const char *portal, const char *const *ifaces,
		       size_t nifaces, void *tag);
/* A SendTargets record for portal from iscsid.conf's defaults, without
 * discovering. It replaces one that exists: only for portals that have
 * none. */
int iscsi_adm_discoverydb_new(struct iscsi_batch *b, const char *portal, void *tag);

/* Sessions. */
int iscsi_adm_login(struct iscsi_batch *b, const char *target, const char *portal,
		    const char *iface, void *tag);
int iscsi_adm_logout_session(struct iscsi_batch *b, unsigned sid, void *tag);

/* One record SendTargets discovery printed: "10.0.0.1:3260,1 iqn.x". */
struct iscsi_adm_discovered {
	char portal[64];
	int tpgt;
	char target[224];
};
/* Walk discovery output; fn is called once per record. Returns how many. */
size_t iscsi_adm_parse_discovery(const char *out,
				 void (*fn)(const struct iscsi_adm_discovered *rec, void *data),
				 void *data);

/* What an iscsiadm exit code means ("session exists"), or "". */
const char *iscsi_adm_exit_text(int status);

#endif
