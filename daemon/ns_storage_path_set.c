/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli storage core path set --state active|off -p <path>`: a path set
 * off has its SCSI disk offline (so multipathd's checker fails it rather
 * than reinstating it), is failed in multipathd at once, and is remembered
 * in the store's nmp section by a stable identity (nmp_model.h) so that
 * nmp_offline.c puts it offline again after re-logins, rescans and
 * restarts. Set active, it runs again, is reinstated and forgotten.
 *
 * All or nothing. Off: the disk goes offline first (in place: the kernel
 * only flips a state), then the store commits; a failed commit brings the
 * disk back. Active: the store forgets the path first (else the periodic
 * re-apply could put it offline again meanwhile), then a child writes
 * "running" (the kernel revalidates the disk in that write); if the kernel
 * refuses, the store gets the path back.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "commands.h"
#include "daemon.h"
#include "exec.h"
#include "iscsi_paths.h"
#include "log.h"
#include "mpath_client.h"
#include "nmp_path_off.h"
#include "nmp_paths.h"
#include "nmp_snapshot.h"
#include "scsi_disk_state.h"
#include "transaction.h"

#define SET_MPATH_TIMEOUT_MS 8000

static const struct esx_option path_set_options[] = {
	{ "path", 'p', OPT_STRING, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "The path to set the state of: its runtime name or UID, as storage core path list "
	  "shows them.", NULL },
	{ "state", 0, OPT_ENUM, OPT_REQUIRED, "active|off", 0, 0, NULL,
	  "The state to give the path: active, or off (administratively disabled until set "
	  "active again).", NULL },
	{ NULL },
};

struct path_set {
	struct esx_call *call;           /* NULL once its client has gone */
	struct esxd *d;
	struct mpath_request *req;
	struct exec_job *job;
	struct esx_err err;
	bool off;
	bool forgotten;                  /* active: the store had the path */
	char *name;                      /* -p */
	/* The path found: */
	char runtime[NMP_RUNTIME_MAX];
	char block[ISCSI_PATH_BLOCK_MAX];
	struct nmp_path_off id;
	bool in_map;                     /* in one of multipathd's maps */
	char mpath_cmd[64];
};

static void set_free(struct path_set *s)
{
	if (!s)
		return;
	free(s->name);
	free(s);
}

/* The end: report to the client if it is still there. */
static void set_finish(struct path_set *s, int ret)
{
	struct esx_call *call = s->call;

	if (call) {
		call->cancel = NULL;
		call->handler_data = NULL;
		if (ret < 0)
			call->err = s->err;
		call_finish(call, ret < 0 ? ret : 0);
	} else if (ret < 0) {
		log_warn("storage core path set %s: %s", s->name, s->err.text);
	}
	set_free(s);
}

static void set_cancel(struct esx_call *call)
{
	struct path_set *s = call->handler_data;

	call->handler_data = NULL;
	/* A child writing "running" runs to its end, so that the store and the
	 * kernel agree; it only has nobody to report to. */
	if (s->job) {
		s->call = NULL;
		return;
	}
	mpath_request_cancel(s->req);
	set_free(s);
}

/* Add (off) or drop id in a copy of the committed model, and commit. */
static int store_path(struct esxd *d, const struct nmp_path_off *id, bool off, bool *changed,
		      struct esx_err *err)
{
	struct model next;

	*changed = false;
	memset(&next, 0, sizeof(next));
	if (model_clone(model_current(d), &next) < 0)
		return err_set(err, ENOMEM, "out of memory");
	if (!nmp_find_path_off(&next.nmp, id) == !off) {
		model_free(&next);
		return 0;
	}
	if (!off) {
		nmp_remove_path_off(&next.nmp, id);
	} else if (nmp_add_path_off(&next.nmp, id) < 0) {
		model_free(&next);
		return err_set(err, ENOMEM, "out of memory");
	}
	*changed = true;
	return model_apply(d, &next, err);
}

/* ---- multipathd told last ---- */

static void told(const struct mpath_reply *reply, void *data)
{
	struct path_set *s = data;

	s->req = NULL;
	/* The disk's state decides; multipathd only learns it sooner. A
	 * disk that was offline when multipathd first saw it (after a
	 * re-login) is in no map, so `fail path` has nothing to fail. */
	if (reply->status < 0)
		log_info("multipathd did not take '%s': %s", s->mpath_cmd,
			 reply->err ? reply->err->text : "no reply");
	else if (strncmp(reply->text, "ok", 2) != 0)
		log_info("multipathd answered '%.*s' to '%s'", (int)strcspn(reply->text, "\n"),
			 reply->text, s->mpath_cmd);
	set_finish(s, 0);
}

/* 0 (done: multipathd is not running) or ESX_PENDING. A path back on
 * that multipathd does not have is added (`add path`), else reinstated. */
static int tell_multipathd(struct path_set *s)
{
	struct esx_err merr = { 0 };

	snprintf(s->mpath_cmd, sizeof(s->mpath_cmd), "%s path %s",
		 s->off ? "fail" : s->in_map ? "reinstate" : "add", s->block);
	if (mpath_request(s->d->loop, s->d->cfg.mpathd_socket, s->mpath_cmd, SET_MPATH_TIMEOUT_MS, told, s,
			  &s->req, &merr) < 0) {
		log_debug("not telling multipathd '%s': %s", s->mpath_cmd, merr.text);
		return 0;
	}
	return ESX_PENDING;
}

/* ---- active ---- */

static void running_written(const struct exec_result *result, void *data)
{
	struct path_set *s = data;
	struct esx_err again = { 0 };
	bool changed;
	int ret;

	s->job = NULL;
	if (result->exit_status == 0 && !result->timed_out) {
		ret = tell_multipathd(s);
		if (ret != ESX_PENDING)
			set_finish(s, ret);
		return;
	}
	if (s->forgotten && store_path(s->d, &s->id, true, &changed, &again) < 0)
		log_err("path %s stays offline but the store could not keep it off: %s",
			s->runtime, again.text);
	err_set(&s->err, EIO, "Unable to set path %s active: the kernel did not bring %s back "
		"(%.*s)", s->runtime, s->block,
		result->timed_out ? 9 : (int)strcspn(result->err, "\n"),
		result->timed_out ? "timed out" : result->err);
	set_finish(s, -EIO);
}

static int set_active(struct path_set *s, const struct nmp_path *p)
{
	int ret = store_path(s->d, &s->id, false, &s->forgotten, &s->err);

	if (ret < 0)
		return ret;
	if (strcmp(p->sys->scsi_state, "offline") != 0)
		return tell_multipathd(s);
	ret = scsi_disk_set_running_start(s->d->loop, SCSI_DISK_SYSFS, s->block, running_written,
					  s, &s->job, &s->err);
	if (ret < 0) {
		struct esx_err again = { 0 };
		bool changed;

		if (s->forgotten && store_path(s->d, &s->id, true, &changed, &again) < 0)
			log_err("path %s stays offline but the store could not keep it off: %s",
				s->runtime, again.text);
		return ret;
	}
	return ESX_PENDING;
}

/* ---- off ---- */

static void undo_done(const struct exec_result *result, void *data)
{
	char *block = data;

	if (result->exit_status != 0 || result->timed_out)
		log_err("%s stays offline: the kernel did not bring it back (%.*s)", block,
			(int)strcspn(result->err, "\n"), result->err);
	free(block);
}

/* After a failed commit: the disk runs again, in the background. */
static void undo_offline(struct path_set *s)
{
	struct esx_err err = { 0 };
	char *block = strdup(s->block);

	if (!block || scsi_disk_set_running_start(s->d->loop, SCSI_DISK_SYSFS, s->block,
						  undo_done, block, NULL, &err) < 0) {
		log_err("%s stays offline: %s", s->block, block ? err.text : "out of memory");
		free(block);
	}
}

static int set_off(struct path_set *s, const struct nmp_path *p, const struct nmp_path *paths,
		   size_t n)
{
	bool was_offline = strcmp(p->sys->scsi_state, "offline") == 0, changed;
	struct esx_err why = { 0 };
	int ret = nmp_path_off_allowed(paths, n, p, &s->err);

	if (ret < 0)
		return ret;
	ret = scsi_disk_set_offline(SCSI_DISK_SYSFS, s->block, &why);
	if (ret < 0)
		return err_set(&s->err, -ret, "Unable to set path %s off: %s", s->runtime,
			       why.text);
	ret = store_path(s->d, &s->id, true, &changed, &s->err);
	if (ret < 0) {
		if (!was_offline)
			undo_offline(s);
		return ret;
	}
	return tell_multipathd(s);
}

/* ---- finding the path ---- */

/* The path named by -p in the snapshot; then off or active. Returns 0, a
 * negative errno or ESX_PENDING (call->handler_data is then s). */
static int path_set_fill(struct esx_call *call, const struct nmp_snapshot *snap)
{
	const char *name = args_str(&call->args, "path");
	const struct nmp_path *p;
	struct path_set *s = NULL;
	int ret;

	if (!model_current(call->daemon)->iscsi.enabled)
		return err_set(&call->err, ENOENT, "Unable to find path %s: software iSCSI is "
			       "not enabled", name);
	p = nmp_path_named(snap->paths, snap->n, name);
	if (!p)
		return err_set(&call->err, ENOENT, "Unable to find path %s: no path has this "
			       "runtime name or UID (see storage core path list)", name);
	s = calloc(1, sizeof(*s));
	if (!s || !(s->name = strdup(name))) {
		set_free(s);
		return err_set(&call->err, ENOMEM, "out of memory");
	}
	s->call = call;
	s->d = call->daemon;
	s->off = strcmp(args_str(&call->args, "state"), "off") == 0;
	snprintf(s->runtime, sizeof(s->runtime), "%s", p->runtime);
	snprintf(s->block, sizeof(s->block), "%s", p->sys->block);
	/* Without maps (multipathd silent) a reinstate is the safe guess. */
	s->in_map = !snap->maps || p->mp;
	ret = nmp_path_off_of(p->sys, &s->id, &s->err);
	if (ret == 0)
		ret = s->off ? set_off(s, p, snap->paths, snap->n) : set_active(s, p);
	if (ret == ESX_PENDING) {
		call->handler_data = s;
		call->cancel = set_cancel;
		return ret;
	}
	if (ret < 0)
		call->err = s->err;
	set_free(s);
	return ret;
}

static int path_set(struct esx_call *call)
{
	return nmp_snapshot_take(call, path_set_fill);
}

const struct esx_command storage_path_set_commands[] = {
	{ "storage core path set", "Provide control to allow a user to modify a single path's state. This efficiently allows a user to enable or disable a path. A path set off stays off across rescans, re-logins and restarts until set active.",
	  path_set_options, path_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ NULL },
};
