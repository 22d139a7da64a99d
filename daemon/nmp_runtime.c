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

#include "daemon.h"
#include "log.h"
#include "loop.h"
#include "mpath_claim.h"
#include "nmp_runtime.h"

struct nmp_runtime {
	struct esxd *d;
	struct loop_timer sessions_timer;
	struct mpath_claim *claim;      /* new LUNs claimed for dm-multipath */
	bool sessions_pending;
};

/* What follows a change of sessions or disks. */
static void sessions_pass(struct esx_loop *loop, void *data)
{
	struct nmp_runtime *rt = data;

	(void)loop;
	rt->sessions_pending = false;
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
	if (mpath_claim_new(d, &rt->claim, err) < 0) {
		free(rt);
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
