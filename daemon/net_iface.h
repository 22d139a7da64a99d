/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The links the daemon creates and changes: the macvlans that are its
 * VMkernel NICs and the 802.1Q sub-interfaces under them, through libnl.
 * Every link it creates carries an ifalias starting with "esxclid:"; it
 * deletes no link without one ("nothing the daemon did not create is ever
 * removed"). It knows nothing of vSwitches, portgroups or commands.
 */
#ifndef ESXD_NET_IFACE_H
#define ESXD_NET_IFACE_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "net_link.h"
#include "net_nl.h"

#define NET_ALIAS_VMK NET_MANAGED_ALIAS_PREFIX "vmk"     /* "esxclid:vmk" */
#define NET_ALIAS_VLAN NET_MANAGED_ALIAS_PREFIX "vlan"   /* "esxclid:vlan" */
#define NET_ALIAS_MAX 128

/* One link's facts, fresh from the kernel. */
struct net_iface {
	int ifindex;
	char name[NET_NAME_MAX];
	char kind[24];                /* "macvlan", "vlan", "veth"...; "" for hardware */
	int lower_ifindex;            /* IFLA_LINK: the link under it, 0 when none */
	char mac[NET_ADDR_MAX];       /* "00:50:56:aa:bb:cc", "" when none */
	unsigned mtu;
	unsigned flags;               /* IFF_* */
	bool admin_up;                /* IFF_UP */
	bool carrier;                 /* IFF_LOWER_UP */
	char alias[NET_ALIAS_MAX];    /* ifalias, "" when none */
	bool ours;                    /* the alias starts with "esxclid:" */
	unsigned vlan_id;             /* kind "vlan": its 802.1Q VLAN ID, else 0 */
};

/* A macvlan (mode bridge) to create. */
struct net_macvlan_spec {
	const char *name;             /* "vmk1" */
	int lower_ifindex;            /* the link under it, or 0 to use lower_name */
	const char *lower_name;
	const char *mac;              /* "00:50:56:aa:bb:cc"; NULL: the kernel picks one */
	unsigned mtu;                 /* 0: the lower link's MTU (never above it) */
	const char *alias;            /* NULL: NET_ALIAS_VMK; must start with "esxclid:" */
	bool up;                      /* bring it up once created */
};

/* Create a macvlan in bridge mode (NLM_F_EXCL: -EEXIST when the name is
 * taken) and tag it with its alias. *ifindex (may be NULL) gets its index.
 * -EADDRINUSE when it is to come up and another macvlan up on the same lower
 * link has its MAC (the kernel checks that when a macvlan comes up, so
 * net_iface_set_up() can fail so too). The kernel ignores an alias given at
 * creation, so it is set right after; if that fails the new link is deleted
 * again. */
int net_iface_create_macvlan(struct net_nl *nl, const struct net_macvlan_spec *spec,
			     int *ifindex, struct esx_err *err);

/* The name of the VLAN sub-interface for VLAN ID vid on a link: "<lower>.<vid>"
 * when that fits in 15 characters, else "esxv<lower ifindex>.<vid>".
 * 0, or -EINVAL for a vid outside 1..4094 or a name that would not fit. */
int net_iface_vlan_name(const char *lower_name, int lower_ifindex, unsigned vid, char *out,
			size_t len);

/* Create the 802.1Q sub-interface for vid on the link lower_ifindex, named
 * name (NULL: as net_iface_vlan_name() names it), administratively up, with
 * the lower link's MTU and alias NET_ALIAS_VLAN. *ifindex (may be NULL) gets
 * its index. -EEXIST when the name is taken; -EOPNOTSUPP when the kernel has
 * no 802.1Q support (no 8021q module). */
int net_iface_create_vlan(struct net_nl *nl, int lower_ifindex, unsigned vid, const char *name,
			  int *ifindex, struct esx_err *err);

/* Delete a link the daemon created: -EPERM, and nothing deleted, unless its
 * alias starts with "esxclid:"; -ENOENT when there is no such link. The
 * kernel deletes the macvlans on a deleted VLAN sub-interface with it. */
int net_iface_delete(struct net_nl *nl, const char *name, struct esx_err *err);

/* Change one setting of any link (uplinks too: the vSwitch MTU goes on them).
 * mac: "aa:bb:cc:dd:ee:ff", unicast and not zero. */
int net_iface_set_mtu(struct net_nl *nl, const char *name, unsigned mtu, struct esx_err *err);
int net_iface_set_mac(struct net_nl *nl, const char *name, const char *mac,
		      struct esx_err *err);
int net_iface_set_up(struct net_nl *nl, const char *name, bool up, struct esx_err *err);

/* One link by name or by index: -ENOENT when there is none. */
int net_iface_get(struct net_nl *nl, const char *name, struct net_iface *out,
		  struct esx_err *err);
int net_iface_get_by_index(struct net_nl *nl, int ifindex, struct net_iface *out,
			   struct esx_err *err);
/* Every link (ours_only: those whose alias starts with "esxclid:"), in
 * ifindex order. free() *out; it is NULL when *count is 0. */
int net_iface_list(struct net_nl *nl, bool ours_only, struct net_iface **out, size_t *count,
		   struct esx_err *err);

#endif
