/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The desired-state store against real files: what lands on disk (bytes,
 * modes, no leftovers), what is refused and left untouched, the lock, and
 * that a failed commit changes nothing in memory or on disk.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>

#include "store.h"

static char tmpdir[64];
static char state_path[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(state_path, sizeof(state_path), "%s/esx.conf", tmpdir);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void teardown(void)
{
	nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *bytes, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ck_assert_int_eq(close(fd), 0);
}

/* The whole file; *len gets its size. The caller frees. */
static char *read_file(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
	buf[st.st_size] = '\0';
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

static mode_t file_mode(const char *path)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* The names in dir, sorted and joined with spaces. */
static void list_dir(const char *dir, char *out, size_t out_len)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	ck_assert_int_ge(n, 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			size_t used = strlen(out);

			snprintf(out + used, out_len - used, "%s%s", used ? " " : "",
				 names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
}

static void assert_only_state_files(const char *dir)
{
	char names[512];

	list_dir(dir, names, sizeof(names));
	ck_assert_str_eq(names, "esx.conf esx.conf.lock");
}

static struct esx_store *open_ok(const char *path)
{
	struct esx_store *s = NULL;
	struct esx_err err = { 0 };

	ck_assert_msg(store_open(path, &s, &err) == 0, "store_open: %s", err.text);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* Commit root + {key: value} and return nothing: the store holds it. */
static void commit_key(struct esx_store *s, const char *key, const char *value)
{
	struct json_object *doc = store_edit(s);
	struct esx_err err = { 0 };

	ck_assert_ptr_nonnull(doc);
	json_object_object_add(doc, key, json_object_new_string(value));
	ck_assert_msg(store_commit(s, doc, &err) == 0, "store_commit: %s", err.text);
}

START_TEST(empty_start)
{
	char nested[192], dir[160];
	struct esx_store *s;
	struct json_object *root;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/a/b", tmpdir);
	snprintf(nested, sizeof(nested), "%s/esx.conf", dir);
	s = open_ok(nested);
	root = store_root(s);
	ck_assert_str_eq(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN),
			 "{\"version\":1}");
	ck_assert_str_eq(store_path(s), nested);
	/* Directories created private, the lock file too; the document itself
	 * is written only by a commit. */
	ck_assert_int_eq(file_mode(dir), 0700);
	ck_assert_int_eq(stat(nested, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	snprintf(dir, sizeof(dir), "%s/a", tmpdir);
	ck_assert_int_eq(file_mode(dir), 0700);
	snprintf(nested, sizeof(nested), "%s/a/b/esx.conf.lock", tmpdir);
	ck_assert_int_eq(file_mode(nested), 0600);
	store_close(s);
}
END_TEST

START_TEST(commit_then_reopen)
{
	struct esx_store *s;
	struct json_object *doc, *vswitch, *expect = NULL;
	struct esx_err err = { 0 };
	char *bytes;
	size_t len;

	umask(0);   /* the file must still be 0600 */
	s = open_ok(state_path);
	doc = store_edit(s);
	ck_assert_ptr_nonnull(doc);
	vswitch = json_object_new_object();
	json_object_object_add(vswitch, "mtu", json_object_new_int(9000));
	json_object_object_add(vswitch, "name", json_object_new_string("vSwitch/iSCSI \"A\""));
	json_object_object_add(doc, "vSwitch1", vswitch);
	ck_assert_int_eq(json_object_deep_copy(doc, &expect, NULL), 0);
	ck_assert_int_eq(store_commit(s, doc, &err), 0);
	ck_assert(json_object_equal(store_root(s), expect));

	ck_assert_int_eq(file_mode(state_path), 0600);
	ck_assert_int_eq(file_mode(tmpdir), 0700);
	assert_only_state_files(tmpdir);
	bytes = read_file(state_path, &len);
	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(bytes[len - 1], '\n');
	ck_assert_ptr_nonnull(strstr(bytes, "\"mtu\":9000") ? strstr(bytes, "\"mtu\":9000")
			      : strstr(bytes, "\"mtu\": 9000"));
	free(bytes);
	store_close(s);

	s = open_ok(state_path);
	ck_assert(json_object_equal(store_root(s), expect));
	ck_assert_int_eq(file_mode(state_path), 0600);
	store_close(s);
	json_object_put(expect);
}
END_TEST

START_TEST(edit_is_a_copy)
{
	struct esx_store *s = open_ok(state_path);
	struct json_object *doc = store_edit(s);

	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_ne(doc, store_root(s));
	json_object_object_add(doc, "vmk1", json_object_new_string("x"));
	ck_assert(!json_object_object_get_ex(store_root(s), "vmk1", NULL));
	json_object_put(doc);   /* a rollback */
	ck_assert(!json_object_object_get_ex(store_root(s), "vmk1", NULL));
	store_close(s);
}
END_TEST

struct corrupt_case {
	const char *what;
	const char *bytes;
	size_t len;
	const char *said;   /* part of the message */
};

#define CORRUPT(what, bytes, said) { what, bytes, sizeof(bytes) - 1, said }

static const struct corrupt_case corrupt_cases[] = {
	CORRUPT("garbage", "\x7f" "ELF\x02\x01garbage", "not valid JSON"),
	CORRUPT("truncated", "{\"version\": 1, \"vswitch\": {\"vSwitch0\": {\"mtu\": 15",
		"truncated"),
	CORRUPT("array", "[{\"version\": 1}]\n", "not an object"),
	CORRUPT("newer version", "{\"version\": 2}\n", "newer esxclid"),
	CORRUPT("version zero", "{\"version\": 0}\n", "invalid version"),
	CORRUPT("version string", "{\"version\": \"1\"}\n", "not an integer"),
	CORRUPT("no version", "{\"vswitch\": {}}\n", "no \"version\""),
	CORRUPT("trailing garbage", "{\"version\": 1}\n}\n", "line 2, column 1"),
	CORRUPT("second document", "{\"version\": 1}{\"version\": 1}", "line 1, column 15"),
	CORRUPT("empty", "", "is empty"),
	CORRUPT("NUL byte", "{\"version\": 1}\0\n", "NUL byte"),
};

START_TEST(corrupt_file_refused_untouched)
{
	const struct corrupt_case *c = &corrupt_cases[_i];
	struct esx_store *s = NULL;
	struct esx_err err = { 0 };
	char *after;
	size_t len;
	int ret;

	/* 0644 too: a refused file's mode is not "fixed" either. */
	write_file(state_path, c->bytes, c->len, 0644);
	ret = store_open(state_path, &s, &err);
	ck_assert_msg(ret == -EBADMSG, "%s: ret %d (%s)", c->what, ret, err.text);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err.text, state_path) && strstr(err.text, "left untouched") &&
		      strstr(err.text, c->said), "%s: message '%s'", c->what, err.text);
	after = read_file(state_path, &len);
	ck_assert_uint_eq(len, c->len);
	ck_assert(memcmp(after, c->bytes, len) == 0);
	free(after);
	ck_assert_int_eq(file_mode(state_path), 0644);
	assert_only_state_files(tmpdir);
	/* Refused again: nothing was replaced behind the admin's back. */
	ck_assert_int_eq(store_open(state_path, &s, &err), -EBADMSG);
}
END_TEST

START_TEST(second_open_is_busy)
{
	struct esx_store *first = open_ok(state_path), *second = NULL;
	struct esx_err err = { 0 };
	pid_t child;
	int status;

	/* Another process, as a second daemon would be. */
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct esx_store *s = NULL;
		struct esx_err child_err = { 0 };
		int ret = store_open(state_path, &s, &child_err);

		/* Closing our copy keeps the parent's lock: the lock goes with the
		 * open file, which the parent still holds. */
		store_close(first);
		_exit(ret == -EBUSY && !s && strstr(child_err.text, "another esxclid") ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* And this process, through a second open file description. */
	ck_assert_int_eq(store_open(state_path, &second, &err), -EBUSY);
	ck_assert_ptr_null(second);
	ck_assert_ptr_nonnull(strstr(err.text, state_path));

	/* The holder is unaffected, and closing it frees the lock. */
	commit_key(first, "portgroup", "iSCSI-1");
	store_close(first);
	second = open_ok(state_path);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(store_root(second),
								       "portgroup")), "iSCSI-1");
	store_close(second);
}
END_TEST

/* The committed document and the state file's bytes, taken before a commit
 * that must fail, to prove afterwards that neither changed. */
struct snapshot {
	struct json_object *doc;
	char *bytes;
	size_t len;
};

static void take_snapshot(struct esx_store *s, const char *path, struct snapshot *snap)
{
	snap->doc = NULL;
	ck_assert_int_eq(json_object_deep_copy(store_root(s), &snap->doc, NULL), 0);
	snap->bytes = read_file(path, &snap->len);
}

/* The store still holds the snapshot's document and path still its bytes. */
static void assert_unchanged(struct esx_store *s, const char *path, struct snapshot *snap)
{
	size_t len;
	char *bytes = read_file(path, &len);

	ck_assert(json_object_equal(store_root(s), snap->doc));
	ck_assert_uint_eq(len, snap->len);
	ck_assert(memcmp(bytes, snap->bytes, len) == 0);
	free(bytes);
	json_object_put(snap->doc);
	free(snap->bytes);
}

START_TEST(write_failure_keeps_old_document)
{
	struct esx_store *s = open_ok(state_path);
	struct json_object *doc;
	struct esx_err err = { 0 };
	struct rlimit old_limit, small;
	struct snapshot before;
	char *big;
	int ret;

	commit_key(s, "vmk1", "old");
	take_snapshot(s, state_path, &before);

	/* A real short write: the kernel refuses to grow a file past
	 * RLIMIT_FSIZE (EFBIG once SIGXFSZ is ignored), as a full disk would. */
	big = malloc(65536);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 65535);
	big[65535] = '\0';
	doc = store_edit(s);
	json_object_object_add(doc, "vmk1", json_object_new_string("new"));
	json_object_object_add(doc, "padding", json_object_new_string(big));
	free(big);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
	small.rlim_cur = 4096;   /* the soft limit only: it can be raised back */
	small.rlim_max = old_limit.rlim_max;
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	ret = store_commit(s, doc, &err);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old_limit), 0);

	ck_assert_int_eq(ret, -EFBIG);
	ck_assert_ptr_nonnull(strstr(err.text, "Cannot save the configuration"));
	assert_unchanged(s, state_path, &before);
	assert_only_state_files(tmpdir);

	/* The store is still usable. */
	commit_key(s, "vmk1", "newer");
	store_close(s);
	s = open_ok(state_path);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(store_root(s), "vmk1")),
			 "newer");
	store_close(s);
}
END_TEST

