/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Port binding: `esxcli iscsi networkportal` (add, remove, list), and the
 * candidate vmks and NICs (`iscsi logicalnetworkportal list`, `iscsi
 * physicalnetworkportal list`). A binding is the open-iscsi iface record
 * named as the vmk, with iface.net_ifacename = the vmk; it is made only for
 * a vmk that complies with ESXi's rules (compliance.h) unless forced, and
 * undone when a step fails; once bound, port binding's subnet rules are
 * checked and broken ones reported as warnings (iscsi_reach.h). Unbinding a
 * vmk that carries storage paths is refused unless forced (iscsi_paths.h
 * says which and what they would lose); forced, its sessions are logged out
 * first.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "commands.h"
#include "compliance.h"
#include "daemon.h"
#include "ipaddr.h"
#include "iscsi_adm.h"
#include "iscsi_idbm.h"
#include "iscsi_paths.h"
#include "iscsi_reach.h"
#include "iscsi_ownership.h"
#include "iscsi_state.h"
#include "iscsi_topology.h"
#include "log.h"
#include "net_link.h"
#include "netcmd.h"
#include "ns_iscsi_common.h"
#include "reconcile.h"
#include "transaction.h"

/* ---- schemas ---- */

static const struct esx_field_def portal_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Vmknic", VT_STRING, NULL },
	{ "MAC Address", VT_STRING, NULL },
	{ "MAC Address Valid", VT_BOOL, NULL },
	{ "IPv4", VT_STRING, NULL },
	{ "IPv4 Subnet Mask", VT_STRING, NULL },
	{ "IPv6", VT_STRING, NULL },
	{ "MTU", VT_INT, NULL },
	{ "Vlan Supported", VT_BOOL, NULL },
	{ "Vlan ID", VT_INT, NULL },
	{ "Reserved Ports", VT_STRING, NULL },
	{ "TOE", VT_BOOL, NULL },
	{ "TSO", VT_BOOL, NULL },
	{ "TCP Checksum", VT_BOOL, NULL },
	{ "Link Up", VT_BOOL, NULL },
	{ "Current Speed", VT_INT, NULL },
	{ "Rx Packets", VT_INT, NULL },
	{ "Tx Packets", VT_INT, NULL },
	{ "NIC Driver", VT_STRING, NULL },
	{ "NIC Driver Version", VT_STRING, NULL },
	{ "NIC Firmware Version", VT_STRING, NULL },
	{ "Compliant Status", VT_STRING, NULL },
	{ "NonCompliant Message", VT_STRING, NULL },
	{ "NonCompliant Remedy", VT_STRING, NULL },
	{ "Vswitch", VT_STRING, NULL },
	{ "PortGroup", VT_STRING, NULL },
	{ "VswitchUuid", VT_STRING, NULL },
	{ "PortGroupKey", VT_STRING, NULL },
	{ "PortKey", VT_STRING, NULL },
	{ "Duplex", VT_STRING, NULL },
	{ "Path Status", VT_STRING, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema portal_schema = { "IscsiNetworkPortal", portal_fields };

static const struct esx_field_def logical_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Vmknic", VT_STRING, NULL },
	{ "MAC Address", VT_STRING, NULL },
	{ "MAC Address Valid", VT_BOOL, NULL },
	{ "Compliant", VT_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema logical_schema = { "IscsiLogicalNetworkPortal", logical_fields };

static const struct esx_field_def physical_fields[] = {
	{ "Adapter", VT_STRING, NULL },
	{ "Vmnic", VT_STRING, NULL },
	{ "MAC Address", VT_STRING, NULL },
	{ "MAC Address Valid", VT_BOOL, NULL },
	{ "Current Speed", VT_INT, NULL },
	{ "Max Speed", VT_INT, NULL },
	{ "Max Frame Size", VT_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct esx_schema physical_schema = { "IscsiPhysicalNetworkPortal",
						  physical_fields };

/* ---- options ---- */

static const struct esx_option add_options[] = {
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ "force", 'f', OPT_BOOL, 0, NULL, 0, 0, NULL,
	  "Bind the VMkernel NIC even when it does not comply with port binding's rules (one active uplink, no standby).",
	  NULL },
	{ "nic", 'n', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The VMkernel network interface to bind (vmkN).", netcmd_complete_vmk },
	{ NULL },
};

static const struct esx_option remove_options[] = {
	{ "adapter", 'A', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ "force", 'f', OPT_BOOL, 0, NULL, 0, 0, NULL,
	  "Unbind even when storage paths go through the VMkernel NIC (the last path of a device, too): its sessions are logged out first.",
	  NULL },
	{ "nic", 'n', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The bound VMkernel network interface to unbind.", iscsi_cmd_complete_bound },
	{ NULL },
};

static const struct esx_option list_options[] = {
	{ "adapter", 'A', OPT_STRING, 0, NULL, 0, 0, NULL, "The iSCSI adapter name.",
	  iscsi_cmd_complete_adapter },
	{ NULL },
};

/* ---- add ---- */

struct bind_flow {
	struct iscsi_flow base;
	char adapter[MODEL_ADAPTER_MAX];
	char vmk[MODEL_IFNAME_MAX];
	char uplink[MODEL_IFNAME_MAX];
	bool forced;
	struct compliance c;
	int failure;            /* the error being reported while undoing */
};

static void bind_free(struct iscsi_flow *flow)
{
	free(flow);
}

static int bind_change(struct model *next, void *data, struct esx_err *err)
{
	struct bind_flow *bf = data;
	struct iscsi_binding *b;

	if (!next->iscsi.enabled || strcmp(next->iscsi.adapter, bf->adapter) != 0)
		return err_set(err, ENOENT, "Software iSCSI adapter %s went away meanwhile",
			       bf->adapter);
	if (model_iscsi_binding(next, bf->vmk))
		return err_set_named(err, EEXIST, "VnicAlreadyBound",
				     "VnicAlreadyBound: The VMkernel network adapter %s is already bound to %s.",
				     bf->vmk, bf->adapter);
	b = model_iscsi_add_binding(next);
	if (!b)
		return err_set(err, ENOMEM, "out of memory");
	snprintf(b->vmk, sizeof(b->vmk), "%s", bf->vmk);
	snprintf(b->uplink, sizeof(b->uplink), "%s", bf->uplink);
	b->forced = bf->forced;
	return 0;
}

static void bind_undone(struct iscsi_flow *flow, struct iscsi_batch *b)
{
	struct bind_flow *bf = (struct bind_flow *)flow;
	const struct iscsi_batch_item *bad = iscsi_batch_first_failure(b);
	char text[600];

	if (bad) {
		iscsi_batch_describe(bad, text, sizeof(text));
		log_err("Unable to remove the iface record %s again: %s", bf->vmk, text);
	}
	iscsi_flow_end(flow, bf->failure);
}

/* One warning per portal (address and port) at most. */
static int warn_portal_once(const struct model *m, const char *vmk, const char *address,
			    unsigned port, struct esx_strv *seen, struct esx_strv *lines)
{
	char portal[MODEL_PORTAL_TEXT_MAX];

	model_portal_format(address, port, portal, sizeof(portal));
	if (strv_contains(seen, portal))
		return 0;
	if (strv_add(seen, portal) < 0)
		return -ENOMEM;
	return iscsi_reach_warn_portal(m, vmk, address, port, lines);
}

/* Take the iface record away again, then report failure. */
static void bind_undo(struct bind_flow *bf, int failure)
{
	struct iscsi_batch *b = iscsi_flow_batch(&bf->base, 1, false);

	bf->failure = failure;
	if (b && iscsi_adm_iface_delete(b, bf->vmk, NULL) < 0) {
		iscsi_batch_free(b);
		b = NULL;
	}
	if (b && iscsi_flow_run(&bf->base, b, bind_undone) == 0)
		return;
	log_err("Unable to remove the iface record %s again", bf->vmk);
	iscsi_flow_end(&bf->base, failure);
}

/* Port binding's subnet and routing rules (VMware KB 2038869), checked
 * against the model just committed: every bound vmk in one IPv4 subnet,
 * and every portal the adapter knows (sendtargets, static targets, the
 * portals of its node records) reachable from the new vmk. Warnings only:
 * ESXi binds such a vmk too, and its sessions fail. */
static void bind_warnings(struct esxd *d, const char *vmk, struct esx_strv *lines)
{
	const struct model *m = model_current(d);
	struct iscsi_node_info *nodes = NULL;
	struct esx_strv seen = { 0 };
	struct esx_err ignored = { 0 };
	size_t nnodes = 0, first = lines->len;
	int ret;

	if (!m)
		return;
	ret = iscsi_reach_warn_subnets(m, vmk, lines);
	for (size_t i = 0; ret == 0 && i < m->iscsi.nsendtargets; i++) {
		const struct iscsi_sendtarget *st = &m->iscsi.sendtargets[i];

		ret = warn_portal_once(m, vmk, st->address, st->port, &seen, lines);
	}
	for (size_t i = 0; ret == 0 && i < m->iscsi.nstatics; i++) {
		const struct iscsi_static_target *t = &m->iscsi.statics[i];

		ret = warn_portal_once(m, vmk, t->address, t->port, &seen, lines);
	}
	if (ret == 0 && iscsi_state_nodes(&nodes, &nnodes, &ignored) == 0) {
		for (size_t i = 0; ret == 0 && i < nnodes; i++) {
			if (iscsi_ownership_owned(m, nodes[i].iface))
				ret = warn_portal_once(m, vmk, nodes[i].address, nodes[i].port,
						       &seen, lines);
		}
	}
	for (size_t i = first; i < lines->len; i++)
		log_warn("%s", lines->items[i]);
	free(nodes);
	strv_free(&seen);
}

static void bind_made(struct iscsi_flow *flow, struct iscsi_batch *b)
{
	struct bind_flow *bf = (struct bind_flow *)flow;
	const struct iscsi_batch_item *bad = iscsi_batch_first_failure(b);
	struct esx_err *err = iscsi_flow_err(flow);
	struct esx_strv lines = { 0 };
	char text[600], *message;
	int ret;

	if (bad) {
		iscsi_batch_describe(bad, text, sizeof(text));
		bind_undo(bf, err_set(err, EIO, "Unable to bind %s to %s: %s", bf->vmk, bf->adapter,
				      text));
		return;
	}
	ret = iscsi_cmd_commit(flow->d, bind_change, bf, err);
	if (ret < 0) {
		bind_undo(bf, ret);
		return;
	}
	if (bf->forced) {
		snprintf(text, sizeof(text), "%s bound to %s although it does not comply: %s: %s",
			 bf->vmk, bf->adapter, compliance_fault_name(bf->c.fault), bf->c.message);
		strv_add(&lines, text);
	}
	bind_warnings(flow->d, bf->vmk, &lines);
	message = iscsi_reach_join(&lines);
	if (flow->call && message)
		result_message(flow->call->result, "%s", message);
	free(message);
	strv_free(&lines);
	iscsi_flow_end(flow, 0);
}

/* The fault as esxcli prints it: name, message, remedy. */
static int refuse(struct esx_call *call, const struct compliance *c)
{
	const char *name = compliance_fault_name(c->fault);

	if (c->remedy[0])
		return err_set_named(&call->err, EINVAL, name, "%s: %s Remedy: %s", name, c->message,
				     c->remedy);
	return err_set_named(&call->err, EINVAL, name, "%s: %s", name, c->message);
}

static int portal_add(struct esx_call *call)
{
	const char *vmk = args_str(&call->args, "nic");
	bool force = args_bool(&call->args, "force", false);
	struct iscsi_batch *b = NULL;
	struct bind_flow *bf;
	const struct model *m;
	char what[96];
	bool exists;
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret < 0)
		return ret;
	if (!model_vmk_name_valid(vmk))
		return err_set_named(&call->err, EINVAL, "InvalidVnic",
				     "InvalidVnic: '%s' is not a VMkernel network adapter name (vmkN).",
				     vmk);
	if (model_iscsi_binding(m, vmk))
		return err_set_named(&call->err, EEXIST, "VnicAlreadyBound",
				     "VnicAlreadyBound: The VMkernel network adapter %s is already bound to %s.",
				     vmk, m->iscsi.adapter);
	ret = iscsi_state_iface_exists(vmk, &exists, &call->err);
	if (ret < 0)
		return ret;
	if (exists)
		return err_set_named(&call->err, EEXIST, "InUse",
				     "An open-iscsi iface record named %s exists that esxclid did not create; it is left alone. Remove it (iscsiadm -m iface -I %s -o delete) to bind %s.",
				     vmk, vmk, vmk);
	bf = calloc(1, sizeof(*bf));
	if (!bf)
		return err_set(&call->err, ENOMEM, "out of memory");
	ret = iscsi_compliance_now(call->daemon->net, m, m->iscsi.adapter, vmk, NULL, &bf->c,
				   &call->err);
	if (ret == 0 && bf->c.fault != COMPLIANT &&
	    (!force || bf->c.fault == FAULT_VNIC_NOT_FOUND))
		ret = refuse(call, &bf->c);
	if (ret < 0) {
		free(bf);
		return ret;
	}
	snprintf(bf->adapter, sizeof(bf->adapter), "%s", m->iscsi.adapter);
	snprintf(bf->vmk, sizeof(bf->vmk), "%s", vmk);
	snprintf(bf->uplink, sizeof(bf->uplink), "%s", bf->c.uplink);
	bf->forced = bf->c.fault != COMPLIANT;
	snprintf(what, sizeof(what), "binding %s to %s", vmk, m->iscsi.adapter);
	ret = iscsi_flow_begin(&bf->base, call, what, bind_free);
	if (ret < 0) {
		free(bf);
		return ret;
	}
	b = iscsi_flow_batch(&bf->base, 1, true);
	if (!b)
		return iscsi_flow_abort(&bf->base, -ENOMEM);
	ret = iscsi_adm_iface_new(b, vmk, NULL);
	if (ret == 0)
		ret = iscsi_adm_iface_update(b, vmk, "iface.net_ifacename", vmk, NULL);
	if (ret == 0)
		ret = iscsi_adm_iface_update(b, vmk, "iface.initiatorname", m->iscsi.iqn, NULL);
	if (ret < 0) {
		iscsi_batch_free(b);
		return iscsi_flow_abort(&bf->base, err_set(&call->err, ENOMEM, "out of memory"));
	}
	ret = iscsi_flow_run(&bf->base, b, bind_made);
	return ret < 0 ? iscsi_flow_abort(&bf->base, ret) : ESX_PENDING;
}

/* ---- remove ---- */

struct unbind_flow {
	struct iscsi_flow base;
	char adapter[MODEL_ADAPTER_MAX];
	char vmk[MODEL_IFNAME_MAX];
	size_t logouts;
};

static void unbind_free(struct iscsi_flow *flow)
{
	free(flow);
}

static int unbind_change(struct model *next, void *data, struct esx_err *err)
{
	struct unbind_flow *uf = data;

	(void)err;
	model_iscsi_remove_binding(next, uf->vmk);
	return 0;
}

static void unbind_done(struct iscsi_flow *flow, struct iscsi_batch *b)
{
	struct unbind_flow *uf = (struct unbind_flow *)flow;
	const struct iscsi_batch_item *bad = iscsi_batch_first_failure(b);
	struct esx_err *err = iscsi_flow_err(flow);
	char text[600];
	int ret;

	if (bad) {
		iscsi_batch_describe(bad, text, sizeof(text));
		iscsi_flow_end(flow, err_set(err, EIO,
			"Unable to unbind %s from %s: %s (it stays bound; the steps before this one were done)",
			uf->vmk, uf->adapter, text));
		return;
	}
	ret = iscsi_cmd_commit(flow->d, unbind_change, uf, err);
	if (ret == 0 && flow->call && uf->logouts)
		result_message(flow->call->result, "%zu session%s through %s logged out", uf->logouts,
			       uf->logouts == 1 ? "" : "s", uf->vmk);
	iscsi_flow_end(flow, ret);
}

/* The sessions are gone: the vmk's node records go, deleted by hand
 * (iscsi_idbm.h: `iscsiadm -m node -I vmkN -o delete` would delete an
 * old-style record of the same portal instead), then its iface record. */
static void unbind_logged_out(struct iscsi_flow *flow, struct iscsi_batch *b)
{
	struct unbind_flow *uf = (struct unbind_flow *)flow;
	const struct iscsi_batch_item *bad = iscsi_batch_first_failure(b);
	struct esx_err *err = iscsi_flow_err(flow);
	struct iscsi_node_info *nodes = NULL;
	struct iscsi_batch *next;
	char text[ESX_ERR_TEXT_MAX];
	size_t n = 0;
	int ret;

	if (bad) {
		unbind_done(flow, b);    /* reports the failed logout */
		return;
	}
	ret = iscsi_state_nodes(&nodes, &n, err);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (strcmp(nodes[i].iface, uf->vmk) == 0)
			ret = iscsi_idbm_delete_node(&nodes[i], err);
	}
	free(nodes);
	if (ret < 0) {
		snprintf(text, sizeof(text), "%s", err->text);
		iscsi_flow_end(flow, err_set(err, -ret,
			"Unable to unbind %s from %s: %s (it stays bound; its sessions were logged out)",
			uf->vmk, uf->adapter, text));
		return;
	}
	next = iscsi_flow_batch(flow, 1, true);
	if (!next || iscsi_adm_iface_delete(next, uf->vmk, NULL) < 0) {
		iscsi_batch_free(next);
		iscsi_flow_end(flow, err_set(err, ENOMEM, "out of memory"));
		return;
	}
	ret = iscsi_flow_run(flow, next, unbind_done);
	if (ret < 0)
		iscsi_flow_end(flow, ret);
}

/* ESXi's UnbindVnic refusal: VnicIsLastPath when some device would lose
 * its last working path, else VnicHasActivePaths; the sessions through the
 * vmk, the impact and the remedy. */
static int refuse_unbind(struct esx_call *call, const struct model *m, const char *vmk,
			 const struct iscsi_session_info *s, size_t n,
			 const struct iscsi_impact *im)
{
	bool last = im->severity == ISCSI_IMPACT_CRITICAL;
	const char *name = last ? "VnicIsLastPath" : "VnicHasActivePaths";
	char list[400], head[600], impact[ESX_ERR_TEXT_MAX], remedy[300];
	size_t used = 0, through = 0, fixed;

	list[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s[i].iface, vmk) != 0)
			continue;
		through++;
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used,
						 "%s%s at %s:%d (session %u)", used ? ", " : "",
						 s[i].target, s[i].address, s[i].port, s[i].sid);
	}
	if (used >= sizeof(list))
		memcpy(list + sizeof(list) - 4, "...", 4);
	snprintf(head, sizeof(head),
		 "The VMkernel network adapter %s carries %s to storage through %zu iSCSI session%s: %s.",
		 vmk, last ? "the last working path" : "paths", through, through == 1 ? "" : "s",
		 list);
	snprintf(remedy, sizeof(remedy),
		 "unbind it anyway, logging out only the sessions through %s: esxcli iscsi networkportal remove -A %s -n %s --force true",
		 vmk, m->iscsi.adapter, vmk);
	fixed = strlen(name) + strlen(head) + strlen(remedy) + 16;
	iscsi_impact_text(im, impact, fixed + 80 < sizeof(impact) ? sizeof(impact) - fixed : 80);
	return err_set_named(&call->err, EBUSY, name, "%s: %s %s Remedy: %s", name, head, impact,
			     remedy);
}

