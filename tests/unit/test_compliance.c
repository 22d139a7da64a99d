/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of port-binding compliance: every ESXi rule, the Linux
 * aggregate-uplink rule, and each change that makes a binding non-compliant.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compliance.h"

static struct model m;
static struct topo_uplink uplinks[3];
static struct topology topo = { uplinks, 3 };

/* vSwitch1 with vmnic1, vmnic2 (a bond0 added on demand); portgroup iSCSI1
 * overriding its order to vmnic1 alone; vmk1 on it with an address. */
static void setup(void)
{
	struct vswitch *vs;
	struct portgroup *pg;
	struct vmk *v;
	struct esx_err err = { 0 };

	memset(&m, 0, sizeof(m));
	vs = model_add_vswitch(&m);
	model_vswitch_defaults(vs);
	snprintf(vs->name, sizeof(vs->name), "vSwitch1");
	ck_assert_int_eq(model_add_uplink(vs, "vmnic1"), 0);
	ck_assert_int_eq(model_add_uplink(vs, "vmnic2"), 0);
	ck_assert_int_eq(model_add_uplink(vs, "bond0"), 0);
	pg = model_add_portgroup(&m);
	snprintf(pg->name, sizeof(pg->name), "iSCSI1");
	snprintf(pg->vswitch, sizeof(pg->vswitch), "vSwitch1");
	ck_assert_int_eq(policy_change_uplinks(vs, &pg->policy, "vmnic1", "", &err), 0);
	v = model_add_vmk(&m);
	snprintf(v->name, sizeof(v->name), "vmk1");
	snprintf(v->portgroup, sizeof(v->portgroup), "iSCSI1");
	v->ipv4_type = IPV4_STATIC;
	snprintf(v->ipv4_address, sizeof(v->ipv4_address), "10.10.1.11");
	v->ipv4_prefix = 24;

	memset(uplinks, 0, sizeof(uplinks));
	snprintf(uplinks[0].name, sizeof(uplinks[0].name), "vmnic1");
	snprintf(uplinks[1].name, sizeof(uplinks[1].name), "vmnic2");
	snprintf(uplinks[2].name, sizeof(uplinks[2].name), "bond0");
	snprintf(uplinks[2].kind, sizeof(uplinks[2].kind), "bond");
	uplinks[2].members = 1;
	for (int i = 0; i < 3; i++)
		uplinks[i].exists = true;
}

static void teardown(void)
{
	model_free(&m);
}

static void set_order(const char *active, const char *standby)
{
	struct esx_err err = { 0 };

	ck_assert_int_eq(policy_change_uplinks(&m.vswitches[0], &m.portgroups[0].policy, active,
					       standby, &err), 0);
}

static struct compliance check(const char *bound_uplink)
{
	struct compliance c;

	compliance_check(&m, &topo, "vmhba64", "vmk1", bound_uplink, &c);
	return c;
}

START_TEST(single_active_uplink_complies)
{
	struct compliance c = check(NULL);

	ck_assert_int_eq(c.fault, COMPLIANT);
	ck_assert_str_eq(c.uplink, "vmnic1");
	ck_assert_str_eq(compliance_fault_name(c.fault), "");
	c = check("vmnic1");
	ck_assert_int_eq(c.fault, COMPLIANT);
}
END_TEST

START_TEST(two_active_uplinks)
{
	struct compliance c;

	set_order("vmnic1,vmnic2", "");
	c = check(NULL);
	ck_assert_int_eq(c.fault, FAULT_VNIC_HAS_MULTIPLE_UPLINKS);
	ck_assert_str_eq(compliance_fault_name(c.fault), "VnicHasMultipleUplinks");
	ck_assert_ptr_nonnull(strstr(c.message, "2 active and 0 standby"));
	ck_assert_str_eq(c.remedy,
			 "esxcli network vswitch standard portgroup policy failover set -p iSCSI1 -a vmnic1 -s \"\"");
}
END_TEST

START_TEST(remedy_prefers_a_nic_no_other_binding_uses)
{
	struct iscsi_binding *b = model_iscsi_add_binding(&m);
	struct compliance c;

	/* vmk2 is bound through vmnic1 already. */
	snprintf(b->vmk, sizeof(b->vmk), "vmk2");
	snprintf(b->uplink, sizeof(b->uplink), "vmnic1");
	set_order("vmnic1,vmnic2", "");
	c = check(NULL);
	ck_assert_int_eq(c.fault, FAULT_VNIC_HAS_MULTIPLE_UPLINKS);
	ck_assert_str_eq(c.remedy,
			 "esxcli network vswitch standard portgroup policy failover set -p iSCSI1 -a vmnic2 -s \"\"");
}
END_TEST

START_TEST(standby_uplink)
{
	struct compliance c;

	set_order("vmnic1", "vmnic2");
	c = check(NULL);
	ck_assert_int_eq(c.fault, FAULT_VNIC_HAS_MULTIPLE_UPLINKS);
	ck_assert_ptr_nonnull(strstr(c.message, "1 active and 1 standby"));
	ck_assert_ptr_nonnull(strstr(c.remedy, "-a vmnic1 -s \"\""));
}
END_TEST

START_TEST(inherited_vswitch_order)
{
	struct compliance c;

	/* Back to the vSwitch's order: every uplink active. */
	policy_free(&m.portgroups[0].policy);
	memset(&m.portgroups[0].policy, 0, sizeof(m.portgroups[0].policy));
	c = check(NULL);
	ck_assert_int_eq(c.fault, FAULT_VNIC_HAS_MULTIPLE_UPLINKS);
	ck_assert_ptr_nonnull(strstr(c.message, "3 active"));
}
END_TEST

