/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of the claim of new LUNs for dm-multipath (mpath_claim.h):
 * which ifaces are the adapter's, the wwids file and multipathd's path list
 * as multipath-tools 0.9.4 writes them (captured in the lab), and which
 * disks are claimed, recorded or left alone.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "mpath_claim.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- ifaces ---- */

START_TEST(ifaces_disabled_none)
{
	struct iscsi_config iscsi = { .enabled = false };
	struct esx_strv v = { 0 };

	ck_assert_int_eq(mpath_claim_ifaces(&iscsi, &v), 0);
	ck_assert_uint_eq(v.len, 0);
	strv_free(&v);
}
END_TEST

START_TEST(ifaces_unbound_default)
{
	struct iscsi_config iscsi = { .enabled = true };
	struct esx_strv v = { 0 };

	ck_assert_int_eq(mpath_claim_ifaces(&iscsi, &v), 0);
	ck_assert_uint_eq(v.len, 1);
	ck_assert_str_eq(v.items[0], "default");
	strv_free(&v);
}
END_TEST

START_TEST(ifaces_bound_vmks_only)
{
	struct iscsi_binding b[2] = { { .vmk = "vmk1" }, { .vmk = "vmk2" } };
	struct iscsi_config iscsi = { .enabled = true, .bindings = b, .nbindings = 2 };
	struct esx_strv v = { 0 };

	ck_assert_int_eq(mpath_claim_ifaces(&iscsi, &v), 0);
	ck_assert_uint_eq(v.len, 2);
	ck_assert_str_eq(v.items[0], "vmk1");
	ck_assert_str_eq(v.items[1], "vmk2");
	ck_assert(!strv_contains(&v, "default"));
	strv_free(&v);
}
END_TEST

/* ---- the wwids file ---- */

/* As multipath -a writes it (lab), with a line multipath -w commented out,
 * a line without its closing slash and blank lines. */
static const char wwids_text[] =
	"# Multipath wwids, Version : 1.0\n"
	"# NOTE: This file is automatically maintained by multipath and multipathd.\n"
	"# You should not need to edit this file in normal circumstances.\n"
	"#\n"
	"# Valid WWIDs:\n"
	"/360000000000000000e00000000010001/\n"
	"#360000000000000000e00000000010002/\n"
	"\n"
	"/360000000000000000e00000000020001/\n"
	"/broken\n"
	"//\n"
	"/360000000000000000e00000000010001/\n"
	"/3600a098038303053453f463045727a71/";

START_TEST(wwids_parsed)
{
	struct esx_strv v = { 0 };

	ck_assert_int_eq(mpath_wwids_parse(wwids_text, &v), 0);
	ck_assert_uint_eq(v.len, 3);
	ck_assert_str_eq(v.items[0], "360000000000000000e00000000010001");
	ck_assert_str_eq(v.items[1], "360000000000000000e00000000020001");
	ck_assert_str_eq(v.items[2], "3600a098038303053453f463045727a71");
	ck_assert(!strv_contains(&v, "360000000000000000e00000000010002"));
	strv_free(&v);
}
END_TEST

START_TEST(wwids_empty_and_long)
{
	struct esx_strv v = { 0 };
	char text[MPATH_WWID_MAX + 8];

	ck_assert_int_eq(mpath_wwids_parse("", &v), 0);
	ck_assert_uint_eq(v.len, 0);
	/* Longer than multipath's WWID_SIZE: not one of its WWIDs. */
	text[0] = '/';
	memset(text + 1, 'a', MPATH_WWID_MAX);
	snprintf(text + 1 + MPATH_WWID_MAX, sizeof(text) - 1 - MPATH_WWID_MAX, "/\n");
	ck_assert_int_eq(mpath_wwids_parse(text, &v), 0);
	ck_assert_uint_eq(v.len, 0);
	strv_free(&v);
}
END_TEST

/* ---- multipathd's paths and multipath -a ---- */

/* `multipathd show paths raw format %d|%m|%w` in the lab, one disk mapped. */
static const char known_text[] =
	"sda|360000000000000000e00000000010001|360000000000000000e00000000010001\n"
	"sdb|[orphan]|360000000000000000e00000000010002\n"
	"sdc|[orphan]|\n"
	"garbage line\n"
	"|[orphan]|3600\n"
	"sdd|[orphan]|360000000000000000e00000000020001  \n";

