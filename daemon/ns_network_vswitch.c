/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `esxcli network vswitch standard` namespace: standard vSwitches, their
 * uplinks and failover policy, and their portgroups with VLAN IDs and
 * failover overrides. Handlers check a change against ESXi's rules on a copy
 * of the model and hand it to model_apply(), which realises it in the
 * kernel and commits it, or changes nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "iscsi_guard.h"
#include "log.h"
#include "net_link.h"
#include "netcmd.h"
#include "transaction.h"

/* ---- schemas, in ESXi's field order ---- */

static const struct esx_field_def vswitch_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "Class", VT_STRING, NULL },
	{ "Num Ports", VT_INT, NULL },
	{ "Used Ports", VT_INT, NULL },
	{ "Configured Ports", VT_INT, NULL },
	{ "MTU", VT_INT, NULL },
	{ "CDP Status", VT_STRING, NULL },
	{ "Beacon Enabled", VT_BOOL, NULL },
	{ "Beacon Interval", VT_INT, NULL },
	{ "Beacon Threshold", VT_INT, NULL },
	{ "Beacon Required By", VT_LIST, NULL },
	{ "Uplinks", VT_LIST, NULL },
	{ "Portgroups", VT_LIST, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema vswitch_schema = { "VirtualSwitch", vswitch_fields };

#define FAILOVER_FIELDS                                   \
	{ "Load Balancing", VT_STRING, NULL },            \
	{ "Network Failure Detection", VT_STRING, NULL }, \
	{ "Notify Switches", VT_BOOL, NULL },             \
	{ "Failback", VT_BOOL, NULL },                    \
	{ "Active Adapters", VT_LIST, NULL },             \
	{ "Standby Adapters", VT_LIST, NULL },            \
	{ "Unused Adapters", VT_LIST, NULL }

static const struct esx_field_def failover_fields[] = {
	FAILOVER_FIELDS,
	{ NULL, 0, NULL },
};
static const struct esx_schema failover_schema = { "FailoverPolicy", failover_fields };

static const struct esx_field_def pg_failover_fields[] = {
	FAILOVER_FIELDS,
	{ "Override Vswitch Load Balancing", VT_BOOL, NULL },
	{ "Override Vswitch Network Failure Detection", VT_BOOL, NULL },
	{ "Override Vswitch Notify Switches", VT_BOOL, NULL },
	{ "Override Vswitch Failback", VT_BOOL, NULL },
	{ "Override Vswitch Uplinks", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema pg_failover_schema = { "PortgroupFailoverPolicy",
						      pg_failover_fields };

static const struct esx_field_def portgroup_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "Virtual Switch", VT_STRING, NULL },
	{ "Active Clients", VT_INT, NULL },
	{ "VLAN ID", VT_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema portgroup_schema = { "Portgroup", portgroup_fields };

/* ---- completers ---- */

/* NICs not yet an uplink of any vSwitch. */
static int free_nic_completer(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);
	struct esx_strv nics = { 0 };
	int ret;

	if (!d->net)
		return 0;
	ret = net_nic_names(d->net, prefix, &nics);
	for (size_t i = 0; ret == 0 && i < nics.len; i++) {
		if (m && model_uplink_owner(m, nics.items[i]))
			continue;
		ret = strv_add(out, nics.items[i]);
	}
	strv_free(&nics);
	return ret;
}

static int uplink_completer(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	for (size_t i = 0; m && i < m->nvswitches; i++) {
		const struct esx_strv *u = &m->vswitches[i].uplinks;

		for (size_t j = 0; j < u->len; j++) {
			if (strv_add_if_prefix(out, u->items[j], prefix) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* "vmnic1,vm" completes the last name of the comma-separated list. */
static int uplink_list_completer(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const char *last = prefix ? strrchr(prefix, ',') : NULL;
	size_t head = last ? (size_t)(last - prefix) + 1 : 0;
	struct esx_strv names = { 0 };
	int ret = uplink_completer(d, prefix ? prefix + head : NULL, &names);

	for (size_t i = 0; ret == 0 && i < names.len; i++) {
		char word[256];
		int n = snprintf(word, sizeof(word), "%.*s%s", (int)head, prefix, names.items[i]);

		if (n > 0 && (size_t)n < sizeof(word))
			ret = strv_add(out, word);
	}
	strv_free(&names);
	return ret;
}

/* ---- options ---- */

static const struct esx_option list_options[] = {
	{ "vswitch-name", 'v', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "Limit the output of this command to only the given virtual switch.",
	  netcmd_complete_vswitch },
	{ NULL },
};

static const struct esx_option add_options[] = {
	{ "ports", 'P', OPT_INT, OPT_HAS_RANGE, NULL, MODEL_PORTS_MIN, MODEL_PORTS_MAX, NULL,
	  "The number of ports this virtual switch will have (stored and shown; esxclid does not limit ports).",
	  NULL },
	{ "vswitch-name", 'v', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the virtual switch to create.", NULL },
	{ NULL },
};

static const struct esx_option remove_options[] = {
	{ "vswitch-name", 'v', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the virtual switch to remove.", netcmd_complete_vswitch },
	{ NULL },
};

static const struct esx_option set_options[] = {
	{ "cdp-status", 'c', OPT_ENUM, 0, "down|listen|advertise|both", 0, 0, NULL,
	  "The CDP status of the given virtual switch: 'down', 'listen', 'advertise' or 'both' (stored and shown; esxclid runs no CDP).",
	  NULL },
	{ "mtu", 'm', OPT_INT, OPT_HAS_RANGE, NULL, MODEL_MTU_MIN, MODEL_MTU_MAX, NULL,
	  "The MTU of the virtual switch; its uplinks are set to it. No vmkernel NIC on the switch may have a larger one.",
	  NULL },
	{ "vswitch-name", 'v', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the virtual switch to configure.", netcmd_complete_vswitch },
	{ NULL },
};

static const struct esx_option uplink_add_options[] = {
	{ "uplink-name", 'u', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the NIC to add as an uplink; one of those `network nic list` shows, not on another virtual switch.",
	  free_nic_completer },
	{ "vswitch-name", 'v', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the virtual switch to add the uplink to.", netcmd_complete_vswitch },
	{ NULL },
};

static const struct esx_option uplink_remove_options[] = {
	{ "force", 'f', OPT_BOOL, 0, NULL, 0, 0, NULL,
	  "Remove the uplink even when VMkernel interfaces use it: it leaves their failover order, and the storage paths of an iSCSI-bound interface pinned to it go (the binding stays, non-compliant). Not in ESXi's esxcli.",
	  NULL },
	{ "uplink-name", 'u', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the uplink to remove from the virtual switch.", uplink_completer },
	{ "vswitch-name", 'v', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the virtual switch to remove the uplink from.", netcmd_complete_vswitch },
	{ NULL },
};

static const struct esx_option vswitch_policy_get_options[] = {
	{ "vswitch-name", 'v', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the virtual switch to show the failover policy of.",
	  netcmd_complete_vswitch },
	{ NULL },
};

/* -a -s -l -f -b -n, as ESXi has them on both policy set commands. */
#define FAILOVER_SET_OPTIONS                                                                   \
	{ "active-uplinks", 'a', OPT_STRING, 0, NULL, 0, 0, NULL,                              \
	  "The active uplinks, in failover order, as a comma-separated list (vmnic1,vmnic2). Uplinks in neither list are unused.", \
	  uplink_list_completer },                                                             \
	{ "failback", 'b', OPT_BOOL, 0, NULL, 0, 0, NULL,                                      \
	  "Move traffic back to an active uplink when it comes back up.", NULL },             \
	{ "failure-detection", 'f', OPT_ENUM, 0, "beacon|link", 0, 0, NULL,                    \
	  "How uplink failure is detected: link (link state) or beacon (stored, but beacon probing is not implemented: link state is used).", \
	  NULL },                                                                              \
	{ "load-balancing", 'l', OPT_ENUM, 0, "explicit|iphash|mac|portid", 0, 0, NULL,        \
	  "The load balancing policy: explicit (the first active uplink), iphash, mac or portid. A vmkernel NIC uses one uplink at a time whatever the policy.", \
	  NULL },                                                                              \
	{ "notify-switches", 'n', OPT_BOOL, 0, NULL, 0, 0, NULL,                               \
	  "Tell the physical switches (gratuitous ARP, unsolicited neighbour advertisement) when a vmkernel NIC moves to another uplink.", \
	  NULL },                                                                              \
	{ "standby-uplinks", 's', OPT_STRING, 0, NULL, 0, 0, NULL,                             \
	  "The standby uplinks, in failover order, as a comma-separated list.",               \
	  uplink_list_completer }

static const struct esx_option vswitch_policy_set_options[] = {
	FAILOVER_SET_OPTIONS,
	{ "vswitch-name", 'v', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the virtual switch to configure.", netcmd_complete_vswitch },
	{ NULL },
};

static const struct esx_option pg_list_options[] = {
	{ NULL },
};

static const struct esx_option pg_add_remove_options[] = {
	{ "portgroup-name", 'p', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the port group.", netcmd_complete_portgroup },
	{ "vswitch-name", 'v', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The virtual switch the port group is on.", netcmd_complete_vswitch },
	{ NULL },
};

static const struct esx_option pg_set_options[] = {
	{ "portgroup-name", 'p', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the port group to set the VLAN ID of.", netcmd_complete_portgroup },
	{ "vlan-id", 'v', OPT_INT, OPT_HAS_RANGE, NULL, 0, MODEL_VLAN_MAX, NULL,
	  "The VLAN ID: 0 untagged, 1-4094 tagged (802.1Q), 4095 all VLANs (trunk).", NULL },
	{ NULL },
};

static const struct esx_option pg_policy_get_options[] = {
	{ "portgroup-name", 'p', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the port group to show the failover policy of.",
	  netcmd_complete_portgroup },
	{ NULL },
};

static const struct esx_option pg_policy_set_options[] = {
	FAILOVER_SET_OPTIONS,
	{ "portgroup-name", 'p', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the port group to configure.", netcmd_complete_portgroup },
	{ "use-vswitch", 'u', OPT_FLAG, 0, NULL, 0, 0, NULL,
	  "Inherit every failover setting from the virtual switch again (give it alone).",
	  NULL },
	{ NULL },
};

/* ---- look-ups with ESXi's messages ---- */

static int find_vswitch(struct esx_call *call, const struct model *m, const char *name,
			struct vswitch **out)
{
	*out = model_vswitch(m, name);
	if (!*out)
		return err_set(&call->err, ENOENT, "Unable to find vSwitch %s", name);
	return 0;
}

static int find_portgroup(struct esx_call *call, const struct model *m, const char *name,
			  struct portgroup **out)
{
	*out = model_portgroup(m, name);
	if (!*out)
		return err_set(&call->err, ENOENT, "Unable to find portgroup %s", name);
	return 0;
}

/* ---- vSwitches ---- */

static unsigned used_ports(const struct model *m, const struct vswitch *vs)
{
	unsigned used = (unsigned)vs->uplinks.len;

	for (size_t i = 0; i < m->nvmks; i++) {
		if (model_vmk_vswitch(m, &m->vmks[i]) == vs)
			used++;
	}
	return used;
}

/* Who asked for beacon probing: the vSwitch itself and its portgroups. */
static int beacon_requesters(const struct model *m, const struct vswitch *vs,
			     struct esx_strv *out)
{
	if (vs->policy.failure_detection == FD_BEACON && strv_add(out, vs->name) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < m->nportgroups; i++) {
		const struct portgroup *pg = &m->portgroups[i];
		enum failure_detection fd;

		if (strcmp(pg->vswitch, vs->name) != 0)
			continue;
		fd = pg->policy.has_failure_detection ? pg->policy.failure_detection :
							  vs->policy.failure_detection;
		if (fd == FD_BEACON && strv_add(out, pg->name) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int vswitch_record(struct esx_call *call, const struct model *m, const struct vswitch *vs)
{
	struct esx_record *rec = result_record(call->result, vs->name);
	struct esx_strv beacon = { 0 };
	int ret = beacon_requesters(m, vs, &beacon);

	if (ret < 0)
		goto out;
	rec_str(rec, "Name", vs->name);
	rec_str(rec, "Class", "cswitch");
	rec_int(rec, "Num Ports", vs->ports);
	rec_int(rec, "Used Ports", used_ports(m, vs));
	rec_int(rec, "Configured Ports", vs->ports);
	rec_int(rec, "MTU", vs->mtu);
	rec_str(rec, "CDP Status", vs->cdp_status);
	/* No beacons are ever sent: say so, while showing who asked. */
	rec_bool(rec, "Beacon Enabled", false);
	rec_int(rec, "Beacon Interval", 1);
	rec_int(rec, "Beacon Threshold", 3);
	netcmd_rec_list(rec, "Beacon Required By", &beacon);
	netcmd_rec_list(rec, "Uplinks", &vs->uplinks);
	rec_list_begin(rec, "Portgroups");
	for (size_t i = 0; i < m->nportgroups; i++) {
		if (strcmp(m->portgroups[i].vswitch, vs->name) == 0)
			rec_list_add(rec, "Portgroups", m->portgroups[i].name);
	}
out:
	strv_free(&beacon);
	return ret < 0 ? err_set(&call->err, ENOMEM, "out of memory") : 0;
}

static int vswitch_list(struct esx_call *call)
{
	const char *only = args_str(&call->args, "vswitch-name");
	const struct model *m;
	struct vswitch *vs;
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	if (only) {
		ret = find_vswitch(call, m, only, &vs);
		return ret < 0 ? ret : vswitch_record(call, m, vs);
	}
	for (size_t i = 0; ret == 0 && i < m->nvswitches; i++)
		ret = vswitch_record(call, m, &m->vswitches[i]);
	return ret;
}

static int vswitch_add(struct esx_call *call)
{
	const char *name = args_str(&call->args, "vswitch-name");
	struct vswitch *vs;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret < 0)
		return ret;
	if (!model_name_valid(name))
		return netcmd_abandon(&next, err_set(&call->err, EINVAL,
			"Invalid vSwitch name '%s': 1 to %d characters, no control characters or commas",
			name, MODEL_NAME_MAX - 1));
	if (model_vswitch(&next, name))
		return netcmd_abandon(&next, err_set(&call->err, EEXIST,
						     "A portset with this name already exists"));
	vs = model_add_vswitch(&next);
	if (!vs)
		return netcmd_abandon(&next, err_set(&call->err, ENOMEM, "out of memory"));
	model_vswitch_defaults(vs);
	snprintf(vs->name, sizeof(vs->name), "%s", name);
	vs->ports = (unsigned)args_int(&call->args, "ports", MODEL_PORTS_DEFAULT);
	return model_apply(call->daemon, &next, &call->err);
}

static int vswitch_remove(struct esx_call *call)
{
	const char *name = args_str(&call->args, "vswitch-name");
	struct esx_strv pgs = { 0 };
	struct vswitch *vs;
	struct model next;
	char list[512];
	int ret = netcmd_begin(call, &next);

	if (ret == 0)
		ret = find_vswitch(call, &next, name, &vs);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < next.nportgroups; i++) {
		if (strcmp(next.portgroups[i].vswitch, name) == 0 &&
		    strv_add(&pgs, next.portgroups[i].name) < 0) {
			ret = err_set(&call->err, ENOMEM, "out of memory");
			goto out;
		}
	}
	if (pgs.len) {
		ret = err_set(&call->err, EBUSY,
			      "Cannot remove vSwitch %s: it still has the portgroups %s; remove them first",
			      name, netcmd_join(&pgs, list, sizeof(list)));
		goto out;
	}
	model_remove_vswitch(&next, name);
	ret = model_apply(call->daemon, &next, &call->err);
out:
	strv_free(&pgs);
	model_free(&next);   /* empty once model_apply() has taken it */
	return ret;
}

static int vswitch_set(struct esx_call *call)
{
	const char *name = args_str(&call->args, "vswitch-name");
	struct vswitch *vs;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret < 0)
		return ret;
	ret = find_vswitch(call, &next, name, &vs);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	if (args_has(&call->args, "mtu")) {
		unsigned mtu = (unsigned)args_int(&call->args, "mtu", MODEL_MTU_DEFAULT);

		for (size_t i = 0; i < next.nvmks; i++) {
			const struct vmk *v = &next.vmks[i];

			if (model_vmk_vswitch(&next, v) == vs && v->mtu > mtu)
				return netcmd_abandon(&next, err_set(&call->err, EINVAL,
					"Cannot set the MTU of vSwitch %s to %u: %s has MTU %u; lower it first",
					name, mtu, v->name, v->mtu));
		}
		vs->mtu = mtu;
	}
	if (args_has(&call->args, "cdp-status"))
		snprintf(vs->cdp_status, sizeof(vs->cdp_status), "%s",
			 args_str(&call->args, "cdp-status"));
	return model_apply(call->daemon, &next, &call->err);
}

/* ---- uplinks ---- */

static int uplink_add(struct esx_call *call)
{
	const char *nic = args_str(&call->args, "uplink-name");
	const char *name = args_str(&call->args, "vswitch-name");
	struct vswitch *vs, *owner;
	struct net_link link;
	struct esx_net *net;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret < 0)
		return ret;
	ret = find_vswitch(call, &next, name, &vs);
	if (ret == 0)
		ret = netcmd_need_net(call, &net);
	if (ret == 0)
		ret = net_nic_get(net, nic, &link, &call->err);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	owner = model_uplink_owner(&next, nic);
	if (owner == vs)
		return netcmd_abandon(&next, err_set(&call->err, EEXIST, "Uplink already exists: %s",
						     nic));
	if (owner)
		return netcmd_abandon(&next, err_set(&call->err, EBUSY,
			"Uplink %s is already used by vSwitch %s: an uplink belongs to one vSwitch",
			nic, owner->name));
	/* The kernel gives a bond's or bridge's port to its master alone: a
	 * vmk's macvlan could not sit on it. */
	if (link.master[0])
		return netcmd_abandon(&next, err_set(&call->err, EBUSY,
			"Uplink %s is a port of %s: add %s as the uplink instead", nic, link.master,
			link.master));
	if (model_add_uplink(vs, nic) < 0)
		return netcmd_abandon(&next, err_set(&call->err, ENOMEM, "out of memory"));
	return model_apply(call->daemon, &next, &call->err);
}

/* What refuses an uplink's removal without --force: a bound vmk pinned to
 * it (with the impact on storage), or vmks with it in their failover order. */
static int uplink_in_use(struct esx_call *call, const struct model *m, const char *nic,
			 const char *vswitch)
{
	struct esx_strv users = { 0 };
	char list[512];
	int ret = iscsi_guard_uplink_remove(m, call->daemon->reconciler, nic, vswitch, &call->err);

	if (ret < 0)
		return ret;
	if (model_uplink_users(m, nic, &users) < 0)
		ret = err_set(&call->err, ENOMEM, "out of memory");
	else if (users.len)
		ret = err_set(&call->err, EBUSY,
			      "Cannot remove uplink %s from vSwitch %s: it is in the failover order of %s; change their portgroups' failover policy first, or remove it anyway with --force true",
			      nic, vswitch, netcmd_join(&users, list, sizeof(list)));
	strv_free(&users);
	return ret;
}

static int uplink_remove(struct esx_call *call)
{
	const char *nic = args_str(&call->args, "uplink-name");
	const char *name = args_str(&call->args, "vswitch-name");
	struct vswitch *vs = NULL;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret == 0)
		ret = find_vswitch(call, &next, name, &vs);
	if (ret == 0 && model_uplink_owner(&next, nic) != vs)
		ret = err_set(&call->err, ENOENT, "No such uplink: %s", nic);
	if (ret == 0 && !args_bool(&call->args, "force", false))
		ret = uplink_in_use(call, &next, nic, name);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	model_remove_uplink(&next, vs, nic);
	return model_apply(call->daemon, &next, &call->err);
}

/* ---- failover policy ---- */

static void failover_record(struct esx_record *rec, const struct failover_policy *p,
			    const struct esx_strv *unused)
{
	rec_str(rec, "Load Balancing", lb_policy_name(p->load_balancing));
	rec_str(rec, "Network Failure Detection", failure_detection_name(p->failure_detection));
	rec_bool(rec, "Notify Switches", p->notify_switches);
	rec_bool(rec, "Failback", p->failback);
	netcmd_rec_list(rec, "Active Adapters", &p->active);
	netcmd_rec_list(rec, "Standby Adapters", &p->standby);
	netcmd_rec_list(rec, "Unused Adapters", unused);
}

static int vswitch_policy_get(struct esx_call *call)
{
	struct esx_strv unused = { 0 };
	const struct model *m;
	struct vswitch *vs;
	int ret = netcmd_model(call, &m);

	if (ret == 0)
		ret = find_vswitch(call, m, args_str(&call->args, "vswitch-name"), &vs);
	if (ret < 0)
		return ret;
	if (policy_unused(vs, &vs->policy, &unused) < 0)
		ret = err_set(&call->err, ENOMEM, "out of memory");
	else
		failover_record(result_record(call->result, NULL), &vs->policy, &unused);
	strv_free(&unused);
	return ret;
}

static bool beacon_requested(const struct esx_call *call)
{
	const char *fd = args_str(&call->args, "failure-detection");

	return fd && strcmp(fd, "beacon") == 0;
}

/* Apply -a -s -l -f -b -n to target. base is the order -a and -s change
 * (for a portgroup, its effective one). */
static int apply_failover_options(struct esx_call *call, const struct vswitch *vs,
				  const struct failover_policy *base,
				  struct failover_policy *target)
{
	const struct esx_args *a = &call->args;
	bool has_active = args_has(a, "active-uplinks"), has_standby = args_has(a, "standby-uplinks");

	if (has_active || has_standby) {
		struct failover_policy order;
		int ret;

		if (policy_copy(base, &order) < 0)
			return err_set(&call->err, ENOMEM, "out of memory");
		ret = policy_change_uplinks(vs, &order,
					    has_active ? args_str(a, "active-uplinks") : NULL,
					    has_standby ? args_str(a, "standby-uplinks") : NULL,
					    &call->err);
		if (ret < 0) {
			policy_free(&order);
			return ret;
		}
		strv_free(&target->active);
		strv_free(&target->standby);
		target->active = order.active;
		target->standby = order.standby;
		target->has_uplinks = true;
	}
	if (args_has(a, "load-balancing")) {
		if (lb_policy_parse(args_str(a, "load-balancing"), &target->load_balancing) < 0)
			return err_set(&call->err, EINVAL, "Invalid load balancing policy %s",
				       args_str(a, "load-balancing"));
		target->has_load_balancing = true;
	}
	if (args_has(a, "failure-detection")) {
		if (failure_detection_parse(args_str(a, "failure-detection"),
					    &target->failure_detection) < 0)
			return err_set(&call->err, EINVAL, "Invalid failure detection %s",
				       args_str(a, "failure-detection"));
		target->has_failure_detection = true;
	}
	if (args_has(a, "notify-switches")) {
		target->notify_switches = args_bool(a, "notify-switches", true);
		target->has_notify = true;
	}
	if (args_has(a, "failback")) {
		target->failback = args_bool(a, "failback", true);
		target->has_failback = true;
	}
	return 0;
}

/* After a successful change that asked for beacon probing. */
static int applied(struct esx_call *call, int ret)
{
	if (ret == 0 && beacon_requested(call)) {
		result_message(call->result,
			       "Beacon probing is not implemented by esxcli-linux: the setting is stored, and uplink failure is detected from link state.");
		log_info("beacon probing requested; link state is used");
	}
	return ret;
}

static int vswitch_policy_set(struct esx_call *call)
{
	struct vswitch *vs;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret < 0)
		return ret;
	ret = find_vswitch(call, &next, args_str(&call->args, "vswitch-name"), &vs);
	if (ret == 0)
		ret = apply_failover_options(call, vs, &vs->policy, &vs->policy);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	return applied(call, model_apply(call->daemon, &next, &call->err));
}

/* ---- portgroups ---- */

static int portgroup_list(struct esx_call *call)
{
	const struct model *m;
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < m->nportgroups; i++) {
		const struct portgroup *pg = &m->portgroups[i];
		struct esx_record *rec = result_record(call->result, NULL);

		rec_str(rec, "Name", pg->name);
		rec_str(rec, "Virtual Switch", pg->vswitch);
		rec_int(rec, "Active Clients", model_portgroup_vmk(m, pg->name) ? 1 : 0);
		rec_int(rec, "VLAN ID", pg->vlan_id);
	}
	return 0;
}

static int portgroup_add(struct esx_call *call)
{
	const char *name = args_str(&call->args, "portgroup-name");
	const char *vs_name = args_str(&call->args, "vswitch-name");
	struct portgroup *pg;
	struct vswitch *vs;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret < 0)
		return ret;
	ret = find_vswitch(call, &next, vs_name, &vs);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	if (!model_name_valid(name))
		return netcmd_abandon(&next, err_set(&call->err, EINVAL,
			"Invalid portgroup name '%s': 1 to %d characters, no control characters or commas",
			name, MODEL_NAME_MAX - 1));
	if (model_portgroup(&next, name))
		return netcmd_abandon(&next, err_set(&call->err, EEXIST,
			"A portgroup with the name %s already exists", name));
	pg = model_add_portgroup(&next);
	if (!pg)
		return netcmd_abandon(&next, err_set(&call->err, ENOMEM, "out of memory"));
	snprintf(pg->name, sizeof(pg->name), "%s", name);
	snprintf(pg->vswitch, sizeof(pg->vswitch), "%s", vs_name);
	return model_apply(call->daemon, &next, &call->err);
}

static int portgroup_remove(struct esx_call *call)
{
	const char *name = args_str(&call->args, "portgroup-name");
	const char *vs_name = args_str(&call->args, "vswitch-name");
	struct portgroup *pg;
	struct vswitch *vs;
	struct vmk *user;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret < 0)
		return ret;
	ret = find_vswitch(call, &next, vs_name, &vs);
	if (ret == 0)
		ret = find_portgroup(call, &next, name, &pg);
	if (ret == 0 && strcmp(pg->vswitch, vs_name) != 0)
		ret = err_set(&call->err, ENOENT, "Portgroup %s is not on vSwitch %s (it is on %s)",
			      name, vs_name, pg->vswitch);
	user = ret == 0 ? model_portgroup_vmk(&next, name) : NULL;
	if (user)
		ret = err_set(&call->err, EBUSY, "Cannot remove portgroup %s: it is used by %s", name,
			      user->name);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	model_remove_portgroup(&next, name);
	return model_apply(call->daemon, &next, &call->err);
}

static int portgroup_set(struct esx_call *call)
{
	struct portgroup *pg;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret < 0)
		return ret;
	ret = find_portgroup(call, &next, args_str(&call->args, "portgroup-name"), &pg);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	if (args_has(&call->args, "vlan-id"))
		pg->vlan_id = (unsigned)args_int(&call->args, "vlan-id", 0);
	return model_apply(call->daemon, &next, &call->err);
}

static int portgroup_policy_get(struct esx_call *call)
{
	struct failover_policy eff = { 0 };
	struct esx_strv unused = { 0 };
	const struct model *m;
	struct portgroup *pg;
	struct esx_record *rec;
	int ret = netcmd_model(call, &m);

	if (ret == 0)
		ret = find_portgroup(call, m, args_str(&call->args, "portgroup-name"), &pg);
	if (ret < 0)
		return ret;
	if (policy_effective(m, pg, &eff) < 0 ||
	    policy_unused(model_vswitch(m, pg->vswitch), &eff, &unused) < 0) {
		ret = err_set(&call->err, ENOMEM, "out of memory");
		goto out;
	}
	rec = result_record(call->result, NULL);
	failover_record(rec, &eff, &unused);
	rec_bool(rec, "Override Vswitch Load Balancing", pg->policy.has_load_balancing);
	rec_bool(rec, "Override Vswitch Network Failure Detection",
		 pg->policy.has_failure_detection);
	rec_bool(rec, "Override Vswitch Notify Switches", pg->policy.has_notify);
	rec_bool(rec, "Override Vswitch Failback", pg->policy.has_failback);
	rec_bool(rec, "Override Vswitch Uplinks", pg->policy.has_uplinks);
out:
	policy_free(&eff);
	strv_free(&unused);
	return ret;
}

static bool any_failover_option(const struct esx_args *a)
{
	static const char *const names[] = { "active-uplinks", "standby-uplinks", "load-balancing",
					     "failure-detection", "notify-switches", "failback" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (args_has(a, names[i]))
			return true;
	}
	return false;
}

static int portgroup_policy_set(struct esx_call *call)
{
	struct failover_policy eff = { 0 };
	struct portgroup *pg;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret == 0)
		ret = find_portgroup(call, &next, args_str(&call->args, "portgroup-name"), &pg);
	if (ret < 0)
		goto out;
	if (args_has(&call->args, "use-vswitch")) {
		if (any_failover_option(&call->args)) {
			ret = err_set(&call->err, EINVAL,
				      "--use-vswitch resets every failover setting to the vSwitch's: give it without other policy options");
			goto out;
		}
		policy_free(&pg->policy);
		memset(&pg->policy, 0, sizeof(pg->policy));
		ret = model_apply(call->daemon, &next, &call->err);
		goto out;
	}
	if (policy_effective(&next, pg, &eff) < 0) {
		ret = err_set(&call->err, ENOMEM, "out of memory");
		goto out;
	}
	ret = apply_failover_options(call, model_vswitch(&next, pg->vswitch), &eff, &pg->policy);
	if (ret == 0)
		ret = applied(call, model_apply(call->daemon, &next, &call->err));
out:
	policy_free(&eff);
	model_free(&next);   /* empty once model_apply() has taken it */
	return ret;
}

/* ---- tables ---- */

const struct esx_command network_vswitch_commands[] = {
	{ "network vswitch standard list", "List the virtual switches current on the ESX host.",
	  list_options, vswitch_list, SHAPE_STRUCTS, &vswitch_schema, VT_STRING, CMD_READONLY },
	{ "network vswitch standard add", "Add a new virtual switch to the ESX networking system.",
	  add_options, vswitch_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network vswitch standard remove",
	  "Remove a virtual switch from the ESX networking system.", remove_options,
	  vswitch_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network vswitch standard set",
	  "This command sets the MTU size and CDP status of a given virtual switch.", set_options,
	  vswitch_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network vswitch standard uplink add", "Add an uplink to a virtual switch.",
	  uplink_add_options, uplink_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network vswitch standard uplink remove", "Remove an uplink from a virtual switch.",
	  uplink_remove_options, uplink_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network vswitch standard policy failover get",
	  "Get the Failover Policy settings governing the given virtual switch.",
	  vswitch_policy_get_options, vswitch_policy_get, SHAPE_STRUCT, &failover_schema,
	  VT_STRING, CMD_READONLY },
	{ "network vswitch standard policy failover set",
	  "Configure the Failover Policy for a virtual switch.", vswitch_policy_set_options,
	  vswitch_policy_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network vswitch standard portgroup list",
	  "List all of the port groups currently on the system.", pg_list_options,
	  portgroup_list, SHAPE_TABLE, &portgroup_schema, VT_STRING, CMD_READONLY },
	{ "network vswitch standard portgroup add",
	  "Allows the addition of a standard port group to a virtual switch.",
	  pg_add_remove_options, portgroup_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network vswitch standard portgroup remove",
	  "Remove a port group from the given virtual switch.", pg_add_remove_options,
	  portgroup_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network vswitch standard portgroup set", "Set the VLAN ID of the given port group.",
	  pg_set_options, portgroup_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network vswitch standard portgroup policy failover get",
	  "Get the network failover policy settings governing the given port group.",
	  pg_policy_get_options, portgroup_policy_get, SHAPE_STRUCT, &pg_failover_schema,
	  VT_STRING, CMD_READONLY },
	{ "network vswitch standard portgroup policy failover set",
	  "Configure the Failover policy for a port group.", pg_policy_set_options,
	  portgroup_policy_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ NULL },
};

const struct esx_namespace network_vswitch_namespaces[] = {
	{ "network vswitch", "Commands to list and manipulate Virtual Switches on an ESX host." },
	{ "network vswitch standard",
	  "Commands to list and manipulate Legacy Standard Virtual Switches on an ESX host." },
	{ "network vswitch standard uplink",
	  "Commands to add and remove uplinks of a standard virtual switch." },
	{ "network vswitch standard policy",
	  "Commands for manipulating the policies of a standard virtual switch." },
	{ "network vswitch standard policy failover",
	  "Commands to get and set the failover (teaming) policy of a standard virtual switch." },
	{ "network vswitch standard portgroup",
	  "Commands to list and manipulate Port Groups on an ESX host." },
	{ "network vswitch standard portgroup policy",
	  "Commands for manipulating the policies of a port group." },
	{ "network vswitch standard portgroup policy failover",
	  "Commands to get and set the failover (teaming) policy of a port group." },
	{ NULL, NULL },
};
