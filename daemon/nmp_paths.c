/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Joining sysfs's paths, their sessions and multipathd's maps into the
 * paths ESXi's storage commands list (see nmp_paths.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmp_paths.h"

/* The alua prioritizer's value for an active/non-optimized port. */
#define ALUA_PRIO_NONOPTIMIZED 10

static const struct iscsi_session_info *find_session(const struct iscsi_session_info *sessions,
						     size_t n, unsigned sid)
{
	for (size_t i = 0; i < n; i++)
		if (sessions[i].sid == sid)
			return &sessions[i];
	return NULL;
}

static void set_states(struct nmp_path *p, const struct esx_strv *off)
{
	if (off && strv_contains(off, p->uid)) {
		p->state = "disabled";
		p->group_state = "dead";
		return;
	}
	if (!p->mp) {
		p->state = p->sys->working ? "active" : "dead";
		p->group_state = p->state;
		return;
	}
	if (!mpath_path_usable(p->mp)) {
		p->state = p->group_state = "dead";
	} else if (!strcmp(p->mp->chk_st, "ghost")) {
		p->state = p->group_state = "standby";
	} else {
		p->state = "active";
		p->group_state = p->mp->pri == ALUA_PRIO_NONOPTIMIZED &&
				 strstr(p->map->hwhandler, "alua") ? "active unoptimized" : "active";
	}
}

/* One path's names; the target number comes from outside. */
static int name_path(struct nmp_path *p, const char *adapter, const char *initiator,
		     const struct esx_strv *bindings, const struct iscsi_session_info *s,
		     const struct mpath_maps *maps, struct esx_err *err)
{
	const char *wwid = p->sys->device;

	p->channel = nmp_channel(bindings, p->sys->iface);
	if (!nmp_hctl_lun(p->sys->hctl, &p->lun))
		p->lun = 0;
	if (maps && mpath_maps_find_path(maps, p->sys->block, &p->map, &p->mp))
		wwid = p->map->uuid;
	if (nmp_device_id(wwid, p->device, sizeof(p->device)) < 0)
		snprintf(p->device, sizeof(p->device), "mpx.%s", p->sys->block);
	iscsi_state_isid(p->sys->sid, p->isid, sizeof(p->isid));
	p->tpgt = s ? s->tpgt : 0;
	snprintf(p->initiator, sizeof(p->initiator), "%s",
		 s && s->initiator[0] ? s->initiator : initiator);
	if (nmp_runtime_name(adapter, p->channel, p->target, p->lun, p->runtime,
			     sizeof(p->runtime)) < 0 ||
	    nmp_path_uid(p->initiator, p->isid, p->sys->target, p->tpgt, p->device, p->uid,
			 sizeof(p->uid)) < 0)
		return err_set(err, ENAMETOOLONG, "The name of path %s is too long", p->sys->hctl);
	return 0;
}

static int cmp_runtime(const void *x, const void *y)
{
	const struct nmp_path *a = x, *b = y;

	if (a->channel != b->channel)
		return a->channel < b->channel ? -1 : 1;
	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	if (a->lun != b->lun)
		return a->lun < b->lun ? -1 : 1;
	return 0;
}

int nmp_paths_build(const char *adapter, const char *initiator, const struct esx_strv *bindings,
		    const struct iscsi_path *paths, size_t n,
		    const struct iscsi_session_info *sessions, size_t nsessions,
		    const struct mpath_maps *maps, const struct esx_strv *off,
		    struct nmp_path **out, struct esx_err *err)
{
	struct nmp_path *list = NULL;
	unsigned *targets = NULL;
	int ret = 0;

	*out = NULL;
	if (!n)
		goto out;
	list = calloc(n, sizeof(*list));
	targets = calloc(n, sizeof(*targets));
	if (!list || !targets || nmp_target_numbers(paths, n, targets) < 0) {
		ret = err_set(err, ENOMEM, "Out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		list[i].sys = &paths[i];
		list[i].target = targets[i];
		ret = name_path(&list[i], adapter, initiator, bindings,
				find_session(sessions, nsessions, paths[i].sid), maps, err);
		if (ret < 0)
			goto out;
		set_states(&list[i], off);
	}
	qsort(list, n, sizeof(*list), cmp_runtime);
	*out = list;
	list = NULL;
out:
	free(list);
	free(targets);
	return ret;
}

const char *nmp_working_paths(const struct nmp_path *paths, size_t n, const struct mpath_map *map,
			      char *out, size_t len)
{
	size_t idx[64], count, used = 0;

	out[0] = '\0';
	count = mpath_map_working(map, idx, sizeof(idx) / sizeof(idx[0]));
	if (count > sizeof(idx) / sizeof(idx[0]))
		count = sizeof(idx) / sizeof(idx[0]);
	for (size_t w = 0; w < count; w++) {
		const struct mpath_path *mp = &map->paths[idx[w]];

		for (size_t i = 0; i < n; i++) {
			int k;

			if (paths[i].mp != mp)
				continue;
			k = snprintf(out + used, len - used, "%s%s", used ? ", " : "",
				     paths[i].runtime);
			if (k < 0 || (size_t)k >= len - used) {
				out[used] = '\0';
				return out;
			}
			used += (size_t)k;
		}
	}
	return out;
}

int nmp_target_identifier(const struct nmp_path *p, char *out, size_t len)
{
	int k = snprintf(out, len, "%s,%s,t,%d", p->isid, p->sys->target, p->tpgt);

	return k < 0 || (size_t)k >= len ? -ENAMETOOLONG : 0;
}

int nmp_target_transport_details(const struct nmp_path *p, char *out, size_t len)
{
	int k = snprintf(out, len, "IQN=%s Alias= Session=%s PortalTag=%d", p->sys->target,
			 p->isid, p->tpgt);

	return k < 0 || (size_t)k >= len ? -ENAMETOOLONG : 0;
}
