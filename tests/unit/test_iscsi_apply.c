/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of the iSCSI parameters in open-iscsi's node records: the key
 * and value text of each parameter, reading a record's dump, which records
 * the adapter owns, which records a change at each level reaches, and the
 * updates a record needs.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsi_apply.h"
#include "iscsi_node_params.h"
#include "iscsi_node_records.h"

/* ---- the mapping to open-iscsi's keys (usr/idbm.c) ---- */

START_TEST(node_keys)
{
	static const struct {
		enum iscsi_param p;
		const char *key;
	} keys[] = {
		{ ISCSI_P_ERROR_RECOVERY_LEVEL, "node.session.iscsi.ERL" },
		{ ISCSI_P_INITIAL_LOGIN_RETRY_MAX, "node.session.initial_login_retry_max" },
		{ ISCSI_P_INITIAL_R2T, "node.session.iscsi.InitialR2T" },
		{ ISCSI_P_FIRST_BURST_LENGTH, "node.session.iscsi.FirstBurstLength" },
		{ ISCSI_P_MAX_BURST_LENGTH, "node.session.iscsi.MaxBurstLength" },
		{ ISCSI_P_MAX_RECV_DATA_SEGMENT, "node.conn[0].iscsi.MaxRecvDataSegmentLength" },
		{ ISCSI_P_MAX_OUTSTANDING_R2T, "node.session.iscsi.MaxOutstandingR2T" },
		{ ISCSI_P_MAX_CMDS, "node.session.cmds_max" },
		{ ISCSI_P_IMMEDIATE_DATA, "node.session.iscsi.ImmediateData" },
		{ ISCSI_P_DEFAULT_TIME2RETAIN, "node.session.iscsi.DefaultTime2Retain" },
		{ ISCSI_P_DEFAULT_TIME2WAIT, "node.session.iscsi.DefaultTime2Wait" },
		{ ISCSI_P_LOGIN_TIMEOUT, "node.conn[0].timeo.login_timeout" },
		{ ISCSI_P_LOGOUT_TIMEOUT, "node.conn[0].timeo.logout_timeout" },
		{ ISCSI_P_NOOP_OUT_INTERVAL, "node.conn[0].timeo.noop_out_interval" },
		{ ISCSI_P_NOOP_OUT_TIMEOUT, "node.conn[0].timeo.noop_out_timeout" },
		{ ISCSI_P_RECOVERY_TIMEOUT, "node.session.timeo.replacement_timeout" },
		{ ISCSI_P_HEADER_DIGEST, "node.conn[0].iscsi.HeaderDigest" },
		{ ISCSI_P_DATA_DIGEST, "node.conn[0].iscsi.DataDigest" },
	};

	ck_assert_int_eq(sizeof(keys) / sizeof(keys[0]), ISCSI_PARAM_COUNT - 1);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ck_assert_str_eq(iscsi_node_key(keys[i].p), keys[i].key);
	/* DelayedAck is a route attribute, not a record key. */
	ck_assert_ptr_null(iscsi_node_key(ISCSI_P_DELAYED_ACK));
	ck_assert_ptr_null(iscsi_node_key(ISCSI_PARAM_COUNT));
}
END_TEST

struct value_case {
	enum iscsi_param p;
	long long value;
	const char *text;
};

static const struct value_case value_cases[] = {
	{ ISCSI_P_HEADER_DIGEST, ISCSI_DIGEST_PROHIBITED, "None" },
	{ ISCSI_P_HEADER_DIGEST, ISCSI_DIGEST_DISCOURAGED, "None,CRC32C" },
	{ ISCSI_P_HEADER_DIGEST, ISCSI_DIGEST_PREFERRED, "CRC32C,None" },
	{ ISCSI_P_HEADER_DIGEST, ISCSI_DIGEST_REQUIRED, "CRC32C" },
	{ ISCSI_P_DATA_DIGEST, ISCSI_DIGEST_PROHIBITED, "None" },
	{ ISCSI_P_DATA_DIGEST, ISCSI_DIGEST_DISCOURAGED, "None,CRC32C" },
	{ ISCSI_P_DATA_DIGEST, ISCSI_DIGEST_PREFERRED, "CRC32C,None" },
	{ ISCSI_P_DATA_DIGEST, ISCSI_DIGEST_REQUIRED, "CRC32C" },
	{ ISCSI_P_LOGIN_TIMEOUT, 30, "30" },
	{ ISCSI_P_MAX_RECV_DATA_SEGMENT, 65536, "65536" },
	{ ISCSI_P_RECOVERY_TIMEOUT, 120, "120" },
	{ ISCSI_P_IMMEDIATE_DATA, 1, "Yes" },
	{ ISCSI_P_INITIAL_R2T, 0, "No" },
};

