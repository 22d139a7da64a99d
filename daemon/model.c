/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The desired network state: its data, ESXi's rules over it (failover
 * inheritance, one vSwitch per uplink, what depends on what) and the names
 * of its policies; and the software iSCSI adapter's entries and portal
 * text. Its JSON form is in model_json.c. Pure: no I/O, no kernel.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipaddr.h"
#include "model.h"

/* ---- string vectors ------------------------------------------------------ */

static void strv_drop(struct esx_strv *v, const char *s)
{
	size_t out = 0;

	for (size_t i = 0; i < v->len; i++) {
		if (strcmp(v->items[i], s) == 0) {
			free(v->items[i]);
			continue;
		}
		v->items[out++] = v->items[i];
	}
	v->len = out;
}

/* to starts empty; on failure it is left empty. */
static int strv_copy(const struct esx_strv *from, struct esx_strv *to)
{
	memset(to, 0, sizeof(*to));
	for (size_t i = 0; i < from->len; i++) {
		if (strv_add(to, from->items[i]) < 0) {
			strv_free(to);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Append the items of from that keep() accepts. */
static int strv_append_filtered(struct esx_strv *to, const struct esx_strv *from,
				const struct esx_strv *keep_only, const struct esx_strv *drop)
{
	for (size_t i = 0; i < from->len; i++) {
		const char *s = from->items[i];

		if (keep_only && !strv_contains(keep_only, s))
			continue;
		if (drop && strv_contains(drop, s))
			continue;
		if (strv_add(to, s) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- names --------------------------------------------------------------- */

bool model_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len >= MODEL_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f || c == ',')
			return false;
	}
	return true;
}

bool model_vmk_name_valid(const char *name)
{
	size_t digits;

	if (!name || strncmp(name, "vmk", 3) != 0)
		return false;
	digits = strlen(name + 3);
	if (digits < 1 || digits > 5)
		return false;
	for (size_t i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)name[3 + i]))
			return false;
	}
	return true;
}

/* ---- policy names -------------------------------------------------------- */

/* Indexed by enum lb_policy: how `get` prints it, how `set` spells it. */
static const char *const lb_shown[] = { "srcport", "iphash", "srcmac", "explicit" };
static const char *const lb_typed[] = { "portid", "iphash", "mac", "explicit" };
static const char *const fd_names[] = { "link", "beacon" };

const char *lb_policy_name(enum lb_policy lb)
{
	return (unsigned)lb < 4 ? lb_shown[lb] : "srcport";
}

