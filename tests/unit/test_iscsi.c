/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests of the iSCSI backends that need no open-iscsi: batches of real
 * processes (order, accepted exit codes, stop on failure, parallelism,
 * deadlines, freeing while running), the initiator name file (read, atomic
 * rewrite keeping other lines, mode kept), and reading discovery output.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iscsi_adm.h"
#include "iscsi_batch.h"
#include "iscsi_initiator.h"
#include "loop.h"

#define GUARD_MS 20000

/* ---- batches ---- */

struct run {
	struct esx_loop *loop;
	int done_calls;
	uint64_t took_ms;
};

static void on_batch_done(struct iscsi_batch *b, void *data)
{
	struct run *run = data;

	(void)b;
	run->done_calls++;
	loop_quit(run->loop, 0);
}

static void on_guard(struct esx_loop *loop, void *data)
{
	(void)data;
	loop_quit(loop, -ETIMEDOUT);
}

/* Run b to its end; returns the loop's status. */
static int run_batch(struct run *run, struct iscsi_batch *b)
{
	struct loop_timer guard;
	struct esx_err err = { 0 };
	uint64_t start = loop_now_ms();
	int ret;

	run->done_calls = 0;
	loop_timer_init(&guard, on_guard, NULL);
	loop_timer_arm(run->loop, &guard, loop_now_ms() + GUARD_MS);
	ck_assert_msg(iscsi_batch_start(b, on_batch_done, run, &err) == 0, "%s", err.text);
	/* Never called before the loop runs. */
	ck_assert_int_eq(run->done_calls, 0);
	ret = loop_run(run->loop);
	loop_timer_disarm(run->loop, &guard);
	run->took_ms = loop_now_ms() - start;
	return ret;
}

static void add_sh(struct iscsi_batch *b, const char *script, unsigned timeout_ms,
		   uint64_t ok_codes, void *tag)
{
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	ck_assert_int_eq(iscsi_batch_add(b, argv, timeout_ms, ok_codes, tag), 0);
}

static void setup_run(struct run *run)
{
	memset(run, 0, sizeof(*run));
	ck_assert_int_eq(loop_new(&run->loop), 0);
}

START_TEST(batch_runs_in_order_and_keeps_outcomes)
{
	struct run run;
	struct iscsi_batch *b;
	const struct iscsi_batch_item *item;
	char text[600];
	int tag = 7;

	setup_run(&run);
	b = iscsi_batch_new(run.loop, 1, false, 0);
	ck_assert_ptr_nonnull(b);
	add_sh(b, "echo one; echo oops >&2", 5000, 0, &tag);
	add_sh(b, "exit 21", 5000, ISCSI_OK_CODE(21), NULL);
	add_sh(b, "echo 'iscsiadm: no records' >&2; exit 15", 5000, 0, NULL);
	add_sh(b, "echo last", 5000, 0, NULL);
	ck_assert_int_eq(run_batch(&run, b), 0);
	ck_assert_int_eq(run.done_calls, 1);
	ck_assert_uint_eq(iscsi_batch_count(b), 4);
	item = iscsi_batch_item(b, 0);
	ck_assert(item->ran && item->ok);
	ck_assert_str_eq(item->out, "one\n");
	ck_assert_str_eq(item->err, "oops\n");
	ck_assert_ptr_eq(item->tag, &tag);
	ck_assert(iscsi_batch_item(b, 1)->ok);                  /* 21 accepted */
	ck_assert_int_eq(iscsi_batch_item(b, 1)->status, 21);
	item = iscsi_batch_item(b, 2);
	ck_assert(item->ran && !item->ok);
	ck_assert_int_eq(item->status, 15);
	ck_assert(iscsi_batch_item(b, 3)->ok);                  /* no stop on failure */
	ck_assert(!iscsi_batch_all_ok(b));
	ck_assert_ptr_eq(iscsi_batch_first_failure(b), item);
	iscsi_batch_describe(item, text, sizeof(text));
	ck_assert_msg(strstr(text, " failed (exit 15): iscsiadm: no records") != NULL, "%s", text);
	ck_assert(strncmp(text, "/bin/sh -c ", 11) == 0);
	ck_assert_ptr_null(iscsi_batch_item(b, 4));
	iscsi_batch_free(b);
	loop_free(run.loop);
}
END_TEST

START_TEST(batch_stops_on_failure)
{
	struct run run;
	struct iscsi_batch *b;
	char path[] = "/tmp/test_iscsi.XXXXXX", script[128];

	setup_run(&run);
	ck_assert_ptr_nonnull(mkdtemp(path));
	snprintf(script, sizeof(script), "touch %s/ran", path);
	b = iscsi_batch_new(run.loop, 1, true, 0);
	add_sh(b, "exit 0", 5000, 0, NULL);
	add_sh(b, "exit 3", 5000, 0, NULL);
	add_sh(b, script, 5000, 0, NULL);
	ck_assert_int_eq(run_batch(&run, b), 0);
	ck_assert(iscsi_batch_item(b, 0)->ok);
	ck_assert(!iscsi_batch_item(b, 1)->ok);
	ck_assert(!iscsi_batch_item(b, 2)->ran);
	ck_assert_str_eq(iscsi_batch_item(b, 2)->why, "not run: an earlier step failed");
	snprintf(script, sizeof(script), "%s/ran", path);
	ck_assert_int_eq(access(script, F_OK), -1);   /* really not run */
	rmdir(path);
	iscsi_batch_free(b);
	loop_free(run.loop);
}
END_TEST

