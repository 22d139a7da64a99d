/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The kernel's neighbour tables (ARP for IPv4, neighbour discovery for IPv6)
 * read through libnl: every entry's address, link-layer address, NUD state
 * and how long the kernel will go on trusting it. A primitive: it knows
 * nothing of vmknics or commands.
 */
#ifndef ESXD_NET_NEIGH_H
#define ESXD_NET_NEIGH_H

#include <stddef.h>

#include "errors.h"
#include "net_link.h"
#include "net_nl.h"

struct net_neigh {
	int family;                  /* AF_INET or AF_INET6 */
	int ifindex;
	char addr[NET_IP_MAX];       /* the neighbour's IP address */
	char lladdr[NET_ADDR_MAX];   /* "aa:bb:cc:dd:ee:ff", "" while unresolved */
	unsigned state;              /* NUD_* */
	/* Seconds until the entry stops being trusted: for REACHABLE, until the
	 * kernel's reachable time since the last confirmation runs out and it
	 * turns STALE; for DELAY, until it starts probing. -1 for the other
	 * states, which have no such deadline (a STALE entry lives on until it
	 * is used again or garbage-collected). */
	long expiry_s;
};

/* Every IPv4 and IPv6 neighbour (family AF_UNSPEC), or those of one family,
 * in the kernel's order, leaving out the entries that map no neighbour
 * (NUD_NOARP: multicast and broadcast; NUD_NONE). free() *out; it is NULL
 * when *count is 0. */
int net_neigh_list(struct net_nl *nl, int family, struct net_neigh **out, size_t *count,
		   struct esx_err *err);

/* "REACHABLE", "STALE", "DELAY", "PROBE", "INCOMPLETE", "FAILED",
 * "PERMANENT", "NOARP", "NONE": the state as `ip neigh` spells it. */
const char *net_neigh_state_name(unsigned state);

#endif
