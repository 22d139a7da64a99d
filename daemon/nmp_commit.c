/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Committing NMP settings to the drop-in, the store and multipathd (see
 * nmp_commit.h). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "command.h"
#include "daemon.h"
#include "iscsi_arrays.h"
#include "iscsi_paths.h"
#include "log.h"
#include "model.h"
#include "mpath_conf.h"
#include "mpath_dropin.h"
#include "nmp_commit.h"
#include "nmp_runtime.h"
#include "result.h"
#include "transaction.h"

static void put_back(const char *path, const char *old_text)
{
	struct esx_err err = { 0 };
	int ret = old_text ? mpath_dropin_write(path, old_text, &err)
			   : mpath_dropin_remove(path, &err);

	if (ret < 0)
		log_err("%s could not be put back after a failed commit: %s", path, err.text);
}

static void say_unconfirmed(struct esx_call *call, int ret, const char *why)
{
	if (ret == -ECONNREFUSED || ret == -ENOENT)
		result_message(call->result,
			       "multipathd is not running: the settings apply when it starts");
	else if (ret < 0)
		result_message(call->result,
			       "The settings are saved, but multipathd did not confirm them: %s", why);
}

static void reconfigured(int ret, const char *why, void *data)
{
	struct esx_call *call = data;

	call->handler_data = NULL;
	call->cancel = NULL;
	say_unconfirmed(call, ret, why);
	call_finish(call, 0);
}

static void reconfigure_cancel(struct esx_call *call)
{
	nmp_reconfigure_cancel(call->handler_data);
	call->handler_data = NULL;
}

int nmp_commit(struct esx_call *call, struct model *next)
{
	struct esxd *d = call->daemon;
	const char *path = d->cfg.mpath_dropin;
	struct nmp_reconfigure *r = NULL;
	char *text = NULL, *old_text = NULL;
	struct mpath_array *arrays = NULL;
	struct esx_err err = { 0 };
	size_t narrays = 0;
	int ret, differs;

	ret = iscsi_arrays_read(ISCSI_PATHS_SYSFS, &arrays, &narrays, &call->err);
	if (ret == 0)
		ret = mpath_conf_render(&next->nmp, arrays, narrays, &text, &call->err);
	if (ret < 0) {
		model_free(next);
		goto out;
	}
	differs = mpath_dropin_differs(path, text, &call->err);
	if (differs < 0 || (differs && mpath_dropin_read(path, &old_text, &call->err) < 0) ||
	    (differs && mpath_dropin_write(path, text, &call->err) < 0)) {
		ret = -call->err.code;
		model_free(next);
		goto out;
	}
	ret = model_apply(d, next, &call->err);
	if (ret < 0) {
		if (differs)
			put_back(path, old_text);
		goto out;
	}
	if (!differs)
		goto out;
	log_info("%s rewritten: asking multipathd to reconfigure", path);
	ret = nmp_reconfigure_start(d, reconfigured, call, &r, &err);
	if (ret < 0) {
		say_unconfirmed(call, ret, err.text);
		ret = 0;
		goto out;
	}
	call->handler_data = r;
	call->cancel = reconfigure_cancel;
	ret = ESX_PENDING;
out:
	free(arrays);
	free(old_text);
	free(text);
	return ret;
}
