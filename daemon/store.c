/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The desired-state store: one JSON document on disk, locked against a second
 * daemon, loaded strictly (a damaged file is refused and never touched) and
 * replaced atomically on every commit.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <json-c/json.h>

#include "log.h"
#include "file_replace.h"
#include "store.h"

/* Deeper nesting than json-c's default of 32 leaves room for later issues. */
#define STORE_MAX_DEPTH 64

struct esx_store {
	char *path;
	char *dir;           /* where the temporary file and the lock live */
	char *base;          /* the file name inside dir */
	int lock_fd;
	struct json_object *root;
};

static void store_free(struct esx_store *s)
{
	if (!s)
		return;
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	json_object_put(s->root);
	free(s->path);
	free(s->dir);
	free(s->base);
	free(s);
}

static int split_path(struct esx_store *s, const char *path, struct esx_err *err)
{
	const char *slash;
	size_t len = strlen(path);

	if (len == 0 || path[len - 1] == '/')
		return err_set(err, EINVAL, "Invalid state file path '%s': it must name a file",
			       path);
	if (len >= PATH_MAX)
		return err_set(err, ENAMETOOLONG, "State file path is too long: %s", path);
	s->path = strdup(path);
	slash = strrchr(path, '/');
	if (!slash) {
		s->dir = strdup(".");
		s->base = strdup(path);
	} else if (slash == path) {
		s->dir = strdup("/");
		s->base = strdup(slash + 1);
	} else {
		s->dir = strndup(path, (size_t)(slash - path));
		s->base = strdup(slash + 1);
	}
	if (!s->path || !s->dir || !s->base)
		return err_set(err, ENOMEM, "Out of memory");
	return 0;
}

/* mkdir -p, each directory it creates private to the daemon. */
static int make_directories(const char *dir, struct esx_err *err)
{
	char buf[PATH_MAX];
	size_t len;
	int n;

	n = snprintf(buf, sizeof(buf), "%s", dir);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return err_set(err, ENAMETOOLONG, "State directory path is too long: %s", dir);
	len = (size_t)n;
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return err_set(err, errno, "Cannot create directory %s: %s", buf,
				       strerror(errno));
		if (i < len)
			buf[i] = '/';
	}
	return 0;
}

static int take_lock(struct esx_store *s, struct esx_err *err)
{
	char lock_path[PATH_MAX];
	int n;

	n = snprintf(lock_path, sizeof(lock_path), "%s.lock", s->path);
	if (n < 0 || (size_t)n >= sizeof(lock_path))
		return err_set(err, ENAMETOOLONG, "State file path is too long: %s", s->path);
	s->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (s->lock_fd < 0)
		return err_set(err, errno, "Cannot open lock file %s: %s", lock_path,
			       strerror(errno));
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return err_set(err, EBUSY, "another esxclid is already using %s", s->path);
		return err_set(err, errno, "Cannot lock %s: %s", lock_path, strerror(errno));
	}
	return 0;
}

