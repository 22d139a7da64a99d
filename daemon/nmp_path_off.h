/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Paths set off (`storage core path set --state off`) against the paths
 * that exist now: a sysfs path's stable identity (nmp_path_off in
 * nmp_model.h), whether a path is one of those set off, the path a -p
 * argument names, and whether turning it off would leave its device
 * without a usable path. Pure: every fact comes in as an argument.
 */
#ifndef ESXD_NMP_PATH_OFF_H
#define ESXD_NMP_PATH_OFF_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "iscsi_paths.h"
#include "nmp_model.h"
#include "nmp_paths.h"

/* The identity of sysfs path p: its iface, target, portal and LUN. -EINVAL
 * with a message when sysfs does not tell its portal or LUN (the session
 * has lost its connection), -ENAMETOOLONG when a part does not fit. */
int nmp_path_off_of(const struct iscsi_path *p, struct nmp_path_off *out, struct esx_err *err);

/* Whether sysfs path p is one of c's paths set off. */
bool nmp_path_is_off(const struct nmp_config *c, const struct iscsi_path *p);

/* nmp_paths_build() with c's paths set off shown as ESXi shows them: core
 * State "disabled", NMP Group State "dead". Same arguments and results. */
int nmp_paths_build_off(const struct nmp_config *c, const char *adapter, const char *initiator,
			const struct esx_strv *bindings, const struct iscsi_path *paths, size_t n,
			const struct iscsi_session_info *sessions, size_t nsessions,
			const struct mpath_maps *maps, struct nmp_path **out,
			struct esx_err *err);

/* The path whose runtime name or UID is name (as `path list` shows them),
 * or NULL. */
const struct nmp_path *nmp_path_named(const struct nmp_path *paths, size_t n, const char *name);

/* 0 when p may be set off; -EBUSY with a message when p is usable (active
 * or standby) and no other path to its device is: all I/O would stop. */
int nmp_path_off_allowed(const struct nmp_path *paths, size_t n, const struct nmp_path *p,
			 struct esx_err *err);

#endif
