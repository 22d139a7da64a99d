/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The initiator name file: read it, replace its name and alias atomically. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_read.h"
#include "file_replace.h"
#include "iscsi_initiator.h"

#define FILE_MAX (64 * 1024)
#define NAME_KEY "InitiatorName="
#define ALIAS_KEY "InitiatorAlias="

/* The line's value when it is "<blanks>KEY=value...", cut at a blank as
 * open-iscsi cuts it; NULL otherwise. */
static const char *value_of(const char *line, size_t len, const char *key, size_t *value_len)
{
	size_t i = 0, klen = strlen(key), v;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (len - i < klen || strncmp(line + i, key, klen) != 0)
		return NULL;
	i += klen;
	for (v = 0; i + v < len && line[i + v] != ' ' && line[i + v] != '\t' &&
		    line[i + v] != '\r'; v++)
		;
	*value_len = v;
	return line + i;
}

int iscsi_initiator_read(const char *path, char *name, size_t name_len, char *alias,
			 size_t alias_len, struct esx_err *err)
{
	char *text = NULL;
	bool found = false;
	int ret = file_read_all(path, FILE_MAX, &text, NULL, err);

	if (ret < 0)
		return ret;
	if (alias && alias_len)
		alias[0] = '\0';
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line), vlen;
		const char *v;

		if (!found && (v = value_of(line, len, NAME_KEY, &vlen)) && vlen) {
			snprintf(name, name_len, "%.*s", (int)vlen, v);
			found = true;
		} else if (alias && alias_len && (v = value_of(line, len, ALIAS_KEY, &vlen))) {
			snprintf(alias, alias_len, "%.*s", (int)vlen, v);
		}
		line = end ? end + 1 : line + len;
	}
	free(text);
	return found ? 0 : -ENOENT;
}

struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void add(struct text *t, const char *s, size_t len)
{
	if (t->failed)
		return;
	if (t->len + len + 1 > t->cap) {
		size_t cap = (t->len + len + 1) * 2;
		char *grown = realloc(t->buf, cap);

		if (!grown) {
			t->failed = true;
			return;
		}
		t->buf = grown;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, len);
	t->len += len;
	t->buf[t->len] = '\0';
}

static void add_line(struct text *t, const char *key, const char *value)
{
	add(t, key, strlen(key));
	add(t, value, strlen(value));
	add(t, "\n", 1);
}

/* The new content: old lines with the name (and alias) replaced. */
static int compose(const char *old, const char *name, const char *alias, struct text *t)
{
	bool name_done = false, alias_done = alias == NULL;

	for (const char *line = old ? old : ""; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line), vlen;

		if (value_of(line, len, NAME_KEY, &vlen)) {
			if (!name_done)
				add_line(t, NAME_KEY, name);
			name_done = true;
		} else if (alias && value_of(line, len, ALIAS_KEY, &vlen)) {
			if (!alias_done && alias[0])
				add_line(t, ALIAS_KEY, alias);
			alias_done = true;
		} else {
			add(t, line, len);
			add(t, "\n", 1);
		}
		line = end ? end + 1 : line + len;
	}
	if (!name_done)
		add_line(t, NAME_KEY, name);
	if (!alias_done && alias[0])
		add_line(t, ALIAS_KEY, alias);
	return t->failed ? -ENOMEM : 0;
}

int iscsi_initiator_write(const char *path, const char *name, const char *alias,
			  struct esx_err *err)
{
	struct text t = { 0 };
	char *old = NULL, tmp[512];
	mode_t mode = 0644;
	int ret, n;

	ret = file_read_all(path, FILE_MAX, &old, &mode, err);
	if (ret < 0 && ret != -ENOENT)
		return ret;
	ret = compose(old, name, alias, &t);
	if (ret < 0) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	n = snprintf(tmp, sizeof(tmp), "%s.esxclid-XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		ret = err_set(err, ENAMETOOLONG, "Path too long: %s", path);
		goto out;
	}
	ret = file_replace(path, tmp, t.buf, t.len, mode, err);
out:
	free(old);
	free(t.buf);
	return ret;
}
