/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of the network model: failover inheritance and overrides,
 * uplink rules, the JSON form (round trip, corrupt sections refused with
 * their path) of the network and iSCSI sections, table and MAC allocation,
 * the address helpers and iSCSI portal text.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ipaddr.h"
#include "model.h"

/* ---- helpers ---- */

/* "a,b" → items; "" → empty. */
static void set_list(struct esx_strv *v, const char *csv)
{
	char *copy = strdup(csv), *save = NULL;

	strv_free(v);
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		ck_assert_int_eq(strv_add(v, w), 0);
	free(copy);
}

static const char *joined(const struct esx_strv *v)
{
	static char buf[4][256];
	static int next;
	char *out = buf[next++ % 4];
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < v->len; i++)
		used += (size_t)snprintf(out + used, sizeof(buf[0]) - used, "%s%s", i ? "," : "",
					 v->items[i]);
	return out;
}

static struct vswitch *add_vswitch(struct model *m, const char *name, const char *uplinks)
{
	struct vswitch *vs = model_add_vswitch(m);
	char *copy = strdup(uplinks), *save = NULL;

	ck_assert_ptr_nonnull(vs);
	model_vswitch_defaults(vs);
	snprintf(vs->name, sizeof(vs->name), "%s", name);
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		ck_assert_int_eq(model_add_uplink(vs, w), 0);
	free(copy);
	return vs;
}

static struct portgroup *add_portgroup(struct model *m, const char *name, const char *vswitch)
{
	struct portgroup *pg = model_add_portgroup(m);

	ck_assert_ptr_nonnull(pg);
	snprintf(pg->name, sizeof(pg->name), "%s", name);
	snprintf(pg->vswitch, sizeof(pg->vswitch), "%s", vswitch);
	return pg;
}

static struct vmk *add_vmk(struct model *m, const char *name, const char *portgroup,
			   const char *address, unsigned prefix)
{
	struct vmk *v = model_add_vmk(m);

	ck_assert_ptr_nonnull(v);
	snprintf(v->name, sizeof(v->name), "%s", name);
	snprintf(v->portgroup, sizeof(v->portgroup), "%s", portgroup);
	snprintf(v->mac, sizeof(v->mac), "02:50:56:00:00:%02zx", m->nvmks);
	v->mtu = 1500;
	v->enabled = true;
	v->table = MODEL_TABLE_FIRST + (unsigned)m->nvmks - 1;
	if (address) {
		v->ipv4_type = IPV4_STATIC;
		snprintf(v->ipv4_address, sizeof(v->ipv4_address), "%s", address);
		v->ipv4_prefix = prefix;
	}
	return v;
}

/* ---- failover inheritance ---- */

struct inherit_case {
	const char *vs_active, *vs_standby;
	bool pg_overrides_uplinks;
	const char *pg_active, *pg_standby;
	const char *active, *standby, *unused;   /* effective */
};

static const struct inherit_case inherit_cases[] = {
	/* Nothing overridden: the vSwitch's order, every uplink active. */
	{ "vmnic1,vmnic2,vmnic3", "", false, NULL, NULL, "vmnic1,vmnic2,vmnic3", "", "" },
	{ "vmnic1", "vmnic2", false, NULL, NULL, "vmnic1", "vmnic2", "vmnic3" },
	/* The iSCSI binding shape: one active, the rest unused. */
	{ "vmnic1,vmnic2,vmnic3", "", true, "vmnic2", "", "vmnic2", "", "vmnic1,vmnic3" },
	{ "vmnic1", "vmnic2", true, "vmnic3,vmnic1", "vmnic2", "vmnic3,vmnic1", "vmnic2", "" },
	/* An override naming a NIC the vSwitch no longer has shows without it. */
	{ "vmnic1,vmnic2,vmnic3", "", true, "vmnic9,vmnic2", "vmnic8", "vmnic2", "",
	  "vmnic1,vmnic3" },
	/* An override of nothing at all: everything unused. */
	{ "vmnic1,vmnic2,vmnic3", "", true, "", "", "", "", "vmnic1,vmnic2,vmnic3" },
};

START_TEST(inheritance_table)
{
	const struct inherit_case *c = &inherit_cases[_i];
	struct failover_policy eff;
	struct esx_strv unused = { 0 };
	struct model m = { 0 };
	struct vswitch *vs = add_vswitch(&m, "vSwitch1", "vmnic1,vmnic2,vmnic3");
	struct portgroup *pg = add_portgroup(&m, "iSCSI1", "vSwitch1");

	set_list(&vs->policy.active, c->vs_active);
	set_list(&vs->policy.standby, c->vs_standby);
	if (c->pg_overrides_uplinks) {
		pg->policy.has_uplinks = true;
		set_list(&pg->policy.active, c->pg_active);
		set_list(&pg->policy.standby, c->pg_standby);
	}
	ck_assert_int_eq(policy_effective(&m, pg, &eff), 0);
	ck_assert_int_eq(policy_unused(vs, &eff, &unused), 0);
	ck_assert_str_eq(joined(&eff.active), c->active);
	ck_assert_str_eq(joined(&eff.standby), c->standby);
	ck_assert_str_eq(joined(&unused), c->unused);
	ck_assert(eff.has_uplinks == c->pg_overrides_uplinks);
	policy_free(&eff);
	strv_free(&unused);
	model_free(&m);
}
END_TEST

START_TEST(scalar_settings_inherit_and_override)
{
	struct failover_policy eff;
	struct model m = { 0 };
	struct vswitch *vs = add_vswitch(&m, "vSwitch1", "vmnic1");
	struct portgroup *pg = add_portgroup(&m, "pg", "vSwitch1");

	vs->policy.load_balancing = LB_IPHASH;
	vs->policy.failback = false;
	ck_assert_int_eq(policy_effective(&m, pg, &eff), 0);
	ck_assert_int_eq(eff.load_balancing, LB_IPHASH);
	ck_assert_int_eq(eff.failure_detection, FD_LINK);
	ck_assert(eff.notify_switches);
	ck_assert(!eff.failback);
	ck_assert(!eff.has_load_balancing && !eff.has_failback);
	policy_free(&eff);

	pg->policy.has_load_balancing = true;
	pg->policy.load_balancing = LB_EXPLICIT;
	pg->policy.has_failback = true;
	pg->policy.failback = true;
	pg->policy.has_failure_detection = true;
	pg->policy.failure_detection = FD_BEACON;
	pg->policy.has_notify = true;
	pg->policy.notify_switches = false;
	ck_assert_int_eq(policy_effective(&m, pg, &eff), 0);
	ck_assert_int_eq(eff.load_balancing, LB_EXPLICIT);
	ck_assert_int_eq(eff.failure_detection, FD_BEACON);
	ck_assert(!eff.notify_switches);
	ck_assert(eff.failback);
	ck_assert(eff.has_load_balancing && eff.has_failback && eff.has_notify);
	ck_assert_str_eq(joined(&eff.active), "vmnic1");
	policy_free(&eff);

	/* --use-vswitch: with no override left, the vSwitch's values again. */
	policy_free(&pg->policy);
	memset(&pg->policy, 0, sizeof(pg->policy));
	ck_assert_int_eq(policy_effective(&m, pg, &eff), 0);
	ck_assert_int_eq(eff.load_balancing, LB_IPHASH);
	ck_assert(!eff.failback);
	policy_free(&eff);

	/* A portgroup whose vSwitch is gone has no effective policy. */
	snprintf(pg->vswitch, sizeof(pg->vswitch), "nowhere");
	ck_assert_int_eq(policy_effective(&m, pg, &eff), -ENOENT);
	model_free(&m);
}
END_TEST

