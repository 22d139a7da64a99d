/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of reading a multipath map's real policy back: the kernel's
 * table lines as `dmsetup table` prints them (the lab's round-robin,
 * service-time and failover maps, queue-length, odd and broken ones), and
 * the ESXi policy worked out from them with multipathd's JSON and what was
 * asked (tables of cases), including an override that wins.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm_table.h"
#include "mpath_json.h"
#include "nmp_catalog.h"
#include "nmp_effective.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the kernel's table ---- */

START_TEST(table_round_robin)
{
	struct dm_mpath_table t;
	struct esx_err err = { 0 };

	ck_assert_int_eq(dm_mpath_table_parse(
		"multipath 1 queue_if_no_path 0 1 1 round-robin 0 2 1 8:16 1 8:32 1", &t, &err), 0);
	ck_assert_str_eq(t.features, "1 queue_if_no_path");
	ck_assert_str_eq(t.hwhandler, "0");
	ck_assert_uint_eq(t.ngroups, 1);
	ck_assert_str_eq(t.groups[0].selector, "round-robin");
	ck_assert_uint_eq(t.groups[0].npaths, 2);
	ck_assert_uint_eq(t.groups[0].repeat_count, 1);
}
END_TEST

START_TEST(table_failover_alua)
{
	struct dm_mpath_table t;
	struct esx_err err = { 0 };

	/* Two groups of one path, ALUA handler with an argument, service-time
	 * with its two path arguments. */
	ck_assert_int_eq(dm_mpath_table_parse(
		"multipath 2 queue_if_no_path retain_attached_hw_handler 1 alua 2 1 "
		"service-time 0 1 2 8:16 1 1 service-time 0 1 2 8:32 1 1", &t, &err), 0);
	ck_assert_str_eq(t.features, "2 queue_if_no_path retain_attached_hw_handler");
	ck_assert_str_eq(t.hwhandler, "1 alua");
	ck_assert_uint_eq(t.ngroups, 2);
	ck_assert_str_eq(t.groups[1].selector, "service-time");
	ck_assert_uint_eq(t.groups[1].npaths, 1);
	ck_assert_uint_eq(t.groups[0].repeat_count, 1);
}
END_TEST

START_TEST(table_selector_args)
{
	struct dm_mpath_table t;
	struct esx_err err = { 0 };

	/* A selector with arguments of its own, repeat count 1000. */
	ck_assert_int_eq(dm_mpath_table_parse(
		"multipath 0 0 1 1 queue-length 1 x 3 1 8:16 1000 8:32 1000 8:48 1000", &t, &err), 0);
	ck_assert_str_eq(t.groups[0].selector, "queue-length");
	ck_assert_uint_eq(t.groups[0].npaths, 3);
	ck_assert_uint_eq(t.groups[0].repeat_count, 1000);
}
END_TEST

static const char *const bad_tables[] = {
	"",
	"linear 8:16 0",
	"multipath",
	"multipath 1",                                       /* a feature missing */
	"multipath 0 0 1 1 round-robin 0 2 1 8:16 1",        /* a path missing */
	"multipath 0 0 1 1 round-robin 0 1 1 8:16 1 extra",  /* trailing words */
	"multipath 0 0 1 1 round-robin 0 1 1 8:16 x",        /* a repeat count not a number */
	"multipath 0 0 65 1",                                /* too many groups */
	"multipath x 0 1 1 round-robin 0 1 1 8:16 1",
};

START_TEST(table_refused)
{
	struct dm_mpath_table t;
	struct esx_err err = { 0 };

	ck_assert_int_eq(dm_mpath_table_parse(bad_tables[_i], &t, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "Unable to parse the multipath table"));
	ck_assert_uint_eq(t.ngroups, 0);
}
END_TEST

START_TEST(table_read_needs_device_mapper)
{
	struct esx_err err = { 0 };
	char *line = (char *)"unchanged";

	/* Not device-mapper's control file: the ioctl is refused, no line. */
	ck_assert_int_lt(dm_table_read("/dev/null", "36001405aa", &line, &err), 0);
	ck_assert_ptr_null(line);
	ck_assert_str_ne(err.text, "");
	err_reset(&err);
	ck_assert_int_eq(dm_table_read("/nonexistent/control", "36001405aa", &line, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.text, "/nonexistent/control"));
}
END_TEST

/* ---- the effective policy ---- */