START_TEST(node_values)
{
	const struct value_case *c = &value_cases[_i];
	char text[ISCSI_NODE_VALUE_MAX];
	long long back = -1;

	ck_assert_int_eq(iscsi_node_format(c->p, c->value, text, sizeof(text)), 0);
	ck_assert_str_eq(text, c->text);
	ck_assert_int_eq(iscsi_node_parse(c->p, c->text, &back), 0);
	ck_assert_int_eq(back, c->value);
}
END_TEST

START_TEST(node_values_refused)
{
	char text[ISCSI_NODE_VALUE_MAX];
	long long v;

	ck_assert_int_lt(iscsi_node_format(ISCSI_P_DELAYED_ACK, 0, text, sizeof(text)), 0);
	ck_assert_int_lt(iscsi_node_format(ISCSI_P_HEADER_DIGEST, 4, text, sizeof(text)), 0);
	ck_assert_int_lt(iscsi_node_parse(ISCSI_P_HEADER_DIGEST, "MD5", &v), 0);
	ck_assert_int_lt(iscsi_node_parse(ISCSI_P_LOGIN_TIMEOUT, "", &v), 0);
	ck_assert_int_lt(iscsi_node_parse(ISCSI_P_LOGIN_TIMEOUT, "15s", &v), 0);
	ck_assert_int_lt(iscsi_node_parse(ISCSI_P_IMMEDIATE_DATA, "true", &v), 0);
}
END_TEST

/* ---- a record's dump ---- */

static const char dump_sendtargets[] =
	"# BEGIN RECORD 2.1.8\n"
	"node.name = iqn.2024-01.lab.esxcli:array1\n"
	"node.tpgt = 1\n"
	"node.discovery_address = 10.10.1.100\n"
	"node.discovery_port = 3260\n"
	"node.discovery_type = send_targets\n"
	"node.session.initial_login_retry_max = 8\n"
	"node.session.auth.password = ********\n"
	"node.session.timeo.replacement_timeout = 120\n"
	"node.session.iscsi.ImmediateData = Yes\n"
	"node.conn[0].timeo.login_timeout = 15\n"
	"node.conn[0].timeo.logout_timeout = 15\n"
	"node.conn[0].iscsi.HeaderDigest = None\n"
	"node.conn[0].iscsi.MaxRecvDataSegmentLength = 262144\n"
	"# END RECORD\n";

START_TEST(parse_dump)
{
	struct iscsi_node_record rec = { 0 };

	iscsi_node_record_parse_dump(dump_sendtargets, &rec);
	ck_assert_str_eq(rec.discovery_address, "10.10.1.100");
	ck_assert_uint_eq(rec.discovery_port, 3260);
	ck_assert_str_eq(rec.values[ISCSI_P_LOGIN_TIMEOUT], "15");
	ck_assert_str_eq(rec.values[ISCSI_P_LOGOUT_TIMEOUT], "15");
	ck_assert_str_eq(rec.values[ISCSI_P_RECOVERY_TIMEOUT], "120");
	ck_assert_str_eq(rec.values[ISCSI_P_INITIAL_LOGIN_RETRY_MAX], "8");
	ck_assert_str_eq(rec.values[ISCSI_P_HEADER_DIGEST], "None");
	ck_assert_str_eq(rec.values[ISCSI_P_IMMEDIATE_DATA], "Yes");
	ck_assert_str_eq(rec.values[ISCSI_P_MAX_RECV_DATA_SEGMENT], "262144");
	ck_assert_str_eq(rec.values[ISCSI_P_NOOP_OUT_TIMEOUT], "");
	ck_assert_str_eq(rec.values[ISCSI_P_DELAYED_ACK], "");

	/* A static record has no parent, whatever it carries. */
	iscsi_node_record_parse_dump("node.discovery_address = <empty>\n"
				"node.discovery_port = 0\n"
				"node.discovery_type = static\n"
				"node.conn[0].timeo.login_timeout = 5", &rec);
	ck_assert_str_eq(rec.discovery_address, "");
	ck_assert_uint_eq(rec.discovery_port, 0);
	ck_assert_str_eq(rec.values[ISCSI_P_LOGIN_TIMEOUT], "5");
	ck_assert_str_eq(rec.values[ISCSI_P_RECOVERY_TIMEOUT], "");
}
END_TEST

/* ---- which records a change reaches ---- */

