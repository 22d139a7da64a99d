/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Mapping a socket peer's credentials to a role. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "auth.h"
#include "daemon.h"
#include "log.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

#define AUTH_MAX_GROUPS 1024

static bool lookup_group(const char *spec, gid_t *gid)
{
	struct group grp, *found = NULL;
	char buf[16384], *end = NULL;
	unsigned long num;

	if (!spec || !spec[0])
		return false;
	errno = 0;
	num = strtoul(spec, &end, 10);
	if (*end == '\0' && errno == 0) {
		*gid = (gid_t)num;
		return true;
	}
	if (getgrnam_r(spec, &grp, buf, sizeof(buf), &found) != 0 || !found)
		return false;
	*gid = found->gr_gid;
	return true;
}

void auth_resolve_groups(struct esxd *d)
{
	d->have_admin_gid = lookup_group(d->cfg.admin_group, &d->admin_gid);
	if (!d->have_admin_gid)
		log_notice("admin group '%s' does not exist: only root may change state",
			   d->cfg.admin_group);
	d->have_readonly_gid = lookup_group(d->cfg.readonly_group, &d->readonly_gid);
	if (!d->have_readonly_gid)
		log_notice("read-only group '%s' does not exist", d->cfg.readonly_group);
}

static bool in_group(gid_t want, gid_t gid, const gid_t *groups, size_t ngroups)
{
	if (gid == want)
		return true;
	for (size_t i = 0; i < ngroups; i++) {
		if (groups[i] == want)
			return true;
	}
	return false;
}

enum esx_role auth_role(const struct esxd *d, uid_t uid, gid_t gid, const gid_t *groups,
			size_t ngroups)
{
	if (uid == 0)
		return ROLE_ADMIN;
	if (d->have_admin_gid && in_group(d->admin_gid, gid, groups, ngroups))
		return ROLE_ADMIN;
	if (d->have_readonly_gid && in_group(d->readonly_gid, gid, groups, ngroups))
		return ROLE_READONLY;
	return ROLE_NONE;
}

int auth_identify(const struct esxd *d, int fd, struct esx_caller *out)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	gid_t *groups = NULL;
	size_t ngroups = 0;
	struct passwd pw, *found = NULL;
	char buf[16384];
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	groups = calloc(AUTH_MAX_GROUPS, sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	len = AUTH_MAX_GROUPS * sizeof(*groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
		ngroups = len / sizeof(*groups);
	} else if (errno != ENOPROTOOPT) {
		/* ERANGE: more groups than we take. Refuse rather than guess. */
		ret = -errno;
		goto out;
	}
	out->uid = cred.uid;
	out->gid = cred.gid;
	out->pid = cred.pid;
	out->role = auth_role(d, cred.uid, cred.gid, groups, ngroups);
	if (getpwuid_r(cred.uid, &pw, buf, sizeof(buf), &found) == 0 && found)
		snprintf(out->uid_name, sizeof(out->uid_name), "%s", found->pw_name);
	else
		snprintf(out->uid_name, sizeof(out->uid_name), "%u", (unsigned)cred.uid);
out:
	free(groups);
	return ret;
}