START_TEST(directory_gone_keeps_old_document)
{
	char dir[128], moved[128], path[160], moved_path[160];
	struct esx_store *s;
	struct json_object *doc;
	struct esx_err err = { 0 };
	struct snapshot before;

	snprintf(dir, sizeof(dir), "%s/state", tmpdir);
	snprintf(moved, sizeof(moved), "%s/moved", tmpdir);
	snprintf(path, sizeof(path), "%s/esx.conf", dir);
	snprintf(moved_path, sizeof(moved_path), "%s/esx.conf", moved);
	s = open_ok(path);
	commit_key(s, "nmp", "old");
	take_snapshot(s, path, &before);

	/* The state directory is replaced by a file: the temporary file cannot
	 * be created. */
	ck_assert_int_eq(rename(dir, moved), 0);
	write_file(dir, "not a directory", 15, 0600);
	doc = store_edit(s);
	json_object_object_add(doc, "nmp", json_object_new_string("new"));
	ck_assert_int_eq(store_commit(s, doc, &err), -ENOTDIR);
	ck_assert_ptr_nonnull(strstr(err.text, "temporary file"));
	/* The old file, where the directory went. */
	assert_unchanged(s, moved_path, &before);
	assert_only_state_files(moved);
	store_close(s);
}
END_TEST

