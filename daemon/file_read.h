/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading a small configuration file whole (initiatorname.iscsi, the
 * multipath drop-in, multipath's wwids file): bounded, so a huge or
 * special file cannot exhaust the daemon, and with one wording of errors.
 */
#ifndef ESXD_FILE_READ_H
#define ESXD_FILE_READ_H

#include <stddef.h>
#include <sys/types.h>

#include "errors.h"

/* The whole of the regular file path, NUL-terminated, in *out (free() it),
 * when it has at most max bytes; its permission bits in *mode (may be
 * NULL). -ENOENT with no message when it does not exist; otherwise a
 * negative errno with "Unable to read PATH: why". */
int file_read_all(const char *path, size_t max, char **out, mode_t *mode, struct esx_err *err);

#endif
