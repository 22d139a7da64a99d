/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dm-multipath between commands (see nmp_runtime.h). Reactions to changed
 * sessions are deferred to the loop and coalesced: a burst of rescans and
 * logins costs one pass.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "iscsi_arrays.h"
#include "iscsi_paths.h"
#include "iscsi_recovery.h"
#include "log.h"
#include "loop.h"
#include "mpath_claim.h"
#include "mpath_client.h"
#include "mpath_conf.h"
#include "mpath_dropin.h"
#include "nmp_offline.h"
#include "nmp_runtime.h"
#include "scsi_disk_state.h"
#include "transaction.h"

struct nmp_runtime {
	struct esxd *d;
	struct loop_timer sessions_timer;
	bool sessions_pending;
	struct nmp_reconfigure *recovery_reconfigure;
	struct nmp_offline *offline;    /* paths set off stay off */
	struct mpath_claim *claim;      /* new LUNs claimed for dm-multipath */
};

static void recovery_reconfigured(int ret, const char *why, void *data)
{
	struct nmp_runtime *rt = data;

	rt->recovery_reconfigure = NULL;
	if (ret < 0)
		log_warn("multipathd did not confirm the drop-in's iSCSI arrays: %s", why);
	iscsi_recovery_sync(rt->d);
}

/* RecoveryTimeout owns recovery_tmo: the drop-in keeps multipathd's
 * fast_io_fail_tmo off the arrays behind the sessions now (reconfiguring
 * only when its text changed), then the sessions get their records'
 * value. Without arrays and without a drop-in there is nothing to keep. */
static void recovery_pass(struct nmp_runtime *rt)
{
	const struct model *m = model_current(rt->d);
	const char *path = rt->d->cfg.mpath_dropin;
	struct mpath_array *arrays = NULL;
	struct esx_err err = { 0 };
	size_t narrays = 0;
	char *text = NULL;
	int differs = 0;

	if (!m)
		return;
	if (iscsi_arrays_read(ISCSI_PATHS_SYSFS, &arrays, &narrays, &err) < 0 ||
	    (narrays == 0 && access(path, F_OK) != 0) ||
	    mpath_conf_render(&m->nmp, arrays, narrays, &text, &err) < 0 ||
	    (differs = mpath_dropin_differs(path, text, &err)) <= 0 ||
	    mpath_dropin_write(path, text, &err) < 0) {
		if (differs < 0 || err.text[0])
			log_warn("%s not brought up to date for the iSCSI arrays: %s", path, err.text);
		if (!rt->recovery_reconfigure)
			iscsi_recovery_sync(rt->d);
		goto out;
	}
	log_info("%s rewritten for the iSCSI arrays: asking multipathd to reconfigure", path);
	nmp_reconfigure_cancel(rt->recovery_reconfigure);
	rt->recovery_reconfigure = NULL;
	if (nmp_reconfigure_start(rt->d, recovery_reconfigured, rt, &rt->recovery_reconfigure,
				  &err) < 0) {
		log_info("multipathd not reconfigured: %s", err.text);
		iscsi_recovery_sync(rt->d);
	}
out:
	free(text);
	free(arrays);
}

/* What follows a change of sessions or disks. */
static void sessions_pass(struct esx_loop *loop, void *data)
{
	struct nmp_runtime *rt = data;

	(void)loop;
	rt->sessions_pending = false;
	recovery_pass(rt);
	nmp_offline_pass(rt->offline);
	mpath_claim_run(rt->claim);
}

int nmp_runtime_new(struct esxd *d, struct nmp_runtime **out, struct esx_err *err)
{
	struct nmp_runtime *rt = calloc(1, sizeof(*rt));

	*out = NULL;
	if (!rt)
		return err_set(err, ENOMEM, "out of memory");
	rt->d = d;
	loop_timer_init(&rt->sessions_timer, sessions_pass, rt);
	if (nmp_offline_new(d, SCSI_DISK_SYSFS, &rt->offline, err) < 0 ||
	    mpath_claim_new(d, &rt->claim, err) < 0) {
		nmp_runtime_free(rt);
		return -ENOMEM;
	}
	*out = rt;
	return 0;
}

