/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Atomic replacement of a file's contents (file_replace.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_replace.h"
#include "log.h"

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* After the rename the new file is the file; a directory that cannot be
 * synced only means the rename may not survive a crash. */
static void sync_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		log_err("cannot sync directory %s after writing %s: %s", dir, path,
			strerror(errno));
	if (fd >= 0)
		close(fd);
}

int file_replace(const char *path, const char *tmp_template, const char *data, size_t len,
		 mode_t mode, struct esx_err *err)
{
	char tmp[PATH_MAX];
	int fd = -1, ret = 0, n;

	n = snprintf(tmp, sizeof(tmp), "%s", tmp_template);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return err_set(err, ENAMETOOLONG, "Unable to write %s: path too long", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno,
			       "Unable to write %s: cannot create the temporary file %s: %s", path,
			       tmp, strerror(errno));
	if (fchmod(fd, mode) < 0)
		ret = -errno;
	if (ret == 0)
		ret = write_all(fd, data ? data : "", len);
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0) {
		if (unlink(tmp) < 0)
			log_err("cannot remove temporary file %s: %s", tmp, strerror(errno));
		return err_set(err, -ret, "Unable to write %s: %s", path, strerror(-ret));
	}
	sync_parent(path);
	return 0;
}
