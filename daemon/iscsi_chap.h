/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ESXi's CHAP settings (adapter, sendtarget, target portal) realised in
 * open-iscsi: which records are the daemon's and which auth lines each
 * should carry, the rules a combination of settings must follow, and the
 * job that writes them (iscsi_records.h) into the records, with the
 * SendTargets records prepared before a discovery that must authenticate.
 *
 * ESXi's levels in open-iscsi's terms: prohibited is authmethod None and
 * no credentials; discouraged, preferred and required are authmethod CHAP
 * with the name and secret (open-iscsi then offers CHAP,None and the
 * target chooses; it cannot prefer None, nor refuse a target that picks
 * None unless mutual CHAP is on); mutual required adds username_in and
 * password_in (open-iscsi then insists on authenticating the target).
 */
#ifndef ESXD_ISCSI_CHAP_H
#define ESXD_ISCSI_CHAP_H

#include <stdbool.h>

#include "errors.h"
#include "iscsi_records.h"
#include "iscsi_settings.h"
#include "model.h"

struct esxd;

/* The auth lines rec should carry under m: 1 and auth filled for a record
 * of the daemon's (software iSCSI enabled; a SendTargets record of one of
 * m's sendtargets; a node record through a bound vmk's iface or the
 * default iface, discovered from one of m's sendtargets or made for one
 * of its static targets), else 0. auth holds secrets: wipe it. */
int iscsi_chap_record_auth(const struct model *m, const struct iscsi_record *rec,
			   struct iscsi_auth *auth);

/* The rules of ESXi's software adapter, on the effective settings at one
 * level (where: "the adapter", "sendtarget 10.0.0.1:3260"...): mutual CHAP
 * only prohibited or required, and required only over unidirectional CHAP
 * required; a level other than prohibited needs a name and a secret that
 * a record can hold. 0 or -EINVAL with a message that never quotes a
 * secret. */
int iscsi_chap_check(const struct iscsi_effective *e, const char *where, struct esx_err *err);

/* The sendtarget that discovered the node records of target at
 * address:port (read from the records, without the lock), or NULL: a
 * static target, or no record. *known: some record or static target of it
 * exists. */
const struct iscsi_sendtarget *iscsi_chap_portal_parent(const struct model *m, const char *target,
							const char *address, unsigned port,
							bool *known);

/* ---- writing them ---- */

struct iscsi_chap_job;
/* ret 0, or a negative errno and why (a sentence, never a secret). */
typedef void (*iscsi_chap_done_fn)(int ret, const char *why, void *data);

/* Give every record of the daemon's the auth lines of the model committed
 * when the records are written (so a job never writes settings older than
 * the store's). With prepare_discovery, first make the SendTargets records
 * (iscsiadm -m discoverydb -o new) of the sendtargets that use CHAP and
 * have none yet: discovery in discoverydb mode reads its auth lines from
 * there. Waits for open-iscsi's lock at most timeout_ms. done is called
 * once, from the loop, unless the job is freed first. */
int iscsi_chap_apply(struct esxd *d, bool prepare_discovery, unsigned timeout_ms,
		     iscsi_chap_done_fn done, void *data, struct iscsi_chap_job **out,
		     struct esx_err *err);
/* Stop it (killing an iscsiadm it runs) and free it. NULL is allowed. */
void iscsi_chap_job_free(struct iscsi_chap_job *job);

#endif
