/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * open-iscsi's record files: finding them, its database lock, and
 * rewriting their auth lines (iscsi_records.h).
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_replace.h"
#include "iscsi_records.h"
#include "loop.h"

#define RECORD_FILE_MAX (256 * 1024)
#define LOCK_RETRY_MS 10              /* idbm_lock()'s DB_LOCK_USECS_WAIT */
#define END_RECORD "# END RECORD"

const struct iscsi_db iscsi_db_system = { "/etc/iscsi", "/run/lock/iscsi" };

/* ---- names and secrets ---- */

const char *iscsi_auth_text_invalid(const char *text)
{
	size_t len = strlen(text);

	if (len == 0)
		return "it is empty";
	if (len > ISCSI_AUTH_TEXT_MAX)
		return "it is longer than 255 bytes";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == 0x7f)
			return "it holds a control character (a tab, a newline...)";
		if (c > 0x7e)
			return "it holds a character outside ASCII";
	}
	if (text[0] == ' ' || text[len - 1] == ' ')
		return "it starts or ends with a blank";
	return NULL;
}

/* ---- reading a record ---- */

struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void text_add(struct text *t, const char *s, size_t len)
{
	if (t->failed)
		return;
	if (t->len + len + 1 > t->cap) {
		size_t cap = (t->len + len + 1) * 2;
		char *grown = malloc(cap);

		if (!grown) {
			t->failed = true;
			return;
		}
		/* The old buffer may hold a secret: copy, then wipe. */
		if (t->buf) {
			memcpy(grown, t->buf, t->len);
			explicit_bzero(t->buf, t->cap);
			free(t->buf);
		}
		t->buf = grown;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, len);
	t->len += len;
	t->buf[t->len] = '\0';
}

static void text_free(struct text *t)
{
	if (t->buf)
		explicit_bzero(t->buf, t->cap);
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

/* The whole file into t. */
static int read_file(const char *path, struct text *t, struct esx_err *err)
{
	char chunk[4096];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), ret = 0;

	if (fd < 0)
		return err_set(err, errno, "Unable to read %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > RECORD_FILE_MAX) {
		ret = err_set(err, EINVAL, "Unable to read %s: not a record file", path);
		goto out;
	}
	text_add(t, "", 0);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = err_set(err, errno, "Unable to read %s: %s", path, strerror(errno));
			goto out;
		}
		if (t->len + (size_t)n > RECORD_FILE_MAX) {
			ret = err_set(err, EFBIG, "Unable to read %s: not a record file", path);
			goto out;
		}
		text_add(t, chunk, (size_t)n);
	}
	if (t->failed)
		ret = err_set(err, ENOMEM, "out of memory");
out:
	explicit_bzero(chunk, sizeof(chunk));
	close(fd);
	return ret;
}

/* A record line as idbm_recinfo_config() reads it: "key = value", blanks
 * around both. Returns the key's length (0: not such a line) and the value. */
static size_t line_key(const char *line, size_t len, const char **key, const char **value,
		       size_t *value_len)
{
	size_t i = 0, k;

	while (i < len && isspace((unsigned char)line[i]))
		i++;
	if (i == len || line[i] == '#')
		return 0;
	*key = line + i;
	for (k = 0; i < len && !isspace((unsigned char)line[i]) && line[i] != '='; i++)
		k++;
	while (i < len && isspace((unsigned char)line[i]))
		i++;
	if (i == len || line[i] != '=')
		return 0;
	i++;
	while (i < len && isspace((unsigned char)line[i]))
		i++;
	*value = line + i;
	*value_len = len - i;
	while (*value_len && isspace((unsigned char)(*value)[*value_len - 1]))
		(*value_len)--;
	return k;
}

/* Copy a C string, cut to size; false when it was cut. */
static bool copy_text(char *out, size_t size, const char *text)
{
	size_t len = strnlen(text, size);
	bool whole = len < size;

	if (!whole)
		len = size - 1;
	memcpy(out, text, len);
	out[len] = '\0';
	return whole;
}

static bool key_is(const char *key, size_t klen, const char *name)
{
	return strlen(name) == klen && strncmp(key, name, klen) == 0;
}

static void take_value(char *out, size_t size, const char *value, size_t len)
{
	snprintf(out, size, "%.*s", (int)len, value);
}