START_TEST(vswitch_defaults_are_esxi_s)
{
	struct model m = { 0 };
	struct vswitch *vs = add_vswitch(&m, "vSwitch1", "");

	ck_assert_uint_eq(vs->ports, 128);
	ck_assert_uint_eq(vs->mtu, 1500);
	ck_assert_str_eq(vs->cdp_status, "listen");
	ck_assert_int_eq(vs->policy.load_balancing, LB_PORTID);
	ck_assert_str_eq(lb_policy_name(vs->policy.load_balancing), "srcport");
	ck_assert_int_eq(vs->policy.failure_detection, FD_LINK);
	ck_assert(vs->policy.notify_switches && vs->policy.failback);
	ck_assert_uint_eq(vs->policy.active.len, 0);
	model_free(&m);
}
END_TEST

START_TEST(uplinks_added_later_become_active_at_the_end)
{
	struct failover_policy eff;
	struct esx_strv unused = { 0 };
	struct model m = { 0 };
	struct vswitch *vs = add_vswitch(&m, "vSwitch1", "vmnic1");
	struct portgroup *pinned = add_portgroup(&m, "pinned", "vSwitch1");

	set_list(&vs->policy.standby, "");
	pinned->policy.has_uplinks = true;
	set_list(&pinned->policy.active, "vmnic1");
	ck_assert_int_eq(model_add_uplink(vs, "vmnic2"), 0);
	ck_assert_str_eq(joined(&vs->uplinks), "vmnic1,vmnic2");
	ck_assert_str_eq(joined(&vs->policy.active), "vmnic1,vmnic2");
	ck_assert_ptr_eq(model_uplink_owner(&m, "vmnic2"), vs);
	ck_assert_ptr_null(model_uplink_owner(&m, "vmnic7"));
	/* A portgroup with its own order shows the new uplink as unused. */
	ck_assert_int_eq(policy_effective(&m, pinned, &eff), 0);
	ck_assert_int_eq(policy_unused(vs, &eff, &unused), 0);
	ck_assert_str_eq(joined(&eff.active), "vmnic1");
	ck_assert_str_eq(joined(&unused), "vmnic2");
	policy_free(&eff);
	strv_free(&unused);
	model_free(&m);
}
END_TEST

START_TEST(uplink_removal_cleans_every_order)
{
	struct esx_strv users = { 0 };
	struct model m = { 0 };
	struct vswitch *vs = add_vswitch(&m, "vSwitch1", "vmnic1,vmnic2,vmnic3");
	struct portgroup *pg1 = add_portgroup(&m, "pg1", "vSwitch1");

	add_portgroup(&m, "pg2", "vSwitch1");
	add_vswitch(&m, "vSwitch2", "vmnic4");
	vs = model_vswitch(&m, "vSwitch1");   /* the array moved */
	pg1 = model_portgroup(&m, "pg1");
	set_list(&vs->policy.standby, "vmnic3");
	set_list(&vs->policy.active, "vmnic1,vmnic2");
	pg1->policy.has_uplinks = true;
	set_list(&pg1->policy.active, "vmnic3");
	set_list(&pg1->policy.standby, "vmnic2");
	add_vmk(&m, "vmk1", "pg1", "10.0.0.1", 24);
	add_vmk(&m, "vmk2", "pg2", "10.0.0.2", 24);

	/* vmk1 follows pg1 (vmnic3, vmnic2); vmk2 the vSwitch (all three). */
	ck_assert_int_eq(model_uplink_users(&m, "vmnic2", &users), 0);
	ck_assert_str_eq(joined(&users), "vmk1,vmk2");
	strv_free(&users);
	ck_assert_int_eq(model_uplink_users(&m, "vmnic1", &users), 0);
	ck_assert_str_eq(joined(&users), "vmk2");
	strv_free(&users);
	ck_assert_int_eq(model_uplink_users(&m, "vmnic4", &users), 0);
	ck_assert_uint_eq(users.len, 0);

	model_remove_uplink(&m, vs, "vmnic2");
	ck_assert_str_eq(joined(&vs->uplinks), "vmnic1,vmnic3");
	ck_assert_str_eq(joined(&vs->policy.active), "vmnic1");
	ck_assert_str_eq(joined(&vs->policy.standby), "vmnic3");
	ck_assert_str_eq(joined(&pg1->policy.active), "vmnic3");
	ck_assert_str_eq(joined(&pg1->policy.standby), "");
	ck_assert_ptr_null(model_uplink_owner(&m, "vmnic2"));
	ck_assert_ptr_eq(model_uplink_owner(&m, "vmnic4"), model_vswitch(&m, "vSwitch2"));
	model_free(&m);
}
END_TEST

/* ---- policy failover set -a/-s ---- */

struct change_case {
	const char *active, *standby;   /* the current order */
	const char *set_a, *set_s;      /* NULL: not given */
	int ret;
	const char *new_active, *new_standby, *message;
};

static const struct change_case change_cases[] = {
	{ "vmnic1,vmnic2,vmnic3", "", "vmnic2", NULL, 0, "vmnic2", "", NULL },
	/* Naming a standby NIC as active moves it. */
	{ "vmnic1", "vmnic2,vmnic3", "vmnic3,vmnic1", NULL, 0, "vmnic3,vmnic1", "vmnic2", NULL },
	{ "vmnic1,vmnic2", "vmnic3", NULL, "vmnic2", 0, "vmnic1", "vmnic2", NULL },
	{ "vmnic1", "", "vmnic1", "vmnic2,vmnic3", 0, "vmnic1", "vmnic2,vmnic3", NULL },
	{ "vmnic1", "vmnic2", " vmnic2 , vmnic1 ", "", 0, "vmnic2,vmnic1", "", NULL },
	{ "vmnic1", "vmnic2", "", NULL, 0, "", "vmnic2", NULL },
	{ "vmnic1", "", "vmnic1", "vmnic1", -EINVAL, NULL, NULL,
	  "Uplink vmnic1 cannot be both active and standby" },
	{ "vmnic1", "", "vmnic1,vmnic9", NULL, -EINVAL, NULL, NULL,
	  "Uplink vmnic9 is not on vSwitch vSwitch1" },
	{ "vmnic1", "", NULL, "vmnic2,vmnic2", -EINVAL, NULL, NULL,
	  "Uplink vmnic2 is listed twice" },
	{ "vmnic1", "", "vmnic1,,vmnic2", NULL, -EINVAL, NULL, NULL,
	  "Invalid uplink list 'vmnic1,,vmnic2': an uplink name is empty" },
	{ "vmnic1", "", "averyveryverylongname", NULL, -EINVAL, NULL, NULL,
	  "Uplink averyveryverylongname is not on vSwitch vSwitch1" },
};

START_TEST(change_uplinks_table)
{
	const struct change_case *c = &change_cases[_i];
	struct esx_err err = { 0 };
	struct model m = { 0 };
	struct vswitch *vs = add_vswitch(&m, "vSwitch1", "vmnic1,vmnic2,vmnic3");
	int ret;

	set_list(&vs->policy.active, c->active);
	set_list(&vs->policy.standby, c->standby);
	ret = policy_change_uplinks(vs, &vs->policy, c->set_a, c->set_s, &err);
	ck_assert_int_eq(ret, c->ret);
	if (ret == 0) {
		ck_assert_str_eq(joined(&vs->policy.active), c->new_active);
		ck_assert_str_eq(joined(&vs->policy.standby), c->new_standby);
	} else {
		ck_assert_str_eq(err.text, c->message);
		/* Unchanged on failure. */
		ck_assert_str_eq(joined(&vs->policy.active), c->active);
		ck_assert_str_eq(joined(&vs->policy.standby), c->standby);
	}
	model_free(&m);
}
END_TEST

/* ---- JSON form ---- */

/* A document exercising every kind and field, written in the form
 * model_save() produces (key order included). */
