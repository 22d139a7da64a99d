/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Routes and policy rules, IPv4 and IPv6, through libnl. Everything added
 * here carries the daemon's own protocol number, NET_RTPROT_ESXCLID, and
 * only routes and rules with it are listed or deleted, so the daemon finds
 * and removes its own and nothing else.
 *
 * A vmk gets a routing table of its own (the planner's range, netplan.h)
 * holding its subnet route and its gateway route, and a rule "from <vmk address> lookup
 * <table>". Listing reads the kernel's dump object by object, without
 * libnl's route cache: the cache merges routes to one prefix on different
 * links into one object (and would hide duplicate rules).
 *
 * The kernel refuses a route through a link that is down (-ENETDOWN) and
 * removes a link's IPv4 routes with its last IPv4 address or when it goes
 * down: add routes after the link is up and has its addresses, and again
 * after either changed.
 */
#ifndef ESXD_NET_ROUTE_H
#define ESXD_NET_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "net_nl.h"

/* The daemon's routing protocol number, on its routes and rules ("proto 222"
 * in `ip route` / `ip rule`). Not in iproute2's rt_protos, nor used by a
 * routing daemon we know of. */
#define NET_RTPROT_ESXCLID 222

/* One route. On input, protocol and scope are ignored (the route gets
 * NET_RTPROT_ESXCLID, and scope link without a gateway, else universe). */
struct net_route {
	int family;                   /* AF_INET or AF_INET6 */
	unsigned table;               /* 254 is main */
	char dst[NET_CIDR_MAX];       /* "192.0.2.0/24", "2001:db8::/64", "default" */
	char gateway[NET_IP_MAX];     /* "" for a route to a directly connected network */
	char src[NET_IP_MAX];         /* preferred source address, "" for none */
	int ifindex;                  /* output link, 0 for none */
	unsigned metric;              /* RTA_PRIORITY; 0: the kernel's default (IPv6: 1024) */
	bool quickack;                /* RTAX_QUICKACK 1: ACK at once (ESXi's DelayedAck off) */
	int protocol;                 /* listed: RTPROT_* */
	int scope;                    /* listed: RT_SCOPE_* */
};

/* Add (NLM_F_EXCL): -EEXIST when the table has a route to dst with that
 * metric already (whoever made it). */
int net_route_add(struct net_nl *nl, const struct net_route *r, struct esx_err *err);
/* Add, or replace the route to dst with that metric in that table
 * (NLM_F_REPLACE): the idempotent form. */
int net_route_replace(struct net_nl *nl, const struct net_route *r, struct esx_err *err);
/* Delete the daemon's route matching r's table, dst, metric (when not 0),
 * gateway and ifindex (when given); the kernel matches the protocol, so a
 * route someone else made is never removed. -ENOENT when there is none. */
int net_route_delete(struct net_nl *nl, const struct net_route *r, struct esx_err *err);
/* Every route with NET_RTPROT_ESXCLID, in every table, of family (AF_INET,
 * AF_INET6, AF_UNSPEC for both). free() *out; it is NULL when *count is 0. */
int net_route_list_ours(struct net_nl *nl, int family, struct net_route **out,
			size_t *count, struct esx_err *err);

/* One policy rule: "from <from> lookup <table> priority <priority>". */
struct net_rule {
	int family;                   /* AF_INET or AF_INET6 */
	char from[NET_CIDR_MAX];      /* "192.0.2.10/32"; given without a length: a host */
	unsigned table;
	unsigned priority;            /* required, 1..32765 (before the main table's 32766) */
	int protocol;                 /* listed: the rule's protocol */
};

/* Add with FR_ACT_TO_TBL and NET_RTPROT_ESXCLID (NLM_F_EXCL: -EEXIST when
 * the same rule exists; the kernel would otherwise accept a duplicate). */
int net_rule_add(struct net_nl *nl, const struct net_rule *r, struct esx_err *err);
/* Add unless it is there: the idempotent form (0 for both). */
int net_rule_ensure(struct net_nl *nl, const struct net_rule *r, struct esx_err *err);
/* Delete the daemon's rule with r's family, from, table and priority:
 * -ENOENT when there is none (a rule someone else made is never removed). */
int net_rule_delete(struct net_nl *nl, const struct net_rule *r, struct esx_err *err);
/* Every rule with NET_RTPROT_ESXCLID of family (AF_UNSPEC for both), in the
 * kernel's order. free() *out; it is NULL when *count is 0. */
int net_rule_list_ours(struct net_nl *nl, int family, struct net_rule **out, size_t *count,
		       struct esx_err *err);

#endif