#define ST1 "10.10.1.100"
#define ST2 "10.10.2.100"
#define T1 "iqn.2024-01.lab.esxcli:array1"
#define T2 "iqn.2024-01.lab.esxcli:array2"
#define T3 "iqn.2024-01.lab.esxcli:array3"

static void add_binding(struct model *m, const char *vmk)
{
	struct iscsi_binding *b = model_iscsi_add_binding(m);

	ck_assert_ptr_nonnull(b);
	snprintf(b->vmk, sizeof(b->vmk), "%s", vmk);
}

static void add_sendtarget(struct model *m, const char *address)
{
	struct iscsi_sendtarget *st = model_iscsi_add_sendtarget(m);

	ck_assert_ptr_nonnull(st);
	snprintf(st->address, sizeof(st->address), "%s", address);
	st->port = 3260;
}

static struct iscsi_target_portal *add_portal(struct model *m, const char *address,
					      const char *name)
{
	struct iscsi_target_portal *tp = model_iscsi_add_portal(m);

	ck_assert_ptr_nonnull(tp);
	snprintf(tp->address, sizeof(tp->address), "%s", address);
	tp->port = 3260;
	snprintf(tp->name, sizeof(tp->name), "%s", name);
	return tp;
}

static void set_param(struct iscsi_settings *s, enum iscsi_param p, long long v)
{
	s->params[p].set = true;
	s->params[p].value = v;
}

static struct iscsi_node_record record(const char *target, const char *address, const char *iface,
				  const char *parent)
{
	struct iscsi_node_record r;

	memset(&r, 0, sizeof(r));
	snprintf(r.target, sizeof(r.target), "%s", target);
	snprintf(r.address, sizeof(r.address), "%s", address);
	r.port = 3260;
	snprintf(r.iface, sizeof(r.iface), "%s", iface);
	snprintf(r.discovery_address, sizeof(r.discovery_address), "%s", parent);
	r.discovery_port = parent[0] ? 3260 : 0;
	return r;
}

/* Two bindings; sendtarget ST1 found T1 and T2 at ST1 through both; a
 * static target T1 at ST2; a record through an iface that is no binding;
 * sendtarget ST2 (no records). */
enum { R_T1_VMK1, R_T1_VMK2, R_T2_VMK1, R_T2_VMK2, R_STATIC_VMK1, R_STATIC_VMK2, R_FOREIGN,
       NRECS };

static void fixture(struct model *m, struct iscsi_node_record *recs)
{
	struct iscsi_static_target *t;

	memset(m, 0, sizeof(*m));
	model_iscsi_defaults(&m->iscsi);
	m->iscsi.enabled = true;
	add_binding(m, "vmk1");
	add_binding(m, "vmk2");
	add_sendtarget(m, ST1);
	add_sendtarget(m, ST2);
	t = model_iscsi_add_static(m);
	ck_assert_ptr_nonnull(t);
	snprintf(t->address, sizeof(t->address), ST2);
	t->port = 3260;
	snprintf(t->name, sizeof(t->name), T1);
	recs[R_T1_VMK1] = record(T1, ST1, "vmk1", ST1);
	recs[R_T1_VMK2] = record(T1, ST1, "vmk2", ST1);
	recs[R_T2_VMK1] = record(T2, ST1, "vmk1", ST1);
	recs[R_T2_VMK2] = record(T2, ST1, "vmk2", ST1);
	recs[R_STATIC_VMK1] = record(T1, ST2, "vmk1", "");
	recs[R_STATIC_VMK2] = record(T1, ST2, "vmk2", "");
	recs[R_FOREIGN] = record(T1, ST1, "eth9", ST1);
}

static unsigned reached(const struct model *m, enum iscsi_level level, const char *address,
			const char *name, enum iscsi_param p, const struct iscsi_node_record *recs)
{
	struct iscsi_level_ref at = { .level = level, .port = 3260 };
	unsigned mask = 0;

	snprintf(at.address, sizeof(at.address), "%s", address);
	snprintf(at.name, sizeof(at.name), "%s", name);
	for (int i = 0; i < NRECS; i++) {
		if (iscsi_apply_reaches(m, &at, p, &recs[i]))
			mask |= 1u << i;
	}
	return mask;
}

#define BIT(r) (1u << (r))

