/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port-binding compliance: ESXi's rules plus Linux's aggregate-uplink rule. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "compliance.h"

const char *compliance_fault_name(enum compliance_fault fault)
{
	switch (fault) {
	case FAULT_VNIC_NOT_FOUND: return "VnicNotFound";
	case FAULT_INVALID_VNIC: return "InvalidVnic";
	case FAULT_VNIC_HAS_NO_UPLINKS: return "VnicHasNoUplinks";
	case FAULT_VNIC_HAS_MULTIPLE_UPLINKS: return "VnicHasMultipleUplinks";
	case FAULT_VNIC_HAS_WRONG_UPLINK: return "VnicHasWrongUplink";
	case COMPLIANT: break;
	}
	return "";
}

static const struct topo_uplink *find_uplink(const struct topology *t, const char *name)
{
	for (size_t i = 0; t && i < t->nuplinks; i++) {
		if (strcmp(t->uplinks[i].name, name) == 0)
			return &t->uplinks[i];
	}
	return NULL;
}

static bool is_aggregate(const struct topo_uplink *u)
{
	return strcmp(u->kind, "bond") == 0 || strcmp(u->kind, "team") == 0 ||
	       strcmp(u->kind, "bridge") == 0;
}

static void fail(struct compliance *out, enum compliance_fault fault)
{
	out->fault = fault;
}

/* Is nic the active uplink of another vmk's binding? */
static bool bound_elsewhere(const struct model *m, const char *vmk, const char *nic)
{
	for (size_t i = 0; i < m->iscsi.nbindings; i++) {
		if (strcmp(m->iscsi.bindings[i].vmk, vmk) != 0 &&
		    strcmp(m->iscsi.bindings[i].uplink, nic) == 0)
			return true;
	}
	return false;
}

/* The first of list that no other bound vmk uses, or NULL. */
static const char *first_free(const struct model *m, const char *vmk, const struct esx_strv *list)
{
	for (size_t i = 0; i < list->len; i++) {
		if (!bound_elsewhere(m, vmk, list->items[i]))
			return list->items[i];
	}
	return NULL;
}

/* The fix for an order that is not "exactly one active, no standby": keep
 * one uplink alone, preferring the active ones, then the standby ones, then
 * the vSwitch's, and among them one that no other bound vmk uses already
 * (port binding wants one vmk per NIC). */
static void remedy_single_uplink(struct compliance *out, const struct model *m,
				 const char *vmk, const struct portgroup *pg,
				 const struct failover_policy *eff, const struct vswitch *vs)
{
	const char *keep = first_free(m, vmk, &eff->active);

	if (!keep)
		keep = first_free(m, vmk, &eff->standby);
	if (!keep && vs)
		keep = first_free(m, vmk, &vs->uplinks);
	if (!keep)
		keep = eff->active.len ? eff->active.items[0]
		       : eff->standby.len ? eff->standby.items[0]
		       : vs && vs->uplinks.len ? vs->uplinks.items[0] : NULL;

	if (keep)
		snprintf(out->remedy, sizeof(out->remedy),
			 "esxcli network vswitch standard portgroup policy failover set -p %s -a %s -s \"\"",
			 pg->name, keep);
	else if (vs)
		snprintf(out->remedy, sizeof(out->remedy),
			 "esxcli network vswitch standard uplink add -v %s -u <NIC>", vs->name);
}

