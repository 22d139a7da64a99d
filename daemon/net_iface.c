/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Creating, changing, reading and deleting links through libnl: the
 * daemon's macvlans and VLAN sub-interfaces, and the settings it puts on any
 * link. See net_iface.h.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if.h>         /* IFF_LOWER_UP; after <net/if.h> */
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/vlan.h>

#include "ipaddr.h"
#include "net_iface.h"

#define VLAN_ID_MAX 4094
#define MAC_LEN 6

struct link_list {
	struct net_nl_list list;      /* first: the dump hands it to collect_link() */
	bool ours_only;
};

static bool alias_is_ours(const char *alias)
{
	return alias && strncmp(alias, NET_MANAGED_ALIAS_PREFIX,
				strlen(NET_MANAGED_ALIAS_PREFIX)) == 0;
}

static void format_mac(struct nl_addr *addr, char *out, size_t len)
{
	out[0] = '\0';
	if (addr && nl_addr_get_len(addr) > 0)
		nl_addr2str(addr, out, len);
}

static void fill_iface(struct rtnl_link *link, struct net_iface *out)
{
	const char *name = rtnl_link_get_name(link);
	const char *kind = rtnl_link_get_type(link);
	const char *alias = rtnl_link_get_ifalias(link);

	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(link);
	snprintf(out->name, sizeof(out->name), "%s", name ? name : "");
	snprintf(out->kind, sizeof(out->kind), "%s", kind ? kind : "");
	out->lower_ifindex = rtnl_link_get_link(link);
	format_mac(rtnl_link_get_addr(link), out->mac, sizeof(out->mac));
	out->mtu = rtnl_link_get_mtu(link);
	out->flags = rtnl_link_get_flags(link);
	out->admin_up = (out->flags & IFF_UP) != 0;
	out->carrier = (out->flags & IFF_LOWER_UP) != 0;
	snprintf(out->alias, sizeof(out->alias), "%s", alias ? alias : "");
	out->ours = alias_is_ours(alias);
	if (kind && rtnl_link_is_vlan(link)) {
		int vid = rtnl_link_vlan_get_id(link);

		out->vlan_id = vid > 0 ? (unsigned)vid : 0;
	}
}

static int build_mac(const char *text, struct nl_addr **out, struct esx_err *err)
{
	uint8_t mac[MAC_LEN];

	if (mac_parse(text, mac) < 0 || !mac_is_unicast(mac))
		return err_set(err, EINVAL,
			       "Invalid MAC address '%s': expected a unicast address such as 00:50:56:aa:bb:cc",
			       text ? text : "");
	*out = nl_addr_build(AF_LLC, mac, MAC_LEN);
	if (!*out)
		return err_set(err, ENOMEM, "Out of memory");
	return 0;
}

/* Read one link fresh from the kernel, by index or (ifindex 0) by name. */
static int read_link(struct net_nl *nl, int ifindex, const char *name, struct rtnl_link **out,
		     struct esx_err *err)
{
	char what[NET_NAME_MAX + 32];
	int ret;

	if (ifindex > 0) {
		name = NULL;
		snprintf(what, sizeof(what), "with index %d", ifindex);
	} else {
		ret = net_check_name(name, err);
		if (ret < 0)
			return ret;
		snprintf(what, sizeof(what), "%s", name);
	}
	*out = NULL;
	ret = net_nl_result(nl, rtnl_link_get_kernel(net_nl_sock(nl), ifindex > 0 ? ifindex : 0,
						     name, out));
	if (ret == 0 && !*out)
		ret = -ENODEV;
	if (ret == -ENODEV || ret == -ENOENT)
		return err_set(err, ENOENT, "Unable to find network interface %s", what);
	if (ret < 0)
		return err_set(err, ret, "Unable to read network interface %s: %s", what,
			       strerror(-ret));
	return 0;
}

/* Send change (a link holding only what changes) for the link ifindex. */
static int change_link(struct net_nl *nl, int ifindex, struct rtnl_link *change)
{
	struct rtnl_link *orig = rtnl_link_alloc();
	int ret;

	if (!orig)
		return -ENOMEM;
	rtnl_link_set_ifindex(orig, ifindex);
	ret = net_nl_result(nl, rtnl_link_change(net_nl_sock(nl), orig, change, 0));
	rtnl_link_put(orig);
	return ret;
}

static int delete_by_index(struct net_nl *nl, int ifindex)
{
	struct rtnl_link *link = rtnl_link_alloc();
	int ret;

	if (!link)
		return -ENOMEM;
	rtnl_link_set_ifindex(link, ifindex);
	ret = net_nl_result(nl, rtnl_link_delete(net_nl_sock(nl), link));
	rtnl_link_put(link);
	return ret;
}

