/* SPDX-License-Identifier: GPL-3.0-or-later */
/* IP addresses of links through libnl. See net_addr.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "net_addr.h"

struct addr_list {
	struct net_nl_list list;      /* first: the dump hands it to collect_addr() */
	int ifindex, family;
};

/* The name of a link for a message; the index when it has gone. */
static void link_label(int ifindex, char *out, size_t len)
{
	char name[IF_NAMESIZE];

	if (if_indextoname((unsigned)ifindex, name))
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "with index %d", ifindex);
}

/* Parse "addr/prefix" into a libnl address and its canonical text. */
static int parse_cidr(const char *cidr, bool need_prefix, struct nl_addr **addr, int *family,
		      char *canonical, size_t len)
{
	int fam = AF_UNSPEC;
	int ret = net_nl_parse_ip(cidr, &fam, need_prefix, false, addr);

	if (ret < 0)
		return ret;
	*family = fam;
	if (canonical)
		net_nl_format_cidr(*addr, false, canonical, len);
	return 0;
}

static void fill_ipaddr(struct rtnl_addr *a, struct net_ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = rtnl_addr_get_family(a);
	out->ifindex = rtnl_addr_get_ifindex(a);
	net_nl_format_ip(rtnl_addr_get_local(a), out->addr, sizeof(out->addr));
	out->prefix = (unsigned)rtnl_addr_get_prefixlen(a);
	net_nl_format_ip(rtnl_addr_get_broadcast(a), out->broadcast, sizeof(out->broadcast));
	out->scope = rtnl_addr_get_scope(a);
	out->flags = rtnl_addr_get_flags(a);
}

static void collect_addr(struct nl_object *obj, void *arg)
{
	struct addr_list *addrs = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	int family = rtnl_addr_get_family(a);
	struct net_ipaddr *item;

	if (family != AF_INET && family != AF_INET6)
		return;
	if (addrs->family != AF_UNSPEC && family != addrs->family)
		return;
	if (addrs->ifindex && rtnl_addr_get_ifindex(a) != addrs->ifindex)
		return;
	item = net_nl_list_push(&addrs->list);
	if (item)
		fill_ipaddr(a, item);
}

int net_addr_list(struct net_nl *nl, int ifindex, int family, struct net_ipaddr **out,
		  size_t *count, struct esx_err *err)
{
	struct addr_list addrs = { .list = NET_NL_LIST_INIT(struct net_ipaddr),
				   .ifindex = ifindex, .family = family };
	int ret;

	ret = net_nl_dump_list(nl, RTM_GETADDR, family, collect_addr, &addrs.list);
	if (ret < 0)
		return err_set(err, ret, "Unable to read the IP addresses: %s", strerror(-ret));
	*out = addrs.list.items;
	*count = addrs.list.len;
	return 0;
}

/* The IPv4 broadcast address of local (a /31 or /32 has none). */
static int ipv4_broadcast(struct nl_addr *local, struct nl_addr **out)
{
	unsigned prefix = nl_addr_get_prefixlen(local);
	uint32_t host, mask;

	*out = NULL;
	if (prefix > 30)
		return 0;
	memcpy(&host, nl_addr_get_binary_addr(local), sizeof(host));
	mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	host |= ~mask;
	*out = nl_addr_build(AF_INET, &host, sizeof(host));
	return *out ? 0 : -ENOMEM;
}

/* Build the libnl address object for cidr on ifindex; for an addition, with
 * the IPv4 broadcast or the IPv6 NODAD flag. */
static int build_addr(int ifindex, const char *cidr, bool for_add, struct rtnl_addr **out)
{
	struct rtnl_addr *a = NULL;
	struct nl_addr *local = NULL, *broadcast = NULL;
	int family, ret;

	ret = parse_cidr(cidr, true, &local, &family, NULL, 0);
	if (ret < 0)
		goto out;
	a = rtnl_addr_alloc();
	if (!a) {
		ret = -ENOMEM;
		goto out;
	}
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, family);
	ret = rtnl_addr_set_local(a, local);
	if (ret < 0) {
		ret = -ENOMEM;
		goto out;
	}
	rtnl_addr_set_prefixlen(a, nl_addr_get_prefixlen(local));
	if (for_add && family == AF_INET) {
		ret = ipv4_broadcast(local, &broadcast);
		if (ret < 0)
			goto out;
		if (broadcast && rtnl_addr_set_broadcast(a, broadcast) < 0) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (for_add && family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	*out = a;
	a = NULL;
	ret = 0;
out:
	if (a)
		rtnl_addr_put(a);
	if (broadcast)
		nl_addr_put(broadcast);
	if (local)
		nl_addr_put(local);
	return ret;
}

static int bad_cidr(const char *cidr, struct esx_err *err)
{
	return err_set(err, EINVAL,
		       "Invalid IP address '%s': expected address/prefix length, such as 192.0.2.10/24 or 2001:db8::10/64",
		       cidr ? cidr : "");
}

static int change_addr(struct net_nl *nl, int ifindex, const char *cidr, bool add,
		       struct esx_err *err)
{
	struct rtnl_addr *a = NULL;
	char label[IF_NAMESIZE + 24];
	int ret;

	ret = build_addr(ifindex, cidr, add, &a);
	if (ret == -EINVAL) {
		ret = bad_cidr(cidr, err);
		goto out;
	}
	if (ret < 0) {
		ret = err_set(err, ret, "Out of memory");
		goto out;
	}
	if (add)
		ret = rtnl_addr_add(net_nl_sock(nl), a, NLM_F_EXCL);
	else
		ret = rtnl_addr_delete(net_nl_sock(nl), a, 0);
	ret = net_nl_result(nl, ret);
	if (ret == 0)
		goto out;
	link_label(ifindex, label, sizeof(label));
	if (add && ret == -EEXIST)
		ret = err_set(err, EEXIST, "Address %s is already on interface %s", cidr, label);
	else if (!add && (ret == -EADDRNOTAVAIL || ret == -ENOENT || ret == -ESRCH))
		ret = err_set(err, ENOENT, "Address %s is not on interface %s", cidr, label);
	else
		ret = err_set(err, ret, "Unable to %s address %s %s interface %s: %s",
			      add ? "add" : "remove", cidr, add ? "to" : "from", label,
			      strerror(-ret));
out:
	if (a)
		rtnl_addr_put(a);
	return ret;
}

int net_addr_add(struct net_nl *nl, int ifindex, const char *cidr, struct esx_err *err)
{
	return change_addr(nl, ifindex, cidr, true, err);
}

int net_addr_delete(struct net_nl *nl, int ifindex, const char *cidr, struct esx_err *err)
{
	return change_addr(nl, ifindex, cidr, false, err);
}

/* ---- sync ---------------------------------------------------------------- */

static bool in_list(const char *canonical, char (*list)[NET_CIDR_MAX], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(canonical, list[i]) == 0)
			return true;
	return false;
}

