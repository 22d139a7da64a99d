/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of open-iscsi's record files on a temporary directory: CHAP
 * names and secrets that would corrupt a record are refused, auth lines
 * are replaced keeping every other line, files end up 0600 with no
 * temporary file left, finding node and SendTargets records, and the
 * database lock: an update waits while someone else holds it, then either
 * proceeds or gives up without touching anything.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iscsi_records.h"
#include "loop.h"

#define TARGET "iqn.2024-01.lab.esxcli:chap"

static char root[PATH_MAX], dir[PATH_MAX], lock_dir[PATH_MAX];
static struct iscsi_db db;

static const char node_text[] =
	"# BEGIN RECORD 2.1.8\n"
	"node.name = " TARGET "\n"
	"node.tpgt = 1\n"
	"node.startup = automatic\n"
	"iface.iscsi_ifacename = vmk1\n"
	"node.discovery_address = 10.10.3.100\n"
	"node.discovery_port = 3260\n"
	"node.discovery_type = send_targets\n"
	"node.session.auth.authmethod = None\n"
	"node.session.auth.chap_algs = MD5\n"
	"node.session.timeo.replacement_timeout = 120\n"
	"node.conn[0].address = 10.10.3.100\n"
	"node.conn[0].port = 3260\n"
	"# END RECORD\n";