static int set_alias(struct net_nl *nl, int ifindex, const char *alias)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int ret;

	if (!change)
		return -ENOMEM;
	rtnl_link_set_ifalias(change, alias);
	ret = change_link(nl, ifindex, change);
	rtnl_link_put(change);
	return ret;
}

/* Tag a link just created; a link that cannot be tagged is removed again,
 * since nothing untagged may ever be deleted later. */
static int tag_new_link(struct net_nl *nl, const char *name, const char *alias, int *ifindex,
			struct esx_err *err)
{
	struct rtnl_link *created = NULL;
	int index, ret;

	ret = read_link(nl, 0, name, &created, err);
	if (ret < 0)
		goto out;
	index = rtnl_link_get_ifindex(created);
	ret = set_alias(nl, index, alias);
	if (ret < 0) {
		int undo = delete_by_index(nl, index);

		ret = err_set(err, ret, "Unable to tag interface %s as esxclid's: %s%s", name,
			      strerror(-ret), undo < 0 ? "; it could not be removed again" : "");
		goto out;
	}
	if (ifindex)
		*ifindex = index;
	ret = 0;
out:
	if (created)
		rtnl_link_put(created);
	return ret;
}

int net_iface_create_macvlan(struct net_nl *nl, const struct net_macvlan_spec *spec,
			     int *ifindex, struct esx_err *err)
{
	struct rtnl_link *lower = NULL, *link = NULL;
	struct nl_addr *mac = NULL;
	const char *alias = spec->alias ? spec->alias : NET_ALIAS_VMK;
	const char *lower_name;
	int ret;

	ret = net_check_name(spec->name, err);
	if (ret < 0)
		goto out;
	if (!alias_is_ours(alias) || strlen(alias) >= NET_ALIAS_MAX) {
		ret = err_set(err, EINVAL, "Invalid alias '%s' for %s: it must start with '%s'",
			      alias, spec->name, NET_MANAGED_ALIAS_PREFIX);
		goto out;
	}
	ret = read_link(nl, spec->lower_ifindex, spec->lower_name, &lower, err);
	if (ret < 0)
		goto out;
	lower_name = rtnl_link_get_name(lower);
	if (spec->mtu && spec->mtu > rtnl_link_get_mtu(lower)) {
		ret = err_set(err, EINVAL,
			      "Unable to create interface %s: MTU %u is larger than the MTU of %s (%u)",
			      spec->name, spec->mtu, lower_name, rtnl_link_get_mtu(lower));
		goto out;
	}
	if (spec->mac) {
		ret = build_mac(spec->mac, &mac, err);
		if (ret < 0)
			goto out;
	}

	link = rtnl_link_macvlan_alloc();
	if (!link) {
		ret = err_set(err, ENOMEM, "Out of memory creating interface %s", spec->name);
		goto out;
	}
	rtnl_link_set_name(link, spec->name);
	rtnl_link_set_link(link, rtnl_link_get_ifindex(lower));
	if (mac)
		rtnl_link_set_addr(link, mac);
	if (spec->mtu)
		rtnl_link_set_mtu(link, spec->mtu);
	if (spec->up)
		rtnl_link_set_flags(link, IFF_UP);
	ret = rtnl_link_macvlan_set_mode(link, MACVLAN_MODE_BRIDGE);
	if (ret < 0) {
		ret = err_set(err, net_nl_result(nl, ret), "Unable to create interface %s", spec->name);
		goto out;
	}
	ret = net_nl_result(nl, rtnl_link_add(net_nl_sock(nl), link, NLM_F_CREATE | NLM_F_EXCL));
	if (ret == -EEXIST) {
		ret = err_set(err, EEXIST,
			      "Unable to create interface %s: an interface with that name already exists",
			      spec->name);
		goto out;
	}
	if (ret == -EADDRINUSE) {
		ret = err_set(err, EADDRINUSE,
			      "Unable to create interface %s: MAC address %s is already in use on %s",
			      spec->name, spec->mac ? spec->mac : "", lower_name);
		goto out;
	}
	if (ret < 0) {
		ret = err_set(err, ret, "Unable to create interface %s on %s: %s", spec->name,
			      lower_name, strerror(-ret));
		goto out;
	}
	ret = tag_new_link(nl, spec->name, alias, ifindex, err);
out:
	if (link)
		rtnl_link_put(link);
	if (mac)
		nl_addr_put(mac);
	if (lower)
		rtnl_link_put(lower);
	return ret;
}