/* Canonical texts of cidrs: "addr/prefix", or only "addr" unless need_prefix. */
static int canonical_list(const char *const *cidrs, size_t n, bool need_prefix,
			  char (**out)[NET_CIDR_MAX], struct esx_err *err)
{
	char (*list)[NET_CIDR_MAX] = calloc(n ? n : 1, sizeof(*list));

	if (!list)
		return err_set(err, ENOMEM, "Out of memory");
	for (size_t i = 0; i < n; i++) {
		struct nl_addr *addr = NULL;
		int family;

		if (parse_cidr(cidrs[i], need_prefix, &addr, &family, list[i],
			       sizeof(list[i])) < 0) {
			free(list);
			return bad_cidr(cidrs[i], err);
		}
		if (!need_prefix)
			net_nl_format_ip(addr, list[i], sizeof(list[i]));
		nl_addr_put(addr);
	}
	*out = list;
	return 0;
}

static bool is_ipv6_link_local(const struct net_ipaddr *a)
{
	struct in6_addr in6;

	return a->family == AF_INET6 && inet_pton(AF_INET6, a->addr, &in6) == 1 &&
	       IN6_IS_ADDR_LINKLOCAL(&in6);
}

int net_addr_sync(struct net_nl *nl, int ifindex, const char *const *want, size_t nwant,
		  const char *const *owned, size_t nowned, struct esx_err *err)
{
	char (*wanted)[NET_CIDR_MAX] = NULL;
	char (*mine)[NET_CIDR_MAX] = NULL;
	struct net_ipaddr *have = NULL;
	size_t nhave = 0;
	bool *present = NULL;
	struct esx_err step;
	int ret;

	ret = canonical_list(want, nwant, true, &wanted, err);
	if (ret < 0)
		goto out;
	if (owned) {
		ret = canonical_list(owned, nowned, false, &mine, err);
		if (ret < 0)
			goto out;
	}
	ret = net_addr_list(nl, ifindex, AF_UNSPEC, &have, &nhave, err);
	if (ret < 0)
		goto out;
	present = calloc(nwant ? nwant : 1, sizeof(*present));
	if (!present) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}

	for (size_t i = 0; i < nhave; i++) {
		char cidr[NET_CIDR_MAX];
		bool keep = false;

		snprintf(cidr, sizeof(cidr), "%s/%u", have[i].addr, have[i].prefix);
		for (size_t j = 0; j < nwant; j++) {
			if (strcmp(cidr, wanted[j]) == 0) {
				present[j] = true;
				keep = true;
			}
		}
		if (keep)
			continue;
		if (owned ? !in_list(have[i].addr, mine, nowned) : is_ipv6_link_local(&have[i]))
			continue;
		/* Deleting an IPv4 primary address also deletes its
		 * secondaries: one gone already is fine. */
		err_reset(&step);
		ret = net_addr_delete(nl, ifindex, cidr, &step);
		if (ret < 0 && ret != -ENOENT) {
			ret = err_set(err, ret, "%s", step.text);
			goto out;
		}
	}
	for (size_t j = 0; j < nwant; j++) {
		if (present[j])
			continue;
		err_reset(&step);
		ret = net_addr_add(nl, ifindex, wanted[j], &step);
		if (ret < 0 && ret != -EEXIST) {
			ret = err_set(err, ret, "%s", step.text);
			goto out;
		}
	}
	ret = 0;
out:
	free(present);
	free(have);
	free(mine);
	free(wanted);
	return ret;
}

int net_cidr_network(const char *cidr, char *out, size_t len)
{
	struct nl_addr *addr = NULL;
	unsigned char bytes[16];
	char host[NET_IP_MAX];
	unsigned prefix, n_bytes;
	int family, used, ret;

	ret = parse_cidr(cidr, true, &addr, &family, NULL, 0);
	if (ret < 0)
		return ret;
	prefix = nl_addr_get_prefixlen(addr);
	n_bytes = nl_addr_get_len(addr);
	memcpy(bytes, nl_addr_get_binary_addr(addr), n_bytes);
	nl_addr_put(addr);
	for (unsigned bit = prefix; bit < n_bytes * 8; bit++)
		bytes[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
	if (!inet_ntop(family, bytes, host, sizeof(host)))
		return -EINVAL;
	used = snprintf(out, len, "%s/%u", host, prefix);
	if (used < 0 || (size_t)used >= len)
		return -EINVAL;
	return 0;
}
