/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The drop-in file itself: is its content already this text, and replacing
 * it atomically. multipathd is told to reconfigure only when the text
 * changed (repeated reconfigures cause uevent storms).
 */
#ifndef ESXD_MPATH_DROPIN_H
#define ESXD_MPATH_DROPIN_H

#include "errors.h"

#define MPATH_DROPIN_DEFAULT "/etc/multipath/conf.d/esxclid.conf"

/* 1 when path's content is not exactly text (a missing file differs), 0
 * when it is, or a negative errno with err set when it cannot be read. */
int mpath_dropin_differs(const char *path, const char *text, struct esx_err *err);
/* Replace path's content with text (mode 0644), creating its directories
 * (0755) when missing. 0 or a negative errno with err set. */
int mpath_dropin_write(const char *path, const char *text, struct esx_err *err);

/* The file's content (*text malloc'd), or *text NULL when it does not
 * exist; for putting it back after a failed commit. At most 1 MiB. */
int mpath_dropin_read(const char *path, char **text, struct esx_err *err);
/* Remove the file (a missing one is fine). */
int mpath_dropin_remove(const char *path, struct esx_err *err);

#endif
