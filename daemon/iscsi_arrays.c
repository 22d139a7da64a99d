/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The arrays behind the software adapter's sessions (see iscsi_arrays.h). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsi_arrays.h"
#include "iscsi_paths.h"
#include "log.h"
#include "nmp_model.h"

static int array_cmp(const void *x, const void *y)
{
	const struct mpath_array *a = x, *b = y;
	int c = strcmp(a->vendor, b->vendor);

	return c ? c : strcmp(a->model, b->model);
}

/* Whether the path's pair can be written into the drop-in: multipath
 * matches it as a regular expression, and a hostile INQUIRY must not
 * inject configuration. */
static bool usable(const struct iscsi_path *p)
{
	struct esx_err err = { 0 };

	if (!p->vendor[0] || !p->model[0]) {
		log_warn("%s (%s): no vendor or model in sysfs, multipathd's fast_io_fail_tmo is not kept off it",
			 p->block, p->hctl);
		return false;
	}
	if (nmp_check_vendor(p->vendor, &err) < 0 || nmp_check_model(p->model, &err) < 0) {
		log_warn("%s (%s): %s; multipathd's fast_io_fail_tmo is not kept off it",
			 p->block, p->hctl, err.text);
		return false;
	}
	return true;
}

int iscsi_arrays_read(const char *root, struct mpath_array **out, size_t *count,
		      struct esx_err *err)
{
	struct iscsi_path *paths = NULL;
	struct mpath_array *list = NULL;
	size_t npaths = 0, n = 0;
	int ret = iscsi_paths_read(root, &paths, &npaths, err);

	*out = NULL;
	*count = 0;
	if (ret < 0 || npaths == 0)
		goto out;
	list = calloc(npaths, sizeof(*list));
	if (!list) {
		ret = err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < npaths; i++) {
		struct mpath_array a = { 0 };
		bool seen = false;

		if (!usable(&paths[i]))
			continue;
		/* The checks bound their lengths. */
		memcpy(a.vendor, paths[i].vendor, strlen(paths[i].vendor) + 1);
		memcpy(a.model, paths[i].model, strlen(paths[i].model) + 1);
		for (size_t j = 0; j < n && !seen; j++)
			seen = array_cmp(&list[j], &a) == 0;
		if (!seen)
			list[n++] = a;
	}
	if (n == 0)
		goto out;
	qsort(list, n, sizeof(*list), array_cmp);
	*out = list;
	*count = n;
	list = NULL;
out:
	free(list);
	free(paths);
	return ret;
}
