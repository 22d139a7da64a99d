/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of iSCSI names: RFC 3720's iqn., eui. and naa. formats accepted,
 * everything that could break a file line, a path or an argument refused,
 * aliases, and the names the daemon makes.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iqn.h"

struct name_case {
	const char *name;
	bool valid;
};

static const struct name_case name_cases[] = {
	/* RFC 3720's own examples and names seen on real systems. */
	{ "iqn.2001-04.com.example", true },
	{ "iqn.2001-04.com.example:storage:diskarrays-sn-a8675309", true },
	{ "iqn.2001-04.com.example:storage.tape1.sys1.xyz", true },
	{ "iqn.1998-01.com.vmware:esxlab-01", true },
	{ "iqn.1998-01.com.vmware:ESXI-1-113d8999", true },
	{ "iqn.2005-03.org.open-iscsi:0123456789ab", true },
	{ "iqn.1993-08.org.debian:01:f226da5acdf7", true },
	{ "iqn.2024-01.lab.esxcli:array1", true },
	{ "iqn.2010-09.org.openindiana:02:4f4dd4c2-3d3d-e2ad-a1d3", true },
	{ "eui.02004567A425678D", true },
	{ "eui.02004567a425678d", true },
	{ "naa.52004567BA64678D", true },
	{ "naa.62004567BA64678D0123456789ABCDEF", true },
	/* Refused. */
	{ "", false },
	{ "iqn", false },
	{ "iqn.", false },
	{ "iqn.2001-04", false },
	{ "iqn.2001-04.", false },
	{ "iqn.2001-4.com.example", false },
	{ "iqn.01-04.com.example", false },
	{ "iqn.2001-00.com.example", false },
	{ "iqn.2001-13.com.example", false },
	{ "iqn.2001-04com.example", false },
	{ "iqn.2001-04.com..example", false },
	{ "iqn.2001-04.com.example.", false },
	{ "iqn.2001-04.:x", false },
	{ "iqn.2001-04.com.example:a b", false },
	{ "iqn.2001-04.com.example:a/b", false },
	{ "iqn.2001-04.com.example:../../etc", false },
	{ "iqn.2001-04.com.example:x\ny", false },
	{ "iqn.2001-04.com.example:x=y", false },
	{ "iqn.2001-04.com.example:x_y", false },
	{ "iqn.2001-04.com.exa_mple", false },
	{ "IQN.2001-04.com.example", false },
	{ "iqn.2001-04.com.example:caf\xc3\xa9", false },
	{ "-iqn.2001-04.com.example", false },
	{ "eui.02004567A425678", false },
	{ "eui.02004567A425678DD", false },
	{ "eui.02004567A425678G", false },
	{ "naa.52004567BA64678D01", false },
	{ "naa.", false },
	{ "vmhba64", false },
};

START_TEST(names_table)
{
	const struct name_case *c = &name_cases[_i];
	const char *why = iqn_invalid_reason(c->name);

	ck_assert_msg((why == NULL) == c->valid, "'%s': expected %s, got %s", c->name,
		      c->valid ? "valid" : "invalid", why ? why : "valid");
	ck_assert(iqn_valid(c->name) == c->valid);
}
END_TEST

START_TEST(reasons_say_what_is_wrong)
{
	ck_assert_ptr_null(iqn_invalid_reason("iqn.2001-04.com.example"));
	ck_assert_str_eq(iqn_invalid_reason(NULL), "the name is empty");
	ck_assert(strstr(iqn_invalid_reason("iqn.2001-13.com.example"), "month") != NULL);
	ck_assert(strstr(iqn_invalid_reason("iqn.2001-04.com.example:a b"), "letters, digits") != NULL);
	ck_assert(strstr(iqn_invalid_reason("foo"), "iqn., eui. or naa.") != NULL);
	ck_assert(strstr(iqn_invalid_reason("eui.12"), "16 hexadecimal") != NULL);
}
END_TEST

START_TEST(length_limit_is_223)
{
	char name[300];
	size_t prefix;

	snprintf(name, sizeof(name), "iqn.2001-04.com.example:");
	prefix = strlen(name);
	memset(name + prefix, 'a', 223 - prefix);
	name[223] = '\0';
	ck_assert_ptr_null(iqn_invalid_reason(name));
	name[223] = 'a';
	name[224] = '\0';
	ck_assert_str_eq(iqn_invalid_reason(name), "an iSCSI name has at most 223 characters");
}
END_TEST

START_TEST(aliases)
{
	char longest[ISCSI_ALIAS_MAX + 1];

	ck_assert_ptr_null(iqn_alias_invalid_reason(""));
	ck_assert_ptr_null(iqn_alias_invalid_reason(NULL));
	ck_assert_ptr_null(iqn_alias_invalid_reason("esx-lab_01.example"));
	ck_assert_ptr_nonnull(iqn_alias_invalid_reason("two words"));
	ck_assert_ptr_nonnull(iqn_alias_invalid_reason("tab\there"));
	ck_assert_ptr_nonnull(iqn_alias_invalid_reason("line\nInitiatorName=iqn.2001-04.com.evil"));
	ck_assert_ptr_nonnull(iqn_alias_invalid_reason("caf\xc3\xa9"));
	memset(longest, 'x', sizeof(longest));
	longest[ISCSI_ALIAS_MAX - 1] = '\0';
	ck_assert_ptr_null(iqn_alias_invalid_reason(longest));
	longest[ISCSI_ALIAS_MAX - 1] = 'x';
	longest[ISCSI_ALIAS_MAX] = '\0';
	ck_assert_ptr_nonnull(iqn_alias_invalid_reason(longest));
}
END_TEST

START_TEST(generated_names_are_valid)
{
	const unsigned char bytes[6] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab };
	const unsigned char ones[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	char name[ISCSI_NAME_MAX];

	iqn_generate(bytes, name, sizeof(name));
	ck_assert_str_eq(name, "iqn.2005-03.org.open-iscsi:0123456789ab");
	ck_assert(iqn_valid(name));
	iqn_generate(ones, name, sizeof(name));
	ck_assert_str_eq(name, "iqn.2005-03.org.open-iscsi:ffffffffffff");
	ck_assert(iqn_valid(name));
}
END_TEST

static Suite *iqn_suite(void)
{
	Suite *s = suite_create("iqn");
	TCase *tc = tcase_create("names");

	tcase_add_loop_test(tc, names_table, 0, sizeof(name_cases) / sizeof(name_cases[0]));
	tcase_add_test(tc, reasons_say_what_is_wrong);
	tcase_add_test(tc, length_limit_is_223);
	tcase_add_test(tc, aliases);
	tcase_add_test(tc, generated_names_are_valid);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(iqn_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
