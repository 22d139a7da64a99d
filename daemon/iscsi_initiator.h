/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * open-iscsi's initiator name file (/etc/iscsi/initiatorname.iscsi):
 * reading its InitiatorName and InitiatorAlias, and replacing them
 * atomically while keeping every other line (the comments Debian writes).
 * iscsid reads the file only when it starts (PITFALLS.md): running
 * sessions get a new name through iface.initiatorname instead.
 */
#ifndef ESXD_ISCSI_INITIATOR_H
#define ESXD_ISCSI_INITIATOR_H

#include <stddef.h>

#include "errors.h"

#define ISCSI_INITIATOR_FILE "/etc/iscsi/initiatorname.iscsi"

/* The file's InitiatorName (name, name_len bytes) and InitiatorAlias
 * (alias may be NULL). -ENOENT when there is no file or no InitiatorName;
 * other errors with a message. */
int iscsi_initiator_read(const char *path, char *name, size_t name_len, char *alias,
			 size_t alias_len, struct esx_err *err);

/* Set InitiatorName to name and InitiatorAlias to alias ("" removes the
 * line, NULL leaves it as it is), keeping the other lines, through a
 * temporary file in the same directory: fsync, rename, fsync of the
 * directory. A new file is 0644 (Debian's); an old one keeps its mode. */
int iscsi_initiator_write(const char *path, const char *name, const char *alias,
			  struct esx_err *err);

#endif