/* Without --force, a vmk that carries paths stays bound (ESXi's UnbindVnic
 * path checks); sessions without a path to any device do not stop it. */
static int check_unbind(struct esx_call *call, const struct model *m, const char *vmk,
			const struct iscsi_session_info *s, size_t n)
{
	struct esx_strv gone = { 0 };
	struct iscsi_path *paths = NULL;
	struct iscsi_impact im = { 0 };
	size_t npaths = 0;
	int ret = iscsi_paths_read(ISCSI_PATHS_SYSFS, &paths, &npaths, &call->err);

	if (ret < 0)
		goto out;
	if (strv_add(&gone, vmk) < 0 || iscsi_impact(paths, npaths, &gone, &im) < 0) {
		ret = err_set(&call->err, ENOMEM, "out of memory");
		goto out;
	}
	if (im.ndevices)
		ret = refuse_unbind(call, m, vmk, s, n, &im);
out:
	iscsi_impact_free(&im);
	strv_free(&gone);
	free(paths);
	return ret;
}

static int portal_remove(struct esx_call *call)
{
	const char *vmk = args_str(&call->args, "nic");
	bool force = args_bool(&call->args, "force", false);
	struct iscsi_session_info *sessions = NULL;
	struct iscsi_batch *b = NULL;
	struct unbind_flow *uf = NULL;
	const struct model *m;
	size_t n = 0;
	char what[96];
	int ret = iscsi_cmd_enabled(call, args_str(&call->args, "adapter"), &m);

	if (ret < 0)
		return ret;
	if (!model_vmk_name_valid(vmk) || !model_iscsi_binding(m, vmk))
		return err_set_named(&call->err, ENOENT, "VnicNotBound",
				     "VnicNotBound: The VMkernel network adapter %s is not bound to %s.",
				     vmk, m->iscsi.adapter);
	ret = iscsi_state_sessions(&sessions, &n, &call->err);
	if (ret == 0 && !force)
		ret = check_unbind(call, m, vmk, sessions, n);
	if (ret < 0)
		goto out;
	uf = calloc(1, sizeof(*uf));
	if (!uf) {
		ret = err_set(&call->err, ENOMEM, "out of memory");
		goto out;
	}
	snprintf(uf->adapter, sizeof(uf->adapter), "%s", m->iscsi.adapter);
	snprintf(uf->vmk, sizeof(uf->vmk), "%s", vmk);
	snprintf(what, sizeof(what), "unbinding %s from %s", vmk, m->iscsi.adapter);
	ret = iscsi_flow_begin(&uf->base, call, what, unbind_free);
	if (ret < 0) {
		free(uf);
		goto out;
	}
	b = iscsi_flow_batch(&uf->base, 1, true);
	if (!b) {
		ret = iscsi_flow_abort(&uf->base, -ENOMEM);
		goto out;
	}
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (strcmp(sessions[i].iface, vmk) != 0)
			continue;
		ret = iscsi_adm_logout_session(b, sessions[i].sid, NULL);
		uf->logouts++;
	}
	if (ret < 0) {
		iscsi_batch_free(b);
		ret = iscsi_flow_abort(&uf->base, err_set(&call->err, ENOMEM, "out of memory"));
		goto out;
	}
	ret = iscsi_flow_run(&uf->base, b, unbind_logged_out);
	ret = ret < 0 ? iscsi_flow_abort(&uf->base, ret) : ESX_PENDING;
