/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading and parsing a multipath map's live table (see dm_table.h). The
 * table syntax is the kernel's (drivers/md/dm-mpath.c, multipath_ctr):
 *   <#features> <feature>... <#hwhandler args> <hwhandler>...
 *   <#groups> <next group> then per group
 *   <selector> <#selector args> <arg>... <#paths> <#path args>
 *   and per path <major:minor> <path arg>...
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dm_table.h"

#define DM_TABLE_BUF_START (16u * 1024)
#define DM_TABLE_BUF_MAX (1024u * 1024)

/* One DM_TABLE_STATUS call with a buffer of size bytes: 0 and the line,
 * 1 when the buffer was too small, or a negative errno. */
static int table_status(int fd, const char *uuid, size_t size, char **out, struct esx_err *err)
{
	struct dm_ioctl *io = calloc(1, size);
	struct dm_target_spec *spec;
	const char *params, *end;
	int ret = 0;

	if (!io)
		return err_set(err, ENOMEM, "out of memory");
	io->version[0] = DM_VERSION_MAJOR;
	io->data_size = (__u32)size;
	io->data_start = sizeof(*io);
	io->flags = DM_STATUS_TABLE_FLAG;
	snprintf(io->uuid, sizeof(io->uuid), "%s", uuid);
	if (ioctl(fd, DM_TABLE_STATUS, io) < 0) {
		ret = errno == ENXIO ? -ENODEV : -errno;
		if (ret == -ENODEV)
			err_set(err, ENODEV, "No multipath map for %s", uuid + strlen("mpath-"));
		else
			err_set(err, -ret, "Unable to read the table of %s: %s", uuid, strerror(-ret));
		goto out;
	}
	if (io->flags & DM_BUFFER_FULL_FLAG) {
		ret = 1;
		goto out;
	}
	if (io->target_count != 1 || io->data_start + sizeof(*spec) > io->data_size) {
		ret = err_set(err, ENODEV, "The map of %s is not a multipath map",
			      uuid + strlen("mpath-"));
		goto out;
	}
	spec = (struct dm_target_spec *)((char *)io + io->data_start);
	params = (const char *)(spec + 1);
	end = (const char *)io + io->data_size;
	if (strncmp(spec->target_type, "multipath", sizeof(spec->target_type)) != 0 ||
	    !memchr(params, '\0', (size_t)(end - params))) {
		ret = err_set(err, ENODEV, "The map of %s is not a multipath map",
			      uuid + strlen("mpath-"));
		goto out;
	}
	if (asprintf(out, "multipath %s", params) < 0) {
		*out = NULL;
		ret = err_set(err, ENOMEM, "out of memory");
	}
out:
	free(io);
	return ret;
}

int dm_table_read(const char *control, const char *wwid, char **out, struct esx_err *err)
{
	char uuid[DM_UUID_LEN];
	int fd = -1, ret;

	*out = NULL;
	if (snprintf(uuid, sizeof(uuid), "mpath-%s", wwid) >= (int)sizeof(uuid))
		return err_set(err, EINVAL, "Invalid WWID %s", wwid);
	fd = open(control, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return err_set(err, -ret, "Unable to open %s: %s", control, strerror(-ret));
	}
	for (size_t size = DM_TABLE_BUF_START;; size *= 2) {
		ret = table_status(fd, uuid, size, out, err);
		if (ret != 1)
			break;
		if (size * 2 > DM_TABLE_BUF_MAX) {
			ret = err_set(err, E2BIG, "The table of %s is too large", uuid);
			break;
		}
	}
	close(fd);
	return ret;
}

struct words {
	char *save;
};

static const char *next_word(struct words *w, char *text)
{
	return strtok_r(text, " \t\n", &w->save);
}

static int word_count(struct words *w, unsigned *n)
{
	const char *word = next_word(w, NULL);
	char *end = NULL;
	unsigned long v;

	if (!word)
		return -EINVAL;
	errno = 0;
	v = strtoul(word, &end, 10);
	if (errno || *end || v > 100000)
		return -EINVAL;
	*n = (unsigned)v;
	return 0;
}

/* "<n> <word>..." into out as the same text. */
static int counted_words(struct words *w, char *out, size_t len)
{
	size_t used;
	unsigned n;

	if (word_count(w, &n) < 0)
		return -EINVAL;
	used = (size_t)snprintf(out, len, "%u", n);
	for (unsigned i = 0; i < n; i++) {
		const char *word = next_word(w, NULL);

		if (!word)
			return -EINVAL;
		if (used < len)
			used += (size_t)snprintf(out + used, len - used, " %s", word);
	}
	return used < len ? 0 : -EINVAL;
}

static int skip_words(struct words *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (!next_word(w, NULL))
			return -EINVAL;
	}
	return 0;
}

static int parse_group(struct words *w, struct dm_mpath_group *g)
{
	const char *selector = next_word(w, NULL);
	unsigned nsel, npathargs;

	if (!selector || snprintf(g->selector, sizeof(g->selector), "%s", selector) >=
				 (int)sizeof(g->selector))
		return -EINVAL;
	if (word_count(w, &nsel) < 0 || skip_words(w, nsel) < 0 ||
	    word_count(w, &g->npaths) < 0 || word_count(w, &npathargs) < 0)
		return -EINVAL;
	for (unsigned p = 0; p < g->npaths; p++) {
		if (!next_word(w, NULL))   /* major:minor */
			return -EINVAL;
		for (unsigned a = 0; a < npathargs; a++) {
			const char *arg = next_word(w, NULL);
			char *end = NULL;

			if (!arg)
				return -EINVAL;
			if (p == 0 && a == 0) {
				unsigned long v = strtoul(arg, &end, 10);

				if (*end || v > 0xffffffffu)
					return -EINVAL;
				g->repeat_count = (unsigned)v;
			}
		}
	}
	return 0;
}

int dm_mpath_table_parse(const char *line, struct dm_mpath_table *out, struct esx_err *err)
{
	struct words w = { 0 };
	char *copy = strdup(line);
	const char *type;
	unsigned next_group;
	int ret = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (!copy)
		return err_set(err, ENOMEM, "out of memory");
	type = next_word(&w, copy);
	if (!type || strcmp(type, "multipath") != 0)
		goto out;
	if (counted_words(&w, out->features, sizeof(out->features)) < 0 ||
	    counted_words(&w, out->hwhandler, sizeof(out->hwhandler)) < 0 ||
	    word_count(&w, &out->ngroups) < 0 || word_count(&w, &next_group) < 0 ||
	    out->ngroups > DM_MPATH_GROUPS_MAX)
		goto out;
	for (unsigned i = 0; i < out->ngroups; i++) {
		if (parse_group(&w, &out->groups[i]) < 0)
			goto out;
	}
	ret = next_word(&w, NULL) ? -EINVAL : 0;
out:
	free(copy);
	if (ret < 0) {
		memset(out, 0, sizeof(*out));
		return err_set(err, EINVAL, "Unable to parse the multipath table '%.200s'", line);
	}
	return 0;
}
