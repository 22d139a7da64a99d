/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The per-interface sysctls the daemon sets on vmks and on the uplinks that
 * carry them (/proc/sys/net/ipv4/conf/<if>/, /proc/sys/net/ipv6/conf/<if>/),
 * read and written as files. An interface name is checked before it becomes
 * part of a path; "all" and "default" name the host-wide entries.
 *
 * For arp_ignore, arp_announce and rp_filter the kernel uses the larger of
 * the interface's value and the "all" one: net_sysctl_effective() computes
 * that, and net_sysctl_all_defeats() tells when the host's "all" value keeps
 * an interface from getting the value the daemon wants.
 */
#ifndef ESXD_NET_SYSCTL_H
#define ESXD_NET_SYSCTL_H

#include "errors.h"

enum net_sysctl {
	NET_SYSCTL_ARP_IGNORE,        /* ipv4 arp_ignore, 0..8: the daemon wants 1 */
	NET_SYSCTL_ARP_ANNOUNCE,      /* ipv4 arp_announce, 0..2: the daemon wants 2 */
	NET_SYSCTL_RP_FILTER,         /* ipv4 rp_filter, 0..2: the daemon wants 2 */
	NET_SYSCTL_DISABLE_IPV6,      /* ipv6 disable_ipv6, 0..1 */
};

/* "arp_ignore", ...; "?" for an unknown key. */
const char *net_sysctl_name(enum net_sysctl key);

/* The interface's own value. -ENOENT (with a message) when the interface
 * does not exist, -EINVAL for a bad name. */
int net_sysctl_get(const char *ifname, enum net_sysctl key, int *value, struct esx_err *err);
/* Write value (checked against the key's range) unless it is the value
 * already; *old (may be NULL) gets the value before, to restore later. */
int net_sysctl_set(const char *ifname, enum net_sysctl key, int value, int *old,
		   struct esx_err *err);
/* The value the kernel acts on: max(all, interface) for the three ipv4
 * keys, the interface's own for disable_ipv6. */
int net_sysctl_effective(const char *ifname, enum net_sysctl key, int *value,
			 struct esx_err *err);
/* 1 when the "all" value is larger than wanted, so that no interface can
 * have wanted as its effective value; 0 when not; or a negative errno.
 * *all (may be NULL) gets the "all" value. 0 for disable_ipv6. */
int net_sysctl_all_defeats(enum net_sysctl key, int wanted, int *all, struct esx_err *err);

#endif