START_TEST(known_paths_parsed)
{
	struct mpath_known_path *k = NULL;
	size_t n = 0;

	ck_assert_int_eq(mpath_known_paths_parse(known_text, &k, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(k[0].dev, "sda");
	ck_assert(k[0].mapped);
	ck_assert_str_eq(k[0].wwid, "360000000000000000e00000000010001");
	ck_assert_str_eq(k[1].dev, "sdb");
	ck_assert(!k[1].mapped);
	ck_assert_str_eq(k[1].wwid, "360000000000000000e00000000010002");
	ck_assert_str_eq(k[2].dev, "sdc");
	ck_assert_str_eq(k[2].wwid, "");
	ck_assert_str_eq(k[3].dev, "sdd");
	ck_assert_str_eq(k[3].wwid, "360000000000000000e00000000020001");
	free(k);
}
END_TEST

START_TEST(known_paths_none)
{
	struct mpath_known_path *k = NULL;
	size_t n = 1;

	/* What multipathd answers when it has no path at all. */
	ck_assert_int_eq(mpath_known_paths_parse("ok\n", &k, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(k);
}
END_TEST

START_TEST(added_wwid)
{
	char w[MPATH_WWID_MAX];

	ck_assert(mpath_added_wwid("wwid '360000000000000000e00000000010001' added\n", w,
				   sizeof(w)));
	ck_assert_str_eq(w, "360000000000000000e00000000010001");
	ck_assert(!mpath_added_wwid("failed adding '3600' to wwids file\n", w, sizeof(w)));
	ck_assert(!mpath_added_wwid("", w, sizeof(w)));
	ck_assert(!mpath_added_wwid("wwid '' added\n", w, sizeof(w)));
	ck_assert(!mpath_added_wwid("wwid '36\n00' added\n", w, sizeof(w)));
}
END_TEST

/* ---- candidates ---- */

static struct iscsi_path lab_path(unsigned sid, const char *iface, const char *block,
				  const char *device, bool working)
{
	struct iscsi_path p = { .sid = sid, .working = working };

	snprintf(p.iface, sizeof(p.iface), "%s", iface);
	snprintf(p.block, sizeof(p.block), "%s", block);
	snprintf(p.device, sizeof(p.device), "%s", device);
	return p;
}

#define LUN1 "naa.60000000000000000e00000000010001"
#define LUN2 "naa.60000000000000000e00000000010002"
#define LUN3 "naa.60000000000000000e00000000020001"
#define WWID1 "360000000000000000e00000000010001"
#define WWID2 "360000000000000000e00000000010002"
#define WWID3 "360000000000000000e00000000020001"

START_TEST(candidates_of_the_adapter_only)
{
	/* vmk1 and vmk2 bound; a session through "default" made by hand and
	 * one through an iface the adapter does not own. */
	struct iscsi_path paths[] = {
		lab_path(1, "vmk1", "sda", LUN1, true),
		lab_path(1, "vmk1", "sdb", LUN2, true),
		lab_path(2, "vmk2", "sdc", LUN1, true),
		lab_path(2, "vmk2", "sdd", LUN2, true),
		lab_path(3, "default", "sde", LUN3, true),
		lab_path(4, "other", "sdf", LUN3, true),
		lab_path(5, "vmk2", "", LUN3, true),          /* no block device */
		lab_path(6, "vmk1", "sdg", LUN3, false),      /* session down */
	};
	static const char known[] =
		"sda|[orphan]|" WWID1 "\n"
		"sdb|" WWID2 "|" WWID2 "\n"
		"sdc|[orphan]|" WWID1 "\n"
		"sdd|" WWID2 "|" WWID2 "\n"
		"sde|[orphan]|" WWID3 "\n"
		"sdf|[orphan]|" WWID3 "\n";
	struct esx_strv ifaces = { 0 }, wwids = { 0 };
	struct mpath_known_path *k = NULL;
	struct mpath_claim_disk *d = NULL;
	size_t nk = 0, nd = 0;

	ck_assert_int_eq(strv_add(&ifaces, "vmk1"), 0);
	ck_assert_int_eq(strv_add(&ifaces, "vmk2"), 0);
	ck_assert_int_eq(mpath_known_paths_parse(known, &k, &nk), 0);
	ck_assert_int_eq(mpath_claim_candidates(paths, ARRAY_LEN(paths), &ifaces, k, nk, &wwids,
						&d, &nd), 0);
	/* sdb and sdd are mapped already; sde, sdf, sdg and the disk
	 * without a block device are not the adapter's to claim. */
	ck_assert_uint_eq(nd, 2);
	ck_assert_str_eq(d[0].block, "sda");
	ck_assert_str_eq(d[0].device, LUN1);
	ck_assert_str_eq(d[0].wwid, WWID1);
	ck_assert(d[0].record);
	ck_assert_str_eq(d[1].block, "sdc");
	ck_assert_str_eq(d[1].wwid, WWID1);
	ck_assert(!d[1].record);             /* once per WWID */
	free(d);
	free(k);
	strv_free(&ifaces);
	strv_free(&wwids);
}
END_TEST

START_TEST(candidates_recorded_or_unknown)
{
	struct iscsi_path paths[] = {
		lab_path(1, "default", "sda", LUN1, true),
		lab_path(1, "default", "sdb", LUN2, true),
		lab_path(1, "default", "sdc", LUN3, true),
	};
	/* sda's WWID recorded but the path still an orphan (recorded after
	 * multipathd saw it): handed over, not recorded again. sdc is not
	 * known to multipathd yet: multipath -a finds its WWID. */
	static const char known[] =
		"sda|[orphan]|" WWID1 "\n"
		"sdb|[orphan]|" WWID2 "\n";
	struct esx_strv ifaces = { 0 }, wwids = { 0 };
	struct mpath_known_path *k = NULL;
	struct mpath_claim_disk *d = NULL;
	size_t nk = 0, nd = 0;

	ck_assert_int_eq(strv_add(&ifaces, "default"), 0);
	ck_assert_int_eq(mpath_wwids_parse("/" WWID1 "/\n", &wwids), 0);
	ck_assert_int_eq(mpath_known_paths_parse(known, &k, &nk), 0);
	ck_assert_int_eq(mpath_claim_candidates(paths, ARRAY_LEN(paths), &ifaces, k, nk, &wwids,
						&d, &nd), 0);
	ck_assert_uint_eq(nd, 3);
	ck_assert(!d[0].record);
	ck_assert(d[1].record);
	ck_assert_str_eq(d[2].wwid, "");
	ck_assert(d[2].record);
	free(d);
	free(k);
	strv_free(&ifaces);
	strv_free(&wwids);
}
END_TEST

START_TEST(candidates_none)
{
	struct iscsi_path paths[] = { lab_path(1, "vmk1", "sda", LUN1, true) };
	struct esx_strv ifaces = { 0 }, wwids = { 0 };
	struct mpath_claim_disk *d = NULL;
	size_t nd = 1;

	/* Software iSCSI disabled: no iface is the adapter's. */
	ck_assert_int_eq(mpath_claim_candidates(paths, ARRAY_LEN(paths), &ifaces, NULL, 0, &wwids,
						&d, &nd), 0);
	ck_assert_uint_eq(nd, 0);
	ck_assert_ptr_null(d);
}
END_TEST

/* ---- sessions still waiting for their disks ---- */

static struct iscsi_session_info lab_session(unsigned sid, const char *iface, const char *state)
{
	struct iscsi_session_info s = { .sid = sid };

	snprintf(s.iface, sizeof(s.iface), "%s", iface);
	snprintf(s.state, sizeof(s.state), "%s", state);
	return s;
}

START_TEST(disks_pending)
{
	struct iscsi_session_info sessions[] = {
		lab_session(1, "vmk1", "LOGGED_IN"),
		lab_session(2, "vmk2", "LOGGED_IN"),
		lab_session(3, "default", "LOGGED_IN"),
		lab_session(4, "vmk1", "FAILED"),
	};
	struct iscsi_path paths[] = {
		lab_path(1, "vmk1", "sda", LUN1, true),
		lab_path(2, "vmk2", "", LUN1, true),
	};
	struct esx_strv ifaces = { 0 };

	ck_assert_int_eq(strv_add(&ifaces, "vmk1"), 0);
	/* Session 3 has no disk but is not the adapter's; 4 is not logged in. */
	ck_assert(!mpath_claim_disks_pending(sessions, ARRAY_LEN(sessions), paths,
					     ARRAY_LEN(paths), &ifaces));
	ck_assert_int_eq(strv_add(&ifaces, "vmk2"), 0);
	/* Session 2's SCSI device has no block device yet. */
	ck_assert(mpath_claim_disks_pending(sessions, ARRAY_LEN(sessions), paths,
					    ARRAY_LEN(paths), &ifaces));
	snprintf(paths[1].block, sizeof(paths[1].block), "sdb");
	ck_assert(!mpath_claim_disks_pending(sessions, ARRAY_LEN(sessions), paths,
					     ARRAY_LEN(paths), &ifaces));
	strv_free(&ifaces);
}
END_TEST

static Suite *claim_suite(void)
{
	Suite *s = suite_create("mpath_claim");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, ifaces_disabled_none);
	tcase_add_test(tc, ifaces_unbound_default);
	tcase_add_test(tc, ifaces_bound_vmks_only);
	tcase_add_test(tc, wwids_parsed);
	tcase_add_test(tc, wwids_empty_and_long);
	tcase_add_test(tc, known_paths_parsed);
	tcase_add_test(tc, known_paths_none);
	tcase_add_test(tc, added_wwid);
	tcase_add_test(tc, candidates_of_the_adapter_only);
	tcase_add_test(tc, candidates_recorded_or_unknown);
	tcase_add_test(tc, candidates_none);
	tcase_add_test(tc, disks_pending);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(claim_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
