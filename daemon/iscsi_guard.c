/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Refusals of network changes that would take a bound vmk away, with the
 * impact on storage spelled out. Reads the paths from sysfs when asked;
 * the network commands decide whether to ask (not under --force).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iscsi_guard.h"
#include "iscsi_paths.h"
#include "netcmd.h"
#include "reconcile.h"
#include "strv.h"

struct assessment {
	struct iscsi_path *paths;
	size_t npaths;
	struct iscsi_impact impact;
};

static void assessment_free(struct assessment *a)
{
	free(a->paths);
	iscsi_impact_free(&a->impact);
}

/* The paths now and what taking the vmks in gone away would do to them. */
static int assess(const struct esx_strv *gone, struct assessment *a, struct esx_err *err)
{
	int ret;

	memset(a, 0, sizeof(*a));
	ret = iscsi_paths_read(ISCSI_PATHS_SYSFS, &a->paths, &a->npaths, err);
	if (ret == 0 && iscsi_impact(a->paths, a->npaths, gone, &a->impact) < 0)
		ret = err_set(err, ENOMEM, "out of memory");
	return ret;
}

static bool carries_paths(const struct assessment *a, const char *vmk)
{
	for (size_t i = 0; i < a->npaths; i++) {
		if (strcmp(a->paths[i].iface, vmk) == 0)
			return true;
	}
	return false;
}

/* "esxcli iscsi networkportal remove -A vmhba64 -n vmk1 --force true" for
 * each vmk, joined by " and "; --force true only where the unbind would be
 * refused without it (the vmk carries paths). */
static void unbind_commands(const struct model *m, const struct esx_strv *vmks,
			    const struct assessment *a, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < vmks->len && used < len; i++)
		used += (size_t)snprintf(out + used, len - used,
					 "%sesxcli iscsi networkportal remove -A %s -n %s%s",
					 i ? " and " : "", m->iscsi.adapter, vmks->items[i],
					 carries_paths(a, vmks->items[i]) ? " --force true" : "");
}

/* name: head impact Remedy: remedy, the impact cut to what fits. */
static int refuse(struct esx_err *err, const char *name, const char *head,
		  const struct iscsi_impact *im, const char *remedy)
{
	char impact[ESX_ERR_TEXT_MAX];
	size_t fixed = strlen(name) + strlen(head) + strlen(remedy) + 16;

	iscsi_impact_text(im, impact, fixed + 80 < sizeof(impact) ? sizeof(impact) - fixed : 80);
	return err_set_named(err, EBUSY, name, "%s: %s %s Remedy: %s", name, head, impact, remedy);
}

int iscsi_guard_vmk_remove(const struct model *m, const char *vmk, struct esx_err *err)
{
	struct esx_strv gone = { 0 };
	struct assessment a = { 0 };
	char head[256], unbind[256], remedy[512];
	int ret;

	if (!model_iscsi_binding(m, vmk))
		return 0;
	if (strv_add(&gone, vmk) < 0)
		return err_set(err, ENOMEM, "out of memory");
	ret = assess(&gone, &a, err);
	if (ret < 0)
		goto out;
	snprintf(head, sizeof(head), "%s is bound to the iSCSI adapter %s (port binding)%s", vmk,
		 m->iscsi.adapter,
		 a.impact.ndevices ? "; removing it takes its storage paths away." : ".");
	unbind_commands(m, &gone, &a, unbind, sizeof(unbind));
	snprintf(remedy, sizeof(remedy),
		 "unbind it first: %s; or remove it anyway (the binding stays, non-compliant: VnicNotFound): esxcli network ip interface remove -i %s --force true",
		 unbind, vmk);
	ret = refuse(err, "VnicInUse", head, &a.impact, remedy);
out:
	assessment_free(&a);
	strv_free(&gone);
	return ret;
}

/* The bound vmks pinned to nic. */
static int pinned_vmks(const struct model *m, const struct reconciler *r, const char *nic,
		       struct esx_strv *out)
{
	for (size_t i = 0; i < m->iscsi.nbindings; i++) {
		const struct iscsi_binding *b = &m->iscsi.bindings[i];
		const char *now = reconcile_vmk_uplink(r, b->vmk);

		if (strcmp(now[0] ? now : b->uplink, nic) == 0 && strv_add(out, b->vmk) < 0)
			return -ENOMEM;
	}
	return 0;
}

int iscsi_guard_uplink_remove(const struct model *m, const struct reconciler *r,
			      const char *nic, const char *vswitch, struct esx_err *err)
{
	struct esx_strv gone = { 0 };
	struct assessment a = { 0 };
	char head[512], names[256], unbind[512], remedy[1024];
	int ret = pinned_vmks(m, r, nic, &gone);

	if (ret < 0)
		return err_set(err, ENOMEM, "out of memory");
	if (!gone.len)
		goto out;
	ret = assess(&gone, &a, err);
	if (ret < 0)
		goto out;
	netcmd_join(&gone, names, sizeof(names));
	if (a.impact.ndevices)
		snprintf(head, sizeof(head),
			 "%s is the uplink of %s, bound to the iSCSI adapter %s (port binding); removing it from %s takes %s storage paths away.",
			 nic, names, m->iscsi.adapter, vswitch, gone.len == 1 ? "its" : "their");
	else
		snprintf(head, sizeof(head),
			 "%s is the uplink of %s, bound to the iSCSI adapter %s (port binding).", nic,
			 names, m->iscsi.adapter);
	unbind_commands(m, &gone, &a, unbind, sizeof(unbind));
	snprintf(remedy, sizeof(remedy),
		 "unbind %s first: %s; or remove it anyway (the binding stays, non-compliant): esxcli network vswitch standard uplink remove -u %s -v %s --force true",
		 names, unbind, nic, vswitch);
	ret = refuse(err, "PnicInUse", head, &a.impact, remedy);
out:
	assessment_free(&a);
	strv_free(&gone);
	return ret;
}