/* snprintf into a path buffer, which must not be cut. */
static void __attribute__((format(printf, 2, 3))) pathf(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	ck_assert(n > 0 && n < PATH_MAX);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static char *read_text(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void mkdirs(const char *path)
{
	char copy[PATH_MAX];

	pathf(copy, "%s", path);
	for (char *p = copy + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(copy, 0700);
			*p = '/';
		}
	}
	mkdir(copy, 0700);
}

static void node_path(char *out, const char *iface)
{
	pathf(out, "%s/nodes/%s/10.10.3.100,3260,1/%s", dir, TARGET, iface);
}

static void setup(void)
{
	char path[PATH_MAX];

	pathf(root, "/tmp/esxcli-records-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	pathf(dir, "%s/etc/iscsi", root);
	pathf(lock_dir, "%s/run/lock/iscsi", root);
	db.dir = dir;
	db.lock_dir = lock_dir;
	/* open-iscsi makes the lock directory, not its parents. */
	pathf(path, "%s/run/lock", root);
	mkdirs(path);
	pathf(path, "%s/nodes/%s/10.10.3.100,3260,1", dir, TARGET);
	mkdirs(path);
	node_path(path, "vmk1");
	write_text(path, node_text, 0644);
}

static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char child[PATH_MAX];

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path))) {
		while ((de = readdir(d))) {
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
				pathf(child, "%s/%s", path, de->d_name);
				remove_tree(child);
			}
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void teardown(void)
{
	remove_tree(root);
}

/* How many entries of the database's top directory are temporary files. */
static int leftovers(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		n += strncmp(de->d_name, ".esxclid", 8) == 0;
	closedir(d);
	return n;
}

static struct iscsi_record node_record(const char *iface)
{
	struct iscsi_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.kind = ISCSI_RECORD_NODE;
	node_path(rec.path, iface);
	return rec;
}

static struct iscsi_auth chap(const char *user, const char *secret)
{
	struct iscsi_auth a;

	memset(&a, 0, sizeof(a));
	a.chap = true;
	snprintf(a.username, sizeof(a.username), "%s", user);
	snprintf(a.password, sizeof(a.password), "%s", secret);
	return a;
}

START_TEST(texts)
{
	char longest[ISCSI_AUTH_TEXT_MAX + 2];

	ck_assert_ptr_null(iscsi_auth_text_invalid("s3cret-S3cret!#=x y"));
	memset(longest, 'a', ISCSI_AUTH_TEXT_MAX);
	longest[ISCSI_AUTH_TEXT_MAX] = '\0';
	ck_assert_ptr_null(iscsi_auth_text_invalid(longest));
	longest[ISCSI_AUTH_TEXT_MAX] = 'a';
	longest[ISCSI_AUTH_TEXT_MAX + 1] = '\0';
	ck_assert_ptr_nonnull(iscsi_auth_text_invalid(longest));
	ck_assert_ptr_nonnull(iscsi_auth_text_invalid(""));
	ck_assert_ptr_nonnull(iscsi_auth_text_invalid("two\nlines"));
	ck_assert_ptr_nonnull(iscsi_auth_text_invalid("cr\rhere"));
	ck_assert_ptr_nonnull(iscsi_auth_text_invalid("tab\there"));
	ck_assert_ptr_nonnull(iscsi_auth_text_invalid("del\x7f"));
	ck_assert_ptr_nonnull(iscsi_auth_text_invalid("caf\xc3\xa9"));
	ck_assert_ptr_nonnull(iscsi_auth_text_invalid(" leading"));
	ck_assert_ptr_nonnull(iscsi_auth_text_invalid("trailing "));
}
END_TEST

START_TEST(chap_lines_replace_and_keep_the_rest)
{
	struct iscsi_record rec = node_record("vmk1");
	struct iscsi_auth a = chap("esxlab", "s3cret-s3cret");
	struct esx_err err = { 0 };
	struct stat before, after;
	bool changed = false;

	ck_assert_int_eq(iscsi_record_set_auth(&rec, &a, &changed, &err), 0);
	ck_assert(changed);
	ck_assert_str_eq(read_text(rec.path),
		"# BEGIN RECORD 2.1.8\n"
		"node.name = " TARGET "\n"
		"node.tpgt = 1\n"
		"node.startup = automatic\n"
		"iface.iscsi_ifacename = vmk1\n"
		"node.discovery_address = 10.10.3.100\n"
		"node.discovery_port = 3260\n"
		"node.discovery_type = send_targets\n"
		"node.session.auth.authmethod = CHAP\n"
		"node.session.auth.username = esxlab\n"
		"node.session.auth.password = s3cret-s3cret\n"
		"node.session.auth.chap_algs = MD5\n"
		"node.session.timeo.replacement_timeout = 120\n"
		"node.conn[0].address = 10.10.3.100\n"
		"node.conn[0].port = 3260\n"
		"# END RECORD\n");
	ck_assert_int_eq(stat(rec.path, &before), 0);
	ck_assert_int_eq(before.st_mode & 07777, 0600);
	ck_assert_int_eq(leftovers(), 0);

	/* The same again: nothing written. */
	ck_assert_int_eq(iscsi_record_set_auth(&rec, &a, &changed, &err), 0);
	ck_assert(!changed);
	ck_assert_int_eq(stat(rec.path, &after), 0);
	ck_assert_uint_eq(before.st_ino, after.st_ino);

	/* Mutual CHAP adds the incoming pair. */
	snprintf(a.username_in, sizeof(a.username_in), "array");
	snprintf(a.password_in, sizeof(a.password_in), "an0ther-s3cret");
	ck_assert_int_eq(iscsi_record_set_auth(&rec, &a, &changed, &err), 0);
	ck_assert(changed);
	ck_assert_ptr_nonnull(strstr(read_text(rec.path),
		"node.session.auth.password = s3cret-s3cret\n"
		"node.session.auth.username_in = array\n"
		"node.session.auth.password_in = an0ther-s3cret\n"
		"node.session.auth.chap_algs = MD5\n"));

	/* Back to no CHAP: only authmethod None is left. */
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(iscsi_record_set_auth(&rec, &a, &changed, &err), 0);
	ck_assert(changed);
	ck_assert_str_eq(read_text(rec.path), node_text);
	ck_assert_int_eq(leftovers(), 0);
}
END_TEST

START_TEST(odd_secrets_refused)
{
	struct iscsi_record rec = node_record("vmk1");
	struct iscsi_auth a = chap("esxlab", "s3cret\nnode.startup = manual");
	struct esx_err err = { 0 };
	bool changed = true;

	ck_assert_int_eq(iscsi_record_set_auth(&rec, &a, &changed, &err), -EINVAL);
	ck_assert(!changed);
	ck_assert_ptr_nonnull(strstr(err.text, "CHAP secret"));
	ck_assert_ptr_null(strstr(err.text, "s3cret"));
	ck_assert_str_eq(read_text(rec.path), node_text);

	a = chap("esx\tlab", "s3cret-s3cret");
	ck_assert_int_eq(iscsi_record_set_auth(&rec, &a, &changed, &err), -EINVAL);
	a = chap("esxlab", "s3cret-s3cret ");
	ck_assert_int_eq(iscsi_record_set_auth(&rec, &a, &changed, &err), -EINVAL);
	ck_assert_str_eq(read_text(rec.path), node_text);
	ck_assert_int_eq(leftovers(), 0);
}
END_TEST

START_TEST(lines_go_before_the_end_or_at_the_end)
{
	struct iscsi_record rec = node_record("default");
	struct iscsi_auth a = chap("u", "p");
	struct esx_err err = { 0 };
	bool changed;

	write_text(rec.path, "# BEGIN RECORD 2.1.8\nnode.name = x\n# END RECORD\n", 0600);
	ck_assert_int_eq(iscsi_record_set_auth(&rec, &a, &changed, &err), 0);
	ck_assert_str_eq(read_text(rec.path),
		"# BEGIN RECORD 2.1.8\nnode.name = x\n"
		"node.session.auth.authmethod = CHAP\n"
		"node.session.auth.username = u\n"
		"node.session.auth.password = p\n"
		"# END RECORD\n");
	/* No END line, no newline at the end; a stale length line goes. */
	write_text(rec.path, "node.name = x\n  node.session.auth.password_length=12", 0600);
	ck_assert_int_eq(iscsi_record_set_auth(&rec, &a, &changed, &err), 0);
	ck_assert_str_eq(read_text(rec.path),
		"node.name = x\n"
		"node.session.auth.authmethod = CHAP\n"
		"node.session.auth.username = u\n"
		"node.session.auth.password = p\n");
}
END_TEST

struct seen {
	int nodes, sendtargets;
	struct iscsi_record last_node, last_st;
};

static int count(const struct iscsi_record *rec, void *data)
{
	struct seen *s = data;

	if (rec->kind == ISCSI_RECORD_NODE) {
		s->nodes++;
		if (strcmp(rec->iface, "vmk1") == 0)
			s->last_node = *rec;
	} else {
		s->sendtargets++;
		s->last_st = *rec;
	}
	return 0;
}

START_TEST(scan_finds_records)
{
	struct esx_err err = { 0 };
	struct seen s = { 0 };
	char path[PATH_MAX], link_path[PATH_MAX];

	node_path(path, "default");
	write_text(path, "node.name = " TARGET "\nnode.discovery_type = static\n"
		   "node.discovery_address = 10.9.9.9\n", 0600);
	pathf(path, "%s/send_targets/10.10.3.100,3260", dir);
	mkdirs(path);
	/* What iscsiadm puts next to st_config: links to the node records. */
	pathf(link_path, "%s/%s,10.10.3.100,3260,1,vmk1", path, TARGET);
	node_path(path, "vmk1");
	ck_assert_int_eq(symlink(path, link_path), 0);
	pathf(path, "%s/send_targets/10.10.3.100,3260/st_config", dir);
	write_text(path, "discovery.startup = manual\ndiscovery.type = sendtargets\n", 0600);

	ck_assert_int_eq(iscsi_records_scan(&db, count, &s, &err), 0);
	ck_assert_int_eq(s.nodes, 2);
	ck_assert_int_eq(s.sendtargets, 1);
	ck_assert_str_eq(s.last_node.target, TARGET);
	ck_assert_str_eq(s.last_node.address, "10.10.3.100");
	ck_assert_uint_eq(s.last_node.port, 3260);
	ck_assert_int_eq(s.last_node.tpgt, 1);
	ck_assert(s.last_node.discovered);
	ck_assert_str_eq(s.last_node.discovery_address, "10.10.3.100");
	ck_assert_uint_eq(s.last_node.discovery_port, 3260);
	ck_assert_str_eq(s.last_st.address, "10.10.3.100");
	ck_assert_uint_eq(s.last_st.port, 3260);
	ck_assert_str_eq(s.last_st.path, path);
}
END_TEST

/* ---- updates and the lock ---- */

struct run {
	struct esx_loop *loop;
	struct iscsi_records_outcome outcome;
	int done_calls;
	int asked;
};

static int want_vmk1(const struct iscsi_record *rec, struct iscsi_auth *auth, void *data)
{
	struct run *run = data;

	run->asked++;
	if (rec->kind != ISCSI_RECORD_NODE || strcmp(rec->iface, "vmk1") != 0)
		return 0;
	*auth = chap("esxlab", "s3cret-s3cret");
	return 1;
}

static void on_done(const struct iscsi_records_outcome *outcome, void *data)
{
	struct run *run = data;

	run->outcome = *outcome;
	run->done_calls++;
	loop_quit(run->loop, 0);
}

static void release_lock(struct esx_loop *loop, void *data)
{
	(void)loop;
	(void)data;
	iscsi_db_unlock(&db);
}

static void on_guard(struct esx_loop *loop, void *data)
{
	(void)data;
	loop_quit(loop, -ETIMEDOUT);
}

/* Someone else's lock: what iscsiadm's idbm_lock() leaves while it works. */
static void hold_lock(void)
{
	struct esx_err err = { 0 };

	ck_assert_int_eq(iscsi_db_trylock(&db, &err), 0);
	ck_assert_int_eq(iscsi_db_trylock(&db, &err), -EAGAIN);
}

static uint64_t run_update(struct run *run, unsigned timeout_ms, unsigned release_after_ms)
{
	struct iscsi_records_job *job = NULL;
	struct loop_timer guard, release;
	struct esx_err err = { 0 };
	uint64_t start = loop_now_ms();

	ck_assert_int_eq(loop_new(&run->loop), 0);
	loop_timer_init(&guard, on_guard, NULL);
	loop_timer_arm(run->loop, &guard, start + 10000);
	loop_timer_init(&release, release_lock, NULL);
	if (release_after_ms)
		loop_timer_arm(run->loop, &release, start + release_after_ms);
	ck_assert_int_eq(iscsi_records_update(run->loop, &db, timeout_ms, want_vmk1, run, on_done,
					      run, &job, &err), 0);
	ck_assert_int_eq(run->done_calls, 0);   /* never from inside the call */
	ck_assert_int_eq(loop_run(run->loop), 0);
	iscsi_records_job_free(job);
	loop_timer_disarm(run->loop, &guard);
	loop_timer_disarm(run->loop, &release);
	loop_free(run->loop);
	return loop_now_ms() - start;
}

START_TEST(update_writes_what_is_owned)
{
	struct run run = { 0 };
	char path[PATH_MAX], write_lock[PATH_MAX];

	node_path(path, "default");
	write_text(path, node_text, 0600);
	run_update(&run, 1000, 0);
	ck_assert_int_eq(run.done_calls, 1);
	ck_assert_uint_eq(run.outcome.owned, 1);
	ck_assert_uint_eq(run.outcome.written, 1);
	ck_assert_uint_eq(run.outcome.failed, 0);
	ck_assert_int_eq(run.asked, 2);
	ck_assert_str_eq(read_text(path), node_text);   /* not claimed: untouched */
	node_path(path, "vmk1");
	ck_assert_ptr_nonnull(strstr(read_text(path), "node.session.auth.password = s3cret-s3cret\n"));
	pathf(write_lock, "%s/lock.write", lock_dir);
	ck_assert_int_eq(access(write_lock, F_OK), -1);    /* released */
}
END_TEST

START_TEST(update_waits_for_the_lock)
{
	struct run run = { 0 };
	char path[PATH_MAX];
	uint64_t took;

	hold_lock();
	took = run_update(&run, 5000, 150);
	ck_assert_uint_ge(took, 150);
	ck_assert_int_eq(run.done_calls, 1);
	ck_assert(!run.outcome.locked_out);
	ck_assert_uint_eq(run.outcome.written, 1);
	node_path(path, "vmk1");
	ck_assert_ptr_nonnull(strstr(read_text(path), "node.session.auth.authmethod = CHAP\n"));
}
END_TEST

START_TEST(update_gives_up_on_a_held_lock)
{
	struct run run = { 0 };
	char path[PATH_MAX], write_lock[PATH_MAX];
	uint64_t took;

	hold_lock();
	took = run_update(&run, 200, 0);
	ck_assert_uint_ge(took, 200);
	ck_assert_uint_lt(took, 5000);
	ck_assert_int_eq(run.done_calls, 1);
	ck_assert(run.outcome.locked_out);
	ck_assert_int_eq(run.asked, 0);
	ck_assert_ptr_nonnull(strstr(run.outcome.first_error, "stayed locked"));
	node_path(path, "vmk1");
	ck_assert_str_eq(read_text(path), node_text);
	/* The other holder's lock is not ours to remove. */
	pathf(write_lock, "%s/lock.write", lock_dir);
	ck_assert_int_eq(access(write_lock, F_OK), 0);
}
END_TEST

static Suite *records_suite(void)
{
	Suite *s = suite_create("iscsi_records");
	TCase *files = tcase_create("files"), *lock = tcase_create("lock");

	tcase_add_checked_fixture(files, setup, teardown);
	tcase_add_test(files, texts);
	tcase_add_test(files, chap_lines_replace_and_keep_the_rest);
	tcase_add_test(files, odd_secrets_refused);
	tcase_add_test(files, lines_go_before_the_end_or_at_the_end);
	tcase_add_test(files, scan_finds_records);
	suite_add_tcase(s, files);
	tcase_add_checked_fixture(lock, setup, teardown);
	tcase_set_timeout(lock, 30);
	tcase_add_test(lock, update_writes_what_is_owned);
	tcase_add_test(lock, update_waits_for_the_lock);
	tcase_add_test(lock, update_gives_up_on_a_held_lock);
	suite_add_tcase(s, lock);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(records_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
