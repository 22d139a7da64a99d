/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of port binding's subnet and routing rules (which portal a
 * bound vmk can reach, the warnings), of which node records are esxclid's
 * and which of them go, and of the pure parts of reading open-iscsi's state
 * (ISIDs, record values, connection names) and of deleting one node record
 * by hand (in a temporary tree).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iscsi_idbm.h"
#include "iscsi_reach.h"
#include "iscsi_ownership.h"
#include "iscsi_state.h"

static struct model m;

static struct vmk *add_vmk(const char *name, const char *address, unsigned prefix)
{
	struct vmk *v = model_add_vmk(&m);

	ck_assert_ptr_nonnull(v);
	snprintf(v->name, sizeof(v->name), "%s", name);
	if (address) {
		v->ipv4_type = IPV4_STATIC;
		snprintf(v->ipv4_address, sizeof(v->ipv4_address), "%s", address);
		v->ipv4_prefix = prefix;
	}
	return v;
}

static void bind(const char *vmk)
{
	struct iscsi_binding *b = model_iscsi_add_binding(&m);

	ck_assert_ptr_nonnull(b);
	snprintf(b->vmk, sizeof(b->vmk), "%s", vmk);
}

static void add_route(const char *network, const char *gateway, bool ipv6)
{
	struct static_route *r = model_add_route(&m);

	ck_assert_ptr_nonnull(r);
	snprintf(r->network, sizeof(r->network), "%s", network);
	snprintf(r->gateway, sizeof(r->gateway), "%s", gateway);
	r->ipv6 = ipv6;
}

static void add_sendtarget(const char *address, unsigned port)
{
	struct iscsi_sendtarget *st = model_iscsi_add_sendtarget(&m);

	ck_assert_ptr_nonnull(st);
	snprintf(st->address, sizeof(st->address), "%s", address);
	st->port = port;
}

/* vmk1 and vmk2 in 10.10.1.0/24, vmk3 in 10.10.2.0/24; nothing bound. */
static void setup(void)
{
	memset(&m, 0, sizeof(m));
	model_iscsi_defaults(&m.iscsi);
	m.iscsi.enabled = true;
	add_vmk("vmk1", "10.10.1.11", 24);
	add_vmk("vmk2", "10.10.1.12", 24);
	add_vmk("vmk3", "10.10.2.13", 24);
}

static void teardown(void)
{
	model_free(&m);
}

/* ---- reachability ---- */

START_TEST(portal_in_the_vmk_subnet)
{
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "10.10.1.100"), ISCSI_REACH_SUBNET);
	ck_assert_int_eq(iscsi_reach(&m, "vmk3", "10.10.2.100"), ISCSI_REACH_SUBNET);
	ck_assert(iscsi_reach_ok(iscsi_reach(&m, "vmk1", "10.10.1.100")));
}
END_TEST

START_TEST(portal_in_another_subnet_without_route)
{
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "10.10.2.100"), ISCSI_REACH_NO_ROUTE);
	ck_assert_int_eq(iscsi_reach(&m, "vmk3", "10.10.1.100"), ISCSI_REACH_NO_ROUTE);
	ck_assert(!iscsi_reach_ok(ISCSI_REACH_NO_ROUTE));
}
END_TEST

START_TEST(vmk_own_gateway_reaches_everything)
{
	snprintf(m.vmks[0].ipv4_gateway, sizeof(m.vmks[0].ipv4_gateway), "10.10.1.1");
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "192.168.7.5"), ISCSI_REACH_GATEWAY);
	/* Its table is its own: vmk2 gains nothing. */
	ck_assert_int_eq(iscsi_reach(&m, "vmk2", "192.168.7.5"), ISCSI_REACH_NO_ROUTE);
}
END_TEST

START_TEST(static_route_through_the_vmk)
{
	add_route("10.20.0.0/16", "10.10.2.1", false);
	ck_assert_int_eq(iscsi_reach(&m, "vmk3", "10.20.3.4"), ISCSI_REACH_ROUTE);
	ck_assert_int_eq(iscsi_reach(&m, "vmk3", "10.21.3.4"), ISCSI_REACH_NO_ROUTE);
	/* The route goes out through vmk3: a socket bound to vmk1 cannot use it. */
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "10.20.3.4"), ISCSI_REACH_NO_ROUTE);
}
END_TEST