/* What identifies the record: its node or discovery lines. */
static void parse_identity(const char *text, struct iscsi_record *rec)
{
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n'), *key, *value;
		size_t len = end ? (size_t)(end - line) : strlen(line), vlen, klen;
		char number[16];

		klen = line_key(line, len, &key, &value, &vlen);
		line = end ? end + 1 : line + len;
		if (!klen)
			continue;
		take_value(number, sizeof(number), value, vlen);
		if (rec->kind == ISCSI_RECORD_NODE) {
			if (key_is(key, klen, "node.name"))
				take_value(rec->target, sizeof(rec->target), value, vlen);
			else if (key_is(key, klen, "node.tpgt"))
				rec->tpgt = atoi(number);
			else if (key_is(key, klen, "node.conn[0].address"))
				take_value(rec->address, sizeof(rec->address), value, vlen);
			else if (key_is(key, klen, "node.conn[0].port"))
				rec->port = (unsigned)strtoul(number, NULL, 10);
			else if (key_is(key, klen, "iface.iscsi_ifacename") && !rec->iface[0])
				take_value(rec->iface, sizeof(rec->iface), value, vlen);
			else if (key_is(key, klen, "node.discovery_address"))
				take_value(rec->discovery_address, sizeof(rec->discovery_address),
					   value, vlen);
			else if (key_is(key, klen, "node.discovery_port"))
				rec->discovery_port = (unsigned)strtoul(number, NULL, 10);
			else if (key_is(key, klen, "node.discovery_type"))
				rec->discovered = vlen == 12 && strncmp(value, "send_targets", 12) == 0;
		} else {
			if (key_is(key, klen, "discovery.sendtargets.address"))
				take_value(rec->address, sizeof(rec->address), value, vlen);
			else if (key_is(key, klen, "discovery.sendtargets.port"))
				rec->port = (unsigned)strtoul(number, NULL, 10);
		}
	}
	if (!rec->discovered)
		rec->discovery_address[0] = '\0';
}

/* A record file: its identity from its lines, with what its path says
 * where the lines say nothing. */
static int read_record(struct iscsi_record *rec, struct esx_err *err)
{
	struct text t = { 0 };
	int ret = read_file(rec->path, &t, err);

	if (ret == 0)
		parse_identity(t.buf, rec);
	text_free(&t);
	return ret;
}

/* "ADDR,PORT[,TPGT]" (the address may hold colons, never commas). */
static void parse_portal_name(const char *name, struct iscsi_record *rec, bool with_tpgt)
{
	char copy[ISCSI_RECORD_ADDR_MAX + 32], *comma;

	if (!copy_text(copy, sizeof(copy), name))
		return;
	if (with_tpgt) {
		comma = strrchr(copy, ',');
		if (!comma)
			return;
		rec->tpgt = atoi(comma + 1);
		*comma = '\0';
	}
	comma = strrchr(copy, ',');
	if (!comma)
		return;
	rec->port = (unsigned)strtoul(comma + 1, NULL, 10);
	*comma = '\0';
	copy_text(rec->address, sizeof(rec->address), copy);
}

/* ---- finding records ---- */

