/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a small file whole (see file_read.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_read.h"

int file_read_all(const char *path, size_t max, char **out, mode_t *mode, struct esx_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), ret = 0;

	*out = NULL;
	if (fd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		return err_set(err, errno, "Unable to read %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		ret = err_set(err, EFBIG, "Unable to read %s: not a regular file of at most %zu bytes",
			      path, max);
		goto out;
	}
	if (mode)
		*mode = st.st_mode & 07777;
	buf = malloc(max + 1);
	if (!buf) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	/* A file that grows while it is read is cut at max. */
	while (len < max && (n = read(fd, buf + len, max - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = err_set(err, errno, "Unable to read %s: %s", path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return ret;
}