START_TEST(static_route_goes_through_the_first_vmk_of_its_gateway)
{
	/* vmk1 and vmk2 share the gateway's subnet: the route is vmk1's. */
	add_route("default", "10.10.1.1", false);
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "172.16.0.9"), ISCSI_REACH_ROUTE);
	ck_assert_int_eq(iscsi_reach(&m, "vmk2", "172.16.0.9"), ISCSI_REACH_NO_ROUTE);
}
END_TEST

START_TEST(vmk_without_address_or_missing)
{
	add_vmk("vmk4", NULL, 0);
	ck_assert_int_eq(iscsi_reach(&m, "vmk4", "10.10.1.100"), ISCSI_REACH_NO_ADDRESS);
	ck_assert_int_eq(iscsi_reach(&m, "vmk9", "10.10.1.100"), ISCSI_REACH_NO_ADDRESS);
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "fd00::100"), ISCSI_REACH_NO_ADDRESS);
	ck_assert(!iscsi_reach_ok(ISCSI_REACH_NO_ADDRESS));
}
END_TEST

START_TEST(ipv6_prefixes_and_routes)
{
	struct vmk *v = &m.vmks[0];

	ck_assert_int_eq(strv_add(&v->ipv6, "fd00:1::11/64"), 0);
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "fd00:1::100"), ISCSI_REACH_SUBNET);
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "fd00:2::100"), ISCSI_REACH_NO_ROUTE);
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "fe80::1"), ISCSI_REACH_SUBNET);
	add_route("fd00:2::/64", "fd00:1::1", true);
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "fd00:2::100"), ISCSI_REACH_ROUTE);
	ck_assert_int_eq(iscsi_reach(&m, "vmk1", "fd00:3::100"), ISCSI_REACH_NO_ROUTE);
}
END_TEST

/* ---- warnings ---- */

