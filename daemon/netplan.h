/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Planning, as a pure function: from the model, the NICs' state and where
 * each vmk sits now, decide what the kernel must hold — which uplink carries
 * each vmk (ESXi's failover order: active, then standby; failback), the
 * lower device (the uplink or its VLAN sub-interface), addresses, the vmk's
 * routing table, routes and rules, and which uplinks may carry vmks (for
 * their ARP and rp_filter settings). No I/O: the reconciler applies the plan.
 */
#ifndef ESXD_NETPLAN_H
#define ESXD_NETPLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* Rules of vmk tables sit at this priority + (table - NETPLAN_TABLE_FIRST):
 * before the main table's 32766. */
#define NETPLAN_TABLE_FIRST 10000
#define NETPLAN_TABLE_LAST 10999
#define NETPLAN_RULE_PRIORITY_BASE 1000

/* A NIC as the kernel has it now. */
struct uplink_state {
	char name[MODEL_IFNAME_MAX];
	bool exists;
	bool admin_up;
	bool carrier;
	unsigned mtu;
};

struct plan_route {
	char dst[MODEL_ADDR_MAX];     /* network address, "" for default */
	unsigned dst_len;
	char gateway[MODEL_ADDR_MAX]; /* "" for a link route */
	char src[MODEL_ADDR_MAX];     /* preferred source, "" for none */
	char dev[MODEL_IFNAME_MAX];   /* the vmk whose subnet holds the gateway,
				       * "" to let the kernel choose */
	bool ipv6;
	bool quickack;                /* ACK at once: iSCSI's DelayedAck off */
};

struct plan_vmk {
	char name[MODEL_IFNAME_MAX];
	char mac[MODEL_MAC_MAX];
	unsigned mtu;
	bool up;
	char uplink[MODEL_IFNAME_MAX];   /* "" when no uplink can carry it: not realised */
	unsigned vlan_id;                 /* 0: directly on the uplink; else on its
					   * VLAN sub-interface, which the
					   * reconciler names (net_iface_vlan_name) */
	bool notify_switches;
	/* Addresses: "a.b.c.d/len" and "x::y/len". */
	struct esx_strv addresses;
	unsigned table;
	unsigned rule_priority;
	struct plan_route *routes;        /* in the vmk's table */
	size_t nroutes;
};

struct plan {
	struct plan_vmk *vmks;
	size_t nvmks;
	/* Uplinks in the failover order of at least one vmk: they get the ARP
	 * and rp_filter settings whether they carry it now or may after a
	 * failover, so a failover changes no sysctl and writes no state. */
	struct esx_strv vmk_uplinks;
	struct plan_route *main_routes;   /* static routes, main table */
	size_t nmain_routes;
};

/* Which uplink should carry a vmk whose effective policy is eff and which
 * sits on current now ("" if nowhere). Returns a name from eff's lists, or
 * NULL when the policy names no uplink the kernel has. */
const char *plan_choose_uplink(const struct failover_policy *eff, const char *current,
			       const struct uplink_state *links, size_t nlinks);

/* current(vmk) → where the vmk sits now ("" or NULL if nowhere). */
typedef const char *(*plan_current_fn)(const char *vmk, void *data);

int plan_build(const struct model *m, const struct uplink_state *links, size_t nlinks,
	       plan_current_fn current, void *data, struct plan *out);
void plan_free(struct plan *p);

/* A target portal the iSCSI adapter has node records for: the target, and
 * the sendtarget that discovered it ("" for a static one), which is where
 * its DelayedAck is inherited from. */
struct plan_portal {
	char address[MODEL_ADDR_MAX];
	unsigned port;
	char target[ISCSI_NAME_MAX];
	char parent_address[MODEL_ADDR_MAX];
	unsigned parent_port;
};

/* ESXi's DelayedAck on the routes of the vmks iSCSI goes through (the bound
 * vmks; every vmk when none is bound): the adapter's value as quickack on
 * each such vmk's routes, and where a portal's own value differs, a host
 * route to its address in the vmk's table (through the vmk's subnet, else
 * its gateway) with its value. Targets at one address that disagree: off
 * (quickack) wins, as the one that asked for it would otherwise not get it.
 * The portals: those given (from the node records), the static targets and
 * the target portals with settings of their own. Nothing when software
 * iSCSI is disabled. 0 or -ENOMEM. */
int plan_delayed_ack(const struct model *m, const struct plan_portal *portals, size_t n,
		     struct plan *p);

/* Network address and broadcast of addr/prefix (IPv4), as text. */
int plan_ipv4_network(const char *addr, unsigned prefix, char *net, size_t net_len,
		      char *bcast, size_t bcast_len);

#endif
