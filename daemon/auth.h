/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Who may do what: the caller's uid and groups are read from the socket when
 * it connects (SO_PEERCRED, SO_PEERGROUPS) and mapped to a role. root and the
 * admin group may change state; the read-only group may list and get; anyone
 * else is refused.
 */
#ifndef ESXD_AUTH_H
#define ESXD_AUTH_H

#include "command.h"

struct esxd;

/* Resolve the configured group names (or numeric gids) once. A group that
 * does not exist is logged; it then simply has no members. */
void auth_resolve_groups(struct esxd *d);

/* Read the peer's credentials from a connected socket and decide its role.
 * Returns 0 or a negative errno. */
int auth_identify(const struct esxd *d, int fd, struct esx_caller *out);

/* The role for given credentials (exposed for tests). */
enum esx_role auth_role(const struct esxd *d, uid_t uid, gid_t gid, const gid_t *groups,
			size_t ngroups);

#endif
