/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The daemon's routes and policy rules through libnl. See net_route.h. */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include "net_route.h"

/* Rules go before the main table's (32766) and after the local one's (0). */
#define RULE_PRIORITY_MAX 32765u

enum route_op { ROUTE_ADD, ROUTE_REPLACE, ROUTE_DELETE };

/* What a dump collects: the list first, as the dump hands it to the
 * collector. */
struct family_list {
	struct net_nl_list list;
	int family;                   /* AF_UNSPEC: both */
};

static const char *family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* "default via 192.0.2.1 dev vmk1 table 1001", for messages. */
static void describe_route(const struct net_route *r, char *out, size_t len)
{
	char dev[IF_NAMESIZE] = "";
	size_t used;

	used = (size_t)snprintf(out, len, "%s", r->dst[0] ? r->dst : "?");
	if (used < len && r->gateway[0])
		used += (size_t)snprintf(out + used, len - used, " via %s", r->gateway);
	if (used < len && r->ifindex > 0)
		used += (size_t)snprintf(out + used, len - used, " dev %s",
					 if_indextoname((unsigned)r->ifindex, dev) ?
					 dev : "(gone)");
	if (used < len)
		snprintf(out + used, len - used, " table %u", r->table);
}

/* A destination with host bits set ("192.0.2.10/24") is refused: the
 * kernel would refuse it too, with a less clear message. */
static bool host_bits_clear(struct nl_addr *addr)
{
	const unsigned char *bytes = nl_addr_get_binary_addr(addr);
	unsigned n_bits = nl_addr_get_len(addr) * 8;

	for (unsigned bit = nl_addr_get_prefixlen(addr); bit < n_bits; bit++)
		if (bytes[bit / 8] & (0x80u >> (bit % 8)))
			return false;
	return true;
}

static int build_route(const struct net_route *r, enum route_op op, struct rtnl_route **out,
		       struct esx_err *err)
{
	struct rtnl_route *route = NULL;
	struct rtnl_nexthop *nh = NULL;
	struct nl_addr *dst = NULL, *gateway = NULL, *src = NULL;
	int family = r->family;
	int ret;

	if (family != AF_INET && family != AF_INET6) {
		ret = err_set(err, EINVAL, "Invalid route to %s: the family must be IPv4 or IPv6",
			      r->dst);
		goto out;
	}
	if (net_nl_parse_ip(r->dst, &family, true, true, &dst) < 0 || !host_bits_clear(dst)) {
		ret = err_set(err, EINVAL,
			      "Invalid %s route destination '%s': expected a network such as %s or 'default'",
			      family_name(family), r->dst,
			      family == AF_INET ? "192.0.2.0/24" : "2001:db8::/64");
		goto out;
	}
	if (r->gateway[0] && net_nl_parse_ip(r->gateway, &family, false, false, &gateway) < 0) {
		ret = err_set(err, EINVAL, "Invalid %s gateway '%s'", family_name(family),
			      r->gateway);
		goto out;
	}
	if (r->src[0] && net_nl_parse_ip(r->src, &family, false, false, &src) < 0) {
		ret = err_set(err, EINVAL, "Invalid %s source address '%s'", family_name(family),
			      r->src);
		goto out;
	}
	if (op != ROUTE_DELETE && !gateway && r->ifindex <= 0) {
		ret = err_set(err, EINVAL, "Invalid route to %s: it needs a gateway or an interface",
			      r->dst);
		goto out;
	}

	route = rtnl_route_alloc();
	if (!route) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	rtnl_route_set_family(route, (uint8_t)family);
	rtnl_route_set_table(route, r->table);
	rtnl_route_set_type(route, RTN_UNICAST);
	rtnl_route_set_protocol(route, NET_RTPROT_ESXCLID);
	ret = rtnl_route_set_dst(route, dst);
	if (ret == 0 && src)
		ret = rtnl_route_set_pref_src(route, src);
	if (ret < 0) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	if (r->metric)
		rtnl_route_set_priority(route, r->metric);
	if (op == ROUTE_DELETE) {
		/* Any scope; metrics are matched when given, so give none. */
		rtnl_route_set_scope(route, RT_SCOPE_NOWHERE);
	} else {
		rtnl_route_set_scope(route, gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
		if (r->quickack && rtnl_route_set_metric(route, RTAX_QUICKACK, 1) < 0) {
			ret = err_set(err, ENOMEM, "Out of memory");
			goto out;
		}
	}
	if (gateway || r->ifindex > 0) {
		nh = rtnl_route_nh_alloc();
		if (!nh) {
			ret = err_set(err, ENOMEM, "Out of memory");
			goto out;
		}
		if (r->ifindex > 0)
			rtnl_route_nh_set_ifindex(nh, r->ifindex);
		if (gateway)
			rtnl_route_nh_set_gateway(nh, gateway);
		rtnl_route_add_nexthop(route, nh);    /* the route owns it now */
		nh = NULL;
	}
	*out = route;
	route = NULL;
	ret = 0;
out:
	if (nh)
		rtnl_route_nh_free(nh);
	if (route)
		rtnl_route_put(route);
	if (src)
		nl_addr_put(src);
	if (gateway)
		nl_addr_put(gateway);
	if (dst)
		nl_addr_put(dst);
	return ret;
}

static int change_route(struct net_nl *nl, const struct net_route *r, enum route_op op,
			struct esx_err *err)
{
	struct rtnl_route *route = NULL;
	char what[NET_CIDR_MAX + NET_IP_MAX + IF_NAMESIZE + 48];
	int ret;

