/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of CHAP in open-iscsi's terms: which records are the
 * daemon's, the auth lines each gets through ESXi's inheritance (adapter,
 * sendtarget, target portal), and the rules a combination must follow.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsi_chap.h"
#include "model.h"

#define TARGET "iqn.2024-01.lab.esxcli:chap"

static struct model m;

static void set_chap(struct iscsi_settings *s, enum chap_direction d, enum chap_level level,
		     const char *name, const char *secret)
{
	s->chap[d].set = true;
	s->chap[d].level = level;
	snprintf(s->chap[d].name, sizeof(s->chap[d].name), "%s", name);
	snprintf(s->chap[d].secret, sizeof(s->chap[d].secret), "%s", secret);
}

static void setup(void)
{
	struct iscsi_sendtarget *st;
	struct iscsi_static_target *t;
	struct iscsi_binding *b;

	memset(&m, 0, sizeof(m));
	model_iscsi_defaults(&m.iscsi);
	m.iscsi.enabled = true;
	b = model_iscsi_add_binding(&m);
	ck_assert_ptr_nonnull(b);
	snprintf(b->vmk, sizeof(b->vmk), "vmk1");
	st = model_iscsi_add_sendtarget(&m);
	ck_assert_ptr_nonnull(st);
	snprintf(st->address, sizeof(st->address), "10.10.3.100");
	st->port = 3260;
	t = model_iscsi_add_static(&m);
	ck_assert_ptr_nonnull(t);
	snprintf(t->address, sizeof(t->address), "10.10.2.100");
	t->port = 3260;
	snprintf(t->name, sizeof(t->name), "iqn.2024-01.lab.esxcli:array2");
}

static void teardown(void)
{
	model_free(&m);
}

static struct iscsi_record discovered(const char *iface)
{
	struct iscsi_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.kind = ISCSI_RECORD_NODE;
	snprintf(rec.target, sizeof(rec.target), TARGET);
	snprintf(rec.address, sizeof(rec.address), "10.10.3.100");
	rec.port = 3260;
	snprintf(rec.iface, sizeof(rec.iface), "%s", iface);
	rec.discovered = true;
	snprintf(rec.discovery_address, sizeof(rec.discovery_address), "10.10.3.100");
	rec.discovery_port = 3260;
	return rec;
}

START_TEST(ownership)
{
	struct iscsi_record rec = discovered("vmk1");
	struct iscsi_auth a;

	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 1);
	ck_assert(!a.chap);                    /* nothing set: prohibited */
	rec = discovered("default");
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 1);
	rec = discovered("someones");          /* an iface esxclid did not make */
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 0);
	rec = discovered("vmk1");
	snprintf(rec.discovery_address, sizeof(rec.discovery_address), "10.9.9.9");
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 0);   /* not our sendtarget */

	/* A static record of a static target is ours; of another, not. */
	memset(&rec, 0, sizeof(rec));
	rec.kind = ISCSI_RECORD_NODE;
	snprintf(rec.target, sizeof(rec.target), "IQN.2024-01.lab.esxcli:array2");
	snprintf(rec.address, sizeof(rec.address), "10.10.2.100");
	rec.port = 3260;
	snprintf(rec.iface, sizeof(rec.iface), "vmk1");
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 1);
	rec.port = 3261;
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 0);

	/* SendTargets records: of our sendtargets only. */
	memset(&rec, 0, sizeof(rec));
	rec.kind = ISCSI_RECORD_SENDTARGETS;
	snprintf(rec.address, sizeof(rec.address), "10.10.3.100");
	rec.port = 3260;
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 1);
	rec.port = 3261;
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 0);

	/* Software iSCSI off: nothing is the daemon's to write. */
	rec.port = 3260;
	m.iscsi.enabled = false;
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 0);
}
END_TEST

