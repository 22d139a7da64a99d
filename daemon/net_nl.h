/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The netlink request socket the kernel primitives share (net_iface,
 * net_addr, net_route), and the glue they all need: the kernel's own errno
 * for a failed request (libnl folds several into "unspecific failure"), dumps
 * read message by message without a libnl cache (a cache merges objects it
 * considers equal: routes to one prefix on two interfaces, duplicate rules),
 * and IP address text to and from libnl addresses.
 *
 * Only the primitives use the functions below net_nl_close(); the
 * reconciler opens one struct net_nl and passes it to them.
 */
#ifndef ESXD_NET_NL_H
#define ESXD_NET_NL_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

struct net_nl;
struct nl_sock;
struct nl_object;
struct nl_addr;

#define NET_IP_MAX 46      /* INET6_ADDRSTRLEN: an IPv4 or IPv6 address in text */
#define NET_CIDR_MAX 50    /* an address, '/' and a prefix length */

/* Open a NETLINK_ROUTE request socket. */
int net_nl_open(struct net_nl **out, struct esx_err *err);
void net_nl_close(struct net_nl *nl);

/* The nearest errno (positive) to a libnl error code, for libnl calls that
 * do not go through a struct net_nl (the link cache manager's). */
int net_nl_errno(int nlerr);

/* ---- for the primitives only --------------------------------------------- */

struct nl_sock *net_nl_sock(struct net_nl *nl);

/* Turn a libnl return value into 0 or a negative errno: the errno the kernel
 * answered the last request with when it sent one, else the nearest errno to
 * the libnl error. Call it once after every request. */
int net_nl_result(struct net_nl *nl, int nlret);

/* Called for each object of a dump; the object is released after the call
 * (take a reference to keep it). Record failures in arg: it cannot fail. */
typedef void (*net_nl_each_fn)(struct nl_object *obj, void *arg);
/* Called before a dump the kernel interrupted is read again: forget what
 * each() collected. */
typedef void (*net_nl_restart_fn)(void *arg);

/* Dump every object of a kind (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE,
 * RTM_GETRULE) of family (AF_UNSPEC: all), one parsed object at a time.
 * 0 or a negative errno. */
int net_nl_dump(struct net_nl *nl, int request, int family, net_nl_each_fn each,
		net_nl_restart_fn restart, void *arg);

/* A growing array of plain structs that a dump fills. */
struct net_nl_list {
	size_t item_size;
	void *items;
	size_t len, cap;
	int error;           /* -ENOMEM once a push failed */
};
#define NET_NL_LIST_INIT(type) { .item_size = sizeof(type) }

/* A zeroed new item at the end of list, or NULL (list->error set). */
void *net_nl_list_push(struct net_nl_list *list);
/* net_nl_dump() collecting into list: each gets list itself (make it the
 * first member of a struct to hand each more) and pushes onto it; a dump the
 * kernel interrupted empties list before it is read again. On failure the
 * items are freed; on success the caller owns list->items (NULL when empty). */
int net_nl_dump_list(struct net_nl *nl, int request, int family, net_nl_each_fn each,
		     struct net_nl_list *list);

/* Parse "192.0.2.1", "192.0.2.0/24", "2001:db8::1/64" (and, with
 * allow_default, "default" for family's 0/0). Without a prefix length the
 * address gets its full length (32 or 128) unless need_prefix, which makes
 * that an error. *family: AF_UNSPEC to accept either (set on return), or the
 * family the text must be. -EINVAL (no message) for anything else, -ENOMEM. */
int net_nl_parse_ip(const char *text, int *family, bool need_prefix, bool allow_default,
		    struct nl_addr **out);
/* An address as text, without its prefix length; "" when addr is NULL. */
void net_nl_format_ip(struct nl_addr *addr, char *out, size_t len);
/* "addr/len", or "default" for a 0/0 address when allow_default. */
void net_nl_format_cidr(struct nl_addr *addr, bool allow_default, char *out, size_t len);

#endif
