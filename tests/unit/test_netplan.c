/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of network planning: which uplink carries a vmk (ESXi's
 * failover order, failback on and off), VLAN lower devices, addresses, the
 * vmk's table, routes and rule priority.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netplan.h"

static struct uplink_state links[3];

static void set_links(bool a_carrier, bool b_carrier, bool c_carrier)
{
	const char *names[] = { "vmnic1", "vmnic2", "vmnic3" };
	bool carrier[] = { a_carrier, b_carrier, c_carrier };

	for (int i = 0; i < 3; i++) {
		memset(&links[i], 0, sizeof(links[i]));
		snprintf(links[i].name, sizeof(links[i].name), "%s", names[i]);
		links[i].exists = true;
		links[i].admin_up = true;
		links[i].carrier = carrier[i];
		links[i].mtu = 9000;
	}
}

static void policy(struct failover_policy *p, const char *active, const char *standby, bool failback)
{
	char buf[64], *save = NULL;

	memset(p, 0, sizeof(*p));
	p->failback = failback;
	p->notify_switches = true;
	snprintf(buf, sizeof(buf), "%s", active);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		strv_add(&p->active, w);
	snprintf(buf, sizeof(buf), "%s", standby);
	save = NULL;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		strv_add(&p->standby, w);
}

static const char *choose(const char *active, const char *standby, bool failback,
			  const char *current)
{
	static char picked[16];
	struct failover_policy p;
	const char *r;

	policy(&p, active, standby, failback);
	r = plan_choose_uplink(&p, current, links, 3);
	snprintf(picked, sizeof(picked), "%s", r ? r : "(none)");
	strv_free(&p.active);
	strv_free(&p.standby);
	return picked;
}

START_TEST(first_active_with_carrier)
{
	set_links(true, true, true);
	ck_assert_str_eq(choose("vmnic1,vmnic2", "", true, NULL), "vmnic1");
	ck_assert_str_eq(choose("vmnic2,vmnic1", "", true, ""), "vmnic2");
	set_links(false, true, true);
	ck_assert_str_eq(choose("vmnic1,vmnic2", "", true, "vmnic1"), "vmnic2");
}
END_TEST

START_TEST(standby_only_when_no_active_works)
{
	set_links(true, true, true);
	ck_assert_str_eq(choose("vmnic1", "vmnic2", true, NULL), "vmnic1");
	set_links(false, true, true);
	ck_assert_str_eq(choose("vmnic1", "vmnic2", true, "vmnic1"), "vmnic2");
	/* An unused uplink (in neither list) is never chosen. */
	set_links(false, false, true);
	ck_assert_str_eq(choose("vmnic1", "vmnic2", true, "vmnic2"), "vmnic2");
}
END_TEST

START_TEST(failback_on_returns)
{
	set_links(true, true, true);
	ck_assert_str_eq(choose("vmnic1", "vmnic2", true, "vmnic2"), "vmnic1");
	ck_assert_str_eq(choose("vmnic1,vmnic2", "", true, "vmnic2"), "vmnic1");
}
END_TEST

START_TEST(failback_off_stays)
{
	set_links(true, true, true);
	ck_assert_str_eq(choose("vmnic1", "vmnic2", false, "vmnic2"), "vmnic2");
	/* ... until the uplink it is on fails. */
	set_links(true, false, true);
	ck_assert_str_eq(choose("vmnic1", "vmnic2", false, "vmnic2"), "vmnic1");
}
END_TEST

START_TEST(no_carrier_anywhere)
{
	set_links(false, false, false);
	ck_assert_str_eq(choose("vmnic1", "vmnic2", true, "vmnic2"), "vmnic2");
	ck_assert_str_eq(choose("vmnic1", "vmnic2", true, NULL), "vmnic1");
}
END_TEST

