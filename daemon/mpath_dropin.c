/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Comparing and replacing the multipath drop-in (see mpath_dropin.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_read.h"
#include "file_replace.h"
#include "mpath_dropin.h"

int mpath_dropin_differs(const char *path, const char *text, struct esx_err *err)
{
	size_t len = strlen(text), seen = 0;
	char buf[4096];
	int fd = -1, ret = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return err_set(err, errno, "Unable to read %s: %s", path, strerror(errno));
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = err_set(err, errno, "Unable to read %s: %s", path, strerror(errno));
			goto out;
		}
		if (seen + (size_t)n > len || memcmp(text + seen, buf, (size_t)n) != 0) {
			ret = 1;
			goto out;
		}
		seen += (size_t)n;
	}
	ret = seen != len;
out:
	close(fd);
	return ret;
}

/* mkdir -p: /etc/multipath itself is missing until multipath-tools or an
 * admin writes something there. */
static int make_dirs(char *dir, struct esx_err *err)
{
	for (char *p = strchr(dir + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			int ret = err_set(err, errno, "Unable to create %s: %s", dir,
					  strerror(errno));

			if (p)
				*p = '/';
			return ret;
		}
		if (!p)
			return 0;
		*p = '/';
	}
}

int mpath_dropin_write(const char *path, const char *text, struct esx_err *err)
{
	char dir[4096], tmp[4096];
	char *copy = NULL, *slash;
	int ret = 0;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return err_set(err, ENAMETOOLONG, "Unable to write %s: name too long", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return err_set(err, EINVAL, "Unable to write %s: not an absolute file name", path);
	*slash = '\0';
	copy = strdup(path);
	if (!copy)
		return err_set(err, ENOMEM, "out of memory");
	ret = make_dirs(dir, err);
	if (ret < 0)
		goto out;
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, basename(copy)) >= (int)sizeof(tmp)) {
		ret = err_set(err, ENAMETOOLONG, "Unable to write %s: name too long", path);
		goto out;
	}
	ret = file_replace(path, tmp, text, strlen(text), 0644, err);
out:
	free(copy);
	return ret;
}

#define DROPIN_READ_MAX (1024 * 1024)

int mpath_dropin_read(const char *path, char **text, struct esx_err *err)
{
	int ret = file_read_all(path, DROPIN_READ_MAX, text, NULL, err);

	return ret == -ENOENT ? 0 : ret;
}

int mpath_dropin_remove(const char *path, struct esx_err *err)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return err_set(err, errno, "Unable to remove %s: %s", path, strerror(errno));
	return 0;
}