/* A map of n groups of the given sizes, from multipathd's JSON. */
static void make_map(struct mpath_maps *maps, const char *hwhandler, const char *failback,
		     const char *selector, const unsigned *sizes, size_t ngroups)
{
	char json[4096];
	size_t used = 0;
	unsigned dev = 0;
	struct esx_err err = { 0 };

	used += (size_t)snprintf(json + used, sizeof(json) - used,
				 "{\"map\": {\"name\": \"m\", \"uuid\": \"36001405aa\", \"hwhandler\": \"%s\","
				 " \"failback\": \"%s\", \"path_groups\": [", hwhandler, failback);
	for (size_t g = 0; g < ngroups; g++) {
		used += (size_t)snprintf(json + used, sizeof(json) - used,
					 "%s{\"selector\": \"%s\", \"dm_st\": \"%s\", \"paths\": [",
					 g ? ", " : "", selector, g ? "enabled" : "active");
		for (unsigned p = 0; p < sizes[g]; p++, dev++)
			used += (size_t)snprintf(json + used, sizeof(json) - used,
						 "%s{\"dev\": \"sd%c\", \"dm_st\": \"active\", \"chk_st\": \"ready\"}",
						 p ? ", " : "", 'b' + dev);
		used += (size_t)snprintf(json + used, sizeof(json) - used, "]}");
	}
	snprintf(json + used, sizeof(json) - used, "]}}");
	ck_assert_int_eq(mpath_json_parse(json, maps, &err), 0);
}

static const unsigned one_group_of_two[] = { 2 };
static const unsigned two_groups_of_one[] = { 1, 1 };
static const unsigned alua_groups[] = { 2, 2 };

static const struct {
	const char *what;
	const char *hwhandler, *failback, *selector;
	const unsigned *sizes;
	size_t ngroups;
	const char *table;            /* NULL: unreadable */
	const char *asked_psp;        /* NULL: nothing stored */
	enum nmp_rr_type asked_type;
	unsigned asked_iops;
	/* expected */
	const char *satp, *psp;
	enum nmp_rr_type type;
	unsigned iops;
	const char *custom;
	bool matches;
} cases[] = {
	{ "multibus round-robin 1: iops 1", "0", "immediate", "round-robin 0", one_group_of_two, 1,
	  "multipath 0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1", NULL, 0, 0,
	  NMP_SATP_DEFAULT_AA, NMP_PSP_RR, NMP_RR_IOPS, 1, "", true },
	{ "an old kernel's repeat count is shown as it is", "0", "immediate", "round-robin 0",
	  one_group_of_two, 1, "multipath 0 0 1 1 round-robin 0 2 1 8:16 1000 8:32 1000", NULL, 0, 0,
	  NMP_SATP_DEFAULT_AA, NMP_PSP_RR, NMP_RR_IOPS, 1000, "", true },
	{ "default asked for stays default, with the kernel's count", "0", "immediate",
	  "round-robin 0", one_group_of_two, 1, "multipath 0 0 1 1 round-robin 0 2 1 8:16 1 8:32 1",
	  NMP_PSP_RR, NMP_RR_DEFAULT, 1000,
	  NMP_SATP_DEFAULT_AA, NMP_PSP_RR, NMP_RR_DEFAULT, 1, "", true },
	{ "default asked, latency in force: not what was asked", "0", "immediate",
	  "service-time 0", one_group_of_two, 1, "multipath 0 0 1 1 service-time 0 2 2 8:16 1 1 8:32 1 1",
	  NMP_PSP_RR, NMP_RR_DEFAULT, 1000,
	  NMP_SATP_DEFAULT_AA, NMP_PSP_RR, NMP_RR_LATENCY, 1000, "", false },
	{ "service-time: latency", "0", "immediate", "service-time 0", one_group_of_two, 1,
	  "multipath 0 0 1 1 service-time 0 2 2 8:16 1 1 8:32 1 1", NMP_PSP_RR, NMP_RR_LATENCY, 1000,
	  NMP_SATP_DEFAULT_AA, NMP_PSP_RR, NMP_RR_LATENCY, 1000, "", true },
	{ "failover, failback manual: MRU", "0", "manual", "service-time 0", two_groups_of_one, 2,
	  NULL, NULL, 0, 0, NMP_SATP_DEFAULT_AA, NMP_PSP_MRU, NMP_RR_DEFAULT, 1000, "", true },
	{ "failover, failback immediate: FIXED", "0", "immediate", "round-robin 0",
	  two_groups_of_one, 2, NULL, NMP_PSP_FIXED, 0, 0,
	  NMP_SATP_DEFAULT_AA, NMP_PSP_FIXED, NMP_RR_DEFAULT, 1000, "", true },
	{ "ALUA grouped by priority: RR on the optimised group", "1 alua", "immediate",
	  "round-robin 0", alua_groups, 2,
	  "multipath 0 1 alua 2 1 round-robin 0 2 1 8:16 1 8:32 1 round-robin 0 2 1 8:48 1 8:64 1",
	  NMP_PSP_RR, NMP_RR_IOPS, 1,
	  NMP_SATP_ALUA, NMP_PSP_RR, NMP_RR_IOPS, 1, "", true },
	{ "queue-length is RR with a custom selector", "0", "immediate", "queue-length 0",
	  one_group_of_two, 1, "multipath 0 0 1 1 queue-length 0 2 1 8:16 1 8:32 1", NULL, 0, 0,
	  NMP_SATP_DEFAULT_AA, NMP_PSP_RR, NMP_RR_IOPS, 1, "path_selector=queue-length", true },
	{ "an override wins: RR asked, failover in force", "0", "manual", "service-time 0",
	  two_groups_of_one, 2, NULL, NMP_PSP_RR, NMP_RR_IOPS, 1,
	  NMP_SATP_DEFAULT_AA, NMP_PSP_MRU, NMP_RR_DEFAULT, 1000, "", false },
	{ "an override wins: iops 1 asked, 1000 in force", "0", "immediate", "round-robin 0",
	  one_group_of_two, 1, "multipath 0 0 1 1 round-robin 0 2 1 8:16 1000 8:32 1000",
	  NMP_PSP_RR, NMP_RR_IOPS, 1, NMP_SATP_DEFAULT_AA, NMP_PSP_RR, NMP_RR_IOPS, 1000, "", false },
	{ "no table: one I/O per path, as the kernel does", "0", "immediate", "round-robin 0",
	  one_group_of_two, 1, NULL, NMP_PSP_RR, NMP_RR_IOPS, 1,
	  NMP_SATP_DEFAULT_AA, NMP_PSP_RR, NMP_RR_IOPS, 1, "", true },
};