START_TEST(ownership)
{
	struct iscsi_node_record recs[NRECS], other;
	struct model m;

	fixture(&m, recs);
	for (int i = 0; i < R_FOREIGN; i++)
		ck_assert(iscsi_apply_owned(&m, &recs[i]));
	ck_assert(!iscsi_apply_owned(&m, &recs[R_FOREIGN]));
	ck_assert_ptr_eq(iscsi_apply_parent(&m, &recs[R_T1_VMK1]), &m.iscsi.sendtargets[0]);
	ck_assert_ptr_null(iscsi_apply_parent(&m, &recs[R_STATIC_VMK1]));

	/* Without bindings: the default iface, for its own targets only. */
	model_iscsi_remove_binding(&m, "vmk1");
	model_iscsi_remove_binding(&m, "vmk2");
	ck_assert(!iscsi_apply_owned(&m, &recs[R_T1_VMK1]));
	other = record(T2, ST1, "default", ST1);
	ck_assert(iscsi_apply_owned(&m, &other));
	other = record(T1, ST2, "default", "");
	ck_assert(iscsi_apply_owned(&m, &other));
	other = record(T3, "10.9.9.9", "default", "");
	ck_assert(!iscsi_apply_owned(&m, &other));
	other = record(T3, "10.9.9.9", "default", "10.9.9.9");
	ck_assert(!iscsi_apply_owned(&m, &other));
	model_free(&m);
}
END_TEST

START_TEST(reach_of_each_level)
{
	const enum iscsi_param lt = ISCSI_P_LOGIN_TIMEOUT;
	struct iscsi_node_record recs[NRECS];
	struct model m;
	unsigned all = BIT(R_T1_VMK1) | BIT(R_T1_VMK2) | BIT(R_T2_VMK1) | BIT(R_T2_VMK2) |
		       BIT(R_STATIC_VMK1) | BIT(R_STATIC_VMK2);

	fixture(&m, recs);
	/* Nothing set below: the adapter reaches every owned record. */
	ck_assert_uint_eq(reached(&m, ISCSI_FROM_ADAPTER, "", "", lt, recs), all);
	/* A sendtarget: the records it discovered, not the static ones. */
	ck_assert_uint_eq(reached(&m, ISCSI_FROM_SENDTARGET, ST1, "", lt, recs),
			  BIT(R_T1_VMK1) | BIT(R_T1_VMK2) | BIT(R_T2_VMK1) | BIT(R_T2_VMK2));
	ck_assert_uint_eq(reached(&m, ISCSI_FROM_SENDTARGET, ST2, "", lt, recs), 0);
	/* A portal: that target at that portal, through every iface. */
	ck_assert_uint_eq(reached(&m, ISCSI_FROM_PORTAL, ST1, T1, lt, recs),
			  BIT(R_T1_VMK1) | BIT(R_T1_VMK2));
	ck_assert_uint_eq(reached(&m, ISCSI_FROM_PORTAL, ST2, T1, lt, recs),
			  BIT(R_STATIC_VMK1) | BIT(R_STATIC_VMK2));

	/* Set at the sendtarget: the adapter no longer reaches its records. */
	set_param(&m.iscsi.sendtargets[0].settings, lt, 30);
	ck_assert_uint_eq(reached(&m, ISCSI_FROM_ADAPTER, "", "", lt, recs),
			  BIT(R_STATIC_VMK1) | BIT(R_STATIC_VMK2));
	/* ... for that key only. */
	ck_assert_uint_eq(reached(&m, ISCSI_FROM_ADAPTER, "", "", ISCSI_P_NOOP_OUT_TIMEOUT, recs),
			  all);
	/* Set at T2's portal: neither adapter nor sendtarget reach it. */
	set_param(&add_portal(&m, ST1, T2)->settings, lt, 40);
	ck_assert_uint_eq(reached(&m, ISCSI_FROM_SENDTARGET, ST1, "", lt, recs),
			  BIT(R_T1_VMK1) | BIT(R_T1_VMK2));
	ck_assert_uint_eq(reached(&m, ISCSI_FROM_PORTAL, ST1, T2, lt, recs),
			  BIT(R_T2_VMK1) | BIT(R_T2_VMK2));
	/* Names compare without case. */
	ck_assert_uint_eq(reached(&m, ISCSI_FROM_PORTAL, ST1, "IQN.2024-01.LAB.ESXCLI:ARRAY2", lt,
				  recs),
			  BIT(R_T2_VMK1) | BIT(R_T2_VMK2));
	model_free(&m);
}
END_TEST