static const char *const full_document =
	"{ \"network\": { "
	"\"vswitches\": [ "
	"{ \"name\": \"vSwitch1\", \"ports\": 128, \"mtu\": 9000, \"cdp_status\": \"listen\", "
	"\"uplinks\": [ \"vmnic1\", \"vmnic2\" ], \"failover\": { \"active\": [ \"vmnic1\" ], "
	"\"standby\": [ \"vmnic2\" ], \"load_balancing\": \"portid\", \"failure_detection\": \"link\", "
	"\"notify_switches\": true, \"failback\": false } }, "
	"{ \"name\": \"vSwitch2\", \"ports\": 64, \"mtu\": 1500, \"cdp_status\": \"both\", "
	"\"uplinks\": [ ], \"failover\": { \"active\": [ ], \"standby\": [ ], "
	"\"load_balancing\": \"explicit\", \"failure_detection\": \"beacon\", "
	"\"notify_switches\": false, \"failback\": true } } ], "
	"\"portgroups\": [ "
	"{ \"name\": \"iSCSI1\", \"vswitch\": \"vSwitch1\", \"vlan_id\": 0, \"failover\": "
	"{ \"active\": [ \"vmnic2\" ], \"standby\": [ ], \"load_balancing\": \"iphash\" } }, "
	"{ \"name\": \"iSCSI2\", \"vswitch\": \"vSwitch1\", \"vlan_id\": 4095, \"failover\": "
	"{ \"failure_detection\": \"beacon\", \"notify_switches\": false, \"failback\": true } }, "
	"{ \"name\": \"Spare Group\", \"vswitch\": \"vSwitch2\", \"vlan_id\": 12, \"failover\": { } } ], "
	"\"vmks\": [ "
	"{ \"name\": \"vmk1\", \"portgroup\": \"iSCSI1\", \"mac\": \"02:50:56:aa:bb:01\", "
	"\"mtu\": 9000, \"enabled\": true, \"table\": 10000, \"ipv4\": { \"type\": \"static\", "
	"\"address\": \"10.0.0.11\", \"prefix\": 24, \"gateway\": \"10.0.0.1\" }, "
	"\"ipv6\": [ \"fd00::11/64\", \"2001:db8::1/128\" ] }, "
	"{ \"name\": \"vmk2\", \"portgroup\": \"iSCSI2\", \"mac\": \"02:50:56:aa:bb:02\", "
	"\"mtu\": 1500, \"enabled\": false, \"table\": 10001, \"ipv4\": { \"type\": \"none\" }, "
	"\"ipv6\": [ ] } ], "
	"\"routes\": [ "
	"{ \"network\": \"default\", \"gateway\": \"10.0.0.1\", \"family\": \"ipv4\" }, "
	"{ \"network\": \"10.1.0.0/16\", \"gateway\": \"10.0.0.254\", \"family\": \"ipv4\" }, "
	"{ \"network\": \"fd01::/48\", \"gateway\": \"fd00::1\", \"family\": \"ipv6\" } ] "
	"} }";

static char *to_text(struct json_object *o)
{
	return strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED));
}

/* A clone of m (which is freed) saves to the text of in (which is put). */
static void assert_clone_saves_back(struct model *m, struct json_object *in)
{
	struct json_object *out = json_object_new_object();
	struct esx_err err = { 0 };
	struct model copy;
	char *a, *b;

	ck_assert_int_eq(model_clone(m, &copy), 0);
	model_free(m);
	ck_assert_int_eq(model_save(&copy, out, &err), 0);
	a = to_text(in);
	b = to_text(out);
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
	model_free(&copy);
	json_object_put(in);
	json_object_put(out);
}

START_TEST(round_trip_is_exact)
{
	struct json_object *in = json_tokener_parse(full_document);
	struct esx_err err = { 0 };
	struct model m;

	ck_assert_ptr_nonnull(in);
	ck_assert_msg(model_load(in, &m, &err) == 0, "load: %s", err.text);
	ck_assert_uint_eq(m.nvswitches, 2);
	ck_assert_uint_eq(m.nportgroups, 3);
	ck_assert_uint_eq(m.nvmks, 2);
	ck_assert_uint_eq(m.nroutes, 3);
	ck_assert(model_portgroup(&m, "iSCSI1")->policy.has_uplinks);
	ck_assert(!model_portgroup(&m, "iSCSI1")->policy.has_failback);
	ck_assert(model_portgroup(&m, "iSCSI2")->policy.has_failback);
	ck_assert(!model_portgroup(&m, "Spare Group")->policy.has_uplinks);
	ck_assert_str_eq(model_vmk(&m, "vmk1")->ipv4_gateway, "10.0.0.1");
	ck_assert_uint_eq(model_vmk(&m, "vmk1")->ipv4_prefix, 24);
	ck_assert(m.routes[2].ipv6);

	/* A clone saves to the same text, and survives the original. */
	assert_clone_saves_back(&m, in);
}
END_TEST

START_TEST(absent_section_is_empty)
{
	struct json_object *root = json_tokener_parse("{ \"version\": 1 }");
	struct json_object *saved;
	struct esx_err err = { 0 };
	struct model m;

	ck_assert_int_eq(model_load(root, &m, &err), 0);
	ck_assert_uint_eq(m.nvswitches + m.nportgroups + m.nvmks + m.nroutes, 0);
	ck_assert_int_eq(model_save(&m, root, &err), 0);
	/* Other sections are left alone; the network section replaced. */
	ck_assert(json_object_object_get_ex(root, "version", NULL));
	ck_assert(json_object_object_get_ex(root, "network", &saved));
	ck_assert_str_eq(json_object_to_json_string_ext(saved, JSON_C_TO_STRING_PLAIN),
			 "{\"vswitches\":[],\"portgroups\":[],\"vmks\":[],\"routes\":[]}");
	model_free(&m);
	json_object_put(root);
}
END_TEST

struct corrupt_case {
	const char *from, *to;   /* replace in full_document */
	const char *path;        /* must be named in the message */
};