START_TEST(effective_cases)
{
	struct nmp_device_config asked = { .device = "naa.6001405aa" };
	struct dm_mpath_table table;
	struct nmp_effective eff;
	struct esx_err err = { 0 };
	struct mpath_maps maps;

	make_map(&maps, cases[_i].hwhandler, cases[_i].failback, cases[_i].selector,
		 cases[_i].sizes, cases[_i].ngroups);
	if (cases[_i].table)
		ck_assert_int_eq(dm_mpath_table_parse(cases[_i].table, &table, &err), 0);
	nmp_rr_defaults(&asked.rr);
	if (cases[_i].asked_psp) {
		snprintf(asked.psp, sizeof(asked.psp), "%s", cases[_i].asked_psp);
		asked.rr.type = cases[_i].asked_type;
		asked.rr.iops = cases[_i].asked_iops;
	}
	nmp_effective_of(&maps.maps[0], cases[_i].table ? &table : NULL,
			 cases[_i].asked_psp ? &asked : NULL, &eff);
	ck_assert_msg(strcmp(eff.satp, cases[_i].satp) == 0, "%s: satp %s", cases[_i].what, eff.satp);
	ck_assert_msg(strcmp(eff.psp, cases[_i].psp) == 0, "%s: psp %s", cases[_i].what, eff.psp);
	if (strcmp(eff.psp, NMP_PSP_RR) == 0) {
		ck_assert_msg(eff.rr.type == cases[_i].type, "%s: type %d", cases[_i].what, eff.rr.type);
		ck_assert_msg(eff.rr.iops == cases[_i].iops, "%s: iops %u", cases[_i].what, eff.rr.iops);
	}
	ck_assert_msg(strcmp(eff.custom, cases[_i].custom) == 0, "%s: custom '%s'", cases[_i].what,
		      eff.custom);
	ck_assert_msg(nmp_effective_matches(&eff, cases[_i].asked_psp ? &asked : NULL) ==
		      cases[_i].matches, "%s: matches", cases[_i].what);
	mpath_maps_free(&maps);
}
END_TEST

static Suite *effective_suite(void)
{
	Suite *s = suite_create("nmp_effective");
	TCase *table = tcase_create("table");
	TCase *effective = tcase_create("effective");

	tcase_add_test(table, table_round_robin);
	tcase_add_test(table, table_failover_alua);
	tcase_add_test(table, table_selector_args);
	tcase_add_loop_test(table, table_refused, 0, (int)ARRAY_LEN(bad_tables));
	tcase_add_test(table, table_read_needs_device_mapper);
	suite_add_tcase(s, table);
	tcase_add_loop_test(effective, effective_cases, 0, (int)ARRAY_LEN(cases));
	suite_add_tcase(s, effective);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(effective_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
