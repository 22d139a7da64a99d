/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of daemon/iscsi_paths.c: the sysfs reading over a fake tree
 * in a temporary directory (sessions, their SCSI devices, the three ways to
 * a device's identity), VPD page 83h designators, Path Status and the
 * impact of vmks going away, each over a table of cases; and
 * daemon/iscsi_arrays.c, the (vendor, model) pairs over the same tree.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iscsi_arrays.h"
#include "iscsi_paths.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- a fake sysfs ---- */

static char root[64];

static void make_dirs(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	mkdir(path, 0755);
}

static void write_bytes(const char *rel, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void write_text(const char *rel, const char *text)
{
	write_bytes(rel, text, strlen(text));
}

#define S1 "class/iscsi_session/session1"
#define S2 "class/iscsi_session/session2"
#define S3 "class/iscsi_session/session13"
#define T1 S1 "/device/target2:0:0"
#define T2 S2 "/device/target3:0:0"
#define T3 S3 "/device/target4:0:0"

/* VPD 83h with a target port designator (to be skipped), an EUI-64 and an
 * NAA Registered Extended one (the best). */
static const unsigned char vpd83_naa[] = {
	0x00, 0x83, 0x00, 0x2c,
	0x01, 0x93, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,                 /* NAA, port */
	0x01, 0x02, 0x00, 0x08, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 1, /* EUI-64 */
	0x01, 0x03, 0x00, 0x10, 0x60, 0x01, 0x40, 0x50, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,                   /* NAA 16 */
};

static const unsigned char vpd80[] = { 0x00, 0x80, 0x00, 0x0a, 'b', 'e', 'a', 'f', '0', '0', '1',
				       ' ', ' ', ' ' };

/* session1: vmk1 to array1 at 10.10.1.100: LUN 0 (a controller, no block
 * device), LUN 1 (wwid), LUN 2 (blocked, only vpd_pg83), LUN 3 (vendor,
 * model and a serial), LUN 4 (nothing at all);
 * session2: vmk2 to array1 over IPv6, LUN 1 again (as sdaa);
 * session13: vmk1, FAILED, LUN 1 running (the kernel has not noticed). */
static void fake_tree(void)
{
	snprintf(root, sizeof(root), "/tmp/esx-paths-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));

	make_dirs(S1);
	write_text(S1 "/ifacename", "vmk1\n");
	write_text(S1 "/targetname", "iqn.2024-01.lab.esxcli:array1\n");
	write_text(S1 "/state", "LOGGED_IN\n");
	make_dirs("class/iscsi_connection/connection1:0");
	write_text("class/iscsi_connection/connection1:0/persistent_address", "10.10.1.100\n");
	write_text("class/iscsi_connection/connection1:0/persistent_port", "3260\n");
	write_text("class/iscsi_connection/connection1:0/address", "10.10.9.9\n");
	make_dirs(T1 "/2:0:0:0");
	write_text(T1 "/2:0:0:0/state", "running\n");
	make_dirs(T1 "/2:0:0:1/block/sdb");
	write_text(T1 "/2:0:0:1/state", "running\n");
	write_text(T1 "/2:0:0:1/wwid", "naa.60000000000000000e00000000010001\n");
	make_dirs(T1 "/2:0:0:2/block/sdc");
	write_text(T1 "/2:0:0:2/state", "blocked\n");
	write_bytes(T1 "/2:0:0:2/vpd_pg83", vpd83_naa, sizeof(vpd83_naa));
	make_dirs(T1 "/2:0:0:3/block/sde");
	write_text(T1 "/2:0:0:3/state", "running\n");
	write_text(T1 "/2:0:0:3/vendor", "IET     \n");
	write_text(T1 "/2:0:0:3/model", "VIRTUAL-DISK    \n");
	write_bytes(T1 "/2:0:0:3/vpd_pg80", vpd80, sizeof(vpd80));
	make_dirs(T1 "/2:0:0:10/block/sdf");
	write_text(T1 "/2:0:0:10/state", "running\n");
	write_text(T1 "/2:0:0:10/vendor", "IET\n");
	write_text(T1 "/2:0:0:10/model", "VIRTUAL-DISK\n");
	make_dirs(S1 "/device/connection1:0");   /* not a target: skipped */

	make_dirs(S2);
	write_text(S2 "/ifacename", "vmk2\n");
	write_text(S2 "/targetname", "iqn.2024-01.lab.esxcli:array1\n");
	write_text(S2 "/state", "LOGGED_IN\n");
	make_dirs("class/iscsi_connection/connection2:0");
	write_text("class/iscsi_connection/connection2:0/address", "fd00::100\n");
	write_text("class/iscsi_connection/connection2:0/port", "3261\n");
	make_dirs(T2 "/3:0:0:1/block/sdaa");
	write_text(T2 "/3:0:0:1/state", "running\n");
	write_text(T2 "/3:0:0:1/wwid", "naa.60000000000000000e00000000010001\n");

	make_dirs(S3);
	write_text(S3 "/ifacename", "vmk1\n");
	write_text(S3 "/targetname", "iqn.2024-01.lab.esxcli:array2\n");
	write_text(S3 "/state", "FAILED\n");
	make_dirs(T3 "/4:0:0:1/block/sdg");
	write_text(T3 "/4:0:0:1/state", "running\n");
	write_text(T3 "/4:0:0:1/wwid", "naa.60000000000000000e00000000020001\n");

	make_dirs("class/iscsi_session/notasession");
}

static void remove_tree(void)
{
	const char *const argv[] = { "rm", "-rf", root, NULL };
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

START_TEST(sysfs_tree_is_read)
{
	struct iscsi_path *p = NULL;
	struct esx_err err = { 0 };
	size_t n = 0;

	fake_tree();
	ck_assert_msg(iscsi_paths_read(root, &p, &n, &err) == 0, "%s", err.text);
	ck_assert_uint_eq(n, 6);   /* sorted: session, then H:C:T:L numerically */

	ck_assert_uint_eq(p[0].sid, 1);
	ck_assert_str_eq(p[0].iface, "vmk1");
	ck_assert_str_eq(p[0].target, "iqn.2024-01.lab.esxcli:array1");
	ck_assert_str_eq(p[0].portal, "10.10.1.100:3260");   /* persistent, not current */
	ck_assert_str_eq(p[0].hctl, "2:0:0:1");
	ck_assert_str_eq(p[0].block, "sdb");
	ck_assert_str_eq(p[0].device, "naa.60000000000000000e00000000010001");
	ck_assert_str_eq(p[0].session_state, "LOGGED_IN");
	ck_assert_str_eq(p[0].scsi_state, "running");
	ck_assert(p[0].working);

	ck_assert_str_eq(p[1].hctl, "2:0:0:2");
	ck_assert_str_eq(p[1].device, "naa.60014050000000000000000000000002");
	ck_assert_str_eq(p[1].scsi_state, "blocked");
	ck_assert(!p[1].working);

	ck_assert_str_eq(p[2].hctl, "2:0:0:3");
	ck_assert_str_eq(p[2].device, "t10.IET_VIRTUAL-DISK_beaf001");
	ck_assert_str_eq(p[2].vendor, "IET");   /* INQUIRY padding cut */
	ck_assert_str_eq(p[2].model, "VIRTUAL-DISK");
	ck_assert(p[2].working);

	ck_assert_str_eq(p[3].hctl, "2:0:0:10");
	ck_assert_str_eq(p[3].device, "sdf");   /* no serial: its own device */

	ck_assert_uint_eq(p[4].sid, 2);
	ck_assert_str_eq(p[4].iface, "vmk2");
	ck_assert_str_eq(p[4].portal, "[fd00::100]:3261");
	ck_assert_str_eq(p[4].block, "sdaa");
	ck_assert_str_eq(p[4].device, p[0].device);

	ck_assert_uint_eq(p[5].sid, 13);
	ck_assert_str_eq(p[5].session_state, "FAILED");
	ck_assert_str_eq(p[5].portal, "");
	ck_assert(!p[5].working);   /* its SCSI device still says running */
	free(p);
	remove_tree();
}
END_TEST

START_TEST(sysfs_without_iscsi_has_no_paths)
{
	struct iscsi_path *p = (struct iscsi_path *)&p;
	struct esx_err err = { 0 };
	size_t n = 99;

	ck_assert_int_eq(iscsi_paths_read("/nonexistent-esx-sysfs", &p, &n, &err), 0);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* ---- arrays ---- */

/* Beyond fake_tree's disks (IET VIRTUAL-DISK twice, padded and not, and
 * disks without vendor or model): another array, one that comes back
 * through a second session, hostile or overlong INQUIRY text, a model-less
 * disk, and a controller LUN (no block device) of a vendor of its own. */
START_TEST(arrays_from_sysfs)
{
	struct mpath_array *a = NULL;
	struct esx_err err = { 0 };
	size_t n = 0;

	fake_tree();
	make_dirs(T2 "/3:0:0:0");
	write_text(T2 "/3:0:0:0/vendor", "CTRL    \n");
	write_text(T2 "/3:0:0:0/model", "ENCLOSURE       \n");
	make_dirs(T2 "/3:0:0:2/block/sdab");
	write_text(T2 "/3:0:0:2/vendor", "LIO-ORG \n");
	write_text(T2 "/3:0:0:2/model", "TCMU device     \n");
	make_dirs(T2 "/3:0:0:3/block/sdac");
	write_text(T2 "/3:0:0:3/vendor", "EV\"IL\n");
	write_text(T2 "/3:0:0:3/model", "X\n");
	make_dirs(T2 "/3:0:0:4/block/sdad");
	write_text(T2 "/3:0:0:4/vendor", "AB\n");
	write_text(T2 "/3:0:0:4/model", "}\ndefaults {\n");
	make_dirs(T2 "/3:0:0:5/block/sdae");
	write_text(T2 "/3:0:0:5/vendor", "NOMODEL\n");
	make_dirs(T2 "/3:0:0:6/block/sdaf");
	write_text(T2 "/3:0:0:6/vendor", "VENDOR123\n");
	write_text(T2 "/3:0:0:6/model", "X\n");
	make_dirs(T3 "/4:0:0:2/block/sdh");
	write_text(T3 "/4:0:0:2/vendor", "LIO-ORG\n");
	write_text(T3 "/4:0:0:2/model", "TCMU device\n");
	make_dirs(T3 "/4:0:0:3/block/sdi");
	write_text(T3 "/4:0:0:3/vendor", "ACME+\n");
	write_text(T3 "/4:0:0:3/model", "disk.1 (x)\n");
	ck_assert_msg(iscsi_arrays_read(root, &a, &n, &err) == 0, "%s", err.text);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(a[0].vendor, "ACME+");
	ck_assert_str_eq(a[0].model, "disk.1 (x)");
	ck_assert_str_eq(a[1].vendor, "IET");
	ck_assert_str_eq(a[1].model, "VIRTUAL-DISK");
	ck_assert_str_eq(a[2].vendor, "LIO-ORG");
	ck_assert_str_eq(a[2].model, "TCMU device");
	free(a);
	remove_tree();
	a = (struct mpath_array *)&a;
	n = 99;
	ck_assert_int_eq(iscsi_arrays_read("/nonexistent-esx-sysfs", &a, &n, &err), 0);
	ck_assert_ptr_null(a);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* ---- VPD 83h ---- */

struct vpd_case {
	const char *what;
	unsigned char page[64];
	size_t len;
	const char *id;   /* NULL: none */
};

static const struct vpd_case vpd_cases[] = {
	{ "NAA 8 bytes", { 0, 0x83, 0, 12, 0x01, 0x03, 0, 8, 0x50, 0x01, 0x40, 0x5a, 0xbc, 0xde,
			   0xf0, 0x12 }, 16, "naa.5001405abcdef012" },
	{ "EUI-64 16 bytes beats NAA 8",
	  { 0, 0x83, 0, 32, 0x01, 0x03, 0, 8, 0x50, 1, 2, 3, 4, 5, 6, 7,
	    0x01, 0x02, 0, 16, 0xaa, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbb }, 36,
	  "eui.aa0000000000000000000000000000bb" },
	{ "T10 vendor ID", { 0, 0x83, 0, 12, 0x02, 0x01, 0, 8, 'I', 'E', 'T', ' ', 'd', 'i', 's',
			     'k' }, 16, "t10.IET disk" },
	{ "SCSI name string beats T10",
	  { 0, 0x83, 0, 20, 0x02, 0x01, 0, 4, 'I', 'E', 'T', ' ', 0x03, 0x08, 0, 8,
	    'i', 'q', 'n', '.', 'x', 0, 0, 0 }, 28, "iqn.x" },
	{ "only a target port's designator", { 0, 0x83, 0, 12, 0x01, 0x93, 0, 8, 1, 2, 3, 4, 5, 6,
					       7, 8 }, 16, NULL },
	{ "a designator longer than the page", { 0, 0x83, 0, 12, 0x01, 0x03, 0, 16, 1, 2, 3, 4, 5,
						 6, 7, 8 }, 16, NULL },
	{ "not page 83h", { 0, 0x80, 0, 4, 'a', 'b', 'c', 'd' }, 8, NULL },
	{ "too short", { 0, 0x83 }, 2, NULL },
};

START_TEST(vpd83_designators)
{
	const struct vpd_case *c = &vpd_cases[_i];
	char id[64] = "unchanged";
	bool found = iscsi_paths_vpd83_id(c->page, c->len, id, sizeof(id));

	ck_assert_msg(found == (c->id != NULL), "%s: found %d", c->what, found);
	if (c->id)
		ck_assert_msg(strcmp(id, c->id) == 0, "%s: %s", c->what, id);
}
END_TEST

/* ---- Path Status and impact, over hand-made lists ---- */

/* A path: iface, device, block, working. */
static struct iscsi_path path(const char *iface, const char *device, const char *block,
			      bool working)
{
	struct iscsi_path p;

	memset(&p, 0, sizeof(p));
	snprintf(p.iface, sizeof(p.iface), "%s", iface);
	snprintf(p.device, sizeof(p.device), "%s", device);
	snprintf(p.block, sizeof(p.block), "%s", block);
	p.working = working;
	return p;
}

#define MAX_PATHS 6

/* A table's path; a NULL iface ends the list. */
struct row {
	const char *iface, *device, *block;
	bool working;
};

struct status_case {
	const char *what;
	struct row paths[MAX_PATHS];
	const char *vmk;
	enum iscsi_path_status status;
};

static const struct status_case status_cases[] = {
	{ "no paths at all", { { NULL } }, "vmk1", ISCSI_PATH_STATUS_NOT_USED },
	{ "paths through other vmks only", { { "vmk2", "naa.1", "sdb", true } }, "vmk1",
	  ISCSI_PATH_STATUS_NOT_USED },
	{ "only failed paths through it",
	  { { "vmk1", "naa.1", "sdb", false }, { "vmk2", "naa.1", "sdc", true } }, "vmk1",
	  ISCSI_PATH_STATUS_NOT_USED },
	{ "two vmks, each device on both",
	  { { "vmk1", "naa.1", "sdb", true }, { "vmk2", "naa.1", "sdc", true },
	    { "vmk1", "naa.2", "sdd", true }, { "vmk2", "naa.2", "sde", true } }, "vmk1",
	  ISCSI_PATH_STATUS_ACTIVE },
	{ "the other vmk's path to one device failed",
	  { { "vmk1", "naa.1", "sdb", true }, { "vmk2", "naa.1", "sdc", true },
	    { "vmk1", "naa.2", "sdd", true }, { "vmk2", "naa.2", "sde", false } }, "vmk1",
	  ISCSI_PATH_STATUS_LAST_ACTIVE },
	{ "the only vmk", { { "vmk1", "naa.1", "sdb", true } }, "vmk1",
	  ISCSI_PATH_STATUS_LAST_ACTIVE },
	{ "two portals, both paths through it",
	  { { "vmk1", "naa.1", "sdb", true }, { "vmk1", "naa.1", "sdc", true } }, "vmk1",
	  ISCSI_PATH_STATUS_LAST_ACTIVE },
	{ "the default iface's path counts as another path",
	  { { "vmk1", "naa.1", "sdb", true }, { "default", "naa.1", "sdc", true } }, "vmk1",
	  ISCSI_PATH_STATUS_ACTIVE },
};

static size_t table_paths(const struct row *t, struct iscsi_path *out)
{
	size_t n = 0;

	while (n < MAX_PATHS && t[n].iface) {
		out[n] = path(t[n].iface, t[n].device, t[n].block, t[n].working);
		n++;
	}
	return n;
}

START_TEST(path_status_cases)
{
	const struct status_case *c = &status_cases[_i];
	struct iscsi_path paths[MAX_PATHS];
	size_t n = table_paths(c->paths, paths);
	enum iscsi_path_status got = iscsi_path_status(paths, n, c->vmk);

	ck_assert_msg(got == c->status, "%s: %s", c->what, iscsi_path_status_name(got));
}
END_TEST

START_TEST(path_status_names)
{
	ck_assert_str_eq(iscsi_path_status_name(ISCSI_PATH_STATUS_NOT_USED), "notUsed");
	ck_assert_str_eq(iscsi_path_status_name(ISCSI_PATH_STATUS_ACTIVE), "active");
	ck_assert_str_eq(iscsi_path_status_name(ISCSI_PATH_STATUS_LAST_ACTIVE), "lastActive");
}
END_TEST

struct impact_case {
	const char *what;
	struct row paths[MAX_PATHS];
	const char *gone[3];
	enum iscsi_impact_severity severity;
	size_t ndevices;
	unsigned lost;
	const char *text;
};

static const struct impact_case impact_cases[] = {
	{ "a vmk without paths", { { "vmk2", "naa.1", "sdb", true } }, { "vmk1" },
	  ISCSI_IMPACT_NONE, 0, 0, "No impact on storage paths." },
	{ "one of two paths of each of two devices",
	  { { "vmk1", "naa.2", "sdd", true }, { "vmk2", "naa.2", "sdf", true },
	    { "vmk1", "naa.1", "sdc", true }, { "vmk2", "naa.1", "sdb", true } }, { "vmk1" },
	  ISCSI_IMPACT_IMPORTANT, 2, 2,
	  "Impact: device naa.1 (sdb, sdc) loses 1 of 2 paths; device naa.2 (sdd, sdf) loses 1 of 2 paths." },
	{ "the last path of one device, listed first",
	  { { "vmk1", "naa.1", "sdb", true }, { "vmk2", "naa.1", "sdc", true },
	    { "vmk1", "naa.2", "sdd", true } }, { "vmk1" },
	  ISCSI_IMPACT_CRITICAL, 2, 2,
	  "Impact: device naa.2 (sdd) loses its last path and becomes inaccessible; device naa.1 (sdb, sdc) loses 1 of 2 paths." },
	{ "both vmks go (an uplink carrying both)",
	  { { "vmk1", "naa.1", "sdb", true }, { "vmk2", "naa.1", "sdc", true } },
	  { "vmk1", "vmk2" }, ISCSI_IMPACT_CRITICAL, 1, 2,
	  "Impact: device naa.1 (sdb, sdc) loses all 2 of its paths and becomes inaccessible." },
	{ "the working path goes, a failed one stays",
	  { { "vmk1", "naa.1", "sdb", true }, { "vmk2", "naa.1", "sdc", false } }, { "vmk1" },
	  ISCSI_IMPACT_CRITICAL, 1, 1,
	  "Impact: device naa.1 (sdb, sdc) loses 1 of 2 paths, the last working one, and becomes inaccessible." },
	{ "a failed path goes, the working one stays",
	  { { "vmk1", "naa.1", "sdb", false }, { "vmk2", "naa.1", "sdc", true } }, { "vmk1" },
	  ISCSI_IMPACT_IMPORTANT, 1, 1, "Impact: device naa.1 (sdb, sdc) loses 1 of 2 paths." },
	{ "an inaccessible device loses its only path",
	  { { "vmk1", "naa.1", "sdb", false } }, { "vmk1" }, ISCSI_IMPACT_IMPORTANT, 1, 1,
	  "Impact: device naa.1 (sdb) loses its only path, which does not work now." },
	{ "block names in ls -v order",
	  { { "vmk1", "naa.1", "sdaa", true }, { "vmk2", "naa.1", "sdz", true } }, { "vmk2" },
	  ISCSI_IMPACT_IMPORTANT, 1, 1, "Impact: device naa.1 (sdz, sdaa) loses 1 of 2 paths." },
};

START_TEST(impact_cases_table)
{
	const struct impact_case *c = &impact_cases[_i];
	struct iscsi_path paths[MAX_PATHS];
	size_t n = table_paths(c->paths, paths);
	struct esx_strv gone = { 0 };
	struct iscsi_impact im;
	char text[512];

	for (size_t i = 0; i < ARRAY_LEN(c->gone) && c->gone[i]; i++)
		ck_assert_int_eq(strv_add(&gone, c->gone[i]), 0);
	ck_assert_int_eq(iscsi_impact(paths, n, &gone, &im), 0);
	ck_assert_msg(im.severity == c->severity, "%s: severity %d", c->what, im.severity);
	ck_assert_msg(im.ndevices == c->ndevices, "%s: %zu devices", c->what, im.ndevices);
	ck_assert_msg(im.lost == c->lost, "%s: %u lost", c->what, im.lost);
	iscsi_impact_text(&im, text, sizeof(text));
	ck_assert_msg(strcmp(text, c->text) == 0, "%s:\n%s", c->what, text);
	iscsi_impact_free(&im);
	strv_free(&gone);
}
END_TEST

START_TEST(impact_counts)
{
	struct iscsi_path paths[] = {
		path("vmk1", "naa.1", "sdb", true), path("vmk2", "naa.1", "sdc", true),
		path("vmk3", "naa.1", "sdd", false),
	};
	struct esx_strv gone = { 0 };
	struct iscsi_impact im;

	ck_assert_int_eq(strv_add(&gone, "vmk2"), 0);
	ck_assert_int_eq(strv_add(&gone, "vmk3"), 0);
	ck_assert_int_eq(iscsi_impact(paths, ARRAY_LEN(paths), &gone, &im), 0);
	ck_assert_uint_eq(im.ndevices, 1);
	ck_assert_uint_eq(im.devices[0].paths, 3);
	ck_assert_uint_eq(im.devices[0].lost, 2);
	ck_assert_uint_eq(im.devices[0].working, 2);
	ck_assert_uint_eq(im.devices[0].working_left, 1);
	ck_assert(!im.devices[0].last);
	ck_assert_str_eq(im.devices[0].blocks, "sdb, sdc, sdd");
	iscsi_impact_free(&im);
	strv_free(&gone);
}
END_TEST

/* Many devices: the text stays within its buffer, the critical ones are
 * named and the rest summed up. */
START_TEST(impact_text_fits)
{
	struct iscsi_path paths[40];
	struct esx_strv gone = { 0 };
	struct iscsi_impact im;
	char text[300], device[40], block[8];

	for (int i = 0; i < 20; i++) {
		snprintf(device, sizeof(device), "naa.%030d", i);
		snprintf(block, sizeof(block), "sd%c", 'a' + i);
		paths[2 * i] = path("vmk1", device, block, true);
		snprintf(block, sizeof(block), "sd%c%c", 'a' + i, 'a' + i);
		/* devices 0..2 have no second working path: critical */
		paths[2 * i + 1] = path("vmk2", device, block, i > 2);
	}
	ck_assert_int_eq(strv_add(&gone, "vmk1"), 0);
	ck_assert_int_eq(iscsi_impact(paths, 40, &gone, &im), 0);
	ck_assert(im.severity == ISCSI_IMPACT_CRITICAL);
	ck_assert_uint_eq(im.ndevices, 20);
	iscsi_impact_text(&im, text, sizeof(text));
	ck_assert_uint_lt(strlen(text), sizeof(text));
	ck_assert_msg(strstr(text, "Impact: device naa.000000000000000000000000000000 (sda, sdaa) loses 1 of 2 paths, the last working one, and becomes inaccessible;"),
		      "%s", text);
	ck_assert_msg(strstr(text, "more devices lose paths") != NULL, "%s", text);
	ck_assert_msg(text[strlen(text) - 1] == '.', "%s", text);
	iscsi_impact_free(&im);
	strv_free(&gone);
}
END_TEST

static Suite *paths_suite(void)
{
	Suite *s = suite_create("iscsi_paths");
	TCase *sysfs = tcase_create("sysfs");
	TCase *pure = tcase_create("pure");

	tcase_add_test(sysfs, sysfs_tree_is_read);
	tcase_add_test(sysfs, sysfs_without_iscsi_has_no_paths);
	tcase_add_test(sysfs, arrays_from_sysfs);
	tcase_add_loop_test(sysfs, vpd83_designators, 0, (int)ARRAY_LEN(vpd_cases));
	suite_add_tcase(s, sysfs);

	tcase_add_loop_test(pure, path_status_cases, 0, (int)ARRAY_LEN(status_cases));
	tcase_add_test(pure, path_status_names);
	tcase_add_loop_test(pure, impact_cases_table, 0, (int)ARRAY_LEN(impact_cases));
	tcase_add_test(pure, impact_counts);
	tcase_add_test(pure, impact_text_fits);
	suite_add_tcase(s, pure);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(paths_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