START_TEST(batch_runs_in_parallel)
{
	struct run run;
	struct iscsi_batch *b;

	setup_run(&run);
	b = iscsi_batch_new(run.loop, 4, false, 0);
	for (int i = 0; i < 4; i++)
		add_sh(b, "sleep 0.5", 5000, 0, NULL);
	ck_assert_int_eq(run_batch(&run, b), 0);
	ck_assert(iscsi_batch_all_ok(b));
	/* Four half-second sleeps at once, not two seconds in a row. */
	ck_assert_msg(run.took_ms < 1500, "took %llu ms", (unsigned long long)run.took_ms);
	iscsi_batch_free(b);
	loop_free(run.loop);
}
END_TEST

START_TEST(batch_deadline_cuts_and_skips)
{
	struct run run;
	struct iscsi_batch *b;
	const struct iscsi_batch_item *item;

	setup_run(&run);
	b = iscsi_batch_new(run.loop, 1, false, 700);
	add_sh(b, "sleep 10", 10000, 0, NULL);
	add_sh(b, "exit 0", 10000, 0, NULL);
	ck_assert_int_eq(run_batch(&run, b), 0);
	ck_assert_msg(run.took_ms < 5000, "took %llu ms", (unsigned long long)run.took_ms);
	item = iscsi_batch_item(b, 0);
	ck_assert(item->ran && !item->ok && item->timed_out);
	item = iscsi_batch_item(b, 1);
	ck_assert(!item->ran && !item->ok);
	ck_assert(strstr(item->why, "deadline") != NULL);
	iscsi_batch_free(b);
	loop_free(run.loop);
}
END_TEST

START_TEST(batch_empty_and_unstartable)
{
	struct run run;
	struct iscsi_batch *b;
	const char *argv[] = { "/nonexistent/iscsiadm", "-m", "session", NULL };
	const char *relative[] = { "sh", NULL };

	setup_run(&run);
	b = iscsi_batch_new(run.loop, 1, false, 0);
	ck_assert_int_eq(run_batch(&run, b), 0);   /* done comes from the loop */
	ck_assert_int_eq(run.done_calls, 1);
	ck_assert(iscsi_batch_all_ok(b));
	iscsi_batch_free(b);

	b = iscsi_batch_new(run.loop, 1, false, 0);
	ck_assert_int_eq(iscsi_batch_add(b, argv, 1000, 0, NULL), 0);
	ck_assert_int_eq(iscsi_batch_add(b, relative, 1000, 0, NULL), 0);
	ck_assert_int_eq(run_batch(&run, b), 0);
	ck_assert(!iscsi_batch_item(b, 0)->ok);
	ck_assert(strstr(iscsi_batch_item(b, 0)->why, "/nonexistent/iscsiadm") != NULL);
	ck_assert(strstr(iscsi_batch_item(b, 1)->why, "absolute") != NULL);
	iscsi_batch_free(b);
	loop_free(run.loop);
}
END_TEST

/* Freed while a child runs: the child is killed, nothing is reported. */
START_TEST(batch_free_while_running)
{
	struct run run;
	struct iscsi_batch *b;
	struct esx_err err = { 0 };

	setup_run(&run);
	b = iscsi_batch_new(run.loop, 2, false, 0);
	add_sh(b, "sleep 30", 60000, 0, NULL);
	add_sh(b, "sleep 30", 60000, 0, NULL);
	ck_assert_int_eq(iscsi_batch_start(b, on_batch_done, &run, &err), 0);
	iscsi_batch_free(b);
	ck_assert_int_eq(run.done_calls, 0);
	loop_free(run.loop);
}
END_TEST

/* ---- the initiator name file ---- */

static char dir[64];
static char file[128];

static void file_setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_iscsi.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/initiatorname.iscsi", dir);
}

static void file_teardown(void)
{
	unlink(file);
	rmdir(dir);
}

