/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Planning the kernel state from the model: a pure function, unit-tested. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iscsi_settings.h"
#include "netplan.h"

static const struct uplink_state *find_link(const struct uplink_state *links, size_t n,
					    const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(links[i].name, name) == 0)
			return &links[i];
	}
	return NULL;
}

static bool usable(const struct uplink_state *l)
{
	return l && l->exists && l->admin_up && l->carrier;
}

static bool exists(const struct uplink_state *l)
{
	return l && l->exists;
}

/* The list's own copy of name, or NULL. */
static const char *find_in(const struct esx_strv *v, const char *name)
{
	for (size_t i = 0; name && name[0] && i < v->len; i++) {
		if (strcmp(v->items[i], name) == 0)
			return v->items[i];
	}
	return NULL;
}

static const char *first_where(const struct esx_strv *list, const struct uplink_state *links,
			       size_t n, bool (*pred)(const struct uplink_state *))
{
	for (size_t i = 0; i < list->len; i++) {
		if (pred(find_link(links, n, list->items[i])))
			return list->items[i];
	}
	return NULL;
}

const char *plan_choose_uplink(const struct failover_policy *eff, const char *current,
			       const struct uplink_state *links, size_t nlinks)
{
	const char *here = find_in(&eff->active, current);
	const char *pick;

	if (!here)
		here = find_in(&eff->standby, current);
	/* Without failback a vmk stays where it is while that uplink works,
	 * even when a better one has come back (ESXi's "Failback: No"). */
	if (!eff->failback && here && usable(find_link(links, nlinks, here)))
		return here;
	pick = first_where(&eff->active, links, nlinks, usable);
	if (!pick)
		pick = first_where(&eff->standby, links, nlinks, usable);
	if (pick)
		return pick;
	/* No uplink has carrier: stay put if possible, else take the first that
	 * exists, so the vmk keeps existing and comes up with its link. */
	if (here && exists(find_link(links, nlinks, here)))
		return here;
	pick = first_where(&eff->active, links, nlinks, exists);
	if (!pick)
		pick = first_where(&eff->standby, links, nlinks, exists);
	return pick;
}

int plan_ipv4_network(const char *addr, unsigned prefix, char *net, size_t net_len,
		      char *bcast, size_t bcast_len)
{
	struct in_addr a, n, b;
	uint32_t mask;

	if (prefix > 32 || inet_pton(AF_INET, addr, &a) != 1)
		return -EINVAL;
	mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	n.s_addr = a.s_addr & mask;
	b.s_addr = n.s_addr | ~mask;
	if (net && !inet_ntop(AF_INET, &n, net, (socklen_t)net_len))
		return -ENOSPC;
	if (bcast && !inet_ntop(AF_INET, &b, bcast, (socklen_t)bcast_len))
		return -ENOSPC;
	return 0;
}

/* The network part of an IPv6 address/prefix. */
static int ipv6_network(const char *addr, unsigned prefix, char *net, size_t len)
{
	struct in6_addr a;

	if (prefix > 128 || inet_pton(AF_INET6, addr, &a) != 1)
		return -EINVAL;
	for (unsigned bit = prefix; bit < 128; bit++)
		a.s6_addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	return inet_ntop(AF_INET6, &a, net, (socklen_t)len) ? 0 : -ENOSPC;
}

static struct plan_route *add_route(struct plan_route **routes, size_t *n)
{
	struct plan_route *r = realloc(*routes, (*n + 1) * sizeof(**routes));

	if (!r)
		return NULL;
	*routes = r;
	r = &r[(*n)++];
	memset(r, 0, sizeof(*r));
	return r;
}

static int plan_addresses_and_routes(const struct vmk *v, struct plan_vmk *p)
{
	struct plan_route *r;
	char buf[MODEL_ADDR_MAX + 8];
	int ret;

	if (v->ipv4_type == IPV4_STATIC && v->ipv4_address[0]) {
		snprintf(buf, sizeof(buf), "%s/%u", v->ipv4_address, v->ipv4_prefix);
		if (strv_add(&p->addresses, buf) < 0)
			return -ENOMEM;
		r = add_route(&p->routes, &p->nroutes);
		if (!r)
			return -ENOMEM;
		ret = plan_ipv4_network(v->ipv4_address, v->ipv4_prefix, r->dst, sizeof(r->dst),
					NULL, 0);
		if (ret < 0)
			return ret;
		r->dst_len = v->ipv4_prefix;
		snprintf(r->src, sizeof(r->src), "%s", v->ipv4_address);
		if (v->ipv4_gateway[0]) {
			r = add_route(&p->routes, &p->nroutes);
			if (!r)
				return -ENOMEM;
			snprintf(r->gateway, sizeof(r->gateway), "%s", v->ipv4_gateway);
			snprintf(r->src, sizeof(r->src), "%s", v->ipv4_address);
		}
	}
	for (size_t i = 0; i < v->ipv6.len; i++) {
		char addr[MODEL_ADDR_MAX];
		const char *slash = strchr(v->ipv6.items[i], '/');
		unsigned prefix = slash ? (unsigned)strtoul(slash + 1, NULL, 10) : 128;

		snprintf(addr, sizeof(addr), "%.*s",
			 (int)(slash ? (size_t)(slash - v->ipv6.items[i]) : strlen(v->ipv6.items[i])),
			 v->ipv6.items[i]);
		snprintf(buf, sizeof(buf), "%s/%u", addr, prefix);
		if (strv_add(&p->addresses, buf) < 0)
			return -ENOMEM;
		r = add_route(&p->routes, &p->nroutes);
		if (!r)
			return -ENOMEM;
		ret = ipv6_network(addr, prefix, r->dst, sizeof(r->dst));
		if (ret < 0)
			return ret;
		r->dst_len = prefix;
		r->ipv6 = true;
	}
	return 0;
}

