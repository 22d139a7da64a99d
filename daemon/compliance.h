/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Port-binding compliance as a pure function: from the model and a snapshot
 * of the Linux topology, whether a vmk may be bound to the software iSCSI
 * adapter (or, once bound, still complies), with ESXi's fault name, a message
 * and the exact esxcli command that would fix it. No I/O.
 *
 * ESXi's rules: the vmk exists, has an address, and its effective failover
 * order has exactly one active uplink and no standby uplink; a binding also
 * stops complying when its active uplink changes. Linux adds one: an uplink
 * that is a bond, team or bridge with more than one member is several
 * uplinks.
 */
#ifndef ESXD_COMPLIANCE_H
#define ESXD_COMPLIANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* An uplink as Linux has it now. */
struct topo_uplink {
	char name[MODEL_IFNAME_MAX];
	bool exists;
	char kind[16];         /* "", "bond", "team", "bridge", "veth"... */
	unsigned members;      /* enslaved links, for bond, team and bridge */
};

struct topology {
	const struct topo_uplink *uplinks;
	size_t nuplinks;
};

enum compliance_fault {
	COMPLIANT = 0,
	FAULT_VNIC_NOT_FOUND,           /* IscsiFaultVnicNotFound */
	FAULT_INVALID_VNIC,             /* IscsiFaultInvalidVnic: no address, no portgroup */
	FAULT_VNIC_HAS_NO_UPLINKS,      /* IscsiFaultVnicHasNoUplinks */
	FAULT_VNIC_HAS_MULTIPLE_UPLINKS,/* IscsiFaultVnicHasMultipleUplinks: >1 active, standby, aggregate */
	FAULT_VNIC_HAS_WRONG_UPLINK,    /* IscsiFaultVnicHasWrongUplink: the active uplink changed */
};

struct compliance {
	enum compliance_fault fault;
	char uplink[MODEL_IFNAME_MAX];  /* the one active uplink, when there is one */
	char message[512];
	char remedy[512];
};

/* Check vmk for binding to adapter. bound_uplink: the active uplink recorded
 * when the binding was made, or NULL when checking a new binding. */
void compliance_check(const struct model *m, const struct topology *t, const char *adapter,
		      const char *vmk, const char *bound_uplink, struct compliance *out);

/* "VnicHasMultipleUplinks"... ("" when compliant). */
const char *compliance_fault_name(enum compliance_fault fault);

#endif