static bool is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static int join(char *out, const char *a, const char *b, const char *c)
{
	int n = snprintf(out, PATH_MAX, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");

	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static int entry_type(int dirfd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN && de->d_type != DT_LNK)
		return de->d_type == DT_DIR ? S_IFDIR : de->d_type == DT_REG ? S_IFREG : 0;
	if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	return (int)(st.st_mode & S_IFMT);
}

/* Visit a record after reading it; records that vanished are skipped. */
static int visit_record(struct iscsi_record *rec, iscsi_records_visit_fn visit, void *data)
{
	struct esx_err ignored = { 0 };

	if (read_record(rec, &ignored) < 0)
		return 0;
	return visit(rec, data);
}

/* nodes/TARGET/: PORTAL,TPGT/IFACE files, or old-style PORTAL files. */
static int scan_target(const char *target_dir, const char *target, iscsi_records_visit_fn visit,
		       void *data)
{
	DIR *d = opendir(target_dir), *pd = NULL;
	struct iscsi_record *rec = NULL;
	struct dirent *de, *ie;
	char portal_dir[PATH_MAX];
	int ret = 0;

	if (!d)
		return 0;
	rec = malloc(sizeof(*rec));
	if (!rec) {
		ret = -ENOMEM;
		goto out;
	}
	while (ret == 0 && (de = readdir(d))) {
		int type = entry_type(dirfd(d), de);

		if (is_dot(de->d_name) || join(portal_dir, target_dir, de->d_name, NULL) < 0)
			continue;
		if (type == S_IFREG) {
			memset(rec, 0, sizeof(*rec));
			rec->kind = ISCSI_RECORD_NODE;
			rec->tpgt = -1;
			copy_text(rec->path, sizeof(rec->path), portal_dir);
			copy_text(rec->target, sizeof(rec->target), target);
			parse_portal_name(de->d_name, rec, false);
			ret = visit_record(rec, visit, data);
			continue;
		}
		if (type != S_IFDIR)
			continue;
		pd = opendir(portal_dir);
		while (ret == 0 && pd && (ie = readdir(pd))) {
			if (is_dot(ie->d_name) || entry_type(dirfd(pd), ie) != S_IFREG)
				continue;
			memset(rec, 0, sizeof(*rec));
			rec->kind = ISCSI_RECORD_NODE;
			if (join(rec->path, portal_dir, ie->d_name, NULL) < 0)
				continue;
			copy_text(rec->target, sizeof(rec->target), target);
			copy_text(rec->iface, sizeof(rec->iface), ie->d_name);
			parse_portal_name(de->d_name, rec, true);
			ret = visit_record(rec, visit, data);
		}
		if (pd)
			closedir(pd);
		pd = NULL;
	}
out:
	free(rec);
	closedir(d);
	return ret;
}

static int scan_nodes(const char *dir, iscsi_records_visit_fn visit, void *data)
{
	char nodes[PATH_MAX], target_dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (join(nodes, dir, "nodes", NULL) < 0)
		return -ENAMETOOLONG;
	d = opendir(nodes);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (ret == 0 && (de = readdir(d))) {
		if (is_dot(de->d_name) || entry_type(dirfd(d), de) != S_IFDIR ||
		    join(target_dir, nodes, de->d_name, NULL) < 0)
			continue;
		ret = scan_target(target_dir, de->d_name, visit, data);
	}
	closedir(d);
	return ret;
}

static int scan_sendtargets(const char *dir, iscsi_records_visit_fn visit, void *data)
{
	struct iscsi_record *rec = NULL;
	char st_dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (join(st_dir, dir, "send_targets", NULL) < 0)
		return -ENAMETOOLONG;
	d = opendir(st_dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	rec = malloc(sizeof(*rec));
	if (!rec) {
		ret = -ENOMEM;
		goto out;
	}
	while (ret == 0 && (de = readdir(d))) {
		if (is_dot(de->d_name) || entry_type(dirfd(d), de) != S_IFDIR)
			continue;
		memset(rec, 0, sizeof(*rec));
		rec->kind = ISCSI_RECORD_SENDTARGETS;
		rec->tpgt = -1;
		if (join(rec->path, st_dir, de->d_name, "st_config") < 0 || access(rec->path, F_OK) < 0)
			continue;
		parse_portal_name(de->d_name, rec, false);
		ret = visit_record(rec, visit, data);
	}
out:
	free(rec);
	closedir(d);
	return ret;
}

int iscsi_records_scan(const struct iscsi_db *db, iscsi_records_visit_fn visit, void *data,
		       struct esx_err *err)
{
	int ret = scan_nodes(db->dir, visit, data);

	if (ret == 0)
		ret = scan_sendtargets(db->dir, visit, data);
	if (ret < 0 && err && !err->code)
		err_set(err, -ret, "Unable to read open-iscsi's records in %s: %s", db->dir,
			strerror(-ret));
	return ret;
}

/* ---- the lock ---- */

int iscsi_db_trylock(const struct iscsi_db *db, struct esx_err *err)
{
	char lock[PATH_MAX], write_lock[PATH_MAX];
	int fd;

	if (join(lock, db->lock_dir, "lock", NULL) < 0 ||
	    join(write_lock, db->lock_dir, "lock.write", NULL) < 0)
		return err_set(err, ENAMETOOLONG, "Path too long: %s", db->lock_dir);
	/* What idbm_lock() does: the directory, the lock file, then link(). */
	if (mkdir(db->lock_dir, 0770) < 0 && errno != EEXIST)
		return err_set(err, errno, "Unable to make %s: %s", db->lock_dir, strerror(errno));
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return err_set(err, errno, "Unable to open %s: %s", lock, strerror(errno));
	close(fd);
	if (link(lock, write_lock) == 0)
		return 0;
	if (errno == EEXIST)
		return -EAGAIN;
	return err_set(err, errno, "Unable to lock open-iscsi's records (%s): %s", write_lock,
		       strerror(errno));
}

void iscsi_db_unlock(const struct iscsi_db *db)
{
	char write_lock[PATH_MAX];

	if (join(write_lock, db->lock_dir, "lock.write", NULL) == 0)
		unlink(write_lock);
}

/* ---- rewriting the auth lines ---- */

enum auth_key { KEY_METHOD, KEY_USERNAME, KEY_PASSWORD, KEY_USERNAME_IN, KEY_PASSWORD_IN,
		KEY_PASSWORD_LENGTH, KEY_PASSWORD_IN_LENGTH, KEY_COUNT };

static const char *const node_keys[KEY_COUNT] = {
	"node.session.auth.authmethod", "node.session.auth.username",
	"node.session.auth.password", "node.session.auth.username_in",
	"node.session.auth.password_in", "node.session.auth.password_length",
	"node.session.auth.password_in_length",
};
static const char *const discovery_keys[KEY_COUNT] = {
	"discovery.sendtargets.auth.authmethod", "discovery.sendtargets.auth.username",
	"discovery.sendtargets.auth.password", "discovery.sendtargets.auth.username_in",
	"discovery.sendtargets.auth.password_in", "discovery.sendtargets.auth.password_length",
	"discovery.sendtargets.auth.password_in_length",
};

static bool is_auth_line(const char *const *keys, const char *line, size_t len)
{
	const char *key, *value;
	size_t vlen, klen = line_key(line, len, &key, &value, &vlen);

	for (int k = 0; klen && k < KEY_COUNT; k++) {
		if (key_is(key, klen, keys[k]))
			return true;
	}
	return false;
}

static void add_auth_line(struct text *t, const char *key, const char *value)
{
	if (!value[0])
		return;
	text_add(t, key, strlen(key));
	text_add(t, " = ", 3);
	text_add(t, value, strlen(value));
	text_add(t, "\n", 1);
}

/* The auth lines, in the order open-iscsi writes them. The *_length
 * lines are never written: open-iscsi computes them when it reads. */
static void add_auth_lines(struct text *t, const char *const *keys, const struct iscsi_auth *a)
{
	add_auth_line(t, keys[KEY_METHOD], a->chap ? "CHAP" : "None");
	add_auth_line(t, keys[KEY_USERNAME], a->username);
	add_auth_line(t, keys[KEY_PASSWORD], a->password);
	add_auth_line(t, keys[KEY_USERNAME_IN], a->username_in);
	add_auth_line(t, keys[KEY_PASSWORD_IN], a->password_in);
}

/* old with its auth lines replaced: where the first of them was, else
 * before "# END RECORD", else at the end. */
static void compose(const char *old, const char *const *keys, const struct iscsi_auth *auth,
		    struct text *t)
{
	const char *insert_at = NULL, *end_record = NULL;

	for (const char *line = old; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (!insert_at && is_auth_line(keys, line, len))
			insert_at = line;
		if (!end_record && strncmp(line, END_RECORD, strlen(END_RECORD)) == 0)
			end_record = line;
		line = end ? end + 1 : line + len;
	}
	if (!insert_at)
		insert_at = end_record;
	text_add(t, "", 0);
	for (const char *line = old; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (line == insert_at)
			add_auth_lines(t, keys, auth);
		if (!is_auth_line(keys, line, len)) {
			text_add(t, line, len);
			text_add(t, "\n", 1);
		}
		line = end ? end + 1 : line + len;
	}
	if (!insert_at)
		add_auth_lines(t, keys, auth);
}

static int check_auth(const struct iscsi_auth *a, struct esx_err *err)
{
	const char *const texts[] = { a->username, a->password, a->username_in, a->password_in };
	const char *const what[] = { "CHAP name", "CHAP secret", "mutual CHAP name",
				     "mutual CHAP secret" };

	for (size_t i = 0; i < 4; i++) {
		const char *why = texts[i][0] ? iscsi_auth_text_invalid(texts[i]) : NULL;

		/* The secret itself is never quoted. */
		if (why)
			return err_set(err, EINVAL, "The %s cannot be written to a record: %s",
				       what[i], why);
	}
	return 0;
}

/* The temporary file lives in the database's top directory: a stray file
 * in a record directory would look like a record (or an iface) to
 * iscsiadm. Same file system, so rename() works. */
static int replace_file(const char *path, const char *tmp_dir, const struct text *t,
			struct esx_err *err)
{
	char tmp[PATH_MAX];

	if (join(tmp, tmp_dir, ".esxclid-record-XXXXXX", NULL) < 0)
		return err_set(err, ENAMETOOLONG, "Path too long: %s", tmp_dir);
	return file_replace(path, tmp, t->buf, t->len, 0600, err);
}

/* The database directory a record path lies under. */
static void db_dir_of(const struct iscsi_record *rec, char *out, size_t len)
{
	const char *marker = rec->kind == ISCSI_RECORD_NODE ? "/nodes/" : "/send_targets/";
	const char *at = strstr(rec->path, marker);

	snprintf(out, len, "%.*s", at ? (int)(at - rec->path) : 0, rec->path);
	if (!out[0])
		snprintf(out, len, "/");
}

int iscsi_record_set_auth(const struct iscsi_record *rec, const struct iscsi_auth *auth,
			  bool *changed, struct esx_err *err)
{
	const char *const *keys = rec->kind == ISCSI_RECORD_NODE ? node_keys : discovery_keys;
	struct text old = { 0 }, t = { 0 };
	char dir[PATH_MAX];
	int ret;

	*changed = false;
	ret = check_auth(auth, err);
	if (ret == 0)
		ret = read_file(rec->path, &old, err);
	if (ret < 0)
		goto out;
	compose(old.buf, keys, auth, &t);
	if (t.failed) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if (t.len == old.len && memcmp(t.buf, old.buf, t.len) == 0)
		goto out;
	db_dir_of(rec, dir, sizeof(dir));
	ret = replace_file(rec->path, dir, &t, err);
	*changed = ret == 0;
out:
	text_free(&old);
	text_free(&t);
	return ret;
}

/* ---- an update of many records ---- */

struct iscsi_records_job {
	struct esx_loop *loop;
	char dir[PATH_MAX];
	char lock_dir[PATH_MAX];
	uint64_t give_up_at;
	iscsi_records_want_fn want;
	void *want_data;
	iscsi_records_done_fn done;
	void *data;
	struct loop_timer timer;
	struct iscsi_records_outcome outcome;
};

static int update_one(const struct iscsi_record *rec, void *data)
{
	struct iscsi_records_job *job = data;
	struct iscsi_auth auth;
	struct esx_err err = { 0 };
	bool changed = false;

	memset(&auth, 0, sizeof(auth));
	if (job->want(rec, &auth, job->want_data) > 0) {
		job->outcome.owned++;
		if (iscsi_record_set_auth(rec, &auth, &changed, &err) < 0) {
			if (!job->outcome.failed)
				copy_text(job->outcome.first_error,
					  sizeof(job->outcome.first_error), err.text);
			job->outcome.failed++;
		} else if (changed) {
			job->outcome.written++;
		}
	}
	explicit_bzero(&auth, sizeof(auth));
	return 0;
}

static void job_attempt(struct esx_loop *loop, void *data)
{
	struct iscsi_records_job *job = data;
	const struct iscsi_db db = { job->dir, job->lock_dir };
	struct esx_err err = { 0 };
	int ret = iscsi_db_trylock(&db, &err);

	if (ret == -EAGAIN && loop_now_ms() < job->give_up_at) {
		loop_timer_arm(loop, &job->timer, loop_now_ms() + LOCK_RETRY_MS);
		return;
	}
	if (ret == -EAGAIN) {
		job->outcome.locked_out = true;
		err_set(&err, EAGAIN,
			"open-iscsi's record database stayed locked (%s/lock.write): an iscsiadm still running, or one that died holding the lock",
			job->lock_dir);
		copy_text(job->outcome.first_error, sizeof(job->outcome.first_error), err.text);
	} else if (ret < 0) {
		copy_text(job->outcome.first_error, sizeof(job->outcome.first_error), err.text);
	} else {
		ret = iscsi_records_scan(&db, update_one, job, &err);
		iscsi_db_unlock(&db);
		if (ret < 0 && !job->outcome.failed++)
			copy_text(job->outcome.first_error, sizeof(job->outcome.first_error),
				  err.text);
	}
	/* done may free the job. */
	job->done(&job->outcome, job->data);
}

int iscsi_records_update(struct esx_loop *loop, const struct iscsi_db *db,
			 unsigned lock_timeout_ms, iscsi_records_want_fn want, void *want_data,
			 iscsi_records_done_fn done, void *data, struct iscsi_records_job **out,
			 struct esx_err *err)
{
	struct iscsi_records_job *job = calloc(1, sizeof(*job));

	*out = NULL;
	if (!job)
		return err_set(err, ENOMEM, "out of memory");
	if (!copy_text(job->dir, sizeof(job->dir), db->dir) ||
	    !copy_text(job->lock_dir, sizeof(job->lock_dir), db->lock_dir)) {
		free(job);
		return err_set(err, ENAMETOOLONG, "Path too long: %s", db->dir);
	}
	job->loop = loop;
	job->give_up_at = loop_now_ms() + lock_timeout_ms;
	job->want = want;
	job->want_data = want_data;
	job->done = done;
	job->data = data;
	loop_timer_init(&job->timer, job_attempt, job);
	loop_timer_arm(loop, &job->timer, loop_now_ms());
	*out = job;
	return 0;
}

void iscsi_records_job_free(struct iscsi_records_job *job)
{
	if (!job)
		return;
	loop_timer_disarm(job->loop, &job->timer);
	free(job);
}
