/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Re-applying the paths set off (see nmp_offline.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "iscsi_paths.h"
#include "log.h"
#include "loop.h"
#include "mpath_client.h"
#include "nmp_offline.h"
#include "nmp_path_off.h"
#include "scsi_disk_state.h"
#include "transaction.h"

#define TELL_TIMEOUT_MS 8000

struct tell {
	struct nmp_offline *owner;
	struct mpath_request *req;
	char cmd[64];
	struct tell *next;
};

struct nmp_offline {
	struct esxd *d;
	char *sysfs_root;
	struct loop_timer timer;
	struct tell *telling;          /* multipathd requests in flight */
};

static void forget(struct nmp_offline *o, struct tell *t)
{
	for (struct tell **pp = &o->telling; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	free(t);
}

static void told(const struct mpath_reply *reply, void *data)
{
	struct tell *t = data;

	if (reply->status < 0)
		log_info("multipathd did not take '%s': %s", t->cmd,
			 reply->err ? reply->err->text : "no reply");
	else if (strncmp(reply->text, "ok", 2) != 0)
		log_info("multipathd answered '%.*s' to '%s'", (int)strcspn(reply->text, "\n"),
			 reply->text, t->cmd);
	forget(t->owner, t);
}

void nmp_offline_tell_multipathd(struct nmp_offline *o, const char *verb, const char *block)
{
	struct esx_err err = { 0 };
	struct tell *t = calloc(1, sizeof(*t));
	int k;

	if (!t) {
		log_warn("out of memory telling multipathd %s path %s", verb, block);
		return;
	}
	t->owner = o;
	k = snprintf(t->cmd, sizeof(t->cmd), "%s path %s", verb, block);
	if (k < 0 || (size_t)k >= sizeof(t->cmd) ||
	    mpath_request(o->d->loop, o->d->cfg.mpathd_socket, t->cmd, TELL_TIMEOUT_MS, told, t,
			  &t->req, &err) < 0) {
		log_debug("not telling multipathd '%s': %s", t->cmd,
			  err.text[0] ? err.text : "too long");
		free(t);
		return;
	}
	t->next = o->telling;
	o->telling = t;
}

unsigned nmp_offline_pass(struct nmp_offline *o)
{
	const struct model *m = model_current(o->d);
	struct iscsi_path *paths = NULL;
	struct esx_err err = { 0 };
	unsigned done = 0;
	size_t n = 0;

	if (!m || !m->nmp.npaths_off)
		return 0;
	if (iscsi_paths_read(o->sysfs_root, &paths, &n, &err) < 0) {
		log_warn("cannot read the paths to keep those set off offline: %s", err.text);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct iscsi_path *p = &paths[i];

		if (strcmp(p->scsi_state, "offline") == 0 || !nmp_path_is_off(&m->nmp, p))
			continue;
		err_reset(&err);
		/* A disk whose session is down is "blocked" and cannot be set
		 * offline: the next pass does it once the session is back. */
		if (scsi_disk_set_offline(o->sysfs_root, p->block, &err) < 0) {
			log_debug("path %s (%s, %s) is set off: %s", p->hctl, p->block,
				  p->scsi_state, err.text);
			continue;
		}
		log_notice("path %s (%s) is set off but was %s: put offline again", p->hctl,
			   p->block, p->scsi_state[0] ? p->scsi_state : "running");
		nmp_offline_tell_multipathd(o, "fail", p->block);
		done++;
	}
	free(paths);
	return done;
}

static void tick(struct esx_loop *loop, void *data)
{
	struct nmp_offline *o = data;

	nmp_offline_pass(o);
	loop_timer_arm(loop, &o->timer, loop_now_ms() + NMP_OFFLINE_PERIOD_MS);
}

int nmp_offline_new(struct esxd *d, const char *sysfs_root, struct nmp_offline **out,
		    struct esx_err *err)
{
	struct nmp_offline *o = calloc(1, sizeof(*o));

	*out = NULL;
	if (!o || !(o->sysfs_root = strdup(sysfs_root))) {
		free(o);
		return err_set(err, ENOMEM, "out of memory");
	}
	o->d = d;
	loop_timer_init(&o->timer, tick, o);
	loop_timer_arm(d->loop, &o->timer, loop_now_ms() + NMP_OFFLINE_PERIOD_MS);
	*out = o;
	return 0;
}

void nmp_offline_free(struct nmp_offline *o)
{
	if (!o)
		return;
	loop_timer_disarm(o->d->loop, &o->timer);
	while (o->telling) {
		struct tell *t = o->telling;

		o->telling = t->next;
		mpath_request_cancel(t->req);
		free(t);
	}
	free(o->sysfs_root);
	free(o);
}