static void plan_vmk_free(struct plan_vmk *p)
{
	strv_free(&p->addresses);
	free(p->routes);
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->nvmks; i++)
		plan_vmk_free(&p->vmks[i]);
	free(p->vmks);
	strv_free(&p->vmk_uplinks);
	free(p->main_routes);
	memset(p, 0, sizeof(*p));
}

static int plan_main_routes(const struct model *m, struct plan *out)
{
	for (size_t i = 0; i < m->nroutes; i++) {
		const struct static_route *sr = &m->routes[i];
		struct plan_route *r = add_route(&out->main_routes, &out->nmain_routes);
		const char *slash;

		if (!r)
			return -ENOMEM;
		r->ipv6 = sr->ipv6;
		snprintf(r->gateway, sizeof(r->gateway), "%s", sr->gateway);
		/* Through the vmk whose subnet holds the gateway, as route ipv4
		 * list shows it; left to the kernel, the first matching subnet
		 * route of the main table would pick one. */
		if (!sr->ipv6) {
			const struct vmk *via = model_gateway_vmk(m, sr->gateway);

			if (via)
				snprintf(r->dev, sizeof(r->dev), "%s", via->name);
		}
		if (strcmp(sr->network, "default") == 0)
			continue;
		slash = strchr(sr->network, '/');
		snprintf(r->dst, sizeof(r->dst), "%.*s",
			 (int)(slash ? (size_t)(slash - sr->network) : strlen(sr->network)),
			 sr->network);
		r->dst_len = slash ? (unsigned)strtoul(slash + 1, NULL, 10) : (sr->ipv6 ? 128 : 32);
	}
	return 0;
}

/* Add the names in list that the kernel has. */
static int add_existing(struct esx_strv *out, const struct esx_strv *list,
			const struct uplink_state *links, size_t nlinks)
{
	for (size_t i = 0; i < list->len; i++) {
		int ret = exists(find_link(links, nlinks, list->items[i]))
				  ? strv_add_unique(out, list->items[i]) : 0;

		if (ret < 0)
			return ret;
	}
	return 0;
}

int plan_build(const struct model *m, const struct uplink_state *links, size_t nlinks,
	       plan_current_fn current, void *data, struct plan *out)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->vmks = calloc(m->nvmks ? m->nvmks : 1, sizeof(*out->vmks));
	if (!out->vmks)
		return -ENOMEM;
	for (size_t i = 0; i < m->nvmks; i++) {
		const struct vmk *v = &m->vmks[i];
		const struct portgroup *pg = model_portgroup(m, v->portgroup);
		struct plan_vmk *p = &out->vmks[out->nvmks++];
		struct failover_policy eff;
		const char *uplink = NULL;

		snprintf(p->name, sizeof(p->name), "%s", v->name);
		snprintf(p->mac, sizeof(p->mac), "%s", v->mac);
		p->mtu = v->mtu;
		p->up = v->enabled;
		p->table = v->table;
		p->rule_priority = NETPLAN_RULE_PRIORITY_BASE + (v->table - NETPLAN_TABLE_FIRST);
		if (pg && policy_effective(m, pg, &eff) == 0) {
			uplink = plan_choose_uplink(&eff, current ? current(v->name, data) : NULL,
						    links, nlinks);
			if (uplink)
				snprintf(p->uplink, sizeof(p->uplink), "%s", uplink);
			p->notify_switches = eff.notify_switches;
			ret = add_existing(&out->vmk_uplinks, &eff.active, links, nlinks);
			if (ret == 0)
				ret = add_existing(&out->vmk_uplinks, &eff.standby, links, nlinks);
			policy_free(&eff);
			if (ret < 0)
				goto fail;
		}
		if (pg && p->uplink[0])
			p->vlan_id = pg->vlan_id;
		ret = plan_addresses_and_routes(v, p);
		if (ret < 0)
			goto fail;
	}
	ret = plan_main_routes(m, out);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	plan_free(out);
	return ret;
}

/* ---- iSCSI's DelayedAck ------------------------------------------------ */

/* Whether addr lies in net/len (one family). */
static bool in_subnet(const char *addr, const char *net, unsigned len, bool v6)
{
	unsigned char a[16], n[16];
	int family = v6 ? AF_INET6 : AF_INET;

	if (len > (v6 ? 128u : 32u) || inet_pton(family, addr, a) != 1 ||
	    inet_pton(family, net, n) != 1)
		return false;
	for (unsigned bit = 0; bit < len; bit++) {
		unsigned char mask = (unsigned char)(0x80u >> (bit % 8));

		if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
			return false;
	}
	return true;
}