START_TEST(unreachable_portal_warning)
{
	struct esx_strv out = { 0 };

	ck_assert_int_eq(iscsi_reach_warn_portal(&m, "vmk1", "10.10.1.100", 3260, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(iscsi_reach_warn_portal(&m, "vmk1", "10.10.2.100", 3260, &out), 0);
	ck_assert_uint_eq(out.len, 1);
	ck_assert_str_eq(out.items[0],
			 "Warning: portal 10.10.2.100:3260 is not reachable from vmk1 (10.10.1.11/24): it is outside vmk1's subnet and no route through vmk1 gets there.");
	ck_assert_int_eq(iscsi_reach_warn_portal(&m, "vmk9", "10.10.2.100", 3260, &out), 0);
	ck_assert_str_eq(out.items[1],
			 "Warning: portal 10.10.2.100:3260 is not reachable from vmk9: vmk9 does not exist.");
	ck_assert_int_eq(iscsi_reach_warn_portal(&m, "vmk1", "fd00::5", 3260, &out), 0);
	ck_assert_str_eq(out.items[2],
			 "Warning: portal [fd00::5]:3260 is not reachable from vmk1: vmk1 has no IPv6 address.");
	strv_free(&out);
}
END_TEST

START_TEST(warnings_for_every_binding)
{
	struct esx_strv out = { 0 };

	bind("vmk1");
	bind("vmk3");
	ck_assert_int_eq(iscsi_reach_warn_bindings(&m, "10.10.1.100", 3260, &out), 0);
	ck_assert_uint_eq(out.len, 1);
	ck_assert_ptr_nonnull(strstr(out.items[0], "not reachable from vmk3 (10.10.2.13/24)"));
	strv_free(&out);
}
END_TEST

START_TEST(one_subnet_no_warning)
{
	struct esx_strv out = { 0 };

	bind("vmk1");
	ck_assert_int_eq(iscsi_reach_warn_subnets(&m, "vmk2", &out), 0);
	ck_assert_uint_eq(out.len, 0);
	/* vmk2 already bound: counted once. */
	bind("vmk2");
	ck_assert_int_eq(iscsi_reach_warn_subnets(&m, "vmk2", &out), 0);
	ck_assert_uint_eq(out.len, 0);
	strv_free(&out);
}
END_TEST

START_TEST(different_subnets_warning)
{
	struct esx_strv out = { 0 };

	bind("vmk1");
	bind("vmk2");
	ck_assert_int_eq(iscsi_reach_warn_subnets(&m, "vmk3", &out), 0);
	ck_assert_uint_eq(out.len, 1);
	ck_assert_str_eq(out.items[0],
			 "Warning: the VMkernel NICs bound to vmhba64 are not all in one IPv4 subnet (vmk1 10.10.1.0/24, vmk2 10.10.1.0/24, vmk3 10.10.2.0/24); port binding needs them in one subnet and broadcast domain (VMware KB 2038869).");
	strv_free(&out);
}
END_TEST

START_TEST(same_network_other_prefix_differs)
{
	struct esx_strv out = { 0 };

	add_vmk("vmk4", "10.10.1.14", 25);
	bind("vmk1");
	ck_assert_int_eq(iscsi_reach_warn_subnets(&m, "vmk4", &out), 0);
	ck_assert_uint_eq(out.len, 1);
	/* A vmk without IPv4 is not counted. */
	add_vmk("vmk5", NULL, 0);
	ck_assert_int_eq(iscsi_reach_warn_subnets(&m, "vmk5", &out), 0);
	ck_assert_uint_eq(out.len, 1);
	strv_free(&out);
}
END_TEST

START_TEST(join_lines)
{
	struct esx_strv v = { 0 };
	char *text;

	ck_assert_ptr_null(iscsi_reach_join(&v));
	ck_assert_int_eq(strv_add(&v, "one"), 0);
	text = iscsi_reach_join(&v);
	ck_assert_str_eq(text, "one");
	free(text);
	ck_assert_int_eq(strv_add(&v, "two"), 0);
	text = iscsi_reach_join(&v);
	ck_assert_str_eq(text, "one\ntwo");
	free(text);
	strv_free(&v);
}
END_TEST

/* ---- records ---- */

static struct iscsi_node_info node(const char *target, const char *address, const char *iface,
				   const char *type, const char *disc_address)
{
	struct iscsi_node_info n;

	memset(&n, 0, sizeof(n));
	snprintf(n.target, sizeof(n.target), "%s", target);
	snprintf(n.address, sizeof(n.address), "%s", address);
	n.port = 3260;
	n.tpgt = 1;
	snprintf(n.iface, sizeof(n.iface), "%s", iface);
	snprintf(n.discovery_type, sizeof(n.discovery_type), "%s", type);
	snprintf(n.discovery_address, sizeof(n.discovery_address), "%s", disc_address);
	n.discovery_port = 3260;
	return n;
}

#define T1 "iqn.2024-01.lab.esxcli:array1"

START_TEST(owned_records)
{
	/* Nothing bound: the default iface is esxclid's. */
	ck_assert(iscsi_ownership_owned(&m, "default"));
	ck_assert(!iscsi_ownership_owned(&m, "vmk1"));
	bind("vmk1");
	ck_assert(iscsi_ownership_owned(&m, "vmk1"));
	ck_assert(!iscsi_ownership_owned(&m, "vmk2"));
	ck_assert(!iscsi_ownership_owned(&m, "default"));
}
END_TEST

START_TEST(records_of_a_sendtarget)
{
	struct iscsi_node_info ours, foreign, other_disc, stat, port_other;

	bind("vmk1");
	add_sendtarget("10.10.1.100", 3260);
	ours = node(T1, "10.10.1.100", "vmk1", "send_targets", "10.10.1.100");
	foreign = node(T1, "10.10.1.100", "default", "send_targets", "10.10.1.100");
	other_disc = node(T1, "10.10.1.100", "vmk1", "send_targets", "10.10.9.9");
	stat = node(T1, "10.10.1.100", "vmk1", "static", "");
	port_other = ours;
	port_other.discovery_port = 3261;
	ck_assert(iscsi_ownership_of_sendtarget(&m, "10.10.1.100", 3260, &ours));
	ck_assert(!iscsi_ownership_of_sendtarget(&m, "10.10.1.100", 3260, &foreign));
	ck_assert(!iscsi_ownership_of_sendtarget(&m, "10.10.1.100", 3260, &other_disc));
	ck_assert(!iscsi_ownership_of_sendtarget(&m, "10.10.1.100", 3260, &stat));
	ck_assert(!iscsi_ownership_of_sendtarget(&m, "10.10.1.100", 3260, &port_other));
}
END_TEST

START_TEST(record_found_through_another_sendtarget_stays)
{
	struct iscsi_node_info second_portal;
	struct iscsi_static_target *t;

	bind("vmk1");
	add_sendtarget("10.10.1.100", 3260);
	add_sendtarget("10.10.1.101", 3260);
	/* Discovery at .100 returned the portal .101 too. */
	second_portal = node(T1, "10.10.1.101", "vmk1", "send_targets", "10.10.1.100");
	ck_assert(!iscsi_ownership_of_sendtarget(&m, "10.10.1.100", 3260, &second_portal));
	m.iscsi.nsendtargets = 1;
	ck_assert(iscsi_ownership_of_sendtarget(&m, "10.10.1.100", 3260, &second_portal));
	/* A static target of the same portal keeps it too. */
	t = model_iscsi_add_static(&m);
	ck_assert_ptr_nonnull(t);
	snprintf(t->address, sizeof(t->address), "10.10.1.101");
	t->port = 3260;
	snprintf(t->name, sizeof(t->name), T1);
	ck_assert(!iscsi_ownership_of_sendtarget(&m, "10.10.1.100", 3260, &second_portal));
}
END_TEST

START_TEST(records_of_a_static_target)
{
	struct iscsi_node_info stat = node(T1, "10.10.2.100", "vmk3", "static", "");
	struct iscsi_node_info discovered = node(T1, "10.10.2.100", "vmk3", "send_targets",
						 "10.10.2.100");

	bind("vmk3");
	ck_assert(iscsi_ownership_of_static(T1, "10.10.2.100", 3260, &m, &stat));
	ck_assert(!iscsi_ownership_of_static(T1, "10.10.2.100", 3261, &m, &stat));
	ck_assert(!iscsi_ownership_of_static("iqn.2024-01.lab.esxcli:array2", "10.10.2.100", 3260,
					   &m, &stat));
	ck_assert(!iscsi_ownership_of_static(T1, "10.10.2.100", 3260, &m, &discovered));
	stat = node(T1, "10.10.2.100", "vmk2", "static", "");
	ck_assert(!iscsi_ownership_of_static(T1, "10.10.2.100", 3260, &m, &stat));
}
END_TEST

START_TEST(unreachable_records)
{
	struct iscsi_node_info far = node(T1, "10.10.2.100", "vmk1", "send_targets", "10.10.1.100");
	struct iscsi_node_info near = node(T1, "10.10.1.100", "vmk1", "send_targets", "10.10.1.100");
	struct iscsi_node_info unbound = node(T1, "10.10.2.100", "vmk2", "send_targets",
					      "10.10.1.100");
	struct iscsi_node_info no_address;

	bind("vmk1");
	ck_assert(iscsi_ownership_unreachable(&m, &far));
	ck_assert(!iscsi_ownership_unreachable(&m, &near));
	ck_assert(!iscsi_ownership_unreachable(&m, &unbound));
	/* A vmk without an address is not judged. */
	add_vmk("vmk4", NULL, 0);
	bind("vmk4");
	no_address = node(T1, "10.10.2.100", "vmk4", "send_targets", "10.10.1.100");
	ck_assert(!iscsi_ownership_unreachable(&m, &no_address));
}
END_TEST

START_TEST(session_of_a_record)
{
	struct iscsi_node_info n = node(T1, "10.10.1.100", "vmk1", "send_targets", "10.10.1.100");
	struct iscsi_session_info s;

	memset(&s, 0, sizeof(s));
	snprintf(s.target, sizeof(s.target), "IQN.2024-01.lab.esxcli:array1");
	snprintf(s.address, sizeof(s.address), "10.10.1.100");
	s.port = 3260;
	snprintf(s.iface, sizeof(s.iface), "vmk1");
	ck_assert(iscsi_ownership_session_of(&s, &n));
	snprintf(s.iface, sizeof(s.iface), "vmk2");
	ck_assert(!iscsi_ownership_session_of(&s, &n));
}
END_TEST

/* ---- open-iscsi state ---- */

START_TEST(isid_of_a_session)
{
	char isid[16];

	iscsi_state_isid(1, isid, sizeof(isid));
	ck_assert_str_eq(isid, "00023d000001");
	iscsi_state_isid(0x1234ab, isid, sizeof(isid));
	ck_assert_str_eq(isid, "00023d1234ab");
	/* iscsid keeps the low 24 bits. */
	iscsi_state_isid(0x1000005, isid, sizeof(isid));
	ck_assert_str_eq(isid, "00023d000005");
}
END_TEST

START_TEST(record_values)
{
	const char *dump = "# BEGIN RECORD 2.1.8\n"
			   "node.name = iqn.2024-01.lab.esxcli:array1\n"
			   "node.startup = automatic\n"
			   "node.discovery_address = 10.10.1.100\n"
			   "node.discovery_port = 3260\n"
			   "node.session.auth.username = <empty>\n"
			   "node.discovery_type = send_targets";
	char value[64];

	iscsi_state_record_value(dump, "node.startup", value, sizeof(value));
	ck_assert_str_eq(value, "automatic");
	iscsi_state_record_value(dump, "node.discovery_address", value, sizeof(value));
	ck_assert_str_eq(value, "10.10.1.100");
	/* The last line has no newline; a prefix of a key is not the key. */
	iscsi_state_record_value(dump, "node.discovery_type", value, sizeof(value));
	ck_assert_str_eq(value, "send_targets");
	iscsi_state_record_value(dump, "node.discovery", value, sizeof(value));
	ck_assert_str_eq(value, "");
	iscsi_state_record_value(dump, "node.session.auth.username", value, sizeof(value));
	ck_assert_str_eq(value, "");
	iscsi_state_record_value(dump, "node.missing", value, sizeof(value));
	ck_assert_str_eq(value, "");
	/* Cut to the buffer. */
	iscsi_state_record_value(dump, "node.name", value, 9);
	ck_assert_str_eq(value, "iqn.2024");
}
END_TEST

START_TEST(connection_names)
{
	unsigned sid = 0, cid = 0;

	ck_assert(iscsi_state_connection_name("connection12:0", &sid, &cid));
	ck_assert_uint_eq(sid, 12);
	ck_assert_uint_eq(cid, 0);
	ck_assert(iscsi_state_connection_name("connection1:3", &sid, &cid));
	ck_assert_uint_eq(cid, 3);
	ck_assert(!iscsi_state_connection_name("connection1", &sid, &cid));
	ck_assert(!iscsi_state_connection_name("connection:1", &sid, &cid));
	ck_assert(!iscsi_state_connection_name("connection1:", &sid, &cid));
	ck_assert(!iscsi_state_connection_name("connection1:2x", &sid, &cid));
	ck_assert(!iscsi_state_connection_name("session1", &sid, &cid));
}
END_TEST

/* ---- deleting a record by hand ---- */

static char root[64], lock_dir[96];

static void touch(const char *rel, const char *content)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(p, 0770), 0);
}

