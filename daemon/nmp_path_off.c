/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Paths set off against the paths that exist now (see nmp_path_off.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmp_names.h"
#include "nmp_path_off.h"

static int copy_part(char *out, size_t len, const char *value)
{
	int k = snprintf(out, len, "%s", value);

	return k < 0 || (size_t)k >= len ? -ENAMETOOLONG : 0;
}

int nmp_path_off_of(const struct iscsi_path *p, struct nmp_path_off *out, struct esx_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!p->portal[0])
		return err_set(err, EINVAL, "The portal of path %s is not known (its session has "
			       "no connection): try again when it is logged in", p->hctl);
	if (!nmp_hctl_lun(p->hctl, &out->lun))
		return err_set(err, EINVAL, "The LUN of path %s is not known", p->hctl);
	if (copy_part(out->iface, sizeof(out->iface), p->iface) < 0 ||
	    copy_part(out->target, sizeof(out->target), p->target) < 0 ||
	    copy_part(out->portal, sizeof(out->portal), p->portal) < 0)
		return err_set(err, ENAMETOOLONG, "The name of path %s is too long", p->hctl);
	return 0;
}

bool nmp_path_is_off(const struct nmp_config *c, const struct iscsi_path *p)
{
	struct nmp_path_off id;
	struct esx_err ignored = { 0 };

	return c->npaths_off && nmp_path_off_of(p, &id, &ignored) == 0 &&
	       nmp_find_path_off(c, &id) != NULL;
}

int nmp_paths_build_off(const struct nmp_config *c, const char *adapter, const char *initiator,
			const struct esx_strv *bindings, const struct iscsi_path *paths, size_t n,
			const struct iscsi_session_info *sessions, size_t nsessions,
			const struct mpath_maps *maps, struct nmp_path **out,
			struct esx_err *err)
{
	struct esx_strv off = { 0 };
	struct nmp_path *named = NULL;
	int ret = nmp_paths_build(adapter, initiator, bindings, paths, n, sessions, nsessions,
				  maps, NULL, out, err);

	if (ret < 0 || !c->npaths_off)
		return ret;
	/* nmp_paths_build() knows paths set off by UID, which only it makes:
	 * name them once, then build again with those UIDs. */
	named = *out;
	*out = NULL;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (nmp_path_is_off(c, named[i].sys) && strv_add(&off, named[i].uid) < 0)
			ret = err_set(err, ENOMEM, "Out of memory");
	}
	if (ret == 0)
		ret = nmp_paths_build(adapter, initiator, bindings, paths, n, sessions, nsessions,
				      maps, &off, out, err);
	strv_free(&off);
	free(named);
	return ret;
}

const struct nmp_path *nmp_path_named(const struct nmp_path *paths, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(paths[i].runtime, name) == 0 || strcmp(paths[i].uid, name) == 0)
			return &paths[i];
	}
	return NULL;
}

static bool usable(const struct nmp_path *p)
{
	return strcmp(p->state, "active") == 0 || strcmp(p->state, "standby") == 0;
}

int nmp_path_off_allowed(const struct nmp_path *paths, size_t n, const struct nmp_path *p,
			 struct esx_err *err)
{
	if (!usable(p))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (&paths[i] != p && strcmp(paths[i].device, p->device) == 0 && usable(&paths[i]))
			return 0;
	}
	return err_set(err, EBUSY, "Unable to turn off path %s: it is the last usable path to "
		       "device %s, and all I/O to the device would stop. Bring another path up "
		       "first.", p->runtime, p->device);
}