int lb_policy_parse(const char *word, enum lb_policy *out)
{
	for (unsigned i = 0; i < 4; i++) {
		if (word && strcmp(word, lb_typed[i]) == 0) {
			*out = (enum lb_policy)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *failure_detection_name(enum failure_detection fd)
{
	return (unsigned)fd < 2 ? fd_names[fd] : "link";
}

int failure_detection_parse(const char *word, enum failure_detection *out)
{
	for (unsigned i = 0; i < 2; i++) {
		if (word && strcmp(word, fd_names[i]) == 0) {
			*out = (enum failure_detection)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- failover policies --------------------------------------------------- */

void policy_free(struct failover_policy *p)
{
	strv_free(&p->active);
	strv_free(&p->standby);
}

int policy_copy(const struct failover_policy *from, struct failover_policy *to)
{
	*to = *from;
	memset(&to->active, 0, sizeof(to->active));
	memset(&to->standby, 0, sizeof(to->standby));
	if (strv_copy(&from->active, &to->active) < 0 ||
	    strv_copy(&from->standby, &to->standby) < 0) {
		policy_free(to);
		return -ENOMEM;
	}
	return 0;
}

/* out's has_ flags tell which values the portgroup overrides (ESXi's
 * "Override Vswitch ..."); every value is set. */
int policy_effective(const struct model *m, const struct portgroup *pg,
		     struct failover_policy *out)
{
	const struct vswitch *vs = model_vswitch(m, pg->vswitch);
	const struct failover_policy *own = &pg->policy, *order;

	memset(out, 0, sizeof(*out));
	if (!vs)
		return -ENOENT;
	out->has_uplinks = own->has_uplinks;
	out->has_load_balancing = own->has_load_balancing;
	out->has_failure_detection = own->has_failure_detection;
	out->has_notify = own->has_notify;
	out->has_failback = own->has_failback;
	out->load_balancing = own->has_load_balancing ? own->load_balancing :
							vs->policy.load_balancing;
	out->failure_detection = own->has_failure_detection ? own->failure_detection :
							      vs->policy.failure_detection;
	out->notify_switches = own->has_notify ? own->notify_switches : vs->policy.notify_switches;
	out->failback = own->has_failback ? own->failback : vs->policy.failback;
	order = own->has_uplinks ? own : &vs->policy;
	if (strv_append_filtered(&out->active, &order->active, &vs->uplinks, NULL) < 0 ||
	    strv_append_filtered(&out->standby, &order->standby, &vs->uplinks, &out->active) < 0) {
		policy_free(out);
		return -ENOMEM;
	}
	return 0;
}

int policy_unused(const struct vswitch *vs, const struct failover_policy *eff,
		  struct esx_strv *out)
{
	for (size_t i = 0; i < vs->uplinks.len; i++) {
		const char *nic = vs->uplinks.items[i];

		if (strv_contains(&eff->active, nic) || strv_contains(&eff->standby, nic))
			continue;
		if (strv_add(out, nic) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* "vmnic1, vmnic2" → items; "" → no items. */
static int parse_uplink_list(const struct vswitch *vs, const char *text, struct esx_strv *out,
			     struct esx_err *err)
{
	const char *p = text;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 0;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char nic[MODEL_IFNAME_MAX];

		while (len > 0 && p[0] == ' ') {
			p++;
			len--;
		}
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len == 0)
			return err_set(err, EINVAL, "Invalid uplink list '%s': an uplink name is empty",
				       text);
		if (len >= sizeof(nic))
			return err_set(err, EINVAL, "Uplink %.*s is not on vSwitch %s", (int)len, p,
				       vs->name);
		memcpy(nic, p, len);
		nic[len] = '\0';
		if (!strv_contains(&vs->uplinks, nic))
			return err_set(err, EINVAL, "Uplink %s is not on vSwitch %s", nic, vs->name);
		if (strv_contains(out, nic))
			return err_set(err, EINVAL, "Uplink %s is listed twice", nic);
		if (strv_add(out, nic) < 0)
			return err_set(err, ENOMEM, "out of memory");
		if (!end)
			return 0;
		p = end + 1;
	}
}

int policy_change_uplinks(const struct vswitch *vs, struct failover_policy *p,
			  const char *active, const char *standby, struct esx_err *err)
{
	struct esx_strv a = { 0 }, s = { 0 };
	int ret = 0;

	if (active)
		ret = parse_uplink_list(vs, active, &a, err);
	if (ret == 0 && standby)
		ret = parse_uplink_list(vs, standby, &s, err);
	if (ret < 0)
		goto out;
	if (active && standby) {
		for (size_t i = 0; i < a.len; i++) {
			if (strv_contains(&s, a.items[i])) {
				ret = err_set(err, EINVAL,
					      "Uplink %s cannot be both active and standby",
					      a.items[i]);
				goto out;
			}
		}
	}
	/* The side not given keeps its order, minus what moved to the other. */
	if (!active && strv_append_filtered(&a, &p->active, NULL, &s) < 0)
		ret = err_set(err, ENOMEM, "out of memory");
	if (ret == 0 && !standby && strv_append_filtered(&s, &p->standby, NULL, &a) < 0)
		ret = err_set(err, ENOMEM, "out of memory");
	if (ret < 0)
		goto out;
	strv_free(&p->active);
	strv_free(&p->standby);
	p->active = a;
	p->standby = s;
	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	p->has_uplinks = true;
out:
	strv_free(&a);
	strv_free(&s);
	return ret;
}

/* ---- the model's collections --------------------------------------------- */

struct vswitch *model_vswitch(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nvswitches; i++) {
		if (strcmp(m->vswitches[i].name, name) == 0)
			return &m->vswitches[i];
	}
	return NULL;
}

struct portgroup *model_portgroup(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nportgroups; i++) {
		if (strcmp(m->portgroups[i].name, name) == 0)
			return &m->portgroups[i];
	}
	return NULL;
}

struct vmk *model_vmk(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nvmks; i++) {
		if (strcmp(m->vmks[i].name, name) == 0)
			return &m->vmks[i];
	}
	return NULL;
}

/* Grow an array by one zeroed element; returns it or NULL. */
static void *append_zeroed(void **array, size_t *count, size_t size)
{
	char *grown = realloc(*array, (*count + 1) * size);

	if (!grown)
		return NULL;
	*array = grown;
	memset(grown + *count * size, 0, size);
	return grown + (*count)++ * size;
}

struct vswitch *model_add_vswitch(struct model *m)
{
	return append_zeroed((void **)&m->vswitches, &m->nvswitches, sizeof(*m->vswitches));
}

struct portgroup *model_add_portgroup(struct model *m)
{
	return append_zeroed((void **)&m->portgroups, &m->nportgroups, sizeof(*m->portgroups));
}

struct vmk *model_add_vmk(struct model *m)
{
	return append_zeroed((void **)&m->vmks, &m->nvmks, sizeof(*m->vmks));
}

struct static_route *model_add_route(struct model *m)
{
	return append_zeroed((void **)&m->routes, &m->nroutes, sizeof(*m->routes));
}

static void vswitch_free(struct vswitch *vs)
{
	strv_free(&vs->uplinks);
	policy_free(&vs->policy);
}

static void vmk_free(struct vmk *v)
{
	strv_free(&v->ipv6);
}

/* Close the gap of element i. The freed last slot is wiped: iSCSI
 * settings hold CHAP secrets. */
static void remove_at(void *array, size_t *count, size_t size, size_t i)
{
	char *base = array;

	memmove(base + i * size, base + (i + 1) * size, (*count - i - 1) * size);
	(*count)--;
	explicit_bzero(base + *count * size, size);
}

/* Free an array whose entries may hold CHAP secrets. */
static void free_wiped(void *array, size_t count, size_t size)
{
	if (array)
		explicit_bzero(array, count * size);
	free(array);
}

void model_remove_vswitch(struct model *m, const char *name)
{
	struct vswitch *vs = model_vswitch(m, name);

	if (!vs)
		return;
	vswitch_free(vs);
	remove_at(m->vswitches, &m->nvswitches, sizeof(*vs), (size_t)(vs - m->vswitches));
}

void model_remove_portgroup(struct model *m, const char *name)
{
	struct portgroup *pg = model_portgroup(m, name);

	if (!pg)
		return;
	policy_free(&pg->policy);
	remove_at(m->portgroups, &m->nportgroups, sizeof(*pg), (size_t)(pg - m->portgroups));
}

void model_remove_vmk(struct model *m, const char *name)
{
	struct vmk *v = model_vmk(m, name);

	if (!v)
		return;
	vmk_free(v);
	remove_at(m->vmks, &m->nvmks, sizeof(*v), (size_t)(v - m->vmks));
}

void model_remove_route(struct model *m, const struct static_route *r)
{
	if (r >= m->routes && r < m->routes + m->nroutes)
		remove_at(m->routes, &m->nroutes, sizeof(*r), (size_t)(r - m->routes));
}

void model_free(struct model *m)
{
	for (size_t i = 0; i < m->nvswitches; i++)
		vswitch_free(&m->vswitches[i]);
	for (size_t i = 0; i < m->nportgroups; i++)
		policy_free(&m->portgroups[i].policy);
	for (size_t i = 0; i < m->nvmks; i++)
		vmk_free(&m->vmks[i]);
	free(m->vswitches);
	free(m->portgroups);
	free(m->vmks);
	free(m->routes);
	free(m->iscsi.bindings);
	free_wiped(m->iscsi.sendtargets, m->iscsi.nsendtargets, sizeof(*m->iscsi.sendtargets));
	free(m->iscsi.statics);
	free_wiped(m->iscsi.portals, m->iscsi.nportals, sizeof(*m->iscsi.portals));
	nmp_config_free(&m->nmp);
	/* CHAP secrets live in the settings: leave none behind in freed memory. */
	explicit_bzero(m, sizeof(*m));
}

/* A shallow copy of an array; the caller deep-copies what it owns. */
static int copy_array(void **to, const void *from, size_t count, size_t size)
{
	*to = NULL;
	if (count == 0)
		return 0;
	*to = malloc(count * size);
	if (!*to)
		return -ENOMEM;
	memcpy(*to, from, count * size);
	return 0;
}

int model_clone(const struct model *m, struct model *out)
{
	struct model c = { 0 };
	int ret = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (copy_array((void **)&c.vswitches, m->vswitches, m->nvswitches, sizeof(*m->vswitches)) < 0)
		goto out;
	/* Count each array only once its owned parts are copied, so that
	 * model_free() on failure frees exactly what was made. */
	for (size_t i = 0; i < m->nvswitches; i++) {
		struct vswitch *vs = &c.vswitches[i];

		if (strv_copy(&m->vswitches[i].uplinks, &vs->uplinks) < 0)
			goto out;
		if (policy_copy(&m->vswitches[i].policy, &vs->policy) < 0) {
			strv_free(&vs->uplinks);
			goto out;
		}
		c.nvswitches++;
	}
	if (copy_array((void **)&c.portgroups, m->portgroups, m->nportgroups,
		       sizeof(*m->portgroups)) < 0)
		goto out;
	for (size_t i = 0; i < m->nportgroups; i++) {
		if (policy_copy(&m->portgroups[i].policy, &c.portgroups[i].policy) < 0)
			goto out;
		c.nportgroups++;
	}
	if (copy_array((void **)&c.vmks, m->vmks, m->nvmks, sizeof(*m->vmks)) < 0)
		goto out;
	for (size_t i = 0; i < m->nvmks; i++) {
		if (strv_copy(&m->vmks[i].ipv6, &c.vmks[i].ipv6) < 0)
			goto out;
		c.nvmks++;
	}
	if (copy_array((void **)&c.routes, m->routes, m->nroutes, sizeof(*m->routes)) < 0)
		goto out;
	c.nroutes = m->nroutes;
	/* The iSCSI entries own nothing: a flat copy each. */
	c.iscsi = m->iscsi;
	c.iscsi.bindings = NULL;
	c.iscsi.sendtargets = NULL;
	c.iscsi.statics = NULL;
	c.iscsi.portals = NULL;
	c.iscsi.nbindings = c.iscsi.nsendtargets = c.iscsi.nstatics = c.iscsi.nportals = 0;
	if (copy_array((void **)&c.iscsi.bindings, m->iscsi.bindings, m->iscsi.nbindings,
		       sizeof(*m->iscsi.bindings)) < 0)
		goto out;
	c.iscsi.nbindings = m->iscsi.nbindings;
	if (copy_array((void **)&c.iscsi.sendtargets, m->iscsi.sendtargets,
		       m->iscsi.nsendtargets, sizeof(*m->iscsi.sendtargets)) < 0)
		goto out;
	c.iscsi.nsendtargets = m->iscsi.nsendtargets;
	if (copy_array((void **)&c.iscsi.statics, m->iscsi.statics, m->iscsi.nstatics,
		       sizeof(*m->iscsi.statics)) < 0)
		goto out;
	c.iscsi.nstatics = m->iscsi.nstatics;
	if (copy_array((void **)&c.iscsi.portals, m->iscsi.portals, m->iscsi.nportals,
		       sizeof(*m->iscsi.portals)) < 0)
		goto out;
	c.iscsi.nportals = m->iscsi.nportals;
	if (copy_array((void **)&c.nmp.rules, m->nmp.rules, m->nmp.nrules,
		       sizeof(*m->nmp.rules)) < 0)
		goto out;
	c.nmp.nrules = m->nmp.nrules;
	if (copy_array((void **)&c.nmp.satp_defaults, m->nmp.satp_defaults,
		       m->nmp.nsatp_defaults, sizeof(*m->nmp.satp_defaults)) < 0)
		goto out;
	c.nmp.nsatp_defaults = m->nmp.nsatp_defaults;
	if (copy_array((void **)&c.nmp.devices, m->nmp.devices, m->nmp.ndevices,
		       sizeof(*m->nmp.devices)) < 0)
		goto out;
	c.nmp.ndevices = m->nmp.ndevices;
	if (copy_array((void **)&c.nmp.paths_off, m->nmp.paths_off, m->nmp.npaths_off,
		       sizeof(*m->nmp.paths_off)) < 0)
		goto out;
	c.nmp.npaths_off = m->nmp.npaths_off;
	*out = c;
	memset(&c, 0, sizeof(c));
	ret = 0;
out:
	model_free(&c);
	return ret;
}

/* ---- rules --------------------------------------------------------------- */

static void policy_defaults(struct failover_policy *p)
{
	p->has_uplinks = p->has_load_balancing = p->has_failure_detection = true;
	p->has_notify = p->has_failback = true;
	p->load_balancing = LB_PORTID;
	p->failure_detection = FD_LINK;
	p->notify_switches = true;
	p->failback = true;
}

void model_vswitch_defaults(struct vswitch *vs)
{
	vs->ports = MODEL_PORTS_DEFAULT;
	vs->mtu = MODEL_MTU_DEFAULT;
	snprintf(vs->cdp_status, sizeof(vs->cdp_status), "listen");
	policy_defaults(&vs->policy);
}

struct vswitch *model_uplink_owner(const struct model *m, const char *nic)
{
	for (size_t i = 0; i < m->nvswitches; i++) {
		if (strv_contains(&m->vswitches[i].uplinks, nic))
			return &m->vswitches[i];
	}
	return NULL;
}

int model_add_uplink(struct vswitch *vs, const char *nic)
{
	if (strv_add(&vs->uplinks, nic) < 0)
		return -ENOMEM;
	if (strv_add(&vs->policy.active, nic) < 0) {
		strv_drop(&vs->uplinks, nic);
		return -ENOMEM;
	}
	return 0;
}

void model_remove_uplink(struct model *m, struct vswitch *vs, const char *nic)
{
	strv_drop(&vs->uplinks, nic);
	strv_drop(&vs->policy.active, nic);
	strv_drop(&vs->policy.standby, nic);
	for (size_t i = 0; i < m->nportgroups; i++) {
		struct portgroup *pg = &m->portgroups[i];

		if (strcmp(pg->vswitch, vs->name) != 0)
			continue;
		strv_drop(&pg->policy.active, nic);
		strv_drop(&pg->policy.standby, nic);
	}
}

struct vmk *model_portgroup_vmk(const struct model *m, const char *portgroup)
{
	for (size_t i = 0; i < m->nvmks; i++) {
		if (strcmp(m->vmks[i].portgroup, portgroup) == 0)
			return &m->vmks[i];
	}
	return NULL;
}

struct vswitch *model_vmk_vswitch(const struct model *m, const struct vmk *vmk)
{
	const struct portgroup *pg = model_portgroup(m, vmk->portgroup);

	return pg ? model_vswitch(m, pg->vswitch) : NULL;
}

int model_uplink_users(const struct model *m, const char *nic, struct esx_strv *out)
{
	for (size_t i = 0; i < m->nvmks; i++) {
		const struct portgroup *pg = model_portgroup(m, m->vmks[i].portgroup);
		struct failover_policy eff;
		bool uses;
		int ret;

		if (!pg)
			continue;
		ret = policy_effective(m, pg, &eff);
		if (ret == -ENOENT)
			continue;
		if (ret < 0)
			return ret;
		uses = strv_contains(&eff.active, nic) || strv_contains(&eff.standby, nic);
		policy_free(&eff);
		if (uses && strv_add(out, m->vmks[i].name) < 0)
			return -ENOMEM;
	}
	return 0;
}

int model_free_table(const struct model *m, unsigned *out)
{
	for (unsigned table = MODEL_TABLE_FIRST; table <= MODEL_TABLE_LAST; table++) {
		bool taken = false;

		for (size_t i = 0; i < m->nvmks && !taken; i++)
			taken = m->vmks[i].table == table;
		if (!taken) {
			*out = table;
			return 0;
		}
	}
	return -ENOSPC;
}

void model_make_mac(const unsigned char random[3], char out[MODEL_MAC_MAX])
{
	/* 02: locally administered unicast; 50:56 echoes VMware's OUI so the
	 * address reads as a vmk's, without claiming VMware's range. */
	const uint8_t mac[6] = { 0x02, 0x50, 0x56, random[0], random[1], random[2] };

	mac_format(mac, out, MODEL_MAC_MAX);
}

struct vmk *model_vmk_by_mac(const struct model *m, const char *mac)
{
	for (size_t i = 0; i < m->nvmks; i++) {
		if (strcasecmp(m->vmks[i].mac, mac) == 0)
			return &m->vmks[i];
	}
	return NULL;
}

struct vmk *model_vmk_by_ipv4(const struct model *m, const char *addr)
{
	for (size_t i = 0; i < m->nvmks; i++) {
		if (m->vmks[i].ipv4_type == IPV4_STATIC && strcmp(m->vmks[i].ipv4_address, addr) == 0)
			return &m->vmks[i];
	}
	return NULL;
}

/* Does "addr/len" hold addr? */
static bool prefixed_is(const char *prefixed, const char *addr)
{
	size_t n = strlen(addr);

	return strncmp(prefixed, addr, n) == 0 && prefixed[n] == '/';
}

struct vmk *model_vmk_by_ipv6(const struct model *m, const char *addr)
{
	for (size_t i = 0; i < m->nvmks; i++) {
		for (size_t j = 0; j < m->vmks[i].ipv6.len; j++) {
			if (prefixed_is(m->vmks[i].ipv6.items[j], addr))
				return &m->vmks[i];
		}
	}
	return NULL;
}

struct vmk *model_gateway_vmk(const struct model *m, const char *addr)
{
	uint32_t gw, own;

	if (ipv4_parse(addr, &gw) < 0)
		return NULL;
	for (size_t i = 0; i < m->nvmks; i++) {
		const struct vmk *v = &m->vmks[i];

		if (v->ipv4_type != IPV4_STATIC || ipv4_parse(v->ipv4_address, &own) < 0)
			continue;
		if (gw != own && ipv4_in_subnet(gw, own, v->ipv4_prefix))
			return &m->vmks[i];
	}
	return NULL;
}

int model_unreachable_routes(const struct model *m, struct esx_strv *out)
{
	for (size_t i = 0; i < m->nroutes; i++) {
		const struct static_route *r = &m->routes[i];
		char text[2 * MODEL_ADDR_MAX + 8];

		if (r->ipv6 || model_gateway_vmk(m, r->gateway))
			continue;
		snprintf(text, sizeof(text), "%s via %s", r->network, r->gateway);
		if (strv_add(out, text) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- the iSCSI section --------------------------------------------------- */

void model_iscsi_defaults(struct iscsi_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->adapter, sizeof(c->adapter), "%s", MODEL_ISCSI_ADAPTER_DEFAULT);
}

bool model_adapter_name_valid(const char *name)
{
	size_t digits;

	if (!name || strncmp(name, "vmhba", 5) != 0)
		return false;
	digits = strlen(name + 5);
	if (digits < 1 || digits > 3)
		return false;
	for (size_t i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)name[5 + i]))
			return false;
	}
	return true;
}

struct iscsi_binding *model_iscsi_binding(const struct model *m, const char *vmk)
{
	for (size_t i = 0; i < m->iscsi.nbindings; i++) {
		if (strcmp(m->iscsi.bindings[i].vmk, vmk) == 0)
			return &m->iscsi.bindings[i];
	}
	return NULL;
}

struct iscsi_sendtarget *model_iscsi_sendtarget(const struct model *m, const char *address,
						unsigned port)
{
	for (size_t i = 0; i < m->iscsi.nsendtargets; i++) {
		if (strcmp(m->iscsi.sendtargets[i].address, address) == 0 &&
		    m->iscsi.sendtargets[i].port == port)
			return &m->iscsi.sendtargets[i];
	}
	return NULL;
}

struct iscsi_static_target *model_iscsi_static(const struct model *m, const char *address,
					       unsigned port, const char *name)
{
	for (size_t i = 0; i < m->iscsi.nstatics; i++) {
		const struct iscsi_static_target *t = &m->iscsi.statics[i];

		/* RFC 3722: names compare without case. */
		if (strcmp(t->address, address) == 0 && t->port == port &&
		    strcasecmp(t->name, name) == 0)
			return &m->iscsi.statics[i];
	}
	return NULL;
}

struct iscsi_binding *model_iscsi_add_binding(struct model *m)
{
	return append_zeroed((void **)&m->iscsi.bindings, &m->iscsi.nbindings,
			     sizeof(*m->iscsi.bindings));
}

struct iscsi_sendtarget *model_iscsi_add_sendtarget(struct model *m)
{
	return append_zeroed((void **)&m->iscsi.sendtargets, &m->iscsi.nsendtargets,
			     sizeof(*m->iscsi.sendtargets));
}

struct iscsi_static_target *model_iscsi_add_static(struct model *m)
{
	return append_zeroed((void **)&m->iscsi.statics, &m->iscsi.nstatics,
			     sizeof(*m->iscsi.statics));
}

void model_iscsi_remove_binding(struct model *m, const char *vmk)
{
	struct iscsi_binding *b = model_iscsi_binding(m, vmk);

	if (b)
		remove_at(m->iscsi.bindings, &m->iscsi.nbindings, sizeof(*b),
			  (size_t)(b - m->iscsi.bindings));
}

void model_iscsi_remove_sendtarget(struct model *m, const struct iscsi_sendtarget *st)
{
	if (st >= m->iscsi.sendtargets && st < m->iscsi.sendtargets + m->iscsi.nsendtargets)
		remove_at(m->iscsi.sendtargets, &m->iscsi.nsendtargets, sizeof(*st),
			  (size_t)(st - m->iscsi.sendtargets));
}

void model_iscsi_remove_static(struct model *m, const struct iscsi_static_target *t)
{
	if (t >= m->iscsi.statics && t < m->iscsi.statics + m->iscsi.nstatics)
		remove_at(m->iscsi.statics, &m->iscsi.nstatics, sizeof(*t),
			  (size_t)(t - m->iscsi.statics));
}

/* "3260" → 3260; 0 when not a port (1..65535, digits only). */
static unsigned parse_port(const char *text)
{
	unsigned long port = 0;

	if (!*text || strlen(text) > 5)
		return 0;
	for (const char *p = text; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
		port = port * 10 + (unsigned long)(*p - '0');
	}
	return port >= 1 && port <= 65535 ? (unsigned)port : 0;
}

/* An address a portal may have: a unicast IPv4 address, or an IPv6 address
 * that is neither unspecified, loopback nor multicast. */
static int portal_address(const char *text, char *out)
{
	char canonical[MODEL_ADDR_MAX];
	uint32_t v4;

	if (ipv4_parse(text, &v4) == 0) {
		if (!ipv4_is_unicast(v4))
			return -EINVAL;
		ipv4_format(v4, out, MODEL_ADDR_MAX);
		return 0;
	}
	if (ipv6_parse(text, canonical, sizeof(canonical)) < 0 || strcmp(canonical, "::") == 0 ||
	    strcmp(canonical, "::1") == 0 || strncasecmp(canonical, "ff", 2) == 0)
		return -EINVAL;
	memcpy(out, canonical, strlen(canonical) + 1);
	return 0;
}

int model_portal_parse(const char *text, unsigned default_port, char *address, unsigned *port)
{
	char host[MODEL_ADDR_MAX];
	const char *colon, *end;
	size_t len;

	*port = default_port;
	if (!text)
		return -EINVAL;
	if (text[0] == '[') {
		end = strchr(text, ']');
		if (!end)
			return -EINVAL;
		len = (size_t)(end - text - 1);
		if (end[1] == ':') {
			*port = parse_port(end + 2);
			if (!*port)
				return -EINVAL;
		} else if (end[1] != '\0') {
			return -EINVAL;
		}
		if (len == 0 || len >= sizeof(host) || !memchr(text + 1, ':', len))
			return -EINVAL;
		memcpy(host, text + 1, len);
		host[len] = '\0';
		return portal_address(host, address);
	}
	colon = strchr(text, ':');
	if (colon && strchr(colon + 1, ':'))   /* a bare IPv6 address */
		return portal_address(text, address);
	len = colon ? (size_t)(colon - text) : strlen(text);
	if (len == 0 || len >= sizeof(host))
		return -EINVAL;
	if (colon) {
		*port = parse_port(colon + 1);
		if (!*port)
			return -EINVAL;
	}
	memcpy(host, text, len);
	host[len] = '\0';
	return portal_address(host, address);
}

void model_portal_format(const char *address, unsigned port, char *out, size_t len)
{
	if (strchr(address, ':'))
		snprintf(out, len, "[%s]:%u", address, port);
	else
		snprintf(out, len, "%s:%u", address, port);
}

struct iscsi_target_portal *model_iscsi_portal(const struct model *m, const char *address,
					       unsigned port, const char *name)
{
	for (size_t i = 0; i < m->iscsi.nportals; i++) {
		const struct iscsi_target_portal *tp = &m->iscsi.portals[i];

		if (strcmp(tp->address, address) == 0 && tp->port == port &&
		    strcasecmp(tp->name, name) == 0)
			return &m->iscsi.portals[i];
	}
	return NULL;
}

struct iscsi_target_portal *model_iscsi_add_portal(struct model *m)
{
	return append_zeroed((void **)&m->iscsi.portals, &m->iscsi.nportals,
			     sizeof(*m->iscsi.portals));
}

void model_iscsi_remove_portal(struct model *m, const struct iscsi_target_portal *tp)
{
	if (tp >= m->iscsi.portals && tp < m->iscsi.portals + m->iscsi.nportals)
		remove_at(m->iscsi.portals, &m->iscsi.nportals, sizeof(*tp),
			  (size_t)(tp - m->iscsi.portals));
}

bool model_iscsi_settings_empty(const struct iscsi_settings *s)
{
	for (size_t i = 0; i < ISCSI_PARAM_COUNT; i++) {
		if (s->params[i].set)
			return false;
	}
	return !s->chap[CHAP_UNI].set && !s->chap[CHAP_MUTUAL].set;
}

static const char *const chap_level_names[] = { "prohibited", "discouraged", "preferred",
						 "required" };

const char *chap_level_name(enum chap_level level)
{
	return (unsigned)level <= CHAP_REQUIRED ? chap_level_names[level] : "prohibited";
}

int chap_level_parse(const char *word, enum chap_level *out)
{
	for (unsigned i = 0; i <= CHAP_REQUIRED; i++) {
		if (strcmp(word, chap_level_names[i]) == 0) {
			*out = (enum chap_level)i;
			return 0;
		}
	}
	return -EINVAL;
}
