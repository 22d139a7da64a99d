/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Taking a SCSI disk offline and bringing it back through its sysfs
 * `device/state` ("offline" / "running"): what makes a path that is set
 * off stay off, since multipathd's checker fails a path whose disk is
 * offline instead of reinstating it.
 *
 * "offline" only flips the device's state in the kernel (no I/O), so it is
 * written in place. "running" makes the kernel revalidate the disk
 * (INQUIRY, READ CAPACITY) inside the write, which can wait for the SCSI
 * timeout when the target does not answer: a child process writes it.
 */
#ifndef ESXD_SCSI_DISK_STATE_H
#define ESXD_SCSI_DISK_STATE_H

#include "errors.h"
#include "exec.h"

#define SCSI_DISK_SYSFS "/sys"
#define SCSI_DISK_RUNNING_TIMEOUT_MS 90000

struct esx_loop;

/* Write "offline" to <root>/block/<block>/device/state. 0, or a negative
 * errno with a message (-EINVAL from the kernel: the disk is blocked
 * because its session is down, or is being removed). */
int scsi_disk_set_offline(const char *root, const char *block, struct esx_err *err);

/* Start a child that writes "running" there; done gets its exit (0: the
 * kernel took it; otherwise its stderr says why). */
int scsi_disk_set_running_start(struct esx_loop *loop, const char *root, const char *block,
				exec_done_fn done, void *data, struct exec_job **out,
				struct esx_err *err);

#endif