START_TEST(updates_of_a_record)
{
	struct iscsi_node_update up[ISCSI_PARAM_COUNT];
	struct iscsi_node_record recs[NRECS];
	struct model m;
	size_t n;

	fixture(&m, recs);
	/* A fresh record from iscsid.conf: everything but what matches. */
	iscsi_node_record_parse_dump("node.discovery_address = 10.10.1.100\n"
				"node.discovery_port = 3260\n"
				"node.discovery_type = send_targets\n"
				"node.session.iscsi.FirstBurstLength = 262144\n"
				"node.session.iscsi.MaxBurstLength = 16776192\n"
				"node.session.iscsi.MaxOutstandingR2T = 1\n"
				"node.session.timeo.replacement_timeout = 120\n"
				"node.conn[0].timeo.login_timeout = 15\n"
				"node.conn[0].timeo.noop_out_interval = 5\n"
				"node.conn[0].timeo.noop_out_timeout = 5\n"
				"node.conn[0].iscsi.MaxRecvDataSegmentLength = 262144\n"
				"node.conn[0].iscsi.HeaderDigest = None\n"
				"node.conn[0].iscsi.DataDigest = None\n",
				&recs[R_T1_VMK1]);
	n = iscsi_apply_updates(&m, &recs[R_T1_VMK1], ISCSI_APPLY_ALL, false, up);
	ck_assert_uint_eq(n, 6);
	ck_assert_str_eq(up[0].key, "node.session.iscsi.MaxBurstLength");
	ck_assert_str_eq(up[0].value, "262144");
	ck_assert_str_eq(up[1].key, "node.conn[0].iscsi.MaxRecvDataSegmentLength");
	ck_assert_str_eq(up[1].value, "65536");
	ck_assert_str_eq(up[2].key, "node.conn[0].timeo.login_timeout");
	ck_assert_str_eq(up[2].value, "5");
	ck_assert_str_eq(up[3].value, "15");
	ck_assert_str_eq(up[4].value, "10");
	ck_assert_str_eq(up[5].key, "node.session.timeo.replacement_timeout");
	ck_assert_str_eq(up[5].value, "10");

	/* The sendtarget's value, and a digest in open-iscsi's words. */
	set_param(&m.iscsi.sendtargets[0].settings, ISCSI_P_LOGIN_TIMEOUT, 30);
	set_param(&m.iscsi.settings, ISCSI_P_DATA_DIGEST, ISCSI_DIGEST_PREFERRED);
	n = iscsi_apply_updates(&m, &recs[R_T1_VMK1],
				ISCSI_APPLY_ONE(ISCSI_P_LOGIN_TIMEOUT) |
				ISCSI_APPLY_ONE(ISCSI_P_DATA_DIGEST), false, up);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(up[0].value, "30");
	ck_assert_str_eq(up[1].key, "node.conn[0].iscsi.DataDigest");
	ck_assert_str_eq(up[1].value, "CRC32C,None");
	/* The static record does not inherit from the sendtarget. */
	n = iscsi_apply_updates(&m, &recs[R_STATIC_VMK1], ISCSI_APPLY_ONE(ISCSI_P_LOGIN_TIMEOUT),
				false, up);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(up[0].value, "5");
	/* Held already: nothing, unless forced. */
	snprintf(recs[R_STATIC_VMK1].values[ISCSI_P_LOGIN_TIMEOUT], ISCSI_NODE_VALUE_MAX, "5");
	ck_assert_uint_eq(iscsi_apply_updates(&m, &recs[R_STATIC_VMK1],
					      ISCSI_APPLY_ONE(ISCSI_P_LOGIN_TIMEOUT), false, up), 0);
	ck_assert_uint_eq(iscsi_apply_updates(&m, &recs[R_STATIC_VMK1],
					      ISCSI_APPLY_ONE(ISCSI_P_LOGIN_TIMEOUT), true, up), 1);
	/* Neither DelayedAck nor a key esxcli cannot set. */
	ck_assert_uint_eq(iscsi_apply_updates(&m, &recs[R_STATIC_VMK1],
					      ISCSI_APPLY_ONE(ISCSI_P_DELAYED_ACK) |
					      ISCSI_APPLY_ONE(ISCSI_P_MAX_CMDS), true, up), 0);
	model_free(&m);
}
END_TEST

static Suite *apply_suite(void)
{
	Suite *s = suite_create("iscsi_apply");
	TCase *map = tcase_create("node_params");
	TCase *apply = tcase_create("apply");

	tcase_add_test(map, node_keys);
	tcase_add_loop_test(map, node_values, 0, sizeof(value_cases) / sizeof(value_cases[0]));
	tcase_add_test(map, node_values_refused);
	tcase_add_test(map, parse_dump);
	suite_add_tcase(s, map);
	tcase_add_test(apply, ownership);
	tcase_add_test(apply, reach_of_each_level);
	tcase_add_test(apply, updates_of_a_record);
	suite_add_tcase(s, apply);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(apply_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
