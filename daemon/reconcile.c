/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The reconciler: applies a plan (netplan.c) to the kernel through the
 * primitives (net_iface, net_addr, net_route, net_sysctl, net_announce),
 * leaving alone what already matches and removing only the daemon's own
 * objects. Kernel events (carrier changes, our objects deleted by someone
 * else) schedule another pass; a pass is what failover is.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "daemon.h"
#include "log.h"
#include "loop.h"
#include "net_addr.h"
#include "net_announce.h"
#include "net_iface.h"
#include "net_link.h"
#include "net_nl.h"
#include "net_route.h"
#include "net_sysctl.h"
#include "net_watch.h"
#include "netplan.h"
#include "reconcile.h"
#include "store.h"
#include "transaction.h"

#define RT_TABLE_MAIN_ID 254

/* The values the daemon wants on vmks and on the uplinks that carry them
 * (PITFALLS.md: a macvlan's broadcasts reach its lower device too). */
static const struct {
	enum net_sysctl key;
	int value;
} wanted_sysctls[] = {
	{ NET_SYSCTL_ARP_IGNORE, 1 },
	{ NET_SYSCTL_ARP_ANNOUNCE, 2 },
	{ NET_SYSCTL_RP_FILTER, 2 },
};
#define NWANTED (sizeof(wanted_sysctls) / sizeof(wanted_sysctls[0]))

struct placement {
	char vmk[MODEL_IFNAME_MAX];
	char uplink[MODEL_IFNAME_MAX];
};

struct reconciler {
	struct esxd *d;
	struct net_nl *nl;
	struct net_watch *watch;
	struct placement *placed;
	size_t nplaced;
	struct loop_timer again;      /* a pass scheduled by an event */
	reconcile_hook_fn hook;       /* told after every pass */
	void *hook_data;
	struct plan_portal *portals;  /* iSCSI's, for DelayedAck */
	size_t nportals;
};

/* ---- where vmks sit -------------------------------------------------- */

static struct placement *placement_of(struct reconciler *r, const char *vmk)
{
	for (size_t i = 0; i < r->nplaced; i++) {
		if (strcmp(r->placed[i].vmk, vmk) == 0)
			return &r->placed[i];
	}
	return NULL;
}

