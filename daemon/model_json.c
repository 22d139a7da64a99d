/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The model's JSON form, the store's "network" and "iscsi" sections:
 * loading, with every value checked and errors naming the path of what is
 * wrong, and saving.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ipaddr.h"
#include "iscsi_records.h"
#include "model.h"

/* ---- the stored words ---------------------------------------------------- */

/* Indexed by the enums. The store's own spelling, kept apart from how
 * commands spell them so that a stored file reads the same whatever the
 * commands call things. */
static const char *const chap_level_words[] = { "prohibited", "discouraged", "preferred",
						"required" };
static const char *const lb_stored[] = { "portid", "iphash", "mac", "explicit" };
static const char *const fd_stored[] = { "link", "beacon" };
static const char *const cdp_values[] = { "down", "listen", "advertise", "both", NULL };

static bool word_in(const char *w, const char *const *words)
{
	for (size_t i = 0; words[i]; i++) {
		if (strcmp(w, words[i]) == 0)
			return true;
	}
	return false;
}

/* The kernel's rule for interface names (net_check_name() has the same,
 * with messages for users; the model does not depend on the backend). */
static bool ifname_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= MODEL_IFNAME_MAX || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c == ':' || c == ',' || isspace(c) || iscntrl(c))
			return false;
	}
	return true;
}

/* ---- loading: every value checked, errors name the path ------------------ */

#define PATH_LEN 160

int model_json_corrupt(struct esx_err *err, const char *path, const char *fmt, ...)
{
	const char *section = strncmp(path, "iscsi", 5) == 0 ? "iSCSI" :
			      strncmp(path, "nmp", 3) == 0 ? "NMP" : "network";
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return err_set(err, EBADMSG, "The stored %s configuration is invalid: %s: %s", section,
		       path, what);
}

/* Every loader reports through model_json_corrupt(); the short name keeps
 * the many calls readable. */
#define corrupt model_json_corrupt

/* Paths are short (network.vswitches[0].failover.active[1]); one too long
 * for the buffer can only come from a huge index, and is cut visibly. */
static void mark_cut(char *out, int written)
{
	if (written < 0 || written >= PATH_LEN)
		memcpy(out + PATH_LEN - 4, "...", 4);
}

static void join_key(char *out, const char *path, const char *key)
{
	mark_cut(out, snprintf(out, PATH_LEN, "%s.%s", path, key));
}

static void join_index(char *out, const char *path, size_t i)
{
	mark_cut(out, snprintf(out, PATH_LEN, "%s[%zu]", path, i));
}

static const char *type_word(json_type t)
{
	switch (t) {
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	case json_type_int:
		return "an integer";
	case json_type_boolean:
		return "a boolean";
	default:
		return "a valid value";
	}
}

static int check_keys(struct json_object *obj, const char *path, const char *const *allowed,
		      struct esx_err *err)
{
	json_object_object_foreach(obj, key, value) {
		(void)value;
		if (!word_in(key, allowed)) {
			char where[PATH_LEN];

			join_key(where, path, key);
			return corrupt(err, where, "unknown key");
		}
	}
	return 0;
}

/* The member key of obj with type t: 0 and *out, 1 when absent and
 * optional, or an error. */
static int member(struct json_object *obj, const char *path, const char *key, json_type t,
		  bool required, struct json_object **out, struct esx_err *err)
{
	char where[PATH_LEN];

	join_key(where, path, key);
	if (!json_object_object_get_ex(obj, key, out) || !*out) {
		if (!required)
			return 1;
		return corrupt(err, where, "missing");
	}
	if (!json_object_is_type(*out, t))
		return corrupt(err, where, "must be %s", type_word(t));
	return 0;
}

