/* SPDX-License-Identifier: GPL-3.0-or-later */
/* All-or-nothing changes of the desired network state: kernel, then store. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "daemon.h"
#include "log.h"
#include "reconcile.h"
#include "store.h"
#include "transaction.h"

const struct model *model_current(const struct esxd *d)
{
	return d->model;
}

int model_init(struct esxd *d, struct esx_err *err)
{
	struct model *m = calloc(1, sizeof(*m));
	int ret;

	if (!m)
		return err_set(err, ENOMEM, "out of memory");
	ret = model_load(store_root(d->store), m, err);
	if (ret < 0) {
		free(m);
		return ret;
	}
	d->model = m;
	return 0;
}

void model_exit(struct esxd *d)
{
	if (!d->model)
		return;
	model_free(d->model);
	free(d->model);
	d->model = NULL;
}

/* Put the kernel back as the committed model has it, after a failure. */
static void roll_back(struct esxd *d)
{
	struct esx_err again = { 0 };

	if (d->reconciler && reconcile(d->reconciler, d->model, &again) < 0)
		log_err("could not restore the previous network state: %s", again.text);
}

int model_apply(struct esxd *d, struct model *next, struct esx_err *err)
{
	struct json_object *doc = NULL;
	int ret;

	if (d->reconciler) {
		ret = reconcile(d->reconciler, next, err);
		if (ret < 0) {
			roll_back(d);
			goto fail;
		}
	}
	doc = store_edit(d->store);
	if (!doc) {
		ret = err_set(err, ENOMEM, "out of memory");
		roll_back(d);
		goto fail;
	}
	ret = model_save(next, doc, err);
	if (ret < 0) {
		json_object_put(doc);
		roll_back(d);
		goto fail;
	}
	ret = store_commit(d->store, doc, err);   /* takes doc */
	if (ret < 0) {
		roll_back(d);
		goto fail;
	}
	model_free(d->model);
	*d->model = *next;
	memset(next, 0, sizeof(*next));
	return 0;
fail:
	model_free(next);
	return ret;
}