START_TEST(inheritance_to_records)
{
	struct iscsi_record rec = discovered("vmk1"), st_rec;
	struct iscsi_target_portal *tp;
	struct iscsi_auth a;

	set_chap(&m.iscsi.settings, CHAP_UNI, CHAP_REQUIRED, "adapter-user", "adapter-secret");
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 1);
	ck_assert(a.chap);
	ck_assert_str_eq(a.username, "adapter-user");
	ck_assert_str_eq(a.password, "adapter-secret");
	ck_assert_str_eq(a.username_in, "");

	/* The sendtarget's own setting wins, for its records and its own. */
	set_chap(&m.iscsi.sendtargets[0].settings, CHAP_UNI, CHAP_PREFERRED, "st-user",
		 "st-secret-123");
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 1);
	ck_assert_str_eq(a.username, "st-user");
	memset(&st_rec, 0, sizeof(st_rec));
	st_rec.kind = ISCSI_RECORD_SENDTARGETS;
	snprintf(st_rec.address, sizeof(st_rec.address), "10.10.3.100");
	st_rec.port = 3260;
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &st_rec, &a), 1);
	ck_assert(a.chap);
	ck_assert_str_eq(a.password, "st-secret-123");

	/* The portal's over both; mutual adds the incoming pair. */
	tp = model_iscsi_add_portal(&m);
	ck_assert_ptr_nonnull(tp);
	snprintf(tp->address, sizeof(tp->address), "10.10.3.100");
	tp->port = 3260;
	snprintf(tp->name, sizeof(tp->name), TARGET);
	set_chap(&tp->settings, CHAP_UNI, CHAP_REQUIRED, "tp-user", "tp-secret-123");
	set_chap(&tp->settings, CHAP_MUTUAL, CHAP_REQUIRED, "array", "array-secret");
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 1);
	ck_assert_str_eq(a.username, "tp-user");
	ck_assert_str_eq(a.username_in, "array");
	ck_assert_str_eq(a.password_in, "array-secret");
	/* ... not for the SendTargets record. */
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &st_rec, &a), 1);
	ck_assert_str_eq(a.username, "st-user");
	ck_assert_str_eq(a.username_in, "");

	/* Prohibited at the portal: None and no credentials at all. */
	set_chap(&tp->settings, CHAP_UNI, CHAP_PROHIBITED, "", "");
	set_chap(&tp->settings, CHAP_MUTUAL, CHAP_PROHIBITED, "", "");
	ck_assert_int_eq(iscsi_chap_record_auth(&m, &rec, &a), 1);
	ck_assert(!a.chap);
	ck_assert_str_eq(a.username, "");
	ck_assert_str_eq(a.password, "");
}
END_TEST

static int check(enum chap_level uni, const char *name, const char *secret, enum chap_level mutual,
		 struct esx_err *err)
{
	struct iscsi_effective e;

	memset(&e, 0, sizeof(e));
	e.chap[CHAP_UNI].level = uni;
	snprintf(e.chap[CHAP_UNI].name, sizeof(e.chap[CHAP_UNI].name), "%s", name);
	snprintf(e.chap[CHAP_UNI].secret, sizeof(e.chap[CHAP_UNI].secret), "%s", secret);
	e.chap[CHAP_MUTUAL].level = mutual;
	snprintf(e.chap[CHAP_MUTUAL].name, sizeof(e.chap[CHAP_MUTUAL].name), "array");
	snprintf(e.chap[CHAP_MUTUAL].secret, sizeof(e.chap[CHAP_MUTUAL].secret), "array-secret");
	memset(err, 0, sizeof(*err));
	return iscsi_chap_check(&e, "the adapter vmhba64", err);
}

START_TEST(rules)
{
	struct esx_err err;

	ck_assert_int_eq(check(CHAP_PROHIBITED, "", "", CHAP_PROHIBITED, &err), 0);
	ck_assert_int_eq(check(CHAP_REQUIRED, "u", "s3cret", CHAP_PROHIBITED, &err), 0);
	ck_assert_int_eq(check(CHAP_REQUIRED, "u", "s3cret", CHAP_REQUIRED, &err), 0);
	ck_assert_int_eq(check(CHAP_DISCOURAGED, "u", "s3cret", CHAP_PROHIBITED, &err), 0);

	ck_assert_int_eq(check(CHAP_PREFERRED, "u", "s3cret", CHAP_REQUIRED, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "needs unidirectional CHAP at level required"));
	ck_assert_int_eq(check(CHAP_REQUIRED, "u", "s3cret", CHAP_PREFERRED, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "only be prohibited or required"));
	ck_assert_int_eq(check(CHAP_REQUIRED, "", "s3cret", CHAP_PROHIBITED, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "needs a CHAP name"));
	ck_assert_int_eq(check(CHAP_PREFERRED, "u", "", CHAP_PROHIBITED, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "needs a CHAP secret"));
	ck_assert_int_eq(check(CHAP_REQUIRED, "u", "s3cret\nnode.x = y", CHAP_PROHIBITED, &err),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "Invalid CHAP secret"));
	ck_assert_ptr_null(strstr(err.text, "s3cret"));
}
END_TEST

static Suite *chap_suite(void)
{
	Suite *s = suite_create("iscsi_chap");
	TCase *tc = tcase_create("chap");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ownership);
	tcase_add_test(tc, inheritance_to_records);
	tcase_add_test(tc, rules);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(chap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