out:
	free(sessions);
	return ret;
}

/* ---- list ---- */

static void portal_record(struct esx_call *call, const struct model *m,
			  const struct topology *t, const struct iscsi_binding *bind,
			  const struct iscsi_path *paths, size_t n)
{
	const struct vmk *v = model_vmk(m, bind->vmk);
	const struct portgroup *pg = v ? model_portgroup(m, v->portgroup) : NULL;
	const char *uplink = reconcile_vmk_uplink(call->daemon->reconciler, bind->vmk);
	struct esx_record *rec = result_record(call->result, m->iscsi.adapter);
	char mask[IPADDR_V4_TEXT_MAX] = "", ipv6[256];
	struct esx_err ignored = { 0 };
	struct iscsi_vmk_facts facts;
	struct net_link link;
	struct compliance c;
	bool have_link;

	if (!uplink[0])
		uplink = bind->uplink;
	memset(&link, 0, sizeof(link));
	have_link = uplink[0] && call->daemon->net &&
		    net_nic_get(call->daemon->net, uplink, &link, &ignored) == 0;
	iscsi_vmk_facts(bind->vmk, &facts);
	compliance_check(m, t, m->iscsi.adapter, bind->vmk, bind->uplink, &c);
	if (v && v->ipv4_type == IPV4_STATIC)
		ipv4_format(ipv4_prefix_mask(v->ipv4_prefix), mask, sizeof(mask));
	if (v)
		netcmd_join(&v->ipv6, ipv6, sizeof(ipv6));
	else
		ipv6[0] = '\0';
	rec_str(rec, "Adapter", m->iscsi.adapter);
	rec_str(rec, "Vmknic", bind->vmk);
	rec_str(rec, "MAC Address", have_link ? link.mac : "");
	rec_bool(rec, "MAC Address Valid", have_link && link.mac[0]);
	rec_str(rec, "IPv4", v && v->ipv4_type == IPV4_STATIC ? v->ipv4_address : "");
	rec_str(rec, "IPv4 Subnet Mask", mask);
	rec_str(rec, "IPv6", ipv6);
	rec_int(rec, "MTU", facts.exists ? facts.mtu : v ? v->mtu : 0);
	rec_bool(rec, "Vlan Supported", true);
	rec_int(rec, "Vlan ID", pg ? pg->vlan_id : 0);
	rec_str(rec, "Reserved Ports", "");
	rec_bool(rec, "TOE", false);
	rec_bool(rec, "TSO", false);
	rec_bool(rec, "TCP Checksum", false);
	rec_bool(rec, "Link Up", facts.carrier);
	rec_int(rec, "Current Speed", have_link ? link.speed : 0);
	rec_int(rec, "Rx Packets", (long long)facts.rx_packets);
	rec_int(rec, "Tx Packets", (long long)facts.tx_packets);
	rec_str(rec, "NIC Driver", have_link ? link.driver : "");
	rec_str(rec, "NIC Driver Version", have_link ? link.driver_version : "");
	rec_str(rec, "NIC Firmware Version", have_link ? link.firmware_version : "");
	rec_str(rec, "Compliant Status", iscsi_compliance_word(&c));
	rec_str(rec, "NonCompliant Message", c.fault != COMPLIANT ? c.message : "");
	rec_str(rec, "NonCompliant Remedy", c.fault != COMPLIANT ? c.remedy : "");
	rec_str(rec, "Vswitch", pg ? pg->vswitch : "");
	rec_str(rec, "PortGroup", pg ? pg->name : "");
	rec_str(rec, "VswitchUuid", "");
	rec_str(rec, "PortGroupKey", "");
	rec_str(rec, "PortKey", "");
	rec_str(rec, "Duplex", have_link ? link.duplex : "");
	rec_str(rec, "Path Status",
		iscsi_path_status_name(iscsi_path_status(paths, n, bind->vmk)));
}