START_TEST(admin_down_and_missing_skipped)
{
	set_links(true, true, true);
	links[0].admin_up = false;
	ck_assert_str_eq(choose("vmnic1,vmnic2", "", true, NULL), "vmnic2");
	set_links(true, true, true);
	links[0].exists = false;
	links[0].carrier = false;
	ck_assert_str_eq(choose("vmnic1", "vmnic2", true, "vmnic1"), "vmnic2");
	ck_assert_str_eq(choose("vmnic9", "", true, NULL), "(none)");
	ck_assert_str_eq(choose("", "", true, NULL), "(none)");
}
END_TEST

START_TEST(current_outside_the_order_moves)
{
	set_links(true, true, true);
	/* The vmk sits on vmnic3, which the policy no longer names. */
	ck_assert_str_eq(choose("vmnic2", "", false, "vmnic3"), "vmnic2");
}
END_TEST

START_TEST(ipv4_network)
{
	char net[16], bcast[16];

	ck_assert_int_eq(plan_ipv4_network("10.1.2.77", 24, net, sizeof(net), bcast, sizeof(bcast)), 0);
	ck_assert_str_eq(net, "10.1.2.0");
	ck_assert_str_eq(bcast, "10.1.2.255");
	ck_assert_int_eq(plan_ipv4_network("10.1.2.77", 30, net, sizeof(net), bcast, sizeof(bcast)), 0);
	ck_assert_str_eq(net, "10.1.2.76");
	ck_assert_str_eq(bcast, "10.1.2.79");
	ck_assert_int_eq(plan_ipv4_network("10.1.2.77", 33, net, sizeof(net), NULL, 0), -EINVAL);
	ck_assert_int_eq(plan_ipv4_network("10.1.2", 8, net, sizeof(net), NULL, 0), -EINVAL);
}
END_TEST

/* A whole model: two vmks on two single-uplink portgroups (port binding
 * style), one on a VLAN, one with a gateway and IPv6. */
static const char *where_now(const char *vmk, void *data)
{
	(void)data;
	return strcmp(vmk, "vmk1") == 0 ? "vmnic1" : NULL;
}

