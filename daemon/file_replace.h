/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Replacing a file's contents so that a crash leaves either the old file or
 * the new one, never half of each: a temporary file of the final mode,
 * written and fsynced, renamed over the file, then its directory fsynced.
 * The store, initiatorname.iscsi and open-iscsi's record files all need it.
 */
#ifndef ESXD_FILE_REPLACE_H
#define ESXD_FILE_REPLACE_H

#include <stddef.h>
#include <sys/types.h>

#include "errors.h"

/* Write len bytes of data as path's new contents. tmp_template is the
 * mkostemp() template of the temporary file ("DIR/.NAME.XXXXXX"), on
 * path's file system; it is removed on failure. A directory that cannot be
 * synced after the rename is only logged: the new contents stand. 0, or a
 * negative errno with err saying "Unable to write PATH: why". */
int file_replace(const char *path, const char *tmp_template, const char *data, size_t len,
		 mode_t mode, struct esx_err *err);

#endif