static int set_placement(struct reconciler *r, const char *vmk, const char *uplink)
{
	struct placement *p = placement_of(r, vmk);

	if (!p) {
		struct placement *grown = realloc(r->placed, (r->nplaced + 1) * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		r->placed = grown;
		p = &r->placed[r->nplaced++];
		snprintf(p->vmk, sizeof(p->vmk), "%s", vmk);
	}
	snprintf(p->uplink, sizeof(p->uplink), "%s", uplink);
	return 0;
}

static const char *current_uplink(const char *vmk, void *data)
{
	struct placement *p = placement_of(data, vmk);

	return p ? p->uplink : NULL;
}

const char *reconcile_vmk_uplink(const struct reconciler *r, const char *vmk)
{
	const char *up = r ? current_uplink(vmk, (void *)r) : NULL;

	return up ? up : "";
}

/* ---- saved sysctls of uplinks (kept in the store: they must survive a
 * restart to be restored when the last vmk leaves) ----------------------- */

static struct json_object *saved_section(struct json_object *root, bool create)
{
	struct json_object *runtime, *saved;

	if (!json_object_object_get_ex(root, "runtime", &runtime)) {
		if (!create)
			return NULL;
		runtime = json_object_new_object();
		if (!runtime)
			return NULL;
		json_object_object_add(root, "runtime", runtime);
	}
	if (!json_object_object_get_ex(runtime, "saved_sysctls", &saved)) {
		if (!create)
			return NULL;
		saved = json_object_new_object();
		if (!saved)
			return NULL;
		json_object_object_add(runtime, "saved_sysctls", saved);
	}
	return json_object_is_type(saved, json_type_object) ? saved : NULL;
}

/* Remember ifname's values before we change them, once. */
static int save_sysctls(struct reconciler *r, const char *ifname, struct esx_err *err)
{
	struct json_object *saved = saved_section(store_root(r->d->store), false);
	struct json_object *doc, *entry;
	int ret;

	if (saved && json_object_object_get_ex(saved, ifname, NULL))
		return 0;
	doc = store_edit(r->d->store);
	if (!doc)
		return err_set(err, ENOMEM, "out of memory");
	saved = saved_section(doc, true);
	entry = json_object_new_object();
	if (!saved || !entry) {
		json_object_put(entry);
		json_object_put(doc);
		return err_set(err, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < NWANTED; i++) {
		int value;

		ret = net_sysctl_get(ifname, wanted_sysctls[i].key, &value, err);
		if (ret < 0) {
			json_object_put(entry);
			json_object_put(doc);
			return ret;
		}
		json_object_object_add(entry, net_sysctl_name(wanted_sysctls[i].key),
				       json_object_new_int(value));
	}
	json_object_object_add(saved, ifname, entry);
	return store_commit(r->d->store, doc, err);
}

/* Put back what ifname had before its first vmk, and forget it. */
static int restore_sysctls(struct reconciler *r, const char *ifname, struct esx_err *err)
{
	struct json_object *doc, *saved, *entry;
	int ret = 0;

	doc = store_edit(r->d->store);
	if (!doc)
		return err_set(err, ENOMEM, "out of memory");
	saved = saved_section(doc, false);
	if (!saved || !json_object_object_get_ex(saved, ifname, &entry)) {
		json_object_put(doc);
		return 0;
	}
	for (size_t i = 0; i < NWANTED; i++) {
		struct json_object *v;
		struct esx_err ignored = { 0 };

		if (!json_object_object_get_ex(entry, net_sysctl_name(wanted_sysctls[i].key), &v))
			continue;
		/* A NIC that has gone away has nothing to restore. */
		if (net_sysctl_set(ifname, wanted_sysctls[i].key, json_object_get_int(v), NULL,
				   &ignored) < 0 && ignored.code != ENOENT)
			log_warn("could not restore %s on %s: %s",
				 net_sysctl_name(wanted_sysctls[i].key), ifname, ignored.text);
	}
	log_info("%s carries no vmk any more: its ARP and rp_filter settings are restored", ifname);
	json_object_object_del(saved, ifname);
	ret = store_commit(r->d->store, doc, err);
	return ret;
}

static int apply_sysctls(const char *ifname, struct esx_err *err)
{
	for (size_t i = 0; i < NWANTED; i++) {
		int all = 0;
		struct esx_err ignored = { 0 };
		int ret = net_sysctl_set(ifname, wanted_sysctls[i].key, wanted_sysctls[i].value,
					 NULL, err);

		if (ret < 0)
			return ret;
		if (net_sysctl_all_defeats(wanted_sysctls[i].key, wanted_sysctls[i].value, &all,
					   &ignored) > 0)
			log_warn("net.ipv4.conf.all.%s is %d, which overrides the %d set on %s",
				 net_sysctl_name(wanted_sysctls[i].key), all,
				 wanted_sysctls[i].value, ifname);
	}
	return 0;
}

/* ---- uplink MTU: the vSwitch's, the NIC's own restored when it leaves -- */

static int save_mtu(struct reconciler *r, const char *ifname, unsigned mtu, struct esx_err *err)
{
	struct json_object *runtime, *saved, *doc;

	if (json_object_object_get_ex(store_root(r->d->store), "runtime", &runtime) &&
	    json_object_object_get_ex(runtime, "saved_mtu", &saved) &&
	    json_object_object_get_ex(saved, ifname, NULL))
		return 0;
	doc = store_edit(r->d->store);
	if (!doc)
		return err_set(err, ENOMEM, "out of memory");
	if (!json_object_object_get_ex(doc, "runtime", &runtime)) {
		runtime = json_object_new_object();
		json_object_object_add(doc, "runtime", runtime);
	}
	if (!json_object_object_get_ex(runtime, "saved_mtu", &saved)) {
		saved = json_object_new_object();
		json_object_object_add(runtime, "saved_mtu", saved);
	}
	if (!runtime || !saved) {
		json_object_put(doc);
		return err_set(err, ENOMEM, "out of memory");
	}
	json_object_object_add(saved, ifname, json_object_new_int((int)mtu));
	return store_commit(r->d->store, doc, err);
}

static int apply_vswitch_mtu(struct reconciler *r, const struct model *m, struct esx_err *err)
{
	for (size_t i = 0; i < m->nvswitches; i++) {
		const struct vswitch *vs = &m->vswitches[i];

		for (size_t j = 0; j < vs->uplinks.len; j++) {
			struct net_iface link;
			int ret;

			if (net_iface_get(r->nl, vs->uplinks.items[j], &link, NULL) < 0 ||
			    link.mtu == vs->mtu)
				continue;
			ret = save_mtu(r, link.name, link.mtu, err);
			if (ret == 0)
				ret = net_iface_set_mtu(r->nl, link.name, vs->mtu, err);
			if (ret < 0)
				return ret;
			log_info("%s: MTU %u, as vSwitch %s has it", link.name, vs->mtu, vs->name);
		}
	}
	return 0;
}

static bool is_uplink(const struct model *m, const char *nic)
{
	for (size_t i = 0; i < m->nvswitches; i++) {
		if (strv_contains(&m->vswitches[i].uplinks, nic))
			return true;
	}
	return false;
}

/* NICs that left every vSwitch get their own MTU back. */
static int restore_mtus(struct reconciler *r, const struct model *m, struct esx_err *err)
{
	struct json_object *runtime, *saved, *doc;
	struct esx_strv gone = { 0 };
	int ret = 0;

	if (!json_object_object_get_ex(store_root(r->d->store), "runtime", &runtime) ||
	    !json_object_object_get_ex(runtime, "saved_mtu", &saved))
		return 0;
	json_object_object_foreach(saved, ifname, value) {
		if (is_uplink(m, ifname))
			continue;
		if (strv_add(&gone, ifname) < 0) {
			ret = err_set(err, ENOMEM, "out of memory");
			goto out;
		}
		if (net_iface_set_mtu(r->nl, ifname, (unsigned)json_object_get_int(value), NULL) == 0)
			log_info("%s left its vSwitch: MTU %d restored", ifname,
				 json_object_get_int(value));
	}
	if (gone.len == 0)
		goto out;
	doc = store_edit(r->d->store);
	if (!doc || !json_object_object_get_ex(doc, "runtime", &runtime) ||
	    !json_object_object_get_ex(runtime, "saved_mtu", &saved)) {
		json_object_put(doc);
		ret = err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < gone.len; i++)
		json_object_object_del(saved, gone.items[i]);
	ret = store_commit(r->d->store, doc, err);
out:
	strv_free(&gone);
	return ret;
}

/* ---- one vmk ----------------------------------------------------------- */

/* The link the vmk's macvlan must sit on: the uplink, or our VLAN
 * sub-interface of it (created when missing). */
static int ensure_lower(struct reconciler *r, const struct plan_vmk *p, struct net_iface *lower,
			struct esx_err *err)
{
	struct net_iface up;
	char name[NET_NAME_MAX];
	int ret, ifindex;

	ret = net_iface_get(r->nl, p->uplink, &up, err);
	if (ret < 0)
		return ret;
	if (p->vlan_id == 0) {
		*lower = up;
		return 0;
	}
	/* ESXi's 4095 passes every VLAN to a virtual machine (guest tagging); a
	 * vmkernel NIC has no such mode. */
	if (p->vlan_id > 4094)
		return err_set(err, EINVAL,
			       "%s cannot be on VLAN %u: a VMkernel NIC needs VLAN ID 0 or 1-4094",
			       p->name, p->vlan_id);
	ret = net_iface_vlan_name(up.name, up.ifindex, p->vlan_id, name, sizeof(name));
	if (ret < 0)
		return err_set(err, EINVAL, "No name fits the VLAN %u sub-interface of %s",
			       p->vlan_id, up.name);
	ret = net_iface_get(r->nl, name, lower, NULL);
	if (ret == 0) {
		if (!lower->ours)
			return err_set(err, EEXIST, "%s exists and was not created by esxclid", name);
		if (lower->lower_ifindex == up.ifindex && lower->vlan_id == p->vlan_id)
			goto configure;
		ret = net_iface_delete(r->nl, name, err);
		if (ret < 0)
			return ret;
	}
	ret = net_iface_create_vlan(r->nl, up.ifindex, p->vlan_id, name, &ifindex, err);
	if (ret < 0)
		return ret;
	log_info("created %s for VLAN %u on %s", name, p->vlan_id, up.name);
	ret = net_iface_get(r->nl, name, lower, err);
	if (ret < 0)
		return ret;
configure:
	if (lower->mtu != up.mtu) {
		ret = net_iface_set_mtu(r->nl, name, up.mtu, err);
		if (ret < 0)
			return ret;
	}
	if (!lower->admin_up) {
		ret = net_iface_set_up(r->nl, name, true, err);
		if (ret < 0)
			return ret;
	}
	return apply_sysctls(name, err);
}

static int ensure_routes_and_rules(struct reconciler *r, const struct plan_vmk *p, int ifindex,
				   struct esx_err *err)
{
	int ret;

	for (size_t i = 0; i < p->nroutes; i++) {
		const struct plan_route *pr = &p->routes[i];
		struct net_route route = {
			.family = pr->ipv6 ? AF_INET6 : AF_INET,
			.table = p->table,
			.ifindex = ifindex,
			.quickack = pr->quickack,
		};

		if (pr->dst[0])
			snprintf(route.dst, sizeof(route.dst), "%s/%u", pr->dst, pr->dst_len);
		else
			snprintf(route.dst, sizeof(route.dst), "default");
		snprintf(route.gateway, sizeof(route.gateway), "%s", pr->gateway);
		snprintf(route.src, sizeof(route.src), "%s", pr->src);
		ret = net_route_replace(r->nl, &route, err);
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < p->addresses.len; i++) {
		const char *cidr = p->addresses.items[i];
		const char *slash = strchr(cidr, '/');
		bool v6 = strchr(cidr, ':') != NULL;
		struct net_rule rule = {
			.family = v6 ? AF_INET6 : AF_INET,
			.table = p->table,
			.priority = p->rule_priority,
		};

		snprintf(rule.from, sizeof(rule.from), "%.*s/%u", (int)(slash - cidr), cidr,
			 v6 ? 128 : 32);
		ret = net_rule_ensure(r->nl, &rule, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void announce(const struct plan_vmk *p)
{
	for (size_t i = 0; i < p->addresses.len; i++) {
		char addr[NET_IP_MAX];
		const char *cidr = p->addresses.items[i];
		const char *slash = strchr(cidr, '/');
		struct esx_err err = { 0 };
		int ret;

		snprintf(addr, sizeof(addr), "%.*s", (int)(slash - cidr), cidr);
		ret = strchr(addr, ':') ? net_announce_ipv6(p->name, addr, &err)
					: net_announce_ipv4(p->name, addr, &err);
		if (ret < 0)
			log_warn("could not announce %s on %s: %s", addr, p->name, err.text);
	}
}

static int ensure_vmk(struct reconciler *r, const struct plan_vmk *p, struct esx_err *err)
{
	struct placement *was = placement_of(r, p->name);
	struct net_iface link, lower;
	bool exists, moved = false;
	int ret, ifindex;

	ret = net_iface_get(r->nl, p->name, &link, NULL);
	exists = ret == 0;
	if (exists && !link.ours)
		return err_set(err, EEXIST, "%s exists in the kernel and was not created by esxclid",
			       p->name);
	if (!p->uplink[0]) {
		/* No uplink can carry it: it waits, unrealised, for one. */
		if (exists) {
			ret = net_iface_delete(r->nl, p->name, err);
			if (ret < 0)
				return ret;
			log_warn("%s has no uplink to sit on: removed from the kernel until one appears",
				 p->name);
		}
		return set_placement(r, p->name, "");
	}
	ret = ensure_lower(r, p, &lower, err);
	if (ret < 0)
		return ret;
	if (exists && (strcmp(link.kind, "macvlan") != 0 || link.lower_ifindex != lower.ifindex)) {
		ret = net_iface_delete(r->nl, p->name, err);
		if (ret < 0)
			return ret;
		exists = false;
		moved = true;
	}
	if (!exists) {
		struct net_macvlan_spec spec = {
			.name = p->name,
			.lower_ifindex = lower.ifindex,
			.mac = p->mac,
			.mtu = p->mtu,
			.up = p->up,
		};

		ret = net_iface_create_macvlan(r->nl, &spec, &ifindex, err);
		if (ret < 0)
			return ret;
		if (moved || (was && was->uplink[0] && strcmp(was->uplink, p->uplink) != 0))
			log_notice("failover: %s moved from %s to %s", p->name,
				   was && was->uplink[0] ? was->uplink : "(gone)", p->uplink);
		else
			log_info("created %s on %s", p->name, lower.name);
	} else {
		ifindex = link.ifindex;
		if (strcasecmp(link.mac, p->mac) != 0) {
			ret = net_iface_set_mac(r->nl, p->name, p->mac, err);
			if (ret < 0)
				return ret;
		}
		if (link.mtu != p->mtu) {
			ret = net_iface_set_mtu(r->nl, p->name, p->mtu, err);
			if (ret < 0)
				return ret;
		}
		if (link.admin_up != p->up) {
			ret = net_iface_set_up(r->nl, p->name, p->up, err);
			if (ret < 0)
				return ret;
		}
	}
	ret = apply_sysctls(p->name, err);
	if (ret < 0)
		return ret;
	ret = net_addr_sync(r->nl, ifindex, (const char *const *)p->addresses.items,
			    p->addresses.len, NULL, 0, err);
	if (ret < 0)
		return ret;
	if (p->up) {
		ret = ensure_routes_and_rules(r, p, ifindex, err);
		if (ret < 0)
			return ret;
	}
	/* A new macvlan: tell the switch where its MAC lives now. */
	if (!exists && p->up && p->notify_switches)
		announce(p);
	return set_placement(r, p->name, p->uplink);
}

/* ---- what must go ------------------------------------------------------ */

static const struct plan_vmk *planned_vmk(const struct plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->nvmks; i++) {
		if (strcmp(plan->vmks[i].name, name) == 0)
			return &plan->vmks[i];
	}
	return NULL;
}

static int remove_stale_links(struct reconciler *r, const struct plan *plan,
			      struct esx_err *err)
{
	struct net_iface *links = NULL;
	size_t n = 0;
	int ret = net_iface_list(r->nl, true, &links, &n, err);

	if (ret < 0)
		return ret;
	/* macvlans first: a VLAN link cannot go while a vmk sits on it. */
	for (int pass = 0; pass < 2 && ret == 0; pass++) {
		for (size_t i = 0; i < n && ret == 0; i++) {
			const struct net_iface *l = &links[i];
			bool vmk = strcmp(l->alias, NET_ALIAS_VMK) == 0;
			bool keep = false;

			if (pass == 0 && vmk) {
				const struct plan_vmk *p = planned_vmk(plan, l->name);

				keep = p && p->uplink[0];
			} else if (pass == 1 && strcmp(l->alias, NET_ALIAS_VLAN) == 0 &&
				   strcmp(l->kind, "vlan") == 0) {
				/* A VLAN link stays while a planned vmk sits on it. */
				for (size_t j = 0; j < plan->nvmks && !keep; j++) {
					struct net_iface v;

					keep = net_iface_get(r->nl, plan->vmks[j].name, &v, NULL) == 0 &&
					       v.lower_ifindex == l->ifindex;
				}
			} else {
				continue;
			}
			if (keep)
				continue;
			ret = net_iface_delete(r->nl, l->name, err);
			if (ret == 0)
				log_info("removed %s: no longer in the configuration", l->name);
			if (ret == 0 && vmk)
				set_placement(r, l->name, "");
		}
	}
	free(links);
	return ret;
}

static bool route_planned(const struct plan *plan, const struct net_route *rt)
{
	const struct plan_route *routes;
	size_t n;

	if (rt->table == RT_TABLE_MAIN_ID) {
		routes = plan->main_routes;
		n = plan->nmain_routes;
	} else {
		const struct plan_vmk *p = NULL;

		for (size_t i = 0; i < plan->nvmks && !p; i++) {
			if (plan->vmks[i].table == rt->table && plan->vmks[i].up)
				p = &plan->vmks[i];
		}
		if (!p)
			return false;
		routes = p->routes;
		n = p->nroutes;
	}
	for (size_t i = 0; i < n; i++) {
		char dst[NET_CIDR_MAX];

		if (routes[i].dst[0])
			snprintf(dst, sizeof(dst), "%s/%u", routes[i].dst, routes[i].dst_len);
		else
			snprintf(dst, sizeof(dst), "default");
		if (strcmp(dst, rt->dst) == 0 && strcmp(routes[i].gateway, rt->gateway) == 0)
			return true;
	}
	return false;
}

static bool rule_planned(const struct plan *plan, const struct net_rule *rule)
{
	for (size_t i = 0; i < plan->nvmks; i++) {
		const struct plan_vmk *p = &plan->vmks[i];

		if (!p->up || p->table != rule->table || p->rule_priority != rule->priority)
			continue;
		for (size_t j = 0; j < p->addresses.len; j++) {
			const char *cidr = p->addresses.items[j];
			size_t len = (size_t)(strchr(cidr, '/') - cidr);

			if (strncmp(cidr, rule->from, len) == 0 && rule->from[len] == '/')
				return true;
		}
	}
	return false;
}

static int remove_stale_routes_and_rules(struct reconciler *r, const struct plan *plan,
					 struct esx_err *err)
{
	struct net_route *routes = NULL;
	struct net_rule *rules = NULL;
	size_t nroutes = 0, nrules = 0;
	int ret;

	ret = net_route_list_ours(r->nl, AF_UNSPEC, &routes, &nroutes, err);
	for (size_t i = 0; ret == 0 && i < nroutes; i++) {
		if (!route_planned(plan, &routes[i])) {
			ret = net_route_delete(r->nl, &routes[i], err);
			if (ret == -ENOENT) {
				err_reset(err);
				ret = 0;
			}
		}
	}
	if (ret == 0)
		ret = net_rule_list_ours(r->nl, AF_UNSPEC, &rules, &nrules, err);
	for (size_t i = 0; ret == 0 && i < nrules; i++) {
		if (!rule_planned(plan, &rules[i])) {
			ret = net_rule_delete(r->nl, &rules[i], err);
			if (ret == -ENOENT) {
				err_reset(err);
				ret = 0;
			}
		}
	}
	free(routes);
	free(rules);
	return ret;
}

static int ensure_main_routes(struct reconciler *r, const struct plan *plan, struct esx_err *err)
{
	for (size_t i = 0; i < plan->nmain_routes; i++) {
		const struct plan_route *pr = &plan->main_routes[i];
		struct net_route route = {
			.family = pr->ipv6 ? AF_INET6 : AF_INET,
			.table = RT_TABLE_MAIN_ID,
		};
		int ret;

		if (pr->dst[0])
			snprintf(route.dst, sizeof(route.dst), "%s/%u", pr->dst, pr->dst_len);
		else
			snprintf(route.dst, sizeof(route.dst), "default");
		snprintf(route.gateway, sizeof(route.gateway), "%s", pr->gateway);
		if (pr->dev[0]) {
			struct net_iface dev;

			/* The vmk is not realised (no uplink): the route waits. */
			if (net_iface_get(r->nl, pr->dev, &dev, NULL) < 0 || !dev.admin_up)
				continue;
			route.ifindex = dev.ifindex;
		}
		ret = net_route_replace(r->nl, &route, err);
		/* A gateway no vmk reaches yet: the route waits for one. */
		if (ret == -ENETUNREACH) {
			log_warn("static route %s via %s: %s", route.dst, route.gateway, err->text);
			err_reset(err);
			continue;
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Uplinks whose saved settings no longer have a vmk to protect. */
static int restore_released_uplinks(struct reconciler *r, const struct plan *plan,
				    struct esx_err *err)
{
	struct json_object *saved = saved_section(store_root(r->d->store), false);
	struct esx_strv release = { 0 };
	int ret = 0;

	if (!saved)
		return 0;
	json_object_object_foreach(saved, ifname, value) {
		(void)value;
		if (!strv_contains(&plan->vmk_uplinks, ifname) && strv_add(&release, ifname) < 0) {
			ret = err_set(err, ENOMEM, "out of memory");
			break;
		}
	}
	for (size_t i = 0; ret == 0 && i < release.len; i++)
		ret = restore_sysctls(r, release.items[i], err);
	strv_free(&release);
	return ret;
}

/* ---- a pass ------------------------------------------------------------ */

static int collect_uplinks(struct reconciler *r, const struct model *m,
			   struct uplink_state **out, size_t *count)
{
	size_t n = 0, cap = 0;
	struct uplink_state *links = NULL;

	for (size_t i = 0; i < m->nvswitches; i++) {
		for (size_t j = 0; j < m->vswitches[i].uplinks.len; j++) {
			const char *name = m->vswitches[i].uplinks.items[j];
			struct net_iface link;

			if (n == cap) {
				struct uplink_state *grown;

				cap = cap ? cap * 2 : 8;
				grown = realloc(links, cap * sizeof(*grown));
				if (!grown) {
					free(links);
					return -ENOMEM;
				}
				links = grown;
			}
			memset(&links[n], 0, sizeof(links[n]));
			snprintf(links[n].name, sizeof(links[n].name), "%s", name);
			/* A NIC enslaved to a bond since it became an uplink cannot
			 * carry a macvlan: for planning it is not there. */
			if (net_iface_get(r->nl, name, &link, NULL) == 0 && !(link.flags & IFF_SLAVE)) {
				links[n].exists = true;
				links[n].admin_up = link.admin_up;
				links[n].carrier = link.carrier;
				links[n].mtu = link.mtu;
			}
			n++;
		}
	}
	*out = links;
	*count = n;
	return 0;
}

void reconcile_set_pass_hook(struct reconciler *r, reconcile_hook_fn fn, void *data)
{
	r->hook = fn;
	r->hook_data = data;
}

static bool same_portals(const struct plan_portal *a, const struct plan_portal *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(a[i].address, b[i].address) != 0 || a[i].port != b[i].port ||
		    strcmp(a[i].target, b[i].target) != 0 ||
		    strcmp(a[i].parent_address, b[i].parent_address) != 0 ||
		    a[i].parent_port != b[i].parent_port)
			return false;
	}
	return true;
}

static void schedule(struct reconciler *r);

void reconcile_set_iscsi_portals(struct reconciler *r, const struct plan_portal *portals,
				 size_t n)
{
	struct plan_portal *copy = NULL;

	if (n == r->nportals && same_portals(portals, r->portals, n))
		return;
	if (n) {
		copy = calloc(n, sizeof(*copy));
		if (!copy) {
			log_err("out of memory keeping the iSCSI portals for DelayedAck");
			return;
		}
		memcpy(copy, portals, n * sizeof(*copy));
	}
	free(r->portals);
	r->portals = copy;
	r->nportals = n;
	schedule(r);
}

static int reconcile_pass(struct reconciler *r, const struct model *m, struct esx_err *err);

int reconcile(struct reconciler *r, const struct model *m, struct esx_err *err)
{
	int ret = reconcile_pass(r, m, err);

	if (r->hook)
		r->hook(m, ret, r->hook_data);
	return ret;
}

static int reconcile_pass(struct reconciler *r, const struct model *m, struct esx_err *err)
{
	struct uplink_state *links = NULL;
	struct plan plan;
	size_t nlinks = 0;
	int ret;

	ret = collect_uplinks(r, m, &links, &nlinks);
	if (ret < 0)
		return err_set(err, ret, "out of memory");
	ret = plan_build(m, links, nlinks, current_uplink, r, &plan);
	free(links);
	if (ret < 0)
		return err_set(err, ret, "Unable to plan the network configuration: %s",
			       strerror(-ret));
	ret = plan_delayed_ack(m, r->portals, r->nportals, &plan);
	if (ret < 0) {
		plan_free(&plan);
		return err_set(err, ret, "Unable to plan the network configuration: %s",
			       strerror(-ret));
	}
	ret = apply_vswitch_mtu(r, m, err);
	for (size_t i = 0; ret == 0 && i < plan.vmk_uplinks.len; i++) {
		ret = save_sysctls(r, plan.vmk_uplinks.items[i], err);
		if (ret == 0)
			ret = apply_sysctls(plan.vmk_uplinks.items[i], err);
	}
	/* Old objects go first: a vmk's address may move to another vmk. */
	if (ret == 0)
		ret = remove_stale_links(r, &plan, err);
	for (size_t i = 0; ret == 0 && i < plan.nvmks; i++)
		ret = ensure_vmk(r, &plan.vmks[i], err);
	if (ret == 0)
		ret = remove_stale_routes_and_rules(r, &plan, err);
	if (ret == 0)
		ret = ensure_main_routes(r, &plan, err);
	if (ret == 0)
		ret = restore_released_uplinks(r, &plan, err);
	if (ret == 0)
		ret = restore_mtus(r, m, err);
	plan_free(&plan);
	return ret;
}

/* ---- events ------------------------------------------------------------ */

static void pass_now(struct esx_loop *loop, void *data)
{
	struct reconciler *r = data;
	struct esx_err err = { 0 };

	(void)loop;
	if (!r->d->model)
		return;
	if (reconcile(r, r->d->model, &err) < 0)
		log_err("could not bring the network in line with the configuration: %s", err.text);
}

static void schedule(struct reconciler *r)
{
	if (!r->again.armed)
		loop_timer_arm(r->d->loop, &r->again, loop_now_ms());
}

/* A link event matters when it concerns an uplink of the model, a port of
 * one (a bond gaining or losing a member changes what port binding thinks
 * of it), or one of our own links. */
static void on_link_event(const struct net_link_event *ev, void *data)
{
	struct reconciler *r = data;
	const struct model *m = r->d->model;
	bool relevant = ev->kind == NET_LINK_RESYNCED || ev->managed;

	for (size_t i = 0; m && !relevant && i < m->nvswitches; i++)
		relevant = strv_contains(&m->vswitches[i].uplinks, ev->name) ||
			   (ev->master[0] && strv_contains(&m->vswitches[i].uplinks, ev->master)) ||
			   (ev->was_master[0] &&
			    strv_contains(&m->vswitches[i].uplinks, ev->was_master));
	if (!relevant)
		return;
	if (ev->kind == NET_LINK_CHANGED && ev->carrier != ev->was_carrier && !ev->managed)
		log_info("%s: link %s", ev->name, ev->carrier ? "up" : "down");
	schedule(r);
}

/* Someone removed a route, rule or address of ours. */
static void on_deletion(void *data)
{
	schedule(data);
}

/* After a restart, where our vmks sit is what the kernel says: starting
 * from it keeps a vmk that failed over (failback off) where it is. */
static int learn_placements(struct reconciler *r, struct esx_err *err)
{
	struct net_iface *links = NULL;
	size_t n = 0;
	int ret = net_iface_list(r->nl, true, &links, &n, err);

	for (size_t i = 0; ret == 0 && i < n; i++) {
		struct net_iface lower;

		if (strcmp(links[i].alias, NET_ALIAS_VMK) != 0 ||
		    net_iface_get_by_index(r->nl, links[i].lower_ifindex, &lower, NULL) < 0)
			continue;
		/* On a VLAN sub-interface of ours: the uplink is the one under it. */
		if (lower.ours && strcmp(lower.kind, "vlan") == 0 &&
		    net_iface_get_by_index(r->nl, lower.lower_ifindex, &lower, NULL) < 0)
			continue;
		ret = set_placement(r, links[i].name, lower.name);
	}
	free(links);
	return ret;
}

int reconciler_new(struct esxd *d, struct reconciler **out, struct esx_err *err)
{
	struct reconciler *r = calloc(1, sizeof(*r));
	int ret;

	*out = NULL;
	if (!r)
		return err_set(err, ENOMEM, "out of memory");
	r->d = d;
	loop_timer_init(&r->again, pass_now, r);
	ret = net_nl_open(&r->nl, err);
	if (ret < 0)
		goto fail;
	ret = learn_placements(r, err);
	if (ret < 0)
		goto fail;
	ret = net_watch_open(d->loop, on_deletion, r, &r->watch, err);
	if (ret < 0)
		goto fail;
	if (d->net)
		net_set_link_event_handler(d->net, on_link_event, r);
	*out = r;
	return 0;
fail:
	reconciler_free(r);
	return ret;
}

void reconciler_free(struct reconciler *r)
{
	if (!r)
		return;
	if (r->d->net)
		net_set_link_event_handler(r->d->net, NULL, NULL);
	loop_timer_disarm(r->d->loop, &r->again);
	net_watch_close(r->watch);
	if (r->nl)
		net_nl_close(r->nl);
	free(r->placed);
	free(r->portals);
	free(r);
}