	ret = build_route(r, op, &route, err);
	if (ret < 0)
		goto out;
	describe_route(r, what, sizeof(what));
	switch (op) {
	case ROUTE_ADD:
		ret = rtnl_route_add(net_nl_sock(nl), route, NLM_F_EXCL);
		break;
	case ROUTE_REPLACE:
		ret = rtnl_route_add(net_nl_sock(nl), route, NLM_F_REPLACE);
		break;
	case ROUTE_DELETE:
		ret = rtnl_route_delete(net_nl_sock(nl), route, 0);
		break;
	}
	ret = net_nl_result(nl, ret);
	if (ret == -EEXIST) {
		ret = err_set(err, EEXIST, "Route %s already exists", what);
		goto out;
	}
	if (op == ROUTE_DELETE && (ret == -ESRCH || ret == -ENOENT)) {
		ret = err_set(err, ENOENT, "Unable to find route %s made by esxclid", what);
		goto out;
	}
	if (ret == -ENETDOWN) {
		ret = err_set(err, ENETDOWN, "Unable to add route %s: the interface is down", what);
		goto out;
	}
	if (ret < 0) {
		ret = err_set(err, ret, "Unable to %s route %s: %s",
			      op == ROUTE_DELETE ? "delete" : "add", what, strerror(-ret));
		goto out;
	}
	ret = 0;
out:
	if (route)
		rtnl_route_put(route);
	return ret;
}

int net_route_add(struct net_nl *nl, const struct net_route *r, struct esx_err *err)
{
	return change_route(nl, r, ROUTE_ADD, err);
}

int net_route_replace(struct net_nl *nl, const struct net_route *r, struct esx_err *err)
{
	return change_route(nl, r, ROUTE_REPLACE, err);
}

int net_route_delete(struct net_nl *nl, const struct net_route *r, struct esx_err *err)
{
	return change_route(nl, r, ROUTE_DELETE, err);
}

static void fill_route(struct rtnl_route *route, struct net_route *out)
{
	struct rtnl_nexthop *nh = NULL;
	uint32_t quickack = 0;

	memset(out, 0, sizeof(*out));
	out->family = rtnl_route_get_family(route);
	out->table = rtnl_route_get_table(route);
	net_nl_format_cidr(rtnl_route_get_dst(route), true, out->dst, sizeof(out->dst));
	net_nl_format_ip(rtnl_route_get_pref_src(route), out->src, sizeof(out->src));
	out->metric = rtnl_route_get_priority(route);
	out->quickack = rtnl_route_get_metric(route, RTAX_QUICKACK, &quickack) == 0 &&
			quickack != 0;
	out->protocol = rtnl_route_get_protocol(route);
	out->scope = rtnl_route_get_scope(route);
	if (rtnl_route_get_nnexthops(route) > 0)
		nh = rtnl_route_nexthop_n(route, 0);
	if (nh) {
		out->ifindex = rtnl_route_nh_get_ifindex(nh);
		net_nl_format_ip(rtnl_route_nh_get_gateway(nh), out->gateway,
				 sizeof(out->gateway));
	}
}

/* Is obj's family one this list wants? */
static bool wanted_family(const struct family_list *l, int family)
{
	return (family == AF_INET || family == AF_INET6) &&
	       (l->family == AF_UNSPEC || family == l->family);
}

static void collect_route(struct nl_object *obj, void *arg)
{
	struct family_list *routes = arg;
	struct rtnl_route *route = (struct rtnl_route *)obj;
	struct net_route *item;

	if (!wanted_family(routes, rtnl_route_get_family(route)) ||
	    rtnl_route_get_protocol(route) != NET_RTPROT_ESXCLID ||
	    (rtnl_route_get_flags(route) & RTM_F_CLONED))
		return;
	item = net_nl_list_push(&routes->list);
	if (item)
		fill_route(route, item);
}

int net_route_list_ours(struct net_nl *nl, int family, struct net_route **out,
			size_t *count, struct esx_err *err)
{
	struct family_list routes = { .list = NET_NL_LIST_INIT(struct net_route),
				      .family = family };
	int ret;

	ret = net_nl_dump_list(nl, RTM_GETROUTE, family, collect_route, &routes.list);
	if (ret < 0)
		return err_set(err, ret, "Unable to read the routes: %s", strerror(-ret));
	*out = routes.list.items;
	*count = routes.list.len;
	return 0;
}

/* ---- rules --------------------------------------------------------------- */

static int build_rule(const struct net_rule *r, struct rtnl_rule **out, struct esx_err *err)
{
	struct rtnl_rule *rule = NULL;
	struct nl_addr *from = NULL;
	int family = r->family;
	int ret;

	if (family != AF_INET && family != AF_INET6) {
		ret = err_set(err, EINVAL, "Invalid rule from %s: the family must be IPv4 or IPv6",
			      r->from);
		goto out;
	}
	if (net_nl_parse_ip(r->from, &family, false, false, &from) < 0) {
		ret = err_set(err, EINVAL, "Invalid %s rule source '%s'", family_name(family),
			      r->from);
		goto out;
	}
	if (r->priority < 1 || r->priority > RULE_PRIORITY_MAX) {
		ret = err_set(err, EINVAL, "Invalid rule priority %u: expected 1..%u", r->priority,
			      RULE_PRIORITY_MAX);
		goto out;
	}
	if (r->table == 0) {
		ret = err_set(err, EINVAL, "Invalid rule from %s: it needs a table", r->from);
		goto out;
	}
	rule = rtnl_rule_alloc();
	if (!rule) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	rtnl_rule_set_family(rule, family);
	ret = rtnl_rule_set_src(rule, from);
	if (ret < 0) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	rtnl_rule_set_table(rule, r->table);
	rtnl_rule_set_prio(rule, r->priority);
	/* Without an action the kernel makes an "unspec" rule that
	 * blackholes: always say lookup. */
	rtnl_rule_set_action(rule, FR_ACT_TO_TBL);
	rtnl_rule_set_protocol(rule, NET_RTPROT_ESXCLID);
	*out = rule;
	rule = NULL;
	ret = 0;
out:
	if (rule)
		rtnl_rule_put(rule);
	if (from)
		nl_addr_put(from);
	return ret;
}

static int change_rule(struct net_nl *nl, const struct net_rule *r, bool add,
		       struct esx_err *err)
{
	struct rtnl_rule *rule = NULL;
	int ret;

