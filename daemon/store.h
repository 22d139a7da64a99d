/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The desired-state store: what Linux cannot hold (vSwitches, portgroups,
 * failover orders, vmk definitions, NMP rules...) kept as one JSON document
 * on disk, written atomically after every change. The store knows nothing of
 * what the document means; docs/daemon.md describes its format and guarantees.
 */
#ifndef ESXD_STORE_H
#define ESXD_STORE_H

#include "errors.h"

#define STORE_DEFAULT_PATH "/var/lib/esxclid/esx.conf"
/* The document's format version, its top-level "version" key. */
#define STORE_VERSION 1
/* A state file larger than this is refused as corrupt. */
#define STORE_MAX_SIZE (16 * 1024 * 1024)

struct json_object;
struct esx_store;

/* Lock "<path>.lock" (-EBUSY when another esxclid holds it), create the
 * parent directory (0700) if missing and load the document: a missing file is
 * the empty document {"version": 1}. A file that is not a valid document is
 * refused with -EBADMSG and left untouched; an unsafe one (a symlink, not a
 * regular file, not owned by us, writable by group or others) with -EPERM. */
int store_open(const char *path, struct esx_store **out, struct esx_err *err);

/* The committed document. Read-only by convention: change a copy from
 * store_edit and commit it. Valid until the next successful store_commit. */
struct json_object *store_root(const struct esx_store *s);

/* A deep copy of the committed document to change in a transaction (the
 * caller owns it: commit it, or json_object_put it to roll back). NULL when
 * out of memory. */
struct json_object *store_edit(const struct esx_store *s);

/* Make edited the committed document: write it to a temporary file in the
 * same directory, fsync, rename over the state file, fsync the directory.
 * Takes ownership of edited in every case. On failure the old document stays,
 * in memory and on disk, and a negative errno is returned with a message. */
int store_commit(struct esx_store *s, struct json_object *edited, struct esx_err *err);

/* Free the document and release the lock. NULL is allowed. */
void store_close(struct esx_store *s);

const char *store_path(const struct esx_store *s);

#endif
