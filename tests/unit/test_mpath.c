/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of the multipath read side: parsing multipathd's `show maps
 * json` (golden input from the lab: two maps in failover groups, one path
 * failed), Working Paths and Status, ESXi names from Linux facts (tables),
 * and the multipathd client on the event loop against a fake multipathd
 * in a child process: a reply, a large reply, a slow one (deadline, the
 * loop still runs), a refused connection, an early close.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop.h"
#include "mpath_client.h"
#include "mpath_json.h"
#include "nmp_names.h"
#include "nmp_paths.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "."
#endif
#define GOLDEN TEST_SRCDIR "/tests/unit/golden/mpath_maps.json"
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define GUARD_MS 10000

static char *read_golden(void)
{
	FILE *f = fopen(GOLDEN, "r");
	char *text;
	long len;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	ck_assert_int_gt(len, 0);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return text;
}

/* ---- JSON ---- */

START_TEST(parse_golden)
{
	struct esx_err err = { 0 };
	struct mpath_maps maps;
	const struct mpath_map *m, *found;
	const struct mpath_path *p;
	char *text = read_golden();

	ck_assert_int_eq(mpath_json_parse(text, &maps, &err), 0);
	ck_assert_uint_eq(maps.n, 2);

	m = &maps.maps[0];
	ck_assert_str_eq(m->name, "360000000000000000e00000000010002");
	ck_assert_str_eq(m->uuid, "360000000000000000e00000000010002");
	ck_assert_str_eq(m->sysfs, "dm-0");
	ck_assert_str_eq(m->vend, "IET");
	ck_assert_str_eq(m->prod, "VIRTUAL-DISK");
	ck_assert_str_eq(m->rev, "0001");
	ck_assert_str_eq(m->dm_st, "active");
	ck_assert_str_eq(m->features, "0");
	ck_assert_str_eq(m->hwhandler, "0");
	ck_assert_uint_eq(m->ngroups, 2);
	ck_assert_uint_eq(m->npaths, 2);
	ck_assert_str_eq(m->groups[0].selector, "service-time 0");
	ck_assert_str_eq(m->groups[0].dm_st, "active");
	ck_assert_str_eq(m->groups[1].dm_st, "enabled");
	ck_assert_uint_eq(m->groups[1].number, 2);
	ck_assert_int_eq(m->groups[0].pri, 1);
	ck_assert_uint_eq(m->groups[1].first, 1);
	ck_assert_uint_eq(m->groups[1].npaths, 1);

	p = &m->paths[1];
	ck_assert_str_eq(p->dev, "sde");
	ck_assert_str_eq(p->dev_t, "8:64");
	ck_assert_str_eq(p->dm_st, "active");
	ck_assert_str_eq(p->chk_st, "ready");
	ck_assert_str_eq(p->dev_st, "running");
	ck_assert_str_eq(p->checker, "tur");
	ck_assert_str_eq(p->target_wwnn, "iqn.2024-01.lab.esxcli:array1");
	ck_assert_str_eq(p->host_wwpn, "[undef]");
	ck_assert_str_eq(p->host_adapter, "10.10.1.12");
	ck_assert(p->lun_known);
	ck_assert_uint_eq(p->lun, 2);
	ck_assert_uint_eq(p->group, 1);
	ck_assert_int_eq(p->pri, 1);

	m = &maps.maps[1];
	ck_assert_int_eq(m->path_faults, 1);
	ck_assert_str_eq(m->paths[1].dev, "sdc");
	ck_assert_str_eq(m->paths[1].dm_st, "failed");
	ck_assert_str_eq(m->paths[1].chk_st, "faulty");
	ck_assert_uint_eq(m->paths[1].lun, 1);

	found = mpath_maps_find(&maps, "360000000000000000e00000000010001");
	ck_assert_ptr_eq(found, &maps.maps[1]);
	ck_assert_ptr_null(mpath_maps_find(&maps, "nope"));
	ck_assert(mpath_maps_find_path(&maps, "sdc", &found, &p));
	ck_assert_ptr_eq(found, &maps.maps[1]);
	ck_assert_ptr_eq(p, &maps.maps[1].paths[1]);
	ck_assert(!mpath_maps_find_path(&maps, "sdz", &found, &p));

	mpath_maps_free(&maps);
	ck_assert_uint_eq(maps.n, 0);
	free(text);
}
END_TEST

START_TEST(working_and_status)
{
	struct esx_err err = { 0 };
	struct mpath_maps maps;
	size_t idx[4];
	char *text = read_golden();

	ck_assert_int_eq(mpath_json_parse(text, &maps, &err), 0);
	/* Failover: only the active group's path works, though both are up. */
	ck_assert_uint_eq(mpath_map_working(&maps.maps[0], idx, ARRAY_LEN(idx)), 1);
	ck_assert_str_eq(maps.maps[0].paths[idx[0]].dev, "sdd");
	ck_assert_str_eq(mpath_map_status(&maps.maps[0]), "on");
	ck_assert_str_eq(mpath_map_status(&maps.maps[1]), "degraded");

	/* The active group's path fails too: the kernel moves on, nothing left. */
	snprintf(maps.maps[1].paths[0].dm_st, MPATH_SHORT_MAX, "failed");
	ck_assert_uint_eq(mpath_map_working(&maps.maps[1], idx, ARRAY_LEN(idx)), 0);
	ck_assert_str_eq(mpath_map_status(&maps.maps[1]), "dead");
	/* The other group's path comes back: it is the working one. */
	snprintf(maps.maps[1].paths[1].dm_st, MPATH_SHORT_MAX, "active");
	snprintf(maps.maps[1].paths[1].chk_st, MPATH_SHORT_MAX, "ready");
	ck_assert_uint_eq(mpath_map_working(&maps.maps[1], idx, ARRAY_LEN(idx)), 1);
	ck_assert_str_eq(maps.maps[1].paths[idx[0]].dev, "sdc");
	mpath_maps_free(&maps);
	free(text);
}
END_TEST

/* Round Robin: one group, every usable path in multipathd's order; a
 * ghost (ALUA standby) path counts, a faulty one does not; `show map X
 * json` has "map", not "maps". */
static const char rr_map[] =
	"{\"major_version\": 0, \"minor_version\": 1, \"map\": {"
	"\"name\": \"mpatha\", \"uuid\": \"3624a9370aaaa\", \"sysfs\": \"dm-3\","
	"\"dm_st\": \"active\", \"features\": \"1 queue_if_no_path\","
	"\"hwhandler\": \"1 alua\", \"vend\": \"PURE\", \"prod\": \"FlashArray\","
	"\"path_groups\": [{\"selector\": \"round-robin 0\", \"pri\": 50,"
	" \"dm_st\": \"active\", \"group\": 1, \"paths\": ["
	"{\"dev\": \"sdb\", \"dm_st\": \"active\", \"chk_st\": \"ready\", \"pri\": 50,"
	" \"lun_hex\": \"0x0101000000000000\"},"
	"{\"dev\": \"sdc\", \"dm_st\": \"failed\", \"chk_st\": \"faulty\", \"pri\": 50},"
	"{\"dev\": \"sdd\", \"dm_st\": \"active\", \"chk_st\": \"ghost\", \"pri\": 50}]}]}}";

START_TEST(round_robin_single_map)
{
	struct esx_err err = { 0 };
	struct mpath_maps maps;
	size_t idx[1];

	ck_assert_int_eq(mpath_json_parse(rr_map, &maps, &err), 0);
	ck_assert_uint_eq(maps.n, 1);
	ck_assert_str_eq(maps.maps[0].name, "mpatha");
	ck_assert_str_eq(maps.maps[0].hwhandler, "1 alua");
	ck_assert_str_eq(maps.maps[0].features, "1 queue_if_no_path");
	ck_assert_str_eq(maps.maps[0].groups[0].selector, "round-robin 0");
	/* Flat addressing of LUN 257 as the kernel folds it. */
	ck_assert(maps.maps[0].paths[0].lun_known);
	ck_assert_uint_eq(maps.maps[0].paths[0].lun, 0x0101);
	ck_assert(!maps.maps[0].paths[1].lun_known);
	/* Two in all, only room for one: the count is still the whole. */
	ck_assert_uint_eq(mpath_map_working(&maps.maps[0], idx, 1), 2);
	ck_assert_uint_eq(idx[0], 0);
	ck_assert_str_eq(mpath_map_status(&maps.maps[0]), "on");
	mpath_maps_free(&maps);
}
END_TEST

static const struct {
	const char *text;
	const char *message;
} bad_json[] = {
	{ "fail\n", "multipathd's reply is not JSON" },
	{ "[]", "multipathd's reply is not JSON" },
	{ "{\"x\": 1}", "neither \"maps\" nor \"map\"" },
	{ "{\"maps\": {}}", "\"maps\" is not an array" },
	{ "{\"maps\": [{\"name\": \"a\"}]}", "a map has no name or uuid" },
	{ "{\"maps\": [{\"name\": 3, \"uuid\": \"u\"}]}", "\"name\" is not a string" },
	{ "{\"maps\": [{\"name\": \"a\", \"uuid\": \"u\", \"path_groups\": ["
	  "{\"paths\": [{\"dm_st\": \"active\"}]}]}]}", "a path has no \"dev\"" },
	{ "{\"maps\": [{\"name\": \"a\", \"uuid\": \"u\", \"path_groups\": 1}]}",
	  "\"path_groups\" is not an array" },
};

START_TEST(parse_refuses)
{
	struct esx_err err = { 0 };
	struct mpath_maps maps = { (struct mpath_map *)1, 9 };

	ck_assert_int_eq(mpath_json_parse(bad_json[_i].text, &maps, &err), -EINVAL);
	ck_assert_msg(strstr(err.text, bad_json[_i].message), "%s: %s", bad_json[_i].text,
		      err.text);
	ck_assert_ptr_null(maps.maps);
	ck_assert_uint_eq(maps.n, 0);
}
END_TEST

START_TEST(parse_empty_and_long)
{
	struct esx_err err = { 0 };
	struct mpath_maps maps;
	char text[600];

	ck_assert_int_eq(mpath_json_parse("{\"maps\": []}", &maps, &err), 0);
	ck_assert_uint_eq(maps.n, 0);
	mpath_maps_free(&maps);

	snprintf(text, sizeof(text), "{\"maps\": [{\"name\": \"a\", \"uuid\": \"%0300d\"}]}", 0);
	ck_assert_int_eq(mpath_json_parse(text, &maps, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.text, "\"uuid\" is too long"));
}
END_TEST

/* ---- names ---- */

static const struct {
	const char *wwid, *id;
} device_ids[] = {
	{ "360000000000000000e00000000010002", "naa.60000000000000000e00000000010002" },
	{ "3624A9370ABCDEF", "naa.624a9370abcdef" },
	{ "2002538b471b2c3d4", "eui.002538b471b2c3d4" },
	{ "1LIO-ORG_disk1_0123", "t10.LIO-ORG_disk1_0123" },
	{ "1ATA     Disk one", "t10.ATA_____Disk_one" },
	{ "8naa.5000000000000001", "naa.5000000000000001" },
	{ "8iqn.2024-01.x:lun1", "iqn.2024-01.x:lun1" },
	{ "naa.6001405abc", "naa.6001405abc" },
	{ "t10.IET VIRTUAL", "t10.IET_VIRTUAL" },
	{ "QEMU_HARDDISK_QM00001", "mpx.QEMU_HARDDISK_QM00001" },
	{ "8", "mpx.8" },
};

START_TEST(device_id_table)
{
	char out[NMP_DEVICE_ID_MAX];

	ck_assert_int_eq(nmp_device_id(device_ids[_i].wwid, out, sizeof(out)), 0);
	ck_assert_str_eq(out, device_ids[_i].id);
}
END_TEST

START_TEST(device_id_limits)
{
	char out[8];

	ck_assert_int_eq(nmp_device_id("", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(nmp_device_id("36001", out, sizeof(out)), -ENAMETOOLONG);
	ck_assert_int_eq(nmp_device_id("3600", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "naa.600");
}
END_TEST

START_TEST(runtime_names)
{
	char name[NMP_RUNTIME_MAX], small[16], adapter[16];
	unsigned c, t;
	unsigned long long l;

	ck_assert_int_eq(nmp_runtime_name("vmhba64", 1, 0, 3, name, sizeof(name)), 0);
	ck_assert_str_eq(name, "vmhba64:C1:T0:L3");
	ck_assert_int_eq(nmp_runtime_name("vmhba64", 1, 0, 3, small, sizeof(small)),
			 -ENAMETOOLONG);
	ck_assert(nmp_runtime_parse("vmhba64:C2:T11:L256", adapter, sizeof(adapter), &c, &t, &l));
	ck_assert_str_eq(adapter, "vmhba64");
	ck_assert_uint_eq(c, 2);
	ck_assert_uint_eq(t, 11);
	ck_assert_uint_eq(l, 256);
	ck_assert(!nmp_runtime_parse("vmhba64:C2:T1", adapter, sizeof(adapter), &c, &t, &l));
	ck_assert(!nmp_runtime_parse("vmhba64:C2:T1:L1x", adapter, sizeof(adapter), &c, &t, &l));
	ck_assert(!nmp_runtime_parse(":C0:T0:L0", adapter, sizeof(adapter), &c, &t, &l));
	ck_assert(!nmp_runtime_parse("vmhba64:C-1:T0:L0", adapter, sizeof(adapter), &c, &t, &l));
	ck_assert(!nmp_runtime_parse("vmhba64:C99999999999:T0:L0", adapter, sizeof(adapter),
				     &c, &t, &l));
	ck_assert(!nmp_runtime_parse("averyveryverylongadapter:C0:T0:L0", adapter,
				     sizeof(adapter), &c, &t, &l));
}
END_TEST

START_TEST(channels_and_luns)
{
	struct esx_strv none = { 0 }, bound = { 0 };
	unsigned long long lun;

	ck_assert_uint_eq(nmp_channel(&none, "default"), 0);
	ck_assert_int_eq(strv_add(&bound, "vmk2"), 0);
	ck_assert_int_eq(strv_add(&bound, "vmk1"), 0);
	ck_assert_uint_eq(nmp_channel(&bound, "vmk2"), 0);
	ck_assert_uint_eq(nmp_channel(&bound, "vmk1"), 1);
	ck_assert_uint_eq(nmp_channel(&bound, "default"), 2);
	strv_free(&bound);

	ck_assert(nmp_hctl_lun("2:0:0:17", &lun));
	ck_assert_uint_eq(lun, 17);
	ck_assert(!nmp_hctl_lun("2:0:0", &lun));
	ck_assert(!nmp_hctl_lun("2:0:0:1 ", &lun));
}
END_TEST

START_TEST(target_numbers)
{
	/* The lab's four sessions, listed in an order unlike the sorted one,
	 * plus a second portal of array1. */
	static const struct { const char *target, *portal; unsigned expect; } cases[] = {
		{ "iqn.2024-01.lab.esxcli:array2", "10.10.1.100:3260", 2 },
		{ "iqn.2024-01.lab.esxcli:array1", "10.10.1.100:3260", 0 },
		{ "iqn.2024-01.lab.esxcli:array1", "10.10.2.100:3260", 1 },
		{ "iqn.2024-01.lab.esxcli:array2", "10.10.1.100:3260", 2 },
		{ "iqn.2024-01.lab.esxcli:array1", "10.10.1.100:3260", 0 },
	};
	struct iscsi_path paths[ARRAY_LEN(cases)];
	unsigned t[ARRAY_LEN(cases)];

	memset(paths, 0, sizeof(paths));
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		snprintf(paths[i].target, sizeof(paths[i].target), "%s", cases[i].target);
		snprintf(paths[i].portal, sizeof(paths[i].portal), "%s", cases[i].portal);
	}
	ck_assert_int_eq(nmp_target_numbers(paths, ARRAY_LEN(cases), t), 0);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		ck_assert_uint_eq(t[i], cases[i].expect);
	ck_assert_int_eq(nmp_target_numbers(paths, 0, t), 0);
}
END_TEST

START_TEST(path_uid)
{
	char uid[NMP_UID_MAX], small[40];

	ck_assert_int_eq(nmp_path_uid("iqn.1998-01.com.vmware:esx1", "00023d000001",
				      "iqn.2024-01.lab.esxcli:array1", 1,
				      "naa.60000000000000000e00000000010001", uid, sizeof(uid)), 0);
	ck_assert_str_eq(uid, "iqn.1998-01.com.vmware:esx1-00023d000001,"
			 "iqn.2024-01.lab.esxcli:array1,t,1-naa.60000000000000000e00000000010001");
	ck_assert_int_eq(nmp_path_uid("iqn.1998-01.com.vmware:esx1", "00023d000001",
				      "iqn.2024-01.lab.esxcli:array1", 1, "naa.6", small,
				      sizeof(small)), -ENAMETOOLONG);
}
END_TEST

/* ---- paths: sysfs + sessions + maps ---- */

#define LAB_IQN "iqn.1993-08.org.debian:01:lab"
#define ARRAY1 "iqn.2024-01.lab.esxcli:array1"
#define ARRAY2 "iqn.2024-01.lab.esxcli:array2"

/* The lab after binding vmk1 and vmk2: array1's two LUNs through both,
 * array2's one LUN through vmk2 (its map is not in the golden input). */
static void lab_paths(struct iscsi_path *p)
{
	static const struct {
		unsigned sid;
		const char *iface, *target, *hctl, *block, *device;
		bool working;
	} rows[] = {
		{ 1, "vmk1", ARRAY1, "2:0:0:1", "sda", "naa.60000000000000000e00000000010001", true },
		{ 1, "vmk1", ARRAY1, "2:0:0:2", "sdd", "naa.60000000000000000e00000000010002", true },
		{ 4, "vmk2", ARRAY1, "5:0:0:1", "sdc", "naa.60000000000000000e00000000010001", true },
		{ 4, "vmk2", ARRAY1, "5:0:0:2", "sde", "naa.60000000000000000e00000000010002", true },
		{ 3, "vmk2", ARRAY2, "4:0:0:1", "sdf", "naa.60000000000000000e00000000020001", false },
	};

	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].sid = rows[i].sid;
		snprintf(p[i].iface, sizeof(p[i].iface), "%s", rows[i].iface);
		snprintf(p[i].target, sizeof(p[i].target), "%s", rows[i].target);
		snprintf(p[i].portal, sizeof(p[i].portal), "10.10.1.100:3260");
		snprintf(p[i].hctl, sizeof(p[i].hctl), "%s", rows[i].hctl);
		snprintf(p[i].block, sizeof(p[i].block), "%s", rows[i].block);
		snprintf(p[i].device, sizeof(p[i].device), "%s", rows[i].device);
		p[i].working = rows[i].working;
	}
}

START_TEST(paths_joined)
{
	static const struct {
		const char *block, *runtime, *state, *group_state;
		bool in_map;
	} expect[] = {
		{ "sda", "vmhba64:C0:T0:L1", "active", "active", true },
		{ "sdd", "vmhba64:C0:T0:L2", "active", "active", true },
		{ "sdc", "vmhba64:C1:T0:L1", "dead", "dead", true },
		{ "sde", "vmhba64:C1:T0:L2", "disabled", "dead", true },
		{ "sdf", "vmhba64:C1:T1:L1", "dead", "dead", false },
	};
	struct iscsi_path sys[5];
	struct iscsi_session_info sessions[2];
	struct esx_strv bindings = { 0 }, off = { 0 };
	struct esx_err err = { 0 };
	struct mpath_maps maps;
	struct nmp_path *paths = NULL;
	char text[256], *golden = read_golden();

	lab_paths(sys);
	memset(sessions, 0, sizeof(sessions));
	sessions[0].sid = 1;
	sessions[0].tpgt = 1;
	snprintf(sessions[0].initiator, sizeof(sessions[0].initiator), LAB_IQN);
	sessions[1].sid = 4;
	sessions[1].tpgt = 1;   /* no initiator in sysfs: the adapter's is used */
	ck_assert_int_eq(strv_add(&bindings, "vmk1"), 0);
	ck_assert_int_eq(strv_add(&bindings, "vmk2"), 0);
	ck_assert_int_eq(mpath_json_parse(golden, &maps, &err), 0);
	ck_assert_int_eq(strv_add(&off, LAB_IQN "-00023d000004," ARRAY1
				  ",t,1-naa.60000000000000000e00000000010002"), 0);

	ck_assert_int_eq(nmp_paths_build("vmhba64", LAB_IQN, &bindings, sys, ARRAY_LEN(sys),
					 sessions, ARRAY_LEN(sessions), &maps, &off, &paths,
					 &err), 0);
	for (size_t i = 0; i < ARRAY_LEN(expect); i++) {
		ck_assert_str_eq(paths[i].sys->block, expect[i].block);
		ck_assert_str_eq(paths[i].runtime, expect[i].runtime);
		ck_assert_str_eq(paths[i].state, expect[i].state);
		ck_assert_str_eq(paths[i].group_state, expect[i].group_state);
		ck_assert_int_eq(paths[i].map != NULL, expect[i].in_map);
	}
	ck_assert_str_eq(paths[0].uid, LAB_IQN "-00023d000001," ARRAY1
			 ",t,1-naa.60000000000000000e00000000010001");
	ck_assert_str_eq(paths[0].device, "naa.60000000000000000e00000000010001");
	ck_assert_ptr_eq(paths[0].map, &maps.maps[1]);
	ck_assert_int_eq(nmp_target_identifier(&paths[0], text, sizeof(text)), 0);
	ck_assert_str_eq(text, "00023d000001," ARRAY1 ",t,1");
	ck_assert_int_eq(nmp_target_transport_details(&paths[0], text, sizeof(text)), 0);
	ck_assert_str_eq(text, "IQN=" ARRAY1 " Alias= Session=00023d000001 PortalTag=1");
	/* A session sysfs does not know (sdf's): tpgt 0, the adapter's IQN. */
	ck_assert_int_eq(paths[4].tpgt, 0);
	ck_assert_str_eq(paths[4].initiator, LAB_IQN);

	/* Failover maps: one working path each, the active group's. */
	ck_assert_str_eq(nmp_working_paths(paths, 5, &maps.maps[0], text, sizeof(text)),
			 "vmhba64:C0:T0:L2");
	ck_assert_str_eq(nmp_working_paths(paths, 5, &maps.maps[1], text, sizeof(text)),
			 "vmhba64:C0:T0:L1");
	/* Round Robin over both (one group): the kernel's order, joined. */
	snprintf(maps.maps[1].paths[1].dm_st, MPATH_SHORT_MAX, "active");
	snprintf(maps.maps[1].paths[1].chk_st, MPATH_SHORT_MAX, "ready");
	maps.maps[1].groups[0].npaths = 2;
	ck_assert_str_eq(nmp_working_paths(paths, 5, &maps.maps[1], text, sizeof(text)),
			 "vmhba64:C0:T0:L1, vmhba64:C1:T0:L1");
	free(paths);

	/* multipathd not running: sysfs alone says what works. */
	ck_assert_int_eq(nmp_paths_build("vmhba64", LAB_IQN, &bindings, sys, ARRAY_LEN(sys),
					 sessions, ARRAY_LEN(sessions), NULL, NULL, &paths,
					 &err), 0);
	ck_assert_str_eq(paths[2].state, "active");
	ck_assert_str_eq(paths[4].state, "dead");
	ck_assert_ptr_null(paths[2].map);
	free(paths);

	ck_assert_int_eq(nmp_paths_build("vmhba64", LAB_IQN, &bindings, sys, 0, NULL, 0, NULL,
					 NULL, &paths, &err), 0);
	ck_assert_ptr_null(paths);
	mpath_maps_free(&maps);
	strv_free(&bindings);
	strv_free(&off);
	free(golden);
}
END_TEST

/* ---- the client against a fake multipathd ---- */

enum fake_mode {
	FAKE_REPLY,        /* answer with a reply of reply_len bytes */
	FAKE_SILENT,       /* read the command, then say nothing */
	FAKE_HALF,         /* send the length, half the text, then close */
	FAKE_BAD_LENGTH,   /* a length of 0 */
};

struct fake {
	char path[108];
	pid_t pid;
};

static void read_exact(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n <= 0)
			_exit(3);
		got += (size_t)n;
	}
}

static void write_exact(int fd, const void *buf, size_t len)
{
	size_t put = 0;

	while (put < len) {
		ssize_t n = write(fd, (const char *)buf + put, len - put);

		if (n <= 0)
			_exit(4);
		put += (size_t)n;
	}
}

/* The child: one connection, libmpathcmd's framing, blocking I/O (it is
 * not the code under test). It checks the command it got. */
static void fake_serve(int lfd, enum fake_mode mode, size_t reply_len, const char *expect)
{
	char cmd[256];
	size_t len;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		_exit(2);
	read_exact(fd, &len, sizeof(len));
	if (len > sizeof(cmd))
		_exit(5);
	read_exact(fd, cmd, len);
	if (cmd[len - 1] != '\0' || strcmp(cmd, expect))
		_exit(6);
	if (mode == FAKE_SILENT) {
		pause();
		_exit(0);
	}
	if (mode == FAKE_BAD_LENGTH) {
		len = 0;
		write_exact(fd, &len, sizeof(len));
		_exit(0);
	}
	{
		char *text = malloc(reply_len + 1);

		if (!text)
			_exit(7);
		for (size_t i = 0; i < reply_len; i++)
			text[i] = (char)('a' + i % 26);
		text[reply_len] = '\0';
		len = reply_len + 1;
		write_exact(fd, &len, sizeof(len));
		if (mode == FAKE_HALF) {
			write_exact(fd, text, reply_len / 2);
			_exit(0);
		}
		write_exact(fd, text, len);
		free(text);
	}
	close(fd);
	_exit(0);
}

static void fake_start(struct fake *f, enum fake_mode mode, size_t reply_len, const char *expect)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int lfd;

	snprintf(f->path, sizeof(f->path), "/tmp/esx-fake-mpathd.%d", (int)getpid());
	unlink(f->path);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", f->path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	f->pid = fork();
	ck_assert_int_ge(f->pid, 0);
	if (f->pid == 0)
		fake_serve(lfd, mode, reply_len, expect);
	close(lfd);
}

/* The child's exit status, after killing it when asked. */
static int fake_stop(struct fake *f, bool kill_it)
{
	int status = 0;

	if (kill_it)
		kill(f->pid, SIGKILL);
	ck_assert_int_eq(waitpid(f->pid, &status, 0), f->pid);
	unlink(f->path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct outcome {
	struct esx_loop *loop;
	int calls;
	int status;
	char *text;
	size_t len;
	char message[ESX_ERR_TEXT_MAX];
	int ticks;                /* the loop's own timer, while waiting */
	struct loop_timer tick, guard;
};

static void on_reply(const struct mpath_reply *r, void *data)
{
	struct outcome *o = data;

	o->calls++;
	o->status = r->status;
	o->len = r->len;
	o->text = strdup(r->text);
	ck_assert_ptr_nonnull(o->text);
	snprintf(o->message, sizeof(o->message), "%s", r->status ? r->err->text : "");
	loop_quit(o->loop, 0);
}

static void on_tick(struct esx_loop *loop, void *data)
{
	struct outcome *o = data;

	o->ticks++;
	loop_timer_arm(loop, &o->tick, loop_now_ms() + 20);
}

static void on_guard(struct esx_loop *loop, void *data)
{
	(void)data;
	loop_quit(loop, -ETIMEDOUT);
}

static void outcome_init(struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	ck_assert_int_eq(loop_new(&o->loop), 0);
	loop_timer_init(&o->tick, on_tick, o);
	loop_timer_init(&o->guard, on_guard, o);
	loop_timer_arm(o->loop, &o->tick, loop_now_ms() + 20);
	loop_timer_arm(o->loop, &o->guard, loop_now_ms() + GUARD_MS);
}

static void outcome_free(struct outcome *o)
{
	loop_timer_disarm(o->loop, &o->tick);
	loop_timer_disarm(o->loop, &o->guard);
	loop_free(o->loop);
	free(o->text);
}

static void run_request(struct fake *f, struct outcome *o, const char *cmd, unsigned timeout)
{
	struct esx_err err = { 0 };
	struct mpath_request *req = NULL;

	ck_assert_int_eq(mpath_request(o->loop, f->path, cmd, timeout, on_reply, o, &req, &err),
			 0);
	ck_assert_ptr_nonnull(req);
	ck_assert_int_eq(loop_run(o->loop), 0);
	ck_assert_int_eq(o->calls, 1);
}

/* One request to a fake multipathd serving in mode; the fake's exit
 * status (a silent one is killed: -1). */
static int client_run(struct outcome *o, enum fake_mode mode, size_t reply_len, const char *cmd,
		      unsigned timeout)
{
	struct fake f;

	fake_start(&f, mode, reply_len, cmd);
	outcome_init(o);
	run_request(&f, o, cmd, timeout);
	return fake_stop(&f, mode == FAKE_SILENT);
}

START_TEST(client_reply)
{
	struct outcome o;

	ck_assert_int_eq(client_run(&o, FAKE_REPLY, 40, "show maps json", 2000), 0);
	ck_assert_int_eq(o.status, 0);
	ck_assert_uint_eq(o.len, 40);
	ck_assert_str_eq(o.text, "abcdefghijklmnopqrstuvwxyzabcdefghijklmn");
	outcome_free(&o);
}
END_TEST

/* Far more than a socket buffer holds: read as it comes, the loop turning. */
START_TEST(client_large_reply)
{
	struct outcome o;
	size_t big = 3u * 1024 * 1024;

	ck_assert_int_eq(client_run(&o, FAKE_REPLY, big, "show paths", 5000), 0);
	ck_assert_int_eq(o.status, 0);
	ck_assert_uint_eq(o.len, big);
	ck_assert_int_eq(o.text[big - 1], (char)('a' + (big - 1) % 26));
	outcome_free(&o);
}
END_TEST

START_TEST(client_slow_reply)
{
	struct outcome o;
	uint64_t start = loop_now_ms();

	ck_assert_int_eq(client_run(&o, FAKE_SILENT, 0, "reconfigure", 300), -1);
	ck_assert_int_eq(o.status, -ETIMEDOUT);
	ck_assert_str_eq(o.message, "multipathd did not answer \"reconfigure\" within 300 ms");
	ck_assert_uint_ge(loop_now_ms() - start, 300);
	/* The loop kept running while the answer did not come: 20 ms ticks. */
	ck_assert_int_ge(o.ticks, 5);
	outcome_free(&o);
}
END_TEST

START_TEST(client_closed_early)
{
	struct outcome o;

	ck_assert_int_eq(client_run(&o, FAKE_HALF, 1000, "show maps json", 2000), 0);
	ck_assert_int_eq(o.status, -ECONNRESET);
	ck_assert_ptr_nonnull(strstr(o.message, "closed the connection before its reply"));
	outcome_free(&o);
}
END_TEST

START_TEST(client_bad_length)
{
	struct outcome o;

	ck_assert_int_eq(client_run(&o, FAKE_BAD_LENGTH, 0, "show maps json", 2000), 0);
	ck_assert_int_eq(o.status, -EPROTO);
	outcome_free(&o);
}
END_TEST

START_TEST(client_no_server)
{
	struct esx_err err = { 0 };
	struct outcome o;
	struct mpath_request *req = (struct mpath_request *)1;
	char path[64];

	outcome_init(&o);
	snprintf(path, sizeof(path), "/tmp/esx-no-mpathd.%d", (int)getpid());
	unlink(path);
	ck_assert_int_eq(mpath_request(o.loop, path, "show maps json", 0, on_reply, &o, &req,
				       &err), -ECONNREFUSED);
	ck_assert_ptr_null(req);
	ck_assert_str_eq(err.text, "Unable to reach multipathd: the multipath daemon is not "
			 "running (start multipathd.service)");
	/* An abstract name nobody listens on: refused the same way. */
	err_reset(&err);
	snprintf(path, sizeof(path), "@esx-no-mpathd.%d", (int)getpid());
	ck_assert_int_eq(mpath_request(o.loop, path, "show maps json", 0, on_reply, &o, NULL,
				       &err), -ECONNREFUSED);
	ck_assert_int_eq(o.calls, 0);
	err_reset(&err);
	ck_assert_int_eq(mpath_request(o.loop, path, "", 0, on_reply, &o, NULL, &err), -EINVAL);
	outcome_free(&o);
}
END_TEST

START_TEST(client_cancel)
{
	struct esx_err err = { 0 };
	struct fake f;
	struct outcome o;
	struct mpath_request *req = NULL;

	fake_start(&f, FAKE_SILENT, 0, "show maps json");
	outcome_init(&o);
	ck_assert_int_eq(mpath_request(o.loop, f.path, "show maps json", 200, on_reply, &o, &req,
				       &err), 0);
	mpath_request_cancel(req);
	/* The deadline passes with nothing to call: the guard ends the run. */
	loop_timer_arm(o.loop, &o.guard, loop_now_ms() + 400);
	ck_assert_int_eq(loop_run(o.loop), -ETIMEDOUT);
	ck_assert_int_eq(o.calls, 0);
	fake_stop(&f, true);
	outcome_free(&o);
}
END_TEST

static Suite *mpath_suite(void)
{
	Suite *s = suite_create("mpath");
	TCase *json = tcase_create("json"), *names = tcase_create("names");
	TCase *client = tcase_create("client");

	tcase_add_test(json, parse_golden);
	tcase_add_test(json, working_and_status);
	tcase_add_test(json, round_robin_single_map);
	tcase_add_loop_test(json, parse_refuses, 0, ARRAY_LEN(bad_json));
	tcase_add_test(json, parse_empty_and_long);
	suite_add_tcase(s, json);

	tcase_add_loop_test(names, device_id_table, 0, ARRAY_LEN(device_ids));
	tcase_add_test(names, device_id_limits);
	tcase_add_test(names, runtime_names);
	tcase_add_test(names, channels_and_luns);
	tcase_add_test(names, target_numbers);
	tcase_add_test(names, path_uid);
	tcase_add_test(names, paths_joined);
	suite_add_tcase(s, names);

	tcase_set_timeout(client, 20);
	tcase_add_test(client, client_reply);
	tcase_add_test(client, client_large_reply);
	tcase_add_test(client, client_slow_reply);
	tcase_add_test(client, client_closed_early);
	tcase_add_test(client, client_bad_length);
	tcase_add_test(client, client_no_server);
	tcase_add_test(client, client_cancel);
	suite_add_tcase(s, client);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mpath_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
