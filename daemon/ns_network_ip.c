/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `esxcli network ip` namespace as far as vmkernel interfaces go:
 * `interface` (list, add, remove, set), their IPv4 and IPv6 addresses, and
 * static IPv4 routes. Handlers check a change against ESXi's rules on a copy
 * of the model and hand it to model_apply(), which realises it in the kernel
 * and commits it, or changes nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "ipaddr.h"
#include "iscsi_guard.h"
#include "net_link.h"
#include "netcmd.h"
#include "transaction.h"

/* ESXi numbers the ports of a vSwitch from 0x2000000; a vmk's Port ID here
 * is derived from its number so that it never changes. */
#define PORT_ID_BASE 33554432
#define PORT_ID_FIRST_VMK 16

/* ---- schemas, in ESXi's field order ---- */

static const struct esx_field_def interface_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "MAC Address", VT_STRING, NULL },
	{ "Enabled", VT_BOOL, NULL },
	{ "Portset", VT_STRING, NULL },
	{ "Portgroup", VT_STRING, NULL },
	{ "Netstack Instance", VT_STRING, NULL },
	{ "VDS Name", VT_STRING, NULL },
	{ "VDS UUID", VT_STRING, NULL },
	{ "VDS Port", VT_STRING, NULL },
	{ "VDS Connection", VT_INT, NULL },
	{ "Opaque Network ID", VT_STRING, NULL },
	{ "Opaque Network Type", VT_STRING, NULL },
	{ "External ID", VT_STRING, NULL },
	{ "MTU", VT_INT, NULL },
	{ "TSO MSS", VT_INT, NULL },
	{ "RXDispQueue Size", VT_INT, NULL },
	{ "Port ID", VT_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema interface_schema = { "NetworkInterface", interface_fields };

static const struct esx_field_def ipv4_fields[] = {
	{ "Name", VT_STRING, NULL },
	{ "IPv4 Address", VT_STRING, NULL },
	{ "IPv4 Netmask", VT_STRING, NULL },
	{ "IPv4 Broadcast", VT_STRING, NULL },
	{ "Address Type", VT_STRING, NULL },
	{ "Gateway", VT_STRING, NULL },
	{ "DHCP DNS", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema ipv4_schema = { "IPv4Interface", ipv4_fields };

static const struct esx_field_def ipv6_fields[] = {
	{ "Interface", VT_STRING, NULL },
	{ "Address", VT_STRING, NULL },
	{ "Netmask", VT_INT, NULL },
	{ "Type", VT_STRING, NULL },
	{ "Status", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema ipv6_schema = { "IPv6Address", ipv6_fields };

static const struct esx_field_def route_fields[] = {
	{ "Network", VT_STRING, NULL },
	{ "Netmask", VT_STRING, NULL },
	{ "Gateway", VT_STRING, NULL },
	{ "Interface", VT_STRING, NULL },
	{ "Source", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema route_schema = { "IPv4Route", route_fields };

/* ---- completers ---- */

/* The lowest vmk name not in use: what `interface add -i` should be. */
static int free_vmk_completer(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);
	char name[MODEL_IFNAME_MAX];

	for (unsigned n = 0; m && n < 100000; n++) {
		snprintf(name, sizeof(name), "vmk%u", n);
		if (!model_vmk(m, name))
			return strv_add_if_prefix(out, name, prefix);
	}
	return 0;
}

/* Portgroups without a vmk (ESXi allows one per portgroup). */
static int free_portgroup_completer(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	for (size_t i = 0; m && i < m->nportgroups; i++) {
		const char *name = m->portgroups[i].name;

		if (!model_portgroup_vmk(m, name) && strv_add_if_prefix(out, name, prefix) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int ipv6_completer(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	for (size_t i = 0; m && i < m->nvmks; i++) {
		for (size_t j = 0; j < m->vmks[i].ipv6.len; j++) {
			if (strv_add_if_prefix(out, m->vmks[i].ipv6.items[j], prefix) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int route_network_completer(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	for (size_t i = 0; m && i < m->nroutes; i++) {
		if (!m->routes[i].ipv6 && strv_add_if_prefix(out, m->routes[i].network, prefix) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int route_gateway_completer(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	for (size_t i = 0; m && i < m->nroutes; i++) {
		if (!m->routes[i].ipv6 && strv_add_if_prefix(out, m->routes[i].gateway, prefix) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- options ---- */

static const struct esx_option interface_list_options[] = {
	{ "interface-name", 'i', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The name of the VMkernel network interface to list (vmk1); all when not given.",
	  netcmd_complete_vmk },
	{ NULL },
};

static const struct esx_option interface_add_options[] = {
	{ "interface-name", 'i', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the VMkernel network interface to create: vmk followed by a number (vmk1).",
	  free_vmk_completer },
	{ "mac-address", 'M', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "A unicast MAC address for the interface. When not given, a locally administered one (02:50:56:xx:xx:xx) is generated; either way it is kept for the interface's life.",
	  NULL },
	{ "mtu", 'm', OPT_INT, OPT_HAS_RANGE, NULL, MODEL_MTU_MIN, MODEL_MTU_MAX, NULL,
	  "The MTU of the interface: at most the vSwitch's and its uplinks'. Default 1500, or the vSwitch's MTU when smaller.",
	  NULL },
	{ "portgroup-name", 'p', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The port group to connect the interface to; it must have no interface yet.",
	  free_portgroup_completer },
	{ NULL },
};

static const struct esx_option interface_remove_options[] = {
	{ "force", 'f', OPT_BOOL, 0, NULL, 0, 0, NULL,
	  "Remove the interface even when it is bound to the iSCSI adapter: its storage paths go, the binding stays (non-compliant). Not in ESXi's esxcli.",
	  NULL },
	{ "interface-name", 'i', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the VMkernel network interface to remove.", netcmd_complete_vmk },
	{ NULL },
};

static const struct esx_option interface_set_options[] = {
	{ "enabled", 'e', OPT_BOOL, 0, NULL, 0, 0, NULL,
	  "Bring the interface up (true) or down (false).", NULL },
	{ "interface-name", 'i', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the VMkernel network interface to configure.", netcmd_complete_vmk },
	{ "mtu", 'm', OPT_INT, OPT_HAS_RANGE, NULL, MODEL_MTU_MIN, MODEL_MTU_MAX, NULL,
	  "The MTU of the interface: at most the vSwitch's and its uplinks'.", NULL },
	{ NULL },
};

static const struct esx_option ipv4_get_options[] = {
	{ "interface-name", 'i', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The name of the VMkernel network interface; all when not given.",
	  netcmd_complete_vmk },
	{ NULL },
};

static const struct esx_option ipv4_set_options[] = {
	{ "gateway", 'g', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The interface's own default gateway (in its subnet), used for traffic that leaves through it. 0.0.0.0 or not given: none.",
	  NULL },
	{ "interface-name", 'i', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the VMkernel network interface to configure.", netcmd_complete_vmk },
	{ "ipv4", 'I', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The static IPv4 address of the interface (with --type=static).", NULL },
	{ "netmask", 'N', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The IPv4 netmask, dotted (255.255.255.0) (with --type=static).", NULL },
	{ "type", 't', OPT_ENUM, OPT_REQUIRED, "dhcp|none|static", 0, 0, NULL,
	  "static: the address given with --ipv4 and --netmask; none: no IPv4 address; dhcp: not supported.",
	  NULL },
	{ NULL },
};

static const struct esx_option ipv6_list_options[] = {
	{ "interface-name", 'i', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The name of the VMkernel network interface; all when not given.",
	  netcmd_complete_vmk },
	{ NULL },
};

static const struct esx_option ipv6_add_options[] = {
	{ "interface-name", 'i', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the VMkernel network interface to add the address to.",
	  netcmd_complete_vmk },
	{ "ipv6", 'I', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The IPv6 address to add, with its prefix length: X:X:X::X/X.", NULL },
	{ NULL },
};

static const struct esx_option ipv6_remove_options[] = {
	{ "interface-name", 'i', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The name of the VMkernel network interface to remove the address from.",
	  netcmd_complete_vmk },
	{ "ipv6", 'I', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The IPv6 address to remove, with its prefix length: X:X:X::X/X.", ipv6_completer },
	{ NULL },
};

static const struct esx_option route_list_options[] = {
	{ NULL },
};

static const struct esx_option route_change_options[] = {
	{ "gateway", 'g', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The IPv4 address of the gateway; a vmkernel interface's subnet must contain it.",
	  route_gateway_completer },
	{ "network", 'n', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The destination: network/length (10.1.0.0/16) or default.", route_network_completer },
	{ NULL },
};

/* ---- shared checks ---- */

static int find_vmk(struct esx_call *call, const struct model *m, const char *name,
		    struct vmk **out)
{
	*out = model_vmk(m, name);
	if (!*out)
		return err_set(&call->err, ENOENT, "Unable to find vmknic %s", name);
	return 0;
}

/* A vmk's MTU fits its vSwitch and every uplink it may sit on. The uplinks'
 * MTUs come from the kernel; one missing now is not checked. */
static int check_mtu(struct esx_call *call, const struct model *m, const struct portgroup *pg,
		     unsigned mtu)
{
	const struct vswitch *vs = model_vswitch(m, pg->vswitch);
	struct failover_policy eff;
	const struct esx_strv *lists[2];
	int ret = 0;

	if (mtu > vs->mtu)
		return err_set(&call->err, EINVAL, "MTU %u is larger than the MTU %u of vSwitch %s",
			       mtu, vs->mtu, vs->name);
	if (!call->daemon->net)
		return 0;
	if (policy_effective(m, pg, &eff) < 0)
		return err_set(&call->err, ENOMEM, "out of memory");
	lists[0] = &eff.active;
	lists[1] = &eff.standby;
	for (size_t l = 0; l < 2 && ret == 0; l++) {
		for (size_t i = 0; i < lists[l]->len && ret == 0; i++) {
			struct esx_err ignored = { 0 };
			struct net_link link;

			if (net_nic_get(call->daemon->net, lists[l]->items[i], &link, &ignored) < 0)
				continue;
			if (link.mtu < mtu)
				ret = err_set(&call->err, EINVAL,
					      "MTU %u is larger than the MTU %u of uplink %s", mtu,
					      link.mtu, link.name);
		}
	}
	policy_free(&eff);
	return ret;
}

/* After a change that removes or readdresses vmks: every static route must
 * still have a vmk whose subnet holds its gateway. */
static int check_routes_reachable(struct esx_call *call, const struct model *next,
				  const char *what)
{
	struct esx_strv lost = { 0 };
	char list[512];
	int ret = 0;

	if (model_unreachable_routes(next, &lost) < 0)
		ret = err_set(&call->err, ENOMEM, "out of memory");
	else if (lost.len)
		ret = err_set(&call->err, EBUSY,
			      "Cannot %s: no other vmkernel interface could reach the gateway of the route(s) %s; remove them first",
			      what, netcmd_join(&lost, list, sizeof(list)));
	strv_free(&lost);
	return ret;
}

/* ---- interfaces ---- */

static int interface_record(struct esx_call *call, const struct model *m, const struct vmk *v)
{
	const struct vswitch *vs = model_vmk_vswitch(m, v);
	struct esx_record *rec = result_record(call->result, v->name);

	rec_str(rec, "Name", v->name);
	rec_str(rec, "MAC Address", v->mac);
	rec_bool(rec, "Enabled", v->enabled);
	rec_str(rec, "Portset", vs ? vs->name : "");
	rec_str(rec, "Portgroup", v->portgroup);
	rec_str(rec, "Netstack Instance", "defaultTcpipStack");
	rec_str(rec, "VDS Name", "N/A");
	rec_str(rec, "VDS UUID", "N/A");
	rec_str(rec, "VDS Port", "N/A");
	rec_int(rec, "VDS Connection", -1);
	rec_str(rec, "Opaque Network ID", "N/A");
	rec_str(rec, "Opaque Network Type", "N/A");
	rec_str(rec, "External ID", "N/A");
	rec_int(rec, "MTU", v->mtu);
	rec_int(rec, "TSO MSS", 65535);
	rec_int(rec, "RXDispQueue Size", 1);
	rec_int(rec, "Port ID", PORT_ID_BASE + PORT_ID_FIRST_VMK + atol(v->name + 3));
	return 0;
}

static int interface_list(struct esx_call *call)
{
	const char *only = args_str(&call->args, "interface-name");
	const struct model *m;
	struct vmk *v;
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	if (only) {
		ret = find_vmk(call, m, only, &v);
		return ret < 0 ? ret : interface_record(call, m, v);
	}
	for (size_t i = 0; i < m->nvmks; i++)
		interface_record(call, m, &m->vmks[i]);
	return 0;
}

/* The MAC of a new vmk: the one given, checked, or a fresh unique one. */
static int choose_mac(struct esx_call *call, const struct model *m, char out[MODEL_MAC_MAX])
{
	const char *given = args_str(&call->args, "mac-address");
	const struct vmk *user;
	uint8_t mac[6];

	if (given) {
		if (mac_parse(given, mac) < 0 || !mac_is_unicast(mac))
			return err_set(&call->err, EINVAL,
				       "Invalid MAC address '%s': give a unicast address as xx:xx:xx:xx:xx:xx",
				       given);
		mac_format(mac, out, MODEL_MAC_MAX);
		user = model_vmk_by_mac(m, out);
		if (user)
			return err_set(&call->err, EEXIST, "MAC address %s is already used by %s",
				       out, user->name);
		return 0;
	}
	/* 2^24 choices: a collision is rare, several in a row impossible in
	 * practice. */
	for (int attempt = 0; attempt < 16; attempt++) {
		unsigned char random[3];

		if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random))
			return err_set(&call->err, errno ? errno : EIO,
				       "Unable to generate a MAC address: getrandom failed");
		model_make_mac(random, out);
		if (!model_vmk_by_mac(m, out))
			return 0;
	}
	return err_set(&call->err, EEXIST, "Unable to generate a MAC address not yet in use");
}

/* A NIC of the host with the vmk's name would clash with its macvlan. */
static int check_name_free_in_kernel(struct esx_call *call, const char *name)
{
	struct esx_err ignored = { 0 };
	struct net_link link;

	if (call->daemon->net && net_nic_get(call->daemon->net, name, &link, &ignored) == 0)
		return err_set(&call->err, EEXIST,
			       "%s is the name of a network interface esxclid does not manage; rename or remove it first",
			       name);
	return 0;
}

static int interface_add(struct esx_call *call)
{
	const char *name = args_str(&call->args, "interface-name");
	const char *pg_name = args_str(&call->args, "portgroup-name");
	const struct portgroup *pg;
	const struct vswitch *vs;
	char mac[MODEL_MAC_MAX];
	unsigned table = 0, mtu;
	struct model next;
	struct vmk *v = NULL;
	int ret = netcmd_begin(call, &next);

	if (ret < 0)
		return ret;
	if (!model_vmk_name_valid(name))
		ret = err_set(&call->err, EINVAL,
			      "Invalid interface name '%s': a VMkernel interface is named vmk followed by a number (vmk1)",
			      name);
	else if (model_vmk(&next, name))
		ret = err_set(&call->err, EEXIST, "A vmknic with the name %s already exists", name);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	pg = model_portgroup(&next, pg_name);
	if (!pg)
		return netcmd_abandon(&next, err_set(&call->err, ENOENT,
						     "Unable to find portgroup %s", pg_name));
	if (model_portgroup_vmk(&next, pg_name))
		return netcmd_abandon(&next, err_set(&call->err, EEXIST,
			"A vmkernel nic for the connection point already exists"));
	vs = model_vswitch(&next, pg->vswitch);
	mtu = MODEL_MTU_DEFAULT < vs->mtu ? MODEL_MTU_DEFAULT : vs->mtu;
	mtu = (unsigned)args_int(&call->args, "mtu", mtu);
	ret = check_mtu(call, &next, pg, mtu);
	if (ret == 0)
		ret = check_name_free_in_kernel(call, name);
	if (ret == 0)
		ret = choose_mac(call, &next, mac);
	if (ret == 0 && model_free_table(&next, &table) < 0)
		ret = err_set(&call->err, ENOSPC,
			      "No routing table is free for %s: esxclid gives each VMkernel interface one of the tables %d-%d",
			      name, MODEL_TABLE_FIRST, MODEL_TABLE_LAST);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	v = model_add_vmk(&next);   /* pg and vs stay valid: other arrays */
	if (!v)
		return netcmd_abandon(&next, err_set(&call->err, ENOMEM, "out of memory"));
	snprintf(v->name, sizeof(v->name), "%s", name);
	snprintf(v->portgroup, sizeof(v->portgroup), "%s", pg_name);
	snprintf(v->mac, sizeof(v->mac), "%s", mac);
	v->mtu = mtu;
	v->enabled = true;
	v->ipv4_type = IPV4_NONE;
	v->table = table;
	return model_apply(call->daemon, &next, &call->err);
}

static int interface_remove(struct esx_call *call)
{
	const char *name = args_str(&call->args, "interface-name");
	struct model next;
	struct vmk *v = NULL;
	char what[64];
	int ret = netcmd_begin(call, &next);

	if (ret == 0)
		ret = find_vmk(call, &next, name, &v);
	if (ret == 0 && !args_bool(&call->args, "force", false))
		ret = iscsi_guard_vmk_remove(&next, name, &call->err);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	model_remove_vmk(&next, name);
	snprintf(what, sizeof(what), "remove %s", name);
	ret = check_routes_reachable(call, &next, what);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	return model_apply(call->daemon, &next, &call->err);
}

static int interface_set(struct esx_call *call)
{
	struct model next;
	struct vmk *v = NULL;
	int ret = netcmd_begin(call, &next);

	if (ret == 0)
		ret = find_vmk(call, &next, args_str(&call->args, "interface-name"), &v);
	if (ret == 0 && args_has(&call->args, "mtu")) {
		unsigned mtu = (unsigned)args_int(&call->args, "mtu", MODEL_MTU_DEFAULT);

		ret = check_mtu(call, &next, model_portgroup(&next, v->portgroup), mtu);
		v->mtu = mtu;
	}
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	if (args_has(&call->args, "enabled"))
		v->enabled = args_bool(&call->args, "enabled", true);
	return model_apply(call->daemon, &next, &call->err);
}

/* ---- IPv4 ---- */

static const char *address_type(enum ipv4_type t)
{
	switch (t) {
	case IPV4_STATIC:
		return "STATIC";
	case IPV4_DHCP:
		return "DHCP";
	default:
		return "NONE";
	}
}

static void ipv4_record(struct esx_call *call, const struct vmk *v)
{
	struct esx_record *rec = result_record(call->result, NULL);
	char mask[IPADDR_V4_TEXT_MAX] = "0.0.0.0", bcast[IPADDR_V4_TEXT_MAX] = "0.0.0.0";
	bool has_address = v->ipv4_type == IPV4_STATIC;
	uint32_t addr;

	if (has_address && ipv4_parse(v->ipv4_address, &addr) == 0) {
		uint32_t m = ipv4_prefix_mask(v->ipv4_prefix);

		ipv4_format(m, mask, sizeof(mask));
		ipv4_format(addr | ~m, bcast, sizeof(bcast));
	}
	rec_str(rec, "Name", v->name);
	rec_str(rec, "IPv4 Address", has_address ? v->ipv4_address : "0.0.0.0");
	rec_str(rec, "IPv4 Netmask", mask);
	rec_str(rec, "IPv4 Broadcast", bcast);
	rec_str(rec, "Address Type", address_type(v->ipv4_type));
	rec_str(rec, "Gateway", v->ipv4_gateway[0] ? v->ipv4_gateway : "0.0.0.0");
	rec_bool(rec, "DHCP DNS", false);
}

static int ipv4_get(struct esx_call *call)
{
	const char *only = args_str(&call->args, "interface-name");
	const struct model *m;
	struct vmk *v;
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	if (only) {
		ret = find_vmk(call, m, only, &v);
		if (ret == 0)
			ipv4_record(call, v);
		return ret;
	}
	for (size_t i = 0; i < m->nvmks; i++)
		ipv4_record(call, &m->vmks[i]);
	return 0;
}

/* Check --ipv4, --netmask and --gateway and set them on v. */
static int set_static_ipv4(struct esx_call *call, const struct model *m, struct vmk *v)
{
	const char *ip = args_str(&call->args, "ipv4");
	const char *netmask = args_str(&call->args, "netmask");
	const char *gateway = args_str(&call->args, "gateway");
	char net_text[IPADDR_V4_TEXT_MAX];
	uint32_t addr, gw, mask;
	const struct vmk *user;
	unsigned prefix;

	if (!ip || !netmask)
		return err_set(&call->err, EINVAL, "--type=static needs --ipv4 and --netmask");
	if (ipv4_parse(ip, &addr) < 0 || !ipv4_is_unicast(addr))
		return err_set(&call->err, EINVAL, "Invalid IPv4 address '%s'", ip);
	if (ipv4_netmask_to_prefix(netmask, &prefix) < 0 || prefix == 0)
		return err_set(&call->err, EINVAL,
			       "Invalid netmask '%s': give a dotted mask with contiguous bits (255.255.255.0)",
			       netmask);
	mask = ipv4_prefix_mask(prefix);
	ipv4_format(addr & mask, net_text, sizeof(net_text));
	/* /31 and /32 have no network or broadcast address (RFC 3021). */
	if (prefix <= 30 && (addr & ~mask) == 0)
		return err_set(&call->err, EINVAL, "%s is the network address of %s/%u", ip,
			       net_text, prefix);
	if (prefix <= 30 && (addr & ~mask) == ~mask)
		return err_set(&call->err, EINVAL, "%s is the broadcast address of %s/%u", ip,
			       net_text, prefix);
	user = model_vmk_by_ipv4(m, ip);
	if (user && user != v)
		return err_set(&call->err, EEXIST, "IP address %s is already used by %s", ip,
			       user->name);
	v->ipv4_gateway[0] = '\0';
	if (gateway && strcmp(gateway, "0.0.0.0") != 0) {
		if (ipv4_parse(gateway, &gw) < 0 || !ipv4_is_unicast(gw))
			return err_set(&call->err, EINVAL, "Invalid gateway '%s'", gateway);
		if (!ipv4_in_subnet(gw, addr, prefix) || gw == addr)
			return err_set(&call->err, EINVAL,
				       "Gateway %s is not in the subnet %s/%u of %s", gateway,
				       net_text, prefix, v->name);
		ipv4_format(gw, v->ipv4_gateway, sizeof(v->ipv4_gateway));
	}
	v->ipv4_type = IPV4_STATIC;
	ipv4_format(addr, v->ipv4_address, sizeof(v->ipv4_address));
	v->ipv4_prefix = prefix;
	return 0;
}

static int ipv4_set(struct esx_call *call)
{
	const char *type = args_str(&call->args, "type");
	struct model next;
	struct vmk *v = NULL;
	char what[64];
	int ret;

	if (strcmp(type, "dhcp") == 0)
		return err_set(&call->err, EOPNOTSUPP,
			       "DHCP is not supported on vmkernel interfaces by esxcli-linux: a DHCP client would fight the per-interface routing tables; use --type=static");
	ret = netcmd_begin(call, &next);
	if (ret == 0)
		ret = find_vmk(call, &next, args_str(&call->args, "interface-name"), &v);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	if (strcmp(type, "static") == 0) {
		ret = set_static_ipv4(call, &next, v);
	} else if (args_has(&call->args, "ipv4") || args_has(&call->args, "netmask") ||
		   args_has(&call->args, "gateway")) {
		ret = err_set(&call->err, EINVAL,
			      "--ipv4, --netmask and --gateway need --type=static");
	} else {
		v->ipv4_type = IPV4_NONE;
		v->ipv4_address[0] = v->ipv4_gateway[0] = '\0';
		v->ipv4_prefix = 0;
	}
	snprintf(what, sizeof(what), "change the IPv4 address of %s", v->name);
	if (ret == 0)
		ret = check_routes_reachable(call, &next, what);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	return model_apply(call->daemon, &next, &call->err);
}

/* ---- IPv6 addresses ---- */

static int parse_ipv6_option(struct esx_call *call, char *entry, size_t len, char *addr,
			     size_t addr_len)
{
	const char *given = args_str(&call->args, "ipv6");
	unsigned prefix;

	if (ipv6_parse_interface_address(given, addr, addr_len, &prefix) < 0)
		return err_set(&call->err, EINVAL,
			       "Invalid IPv6 address '%s': give a unicast address with its prefix length (fd00::10/64)",
			       given);
	snprintf(entry, len, "%s/%u", addr, prefix);
	return 0;
}

static int ipv6_add(struct esx_call *call)
{
	char entry[MODEL_ADDR_MAX + 8], addr[MODEL_ADDR_MAX];
	const struct vmk *user;
	struct model next;
	struct vmk *v = NULL;
	int ret = netcmd_begin(call, &next);

	if (ret == 0)
		ret = find_vmk(call, &next, args_str(&call->args, "interface-name"), &v);
	if (ret == 0)
		ret = parse_ipv6_option(call, entry, sizeof(entry), addr, sizeof(addr));
	user = ret == 0 ? model_vmk_by_ipv6(&next, addr) : NULL;
	if (user)
		ret = err_set(&call->err, EEXIST, "IPv6 address %s is already used by %s", addr,
			      user->name);
	if (ret == 0 && strv_add(&v->ipv6, entry) < 0)
		ret = err_set(&call->err, ENOMEM, "out of memory");
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	return model_apply(call->daemon, &next, &call->err);
}

static int ipv6_remove(struct esx_call *call)
{
	char entry[MODEL_ADDR_MAX + 8], addr[MODEL_ADDR_MAX];
	struct model next;
	struct vmk *v = NULL;
	size_t i;
	int ret = netcmd_begin(call, &next);

	if (ret == 0)
		ret = find_vmk(call, &next, args_str(&call->args, "interface-name"), &v);
	if (ret == 0)
		ret = parse_ipv6_option(call, entry, sizeof(entry), addr, sizeof(addr));
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	for (i = 0; i < v->ipv6.len && strcmp(v->ipv6.items[i], entry) != 0; i++)
		;
	if (i == v->ipv6.len)
		return netcmd_abandon(&next, err_set(&call->err, ENOENT,
						     "IPv6 address %s is not on %s", entry, v->name));
	free(v->ipv6.items[i]);
	memmove(&v->ipv6.items[i], &v->ipv6.items[i + 1],
		(v->ipv6.len - i - 1) * sizeof(*v->ipv6.items));
	v->ipv6.len--;
	return model_apply(call->daemon, &next, &call->err);
}

static void ipv6_records(struct esx_call *call, const struct vmk *v)
{
	for (size_t i = 0; i < v->ipv6.len; i++) {
		struct esx_record *rec = result_record(call->result, NULL);
		const char *entry = v->ipv6.items[i];
		const char *slash = strrchr(entry, '/');

		rec_str(rec, "Interface", v->name);
		rec_strf(rec, "Address", "%.*s", (int)(slash - entry), entry);
		rec_int(rec, "Netmask", atol(slash + 1));
		rec_str(rec, "Type", "STATIC");
		rec_str(rec, "Status", "PREFERRED");
	}
}

static int ipv6_list(struct esx_call *call)
{
	const char *only = args_str(&call->args, "interface-name");
	const struct model *m;
	struct vmk *v;
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	if (only) {
		ret = find_vmk(call, m, only, &v);
		if (ret == 0)
			ipv6_records(call, v);
		return ret;
	}
	for (size_t i = 0; i < m->nvmks; i++)
		ipv6_records(call, &m->vmks[i]);
	return 0;
}

/* ---- IPv4 routes ---- */

static void route_record(struct esx_call *call, const char *network, unsigned prefix,
			 const char *gateway, const char *ifname)
{
	struct esx_record *rec = result_record(call->result, NULL);
	char mask[IPADDR_V4_TEXT_MAX];

	ipv4_format(ipv4_prefix_mask(prefix), mask, sizeof(mask));
	rec_str(rec, "Network", network);
	rec_str(rec, "Netmask", mask);
	rec_str(rec, "Gateway", gateway);
	rec_str(rec, "Interface", ifname);
	rec_str(rec, "Source", "MANUAL");
}

static int route_list(struct esx_call *call)
{
	const struct model *m;
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	/* As ESXi: the static routes (default first), then each interface's
	 * subnet. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->nroutes; i++) {
			const struct static_route *r = &m->routes[i];
			const struct vmk *via = model_gateway_vmk(m, r->gateway);
			char net[IPADDR_V4_TEXT_MAX];
			unsigned prefix;
			uint32_t addr;

			if (r->ipv6 || ipv4_parse_network(r->network, &addr, &prefix) < 0 ||
			    (prefix == 0) != (pass == 0))
				continue;
			ipv4_format(addr, net, sizeof(net));
			route_record(call, prefix ? net : "default", prefix, r->gateway,
				     via ? via->name : "");
		}
	}
	for (size_t i = 0; i < m->nvmks; i++) {
		const struct vmk *v = &m->vmks[i];
		char net[IPADDR_V4_TEXT_MAX];
		uint32_t addr;

		if (v->ipv4_type != IPV4_STATIC || !v->enabled ||
		    ipv4_parse(v->ipv4_address, &addr) < 0)
			continue;
		ipv4_format(addr & ipv4_prefix_mask(v->ipv4_prefix), net, sizeof(net));
		route_record(call, net, v->ipv4_prefix, "0.0.0.0", v->name);
	}
	return 0;
}

/* --network and --gateway, checked, in the form the model keeps. */
static int parse_route(struct esx_call *call, char *network, size_t network_len, char *gateway,
		       size_t gateway_len)
{
	const char *net_text = args_str(&call->args, "network");
	const char *gw_text = args_str(&call->args, "gateway");
	char addr_text[IPADDR_V4_TEXT_MAX];
	unsigned prefix;
	uint32_t net, gw;
	int ret = ipv4_parse_network(net_text, &net, &prefix);

	if (ret == -ERANGE) {
		ipv4_format(net, addr_text, sizeof(addr_text));
		return err_set(&call->err, EINVAL,
			       "Invalid network %s: the address has host bits set (the network is %s/%u)",
			       net_text, addr_text, prefix);
	}
	if (ret < 0)
		return err_set(&call->err, EINVAL,
			       "Invalid network '%s': give network/length (10.1.0.0/16) or default",
			       net_text);
	if (ipv4_parse(gw_text, &gw) < 0 || !ipv4_is_unicast(gw))
		return err_set(&call->err, EINVAL, "Invalid gateway '%s'", gw_text);
	ipv4_format(net, addr_text, sizeof(addr_text));
	if (prefix == 0)
		snprintf(network, network_len, "default");
	else
		snprintf(network, network_len, "%s/%u", addr_text, prefix);
	ipv4_format(gw, gateway, gateway_len);
	return 0;
}

static struct static_route *find_route(const struct model *m, const char *network)
{
	for (size_t i = 0; i < m->nroutes; i++) {
		if (!m->routes[i].ipv6 && strcmp(m->routes[i].network, network) == 0)
			return &m->routes[i];
	}
	return NULL;
}

static int route_add(struct esx_call *call)
{
	char network[MODEL_ADDR_MAX], gateway[MODEL_ADDR_MAX];
	struct static_route *r;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret == 0)
		ret = parse_route(call, network, sizeof(network), gateway, sizeof(gateway));
	if (ret == 0 && find_route(&next, network))
		ret = err_set(&call->err, EEXIST, "A route to %s already exists", network);
	if (ret == 0 && !model_gateway_vmk(&next, gateway))
		ret = err_set(&call->err, EINVAL,
			      "Gateway %s is not in the subnet of any vmkernel interface", gateway);
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	r = model_add_route(&next);
	if (!r)
		return netcmd_abandon(&next, err_set(&call->err, ENOMEM, "out of memory"));
	snprintf(r->network, sizeof(r->network), "%s", network);
	snprintf(r->gateway, sizeof(r->gateway), "%s", gateway);
	return model_apply(call->daemon, &next, &call->err);
}

static int route_remove(struct esx_call *call)
{
	char network[MODEL_ADDR_MAX], gateway[MODEL_ADDR_MAX];
	struct static_route *r = NULL;
	struct model next;
	int ret = netcmd_begin(call, &next);

	if (ret == 0)
		ret = parse_route(call, network, sizeof(network), gateway, sizeof(gateway));
	if (ret == 0) {
		r = find_route(&next, network);
		if (!r || strcmp(r->gateway, gateway) != 0)
			ret = err_set(&call->err, ENOENT, "Unable to find a route to %s via %s",
				      network, gateway);
	}
	if (ret < 0)
		return netcmd_abandon(&next, ret);
	model_remove_route(&next, r);
	return model_apply(call->daemon, &next, &call->err);
}

/* ---- tables ---- */

const struct esx_command network_ip_commands[] = {
	{ "network ip interface list",
	  "This command will list the VMkernel Network Interfaces currently known to the system.",
	  interface_list_options, interface_list, SHAPE_STRUCTS, &interface_schema, VT_STRING,
	  CMD_READONLY },
	{ "network ip interface add", "Add a new VMkernel network interface.",
	  interface_add_options, interface_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network ip interface remove", "Remove a VMkernel network interface.",
	  interface_remove_options, interface_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network ip interface set",
	  "This command sets the enabled status and MTU size of a given IP interface.",
	  interface_set_options, interface_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network ip interface ipv4 get",
	  "Get IPv4 settings for VMkernel network interfaces.", ipv4_get_options, ipv4_get,
	  SHAPE_TABLE, &ipv4_schema, VT_STRING, CMD_READONLY },
	{ "network ip interface ipv4 set",
	  "Configure IPv4 setting for a given VMkernel network interface.", ipv4_set_options,
	  ipv4_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network ip interface ipv6 address add",
	  "Add a static IPv6 address to a given VMkernel network interface.", ipv6_add_options,
	  ipv6_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network ip interface ipv6 address list",
	  "This command will list all of the IPv6 addresses currently assigned to the system.",
	  ipv6_list_options, ipv6_list, SHAPE_TABLE, &ipv6_schema, VT_STRING, CMD_READONLY },
	{ "network ip interface ipv6 address remove",
	  "Remove an IPv6 address from a given VMkernel network interface.",
	  ipv6_remove_options, ipv6_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network ip route ipv4 list", "List configured IPv4 routes.", route_list_options,
	  route_list, SHAPE_TABLE, &route_schema, VT_STRING, CMD_READONLY },
	{ "network ip route ipv4 add", "Add IPv4 route to the VMkernel.", route_change_options,
	  route_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "network ip route ipv4 remove", "Remove IPv4 route from the VMkernel.",
	  route_change_options, route_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ NULL },
};

const struct esx_namespace network_ip_namespaces[] = {
	{ "network ip", "Operations that can be performed on vmknics." },
	{ "network ip interface",
	  "Operations having to do with the creation, management and deletion of VMkernel network interfaces." },
	{ "network ip interface ipv4", "Operations on the IPv4 settings of VMkernel network interfaces." },
	{ "network ip interface ipv6", "Operations on the IPv6 settings of VMkernel network interfaces." },
	{ "network ip interface ipv6 address",
	  "Commands to list and update the static IPv6 addresses of VMkernel network interfaces." },
	{ "network ip route", "Operations on the routing tables of the VMkernel." },
	{ "network ip route ipv4", "Operations on IPv4 routes." },
	{ NULL, NULL },
};