	ret = build_rule(r, &rule, err);
	if (ret < 0)
		goto out;
	/* On deletion the kernel matches the protocol too: only ours can go. */
	if (add)
		ret = rtnl_rule_add(net_nl_sock(nl), rule, NLM_F_EXCL);
	else
		ret = rtnl_rule_delete(net_nl_sock(nl), rule, 0);
	ret = net_nl_result(nl, ret);
	if (ret == 0)
		goto out;
	if (add && ret == -EEXIST)
		ret = err_set(err, EEXIST, "Rule from %s lookup %u priority %u already exists",
			      r->from, r->table, r->priority);
	else if (!add && (ret == -ENOENT || ret == -ESRCH))
		ret = err_set(err, ENOENT,
			      "Unable to find rule from %s lookup %u priority %u made by esxclid",
			      r->from, r->table, r->priority);
	else
		ret = err_set(err, ret, "Unable to %s rule from %s lookup %u priority %u: %s",
			      add ? "add" : "delete", r->from, r->table, r->priority,
			      strerror(-ret));
out:
	if (rule)
		rtnl_rule_put(rule);
	return ret;
}

int net_rule_add(struct net_nl *nl, const struct net_rule *r, struct esx_err *err)
{
	return change_rule(nl, r, true, err);
}

int net_rule_ensure(struct net_nl *nl, const struct net_rule *r, struct esx_err *err)
{
	struct esx_err step = { 0 };
	int ret = change_rule(nl, r, true, &step);

	if (ret == -EEXIST || ret == 0)
		return 0;
	return err_set(err, ret, "%s", step.text);
}

int net_rule_delete(struct net_nl *nl, const struct net_rule *r, struct esx_err *err)
{
	return change_rule(nl, r, false, err);
}

static void collect_rule(struct nl_object *obj, void *arg)
{
	struct family_list *rules = arg;
	struct rtnl_rule *rule = (struct rtnl_rule *)obj;
	uint8_t protocol = 0;
	struct net_rule *item;

	if (!wanted_family(rules, rtnl_rule_get_family(rule)) ||
	    rtnl_rule_get_protocol(rule, &protocol) < 0 || protocol != NET_RTPROT_ESXCLID)
		return;
	item = net_nl_list_push(&rules->list);
	if (!item)
		return;
	item->family = rtnl_rule_get_family(rule);
	net_nl_format_cidr(rtnl_rule_get_src(rule), false, item->from, sizeof(item->from));
	item->table = rtnl_rule_get_table(rule);
	item->priority = rtnl_rule_get_prio(rule);
	item->protocol = protocol;
}

int net_rule_list_ours(struct net_nl *nl, int family, struct net_rule **out, size_t *count,
		       struct esx_err *err)
{
	struct family_list rules = { .list = NET_NL_LIST_INIT(struct net_rule),
				     .family = family };
	int ret;

	ret = net_nl_dump_list(nl, RTM_GETRULE, family, collect_rule, &rules.list);
	if (ret < 0)
		return err_set(err, ret, "Unable to read the routing rules: %s", strerror(-ret));
	*out = rules.list.items;
	*count = rules.list.len;
	return 0;
}