static struct json_object *empty_document(void)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *version = json_object_new_int(STORE_VERSION);

	if (!doc || !version || json_object_object_add(doc, "version", version) < 0) {
		json_object_put(version);
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

#define CORRUPT_TAIL "; it was left untouched: repair it or move it aside"

/* Refuse a file an unprivileged user could have written or could swap. */
static int check_file_safety(const char *path, const struct stat *st, struct esx_err *err)
{
	if (!S_ISREG(st->st_mode))
		return err_set(err, EPERM, "Refusing state file %s: it is not a regular file",
			       path);
	if (st->st_uid != geteuid())
		return err_set(err, EPERM,
			       "Refusing state file %s: it is owned by uid %u, not by esxclid (uid %u)",
			       path, (unsigned)st->st_uid, (unsigned)geteuid());
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return err_set(err, EPERM,
			       "Refusing state file %s: it is writable by group or others (mode %04o); "
			       "check its content, then chmod 600 it",
			       path, (unsigned)(st->st_mode & 07777));
	return 0;
}

static int read_all(int fd, const char *path, char **out, size_t *out_len, struct esx_err *err)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int ret = 0;

	if (!buf)
		return err_set(err, ENOMEM, "Out of memory");
	for (;;) {
		ssize_t n;

		if (len > STORE_MAX_SIZE) {
			ret = err_set(err, EBADMSG, "State file %s is larger than %d bytes"
				      CORRUPT_TAIL, path, STORE_MAX_SIZE);
			goto out;
		}
		if (len + 1 == cap) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger) {
				ret = err_set(err, ENOMEM, "Out of memory");
				goto out;
			}
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = err_set(err, errno, "Cannot read state file %s: %s", path,
				      strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	buf = NULL;
out:
	free(buf);
	return ret;
}

static void offset_to_line(const char *buf, size_t offset, unsigned *line, unsigned *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

/* Parse a whole state file strictly: one JSON object with a version this
 * daemon understands, and nothing after it. */
static int parse_document(const char *path, const char *buf, size_t len,
			  struct json_object **out, struct esx_err *err)
{
	struct json_tokener *tok = NULL;
	struct json_object *doc = NULL, *version;
	enum json_tokener_error jerr;
	unsigned line, column;
	int64_t v;
	int ret = 0;

	if (len == 0) {
		ret = err_set(err, EBADMSG, "State file %s is empty" CORRUPT_TAIL, path);
		goto out;
	}
	if (memchr(buf, '\0', len)) {
		offset_to_line(buf, (size_t)((const char *)memchr(buf, '\0', len) - buf),
			       &line, &column);
		ret = err_set(err, EBADMSG, "State file %s is not JSON: NUL byte at line %u, "
			      "column %u" CORRUPT_TAIL, path, line, column);
		goto out;
	}
	tok = json_tokener_new_ex(STORE_MAX_DEPTH);
	if (!tok) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* The terminating NUL tells json-c the input ends here, so a cut-off
	 * document is reported as such instead of waiting for more. */
	doc = json_tokener_parse_ex(tok, buf, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	if (!doc || jerr != json_tokener_success) {
		offset_to_line(buf, json_tokener_get_parse_end(tok), &line, &column);
		if (jerr == json_tokener_continue || jerr == json_tokener_error_parse_eof)
			ret = err_set(err, EBADMSG, "State file %s is truncated: the JSON document "
				      "ends early at line %u, column %u" CORRUPT_TAIL,
				      path, line, column);
		else
			ret = err_set(err, EBADMSG, "State file %s is not valid JSON: %s at line %u, "
				      "column %u" CORRUPT_TAIL, path,
				      json_tokener_error_desc(jerr), line, column);
		goto out;
	}
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (!strchr(" \t\r\n", buf[i])) {
			offset_to_line(buf, i, &line, &column);
			ret = err_set(err, EBADMSG, "State file %s has data after the JSON document "
				      "at line %u, column %u" CORRUPT_TAIL, path, line, column);
			goto out;
		}
	}
	if (!json_object_is_type(doc, json_type_object)) {
		ret = err_set(err, EBADMSG, "State file %s holds a JSON %s, not an object"
			      CORRUPT_TAIL, path, json_type_to_name(json_object_get_type(doc)));
		goto out;
	}
	if (!json_object_object_get_ex(doc, "version", &version)) {
		ret = err_set(err, EBADMSG, "State file %s has no \"version\"" CORRUPT_TAIL, path);
		goto out;
	}
	if (!json_object_is_type(version, json_type_int)) {
		ret = err_set(err, EBADMSG, "State file %s has a \"version\" that is not an integer"
			      CORRUPT_TAIL, path);
		goto out;
	}
	v = json_object_get_int64(version);
	if (v > STORE_VERSION) {
		ret = err_set(err, EBADMSG, "State file %s has version %lld, written by a newer "
			      "esxclid (this one reads version %d)" CORRUPT_TAIL, path,
			      (long long)v, STORE_VERSION);
		goto out;
	}
	if (v != STORE_VERSION) {
		ret = err_set(err, EBADMSG, "State file %s has an invalid version %lld"
			      CORRUPT_TAIL, path, (long long)v);
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	json_object_put(doc);
	if (tok)
		json_tokener_free(tok);
	return ret;
}

static int load_document(struct esx_store *s, struct esx_err *err)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd = -1, ret = 0;

	/* O_NONBLOCK: a FIFO planted at the path must not hang the start. */
	fd = open(s->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT) {
		s->root = empty_document();
		if (!s->root)
			ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	if (fd < 0 && errno == ELOOP) {
		ret = err_set(err, EPERM, "Refusing state file %s: it is a symbolic link", s->path);
		goto out;
	}
	if (fd < 0) {
		ret = err_set(err, errno, "Cannot open state file %s: %s", s->path,
			      strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		ret = err_set(err, errno, "Cannot stat state file %s: %s", s->path,
			      strerror(errno));
		goto out;
	}
	ret = check_file_safety(s->path, &st, err);
	if (ret < 0)
		goto out;
	ret = read_all(fd, s->path, &buf, &len, err);
	if (ret < 0)
		goto out;
	ret = parse_document(s->path, buf, len, &s->root, err);
	if (ret < 0)
		goto out;
	/* Only a good document gets its mode fixed: a damaged one is not touched. */
	if ((st.st_mode & 07777 & ~(mode_t)0600) != 0) {
		if (fchmod(fd, 0600) < 0)
			log_warn("state file %s has mode %04o and could not be made 0600: %s",
				 s->path, (unsigned)(st.st_mode & 07777), strerror(errno));
		else
			log_warn("state file %s had mode %04o; it is now 0600", s->path,
				 (unsigned)(st.st_mode & 07777));
	}
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}

int store_open(const char *path, struct esx_store **out, struct esx_err *err)
{
	struct esx_store *s;
	int ret;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(err, ENOMEM, "Out of memory");
	s->lock_fd = -1;
	ret = split_path(s, path, err);
	if (ret < 0)
		goto out;
	ret = make_directories(s->dir, err);
	if (ret < 0)
		goto out;
	ret = take_lock(s, err);
	if (ret < 0)
		goto out;
	ret = load_document(s, err);
	if (ret < 0)
		goto out;
	*out = s;
	s = NULL;
out:
	store_free(s);
	return ret;
}

struct json_object *store_root(const struct esx_store *s)
{
	return s->root;
}

struct json_object *store_edit(const struct esx_store *s)
{
	struct json_object *copy = NULL;

	if (json_object_deep_copy(s->root, &copy, NULL) < 0) {
		json_object_put(copy);
		return NULL;
	}
	return copy;
}

static int check_edited(const struct esx_store *s, struct json_object *edited,
			struct esx_err *err)
{
	struct json_object *version;

	if (!edited || edited == s->root)
		return err_set(err, EINVAL, "Internal error: commit of the store's own document");
	if (!json_object_is_type(edited, json_type_object) ||
	    !json_object_object_get_ex(edited, "version", &version) ||
	    !json_object_is_type(version, json_type_int) ||
	    json_object_get_int64(version) != STORE_VERSION)
		return err_set(err, EINVAL, "Internal error: the new desired state has no valid "
			       "version; nothing was changed");
	return 0;
}

int store_commit(struct esx_store *s, struct json_object *edited, struct esx_err *err)
{
	char tmp_template[PATH_MAX];
	struct esx_err inner = { 0 };
	const char *text;
	char *file = NULL;
	size_t text_len;
	int ret, n;

	ret = check_edited(s, edited, err);
	if (ret < 0) {
		if (edited == s->root)
			edited = NULL;   /* not ours to free */
		goto out;
	}
	text = json_object_to_json_string_length(edited, JSON_C_TO_STRING_PRETTY |
						 JSON_C_TO_STRING_NOSLASHESCAPE, &text_len);
	file = text ? malloc(text_len + 2) : NULL;
	if (!file) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	memcpy(file, text, text_len);
	memcpy(file + text_len, "\n", 2);
	n = snprintf(tmp_template, sizeof(tmp_template), "%s/.%s.XXXXXX", s->dir, s->base);
	if (n < 0 || (size_t)n >= sizeof(tmp_template)) {
		ret = err_set(err, ENAMETOOLONG, "State file path is too long: %s", s->path);
		goto out;
	}
	ret = file_replace(s->path, tmp_template, file, text_len + 1, 0600, &inner);
	if (ret < 0) {
		ret = err_set(err, -ret, "Cannot save the configuration: %s", inner.text);
		goto out;
	}
	json_object_put(s->root);
	s->root = edited;
	edited = NULL;
out:
	free(file);
	json_object_put(edited);
	return ret;
}

void store_close(struct esx_store *s)
{
	store_free(s);
}

const char *store_path(const struct esx_store *s)
{
	return s->path;
}