int net_iface_vlan_name(const char *lower_name, int lower_ifindex, unsigned vid, char *out,
			size_t len)
{
	int used;

	if (vid < 1 || vid > VLAN_ID_MAX || !lower_name || len == 0)
		return -EINVAL;
	used = snprintf(out, len, "%s.%u", lower_name, vid);
	if (used > 0 && (size_t)used < len && used < IFNAMSIZ)
		return 0;
	used = snprintf(out, len, "esxv%d.%u", lower_ifindex, vid);
	if (used > 0 && (size_t)used < len && used < IFNAMSIZ)
		return 0;
	out[0] = '\0';
	return -EINVAL;
}

int net_iface_create_vlan(struct net_nl *nl, int lower_ifindex, unsigned vid, const char *name,
			  int *ifindex, struct esx_err *err)
{
	struct rtnl_link *lower = NULL, *link = NULL;
	char vlan_name[NET_NAME_MAX];
	const char *lower_name;
	int ret;

	if (vid < 1 || vid > VLAN_ID_MAX) {
		ret = err_set(err, EINVAL, "Invalid VLAN ID %u: a VLAN sub-interface needs 1..%d",
			      vid, VLAN_ID_MAX);
		goto out;
	}
	ret = read_link(nl, lower_ifindex, NULL, &lower, err);
	if (ret < 0)
		goto out;
	lower_name = rtnl_link_get_name(lower);
	if (name) {
		ret = net_check_name(name, err);
		if (ret < 0)
			goto out;
		snprintf(vlan_name, sizeof(vlan_name), "%s", name);
	} else if (net_iface_vlan_name(lower_name ? lower_name : "", lower_ifindex, vid,
				       vlan_name, sizeof(vlan_name)) < 0) {
		ret = err_set(err, EINVAL, "No interface name fits VLAN ID %u on %s", vid,
			      lower_name ? lower_name : "");
		goto out;
	}

	link = rtnl_link_vlan_alloc();
	if (!link) {
		ret = err_set(err, ENOMEM, "Out of memory creating interface %s", vlan_name);
		goto out;
	}
	rtnl_link_set_name(link, vlan_name);
	rtnl_link_set_link(link, lower_ifindex);
	rtnl_link_set_flags(link, IFF_UP);
	ret = rtnl_link_vlan_set_id(link, (uint16_t)vid);
	if (ret < 0) {
		ret = err_set(err, net_nl_result(nl, ret), "Unable to create interface %s",
			      vlan_name);
		goto out;
	}
	ret = net_nl_result(nl, rtnl_link_add(net_nl_sock(nl), link, NLM_F_CREATE | NLM_F_EXCL));
	if (ret == -EOPNOTSUPP) {
		ret = err_set(err, EOPNOTSUPP,
			      "VLAN ID %u needs 802.1Q support (the 8021q kernel module), which this kernel lacks",
			      vid);
		goto out;
	}
	if (ret == -EEXIST) {
		ret = err_set(err, EEXIST,
			      "Unable to create interface %s: an interface with that name already exists",
			      vlan_name);
		goto out;
	}
	if (ret < 0) {
		ret = err_set(err, ret, "Unable to create VLAN %u on %s: %s", vid, lower_name,
			      strerror(-ret));
		goto out;
	}
	ret = tag_new_link(nl, vlan_name, NET_ALIAS_VLAN, ifindex, err);
out:
	if (link)
		rtnl_link_put(link);
	if (lower)
		rtnl_link_put(lower);
	return ret;
}

int net_iface_delete(struct net_nl *nl, const char *name, struct esx_err *err)
{
	struct rtnl_link *link = NULL;
	int ret;

	ret = read_link(nl, 0, name, &link, err);
	if (ret < 0)
		goto out;
	if (!alias_is_ours(rtnl_link_get_ifalias(link))) {
		ret = err_set(err, EPERM,
			      "Refusing to delete interface %s: esxclid did not create it (its alias does not start with '%s')",
			      name, NET_MANAGED_ALIAS_PREFIX);
		goto out;
	}
	/* By index: a link renamed or replaced since it was read is left alone. */
	ret = delete_by_index(nl, rtnl_link_get_ifindex(link));
	if (ret == -ENODEV || ret == -ENOENT) {
		ret = err_set(err, ENOENT, "Unable to find network interface %s", name);
		goto out;
	}
	if (ret < 0) {
		ret = err_set(err, ret, "Unable to delete interface %s: %s", name, strerror(-ret));
		goto out;
	}
	ret = 0;
out:
	if (link)
		rtnl_link_put(link);
	return ret;
}