void compliance_check(const struct model *m, const struct topology *t, const char *adapter,
		      const char *vmk, const char *bound_uplink, struct compliance *out)
{
	const struct vmk *v = model_vmk(m, vmk);
	const struct portgroup *pg;
	const struct vswitch *vs;
	const struct topo_uplink *u;
	struct failover_policy eff;

	memset(out, 0, sizeof(*out));
	if (!v) {
		fail(out, FAULT_VNIC_NOT_FOUND);
		snprintf(out->message, sizeof(out->message),
			 "The VMkernel network adapter %s does not exist.", vmk);
		snprintf(out->remedy, sizeof(out->remedy),
			 "esxcli network ip interface add -i %s -p <portgroup>  (or: esxcli iscsi networkportal remove -A %s -n %s)",
			 vmk, adapter, vmk);
		return;
	}
	pg = model_portgroup(m, v->portgroup);
	vs = pg ? model_vswitch(m, pg->vswitch) : NULL;
	if (!pg || !vs || policy_effective(m, pg, &eff) < 0) {
		fail(out, FAULT_INVALID_VNIC);
		snprintf(out->message, sizeof(out->message),
			 "The VMkernel network adapter %s is on no portgroup of a standard vSwitch.", vmk);
		return;
	}
	if (eff.active.len == 0 && eff.standby.len == 0) {
		fail(out, FAULT_VNIC_HAS_NO_UPLINKS);
		snprintf(out->message, sizeof(out->message),
			 "The VMkernel network adapter %s has no physical uplinks: portgroup %s has no active uplink.",
			 vmk, pg->name);
		remedy_single_uplink(out, m, vmk, pg, &eff, vs);
		goto out;
	}
	if (eff.active.len != 1 || eff.standby.len != 0) {
		fail(out, FAULT_VNIC_HAS_MULTIPLE_UPLINKS);
		snprintf(out->message, sizeof(out->message),
			 "The VMkernel network adapter %s has %zu active and %zu standby uplinks; "
			 "port binding needs exactly one active uplink and no standby uplinks.",
			 vmk, eff.active.len, eff.standby.len);
		remedy_single_uplink(out, m, vmk, pg, &eff, vs);
		goto out;
	}
	snprintf(out->uplink, sizeof(out->uplink), "%s", eff.active.items[0]);
	u = find_uplink(t, out->uplink);
	if (!u || !u->exists) {
		fail(out, FAULT_VNIC_HAS_NO_UPLINKS);
		snprintf(out->message, sizeof(out->message),
			 "The VMkernel network adapter %s has no physical uplinks: %s does not exist.",
			 vmk, out->uplink);
		snprintf(out->remedy, sizeof(out->remedy),
			 "esxcli network vswitch standard portgroup policy failover set -p %s -a <existing NIC> -s \"\"",
			 pg->name);
		goto out;
	}
	if (is_aggregate(u) && u->members > 1) {
		fail(out, FAULT_VNIC_HAS_MULTIPLE_UPLINKS);
		snprintf(out->message, sizeof(out->message),
			 "The VMkernel network adapter %s has multiple uplinks: its uplink %s is a %s of %u links.",
			 vmk, u->name, u->kind, u->members);
		snprintf(out->remedy, sizeof(out->remedy),
			 "make %s a single link, or use one NIC: esxcli network vswitch standard portgroup policy failover set -p %s -a <NIC> -s \"\"",
			 u->name, pg->name);
		goto out;
	}
	if (bound_uplink && bound_uplink[0] && strcmp(bound_uplink, out->uplink) != 0) {
		fail(out, FAULT_VNIC_HAS_WRONG_UPLINK);
		snprintf(out->message, sizeof(out->message),
			 "The active uplink of %s changed from %s to %s since it was bound.",
			 vmk, bound_uplink, out->uplink);
		snprintf(out->remedy, sizeof(out->remedy),
			 "esxcli network vswitch standard portgroup policy failover set -p %s -a %s -s \"\"  (or bind it again: esxcli iscsi networkportal remove -A %s -n %s; esxcli iscsi networkportal add -A %s -n %s)",
			 pg->name, bound_uplink, adapter, vmk, adapter, vmk);
		goto out;
	}
	if (!(v->ipv4_type == IPV4_STATIC && v->ipv4_address[0]) && v->ipv6.len == 0) {
		fail(out, FAULT_INVALID_VNIC);
		snprintf(out->message, sizeof(out->message),
			 "The VMkernel network adapter %s has no IP address.", vmk);
		snprintf(out->remedy, sizeof(out->remedy),
			 "esxcli network ip interface ipv4 set -i %s -t static -I <address> -N <netmask>",
			 vmk);
		goto out;
	}
out:
	policy_free(&eff);
}
