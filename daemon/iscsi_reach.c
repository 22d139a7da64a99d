/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whether a bound vmk can reach an iSCSI portal, judged from the model. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"
#include "iscsi_reach.h"

#define KB "VMware KB 2038869"

/* ---- IPv6 prefixes ---- */

static bool in6_prefix(const struct in6_addr *a, const struct in6_addr *net, unsigned prefix)
{
	for (unsigned bit = 0; bit < prefix && bit < 128; bit++) {
		uint8_t mask = (uint8_t)(0x80u >> (bit % 8));

		if ((a->s6_addr[bit / 8] & mask) != (net->s6_addr[bit / 8] & mask))
			return false;
	}
	return true;
}

/* "addr/len" (or "default") into an address and a prefix. */
static bool parse6_prefixed(const char *text, struct in6_addr *net, unsigned *prefix)
{
	const char *slash = strchr(text, '/');
	char addr[MODEL_ADDR_MAX];

	if (strcmp(text, "default") == 0) {
		memset(net, 0, sizeof(*net));
		*prefix = 0;
		return true;
	}
	if (!slash || (size_t)(slash - text) >= sizeof(addr))
		return false;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	*prefix = (unsigned)strtoul(slash + 1, NULL, 10);
	return *prefix <= 128 && inet_pton(AF_INET6, addr, net) == 1;
}

