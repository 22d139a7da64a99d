/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The kernel's live table of a dm-multipath map, the last word on what
 * multipath really does (whatever the configuration files asked for):
 * read with the device-mapper ioctl DM_TABLE_STATUS, the way `dmsetup
 * table` does, and parsed into its path groups. The kernel answers at once
 * (no I/O to the disks), so reading it on the event loop is fine.
 */
#ifndef ESXD_DM_TABLE_H
#define ESXD_DM_TABLE_H

#include <stddef.h>

#include "errors.h"

#define DM_MPATH_GROUPS_MAX 64
#define DM_MPATH_WORD_MAX 64

struct dm_mpath_group {
	char selector[DM_MPATH_WORD_MAX];   /* "round-robin", "service-time"... */
	unsigned npaths;
	unsigned repeat_count;              /* the first path's first argument
					     * (round-robin's I/Os per path); 0
					     * when the selector takes none */
};

struct dm_mpath_table {
	char features[256];                 /* "1 queue_if_no_path", "0" */
	char hwhandler[DM_MPATH_WORD_MAX];  /* "1 alua", "0" */
	unsigned ngroups;
	struct dm_mpath_group groups[DM_MPATH_GROUPS_MAX];
};

/* The table line of the multipath map whose device-mapper UUID is
 * "mpath-<wwid>" (what `dmsetup table` prints after the start and length:
 * "multipath 1 queue_if_no_path 0 1 1 round-robin 0 2 1 8:16 1 8:32 1").
 * control: "/dev/mapper/control" (tests may pass another file). *out is
 * malloc'd. 0; -ENODEV when there is no such map or it has no multipath
 * target; -ENOENT without device-mapper; other negative errnos; err set. */
int dm_table_read(const char *control, const char *wwid, char **out, struct esx_err *err);

/* Parse a table line as dm_table_read() returns it. 0 or -EINVAL with err
 * set (out is then zeroed). */
int dm_mpath_table_parse(const char *line, struct dm_mpath_table *out, struct esx_err *err);

#endif