static bool there(const char *rel)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	return lstat(p, &st) == 0;
}

#define ND "nodes/" T1
#define PD ND "/10.10.1.100,3260,1"
#define ST "send_targets/10.10.1.100,3260"

/* Two ifaces' records of one portal, a foreign old-style record of the same
 * portal (the default iface's), and the discovery link of vmk1's. */
static void idbm_setup(void)
{
	char link_path[256];

	snprintf(root, sizeof(root), "/tmp/esx-idbm-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	dir("nodes");
	dir(ND);
	dir(PD);
	touch(PD "/vmk1", "iface.iscsi_ifacename = vmk1\n");
	touch(PD "/vmk2", "iface.iscsi_ifacename = vmk2\n");
	touch(ND "/10.10.1.100,3260", "node.name = x\niface.iscsi_ifacename = default\n");
	dir("send_targets");
	dir(ST);
	snprintf(link_path, sizeof(link_path), "%s/" ST "/" T1 ",10.10.1.100,3260,1,vmk1", root);
	ck_assert_int_eq(symlink("/nowhere", link_path), 0);
	dir("lock");
	snprintf(lock_dir, sizeof(lock_dir), "%s/lock", root);
	iscsi_idbm_set_roots(root, lock_dir);
}

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void idbm_teardown(void)
{
	iscsi_idbm_set_roots(NULL, NULL);
	nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void rm(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(unlink(p), 0);
}

START_TEST(delete_one_record_only)
{
	struct iscsi_node_info n = node(T1, "10.10.1.100", "vmk1", "send_targets", "10.10.1.100");
	struct esx_err err = { 0 };

	ck_assert_int_eq(iscsi_idbm_delete_node(&n, &err), 0);
	ck_assert(!there(PD "/vmk1"));
	ck_assert(!there(ST "/" T1 ",10.10.1.100,3260,1,vmk1"));
	ck_assert(there(PD "/vmk2"));
	/* iscsiadm would have deleted this one instead. */
	ck_assert(there(ND "/10.10.1.100,3260"));
	ck_assert(!there("lock/lock.write"));
	/* Gone already: no error. */
	ck_assert_int_eq(iscsi_idbm_delete_node(&n, &err), 0);
	/* The last record of a portal takes its empty folder along. */
	n = node(T1, "10.10.1.100", "vmk2", "send_targets", "10.10.1.100");
	ck_assert_int_eq(iscsi_idbm_delete_node(&n, &err), 0);
	ck_assert(!there(PD));
	ck_assert(there(ND));
}
END_TEST

START_TEST(old_style_record_only_its_own)
{
	struct iscsi_node_info n = node(T1, "10.10.1.100", "vmk1", "static", "");
	struct esx_err err = { 0 };

	n.tpgt = -1;
	ck_assert_int_eq(iscsi_idbm_delete_node(&n, &err), 0);
	ck_assert(there(ND "/10.10.1.100,3260"));
	snprintf(n.iface, sizeof(n.iface), "default");
	ck_assert_int_eq(iscsi_idbm_delete_node(&n, &err), 0);
	ck_assert(!there(ND "/10.10.1.100,3260"));
	ck_assert(there(PD "/vmk1"));
}
END_TEST

START_TEST(lock_taken_and_bad_names)
{
	struct iscsi_node_info n = node(T1, "10.10.1.100", "vmk1", "send_targets", "10.10.1.100");
	struct esx_err err = { 0 };

	touch("lock/lock.write", "");
	ck_assert_int_eq(iscsi_idbm_delete_node(&n, &err), -EBUSY);
	ck_assert(there(PD "/vmk1"));
	rm("lock/lock.write");
	n = node("../../etc", "10.10.1.100", "vmk1", "send_targets", "10.10.1.100");
	ck_assert_int_eq(iscsi_idbm_delete_node(&n, &err), -EINVAL);
	n = node(T1, "10.10.1.100", "..", "send_targets", "10.10.1.100");
	ck_assert_int_eq(iscsi_idbm_delete_node(&n, &err), -EINVAL);
}
END_TEST

static Suite *reach_suite(void)
{
	Suite *s = suite_create("iscsi_reach");
	TCase *reach = tcase_create("reach");
	TCase *warn = tcase_create("warnings");
	TCase *records = tcase_create("records");
	TCase *state = tcase_create("state");
	TCase *idbm = tcase_create("idbm");

	tcase_add_checked_fixture(reach, setup, teardown);
	tcase_add_test(reach, portal_in_the_vmk_subnet);
	tcase_add_test(reach, portal_in_another_subnet_without_route);
	tcase_add_test(reach, vmk_own_gateway_reaches_everything);
	tcase_add_test(reach, static_route_through_the_vmk);
	tcase_add_test(reach, static_route_goes_through_the_first_vmk_of_its_gateway);
	tcase_add_test(reach, vmk_without_address_or_missing);
	tcase_add_test(reach, ipv6_prefixes_and_routes);
	suite_add_tcase(s, reach);

	tcase_add_checked_fixture(warn, setup, teardown);
	tcase_add_test(warn, unreachable_portal_warning);
	tcase_add_test(warn, warnings_for_every_binding);
	tcase_add_test(warn, one_subnet_no_warning);
	tcase_add_test(warn, different_subnets_warning);
	tcase_add_test(warn, same_network_other_prefix_differs);
	tcase_add_test(warn, join_lines);
	suite_add_tcase(s, warn);

	tcase_add_checked_fixture(records, setup, teardown);
	tcase_add_test(records, owned_records);
	tcase_add_test(records, records_of_a_sendtarget);
	tcase_add_test(records, record_found_through_another_sendtarget_stays);
	tcase_add_test(records, records_of_a_static_target);
	tcase_add_test(records, unreachable_records);
	tcase_add_test(records, session_of_a_record);
	suite_add_tcase(s, records);

	tcase_add_test(state, isid_of_a_session);
	tcase_add_test(state, record_values);
	tcase_add_test(state, connection_names);
	suite_add_tcase(s, state);

	tcase_add_checked_fixture(idbm, idbm_setup, idbm_teardown);
	tcase_add_test(idbm, delete_one_record_only);
	tcase_add_test(idbm, old_style_record_only_its_own);
	tcase_add_test(idbm, lock_taken_and_bad_names);
	suite_add_tcase(s, idbm);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reach_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