/* The model, the adapter check (optional -A) and a topology for lists. */
static int list_begin(struct esx_call *call, const struct model **m, struct topology *t)
{
	const char *given = args_str(&call->args, "adapter");
	int ret = netcmd_model(call, m);

	t->uplinks = NULL;
	t->nuplinks = 0;
	if (ret < 0)
		return ret;
	if (!(*m)->iscsi.enabled && !given)
		return 1;    /* no adapter: nothing to list */
	ret = iscsi_cmd_enabled(call, given, m);
	if (ret == 0)
		ret = iscsi_topology_take(call->daemon->net, *m, t, &call->err);
	return ret;
}

static int portal_list(struct esx_call *call)
{
	struct iscsi_path *paths = NULL;
	const struct model *m;
	struct topology t;
	size_t n = 0;
	int ret = list_begin(call, &m, &t);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	ret = iscsi_paths_read(ISCSI_PATHS_SYSFS, &paths, &n, &call->err);
	for (size_t i = 0; ret == 0 && i < m->iscsi.nbindings; i++)
		portal_record(call, m, &t, &m->iscsi.bindings[i], paths, n);
	free(paths);
	iscsi_topology_free(&t);
	return ret;
}

static int logical_list(struct esx_call *call)
{
	const struct model *m;
	struct topology t;
	int ret = list_begin(call, &m, &t);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	for (size_t i = 0; i < m->nvmks; i++) {
		const struct vmk *v = &m->vmks[i];
		const struct iscsi_binding *bind = model_iscsi_binding(m, v->name);
		struct esx_record *rec = result_record(call->result, NULL);
		struct compliance c;

		compliance_check(m, &t, m->iscsi.adapter, v->name, bind ? bind->uplink : NULL, &c);
		rec_str(rec, "Adapter", m->iscsi.adapter);
		rec_str(rec, "Vmknic", v->name);
		rec_str(rec, "MAC Address", v->mac);
		rec_bool(rec, "MAC Address Valid", v->mac[0] != '\0');
		rec_bool(rec, "Compliant", c.fault == COMPLIANT);
	}
	iscsi_topology_free(&t);
	return 0;
}

