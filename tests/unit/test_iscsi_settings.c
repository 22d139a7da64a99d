/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of ESXi's iSCSI parameter table (keys, defaults, ranges, text
 * forms) and of the inheritance of settings from adapter to sendtarget to
 * target portal.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsi_params.h"
#include "iscsi_settings.h"
#include "model.h"

struct parse_case {
	const char *key;
	const char *text;
	int ret;
	long long value;
	const char *formatted;
};

static const struct parse_case parse_cases[] = {
	{ "LoginTimeout", "30", 0, 30, "30" },
	{ "logintimeout", "1", 0, 1, "1" },
	{ "LoginTimeout", "60", 0, 60, "60" },
	{ "LoginTimeout", "0", -EINVAL, 0, NULL },
	{ "LoginTimeout", "61", -EINVAL, 0, NULL },
	{ "LoginTimeout", "3O", -EINVAL, 0, NULL },
	{ "LoginTimeout", "", -EINVAL, 0, NULL },
	{ "NoopOutTimeout", "9", -EINVAL, 0, NULL },
	{ "NoopOutTimeout", "10", 0, 10, "10" },
	{ "MaxRecvDataSegment", "16777215", 0, 16777215, "16777215" },
	{ "MaxRecvDataSegment", "16777216", -EINVAL, 0, NULL },
	{ "DelayedAck", "false", 0, 0, "false" },
	{ "DelayedAck", "TRUE", 0, 1, "true" },
	{ "DelayedAck", "yes", -EINVAL, 0, NULL },
	{ "HeaderDigest", "required", 0, ISCSI_DIGEST_REQUIRED, "required" },
	{ "DataDigest", "Discouraged", 0, ISCSI_DIGEST_DISCOURAGED, "discouraged" },
	{ "DataDigest", "crc32c", -EINVAL, 0, NULL },
};

START_TEST(parse_and_format)
{
	const struct parse_case *c = &parse_cases[_i];
	int p = iscsi_param_lookup(c->key);
	const char *why = NULL;
	long long v = -1;
	char text[32];

	ck_assert_int_ge(p, 0);
	ck_assert_int_eq(iscsi_param_parse(p, c->text, &v, &why), c->ret);
	if (c->ret < 0) {
		ck_assert_ptr_nonnull(why);
		return;
	}
	ck_assert_int_eq(v, c->value);
	iscsi_param_format(p, v, text, sizeof(text));
	ck_assert_str_eq(text, c->formatted);
}
END_TEST

/* ESXi's table (ESXCLI.md §3.6): row order, defaults, what is settable. */
START_TEST(table_is_esxi_s)
{
	static const char *const order[] = {
		"ErrorRecoveryLevel", "InitialLoginRetryMax", "InitialR2T", "FirstBurstLength",
		"MaxBurstLength", "MaxRecvDataSegment", "MaxOutstandingR2T", "MaxCmds",
		"ImmediateData", "DefaultTime2Retain", "DefaultTime2Wait", "LoginTimeout",
		"LogoutTimeout", "NoopOutInterval", "NoopOutTimeout", "RecoveryTimeout",
		"DelayedAck", "HeaderDigest", "DataDigest",
	};

	ck_assert_int_eq(sizeof(order) / sizeof(order[0]), ISCSI_PARAM_COUNT);
	for (int p = 0; p < ISCSI_PARAM_COUNT; p++)
		ck_assert_str_eq(iscsi_param_def(p)->key, order[p]);
	ck_assert_int_eq(iscsi_param_def(ISCSI_P_LOGIN_TIMEOUT)->def, 5);
	ck_assert_int_eq(iscsi_param_def(ISCSI_P_RECOVERY_TIMEOUT)->max, 120);
	ck_assert_int_eq(iscsi_param_def(ISCSI_P_DELAYED_ACK)->def, 1);
	ck_assert(iscsi_param_def(ISCSI_P_DELAYED_ACK)->settable);
	ck_assert(!iscsi_param_def(ISCSI_P_MAX_CMDS)->settable);
	ck_assert(!iscsi_param_def(ISCSI_P_ERROR_RECOVERY_LEVEL)->settable);
	ck_assert_int_eq(iscsi_param_lookup("NoSuchKey"), -1);
	ck_assert_ptr_null(iscsi_param_def(ISCSI_PARAM_COUNT));
}
END_TEST

static void set_param(struct iscsi_settings *s, enum iscsi_param p, long long v)
{
	s->params[p].set = true;
	s->params[p].value = v;
}