START_TEST(build_plan)
{
	struct model m = { 0 };
	struct vswitch *vs;
	struct portgroup *pg1, *pg2;
	struct vmk *v1, *v2;
	struct plan p;

	set_links(true, true, true);
	vs = model_add_vswitch(&m);
	snprintf(vs->name, sizeof(vs->name), "vSwitch1");
	vs->mtu = 9000;
	strv_add(&vs->uplinks, "vmnic1");
	strv_add(&vs->uplinks, "vmnic2");
	vs->policy.has_uplinks = vs->policy.has_failback = vs->policy.has_notify = true;
	vs->policy.has_load_balancing = vs->policy.has_failure_detection = true;
	strv_add(&vs->policy.active, "vmnic1");
	strv_add(&vs->policy.active, "vmnic2");
	vs->policy.failback = vs->policy.notify_switches = true;

	pg1 = model_add_portgroup(&m);
	snprintf(pg1->name, sizeof(pg1->name), "iSCSI1");
	snprintf(pg1->vswitch, sizeof(pg1->vswitch), "vSwitch1");
	pg1->policy.has_uplinks = true;
	strv_add(&pg1->policy.active, "vmnic1");
	pg2 = model_add_portgroup(&m);
	snprintf(pg2->name, sizeof(pg2->name), "iSCSI2");
	snprintf(pg2->vswitch, sizeof(pg2->vswitch), "vSwitch1");
	pg2->vlan_id = 20;
	pg2->policy.has_uplinks = true;
	strv_add(&pg2->policy.active, "vmnic2");

	v1 = model_add_vmk(&m);
	snprintf(v1->name, sizeof(v1->name), "vmk1");
	snprintf(v1->portgroup, sizeof(v1->portgroup), "iSCSI1");
	snprintf(v1->mac, sizeof(v1->mac), "02:50:56:00:00:01");
	v1->mtu = 9000;
	v1->enabled = true;
	v1->ipv4_type = IPV4_STATIC;
	snprintf(v1->ipv4_address, sizeof(v1->ipv4_address), "10.10.3.56");
	v1->ipv4_prefix = 24;
	snprintf(v1->ipv4_gateway, sizeof(v1->ipv4_gateway), "10.10.3.1");
	strv_add(&v1->ipv6, "fd00:10::56/64");
	v1->table = 10000;
	v2 = model_add_vmk(&m);
	snprintf(v2->name, sizeof(v2->name), "vmk2");
	snprintf(v2->portgroup, sizeof(v2->portgroup), "iSCSI2");
	snprintf(v2->mac, sizeof(v2->mac), "02:50:56:00:00:02");
	v2->mtu = 1500;
	v2->enabled = false;
	v2->table = 10003;

	ck_assert_int_eq(plan_build(&m, links, 3, where_now, NULL, &p), 0);
	ck_assert_int_eq(p.nvmks, 2);
	ck_assert_str_eq(p.vmks[0].uplink, "vmnic1");
	ck_assert_int_eq(p.vmks[0].vlan_id, 0);
	ck_assert(p.vmks[0].up);
	ck_assert_int_eq(p.vmks[0].rule_priority, 1000);
	ck_assert_int_eq(p.vmks[0].addresses.len, 2);
	ck_assert_str_eq(p.vmks[0].addresses.items[0], "10.10.3.56/24");
	ck_assert_str_eq(p.vmks[0].addresses.items[1], "fd00:10::56/64");
	ck_assert_int_eq(p.vmks[0].nroutes, 3);
	ck_assert_str_eq(p.vmks[0].routes[0].dst, "10.10.3.0");
	ck_assert_int_eq(p.vmks[0].routes[0].dst_len, 24);
	ck_assert_str_eq(p.vmks[0].routes[0].src, "10.10.3.56");
	ck_assert_str_eq(p.vmks[0].routes[0].gateway, "");
	ck_assert_str_eq(p.vmks[0].routes[1].dst, "");
	ck_assert_str_eq(p.vmks[0].routes[1].gateway, "10.10.3.1");
	ck_assert(p.vmks[0].routes[2].ipv6);
	ck_assert_str_eq(p.vmks[0].routes[2].dst, "fd00:10::");

	ck_assert_str_eq(p.vmks[1].uplink, "vmnic2");
	ck_assert_int_eq(p.vmks[1].vlan_id, 20);
	ck_assert(!p.vmks[1].up);
	ck_assert_int_eq(p.vmks[1].rule_priority, 1003);
	ck_assert_int_eq(p.vmks[1].addresses.len, 0);

	ck_assert_int_eq(p.vmk_uplinks.len, 2);
	plan_free(&p);

	/* vmnic1 loses carrier: vmk1's portgroup names only vmnic1, so it
	 * stays there (no standby), waiting for the link. */
	links[0].carrier = false;
	ck_assert_int_eq(plan_build(&m, links, 3, where_now, NULL, &p), 0);
	ck_assert_str_eq(p.vmks[0].uplink, "vmnic1");
	plan_free(&p);
	model_free(&m);
}
END_TEST

/* ---- iSCSI's DelayedAck as quickack ---- */

static struct vmk *add_vmk(struct model *m, const char *name, const char *address,
			   const char *gateway, unsigned table)
{
	struct vmk *v = model_add_vmk(m);

	ck_assert_ptr_nonnull(v);
	snprintf(v->name, sizeof(v->name), "%s", name);
	snprintf(v->portgroup, sizeof(v->portgroup), "pg-%s", name);
	v->enabled = true;
	v->ipv4_type = IPV4_STATIC;
	snprintf(v->ipv4_address, sizeof(v->ipv4_address), "%s", address);
	v->ipv4_prefix = 24;
	snprintf(v->ipv4_gateway, sizeof(v->ipv4_gateway), "%s", gateway);
	v->table = table;
	return v;
}

static const struct plan_route *route_to(const struct plan_vmk *p, const char *dst,
					 unsigned len)
{
	for (size_t i = 0; i < p->nroutes; i++) {
		if (strcmp(p->routes[i].dst, dst) == 0 && p->routes[i].dst_len == len)
			return &p->routes[i];
	}
	return NULL;
}

static void set_delayed_ack(struct iscsi_settings *s, bool on)
{
	s->params[ISCSI_P_DELAYED_ACK].set = true;
	s->params[ISCSI_P_DELAYED_ACK].value = on;
}