/* The DelayedAck wanted toward one address. */
struct ack_address {
	char address[MODEL_ADDR_MAX];
	bool delayed_ack;
};

static int note_address(struct ack_address **list, size_t *n, const char *address,
			bool delayed_ack)
{
	struct ack_address *grown;

	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*list)[i].address, address) == 0) {
			(*list)[i].delayed_ack &= delayed_ack;
			return 0;
		}
	}
	grown = realloc(*list, (*n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	*list = grown;
	snprintf(grown[*n].address, sizeof(grown[*n].address), "%s", address);
	grown[*n].delayed_ack = delayed_ack;
	(*n)++;
	return 0;
}

static bool delayed_ack_of(const struct model *m, const struct iscsi_sendtarget *st,
			   const struct iscsi_target_portal *tp)
{
	struct iscsi_effective eff;
	bool on;

	iscsi_settings_resolve(m, st, tp, &eff);
	on = eff.params[ISCSI_P_DELAYED_ACK] != 0;
	explicit_bzero(&eff, sizeof(eff));
	return on;
}

static bool listed(const struct plan_portal *portals, size_t n, const char *address,
		   unsigned port, const char *target)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(portals[i].address, address) == 0 && portals[i].port == port &&
		    strcasecmp(portals[i].target, target) == 0)
			return true;
	}
	return false;
}

static int note_portals(const struct model *m, const struct plan_portal *portals, size_t n,
			struct ack_address **list, size_t *count)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct plan_portal *pp = &portals[i];
		const struct iscsi_sendtarget *st =
			iscsi_settings_parent(m, pp->parent_address, pp->parent_port);

		ret = note_address(list, count, pp->address,
				   delayed_ack_of(m, st, model_iscsi_portal(m, pp->address, pp->port,
									    pp->target)));
	}
	/* Static targets and portals with settings may have no records yet. */
	for (size_t i = 0; ret == 0 && i < m->iscsi.nstatics; i++) {
		const struct iscsi_static_target *t = &m->iscsi.statics[i];

		if (!listed(portals, n, t->address, t->port, t->name))
			ret = note_address(list, count, t->address,
					   delayed_ack_of(m, NULL, model_iscsi_portal(m, t->address,
										      t->port,
										      t->name)));
	}
	for (size_t i = 0; ret == 0 && i < m->iscsi.nportals; i++) {
		const struct iscsi_target_portal *tp = &m->iscsi.portals[i];

		if (!listed(portals, n, tp->address, tp->port, tp->name))
			ret = note_address(list, count, tp->address, delayed_ack_of(m, NULL, tp));
	}
	return ret;
}

/* A route to address alone in p's table, the way the table reaches it now
 * (its subnet, else its gateway); none when the vmk cannot reach it. */
static int add_host_route(struct plan_vmk *p, const char *address, bool quickack)
{
	bool v6 = strchr(address, ':') != NULL;
	unsigned full = v6 ? 128 : 32;
	struct plan_route like = { 0 }, *r;
	bool found = false;

	for (size_t i = 0; i < p->nroutes; i++) {
		r = &p->routes[i];
		if (r->ipv6 != v6)
			continue;
		if (r->dst[0] && !r->gateway[0] && in_subnet(address, r->dst, r->dst_len, v6)) {
			if (r->dst_len == full) {
				r->quickack = quickack;
				return 0;
			}
			like = *r;
			found = true;
			break;
		}
		if (!r->dst[0] && r->gateway[0] && !found) {
			like = *r;
			found = true;
		}
	}
	if (!found)
		return 0;
	r = add_route(&p->routes, &p->nroutes);
	if (!r)
		return -ENOMEM;
	*r = like;
	snprintf(r->dst, sizeof(r->dst), "%s", address);
	r->dst_len = full;
	r->quickack = quickack;
	return 0;
}

int plan_delayed_ack(const struct model *m, const struct plan_portal *portals, size_t n,
		     struct plan *p)
{
	struct ack_address *addresses = NULL;
	size_t naddresses = 0;
	bool adapter;
	int ret;

	if (!m->iscsi.enabled)
		return 0;
	adapter = delayed_ack_of(m, NULL, NULL);
	ret = note_portals(m, portals, n, &addresses, &naddresses);
	for (size_t v = 0; ret == 0 && v < p->nvmks; v++) {
		struct plan_vmk *vmk = &p->vmks[v];
		size_t own = vmk->nroutes;

		if (m->iscsi.nbindings && !model_iscsi_binding(m, vmk->name))
			continue;
		for (size_t i = 0; i < own; i++)
			vmk->routes[i].quickack = !adapter;
		for (size_t i = 0; ret == 0 && i < naddresses; i++) {
			if (addresses[i].delayed_ack != adapter)
				ret = add_host_route(vmk, addresses[i].address,
						     !addresses[i].delayed_ack);
		}
	}
	free(addresses);
	return ret;
}
