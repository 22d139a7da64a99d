/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A SCSI disk's sysfs state, written offline in place and running from a
 * child (see scsi_disk_state.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scsi_disk_state.h"

/* The tee(1) that writes "running": any absolute path to an executable. */
#define TEE_PROGRAM "/usr/bin/tee"

static int state_path(const char *root, const char *block, char *out, size_t len,
		      struct esx_err *err)
{
	int k;

	if (!block[0] || strchr(block, '/') || strcmp(block, ".") == 0 || strcmp(block, "..") == 0)
		return err_set(err, EINVAL, "'%s' is not a block device name", block);
	k = snprintf(out, len, "%s/block/%s/device/state", root, block);
	if (k < 0 || (size_t)k >= len)
		return err_set(err, ENAMETOOLONG, "The sysfs path of %s is too long", block);
	return 0;
}

int scsi_disk_set_offline(const char *root, const char *block, struct esx_err *err)
{
	/* The kernel takes a state name only with its newline. */
	static const char text[] = "offline\n";
	char path[256];
	ssize_t n;
	int fd = -1, ret = state_path(root, block, path, sizeof(path), err);

	if (ret < 0)
		goto out;
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = err_set(err, errno, "Cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	n = write(fd, text, strlen(text));
	if (n < 0) {
		ret = err_set(err, errno, "The kernel refused to take %s offline: %s", block,
			      strerror(errno));
		goto out;
	}
	if ((size_t)n != strlen(text)) {
		ret = err_set(err, EIO, "The kernel took a part of the state of %s", block);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0 && close(fd) < 0 && ret == 0)
		ret = err_set(err, errno, "The kernel refused to take %s offline: %s", block,
			      strerror(errno));
	return ret;
}

int scsi_disk_set_running_start(struct esx_loop *loop, const char *root, const char *block,
				exec_done_fn done, void *data, struct exec_job **out,
				struct esx_err *err)
{
	static const char text[] = "running\n";
	char path[256];
	const char *argv[] = { TEE_PROGRAM, path, NULL };
	struct exec_spec spec = {
		.argv = argv,
		.stdin_data = text,
		.stdin_len = sizeof(text) - 1,
		.timeout_ms = SCSI_DISK_RUNNING_TIMEOUT_MS,
	};
	int ret = state_path(root, block, path, sizeof(path), err);

	if (ret < 0)
		return ret;
	return exec_start(loop, &spec, done, data, out, err);
}
