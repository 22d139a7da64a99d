/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `esxcli iscsi software`: whether the software iSCSI adapter exists, and
 * enabling it (iscsi_tcp loaded, iscsid answering, the initiator named) or
 * disabling it (refused while sessions are logged in).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "commands.h"
#include "iqn.h"
#include "iscsi_state.h"
#include "netcmd.h"
#include "ns_iscsi_common.h"

static const struct esx_option software_get_options[] = {
	{ NULL },
};

static const struct esx_option software_set_options[] = {
	{ "enabled", 'e', OPT_BOOL, OPT_REQUIRED, NULL, 0, 0, NULL,
	  "Enable or disable the software iSCSI adapter (true|false).", NULL },
	{ "name", 'n', OPT_STRING, 0, NULL, 0, 0, NULL,
	  "The iSCSI initiator name to use when enabling (iqn.YYYY-MM.domain:...). Default: the adapter's name, else the InitiatorName of /etc/iscsi/initiatorname.iscsi, else a new iqn.2005-03.org.open-iscsi:<12 hex digits>.",
	  NULL },
	{ NULL },
};

static int software_get(struct esx_call *call)
{
	const struct model *m;
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	result_scalar_bool(call->result, m->iscsi.enabled);
	return 0;
}

static int disable_change(struct model *next, void *data, struct esx_err *err)
{
	(void)data;
	(void)err;
	next->iscsi.enabled = false;
	return 0;
}

/* Disabling under running sessions would leave them without an adapter. */
static int software_disable(struct esx_call *call)
{
	struct iscsi_session_info *sessions = NULL;
	const struct model *m;
	size_t n = 0;
	int ret = netcmd_model(call, &m);

	if (ret < 0)
		return ret;
	if (!m->iscsi.enabled)
		return 0;
	ret = iscsi_state_sessions(&sessions, &n, &call->err);
	if (ret < 0)
		return ret;
	free(sessions);
	if (n)
		return err_set_named(&call->err, EBUSY, "InUse",
				     "Unable to disable software iSCSI: %zu session%s logged in; log %s out first: esxcli iscsi session remove -A %s",
				     n, n == 1 ? " is" : "s are", n == 1 ? "it" : "them",
				     m->iscsi.adapter);
	return iscsi_cmd_commit(call->daemon, disable_change, NULL, &call->err);
}

static int software_set(struct esx_call *call)
{
	const char *name = args_str(&call->args, "name");
	int ret;

	if (!args_bool(&call->args, "enabled", false)) {
		if (name)
			return err_set(&call->err, EINVAL, "--name is only used when enabling");
		return software_disable(call);
	}
	if (name) {
		ret = iscsi_cmd_target_name(call, name);
		if (ret < 0)
			return ret;
	}
	return iscsi_cmd_start_naming(call, "enabling software iSCSI", true, name, NULL,
				      "Software iSCSI Enabled");
}

const struct esx_command iscsi_software_commands[] = {
	{ "iscsi software get", "Software iSCSI information.", software_get_options,
	  software_get, SHAPE_SCALAR, NULL, VT_BOOL, CMD_READONLY },
	{ "iscsi software set", "Enable or disable software iSCSI.", software_set_options,
	  software_set, SHAPE_NONE, NULL, VT_STRING, 0 },
	{ NULL },
};

const struct esx_namespace iscsi_software_namespaces[] = {
	{ "iscsi", "iSCSI namespace for monitoring and managing hardware and software iSCSI." },
	{ "iscsi software", "Operations that can be performed on software iSCSI" },
	{ NULL, NULL },
};