START_TEST(delayed_ack)
{
	struct plan_portal portals[2];
	struct iscsi_sendtarget *st;
	struct iscsi_target_portal *tp;
	struct model m = { 0 };
	const struct plan_route *r;
	struct plan p;

	set_links(true, true, true);
	model_iscsi_defaults(&m.iscsi);
	m.iscsi.enabled = true;
	/* vmk1 and vmk2 bound; vmk3 (management) not; vmk2 has a gateway. */
	add_vmk(&m, "vmk1", "10.10.1.11", "", 10000);
	add_vmk(&m, "vmk2", "10.10.1.12", "10.10.1.1", 10001);
	add_vmk(&m, "vmk3", "192.168.0.5", "", 10002);
	snprintf(model_iscsi_add_binding(&m)->vmk, MODEL_IFNAME_MAX, "vmk1");
	snprintf(model_iscsi_add_binding(&m)->vmk, MODEL_IFNAME_MAX, "vmk2");
	st = model_iscsi_add_sendtarget(&m);
	snprintf(st->address, sizeof(st->address), "10.10.1.100");
	st->port = 3260;
	/* Records: array1 at 10.10.1.100 (from st), array2 at 10.10.2.100
	 * (static, reached through vmk2's gateway only). */
	memset(portals, 0, sizeof(portals));
	snprintf(portals[0].address, sizeof(portals[0].address), "10.10.1.100");
	portals[0].port = 3260;
	snprintf(portals[0].target, sizeof(portals[0].target), "iqn.2024-01.lab:array1");
	snprintf(portals[0].parent_address, sizeof(portals[0].parent_address), "10.10.1.100");
	portals[0].parent_port = 3260;
	snprintf(portals[1].address, sizeof(portals[1].address), "10.10.2.100");
	portals[1].port = 3260;
	snprintf(portals[1].target, sizeof(portals[1].target), "iqn.2024-01.lab:array2");

	/* ESXi's default (DelayedAck on): no quickack anywhere. */
	ck_assert_int_eq(plan_build(&m, links, 3, NULL, NULL, &p), 0);
	ck_assert_int_eq(plan_delayed_ack(&m, portals, 2, &p), 0);
	for (size_t v = 0; v < p.nvmks; v++)
		for (size_t i = 0; i < p.vmks[v].nroutes; i++)
			ck_assert(!p.vmks[v].routes[i].quickack);
	ck_assert_int_eq(p.vmks[0].nroutes, 1);
	plan_free(&p);

	/* Off at the adapter: quickack on the bound vmks' routes only. */
	set_delayed_ack(&m.iscsi.settings, false);
	ck_assert_int_eq(plan_build(&m, links, 3, NULL, NULL, &p), 0);
	ck_assert_int_eq(plan_delayed_ack(&m, portals, 2, &p), 0);
	ck_assert(route_to(&p.vmks[0], "10.10.1.0", 24)->quickack);
	ck_assert(route_to(&p.vmks[1], "10.10.1.0", 24)->quickack);
	ck_assert(route_to(&p.vmks[1], "", 0)->quickack);
	ck_assert(!route_to(&p.vmks[2], "192.168.0.0", 24)->quickack);
	ck_assert_int_eq(p.vmks[0].nroutes, 1);
	ck_assert_int_eq(p.vmks[1].nroutes, 2);
	plan_free(&p);

	/* Back on for the sendtarget: a host route to its portal without
	 * quickack in each bound vmk's table, through the subnet. */
	set_delayed_ack(&st->settings, true);
	ck_assert_int_eq(plan_build(&m, links, 3, NULL, NULL, &p), 0);
	ck_assert_int_eq(plan_delayed_ack(&m, portals, 2, &p), 0);
	for (size_t v = 0; v < 2; v++) {
		r = route_to(&p.vmks[v], "10.10.1.100", 32);
		ck_assert_ptr_nonnull(r);
		ck_assert(!r->quickack);
		ck_assert_str_eq(r->gateway, "");
		ck_assert_str_eq(r->src, v == 0 ? "10.10.1.11" : "10.10.1.12");
		ck_assert(route_to(&p.vmks[v], "10.10.1.0", 24)->quickack);
	}
	ck_assert_ptr_null(route_to(&p.vmks[2], "10.10.1.100", 32));
	plan_free(&p);

	/* DelayedAck at the adapter again; off for the static portal only:
	 * vmk2 reaches it through its gateway, vmk1 not at all. */
	m.iscsi.settings.params[ISCSI_P_DELAYED_ACK].set = false;
	st->settings.params[ISCSI_P_DELAYED_ACK].set = false;
	tp = model_iscsi_add_portal(&m);
	snprintf(tp->address, sizeof(tp->address), "10.10.2.100");
	tp->port = 3260;
	snprintf(tp->name, sizeof(tp->name), "iqn.2024-01.lab:array2");
	set_delayed_ack(&tp->settings, false);
	ck_assert_int_eq(plan_build(&m, links, 3, NULL, NULL, &p), 0);
	ck_assert_int_eq(plan_delayed_ack(&m, portals, 2, &p), 0);
	ck_assert_ptr_null(route_to(&p.vmks[0], "10.10.2.100", 32));
	r = route_to(&p.vmks[1], "10.10.2.100", 32);
	ck_assert_ptr_nonnull(r);
	ck_assert(r->quickack);
	ck_assert_str_eq(r->gateway, "10.10.1.1");
	ck_assert(!route_to(&p.vmks[1], "10.10.1.0", 24)->quickack);
	ck_assert(!route_to(&p.vmks[1], "", 0)->quickack);
	plan_free(&p);

	/* Two targets at one address that disagree: off wins. */
	snprintf(portals[0].address, sizeof(portals[0].address), "10.10.2.100");
	snprintf(portals[0].target, sizeof(portals[0].target), "iqn.2024-01.lab:array1");
	portals[0].parent_address[0] = '\0';
	portals[0].parent_port = 0;
	ck_assert_int_eq(plan_build(&m, links, 3, NULL, NULL, &p), 0);
	ck_assert_int_eq(plan_delayed_ack(&m, portals, 2, &p), 0);
	ck_assert(route_to(&p.vmks[1], "10.10.2.100", 32)->quickack);
	plan_free(&p);

	/* Software iSCSI disabled: nothing. */
	m.iscsi.enabled = false;
	set_delayed_ack(&m.iscsi.settings, false);
	ck_assert_int_eq(plan_build(&m, links, 3, NULL, NULL, &p), 0);
	ck_assert_int_eq(plan_delayed_ack(&m, portals, 2, &p), 0);
	ck_assert(!route_to(&p.vmks[0], "10.10.1.0", 24)->quickack);
	ck_assert_int_eq(p.vmks[1].nroutes, 2);
	plan_free(&p);

	/* Without bindings every vmk carries iSCSI. */
	m.iscsi.enabled = true;
	model_iscsi_remove_binding(&m, "vmk1");
	model_iscsi_remove_binding(&m, "vmk2");
	ck_assert_int_eq(plan_build(&m, links, 3, NULL, NULL, &p), 0);
	ck_assert_int_eq(plan_delayed_ack(&m, NULL, 0, &p), 0);
	ck_assert(route_to(&p.vmks[2], "192.168.0.0", 24)->quickack);
	plan_free(&p);
	model_free(&m);
}
END_TEST

static Suite *netplan_suite(void)
{
	Suite *s = suite_create("netplan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, first_active_with_carrier);
	tcase_add_test(tc, standby_only_when_no_active_works);
	tcase_add_test(tc, failback_on_returns);
	tcase_add_test(tc, failback_off_stays);
	tcase_add_test(tc, no_carrier_anywhere);
	tcase_add_test(tc, admin_down_and_missing_skipped);
	tcase_add_test(tc, current_outside_the_order_moves);
	tcase_add_test(tc, ipv4_network);
	tcase_add_test(tc, build_plan);
	tcase_add_test(tc, delayed_ack);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(netplan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
