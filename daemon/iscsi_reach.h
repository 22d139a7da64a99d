/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Port binding's subnet and routing rules (VMware KB 2038869) as pure
 * functions of the model: whether a bound vmk can reach an iSCSI portal at
 * all, and the warnings esxcli prints when the bound vmks are not in one
 * IPv4 subnet or a portal is out of a bound vmk's reach. Nothing is sent on
 * the network: the answer is what the vmk's addresses, its own gateway and
 * the static routes make possible.
 *
 * A socket bound to a vmk (open-iscsi's iface.net_ifacename) leaves from
 * the vmk's address: its rule sends it to the vmk's own table (the subnet
 * route, and a default route when the vmk has a gateway of its own), then
 * to the main table, where only routes through that same vmk can carry it
 * (the kernel skips next hops on another device). A static IPv4 route goes
 * through the first vmk whose subnet holds its gateway (model_gateway_vmk).
 */
#ifndef ESXD_ISCSI_REACH_H
#define ESXD_ISCSI_REACH_H

#include <stdbool.h>

#include "model.h"
#include "strv.h"

enum iscsi_reach {
	ISCSI_REACH_SUBNET,       /* the portal is in one of the vmk's subnets */
	ISCSI_REACH_GATEWAY,      /* the vmk's own default gateway gets there */
	ISCSI_REACH_ROUTE,        /* a static route through the vmk gets there */
	ISCSI_REACH_NO_ROUTE,     /* the vmk has an address, but nothing gets there */
	ISCSI_REACH_NO_ADDRESS,   /* the vmk is not in the model, or has no address
				   * of the portal's family: nothing to judge by */
};

/* How vmk reaches address (canonical IPv4 or IPv6 text, no port). */
enum iscsi_reach iscsi_reach(const struct model *m, const char *vmk, const char *address);
/* A session through the vmk can get there. */
bool iscsi_reach_ok(enum iscsi_reach r);

/* When vmk cannot reach address:port, append "Warning: ..." to out.
 * 0, or -ENOMEM. */
int iscsi_reach_warn_portal(const struct model *m, const char *vmk, const char *address,
			    unsigned port, struct esx_strv *out);
/* The same for every vmk bound to m's adapter. */
int iscsi_reach_warn_bindings(const struct model *m, const char *address, unsigned port,
			      struct esx_strv *out);
/* When the vmks bound to m's adapter, and adding (a vmk about to be bound
 * or just bound, or NULL), are not all in one IPv4 subnet, append
 * "Warning: ..." naming each vmk's subnet. vmks without IPv4 are not
 * counted. 0, or -ENOMEM. */
int iscsi_reach_warn_subnets(const struct model *m, const char *adding, struct esx_strv *out);

/* The lines of v joined with newlines (malloc'd), NULL when v is empty or
 * memory ran out. */
char *iscsi_reach_join(const struct esx_strv *v);

#endif