/* Apply change to the link called name; what names the setting in messages. */
static int change_named(struct net_nl *nl, const char *name, struct rtnl_link *change,
			const char *what, struct esx_err *err)
{
	struct rtnl_link *link = NULL;
	int ret;

	ret = read_link(nl, 0, name, &link, err);
	if (ret < 0)
		goto out;
	ret = change_link(nl, rtnl_link_get_ifindex(link), change);
	if (ret < 0) {
		ret = err_set(err, ret, "Unable to set %s of interface %s: %s", what, name,
			      strerror(-ret));
		goto out;
	}
	ret = 0;
out:
	if (link)
		rtnl_link_put(link);
	return ret;
}

int net_iface_set_mtu(struct net_nl *nl, const char *name, unsigned mtu, struct esx_err *err)
{
	struct rtnl_link *change;
	char what[32];
	int ret;

	if (mtu == 0)
		return err_set(err, EINVAL, "Invalid MTU 0 for interface %s", name ? name : "");
	change = rtnl_link_alloc();
	if (!change)
		return err_set(err, ENOMEM, "Out of memory");
	rtnl_link_set_mtu(change, mtu);
	snprintf(what, sizeof(what), "the MTU to %u", mtu);
	ret = change_named(nl, name, change, what, err);
	rtnl_link_put(change);
	return ret;
}

int net_iface_set_mac(struct net_nl *nl, const char *name, const char *mac,
		      struct esx_err *err)
{
	struct rtnl_link *change;
	struct nl_addr *addr = NULL;
	char what[48];
	int ret;

	ret = build_mac(mac, &addr, err);
	if (ret < 0)
		return ret;
	change = rtnl_link_alloc();
	if (change)
		rtnl_link_set_addr(change, addr);    /* takes its own reference */
	nl_addr_put(addr);
	if (!change)
		return err_set(err, ENOMEM, "Out of memory");
	snprintf(what, sizeof(what), "the MAC address to %s", mac);
	ret = change_named(nl, name, change, what, err);
	rtnl_link_put(change);
	return ret;
}

int net_iface_set_up(struct net_nl *nl, const char *name, bool up, struct esx_err *err)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int ret;

	if (!change)
		return err_set(err, ENOMEM, "Out of memory");
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	ret = change_named(nl, name, change, up ? "the state to up" : "the state to down", err);
	rtnl_link_put(change);
	return ret;
}

int net_iface_get(struct net_nl *nl, const char *name, struct net_iface *out,
		  struct esx_err *err)
{
	struct rtnl_link *link = NULL;
	int ret = read_link(nl, 0, name, &link, err);

	if (ret < 0)
		return ret;
	fill_iface(link, out);
	rtnl_link_put(link);
	return 0;
}

int net_iface_get_by_index(struct net_nl *nl, int ifindex, struct net_iface *out,
			   struct esx_err *err)
{
	struct rtnl_link *link = NULL;
	int ret;

	if (ifindex <= 0)
		return err_set(err, EINVAL, "Invalid interface index %d", ifindex);
	ret = read_link(nl, ifindex, NULL, &link, err);
	if (ret < 0)
		return ret;
	fill_iface(link, out);
	rtnl_link_put(link);
	return 0;
}

static void collect_link(struct nl_object *obj, void *arg)
{
	struct link_list *links = arg;
	struct net_iface iface, *item;

	fill_iface((struct rtnl_link *)obj, &iface);
	if (links->ours_only && !iface.ours)
		return;
	item = net_nl_list_push(&links->list);
	if (item)
		*item = iface;
}

static int compare_ifindex(const void *a, const void *b)
{
	int x = ((const struct net_iface *)a)->ifindex;
	int y = ((const struct net_iface *)b)->ifindex;

	return (x > y) - (x < y);
}

int net_iface_list(struct net_nl *nl, bool ours_only, struct net_iface **out, size_t *count,
		   struct esx_err *err)
{
	struct link_list links = { .list = NET_NL_LIST_INIT(struct net_iface),
				   .ours_only = ours_only };
	int ret;

	ret = net_nl_dump_list(nl, RTM_GETLINK, AF_UNSPEC, collect_link, &links.list);
	if (ret < 0)
		return err_set(err, ret, "Unable to read the network interfaces: %s",
			       strerror(-ret));
	if (links.list.len > 1)
		qsort(links.list.items, links.list.len, sizeof(struct net_iface), compare_ifindex);
	*out = links.list.items;
	*count = links.list.len;
	return 0;
}