static bool link_local6(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

/* Whether one of v's IPv6 prefixes holds a. */
static bool vmk_has6(const struct vmk *v, const struct in6_addr *a)
{
	for (size_t i = 0; i < v->ipv6.len; i++) {
		struct in6_addr net;
		unsigned prefix;

		if (parse6_prefixed(v->ipv6.items[i], &net, &prefix) && in6_prefix(a, &net, prefix))
			return true;
	}
	return false;
}

static enum iscsi_reach reach6(const struct model *m, const struct vmk *v,
			       const struct in6_addr *portal)
{
	if (v->ipv6.len == 0)
		return ISCSI_REACH_NO_ADDRESS;
	/* Every IPv6 link has its link-local prefix. */
	if (link_local6(portal) || vmk_has6(v, portal))
		return ISCSI_REACH_SUBNET;
	for (size_t i = 0; i < m->nroutes; i++) {
		const struct static_route *r = &m->routes[i];
		struct in6_addr net, gw;
		unsigned prefix;

		if (!r->ipv6 || !parse6_prefixed(r->network, &net, &prefix) ||
		    inet_pton(AF_INET6, r->gateway, &gw) != 1 || !in6_prefix(portal, &net, prefix))
			continue;
		/* A link-local gateway may be on any link: give it the benefit. */
		if (link_local6(&gw) || vmk_has6(v, &gw))
			return ISCSI_REACH_ROUTE;
	}
	return ISCSI_REACH_NO_ROUTE;
}

/* ---- IPv4 ---- */

static enum iscsi_reach reach4(const struct model *m, const struct vmk *v, uint32_t portal)
{
	uint32_t own;

	if (v->ipv4_type != IPV4_STATIC || ipv4_parse(v->ipv4_address, &own) < 0)
		return ISCSI_REACH_NO_ADDRESS;
	if (ipv4_in_subnet(portal, own, v->ipv4_prefix))
		return ISCSI_REACH_SUBNET;
	if (v->ipv4_gateway[0])
		return ISCSI_REACH_GATEWAY;
	for (size_t i = 0; i < m->nroutes; i++) {
		const struct static_route *r = &m->routes[i];
		uint32_t net;
		unsigned prefix;

		if (r->ipv6 || ipv4_parse_network(r->network, &net, &prefix) < 0 ||
		    !ipv4_in_subnet(portal, net, prefix))
			continue;
		if (model_gateway_vmk(m, r->gateway) == v)
			return ISCSI_REACH_ROUTE;
	}
	return ISCSI_REACH_NO_ROUTE;
}

enum iscsi_reach iscsi_reach(const struct model *m, const char *vmk, const char *address)
{
	const struct vmk *v = model_vmk(m, vmk);
	struct in6_addr a6;
	uint32_t a4;

	if (!v)
		return ISCSI_REACH_NO_ADDRESS;
	if (ipv4_parse(address, &a4) == 0)
		return reach4(m, v, a4);
	if (inet_pton(AF_INET6, address, &a6) == 1)
		return reach6(m, v, &a6);
	return ISCSI_REACH_NO_ADDRESS;
}

bool iscsi_reach_ok(enum iscsi_reach r)
{
	return r == ISCSI_REACH_SUBNET || r == ISCSI_REACH_GATEWAY || r == ISCSI_REACH_ROUTE;
}

/* ---- warnings ---- */

static int add_line(struct esx_strv *out, const char *text)
{
	return strv_add(out, text) < 0 ? -ENOMEM : 0;
}

int iscsi_reach_warn_portal(const struct model *m, const char *vmk, const char *address,
			    unsigned port, struct esx_strv *out)
{
	enum iscsi_reach r = iscsi_reach(m, vmk, address);
	const struct vmk *v = model_vmk(m, vmk);
	bool v6 = strchr(address, ':') != NULL;
	char portal[MODEL_PORTAL_TEXT_MAX], text[512];

	if (iscsi_reach_ok(r))
		return 0;
	model_portal_format(address, port, portal, sizeof(portal));
	if (!v)
		snprintf(text, sizeof(text),
			 "Warning: portal %s is not reachable from %s: %s does not exist.", portal,
			 vmk, vmk);
	else if (r == ISCSI_REACH_NO_ADDRESS)
		snprintf(text, sizeof(text),
			 "Warning: portal %s is not reachable from %s: %s has no %s address.",
			 portal, vmk, vmk, v6 ? "IPv6" : "IPv4");
	else if (v6)
		snprintf(text, sizeof(text),
			 "Warning: portal %s is not reachable from %s: it is in none of %s's IPv6 subnets and no route through %s gets there.",
			 portal, vmk, vmk, vmk);
	else
		snprintf(text, sizeof(text),
			 "Warning: portal %s is not reachable from %s (%s/%u): it is outside %s's subnet and no route through %s gets there.",
			 portal, vmk, v->ipv4_address, v->ipv4_prefix, vmk, vmk);
	return add_line(out, text);
}

int iscsi_reach_warn_bindings(const struct model *m, const char *address, unsigned port,
			      struct esx_strv *out)
{
	for (size_t i = 0; i < m->iscsi.nbindings; i++) {
		int ret = iscsi_reach_warn_portal(m, m->iscsi.bindings[i].vmk, address, port, out);

		if (ret < 0)
			return ret;
	}
	return 0;
}

/* "vmk1 10.10.1.0/24" of a vmk with static IPv4, appended to list; its
 * network into *net and *prefix. false when it has no IPv4. */
static bool subnet_of(const struct model *m, const char *vmk, uint32_t *net, unsigned *prefix,
		      char *list, size_t len)
{
	const struct vmk *v = model_vmk(m, vmk);
	char text[IPADDR_V4_TEXT_MAX];
	size_t used = strlen(list);
	uint32_t own;

	if (!v || v->ipv4_type != IPV4_STATIC || ipv4_parse(v->ipv4_address, &own) < 0)
		return false;
	*prefix = v->ipv4_prefix;
	*net = own & ipv4_prefix_mask(v->ipv4_prefix);
	ipv4_format(*net, text, sizeof(text));
	if (used < len)
		snprintf(list + used, len - used, "%s%s %s/%u", used ? ", " : "", vmk, text, *prefix);
	return true;
}

int iscsi_reach_warn_subnets(const struct model *m, const char *adding, struct esx_strv *out)
{
	char list[400] = "", text[600];
	bool have = false, differ = false;
	uint32_t first_net = 0, net;
	unsigned first_prefix = 0, prefix;

	for (size_t i = 0; i <= m->iscsi.nbindings; i++) {
		const char *vmk = i < m->iscsi.nbindings ? m->iscsi.bindings[i].vmk : adding;

		if (!vmk || (i == m->iscsi.nbindings && model_iscsi_binding(m, vmk)))
			continue;
		if (!subnet_of(m, vmk, &net, &prefix, list, sizeof(list)))
			continue;
		if (!have) {
			first_net = net;
			first_prefix = prefix;
			have = true;
		} else if (net != first_net || prefix != first_prefix) {
			differ = true;
		}
	}
	if (!differ)
		return 0;
	snprintf(text, sizeof(text),
		 "Warning: the VMkernel NICs bound to %s are not all in one IPv4 subnet (%s); port binding needs them in one subnet and broadcast domain (" KB ").",
		 m->iscsi.adapter, list);
	return add_line(out, text);
}

char *iscsi_reach_join(const struct esx_strv *v)
{
	size_t len = 1;
	char *text, *p;

	if (v->len == 0)
		return NULL;
	for (size_t i = 0; i < v->len; i++)
		len += strlen(v->items[i]) + 1;
	text = malloc(len);
	if (!text)
		return NULL;
	p = text;
	for (size_t i = 0; i < v->len; i++) {
		size_t n = strlen(v->items[i]);

		if (i)
			*p++ = '\n';
		memcpy(p, v->items[i], n);
		p += n;
	}
	*p = '\0';
	return text;
}