static int physical_list(struct esx_call *call)
{
	const struct model *m;
	struct topology t;
	int ret = list_begin(call, &m, &t);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	for (size_t i = 0; i < m->nvswitches; i++) {
		for (size_t u = 0; u < m->vswitches[i].uplinks.len; u++) {
			const char *nic = m->vswitches[i].uplinks.items[u];
			struct esx_err ignored = { 0 };
			struct esx_record *rec;
			struct net_link link;

			if (!call->daemon->net ||
			    net_nic_get(call->daemon->net, nic, &link, &ignored) < 0)
				continue;
			rec = result_record(call->result, NULL);
			rec_str(rec, "Adapter", m->iscsi.adapter);
			rec_str(rec, "Vmnic", nic);
			rec_str(rec, "MAC Address", link.mac);
			rec_bool(rec, "MAC Address Valid", link.mac[0] != '\0');
			rec_int(rec, "Current Speed", link.speed);
			rec_int(rec, "Max Speed", link.speed);
			rec_int(rec, "Max Frame Size", link.mtu);
		}
	}
	iscsi_topology_free(&t);
	return 0;
}

/* ---- tables ---- */

const struct esx_command iscsi_networkportal_commands[] = {
	{ "iscsi networkportal add", "Add a network adapter to the iSCSI adapter.", add_options,
	  portal_add, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi networkportal remove", "Remove a network adapter from the iSCSI adapter.",
	  remove_options, portal_remove, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ "iscsi networkportal list", "List the network portals of the iSCSI adapter.",
	  list_options, portal_list, SHAPE_STRUCTS, &portal_schema, VT_STRING, CMD_READONLY },
	{ "iscsi logicalnetworkportal list",
	  "List the logical network portals (VMkernel NICs) of the iSCSI adapter.", list_options,
	  logical_list, SHAPE_TABLE, &logical_schema, VT_STRING, CMD_READONLY },
	{ "iscsi physicalnetworkportal list",
	  "List the physical network portals (NICs) of the iSCSI adapter.", list_options,
	  physical_list, SHAPE_TABLE, &physical_schema, VT_STRING, CMD_READONLY },
	{ NULL },
};

const struct esx_namespace iscsi_networkportal_namespaces[] = {
	{ "iscsi networkportal", "Operations that can be performed on iSCSI network portals" },
	{ "iscsi logicalnetworkportal",
	  "Operations that can be performed on iSCSI logical network portals" },
	{ "iscsi physicalnetworkportal",
	  "Operations that can be performed on iSCSI physical network portals" },
	{ NULL, NULL },
};
