/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which of open-iscsi's node records are esxclid's, and which of those go
 * when a sendtarget or static target is removed or a record can never
 * work: pure decisions on the model and the records as read
 * (iscsi_state.h). The callers queue the iscsiadm commands.
 */
#ifndef ESXD_ISCSI_OWNERSHIP_H
#define ESXD_ISCSI_OWNERSHIP_H

#include <stdbool.h>

#include "iscsi_state.h"
#include "model.h"

/* A record through a bound vmk or, when nothing is bound, through
 * open-iscsi's default iface (discovery and logins go there then) is
 * esxclid's. Any other (another iface, a vmk not bound) is left alone. */
bool iscsi_ownership_owned(const struct model *m, const char *iface);

/* Whether removing sendtarget address:port (still in m) deletes node: an
 * owned record that SendTargets discovery at that address made, unless
 * the same portal is another of m's sendtargets (its discovery finds it)
 * or one of m's static targets. */
bool iscsi_ownership_of_sendtarget(const struct model *m, const char *address, unsigned port,
				 const struct iscsi_node_info *node);
/* Whether removing static target name at address:port deletes node: an
 * owned record made for it (discovery type static). */
bool iscsi_ownership_of_static(const char *name, const char *address, unsigned port,
			     const struct model *m, const struct iscsi_node_info *node);

/* An owned record through a bound vmk that cannot reach the record's
 * portal (iscsi_reach.h: no route; a vmk without address is not judged).
 * open-iscsi makes such records when discovery through several ifaces
 * returns portals some of them cannot reach. */
bool iscsi_ownership_unreachable(const struct model *m, const struct iscsi_node_info *node);

/* Whether session s is node's: same target, portal and iface. */
bool iscsi_ownership_session_of(const struct iscsi_session_info *s,
			      const struct iscsi_node_info *node);

#endif
