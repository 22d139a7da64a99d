/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers the network namespaces that change the model share. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "netcmd.h"
#include "transaction.h"

int netcmd_model(struct esx_call *call, const struct model **out)
{
	*out = model_current(call->daemon);
	if (!*out)
		return err_set(&call->err, EHOSTDOWN,
			       "The network configuration is not loaded: esxclid has not finished starting");
	return 0;
}

int netcmd_begin(struct esx_call *call, struct model *next)
{
	const struct model *m;
	int ret = netcmd_model(call, &m);

	memset(next, 0, sizeof(*next));
	if (ret < 0)
		return ret;
	if (model_clone(m, next) < 0)
		return err_set(&call->err, ENOMEM, "out of memory");
	return 0;
}

int netcmd_abandon(struct model *next, int ret)
{
	model_free(next);
	return ret;
}

int netcmd_need_net(struct esx_call *call, struct esx_net **out)
{
	*out = call->daemon->net;
	if (!*out)
		return err_set(&call->err, EHOSTDOWN,
			       "Unable to reach the kernel's network interfaces: netlink could not be opened when esxclid started");
	return 0;
}

void netcmd_rec_list(struct esx_record *rec, const char *field, const struct esx_strv *items)
{
	rec_list_begin(rec, field);
	for (size_t i = 0; i < items->len; i++)
		rec_list_add(rec, field, items->items[i]);
}

const char *netcmd_join(const struct esx_strv *items, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < items->len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", items->items[i]);

		if (n < 0 || (size_t)n >= len - used) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			break;
		}
		used += (size_t)n;
	}
	return buf;
}

/* Offer the names of an array of count model elements of size stride,
 * each with its name at offset. */
static int complete_names(const void *array, size_t count, size_t stride, size_t offset,
			  const char *prefix, struct esx_strv *out)
{
	const char *base = array;

	for (size_t i = 0; i < count; i++) {
		if (strv_add_if_prefix(out, base + i * stride + offset, prefix) < 0)
			return -ENOMEM;
	}
	return 0;
}

int netcmd_complete_vswitch(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	if (!m)
		return 0;
	return complete_names(m->vswitches, m->nvswitches, sizeof(*m->vswitches),
			      offsetof(struct vswitch, name), prefix, out);
}

int netcmd_complete_portgroup(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	if (!m)
		return 0;
	return complete_names(m->portgroups, m->nportgroups, sizeof(*m->portgroups),
			      offsetof(struct portgroup, name), prefix, out);
}

int netcmd_complete_vmk(struct esxd *d, const char *prefix, struct esx_strv *out)
{
	const struct model *m = model_current(d);

	if (!m)
		return 0;
	return complete_names(m->vmks, m->nvmks, sizeof(*m->vmks), offsetof(struct vmk, name),
			      prefix, out);
}
