/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * IPv4 and IPv6 addresses of a link, through libnl: list, add, delete, and
 * make a link carry exactly a given set. Addresses are text: "192.0.2.10/24",
 * "2001:db8::10/64" (the prefix length is required when adding). IPv6
 * addresses are added with IFA_F_NODAD, so they are usable at once (duplicate
 * address detection would hold them "tentative" for about a second, which
 * failover cannot afford); IPv4 ones get their broadcast address.
 *
 * The kernel also adds the address's prefix route to the main table (proto
 * kernel), and removing a link's last IPv4 address flushes every IPv4 route
 * through the link, those in the vmk's own table included: put the routes
 * back (net_route) after changing addresses.
 */
#ifndef ESXD_NET_ADDR_H
#define ESXD_NET_ADDR_H

#include <stddef.h>

#include "errors.h"
#include "net_nl.h"

struct net_ipaddr {
	int family;                   /* AF_INET or AF_INET6 */
	int ifindex;
	char addr[NET_IP_MAX];        /* "192.0.2.10", "2001:db8::10" (canonical text) */
	unsigned prefix;              /* prefix length */
	char broadcast[NET_IP_MAX];   /* IPv4 broadcast address, "" when none */
	int scope;                    /* RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_HOST */
	unsigned flags;               /* IFA_F_*: NODAD, TENTATIVE, DADFAILED, PERMANENT... */
};

/* The addresses of link ifindex (0: of every link) of family (AF_INET,
 * AF_INET6, AF_UNSPEC for both), as the kernel lists them. free() *out; it
 * is NULL when *count is 0. */
int net_addr_list(struct net_nl *nl, int ifindex, int family, struct net_ipaddr **out,
		  size_t *count, struct esx_err *err);

/* Add "addr/prefix" to link ifindex: -EEXIST when it is there already. */
int net_addr_add(struct net_nl *nl, int ifindex, const char *cidr, struct esx_err *err);
/* Remove "addr/prefix" from link ifindex: -ENOENT when it is not there. */
int net_addr_delete(struct net_nl *nl, int ifindex, const char *cidr, struct esx_err *err);

/* Make link ifindex carry every address of want ("addr/prefix") and remove
 * its other addresses of both families: with owned NULL, all of them but the
 * IPv6 link-local ones (fe80::/10) the kernel makes (a vmk: every address on
 * it is the daemon's); else only those whose address (any prefix length) is
 * in owned ("addr" or "addr/prefix"). An address listed with another prefix
 * length is replaced. Removals come before additions. Idempotent. */
int net_addr_sync(struct net_nl *nl, int ifindex, const char *const *want, size_t nwant,
		  const char *const *owned, size_t nowned, struct esx_err *err);

/* The network of an address: "192.0.2.10/24" → "192.0.2.0/24",
 * "2001:db8::10/64" → "2001:db8::/64" (the subnet route's destination).
 * 0, or -EINVAL for a malformed address or one without a prefix length. */
int net_cidr_network(const char *cidr, char *out, size_t len);

#endif
