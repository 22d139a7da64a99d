/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Taking a snapshot of the adapter's storage for a command (see
 * nmp_snapshot.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "daemon.h"
#include "model.h"
#include "mpath_client.h"
#include "nmp_path_off.h"
#include "nmp_snapshot.h"
#include "result.h"
#include "strv.h"
#include "transaction.h"

struct snapshot_query {
	struct esx_call *call;
	struct mpath_request *req;
	nmp_snapshot_fn fn;
};

/* Read sysfs, join with maps (may be NULL) and run fn. */
static int run_with(struct esx_call *call, nmp_snapshot_fn fn, const struct mpath_maps *maps)
{
	const struct model *m = model_current(call->daemon);
	struct nmp_snapshot snap = { .maps = maps };
	struct esx_strv bindings = { 0 };
	int ret = 0;

	if (!m->iscsi.enabled)
		return fn(call, &snap);
	for (size_t i = 0; ret == 0 && i < m->iscsi.nbindings; i++)
		ret = strv_add(&bindings, m->iscsi.bindings[i].vmk);
	if (ret < 0) {
		ret = err_set(&call->err, ENOMEM, "out of memory");
		goto out;
	}
	ret = iscsi_paths_read(ISCSI_PATHS_SYSFS, &snap.sys, &snap.n, &call->err);
	if (ret == 0)
		ret = iscsi_state_sessions(&snap.sessions, &snap.nsessions, &call->err);
	if (ret == 0)
		ret = nmp_paths_build_off(&m->nmp, m->iscsi.adapter, m->iscsi.iqn, &bindings,
					  snap.sys, snap.n, snap.sessions, snap.nsessions, maps,
					  &snap.paths, &call->err);
	if (ret == 0)
		ret = fn(call, &snap);
out:
	strv_free(&bindings);
	free(snap.paths);
	free(snap.sessions);
	free(snap.sys);
	return ret;
}

static void sysfs_only(struct esx_call *call, const char *why)
{
	result_message(call->result,
		       "multipathd did not answer (%s): states come from sysfs alone", why);
}

static void maps_received(const struct mpath_reply *reply, void *data)
{
	struct snapshot_query *q = data;
	struct esx_call *call = q->call;
	nmp_snapshot_fn fn = q->fn;
	struct mpath_maps maps = { 0 };
	struct esx_err perr = { 0 };
	bool have_maps = false;
	int ret;

	call->cancel = NULL;
	call->handler_data = NULL;
	free(q);
	if (reply->status < 0)
		sysfs_only(call, reply->err ? reply->err->text : "no reply");
	else if (mpath_json_parse(reply->text, &maps, &perr) < 0)
		sysfs_only(call, perr.text);
	else
		have_maps = true;
	ret = run_with(call, fn, have_maps ? &maps : NULL);
	mpath_maps_free(&maps);
	if (ret != ESX_PENDING)
		call_finish(call, ret);
}

static void query_cancel(struct esx_call *call)
{
	struct snapshot_query *q = call->handler_data;

	mpath_request_cancel(q->req);
	free(q);
	call->handler_data = NULL;
}

int nmp_snapshot_take(struct esx_call *call, nmp_snapshot_fn fn)
{
	struct snapshot_query *q = calloc(1, sizeof(*q));
	struct esx_err merr = { 0 };
	int ret;

	if (!q)
		return err_set(&call->err, ENOMEM, "out of memory");
	q->call = call;
	q->fn = fn;
	ret = mpath_request(call->daemon->loop, call->daemon->cfg.mpathd_socket, "show maps json",
			    NMP_SNAPSHOT_TIMEOUT_MS, maps_received, q, &q->req, &merr);
	if (ret < 0) {
		free(q);
		sysfs_only(call, merr.text);
		return run_with(call, fn, NULL);
	}
	call->handler_data = q;
	call->cancel = query_cancel;
	return ESX_PENDING;
}

size_t nmp_snapshot_device_paths(const struct nmp_snapshot *snap, const char *device,
				 size_t *first)
{
	size_t count = 0;

	*first = 0;
	for (size_t i = 0; i < snap->n; i++) {
		if (strcasecmp(snap->paths[i].device, device) != 0)
			continue;
		if (count++ == 0)
			*first = i;
	}
	return count;
}

void nmp_display_name(const struct nmp_path *p, char *out, size_t len)
{
	const char *vendor = p->map ? p->map->vend : "";

	snprintf(out, len, "%s%siSCSI Disk (%s)", vendor, vendor[0] ? " " : "", p->device);
}