START_TEST(no_uplinks)
{
	struct compliance c;

	set_order("", "");
	c = check(NULL);
	ck_assert_int_eq(c.fault, FAULT_VNIC_HAS_NO_UPLINKS);
	ck_assert_str_eq(compliance_fault_name(c.fault), "VnicHasNoUplinks");
	ck_assert_ptr_nonnull(strstr(c.remedy, "-a vmnic1"));
}
END_TEST

START_TEST(uplink_missing_from_linux)
{
	struct compliance c;

	uplinks[0].exists = false;
	c = check(NULL);
	ck_assert_int_eq(c.fault, FAULT_VNIC_HAS_NO_UPLINKS);
	ck_assert_ptr_nonnull(strstr(c.message, "vmnic1 does not exist"));
}
END_TEST

START_TEST(vmk_not_found)
{
	struct compliance c;

	compliance_check(&m, &topo, "vmhba64", "vmk7", NULL, &c);
	ck_assert_int_eq(c.fault, FAULT_VNIC_NOT_FOUND);
	ck_assert_str_eq(compliance_fault_name(c.fault), "VnicNotFound");
	ck_assert_ptr_nonnull(strstr(c.remedy, "esxcli iscsi networkportal remove -A vmhba64 -n vmk7"));
}
END_TEST

START_TEST(no_address)
{
	struct compliance c;

	m.vmks[0].ipv4_type = IPV4_NONE;
	m.vmks[0].ipv4_address[0] = '\0';
	c = check(NULL);
	ck_assert_int_eq(c.fault, FAULT_INVALID_VNIC);
	ck_assert_ptr_nonnull(strstr(c.message, "no IP address"));
	ck_assert_ptr_nonnull(strstr(c.remedy, "ipv4 set -i vmk1 -t static"));
	/* An IPv6 address is an address. */
	strv_add(&m.vmks[0].ipv6, "fd00::11/64");
	c = check(NULL);
	ck_assert_int_eq(c.fault, COMPLIANT);
}
END_TEST

START_TEST(bond_with_one_member_complies)
{
	struct compliance c;

	set_order("bond0", "");
	c = check(NULL);
	ck_assert_int_eq(c.fault, COMPLIANT);
	ck_assert_str_eq(c.uplink, "bond0");
}
END_TEST

START_TEST(bond_gaining_a_second_member)
{
	struct compliance c;

	set_order("bond0", "");
	uplinks[2].members = 2;
	c = check("bond0");
	ck_assert_int_eq(c.fault, FAULT_VNIC_HAS_MULTIPLE_UPLINKS);
	ck_assert_ptr_nonnull(strstr(c.message, "bond0 is a bond of 2 links"));
	snprintf(uplinks[2].kind, sizeof(uplinks[2].kind), "bridge");
	c = check("bond0");
	ck_assert_int_eq(c.fault, FAULT_VNIC_HAS_MULTIPLE_UPLINKS);
	/* A veth is never an aggregate, whatever "members" says. */
	snprintf(uplinks[2].kind, sizeof(uplinks[2].kind), "veth");
	c = check("bond0");
	ck_assert_int_eq(c.fault, COMPLIANT);
}
END_TEST

START_TEST(active_uplink_changed_after_binding)
{
	struct compliance c;

	set_order("vmnic2", "");
	c = check("vmnic1");
	ck_assert_int_eq(c.fault, FAULT_VNIC_HAS_WRONG_UPLINK);
	ck_assert_str_eq(compliance_fault_name(c.fault), "VnicHasWrongUplink");
	ck_assert_ptr_nonnull(strstr(c.message, "from vmnic1 to vmnic2"));
	ck_assert_ptr_nonnull(strstr(c.remedy, "-a vmnic1"));
	/* The same order is fine for a new binding. */
	c = check(NULL);
	ck_assert_int_eq(c.fault, COMPLIANT);
}
END_TEST

START_TEST(vmk_moved_to_another_portgroup)
{
	struct portgroup *pg = model_add_portgroup(&m);
	struct compliance c;

	snprintf(pg->name, sizeof(pg->name), "Management");
	snprintf(pg->vswitch, sizeof(pg->vswitch), "vSwitch1");
	snprintf(m.vmks[0].portgroup, sizeof(m.vmks[0].portgroup), "Management");
	c = check("vmnic1");
	ck_assert_int_eq(c.fault, FAULT_VNIC_HAS_MULTIPLE_UPLINKS);
}
END_TEST

static Suite *compliance_suite(void)
{
	Suite *s = suite_create("compliance");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, single_active_uplink_complies);
	tcase_add_test(tc, two_active_uplinks);
	tcase_add_test(tc, remedy_prefers_a_nic_no_other_binding_uses);
	tcase_add_test(tc, standby_uplink);
	tcase_add_test(tc, inherited_vswitch_order);
	tcase_add_test(tc, no_uplinks);
	tcase_add_test(tc, uplink_missing_from_linux);
	tcase_add_test(tc, vmk_not_found);
	tcase_add_test(tc, no_address);
	tcase_add_test(tc, bond_with_one_member_complies);
	tcase_add_test(tc, bond_gaining_a_second_member);
	tcase_add_test(tc, active_uplink_changed_after_binding);
	tcase_add_test(tc, vmk_moved_to_another_portgroup);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(compliance_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