/* Each level overrides what it sets and inherits the rest. */
START_TEST(inheritance)
{
	struct model m = { 0 };
	struct iscsi_sendtarget *st;
	struct iscsi_target_portal *tp;
	struct iscsi_effective e;

	model_iscsi_defaults(&m.iscsi);
	st = model_iscsi_add_sendtarget(&m);
	ck_assert_ptr_nonnull(st);
	snprintf(st->address, sizeof(st->address), "10.10.1.100");
	st->port = 3260;
	tp = model_iscsi_add_portal(&m);
	ck_assert_ptr_nonnull(tp);
	st = &m.iscsi.sendtargets[0];

	/* Nothing set: ESXi's defaults, CHAP prohibited. */
	iscsi_settings_resolve(&m, st, tp, &e);
	ck_assert_int_eq(e.params[ISCSI_P_LOGIN_TIMEOUT], 5);
	ck_assert_int_eq(e.param_from[ISCSI_P_LOGIN_TIMEOUT], ISCSI_FROM_DEFAULT);
	ck_assert(!e.chap[CHAP_UNI].set);
	ck_assert_int_eq(e.chap[CHAP_UNI].level, CHAP_PROHIBITED);

	set_param(&m.iscsi.settings, ISCSI_P_LOGIN_TIMEOUT, 20);
	set_param(&m.iscsi.settings, ISCSI_P_DELAYED_ACK, 0);
	set_param(&st->settings, ISCSI_P_LOGIN_TIMEOUT, 30);
	set_param(&tp->settings, ISCSI_P_DELAYED_ACK, 1);
	st->settings.chap[CHAP_UNI] = (struct iscsi_chap_setting){ true, CHAP_REQUIRED, "u", "s" };

	iscsi_settings_resolve(&m, NULL, NULL, &e);
	ck_assert_int_eq(e.params[ISCSI_P_LOGIN_TIMEOUT], 20);
	ck_assert_int_eq(e.param_from[ISCSI_P_LOGIN_TIMEOUT], ISCSI_FROM_ADAPTER);
	ck_assert(!e.chap[CHAP_UNI].set);

	iscsi_settings_resolve(&m, st, NULL, &e);
	ck_assert_int_eq(e.params[ISCSI_P_LOGIN_TIMEOUT], 30);
	ck_assert_int_eq(e.param_from[ISCSI_P_LOGIN_TIMEOUT], ISCSI_FROM_SENDTARGET);
	ck_assert_int_eq(e.params[ISCSI_P_DELAYED_ACK], 0);
	ck_assert_int_eq(e.param_from[ISCSI_P_DELAYED_ACK], ISCSI_FROM_ADAPTER);
	ck_assert(e.chap[CHAP_UNI].set);
	ck_assert_str_eq(e.chap[CHAP_UNI].secret, "s");

	/* A portal discovered through st: its own DelayedAck, st's timeout. */
	iscsi_settings_resolve(&m, st, tp, &e);
	ck_assert_int_eq(e.params[ISCSI_P_DELAYED_ACK], 1);
	ck_assert_int_eq(e.param_from[ISCSI_P_DELAYED_ACK], ISCSI_FROM_PORTAL);
	ck_assert_int_eq(e.params[ISCSI_P_LOGIN_TIMEOUT], 30);
	ck_assert_int_eq(e.chap_from[CHAP_UNI], ISCSI_FROM_SENDTARGET);

	/* A static target's portal: no sendtarget between it and the adapter. */
	iscsi_settings_resolve(&m, NULL, tp, &e);
	ck_assert_int_eq(e.params[ISCSI_P_LOGIN_TIMEOUT], 20);
	ck_assert(!e.chap[CHAP_UNI].set);

	/* --inherit at the sendtarget: the adapter's value again. */
	st->settings.params[ISCSI_P_LOGIN_TIMEOUT].set = false;
	iscsi_settings_resolve(&m, st, tp, &e);
	ck_assert_int_eq(e.params[ISCSI_P_LOGIN_TIMEOUT], 20);

	ck_assert_ptr_eq(iscsi_settings_parent(&m, "10.10.1.100", 3260), st);
	ck_assert_ptr_null(iscsi_settings_parent(&m, "10.10.1.100", 3261));
	ck_assert_ptr_null(iscsi_settings_parent(&m, "", 0));
	ck_assert_ptr_null(iscsi_settings_parent(&m, "not an address", 3260));
	model_free(&m);
}
END_TEST

static Suite *settings_suite(void)
{
	Suite *s = suite_create("iscsi_settings");
	TCase *params = tcase_create("params");
	TCase *levels = tcase_create("levels");

	tcase_add_loop_test(params, parse_and_format, 0,
			    sizeof(parse_cases) / sizeof(parse_cases[0]));
	tcase_add_test(params, table_is_esxi_s);
	suite_add_tcase(s, params);
	tcase_add_test(levels, inheritance);
	suite_add_tcase(s, levels);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(settings_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