/* A string that fits size with its NUL and has no NUL inside. */
static int read_string(struct json_object *obj, const char *path, const char *key, char *buf,
		       size_t size, struct esx_err *err)
{
	struct json_object *v;
	char where[PATH_LEN];
	const char *s;
	int ret = member(obj, path, key, json_type_string, true, &v, err);

	if (ret != 0)
		return ret < 0 ? ret : -EBADMSG;
	s = json_object_get_string(v);
	join_key(where, path, key);
	if ((size_t)json_object_get_string_len(v) != strlen(s))
		return corrupt(err, where, "contains a NUL character");
	if (strlen(s) >= size)
		return corrupt(err, where, "longer than %zu characters", size - 1);
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

static int read_number(struct json_object *obj, const char *path, const char *key, long long min,
		       long long max, long long *out, struct esx_err *err)
{
	struct json_object *v;
	char where[PATH_LEN];
	int ret = member(obj, path, key, json_type_int, true, &v, err);

	if (ret != 0)
		return ret < 0 ? ret : -EBADMSG;
	*out = (long long)json_object_get_int64(v);
	if (*out < min || *out > max) {
		join_key(where, path, key);
		return corrupt(err, where, "%lld is not in %lld..%lld", *out, min, max);
	}
	return 0;
}

static int read_unsigned(struct json_object *obj, const char *path, const char *key,
			 unsigned min, unsigned max, unsigned *out, struct esx_err *err)
{
	long long v;
	int ret = read_number(obj, path, key, min, max, &v, err);

	if (ret == 0)
		*out = (unsigned)v;
	return ret;
}

/* 0 read, 1 absent (only when !required), or an error. */
static int read_bool(struct json_object *obj, const char *path, const char *key, bool required,
		     bool *out, struct esx_err *err)
{
	struct json_object *v;
	int ret = member(obj, path, key, json_type_boolean, required, &v, err);

	if (ret == 0)
		*out = json_object_get_boolean(v);
	return ret;
}

/* An array of strings, each passing valid() (NULL: any non-empty text). 1
 * when absent and optional. */
static int read_strings(struct json_object *obj, const char *path, const char *key, bool required,
			bool (*valid)(const char *), struct esx_strv *out, struct esx_err *err)
{
	struct json_object *array;
	char where[PATH_LEN], item_path[PATH_LEN];
	int ret = member(obj, path, key, json_type_array, required, &array, err);

	if (ret != 0)
		return ret;
	join_key(where, path, key);
	for (size_t i = 0; i < json_object_array_length(array); i++) {
		struct json_object *item = json_object_array_get_idx(array, i);
		const char *s;

		join_index(item_path, where, i);
		if (!json_object_is_type(item, json_type_string))
			return corrupt(err, item_path, "must be a string");
		s = json_object_get_string(item);
		if ((size_t)json_object_get_string_len(item) != strlen(s) || s[0] == '\0' ||
		    (valid && !valid(s)))
			return corrupt(err, item_path, "'%s' is not valid here", s);
		if (strv_contains(out, s))
			return corrupt(err, item_path, "'%s' is listed twice", s);
		if (strv_add(out, s) < 0)
			return err_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int read_enum_word(struct json_object *obj, const char *path, const char *key,
			  const char *const *words, unsigned nwords, unsigned *out,
			  struct esx_err *err)
{
	char word[32], where[PATH_LEN];
	int ret = read_string(obj, path, key, word, sizeof(word), err);

	if (ret < 0)
		return ret;
	for (unsigned i = 0; i < nwords; i++) {
		if (strcmp(word, words[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	join_key(where, path, key);
	return corrupt(err, where, "'%s' is not one of the known values", word);
}

static bool uplink_name_ok(const char *s)
{
	return ifname_valid(s);
}

static const char *const policy_keys[] = { "active", "standby", "load_balancing",
					   "failure_detection", "notify_switches", "failback",
					   NULL };

/* full: a vSwitch policy, every key required; else a portgroup's overrides. */
static int load_policy(struct json_object *obj, const char *path, bool full,
		       struct failover_policy *p, struct esx_err *err)
{
	struct json_object *v;
	unsigned word = 0;
	int ret, has_active, has_standby;

	ret = check_keys(obj, path, policy_keys, err);
	if (ret < 0)
		return ret;
	has_active = read_strings(obj, path, "active", full, uplink_name_ok, &p->active, err);
	if (has_active < 0)
		return has_active;
	has_standby = read_strings(obj, path, "standby", full, uplink_name_ok, &p->standby, err);
	if (has_standby < 0)
		return has_standby;
	if (has_active != has_standby)
		return corrupt(err, path, "active and standby must be given together");
	p->has_uplinks = has_active == 0;
	for (size_t i = 0; i < p->active.len; i++) {
		if (strv_contains(&p->standby, p->active.items[i]))
			return corrupt(err, path, "%s is both active and standby", p->active.items[i]);
	}
	ret = member(obj, path, "load_balancing", json_type_string, full, &v, err);
	if (ret == 0)
		ret = read_enum_word(obj, path, "load_balancing", lb_stored, 4, &word, err);
	if (ret < 0)
		return ret;
	p->has_load_balancing = ret == 0;
	p->load_balancing = ret == 0 ? (enum lb_policy)word : LB_PORTID;
	ret = member(obj, path, "failure_detection", json_type_string, full, &v, err);
	if (ret == 0)
		ret = read_enum_word(obj, path, "failure_detection", fd_stored, 2, &word, err);
	if (ret < 0)
		return ret;
	p->has_failure_detection = ret == 0;
	p->failure_detection = ret == 0 ? (enum failure_detection)word : FD_LINK;
	ret = read_bool(obj, path, "notify_switches", full, &p->notify_switches, err);
	if (ret < 0)
		return ret;
	p->has_notify = ret == 0;
	ret = read_bool(obj, path, "failback", full, &p->failback, err);
	if (ret < 0)
		return ret;
	p->has_failback = ret == 0;
	return 0;
}

/* Each uplink in a failover list must be one of the vSwitch's. */
static int check_policy_uplinks(const struct failover_policy *p, const struct vswitch *vs,
				const char *path, struct esx_err *err)
{
	const struct esx_strv *lists[] = { &p->active, &p->standby };

	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->len; i++) {
			if (!strv_contains(&vs->uplinks, lists[l]->items[i]))
				return corrupt(err, path, "%s is not an uplink of vSwitch %s",
					       lists[l]->items[i], vs->name);
		}
	}
	return 0;
}

static const char *const vswitch_keys[] = { "name", "ports", "mtu", "cdp_status", "uplinks",
					    "failover", NULL };

static int load_vswitch(struct json_object *obj, const char *path, struct model *m,
			struct esx_err *err)
{
	struct json_object *policy;
	char where[PATH_LEN];
	struct vswitch *vs;
	int ret;

	if (!json_object_is_type(obj, json_type_object))
		return corrupt(err, path, "must be an object");
	ret = check_keys(obj, path, vswitch_keys, err);
	if (ret < 0)
		return ret;
	vs = model_add_vswitch(m);
	if (!vs)
		return err_set(err, ENOMEM, "out of memory");
	join_key(where, path, "name");
	ret = read_string(obj, path, "name", vs->name, sizeof(vs->name), err);
	if (ret == 0 && !model_name_valid(vs->name))
		ret = corrupt(err, where, "'%s' is not a valid vSwitch name", vs->name);
	if (ret == 0 && model_vswitch(m, vs->name) != vs)
		ret = corrupt(err, where, "a second vSwitch named %s", vs->name);
	if (ret == 0)
		ret = read_unsigned(obj, path, "ports", MODEL_PORTS_MIN, MODEL_PORTS_MAX, &vs->ports,
				    err);
	if (ret == 0)
		ret = read_unsigned(obj, path, "mtu", MODEL_MTU_MIN, MODEL_MTU_MAX, &vs->mtu, err);
	if (ret == 0)
		ret = read_string(obj, path, "cdp_status", vs->cdp_status, sizeof(vs->cdp_status),
				  err);
	join_key(where, path, "cdp_status");
	if (ret == 0 && !word_in(vs->cdp_status, cdp_values))
		ret = corrupt(err, where, "'%s' is not down, listen, advertise or both",
			      vs->cdp_status);
	if (ret == 0)
		ret = read_strings(obj, path, "uplinks", true, uplink_name_ok, &vs->uplinks, err);
	if (ret == 0)
		ret = member(obj, path, "failover", json_type_object, true, &policy, err);
	join_key(where, path, "failover");
	if (ret == 0)
		ret = load_policy(policy, where, true, &vs->policy, err);
	if (ret == 0)
		ret = check_policy_uplinks(&vs->policy, vs, where, err);
	return ret;
}

static const char *const portgroup_keys[] = { "name", "vswitch", "vlan_id", "failover", NULL };

static int load_portgroup(struct json_object *obj, const char *path, struct model *m,
			  struct esx_err *err)
{
	struct json_object *policy;
	const struct vswitch *vs;
	char where[PATH_LEN];
	struct portgroup *pg;
	int ret;

	if (!json_object_is_type(obj, json_type_object))
		return corrupt(err, path, "must be an object");
	ret = check_keys(obj, path, portgroup_keys, err);
	if (ret < 0)
		return ret;
	pg = model_add_portgroup(m);
	if (!pg)
		return err_set(err, ENOMEM, "out of memory");
	join_key(where, path, "name");
	ret = read_string(obj, path, "name", pg->name, sizeof(pg->name), err);
	if (ret == 0 && !model_name_valid(pg->name))
		ret = corrupt(err, where, "'%s' is not a valid portgroup name", pg->name);
	if (ret == 0 && model_portgroup(m, pg->name) != pg)
		ret = corrupt(err, where, "a second portgroup named %s", pg->name);
	if (ret == 0)
		ret = read_string(obj, path, "vswitch", pg->vswitch, sizeof(pg->vswitch), err);
	vs = ret == 0 ? model_vswitch(m, pg->vswitch) : NULL;
	join_key(where, path, "vswitch");
	if (ret == 0 && !vs)
		ret = corrupt(err, where, "there is no vSwitch %s", pg->vswitch);
	if (ret == 0)
		ret = read_unsigned(obj, path, "vlan_id", 0, MODEL_VLAN_MAX, &pg->vlan_id, err);
	if (ret == 0)
		ret = member(obj, path, "failover", json_type_object, true, &policy, err);
	join_key(where, path, "failover");
	if (ret == 0)
		ret = load_policy(policy, where, false, &pg->policy, err);
	if (ret == 0)
		ret = check_policy_uplinks(&pg->policy, vs, where, err);
	return ret;
}

static const char *const ipv4_keys[] = { "type", "address", "prefix", "gateway", NULL };
static const char *const ipv4_types[] = { "none", "static", "dhcp" };

static int load_vmk_ipv4(struct json_object *obj, const char *path, struct vmk *v,
			 struct esx_err *err)
{
	char where[PATH_LEN];
	uint32_t addr, gw;
	unsigned type = 0;
	int ret;

	ret = check_keys(obj, path, ipv4_keys, err);
	if (ret == 0)
		ret = read_enum_word(obj, path, "type", ipv4_types, 3, &type, err);
	if (ret < 0)
		return ret;
	v->ipv4_type = (enum ipv4_type)type;
	if (v->ipv4_type != IPV4_STATIC) {
		if (json_object_object_length(obj) != 1)
			return corrupt(err, path, "only a static configuration has an address");
		return 0;
	}
	join_key(where, path, "address");
	ret = read_string(obj, path, "address", v->ipv4_address, sizeof(v->ipv4_address), err);
	if (ret == 0 && (ipv4_parse(v->ipv4_address, &addr) < 0 || !ipv4_is_unicast(addr)))
		ret = corrupt(err, where, "'%s' is not a unicast IPv4 address", v->ipv4_address);
	if (ret == 0)
		ret = read_unsigned(obj, path, "prefix", 1, 32, &v->ipv4_prefix, err);
	if (ret == 0)
		ret = read_string(obj, path, "gateway", v->ipv4_gateway, sizeof(v->ipv4_gateway),
				  err);
	join_key(where, path, "gateway");
	if (ret == 0 && v->ipv4_gateway[0] &&
	    (ipv4_parse(v->ipv4_gateway, &gw) < 0 || !ipv4_in_subnet(gw, addr, v->ipv4_prefix)))
		ret = corrupt(err, where, "'%s' is not an address in the interface's subnet",
			      v->ipv4_gateway);
	return ret;
}

static bool ipv6_entry_ok(const char *s)
{
	char canonical[MODEL_ADDR_MAX];
	unsigned prefix;

	/* Stored in canonical form only: duplicates are then plain text
	 * comparisons. */
	if (ipv6_parse_interface_address(s, canonical, sizeof(canonical), &prefix) < 0)
		return false;
	return strncmp(s, canonical, strlen(canonical)) == 0 && s[strlen(canonical)] == '/';
}

static const char *const vmk_keys[] = { "name", "portgroup", "mac", "mtu", "enabled", "table",
					"ipv4", "ipv6", NULL };

static int check_vmk_mac(const struct model *m, struct vmk *v, const char *path,
			 struct esx_err *err)
{
	char where[PATH_LEN], canonical[IPADDR_MAC_TEXT_MAX];
	uint8_t mac[6];

	join_key(where, path, "mac");
	if (mac_parse(v->mac, mac) < 0 || !mac_is_unicast(mac))
		return corrupt(err, where, "'%s' is not a unicast MAC address", v->mac);
	mac_format(mac, canonical, sizeof(canonical));
	if (strcmp(canonical, v->mac) != 0)
		return corrupt(err, where, "'%s' must be written in lower case", v->mac);
	if (model_vmk_by_mac(m, v->mac) != v)
		return corrupt(err, where, "%s is used by another vmk", v->mac);
	return 0;
}

static int load_vmk(struct json_object *obj, const char *path, struct model *m,
		    struct esx_err *err)
{
	const struct vswitch *vs = NULL;
	struct json_object *ipv4;
	const struct portgroup *pg;
	char where[PATH_LEN];
	struct vmk *v;
	int ret;

	if (!json_object_is_type(obj, json_type_object))
		return corrupt(err, path, "must be an object");
	ret = check_keys(obj, path, vmk_keys, err);
	if (ret < 0)
		return ret;
	v = model_add_vmk(m);
	if (!v)
		return err_set(err, ENOMEM, "out of memory");
	join_key(where, path, "name");
	ret = read_string(obj, path, "name", v->name, sizeof(v->name), err);
	if (ret == 0 && !model_vmk_name_valid(v->name))
		ret = corrupt(err, where, "'%s' is not a vmk name", v->name);
	if (ret == 0 && model_vmk(m, v->name) != v)
		ret = corrupt(err, where, "a second vmk named %s", v->name);
	if (ret == 0)
		ret = read_string(obj, path, "portgroup", v->portgroup, sizeof(v->portgroup), err);
	pg = ret == 0 ? model_portgroup(m, v->portgroup) : NULL;
	vs = pg ? model_vswitch(m, pg->vswitch) : NULL;
	join_key(where, path, "portgroup");
	if (ret == 0 && !vs)
		ret = corrupt(err, where, "there is no portgroup %s", v->portgroup);
	if (ret == 0 && model_portgroup_vmk(m, v->portgroup) != v)
		ret = corrupt(err, where, "portgroup %s already has a vmk", v->portgroup);
	if (ret == 0)
		ret = read_string(obj, path, "mac", v->mac, sizeof(v->mac), err);
	if (ret == 0)
		ret = check_vmk_mac(m, v, path, err);
	if (ret == 0)
		ret = read_unsigned(obj, path, "mtu", MODEL_MTU_MIN, MODEL_MTU_MAX, &v->mtu, err);
	join_key(where, path, "mtu");
	if (ret == 0 && v->mtu > vs->mtu)
		ret = corrupt(err, where, "%u is larger than the MTU %u of vSwitch %s", v->mtu,
			      vs->mtu, vs->name);
	if (ret == 0)
		ret = read_bool(obj, path, "enabled", true, &v->enabled, err);
	if (ret == 0)
		ret = read_unsigned(obj, path, "table", MODEL_TABLE_FIRST, MODEL_TABLE_LAST,
				    &v->table, err);
	join_key(where, path, "table");
	for (size_t i = 0; ret == 0 && &m->vmks[i] != v; i++) {
		if (m->vmks[i].table == v->table)
			ret = corrupt(err, where, "table %u is also %s's", v->table,
				      m->vmks[i].name);
	}
	if (ret == 0)
		ret = member(obj, path, "ipv4", json_type_object, true, &ipv4, err);
	join_key(where, path, "ipv4");
	if (ret == 0)
		ret = load_vmk_ipv4(ipv4, where, v, err);
	if (ret == 0 && v->ipv4_type == IPV4_STATIC && model_vmk_by_ipv4(m, v->ipv4_address) != v)
		ret = corrupt(err, where, "%s is used by another vmk", v->ipv4_address);
	if (ret == 0)
		ret = read_strings(obj, path, "ipv6", true, ipv6_entry_ok, &v->ipv6, err);
	return ret;
}

static const char *const route_keys[] = { "network", "gateway", "family", NULL };
static const char *const families[] = { "ipv4", "ipv6" };

static int check_route_v4(const struct static_route *r, const char *path, struct esx_err *err)
{
	char where[PATH_LEN];
	uint32_t net, gw;
	unsigned prefix;

	join_key(where, path, "network");
	if (ipv4_parse_network(r->network, &net, &prefix) < 0)
		return corrupt(err, where, "'%s' is not a network/length or default", r->network);
	if (prefix == 0 && strcmp(r->network, "default") != 0)
		return corrupt(err, where, "write 0.0.0.0/0 as default");
	join_key(where, path, "gateway");
	if (ipv4_parse(r->gateway, &gw) < 0 || !ipv4_is_unicast(gw))
		return corrupt(err, where, "'%s' is not a unicast IPv4 address", r->gateway);
	return 0;
}

static int check_route_v6(const struct static_route *r, const char *path, struct esx_err *err)
{
	char where[PATH_LEN], canonical[MODEL_ADDR_MAX];
	unsigned prefix;
	join_key(where, path, "network");
	if (strcmp(r->network, "default") != 0 &&
	    ipv6_parse_prefixed(r->network, canonical, sizeof(canonical), &prefix) < 0)
		return corrupt(err, where, "'%s' is not a network/length or default", r->network);
	join_key(where, path, "gateway");
	if (ipv6_parse(r->gateway, canonical, sizeof(canonical)) < 0)
		return corrupt(err, where, "'%s' is not an IPv6 address", r->gateway);
	return 0;
}

static int load_route(struct json_object *obj, const char *path, struct model *m,
		      struct esx_err *err)
{
	struct static_route *r;
	unsigned family = 0;
	int ret;

	if (!json_object_is_type(obj, json_type_object))
		return corrupt(err, path, "must be an object");
	ret = check_keys(obj, path, route_keys, err);
	if (ret < 0)
		return ret;
	r = model_add_route(m);
	if (!r)
		return err_set(err, ENOMEM, "out of memory");
	ret = read_string(obj, path, "network", r->network, sizeof(r->network), err);
	if (ret == 0)
		ret = read_string(obj, path, "gateway", r->gateway, sizeof(r->gateway), err);
	if (ret == 0)
		ret = read_enum_word(obj, path, "family", families, 2, &family, err);
	if (ret < 0)
		return ret;
	r->ipv6 = family == 1;
	ret = r->ipv6 ? check_route_v6(r, path, err) : check_route_v4(r, path, err);
	for (size_t i = 0; ret == 0 && &m->routes[i] != r; i++) {
		if (m->routes[i].ipv6 == r->ipv6 && strcmp(m->routes[i].network, r->network) == 0)
			ret = corrupt(err, path, "a second route to %s", r->network);
	}
	return ret;
}

typedef int (*load_item_fn)(struct json_object *obj, const char *path, struct model *m,
			    struct esx_err *err);

/* The array section.key, each element loaded by load. Absent: nothing,
 * unless required. */
static int load_array(struct json_object *section, const char *section_name, const char *key,
		      bool required, load_item_fn load, struct model *m, struct esx_err *err)
{
	struct json_object *array;
	char path[PATH_LEN], item_path[PATH_LEN];
	int ret = member(section, section_name, key, json_type_array, required, &array, err);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	join_key(path, section_name, key);
	for (size_t i = 0; i < json_object_array_length(array); i++) {
		join_index(item_path, path, i);
		ret = load(json_object_array_get_idx(array, i), item_path, m, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* "saved_sysctls" is accepted and ignored: earlier versions kept the uplinks'
 * saved sysctls here; the reconciler now keeps them in the store's
 * "runtime" section, and stores written before must still load. */
static const char *const network_keys[] = { "vswitches", "portgroups", "vmks", "routes",
					    "saved_sysctls", NULL };

static int load_network(struct json_object *section, struct model *m, struct esx_err *err);
static int load_iscsi(struct json_object *section, struct model *m, struct esx_err *err);

int model_load(struct json_object *root, struct model *out, struct esx_err *err)
{
	struct json_object *section = NULL;
	struct model m = { 0 };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	model_iscsi_defaults(&m.iscsi);
	if (root && json_object_object_get_ex(root, "network", &section) && section)
		ret = load_network(section, &m, err);
	section = NULL;
	if (ret == 0 && root && json_object_object_get_ex(root, "iscsi", &section) && section)
		ret = load_iscsi(section, &m, err);
	section = NULL;
	if (ret == 0 && root && json_object_object_get_ex(root, "nmp", &section) && section)
		ret = nmp_load(section, &m.nmp, err);
	if (ret < 0) {
		model_free(&m);
		return ret;
	}
	*out = m;
	return 0;
}

static int load_network(struct json_object *section, struct model *mp, struct esx_err *err)
{
	struct model m = *mp;
	int ret;

	if (!json_object_is_type(section, json_type_object))
		return corrupt(err, "network", "must be an object");
	/* Order matters: each kind refers only to kinds loaded before it. */
	ret = check_keys(section, "network", network_keys, err);
	if (ret == 0)
		ret = load_array(section, "network", "vswitches", false, load_vswitch, &m, err);
	for (size_t i = 0; ret == 0 && i < m.nvswitches; i++) {
		for (size_t u = 0; u < m.vswitches[i].uplinks.len; u++) {
			const char *nic = m.vswitches[i].uplinks.items[u];
			char path[PATH_LEN];

			if (model_uplink_owner(&m, nic) == &m.vswitches[i])
				continue;
			snprintf(path, sizeof(path), "network.vswitches[%zu].uplinks[%zu]", i, u);
			ret = corrupt(err, path, "%s is an uplink of another vSwitch", nic);
			break;
		}
	}
	if (ret == 0)
		ret = load_array(section, "network", "portgroups", false, load_portgroup, &m, err);
	if (ret == 0)
		ret = load_array(section, "network", "vmks", false, load_vmk, &m, err);
	if (ret == 0)
		ret = load_array(section, "network", "routes", false, load_route, &m, err);
	*mp = m;
	return ret;
}

/* ---- the iSCSI section --------------------------------------------------- */

/* "params": {"LoginTimeout": 30, "DelayedAck": false, "HeaderDigest":
 * "required"}: only the values set at this level, by ESXi's key. */
static int load_params(struct json_object *obj, const char *path, struct iscsi_settings *s,
		       struct esx_err *err)
{
	struct json_object *params;
	char where[PATH_LEN], at[PATH_LEN];
	int ret = member(obj, path, "params", json_type_object, false, &params, err);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	join_key(where, path, "params");
	json_object_object_foreach(params, key, value) {
		int p = iscsi_param_lookup(key);
		const struct iscsi_param_def *def = p < 0 ? NULL : iscsi_param_def(p);
		const char *why = NULL;
		long long v = 0;

		join_key(at, where, key);
		if (!def || strcmp(def->key, key) != 0)
			return corrupt(err, at, "is not an iSCSI parameter");
		if (def->type == ISCSI_PT_INT && json_object_is_type(value, json_type_int)) {
			v = (long long)json_object_get_int64(value);
			if (v < def->min || v > def->max)
				return corrupt(err, at, "%lld is not in %lld..%lld", v, def->min,
					       def->max);
		} else if (def->type == ISCSI_PT_BOOL &&
			   json_object_is_type(value, json_type_boolean)) {
			v = json_object_get_boolean(value);
		} else if (def->type == ISCSI_PT_DIGEST &&
			   json_object_is_type(value, json_type_string)) {
			if (iscsi_param_parse(p, json_object_get_string(value), &v, &why) < 0)
				return corrupt(err, at, "%s", why);
		} else {
			return corrupt(err, at, "has the wrong type");
		}
		s->params[p].set = true;
		s->params[p].value = v;
	}
	return 0;
}

static const char *const chap_keys[] = { "level", "name", "secret", NULL };
static const char *const chap_directions[] = { "uni", "mutual" };

/* "chap": {"uni": {"level": "required", "name": "...", "secret": "..."},
 * "mutual": {...}}: only the directions set at this level. */
static int load_chap(struct json_object *obj, const char *path, struct iscsi_settings *s,
		     struct esx_err *err)
{
	static const char *const directions_keys[] = { "uni", "mutual", NULL };
	struct json_object *chap, *one;
	char where[PATH_LEN], at[PATH_LEN];
	int ret = member(obj, path, "chap", json_type_object, false, &chap, err);

	if (ret != 0)
		return ret < 0 ? ret : 0;
	join_key(where, path, "chap");
	ret = check_keys(chap, where, directions_keys, err);
	for (unsigned d = 0; ret == 0 && d < CHAP_DIRECTIONS; d++) {
		struct iscsi_chap_setting *c = &s->chap[d];
		unsigned level = 0;
		const char *why;

		ret = member(chap, where, chap_directions[d], json_type_object, false, &one, err);
		if (ret != 0) {
			ret = ret < 0 ? ret : 0;
			continue;
		}
		join_key(at, where, chap_directions[d]);
		ret = check_keys(one, at, chap_keys, err);
		if (ret == 0)
			ret = read_enum_word(one, at, "level", chap_level_words, 4, &level, err);
		if (ret == 0)
			ret = read_string(one, at, "name", c->name, sizeof(c->name), err);
		if (ret == 0)
			ret = read_string(one, at, "secret", c->secret, sizeof(c->secret), err);
		/* What set refuses is refused here too: such a text would break
		 * a record file's lines. The secret is never quoted. */
		why = ret == 0 && c->name[0] ? iscsi_auth_text_invalid(c->name) : NULL;
		if (why)
			ret = corrupt(err, at, "the CHAP name cannot be used: %s", why);
		why = ret == 0 && c->secret[0] ? iscsi_auth_text_invalid(c->secret) : NULL;
		if (why)
			ret = corrupt(err, at, "the CHAP secret cannot be used: %s", why);
		if (ret == 0) {
			c->set = true;
			c->level = (enum chap_level)level;
		}
	}
	return ret;
}

static int load_settings(struct json_object *obj, const char *path, struct iscsi_settings *s,
			 struct esx_err *err)
{
	int ret = load_params(obj, path, s, err);

	return ret == 0 ? load_chap(obj, path, s, err) : ret;
}

static const char *const binding_keys[] = { "vmk", "uplink", "forced", NULL };

static int load_binding(struct json_object *obj, const char *path, struct model *m,
			struct esx_err *err)
{
	struct iscsi_binding *b;
	char where[PATH_LEN];
	int ret;

	if (!json_object_is_type(obj, json_type_object))
		return corrupt(err, path, "must be an object");
	ret = check_keys(obj, path, binding_keys, err);
	if (ret < 0)
		return ret;
	b = model_iscsi_add_binding(m);
	if (!b)
		return err_set(err, ENOMEM, "out of memory");
	/* A binding may outlive its vmk (ESXi keeps it, non-compliant): the
	 * name is checked, not that the vmk exists. */
	join_key(where, path, "vmk");
	ret = read_string(obj, path, "vmk", b->vmk, sizeof(b->vmk), err);
	if (ret == 0 && !model_vmk_name_valid(b->vmk))
		ret = corrupt(err, where, "'%s' is not a vmk name", b->vmk);
	if (ret == 0 && model_iscsi_binding(m, b->vmk) != b)
		ret = corrupt(err, where, "%s is bound twice", b->vmk);
	if (ret == 0)
		ret = read_string(obj, path, "uplink", b->uplink, sizeof(b->uplink), err);
	join_key(where, path, "uplink");
	if (ret == 0 && b->uplink[0] && !ifname_valid(b->uplink))
		ret = corrupt(err, where, "'%s' is not an interface name", b->uplink);
	if (ret == 0)
		ret = read_bool(obj, path, "forced", true, &b->forced, err);
	return ret;
}

/* An address stored in canonical form, without a port. */
static int check_portal_address(const char *address, const char *path, struct esx_err *err)
{
	char canonical[MODEL_ADDR_MAX];
	unsigned port;

	if (model_portal_parse(address, MODEL_ISCSI_PORT_DEFAULT, canonical, &port) < 0 ||
	    strcmp(canonical, address) != 0)
		return corrupt(err, path, "'%s' is not an IP address in canonical form", address);
	return 0;
}

static const char *const sendtarget_keys[] = { "address", "port", "params", "chap", NULL };

static int load_sendtarget(struct json_object *obj, const char *path, struct model *m,
			   struct esx_err *err)
{
	struct iscsi_sendtarget *st;
	char where[PATH_LEN];
	int ret;

	if (!json_object_is_type(obj, json_type_object))
		return corrupt(err, path, "must be an object");
	ret = check_keys(obj, path, sendtarget_keys, err);
	if (ret < 0)
		return ret;
	st = model_iscsi_add_sendtarget(m);
	if (!st)
		return err_set(err, ENOMEM, "out of memory");
	join_key(where, path, "address");
	ret = read_string(obj, path, "address", st->address, sizeof(st->address), err);
	if (ret == 0)
		ret = check_portal_address(st->address, where, err);
	if (ret == 0)
		ret = read_unsigned(obj, path, "port", 1, 65535, &st->port, err);
	if (ret == 0 && model_iscsi_sendtarget(m, st->address, st->port) != st)
		ret = corrupt(err, path, "%s port %u is listed twice", st->address, st->port);
	if (ret == 0)
		ret = load_settings(obj, path, &st->settings, err);
	return ret;
}

static const char *const static_keys[] = { "address", "port", "name", NULL };

static int load_static(struct json_object *obj, const char *path, struct model *m,
		       struct esx_err *err)
{
	struct iscsi_static_target *t;
	char where[PATH_LEN];
	const char *why;
	int ret;

	if (!json_object_is_type(obj, json_type_object))
		return corrupt(err, path, "must be an object");
	ret = check_keys(obj, path, static_keys, err);
	if (ret < 0)
		return ret;
	t = model_iscsi_add_static(m);
	if (!t)
		return err_set(err, ENOMEM, "out of memory");
	join_key(where, path, "address");
	ret = read_string(obj, path, "address", t->address, sizeof(t->address), err);
	if (ret == 0)
		ret = check_portal_address(t->address, where, err);
	if (ret == 0)
		ret = read_unsigned(obj, path, "port", 1, 65535, &t->port, err);
	if (ret == 0)
		ret = read_string(obj, path, "name", t->name, sizeof(t->name), err);
	join_key(where, path, "name");
	why = ret == 0 ? iqn_invalid_reason(t->name) : NULL;
	if (why)
		ret = corrupt(err, where, "'%s' is not an iSCSI name: %s", t->name, why);
	if (ret == 0 && model_iscsi_static(m, t->address, t->port, t->name) != t)
		ret = corrupt(err, path, "%s at %s port %u is listed twice", t->name, t->address,
			      t->port);
	return ret;
}

static const char *const portal_keys[] = { "address", "port", "name", "params", "chap", NULL };

static int load_portal(struct json_object *obj, const char *path, struct model *m,
		       struct esx_err *err)
{
	struct iscsi_target_portal *tp;
	char where[PATH_LEN];
	const char *why;
	int ret;

	if (!json_object_is_type(obj, json_type_object))
		return corrupt(err, path, "must be an object");
	ret = check_keys(obj, path, portal_keys, err);
	if (ret < 0)
		return ret;
	tp = model_iscsi_add_portal(m);
	if (!tp)
		return err_set(err, ENOMEM, "out of memory");
	join_key(where, path, "address");
	ret = read_string(obj, path, "address", tp->address, sizeof(tp->address), err);
	if (ret == 0)
		ret = check_portal_address(tp->address, where, err);
	if (ret == 0)
		ret = read_unsigned(obj, path, "port", 1, 65535, &tp->port, err);
	if (ret == 0)
		ret = read_string(obj, path, "name", tp->name, sizeof(tp->name), err);
	join_key(where, path, "name");
	why = ret == 0 ? iqn_invalid_reason(tp->name) : NULL;
	if (why)
		ret = corrupt(err, where, "'%s' is not an iSCSI name: %s", tp->name, why);
	if (ret == 0 && model_iscsi_portal(m, tp->address, tp->port, tp->name) != tp)
		ret = corrupt(err, path, "%s at %s port %u is listed twice", tp->name,
			      tp->address, tp->port);
	if (ret == 0)
		ret = load_settings(obj, path, &tp->settings, err);
	return ret;
}

static const char *const iscsi_keys[] = { "enabled", "adapter", "iqn", "alias", "bindings",
					  "sendtargets", "statictargets", "params", "chap",
					  "portals", NULL };

static int load_iscsi(struct json_object *section, struct model *m, struct esx_err *err)
{
	struct iscsi_config *c = &m->iscsi;
	const char *why;
	int ret;

	if (!json_object_is_type(section, json_type_object))
		return corrupt(err, "iscsi", "must be an object");
	ret = check_keys(section, "iscsi", iscsi_keys, err);
	if (ret == 0)
		ret = read_bool(section, "iscsi", "enabled", true, &c->enabled, err);
	if (ret == 0)
		ret = read_string(section, "iscsi", "adapter", c->adapter, sizeof(c->adapter), err);
	if (ret == 0 && !model_adapter_name_valid(c->adapter))
		ret = corrupt(err, "iscsi.adapter", "'%s' is not an adapter name (vmhbaN)",
			      c->adapter);
	if (ret == 0)
		ret = read_string(section, "iscsi", "iqn", c->iqn, sizeof(c->iqn), err);
	why = ret == 0 && c->iqn[0] ? iqn_invalid_reason(c->iqn) : NULL;
	if (why)
		ret = corrupt(err, "iscsi.iqn", "'%s' is not an iSCSI name: %s", c->iqn, why);
	if (ret == 0 && c->enabled && !c->iqn[0])
		ret = corrupt(err, "iscsi.iqn", "an enabled adapter must have a name");
	if (ret == 0)
		ret = read_string(section, "iscsi", "alias", c->alias, sizeof(c->alias), err);
	why = ret == 0 ? iqn_alias_invalid_reason(c->alias) : NULL;
	if (why)
		ret = corrupt(err, "iscsi.alias", "'%s' is not an alias: %s", c->alias, why);
	if (ret == 0)
		ret = load_array(section, "iscsi", "bindings", true, load_binding, m, err);
	if (ret == 0)
		ret = load_array(section, "iscsi", "sendtargets", true, load_sendtarget, m, err);
	if (ret == 0)
		ret = load_array(section, "iscsi", "statictargets", true, load_static, m, err);
	if (ret == 0)
		ret = load_settings(section, "iscsi", &c->settings, err);
	if (ret == 0)
		ret = load_array(section, "iscsi", "portals", false, load_portal, m, err);
	return ret;
}

/* ---- saving -------------------------------------------------------------- */

/* json-c's adders return an error only when out of memory; one flag
 * collects them all so that each call stays one line. */
struct writer {
	bool failed;
};

static void put(struct writer *w, struct json_object *obj, const char *key,
		struct json_object *value)
{
	if (!value || json_object_object_add(obj, key, value) < 0) {
		json_object_put(value);
		w->failed = true;
	}
}

static void push(struct writer *w, struct json_object *array, struct json_object *value)
{
	if (!value || json_object_array_add(array, value) < 0) {
		json_object_put(value);
		w->failed = true;
	}
}

static struct json_object *strings_json(struct writer *w, const struct esx_strv *v)
{
	struct json_object *array = json_object_new_array();

	if (!array) {
		w->failed = true;
		return NULL;
	}
	for (size_t i = 0; i < v->len; i++)
		push(w, array, json_object_new_string(v->items[i]));
	return array;
}

static struct json_object *policy_json(struct writer *w, const struct failover_policy *p)
{
	struct json_object *o = json_object_new_object();

	if (!o) {
		w->failed = true;
		return NULL;
	}
	if (p->has_uplinks) {
		put(w, o, "active", strings_json(w, &p->active));
		put(w, o, "standby", strings_json(w, &p->standby));
	}
	if (p->has_load_balancing)
		put(w, o, "load_balancing", json_object_new_string(lb_stored[p->load_balancing]));
	if (p->has_failure_detection)
		put(w, o, "failure_detection",
		    json_object_new_string(fd_stored[p->failure_detection]));
	if (p->has_notify)
		put(w, o, "notify_switches", json_object_new_boolean(p->notify_switches));
	if (p->has_failback)
		put(w, o, "failback", json_object_new_boolean(p->failback));
	return o;
}

static struct json_object *new_object(struct writer *w)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		w->failed = true;
	return o;
}

static struct json_object *vswitch_json(struct writer *w, const struct vswitch *vs)
{
	struct json_object *o = new_object(w);

	if (!o)
		return NULL;
	put(w, o, "name", json_object_new_string(vs->name));
	put(w, o, "ports", json_object_new_int64(vs->ports));
	put(w, o, "mtu", json_object_new_int64(vs->mtu));
	put(w, o, "cdp_status", json_object_new_string(vs->cdp_status));
	put(w, o, "uplinks", strings_json(w, &vs->uplinks));
	put(w, o, "failover", policy_json(w, &vs->policy));
	return o;
}

static struct json_object *portgroup_json(struct writer *w, const struct portgroup *pg)
{
	struct json_object *o = new_object(w);

	if (!o)
		return NULL;
	put(w, o, "name", json_object_new_string(pg->name));
	put(w, o, "vswitch", json_object_new_string(pg->vswitch));
	put(w, o, "vlan_id", json_object_new_int64(pg->vlan_id));
	put(w, o, "failover", policy_json(w, &pg->policy));
	return o;
}

static struct json_object *vmk_json(struct writer *w, const struct vmk *v)
{
	struct json_object *o = new_object(w), *ipv4 = new_object(w);

	if (!o || !ipv4) {
		json_object_put(o);
		json_object_put(ipv4);
		return NULL;
	}
	put(w, o, "name", json_object_new_string(v->name));
	put(w, o, "portgroup", json_object_new_string(v->portgroup));
	put(w, o, "mac", json_object_new_string(v->mac));
	put(w, o, "mtu", json_object_new_int64(v->mtu));
	put(w, o, "enabled", json_object_new_boolean(v->enabled));
	put(w, o, "table", json_object_new_int64(v->table));
	put(w, ipv4, "type", json_object_new_string(ipv4_types[v->ipv4_type]));
	if (v->ipv4_type == IPV4_STATIC) {
		put(w, ipv4, "address", json_object_new_string(v->ipv4_address));
		put(w, ipv4, "prefix", json_object_new_int64(v->ipv4_prefix));
		put(w, ipv4, "gateway", json_object_new_string(v->ipv4_gateway));
	}
	put(w, o, "ipv4", ipv4);
	put(w, o, "ipv6", strings_json(w, &v->ipv6));
	return o;
}

static struct json_object *route_json(struct writer *w, const struct static_route *r)
{
	struct json_object *o = new_object(w);

	if (!o)
		return NULL;
	put(w, o, "network", json_object_new_string(r->network));
	put(w, o, "gateway", json_object_new_string(r->gateway));
	put(w, o, "family", json_object_new_string(families[r->ipv6 ? 1 : 0]));
	return o;
}

/* The values set at one level, as "params" and "chap" of o (each only
 * when something is set). */
static void put_settings(struct writer *w, struct json_object *o, const struct iscsi_settings *s)
{
	struct json_object *params = NULL, *chap = NULL;
	char text[32];

	for (int p = 0; p < ISCSI_PARAM_COUNT; p++) {
		const struct iscsi_param_def *def = iscsi_param_def(p);

		if (!s->params[p].set)
			continue;
		if (!params) {
			params = new_object(w);
			put(w, o, "params", params);
			if (!params)
				return;
		}
		if (def->type == ISCSI_PT_INT) {
			put(w, params, def->key, json_object_new_int64(s->params[p].value));
		} else if (def->type == ISCSI_PT_BOOL) {
			put(w, params, def->key, json_object_new_boolean(s->params[p].value != 0));
		} else {
			iscsi_param_format(p, s->params[p].value, text, sizeof(text));
			put(w, params, def->key, json_object_new_string(text));
		}
	}
	for (unsigned d = 0; d < CHAP_DIRECTIONS; d++) {
		const struct iscsi_chap_setting *c = &s->chap[d];
		struct json_object *one;

		if (!c->set)
			continue;
		if (!chap) {
			chap = new_object(w);
			put(w, o, "chap", chap);
			if (!chap)
				return;
		}
		one = new_object(w);
		put(w, chap, chap_directions[d], one);
		if (!one)
			return;
		put(w, one, "level", json_object_new_string(chap_level_name(c->level)));
		put(w, one, "name", json_object_new_string(c->name));
		put(w, one, "secret", json_object_new_string(c->secret));
	}
}

/* Nothing to keep: software iSCSI never enabled, nothing configured. */
static bool iscsi_is_default(const struct iscsi_config *c)
{
	return !c->enabled && !c->iqn[0] && !c->alias[0] && c->nbindings == 0 &&
	       c->nsendtargets == 0 && c->nstatics == 0 && c->nportals == 0 &&
	       model_iscsi_settings_empty(&c->settings) &&
	       (!c->adapter[0] || strcmp(c->adapter, MODEL_ISCSI_ADAPTER_DEFAULT) == 0);
}

static struct json_object *iscsi_json(struct writer *w, const struct iscsi_config *c)
{
	struct json_object *o = new_object(w), *bindings = json_object_new_array();
	struct json_object *sendtargets = json_object_new_array();
	struct json_object *statics = json_object_new_array();

	if (!o || !bindings || !sendtargets || !statics) {
		w->failed = true;
		json_object_put(o);
		json_object_put(bindings);
		json_object_put(sendtargets);
		json_object_put(statics);
		return NULL;
	}
	put(w, o, "enabled", json_object_new_boolean(c->enabled));
	put(w, o, "adapter", json_object_new_string(c->adapter[0] ? c->adapter
					      : MODEL_ISCSI_ADAPTER_DEFAULT));
	put(w, o, "iqn", json_object_new_string(c->iqn));
	put(w, o, "alias", json_object_new_string(c->alias));
	for (size_t i = 0; i < c->nbindings; i++) {
		struct json_object *b = new_object(w);

		if (!b)
			break;
		put(w, b, "vmk", json_object_new_string(c->bindings[i].vmk));
		put(w, b, "uplink", json_object_new_string(c->bindings[i].uplink));
		put(w, b, "forced", json_object_new_boolean(c->bindings[i].forced));
		push(w, bindings, b);
	}
	for (size_t i = 0; i < c->nsendtargets; i++) {
		struct json_object *st = new_object(w);

		if (!st)
			break;
		put(w, st, "address", json_object_new_string(c->sendtargets[i].address));
		put(w, st, "port", json_object_new_int64(c->sendtargets[i].port));
		put_settings(w, st, &c->sendtargets[i].settings);
		push(w, sendtargets, st);
	}
	for (size_t i = 0; i < c->nstatics; i++) {
		struct json_object *t = new_object(w);

		if (!t)
			break;
		put(w, t, "address", json_object_new_string(c->statics[i].address));
		put(w, t, "port", json_object_new_int64(c->statics[i].port));
		put(w, t, "name", json_object_new_string(c->statics[i].name));
		push(w, statics, t);
	}
	put(w, o, "bindings", bindings);
	put(w, o, "sendtargets", sendtargets);
	put(w, o, "statictargets", statics);
	put_settings(w, o, &c->settings);
	if (c->nportals) {
		struct json_object *portals = json_object_new_array();

		if (!portals)
			w->failed = true;
		for (size_t i = 0; portals && i < c->nportals; i++) {
			const struct iscsi_target_portal *tp = &c->portals[i];
			struct json_object *t = new_object(w);

			if (!t)
				break;
			put(w, t, "address", json_object_new_string(tp->address));
			put(w, t, "port", json_object_new_int64(tp->port));
			put(w, t, "name", json_object_new_string(tp->name));
			put_settings(w, t, &tp->settings);
			push(w, portals, t);
		}
		put(w, o, "portals", portals);
	}
	return o;
}

int model_save(const struct model *m, struct json_object *root, struct esx_err *err)
{
	struct json_object *section = json_object_new_object();
	struct json_object *vswitches = json_object_new_array();
	struct json_object *portgroups = json_object_new_array();
	struct json_object *vmks = json_object_new_array();
	struct json_object *routes = json_object_new_array();
	struct writer w = { .failed = !section };

	for (size_t i = 0; i < m->nvswitches && vswitches; i++)
		push(&w, vswitches, vswitch_json(&w, &m->vswitches[i]));
	for (size_t i = 0; i < m->nportgroups && portgroups; i++)
		push(&w, portgroups, portgroup_json(&w, &m->portgroups[i]));
	for (size_t i = 0; i < m->nvmks && vmks; i++)
		push(&w, vmks, vmk_json(&w, &m->vmks[i]));
	for (size_t i = 0; i < m->nroutes && routes; i++)
		push(&w, routes, route_json(&w, &m->routes[i]));
	if (section) {
		put(&w, section, "vswitches", vswitches);
		put(&w, section, "portgroups", portgroups);
		put(&w, section, "vmks", vmks);
		put(&w, section, "routes", routes);
	} else {
		json_object_put(vswitches);
		json_object_put(portgroups);
		json_object_put(vmks);
		json_object_put(routes);
	}
	if (w.failed || json_object_object_add(root, "network", section) < 0) {
		json_object_put(section);
		return err_set(err, ENOMEM, "out of memory");
	}
	if (iscsi_is_default(&m->iscsi)) {
		json_object_object_del(root, "iscsi");
		return nmp_save(&m->nmp, root, err);
	}
	section = iscsi_json(&w, &m->iscsi);
	if (w.failed || !section || json_object_object_add(root, "iscsi", section) < 0) {
		json_object_put(section);
		return err_set(err, ENOMEM, "out of memory");
	}
	return nmp_save(&m->nmp, root, err);
}
