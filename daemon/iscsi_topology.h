/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What port-binding compliance needs from Linux, taken now: for each uplink
 * the model names, whether it exists, its kind and, for a bond, team or
 * bridge, how many links are enslaved to it (through libnl's master index);
 * and the facts `iscsi networkportal list` shows of a vmk (sysfs).
 * compliance_check() itself stays pure: this builds its snapshot.
 */
#ifndef ESXD_ISCSI_TOPOLOGY_H
#define ESXD_ISCSI_TOPOLOGY_H

#include <stdbool.h>
#include <stdint.h>

#include "compliance.h"
#include "errors.h"
#include "model.h"

struct esx_net;

/* The uplinks of every vSwitch and every binding's recorded uplink. Free
 * t->uplinks with iscsi_topology_free(). */
int iscsi_topology_take(struct esx_net *net, const struct model *m, struct topology *t,
			struct esx_err *err);
void iscsi_topology_free(struct topology *t);

/* compliance_check() of vmk for adapter against Linux now. bound_uplink:
 * the uplink recorded when it was bound, NULL for a new binding. */
int iscsi_compliance_now(struct esx_net *net, const struct model *m, const char *adapter,
			 const char *vmk, const char *bound_uplink, struct compliance *out,
			 struct esx_err *err);
/* "compliant", or ESXi's negative spelling. */
const char *iscsi_compliance_word(const struct compliance *c);

/* A vmk's state in the kernel, for listings. */
struct iscsi_vmk_facts {
	bool exists;
	bool carrier;
	unsigned mtu;
	uint64_t rx_packets, tx_packets;
};
void iscsi_vmk_facts(const char *vmk, struct iscsi_vmk_facts *out);

#endif