static const struct corrupt_case corrupt_cases[] = {
	{ "\"mtu\": 1500, \"enabled\": false", "\"mtu\": 99999, \"enabled\": false",
	  "network.vmks[1].mtu: 99999 is not in 1280..9000" },
	{ "\"name\": \"vSwitch2\"", "\"name\": 2", "network.vswitches[1].name: must be a string" },
	{ "\"vlan_id\": 12", "\"vlan_id\": 12, \"vlan\": 3", "network.portgroups[2].vlan: unknown key" },
	{ "\"vlan_id\": 12", "\"vlan_id\": 4096", "network.portgroups[2].vlan_id" },
	{ "\"vswitch\": \"vSwitch2\"", "\"vswitch\": \"vSwitch9\"",
	  "network.portgroups[2].vswitch: there is no vSwitch vSwitch9" },
	{ "\"portgroup\": \"iSCSI2\"", "\"portgroup\": \"Nowhere\"",
	  "network.vmks[1].portgroup: there is no portgroup Nowhere" },
	{ "\"portgroup\": \"iSCSI2\"", "\"portgroup\": \"iSCSI1\"",
	  "network.vmks[1].portgroup: portgroup iSCSI1 already has a vmk" },
	{ "{ \"active\": [ \"vmnic2\" ], \"standby\": [ ], \"load_balancing\": \"iphash\" }",
	  "{ \"active\": [ \"vmnic3\" ], \"standby\": [ ] }",
	  "network.portgroups[0].failover: vmnic3 is not an uplink of vSwitch vSwitch1" },
	{ "{ \"active\": [ \"vmnic2\" ], \"standby\": [ ], \"load_balancing\": \"iphash\" }",
	  "{ \"active\": [ \"vmnic2\" ] }",
	  "network.portgroups[0].failover: active and standby must be given together" },
	{ "\"standby\": [ \"vmnic2\" ]", "\"standby\": [ \"vmnic1\" ]",
	  "network.vswitches[0].failover: vmnic1 is both active and standby" },
	{ "\"uplinks\": [ ], \"failover\"", "\"uplinks\": [ \"vmnic2\" ], \"failover\"",
	  "network.vswitches[1].uplinks[0]: vmnic2 is an uplink of another vSwitch" },
	{ "\"uplinks\": [ \"vmnic1\", \"vmnic2\" ]", "\"uplinks\": [ \"vmnic1\", \"vmnic1\" ]",
	  "network.vswitches[0].uplinks[1]: 'vmnic1' is listed twice" },
	{ "\"load_balancing\": \"portid\"", "\"load_balancing\": \"srcport\"",
	  "network.vswitches[0].failover.load_balancing: 'srcport' is not one of the known values" },
	{ "\"notify_switches\": true, \"failback\": false",
	  "\"notify_switches\": true", "network.vswitches[0].failover.failback: missing" },
	{ "02:50:56:aa:bb:02", "03:50:56:aa:bb:02",
	  "network.vmks[1].mac: '03:50:56:aa:bb:02' is not a unicast MAC address" },
	{ "02:50:56:aa:bb:02", "02:50:56:aa:bb:01",
	  "network.vmks[1].mac: 02:50:56:aa:bb:01 is used by another vmk" },
	{ "\"table\": 10001", "\"table\": 10000", "network.vmks[1].table: table 10000 is also vmk1's" },
	{ "\"table\": 10001", "\"table\": 9999", "network.vmks[1].table: 9999 is not in 10000..10999" },
	{ "\"gateway\": \"10.0.0.1\" }", "\"gateway\": \"10.9.0.1\" }",
	  "network.vmks[0].ipv4.gateway: '10.9.0.1' is not an address in the interface's subnet" },
	{ "{ \"type\": \"none\" }", "{ \"type\": \"none\", \"prefix\": 24 }",
	  "network.vmks[1].ipv4: only a static configuration has an address" },
	{ "\"fd00::11/64\"", "\"fd00:0::11/64\"", "network.vmks[0].ipv6[0]: 'fd00:0::11/64' is not valid here" },
	{ "\"mtu\": 9000, \"enabled\": true", "\"mtu\": 9000, \"enabled\": \"yes\"",
	  "network.vmks[0].enabled: must be a boolean" },
	{ "\"name\": \"vmk2\"", "\"name\": \"eth0\"", "network.vmks[1].name: 'eth0' is not a vmk name" },
	{ "\"10.1.0.0/16\"", "\"10.1.0.1/16\"",
	  "network.routes[1].network: '10.1.0.1/16' is not a network/length or default" },
	{ "\"family\": \"ipv6\"", "\"family\": \"ipx\"",
	  "network.routes[2].family: 'ipx' is not one of the known values" },
	{ "\"routes\": [", "\"saved\": 1, \"routes\": [", "network.saved: unknown key" },
	{ "\"vmks\": [ ", "\"vmks\": [ 7, ", "network.vmks[0]: must be an object" },
	{ "{ \"network\": {", "{ \"network\": 3, \"x\": {", "network: must be an object" },
};