START_TEST(invalid_commit_refused)
{
	struct esx_store *s = open_ok(state_path);
	struct json_object *doc, *before_mem = NULL;
	struct esx_err err = { 0 };
	struct stat st;

	ck_assert_int_eq(json_object_deep_copy(store_root(s), &before_mem, NULL), 0);
	doc = store_edit(s);
	json_object_object_del(doc, "version");
	ck_assert_int_eq(store_commit(s, doc, &err), -EINVAL);
	err.code = 0;
	doc = json_object_new_array();
	ck_assert_int_eq(store_commit(s, doc, &err), -EINVAL);
	err.code = 0;
	/* Committing the root itself must neither succeed nor free it. */
	ck_assert_int_eq(store_commit(s, store_root(s), &err), -EINVAL);
	ck_assert(json_object_equal(store_root(s), before_mem));
	ck_assert_int_eq(stat(state_path, &st), -1);
	store_close(s);
	json_object_put(before_mem);
}
END_TEST

START_TEST(unsafe_files_refused)
{
	static const char good[] = "{\"version\": 1}\n";
	char target[128], names[512];
	struct esx_store *s = NULL;
	struct esx_err err = { 0 };

	/* A symlink, even to a good document. */
	snprintf(target, sizeof(target), "%s/elsewhere", tmpdir);
	write_file(target, good, sizeof(good) - 1, 0600);
	ck_assert_int_eq(symlink(target, state_path), 0);
	ck_assert_int_eq(store_open(state_path, &s, &err), -EPERM);
	ck_assert_ptr_nonnull(strstr(err.text, "symbolic link"));
	ck_assert_int_eq(unlink(state_path), 0);

	/* A FIFO: refused, and without hanging on open. */
	err.code = 0;
	ck_assert_int_eq(mkfifo(state_path, 0600), 0);
	ck_assert_int_eq(store_open(state_path, &s, &err), -EPERM);
	ck_assert_ptr_nonnull(strstr(err.text, "not a regular file"));
	ck_assert_int_eq(unlink(state_path), 0);

	/* Writable by the group: refused, mode left as it is. */
	err.code = 0;
	write_file(state_path, good, sizeof(good) - 1, 0620);
	ck_assert_int_eq(store_open(state_path, &s, &err), -EPERM);
	ck_assert_ptr_nonnull(strstr(err.text, "writable by group or others"));
	ck_assert_int_eq(file_mode(state_path), 0620);

	/* Owned by someone else (only root can set that up). */
	if (geteuid() == 0) {
		err.code = 0;
		ck_assert_int_eq(chmod(state_path, 0600), 0);
		ck_assert_int_eq(chown(state_path, 65534, 65534), 0);
		ck_assert_int_eq(store_open(state_path, &s, &err), -EPERM);
		ck_assert_ptr_nonnull(strstr(err.text, "owned by uid 65534"));
		ck_assert_int_eq(chown(state_path, 0, 0), 0);
	}

	/* Merely readable by others: accepted, and made private. */
	ck_assert_int_eq(chmod(state_path, 0644), 0);
	s = open_ok(state_path);
	ck_assert_int_eq(file_mode(state_path), 0600);
	store_close(s);

	list_dir(tmpdir, names, sizeof(names));
	ck_assert_str_eq(names, "elsewhere esx.conf esx.conf.lock");
}
END_TEST

START_TEST(bad_paths_refused)
{
	struct esx_store *s = NULL;
	struct esx_err err = { 0 };
	char path[160];

	ck_assert_int_eq(store_open("", &s, &err), -EINVAL);
	err.code = 0;
	snprintf(path, sizeof(path), "%s/", tmpdir);
	ck_assert_int_eq(store_open(path, &s, &err), -EINVAL);
	ck_assert_ptr_null(s);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *suite = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, empty_start);
	tcase_add_test(tc, commit_then_reopen);
	tcase_add_test(tc, edit_is_a_copy);
	tcase_add_loop_test(tc, corrupt_file_refused_untouched, 0,
			    (int)(sizeof(corrupt_cases) / sizeof(corrupt_cases[0])));
	tcase_add_test(tc, second_open_is_busy);
	tcase_add_test(tc, write_failure_keeps_old_document);
	tcase_add_test(tc, directory_gone_keeps_old_document);
	tcase_add_test(tc, invalid_commit_refused);
	tcase_add_test(tc, unsafe_files_refused);
	tcase_add_test(tc, bad_paths_refused);
	suite_add_tcase(suite, tc);
	return suite;
}

int main(void)
{
	SRunner *runner = srunner_create(store_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
