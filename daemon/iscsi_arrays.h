/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The arrays behind the software adapter: the (vendor, model) pairs of the
 * SCSI disks of its iSCSI sessions, read from sysfs, for the multipath
 * drop-in's fast_io_fail_tmo entries (mpath_conf.h).
 */
#ifndef ESXD_ISCSI_ARRAYS_H
#define ESXD_ISCSI_ARRAYS_H

#include <stddef.h>

#include "errors.h"
#include "mpath_conf.h"

/* Every distinct pair under the sysfs tree at root ("/sys", or a test's
 * fake tree), sorted by vendor then model. A value that fails the
 * nmp_check_vendor/model rules (or is empty) is left out with a log line.
 * *out is allocated (free() it), NULL when there is none; no session is
 * not an error. */
int iscsi_arrays_read(const char *root, struct mpath_array **out, size_t *count,
		      struct esx_err *err);

#endif