void nmp_runtime_free(struct nmp_runtime *rt)
{
	if (!rt)
		return;
	loop_timer_disarm(rt->d->loop, &rt->sessions_timer);
	nmp_reconfigure_cancel(rt->recovery_reconfigure);
	nmp_offline_free(rt->offline);
	mpath_claim_free(rt->claim);
	free(rt);
}

void nmp_runtime_sessions_changed(struct esxd *d)
{
	struct nmp_runtime *rt = d->nmp;

	if (!rt || rt->sessions_pending)
		return;
	rt->sessions_pending = true;
	loop_timer_arm(d->loop, &rt->sessions_timer, loop_now_ms());
}

/* ---- reconfigure ---------------------------------------------------------- */

#define POLL_MS 100
#define IDLE_POLLS 3   /* idle this often without a configure seen: done */

struct nmp_reconfigure {
	struct esxd *d;
	struct mpath_request *req;
	struct loop_timer timer;
	uint64_t ends_at;
	unsigned idle_polls;
	bool saw_configure;
	nmp_reconfigure_fn fn;
	void *data;
};

static void reconfigure_end(struct nmp_reconfigure *r, int ret, const char *why)
{
	nmp_reconfigure_fn fn = r->fn;
	void *data = r->data;

	loop_timer_disarm(r->d->loop, &r->timer);
	free(r);
	fn(ret, why, data);
}

static void poll_later(struct nmp_reconfigure *r)
{
	if (loop_now_ms() + POLL_MS > r->ends_at) {
		reconfigure_end(r, -ETIMEDOUT, "multipathd did not finish reconfiguring in time");
		return;
	}
	loop_timer_arm(r->d->loop, &r->timer, loop_now_ms() + POLL_MS);
}

/* "pid 1234 idle": the word after the pid. */
static bool daemon_configuring(const char *text)
{
	return strstr(text, " configure") != NULL;
}

static void daemon_state(const struct mpath_reply *reply, void *data)
{
	struct nmp_reconfigure *r = data;

	r->req = NULL;
	if (reply->status < 0) {
		reconfigure_end(r, reply->status, reply->err ? reply->err->text : "no reply");
		return;
	}
	if (daemon_configuring(reply->text)) {
		r->saw_configure = true;
	} else if (r->saw_configure || ++r->idle_polls >= IDLE_POLLS) {
		reconfigure_end(r, 0, NULL);
		return;
	}
	poll_later(r);
}

static void poll_daemon(struct esx_loop *loop, void *data)
{
	struct nmp_reconfigure *r = data;
	struct esx_err err = { 0 };

	(void)loop;
	if (mpath_request(r->d->loop, r->d->cfg.mpathd_socket, "show daemon", POLL_MS * 50,
			  daemon_state, r, &r->req, &err) < 0)
		reconfigure_end(r, -ECONNREFUSED, err.text);
}

static void reconfigure_sent(const struct mpath_reply *reply, void *data)
{
	struct nmp_reconfigure *r = data;

	r->req = NULL;
	if (reply->status < 0) {
		reconfigure_end(r, reply->status, reply->err ? reply->err->text : "no reply");
		return;
	}
	if (strncmp(reply->text, "fail", 4) == 0) {
		reconfigure_end(r, -EIO, "multipathd refused to reconfigure");
		return;
	}
	poll_later(r);
}

int nmp_reconfigure_start(struct esxd *d, nmp_reconfigure_fn fn, void *data,
			  struct nmp_reconfigure **out, struct esx_err *err)
{
	struct nmp_reconfigure *r = calloc(1, sizeof(*r));
	int ret;

	*out = NULL;
	if (!r)
		return err_set(err, ENOMEM, "out of memory");
	r->d = d;
	r->fn = fn;
	r->data = data;
	r->ends_at = loop_now_ms() + NMP_RECONFIGURE_TIMEOUT_MS;
	loop_timer_init(&r->timer, poll_daemon, r);
	ret = mpath_request(d->loop, d->cfg.mpathd_socket, "reconfigure", 0, reconfigure_sent, r,
			    &r->req, err);
	if (ret < 0) {
		free(r);
		return ret;
	}
	*out = r;
	return 0;
}

void nmp_reconfigure_cancel(struct nmp_reconfigure *r)
{
	if (!r)
		return;
	mpath_request_cancel(r->req);
	loop_timer_disarm(r->d->loop, &r->timer);
	free(r);
}