static char *replaced(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t len = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(len);

	ck_assert_msg(at != NULL, "'%s' not in the document", from);
	snprintf(out, len, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

START_TEST(corrupt_sections_are_refused)
{
	const struct corrupt_case *c = &corrupt_cases[_i];
	char *text = replaced(full_document, c->from, c->to);
	struct json_object *root = json_tokener_parse(text);
	struct esx_err err = { 0 };
	struct model m = { .nvmks = 77 };

	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(model_load(root, &m, &err), -EBADMSG);
	ck_assert_msg(strstr(err.text, c->path) != NULL, "'%s' does not name '%s'", err.text,
		      c->path);
	ck_assert(strncmp(err.text, "The stored network configuration is invalid: network", 52) == 0);
	/* Nothing half-loaded is handed out. */
	ck_assert_uint_eq(m.nvmks, 0);
	ck_assert_ptr_null(m.vswitches);
	json_object_put(root);
	free(text);
}
END_TEST

/* Stores written by earlier versions kept the uplinks' saved sysctls in the
 * network section; they still load, and the key is dropped on saving. */
START_TEST(legacy_saved_sysctls_is_ignored)
{
	char *text = replaced(full_document, "\"routes\": [",
			      "\"saved_sysctls\": [ { \"ifname\": \"vmnic1\", \"arp_ignore\": 0, "
			      "\"arp_announce\": 0, \"rp_filter\": 2 } ], \"routes\": [");
	struct json_object *legacy = json_tokener_parse(text);
	struct json_object *current = json_tokener_parse(full_document);
	struct json_object *out = json_object_new_object();
	struct esx_err err = { 0 };
	struct model m;
	char *a, *b;

	ck_assert_ptr_nonnull(legacy);
	ck_assert_msg(model_load(legacy, &m, &err) == 0, "load: %s", err.text);
	ck_assert_uint_eq(m.nroutes, 3);
	ck_assert_int_eq(model_save(&m, out, &err), 0);
	a = to_text(current);
	b = to_text(out);
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
	model_free(&m);
	json_object_put(legacy);
	json_object_put(current);
	json_object_put(out);
	free(text);
}
END_TEST

/* ---- allocation and look-ups ---- */

START_TEST(tables_are_the_lowest_free)
{
	struct model m = { 0 };
	unsigned table = 0;

	ck_assert_int_eq(model_free_table(&m, &table), 0);
	ck_assert_uint_eq(table, 10000);
	add_vswitch(&m, "vs", "");
	add_portgroup(&m, "a", "vs");
	model_add_vmk(&m)->table = 10000;
	model_add_vmk(&m)->table = 10002;
	ck_assert_int_eq(model_free_table(&m, &table), 0);
	ck_assert_uint_eq(table, 10001);
	model_free(&m);

	for (unsigned t = MODEL_TABLE_FIRST; t <= MODEL_TABLE_LAST; t++)
		model_add_vmk(&m)->table = t;
	ck_assert_int_eq(model_free_table(&m, &table), -ENOSPC);
	model_remove_vmk(&m, "");   /* every test vmk is unnamed: the first goes */
	ck_assert_int_eq(model_free_table(&m, &table), 0);
	ck_assert_uint_eq(table, MODEL_TABLE_FIRST);
	model_free(&m);
}
END_TEST

START_TEST(macs_are_local_and_unique)
{
	const unsigned char random[3] = { 0xab, 0x01, 0xff };
	struct model m = { 0 };
	char mac[MODEL_MAC_MAX];
	struct vmk *v;
	uint8_t bytes[6];

	model_make_mac(random, mac);
	ck_assert_str_eq(mac, "02:50:56:ab:01:ff");
	ck_assert_int_eq(mac_parse(mac, bytes), 0);
	ck_assert(mac_is_unicast(bytes));
	ck_assert(bytes[0] & 0x02);   /* locally administered */
	v = model_add_vmk(&m);
	snprintf(v->name, sizeof(v->name), "vmk1");
	snprintf(v->mac, sizeof(v->mac), "%s", mac);
	ck_assert_ptr_eq(model_vmk_by_mac(&m, "02:50:56:AB:01:FF"), v);
	ck_assert_ptr_null(model_vmk_by_mac(&m, "02:50:56:ab:01:fe"));
	model_free(&m);
}
END_TEST

START_TEST(lookups_and_removal)
{
	struct model m = { 0 };
	struct static_route *r;
	struct esx_strv lost = { 0 };

	add_vswitch(&m, "vSwitch1", "vmnic1");
	add_portgroup(&m, "pg1", "vSwitch1");
	add_portgroup(&m, "pg2", "vSwitch1");
	add_vmk(&m, "vmk1", "pg1", "10.0.0.11", 24);
	add_vmk(&m, "vmk2", "pg2", "10.0.1.12", 24);
	ck_assert_int_eq(strv_add(&model_vmk(&m, "vmk2")->ipv6, "fd00::12/64"), 0);
	ck_assert_str_eq(model_portgroup_vmk(&m, "pg2")->name, "vmk2");
	ck_assert_ptr_eq(model_vmk_vswitch(&m, model_vmk(&m, "vmk1")), model_vswitch(&m, "vSwitch1"));
	ck_assert_str_eq(model_vmk_by_ipv4(&m, "10.0.1.12")->name, "vmk2");
	ck_assert_ptr_null(model_vmk_by_ipv4(&m, "10.0.1.13"));
	ck_assert_str_eq(model_vmk_by_ipv6(&m, "fd00::12")->name, "vmk2");
	ck_assert_ptr_null(model_vmk_by_ipv6(&m, "fd00::1"));
	ck_assert_str_eq(model_gateway_vmk(&m, "10.0.1.1")->name, "vmk2");
	ck_assert_ptr_null(model_gateway_vmk(&m, "10.0.1.12"));   /* its own address */
	ck_assert_ptr_null(model_gateway_vmk(&m, "10.0.2.1"));

	r = model_add_route(&m);
	snprintf(r->network, sizeof(r->network), "10.9.0.0/16");
	snprintf(r->gateway, sizeof(r->gateway), "10.0.1.1");
	r = model_add_route(&m);
	snprintf(r->network, sizeof(r->network), "default");
	snprintf(r->gateway, sizeof(r->gateway), "10.0.0.1");
	ck_assert_int_eq(model_unreachable_routes(&m, &lost), 0);
	ck_assert_uint_eq(lost.len, 0);
	model_remove_vmk(&m, "vmk2");
	ck_assert_ptr_null(model_vmk(&m, "vmk2"));
	ck_assert_ptr_nonnull(model_vmk(&m, "vmk1"));
	ck_assert_int_eq(model_unreachable_routes(&m, &lost), 0);
	ck_assert_str_eq(joined(&lost), "10.9.0.0/16 via 10.0.1.1");
	strv_free(&lost);
	model_remove_route(&m, &m.routes[0]);
	ck_assert_uint_eq(m.nroutes, 1);
	ck_assert_str_eq(m.routes[0].network, "default");

	model_remove_portgroup(&m, "pg2");
	ck_assert_ptr_null(model_portgroup(&m, "pg2"));
	model_remove_vswitch(&m, "vSwitch1");
	ck_assert_uint_eq(m.nvswitches, 0);
	model_free(&m);
}
END_TEST

START_TEST(names)
{
	static const char *const good_vmks[] = { "vmk0", "vmk1", "vmk99999" };
	static const char *const bad_vmks[] = { "vmk", "vmk123456", "vmkx", "eth0", "vmk1a", "" };

	for (size_t i = 0; i < 3; i++)
		ck_assert_msg(model_vmk_name_valid(good_vmks[i]), "%s", good_vmks[i]);
	for (size_t i = 0; i < 6; i++)
		ck_assert_msg(!model_vmk_name_valid(bad_vmks[i]), "%s", bad_vmks[i]);
	ck_assert(model_name_valid("VM Network"));
	ck_assert(!model_name_valid(""));
	ck_assert(!model_name_valid("a,b"));
	ck_assert(!model_name_valid("tab\there"));
	ck_assert(!model_name_valid("0123456789012345678901234567890123456789012345678901234567890123"));
	ck_assert(model_name_valid("012345678901234567890123456789012345678901234567890123456789012"));
}
END_TEST

START_TEST(policy_words)
{
	enum lb_policy lb;
	enum failure_detection fd;

	ck_assert_int_eq(lb_policy_parse("portid", &lb), 0);
	ck_assert_str_eq(lb_policy_name(lb), "srcport");
	ck_assert_int_eq(lb_policy_parse("mac", &lb), 0);
	ck_assert_str_eq(lb_policy_name(lb), "srcmac");
	ck_assert_int_eq(lb_policy_parse("iphash", &lb), 0);
	ck_assert_str_eq(lb_policy_name(lb), "iphash");
	ck_assert_int_eq(lb_policy_parse("explicit", &lb), 0);
	ck_assert_str_eq(lb_policy_name(lb), "explicit");
	ck_assert_int_eq(lb_policy_parse("srcport", &lb), -EINVAL);
	ck_assert_int_eq(failure_detection_parse("beacon", &fd), 0);
	ck_assert_str_eq(failure_detection_name(fd), "beacon");
	ck_assert_int_eq(failure_detection_parse("carrier", &fd), -EINVAL);
}
END_TEST

/* ---- address helpers ---- */

struct mask_case {
	const char *mask;
	int ret;
	unsigned prefix;
};

static const struct mask_case mask_cases[] = {
	{ "255.255.255.0", 0, 24 },   { "255.255.255.255", 0, 32 }, { "0.0.0.0", 0, 0 },
	{ "255.255.128.0", 0, 17 },   { "128.0.0.0", 0, 1 },        { "255.0.255.0", -EINVAL, 0 },
	{ "255.255.255.1", -EINVAL, 0 }, { "0.255.255.255", -EINVAL, 0 },
	{ "255.255.255", -EINVAL, 0 },   { "255.255.255.0/24", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
};

START_TEST(netmask_table)
{
	const struct mask_case *c = &mask_cases[_i];
	char back[IPADDR_V4_TEXT_MAX];
	unsigned prefix = 99;

	ck_assert_int_eq(ipv4_netmask_to_prefix(c->mask, &prefix), c->ret);
	if (c->ret == 0) {
		ck_assert_uint_eq(prefix, c->prefix);
		ipv4_format(ipv4_prefix_mask(prefix), back, sizeof(back));
		ck_assert_str_eq(back, c->mask);
	}
}
END_TEST

START_TEST(ipv4_helpers)
{
	uint32_t a, net;
	unsigned prefix;

	ck_assert_int_eq(ipv4_parse("10.1.2.3", &a), 0);
	ck_assert_uint_eq(a, 0x0a010203u);
	ck_assert_int_eq(ipv4_parse("10.1.2", &a), -EINVAL);
	ck_assert_int_eq(ipv4_parse("010.1.2.3", &a), -EINVAL);
	ck_assert_int_eq(ipv4_parse("10.1.2.256", &a), -EINVAL);
	ck_assert(ipv4_in_subnet(0x0a0102feu, 0x0a010203u, 24));
	ck_assert(!ipv4_in_subnet(0x0a0103feu, 0x0a010203u, 24));
	ck_assert(ipv4_in_subnet(0x01020304u, 0x0a010203u, 0));
	ck_assert(ipv4_is_unicast(0x0a010203u));
	ck_assert(!ipv4_is_unicast(0));
	ck_assert(!ipv4_is_unicast(0x7f000001u));
	ck_assert(!ipv4_is_unicast(0xe0000001u));
	ck_assert(!ipv4_is_unicast(0xffffffffu));

	ck_assert_int_eq(ipv4_parse_network("10.1.0.0/16", &net, &prefix), 0);
	ck_assert_uint_eq(net, 0x0a010000u);
	ck_assert_uint_eq(prefix, 16);
	ck_assert_int_eq(ipv4_parse_network("default", &net, &prefix), 0);
	ck_assert_uint_eq(net, 0);
	ck_assert_uint_eq(prefix, 0);
	ck_assert_int_eq(ipv4_parse_network("0.0.0.0/0", &net, &prefix), 0);
	ck_assert_int_eq(ipv4_parse_network("10.1.0.1/16", &net, &prefix), -ERANGE);
	ck_assert_uint_eq(net, 0x0a010000u);
	ck_assert_int_eq(ipv4_parse_network("10.1.0.1/32", &net, &prefix), 0);
	ck_assert_int_eq(ipv4_parse_network("10.1.0.0", &net, &prefix), -EINVAL);
	ck_assert_int_eq(ipv4_parse_network("10.1.0.0/33", &net, &prefix), -EINVAL);
	ck_assert_int_eq(ipv4_parse_network("10.1.0.0/016", &net, &prefix), -EINVAL);
	ck_assert_int_eq(ipv4_parse_network("10.1.0.0/", &net, &prefix), -EINVAL);
	ck_assert_int_eq(ipv4_parse_network("/16", &net, &prefix), -EINVAL);
}
END_TEST

START_TEST(ipv6_helpers)
{
	char canonical[MODEL_ADDR_MAX];
	unsigned prefix;

	ck_assert_int_eq(ipv6_parse_prefixed("FD00:0:0::1/64", canonical, sizeof(canonical), &prefix), 0);
	ck_assert_str_eq(canonical, "fd00::1");
	ck_assert_uint_eq(prefix, 64);
	ck_assert_int_eq(ipv6_parse_prefixed("fd00::1/128", canonical, sizeof(canonical), &prefix), 0);
	ck_assert_int_eq(ipv6_parse_prefixed("fd00::1", canonical, sizeof(canonical), &prefix), -EINVAL);
	ck_assert_int_eq(ipv6_parse_prefixed("fd00::1/0", canonical, sizeof(canonical), &prefix), -EINVAL);
	ck_assert_int_eq(ipv6_parse_prefixed("fd00::1/129", canonical, sizeof(canonical), &prefix), -EINVAL);
	ck_assert_int_eq(ipv6_parse_prefixed("10.0.0.1/24", canonical, sizeof(canonical), &prefix), -EINVAL);
	ck_assert_int_eq(ipv6_parse_interface_address("ff02::1/64", canonical, sizeof(canonical), &prefix), -EINVAL);
	ck_assert_int_eq(ipv6_parse_interface_address("::1/128", canonical, sizeof(canonical), &prefix), -EINVAL);
	ck_assert_int_eq(ipv6_parse_interface_address("::/64", canonical, sizeof(canonical), &prefix), -EINVAL);
	ck_assert_int_eq(ipv6_parse_interface_address("fe80::5/64", canonical, sizeof(canonical), &prefix), 0);
	ck_assert_int_eq(ipv6_parse("2001:DB8::0:1", canonical, sizeof(canonical)), 0);
	ck_assert_str_eq(canonical, "2001:db8::1");
}
END_TEST

START_TEST(mac_helpers)
{
	uint8_t mac[6];
	char text[IPADDR_MAC_TEXT_MAX];

	ck_assert_int_eq(mac_parse("00:50:56:AB:cd:EF", mac), 0);
	mac_format(mac, text, sizeof(text));
	ck_assert_str_eq(text, "00:50:56:ab:cd:ef");
	ck_assert(mac_is_unicast(mac));
	ck_assert_int_eq(mac_parse("00:50:56:ab:cd", mac), -EINVAL);
	ck_assert_int_eq(mac_parse("00-50-56-ab-cd-ef", mac), -EINVAL);
	ck_assert_int_eq(mac_parse("00:50:56:ab:cd:eg", mac), -EINVAL);
	ck_assert_int_eq(mac_parse("01:00:5e:00:00:01", mac), 0);
	ck_assert(!mac_is_unicast(mac));
	ck_assert_int_eq(mac_parse("ff:ff:ff:ff:ff:ff", mac), 0);
	ck_assert(!mac_is_unicast(mac));
	ck_assert_int_eq(mac_parse("00:00:00:00:00:00", mac), 0);
	ck_assert(!mac_is_unicast(mac));
}
END_TEST

/* ---- the iSCSI section ---- */

/* full_document with an "iscsi" section in model_save()'s form. The binding
 * of vmk9 outlives its vmk: ESXi keeps such a binding (non-compliant). */
static const char *const iscsi_section =
	", \"iscsi\": { \"enabled\": true, \"adapter\": \"vmhba64\", "
	"\"iqn\": \"iqn.1998-01.com.vmware:esxlab-01\", \"alias\": \"esxlab\", "
	"\"bindings\": [ { \"vmk\": \"vmk1\", \"uplink\": \"vmnic2\", \"forced\": false }, "
	"{ \"vmk\": \"vmk9\", \"uplink\": \"\", \"forced\": true } ], "
	"\"sendtargets\": [ { \"address\": \"10.10.1.100\", \"port\": 3260, "
	"\"params\": { \"LoginTimeout\": 30 }, "
	"\"chap\": { \"uni\": { \"level\": \"required\", \"name\": \"lab\", "
	"\"secret\": \"s3cret-s3cret\" } } }, "
	"{ \"address\": \"fd00::100\", \"port\": 3261 } ], "
	"\"statictargets\": [ { \"address\": \"10.10.2.100\", \"port\": 3260, "
	"\"name\": \"iqn.2024-01.lab.esxcli:array2\" } ], "
	"\"params\": { \"DelayedAck\": false, \"HeaderDigest\": \"preferred\" }, "
	"\"portals\": [ { \"address\": \"10.10.2.100\", \"port\": 3260, "
	"\"name\": \"iqn.2024-01.lab.esxcli:array2\", \"params\": { \"NoopOutTimeout\": 20 }, "
	"\"chap\": { \"mutual\": { \"level\": \"prohibited\", \"name\": \"\", "
	"\"secret\": \"\" } } } ] } }";

/* full_document + iscsi_section, as one text the caller frees. */
static char *iscsi_document(void)
{
	size_t len = strlen(full_document) - 1 + strlen(iscsi_section) + 1;
	char *text = malloc(len);

	ck_assert_ptr_nonnull(text);
	snprintf(text, len, "%.*s%s", (int)strlen(full_document) - 1, full_document,
		 iscsi_section);
	return text;
}

START_TEST(iscsi_round_trip_is_exact)
{
	char *text = iscsi_document();
	struct json_object *in = json_tokener_parse(text);
	struct esx_err err = { 0 };
	const struct iscsi_target_portal *tp;
	const struct iscsi_sendtarget *st;
	struct model m;

	ck_assert_ptr_nonnull(in);
	ck_assert_msg(model_load(in, &m, &err) == 0, "load: %s", err.text);
	ck_assert(m.iscsi.enabled);
	ck_assert_str_eq(m.iscsi.adapter, "vmhba64");
	ck_assert_str_eq(m.iscsi.iqn, "iqn.1998-01.com.vmware:esxlab-01");
	ck_assert_str_eq(m.iscsi.alias, "esxlab");
	ck_assert_uint_eq(m.iscsi.nbindings, 2);
	ck_assert_str_eq(model_iscsi_binding(&m, "vmk1")->uplink, "vmnic2");
	ck_assert(model_iscsi_binding(&m, "vmk9")->forced);
	ck_assert_ptr_null(model_iscsi_binding(&m, "vmk2"));
	ck_assert_ptr_nonnull(model_iscsi_sendtarget(&m, "fd00::100", 3261));
	ck_assert_ptr_null(model_iscsi_sendtarget(&m, "fd00::100", 3260));
	ck_assert_ptr_nonnull(model_iscsi_static(&m, "10.10.2.100", 3260,
						 "IQN.2024-01.LAB.ESXCLI:ARRAY2"));
	/* Settings at the three levels: only what is set is set. */
	st = model_iscsi_sendtarget(&m, "10.10.1.100", 3260);
	ck_assert(st->settings.params[ISCSI_P_LOGIN_TIMEOUT].set);
	ck_assert_int_eq(st->settings.params[ISCSI_P_LOGIN_TIMEOUT].value, 30);
	ck_assert(!st->settings.params[ISCSI_P_DELAYED_ACK].set);
	ck_assert(st->settings.chap[CHAP_UNI].set);
	ck_assert_int_eq(st->settings.chap[CHAP_UNI].level, CHAP_REQUIRED);
	ck_assert_str_eq(st->settings.chap[CHAP_UNI].secret, "s3cret-s3cret");
	ck_assert(!st->settings.chap[CHAP_MUTUAL].set);
	ck_assert(m.iscsi.settings.params[ISCSI_P_DELAYED_ACK].set);
	ck_assert_int_eq(m.iscsi.settings.params[ISCSI_P_DELAYED_ACK].value, 0);
	ck_assert_int_eq(m.iscsi.settings.params[ISCSI_P_HEADER_DIGEST].value,
			 ISCSI_DIGEST_PREFERRED);
	ck_assert(model_iscsi_settings_empty(&model_iscsi_sendtarget(&m, "fd00::100", 3261)->settings));
	tp = model_iscsi_portal(&m, "10.10.2.100", 3260, "IQN.2024-01.lab.esxcli:array2");
	ck_assert_ptr_nonnull(tp);
	ck_assert_int_eq(tp->settings.params[ISCSI_P_NOOP_OUT_TIMEOUT].value, 20);
	ck_assert(tp->settings.chap[CHAP_MUTUAL].set);
	ck_assert_ptr_null(model_iscsi_portal(&m, "10.10.2.100", 3261, tp->name));

	/* A clone saves to the same text, and survives the original. */
	assert_clone_saves_back(&m, in);
	free(text);
}
END_TEST

/* No section: disabled on vmhba64; a configuration back at its defaults
 * leaves no section behind. */
START_TEST(iscsi_defaults_have_no_section)
{
	char *text = iscsi_document();
	struct json_object *root = json_tokener_parse(text);
	struct json_object *empty = json_tokener_parse("{ \"version\": 1 }");
	struct esx_err err = { 0 };
	struct model m;

	ck_assert_int_eq(model_load(empty, &m, &err), 0);
	ck_assert(!m.iscsi.enabled);
	ck_assert_str_eq(m.iscsi.adapter, "vmhba64");
	ck_assert_str_eq(m.iscsi.iqn, "");
	ck_assert_uint_eq(m.iscsi.nbindings + m.iscsi.nsendtargets + m.iscsi.nstatics, 0);
	ck_assert_int_eq(model_save(&m, empty, &err), 0);
	ck_assert(!json_object_object_get_ex(empty, "iscsi", NULL));
	model_free(&m);

	/* Everything removed again: the old section goes. */
	ck_assert_int_eq(model_load(root, &m, &err), 0);
	model_iscsi_remove_binding(&m, "vmk1");
	model_iscsi_remove_binding(&m, "vmk9");
	model_iscsi_remove_sendtarget(&m, model_iscsi_sendtarget(&m, "10.10.1.100", 3260));
	model_iscsi_remove_sendtarget(&m, model_iscsi_sendtarget(&m, "fd00::100", 3261));
	ck_assert_uint_eq(m.iscsi.nsendtargets, 0);
	model_iscsi_remove_static(&m, &m.iscsi.statics[0]);
	model_iscsi_remove_portal(&m, &m.iscsi.portals[0]);
	ck_assert_uint_eq(m.iscsi.nportals, 0);
	memset(&m.iscsi.settings, 0, sizeof(m.iscsi.settings));
	m.iscsi.enabled = false;
	ck_assert_int_eq(model_save(&m, root, &err), 0);
	ck_assert(json_object_object_get_ex(root, "iscsi", NULL));   /* the IQN is kept */
	m.iscsi.iqn[0] = m.iscsi.alias[0] = '\0';
	ck_assert_int_eq(model_save(&m, root, &err), 0);
	ck_assert(!json_object_object_get_ex(root, "iscsi", NULL));
	ck_assert(json_object_object_get_ex(root, "network", NULL));
	model_free(&m);
	json_object_put(root);
	json_object_put(empty);
	free(text);
}
END_TEST

static const struct corrupt_case iscsi_corrupt_cases[] = {
	{ "\"enabled\": true, \"adapter\"", "\"enabled\": 1, \"adapter\"",
	  "iscsi.enabled: must be a boolean" },
	{ "\"adapter\": \"vmhba64\"", "\"adapter\": \"hba64\"",
	  "iscsi.adapter: 'hba64' is not an adapter name (vmhbaN)" },
	{ "\"adapter\": \"vmhba64\"", "\"adapter\": \"vmhba1234\"",
	  "iscsi.adapter: 'vmhba1234' is not an adapter name" },
	{ "\"iqn\": \"iqn.1998-01.com.vmware:esxlab-01\"",
	  "\"iqn\": \"iqn.1998-01.com.vmware:esx lab\"",
	  "iscsi.iqn: 'iqn.1998-01.com.vmware:esx lab' is not an iSCSI name" },
	{ "\"iqn\": \"iqn.1998-01.com.vmware:esxlab-01\"", "\"iqn\": \"\"",
	  "iscsi.iqn: an enabled adapter must have a name" },
	{ "\"alias\": \"esxlab\"", "\"alias\": \"esx\\nInitiatorName=x\"",
	  "iscsi.alias: " },
	{ "\"alias\": \"esxlab\", ", "", "iscsi.alias: missing" },
	{ "\"statictargets\": [", "\"targets\": 1, \"statictargets\": [",
	  "iscsi.targets: unknown key" },
	{ "{ \"vmk\": \"vmk1\"", "{ \"vmk\": \"eth0\"",
	  "iscsi.bindings[0].vmk: 'eth0' is not a vmk name" },
	{ "{ \"vmk\": \"vmk9\"", "{ \"vmk\": \"vmk1\"", "iscsi.bindings[1].vmk: vmk1 is bound twice" },
	{ "\"uplink\": \"vmnic2\"", "\"uplink\": \"../x\"",
	  "iscsi.bindings[0].uplink: '../x' is not an interface name" },
	{ "\"uplink\": \"vmnic2\", \"forced\": false", "\"uplink\": \"vmnic2\"",
	  "iscsi.bindings[0].forced: missing" },
	{ "\"address\": \"10.10.1.100\"", "\"address\": \"10.10.1.100:3260\"",
	  "iscsi.sendtargets[0].address: '10.10.1.100:3260' is not an IP address in canonical form" },
	{ "\"address\": \"fd00::100\"", "\"address\": \"fd00:0::100\"",
	  "iscsi.sendtargets[1].address: 'fd00:0::100' is not an IP address in canonical form" },
	{ "\"address\": \"10.10.1.100\"", "\"address\": \"array.example.com\"",
	  "iscsi.sendtargets[0].address: 'array.example.com' is not an IP address" },
	{ "\"address\": \"fd00::100\", \"port\": 3261", "\"address\": \"10.10.1.100\", \"port\": 3260",
	  "iscsi.sendtargets[1]: 10.10.1.100 port 3260 is listed twice" },
	{ "\"port\": 3261", "\"port\": 65536", "iscsi.sendtargets[1].port: 65536 is not in 1..65535" },
	{ "\"name\": \"iqn.2024-01.lab.esxcli:array2\"", "\"name\": \"array2\"",
	  "iscsi.statictargets[0].name: 'array2' is not an iSCSI name" },
	{ "\"bindings\": [ {", "\"bindings\": [ 3, {", "iscsi.bindings[0]: must be an object" },
	{ "\"LoginTimeout\": 30", "\"LoginTimeout\": 61",
	  "iscsi.sendtargets[0].params.LoginTimeout: 61 is not in 1..60" },
	{ "\"LoginTimeout\": 30", "\"LoginTimeout\": \"30\"",
	  "iscsi.sendtargets[0].params.LoginTimeout: has the wrong type" },
	{ "\"LoginTimeout\": 30", "\"logintimeout\": 30",
	  "iscsi.sendtargets[0].params.logintimeout: is not an iSCSI parameter" },
	{ "\"DelayedAck\": false", "\"DelayedAck\": 0",
	  "iscsi.params.DelayedAck: has the wrong type" },
	{ "\"HeaderDigest\": \"preferred\"", "\"HeaderDigest\": \"maybe\"",
	  "iscsi.params.HeaderDigest: must be one of" },
	{ "\"level\": \"required\"", "\"level\": \"always\"",
	  "iscsi.sendtargets[0].chap.uni.level: 'always' is not one of the known values" },
	{ "\"chap\": { \"uni\"", "\"chap\": { \"both\"",
	  "iscsi.sendtargets[0].chap.both: unknown key" },
	{ "\"secret\": \"s3cret-s3cret\" ", "\"password\": \"s3cret-s3cret\" ",
	  "iscsi.sendtargets[0].chap.uni.password: unknown key" },
	{ "\"secret\": \"s3cret-s3cret\" ", "\"secret\": \"s3cret\\nnode.startup = automatic\" ",
	  "iscsi.sendtargets[0].chap.uni: the CHAP secret cannot be used: it holds a control" },
	{ "\"name\": \"lab\"", "\"name\": \" lab\"",
	  "iscsi.sendtargets[0].chap.uni: the CHAP name cannot be used: it starts or ends" },
	{ "\"name\": \"iqn.2024-01.lab.esxcli:array2\", \"params\"",
	  "\"name\": \"array2\", \"params\"",
	  "iscsi.portals[0].name: 'array2' is not an iSCSI name" },
	{ "\"iscsi\": {", "\"iscsi\": [ ], \"x\": {", "iscsi: must be an object" },
};

START_TEST(iscsi_corrupt_sections_are_refused)
{
	const struct corrupt_case *c = &iscsi_corrupt_cases[_i];
	char *document = iscsi_document();
	char *text = replaced(document, c->from, c->to);
	struct json_object *root = json_tokener_parse(text);
	struct esx_err err = { 0 };
	struct model m = { .nvmks = 77 };

	ck_assert_msg(root != NULL, "not JSON: %s", text);
	ck_assert_int_eq(model_load(root, &m, &err), -EBADMSG);
	ck_assert_msg(strstr(err.text, c->path) != NULL, "'%s' does not name '%s'", err.text,
		      c->path);
	ck_assert(strncmp(err.text, "The stored iSCSI configuration is invalid: iscsi", 48) == 0);
	/* Nothing half-loaded is handed out. */
	ck_assert_uint_eq(m.nvmks, 0);
	ck_assert_ptr_null(m.vswitches);
	ck_assert_ptr_null(m.iscsi.bindings);
	json_object_put(root);
	free(text);
	free(document);
}
END_TEST

struct portal_case {
	const char *text;
	int ret;
	const char *address;
	unsigned port;
	const char *formatted;
};

static const struct portal_case portal_cases[] = {
	{ "10.10.1.100", 0, "10.10.1.100", 3260, "10.10.1.100:3260" },
	{ "10.10.1.100:3261", 0, "10.10.1.100", 3261, "10.10.1.100:3261" },
	{ "10.10.1.100:65535", 0, "10.10.1.100", 65535, "10.10.1.100:65535" },
	{ "[fd00::100]", 0, "fd00::100", 3260, "[fd00::100]:3260" },
	{ "[FD00:0::100]:860", 0, "fd00::100", 860, "[fd00::100]:860" },
	{ "fd00::100", 0, "fd00::100", 3260, "[fd00::100]:3260" },
	{ "10.10.1.100:0", -EINVAL, NULL, 0, NULL },
	{ "10.10.1.100:65536", -EINVAL, NULL, 0, NULL },
	{ "10.10.1.100:", -EINVAL, NULL, 0, NULL },
	{ "10.10.1.100:32a", -EINVAL, NULL, 0, NULL },
	{ "10.10.1.100:+80", -EINVAL, NULL, 0, NULL },
	{ ":3260", -EINVAL, NULL, 0, NULL },
	{ "", -EINVAL, NULL, 0, NULL },
	{ "array.example.com", -EINVAL, NULL, 0, NULL },
	{ "array.example.com:3260", -EINVAL, NULL, 0, NULL },
	{ "0.0.0.0", -EINVAL, NULL, 0, NULL },
	{ "224.0.0.1", -EINVAL, NULL, 0, NULL },
	{ "127.0.0.1", -EINVAL, NULL, 0, NULL },
	{ "[::1]", -EINVAL, NULL, 0, NULL },
	{ "[ff02::1]:3260", -EINVAL, NULL, 0, NULL },
	{ "[10.10.1.100]", -EINVAL, NULL, 0, NULL },
	{ "[fd00::100", -EINVAL, NULL, 0, NULL },
	{ "[fd00::100]x", -EINVAL, NULL, 0, NULL },
	{ "10.10.1.100 -o delete", -EINVAL, NULL, 0, NULL },
	{ "-p", -EINVAL, NULL, 0, NULL },
};

START_TEST(portal_table)
{
	const struct portal_case *c = &portal_cases[_i];
	char address[MODEL_ADDR_MAX] = "", text[MODEL_PORTAL_TEXT_MAX];
	unsigned port = 0;

	ck_assert_msg(model_portal_parse(c->text, 3260, address, &port) == c->ret, "'%s'",
		      c->text);
	if (c->ret < 0)
		return;
	ck_assert_str_eq(address, c->address);
	ck_assert_uint_eq(port, c->port);
	model_portal_format(address, port, text, sizeof(text));
	ck_assert_str_eq(text, c->formatted);
}
END_TEST

START_TEST(adapter_names)
{
	ck_assert(model_adapter_name_valid("vmhba64"));
	ck_assert(model_adapter_name_valid("vmhba0"));
	ck_assert(model_adapter_name_valid("vmhba999"));
	ck_assert(!model_adapter_name_valid("vmhba"));
	ck_assert(!model_adapter_name_valid("vmhba1000"));
	ck_assert(!model_adapter_name_valid("vmhba6a"));
	ck_assert(!model_adapter_name_valid("vmk1"));
	ck_assert(!model_adapter_name_valid(NULL));
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *policy = tcase_create("policy");
	TCase *json = tcase_create("json");
	TCase *rules = tcase_create("rules");
	TCase *addr = tcase_create("addresses");

	tcase_add_loop_test(policy, inheritance_table, 0,
			    sizeof(inherit_cases) / sizeof(inherit_cases[0]));
	tcase_add_test(policy, scalar_settings_inherit_and_override);
	tcase_add_test(policy, vswitch_defaults_are_esxi_s);
	tcase_add_test(policy, uplinks_added_later_become_active_at_the_end);
	tcase_add_test(policy, uplink_removal_cleans_every_order);
	tcase_add_loop_test(policy, change_uplinks_table, 0,
			    sizeof(change_cases) / sizeof(change_cases[0]));
	tcase_add_test(policy, policy_words);
	suite_add_tcase(s, policy);

	tcase_add_test(json, round_trip_is_exact);
	tcase_add_test(json, absent_section_is_empty);
	tcase_add_test(json, legacy_saved_sysctls_is_ignored);
	tcase_add_loop_test(json, corrupt_sections_are_refused, 0,
			    sizeof(corrupt_cases) / sizeof(corrupt_cases[0]));
	tcase_add_test(json, iscsi_round_trip_is_exact);
	tcase_add_test(json, iscsi_defaults_have_no_section);
	tcase_add_loop_test(json, iscsi_corrupt_sections_are_refused, 0,
			    sizeof(iscsi_corrupt_cases) / sizeof(iscsi_corrupt_cases[0]));
	tcase_add_loop_test(json, portal_table, 0, sizeof(portal_cases) / sizeof(portal_cases[0]));
	tcase_add_test(json, adapter_names);
	suite_add_tcase(s, json);

	tcase_add_test(rules, tables_are_the_lowest_free);
	tcase_add_test(rules, macs_are_local_and_unique);
	tcase_add_test(rules, lookups_and_removal);
	tcase_add_test(rules, names);
	suite_add_tcase(s, rules);

	tcase_add_loop_test(addr, netmask_table, 0, sizeof(mask_cases) / sizeof(mask_cases[0]));
	tcase_add_test(addr, ipv4_helpers);
	tcase_add_test(addr, ipv6_helpers);
	tcase_add_test(addr, mac_helpers);
	suite_add_tcase(s, addr);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