static void write_text(const char *text, mode_t mode)
{
	FILE *f = fopen(file, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(file, mode);
}

static char *read_text(void)
{
	static char buf[4096];
	FILE *f = fopen(file, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

START_TEST(initiator_file_read)
{
	struct esx_err err = { 0 };
	char name[224], alias[256];

	ck_assert_int_eq(iscsi_initiator_read(file, name, sizeof(name), alias, sizeof(alias), &err),
			 -ENOENT);
	write_text("## DO NOT EDIT OR REMOVE THIS FILE!\n"
		   "InitiatorName=iqn.1993-08.org.debian:01:f226da5acdf7\n"
		   "  InitiatorAlias=host1 trailing words\n", 0600);
	ck_assert_int_eq(iscsi_initiator_read(file, name, sizeof(name), alias, sizeof(alias), &err),
			 0);
	ck_assert_str_eq(name, "iqn.1993-08.org.debian:01:f226da5acdf7");
	ck_assert_str_eq(alias, "host1");
	write_text("# only a comment\nInitiatorName=\n", 0600);
	ck_assert_int_eq(iscsi_initiator_read(file, name, sizeof(name), NULL, 0, &err), -ENOENT);
}
END_TEST

START_TEST(initiator_file_rewrite_keeps_other_lines)
{
	struct esx_err err = { 0 };
	struct stat st;

	write_text("## comment kept\n"
		   "InitiatorName=iqn.1993-08.org.debian:01:old\n"
		   "InitiatorAlias=old\n"
		   "# another comment\n", 0640);
	ck_assert_int_eq(iscsi_initiator_write(file, "iqn.1998-01.com.vmware:new", "lab", &err), 0);
	ck_assert_str_eq(read_text(), "## comment kept\n"
				     "InitiatorName=iqn.1998-01.com.vmware:new\n"
				     "InitiatorAlias=lab\n"
				     "# another comment\n");
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);    /* the mode is kept */

	/* NULL keeps the alias, "" removes it. */
	ck_assert_int_eq(iscsi_initiator_write(file, "iqn.1998-01.com.vmware:two", NULL, &err), 0);
	ck_assert(strstr(read_text(), "InitiatorAlias=lab\n") != NULL);
	ck_assert_int_eq(iscsi_initiator_write(file, "iqn.1998-01.com.vmware:two", "", &err), 0);
	ck_assert_str_eq(read_text(), "## comment kept\n"
				     "InitiatorName=iqn.1998-01.com.vmware:two\n"
				     "# another comment\n");
}
END_TEST

START_TEST(initiator_file_created)
{
	struct esx_err err = { 0 };
	char name[224];
	struct stat st;

	ck_assert_int_eq(iscsi_initiator_write(file, "iqn.2005-03.org.open-iscsi:0123456789ab",
					       NULL, &err), 0);
	ck_assert_str_eq(read_text(), "InitiatorName=iqn.2005-03.org.open-iscsi:0123456789ab\n");
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(iscsi_initiator_read(file, name, sizeof(name), NULL, 0, &err), 0);
	ck_assert_str_eq(name, "iqn.2005-03.org.open-iscsi:0123456789ab");
	/* No temporary file is left behind. */
	ck_assert_int_eq(entries(dir), 1);
}
END_TEST

/* ---- discovery output ---- */

struct seen {
	int count;
	struct iscsi_adm_discovered last;
};

static void on_record(const struct iscsi_adm_discovered *rec, void *data)
{
	struct seen *seen = data;

	seen->count++;
	seen->last = *rec;
}

START_TEST(discovery_output_is_read)
{
	struct seen seen = { 0 };
	const char *out = "10.10.1.100:3260,1 iqn.2024-01.lab.esxcli:array1\n"
			  "iscsiadm: some message, with a comma\n"
			  "[fd00::100]:3260,2 iqn.2024-01.lab.esxcli:array2\n"
			  "garbage\n";

	ck_assert_uint_eq(iscsi_adm_parse_discovery(out, on_record, &seen), 2);
	ck_assert_int_eq(seen.count, 2);
	ck_assert_str_eq(seen.last.portal, "[fd00::100]:3260");
	ck_assert_int_eq(seen.last.tpgt, 2);
	ck_assert_str_eq(seen.last.target, "iqn.2024-01.lab.esxcli:array2");
	ck_assert_uint_eq(iscsi_adm_parse_discovery("", NULL, NULL), 0);
	ck_assert_uint_eq(iscsi_adm_parse_discovery(NULL, NULL, NULL), 0);
	ck_assert_str_eq(iscsi_adm_exit_text(21), "no records or sessions found");
	ck_assert_str_eq(iscsi_adm_exit_text(15), "session already logged in");
	ck_assert_str_eq(iscsi_adm_exit_text(0), "");
	ck_assert_str_eq(iscsi_adm_exit_text(99), "");
}
END_TEST

static Suite *iscsi_suite(void)
{
	Suite *s = suite_create("iscsi");
	TCase *batch = tcase_create("batch");
	TCase *initiator = tcase_create("initiator");
	TCase *adm = tcase_create("adm");

	tcase_set_timeout(batch, 30);
	tcase_add_test(batch, batch_runs_in_order_and_keeps_outcomes);
	tcase_add_test(batch, batch_stops_on_failure);
	tcase_add_test(batch, batch_runs_in_parallel);
	tcase_add_test(batch, batch_deadline_cuts_and_skips);
	tcase_add_test(batch, batch_empty_and_unstartable);
	tcase_add_test(batch, batch_free_while_running);
	suite_add_tcase(s, batch);

	tcase_add_checked_fixture(initiator, file_setup, file_teardown);
	tcase_add_test(initiator, initiator_file_read);
	tcase_add_test(initiator, initiator_file_rewrite_keeps_other_lines);
	tcase_add_test(initiator, initiator_file_created);
	suite_add_tcase(s, initiator);

	tcase_add_test(adm, discovery_output_is_read);
	suite_add_tcase(s, adm);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(iscsi_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
